"""A Parquet binary column: read as text when its values are UTF-8 text (some writers store strings as bytes),
otherwise the file is refused (E115) naming the column and the row; bytes are never stored as words."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalnlp.errors import InputError
from evalnlp.ingest.readers import open_tabular


def _write(path: Path, column) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": pa.array(range(1, len(column) + 1)), "said": column}), path)
    return path


def _rows(path: Path) -> list[tuple]:
    return [tuple(r) for b in open_tabular(path).batches(chunk_size=2) for r in b.frame.itertuples(index=False)]


def test_a_binary_column_of_utf8_text_is_read_as_that_text(tmp_path):
    import pyarrow as pa

    said = ["The lane flooded again. Ça ira \U0001F327", "Tabs\tand\nlines stay.", None]
    plain = pa.array([None if s is None else s.encode("utf-8") for s in said], pa.binary())
    for values in (plain, plain.cast(pa.large_binary()), plain.dictionary_encode()):
        assert _rows(_write(tmp_path / "ok.parquet", values)) == [("1", said[0]), ("2", said[1]), ("3", None)]


@pytest.mark.parametrize("value, problem", [
    (b"\xca\xfe", "is not UTF-8 text (byte 0 is 0xca)"),
    (b"\xde\xad\xbe\xef", "is not UTF-8 text (byte 2 is 0xbe)"),  # \xde\xad alone is a letter
    (b"\x00\x01\x02", "holds the control character U+0000 at character 0"),
    (b"ok then\x07", "holds the control character U+0007 at character 7"),
])
def test_a_binary_value_that_is_not_text_refuses_the_file_naming_column_and_row(tmp_path, value, problem):
    import pyarrow as pa

    path = _write(tmp_path / "blob.parquet", pa.array([b"Fine words.", b"More words.", value], pa.binary()))
    with pytest.raises(InputError) as info:
        _rows(path)
    message = str(info.value)
    assert info.value.code == "E115" and message.startswith("[E115] blob.parquet: column 'said' is a binary column")
    assert f"the value of row 3 {problem}" in message
    assert "cafe" not in message and "deadbeef" not in message


def test_a_binary_column_given_as_text_stores_nothing(cli, db_path, tmp_path):
    import pyarrow as pa

    path = _write(tmp_path / "blob.parquet", pa.array([b"Fine words.", b"\xca\xfe"], pa.binary()))
    result = cli("ingest", str(path), "--text", "said")
    assert result.exit_code == 1 and "[E115]" in result.stderr and "Traceback" not in result.stderr
    if db_path.exists():
        import duckdb

        with duckdb.connect(str(db_path), read_only=True) as con:
            assert con.execute("select count(*) from documents").fetchone()[0] == 0
