#!/usr/bin/env python3
"""Impact-theme coding: model variants that might lift the shipped recipe, measured on equal terms.

Every variant is scored by the same grouped 5-fold cross-validation over case studies on the 80% tuning part of
``ref_impact_train`` (the GroupShuffleSplit(0.2, seed 2026) of scripts/train_impact_model.py; the hold-out is
not read). Fold seed 0 is GroupKFold without shuffling; ``--seeds 1 2`` repeats the comparison on shuffled
folds, since a change smaller than the spread between fold seeds is not a finding.

Two scores per variant:

- "own thresholds": each fold's model decides with the thresholds it chose itself (inside its training folds),
  as ``classify`` does; only the shipped recipe and its threshold rules have this column;
- "thresholds on out-of-fold scores": each theme's threshold chosen on all the out-of-fold scores together
  (optimistic by the same amount for every variant: fit for ranking them, not as a final figure).

Variants: the shipped recipe (``EnsembleCoder``, C=0.1: SVMs over word and character TF-IDF and the static
embedding, calibrated with the codebook's zero-shot prior); the same with other threshold rules (best F1 on
bootstrap resamples; a 7-point moving average of the F1 curve; half the best F1, the optimum for calibrated
scores); logistic regression over the same kind of features; the same with the quote's context (the 200
characters either side, as TF-IDF and embedding blocks at weight 0.7); a second-stage regression per theme
over every theme's out-of-fold score (stacking); and rank averages of the recipe with the others.

Writes bench/results/impact_variants.md. Run: ``python bench/bench_impact_variants.py [--seeds 0 1 2]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from _common import machine, shared_data, today, write_section  # noqa: E402
from train_impact_model import SEED, load, matrix  # noqa: E402

from evalnlp.coding.supervised import best_f1_threshold as LIBRARY_BEST_F1  # noqa: E402  (before any swap)

CONTEXT_WEIGHT = 0.7
GRID = np.linspace(0.01, 0.99, 99)


def log(message: str) -> None:
    print(f"[bench_impact_variants] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ threshold rules


def _f1_curve(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    positives = y.sum()
    predicted = scores[None, :] >= GRID[:, None]
    tp = (predicted & y[None, :]).sum(axis=1)
    return 2 * tp / np.maximum(predicted.sum(axis=1) + positives, 1)


def bootstrap_threshold(scores, y) -> float:
    """The grid threshold with the best F1 summed over 100 bootstrap resamples (seed 0)."""
    scores, y = np.asarray(scores, float), np.asarray(y, bool)
    if not y.any():
        return 1.0
    rng = np.random.default_rng(0)
    total = np.zeros(len(GRID))
    for _ in range(100):
        pick = rng.integers(0, len(y), len(y))
        total += _f1_curve(scores[pick], y[pick])
    return float(GRID[np.argmax(total)])


def smoothed_threshold(scores, y) -> float:
    """The grid threshold with the best 7-point moving average of the F1 curve."""
    scores, y = np.asarray(scores, float), np.asarray(y, bool)
    if not y.any():
        return 1.0
    curve = np.convolve(_f1_curve(scores, y), np.ones(7) / 7, mode="same")
    return float(GRID[np.argmax(curve)])


def half_best_f1_threshold(scores, y) -> float:
    """Half the best F1 reachable: the F1-optimal threshold when the scores are calibrated probabilities."""
    scores, y = np.asarray(scores, float), np.asarray(y, bool)
    if not y.any():
        return 1.0
    chosen = scores >= LIBRARY_BEST_F1(scores, y)
    return float(2 * (chosen & y).sum() / (chosen.sum() + y.sum()) / 2)


RULES = {"bootstrap": bootstrap_threshold, "smoothed": smoothed_threshold, "half best F1": half_best_f1_threshold}


# ------------------------------------------------------------------ scoring


def f1s(Y: np.ndarray, P: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    return (float(f1_score(Y, P, average="macro", zero_division=0)),
            float(f1_score(Y, P, average="micro", zero_division=0)))


def oof_thresholded(Y: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    from evalnlp.coding.supervised import best_f1_threshold

    P = np.column_stack([scores[:, k] >= best_f1_threshold(scores[:, k], Y[:, k]) for k in range(Y.shape[1])])
    return f1s(Y, P.astype(int))


def ranks(scores: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return np.column_stack([rankdata(scores[:, k]) / len(scores) for k in range(scores.shape[1])])


def recipe(quotes, Y, folds, rule=None) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities and own-threshold decisions of the shipped recipe (threshold rule swapped in)."""
    import evalnlp.coding.supervised as supervised
    from evalnlp.coding import make_coder
    from evalnlp.coding.base import decide

    original = supervised.best_f1_threshold
    if rule is not None:
        supervised.best_f1_threshold = rule
    try:
        proba, decided = np.zeros(Y.shape), np.zeros_like(Y)
        for a, b in folds:
            coder = make_coder("ensemble", "impact", C=0.1).fit([quotes[i] for i in a], Y[a])
            proba[b] = coder.predict_proba([quotes[i] for i in b])
            decided[b] = decide(proba[b], coder.thresholds_, multi_label=True, require_theme=False)
        return proba, decided
    finally:
        supervised.best_f1_threshold = original


