"""Where a command writes its output: never over a file the store read, nor over a reviewer's workbook.

A store kept for a year reads an export a month; its files lie next to the outputs the analyst writes. An
output named like one of them (`evidence --output exports/2024-01.csv`, a slip of the tab key) would replace
the export itself, the only copy of the answers the store's rows were read from. Invented FFT-style comments,
real files and a real store.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import table_snapshot

ROWS = [
    ("R1", "Elm Ward", "The nurses were kind and explained everything clearly."),
    ("R2", "Elm Ward", "Waited four hours in the corridor and nobody told us why."),
    ("R3", "Ward 7", "Lovely food and a clean ward, thank you all."),
    ("R4", "Ward 7", "Parking cost a fortune and the machine was broken."),
    ("R5", "Physio", "The physio gave me exercises that really helped."),
    ("R6", "Physio", "Nobody answered the phone when I rang to rebook."),
]


@pytest.fixture
def year(cli, tmp_path) -> dict[str, Path]:
    """Two monthly exports read and coded with fft, and a staff coder's copy of January imported."""
    exports = tmp_path / "exports"
    exports.mkdir()
    files = {}
    for month, rows in (("2024-01", ROWS[:3]), ("2024-02", ROWS[3:])):
        path = exports / f"fft_{month}.csv"
        pd.DataFrame(rows, columns=["id", "ward", "comment"]).to_csv(path, index=False)
        files[month] = path
        result = cli("classify", str(path), "--text", "comment", "--id", "id", "--codebook", "fft")
        assert result.exit_code == 0, result.output
    staff = tmp_path / "staff_codes.csv"
    pd.DataFrame([(i, c, "staff") for i, _w, c in ROWS[:3]], columns=["id", "comment", "themes"]).to_csv(
        staff, index=False)
    result = cli("codes", "import", str(staff), "--text", "comment", "--id", "id", "--labels-column", "themes",
                 "--coder", "sam", "--codebook", "fft", "--source", "fft_2024-01.csv")
    assert result.exit_code == 0, result.output
    files["staff"] = staff
    return files


COMMANDS = {
    "evidence": lambda out: ("evidence", "--codebook", "fft", "--by", "ward", "--output", out),
    "quotes": lambda out: ("quotes", "--theme", "staff", "--codebook", "fft", "--output", out),
    "agreement": lambda out: ("agreement", "--coder", "sam", "--codebook", "fft", "--disagreements", out),
    "classify": lambda out: ("classify", "--codebook", "fft", "--output", out),
    "review export": lambda out: ("review", "export", out, "--codebook", "fft", "-n", "2"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_output_never_replaces_an_export_the_store_read(cli, db_path, year, command):
    """The output names January's export, read by an earlier command: refused with E177, naming the file, and
    the export and the store are left exactly as they were."""
    export = year["2024-01"]
    if command == "review export":  # a month exported as a workbook, the kind of file this command writes
        export = export.with_suffix(".xlsx")
        pd.read_csv(year["2024-01"], dtype=str).to_excel(export, index=False)
        assert cli("ingest", str(export), "--text", "comment", "--id", "id").exit_code == 0
    before, stored = export.read_bytes(), table_snapshot(db_path)
    result = cli(*COMMANDS[command](str(export)))
    assert result.exit_code == 1, result.output
    assert "E177" in result.output and export.name in result.output
    assert export.read_bytes() == before
    assert table_snapshot(db_path) == stored


def test_another_spelling_of_the_path_is_the_same_file(cli, year, tmp_path):
    export = year["2024-02"]
    before = export.read_bytes()
    spelled = tmp_path / "exports" / ".." / "exports" / export.name
    result = cli("evidence", "--codebook", "fft", "--output", str(spelled))
    assert result.exit_code == 1 and "E177" in result.output
    assert export.read_bytes() == before


def test_an_output_beside_the_exports_is_written(cli, year, tmp_path):
    """The guard names only files the store read: a new file in the same folder is written as before."""
    out = tmp_path / "exports" / "evidence.csv"
    result = cli("evidence", "--codebook", "fft", "--by", "ward", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("theme,")


def test_an_input_of_the_command_read_before_is_named_as_this_commands_input(cli, year):
    """classify reading January again with --output January: the message is the one for its own input (with the
    `-coded` name it suggests), whether or not the store read the file before."""
    export = year["2024-01"]
    before = export.read_bytes()
    result = cli("classify", str(export), "--text", "comment", "--id", "id", "--codebook", "fft", "--output",
                 str(export))
    assert result.exit_code == 1
    assert "E177" in result.output and "is also an input file" in result.output
    assert "fft_2024-01-coded.csv" in result.output
    assert export.read_bytes() == before
