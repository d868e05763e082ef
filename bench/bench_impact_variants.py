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

``--corpus`` measures instead the variants that read the unlabelled REF2014 corpus (``ref2014_corpus``), under
the same protocol, against the shipped recipe of the same folds, and writes bench/results/impact_variants_corpus.md.
The unlabelled passages come only from case studies that are in neither the training file nor the dev file, so
no fold's validation case study enters as unlabelled text:

- self-training: the testimonials that evalnlp's own extractor (``evalnlp.ingest.narrative``) finds in the
  "Details of the impact" of those case studies (8 to 80 words, as the labelled quotes), scored by the fold's
  shipped-recipe model (trained on the fold's training part only); per theme, a passage scoring at or above a
  high cut becomes a positive and one at or below a low cut a negative, at a smaller weight, for that theme's SVM
  only (the calibration and thresholds still see coded passages only); the model is then refitted;
- corpus-fitted vocabulary: the TF-IDF vocabularies and idf weights fitted on the fold's training quotes plus
  unlabelled corpus text (the testimonials above, or the sentences of "Details of the impact") instead of the
  training quotes alone.

``--corpus --extra`` measures further variants, cheap at prediction time, chosen after the first corpus
variants had been seen on fold seed 0 (self-training with pseudo-positives only; the embedding block weighted by
the corpus's token frequencies) and writes bench/results/impact_variants_extra.md.

``--cues`` measures whether the codebook's own decision rules lift the recipe, and writes
bench/results/impact_variants_cues.md. The variants and the rule were written here before any of them was run:

- the cue patterns (:data:`CUES`) are written from the codebook (codebooks/impact-themes.md) and the decision
  rules and labelling conventions of the two labelled files' READMEs only, not from the training quotes or from
  the recipe's mistakes on them: per group of cues, the passage's count (as log(1 + count)), a few pairs the rules
  name together (adoption with a number, a service word with an improvement word, a causal claim without an
  evaluative word, an attitude word with a change word, money with a number) as 0/1, and the share of
  capitalised words (bare titles get no theme);
- (a) those cue columns, times a fixed weight (0.3 and 1.0, both fixed before running), appended to the features
  of every theme's linear model (the recipe otherwise unchanged);
- (b) the same cues on the quote and, in columns of their own, on its context (context_before + context_after),
  at the same two weights;
- (c) a second stage per theme: a class-balanced logistic regression over every theme's first-stage log-odds (the
  shipped recipe's, out-of-fold inside the fold's training part, as the coder computes them for its own
  calibration) plus the quote's cue columns (standardised), its thresholds chosen on its own out-of-fold scores
  inside the fold's training part; also with the context's cue columns, and without any cue (for reference);
- ship rule: adopt a variant only if it beats the shipped recipe by at least 1.0 point macro-F1 on every fold seed
  (0 1 2) and lowers micro-F1 on none; every variant decides with its own thresholds.

Cached in ``--cache`` (the pool of unlabelled passages): the extractor takes a few minutes.
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


# ------------------------------------------------------------------ unlabelled corpus variants

CORPUS_NAME = Path("ref2014_corpus") / "ref2014_case_studies.jsonl.gz"
MIN_WORDS, MAX_WORDS = 8, 80  # the word range of the labelled quotes (see the training file's README)
#: (name, cuts, weight of a pseudo-labelled passage): fixed before any variant was measured
SELF_TRAINING = [
    ("self-training, cuts 0.8 / 0.1, weight 0.3", "absolute", 0.3),
    ("self-training, cuts 0.8 / 0.1, weight 0.6", "absolute", 0.6),
    ("self-training, cuts midway to 1 / a third of each theme's threshold, weight 0.3", "relative", 0.3),
]


def excluded_case_studies(train, dev) -> set[str]:
    return set(train["case_study_id"].astype(str)) | set(dev["case_study_id"].astype(str))


def unlabelled_pool(base: Path, excluded: set[str], cache: Path) -> dict[str, list[str]]:
    """Testimonials (8-80 words) and "Details of the impact" sentences of the corpus's case studies that are in
    neither labelled file; cached as JSON (keyed by the excluded ids, so a changed split rebuilds it)."""
    import gzip
    import hashlib
    import json
    import re

    key = hashlib.sha256("\n".join(sorted(excluded)).encode()).hexdigest()[:16]
    path = cache / f"ref2014_pool_{key}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    from evalnlp.ingest import narrative

    nlp = narrative.load_pipeline()
    testimonials: dict[str, None] = {}
    sentences: dict[str, None] = {}
    n_studies = 0
    t0 = time.perf_counter()
    with gzip.open(base / CORPUS_NAME, "rt", encoding="utf-8") as handle:
        for line in handle:
            study = json.loads(line)
            if str(study["case_study_id"]) in excluded:
                continue
            n_studies += 1
            details = study.get("impact_details") or ""
            for t in narrative.extract_testimonials(details, nlp):
                quote = " ".join(t.quote.split())
                if MIN_WORDS <= len(quote.split()) <= MAX_WORDS:
                    testimonials.setdefault(quote)
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"'‘“(\[])", " ".join(details.split())):
                if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
                    sentences.setdefault(sentence)
            if n_studies % 200 == 0:
                log(f"pool: {n_studies} case studies, {len(testimonials)} testimonials "
                    f"({time.perf_counter() - t0:.0f}s)")
    pool = {"case_studies": [n_studies], "testimonials": list(testimonials), "sentences": list(sentences)}
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pool), encoding="utf-8")
    return pool


