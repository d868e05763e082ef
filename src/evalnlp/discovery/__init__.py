"""Theme discovery: BERTopic over the store's passages, guided by a codebook and mapped back onto it.

What :func:`discover_topics` does
---------------------------------
1. **Passages.** The store's response and sentence segments (testimonials are left out: their words are
   already inside a sentence segment), optionally only those coded with one theme (human codes first, as in
   the evidence tables), of one group of an attribute, or answering one question. Fewer than
   :data:`MIN_PASSAGES` passages is an error (E169): topics found in so few would be noise.
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
   (topic -1); they are counted, not listed as a topic. An outlier with a copy in a topic (the same answer,
   the same embedding) joins the topic most of its copies are in, so one answer is never counted partly in a
   topic and partly in none. Keywords come from c-TF-IDF and from BERTopic's
   ``KeyBERTInspired`` representation; the c-TF-IDF vocabulary leaves out English stop words, the fragments
   contractions leave ("didn", "couldn", "ve") and fillers ("just", "really"), before two-word phrases are
   formed, each inside one passage (no phrase joins one answer's last word to the next one's first), but keeps
   *nothing*, *none*, *no* and *never*, because "nothing to improve" is a theme of its own; bare numbers are
   dropped (:func:`evalnlp.discovery.backend.stop_words`). A topic's examples are
   its passages nearest its centroid, without repeats and (by default) de-identified.
5. **Mapping onto the codebook.** A topic's centroid is the mean embedding of its passages; a theme's vector
   is the mean embedding of ``label: definition`` and its examples. Both are centred on the encoder's
   everyday-language direction (the mean embedding of :data:`REFERENCE_SENTENCES`, generic sentences about
   anything but feedback) before the cosine is taken: static sentence vectors share a common direction that
   makes every pair of texts look similar, and removing it makes the similarity reflect what the texts are
   about. The nearest theme is chosen among the themes not marked ``catch_all: true`` in the codebook (a
   catch-all such as FFT's ``miscellaneous`` is near everything and is never chosen by similarity); its
   similarity is reported, and a topic whose best similarity is below :data:`EMERGENT_BELOW` is
   **emergent**: no specific theme describes it, and ``--suggest`` drafts one. How the threshold was chosen
   is in :mod:`evalnlp.discovery.mapping`.

The work is split by job: :mod:`~evalnlp.discovery.passages` (what to look in),
:mod:`~evalnlp.discovery.backend` (BERTopic, UMAP, HDBSCAN, the c-TF-IDF vectoriser),
:mod:`~evalnlp.discovery.mapping` (topics onto themes, emergent), :mod:`~evalnlp.discovery.topics` (the run
and its result) and :mod:`~evalnlp.discovery.suggestion` (draft themes). The files it writes (JSON, Markdown,
HTML, the YAML draft) are rendered by :mod:`evalnlp.reports.discovery`. Every public name is importable from
``evalnlp.discovery``.

Error codes (input problems, E1xx): E169 too few passages; E165 ``by``/``group`` given without the other, or
a group that no document has; E166 a question no document answers; E161/E162 an output or suggestion file of
an unsupported type, or in a folder that does not exist; E167 no passage coded with the theme asked for; E168
an invalid parameter. E501: the ``topics`` extra (bertopic) is not installed.
"""

from __future__ import annotations

from evalnlp.discovery.backend import (
    EXACT_KNN_MAX,
    FEWER_EPOCHS_ABOVE,
    MERGE_ABOVE,
    exact_knn,
    require_topics_extra,
    same_topics,
    stop_words,
    umap_epochs,
)
from evalnlp.discovery.mapping import (
    EMERGENT_BELOW,
    EMERGENT_BELOW_BY_EMBEDDING,
    REFERENCE_SENTENCES,
    centred_cosine,
    default_emergent_below,
    nearest_themes,
    reference_direction,
    seed_words,
    theme_vectors,
)
from evalnlp.discovery.passages import MIN_PASSAGES, discovery_passages, embedding_text
from evalnlp.discovery.suggestion import suggest_codebook
from evalnlp.discovery.topics import (
    N_EXAMPLES,
    N_KEYWORDS,
    TOPIC_JSON_KEYS,
    Discovery,
    auto_min_topic_size,
    discover_topics,
)

# The writers live in evalnlp.reports.discovery; their names are still served from here, imported only when
# asked for, so that importing discovery does not import the renderers.
_RENDERING = frozenset({"OUTPUT_TYPES", "check_output", "check_suggestion", "render_html", "render_markdown",
                        "write_discovery", "write_suggestion"})


def __getattr__(name: str):
    if name in _RENDERING:
        from evalnlp.reports import discovery as rendering

        return getattr(rendering, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EMERGENT_BELOW",
    "EMERGENT_BELOW_BY_EMBEDDING",
    "EXACT_KNN_MAX",
    "FEWER_EPOCHS_ABOVE",
    "MERGE_ABOVE",
    "MIN_PASSAGES",
    "N_EXAMPLES",
    "N_KEYWORDS",
    "OUTPUT_TYPES",
    "REFERENCE_SENTENCES",
    "TOPIC_JSON_KEYS",
    "Discovery",
    "auto_min_topic_size",
    "centred_cosine",
    "check_output",
    "check_suggestion",
    "default_emergent_below",
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
    "stop_words",
    "suggest_codebook",
    "theme_vectors",
    "umap_epochs",
    "write_discovery",
    "write_suggestion",
]
