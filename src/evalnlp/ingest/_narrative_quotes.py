"""Find quotations in normalised text and tell testimonials from titles and scare quotes.

Works on the normalised text of :mod:`._narrative_text` (one space per whitespace run). A single
quotation mark opens only at a word boundary and closes only at a word boundary, so apostrophes in
``don't`` or ``NHS's`` never open or close a quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

DOUBLE_OPEN = {'"': '"', "“": "”", "„": "“”"}
SINGLE_OPEN = {"'", "‘", "`"}
SINGLE_CLOSE = {"'", "’", "`"}
_WEAK_SPAN = 1500  # how far to look for a better closer than a likely possessive plural (s')


@dataclass(frozen=True)
class QuoteSpan:
    """A quotation: ``open`` is the offset of the opening mark; ``start``/``end`` its inner text."""

    open: int
    start: int
    end: int
    close: int  # offset just after the closing mark (== end when unclosed)


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _single_opener(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    if text[i] == "`":
        # "Payne`s research", "don`t": a backtick typed for an apostrophe inside a word opens nothing
        after = text[i + 2] if i + 2 < len(text) else " "
        if not _is_word(prev) and (re.match(r"`\d\ds\b", text[i:i + 5]) or (
                re.match(r"`\d\d\s+[A-Z]", text[i:i + 6]) and re.search(r"\b(?:of|since|from|until|till)\s*$",
                                                                      text[max(0, i - 8):i]))):
            return False  # "the Basque Children of `37 Association", "the `60s": a year cut to two digits
        return not (prev.isalpha() and nxt in "st" and not _is_word(after))
    return not _is_word(prev) and prev not in ".,"


def _single_closer(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not prev.isspace() and not _is_word(nxt)


def _weak_closer(text: str, i: int) -> bool:
    """``s'`` followed by a space and a lowercase word looks like a possessive plural, unless that word is one no
    possessive comes before (``'macro-regions' to discuss``, ``the 'new towns' in Wales``)."""
    return (
        i > 0 and text[i - 1] in "sS" and i + 2 < len(text) and text[i + 1] == " "
        and text[i + 2].islower() and (_NOT_AFTER_POSSESSIVE.match(text, i + 2) is None or _NAME_BEFORE.search(text, 0, i))
    )


# a capitalised word right before the mark: "Owens' has been involved" (a name's possessive, whatever follows)
_NAME_BEFORE = re.compile(r"\b[A-Z][a-z]*s$")


# words that follow a closing mark but never a possessive plural
_NOT_AFTER_POSSESSIVE = re.compile(r"(?:to|of|in|for|with|that|which|who|is|are|was|were|as|at|by|from|into|"
                                   r"has|have|had|will|would|can|could|should|may|might)\b")


# A closing single mark: not followed by a letter or digit, except footnote digits glued to it
# after the quotation's last word or full stop (``...of 2010.'5.2 In``, ``interests'5-8 (p.62)``).
_SINGLE_CLOSE_RE = re.compile(
    r"(?<=\S)['’`](?![^\W_])|(?<=[.,;!?a-z)])['’`](?=\d{1,2}(?:\.\d{1,2})?(?:-\d{1,2})?(?:[\s,;:)]|$))")
_FULL_STOP = re.compile(r"[.!?](?=\s)")
_MARK_RE = re.compile(r"[\"“„'‘`]")


def _close_single(text: str, i: int) -> int | None:
    weak: int | None = None
    opener = text[i]
    for m in _SINGLE_CLOSE_RE.finditer(text, i + 1):
        j = m.start()
        if not _weak_closer(text, j):
            if weak is not None and j - weak > _WEAK_SPAN:
                return weak
            if weak is not None and opener in "`‘" and opener in text[weak + 1:j]:
                return weak  # a new quotation opens in between: the possessive-looking mark closed this one
            return j
        if weak is None:
            weak = j
    return weak


#: A paragraph break, and the spaces that open the next paragraph.
_PARAGRAPH_GAP = re.compile(r"\n[ \t]*\n\s*")


_CURLY = re.compile("[“”]")


def _close_curly(text: str, i: int, paragraphs: frozenset[int] = frozenset()) -> int:
    """The ``”`` that closes the ``“`` at ``i``: curly marks show their direction, so a ``“`` that opens a word
    inside the quotation opens a nested one, closed by the next ``”`` (``“it is as “simple” as that”``). A ``“``
    glued to the end of a word is a closer typed the wrong way round and nests nothing; when the nesting never
    balances (or a paragraph ends first), the first ``”`` closes, as before."""
    first = text.find("”", i + 1)
    if first < 0:
        return -1
    depth = 0
    brk = _PARAGRAPH_GAP.search(text, i + 1)
    limit = min((p for p in paragraphs if p > i), default=len(text))
    if brk is not None:
        limit = min(limit, brk.start())
    for m in _CURLY.finditer(text, i + 1, limit):
        k = m.start()
        if text[k] == "“":
            if k > 0 and not text[k - 1].isspace() and text[k - 1] not in "([{—–-/":
                return first
            depth += 1
        elif depth == 0:
            return k
        else:
            depth -= 1
    return first


def _close_double(text: str, i: int, closer: str, paragraphs: frozenset[int] = frozenset()) -> int | None:
    if closer == "”":
        j = _close_curly(text, i, paragraphs)
    else:
        j = text.find(closer, i + 1) if len(closer) == 1 else min(
            (k for k in (text.find(c, i + 1) for c in closer) if k >= 0), default=-1)
    if closer == '"' and j >= 0:
        brk = _PARAGRAPH_GAP.search(text, i + 1, j + 1)
        if (brk is not None and brk.end() == j) or (j in paragraphs and j > i + 1):
            # a quotation that goes on into the next paragraph: its first paragraph is left open and the next
            # opens with a new mark ("... higher.\n\n"We have since ..."); it ends with its paragraph
            end = brk.start() if brk is not None and brk.end() == j else j - 1
            while end > i + 1 and text[end - 1].isspace():
                end -= 1
            return end
        prev = text[j - 1] if j > 0 else " "
        nxt = text[j + 1] if j + 1 < len(text) else " "
        looks_open = prev.isspace() and _is_word(nxt)
        if looks_open:
            # Opened with " but closed with a single mark: take the last single closer before it.
            cands = [k for k in range(i + 1, j) if text[k] in SINGLE_CLOSE and _single_closer(text, k)]
            if cands:
                return cands[-1]
    return j if j >= 0 else None


def find_quotes(text: str, paragraphs: Iterable[int] = ()) -> list[QuoteSpan]:
    """All top-level quotations in ``text``, in order (nested quotes stay inside their parent). ``paragraphs``:
    offsets where a paragraph starts, when ``text`` no longer shows its breaks (a quotation left open at a
    paragraph's end and opened again at the next one's start ends with its paragraph)."""
    starts = frozenset(paragraphs)
    out: list[QuoteSpan] = []
    i, n = 0, len(text)
    while i < n:
        nxt = _MARK_RE.search(text, i)
        if nxt is None:
            break
        i = nxt.start()
        ch = text[i]
        close: int | None = None
        is_open = False
        if ch in DOUBLE_OPEN:
            is_open = True
            close = _close_double(text, i, DOUBLE_OPEN[ch], starts)
        elif ch in SINGLE_OPEN and _single_opener(text, i):
            is_open = True
            close = _close_single(text, i)
            if close is None:
                i += 1
                continue
            cut = _marker_ends_sentence(text, i + 1, close)
            if cut is not None:
                # "... I look forward to working with you (source 7). (b) Next ...": a source marker ending a
                # sentence inside a quotation that is still open means its closing mark was left out there
                s, e = _strip(text, i + 1, cut[0])
                if e > s:
                    out.append(QuoteSpan(i, s, e, e))
                i = cut[1]
                continue
            if ch in "`‘":
                again = text.find(ch, i + 1, close)
                if again >= 0:
                    # Quotations of one style do not nest: a second opener before any closer means
                    # this one was never closed. It ends at its last full stop, if it has one.
                    stop = None
                    for stop in _FULL_STOP.finditer(text, i + 1, again):
                        pass
                    if stop is None:
                        i += 1
                        continue
                    s, e = _strip(text, i + 1, stop.end())
                    if e > s:
                        out.append(QuoteSpan(i, s, e, e))
                    i = again
                    continue
        if not is_open:
            i += 1
            continue
        if close is None:
            if ch == "'":
                i += 1
                continue
            s, e = _strip(text, i + 1, n)
            out.append(QuoteSpan(i, s, e, n))
            break
        s, e = _strip(text, i + 1, close)
        if e > s:
            out.append(QuoteSpan(i, s, e, close + 1))
        i = close + 1
    return out


def _marker_ends_sentence(text: str, a: int, b: int) -> tuple[int, int] | None:
    """``(start, end)`` of the first source marker in ``text[a:b]`` that closes a sentence there (a full stop and a
    new sentence after it), with the closing mark at ``b`` far after it; None when there is none."""
    from evalnlp.ingest._narrative_text import MARKER, is_marker

    for m in _SOURCE_WORD_MARKER.finditer(text, a, b):
        mk = MARKER.match(text, m.start())
        if mk is None or mk.end() > b or not is_marker(mk.group(0)):
            continue
        rest = re.match(r"\s*[.;]\s*", text[mk.end():b])
        if rest is not None and mk.end() + rest.end() < b and re.match(r"[A-Z(\[\d]", text[mk.end() + rest.end()]) \
                and len(re.findall(r"[A-Za-z]+", text[a:m.start()])) >= 5 and b - mk.end() > _MARKER_TO_CLOSER:
            return m.start(), mk.end()
    return None


# how far a closing mark may stand after a source marker inside the same quotation (a quotation that cites a
# source of its own and closes soon after, "'... (source 3). It changed how we plan.'")
_MARKER_TO_CLOSER = 150
# a bracket naming a source or a section of sources ("(source 7)", "[Source 3]", "(see Section 5, C1)")
_SOURCE_WORD_MARKER = re.compile(r"[(\[]\s*(?i:see\s+)?(?i:sources?|section\s+5|corroborating)\b")


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


# --- titles and scare quotes -------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9][\w'’&-]*")
_MINOR = {
    "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by", "with",
    "from", "into", "onto", "as", "via", "vs", "per", "its", "their", "our", "between", "about",
    "over", "under", "through", "within", "across", "towards", "toward", "upon", "up",
}
_PUB_BEFORE = {
    "entitled", "titled", "called", "named", "headline", "headlined", "report", "reports", "paper",
    "papers", "book", "books", "article", "articles", "chapter", "film", "films", "documentary",
    "programme", "program", "programmes", "series", "seminar", "seminars", "conference",
    "conferences", "workshop", "workshops", "event", "events", "campaign", "campaigns", "award",
    "awards", "toolkit", "guide", "guidance", "leaflet", "booklet", "strategy", "exhibition",
    "festival", "project", "projects", "initiative", "scheme", "network", "module", "course",
    "lecture", "talk", "talks", "symposium", "review", "inquiry", "brief", "briefing", "website",
    "show", "play", "album", "journal", "magazine", "column", "blog", "podcast", "manual", "pack",
    "framework", "model", "tool", "app", "game", "policy", "bill", "act", "standard", "plan",
    "his", "her", "their", "our", "its", "the", "a", "an", "publication", "publications", "study",
    "studies", "volume", "edition", "keynote", "presentation", "presentations", "session",
    "collection", "database", "resource", "resources", "known", "as", "for", "on", "in", "at",
}
_PUB_AFTER = {
    "report", "paper", "working", "book", "article", "chapter", "film", "documentary",
    "programme", "program", "series", "seminar", "conference", "workshop", "event", "campaign",
    "award", "toolkit", "guide", "guidance", "leaflet", "booklet", "strategy", "exhibition",
    "festival", "project", "initiative", "scheme", "network", "module", "course", "lecture",
    "talk", "symposium", "review", "briefing", "website", "show", "journal", "magazine", "blog",
    "podcast", "manual", "pack", "framework", "model", "tool", "app", "policy", "publication",
    "study", "volume", "edition", "resource", "database", "collection", "was", "is",
    "section", "column", "strand", "feature", "category", "headline",
}


def word_count(s: str) -> int:
    """Words in ``s`` (letters or digits, with inner apostrophes and hyphens)."""
    return len(_WORD.findall(s))


def _title_case_ratio(words: list[str]) -> float:
    content = [w for w in words if w.lower() not in _MINOR]
    if not content:
        return 0.0
    return sum(1 for w in content if w[0].isupper() or w[0].isdigit()) / len(content)


# a pronoun or an auxiliary: words a review's sentence has and a title seldom does
_CLAUSE_WORD = re.compile(r"\b(?:he|she|it|they|this|is|are|was|were|has|have|had|will|would|can|could|must)\b",
                          re.IGNORECASE)


# a first- or second-person word, which a speaker's words hold and a title seldom does
_PERSONAL = re.compile(r"\b(?:I|[Ww]e|[Oo]urs?|[Mm]y|[Mm]ine|[Uu]s|[Mm]e|[Yy]ou|[Yy]ours?)\b")


def looks_like_title(text: str, q: QuoteSpan, lo: int = 0) -> bool:
    """Heuristics for titles of publications, programmes, events, campaigns and the like. ``lo``: where the
    quotation's paragraph starts (the words of the paragraph before, a list item without a full stop, say, name
    nothing in this one).

    A title starts with a capital, ends without sentence punctuation and either is written in Title
    Case, has a ``Main: subtitle`` shape, or sits right next to a publication word ("his", "report",
    "seminar", "entitled", a following "Working Paper" or a year in brackets).
    """
    inner = text[q.start:q.end]
    words = _WORD.findall(inner)
    if not words or inner.rstrip()[-1:] in ".!" or re.search(r"[.!]\s+[A-Z]", inner):
        return False
    named = re.search(r"\b(?:entitled|titled|headlined|called|named|dubbed|voted|crowned)\s*$",
                      text[max(0, lo, q.open - 20):q.open])
    if named and len(words) <= 25:
        return True  # "a leaflet called 'how to talk to your GP'": a name whatever its case
    if len(words) <= 25 and re.search(r"\b(?:Prize|Award|Medal|Trophy)s?\s+(?:for|in)\s*$",
                                      text[max(0, lo, q.open - 40):q.open]):
        return True  # "the Queen's Anniversary Prize for 'Innovative housing construction ...'": what it was for
    if not words[0][0].isupper() and not words[0][0].isdigit():
        return False
    if len(words) > 25:
        return False
    first_person = re.search(r"\b(?:I|we|our|my|us|me|you|your)\b", inner) is not None
    question = re.search(r"\?\s+[A-Z]", inner) is not None or inner.rstrip()[-1:] == "?"
    if question and not first_person and re.search(r"\(\s*$", text[max(0, q.open - 3):q.open]) and re.match(
            r"\s*\)", text[q.close:]):
        return True  # "(`What Next? Is There a Case for Reform?')": a question that is all a bracket holds names a
        # work (a review's words in brackets after the paper's name are not a question: "(`a delight')")
    if not first_person and not question and re.search(r"\(\s*$", text[max(0, q.open - 3):q.open]) and re.match(
            r"\s*\)", text[q.close:]) and not _CLAUSE_WORD.search(inner):
        return True  # "guidance for evaluating plants (`Guidance on Monitoring of Treatment Processes')": a
        # capitalised phrase that is all a bracket holds names the work just mentioned
    if not first_person and not question and re.search(r"[A-Za-z](?:['’]s|s['’])\s*$", text[max(0, lo, q.open - 4):q.open]):
        return True  # "the Agency's `The European Environment - State and Outlook'": a work of its owner
    if not first_person and not question and words[0] != "I" and len(words) <= 15 and re.search(
            r"(?:^|[\s(])(?:at|on|of|to|towards|into|about)\s+$", text[max(0, lo, q.open - 12):q.open]):
        return True  # "aimed at `Reducing Waiting Times in Clinics'": capitalised after a preposition mid-sentence
    if len(words) >= 2 and _title_case_ratio(words) >= 0.75:
        return True
    return _named_by_context(text, q, words, lo)


def _named_by_context(text: str, q: QuoteSpan, words: list[str], lo: int = 0) -> bool:
    """A publication word or a year in brackets next to the quotation (in its paragraph), or a ``Main:
    subtitle`` shape."""
    inner = text[q.start:q.end]
    window = text[max(0, lo, q.open - 40):q.open]
    stop = None
    for stop in re.finditer(r"[.!?]\s", window):
        pass
    if stop is not None:
        window = window[stop.end():]  # a word that ended the sentence before names nothing in the next one
    before = re.findall(r"[A-Za-z]+", window)
    after_txt = text[q.close:q.close + 40]
    after = re.findall(r"[A-Za-z]+", after_txt)
    prev = before[-1].lower() if before else ""
    nxt = after[0].lower() if after else ""
    # a colon after a common noun (a marker may stand between) introduces what someone says when the quotation
    # speaks in the first or second person: "appeared on a radio programme [5]: `Your book gave us ...'" quotes
    # its producer, where "the programme `...'" and "three programmes: `Can we see time?'" name it
    introduced = re.search(r":[^A-Za-z]*$", window) is not None and bool(before) and before[-1].islower() \
        and _PERSONAL.search(inner) is not None and inner.rstrip()[-1:] != "?"
    if prev in _PUB_BEFORE and prev not in {"the", "a", "an", "for", "on", "in", "at", "as"} and not introduced:
        return True
    if prev in {"the", "a", "an"} and len(before) >= 2 and before[-2].lower() in _PUB_BEFORE and not introduced:
        return True
    if nxt in _PUB_AFTER and nxt not in {"was", "is"}:
        return True
    if re.match(r"\s*\(\s*(?:19|20)\d\d\s*\)", after_txt):
        return True
    return ":" in inner and len(words) <= 20 and not re.search(r"\b(I|we|our|my|us)\b", inner)


# --- names, terms and set wording by their frame ------------------------------------------------

# a word that opens a clause inside a phrase: a quoted noun phrase that holds one says something
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|how|why|that|where|when)\b", re.IGNORECASE)
_MINOR_NAME = {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "by", "with", "from"}
# what an award or honour was given for: "awarded for `...'", "the award of an honour (2012) for `...'"
_AWARDED_FOR = re.compile(r"\b(?:[Aa]ward(?:ed|s)?|[Pp]rizes?|[Mm]edals?|[Hh]onou?r(?:ed|s)?)\b[^.;:!?\"“”‘`]{0,40}"
                          r"\bfor\s*$")
# a body or site set up to do something, whose stated aim is quoted: "was set up to `...provide ...'"
_SET_UP_TO = re.compile(r"\b(?:was|were|is|are|been)\s+(?:[a-z]+ly\s+)?(?:set\s+up|established|created|launched|"
                        r"founded|designed|built)\b[^.;:!?\"“”‘`]*\b(?:to|aims?\s+of)\s*$")
_AIM_FRAME = re.compile(r"\b(?:to|aims?\s+of|goal\s+of|purpose\s+of)\s*$")
_WEB_AFTER = re.compile(r"[\s'’`\"”]*\(\s*(?:https?://|www\.)")
# a headline or a theme's name: a capitalised word or name, a dash, then what it is about
_HEADLINE_DASH = re.compile(r"[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*){0,4}\s+(?:[-–—]|&#821[12];)\s+\S")
# a list's number after a sentence's end, right before the quotation: "... three kinds. 2. `...'"
_INLINE_NUMBER = re.compile(r"(?:^|[.!?:]\s+)\(?\d{1,2}[.)]\s*$")
# a reference's year right before the quotation: "Roe (2010) `...', Journal of ..."
_YEAR_BEFORE = re.compile(r"\(\s*(?:19|20)\d\d[a-z]?\s*\)[\s,]*$")


def quoted_name_or_term(text: str, q: QuoteSpan, lo: int = 0) -> str | None:
    """The kind of quotation that names or labels something rather than gives someone's words, decided by the
    form of the quoted text and its frame; None when none applies. ``lo``: where the quotation's paragraph starts.

    - ``"award"``: what an award or honour was given for ("awarded for `...'");
    - ``"aim"``: a body's or website's stated aim, continuing the sentence in lower case after "to" or "aim of",
      with the web address after it or a "was set up / established ... to" before it;
    - ``"number"``: a numbered item of a list run into the text ("... three kinds. 1. `...'. Our ..."), not ending
      a sentence;
    - ``"reference"``: a title with no pronoun, auxiliary or clause word right after a reference's year ("Roe
      (2010) `...', Journal ..."; a colon after the year introduces someone's words);
    - ``"name"``: what follows "known as", "referred to as" or "termed"; a run of capitalised words with no verb, pronoun or auxiliary (a commission's or programme's name,
      with a full stop inside the marks or not); or a phrase after "the" that starts with a capital, holds no
      such word and does not end a sentence (a body's name, in any language);
    - ``"headline"``: a capitalised word or name, a dash and what it is about ("`Town - the secrets of the
      archive'");
    - ``"term"``: a short lower-case phrase with no verb, pronoun, auxiliary or clause word, right after a
      determiner or a preposition ("his focus on the `...'", "arising out of `...'").

    None of these but the first kind of name applies to words in the first or second person.
    """
    inner = text[q.start:q.end].rstrip()
    words = _WORD.findall(inner)
    before = text[max(0, lo, q.open - 200):q.open]
    near = before[-20:]
    if words and len(words) <= 25 and re.search(r"\b(?:known|referred\s+to)\s+as\s*$|\btermed\s*$", near):
        return "name"  # "a scheme known as `...'": a name whatever it holds
    if not words or _PERSONAL.search(inner):
        return None
    sentence_end = inner[-1:] in ".!?"
    if len(words) <= 25 and _AWARDED_FOR.search(before[-60:]):
        return "award"
    if re.match(r"(?:\.\.\.|…)?\s*[a-z]", inner) and _AIM_FRAME.search(before) and (
            _WEB_AFTER.match(text, q.end) or _SET_UP_TO.search(before)):
        return "aim"
    if not sentence_end and _INLINE_NUMBER.search(near):
        return "number"
    clause = _CLAUSE_WORD.search(inner) is not None or _WH_WORD.search(inner) is not None
    if not re.search(r"[.!?]\s|[.!?]$", inner) and not clause and _YEAR_BEFORE.search(near):
        return "reference"
    content = [w for w in words if w.lower() not in _MINOR_NAME]
    if 3 <= len(words) <= 15 and content and all(w[0].isupper() or w[0].isdigit() for w in content) \
            and not clause and "?" not in inner:
        return "name"
    if inner[:1].isupper() and len(words) <= 8 and not sentence_end and not clause \
            and re.search(r"\b[Tt]he\s*$", near):
        return "name"
    if _HEADLINE_DASH.match(inner) and not sentence_end and len(words) <= 15:
        return "headline"
    if inner[:1].islower() and len(words) <= 8 and not sentence_end and not clause and (
            re.search(r"\b(?:[Tt]he|an?|its|his|her|their)\s*$", near) and not re.search(
                r"\b(?:as|it|them|this|him|her)\s+(?:the|an?)\s*$", near) or re.search(
                r"\b(?:of|on|in|into|about)\s*$", near)):
        return "term"
    return None
