"""Topics: :func:`discover_topics` runs the BERTopic backend over the passages, describes each topic
(keywords, label, examples) and maps it onto the codebook; :class:`Discovery` holds the result."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.discovery.backend import TOKEN_PATTERN, fit_bertopic, require_topics_extra, unit
from evalnlp.discovery.mapping import default_emergent_below, nearest_themes, seed_words
from evalnlp.discovery.passages import _BLANKS, MIN_PASSAGES, embedding_text

__all__ = ["N_EXAMPLES", "N_KEYWORDS", "TOPIC_JSON_KEYS", "Discovery", "auto_min_topic_size", "discover_topics"]

#: Keywords kept per topic, and representative passages.
N_KEYWORDS = 10
N_EXAMPLES = 3
#: The keys of each topic in the JSON output, in order.
TOPIC_JSON_KEYS = ("topic", "size", "keywords", "theme", "similarity", "emergent", "examples")

@dataclass
class Discovery:
    """Topics found in a store's passages and their map onto a codebook.

    ``topics`` has one row per topic (largest first; outliers are not a topic): ``topic``, ``size``,
    ``keywords`` (c-TF-IDF), ``keybert`` (KeyBERT-inspired keywords), ``label``, ``theme`` (nearest codebook
    theme that is not a catch-all, None when there is none), ``theme_label``, ``similarity``, ``emergent`` and ``examples``.
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

def auto_min_topic_size(n: int) -> int:
    """The default smallest topic: one passage in a hundred, at least 5 and at most 50."""
    return int(min(50, max(5, round(n / 100))))


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
                    emergent_below: float | None = None, n_examples: int = N_EXAMPLES, redact: bool = True,
                    filters: dict[str, Any] | None = None, keep_names: Sequence[str] = ()) -> Discovery:
    """Find topics in ``passages`` (seg_id, doc_id, text) and map them onto ``codebook``.

    See the module docstring for the method. ``min_topic_size`` defaults to :func:`auto_min_topic_size`;
    ``redact`` de-identifies the example passages (:func:`evalnlp.redact.redact_many`) and drops people's
    first names from the keywords; names in ``keep_names`` stay in the examples.
    """
    from evalnlp.embeddings import get_encoder

    _check_params(min_topic_size=min_topic_size, seed=seed, emergent_below=emergent_below, n_examples=n_examples)
    if emergent_below is None:
        emergent_below = default_emergent_below(embedding)
    require_topics_extra()
    n = len(passages)
    if n < MIN_PASSAGES:
        if filters:
            raise errors.error("E169", "too_few_filtered", min_passages=MIN_PASSAGES, n=n)
        raise errors.error("E169", "too_few", min_passages=MIN_PASSAGES, n=n)
    size = int(min_topic_size) if min_topic_size is not None else auto_min_topic_size(n)
    if size > n // 2:
        raise errors.error("E168", "min_topic_size", size=size, n=n, most=n // 2)
    encoder = get_encoder(embedding)
    texts = passages["text"].astype(str).tolist()
    embeddings = encoder.encode([embedding_text(t) for t in texts])
    model, topics = fit_bertopic(texts, embeddings, encoder, seeds=seed_words(codebook) if guided else None,
                                 min_topic_size=size, seed=seed, n_keywords=N_KEYWORDS)
    ids = sorted(int(t) for t in set(topics.tolist()) if t != -1)
    drop = _name_words() if redact else frozenset()
    if redact:
        drop = drop | _scrub_identifying_words(model, topics, texts, codebook, keep_names, known=drop)
    rows, centroids = [], []
    for t in ids:
        members = np.flatnonzero(topics == t)
        centroid = unit(embeddings[members].astype(np.float64).mean(axis=0))
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
                     emergent_below=emergent_below, guided=guided,
                     filters=shown_filters(filters, codebook, keep_names) if redact else dict(filters or {}),
                     model=model)


def shown_filters(filters: dict[str, Any] | None, codebook, keep_names: Sequence[str] = ()) -> dict[str, Any]:
    """The filters a discovery was asked with, as its written outputs show them with redaction on: the ``group``
    of ``by`` de-identified as that attribute's value is beside a quote (``--by manager --group "Sister Ann
    Hughes"`` is ``group = '[NAME]'``), since the topics' file says which passages it looked at."""
    from evalnlp.quotes import redact_attrs

    out = dict(filters or {})
    by, group = out.get("by"), out.get("group")
    if by is not None and isinstance(group, str):
        out["group"] = redact_attrs([{by: group}], codebook, keep_names)[0][by]
    return out


#: Occurrences of one keyword word per topic that are redacted to see whether the word is part of a name
#: (fewer for an ordinary word, whose capital inside a sentence is mostly emphasis: "the Staff were kind").
_NAME_CHECKS_PER_WORD = 20
_NAME_CHECKS_PER_COMMON_WORD = 3
_WORD_RE = re.compile(TOKEN_PATTERN)
_MAY_HOLD_PATTERN = re.compile(r"[@/\d]|www\.", re.IGNORECASE)  # emails, URLs, phone numbers, postcodes


