"""CSV and TSV: encoding detected, delimiter sniffed, rows streamed through the ``csv`` module's C reader.

A row whose number of fields differs from the header's is a reject (E110) with its row number: never
padded, cut or shifted. Row numbers count records after the header (a quoted field spanning several lines
is one record); blank lines are not records and are skipped. A record the reader refuses (a quotation mark
that closes before its field ends) that ran over several lines, because a quotation mark opened on its first
line was not closed there, counts each of those lines as a row and a reject, so no row of the file goes
uncounted; the line after such a record, when it holds a lone quotation mark, is the rest of its answer and a
reject too.
"""

from __future__ import annotations

import csv
import io
import re
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Sequence, TextIO

from evalnlp import errors
from evalnlp.ingest._base import Batch, Reject, TabularSource, check_chunk_size, make_batch
from evalnlp.ingest._text import text_encoding

DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 64 * 1024
FIELD_LIMIT = 1 << 26  # characters in one field; beyond this the file is almost surely an unclosed quote


def _raise_field_limit() -> None:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


def sniff_delimiter(sample: str, *, truncated: bool = False, prefer: str = ",") -> str:
    """Choose the delimiter among ``, ; TAB |`` from the first records of a file.

    The delimiter that splits the header into the most consistent records wins: first among delimiters that
    split the header into several fields (by share of records with the header's field count, then field
    count, then ``prefer``), otherwise (a one-column file) the one that leaves most records whole.
    ``truncated`` says the sample stops mid-file, so its last record may be incomplete and is ignored.
    """
    order = sorted(DELIMITERS, key=lambda d: d != prefer)
    scored = []
    for rank, delim in enumerate(order):
        try:
            records = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if r]
        except csv.Error:
            continue
        if truncated and len(records) > 1:
            records.pop()
        if not records:
            return prefer
        width = len(records[0])
        body = records[1:]
        share = sum(len(r) == width for r in body) / len(body) if body else 1.0
        scored.append((width > 1, share if width > 1 else 0.0, width, -rank, share, delim))
    if not scored:
        return prefer
    multi = [s for s in scored if s[0]]
    if multi:
        return max(multi)[-1]
    return max(scored, key=lambda s: (s[4], s[3]))[-1]


#: Excel's hint on a CSV file's first line naming its delimiter (``sep=;``): not a header, not data.
_SEP_LINE = re.compile(r'\ufeff?"?sep=([,;\t|])"?[ \t]*(?:\r\n|\r|\n|\Z)', re.IGNORECASE)


