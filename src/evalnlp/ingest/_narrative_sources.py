"""Corroborating sources: the numbered list of a case study's section 5, and which entry a marker names.

A REF impact case study ends with "Sources to corroborate the impact": a list of letters, reports,
web pages and contacts, each under a label, that the narrative cites with markers such as ``[5.3]``,
``(C)`` or ``[S1]``. This module finds that section in a document (:func:`find_sources_section`),
splits it into entries (:func:`parse_sources`) and resolves a testimonial's marker to the entries it
names (:func:`resolve`).

Entry labels are read at the start of a line (after optional indentation or a bullet):

- bracketed: ``[5.3]``, ``[C]``, ``[S1]``, ``(1)``, ``(a)``, ``(C1)``, ``[iv]``;
- followed by punctuation: ``1.``, ``1)``, ``1:``, ``A.``, ``a)``, ``ii.``, ``5.3.``, ``5:1:``, ``S1.``;
- bare when they cannot be a word: ``5.3 Letter``, ``S1 Letter``, ``C1 Contact``, ``1 Letter``;
- after a word: ``Source 1:``, ``Ref. 2``, ``Corroborating source 3``, ``Doc. 5.1:``.

A candidate counts only as part of a *series*: labels of one style whose ordinals rise by one (a
skipped number is tolerated), so ``A. Smith (2010)`` in a reference or ``2 December`` at the start of
a wrapped line is not an entry. A single label stands alone only in a strong style (bracketed, dotted,
prefixed, ``Source 1``). A section may hold several series (documents ``[1]``-``[10]`` and contacts
``[A]``-``[E]``). An entry runs from its label to the next entry's label; a short unpunctuated line
just before a new series (``Source contact details``) is that series' heading, not part of the entry
before it. When no label starts a line, bracketed labels inside the lines are tried
(``[1] Letter ... [2] Report ...`` on one line).

A marker resolves to every entry it names: ``[5.3]`` to entry ``5.3``; ``(5.1-5.3)`` to three;
``[A, C]`` to two; ``(see Source 1)``, ``[corroborating source 1]`` and footnote digits ``7`` to
entry ``1`` or ``7``. Numbering that differs in form between the narrative and the list is
reconciled when unambiguous: ``[5.3]`` finds entry ``3`` of a list numbered 1, 2, 3 (section 5's
third source), ``[3]`` finds ``5.3`` in a list numbered 5.1, 5.2, ...; ``[S3]`` finds ``3`` and
``[3]`` finds ``S3`` when the list has one prefix; ``[3a]`` falls back to ``3``.

A Word document's footnotes and endnotes are entries too (:func:`note_entries`), named by the mark they show in
the body (superscript digits read as footnote digits: ``...practice.\u201d\u00b9\u00b2`` gives ``12``; a roman numeral
or letter in brackets as written: ``...lasted.\u201d[ii]`` gives ``[ii]``), before any entry of the section with
the same number; see :func:`resolve_with_notes`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Collection, Sequence

__all__ = ["SourceEntry", "find_sources_section", "note_entries", "notes_beside", "parse_sources", "ref_keys",
           "resolve", "resolve_with_notes"]


@dataclass(frozen=True)
class SourceEntry:
    """One corroborating source: its label and its text, ``text == doc[start:end]``.

    ``ref`` is the label as written without its brackets and trailing punctuation (``5.3``, ``C``,
    ``S1``, ``Source 1``); ``label`` is the label exactly as written (``[5.3]``, ``C.``, ``Source 1:``).
    """

    ref: str
    label: str
    text: str
    start: int
    end: int
    kind: str = field(default="", compare=False, repr=False)  # "d" 5.3, "a" S1, "n" 7, "l" C, "r" iv, "" none

    def to_json(self) -> dict[str, object]:
        return {"ref": self.ref, "label": self.label, "text": self.text, "start": self.start, "end": self.end}


# --- the section in a document ------------------------------------------------------------------------

_HEADING = re.compile(
    r"(?im)^[ \t]*(?P<md>#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*(?:(?:section[ \t]+)?5[ \t]*[.):\-]?[ \t]*)?"
    # an evaluation report's annex: "Annex A. Evidence log", "Appendix 2: Sources of evidence"
    r"(?:(?P<annex>(?:annex|appendix)[ \t]+[A-Z0-9]{1,3}[ \t]*[.:\-\u2013\u2014]?[ \t]*))?"
    r"(?:sources?[ \t]+(?:to|for|of)[ \t]+corroborat\w*|corroborating[ \t]+(?:sources?|evidence)|"
    r"sources?[ \t]+of[ \t]+corroboration|evidence[ \t]+log|sources?[ \t]+of[ \t]+evidence|"
    r"evidence[ \t]+sources?)\b(?P<tail>[^\n]{0,120})$"
)
_MD_HEADING = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]")
# the evaluation report's words for the list, which may also be a whole document's title
_REPORT_HEADING = re.compile(r"(?i)evidence[ \t]+log|sources?[ \t]+of[ \t]+evidence|evidence[ \t]+sources?")


def find_sources_section(text: str) -> tuple[int, int, int] | None:
    """``(heading_start, body_start, end)`` of the "Sources to corroborate the impact" section, or None.

    The heading is a line of its own that starts (after an optional Markdown ``#``, bold marks, a section
    number ``5.`` and an annex's or appendix's label, ``Annex A.``) with "Sources to corroborate", "Sources of
    corroboration", "Corroborating sources/evidence", or, in an evaluation report, "Evidence log", "Sources of
    evidence" or "Evidence sources", and does not read as a sentence (it does not end with a full stop). One of the
    last three opening the text, with no annex label, is the document's title (an evidence log of testimonials),
    not a list after it. The last such line wins. The section runs to the end of the text, or, under a Markdown heading, to the
    next Markdown heading.
    """
    found = None
    for m in _HEADING.finditer(text):
        tail = m.group("tail").strip().rstrip("*_ ").strip()
        if tail.endswith(".") and not tail.endswith(")."):
            continue
        if re.search(r"\b(?:are|is|were|was|can|will|have|has|may|listed|given|see)\b", tail, re.IGNORECASE):
            continue  # "Sources to corroborate the impact are listed below." is a sentence
        if re.match(r"\s*(?:\d|[A-Z]\b|[,;)\]])", tail):
            continue  # "corroborating source 3" ending a wrapped entry names a source, it is no heading
        if not text[:m.start()].strip() and not m.group("annex") and _REPORT_HEADING.search(m.group(0)):
            continue  # "Evidence log" opening the document is its title: what follows is the evidence itself
        found = m
    if found is None:
        return None
    body = found.end() + (1 if found.end() < len(text) else 0)
    end = len(text)
    if found.group("md"):
        nxt = _MD_HEADING.search(text, body)
        if nxt:
            end = nxt.start()
    return found.start(), body, end


# --- labels and series --------------------------------------------------------------------------------

_WORDS = (r"(?:corroborating[ \t]+|supporting[ \t]+)?(?:sources?|refs?|references?|evidence|items?|documents?|"
          r"docs?|testimon(?:y|ials?)|letters?|statements?|corroborations?|contacts?|annex(?:es)?|appendix|"
          r"exhibits?|nos?)")
_KEY = (r"(?:(?P<dp>\d{1,2}(?:\.\d{1,2})?)[.:](?P<dn>\d{1,3})(?P<ds>[a-z])?(?![.:]?\d)"
        r"|(?P<ap>[A-Za-z]{1,4})[ \t]?(?P<an>\d{1,3})(?P<as>[a-z])?"
        r"|(?P<n>\d{1,3})(?P<ns>[a-z])?"
        r"|(?P<r>[ivx]{1,5}|[IVX]{1,5})"
        r"|(?P<l>[A-Za-z]))")
_LABEL = re.compile(
    r"(?P<lead>[ \t]*(?:[-\u2022\u2023\u25e6\u2043\u2219\u25aa\u25cf*\u00b7][ \t]+)?)"
    r"(?P<label>(?P<open>[\[(])?[ \t]*(?P<word>(?i:" + _WORDS + r")(?:\.[ \t]*|[ \t]+))?" + _KEY +
    r"[ \t]*(?P<close>[\])])?(?P<punct>[.:;]|[ \t]*[-\u2013\u2014](?=[ \t]))?)"
    r"(?=[ \t\r\n]|$|(?<=[\].):])\S|(?<=\d)[A-Z][a-z])"
)


@dataclass(frozen=True)
class _Cand:
    pos: int  # offset of the label
    label_end: int
    line: int
    family: tuple  # series signature: bracket, word, class, prefix
    ordinal: float
    strong: bool
    ref: str
    label: str


_ROMAN = {"i": 1, "v": 5, "x": 10}
_ROMAN_LETTERS = {9: 1, 22: 5, 24: 10}  # i, v and x read as letters, and the numerals they are


def _roman(s: str) -> int | None:
    s = s.lower()
    total, prev = 0, 0
    for ch in reversed(s):
        v = _ROMAN.get(ch)
        if v is None:
            return None
        total += -v if v < prev else v
        prev = max(prev, v)
    return total if 0 < total < 40 else None


def _suffix(s: str | None) -> float:
    return (ord(s) - 96) * 0.01 if s else 0.0


def _candidates(text: str, pos: int, end: int, line: int, anywhere: bool) -> list[_Cand]:
    """Label readings at ``pos`` (a line start, or any position when ``anywhere``)."""
    m = _LABEL.match(text, pos, end)
    if m is None or not m.group("label").strip():
        return []
    out: list[_Cand] = []
    label = m.group("label").rstrip()
    lstart = m.start("label")
    opened, closed = m.group("open"), m.group("close")
    punct = (m.group("punct") or "").strip()
    word = re.sub(r"[\s.]+", " ", (m.group("word") or "").lower()).strip()
    if opened and not closed:
        return []  # "(2012) ..." is fine, "(see" is not a label
    if closed and not opened and closed == "]" and m.group("ap") is None:
        return []
    bracket = (opened or "") + (closed or "")
    if anywhere and bracket not in ("[]", "()"):
        return []
    tight = bool(bracket) or punct in (".", ":", ")", ";")
    if not tight and text[m.end():m.end() + 1] in ("\n", "\r", ""):
        return []  # "CO5" ending a line is a trailing tag; "[J]" alone on its line is a label
    inner = label.strip()
    inner = inner[1:] if inner[:1] in "[(" else inner
    inner = re.sub(r"[\])]?[.:;)\s\-\u2013\u2014]*$", "", inner).strip()
    if not bracket and re.match(r"[ \t]+(?:and|or|et|of|in|on|at|to|the|for|with|by|&)\b", text[m.end():m.end() + 6]):
        return []  # "D. and Mincher, A." or "2 and 3": a wrapped line of running text, not a label
    base = (bracket, word)
    if m.group("dp") is not None:
        out.append(_Cand(lstart, m.end(), line, base + ("d", m.group("dp")),
                         int(m.group("dn")) + _suffix(m.group("ds")), True, inner, label))
    elif m.group("ap") is not None:
        prefix = m.group("ap")
        if not (prefix.isupper() or prefix.islower()) and not prefix[:1].isupper():
            return []
        if re.fullmatch(r"(?i)p|pp|no|vol|ch|para|page|fig", prefix):
            return []
        strong = bool(bracket) or bool(word) or prefix.isupper()
        out.append(_Cand(lstart, m.end(), line, base + ("a", prefix.upper()),
                         int(m.group("an")) + _suffix(m.group("as")), strong, inner, label))
    elif m.group("n") is not None:
        n = int(m.group("n"))
        nxt = text[m.end():m.end() + 12]
        if not tight and not word:
            # "1 Letter from": a bare number, only before a capitalised word that is no month
            if not re.match(r"[ \t]+[A-Z]", nxt) or re.match(
                    r"[ \t]+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b", nxt):
                return []
        if punct == "." and re.match(r"\d", nxt.strip()[:1] or "x"):
            return []
        out.append(_Cand(lstart, m.end(), line, base + ("n", ""), n + _suffix(m.group("ns")),
                         bool(bracket) or bool(word), inner, label))
    else:
        letter = m.group("r") or m.group("l")
        if not tight and not word:
            return []  # "A Guardian article": a word, not a label
        strong = bool(bracket) or bool(word)
        rv = _roman(letter) if m.group("r") else None
        if rv is not None:
            case = "lower" if letter.islower() else "upper"
            out.append(_Cand(lstart, m.end(), line, base + ("r", case), rv, strong, inner, label))
        if len(letter) == 1:
            case = "lower" if letter.islower() else "upper"
            out.append(_Cand(lstart, m.end(), line, base + ("l", case), ord(letter.lower()) - 96, strong, inner,
                             label))
    return out


def _best_chain(cands: list[_Cand]) -> list[_Cand]:
    """Longest run of candidates in text order whose ordinals rise by more than 0 and at most 2."""
    n = len(cands)
    best_len = [1] * n
    prev = [-1] * n
    for j in range(n):
        for i in range(j):
            d = cands[j].ordinal - cands[i].ordinal
            if cands[j].pos > cands[i].pos and 0 < d <= 2.0 and best_len[i] + 1 > best_len[j]:
                best_len[j] = best_len[i] + 1
                prev[j] = i
    if not n:
        return []
    # prefer the longest chain; among equals, the one that skips fewest numbers, then the earliest
    def score(j: int) -> tuple:
        chain = _walk(prev, j)
        gaps = sum(1 for a, b in zip(chain, chain[1:]) if cands[b].ordinal - cands[a].ordinal > 1.0)
        return (best_len[j], -gaps, -cands[chain[0]].pos)
    j = max(range(n), key=score)
    return [cands[i] for i in _walk(prev, j)]


def _walk(prev: list[int], j: int) -> list[int]:
    out = []
    while j >= 0:
        out.append(j)
        j = prev[j]
    return out[::-1]


def _accept(chain: list[_Cand]) -> bool:
    """A series worth keeping: two or more labels (weak styles from near the start of a count), or one
    label in a strong style that opens a count (``[A]``, ``5.1``, ``Source 1:``)."""
    if not chain:
        return False
    if len(chain) == 1:
        c = chain[0]
        return c.strong and c.ordinal < 1.5
    if all(not c.strong for c in chain):
        return chain[0].ordinal <= 3 or len(chain) >= 3
    return True


def _series(cands: list[_Cand]) -> list[_Cand]:
    """The labels that form series, in text order, each position used once."""
    families: dict[tuple, list[_Cand]] = {}
    for c in cands:
        families.setdefault(c.family, []).append(c)
    chains: list[list[_Cand]] = []
    for fam in families.values():
        rest = list(fam)
        while rest:
            chain = _best_chain(rest)
            if not _accept(chain):
                break
            used = {id(c) for c in chain}
            if chain[0].strong and len(chain) >= 2:
                # labels of a strong style out of order ("CS1, CS2, CS4, CS8, CS5, CS3") still count
                have = {c.ordinal for c in chain}
                top = max(have) + 2
                for c in rest:
                    if id(c) not in used and c.ordinal not in have and c.ordinal <= top:
                        chain.append(c)
                        used.add(id(c))
                        have.add(c.ordinal)
                chain.sort(key=lambda c: c.pos)
            chains.append(chain)
            lo, hi = chain[0].pos, chain[-1].pos
            # a second series of the same style must lie outside this one (a list after a list)
            rest = [c for c in rest if id(c) not in used and not (lo < c.pos < hi)]
    chains.sort(key=lambda ch: (-len(ch), -sum(c.strong for c in ch), ch[0].pos))
    taken: set[int] = set()
    kept: list[_Cand] = []
    accepted: list[list[int]] = []
    for ch in chains:
        if any(c.pos in taken for c in ch):
            ch = [c for c in ch if c.pos not in taken]
            if not _accept(ch):
                continue
        # Two series may follow each other or one may nest inside one entry of the other (5.1 with
        # 5.1.1, 5.1.2; "5.2 Statements" with 1, 2, 3), but they may not interleave: labels spread
        # over several entries of another series are letters inside its entries ("(a) AU2002...").
        pos = [c.pos for c in ch]
        if not all(_nested(pos, other) or _nested(other, pos) for other in accepted):
            continue
        if len(pos) == 1 and any(other[0] < pos[0] < other[-1] for other in accepted):
            continue  # one label inside another series' entries is a word of the entry ("... source 1")
        kept.extend(ch)
        taken.update(pos)
        accepted.append(pos)
    kept.sort(key=lambda c: c.pos)
    return kept


def _nested(inner: list[int], outer: list[int]) -> bool:
    """Do all positions of ``inner`` fall in one gap between consecutive positions of ``outer``
    (or all before its first, or all after its last)?"""
    return len({bisect.bisect(outer, p) for p in inner}) == 1


def parse_sources(text: str, start: int = 0, end: int | None = None) -> list[SourceEntry]:
    """The entries of a corroborating-sources list in ``text[start:end]`` (offsets into ``text``)."""
    end = len(text) if end is None else end
    line_starts = [start] + [start + m.end() for m in re.finditer(r"\n", text[start:end])]
    cands: list[_Cand] = []
    for i, ls in enumerate(line_starts):
        cands.extend(_candidates(text, ls, end, i, anywhere=False))
    labels = _series(cands)
    if len(labels) < 2:
        inline: list[_Cand] = []
        for m in re.finditer(r"(?:(?<=\s)|^)[\[(]", text[start:end]):
            p = start + m.start()
            line = bisect.bisect_right(line_starts, p) - 1
            inline.extend(_candidates(text, p, end, line, anywhere=True))
        more = _series(inline)
        # labels run into the text are a list only when the first of them opens the count; "[8] at 56; [2] at
        # 194" inside an unnumbered list cites the research outputs by number
        if len(more) > len(labels) and more[0].ordinal < 1.5:
            labels = more
    if not labels:
        return _unlabelled(text, start, end)
    return _entries(text, labels, end, line_starts)


_URL_START = re.compile(r"(?i)(?:https?://|www\.)")


def _unlabelled(text: str, start: int, end: int) -> list[SourceEntry]:
    """Entries of a list that lost its numbering (a word processor's automatic numbers do not survive
    export): one entry per line or run of wrapped lines, numbered by place (``ref`` "1", "2", ...; no
    ``label``). Line breaks inside an entry are told from breaks between entries as the reading text
    does (:mod:`._reflow`); in double-spaced text a single blank line is a wrapped line's break."""
    from evalnlp.ingest._reflow import _hard_breaks, wrap_width

    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text[start:end])]
    spans = [(start + a, start + b) for a, b in spans]
    nonblank = [(a, b) for a, b in spans if text[a:b].strip()]
    if not nonblank:
        return []
    gaps = [text.count("\n", b1, a2) - 1 for (_a1, b1), (a2, _b2) in zip(nonblank, nonblank[1:])]
    double = len(gaps) >= 3 and sum(1 for g in gaps if g >= 1) >= 0.6 * len(gaps)
    lines: list[str] = []
    where: list[tuple[int, int] | None] = []
    for k, (a, b) in enumerate(nonblank):
        if k:
            blanks = gaps[k - 1] - (1 if double else 0)
            for _ in range(max(0, blanks)):
                lines.append("")
                where.append(None)
        lines.append(text[a:b])
        where.append((a, b))
    hard = _hard_breaks(lines, wrap_width(["\n".join(lines)]), False, False)
    for i in range(len(lines) - 1):
        # an entry ends with its full stop (or colon) when the next line starts afresh
        if re.search(r"[.:]\W{0,2}$", lines[i].rstrip()) and re.match(r"\s*[A-Z\"'`\u2018\u201c]", lines[i + 1]):
            hard.add(i)
    items: list[list[int]] = []
    cur: list[int] = []
    for i, line in enumerate(lines):
        if where[i] is None:
            if cur:
                items.append(cur)
                cur = []
            continue
        cur.append(i)
        if i in hard:
            items.append(cur)
            cur = []
    if cur:
        items.append(cur)
    spans_out: list[tuple[int, int]] = []
    for it in items:
        a, b = where[it[0]][0], where[it[-1]][1]
        body = text[a:b].strip()
        a += len(text[a:b]) - len(text[a:b].lstrip())
        b = a + len(body)
        if spans_out:
            prev = text[spans_out[-1][0]:spans_out[-1][1]]
            url_only = _URL_START.match(body) and len(body.split()) <= 2
            if (url_only and not _URL_START.search(prev)) or body[:1].islower() or body[:1] in "([)]" \
                    or prev.rstrip().endswith((",", "&", "-", "and")):
                spans_out[-1] = (spans_out[-1][0], b)  # a link, a wrapped line or a note that goes with the entry before
                continue
        spans_out.append((a, b))
    out: list[SourceEntry] = []
    for a, b in spans_out:
        body = text[a:b]
        words = body.split()
        heading = (body.rstrip().endswith(":") and len(body) <= 160) or (
            len(words) <= 3 and not re.search(r"\d|https?:|www\.", body))
        if heading:
            continue  # "Testimonials", "The following sources can be made available on request:"
        ref = str(len(out) + 1)
        own = re.match(r"[\[(]?" + ref + r"(?:[.):]|\])[ \t]+(?=\S)", body)
        if own is not None:  # a list of one entry still labelled "1." (a weak label alone is no series)
            out.append(SourceEntry(ref, own.group(0).strip(), body[own.end():], a + own.end(), b, "i"))
            continue
        out.append(SourceEntry(ref, "", body, a, b, "i"))
    return out