def _pseudo_coder_class():
    from evalnlp.coding.ensemble import EnsembleCoder
    from evalnlp.coding.supervised import _FALLBACK_DECISION, _svm

    class PseudoLabelled(EnsembleCoder):
        """The shipped recipe whose per-theme SVMs also see pseudo-labelled passages (``pseudo_``: texts, an
        ``(m, k)`` matrix of 1 / 0 / -1 for positive / negative / left out, and their weight); everything
        else (calibration, thresholds, prior) sees the coded passages only."""

        def _fit_all(self, X, Y, rows):
            import warnings

            from scipy import sparse

            texts, L, weight = self.pseudo_
            Xp = self.features_.stacked(texts)
            fits = []
            for r in rows:
                coef, intercept = np.zeros((Y.shape[1], X.shape[1])), np.zeros(Y.shape[1])
                for j in range(Y.shape[1]):
                    use = np.flatnonzero(L[:, j] >= 0)
                    y = np.concatenate([Y[r, j], L[use, j]])
                    if y.min() == y.max():
                        intercept[j] = -_FALLBACK_DECISION if y[0] else _FALLBACK_DECISION
                        continue
                    w = np.concatenate([np.ones(len(r)), np.full(len(use), weight)])
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        model = _svm(self.C, self.class_weight, self.random_state).fit(
                            sparse.vstack([X[r], Xp[use]]).tocsr(), y, sample_weight=w)
                    coef[j], intercept[j] = model.coef_[0], model.intercept_[0]
                fits.append((coef, intercept))
            return fits

    return PseudoLabelled


def pseudo_labels(scores: np.ndarray, thresholds: np.ndarray, cuts: str) -> np.ndarray:
    """1 (confident positive), 0 (confident negative) or -1 (left out) per passage and theme."""
    if cuts == "absolute":
        high, low = np.full(scores.shape[1], 0.8), np.full(scores.shape[1], 0.1)
    else:
        high, low = (1 + thresholds) / 2, thresholds / 3
    return np.where(scores >= high, 1, np.where(scores <= low, 0, -1))


def corpus_vocabulary_coder(extra_texts: list[str]):
    """A shipped-recipe coder whose TF-IDF vocabularies and idf are fitted on its training texts plus
    ``extra_texts`` (the library's own TextFeatures, fitted on more text)."""
    from evalnlp.coding import supervised

    class CorpusFeatures(supervised.TextFeatures):
        def fit(self, X, y=None):
            return super().fit(list(X) + extra_texts)

    return recipe_with_features(CorpusFeatures)


def recipe_with_features(features_class):
    """A shipped-recipe coder (``EnsembleCoder``, C=0.1) whose fit builds ``features_class`` where the library
    builds ``supervised.TextFeatures``; the library's class is put back when the fit ends."""
    from evalnlp.coding import supervised
    from evalnlp.coding.ensemble import EnsembleCoder

    class WithFeatures(EnsembleCoder):
        def fit(self, X, Y):
            original = supervised.TextFeatures
            supervised.TextFeatures = features_class
            try:
                return super().fit(X, Y)
            finally:
                supervised.TextFeatures = original

    return WithFeatures(codebook="impact", C=0.1)