class CsvSource(TabularSource):
    """A CSV or TSV file; see :func:`open_csv`. ``sep_line``: the file opens with Excel's ``sep=X`` line, which
    is skipped (its delimiter is the file's). ``title``: the lines of a report's title over the header (several
    joined by " / "), skipped, and ``header_row`` the header's line."""

    sep_line: bool = False
    title: str | None = None
    header_row: int = 1
    title_records: int = 0  # non-blank records before the header (the title lines)

    def _records(self, records):
        """``records`` past Excel's ``sep=X`` line, when the file has one, and past the title lines."""
        if self.sep_line:
            next(records, None)
        skip = self.title_records
        while skip:
            record = next(records, None)
            if record is None:
                break
            if record:
                skip -= 1
        return records

    def _open(self) -> TextIO:
        return open(self.path, encoding=self.encoding, newline="", errors="strict", buffering=1 << 20)

    def header_under_title(self, col: str, lines: int = 8) -> tuple[int, list[str], list[str]] | None:
        """Where a file that opens with title lines (a report's name, an "Exported on" line) has its column
        names: ``(line number, the names, the non-blank lines above it)`` for the first of its first ``lines``
        lines, past the first, that names ``col`` among more columns than any line above it holds, split by any
        of the delimiters; None when no line does. Only for a message: the file is read as it is."""
        try:
            with self._open() as fh:
                head = list(islice(fh, lines))
        except (OSError, UnicodeError):
            return None
        found = _header_under_title(head, [col])
        return None if found is None else found[:3]

    def _reader(self, fh: TextIO):
        # strict: a field that starts with a quote closing before the field ends, and a quote never closed, are
        # errors (the lenient reader drops the quotation marks, or reads the rest of the file into the field)
        lines = _without_eof_mark(fh) if _ends_with_eof_mark(self.path) else fh  # (most files: read as they are)
        return csv.reader(lines, delimiter=self.delimiter, quotechar='"', doublequote=True, strict=True)

    def batches(self, chunk_size: int = 50_000) -> Iterator[Batch]:
        check_chunk_size(chunk_size)
        _raise_field_limit()
        with self._open() as fh:
            records = self._records(self._reader(fh))
            for record in records:  # the header: the first record that is not a blank line
                if record:
                    break
            number = 0  # data rows read so far
            while True:
                chunk, done = self._chunk(records, chunk_size, number)
                if chunk:
                    batch = self._batch(chunk, number)
                    number += batch.n_rows
                    if batch.n_rows:
                        yield batch
                if done:
                    return

    def _chunk(self, records, size: int, before: int) -> tuple[list, bool]:
        """Up to ``size`` records, and whether the file ended. A record the strict reader refuses (a field opened
        by a quote that closes early) is a :class:`_Fault` in its place; a quote never closed before the end of
        the file, or a field past the limit, stops the file (E119)."""
        chunk: list = []
        known_line, known = records.line_num, 0  # lines of the file read once chunk[:known] was read
        while True:
            want = size - len(chunk)
            got = len(chunk)
            try:
                chunk.extend(islice(records, want))  # (what was read before an error stays in the list)
            except csv.Error as err:
                text = str(err)
                if "unexpected end of data" in text:
                    row = before + sum(1 for r in chunk if r) + 1
                    raise errors.error("E119", "unclosed", file=self.path.name, row=row,
                                       line_num=records.line_num) from None
                if "field larger than field limit" in text:
                    raise errors.error("E119", "later", file=self.path.name, number=before + len(chunk),
                                       line_num=records.line_num, err=err, field_limit=FIELD_LIMIT) from None
                # the lines the refused record ran over: from the line after the last record read to the error
                start = known_line + sum(_lines(r) for r in chunk[known:]) + 1
                chunk.append(_Fault(text, start, max(start, records.line_num)))
                known_line, known = records.line_num, len(chunk)
                if len(chunk) >= size:
                    return chunk, False
                continue
            return chunk, len(chunk) - got < want

    def _batch(self, records: list[list[str]], before: int) -> Batch:
        """Rows ``before + 1 ...`` from parsed records (blank lines, parsed as ``[]``, are skipped; a
        :class:`_Fault` is a row that is rejected)."""
        width = len(self.columns)
        faults = any(isinstance(r, _Fault) for r in records)
        if not faults and list(map(len, records)).count(width) == len(records):  # the common case: all whole
            locators = [f"row {n}" for n in range(before + 1, before + len(records) + 1)]
            return make_batch(self.columns, records, locators, [])
        rows: list[list[str]] = []
        locators = []
        rejects: list[Reject] = []
        number = before
        after_fault = None  # the row of a refused record, until the next record is read
        for record in records:
            if isinstance(record, _Fault):
                number += 1
                row = f"row {number}"
                if record.end == record.start:
                    rejects.append((row, "E110", errors.message("E110", "csv_after_quote")))
                else:  # the lines it ran over were rows of their own, each accounted for
                    rejects.append((row, "E110", errors.message("E110", "csv_after_quote_lines",
                                                                start=record.start, end=record.end)))
                    for line in range(record.start + 1, record.end + 1):
                        number += 1
                        rejects.append((f"row {number}", "E110", errors.message(
                            "E110", "csv_swallowed", line=line, row=row, start=record.start)))
                after_fault = row
                continue
            if not record:
                continue
            number += 1
            follows, after_fault = after_fault, None
            if follows and any(field.count('"') % 2 for field in record):
                # the rest of the broken record's field: `2,"The nurse said "don't worry" to me` + `and I felt
                # better, said my mum",Ward 2`
                rejects.append((f"row {number}", "E110", errors.message("E110", "csv_continues", row=follows)))
                continue
            if len(record) == width:
                rows.append(record)
                locators.append(f"row {number}")
            else:
                fields = f"{len(record)} field{'s' * (len(record) != 1)}"
                lines = max(field.count("\n") for field in record) + 1
                reason = (errors.message("E110", "csv_quote", fields=fields, width=width, lines=f"{lines:,}")
                          if lines > 2 else errors.message("E110", "csv", fields=fields, width=width))
                rejects.append((f"row {number}", "E110", reason))
        return make_batch(self.columns, rows, locators, rejects)


class _Fault:
    """A record the strict CSV reader refused (its error text, and the lines of the file it ran over): the row is
    rejected, not read differently, and so is each further line it took in."""

    __slots__ = ("error", "start", "end")

    def __init__(self, error: str, start: int = 0, end: int = 0):
        self.error = error
        self.start = start
        self.end = end


def _lines(record: list[str]) -> int:
    """The lines of the file a parsed record ran over: one, and one more per line break inside its fields."""
    return 1 + sum(f.count("\n") + f.count("\r") - f.count("\r\n") for f in record)


def _ends_with_eof_mark(path: Path) -> bool:
    """Does the file end with a DOS end-of-file mark (0x1A), perhaps followed by a line break?"""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 8))
        tail = fh.read()
    return tail.rstrip(b"\r\n\x00").endswith(b"\x1a")


