"""Theme coders (keyword, zero-shot, supervised, ensemble, fine-tuned transformer) and sentiment, all scikit-learn estimators.

:func:`make_coder` builds a coder by backend name; :func:`default_coder` picks what ``classify`` uses when no
model is given: the shipped trained model of a codebook when there is one (``impact``, ``fft``), else zero-shot.
:func:`untrained_coder` builds the coders that need no training data (``--model zeroshot`` / ``keyword``).
"""

from __future__ import annotations

from typing import Any

from evalnlp import errors

#: backend name -> (module, class)
BACKENDS: dict[str, tuple[str, str]] = {
    "keyword": ("evalnlp.coding.keyword", "KeywordCoder"),
    "zeroshot": ("evalnlp.coding.zeroshot", "ZeroShotCoder"),
    "supervised": ("evalnlp.coding.supervised", "SupervisedCoder"),
    "ensemble": ("evalnlp.coding.ensemble", "EnsembleCoder"),
    "finetune": ("evalnlp.coding.finetune", "FinetunedCoder"),
}

#: codebook id -> shipped trained theme model
SHIPPED_THEME_MODELS = {"fft": "fft-themes", "impact": "impact-themes"}

#: backends usable with no training (``classify --model zeroshot``)
UNTRAINED = ("zeroshot", "keyword")

#: below this many labelled passages, ``train --backend auto`` picks the ensemble (zero-shot prior)
SMALL_SAMPLE = 2000


def backend_class(name: str):
    from importlib import import_module

    if name not in BACKENDS:
        raise errors.error("E313", name=name, backends=', '.join(BACKENDS))
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


def shipped_model_for(codebook) -> str | None:
    """The shipped model of ``codebook``, if there is one and it was trained on this very codebook file."""
    shipped = SHIPPED_THEME_MODELS.get(codebook.id)
    if not shipped:
        return None
    from evalnlp.codebook import load_codebook

    return shipped if load_codebook(codebook.id).sha256 == codebook.sha256 else None


def default_prior(codebook) -> str:
    """The prior of a small-sample ensemble: the codebook's shipped model, else zero-shot."""
    return shipped_model_for(codebook) or "zeroshot"


def untrained_coder(name: str, codebook):
    """A fitted coder that needs no training data: ``zeroshot`` or ``keyword``."""
    return make_coder(name, codebook).fit()


def default_coder(codebook) -> tuple[Any, dict | None]:
    """The coder ``classify`` uses for ``codebook`` when no model is given, with its card (or None)."""
    shipped = shipped_model_for(codebook)
    if shipped:
        from evalnlp.coding.persist import load_model, resolve_model

        coder, card = load_model(resolve_model(shipped), codebook=codebook)
        return coder, card
    from evalnlp.coding.zeroshot import ZeroShotCoder

    return ZeroShotCoder(codebook=codebook).fit(), None


def load_coder(codebook: Any = None, model: Any = None):
    """(coder, codebook, card) as ``classify --codebook CODEBOOK --model MODEL`` resolves them: an untrained
    coder by name, a saved model (its codebook from the card unless given), or the codebook's default coder
    (``impact`` when neither is given). ``card`` is None for coders that have none."""
    from evalnlp.codebook import load_codebook

    if model is not None and str(model) in UNTRAINED:
        cb = load_codebook(codebook if codebook is not None else "impact")
        return untrained_coder(str(model), cb), cb, None
    if model is not None:
        from evalnlp.coding.persist import load_model, resolve_model

        cb = load_codebook(codebook) if codebook is not None else None
        folder = resolve_model(model)
        coder, card = load_model(folder, codebook=cb)
        if cb is None:
            ref = card.get("codebook_ref") or card["codebook_id"]
            try:
                cb = load_codebook(ref)
            except errors.CodebookError as exc:
                if exc.code != "E201":
                    raise
                # the model names its codebook by the path it was trained with, and that file is gone
                raise errors.error("E201", "model", model=str(folder), cb_id=card.get("codebook_id"),
                                   sha256=str(card.get("codebook_sha256"))[:12], ref=str(ref)) from None
        if cb.sha256 == card.get("codebook_sha256"):
            attach_codebook(coder, cb)
        return coder, cb, card
    cb = load_codebook(codebook if codebook is not None else "impact")
    coder, card = default_coder(cb)
    return coder, cb, card


def attach_codebook(coder: Any, cb: Any) -> None:
    """Give a loaded coder, and the coders inside it (an ensemble's prior), the codebook itself where they name
    it by the id or path they were trained with: a coder that reads the codebook again when it codes (the
    zero-shot prior's keywords) then needs no file at that path, so a model trained in one folder codes from
    any other. ``cb`` must be the codebook the model was trained on (the caller checks its sha256)."""
    from pathlib import Path

    from evalnlp.coding.base import coders_within

    for obj in coders_within(coder):
        if isinstance(getattr(obj, "codebook", None), (str, Path)):
            obj.codebook = cb


def loaded_coder_id(coder: Any, card: dict | None) -> str:
    """The id a store records for a coder loaded by :func:`load_coder`: a saved model's name and sha256 (and the
    version of the keyword matching rules when it matches keywords), else the coder's own id."""
    from evalnlp.coding.keyword import saved_coder_id

    if card and card.get("model_sha256"):
        name = card.get("name") or card.get("backend") or type(coder).__name__.lower()
        return saved_coder_id(name, card["model_sha256"], coder)
    return coder.coder_id()
