"""Sentiment of feedback and testimonial passages: positive, mixed, negative or neutral.

:class:`SentimentModel` is a scikit-learn classifier over texts: word 1-2 gram TF-IDF features (optionally
character 2-5 grams too) into a class-balanced multinomial logistic regression. The shipped model
(``evalnlp/models/sentiment``, built by ``scripts/train_sentiment.py``) reads two registers:

- NHS Friends and Family Test comments (pxtextmining phase 1), whose staff gave each comment a *criticality*
  score from -5 (very critical) to +5 (very positive), mapped by :func:`criticality_to_label`:

  ========================  =========  ====================================================================
  criticality               label      what such comments look like
  ========================  =========  ====================================================================
  -5 to -3                  negative   clear criticism or a complaint
  -2 to -1                  mixed      mild criticism, a suggestion, or praise with a reservation
  0                         (dropped)  used by one trust for comments it did not score, whatever their tone
  +1 to +5                  positive   praise, thanks, "nothing to improve"
  ========================  =========  ====================================================================

- quotations from REF2014 impact case studies (testimonials, letters, reports), each labelled positive,
  negative, mixed or neutral by its stance; ``neutral`` is a descriptive, procedural or legal statement
  with no evaluation and no reported benefit or problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from evalnlp.coding.base import as_texts
from evalnlp.errors import ModelError
from evalnlp.util import coder_id

__all__ = ["LABELS", "SentimentModel", "criticality_to_label", "parse_criticality", "shipped_model_dir",
           "load_sentiment_model"]

#: Labels the model predicts, in the column order of ``predict_proba``.
LABELS: tuple[str, ...] = ("negative", "mixed", "neutral", "positive")


def parse_criticality(value: Any) -> int | None:
    """Read a criticality score: an integer from -5 to 5 (``"3"``, ``"-2"``, ``3.0``), else None.

    Malformed values found in real files (``"cc"``, ``"-o"``, ``"-9"``, ``"NA"``, blanks) give None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)):
        if value != value or not float(value).is_integer():
            return None
        number = int(value)
    else:
        text = str(value).strip()
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if not digits.isdigit() or text.count("-") + text.count("+") > 1:
            return None
        number = sign * int(digits)
    return number if -5 <= number <= 5 else None


def criticality_to_label(value: Any) -> str | None:
    """Map a criticality score (-5..+5) to ``negative`` / ``mixed`` / ``positive``; None for 0 or malformed."""
    score = parse_criticality(value)
    if score is None or score == 0:
        return None
    if score <= -3:
        return "negative"
    if score < 0:
        return "mixed"
    return "positive"