def logistic(blocks_of, Y, folds) -> np.ndarray:
    """Out-of-fold probabilities of a class-balanced logistic regression per theme over ``blocks_of(a, b)``."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros(Y.shape)
    for a, b in folds:
        Xa, Xb = blocks_of(a, b)
        for k in range(Y.shape[1]):
            model = LogisticRegression(C=1.0, class_weight="balanced", solver="liblinear", max_iter=3000)
            out[b, k] = model.fit(Xa, Y[a, k]).predict_proba(Xb)[:, 1]
    return out


def tfidf_blocks(fit_texts, apply_texts, char=True):
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    a, b = [word.fit_transform(fit_texts)], [word.transform(apply_texts)]
    if char:
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                max_features=100_000)
        a.append(chars.fit_transform(fit_texts))
        b.append(chars.transform(apply_texts))
    return sparse.hstack(a).tocsr(), sparse.hstack(b).tocsr()


def stacked(scores: np.ndarray, Y: np.ndarray, folds) -> np.ndarray:
    """Second stage: per theme, a logistic regression over every theme's out-of-fold log-odds."""
    from sklearn.linear_model import LogisticRegression

    clipped = np.clip(scores, 1e-4, 1 - 1e-4)
    L = np.log(clipped / (1 - clipped))
    out = np.zeros(Y.shape)
    for a, b in folds:
        for k in range(Y.shape[1]):
            model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(L[a], Y[a, k])
            out[b, k] = model.predict_proba(L[b])[:, 1]
    return out


