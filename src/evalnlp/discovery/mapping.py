"""Mapping topics onto a codebook: theme vectors, centred cosine similarity, the nearest theme, and whether a
topic is emergent.

A topic's centroid is the mean embedding of its passages; a theme's vector is the mean embedding of
``label: definition`` and its examples. Both are centred on the encoder's everyday-language direction (the
mean embedding of :data:`REFERENCE_SENTENCES`) before the cosine is taken: static sentence vectors share a
common direction that makes every pair of texts look similar, and removing it makes the similarity reflect
what the texts are about.

A theme marked ``catch_all: true`` in the codebook (FFT's ``miscellaneous``: "comments that do not fit a
more specific category") is never a topic's nearest theme: its definition is about everything, so its vector
sits near every topic and would swallow topics that a specific theme describes. Its similarities are still
computed and shown. A topic whose similarity to every other theme is below the emergent threshold is
**emergent**: no specific theme describes it.

Choosing :data:`EMERGENT_BELOW`. The threshold was chosen on a development half of the FFT phase-1 comments
(the other half set aside for evaluation), by leaving each specific theme out of the codebook in turn: a topic
whose staff-majority label is the theme left out is one the codebook no longer describes and should be
emergent; a topic whose majority label is another specific theme should not. The threshold is the largest
that calls at most one in twenty described topics emergent (false suggestions cost a reader's trust), rounded
down to a multiple of 0.05. On the evaluation half, 0.55 calls 30% of the left-out topics emergent and 0.7% of
the described ones (the old 0.40, with the catch-all mappable: 14% and none); bench/results/discovery.md has
the figures. MiniLM's similarities run on another scale, so it has its own threshold, chosen by the same rule
on the development half (one seed, as a MiniLM run takes minutes): 0.35. Both were measured on the ``fft``
codebook, the only one with labelled topics to measure on. Text about subjects no
codebook covers (astronomy, knitting, volcanoes) stays below 0.35 against every theme of ``impact`` and
``fft``. It is a parameter (``emergent_below``): raise it to see more candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalnlp.discovery.backend import unit

__all__ = ["EMERGENT_BELOW", "EMERGENT_BELOW_BY_EMBEDDING", "REFERENCE_SENTENCES", "centred_cosine",
           "default_emergent_below", "mappable", "nearest_themes", "reference_direction", "seed_words",
           "theme_vectors"]

#: A topic whose best similarity to any theme that is not a catch-all is below its embedding's threshold is
#: emergent. Each was chosen by the same rule on the development half (see the module docstring).
EMERGENT_BELOW_BY_EMBEDDING = {"static": 0.55, "minilm": 0.35}
#: The threshold with the default (static) embedding.
EMERGENT_BELOW = EMERGENT_BELOW_BY_EMBEDDING["static"]


#: Everyday sentences about anything but what feedback and impact codebooks deal in (care, work, learning,
#: money, organisations, people). Their mean embedding is the encoder's "ordinary text" direction, removed
#: before topic and theme vectors are compared; a subject named here would be discounted in every theme.
REFERENCE_SENTENCES: tuple[str, ...] = (
    "The train to the coast leaves every hour from the main station.",
    "Add the onions to the pan and cook them until they are soft.",
    "The match ended in a draw after a late goal in the second half.",
    "The ferry crossed the bay in forty minutes.",
    "The new phone has a larger screen and a longer battery life.",
    "Heavy rain is expected across the region over the weekend.",
    "She planted tomatoes and beans in the garden last spring.",
    "The museum's new exhibition covers three centuries of painting.",
    "Our flight was delayed by two hours because of fog.",
    "The software update fixes several bugs and makes the app faster.",
    "He plays the guitar in the evenings.",
    "The old bridge over the river is built of stone.",
    "The recipe needs two eggs, a cup of flour and some milk.",
    "The band played their greatest hits to a sold-out crowd.",
    "A fox crossed the field at dusk.",
    "The cat sleeps on the windowsill most afternoons.",
    "A new cafe has opened on the corner of the high street.",
    "The mountain path is steep but the views are worth it.",
    "The lighthouse stands on a rock at the end of the pier.",
    "The children built a sandcastle on the beach.",
    "The bicycle has a new bell and a basket.",
    "The novel is set in a small fishing village in the north.",
    "The kettle takes a long time to boil.",
    "They painted the kitchen a pale shade of yellow.",
)

def seed_words(codebook) -> list[list[str]]:
    """BERTopic seed words per theme: its keyword patterns, a trailing ``*`` removed (codebook order)."""
    out = []
    for theme in codebook.themes:
        words = list(dict.fromkeys(k.rstrip("*") for k in theme.keywords if k.rstrip("*")))
        out.append(words or [theme.label.lower()])
    return out


def reference_direction(encoder) -> np.ndarray:
    """The encoder's everyday-language direction: the mean embedding of :data:`REFERENCE_SENTENCES`."""
    return encoder.encode(list(REFERENCE_SENTENCES)).astype(np.float64).mean(axis=0)


