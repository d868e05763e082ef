"""Supervised theme coder: word and character TF-IDF plus static embeddings into linear models.

How a passage is turned into features (:class:`TextFeatures`)
-------------------------------------------------------------
A passage is lower-cased and split on whitespace into *tokens*. Everything else is computed once per distinct
token and remembered, so a batch costs a few sparse products rather than per-passage Python work:

- **words**: runs of two or more word characters inside each token (scikit-learn's default token pattern);
  the passage's word unigrams and bigrams (bigrams run across token boundaries), TF-IDF weighted;
- **characters**: the 2- to 4-character n-grams of each space-padded token (scikit-learn's ``char_wb``),
  TF-IDF weighted, with a capped vocabulary;
- **embedding**: each token's vector from the static encoder (:func:`evalnlp.embeddings.get_encoder`),
  averaged over the passage and normalised.

Each block uses sublinear term frequency and smoothed idf and is L2-normalised on its own; the blocks sit side
by side. The encoder is never stored in the model: only its name is, and it is loaded on first use.

How themes are scored (:class:`SupervisedCoder`)
------------------------------------------------
- Multi-label codebooks: one linear SVM per theme (class-balanced), its decision value mapped to a probability
  by Platt scaling fitted on out-of-fold decision values, and a per-theme threshold that maximises the theme's
  F1 on out-of-fold probabilities.
- Single-label codebooks (``multi_label: false``, e.g. ``fft``): a one-vs-rest linear SVM over the themes
  whose out-of-fold decision values feed a multinomial logistic regression (stacked calibration); the
  predicted theme is the argmax.

Out-of-fold probabilities for the thresholds and the stored report (``cv_metrics_``) come from a second,
inner cross-validation of the calibration, so the report is not scored on data the calibration saw.
Everything is seeded and deterministic.

Error codes: E310 labels unusable for training, E311 too few examples, E312 the embedding encoder is not
available.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
import warnings
from collections import OrderedDict
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from evalnlp import errors
from evalnlp.coding.base import ThemeCoder, as_texts, check_embedding, check_labels, check_number, trained_coder_id
from evalnlp.errors import ModelError
from evalnlp.util import sigmoid, softmax

__all__ = ["SupervisedCoder", "TextFeatures", "best_f1_threshold", "labels_matrix", "nested_thresholds"]

_WORD = re.compile(r"(?u)\b\w\w+\b")
_MAX_TOKEN_CHARS = 40  # longer tokens (URLs, runs of symbols) contribute their first characters only
_MAX_WORD_CHARS = 30  # longer words never enter the vocabulary
_CACHE_LIMIT = 300_000  # distinct tokens remembered per vocabulary before the memory is cleared
_CHUNK = 20_000  # passages featurised at a time by predict_proba
_FALLBACK_DECISION = -2.0  # decision value of a theme a fold model never saw (below any SVM margin)


# --------------------------------------------------------------------------- helpers


def _tokenise(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Lower-cased whitespace tokens of every text, flat, and each text's start offset (``n + 1``); worked out
    once per slice of passages inside :func:`evalnlp.embeddings.shared_batches` (both results are shared:
    never change them)."""
    from evalnlp.embeddings import last_batch

    return last_batch("lower-tokens", texts, _split_lower)


def _split_lower(texts: list[str]) -> tuple[list[str], np.ndarray]:
    split = [text.lower().split() for text in texts]
    lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
    ptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    return list(itertools.chain.from_iterable(split)), ptr


def _char_grams(token: str, low: int, high: int) -> list[str]:
    """Character n-grams (``low``..``high``) of a token padded with one space on each side."""
    padded = f" {token[:_MAX_TOKEN_CHARS]} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if n > size:
            break
        grams.extend(padded[i:i + n] for i in range(size - n + 1))
    return grams


def _ragged_gather(values: np.ndarray, ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate ``values[ptr[r]:ptr[r+1]]`` for each ``r`` in ``rows``; also return each row's length."""
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return values[:0], lengths
    offsets = np.cumsum(lengths) - lengths
    return values[np.repeat(starts - offsets, lengths) + np.arange(total)], lengths


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf times idf, rows scaled to unit length (in place; ``counts`` must hold no duplicates)."""
    data = counts.data
    np.log(data, out=data)
    data += 1.0
    data *= idf[counts.indices]
    _normalise_sparse_rows(counts)
    return counts


def _count_matrix(doc: np.ndarray, col: np.ndarray, n: int, n_cols: int) -> sparse.csr_matrix:
    """CSR counts of (doc, col) pairs, duplicates summed; ``doc`` must be non-decreasing (it is cheap then)."""
    keys = np.sort(doc * max(n_cols, 1) + col, kind="stable")  # runs already sorted by doc: near-linear
    if keys.size == 0:
        return sparse.csr_matrix((n, n_cols), dtype=np.float32)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    unique = keys[starts]
    counts = np.diff(np.append(starts, keys.size)).astype(np.float32)
    rows = unique // max(n_cols, 1)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sparse.csr_matrix((counts, (unique % max(n_cols, 1)).astype(np.int32), indptr), shape=(n, n_cols))


def _normalise_sparse_rows(matrix: sparse.csr_matrix) -> None:
    """Scale each row of a CSR matrix to unit L2 length in place (empty rows stay empty)."""
    from sklearn.preprocessing import normalize

    normalize(matrix, norm="l2", copy=False)


def _idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed idf, as scikit-learn's TfidfVectorizer: ``ln((1 + n) / (1 + df)) + 1``."""
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


def _top_by_df(df: np.ndarray, min_df: int, cap: int) -> np.ndarray:
    """Indices with ``df >= min_df``, the ``cap`` most frequent (ties: lowest index), in index order."""
    keep = np.flatnonzero(df >= min_df)
    if len(keep) > cap:
        order = np.lexsort((keep, -df[keep]))
        keep = np.sort(keep[order[:cap]])
    return keep


def _joined(items: list[str]) -> str:
    return "\n".join(items)


def _split(text: str) -> list[str]:
    return text.split("\n") if text else []


#: coded passages a theme needs before its threshold is chosen by F1 on the training passages' scores
MIN_THEME_POSITIVES = 3


def best_f1_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    """The threshold on ``scores`` that maximises F1 for the 0/1 targets ``y``.

    The threshold sits halfway between the lowest accepted score and the next score below it, so it does not
    rest exactly on a training score. With no positives it is 1.0 (never assign).
    """
    scores = np.asarray(scores, dtype=float)
    y = np.asarray(y, dtype=bool)
    positives = int(y.sum())
    if positives == 0 or len(scores) == 0:
        return 1.0
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    tp = np.cumsum(y[order])
    predicted = np.arange(1, len(scores) + 1)
    # Only cut where the score changes, so tied scores are accepted together.
    last_of_tie = np.append(sorted_scores[1:] != sorted_scores[:-1], True)
    f1 = np.where(last_of_tie, 2 * tp / (predicted + positives), -1.0)
    best = int(np.argmax(f1))
    lower = sorted_scores[best + 1] if best + 1 < len(scores) else max(sorted_scores[best] - 0.05, 0.0)
    return float(np.clip((sorted_scores[best] + lower) / 2, 0.0, 1.0))


def nested_thresholds(proba: np.ndarray, Y: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]],
                      adjust: Any = None) -> np.ndarray:
    """Per-passage thresholds ``(n, k)`` for an honest out-of-fold report: the passages of each fold get the
    per-theme F1-best thresholds chosen on the other folds' scores only (then passed through ``adjust``)."""
    out = np.zeros_like(np.asarray(proba, dtype=float))
    for train, test in folds:
        chosen = np.array([best_f1_threshold(proba[train, j], Y[train, j]) for j in range(Y.shape[1])])
        out[test] = adjust(chosen) if adjust is not None else chosen
    return out


