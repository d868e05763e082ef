"""Theme discovery: BERTopic over the store's passages, guided by a codebook and mapped back onto it.

What :func:`discover_topics` does
---------------------------------
1. **Passages.** The store's response and sentence segments (testimonials are left out: their words are
   already inside a sentence segment), optionally only those coded with one theme (human codes first, as in
   the evidence tables), of one group of an attribute, or answering one question. Fewer than
   :data:`MIN_PASSAGES` passages is an error (E390): topics found in so few would be noise.
2. **Embeddings, always local.** Every passage is embedded by :func:`evalnlp.embeddings.get_encoder`: the
   shipped static model by default, MiniLM with ``embedding="minilm"``. BERTopic gets these precomputed
   vectors and a small backend wrapping the same encoder (for the seed words and the KeyBERT-inspired
   keywords), so it never loads a model of its own and never reaches the network. Before embedding, a
   passage's surrounding punctuation and repeated blanks are dropped, so "Nothing." and "nothing" land on
   the same point instead of forming two topics.
3. **Guidance: seed words.** Each theme's keyword patterns (``particip*`` read as ``particip``) become a
   BERTopic ``seed_topic_list`` entry. BERTopic nudges passages near a theme's seed words towards each other
   (a semi-supervised UMAP target and a quarter of the seed topic's embedding mixed into theirs) and weights
   seed words up in c-TF-IDF. Seed words were chosen over zero-shot topics (``zeroshot_topic_list``): zero-shot
   topics take every passage above a fixed similarity straight into a theme's topic, a cut-off that means
   different things for different embedding models and hides how the codebook's themes split into finer
   topics; seeding only nudges, so themes the codebook knows still surface as topics (and are then mapped
   onto their theme) while passages about other things are free to form emergent topics.
4. **Topics.** UMAP (5 dimensions, cosine, ``random_state=seed``, a PCA start, 200 layout epochs or 100
   above :data:`FEWER_EPOCHS_ABOVE` passages; the neighbour graph is computed exactly up to
   :data:`EXACT_KNN_MAX` passages, which is faster than UMAP's approximate search and needs no numba
   compilation) and HDBSCAN (``min_cluster_size=min_topic_size``, excess of mass, no topic larger than a
   third of the passages, so that one loose mass does not swallow the corpus), both deterministic: the same
   passages and seed give the same topics. Topics whose centroids are nearly identical (:data:`MERGE_ABOVE`:
   pieces of one mass of identical answers) are merged. Passages that fit no topic are HDBSCAN's outliers
   (topic -1); they are counted, not listed as a topic. Keywords come from c-TF-IDF (English stop words
   removed, but *nothing*, *none*, *no* and *never* kept, because "nothing to improve" is a theme of its
   own; bare numbers dropped) and from BERTopic's ``KeyBERTInspired`` representation. A topic's examples are
   its passages nearest its centroid, without repeats and (by default) de-identified.
5. **Mapping onto the codebook.** A topic's centroid is the mean embedding of its passages; a theme's vector
   is the mean embedding of ``label: definition`` and its examples. Both are centred on the encoder's
   everyday-language direction (the mean embedding of :data:`REFERENCE_SENTENCES`, generic sentences about
   anything but feedback) before the cosine is taken: static sentence vectors share a common direction that
   makes every pair of texts look similar, and removing it makes the similarity reflect what the texts are
   about. The nearest theme and its similarity are reported; a topic whose best similarity is below
   :data:`EMERGENT_BELOW` is **emergent**: the codebook has no theme near it, and ``--suggest`` drafts one.

Choosing :data:`EMERGENT_BELOW` (0.40, with the static model). Topics made of everyday text about
subjects no codebook covers (astronomy, cars, knitting, chess, volcanoes, football, cooking; six sentences
each) reach at most 0.35 against any theme of ``impact`` or ``fft`` (most stay below 0.25), while every topic
found in 10,000 FFT comments reaches at least 0.56 against the ``fft`` codebook, and a topic made of a
theme's own examples reaches 0.98 against that theme. On the demo survey the topics below 0.40 are the ones
no impact theme describes: answers such as "N/A", cohort names, the venue and the residential week. It is a
parameter (``emergent_below``): raise it to see more candidates.

Error codes: E390 too few passages; E391 ``by``/``group`` given without the other, or a group that no
document has; E392 a question no document answers; E393 an output or suggestion file of an unsupported
type; E394 no passage coded with the theme asked for; E395 an invalid parameter; E501 the ``topics`` extra
(bertopic) is not installed.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from evalnlp.errors import ModelError, missing_extra

__all__ = [
    "EMERGENT_BELOW",
    "EXACT_KNN_MAX",
    "FEWER_EPOCHS_ABOVE",
    "MERGE_ABOVE",
    "MIN_PASSAGES",
    "OUTPUT_TYPES",
    "REFERENCE_SENTENCES",
    "TOPIC_JSON_KEYS",
    "Discovery",
    "auto_min_topic_size",
    "centred_cosine",
    "check_output",
    "check_suggestion",
    "discover_topics",
    "discovery_passages",
    "embedding_text",
    "exact_knn",
    "nearest_themes",
    "reference_direction",
    "render_html",
    "render_markdown",
    "require_topics_extra",
    "same_topics",
    "seed_words",
    "suggest_codebook",
    "theme_vectors",
    "umap_epochs",
    "write_discovery",
    "write_suggestion",
]

#: Fewer passages than this (after filters) is an error: topics need a corpus.
MIN_PASSAGES = 50
#: A topic whose best similarity to any theme is below this is emergent (see the module docstring).
EMERGENT_BELOW = 0.40
#: Up to this many passages the UMAP neighbour graph is computed exactly (blocked matrix products).
EXACT_KNN_MAX = 40_000
#: Above this many passages UMAP runs 100 layout epochs instead of 200 (see :func:`umap_epochs`).
FEWER_EPOCHS_ABOVE = 5_000
#: Topics whose centroids are more similar than this are one topic cut in pieces, and are merged.
MERGE_ABOVE = 0.98
#: Keywords kept per topic, and representative passages.
N_KEYWORDS = 10
N_EXAMPLES = 3
#: Output files :func:`write_discovery` writes, by extension.
OUTPUT_TYPES = (".json", ".html", ".md")
#: The keys of each topic in the JSON output, in order.
TOPIC_JSON_KEYS = ("topic", "size", "keywords", "theme", "similarity", "emergent", "examples")

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

# Words that carry meaning in feedback although stop-word lists drop them.
_KEEP_WORDS = frozenset({"nothing", "none", "no", "never"})
# Pieces of contractions ("I've", "we'll", "you're") that the tokenizer leaves behind.
_EXTRA_STOP_WORDS = frozenset({"ve", "ll", "re"})
# Words of two or more characters with at least one letter: bare numbers ("000", "2024") are not keywords.
_TOKEN_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_BLANKS = re.compile(r"\s+")


# ---------------------------------------------------------------------------------------------- results


@dataclass
class Discovery:
    """Topics found in a store's passages and their map onto a codebook.

    ``topics`` has one row per topic (largest first; outliers are not a topic): ``topic``, ``size``,
    ``keywords`` (c-TF-IDF), ``keybert`` (KeyBERT-inspired keywords), ``label``, ``theme`` (nearest codebook
    theme, None for an empty codebook), ``theme_label``, ``similarity``, ``emergent`` and ``examples``.
    ``passages`` has one row per passage used: ``seg_id``, ``doc_id``, ``text`` and ``topic`` (-1 for an
    outlier). ``similarity`` is the topic-by-theme matrix of centred cosines (index topic, columns theme ids).
    ``model`` is the fitted BERTopic model, for its own plots.
    """

    topics: pd.DataFrame
    passages: pd.DataFrame
    similarity: pd.DataFrame
    codebook_id: str
    embedding: str
    encoder_sha256: str
    seed: int
    min_topic_size: int
    emergent_below: float
    guided: bool
    filters: dict[str, Any] = field(default_factory=dict)
    model: Any = field(default=None, repr=False)
    run_id: str | None = None
    outputs: list[Path] = field(default_factory=list)

    @property
    def n_passages(self) -> int:
        return int(len(self.passages))

    @property
    def n_outliers(self) -> int:
        return int((self.passages["topic"] == -1).sum()) if len(self.passages) else 0

    @property
    def emergent(self) -> pd.DataFrame:
        """The emergent topics only."""
        return self.topics[self.topics["emergent"]]

    def to_json(self) -> dict[str, Any]:
        """The ``discover --output FILE.json`` contract: ``{"topics": [{topic, size, keywords, theme,
        similarity, emergent, examples}]}``."""
        return {"topics": [
            {"topic": int(r.topic), "size": int(r.size), "keywords": list(r.keywords),
             "theme": None if r.theme is None else str(r.theme),
             "similarity": None if r.similarity is None or r.similarity != r.similarity else float(r.similarity),
             "emergent": bool(r.emergent), "examples": list(r.examples)}
            for r in self.topics.itertuples(index=False)
        ]}

    def store_frame(self) -> pd.DataFrame:
        """The topics as :meth:`evalnlp.store.Store.replace_topics` takes them (JSON text for the lists)."""
        t = self.topics
        return pd.DataFrame({
            "topic": t["topic"].astype(int), "size": t["size"].astype(int),
            "keywords": [json.dumps(list(k), ensure_ascii=False) for k in t["keywords"]],
            "theme": t["theme"].astype(object), "similarity": t["similarity"].astype(float),
            "emergent": t["emergent"].astype(bool),
            "examples": [json.dumps(list(e), ensure_ascii=False) for e in t["examples"]],
        })


# ---------------------------------------------------------------------------------------------- passages


def discovery_passages(store, codebook, *, theme: str | None = None, by: str | None = None,
                       group: str | None = None, question: str | None = None) -> pd.DataFrame:
    """The passages to look for topics in: seg_id, doc_id and text, in the store's stable order.

    ``theme`` keeps passages whose effective codes (human where any, else the latest machine run) assign
    that theme; ``by`` and ``group`` keep the documents whose attribute ``by`` (a metadata key, ``question``,
    ``source`` or ``kind``) has the value ``group``; ``question`` keeps the answers to one question.
    """
    if (by is None) != (group is None):
        raise ModelError("E391", "give --by ATTR and --group VALUE together (the documents whose attribute ATTR "
                         f"is VALUE); got only {'--by' if by is not None else '--group'}")
    passages = store.coded_passages()
    if passages.empty:
        raise ModelError("E390", f"the store {store.path!r} has no passages to find topics in; run "
                         "`evalnlp ingest FILE` first")
    passages = passages[passages["seg_kind"] != "testimonial"]
    if question is not None:
        asked = passages["question"].dropna().unique().tolist()
        if question not in asked:
            from evalnlp.util import did_you_mean

            listed = "; ".join(repr(q) for q in sorted(asked)) or "none (no document has a question)"
            raise ModelError("E392", f"no document answers the question {question!r}.{did_you_mean(question, asked)} "
                             f"The questions in this store are: {listed}")
        passages = passages[passages["question"] == question]
    if by is not None:
        from evalnlp.corpus import load_corpus

        with load_corpus(store, codebook) as corpus:
            groups = corpus.group_values(by)
        if str(group) not in set(groups):
            found = sorted(set(groups))
            shown = ", ".join(repr(g) for g in found[:20]) + (" ..." if len(found) > 20 else "")
            raise ModelError("E391", f"no document has {by} = {group!r}; the values of {by!r} found are: {shown}")
        keep = set(groups.index[groups == str(group)])
        passages = passages[passages["doc_id"].isin(keep)]
    if theme is not None:
        codebook.get(theme)  # E220 for a theme the codebook does not have
        codes = store.effective_codes(assigned_only=True, themes=codebook.theme_ids)
        coded = set(codes.loc[codes["theme"] == theme, "seg_id"])
        if not coded:
            raise ModelError("E394", f"no passage in the store is coded with the theme {theme!r}; code the "
                             f"passages first (`evalnlp classify --codebook {codebook.id}`) or drop --theme")
        passages = passages[passages["seg_id"].isin(coded)]
    passages = passages[passages["text"].str.strip() != ""]
    return passages[["seg_id", "doc_id", "text"]].reset_index(drop=True)


def embedding_text(text: str) -> str:
    """The text embedded for discovery: blanks collapsed, punctuation at either end dropped."""
    cleaned = _EDGE_PUNCT.sub("", _BLANKS.sub(" ", text).strip())
    return cleaned or text.strip()


# ---------------------------------------------------------------------------------------------- codebook


def seed_words(codebook) -> list[list[str]]:
    """BERTopic seed words per theme: its keyword patterns, a trailing ``*`` removed (codebook order)."""
    out = []
    for theme in codebook.themes:
        words = list(dict.fromkeys(k.rstrip("*") for k in theme.keywords if k.rstrip("*")))
        out.append(words or [theme.label.lower()])
    return out


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix, dtype=np.float64), where=norms > 0)


def reference_direction(encoder) -> np.ndarray:
    """The encoder's everyday-language direction: the mean embedding of :data:`REFERENCE_SENTENCES`."""
    return encoder.encode(list(REFERENCE_SENTENCES)).astype(np.float64).mean(axis=0)


