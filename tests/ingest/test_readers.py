"""Readers: every format round trip, every encoding and delimiter, every bad input with its error code."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import io
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from evalnlp.errors import InputError
from evalnlp.ingest import _csv, _json, _text
from evalnlp.ingest._cells import cell_to_str, unique_names
from evalnlp.ingest._text import _UTF8_EVIDENCE_RE, _legacy_single_byte
from evalnlp.ingest.readers import (
    NARRATIVE,
    TABULAR,
    Batch,
    Passage,
    TabularSource,
    detect_encoding,
    file_kind,
    open_tabular,
    read_narrative,
)

SAMPLE = "café £5 – ‘quoted’"


def read_all(source: TabularSource, chunk_size: int = 50_000) -> tuple[list[list], list[str], list, int]:
    """All accepted rows, locators, rejects and the n_rows total, checking each batch's invariants."""
    rows, locators, rejects, n_rows = [], [], [], 0
    for batch in source.batches(chunk_size):
        assert isinstance(batch, Batch)
        assert list(batch.frame.columns) == source.columns
        assert len(batch.locators) == len(batch.frame)
        assert batch.n_rows == len(batch.frame) + len(batch.rejects)
        # a record a broken quotation ran over counts each line it took in: only then may a batch hold more
        swallowed = sum(1 for r in batch.rejects if "is part of the record of" in r[2])
        assert 0 < batch.n_rows - swallowed <= chunk_size
        assert all(dtype == object for dtype in batch.frame.dtypes)
        for row in batch.frame.itertuples(index=False):
            assert all(v is None or type(v) is str for v in row)
            rows.append(list(row))
        locators += batch.locators
        rejects += batch.rejects
        n_rows += batch.n_rows
    return rows, locators, rejects, n_rows


def write_csv(path: Path, table: list[list[str]], encoding: str = "utf-8", delimiter: str = ",",
              lineterminator: str = "\r\n") -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator).writerows(table)
    if encoding == "utf-16-be+bom":
        path.write_bytes(codecs.BOM_UTF16_BE + buf.getvalue().encode("utf-16-be"))
    else:
        path.write_bytes(buf.getvalue().encode(encoding))
    return path


def code_of(excinfo: pytest.ExceptionInfo) -> str:
    return excinfo.value.code


# --------------------------------------------------------------------------------------------- file_kind


def test_extension_sets() -> None:
    assert ".txt" in NARRATIVE and ".txt" not in TABULAR
    assert not TABULAR & NARRATIVE
    assert {".csv", ".tsv", ".xlsx", ".json", ".jsonl", ".ndjson", ".parquet"} == set(TABULAR)


@pytest.mark.parametrize(("name", "kind"), [
    ("a.csv", "tabular"), ("a.TSV", "tabular"), ("a.xlsx", "tabular"), ("a.json", "tabular"),
    ("a.jsonl", "tabular"), ("a.ndjson", "tabular"), ("a.parquet", "tabular"), ("a.txt", "narrative"),
    ("a.md", "narrative"), ("a.Markdown", "narrative"), ("a.docx", "narrative"), ("a.PDF", "narrative"),
])
def test_file_kind(tmp_path: Path, name: str, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    assert file_kind(path) == kind
    assert file_kind(str(path)) == kind


def test_missing_file_is_e101(tmp_path: Path) -> None:
    for call in (file_kind, open_tabular, read_narrative):
        with pytest.raises(InputError) as exc:
            call(tmp_path / "nope.csv")
        assert code_of(exc) == "E101"
        assert "not found" in exc.value.message


def test_missing_file_suggests_similar_name(tmp_path: Path) -> None:
    (tmp_path / "survey.xlsx").write_bytes(b"x")
    with pytest.raises(InputError, match="survey.xlsx"):
        file_kind(tmp_path / "survey.csv")


def test_directory_is_e101(tmp_path: Path) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    with pytest.raises(InputError) as exc:
        file_kind(folder)
    assert code_of(exc) == "E101"


@pytest.mark.parametrize("name", ["notes.rtf", "noext", "old.xls"])
def test_unknown_extension_is_e102_listing_supported(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"hello")
    with pytest.raises(InputError) as exc:
        file_kind(path)
    assert code_of(exc) == "E102"
    for ext in sorted(TABULAR | NARRATIVE):
        assert ext in exc.value.message
    if name == "old.xls":
        assert "save it as .xlsx" in exc.value.message


def test_wrong_kind_for_function_is_e102(tmp_path: Path) -> None:
    txt = tmp_path / "a.txt"
    txt.write_text("hello\n")
    tab = write_csv(tmp_path / "a.csv", [["id"], ["1"]])
    with pytest.raises(InputError) as exc:
        open_tabular(txt)
    assert code_of(exc) == "E102"
    with pytest.raises(InputError) as exc:
        read_narrative(tab)
    assert code_of(exc) == "E102"


# ------------------------------------------------------------------------------------------ bad inputs

BAD_TABULAR = [
    ("empty.csv", "E103"), ("blank.csv", "E103"), ("bom_only.csv", "E103"), ("empty.xlsx", "E103"),
    ("blank.xlsx", "E103"), ("blank.parquet", "E103"), ("blank.json", "E103"), ("empty_sheet.xlsx", "E103"),
    ("header_only.csv", "E104"), ("header_only_blank_lines.csv", "E104"), ("header_only.xlsx", "E104"),
    ("empty_array.json", "E104"), ("object_empty_array.json", "E104"),
    ("binary.csv", "E105"), ("binary.jsonl", "E105"),
    ("undecodable.csv", "E106"), ("mixed.csv", "E106"), ("bom_then_latin1.csv", "E106"),
    ("not_zip.xlsx", "E107"), ("bad_zip.xlsx", "E107"), ("wrong_zip.xlsx", "E107"), ("ole.xlsx", "E107"),
    ("truncated.xlsx", "E107"),
    ("malformed.json", "E112"), ("trailing.json", "E112"), ("unclosed.json", "E112"), ("all_bad.jsonl", "E112"),
    ("scalar.json", "E113"), ("numbers.json", "E113"), ("mixed_array.json", "E113"),
    ("object_no_array.json", "E113"), ("object_two_arrays.json", "E113"), ("all_arrays.jsonl", "E113"),
    ("bad.parquet", "E115"), ("text.parquet", "E115"),
]

BAD_NARRATIVE = [
    ("blank.txt", "E103"), ("empty.pdf", "E103"), ("blank.pdf", "E103"), ("blank.docx", "E103"),
    ("binary.txt", "E105"), ("undecodable.md", "E106"),
    ("not_zip.docx", "E108"), ("bad_zip.docx", "E108"), ("wrong_zip.docx", "E108"), ("truncated.docx", "E108"),
    ("not_pdf.pdf", "E109"), ("truncated.pdf", "E109"), ("no_text.docx", "E118"),
]


@pytest.mark.parametrize(("name", "code"), BAD_TABULAR)
def test_bad_tabular_input(bad_files: dict[str, Path], name: str, code: str) -> None:
    with pytest.raises(InputError) as exc:
        open_tabular(bad_files[name])
    assert code_of(exc) == code, exc.value.message
    message = exc.value.message
    assert message.startswith(name + ":")
    assert "expected" in message.lower()


@pytest.mark.parametrize(("name", "code"), BAD_NARRATIVE)
def test_bad_narrative_input(bad_files: dict[str, Path], name: str, code: str) -> None:
    with pytest.raises(InputError) as exc:
        read_narrative(bad_files[name])
    assert code_of(exc) == code, exc.value.message
    assert "xpected" in exc.value.message


def test_header_only_message_says_no_data_rows(bad_files: dict[str, Path]) -> None:
    for name in ("header_only.csv", "header_only.xlsx"):
        with pytest.raises(InputError, match="no data rows"):
            open_tabular(bad_files[name])


def test_malformed_json_gives_line_and_column(bad_files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"line 3, column 12"):
        open_tabular(bad_files["malformed.json"])


def test_not_zip_xlsx_says_it_is_text(bad_files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"plain text.*\.csv"):
        open_tabular(bad_files["not_zip.xlsx"])
    with pytest.raises(InputError, match="password-protected"):
        open_tabular(bad_files["ole.xlsx"])


def test_undecodable_names_the_byte(bad_files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"0x81 at offset 15 \(line 2\)"):
        open_tabular(bad_files["undecodable.csv"])
    with pytest.raises(InputError, match="mixed encodings"):
        open_tabular(bad_files["mixed.csv"])
    with pytest.raises(InputError, match=r"byte-order mark but byte 0xe9 at offset 16 \(line 2\)"):
        open_tabular(bad_files["bom_then_latin1.csv"])


@pytest.mark.parametrize("late", [False, True])
def test_windows_1252_first_then_utf8_is_refused_not_garbled(tmp_path: Path, late: bool) -> None:
    """A Windows-1252 byte, then UTF-8 characters further on (within the first bytes read, or far past them):
    read as Windows-1252 the UTF-8 part would become mojibake ("Â£5"), so the file is refused with E106 naming
    both places; a file that is Windows-1252 throughout is still read."""
    filler = "".join(f"{i},fine\n" for i in range(20_000)) if late else ""
    head = "id,answer\n1,Caf\xe9 was shut\n".encode("cp1252")
    path = tmp_path / "mixed_late.csv"
    path.write_bytes(head + filler.encode() + "2,Parking \u00a35 is too much\n".encode("utf-8"))
    with pytest.raises(InputError, match=r"mixed encodings: byte 0xe9 at offset 15 \(line 2\).*UTF-8 character") as exc:
        open_tabular(path)
    assert code_of(exc) == "E106"
    plain = tmp_path / "cp1252.csv"
    plain.write_bytes(head + filler.encode() + "2,Parking \u00a35 for na\u00efve Zo\u00eb\n".encode("cp1252"))
    frames = [b.frame for b in open_tabular(plain).batches()]
    assert pd.concat(frames)["answer"].iloc[-1] == "Parking \u00a35 for na\u00efve Zo\u00eb"


def test_binary_after_the_head_is_found_before_any_row(tmp_path: Path) -> None:
    body = "id,text\n" + "".join(f"{i},fine\n" for i in range(20_000))
    path = tmp_path / "late.csv"
    path.write_bytes(body.encode() + b"1,\x00\x00\n")
    with pytest.raises(InputError) as exc:
        open_tabular(path)
    assert code_of(exc) == "E105"


# ------------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(("head", "expected"), [
    (codecs.BOM_UTF8 + b"id,text\n", "utf-8-sig"),
    (codecs.BOM_UTF16_LE + "id,text\n".encode("utf-16-le"), "utf-16"),
    (codecs.BOM_UTF16_BE + "id,text\n".encode("utf-16-be"), "utf-16"),
    (codecs.BOM_UTF32_LE + "id,text\n".encode("utf-32-le"), "utf-32"),
    ("id,text\nhello there\n".encode("utf-16-le"), "utf-16-le"),
    ("id,text\nhello there\n".encode("utf-16-be"), "utf-16-be"),
    ("id,text\n1,café\n".encode(), "utf-8"),
    (b"plain ascii", "utf-8"),
    (("id,text\n1," + SAMPLE + "\n").encode("cp1252"), "cp1252"),
    ("café".encode("utf-8")[:-1], "utf-8"),  # a head may stop inside a character
])
def test_detect_encoding(head: bytes, expected: str) -> None:
    assert detect_encoding(head) == expected


