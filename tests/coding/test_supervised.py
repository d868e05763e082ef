"""SupervisedCoder, TextFeatures and EnsembleCoder: features, estimator contract, determinism, decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils import estimator_checks

from evalnlp.codebook import load_codebook
from evalnlp.coding.ensemble import EnsembleCoder
from evalnlp.coding.supervised import (SupervisedCoder, TextFeatures, best_f1_threshold, labels_matrix,
                                      nested_thresholds)
from evalnlp.errors import ModelError
from helpers import CORPORA

FFT_CSV = CORPORA / "nhs_fft" / "text_data.csv"

MULTI_YAML = """\
id: care_multi
title: Test codebook with three overlapping themes
multi_label: true
require_theme: false
themes:
  - id: staff
    label: Staff
    definition: Comments about staff attitude, kindness or professionalism.
    keywords: [staff, nurse, friendly]
    examples: ["The nurses were kind and friendly."]
  - id: waiting
    label: Waiting
    definition: Comments about waiting times and delays.
    keywords: [wait, delay]
    examples: ["I waited two hours to be seen."]
  - id: parking
    label: Parking
    definition: Comments about car parking and transport to the site.
    keywords: [parking, car park]
    examples: ["There was nowhere to park the car."]
"""


@pytest.fixture(scope="module")
def fft_rows() -> pd.DataFrame:
    """The first 400 FFT rows that have text (kept small so the file runs in seconds)."""
    data = pd.read_csv(FFT_CSV)
    data = data[data["feedback"].fillna("").str.strip() != ""]
    return data.iloc[:400].reset_index(drop=True)


@pytest.fixture(scope="module")
def fft_codebook():
    return load_codebook("fft")


@pytest.fixture(scope="module")
def fitted(fft_rows, fft_codebook) -> SupervisedCoder:
    return SupervisedCoder(codebook=fft_codebook).fit(fft_rows["feedback"].iloc[:300], fft_rows["label"].iloc[:300])


@pytest.fixture(scope="module")
def multi_codebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("codebook") / "care_multi.yaml"
    path.write_text(MULTI_YAML, encoding="utf-8")
    return load_codebook(path)


@pytest.fixture(scope="module")
def multi_data(fft_rows):
    """FFT comments with three keyword-derived overlapping themes (a real multi-label shape)."""
    texts = fft_rows["feedback"].tolist()
    lower = [t.lower() for t in texts]
    Y = np.column_stack([
        [("staff" in t or "nurse" in t) for t in lower],
        [("wait" in t) for t in lower],
        [("park" in t) for t in lower],
    ]).astype(int)
    return texts, Y


# --------------------------------------------------------------------------- features


def test_features_match_scikit_learn_tfidf(fft_rows):
    texts = fft_rows["feedback"].tolist()
    feats = TextFeatures(embedding=None, max_word_features=10**9, max_char_features=10**9).fit(texts)
    tfidf, dense = feats.transform(texts)
    assert dense.shape == (len(texts), 0)
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, sublinear_tf=True).fit(texts)
    assert feats.n_word_ == len(words.vocabulary_)
    assert feats.n_char_ == len(chars.vocabulary_)
    # Character block: same n-grams, same values.
    grams = feats.chars_.split("\n")
    reference = chars.transform(texts)[:, [chars.vocabulary_[g] for g in grams]]
    assert abs(reference - tfidf[:, feats.n_word_:]).max() < 1e-6
    # Word block: rebuild our column names and compare.
    vocab = np.array(feats.words_.split("\n"))
    names = np.empty(feats.n_word_, dtype=object)
    names[feats.word_col_[feats.word_col_ >= 0]] = vocab[feats.word_col_ >= 0]
    n_words = len(vocab)
    for key, col in zip(feats.bigram_keys_, feats.bigram_col_):
        names[col] = f"{vocab[key // n_words]} {vocab[key % n_words]}"
    reference = words.transform(texts)[:, [words.vocabulary_[name] for name in names]]
    assert abs(reference - tfidf[:, :feats.n_word_]).max() < 1e-6


def test_features_caps_and_embedding_block(fft_rows):
    texts = fft_rows["feedback"].tolist()
    feats = TextFeatures(max_word_features=50, max_char_features=70).fit(texts)
    tfidf, dense = feats.transform(texts + ["", "zzqx unseenword"])
    assert tfidf.shape == (len(texts) + 2, 120)
    assert dense.shape == (len(texts) + 2, feats.dim_) and feats.dim_ > 0
    norms = np.linalg.norm(dense, axis=1)
    assert np.allclose(norms[:-2], 1.0, atol=1e-5)
    assert norms[-2] == 0.0  # empty text: no tokens, no vector
    assert tfidf[len(texts)].nnz == 0
    # Batch order does not change a text's features (no cross-talk between rows).
    again, dense_again = feats.transform(texts[::-1])
    assert abs(again[::-1] - tfidf[: len(texts)]).max() == 0
    assert np.array_equal(dense_again[::-1], dense[: len(texts)])


def test_token_memory_grows_a_slice_at_a_time_and_clears_at_its_limit(fft_rows, monkeypatch):
    """Features worked out a slice at a time (the token memory growing, its vector block given room ahead, and
    emptied when full) equal those of one pass over a fresh memory; a snapshot taken before more tokens came keeps
    its rows."""
    from evalnlp.coding import supervised

    texts = fft_rows["feedback"].tolist()
    feats = TextFeatures(max_word_features=500, max_char_features=500).fit(texts)
    whole_tfidf, whole_dense = feats.transform(texts)
    supervised._MEMORIES.clear()
    memory = supervised._memory_for(feats)
    first = memory.lookup(texts[0].lower().split())[4]
    kept = first.copy()
    parts = [feats.transform(texts[i:i + 97]) for i in range(0, len(texts), 97)]
    assert len(memory._vector_rows) > len(memory.vectors)  # room ahead of the rows filled
    assert np.array_equal(first, kept)  # the early snapshot is untouched by later growth
    assert abs(sparse.vstack([p[0] for p in parts]) - whole_tfidf).max() == 0
    assert np.array_equal(np.vstack([p[1] for p in parts]), whole_dense)
    monkeypatch.setattr(supervised, "_CACHE_LIMIT", 300)  # now it fills, and is emptied, many times
    supervised._MEMORIES.clear()
    parts = [feats.transform(texts[i:i + 97]) for i in range(0, len(texts), 97)]
    distinct = {tok for text in texts for tok in text.lower().split()}
    assert len(supervised._memory_for(feats).index) < len(distinct) / 2  # it was emptied on the way
    assert abs(sparse.vstack([p[0] for p in parts]) - whole_tfidf).max() == 0
    assert np.array_equal(np.vstack([p[1] for p in parts]), whole_dense)


def test_encoder_is_not_stored(fitted):
    state = fitted.features_.__getstate__()
    assert all(type(v).__module__ != "evalnlp.embeddings" for v in state.values())
    assert fitted.features_.encoder_name_ == "static"
    assert fitted.features_.encoder_sha256_


# --------------------------------------------------------------------------- single-label (fft)


def test_single_label_shapes_and_argmax(fitted, fft_rows, fft_codebook):
    texts = fft_rows["feedback"].iloc[300:].tolist()
    proba = fitted.predict_proba(texts)
    assert proba.shape == (len(texts), len(fft_codebook.theme_ids))
    assert np.all((proba >= 0) & (proba <= 1))
    assert np.allclose(proba.sum(axis=1), 1.0)
    predicted = fitted.predict(texts)
    assert predicted.shape == proba.shape
    assert np.all(predicted.sum(axis=1) == 1)  # single-label and require_theme
    assert np.array_equal(predicted.argmax(axis=1), proba.argmax(axis=1))
    assert fitted.classes_ == fft_codebook.theme_ids
    assert not fitted.multi_label_ and fitted.require_theme_
    assert fitted.predict_proba([]).shape == (0, len(fft_codebook.theme_ids))


def test_single_label_learns_something(fitted, fft_rows, fft_codebook):
    texts = fft_rows["feedback"].iloc[300:].tolist()
    truth = [fft_codebook.label_to_id(label) for label in fft_rows["label"].iloc[300:]]
    guess = [fitted.classes_[i] for i in fitted.predict_proba(texts).argmax(axis=1)]
    majority = pd.Series(truth).value_counts().iloc[0] / len(truth)
    assert np.mean(np.array(guess) == np.array(truth)) > majority
    report = fitted.cv_metrics_
    assert report["n"] == 300 and report["folds"] >= 2
    assert 0 <= report["accuracy"] <= 1 and set(report["per_class"]) == set(fft_codebook.theme_ids)


def test_determinism(fft_rows, fft_codebook):
    texts, labels = fft_rows["feedback"].iloc[:200], fft_rows["label"].iloc[:200]
    a = SupervisedCoder(codebook=fft_codebook).fit(texts, labels)
    b = SupervisedCoder(codebook=fft_codebook).fit(texts, labels)
    probe = fft_rows["feedback"].iloc[200:].tolist()
    assert np.array_equal(a.predict_proba(probe), b.predict_proba(probe))
    assert a.fingerprint_ == b.fingerprint_
    assert a.cv_metrics_ == b.cv_metrics_


def test_fit_on_thirty_texts(fft_rows, fft_codebook):
    texts, labels = fft_rows["feedback"].iloc[:30], fft_rows["label"].iloc[:30]
    coder = SupervisedCoder(codebook=fft_codebook).fit(texts, labels)
    proba = coder.predict_proba(["The staff were lovely", "Parking was impossible"])
    assert proba.shape == (2, 9)
    assert np.allclose(proba.sum(axis=1), 1.0)
    # Themes with no training example get no probability from a purely supervised model.
    unseen = coder.positives_ == 0
    assert unseen.any() and np.all(proba[:, unseen] == 0)


def test_labels_matrix_accepts_ids_labels_and_matrices(fft_codebook):
    Y = labels_matrix(["Staff", "care_received", "Couldn't be improved"], 3, fft_codebook)
    assert Y.shape == (3, 9) and Y.sum() == 3
    assert Y[0, fft_codebook.theme_ids.index("staff")] == 1
    assert np.array_equal(labels_matrix(Y, 3, fft_codebook), Y)
    with pytest.raises(ValueError, match="shape"):
        labels_matrix(np.zeros((3, 4)), 3, fft_codebook)


def test_training_label_errors(fft_rows, fft_codebook):
    texts = fft_rows["feedback"].iloc[:20].tolist()
    Y = labels_matrix(fft_rows["label"].iloc[:20].tolist(), 20, fft_codebook)
    Y2 = Y.copy()
    Y2[0, :2] = 1  # two themes in a single-label codebook
    with pytest.raises(ModelError, match="exactly one") as err:
        SupervisedCoder(codebook=fft_codebook).fit(texts, Y2)
    assert err.value.code == "E310"
    same = np.zeros_like(Y)
    same[:, 0] = 1
    with pytest.raises(ModelError) as err:
        SupervisedCoder(codebook=fft_codebook).fit(texts, same)
    assert err.value.code == "E311"
    with pytest.raises(ModelError) as err:
        SupervisedCoder(codebook=fft_codebook).fit(texts[:1], Y[:1])
    assert err.value.code == "E311"


def test_parameter_validation(fft_rows, fft_codebook):
    texts, labels = fft_rows["feedback"].iloc[:20], fft_rows["label"].iloc[:20]
    for params, name in (({"C": -1}, "'C'"), ({"cv": 1}, "'cv'"), ({"embedding": "glove"}, "'embedding'"),
                         ({"class_weight": "auto"}, "'class_weight'"), ({"n_jobs": 0}, "'n_jobs'")):
        with pytest.raises(ValueError, match=name):
            SupervisedCoder(codebook=fft_codebook, **params).fit(texts, labels)


def test_not_fitted():
    with pytest.raises(NotFittedError):
        SupervisedCoder(codebook="fft").predict_proba(["text"])
    with pytest.raises(NotFittedError):
        TextFeatures().transform(["text"])


# --------------------------------------------------------------------------- estimator contract


def test_clone_and_params(fitted):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "coef_") and not hasattr(copy, "features_")
    copy.set_params(C=0.5, cv=3)
    assert copy.C == 0.5 and copy.cv == 3 and fitted.C == 0.1


def test_fit_does_not_change_params(fft_rows, fft_codebook):
    coder = SupervisedCoder(codebook=fft_codebook, cv=3)
    before = coder.get_params()
    coder.fit(fft_rows["feedback"].iloc[:60], fft_rows["label"].iloc[:60])
    assert coder.get_params() == before
    assert not any(k.endswith("_") for k in SupervisedCoder().__dict__)


@pytest.mark.parametrize("estimator", [SupervisedCoder(), EnsembleCoder(), TextFeatures()],
                         ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", [
    estimator_checks.check_no_attributes_set_in_init,
    estimator_checks.check_parameters_default_constructible,
    estimator_checks.check_get_params_invariance,
    estimator_checks.check_set_params,
    estimator_checks.check_estimator_cloneable,
    estimator_checks.check_estimator_repr,
    estimator_checks.check_do_not_raise_errors_in_init_or_set_params,
], ids=lambda c: c.__name__)
def test_sklearn_checks_that_apply(estimator, check):
    """The parameter-level estimator checks; the others feed numeric matrices, which text coders reject."""
    check(type(estimator).__name__, estimator)


# --------------------------------------------------------------------------- multi-label


@pytest.fixture(scope="module")
def multi_fitted(multi_codebook, multi_data):
    texts, Y = multi_data
    return SupervisedCoder(codebook=multi_codebook).fit(texts[:300], Y[:300])


def test_multi_label_thresholds_and_decisions(multi_fitted, multi_data):
    texts, Y = multi_data
    assert multi_fitted.multi_label_ and not multi_fitted.require_theme_
    assert multi_fitted.thresholds_.shape == (3,)
    assert np.all((multi_fitted.thresholds_ >= 0) & (multi_fitted.thresholds_ <= 1))
    proba = multi_fitted.predict_proba(texts[300:])
    assert proba.shape == (100, 3) and np.all((proba >= 0) & (proba <= 1))
    predicted = multi_fitted.predict(texts[300:])
    assert np.array_equal(predicted, (proba >= multi_fitted.thresholds_).astype(np.int8))
    # The easy keyword-defined themes are learnt well out of sample.
    f1_staff = 2 * (predicted[:, 0] & Y[300:, 0]).sum() / (predicted[:, 0].sum() + Y[300:, 0].sum())
    assert f1_staff > 0.7
    assert set(multi_fitted.cv_metrics_["per_theme"]) == {"staff", "waiting", "parking"}


def test_multi_label_theme_without_positives_is_never_assigned(multi_codebook, multi_data):
    texts, Y = multi_data
    Y = Y[:150].copy()
    Y[:, 2] = 0
    coder = SupervisedCoder(codebook=multi_codebook, cv=3).fit(texts[:150], Y)
    assert coder.thresholds_[2] == 1.0
    assert coder.predict(["Parking was impossible, no car park spaces"])[0, 2] == 0


@pytest.mark.parametrize("make", [SupervisedCoder, EnsembleCoder])
def test_a_theme_coded_once_is_not_given_to_every_passage(multi_codebook, multi_data, make):
    """With one coded passage the F1-best threshold could sit near 0, and the saved model gave the theme to
    every new passage; a theme coded on fewer than three passages is decided at even odds or better."""
    texts, Y = multi_data
    Y = Y[:150].copy()
    first = int(np.flatnonzero(Y[:, 2])[0])
    Y[:, 2] = 0
    Y[first, 2] = 1
    coder = make(codebook=multi_codebook, cv=3).fit(texts[:150], Y)
    assert coder.thresholds_[2] >= 0.5
    assert coder.predict(texts[150:250])[:, 2].mean() < 0.5


def test_best_f1_threshold():
    scores = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.1])
    y = np.array([1, 1, 0, 1, 0, 0])
    threshold = best_f1_threshold(scores, y)
    assert 0.3 < threshold < 0.4  # accepting the top four gives F1 6/7, the best
    assert best_f1_threshold(scores, np.zeros(6)) == 1.0
    assert 0 <= best_f1_threshold(np.array([0.5, 0.5]), np.array([1, 0])) <= 0.5


def test_the_report_grades_each_fold_with_thresholds_chosen_without_it():
    rng = np.random.default_rng(3)
    proba = rng.random((60, 2))
    Y = (rng.random((60, 2)) < 0.3).astype(int)
    folds = [(np.setdiff1d(np.arange(60), part), part) for part in np.array_split(np.arange(60), 3)]
    nested = nested_thresholds(proba, Y, folds)
    for train, test in folds:
        expected = [best_f1_threshold(proba[train, j], Y[train, j]) for j in range(2)]
        assert np.allclose(nested[test], expected)
        # a fold's own scores and codes cannot move its thresholds
        moved_p, moved_y = proba.copy(), Y.copy()
        moved_p[test] = rng.random((len(test), 2))
        moved_y[test] = 1 - moved_y[test]
        assert np.allclose(nested_thresholds(moved_p, moved_y, folds)[test], nested[test])
    assert np.allclose(nested_thresholds(proba, Y, folds, lambda t: t / 2), nested / 2)


def test_the_cross_validated_report_of_a_multi_label_coder_says_how_thresholds_were_chosen(multi_fitted):
    assert "each fold's thresholds chosen on the other folds" in multi_fitted.cv_metrics_["method"]


# --------------------------------------------------------------------------- ensemble


def test_ensemble_uses_the_zero_shot_prior(fft_rows, fft_codebook):
    texts, labels = fft_rows["feedback"].iloc[:40], fft_rows["label"].iloc[:40]
    coder = EnsembleCoder(codebook=fft_codebook, zeroshot_keywords=False).fit(texts, labels)
    proba = coder.predict_proba(fft_rows["feedback"].iloc[300:].tolist())
    assert proba.shape == (100, 9) and np.allclose(proba.sum(axis=1), 1.0)
    unseen = coder.positives_ == 0
    assert unseen.any()
    assert np.all(proba[:, unseen] > 0)  # themes without examples still get the prior's share
    assert coder.calib_coef_.shape[1] == len(coder.seen_) + 9  # decisions, then the prior's scores
    assert coder.coder_id().startswith("model:ensemble@")


def test_ensemble_multi_label_falls_back_to_zero_shot_threshold(multi_codebook, multi_data):
    texts, Y = multi_data
    Y = Y[:120].copy()
    Y[:, 2] = 0
    coder = EnsembleCoder(codebook=multi_codebook, cv=3).fit(texts[:120], Y)
    assert not coder.calib_fitted_[2]
    assert coder.thresholds_[2] == coder.zeroshot_.thresholds_[2]
    proba = coder.predict_proba(["There was nowhere to park the car, the car park was full."])
    zeroshot = coder.zeroshot_.predict_proba(["There was nowhere to park the car, the car park was full."])
    assert proba[0, 2] == pytest.approx(zeroshot[0, 2])


def test_parallel_prediction_matches_serial(fitted, fft_rows, monkeypatch):
    import evalnlp.coding.supervised as supervised

    monkeypatch.setattr(supervised, "_CHUNK", 40)
    texts = fft_rows["feedback"].iloc[:120].tolist()
    serial = fitted.predict_proba(texts)
    parallel = clone(fitted).set_params(n_jobs=2)
    parallel.__dict__.update({k: v for k, v in fitted.__dict__.items() if k.endswith("_")})
    assert np.array_equal(parallel.predict_proba(texts), serial)


def test_stacked_matches_blocks(fitted, fft_rows):
    texts = fft_rows["feedback"].iloc[:10].tolist()
    tfidf, dense = fitted.features_.transform(texts)
    stacked = fitted.features_.stacked(texts)
    assert sparse.isspmatrix_csr(stacked)
    assert np.allclose(stacked.toarray(), np.hstack([tfidf.toarray(), dense]))
