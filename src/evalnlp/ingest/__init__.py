"""Ingestion: files in, documents, segments, reach figures and rejects out, nothing lost.

Readers (:mod:`evalnlp.ingest.readers`) turn each format into batches of rows or into passages; this module
turns those into store rows. Every passage read is either a document (``n_ok``, duplicates of documents
already stored included) or a reject with a code and a reason, so ``n_in == n_ok + n_rejected``.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.ingest._base import Passage
from evalnlp.schema import UNITS
from evalnlp.util import did_you_mean, refuse_open_store

Progress = Callable[[int], None]


@dataclass
class FileReport:
    """What one file gave: passages read, documents accepted and new, rejects; ``columns`` are a table's
    column names in the file's order (empty for narrative documents); ``renamed`` the columns whose header
    repeats an earlier one's, with the name each was read as."""

    source: str
    format: str
    n_in: int = 0
    n_ok: int = 0
    n_new: int = 0
    n_rejected: int = 0
    n_segments: int = 0
    n_testimonials: int = 0
    n_reach: int = 0
    n_sources: int = 0
    encoding: str | None = None
    columns: list[str] = field(default_factory=list)
    #: ``(header, name read as)`` for each column whose header repeats an earlier column's
    renamed: list[tuple[str, str]] = field(default_factory=list)
    #: ``(header, name read as)`` for each column whose header had spaces around it or was blank
    tidied: list[tuple[str, str]] = field(default_factory=list)
    #: new documents (read without ``--id``) whose answer the store already held from an earlier read of the
    #: file at another row: a row is known by its place, so rows moved by an insertion above are stored again
    n_moved: int = 0
    #: ``n_moved`` was counted on a read with ``--id``: the earlier read stored those answers under other
    #: locators (row numbers, read without an id, or another id column)
    moved_with_id: bool = False
    #: formula cells of a workbook with no computed value (never calculated by a spreadsheet): read as empty
    uncalculated: int = 0
    #: a workbook's other sheets with values, which were not read (``--sheet`` reads one)
    other_sheets: list[str] = field(default_factory=list)
    #: the sheet read by default (the first) is hidden in the workbook, so the person may not know it is there
    hidden_sheet: bool = False
    #: the file's columns are those of an evalnlp output file (see :func:`evalnlp_output_columns`)
    evalnlp_output: bool = False
    #: what a DOCX document holds with text that is not read (comments, headers, text boxes), counted
    unread_parts: dict[str, int] = field(default_factory=dict)
    #: what to tell of a DOCX document's note numbering where it could not be followed (numbered afresh on each
    #: page, a format not known)
    note_numbering: list[str] = field(default_factory=list)
    #: a workbook sheet's merged cells that span several rows (``A2:A4``): their value is in the first row only
    merged: list[str] = field(default_factory=list)
    #: a workbook sheet's title rows above its header (one cell of text each), left out of the rows: their
    #: text (several joined by " / "), and the sheet row of the header under them
    title: str | None = None
    header_row: int = 1
    #: the members of a JSON file's top-level object beside the array of rows read, which are not read
    other_members: list[str] = field(default_factory=list)
    #: answers of this file stored before in the other unit (``--unit``), which stay so: (count, their unit)
    other_unit: tuple[int, str] = (0, "")
    #: a narrative file whose sentences are word for word those of another narrative source the store holds (the
    #: same report in another format, or a draft of it): ``(other source, sentences shared, sentences counted)``,
    #: the source sharing the most; only sentences of at least :data:`REPEAT_CHARS` characters count
    repeats: tuple[str, int, int] | None = None
    #: a table's text columns with the question each one's answers are stored under (its header, or the name
    #: ``question`` gave it)
    questions: dict[str, str] = field(default_factory=dict)
    #: text columns whose question is new to the store where an earlier table (or the store's other answers)
    #: suggests a question renamed between exports: ``(column, its question, the earlier question, the earlier
    #: column, the earlier table's source, how it was told)``; ``how`` is ``"columns"`` (the earlier table has
    #: the same columns but this one), ``"named"`` (an earlier table's column of this name is stored under that
    #: question) or ``"only"`` (the store's other answers are all to that one question)
    question_renamed: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    #: options given that do not apply to this file, by their Python names (``sheet`` for a CSV, ``text`` for a
    #: narrative file)
    ignored: list[str] = field(default_factory=list)
    #: the name of a file the store read before with exactly these contents: this file is a copy of it under
    #: another name, so its rows are read as that file's (they add nothing the store does not hold)
    same_as: str | None = None
    #: the name of the file read (``source`` is a copy's original's name; see ``same_as``)
    file_name: str = ""
    #: ``--meta`` columns this file lacks that other files of the command have: its documents have no value
    lacking_meta: list[str] = field(default_factory=list)
    #: why a file among several gave no rows: a table with a header and no rows under it (E104's message),
    #: which stops a command that reads it alone
    no_rows: str | None = None
    #: new documents whose locator and text a document of another source already has (the same rows sent again
    #: in another file), and those sources (at most a few, by how many rows they share)
    n_elsewhere: int = 0
    elsewhere: list[str] = field(default_factory=list)
    #: new documents (read with ``--id``, or of a narrative file) at an id (a paragraph's or page's place) and
    #: question where the store holds another text from an earlier read: an answer (a paragraph) edited in a newer
    #: export, stored beside the old one
    n_edited: int = 0
    #: a narrative file with the very contents the store read before under this name: not read again, since a
    #: newer reading of the same bytes (a change in how evalnlp reads PDF pages, say) would store every paragraph
    #: it reads otherwise a second time, beside the first
    unchanged: bool = False
    #: read with ``--id``: id values that stand on more than one row of this file (the same patient on two rows,
    #: or two respondents given one id), and the first few of them; each row's answers are stored apart, under
    #: one locator
    n_repeated_ids: int = 0
    repeated_ids: list[str] = field(default_factory=list)
    #: a narrative file's ``n_edited`` documents: their locators, in natural order
    edited_places: list[str] = field(default_factory=list)
    #: answers stored from an earlier read of this file (with ``--id``) at an id this read has no answer at: a row
    #: removed since (or rejected now), which the store keeps
    n_gone: int = 0
    #: answers stored from an earlier read of this file (without ``--id``; with it, they are among ``n_gone``)
    #: that are no answer by today's rule, which rejects such a row: a placeholder such as "N/A", kept as a
    #: document by a version of evalnlp that took it for an answer
    n_no_answer_before: int = 0
    #: among the answers of this read already stored, per ``--meta`` column: how many the store holds with another
    #: value (a value corrected since), and how many with none (a column added since); the store keeps its own
    meta_changed: dict[str, int] = field(default_factory=dict)
    meta_unset: dict[str, int] = field(default_factory=dict)
    #: read with ``replace`` (a newer export takes the earlier one's place): the stored documents of the source
    #: that this export no longer yields, removed with all that hangs off them; those it still yields, kept as they
    #: were (ids, segments, codes) but for their ``--meta`` values, which are this export's (per column, how many
    #: kept documents took another value); and, per human coder, the passages whose codes went with the removed
    #: documents (only with ``drop_human_codes``). ``n_new`` are the documents added.
    replaced: bool = False
    n_removed: int = 0
    n_kept: int = 0
    meta_replaced: dict[str, int] = field(default_factory=dict)
    human_dropped: dict[str, int] = field(default_factory=dict)
    #: read with ``replace`` but the store held nothing of this source before: a plain first read
    replace_first: bool = False
    #: read with ``replace`` but the file gave no document (a header only, or every row rejected): nothing was
    #: replaced, and the store keeps this many documents of the earlier export
    replace_kept_all: int = 0


@dataclass
class LetterLink:
    """How a letter of support the store holds stands with the sources lists that might name it (see
    :func:`link_letters`): ``file`` the letter's source, ``signatory`` its signature (name, role, organisation),
    ``status`` ``linked`` (``entries``: (list's source, entry's label, entry's text) of each entry it is linked
    to, and ``source_ref`` the reference its testimonials take), ``ambiguous`` (``candidates``: (list's source,
    labels of the entries that fit it equally well), none taken) or ``unnamed`` (no entry names it); ``before``
    the entries it was linked to before this command, ``read`` whether this command read its file, and ``lists``
    how many sources lists the store holds."""

    file: str
    signatory: str
    status: str
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    candidates: list[tuple[str, list[str]]] = field(default_factory=list)
    source_ref: str | None = None
    before: list[tuple[str, str, str]] = field(default_factory=list)
    read: bool = False
    #: how many sources lists (files with entries) the store holds
    lists: int = 0

    @property
    def changed(self) -> bool:
        return sorted(self.entries) != sorted(self.before)


@dataclass
class IngestResult:
    run_id: str
    files: list[FileReport] = field(default_factory=list)
    #: the letters of support the store holds, each with how it stands with the sources lists that might name it,
    #: made after the files were read (:func:`link_letters`)
    letters: list[LetterLink] = field(default_factory=list)
    #: files a folder or pattern named that were left out: lock files Office writes beside an open document
    skipped: list[str] = field(default_factory=list)
    #: files in a folder named as input that are of no kind evalnlp reads (left out, and said so)
    unread: list[str] = field(default_factory=list)
    #: what the user should know of how the files were read (:func:`evalnlp.ingest.notes.ingest_notes`), each an
    #: :class:`evalnlp.errors.Note`; filled in by the API, which also issues them as warnings
    notes: list[str] = field(default_factory=list)

    @property
    def n_in(self) -> int:
        return sum(f.n_in for f in self.files)

    @property
    def n_ok(self) -> int:
        return sum(f.n_ok for f in self.files)

    @property
    def n_new(self) -> int:
        return sum(f.n_new for f in self.files)

    @property
    def n_rejected(self) -> int:
        return sum(f.n_rejected for f in self.files)