def _without_eof_mark(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` without the DOS end-of-file mark (Ctrl-Z, U+001A) that ``copy a.csv+b.csv`` and old programs
    write after a file's last line: it is not data (it made a phantom row, or ended the last answer)."""
    held = None
    for line in lines:
        if held is not None:
            yield held
        held = line
    if held is None:
        return
    stripped = held.rstrip("\r\n")
    if stripped.endswith("\x1a"):
        held = stripped.rstrip("\x1a") + held[len(stripped):]
        if not held.strip("\r\n"):
            return
    yield held


#: title lines (a report's name, an "Exported on" line) a CSV file may have above its header
MAX_TITLE_LINES = 3


def _header_under_title(lines: list[str], wanted: Sequence[str],
                        prefer: str = ",") -> tuple[int, list[str], list[str], str, int] | None:
    """The header under a report's title lines among a file's first ``lines``: ``(its line number, its names,
    the non-blank lines above it, the delimiter, how many they are)`` for the first line past the first that
    names every column of ``wanted`` among two or more, split by one of the delimiters (``prefer`` first), when
    each line above it is one record holding fewer fields; None when no line is such."""
    head = [line.rstrip("\r\n").lstrip("\ufeff") for line in lines]
    wanted = [str(w).strip() for w in wanted]
    if not wanted:
        return None
    for delim in sorted(DELIMITERS, key=lambda d: d != prefer):
        split = []
        for line in head:
            try:
                split.append([f.strip() for f in next(csv.reader([line], delimiter=delim, strict=True), [])])
            except csv.Error:
                split.append(None)  # not one record by itself: no title line
        for i, fields in enumerate(split[1:], start=1):
            if fields is None or not all(w in fields for w in wanted):
                continue
            filled = sum(1 for f in fields if f)
            above = split[:i]
            if filled >= 2 and all(a is not None and sum(1 for f in a if f) < filled for a in above):
                title = [line.strip() for line in head[:i] if line.strip()]
                return i + 1, fields, title, delim, len(title)
    return None


def open_csv(path: Path, fmt: str, wanted: Sequence[str] = ()) -> CsvSource:
    """Open a CSV (``fmt="csv"``) or TSV (``fmt="tsv"``) file: detect its encoding, sniff its delimiter, read
    its header and make sure at least one data row follows (E104 otherwise). ``wanted``: the columns asked for;
    when the first line does not name them all and a line among the first few under up to three title lines
    (each holding fewer fields than it) does, that line is the header and the lines above it are left out."""
    encoding = text_encoding(path)
    _raise_field_limit()
    prefer = "\t" if fmt == "tsv" else ","
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(SNIFF_CHARS)
        truncated = bool(fh.read(1))
    hint = _SEP_LINE.match(sample)
    delimiter = hint.group(1) if hint else sniff_delimiter(sample, truncated=truncated, prefer=prefer)
    source = CsvSource(path, fmt, [], encoding=encoding, delimiter=delimiter)
    source.sep_line = hint is not None
    header, has_data = _header_and_first_row(source)
    source.set_header(header)
    if hint is None and wanted and not all(str(w).strip() in source.columns for w in wanted):
        lines = sample.splitlines(keepends=True)[:MAX_TITLE_LINES * 2 + 1]
        found = _header_under_title(lines, wanted, prefer=prefer)
        if found is not None and found[4] <= MAX_TITLE_LINES:
            line, _names, title, source.delimiter, source.title_records = found
            source.title, source.header_row = " / ".join(title), line
            header, has_data = _header_and_first_row(source)
            source.set_header(header)
    if not has_data and hint is not None and not any(str(h).strip() for h in header):
        raise errors.error("E104", "csv_sep_only", file=path.name, line=hint.group(0).strip())
    if not has_data:
        raise errors.error("E104", "csv", file=path.name, preview=_preview(source.columns))
    return source


def _header_and_first_row(source: CsvSource) -> tuple[list[str], bool]:
    with source._open() as fh:
        records = source._records(source._reader(fh))
        try:
            header = next((r for r in records if r), None)
            has_data = next((True for r in records if r), False)
        except csv.Error as err:
            if "unexpected end of data" in str(err):  # the header or the first row opens a quote never closed
                raise errors.error("E119", "unclosed", file=source.path.name, row=1 if header else 0,
                                   line_num=records.line_num) from None
            if "expected after" in str(err) and header is not None:
                return header, True  # the first row is a reject of its own (E110), read with the others
            raise errors.error("E119", "start", file=source.path.name, err=err) from None
    if header is None:  # only blank lines, which the empty-file check has already ruled out
        header = []
    return header, has_data


def _preview(columns: list[str], limit: int = 8) -> str:
    shown = ", ".join(repr(c) for c in columns[:limit])
    return shown + (f" and {len(columns) - limit} more" if len(columns) > limit else "")
