"""XLSX workbooks through openpyxl in read-only mode (rows streamed from the sheet's XML).

The header is the first row with any value; data rows are numbered from the row below it, so
``"Responses!row 3"`` is the third row under the header, blank rows included (blank rows are skipped, not
read). The columns span the sheet's used range (its stored dimension) or the header, whichever is wider
(up to 100 unnamed columns past the header); a column without a header name is called ``column_N``. A row
with a value beyond those columns (possible only when the stored dimension is wrong) is a reject (E110);
missing cells are ``None``. Formulas give their cached values.

A whole number shown with leading zeros by its cell's number format (``00000``: an id stored as the number
123 and shown as ``00123``) is read as shown, so that the id keeps its zeros; any other number is read as
stored (its display format is not applied: ``12.5`` shown as ``13`` stays ``12.5``). Text cells are read as
Excel reads them: the escapes ``_xHHHH_`` that workbooks use for characters XML cannot hold are decoded.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.ingest._base import Batch, Reject, TabularSource, check_chunk_size, make_batch
from evalnlp.tablefile import xlsx_unescaped as _unescaped
from evalnlp.ingest._cells import cell_to_str, unique_names
from evalnlp.ingest._text import describe_error, empty_error, zip_problem
from evalnlp.util import MiB, size_text

MAX_UNNAMED = 100  # unnamed columns kept to the right of the header, at most


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _corrupt(path: Path, found: str) -> InputError:
    return errors.error("E107", "damaged", file=path.name, found=found)


#: Limits on a workbook's parts (zip members), far above what a real workbook reaches: a part that unpacks to
#: more than MAX_PART, or a part over RATIO_FROM that unpacks to more than MAX_RATIO times its packed size (a real
#: sheet's XML packs 5 to 30 times smaller), is a zip bomb or damaged and is refused (E107) before it is read.
MAX_PART = 500 * MiB
MAX_RATIO = 200
RATIO_FROM = 1 * MiB
#: bytes of a part read to find its first element (what comes before it would hold a document type declaration)
MAX_HEAD = 1 * MiB
_HEAD_CHUNK = 16 * 1024


class _Doctype(Exception):
    pass


class _Root(Exception):
    pass


def _raise(exc: type[Exception]):
    def handler(*_: Any) -> None:
        raise exc

    return handler


_RAW_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _doctype_problem(zf, info) -> str | None:
    """``"doctype"`` if the part ``info`` declares a document type (<!DOCTYPE>, <!ENTITY>) before its first
    element, ``"no_root"`` if no element starts within :data:`MAX_HEAD` bytes (Excel writes a line before it),
    else ``None``. Its head is parsed by expat, stopping at the first element, with no entity expanded; a part
    expat cannot parse (not XML, or in an encoding expat does not know) is looked at as bytes."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _raise(_Doctype)
    parser.EntityDeclHandler = _raise(_Doctype)
    parser.UnparsedEntityDeclHandler = _raise(_Doctype)
    parser.StartElementHandler = _raise(_Root)
    head = b""
    with zf.open(info) as fh:
        while len(head) < MAX_HEAD:
            chunk = fh.read(_HEAD_CHUNK)
            head += chunk
            try:
                parser.Parse(chunk, not chunk)
            except _Doctype:
                return "doctype"
            except _Root:
                return None
            except expat.ExpatError:
                return "doctype" if _RAW_DOCTYPE.search(head.replace(b"\x00", b"")) else None
            if not chunk:
                return None
    return "no_root"


_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_REL_ATTR = re.compile(rb"""\b(Type|Target|TargetMode)\s*=\s*["']([^"']*)["']""")
_XML_NAMES = (".xml", ".rels", ".vml")
MAX_RELS = 8 * MiB  # bytes of a relationships part read for its targets