def _entries(text: str, labels: list[_Cand], end: int, line_starts: list[int]) -> list[SourceEntry]:
    out: list[SourceEntry] = []
    for k, c in enumerate(labels):
        a = c.label_end
        b = labels[k + 1].pos if k + 1 < len(labels) else end
        if k + 1 < len(labels):
            nxt = labels[k + 1]
            b = _before_heading(text, a, b, nxt, c)
        m = re.match(r"[\s.:;\-\u2013\u2014]*", text[a:b])
        a += m.end() if m else 0
        while b > a and text[b - 1].isspace():
            b -= 1
        # a bullet or the indentation of the next label's line is not part of this entry
        m = re.search(r"[\n][ \t]*[-\u2022*\u00b7]?[ \t]*$", text[a:b])
        if m:
            b = a + m.start()
            while b > a and text[b - 1].isspace():
                b -= 1
        out.append(SourceEntry(c.ref, c.label.strip(), text[a:b], a, b, c.family[2]))
    return out


def _before_heading(text: str, a: int, b: int, nxt: _Cand, cur: _Cand) -> int:
    """Where the entry before ``nxt`` ends: before a heading line that opens a new series."""
    if nxt.family == cur.family:
        return b
    line_start = text.rfind("\n", a, b)
    if line_start < 0:
        return b
    prev_start = text.rfind("\n", a, line_start)
    if prev_start < 0:
        return b
    line = text[prev_start + 1:line_start].strip()
    if line and len(line) <= 80 and not re.search(r"[.,;]$", line) and not re.match(r"(?i)https?:|www\.", line):
        return prev_start
    return b