def run_corpus_seed(seed: int, quotes, Y, groups, pool) -> list[tuple[str, str, float, float]]:
    from sklearn.model_selection import GroupKFold

    from evalnlp.coding import make_coder
    from evalnlp.coding.base import decide

    splitter = GroupKFold(n_splits=5) if seed == 0 else GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    folds = list(splitter.split(quotes, groups=groups))
    unlabelled = pool["testimonials"]
    PseudoLabelled = _pseudo_coder_class()
    rows: list[tuple[str, str, float, float]] = []
    decided = {name: np.zeros_like(Y) for name in
               ["shipped recipe"] + [v[0] for v in SELF_TRAINING]
               + ["corpus vocabulary: training quotes + testimonials",
                  "corpus vocabulary: training quotes + impact-details sentences"]}
    taken = {v[0]: [] for v in SELF_TRAINING}
    for f, (a, b) in enumerate(folds):
        t0 = time.perf_counter()
        train_q, test_q = [quotes[i] for i in a], [quotes[i] for i in b]
        teacher = make_coder("ensemble", "impact", C=0.1).fit(train_q, Y[a])
        decided["shipped recipe"][b] = decide(teacher.predict_proba(test_q), teacher.thresholds_,
                                              multi_label=True, require_theme=False)
        scores = teacher.predict_proba(unlabelled)
        for name, cuts, weight in SELF_TRAINING:
            L = pseudo_labels(scores, teacher.thresholds_, cuts)
            taken[name].append(((L == 1).sum(axis=0), (L == 0).sum(axis=0)))
            student = PseudoLabelled(codebook="impact", C=0.1)
            student.pseudo_ = (unlabelled, L, weight)
            student.fit(train_q, Y[a])
            decided[name][b] = decide(student.predict_proba(test_q), student.thresholds_, multi_label=True,
                                      require_theme=False)
        for name, extra in (("corpus vocabulary: training quotes + testimonials", unlabelled),
                            ("corpus vocabulary: training quotes + impact-details sentences", pool["sentences"])):
            coder = corpus_vocabulary_coder(extra).fit(train_q, Y[a])
            decided[name][b] = decide(coder.predict_proba(test_q), coder.thresholds_, multi_label=True,
                                      require_theme=False)
        log(f"seed {seed} fold {f}: {time.perf_counter() - t0:.0f}s")
    for name, D in decided.items():
        macro, micro = f1s(Y, D)
        rows.append((name, "own thresholds", macro, micro))
        log(f"seed {seed}: {name}: macro {macro:.3f} micro {micro:.3f}")
    for name, counts in taken.items():
        pos = np.mean([c[0] for c in counts], axis=0).round().astype(int).tolist()
        neg = np.mean([c[1] for c in counts], axis=0).round().astype(int).tolist()
        log(f"seed {seed}: {name}: pseudo-positives per theme (mean over folds) {pos}, negatives {neg}")
        rows.append((name, "pseudo-labels", float(sum(pos)), float(sum(neg))))
    return rows


# ------------------------------------------------------------------ further cheap variants (--extra)

SIF_A = 1e-3  # the smoothing constant of smooth inverse frequency weighting (Arora et al. 2017)


def token_weights(texts: list[str]) -> dict[str, float]:
    """Smooth inverse frequency ``a / (a + p(token))`` of each lower-cased whitespace token of ``texts`` (the
    library's tokens); a token not seen there keeps weight 1."""
    from collections import Counter

    counts = Counter(token for text in texts for token in text.lower().split())
    total = sum(counts.values())
    return {token: SIF_A / (SIF_A + count / total) for token, count in counts.items()}


def weighted_embedding_coder(weights: dict[str, float], extra_texts: list[str] | None = None):
    """The shipped recipe whose embedding block averages token vectors weighted by ``weights`` (corpus
    frequencies) instead of equally; with ``extra_texts``, the TF-IDF vocabulary is corpus-fitted as well."""
    from scipy import sparse

    from evalnlp.coding import supervised

    class WeightedFeatures(supervised.TextFeatures):
        def fit(self, X, y=None):
            return super().fit(list(X) + (extra_texts or []))

        def transform(self, X):
            tfidf, dense = super().transform(X)
            if not self.dim_:
                return tfidf, dense
            texts = supervised.as_texts(X)
            flat, ptr = supervised._tokenise(texts)
            rows, _chars, _wptr, _wids, vectors = supervised._memory_for(self).lookup(flat)
            w = np.fromiter((weights.get(t, 1.0) for t in flat), np.float32, len(flat))
            presence = sparse.csr_matrix((w, rows, ptr), shape=(len(texts), vectors.shape[0]))
            dense = np.asarray(presence @ vectors, dtype=np.float32)
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            np.divide(dense, norms, out=dense, where=norms > 0)
            dense *= np.float32(self.embedding_weight)
            return tfidf, dense

    return recipe_with_features(WeightedFeatures)


EXTRA = ["self-training, pseudo-positives only (cut midway to 1), weight 0.3",
         "embedding block weighted by corpus token frequency (SIF)",
         "SIF embedding + corpus vocabulary (training quotes + testimonials)"]