@pytest.mark.parametrize(("head", "code"), [
    (b"id,text\n\x00\x01\x02\x03", "E105"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "E105"),
    (b"id,text\n1,\x9d", "E106"),
    (b"caf\xe9\x81!", "E106"),
    ("café".encode() + b" caf\xe9!", "E106"),  # mixed: UTF-8 then Windows-1252
])
def test_detect_encoding_refuses(head: bytes, code: str) -> None:
    with pytest.raises(InputError) as exc:
        detect_encoding(head)
    assert code_of(exc) == code


@pytest.mark.parametrize(("encoding", "detected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("utf-16-be+bom", "utf-16"), ("cp1252", "cp1252"),
])
def test_csv_encodings_round_trip(tmp_path: Path, encoding: str, detected: str) -> None:
    table = [["id", "text"], ["1", SAMPLE], ["2", "naïve “smart” quotes — and €"], ["3", ""]]
    src = open_tabular(write_csv(tmp_path / "enc.csv", table, encoding=encoding))
    assert src.encoding == detected
    assert src.columns == ["id", "text"]
    rows, locators, rejects, n = read_all(src)
    assert rows == table[1:]
    assert locators == ["row 1", "row 2", "row 3"]
    assert rejects == [] and n == 3


@pytest.mark.parametrize("first", ["sep=;", '"sep=;"', "SEP=;"])
def test_excels_sep_line_names_the_delimiter_and_is_not_the_header(tmp_path: Path, first: str) -> None:
    """A CSV saved for Excel may open with ``sep=;``: that line names the delimiter; the header follows it."""
    path = tmp_path / "sep.csv"
    path.write_bytes(f"{first}\r\nid;comment\r\n1;The nurses were kind\r\n2;Parking, awful\r\n".encode("utf-8-sig"))
    src = open_tabular(path)
    assert src.delimiter == ";" and src.columns == ["id", "comment"]
    rows, locators, rejects, n = read_all(src)
    assert rows == [["1", "The nurses were kind"], ["2", "Parking, awful"]]
    assert locators == ["row 1", "row 2"] and rejects == [] and n == 2


@pytest.mark.parametrize("content", [b"sep=;\r\n", b"sep=;", b"\xef\xbb\xbfsep=,\n\n"])
def test_a_file_of_only_the_sep_line_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "only_sep.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        open_tabular(path)
    assert code_of(exc) == "E104" and "only Excel's line naming its delimiter" in str(exc.value)
    assert "header ()" not in str(exc.value)


def test_cp1252_after_a_long_ascii_start(tmp_path: Path) -> None:
    table = [["id", "text"]] + [[str(i), "plain"] for i in range(10_000)] + [["x", SAMPLE]]
    src = open_tabular(write_csv(tmp_path / "late.csv", table, encoding="cp1252"))
    assert src.encoding == "cp1252"
    rows, *_ = read_all(src, chunk_size=4096)
    assert rows[-1] == ["x", SAMPLE]
    assert len(rows) == 10_001


def _validate(chunks: list[bytes]) -> str:
    """The encoding the validating pass settles on for bytes fed in these chunks, or the error code."""
    try:
        validator = _text._Validator("t", detect_encoding(chunks[0]))
        for chunk in chunks:
            validator.feed(chunk)
        validator.finish()
    except InputError as err:
        return err.code
    return validator.encoding


def test_validator_across_chunk_boundaries() -> None:
    assert _validate([b"abc\xc3", b"Adef"]) == "cp1252"  # "\xc3" looked like the start of a UTF-8 character
    assert _validate([b"abc\xc3", b"\xa9def"]) == "utf-8"
    assert _validate(["é".encode(), b"abc\xc3", b"Adef"]) == "E106"  # UTF-8, then Windows-1252: mixed
    assert _validate([b"abc\xe2\x81", b"Adef"]) == "E106"  # falls back to cp1252, where 0x81 is undefined
    assert _validate([b"abc", b"def\xc3"]) == "E106"  # ends inside a character


