"""Saving and loading trained coders: skops files with a JSON card, never pickle.

A saved model is a directory holding

- ``model.skops``: the fitted coder, written with :func:`skops.io.dump`;
- ``card.json``: what the model is and how far to trust it: codebook id and sha256, training data sha256,
  cross-validated metrics, backend, parameters, thresholds, package versions, creation date, and the sha256
  of ``model.skops``.

:func:`load_model` checks, before anything is deserialised, that the card exists and is valid, that the model
file's sha256 matches the card (so a swapped or edited file is refused), that the model was trained on the
codebook asked for (when one is given), that the file is a skops archive and not a pickle or joblib file, and
that every type named in it is on an explicit allowlist (numpy, scipy and scikit-learn types the coders use,
and evalnlp's own coder classes). Anything else is refused with a numbered :class:`~evalnlp.errors.ModelError`.

Error codes: E320 model not found, E321 pickle or joblib file, E322 card missing, E323 card unreadable,
E324 model file does not match its card, E325 trained on another codebook, E326 untrusted types, E327 not
an evalnlp coder, E328 skops file unreadable, E329 coder cannot be saved, E330 unknown shipped model name.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from evalnlp import errors
from evalnlp.util import bytes_sha256, coder_id, file_sha256, package_versions, path_kind, write_atomic_together

__all__ = [
    "CARD_FILE",
    "read_card",
    "MODEL_FILE",
    "SHIPPED_MODELS",
    "TRUSTED_TYPES",
    "card_coder_id",
    "file_sha256",
    "load_model",
    "resolve_model",
    "save_model",
]

MODEL_FILE = "model.skops"
CARD_FILE = "card.json"
CARD_VERSION = 1

#: Model names that resolve to directories shipped inside the package (``evalnlp/models/NAME``).
SHIPPED_MODELS: tuple[str, ...] = ("fft-themes", "impact-themes", "sentiment", "fft-themes-accurate",
                                   "impact-themes-accurate", "sentiment-accurate")

#: Types a model file may contain beyond skops' own defaults (primitives, builtin containers and the
#: scikit-learn estimators it trusts out of the box). Anything outside this list and skops' defaults is
#: refused. Functions, methods and classes from other packages are never on it.
TRUSTED_TYPES: frozenset[str] = frozenset({
    # evalnlp's coders and their parts
    "evalnlp.coding.supervised.SupervisedCoder",
    "evalnlp.coding.supervised.TextFeatures",
    "evalnlp.coding.ensemble.EnsembleCoder",
    "evalnlp.coding.finetune.FinetunedCoder",
    "evalnlp.coding.finetune.FinetunedSentiment",
    "evalnlp.coding.zeroshot.ZeroShotCoder",
    "evalnlp.coding.keyword.KeywordCoder",
    "evalnlp.coding.sentiment.SentimentModel",
    # numpy
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.bool_",
    "numpy.int8",
    "numpy.int16",
    "numpy.int32",
    "numpy.int64",
    "numpy.uint8",
    "numpy.float16",
    "numpy.float32",
    "numpy.float64",
    "numpy.str_",
    "numpy.random.mtrand.RandomState",
    "numpy.random._generator.Generator",
    # scipy sparse matrices
    "scipy.sparse._csr.csr_matrix",
    "scipy.sparse._csr.csr_array",
    "scipy.sparse._csc.csc_matrix",
    "scipy.sparse._csc.csc_array",
    # scikit-learn parts that skops does not trust by default
    "sklearn.utils._bunch.Bunch",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.CountVectorizer",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
})

#: Classes :func:`save_model` writes and :func:`load_model` returns (theme coders and the sentiment model).
_MODEL_CLASSES: tuple[tuple[str, str], ...] = (("evalnlp.coding.base", "ThemeCoder"),
                                               ("evalnlp.coding.sentiment", "SentimentModel"),
                                               ("evalnlp.coding.finetune", "FinetunedSentiment"))

_PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".jbl", ".sav", ".p")
#: The command that trains models evalnlp loads, as the messages about a refused model name it.
_TRAIN = errors.Call("train")
_TRAIN_OUT = errors.Call("train", "out")
_ZIP_MAGIC = b"PK\x03\x04"


# --------------------------------------------------------------------------- small helpers


def _looks_like_pickle(head: bytes) -> bool:
    """Pickle protocol 2+ starts with 0x80; joblib's compressed dumps start with a zlib/gzip/xz/lz4 magic."""
    return head[:1] == b"\x80" or head[:2] in (b"x\x9c", b"x\xda", b"x\x01", b"\x1f\x8b") or head[:6] == b"\xfd7zXZ\x00"


