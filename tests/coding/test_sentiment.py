"""Sentiment: the criticality mapping, the estimator, and the shipped model."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from evalnlp.coding.sentiment import (
    LABELS,
    SentimentModel,
    criticality_to_label,
    load_sentiment_model,
    parse_criticality,
    shipped_model_dir,
)
from evalnlp.errors import ModelError

TRAIN = [
    ("The staff were wonderful, kind and caring.", "positive"),
    ("Excellent care, thank you all so much.", "positive"),
    ("Brilliant service, friendly nurses.", "positive"),
    ("Everything was great, nothing to improve.", "positive"),
    ("Good care but the food was cold.", "mixed"),
    ("Nice staff, although the wait was a bit long.", "mixed"),
    ("Friendly team but parking was difficult.", "mixed"),
    ("Helpful, but more information would be good.", "mixed"),
    ("Rude staff and I waited five hours.", "negative"),
    ("Terrible experience, nobody listened to me.", "negative"),
    ("Awful food, dirty ward, rude receptionist.", "negative"),
    ("I was ignored and treated badly.", "negative"),
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-5, "negative"), ("-3", "negative"), ("-2", "mixed"), (-1, "mixed"), ("0", None), (1, "positive"),
     ("+4", "positive"), (3.0, "positive"), ("5", "positive"), ("cc", None), ("-o", None), ("-9", None),
     ("-6", None), ("NA", None), ("-NA", None), ("", None), (None, None), (2.5, None), (float("nan"), None),
     (True, None), ("--3", None), (" 2 ", "positive")],
)
def test_criticality_mapping(value, expected):
    assert criticality_to_label(value) == expected


def test_parse_criticality_range():
    assert [parse_criticality(v) for v in ("-5", "5", "6", "-6", "x3")] == [-5, 5, None, None, None]


@pytest.fixture(scope="module")
def small():
    texts, labels = zip(*TRAIN)
    return SentimentModel(min_df=1).fit(list(texts), list(labels))


def test_estimator_on_a_small_sample(small):
    assert LABELS == ("negative", "mixed", "neutral", "positive")
    assert small.classes_.tolist() == ["negative", "mixed", "positive"]  # the labels it saw, in LABELS order
    proba = small.predict_proba(["Lovely kind staff.", "Dirty and rude."])
    assert proba.shape == (2, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert small.predict(["Lovely kind staff.", "Dirty and rude."]).tolist() == ["positive", "negative"]
    assert small.predict([]).shape == (0,)
    texts, labels = zip(*TRAIN)
    again = SentimentModel(min_df=1).fit(list(texts), list(labels))
    np.testing.assert_array_equal(again.predict_proba(list(texts)), small.predict_proba(list(texts)))
    copy = clone(small)
    assert copy.get_params() == small.get_params() and not hasattr(copy, "pipeline_")


def test_estimator_errors():
    with pytest.raises(ModelError) as info:
        SentimentModel().predict(["text"])
    assert info.value.code == "E350"
    with pytest.raises(ValueError, match="labels must be among"):
        SentimentModel(min_df=1).fit(["a", "b"], ["positive", "happy"])
    with pytest.raises(ValueError, match="at least two labels"):
        SentimentModel(min_df=1).fit(["a", "b"], ["positive", "positive"])
    with pytest.raises(ValueError, match="'C' parameter"):
        SentimentModel(C=0).fit(["a", "b"], ["positive", "negative"])
    with pytest.raises(ValueError, match="2 texts but y has 1"):
        SentimentModel(min_df=1).fit(["a", "b"], ["positive"])


@pytest.fixture(scope="module")
def shipped():
    if not (shipped_model_dir() / "MODEL_CARD.md").is_file():
        pytest.fail("the shipped sentiment model is missing: run python scripts/train_sentiment.py")
    return load_sentiment_model()


def test_shipped_model_on_clear_sentences(shipped):
    texts = [
        "The nurses were fantastic, kind and caring. Thank you so much.",
        "Excellent service from start to finish.",
        "Nothing, everything was perfect.",
        "Staff were rude, nobody listened and I was left in pain for hours. A terrible experience.",
        "Awful, rude and uncaring staff. I would not recommend this ward to anyone.",
        "The staff were great, but the waiting room was cold and cramped.",
    ]
    assert shipped.predict(texts).tolist() == ["positive", "positive", "positive", "negative", "negative", "mixed"]
    proba = shipped.predict_proba(texts)
    assert proba.shape == (6, 4) and ((proba >= 0) & (proba <= 1)).all()
    assert shipped.classes_.tolist() == list(LABELS)


def test_shipped_model_card_documents_the_mapping():
    card = (shipped_model_dir() / "MODEL_CARD.md").read_text(encoding="utf-8")
    for needle in ("-5..-3 negative", "-2..-1 mixed", "+1..+5 positive", "MIT", "NHS England", "CC BY 4.0",
                   "REF2014", "neutral", "accuracy", "macro-F1", "called negative", "scripts/train_sentiment.py",
                   "corpora/survey_answers/train.csv", "language model", "check.csv", "never trained on",
                   "survey check set", "leave-one-batch-out", "negative answers called positive"):
        assert needle in card, needle


def test_shipped_card_records_the_survey_answers_it_learned_from():
    import hashlib
    import json

    from helpers import CORPORA

    card = json.loads((shipped_model_dir() / "card.json").read_text(encoding="utf-8"))
    survey = card["training_data"]["survey"]
    folder = CORPORA / "survey_answers"
    assert survey["sha256"] == hashlib.sha256((folder / "train.csv").read_bytes()).hexdigest()
    assert card["training_data"]["survey_check"]["sha256"] == hashlib.sha256(
        (folder / "check.csv").read_bytes()).hexdigest()
    assert survey["batches"] == 8 and card["params"]["survey_weight"] > 0
    # measured on the check set: it reads that register far better than the recipe without the answers did
    after, before = card["metrics"]["survey_check"], card["metrics"]["without_survey"]["survey_check"]
    assert after["n"] == card["training_data"]["survey_check"]["n"]
    assert after["macro_f1"] > before["macro_f1"] + 0.3
    assert after["positive_called_negative"] < before["positive_called_negative"]


def test_round_trip_through_persist(small, tmp_path):
    persist = pytest.importorskip("evalnlp.coding.persist")
    persist.save_model(small, tmp_path / "sent", card={"name": "test-sentiment"})
    loaded = load_sentiment_model(tmp_path / "sent")
    texts = [t for t, _ in TRAIN]
    np.testing.assert_array_equal(loaded.predict_proba(texts), small.predict_proba(texts))


def test_sample_weight_and_embedding_parameters():
    texts, labels = zip(*TRAIN)
    with pytest.raises(ValueError, match="sample_weight"):
        SentimentModel(min_df=1).fit(list(texts), list(labels), sample_weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="'embedding' parameter"):
        SentimentModel(min_df=1, embedding="bert").fit(list(texts), list(labels))
    weighted = SentimentModel(min_df=1).fit(list(texts), list(labels), sample_weight=[1.0] * 8 + [5.0] * 4)
    plain = SentimentModel(min_df=1).fit(list(texts), list(labels))
    assert not np.allclose(weighted.predict_proba(list(texts)), plain.predict_proba(list(texts)))
    embedded = SentimentModel(min_df=1, embedding="static").fit(list(texts), list(labels))
    proba = embedded.predict_proba(["Lovely kind staff.", "Dirty and rude."])
    assert proba.shape == (2, 3) and not np.allclose(proba, plain.predict_proba(["Lovely kind staff.",
                                                                                  "Dirty and rude."]))


def test_load_errors(tmp_path):
    with pytest.raises(ModelError) as info:
        load_sentiment_model(tmp_path / "nowhere")
    assert info.value.code == "E351"


def test_fast_ngram_blocks_equal_the_vectorizers():
    """Word and character blocks built token by token are the feature union's own matrix, odd text included
    (short words, repeated whitespace, non-breaking spaces, letters whose case mapping changes length)."""
    from evalnlp.coding.sentiment import _CharWbGrams, _fast_blocks, _WordNgrams

    odd = ["a I  x\tyz", "", "  ", "Café naïve ÉCOLE İstanbul ß STRASSE", "ok ok ok ok!!!", "x\u00a0y\u2003z",
           "ǅ ǈ Σ ς", "http://example.com/" + "very-long-" * 10]
    texts = [t for t, _ in TRAIN] + odd
    labels = [lab for _, lab in TRAIN] + ["mixed"] * len(odd)
    for char in (False, True):
        model = SentimentModel(min_df=1, char=char).fit(texts, labels)
        union = model.pipeline_.named_steps["features"]
        blocks = _fast_blocks(union)
        assert [type(b) for b in blocks] == [_WordNgrams] + [_CharWbGrams] * char
        probe = texts + ["unseen wordz here", "KIND Staff", "a", "é", "Rude"]
        assert abs(union.transform(probe) - model._ngrams(probe)).max() == 0
        assert abs(union.transform(probe[::-1]) - model._ngrams(probe[::-1])).max() == 0  # from memory


@pytest.mark.parametrize("labels", [None, ("positive", "negative")])
def test_scores_with_an_embedding_equal_the_classifier_on_the_joined_features(labels, shipped):
    """predict_proba multiplies the n-gram block and the embedding block by their own weights instead of
    joining them into one sparse matrix: the classifier's own probabilities on the joined matrix, to float32's
    precision, and the same labels (the shipped model, and a two-label model, scikit-learn's binary case)."""
    from evalnlp.coding.sentiment import _beside
    from evalnlp.embeddings import get_encoder

    texts = [t for t, _ in TRAIN] + ["The ward was clean.", "No comment.", "The report was published in 2013.",
                                     "Staff were lovely but the car park was full and expensive."] * 3
    if labels is None:
        model = shipped
    else:
        rows = [(t, y) for t, y in TRAIN if y in labels]
        model = SentimentModel(min_df=1, embedding="static").fit([t for t, _ in rows], [y for _, y in rows])
    clf = model.pipeline_.named_steps["clf"]
    emb = get_encoder(model.embedding).encode(texts).astype(np.float32) * float(model.embedding_weight)
    joined = clf.predict_proba(_beside(model._ngrams(texts), emb))
    joined = joined[:, [list(clf.classes_).index(c) for c in model.classes_]]
    got = model.predict_proba(texts)
    np.testing.assert_allclose(got, joined, atol=1e-5, rtol=0)
    assert (got.argmax(axis=1) == joined.argmax(axis=1)).all()
    assert got.shape == (len(texts), 2 if labels else len(model.classes_))
