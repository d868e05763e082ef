"""Theme coders (keyword, zero-shot, supervised, ensemble) and sentiment, all scikit-learn estimators.

:func:`make_coder` builds a coder by backend name; :func:`default_coder` picks what ``classify`` uses when no
model is given: the shipped trained model of a codebook when there is one (``fft``), else zero-shot.
"""

from __future__ import annotations

from typing import Any

#: backend name -> (module, class)
BACKENDS: dict[str, tuple[str, str]] = {
    "keyword": ("evalnlp.coding.keyword", "KeywordCoder"),
    "zeroshot": ("evalnlp.coding.zeroshot", "ZeroShotCoder"),
    "supervised": ("evalnlp.coding.supervised", "SupervisedCoder"),
    "ensemble": ("evalnlp.coding.ensemble", "EnsembleCoder"),
}

#: codebook id -> shipped trained theme model
SHIPPED_THEME_MODELS = {"fft": "fft-themes"}

#: below this many labelled passages, ``train --backend auto`` picks the ensemble (zero-shot prior)
SMALL_SAMPLE = 2000


def backend_class(name: str):
    from importlib import import_module

    from evalnlp.errors import ModelError

    if name not in BACKENDS:
        raise ModelError("E313", f"unknown backend {name!r}; expected one of {', '.join(BACKENDS)} (or auto)")
    module, cls = BACKENDS[name]
    return getattr(import_module(module), cls)


def make_coder(backend: str, codebook: Any, **params: Any):
    """A new, unfitted coder of ``backend`` for ``codebook``."""
    return backend_class(backend)(codebook=codebook, **params)


def choose_backend(backend: str, n_labelled: int) -> str:
    """``auto``: the ensemble for small samples, the supervised model otherwise."""
    if backend == "auto":
        return "ensemble" if n_labelled < SMALL_SAMPLE else "supervised"
    backend_class(backend)  # validates the name
    return backend


def default_coder(codebook) -> tuple[Any, dict | None]:
    """The coder ``classify`` uses for ``codebook`` when no model is given, with its card (or None)."""
    shipped = SHIPPED_THEME_MODELS.get(codebook.id)
    if shipped:
        from evalnlp.coding.persist import load_model, resolve_model

        coder, card = load_model(resolve_model(shipped), codebook=codebook)
        return coder, card
    from evalnlp.coding.zeroshot import ZeroShotCoder

    return ZeroShotCoder(codebook=codebook).fit(), None