class SentimentModel(ClassifierMixin, BaseEstimator):
    """Positive / mixed / negative / neutral classifier over texts (TF-IDF into a balanced logistic regression).

    Parameters
    ----------
    C : float, default 10.0
        Inverse regularisation strength of the logistic regression.
    min_df : int, default 2
        Minimum document frequency of a word or character n-gram.
    char : bool, default False
        Add character 2-5 gram features (robust to typos and odd spellings) to word 1-2 grams.
    class_weight : "balanced" or None, default "balanced"
    embedding : {"static", "minilm"} or None, default None
        Add the passage's averaged static embedding (:func:`evalnlp.embeddings.get_encoder`) beside the n-grams;
        it carries meaning the words alone miss (a report's neutral register against a patient's praise). The
        encoder is loaded by name on use, never stored in the model.
    embedding_weight : float, default 1.0
        Scale of the embedding block against the unit-length TF-IDF blocks.

    Fitted attributes: ``classes_`` (labels in :data:`LABELS` order), ``pipeline_`` (the scikit-learn
    pipeline: TF-IDF features, then the classifier; with an embedding the classifier also sees the embedding
    block, so use :meth:`predict_proba`, not the pipeline directly), ``n_train_``.
    """

    def __init__(self, C: float = 10.0, min_df: int = 2, char: bool = False, class_weight: str | None = "balanced",
                 embedding: str | None = None, embedding_weight: float = 1.0):
        self.C = C
        self.min_df = min_df
        self.char = char
        self.class_weight = class_weight
        self.embedding = embedding
        self.embedding_weight = embedding_weight

    def _features(self, texts: list[str]):
        """The classifier's input: the fitted TF-IDF blocks, plus the embedding block when configured."""
        X = self.pipeline_.named_steps["features"].transform(texts)
        if not self.embedding:
            return X
        from scipy import sparse

        from evalnlp.embeddings import get_encoder

        emb = get_encoder(self.embedding).encode(texts).astype(np.float32) * float(self.embedding_weight)
        return sparse.hstack([X, sparse.csr_matrix(emb)], format="csr")

    def _build(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline

        parts = [("word", TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=self.min_df,
                                          sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", dtype=np.float32))]
        if self.char:
            parts.append(("char", TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(2, 5),
                                                  min_df=self.min_df, sublinear_tf=True, dtype=np.float32)))
        clf = LogisticRegression(C=float(self.C), class_weight=self.class_weight, solver="lbfgs", max_iter=2000)
        return Pipeline([("features", FeatureUnion(parts)), ("clf", clf)])

    def fit(self, X, y, sample_weight=None) -> "SentimentModel":
        """Fit on texts and labels (each one of :data:`LABELS`); ``sample_weight`` weighs rows (e.g. registers)."""
        if isinstance(self.C, bool) or not isinstance(self.C, (int, float)) or self.C <= 0:
            raise ValueError(f"The 'C' parameter of SentimentModel must be a positive float; got {self.C!r} instead.")
        if self.class_weight not in ("balanced", None):
            raise ValueError("The 'class_weight' parameter of SentimentModel must be 'balanced' or None; "
                             f"got {self.class_weight!r} instead.")
        texts = as_texts(X)
        labels = np.asarray([str(v) for v in y])
        if len(labels) != len(texts):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels.")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"The labels must be among {LABELS}; got {unknown} instead.")
        present = [lab for lab in LABELS if lab in set(labels)]
        if len(present) < 2:
            raise ValueError(f"SentimentModel needs at least two labels to learn from; got only {present}.")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=float)
            if sample_weight.shape != (len(texts),) or not np.all(np.isfinite(sample_weight)) or (sample_weight < 0).any():
                raise ValueError(f"sample_weight must hold one finite, non-negative weight per text ({len(texts)}); "
                                 f"got shape {sample_weight.shape} instead.")
        if self.embedding is not None:
            from evalnlp.embeddings import ENCODER_NAMES

            if self.embedding not in ENCODER_NAMES:
                raise ValueError(f"The 'embedding' parameter of SentimentModel must be one of {ENCODER_NAMES} or "
                                 f"None; got {self.embedding!r} instead.")
        if isinstance(self.embedding_weight, bool) or not isinstance(self.embedding_weight, (int, float)) \
                or not self.embedding_weight >= 0:
            raise ValueError("The 'embedding_weight' parameter of SentimentModel must be a float >= 0; "
                             f"got {self.embedding_weight!r} instead.")
        pipeline = self._build()
        pipeline.named_steps["features"].fit(texts)
        self.pipeline_ = pipeline
        pipeline.named_steps["clf"].fit(self._features(texts), labels, sample_weight=sample_weight)
        for _name, vectorizer in self.pipeline_.named_steps["features"].transformer_list:
            if hasattr(vectorizer, "stop_words_"):
                del vectorizer.stop_words_  # the n-grams cut by min_df: large and only for introspection
        self.classes_ = np.asarray(present)
        self.n_train_ = len(texts)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise ModelError("E350", "This SentimentModel is not fitted yet: call fit(texts, labels), or load the "
                                     "shipped model with evalnlp.coding.sentiment.load_sentiment_model().")

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities ``(n, len(classes_))``, columns in ``classes_`` order."""
        self._check_fitted()
        texts = as_texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        proba = self.pipeline_.named_steps["clf"].predict_proba(self._features(texts)).astype(np.float64)
        order = [list(self.pipeline_.classes_).index(c) for c in self.classes_]
        return proba[:, order]

    def predict(self, X) -> np.ndarray:
        """The most probable label per text (an array of str)."""
        proba = self.predict_proba(X)
        if len(proba) == 0:
            return np.asarray([], dtype=object)
        return np.asarray(self.classes_)[proba.argmax(axis=1)].astype(object)

    def coder_id(self) -> str:
        """``model:NAME@SHA12`` once saved or loaded (model file sha256), else ``model:sentiment``."""
        name = getattr(self, "model_name_", None)
        sha = getattr(self, "model_sha256_", None)
        return coder_id(name, sha) if name and sha else coder_id("sentiment")


def shipped_model_dir() -> Path:
    """Directory of the shipped sentiment model."""
    return Path(__file__).resolve().parents[1] / "models" / "sentiment"


def load_sentiment_model(path: str | Path | None = None) -> SentimentModel:
    """Load a saved sentiment model (by default the shipped one) with :func:`evalnlp.coding.persist.load_model`."""
    directory = Path(path) if path is not None else shipped_model_dir()
    if not directory.is_dir():
        raise ModelError("E351", f"No sentiment model at {directory}: expected a directory written by "
                                 "scripts/train_sentiment.py. Rebuild it with: python scripts/train_sentiment.py")
    from evalnlp.coding.persist import load_model

    loaded = load_model(directory)
    model = loaded[0] if isinstance(loaded, tuple) else loaded
    if not isinstance(model, SentimentModel):
        raise ModelError("E352", f"The model at {directory} is a {type(model).__name__}, not a SentimentModel; "
                                 "pass the directory of a sentiment model.")
    return model
