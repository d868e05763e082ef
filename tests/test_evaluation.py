"""Tests for evalnlp.evaluation: kappa, alpha, multi-label and multi-class reports."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
from helpers import REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from evalnlp.errors import CodebookError
from evalnlp.evaluation import (
    cohen_kappa,
    krippendorff_alpha,
    labels_to_matrix,
    multiclass_report,
    multilabel_report,
)

N = None
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12 units,
# values 1-5, with missing data. Published results: nominal .743, ordinal .815, interval .849, ratio .797.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


# --------------------------------------------------------------------------- reference implementations


def _delta(level: str, a: float, b: float, values: list[float], counts: dict[float, float]) -> float:
    if a == b:
        return 0.0
    if level == "nominal":
        return 1.0
    if level == "interval":
        return (a - b) ** 2
    if level == "ratio":
        return ((a - b) / (a + b)) ** 2
    lo, hi = min(a, b), max(a, b)
    between = sum(counts[v] for v in values if lo <= v <= hi)
    return (between - (counts[a] + counts[b]) / 2) ** 2


def alpha_by_pairs(data, level="nominal"):
    """Krippendorff's alpha from its pairwise definition, by explicit loops (slow, obviously right)."""
    units = [[v for v in col if v is not None] for col in zip(*data)]
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    counts: dict[float, float] = {}
    for u in units:  # coincidence-matrix marginals: each pairable value counts once
        for v in u:
            counts[v] = counts.get(v, 0) + 1
    cats = sorted(counts)
    d_o = sum(
        _delta(level, u[i], u[j], cats, counts) / (len(u) - 1)
        for u in units
        for i, j in itertools.permutations(range(len(u)), 2)
    ) / n
    d_e = sum(_delta(level, a, b, cats, counts) for a, b in itertools.permutations(values, 2)) / (n * (n - 1))
    return 1.0 - d_o / d_e


# --------------------------------------------------------------------------- Cohen's kappa


def test_kappa_classic_two_by_two_by_hand():
    # 50 units: both yes 20, A yes / B no 5, A no / B yes 10, both no 15.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    p_o = (20 + 15) / 50  # 0.70
    p_e = (25 / 50) * (30 / 50) + (25 / 50) * (20 / 50)  # 0.30 + 0.20 = 0.50
    assert p_o == 0.7 and p_e == 0.5
    assert cohen_kappa(a, b) == pytest.approx((p_o - p_e) / (1 - p_e))
    assert cohen_kappa(a, b) == pytest.approx(0.4)


@pytest.mark.parametrize("seed", range(5))
def test_kappa_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    a = rng.choice(["care", "staff", "access", "dignity"], size=200)
    b = np.where(rng.random(200) < 0.6, a, rng.choice(["care", "staff", "access", "dignity"], size=200))
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    assert isinstance(cohen_kappa(a, b), float)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=60))
@settings(max_examples=150, deadline=None)
def test_kappa_matches_sklearn_property(pairs):
    a, b = zip(*pairs)
    ours = cohen_kappa(a, b)
    if a == b:
        assert ours == 1.0
    else:
        assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)


def test_kappa_edge_cases():
    assert cohen_kappa([1, 0, 1], [1, 0, 1]) == 1.0
    assert cohen_kappa([0, 0, 0], [0, 0, 0]) == 1.0  # both constant and identical: defined as 1.0
    assert cohen_kappa(["a"] * 4, ["a", "a", "a", "b"]) == 0.0  # one constant rater: chance level
    assert cohen_kappa([0, 1, 0, 1], [1, 0, 1, 0]) == pytest.approx(-1.0)
    assert cohen_kappa(np.array([True, False]), np.array([True, False])) == 1.0
    with pytest.raises(ValueError, match="equal length"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match="at least one"):
        cohen_kappa([], [])


# --------------------------------------------------------------------------- Krippendorff's alpha


@pytest.mark.parametrize(
    "level,expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_alpha_krippendorff_2011_example(level, expected):
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == expected
    as_float = np.array(KRIPPENDORFF_2011, dtype=float)  # None -> NaN
    assert krippendorff_alpha(as_float, level) == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, level))
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(alpha_by_pairs(KRIPPENDORFF_2011, level))


def test_alpha_nominal_exact_fraction():
    # The paper's arithmetic: n = 40 pairable values, off-diagonal coincidences sum to 4 and
    # sum over c != k of n_c * n_k is 608, so alpha = 1 - (n - 1) * 4 / 608.
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(1 - 39 * 4 / 608, abs=1e-12)


