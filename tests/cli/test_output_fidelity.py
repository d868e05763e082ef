"""`classify --output` gives every user cell back as the user reads it in the input, whatever the input format and
the output format: typed values (timestamps, large numbers) as their text, and text that looks like a date, a
number, a formula or a missing value exactly as written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

#: the fast coder, without sentiment: these tests are about the input's cells, not the codes
FAST = ("--codebook", "fft", "--model", "keyword", "--no-sentiment")
OUTPUTS = [".csv", ".tsv", ".parquet", ".xlsx", ".jsonl", ".json"]


def shown(value):
    """A workbook cell's text as Excel shows it: openpyxl leaves the OOXML escapes in, so a text holding
    ``_x0041_`` itself, which a writer stores as ``_x005F_x0041_``, would read as the escape."""
    import re

    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def read_cells(path: Path, columns: list[str]) -> dict[str, list]:
    """The user's ``columns`` of an output file, each as a list of its cells as text (None: an empty cell)."""
    suffix = path.suffix
    if suffix in (".csv", ".tsv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep="\t" if suffix == ".tsv" else ",")
        return {c: [v if v != "" else None for v in frame[c]] for c in columns}
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path)
        rows = [[shown(v) for v in row] for row in book.active.iter_rows(values_only=True)]
        frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    elif suffix == ".jsonl":
        frame = pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()],
                             dtype=object)
    else:
        frame = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")), dtype=object)
    return {c: [None if v is None or (isinstance(v, float) and v != v) else v for v in frame[c]] for c in columns}


def classify_to(cli, inputs: Path, out: Path, *extra: str, text: str = "comment") -> None:
    result = cli("classify", str(inputs), "--text", text, *extra, *FAST, "--output", str(out))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("ext", OUTPUTS)
def test_a_parquet_timestamp_at_midnight_comes_back_with_its_time(cli, tmp_path, ext):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "visits.parquet"
    pq.write_table(pa.table({
        "comment": ["The nurses were kind", "Long wait to be seen"],
        "seen": pa.array([dt.datetime(2024, 3, 1, 14, 5), dt.datetime(2024, 3, 2)], pa.timestamp("us")),
    }), path)
    out = tmp_path / f"coded{ext}"
    classify_to(cli, path, out)
    assert read_cells(out, ["seen"])["seen"] == ["2024-03-01T14:05:00", "2024-03-02T00:00:00"]