def _scrub_identifying_words(model, topics: np.ndarray, texts: list[str], codebook,
                             keep_names: Sequence[str] = (), known: frozenset[str] = frozenset()) -> frozenset[str]:
    """Words of the topics' keywords that belong to a personal detail in the topic's own passages, taken out
    of the model's topic words (so BERTopic's charts and labels lose them too); returns them.

    c-TF-IDF counts words, not people: "Dr Patel", "jane.doe@...", "LS1 4AP" give the keywords "patel", "doe",
    "ls1 4ap". A word is identifying when one of its occurrences in the topic's passages falls in a span that
    :func:`evalnlp.redact.redact_many` replaces. Emails, URLs, phone numbers and postcodes are looked for in
    every passage that may hold one; names in up to :data:`_NAME_CHECKS_PER_WORD` occurrences per word and
    topic that are written with a capital, with the settings the examples are redacted with, and for a
    dictionary word in up to :data:`_NAME_CHECKS_PER_COMMON_WORD` occurrences inside a sentence (where a capital
    says more than at its start), by the rules alone. Words in ``known`` (people's first names) are taken out
    without a check.
    """
    from evalnlp.quotes import protect_words
    from evalnlp.redact import common_words, redact_many

    aspects = (getattr(model, "topic_aspects_", None) or {}).get("KeyBERT", {})
    representations = getattr(model, "topic_representations_", None) or {}
    if not representations and not aspects:  # no topic words to check (or no model)
        return frozenset()
    words_of: dict[int, set[str]] = {}
    for t in set(representations) | set(aspects):
        listed = [w for w, _ in representations.get(t, [])] + [w for w, _ in aspects.get(t, [])]
        words_of[int(t)] = {token for w in listed for token in str(w).lower().split()} - known
    common = common_words()
    pattern_texts: set[int] = set()
    name_checks: dict[tuple[int, str], list[int]] = {}
    for i, (text, t) in enumerate(zip(texts, topics.tolist())):
        wanted = words_of.get(int(t))
        if not wanted:
            continue
        if _MAY_HOLD_PATTERN.search(text):
            pattern_texts.add(i)
        for match in _WORD_RE.finditer(text):
            written = match.group()
            word = written.lower()
            if word not in wanted or written == word:
                continue
            if word in common and not _inside_sentence(text, match.start()):
                continue
            seen = name_checks.setdefault((int(t), word), [])
            if len(seen) < (_NAME_CHECKS_PER_WORD if word not in common else _NAME_CHECKS_PER_COMMON_WORD) \
                    and (not seen or seen[-1] != i):
                seen.append(i)
    rare = sorted({i for (_, word), found in name_checks.items() if word not in common for i in found})
    ordinary = sorted({i for found in name_checks.values() for i in found}.difference(rare))
    patterns_only = sorted(pattern_texts.difference(rare, ordinary))
    spans_of: dict[int, tuple] = {}
    # a word no dictionary holds ("scofield") is checked as the examples are redacted (with the names model
    # when it is installed); a dictionary word written with a capital ("the Staff", "Brown") by the rules
    # alone, which take names after titles and in context at a fraction of the model's cost
    for chosen, options in ((rare, {}), (ordinary, {"use_model": False}), (patterns_only, {"names": False})):
        if chosen:
            found = redact_many([texts[i] for i in chosen], protect=protect_words(codebook), keep=keep_names,
                                **options)
            spans_of.update(zip(chosen, (r.spans for r in found)))
    identifying: set[str] = set()
    for i, spans in spans_of.items():
        if not spans:
            continue
        wanted = words_of.get(int(topics[i]), set())
        for match in _WORD_RE.finditer(texts[i]):
            word = match.group().lower()
            if word in wanted and word not in identifying and \
                    any(s.start < match.end() and match.start() < s.end for s in spans):
                identifying.add(word)
    left_out = known | identifying
    if left_out:
        def keep(pairs):
            return [(w, s) for w, s in pairs if not set(str(w).lower().split()) & left_out]

        model.topic_representations_ = {t: keep(pairs) for t, pairs in representations.items()}
        if aspects:
            model.topic_aspects_["KeyBERT"] = {t: keep(pairs) for t, pairs in aspects.items()}
    return frozenset(identifying)


def _inside_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows a word of the same sentence (not the text's or a sentence's
    first word, nor one after a line break)."""
    before = text[:start].rstrip(" \t")
    return bool(before) and before[-1] not in ".!?\n\r:;\"'\u201c\u2018(["


def _redact_examples(examples: list[list[str]], codebook, keep_names: Sequence[str] = ()) -> list[list[str]]:
    from evalnlp.quotes import protect_words
    from evalnlp.redact import redact_many

    flat = [text for group in examples for text in group]
    done = iter(r.text for r in redact_many(flat, protect=protect_words(codebook), keep=keep_names))
    return [[next(done) for _ in group] for group in examples]


def _check_params(*, min_topic_size: int | None, seed: int, emergent_below: float | None, n_examples: int) -> None:
    def is_int(value: Any) -> bool:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)

    if min_topic_size is not None and (not is_int(min_topic_size) or min_topic_size < 2):
        raise errors.error("E168", "min_topic_size_value", value=min_topic_size)
    if not is_int(seed) or not 0 <= seed < 2**32:
        raise errors.error("E168", "seed", value=seed)
    number = isinstance(emergent_below, (int, float)) and not isinstance(emergent_below, bool)
    if emergent_below is not None and (not number or not -1 <= emergent_below <= 1):
        raise errors.error("E168", "emergent_below", value=emergent_below)
    if not is_int(n_examples) or n_examples < 1:
        raise errors.error("E168", "n_examples", value=n_examples)