# --- markers to entries -------------------------------------------------------------------------------

_PAGES = re.compile(r"(?i),?\s*(?<![a-z])(?:pp?\.?|pages?|paras?\.?|paragraphs?|sections?)\s*\d{1,4}(?:\s*[-\u2013]\s*\d{1,4})?")
_KEY_TOKEN = re.compile(
    r"(?P<dp>\d{1,2}(?:\.\d{1,2})?)[.:](?P<dn>\d{1,3})(?P<ds>[a-z])?(?![.:]?\d)"
    r"|(?<![A-Za-z])(?P<ap>[A-Za-z]{1,4})[ \t]?(?P<an>\d{1,3})(?P<as>[a-z])?(?![\w])"
    r"|(?<![\w.])(?P<n>\d{1,3})(?P<ns>[a-z])?(?![\w.]|\.\d)"
    r"|(?<![\w'])(?P<r>[ivx]{2,5}|[IVX]{2,5})(?![\w'])"
    r"|(?<![\w'])(?P<l>[A-Za-z])(?![\w'])"
)
_DROP_WORDS = re.compile(r"(?i)\b(?:see|also|and|e\.g|i\.e|cf|below|above|" + _WORDS + r")\b\.?")
_NOT_PREFIX = {"p", "pp", "no", "vol", "ch", "para", "page", "fig", "isbn", "issn"}