def run_extra_seed(seed: int, quotes, Y, groups, pool) -> list[tuple[str, str, float, float]]:
    from sklearn.model_selection import GroupKFold

    from evalnlp.coding import make_coder
    from evalnlp.coding.base import decide

    splitter = GroupKFold(n_splits=5) if seed == 0 else GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    folds = list(splitter.split(quotes, groups=groups))
    unlabelled = pool["testimonials"]
    weights = token_weights(pool["sentences"] + unlabelled)
    PseudoLabelled = _pseudo_coder_class()
    decided = {name: np.zeros_like(Y) for name in ["shipped recipe"] + EXTRA}
    taken = []
    for f, (a, b) in enumerate(folds):
        t0 = time.perf_counter()
        train_q, test_q = [quotes[i] for i in a], [quotes[i] for i in b]

        def own(coder):
            return decide(coder.predict_proba(test_q), coder.thresholds_, multi_label=True, require_theme=False)

        teacher = make_coder("ensemble", "impact", C=0.1).fit(train_q, Y[a])
        decided["shipped recipe"][b] = own(teacher)
        L = pseudo_labels(teacher.predict_proba(unlabelled), teacher.thresholds_, "relative")
        L[L == 0] = -1
        taken.append((L == 1).sum())
        student = PseudoLabelled(codebook="impact", C=0.1)
        student.pseudo_ = (unlabelled, L, 0.3)
        decided[EXTRA[0]][b] = own(student.fit(train_q, Y[a]))
        decided[EXTRA[1]][b] = own(weighted_embedding_coder(weights).fit(train_q, Y[a]))
        decided[EXTRA[2]][b] = own(weighted_embedding_coder(weights, unlabelled).fit(train_q, Y[a]))
        log(f"extra seed {seed} fold {f}: {time.perf_counter() - t0:.0f}s")
    rows = []
    for name, D in decided.items():
        macro, micro = f1s(Y, D)
        rows.append((name, "own thresholds", macro, micro))
        log(f"extra seed {seed}: {name}: macro {macro:.3f} micro {micro:.3f}")
    rows.append((EXTRA[0], "pseudo-labels", float(np.mean(taken)), 0.0))
    return rows


def main_corpus(args, cb, train, dev, tune) -> int:
    base = shared_data()
    pool = unlabelled_pool(base, excluded_case_studies(train, dev), args.cache)
    log(f"pool: {pool['case_studies'][0]} case studies, {len(pool['testimonials'])} testimonials, "
        f"{len(pool['sentences'])} sentences")
    part = train.iloc[tune].reset_index(drop=True)
    quotes = part["quote"].tolist()
    Y = matrix(part, cb.theme_ids)
    groups = part["case_study_id"].to_numpy()
    load_start = os.getloadavg()[0]
    runner = run_extra_seed if args.extra else run_corpus_seed
    results = {seed: runner(seed, quotes, Y, groups, pool) for seed in args.seeds}
    first = results[args.seeds[0]]
    title = ("further variants, cheap at prediction time" if args.extra
             else "variants that read the unlabelled REF2014 corpus")
    lines = [f"## Impact codebook: {title} ({today()})", "",
             f"Machine: {machine()}; shared with other work, run under `nice -n 10`. Load average "
             f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.", "",
             f"Same protocol as the section above: grouped 5-fold CV over case studies on the 80% tuning part of "
             f"ref_impact_train ({len(quotes):,} quotes; the hold-out is not read), fold seeds "
             f"{' '.join(map(str, args.seeds))} (0: GroupKFold unshuffled), each fold's model deciding with its own "
             "thresholds, as `classify` does. Unlabelled text: the "
             f"{pool['case_studies'][0]:,} case studies of ref2014_corpus that are in neither the training nor the "
             f"dev file: {len(pool['testimonials']):,} testimonials found by `evalnlp.ingest.narrative` in their "
             f"\"Details of the impact\" ({MIN_WORDS}-{MAX_WORDS} words, deduplicated) and "
             f"{len(pool['sentences']):,} sentences of that section (same length range). Self-training: the fold's "
             "shipped-recipe model scores the testimonials; per theme, a score at or above the high cut makes a "
             "positive and at or below the low cut a negative for that theme's SVM, at the weight given; "
             "calibration and thresholds see coded quotes only. Corpus vocabulary: the TF-IDF vocabularies and idf "
             "fitted on the fold's training quotes plus the unlabelled text. Ship rule, fixed before measuring: "
             "adopt a variant only if it beats the shipped recipe by at least 1.0 point macro-F1 on every seed "
             "and lowers micro-F1 on none. `nice -n 10 python bench/bench_impact_variants.py --corpus "
             f"{'--extra ' if args.extra else ''}--seeds {' '.join(map(str, args.seeds))}`.", ""]
    if args.extra:
        lines += ["Further variants, chosen after the corpus variants above had been measured on fold seed 0 "
                  "(so not blind to this protocol; the hold-out is still unread): self-training with the "
                  "pseudo-positives only (the corpus section's pseudo-negatives outnumber the coded positives of "
                  "rare themes many times over); the embedding block as an average of token vectors weighted "
                  f"by smooth inverse frequency a / (a + p), a = {SIF_A:g}, p a token's share of the unlabelled "
                  "text (sentences and testimonials; unseen tokens weight 1), a dictionary lookup at prediction "
                  "time; and that with the corpus-fitted vocabulary.", ""]
    lines += [
             "| variant | " + " | ".join(f"seed {s} macro / micro (change)" for s in args.seeds) + " | clears the rule |",
             "|---|" + "---:|" * len(args.seeds) + "---|"]
    lines += _rule_rows([(name, [(results[s][i][2], results[s][i][3]) for s in args.seeds])
                         for i, (name, how, _, _) in enumerate(first) if how == "own thresholds"])
    lines += ["", "Pseudo-labels taken per fold (mean over folds, summed over themes; positives / negatives):", "",
              "| variant | " + " | ".join(f"seed {s}" for s in args.seeds) + " |",
              "|---|" + "---:|" * len(args.seeds)]
    for i, (name, how, _, _) in enumerate(first):
        if how == "pseudo-labels":
            lines.append(f"| {name} | " + " | ".join(f"{results[s][i][2]:,.0f} / {results[s][i][3]:,.0f}"
                                                  for s in args.seeds) + " |")
    name = "impact_variants_extra" if args.extra else "impact_variants_corpus"
    print(write_section(name, lines).read_text(), file=sys.stderr)
    return 0


