"""Evidence tables: theme prevalence, framework matrices and claim tables.

Every figure is counted by the store (see :mod:`evalnlp.corpus`) from its effective codes (a segment's human
codes where it has any, otherwise the latest machine run's), restricted to the codebook's themes:

- ``segments``: coded passages (responses, sentences or testimonials) assigned the theme;
- ``documents``: distinct documents (answers, one per row and question of a table, or paragraphs of a
  narrative) with at least one of them;
- ``n``: documents with at least one coded passage (assigned a theme or not), the denominator;
- ``share``: ``documents / n`` with a Wilson 95% interval ``ci_low``..``ci_high``;
- ``positive``, ``mixed``, ``negative``, ``neutral``: the theme's passages by sentiment label;
- ``quote``: the theme's best quote (see :mod:`evalnlp.quotes`), redacted unless ``redact=False``; it is
  chosen among the :data:`CELL_CANDIDATES` passages of the theme (of the theme in the group, in a matrix) that
  score highest before embedding, so it is the best of all of them whenever there are no more than that.

A framework matrix repeats these figures for each group of an attribute (a metadata key, ``question``,
``source`` or ``kind``), with the share taken within the group; a document without the attribute falls
in the group ``(missing)``, so each theme's groups add up to its total.

Claims come from a YAML file (:func:`load_claims`). A passage supports a claim when it is coded with any
of the claim's themes and its document matches every filter. The claim table counts supporting
passages, documents and sources, lists the supporting testimonials and the reach figures inside
supporting passages, picks the best quotes and rates the evidence by :data:`STRENGTH_RULE`.

Error codes: E150 unknown ``--by`` attribute; E151-E157 and E159-E160 a claims file that cannot be
used (see :func:`load_claims`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.corpus import MISSING_GROUP, Corpus, group_label, group_sort_key, load_corpus
from evalnlp.corpus import plain as _plain
from evalnlp.quotes import (
    CENTRE_SAMPLE,
    QUOTE_CANDIDATES,
    Preload,
    candidate_weights,
    distinct_once_redacted,
    finish_quotes,
    shorten_quote,
    group_names,
    placeholder_quote,
    prefer_testimonials,
    protect_words,
    quote_records,
    redact_locators,
    redact_speakers,
    score_pairs,
    select_quotes,
    speaker_text,
    uncoded_note,
    within_testimonials,
)

__all__ = [
    "STRENGTH_LEVELS",
    "STRENGTH_RULE",
    "THEME_COLUMNS",
    "MATRIX_COLUMNS",
    "CLAIM_COLUMNS",
    "Claim",
    "Evidence",
    "build_evidence",
    "claims_keep_names",
    "load_claims",
    "rate_strength",
    "wilson_interval",
]

Z95 = 1.959963984540054
SENTIMENT = ("positive", "mixed", "negative", "neutral")

#: Evidence-strength levels, strongest first.
STRENGTH_LEVELS = ("strong", "moderate", "limited", "none")

#: Thresholds of the strength rule.
STRONG_SOURCES = 3
MODERATE_SOURCES = 2
MODERATE_DOCUMENTS = 10
MODERATE_ATTRIBUTED_DOCUMENTS = 3

#: The evidence-strength rule, word for word as :func:`rate_strength` applies it.
STRENGTH_RULE = f"""\
Each claim's evidence is rated from its supporting passages (passages coded with any of the claim's
themes, in documents that match the claim's filters):

- independent sources = distinct input files with a supporting passage (a survey export, a case
  study, a set of interview notes) + distinct corroborating references cited by supporting
  testimonials (a marker such as [C], (5.3) or a footnote, pointing to a letter, report or statement);
  a reference is an entry of a file's sources list, counted once however its markers are written
  ([5.3] and (see 5.3) are one, [5.3, 5.4] two, and a Word document's footnote in the very words of
  an entry is that entry), or the text of a marker that names no entry;
  a reference to a letter whose own file has a supporting passage is that file, counted once;
- an attributed testimonial is a supporting quotation with a named speaker (a person or a role,
  such as "the Medical Director of the Trust").

strong:   at least {STRONG_SOURCES} independent sources, and at least one attributed testimonial or
          corroborating reference;
moderate: at least {MODERATE_SOURCES} independent sources; or at least {MODERATE_DOCUMENTS} supporting documents
          (respondents); or an attributed testimonial with at least {MODERATE_ATTRIBUTED_DOCUMENTS} supporting documents
          (a respondent's answers to several questions, and the paragraphs of one report or case
          study, are one document here);
limited:  at least one supporting passage;
none:     no supporting passage.
"""

_QUOTE_COLUMNS = ["quote", "quote_speaker", "quote_source_ref", "quote_source", "quote_locator", "quote_doc_id"]
THEME_COLUMNS = ["theme", "label", "segments", "documents", "share", "ci_low", "ci_high", "n", *SENTIMENT,
                 *_QUOTE_COLUMNS]
MATRIX_COLUMNS = ["group", "theme", "segments", "documents", "share", "ci_low", "ci_high", "n", "label",
                  *SENTIMENT, *_QUOTE_COLUMNS]
CLAIM_COLUMNS = ["id", "text", "segments", "documents", "sources", "strength", "quotes", "themes", "filters",
                 "references", "independent_sources", "testimonials_n", "attributed", "reach_n",
                 "testimonials", "reach"]


# ---------------------------------------------------------------------------------------- statistics


def wilson_interval(k: np.ndarray | int, n: np.ndarray | int, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``k`` successes in ``n`` trials (element-wise); ``n == 0`` gives [0, 1].

    The bounds are clipped so that ``low <= k / n <= high`` holds exactly in floating point.

    >>> [round(float(x), 4) for x in wilson_interval(3, 10)]
    [0.1078, 0.6032]
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    p = np.where(n > 0, k / safe, 0.0)
    denom = 1 + z * z / safe
    centre = (p + z * z / (2 * safe)) / denom
    half = z * np.sqrt(p * (1 - p) / safe + z * z / (4 * safe * safe)) / denom
    low = np.where(n > 0, np.minimum(np.clip(centre - half, 0, 1), p), 0.0)
    high = np.where(n > 0, np.maximum(np.clip(centre + half, 0, 1), p), 1.0)
    return low, high


def _shares(documents: pd.Series, n: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    docs = documents.to_numpy(dtype=float)
    total = n.to_numpy(dtype=float)
    share = np.where(total > 0, docs / np.where(total > 0, total, 1), 0.0)
    low, high = wilson_interval(docs, total)
    return share, low, high


def rate_strength(*, segments: int, documents: int, sources: int, references: int, attributed: int) -> str:
    """Apply :data:`STRENGTH_RULE`."""
    if segments <= 0:
        return "none"
    independent = sources + references
    corroborated = attributed > 0 or references > 0
    if independent >= STRONG_SOURCES and corroborated:
        return "strong"
    if (independent >= MODERATE_SOURCES or documents >= MODERATE_DOCUMENTS
            or (attributed > 0 and documents >= MODERATE_ATTRIBUTED_DOCUMENTS)):
        return "moderate"
    return "limited"


# ---------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Claim:
    """An impact claim: the themes that support it and optional document filters ``{attr: (values...)}``."""

    id: str
    text: str
    themes: tuple[str, ...]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


_CLAIM_KEYS = ("id", "text", "themes", "filters")


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and not (isinstance(value, float) and math.isnan(value))


def _filter_label(value: Any) -> str:
    """A claim filter's value as the group it names (see :func:`evalnlp.corpus.group_label`)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    folded = group_label(text)
    return text if folded == MISSING_GROUP else folded