def test_alpha_string_labels_and_missing_markers():
    labelled = [["a" if v == 1 else "b" if v == 2 else v for v in row] for row in KRIPPENDORFF_2011]
    numeric = krippendorff_alpha(KRIPPENDORFF_2011)
    assert krippendorff_alpha(labelled) == pytest.approx(numeric)
    with_nan = [[float("nan") if v is None else v for v in row] for row in labelled]
    assert krippendorff_alpha(with_nan) == pytest.approx(numeric)


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=6, max_size=6),
        min_size=2,
        max_size=4,
    ),
    st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
@settings(max_examples=150, deadline=None)
def test_alpha_matches_pairwise_definition(data, level):
    ours = krippendorff_alpha(data, level)
    values = [v for col in zip(*data) if sum(x is not None for x in col) >= 2 for v in col if v is not None]
    if not values:
        assert ours is None
    elif len(set(values)) == 1:
        assert ours == 1.0
    else:
        assert ours == pytest.approx(alpha_by_pairs(data, level), abs=1e-9)


def test_alpha_edge_cases():
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]) == 1.0
    assert krippendorff_alpha([[1, 1, 1], [1, 1, 1]]) == 1.0  # no variation: defined as 1.0
    assert krippendorff_alpha([[1, N, N], [N, 2, N]]) is None  # nothing pairable
    assert krippendorff_alpha([[1, N, 2], [1, 5, 2]]) == 1.0  # unit 2 has one value and is ignored
    assert krippendorff_alpha([[0, 1, 0, 1], [1, 0, 1, 0]]) < 0
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([[1, 2]], level="cardinal")
    with pytest.raises(ValueError, match="2-d"):
        krippendorff_alpha([1, 2, 3])
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval")


def test_alpha_two_coders_relates_to_kappa_on_large_samples():
    rng = np.random.default_rng(3)
    a = rng.integers(0, 3, 5000)
    b = np.where(rng.random(5000) < 0.7, a, rng.integers(0, 3, 5000))
    assert krippendorff_alpha(np.vstack([a, b])) == pytest.approx(cohen_kappa(a, b), abs=0.01)


# --------------------------------------------------------------------------- multi-label report


def _random_multilabel(seed: int, n: int = 120, k: int = 5):
    rng = np.random.default_rng(seed)
    y_true = (rng.random((n, k)) < [0.3, 0.1, 0.5, 0.05, 0.2]).astype(int)
    flip = rng.random((n, k)) < 0.15
    y_pred = np.where(flip, 1 - y_true, y_true)
    return y_true, y_pred


def test_multilabel_report_contract_is_exact_and_json_ready():
    y_true, y_pred = _random_multilabel(0)
    report = multilabel_report(y_true, y_pred, list("abcde"))
    assert set(report) == {"n", "micro_f1", "macro_f1", "krippendorff_alpha", "per_theme"}
    assert list(report["per_theme"]) == list("abcde")
    for stats in report["per_theme"].values():
        assert set(stats) == {"precision", "recall", "f1", "support", "kappa"}
        assert isinstance(stats["support"], int)
    assert report["n"] == 120
    json.dumps(report, allow_nan=False)