# ------------------------------------------------------------------ the codebook's decision rules as cues (--cues)

#: Cue patterns (case-insensitive), one group per kind of evidence the codebook and the READMEs' decision rules
#: name; written from those texts before any variant was run, not from the training quotes.
CUES: dict[str, str] = {
    # rule 2: explicit evaluative or valuing language, or reported satisfaction
    "endorse": r"\b(?:useful|helpful|valuable|invaluable|important|crucial|essential|vital|key|integral|effective"
               r"|excellent|outstanding|best|great|impressed|impressive|thanks?|thankful|grateful|would recommend"
               r"|highly recommend\w*|satisf(?:ied|action|actory)|prais\w*|welcomed?|delighted|pleased"
               r"|appreciated?)\b",
    # rule 2 and the training file's conventions: causal or influence claims, not endorsement on their own
    "causal": r"\b(?:helped|helps|instrumental|(?:significant|major|central|considerable|profound) (?:role|part"
              r"|influence|contribution|impact)|influenc\w*|led (?:directly )?to|lead to|leading to|result(?:ed|s)? in"
              r"|as a (?:direct )?result|contribut\w*|would not (?:have|exist)|without (?:this|the|their|his|her|it)"
              r"|shaped|informed|underpinn\w*|drew on|draws on|based on)\b",
    # reach_uptake and rule 1: use, adoption, dissemination, attendance, audience
    "uptake": r"\b(?:adopt\w*|use|uses|used|using|utili[sz]\w*|implement\w*|roll(?:ed|ing)? out|disseminat\w*"
              r"|distribut\w*|attend\w*|audiences?|participants|receiv\w*|reach\w*|took up|taken up|uptake"
              r"|deploy\w*|embedded|incorporat\w*|integrated into|downloaded|subscrib\w*)\b",
    # reach_uptake: numbers (digits or number words)
    "number": r"(?:\b\d[\d,]*(?:\.\d+)?(?:m|k|bn)?\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
              r"|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|dozens?)\b)",
    # economic_value: money, cost, savings, revenue, investment, funding, productivity, jobs
    "money": r"(?:£|\$|€|&#163;|&pound;|\b(?:costs?|costing|cost-\w+|sav(?:e|es|ed|ing|ings)|revenues?|invest\w*"
             r"|fund(?:s|ed|ing)?|financ\w*|econom\w*|profit\w*|sales|turnover|income|budgets?|jobs?|employ\w*"
             r"|productiv\w*|commerciall?y?|spend\w*|billion|exports?|worth)\b)",
    # service_improvement: services, care, patients/users, outcomes, experience, safety, quality, delivery
    "service": r"\b(?:patients?|care|carers?|services?|users?|clients?|outcomes?|safety|safe|quality|experiences?"
               r"|well-?being|health|treatment|clinical|delivery|delivered|efficien\w*|effectiveness|hospitals?)\b",
    # the improvement words that go with them
    "improve": r"\b(?:improv\w*|better|enhanc\w*|reduc\w*|increas\w*|fewer|safer|healthier|strengthen\w*"
               r"|benefit\w*)\b",
    # engagement: involvement, participation, buy-in, willingness to take part, decision-making, commissioning
    "engage": r"\b(?:involv\w*|participat\w*|engag\w*|buy-in|bought into|take part|taking part|took part"
              r"|willing\w*|commissioning|decision-making|decision making|co-produc\w*|volunteer\w*)\b",
    # relationships: trust, partnership, collaboration, dialogue, mutual understanding, communication between groups
    "relation": r"\b(?:trust\w*|partnerships?|partners?|collaborat\w*|dialogue|relationships?|mutual|communicat\w*"
                r"|work(?:ing|ed)? together|jointly|networks?|networking|co-?operat\w*|brought together"
                r"|bring(?:s|ing)? together|links? between)\b",
    # attitude_change: attitudes, perceptions, beliefs, mindset, culture, awareness, views, ways of thinking
    "attitude": r"\b(?:aware\w*|attitud\w*|percept\w*|perceiv\w*|belie(?:f|fs|ve|ved)|mind-?sets?|cultur\w*"
                r"|views?|thinking|outlook|stigma\w*|opinions?)\b",
    # capability: knowledge, skills, tools, understanding, confidence, professional development, training
    "capability": r"\b(?:skill\w*|knowledge\w*|confiden\w*|train\w*|learn\w*|understand\w*|expertise"
                  r"|competen\w*|professional development|educat\w*|tools?|capacity|capabilit\w*|equipped"
                  r"|empower\w*)\b",
    # practice_change: practices, processes, structures, strategies, guidelines, tools, ways of working
    "practice": r"\b(?:practices?|practis\w*|process(?:es)?|procedur\w*|protocols?|guidelines?|guidance"
                r"|ways? of working|strateg\w*|structur\w*|introduc\w*|approach(?:es)?|routine\w*)\b",
    # change itself (new or changed practice, changed attitudes)
    "change": r"\b(?:chang\w*|shift\w*|transform\w*|new|revis\w*|reform\w*|moved? (?:away|towards?))\b",
    # policy_influence: government, parliament, regulators, courts, legislation, standards, national strategy
    "policy": r"\b(?:polic(?:y|ies)|government\w*|parliament\w*|ministers?|ministerial|ministry|regulat\w*"
              r"|legislat\w*|laws?|statut\w*|bills?|courts?|tribunals?|select committee|white paper|green paper"
              r"|consultation|national|department|standards?|senior decision-makers?)\b",
    # rule 1: quoted document content that only states a recommendation, a finding or an aim gets no theme
    "recommend": r"\b(?:recommend(?:s|ed|ation|ations)?|should|must|aims?|objectives?|findings?|found that"
                 r"|suggests?|shows? that|indicates?)\b",
}
#: pairs the rules name together: (column, first group, second group, the second absent instead of present)
CUE_PAIRS = [("uptake & number", "uptake", "number", False), ("service & improve", "service", "improve", False),
             ("causal, not endorse", "causal", "endorse", True), ("attitude & change", "attitude", "change", False),
             ("money & number", "money", "number", False)]
