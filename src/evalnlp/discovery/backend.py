"""The BERTopic backend of discovery: an exact-neighbour UMAP, HDBSCAN, a stop-word-aware c-TF-IDF vectoriser
and an embedding backend wrapping evalnlp's own encoder, so BERTopic never loads a model or reaches the network.

Nothing here imports BERTopic, UMAP or HDBSCAN at module level: :func:`import_bertopic` does, when a run needs
them (E501 naming the ``topics`` extra when one is missing).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from evalnlp.errors import missing_extra

__all__ = ["CONTRACTION_FRAGMENTS", "EXACT_KNN_MAX", "FEWER_EPOCHS_ABOVE", "FILLER_WORDS", "MERGE_ABOVE",
           "PASSAGE_END", "TOKEN_PATTERN", "exact_knn", "fit_bertopic", "import_bertopic", "keyword_vectorizer",
           "require_topics_extra", "same_topics", "stop_words", "umap_epochs", "unit"]

#: Up to this many passages the UMAP neighbour graph is computed exactly (blocked matrix products).
EXACT_KNN_MAX = 40_000
#: Above this many passages UMAP runs 100 layout epochs instead of 200 (see :func:`umap_epochs`).
FEWER_EPOCHS_ABOVE = 5_000
#: Topics whose centroids are more similar than this are one topic cut in pieces, and are merged.
MERGE_ABOVE = 0.98

#: Ends every passage handed to BERTopic. BERTopic joins a topic's passages with a blank before counting their
#: words; the vectoriser splits them here again, so no phrase is made of one answer's last word and the next
#: one's first ("improve nothing" from "Nothing to improve." twice). BERTopic's own cleaning keeps it.
PASSAGE_END = "\x1e"
#: Words of two or more characters with at least one letter: bare numbers ("000", "2024") are not keywords.
TOKEN_PATTERN = r"(?u)\b(?=\w*[^\W\d_])\w\w+\b"
#: What the tokenizer leaves of English contractions ("didn't" gives "didn" and a dropped "t"; "I've" gives
#: "ve"), and the same words typed without the apostrophe ("dont", "im"), which feedback is full of.
CONTRACTION_FRAGMENTS = frozenset("""
    ain aren couldn didn doesn don hadn hasn haven isn mightn mustn needn shan shouldn wasn weren won wouldn
    ve ll re
    arent couldnt didnt doesnt dont hadnt hasnt havent isnt shouldnt wasnt werent wont wouldnt
    im ive id youre youve theyre theyve weve thats theres whats hes shes
""".split())
#: Fillers scikit-learn's English list lacks that carry no topic in feedback ("just", "really", "did").
FILLER_WORDS = frozenset({"just", "really", "quite", "did", "does", "doing", "actually", "basically"})
# Words that carry meaning in feedback although stop-word lists drop them: "nothing to improve" is a topic.
_KEEP_WORDS = frozenset({"nothing", "none", "no", "never"})


def unit(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float64."""
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix, dtype=np.float64), where=norms > 0)