@dataclass(frozen=True)
class IngestOptions:
    text: tuple[str, ...] = ()
    id: str | None = None
    meta: tuple[str, ...] | None = None  # None: every column that is not a text or id column
    unit: str = "response"
    sheet: str | None = None
    chunk_size: int = 50_000
    #: each file is a newer export that takes the place of what the store holds under its name (see
    #: :func:`replace_sources`); ``drop_human_codes`` lets that remove answers people coded, with their codes
    replace: bool = False
    drop_human_codes: bool = False
    #: the command has a replace option to offer (``codes import`` has none): which advice E175 gives
    offer_replace: bool = True
    #: tell of a text column new to the store that looks like an earlier one renamed (``codes import``, which
    #: matches its rows to answers already stored, does not)
    notice_renamed: bool = True
    #: the question each ``text`` column's answers are stored under, in ``text``'s order (empty: each column's
    #: header): a column renamed in a later export joins the earlier one's question
    question: tuple[str, ...] = ()


def check_options(opts: IngestOptions) -> None:
    if opts.unit not in UNITS:
        raise errors.error("E130", "unit", units=', '.join(UNITS), unit=opts.unit)
    if opts.chunk_size < 1:
        raise errors.error("E130", "chunk_size", chunk_size=opts.chunk_size)
    if opts.question and opts.text:  # (without --text: E131 for a table; a narrative file has no question)
        if len(opts.question) != len(opts.text):
            raise errors.error("E130", "question_count", n_names=len(opts.question), n_columns=len(opts.text))
        seen: dict[str, str] = {}
        for col, name in zip(opts.text, opts.question):
            if not isinstance(name, str) or not name.strip():
                raise errors.error("E130", "question_blank", name=name)
            if name in seen and seen[name] != col:
                raise errors.error("E130", "question_twice", name=name, first=seen[name], second=col)
            seen[name] = col


def same_column(col: str, columns) -> str:
    """The column of ``columns`` that ``col`` names: itself when there, else the one column written the same way
    but for how its accented letters are encoded (a header exported on a Mac decomposes "é" into "e" and an
    accent, which no one can type); ``col`` when there is none or more than one."""
    import unicodedata

    if col in columns:
        return col
    want = unicodedata.normalize("NFC", col)
    alike = [c for c in columns if isinstance(c, str) and unicodedata.normalize("NFC", c) == want]
    return alike[0] if len(alike) == 1 else col


def spelled_as_the_file(opts: IngestOptions, columns) -> IngestOptions:
    """``opts`` with each column it names written as the file writes it (see :func:`same_column`)."""
    import dataclasses

    columns = list(columns)
    return dataclasses.replace(
        opts, text=tuple(same_column(c, columns) for c in opts.text),
        id=same_column(opts.id, columns) if opts.id else opts.id,
        meta=tuple(same_column(c, columns) for c in opts.meta) if opts.meta is not None else None)


def missing_column(src, col: str, *, sheet_given: bool, text: Sequence[str] = ()) -> InputError:
    """E132 for a column ``col`` that the tabular source ``src`` does not have, listing its columns. For a
    workbook it names the sheet read and lists the other sheets with their columns, so --sheet can pick the
    right one. When ``col`` is one of the ``text`` columns and the file has another of them (exports whose text
    column was renamed, read in one command with both names), it says that every text column is read from every
    file, rather than suggesting a column the command already names."""
    columns = src.columns
    found = ", ".join(repr(c) for c in columns)
    name = Path(src.path).name
    where = name
    others = ""
    if src.format == "xlsx" and src.sheet:
        from evalnlp.ingest._xlsx import sheet_headers

        where = errors.Note("{name}, sheet {sheet!r}" + ("" if sheet_given else " (the first; {sheet!o} picks another)"),
                            fields={"name": name, "sheet": src.sheet})
        rest = {n: cols for n, cols in sheet_headers(Path(src.path), (col,)).items() if n != src.sheet}
        if rest:
            listed = "; ".join(f"{n!r}: {', '.join(repr(c) for c in cols) or 'no values'}"
                               for n, cols in rest.items())
            having = [n for n, cols in rest.items() if col in cols]
            # (options as markers: the command line says --sheet, Python sheet=)
            others = errors.Note(" The other sheets and their columns are {listed}." + (
                " Sheet {having!r} has a column {col!r}: pass {option}." if having else
                " Pass {sheet!o:NAME} to read another sheet."), fields={
                    "listed": listed, "col": col, **({"having": having[0], "option": errors.Option("sheet", having[0])}
                                                     if having else {})})
    below = src.header_under_title(col) if src.format in ("csv", "tsv") else None
    if below is not None:  # a report's title lines over the header: the header is further down
        line, names, title = below
        others = errors.Note(
            " Line {line} holds the column names ({names}): the {lines} above it, {title}, look{s} like a title. "
            "Delete {them} and read the file again (or save it as XLSX: a sheet's title lines over its header are "
            "left out).", fields={
                "line": line, "names": ", ".join(repr(n) for n in names),
                "lines": f"{len(title)} lines" if len(title) != 1 else "line",
                "title": " and ".join(repr(t) for t in title) if len(title) < 3 else
                ", ".join(repr(t) for t in title[:-1]) + f" and {title[-1]!r}",
                "s": "" if len(title) != 1 else "s", "them": "them" if len(title) != 1 else "it"})
    present = [c for c in dict.fromkeys(text) if c != col and c in columns]
    if col in text and present:
        hint = errors.Note(
            " Each {text!o} column is read from every file, and this one has {present} but not {col!r}: read the "
            "files whose text columns differ in separate commands, each with the column it has ({question!o:NAME} "
            "stores their answers under one question).",
            fields={"present": " and ".join(repr(c) for c in present), "col": col})
    else:
        hint = did_you_mean(col, columns, cutoff=0.5) if below is None else ""
    return errors.error("E132", "table", where=where, col=col, found=found, hint=hint, others=others)


def header_columns(opts: IngestOptions) -> list[str]:
    """The columns a header under title lines must name to be found: the ``--text`` and ``--id`` columns. A
    ``--meta`` column is left out: one file of several may lack it (it is then read without it, with a warning),
    and in a file without title lines it does not decide which line is the header either."""
    return [*opts.text, *([opts.id] if opts.id else [])]


def _resolve_columns(src, opts: IngestOptions, source: str,
                     elsewhere: frozenset[str] = frozenset()) -> tuple[list[str], list[str], list[str]]:
    """Check the requested columns exist; return (text columns, meta columns, lacking): a ``--meta`` column in
    ``elsewhere`` (other files of the command have it) that this file lacks is left out and named in
    ``lacking``, not refused."""
    columns = src.columns
    found = ", ".join(repr(c) for c in columns)
    if not opts.text:
        raise errors.error("E131", source=source, found=found)
    lacking = [c for c in dict.fromkeys(opts.meta or ()) if c not in columns and c in elsewhere]
    wanted = list(opts.text) + ([opts.id] if opts.id else []) + [c for c in opts.meta or () if c not in lacking]
    for col in wanted:
        if col not in columns:
            raise missing_column(src, col, sheet_given=opts.sheet is not None, text=opts.text)
    text_cols = list(dict.fromkeys(opts.text))
    if opts.meta is None:
        meta = [c for c in columns if c not in text_cols and c != opts.id]
    else:
        meta = [c for c in dict.fromkeys(opts.meta) if c not in lacking]
    return text_cols, meta, lacking


def segment_new_documents(store, run_id: str, unit: str, markup: bool = False,
                          doc_ids: list[str] | None = None,
                          skip: dict[str, list[tuple[int, int]]] | None = None) -> int:
    """Segment the documents of ``run_id`` that have no segments yet (of ``doc_ids`` only, when given; of kind
    ``response`` only otherwise): whole responses in bulk, or sentences (``markup``: narrative reading text,
    whose Markdown heading and quote markers are left out). ``skip`` gives, per document, spans whose sentences
    are no passages (a letter's address and signature on a PDF page)."""
    from evalnlp.nlp import sentence_spans

    if unit == "response":
        return store.segment_whole_documents(run_id)
    new = store.unsegmented_documents(run_id, doc_ids)
    if new.empty:
        return 0
    rows_doc, rows_start, rows_end, rows_text = [], [], [], []
    texts = new["text"].tolist()
    for doc_id, text, spans in zip(new["doc_id"].tolist(), texts, sentence_spans(texts, markup=markup)):
        if not spans:  # nothing but bullets or blanks: keep the response whole rather than lose it
            spans = [(0, len(text))]
        if skip and doc_id in skip:
            spans = [(s, e) for s, e in spans if not any(a <= s and e <= b for a, b in skip[doc_id])]
        for s, e in spans:
            rows_doc.append(doc_id)
            rows_start.append(s)
            rows_end.append(e)
            rows_text.append(text[s:e])
    return store.insert_segments(pd.DataFrame({
        "doc_id": rows_doc, "kind": "sentence", "start": rows_start, "end": rows_end, "text": rows_text,
        "speaker": None, "source_ref": None}))


_IMPORT_ID = re.compile(r'\s*\{\s*"ImportId"\s*:')


