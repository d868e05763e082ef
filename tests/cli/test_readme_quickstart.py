"""The README's quick start runs as written: every command of its shell blocks, in order, on the shipped corpora.

A reader copies these blocks first, so a renamed option or a changed corpus must fail here rather than on their
machine. The commands run in a fresh folder holding a link to the repository's ``corpora/``; between `review
export` and `review import` the test does what the README asks of the reader (edits the workbook), so the
import has a decision to store.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

pytestmark = pytest.mark.slow


def quickstart_commands(text: str) -> list[list[str]]:
    """The commands of the shell blocks under `## Quick start`, one argument list each (comments dropped)."""
    section = re.search(r"^## Quick start[^\n]*\n(.*?)^## ", text, flags=re.S | re.M)
    assert section, "README.md has no '## Quick start' section"
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section.group(1), flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(words)
    return commands


def test_quickstart_is_found_and_names_the_three_jobs():
    commands = quickstart_commands(README.read_text(encoding="utf-8"))
    assert all(c[0] == "evalnlp" for c in commands), [c[0] for c in commands]
    verbs = [next(w for w in c[1:] if not w.startswith("-") and not w.endswith(".duckdb")) for c in commands]
    for verb in ("classify", "evidence", "quotes", "runs", "ingest", "extract", "report", "evaluate", "train",
                 "review"):
        assert verb in verbs, verb


def _mark_first_row_reviewed(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("reviewed") + 1, value="yes")
    book.save(workbook)


def test_quickstart_runs_as_written(tmp_path):
    (tmp_path / "corpora").symlink_to(ROOT / "corpora", target_is_directory=True)
    env = {**os.environ, "COLUMNS": "120", "EVALNLP_DB": str(tmp_path / "unused.duckdb")}
    env.pop("PYTHONWARNINGS", None)
    for words in quickstart_commands(README.read_text(encoding="utf-8")):
        if words[1:] and "import" in words and "review" in words:
            _mark_first_row_reviewed(tmp_path / "review.xlsx")
        proc = subprocess.run([sys.executable, "-m", "evalnlp", *words[1:]], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (shlex.join(words), proc.stdout[-2000:], proc.stderr[-2000:])

    # what the blocks promise, checked on what they wrote
    source = pd.read_csv(ROOT / "corpora" / "nhs_fft" / "text_data.csv", dtype=str, keep_default_na=False)
    coded = pd.read_csv(tmp_path / "fft_coded.csv", dtype=str, keep_default_na=False)
    assert list(coded.columns[: len(source.columns)]) == list(source.columns)
    kept = source.set_index("row_index").loc[coded["row_index"]]
    assert (kept["feedback"].to_numpy() == coded["feedback"].to_numpy()).all()
    assert {"themes", "sentiment"} <= set(coded.columns)
    for name in ("fft_evidence.xlsx", "claims.xlsx", "quotes.docx", "report.html", "review.xlsx"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "models" / "our-coder").is_dir()
    assert not (tmp_path / "unused.duckdb").exists(), "a command used the default store instead of its --db"
    with duckdb.connect(str(tmp_path / "impact.duckdb"), read_only=True) as con:
        coders = {row[0] for row in con.execute("select distinct coder from codes").fetchall()}
    assert "human:alice" in coders, coders