@given(data=st.binary(max_size=40), cuts=st.lists(st.integers(0, 40), max_size=4))
@example(data=b"\x01\x01\x01\x80\xc2\xa0", cuts=[5])  # a UTF-8 character cut by the chunk boundary
@example(data=b"\x01\x80\xe1\x80\x91", cuts=[3, 4])  # a UTF-8 character cut by two boundaries, 1-byte chunks
@example(data=b"\x01\xc2\x8d\x80", cuts=[3])  # a C1 control in one chunk, a Windows-1252 byte in the next
@settings(max_examples=200, deadline=None)
def test_validator_verdict_does_not_depend_on_chunking(data: bytes, cuts: list[int]) -> None:
    data = b"id,text\n" + data.replace(b"\x00", b"")
    bounds = sorted({min(c + 8, len(data)) for c in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    assert _validate(chunks) == _validate([data])


def test_utf16_odd_length_is_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes("id,text\n1,a\n".encode("utf-16") + b"\x41")
    with pytest.raises(InputError) as exc:
        open_tabular(path)
    assert code_of(exc) == "E106"


# ------------------------------------------------------------------------------------------ delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str, suffix: str) -> None:
    others = "".join(d for d in ",;\t|" if d != delimiter)
    table = [["id", "text", "group"], ["1", f"has {others} inside", "a"], ["2", f"and {delimiter} too", "b"],
             ["3", "plain", "c"]]
    src = open_tabular(write_csv(tmp_path / ("d" + suffix), table, delimiter=delimiter))
    assert src.delimiter == delimiter
    assert src.format == suffix[1:]
    rows, *_ = read_all(src)
    assert rows == table[1:]


def test_sniffer_prefers_consistent_split() -> None:
    sample = "id;text\n1;hello, world\n2;a, b, c\n"
    assert _csv.sniff_delimiter(sample) == ";"
    assert _csv.sniff_delimiter("text\nhello, there\nyes\n") == ";"  # one column: keep each record whole
    assert _csv.sniff_delimiter("text\nyes\n", prefer="\t") == "\t"
    assert _csv.sniff_delimiter("a,b\n1,2\n3,\"4\n5", truncated=True) == ","


def test_one_column_file(tmp_path: Path) -> None:
    table = [["comment"], ["good, really"], ["bad; very"], [""]]
    src = open_tabular(write_csv(tmp_path / "one.csv", table, delimiter="|"))
    rows, _, rejects, _ = read_all(src)
    assert rows == table[1:] and rejects == []


# -------------------------------------------------------------------------------- records, rows, rejects


def test_multiline_quoted_fields_count_records(tmp_path: Path) -> None:
    path = tmp_path / "ml.csv"
    path.write_bytes(b'id,text\r\n1,"line one\r\nline two"\r\n2,"a\nb\nc"\r\n3,x,extra\r\n4,"last\r\n"\r\n')
    rows, locators, rejects, n = read_all(open_tabular(path))
    assert rows == [["1", "line one\r\nline two"], ["2", "a\nb\nc"], ["4", "last\r\n"]]
    assert locators == ["row 1", "row 2", "row 4"]
    assert rejects == [("row 3", "E110", "row has 3 fields; the header has 2")]
    assert n == 4


def test_ragged_rows_are_rejects_never_padded_or_shifted(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c,d\n1,2,3,4\n5,6,7\n8,9,10,11,12\n13\n14,15,16,17\n,,,\n", encoding="utf-8")
    rows, locators, rejects, n = read_all(open_tabular(path))
    assert rows == [["1", "2", "3", "4"], ["14", "15", "16", "17"], ["", "", "", ""]]
    assert locators == ["row 1", "row 5", "row 6"]
    assert rejects == [
        ("row 2", "E110", "row has 3 fields; the header has 4"),
        ("row 3", "E110", "row has 5 fields; the header has 4"),
        ("row 4", "E110", "row has 1 field; the header has 4"),
    ]
    assert n == 6


def test_blank_lines_are_not_rows(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\nid,text\n\n1,a\n\n\n2,b\n\n", encoding="utf-8")
    src = open_tabular(path)
    assert src.columns == ["id", "text"]
    rows, locators, rejects, n = read_all(src)
    assert rows == [["1", "a"], ["2", "b"]] and locators == ["row 1", "row 2"] and n == 2


def test_batches_stream_in_chunks_and_repeat(tmp_path: Path) -> None:
    table = [["id", "text"]] + [[str(i), f"t{i}"] for i in range(1, 24)]
    table.insert(10, ["bad"])
    src = open_tabular(write_csv(tmp_path / "many.csv", table))
    batches = list(src.batches(5))
    assert [b.n_rows for b in batches] == [5, 5, 5, 5, 4]
    first = read_all(src, 5)
    assert first == read_all(src, 5)
    rows, locators, rejects, n = first
    assert n == 24 and len(rows) == 23
    assert rejects == [("row 10", "E110", "row has 1 field; the header has 2")]
    assert locators == [f"row {k}" for k in range(1, 25) if k != 10]
    with pytest.raises(ValueError, match="chunk_size"):
        next(src.batches(0))


def test_header_names_are_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a, a ,b,,a,a.1\n1,2,3,4,5,6\n", encoding="utf-8")
    assert open_tabular(path).columns == ["a", "a.2", "b", "column_4", "a.3", "a.1"]
    assert unique_names(["x", "x", "x.1"]) == ["x", "x.2", "x.1"]
    assert unique_names([None, 3, "", "3"]) == ["column_1", "3", "column_3", "3.1"]


def test_a_repeated_header_is_recorded_with_the_name_it_was_read_as(tmp_path: Path, write_xlsx) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.csv"
    path.write_text("a, a ,b,,a,a.1\n1,2,3,4,5,6\n", encoding="utf-8")
    assert open_tabular(path).renamed == [("a", "a.2"), ("a", "a.3")]  # a blank header is not a repeat
    book = write_xlsx({"S": [["comment", "ward", "comment"], ["good", "A", "bad"]]})
    assert open_tabular(book).renamed == [("comment", "comment.1")]
    table = pa.Table.from_arrays([pa.array(["x"]), pa.array(["y"])], names=["text", "text"])
    pq.write_table(table, tmp_path / "dup.parquet")
    assert open_tabular(tmp_path / "dup.parquet").renamed == [("text", "text.1")]
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b,\n1,2,3\n", encoding="utf-8")
    assert open_tabular(plain).renamed == []
    # a header with spaces around it that repeats another is a repeat; a blank one is tidied, as is one with spaces
    assert open_tabular(path).tidied == [("", "column_4")]
    assert open_tabular(plain).tidied == [("", "column_3")]
    spaced = tmp_path / "spaced.csv"
    spaced.write_text(" a ,b\t,\" \"\n1,2,3\n", encoding="utf-8")
    assert open_tabular(spaced).tidied == [(" a ", "a"), ("b\t", "b"), (" ", "column_3")]
    assert open_tabular(book).tidied == []


def test_a_quote_never_closed_stops_the_file_naming_its_row(tmp_path: Path) -> None:
    """A quote opened and never closed would make the rest of the file one field: in a middle column (a row of
    the wrong width) or in the last one (a row of the right width, swallowing every later row). Either way the
    file is refused, naming the row, and nothing is read from it."""
    path = tmp_path / "q.csv"
    path.write_text('id,text,n\n1,"open,1\n2,b,2\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_all(open_tabular(path))
    assert code_of(exc) == "E119" and "row 1 opens a quotation mark that is never closed" in str(exc.value)
    last = tmp_path / "last.csv"
    rows = ["id,site,text"] + [f"{i},S{i % 3},answer number {i}" for i in range(1, 1001)]
    rows[10] = '10,S1,"I said ""fine"" but the quote is never closed'
    last.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for chunk in (7, 50_000):
        with pytest.raises(InputError) as exc:
            read_all(open_tabular(last), chunk_size=chunk)
        assert code_of(exc) == "E119" and "row 10 opens a quotation mark" in str(exc.value)


def test_a_field_opened_by_a_quote_that_closes_early_is_a_reject_not_rewritten(tmp_path: Path) -> None:
    """An export that does not quote its fields, with an answer starting with a quotation: the lenient reading
    dropped the quotation marks; now that row is a reject saying why, and the others are read as they are."""
    path = tmp_path / "s.csv"
    path.write_text('id,text\n1,He said "Brilliant" twice\n2,"Brilliant" was the word he used\n'
                    '3,"Brilliant" - "kind" - "caring"\n4,"quoted, properly"\n', encoding="utf-8")
    for chunk in (1, 2, 50_000):
        rows, locs, rejects, n = read_all(open_tabular(path), chunk_size=chunk)
        assert n == 4 and [r[1] for r in rows] == ['He said "Brilliant" twice', "quoted, properly"]
        assert locs == ["row 1", "row 4"]
        assert [(r[0], r[1]) for r in rejects] == [("row 2", "E110"), ("row 3", "E110")]
        assert "closes before the field ends" in rejects[0][2]


def test_rows_a_broken_quotation_ran_over_are_rejects_each_so_every_line_is_counted(tmp_path: Path) -> None:
    """A quotation mark opened and not closed on its line takes the lines after it into one field until a later
    quotation mark closes it and the record breaks: each of those lines is a reject of its own (with the line it
    is), so the rows after the break keep their numbers and the counts add up to the file's rows."""
    path = tmp_path / "s.csv"
    path.write_text('id,answer,site\n1,Nurses were kind,A\n2,"Parking was awful,B\n3,Food was cold,C\n'
                    '4,"Long wait",D\n5,Doctor was great,E\n', encoding="utf-8")
    for chunk in (1, 2, 50_000):
        rows, locs, rejects, n = read_all(open_tabular(path), chunk_size=chunk)
        assert n == 5 and [r[0] for r in rows] == ["1", "5"] and locs == ["row 1", "row 5"]
        assert [(r[0], r[1]) for r in rejects] == [("row 2", "E110"), ("row 3", "E110"), ("row 4", "E110")]
        assert "the record ran from line 3 to there" in rejects[0][2] and "on line 5 of the file" in rejects[0][2]
        assert "line 4 of the file is part of the record of row 2" in rejects[1][2]
    tsv = tmp_path / "s.tsv"
    tsv.write_text('id\tanswer\tsite\n1\tkind\tA\n2\t"Excellent care, I would say\tB\n3\tcold\tC\n4\twait\tD\n'
                   '5\tShe said "thanks" twice\tE\n6\tgreat\tF\n', encoding="utf-8")
    rows, locs, rejects, n = read_all(open_tabular(tsv))
    assert n == 6 and locs == ["row 1", "row 6"] and [r[0] for r in rejects] == ["row 2", "row 3", "row 4", "row 5"]


def test_the_rest_of_a_broken_answer_is_not_read_as_a_row_of_its_own(tmp_path: Path) -> None:
    """A stray quotation mark inside a quoted answer of two lines breaks the record on its first line; the
    second line (``and I felt better, said my mum",Ward 2``) would parse as a row of three fields: it is a reject
    saying whose answer it is the rest of, not an invented row."""
    path = tmp_path / "s.csv"
    path.write_text('id,answer,site\n1,Nurses were kind,Ward 1\n2,"The nurse said "don\'t worry" to me\n'
                    'and I felt better, said my mum",Ward 2\n3,Food was cold,Ward 3\n', encoding="utf-8")
    rows, locs, rejects, n = read_all(open_tabular(path))
    assert [r[0] for r in rows] == ["1", "3"] and n == len(rows) + len(rejects)
    assert [(r[0], r[1]) for r in rejects] == [("row 2", "E110"), ("row 3", "E110")]
    assert "the rest of that row's answer" in rejects[1][2] and "row 2" in rejects[1][2]


def test_field_too_large_is_e119(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("id,text\n1,ok\n2," + "x" * 500 + "\n", encoding="utf-8")
    old = csv.field_size_limit()
    monkeypatch.setattr(_csv, "FIELD_LIMIT", 100)
    try:
        csv.field_size_limit(100)
        src = open_tabular(path)
        with pytest.raises(InputError) as exc:
            read_all(src)
        assert code_of(exc) == "E119"
    finally:
        csv.field_size_limit(old)


# --------------------------------------------------------------------------------------- cell values


@pytest.mark.parametrize(("value", "text"), [
    (None, None), ("", ""), ("x", "x"), (True, "true"), (False, "false"), (3, "3"), (-12, "-12"),
    (3.0, "3"), (2.5, "2.5"), (1e20, "100000000000000000000"), (1e22, "1e+22"), (float("nan"), None), (float("inf"), "inf"),
    (dt.datetime(2024, 1, 5), "2024-01-05"), (dt.datetime(2024, 1, 5, 10, 30), "2024-01-05T10:30:00"),
    (dt.date(2024, 1, 5), "2024-01-05"), (dt.time(9, 5), "09:05:00"), (decimal.Decimal("1.50"), "1.50"),
    (b"abc", "abc"), (b"\xff\x00", "ff00"), ({"a": [1, "é"]}, '{"a": [1, "é"]}'), ([1, None], "[1, null]"),
    (pd.NaT, None), (pd.NA, None), (pd.Timestamp("2024-02-03 04:05:06"), "2024-02-03T04:05:06"),
])
def test_cell_to_str(value: object, text: str | None) -> None:
    assert cell_to_str(value) == text


def test_cell_to_str_numpy_scalars() -> None:
    import numpy as np

    assert cell_to_str(np.int64(7)) == "7"
    assert cell_to_str(np.float64(7.0)) == "7"
    assert cell_to_str(np.bool_(True)) == "true"


# ---------------------------------------------------------------------------------------------- XLSX


def test_xlsx_round_trip(write_xlsx) -> None:
    path = write_xlsx({
        "Responses": [
            ["id", "text", "score", "when", "ok"],
            [1, "Great service", 4.5, dt.datetime(2024, 3, 1), True],
            [2, SAMPLE, 3.0, dt.datetime(2024, 3, 2, 14, 0), False],
            [None, None, None, None, None],
            [4, "after a blank row", None, None, None],
        ],
        "Other": [["x"], ["y"]],
    })
    src = open_tabular(path)
    assert (src.format, src.sheet, src.encoding, src.delimiter) == ("xlsx", "Responses", None, None)
    assert src.columns == ["id", "text", "score", "when", "ok"]
    rows, locators, rejects, n = read_all(src)
    # (openpyxl gives a datetime the format yyyy-mm-dd h:mm:ss, so a spreadsheet shows its time, midnight too)
    assert rows == [["1", "Great service", "4.5", "2024-03-01T00:00:00", "true"],
                    ["2", SAMPLE, "3", "2024-03-02T14:00:00", "false"],
                    ["4", "after a blank row", None, None, None]]
    assert locators == ["Responses!row 1", "Responses!row 2", "Responses!row 4"]
    assert rejects == [] and n == 3


def test_xlsx_sheet_option(write_xlsx) -> None:
    path = write_xlsx({"First": [["a"], ["1"]], "Second sheet": [["b", "c"], ["x", "y"], ["z", "w"]]})
    src = open_tabular(path, sheet="Second sheet")
    assert src.sheet == "Second sheet" and src.columns == ["b", "c"]
    rows, locators, _, _ = read_all(src, chunk_size=1)
    assert rows == [["x", "y"], ["z", "w"]]
    assert locators == ["Second sheet!row 1", "Second sheet!row 2"]


def test_xlsx_sheet_not_found_lists_sheets(write_xlsx) -> None:
    path = write_xlsx({"First": [["a"], ["1"]], "Second": [["b"], ["2"]]})
    with pytest.raises(InputError) as exc:
        open_tabular(path, sheet="second")
    assert code_of(exc) == "E114"
    assert "'First', 'Second'" in exc.value.message and "Did you mean 'Second'" in exc.value.message


def test_xlsx_header_below_blank_rows_and_unnamed_column(write_xlsx) -> None:
    path = write_xlsx({"S": [[None], [None, None], ["id", "text", None], [1, "a", "note"], [2, "b"]]})
    src = open_tabular(path)
    assert src.columns == ["id", "text", "column_3"]
    rows, locators, rejects, _ = read_all(src)
    assert rows == [["1", "a", "note"], ["2", "b", None]]
    assert locators == ["S!row 1", "S!row 2"] and rejects == []


def test_xlsx_wrong_dimension_does_not_lose_cells(tmp_path: Path, write_xlsx) -> None:
    """A stored dimension smaller than the data (as some tools write) must not drop cells silently."""
    import re
    import zipfile

    good = write_xlsx({"S": [["id", "text"], [1, "a"], [2, "b", "stray"]]}, name="good.xlsx")
    bad = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', data)
            zout.writestr(item, data)
    rows, locators, rejects, n = read_all(open_tabular(bad))
    assert rows == [["1", "a"]]
    assert rejects == [("S!row 2", "E110", "row has a value in column C, to the right of the header's 2 columns")]
    assert n == 2


# ---------------------------------------------------------------------------------------------- JSON


def test_json_array_round_trip(tmp_path: Path) -> None:
    data = [{"id": 1, "text": SAMPLE, "score": 2.0}, {"id": 2, "text": "", "tags": ["a", "b"], "score": None},
            {"text": "nested", "meta": {"k": [1, {"z": True}]}, "ok": False}]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    src = open_tabular(path)
    assert src.columns == ["id", "text", "score", "tags", "meta", "ok"]
    rows, locators, rejects, n = read_all(src, chunk_size=2)
    assert rows == [["1", SAMPLE, "2.0", None, None, None],  # a number as the file writes it
                    ["2", "", None, '["a", "b"]', None, None],
                    [None, "nested", None, None, '{"k": [1, {"z": true}]}', "false"]]
    assert locators == ["row 1", "row 2", "row 3"] and rejects == [] and n == 3


def test_json_object_with_one_array(tmp_path: Path) -> None:
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"survey": "s1", "meta": {"n": 2}, "tags": [1, 2],
                                "responses": [{"text": "a"}, {"text": "b", "x": 1}], "after": [3]}),
                    encoding="utf-16")
    src = open_tabular(path)
    assert src.encoding == "utf-16" and src.columns == ["text", "x"]
    rows, locators, _, _ = read_all(src)
    assert rows == [["a", None], ["b", "1"]] and locators == ["row 1", "row 2"]


@given(
    records=st.lists(st.dictionaries(
        st.sampled_from(["id", "text", "n", "nested", "é"]),
        st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                  max_size=3),
                      max_leaves=6),
        max_size=4), min_size=1, max_size=8),
    number=st.integers() | st.floats(allow_nan=False, allow_infinity=False),
    indent=st.sampled_from([None, 0, 2]),
    chunk=st.integers(1, 9),
)
@settings(max_examples=60, deadline=None)
def test_json_scanner_matches_json_loads(records: list[dict], number: float, indent: int | None,
                                         chunk: int) -> None:
    text = json.dumps({"n": number, "rows": records, "m": number}, indent=indent, ensure_ascii=False)
    scanner = _json._Scanner(io.StringIO(text), "t.json", chunk=chunk)
    got: dict = {}
    for key in scanner.members():
        got[key] = list(scanner.items()) if key == "rows" else scanner.value()
    scanner.end()
    assert got == json.loads(text)


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_json_scanner_error_location_independent_of_chunks(chunk: int) -> None:
    text = '[\n  {"a": 1},\n  {"b": 12345,\n   "c": tru}\n]'
    with pytest.raises(InputError, match=r"line 4, column 9"):
        list(_json._Scanner(io.StringIO(text), "t.json", chunk=chunk).items())


def test_a_key_repeated_in_a_json_object_keeps_both_values(tmp_path: Path) -> None:
    array = tmp_path / "dup.json"
    array.write_text('[{"id": 1, "comment": "first", "comment": "second", "comment.1": "taken"},'
                     ' {"id": 2, "comment": "only", "meta": {"k": 1, "k": 2}}]', encoding="utf-8")
    src = open_tabular(array)
    assert src.columns == ["id", "comment", "comment.2", "comment.1", "meta"]
    assert src.renamed == [("comment", "comment.2"), ("k", "k.1")]
    rows, _, _, _ = read_all(src)
    assert rows[0][:4] == ["1", "first", "second", "taken"]
    assert json.loads(rows[1][4]) == {"k": 1, "k.1": 2}  # nested values keep both as well
    lines = tmp_path / "dup.jsonl"
    lines.write_text('{"id": 1, "c": "a", "c": "b"}\n{"id": 2, "c": "x"}\n', encoding="utf-8")
    src = open_tabular(lines)
    assert src.columns == ["id", "c", "c.1"] and src.renamed == [("c", "c.1")]
    assert read_all(src)[0] == [["1", "a", "b"], ["2", "x", None]]
    plain = tmp_path / "plain.json"
    plain.write_text('[{"id": 1, "c": "a"}]', encoding="utf-8")
    assert open_tabular(plain).renamed == []


def test_jsonl_rejects_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1, "text": "a"}\n\n{"id": 2, "text": \n[1, 2]\n{"text": "b", "extra": 3.5}\r\n',
                    encoding="utf-8")
    src = open_tabular(path)
    assert src.format == "jsonl" and src.columns == ["id", "text", "extra"]
    rows, locators, rejects, n = read_all(src)
    assert rows == [["1", "a", None], [None, "b", "3.5"]]
    assert locators == ["row 1", "row 4"]
    assert [r[:2] for r in rejects] == [("row 2", "E116"), ("row 3", "E117")]
    assert "line 3" in rejects[0][2] and "line 4" in rejects[1][2]
    assert n == 4


