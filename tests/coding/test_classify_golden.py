"""`classify` keeps the store exact: a fixed sample of real passages (NHS FFT comments and REF impact quotes,
some split into sentences) is classified with sentiment, and every stored code (theme, score, assigned),
every sentiment (label, score) and the output file's rows are compared with a golden file.

The golden file, tests/golden/classify_sample.json, was written by the code as it was before the classify
path was made faster, so this test shows that the faster path gives the same results. Regenerate it only when a
model or the coding itself changes on purpose: ``EVALNLP_UPDATE_GOLDEN=1 pytest tests/coding/test_classify_golden.py``,
then review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import CORPORA, shared_data

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "classify_sample.json"
TRAIN = (shared_data() or Path("shared-data-not-found")) / "ref_impact_train" / "impact_themes_train.csv"
# Scores are stored rounded to 6 places: a difference in the last float bits of the linear algebra (another CPU's
# vector instructions) can move one across a rounding boundary, so one unit of the last place is allowed, and a
# little over it for the float error of the difference itself.
TOL = 1.5e-6

pytestmark = pytest.mark.skipif(not TRAIN.exists(), reason="the shared REF training quotes are not available")


def _fft_sample(path: Path) -> None:
    """250 FFT comments picked with a fixed seed, plus every row without text (they become rejects)."""
    src = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str)
    rng = np.random.default_rng(20261205)
    pick = np.sort(rng.choice(len(src), size=250, replace=False))
    empty = np.flatnonzero(src["feedback"].isna().to_numpy())[:3]
    rows = src.iloc[np.union1d(pick, empty)]
    rows[["row_index", "organization", "question", "feedback"]].to_csv(path, index=False)


def _impact_sample(path: Path) -> None:
    """120 REF impact quotes picked with a fixed seed (the quote only, with its id and unit of assessment)."""
    src = pd.read_csv(TRAIN, dtype=str, keep_default_na=False)
    rng = np.random.default_rng(20261206)
    pick = np.sort(rng.choice(len(src), size=120, replace=False))
    src.iloc[pick][["id", "uoa", "quote"]].to_csv(path, index=False)


CASES = [  # name, sample, classify options
    ("fft", "fft.csv", dict(text=["feedback"], id="row_index", codebook="fft")),
    ("impact", "impact.csv", dict(text=["quote"], id="id", codebook="impact")),
    ("impact_sentences", "impact.csv", dict(text=["quote"], id="id", codebook="impact", unit="sentence")),
]


def _snapshot(tmp: Path, name: str, sample: str, options: dict) -> dict:
    from evalnlp import api
    from evalnlp.store import Store

    out = tmp / f"{name}-coded.csv"  # never over an input sample
    with Store(tmp / f"{name}.duckdb") as store:
        result = api.classify(store, [tmp / sample], output=out, **options)
        con = store.con
        codes = con.execute(
            """SELECT d.locator, s.kind, s.start, s."end", c.theme, c.score, c.assigned
               FROM codes c JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
               ORDER BY d.locator, s.start, s."end", c.theme""").fetchall()
        sentiment = con.execute(
            """SELECT d.locator, s.kind, s.start, s."end", x.label, x.score
               FROM sentiment x JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
               ORDER BY d.locator, s.start, s."end\"""").fetchall()
        rejects = con.execute("SELECT locator, code FROM rejects ORDER BY locator").fetchall()
        run = store.run(result.run_id)
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    return {
        "coder": result.coder,
        "n_coded": result.n_coded,
        "counts": [int(run["n_in"]), int(run["n_ok"]), int(run["n_rejected"])],
        "codes": [[r[0], r[1], int(r[2]), int(r[3]), r[4], float(r[5]), bool(r[6])] for r in codes],
        "sentiment": [[r[0], r[1], int(r[2]), int(r[3]), r[4], float(r[5])] for r in sentiment],
        "rejects": [list(r) for r in rejects],
        "output_columns": list(written.columns),
        "output": written.to_dict(orient="split")["data"],
    }


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("golden_classify")
    _fft_sample(tmp / "fft.csv")
    _impact_sample(tmp / "impact.csv")
    return {name: _snapshot(tmp, name, sample, options) for name, sample, options in CASES}


def test_golden_file_is_current_or_regenerated(snapshots):
    if os.environ.get("EVALNLP_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(snapshots, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert GOLDEN.exists(), "no golden file: run with EVALNLP_UPDATE_GOLDEN=1 once and review it"
    assert set(json.loads(GOLDEN.read_text(encoding="utf-8"))) == {name for name, _, _ in CASES}


def _score_columns(columns: list[str]) -> list[int]:
    return [i for i, c in enumerate(columns) if c.startswith("score_") or c.startswith("evalnlp_score_")]


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_classify_stores_the_golden_codes_and_sentiment(snapshots, name):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    got = snapshots[name]
    assert got["coder"] == golden["coder"]
    assert got["n_coded"] == golden["n_coded"] and got["n_coded"] > 0
    assert got["counts"] == golden["counts"] and got["counts"][0] == got["counts"][1] + got["counts"][2]
    assert got["rejects"] == golden["rejects"]

    # codes: the same (segment, theme) rows, the same decisions, scores within TOL
    assert [r[:5] + [r[6]] for r in got["codes"]] == [r[:5] + [r[6]] for r in golden["codes"]]
    np.testing.assert_allclose([r[5] for r in got["codes"]], [r[5] for r in golden["codes"]], atol=TOL, rtol=0)
    assert any(r[6] for r in got["codes"])  # the sample does get themes

    assert [r[:5] for r in got["sentiment"]] == [r[:5] for r in golden["sentiment"]]
    np.testing.assert_allclose([r[5] for r in got["sentiment"]], [r[5] for r in golden["sentiment"]],
                               atol=TOL, rtol=0)
    assert len({r[4] for r in got["sentiment"]}) >= 2

    # the output file: same columns, same rows; score columns within TOL, every other cell exact
    assert got["output_columns"] == golden["output_columns"]
    assert len(got["output"]) == len(golden["output"])
    scores = _score_columns(got["output_columns"])
    for mine, theirs in zip(got["output"], golden["output"]):
        assert [v for i, v in enumerate(mine) if i not in scores] == \
            [v for i, v in enumerate(theirs) if i not in scores]
        np.testing.assert_allclose([float(mine[i]) for i in scores], [float(theirs[i]) for i in scores],
                                   atol=TOL, rtol=0)