def _parse_claim(item: Any, where: str, problems: list[tuple[str, str]]) -> Claim | None:
    if not isinstance(item, dict):
        problems.append(("E154", errors.message("E154", "not_mapping", where=where, type_name=type(item).__name__,
                                                item=item)))
        return None
    unknown = [k for k in item if k not in _CLAIM_KEYS]
    if unknown:
        problems.append(("E160", errors.message("E160", where=where, listed=', '.join(map(repr, unknown)),
                                                claim_keys=', '.join(_CLAIM_KEYS))))
    ok = True
    cid = item.get("id")
    if cid is None or not _scalar(cid) or isinstance(cid, bool) or not str(cid).strip():
        problems.append(("E154", errors.message("E154", "id", where=where)))
        ok = False
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append(("E154", errors.message("E154", "text", where=where, text=text)))
        ok = False
    themes = item.get("themes")
    if isinstance(themes, str):
        themes = [themes]
    if (not isinstance(themes, list) or not themes
            or not all(isinstance(t, str) and t.strip() for t in themes)):
        problems.append(("E154", errors.message("E154", "themes", where=where, themes=item.get('themes'))))
        ok = False
    filters: dict[str, tuple[str, ...]] = {}
    raw_filters = item.get("filters")
    if raw_filters is not None:
        if not isinstance(raw_filters, dict):
            problems.append(("E159", errors.message("E159", "not_mapping", where=where, raw_filters=raw_filters)))
            ok = False
        else:
            for attr, value in raw_filters.items():
                values = value if isinstance(value, list) else [value]
                if not values or not all(_scalar(v) for v in values):
                    problems.append(("E159", errors.message("E159", "filter", where=where, attr=attr, value=value)))
                    ok = False
                    continue
                filters[str(attr)] = tuple(_filter_label(v) for v in values)
    if not ok:
        return None
    return Claim(id=str(cid).strip(), text=" ".join(text.split()),
                 themes=tuple(dict.fromkeys(t.strip() for t in themes)), filters=filters)


def _raise(path: str, problems: list[tuple[str, str]]) -> None:
    if len(problems) == 1:
        code, msg = problems[0]
        raise errors.several(code, "claims", path=path, problem=msg)
    lines = "\n".join(f"  {i}. [{c}] {m}" for i, (c, m) in enumerate(problems, 1))
    raise errors.several(problems[0][0], "claims_several", path=path, n=len(problems), lines=lines)


def parse_claims(data: Any, source: str = "<claims>", codebook=None) -> list[Claim]:
    """Validate parsed YAML (a list of claims, or ``{claims: [...]}``); see :func:`load_claims`."""
    if isinstance(data, dict) and "claims" in data:
        extra = [k for k in data if k not in ("claims", "keep_names")]
        data = data["claims"]
        if extra:
            _raise(source, [("E153", errors.message("E153", "keys", listed=', '.join(map(repr, extra))))])
    if not isinstance(data, list) or not data:
        _raise(source, [("E153", errors.message("E153", "not_list", type_name=type(data).__name__))])
    problems: list[tuple[str, str]] = []
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(data, 1):
        claim = _parse_claim(item, f"claim {i}", problems)
        if claim is None:
            continue
        if claim.id in seen:
            problems.append(("E155", errors.message("E155", i=i, claim_id=claim.id, seen=seen[claim.id])))
            continue
        seen[claim.id] = i
        if codebook is not None:
            for theme in claim.themes:
                if theme not in codebook.theme_ids:
                    problems.append(("E156", errors.message("E156", i=i, claim_id=claim.id, theme=theme,
                                                            codebook_id=codebook.id,
                                                            theme_ids=', '.join(codebook.theme_ids))))
        claims.append(claim)
    if problems:
        _raise(source, problems)
    return claims


def load_claims(path: str | Path, codebook=None) -> list[Claim]:
    """Read and validate a claims YAML file.

    The file is a list of claims or a mapping ``{claims: [...]}``; each claim has ``id``, ``text``,
    ``themes`` (theme ids) and optional ``filters`` (``{attr: value or [values]}``)::

        claims:
          - id: c1
            text: The programme improved patient care.
            themes: [service_improvement, practice_change]
            filters: {programme: [Mary Seacole]}

    The mapping form may also hold ``keep_names``: names that redaction leaves in the quotes (such as the
    researchers' own), read by :func:`claims_keep_names`.

    Every problem is reported at once: E151 the file cannot be read, E152 not YAML, E153 wrong shape,
    E154 a claim lacks id, text or themes, E155 duplicate id, E156 a theme not in ``codebook`` (checked
    when one is given), E159 malformed filters, E160 unknown keys.
    """
    p = Path(path)
    return parse_claims(_read_claims_yaml(p), str(p), codebook)


def claims_keep_names(path: str | Path) -> list[str]:
    """The ``keep_names`` list of a claims file (empty when it has none); E164 when it is not a list of
    names."""
    p = Path(path)
    data = _read_claims_yaml(p)
    if not isinstance(data, dict) or data.get("keep_names") is None:
        return []
    names = data["keep_names"]
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise errors.error("E164", "claims", path=str(p), data=data['keep_names'])
    return [" ".join(n.split()) for n in names]


