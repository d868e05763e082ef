"""The coded corpus: the read model that evidence tables, quotes, discovery and reports ask, fed only by the store.

A :class:`Corpus` is one codebook's view of a store. Its figures are counted by the store (DuckDB, over the
codes, segments and documents tables), so Python only ever holds aggregated rows and the few passages a quote
needs, however many passages the store has:

- totals: documents and passages coded, passages assigned no theme, passages coded by hand;
- per theme, and per theme and group of an attribute: passages and documents assigned the theme, and its
  passages by sentiment label; documents coded per group;
- quote candidates: for each theme (and group), the passages that score highest on the parts of the quote score
  that need no embedding (confidence, readability, attribution), chosen by the store;
- a theme's passages (a fixed sample of them past a few thousand) for the centre that quotes are ranked against.

Which codes count (the effective codes): a segment's human codes where a human coded it, otherwise the latest
machine run's, restricted to the codebook's themes (see :meth:`evalnlp.store.Store.effective_codes`).

Attributes: every metadata key of the documents, and ``question``, ``source`` and ``kind`` (as
``evalnlp_question`` and so on where a metadata key has the name, the rule of :mod:`evalnlp.columns`). A
document's group is the attribute's value as text (stripped; an integer or a whole number as its digits);
a document without it falls in the group ``(missing)``.

The store's record of its own work is read here too (:func:`runs`, :func:`rejects`, :func:`summary`), so that
commands and notebooks ask this module rather than the store.

The whole corpus can still be had as DataFrames (:attr:`Corpus.passages`, :attr:`Corpus.pairs`,
:attr:`Corpus.coded`, :attr:`Corpus.doc_attrs`) for exploring a small store in a notebook: they refuse a store
of more than :data:`IN_MEMORY_LIMIT` passages (ValueError), and nothing in evalnlp's commands reads them.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.errors import InputError

__all__ = [
    "BUILTIN_ATTRIBUTES",
    "IN_MEMORY_LIMIT",
    "MISSING_GROUP",
    "Corpus",
    "builtin_attributes",
    "group_label",
    "group_sort_key",
    "group_values",
    "known_attributes",
    "load_corpus",
    "plain",
    "rejects",
    "runs",
    "summary",
    "unknown_attribute",
]

#: The most passages :attr:`Corpus.passages` and the other whole-corpus frames load (past it they refuse).
IN_MEMORY_LIMIT = 200_000

#: Attributes that every document has besides its metadata.
BUILTIN_ATTRIBUTES = ("question", "source", "kind")
#: The group of a document without the attribute.
MISSING_GROUP = "(missing)"


def plain(value: Any) -> Any:
    """``value`` as JSON-ready Python: numpy scalars unwrapped, floats rounded to 4 places, NaN and NA as None,
    dicts and lists converted throughout."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def group_label(value: Any) -> str:
    """A document's group for an attribute value: text stripped, its letters in one Unicode form (NFC) and its
    no-break spaces as spaces, a whole number as its digits, a list or mapping as sorted JSON, and
    ``(missing)`` for a missing or blank value; text ``true``/``false`` in any case is ``True``/``False`` and text
    of a whole number with a zero fraction (``3.0``) its digits, as the values themselves are."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_GROUP
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    text = unicodedata.normalize("NFC", str(value).replace("\xa0", " ")).strip()
    if not text:
        return MISSING_GROUP
    if text.lower() in ("true", "false"):  # a yes/no written as text (CSV, a JSON column of mixed kinds, Excel)
        return text.capitalize()
    if _ZERO_FRACTION.fullmatch(text):  # "3.0": the number 3, as a whole number is written
        return text.split(".", 1)[0]
    return text


_ZERO_FRACTION = re.compile(r"-?[0-9]+\.0+")


def group_sort_key(text: str) -> tuple:
    """Sort key for group names: natural order (``2`` before ``10``), case-insensitive, ``(missing)`` last."""
    return (text == MISSING_GROUP,
            [(0, int(t), "") if t.isdigit() else (1, 0, t.casefold()) for t in re.split(r"(\d+)", text) if t])


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


class Corpus:
    """The coded passages of a store, restricted to one codebook's themes (see the module docstring).

    Counting happens in the store, in temporary tables made on first use; :meth:`close` drops them (so does
    using the corpus as a context manager). A corpus is a snapshot: codes stored after its first question are
    not seen by it, and each answer (counts, candidates, a theme's passages) is worked out once and kept, so a
    command can ask the store everything it needs first, :meth:`close` the corpus to give the store's working
    memory back, and then score, embed and redact (see :meth:`prefetch`).
    """

    def __init__(self, store, codebook):
        self.store = store
        self.codebook = codebook
        self._handle: str | None = None
        self._docs: str | None = None
        self._groups: dict[str, str] = {}
        self._keys: list[str] | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._embeddings: dict[str, np.ndarray] = {}
        self._answers: dict[tuple, Any] = {}  # the store's answers, by question (see _answer)

    # ---- lifecycle

    @property
    def handle(self) -> str:
        if self._handle is None:
            from evalnlp.quotes import WORD_BAND

            self._handle = self.store.open_coded(list(self.codebook.theme_ids), word_band=WORD_BAND,
                                                 codebook_id=self.codebook.id,
                                                 codebook_sha256=getattr(self.codebook, "sha256", None),
                                                 renamed=self.renamed_themes)
        return self._handle

    @property
    def docs(self) -> str:
        """The store's table of the documents with passages (made once, see
        :meth:`evalnlp.store.Store.open_passage_documents`)."""
        if self._docs is None:
            self._docs = self.store.open_passage_documents()
        return self._docs

    def close(self) -> None:
        """Drop the store's temporary tables of this corpus. Answers already given are kept; a question not
        asked before remakes the tables."""
        if self._handle is not None:
            self.store.close_coded(self._handle)
            self._handle = None
            self._groups = {}
        if self._docs is not None:
            self.store.close_passage_documents(self._docs)
            self._docs = None

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _answer(self, key: tuple, ask) -> Any:
        """The store's answer to the question ``key``, asked (``ask()``) the first time only."""
        if key not in self._answers:
            self._answers[key] = ask()
        return self._answers[key]

    def prefetch(self, *, labels: list[str], attrs: list[str] = (), themes: list[str] = (),
                 candidates: list[dict[str, Any]] = (), theme_passages: int | None = None) -> None:
        """Ask the store now, and keep, what a command will need: totals, sources, coders and runs; theme
        counts by ``labels`` overall and per attribute of ``attrs`` with their group sizes; the candidates of
        each keyword set in ``candidates`` (the arguments of :meth:`candidates`); and, with ``theme_passages``
        (a limit), the passages of each of ``themes``. Nothing changes in what is answered, only when the store
        works it out: once every question is asked, :meth:`close` frees the store's working memory before the
        embedding and redaction models are loaded."""
        self.totals()
        self.unread_no_theme()
        self.sources()
        self.coders()
        self.runs()
        self.ignored_themes  # noqa: B018  (asked now, kept)
        self.other_versions  # noqa: B018  (asked now, kept)
        self.undecided_themes  # noqa: B018  (asked now, kept)
        self.several_themes()
        for attr in [None, *attrs]:
            self.theme_counts(labels, attr)
            if attr is not None:
                self.group_sizes(attr)
                self.group_merges(attr)
        for kwargs in candidates:
            self.candidates(**kwargs)
        if theme_passages is not None:
            self.theme_passages_each(list(themes), theme_passages)

    # ---- attributes and groups

    @property
    def renamed_themes(self) -> dict[str, str]:
        """Themes with codes in the store that name a theme of the codebook otherwise than by its id (its id
        before it was renamed, kept as an alias): name -> theme id. Their codes count as that theme."""
        renamed = getattr(self.codebook, "renamed_themes", None)
        return dict(self._answer(("renamed_themes",), lambda: renamed(self.store.code_themes()) if renamed else {}))

    @property
    def ignored_themes(self) -> list[str]:
        """Themes with codes in the store that are not in the codebook (nor an earlier name of one of its themes)."""
        return list(self._answer(("ignored_themes",), lambda: sorted(
            set(self.store.code_themes()) - set(self.codebook.theme_ids) - set(self.renamed_themes))))

    @property
    def other_versions(self) -> int:
        """Passages a machine coded with another version of the codebook (its file edited since) and not with
        this one: their codes are left out (see :meth:`evalnlp.store.Store.coded_with_other_versions`)."""
        sha = getattr(self.codebook, "sha256", None)
        return int(self._answer(("other_versions",), lambda: self.store.coded_with_other_versions(
            self.codebook.id, sha) if sha else 0))

    @property
    def undecided_themes(self) -> list[str]:
        """The codebook's themes that nothing counted decides on, while passages are coded with another version
        of it (see :meth:`evalnlp.store.Store.undecided_themes`); none otherwise."""
        sha = getattr(self.codebook, "sha256", None)
        return list(self._answer(("undecided_themes",), lambda: self.store.undecided_themes(
            self.codebook.theme_ids, self.codebook.id, sha, self.renamed_themes) if sha and self.other_versions
            else []))

    def metadata_keys(self) -> list[str]:
        """The metadata keys of the documents with passages, in order of first appearance."""
        if self._keys is None:
            self._keys = [str(k) for k in self.store.attribute_keys(self.docs)]
        return self._keys

    def builtin_attributes(self) -> dict[str, str]:
        """{name: built-in attribute} for question, source and kind: each under its own name, or as
        ``evalnlp_<name>`` when a metadata key has that name (the rule of :mod:`evalnlp.columns`)."""
        from evalnlp.columns import evalnlp_names

        return dict(zip(evalnlp_names(self.metadata_keys(), BUILTIN_ATTRIBUTES), BUILTIN_ATTRIBUTES))

    def shadow_note(self, attr: str) -> errors.Note | None:
        """When ``attr`` is both a metadata key of the documents and the name of a built-in attribute (a file's
        own ``question`` column): a note that groups by it are the file's column, and the name the built-in
        goes by instead. None otherwise."""
        if attr not in BUILTIN_ATTRIBUTES or attr not in self.metadata_keys():
            return None
        other = next(name for name, builtin in self.builtin_attributes().items() if builtin == attr)
        what = {"question": "the column each answer was read from",
                "source": "the file each document was read from",
                "kind": "whether a document is a table's answer or a narrative's passage"}[attr]
        return errors.Note("{attr}: grouped by the documents' own column {attr!r}; {what} is the attribute "
                           "{other!r} ({by})", fields={"attr": attr, "what": what, "other": other,
                                                      "by": errors.Option("by", other)})

    def names_documents(self, attr: str) -> bool:
        """Is ``attr`` the id column documents were read with (their locators are ``attr=value``)? Such a
        column names respondents, however many answers each gave; it is no grouping."""
        return self._answer(("names_documents", attr), lambda: self.store.locators_named(attr))

    def known_attributes(self) -> list[str]:
        """Attributes a table can be grouped by: every metadata key found, then question, source and kind."""
        return self.metadata_keys() + list(self.builtin_attributes())

    def unknown_attribute(self, attr: str, claim: str | None = None) -> InputError:
        """E150 for a grouping attribute ``attr`` no document has; E157 when it is a filter of ``claim``. An
        attribute written the same but for capitals or the spaces around it comes first, named as such."""
        known = self.known_attributes()
        key = str(attr).strip().casefold()
        near = [a for a in known if a.strip().casefold() == key]
        found = ", ".join([f"{a!r} (the same name written otherwise; names must match exactly)" for a in near]
                          + [a for a in known if a not in near])
        if claim is None:
            return errors.error("E150", attr=attr, found=found)  # type: ignore[return-value]
        return errors.error("E157", attr=attr, found=found, claim=claim)  # type: ignore[return-value]

    def group_table(self, attr: str) -> str:
        """The store's table of each document's group for ``attr`` (made once). Raises :class:`InputError`
        E150 listing the attributes found when ``attr`` is none of them."""
        if attr in self._groups:
            return self._groups[attr]
        builtins = self.builtin_attributes()
        if attr in self.metadata_keys():
            def labels(values: list[str]) -> dict[str, str]:  # the values the store does not label itself
                return {raw: group_label(json.loads(raw)) for raw in values}

            table = self.store.coded_group_table(self.handle, MISSING_GROUP, key=attr, labels=labels, docs=self.docs)
        elif attr in builtins:
            table = self.store.coded_group_table(self.handle, MISSING_GROUP, column=builtins[attr], docs=self.docs)
        else:
            raise self.unknown_attribute(attr)
        self._groups[attr] = table
        return table

    def group_merges(self, attr: str) -> dict[str, list[str | None]]:
        """{group: the stored values it took} for each group of ``attr`` that more than one stored value went
        into: text that differs only in the spaces around it, and blank text, no value at all and a value that
        reads as the missing label (``None`` stands for documents without a value). Asked once."""
        def ask() -> dict[str, list[str | None]]:
            df = self.store.coded_group_merges(self.group_table(attr), MISSING_GROUP)
            out: dict[str, list[str | None]] = {}
            for group, value in zip(df["group"], df["value"]):
                out.setdefault(str(group), []).append(None if value is None or value != value else str(value))
            return out

        return dict(self._answer(("group_merges", attr), ask))

    def several_themes(self) -> dict[str, int]:
        """Passages that count under more than one theme of a single-label codebook, by why (see
        :meth:`evalnlp.store.Store.coded_several_themes`): ``people`` who coded a passage disagree, the one
        ``person`` who coded it gave several themes, or a person's theme sits beside the ``machine``'s for a theme
        no person decided. All 0 for a multi-label codebook, or without human codes. Asked once."""
        if self.codebook.multi_label:
            return {"people": 0, "person": 0, "machine": 0}
        return dict(self._answer(("several_themes",), lambda: self.store.coded_several_themes(self.handle)))

    def check_attribute(self, attr: str) -> None:
        """Raise E150 (listing the attributes found) unless ``attr`` is an attribute of the documents."""
        if attr not in self.metadata_keys() and attr not in self.builtin_attributes():
            raise self.unknown_attribute(attr)

    def group_values(self, attr: str) -> pd.Series:
        """Each document's group for ``attr`` (index doc_id, values str), for every document with passages."""
        frame = self.store.coded_group_values(self.group_table(attr))
        return pd.Series(frame["group"].to_numpy(dtype=object), index=frame["doc_id"].to_numpy(dtype=object),
                         name=attr)

    def group_sizes(self, attr: str) -> pd.Series:
        """Documents coded per group of ``attr`` (index group, in natural order)."""
        frame = self._group_frame(attr)
        sizes = pd.Series(frame["n"].to_numpy(dtype=int), index=frame["group"].to_numpy(dtype=object))
        return sizes.reindex(sorted(sizes.index, key=group_sort_key))

    def group_order(self, attr: str) -> list[str]:
        """The groups of ``attr`` in a fixed shuffle drawn from the store's row ids of their documents: the order
        in which groups that are people's details are numbered (``[NAME] 1``, ``[NAME] 2``), which, unlike the
        groups' alphabetical order or the order of a file's rows (an export sorted by manager), says nothing of
        the names behind the numbers."""
        frame = self._group_frame(attr)
        return list(frame.sort_values(["first", "group"], kind="mergesort")["group"])

    def _group_frame(self, attr: str) -> pd.DataFrame:
        return self._answer(("group_sizes", attr),
                            lambda: self.store.coded_group_sizes(self.handle, self.group_table(attr)))

    def group_spread(self, attr: str) -> tuple[int, int]:
        """(groups of ``attr`` among coded documents, not counting ``(missing)``; documents in the largest)."""
        return self.store.coded_group_spread(self.handle, self.group_table(attr), MISSING_GROUP)

    # ---- counts

    def totals(self) -> dict[str, int]:
        """documents_coded, segments_coded, segments_no_theme, segments_human_coded and documents_unread (coded
        documents holding nothing the coders could read, which no share counts)."""
        return dict(self._answer(("totals",), lambda: self.store.coded_totals(self.handle)))

    def unread_no_theme(self) -> dict[str, int]:
        """Of the coded passages with no theme, how many look not to be in English (``not_english``) and how
        many have no word (``no_words``): passages the coders cannot read (:func:`evalnlp.language.readable`)."""
        def ask() -> dict[str, int]:
            from collections import Counter

            from evalnlp.language import ENGLISH, readable

            recorded = self.store.coded_unread(self.handle)
            if recorded is not None:  # as classify recorded them, which the shares leave out
                return recorded
            kinds = Counter(readable(self.store.coded_no_theme_texts(self.handle)))
            return {k: n for k, n in kinds.items() if k != ENGLISH}

        return dict(self._answer(("unread_no_theme",), ask))

    def theme_counts(self, labels: list[str], attr: str | None = None) -> pd.DataFrame:
        """Per theme (and group of ``attr``) with codes: segments, documents and rows per sentiment label."""
        def ask() -> pd.DataFrame:
            group = self.group_table(attr) if attr is not None else None
            return self.store.coded_theme_counts(self.handle, list(labels), group)

        return self._answer(("theme_counts", tuple(labels), attr), ask).copy()

    def sources(self) -> pd.DataFrame:
        """Per source: documents and segments stored, documents coded."""
        return self._answer(("sources",), lambda: self.store.coded_sources(self.handle, self.docs)).copy()

    def coders(self) -> pd.DataFrame:
        """Coded passages per coder: coder, segments."""
        return self._answer(("coders",), lambda: self.store.coded_coders(self.handle)).copy()

    # ---- passages

    def _passage_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        df["attrs"] = _parse_attrs(df["attrs"])
        df["start"] = df["start"].astype(int)
        df["end"] = df["end"].astype(int)
        return df

    def candidates(self, themes: list[str], k: int, weights: tuple[float, float, float], *,
                   attr: str | None = None, filters: dict[str, tuple[str, ...]] | None = None,
                   first_theme: bool = False, testimonials: bool = False,
                   filter_claim: str | None = None) -> pd.DataFrame:
        """Quote candidates chosen by the store (see :meth:`evalnlp.store.Store.coded_candidates`), with
        ``attrs`` parsed; with ``attr`` a ``group`` column; ``filters`` {attr: values} keep documents in those
        groups (an unknown attribute raises E150, or E157 naming ``filter_claim``, the claim these filters are of)."""
        def ask() -> pd.DataFrame:
            flt = []
            for name, values in (filters or {}).items():
                flt.append((self._filter_table(name, filter_claim), list(values)))
            group = self.group_table(attr) if attr is not None else None
            df = self.store.coded_candidates(self.handle, list(themes), k, weights, group=group, filters=flt,
                                             first_theme=first_theme, testimonials=testimonials)
            return self._passage_frame(df)

        key = self._candidates_key(themes, k, weights, attr, filters, first_theme, testimonials, filter_claim)
        return self._answer(key, ask).copy()

    @staticmethod
    def _candidates_key(themes, k, weights, attr=None, filters=None, first_theme=False, testimonials=False,
                        filter_claim=None) -> tuple:
        """The key a :meth:`candidates` answer is kept under (:meth:`candidates_each` fills the same keys)."""
        return ("candidates", tuple(themes), int(k), tuple(float(w) for w in weights), attr,
                tuple((name, tuple(values)) for name, values in (filters or {}).items()), bool(first_theme),
                bool(testimonials), filter_claim)

    def candidates_each(self, themes: list[str], k: int, weights: tuple[float, float, float], *,
                        attr: str | None = None) -> None:
        """Ask, in one query, what :meth:`candidates` answers for each theme of ``themes`` on its own (``[theme]``,
        ``k``, ``weights``, ``attr``), and keep each theme's answer. The store ranks each theme (and group)
        apart, so one question over several themes holds, for each, the rows of asking about it alone, in the
        same order; one pass over the codes instead of one per theme."""
        def key(theme: str) -> tuple:
            return self._candidates_key([theme], k, weights, attr)

        todo = [t for t in dict.fromkeys(themes) if key(t) not in self._answers]
        if len(todo) < 2:  # nothing to share
            for theme in todo:
                self.candidates([theme], k, weights, attr=attr)
            return
        group = self.group_table(attr) if attr is not None else None
        df = self._passage_frame(self.store.coded_candidates(self.handle, todo, k, weights, group=group))
        for theme in todo:
            self._answers[key(theme)] = df[df["theme"] == theme].reset_index(drop=True)

    def remember_candidate_documents(self) -> None:
        """Have the store read, in one pass, the documents of every quote candidate asked so far, so that the
        texts of the quotes chosen among them (to redact them) need no pass of their own per theme (see
        :meth:`evalnlp.store.Store.remember_documents`)."""
        ids = {d for key, frame in self._answers.items() if key[0] == "candidates" for d in frame["doc_id"]}
        self.store.remember_documents(ids)

    def _filter_table(self, attr: str, claim: str | None) -> str:
        try:
            return self.group_table(attr)
        except InputError:
            if claim is None:
                raise
            raise self.unknown_attribute(attr, claim) from None

    def support_counts(self, themes: list[str], filters: dict[str, tuple[str, ...]] | None = None,
                       filter_claim: str | None = None) -> dict[str, int]:
        """Passages, documents and sources with a code of ``themes`` in documents of ``filters``."""
        flt = [(self._filter_table(a, filter_claim), list(v)) for a, v in (filters or {}).items()]
        return self.store.coded_support_counts(self.handle, list(themes), flt)

    def support_reach(self, themes: list[str], filters: dict[str, tuple[str, ...]] | None = None,
                      filter_claim: str | None = None) -> pd.DataFrame:
        """Reach figures inside passages with a code of ``themes`` in documents of ``filters``."""
        flt = [(self._filter_table(a, filter_claim), list(v)) for a, v in (filters or {}).items()]
        return self.store.coded_support_reach(self.handle, list(themes), flt)

    def support_letters(self, themes: list[str], filters: dict[str, tuple[str, ...]] | None = None,
                        seg_ids: list[str] = (), filter_claim: str | None = None) -> pd.DataFrame:
        """The entries the testimonials ``seg_ids`` cite, each with whether a letter linked to it is among the
        files with a passage coded with ``themes`` in documents of ``filters`` (see
        :meth:`evalnlp.store.Store.coded_support_letters`)."""
        flt = [(self._filter_table(a, filter_claim), list(v)) for a, v in (filters or {}).items()]
        return self.store.coded_support_letters(self.handle, list(themes), flt, list(seg_ids))

    def theme_passages(self, theme: str, limit: int) -> tuple[int, pd.DataFrame]:
        """(codes assigned ``theme``, up to ``limit`` of their passages: seg_id, text), see
        :meth:`evalnlp.store.Store.coded_theme_passages`."""
        total, rows = self._answer(("theme_passages", theme, int(limit)),
                                   lambda: self.store.coded_theme_passages(self.handle, theme, limit))
        return total, rows.copy()

    def theme_passages_each(self, themes: list[str], limit: int) -> None:
        """Ask, in one query, what :meth:`theme_passages` answers for each of ``themes`` (with ``limit``), and keep
        each theme's answer (see :meth:`evalnlp.store.Store.coded_theme_passages_each`)."""
        todo = [t for t in dict.fromkeys(themes) if ("theme_passages", t, int(limit)) not in self._answers]
        if len(todo) < 2:  # nothing to share
            for theme in todo:
                self.theme_passages(theme, limit)
            return
        for theme, answer in self.store.coded_theme_passages_each(self.handle, todo, limit).items():
            self._answers[("theme_passages", theme, int(limit))] = answer

    def cited_sources(self, seg_ids: list[str]) -> pd.DataFrame:
        """The corroborating-source entries the testimonials ``seg_ids`` cite: seg_id, ref, label, text."""
        return self.store.segment_sources(list(seg_ids))

    def letter_passages(self, seg_ids: list[str]) -> set[str]:
        """Which of the testimonials ``seg_ids`` are paragraphs of a letter of support (see
        :meth:`evalnlp.store.Store.letter_passages`)."""
        return self.store.letter_passages(list(seg_ids))

    def runs(self) -> pd.DataFrame:
        """Every run recorded in the store, oldest first."""
        return self._answer(("runs",), lambda: runs(self.store)).copy()

    # ---- the whole corpus in memory (small stores, notebooks; no command reads these)

    def _small_enough(self, what: str) -> None:
        """Raise ValueError when the store has more passages than :data:`IN_MEMORY_LIMIT`: these frames hold
        every passage, which a large store does not fit."""
        n = self.store.count("segments")
        if n > IN_MEMORY_LIMIT:
            raise ValueError(f"Corpus.{what} loads every passage into memory, and this store has {n:,} (more than "
                             f"{IN_MEMORY_LIMIT:,}); ask the store instead: totals(), theme_counts(), "
                             "candidates(), theme_passages(), group_values()")

    @property
    def passages(self) -> pd.DataFrame:
        """Every segment with its document's fields and parsed ``attrs`` (dict). Small stores only (at most
        :data:`IN_MEMORY_LIMIT` passages, else ValueError)."""
        if "passages" not in self._frames:
            self._small_enough("passages")
            df = self.store.coded_passages()
            df["attrs"] = _parse_attrs(df["attrs"])
            self._frames["passages"] = df
        return self._frames["passages"]

    @property
    def coded(self) -> pd.DataFrame:
        """The segments (seg_id, coder, doc_id, source) with an effective code of the codebook's themes. Small
        stores only (see :attr:`passages`)."""
        self._load_codes()
        return self._frames["coded"]

    @property
    def pairs(self) -> pd.DataFrame:
        """One row per (segment, theme) assigned, with the passage's fields, ``confidence`` and sentiment
        ``label``, in codebook order, then by source, document and offset. Small stores only (see
        :attr:`passages`)."""
        self._load_codes()
        return self._frames["pairs"]

    @property
    def doc_attrs(self) -> pd.DataFrame:
        """One row per document with passages (index doc_id), a column per metadata key. Small stores only
        (see :attr:`passages`)."""
        if "doc_attrs" not in self._frames:
            docs = self.passages.drop_duplicates("doc_id")[["doc_id", "attrs"]]
            self._frames["doc_attrs"] = pd.DataFrame.from_records(list(docs["attrs"]), index=list(docs["doc_id"]))
        return self._frames["doc_attrs"]

    def _load_codes(self) -> None:
        if "pairs" in self._frames:
            return
        passages = self.passages
        codes = self.store.effective_codes(assigned_only=False, themes=self.codebook.theme_ids,
                                           codebook_id=self.codebook.id,
                                           codebook_sha256=getattr(self.codebook, "sha256", None),
                                           renamed=self.renamed_themes)
        self._frames["coded"] = (codes.drop_duplicates("seg_id")[["seg_id", "coder"]]
                                 .merge(passages[["seg_id", "doc_id", "source"]], on="seg_id", how="inner")
                                 .sort_values("seg_id").reset_index(drop=True))
        assigned = codes[codes["assigned"].astype(bool)][["seg_id", "theme", "score", "coder"]]
        assigned = assigned.rename(columns={"score": "confidence"})
        sentiment = self.store.effective_sentiment()[["seg_id", "label"]]
        pairs = assigned.merge(passages, on="seg_id", how="inner").merge(sentiment, on="seg_id", how="left")
        pairs["confidence"] = pd.to_numeric(pairs["confidence"], errors="coerce").fillna(1.0).clip(0.0, 1.0)
        order = {t: i for i, t in enumerate(self.codebook.theme_ids)}
        pairs["_order"] = pairs["theme"].map(order)
        pairs = pairs.sort_values(["_order", "source", "doc_id", "start", "seg_id"]).drop(columns="_order")
        self._frames["pairs"] = pairs.reset_index(drop=True)


