"""Fixtures shared by the whole suite. Nothing here touches the network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _share_the_cores() -> None:
    """Under pytest-xdist the workers share the machine's cores: each one's torch, OpenMP and BLAS get their
    share of them (one thread each with `make test`'s two workers on two cores) rather than a thread per core.
    Threads beyond that only spin against the other worker's: fine-tuning a small transformer took 5 times as
    long with two threads as with one when the other core was busy. Set before any of those libraries loads,
    and inherited by the commands the tests start; a variable the user set is left as it is."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0") or 0)
    if workers < 2:
        return
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    share = str(max(1, cores // workers))
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, share)


_share_the_cores()

from hypothesis import settings  # noqa: E402

# `make test` (and so CI) runs the property tests on the same examples every time (`--hypothesis-profile ci`),
# so a run passes or fails on the code alone; run pytest without the option to search new examples as you work.
settings.register_profile("ci", derandomize=True, print_blob=True)

from helpers import CORPORA, REPO, shared_data  # noqa: F401  (re-exported for fixtures)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "project.duckdb"


@pytest.fixture
def store(db_path: Path):
    from evalnlp.store import Store

    s = Store(db_path)
    yield s
    s.close()


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture
def cli(runner, db_path):
    """Invoke the CLI against the test's own store: cli("ingest", "x.csv", "--text", "a")."""
    from evalnlp.cli import app

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke


def table_snapshot(db_path: Path) -> dict:
    """Every table's full content, to check that a failed command left the store exactly as it was."""
    import duckdb

    if not db_path.exists():
        return {}
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return {n: con.execute(f"SELECT * FROM {n} ORDER BY ALL").fetchall() for n in sorted(names)}
    finally:
        con.close()


@pytest.fixture
def snapshot():
    return table_snapshot


@pytest.fixture(scope="module", autouse=True)
def _settled_heap():
    """What the suite has built up before a test file (imported modules, session fixtures, cached pipelines) is
    collected once and then left out of later garbage collections (``gc.freeze``), so that a collection costs
    about what it costs in a command's own process: a command that fails collects the garbage it left, and on
    the suite's grown heap each such collection took a third of a second. Anything a test creates is collected
    as before."""
    import gc

    gc.collect()
    gc.freeze()
    yield