def _tab_separated(path: Path) -> bool:
    """Are the first records of a text file columns separated by tabs: at least two, each with the same number
    of tabs (one or more), as Excel's "Text (Tab delimited)" and "Unicode Text" write? Lines are counted as
    they stand, and also as records, where a quoted cell may hold line breaks (a comment of two lines)."""
    import csv
    import io

    from evalnlp.ingest._text import text_encoding

    try:
        encoding = text_encoding(path)
    except InputError:  # an empty file: its read says so
        return False
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        head = fh.read(64 * 1024)

    def same_width(widths: list[int]) -> bool:
        return len(widths) >= 2 and widths[0] > 0 and sum(w == widths[0] for w in widths) >= 0.9 * len(widths)

    lines = [line for line in head.splitlines()[:200] if line.strip()]
    if same_width([line.count("\t") for line in lines]):
        return True
    if '"' not in head:
        return False
    complete = head[: max(head.rfind("\n"), 0)]  # the last record may be cut by the sample
    try:
        records = [r for r in csv.reader(io.StringIO(complete), delimiter="\t", strict=True) if any(r)][:200]
    except csv.Error:
        return False
    return same_width([len(r) - 1 for r in records])


def qualtrics_header_rows(frame: pd.DataFrame) -> int:
    """How many of a file's first rows are the extra header lines of a Qualtrics export: the question wording
    and the ``{"ImportId":"QID2_TEXT"}`` line (2), or that line alone (1); 0 for any other file. The ImportId
    line is known by most of its non-empty cells."""
    def import_ids(i: int) -> bool:
        if len(frame) <= i:
            return False
        cells = [v for v in frame.iloc[i].tolist() if isinstance(v, str) and v.strip()]
        return bool(cells) and sum(bool(_IMPORT_ID.match(v)) for v in cells) * 2 > len(cells)

    return 2 if import_ids(1) else 1 if import_ids(0) else 0


#: What a SurveyMonkey export writes in its second header line, under each question: the kind of answer
#: (a choice, a typed answer, the "Other" box); a question with several options has each option's label there.
_SURVEYMONKEY_SUBHEADS = frozenset({"response", "open-ended response", "other (please specify)"})


def header_again(frame: pd.DataFrame, text_cols: Sequence[str]) -> np.ndarray:
    """Rows that repeat the column names: every text column's cell is its own column's name, and so is every other
    cell that holds anything, at least two names in all (a byte order mark or spaces around a name aside). What
    a file made by joining exports one after another holds at each join."""
    if not len(frame) or not len(text_cols):
        return np.zeros(len(frame), dtype=bool)
    first = str(text_cols[0])
    lengths = frame[text_cols[0]].str.len().to_numpy(dtype=float, na_value=np.inf)
    near = lengths <= len(first) + 4  # (a cell much longer than the name cannot be it: most rows stop here)
    if not near.any():
        return near
    out = np.zeros(len(frame), dtype=bool)
    out[near] = _header_again(frame[near], text_cols)
    return out


def _header_again(frame: pd.DataFrame, text_cols: Sequence[str]) -> np.ndarray:
    out = np.ones(len(frame), dtype=bool)
    named = np.zeros(len(frame), dtype=int)
    for col in frame.columns:
        cells = frame[col].map(lambda v: v.replace("\ufeff", "").strip() if isinstance(v, str) else v)
        same = cells.eq(str(col).replace("\ufeff", "").strip()).to_numpy()
        if col in text_cols:
            out &= same
        else:
            out &= same | cells.isna().to_numpy() | cells.eq("").to_numpy()
        named += same
    return out & (named >= 2)


def surveymonkey_header_row(frame: pd.DataFrame, text_cols: Sequence[str]) -> bool:
    """Is the first row of ``frame`` the second header line of a SurveyMonkey export: every text column's cell
    empty or one of ``Response``, ``Open-Ended Response``, ``Other (please specify)``, and at least one of
    them filled so? Nobody answers an open question with those words, so a file whose first answers they are
    is read as such an export."""
    if frame.empty or not text_cols:
        return False
    cells = [frame.iloc[0][c] for c in text_cols]
    words = [v.strip().casefold() for v in cells if isinstance(v, str) and v.strip()]
    return bool(words) and all(w in _SURVEYMONKEY_SUBHEADS for w in words)


def evalnlp_output_columns(columns: Sequence[str]) -> bool:
    """Are these the columns of a file ``classify --output`` wrote (``source``, ``locator``, ``themes`` and
    ``score_<theme>``, or their ``evalnlp_`` names beside input columns of the same names)? Read again, its
    answers would be stored a second time beside the export they came from."""
    from evalnlp.columns import PREFIX, SCORE_PREFIX

    names = {c[len(PREFIX):] if c.startswith(PREFIX) else c for c in map(str, columns)}
    names = {re.sub(r"_\d+$", "", c) if c.startswith(("source_", "locator_", "themes_")) else c for c in names}
    return {"source", "locator", "themes"} <= names and any(c.startswith(SCORE_PREFIX) for c in names)


def tabular_source_name(path: Path, src, name: str | None = None) -> str:
    """The ``source`` a tabular file's documents are stored under: its name (or ``name``, the file it is a copy
    of), with ``#sheet`` for XLSX."""
    name = name or path.name
    return name if not src.sheet else f"{name}#{src.sheet}"


def row_locators(batch, id_column: str | None) -> pd.Series:
    """Each accepted row's locator (index as ``batch.frame``): ``ID=value`` where the ``id_column`` cell is
    filled, else the reader's ``row N``. Part of a document's identity, so every command that reads rows
    into documents uses this one rule."""
    locators = pd.Series(batch.locators, index=batch.frame.index, dtype=object)
    if id_column:
        ids = batch.frame[id_column]
        has_id = ids.notna() & (ids.astype(str).str.strip() != "")
        locators = locators.where(~has_id, id_column + "=" + ids.astype(str))
    return locators