def stop_words() -> list[str]:
    """The c-TF-IDF stop words: scikit-learn's English list, contraction fragments and fillers, keeping
    *nothing*, *none*, *no* and *never*."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted((set(ENGLISH_STOP_WORDS) | CONTRACTION_FRAGMENTS | FILLER_WORDS) - _KEEP_WORDS)


def keyword_vectorizer(n: int):
    """The CountVectorizer behind c-TF-IDF: words and two-word phrases, :func:`stop_words` removed before the
    phrases are formed (so "couldn't be better" gives "better", not "couldn better"), bare numbers dropped,
    and a word must occur twice from 500 passages up.

    "Twice" counts occurrences, not documents: BERTopic fits this vectoriser on one document per topic (the
    topic's passages joined), so a document frequency (``min_df``) would drop every word only one topic
    uses, the words that tell that topic apart, and could leave a topic with no keywords at all.
    """
    return _min_count_vectorizer_class()(stop_words=stop_words(), token_pattern=TOKEN_PATTERN,
                                         ngram_range=(1, 2), min_count=2 if n >= 500 else 1)


_MIN_COUNT_VECTORIZER = None


def _min_count_vectorizer_class():
    """A CountVectorizer keeping the words and phrases that occur at least ``min_count`` times in all the
    documents together (built on first use: scikit-learn is not imported with this module)."""
    global _MIN_COUNT_VECTORIZER
    if _MIN_COUNT_VECTORIZER is not None:
        return _MIN_COUNT_VECTORIZER
    from sklearn.feature_extraction.text import CountVectorizer

    class MinCountVectorizer(CountVectorizer):
        def __init__(self, *, stop_words=None, token_pattern=r"(?u)\b\w\w+\b", ngram_range=(1, 1),
                     min_count: int = 1):
            super().__init__(stop_words=stop_words, token_pattern=token_pattern, ngram_range=ngram_range)
            self.min_count = min_count

        def fit_transform(self, raw_documents, y=None):
            counts = super().fit_transform(raw_documents)
            if self.min_count > 1:
                keep = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() >= self.min_count)
                if len(keep):  # else every word is kept, rather than no word at all
                    terms = self.get_feature_names_out()[keep]  # still in the vocabulary's sorted order
                    self.vocabulary_ = {str(term): i for i, term in enumerate(terms)}
                    counts = counts[:, keep]
            return counts

        def fit(self, raw_documents, y=None):
            self.fit_transform(raw_documents)
            return self

        def build_analyzer(self):
            words = super().build_analyzer()

            def analyse(document):  # phrases are formed inside each passage, never across two
                return [w for passage in str(document).split(PASSAGE_END) for w in words(passage)]

            return analyse

    MinCountVectorizer.__module__ = __name__
    MinCountVectorizer.__qualname__ = "MinCountVectorizer"
    _MIN_COUNT_VECTORIZER = MinCountVectorizer
    return MinCountVectorizer

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


def import_bertopic():
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
            return self.encoder.encode([str(d).replace(PASSAGE_END, " ").strip() for d in documents])

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
            knn = exact_knn(unit(x).astype(np.float32), args["n_neighbors"], seed=self.seed)
            args["precomputed_knn"] = (*knn, None)
        self.umap_ = self.umap_cls(**args)
        with warnings.catch_warnings():
            # UMAP warns that a seed disables parallelism and that transform() needs its own search index.
            warnings.simplefilter("ignore")
            return self.umap_.fit_transform(x, y=y)

    def fit(self, X, y=None) -> "_ExactNeighboursUMAP":
        self.fit_transform(X, y)
        return self


def fit_bertopic(texts: list[str], embeddings: np.ndarray, encoder, *, seeds: list[list[str]] | None,
                 min_topic_size: int, seed: int, n_keywords: int = 10):
    """Fit BERTopic on ``texts`` with precomputed ``embeddings``; return the model and topic per passage."""
    BERTopic, BaseEmbedder, KeyBERTInspired, ClassTfidfTransformer, HDBSCAN, UMAP = import_bertopic()

    n = len(texts)
    reducer = _ExactNeighboursUMAP(UMAP, n_neighbors=int(min(15, n - 1)), n_components=5, min_dist=0.0,
                                   metric="cosine", random_state=seed, n_epochs=umap_epochs(n), init="pca")
    clusterer = HDBSCAN(min_cluster_size=min_topic_size, min_samples=max(2, min_topic_size // 5),
                        max_cluster_size=max(2 * min_topic_size, n // 3), metric="euclidean",
                        cluster_selection_method="eom", prediction_data=False)
    model = BERTopic(
        embedding_model=_encoder_backend(BaseEmbedder, encoder),
        umap_model=reducer,
        hdbscan_model=_CopiesTogether(clusterer, copy_groups(embeddings)),
        vectorizer_model=keyword_vectorizer(n),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model={"KeyBERT": KeyBERTInspired(top_n_words=n_keywords, nr_candidate_words=4 * n_keywords,
                                                          random_state=seed)},
        seed_topic_list=seeds,
        top_n_words=3 * n_keywords,
        calculate_probabilities=False,
        verbose=False,
    )
    marked = [f"{t}{PASSAGE_END}" for t in texts]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        topics, _ = model.fit_transform(marked, embeddings.copy())  # guided modelling edits embeddings in place
        topics = np.asarray(topics, dtype=np.int64)
        same = same_topics(topics, embeddings)
        if same:
            model.merge_topics(marked, same)
            topics = np.asarray(model.topics_, dtype=np.int64)
    return model, topics


def copy_groups(embeddings: np.ndarray) -> np.ndarray:
    """A group number per row: rows with exactly the same embedding (the same answer) share one."""
    x = np.ascontiguousarray(embeddings)
    _, groups = np.unique(x.view(np.dtype((np.void, x.dtype.itemsize * x.shape[1]))).ravel(), return_inverse=True)
    return groups.ravel()


class _CopiesTogether:
    """HDBSCAN whose outliers join the topic that holds their copies.

    Copies of one answer ("Nothing to improve.") have one embedding, but UMAP spreads them a little and
    HDBSCAN, with its largest cluster capped, can leave some of them out of the clusters it cuts from their
    mass: an answer would then be counted partly in a topic and partly in no topic. A copy left out joins
    the topic most of its copies are in (the lowest-numbered of those tied); answers with no copy in a
    topic stay outliers. BERTopic reads ``labels_`` only.
    """

    def __init__(self, clusterer, groups: np.ndarray):
        self.clusterer = clusterer
        self.groups = np.asarray(groups)

    def fit(self, X, y=None) -> "_CopiesTogether":
        self.clusterer.fit(X)
        labels = np.asarray(self.clusterer.labels_, dtype=np.int64).copy()
        clustered = labels != -1
        if clustered.any() and (~clustered).any():
            pairs, counts = np.unique(np.column_stack([self.groups[clustered], labels[clustered]]), axis=0,
                                      return_counts=True)
            order = np.lexsort((pairs[:, 1], -counts, pairs[:, 0]))  # per group: most copies, then lowest label
            pairs = pairs[order]
            first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]
            best = np.full(int(self.groups.max()) + 1, -1, dtype=np.int64)
            best[pairs[first, 0]] = pairs[first, 1]
            labels[~clustered] = best[self.groups[~clustered]]
        self.labels_ = labels
        return self


def same_topics(topics: np.ndarray, embeddings: np.ndarray, above: float = MERGE_ABOVE) -> list[list[int]]:
    """Groups of topics whose centroids are closer than ``above`` (cosine): the same content.

    HDBSCAN can cut one dense mass of identical answers ("Nothing", "N/A") into several clusters, above all
    when the largest topic size is capped; such topics are merged back. Distinct topics stay well apart
    (on 10,000 FFT comments no two reach 0.93).
    """
    ids = sorted(int(t) for t in set(topics.tolist()) if t != -1)
    if len(ids) < 2:
        return []
    centroids = np.vstack([unit(embeddings[topics == t].astype(np.float64).mean(axis=0)) for t in ids])
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