def labels_matrix(Y: Any, n: int, codebook) -> np.ndarray:
    """Turn ``Y`` into an ``(n, k)`` 0/1 matrix in codebook order.

    ``Y`` is either such a matrix already, or a sequence of ``n`` theme ids / labels / aliases (one theme
    per passage), mapped with :meth:`Codebook.label_to_id`.
    """
    k = len(codebook.theme_ids)
    arr = np.asarray(Y, dtype=object) if not isinstance(Y, np.ndarray) else Y
    if arr.ndim == 1 and len(arr) == n and (n == 0 or isinstance(arr[0], str)):
        index = {t: j for j, t in enumerate(codebook.theme_ids)}
        out = np.zeros((n, k), dtype=np.int8)
        for i, label in enumerate(arr):
            out[i, index[codebook.label_to_id(label)]] = 1
        return out
    return check_labels(np.asarray(Y), n, k)


# --------------------------------------------------------------------------- token memory


class _TokenMemory:
    """What is known about each distinct token, for one fitted vocabulary.

    Per token: its word ids (-1 for words outside the vocabulary), its character-feature columns and its
    embedding. New tokens are analysed in batches; the memory is cleared when it grows past a limit.
    """

    def __init__(self, features: "TextFeatures"):
        self.features = features
        self.word_index = {w: i for i, w in enumerate(_split(features.words_))}
        self.char_index = {g: i for i, g in enumerate(_split(features.chars_))}
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.index: dict[str, int] = {}
        self.word_ptr = np.zeros(1, dtype=np.int64)
        self.word_ids = np.zeros(0, dtype=np.int64)
        self.char_ptr = np.zeros(1, dtype=np.int64)
        self.char_ids = np.zeros(0, dtype=np.int32)
        dim = self.features.dim_
        self._vector_rows = np.zeros((0, dim), dtype=np.float32)  # room for more rows than are filled
        self.vectors = self._vector_rows[:0]

    def lookup(self, tokens: list[str]) -> tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
        """Row of every token (analysing unseen ones first), with a consistent snapshot of the memory:
        ``(rows, char_matrix, word_ptr, word_ids, vectors)``."""
        with self.lock:
            unseen = set(tokens).difference(self.index)
            if unseen:
                if len(self.index) + len(unseen) > _CACHE_LIMIT:
                    self.clear()
                    unseen = set(tokens)
                self._add(sorted(unseen))
            rows = np.fromiter(map(self.index.__getitem__, tokens), dtype=np.int64, count=len(tokens))
            return rows, self.char_matrix(), self.word_ptr, self.word_ids, self.vectors

    def _add(self, tokens: list[str]) -> None:
        f = self.features
        wget = self.word_index.get
        cget = self.char_index.get
        words = [[wget(w, -1) for w in _WORD.findall(tok)] for tok in tokens]
        low, high = f.char_ngram_range
        chars = [[c for c in map(cget, _char_grams(tok, low, high)) if c is not None] for tok in tokens]
        self.word_ptr = np.concatenate([self.word_ptr, self.word_ptr[-1] + np.cumsum([len(w) for w in words])])
        self.word_ids = np.concatenate([self.word_ids, np.fromiter(itertools.chain.from_iterable(words), np.int64)])
        self.char_ptr = np.concatenate([self.char_ptr, self.char_ptr[-1] + np.cumsum([len(c) for c in chars])])
        self.char_ids = np.concatenate([self.char_ids, np.fromiter(itertools.chain.from_iterable(chars), np.int32)])
        if f.dim_:
            new = f.encoder().encode(tokens).astype(np.float32, copy=False)
            filled = len(self.vectors)
            if filled + len(new) > len(self._vector_rows):
                # grow by half again at least, so that adding tokens a slice at a time does not copy the memory
                # every time; earlier snapshots keep the rows they saw (rows are only ever appended)
                # (never past the memory's limit, which clears it first)
                room = np.empty((max(filled + len(new), min(filled * 3 // 2, _CACHE_LIMIT)), f.dim_),
                                dtype=np.float32)
                room[:filled] = self.vectors
                self._vector_rows = room
            self._vector_rows[filled:filled + len(new)] = new
            self.vectors = self._vector_rows[:filled + len(new)]
        first = len(self.index)
        self.index.update(zip(tokens, range(first, first + len(tokens))))

    def char_matrix(self) -> sparse.csr_matrix:
        data = np.ones(len(self.char_ids), dtype=np.float32)
        return sparse.csr_matrix((data, self.char_ids, self.char_ptr), shape=(len(self.index), self.features.n_char_))


_MEMORIES: "OrderedDict[str, _TokenMemory]" = OrderedDict()
_MEMORIES_LOCK = threading.Lock()
_MEMORIES_KEPT = 4


def _memory_for(features: "TextFeatures") -> _TokenMemory:
    """The process-wide token memory of a fitted vocabulary (shared by copies of the same model)."""
    key = features.fingerprint_
    with _MEMORIES_LOCK:
        memory = _MEMORIES.get(key)
        if memory is None:
            memory = _TokenMemory(features)
            _MEMORIES[key] = memory
            while len(_MEMORIES) > _MEMORIES_KEPT:
                _MEMORIES.popitem(last=False)
        else:
            _MEMORIES.move_to_end(key)
    return memory


# --------------------------------------------------------------------------- features


class TextFeatures(BaseEstimator):
    """Word (1-2 gram) TF-IDF, character (2-4 gram) TF-IDF and an averaged static embedding.

    Parameters
    ----------
    embedding : {"static", "minilm"} or None, default "static"
        Encoder for the embedding block; None leaves the block out.
    min_df : int, default 2
        Passages a word, bigram or character n-gram must occur in to enter the vocabulary.
    max_word_features, max_char_features : int
        Caps on the word (unigrams and bigrams together) and character vocabularies; the most frequent are
        kept.
    char_ngram_range : tuple, default (2, 4)
    embedding_weight : float, default 1.0
        Length of the embedding block relative to the two unit-length TF-IDF blocks.

    ``transform`` returns ``(sparse, dense)``: the TF-IDF blocks as one CSR matrix and the embedding block as
    a float32 array (``(n, 0)`` without an encoder).
    """

    def __init__(self, embedding: str | None = "static", min_df: int = 2, max_word_features: int = 100_000,
                 max_char_features: int = 30_000, char_ngram_range: tuple[int, int] = (2, 4),
                 embedding_weight: float = 1.0):
        self.embedding = embedding
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.char_ngram_range = char_ngram_range
        self.embedding_weight = embedding_weight

    # ------------------------------------------------------------------ encoder

    def encoder(self):
        """The embedding encoder, loaded by name (E312 when it cannot be loaded)."""
        from evalnlp.embeddings import get_encoder

        name = getattr(self, "encoder_name_", self.embedding)
        try:
            return get_encoder(name)
        except ModelError:
            raise
        except Exception as exc:  # a broken optional install
            raise errors.error("E312", name=name, exc_type=type(exc).__name__, exc=exc) from exc

    # ------------------------------------------------------------------ fit

    def fit(self, X, y=None) -> "TextFeatures":
        """Learn the word and character vocabularies and their idf weights from ``X``."""
        texts = as_texts(X)
        n = len(texts)
        flat, ptr = _tokenise(texts)
        distinct = list(dict.fromkeys(flat))
        row_of = {t: i for i, t in enumerate(distinct)}
        rows = np.fromiter(map(row_of.__getitem__, flat), dtype=np.int64, count=len(flat))
        doc_of_token = np.repeat(np.arange(n), np.diff(ptr))
        self._fit_words(distinct, rows, doc_of_token, n)
        self._fit_chars(distinct, rows, doc_of_token, n)
        # Embedding: the encoder's name, checksum and dimension only.
        self.encoder_name_ = self.embedding
        if self.embedding is None:
            self.dim_ = 0
            self.encoder_sha256_ = None
        else:
            encoder = self.encoder()
            self.dim_ = int(encoder.dim)
            self.encoder_sha256_ = encoder.sha256
        self.n_features_out_ = self.n_word_ + self.n_char_ + self.dim_
        self.fingerprint_ = self._fingerprint()
        return self

    def _fit_words(self, distinct: list[str], rows: np.ndarray, doc_of_token: np.ndarray, n: int) -> None:
        """Unigram and bigram vocabulary by document frequency; words are indexed once, bigrams as word pairs."""
        token_words = [_WORD.findall(t) for t in distinct]
        all_words = sorted({w for ws in token_words for w in ws if len(w) <= _MAX_WORD_CHARS})
        n_all = max(len(all_words), 1)
        windex = {w: i for i, w in enumerate(all_words)}
        word_ptr = np.zeros(len(distinct) + 1, dtype=np.int64)
        np.cumsum([len(ws) for ws in token_words], out=word_ptr[1:])
        word_ids = np.fromiter((windex.get(w, -1) for ws in token_words for w in ws), np.int64, int(word_ptr[-1]))
        wflat, lengths = _ragged_gather(word_ids, word_ptr, rows)
        doc_of_word = np.repeat(doc_of_token, lengths)

        known = wflat >= 0
        uni_df = np.bincount(np.unique(doc_of_word[known] * n_all + wflat[known]) % n_all, minlength=len(all_words))
        a, b = wflat[:-1], wflat[1:]
        pair = (doc_of_word[:-1] == doc_of_word[1:]) & (a >= 0) & (b >= 0)
        keys = a[pair] * n_all + b[pair]
        doc_key = (np.unique(np.column_stack([doc_of_word[:-1][pair], keys]), axis=0) if keys.size
                   else np.zeros((0, 2), np.int64))
        bigram_keys, bigram_df = np.unique(doc_key[:, 1], return_counts=True)

        chosen = _top_by_df(np.concatenate([uni_df, bigram_df]), int(self.min_df), int(self.max_word_features))
        uni = chosen[chosen < len(all_words)]
        bi = chosen[chosen >= len(all_words)] - len(all_words)
        bi_keys = bigram_keys[bi]
        # Keep the words that are features or parts of bigram features, renumbered.
        needed = np.union1d(uni, np.union1d(bi_keys // n_all, bi_keys % n_all)).astype(np.int64)
        remap = np.full(len(all_words), -1, dtype=np.int64)
        remap[needed] = np.arange(len(needed))
        self.words_ = _joined([all_words[i] for i in needed])
        self.word_col_ = np.full(len(needed), -1, dtype=np.int32)
        self.word_col_[remap[uni]] = np.arange(len(uni), dtype=np.int32)
        new_keys = remap[bi_keys // n_all] * max(len(needed), 1) + remap[bi_keys % n_all]
        order = np.argsort(new_keys)
        self.bigram_keys_ = new_keys[order].astype(np.int64)
        self.bigram_col_ = (len(uni) + np.arange(len(bi), dtype=np.int32))[order]
        self.n_word_ = int(len(uni) + len(bi))
        self.word_idf_ = _idf(np.concatenate([uni_df[uni], bigram_df[bi]]), n)

    def _fit_chars(self, distinct: list[str], rows: np.ndarray, doc_of_token: np.ndarray, n: int) -> None:
        """Character n-gram vocabulary by document frequency (through a document x token presence matrix)."""
        low, high = self.char_ngram_range
        presence = sparse.csr_matrix((np.ones(len(rows), np.float32), (doc_of_token, rows)), shape=(n, len(distinct)))
        token_grams = [_char_grams(t, low, high) for t in distinct]
        all_grams = sorted({g for gs in token_grams for g in gs})
        gindex = {g: i for i, g in enumerate(all_grams)}
        gptr = np.zeros(len(distinct) + 1, dtype=np.int64)
        np.cumsum([len(gs) for gs in token_grams], out=gptr[1:])
        gids = np.fromiter((gindex[g] for gs in token_grams for g in gs), np.int64, int(gptr[-1]))
        grams = sparse.csr_matrix((np.ones(len(gids), np.float32), gids, gptr), shape=(len(distinct), len(all_grams)))
        doc_grams = presence @ grams  # no duplicate entries: one per (document, n-gram)
        char_df = np.bincount(doc_grams.indices, minlength=len(all_grams))
        keep = _top_by_df(char_df, int(self.min_df), int(self.max_char_features))
        self.chars_ = _joined([all_grams[i] for i in keep])
        self.n_char_ = int(len(keep))
        self.char_idf_ = _idf(char_df[keep], n)

    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        for part in (self.words_, self.chars_, str(self.encoder_name_), str(self.encoder_sha256_),
                     str(self.char_ngram_range)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        for arr in (self.word_col_, self.bigram_keys_, self.bigram_col_, self.word_idf_, self.char_idf_):
            digest.update(np.ascontiguousarray(arr).tobytes())
        return digest.hexdigest()

    # ------------------------------------------------------------------ transform

    def transform(self, X) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Features of ``X``: ``(tfidf CSR (n, n_word + n_char), embedding (n, dim))``, float32."""
        if not hasattr(self, "fingerprint_"):
            raise NotFittedError("This TextFeatures instance is not fitted yet; call fit() first.")
        texts = as_texts(X)
        n = len(texts)
        flat, ptr = _tokenise(texts)
        memory = _memory_for(self)
        rows, char_map, word_ptr, word_ids, vectors = memory.lookup(flat)
        presence = sparse.csr_matrix((np.ones(len(rows), np.float32), rows, ptr), shape=(n, char_map.shape[0]))

        chars = _tfidf(sparse.csr_matrix(presence @ char_map, dtype=np.float32), self.char_idf_)
        words = _tfidf(self._word_counts(rows, ptr, word_ptr, word_ids, n), self.word_idf_)
        tfidf = sparse.hstack([words, chars], format="csr", dtype=np.float32)
        if self.dim_:
            dense = np.asarray(presence @ vectors, dtype=np.float32)
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            np.divide(dense, norms, out=dense, where=norms > 0)
            dense *= np.float32(self.embedding_weight)
        else:
            dense = np.zeros((n, 0), dtype=np.float32)
        return tfidf, dense

    def _word_counts(self, rows: np.ndarray, ptr: np.ndarray, word_ptr: np.ndarray, word_ids: np.ndarray,
                     n: int) -> sparse.csr_matrix:
        """Unigram and bigram counts of each passage."""
        wflat, lengths = _ragged_gather(word_ids, word_ptr, rows)
        doc_of_word = np.repeat(np.repeat(np.arange(n), np.diff(ptr)), lengths)
        known = wflat >= 0
        uni_cols = self.word_col_[wflat[known]]
        uni_docs = doc_of_word[known]
        kept = uni_cols >= 0
        cols = [uni_cols[kept].astype(np.int64)]
        docs = [uni_docs[kept]]
        if len(self.bigram_keys_) and wflat.size > 1:
            a, b = wflat[:-1], wflat[1:]
            pair = (doc_of_word[:-1] == doc_of_word[1:]) & (a >= 0) & (b >= 0)
            nw = max(len(self.word_col_), 1)
            keys = a[pair] * nw + b[pair]
            at = np.searchsorted(self.bigram_keys_, keys)
            at_ok = at < len(self.bigram_keys_)
            hit = np.zeros(len(keys), dtype=bool)
            hit[at_ok] = self.bigram_keys_[at[at_ok]] == keys[at_ok]
            cols.append(self.bigram_col_[at[hit]].astype(np.int64))
            docs.append(doc_of_word[:-1][pair][hit])
        col = np.concatenate(cols)
        doc = np.concatenate(docs)
        order = np.argsort(doc, kind="stable")  # unigrams then bigrams: merge into document order
        return _count_matrix(doc[order], col[order], n, self.n_word_)

    def stacked(self, X) -> sparse.csr_matrix:
        """All blocks side by side in one CSR matrix (for fitting linear models)."""
        tfidf, dense = self.transform(X)
        return sparse.hstack([tfidf, sparse.csr_matrix(dense)], format="csr", dtype=np.float32)


# --------------------------------------------------------------------------- linear models


def _svm(C: float, class_weight: Any, random_state: Any):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=C, class_weight=class_weight, random_state=random_state, dual=True, tol=1e-3, max_iter=5000)


def _decision_single(X: sparse.csr_matrix, y: np.ndarray, k: int, C: float, class_weight: Any,
                     random_state: Any) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest SVM over the classes present in ``y`` (ints in 0..k-1); coef ``(k, F)``, intercept ``(k,)``.

    Classes absent from ``y`` get a zero row and the fallback intercept.
    """
    coef = np.zeros((k, X.shape[1]), dtype=np.float64)
    intercept = np.full(k, _FALLBACK_DECISION)
    present = np.unique(y)
    if len(present) == 1:
        intercept[present[0]] = -_FALLBACK_DECISION
        return coef, intercept
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings on tiny or separable data
        model = _svm(C, class_weight, random_state).fit(X, y)
    if len(present) == 2:
        coef[present[1]] = model.coef_[0]
        intercept[present[1]] = model.intercept_[0]
        coef[present[0]] = -model.coef_[0]
        intercept[present[0]] = -model.intercept_[0]
    else:
        coef[present] = model.coef_
        intercept[present] = model.intercept_
    return coef, intercept


def _decision_binary(X: sparse.csr_matrix, y: np.ndarray, C: float, class_weight: Any,
                     random_state: Any) -> tuple[np.ndarray, float]:
    """A binary SVM for one theme; constant decisions when ``y`` has one class only."""
    if y.min() == y.max():
        return np.zeros(X.shape[1]), (-_FALLBACK_DECISION if y[0] else _FALLBACK_DECISION)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _svm(C, class_weight, random_state).fit(X, y)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def _fit_linear(X: sparse.csr_matrix, Y: np.ndarray, multi_label: bool, C: float, class_weight: Any,
                random_state: Any) -> tuple[np.ndarray, np.ndarray]:
    """Decision-function weights ``(k, F)`` and intercepts ``(k,)`` for either kind of codebook."""
    if not multi_label:
        return _decision_single(X, Y.argmax(axis=1), Y.shape[1], C, class_weight, random_state)
    parts = [_decision_binary(X, Y[:, j], C, class_weight, random_state) for j in range(Y.shape[1])]
    return np.vstack([p[0] for p in parts]), np.array([p[1] for p in parts])


def _logistic(C: float, class_weight: Any = None):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight=class_weight, solver="newton-cholesky", max_iter=200)


class _Calibration:
    """Maps decision values (plus optional prior scores) to probabilities; plain arrays only.

    Single-label: a multinomial logistic regression over ``[decisions, prior]`` for the themes seen in
    training (others get probability 0 unless a prior is given, see :meth:`apply_single`). Multi-label: a
    logistic regression per theme over ``[own decision, own prior]``; themes without both classes keep a
    constant (the rate seen in training) or, with a prior, the prior itself.
    """

    @staticmethod
    def fit_single(D: np.ndarray, y: np.ndarray, seen: np.ndarray, prior: np.ndarray | None,
                   C: float) -> tuple[np.ndarray, np.ndarray]:
        feats = D[:, seen] if prior is None else np.hstack([D[:, seen], prior])
        local = np.searchsorted(seen, y)
        model = _logistic(C).fit(feats, local)
        if len(seen) == 2:  # binary: sklearn returns one row; expand to two symmetric rows
            coef = np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
            intercept = np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
        else:
            coef, intercept = model.coef_, model.intercept_
        return coef.astype(np.float64), intercept.astype(np.float64)

    @staticmethod
    def apply_single(D: np.ndarray, seen: np.ndarray, coef: np.ndarray, intercept: np.ndarray, k: int,
                     prior_feats: np.ndarray | None, prior_proba: np.ndarray | None) -> np.ndarray:
        feats = D[:, seen] if prior_feats is None else np.hstack([D[:, seen], prior_feats])
        out = np.zeros((len(D), k))
        out[:, seen] = softmax(feats @ coef.T + intercept)
        if prior_proba is not None and len(seen) < k:
            # Themes never seen in training get the share the prior gives them.
            unseen = np.setdiff1d(np.arange(k), seen)
            share = prior_proba / np.maximum(prior_proba.sum(axis=1, keepdims=True), 1e-12)
            rest = share[:, unseen].sum(axis=1, keepdims=True)
            out[:, seen] *= 1.0 - rest
            out[:, unseen] = share[:, unseen]
        return out

    @staticmethod
    def fit_multi(D: np.ndarray, Y: np.ndarray, prior: np.ndarray | None, C: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per theme: coefficients ``(k, f)``, intercepts ``(k,)`` and a flag for fitted (vs constant) themes."""
        k = Y.shape[1]
        f = 1 if prior is None else 2
        coef = np.zeros((k, f))
        intercept = np.zeros(k)
        fitted = np.zeros(k, dtype=bool)
        for j in range(k):
            y = Y[:, j]
            if y.min() == y.max():
                rate = (y.sum() + 0.5) / (len(y) + 1.0)
                intercept[j] = np.log(rate / (1 - rate))
                continue
            feats = D[:, [j]] if prior is None else np.column_stack([D[:, j], prior[:, j]])
            model = _logistic(C).fit(feats, y)
            coef[j] = model.coef_[0]
            intercept[j] = model.intercept_[0]
            fitted[j] = True
        return coef, intercept, fitted

    @staticmethod
    def apply_multi(D: np.ndarray, coef: np.ndarray, intercept: np.ndarray, fitted: np.ndarray,
                    prior_feats: np.ndarray | None, prior_proba: np.ndarray | None) -> np.ndarray:
        logits = D * coef[:, 0] + intercept
        if prior_feats is not None and coef.shape[1] > 1:
            logits = logits + prior_feats * coef[:, 1]
        out = sigmoid(logits)
        if prior_proba is not None:
            out[:, ~fitted] = prior_proba[:, ~fitted]
        return out


def _groups(texts: list[str]) -> np.ndarray:
    """Group id per passage: passages identical after folding case and whitespace share a group."""
    index: dict[str, int] = {}
    return np.fromiter((index.setdefault(" ".join(t.lower().split()), len(index)) for t in texts), np.int64, len(texts))


def _folds(Y: np.ndarray, groups: np.ndarray, multi_label: bool, cv: int,
           random_state: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Deterministic folds that keep identical passages together; stratified by theme when single-label."""
    from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

    n_groups = len(np.unique(groups))
    splits = max(2, min(int(cv), n_groups))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a theme rarer than the number of folds
        if not multi_label:
            y = Y.argmax(axis=1)
            splits = max(2, min(splits, int(np.bincount(y).max())))
            folds = StratifiedGroupKFold(splits, shuffle=True, random_state=random_state).split(np.zeros(len(Y)), y, groups)
        else:
            folds = GroupKFold(splits, shuffle=True, random_state=random_state).split(np.zeros(len(Y)), groups=groups)
        return [(train, test) for train, test in folds if len(train) and len(test)]


# --------------------------------------------------------------------------- the coder


class SupervisedCoder(ThemeCoder):
    """Theme coder trained from human-coded passages.

    Parameters
    ----------
    codebook : str, Path or Codebook, default "impact"
        Codebook id, YAML path or loaded codebook; gives the themes, ``multi_label`` and ``require_theme``.
    embedding : {"static", "minilm"} or None, default "static"
        Encoder for the embedding block (loaded by name, never stored in the model); None leaves it out.
    C : float, default 0.1
        Inverse regularisation strength of the linear SVMs.
    class_weight : "balanced" or None, default "balanced"
        Reweight classes inversely to their frequency (helps rare themes).
    cv : int, default 5
        Folds for the out-of-fold decisions behind the calibration, thresholds and ``cv_metrics_``.
    random_state : int, default 0
        Seed of the folds and the SVM solver.
    n_jobs : int or None, default None
        Processes used by :meth:`predict_proba` on large inputs (chunks of 20,000 passages); None or 1 for
        one process, -1 for all cores.
    min_df, max_word_features, max_char_features, embedding_weight :
        Passed to :class:`TextFeatures`.
    calibration_C : float, default 1.0
        Inverse regularisation strength of the calibration.

    Fitted attributes: ``classes_`` (theme ids), ``thresholds_``, ``multi_label_``, ``require_theme_``,
    ``features_`` (a fitted :class:`TextFeatures`), ``coef_`` ``(k, F)`` float32 and ``intercept_`` ``(k,)``
    of the decision functions, ``calib_coef_``, ``calib_intercept_``, ``calib_fitted_``, ``seen_`` (themes
    with training examples), ``cv_metrics_`` (out-of-fold report), ``n_train_``, ``positives_`` (per theme),
    ``codebook_id_``, ``codebook_sha256_``, ``codebook_ref_``, ``fingerprint_``.
    """

    _backend = "supervised"

    def __init__(self, codebook: Any = "impact", embedding: str | None = "static", C: float = 0.1,
                 class_weight: str | None = "balanced", cv: int = 5, random_state: int | None = 0,
                 n_jobs: int | None = None, min_df: int = 2, max_word_features: int = 100_000,
                 max_char_features: int = 30_000, embedding_weight: float = 1.0, calibration_C: float = 1.0):
        self.codebook = codebook
        self.embedding = embedding
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.embedding_weight = embedding_weight
        self.calibration_C = calibration_C

    # ------------------------------------------------------------------ validation

    def _validate_params(self) -> None:
        owner = type(self).__name__
        check_embedding(owner, self.embedding, allow_none=True)
        if self.class_weight not in ("balanced", None):
            raise ValueError(f"The 'class_weight' parameter of {owner} must be 'balanced' or None; "
                             f"got {self.class_weight!r} instead.")
        check_number(owner, "C", self.C, 1e-9, np.inf)
        check_number(owner, "calibration_C", self.calibration_C, 1e-9, np.inf)
        check_number(owner, "cv", self.cv, 2, np.inf, integer=True)
        check_number(owner, "min_df", self.min_df, 1, np.inf, integer=True)
        check_number(owner, "max_word_features", self.max_word_features, 1, np.inf, integer=True)
        check_number(owner, "max_char_features", self.max_char_features, 1, np.inf, integer=True)
        check_number(owner, "embedding_weight", self.embedding_weight, 0, np.inf)
        check_number(owner, "n_jobs", self.n_jobs, -np.inf, np.inf, integer=True, allow_none=True)
        if self.n_jobs == 0:
            raise ValueError(f"The 'n_jobs' parameter of {owner} must be a non-zero int or None; got 0 instead.")
        if self.random_state is not None and not isinstance(self.random_state, (int, np.integer)):
            raise ValueError(f"The 'random_state' parameter of {owner} must be an int or None; "
                             f"got {self.random_state!r} instead.")

    def _check_training_labels(self, Y: np.ndarray, multi_label: bool) -> None:
        n = len(Y)
        if n < 2:
            raise errors.error("E311", "too_few", n=n)
        if not multi_label:
            per_row = Y.sum(axis=1)
            bad = np.flatnonzero(per_row != 1)
            if bad.size and not getattr(self, "_require_theme", True) and (per_row[bad] == 0).all():
                # the codebook allows a passage no theme, but a single-label coder always gives one
                raise errors.error("E310", "train_none", size=bad.size, bad=int(bad[0]) + 1)
            if bad.size:
                raise errors.error("E310", "train", size=bad.size, per_row=int(per_row[bad[0]]), bad=int(bad[0]) + 1)
            if len(np.unique(Y.argmax(axis=1))) < 2:
                raise errors.error("E311", "one_theme")
        elif Y.sum() == 0:
            raise errors.error("E311", "no_theme")

    # ------------------------------------------------------------------ prior hook (ensemble)

    def _prior(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """Extra scores fed to the calibration: ``(features (n, k), probabilities (n, k))``; none here."""
        return None

    def _fit_prior(self, texts: list[str], Y: np.ndarray) -> None:
        """Fit whatever :meth:`_prior` needs (nothing here)."""

    def _adjust_thresholds(self, thresholds: np.ndarray) -> np.ndarray:
        """Last word on the thresholds chosen by cross-validation (unchanged here)."""
        return thresholds

    def _after_fit(self, texts: list[str], Y: np.ndarray, prior_proba: np.ndarray | None) -> None:
        """Anything to record once fitted, given the prior's probabilities on the training passages (none here)."""

    def _blend(self, proba: np.ndarray, prior_proba: np.ndarray | None) -> np.ndarray:
        """The final scores from the calibrated ones and the prior's own probabilities (the calibrated ones here;
        the thresholds, chosen on the calibrated scores, get the same treatment in :meth:`_adjust_thresholds`)."""
        return proba

    # ------------------------------------------------------------------ fit

    def fit(self, X, Y) -> "SupervisedCoder":
        """Train on passages ``X`` coded with ``Y`` (``(n, k)`` 0/1 in codebook order, or one theme per passage)."""
        from evalnlp.coding.keyword import resolve_codebook

        self._validate_params()
        cb = resolve_codebook(self.codebook)
        texts = as_texts(X)
        Y = labels_matrix(Y, len(texts), cb)
        multi = bool(cb.multi_label)
        self._require_theme = bool(cb.require_theme)  # (read by the check below only; not a fitted attribute)
        try:
            self._check_training_labels(Y, multi)
        finally:
            del self._require_theme

        self._record_codebook(cb)
        self.n_train_ = len(texts)
        self.positives_ = Y.sum(axis=0).astype(np.int64)
        k = len(self.classes_)

        self.features_ = TextFeatures(embedding=self.embedding, min_df=self.min_df,
                                      max_word_features=self.max_word_features,
                                      max_char_features=self.max_char_features,
                                      embedding_weight=self.embedding_weight).fit(texts)
        X_all = self.features_.stacked(texts)
        self._fit_prior(texts, Y)
        prior = self._prior(texts)
        prior_feats = None if prior is None else prior[0]
        prior_proba = None if prior is None else prior[1]

        # Out-of-fold decision values, then the final linear models on everything.
        groups = _groups(texts)
        folds = _folds(Y, groups, multi, self.cv, self.random_state)
        fits = self._fit_all(X_all, Y, [train for train, _ in folds] + [np.arange(len(texts))])
        oof = np.zeros((len(texts), k))
        for (_, test), (coef, intercept) in zip(folds, fits):
            oof[test] = X_all[test] @ coef.T + intercept
        coef, intercept = fits[-1]
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept.astype(np.float64)
        self.seen_ = np.flatnonzero(self.positives_ > 0) if not multi else np.arange(k)

        # Calibration on all out-of-fold decisions; an inner CV gives honest out-of-fold probabilities.
        self._fit_calibration(oof, Y, prior_feats)
        proba = np.zeros((len(texts), k))
        inner_seed = None if self.random_state is None else self.random_state + 1
        inner = _folds(Y, groups, multi, self.cv, inner_seed)
        for train, test in inner:
            proba[test] = self._calibrated_oof(oof, Y, prior_feats, prior_proba, train, test)
        nested = None
        if multi:
            self.thresholds_ = np.array([best_f1_threshold(proba[:, j], Y[:, j]) for j in range(k)])
            # a theme coded on one or two passages has no threshold worth choosing: the F1-best one on so few
            # positives can sit near 0 and give the theme to every new passage; it is decided at even odds
            rare = (self.positives_ > 0) & (self.positives_ < MIN_THEME_POSITIVES)
            self.thresholds_[rare] = np.maximum(self.thresholds_[rare], 0.5)
            # The report must not choose thresholds on the very scores it grades (on a small sample that
            # flatters it by several points): each fold is decided with thresholds chosen on the others.
            nested = nested_thresholds(proba, Y, inner, self._adjust_thresholds)
        else:
            self.thresholds_ = np.zeros(k)
        self.thresholds_ = self._adjust_thresholds(self.thresholds_)
        # graded as it will score: the final scores (see _blend) against the adjusted thresholds
        self.cv_metrics_ = self._report(Y, self._blend(proba, prior_proba), len(folds), nested)
        self.fingerprint_ = self._fingerprint()
        self._after_fit(texts, Y, prior_proba)
        return self

    def _fit_all(self, X: sparse.csr_matrix, Y: np.ndarray, rows: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Fit the linear models on each subset of rows (in ``n_jobs`` processes when asked)."""
        args = (self.multi_label_, self.C, self.class_weight, self.random_state)
        jobs = self.n_jobs or 1
        if jobs == 1:
            return [_fit_linear(X[r], Y[r], *args) for r in rows]
        from joblib import Parallel, delayed

        return Parallel(n_jobs=jobs, backend="loky", max_nbytes=None)(
            delayed(_fit_linear)(X[r], Y[r], *args) for r in rows)

    def _fit_calibration(self, D: np.ndarray, Y: np.ndarray, prior_feats: np.ndarray | None) -> None:
        C = float(self.calibration_C)
        if self.multi_label_:
            self.calib_coef_, self.calib_intercept_, self.calib_fitted_ = _Calibration.fit_multi(D, Y, prior_feats, C)
        else:
            self.calib_coef_, self.calib_intercept_ = _Calibration.fit_single(D, Y.argmax(axis=1), self.seen_,
                                                                              prior_feats, C)
            self.calib_fitted_ = np.isin(np.arange(len(self.classes_)), self.seen_)

    def _calibrated_oof(self, D, Y, prior_feats, prior_proba, train, test) -> np.ndarray:
        """Calibration fitted on ``train`` rows of the out-of-fold decisions, applied to ``test`` rows."""
        C = float(self.calibration_C)
        pf_train = None if prior_feats is None else prior_feats[train]
        pf_test = None if prior_feats is None else prior_feats[test]
        pp_test = None if prior_proba is None else prior_proba[test]
        if self.multi_label_:
            coef, intercept, fitted = _Calibration.fit_multi(D[train], Y[train], pf_train, C)
            return _Calibration.apply_multi(D[test], coef, intercept, fitted, pf_test, pp_test)
        y = Y[train].argmax(axis=1)
        seen = np.unique(y)
        if len(seen) < 2:
            out = np.zeros((len(test), Y.shape[1]))
            out[:, seen] = 1.0
            return out
        coef, intercept = _Calibration.fit_single(D[train], y, seen, pf_train, C)
        return _Calibration.apply_single(D[test], seen, coef, intercept, Y.shape[1], pf_test, pp_test)

    def _report(self, Y: np.ndarray, proba: np.ndarray, folds: int,
                thresholds: np.ndarray | None = None) -> dict[str, Any]:
        """Out-of-fold report (plain Python types only, so it can be stored and written to a card).

        ``thresholds``, ``(n, k)``, gives each passage's thresholds (chosen without it); else the fitted ones."""
        from evalnlp.coding.base import decide
        from evalnlp.evaluation import multiclass_report, multilabel_report

        if thresholds is None:
            predicted = decide(proba, self.thresholds_, multi_label=self.multi_label_,
                               require_theme=self.require_theme_)
        else:
            predicted = (proba >= thresholds).astype(np.int8)
            if self.require_theme_:
                empty = np.flatnonzero(predicted.sum(axis=1) == 0)
                predicted[empty, proba[empty].argmax(axis=1)] = 1
        if self.multi_label_:
            report = multilabel_report(Y, predicted, self.classes_)
        else:
            truth = [self.classes_[i] for i in Y.argmax(axis=1)]
            pred = [self.classes_[i] for i in proba.argmax(axis=1)]
            report = multiclass_report(truth, pred, self.classes_)
            report.pop("confusion_matrix", None)
        report["folds"] = int(folds)
        report["method"] = ("out-of-fold predictions, calibration cross-validated inside"
                            + ("; each fold's thresholds chosen on the other folds" if thresholds is not None else ""))
        return _plain(report)

    def _fingerprint(self) -> str:
        digest = hashlib.sha256(self.features_.fingerprint_.encode())
        for arr in (self.coef_, self.intercept_, self.calib_coef_, self.calib_intercept_, self.thresholds_):
            digest.update(np.ascontiguousarray(arr).tobytes())
        digest.update(self.codebook_sha256_.encode())
        return digest.hexdigest()

    # ------------------------------------------------------------------ predict

    def _check_fitted(self) -> None:
        if not hasattr(self, "fingerprint_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(texts, Y) first, "
                                 "or load a trained model with evalnlp.coding.persist.load_model().")

    def decision_function(self, X) -> np.ndarray:
        """Raw decision values of the linear models, ``(n, k)``."""
        self._check_fitted()
        tfidf, dense = self.features_.transform(as_texts(X))
        split = tfidf.shape[1]
        out = np.asarray(tfidf @ self.coef_[:, :split].T, dtype=np.float64)
        if dense.shape[1]:
            out += dense @ self.coef_[:, split:].T
        return out + self.intercept_

    def _proba_chunk(self, texts: list[str]) -> np.ndarray:
        D = self.decision_function(texts)
        prior = self._prior(texts)
        pf = None if prior is None else prior[0]
        pp = None if prior is None else prior[1]
        if self.multi_label_:
            return self._blend(_Calibration.apply_multi(D, self.calib_coef_, self.calib_intercept_,
                                                        self.calib_fitted_, pf, pp), pp)
        return self._blend(_Calibration.apply_single(D, self.seen_, self.calib_coef_, self.calib_intercept_,
                                                     len(self.classes_), pf, pp), pp)

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated scores in [0, 1], ``(n, k)``, themes in codebook order (rows sum to 1 when single-label)."""
        self._check_fitted()
        texts = as_texts(X)
        k = len(self.classes_)
        if not texts:
            return np.zeros((0, k))
        chunks = [texts[i:i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
        jobs = self.n_jobs or 1
        if jobs == 1 or len(chunks) < 2:
            return np.vstack([self._proba_chunk(c) for c in chunks])
        from joblib import Parallel, delayed

        parts = Parallel(n_jobs=jobs, backend="loky", max_nbytes=None)(
            delayed(_proba_of_chunk)(self, c) for c in chunks)
        return np.vstack(parts)

    # ------------------------------------------------------------------ identity

    def coder_id(self) -> str:
        """``model:NAME@SHA12`` once saved or loaded (model file sha256), else ``model:supervised@FINGERPRINT12``."""
        return trained_coder_id(self)


def _proba_of_chunk(coder: SupervisedCoder, texts: list[str]) -> np.ndarray:
    """Worker entry point for parallel prediction."""
    return coder._proba_chunk(texts)


def _plain(value: Any) -> Any:
    """Convert numpy scalars and containers to plain Python types (None stays None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value