@pytest.mark.parametrize("ext", OUTPUTS)
def test_a_large_whole_number_stored_as_a_float_comes_back_in_digits(cli, tmp_path, ext):
    """An id column that a writer stored as floats (pandas does so for whole numbers beside a missing one) gives
    its ids in digits, past 2**53 too, never as ``1e+16``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "ids.parquet"
    pq.write_table(pa.table({
        "comment": ["The nurses were kind", "Long wait to be seen", "Cold food"],
        "card": pa.array([1e16, 4.0e18, None], pa.float64()),
    }), path)
    out = tmp_path / f"coded{ext}"
    classify_to(cli, path, out)
    assert read_cells(out, ["card"])["card"] == ["10000000000000000", "4000000000000000000", None]


# ------------------------------------------------------------------------------------------ property test

#: cells a reader or a spreadsheet might take for something else: ids with leading zeros, phone numbers,
#: fractions and ranges that look like dates, booleans, words for "missing", formulas, numbers in odd notation
TRICKY = ["007", "0123456789", "943 476 5919", "SW1A 1AA", "+44 7700 900123", "1/2", "3-4", "2024-03-02",
          "TRUE", "yes", "false", "NA", "N/A", "null", "None", "nan", "NaN", "-", "", " ", "   ", " padded ",
          "=SUM(A1)", "+cmd", "-2", "@x", "=1+1", "'quoted", '"double"', "1e5", "1.10", "-0", "0.0", "inf",
          "1,000", "12345678901234567890", "£5", "café – ‘quoted’", "line\nbreak", "tab\there", "cr\r\nlf",
          "_x0041_", "#N/A", "[1, 2]", '{"a": 1}', "x" * 2000]

CELLS = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"), max_size=12),
)
INPUTS = ["utf-8.csv", "utf-8-sig.csv", "cp1252.csv", "utf-16.csv", ".tsv", ".xlsx", ".json", ".jsonl",
          ".parquet"]


def write_input(folder: Path, kind: str, columns: list[str], rows: list[list[str | None]]) -> Path:
    """``rows`` as a file of ``kind``, each cell as text, as a user's export holds it (None: no value; a CSV
    file has no such thing, so it holds an empty field)."""
    import csv
    import io

    if kind.endswith(".csv") or kind == ".tsv":
        encoding = kind.split(".")[0] or "utf-8"
        path = folder / f"survey{kind if kind == '.tsv' else '.csv'}"
        buf = io.StringIO(newline="")
        csv.writer(buf, delimiter="\t" if kind == ".tsv" else ",").writerows(
            [columns] + [["" if v is None else v for v in row] for row in rows])
        path.write_bytes(buf.getvalue().encode(encoding))
        return path
    path = folder / f"survey{kind}"
    if kind == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(columns)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(r, c)
                    cell.value = value
                    cell.data_type = "s"  # a text cell, also when it starts with "=" (a typed "'=x")
        book.save(path)
    elif kind == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({c: pa.array([row[i] for row in rows], pa.string())
                                 for i, c in enumerate(columns)}), path)
    else:
        records = [dict(zip(columns, row)) for row in rows]
        text = (json.dumps(records, ensure_ascii=False, indent=1) if kind == ".json"
                else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        path.write_text(text, encoding="utf-8")
    return path


def as_read(kind: str, value: str | None) -> str | None:
    """What the user reads in an input cell of ``kind`` holding ``value``: a CSV field is text, an empty one
    too; a workbook holds no empty text, so its empty cell is no value; JSON and Parquet keep null apart."""
    if kind.endswith(".csv") or kind == ".tsv":
        return "" if value is None else value
    if value == "" and kind == ".xlsx":
        return None
    if kind == ".xlsx" and value is not None:
        # a workbook's text holds OOXML escapes: "_x0041_" written raw into a cell (as openpyxl writes it) is
        # "A" in Excel, and to evalnlp, which reads cells as Excel shows them
        import re

        return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)
    return value


def as_written(ext: str, value: str | None) -> str | None:
    """``value`` as an output file of ``ext`` can hold it: CSV and workbooks have no empty text apart from an
    empty cell."""
    if value == "" and ext in (".csv", ".tsv", ".xlsx"):
        return None
    return value


def encodable(kind: str, rows: list[list[str | None]]) -> bool:
    if kind != "cp1252.csv":
        return True
    # a Windows-1252 file as Excel writes one: the letters of a Western language, no control characters
    return all(v is None or (v.isprintable() and all(c.isascii() or c in "é£–‘’" for c in v))
               for row in rows for v in row)


@given(rows=st.lists(st.lists(CELLS, min_size=2, max_size=2), min_size=1, max_size=4),
       kind=st.sampled_from(INPUTS), ext=st.sampled_from(OUTPUTS))
@settings(max_examples=40, deadline=None)
def test_every_user_cell_comes_back_as_the_user_reads_it(rows, kind, ext):
    import tempfile

    from typer.testing import CliRunner

    from evalnlp.cli import app

    assume(encodable(kind, rows))
    columns = ["id", "comment", "note", "code"]
    rows = [[f"{k:03d}", f"The nurses were kind, visit {k}", *row] for k, row in enumerate(rows)]
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = write_input(folder, kind, columns, rows)
        out = folder / f"coded{ext}"
        result = CliRunner().invoke(app, ["--db", str(folder / "s.duckdb"), "classify", str(path), "--text",
                                          "comment", *FAST, "--output", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        got = read_cells(out, columns)
    for k, name in enumerate(columns):
        expected = [as_written(ext, as_read(kind, row[k])) for row in rows]
        assert got[name] == expected, (name, kind, ext)


@pytest.mark.parametrize("ext", OUTPUTS)
def test_a_workbook_date_and_time_at_midnight_comes_back_with_its_time(cli, tmp_path, ext):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["comment", "arrived"])
    sheet.append(["The nurses were kind", dt.datetime(2024, 3, 1, 14, 5)])
    sheet.append(["Long wait to be seen", dt.datetime(2024, 3, 2)])
    for row in (2, 3):
        sheet.cell(row, 2).number_format = "dd/mm/yyyy hh:mm"
    path = tmp_path / "visits.xlsx"
    book.save(path)
    out = tmp_path / f"coded{ext}"
    classify_to(cli, path, out)
    assert read_cells(out, ["arrived"])["arrived"] == ["2024-03-01T14:05:00", "2024-03-02T00:00:00"]


# ------------------------------------------------------------------------------- output from the store alone

def typed_project_xml() -> str:
    """The foreign REFI-QDA project, with a float and a yes/no variable besides its integer one (Mabel: an
    id of 16 digits that the program kept as a float, and her consent)."""
    from qda_helpers import foreign_project_xml

    ref = '<Variable guid="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F02" name="Age" typeOfVariable="Integer"/>'
    value = "<IntegerValue>34</IntegerValue></VariableValue>"
    xml = foreign_project_xml()
    assert ref in xml and value in xml
    xml = xml.replace(ref, ref + '<Variable guid="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F03" name="Card" '
                      'typeOfVariable="Float"/><Variable guid="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F04" '
                      'name="Consent" typeOfVariable="Boolean"/>')
    return xml.replace(value, value + '<VariableValue><VariableRef targetGUID="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F03"/>'
                       '<FloatValue>10000000000000000</FloatValue></VariableValue><VariableValue><VariableRef '
                       'targetGUID="4E5F1D7A-0B1C-4D2E-9F3A-5B6C7D8E9F04"/><BooleanValue>true</BooleanValue>'
                       '</VariableValue>', 1)


@pytest.mark.parametrize("ext", [".csv", ".tsv"])
def test_typed_variables_of_an_imported_project_come_back_in_csv_as_evalnlp_reads_values(cli, tmp_path, ext):
    """`classify --output` without FILE writes the stored documents' attributes; in CSV those a QDA program typed
    as numbers or yes/no are written as evalnlp reads such values from any file: the digits of a number (never
    ``1e+16``) and ``true`` (not Python's ``True``). (JSON, Parquet and workbooks keep them as numbers and flags.)"""
    from qda_helpers import foreign_members, write_zip

    path = write_zip(tmp_path / "breakfast.qdpx", foreign_members(typed_project_xml()))
    codebook = tmp_path / "breakfast.yaml"
    assert cli("import", str(path), "--new-codebook", str(codebook)).exit_code == 0
    out = tmp_path / f"coded{ext}"
    result = cli("classify", "--codebook", str(codebook), "--model", "keyword", "--no-sentiment", "--output", str(out))
    assert result.exit_code == 0, result.output
    cells = read_cells(out, ["source", "Age", "Card", "Consent"])
    mabel = cells["source"].index("Mabel.docx")
    assert [cells[c][mabel] for c in ("Age", "Card", "Consent")] == ["34", "10000000000000000", "true"]
