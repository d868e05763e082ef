"""The in-memory evidence and quote computation as it was before counting moved into the store, kept
unchanged as the reference that tests compare the store-side computation against (it loads every passage,
so it is only for small stores).

Ranking pieces (weights, readability, de-duplication) are copied here too, so that the reference does not move
when the library does. Evidence, claims parsing and the strength rule come from the library (unchanged).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from evalnlp.errors import InputError
from evalnlp.evidence import (
    CLAIM_COLUMNS,
    MATRIX_COLUMNS,
    SENTIMENT,
    THEME_COLUMNS,
    Claim,
    Evidence,
    _QUOTE_COLUMNS,
    _shares,
    load_claims,
    parse_claims,
    rate_strength,
)
from evalnlp.schema import is_human

#: Weights of the ranking score's parts.
WEIGHTS: dict[str, float] = {"representativeness": 0.45, "confidence": 0.20, "readability": 0.35,
                             "attributed": 0.05}
#: A theme's centre is the mean of its coded passages when it has at least this many.
MIN_CENTRE = 5
#: Two passages with embeddings more similar than this are near-duplicates.
DUPLICATE_COSINE = 0.92
#: Word-count band of a readable quote.
WORD_BAND = (8, 60)
#: The contract columns of a quote table (more columns follow them).
QUOTE_COLUMNS = ["theme", "text", "score", "doc_id", "source", "locator", "speaker", "source_ref", "attrs"]
#: Attributes that every document has besides its metadata.
BUILTIN_ATTRIBUTES = ("question", "source", "kind")
MISSING_GROUP = "(missing)"
#: Mail furniture ending a text ("Sent from my iPhone"), left out of its quote: the rule of evalnlp.util, copied.
_DEVICE = ("(?:iPhone|iPad|iPod|Android|Samsung|Galaxy|BlackBerry|Huawei|Pixel|Google Pixel|Sony|Xperia|Nokia|"
           "Motorola|OnePlus|Xiaomi|Windows Phone|mobile|phone|smartphone|tablet)"
           "(?: (?:[A-Z0-9][A-Za-z0-9+-]*|device|phone|smartphone|tablet)){0,4}")
_APP = ("(?:Outlook|Mail|Yahoo Mail|Gmail|AOL|AOL Mobile Mail)"
        "(?: (?:for|on) (?:iOS|Android|Windows(?: 10| 11)?|iPhone|iPad|Mac))?")
_LINE = f"(?:Sent from my {_DEVICE}|Sent from {_APP}|Get Outlook for (?:iOS|Android))"
MAIL_FURNITURE = re.compile(f"(?:^|[ \\t\\r\\n]+){_LINE}(?:[ \\t\\r\\n]+{_LINE})*[ \\t\\r\\n]*$")
#: A signature or contact line as written: a contact detail and fewer than 3 ordinary words; readability x 0.2.
CONTACT_DETAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+[.][A-Za-z0-9.-]+|https?://|www[.]"
                            r"|[+]?[0-9](?:[ ()-]*[0-9]){9,}")
ORDINARY_WORD = re.compile("[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u024f\u03ac-\u03ce\u0430-\u045f]{3,}[,.;:!?]?")
#: Redaction's placeholders: a quote mostly of them, or without 2 ordinary words besides them, is passed over.
PLACEHOLDER = re.compile(r"\[(?:NAME|EMAIL|PHONE|URL|POSTCODE|NHS_NUMBER|DATE_OF_BIRTH)\]")


# ---------------------------------------------------------------------------------------- the corpus


@dataclass
class Corpus:
    """The coded passages of a store, restricted to one codebook's themes.

    ``passages``: every segment with its document's fields and parsed ``attrs`` (dict);
    ``coded``: the segments (seg_id, coder, doc_id, source) with at least one effective code for the
    codebook's themes (assigned or not): their documents, but for those holding only passages the coders could
    not read (``unread``: the store's unread table, None for a store before it), are the denominator of every
    share; ``codes_in_use``: the effective codes of them; ``pairs``: one row per (segment, theme) assigned, with the
    passage's fields, ``confidence`` and its sentiment ``label``; ``doc_attrs``: one row per document
    (index doc_id) with a column per metadata key.
    """

    passages: pd.DataFrame
    coded: pd.DataFrame
    pairs: pd.DataFrame
    doc_attrs: pd.DataFrame
    ignored_themes: list[str] = field(default_factory=list)
    codes_in_use: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["seg_id", "coder"]))
    unread: pd.DataFrame | None = None
    #: passages per coder whose codes are in use (a passage several people coded counts for each)
    coder_segments: pd.Series | None = None
    _embeddings: dict[str, np.ndarray] = field(default_factory=dict, repr=False)


def _parse_attrs(values: pd.Series) -> pd.Series:
    """JSON text (or None) to dicts, parsing each distinct value once."""
    cache: dict[Any, dict] = {}

    def parse(value: Any) -> dict:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return {}
        if value not in cache:
            try:
                parsed = json.loads(value)
            except (TypeError, ValueError):
                parsed = {}
            cache[value] = parsed if isinstance(parsed, dict) else {}
        return cache[value]

    return values.map(parse)


def load_corpus(store, codebook) -> Corpus:
    """Read the coded corpus from ``store`` (human codes override machine codes)."""
    passages = store.coded_passages()
    passages["attrs"] = _parse_attrs(passages["attrs"])
    codes = store.effective_codes(assigned_only=False, themes=codebook.theme_ids)
    themes = set(codebook.theme_ids)
    ignored = sorted(set(store.code_themes()) - themes)
    coded = (codes.drop_duplicates("seg_id")[["seg_id", "coder"]]
             .merge(passages[["seg_id", "doc_id", "source"]], on="seg_id", how="inner")
             .sort_values("seg_id").reset_index(drop=True))
    assigned = codes[codes["assigned"].astype(bool)][["seg_id", "theme", "score", "coder"]]
    assigned = assigned.rename(columns={"score": "confidence"})
    sentiment = store.effective_sentiment()[["seg_id", "label"]]
    pairs = assigned.merge(passages, on="seg_id", how="inner").merge(sentiment, on="seg_id", how="left")
    pairs["confidence"] = pd.to_numeric(pairs["confidence"], errors="coerce").fillna(1.0).clip(0.0, 1.0)
    order = {t: i for i, t in enumerate(codebook.theme_ids)}
    pairs["_order"] = pairs["theme"].map(order)
    pairs = pairs.sort_values(["_order", "source", "doc_id", "start", "seg_id"]).drop(columns="_order")
    docs = passages.drop_duplicates("doc_id")[["doc_id", "attrs"]]
    doc_attrs = pd.DataFrame.from_records(list(docs["attrs"]), index=list(docs["doc_id"]))
    in_use = codes[codes["seg_id"].isin(set(passages["seg_id"]))]
    unread = store.table("unread") if store.schema_version() >= 6 else None
    return Corpus(passages=passages, coded=coded, pairs=pairs.reset_index(drop=True), doc_attrs=doc_attrs,
                  ignored_themes=ignored, coder_segments=in_use.groupby("coder")["seg_id"].nunique().sort_index(),
                  codes_in_use=in_use, unread=unread)


def codebook_ref(codebook) -> str:
    """How to name ``codebook`` to --codebook: its id when it is a shipped codebook, else its file."""
    from evalnlp.codebook import SHIPPED, load_codebook

    path = getattr(codebook, "path", None)
    if not path or (codebook.id in SHIPPED and load_codebook(codebook.id).sha256 == codebook.sha256):
        return codebook.id
    return str(path)


def uncoded_note(store, codebook) -> str | None:
    """When nothing in ``store`` is coded with ``codebook``'s themes: what to do instead, naming the
    codebook(s) the store's passages were coded with (or, when nothing is coded yet, the shipped ones).
    ``None`` when the store holds codes for the codebook."""
    from evalnlp.codebook import SHIPPED

    if store.has_codes(codebook.theme_ids):
        return None
    ref = codebook_ref(codebook)
    used = [r for r, cid in store.classify_codebooks() if cid != codebook.id]
    if used:
        names = " and ".join(repr(r) for r in used)
        options = " or ".join(f"--codebook {r}" for r in used)
        return (f"this store's passages were coded with {names}, not {codebook.id!r}: pass {options}, or code "
                f"them with {codebook.id!r} first: `evalnlp classify --codebook {ref}`")
    others = ", ".join(f"--codebook {c}" for c in SHIPPED if c != codebook.id)
    return (f"run `evalnlp classify --codebook {ref}` first (or {others} or a YAML path for another codebook), "
            "or import human codes")


def builtin_attributes(corpus: Corpus) -> dict[str, str]:
    """{name: built-in attribute} for question, source and kind: each under its own name, or as
    ``evalnlp_<name>`` when a metadata key has that name (the rule of :mod:`evalnlp.columns`)."""
    from evalnlp.columns import evalnlp_names

    keys = [str(c) for c in corpus.doc_attrs.columns]
    return dict(zip(evalnlp_names(keys, BUILTIN_ATTRIBUTES), BUILTIN_ATTRIBUTES))


def known_attributes(corpus: Corpus) -> list[str]:
    """Attributes a table can be grouped by: every metadata key found, then question, source and kind
    (``evalnlp_question`` and so on where a metadata key has the name)."""
    keys = [str(c) for c in corpus.doc_attrs.columns]
    return keys + list(builtin_attributes(corpus))


def _group_label(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_GROUP
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = str(value).strip()
    return text if text else MISSING_GROUP


def unknown_attribute(attr: str, corpus: Corpus, code: str = "E150", what: str = "--by") -> InputError:
    found = known_attributes(corpus)
    return InputError(code, f"{what} {attr!r} is not an attribute of the documents in this store. Expected one "
                      f"of the attributes found: {', '.join(found)}. Metadata columns become attributes at "
                      "ingest (--meta COL)")


def group_sort_key(text: str) -> tuple:
    """Sort key for group names: natural order (``2`` before ``10``), case-insensitive, ``(missing)`` last."""
    return (text == MISSING_GROUP,
            [(0, int(t), "") if t.isdigit() else (1, 0, t.casefold()) for t in re.split(r"(\d+)", text) if t])


def group_values(corpus: Corpus, attr: str) -> pd.Series:
    """Each document's group for ``attr`` (index doc_id, values str); missing values are ``(missing)``.

    ``attr`` is a metadata key, or ``question``, ``source`` or ``kind`` (response/narrative); a metadata key
    of one of those names wins, and the built-in is then ``evalnlp_question`` (and so on). Raises
    :class:`InputError` E150 listing the attributes found when ``attr`` is none of them.
    """
    docs = corpus.passages.drop_duplicates("doc_id").set_index("doc_id")
    builtins = builtin_attributes(corpus)
    if attr in corpus.doc_attrs.columns:
        raw = corpus.doc_attrs[attr].reindex(docs.index)
    elif attr in builtins:
        raw = docs["doc_kind" if builtins[attr] == "kind" else builtins[attr]]
    else:
        raise unknown_attribute(attr, corpus)
    return raw.astype(object).map(_group_label)


# ---------------------------------------------------------------------------------------- scoring


def readability(texts: pd.Series, quotation: pd.Series | None = None) -> pd.Series:
    """Readability of each text in [0, 1] (see the module docstring).

    ``quotation`` marks texts taken from inside quotation marks, whose closing punctuation stays outside
    the quote by convention: they are not penalised for lacking it.
    """
    texts = texts.fillna("").astype(str)
    words = texts.str.count(r"\S+").astype(float)
    low, high = WORD_BAND
    length = np.where(words < low, words / low, np.where(words > high, np.clip(1 - (words - high) / high, 0, 1), 1.0))
    starts = texts.str.match(r"\s*[\"'\u201c\u2018(]?[A-Z0-9]").astype(float)
    ends = texts.str.contains(r"[.!?\u2026][\"'\u201d\u2019)]?\s*$", regex=True).astype(float)
    if quotation is not None:
        ends = ends.where(~quotation.to_numpy(dtype=bool), 1.0)
    upper = texts.str.count(r"[A-Z]").astype(float)
    letters = texts.str.count(r"[A-Za-z]").astype(float)
    shouting = (letters >= 8) & (upper > 0.7 * letters)
    from evalnlp.nlp import UNSPACED

    contact = texts.map(lambda t: bool(CONTACT_DETAIL.search(t)) and not re.search(UNSPACED, t)
                        and sum(1 for w in t.split(" ") if ORDINARY_WORD.fullmatch(w)) < 3)
    score = (0.6 * length + 0.2 * starts + 0.2 * ends) * np.where(shouting, 0.4, 1.0) * np.where(contact, 0.2, 1.0)
    return pd.Series(np.round(score, 6), index=texts.index)


def _quote_text(texts: pd.Series) -> pd.Series:
    texts = texts.fillna("").astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    return texts.map(lambda t: MAIL_FURNITURE.sub("", t))


def placeholder_quote(text: Any) -> bool:
    """Mostly placeholders once redacted, or without a sentence of its own (a signature, a contact line)."""
    if not isinstance(text, str) or not PLACEHOLDER.search(text):
        return False
    from evalnlp.nlp import UNSPACED, word_count

    marks = len(PLACEHOLDER.findall(text))
    rest = PLACEHOLDER.sub(" ", text)
    if re.search(UNSPACED, rest):  # Chinese, Japanese: every word counts
        own = word_count(rest)
        return 2 * marks >= own + marks or own < 2
    own = sum(1 for w in rest.split() if re.fullmatch(r"[^\W\d_]{3,}[,.;:!?]?", w) and w[0].islower())
    return 2 * marks >= len(text.split()) or own < 2


def real_quotes_first(ranked: pd.DataFrame, choose, *, redact: bool) -> pd.DataFrame:
    """``choose(ranked)`` (the chosen passages as redacted quotes) with the quotes that are mostly placeholders
    passed over for the next passages; such a quote stays only in a group (the whole) with no other quote."""
    passed: set[str] = set()
    while True:
        down = ranked["seg_id"].isin(passed)
        out = choose(pd.concat([ranked[~down], ranked[down]]))
        bare = {s for s, t in zip(out["seg_id"], out["text"]) if redact and placeholder_quote(t)} - passed
        if not bare:
            break
        passed |= bare
    mine = out["seg_id"].isin(passed)
    group = out["group"].astype(str) if "group" in out.columns else pd.Series("", index=out.index)
    return out[~(mine & (~mine).groupby(group).transform("any"))].reset_index(drop=True)


def _norm_text(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _theme_prototypes(codebook, encoder) -> dict[str, np.ndarray]:
    out = {}
    for theme in codebook.themes:
        texts = [theme.definition, *theme.examples]
        vec = encoder.encode(texts).mean(axis=0)
        norm = np.linalg.norm(vec)
        out[theme.id] = vec / norm if norm > 0 else vec
    return out


def _embed(corpus: Corpus, encoder, seg_ids: Iterable[str]) -> None:
    """Encode (once) the passages of ``seg_ids`` not encoded yet."""
    todo = [s for s in dict.fromkeys(seg_ids) if s not in corpus._embeddings]
    if not todo:
        return
    texts = corpus.passages.set_index("seg_id").loc[todo, "text"]
    vectors = encoder.encode(_quote_text(texts).tolist())
    corpus._embeddings.update(zip(todo, vectors))


def _default_encoder():
    from evalnlp.embeddings import get_encoder

    return get_encoder("static")


def score_pairs(corpus: Corpus, codebook, encoder=None) -> pd.DataFrame:
    """``corpus.pairs`` with ``quote`` (whitespace collapsed), ``representativeness``, ``readability``,
    ``attributed`` and the ranking ``score``, sorted best first within each theme."""
    pairs = corpus.pairs.copy()
    cols = ["quote", "representativeness", "readability", "attributed", "score"]
    if pairs.empty:
        for col in cols:
            pairs[col] = pd.Series(dtype=object if col == "quote" else float)
        return pairs
    encoder = encoder or _default_encoder()
    _embed(corpus, encoder, pairs["seg_id"])
    protos = _theme_prototypes(codebook, encoder)
    emb = np.stack([corpus._embeddings[s] for s in pairs["seg_id"]])
    rep = np.zeros(len(pairs), dtype=np.float64)
    for theme, idx in pairs.groupby("theme", sort=False).indices.items():
        vecs = emb[idx]
        centre = vecs.mean(axis=0) if len(idx) >= MIN_CENTRE else protos[theme]
        norm = np.linalg.norm(centre)
        centre = centre / norm if norm > 0 else centre
        rep[idx] = vecs @ centre
    pairs["quote"] = _quote_text(pairs["text"])
    pairs["representativeness"] = np.round(np.clip(rep, 0.0, 1.0), 6)
    pairs["readability"] = readability(pairs["quote"], pairs["seg_kind"].eq("testimonial")).to_numpy()
    pairs["attributed"] = (pairs["seg_kind"].eq("testimonial") & pairs["speaker"].notna()).astype(float)
    w = WEIGHTS
    pairs["score"] = np.round(w["representativeness"] * pairs["representativeness"]
                              + w["confidence"] * pairs["confidence"]
                              + w["readability"] * pairs["readability"]
                              + w["attributed"] * pairs["attributed"], 6)
    order = {t: i for i, t in enumerate(codebook.theme_ids)}
    pairs["_order"] = pairs["theme"].map(order)
    pairs = pairs.sort_values(["_order", "score", "seg_id"], ascending=[True, False, True])
    return pairs.drop(columns="_order").reset_index(drop=True)


def prefer_testimonials(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the sentences that contain one of its testimonials: the testimonial is the same words
    with their speaker attached, so it is the better quote. Order is kept."""
    is_t = frame["seg_kind"].eq("testimonial")
    if not is_t.any():
        return frame
    sents = frame.loc[frame["seg_kind"].eq("sentence"), ["seg_id", "doc_id", "start", "end"]]
    tests = frame.loc[is_t, ["doc_id", "start", "end"]].drop_duplicates()
    both = sents.merge(tests, on="doc_id", suffixes=("", "_t"))
    covered = set(both.loc[(both["start"] <= both["start_t"]) & (both["end_t"] <= both["end"]), "seg_id"])
    return frame[~frame["seg_id"].isin(covered)]


def select_quotes(corpus: Corpus, ranked: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` rows of ``ranked`` (already best first) that are not near-duplicates of earlier ones;
    a sentence that contains one of the candidate testimonials gives way to it."""
    ranked = prefer_testimonials(ranked)
    kept: list[int] = []
    seen: set[str] = set()
    vecs: list[np.ndarray] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, row in enumerate(ranked.itertuples(index=False)):
        if len(kept) >= n:
            break
        key = _norm_text(row.quote)
        if not key or key in seen:
            continue
        vec = corpus._embeddings.get(row.seg_id)
        if vec is not None and vecs and float(np.max(np.stack(vecs) @ vec)) > DUPLICATE_COSINE:
            continue
        if any(row.start < e and s < row.end for s, e in spans.get(row.doc_id, ())):
            continue
        kept.append(i)
        seen.add(key)
        if vec is not None:
            vecs.append(vec)
        spans.setdefault(row.doc_id, []).append((row.start, row.end))
    return ranked.iloc[kept]


# ---------------------------------------------------------------------------------------- public API


def protect_words(codebook) -> list[str]:
    """Words redaction must never remove: the codebook's labels and keyword patterns."""
    words = []
    for theme in codebook.themes:
        words.append(theme.label)
        words.extend(k.replace("*", "") for k in theme.keywords)
    return words


def speaker_text(value: Any) -> str | None:
    """A speaker as printed: runs of whitespace collapsed; None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


def redact_speakers(speakers: list[str], protect: Iterable[str] = ()) -> list[str]:
    """Remove people's names from speakers by the rules only (titles and first names): speakers are
    mostly roles and organisations, where the NER model would take places for people."""
    from evalnlp.redact import redact_many

    return [r.text for r in redact_many(speakers, use_model=False, protect=protect)]


def finish_quotes(frame: pd.DataFrame, codebook, *, redact: bool) -> pd.DataFrame:
    """Turn scored passages into the quote table: contract columns first, text redacted if asked."""
    out = pd.DataFrame({
        "theme": frame["theme"].to_numpy(),
        "text": frame["quote"].to_numpy(),
        "score": frame["score"].to_numpy(dtype=float),
        "doc_id": frame["doc_id"].to_numpy(),
        "source": frame["source"].to_numpy(),
        "locator": frame["locator"].to_numpy(),
        "speaker": frame["speaker"].to_numpy(),
        "source_ref": frame["source_ref"].to_numpy(),
        "attrs": list(frame["attrs"]),
        "seg_id": frame["seg_id"].to_numpy(),
        "start": frame["start"].to_numpy(dtype=int),
        "end": frame["end"].to_numpy(dtype=int),
        "confidence": frame["confidence"].to_numpy(dtype=float),
        "representativeness": frame["representativeness"].to_numpy(dtype=float),
        "readability": frame["readability"].to_numpy(dtype=float),
    })
    if "group" in frame.columns:
        out.insert(len(QUOTE_COLUMNS), "group", frame["group"].to_numpy())
    out["redactions"] = 0
    out["speaker"] = out["speaker"].map(speaker_text)
    out["source_ref"] = out["source_ref"].astype(object).where(out["source_ref"].notna(), None)
    if redact and len(out):
        from evalnlp.redact import redact_many

        protect = protect_words(codebook)
        red = redact_many(out["text"].tolist(), protect=protect)
        out["text"] = [r.text for r in red]
        out["redactions"] = [len(r.spans) for r in red]
        has = out["speaker"].notna()
        if has.any():
            out.loc[has, "speaker"] = redact_speakers(out.loc[has, "speaker"].tolist(), protect)
    return out.reset_index(drop=True)


def _empty_quotes(by: str | None) -> pd.DataFrame:
    cols = QUOTE_COLUMNS + (["group"] if by else []) + [
        "seg_id", "start", "end", "confidence", "representativeness", "readability", "redactions"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError("E158", f"The 'n' parameter of rank_quotes must be an int >= 1; got {n!r} instead.")
    return int(n)


def rank_quotes(store, codebook, theme: str, *, n: int = 5, by: str | None = None, redact: bool = True,
                encoder=None, corpus: Corpus | None = None) -> pd.DataFrame:
    """The ``n`` best quotes for ``theme`` (the best ``n`` per group of ``by``), best first.

    Columns: theme, text, score, doc_id, source, locator, speaker, source_ref, attrs (dict), then group
    (with ``by``), seg_id, start, end, confidence, representativeness, readability and redactions (how
    many details were replaced). An unknown theme raises :class:`~evalnlp.errors.CodebookError` E220
    listing the codebook's themes; an unknown ``by`` attribute :class:`InputError` E150.
    """
    codebook.get(theme)
    n = _check_n(n)
    corpus = corpus if corpus is not None else load_corpus(store, codebook)
    groups = group_values(corpus, by) if by else None
    theme_pairs = corpus.pairs[corpus.pairs["theme"] == theme]
    if theme_pairs.empty:
        return _empty_quotes(by)
    sub = Corpus(passages=corpus.passages, coded=corpus.coded, pairs=theme_pairs, doc_attrs=corpus.doc_attrs,
                 _embeddings=corpus._embeddings)
    ranked = score_pairs(sub, codebook, encoder)
    if groups is not None:
        ranked["group"] = ranked["doc_id"].map(groups)

    def choose(pool: pd.DataFrame) -> pd.DataFrame:
        if groups is None:
            chosen = select_quotes(corpus, pool, n)
        else:
            names = sorted(pool["group"].unique(), key=group_sort_key)
            parts = [select_quotes(corpus, pool[pool["group"] == g], n) for g in names]
            chosen = pd.concat(parts) if parts else pool.iloc[:0]
        return finish_quotes(chosen, codebook, redact=redact)

    return real_quotes_first(ranked, choose, redact=redact)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def quote_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a quote table as JSON-ready dicts (contract keys first)."""
    cols = [c for c in QUOTE_COLUMNS if c in df.columns] + [c for c in df.columns if c not in QUOTE_COLUMNS]
    return [{c: _plain(v) for c, v in zip(cols, row)} for row in df[cols].itertuples(index=False, name=None)]


def quotes_to_json(df: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The ``quotes --format json`` document: ``{"quotes": [{theme, text, score, doc_id, source, locator,
    speaker, source_ref, attrs, ...}]}``."""
    return {"quotes": quote_records(df)}


# ---- evidence (reference)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{c: _plain(v) for c, v in zip(df.columns, row)} for row in df.itertuples(index=False, name=None)]


def _sentiment_counts(pairs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=keys + list(SENTIMENT))
    counts = (pairs.assign(label=pairs["label"].where(pairs["label"].isin(SENTIMENT)))
              .dropna(subset=["label"])
              .groupby(keys + ["label"]).size().unstack("label"))
    return counts.reindex(columns=list(SENTIMENT)).fillna(0).astype(int).reset_index()


def _best(scored: pd.DataFrame, keys: list[str], passed: frozenset = frozenset()) -> pd.DataFrame:
    """The top-scoring passage per ``keys`` (scored is sorted best first within each theme), those of ``passed``
    (quotes mostly of placeholders) last."""
    if scored.empty:
        return pd.DataFrame(columns=keys + ["seg_id", *_QUOTE_COLUMNS[1:]])
    # per theme is enough: a sentence and the testimonial inside it share their document, hence every group
    parts = [prefer_testimonials(part) for _, part in scored.groupby("theme", sort=False)]
    candidates = pd.concat(parts) if parts else scored
    candidates = candidates.assign(_passed=candidates["seg_id"].isin(passed))
    best = (candidates.sort_values(["_passed", "score", "seg_id"], ascending=[True, False, True], kind="mergesort")
            .drop_duplicates(keys))
    return best[keys + ["seg_id", "speaker", "source_ref", "source", "locator", "doc_id"]].rename(
        columns={"speaker": "quote_speaker", "source_ref": "quote_source_ref", "source": "quote_source",
                 "locator": "quote_locator", "doc_id": "quote_doc_id"})


def _unread_passages(corpus: Corpus) -> pd.DataFrame:
    """The coded passages with no theme that a machine coder whose codes are in use there recorded it could not
    read (the store's unread table), with no person's code in use on them: seg_id, doc_id, kind."""
    marks = corpus.unread
    if marks is None or marks.empty:
        return pd.DataFrame(columns=["seg_id", "doc_id", "kind"])
    bare = corpus.coded[~corpus.coded["seg_id"].isin(corpus.pairs["seg_id"])]
    human = set(corpus.codes_in_use.loc[corpus.codes_in_use["coder"].map(is_human).astype(bool), "seg_id"])
    bare = bare[~bare["seg_id"].isin(human)]
    in_use = corpus.codes_in_use[["seg_id", "coder"]].drop_duplicates()
    found = marks.merge(in_use, on=["seg_id", "coder"]).drop_duplicates("seg_id")
    return bare[["seg_id", "doc_id"]].merge(found[["seg_id", "kind"]], on="seg_id")


def _read_documents(corpus: Corpus) -> pd.DataFrame:
    """The coded passages of the documents that hold one the coders could read (the documents a share is of)."""
    unread = set(_unread_passages(corpus)["seg_id"])
    read_docs = set(corpus.coded.loc[~corpus.coded["seg_id"].isin(unread), "doc_id"])
    return corpus.coded[corpus.coded["doc_id"].isin(read_docs)]


def _theme_table(corpus: Corpus, codebook, scored: pd.DataFrame, passed: frozenset = frozenset()) -> pd.DataFrame:
    pairs = corpus.pairs
    base = pd.DataFrame({"theme": codebook.theme_ids,
                         "label": [t.label for t in codebook.themes]})
    stats = pairs.groupby("theme").agg(segments=("seg_id", "nunique"), documents=("doc_id", "nunique"))
    out = base.merge(stats, left_on="theme", right_index=True, how="left")
    out[["segments", "documents"]] = out[["segments", "documents"]].fillna(0).astype(int)
    out["n"] = int(_read_documents(corpus)["doc_id"].nunique())
    out["share"], out["ci_low"], out["ci_high"] = _shares(out["documents"], out["n"])
    out = out.merge(_sentiment_counts(pairs, ["theme"]), on="theme", how="left")
    out[list(SENTIMENT)] = out[list(SENTIMENT)].fillna(0).astype(int)
    out = out.merge(_best(scored, ["theme"], passed), on="theme", how="left")
    return out


def _matrix(corpus: Corpus, codebook, scored: pd.DataFrame, attr: str, passed: frozenset = frozenset()
            ) -> pd.DataFrame:
    groups = group_values(corpus, attr)
    coded_docs = _read_documents(corpus).drop_duplicates("doc_id")
    n = coded_docs["doc_id"].map(groups).value_counts()
    names = sorted(n.index, key=group_sort_key)
    grid = pd.MultiIndex.from_product([codebook.theme_ids, names], names=["theme", "group"]).to_frame(index=False)
    pairs = corpus.pairs.assign(group=corpus.pairs["doc_id"].map(groups))
    stats = pairs.groupby(["theme", "group"]).agg(segments=("seg_id", "nunique"), documents=("doc_id", "nunique"))
    out = grid.merge(stats, left_on=["theme", "group"], right_index=True, how="left")
    out[["segments", "documents"]] = out[["segments", "documents"]].fillna(0).astype(int)
    out["n"] = out["group"].map(n).astype(int)
    out["share"], out["ci_low"], out["ci_high"] = _shares(out["documents"], out["n"])
    out["label"] = out["theme"].map({t.id: t.label for t in codebook.themes})
    out = out.merge(_sentiment_counts(pairs, ["theme", "group"]), on=["theme", "group"], how="left")
    out[list(SENTIMENT)] = out[list(SENTIMENT)].fillna(0).astype(int)
    scored_g = scored.assign(group=scored["doc_id"].map(groups))
    out = out.merge(_best(scored_g, ["theme", "group"], passed), on=["theme", "group"], how="left")
    return out


def _fill_quotes(tables: list[pd.DataFrame], scored: pd.DataFrame, codebook, redact: bool) -> list[pd.DataFrame]:
    """Each table with its ``seg_id`` column replaced by the (redacted) quote text, and its speaker redacted;
    each passage is redacted once however many tables quote it."""
    ids = sorted({s for t in tables for s in t["seg_id"].dropna()})
    texts = scored.drop_duplicates("seg_id").set_index("seg_id")["quote"]
    chosen = texts.reindex(ids).fillna("")
    speakers: dict[str, str] = {}
    if redact and ids:
        from evalnlp.redact import redact_many

        protect = protect_words(codebook)
        red = redact_many(chosen.tolist(), protect=protect)
        chosen = pd.Series([r.text for r in red], index=chosen.index)
        names = sorted({speaker_text(v) for t in tables for v in t["quote_speaker"].dropna()} - {None})
        speakers = dict(zip(names, redact_speakers(names, protect)))
    from evalnlp.quotes import shorten_quote

    chosen = chosen.map(shorten_quote)  # a long passage is quoted in its leading sentences
    out = []
    for table in tables:
        quote = table["seg_id"].map(chosen)
        speaker = table["quote_speaker"].map(speaker_text).map(lambda v: speakers.get(v, v) if v else None)
        out.append(table.assign(quote=quote.astype(object).where(quote.notna(), None),
                                quote_speaker=speaker.astype(object).where(speaker.notna(), None),
                                quote_source_ref=table["quote_source_ref"].astype(object)
                                .where(table["quote_source_ref"].notna(), None))
                   .drop(columns="seg_id"))
    return out


def _doc_filter(corpus: Corpus, claim: Claim) -> pd.Series | None:
    """Boolean per doc_id: documents matching every filter of ``claim`` (None when it has none)."""
    keep = None
    for attr, values in claim.filters.items():
        try:
            groups = group_values(corpus, attr)
        except InputError:
            raise unknown_attribute(attr, corpus, code="E157", what=f"claim {claim.id!r} filters on") from None
        match = groups.isin(set(values))
        keep = match if keep is None else keep & match
    return keep


def _claim_row(corpus: Corpus, codebook, scored: pd.DataFrame, reach: pd.DataFrame, claim: Claim, *,
               redact: bool, n_quotes: int, cited: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    support = scored[scored["theme"].isin(claim.themes)]
    docs_ok = _doc_filter(corpus, claim)
    if docs_ok is not None:
        support = support[support["doc_id"].map(docs_ok).fillna(False).astype(bool)]
    segs = support.drop_duplicates("seg_id")  # best-scored row per passage (scored is best first)
    segs = segs.sort_values(["score", "seg_id"], ascending=[False, True], kind="mergesort")
    testimonials = segs[segs["seg_kind"] == "testimonial"].sort_values(["source", "locator", "start"])
    refs = testimonials.dropna(subset=["source_ref"])
    references = int(refs[["source", "source_ref"]].drop_duplicates().shape[0])
    attributed = int(testimonials["speaker"].notna().sum())
    row = {
        "id": claim.id, "text": claim.text,
        "segments": int(segs["seg_id"].nunique()), "documents": int(segs["doc_id"].nunique()),
        "sources": int(segs["source"].nunique()),
    }
    row["strength"] = rate_strength(segments=row["segments"], documents=row["documents"], sources=row["sources"],
                                    references=references, attributed=attributed)
    quotes = real_quotes_first(segs, lambda pool: finish_quotes(select_quotes(corpus, pool, n_quotes), codebook,
                                                                redact=redact), redact=redact)
    row["quotes"] = quote_records(quotes)
    t_quotes = finish_quotes(testimonials, codebook, redact=redact) if len(testimonials) else testimonials
    row.update({
        "themes": list(claim.themes), "filters": {k: list(v) for k, v in claim.filters.items()},
        "references": references, "independent_sources": row["sources"] + references,
        "testimonials_n": int(len(testimonials)), "attributed": attributed,
    })
    row["testimonials"] = [
        {"quote": q["text"], "speaker": q["speaker"], "source_ref": q["source_ref"], "source": q["source"],
         "locator": q["locator"], "doc_id": q["doc_id"], "theme": q["theme"],
         "source_entries": (cited or {}).get(q["seg_id"], [])}
        for q in (quote_records(t_quotes) if len(testimonials) else [])
    ]
    linked = reach.merge(segs[["doc_id", "start", "end", "source", "locator"]], on="doc_id",
                         suffixes=("", "_seg"))
    linked = linked[(linked["start"] < linked["end_seg"]) & (linked["start_seg"] < linked["end"])]
    linked = linked.drop_duplicates(["doc_id", "start", "end"]).sort_values(["source", "locator", "start"])
    row["reach"] = [{"text": " ".join(str(r.text).split()), "value": _plain(r.value), "unit": _plain(r.unit),
                     "source": r.source, "locator": r.locator, "doc_id": r.doc_id}
                    for r in linked.itertuples(index=False)]
    row["reach_n"] = len(row["reach"])
    return row


def _claims_table(corpus, codebook, scored, store, claims, *, redact, n_quotes) -> pd.DataFrame:
    if not claims:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLAIM_COLUMNS})
    reach = store.table("reach")
    cited: dict[str, list[dict[str, Any]]] = {}
    entries = store.segment_sources()
    texts = [str(t) for t in entries["text"]]
    if redact and texts:  # the entries are de-identified as the quotes beside them ("Letter from Dr X, x@y.org")
        from evalnlp.redact import redact_many

        texts = [r.text for r in redact_many(texts, protect=protect_words(codebook))]
    for r, text in zip(entries.itertuples(index=False), texts):  # the corroborating source beside each testimonial
        cited.setdefault(r.seg_id, []).append({"ref": r.ref, "label": r.label, "text": text})
    rows = [_claim_row(corpus, codebook, scored, reach, c, redact=redact, n_quotes=n_quotes, cited=cited)
            for c in claims]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def _provenance(store, codebook, corpus: Corpus) -> dict[str, Any]:
    runs = store.table("runs")
    run_rows = []
    for r in runs.itertuples(index=False):
        run_rows.append({
            "run_id": r.run_id, "command": r.command, "status": r.status,
            "codebook_id": _none(r.codebook_id), "codebook_sha256": _none(r.codebook_sha256),
            "model_sha256": _none(r.model_sha256),
            "started": None if pd.isna(r.started) else pd.Timestamp(r.started).isoformat(),
            "finished": None if pd.isna(r.finished) else pd.Timestamp(r.finished).isoformat(),
            "n_in": _plain(r.n_in), "n_ok": _plain(r.n_ok), "n_rejected": _plain(r.n_rejected),
            "versions": _json_obj(r.versions), "args": _json_obj(r.args),
        })
    passages = corpus.passages
    data = (passages.groupby("source").agg(documents=("doc_id", "nunique"), segments=("seg_id", "nunique"))
            .reset_index())
    coded_by_source = corpus.coded.groupby("source")["doc_id"].nunique()
    data["documents_coded"] = data["source"].map(coded_by_source).fillna(0).astype(int)
    coders = corpus.coder_segments
    return {
        "codebook": {"id": codebook.id, "title": codebook.title, "version": codebook.version,
                     "sha256": codebook.sha256},
        "data": data.to_dict("records"),
        "coders": [{"coder": c, "segments": int(v)} for c, v in coders.items()],
        "runs": run_rows,
        "store": Path(store.path).name,
    }


def _none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _json_obj(value: Any) -> Any:
    import json

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (dict, list)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return str(value)


def build_evidence(store, codebook, *, by: Sequence[str] | str = (), claims: Iterable[Claim] | str | Path | None = None,
                   redact: bool = True, n_quotes: int = 3, encoder=None, corpus: Corpus | None = None) -> Evidence:
    """Build the theme table, one framework matrix per ``by`` attribute and, with ``claims`` (a list of
    :class:`Claim` or the path of a claims file), the claim table.

    Raises :class:`InputError` E150 (listing the attributes found) for an unknown ``by`` attribute, E157
    for an unknown claim filter attribute, E156 for a claim theme not in the codebook.
    """
    by = [by] if isinstance(by, str) else list(dict.fromkeys(by))
    corpus = corpus if corpus is not None else load_corpus(store, codebook)
    for attr in by:
        group_values(corpus, attr)  # fail before any work on an unknown attribute
    if isinstance(claims, (str, Path)):
        claims = load_claims(claims, codebook)
    elif claims is not None:
        claims = list(claims)
        parse_claims([{"id": c.id, "text": c.text, "themes": list(c.themes),
                       **({"filters": {k: list(v) for k, v in c.filters.items()}} if c.filters else {})}
                      for c in claims], "<claims>", codebook)
    scored = score_pairs(corpus, codebook, encoder)
    passed: frozenset = frozenset()
    while True:  # a best quote mostly of placeholders gives way to the next passage, unless nothing else is left
        themes = _theme_table(corpus, codebook, scored, passed)
        matrices = {attr: _matrix(corpus, codebook, scored, attr, passed) for attr in by}
        ids = sorted({s for t in [themes, *matrices.values()] for s in t["seg_id"].dropna()})
        themes, *filled = _fill_quotes([themes, *matrices.values()], scored, codebook, redact)
        bare: frozenset = frozenset()
        if redact and ids:
            from evalnlp.redact import redact_many

            texts = scored.drop_duplicates("seg_id").set_index("seg_id")["quote"].reindex(ids).fillna("")
            red = redact_many(texts.tolist(), protect=protect_words(codebook))
            bare = frozenset(s for s, r in zip(ids, red) if placeholder_quote(r.text)) - passed
        if not bare:
            break
        passed |= bare
    matrices = dict(zip(matrices, filled))
    claim_table = _claims_table(corpus, codebook, scored, store, claims or [], redact=redact, n_quotes=n_quotes)
    notes = []
    if corpus.ignored_themes:
        notes.append(f"codes for themes not in codebook {codebook.id!r} were ignored: "
                     f"{', '.join(corpus.ignored_themes)}")
    if corpus.coded.empty:
        notes.append("no coded passages: " + (uncoded_note(store, codebook) or
                                              "run `evalnlp classify` (or import human codes) first"))
    else:  # passages with no theme that the coders could not read (not English, or no word)
        from collections import Counter

        from evalnlp.evidence import unread_note
        from evalnlp.language import readable

        if corpus.unread is not None:  # as classify recorded them
            marked = _unread_passages(corpus)
            kinds = Counter(marked["kind"])
        else:
            bare = corpus.coded.loc[~corpus.coded["seg_id"].isin(corpus.pairs["seg_id"]), "seg_id"].unique()
            text = store.table("segments").set_index("seg_id")["text"]
            kinds = Counter(readable(text.loc[bare].tolist()))
        n_docs = int(corpus.coded["doc_id"].nunique())
        unread = unread_note(kinds, int(corpus.coded["seg_id"].nunique()),
                             n_docs - int(_read_documents(corpus)["doc_id"].nunique()), n_docs)
        if unread:
            notes.append(unread)
    return Evidence(
        codebook={"id": codebook.id, "title": codebook.title, "version": codebook.version, "sha256": codebook.sha256},
        documents_coded=int(corpus.coded["doc_id"].nunique()),
        documents_unread=int(corpus.coded["doc_id"].nunique()) - int(_read_documents(corpus)["doc_id"].nunique()),
        segments_coded=int(corpus.coded["seg_id"].nunique()),
        segments_no_theme=int((~corpus.coded["seg_id"].isin(corpus.pairs["seg_id"])).sum()),
        segments_human_coded=int(corpus.coded.loc[corpus.coded["coder"].map(is_human).astype(bool),
                                                  "seg_id"].nunique()),
        themes=themes[THEME_COLUMNS].reset_index(drop=True),
        matrices={a: m[MATRIX_COLUMNS].reset_index(drop=True) for a, m in matrices.items()},
        claims=claim_table,
        provenance=_provenance(store, codebook, corpus),
        notes=notes,
    )


# ---- report (reference)


def pick_heatmap_attribute(corpus, candidates: Sequence[str] | None = None) -> str | None:
    coded = corpus.coded["doc_id"].drop_duplicates()
    builtins = builtin_attributes(corpus)
    attrs = list(candidates) if candidates else [a for a in known_attributes(corpus) if a not in builtins]
    for attr in attrs:
        groups = coded.map(group_values(corpus, attr))
        sizes = groups[groups != MISSING_GROUP].value_counts()
        if 2 <= len(sizes) <= 12 and sizes.max() > 1:
            return attr
    return None


def report_html(store, codebook, *, redact: bool = True, claims=None, by: Sequence[str] | str | None = None,
                n_quotes: int = 3, encoder=None, title: str | None = None) -> str:
    """The report's HTML text, as the in-memory computation made it."""
    from evalnlp.reports.html import render_html

    corpus = load_corpus(store, codebook)
    by_list = [by] if isinstance(by, str) else list(by or [])
    if not by_list:
        auto = pick_heatmap_attribute(corpus)
        by_list = [auto] if auto else []
    evidence = build_evidence(store, codebook, by=by_list, claims=claims, redact=redact, n_quotes=n_quotes,
                              encoder=encoder, corpus=corpus)
    parts = [rank_quotes(store, codebook, t, n=n_quotes, redact=redact, encoder=encoder, corpus=corpus)
             for t in codebook.theme_ids]
    parts = [p for p in parts if len(p)]
    quotes = pd.concat(parts, ignore_index=True) if parts else None
    title = title or f"Evidence report: {codebook.title}"
    html = render_html(evidence, quotes=quotes, heatmap=by_list[0] if by_list else None, title=title)
    if not redact:
        html = html.replace("Quotes are de-identified unless stated otherwise.",
                            "Quotes are NOT de-identified (redaction was turned off).")
    return html