#: the fixed weights of the cue columns in the linear models (variants (a) and (b)), set before running
CUE_WEIGHTS = (0.3, 1.0)
_CAPITALISED = r"^[A-Z]"


def cue_matrix(texts: list[str]) -> np.ndarray:
    """The cue columns of ``texts``: log(1 + count) per group of :data:`CUES`, 0/1 per pair of
    :data:`CUE_PAIRS`, and the share of capitalised words of three or more letters."""
    import html
    import re

    compiled = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in CUES.items()}
    capital = re.compile(_CAPITALISED)
    word = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
    out = np.zeros((len(texts), len(CUES) + len(CUE_PAIRS) + 1))
    for i, text in enumerate(texts):
        text = html.unescape(text)  # the REF export writes £ as &#163;
        counts = {name: len(rx.findall(text)) for name, rx in compiled.items()}
        out[i, :len(CUES)] = np.log1p(list(counts.values()))
        for j, (_, first, second, absent) in enumerate(CUE_PAIRS):
            present = counts[second] == 0 if absent else counts[second] > 0
            out[i, len(CUES) + j] = float(counts[first] > 0 and present)
        words = word.findall(text)
        out[i, -1] = sum(bool(capital.match(w)) for w in words) / len(words) if words else 0.0
    return out


def cue_names() -> list[str]:
    return list(CUES) + [pair[0] for pair in CUE_PAIRS] + ["capitalised share"]


def cue_coder(weight: float, contexts: dict[str, str] | None = None):
    """The shipped recipe whose features also hold the cue columns (times ``weight``) of each passage and, with
    ``contexts`` (passage -> its context), of its context in columns of their own."""
    from evalnlp.coding import supervised

    class CueFeatures(supervised.TextFeatures):
        def transform(self, X):
            tfidf, dense = super().transform(X)
            texts = supervised.as_texts(X)
            blocks = [dense, (cue_matrix(texts) * weight).astype(np.float32)]
            if contexts is not None:
                blocks.append((cue_matrix([contexts[t] for t in texts]) * weight).astype(np.float32))
            return tfidf, np.hstack(blocks)

    return recipe_with_features(CueFeatures)


def _capturing_recipe():
    """The shipped recipe that keeps the out-of-fold probabilities it computes on its own training passages
    (``oof_proba_``, inside its fit, for its calibration and thresholds)."""
    from evalnlp.coding.ensemble import EnsembleCoder

    class Capturing(EnsembleCoder):
        def _report(self, Y, proba, folds, thresholds=None):
            self.oof_proba_ = np.array(proba, dtype=float)
            return super()._report(Y, proba, folds, thresholds)

    return Capturing(codebook="impact", C=0.1)


def _logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(clipped / (1 - clipped))


