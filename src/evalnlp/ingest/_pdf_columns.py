"""A PDF page's text in reading order when the page is set in columns, with a blank line between paragraphs.

pypdf gives a page's text in the order its content stream draws it. Most typesetters draw a column at a time,
but some draw a page line by line across its columns, and then the plain text has the lines of the columns
interleaved, or a line of the left column glued to the line beside it. Here the page is read once with a
visitor that sees where each piece of text starts; from those positions:

- the columns are found from the x positions where lines start: a column start is an x at which at least
  :data:`MIN_COLUMN_LINES` lines start, with lines beside them to its left that are column lines themselves
  (long, as wrapped prose is, and ending before it: a gutter, a vertical band no line crosses; with no gap as
  wide inside them, which would make them rows of a table, read row by row as drawn);
- a line that crosses a gutter (a title, a heading or a footer set across the page), or one that stands apart
  from the columns (nothing beside it in the other columns, and well below the line above it, as a footer), is
  full width: it splits the page into bands, kept in place above and below the columns;
- each band is read column by column, left to right, each column top to bottom.

A page that is not found to be in columns keeps pypdf's lines exactly; so does a page whose columns the content
stream already draws in reading order. Either way the page's paragraphs are found from where its lines stand
(space above a line, an indent, a short last line: see :func:`paragraph_breaks`) and a blank line is put
between them, as a plain text has them, so that a letter's courtesy, signature and testimony do not run
together; only blank lines are added. A page whose text is rotated, or whose pieces cannot be placed, keeps
pypdf's text exactly.

A line's width is measured with its font's glyph widths, as pypdf reads them (word and character spacing are
not counted, so a width may fall a little short, never long); a composite (Type0) font, as Chromium, Word and
LibreOffice embed theirs, numbers its widths by glyph, so each character is first mapped back to its glyph
through the font's map to Unicode. With a pypdf that does not give glyph widths, every page keeps pypdf's
text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass
from statistics import median
from typing import Any

from evalnlp.ingest._reflow import _BULLET, _MARKER, _OPENERS, _ends

__all__ = ["page_text", "paragraph_breaks"]

#: The fewest lines that must start at one x, with column lines beside them, for that x to start a column.
MIN_COLUMN_LINES = 3
#: Two x positions within this many points are one (a column's lines start at one x, give or take rounding).
X_TOLERANCE = 2.0
#: A column line is long: the median width of the lines on either side of a gutter is at least this
#: share of the column's pitch (from the start of one column to the start of the next).
LONG_LINE = 0.5
#: A line whose end passes the next column's start by more than this share of a column crosses it (a title,
#: a heading or a footer set across the page).
CROSSING = 0.05
#: A line with nothing beside it in the other columns is full width when it stands this many line pitches
#: below the line above it (a footer; a left column that runs on below a shorter right one keeps its pitch).
APART = 2.5

#: Lines beside a gutter end at least this many ems (of their own size) before the next column starts, as
#: a gutter is wider than the space between two words.
GUTTER = 0.8


def _font_metrics() -> Any:
    """pypdf's font class, whose glyph widths measure a piece of text (None when this pypdf has none: then no
    page is read in columns, as a gutter cannot be told from a space between words)."""
    try:
        from pypdf.generic._font import Font
    except ImportError:
        return None
    known = {f.name for f in fields(Font)} if is_dataclass(Font) else set()
    return Font if hasattr(Font, "from_font_resource") and {"character_widths", "character_map", "sub_type"} <= known \
        else None


class _Widths:
    """A font's glyph widths, by the characters they draw (in thousandths of the font size)."""

    def __init__(self, font: Any) -> None:
        self.widths = font.character_widths
        self.default = self.widths.get("default", 0)
        self.codes: dict[str, str] = {}
        if font.sub_type == "Type0":
            # the widths are numbered by character code (a glyph number); the map to Unicode leads back to it
            for code, char in font.character_map.items():
                if isinstance(code, str) and isinstance(char, str) and len(char) == 1 and code in self.widths:
                    self.codes.setdefault(char, code)

    def of(self, text: str) -> float:
        codes, widths, default = self.codes, self.widths, self.default
        if not codes:
            return sum(widths.get(c, default) for c in text)
        return sum(widths.get(codes.get(c, c), default) for c in text)