def _split_repeated_ids(store, docs: pd.DataFrame, id_column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``docs`` to store, and rejects (E176) for rows whose ID and text repeat an earlier row of the
    same file (in this chunk or an earlier one): stored as one document, the repeat's other values (a different
    ward, say) would be lost without a word."""
    repeat = docs.duplicated(subset=["locator", "text"]).to_numpy() | store.seen_before(docs)
    if not repeat.any():
        return docs, pd.DataFrame(columns=["locator", "code", "reason"])
    reason = errors.message("E176", column=id_column)
    # the locator (ID=value) is the kept row's too: the reason says which row this one is
    rows = docs["_row"].to_numpy()[repeat] if "_row" in docs.columns else [None] * int(repeat.sum())
    rejects = pd.DataFrame({"locator": docs["locator"].to_numpy()[repeat], "code": "E176",
                            "reason": [reason if r is None else f"{reason} (this is row {int(r) + 1} of the file's "
                                       "rows under its header)" for r in rows]})
    return docs[~repeat].reset_index(drop=True), rejects


def _read_tabular_rows(store, src, opts: IngestOptions, source: str, text_cols: list[str], attrs: dict[str, str],
                       report: FileReport, run_id: str, progress: Progress | None) -> None:
    """Read a table's rows batch by batch into the store: documents, and rejects with their reasons (counted on
    ``report``)."""
    first_row = 0  # the place of each batch's first row among the file's rows read
    seen_ids: set[str] = set()  # with --id: the ids of the rows read so far, to tell an id on several rows
    repeated_ids: set[str] = set()
    for batch in src.batches(opts.chunk_size):
        frame = batch.frame
        locators = row_locators(batch, opts.id)
        rows = np.arange(first_row, first_row + len(frame))
        first_row += len(frame)
        store.remember_rows(source, frame, rows)  # (for an output file of the rows read, when one is asked)
        reject_parts = []
        heads, kind = (qualtrics_header_rows(frame), "qualtrics") if rows[:1].tolist() == [0] else (0, "")
        if rows[:1].tolist() == [0] and not heads and surveymonkey_header_row(frame, text_cols):
            heads, kind = 1, "surveymonkey"
        if heads:  # a Qualtrics or SurveyMonkey export's extra header lines under its column names: no answers
            message = {"qualtrics": lambda col: errors.message("E141", "qualtrics", column=col),
                       "surveymonkey": lambda col: errors.message("E141", "surveymonkey", column=col)}[kind]
            reject_parts.append(pd.DataFrame({
                "locator": np.repeat(locators.to_numpy()[:heads], len(text_cols)),
                "code": "E141", "reason": [message(col) for _ in range(heads) for col in text_cols]}))
            frame, locators, rows = frame.iloc[heads:], locators.iloc[heads:], rows[heads:]
        again = header_again(frame, text_cols)
        if again.any():  # exports joined one after another: each one's header is a row of the whole
            reject_parts.append(pd.DataFrame({
                "locator": np.repeat(locators.to_numpy()[again], len(text_cols)), "code": "E141",
                "reason": [errors.message("E141", "header_again", column=col)
                           for _ in range(int(again.sum())) for col in text_cols]}))
            frame, locators, rows = frame[~again], locators[~again], rows[~again]
        if opts.id and opts.id in frame.columns:
            ids = frame[opts.id].dropna().astype(str).str.strip()
            ids = ids[ids != ""]
            # (a set lookup per id: Series.isin copies the whole set of ids read so far for every batch)
            known = np.fromiter((v in seen_ids for v in ids.to_numpy()), bool, len(ids))
            again_ids = ids[ids.duplicated().to_numpy() | known]
            if len(again_ids):
                for value in again_ids:
                    if value not in repeated_ids and len(report.repeated_ids) < 3:
                        report.repeated_ids.append(value)
                    repeated_ids.add(value)
            seen_ids.update(ids)
        if batch.rejects:
            rej = pd.DataFrame(batch.rejects, columns=["locator", "code", "reason"])
            for col in text_cols:
                part = rej.copy()
                if len(text_cols) > 1:
                    part["reason"] = part["reason"] + f" (text column {col!r})"
                reject_parts.append(part)
        for col in text_cols:
            texts = frame[col]
            blank, marks = no_answer(texts)
            empty = blank | marks
            if empty.any():
                reasons = no_answer_reasons(texts, blank, marks, column=col if len(text_cols) > 1 else None)
                reject_parts.append(pd.DataFrame({"locator": locators[empty].to_numpy(), "code": "E141",
                                                  "reason": reasons}))
            asked = repeats_question(texts, [col, report.questions.get(col, col)]) & ~empty
            if asked.any():  # "What went well?" under "What went well?": the question pasted, not an answer
                reject_parts.append(pd.DataFrame({
                    "locator": locators[asked].to_numpy(), "code": "E141",
                    "reason": [errors.message("E141", "question_again", column=col, text=t) for t in texts[asked]]}))
                empty = empty | asked
            keep = ~empty
            docs = pd.DataFrame({"source": source, "locator": locators.to_numpy()[keep], "kind": "response",
                                 "question": report.questions.get(col, col), "text": texts.to_numpy()[keep],
                                 "_row": rows[keep]})
            for name, alias in attrs.items():
                docs[alias] = frame[name].to_numpy()[keep]
            if opts.id:
                docs, repeated = _split_repeated_ids(store, docs, opts.id)
                if not repeated.empty:
                    reject_parts.append(repeated)
            # no repeats left to drop: with an id they were rejected above (E176), without one locators are unique
            report.n_new += store.insert_documents(docs, run_id, attrs=attrs, dedupe=False)
            report.n_ok += len(docs)
        if reject_parts:
            rejects = pd.concat(reject_parts, ignore_index=True)
            rejects.insert(0, "source", source)
            report.n_rejected += store.add_rejects(run_id, rejects)
        report.n_in += batch.n_rows * len(text_cols)
        if progress:
            progress(batch.n_rows)
    report.n_repeated_ids = len(repeated_ids)


def ingest_tabular(store, path: Path, opts: IngestOptions, run_id: str, progress: Progress | None,
                   same_as: str | None = None, meta_elsewhere: frozenset[str] = frozenset()) -> FileReport:
    from evalnlp.ingest.readers import open_tabular

    src = open_tabular(path, sheet=opts.sheet, wanted=header_columns(opts))
    source = tabular_source_name(path, src, same_as)
    opts = spelled_as_the_file(opts, src.columns)
    text_cols, meta, lacking = _resolve_columns(src, opts, path.name, meta_elsewhere)
    named = dict(zip(opts.text, opts.question)) if opts.question else {}
    report = FileReport(source=source, format=src.format, encoding=src.encoding, columns=list(src.columns),
                        renamed=list(src.renamed), tidied=list(src.tidied),
                        uncalculated=getattr(src, "uncalculated", 0),
                        other_sheets=list(getattr(src, "other_sheets", [])),
                        hidden_sheet=bool(getattr(src, "hidden", False)),
                        evalnlp_output=evalnlp_output_columns(src.columns),
                        other_members=list(getattr(src, "other_members", ())),
                        title=getattr(src, "title", None), header_row=getattr(src, "header_row", 1),
                        merged=list(getattr(src, "merged", ())),
                        same_as=same_as, file_name=path.name, lacking_meta=lacking,
                        questions={col: named.get(col, col) for col in text_cols})
    # Metadata columns travel under neutral names, so none can collide with the document columns.
    attr_cols = ([opts.id] if opts.id else []) + [c for c in meta if c != opts.id]
    attrs = {name: f"m{i}" for i, name in enumerate(attr_cols)}
    store.forget_seen()
    # a newer export of a file read before is compared with what the store holds of it, below (with replace, the
    # earlier export's answers that this one lacks or changed are removed instead: nothing to compare; a first
    # read has nothing to compare with either, and keeps no table of its rows in the store's memory for it)
    compare = bool(opts.id) and not opts.replace and store.read_before(source, run_id)
    if compare:
        store.track_file_begin()
    try:
        _read_tabular_rows(store, src, opts, source, text_cols, attrs, report, run_id, progress)
    except BaseException:
        store.track_file_stop()
        raise
    if compare:
        report.n_gone, report.meta_changed, report.meta_unset = store.track_file_end(source, run_id, opts.id)
    elif not opts.replace and store.read_before(source, run_id):
        # without ids a row is known by its place, so what an earlier read stored is not matched row by row; but
        # an answer stored then that today's rule takes for no answer (a placeholder such as "N/A", read when
        # evalnlp kept those) is one this read cannot have stored, and the store still counts it
        texts = store.earlier_short_texts(source, run_id, list(report.questions.values()), _PLACEHOLDER_CHARS)
        if len(texts):
            blank, marks = no_answer(texts)
            report.n_no_answer_before = int((blank | marks).sum())
    store.forget_seen()  # the file is read: its rows' identities need not take the store's memory any longer
    if report.n_new:  # (with --id too: a file read before without one, or with another id column)
        if not opts.replace:
            report.n_moved = store.repeated_elsewhere(source, run_id)
            report.moved_with_id = bool(opts.id)
        report.n_elsewhere, report.elsewhere = store.repeated_in_other_sources(source, run_id)
        if compare:
            report.n_edited = store.edited_at_locator(source, run_id)
    report.n_segments = segment_new_documents(store, run_id, opts.unit)
    if report.n_ok > report.n_new:  # answers stored before keep the passages they were split into then
        other = "response" if opts.unit == "sentence" else "sentence"
        report.other_unit = (store.documents_split_as(source, other), other)
    return report


#: Sentences at least this long count when a narrative file is compared with the others (headings, "Source 1."
#: and other short lines recur across unrelated reports).
REPEAT_CHARS = 40


def ingest_narrative(store, path: Path, opts: IngestOptions, run_id: str, progress: Progress | None,
                     same_as: str | None = None) -> FileReport:
    """Paragraphs (or pages) become narrative documents, segmented into sentences; testimonials and reach
    figures are found over the whole text, so a speaker named in an earlier paragraph is still found.

    A "Sources to corroborate the impact" section (found by its heading) is stored as the file's
    corroborating-source entries, and each testimonial is linked to the entries its marker names; testimonials
    and reach figures are read from the text before that heading. The section's paragraphs are still documents.

    A Word document's footnotes and endnotes are documents of the file too (``"footnote 3"``), read after its
    body, and like the sources section they are not split into passages (nothing in them is coded, quoted or
    counted, and no testimonial or reach figure is read from them): each is also a corroborating-source entry
    (see :func:`evalnlp.ingest._narrative_sources.note_entries`), beside the section's entries when the document
    has the section too, which the mark of its number in the body names.

    A document's text is the passage's reading text (:mod:`evalnlp.ingest._reflow`): hard-wrapped lines of TXT,
    Markdown and PDF rejoined, words broken across PDF lines mended, HTML entities decoded. Sentences,
    testimonials and reach figures are slices of that text, so they read whole and their offsets stay exact.
    """
    from evalnlp.ingest._letters import letter_furniture, with_letter_testimonials
    from evalnlp.ingest._table_reach import docx_cells, markdown_cells, with_table_reach
    from evalnlp.ingest._reflow import decode_entities, reading_texts
    from dataclasses import replace

    from evalnlp.ingest._narrative_sources import note_entries, notes_beside, notes_marked, resolve_with_notes
    from evalnlp.ingest.narrative import extract_document, find_sources
    from evalnlp.ingest.readers import read_narrative

    unread: dict[str, int] = {}
    notes: list[Passage] = []
    told: list[str] = []
    references: dict[str, list[tuple[int, str]]] = {}  # the references to notes in each paragraph or cell
    read = read_narrative(path, unread, notes, told, references)
    fmt = path.suffix.lower().lstrip(".")
    passages = [Passage(p.locator, text) for p, text in zip(read, reading_texts([p.text for p in read], fmt))]
    notes = [Passage(p.locator, text) for p, text in zip(notes, reading_texts([p.text for p in notes], fmt))]
    body = len(passages)
    passages += notes  # after the body: documents, as the sources section's paragraphs are, but no passages
    source = same_as or path.name
    report = FileReport(source=source, format=fmt, n_in=len(passages), same_as=same_as, file_name=path.name)
    report.unread_parts = unread
    report.note_numbering = told
    texts = pd.Series([p.text for p in passages], dtype=object)
    blank, marks = no_answer(texts)
    ok = [p for p, no in zip(passages, blank | marks) if not no]
    rejects = pd.DataFrame({"source": source, "locator": [p.locator for p, no in zip(passages, blank | marks) if no],
                            "code": "E141", "reason": no_answer_reasons(texts, blank, marks, passage=True)})
    report.n_rejected = store.add_rejects(run_id, rejects)
    docs = pd.DataFrame({"source": source, "locator": [p.locator for p in ok], "kind": "narrative",
                         "question": None, "text": [p.text for p in ok], "_row": np.arange(len(ok))})
    report.n_new = store.insert_documents(docs, run_id, attrs={})
    report.n_ok = len(docs)
    if report.n_new and not opts.replace:
        # a paragraph (or page, or note) edited since an earlier read of the file is stored beside the one read
        # then, at the same place: both are counted, with their testimonials and reach figures
        report.edited_places = store.edited_places(source, run_id)
        report.n_edited = len(report.edited_places)
    # The corroborating-sources section lists references, not evidence: its paragraphs are stored as documents
    # (and its entries in the sources table) but not split into passages, so nothing in it is coded, quoted or
    # counted. A paragraph that starts before the section's heading is split as any other.
    from evalnlp.ingest._narrative_sources import find_sources_section

    raw_texts = [p.text for p in read]
    section = find_sources_section("\n\n".join(t for t in raw_texts if t.strip()))
    listing, pos = [], 0
    for p, text in zip(passages, raw_texts):
        listing.append(section is not None and text.strip() != "" and section[0] <= pos < section[2])
        if text.strip():
            pos += len(text) + 2
    listing += [True] * len(notes)
    in_list = [flag for flag, no in zip(listing, blank | marks) if not no]
    n_body = int(np.count_nonzero(~(blank | marks)[:body]))
    note_docs = ok[n_body:]  # the notes that are documents (the body's documents come first)
    ok = ok[:n_body]
    # each passage's own document (by its text too: an earlier version of the file may hold another paragraph at
    # the same place, which a look-up by locator alone could give)
    by_locator = dict(zip(docs["locator"], store.document_ids(docs)))
    # Offsets of each passage within the joined text, to map testimonials back to their documents.
    joined_parts, starts, pos = [], [], 0
    for p in ok:
        starts.append(pos)
        joined_parts.append(p.text)
        pos += len(p.text) + 2
    joined = "\n\n".join(joined_parts)
    # A letter's letterhead, addresses, date, salutation, closing and signature are its furniture, not evidence:
    # stored with their paragraphs (or pages), but no passage of them is coded, quoted or counted.
    furniture: dict[str, list[tuple[int, int]]] = {}
    for a, b in letter_furniture(joined):
        for i, s, e in _pieces_by_passage(a, b, starts, joined_parts):
            if not ok[i].text[:s].strip() and not ok[i].text[e:].strip():
                in_list[i] = True  # the whole paragraph
            else:
                furniture.setdefault(by_locator[ok[i].locator], []).append((s, e))
    report.n_segments = segment_new_documents(store, run_id, "sentence", markup=True,
                                              doc_ids=[by_locator[p.locator] for p, skip in zip(ok, in_list)
                                                       if not skip], skip=furniture)
    shared = store.sentences_elsewhere(source, REPEAT_CHARS)
    report.repeats = shared[0] if shared else None

    # The corroborating-sources list is read from the text as written: the reading text may have joined its
    # entries onto one line. Testimonials and reach figures come from the text before its heading.
    raw = "\n\n".join(p.text for p in read if p.text.strip())
    entries, head = find_sources(raw)
    noted = note_entries(note_docs)
    found = extract_document(joined, sources_text=raw if head is not None else None,
                             note_marks={n.ref.split(" (")[0] for n in noted} if fmt == "docx" else None)
    testimonials = with_letter_testimonials(found.testimonials, joined, found.sources_start)
    cells = (docx_cells([p.locator for p in ok], starts, joined_parts) if fmt == "docx"
             else markdown_cells(joined) if fmt in ("md", "markdown") else [])
    reach = with_table_reach(found.reach, joined, cells, found.sources_start)
    entries = entries if head is not None else []
    if noted:  # a footnote's number in the body names it (see note_entries), where it is the note's own
        as_read = {p.locator: p.text for p in read}
        places = [(s, s + len(p.text), [(s + _in_reading_text(as_read[p.locator], p.text, at), label)
                                        for at, label in references[p.locator]])
                  for s, p in zip(starts, ok) if p.locator in references]
        testimonials = [replace(t, source_entries=tuple(resolve_with_notes(
            t.source_ref, entries, noted, notes_beside(t, places), notes_marked(t, places)))) for t in testimonials]
        entries = entries + noted
    doc_ids = [by_locator[p.locator] for p in ok]
    of_letter = letters_of(joined, found.sources_start, source)
    seg_rows, reach_rows, link_rows, letter_rows = [], [], [], []
    place = {e: k + 1 for k, e in enumerate(entries)}
    entry_text = {k + 1: " ".join(decode_entities(e.text).split()) for k, e in enumerate(entries)}  # as stored
    import bisect

    for t in testimonials:
        for i, s, e in _pieces_by_passage(t.start, t.end, starts, [p.text for p in ok]):
            seg_rows.append({"doc_id": doc_ids[i], "kind": "testimonial", "start": s, "end": e,
                             "text": ok[i].text[s:e], "speaker": t.speaker, "source_ref": t.source_ref})
            link_rows += [{"doc_id": doc_ids[i], "start": s, "end": e, "source": source, "position": place[x],
                           "text": entry_text[place[x]]} for x in t.source_entries if x in place]
            if (signed := of_letter(t)) is not None:
                letter_rows.append({"doc_id": doc_ids[i], "start": s, "end": e, **signed})
    for r in reach:
        i = bisect.bisect_right(starts, r.start) - 1
        s, e = r.start - starts[i], r.end - starts[i]
        if e > len(ok[i].text):
            continue
        reach_rows.append({"doc_id": doc_ids[i], "text": r.text, "value": r.value, "unit": r.unit,
                           "start": s, "end": e})
    if seg_rows:
        report.n_testimonials = store.insert_segments(pd.DataFrame(seg_rows))
    if reach_rows:
        report.n_reach = store.insert_reach(pd.DataFrame(reach_rows))
    if entries:
        store.insert_sources(pd.DataFrame({
            "source": source, "position": range(1, len(entries) + 1), "ref": [e.ref for e in entries],
            "label": [e.label for e in entries],
            "text": [entry_text[k + 1] for k in range(len(entries))]}), run_id)
        report.n_sources = len(entries)
    if link_rows:
        store.link_segment_sources(pd.DataFrame(link_rows))
    if letter_rows:
        store.insert_letters(pd.DataFrame(letter_rows), run_id)
    if progress:
        progress(len(passages))
    return report


def _in_reading_text(read: str, reading: str, at: int) -> int:
    """Where the offset ``at`` of a Word document's passage as read (``read``) stands in its reading text
    (``reading``: its entities decoded, see :func:`evalnlp.ingest._reflow.reading_texts`)."""
    from evalnlp.ingest._reflow import decode_entities

    return at if read == reading else len(decode_entities(read[:at]))


def letters_of(text: str, end: int | None, source: str) -> Callable[[Any], dict[str, Any] | None]:
    """For the letters in ``text[:end]`` (a narrative file's text before its sources section, stored under
    ``source``): a function giving, for a testimonial of the text, what its letter says of itself (letter_id,
    source, name, roles and organisations as JSON lists, letterhead, date; see
    :func:`evalnlp.ingest._letter_links.read_sign`) when it is a paragraph of a letter's body, else None. A
    letter's id is a hash of its source and what it says: the same letter read again has the same id."""
    import hashlib
    import json

    from evalnlp.ingest._letter_links import of_letter, read_sign
    from evalnlp.ingest._letters import find_letters

    found = find_letters(text if end is None else text[:end])
    if not found:
        return lambda t: None
    by_sign: dict[int, tuple[Any, dict[str, Any]]] = {}
    for letter in found:
        sign = read_sign(text, letter)
        row = {"source": source, "name": sign.name, "roles": json.dumps(list(sign.roles), ensure_ascii=False),
               "organisations": json.dumps(list(sign.organisations), ensure_ascii=False),
               "letterhead": sign.letterhead, "date": sign.date}
        key = json.dumps(row, ensure_ascii=False, sort_keys=True)
        row["letter_id"] = hashlib.md5(key.encode("utf-8")).hexdigest()[:20]
        by_sign[letter.speaker_at] = (letter, row)

    def of(t: Any) -> dict[str, Any] | None:
        letter, row = by_sign.get(t.speaker_start, (None, None))
        return dict(row) if letter is not None and of_letter(t, letter) else None

    return of