@pytest.mark.parametrize("seed", range(4))
def test_multilabel_report_matches_sklearn(seed):
    y_true, y_pred = _random_multilabel(seed)
    report = multilabel_report(y_true, y_pred, list("abcde"))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, zero_division=np.nan)
    for j, theme in enumerate("abcde"):
        stats = report["per_theme"][theme]
        assert stats["precision"] == pytest.approx(p[j])
        assert stats["recall"] == pytest.approx(r[j])
        assert stats["f1"] == pytest.approx(f[j])
        assert stats["support"] == s[j]
        assert stats["kappa"] == pytest.approx(cohen_kappa_score(y_true[:, j], y_pred[:, j]))
    assert report["micro_f1"] == pytest.approx(f1_score(y_true, y_pred, average="micro"))
    assert report["macro_f1"] == pytest.approx(f1_score(y_true, y_pred, average="macro", zero_division=np.nan))
    pooled = np.vstack([y_true.ravel(), y_pred.ravel()])
    assert report["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(pooled))


def test_multilabel_report_by_hand():
    y_true = [[1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 0, 0]]
    y_pred = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 0]]
    report = multilabel_report(y_true, y_pred, ["a", "b", "c"])
    a = report["per_theme"]["a"]  # tp 2, fp 1, fn 1
    assert (a["precision"], a["recall"], a["f1"], a["support"]) == (2 / 3, 2 / 3, 2 / 3, 3)
    assert a["kappa"] == pytest.approx(-1 / 3)  # p_o = 0.5, p_e = 0.75*0.75 + 0.25*0.25 = 0.625
    b = report["per_theme"]["b"]
    assert (b["precision"], b["recall"], b["f1"], b["kappa"]) == (1.0, 1.0, 1.0, 1.0)
    c = report["per_theme"]["c"]  # never used by either coding: no agreement to measure, as sklearn's NaN says
    assert (c["precision"], c["recall"], c["f1"], c["support"], c["kappa"]) == (None, None, None, 0, None)
    assert report["micro_f1"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))  # tp 3, fp 1, fn 1
    assert report["macro_f1"] == pytest.approx((2 / 3 + 1.0) / 2)  # c is undefined and left out
    # alpha over the 12 binary decisions: 10 agree, 2 disagree
    decisions = np.vstack([np.ravel(y_true), np.ravel(y_pred)])
    assert report["krippendorff_alpha"] == pytest.approx(alpha_by_pairs(decisions.tolist()))
    assert "NaN" not in json.dumps(report)


def test_multilabel_report_undefined_precision_and_all_empty():
    report = multilabel_report([[1], [0]], [[0], [0]], ["t"])
    stats = report["per_theme"]["t"]
    assert stats["precision"] is None and stats["recall"] == 0.0 and stats["f1"] == 0.0
    empty = multilabel_report(np.zeros((3, 2)), np.zeros((3, 2)), ["a", "b"])
    assert empty["micro_f1"] is None and empty["macro_f1"] is None
    assert empty["krippendorff_alpha"] == 1.0
    json.dumps(empty, allow_nan=False)


def test_multilabel_report_validates_inputs():
    with pytest.raises(ValueError, match="same shape"):
        multilabel_report(np.zeros((3, 2)), np.zeros((4, 2)), ["a", "b"])
    with pytest.raises(ValueError, match="columns"):
        multilabel_report(np.zeros((3, 2)), np.zeros((3, 2)), ["a"])
    with pytest.raises(ValueError, match="only 0 and 1"):
        multilabel_report([[2, 0]], [[1, 0]], ["a", "b"])
    with pytest.raises(ValueError, match=r"\(n, k\)"):
        multilabel_report([1, 0], [1, 0], ["a"])


# --------------------------------------------------------------------------- multi-class report


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
def test_multiclass_report_matches_sklearn():
    rng = np.random.default_rng(7)
    labels = ["care", "staff", "access", "dignity", "unused"]
    y_true = rng.choice(labels[:4], size=300, p=[0.5, 0.3, 0.15, 0.05])
    y_pred = np.where(rng.random(300) < 0.65, y_true, rng.choice(labels, size=300))
    report = multiclass_report(y_true, y_pred, labels)
    assert report["accuracy"] == pytest.approx(accuracy_score(y_true, y_pred))
    assert report["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y_true, y_pred))
    assert report["macro_f1"] == pytest.approx(
        f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=np.nan)
    )
    assert report["kappa"] == pytest.approx(cohen_kappa_score(y_true, y_pred))
    assert report["confusion_matrix"] == confusion_matrix(y_true, y_pred, labels=labels).tolist()
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=np.nan)
    for i, lab in enumerate(labels):
        stats = report["per_class"][lab]
        for ours, theirs in ((stats["precision"], p[i]), (stats["recall"], r[i]), (stats["f1"], f[i])):
            assert (ours is None and math.isnan(theirs)) or ours == pytest.approx(theirs)
        assert stats["support"] == s[i]
    assert report["per_class"]["unused"]["recall"] is None  # never in the reference
    assert report["krippendorff_alpha"] == pytest.approx(krippendorff_alpha([list(y_true), list(y_pred)]))
    json.dumps(report, allow_nan=False)


def test_multiclass_report_rejects_unknown_values():
    with pytest.raises(ValueError, match="not in labels: other"):
        multiclass_report(["a", "other"], ["a", "a"], ["a", "b"])
    with pytest.raises(ValueError, match="same length"):
        multiclass_report(["a"], ["a", "b"], ["a", "b"])


