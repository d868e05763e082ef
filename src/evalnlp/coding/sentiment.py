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

from evalnlp import errors
from evalnlp.coding.base import as_texts
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
        X = self._ngrams(texts)
        if not self.embedding:
            return X
        from evalnlp.embeddings import get_encoder

        emb = get_encoder(self.embedding).encode(texts).astype(np.float32) * float(self.embedding_weight)
        return _beside(X, emb)

    def _proba(self, texts: list[str]) -> np.ndarray:
        """The classifier's probabilities for ``texts``, as its ``predict_proba`` gives them for
        :meth:`_features`; with an embedding block, each block is multiplied by its own columns of the
        weights (the dense block as a dense product) instead of laying both out as one sparse matrix first."""
        clf = self.pipeline_.named_steps["clf"]
        if not self.embedding:
            return clf.predict_proba(self._ngrams(texts))
        from scipy.special import expit
        from sklearn.utils.extmath import softmax

        from evalnlp.embeddings import get_encoder

        X = self._ngrams(texts)
        emb = get_encoder(self.embedding).encode(texts).astype(np.float32) * float(self.embedding_weight)
        p = X.shape[1]
        coef = clf.coef_  # in its own dtype, as scikit-learn multiplies
        scores = np.asarray(X @ coef[:, :p].T) + emb.astype(coef.dtype, copy=False) @ coef[:, p:].T + clf.intercept_
        if coef.shape[0] == 1:  # two labels: one score, as scikit-learn's binary case
            positive = expit(scores[:, 0])
            return np.stack([1 - positive, positive], axis=1)
        return softmax(scores, copy=False)

    def _ngrams(self, texts: list[str]):
        """The TF-IDF blocks of the fitted pipeline; word 1-2 gram and ``char_wb`` blocks are computed by
        :class:`_WordNgrams` and :class:`_CharWbGrams` (the same matrices, built from each distinct whitespace
        token once)."""
        union = self.pipeline_.named_steps["features"]
        fast = getattr(self, "_fast_blocks", None)
        if fast is None:
            fast = self._fast_blocks = _fast_blocks(union)
        if fast is False:
            return union.transform(texts)
        blocks = [block.transform(texts) for block in fast]
        if len(blocks) == 1:
            return blocks[0]
        from scipy import sparse

        return sparse.hstack(blocks, format="csr")

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_fast_blocks", None)  # rebuilt on first use, never saved
        state.pop("_fast_words", None)
        return state

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
        self._fast_blocks = None
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
            raise errors.error("E350")

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities ``(n, len(classes_))``, columns in ``classes_`` order."""
        self._check_fitted()
        texts = as_texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        proba = self._proba(texts).astype(np.float64)
        order = [list(self.pipeline_.classes_).index(c) for c in self.classes_]
        return proba[:, order]

    def predict(self, X) -> np.ndarray:
        """The most probable label per text (an array of str)."""
        proba = self.predict_proba(X)  # first: it says so when the model is not fitted
        return most_probable(self.classes_, proba)

    def coder_id(self) -> str:
        """``model:NAME@SHA12`` once saved or loaded (model file sha256), else ``model:sentiment``."""
        name = getattr(self, "model_name_", None)
        sha = getattr(self, "model_sha256_", None)
        return coder_id(name, sha) if name and sha else coder_id("sentiment")


def most_probable(classes, proba: np.ndarray) -> np.ndarray:
    """The label of each row's highest probability (an array of str; empty for no rows)."""
    if len(proba) == 0:
        return np.asarray([], dtype=object)
    return np.asarray(classes)[proba.argmax(axis=1)].astype(object)


def _beside(X, dense: np.ndarray):
    """``hstack([X, csr(dense)])`` for a CSR ``X``, built directly: each row's entries of ``X`` then its dense
    values (zeros stored too, which adds nothing to any product), so no dense-to-sparse conversion."""
    from scipy import sparse

    X = sparse.csr_matrix(X)
    n, d = dense.shape
    counts = np.diff(X.indptr)
    indptr = X.indptr + d * np.arange(n + 1, dtype=X.indptr.dtype)
    total = int(indptr[-1])
    data = np.empty(total, dtype=np.result_type(X.dtype, dense.dtype))
    indices = np.empty(total, dtype=np.int64 if X.shape[1] + d > np.iinfo(np.int32).max else np.int32)
    row_of = np.repeat(np.arange(n), counts)
    at = np.arange(X.nnz) + d * row_of  # where each of X's entries lands
    data[at] = X.data
    indices[at] = X.indices
    dense_at = (indptr[1:] - d)[:, None] + np.arange(d)
    data[dense_at.ravel()] = dense.ravel()
    indices[dense_at.ravel()] = np.tile(np.arange(X.shape[1], X.shape[1] + d), n)
    return sparse.csr_matrix((data, indices, indptr), shape=(n, X.shape[1] + d))


