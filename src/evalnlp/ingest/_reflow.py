"""The reading text of a narrative document: hard-wrapped prose rejoined, words broken across lines mended, HTML
entities decoded.

Case studies saved as plain text are hard-wrapped (the REF export at about 80 columns, with a hanging indent),
and a PDF's page text is always wrapped, so a line break inside a paragraph is usually no break at all. The
reading text replaces such a *soft* break (with the spaces around it) by one space, and keeps a line break where
the layout means one:

- a blank line (paragraphs, already separate passages);
- before a list item: a bullet always; a dash, number or letter marker (``-``, ``1.``, ``(a)``, ``ii)``) when
  the line before ends a sentence or a clause, or belongs to a list itself; a label (``[2]``, ``[5.2]``, ``[B]``,
  ``B.``, ``(B)``, as a list of sources numbers its entries) when the line before ends a sentence or a clause,
  or is an item on a line of its own (a label at the start of a wrapped line of prose, "... as the survey" +
  "[5.3] showed ...", follows a line that does not end a sentence, and is joined);
- around a Markdown heading (``# ...``, or a line underlined with ``===``/``---``), a rule, a table row, a block
  quote (whose own lines are joined like a paragraph's), and every line of a fenced code block; after a line
  ending in a Markdown hard break (two spaces or a backslash, Markdown only);
- where the indentation starts a paragraph: with a hanging indent (the REF export: first lines at 4 columns, the
  rest at 6) a line indented less than the body of the text; with first-line indents, a line indented more than
  the one before, when that one ends a sentence;
- every line of a plain text that is a list of lines, not wrapped prose (one indent, nearly every line after
  another opening with a capital or a digit, most lines well short of the wrap width: a comment or an item a
  line, see :data:`LIST_SHARE`);
- around a letter's salutation ("Dear Professor Hartley,", "To whom it may concern") and its complimentary close
  ("Yours sincerely,", "Kind regards"), and around an impact case study's section headings ("1. Summary of the
  impact", "Details of the impact"), each on a line of its own;
- after a short line: when the first word of the next line would have fitted on it within the text's wrap width,
  and the next line does not start in lower case, the line ended on purpose (a heading, the last line of a
  paragraph, a line of an address or a list), unless it stops mid-phrase (``... in the state of`` + ``Odisha``)
  or, not ending a sentence, goes on with a number (``... adopted by a further`` + ``40 schools in 2017``).
  The width is a high percentile of the document's line lengths, so in text that is not wrapped (a paragraph
  or a sentence per line) nearly every line counts as short.

A word hyphenated at a line end is joined without a space: in PDF text, where a typesetter breaks words, the
hyphen is dropped between two lower-case parts (``organ-`` + ``isation``) unless the document writes the same
word with a hyphen elsewhere, or both parts are dictionary words that together are not one (``evidence-`` +
``based``, ``follow-`` + ``up``: a compound broken at its own hyphen); in plain text, which is wrapped at
existing hyphens only, it is kept (``well-`` + ``known``).

Entities (``&amp;``, ``&#163;``, ``&#8212;``) are decoded when written in full with their semicolon, so ``R&D``
and ``&not`` in running text stay as they are. Survey answers never pass through here: their line breaks are
the respondent's own.
"""

from __future__ import annotations

import html
import re
from html.entities import html5
from typing import Sequence

from evalnlp.ingest._letters import SALUTATION, VALEDICTION

__all__ = ["decode_entities", "reading_texts", "reflow", "wrap_width"]

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _decode(m: re.Match[str]) -> str:
    entity = m.group(0)
    if entity[1] != "#" and entity[1:] not in html5:
        return entity  # "&note;" is no entity (html.unescape would read "&not" + "e;")
    decoded = html.unescape(entity)
    if not decoded or decoded == entity:
        return entity  # a code point that decodes to nothing
    return "".join(" " if c.isspace() else c for c in decoded)