def theme_vectors(codebook, encoder) -> np.ndarray:
    """One unit vector per theme (codebook order): the mean embedding of ``label: definition`` and its
    examples."""
    rows = []
    for theme in codebook.themes:
        texts = [f"{theme.label}: {theme.definition}", *theme.examples]
        rows.append(_unit(encoder.encode(texts).astype(np.float64)).mean(axis=0))
    return _unit(np.vstack(rows)) if rows else np.zeros((0, encoder.dim))


def centred_cosine(a: np.ndarray, b: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Cosine similarities of the rows of ``a`` and ``b`` after subtracting ``centre`` from both."""
    return _unit(np.atleast_2d(a) - centre) @ _unit(np.atleast_2d(b) - centre).T


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


# ---------------------------------------------------------------------------------------------- topics


def auto_min_topic_size(n: int) -> int:
    """The default smallest topic: one passage in a hundred, at least 5 and at most 50."""
    return int(min(50, max(5, round(n / 100))))


def require_topics_extra() -> None:
    """E501 naming ``pip install "evalnlp[topics]"`` when bertopic, umap-learn or hdbscan is missing.

    Checked without importing them (importing BERTopic takes seconds).
    """
    import importlib.util
    import sys

    for module, package in (("bertopic", "bertopic"), ("umap", "umap-learn"), ("hdbscan", "hdbscan")):
        if module in sys.modules:
            found = sys.modules[module] is not None
        else:
            try:
                found = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                found = False
        if not found:
            raise missing_extra(package, "topics", "Theme discovery (evalnlp discover)")


def _import_bertopic():
    """BERTopic and its parts, or E501 naming the ``topics`` extra."""
    from evalnlp.embeddings import _set_offline

    _set_offline()
    try:
        from bertopic import BERTopic
        from bertopic.backend import BaseEmbedder
        from bertopic.representation import KeyBERTInspired
        from bertopic.vectorizers import ClassTfidfTransformer
    except ImportError as exc:
        raise missing_extra("bertopic", "topics", "Theme discovery (evalnlp discover)") from exc
    try:
        from hdbscan import HDBSCAN
        from umap import UMAP
    except ImportError as exc:
        raise missing_extra(getattr(exc, "name", None) or "umap-learn", "topics",
                            "Theme discovery (evalnlp discover)") from exc
    _cache_umap_kernels()
    return BERTopic, BaseEmbedder, KeyBERTInspired, ClassTfidfTransformer, HDBSCAN, UMAP


_KERNELS_CACHED = False


def _cache_umap_kernels() -> None:
    """Keep UMAP's compiled numba kernels on disk between runs.

    UMAP marks only a few of its numba functions ``cache=True``; the others (the neighbour-graph weights and
    the layout epoch among them) are compiled again in every new process, several seconds of a 10,000-passage
    run. This switches numba's own cache on for them (``Dispatcher.enable_caching``, what ``cache=True``
    does): the compiled code goes to the package's ``__pycache__`` when that is writable, else to numba's
    user cache folder (``NUMBA_CACHE_DIR``), and numba recompiles whenever UMAP's source changes. A function
    numba cannot cache is left as it was.
    """
    global _KERNELS_CACHED
    if _KERNELS_CACHED:
        return
    _KERNELS_CACHED = True
    try:
        import umap.layouts
        import umap.umap_
        from numba.core.dispatcher import Dispatcher
    except ImportError:
        return
    for module in (umap.umap_, umap.layouts):
        for value in list(vars(module).values()):
            if (isinstance(value, Dispatcher) and getattr(value.py_func, "__module__", None) == module.__name__
                    and type(getattr(value, "_cache", None)).__name__ == "NullCache"):
                try:
                    value.enable_caching()
                except Exception:  # noqa: BLE001 - numba raises RuntimeError or its own errors when it cannot
                    continue


def _encoder_backend(base_cls, encoder):
    """A BERTopic embedding backend that embeds with ``encoder`` (never a model of BERTopic's choosing)."""

    class EncoderBackend(base_cls):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder

        def embed(self, documents, verbose: bool = False) -> np.ndarray:  # noqa: ARG002 - BERTopic's signature
            return self.encoder.encode([str(d) for d in documents])

    return EncoderBackend()


def exact_knn(embeddings: np.ndarray, k: int, *, seed: int = 0, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest rows by cosine distance (itself first), for unit-length ``embeddings``.

    Computed in blocks of ``block`` rows. Exact duplicates (many identical answers such as "Nothing") are
    all equally near, so among them the neighbours are drawn at random (seeded by ``seed``): always taking
    the lowest indices instead would cut the duplicates into cliques of ``k`` that UMAP places apart, and
    one answer would come out as several topics.
    """
    n = len(embeddings)
    x = np.ascontiguousarray(embeddings, dtype=np.float32)
    rng = np.random.default_rng(seed)
    indices = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = x[start:start + block] @ x.T
        rows = np.arange(sims.shape[0])
        same = sims >= np.float32(1.0 - 1e-6)
        sims[same] = np.float32(1.0) - rng.random(int(same.sum()), dtype=np.float32) * np.float32(1e-6)
        sims[rows, rows + start] = 2.0  # itself first
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=1)  # most similar first; equal ones by index
        indices[start:start + block] = np.take_along_axis(part, order, axis=1)
        distances[start:start + block] = np.take_along_axis(part_sims, order, axis=1)
    np.subtract(1.0, distances, out=distances)
    np.clip(distances, 0.0, 2.0, out=distances)
    distances[:, 0] = 0.0
    return indices, distances


def umap_epochs(n: int) -> int:
    """UMAP layout epochs: 200 up to :data:`FEWER_EPOCHS_ABOVE` passages, 100 above.

    A seeded layout runs on one core, and its epochs are most of discovery's time on a large corpus. On
    10,000 FFT comments 100 epochs instead of 200 halve that time; the topics then agree with the 200-epoch
    ones about as well as two 200-epoch seeds agree with each other (adjusted Rand 0.66-0.68 against 0.73),
    with the same purity against the human FFT categories (see bench/results/discovery.md).
    """
    return 200 if n <= FEWER_EPOCHS_ABOVE else 100


def _stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted((set(ENGLISH_STOP_WORDS) | _EXTRA_STOP_WORDS) - _KEEP_WORDS)


class _ExactNeighboursUMAP:
    """UMAP whose neighbour graph is computed exactly on the vectors it is given (see :func:`exact_knn`).

    BERTopic hands its dimensionality model the embeddings after guided modelling has moved them, so the
    graph has to be built here, not beforehand. The layout starts from PCA: UMAP's spectral start is not
    reproducible between processes when the neighbour graph falls into several components (duplicate
    answers such as "N/A" do that), and a seeded PCA start is. Above :data:`EXACT_KNN_MAX` rows UMAP's own approximate
    search is used. ``transform`` is not offered: discovery only fits.
    """

    def __init__(self, umap_cls, **umap_args: Any):
        self.umap_cls = umap_cls
        self.seed = umap_args.get("random_state") or 0
        self.umap_args = umap_args
        self.umap_ = None

    def fit_transform(self, X, y=None) -> np.ndarray:
        x = np.asarray(X, dtype=np.float32)
        args = dict(self.umap_args)
        if len(x) <= EXACT_KNN_MAX:
            knn = exact_knn(_unit(x).astype(np.float32), args["n_neighbors"], seed=self.seed)
            args["precomputed_knn"] = (*knn, None)
        self.umap_ = self.umap_cls(**args)
        with warnings.catch_warnings():
            # UMAP warns that a seed disables parallelism and that transform() needs its own search index.
            warnings.simplefilter("ignore")
            return self.umap_.fit_transform(x, y=y)

    def fit(self, X, y=None) -> "_ExactNeighboursUMAP":
        self.fit_transform(X, y)
        return self


def _fit(texts: list[str], embeddings: np.ndarray, encoder, *, seeds: list[list[str]] | None, min_topic_size: int,
         seed: int):
    """Fit BERTopic on ``texts`` with precomputed ``embeddings``; return the model and topic per passage."""
    BERTopic, BaseEmbedder, KeyBERTInspired, ClassTfidfTransformer, HDBSCAN, UMAP = _import_bertopic()
    from sklearn.feature_extraction.text import CountVectorizer

    n = len(texts)
    reducer = _ExactNeighboursUMAP(UMAP, n_neighbors=int(min(15, n - 1)), n_components=5, min_dist=0.0,
                                   metric="cosine", random_state=seed, n_epochs=umap_epochs(n), init="pca")
    clusterer = HDBSCAN(min_cluster_size=min_topic_size, min_samples=max(2, min_topic_size // 5),
                        max_cluster_size=max(2 * min_topic_size, n // 3), metric="euclidean",
                        cluster_selection_method="eom", prediction_data=False)
    model = BERTopic(
        embedding_model=_encoder_backend(BaseEmbedder, encoder),
        umap_model=reducer,
        hdbscan_model=clusterer,
        vectorizer_model=CountVectorizer(stop_words=_stop_words(), token_pattern=_TOKEN_PATTERN, ngram_range=(1, 2),
                                         min_df=2 if n >= 500 else 1),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model={"KeyBERT": KeyBERTInspired(top_n_words=N_KEYWORDS, nr_candidate_words=4 * N_KEYWORDS,
                                                          random_state=seed)},
        seed_topic_list=seeds,
        top_n_words=3 * N_KEYWORDS,
        calculate_probabilities=False,
        verbose=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        topics, _ = model.fit_transform(texts, embeddings.copy())  # guided modelling edits embeddings in place
        topics = np.asarray(topics, dtype=np.int64)
        same = same_topics(topics, embeddings)
        if same:
            model.merge_topics(texts, same)
            topics = np.asarray(model.topics_, dtype=np.int64)
    return model, topics


def same_topics(topics: np.ndarray, embeddings: np.ndarray, above: float = MERGE_ABOVE) -> list[list[int]]:
    """Groups of topics whose centroids are closer than ``above`` (cosine): the same content.

    HDBSCAN can cut one dense mass of identical answers ("Nothing", "N/A") into several clusters, above all
    when the largest topic size is capped; such topics are merged back. Distinct topics stay well apart
    (on 10,000 FFT comments no two reach 0.93).
    """
    ids = sorted(int(t) for t in set(topics.tolist()) if t != -1)
    if len(ids) < 2:
        return []
    centroids = np.vstack([_unit(embeddings[topics == t].astype(np.float64).mean(axis=0)) for t in ids])
    close = centroids @ centroids.T >= above
    parent = list(range(len(ids)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(close, 1))):
        parent[root(int(j))] = root(int(i))
    groups: dict[int, list[int]] = {}
    for i, t in enumerate(ids):
        groups.setdefault(root(i), []).append(t)
    return [g for g in groups.values() if len(g) > 1]


def _distinct_keywords(words: Sequence[str], n: int, drop: frozenset[str] = frozenset(), *,
                       overlap: bool = False) -> list[str]:
    """The first ``n`` distinct words or phrases.

    A word or phrase whose words are all listed already is skipped (``overlap=True``: one sharing any word
    with those listed), and so are a phrase repeating a word (c-TF-IDF joins a topic's passages, so "Nothing."
    twice gives "nothing nothing") and one containing a ``drop`` word (people's first names).
    """
    kept: list[str] = []
    seen: set[str] = set()
    for word in words:
        word = " ".join(str(word).split())
        tokens = set(word.split())
        if not word or tokens & drop or len(tokens) < len(word.split()):  # "nothing nothing": two answers run on
            continue
        if tokens <= seen or (overlap and tokens & seen):
            continue
        kept.append(word)
        seen.update(tokens)
        if len(kept) == n:
            break
    return kept


def _name_words() -> frozenset[str]:
    from evalnlp.redact import FIRST_NAMES

    return frozenset(name.lower() for name in FIRST_NAMES)


def _examples(texts: list[str], vectors: np.ndarray, centroid: np.ndarray, n: int) -> list[str]:
    """The ``n`` passages nearest the centroid, whitespace collapsed, without repeats."""
    order = np.argsort(-(vectors @ centroid), kind="stable")
    out: list[str] = []
    seen: set[str] = set()
    for i in order:
        text = _BLANKS.sub(" ", texts[i]).strip()
        key = embedding_text(text).casefold()
        if key in seen:
            continue
        seen.add(key)
        out.append(text)
        if len(out) == n:
            break
    return out


def _label(keybert: list[str], keywords: list[str], examples: list[str]) -> str:
    """A short name: three KeyBERT-inspired (then c-TF-IDF) keywords sharing no word, else the top example."""
    words = _distinct_keywords([*keybert, *keywords], 3, overlap=True)
    if words:
        return ", ".join(words)
    return (examples[0][:40] if examples else "(no words)")


def discover_topics(passages: pd.DataFrame, codebook, *, embedding: str = "static",
                    min_topic_size: int | None = None, seed: int = 0, guided: bool = True,
                    emergent_below: float = EMERGENT_BELOW, n_examples: int = N_EXAMPLES, redact: bool = True,
                    filters: dict[str, Any] | None = None, keep_names: Sequence[str] = ()) -> Discovery:
    """Find topics in ``passages`` (seg_id, doc_id, text) and map them onto ``codebook``.

    See the module docstring for the method. ``min_topic_size`` defaults to :func:`auto_min_topic_size`;
    ``redact`` de-identifies the example passages (:func:`evalnlp.redact.redact_many`) and drops people's
    first names from the keywords; names in ``keep_names`` stay in the examples.
    """
    from evalnlp.embeddings import get_encoder

    _check_params(min_topic_size=min_topic_size, seed=seed, emergent_below=emergent_below, n_examples=n_examples)
    require_topics_extra()
    n = len(passages)
    if n < MIN_PASSAGES:
        raise ModelError("E390", f"theme discovery needs at least {MIN_PASSAGES} passages to find topics in; "
                         f"found {n}{' after the filters' if filters else ''}. Ingest more text, or drop "
                         "--theme/--by/--question to look across the whole store")
    size = int(min_topic_size) if min_topic_size is not None else auto_min_topic_size(n)
    if size > n // 2:
        raise ModelError("E395", f"--min-topic-size {size} is too large for {n} passages: at most {n // 2} "
                         "(two topics) can be found; give a smaller size")
    encoder = get_encoder(embedding)
    texts = passages["text"].astype(str).tolist()
    embeddings = encoder.encode([embedding_text(t) for t in texts])
    model, topics = _fit(texts, embeddings, encoder, seeds=seed_words(codebook) if guided else None,
                         min_topic_size=size, seed=seed)
    ids = sorted(int(t) for t in set(topics.tolist()) if t != -1)
    drop = _name_words() if redact else frozenset()
    rows, centroids = [], []
    for t in ids:
        members = np.flatnonzero(topics == t)
        centroid = _unit(embeddings[members].astype(np.float64).mean(axis=0))
        centroids.append(centroid)
        words = [w for w, _ in (model.get_topic(t) or [])]
        aspects = getattr(model, "topic_aspects_", {}) or {}
        keybert = [w for w, _ in aspects.get("KeyBERT", {}).get(t, [])]
        member_texts = [texts[i] for i in members]
        rows.append({"topic": t, "size": int(len(members)),
                     "keywords": _distinct_keywords(words, N_KEYWORDS, drop),
                     "keybert": _distinct_keywords(keybert, N_KEYWORDS, drop),
                     "examples": _examples(member_texts, embeddings[members], centroid, n_examples)})
    topics_df = pd.DataFrame(rows, columns=["topic", "size", "keywords", "keybert", "examples"])
    if redact and len(topics_df):
        topics_df["examples"] = _redact_examples(topics_df["examples"].tolist(), codebook, keep_names)
    mapped, sim = nearest_themes(np.vstack(centroids) if centroids else np.zeros((0, encoder.dim)), codebook,
                                 encoder, emergent_below=emergent_below)
    topics_df = pd.concat([topics_df, mapped], axis=1)
    topics_df["label"] = [_label(kb, kw, ex) for kb, kw, ex in
                          zip(topics_df["keybert"], topics_df["keywords"], topics_df["examples"])]
    topics_df = topics_df[["topic", "size", "keywords", "keybert", "label", "theme", "theme_label",
                           "similarity", "emergent", "examples"]]
    topics_df = topics_df.sort_values(["size", "topic"], ascending=[False, True], kind="stable").reset_index(drop=True)
    similarity = pd.DataFrame(sim.round(4), index=pd.Index(ids, name="topic"), columns=codebook.theme_ids)
    out_passages = passages[["seg_id", "doc_id", "text"]].reset_index(drop=True).assign(topic=topics)
    return Discovery(topics=topics_df, passages=out_passages, similarity=similarity, codebook_id=codebook.id,
                     embedding=encoder.name, encoder_sha256=encoder.sha256, seed=seed, min_topic_size=size,
                     emergent_below=emergent_below, guided=guided, filters=dict(filters or {}), model=model)


def _redact_examples(examples: list[list[str]], codebook, keep_names: Sequence[str] = ()) -> list[list[str]]:
    from evalnlp.quotes import protect_words
    from evalnlp.redact import redact_many

    flat = [text for group in examples for text in group]
    done = iter(r.text for r in redact_many(flat, protect=protect_words(codebook), keep=keep_names))
    return [[next(done) for _ in group] for group in examples]


def _check_params(*, min_topic_size: int | None, seed: int, emergent_below: float, n_examples: int) -> None:
    def bad(name: str, expected: str, value: Any) -> ModelError:
        return ModelError("E395", f"The {name!r} parameter of discover must be {expected}; got {value!r} instead.")

    def is_int(value: Any) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    if min_topic_size is not None and (not is_int(min_topic_size) or min_topic_size < 2):
        raise bad("min_topic_size", "an int >= 2 (or None for automatic)", min_topic_size)
    if not is_int(seed) or not 0 <= seed < 2**32:
        raise bad("seed", "an int in [0, 2**32)", seed)
    number = isinstance(emergent_below, (int, float)) and not isinstance(emergent_below, bool)
    if not number or not -1 <= emergent_below <= 1:
        raise bad("emergent_below", "a float in [-1, 1]", emergent_below)
    if not is_int(n_examples) or n_examples < 1:
        raise bad("n_examples", "an int >= 1", n_examples)


# ---------------------------------------------------------------------------------------------- suggestions


def _theme_id(words: list[str], taken: set[str]) -> str:
    tokens = list(dict.fromkeys(t for w in words for t in re.sub(r"[^a-z0-9]+", " ", w.lower()).split()))
    base = "_".join(tokens[:3])[:40].strip("_")
    if not base or not base[0].isalpha():
        base = "topic_" + base if base else "topic"
    candidate = f"new_{base}"
    i = 2
    while candidate in taken:
        candidate = f"new_{base}_{i}"
        i += 1
    return candidate


def _draft_label(words: list[str], taken: set[str]) -> str:
    from evalnlp.codebook import _norm_name

    shown = _distinct_keywords(words, 3, overlap=True)
    base = (", ".join(shown[:-1]) + " and " + shown[-1]) if len(shown) > 1 else (shown[0] if shown else "New topic")
    label = base[:1].upper() + base[1:]
    candidate, i = label, 2
    while _norm_name(candidate) in taken:
        candidate = f"{label} ({i})"
        i += 1
    return candidate


def suggest_codebook(discovery: Discovery, codebook):
    """A draft codebook: ``codebook``'s themes followed by one new theme per emergent topic.

    Each new theme has an id and label made from the topic's keywords, a draft definition listing them,
    the keywords usable as keyword patterns, and the topic's examples. Returns the draft
    :class:`~evalnlp.codebook.Codebook` (``sha256`` and ``path`` empty) and the ids of the new themes.
    """
    from evalnlp.codebook import Theme, _keyword_problem, _norm_name

    taken_ids = set(codebook.theme_ids)
    taken_names = {_norm_name(n) for t in codebook.themes for n in (t.id, t.label, *t.aliases)}
    new: list[Theme] = []
    for row in discovery.emergent.itertuples(index=False):
        words = _distinct_keywords([*row.keybert, *row.keywords], N_KEYWORDS)
        patterns = [w for w in dict.fromkeys([*row.keywords, *row.keybert]) if _keyword_problem(w) is None]
        tid = _theme_id(words, taken_ids)
        label = _draft_label(words, taken_names)
        taken_ids.add(tid)
        taken_names.update({_norm_name(tid), _norm_name(label)})
        near = "" if row.theme is None else (
            f" The nearest existing theme is {row.theme} (similarity {row.similarity:.2f}).")
        listed = ", ".join(words) if words else "no distinctive words"
        definition = (f"DRAFT from discovered topic {row.topic} ({row.size} passages): passages mainly about "
                      f"{listed}. Rewrite this as what a passage must report to get this theme.{near}")
        new.append(Theme(id=tid, label=label, definition=definition, keywords=tuple(patterns[:N_KEYWORDS]),
                         examples=tuple(e for e in row.examples if e.strip())))
    draft = dataclasses.replace(
        codebook, id=f"{codebook.id}_draft"[:60], title=f"{codebook.title} (draft extension)",
        version=f"{codebook.version}-draft",
        description=(f"{codebook.description} " if codebook.description else "")
        + f"Draft: {len(new)} theme(s) proposed by `evalnlp discover` from emergent topics; edit before use.",
        themes=tuple(codebook.themes) + tuple(new), sha256="", path="")
    return draft, [t.id for t in new]


def write_suggestion(discovery: Discovery, codebook, path: str | Path) -> Path:
    """Write the draft codebook of :func:`suggest_codebook` as YAML (validated before it is kept)."""
    from evalnlp.codebook import codebook_to_yaml, validate_codebook
    from evalnlp.tablefile import atomic_path

    check_suggestion(path)
    target = Path(path)
    draft, new_ids = suggest_codebook(discovery, codebook)
    header = [
        f"# Draft extension of codebook {codebook.id!r}, written by `evalnlp discover` "
        f"(embedding {discovery.embedding}, seed {discovery.seed}).",
        "# Every theme of the original codebook is kept as it was; the themes proposed from emergent topics are:",
        *(f"#   {tid}" for tid in new_ids),
        *(["#   (none: every topic found is near an existing theme)"] if not new_ids else []),
        "# Their labels, definitions and keywords are drafts made from the topics' keywords (words as written,",
        "# not lemmas), and their examples are the topics' most typical passages: edit all of them, then check",
        "# the file with `evalnlp codebook validate FILE`.",
    ]
    body = codebook_to_yaml(draft).split("\n", 1)[1]
    with atomic_path(target) as tmp:
        tmp.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
        validate_codebook(tmp)
    return target


# ---------------------------------------------------------------------------------------------- writers


def _check_folder(path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelError("E393", f"cannot write {str(path)!r}: the folder {str(folder)!r} does not exist; create "
                         "it first or choose another path")


def check_suggestion(path: str | Path | None) -> None:
    """E393 unless ``path`` is None or a .yaml/.yml file name in an existing folder."""
    if path is None:
        return
    if Path(path).suffix.lower() not in (".yaml", ".yml"):
        raise ModelError("E393", f"--suggest writes a YAML codebook; expected a file name ending in .yaml or "
                         f".yml, got {str(path)!r}")
    _check_folder(Path(path))


def check_output(path: str | Path | None) -> None:
    """E393 unless ``path`` is None or a file name ending in one of :data:`OUTPUT_TYPES` in an existing folder."""
    if path is None:
        return
    if Path(path).suffix.lower() not in OUTPUT_TYPES:
        raise ModelError("E393", f"discover writes {', '.join(OUTPUT_TYPES)} files; got {str(path)!r}. Use "
                         "topics.json (the topics as data), topics.html (plots) or topics.md (a summary)")
    _check_folder(Path(path))


def write_discovery(discovery: Discovery, path: str | Path, *, title: str = "Themes discovered") -> Path:
    """Write ``discovery`` as JSON (the contract), a self-contained HTML page of plots, or Markdown."""
    from evalnlp.tablefile import atomic_path

    check_output(path)
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        text = json.dumps(discovery.to_json(), ensure_ascii=False, indent=2) + "\n"
    elif suffix == ".md":
        text = render_markdown(discovery, title=title)
    else:
        text = render_html(discovery, title=title)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def _md_cell(value: Any) -> str:
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|")


def _describe(discovery: Discovery) -> list[str]:
    filters = ", ".join(f"{k} = {v!r}" for k, v in discovery.filters.items() if v is not None) or "none"
    return [
        f"- Passages: {discovery.n_passages:,} ({discovery.n_outliers:,} fit no topic); filters: {filters}",
        f"- Codebook: `{discovery.codebook_id}`; seed words from its keywords: {'yes' if discovery.guided else 'no'}",
        f"- Embedding: `{discovery.embedding}` (sha256 {discovery.encoder_sha256[:12]}); seed {discovery.seed}; "
        f"smallest topic {discovery.min_topic_size} passages",
        f"- A topic is emergent when its similarity to every theme is below {discovery.emergent_below:.2f}",
    ]


def render_markdown(discovery: Discovery, *, title: str = "Themes discovered") -> str:
    """A readable summary: the topic table, then each topic's keywords and examples."""
    t = discovery.topics
    lines = [f"# {title}", "", *_describe(discovery), "",
             f"{len(t)} topics, {int(t['emergent'].sum()) if len(t) else 0} emergent.", ""]
    if len(t):
        lines += ["| topic | size | label | keywords | nearest theme | similarity | emergent |",
                  "|---:|---:|---|---|---|---:|---|"]
        for r in t.itertuples(index=False):
            sim = "" if r.similarity != r.similarity else f"{r.similarity:.2f}"
            lines.append(f"| {r.topic} | {r.size:,} | {_md_cell(r.label)} | {_md_cell(', '.join(r.keywords))} | "
                         f"{_md_cell(r.theme or '')} | {sim} | {'**yes**' if r.emergent else 'no'} |")
        lines.append("")
        for r in t.itertuples(index=False):
            head = f"## Topic {r.topic}: {r.label}" + (" (emergent)" if r.emergent else "")
            near = f"nearest theme `{r.theme}` ({r.theme_label}), similarity {r.similarity:.2f}" if r.theme else \
                "no theme in the codebook"
            lines += [head, "", f"{r.size:,} passages; {near}.", "",
                      f"- c-TF-IDF keywords: {', '.join(r.keywords) or '(none)'}",
                      f"- KeyBERT-inspired keywords: {', '.join(r.keybert) or '(none)'}", "", "Examples:", ""]
            lines += [f"> {_md_cell(e)}\n" for e in r.examples]
    return "\n".join(lines).rstrip() + "\n"


def _figures(discovery: Discovery) -> tuple[list[tuple[str, Any]], list[str]]:
    """Plotly figures for the HTML page, and notes on those that could not be drawn."""
    import plotly.graph_objects as go

    figures: list[tuple[str, Any]] = []
    notes: list[str] = []
    t = discovery.topics
    model = discovery.model
    n = len(t)
    if n:
        sim = discovery.similarity.loc[t["topic"]]
        labels = [f"{r.topic}: {r.label}" for r in t.itertuples(index=False)]
        heat = go.Figure(go.Heatmap(z=sim.to_numpy(), x=list(sim.columns), y=labels, colorscale="Blues",
                                    zmin=-0.2, zmax=1.0, colorbar={"title": "similarity"}))
        heat.update_layout(title="Topic to theme similarity (centred cosine)", height=max(320, 28 * n + 140),
                           yaxis={"autorange": "reversed"}, template="plotly_white")
        figures.append(("topic-theme", heat))
    plots = [
        ("barchart", "top words per topic", lambda: model.visualize_barchart(top_n_topics=min(n, 16), n_words=8)),
        ("topics", "intertopic distance map", lambda: model.visualize_topics()),
        ("hierarchy", "topic hierarchy", lambda: model.visualize_hierarchy()),
        ("heatmap", "topic similarity", lambda: model.visualize_heatmap()),
    ]
    for key, what, draw in plots:
        if model is None or n < 2:
            notes.append(f"The {what} needs at least two topics.")
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                figures.append((key, draw()))
        except Exception as exc:  # BERTopic's plots fail in assorted ways on small or odd topic sets
            notes.append(f"The {what} could not be drawn for these topics ({type(exc).__name__}: {exc}).")
    return figures, notes


def render_html(discovery: Discovery, *, title: str = "Themes discovered") -> str:
    """One self-contained HTML page: plotly's JavaScript inlined once, BERTopic's plots, the topic table."""
    figures, notes = _figures(discovery)
    parts = []
    for i, (key, fig) in enumerate(figures):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=f"evalnlp-{key}",
                                 config={"displaylogo": False}))
    rows = "".join(
        f"<tr><td>{r.topic}</td><td>{r.size:,}</td><td>{html.escape(r.label)}</td>"
        f"<td>{html.escape(', '.join(r.keywords))}</td><td>{html.escape(r.theme or '')}</td>"
        f"<td>{'' if r.similarity != r.similarity else f'{r.similarity:.2f}'}</td>"
        f"<td>{'yes' if r.emergent else 'no'}</td>"
        f"<td>{'<br>'.join(html.escape(e) for e in r.examples)}</td></tr>"
        for r in discovery.topics.itertuples(index=False))
    about = "".join(f"<li>{html.escape(line[2:]).replace('`', '')}</li>" for line in _describe(discovery))
    note_html = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:80em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:90%}}.note{{color:#666}}</style>
</head><body><h1>{html.escape(title)}</h1><ul>{about}</ul>
{''.join(parts)}{note_html}
<h2>Topics</h2><table><tr><th>topic</th><th>size</th><th>label</th><th>keywords</th><th>nearest theme</th>
<th>similarity</th><th>emergent</th><th>examples</th></tr>{rows}</table>
</body></html>
"""
