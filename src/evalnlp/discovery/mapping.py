"""Mapping topics onto a codebook: theme vectors, centred cosine similarity, the nearest theme, and whether a
topic is emergent.

A topic's centroid is the mean embedding of its passages; a theme's vector is the mean embedding of
``label: definition`` and its examples. Both are centred on the encoder's everyday-language direction (the
mean embedding of :data:`REFERENCE_SENTENCES`) before the cosine is taken: static sentence vectors share a
common direction that makes every pair of texts look similar, and removing it makes the similarity reflect
what the texts are about.

The nearest theme and its similarity are reported; a topic whose best similarity is below
:data:`EMERGENT_BELOW` is **emergent**: the codebook has no theme near it.

Choosing :data:`EMERGENT_BELOW` (0.40, with the static model). Topics made of everyday text about
subjects no codebook covers (astronomy, cars, knitting, chess, volcanoes, football, cooking; six sentences
each) reach at most 0.35 against any theme of ``impact`` or ``fft`` (most stay below 0.25), while every topic
found in 10,000 FFT comments reaches at least 0.56 against the ``fft`` codebook, and a topic made of a
theme's own examples reaches 0.98 against that theme. On the demo survey the topics below 0.40 are the ones
no impact theme describes: answers such as "N/A", cohort names, the venue and the residential week. It is a
parameter (``emergent_below``): raise it to see more candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalnlp.discovery.backend import unit

__all__ = ["EMERGENT_BELOW", "REFERENCE_SENTENCES", "centred_cosine", "nearest_themes",
           "reference_direction", "seed_words", "theme_vectors"]

#: A topic whose best similarity to any theme is below this is emergent (see the module docstring).
EMERGENT_BELOW = 0.40


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




def nearest_themes(topic_vectors: np.ndarray, codebook, encoder, *,
                   emergent_below: float = EMERGENT_BELOW) -> tuple[pd.DataFrame, np.ndarray]:
    """Map topic centroids onto a codebook's themes.

    ``topic_vectors`` is ``(topics, dim)`` (the mean embedding of each topic's passages). Returns a frame
    with ``theme``, ``theme_label``, ``similarity`` and ``emergent`` per row, and the full
    ``(topics, themes)`` similarity matrix (centred cosines, see the module docstring).
    """
    vectors = np.atleast_2d(np.asarray(topic_vectors, dtype=np.float64))
    themes = theme_vectors(codebook, encoder)
    sim = centred_cosine(vectors, themes, reference_direction(encoder)) if len(themes) and len(vectors) else \
        np.zeros((len(vectors), len(themes)))
    if sim.shape[1] == 0:
        frame = pd.DataFrame({"theme": [None] * len(vectors), "theme_label": [None] * len(vectors),
                              "similarity": [np.nan] * len(vectors), "emergent": [True] * len(vectors)})
        return frame, sim
    best = sim.argmax(axis=1)
    ids = np.asarray(codebook.theme_ids, dtype=object)
    labels = np.asarray([t.label for t in codebook.themes], dtype=object)
    score = sim[np.arange(len(vectors)), best].round(4)
    frame = pd.DataFrame({"theme": ids[best], "theme_label": labels[best], "similarity": score,
                          "emergent": score < emergent_below})
    return frame, sim