def test_a_jsonl_line_with_a_raw_control_character_says_where_once(tmp_path: Path) -> None:
    """The json module's message "Invalid control character at" already ends in "at": the reject reads "...
    character at column 15", not "at at"."""
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"id": 1, "text": "a"}\n{"id": 2, "text": "tab\there"}\n')
    _, _, rejects, _ = read_all(open_tabular(path))
    assert [r[:2] for r in rejects] == [("row 2", "E116")]
    assert "control character at column" in rejects[0][2] and "at at" not in rejects[0][2]


def test_ndjson_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text('{"t": "x"}\n{"t": "y"}', encoding="utf-8-sig")
    src = open_tabular(path)
    assert src.format == "ndjson" and src.encoding == "utf-8-sig"
    assert read_all(src)[0] == [["x"], ["y"]]


# ------------------------------------------------------------------------------------------- Parquet


def test_parquet_round_trip_in_row_groups(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 25
    table = pa.table({
        "id": pa.array(list(range(n)), pa.int64()),
        "text": pa.array([None if i == 3 else f"t{i} {SAMPLE}" for i in range(n)]),
        "score": pa.array([i / 2 for i in range(n)]),
        "when": pa.array([dt.datetime(2024, 1, 1 + i % 28, 12 if i % 2 else 0) for i in range(n)]),
        "flag": pa.array([i % 2 == 0 for i in range(n)]),
        "cat": pa.array(["x", "y", "x", "z", "y"] * 5).dictionary_encode(),
        "tags": pa.array([[i, i + 1] for i in range(n)]),
    })
    path = tmp_path / "a.parquet"
    pq.write_table(table, path, row_group_size=7)
    src = open_tabular(path)
    assert src.columns == ["id", "text", "score", "when", "flag", "cat", "tags"]
    rows, locators, rejects, total = read_all(src, chunk_size=4)
    assert total == n and rejects == [] and locators == [f"row {i}" for i in range(1, n + 1)]
    assert rows[0] == ["0", f"t0 {SAMPLE}", "0", "2024-01-01T00:00:00", "true", "x", "[0, 1]"]
    assert rows[3] == ["3", None, "1.5", "2024-01-04T12:00:00", "false", "z", "[3, 4]"]


def test_parquet_without_rows_is_e104(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"text": pa.array([], pa.string())}), path)
    with pytest.raises(InputError) as exc:
        open_tabular(path)
    assert code_of(exc) == "E104"


# ------------------------------------------------------------------------------------------ narrative


def test_text_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(f"First line\r\nsame paragraph\r\n\r\n \t\r\nSecond: {SAMPLE}\r\n\r\n\r\nThird\n".encode("cp1252"))
    assert read_narrative(path) == [
        Passage("paragraph 1", "First line\nsame paragraph"),
        Passage("paragraph 2", f"Second: {SAMPLE}"),
        Passage("paragraph 3", "Third"),
    ]


def test_a_form_feed_in_text_is_a_paragraph_break_and_not_stored(tmp_path: Path) -> None:
    """A form feed (a page break, as pdftotext writes) splits paragraphs even without a blank line, and the
    passages hold no form feed, so that what their sentences point into is plain text."""
    path = tmp_path / "report.txt"
    path.write_bytes(b"Summary of findings for the first term.\n\x0cAppendix B: survey instrument.\n"
                     b"Page two goes on. \x0c Page three.\x0c\x0c\nPage four.\n")
    assert read_narrative(path) == [
        Passage("paragraph 1", "Summary of findings for the first term."),
        Passage("paragraph 2", "Appendix B: survey instrument.\nPage two goes on."),
        Passage("paragraph 3", "Page three."),
        Passage("paragraph 4", "Page four."),
    ]


REF_LINES = ["Details of the impact",
             "The review of the service was published in May 2012 and it was read widely across the",
             "region. The Director of Adult Services at the City Council wrote in a letter to the",
             "team that the study was 'the single clearest account of the problem that we have had",
             "in a decade' (C3). The council then changed its rules for the whole of the county and",
             "adopted the toolkit in every one of its twelve district offices over the next two years.",
             "The board welcomed the change and asked the team to repeat the study in the next year",
             "so that the effects could be followed for a longer time than had been planned at first.",
             "Sources to corroborate the impact",
             "(C3) Letter from the Director of Adult Services, City Council, 2013."]


def test_double_spaced_text_is_split_into_paragraphs_not_lines(tmp_path: Path) -> None:
    """A case study exported with a blank line after every wrapped line: a blank line ends a paragraph only
    after a sentence end or a heading, so sentences and quotations stay whole in one passage."""
    path = tmp_path / "case.txt"
    path.write_text("\r\n\r\n".join(REF_LINES) + "\r\n", encoding="utf-8")
    texts = [p.text for p in read_narrative(path)]
    assert texts[0] == "Details of the impact"
    assert texts[-2:] == ["Sources to corroborate the impact", REF_LINES[-1]]
    body = texts[1:-2]
    assert " ".join(" ".join(body).split()) == " ".join(REF_LINES[1:-2])  # nothing lost, nothing added
    assert any("'the single clearest account of the problem that we have had in a decade' (C3)" in
               " ".join(t.split()) for t in body)
    assert len(body) <= 2 and len(texts) <= 5  # not one passage per line


def test_long_answers_and_headings_one_to_a_paragraph_are_not_joined(tmp_path: Path) -> None:
    """Lines of wrapping length with a blank line after each, none ending in a full stop: a line that ends on a
    content word before a capitalised line is a whole answer (or a heading), not a wrap; a wrap after "by"
    or a title ("led by Professor" + "Smith, who ...") is."""
    answers = [f"The staff on the {w} ward were kind and they listened to everything I had to say" for w in
               ("north", "south", "east", "west", "day", "night", "surgical", "medical")]
    path = tmp_path / "answers.txt"
    path.write_text("\n\n".join(answers) + "\n", encoding="utf-8")
    assert [p.text for p in read_narrative(path)] == answers
    lines = ["Underpinning research on hydrological modelling of river catchments in the UK",
             "The research was carried out between 1998 and 2012 by a team led by Professor",
             "Smith, who developed new models of river flow that were adopted nationally across",
             "England and Wales. The models were adopted by the Agency in 2009 and are used in all",
             "of its regional offices, according to a letter from its chief scientist in 2013.",
             "The Agency also trained its staff in the use of the models at four regional events",
             "attended by more than two hundred planners from the local flood partnerships.",
             "Each partnership now uses them when it reviews its plans for the coming year."]
    path = tmp_path / "case.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    texts = [" ".join(p.text.split()) for p in read_narrative(path)]
    assert texts[0] == lines[0]  # the heading stands alone
    assert texts[1].startswith("The research was carried out") and "led by Professor Smith, who" in texts[1]
    assert " ".join(texts) == " ".join(lines)