@dataclass
class _Fragment:
    order: int
    x: float
    y: float
    size: float  # the font size as drawn (the Tf size scaled by the text and transformation matrices)
    text: str
    line: int  # the number of pypdf's output line the fragment is on
    width: float  # of its text without the spaces around it, in points
    font: _Widths | None = None  # its font's glyph widths, which times ``scale`` give points
    scale: float = 0.0


@dataclass
class _Segment:
    """The fragments of one output line that lie in one column (a whole line on a page without columns)."""
    parts: list[_Fragment]
    column: int = 0
    full: bool = False
    across: bool = False  # it crosses a gutter (full width by its length, not by where it stands)

    @property
    def x(self) -> float:
        return self.parts[0].x

    @property
    def y(self) -> float:
        return self.parts[0].y

    @property
    def end(self) -> float:
        return max(p.x + p.width for p in self.parts)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts).strip(" ")


def _matrix(tm: Any, cm: Any) -> tuple[float, float, float, float, float, float] | None:
    """The text matrix in page space (``tm`` times ``cm``), or None when either is not six numbers."""
    try:
        a, b, c, d, e, f = (float(v) for v in tm)
        A, B, C, D, E, F = (float(v) for v in cm)
    except (TypeError, ValueError):
        return None
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def page_text(page: Any) -> str:
    """The text of a pypdf page, in reading order when it is set in columns, its paragraphs a blank line apart
    (see the module docstring)."""
    pieces: list[tuple[Any, Any, Any, Any, Any]] = []

    def visit(text: Any, cm: Any, tm: Any, font: Any, size: Any) -> None:
        pieces.append((text, cm, tm, font, size))

    metrics = _font_metrics()
    if metrics is None:
        return page.extract_text() or ""
    try:
        text = page.extract_text(visitor_text=visit) or ""
    except Exception:  # with a visitor pypdf parses content it otherwise skips (a page of figures only)
        return page.extract_text() or ""  # the page's text as without one, or the error reading it gives
    try:
        ordered = _reading_order(text, pieces, metrics)
    except Exception:  # a font or a position that cannot be read: the order is a refinement, the text is kept
        ordered = None
    return text if ordered is None else ordered


def _fragments(text: str, pieces: list[tuple[Any, Any, Any, Any, Any]], metrics: Any) -> list[_Fragment] | None:
    """The pieces with text, placed and measured; None when they do not add up to ``text`` or cannot all be
    placed upright."""
    if "".join(p[0] for p in pieces if isinstance(p[0], str)) != text:
        return None
    fonts: dict[int, _Widths] = {}
    out: list[_Fragment] = []
    line = 0
    for piece, cm, tm, font, size in pieces:
        if not isinstance(piece, str) or not piece:
            continue
        parts = piece.split("\n")
        words = parts[0].strip()
        if words:
            if any(p.strip() for p in parts[1:]):
                return None  # text after a line break inside one piece: where it stands is not known
            m = _matrix(tm, cm)
            if m is None or abs(m[1]) > 1e-6 or abs(m[2]) > 1e-6 or m[0] <= 0 or m[3] <= 0:
                return None  # rotated, mirrored or skewed text: not a page of columns
            if font is None:
                return None
            if id(font) not in fonts:
                fonts[id(font)] = _Widths(metrics.from_font_resource(font))
            scale = float(size) * m[0] / 1000
            width = fonts[id(font)].of(words) * scale
            drawn = float(size) * m[3]
            if not all(math.isfinite(v) for v in (*m, width, drawn)) or drawn <= 0:
                return None
            out.append(_Fragment(len(out), m[4], m[5], drawn, parts[0], line, width, fonts[id(font)], scale))
        elif any(p.strip() for p in parts[1:]):
            return None
        line += len(parts) - 1
    return out


def _line_starts(frags: list[_Fragment]) -> list[_Fragment]:
    return [f for i, f in enumerate(frags) if i == 0 or frags[i - 1].line != f.line]


def _clusters(xs: list[tuple[float, float]]) -> list[tuple[float, set[float]]]:
    """x positions within :data:`X_TOLERANCE` of each other grouped: (smallest x, the baselines there)."""
    out: list[tuple[float, set[float]]] = []
    for x, y in sorted(xs):
        if out and x - out[-1][0] <= X_TOLERANCE:
            out[-1][1].add(round(y, 1))
        else:
            out.append((x, {round(y, 1)}))
    return out


