"""Text plumbing for narrative extraction: a normalised view with an offset map, sentences, markers.

Narrative documents (REF impact case studies, reports) arrive with hard line wraps, runs of
indentation and HTML entities. Extraction runs on a *normalised* copy in which every whitespace run
is one space and every HTML entity is its character; :class:`NormText` maps any span of that copy
back to the exact span of the original, so the caller always gets ``doc[start:end]`` back.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass



@dataclass(frozen=True)
class NormText:
    """A normalised copy of ``original`` with a piecewise map back to it.

    ``pieces`` holds ``(norm_start, orig_start, orig_end, linear)`` for consecutive stretches of
    the normalised text: a linear stretch maps char for char; a non-linear one (a whitespace run
    shrunk to one space, a decoded entity) maps every char to the whole original stretch.
    """

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, bool], ...]
    keys: tuple[int, ...]

    def _piece(self, i: int) -> tuple[int, int, int, bool]:
        return self.pieces[bisect.bisect_right(self.keys, i) - 1]

    def orig_start(self, i: int) -> int:
        """Original offset where norm char ``i`` begins."""
        if i >= len(self.text):
            return len(self.original)
        ns, os_, _oe, linear = self._piece(i)
        return os_ + (i - ns) if linear else os_

    def orig_end(self, i: int) -> int:
        """Original offset just after norm char ``i``."""
        ns, os_, oe, linear = self._piece(i)
        return os_ + (i - ns) + 1 if linear else oe

    def paragraph_starts(self) -> list[int]:
        """Norm offsets where a paragraph starts after a blank line in the original.

        In a double-spaced text (a blank line after nearly every line, as some exports write wrapped
        prose) a blank line is only a line wrap; there a paragraph starts after a line that ends a
        sentence or is short (a heading), or before a list item.
        """
        double = double_spaced(self.original)
        typical = typical_line(self.original) if double else 0
        out: list[int] = []
        for ns, os_, oe, linear in self.pieces:
            if not linear and _BLANK_LINE.search(self.original, os_, oe) and ns + 1 < len(self.text):
                if double and not ends_paragraph(self.original, os_, oe, typical):
                    continue
                out.append(ns + 1)
        return out

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open norm span ``[start, end)`` to the original text."""
        if end <= start:
            pos = self.orig_start(start)
            return pos, pos
        return self.orig_start(start), self.orig_end(end - 1)


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def double_spaced(text: str, min_lines: int = 8) -> bool:
    """Are the wrapped lines of ``text`` separated by blank lines throughout (at least ``min_lines`` lines, at
    most one in ten followed directly by another non-blank line, and lines of wrapping length)?"""
    lines = text.split("\n")
    filled = [bool(line.strip()) for line in lines]
    n = sum(filled)
    if n < max(2, min_lines):
        return False
    adjacent = sum(1 for a, b in zip(filled, filled[1:]) if a and b)
    # wrapped lines are short (an export wraps at about 80 characters); a paragraph per line is not wrapping
    return adjacent <= 0.1 * n and typical_line(text) <= 130


def typical_line(text: str) -> int:
    """The length of a typical non-blank line of ``text`` (the upper quartile): wrapped prose runs close to it."""
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    return lengths[len(lengths) * 3 // 4] if lengths else 0


_LIST_ITEM = re.compile(r"(?:[-•*–·]|\(?\d{1,2}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s")


#: Footnote digits after a sentence's end, plain or superscript (``...practice."12``, ``...practice.”¹²``).
_MARK_DIGITS = "(?:\\d|[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]){0,2}"


def ends_paragraph(original: str, os_: int, oe: int, typical: int) -> bool:
    """In a double-spaced text, does the blank line at ``original[os_:oe]`` end a paragraph?"""
    prev = original[original.rfind("\n", 0, os_) + 1:os_].strip()
    nxt_end = original.find("\n", oe)
    nxt = original[oe:nxt_end if nxt_end >= 0 else len(original)].strip()
    if not prev or not nxt:
        return True
    if _LIST_ITEM.match(nxt) or _LIST_ITEM.match(prev):
        return True
    if nxt[:1].islower():
        return False
    if re.fullmatch(r"[\d.,%£$€+\-–/ ]+", prev) or re.fullmatch(r"[\d.,%£$€+\-–/ ]+", nxt):
        return True  # a table cell on its own line
    if re.search(r"[.!?:;][\"'’”`)\]]*" + _MARK_DIGITS + r"$|[\"'’”`]\s*(?:\[[^\]]{1,12}\]|\([^)]{1,12}\))\.?$", prev):
        return True
    if len(prev) >= 0.6 * typical:
        return False
    # a short line is a heading when it stands alone: the line before it ended a sentence (or there is none)
    start = original.rfind("\n", 0, os_)
    before = original[:max(start, 0)].rstrip()
    line2 = before[before.rfind("\n") + 1:].strip()
    return not line2 or re.search(r"[.!?:;][\"'’”`)\]]*" + _MARK_DIGITS + "$", line2) is not None
_SPECIAL = re.compile(r"\s{2,}|[^\S ]|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")


#: Unicode's superscript digits, as a Word document's footnote marks are read (``“...to practice.”¹²``) and as
#: some text exports write them.
SUPERSCRIPT_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_AS_DIGITS = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_SUPERSCRIPT = re.compile(f"[{SUPERSCRIPT_DIGITS}]")
_SUPERSCRIPT_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]{{1,3}}(?![{SUPERSCRIPT_DIGITS}])")
#: What a footnote mark stands right after: a closing quotation mark or bracket, punctuation, a word of three
#: letters or more (not a unit: "m²", "km²"), or a year ("in 2013¹").
_BEFORE_MARK = re.compile(r"(?:[\"'’”`)\].,;:!?]|[^\W\d_]{3}|(?<!\d)(?:19|20)\d\d)$")