@dataclass(frozen=True)
class _Key:
    kind: str  # "d" dotted (5.3), "a" prefixed (S1), "n" number, "l" letter, "r" roman numeral
    prefix: str  # "5" for 5.3, "S" for S1, "" otherwise
    value: int  # 3 for 5.3, 1 for S1, 7 for 7, a letter's place in the alphabet, a numeral's value
    suffix: str  # "a" in 3a


def _key(m: re.Match[str]) -> _Key | None:
    if m.group("dp") is not None:
        return _Key("d", m.group("dp"), int(m.group("dn")), m.group("ds") or "")
    if m.group("ap") is not None:
        if m.group("ap").lower() in _NOT_PREFIX:
            return None
        return _Key("a", m.group("ap").upper(), int(m.group("an")), m.group("as") or "")
    if m.group("n") is not None:
        return _Key("n", "", int(m.group("n")), m.group("ns") or "")
    if m.group("r") is not None:
        value = _roman(m.group("r"))
        return _Key("r", "", value, "") if value else None
    if m.group("l") is not None:
        return _Key("l", "", ord(m.group("l").lower()) - 96, "")
    return None


def ref_keys(source_ref: str) -> list[_Key]:
    """The entry keys a marker names, ranges expanded: ``[5.1-5.3, C]`` -> 5.1, 5.2, 5.3, C."""
    s = source_ref.strip()
    if s[:1] in "[(" and s[-1:] in "])":
        s = s[1:-1]
    see = re.search(r"(?i)\bsee\b", s)
    if see:
        s = s[see.end():]  # "(April 2013, see 5.2)": the pointer follows "see"
    if re.match(r"(?i)\s*(?:corroborating\s+)?(?:sources?|refs?|references?)\s*\(", s):
        # "(Source (i), VI, p.7)": the bracketed labels name the entries, the rest locates within them
        s = ", ".join(re.findall(r"\(\s*([A-Za-z0-9.]{1,6})\s*\)", s))
    s = _PAGES.sub(" ", s)
    s = re.sub(r"\b(?:19|20)\d\d\b", " ", s)  # years
    s = re.sub(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b\.?", " ", s)
    s = _DROP_WORDS.sub(" ", s)
    toks = [(m, _key(m)) for m in _KEY_TOKEN.finditer(s)]
    keys: list[_Key] = []
    i = 0
    while i < len(toks):
        m, k = toks[i]
        if k is None:
            i += 1
            continue
        if i + 1 < len(toks):
            m2, k2 = toks[i + 1]
            if k2 is not None and re.fullmatch(r"\s*(?:[-\u2013\u2014]|to)\s*", s[m.end():m2.start()]):
                rng = _expand(k, k2)
                if rng:
                    keys.extend(rng)
                    i += 2
                    continue
        keys.append(k)
        i += 1
    return keys


def _expand(a: _Key, b: _Key) -> list[_Key]:
    if b.kind == "n" and a.kind in ("d", "a") and b.value > a.value:
        b = _Key(a.kind, a.prefix, b.value, "")  # "5.1-3", "C1-3"
    if a.kind != b.kind or a.prefix != b.prefix or not (0 < b.value - a.value <= 30):
        return []
    return [_Key(a.kind, a.prefix, v, "") for v in range(a.value, b.value + 1)]


def _entry_key(e: SourceEntry) -> _Key | None:
    ref = re.sub(r"(?i)^" + _WORDS + r"\.?\s*", "", e.ref).strip() or e.ref
    if e.kind == "r":
        value = _roman(ref)
        return _Key("r", "", value, "") if value else None
    if e.kind == "l":
        return _Key("l", "", ord(ref[-1].lower()) - 96, "")
    if e.kind == "i":
        return _Key("i", "", int(ref), "")
    m = _KEY_TOKEN.fullmatch(ref)
    return _key(m) if m is not None else None


def resolve(source_ref: str | None, entries: list[SourceEntry]) -> list[SourceEntry]:
    """The entries a marker names, in the marker's order, each once; empty when none can be found."""
    if not source_ref or not entries:
        return []
    symbol = note_mark(source_ref)
    if symbol is not None and _SYMBOL.fullmatch(symbol):
        # "*" names the one entry that opens with it ("* Letter from the Director, 2013"), as a note at the foot does
        opened = [e for e in entries if re.match(re.escape(symbol) + r"(?![*\u2020\u2021\u00a7])", e.text.lstrip())]
        return opened if len(opened) == 1 else []
    keyed = [(e, k) for e, k in ((e, _entry_key(e)) for e in entries) if k is not None]
    out: list[SourceEntry] = []
    for k in ref_keys(source_ref):
        for e in _match(k, keyed):
            if e not in out:
                out.append(e)
    return out


def _match(k: _Key, keyed: list[tuple[SourceEntry, _Key]]) -> list[SourceEntry]:
    same = [e for e, ek in keyed if ek == k]
    if same:
        return same
    kinds = {ek.kind for _e, ek in keyed}
    if kinds == {"i"}:
        # a list without labels: "[3]", "(C)", "(iii)", "[5.3]" and "(Source 3)" all name its third entry
        series = [e for e, _ek in keyed]
        usable = not k.suffix and (k.kind != "d" or k.prefix == "5")
        return [series[k.value - 1]] if usable and 0 < k.value <= len(series) else []

    def of(kind: str, value: int) -> list[SourceEntry]:
        return [e for e, ek in keyed if ek.kind == kind and ek.value == value and not ek.suffix]

    if k.kind == "r" and "r" not in kinds:
        return []
    if k.kind == "l" and "l" not in kinds and "r" in kinds and k.value in _ROMAN_LETTERS:
        return of("r", _ROMAN_LETTERS[k.value])  # "(i)", "(v)", "(x)" against a list i, ii, iii
    if k.suffix:
        if k.kind == "n" and k.value == 5 and "l" in kinds:
            return of("l", ord(k.suffix) - 96)  # "(5c)": section 5, source c
        return _match(_Key(k.kind, k.prefix, k.value, ""), keyed)  # "[3a]" when the list has only 3
    prefixes = {ek.prefix for _e, ek in keyed if ek.kind in ("d", "a")}
    if k.kind == "d" and "." in k.prefix:
        # "(5.1.4)" against "5.1 Statements" followed by a list 1, 2, 3, 4: the fourth under 5.1
        head, _dot, tail = k.prefix.rpartition(".")
        inside = False
        for e, ek in keyed:
            if ek.kind == "d" and "." not in ek.prefix:
                inside = ek.prefix == head and ek.value == int(tail)
            elif inside and ek.kind == "n" and ek.value == k.value:
                return [e]
        return []
    if k.kind == "d" and k.prefix == "5" and "n" in kinds:
        return of("n", k.value)  # "[5.3]": section 5, source 3
    if k.kind == "n" and "n" not in kinds:
        for kind in ("d", "a"):
            pre = {ek.prefix for _e, ek in keyed if ek.kind == kind}
            if len(pre) == 1:
                return of(kind, k.value)  # "[3]" against 5.1, 5.2, 5.3 or S1, S2, S3
        if len(kinds) == 1 and kinds <= {"l", "r"}:
            # "(Source 2)" against a list a, b, c or i, ii, iii: the second source
            series = [e for e, _ek in keyed]
            return [series[k.value - 1]] if 0 < k.value <= len(series) else []
    if k.kind == "a" and "n" in kinds and k.prefix not in prefixes:
        return of("n", k.value)  # "[S3]" against a list 1, 2, 3
    if k.kind == "a" and len(prefixes) == 1 and "a" in kinds and "n" not in kinds:
        (p,) = prefixes
        if len(k.prefix) > len(p) and (k.prefix.endswith(p) or k.prefix.startswith(p)):
            return of("a", k.value)  # "[CS3]" against a list S1, S2, S3
    return []


# --- a Word document's footnotes and endnotes ---------------------------------------------------------


def note_entries(notes) -> list[SourceEntry]:
    """Corroborating-source entries of a Word document's footnotes and endnotes (passages located
    ``"footnote 3"``, ``"endnote 2"``, ``"footnote *"``, as :func:`evalnlp.ingest._documents.read_docx` gives
    them): ``ref`` is the note's mark (``3``, ``ii``), ``label`` the note as named (``footnote 3``), ``text`` its text,
    and the offsets are into that text (a note's text is a document of its own, not part of the body's)."""
    out = []
    for note in notes:
        label = note.locator
        mark = label.split(" ", 1)[1] if " " in label else ""
        out.append(SourceEntry(mark, label, note.text, 0, len(note.text), "note"))
    return out


def resolve_with_notes(source_ref: str | None, entries: list[SourceEntry], notes: list[SourceEntry],
                       beside: Sequence[Collection[str]] | None = None,
                       marked: Collection[str] | None = None) -> list[SourceEntry]:
    """The entries a marker names in a document with footnotes or endnotes (``notes``, from :func:`note_entries`)
    as well as, perhaps, a sources section (``entries``). A marker written as the body shows a note's mark names
    that note, whatever the section holds: a number alone (footnote digits, as a superscript mark reads) the note
    of that number, a roman numeral or letters in square brackets (``[ii]``, as the mark of a note numbered
    i, ii, iii reads; ``[aa]`` past ``[z]``) and a symbol (``†``, ``**``, as notes numbered in symbols read) the
    note so numbered; the footnote, or the endnote when no footnote has it. Any other marker
    (``[5.3]``, ``(C)``, ``[2]``, ``5.2``) names the section's entries (see :func:`resolve`), as does a mark no
    note has. A note is named by its own mark only, never by a range or a list. A mark that several notes share
    (notes of two sections, the count restarting at each section; two notes with the same custom mark, ``*``)
    names the one of them whose reference stands where the marker is written (``marked``: the labels of the notes
    whose references stand there, empty where none does, a mark typed as text; see :func:`notes_marked`), and
    none where no reference stands there. Where the marker's place is not known (``marked`` None), it names the
    one whose reference stands beside the testimonial (``beside``: the labels of the notes referred to from the
    paragraphs or cells its quotation stands in, then from its speaker's, the first of them to hold one of those
    notes deciding; see :func:`notes_beside`), and none where none or several do."""
    mark = note_mark(source_ref)
    if mark is not None:
        for kind in ("footnote", "endnote"):
            named = [n for n in notes if n.label.startswith(kind + " ")
                     and (n.ref == mark or n.ref.startswith(mark + " ("))]
            if len(named) > 1:
                if marked is not None:
                    here = set(marked)
                else:
                    here = next((near for near in beside or [] if any(n.label in near for n in named)), set())
                named = [n for n in named if n.label in here]
                return named if len(named) == 1 else []
            if named:
                return named
    return resolve(source_ref, entries)


#: a passage of a Word document that refers to notes: its start and end in the document's text, and each
#: reference in it as where its mark stands in the document's text and the note's label
NotePlace = tuple[int, int, list[tuple[int, str]]]


def notes_beside(testimonial, places: Sequence[NotePlace]) -> list[set[str]]:
    """The labels of the notes referred to from the paragraphs or cells that ``testimonial``'s quotation stands
    in, then from those its speaker stands in (not from those between them: a speaker named paragraphs before is
    no reason to look there); ``places`` holds each passage that refers to notes (see :data:`NotePlace` and
    :func:`evalnlp.ingest._documents.read_docx`)."""
    spans = [(testimonial.start, testimonial.end)]
    if testimonial.speaker_start is not None and testimonial.speaker_end is not None:
        spans.append((testimonial.speaker_start, testimonial.speaker_end))
    return [{label for start, end, refs in places if start <= b and a <= end for _at, label in refs}
            for a, b in spans]


def notes_marked(testimonial, places: Sequence[NotePlace]) -> set[str] | None:
    """The labels of the notes whose references stand where ``testimonial``'s marker is written (its
    ``ref_start``), the reference whose mark it reads: empty where none does (a mark typed as text), None where
    the marker's place is not known."""
    at = getattr(testimonial, "ref_start", None)
    if at is None or testimonial.source_ref is None:
        return None
    return {label for start, end, refs in places if start <= at <= end for where, label in refs if where == at}


#: a note's symbol, as notes numbered in symbols are marked (``*``, ``†``, ``‡``, ``§``, doubled or tripled)
_SYMBOL = re.compile(r"\*{1,3}|\u2020{1,3}|\u2021{1,3}|\u00a7{1,3}")


def note_mark(source_ref: str | None) -> str | None:
    """The note mark a testimonial's marker reads as, when it is written as the body shows one: ``12`` for
    footnote digits, ``ii`` for ``[ii]``, ``C`` for ``[C]``, ``aa`` for ``[aa]``, a symbol as it is (``†``,
    ``**``); None for any other marker."""
    ref = (source_ref or "").strip()
    if re.fullmatch(r"\d{1,4}|\*{1,3}|\u2020{1,3}|\u2021{1,3}|\u00a7{1,3}", ref):
        return ref
    m = re.fullmatch(r"\[([A-Za-z]{1,12})\]", ref)
    return m.group(1) if m else None