@pytest.mark.parametrize("lines", [
    ["The survey team visited each of the harbour villages in the spring of 2019.",
     "Its first report, 'Silt and the small harbours, was sent to the board in May.",
     "The board replied that it would change the dredging schedule the next winter.",
     "The ferry operators' association welcomed the change in its own newsletter."],
    ["The survey team visited each of the harbour villages in the spring of 2019.",
     "Its first report, 'Silt and the small harbours\" was sent to the board in May.",
     "The board replied that it would change the dredging schedule the next winter.",
     "The ferry operators welcomed the 'winter' plan in their own newsletter too."],
    ["Three documents corroborate the change to the dredging schedule of the board.",
     "1. Report of the survey team, \"Silt and the small harbours of the north coast.",
     "Published by the county in May 2019 with maps of every harbour and its slipway.",
     "2. Minutes of the harbour board meeting of June 2019, item 4, \"Winter dredging\".",
     "The minutes record the vote of the board and the cost of the new contract too."],
], ids=["plural apostrophe", "unpaired double mark", "list items"])
def test_a_stray_quotation_mark_does_not_join_double_spaced_paragraphs(tmp_path: Path, lines: list[str]) -> None:
    """A quotation that goes on past a blank line joins the lines, but a mark left open (a title's mark never
    closed) is not paired with a plural's apostrophe, a mark where no quotation can close, or one in a later
    list item: those lines are no quotation and stay apart."""
    path = tmp_path / "case.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    assert [p.text for p in read_narrative(path)] == lines


def test_short_answers_one_to_a_paragraph_are_not_joined(tmp_path: Path) -> None:
    """Text with a blank line after every line whose lines are short (answers, not wrapped prose) keeps each
    line apart, even without full stops."""
    answers = ["Great staff and kind nurses", "Parking was awful on Monday", "The food could be warmer",
               "Nothing to improve", "Waited too long for the doctor", "Very clean ward", "Lovely reception staff",
               "More chairs in the waiting room", "Better signs to the clinic", "Thank you all"]
    path = tmp_path / "answers.txt"
    path.write_text("\n\n".join(answers) + "\n", encoding="utf-8")
    assert [p.text for p in read_narrative(path)] == answers


def test_markdown_paragraphs_utf16(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("# Impact\n\nWe reached *1,200* people.\n\n- one\n- two\n", encoding="utf-16")
    assert [p.text for p in read_narrative(path)] == ["# Impact", "We reached *1,200* people.", "- one\n- two"]


def test_docx_body_order_and_tables(write_docx) -> None:
    path = write_docx(["Opening paragraph", "", [["Name", "Comment"], ["Ann", "Very helpful"]], "Between",
                       [["only"]], "Closing: " + SAMPLE])
    assert read_narrative(path) == [
        Passage("paragraph 1", "Opening paragraph"),
        Passage("table 1 row 1 cell 1", "Name"),
        Passage("table 1 row 1 cell 2", "Comment"),
        Passage("table 1 row 2 cell 1", "Ann"),
        Passage("table 1 row 2 cell 2", "Very helpful"),
        Passage("paragraph 2", "Between"),
        Passage("table 2 row 1 cell 1", "only"),
        Passage("paragraph 3", "Closing: " + SAMPLE),
    ]


def test_docx_merged_cell_read_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "head"
    merged = table.cell(1, 0).merge(table.cell(1, 2))
    merged.text = "wide"
    path = tmp_path / "m.docx"
    document.save(path)
    assert read_narrative(path) == [Passage("table 1 row 1 cell 1", "head"),
                                    Passage("table 1 row 2 cell 1", "wide")]


def test_pdf_pages(write_pdf) -> None:
    path = write_pdf([["Page one (first)", "second line"], [], ["Page three"]])
    passages = read_narrative(path)
    assert [p.locator for p in passages] == ["page 1", "page 2", "page 3"]
    assert "Page one (first)" in passages[0].text and "second line" in passages[0].text
    assert passages[1].text.strip() == ""
    assert "Page three" in passages[2].text


def test_encrypted_pdf_is_e111(write_pdf) -> None:
    path = write_pdf([["secret text"]], name="locked.pdf", user_password="pw", owner_password="owner")
    with pytest.raises(InputError) as exc:
        read_narrative(path)
    assert code_of(exc) == "E111"
    assert "password-protected" in exc.value.message and "qpdf" in exc.value.message


def test_pdf_with_only_an_owner_password_is_read(write_pdf) -> None:
    path = write_pdf([["open to read"]], name="owner.pdf", user_password="", owner_password="owner")
    assert "open to read" in read_narrative(path)[0].text


def test_pdf_without_text_is_e118(write_pdf) -> None:
    with pytest.raises(InputError) as exc:
        read_narrative(write_pdf([[], []], name="scan.pdf"))
    assert code_of(exc) == "E118" and "OCR" in exc.value.message


# ------------------------------------------------------------------------------------ property tests

_SPECIAL = st.sampled_from([",", ";", "\t", "|", '"', "\n", "\r", "\r\n", " ", "''", "é", "€"])
_CELL_UTF8 = st.lists(st.one_of(_SPECIAL, st.characters(codec="utf-8", exclude_characters="\x00")),
                      max_size=12).map("".join)
_CELL_CP1252 = st.lists(st.one_of(_SPECIAL, st.characters(codec="cp1252", exclude_characters="\x00")),
                        max_size=12).map("".join)


@st.composite
def _tables(draw: st.DrawFn, cell: st.SearchStrategy[str]) -> list[list[str]]:
    width = draw(st.integers(1, 4))
    body = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=12))
    return [[f"col{i}" for i in range(1, width + 1)]] + body


def _check_round_trip(table: list[list[str]], encoding: str, delimiter: str, terminator: str, chunk: int) -> None:
    if terminator == "\n":  # csv.writer leaves a lone "\r" unquoted unless it is part of the line terminator
        table = [[cell.replace("\r", "") for cell in row] for row in table]
    # a file ending in Ctrl-Z (then perhaps a line break) ends with the DOS end-of-file mark, which is dropped by
    # design (see tests/cli/test_classify_inputs.py): a last cell ending in that character cannot round-trip
    assume(not table[-1][-1].rstrip("\r\n").endswith("\x1a"))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_csv(Path(tmp) / "t.csv", table, encoding=encoding, delimiter=delimiter,
                         lineterminator=terminator)
        data = path.read_bytes()
        if encoding == "cp1252":  # Windows-1252 text that starts like UTF-8 is read as UTF-8 (or refused as mixed),
            assume(not _starts_as_utf8(data))  # and one that holds a UTF-8 character after it is refused as mixed
            assume(not _UTF8_EVIDENCE_RE.search(data))
            # and one whose bytes read as the signs of Mac Roman or code page 850 ("A\x82," is "Aé," there and
            # "A‚," here) is read as that code page, by design (tested on its own with real-looking text)
            assume(_legacy_single_byte(data) == "cp1252")
        src = open_tabular(path)
        if len(table[0]) > 1:
            assert src.delimiter == delimiter
        rows, locators, rejects, n = read_all(src, chunk)
    assert rows == table[1:]
    assert rejects == []
    assert n == len(table) - 1
    assert locators == [f"row {i}" for i in range(1, n + 1)]


def _starts_as_utf8(data: bytes) -> bool:
    """True if the bytes decode as UTF-8 and are not ASCII, or those before the first invalid UTF-8 byte hold a
    sequence that is evidence of UTF-8 (see ``_UTF8_EVIDENCE_RE``)."""
    try:
        data.decode("utf-8")
        return not data.isascii()
    except UnicodeDecodeError as err:
        return bool(_UTF8_EVIDENCE_RE.search(data[: err.start]))


@given(table=_tables(_CELL_UTF8), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be+bom"]),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), terminator=st.sampled_from(["\r\n", "\n"]),
       chunk=st.integers(1, 5))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_csv_round_trip_unicode(table: list[list[str]], encoding: str, delimiter: str, terminator: str,
                                chunk: int) -> None:
    _check_round_trip(table, encoding, delimiter, terminator, chunk)


@given(table=_tables(_CELL_CP1252), delimiter=st.sampled_from([",", ";", "\t", "|"]), chunk=st.integers(1, 5))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
def test_csv_round_trip_cp1252(table: list[list[str]], delimiter: str, chunk: int) -> None:
    _check_round_trip(table, "cp1252", delimiter, "\r\n", chunk)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_lone_surrogate_escape_is_a_reject_and_a_pair_is_a_character(tmp_path: Path, suffix: str) -> None:
    """A \\u escape for half of a character pair (an emoji cut in two by the program that wrote the file) is not
    text: its row is a reject (E139) naming the column, the other rows are read, and a whole pair (\\ud83d\\ude00)
    is the character it stands for. It used to end the whole file in a traceback when the rows were stored."""
    records = ['{"id": 1, "answer": "lone \\ud83d surrogate"}', '{"id": 2, "answer": "smile \\ud83d\\ude00"}',
               '{"id": 3, "answer": "fine", "note": "x\\udc00"}']
    text = "\n".join(records) + "\n" if suffix == ".jsonl" else "[" + ",\n".join(records) + "]\n"
    path = tmp_path / f"cut{suffix}"
    path.write_text(text, encoding="utf-8")
    rows, locators, rejects, n = read_all(open_tabular(path), 2)
    assert n == 3 and locators == ["row 2"]
    assert rows[0][1] == "smile \U0001F600"
    assert [(loc, code) for loc, code, _ in rejects] == [("row 1", "E139"), ("row 3", "E139")]
    assert "'answer'" in rejects[0][2] and "\\ud83d" in rejects[0][2] and "'note'" in rejects[1][2]