def _parts_to_scan(zf, infos) -> list:
    """The parts openpyxl may parse as XML: those named as XML, and any other a relationship points at (a
    worksheet can be stored under any name), except images (an SVG picture may well have a DOCTYPE, and is
    never parsed)."""
    import posixpath

    by_name = {i.filename.casefold(): i for i in infos}
    chosen = {i.filename.casefold() for i in infos if i.filename.casefold().endswith(_XML_NAMES)}
    for info in infos:
        name = info.filename
        if not name.casefold().endswith(".rels"):
            continue
        try:
            with zf.open(info) as fh:
                data = fh.read(MAX_RELS)
        except Exception:  # damaged: openpyxl says so if it needs the part
            continue
        folder = posixpath.dirname(posixpath.dirname(name))  # "xl/_rels/workbook.xml.rels" -> "xl"
        for element in _RELATIONSHIP.findall(data):
            attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _REL_ATTR.findall(element)}
            target = attrs.get("Target", "")
            if not target or attrs.get("TargetMode", "").lower() == "external" or attrs.get("Type", "").endswith(
                    "/image"):
                continue
            full = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            chosen.add(posixpath.normpath(full).lstrip("/").casefold())
    return [by_name[n] for n in by_name if n in chosen]


def _part_size_problem(info) -> str | None:
    """The limit the part ``info`` goes past by its declared sizes, or ``None``."""
    if info.file_size > MAX_PART:
        return f"the {size_text(MAX_PART)} allowed for one part"
    if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (f"{MAX_RATIO} times its packed size ({size_text(info.compress_size)}), the most allowed for a part "
                f"over {size_text(RATIO_FROM)}")
    return None


def _check_parts(path: Path) -> None:
    """Refuse (E107) a workbook with a part past the size limits or with a document type declaration, before
    openpyxl reads it: what openpyxl does with entities depends on whether defusedxml is installed, and it has
    no limit on what a part unpacks to. The zip's own damage is left to the reader's message."""
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            for info in infos:
                limit = _part_size_problem(info)
                if limit:
                    raise errors.error("E107", "part_size", file=path.name, part=info.filename,
                                       size=size_text(info.file_size), limit=limit)
            for info in _parts_to_scan(zf, infos):
                try:
                    problem = _doctype_problem(zf, info)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                        RuntimeError):  # a damaged or encrypted part: openpyxl says so if it needs it
                    continue
                if problem == "doctype":
                    raise errors.error("E107", "doctype", file=path.name, part=info.filename)
                if problem == "no_root":
                    raise _corrupt(path, f"its part {info.filename!r} has no XML element in its first "
                                         f"{size_text(MAX_HEAD)}")
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return


