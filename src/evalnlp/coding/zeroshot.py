"""Zero-shot coder: similarity of a passage to each theme's description, calibrated across themes.

How a passage is scored for a theme
-----------------------------------
1. **Prototypes.** Each theme is described by its codebook text: ``label: definition``, every clause of its
   ``include`` notes and every example (a theme with none of those by its label and its definition apart).
   These are embedded (``static`` model2vec by default).
2. **Centring.** Static sentence vectors share a common direction (every pair of texts is somewhat similar),
   so the mean vector of a reference bank (the prototypes plus :data:`NEUTRAL_SENTENCES`) is subtracted from
   every vector before re-normalising.
3. **Raw similarity.** ``raw = (1 - w) * mean(top-2 cosine to the prototypes) + w * cosine to the centroid``
   (``w = centroid_weight``): the nearest prototypes catch passages close to one example; the centroid catches
   the theme's overall direction.
4. **Per-theme standardisation.** Raw similarities mean different things for different themes (some
   descriptions are simply closer to everything). For each theme the raw similarities of a *reference set*
   (the neutral sentences and the other themes' prototypes) give a mean and a standard deviation, and
   ``z = (raw - mean) / sd``: how unusual the passage's similarity is, in the same unit for every theme.
5. **Calibration.** A logistic maps ``z`` (plus, with ``keywords=True``, the theme's keyword hits from
   :class:`~evalnlp.coding.keyword.KeywordCoder`, at most 2 counted) to a score in [0, 1]. Without labels
   one mapping is shared by all themes, so a score of 0.7 means the same thing for every theme; its constants
   are fitted, class-balanced, on codebook material only: each theme's examples scored against the theme's
   other prototypes (leave-one-out, positives) versus its reference set (negatives). Balancing makes the fit
   ignore how rare each side is in that material, so the intercept is then moved by the log prior odds of
   ``prior``, the share of passages a theme is expected to apply to (0.3 by default), so that a score reads
   as a probability under that prior. With labels (``fit(texts, Y)``) each theme gets its own Platt scaling
   of those features fitted on the labelled passages (themes with fewer than 3 positives or negatives keep
   the shared mapping).

Choosing the defaults. ``centroid_weight``, ``keywords`` and ``prior`` were chosen on codebook material and
on passages written for that purpose (kept with ``bench/bench_impact.py``; ``bench/results/impact.md`` tells
how), not on an evaluation file.
Embedding similarity alone is a weak signal for fine-grained themes in long, formal passages (and it gives
everyday sentences spurious similarity); the keyword feature makes the scores far more reliable, which is
why it is on by default.

Everything is deterministic: no sampling, and the logistic fits use lbfgs from a zero start.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from evalnlp import errors
from evalnlp.coding.base import DEFAULT_THRESHOLD, ThemeCoder, as_texts, check_embedding, check_labels, check_number
from evalnlp.coding.keyword import KeywordCoder, fitted_coder_id, matching_version, resolve_codebook
from evalnlp.util import sigmoid

__all__ = ["ZeroShotCoder", "NEUTRAL_SENTENCES", "theme_prototypes"]

#: Generic sentences that meet no impact theme: research aims, methods and findings, descriptive fragments,
#: recommendations and rules quoted without any reported change, and everyday remarks. They anchor the
#: "nothing in particular" end of every theme's similarity scale.
NEUTRAL_SENTENCES: tuple[str, ...] = (
    "The study used a mixed-methods design combining a survey with semi-structured interviews.",
    "Data were collected between 2009 and 2011 from three sites in the north of England.",
    "The aim of the project is to examine how older people manage long-term conditions at home.",
    "The analysis found that the risk was higher among men than among women.",
    "Results were adjusted for age, sex and deprivation.",
    "The report is divided into five chapters, each dealing with a different region.",
    "The research team comprised two statisticians, a sociologist and a health economist.",
    "A systematic review of the literature identified forty relevant studies.",
    "The questionnaire contained twenty items on a five-point scale.",
    "Participants were asked to keep a diary for two weeks.",
    "The model predicts the spread of the disease under different assumptions.",
    "The trial compared two doses of the drug over twelve months.",
    "Chapter three describes the history of the institution since 1945.",
    "The paper was published in a peer-reviewed journal in 2010.",
    "The book traces the development of the labour movement in the nineteenth century.",
    "The data set includes records of births and deaths from the parish registers.",
    "The project was funded by a research council grant awarded in 2008.",
    "Local authorities should consider the needs of carers when planning services.",
    "It is recommended that providers keep a record of every incident.",
    "Members shall give at least fourteen days' notice of any proposed amendment.",
    "The guidance sets out the steps to follow when a complaint is received.",
    "The regulations apply to all premises where food is prepared for sale.",
    "The framework has four domains, each with a set of indicators.",
    "There is a need for further research on the long-term effects.",
    "The findings suggest that the relationship between income and health is complex.",
    "Little is known about how young people use these services.",
    "The evidence on the effectiveness of the intervention remains mixed.",
    "These figures refer to the financial year ending in March.",
    "The survey was sent to a random sample of households.",
    "The programme consists of six modules delivered over a year.",
    "The course covers finance, strategy, governance and human resources.",
    "The workshop took place in a hotel near the station.",
    "The meeting started at ten o'clock and finished just after noon.",
    "The building was renovated in the 1990s.",
    "The weather was cold and it rained for most of the afternoon.",
    "The car park is at the back of the building.",
    "Please bring a copy of your appointment letter.",
    "The form must be completed in black ink.",
    "The office is closed on public holidays.",
    "I have lived in the town for most of my life.",
    "My daughter goes to the primary school round the corner.",
    "We usually have dinner at about seven.",
    "The train was twenty minutes late this morning.",
    "He retired from the company after thirty years.",
    "The river flows through the centre of the city.",
    "The photograph shows a group of workers outside the factory.",
    "The exhibition catalogue lists the objects in the collection.",
    "The novel is set in a small fishing village.",
    "The word is derived from an old French term.",
    "The algorithm sorts the list in linear time.",
    "The sample was heated to two hundred degrees.",
    "The structure of the protein was determined by crystallography.",
    "The equations describe the flow of fluid through a pipe.",
    "The sensor measures temperature and humidity every minute.",
    "The archive holds letters, diaries and photographs from the period.",
    "The theory assumes that individuals act rationally.",
    "The second phase will focus on rural areas.",
    "The interviews lasted between forty and ninety minutes.",
    "Respondents were mostly aged between thirty and fifty.",
    "The authors argue that the concept has been misunderstood.",
    "The policy document describes the background to the proposals.",
    "The bill contains provisions on data protection.",
    "The committee's terms of reference are set out in the annex.",
    "Patients are admitted through the emergency department or by referral.",
    "The ward has twenty-eight beds and a day room.",
    "The clinic opens on Tuesdays and Thursdays.",
    "The service is run by a team of nurses and therapists.",
    "The hospital is one of the oldest in the country.",
    "The company manufactures parts for the automotive industry.",
    "The charity was founded in 1972.",
    "The website lists the opening times of each branch.",
    "The table below summarises the main characteristics of the sample.",
    "This section outlines the methods used.",
    "The results are presented in the next chapter.",
    "In this context, the term refers to any paid employment.",
    "The case concerned a dispute over the ownership of land.",
    "The festival takes place every summer in the old town.",
    "Most of the fieldwork was carried out in the spring.",
    "The map shows the boundaries of the districts in 1901.",
    "No conclusions can be drawn from such a small sample.",
)

_CLAUSE = re.compile(r"(?<=[.;])\s+")
_MIN_POSITIVES = 3  # labelled positives and negatives a theme needs for its own Platt scaling


def theme_prototypes(theme) -> list[str]:
    """The texts that describe a theme: ``label: definition``, each include clause, each example.

    A theme with nothing but its label and definition is described by the two apart, ``[label, definition]``:
    the calibration learns what a theme's own passage scores from each prototype scored against the theme's
    others (leave-one-out), and a lone text could only be scored against itself, a perfect match no passage
    comes near, which would leave every passage without a theme.
    """
    texts = [f"{theme.label}: {theme.definition}"]
    if theme.include:
        texts += [c.strip() for c in _CLAUSE.split(theme.include) if len(c.strip().split()) >= 3]
    texts += list(theme.examples)
    texts = list(dict.fromkeys(texts))
    if len(texts) == 1 and theme.label.strip().casefold() != theme.definition.strip().casefold():
        texts = [theme.label, theme.definition]
    return texts


def _fit_logistic(features: np.ndarray, y: np.ndarray, C: float, balanced: bool) -> tuple[np.ndarray, float]:
    """Deterministic (lbfgs) logistic regression; returns (coefficients, intercept)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, class_weight="balanced" if balanced else None, solver="lbfgs", max_iter=1000)
    model.fit(features, y)
    return model.coef_[0].astype(float), float(model.intercept_[0])


