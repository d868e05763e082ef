"""Agreement between codings: precision/recall/F1, Cohen's kappa and Krippendorff's alpha.

Everything here is numpy only and vectorised, and every function returns plain Python
values (``float``, ``int``, ``dict``, ``list``) that ``json.dumps(..., allow_nan=False)``
accepts. Where a statistic is undefined it is ``None`` (JSON ``null``), never NaN:

* precision is ``None`` when nothing was predicted for a theme/class (0/0);
* recall is ``None`` when the theme/class never occurs in the reference (0/0);
* F1 is ``None`` when the theme/class occurs in neither the reference nor the
  predictions; macro-F1 averages the defined F1 values only (``None`` if none is);
* Krippendorff's alpha is ``None`` when no unit has two or more values.

Two degenerate cases are given a value on purpose, so that a theme nobody ever used
does not turn a report into nulls:

* Cohen's kappa is ``1.0`` whenever the two raters agree on every unit, including
  when both gave the same single category throughout (where the textbook formula is
  0/0). If they disagree at least once, kappa is the textbook value.
* Krippendorff's alpha is ``1.0`` when all pairable values are identical (no
  variation, so no disagreement to observe).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from evalnlp import errors

__all__ = [
    "cohen_kappa",
    "krippendorff_alpha",
    "labels_to_matrix",
    "multiclass_report",
    "multilabel_report",
]

_LEVELS = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------- helpers


def _encode(*arrays: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Integer-code several 1-d label arrays against their joint sorted categories."""
    joined = np.concatenate([np.asarray(a).ravel() for a in arrays])
    try:
        cats, inv = np.unique(joined, return_inverse=True)
    except TypeError:  # mixed, unorderable types: order by first appearance instead
        lookup: dict[Any, int] = {}
        inv = np.fromiter((lookup.setdefault(v, len(lookup)) for v in joined.tolist()), dtype=np.int64)
        cats = np.array(list(lookup), dtype=object)
    out, start = [], 0
    for a in arrays:
        size = np.asarray(a).size
        out.append(inv[start:start + size].ravel())
        start += size
    return out, cats


def _ratio(num: float, den: float) -> float | None:
    return float(num / den) if den else None


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> list[float | None]:
    den = 2 * tp + fp + fn
    return [float(2 * t / d) if d else None for t, d in zip(tp.tolist(), den.tolist())]