def test_a_json_file_with_a_cut_character_is_ingested_with_its_reject(cli, db_path, tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_text('{"id": 1, "answer": "lone \\ud83d surrogate"}\n{"id": 2, "answer": "The nurses were kind."}\n',
                    encoding="utf-8")
    result = cli("ingest", str(path), "--text", "answer")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT text FROM documents").fetchall() == [("The nurses were kind.",)]
        assert con.execute("SELECT code FROM rejects").fetchall() == [("E139",)]


def test_a_quote_never_closed_is_named_in_the_reject_of_the_row_it_swallowed(tmp_path: Path) -> None:
    """An opening quote with no closing one joins the lines after it into one field: that row is a reject whose
    reason says so (it used to say only how many fields the row had); a short ragged row keeps the plain reason."""
    path = tmp_path / "quote.csv"
    lines = ["id,answer,ward", '1,"Kind staff,W1', *[f"{i},Fine,W{i}" for i in range(2, 8)], '8,Fine","x",W8',
             "9,Good,W9"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows, locators, rejects, n = read_all(open_tabular(path))
    assert rows == [["9", "Good", "W9"]] and n == 2
    (loc, code, reason), = rejects
    assert (loc, code) == ("row 1", "E110") and "runs over 8 lines" in reason and "never closed" in reason
    path.write_text("id,answer,ward\n1,Kind staff\n2,Fine,W2\n", encoding="utf-8")
    rows, locators, rejects, n = read_all(open_tabular(path))
    assert rejects == [("row 1", "E110", "row has 2 fields; the header has 3")] and rows == [["2", "Fine", "W2"]]


def test_xlsx_whole_numbers_keep_the_zeros_their_format_shows(tmp_path: Path) -> None:
    """An id stored as a number and shown with leading zeros by a ``00000`` format is read as shown (the
    zeros are part of the id); other numbers are read as stored, whatever their format shows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "S"
    sheet.append(["id", "text", "score"])
    rows = [(123, "a", 12.5), (45678.0, "b", 3), (1234567, "c", -12), (0, "d", 7), ("007", "e", None),
            (-42, "f", 0.5), (2**60, "g", 1)]
    for row in rows:
        sheet.append(list(row))
    for r in range(2, 2 + len(rows)):
        sheet.cell(r, 1).number_format = "00000"
        sheet.cell(r, 3).number_format = "0" if r % 2 else "000"
    sheet.cell(2, 3).number_format = "00000"  # 12.5 shown as 00013: not a whole number, kept as stored
    path = tmp_path / "ids.xlsx"
    book.save(path)
    got, _, rejects, _ = read_all(open_tabular(path))
    assert rejects == []
    # (a number past 2**53 is stored as an inexact double and read as one, padded or not)
    assert [r[0] for r in got] == ["00123", "45678", "1234567", "00000", "007", "-00042", "1152921504606847000"]
    assert [r[2] for r in got] == ["12.5", "3", "-012", "7", None, "0.5", "001"]


def test_xlsx_text_round_trips_through_workbook_escapes(tmp_path: Path) -> None:
    """Workbooks write characters XML cannot hold as ``_xHHHH_`` and Excel reads those back as the characters:
    evalnlp's own workbooks read back exactly (control characters, and text that merely looks like an escape),
    and a workbook holding escapes as another program wrote them is read as Excel reads it."""
    import openpyxl

    from evalnlp.tablefile import write_table

    values = ["a\x01b\x0bc", "_x0041_ stays", "a_x00", "_x005F_", "plain", "😀 and _xD83D_", "x_x12345_"]
    path = tmp_path / "out.xlsx"
    write_table(pd.DataFrame({"text": values, "col_x0041_": ["1"] * len(values)}), path)
    src = open_tabular(path)
    assert src.columns == ["text", "col_x0041_"]
    got, _, rejects, _ = read_all(src)
    assert rejects == [] and [r[0] for r in got] == values

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["text"])
    for raw in ["_x0041_", "_x005F_x0041_", "_xD83D__xDE00_", "_xD800_ alone", "no escape"]:
        sheet.append([raw])
    other = tmp_path / "other.xlsx"
    book.save(other)
    got, _, _, _ = read_all(open_tabular(other))
    assert [r[0] for r in got] == ["A", "_x0041_", "😀", "_xD800_ alone", "no escape"]


def test_a_json_key_with_spaces_around_it_is_read_as_a_header_is(tmp_path: Path) -> None:
    """``"text "`` in one object and ``"text"`` in others are one column, as a CSV header with spaces is; an
    object holding both keeps both (the tidied one as ``text.1``); nested keys are left as they are."""
    lines = ['{"id": 1, "text": "first answer"}', '{"id": 2, "text ": "second answer", "n": {" a ": 1}}',
             '{"id": 3, "text": "a", " text": "b"}']
    jsonl = tmp_path / "k.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    array = tmp_path / "k.json"
    array.write_text("[" + ",".join(lines) + "]", encoding="utf-8")
    for path in (jsonl, array):
        src = open_tabular(path)
        assert src.columns == ["id", "text", "n", "text.1"]
        assert src.tidied == [("text ", "text")] and (" text", "text.1") in src.renamed
        rows, _, rejects, n = read_all(src, chunk_size=2)
        assert n == 3 and rejects == []
        assert [r[:2] for r in rows] == [["1", "first answer"], ["2", "second answer"], ["3", "a"]]
        assert rows[1][2] == '{" a ": 1}' and rows[2][3] == "b"
    plain = tmp_path / "plain.jsonl"
    plain.write_text('{"id": 1, "text": "x"}\n', encoding="utf-8")
    assert open_tabular(plain).tidied == []


def test_json_nested_too_deeply_is_a_numbered_error_or_a_rejected_line(tmp_path: Path) -> None:
    deep = "[" * 3000 + "]" * 3000
    doc = tmp_path / "deep.json"
    doc.write_text('[{"id": 1, "text": "ok", "meta": ' + deep + "}]", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_all(open_tabular(doc))
    assert code_of(exc) == "E112" and "nested too deeply" in str(exc.value)
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"id": 1, "text": "kept"}\n{"id": 2, "text": "x", "meta": ' + deep + '}\n'
                     '{"id": 3, "text": "kept too"}\n', encoding="utf-8")
    rows, locs, rejects, n = read_all(open_tabular(lines))
    assert n == 3 and [r[1] for r in rows] == ["kept", "kept too"]
    assert [(r[0], r[1]) for r in rejects] == [("row 2", "E116")] and "nested too deeply" in rejects[0][2]


def test_docx_text_word_shows_is_read_also_inside_insertions_controls_fields_and_nested_tables(tmp_path):
    """Text Word shows in a paragraph is read whatever wraps its runs (a tracked insertion, an inline content
    control, a field's result, a hyperlink); deleted text is not; a table inside a cell is read into the cell."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from evalnlp.ingest._documents import read_docx

    doc = docx.Document()
    p = doc.add_paragraph("The course reached ")
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="A"><w:r><w:delText>some </w:delText></w:r>'
                          "</w:del>"))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="A"><w:r><w:t xml:space="preserve">over 500 '
                          "</w:t></w:r></w:ins>"))
    p.add_run("nurses in 2023.")
    q = doc.add_paragraph("Programme: ")
    q._p.append(parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent><w:r><w:t>Leading Together</w:t></w:r>'
                          "</w:sdtContent></w:sdt>"))
    q._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>, page 7</w:t></w:r>'
                          "</w:fldSimple>"))
    plain = doc.add_paragraph("Plain text with a tab\there.")
    t = doc.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "North"
    t.cell(0, 1).text = "Outer cell text"
    t.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "Nested table text"
    path = tmp_path / "tracked.docx"
    doc.save(path)
    texts = {p.locator: p.text for p in read_docx(path)}
    assert texts["paragraph 1"] == "The course reached over 500 nurses in 2023."
    assert texts["paragraph 2"] == "Programme: Leading Together, page 7"
    assert texts["paragraph 3"] == plain.text == "Plain text with a tab\there."
    assert texts["table 1 row 1 cell 2"].startswith("Outer cell text\nNested table text")


def test_docx_paragraph_mark_deleted_runs_on_and_a_placeholder_is_not_text(tmp_path):
    """A paragraph mark deleted as a tracked change: with the changes accepted, as Word shows them, the paragraph
    runs on into the next, so a quotation split there is one passage (it was stored cut at the mark); a content
    control still showing its placeholder ("Click or tap here to enter text.") is the form's prompt, not text."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from evalnlp.ingest._documents import read_docx

    doc = docx.Document()
    field = doc.add_paragraph("Programme name: ")
    field._p.append(parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r>'
                              "<w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt>"))
    doc.element.body.append(parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>'
        "<w:t>Click or tap here to enter text.</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    first = doc.add_paragraph('As one matron said, "the programme gave us the confidence to lead ')
    first._p.get_or_add_pPr().append(parse_xml(f'<w:rPr {nsdecls("w")}><w:del w:id="9" w:author="A"/></w:rPr>'))
    doc.add_paragraph('change on our own wards, every single day" [S4].')
    doc.add_paragraph("The next paragraph.")
    path = tmp_path / "form.docx"
    doc.save(path)
    assert [(p.locator, p.text) for p in read_docx(path)] == [
        ("paragraph 1", "Programme name: "),
        ("paragraph 2", 'As one matron said, "the programme gave us the confidence to lead change on our own wards, '
                        'every single day" [S4].'),
        ("paragraph 3", "The next paragraph.")]


def test_windows_1252_with_a_capital_or_sharp_s_before_a_curly_quote_is_not_taken_for_mixed(tmp_path: Path) -> None:
    """"Spaß“" in Windows-1252 is DF 93, which is also a valid (rare) UTF-8 character: such pairs are not taken
    as evidence of UTF-8, so the file is read as the Windows-1252 it is; a real UTF-8 character beside a
    Windows-1252 byte is still refused as mixed."""
    path = tmp_path / "de.csv"
    path.write_bytes(b"id,text\n1,Es hat viel Spa\xdf\x93 gemacht \x84wirklich\x93.\n2,Gr\xfc\xdfe \xc9\x85 und \xdf\x97\n")
    src = open_tabular(path)
    assert src.encoding == "cp1252"
    rows, _, rejects, _ = read_all(src)
    assert [r[1] for r in rows] == ["Es hat viel Spa\u00df\u201c gemacht \u201ewirklich\u201c.",
                                   "Gr\u00fc\u00dfe \u00c9\u2026 und \u00df\u2014"] and rejects == []
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(b"id,text\n1,caf\xc3\xa9\n2,na\xefve\n")
    with pytest.raises(InputError) as exc:
        open_tabular(mixed)
    assert code_of(exc) == "E106"


def test_json_numbers_are_read_as_the_file_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text('{"id": 1, "t": "Kind staff.", "a": 1.10, "b": 1e5, "c": -0.0, "d": 12345678901234567890.5, '
                    '"e": 3, "f": NaN}\n', encoding="utf-8")
    rows, _, _, _ = read_all(open_tabular(path))
    assert rows == [["1", "Kind staff.", "1.10", "1e5", "-0.0", "12345678901234567890.5", "3", None]]


def test_json_numbers_inside_nested_values_and_infinities_are_kept_as_written(tmp_path: Path) -> None:
    """A nested object or list is kept as JSON text, its numbers as the file writes them (``1.10`` was ``1.1``,
    ``1e5`` was ``100000.0``); ``Infinity`` is ``Infinity`` (was ``inf``); NaN is still a missing value."""
    path = tmp_path / "n.json"
    path.write_text('[{"id": 1, "t": "Kind staff.", "s": {"q1": 1.10, "q2": 1e5, "r": 12345678901234567890.5, '
                    '"n": [2.50, 3, "x", null, true]}, "u": [2.50, 3.0], "i": Infinity, "j": -Infinity, '
                    '"k": NaN}]', encoding="utf-8")
    rows, _, _, _ = read_all(open_tabular(path))
    assert rows == [["1", "Kind staff.",
                     '{"q1": 1.10, "q2": 1e5, "r": 12345678901234567890.5, "n": [2.50, 3, "x", null, true]}',
                     "[2.50, 3.0]", "Infinity", "-Infinity", None]]
    assert json.loads(rows[0][2])["q2"] == 1e5  # still JSON


def test_parquet_single_precision_numbers_read_as_they_show(tmp_path: Path) -> None:
    """A float32 0.1 is 0.1 (its shortest text), not the double 0.10000000149011612 it widens to."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["1", "2", "3"], "text": ["a", "b", "c"],
                      "x": pa.array([0.1, 2.0, float("nan")], pa.float32())})
    pq.write_table(table, tmp_path / "f.parquet")
    rows, _, _, _ = read_all(open_tabular(tmp_path / "f.parquet"))
    assert [r[2] for r in rows] == ["0.1", "2", None]