def load_corpus(store, codebook) -> Corpus:
    """The coded corpus of ``store`` for ``codebook`` (human codes override machine codes)."""
    return Corpus(store, codebook)


# ---- functions kept for callers of the earlier API


def builtin_attributes(corpus: Corpus) -> dict[str, str]:
    """See :meth:`Corpus.builtin_attributes`."""
    return corpus.builtin_attributes()


def known_attributes(corpus: Corpus) -> list[str]:
    """See :meth:`Corpus.known_attributes`."""
    return corpus.known_attributes()


def unknown_attribute(attr: str, corpus: Corpus, claim: str | None = None) -> InputError:
    """See :meth:`Corpus.unknown_attribute`."""
    return corpus.unknown_attribute(attr, claim)


def group_values(corpus: Corpus, attr: str) -> pd.Series:
    """See :meth:`Corpus.group_values`."""
    return corpus.group_values(attr)


# ---- the store's record of its runs


def runs(store, run_id: str | None = None) -> pd.DataFrame:
    """Every run recorded in the store (or only ``run_id``), oldest first: every column of the runs table."""
    return store.table("runs", run_id=run_id)


def rejects(store, run_id: str | None = None) -> pd.DataFrame:
    """The rows rejected (or those of ``run_id``), each with its code and reason, in natural order."""
    return store.table("rejects", run_id=run_id)


def summary(store) -> dict[str, int]:
    """Row counts of the store's tables (documents, segments, codes, sentiment, reach, runs, rejects, topics)."""
    return store.summary()