def _load(path: Path):
    import openpyxl

    problem = zip_problem(path, "if it is CSV, give it the .csv extension")
    if problem:
        raise _corrupt(path, problem)
    _check_parts(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbook features it drops (data validation, default styles ...), none of
            # which affect the values read
            warnings.simplefilter("ignore", UserWarning)
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors ...
        raise _corrupt(path, describe_error(err)) from None
    checked: dict[int, _SharedStrings] = {}
    for ws in getattr(wb, "_sheets", ()):
        table = getattr(ws, "_shared_strings", None)
        if table is not None and not isinstance(table, _SharedStrings):
            ws._shared_strings = checked.setdefault(id(table), _SharedStrings(table))
    return wb


class _BadSharedString(Exception):
    def __init__(self, index: Any, count: int):
        super().__init__(index, count)
        self.index, self.count = index, count


class _SharedStrings:
    """The workbook's shared strings, looked up by a cell's index only when it is one of them: openpyxl takes
    ``table[int(v)]``, so an index past the end would be an IndexError and a negative one another cell's text."""

    def __init__(self, items):
        self.items = items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if type(index) is int and 0 <= index < len(self.items):
            return self.items[index]
        raise _BadSharedString(index, len(self.items))


class XlsxSource(TabularSource):
    """One sheet of an XLSX workbook."""

    header_row: int = 1  # 1-based sheet row of the header
    uncalculated: int = 0  # formula cells without a computed value (read as empty)
    #: the workbook's other worksheets with a value (not read: ``--sheet`` reads one sheet, the first by default)
    other_sheets: tuple[str, ...] = ()
    hidden: bool = False  # the sheet read by default is hidden in Excel (its ``sheet_state``)
    title: str | None = None  # a title row above the header, left out (see _title_then_header)
    merged: tuple[str, ...] = ()  # merged cells that span several rows (``A2:A4``): the value is in the first
    width: int = 0  # number of columns read (len(columns))
    sheet_width: int = 0  # columns in the sheet's stored dimension, 0 if unknown

    def _rows(self, wb) -> Iterator[tuple[int, tuple[Any, ...]]]:
        ws = wb[self.sheet]
        self.sheet_width = ws.max_column or 0
        # A stored dimension can be wrong, and openpyxl drops cells outside it: read what is really there.
        ws.reset_dimensions()
        for number, row in enumerate(ws.iter_rows(min_row=1), start=1):
            yield number, tuple(map(_shown_value, row))

    def batches(self, chunk_size: int = 50_000) -> Iterator[Batch]:
        check_chunk_size(chunk_size)
        columns, width, prefix = self.columns, self.width, f"{self.sheet}!row "
        wb = _load(self.path)
        try:
            rows: list[list[str | None]] = []
            locators: list[str] = []
            rejects: list[Reject] = []
            for sheet_row, row in _guard(self.path, self._rows(wb)):
                if sheet_row <= self.header_row or _blank(row):
                    continue
                locator = prefix + str(sheet_row - self.header_row)
                extra = _first_extra(row, width)
                if extra:
                    rejects.append((locator, "E110", errors.message("E110", "xlsx", column=column_letter(extra),
                                                                    width=width)))
                else:
                    cells = [cell_to_str(v) for v in row[:width]]
                    if len(cells) < width:
                        cells.extend([None] * (width - len(cells)))
                    rows.append(cells)
                    locators.append(locator)
                if len(rows) + len(rejects) >= chunk_size:
                    yield make_batch(columns, rows, locators, rejects)
                    rows, locators, rejects = [], [], []
            if rows or rejects:
                yield make_batch(columns, rows, locators, rejects)
        finally:
            wb.close()


_ZEROS_FORMAT = re.compile(r"0{2,}")  # a number format of zeros only: whole numbers padded to its length
_EXACT_FLOAT_LIMIT = 2.0**53


def _shown_value(cell) -> Any:
    """The cell's value (text with its ``_xHHHH_`` escapes read, :func:`_unescaped`); a whole number whose
    format pads it with zeros (``00000``) as the padded text."""
    value = cell.value
    kind = type(value)
    if kind is str:
        return _unescaped(value) if "_x" in value else value
    if kind is _dt.datetime:
        # at midnight a date alone, unless the cell's format shows the time of day (``dd/mm/yyyy hh:mm``)
        return value.isoformat() if _shows_time(cell.number_format) else value
    if kind is not int and kind is not float:
        return value
    fmt = cell.number_format
    if not fmt or fmt[0] != "0" or _ZEROS_FORMAT.fullmatch(fmt) is None:
        return value
    if kind is float:
        if not value.is_integer() or abs(value) >= _EXACT_FLOAT_LIMIT:
            return value
        value = int(value)
    return ("-" if value < 0 else "") + str(abs(value)).zfill(len(fmt))


#: what a number format shows literally: quoted text, an escaped character, a bracketed colour, locale or condition
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _shows_time(fmt: str | None) -> bool:
    """Whether the number format ``fmt`` of a date shows a time of day: hours or seconds outside its literal
    parts (``mm`` alone may be months)."""
    if not fmt:
        return False
    shown = _FORMAT_LITERALS.sub("", fmt).split(";")[0].lower()
    return "h" in shown or "s" in shown


def _guard(path: Path, rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """Turn errors raised while parsing the sheet's XML into E107."""
    try:
        yield from rows
    except _BadSharedString as err:
        raise _corrupt(path, f"the sheet data is damaged (a cell refers to shared string {err.index}, but the "
                             f"workbook has {err.count}, numbered from 0)") from None
    except (KeyError, ValueError, TypeError, OSError, SyntaxError) as err:  # XML ParseError is a SyntaxError
        raise _corrupt(path, f"the sheet data is damaged ({describe_error(err)})") from None


#: title lines (one cell of text each) a sheet may have above its header
MAX_TITLE_ROWS = 3


def _single_text(row: tuple[Any, ...]) -> bool:
    filled = [v for v in row if v is not None and v != ""]
    return len(filled) == 1 and isinstance(filled[0], str)


def _filled(row: tuple[Any, ...]) -> list[Any]:
    return [v for v in row if v is not None and v != ""]


def _names_all(row: tuple[Any, ...], wanted: Sequence[str]) -> bool:
    """Does ``row`` name every column asked for (``wanted``, none: no)?"""
    names = {cell_to_str(v).strip() for v in _filled(row)}
    return bool(wanted) and all(str(w).strip() in names for w in wanted)


def _titles_over_header(rows: list[tuple[Any, ...]], wanted: Sequence[str] = ()) -> int:
    """How many of ``rows`` (a sheet's first rows with a value) are title lines over a header: k rows of one
    cell of text each, then a row that is a header under a title (:func:`_title_then_header`); or, when the
    first row does not name every column asked for (``wanted``), k rows that each hold fewer cells than the
    row under them that does (a title, a row of group names over merged cells: no answers); 0 if none."""
    for k in range(1, min(MAX_TITLE_ROWS, len(rows) - 1) + 1):
        if all(_single_text(r) for r in rows[:k]) and _title_then_header(rows[k - 1], rows[k], wanted):
            return k
    if rows and wanted and not _names_all(rows[0], wanted):
        for k in range(1, min(MAX_TITLE_ROWS, len(rows) - 1) + 1):
            width = len(_filled(rows[k]))
            if _names_all(rows[k], wanted) and all(len(_filled(r)) < width for r in rows[:k]):
                return k
    return 0


def _title_then_header(first: tuple[Any, ...], nxt: tuple[Any, ...], wanted: Sequence[str] = ()) -> bool:
    """Is ``first`` (the sheet's first row with a value) a title over the header ``nxt``: one cell of text in
    it, and two or more cells in the row after it, all of text or, when columns are asked for (``wanted``),
    naming every one of them (a header may name a column by a year or a date: ``2024``)?"""
    filled = [v for v in first if v is not None and v != ""]
    below = [v for v in nxt if v is not None and v != ""]
    if not (len(filled) == 1 and isinstance(filled[0], str) and len(below) >= 2):
        return False
    if all(isinstance(v, str) for v in below):
        return True
    names = {cell_to_str(v).strip() for v in below}
    return bool(wanted) and all(str(w).strip() in names for w in wanted)


def _blank(row: tuple[Any, ...]) -> bool:
    return all(v is None or v == "" for v in row)


def _first_extra(row: tuple[Any, ...], width: int) -> int:
    """1-based column of the first non-blank cell beyond ``width``, or 0."""
    for i in range(width, len(row)):
        v = row[i]
        if v is not None and v != "":
            return i + 1
    return 0


def open_xlsx(path: Path, sheet: str | None, titles: bool = True, wanted: Sequence[str] = ()) -> XlsxSource:
    """Open one sheet (``sheet`` or the first) and read its header; E114 if the sheet does not exist,
    E104 if it has no data rows. ``titles=False``: the first row with a value is the header, even when it is
    one cell of text over a row of several (which is otherwise read as a title over the header). ``wanted``:
    the columns asked for; a row under title lines that names them all is the header even when some of its
    cells are numbers or dates (see :func:`_title_then_header`)."""
    wb = _load(path)
    try:
        names = list(wb.sheetnames)
        if not names:
            raise _corrupt(path, "the workbook has no sheets")
        chosen = names[0] if sheet is None else sheet
        if chosen not in names:
            close = [n for n in names if n.strip().lower() == chosen.strip().lower()]
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise errors.error("E114", "missing", file=path.name, chosen=chosen,
                               listed=', '.join(repr(n) for n in names), hint=hint)
        if not hasattr(wb[chosen], "iter_rows"):
            raise errors.error("E114", "chart", file=path.name, chosen=chosen, listed=', '.join(repr(n) for n in names))
        source = XlsxSource(path, "xlsx", [], sheet=chosen)
        # no stored dimension (it is optional): the width is the widest cell the sheet holds
        scan = _scan_sheet(path, getattr(wb[chosen], "_worksheet_path", None), widest=not wb[chosen].max_column)
        source.uncalculated, source.merged = scan.uncalculated, scan.merged
        source.other_sheets = tuple(n for n in names if n != chosen and _has_values(wb[n]))
        # a hidden sheet read by default (the first), where the person sees another: said, not passed over
        source.hidden = sheet is None and getattr(wb[chosen], "sheet_state", "visible") != "visible"
        header, has_data = None, False
        first: list[tuple[int, tuple[Any, ...]]] = []  # the first rows with a value, up to a header under titles
        for number, row in _guard(path, source._rows(wb)):
            if _blank(row):
                continue
            if header is None:
                first.append((number, row))
                if titles and len(first) <= MAX_TITLE_ROWS and (
                        _single_text(row) or (wanted and not _names_all(first[0][1], wanted))):
                    continue  # perhaps a title line, or group names over the header: the rows under it say
                k = _titles_over_header([r for _n, r in first], wanted) if titles else 0
                # "Friends and Family Test - Ward 7" (and "March 2024") above the column names: the sheet's title
                if k:
                    source.title = " / ".join(" ".join(cell_to_str(v) for v in _filled(r)) for _n, r in first[:k])
                source.header_row, header = first[k]
                if len(first) > k + 1:  # a row under the header was read already: the sheet has data
                    has_data = True
                    break
            else:
                has_data = True
                break
        if header is None and first:  # a short sheet: group names over its header, or single cells of text only
            k = _titles_over_header([r for _n, r in first], wanted) if titles else 0
            if k:
                source.title = " / ".join(" ".join(cell_to_str(v) for v in _filled(r)) for _n, r in first[:k])
            source.header_row, header = first[k]
            has_data = len(first) > k + 1
    finally:
        wb.close()
    if header is None:
        raise empty_error(path, f"sheet {chosen!r} has no cells with values")
    if not source.sheet_width:
        source.sheet_width = scan.widest
    # Unnamed columns inside the sheet's used range are kept (as column_N): cells have fixed positions, so a
    # value under a blank header belongs to that column rather than making the row ragged.
    # A dimension far wider than the header is not trusted (some tools write the whole grid).
    named = max(i for i, v in enumerate(header, start=1) if v is not None and v != "")
    width = source.sheet_width if named <= source.sheet_width <= named + MAX_UNNAMED else named
    header = tuple(header) + (None,) * (width - len(header))
    source.width = width
    source.set_header(header[:width])
    if not has_data:
        raise errors.error("E104", "xlsx", file=path.name, chosen=chosen, header_row=source.header_row)
    return source


#: A formula cell with no computed value: its formula, then no value (or an empty one), then the cell's end.
_UNCALCULATED = re.compile(rb"<c\b([^>]*)>(?:(?!</c>).)*?(?:</f>|<f\b[^>]*/>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>",
                           re.DOTALL)
_STRING_RESULT = re.compile(rb"""\bt\s*=\s*["']str["']""")


def _count_uncalculated(xml: bytes) -> int:
    """Formula cells without a computed value in ``xml``; a cell typed as a formula's text result (``t="str"``)
    with an empty value was calculated, to an empty text (Excel's ``=IF(D2="","",D2)``)."""
    return sum(1 for m in _UNCALCULATED.finditer(xml) if not (m.group(2) and _STRING_RESULT.search(m.group(1))))


@dataclass
class _SheetScan:
    """What one streamed pass over a sheet's XML finds (see :func:`_scan_sheet`)."""

    uncalculated: int = 0  # formula cells without a computed value
    widest: int = 0  # 1-based column of the rightmost cell that names its place (asked for only)
    merged: tuple[str, ...] = ()  # merged cells that span several rows ("A2:A4")


_CELL_REF = re.compile(rb"""<c\b[^>]*?\br\s*=\s*["']([A-Z]{1,3})\d+["']""")
_MERGE = re.compile(rb"""<mergeCell\b[^>]*\bref\s*=\s*["']([A-Z]+)(\d+):([A-Z]+)(\d+)["']""")


def _scan_sheet(path: Path, member: str | None, *, widest: bool = False, chunk: int = 1 << 20) -> _SheetScan:
    """One pass over the sheet XML ``member``, streamed in chunks and never held whole: how many formula cells
    hold no computed value (a workbook a program wrote and no spreadsheet ever calculated: read as values, they
    are empty); with ``widest``, the rightmost cell's column (the width a stored dimension, which is optional,
    would give); and the merged cells that span several rows (Excel shows their value on every row, the file
    holds it in the first). Nothing found when the member cannot be read."""
    import zipfile

    out = _SheetScan()
    if not member:
        return out
    letters = b""
    merged: list[str] = []

    def take(part: bytes) -> None:
        nonlocal letters
        out.uncalculated += _count_uncalculated(part)
        if widest:
            for found in _CELL_REF.findall(part):
                if (len(found), found) > (len(letters), letters):
                    letters = found
        if b"<mergeCell" in part:
            merged.extend(f"{a.decode()}{r1.decode()}:{b.decode()}{r2.decode()}"
                          for a, r1, b, r2 in _MERGE.findall(part) if int(r2) > int(r1))

    try:
        with zipfile.ZipFile(path) as zf, zf.open(member.lstrip("/")) as fh:
            carry = b""
            read = 0
            while True:
                data = fh.read(chunk)
                read += len(data)
                if read > MAX_PART:  # more than its header said (checked before): the part is not trusted
                    raise errors.error("E107", "part_size", file=path.name, part=member.lstrip("/"),
                                       size=f"more than {size_text(MAX_PART)}",
                                       limit=f"the {size_text(MAX_PART)} allowed for one part")
                if not data:
                    take(carry)
                    break
                block = carry + data
                cut = max(len(block) - 256, 0)
                # a part ends after a cell, before the overlap kept for later: no cell is cut in two (the merged
                # cells' list comes after the last cell, so it is read whole with the rest at the end)
                last = block.rfind(b"</c>", 0, cut)
                if last < 0:
                    carry = block
                    continue
                take(block[:last + 4])
                carry = block[last + 4:]
    except (KeyError, OSError, zipfile.BadZipFile):
        return _SheetScan()
    for letter in letters:  # "AB" -> 28
        out.widest = out.widest * 26 + letter - ord("A") + 1
    out.merged = tuple(merged)
    return out


def _has_values(ws) -> bool:
    """Whether a worksheet holds a cell with a value (a chart sheet or an empty sheet does not); reads rows
    only until the first value."""
    if not hasattr(ws, "iter_rows"):
        return False
    return any(not _blank(row) for row in ws.iter_rows(values_only=True))


def sheet_headers(path: Path, wanted: Sequence[str] = ()) -> dict[str, list[str]]:
    """Every worksheet's column names (from its first row with a value, or the header under its title lines,
    found as :func:`open_xlsx` finds it for the columns ``wanted``; empty for a sheet without values), in
    workbook order. Only the header rows are read."""
    wb = _load(path)
    out: dict[str, list[str]] = {}
    try:
        for name in wb.sheetnames:
            ws = wb[name]
            if not hasattr(ws, "iter_rows"):  # a chart sheet
                continue
            ws.reset_dimensions()
            header: tuple = ()
            first: list[tuple] = []
            for _, row in _guard(path, enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)):
                if _blank(row):
                    continue
                first.append(row)
                if len(first) <= MAX_TITLE_ROWS and (
                        _single_text(row) or (wanted and not _names_all(first[0], wanted))):
                    continue
                break
            if first:  # title lines over the header are left out, as open_xlsx reads them
                header = first[_titles_over_header(first, wanted)]
            named = [i for i, v in enumerate(header, start=1) if v is not None and v != ""]
            out[name] = unique_names(header[:named[-1]]) if named else []
    finally:
        wb.close()
    return out
