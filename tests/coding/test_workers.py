"""Coding in more than one process (evalnlp.coding.workers): helper processes load the same models and share a
page's slices out, and the store ends up exactly as when one process codes alone, also when a helper fails."""

from __future__ import annotations

import re
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from evalnlp import api
from evalnlp.errors import InputError
from evalnlp.coding import workers as w
from evalnlp.store import Store
from helpers import CORPORA

SPEC = {"codebook": "fft", "model": None, "sentiment": True, "sentiment_model": None}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """1,200 real FFT comments (rows picked with a fixed seed)."""
    src = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str)
    pick = np.sort(np.random.default_rng(7).choice(len(src), size=1200, replace=False))
    path = tmp_path_factory.mktemp("workers") / "comments.csv"
    src.iloc[pick][["row_index", "organization", "feedback"]].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def models():
    from evalnlp.coding import load_coder, loaded_coder_id

    coder, _, card = load_coder("fft", None)
    from evalnlp.coding.sentiment import load_sentiment_model

    sentiment = load_sentiment_model(None)
    return coder, loaded_coder_id(coder, card), sentiment


def _stored(db: Path) -> tuple[list, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        codes = con.sql("SELECT s.text, c.theme, c.score, c.assigned FROM codes c JOIN segments s USING (seg_id) "
                        "ORDER BY ALL").fetchall()
        sentiment = con.sql("SELECT s.text, t.label, t.score FROM sentiment t JOIN segments s USING (seg_id) "
                            "ORDER BY ALL").fetchall()
    finally:
        con.close()
    return codes, sentiment


def _wait_ready(pool: w.CodingPool, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while pool.size and not pool.ready and time.monotonic() < end:
        time.sleep(0.05)


@pytest.fixture
def ready_helpers(monkeypatch):
    """Helpers that, once started and told the models' ids, are waited for until ready (so that they surely take
    slices), and the helpers so started, to look at afterwards."""
    started: list[w.Helpers] = []
    original_start, original_expect = w.Helpers.start, w.Helpers.expect

    def wait(helpers: w.Helpers) -> None:
        if helpers.pool is not None and helpers.ids is not None:
            _wait_ready(helpers.pool)
            if helpers not in started:
                started.append(helpers)

    def start(self):
        pool = original_start(self)
        wait(self)
        return pool

    def expect(self, *ids):
        original_expect(self, *ids)
        wait(self)

    monkeypatch.setattr(w.Helpers, "start", start)
    monkeypatch.setattr(w.Helpers, "expect", expect)
    return started


def _classify(db: Path, sample: Path, **options):
    with Store(db) as store:
        return api.classify(store, [sample], text=["feedback"], id="row_index", codebook="fft", **options)


def test_two_processes_store_exactly_what_one_stores(tmp_path, sample, monkeypatch, ready_helpers):
    monkeypatch.setattr(api, "CODING_SLICE", 50)  # 24 slices, so that both processes take many
    one = _classify(tmp_path / "one.duckdb", sample, workers=1)
    two = _classify(tmp_path / "two.duckdb", sample, workers=2, output=tmp_path / "two.csv")
    assert one.processes == 1 and two.processes == 2
    # the same notes as one process gives (the sample's passage that looks not to be in English), none of helpers
    assert two.notes == one.notes and not [n for n in two.notes if "process" in n]
    pool = ready_helpers[0].pool
    assert 0 < pool.helped < 24  # both processes coded slices
    assert all(h.proc.returncode is not None for h in pool._helpers)  # no helper outlives the command
    codes_one, sentiment_one = _stored(tmp_path / "one.duckdb")
    codes_two, sentiment_two = _stored(tmp_path / "two.duckdb")
    assert one.n_coded == two.n_coded and (one.n_not_english, one.n_no_words) == (two.n_not_english, two.n_no_words)
    # every passage has its sentiment but those the coders cannot read
    assert len(codes_one) > 1200 and len(sentiment_one) == one.n_coded - one.n_not_english - one.n_no_words
    assert codes_two == codes_one  # scores to the last bit, not within a tolerance
    assert sentiment_two == sentiment_one
    assert one.themes.equals(two.themes)


def test_the_default_starts_helpers_only_for_many_passages(tmp_path, sample, monkeypatch, ready_helpers):
    monkeypatch.setattr(w, "default_processes", lambda: 2)
    monkeypatch.setattr(api, "CODING_SLICE", 50)
    small = _classify(tmp_path / "small.duckdb", sample)  # 1,200 passages and a 60 kB file: no helper
    assert small.processes == 1 and ready_helpers == []
    monkeypatch.setattr(w, "PARALLEL_MIN", 1000)
    many = _classify(tmp_path / "many.duckdb", sample)
    assert many.processes == 2 and len(ready_helpers) == 1
    assert _stored(tmp_path / "many.duckdb") == _stored(tmp_path / "small.duckdb")


def test_the_default_starts_helpers_before_reading_a_large_file(tmp_path, sample, monkeypatch):
    monkeypatch.setattr(w, "default_processes", lambda: 2)
    monkeypatch.setattr(w, "EARLY_BYTES", sample.stat().st_size)
    seen = {}
    original = api.ingest_paths

    def ingest(store, *args, **kwargs):
        seen["started before reading"] = [h.pool is not None for h in created]
        return original(store, *args, **kwargs)

    created: list[w.Helpers] = []
    original_init = w.Helpers.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        created.append(self)

    monkeypatch.setattr(w.Helpers, "__init__", init)
    monkeypatch.setattr(api, "ingest_paths", ingest)
    _classify(tmp_path / "s.duckdb", sample)
    assert seen["started before reading"] == [True]
    assert all(h.proc.returncode is not None for h in created[0].pool._helpers)


def test_fine_tuned_models_get_no_helpers_by_default():
    class Torchy:
        spreads_over_cores = True

    assert not w.worth_helpers(Torchy(), None)
    assert w.worth_helpers(object(), None)
    from evalnlp.coding.finetune import FinetunedCoder, FinetunedSentiment

    assert FinetunedCoder.spreads_over_cores and FinetunedSentiment.spreads_over_cores


def test_a_helper_that_dies_gives_its_work_back(models):
    coder, coder_id, sentiment = models
    texts = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str)["feedback"].dropna().tolist()[:600]
    slices = [texts[i:i + 40] for i in range(0, len(texts), 40)]
    local = [w.code_slice(coder, sentiment, s) for s in slices]
    with w.CodingPool(1, SPEC, coder_id=coder_id, sentiment_id=sentiment.coder_id()) as pool:
        _wait_ready(pool)
        assert pool.ready == 1
        shared = pool.map(slices, lambda s: w.code_slice(coder, sentiment, s))
        assert pool.helped > 0
        for (a, b), (c, d) in zip(shared, local):
            assert np.array_equal(a, c) and np.array_equal(b, d)
        pool._helpers[0].proc.kill()
        pool._helpers[0].proc.wait()
        again = pool.map(slices, lambda s: w.code_slice(coder, sentiment, s))
        assert pool.size == 0
        assert len(pool.failures) == 1 and "stopped" in pool.failures[0]
    for (a, b), (c, d) in zip(again, local):
        assert np.array_equal(a, c) and np.array_equal(b, d)


@pytest.mark.parametrize("spec,expect", [
    ({**SPEC, "model": "no-such-model"}, "failed"),
    (SPEC, "other models"),
])
def test_a_helper_that_cannot_load_the_same_models_is_not_used(models, spec, expect):
    coder, coder_id, sentiment = models
    wrong_id = coder_id if expect == "failed" else "model:someone-else@000000000000"
    with w.CodingPool(1, spec, coder_id=wrong_id, sentiment_id=sentiment.coder_id()) as pool:
        _wait_ready(pool)
        out = pool.map([["Lovely staff."], ["Long wait."]], lambda s: len(s))
        assert out == [1, 1] and pool.helped == 0 and pool.size == 0
        assert len(pool.failures) == 1 and expect in pool.failures[0]


def test_a_stopped_helper_is_a_note_and_the_codes_stay_exact(tmp_path, sample, monkeypatch, ready_helpers):
    monkeypatch.setattr(api, "CODING_SLICE", 50)
    original = w.CodingPool.map
    calls = []

    def map_then_kill(self, slices, code):
        if not calls:  # the helper dies while the first page is shared out
            calls.append(1)
            self._helpers[0].proc.kill()
        return original(self, slices, code)

    monkeypatch.setattr(w.CodingPool, "map", map_then_kill)
    result = _classify(tmp_path / "k.duckdb", sample, workers=2)
    assert result.processes == 1
    stopped = [n for n in result.notes if "coding process" in n]
    assert len(stopped) == 1 and "this process coded its share instead" in stopped[0]
    alone = _classify(tmp_path / "alone.duckdb", sample, workers=1)
    assert _stored(tmp_path / "k.duckdb") == _stored(tmp_path / "alone.duckdb")
    assert alone.notes == [n for n in result.notes if n not in stopped]  # the notes of the passages alone


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_workers_must_be_a_count(tmp_path, sample, bad):
    with pytest.raises(InputError, match=r"\[E149\] workers is the number of processes"):
        _classify(tmp_path / "x.duckdb", sample, workers=bad)


def test_cli_workers(cli, tmp_path, sample):
    a = cli("classify", str(sample), "--text", "feedback", "--id", "row_index", "--codebook", "fft",
            "--workers", "2", "-o", str(tmp_path / "a.csv"))
    assert a.exit_code == 0, a.output
    b = cli("--db", str(tmp_path / "b.duckdb"), "classify", str(sample), "--text", "feedback", "--id", "row_index",
            "--codebook", "fft", "--workers", "1", "-o", str(tmp_path / "b.csv"))
    assert b.exit_code == 0, b.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    zero = cli("classify", str(sample), "--text", "feedback", "--workers", "0")
    assert zero.exit_code == 2 and "--workers" in zero.output


def test_helpers_started_before_loading_are_closed_for_models_that_spread_themselves():
    class Torchy:
        spreads_over_cores = True

    helpers = w.Helpers(2, SPEC)
    pool = helpers.start()
    assert api._helpers_checked(helpers, None, Torchy(), "model:x@000000000000", None) is None
    assert all(h.proc.returncode is not None for h in pool._helpers)
    asked = w.Helpers(2, SPEC)  # the user asked for them: kept
    assert api._helpers_checked(asked, 2, Torchy(), "model:x@000000000000", None) is asked
    assert asked.ids == ("model:x@000000000000", None)
    asked.close()


def test_a_helper_that_hangs_is_stopped_and_its_slice_coded_here(models, monkeypatch):
    import os
    import signal

    coder, coder_id, sentiment = models
    monkeypatch.setattr(w, "SLICE_TIMEOUT", 1.0)
    texts = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str)["feedback"].dropna().tolist()[:200]
    slices = [texts[i:i + 20] for i in range(0, len(texts), 20)]
    with w.CodingPool(1, SPEC, coder_id=coder_id, sentiment_id=sentiment.coder_id()) as pool:
        _wait_ready(pool)
        os.kill(pool._helpers[0].proc.pid, signal.SIGSTOP)  # it takes a slice and never answers
        t0 = time.monotonic()
        out = pool.map(slices, lambda s: w.code_slice(coder, sentiment, s))
        assert time.monotonic() - t0 < 30
        assert pool.size == 0 and pool.helped == 0
        # the limit is 1 s or 20 times the slowest slice coded here, whichever is longer (a loaded machine's)
        assert len(pool.failures) == 1 and re.search(r"spent over \d+ s on one slice", pool.failures[0])
    for (a, b), s in zip(out, slices):
        c, d = w.code_slice(coder, sentiment, s)
        assert np.array_equal(a, c) and np.array_equal(b, d)
