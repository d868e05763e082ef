"""What goes wrong around evalnlp rather than in the data: a job stopped by SIGTERM, an output folder or a store
the user cannot write to, a damaged store. Real files, real subprocesses and signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, coded_store, holds_open

from evalnlp.cli._app import INTERRUPTED

posix_only = pytest.mark.skipif(os.name != "posix" or not Path("/proc/self/fd").is_dir(),
                                reason="needs Linux /proc and signals")

#: root's capabilities that let it write where permissions say no; dropped so a read-only folder is read-only
_OVERRIDES = "-dac_override,-dac_read_search,-fowner"


def _command(*args: str, unprivileged: bool = False) -> list[str]:
    """``python -m evalnlp ARGS``; ``unprivileged``: as a user file permissions apply to (root without the
    capabilities that override them)."""
    cmd = [sys.executable, "-m", "evalnlp", *args]
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be made to apply")
        cmd = [setpriv, f"--inh-caps={_OVERRIDES}", f"--bounding-set={_OVERRIDES}", *cmd]
    return cmd


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}


def run(*args: str, unprivileged: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*args, unprivileged=unprivileged), capture_output=True, text=True, env=_env(),
                          cwd=cwd, timeout=120)


@pytest.fixture
def read_only_dir(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)  # so that pytest can clean up



# ---- stopped by a signal other than Ctrl-C -----------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_or_sighup_stop_a_command_as_ctrl_c_does(tmp_path, snapshot, signum, code):
    """`kill PID` (a job scheduler's time limit) or a closed SSH session in the middle of `classify FILE --output`:
    the store as it was, no staged output nor temporary rows file left in the folders, the line saying so."""
    db = tmp_path / "project.duckdb"
    small = tmp_path / "small.csv"
    small.write_text("text\nThe course was good.\n", encoding="utf-8")
    assert run("--db", str(db), "ingest", str(small), "--text", "text").returncode == 0
    before = snapshot(db)
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as fh:
        fh.write("id,ward,text\n")
        for i in range(60_000):
            fh.write(f"{i},W{i % 40},The staff were kind to me on visit {i}. The food was fine. Thanks to all.\n")
    out = tmp_path / "out"
    out.mkdir()
    files_before = set(os.listdir(tmp_path))
    proc = subprocess.Popen(
        _command("--db", str(db), "classify", str(big), "--text", "text", "--id", "id", "--codebook", "fft",
                 "--workers", "1", "--output", str(out / "coded.csv")),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
        # the command keeps a signal its caller ignores (nohup): a suite run under nohup must not pass that on
        preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not holds_open(proc.pid, db.resolve()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # reading the file, its rows' cells kept in a temporary file beside the store
        assert proc.poll() is None, "the command finished before it could be stopped"
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err
    assert err.strip().splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in err
    assert snapshot(db) == before
    assert set(os.listdir(tmp_path)) == files_before  # no .evalnlp-rows-* file left beside the store
    assert os.listdir(out) == []  # nor a staged output


# ---- an output the user cannot write -----------------------------------------------------------------------


@pytest.fixture
def coded(tmp_path):
    db = tmp_path / "project.duckdb"
    coded_store(db, [("The nurses were kind.", {"ward": "A"}, ["staff"]),
                     ("Parking was hard.", {"ward": "B"}, ["access"])])
    return db


@pytest.mark.parametrize("command", [("evidence", "--output", "{dir}/evidence.csv"),
                                     ("report", "--output", "{dir}/report.html"),
                                     ("export", "{dir}/project.qdpx")])
def test_an_output_in_a_folder_the_user_cannot_write_is_refused_before_any_work(coded, read_only_dir, command,
                                                                                snapshot):
    read_only_dir.chmod(0o555)
    before = snapshot(coded)
    args = [a.format(dir=read_only_dir) for a in command]
    result = run("--db", str(coded), *args, unprivileged=True)
    assert result.returncode == 1, result.stderr
    assert "[E162]" in result.stderr and "cannot write to the folder" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(coded) == before and os.listdir(read_only_dir) == []


def test_an_output_whose_folder_is_a_file_says_so(coded, tmp_path):
    (tmp_path / "exports").write_text("not a folder", encoding="utf-8")
    result = run("--db", str(coded), "evidence", "--output", str(tmp_path / "exports" / "evidence.csv"))
    assert result.returncode == 1
    assert "[E162]" in result.stderr and "is a file, not a folder" in result.stderr, result.stderr


# ---- a store the user cannot write, or a damaged one -------------------------------------------------------


@pytest.mark.parametrize("locked", ["file", "folder"])
def test_a_store_the_user_cannot_write_is_read_but_not_written(tmp_path, read_only_dir, snapshot, locked):
    """A team's store on a share: the read commands work; a command that saves is refused before its work with a
    message saying why (not DuckDB's 'another process holds it', nor a traceback at the commit)."""
    db = read_only_dir / "project.duckdb"
    coded_store(db, [("The nurses were kind.", {"ward": "A"}, ["staff"])])
    (db.chmod(0o444) if locked == "file" else read_only_dir.chmod(0o555))
    before = snapshot(db)
    answers = tmp_path / "more.csv"
    answers.write_text("text\nThe food was cold.\n", encoding="utf-8")
    for read in (["runs"], ["evidence"], ["codes", "list"]):
        assert run("--db", str(db), *read, unprivileged=True).returncode == 0, read
    result = run("--db", str(db), "ingest", str(answers), "--text", "text", unprivileged=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[E403] cannot write to the store" in result.stderr and "read-only for you" in result.stderr
    assert "holds it open" not in result.stderr
    db.chmod(0o644)
    assert snapshot(db) == before and sorted(os.listdir(read_only_dir)) == ["project.duckdb"]


def test_a_store_cut_short_is_named_damaged_not_a_traceback(coded, tmp_path):
    """A copy that stopped part-way (a full disk, a dropped connection): DuckDB opens it, and a query would
    fail half-way through a command."""
    with open(coded, "r+b") as fh:
        fh.truncate(coded.stat().st_size - 1)
    for args in (["runs"], ["evidence"], ["ingest", str(tmp_path / "x.csv"), "--text", "text"]):
        result = run("--db", str(coded), *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert "[E401]" in result.stderr and "is damaged" in result.stderr, result.stderr


def test_an_empty_file_as_the_store_is_named_as_such(tmp_path):
    db = tmp_path / "project.duckdb"
    db.touch()
    result = run("--db", str(db), "runs")
    assert result.returncode == 1 and "[E401]" in result.stderr and "empty file (0 bytes)" in result.stderr
    assert "holds it open" not in result.stderr


# ---- an output whose writing fails part-way (a full disk) ---------------------------------------------------
#
# A file-size limit (RLIMIT_FSIZE) stands in for a full disk: past it a write fails with EFBIG, as it fails with
# ENOSPC on a full disk (SIGXFSZ, which would kill the process, is ignored in the child). /dev/full cannot serve:
# outputs are written beside their target and renamed, so the output's folder must be writable (E162 otherwise).
# The limit is on offsets, so a store written during the command stays within it: its few new rows go to the
# DuckDB log file, and a command that fails before its commit writes nothing more.


def _limited(limit: int):
    import resource

    def set_limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def run_limited(limit: int, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m evalnlp ARGS`` unable to write past ``limit`` bytes of any file (stdout and stderr are pipes,
    which the limit does not apply to)."""
    return subprocess.run(_command(*args), capture_output=True, text=True, env=_env(), cwd=cwd, timeout=120,
                          preexec_fn=_limited(limit))


def _with_human_coder(db: Path) -> None:
    """A person's codes (human:sam, 'access' on every passage) beside the machine's, as `codes import` leaves them."""
    import pandas as pd

    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    cb = load_codebook("fft")
    with Store(db) as store:
        segs = store.table("segments")["seg_id"]
        with store.transaction():
            run = store.start_run("codes import", {"coder": "sam"}, codebook_id=cb.id, codebook_sha256=cb.sha256)
            store.replace_codes(pd.DataFrame([{"seg_id": s, "theme": t, "score": 1.0, "assigned": t == "access"}
                                              for s in segs for t in cb.theme_ids]), "human:sam", run)
            store.finish_run(run, n_in=len(segs), n_ok=len(segs), n_rejected=0)


@pytest.fixture
def wide(tmp_path):
    """A coded store whose answers carry wide metadata (12 columns of 30,000 random letters each): the file
    `classify --output` writes is about a megabyte in every format, compressed ones included."""
    import random
    import string

    rng = random.Random(0)
    db = tmp_path / "wide.duckdb"
    coded_store(db, [(f"The nurses were kind on visit {i}.",
                      {f"n{j}": "".join(rng.choices(string.ascii_letters, k=30_000)) for j in range(12)}, ["staff"])
                     for i in range(3)])
    return db


WRITERS = {  # command -> (its arguments, a limit its output is larger than)
    "evidence csv": (["evidence", "--by", "ward", "--output", "{out}/evidence.csv"], 100),
    "evidence xlsx": (["evidence", "--by", "ward", "--output", "{out}/evidence.xlsx"], 1000),
    "quotes md": (["quotes", "--theme", "staff", "--output", "{out}/quotes.md"], 64),
    "quotes json": (["quotes", "--theme", "staff", "--output", "{out}/quotes.json"], 64),
    "report": (["report", "--output", "{out}/report.html"], 1000),
    "export qdpx": (["export", "{out}/project.qdpx"], 500),
    "export qdc": (["export", "{out}/codebook.qdc", "--codebook", "fft"], 500),
    "review export": (["review", "export", "{out}/review.xlsx", "--codebook", "fft", "-n", "2"], 3000),
    "agreement": (["agreement", "--coder", "human:sam", "--codebook", "fft", "--disagreements",
                   "{out}/disagreements.csv"], 64),
}


def _check_write_failure(result: subprocess.CompletedProcess, target: Path) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    line = result.stderr.strip()
    assert line.startswith("error [E162] cannot write") and str(target) in line, line
    assert "failed part-way: File too large (EFBIG)" in line, line
    assert "No partial file was left" in line and "nothing from this command was saved to the store" in line


@posix_only
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_output_that_cannot_be_written_to_the_end_is_an_error_leaving_nothing(coded, tmp_path, snapshot,
                                                                                 command):
    """A full disk part-way through the output: E162 naming the file and the system's reason, exit 1, no
    traceback; no partial file nor temporary file left, an earlier file of that name as it was, and the store
    (a review export's run among it) unchanged."""
    if command == "agreement":
        _with_human_coder(coded)
    out = tmp_path / "out"
    out.mkdir()
    args, limit = WRITERS[command]
    args = [a.format(out=out) for a in args]
    target = Path(next(a for a in args if a.startswith(str(out))))
    earlier = command.split()[0] not in ("export", "review")  # (these replace only a file they wrote, E177)
    if earlier:
        target.write_bytes(b"the earlier file")
    before = snapshot(coded)
    result = run_limited(limit, "--db", str(coded), *args, cwd=tmp_path)
    _check_write_failure(result, target)
    assert os.listdir(out) == ([target.name] if earlier else [])
    assert not earlier or target.read_bytes() == b"the earlier file"
    assert snapshot(coded) == before


@posix_only
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".jsonl"])
def test_classify_output_that_cannot_be_written_saves_nothing(wide, tmp_path, snapshot, suffix):
    """`classify --output` is written before the run commits: a full disk part-way through it rolls the run back
    (no codes of the new coder), and the output's folder is as it was."""
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(wide)
    target = out / f"coded{suffix}"
    result = run_limited(500_000, "--db", str(wide), "classify", "--codebook", "fft", "--output", str(target),
                         cwd=tmp_path)
    _check_write_failure(result, target)
    assert os.listdir(out) == []
    assert snapshot(wide) == before


@posix_only
@pytest.mark.parametrize("earlier", [False, True], ids=["new folder", "earlier model"])
def test_a_model_whose_card_cannot_be_written_is_not_saved_either(tmp_path, earlier):
    """`train --out` wrote the model, then its card: a full disk at the card left a model without its card in
    the folder (which evalnlp refuses to load) while E162 said nothing was saved. The two are now written in full
    before either is put in place, so the folder is as it was: absent, or holding the earlier model."""
    import pandas as pd
    from helpers import CORPORA

    codes = pd.read_csv(CORPORA / "demo_leadership" / "survey_codes.csv", dtype=str, keep_default_na=False)
    # 240 passages: the keyword coder's model file (about 5 kB) fits under the limit, its card (about 8 kB,
    # with a fingerprint per training passage) does not
    pd.concat([codes.assign(text=codes["text"] + f" ({i})") for i in range(4)]).to_csv(tmp_path / "codes.csv",
                                                                                       index=False)
    out = tmp_path / "coder"
    files = {}
    if earlier:
        out.mkdir()
        files = {"model.skops": b"the earlier model",
                 "card.json": json.dumps({"card_version": 1, "model_file": "model.skops"}).encode()}
        for name, data in files.items():
            (out / name).write_bytes(data)
    result = run_limited(6_500, "train", str(tmp_path / "codes.csv"), "--text", "text", "--labels-column", "themes",
                         "--codebook", "impact", "--backend", "keyword", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 1, (result.returncode, result.stderr)
    line = result.stderr.strip()
    assert "Traceback" not in line and line.startswith("error [E162] cannot save the model to"), line
    assert str(out / "card.json") in line and "File too large (EFBIG)" in line, line
    assert "the model and its card are saved together or not at all" in line, line
    if earlier:
        assert {p.name: p.read_bytes() for p in out.iterdir()} == files
    else:
        assert not out.exists()
    assert {p.name for p in tmp_path.iterdir()} == {"codes.csv"} | ({"coder"} if earlier else set())


# ---- a stdout that cannot show every character -------------------------------------------------------------

QUOTE = "The café staff were lovely 😀 and the nurses kind."


@pytest.fixture
def accented(tmp_path):
    db = tmp_path / "accented.duckdb"
    coded_store(db, [(QUOTE, {"ward": "A"}, ["staff"]), ("Parking was hard.", {"ward": "B"}, ["access"])])
    return db


def _run_env(env: dict[str, str], *args: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*args), capture_output=True, env={**_env(), **env}, timeout=120, **options)


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"},
                                 {"LC_ALL": "POSIX", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                                  "PYTHONIOENCODING": ""}],
                         ids=["ascii", "latin-1", "posix-locale"])
def test_a_stdout_that_cannot_show_a_quote_shows_it_escaped_and_says_so(accented, env):
    """A terminal in ASCII or Latin-1: the quote is printed with escapes for what it cannot show (never
    silently changed), one warning on stderr names the ways to keep it exactly, and the command succeeds."""
    result = _run_env(env, "--db", str(accented), "quotes", "--theme", "staff", "--no-redact")
    err = result.stderr.decode("utf-8")
    assert result.returncode == 0, err
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    assert "\\U0001f600" in result.stdout.decode("ascii", errors="replace")  # the emoji, escaped
    assert err.count("cannot show some characters") == 1 and "--output" in err and "--format json" in err


@pytest.mark.parametrize("env", [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}],
                         ids=["ascii", "latin-1"])
def test_json_to_such_a_stdout_keeps_the_text_exactly(accented, env):
    """JSON to a stdout without UTF-8 is written with ASCII escapes, which decode to the very text: nothing
    lost, so nothing to warn of."""
    result = _run_env(env, "--db", str(accented), "quotes", "--theme", "staff", "--no-redact", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert [q["text"] for q in json.loads(result.stdout)["quotes"]] == [QUOTE]
    assert b"cannot show" not in result.stderr


# ---- a reader that closes the pipe (`evalnlp runs | head -1`) ----------------------------------------------


def _run_into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """``python -m evalnlp ARGS`` whose stdout is a pipe its reader has already closed, as `head` closes it after
    the lines it wanted: every write to it fails (EPIPE)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(_command(*args), stdout=write, stderr=subprocess.PIPE, text=True, env=_env(),
                              timeout=120)
    finally:
        os.close(write)


@posix_only
@pytest.mark.parametrize("args", [["runs"], ["runs", "--format", "json"], ["evidence"], ["--help"],
                                  ["quotes", "--theme", "staff", "--format", "json"]], ids=" ".join)
def test_a_closed_pipe_ends_a_command_quietly_with_141(coded, snapshot, args):
    """The reader chose to stop: exit 141 (128 + SIGPIPE, as `cat` or `grep` cut short by `head`), no traceback,
    no error and no 'Exception ignored' at exit; a command that only reads changes nothing."""
    before = snapshot(coded)
    result = _run_into_closed_pipe("--db", str(coded), *args)
    assert result.returncode == 141, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert "error" not in result.stderr, result.stderr
    assert snapshot(coded) == before


@posix_only
def test_a_closed_pipe_after_a_commit_keeps_the_work(tmp_path, snapshot):
    """ingest prints its summary after its commit: the summary is cut, the documents are stored, whole."""
    db = tmp_path / "project.duckdb"
    answers = tmp_path / "answers.csv"
    answers.write_text("text\nThe food was cold.\nThe staff were kind.\n", encoding="utf-8")
    result = _run_into_closed_pipe("--db", str(db), "ingest", str(answers), "--text", "text")
    assert result.returncode == 141, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    tables = snapshot(db)
    assert len(tables["documents"]) == 2 and len(tables["runs"]) == 1