def _mean_defined(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return float(np.mean(defined)) if defined else None


# --------------------------------------------------------------------------- kappa


def cohen_kappa(a: Sequence[Any] | np.ndarray, b: Sequence[Any] | np.ndarray) -> float:
    """Cohen's kappa for two raters who gave nominal labels to the same units.

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o`` the observed agreement and
    ``p_e`` the agreement expected from each rater's own label frequencies. Labels
    may be any hashable values (strings, ints, bools). Returns ``1.0`` whenever the
    raters agree on every unit (also when both used one category throughout, where
    the formula is 0/0).

    Raises ValueError when the inputs differ in length or are empty.
    """
    x, y = np.asarray(a).ravel(), np.asarray(b).ravel()
    if x.size != y.size:
        raise ValueError(f"cohen_kappa needs two label sequences of equal length; got {x.size} and {y.size}.")
    if x.size == 0:
        raise ValueError("cohen_kappa needs at least one unit; got empty sequences.")
    (cx, cy), cats = _encode(x, y)
    k = len(cats)
    confusion = np.bincount(cx * k + cy, minlength=k * k).reshape(k, k).astype(float)
    n = float(x.size)
    p_o = np.trace(confusion) / n
    p_e = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / (n * n)
    if p_o == 1.0:
        return 1.0
    return float((p_o - p_e) / (1.0 - p_e))


# --------------------------------------------------------------------------- alpha


def _missing_mask(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind in "fc":
        return np.isnan(arr)
    if arr.dtype.kind in "iub":
        return np.zeros(arr.shape, dtype=bool)
    return np.frompyfunc(_is_missing, 1, 1)(arr).astype(bool)


def _is_missing(value: Any) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and value != value


def _delta2(level: str, values: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared difference function of Krippendorff (2011) between all category pairs."""
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "ordinal":
        cum = np.cumsum(n_c)
        # sum of n_g for g between c and k (inclusive), minus half the two end counts
        lo = np.minimum.outer(np.arange(k), np.arange(k))
        hi = np.maximum.outer(np.arange(k), np.arange(k))
        between = cum[hi] - cum[lo] + n_c[lo]
        return (between - (n_c[:, None] + n_c[None, :]) / 2.0) ** 2
    v = values.astype(float)
    diff = v[:, None] - v[None, :]
    if level == "interval":
        return diff**2
    total = v[:, None] + v[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(total == 0, 0.0, (diff / np.where(total == 0, 1.0, total)) ** 2)
    return out


def krippendorff_alpha(data: Any, level: str = "nominal") -> float | None:
    """Krippendorff's alpha for any number of raters, with missing values.

    Parameters
    ----------
    data:
        A raters x units array (list of lists or numpy array). ``None`` or NaN marks
        a missing value. Values may be any sortable labels for ``"nominal"``; they must
        be numbers for the other levels.
    level:
        ``"nominal"`` (default), ``"ordinal"``, ``"interval"`` or ``"ratio"``: the
        metric of Krippendorff (2011), "Computing Krippendorff's alpha-reliability".

    Returns
    -------
    ``1 - D_o / D_e`` computed from the coincidence matrix of the pairable values
    (units with at least two values). ``None`` if no unit has two values; ``1.0`` if
    all pairable values are the same (no variation).
    """
    if level not in _LEVELS:
        raise ValueError(f"The 'level' parameter of krippendorff_alpha must be one of {_LEVELS}; got {level!r}.")
    arr = data if isinstance(data, np.ndarray) else np.array(data, dtype=object)
    if arr.ndim != 2:
        raise ValueError(f"krippendorff_alpha needs a 2-d raters x units array; got {arr.ndim} dimension(s).")
    missing = _missing_mask(arr)
    present = ~missing
    m_u = present.sum(axis=0)
    pairable = m_u >= 2
    if not pairable.any():
        return None
    sub, sub_present, m_u = arr[:, pairable], present[:, pairable], m_u[pairable]
    raw = sub[sub_present]
    if level != "nominal":
        try:
            raw = raw.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"krippendorff_alpha at level {level!r} needs numeric values.") from None
    (codes,), values = _encode(raw)
    n_units, n_cats = sub.shape[1], len(values)
    unit_idx = np.nonzero(sub_present)[1]  # column of every present value, same order as raw
    counts = np.bincount(unit_idx * n_cats + codes, minlength=n_units * n_cats).reshape(n_units, n_cats)
    weighted = counts / (m_u - 1.0)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    delta = _delta2(level, values, n_c)
    expected = float(np.outer(n_c, n_c).ravel() @ delta.ravel()) / (n - 1.0)
    if expected == 0.0:
        return 1.0
    observed = float(coincidence.ravel() @ delta.ravel())
    return float(1.0 - observed / expected)


# --------------------------------------------------------------------------- reports


def _binary(y: Any, name: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be an (n, k) 0/1 array; got shape {arr.shape}.")
    if arr.dtype != bool:
        if arr.size and not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name} must contain only 0 and 1 (or booleans); found other values.")
        arr = arr.astype(bool)
    return arr


def multilabel_report(y_true: Any, y_pred: Any, theme_ids: Sequence[str]) -> dict[str, Any]:
    """Compare two multi-label codings (reference vs predicted, or coder A vs coder B).

    ``y_true`` and ``y_pred`` are (n, k) 0/1 arrays whose columns follow ``theme_ids``.
    Returns exactly::

        {"n": int, "micro_f1": float|None, "macro_f1": float|None,
         "krippendorff_alpha": float|None,
         "per_theme": {theme: {"precision", "recall", "f1", "support", "kappa"}}}

    ``micro_f1`` pools all unit x theme decisions; ``macro_f1`` is the mean of the
    defined per-theme F1 values; ``support`` is the number of reference positives;
    ``kappa`` is Cohen's kappa of the theme's two 0/1 columns (``None``, like F1, for a theme neither
    coding used); ``krippendorff_alpha``
    is nominal alpha over all n x k binary decisions treated as units coded by two
    coders. See the module docstring for the ``None`` rules.
    """
    t, p = _binary(y_true, "y_true"), _binary(y_pred, "y_pred")
    ids = [str(i) for i in theme_ids]
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same shape; got {t.shape} and {p.shape}.")
    if t.shape[1] != len(ids):
        raise ValueError(f"theme_ids has {len(ids)} ids but the arrays have {t.shape[1]} columns.")
    if t.shape[0] == 0:
        raise ValueError("multilabel_report needs at least one unit; got 0 rows.")
    tp = (t & p).sum(axis=0)
    fp = (~t & p).sum(axis=0)
    fn = (t & ~p).sum(axis=0)
    f1 = _f1(tp, fp, fn)
    per_theme = {
        theme: {
            "precision": _ratio(tp[j], tp[j] + fp[j]),
            "recall": _ratio(tp[j], tp[j] + fn[j]),
            "f1": f1[j],
            "support": int(tp[j] + fn[j]),
            # a theme neither side used has no agreement to measure (kappa's 0/0), as its F1 has none
            "kappa": cohen_kappa(t[:, j], p[:, j]) if (tp[j] + fp[j] + fn[j]) else None,
        }
        for j, theme in enumerate(ids)
    }
    micro = _f1(tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True))[0]
    alpha = krippendorff_alpha(np.vstack([t.ravel(), p.ravel()]).astype(np.int8))
    return {
        "n": int(t.shape[0]),
        "micro_f1": micro,
        "macro_f1": _mean_defined(f1),
        "krippendorff_alpha": alpha,
        "per_theme": per_theme,
    }


def category_alpha(y_true: Any, y_pred: Any) -> float | None:
    """Nominal Krippendorff's alpha over each unit's one category, for two 0/1 matrices with at most one 1 per
    row (a single-label codebook): a row's category is the column of its 1, or "none" for a row without one.
    Pooling the n x k decisions instead would count agreement on every absent theme of each unit as agreement,
    which lifts alpha above what the one decision per unit supports."""
    t, p = _binary(y_true, "y_true"), _binary(y_pred, "y_pred")
    if (t.sum(axis=1) > 1).any() or (p.sum(axis=1) > 1).any():
        raise ValueError("category_alpha needs at most one theme per row in both codings.")
    k = t.shape[1]

    def category(m: np.ndarray) -> np.ndarray:
        return np.where(m.any(axis=1), m.argmax(axis=1), k)

    return krippendorff_alpha(np.vstack([category(t), category(p)]))


def multiclass_report(y_true: Sequence[Any], y_pred: Sequence[Any], labels: Sequence[Any]) -> dict[str, Any]:
    """Compare two single-label codings over the classes ``labels``.

    Returns::

        {"n", "accuracy", "balanced_accuracy", "macro_f1", "kappa", "krippendorff_alpha",
         "per_class": {label: {"precision", "recall", "f1", "support"}},
         "labels": [...], "confusion_matrix": [[...]]}

    ``balanced_accuracy`` is the mean recall over classes that occur in ``y_true``;
    ``confusion_matrix[i][j]`` counts units of reference class ``labels[i]`` predicted
    as ``labels[j]``. Per-class keys are ``str(label)``. Raises ValueError if a value
    is not in ``labels`` or the lengths differ.
    """
    t, p = np.asarray(y_true, dtype=object).ravel(), np.asarray(y_pred, dtype=object).ravel()
    if t.size != p.size:
        raise ValueError(f"y_true and y_pred must have the same length; got {t.size} and {p.size}.")
    if t.size == 0:
        raise ValueError("multiclass_report needs at least one unit; got empty sequences.")
    labels = list(labels)
    index = {lab: i for i, lab in enumerate(labels)}
    if len(index) != len(labels):
        raise ValueError("labels must not contain duplicates.")
    unknown = sorted({str(v) for v in np.concatenate([t, p]).tolist() if v not in index})
    if unknown:
        raise ValueError(f"Values not in labels: {', '.join(unknown[:10])}. Pass every class in `labels`.")
    k = len(labels)
    ti = np.fromiter((index[v] for v in t.tolist()), dtype=np.int64, count=t.size)
    pi = np.fromiter((index[v] for v in p.tolist()), dtype=np.int64, count=p.size)
    confusion = np.bincount(ti * k + pi, minlength=k * k).reshape(k, k)
    tp = np.diag(confusion)
    support = confusion.sum(axis=1)
    predicted = confusion.sum(axis=0)
    f1 = _f1(tp, predicted - tp, support - tp)
    recalls = [_ratio(tp[i], support[i]) for i in range(k)]
    per_class = {
        str(lab): {
            "precision": _ratio(tp[i], predicted[i]),
            "recall": recalls[i],
            "f1": f1[i],
            "support": int(support[i]),
        }
        for i, lab in enumerate(labels)
    }
    return {
        "n": int(t.size),
        "accuracy": float(tp.sum() / t.size),
        "balanced_accuracy": _mean_defined(recalls),
        "macro_f1": _mean_defined(f1),
        "kappa": cohen_kappa(ti, pi),
        "krippendorff_alpha": krippendorff_alpha(np.vstack([ti, pi])),
        "per_class": per_class,
        "labels": [str(lab) for lab in labels],
        "confusion_matrix": confusion.tolist(),
    }


def labels_to_matrix(
    label_lists: Iterable[Any], theme_ids: Sequence[str], *, sep: str | None = None
) -> np.ndarray:
    """Turn per-unit label lists into an (n, k) uint8 0/1 matrix with columns ``theme_ids``.

    Each element is an iterable of theme ids, a single id string, or ``None``/NaN/""
    for no theme. With ``sep`` (e.g. ``";"``), a string element is split on it and
    blanks are dropped. Raises :class:`CodebookError` E230 naming any label that is not
    in ``theme_ids``.
    """
    index = {tid: j for j, tid in enumerate(theme_ids)}
    rows: list[int] = []
    cols: list[int] = []
    unknown: dict[str, int] = {}
    n = 0
    for i, item in enumerate(label_lists):
        n += 1
        for label in _labels_of(item, sep):
            j = index.get(label)
            if j is None:
                unknown.setdefault(str(label), i)
            else:
                rows.append(i)
                cols.append(j)
    if unknown:
        shown = ", ".join(f"{lab!r} (row {row})" for lab, row in list(unknown.items())[:10])
        raise errors.error("E230", shown=shown, theme_ids=', '.join(theme_ids))
    out = np.zeros((n, len(index)), dtype=np.uint8)
    out[rows, cols] = 1
    return out


def _labels_of(item: Any, sep: str | None) -> list[Any]:
    if item is None or (isinstance(item, float) and item != item):
        return []
    if isinstance(item, str):
        parts = item.split(sep) if sep is not None else [item]
        return [s.strip() for s in parts if s.strip()]
    return [lab.strip() if isinstance(lab, str) else lab for lab in item]


def unused_themes_note(report: dict[str, Any]) -> str | None:
    """For a report of :func:`multilabel_report`: a note that macro-F1 averages only the themes either coding
    used (naming how many were left out), or ``None`` when every theme was used."""
    themes = report.get("per_theme", {})
    unused = [t for t, m in themes.items() if m.get("f1") is None]
    if not unused or not themes:
        return None
    used = len(themes) - len(unused)
    return (f"macro-F1 averages the {used} of {len(themes)} themes that either coding used; {len(unused)} "
            f"({', '.join(unused)}) occur in neither, so their F1 and kappa are undefined (-) and left out: a "
            "sample that holds every theme measures them all")
