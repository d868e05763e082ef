"""`classify --output` gives every user cell back as the user reads it in the input, whatever the input format and
the output format: typed values (timestamps, large numbers) as their text, and text that looks like a date, a
number, a formula or a missing value exactly as written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

#: the fast coder, without sentiment: these tests are about the input's cells, not the codes
FAST = ("--codebook", "fft", "--model", "keyword", "--no-sentiment")
OUTPUTS = [".csv", ".tsv", ".parquet", ".xlsx", ".jsonl", ".json"]


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
        rows = list(book.active.iter_rows(values_only=True))
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
