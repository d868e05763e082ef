"""File readers: every supported format in, rows or passages out, every problem a numbered error.

Two kinds of input:

- tabular (:data:`TABULAR`): :func:`open_tabular` validates the file and returns a :class:`TabularSource`
  whose :meth:`~TabularSource.batches` stream :class:`Batch` es of rows (cells as ``str`` or ``None``), each
  row with a locator (``"row 12"``, ``"Sheet1!row 12"``), and rows that cannot be read as rejects;
- narrative (:data:`NARRATIVE`): :func:`read_narrative` returns :class:`Passage` s (paragraphs, table
  cells, pages) with locators.

Everything that makes a file unreadable is raised as :class:`~evalnlp.errors.InputError` before any row or
passage is returned:

====  =====================================================================================
E101  file not found, or not a regular file
E102  extension not supported (or a narrative file given where a table is expected, or back)
E103  empty file: 0 bytes or only whitespace (or an XLSX sheet without values)
E104  no data rows: a header and nothing under it, an empty JSON array, a Parquet file with 0 rows
E105  binary content: zero bytes in a text file that is not UTF-16
E106  undecodable text: neither UTF-8, UTF-16 nor Windows-1252 (or mixed encodings)
E107  corrupt XLSX (not a zip, a damaged zip, an old .xls or a password-protected workbook)
E108  corrupt DOCX
E109  corrupt PDF
E111  password-protected PDF
E112  malformed JSON (with line and column)
E113  JSON that is not an array of objects
E114  XLSX sheet not found (the message lists the sheets)
E115  corrupt Parquet
E118  a DOCX or PDF without any text (a scan needs OCR first)
E119  CSV that cannot be parsed (a field longer than 64 Mi characters: an unclosed quote); found while
      streaming, so it is raised by ``batches()``
====  =====================================================================================

Reject codes, for rows that cannot be read while the rest of the file can:

====  =====================================================================================
E110  a CSV/TSV row with more or fewer fields than the header; an XLSX row with a value to the right of
      the header
E116  a JSON Lines line that is not valid JSON
E117  a JSON Lines line that is valid JSON but not an object
====  =====================================================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from evalnlp import errors
from evalnlp.ingest._base import Batch, Passage, TabularSource
from evalnlp.ingest._text import check_file, detect_encoding, text_encoding
from evalnlp.util import refuse_open_store

__all__ = [
    "NARRATIVE",
    "TABULAR",
    "Batch",
    "Passage",
    "TabularSource",
    "detect_encoding",
    "file_kind",
    "open_tabular",
    "read_narrative",
    "text_encoding",
]

TABULAR = frozenset({".csv", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson", ".parquet"})
NARRATIVE = frozenset({".txt", ".md", ".markdown", ".docx", ".pdf"})

_CONVERT_HINTS = {
    ".xls": "save it as .xlsx (Excel Workbook) or export it as CSV",
    ".xlsm": "save it as .xlsx (Excel Workbook)",
    ".ods": "save it as .xlsx or export it as CSV",
    ".doc": "save it as .docx",
    ".odt": "save it as .docx or .txt",
    ".rtf": "save it as .docx or .txt",
    ".htm": "save the text as .txt",
    ".html": "save the text as .txt",
    ".tab": "rename it to .tsv",
    ".text": "rename it to .txt",
    ".pq": "rename it to .parquet",
}


def _supported() -> str:
    return ", ".join(sorted(TABULAR | NARRATIVE))


def _suffix(path: Path) -> str:
    return path.suffix.lower()


def file_kind(path: str | Path) -> str:
    """``"tabular"`` or ``"narrative"``, from the extension (case-insensitive).

    Raises :class:`InputError` E101 for a missing file and E102 for an unsupported extension.
    """
    path = Path(path)
    check_file(path)
    suffix = _suffix(path)
    if suffix in TABULAR:
        return "tabular"
    if suffix in NARRATIVE:
        return "narrative"
    found = f"the extension {suffix!r}" if suffix else "no extension"
    hint = _CONVERT_HINTS.get(suffix)
    fix = f"To read it, {hint}." if hint else "Convert it to one of these formats, or fix its extension."
    raise errors.error("E102", "unsupported", file=path.name, found=found, supported=_supported(), fix=fix)


def open_tabular(path: str | Path, *, sheet: str | None = None, wanted: Sequence[str] = ()) -> TabularSource:
    """Open and validate a tabular file; no row is read into memory beyond the header and one data row
    (CSV, JSON and JSON Lines are scanned once to check their encoding, syntax and columns).

    ``sheet`` picks an XLSX sheet (default: the first); it is ignored for other formats. ``wanted``: the
    columns asked for; a sheet whose first row, read as a title line, is one of them (``feedback`` over an
    unnamed column) is read again with that row as its header.
    Raises :class:`InputError` (E101-E107, E112-E115) before returning if the file cannot be read.
    """
    path = Path(path)
    if file_kind(path) != "tabular":
        raise errors.error("E102", "not_a_table", file=path.name, suffix=_suffix(path),
                           tabular=', '.join(sorted(TABULAR)))
    refuse_open_store(path, "a table to read")  # E414: the file of the store open here is never read
    suffix = _suffix(path)
    fmt = suffix.lstrip(".")
    if suffix in (".csv", ".tsv"):
        from evalnlp.ingest._csv import open_csv

        return open_csv(path, fmt, wanted=wanted)
    if suffix == ".xlsx":
        from evalnlp.ingest._xlsx import open_xlsx

        source = open_xlsx(path, sheet, wanted=wanted)
        lines = {t.strip() for t in (source.title or "").split(" / ")}
        if any(c not in source.columns and c.strip() in lines for c in wanted):
            return open_xlsx(path, sheet, titles=False)
        return source
    if suffix == ".json":
        from evalnlp.ingest._json import open_json

        return open_json(path)
    if suffix in (".jsonl", ".ndjson"):
        from evalnlp.ingest._json import open_jsonl

        return open_jsonl(path, fmt)
    from evalnlp.ingest._parquet import open_parquet

    return open_parquet(path)


def read_narrative(path: str | Path, unread: dict[str, int] | None = None,
                   notes: list[Passage] | None = None, told: list[str] | None = None,
                   references: dict[str, list[tuple[int, str]]] | None = None) -> list[Passage]:
    """Read a narrative file into passages: paragraphs (TXT, Markdown, DOCX), table cells (DOCX), pages (PDF);
    ``notes`` gets a DOCX document's footnotes and endnotes (``"footnote 3"``), ``references`` the references to
    them in each of its passages, by locator (where each stands in the passage's text, and its note's label),
    ``unread`` what it holds with text elsewhere (comments, headers, text boxes...), counted, and ``told`` what to
    tell of its notes' numbering where it could not be followed (see :func:`evalnlp.ingest._documents.read_docx`).

    Raises :class:`InputError` (E101-E106, E108, E109, E111, E118) if the file cannot be read.
    """
    path = Path(path)
    if file_kind(path) != "narrative":
        raise errors.error("E102", "not_narrative", file=path.name, suffix=_suffix(path),
                           narrative=', '.join(sorted(NARRATIVE)))
    suffix = _suffix(path)
    from evalnlp.ingest import _documents

    if suffix == ".docx":
        return _documents.read_docx(path, unread, notes, told, references)
    if suffix == ".pdf":
        return _documents.read_pdf(path)
    return _documents.read_text(path)