def superscript_marks(text: str) -> str:
    """``text`` with each run of superscript digits that stands where a footnote mark does written in plain
    digits, one for one (the offsets stay those of ``text``): ``”²``, ``.”¹⁰``, ``’¹`` and ``word³`` read as
    the plain digits glued there do (``”2``, ``word3``), which are read as the quotation's source marker. A
    superscript after a number or a short unit (``10⁶``, ``m²``) is a power, and stays."""
    if _SUPERSCRIPT.search(text) is None:  # (most texts: one quick look)
        return text
    out = list(text)
    for m in _SUPERSCRIPT_RUN.finditer(text):
        if _BEFORE_MARK.search(text, max(0, m.start() - 4), m.start()):
            out[m.start():m.end()] = m.group(0).translate(_AS_DIGITS)
    return "".join(out)


def without_superscripts(text: str) -> str:
    """``text`` without its superscript digits (a speaker's name with a footnote's mark inside it)."""
    return text.translate(_NO_SUPERSCRIPTS) if _SUPERSCRIPT.search(text) else text


_NO_SUPERSCRIPTS = dict.fromkeys(map(ord, SUPERSCRIPT_DIGITS))

#: A note's mark glued inside the words naming a speaker: superscript digits after a word of three letters or
#: more or the comma after it (``Roe³,``, ``Roe,³``), or a square-bracketed mark there (``Roe,[ii]``); plain digits
#: only where no name holds them, right before a comma or right after one, glued on both sides (``Roe3,``,
#: ``Roe,3 Chief``), after a word in lower case or capitalised (see :func:`name_marks`): digits after a space
#: (``Fellow 2012``, ``Year 9``) or inside a word (``H2O``) are no mark.
_NAME_MARK = re.compile(
    rf"(?<=[^\W\d_]{{3}})(?:(,?)([{SUPERSCRIPT_DIGITS}]{{1,3}})(?![{SUPERSCRIPT_DIGITS}\w])"
    r"|(,?)(\[[A-Za-z]{1,8}\])(?=[\s,])"
    r"|(,)(\d{1,2})(?=\s)|()(\d{1,2})(?=,\s))")


def name_marks(text: str) -> list[tuple[int, int, str]]:
    """The notes' marks glued inside ``text``, the words naming a speaker (``Dr Jane Roe,³ Chief Nurse``): each
    as ``(start, end, mark)``, the mark as a testimonial's marker records it (superscript digits as plain ones:
    ``3``; a bracketed mark as written: ``[ii]``); see :data:`_NAME_MARK`. Plain digits after a word in capitals
    are part of a name (``EDIT16,``, ``BC2,``), no mark."""
    out = []
    for m in _NAME_MARK.finditer(text):
        k = next(i for i in (2, 4, 6, 8) if m.group(i) is not None)
        if k in (6, 8):
            word = re.search(r"[^\W\d_]+$", text[:m.start()]).group(0)
            if not word[1:].islower():
                continue
        out.append((m.start(k), m.end(k), m.group(k).translate(_AS_DIGITS)))
    return out