#: Array-library adapters inside scikit-learn that import their library (torch, cupy, dask) when imported.
_ADAPTERS = tuple(f"sklearn.externals.array_api_compat.{name}" for name in ("torch", "cupy", "dask", "dask.array"))


def _skops_io():
    """``skops.io``, imported without importing torch.

    On import skops lists scikit-learn's estimators (``sklearn.utils.all_estimators``), which walks every
    scikit-learn package, including the array-library adapters under ``sklearn.externals``; the torch adapter
    imports torch when it is installed, which costs seconds and a few hundred MB in every process that loads
    a model. Those adapters hold no estimators (the walk skips ``externals``), so they are hidden while skops
    is imported: the walk passes over them, and the list of trusted types is the same.
    """
    import sys

    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    hidden = [name for name in _ADAPTERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  (an import of it raises ImportError)
    try:
        import skops.io
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return skops.io


def _canonical_skops(data: bytes) -> bytes:
    """Rewrite a skops archive so the same model always gives the same bytes.

    skops names array files and memo ids after ``id(obj)`` (memory addresses) and stamps zip entries with the
    current time; both are replaced by sequence numbers and a fixed date, preserving every reference.
    """
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        schema = json.loads(source.read("schema.json"))
        files = {name: source.read(name) for name in source.namelist() if name != "schema.json"}
    ids: dict[int, int] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("__id__"), int):
                node["__id__"] = ids.setdefault(node["__id__"], len(ids))
            name = node.get("file")
            if isinstance(name, str) and name in files:
                stem, dot, ext = name.partition(".")
                if stem.isdigit():
                    node["file"] = f"{ids.setdefault(int(stem), len(ids))}{dot}{ext}"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    renamed: dict[str, bytes] = {}
    for name, content in files.items():
        stem, dot, ext = name.partition(".")
        renamed[f"{ids[int(stem)]}{dot}{ext}" if stem.isdigit() and int(stem) in ids else name] = content
    renamed["schema.json"] = json.dumps(schema, indent=2).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(renamed):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, renamed[name], compresslevel=9)
    return out.getvalue()


def _persistable_codebook(value: Any) -> Any:
    """A codebook parameter as a string: the shipped id when it is the shipped file, else its path."""
    from evalnlp.codebook import SHIPPED, Codebook, load_codebook

    if not isinstance(value, Codebook):
        return str(value) if isinstance(value, os.PathLike) else value
    if value.id in SHIPPED and load_codebook(value.id).sha256 == value.sha256:
        return value.id
    return str(value.path)


def _storable(coder: Any) -> Any:
    """A shallow copy of ``coder`` whose codebook parameters (its own and nested coders') are strings."""
    out = copy.copy(coder)
    if hasattr(out, "codebook"):
        out.codebook = _persistable_codebook(out.codebook)
    nested = getattr(out, "zeroshot_", None)
    if nested is not None and hasattr(nested, "codebook"):
        nested = copy.copy(nested)
        nested.codebook = _persistable_codebook(nested.codebook)
        out.zeroshot_ = nested
    for attr in ("model_name_", "model_sha256_"):
        out.__dict__.pop(attr, None)
    return out


def _params(coder: Any) -> dict[str, Any]:
    """JSON-safe parameters of a coder."""
    out: dict[str, Any] = {}
    for key, value in coder.get_params(deep=False).items():
        if key == "codebook":
            value = _persistable_codebook(value)
        out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
    return out


