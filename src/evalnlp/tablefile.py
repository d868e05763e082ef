"""Writing a DataFrame to the file format its extension names, atomically.

A file is written under a temporary name in the same folder, then renamed, so a crash never leaves half a
file behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.schema import place
from evalnlp.util import atomic_path

__all__ = ["PAGED_FORMATS", "TABLE_FORMATS", "atomic_path", "write_table", "write_table_pages", "xlsx_text"]

TABLE_FORMATS = (".csv", ".tsv", ".parquet", ".xlsx", ".jsonl", ".json")


def write_table(frame: pd.DataFrame, path: str | Path, *, sheet: str = "data") -> Path:
    """Write ``frame`` as CSV, TSV, Parquet, XLSX, JSONL or JSON (records), chosen by the extension.

    Column names must be unique text (a table that mixes input and evalnlp columns gets them from
    :func:`evalnlp.columns.beside_input`); text is written as text, also in XLSX where a value starting with
    ``=`` would otherwise become a formula.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise errors.error("E161", "table", target_name=target.name, table_formats=', '.join(TABLE_FORMATS),
                           value=suffix or 'none')
    names = list(frame.columns)
    if len(set(map(str, names))) != len(names) or not all(isinstance(c, str) for c in names):
        raise ValueError(f"write_table needs unique text column names, so that no column hides another; got "
                         f"{names!r}. Make them with evalnlp.columns.beside_input or unique_names")
    with atomic_path(target) as tmp:
        if suffix in (".csv", ".tsv"):
            frame.to_csv(tmp, index=False, sep="\t" if suffix == ".tsv" else ",", encoding="utf-8",
                         lineterminator=csv_line_end(frame))
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        elif suffix == ".xlsx":
            frame = _xlsx_safe(frame)
            check_xlsx_frame(frame, str(target))
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                frame.to_excel(xl, index=False, sheet_name=sheet[:31])
                ws = xl.sheets[sheet[:31]]
                ws.freeze_panes = "A2"
                if _has_formula_text(frame):
                    as_text_cells(ws)
        elif suffix == ".jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            frame.to_json(tmp, orient="records", force_ascii=False, indent=1)
    return target


#: Formats :func:`write_table_pages` writes page by page (a workbook or a JSON array is built whole).
PAGED_FORMATS = (".csv", ".tsv", ".parquet", ".jsonl")


def write_table_pages(pages, path: str | Path) -> Path:
    """Write an iterable of DataFrames with the same columns as one CSV, TSV, JSONL or Parquet file, holding
    one page in memory at a time; the file is what :func:`write_table` writes for the pages concatenated.

    Text formats are appended page by page. Parquet pages are written as parts in a temporary folder beside
    the target, then copied one part at a time into one file whose columns take a type that holds every
    page's values (a column empty in one page and filled in another keeps its values; one that is a number in
    one page and text in another becomes text).
    """
    import shutil
    import tempfile

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in PAGED_FORMATS:
        raise errors.error("E161", "pages", target_name=target.name, paged_formats=', '.join(PAGED_FORMATS),
                           value=suffix or 'none')
    with atomic_path(target) as tmp:
        if suffix == ".parquet":
            parts = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=tmp.parent))
            try:
                if not _write_parquet_direct(pages, tmp, parts):
                    _join_parquet(sorted(str(p) for p in parts.iterdir()), tmp)
            finally:
                shutil.rmtree(parts, ignore_errors=True)
        else:
            first = True
            for frame in pages:
                if suffix == ".jsonl":
                    frame.to_json(tmp, orient="records", lines=True, force_ascii=False, mode="w" if first else "a")
                else:
                    frame.to_csv(tmp, index=False, sep="\t" if suffix == ".tsv" else ",", encoding="utf-8",
                                 header=first, mode="w" if first else "a", lineterminator=csv_line_end(frame))
                first = False
    return target