def _columns(frags: list[_Fragment]) -> list[float]:
    """The x positions where the page's columns start (the first is the left margin); one when none is found."""
    left = min(f.x for f in frags)
    right = max(f.x + f.width for f in frags)
    starts = {f.order for f in _line_starts(frags)}
    pitch = _pitch(frags)
    bounds = [left]
    for x, baselines in _clusters([(f.x, f.y) for f in frags]):
        prev = bounds[-1]
        span = x - prev
        if len(baselines) < MIN_COLUMN_LINES or span < 0.2 * (right - left):
            continue
        beside = [f for f in frags if abs(f.x - x) <= X_TOLERANCE]
        # quick test first: text drawn just before it on the same line (words of a line, cells of a table)
        close = sum(f.order > 0 and frags[f.order - 1].line == f.line
                    and x - GUTTER * f.size < frags[f.order - 1].x + frags[f.order - 1].width < x + X_TOLERANCE
                    for f in beside)
        if close > 0.1 * len(beside):
            continue
        top, bottom = max(f.y for f in beside), min(f.y for f in beside)
        # the lines to its left, over the height of the candidate column
        lines = [_segment_from(frags, f, x) for f in frags
                 if (f.order in starts or abs(f.x - prev) <= X_TOLERANCE)
                 and prev - X_TOLERANCE <= f.x < x - X_TOLERANCE and bottom - pitch <= f.y <= top + pitch]
        if len({round(s.y, 1) for s in lines}) < MIN_COLUMN_LINES:
            continue
        # the text beside a gutter has no gutter of its own: a line with a gap as wide inside it is a row of a
        # table (cells set apart), and a table's columns are read row by row, as drawn
        if sum(_gapped(s) for s in lines) > 0.1 * len(lines):
            continue
        # a gutter: (nearly) every line beside the column ends well before it
        if sum(s.end > x - GUTTER * s.parts[-1].size for s in lines) > 0.1 * len(lines):
            continue
        if median(s.end - s.x for s in lines) < LONG_LINE * span:
            continue
        own = [_segment_from(frags, f, math.inf) for f in beside]
        if median(s.end - s.x for s in own) < LONG_LINE * span:
            continue
        bounds.append(x)
    return bounds


def _gapped(segment: _Segment) -> bool:
    """Whether two pieces of ``segment`` stand a gutter's width apart (cells of a table row, not words)."""
    return any(b.x - (a.x + a.width) > GUTTER * a.size for a, b in zip(segment.parts, segment.parts[1:]))


def _segment_from(frags: list[_Fragment], first: _Fragment, stop: float) -> _Segment:
    """The fragments of ``first``'s output line from ``first`` on, up to one that starts at or past ``stop``."""
    parts = [first]
    for f in frags[first.order + 1:]:
        if f.line != first.line or f.x >= stop - X_TOLERANCE:
            break
        parts.append(f)
    return _Segment(parts)


def _pitch(frags: list[_Fragment]) -> float:
    """The body text's line pitch: the median drop from one line to the next in drawing order."""
    size = median(f.size for f in frags)
    drops = [a.y - b.y for a, b in zip(frags, frags[1:]) if 0.3 * size < a.y - b.y < 3 * size]
    return max(median(drops), 1.0) if drops else max(1.2 * size, 1.0)


def _read_down(segments: list[_Segment], pitch: float) -> bool:
    """Whether the content stream draws the page as it is read: each column top to bottom, then the next column
    from higher up (or, on a lower band, the first column again, below), a full-width line never above the line
    drawn before it nor below the line drawn after it. Such a page keeps pypdf's order, in which a line the
    columns do not tell (a short footer close under the left column) stays where the stream draws it. A line
    full width only by where it stands (nothing beside it: a column's first line set higher than the columns
    beside it, a footer) is checked as the line of its column that it may be; a line that goes back up its
    column but starts further right is the next cell of a table row, drawn cell by cell."""
    step = 0.3 * pitch
    last: _Segment | None = None  # the last column line drawn
    prev: _Segment | None = None  # the last line drawn
    for s in segments:
        if prev is not None and (s.across or prev.across) and s.y > prev.y + step:
            return False  # a full-width line drawn out of its place, or a line above the full-width one before it
        prev = s
        if s.across:
            continue
        if last is not None:
            if s.column == last.column and s.y > last.y + step and s.x <= last.x + X_TOLERANCE:
                return False  # back up the same column
            if s.column > last.column and s.y <= last.y + step:
                return False  # across to the next column on the same line (lines drawn across the page)
            if s.column < last.column and s.y > last.y - step:
                return False  # back to an earlier column, not below (the right column drawn first)
        last = s
    return True