def link_letters(store, read: set[str] = frozenset(), before: pd.DataFrame | None = None) -> list[LetterLink]:
    """Link each letter of support the store holds to the entry of the sources lists in the store that names it
    (:func:`evalnlp.ingest._letter_links.choose`: the best of all their entries, none when two fit equally well,
    and in each list that names its file), as a marker's testimonial is linked to the entries it names,
    the links of an earlier match that no longer hold removed; each letter's testimonials take the reference of
    the entries it is linked to (:func:`evalnlp.ingest._letter_links.letter_source_ref`), or none. Only the
    letters and the entries are read (a few rows each, whatever the number of survey answers stored). Returns
    each letter's standing, ``read`` telling the letters of the files named in ``read`` (this command's), and
    ``before`` the links as :meth:`Store.letter_links` gave them before the command (by default, as they are)."""
    import json

    from evalnlp.ingest._letter_links import LetterSign, choose, is_note, letter_source_ref

    letters, entries = store.letters_and_entries()
    if letters.empty:
        return []
    held: dict[str, list[tuple[str, str, str]]] = {}
    for r in (store.letter_links() if before is None else before).itertuples(index=False):
        held.setdefault(r.letter_id, []).append((str(r.source), _label(r.ref, r.label), str(r.text)))
    listed = list(zip(entries["source"], entries["position"], entries["text"], entries["run_id"],
                      entries["ref"], entries["label"])) if len(entries) else []
    about = {(src, int(pos), (run, text)): (ref, label) for src, pos, text, run, ref, label in listed}
    n_lists = len({src for src, *_ in listed})
    notes = {(src, int(pos)) for src, pos, _, _, _, label in listed if is_note(label)}
    out: list[LetterLink] = []
    link_rows, ref_rows = [], []
    for r in letters.itertuples(index=False):
        text_of = {k: v if isinstance(v, str) else None for k, v in r._asdict().items()}
        roles, organisations = (tuple(json.loads(text_of[k] or "[]")) for k in ("roles", "organisations"))
        sign = LetterSign(name=text_of["name"], roles=roles, organisations=organisations,
                          letterhead=text_of["letterhead"], date=text_of["date"])
        decisions = choose(sign, r.source, ((src, int(pos), text, (run, text)) for src, pos, text, run, _, _ in listed),
                           notes=notes)
        linked = [d for d in decisions if d.status == "linked"]
        named = []
        for d in linked:
            document, position, (run, text) = d.entry
            ref, label = about[(document, position, (run, text))]
            link_rows.append({"letter_id": r.letter_id, "source": document, "position": position, "text": text})
            named.append((document, ref, label, text))
        source_ref = letter_source_ref([(ref, label) for _, ref, label, _ in named])
        if source_ref is not None:
            ref_rows.append({"letter_id": r.letter_id, "source_ref": source_ref})
        candidates: list[tuple[str, list[str]]] = []
        for doc, k in (where for d in decisions if d.status == "ambiguous" for where in d.candidates):
            if not candidates or candidates[-1][0] != doc:
                candidates.append((doc, []))
            candidates[-1][1].append(_label(*_ref_label(listed, doc, k)))
        status = "linked" if linked else "ambiguous" if candidates else "unnamed"
        signatory = ", ".join(p for p in (sign.name, *roles, *organisations) if p)
        out.append(LetterLink(file=str(r.source), signatory=signatory, status=status,
                              entries=[(doc, _label(ref, label), text) for doc, ref, label, text in named],
                              candidates=candidates, source_ref=source_ref, before=held.get(r.letter_id, []),
                              read=r.source in read, lists=n_lists))
    store.set_letter_links(pd.DataFrame(link_rows), pd.DataFrame(ref_rows))
    return out