def csv_line_end(frame: pd.DataFrame) -> str:
    """The line end to write ``frame`` as CSV with: ``\n``, or ``\r\n`` when a text value (or column name) holds a
    carriage return. A CSV writer quotes a field only for the characters of its line end (and the delimiter and
    quote), so a lone CR in a field written under ``\n`` line ends would be bare, and readers split the row
    there; under ``\r\n`` the field is quoted and reads back whole."""
    def has_cr(values) -> bool:
        return any(isinstance(v, str) and "\r" in v for v in values)

    if has_cr(frame.columns):
        return "\r\n"
    for _, col in frame.items():
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            try:
                if col.str.contains("\r", regex=False, na=False).any():
                    return "\r\n"
            except AttributeError:  # not text after all
                if has_cr(col):
                    return "\r\n"
    return "\n"


def _write_parquet_direct(pages, target: Path, parts: Path) -> bool:
    """Write ``pages`` straight into one Parquet file while every page has the first one's column types, and
    return True. When a page's types differ (a column empty in the first page and filled later, say), the pages
    written so far become the first part in ``parts``, the rest are written there one part each, and False is
    returned: :func:`_join_parquet` then gives every column a type that holds every page's values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = schema = None
    pages = iter(pages)
    try:
        for frame in pages:
            table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(target, schema)
            if table.schema != schema:
                writer.close()
                writer = None
                Path(target).replace(parts / "part-000000.parquet")
                pq.write_table(table, parts / "part-000001.parquet")
                for k, rest in enumerate(pages, start=2):
                    rest.to_parquet(parts / f"part-{k:06d}.parquet", index=False)
                return False
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    if schema is None:
        raise ValueError("write_table_pages needs at least one page")
    return True


def _join_parquet(parts: list[str], target: Path) -> None:
    """Copy Parquet ``parts`` (same columns, in order) into one file, one part in memory at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not parts:
        raise ValueError("write_table_pages needs at least one page")
    schemas = [pq.read_schema(p).remove_metadata() for p in parts]
    fields = []
    for k, name in enumerate(schemas[0].names):
        types = [sc.field(k).type for sc in schemas]
        try:
            merged = pa.unify_schemas([pa.schema([pa.field(name, t)]) for t in types],
                                      promote_options="permissive").field(0).type
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            merged = pa.string()
        fields.append(pa.field(name, merged))
    schema = pa.schema(fields)
    with pq.ParquetWriter(target, schema) as writer:
        for part in parts:
            table = pq.read_table(part).replace_schema_metadata(None)
            columns = []
            for k, field in enumerate(schema):
                column = table.column(k)
                if column.type != field.type:
                    column = (column.cast(field.type) if field.type != pa.string() or pa.types.is_null(column.type)
                              else pa.chunked_array([pa.array([None if v is None else str(v)
                                                               for v in column.to_pylist()], pa.string())]))
                columns.append(column)
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))


#: What a workbook holds: characters in a cell, and rows in a worksheet (the header row included).
XLSX_CELL_LIMIT = 32_767
XLSX_ROW_LIMIT = 1_048_576
_TABLE_INSTEAD = "Write .csv, .tsv, .jsonl or .parquet instead, which hold every character (.csv and .tsv all but NUL)."


def xlsx_too_long(value: Any) -> bool:
    """Whether ``value`` is text longer than a workbook cell holds."""
    return isinstance(value, str) and len(value) > XLSX_CELL_LIMIT


def check_xlsx_frame(frame: pd.DataFrame, file: str, *, instead: str = _TABLE_INSTEAD) -> None:
    """E178 before a workbook would lose part of ``frame``: a text (value or column name) longer than a cell
    holds (a spreadsheet library cuts it with no more than a warning), or more rows than a sheet holds."""
    if len(frame) + 1 > XLSX_ROW_LIMIT:
        raise errors.error("E178", "rows", file=file, rows=len(frame), limit=XLSX_ROW_LIMIT - 1, instead=instead)
    for k, name in enumerate(frame.columns):
        if xlsx_too_long(name):
            raise errors.error("E178", "cell", file=file, where=f"the name of column {k + 1}", length=len(name),
                               limit=XLSX_CELL_LIMIT, instead=instead)
        col = frame.iloc[:, k]
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        lengths = col.map(lambda v: len(v) if isinstance(v, str) else 0).to_numpy()
        over = np.flatnonzero(lengths > XLSX_CELL_LIMIT)
        if len(over):
            raise errors.error("E178", "cell", file=file, where=f"column {name!r}, row {over[0] + 1}"
                               + _input_place(frame, int(over[0])),
                               length=int(lengths[over[0]]), limit=XLSX_CELL_LIMIT, instead=instead)