def _reading_order(text: str, pieces: list[tuple[Any, Any, Any, Any, Any]], metrics: Any) -> str | None:
    """The page's text in reading order with its paragraphs a blank line apart, or None to keep pypdf's (its
    pieces cannot be placed)."""
    frags = _fragments(text, pieces, metrics)
    if not frags:
        return None
    if len(frags) < 2 * MIN_COLUMN_LINES:
        return _as_drawn(text, frags, [min(f.x for f in frags)])
    bounds = _columns(frags)
    if len(bounds) < 2:
        return _as_drawn(text, frags, bounds)
    # cut each output line where it reaches a column start
    segments: list[_Segment] = []
    for f in frags:
        if segments and segments[-1].parts[-1].line == f.line and \
                not any(abs(f.x - b) <= X_TOLERANCE and segments[-1].x < b - X_TOLERANCE for b in bounds[1:]):
            segments[-1].parts.append(f)
        else:
            segments.append(_Segment([f]))
    pitch = _pitch(frags)
    for s in segments:
        s.column = max(i for i, b in enumerate(bounds) if s.x >= b - X_TOLERANCE or i == 0)
        if s.column + 1 < len(bounds):
            nxt = bounds[s.column + 1]
            span = nxt - bounds[s.column]
            s.full = s.across = s.end > nxt + CROSSING * span
    for s in segments:
        if s.full:
            continue
        others = [o for o in segments if o.column != s.column and not o.full]
        if any(abs(o.y - s.y) <= pitch for o in others):
            continue
        above = [o.y - s.y for o in segments if o.column == s.column and not o.full and o.y > s.y + 0.3 * pitch]
        # a line beside no other column's line, far below the line above it (a footer), or above all of them
        if (not above and others and s.y > max(o.y for o in others)) or (above and min(above) > APART * pitch):
            s.full = True
    if sum(s.full for s in segments) > 0.25 * len(segments):
        return _as_drawn(text, frags, bounds[:1])  # more full-width lines than columns have: not found right
    if _read_down(segments, pitch):
        return _as_drawn(text, frags, bounds)  # drawn column by column already (as Chromium and Word do)
    blocks: list[list[_Segment]] = []  # the bands of columns and the runs of full-width lines, top to bottom
    for s in sorted(segments, key=lambda s: (-s.y, s.parts[0].order)):
        if not blocks or blocks[-1][0].full != s.full:
            blocks.append([])
        blocks[-1].append(s)
    for block in blocks:
        block.sort(key=lambda s: (s.column, -s.y, s.parts[0].order))
    if [s.parts[0].order for b in blocks for s in b] == [s.parts[0].order for s in segments]:
        return _as_drawn(text, frags, bounds)  # the content stream draws the page in reading order already
    # a full-width line stands apart from the columns beside it: a blank line between, a line break within (or
    # a blank line, between paragraphs)
    out = []
    for block in blocks:
        kept = [s for s in block if s.text]
        if block[0].full:
            for s in kept:
                s.column = 0
        breaks = _breaks(kept, pitch, median(f.size for f in frags))
        out.append("".join(("\n\n" if k in breaks else "\n") * (k > 0) + s.text for k, s in enumerate(kept)))
    return "\n\n".join(out)


# --- paragraphs ------------------------------------------------------------------------------------------------

#: A drop from one line to the next this many times the body's line pitch (scaled up for lines in a larger size)
#: is space between paragraphs; within a paragraph lines keep the pitch.
GAP = 1.3
#: A line starting this many ems (of its own size) right of the line before is set in (left of it, set out).
INDENT = 0.8
#: A font size this much (a share of the larger) away from the line above's starts a new paragraph (a heading
#: over its text, a footnote under it).
SIZE_CHANGE = 0.15
#: A line this many ems (of its own size) left of where a list's wrapped items go on is no item's text.
HANG = 0.4


def _size(s: _Segment) -> float:
    return max(p.size for p in s.parts)


