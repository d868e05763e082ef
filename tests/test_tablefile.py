"""write_table: one file per extension, text kept as text, no column hidden behind another of its name."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from evalnlp.tablefile import write_table, write_table_pages


@pytest.mark.parametrize("ext", [".csv", ".tsv", ".parquet", ".xlsx", ".jsonl", ".json"])
def test_duplicate_or_non_text_column_names_are_refused(tmp_path, ext):
    dup = pd.DataFrame([["a", "b"]], columns=["themes", "themes"])
    with pytest.raises(ValueError, match="unique text column names"):
        write_table(dup, tmp_path / f"dup{ext}")
    with pytest.raises(ValueError, match="unique text column names"):
        write_table(pd.DataFrame({0: ["a"]}), tmp_path / f"num{ext}")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_xlsx_keeps_text_that_starts_with_an_equals_sign(tmp_path):
    frame = pd.DataFrame({"=comment": ["=) great", "=SUM(A1:A2)", "fine", None], "n": [1, 2, 3, 4]})
    path = write_table(frame, tmp_path / "out.xlsx")
    back = pd.read_excel(path, dtype=object)
    assert list(back.columns) == ["=comment", "n"]
    assert back["=comment"].tolist()[:3] == ["=) great", "=SUM(A1:A2)", "fine"]
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def test_jsonl_and_csv_round_trip_text(tmp_path):
    frame = pd.DataFrame({"feedback": ["=) great", "caf\u00e9, \"quoted\""], "themes": ["gold:a", ""]})
    rows = [json.loads(line) for line in write_table(frame, tmp_path / "o.jsonl").read_text("utf-8").splitlines()]
    assert rows == frame.to_dict("records")
    back = pd.read_csv(write_table(frame, tmp_path / "o.csv"), dtype=str, keep_default_na=False)
    assert back.equals(frame)


def test_xlsx_keeps_control_characters_as_escapes(tmp_path):
    """Text copied from Word carries vertical tabs, which workbook XML cannot hold: written escaped, not a crash."""
    from openpyxl import load_workbook

    frame = pd.DataFrame({"comment\x0b": ["line one\x0bline two", "plain"], "n": [1, 2]})
    out = write_table(frame, tmp_path / "out.xlsx")
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == ["comment_x000B_", "n"]
    assert ws["A2"].value == "line one_x000B_line two"
    assert ws["A3"].value == "plain"
    assert frame.loc[0, "comment\x0b"] == "line one\x0bline two"  # the caller's frame is untouched


def test_xlsx_escapes_the_two_noncharacters_xml_cannot_hold_and_reads_them_back(tmp_path):
    """U+FFFE and U+FFFF are not XML characters either: escaped like control characters (no traceback from the
    XML writer), and evalnlp's reader gives them back."""
    from evalnlp.ingest.readers import open_tabular

    frame = pd.DataFrame({"id": ["1"], "text": ["odd \ufffe and \uffff here"]})
    out = write_table(frame, tmp_path / "odd.xlsx")
    (batch,) = list(open_tabular(out).batches())
    assert batch.frame["text"].tolist() == ["odd \ufffe and \uffff here"]


def test_parquet_written_page_by_page_keeps_every_value_whatever_each_page_holds(tmp_path):
    """A column empty in one page and filled in the next keeps its values; one that is a number in one page
    and text in the next becomes text; a column of floats stays numeric."""
    from evalnlp.tablefile import write_table_pages

    pages = [pd.DataFrame({"ward": [None, None], "code": [1, 2], "score": [0.5, 0.25]}),
             pd.DataFrame({"ward": ["W1", None], "code": ["x7", "8"], "score": [1.0, 0.0]})]
    out = write_table_pages(iter(pages), tmp_path / "paged.parquet")
    back = pd.read_parquet(out)
    assert back["ward"].isna().tolist() == [True, True, False, True] and back["ward"][2] == "W1"
    assert back["code"].tolist() == ["1", "2", "x7", "8"]
    assert back["score"].tolist() == [0.5, 0.25, 1.0, 0.0]
    assert [p.name for p in tmp_path.iterdir()] == ["paged.parquet"]  # no parts left behind


