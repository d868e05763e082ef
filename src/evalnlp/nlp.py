"""spaCy pipelines and passage segmentation.

Sentences come from ``spacy.blank("en")`` with the rule-based sentencizer, run on the pieces of a text
between line breaks and bullet markers, which is how feedback is usually laid out (narrative documents arrive
with their hard wraps already rejoined, see :mod:`evalnlp.ingest._reflow`). Text written without spaces
(Chinese, Japanese) is also cut after its sentence-ending marks (``。！？``), which the English tokenizer leaves
inside a word (see :func:`_cjk_sentences`). Offsets always point into the original text:
``text[start:end] == sentence``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Iterator

from evalnlp.util import HAN_LETTERS, KANA_LETTERS

_LINE = re.compile(r"[^\r\n\u2028\u2029]+")
_BULLET = re.compile(r"[ \t]*(?:[-*\u2022\u2023\u25e6\u2043\u2219]|\d{1,2}[.)])[ \t]+")
_MARKUP = re.compile(r"[ \t]*(?:[-*+\u2022\u2023\u25e6\u2043\u2219\u25aa\u25cf\uf0b7]|\d{1,2}[.)]|#{1,6}|>)[ \t]+")


def import_spacy():
    """``import spacy``, without letting its array library (thinc) import torch when nothing has yet.

    thinc imports torch, when it is installed, only to offer its torch-backed layers, which no pipeline used
    here needs (the NER model and the blank pipeline run on numpy); that import costs a second or more and
    a few hundred MB in every process that redacts a quote. While spaCy is imported, torch is refused to the
    thread importing it (:class:`_Refused`), so thinc takes it for absent, as on an install without torch;
    other threads are not affected (a thread may import spaCy while another works), and torch itself can still
    be imported afterwards. When another thread imports torch meanwhile, thinc finds it imported and uses it,
    as it would have had torch been imported first.
    """
    import sys

    if "spacy" in sys.modules:  # imported, or being imported by another thread (the import waits for it)
        import spacy

        return spacy
    refused = _Refused("torch") if "torch" not in sys.modules else None
    if refused is not None:
        sys.meta_path.insert(0, refused)
    try:
        import spacy
    finally:
        if refused is not None:
            sys.meta_path.remove(refused)
    return spacy


class _Refused:
    """A finder of modules, first on ``sys.meta_path``, that refuses the package ``name`` (and its submodules)
    to the thread that made it: importing it there raises ModuleNotFoundError, as if it were not installed.
    Other threads' imports, and a module already imported (found in ``sys.modules`` before any finder is
    asked), are not affected."""

    def __init__(self, name: str):
        import threading

        self.name = name
        self.thread = threading.get_ident()

    def find_spec(self, fullname: str, path=None, target=None):
        import threading

        if fullname.partition(".")[0] == self.name and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


@lru_cache(maxsize=1)
def blank_pipeline():
    """``spacy.blank("en")`` with a sentencizer: fast, no model files."""
    spacy = import_spacy()

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 5_000_000
    return nlp


def pieces(text: str, markup: bool = False) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` between line breaks, with leading bullet markers and surrounding blanks removed; with
    ``markup`` (narrative documents) also Markdown heading and block-quote markers and more bullet shapes."""
    marker = _MARKUP if markup else _BULLET
    for m in _LINE.finditer(text):
        start, end = m.start(), m.end()
        b = marker.match(text, start, end)
        if b:
            start = b.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if markup and end - start > 1 and text[start] == "|" and "|" in text[start + 1:end]:
            yield from _table_cells(text, start, end)  # a Markdown table's row: each cell a piece of its own
            continue
        if end > start and (not markup or any(c.isalnum() for c in text[start:end])):
            yield start, end  # with markup, rules and table borders ("===", "|---|") are no sentences