def _baseline(s: _Segment) -> float:
    return max(s.parts, key=lambda p: p.size).y  # (a superscript's raised baseline is not the line's)


def _margins(lines: list[_Segment]) -> dict[int, float]:
    """Each column's left margin: the smallest x at which two of its lines start (or its one line), so a number
    set out in the margin does not move it (a line across a gutter does not count)."""
    out: dict[int, float] = {}
    for column in {s.column for s in lines}:
        own = [s for s in lines if s.column == column and not s.across] or \
            [s for s in lines if s.column == column]
        clusters = _clusters([(s.x, s.y) for s in own])
        out[column] = next((x for x, ys in clusters if len(ys) >= min(2, len(own))), clusters[0][0])
    return out


def _right_edges(lines: list[_Segment]) -> list[float]:
    """For each line, where the lines that start where it starts (in its column, within :data:`X_TOLERANCE`) end
    at the furthest: the right edge of the text it belongs to (a column's, or a quotation's set in from both
    sides). A line across a gutter counts for itself only."""
    edge: dict[tuple[int, int], float] = {}
    cluster: list[tuple[int, int]] = [(0, 0)] * len(lines)
    order = sorted(range(len(lines)), key=lambda i: (lines[i].column, lines[i].x))
    n, last = -1, None
    for i in order:
        s = lines[i]
        if last is None or s.column != last.column or s.x - last.x > X_TOLERANCE:
            n += 1
        last = s
        cluster[i] = (s.column, n)
        if not s.across:
            edge[cluster[i]] = max(edge.get(cluster[i], 0.0), s.end)
    return [edge.get(c, s.end) if not s.across else s.end for c, s in zip(cluster, lines)]


def _first_word_width(s: _Segment) -> float:
    """The width of the first word of ``s``, measured in its font (else its first piece's width shared out by
    characters)."""
    part = s.parts[0]
    words = part.text.strip()
    first = words.split(None, 1)[0] if words else ""
    if part.font is not None:
        return part.font.of(first) * part.scale
    return part.width * len(first) / len(words) if words else 0.0


def _space(s: _Segment) -> float:
    """The width of a space at the end of ``s``, in its font (a quarter of an em where the font has none)."""
    part = s.parts[-1]
    width = part.font.of(" ") * part.scale if part.font is not None else 0.0
    return width if width > 0 else 0.25 * part.size


def _wrapped(line: _Segment, nxt: _Segment, right: float) -> bool:
    """Was ``line`` wrapped: would the first word of ``nxt``, with a space before it, have run past ``right``,
    the right edge of its text (a little to spare, as a width measured without character spacing may fall
    short)? A line that had room for it ended on purpose."""
    return line.end + _space(line) + 1.05 * _first_word_width(nxt) + 0.5 > right


def _opens(text: str) -> bool:
    """Does ``text`` open as a paragraph may: with a capital, a digit or a list item's marker (quotation marks
    and brackets aside)?"""
    c = text.lstrip().lstrip(_OPENERS)[:1]
    return c.isupper() or c.isdigit() or (c != "" and _item(text))


def _item(text: str) -> bool:
    return _BULLET.match(text) is not None or _MARKER.match(text) is not None