def theme_vectors(codebook, encoder) -> np.ndarray:
    """One unit vector per theme (codebook order): the mean embedding of ``label: definition`` and its
    examples."""
    rows = []
    for theme in codebook.themes:
        texts = [f"{theme.label}: {theme.definition}", *theme.examples]
        rows.append(unit(encoder.encode(texts).astype(np.float64)).mean(axis=0))
    return unit(np.vstack(rows)) if rows else np.zeros((0, encoder.dim))


def centred_cosine(a: np.ndarray, b: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Cosine similarities of the rows of ``a`` and ``b`` after subtracting ``centre`` from both."""
    return unit(np.atleast_2d(a) - centre) @ unit(np.atleast_2d(b) - centre).T




def default_emergent_below(embedding: str) -> float:
    """The emergent threshold for ``embedding`` (:data:`EMERGENT_BELOW_BY_EMBEDDING`; the static model's for
    any other name)."""
    return EMERGENT_BELOW_BY_EMBEDDING.get(embedding, EMERGENT_BELOW)


def mappable(codebook) -> np.ndarray:
    """A boolean per theme (codebook order): True unless the theme is marked ``catch_all``."""
    return np.array([not getattr(t, "catch_all", False) for t in codebook.themes], dtype=bool)


def nearest_themes(topic_vectors: np.ndarray, codebook, encoder, *,
                   emergent_below: float = EMERGENT_BELOW) -> tuple[pd.DataFrame, np.ndarray]:
    """Map topic centroids onto a codebook's themes.

    ``topic_vectors`` is ``(topics, dim)`` (the mean embedding of each topic's passages). Returns a frame
    with ``theme``, ``theme_label``, ``similarity`` and ``emergent`` per row, and the full
    ``(topics, themes)`` similarity matrix (centred cosines, see the module docstring). The nearest theme is
    chosen among the themes not marked ``catch_all``; when every theme is one, ``theme`` is None and every
    topic is emergent.
    """
    vectors = np.atleast_2d(np.asarray(topic_vectors, dtype=np.float64))
    themes = theme_vectors(codebook, encoder)
    sim = centred_cosine(vectors, themes, reference_direction(encoder)) if len(themes) and len(vectors) else \
        np.zeros((len(vectors), len(themes)))
    allowed = mappable(codebook) if len(themes) else np.zeros(0, dtype=bool)
    if not allowed.any():
        frame = pd.DataFrame({"theme": [None] * len(vectors), "theme_label": [None] * len(vectors),
                              "similarity": [np.nan] * len(vectors), "emergent": [True] * len(vectors)})
        return frame, sim
    candidates = np.where(allowed, sim, -np.inf)
    best = candidates.argmax(axis=1)
    ids = np.asarray(codebook.theme_ids, dtype=object)
    labels = np.asarray([t.label for t in codebook.themes], dtype=object)
    score = sim[np.arange(len(vectors)), best].round(4)
    frame = pd.DataFrame({"theme": ids[best], "theme_label": labels[best], "similarity": score,
                          "emergent": score < emergent_below})
    return frame, sim