def _read_claims_yaml(p: Path) -> Any:
    import yaml

    from evalnlp.util import path_kind, refuse_open_store

    if p.exists() and not p.is_file() and not p.is_dir():  # /dev/null, a named pipe (which would wait for ever)
        raise errors.error("E151", "not_a_file", path=str(p), kind=path_kind(p))
    refuse_open_store(p, "a claims file")
    try:
        raw = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise errors.error("E151", "missing", path=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.error("E151", "unreadable", path=str(p), exc=exc) from None
    try:
        from evalnlp.util import load_yaml

        data = load_yaml(raw, strings=True)  # a filter value is the text written: "12:30", "1.10", "no"
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise errors.error("E152", path=str(p), where=where, value=getattr(exc, 'problem', None) or exc) from None
    return data


# ---------------------------------------------------------------------------------------- evidence


@dataclass
class Evidence:
    """Evidence tables built by :func:`build_evidence`; :meth:`to_json` gives the command's JSON.

    ``themes`` has one row per theme of the codebook: theme, label, segments (coded passages given the theme),
    documents (distinct documents with one of them), share (documents / n) with its Wilson 95% interval ci_low
    and ci_high, n (documents with a coded passage, the denominator), the theme's passages by sentiment
    (positive, mixed, negative, neutral) and its best quote with where it is from (quote, quote_speaker,
    quote_source_ref, quote_source, quote_locator, quote_doc_id; empty with ``quotes=False``).

    ``matrices`` maps each ``by`` attribute to a framework matrix: the same figures for each group and theme
    (group, theme, label, ...), the share taken within the group.

    ``claims`` has one row per claim of the claims file: id, text, themes and filters as the file gives them;
    segments, documents and sources (distinct input files) supporting it; references (corroborating references
    cited by its testimonials) and independent_sources (sources + references); testimonials_n, attributed (those
    with a speaker) and testimonials (each a dict); reach_n and reach (the reach figures in its passages); quotes
    (the best supporting quotes, each a dict) and strength (strong, moderate, limited or none, by
    :data:`STRENGTH_RULE`).

    ``notes`` say what the tables leave out; ``provenance`` names the codebook, the data, the coders and the runs.

    >>> ev = project.evidence(by=["programme"])                  # doctest: +SKIP
    >>> ev.themes[["theme", "documents", "share"]]               # doctest: +SKIP
    >>> ev.matrices["programme"]                                 # doctest: +SKIP
    """

    codebook: dict[str, Any]
    documents_coded: int
    segments_coded: int
    themes: pd.DataFrame
    matrices: dict[str, pd.DataFrame]
    claims: pd.DataFrame
    provenance: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    strength_rule: str = STRENGTH_RULE
    segments_no_theme: int = 0  # coded passages assigned no theme at all
    segments_human_coded: int = 0  # coded passages that hold a person's decision (for one theme or more)
    #: coded documents holding only passages the coders could not read (not in English, or no word): no share
    #: counts them, so each theme's ``n`` is ``documents_coded - documents_unread``
    documents_unread: int = 0
    #: the files an output wrote (a CSV output's sibling files too), set by :func:`evalnlp.api.evidence`
    files: list = field(default_factory=list)

    @property
    def human_note(self) -> str:
        """``; N of the M passages coded by hand`` when human codes are used, else an empty string (for summaries,
        after the passages with no theme: "of them" there would read as of those)."""
        if not self.segments_human_coded:
            return ""
        return f"; {self.segments_human_coded:,} of the {self.segments_coded:,} passages coded by hand"

    @property
    def unread_text(self) -> str:
        """`` (3 of them left out of every share: ...)`` after ``N documents coded`` when some coded documents hold
        nothing the coders could read, else an empty string."""
        if not self.documents_unread:
            return ""
        d = self.documents_unread
        return (f" ({d:,} of them left out of every share: {'they hold' if d != 1 else 'it holds'} nothing the "
                "coders could read, not in English or with no word)")

    @property
    def share_of(self) -> str:
        """What a share is of: ``documents coded``, or ``documents the coders could read`` when some are left
        out (:attr:`documents_unread`)."""
        return "documents the coders could read" if self.documents_unread else "documents coded"

    @property
    def no_theme_share(self) -> float:
        """Share of the coded passages that no theme was assigned to."""
        return self.segments_no_theme / self.segments_coded if self.segments_coded else 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``evidence --format json`` document as a JSON-ready dict (numbers rounded to 4 places):
        ``themes``, ``matrices`` and ``claims`` as in the command contract, plus ``codebook``,
        ``documents_coded``, ``segments_coded``, ``segments_no_theme``, ``segments_human_coded`` (passages that
        hold a person's decision, used instead of the machine's codes for the themes it decides),
        ``documents_unread`` (only when some coded documents hold nothing the coders could read: no share counts
        them), ``provenance`` and ``notes``
        (in the command line's words, as the command prints them: ``--by``, not the Python keyword of ``.notes``)."""
        return {
            "themes": _records(self.themes),
            "matrices": {attr: _records(df) for attr, df in self.matrices.items()},
            "claims": _records(self.claims),
            "codebook": _plain(self.codebook),
            "documents_coded": int(self.documents_coded),
            "segments_coded": int(self.segments_coded),
            "segments_no_theme": int(self.segments_no_theme),
            "segments_human_coded": int(self.segments_human_coded),
            # only where there are such documents: a store the coders could read all of gives what it gave before
            **({"documents_unread": int(self.documents_unread)} if self.documents_unread else {}),
            "provenance": _plain(self.provenance),
            "notes": [errors.command_line(n) for n in self.notes],
        }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{c: _plain(v) for c, v in zip(df.columns, row)} for row in df.itertuples(index=False, name=None)]


#: Quote candidates per cell of a framework matrix (per theme and group) for its best quote.
CELL_CANDIDATES = 100


def _best(scored: pd.DataFrame, keys: list[str], passed: set[str] = frozenset()) -> pd.DataFrame:
    """The top-scoring passage per ``keys`` (scored is sorted best first within each theme); the passages of
    ``passed`` (quotes that are mostly placeholders once redacted, see :func:`evalnlp.quotes.placeholder_quote`)
    only where nothing else is left."""
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


def _with_counts(grid: pd.DataFrame, counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = grid.merge(counts, on=keys, how="left")
    cols = ["segments", "documents", *SENTIMENT]
    out[cols] = out[cols].fillna(0).astype(int)
    return out


def _theme_table(corpus: Corpus, codebook, scored: pd.DataFrame, n: int, passed: set[str] = frozenset()
                 ) -> pd.DataFrame:
    base = pd.DataFrame({"theme": codebook.theme_ids,
                         "label": [t.label for t in codebook.themes]})
    out = _with_counts(base, corpus.theme_counts(list(SENTIMENT)), ["theme"])
    out["n"] = int(n)
    out["share"], out["ci_low"], out["ci_high"] = _shares(out["documents"], out["n"])
    out = out.merge(_best(scored, ["theme"], passed), on="theme", how="left")
    return out[["theme", "label", "segments", "documents", "n", "share", "ci_low", "ci_high", *SENTIMENT,
                "seg_id", *_QUOTE_COLUMNS[1:]]]


def _matrix(corpus: Corpus, codebook, scored: pd.DataFrame, attr: str, passed: set[str] = frozenset()
            ) -> pd.DataFrame:
    n = corpus.group_sizes(attr)
    n = n[n > 0]  # a group of documents the coders could not read has no share (the notes say how many)
    grid = pd.MultiIndex.from_product([codebook.theme_ids, list(n.index)],
                                      names=["theme", "group"]).to_frame(index=False)
    out = _with_counts(grid, corpus.theme_counts(list(SENTIMENT), attr), ["theme", "group"])
    out["n"] = out["group"].map(n).astype(int)
    out["share"], out["ci_low"], out["ci_high"] = _shares(out["documents"], out["n"])
    out["label"] = out["theme"].map({t.id: t.label for t in codebook.themes})
    out = out.merge(_best(scored, ["theme", "group"], passed), on=["theme", "group"], how="left")
    return out


def _told(table: pd.DataFrame, told: dict[str, tuple[Any, Any]]) -> pd.DataFrame:
    """``table`` with the speaker and marker of each quote that is a sentence of a testimonial (``told``)."""
    said = [told.get(k, (None, None)) if isinstance(k, str) else (None, None) for k in table["seg_id"]]
    speaker = pd.Series([x[0] for x in said], index=table.index, dtype=object)
    ref = pd.Series([x[1] for x in said], index=table.index, dtype=object)
    return table.assign(quote_speaker=table["quote_speaker"].where(table["quote_speaker"].notna(), speaker),
                        quote_source_ref=table["quote_source_ref"].where(table["quote_source_ref"].notna(), ref))


def _fill_quotes(tables: list[pd.DataFrame], scored: pd.DataFrame, codebook, redact: bool,
                 keep: Sequence[str] = (), store=None, bare: set[str] | None = None) -> list[pd.DataFrame]:
    """Each table with its ``seg_id`` column replaced by the (redacted) quote text, and its speaker redacted;
    each passage is redacted once however many tables quote it, with its document beside it (from ``store``).
    ``bare``, when given, receives the seg ids of the quotes that once redacted are mostly placeholders (see
    :func:`evalnlp.quotes.placeholder_quote`)."""
    ids = sorted({s for t in tables for s in t["seg_id"].dropna()})
    first = scored.drop_duplicates("seg_id").set_index("seg_id")
    told: dict[str, tuple[Any, Any]] = {}  # a sentence of a testimonial: the testimonial's speaker and marker
    doc_ids = first["doc_id"].reindex(ids) if "doc_id" in first.columns else None
    whole = store.document_texts(doc_ids.dropna()) if redact and store is not None and doc_ids is not None else None
    if store is not None and ids and "seg_kind" in first.columns:
        mine = first.reindex(ids).dropna(subset=["doc_id"]).reset_index()
        within = within_testimonials(store, mine, whole).set_index("seg_id")
        before = mine.set_index("seg_id")
        moved = (within["speaker"].notna() & before["speaker"].isna()) | (
            within["source_ref"].notna() & before["source_ref"].isna())
        told = {k: (within.at[k, "speaker"], within.at[k, "source_ref"]) for k in within.index[moved]}
        first = first.copy()
        first.loc[within.index, "quote"] = within["quote"]
    if told:
        tables = [_told(table, told) for table in tables]
    texts = first["quote"]
    chosen = texts.reindex(ids).fillna("")
    speakers: dict[str, str] = {}
    if redact and ids:
        from evalnlp.redact import redact_many

        protect = protect_words(codebook)
        context = store.redaction_contexts(doc_ids.dropna()) if store is not None and doc_ids is not None else {}
        docs = None if whole is None else [context.get(d) if isinstance(d, str) else None for d in doc_ids]
        red = redact_many(chosen.tolist(), protect=protect, keep=keep, documents=docs)
        chosen = pd.Series([r.text for r in red], index=chosen.index)
        if bare is not None:
            bare.update(k for k, t in chosen.items() if placeholder_quote(t))
        names = sorted({speaker_text(v) for t in tables for v in t["quote_speaker"].dropna()} - {None})
        speakers = dict(zip(names, redact_speakers(names, protect, keep)))
    chosen = chosen.map(shorten_quote)  # after redaction, which reads the whole passage
    out = []
    for table in tables:
        quote = table["seg_id"].map(chosen)
        speaker = table["quote_speaker"].map(speaker_text).map(lambda v: speakers.get(v, v) if v else None)
        if redact:  # a locator naming the row by an identifying id ("nhs_number=9434765919")
            table = table.assign(quote_locator=redact_locators(table["quote_locator"].tolist(), keep))
        out.append(table.assign(quote=quote.astype(object).where(quote.notna(), None),
                                quote_speaker=speaker.astype(object).where(speaker.notna(), None),
                                quote_source_ref=table["quote_source_ref"].astype(object)
                                .where(table["quote_source_ref"].notna(), None))
                   .drop(columns="seg_id"))
    return out


def _claim_row(corpus: Corpus, codebook, claim: Claim, *, redact: bool, n_quotes: int,
               encoder=None, keep: Sequence[str] = ()) -> dict[str, Any]:
    counts = corpus.support_counts(list(claim.themes), claim.filters, filter_claim=claim.id)
    themes = [t for t in codebook.theme_ids if t in claim.themes]
    k = max(QUOTE_CANDIDATES, 20 * n_quotes)
    candidates = corpus.candidates(themes, k, candidate_weights(), filters=claim.filters, first_theme=True,
                                   testimonials=True, filter_claim=claim.id)
    scored = score_pairs(corpus, codebook, encoder, pairs=candidates)
    segs = scored.drop_duplicates("seg_id")  # a passage's row of its first theme in the codebook, best scored
    segs = segs.sort_values(["score", "seg_id"], ascending=[False, True], kind="mergesort")
    testimonials = segs[segs["seg_kind"] == "testimonial"].sort_values(["source", "locator", "start"])
    refs = testimonials.dropna(subset=["source_ref"])
    # a letter's reference is the entry that names the letter itself, which its file already counts as a source
    refs = refs[~refs["seg_id"].isin(corpus.letter_passages(list(refs["seg_id"])))]
    references = _references(corpus, claim, refs)
    attributed = int(testimonials["speaker"].notna().sum())
    respondents = counts.pop("respondents", counts["documents"])
    row = {"id": claim.id, "text": claim.text, **counts}
    row["strength"] = rate_strength(segments=row["segments"], documents=respondents, sources=row["sources"],
                                    references=references, attributed=attributed)
    context = None

    def finish(picked: pd.DataFrame) -> pd.DataFrame:
        nonlocal context
        whole = (corpus.store.document_texts(pd.concat([picked["doc_id"], testimonials["doc_id"]])) if redact
                 else None)
        picked = within_testimonials(corpus.store, picked, whole)
        context = corpus.store.redaction_contexts(whole) if whole is not None else None
        return finish_quotes(picked, codebook, redact=redact, keep=keep, documents=context)

    quotes = distinct_once_redacted(segs, lambda pool: select_quotes(corpus, pool, n_quotes), finish, redact=redact)
    row["quotes"] = quote_records(quotes)
    t_quotes = (finish_quotes(testimonials, codebook, redact=redact, keep=keep, documents=context)
                if len(testimonials) else testimonials)
    row.update({
        "themes": list(claim.themes), "filters": {k: list(v) for k, v in claim.filters.items()},
        "references": references, "independent_sources": row["sources"] + references,
        "testimonials_n": int(len(testimonials)), "attributed": attributed,
    })
    cited: dict[str, list[dict[str, Any]]] = {}
    if len(testimonials):  # the corroborating source beside each testimonial
        entries = corpus.cited_sources(list(testimonials["seg_id"]))
        texts = entries["text"].tolist()
        if redact and texts:  # "Letter from Dr X, x@y.org": de-identified as the quotes beside it are
            from evalnlp.redact import redact_many

            texts = [r.text for r in redact_many([str(t) for t in texts], protect=protect_words(codebook),
                                                 keep=keep)]
        for r, text in zip(entries.itertuples(index=False), texts):
            cited.setdefault(r.seg_id, []).append({"ref": r.ref, "label": r.label, "text": text})
    row["testimonials"] = [
        {"quote": q["text"], "speaker": q["speaker"], "source_ref": q["source_ref"], "source": q["source"],
         "locator": q["locator"], "doc_id": q["doc_id"], "theme": q["theme"],
         "source_entries": cited.get(q["seg_id"], [])}
        for q in (quote_records(t_quotes) if len(testimonials) else [])
    ]
    linked = corpus.support_reach(list(claim.themes), claim.filters, filter_claim=claim.id)
    linked = linked.sort_values(["source", "locator", "start"])
    row["reach"] = [{"text": " ".join(str(r.text).split()), "value": _plain(r.value), "unit": _plain(r.unit),
                     "source": r.source, "locator": r.locator, "doc_id": r.doc_id}
                    for r in linked.itertuples(index=False)]
    row["reach_n"] = len(row["reach"])
    return row


def _references(corpus: Corpus, claim: Claim, refs: pd.DataFrame) -> int:
    """The distinct corroborating references that the supporting testimonials ``refs`` cite: each entry of a
    sources list (its file and place) that a marker resolves to, however the marker is written (``[5.1]`` and
    ``(see 5.1)`` are one, ``[5.1, 5.2]`` two), and each marker resolving to no entry by its text within its
    file (``source`` and ``source_ref``). An entry linked to a letter whose own file has a supporting passage is
    left out: that letter counts once, as its file."""
    if refs.empty:
        return 0
    cites = corpus.support_letters(list(claim.themes), claim.filters, list(refs["seg_id"]), filter_claim=claim.id)
    entries = {_entry_key(r) for r in cites.itertuples(index=False) if not r.counted}
    unresolved = refs[~refs["seg_id"].isin(cites["seg_id"])]
    markers = {("marker", r.source, r.source_ref) for r in unresolved.itertuples(index=False)}
    return len(entries) + len(markers)


def _entry_key(cite) -> tuple:
    """A cited entry as one reference: its file and its words when they are long enough to name one source (a
    Word document's footnote repeating its list's entry is that entry), else its file and place."""
    from evalnlp.store import SAME_WORDS_MIN

    words = " ".join(str(cite.text).split()) if isinstance(cite.text, str) else ""
    if len(words) >= SAME_WORDS_MIN:
        return ("words", cite.source, words)
    return ("entry", cite.source, int(cite.position))


def _shown_filters(claims, groups: dict[str, set[str]], order: dict[str, list[str]], keep,
                   codebook) -> dict[str, dict[str, Any]]:
    """For each attribute the claims filter on, each filter value as the redacted tables show it: a group's label
    where the value is a group (numbered over every group of the attribute, as its matrix numbers them), else the
    value de-identified as an attribute's value is (:func:`~evalnlp.quotes.redact_attrs`)."""
    from evalnlp.quotes import redact_attrs

    out: dict[str, dict[str, Any]] = {}
    for attr in dict.fromkeys(a for c in claims for a in c.filters):
        values = list(dict.fromkeys(str(v) for c in claims for v in c.filters.get(attr, ())))
        labels = group_names(attr, sorted(groups[attr], key=group_sort_key), keep=keep, codebook=codebook,
                             order=order[attr])
        lost = [v for v in values if v not in groups[attr]]
        alone = dict(zip(lost, (r[attr] for r in redact_attrs([{attr: v} for v in lost], codebook, keep))))
        out[attr] = {v: labels.get(v, v) if v in groups[attr] else alone[v] for v in values}
        out[attr].update({g: labels.get(g, g) for g in groups[attr]})
    return out


def _claims_table(corpus, codebook, claims, *, redact, n_quotes, encoder=None, keep=()) -> pd.DataFrame:
    if not claims:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLAIM_COLUMNS})
    rows = [_claim_row(corpus, codebook, c, redact=redact, n_quotes=n_quotes, encoder=encoder, keep=keep)
            for c in claims]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def _shared_args(args: list[Any], codebook, keep: Sequence[str]) -> list[Any]:
    """Runs' arguments as a shared evidence file may show them: the notes reviewers typed beside their decisions
    (``review import``, which may say who a patient is) redacted as quotes are, and the group a discovery kept
    to (``discover --by manager --group ...``) de-identified as that attribute's value is beside a quote."""
    from evalnlp.quotes import redact_attrs
    from evalnlp.redact import redact_many

    out = [dict(a) if isinstance(a, dict) else a for a in args]
    typed = [(a, k, v) for a in out if isinstance(a, dict) and isinstance(a.get("notes"), dict)
             for k, v in a["notes"].items() if isinstance(v, str)]
    if typed:
        for a in out:
            if isinstance(a, dict) and isinstance(a.get("notes"), dict):
                a["notes"] = dict(a["notes"])
        done = redact_many([v for _, _, v in typed], protect=protect_words(codebook), keep=list(keep))
        for (a, k, _), r in zip(typed, done):
            a["notes"][k] = r.text
    for a in out:
        if isinstance(a, dict) and isinstance(a.get("by"), str) and isinstance(a.get("group"), str):
            a["group"] = redact_attrs([{a["by"]: a["group"]}], codebook, keep)[0][a["by"]]
    return out