def decode_entities(text: str) -> str:
    """``text`` with every complete HTML entity (``&amp;``, ``&#163;``, ``&#x2014;``) replaced by its character;
    an entity that stands for white space becomes a space, so lines and offsets keep their shape."""
    if "&" not in text:
        return text
    return _ENTITY.sub(_decode, text)


# --- line classes ----------------------------------------------------------------------------------------------

_BULLET = re.compile(r"[ \t]*(?:[*\u2022\u2023\u25e6\u2043\u2219\u25aa\u25cf\u25a0\u27a2\u2713\u2714\uf0b7]"
                     r"|&(?:#8226|#x2022|bull);)[ \t]+\S")
# Markers that also occur inside running text ("toolkit - is", "(2) being", "1) ..."); list items only in context.
_MARKER = re.compile(r"[ \t]*(?:[-+\u2013]|\d{1,2}[.)]|\(\d{1,2}\)|\(?[a-z][.)]|\([a-z]\)|\(?[ivx]{1,4}[.)]"
                     r"|\([ivx]{1,4}\))[ \t]+\S")
# Labels that number a list of sources or sections ("[2]", "[5.2]", "[B]", "B.", "(B)"); they also open a wrapped
# line of prose where a marker or an initial falls at its start ("... as the survey" + "[5.3] showed"), so they
# are items only after a line that ends a sentence, or after another item that stands on its own line.
_LABEL = re.compile(r"[ \t]*(?:[A-Z][.)]|\([A-Z]\)|\[(?:\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?|[A-Z]{1,2}\d{0,2})\])[ \t]+\S")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")
_UNDERLINE = re.compile(r"[ \t]{0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"[ \t]{0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,})$")
_TABLE = re.compile(r"[ \t]*\|")
_QUOTE = re.compile(r"[ \t]{0,3}>")
_FENCE = re.compile(r"[ \t]{0,3}(?:```|~~~)")
_END = re.compile(r"(\S*?)([.!?:;])[\"'\u2019\u201d)\]]*[ \t]*$")
# Words whose full stop is not a sentence's end.
_ABBREVIATIONS = {"e.g", "i.e", "etc", "cf", "vs", "viz", "al", "dr", "mr", "mrs", "ms", "prof", "st", "no", "nos",
                  "p", "pp", "para", "ch", "fig", "vol", "ed", "eds", "rev", "hon", "sr", "jr", "approx", "ca",
                  "c", "inc", "ltd", "co", "dept", "univ", "ref", "refs"}
_HYPHEN_END = re.compile(r"([^\W_]+)-[ \t]*$")
_WORD_START = re.compile(r"[ \t]*([^\W_]+)")
_BLANK = re.compile(r"[ \t\f\v]*")
# A line ending like this stops in the middle of a phrase.
_CONTINUES = re.compile(
    r"(?:[,\-\u2013\u2014&/(]|\b(?i:the|a|an|of|and|or|nor|but|to|in|into|for|with|by|on|at|from|as|that|which|"
    r"who|whose|than|via|per|between|under|over|across|through|his|her|their|its|our|my|your|this|these|those|"
    r"is|are|was|were|be|been|has|have|had|will|would|can|could|may|dr|mr|mrs|ms|prof|st|sir|dame|lord|lady))"
    r"[ \t]*$")
_OPENERS = "\"'`\u2018\u201c(["


_ENTITY_END = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});[\"'\u2019\u201d)\]]*[ \t]*$")


def _ends(line: str, semicolon: bool = False) -> bool:
    """Does ``line`` end a sentence (``.``, ``!``, ``?``, also ``:``; ``;`` with ``semicolon``), closing marks
    allowed, and not with an abbreviation (``Dr.``, ``e.g.``) or an initial (``J.``)?"""
    m = _END.search(line[-40:])
    if m is None or (m.group(2) == ";" and (not semicolon or _ENTITY_END.search(line[-40:]))):
        return False  # (the ";" of a character reference, "&amp;", ends nothing)
    if m.group(2) == ".":
        word = m.group(1).lstrip(_OPENERS).lower()
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False
    return True