class ZeroShotCoder(ThemeCoder):
    """Score passages by embedding similarity to each theme's codebook description, calibrated.

    Parameters
    ----------
    codebook : str, Path or Codebook, default "impact"
    embedding : {"static", "minilm"}, default "static"
        Encoder from :func:`evalnlp.embeddings.get_encoder`.
    centroid_weight : float in [0, 1], default 0.5
        Weight of the centroid similarity against the mean of the two nearest prototypes.
    keywords : bool, default True
        Use the theme's keyword hits (at most 2 counted, see :class:`KeywordCoder`) as a second feature of
        the calibration, whose weight is fitted with the rest of the calibration.
    prior : float in (0, 1), default 0.3
        Expected share of passages a theme applies to, used by the calibration without labels.
    threshold : float, default 0.5
        Score a theme must reach to be assigned.
    C : float, default 1.0
        Inverse regularisation strength of the logistic calibrations.

    Fitted attributes: ``classes_``, ``thresholds_``, ``proto_vectors_`` (all prototypes, centred and
    normalised), ``proto_theme_`` (theme index of each prototype), ``center_`` (mean vector removed),
    ``ref_mean_`` / ``ref_sd_`` (per-theme reference statistics), ``calib_coef_`` ``(k, f)`` and
    ``calib_intercept_`` ``(k,)``, ``supervised_`` (per theme: own Platt scaling or the shared one),
    ``encoder_name_``, ``encoder_sha256_``, ``codebook_sha256_``.
    """

    def __init__(self, codebook: Any = "impact", embedding: str = "static", centroid_weight: float = 0.5,
                 keywords: bool = True, prior: float = 0.3, threshold: float = DEFAULT_THRESHOLD, C: float = 1.0):
        self.codebook = codebook
        self.embedding = embedding
        self.centroid_weight = centroid_weight
        self.keywords = keywords
        self.prior = prior
        self.threshold = threshold
        self.C = C

    # ------------------------------------------------------------------ helpers

    def _validate_params(self) -> None:
        check_embedding("ZeroShotCoder", self.embedding)
        if not isinstance(self.keywords, (bool, np.bool_)):
            raise ValueError(f"The 'keywords' parameter of ZeroShotCoder must be a bool; "
                             f"got {self.keywords!r} instead.")
        check_number("ZeroShotCoder", "centroid_weight", self.centroid_weight, 0.0, 1.0)
        check_number("ZeroShotCoder", "prior", self.prior, 1e-6, 1 - 1e-6)
        check_number("ZeroShotCoder", "threshold", self.threshold, 1e-9, 1.0)
        check_number("ZeroShotCoder", "C", self.C, 1e-9, np.inf)

    def _encoder(self):
        from evalnlp.embeddings import get_encoder

        return get_encoder(self.encoder_name_ if hasattr(self, "encoder_name_") else self.embedding)

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Encode, subtract the fitted centre and re-normalise (zero rows stay zero)."""
        vectors = self._encoder().encode(texts).astype(np.float64) - self.center_
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 0)
        return vectors

    def _raw(self, vectors: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
        """Raw similarity ``(n, k)`` of centred vectors to each theme.

        ``exclude`` (optional, ``(n,)``) is the index of a prototype each row must not use (leave-one-out:
        it is also left out of that theme's centroid); -1 means none.
        """
        sims = vectors @ self.proto_vectors_.T  # (n, P)
        n, k = len(vectors), len(self.classes_)
        out = np.zeros((n, k))
        w = float(self.centroid_weight)
        rows = np.arange(n)
        for t in range(k):
            cols = np.flatnonzero(self.proto_theme_ == t)
            s = sims[:, cols].copy()
            total = self.proto_vectors_[cols].sum(axis=0)
            centroid_dot = vectors @ total  # un-normalised; normalised per row below
            centroid_norm = np.full(n, np.linalg.norm(total))
            if exclude is not None:
                hit = np.isin(exclude, cols)
                if hit.any():
                    local = np.searchsorted(cols, exclude[hit])
                    s[rows[hit], local] = -np.inf
                    left_out = self.proto_vectors_[exclude[hit]]
                    centroid_dot[hit] -= np.einsum("ij,ij->i", vectors[hit], left_out)
                    centroid_norm[hit] = np.linalg.norm(total - left_out, axis=1)
            if exclude is None and s.shape[1] > 2:
                top = np.partition(s, -2, axis=1)[:, -2:]  # the two largest (their mean does not need order)
            else:
                top = np.sort(s, axis=1)[:, ::-1][:, :2]
                top = np.where(np.isfinite(top), top, top[:, :1])
            nearest = top.mean(axis=1)
            centroid = np.divide(centroid_dot, centroid_norm, out=np.zeros(n), where=centroid_norm > 0)
            out[:, t] = (1.0 - w) * nearest + w * centroid
        return out

    def _features(self, z: np.ndarray, hits: np.ndarray | None, t: int) -> np.ndarray:
        cols = [z[:, t]]
        if hits is not None:
            cols.append(np.minimum(hits[:, t], 2).astype(float))
        return np.column_stack(cols)

    def _keyword_hits(self, texts: list[str]) -> np.ndarray | None:
        if not self.keywords:
            return None
        if getattr(self, "keyword_coder_", None) is None:
            self.keyword_coder_ = KeywordCoder(codebook=self.codebook).fit()
        return self.keyword_coder_.hits(texts)

    # ------------------------------------------------------------------ fitting

    def fit(self, X=None, Y=None) -> "ZeroShotCoder":
        """Build prototypes and calibrate. Works with no data; with ``X`` and ``Y`` adds per-theme Platt scaling."""
        self._validate_params()
        cb = resolve_codebook(self.codebook)
        self._record_codebook(cb)
        self.thresholds_ = np.full(len(self.classes_), float(self.threshold))
        self.encoder_name_ = self.embedding
        encoder = self._encoder()
        self.encoder_sha256_ = encoder.sha256
        self.keyword_coder_ = None

        protos: list[str] = []
        owner: list[int] = []
        for t, theme in enumerate(cb.themes):
            texts = theme_prototypes(theme)
            protos += texts
            owner += [t] * len(texts)
        self.proto_texts_ = protos
        self.proto_theme_ = np.asarray(owner, dtype=np.int64)
        neutral = list(NEUTRAL_SENTENCES)
        bank = encoder.encode(protos + neutral).astype(np.float64)
        self.center_ = bank.mean(axis=0)
        bank -= self.center_
        bank /= np.maximum(np.linalg.norm(bank, axis=1, keepdims=True), 1e-12)
        self.proto_vectors_ = bank[: len(protos)]
        neutral_vectors = bank[len(protos):]

        # Reference statistics: neutral sentences and the other themes' prototypes.
        k = len(self.classes_)
        raw_neutral = self._raw(neutral_vectors)
        # leave-one-out, except for a theme described by a single text (nothing would be left)
        counts = np.bincount(self.proto_theme_, minlength=len(self.classes_))
        loo = np.where(counts[self.proto_theme_] > 1, np.arange(len(protos)), -1)
        raw_protos = self._raw(self.proto_vectors_, exclude=loo)
        self.ref_mean_ = np.zeros(k)
        self.ref_sd_ = np.ones(k)
        for t in range(k):
            ref = np.concatenate([raw_neutral[:, t], raw_protos[self.proto_theme_ != t, t]])
            self.ref_mean_[t] = ref.mean()
            self.ref_sd_[t] = max(ref.std(), 1e-6)

        # Shared calibration on codebook material: own prototypes (left out) vs the reference set.
        z_protos = (raw_protos - self.ref_mean_) / self.ref_sd_
        z_neutral = (raw_neutral - self.ref_mean_) / self.ref_sd_
        hits_protos = self._keyword_hits(protos)
        hits_neutral = self._keyword_hits(neutral)
        # A prototype that is its theme's only one was scored against itself (a perfect match no passage comes
        # near): it is no positive, unless no theme has two prototypes to score against each other.
        scored_apart = loo >= 0
        feats, target = [], []
        for t in range(k):
            theirs = self.proto_theme_ == t
            own = theirs & scored_apart if scored_apart.any() else theirs
            feats += [self._features(z_protos, hits_protos, t)[own], self._features(z_protos, hits_protos, t)[~theirs],
                      self._features(z_neutral, hits_neutral, t)]
            target += [np.ones(own.sum()), np.zeros((~theirs).sum()), np.zeros(len(neutral))]
        coef, intercept = _fit_logistic(np.vstack(feats), np.concatenate(target), float(self.C), balanced=True)
        self.calib_coef_ = np.tile(coef, (k, 1))
        prior = float(self.prior)
        self.calib_intercept_ = np.full(k, intercept + np.log(prior / (1.0 - prior)))
        self.supervised_ = np.zeros(k, dtype=bool)

        if X is not None or Y is not None:
            self._fit_platt(X, Y)
        return self

    def _fit_platt(self, X, Y) -> None:
        """Per-theme Platt scaling on labelled passages (themes lacking both classes keep the shared map)."""
        if X is None or Y is None:
            raise ValueError("ZeroShotCoder.fit needs both texts and Y for Platt scaling, or neither.")
        texts = as_texts(X)
        labels = check_labels(Y, len(texts), len(self.classes_))
        z = self._z(texts)
        hits = self._keyword_hits(texts)
        for t in range(len(self.classes_)):
            pos = int(labels[:, t].sum())
            if pos < _MIN_POSITIVES or len(texts) - pos < _MIN_POSITIVES:
                continue
            coef, intercept = _fit_logistic(self._features(z, hits, t), labels[:, t], float(self.C), balanced=False)
            self.calib_coef_[t] = coef
            self.calib_intercept_[t] = intercept
            self.supervised_[t] = True

    # ------------------------------------------------------------------ scoring

    def _check_fitted(self) -> None:
        if not hasattr(self, "calib_coef_"):
            raise errors.error("E345")

    def _z(self, texts: list[str]) -> np.ndarray:
        return (self._raw(self._embed(texts)) - self.ref_mean_) / self.ref_sd_

    def similarity_z(self, X) -> np.ndarray:
        """Standardised similarity of each passage to each theme (reference mean 0, sd 1), ``(n, k)``."""
        self._check_fitted()
        return self._z(as_texts(X))

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated scores in [0, 1], shape ``(n, k)``, themes in codebook order."""
        self._check_fitted()
        texts = as_texts(X)
        k = len(self.classes_)
        if not texts:
            return np.zeros((0, k))
        z = self._z(texts)
        hits = self._keyword_hits(texts)
        logits = np.column_stack([self._features(z, hits, t) @ self.calib_coef_[t] for t in range(k)])
        return sigmoid(logits + self.calib_intercept_)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("keyword_coder_", None)  # rebuilt from the codebook on demand
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.keyword_coder_ = None

    def coder_id(self) -> str:
        """``model:NAME@SHA12`` once saved or loaded, else ``model:zeroshot@FINGERPRINT12``.

        The fingerprint covers the parameters, the codebook's sha256 and the encoder's sha256, and with
        ``keywords`` the version of the keyword matching rules (:data:`evalnlp.coding.keyword.MATCHING`).
        """
        return fitted_coder_id(self, "zeroshot", [getattr(self, "codebook_sha256_", None),
                                                  getattr(self, "encoder_sha256_", None)]
                               + (matching_version() if self.keywords else []))