def _input_place(frame: pd.DataFrame, row: int) -> str:
    """Where row ``row`` of a coded table came from, when it has evalnlp's ``source`` and ``locator`` columns
    (``evalnlp_source``/``evalnlp_locator`` where the input had those names): `` (source.csv, row 3)``."""
    for prefix in ("evalnlp_", ""):
        if f"{prefix}source" in frame.columns and f"{prefix}locator" in frame.columns:
            source, locator = frame[f"{prefix}source"].iloc[row], frame[f"{prefix}locator"].iloc[row]
            if isinstance(source, str) and isinstance(locator, str):
                return f" ({place(source, locator, ', ')})"
    return ""


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not XML 1.0 characters


def xlsx_text(value):
    """``value`` with the control characters a workbook cannot hold written as OOXML escapes (``_x000B_``).

    Spreadsheet XML has no room for characters such as the vertical tab that Word puts in copied text;
    Excel reads the ``_xHHHH_`` form back as the character itself, so nothing is lost. Text that already reads
    like such an escape (``_x0041_``) gets its underscore escaped (``_x005F_x0041_``), so that it is read back as
    written, not as ``A``. Other values pass as they are.
    """
    if isinstance(value, str):
        if "_x" in value:  # text that reads like an escape is escaped itself (its "_" as _x005F_), as Excel does
            value = _LOOKS_ESCAPED.sub("_x005F_", value)
        if _XML_ILLEGAL.search(value):
            return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def xlsx_unescaped(text: str) -> str:
    """``text`` with the workbook escapes ``_xHHHH_`` (a character XML cannot hold, such as a control
    character, or ``_x005F_`` for an underscore that starts a literal ``_xHHHH_``) read as Excel reads them: the
    inverse of :func:`xlsx_text`. openpyxl leaves them as written. An escape of half a surrogate pair that has no
    other half stays as it is."""
    if "_x" not in text:
        return text
    out = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if any("\ud800" <= c <= "\udfff" for c in out):
        try:  # a pair of escapes for one character beyond the first plane
            out = out.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            return _ESCAPE.sub(lambda m: m.group(0) if 0xD800 <= int(m.group(1), 16) <= 0xDFFF
                               else chr(int(m.group(1), 16)), text)
    return out


def _xlsx_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names a workbook can hold (see :func:`xlsx_text`)."""
    out = frame.rename(columns=xlsx_text)
    for name, col in out.items():
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            out[name] = col.map(xlsx_text)
    return out


#: Texts a spreadsheet library takes for an error value (``#N/A``) rather than words.
_ERROR_TEXTS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")


def _has_formula_text(frame: pd.DataFrame) -> bool:
    """Whether a column name or a text value starts with ``=``, which a spreadsheet would take for a formula, or
    is the text of an error value (``#N/A``), which it would take for an error."""
    if any(str(c).startswith("=") or str(c) in _ERROR_TEXTS for c in frame.columns):
        return True
    for _, col in frame.items():
        if not (col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        try:
            if col.str.startswith("=", na=False).any() or col.isin(_ERROR_TEXTS).any():
                return True
        except AttributeError:  # no text in the column at all
            continue
    return False


def as_text_cells(ws) -> None:
    """Store every cell openpyxl took for a formula or an error value as the text it was given (evalnlp writes
    neither): a survey answer, group name or claim starting with ``=``, or a staff code ``#N/A``, stays the words
    it is."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type in ("f", "e"):
                cell.data_type = "s"
