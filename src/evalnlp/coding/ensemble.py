"""Ensemble coder: the supervised model with the codebook's zero-shot scores as a prior.

With a few hundred coded passages, many themes have only a handful of positives and a purely supervised model
knows little about them, while the codebook's definitions, examples and keywords (the zero-shot coder) know
something about every theme. :class:`EnsembleCoder` feeds both into the calibration stage of
:class:`~evalnlp.coding.supervised.SupervisedCoder`:

- the linear models are trained exactly as in the supervised coder and give out-of-fold decision values;
- the zero-shot coder (:class:`~evalnlp.coding.zeroshot.ZeroShotCoder`, fitted on the codebook only) gives
  each passage a log-odds score per theme;
- the calibration is a logistic regression over both (per theme when multi-label, multinomial when
  single-label), fitted on the out-of-fold decisions. Its weights *are* the blend: with few positives the
  out-of-fold decisions are noisy and the zero-shot score carries the prediction; as positives accumulate the
  supervised decision takes over. The weights are chosen by cross-validation in that sense: they are fitted
  on out-of-fold scores, and the reported ``cv_metrics_`` come from an inner cross-validation of that fit.
- themes with no training examples (or only positives) are scored by the zero-shot coder alone, with its own
  threshold; in a single-label codebook they receive the share of probability the zero-shot coder gives them.

``train --backend auto`` uses this coder below :data:`evalnlp.coding.SMALL_SAMPLE` labelled passages.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from evalnlp.coding.supervised import SupervisedCoder

__all__ = ["EnsembleCoder"]

_EPS = 1e-4
#: The prior's share in the final score when the prior is a trained model (see ``prior_weight``): chosen on
#: simulated small samples inside the impact model's tuning part (bench/bench_impact_fewshot.py --simulate).
TRAINED_PRIOR_WEIGHT = 0.5


class EnsembleCoder(SupervisedCoder):
    """:class:`SupervisedCoder` whose calibration also sees the zero-shot coder's scores.

    Parameters are those of :class:`SupervisedCoder`, plus

    zeroshot_keywords : bool, default True
        Let the zero-shot prior use the codebook's keyword hits as well as embedding similarity.
    prior : str, default "zeroshot"
        Where the prior scores come from: ``"zeroshot"`` (the codebook's definitions, examples and keywords), or
        the name or directory of a saved theme model of the same codebook (``"impact-themes"``), so that a small
        coded sample adapts a trained model rather than starting from the codebook alone.
    prior_weight : float or None, default None
        The prior's own probability's share in the final score, the calibrated one's the rest; each threshold
        is the same blend of the prior's threshold and the one chosen on the calibrated out-of-fold scores.
        None: :data:`TRAINED_PRIOR_WEIGHT` with a trained prior, 0 with the zero-shot one. A small sample's
        calibration and thresholds are noisy: on their own they made a trained prior worse (see BENCHMARKS.md,
        "few-shot training"); half the prior's own score and threshold keep what the prior knows while the
        sample moves them.

    Extra fitted attributes: ``prior_weight_`` (the share in use), ``zeroshot_`` (the fitted prior coder: a
    :class:`~evalnlp.coding.zeroshot.ZeroShotCoder`, or the loaded model named by ``prior``) and
    ``prior_metrics_`` (how the prior alone, with its own thresholds, agrees with the training codes on the
    passages it was not itself trained on: the figure to set beside ``cv_metrics_`` when deciding whether the
    sample improved on the prior; None when it has seen them all) and ``prior_seen_`` (how many training
    passages the prior's card lists among its own training passages; while that is above zero,
    ``cv_metrics_`` is optimistic too, since the prior's scores carry those passages' codes). The
    calibration coefficients (``calib_coef_``) have one column per decision value followed by the prior's.
    """

    _backend = "ensemble"

    def __init__(self, codebook: Any = "impact", embedding: str | None = "static", C: float = 0.1,
                 class_weight: str | None = "balanced", cv: int = 5, random_state: int | None = 0,
                 n_jobs: int | None = None, min_df: int = 2, max_word_features: int = 100_000,
                 max_char_features: int = 30_000, embedding_weight: float = 1.0, calibration_C: float = 1.0,
                 zeroshot_keywords: bool = True, prior: str = "zeroshot", prior_weight: float | None = None):
        super().__init__(codebook=codebook, embedding=embedding, C=C, class_weight=class_weight, cv=cv,
                         random_state=random_state, n_jobs=n_jobs, min_df=min_df,
                         max_word_features=max_word_features, max_char_features=max_char_features,
                         embedding_weight=embedding_weight, calibration_C=calibration_C)
        self.zeroshot_keywords = zeroshot_keywords
        self.prior = prior
        self.prior_weight = prior_weight

    def _validate_params(self) -> None:
        super()._validate_params()
        if not isinstance(self.zeroshot_keywords, (bool, np.bool_)):
            raise ValueError("The 'zeroshot_keywords' parameter of EnsembleCoder must be a bool; "
                             f"got {self.zeroshot_keywords!r} instead.")
        if not isinstance(self.prior, str) or not self.prior.strip():
            raise ValueError("The 'prior' parameter of EnsembleCoder must be 'zeroshot' or the name or directory "
                             f"of a saved theme model; got {self.prior!r} instead.")
        w = self.prior_weight
        if w is not None and (isinstance(w, bool) or not isinstance(w, (int, float, np.integer, np.floating))
                              or not 0.0 <= float(w) <= 1.0):
            raise ValueError("The 'prior_weight' parameter of EnsembleCoder must be None or a number from 0 to 1; "
                             f"got {w!r} instead.")

    def _blend(self, proba: np.ndarray, prior_proba: np.ndarray | None) -> np.ndarray:
        w = float(getattr(self, "prior_weight_", 0.0))  # a model saved before the blend has none: 0
        if not w or prior_proba is None:
            return proba
        return w * prior_proba + (1.0 - w) * proba

    def _after_fit(self, texts: list[str], Y: np.ndarray, prior_proba: np.ndarray | None) -> None:
        """Score the prior alone on the training codes, leaving out the passages it was itself trained on."""
        from evalnlp.util import passage_fingerprint

        known = vars(self).pop("_prior_passages", None) or set()
        seen = np.fromiter((passage_fingerprint(t) in known for t in texts), bool, len(texts))
        self.prior_seen_ = int(seen.sum())
        unseen = np.flatnonzero(~seen)
        self.prior_metrics_ = self._prior_report(Y[unseen], prior_proba[unseen]) if len(unseen) else None

    def _prior_report(self, Y: np.ndarray, proba: np.ndarray) -> dict[str, Any]:
        """The prior's own decisions on the training passages, reported like ``cv_metrics_``."""
        from evalnlp.coding.base import decide
        from evalnlp.coding.supervised import _plain
        from evalnlp.evaluation import multiclass_report, multilabel_report

        if self.multi_label_:
            predicted = decide(proba, self.zeroshot_.thresholds_, multi_label=True,
                               require_theme=self.require_theme_)
            report = multilabel_report(Y, predicted, self.classes_)
        else:
            truth = [self.classes_[i] for i in Y.argmax(axis=1)]
            report = multiclass_report(truth, [self.classes_[i] for i in proba.argmax(axis=1)], self.classes_)
            report.pop("confusion_matrix", None)
        report["method"] = ("the prior alone, with its own thresholds, on the training passages it was not "
                            "itself trained on")
        return _plain(report)

    def _fit_prior(self, texts: list[str], Y: np.ndarray) -> None:
        trained = self.prior != "zeroshot"
        self.prior_weight_ = float(self.prior_weight if self.prior_weight is not None else
                                   TRAINED_PRIOR_WEIGHT if trained else 0.0)
        if self.prior == "zeroshot":
            from evalnlp.coding.zeroshot import ZeroShotCoder

            self.zeroshot_ = ZeroShotCoder(codebook=self.codebook, embedding=self.embedding or "static",
                                           keywords=bool(self.zeroshot_keywords)).fit()
            return
        from evalnlp.coding.persist import load_model, resolve_model

        # load_model refuses (E325) a model trained on another codebook, or another version of this one
        loaded = load_model(resolve_model(self.prior), codebook=self.codebook)
        coder, card = loaded if isinstance(loaded, tuple) else (loaded, {})
        self.zeroshot_ = coder
        # the fingerprints of the prior's own training passages (when its card lists them), to tell which of
        # this sample's passages it has seen; held only while fitting, never saved
        self._prior_passages = set((card.get("training_passages") or {}).get("values") or [])

    def _prior(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        proba = self.zeroshot_.predict_proba(texts)
        clipped = np.clip(proba, _EPS, 1 - _EPS)
        return np.log(clipped / (1 - clipped)), proba

    def _adjust_thresholds(self, thresholds: np.ndarray) -> np.ndarray:
        """Themes the calibration could not learn (no positives, or no negatives) use the prior's threshold; with
        a blend (``prior_weight_``) every threshold is blended with the prior's as the scores are."""
        if not self.multi_label_:
            return thresholds
        out = np.where(self.calib_fitted_, thresholds, self.zeroshot_.thresholds_)
        w = float(getattr(self, "prior_weight_", 0.0))
        return w * np.asarray(self.zeroshot_.thresholds_, dtype=float) + (1.0 - w) * out if w else out
