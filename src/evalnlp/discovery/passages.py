"""The passages discovery looks for topics in, and the text it embeds for each."""

from __future__ import annotations

import re

import pandas as pd

from evalnlp.errors import InputError

__all__ = ["MIN_PASSAGES", "discovery_passages", "embedding_text"]

#: Fewer passages than this (after filters) is an error: topics need a corpus.
MIN_PASSAGES = 50

_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_BLANKS = re.compile(r"\s+")


def discovery_passages(store, codebook, *, theme: str | None = None, by: str | None = None,
                       group: str | None = None, question: str | None = None) -> pd.DataFrame:
    """The passages to look for topics in: seg_id, doc_id and text, in the store's stable order.

    ``theme`` keeps passages whose effective codes (human where any, else the latest machine run) assign
    that theme; ``by`` and ``group`` keep the documents whose attribute ``by`` (a metadata key, ``question``,
    ``source`` or ``kind``) has the value ``group``; ``question`` keeps the answers to one question.
    """
    if (by is None) != (group is None):
        raise InputError("E165", "give --by ATTR and --group VALUE together (the documents whose attribute ATTR "
                         f"is VALUE); got only {'--by' if by is not None else '--group'}")
    passages = store.coded_passages()
    if passages.empty:
        raise InputError("E169", f"the store {store.path!r} has no passages to find topics in; run "
                         "`evalnlp ingest FILE` first")
    passages = passages[passages["seg_kind"] != "testimonial"]
    if question is not None:
        asked = passages["question"].dropna().unique().tolist()
        if question not in asked:
            from evalnlp.util import did_you_mean

            listed = "; ".join(repr(q) for q in sorted(asked)) or "none (no document has a question)"
            raise InputError("E166", f"no document answers the question {question!r}.{did_you_mean(question, asked)} "
                             f"The questions in this store are: {listed}")
        passages = passages[passages["question"] == question]
    if by is not None:
        from evalnlp.corpus import load_corpus

        with load_corpus(store, codebook) as corpus:
            groups = corpus.group_values(by)
        if str(group) not in set(groups):
            found = sorted(set(groups))
            shown = ", ".join(repr(g) for g in found[:20]) + (" ..." if len(found) > 20 else "")
            raise InputError("E165", f"no document has {by} = {group!r}; the values of {by!r} found are: {shown}")
        keep = set(groups.index[groups == str(group)])
        passages = passages[passages["doc_id"].isin(keep)]
    if theme is not None:
        codebook.get(theme)  # E220 for a theme the codebook does not have
        codes = store.effective_codes(assigned_only=True, themes=codebook.theme_ids)
        coded = set(codes.loc[codes["theme"] == theme, "seg_id"])
        if not coded:
            raise InputError("E167", f"no passage in the store is coded with the theme {theme!r}; code the "
                             f"passages first (`evalnlp classify --codebook {codebook.id}`) or drop --theme")
        passages = passages[passages["seg_id"].isin(coded)]
    passages = passages[passages["text"].str.strip() != ""]
    return passages[["seg_id", "doc_id", "text"]].reset_index(drop=True)


def embedding_text(text: str) -> str:
    """The text embedded for discovery: blanks collapsed, punctuation at either end dropped."""
    cleaned = _EDGE_PUNCT.sub("", _BLANKS.sub(" ", text).strip())
    return cleaned or text.strip()