def _label(ref: Any, label: Any) -> str:
    """An entry as a note names it: its label as written (``[5.3]``, ``C.``), else its ref."""
    return str(label) if isinstance(label, str) and label.strip() else str(ref or "")


def _ref_label(listed: list[tuple], document: str, position: int) -> tuple[Any, Any]:
    """(ref, label) of the entry at ``position`` of ``document``'s list (its latest version)."""
    found = [(ref, label) for src, pos, _, _, ref, label in listed if src == document and int(pos) == position]
    return found[-1] if found else (None, None)


#: Marks that reopen a quotation at the start of each paragraph it runs on into.
_REOPENING = "\"'\u201c\u2018\u00ab"


def _pieces_by_passage(start: int, end: int, starts: list[int], texts: list[str]) -> list[tuple[int, int, int]]:
    """The parts of the span ``start:end`` of the passages' joined text (``texts`` joined by blank lines, each
    starting at ``starts``) that fall in each passage, as (passage index, start, end) within that passage,
    trimmed of white space where it crosses a paragraph break: a quotation that runs on over several paragraphs of a Word document, each of which
    is a document, is stored as one testimonial passage per paragraph, not cut at the first paragraph's end. A
    paragraph it runs on into loses the quotation mark that reopens it, which is the writer's mark, not a word
    of the quotation."""
    import bisect

    out = []
    i = bisect.bisect_right(starts, start) - 1
    while 0 <= i < len(texts) and starts[i] < end:
        text = texts[i]
        s, e = max(start - starts[i], 0), min(end - starts[i], len(text))
        if starts[i] > start:  # a paragraph the quotation runs on into
            while s < e and text[s].isspace():
                s += 1
            if s < e and text[s] in _REOPENING:
                s += 1
            while s < e and text[s].isspace():
                s += 1
        if end - starts[i] > len(text):  # a paragraph it runs on from
            while e > s and text[e - 1].isspace():
                e -= 1
        if e > s:
            out.append((i, s, e))
        i += 1
    return out


def narrative_text(path: Path, unread: dict[str, int] | None = None, notes: list[Passage] | None = None,
                   told: list[str] | None = None, places: list | None = None) -> str:
    """The whole text of a narrative file: TXT/MD as read (encoding detected, universal newlines);
    DOCX paragraphs and table cells, or PDF pages, joined by blank lines. ``notes`` gets a DOCX document's
    footnotes and endnotes (``"footnote 3"``, each its reading text), which are not part of the text, and
    ``places`` the start and end in the text of each paragraph or cell that refers to some of them, with each
    reference's place in the text and its note's label (see :data:`evalnlp.ingest._narrative_sources.NotePlace`);
    ``unread`` what it holds with text outside all these (comments, headers, text boxes...), counted; ``told``
    what to tell of the notes' numbering (see :func:`evalnlp.ingest.readers.read_narrative`)."""
    from evalnlp.ingest.readers import read_narrative

    if path.suffix.lower() in (".txt", ".md", ".markdown"):
        from evalnlp.ingest.readers import text_encoding

        with open(path, encoding=text_encoding(path)) as fh:
            return fh.read()
    found: list[Passage] = []
    references: dict[str, list[tuple[int, str]]] = {}
    read = [p for p in read_narrative(path, unread, found, told, references) if p.text.strip()]
    text = "\n\n".join(p.text for p in read)
    if places is not None:
        start = 0
        for p in read:
            if p.locator in references:
                refs = [(start + at, label) for at, label in references[p.locator]]
                places.append((start, start + len(p.text), refs))
            start += len(p.text) + 2
    if notes is not None and found:
        from evalnlp.ingest._reflow import reading_texts

        notes.extend(Passage(p.locator, t) for p, t in zip(found, reading_texts([p.text for p in found], "docx")))
    return text


_GLOB_CHARS = frozenset("*?[")