def _provenance(codebook, corpus: Corpus, *, redact: bool = False, keep: Sequence[str] = ()) -> dict[str, Any]:
    runs = corpus.runs()
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
    if redact and run_rows:
        for row, args in zip(run_rows, _shared_args([row["args"] for row in run_rows], codebook, keep)):
            row["args"] = args
    data = corpus.sources()
    coders = corpus.coders()
    return {
        "codebook": {"id": codebook.id, "title": codebook.title, "version": codebook.version,
                     "sha256": codebook.sha256},
        "data": data.to_dict("records"),
        "coders": [{"coder": c, "segments": int(v)} for c, v in zip(coders["coder"], coders["segments"])],
        "runs": run_rows,
        "store": Path(corpus.store.path).name,
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


def _candidate_questions(codebook, by: Sequence[str]) -> list[dict[str, Any]]:
    """The quote candidates the theme table and each framework matrix ask for (arguments of
    :meth:`Corpus.candidates`)."""
    base = {"themes": list(codebook.theme_ids), "k": CELL_CANDIDATES, "weights": candidate_weights()}
    return [base] + [{**base, "attr": attr} for attr in by]


def several_themes_note(cb_id: str, several: dict[str, int]) -> errors.Note | None:
    """A note that passages of a single-label codebook count under more than one theme, saying why for each kind
    (:meth:`Corpus.several_themes`): the people who coded a passage disagree, the one person who coded it gave
    several themes, or a person who coded some themes only left the machine's codes for the others. None when
    there are none."""
    total = sum(several.values())
    if not total:
        return None
    kinds = [k for k in ("people", "person", "machine") if several.get(k)]
    reasons = []
    fields: dict[str, Any] = {"cb_id": cb_id}
    for kind in kinds:
        n = several[kind]
        if len(kinds) == 1:  # every passage counted has this reason: the count is said once, at the start
            was, has = ("it was", "it has") if n == 1 else ("each was", "each has")
        else:
            was, has = (f"{n:,} was", f"{n:,} has") if n == 1 else (f"{n:,} were", f"{n:,} have")
        fields[f"{kind}_n"] = was if kind != "machine" else has
        reasons.append({
            "people": "{people_n} coded differently by the people who coded it, and every person's codes are used "
                      "(`{agreement}` lists the disagreements)",
            "person": "{person_n} given several themes by the one person who coded it",
            "machine": "{machine_n} a theme from a person who coded only some themes (`{import_codes}`) and another "
                       "from the machine, whose codes stand for the themes that person did not code",
        }[kind])
    fields.update(agreement=errors.Call("agreement"), import_codes=errors.Call("codes import", "labels"))
    one = total == 1
    fields.update(total=total, s="" if one else "s", count="counts" if one else "count")
    return errors.Note("{total:,} passage{s} of codebook {cb_id!r}, which takes one theme per passage, {count} under "
                       "more than one theme, so the themes' shares add up to more than 100%: " + "; ".join(reasons),
                       fields=fields)


def merge_note(attr: str, merges: dict[str, list[str | None]], *, names: bool = False) -> str:
    """A note that ``attr``'s groups took several stored values each (:meth:`Corpus.group_merges`); with
    ``names`` (a column of people's names, redacted) it counts them without showing the values."""
    alike = ("values that differ only in the spaces around them, in no-break spaces or in how their accented "
             "letters are encoded are one group, and so are blank and missing ones, true and True, and 3 and 3.0")
    if names:
        return (f"{attr}: {alike} ({len(merges)} group(s) took several values; not shown, as they are people's "
                "names)")
    parts = []
    for group, values in merges.items():
        shown = ", ".join("no value" if v is None else _written(v) for v in values)
        parts.append(f"{group!r} counts {shown}")
    return f"{attr}: {alike}: " + "; ".join(parts)


def _written(value: str) -> str:
    """A stored value as a note shows it: quoted, with escapes where it looks like another value but is not
    (a no-break space, a letter written as a letter and a combining accent)."""
    import unicodedata

    if "\xa0" in value or not unicodedata.is_normalized("NFC", value):
        return ascii(value)
    return repr(value)


def _not_coded_note(sources: pd.DataFrame, documents_coded: int, codebook,
                    other_versions: int = 0) -> errors.Note | None:
    """When documents with passages in the store are not coded with ``codebook`` (a month ingested and not yet
    classified, or classified before the codebook's file was edited): how many, the sources none of whose
    documents are coded, and what to run. ``sources``: the corpus's per-source counts (documents,
    documents_coded); ``other_versions``: passages coded only with another version of the codebook."""
    from evalnlp.quotes import codebook_ref

    stored = int(sources["documents"].sum()) if len(sources) else 0
    missing = stored - int(documents_coded)
    if missing <= 0:
        return None
    none = [str(s) for s in sources.loc[sources["documents_coded"] == 0, "source"]]
    named = ""
    if none:
        shown = ", ".join(repr(s) for s in none[:3]) + (f" and {len(none) - 3:,} more" if len(none) > 3 else "")
        named = f"; nothing from {shown} is coded"
    fields = {"missing": missing, "stored": stored, "id": codebook.id, "named": named}
    if other_versions:
        version = f"version {codebook.version}, " if getattr(codebook, "version", None) else ""
        return errors.Note(
            "{missing:,} of the {stored:,} documents with passages in the store are not coded with this version of "
            "codebook {id!r} ({version}sha256 {sha}), so these tables leave them out{named}: {others:,} passages "
            "were coded with another version of it (a file of the same id with other contents, such as this one "
            "before or after an edit), whose codes are not counted with this one's, as its themes are not the "
            "same. Run `{classify}` to code them with this version (it codes only what this version has not coded)",
            fields={**fields, "version": version, "sha": codebook.sha256[:12], "others": other_versions,
                    "classify": errors.Call("classify", codebook=codebook_ref(codebook))})
    return errors.Note(
        "{missing:,} of the {stored:,} documents with passages in the store are not coded with codebook {id!r}, so "
        "these tables leave them out{named}. Run `{classify}` to code them (it codes only what is not yet coded)",
        fields={**fields, "classify": errors.Call("classify", codebook=codebook.id)})


def unread_note(unread: dict[str, int], segments_coded: int, documents_unread: int = 0,
                documents_coded: int = 0) -> str | None:
    """The note on coded passages the coders could not read (``unread``: :meth:`Corpus.unread_no_theme`), which
    count among the passages with no theme, and on the ``documents_unread`` documents of ``documents_coded``
    that hold nothing else, which no share counts; None when there are none."""
    n_other, n_none = unread.get("not_english", 0), unread.get("no_words", 0)
    if not n_other and not n_none:
        return None
    parts = ([f"{n_other:,} look{'s' if n_other == 1 else ''} not to be in English"] if n_other else []) + \
        ([f"{n_none:,} {'has' if n_none == 1 else 'have'} no word to read (an emoji, a number or a date, such as a "
          "figure alone in a table's cell)"] if n_none else [])
    if documents_unread:
        read = documents_coded - documents_unread
        shares = (f"; the {documents_unread:,} document{'s' if documents_unread != 1 else ''} holding nothing else "
                  f"{'are' if documents_unread != 1 else 'is'} left out of every share, so each share is of the "
                  f"{read:,} document{'s' if read != 1 else ''} the coders could read, not of the "
                  f"{documents_coded:,} coded")
    else:
        shares = ("; each of their documents holds passages the coders read too, and counts in the shares")
    return (f"of the {segments_coded:,} passages coded, {' and '.join(parts)}: the coders read English only, so "
            f"they are coded with no theme and no sentiment, and count among the passages with no theme{shares}; "
            "read them yourself")


def ask_store(corpus: Corpus, codebook, by: Sequence[str] | str = (), *, quotes: bool = True) -> None:
    """Ask the store, now, everything the evidence tables of ``by`` need except the claims (counts, group
    sizes, sources, coders, runs, and with ``quotes`` the quote candidates and the passages of their themes'
    centres); the corpus keeps the answers, so it can be closed before quotes are scored and redacted (the models
    for that load meanwhile, see :class:`~evalnlp.quotes.Preload`)."""
    by = [by] if isinstance(by, str) else list(dict.fromkeys(by))
    for attr in by:
        corpus.check_attribute(attr)  # fail before any work on an unknown attribute
    if not quotes:
        corpus.prefetch(labels=list(SENTIMENT), attrs=by)
        return
    questions = _candidate_questions(codebook, by)
    themes = [t for q in questions for t in corpus.candidates(**q)["theme"].unique()]
    corpus.prefetch(labels=list(SENTIMENT), attrs=by, themes=themes, theme_passages=CENTRE_SAMPLE)


def build_evidence(store, codebook, *, by: Sequence[str] | str = (), claims: Iterable[Claim] | str | Path | None = None,
                   redact: bool = True, n_quotes: int = 3, encoder=None, corpus: Corpus | None = None,
                   keep_names: Iterable[str] = (), quotes: bool = True) -> Evidence:
    """Build the theme table, one framework matrix per ``by`` attribute and, with ``claims`` (a list of
    :class:`Claim` or the path of a claims file), the claim table. Redaction leaves the names in
    ``keep_names`` and, when ``claims`` is a file, those in its ``keep_names`` list.

    ``quotes=False`` leaves out the best quote of each row of the theme table and the framework matrices (their
    quote columns are empty): the counts, shares and intervals are the same, without choosing, scoring and
    redacting the quotes (for a view that does not show them, such as the terminal's tables). Claims keep theirs.

    Raises :class:`InputError` E150 (listing the attributes found) for an unknown ``by`` attribute, E157
    for an unknown claim filter attribute, E156 for a claim theme not in the codebook.
    """
    by = [by] if isinstance(by, str) else list(dict.fromkeys(by))
    own = corpus is None  # a corpus made here is closed here
    # the models that score and redact quotes load while the store answers (a corpus given was asked already)
    preload = Preload(encoder, redact) if own and (quotes or claims) else None
    corpus = corpus if corpus is not None else load_corpus(store, codebook)
    for attr in by:
        corpus.check_attribute(attr)  # fail before any work on an unknown attribute
    keep = list(keep_names)
    if isinstance(claims, (str, Path)):
        keep += claims_keep_names(claims)
        claims = load_claims(claims, codebook)
    elif claims is not None:
        claims = list(claims)
        parse_claims([{"id": c.id, "text": c.text, "themes": list(c.themes),
                       **({"filters": {k: list(v) for k, v in c.filters.items()}} if c.filters else {})}
                      for c in claims], "<claims>", codebook)
    ask_store(corpus, codebook, by, quotes=quotes)
    if own and not claims:  # everything is asked: the store's temporary tables can go
        corpus.close()
    if preload is not None:
        preload.wait()
    totals = corpus.totals()
    if quotes:
        frames = [corpus.candidates(**q) for q in _candidate_questions(codebook, by)]
        scored = [score_pairs(corpus, codebook, encoder, pairs=f) for f in frames]
    else:  # no candidates: every table's quote is empty, and nothing is embedded or redacted
        scored = [pd.DataFrame(columns=["theme", "group", "seg_id", "score", "quote", "speaker", "source_ref",
                                        "source", "locator", "doc_id"])] * (1 + len(by))
    # a share is of the documents the coders could read: one holding only passages they could not (not in
    # English, or no word) is left out of every share and interval, and the notes say how many
    readable = totals["documents_coded"] - totals.get("documents_unread", 0)
    everything = pd.concat([s for s in scored if len(s)] or scored[:1], ignore_index=True)
    passed: set[str] = set()  # best quotes that are mostly placeholders once redacted: the next passage instead
    while True:
        themes = _theme_table(corpus, codebook, scored[0], readable, passed)
        matrices = {attr: _matrix(corpus, codebook, sc, attr, passed) for attr, sc in zip(by, scored[1:])}
        bare: set[str] = set()
        filled = _fill_quotes([themes, *matrices.values()], everything, codebook, redact, keep, corpus.store, bare)
        if bare <= passed:  # none new: a passage passed over stays only where nothing else is left
            break
        passed |= bare
    themes, *filled = filled
    matrices = dict(zip(matrices, filled))
    named: dict[str, bool] = {}
    if redact:  # groups that are people's names: de-identified, kept apart
        for attr in matrices:
            labels = group_names(attr, matrices[attr]["group"], keep=keep, codebook=codebook,
                                 order=corpus.group_order(attr))
            named[attr] = bool(labels)
            if labels:  # relabelled, and put in the order of the labels: the places would give the names' order
                m = matrices[attr].assign(group=matrices[attr]["group"].map(lambda v, labels=labels: labels.get(v, v)))
                place = {g: i for i, g in enumerate(sorted(set(m["group"]), key=group_sort_key))}
                theme = {t: i for i, t in enumerate(dict.fromkeys(m["theme"]))}
                matrices[attr] = (m.assign(_t=m["theme"].map(theme), _g=m["group"].map(place))
                                  .sort_values(["_t", "_g"], kind="mergesort").drop(columns=["_t", "_g"])
                                  .reset_index(drop=True))
    claim_table = _claims_table(corpus, codebook, claims or [], redact=redact, n_quotes=n_quotes,
                                encoder=encoder, keep=keep)
    # each claim filter's groups, asked before the corpus is closed (for the note on values that match nothing)
    filter_groups = {attr: set(map(str, corpus.group_sizes(attr).index))
                     for c in (claims or []) for attr in c.filters}
    # with redaction on, a filter value is shown as its group is (a staff member's name is `[NAME] 2` in the
    # claim table and its notes, as in the matrix), never as the claims file writes it
    filter_order = {attr: corpus.group_order(attr) for attr in filter_groups}
    shown = _shown_filters(claims or [], filter_groups, filter_order, keep, codebook) if redact else {}
    if shown:
        claim_table["filters"] = [{k: [shown[k][str(v)] for v in vs] for k, vs in f.items()}
                                  for f in claim_table["filters"]]
    if own:
        corpus.close()
    notes = [shadow for attr in by for shadow in [corpus.shadow_note(attr)] if shadow]
    notes += [merge_note(attr, corpus.group_merges(attr), names=named.get(attr, False))
              for attr in by if corpus.group_merges(attr)]
    several = several_themes_note(codebook.id, corpus.several_themes())
    if several:
        notes.append(several)
    ignored = corpus.ignored_themes
    if ignored:
        notes.append(f"codes for themes not in codebook {codebook.id!r} were ignored: {', '.join(ignored)}")
    if totals["segments_coded"] == 0 and corpus.other_versions:
        notes.append(errors.Note("no coded passages: {why}", fields={
            "why": _not_coded_note(corpus.sources(), 0, codebook, corpus.other_versions)}))
    elif totals["segments_coded"] == 0:
        why = uncoded_note(corpus.store, codebook) or errors.Note("run `{classify}` (or import human codes) first",
                                                                  fields={"classify": errors.Call("classify")})
        notes.append(errors.Note("no coded passages: {why}", fields={"why": why}))
    else:
        left_out = _not_coded_note(corpus.sources(), totals["documents_coded"], codebook, corpus.other_versions)
        if left_out:
            notes.append(left_out)
        unread = unread_note(corpus.unread_no_theme(), totals["segments_coded"], totals.get("documents_unread", 0),
                             totals["documents_coded"])
        if unread:
            notes.append(unread)
        undecided = corpus.undecided_themes
        if undecided:
            from evalnlp.quotes import codebook_ref

            notes.append(errors.Note(
                "{themes} of this version of codebook {id!r} {are} decided on no passage counted here: the "
                "passages counted hold people's codes made with another version, which did not have {them}, and "
                "no run of this version has coded them, so {their} 0 is no finding. Run `{classify}`",
                fields={"themes": ", ".join(undecided), "id": codebook.id, "are": "are" if len(undecided) > 1
                        else "is", "them": "them" if len(undecided) > 1 else "it",
                        "their": "their" if len(undecided) > 1 else "its",
                        "classify": errors.Call("classify", codebook=codebook_ref(codebook))}))
        for c in (claims or []):  # a filter value written otherwise than the documents hold it finds nothing
            row = claim_table[claim_table["id"] == c.id]
            if c.filters and len(row) and int(row["segments"].iloc[0]) == 0:
                said = "; ".join(f"{attr}: {', '.join(repr(shown.get(attr, {}).get(str(v), v)) for v in values)}"
                                 for attr, values in c.filters.items())
                notes.append(errors.Note("claim {id!r}: no coded passage of its themes is in a document its filters "
                                         "match ({shown}); check each value against the groups `{evidence}` shows",
                                         fields={"id": c.id, "shown": said,
                                                 "evidence": errors.Call("evidence", "by=ATTR")}))
            elif c.filters and len(row):
                # one value of a list misspelt: the claim counts the others' documents alone, without a word
                for attr, values in c.filters.items():
                    groups = filter_groups[attr]
                    lost = [v for v in values if str(v) not in groups]
                    if lost:
                        seen = shown.get(attr, {})
                        known = sorted({seen.get(g, g) for g in groups}, key=group_sort_key)
                        lost = [seen.get(str(v), v) for v in lost]
                        notes.append(f"claim {c.id!r}: {attr} {', '.join(repr(v) for v in lost)} "
                                     f"{'matches' if len(lost) == 1 else 'match'} no coded document, so the claim "
                                     f"counts its other values' documents only (the groups of {attr}: "
                                     f"{', '.join(repr(k) for k in known[:8])}{' ...' if len(known) > 8 else ''})")
    return Evidence(
        codebook={"id": codebook.id, "title": codebook.title, "version": codebook.version, "sha256": codebook.sha256},
        documents_coded=totals["documents_coded"],
        segments_coded=totals["segments_coded"],
        segments_no_theme=totals["segments_no_theme"],
        segments_human_coded=totals["segments_human_coded"],
        documents_unread=totals.get("documents_unread", 0),
        themes=themes[THEME_COLUMNS].reset_index(drop=True),
        matrices={a: m[MATRIX_COLUMNS].reset_index(drop=True) for a, m in matrices.items()},
        claims=claim_table,
        provenance=_provenance(codebook, corpus, redact=redact, keep=keep),
        notes=notes,
    )