def _table_cells(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The cells of the Markdown table row ``text[start:end]`` (``| Hull | 310 nurses | ... |``), trimmed, that
    hold a letter or a digit: a row's pipes are its layout, not its words."""
    a = start + 1
    while a <= end:
        b = text.find("|", a, end)
        b = end if b < 0 else b
        s, e = a, b
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and any(c.isalnum() for c in text[s:e]):
            yield s, e
        a = b + 1


def sentence_spans(texts: Iterable[str], batch_size: int = 256,
                   markup: bool = False) -> Iterator[list[tuple[int, int]]]:
    """For each text, the (start, end) character spans of its sentences, in order.

    Whitespace around a sentence is excluded; every span is non-empty. Every line break ends a sentence: survey
    answers keep their own layout, and narrative documents come here as reading text, whose remaining line
    breaks are real (:mod:`evalnlp.ingest._reflow`); ``markup`` strips their Markdown markers (see
    :func:`pieces`).
    """
    nlp = blank_pipeline()
    texts = list(texts)
    flat: list[str] = []
    owners: list[tuple[int, int]] = []  # (text index, piece offset)
    for i, text in enumerate(texts):
        for start, end in pieces(text, markup):
            flat.append(text[start:end])
            owners.append((i, start))
    result: list[list[tuple[int, int]]] = [[] for _ in texts]
    for (i, offset), doc in zip(owners, nlp.pipe(flat, batch_size=batch_size)):
        for sent in doc.sents:
            s = offset + sent.start_char
            e = offset + sent.end_char
            text = texts[i]
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s and not marks_only(text[s:e]):  # a line "-" between sentences is no sentence
                if _CJK_ANY.search(text, s, e):
                    result[i].extend(_cjk_sentences(text, s, e))
                else:
                    result[i].append((s, e))
    for i, spans in enumerate(result):
        if len(spans) > 1:
            spans = _closing_marks_rejoined(texts[i], spans)
        spans = result[i] = _footnote_markers_split(texts[i], spans)
        if len(spans) > 1:
            spans = _abbreviations_joined(texts[i], spans)
            result[i] = _opening_quotes_moved(texts[i], _markers_kept_whole(texts[i], spans))
    yield from result


#: A sentence's end with a footnote marker glued after its full stop (``... adopted.² The``, ``... [B].3 It``,
#: ``... 2019.[4] In``), before the capital that opens the next sentence: the sentencizer reads the stop, the
#: marker and the word before them as one token and goes on, so two sentences came out as one passage. The word
#: before the stop has two letters at least, or is a closing bracket or quotation mark, or a digit when the marker
#: is in square brackets (``in 2012.[i] Wards``; ``3.5 Then`` and ``p.2 The`` are no sentence ends); a marker is superscript digits, up to three digits (lists and ranges of
#: them too, ``4,5``, ``4-6``), the same in square brackets, a roman numeral or up to three letters in square
#: brackets (a Word document's note mark as the reader shows it, ``...lasted.\u201d[ii] The``; a case study's
#: ``[D]``), or the symbols of a note (``\u2020``, ``\u2021``, ``\u00a7``, ``*``, up to three).
#: A note's mark of letters as a bracketed marker: a roman numeral (``[xviii]``, ``[IV]``) or up to three letters.
_LETTER_MARK = r"\[(?:[ivxlc]{1,8}|[IVXLC]{1,8}|[a-z]{1,3}|[A-Z]{1,3})\]"
_FOOTNOTE_END = re.compile(
    r"(?:(?P<word>[^\W\d_]{2,})|[)\]\u201d\u2019\"']|\d(?=[.!?]\[))[.!?][\u201d\u2019\"')\]]*"
    r"(?P<mark>[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|\d{1,3}(?:[,\u2013-]\d{1,3})*"
    r"|\[\d{1,3}(?:[,\u2013-] ?\d{1,3})*\]|" + _LETTER_MARK + r"|[\u2020\u2021\u00a7*]{1,3})"
    r"(?=[ \t\u00a0]+[\"'\u201c\u2018(]?[A-Z])")
#: A sentence's end after a superscript footnote mark glued to its last word or to a closing quotation mark or
#: bracket (``... adopted\u00b3. The``, ``... \u201cbetter care\u201d\u00b9\u00b2. It``): the sentencizer reads the word, the mark and the stop
#: as one token. (Plain digits there are a number's: ``3.5 Then``.)
_FOOTNOTE_BEFORE_END = re.compile(
    r"(?:[^\W\d_]|[)\]\u201d\u2019\"'])(?P<mark>[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]{1,3}[.!?][\u201d\u2019\"')\]]*)"
    r"(?=[ \t\u00a0]+[\"'\u201c\u2018(]?[A-Z])")
_MAYBE_FOOTNOTE = re.compile(r"[.!?][\u201d\u2019\"')\]]*[\d\u00b9\u00b2\u00b3\u2070\u2074-\u2079\[\u2020\u2021\u00a7*]"
                             r"|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079][.!?]")
#: Abbreviations after which a number is a reference's, not a footnote marker (``Fig.2 The chart``).
_NUMBERED_ABBREVIATIONS = frozenset("fig figs no nos vol vols para paras ch chap sec eq ref refs pp app art tab "
                                    "table item".split())


def _footnote_markers_split(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with each sentence that runs on past a footnote marker glued after its full stop (see
    :data:`_FOOTNOTE_END`) cut after the marker, or past a superscript one glued before it (see
    :data:`_FOOTNOTE_BEFORE_END`) cut after the stop: a case study's "... deliberations" [H].² The Department ..."
    was one passage of two sentences, which a quote then showed whole."""
    if _MAYBE_FOOTNOTE.search(text) is None:  # (most texts: one quick look)
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        ends = list(_FOOTNOTE_END.finditer(text, s, e)) + list(_FOOTNOTE_BEFORE_END.finditer(text, s, e))
        for m in sorted(ends, key=lambda m: m.end("mark")):
            if m.re is _FOOTNOTE_END and m.group("word") and m.group("word").lower() in _NUMBERED_ABBREVIATIONS:
                continue
            if m.end("mark") <= s:
                continue
            cut = m.end("mark")
            nxt = cut
            while nxt < e and text[nxt].isspace():
                nxt += 1
            if nxt < e:
                out.append((s, cut))
                s = nxt
        out.append((s, e))
    return out


#: Closing quotation marks (or brackets) with a footnote mark glued after them, which the sentencizer can take for
#: the start of the next sentence: ``...to practice.\u201d\u00b9 The`` gave ``...to practice.`` and ``\u201d\u00b9 The ...``.
_CLOSER_AND_MARK = re.compile(r"[\u201d\u2019\"')\]]+(?:[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]{1,3}|\d{1,3}|"
                              + _LETTER_MARK + r"|[\u2020\u2021\u00a7*]{1,3})(?=\s|$)")


def _closing_marks_rejoined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a closing quotation mark and the footnote mark glued to it given back to the sentence they
    close, when the sentencizer started the next sentence with them (right after a full stop, with no space
    between: see :data:`_CLOSER_AND_MARK`); the words after them are the next sentence, or go on with this one
    when they open in lower case. Source markers right after the note's mark (``\u201d[ii] [B]``) go with them."""
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        m = _CLOSER_AND_MARK.match(text, s, e)
        if s != pe or m is None or text[pe - 1] not in ".!?":
            out.append((s, e))
            continue
        cut = _markers_after(text, m.end(), e)
        k = cut
        while k < e and text[k].isspace():
            k += 1
        if k < e and not text[k].islower():
            out[-1] = (ps, cut)
            out.append((k, e))
        else:
            out[-1] = (ps, e)
    return out


def _markers_after(text: str, pos: int, end: int) -> int:
    """Where the source markers standing right after ``pos`` end (``\u201d\u00b9 [B] [C] The``: after ``[C]``), or
    ``pos`` when none does: a marker a case study writes after a note's mark cites the same sentence, and is no
    sentence of its own."""
    more = _MORE_MARKERS.match(text, pos, end)
    if more is None:
        return pos
    brackets = re.findall(r"[\[(]([^\[\]()\n]{1,30})[\])]", more.group(0))
    if all(_MARKER_LIKE.fullmatch(b.strip()) for b in brackets):
        return more.end()
    return pos


#: Letters of scripts written without spaces between words: Han, kana (full and half width), Hangul.
_CJK_LETTER = "\u3005\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af"
#: A text that may hold such a sentence end: a full-width mark, or "!" / "?" right after a CJK letter.
_CJK_ANY = re.compile(f"[\u3002\uff01\uff1f\uff61\uff0e]|[{_CJK_LETTER}][!?]")
#: A sentence end in such text: a run of ending marks ("。", "！？", "!!" after a CJK letter; "．" unless it sits
#: between digits, as in "３．５"), then any closing brackets and quotation marks ("。」", "！）", "。”").
_CJK_END = re.compile(
    f"(?:[\u3002\uff01\uff1f\uff61]|(?<![0-9\uff10-\uff19])\uff0e|\uff0e(?![0-9\uff10-\uff19])|(?<=[{_CJK_LETTER}])[!?])"
    "[\u3002\uff01\uff1f\uff61\uff0e!?\u2026]*"
    "(?P<closers>[\u300d\u300f\uff09\u3011\u3015\u3009\u300b\u3017\u3019\u201d\u2019)\\]\"]*)")
#: Opening brackets and quotation marks of CJK text, with their closing partners: a sentence end inside a pair
#: that closes later on the same line is the end of a quoted sentence, not of the one around it.
_CJK_PAIRS = {"\u300c": "\u300d", "\u300e": "\u300f", "\uff08": "\uff09", "\u3010": "\u3011",
              "\u3014": "\u3015", "\u3008": "\u3009", "\u300a": "\u300b", "\u3016": "\u3017",
              "\u3018": "\u3019", "\u201c": "\u201d", "(": ")"}
#: What goes on from a closed quotation in the same sentence: the Japanese quoting particles (「…。」と言った,
#: 「…！」って) and commas.
_GOES_ON = "\u3068\u3063\u3001\uff0c,"


def _cjk_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` (one sentence to the English sentencizer, trimmed) cut after each
    sentence end of text written without spaces (:data:`_CJK_END`): ``护士很好。医生也很耐心！`` is two. A mark
    inside brackets or quotation marks that close later in the span does not cut (``「また来たい。絶対に。」と``),
    nor one whose closing quotation goes on with a quoting particle or a comma (``「はい。」と言った``). A straight
    quotation mark ``"`` after the mark closes the sentence only when one opened before it. A piece left with
    marks only (``…``) stays with the sentence before it. Offsets are into ``text``; each span is trimmed."""
    inside: list[tuple[int, int]] = []  # (opener, closer) positions of pairs closed within the span
    stack: list[tuple[str, int]] = []
    for k in range(start, end):
        c = text[k]
        if c in _CJK_PAIRS:
            stack.append((_CJK_PAIRS[c], k))
        elif stack and any(c == want for want, _ in stack):
            while stack:
                want, at = stack.pop()
                if want == c:
                    inside.append((at, k))
                    break
    out: list[tuple[int, int]] = []
    s = start
    for m in _CJK_END.finditer(text, start, end):
        cut = m.end()
        closers = m.group("closers")
        straight = closers.find('"')
        if straight >= 0 and text.count('"', s, m.start("closers")) % 2 == 0:
            cut = m.start("closers") + straight  # the mark opens the next sentence's quotation
        if cut >= end or any(o < cut <= c for o, c in inside):
            continue
        if closers and text[cut:cut + 1] in _GOES_ON:
            continue
        e = cut
        while e > s and text[e - 1].isspace():
            e -= 1
        nxt = cut
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if e > s:
            if out and marks_only(text[s:e]):
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        s = nxt
    if s < end:
        if out and marks_only(text[s:end]):
            out[-1] = (out[-1][0], end)
        else:
            out.append((s, end))
    return out


#: A sentence ending in an abbreviation that a number or a lower-case word goes on from ("(pp. 14-22)",
#: "approx. 400 staff", "e.g. the ward"), or in a title before a name ("Dr. Okafor").
_ABBREVIATION_END = re.compile(r"(?:^|[\s(\[])(?:(?i:pp?|approx|e\.g|i\.e|cf|vs|figs?|nos?|vol|chap|ch|paras?|sec"
                               r"|ca|c|refs?|eq|viz|incl|est)|(?P<title>Dr|Mr|Mrs|Ms|Prof|St|Cllr|Rev|Sr|Jr))\.$")


def _abbreviations_joined(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a sentence the sentencizer ended at an abbreviation's full stop joined to the next one,
    when that goes on with a digit or a lower-case word (after a title: a capital), on the same line: a quote
    cut at "(pp." or "approx." was shown as two fragments."""
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        m = _ABBREVIATION_END.search(text, max(ps, pe - 12), pe)
        first = text[s:s + 1]
        goes_on = first.isdigit() or first.islower() or (m is not None and m.group("title") and first.isupper())
        if m is not None and goes_on and not _BREAK.search(text, pe, s):
            out[-1] = (ps, e)
        else:
            out.append((s, e))
    return out


#: Quotation marks that open a quotation when a space comes before them.
_OPENERS = "\"'\u2018\u201c\u00ab"


def _opening_quotes_moved(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with an opening quotation mark that the sentencizer left at the end of a sentence moved to the
    sentence it opens: ``... England (HEE). ‘The programme ...`` gave ``... (HEE). ‘`` and ``The programme
    ...``. A mark counts as opening when white space comes before it on the same line and the next sentence
    starts right after it; a closing mark (``... ward.’``, ``boys'``) has none before it and stays."""
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        q = pe
        while q > ps and text[q - 1] in _OPENERS:
            q -= 1
        if q < pe and q > ps and text[q - 1] in " \t\u00a0" and s == pe:
            cut = q
            while cut > ps and text[cut - 1].isspace():
                cut -= 1
            if cut > ps:
                out[-1] = (ps, cut)
                out.append((q, e))
                continue
        out.append((s, e))
    return out


#: What follows an opening bracket left at a sentence's end, up to its closing bracket: a source marker or a
#: short aside ("[5.8]", "(C3)", "(see 5.2)").
_BREAK = re.compile(r"[\r\n\u2028\u2029]")
#: A source marker's inside: a number or a short label ("5.8", "C3", "iv", "A, B"), or a pointer ("see 5.2").
_MARKER_LIKE = re.compile(r"(?i)(?:see\s+|source\s+|ref\.?\s+)?(?:[\w.;,\s-]*\d[\w.;,\s-]*|[A-Za-z]{1,3}(?:\s*[,;]\s*[A-Za-z]{1,3})*)")
_MORE_MARKERS = re.compile(r"(?:\s*[\[(][^\[\]()\n]{1,30}[\])])+")
_BRACKET_REST = re.compile(r"[^\s\[\]()][^\[\]()\n]{0,30}?[\])]")


def _markers_kept_whole(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a bracket the sentencizer cut in two made whole again: after a full stop the sentencizer
    starts a sentence at the first word, so ``economy." [5.8] Such`` gave ``... economy." [`` and ``5.8] Such
    ...``. A source marker (a number or a short label, see :data:`_MARKER_LIKE`, and any markers right after it)
    goes back to the sentence it follows, unless the text goes on in lower case after it; any other bracket
    (``[Name removed] was kind``) goes to the sentence it opens. A sentence left empty goes."""
    out = [spans[0]]
    for s, e in spans[1:]:
        ps, pe = out[-1]
        same_line = not _BREAK.search(text, pe, s)  # a line break always ends a sentence
        if text[pe - 1] not in "[(" or not same_line:
            out.append((s, e))
            continue
        m = _BRACKET_REST.match(text, s, e)
        if m is None:  # the bracket does not close in the next sentence ("I liked it :(" + "Staff rude.")
            out.append((s, e))
            continue
        end = m.end()
        more = _MORE_MARKERS.match(text, end, e)  # "[1][2]", "(5.2) (5.3)": every marker of the run
        end = more.end() if more else end
        marker = _MARKER_LIKE.fullmatch(text[s:m.end() - 1].strip()) is not None
        if marker and not text[end:e].lstrip()[:1].islower():
            out[-1] = (ps, end)
            s = end
            while s < e and text[s].isspace():
                s += 1
            if s < e:
                out.append((s, e))
            continue
        # the bracket opens the next sentence: "Seen on time. [Name removed] was very kind"
        cut = pe - 1
        while cut > ps and text[cut - 1].isspace():
            cut -= 1
        if cut > ps:
            out[-1] = (ps, cut)
            out.append((pe - 1, e))
        else:
            out[-1] = (ps, e)
    return out


_HAN, _KANA = HAN_LETTERS, KANA_LETTERS
#: A text with words written without spaces between them (see :func:`word_count`).
UNSPACED = re.compile(f"[{_HAN}{_KANA}]")
_UNSPACED_WORDS = re.compile(f"[{_HAN}]|[{_KANA}]+|[^\\s{_HAN}{_KANA}]+")


def word_count(text: str) -> int:
    """How many words ``text`` has: its runs of non-space characters, as English is counted; in Chinese and
    Japanese (text with Han characters or kana, :data:`UNSPACED`), where no space separates words, each Han
    character counts as a word and so does each run of kana (a Japanese ending or particle, a katakana loan
    word), and the runs between them count when they hold a letter or a digit (not "。" or "「"). Both
    ``护士很好。医生也很耐心。`` (10 Han characters) and ``看護師さんはとても親切でした。`` (5 Han characters and
    2 kana runs) then count about as many words as their English translations.

    >>> word_count("The nurse was kind."), word_count("护士很好。医生也很耐心。"), word_count("看護師さんはとても親切でした。")
    (4, 10, 7)
    """
    if UNSPACED.search(text) is None:
        return len(text.split())
    return sum(1 for word in _UNSPACED_WORDS.findall(text) if any(c.isalnum() for c in word))


#: An emoticon: an answer with a feeling, though it is made of punctuation (":(", ":-)", "=)", ";D", "(:").
_EMOTICON = re.compile(r"[:;=8][-'^]?[()\[\]DPpOo3/\\|*]|[()\[\]][-'^]?[:;=]")


def marks_only(text: str) -> bool:
    """Whether ``text`` holds no answer: something besides whitespace, all of it punctuation (``-``, ``?``,
    ``...``, ``…``, ``—``), and no emoticon."""
    body = text.strip()
    if not body or body[0].isalnum():  # (most texts: decided at their first character)
        return False
    if not all(c.isspace() or unicodedata.category(c).startswith("P") for c in body):
        return False
    return not has_emoticon(body)


def has_emoticon(text: str) -> bool:
    """Whether ``text`` holds an emoticon made of punctuation (``:(``, ``=)``, ``;-)``)."""
    return _EMOTICON.search(text) is not None


def split_sentences(text: str) -> list[str]:
    """The sentences of one text (convenience for notebooks)."""
    return [text[s:e] for s, e in next(sentence_spans([text]))]
