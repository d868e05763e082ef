"""A path that exists but is no regular file (``/dev/null``, a named pipe, a folder) given where a command reads
a file: the message says what the path is, never that it is missing or that a device is a directory, and no
command waits on a pipe."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evalnlp.util import path_kind

#: each command that reads a file, with FILE where the path goes, the code it refuses with, and the suffix a
#: named pipe must have to get past a command's check of the name
COMMANDS = [
    (["codebook", "validate", "FILE"], "E202", ".yaml"),
    (["classify", "ok.csv", "--text", "text", "--codebook", "FILE"], "E202", ".yaml"),
    (["ingest", "FILE", "--text", "text"], "E101", ".csv"),
    (["classify", "FILE", "--text", "text"], "E101", ".csv"),
    (["train", "FILE", "--text", "text", "--labels", "a", "--out", "model"], "E101", ".csv"),
    (["codes", "import", "FILE", "--text", "text", "--labels", "a", "--coder", "ann"], "E101", ".csv"),
    (["review", "import", "FILE", "--coder", "ann"], "E190", ".xlsx"),
    (["import", "FILE"], "E121", ".qdpx"),
    (["codebook", "import", "FILE", "--out", "out.yaml"], "E121", ".qdc"),
    (["classify", "ok.csv", "--text", "text", "--model", "FILE"], "E320", ""),
]

WRONG = ("is a directory", "no file", "not found", "does not exist", "without extension")


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("ok.csv").write_text("text\nThe staff were kind\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("args, code, suffix", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_dev_null_is_named_a_character_device(cli, here, args, code, suffix):
    result = cli(*[("/dev/null" if a == "FILE" else a) for a in args])
    assert result.exit_code == 1, result.output
    assert f"[{code}]" in result.output and "is a character device, not a regular file" in result.output
    assert not any(w in result.output for w in WRONG), result.output
    assert not Path("model").exists() and not Path("out.yaml").exists()


@pytest.mark.parametrize("args, code, suffix", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_a_named_pipe_is_named_so_and_not_read(cli, here, args, code, suffix):
    pipe = here / f"pipe{suffix}"
    os.mkfifo(pipe)  # nothing writes to it: a command that opened it would wait for ever
    result = cli(*[(str(pipe) if a == "FILE" else a) for a in args])
    assert result.exit_code == 1, result.output
    assert f"[{code}]" in result.output and "is a named pipe (FIFO), not a regular file" in result.output
    assert not any(w in result.output for w in WRONG), result.output


def test_a_folder_named_like_a_workbook_or_project_is_said_to_be_a_directory(cli, here):
    (here / "edited.xlsx").mkdir()
    (here / "project.qdc").mkdir()
    result = cli("review", "import", "edited.xlsx", "--coder", "ann")
    assert result.exit_code == 1 and "[E190] 'edited.xlsx' is a directory, not a regular file" in result.output
    result = cli("codebook", "import", "project.qdc", "--out", "out.yaml")
    assert result.exit_code == 1 and "[E121] 'project.qdc' is a directory, not a regular file" in result.output


def test_path_kind_names_each_kind(tmp_path):
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    os.mkfifo(tmp_path / "p")
    assert [path_kind(p) for p in (tmp_path / "f.txt", tmp_path, "/dev/null", tmp_path / "p", tmp_path / "gone")] == [
        "a regular file", "a directory", "a character device", "a named pipe (FIFO)", "missing"]


def test_a_claims_or_keep_names_path_that_is_no_regular_file_is_refused_before_it_is_read(cli, here):
    """``evidence --claims`` and ``--keep-names`` read their files whole: a named pipe would keep them waiting
    for a writer, and ``/dev/null`` would read as an empty file."""
    assert cli("classify", "ok.csv", "--text", "text").exit_code == 0
    os.mkfifo(here / "claims.yaml")
    for path, kind in (("/dev/null", "a character device"), ("claims.yaml", "a named pipe (FIFO)")):
        result = cli("evidence", "--claims", path)
        assert result.exit_code == 1 and f"[E151] claims file {path!r} is {kind}, not a regular file" in result.output
        result = cli("quotes", "--theme", "engagement", "--keep-names", path)
        assert result.exit_code == 1 and f"[E163] keep-names file {path!r} is {kind}" in result.output