def _indent(line: str) -> int:
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    return len(lead.expandtabs(4))


def wrap_width(texts: Sequence[str]) -> int:
    """The width a text seems wrapped at: the 90th percentile of its line lengths (0 for no text)."""
    lengths = sorted(len(line.rstrip()) for t in texts for line in t.split("\n") if line.strip())
    if not lengths:
        return 0
    return lengths[min(len(lengths) - 1, (9 * len(lengths)) // 10)]


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of non-blank lines as (first, end) indices."""
    out, start = [], None
    for i, line in enumerate(lines):
        if _BLANK.fullmatch(line):
            if start is not None:
                out.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        out.append((start, len(lines)))
    return out


#: A plain text is a list of lines (a comment, an answer or an item a line), not wrapped prose, when its lines
#: all start at one indent, the lines after a line break open with a capital letter or a digit this often (over
#: at least :data:`LIST_BREAKS` breaks; prose wraps at whatever word comes, and most English words are written
#: in lower case), and fewer than half its lines come near its wrap width (wrapped prose fills its lines).
LIST_SHARE = 0.8
LIST_BREAKS = 4


def _list_of_lines(lines: list[str], width: int) -> bool:
    """Is the text a list of lines rather than wrapped prose (see :data:`LIST_SHARE`)?"""
    full = [line for line in lines if not _BLANK.fullmatch(line)]
    opens = [lines[i + 1].lstrip()[:1] for i in range(len(lines) - 1)
             if not _BLANK.fullmatch(lines[i]) and not _BLANK.fullmatch(lines[i + 1])]
    if len(opens) < LIST_BREAKS or len({_indent(line) for line in full}) > 1:
        return False
    if sum(c.isupper() or c.isdigit() for c in opens) < LIST_SHARE * len(opens):
        return False
    return sum(len(line.rstrip()) >= 0.85 * width for line in full) < 0.5 * len(full)


def _hard_breaks(lines: list[str], width: int, pdf: bool, markdown: bool) -> set[int]:
    """Indices ``i`` of the lines after which the line break is kept (``i`` and ``i + 1`` both non-blank)."""
    hard: set[int] = set()
    if not pdf and not markdown and _list_of_lines(lines, width):
        # not wrapped prose: a line that opens in upper case or with a digit stands apart (a PDF's page text is
        # always wrapped; Markdown joins a paragraph's lines by its own rule); one in lower case still goes on
        # (where most lines end their sentences, a line that does not is a sentence wrapped, as in prose)
        pairs = [i for i in range(len(lines) - 1) if not _BLANK.fullmatch(lines[i])
                 and not _BLANK.fullmatch(lines[i + 1]) and not lines[i + 1].lstrip()[:1].islower()]
        ending = sum(_ends(line) for line in lines if not _BLANK.fullmatch(line))
        sentences = ending >= 0.5 * sum(1 for line in lines if not _BLANK.fullmatch(line))
        hard = {i for i in pairs if not sentences or _ends(lines[i])}
    fit = width * (0.8 if pdf else 1.0)  # proportional fonts make a PDF's character counts per line uneven
    for a, b in _blocks(lines):
        block = lines[a:b]
        indents = [_indent(line) for line in block]
        body = max(set(indents), key=lambda n: (indents.count(n), -n))  # the most common indent, the smaller on ties
        # a hanging indent starts the block at its smallest indent, below the body; first-line indents start it
        # above the smallest; a PDF's page text has no reliable indentation
        hanging = not pdf and indents[0] == min(indents) < body
        first_line = not pdf and indents[0] > min(indents)
        in_list = in_fence = False
        for k in range(len(block)):
            line = block[k]
            fence = _FENCE.match(line) is not None
            if fence:
                in_fence = not in_fence
            if k + 1 == len(block):
                break
            nxt = block[k + 1]
            keep = fence or in_fence or _FENCE.match(nxt) is not None
            structural = (_HEADING.match(line) or _HEADING.match(nxt) or _UNDERLINE.fullmatch(nxt)
                          or _UNDERLINE.fullmatch(line) or _RULE.fullmatch(line) or _RULE.fullmatch(nxt)
                          or _TABLE.match(line) or _TABLE.match(nxt)
                          or (markdown and bool(_QUOTE.match(line)) != bool(_QUOTE.match(nxt))))
            if structural:
                keep = True
                in_list = False
            if _BULLET.match(line) or (_MARKER.match(line) and (k == 0 or (a + k - 1) in hard)):
                in_list = True  # an item on a line of its own ("## Changes" + "- fewer delays" + "- ...")
            ni, li = indents[k + 1], indents[k]
            new_par = (hanging and ni < body) or (first_line and ni > li and _ends(line))
            if new_par:
                keep = True
                in_list = False
            own_line = k == 0 or (a + k - 1) in hard
            if _BULLET.match(nxt) or (_MARKER.match(nxt) and (in_list or _ends(line, semicolon=True))) or \
                    (_LABEL.match(nxt) and (_ends(line, semicolon=True) or (_LABEL.match(line) and own_line))):
                keep = True
                in_list = True
            if markdown and (line.endswith("  ") or line.endswith("\\")):
                keep = True
            if not keep and (_letter_line(line) or _letter_line(nxt)):
                keep = True  # a letter's salutation and its closing stand on lines of their own
            if not keep and (_SECTION.fullmatch(line) or _SECTION.fullmatch(nxt)):
                keep = True  # a case study's section heading stands on a line of its own
            if not keep and width and _short(line, nxt, fit):
                # a short line ends on purpose when it ends a sentence or introduces what follows, or when it
                # stands whole (a heading, a one-line item); a short line that stops mid-sentence ("the state
                # of" + "Odisha", irregular wrapping) does not
                # (a line that goes on with a number, "... by a further" + "40 schools", is a sentence wrapped:
                # a heading or a line of its own is followed by words)
                whole = (k == 0 or (a + k - 1) in hard or _ends(block[k - 1])) \
                    and _CONTINUES.search(line) is None and len(line.rstrip()) <= 0.7 * width \
                    and not nxt.lstrip().lstrip(_OPENERS)[:1].isdigit()
                keep = whole or _ends(line)
            if keep:
                hard.add(a + k)
    return hard


#: The headings of an impact case study's sections (REF3), perhaps numbered: "1. Summary of the impact", "4.
#: Details of the impact". Under a title without a full stop (a PDF's first page) the short-line rule joined them
#: to the title above and the section's first sentence below.
_SECTION = re.compile(
    r"(?i)[ \t]*(?:(?:section[ \t]+)?\d[ \t]*[.):\-]?[ \t]*)?(?:summary[ \t]+of[ \t]+the[ \t]+impact|underpinning"
    r"[ \t]+research|references[ \t]+to[ \t]+the[ \t]+research|details[ \t]+of[ \t]+the[ \t]+impact|sources[ \t]+to"
    r"[ \t]+corroborate[ \t]+the[ \t]+impact)(?:[ \t]*\([^()\n]{1,40}\))?[ \t]*:?[ \t]*")


def _letter_line(line: str) -> bool:
    """Is ``line`` a letter's salutation ("Dear Professor Hartley,") or complimentary close ("Yours sincerely,")?
    A PDF letter's text has them on lines of their own, which ended on a comma and so were joined to the address
    above and the body below (or the signature), and the letter's body could not be told from its furniture."""
    return SALUTATION.fullmatch(line) is not None or VALEDICTION.fullmatch(line) is not None


def _short(line: str, nxt: str, fit: float) -> bool:
    """The first word of ``nxt`` would have fitted on ``line``, and ``nxt`` does not start in lower case."""
    first = nxt.split(None, 1)[0]
    return not first.lstrip(_OPENERS)[:1].islower() and len(line.rstrip()) + 1 + len(first) <= fit


def reflow(text: str, *, width: int | None = None, pdf: bool = False, markdown: bool = False,
           hyphenated: frozenset[str] | set[str] = frozenset(), words: frozenset[str] | set[str] = frozenset()) -> str:
    """``text`` with its soft line breaks (see the module docstring) replaced by one space.

    ``width`` is the wrap width (default: :func:`wrap_width` of ``text``); ``pdf`` drops the hyphen of a word
    broken across lines unless its lower-cased hyphenated form is in ``hyphenated``, or both its parts are in
    ``words`` (lower-case dictionary words) and the two written together are not (``evidence-`` + ``based``
    keeps its hyphen, ``organ-`` + ``isation`` loses it); ``markdown`` honours Markdown's hard line breaks. Line
    breaks that are kept, blank lines and the text within lines are unchanged.
    """
    if "\n" not in text:
        return text
    lines = text.split("\n")
    hard = _hard_breaks(lines, wrap_width([text]) if width is None else width, pdf, markdown)
    out = [lines[0]]
    for i in range(len(lines) - 1):
        cur, nxt = lines[i], lines[i + 1]
        if i in hard or _BLANK.fullmatch(cur) or _BLANK.fullmatch(nxt):
            out.append("\n")
            out.append(nxt)
            continue
        left = out[-1].rstrip(" \t")
        right = nxt.lstrip(" \t")
        if markdown and right.startswith(">"):
            right = right.lstrip("> \t")  # a block quote's next line: "> A quote that" + "> goes on"
        sep = " "
        h = _HYPHEN_END.search(left[-64:]) if left.endswith("-") else None
        w = _WORD_START.match(nxt) if h else None
        if h and w:
            sep = ""
            if pdf and h.group(1)[-1].islower() and w.group(1)[0].islower() and \
                    f"{h.group(1)}-{w.group(1)}".lower() not in hyphenated and \
                    not _compound(h.group(1).lower(), w.group(1).lower(), words):
                left = left[:-1]  # "organ-" + "isation"
        out[-1] = left
        out.append(sep)
        out.append(right)
    return "".join(out)


def _compound(first: str, second: str, words: frozenset[str] | set[str]) -> bool:
    """Is ``first-second`` a compound of two words ("evidence-based", "follow-up"), not one word broken?"""
    return bool(words) and first in words and second in words and first + second not in words


_HYPHENATED_WORD = re.compile(r"(?<![\w-])[^\W\d_]+-[^\W\d_]+(?![\w])")


def reading_texts(texts: Sequence[str], fmt: str) -> list[str]:
    """The reading text of each passage of one document in format ``fmt`` (``txt``, ``md``, ``markdown``,
    ``pdf``, ``docx``): reflowed (not DOCX, whose paragraphs are not wrapped) and with entities decoded."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "docx":
        return [decode_entities(t) for t in texts]
    pdf = fmt == "pdf"
    width = wrap_width(texts)
    hyphenated: set[str] = set()
    words: frozenset[str] = frozenset()
    if pdf:
        hyphenated = {w.lower() for t in texts for w in _HYPHENATED_WORD.findall(t)}
        if any(_LINE_END_HYPHEN.search(t) for t in texts):
            from evalnlp.redact import common_words

            words = common_words()
    out = [decode_entities(reflow(t, width=width, pdf=pdf, markdown=fmt in ("md", "markdown"),
                                  hyphenated=hyphenated, words=words)) for t in texts]
    if pdf:  # justified lines come out of a PDF with spaces stretched between words: one space reads the same
        out = [_STRETCHED.sub(" ", t) for t in out]
    return out


_STRETCHED = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")


_LINE_END_HYPHEN = re.compile(r"[^\W\d_]-[ \t]*\n")