def paragraph_breaks(lines: list[_Segment], pitch: float, body: float) -> set[int]:
    """The indices ``k`` of the ``lines`` (in reading order) that start a paragraph, from where they stand.

    A line that opens in lower case goes on with the sentence before it (past a figure set in its way, or from
    one column into the next). Any other starts a paragraph when it has

    - space above: it stands lower under the line before than the line pitch (:data:`GAP`), or is set in
      another size (:data:`SIZE_CHANGE`: a heading, a footnote);
    - an indent: it starts right of the line before (:data:`INDENT`: a first-line indent, a block quotation, a
      list), not as the text of a list item goes on under its own start; or left of a line before that ended on
      purpose (the first word of this one would have fitted on it: the end of a quotation set in, or of a
      paragraph of one line); or it ends a list (it is no item, under an item's line that ended on purpose, or
      left of where the list's wrapped items go on, or of its items' marks, however full the line above);
    - a short last line above it: the line before ended on purpose after a line that was wrapped, so it ends a
      paragraph of several lines; or it is a paragraph of one line that ends its sentence.

    Lines that end on purpose one after another (an address, a signature, a list's items) are one paragraph.
    """
    margins = _margins(lines)
    edges = _right_edges(lines)
    out: set[int] = set()
    start = 0  # the line the current paragraph started at
    # where a list's items go on: the leftmost x of its wrapped items' lines so far (under the items' text, where
    # the list hangs its items; under their marks, where it does not), else of its items' marks; None outside a list
    marks: float | None = None
    goes_on: float | None = None
    for k in range(1, len(lines)):
        prev, cur = lines[k - 1], lines[k]
        if k - 1 == start:
            marks, goes_on = (prev.x if _item(prev.text) else None), None
        elif marks is not None and prev.column == lines[start].column:
            if _item(prev.text):
                marks = min(marks, prev.x)
            else:
                goes_on = prev.x if goes_on is None else min(goes_on, prev.x)
        hang = goes_on if goes_on is not None else marks
        same = prev.column == cur.column
        drop = _baseline(prev) - _baseline(cur)
        if same and drop < 0.5 * pitch:
            if drop < -0.3 * pitch:  # a line drawn above the one before (no reading order to follow)
                out.add(k)
                start = k
            continue
        if not _opens(cur.text):
            continue  # a line that opens in lower case goes on with its sentence (past a figure, across columns)
        size, p_size = _size(cur), _size(prev)
        em = INDENT * cur.parts[0].size
        # where each line stands against its column's margin (lines in two columns are not compared by x)
        x, p_x = cur.x - margins[cur.column], prev.x - margins[prev.column]
        wrapped = _wrapped(prev, cur, max(edges[k - 1], edges[k] if same else edges[k - 1]))
        item, in_list = _item(cur.text), _item(lines[start].text)
        brk = False
        if (same and drop > GAP * pitch * max(1.0, size / body, p_size / body)) \
                or abs(size - p_size) > SIZE_CHANGE * max(size, p_size):
            brk = True  # space above, or another size
        elif x > p_x + em and not (in_list and (item or _item(prev.text))):
            brk = True  # set in: a first-line indent, a quotation, a list (not its items, nor an item's text)
        elif in_list and not item and same and hang is not None and cur.x < hang - HANG * size:
            brk = True  # the end of a list: no item, and left of where its items go on (however full the last
            # item's line: a wrapped item goes on under its own text, or under its mark, never left of them)
        elif not wrapped and not (in_list and item) and (x < p_x - em or in_list):
            brk = True  # set out again, after a line that ended on purpose; or the end of a list
        elif not wrapped and not (in_list and item) and start < k - 1 and \
                _wrapped(lines[k - 2], prev, max(edges[k - 2], edges[k - 1])):
            brk = True  # the short last line of a paragraph
        elif not wrapped and not (in_list and item) and start == k - 1 and _ends(prev.text):
            brk = True  # a paragraph of one line
        if brk:
            out.add(k)
            start = k
    return out


def _breaks(lines: list[_Segment], pitch: float, body: float) -> set[int]:
    """:func:`paragraph_breaks`, or none where a line cannot be measured (the paragraphs are a refinement: the
    page's lines, and their reading order, are kept)."""
    try:
        return paragraph_breaks(lines, pitch, body)
    except Exception:
        return set()


def _as_drawn(text: str, frags: list[_Fragment], bounds: list[float]) -> str:
    """pypdf's text of a page (its lines as drawn), with a blank line between paragraphs (see
    :func:`paragraph_breaks`); ``bounds`` the columns' starts, when the page draws its columns one after another."""
    by_line: dict[int, list[_Fragment]] = {}
    for f in frags:
        by_line.setdefault(f.line, []).append(f)
    numbers = sorted(by_line)
    lines = [_Segment(by_line[n]) for n in numbers]
    for s in lines:
        s.column = max(i for i, b in enumerate(bounds) if s.x >= b - X_TOLERANCE or i == 0)
        if s.column + 1 < len(bounds):
            nxt = bounds[s.column + 1]
            s.across = s.end > nxt + CROSSING * (nxt - bounds[s.column])
    breaks = _breaks(lines, _pitch(frags), median(f.size for f in frags))
    if not breaks:
        return text
    rows = text.split("\n")
    before = {numbers[k] for k in breaks if numbers[k] > 0 and rows[numbers[k] - 1].strip()}
    return "\n".join(f"\n{row}" if n in before else row for n, row in enumerate(rows))
