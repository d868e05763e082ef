"""Ctrl-C: a line on stderr saying nothing was kept, exit code 130, and the store exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, holds_open

from evalnlp.cli._app import INTERRUPTED, INTERRUPTED_AFTER


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir() or os.name != "posix", reason="needs Linux /proc and signals")
def test_ctrl_c_during_ingest_says_so_exits_130_and_keeps_nothing(cli, db_path, tmp_path, snapshot):
    small = tmp_path / "small.csv"
    small.write_text("text\nThe course was good.\n", encoding="utf-8")
    assert cli("ingest", str(small), "--text", "text").exit_code == 0
    before = snapshot(db_path)
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as fh:  # sentence segmentation makes this take several seconds
        fh.write("id,ward,text\n")
        for i in range(150_000):
            fh.write(f"{i},W{i % 40},The staff were kind to me on visit {i}. The food was fine. Thanks to all.\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "evalnlp", "--db", str(db_path), "ingest", str(big), "--text", "text",
         "--id", "id", "--unit", "sentence"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        # a shell without job control starts background jobs with SIGINT ignored; Ctrl-C must reach this one
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not holds_open(proc.pid, db_path.resolve()) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the ingest finished before it could be interrupted"
        time.sleep(1.0)  # inside the ingest's transaction: reading and segmenting
        assert proc.poll() is None, "the ingest finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == INTERRUPTED == "interrupted: nothing from this run was saved"
    assert "Traceback" not in err
    assert snapshot(db_path) == before  # nothing new in any table: the transaction was rolled back


def test_ctrl_c_after_the_work_was_saved_says_so(cli, db_path, tmp_path, monkeypatch):
    import evalnlp.cli.ingest as ingest_cli
    from evalnlp.store import Store

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_cli, "render_ingest", interrupted)
    f = tmp_path / "a.csv"
    f.write_text("text\nThe course was good.\n", encoding="utf-8")
    result = cli("ingest", str(f), "--text", "text")
    assert result.exit_code == 130
    assert INTERRUPTED_AFTER in result.stderr
    with Store(db_path) as store:
        assert list(store.table("runs")["command"]) == ["ingest"]


def test_ctrl_c_before_anything_was_saved_in_process(cli, db_path, tmp_path, monkeypatch, snapshot):
    from evalnlp import api

    small = tmp_path / "small.csv"
    small.write_text("text\nThe course was good.\n", encoding="utf-8")
    assert cli("ingest", str(small), "--text", "text").exit_code == 0
    before = snapshot(db_path)
    real = api.ingest_paths

    def write_then_interrupt(store, *args, **kwargs):
        real(store, *args, **kwargs)  # documents and segments written inside the run's transaction
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "ingest_paths", write_then_interrupt)
    other = tmp_path / "other.csv"
    other.write_text("text\nSomething new.\n", encoding="utf-8")
    result = cli("ingest", str(other), "--text", "text")
    assert result.exit_code == 130
    assert result.stderr.strip() == INTERRUPTED
    assert snapshot(db_path) == before


def test_an_interrupt_hidden_under_a_clean_up_error_still_counts_as_ctrl_c(capsys):
    """Ctrl-C during a DuckDB query aborts the transaction; clean-up code may then raise a second error (the
    aborted transaction refuses work) whose context is the interrupt: still Ctrl-C, exit 130, no traceback."""
    import duckdb
    import typer

    from evalnlp.cli._app import handle_errors

    @handle_errors
    def command():
        try:
            raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")
        finally:
            raise duckdb.TransactionException("Current transaction is aborted (please ROLLBACK)")

    with pytest.raises(typer.Exit) as info:
        command()
    assert info.value.exit_code == 130
    assert INTERRUPTED in capsys.readouterr().err


def test_an_error_raised_while_ctrl_c_unwinds_still_counts_as_the_interruption(capsys):
    """DuckDB reports a signal during a query as its own error (type and wording vary), and clean-up can fail on
    the aborted transaction: whatever arrives, a Ctrl-C seen during the command makes it exit 130."""
    import typer

    from evalnlp.cli import _app

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a fresh process
    try:
        _check_the_interruption_record(typer, _app)
    finally:
        signal.signal(signal.SIGINT, previous)


def _check_the_interruption_record(typer, _app):
    @_app.handle_errors
    def command():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises before this ends
        except KeyboardInterrupt:
            raise RuntimeError("some wording a driver chose") from None  # the interrupt is not in the chain

    with pytest.raises(typer.Exit) as info:
        command()
    assert info.value.exit_code == 130
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back after the command

    @_app.handle_errors
    def failing():
        raise RuntimeError("a real failure")

    with pytest.raises(RuntimeError, match="a real failure"):  # the record does not outlive its command
        failing()


@pytest.mark.parametrize("reported", [False, True])
def test_ctrl_c_outside_a_commands_own_handling_still_exits_130_with_one_line(monkeypatch, capfd, reported):
    """A Ctrl-C that reaches the entry point itself (a second one while the first is being reported, or one
    before the command's handler is in place) ends as exit 130 with the one line, not a death by signal, and
    the process ignores further Ctrl-C on its way out."""
    import evalnlp.cli as cli_pkg
    from evalnlp.cli import _app

    def interrupted(**kwargs):
        if reported:  # the command said it already
            _app.err_console.print(INTERRUPTED)
            monkeypatch.setattr(_app, "_INTERRUPT_REPORTED", True)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_pkg, "app", interrupted)
    monkeypatch.setattr(_app, "_INTERRUPT_REPORTED", False)  # as in a fresh process
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(SystemExit) as info:
            cli_pkg.main(["runs"])
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
    assert info.value.code == 130
    assert capfd.readouterr().err.strip().splitlines() == [INTERRUPTED]


def test_a_ctrl_c_delivered_while_the_exit_is_under_way_still_exits_130(monkeypatch, capfd):
    """The command said it was interrupted and is exiting with 130 when a pending Ctrl-C is delivered at the
    next line (Python runs signal handlers between any two lines): the process still exits 130 with the one
    line, instead of dying by the signal (seen under load as exit -2)."""
    import evalnlp.cli as cli_pkg
    from evalnlp.cli import _app

    def reported_then_exits(**kwargs):
        _app.err_console.print(INTERRUPTED)
        monkeypatch.setattr(_app, "_INTERRUPT_REPORTED", True)
        raise SystemExit(130)

    real_signal = signal.signal
    calls = []

    def pending_interrupt_fires_first(signum, handler):
        calls.append(handler)
        if len(calls) == 1:  # the interrupt still pending is delivered right here, in the exit's handler
            raise KeyboardInterrupt
        return real_signal(signum, handler)

    monkeypatch.setattr(cli_pkg, "app", reported_then_exits)
    previous = real_signal(signal.SIGINT, signal.default_int_handler)
    try:
        monkeypatch.setattr(signal, "signal", pending_interrupt_fires_first)
        with pytest.raises(SystemExit) as info:
            cli_pkg.main(["runs"])
        monkeypatch.setattr(signal, "signal", real_signal)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        real_signal(signal.SIGINT, previous)
    assert info.value.code == 130
    assert capfd.readouterr().err.strip().splitlines() == [INTERRUPTED]


def test_ctrl_c_after_the_output_was_written_but_before_the_commit_leaves_the_users_file(cli, db_path, tmp_path,
                                                                                         monkeypatch, snapshot):
    """`classify --output` writes the file beside its place and puts it there once the run is committed: an
    interruption between the two leaves the file that was there as it was (and no half-made file), as it leaves
    the store."""
    from evalnlp.store import Store

    small = tmp_path / "small.csv"
    small.write_text("text\nThe course was good.\n", encoding="utf-8")
    assert cli("ingest", str(small), "--text", "text").exit_code == 0
    before = snapshot(db_path)
    out = tmp_path / "coded.csv"
    out.write_text("my own earlier results\n", encoding="utf-8")

    def interrupted(*args, **kwargs):  # after the output is written, inside the run's transaction
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "sentiment_counts", interrupted)
    other = tmp_path / "other.csv"
    other.write_text("text\nSomething new.\n", encoding="utf-8")
    result = cli("classify", str(other), "--text", "text", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 130 and result.stderr.strip() == INTERRUPTED
    assert out.read_text(encoding="utf-8") == "my own earlier results\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert snapshot(db_path) == before
    monkeypatch.undo()
    done = cli("classify", str(other), "--text", "text", "--codebook", "fft", "--output", str(out))
    assert done.exit_code == 0 and "Something new." in out.read_text(encoding="utf-8")