class _TokenBlock:
    """What the fast TF-IDF blocks share: a memory of each distinct whitespace token's column ids (worked out
    once by :meth:`_ids_of`, cleared past 300,000 tokens), and the vectorizer's own weighting of the counts."""

    def _setup(self, vectorizer) -> None:
        import threading

        self.n_features = len(vectorizer.vocabulary_)
        self.idf = vectorizer.idf_
        self.dtype = vectorizer.dtype
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.memory: dict[str, int] = {}
        self.ptr = np.zeros(1, dtype=np.int64)
        self.ids = np.zeros(0, dtype=np.int64)

    def _ids_of(self, tokens: list[str]) -> list[list[int]]:
        """The ids each of ``tokens`` contributes, in order."""
        raise NotImplementedError

    def _rows(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each token's row in the memory, with the memory's ragged ids (``ptr``, ``ids``)."""
        import itertools

        with self.lock:
            unseen = set(tokens).difference(self.memory)
            if unseen:
                if len(self.memory) + len(unseen) > 300_000:
                    self.clear()
                    unseen = set(tokens)
                new = sorted(unseen)
                ids = self._ids_of(new)
                self.ptr = np.concatenate([self.ptr, self.ptr[-1] + np.cumsum([len(i) for i in ids])])
                self.ids = np.concatenate([self.ids, np.fromiter(itertools.chain.from_iterable(ids), np.int64)])
                first = len(self.memory)
                self.memory.update(zip(new, range(first, first + len(new))))
            rows = np.fromiter(map(self.memory.__getitem__, tokens), dtype=np.int64, count=len(tokens))
            return rows, self.ptr, self.ids

    def _gathered(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Every id the whitespace tokens of ``texts`` contribute, in text order, and the text each belongs to."""
        from evalnlp.coding.supervised import _ragged_gather, _tokenise

        flat, ptr = _tokenise(texts)
        rows, id_ptr, ids = self._rows(flat)
        gathered, lengths = _ragged_gather(ids, id_ptr, rows)
        return gathered, np.repeat(np.repeat(np.arange(len(texts)), np.diff(ptr)), lengths)

    def _weighted(self, doc: np.ndarray, col: np.ndarray, n: int):
        """The counts of (``doc``, ``col``) pairs weighted as TfidfTransformer.transform does: sublinear tf,
        idf, then L2 rows."""
        from sklearn.preprocessing import normalize

        from evalnlp.coding.supervised import _count_matrix

        X = _count_matrix(doc, col, n, self.n_features).astype(self.dtype, copy=False)
        data = X.data
        np.log(data, data)
        data += 1.0
        data *= self.idf[X.indices]
        return normalize(X, norm="l2", copy=False)


class _WordNgrams(_TokenBlock):
    """The word 1-2 gram TF-IDF block of a fitted ``TfidfVectorizer`` (lower-cased ``\\b\\w+\\b`` words,
    sublinear tf, idf, L2 rows), computed without per-passage Python.

    Words never cross whitespace, so a passage's words are those of its whitespace tokens in order. Each
    distinct token's word ids are worked out once and remembered; counts of unigrams and of bigrams (pairs of
    consecutive words) are then gathered in bulk. Counts, weighting and normalisation are scikit-learn's own
    steps on the same numbers, so the matrix is the vectorizer's. :meth:`of` returns False for any other
    configuration (the vectorizer is then used as it is).
    """

    def __init__(self, vectorizer):
        vocab = vectorizer.vocabulary_
        words = sorted(t for t in vocab if " " not in t)
        self.index = {w: i for i, w in enumerate(words)}
        self.uni_col = np.asarray([vocab[w] for w in words], dtype=np.int64)
        n_words = max(len(words), 1)
        keys, cols = [], []
        for term, col in vocab.items():
            if " " in term:
                a, b = term.split(" ")
                keys.append(self.index[a] * n_words + self.index[b])  # KeyError: not this shape, see of()
                cols.append(col)
        order = np.argsort(keys)
        self.bigram_keys = np.asarray(keys, dtype=np.int64)[order]
        self.bigram_col = np.asarray(cols, dtype=np.int64)[order]
        self.n_words = n_words
        self._setup(vectorizer)

    @classmethod
    def of(cls, vec) -> "_WordNgrams | bool":
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not (type(vec) is TfidfVectorizer and vec.input == "content" and vec.analyzer == "word"
                and vec.lowercase and vec.token_pattern == r"(?u)\b\w+\b" and tuple(vec.ngram_range) == (1, 2)
                and vec.stop_words is None and vec.preprocessor is None and vec.tokenizer is None
                and vec.strip_accents is None and not vec.binary and vec.norm == "l2" and vec.use_idf
                and vec.sublinear_tf and hasattr(vec, "vocabulary_")):
            return False
        try:
            return cls(vec)
        except (KeyError, ValueError):  # a bigram of words outside the unigrams, or not two words
            return False

    def _ids_of(self, tokens: list[str]) -> list[list[int]]:
        """Each token's words as unigram indices (-1 for a word outside the vocabulary)."""
        import re

        get = self.index.get
        found = re.compile(r"(?u)\b\w+\b").findall
        return [[get(w, -1) for w in found(tok)] for tok in tokens]

    def transform(self, texts: list[str]):
        n = len(texts)
        wflat, doc_of_word = self._gathered(texts)
        known = wflat >= 0
        cols = [self.uni_col[wflat[known]]]
        docs = [doc_of_word[known]]
        if len(self.bigram_keys) and wflat.size > 1:
            a, b = wflat[:-1], wflat[1:]
            pair = (doc_of_word[:-1] == doc_of_word[1:]) & (a >= 0) & (b >= 0)
            keys = a[pair] * self.n_words + b[pair]
            at = np.searchsorted(self.bigram_keys, keys)
            ok = at < len(self.bigram_keys)
            hit = np.zeros(len(keys), dtype=bool)
            hit[ok] = self.bigram_keys[at[ok]] == keys[ok]
            cols.append(self.bigram_col[at[hit]])
            docs.append(doc_of_word[:-1][pair][hit])
        col = np.concatenate(cols)
        doc = np.concatenate(docs)
        order = np.argsort(doc, kind="stable")
        return self._weighted(doc[order], col[order], n)


class _CharWbGrams(_TokenBlock):
    """The ``char_wb`` TF-IDF block of a fitted ``TfidfVectorizer`` (lower-cased text, the character n-grams
    of each whitespace token padded with one space, sublinear tf, idf, L2 rows), computed without
    per-passage Python.

    scikit-learn builds these n-grams token by token, so each distinct token's columns are worked out once
    (by :func:`_char_wb_of`, which follows scikit-learn's rule, short tokens included) and remembered; counts,
    weighting and normalisation are then the vectorizer's own steps on the same numbers.
    """

    def __init__(self, vectorizer):
        self.vocab = vectorizer.vocabulary_
        self.low, self.high = (int(v) for v in vectorizer.ngram_range)
        self._setup(vectorizer)

    @classmethod
    def of(cls, vec) -> "_CharWbGrams | bool":
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not (type(vec) is TfidfVectorizer and vec.input == "content" and vec.analyzer == "char_wb"
                and vec.lowercase and vec.preprocessor is None and vec.strip_accents is None and not vec.binary
                and vec.norm == "l2" and vec.use_idf and vec.sublinear_tf and hasattr(vec, "vocabulary_")):
            return False
        return cls(vec)

    def _ids_of(self, tokens: list[str]) -> list[list[int]]:
        """Each token's character n-grams as vocabulary columns (n-grams outside it left out)."""
        get = self.vocab.get
        return [[c for c in map(get, _char_wb_of(tok, self.low, self.high)) if c is not None] for tok in tokens]

    def transform(self, texts: list[str]):
        col, doc = self._gathered(texts)
        return self._weighted(doc, col, len(texts))


def _char_wb_of(token: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one whitespace token: ``low``..``high`` characters of the token
    padded with a space each side; a padded token no longer than ``n`` counts once, whole, and ends the list."""
    padded = f" {token} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size <= n:
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(size - n + 1))
    return grams


def _fast_blocks(union) -> "list | bool":
    """A fast equivalent for each block of a fitted feature union, or False if any block has none."""
    parts = getattr(union, "transformer_list", None)
    if not parts:
        return False
    blocks = []
    for _name, vec in parts:
        block = _WordNgrams.of(vec)
        if block is False:
            block = _CharWbGrams.of(vec)
        if block is False:
            return False
        blocks.append(block)
    return blocks


def shipped_model_dir() -> Path:
    """Directory of the shipped sentiment model."""
    return Path(__file__).resolve().parents[1] / "models" / "sentiment"


def load_sentiment_model(path: str | Path | None = None) -> SentimentModel:
    """Load a saved sentiment model with :func:`evalnlp.coding.persist.load_model`: a directory, a shipped name
    (``sentiment``, ``sentiment-accurate``), or by default the shipped ``sentiment``."""
    from evalnlp.coding.persist import SHIPPED_MODELS, load_model, resolve_model

    if path is not None and str(path) in SHIPPED_MODELS:
        directory = resolve_model(str(path))
    else:
        directory = Path(path) if path is not None else shipped_model_dir()
    if not directory.is_dir():
        raise errors.error("E351", directory=directory)
    loaded = load_model(directory)
    model = loaded[0] if isinstance(loaded, tuple) else loaded
    from evalnlp.coding.finetune import FinetunedSentiment

    if not isinstance(model, (SentimentModel, FinetunedSentiment)):
        raise errors.error("E352", directory=directory, type_name=type(model).__name__)
    return model