def run_seed(seed: int, quotes, contexts, Y, groups) -> list[tuple[str, str, float, float]]:
    from scipy import sparse
    from sklearn.model_selection import GroupKFold

    from evalnlp.embeddings import get_encoder

    splitter = GroupKFold(n_splits=5) if seed == 0 else GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    folds = list(splitter.split(quotes, groups=groups))
    encoder = get_encoder("static")
    Eq = encoder.encode(quotes).astype(np.float64)
    Ec = encoder.encode(contexts).astype(np.float64)
    rows: list[tuple[str, str, float, float]] = []

    def add(name: str, how: str, scores: tuple[float, float]) -> None:
        rows.append((name, how, *scores))
        log(f"seed {seed}: {name} ({how}): macro {scores[0]:.3f} micro {scores[1]:.3f}")

    t0 = time.perf_counter()
    proba, decided = recipe(quotes, Y, folds)
    add("shipped recipe", "own thresholds", f1s(Y, decided))
    add("shipped recipe", "out-of-fold thresholds", oof_thresholded(Y, proba))
    log(f"recipe in {time.perf_counter() - t0:.0f}s")
    for name, rule in RULES.items():
        add(f"shipped recipe, {name} thresholds", "own thresholds", f1s(Y, recipe(quotes, Y, folds, rule)[1]))

    def quote_blocks(a, b):
        Xa, Xb = tfidf_blocks([quotes[i] for i in a], [quotes[i] for i in b])
        return (sparse.hstack([Xa, sparse.csr_matrix(Eq[a])]).tocsr(),
                sparse.hstack([Xb, sparse.csr_matrix(Eq[b])]).tocsr())

    def context_blocks(a, b):
        Xa, Xb = quote_blocks(a, b)
        Ca, Cb = tfidf_blocks([contexts[i] for i in a], [contexts[i] for i in b], char=False)
        w = CONTEXT_WEIGHT
        return (sparse.hstack([Xa, Ca * w, sparse.csr_matrix(Ec[a] * w)]).tocsr(),
                sparse.hstack([Xb, Cb * w, sparse.csr_matrix(Ec[b] * w)]).tocsr())

    plain = logistic(quote_blocks, Y, folds)
    add("logistic regression, quote", "out-of-fold thresholds", oof_thresholded(Y, plain))
    context = logistic(context_blocks, Y, folds)
    add(f"logistic regression, quote + context (weight {CONTEXT_WEIGHT})", "out-of-fold thresholds",
        oof_thresholded(Y, context))
    add("stacking over all themes' recipe scores", "out-of-fold thresholds", oof_thresholded(Y, stacked(proba, Y, folds)))
    add("rank average: recipe + logistic regression", "out-of-fold thresholds",
        oof_thresholded(Y, (ranks(proba) + ranks(plain)) / 2))
    add("rank average: recipe + logistic regression with context", "out-of-fold thresholds",
        oof_thresholded(Y, (ranks(proba) + ranks(context)) / 2))
    return rows


def main(argv=None) -> int:
    from sklearn.model_selection import GroupShuffleSplit

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="fold seeds (0: GroupKFold without shuffling)")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    cb, train, _dev = load(shared_data())
    Y = matrix(train, cb.theme_ids)
    groups = train["case_study_id"].to_numpy()
    tune, _hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED)
                       .split(train["quote"], groups=groups))
    part = train.iloc[tune].reset_index(drop=True)
    quotes = part["quote"].tolist()
    contexts = [f"{before[-200:]} {after[:200]}" for before, after in zip(part["context_before"], part["context_after"])]
    results = {seed: run_seed(seed, quotes, contexts, Y[tune], groups[tune]) for seed in args.seeds}
    names = [(name, how) for name, how, _, _ in results[args.seeds[0]]]
    head = " | ".join(f"seed {s} macro / micro" for s in args.seeds)
    lines = [f"## Impact codebook: variants of the shipped recipe ({today()})", "",
             f"Machine: {machine()}. Load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.",
             "",
             f"Grouped 5-fold CV over case studies on the 80% tuning part of ref_impact_train ({len(quotes):,} "
             "quotes; the hold-out is not read), for each fold seed (0: GroupKFold unshuffled). 'own thresholds': "
             "each fold's model decides with the thresholds it chose inside its training folds, as `classify` "
             "does; 'out-of-fold thresholds': each theme's threshold chosen on all out-of-fold scores together "
             "(optimistic alike for every variant). `python bench/bench_impact_variants.py "
             f"--seeds {' '.join(map(str, args.seeds))}`.", "",
             f"| variant | thresholds | {head} |", "|---|---|" + "---:|" * len(args.seeds)]
    for i, (name, how) in enumerate(names):
        cells = " | ".join(f"{results[s][i][2]:.3f} / {results[s][i][3]:.3f}" for s in args.seeds)
        lines.append(f"| {name} | {how} | {cells} |")
    print(write_section("impact_variants", lines).read_text(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
