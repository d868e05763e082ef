"""What every theme coder shares: the scikit-learn estimator contract and the decision rule.

A coder is a scikit-learn estimator over texts:

- ``fit(texts, Y=None)`` with ``Y`` an ``(n, k)`` 0/1 array in the codebook's theme order (coders that need
  no labels accept ``Y=None``); fitted attributes end in ``_``; ``__init__`` only stores parameters;
- ``predict_proba(texts)`` returns an ``(n, k)`` array of calibrated scores in [0, 1], one column per theme;
- ``predict(texts)`` applies :func:`decide` to those scores.

``classes_`` holds the theme ids, ``thresholds_`` one threshold per theme.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from evalnlp.util import as_texts  # noqa: F401  (the coders' way in; defined with the other shared helpers)
from evalnlp.util import coder_id

DEFAULT_THRESHOLD = 0.5


def decide(scores: np.ndarray, thresholds: np.ndarray | float = DEFAULT_THRESHOLD, *, multi_label: bool = True,
           require_theme: bool = False) -> np.ndarray:
    """Turn scores into 0/1 theme assignments.

    Multi-label: every theme whose score reaches its threshold. Single-label: the top theme only, when it
    reaches its threshold. With ``require_theme`` a passage with no theme gets its top-scoring one.
    """
    scores = np.asarray(scores, dtype=float)
    n, k = scores.shape
    out = np.zeros((n, k), dtype=np.int8)
    if n == 0 or k == 0:
        return out
    thr = np.broadcast_to(np.asarray(thresholds, dtype=float), (k,))
    top = scores.argmax(axis=1)
    if multi_label:
        out[:] = scores >= thr
    else:
        hit = scores[np.arange(n), top] >= thr[top]
        out[np.arange(n)[hit], top[hit]] = 1
    if require_theme:
        empty = out.sum(axis=1) == 0
        out[np.arange(n)[empty], top[empty]] = 1
    return out


def check_embedding(owner: str, embedding, *, allow_none: bool = False) -> None:
    """ValueError unless ``embedding`` names an embedding encoder (or is None, where ``allow_none``): the
    ``embedding`` parameter of the coders that embed their texts."""
    from evalnlp.embeddings import ENCODER_NAMES

    if embedding is None and allow_none:
        return
    if embedding not in ENCODER_NAMES:
        raise ValueError(f"The 'embedding' parameter of {owner} must be one of {ENCODER_NAMES}"
                         f"{' or None' if allow_none else ''}; got {embedding!r} instead.")


def check_number(owner: str, name: str, value: Any, low: float, high: float, *, integer: bool = False,
                 allow_none: bool = False) -> None:
    """ValueError unless the parameter ``name`` of ``owner`` is a number (an int where ``integer``) in
    [low, high] (or None, where ``allow_none``), as scikit-learn validates parameters."""
    if value is None and allow_none:
        return
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= float(value) <= high:
        kind = "an int" if integer else "a number"
        raise ValueError(f"The '{name}' parameter of {owner} must be {kind} in [{low:g}, {high:g}]"
                         f"{' or None' if allow_none else ''}; got {value!r} instead.")


def coders_within(coder: Any):
    """``coder`` and every coder inside it (an ensemble's prior, a fitted attribute ending in ``_`` that is an
    estimator), each once, depth first."""
    seen: set[int] = set()
    todo = [coder]
    while todo:
        obj = todo.pop()
        if obj is None or id(obj) in seen:
            continue
        seen.add(id(obj))
        yield obj
        if hasattr(obj, "__dict__"):
            todo += [v for k, v in vars(obj).items() if k.endswith("_") and hasattr(v, "get_params")]


def trained_coder_id(model: Any) -> str:
    """The identity recorded with a trained model's codes: ``model:NAME@SHA12`` once saved or loaded (the
    model file's sha256; ``+matchingN`` after it when the model matches keywords, see
    :func:`evalnlp.coding.keyword.saved_coder_id`), else ``model:BACKEND@FINGERPRINT12`` from its ``_backend`` and ``fingerprint_``."""
    name = getattr(model, "model_name_", None)
    sha = getattr(model, "model_sha256_", None)
    if name and sha:
        from evalnlp.coding.keyword import saved_coder_id

        return saved_coder_id(name, sha, model)
    return coder_id(model._backend, getattr(model, "fingerprint_", "") or None)


def check_labels(Y, n: int, k: int) -> np.ndarray:
    """Validate a 0/1 label matrix of shape (n, k), as scikit-learn validates parameters."""
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape != (n, k):
        raise ValueError(f"The 'Y' parameter must be a 0/1 array of shape ({n}, {k}); got shape {Y.shape} instead.")
    if not np.isin(Y, (0, 1)).all():
        raise ValueError("The 'Y' parameter must hold only 0 and 1; got other values instead.")
    return Y.astype(np.int8)


class ThemeCoder(BaseEstimator):
    """Base class: subclasses implement ``fit`` and ``predict_proba``; ``predict`` is shared."""

    # Subclasses set these from their codebook during fit.
    classes_: list[str]
    thresholds_: np.ndarray
    multi_label_: bool = True
    require_theme_: bool = False

    def _record_codebook(self, cb: Any) -> None:
        """Set the fitted attributes every coder takes from its codebook ``cb``: ``classes_``, ``multi_label_``,
        ``require_theme_``, ``codebook_id_``, ``codebook_sha256_`` and ``codebook_ref_`` (how ``codebook`` was
        given: a shipped id or a file)."""
        from evalnlp.coding.keyword import codebook_ref

        self.classes_ = cb.theme_ids
        self.multi_label_ = bool(cb.multi_label)
        self.require_theme_ = bool(cb.require_theme)
        self.codebook_id_ = cb.id
        self.codebook_sha256_ = cb.sha256
        self.codebook_ref_ = codebook_ref(self.codebook)

    def predict(self, X) -> np.ndarray:
        return decide(self.predict_proba(X), self.thresholds_, multi_label=self.multi_label_,
                      require_theme=self.require_theme_)

    def coder_id(self) -> str:
        """``model:NAME@SHA`` identity recorded with codes; subclasses refine it."""
        return coder_id(type(self).__name__.lower())