@pytest.mark.parametrize("differs_at", [None, 1, 3])
def test_parquet_pages_of_one_type_go_straight_into_the_file_and_a_page_that_differs_is_joined(tmp_path, differs_at):
    """Pages whose columns keep their types are written straight into one file, a row group each; when a later
    page's types differ, the pages already written and the rest are joined into one file that holds every
    value. Either way the file reads back as the pages put together, and nothing else is left in the folder."""
    import pyarrow.parquet as pq

    from evalnlp.tablefile import write_table_pages

    pages = [pd.DataFrame({"id": [f"r{k}{i}" for i in range(3)], "score": [k + 0.5, k + 0.25, 0.0],
                           "ward": ["W1", None, "W3"]}) for k in range(5)]
    if differs_at is not None:
        pages[differs_at] = pages[differs_at].assign(score=["high", "low", None])
    out = write_table_pages(iter(pages), tmp_path / "paged.parquet")
    back = pd.read_parquet(out)
    assert back["id"].tolist() == [x for p in pages for x in p["id"]]
    assert back["ward"].isna().tolist()[:3] == [False, True, False] and back["ward"][2] == "W3"
    if differs_at is None:
        assert pq.ParquetFile(out).metadata.num_row_groups == 5
        assert back["score"].tolist() == [x for p in pages for x in p["score"]]
    else:  # numbers and text in one column: all text, missing values kept missing
        want = [None if pd.isna(x) else str(x) for p in pages for x in p["score"]]
        assert [None if pd.isna(x) else x for x in back["score"]] == want
    assert [p.name for p in tmp_path.iterdir()] == ["paged.parquet"]


def test_a_workbook_is_refused_rather_than_cut(tmp_path, monkeypatch):
    """Text longer than a cell holds (as a value or a column name), or more rows than a sheet holds: E178 naming
    where, and no file; the same table as CSV keeps every character."""
    import evalnlp.tablefile as tablefile
    from evalnlp.errors import InputError
    from evalnlp.tablefile import write_table

    long = "word " * 7000  # 35,000 characters
    for frame, where in ((pd.DataFrame({"id": ["a", "b"], "answer": ["short", long]}), "column 'answer', row 2"),
                         (pd.DataFrame({long: [1]}), "the name of column 1")):
        with pytest.raises(InputError) as info:
            write_table(frame, tmp_path / "out.xlsx")
        assert info.value.code == "E178" and where in str(info.value) and "35,000" in str(info.value)
        assert not (tmp_path / "out.xlsx").exists()
    back = pd.read_csv(write_table(pd.DataFrame({"answer": [long]}), tmp_path / "out.csv"))
    assert back["answer"][0] == long
    monkeypatch.setattr(tablefile, "XLSX_ROW_LIMIT", 4)
    with pytest.raises(InputError, match="4 rows are more than the 3"):
        write_table(pd.DataFrame({"n": range(4)}), tmp_path / "out.xlsx")
    assert write_table(pd.DataFrame({"n": range(3)}), tmp_path / "out.xlsx").exists()


def test_a_cell_too_long_for_a_workbook_is_named_by_its_input_row(tmp_path) -> None:
    """E178 on a coded table names the input row the long text came from (its source and locator), not only
    its place in the output, and the file with its folder."""
    import pytest

    from evalnlp.errors import EvalnlpError
    from evalnlp.tablefile import write_table

    frame = pd.DataFrame({"comment": ["short", "x" * 33_000], "source": ["long.csv", "long.csv"],
                          "locator": ["row 1", "row 3"]})
    target = tmp_path / "out" / "coded.xlsx"
    target.parent.mkdir()
    with pytest.raises(EvalnlpError) as info:
        write_table(frame, target)
    message = str(info.value)
    assert info.value.code == "E178" and "column 'comment', row 2 (long.csv, row 3)" in message
    assert str(target) in message and not target.exists()


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_carriage_return_inside_a_value_reads_back_in_its_row(tmp_path, suffix):
    """A lone CR (or a CR LF) inside a value is quoted, so a CSV reader reads the rows back as written; files
    without one keep plain LF line ends."""
    import csv

    frame = pd.DataFrame({"id": ["1", "2"], "text": ["first line\rsecond line", "plain\r\nwindows"]})
    for pages in (False, True):
        path = tmp_path / f"out{int(pages)}{suffix}"
        if pages:
            write_table_pages(iter([frame.iloc[:1], frame.iloc[1:]]), path)
        else:
            write_table(frame, path)
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh, delimiter="\t" if suffix == ".tsv" else ","))
        assert rows == [["id", "text"], ["1", "first line\rsecond line"], ["2", "plain\r\nwindows"]]
    plain = tmp_path / f"plain{suffix}"
    write_table(pd.DataFrame({"id": ["1"], "text": ["no returns"]}), plain)
    assert b"\r" not in plain.read_bytes()


def test_text_that_reads_like_an_error_value_is_written_as_text(tmp_path):
    """A staff code "#N/A" or "#DIV/0!" is words in the user's file; a workbook written with it as an error
    value would read back as nothing (pandas) or show an error (Excel)."""
    import openpyxl

    from evalnlp.tablefile import write_table

    frame = pd.DataFrame({"code": ["#N/A", "#DIV/0!", "#VALUE!", "=1+1", "fine"], "#N/A": ["a", "b", "c", "d", "e"]})
    path = write_table(frame, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path)["data"]
    assert {cell.data_type for row in ws.iter_rows() for cell in row} == {"s"}
    back = pd.read_excel(path, dtype=str, keep_default_na=False)
    assert back["code"].tolist() == frame["code"].tolist() and list(back.columns) == ["code", "#N/A"]