# --------------------------------------------------------------------------- labels_to_matrix


def test_labels_to_matrix_shapes_and_separators():
    ids = ["a", "b", "c"]
    m = labels_to_matrix([["a", "c"], [], None, ("b",), "c", float("nan"), ""], ids)
    assert m.dtype == np.uint8
    assert m.tolist() == [[1, 0, 1], [0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]]
    joined = labels_to_matrix(["a;b", " c ; ", None], ids, sep=";")
    assert joined.tolist() == [[1, 1, 0], [0, 0, 1], [0, 0, 0]]
    assert labels_to_matrix([], ids).shape == (0, 3)


def test_labels_to_matrix_unknown_label_e230():
    with pytest.raises(CodebookError) as err:
        labels_to_matrix([["a"], ["zzz"]], ["a", "b"])
    assert err.value.code == "E230"
    assert "'zzz' (row 1)" in err.value.message
    with pytest.raises(CodebookError):
        labels_to_matrix(["a;b"], ["a", "b"])  # without sep the string is one (unknown) label


def test_a_theme_neither_coding_used_has_no_kappa_and_the_macro_f1_note_says_so():
    """Themes nobody used showed kappa 1.0 (perfect agreement) in the table, and macro-F1 quietly averaged the
    others; their kappa is undefined like their F1, and a note says how many themes the average leaves out."""
    from evalnlp.evaluation import unused_themes_note

    report = multilabel_report([[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [0, 0, 0]], ["a", "b", "c"])
    assert report["per_theme"]["c"]["kappa"] is None and report["per_theme"]["b"]["kappa"] == 0.0
    note = unused_themes_note(report)
    assert note.startswith("macro-F1 averages the 2 of 3 themes that either coding used; 1 (c) occur")
    assert unused_themes_note(multilabel_report([[1, 0]], [[0, 1]], ["a", "b"])) is None



def test_category_alpha_is_the_alpha_of_each_units_one_theme():
    """Single-label codings: the alpha of the one category per unit (as in Krippendorff's worked examples),
    here 4 units, themes a, b, c, and one unit given none by the second coder; not the pooled unit x theme
    decisions, which agree on every absent theme and come out higher."""
    from evalnlp.evaluation import category_alpha, krippendorff_alpha, multilabel_report

    t = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    p = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]])
    # categories 0 1 2 0 against 0 1 0 none (3). By hand: the coincidences off the diagonal are 4 (units 3 and 4,
    # each pair both ways), the values n_0..n_3 = 4, 2, 1, 1 (n = 8), so alpha = 1 - (n - 1) * 4 / (n^2 - sum n_c^2)
    # = 1 - 7 * 4 / (64 - 22) = 1/3
    assert category_alpha(t, p) == pytest.approx(1 / 3)
    assert krippendorff_alpha(np.array([[0, 1, 2, 0], [0, 1, 0, 3]])) == pytest.approx(1 / 3)
    pooled = multilabel_report(t, p, ["a", "b", "c"])["krippendorff_alpha"]
    assert pooled > category_alpha(t, p)
    with pytest.raises(ValueError):
        category_alpha(np.array([[1, 1, 0]]), np.array([[1, 0, 0]]))


def test_evaluate_on_a_single_label_codebook_reports_the_category_alpha(tmp_path):
    """evaluate on fft (single-label): the alpha is that of each comment's one theme, not of the pooled
    comment x theme decisions (on 150 FFT comments the helper's check found 0.648 pooled against 0.602)."""
    from evalnlp import api
    from evalnlp.coding import load_coder
    from evalnlp.evaluation import krippendorff_alpha

    frame = pd.read_csv(REPO / "corpora" / "nhs_fft" / "text_data.csv", dtype=str,
                        keep_default_na=False).sample(n=80, random_state=5)
    frame = frame[frame["feedback"].str.strip().str.len() > 3]
    frame[["feedback", "label"]].to_csv(tmp_path / "f.csv", index=False)
    report = api.evaluate(tmp_path / "f.csv", text="feedback", labels_column="label", codebook="fft",
                          model="keyword")
    coder, cb, _ = load_coder("fft", "keyword")
    predicted = coder.predict(frame["feedback"].tolist()).argmax(axis=1)
    truth = [cb.theme_ids.index(cb.label_to_id(x)) for x in frame["label"]]
    assert report["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(np.vstack([truth, predicted])))