def _is_model(obj: Any) -> bool:
    """True for an evalnlp theme coder or sentiment model."""
    from importlib import import_module

    for module, name in _MODEL_CLASSES:
        try:
            cls = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
        if isinstance(obj, cls):
            return True
    return False


def card_coder_id(card: dict[str, Any]) -> str:
    """``model:NAME@SHA12`` of a saved model, from its card (without the ``+matchingN`` a model that matches
    keywords adds to the id of its codes: that needs the model, see :func:`evalnlp.coding.loaded_coder_id`)."""
    return coder_id(card.get("name", "model"), str(card.get("model_sha256", "")) or None)


# --------------------------------------------------------------------------- save


def save_model(coder: Any, out_dir: str | Path, *, card: dict[str, Any] | None = None) -> Path:
    """Save a fitted coder to ``out_dir`` as ``model.skops`` plus ``card.json``; return the directory.

    ``card`` adds or overrides card fields, typically ``name``, ``training_data`` (``{"sha256", "n",
    "source"}``), ``metrics`` (e.g. held-out test figures), ``description`` and ``created`` (an ISO date; the
    current UTC time by default). The computed fields ``model_file``, ``model_sha256``, ``backend`` and
    ``codebook`` always describe the saved file. Both files are written in full under temporary names before
    either is renamed into place, so a save that fails (E162 ``write_failed_model``: a full disk, a file-size
    limit) leaves ``out_dir`` as it was: the earlier model and card, or no folder when it did not exist.
    """
    import numpy as np
    sio = _skops_io()

    if not _is_model(coder):
        raise errors.error("E329", "not_model", type_name=type(coder).__name__)
    if not hasattr(coder, "classes_"):
        raise errors.error("E329", "not_fitted", type_name=type(coder).__name__)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise errors.error("E329", "file", out=out)
    fields = dict(card or {})

    payload = _canonical_skops(sio.dumps(_storable(coder)))
    model_sha = bytes_sha256(payload)

    backend = getattr(coder, "_backend", type(coder).__name__.lower())
    classes = [str(c) for c in coder.classes_]
    thresholds = getattr(coder, "thresholds_", None)
    features = getattr(coder, "features_", None)
    codebook_ref = _persistable_codebook(coder.codebook) if hasattr(coder, "codebook") else None
    doc: dict[str, Any] = {
        "card_version": CARD_VERSION,
        "name": fields.pop("name", out.name),
        "backend": backend,
        "coder_class": f"{type(coder).__module__}.{type(coder).__name__}",
        "codebook": {"id": getattr(coder, "codebook_id_", None), "sha256": getattr(coder, "codebook_sha256_", None),
                     "ref": codebook_ref},
        "codebook_id": getattr(coder, "codebook_id_", None),
        "codebook_sha256": getattr(coder, "codebook_sha256_", None),
        "codebook_ref": codebook_ref,
        "themes": classes,
        "multi_label": bool(getattr(coder, "multi_label_", True)),
        "require_theme": bool(getattr(coder, "require_theme_", False)),
        "thresholds": None if thresholds is None else
        {t: float(v) for t, v in zip(classes, np.asarray(thresholds, dtype=float))},
        "params": _params(coder),
        "embedding": None if features is None or features.encoder_name_ is None else
        {"name": features.encoder_name_, "sha256": features.encoder_sha256_},
        "training_data": fields.pop("training_data", {"sha256": None, "n": getattr(coder, "n_train_", None)}),
        "cv_metrics": getattr(coder, "cv_metrics_", None),
        "versions": package_versions(),
        "created": fields.pop("created", _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()),
    }
    doc.update(fields)
    doc["model_file"] = MODEL_FILE
    doc["model_sha256"] = model_sha
    card_bytes = (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:  # the model and its card together or not at all: a model without its card is of no use, and is refused
        write_atomic_together({out / MODEL_FILE: payload, out / CARD_FILE: card_bytes})
    except errors.EvalnlpError as exc:
        if created:
            _remove_empty(out)
        if exc.code == "E162" and exc.template == errors.template("E162", "write_failed"):
            raise errors.error("E162", "write_failed_model", folder=str(out), path=exc.fields["path"],
                               reason=exc.fields["reason"]) from exc
        raise
    except BaseException:
        if created:
            _remove_empty(out)
        raise
    coder.model_name_ = doc["name"]
    coder.model_sha256_ = model_sha
    return out


def _remove_empty(folder: Path) -> None:
    """Remove ``folder``, which a failed save created, unless something else was put in it meanwhile."""
    try:
        folder.rmdir()
    except OSError:
        pass


# --------------------------------------------------------------------------- load


def resolve_model(name_or_dir: str | Path) -> Path:
    """A shipped model name (``fft-themes``, ``sentiment``) -> its directory inside the package; a path -> itself.
    A name is only the text: a :class:`~pathlib.Path`, or text written as a path (``./fft-themes``), is a folder.

    Raises E330 for a name that is neither shipped nor an existing path.
    """
    text = str(name_or_dir)
    if text in SHIPPED_MODELS and not isinstance(name_or_dir, Path):  # "./fft-themes" is a folder, not the name
        shipped = resources.files("evalnlp") / "models" / text
        return Path(str(shipped))
    path = Path(name_or_dir).expanduser()
    if path.exists():
        return path
    raise errors.error("E330", name=text, shipped_models=', '.join(SHIPPED_MODELS),
                       train=errors.Call("train", "out=DIR"))


def read_card(name_or_dir: str | Path) -> dict[str, Any]:
    """The card of a saved model (a shipped name, a folder or a model file) without loading the model: E330 for
    no such model, E322/E323 for a missing or unreadable card."""
    path = resolve_model(name_or_dir)
    folder = path if path.is_dir() else path.parent
    return _read_card(folder / CARD_FILE, path if path.is_file() else folder / MODEL_FILE)


def _locate(path: Path) -> tuple[Path, Path]:
    """(model file, card file) for a model directory or a model file; refuses pickles and missing files."""
    if path.is_file():
        model_file, folder = path, path.parent
    elif path.is_dir():
        model_file, folder = path / MODEL_FILE, path
        if not model_file.is_file():
            pickles = sorted(p.name for p in path.iterdir() if p.suffix.lower() in _PICKLE_SUFFIXES)
            if pickles:
                raise errors.error("E321", "pickles_only", path=path, pickles=', '.join(pickles), model_file=MODEL_FILE,
                                   train=_TRAIN)
            raise errors.error("E320", "no_model", path=path, model_file=MODEL_FILE, card_file=CARD_FILE,
                               train=_TRAIN_OUT)
    elif path.exists():  # /dev/null, a named pipe
        raise errors.error("E320", "not_a_file", path=path, kind=path_kind(path), train=_TRAIN_OUT)
    else:
        raise errors.error("E320", "missing", path=path, train=_TRAIN_OUT)
    with model_file.open("rb") as handle:
        head = handle.read(8)
    if model_file.suffix.lower() in _PICKLE_SUFFIXES or _looks_like_pickle(head):
        raise errors.error("E321", "pickle", model_file=model_file, train=_TRAIN)
    if head[:4] != _ZIP_MAGIC:
        raise errors.error("E328", "not_skops", model_file=model_file, head=head[:4], train=_TRAIN)
    return model_file, folder / CARD_FILE


def _read_card(card_file: Path, model_file: Path) -> dict[str, Any]:
    if not card_file.is_file():
        raise errors.error("E322", card_file=card_file, model_file_name=model_file.name)
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.error("E323", "unreadable", card_file=card_file, exc_type=type(exc).__name__, exc=exc) from exc
    if not isinstance(card, dict) or not isinstance(card.get("model_sha256"), str):
        raise errors.error("E323", "invalid", card_file=card_file)
    return card


def _check_codebook(card: dict[str, Any], codebook: Any, card_file: Path) -> None:
    from evalnlp.coding.keyword import resolve_codebook

    cb = resolve_codebook(codebook)
    nested = card.get("codebook") if isinstance(card.get("codebook"), dict) else {}
    trained_sha = nested.get("sha256") or card.get("codebook_sha256")
    trained_id = nested.get("id") or card.get("codebook_id")
    if trained_sha != cb.sha256:
        raise errors.error("E325", parent=card_file.parent, trained_id=trained_id, trained_sha=str(trained_sha)[:12],
                           cb_id=cb.id, sha256=cb.sha256[:12])


_TRUSTED_LIST = sorted(TRUSTED_TYPES)


def _check_types(model_file: Path) -> list[str]:
    """The untrusted (by skops' defaults) types in the file, all of which must be on the allowlist (E326)."""
    sio = _skops_io()

    try:
        untrusted = sio.get_untrusted_types(file=model_file)
    except Exception as exc:  # a damaged archive or schema
        raise errors.error("E328", "unreadable", model_file=model_file, exc_type=type(exc).__name__, exc=exc) from exc
    refused = sorted(set(untrusted) - TRUSTED_TYPES)
    if refused:
        raise errors.error("E326", model_file=model_file, refused=', '.join(refused[:8]),
                           detail=' ...' if len(refused) > 8 else '', train=_TRAIN)
    return sorted(untrusted)


class _Loaded:
    """The last few models this process read, by the sha256 of their file, as read: a model is read once per
    process however often it is loaded (the shipped sentiment model's vocabulary takes skops most of a second
    to check and build, node by node; a copy takes a few hundredths). A file is hashed and compared with its
    card at every load, so only the very same bytes, already checked, come from here."""

    def __init__(self, size: int) -> None:
        import threading

        self.size = size
        self.models: dict[str, Any] = {}
        self.lock = threading.Lock()

    def get(self, sha256: str) -> Any:
        with self.lock:
            model = self.models.pop(sha256, None)
            if model is not None:
                self.models[sha256] = model  # the most recent last
            return model

    def put(self, sha256: str, model: Any) -> None:
        with self.lock:
            self.models[sha256] = model
            while len(self.models) > self.size:
                del self.models[next(iter(self.models))]


_loaded = _Loaded(4)


def load_model(path: str | Path, *, codebook: Any = None) -> tuple[Any, dict[str, Any]]:
    """Load a saved coder and its card: ``(coder, card)``.

    ``path`` is a model directory, its ``model.skops``, or a shipped model name (see :func:`resolve_model`).
    With ``codebook`` (id, path or Codebook), the model must have been trained on exactly that codebook
    (same sha256). Every check runs before the file is deserialised; see the module docstring.
    """
    sio = _skops_io()

    model_file, card_file = _locate(resolve_model(path))
    card = _read_card(card_file, model_file)
    actual = file_sha256(model_file)
    if actual != card["model_sha256"]:
        raise errors.error("E324", model_file=model_file, card=card['model_sha256'][:12], actual=actual[:12])
    if codebook is not None:
        _check_codebook(card, codebook, card_file)
    coder = _loaded.get(actual)
    if coder is None:
        try:
            # skops checks every type in the file against its defaults and this allowlist before it builds
            # anything, and refuses the file otherwise: the same check as _check_types, without reading the
            # archive twice (reading a model's tree is most of the time it takes to load)
            coder = sio.load(model_file, trusted=_TRUSTED_LIST)
        except Exception as exc:
            _check_types(model_file)  # names the types refused (E326), or says the archive is unreadable (E328)
            raise errors.error("E328", "unloadable", model_file=model_file, exc_type=type(exc).__name__,
                               exc=exc) from exc
        if not _is_model(coder):
            raise errors.error("E327", model_file=model_file, module=type(coder).__module__,
                               type_name=type(coder).__name__, train=_TRAIN)
        _loaded.put(actual, coder)
    coder = copy.deepcopy(coder)  # the caller's own: the kept one stays as the file has it
    coder.model_name_ = card.get("name") or model_file.parent.name
    coder.model_sha256_ = actual
    return coder, card