def test_formulas_a_spreadsheet_never_calculated_are_counted_and_announced(tmp_path: Path, cli) -> None:
    """A workbook written by a program holds formulas without their values: they read as empty, and the user is
    told why (rather than only "the text is empty"); a workbook whose formulas were calculated is not flagged."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    ws.append(["id", "text", "site"])
    ws.append([1, '=C3&" "&C3', "North"])
    ws.append([2, "The staff were kind.", '=UPPER("south")'])
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert open_tabular(path).uncalculated == 2
    from evalnlp.ingest._xlsx import _scan_sheet

    assert [_scan_sheet(path, "xl/worksheets/sheet1.xml", chunk=c).uncalculated for c in (7, 64, 300)] == [2, 2, 2]
    result = cli("ingest", str(path), "--text", "text", "--id", "id")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "2 formula cells of the sheet hold no computed value" in said
    with zipfile.ZipFile(path) as zf:  # the same workbook as a spreadsheet saves it: each formula with its value
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/sheet"))
    members[sheet] = members[sheet].replace(b"<v></v>", b"<v>7</v>").replace(b"<v />", b"<v>7</v>")
    calculated = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(calculated, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert open_tabular(calculated).uncalculated == 0


def test_json_lines_saved_as_json_is_named_so(tmp_path: Path) -> None:
    """One object a line in a .json file was refused as an object holding no array, naming the first line's
    members: the message says it is JSON Lines and to name it .jsonl; the same bytes as .jsonl are read."""
    text = '{"id":1,"answer":"Kind staff"}\n{"id":2,"answer":"Long wait"}\n'
    (tmp_path / "e.json").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        open_tabular(tmp_path / "e.json")
    assert code_of(exc) == "E113" and "JSON Lines" in str(exc.value) and ".jsonl" in str(exc.value)
    (tmp_path / "e.jsonl").write_text(text, encoding="utf-8")
    rows, _, _, n = read_all(open_tabular(tmp_path / "e.jsonl"))
    assert n == 2
    (tmp_path / "one.json").write_text('{"id": 1}\n', encoding="utf-8")  # one object: the message as before
    with pytest.raises(InputError) as exc:
        open_tabular(tmp_path / "one.json")
    assert "holds no array of objects" in str(exc.value)


def test_mac_roman_and_dos_exports_are_read_as_written_not_as_windows_1252(tmp_path: Path) -> None:
    """Excel for Mac's "CSV (Macintosh)" (Mac Roman) and a DOS code page 850 export were read as Windows-1252
    without a word ("nurseÕs", "œ12"): their signs (an apostrophe inside a word, curly quotes, a pound sign
    before a figure) are recognised; Windows-1252 text with the same letters in their own places stays so."""
    mac = "id,answer\r1,The nurse\u2019s care was \u201cexcellent\u201d \u2013 thank you\r2,Caf\u00e9 staff\u2019s kindness\r"
    (tmp_path / "mac.csv").write_bytes(mac.encode("mac_roman"))
    src = open_tabular(tmp_path / "mac.csv")
    assert src.encoding == "mac_roman"
    rows, _, _, _ = read_all(src)
    assert rows[0][1] == "The nurse\u2019s care was \u201cexcellent\u201d \u2013 thank you"
    dos = "id,answer\r\n1,Parking cost \u00a312 a day\r\n2,\"Caf\u00e9 closed, \u00a35 for tea\"\r\n"
    (tmp_path / "dos.csv").write_bytes(dos.encode("cp850"))
    src = open_tabular(tmp_path / "dos.csv")
    assert src.encoding == "cp850" and read_all(src)[0][1][1] == "Caf\u00e9 closed, \u00a35 for tea"
    win = ("id,answer\r\n1,The nurse\u2019s care was \u201cexcellent\u201d \u2013 S\u00c3O PAULO \u00d3RG\u00c3O "
           "Caf\u00e9 \u00a312\r\n2,Jo\u00e3o said \u201cobrigado\u201d\r\n")
    (tmp_path / "win.csv").write_bytes(win.encode("cp1252"))
    src = open_tabular(tmp_path / "win.csv")
    assert src.encoding == "cp1252" and read_all(src)[0][0][1].startswith("The nurse\u2019s care")


def test_a_mac_roman_export_whose_signs_come_late_is_still_read_as_mac_roman(tmp_path: Path) -> None:
    """The Mac Roman signs were looked for in the first 64 KiB only: an export whose first 300 answers are plain
    ASCII and whose last 100 have apostrophes and curly quotes was read as Windows-1252 ("nurseÕs", "ÒexcellentÓ")
    without a word. The whole file is now weighed."""
    plain = "".join(f"{i},Answer {i}: the ward was clean and the staff were kind and helpful. {'x' * 200}\r"
                    for i in range(1, 301))
    signs = "".join(f"{i},The nurse\u2019s care was \u201cexcellent\u201d \u2013 thank you\r" for i in range(301, 401))
    data = ("id,answer\r" + plain + signs).encode("mac_roman")
    assert b"\xd5" not in data[:64 * 1024]  # the first 64 KiB hold no sign
    (tmp_path / "late.csv").write_bytes(data)
    src = open_tabular(tmp_path / "late.csv")
    assert src.encoding == "mac_roman"
    rows, _, _, _ = read_all(src)
    assert rows[-1][1] == "The nurse\u2019s care was \u201cexcellent\u201d \u2013 thank you"


def test_a_header_of_one_named_cell_is_the_header_when_asked_for_by_name(tmp_path: Path) -> None:
    """A sheet whose header names one column ("feedback") over a column someone added without a name was read
    as a title over the first answer, which became the header: `--text feedback` was E132 offering a patient's
    answer as a column name. Asked for by name, that row is the header (the unnamed column is column_2); a title
    that names no column asked for is still a title."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["feedback", None])
    sheet.append(["The staff were kind and explained everything", "North"])
    sheet.append(["Waited four hours in A&E", "South"])
    path = tmp_path / "added.xlsx"
    book.save(path)
    src = open_tabular(path, wanted=["feedback"])
    assert list(src.columns) == ["feedback", "column_2"]
    rows, _, _, _ = read_all(src)
    assert [r[0] for r in rows] == ["The staff were kind and explained everything", "Waited four hours in A&E"]
    titled = open_tabular(path)  # nothing asked for: read as before (a title line over a header)
    assert titled.title == "feedback"


def test_a_header_with_a_year_or_a_date_for_a_name_under_title_lines_is_the_header(tmp_path: Path) -> None:
    """A site's export with a title and an "Exported on" line over a header that names one column by a year
    (2024) and another by a date was read with the title as its header and the real header as an answer:
    `--text feedback` was E132 offering the title as the column. A row that names every column asked for is
    the header under the title lines, whatever its other cells hold; asked for nothing, or for a column the
    row does not name, the sheet reads as before."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Trust A: Friends and Family Test comments"])
    sheet.append(["Exported on 2024-04-01"])
    sheet.append([])
    sheet.append(["comment_id", 2024, dt.datetime(2024, 1, 1), "feedback"])
    sheet.append(["0001", 3, 4, "Caf\u00e9 staff were lovely \U0001f600"])
    sheet.append(["0002", 1, 2, "\u00a310 to park"])
    path = tmp_path / "trust_a.xlsx"
    book.save(path)
    src = open_tabular(path, wanted=["feedback", "comment_id"])
    assert list(src.columns) == ["comment_id", "2024", "2024-01-01T00:00:00", "feedback"]
    assert src.title == "Trust A: Friends and Family Test comments / Exported on 2024-04-01"
    assert src.header_row == 4
    rows, locators, rejects, n_rows = read_all(src)
    assert rows == [["0001", "3", "4", "Caf\u00e9 staff were lovely \U0001f600"],
                    ["0002", "1", "2", "\u00a310 to park"]]
    assert (locators, rejects, n_rows) == (["Sheet!row 1", "Sheet!row 2"], [], 2)
    assert open_tabular(path).header_row == 1  # nothing asked for: the first row, as before
    assert open_tabular(path, wanted=["feedback", "ward"]).header_row == 1


def test_a_header_under_a_row_of_group_names_is_the_header_when_it_names_the_columns_asked_for(tmp_path: Path) -> None:
    """A survey tool's workbook groups its columns under merged names ("Patient" over id and ward, "Answers" over
    feedback and score): the group row was read as the header and `--text feedback` was E132 listing 'Patient',
    'column_2', 'Answers'. The row that names every column asked for is the header when each row above it has
    fewer cells (so a group row or a title, not answers); rows of answers above a repeated header are not."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Patient", None, "Answers", None])
    sheet.merge_cells("A1:B1")
    sheet.merge_cells("C1:D1")
    sheet.append(["id", "ward", "feedback", "score"])
    sheet.append(["001", "W1", "Kind staff \U0001f600", 5])
    sheet.append(["002", "W2", "\u00a34 to park", 2.5])
    path = tmp_path / "grouped.xlsx"
    book.save(path)
    src = open_tabular(path, wanted=["feedback", "id"])
    assert list(src.columns) == ["id", "ward", "feedback", "score"]
    assert (src.header_row, src.title) == (2, "Patient Answers")
    rows, locators, rejects, n_rows = read_all(src)
    assert rows == [["001", "W1", "Kind staff \U0001f600", "5"], ["002", "W2", "\u00a34 to park", "2.5"]]
    assert (locators, rejects, n_rows) == (["Sheet!row 1", "Sheet!row 2"], [], 2)
    assert open_tabular(path).header_row == 1  # nothing asked for: the first row, as before
    sheet.delete_rows(4)  # a sheet of one answer: its header found all the same
    book.save(path)
    src = open_tabular(path, wanted=["feedback"])
    assert (src.header_row, read_all(src)[0]) == (2, [["001", "W1", "Kind staff \U0001f600", "5"]])

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["001", "W1", "Kind staff", "5"])
    sheet.append(["id", "ward", "feedback", "score"])
    sheet.append(["002", "W2", "Long wait", "2"])
    book.save(path)
    assert open_tabular(path, wanted=["feedback"]).header_row == 1  # an answer's row is no title