def without_name_marks(text: str) -> str:
    """``text``, the words naming a speaker, without the notes' marks glued inside them (see :func:`name_marks`)
    and without any other superscript digits."""
    for a, b, _mark in reversed(name_marks(text)):
        text = text[:a] + text[b:]
    return without_superscripts(text)


def normalise(text: str) -> NormText:
    """Collapse whitespace runs to one space and decode HTML entities, keeping an offset map; superscript
    footnote marks read as plain digits (see :func:`superscript_marks`)."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, bool]] = []
    npos = 0
    pos = 0
    for m in _SPECIAL.finditer(text):
        a, b = m.span()
        chunk = m.group(0)
        if chunk[0] == "&":
            decoded = html.unescape(chunk)
            if decoded == chunk or not decoded:
                continue
            rep = "".join(" " if c.isspace() else c for c in decoded)
        else:
            rep = " "
        if a > pos:
            pieces.append((npos, pos, a, True))
            out.append(text[pos:a])
            npos += a - pos
        pieces.append((npos, a, b, False))
        out.append(rep)
        npos += len(rep)
        pos = b
    if pos < len(text) or not pieces:
        pieces.append((npos, pos, len(text), True))
        out.append(text[pos:])
    return NormText(text, superscript_marks("".join(out)), tuple(pieces), tuple(p[0] for p in pieces))


# --- sentences ---------------------------------------------------------------------------------

_ABBREV = {
    "e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "prof", "st", "no", "vs", "cf", "p", "pp", "al",
    "fig", "approx", "c", "inc", "ltd", "co", "dept", "univ", "vol", "ed", "eds", "jr", "sr",
    "ref", "refs", "para", "paras", "sec", "ch", "chap", "eq", "eqn", "nos", "figs", "tab", "cllr",
    "rev", "hon", "gen", "col", "lt", "sgt", "mt", "ave", "est", "ca", "viz", "eng", "assoc", "inst", "govt",
    "corp", "mgr", "dir", "asst", "snr", "circ", "doc", "docs",
}
#: Abbreviations that close a firm's name: their full stop also ends the sentence when a capitalised word follows
#: ("... the chief engineer of Acme Ltd. The firm now ..."), since nothing of the name comes after them.
NAME_FINAL = {"ltd", "inc", "corp", "plc", "llc"}
_INITIALISM = re.compile(r"(?:[a-z]\.)+[a-z]")  # "u.s", "u.k", "e.u" (the word before the last full stop)
_OPENER_AFTER = re.compile(r"\s+(?:The|This|These|That|Those|Their|Its|It|He|She|They|We|His|Her|Our|In|On|At|As|"
                           r"For|From|A|An|However|Since|After|Following|During|Through|Such|There|Some|Many)\b")
_END = re.compile(r"[.!?]+(?=[\s\"'’”)\]]|$|[(\[])")
# a full stop after a bracket with the next sentence's first word glued to it: "(figures on request).Users have"
_END_GLUED = re.compile(r"(?<=\))\.(?=[A-Z][a-z]{2,}\s)")
# a full stop with footnote digits glued after it, then the next sentence: "the National Audit Office.5.8 The"
_END_FOOTNOTE = re.compile(r"(?<=[a-z)])\.\d{1,2}(?:\.\d{1,2})?(?=\s+[A-Z])")


def sentence_starts(text: str, masked: list[tuple[int, int]], forced: list[int] | None = None) -> list[int]:
    """Start offsets of sentences in ``text`` (norm), ignoring terminators inside ``masked`` spans.

    A sentence ends at ``.``, ``!`` or ``?`` (not after a known abbreviation or a single capital
    initial) followed by optional closing marks and whitespace and then a capital letter, digit,
    opening mark or bracket. ``forced`` adds starts known from elsewhere (paragraph breaks).
    """
    inside = _mask_array(len(text), masked)
    starts = [0] + [f for f in (forced or []) if 0 < f < len(text)]
    for m in _END_FOOTNOTE.finditer(text):
        if inside[m.start()] if m.start() < len(inside) else False:
            continue
        word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, m.start() - 12): m.start()])
        if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
            continue  # "p.14 The", "Fig.3 Shows"
        k = m.end()
        while k < len(text) and text[k] == " ":
            k += 1
        starts.append(k)
    for m in _END_GLUED.finditer(text):
        if not inside[m.start()]:
            starts.append(m.end())
    for m in _END.finditer(text):
        e = m.end()
        if m.start() < len(inside) and inside[m.start()]:
            continue
        word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, m.start() - 12): m.start()])
        if word and m.group(0) == ".":
            w = word.group(1).lower()
            if (w in _ABBREV or (len(w) == 1 and w.isalpha())) and not (
                    w in NAME_FINAL and re.match(r"\s+[A-Z][a-z]", text[e:e + 3])):
                continue
            if _INITIALISM.fullmatch(w) and not _OPENER_AFTER.match(text, e):
                continue  # "the U.S. State Department", "J.M. Harris": initials with full stops close no sentence,
                # unless a word that opens sentences follows ("the charity H.E.A.R.T. Their director")
        j = e
        while j < len(text) and text[j] in "\"'’”)]":
            j += 1
        if j < len(text) and text[j] in "([":
            mk = MARKER.match(text, j)  # a marker glued after the full stop: "change.(5) One"
            if mk is None or not is_marker(mk.group(0)):
                continue
            j = mk.end()
        k = j
        while k < len(text) and text[k] == " ":
            k += 1
        if k == j and k < len(text):
            continue
        if k >= len(text):
            break
        if text[k].isupper() or text[k].isdigit() or text[k] in "\"'`‘“([":
            starts.append(k)
    return sorted(set(starts))


def _mask_array(n: int, spans: list[tuple[int, int]]) -> bytearray:
    arr = bytearray(n)
    for a, b in spans:
        arr[a:b] = b"\x01" * (max(0, min(b, n) - a))
    return arr


# --- corroborating-source markers --------------------------------------------------------------

# A day, month and two-digit year written with dots ("(12.6.13)", "(23.05.11)") is a date, not a three-level
# marker such as "(5.3.1)".
_NOT_DATE = r"(?!(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.\d\d(?![\d.]))"

# A roman numeral the short forms above leave out, as a Word document's endnotes are numbered ("[xviii]", "[xl]"):
# lower case of five letters or more or with an "l", up to 89.
_LONG_ROMAN = r"(?:(?=[ivx]*l|[ivxl]{5})(?:xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
# Capitals of three letters or more, up to 89, as a note's mark alone in square brackets ("[XIV]", as evalnlp
# writes a Word note numbered in capitals); in parentheses or in a list ("(III)", "[A, III]") they number a part.
_LONG_ROMAN_CAPS = r"(?=[IVXL]{3})(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})"

# Letters repeated, as Word numbers notes in letters past z ("[aa]", "[bb]", "[ccc]"; capitals past "[ZZ]"), a
# note's mark alone in square brackets; not i or x, whose runs are roman numerals ("[ii]", "[xxx]") or none
# ("[iiii]"), nor runs of capitals that read as roman numerals ("[III]", "[IIII]").
_DOUBLED_LETTERS = ("(?:" + "|".join(f"{c}{{2,4}}" for c in "abcdefghjklmnopqrstuvwyz") + "|"
                    + "|".join(f"{c}{{3,4}}" for c in "ABEFGHJKNOPQRSTUWYZ") + ")")

# an item: a letter or letters, a number with up to two levels, a letter-numbered item of a section ("5.C1"), a
# Roman number (capital ones of three letters or more after a word: "source VII"; long ones as above)
_ITEM = (
    r"(?:(?i:(?:corroborating\s+|[A-Z][a-z]{2,14}\s+(?=(?i:statements?|letters?|testimon|e-?mails?|interviews?)))?"
    r"(?:sources?|refs?|references?|evidence|corrob(?:\.|orations?)?|testimon(?:y|ials?)|letters?|"
    r"e-?mails?|interviews?|statements?|docs?|documents?|annex(?:es)?|appendix|appendices|items?))"
    r"(?:\s+|\s*\.\s*))?"
    r"(?:[A-Z]{1,2}\d{0,2}|[A-Z]{3}\d{1,2}|[a-z]|\d{1,2}\.[A-Z]{1,2}\d{1,2}|(?<=[a-z]\s)[IVX]{3,5}|"
    + _NOT_DATE + r"\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?|[ivx]{1,4}|" + _LONG_ROMAN + ")"
    r"(?:[,;]?\s+(?:pp?\.?|(?i:pages?))\s?\d{1,4}(?:\s?[-–]\s?\d{1,4})?)?"
)
_LIST = rf"{_ITEM}(?:\s*(?:[,;]|and|&|[-–])\s*{_ITEM}){{0,8}}"
# A pointer to a source: "see 5.2", "see Source 1", "see (b) in section 5", "see Section 5.iii", after an
# optional date or note ("April 2013, see 5.2") and before an optional "below" or "for all quotations".
_SEE = (r"(?:[^()\[\]\n]{1,30}?[,;]\s*)?(?i:see)\s*:?\s+(?:(?i:also)\s+)?"
        r"(?:(?i:section)\s+5\s*(?:[.,]\s*)?)?"
        rf"(?:\(\s*{_LIST}\s*\)|{_LIST})"
        r"(?:\s*,?\s*(?i:below|above|(?:in|of)\s+section\s+5|for\s+[a-z ]{1,40}))?")
# "(Source (i), VI, p.7)", "(Sources (iii) and (x))": labels written with their own brackets after a word,
# then optional short locators (sections, pages) separated by commas.
_NESTED = (r"(?i:(?:corroborating\s+)?(?:sources?|refs?|references?))\s*\(\s*[A-Za-z0-9.]{1,6}\s*\)"
           r"(?:\s*(?:,|and|&)\s*\(\s*[A-Za-z0-9.]{1,6}\s*\)){0,6}(?:\s*,\s*[^()\[\]\n,]{1,25}){0,4}")
# a page before the source it is in: "[p.86, E3]"
_PAGE_FIRST = r"(?:(?:pp?\.?|(?i:pages?))\s?\d{1,4}(?:\s?[-–]\s?\d{1,4})?\s*[,;]\s*)?"
# A pointer into section 5 of a case study (its corroborating sources), by the item's letter or number:
# "(Section 5d)", "(see section 5, point E)", "(detailed in section 5, point D)", after an optional date or
# note ("(comments dated March 2013; Section 5g)").
_SECTION5 = (r"(?:[^()\[\]\n]{1,40}?[,;]\s*)?(?:(?i:see|detailed\s+in|listed\s+in|details\s+in)\s+)?"
             r"(?i:section)\s+5\s*(?:\.?\s*(?:[a-z]|\d{1,2}|[ivx]{1,4})\b|\s*,\s*(?i:point|item|source|no\.?)\s*"
             r"(?:[A-Za-z]|\d{1,2}|[ivx]{1,4})\b)")
# after a source's label, how and when its words reached the authors: "(5.8, email 27 April 2013)", "(S4, letter)"
_MEDIUM_NOTE = (r"\s*[,;]\s*(?i:e-?mail|letter|interview|testimonial|statement|questionnaire|survey)"
                r"(?:\s+(?i:of|dated|on))?(?:\s+(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:[A-Z][a-z]{2,8}\.?\s+)?(?:19|20)\d\d)?")
MARKER = re.compile(rf"\[\s*(?:{_PAGE_FIRST}{_LIST}(?:\s+(?i:below|above))?|{_SEE}|{_LONG_ROMAN_CAPS}|{_DOUBLED_LETTERS})"
                    r"\s*\]"
                    rf"|\(\s*(?:{_LIST}(?:\s+(?i:below|above)|{_MEDIUM_NOTE})?|{_SEE}|{_NESTED}|{_SECTION5})\s*\)"
                    rf"|\{{\s*(?:{_LIST})\s*\}}")
_NOT_MARKERS = {"UK", "US", "EU", "UN"}  # countries and unions in brackets, not sources


def is_marker(s: str) -> bool:
    """True when the whole string is a source marker such as ``[C]``, ``(5.3)``, ``[A, B]`` or
    ``(see Source 1)``."""
    m = MARKER.fullmatch(s.strip())
    if m is None:
        return False
    inner = s.strip()[1:-1].strip()
    # Four-digit numbers are years and longer lone numbers counts ("(250)"); "(UK)" is a country;
    # "(see Annex B)" points to an annex of the case study, not to a source.
    if re.fullmatch(r"\d{3,}", inner) or inner in _NOT_MARKERS:
        return False
    return not re.match(r"(?i)(?:.*\W)?see\W.*\b(?:annex|appendix|appendices|items?)\b", inner)


def find_markers(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Marker spans in ``text[start:end]`` (norm offsets)."""
    return [(m.start(), m.end()) for m in MARKER.finditer(text, start, end) if is_marker(m.group(0))]


def glued_digits(token: str) -> str | None:
    """Footnote digits glued to a word or year (``reported2`` -> ``2``, ``20115.1`` -> ``5.1``)."""
    m = re.fullmatch(r"[A-Za-z]{3,},?(\d{1,2}(?:\.\d{1,2})?)", token)  # "reported2", "Vallance-Owen,5.2"
    if m:
        return m.group(1)
    m = re.fullmatch(r"(?:19|20)\d\d(\d(?:\.\d{1,2})?)", token)
    if m:
        return m.group(1)
    return None