def stacker_decisions(Fa, Ya, ga, Fb) -> np.ndarray:
    """Second stage per theme, fitted on the fold's training rows ``Fa`` (codes ``Ya``, case studies ``ga``) and
    deciding the fold's test rows ``Fb`` with thresholds chosen on its own grouped 5-fold out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    from evalnlp.coding.supervised import best_f1_threshold

    def fit_apply(Xa, ya, Xb):
        scaler = StandardScaler().fit(Xa)
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=3000)
        return model.fit(scaler.transform(Xa), ya).predict_proba(scaler.transform(Xb))[:, 1]

    inner = list(GroupKFold(n_splits=5, shuffle=True, random_state=0).split(Fa, groups=ga))
    out = np.zeros((len(Fb), Ya.shape[1]), dtype=int)
    for k in range(Ya.shape[1]):
        oof = np.zeros(len(Fa))
        for a, b in inner:
            oof[b] = fit_apply(Fa[a], Ya[a, k], Fa[b])
        out[:, k] = fit_apply(Fa, Ya[:, k], Fb) >= best_f1_threshold(oof, Ya[:, k])
    return out


def cue_variant_names() -> list[str]:
    names = ["shipped recipe"]
    for w in CUE_WEIGHTS:
        names.append(f"(a) cue columns of the quote, weight {w:g}")
    for w in CUE_WEIGHTS:
        names.append(f"(b) cue columns of the quote and of its context, weight {w:g}")
    names += ["(c) second stage over all themes' scores (no cues; reference)",
              "(c) second stage over all themes' scores + the quote's cues",
              "(c) second stage over all themes' scores + the quote's and the context's cues"]
    return names


def run_cues_seed(seed: int, quotes, contexts, Y, groups) -> tuple[dict[str, tuple[float, float]], dict]:
    from sklearn.model_selection import GroupKFold

    from evalnlp.coding.base import decide

    splitter = GroupKFold(n_splits=5) if seed == 0 else GroupKFold(n_splits=5, shuffle=True, random_state=seed)
    folds = list(splitter.split(quotes, groups=groups))
    names = cue_variant_names()
    decided = {name: np.zeros_like(Y) for name in names}
    context_of = dict(zip(quotes, contexts))
    Cq, Cc = cue_matrix(quotes), cue_matrix(contexts)
    for f, (a, b) in enumerate(folds):
        t0 = time.perf_counter()
        train_q, test_q = [quotes[i] for i in a], [quotes[i] for i in b]

        def own(coder):
            return decide(coder.predict_proba(test_q), coder.thresholds_, multi_label=True, require_theme=False)

        first = _capturing_recipe().fit(train_q, Y[a])
        decided[names[0]][b] = own(first)
        for i, w in enumerate(CUE_WEIGHTS):
            decided[names[1 + i]][b] = own(cue_coder(w).fit(train_q, Y[a]))
            decided[names[1 + len(CUE_WEIGHTS) + i]][b] = own(cue_coder(w, context_of).fit(train_q, Y[a]))
        La, Lb = _logit(first.oof_proba_), _logit(first.predict_proba(test_q))
        s = 1 + 2 * len(CUE_WEIGHTS)
        decided[names[s]][b] = stacker_decisions(La, Y[a], groups[a], Lb)
        decided[names[s + 1]][b] = stacker_decisions(np.hstack([La, Cq[a]]), Y[a], groups[a],
                                                     np.hstack([Lb, Cq[b]]))
        decided[names[s + 2]][b] = stacker_decisions(np.hstack([La, Cq[a], Cc[a]]), Y[a], groups[a],
                                                     np.hstack([Lb, Cq[b], Cc[b]]))
        log(f"cues seed {seed} fold {f}: {time.perf_counter() - t0:.0f}s")
    from sklearn.metrics import f1_score

    scores, per_theme = {}, {}
    for name, D in decided.items():
        scores[name] = f1s(Y, D)
        per_theme[name] = f1_score(Y, D, average=None, zero_division=0)
        log(f"cues seed {seed}: {name}: macro {scores[name][0]:.3f} micro {scores[name][1]:.3f}")
    return scores, per_theme


def main_cues(args, cb, train, tune) -> int:
    part = train.iloc[tune].reset_index(drop=True)
    quotes = part["quote"].tolist()
    contexts = [f"{before} {after}" for before, after in zip(part["context_before"], part["context_after"])]
    Y = matrix(part, cb.theme_ids)
    groups = part["case_study_id"].to_numpy()
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    results = {seed: run_cues_seed(seed, quotes, contexts, Y, groups) for seed in args.seeds}
    minutes = (time.perf_counter() - t0) / 60
    names = cue_variant_names()
    seeds = " ".join(map(str, args.seeds))
    lines = [f"## Impact codebook: the codebook's decision rules as features ({today()})", "",
             f"Machine: {machine()}; shared with other work, run under `nice -n 10`. Load average "
             f"{load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; {minutes:.0f} min in all.", "",
             "Same protocol as the sections above: grouped 5-fold CV over case studies on the 80% tuning part of "
             f"ref_impact_train ({len(quotes):,} quotes; the hold-out is not read), fold seeds {seeds} "
             "(0: GroupKFold unshuffled), every variant deciding with its own thresholds, as `classify` does. "
             "Ship rule, written into the script before any variant was run: adopt a variant only if it beats the "
             "shipped recipe by at least 1.0 point macro-F1 on every seed and lowers micro-F1 on none. "
             f"`nice -n 10 python bench/bench_impact_variants.py --cues --seeds {seeds}`.", "",
             f"Cues (`CUES` in the script), written from the codebook and the decision rules and labelling "
             "conventions of the two labelled files' READMEs before any variant was run, not from the training "
             f"quotes: {len(CUES)} groups of case-insensitive patterns ({', '.join(CUES)}), each counted as "
             "log(1 + count); five pairs the rules name together, as 0/1 (adoption with a number, a service word "
             "with an improvement word, a causal claim without an evaluative word, an attitude word with a change "
             "word, money with a number); and the share of capitalised words (bare titles get no theme): "
             f"{len(cue_names())} columns, a regular-expression pass at prediction time. (a): the columns, times "
             "the weight, beside the TF-IDF and embedding blocks of every theme's SVM; (b): the same columns of "
             "the quote's context (context_before + context_after, up to 200 characters each) in columns of their "
             "own as well; (c): per theme, a class-balanced logistic regression over every theme's log-odds from "
             "the shipped recipe (out-of-fold inside the fold's training part, as the coder computes them for its "
             "calibration; the fold's final model on the test part) plus the standardised cue columns, with "
             "thresholds chosen on its own grouped 5-fold out-of-fold scores inside the fold's training part.", "",
             "| variant | " + " | ".join(f"seed {s} macro / micro (change)" for s in args.seeds)
             + " | clears the rule |",
             "|---|" + "---:|" * len(args.seeds) + "---|"]
    lines += _rule_rows([(name, [results[s][0][name] for s in args.seeds]) for name in names])
    lines += ["", "F1 per theme (mean over the fold seeds):", "",
              "| variant | " + " | ".join(cb.theme_ids) + " |", "|---|" + "---:|" * len(cb.theme_ids)]
    for name in names:
        mean = np.mean([results[s][1][name] for s in args.seeds], axis=0)
        lines.append(f"| {name} | " + " | ".join(f"{v:.3f}" for v in mean) + " |")
    print(write_section("impact_variants_cues", lines).read_text(), file=sys.stderr)
    return 0


def _rule_rows(rows: list[tuple[str, list[tuple[float, float]]]]) -> list[str]:
    """The table rows of variants judged by the ship rule, and the verdict line: ``rows`` are (name, (macro, micro)
    per fold seed), the shipped recipe first; a variant clears the rule with at least +1.0 point of macro-F1 on
    every seed and no lower micro-F1 on any."""
    lines, verdicts = [], []
    base = rows[0][1]
    for i, (name, per_seed) in enumerate(rows):
        cells, clears = [], True
        for (macro, micro), (b_macro, b_micro) in zip(per_seed, base):
            d_macro, d_micro = macro - b_macro, micro - b_micro
            clears &= d_macro >= 0.010 and d_micro >= 0
            cells.append(f"{macro:.3f} / {micro:.3f}" + ("" if i == 0 else f" ({d_macro:+.3f} / {d_micro:+.3f})"))
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {'-' if i == 0 else ('yes' if clears else 'no')} |")
        if i:
            verdicts.append(clears)
    return lines + ["", f"{sum(verdicts)} of {len(verdicts)} variants clear the rule"
                    + ("; the shipped recipe stays as it is." if not any(verdicts) else ".")]


def main(argv=None) -> int:
    from sklearn.model_selection import GroupShuffleSplit

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="fold seeds (0: GroupKFold without shuffling)")
    parser.add_argument("--corpus", action="store_true",
                        help="measure the variants that read the unlabelled REF2014 corpus instead")
    parser.add_argument("--extra", action="store_true",
                        help="with --corpus: the further variants (pseudo-positives only, SIF-weighted embedding)")
    parser.add_argument("--cues", action="store_true",
                        help="measure the variants built on the codebook's decision rules (cue patterns) instead")
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / ".cache",
                        help="folder for the pool of unlabelled passages (built once)")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    cb, train, dev = load(shared_data())
    Y = matrix(train, cb.theme_ids)
    groups = train["case_study_id"].to_numpy()
    tune, _hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED)
                       .split(train["quote"], groups=groups))
    if args.corpus:
        return main_corpus(args, cb, train, dev, tune)
    if args.cues:
        return main_cues(args, cb, train, tune)
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