def test_a_csv_header_under_title_lines_is_the_header_when_it_names_the_columns_asked_for(tmp_path: Path) -> None:
    """A trust's CSV export opening with a report title and an "Exported on" line was read with the title as its
    one column, and `--text feedback` was E132. Asked for columns that a line under up to three title lines
    names, that line is the header (its delimiter sniffed there), the lines above are the file's title, and rows
    are counted from it; asked for nothing, or when the lines above hold as many fields (answers), as before."""
    path = tmp_path / "trust_a.csv"
    path.write_bytes("FFT comments export - Trust A\r\nExported on 01/04/2024, 10:30\r\n\r\n"
                     "comment_id;feedback;ward\r\n0001;\"Kind staff, thank you\r\nand the porters\";W1\r\n"
                     "0002;\u00a34 to park \u201cfor an hour\u201d;W2\r\n".encode("cp1252"))
    src = open_tabular(path, wanted=["feedback", "comment_id"])
    assert (src.columns, src.delimiter, src.header_row) == (["comment_id", "feedback", "ward"], ";", 4)
    assert src.title == "FFT comments export - Trust A / Exported on 01/04/2024, 10:30"
    rows, locators, rejects, n_rows = read_all(src)
    assert rows == [["0001", "Kind staff, thank you\r\nand the porters", "W1"],
                    ["0002", "\u00a34 to park \u201cfor an hour\u201d", "W2"]]
    assert (locators, rejects, n_rows) == (["row 1", "row 2"], [], 2)
    assert open_tabular(path).columns == ["FFT comments export - Trust A"]  # nothing asked for: as before
    answers = tmp_path / "answers.csv"
    answers.write_text("0001,Kind staff,W1\ncomment_id,feedback,ward\n0002,Long wait,W2\n", encoding="utf-8")
    assert open_tabular(answers, wanted=["feedback"]).columns == ["0001", "Kind staff", "W1"]


def test_a_formula_calculated_to_empty_text_is_not_taken_for_uncalculated() -> None:
    """Excel writes ``=IF(D2="","",D2)`` as a text result with an empty value: calculated, so no warning to
    recalculate the workbook; a formula a program wrote with no value at all, or an empty untyped one, still is."""
    from evalnlp.ingest._xlsx import _count_uncalculated

    empty_text = b'<c r="C2" t="str"><f>IF(D2="","",D2)</f><v></v></c>'
    never = b'<c r="C3"><f>SUM(A1:A2)</f></c><c r="C4"><f>A1</f><v></v></c><c r="C5" t="str"><f>B1</f></c>'
    done = b'<c r="C6" t="str"><f>"urgent"</f><v>urgent</v></c><c r="C7"><v>3</v></c>'
    assert _count_uncalculated(empty_text) == 0
    assert _count_uncalculated(never) == 3
    assert _count_uncalculated(done) == 0
    assert _count_uncalculated(empty_text + never + done) == 3


def test_a_duration_reads_as_a_spreadsheet_shows_it() -> None:
    """A workbook's ``[h]:mm`` duration (or a Parquet duration) read as Python writes it was ``1 day,
    12:30:00``: it is hours, minutes and seconds."""
    assert cell_to_str(dt.timedelta(hours=36, minutes=30)) == "36:30:00"
    assert cell_to_str(dt.timedelta(seconds=-90)) == "-0:01:30"
    assert cell_to_str(dt.timedelta(milliseconds=1500)) == "0:00:01.5"
    assert cell_to_str(pd.Timedelta(hours=2)) == "2:00:00"


def test_a_sheet_without_its_optional_dimension_reads_as_with_it(tmp_path: Path) -> None:
    """The ``<dimension>`` of a sheet is optional: without it, a value in an unnamed column to the right of the
    header rejected its row (E110), with it the value was kept as ``column_4``. The widest cell the sheet holds
    gives the width either way."""
    import re as _re
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "answer", "site"])
    ws.append([1, "Nurses were kind", "A", "note: complaint logged"])
    ws.append([2, "Long wait", "B"])
    wb.save(tmp_path / "dim.xlsx")
    with zipfile.ZipFile(tmp_path / "dim.xlsx") as zin, \
            zipfile.ZipFile(tmp_path / "nodim.xlsx", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _re.sub(rb"<dimension [^>]*/>", b"", data)
                assert b"<dimension" not in data
            zout.writestr(item, data)
    got = [read_all(open_tabular(tmp_path / name)) for name in ("dim.xlsx", "nodim.xlsx")]
    assert got[0] == got[1]
    rows, _, rejects, n = got[1]
    assert n == 2 and not rejects and rows[0] == ["1", "Nurses were kind", "A", "note: complaint logged"]


def test_one_pass_over_a_sheet_finds_its_merged_cells_and_widest_column_whatever_the_chunk(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from evalnlp.ingest._xlsx import _scan_sheet

    wb = Workbook()
    ws = wb.active
    ws.append(["ward", "answer"])
    for i in range(30):
        ws.append([f"Ward {i}" if i % 3 == 0 else None, f"answer {i}", *(["x"] if i == 17 else [])])
    ws.merge_cells("A2:A4")
    ws.merge_cells("B5:C5")
    wb.save(tmp_path / "m.xlsx")
    for chunk in (7, 64, 1 << 20):
        scan = _scan_sheet(tmp_path / "m.xlsx", "xl/worksheets/sheet1.xml", widest=True, chunk=chunk)
        assert (scan.merged, scan.widest, scan.uncalculated) == (("A2:A4",), 3, 0)


def test_a_parquet_timestamp_at_midnight_keeps_its_time_like_the_rest_of_its_column(tmp_path: Path) -> None:
    """A timestamp column is read with its time of day on every value: one at midnight is no date beside
    the column's full timestamps (nor, in a column all at midnight, a date that lost its time)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "visits.parquet"
    pq.write_table(pa.table({
        "comment": ["Kind staff", "Long wait", "Cold food"],
        "seen": pa.array([dt.datetime(2024, 3, 1, 14, 5), dt.datetime(2024, 3, 2), None], pa.timestamp("us")),
        "booked": pa.array([dt.datetime(2024, 2, 1), dt.datetime(2024, 2, 2), dt.datetime(2024, 2, 3)],
                           pa.timestamp("ms")),
        "day": pa.array([dt.date(2024, 3, 1), dt.date(2024, 3, 2), None], pa.date32()),
    }), path)
    rows, _, _, _ = read_all(open_tabular(path))
    assert [r[1] for r in rows] == ["2024-03-01T14:05:00", "2024-03-02T00:00:00", None]
    assert [r[2] for r in rows] == ["2024-02-01T00:00:00", "2024-02-02T00:00:00", "2024-02-03T00:00:00"]
    assert [r[3] for r in rows] == ["2024-03-01", "2024-03-02", None]  # a date column stays dates


@pytest.mark.parametrize(("value", "text"), [
    (1e16, "10000000000000000"), (2.0**53, "9007199254740992"), (-(2.0**60), "-1152921504606847000"),
    (12345678901234567890.0, "12345678901234567000"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
    (-0.0, "-0"), (2.5e16, "25000000000000000"),
])
def test_a_whole_float_is_written_in_digits_not_in_exponent_form(value: float, text: str) -> None:
    """A whole number stored as a float (an id in a Parquet or workbook column) is its digits however large it
    is, up to 10**21, past which a number is no id and its exponent form is the one people read: the shortest
    digits that read back as the same float (``1e16`` is ``10000000000000000``, not ``1e+16``)."""
    assert cell_to_str(value) == text
    assert float(text) == value


def test_a_workbook_date_and_time_at_midnight_keeps_the_time_its_format_shows(tmp_path: Path) -> None:
    """A cell formatted to show a date and a time (``dd/mm/yyyy hh:mm``) reads with its time, midnight too,
    as the spreadsheet shows it; a cell formatted as a date alone reads as the date at midnight, and with its
    time at any other time of day (the value holds it; dropping it would lose what was stored)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["comment", "arrived", "arrived_day", "left"])
    sheet.append(["Kind staff", dt.datetime(2024, 3, 1, 14, 5), dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 2)])
    sheet.append(["Long wait", dt.datetime(2024, 3, 2), dt.datetime(2024, 3, 2), dt.datetime(2024, 3, 3, 0, 0, 1)])
    sheet.append(["Late", dt.datetime(2024, 3, 4, 9, 30), dt.datetime(2024, 3, 4, 9, 30), dt.datetime(2024, 3, 5)])
    for row in (2, 3, 4):
        sheet.cell(row, 2).number_format = "dd/mm/yyyy hh:mm"
        sheet.cell(row, 3).number_format = "dd/mm/yyyy"
        sheet.cell(row, 4).number_format = '[$-809]d mmmm yyyy "at" h:mm:ss AM/PM'
    path = tmp_path / "visits.xlsx"
    book.save(path)
    rows, _, _, _ = read_all(open_tabular(path))
    assert [r[1] for r in rows] == ["2024-03-01T14:05:00", "2024-03-02T00:00:00", "2024-03-04T09:30:00"]
    assert [r[2] for r in rows] == ["2024-03-01", "2024-03-02", "2024-03-04T09:30:00"]
    assert [r[3] for r in rows] == ["2024-03-02T00:00:00", "2024-03-03T00:00:01", "2024-03-05T00:00:00"]


@given(numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(2**63), 2**63 - 1)
                        .map(float), min_size=1, max_size=6),
       stamps=st.lists(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
                       | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1))
                       .map(lambda d: dt.datetime(d.year, d.month, d.day)), min_size=6, max_size=6))
@settings(max_examples=60, deadline=None)
def test_parquet_numbers_and_timestamps_read_as_text_that_means_the_same(numbers: list[float],
                                                                         stamps: list[dt.datetime]) -> None:
    """Every float of a Parquet column reads as text that means the same number, a whole one below 10**21 in
    plain digits; every timestamp as its date and time, midnight too."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    numbers = (numbers * 6)[:6]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "n.parquet"
        pq.write_table(pa.table({"x": pa.array(numbers, pa.float64()), "t": pa.array(stamps, pa.timestamp("us"))}),
                       path)
        rows, _, _, _ = read_all(open_tabular(path))
    for (text, when), number, stamp in zip(rows, numbers, stamps):
        assert float(text) == number and (text.startswith("-") == (str(number)[0] == "-"))
        if number.is_integer() and abs(number) < 1e21:
            assert text.lstrip("-").isdigit()
        assert dt.datetime.fromisoformat(when) == stamp and "T" in when
