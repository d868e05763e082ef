"""Suggestions: a draft codebook extending the one used with one new theme per emergent topic
(:func:`suggest_codebook`; written as YAML by :func:`evalnlp.reports.discovery.write_suggestion`)."""

from __future__ import annotations

import dataclasses
import re

from evalnlp.discovery.topics import N_KEYWORDS, Discovery, _distinct_keywords

__all__ = ["suggest_codebook"]

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