def _words_key(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def repeats_question(texts: pd.Series, questions: Sequence[str]) -> np.ndarray:
    """A mask of the ``texts`` that are, word for word (case, spaces and punctuation aside), one of
    ``questions`` (a text column's header and the question its answers are stored under) of two words or more: the
    question copied into its box, or a form's prompt left there ("What went well?"), which answers nothing. A
    one-word header (``feedback``, ``comment``) is no question, and an answer of that word is kept."""
    keys = {_words_key(q) for q in questions if isinstance(q, str)}
    keys = {k for k in keys if " " in k}
    if not keys:
        return np.zeros(len(texts), dtype=bool)
    longest = max(len(k) for k in keys) * 2 + 20  # (a longer text cannot be one of them)
    return np.fromiter((isinstance(v, str) and len(v) <= longest and _words_key(v) in keys
                        for v in texts.to_numpy(dtype=object)), bool, len(texts))


def no_answer(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Two masks of the ``texts`` that are no answer: those that are blank (empty, whitespace or invisible
    characters only), and those holding something written that stands for no answer: punctuation only such as
    ``-``, ``.``, ``?``, ``...``, ``…``, ``—`` (see :func:`evalnlp.nlp.marks_only`), a spreadsheet's error value
    such as ``#N/A``, or a placeholder such as ``N/A``, ``no comment`` or ``see above`` (see
    :func:`placeholder`). A letter, a digit, an emoji, any other sign or an emoticon (``:(``) makes an answer,
    and so does any word besides a placeholder's."""
    from evalnlp.nlp import marks_only

    blank = (texts.isna() | (texts.astype(str).str.strip() == "")).to_numpy().copy()
    values = texts.to_numpy(dtype=object)
    # only a text that does not open with a letter or digit can be marks only: few are looked at closely
    maybe = np.fromiter((isinstance(v, str) and not v[:1].isalnum() for v in values), bool, len(values))
    marks = np.zeros(len(values), dtype=bool)
    look = np.flatnonzero(maybe & ~blank)
    # a cell of invisible characters only (a zero-width space, a byte order mark, a word joiner) looks empty
    blank[look] = [_invisible(values[i]) for i in look]
    look = look[~blank[look]]
    marks[look] = [marks_only(values[i]) or values[i].strip().upper() in SPREADSHEET_ERRORS for i in look]
    # only a short text can be a placeholder; the few the pattern matches are looked at closely
    match = _PLACEHOLDER.fullmatch
    hits = [i for i, v in enumerate(values) if isinstance(v, str) and len(v) <= _PLACEHOLDER_CHARS and match(v)]
    marks[hits] = [marks[i] or (not blank[i] and placeholder(values[i])) for i in hits]
    return blank, marks


#: The error values Excel, LibreOffice and Google Sheets show for a formula that failed (``#N/A`` from a lookup
#: that found nothing): a cell holding one, also as exported to CSV, holds no answer.
SPREADSHEET_ERRORS = frozenset("""#N/A #DIV/0! #VALUE! #REF! #NAME? #NUM! #NULL! #SPILL! #CALC! #FIELD!
    #BLOCKED! #CONNECT! #BUSY! #UNKNOWN! #GETTING_DATA #ERROR!""".split())

#: What people write in a box to say it holds no answer: that the question does not apply, that they will not
#: comment, that their answer is another one's ("see above"), or that the box was left empty. Each is matched
#: as the whole text, whatever its case, spacing and punctuation ("N/A", "n/a.", "N.A.", "NA" and "n / a" are
#: one). Words that answer are not here: "None", "Nothing", "No" or "Nothing to add" to "What could be
#: improved?" say that nothing needs improving (the NHS Friends and Family Test codes them so), "Nil" is
#: "none", and "Don't know" or "Not sure" say where the person stands. "Test" is not here either: it is a
#: trial submission as often as an answer about a test.
PLACEHOLDER_TEXTS = (
    "N/A", "NA", "not applicable",
    "no comment", "no comments",
    "see above", "as above", "same as above", "as per above", "see answer above", "ditto",
    "see previous", "see previous answer", "see previous comment", "see my previous answer",
    "as previous", "same as previous", "same as previous answer",
    "prefer not to say", "I prefer not to say", "I'd prefer not to say", "prefer not to answer",
    "rather not say", "I'd rather not say", "I would rather not say",
    "no answer", "did not answer", "didn't answer",
    "blank", "left blank",
    "null",
)

_APOSTROPHES = "'\u2019\u2018\u02bc`"


def _placeholder_pattern(texts: Sequence[str]) -> re.Pattern:
    """One pattern that matches, whole, each of ``texts`` in any case: its words in order, with marks or spaces
    between them ("n/a", "n a") and around them; a word's apostrophe may be any apostrophe, or none ("I'd",
    "I\u2019d", "Id")."""
    apostrophe = f"[{_APOSTROPHES}]?"
    forms = []
    for text in texts:
        words = re.findall(r"[^\W_]+(?:'[^\W_]+)*", text.casefold())
        forms.append(r"[\W_]+".join(apostrophe.join(map(re.escape, word.split("'"))) for word in words))
    return re.compile(r"[\W_]*(?:" + "|".join(sorted(forms, key=len, reverse=True)) + r")[\W_]*", re.IGNORECASE)


_PLACEHOLDER = _placeholder_pattern(PLACEHOLDER_TEXTS)
_PLACEHOLDER_CHARS = 60  # longer than any placeholder with its spaces and marks


def placeholder(text: Any) -> bool:
    """Whether ``text`` is wholly a placeholder for no answer (one of :data:`PLACEHOLDER_TEXTS`, in any case,
    with any spaces and punctuation around or inside its words: ``N/A``, ``n.a.``, ``No comment!``,
    ``(blank)``). A text with any other word, a digit, an emoji or another sign, or an emoticon is not one:
    ``N/A - the ward was closed`` and ``N/A :)`` are answers."""
    if not isinstance(text, str) or len(text) > _PLACEHOLDER_CHARS or _PLACEHOLDER.fullmatch(text) is None:
        return False
    import unicodedata

    from evalnlp.nlp import has_emoticon

    # the marks around and between the words must be punctuation (or invisible, as a byte order mark is):
    # "N/A 👍" or "N/A + more" say something
    return all(c.isalnum() or c.isspace() or c in _APOSTROPHES or unicodedata.category(c)[0] == "P"
               or unicodedata.category(c) == "Cf" for c in text) and not has_emoticon(text)


def _invisible(text: str) -> bool:
    """White space and format characters only (``\u200b``, ``\ufeff``, ``\u2060``): nothing anyone can see."""
    import unicodedata

    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def no_answer_reasons(texts: pd.Series, blank: np.ndarray, marks: np.ndarray, column: str | None = None,
                      passage: bool = False) -> list[str]:
    """E141's reason for each text that is no answer (``blank | marks``), in order."""
    def reason(text: Any, is_blank: bool) -> str:
        if is_blank:
            return (errors.message("E141", "passage") if passage else
                    errors.message("E141", "answer", column=column) if column else errors.message("E141", "text"))
        shown = " ".join(str(text).split())[:20]
        if str(text).strip().upper() in SPREADSHEET_ERRORS:
            return (errors.message("E141", "answer_spreadsheet_error", column=column, text=str(text).strip())
                    if column and not passage else errors.message("E141", "spreadsheet_error", text=str(text).strip()))
        if placeholder(text):
            shown = " ".join(str(text).split())
            return (errors.message("E141", "passage_placeholder", text=shown) if passage else
                    errors.message("E141", "answer_placeholder", column=column, text=shown) if column else
                    errors.message("E141", "placeholder", text=shown))
        if passage:
            return errors.message("E141", "passage_marks", text=shown)
        if column:
            return errors.message("E141", "answer_marks", column=column, text=shown)
        return errors.message("E141", "marks", text=shown)

    no = blank | marks
    return [reason(t, b) for t, b in zip(texts[no].tolist(), blank[no])]


def office_lock_file(path: Path) -> bool:
    """Whether ``path`` is the lock file Excel, Word or PowerPoint writes beside a document while it is open
    (``~$report.xlsx``: hidden on Windows, a few bytes, never the document itself)."""
    return path.name.startswith("~$")


def expand_inputs(paths: Sequence[str | Path], skipped: list[Path] | None = None,
                  suffixes: frozenset[str] | None = None, unread: list[Path] | None = None) -> list[Path]:
    """The files that FILE arguments name, in order, each once.

    A folder stands for the files directly inside it whose extension evalnlp reads (``suffixes``: only those;
    hidden files and Office lock files left out, the lock files added to ``skipped``, the other files in it added
    to ``unread``), in name order; a path that does not exist but holds ``*``, ``?`` or ``[`` is a glob pattern (``**`` crosses
    folders), standing for the files it matches, in name order. Every other path is kept as given, so a missing
    file is still reported by name. Raises E172 for a pattern that matches no file and E173 for a folder
    with no readable file in it.
    """
    import glob

    from evalnlp.ingest.readers import NARRATIVE, TABULAR

    readable = suffixes if suffixes is not None else TABULAR | NARRATIVE

    def documents(found: list[Path]) -> list[Path]:
        """``found`` without Office lock files (noted in ``skipped``) and, with ``suffixes``, other kinds."""
        if skipped is not None:
            skipped.extend(p for p in found if office_lock_file(p))
        return [p for p in found if not office_lock_file(p) and (suffixes is None or p.suffix.lower() in suffixes)]

    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if unread is not None:  # a file of a kind evalnlp does not read (.xls, .csv.gz) is named, not passed over
                unread.extend(p for p in files if p.suffix.lower() not in readable and not office_lock_file(p))
            found = documents([p for p in files if p.suffix.lower() in readable])
            if not found:
                raise errors.error("E173", path=path, kinds=", ".join(sorted(readable)))
            out += found
        elif not path.exists() and _GLOB_CHARS.intersection(str(raw)):
            found = documents(sorted(Path(p) for p in glob.glob(str(raw), recursive=True) if Path(p).is_file()))
            if not found:
                raise errors.error("E172", raw=raw)
            out += found
        else:
            out.append(path)
    unique: dict[Path, Path] = {}
    for path in out:  # one file named two ways (relative and absolute, or directly and by its folder) once
        unique.setdefault(path.resolve() if path.exists() else path, path)
    for path in unique.values():  # E414 for the file of the store open here, before any file is read
        refuse_open_store(path, "a file to read")
    return list(unique.values())


def _check_distinct_names(paths: list[Path]) -> None:
    """E174 when two different files share a name: documents are stored under their file's name, so rows of
    the two with the same locator and text would be taken for one document and the second's metadata lost."""
    seen: dict[str, Path] = {}
    for path in paths:
        other = seen.setdefault(path.name, path)
        if other.resolve() != path.resolve():  # the same file named two ways is read once, not refused
            raise errors.error("E174", "name", file=path.name, other=other, path=path)


def name_taken_elsewhere(store, path: Path, sha: str | None = None) -> str | None:
    """Where the store read another file named like ``path`` from, when that file was at another place and had
    other contents (so ``path`` is not the same file read again); None otherwise. ``sha`` is ``path``'s sha256
    when the caller has it already."""
    from evalnlp.util import file_sha256

    seen = store.inputs_named(path.name)
    if not seen:
        return None
    where, sha = str(path.resolve()), sha or file_sha256(path)
    return None if any(p == where or h == sha for p, h in seen) else seen[0][0]


def _meta_columns_found(kinds: list[tuple[Path, str]], opts: IngestOptions) -> frozenset[str]:
    """The ``--meta`` columns that some table of several in one command has (a month's exports from several
    trusts, one without a ward column): a file lacking one of them is read without it, and said so, rather
    than stopping the command. Empty for one table, or without ``--meta``."""
    from evalnlp.ingest.readers import open_tabular

    tables = [path for path, kind in kinds if kind != "narrative"]
    if not opts.meta or len(tables) < 2:
        return frozenset()
    found: set[str] = set()
    for path in tables:
        try:
            # opened as the read proper opens it
            found |= set(open_tabular(path, sheet=opts.sheet, wanted=header_columns(opts)).columns) & set(opts.meta)
        except InputError:
            continue  # the read proper says what is wrong with this file
    return frozenset(found)


def _more_than_a_line(path: Path) -> bool:
    """Does the file hold more than one line of text (more than a header: two exports with no answers that
    month can be the same bytes without being a copy)?"""
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return len([line for line in head.splitlines() if line.strip()]) > 1


def _check_known_names(store, paths: list[Path], run_id: str, opts: IngestOptions | None = None,
                       shas_out: dict[Path, str] | None = None,
                       same_before: set[Path] | None = None) -> dict[Path, str]:
    """E175 when the store already holds a different file of the same name, read from another place (unless
    ``opts.replace``: then the file is that file's newer export, wherever it is); E174 when two files of one
    command have the same contents (a copy beside its original); then record every file read. A file counts as
    the same one when it is at the same place (a newer export, say) or has the same contents (a copy moved
    elsewhere): its rows then add only what is new, as on any re-read. Returns, for each file whose contents the
    store read before under another name (``trust_a (1).csv``, a copy of ``trust_a.csv``), that name: its rows
    are read as that file's, so the copy adds nothing twice. ``shas_out`` gets each file's checksum, and
    ``same_before`` each file the store read before under its own name with these very contents."""
    from evalnlp.util import file_sha256

    opts = opts or IngestOptions()

    shas = [file_sha256(path) for path in paths]  # each file read once for its checksum
    first: dict[str, Path] = {}
    for path, sha in zip(paths, shas):
        other = first.setdefault(sha, path)
        if other != path and other.resolve() != path.resolve() and _more_than_a_line(path):
            raise errors.error("E174", "same_contents", other=other, path=path)
    for path, sha in zip(paths, shas):
        other = None if opts.replace else name_taken_elsewhere(store, path, sha)
        if other is not None:
            renamed = f"{path.parent.name or 'new'}_{path.name}"
            if not opts.offer_replace:  # (codes import, which has no replace option)
                raise errors.error("E175", "codes", path=path, file=path.name, other=other, renamed=renamed,
                                   replace=errors.Call("ingest", replace=True))
            raise errors.error("E175", "other", path=path, file=path.name, other=other, renamed=renamed)
    copies: dict[Path, str] = {}
    for path, sha in zip(paths, shas):
        names = store.input_names_with(sha)
        if names and path.name not in names:
            copies[path] = names[0]
        elif path.name in names and same_before is not None:
            same_before.add(path)
    for path, sha in zip(paths, shas):
        store.record_input(path.name, str(path.resolve()), sha, run_id)
        if shas_out is not None:
            shas_out[path] = sha
    return copies


def ingest_paths(store, paths: Sequence[str | Path], opts: IngestOptions, run_id: str,
                 progress: Progress | None = None) -> IngestResult:
    """Read every file into the store under ``run_id``. Raises :class:`InputError` before writing anything
    for a file that cannot be read; the caller's transaction then leaves the store untouched."""
    check_options(opts)
    if not paths:
        raise errors.error("E133")
    result = IngestResult(run_id=run_id)
    skipped: list[Path] = []
    unread: list[Path] = []
    paths = expand_inputs(paths, skipped, unread=unread)
    result.skipped = [str(p) for p in dict.fromkeys(skipped)]
    result.unread = [str(p) for p in dict.fromkeys(unread)]
    empty: dict[Path, InputError] = {}
    kinds = [(Path(p), _kind_of(p, empty if len(paths) > 1 else None)) for p in paths]  # fail fast on missing
    # files and unknown extensions
    _check_distinct_names([path for path, _ in kinds])
    shas: dict[Path, str] = {}
    same_before: set[Path] = set()
    copies = _check_known_names(store, [path for path, _ in kinds], run_id, opts, shas, same_before)
    asked = [name for name, given in (("text", opts.text), ("id", opts.id), ("meta", opts.meta)) if given]
    for path, kind in kinds:  # before anything is read: a table saved as .txt, read with table options
        if kind == "narrative" and asked and path.suffix.lower() == ".txt" and _tab_separated(path):
            options = errors.Note(" and ".join("{%s!o}" % name for name in asked), fields={})
            raise errors.error("E102", "tab_text", file=path.name, options=options)
    meta_elsewhere = _meta_columns_found(kinds, opts)
    # the tables read before, latest first (this command's files join them as they are read): a text column new
    # to the store where an earlier export had another is told (renamed_questions)
    tables = store.table_reads() if opts.notice_renamed else []
    narrative = any(kind == "narrative" for _, kind in kinds)
    linked_before = store.letter_links() if narrative else None  # (a list replaced takes its links with it)
    if opts.replace:
        store.replace_begin()
    try:
        for path, kind in kinds:
            try:
                if path in empty:
                    raise empty[path]
                if kind == "narrative" and path in same_before and not opts.replace:
                    # the same bytes read again: what they hold is stored already (see FileReport.unchanged)
                    report = FileReport(source=path.name, format=path.suffix.lower().lstrip("."), unchanged=True,
                                        file_name=path.name)
                elif kind == "narrative":
                    report = ingest_narrative(store, path, opts, run_id, progress, same_as=copies.get(path))
                    report.ignored = [name for name, given in (("text", opts.text), ("id", opts.id),
                                                               ("meta", opts.meta), ("sheet", opts.sheet),
                                                               ("question", opts.question))
                                      if given]
                else:
                    report = ingest_tabular(store, path, opts, run_id, progress, same_as=copies.get(path),
                                            meta_elsewhere=meta_elsewhere)
                    report.ignored = ["sheet"] if opts.sheet and report.format != "xlsx" else []
                    if opts.notice_renamed and report.n_new:
                        report.question_renamed = renamed_questions(report, tables, store.questions_by_source())
                    tables.insert(0, {"source": report.source, "columns": list(report.columns),
                                      "questions": dict(report.questions)})
            except InputError as exc:
                if exc.code not in _NOTHING_TO_READ or len(kinds) == 1:
                    raise
                # one file of several with nothing in it (an export with no answers that period: a header only,
                # or 0 bytes): said, and the others read
                report = FileReport(source=path.name, format=path.suffix.lstrip(".").lower() or kind,
                                    no_rows=exc.message, file_name=path.name)
            result.files.append(report)
        if opts.replace:
            replace_sources(store, result, opts, run_id, {path.name: (path, shas[path]) for path, _ in kinds})
        if narrative:
            # a letter read now may be named by a list read before, and a list read now may name letters read
            # before (or no longer name one it named): every letter is matched again
            result.letters = link_letters(store, {f.source for f in result.files}, linked_before)
    finally:
        if opts.replace:
            store.replace_end()
    return result


def renamed_questions(report: FileReport, tables: list[dict[str, Any]],
                      held: dict[str, set[str]]) -> list[tuple[str, str, str, str, str, str]]:
    """The text columns of the table ``report`` whose question no other source's answers are under, each with the
    earlier question it may be a new name of (see :attr:`FileReport.question_renamed`). An earlier table
    (``tables``: source, columns, questions; latest first) that stored a column of the same name under another
    question (read with ``question``) gives that one; else one with the same columns but the new ones, where it
    had as many others that are its text columns, pairs them in the files' order ("What could be improved?" in
    January's export, "What could we improve?" in March's); else, when every other answer in the store (``held``:
    each source's questions) is to one question, that one."""
    others = {q for src, qs in held.items() if src != report.source for q in qs}
    place = {c: i for i, c in enumerate(report.columns)}
    new = sorted(((col, q) for col, q in report.questions.items() if q not in others), key=lambda cq: place[cq[0]])
    if not new or not others:
        return []
    for table in tables:  # a column an earlier read stored under another question (read with --question)
        found = [(col, q, old, col, table["source"], "named") for col, q in new
                 if (old := table["questions"].get(col)) not in (None, q) and old in held.get(table["source"], ())]
        if table["source"] != report.source and found:
            return found
    columns = set(report.columns)
    new_columns = {col for col, _ in new}
    for table in tables:
        if table["source"] == report.source:
            continue
        theirs = [c for c in table["columns"] if c not in columns]
        asked = table["questions"] or {c: c for c in theirs}  # (a run that did not record them: the headers)
        if (set(table["columns"]) - set(theirs) != columns - new_columns or len(theirs) != len(new)
                or not all(asked.get(c, c) in held.get(table["source"], ()) for c in theirs)):
            continue
        return [(col, q, asked.get(old, old), old, table["source"], "columns")
                for (col, q), old in zip(new, theirs) if asked.get(old, old) != q]
    if len(others) == 1 and len(new) == 1 == len(report.questions):
        (old,) = others
        source = next(src for src, qs in held.items() if src != report.source and old in qs)
        return [(new[0][0], new[0][1], old, "", source, "only")]
    return []


def replace_sources(store, result: IngestResult, opts: IngestOptions, run_id: str,
                    files: dict[str, tuple[Path, str]]) -> None:
    """Each file of ``result``, read with ``replace``, is a newer export of its source: the store comes to hold
    for that source exactly the documents the file yielded (every file its own source; see
    :meth:`Store.replace_apply`). A source the store held nothing of is a plain first read; a file that yielded
    no document (a header only, every row rejected: an export that failed, more likely than a month whose every
    answer was withdrawn) replaces nothing. E413, before anything is removed, when the removed documents hold
    human codes and ``opts.drop_human_codes`` is not given: the command's transaction then leaves the store as
    it was. ``files``: each file's path and checksum by its name."""
    before = store.documents_before([f.source for f in result.files], run_id)
    todo: list[FileReport] = []
    for f in result.files:
        f.replaced = True
        held = before.get(f.source, 0)
        if not held:
            f.replace_first = True
        elif not f.n_ok:
            f.replace_kept_all = held
        else:
            todo.append(f)
    if not todo:
        return
    sources = list(dict.fromkeys(f.source for f in todo))
    n_docs, n_passages, by_coder = store.replace_plan(sources)
    if n_passages and not opts.drop_human_codes:
        tables = all(f.columns for f in todo)
        raise errors.error(
            "E413", "human", files=", ".join(f.file_name or f.source for f in todo),
            what=_counted(n_docs, "answer" if tables else "document"), are="is" if n_docs == 1 else "are",
            have="has" if n_docs == 1 else "have", them="it" if n_docs == 1 else "them",
            passages=_counted(n_passages, "passage"),
            coders=", ".join(f"{coder} on {n:,}" for coder, n in by_coder.items()))
    done = store.replace_apply(sources, run_id)
    for f in todo:
        got = done[f.source]
        f.n_removed, f.n_kept, f.meta_replaced, f.human_dropped = got["removed"], got["kept"], got["meta"], got["human"]
        path, sha = files[f.file_name] if f.file_name in files else (None, None)
        if path is not None and f.same_as is None:  # (a copy's name is not the source's)
            store.forget_superseded_inputs(path.name, str(path.resolve()), sha, sources)


def _counted(n: int, word: str) -> str:
    """``1 answer``, ``2,000 answers``."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


_NOTHING_TO_READ = frozenset({"E103", "E104"})  # an empty file, a table with a header and no rows


def _kind_of(path: Path, empty: dict[Path, InputError] | None) -> str:
    """``file_kind(path)``; with ``empty`` (a command of several files), a file of 0 bytes is noted there, its
    E103 raised when its turn to be read comes, rather than stopping the command before any file is read."""
    from evalnlp.ingest.readers import NARRATIVE, file_kind

    try:
        return file_kind(path)
    except InputError as exc:
        if exc.code != "E103" or empty is None:
            raise
        empty[Path(path)] = exc
        return "narrative" if Path(path).suffix.lower() in NARRATIVE else "tabular"
