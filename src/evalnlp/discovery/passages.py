"""The passages discovery looks for topics in, and the text it embeds for each."""

from __future__ import annotations

import re

import pandas as pd

from evalnlp import errors

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
        raise errors.error("E165", "by_only") if by is not None else errors.error("E165", "group_only")
    passages = store.coded_passages()
    if passages.empty:
        raise errors.error("E169", "empty_store", path=store.path, ingest=errors.Call("ingest", "paths=FILE"))
    passages = passages[passages["seg_kind"] != "testimonial"]
    if question is not None:
        asked = passages["question"].dropna().unique().tolist()
        if question not in asked:
            from evalnlp.util import did_you_mean

            listed = "; ".join(repr(q) for q in sorted(asked)) or "none (no document has a question)"
            raise errors.error("E166", question=question, hint=did_you_mean(question, asked), listed=listed)
        passages = passages[passages["question"] == question]
    if by is not None:
        from evalnlp.corpus import load_corpus

        with load_corpus(store, codebook) as corpus:
            groups = corpus.group_values(by)
        if str(group) not in set(groups):
            found = sorted(set(groups))
            shown = ", ".join(repr(g) for g in found[:20]) + (" ..." if len(found) > 20 else "")
            raise errors.error("E165", "no_group", by=by, group=group, shown=shown)
        keep = set(groups.index[groups == str(group)])
        passages = passages[passages["doc_id"].isin(keep)]
    if theme is not None:
        codebook.get(theme)  # E220 for a theme the codebook does not have
        codes = store.effective_codes(assigned_only=True, themes=codebook.theme_ids, codebook_id=codebook.id,
                                      codebook_sha256=codebook.sha256,
                                      renamed=codebook.renamed_themes(store.code_themes()))
        coded = set(codes.loc[codes["theme"] == theme, "seg_id"])
        if not coded:
            raise errors.error("E167", theme=theme, classify=errors.Call("classify", codebook=codebook.id))
        passages = passages[passages["seg_id"].isin(coded)]
    passages = passages[passages["text"].str.strip() != ""]
    return passages[["seg_id", "doc_id", "text"]].reset_index(drop=True)


def embedding_text(text: str) -> str:
    """The text embedded for discovery: blanks collapsed, punctuation at either end dropped."""
    cleaned = _EDGE_PUNCT.sub("", _BLANKS.sub(" ", text).strip())
    return cleaned or text.strip()
