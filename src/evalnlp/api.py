"""The Python API: one function per command, plus :class:`Project` for notebooks.

Functions take plain values and return data (DataFrames, dataclasses); they never print. Each command opens
the store, records a run and does all its writing inside one transaction.

>>> import evalnlp
>>> project = evalnlp.open("evalnlp.duckdb")
>>> project.ingest(["survey.xlsx"], text=["What changed?"])       # doctest: +SKIP
>>> project.documents().head()                                      # doctest: +SKIP
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pandas as pd

from evalnlp import errors
from evalnlp.errors import EvalnlpError, EvalnlpWarning  # noqa: F401  (evalnlp.api.EvalnlpWarning)
from evalnlp.ingest import IngestOptions, IngestResult, ingest_paths
from evalnlp.store import Store
from evalnlp.util import bytes_sha256, did_you_mean, file_sha256, path_kind

Progress = Callable[[int], None]


# ---- what the command line needs besides the commands: it imports nothing but this module ---------------


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> Store:
    """The project store at ``path`` (default: ``$EVALNLP_DB`` or ./evalnlp.duckdb); close it when done."""
    return Store(path, read_only=read_only)


def store_path(path: str | Path | None = None) -> str:
    """The path :func:`open_store` opens for ``path``: itself, or ``$EVALNLP_DB``, or ./evalnlp.duckdb."""
    from evalnlp.store import default_path

    return str(path) if path is not None else default_path()


def codebooks() -> list:
    """The shipped codebooks (``evalnlp codebook list``)."""
    from evalnlp.codebook import list_codebooks

    return list_codebooks()


def codebook(ref: str | Path):
    """A shipped codebook by id, or a codebook YAML file (``evalnlp codebook show``)."""
    from evalnlp.codebook import load_codebook

    return load_codebook(ref)


def validate_codebook(path: str | Path):
    """Check a codebook file, raising one error that lists every problem (``evalnlp codebook validate``)."""
    from evalnlp.codebook import validate_codebook as validate

    return validate(path)


def require_topics_extra() -> None:
    """Raise the missing-extra error (E501) unless the packages ``discover`` needs are installed."""
    from evalnlp.discovery import require_topics_extra as require

    require()


def quoted(text: Any) -> str:
    """A quote as the readable forms show it: in curly double quotation marks (see
    :func:`evalnlp.reports._common.quoted`)."""
    from evalnlp.reports._common import quoted as shown

    return shown(text)


def quote_attribution(record: dict[str, Any]) -> str:
    """A quote's attribution as the files and the report give it: ``speaker [ref]; source, locator``."""
    from evalnlp.reports._common import attribution

    return attribution(record)


def document_place(source: Any, locator: Any) -> str:
    """Where a document is, as people read it: ``survey.csv row 12``, a workbook's row with its sheet named once
    (``survey.xlsx#Comments!row 8``, from the source ``survey.xlsx#Comments`` and the locator ``Comments!row 8``)."""
    from evalnlp.schema import place

    return place(source, locator)


def quotes_json(df: pd.DataFrame) -> dict[str, list[dict]]:
    """The JSON contract of ``evalnlp quotes --format json`` for a frame from :func:`quotes`."""
    from evalnlp.quotes import quotes_to_json

    return quotes_to_json(df)


@dataclass
class RecordedRun:
    """A run being recorded: its ``id``, and the counts the command reports with :meth:`counts`."""

    id: str
    _counts: dict[str, int] | None = None
    #: arguments learned while the run went (each file's counts), added to the recorded ones when it ends
    more_args: dict[str, Any] = field(default_factory=dict)

    def counts(self, *, n_in: int, n_ok: int, n_rejected: int) -> None:
        """What the run read, accepted and rejected (``n_in == n_ok + n_rejected``); written when it ends."""
        self._counts = {"n_in": int(n_in), "n_ok": int(n_ok), "n_rejected": int(n_rejected)}


@contextmanager
def recorded_run(store: Store, command: str, args: dict[str, Any], **run_fields: Any) -> Iterator[RecordedRun]:
    """Open a transaction and record a run; when the block ends, finish the run with the counts the block gave
    (:meth:`RecordedRun.counts`) and commit. An error in the block rolls back everything, the run included."""
    with store.transaction():
        run = RecordedRun(store.start_run(command, args, **run_fields))
        yield run
        if run._counts is None:
            raise RuntimeError(f"the {command} run ended without its counts (call run.counts(...) in the block)")
        if run.more_args:
            store.add_run_args(run.id, run.more_args)
        store.finish_run(run.id, **run._counts)


def _names(value: str | Sequence[str] | None, what: str = "a column option") -> list[str] | None:
    """A list of names given as a list, or as one name: ``by="ward"`` is ``by=["ward"]`` (a name is never read
    as the letters in it). E149 for anything but a name or a list of names (``text=5``)."""
    if value is None:
        return None
    from collections.abc import Iterable, Mapping

    iterable = isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping, pd.DataFrame))
    names = [value] if isinstance(value, str) else list(value) if iterable else None
    if names is None or not all(isinstance(n, str) for n in names):
        raise errors.error("E149", "names", what=what, value=value)
    return names


def _paths(paths: Any) -> list[str | Path]:
    """The files of a command: a path, or a list of paths; E149 for a table given in their place (a pandas
    DataFrame is iterated as its column names, which would be looked for as files)."""
    import os

    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if isinstance(paths, (list, tuple, set, frozenset)) or (hasattr(paths, "__iter__") and not hasattr(paths, "columns")
                                                            and not isinstance(paths, (bytes, dict))):
        items = list(paths)
        if all(isinstance(p, (str, os.PathLike)) for p in items):
            return items
    raise errors.error("E149", "paths", kind=type(paths).__name__)


def _id_column(value: Any) -> str | None:
    """The id column, given as a name (or a list of one name, as ``text`` may be); E149 for anything else."""
    if value is None or isinstance(value, str):
        return value
    from collections.abc import Iterable, Mapping

    items = list(value) if isinstance(value, Iterable) and not isinstance(value, (bytes, Mapping)) else None
    if items is not None and len(items) == 1 and isinstance(items[0], str):
        return items[0]
    raise errors.error("E149", "id_column", value=items if items is not None else value)


def _one_name(value: str | Sequence[str] | None, what: str) -> str | None:
    """One attribute, given as a name or as a list of one name; E149 for a list of several."""
    if value is None or isinstance(value, str):
        return value
    items = list(value)
    if len(items) == 1 and isinstance(items[0], str):
        return items[0]
    raise errors.error("E149", "one_attribute", what=what, value=items)


def ingest(store: Store, paths: Sequence[str | Path], *, text: Sequence[str] = (), id: str | None = None,
           meta: Sequence[str] | None = None, unit: str = "response", sheet: str | None = None,
           chunk_size: int = 50_000, progress: Progress | None = None, replace: bool = False,
           drop_human_codes: bool = False, question: Sequence[str] = ()) -> IngestResult:
    """Read files into the store. Returns what each file gave; the run's counts add up. ``text`` and ``meta``
    take a list of column names, or one name.

    A table's answers are stored under their column's header as their ``question`` (what ``evidence`` groups
    ``by="question"``); ``question`` names it otherwise, one name per ``text`` column in its order (or one name
    for one column): a column renamed in a later export (``"What could we improve?"`` for ``"What could be
    improved?"``) keeps the earlier export's question, so the two count as one.

    With ``replace``, each file is a newer export of the file of its name read before, and takes its place: the
    store then holds for that file exactly the documents it yields (the others are removed with their passages,
    codes, sentiment and reach figures; the ones still there keep their ids and codes and take its ``meta``
    values). Removing documents that hold human codes is refused (E413) unless ``drop_human_codes`` is given.
    Each file's report says what was removed, kept and added (``n_removed``, ``n_kept``, ``n_new``).

    After narrative files are read, every letter of support the store holds is linked to the entry of a sources
    list in the store that names it (:func:`evalnlp.ingest.link_letters`), whichever was read first: the result's
    ``letters`` say how each stands (linked, ambiguous or unnamed), and its notes tell of the letters read and of
    the links that changed."""
    text, meta = _names(text, "text") or [], _names(meta, "meta")
    question = _names(question, "question") or []
    id = _id_column(id)
    paths = _paths(paths)
    replace, drop_human_codes = _flag(replace, "replace"), _flag(drop_human_codes, "drop_human_codes")
    if drop_human_codes and not replace:
        raise errors.error("E149", "drop_alone")
    opts = IngestOptions(text=tuple(text), id=id, meta=tuple(meta) if meta is not None else None, unit=unit,
                         sheet=sheet, chunk_size=chunk_size, replace=replace, drop_human_codes=drop_human_codes,
                         question=tuple(question))
    args = {"files": [str(p) for p in paths], "text": list(text), "id": id,
            "meta": list(meta) if meta is not None else None, "unit": unit, "sheet": sheet, "replace": replace,
            "drop_human_codes": drop_human_codes, **({"question": list(question)} if question else {})}
    with recorded_run(store, "ingest", args) as run:
        run_id = run.id
        result = ingest_paths(store, paths, opts, run_id, progress)
        run.counts(n_in=result.n_in, n_ok=result.n_ok, n_rejected=result.n_rejected)
        run.more_args = {"per_file": _per_file(result)}
    _with_notes(result)
    errors.issue(result.notes)
    return result


def _with_notes(result: IngestResult, command: str = "ingest") -> IngestResult:
    """``result`` with its notes, as ``command`` tells them (:func:`evalnlp.ingest.notes.ingest_notes`)."""
    from evalnlp.ingest.notes import ingest_notes

    result.notes = ingest_notes(result, command)
    return result


def _per_file(result) -> list[dict[str, Any]]:
    """Each file's counts in a run's arguments: the file read, the source its documents are stored under, and
    rows read, accepted, new and rejected, and a table's column names in its order (so that an output file
    written later from the store keeps them in that order); read with replace, what it removed and kept."""
    return [{"file": f.file_name or f.source, "source": f.source, "n_in": f.n_in, "n_ok": f.n_ok, "n_new": f.n_new,
             "n_rejected": f.n_rejected, "columns": [str(c) for c in f.columns or []],
             **({"questions": {str(c): str(q) for c, q in f.questions.items()}} if f.questions else {}),
             **({"unread_parts": dict(f.unread_parts)} if f.unread_parts else {}),
             **({"replaced": {"n_removed": f.n_removed, "n_kept": f.n_kept, "n_added": f.n_new,
                              "meta_changed": dict(f.meta_replaced), "human_codes_dropped": dict(f.human_dropped)}}
                if f.replaced and not f.replace_first and not f.replace_kept_all else {})}
            for f in result.files]


def _flag(value: Any, name: str) -> bool:
    """A yes/no option given as a bool (``recode="no"`` would read as yes, and recode every passage): E149
    otherwise."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":  # (numpy's, from a frame's cell)
        return bool(value)
    raise errors.error("E149", "switch", name=name, value=value)


@dataclass
class ExtractedDocument:
    """Testimonials, reach figures and corroborating sources found in one narrative file; offsets point into
    ``text``, except a sources list read from a separate file (``sources_file``), whose offsets point into that
    file's text, and a Word document's footnotes and endnotes among the sources (labelled ``footnote 3``,
    ``endnote ii``), whose offsets point into the note's own text."""

    source: str
    text: str
    testimonials: list
    reach: list
    sources: list = field(default_factory=list)
    sources_file: str | None = None
    #: what a DOCX document holds with text outside its body's paragraphs and tables and its notes (not read), counted
    unread_parts: dict[str, int] = field(default_factory=dict)
    #: what the user should know of how the file was read (text not read), issued as :class:`EvalnlpWarning`
    notes: list[str] = field(default_factory=list)
    #: the letters of support in the document, each with the entry of the documents' sources lists that names it
    #: (:class:`evalnlp.ingest._letter_links.LetterFound`)
    letters: list = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "testimonials": [{"quote": t.quote, "speaker": " ".join(t.speaker.split()) if t.speaker else t.speaker,
                              "source_ref": t.source_ref,
                              "start": t.start, "end": t.end,
                              "source_entries": [e.to_json() for e in t.source_entries]}
                             for t in self.testimonials],
            "reach": [{"text": r.text, "value": r.value, "unit": r.unit, "start": r.start, "end": r.end}
                      for r in self.reach],
            "sources": [e.to_json() for e in self.sources],
            "sources_file": self.sources_file,
            "letters": [x.to_json() for x in self.letters],
        }


def extract(paths: Sequence[str | Path], sources: Sequence[str | Path] | None = None) -> list[ExtractedDocument]:
    """Find attributed testimonials, reach figures and corroborating sources in narrative files (TXT, MD, DOCX,
    PDF).

    A document's corroborating sources are its own "Sources to corroborate the impact" section, found by that
    heading (testimonials and reach figures are then read from the text before it), or, with ``sources``, the
    file given for it: one sources file per document, in the same order. A Word document's footnotes and endnotes
    are entries too, after those (``footnote 3``, ``endnote ii``; a marker written as a note's mark reads in the
    body, a number alone or ``[ii]``, names that note before any entry of the list). Each testimonial's
    ``source_entries`` are the entries its marker names. A note numbering the reader cannot follow (restarted
    on each page) is warned of.

    A letter of support among the documents (see :mod:`evalnlp.ingest._letters`) is linked to the entry of a
    sources list of the documents read with it that names it (:mod:`evalnlp.ingest._letter_links`): its
    testimonials' ``source_entries`` are that entry (with ``document``, the document whose list it is, and its
    ``score``) and their ``source_ref`` its ref in square brackets (``[5.3]``); the document's ``letters`` say how
    each letter stands (``linked``, ``ambiguous`` when two entries fit it equally well and neither is taken, or
    ``unnamed``).

    For TXT and Markdown the offsets are into the file's text as read (universal newlines); for DOCX and
    PDF into the document's paragraphs or pages joined by blank lines.
    """
    import dataclasses

    from evalnlp.ingest import narrative_text
    from evalnlp.ingest._letter_links import link_documents
    from evalnlp.ingest._letters import with_letter_testimonials
    from evalnlp.ingest._narrative_sources import note_entries, notes_beside, notes_marked, resolve_with_notes
    from evalnlp.ingest._table_reach import with_table_reach
    from evalnlp.ingest.narrative import extract_document
    from evalnlp.ingest.notes import unread_parts_grouped
    from evalnlp.ingest.readers import file_kind

    if not paths:
        raise errors.error("E133")
    if not sources:  # a folder or pattern stands for its narrative files (with --sources, files pair one to one)
        from evalnlp.ingest import expand_inputs
        from evalnlp.ingest.readers import NARRATIVE

        paths = expand_inputs(paths, suffixes=NARRATIVE)
    if sources and len(sources) != len(paths):
        raise errors.error("E171", n_sources=len(sources), n_paths=len(paths))
    kinds = [(Path(p), file_kind(p)) for p in paths]
    source_kinds = [(Path(p), file_kind(p)) for p in sources or ()]
    for path, kind in kinds + source_kinds:
        if kind != "narrative":
            raise errors.error("E134", file=path.name, path_suffix=path.suffix, ingest=errors.Call("ingest"))
    out = []
    starts = []
    for k, (path, _kind) in enumerate(kinds):
        unread: dict[str, int] = {}
        notes: list = []
        told: list[str] = []
        places: list = []  # where the body refers to its notes
        text = narrative_text(path, unread, notes, told, places)
        src_path = source_kinds[k][0] if source_kinds else None
        noted = note_entries(notes)
        found = extract_document(text, narrative_text(src_path) if src_path is not None else None,
                                 note_marks={n.ref.split(" (")[0] for n in noted}
                                 if path.suffix.lower() == ".docx" else None)
        testimonials = with_letter_testimonials(found.testimonials, text, found.sources_start)
        reach = with_table_reach(found.reach, text, _table_cells(path, text), found.sources_start)
        sources = found.sources
        if noted:  # a Word document's footnotes and endnotes are entries too, named by their marks' numbers
            testimonials = [dataclasses.replace(t, source_entries=tuple(resolve_with_notes(
                t.source_ref, sources, noted, notes_beside(t, places), notes_marked(t, places))))
                for t in testimonials]
            sources = sources + noted
        out.append(ExtractedDocument(source=path.name, text=text, testimonials=testimonials, reach=reach,
                                     sources=sources,
                                     sources_file=src_path.name if src_path is not None else None,
                                     unread_parts=unread))
        out[-1].notes.extend(errors.Note(f"{path.name}: {said}", "warning") for said in told)
        starts.append(found.sources_start)
    # a letter filed as a document of its own is named by an entry of another document's list
    linked = link_documents([(d.source, d.text, end, d.testimonials, d.sources) for d, end in zip(out, starts)])
    for d, (testimonials, letters) in zip(out, linked):
        d.testimonials, d.letters = testimonials, letters
    # documents that leave out the same parts (letters, each with its letterhead in the page header) share one
    # warning: each document's notes hold it, and it is issued once
    said = unread_parts_grouped([(d.source, d.unread_parts) for d in out])
    for d in out:
        if d.source in said:
            d.notes.append(errors.Note(said[d.source], "warning"))
    errors.issue(list(dict.fromkeys(n for d in out for n in d.notes)))
    return out


def _table_cells(path: Path, text: str) -> list:
    """The table cells of a narrative file whose text is ``text`` (as :func:`evalnlp.ingest.narrative_text` reads
    it), as spans of that text: a Word document's table cells, a Markdown file's table rows' cells."""
    from evalnlp.ingest._table_reach import docx_cells, markdown_cells
    from evalnlp.ingest.readers import read_narrative

    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown"):
        return markdown_cells(text)
    if suffix != ".docx":
        return []
    read = [p for p in read_narrative(path) if p.text.strip()]
    starts, pos = [], 0
    for p in read:
        starts.append(pos)
        pos += len(p.text) + 2
    return docx_cells([p.locator for p in read], starts, [p.text for p in read])


def missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the API's one way of showing a missing value: ``None`` in every column that is not numbers,
    flags or times (text, ids, dicts, a document's metadata), each such column of dtype ``object``; a column of
    numbers stays numbers (a missing one ``NaN`` in a float column, an integer column stays integers) and a
    column of times stays times (``NaT``). Without it a missing text showed as ``NaN`` (pandas' ``str`` columns)
    beside the ``None`` of a document's metadata. Changed in place (``frame.attrs``, a quotes table's notes,
    stay) and returned."""
    from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype, is_timedelta64_dtype

    for i, dtype in enumerate(frame.dtypes):
        if is_numeric_dtype(dtype) or is_bool_dtype(dtype) or is_datetime64_any_dtype(dtype) \
                or is_timedelta64_dtype(dtype):
            continue
        values = frame.iloc[:, i].astype(object)
        frame.isetitem(i, values.where(values.notna(), None))
    return frame


def runs(store: Store, run: str | None = None) -> pd.DataFrame:
    """Every run recorded in the store (or only the run ``run``: E407 when there is none), oldest first, with the
    store's columns; ``args`` and ``versions`` are dicts (the store holds them as JSON text), as in `evalnlp runs
    --format json`."""
    import json

    from evalnlp import corpus

    if run is not None:
        store.run(run)  # E407 for an id the store does not have (a typo would look like a run that did nothing)
    df = corpus.runs(store, run)
    for key in ("args", "versions"):
        df[key] = pd.Series([json.loads(v) if isinstance(v, str) and v else None for v in df[key]], index=df.index,
                            dtype=object)
    return missing_as_none(df)


def rejects(store: Store, run: str | None = None) -> pd.DataFrame:
    """The rejected rows (of the run ``run`` only, when given: E407 when there is none), each with its code and
    reason."""
    from evalnlp import corpus

    if run is not None:
        store.run(run)
    return missing_as_none(corpus.rejects(store, run))


def store_summary(store: Store) -> dict[str, int]:
    """Row counts of every table of the store."""
    from evalnlp import corpus

    return corpus.summary(store)


#: The function a :class:`Project` method hands its ``**options`` to, where its name is not the method's.
_FORWARDED_TO = {"train": "train_from_store"}


def method_options(method: Callable) -> list[str]:
    """The keyword options a :class:`Project` method takes: its own named parameters (``*coders`` of
    :meth:`Project.agreement` too, which it takes as ``coders=`` as well), and, for a method that hands
    ``**options`` on, the keyword-only parameters of the function of this module it hands them to (of its name, or
    named in ``_FORWARDED_TO``)."""
    import inspect

    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY,
             inspect.Parameter.VAR_POSITIONAL)
    params = inspect.signature(method).parameters
    names = [n for n, p in params.items() if p.kind in kinds and n != "self"]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        target = globals()[_FORWARDED_TO.get(method.__name__, method.__name__)]
        names += [n for n, p in inspect.signature(target).parameters.items()
                  if p.kind is inspect.Parameter.KEYWORD_ONLY]
    return list(dict.fromkeys(names))


def _options_checked(cls: type) -> type:
    """Every public method of ``cls`` refuses a keyword it does not take with E149, naming the option it comes
    closest to (``project.ingest("f.csv", txt="answer")``: "no option 'txt'. Did you mean 'text'?"), rather
    than with Python's bare TypeError from wherever the options were handed on. Only the names are checked,
    before the method runs; their values are the method's to judge."""
    import functools
    import inspect

    def checked(method: Callable) -> Callable:
        known: list[str] = []  # found at the first call: the functions options go to are defined further down

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            if not known:
                known.extend(method_options(method))
            for name in kwargs:
                if name not in known:
                    raise errors.error("E149", "unknown_option", method=method.__name__, option=name,
                                       hint=did_you_mean(name, known, cutoff=0.5),
                                       options=", ".join(known) or "none")
            return method(*args, **kwargs)

        return call

    for name, member in list(vars(cls).items()):
        static = isinstance(member, staticmethod)
        function = member.__func__ if static else member
        if name.startswith("_") or not inspect.isfunction(function):
            continue
        setattr(cls, name, staticmethod(checked(function)) if static else checked(function))
    return cls


@_options_checked
class Project:
    """A project store opened for exploration in a notebook.

    Every read method returns a pandas DataFrame; every step method runs the same code as the command of
    the same name. The store stays open, and locked against other processes, until :meth:`close` or the end
    of a ``with`` block.

    >>> with evalnlp.open("evalnlp.duckdb") as project:                       # doctest: +SKIP
    ...     project.classify("survey.csv", text="answer", id="respondent_id", codebook="fft")
    ...     themes = project.evidence(by=["ward"]).themes
    """

    def __init__(self, path: str | Path | None = None):
        self.store = Store(path)

    @property
    def path(self) -> str:
        """The store's file."""
        return self.store.path

    def close(self) -> None:
        """Close the store (other processes, such as an ``evalnlp`` command, can then open it)."""
        self.store.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.store.closed:
            return f"<evalnlp.Project {self.path!r}: closed>"
        counts = ", ".join(f"{k}={v}" for k, v in self.store.summary().items())
        return f"<evalnlp.Project {self.path!r}: {counts}>"

    # reads
    def documents(self) -> pd.DataFrame:
        """One row per document: doc_id, source, locator, kind, question, text and run_id, then one column per
        metadata attribute (each document's ``attrs``, parsed; missing values are None). An attribute named
        like a document column comes as ``attr_<name>`` (a survey column called ``question`` becomes
        ``attr_question``). There is no ``attrs`` column: pandas keeps ``DataFrame.attrs`` for its own use.
        Values are as stored: text as read from a file, and a QDA program's typed variables as the numbers and
        flags the store holds (an integer stays that integer, never a float beside a missing value)."""
        import json

        docs = self.store.table("documents")
        parsed = [json.loads(a) if isinstance(a, str) and a else {} for a in docs.pop("attrs")]
        keys = list(dict.fromkeys(k for a in parsed for k in a))  # in the order first met
        # column by column as objects: a frame built from the records would make a column of integers with a
        # missing value floats (12345678901234567 read back as 12345678901234568.0)
        meta = pd.DataFrame({k: pd.Series([a.get(k) for a in parsed], index=docs.index, dtype=object) for k in keys},
                            index=docs.index)
        taken = set(docs.columns)
        names = {}
        for name in meta.columns:
            new = str(name)
            while new in taken:
                new = f"attr_{new}"
            taken.add(new)
            names[name] = new
        return missing_as_none(pd.concat([docs, meta.rename(columns=names)], axis=1))

    def segments(self) -> pd.DataFrame:
        """Every passage: seg_id, doc_id, kind (response, sentence, testimonial), start and end (offsets into its
        document's text, whose ``text[start:end]`` is the passage's text), text, speaker, source_ref."""
        return missing_as_none(self.store.table("segments"))

    def codes(self) -> pd.DataFrame:
        """Every code stored: seg_id, theme, score, assigned, coder, run_id, and the codebook of the run that
        stored it (``codebook``: a store coded with two codebooks holds both, told apart here)."""
        return missing_as_none(self.store.codes_with_codebook())

    def sentiment(self, *, all_runs: bool = False) -> pd.DataFrame:
        """Each passage's sentiment: seg_id, label, score, coder, run_id, one row per passage, the label in use
        (a person's where there is one, else the latest classify run's; what evidence and quotes count).
        ``all_runs=True``: every label stored, one row per passage and run (each classify run stores its own,
        so a store coded with two codebooks holds two per passage)."""
        return missing_as_none(self.store.table("sentiment") if _flag(all_runs, "all_runs")
                               else self.store.sentiment_in_use())

    def reach(self) -> pd.DataFrame:
        """Reach figures found in narrative documents: doc_id, text, value, unit, start and end (offsets into the
        document's text)."""
        return missing_as_none(self.store.table("reach"))

    def runs(self, run: str | None = None) -> pd.DataFrame:
        """Every run (or only the run ``run``, as ``evalnlp runs --run``: E407 when there is none), oldest first,
        with the store's columns: run_id, command, args (the options and per-file
        counts, a dict), codebook_id, codebook_sha256, model_sha256, versions (a dict), started, finished,
        status, and the counts n_in (rows or passages read), n_ok (accepted, duplicates included) and
        n_rejected, as `evalnlp runs` shows them. A missing value is None (a run without a codebook), as in every
        frame of the API (see :func:`missing_as_none`).

        >>> project.runs()[["command", "n_in", "n_ok", "n_rejected"]]     # doctest: +SKIP
        >>> project.runs()["args"].iloc[0]["per_file"]                  # doctest: +SKIP
        """
        return runs(self.store, run)

    def rejects(self, run: str | None = None) -> pd.DataFrame:
        """Every row or passage that was read and not accepted (of the run ``run`` only, when given: E407 when
        there is none): run_id, source, locator, code and reason.

        >>> result = project.ingest("survey.csv", text="answer")         # doctest: +SKIP
        >>> project.rejects(result.run_id)                             # doctest: +SKIP
        """
        return rejects(self.store, run)

    def summary(self) -> dict[str, int]:
        """How many rows each table of the store holds."""
        return store_summary(self.store)

    def coders(self) -> pd.DataFrame:
        """Every coder, human and machine (``evalnlp codes list``): coder (``human:NAME`` or ``model:...``), kind
        (human or machine), passages, documents, codes (themes assigned), no_theme (passages given none), runs,
        first_run and last_run."""
        return coders(self.store)

    # steps
    def ingest(self, paths: Sequence[str | Path] | str | Path, **options: Any) -> IngestResult:
        """Read files into the store (``evalnlp ingest``): ``paths`` (a file, a folder or a pattern, or a list of
        them) and ``text`` (the column, or list of columns, holding the answers), ``id``, ``meta``, ``unit``
        (response or sentence), ``sheet``, ``question`` (see :func:`ingest`). Files, not DataFrames: write a frame with
        ``df.to_parquet(path)`` and ingest the file (pandas keeps an unnamed index other than 0, 1, 2 ... as a
        column ``__index_level_0__``; name it, ``df.rename_axis("row_id")``, to read it under its name). The result's ``n_in``, ``n_ok`` and
        ``n_rejected`` add up; ``rejects()`` says why each rejected row was. ``replace=True`` reads each file as a
        newer export that takes the place of the one of its name read before (``drop_human_codes=True`` lets it
        remove answers people coded)."""
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return ingest(self.store, paths, **options)

    def classify(self, paths: Sequence[str | Path] | str | Path = (), **options: Any) -> "ClassifyResult":
        """Code passages into a codebook's themes and sentiment (``evalnlp classify``): ``codebook``, ``model``,
        ``output``, ``recode``, ``sentiment`` and, with ``paths``, the ingest options (see :func:`classify`)."""
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return classify(self.store, paths, **options)

    def evidence(self, **options: Any):
        """Evidence tables per theme, group and claim (``evalnlp evidence``): ``by``, ``claims``, ``codebook``,
        ``redact``, ``keep_names``, ``output``, ``quotes`` (see :func:`evidence`)."""
        return evidence(self.store, **options)

    def quotes(self, theme: str, **options: Any) -> pd.DataFrame:
        """The best quotes for ``theme`` (``evalnlp quotes``): ``n``, ``by``, ``redact``, ``codebook``, ``output``,
        ``keep_names``; the columns are :func:`quotes`'s.

        >>> best = project.quotes("relationships", n=5)            # doctest: +SKIP
        >>> best[["text", "speaker", "source", "locator"]]          # doctest: +SKIP
        """
        return quotes(self.store, theme, **options)

    def report(self, output: str | Path, **options: Any) -> Path:
        """One self-contained HTML report (``evalnlp report``): ``claims``, ``by``, ``redact``, ``keep_names``,
        ``codebook``."""
        return report(self.store, output, **options)

    def discover(self, **options: Any):
        """Topics the codebook may miss, with BERTopic (``evalnlp discover``; needs the ``topics`` extra); see
        :func:`discover` for the options."""
        return discover(self.store, **options)

    @staticmethod
    def extract(paths: Sequence[str | Path] | str | Path, sources: Sequence[str | Path] | None = None):
        """Testimonials, speakers, sources and reach figures in narrative files (``evalnlp extract``); reads the
        files only, as the command does."""
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return extract(paths, sources)

    @staticmethod
    def evaluate(path: str | Path, **options: Any):
        """Agreement of a coder with a human-coded file (``evalnlp evaluate``); reads the file only: ``text``,
        ``labels=[...]`` or ``labels_column`` (with ``sep``), ``model`` or ``codebook``, ``sheet``."""
        return evaluate(path, **options)

    def import_codes(self, path: str | Path, *, text: str, coder: str, **options: Any) -> "CodesImportResult":
        """Import a human-coded table as coder ``human:NAME`` (``evalnlp codes import``): ``labels=[...]`` or
        ``labels_column=...`` (theme names joined by ``sep``, ";" unless given), and the ingest options ``id``,
        ``meta``, ``sheet``, ``question``, plus ``codebook``, ``source``."""
        return import_codes(self.store, path, text=text, coder=coder, **options)

    def agreement(self, *coders: str, **options: Any) -> list["Agreement"]:
        """Agreement between coders on the passages both coded (``evalnlp agreement``): none, one or two coder
        names (or one list of them), by position or as ``coders=[...]``; ``codebook``, ``disagreements`` (a file to
        write). ``result[0].to_json()`` is the JSON."""
        if "coders" in options:  # p.agreement(coders=["alice", "bob"]), as api.agreement names them
            named = options.pop("coders")
            if coders:
                raise errors.error("E149", "coders_twice", given=", ".join(map(repr, coders)), value=named)
            coders = () if named is None else (named,)  # a name, or a list of them (taken apart below)
        if len(coders) == 1 and isinstance(coders[0], (list, tuple)):  # p.agreement(["alice", "bob"])
            coders = tuple(coders[0])
        return agreement(self.store, coders, **options)

    def train(self, out: str | Path, **options: Any) -> "TrainResult":
        """Train a coder from the human codes in this store (``evalnlp train --from-store``): ``coder``,
        ``codebook``, ``backend``, ``prior``, ``epochs`` (the fine-tuned backends)."""
        return train_from_store(self.store, out=out, **options)

    # exchange with QDA programs (REFI-QDA)
    def export_qdpx(self, path: str | Path, *, codebook: str | Path | None = None) -> "QdaExport":
        """Write the project as a REFI-QDA ``.qdpx`` for NVivo, ATLAS.ti, MAXQDA, QualCoder (see :func:`export`)."""
        if Path(path).suffix.lower() != ".qdpx":

            raise errors.error("E120", "project", path=str(path))
        return export(self.store, path, codebook=codebook)

    def export_qdc(self, path: str | Path, *, codebook: str | Path | None = None) -> "QdaExport":
        """Write the codebook as a REFI-QDA ``.qdc`` (see :func:`export`)."""
        if Path(path).suffix.lower() != ".qdc":

            raise errors.error("E120", "codebook", path=str(path))
        return export(self.store, path, codebook=codebook)

    def import_qdpx(self, path: str | Path, **options: Any) -> "QdaImport":
        """Read a REFI-QDA ``.qdpx`` project into this store (see :func:`import_qdpx` for the options)."""
        return import_qdpx(self.store, path, **options)

    def review_export(self, path: str | Path, **options: Any) -> "ReviewExport":
        """Write the passages most worth a person's check to a workbook; see :func:`review_export`."""
        return review_export(self.store, path, **options)

    def review_import(self, path: str | Path, *, coder: str, codebook_changed: bool = False) -> "ReviewImport":
        """Store an edited review workbook's decisions as ``human:NAME`` codes; see :func:`review_import`."""
        return review_import(self.store, path, coder=coder, codebook_changed=codebook_changed)


# ---- theme coding --------------------------------------------------------------------------------------


@dataclass
class ClassifyResult:
    """What ``classify`` did: the coder, counts per theme and sentiment, and the output file if any.

    ``themes`` has one row per theme of the codebook: theme, label, passages (passages of this run given the
    theme) and share (of the ``n_coded`` passages); ``sentiment`` one row per label: label and passages.
    ``ingest`` is the :class:`~evalnlp.ingest.IngestResult` of the files read (None without files)."""

    run_id: str
    coder: str
    codebook_id: str
    n_coded: int
    themes: pd.DataFrame  # theme, label, passages, share (of the passages coded the coders could read)
    sentiment: pd.DataFrame  # label, passages
    ingest: IngestResult | None = None
    output: Path | None = None
    n_no_theme: int = 0  # coded passages that were assigned no theme
    #: of those, passages that look not to be in English (few common English words) and passages with no word
    #: (an emoji, a number, a date), which the coders cannot read: given no theme and no sentiment
    n_not_english: int = 0
    n_no_words: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the command
    processes: int = 1  # processes that coded the passages (this one and its helpers)
    #: what the user should know (a helper process that stopped, ...), issued as :class:`EvalnlpWarning`; the
    #: notes of the files read are the ingest's (``ingest.notes``)
    notes: list[str] = field(default_factory=list)

    @property
    def no_theme_share(self) -> float:
        """Share of the coded passages left without any theme."""
        return self.n_no_theme / self.n_coded if self.n_coded else 0.0


#: Scores below this are not stored (unless the theme was assigned, or is the passage's top theme, so that
#: every coded passage keeps at least one row): they carry no evidence, and storing every theme of every
#: passage would multiply the store's size. Output files show them as 0.
SCORE_FLOOR = 0.05


#: Passages coded at a time by ``classify`` (themes, then sentiment, on the same slice). Slices of a few
#: thousand keep each one's features in the processor's caches (on 2 cores, 5,000 coded about a fifth faster
#: than 20,000) and let helper processes share a page out evenly.
CODING_SLICE = 5_000


def _code_segments(store: Store, pages, coder, coder_id: str, run_id: str, *, replace: bool,
                   sentiment_model, progress: Progress | None, timings: dict[str, float] | None = None,
                   workers: int | None = 1, helpers=None,
                   unread: dict[str, int] | None = None) -> tuple[int, int]:
    """Code every page of segments (themes and sentiment) and store the results; return how many, and how many
    processes coded them.

    A passage that looks not to be in English, or has no word at all (:func:`evalnlp.language.readable`), is
    stored as coded with no theme (its scores kept) and with no sentiment: the coders read English only, and
    what they make of Welsh or of an emoji is no finding. ``unread`` counts them by kind.

    ``pages`` are Arrow tables (seg_id, text, ...). The store's work (fetching the next page, writing the codes
    of the last one) runs in a second thread while this one codes, so reading, coding and writing overlap;
    DuckDB does its part without holding the GIL, and the codes go to it as Arrow tables, with no Python object
    per row. Only that thread touches the store until the pages are done. The time of each stage is added to
    ``timings``.

    ``helpers`` (:class:`~evalnlp.coding.workers.Helpers`, or None for this process alone) are helper processes
    that load the same models and share the pages' slices out (:mod:`evalnlp.coding.workers`). They are started
    here unless started already: at once when the user asked for ``workers``, else (``workers`` None) once
    :data:`~evalnlp.coding.workers.PARALLEL_MIN` passages are fetched. The codes do not depend on them. The
    caller closes them.
    """
    import time
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pyarrow as pa

    from evalnlp.coding.base import decide
    from evalnlp.coding.workers import PARALLEL_MIN, code_slice, one_blas_thread, worth_helpers
    from evalnlp.language import ENGLISH, readable

    timings = timings if timings is not None else {}
    themes = pa.array(list(coder.classes_), type=pa.string())
    k = len(themes)
    sentiment_id = sentiment_model.coder_id() if sentiment_model is not None else None
    sentiment_labels = (pa.array([str(c) for c in sentiment_model.classes_], type=pa.string())
                        if sentiment_model is not None else None)
    def add(stage: str, since: float) -> float:
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - since
        return now

    def fetch(it):
        t0 = time.perf_counter()
        chunk = next(it, None)
        add("fetch segments", t0)
        return chunk

    def write(codes, sent, unread_rows) -> None:
        t0 = time.perf_counter()
        store.replace_codes(codes, coder_id, run_id, replace=replace)
        if unread_rows is not None:
            store.replace_unread(unread_rows, coder_id, run_id)
        if sent is not None:
            store.replace_sentiment(sent, sentiment_id, run_id, replace=replace)
        add("write codes and sentiment", t0)

    def local(part: list[str]):
        def clock(stage: str) -> None:
            t = clock.t
            clock.t = add(stage, t)
        clock.t = time.perf_counter()
        return code_slice(coder, sentiment_model, part, clock=clock)

    n = 0
    seen = 0
    used = 1
    it = iter(pages)
    with ExitStack() as stack:
        io = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="evalnlp-store"))
        if worth_helpers(coder, sentiment_model):  # not for torch, which has its own threads
            stack.enter_context(one_blas_thread())
        upcoming = io.submit(fetch, it)
        written = None
        while True:
            t0 = time.perf_counter()
            chunk = upcoming.result()
            t0 = add("wait for the store", t0)
            if chunk is None:
                break
            upcoming = io.submit(fetch, it)  # the next page is read while this one is coded
            seen += len(chunk)
            pool = helpers.pool if helpers is not None else None
            if helpers is not None and pool is None and (workers is not None or seen >= PARALLEL_MIN):
                pool = helpers.start()
                t0 = add("start coding processes", t0)
            texts = chunk.column("text").to_pylist()
            seg_ids = chunk.column("seg_id")
            t0 = add("prepare texts", t0)
            # Themes and sentiment go through the page a slice at a time: the features of one slice are in
            # memory at once, and both models embed the slice once (code_slice). With helper processes the
            # slices are shared out; a slice's scores depend on its own passages alone.
            slices = [texts[first:first + CODING_SLICE] for first in range(0, len(texts), CODING_SLICE)]
            if pool is not None and pool.size:
                before = {s: timings.get(s, 0.0) for s in ("themes", "sentiment")}
                results = pool.map(slices, local)
                if pool.helped:
                    used = max(used, 1 + pool.ready)
                here = sum(timings.get(s, 0.0) - before[s] for s in before)
                t0 = add("wait for coding processes", t0 + here)
            else:
                results = [local(part) for part in slices]
                t0 = time.perf_counter()
            scores = np.vstack([r[0] for r in results])
            assigned = decide(scores, coder.thresholds_, multi_label=coder.multi_label_,
                              require_theme=coder.require_theme_).astype(bool)
            kinds = np.asarray(readable(texts), dtype=object)
            unreadable = kinds != ENGLISH
            assigned[unreadable] = False  # not even a theme the codebook requires: the coder cannot read them
            if unread is not None:
                for kind in kinds[unreadable]:
                    unread[kind] = unread.get(kind, 0) + 1
            unread_rows = None
            if unreadable.any():  # recorded per passage: a share is of the documents the coders could read
                at = pa.array(np.flatnonzero(unreadable))
                unread_rows = pa.table({"seg_id": seg_ids.take(at),
                                        "kind": pa.array(kinds[unreadable].tolist(), type=pa.string())})
            top = np.zeros_like(assigned)
            top[np.arange(len(scores)), scores.argmax(axis=1)] = True  # every coded passage keeps one row
            keep = np.flatnonzero((assigned | top | (scores >= SCORE_FLOOR)).ravel())
            codes = pa.table({
                "seg_id": seg_ids.take(pa.array(keep // k)),
                "theme": themes.take(pa.array(keep % k)),
                "score": pa.array(scores.round(6).ravel()[keep]),
                "assigned": pa.array(assigned.ravel()[keep]),
            })
            t0 = add("themes", t0)
            sent = None
            if sentiment_model is not None:
                proba = np.vstack([r[1] for r in results])
                best = proba.argmax(axis=1)
                sent = pa.table({"seg_id": seg_ids, "label": sentiment_labels.take(pa.array(best)),
                                 "score": pa.array(proba[np.arange(len(best)), best].round(6))})
                if unreadable.any():
                    sent = sent.filter(pa.array(~unreadable))
                t0 = add("sentiment", t0)
            if written is not None:
                written.result()  # the previous page's codes are in (or its error is raised here)
                t0 = add("wait for the store", t0)
            written = io.submit(write, codes, sent, unread_rows)
            n += len(texts)
            if progress:
                progress(len(texts))
        if written is not None:
            t0 = time.perf_counter()
            written.result()
            add("wait for the store", t0)
    return n, used


def classify(store: Store, paths: Sequence[str | Path] = (), *, codebook: str | Path | None = None,
             model: str | Path | None = None, output: str | Path | None = None, text: Sequence[str] = (),
             id: str | None = None, meta: Sequence[str] | None = None, unit: str = "response",
             sheet: str | None = None, recode: bool = False, sentiment: bool = True, batch_size: int = 100_000,
             progress: Progress | None = None, sentiment_model: str | Path | None = None,
             workers: int | None = None, replace: bool = False, drop_human_codes: bool = False,
             question: Sequence[str] = ()) -> ClassifyResult:
    """Code passages into the codebook's themes (and sentiment), storing the codes.

    ``codebook`` is a shipped id (``impact``, ``fft``) or a YAML path; left out, it is ``impact`` (or the codebook
    of ``model``), not the codebook the store was coded with before, so give it each time for another codebook.

    ``sentiment_model`` names the sentiment model (a shipped name, ``sentiment`` or ``sentiment-accurate``, or a
    directory); by default the shipped ``sentiment``.

    ``workers`` is how many processes code the passages: 1 codes in this process alone; n > 1 starts n - 1
    helper processes that load the same models and share each page out. By default (None) helpers start only
    when there are at least 100,000 passages to code, one process per core up to 2, and never for the
    fine-tuned transformer models (torch spreads those over the cores itself). The codes are the same whatever
    it is.

    With ``paths`` the files are ingested first and only their passages are coded; without, every segment
    this coder has not coded yet (all of them with ``recode``). ``replace`` and ``drop_human_codes`` are
    :func:`ingest`'s: each file takes the place of the earlier export of its name, and so is ``question``, the question
    each ``text`` column's answers are stored under. ``output`` writes one row per document: the
    input's columns, then ``themes`` (ids joined by ";"), one ``score_<theme>`` column per theme and
    ``sentiment``, each as ``evalnlp_<name>`` where an input column has its name (:func:`coded_documents`).
    """
    import time

    from evalnlp.coding import load_coder, loaded_coder_id
    from evalnlp.coding.keyword import matching_of

    text, meta = _names(text, "text") or [], _names(meta, "meta")
    question = _names(question, "question") or []
    id = _id_column(id)
    paths = _paths(paths)
    replace, drop_human_codes = _flag(replace, "replace"), _flag(drop_human_codes, "drop_human_codes")
    recode, sentiment = _flag(recode, "recode"), _flag(sentiment, "sentiment")
    if question and not paths:
        raise errors.error("E149", "files_only", given="question")
    if (replace or drop_human_codes) and not paths:
        raise errors.error("E149", "files_only", given="replace" if not drop_human_codes else "drop_human_codes")
    if drop_human_codes and not replace:
        raise errors.error("E149", "drop_alone")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise errors.error("E149", "workers", value=workers)
    if output is not None:  # before any work: E162 for a missing folder, E177 an input or a file the store read
        from evalnlp.util import check_output_path

        check_output_path(output)
        if paths:
            _check_output_is_not_an_input(output, paths)
        _guard_output(store, output)
    timings: dict[str, float] = {}
    before = None  # the store's codebook, when the default is taken: said below if it is another
    if codebook is None and model is None:
        try:
            before = project_codebook(store).id
        except errors.StoreError:  # nothing coded yet
            pass
    codebook = _stored_codebook_ref(store, codebook)
    helpers = _helpers(paths, workers, codebook=codebook, model=model, sentiment=sentiment,
                       sentiment_model=sentiment_model)
    staged: Path | None = None
    try:  # the helpers end with the command, however it ends
        t0 = time.perf_counter()
        coder, cb, card = load_coder(codebook, model)
        coder_id = loaded_coder_id(coder, card)
        sentiment_coder = None
        if sentiment:
            from evalnlp.coding.sentiment import load_sentiment_model

            sentiment_coder = load_sentiment_model(sentiment_model)
        timings["load models"] = time.perf_counter() - t0
        helpers = _helpers_checked(helpers, workers, coder, coder_id, sentiment_coder)
        args = {"files": [str(p) for p in paths], "codebook": _codebook_ref(cb),
                "model": str(model) if model else None, "coder": coder_id, "text": list(text), "unit": unit,
                "recode": recode, "output": str(output) if output else None, "id": id,
                "meta": list(meta) if meta is not None else None, "sheet": sheet}
        if paths:
            args.update(replace=replace, drop_human_codes=drop_human_codes)
        if question:
            args["question"] = list(question)
        if sentiment_model is not None:
            args["sentiment_model"] = str(sentiment_model)
        model_sha = card.get("model_sha256") if card else getattr(coder, "encoder_sha256_", None)
        reading = output is not None and bool(paths)  # the output file holds the rows this command reads
        ingested = None
        notes: list[str] = []
        # the output file is written beside its place and put there once the run is committed: a command that
        # fails or is interrupted before that leaves the user's file as it was, as it leaves the store
        staged = _staged_path(output) if output is not None else None
        with _reading_documents(store, reading), \
                recorded_run(store, "classify", args, codebook_id=cb.id, codebook_sha256=cb.sha256,
                             model_sha256=model_sha, versions={"keyword_matching": matching_of(coder)}) as run:
            run_id = run.id
            sources = None
            if paths:
                opts = IngestOptions(text=tuple(text), id=id, meta=tuple(meta) if meta is not None else None,
                                     unit=unit, sheet=sheet, replace=replace, drop_human_codes=drop_human_codes,
                                     question=tuple(question))
                t0 = time.perf_counter()
                ingested = ingest_paths(store, paths, opts, run_id, None)
                sources = [f.source for f in ingested.files]
                timings["read and store documents"] = time.perf_counter() - t0
            pages = store.segments_to_code(coder_id, recode=recode, page=batch_size, arrow=True, sources=sources)
            unread: dict[str, int] = {}
            try:
                n_coded, processes = _code_segments(store, pages, coder, coder_id, run_id, replace=recode,
                                                    sentiment_model=sentiment_coder, progress=progress,
                                                    timings=timings, workers=workers, helpers=helpers,
                                                    unread=unread)
            finally:
                if helpers is not None:
                    notes += [f"{why}; this process coded its share instead" for why in helpers.close()]
            if ingested is not None:
                run.counts(n_in=ingested.n_in, n_ok=ingested.n_ok, n_rejected=ingested.n_rejected)
                run.more_args = {"per_file": _per_file(ingested)}
            else:
                run.counts(n_in=n_coded, n_ok=n_coded, n_rejected=0)
            if unread:
                run.more_args = {**(run.more_args or {}), "not_english": unread.get("not_english", 0),
                                 "no_words": unread.get("no_words", 0)}
            out_path, n_written = None, []
            if output is not None:
                t0 = time.perf_counter()
                columns = ([c for f in ingested.files for c in f.columns] if ingested is not None
                           else store.input_columns())
                nul, n_written, names = [0], [], []
                try:
                    _write_coded(store, cb, coder_id, staged, sources=sources, columns=columns,
                                 page=batch_size, read=reading, nul=nul, rows=n_written, names=names)
                except errors.EvalnlpError as exc:  # (a message names the output, not where it is staged)
                    fields = {k: (str(output) if v == str(staged) else v) for k, v in exc.fields.items()}
                    if exc.template is None or fields == exc.fields:
                        raise
                    raise type(exc)(exc.code, template=exc.template, fields=fields) from None
                out_path = Path(output)
                moved = _moved_columns(cb, names)
                if moved:  # the input's own 'themes' keeps its name: say where evalnlp's went, lest it be read as ours
                    one = len(moved) == 1
                    notes.append(errors.Note(
                        f"{out_path.name}: the input has {'a ' if one else ''}column{'' if one else 's'} named "
                        f"{_and_list([o for o, _ in moved])} of its own, which keep{'s' if one else ''} "
                        f"{'its' if one else 'their'} name{'' if one else 's'} and values: evalnlp's "
                        f"{'is' if one else 'are'} written as {_and_list([n for _, n in moved])}", at="end"))
                if nul[0]:
                    notes.append(f"{nul[0]:,} cell{'s' if nul[0] != 1 else ''} held a NUL character (U+0000), which "
                                 f"a text file cannot hold: written to {Path(output).name} without it (.parquet "
                                 "or .jsonl keep it)")
                left = store.documents_not_in_output(coder_id, sources=sources, read=reading) if reading else 0
                if left:
                    notes.append(errors.Note(
                        "{documents} read {are} not in {output}: {hold} no passage to code (a sources list's "
                        "entries and its heading are stored for the testimonials' markers, a letter's letterhead, "
                        "address, salutation and signature for its testimonials' speaker, and neither is coded; "
                        "`{extract}` shows them)", fields={"documents": f"{left:,} document{'s' if left != 1 else ''}",
                                               "are": "are" if left != 1 else "is", "output": Path(output).name,
                                               "hold": "they hold" if left != 1 else "it holds",
                                               "extract": errors.Call("extract")}))
                timings["write output file"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            counts = store.theme_counts(coder_id, run_id)
            n_no_theme = store.no_theme_count(coder_id, run_id)
            sent_counts = store.sentiment_counts(run_id)
        if staged is not None and staged.exists():  # committed: the output takes its place
            from evalnlp.util import place_file, write_failed

            try:
                place_file(staged, output)
            except OSError as exc:  # (the staged file is removed below; the run's codes stay committed)
                _raise_saved(write_failed(output, exc), "this run's codes", "are", run_id)
    finally:
        if helpers is not None:
            helpers.close()  # when loading, reading or coding failed (after coding they are closed already)
        if staged is not None:  # a run that did not commit leaves no output behind (nor a staged file)
            staged.unlink(missing_ok=True)
    timings["count and commit"] = time.perf_counter() - t0
    labels = {t.id: t.label for t in cb.themes}
    themes = pd.DataFrame({"theme": cb.theme_ids, "label": [labels[t] for t in cb.theme_ids]})
    themes = themes.merge(counts, on="theme", how="left").fillna({"passages": 0})
    themes["passages"] = themes["passages"].astype(int)
    # of the passages the coders could read: those they could not (not in English, no word) have no theme to share
    n_read = n_coded - unread.get("not_english", 0) - unread.get("no_words", 0)
    themes["share"] = themes["passages"] / n_read if n_read > 0 else 0.0
    if before is not None and before != cb.id:
        notes.append(errors.Note(
            "coded with codebook {used!r}, the default when none is given, while this store was coded with "
            "{before!r} before; evidence, quotes and report now read {used!r} (the latest coding run's). To code with "
            "{before!r}, give {option}", "warning", fields={"used": cb.id, "before": before,
                                                           "option": errors.Option("codebook", before)}))
    if n_coded == 0 and ingested is not None and ingested.n_ok == 0:
        pass  # every row read was rejected: the ingest's notes say so, and nothing was coded before
    elif n_coded == 0 and not paths and store.count("segments") == 0:  # a new store: none is "already coded"
        notes.append(errors.Note("nothing to code: the store holds no passages; read files into it first (`{ingest}`), "
                                 "or give classify the files to read", "show", at="end",
                                 fields={"ingest": errors.Call("ingest", "paths=FILE", "text=COLUMN")}))
    elif out_path is None and n_coded == 0:  # (the command line says it after its table, also with --quiet)
        notes.append(errors.Note("nothing new to code: every passage is already coded by this coder (use "
                                 "{recode!o:True})", "show", at="end", fields={}))
    elif n_coded == 0 and sum(n_written):  # the table's zeros are this run's; the file has the codes given before
        notes.append(errors.Note("nothing new to code: every passage is already coded by this coder; {output} holds "
                                 "the codes it gave them before (use {recode!o:True} to code them again)", "show",
                                 at="end", fields={"output": Path(out_path).name}))
    n_not_english, n_no_words = unread.get("not_english", 0), unread.get("no_words", 0)
    if n_not_english or n_no_words:
        notes.append(errors.Note(_unread_note(n_not_english, n_no_words, cb.id), at="end"))
    if ingested is not None:
        _with_notes(ingested)
    errors.issue(notes + (ingested.notes if ingested is not None else []))
    return ClassifyResult(run_id=run_id, coder=coder_id, codebook_id=cb.id, n_coded=n_coded,
                          themes=missing_as_none(themes), sentiment=missing_as_none(sent_counts), ingest=ingested, output=out_path, n_no_theme=n_no_theme,
                          timings=timings, processes=processes, notes=notes, n_not_english=n_not_english,
                          n_no_words=n_no_words)


def _unread_note(n_not_english: int, n_no_words: int, codebook_id: str) -> str:
    """What classify says of the passages it could not read: how many, why, and what they were given."""
    parts = []
    if n_not_english:
        parts.append(f"{n_not_english:,} passage{'s' if n_not_english != 1 else ''} look{'s' if n_not_english == 1 else ''} "
                     "not to be in English (a third of their words or fewer are common English words: Welsh, "
                     "Polish, Urdu ...)")
    if n_no_words:
        parts.append(f"{n_no_words:,} passage{'s' if n_no_words != 1 else ''} {'have' if n_no_words != 1 else 'has'} "
                     "no word to read (an emoji, a number or a date, such as a figure alone in a table's cell, "
                     "or a single letter)")
    both = n_not_english + n_no_words
    return (" and ".join(parts) + f": the coders read English only, so {'these are' if both != 1 else 'it is'} "
            f"coded with no theme of {codebook_id} and no sentiment, counted among the passages with no theme and "
            "left out of the themes' shares; read them yourself (they are the rows with empty themes and sentiment "
            "in an output file)")


def _staged_path(output: str | Path) -> Path:
    """Where an output file is written before its command commits: a hidden name in the output's folder, with
    the output's suffix (which says its format)."""
    import uuid

    target = Path(output)
    return target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.staged{target.suffix}")


def _helpers(paths: Sequence[str | Path], workers: int | None, *, codebook, model, sentiment: bool,
             sentiment_model):
    """The helper processes ``classify`` may start (None: it codes alone), called before it loads its models.

    They start at once when the user asked for them, or when the shipped fast models are to code input files
    large enough to be worth it (:data:`~evalnlp.coding.workers.EARLY_BYTES`), so that they load their models
    while this process loads its own and reads the files; else only once enough passages are fetched. Call
    :func:`_helpers_checked` once the models are loaded."""
    from evalnlp.coding.workers import EARLY_BYTES, Helpers, default_processes

    processes = default_processes() if workers is None else workers
    if processes < 2:
        return None
    spec = {"codebook": codebook, "model": model, "sentiment": sentiment, "sentiment_model": sentiment_model}
    helpers = Helpers(processes, spec)
    fast_defaults = model is None and sentiment_model is None
    if workers is not None or (fast_defaults and paths and _input_bytes(paths) >= EARLY_BYTES):
        helpers.start()
    return helpers


def _helpers_checked(helpers, workers: int | None, coder, coder_id: str, sentiment_coder):
    """``helpers`` once this process's models are loaded: told their ids, or closed (None) when the user did not
    ask for them and the models spread their work over the cores themselves."""
    from evalnlp.coding.workers import worth_helpers

    if helpers is None:
        return None
    if workers is None and not worth_helpers(coder, sentiment_coder):
        helpers.close()
        return None
    helpers.expect(coder_id, sentiment_coder.coder_id() if sentiment_coder is not None else None)
    return helpers


def _input_bytes(paths: Sequence[str | Path]) -> int:
    """How many bytes the input files hold (0 for those that cannot be listed: ingest reports them)."""
    from evalnlp.ingest import expand_inputs

    try:
        files = expand_inputs(paths)
    except EvalnlpError:
        return 0
    total = 0
    for path in files:
        try:
            total += path.stat().st_size
        except OSError:
            pass
    return total


@contextmanager
def _reading_documents(store: Store, on: bool) -> Iterator[None]:
    """With ``on``, the store remembers the documents read meanwhile (:meth:`Store.read_documents_begin`)."""
    if not on:
        yield
        return
    store.read_documents_begin()
    try:
        yield
    finally:
        store.read_documents_end()


def _guard_codebook_output(cb, output: str | Path) -> None:
    """E177 when ``output`` is the file the codebook ``cb`` was read from: a draft written there would replace
    the codebook itself (and the id the store's codes were recorded under)."""
    source = getattr(cb, "path", "") or ""
    if not source:
        return
    target = Path(output)
    try:
        same = target.exists() and os.path.samefile(target, source)
    except OSError:
        same = False
    if same or target.resolve() == Path(source).resolve():
        raise errors.error("E177", "codebook", output=str(output), codebook_id=cb.id, path=str(source),
                           suggest=str(target.with_name(f"{target.stem}-draft{target.suffix}")))


def _guard_draft_target(store: Store, path: str | Path) -> None:
    """E148 when a file is at ``path`` that is not an earlier draft of ``discover --suggest``, or is a draft the
    store has coded with: a codebook, a claims file or anything else there is the user's, and would be lost."""
    from evalnlp.reports.discovery import is_draft
    from evalnlp.util import refuse_open_store

    target = Path(path)
    if not target.exists():
        return
    refuse_open_store(target, "a draft codebook to write")  # E414, before its first line is read
    if not is_draft(target):
        raise errors.error("E148", "suggest", suggest=str(path), what="not a draft evalnlp wrote")
    used = {Path(ref).resolve() for ref in store.codebook_refs() if ref and ref.endswith((".yaml", ".yml"))}
    if target.resolve() in used:
        raise errors.error("E148", "suggest", suggest=str(path), what="a codebook this store has coded with")


def _guard_output(store: Store | None, output: str | Path, *, review: bool = False) -> None:
    """Before any work: E162 when the folder of ``output`` does not exist or ``output`` is a folder, and E177 when
    ``output`` is a file the store read its documents from (an export kept beside the outputs): writing there
    would replace the answers' only copy; or, unless ``review`` (a review export, which checks the workbook's
    decisions itself), a review workbook, which may hold a reviewer's decisions not yet imported."""
    from evalnlp.review import is_review_workbook
    from evalnlp.util import check_output_path

    check_output_path(output)
    if not review and is_review_workbook(output):
        target = Path(output)
        raise errors.error("E177", "review", output=str(output), review_export=errors.Call("review export"),
                           suggest=str(target.with_name(f"{target.stem}-{_OUTPUT_SUFFIX}{target.suffix}")))
    found = store.input_at(output) if store is not None else None
    target = Path(output)
    suggest = str(target.with_name(f"{target.stem}-{_OUTPUT_SUFFIX}{target.suffix}"))
    if found is not None and Path(found[1]).suffix.lower() in (".qdpx", ".qde"):  # a project, not answers
        raise errors.error("E177", "imported", output=str(output), path=found[1], suggest=suggest)
    if found is not None:
        raise errors.error("E177", "read", output=str(output), name=found[0], path=found[1], suggest=suggest)
    coded = store.file_read_at(output) if store is not None else None  # a coder's copy (codes import --source)
    if coded is not None:
        raise errors.error("E177", "coded", output=str(output), name=coded[0], path=coded[1], suggest=suggest)


#: What :func:`_guard_output` suggests adding to a refused output's name.
_OUTPUT_SUFFIX = "evalnlp"


def _check_output_is_not_an_input(output: str | Path, paths: Sequence[str | Path]) -> None:
    """E177 when ``output`` is one of the files ``paths`` stand for (the same path, or a link to the same file):
    the output would replace the user's input."""
    import os

    from evalnlp.ingest import expand_inputs

    target = Path(output)
    for path in expand_inputs(paths):
        same = path.resolve() == target.resolve()
        if not same and path.exists() and target.exists():
            same = os.path.samefile(path, target)
        if same:
            raise errors.error("E177", "input", output=str(output), path=str(path),
                               suggest=str(target.with_name(f"{target.stem}-coded{target.suffix}")))


def _write_coded(store: Store, cb, coder_id: str, output: str | Path, *, sources: list[str] | None,
                 columns: Sequence[str] | None, page: int, read: bool = False, nul: list[int] | None = None,
                 rows: list[int] | None = None, names: list[str] | None = None) -> Path:
    """``classify --output``: the rows of :func:`coded_documents` (of the documents this command read with
    ``read``, else of ``sources``, or every document the coder coded), written one page of ``page`` documents at
    a time for CSV, TSV, JSONL and Parquet (so memory does not grow with the input), in one piece for a workbook
    or JSON. ``rows`` gets how many rows the file has, ``names`` the file's column names."""
    from evalnlp.tablefile import PAGED_FORMATS, write_table, write_table_pages

    nul = nul if nul is not None else [0]
    plan = store.output_plan(coder_id, sources=sources, read=read)
    if rows is not None:
        rows.append(plan.n)
    pages = _coded_pages(store, cb, coder_id, plan, sources=sources, columns=columns, page=page, read=read)
    if names is not None:
        pages = _noting_names(pages, names)
    if Path(output).suffix.lower() in (".csv", ".tsv"):
        pages = (_without_nul(_typed_cells_as_text(frame), nul) for frame in pages)
    if plan.n <= page or Path(output).suffix.lower() not in PAGED_FORMATS:
        return write_table(pd.concat(list(pages), ignore_index=True), output)
    return write_table_pages(pages, output)


def _noting_names(pages: Iterator[pd.DataFrame], names: list[str]) -> Iterator[pd.DataFrame]:
    """``pages`` as they are, the first one's column names put in ``names`` (every page has the same)."""
    for frame in pages:
        if not names:
            names.extend(str(c) for c in frame.columns)
        yield frame


def _and_list(names: Sequence[str]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _moved_columns(cb, names: Sequence[str]) -> list[tuple[str, str]]:
    """``(evalnlp's column, the name it is written under)`` for each of evalnlp's columns that the output file
    ``names`` (its input columns, then evalnlp's) holds under another name, as an input column has its name."""
    from evalnlp.columns import OUTPUT_COLUMNS, SCORE_PREFIX

    ours = list(OUTPUT_COLUMNS) + [SCORE_PREFIX + t for t in cb.theme_ids] + ["sentiment"]
    if len(names) < len(ours):
        return []
    return [(o, n) for o, n in zip(ours, names[len(names) - len(ours):]) if o != n]


def _without_nul(frame: pd.DataFrame, counted: list[int]) -> pd.DataFrame:
    """``frame`` with the NUL characters (U+0000) of its text cells left out, counted in ``counted[0]``: a text
    file cannot hold one (evalnlp's own reader, like most programs, takes a file with a zero byte for binary),
    and a Parquet or JSON input can give one."""
    for name, column in frame.items():
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            try:
                has = column.str.contains("\x00", regex=False, na=False).astype(bool)
            except AttributeError:  # no text in the column
                continue
            if has.any():
                counted[0] += int(has.sum())
                frame[name] = column.where(~has, column[has].str.replace("\x00", "", regex=False))
    return frame


def _typed_cells_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the numbers and flags of its text columns (stored attributes a QDA program typed) as the text
    evalnlp reads such values as (a number's digits, never ``1e+16``; ``true``, not Python's ``True``): what a
    CSV file holds of them."""
    from evalnlp.ingest._cells import cell_to_str

    for name, column in frame.items():
        if column.dtype == object and not all(v is None or type(v) is str for v in column):
            frame[name] = pd.Series([cell_to_str(v) for v in column], index=frame.index, dtype=object)
    return frame


def coded_documents(store: Store, cb, coder_id: str, *, sources: list[str] | None = None,
                    columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per document coded by ``coder_id`` (of ``sources``, when given): the input row's columns, then
    evalnlp's ``source``, ``locator``, ``question``, ``text``, ``themes``, ``score_<theme>`` and ``sentiment``.

    The input columns are the document's stored metadata and its row's text columns, each under its own
    name with its own values (a row with several text columns gives one document per column; each of them
    carries the row's other answers too). They come in the order of ``columns`` (the input files' column
    names) where given, then in the order they are first found. An evalnlp column whose name an input column
    has is written as ``evalnlp_<name>`` (see :mod:`evalnlp.columns`).

    A document coded by several segments (sentences, testimonials) gets every theme any of them got, the
    highest score per theme, and ``mixed`` sentiment when its segments disagree between positive and negative,
    else the label most of its segments have (a tie goes to mixed, then negative, then positive, then neutral).
    """
    plan = store.output_plan(coder_id, sources=sources)
    pages = _coded_pages(store, cb, coder_id, plan, sources=sources, columns=columns, page=max(plan.n, 1))
    return pd.concat(list(pages), ignore_index=True)


def _coded_pages(store: Store, cb, coder_id: str, plan, *, sources: list[str] | None,
                 columns: Sequence[str] | None, page: int, read: bool = False) -> Iterator[pd.DataFrame]:
    """The pages of :func:`coded_documents`, each with the same columns (at least one page, empty when no
    document was coded)."""
    from evalnlp.columns import OUTPUT_COLUMNS, SCORE_PREFIX, beside_input

    ours = list(OUTPUT_COLUMNS) + [SCORE_PREFIX + t for t in cb.theme_ids] + ["sentiment"]
    # With ``read``, a tabular row's input columns are its cells as this command read them (Store.remember_rows):
    # every column of its file, whatever was stored as metadata, and each answer, rejected or not.
    kept = store.row_columns() if read else {}
    # when every source read kept its rows' cells, the store need not look up attributes and sibling answers,
    # and the input columns are the files' own (not also names an earlier read stored as metadata)
    stored_inputs = not kept or sources is None or not set(sources) <= set(kept)
    found = list(dict.fromkeys(([k for k, _ in plan.attrs] + list(plan.questions) if stored_inputs else [])
                               + [c for names in kept.values() for c in names]))
    order = [c for c in dict.fromkeys(columns or []) if c in found]
    order += [c for c in found if c not in order]
    if plan.n == 0:
        yield beside_input(pd.DataFrame(columns=list(dict.fromkeys(columns or []))), pd.DataFrame(columns=ours))
        return
    for raw in store.output_pages(coder_id, cb.theme_ids, plan, sources=sources, read=read, page=page,
                                  stored_inputs=stored_inputs):
        if kept:
            cells = store.row_cells(raw["source"], raw["_rn"], runs=raw["question"])
            inputs = _with_row_cells(raw, cells, kept, order, plan)
        else:
            inputs = _input_columns(raw, plan, order)
        yield beside_input(inputs, raw[ours])


def _with_row_cells(raw: pd.DataFrame, cells: pd.DataFrame, kept: dict[str, list[str]], order: list[str],
                    plan) -> pd.DataFrame:
    """The input columns ``order`` of a page: for a row whose cells were kept (:meth:`Store.row_cells`), its
    cells (None where its file has no such column); rows of other sources (narrative files) take what the store
    gave them (:func:`_input_columns`)."""
    kept_rows = raw["source"].isin(list(kept)).to_numpy(dtype=bool)  # (all of them without stored inputs)
    out = (_input_columns(raw, plan, order) if not kept_rows.all()
           else pd.DataFrame(index=raw.index, columns=order, dtype=object))
    for name in order:
        with_column = [source for source, names in kept.items() if name in names]
        has = raw["source"].isin(with_column).to_numpy(dtype=bool)
        column = out[name].astype(object).to_numpy(copy=True)
        column[kept_rows] = None
        if has.any():
            column[has] = cells[name].to_numpy(dtype=object)[has]
        out[name] = column
    return out


def _input_columns(raw: pd.DataFrame, plan, order: list[str]) -> pd.DataFrame:
    """The input columns ``order`` of a page of :meth:`Store.output_pages`: a question's column is the text
    the row gave it, an attribute's its value; a name that is a text column in one file and metadata in
    another takes the text where there is one. Missing values are None."""
    import json

    questions = {q: i for i, q in enumerate(plan.questions)}
    attrs = {k: (i, plain) for i, (k, plain) in enumerate(plan.attrs)}
    out = {}
    for name in order:
        value = None
        if name in questions:
            own = raw["question"] == name
            value = raw["text"].astype(object).where(own)
            if len(questions) > 1:  # the row's answer to another text column: a sibling document's text
                value = value.where(own, raw[f"_q{questions[name]}"].astype(object))
        if name in attrs:
            i, plain = attrs[name]
            attr = raw[f"_a{i}"].astype(object)
            if not plain:  # numbers, booleans, lists as their JSON values (not all turned to floats)
                attr = pd.Series([json.loads(v) if isinstance(v, str) else None for v in attr], index=raw.index,
                                 dtype=object)
            value = attr if value is None else value.where(value.notna(), attr)
        if value is None:  # a column only the rows' kept cells have (see _with_row_cells)
            value = pd.Series(None, index=raw.index, dtype=object)
        out[name] = value.where(value.notna(), None)
    return pd.DataFrame(out, index=raw.index, columns=order)


@dataclass
class LabelledData:
    texts: list[str]
    Y: Any  # (n, k) 0/1 array in codebook theme order
    theme_ids: list[str]
    n_rows: int
    n_skipped: int  # rows with empty text or unreadable (ragged) rows
    sha256: str
    #: the themes the file codes (indexes into theme_ids): every theme for a labels column, the given columns for
    #: ``--labels`` (a theme without a column was not coded: its zeros in ``Y`` say nothing)
    decided: list[int] = field(default_factory=list)


_TRUE = {"1", "1.0", "true", "yes", "y", "x"}
_FALSE = {"", "0", "0.0", "false", "no", "n", "none", "nan"}


def read_labelled(path: str | Path, cb, *, text: str, labels: Sequence[str] | None = None,
                  labels_column: str | None = None, sep: str = ";", sheet: str | None = None) -> LabelledData:
    """Read a human-coded file: one 0/1 column per theme (``labels``) or one column of theme ids joined by
    ``sep`` (``labels_column``). Column names and ids may be theme ids, labels or aliases."""
    import numpy as np

    from evalnlp.ingest.readers import open_tabular

    labels = _names(labels)
    check_label_options(labels, labels_column, text=text, sep=sep)
    wanted = [text] + (list(labels) if labels else [labels_column])
    src = open_tabular(Path(path), sheet=sheet, wanted=wanted)
    _check_columns(Path(path).name, src.columns, wanted, src=src, sheet_given=sheet is not None)
    frames, where, n_rows = [], [], 0
    for batch in src.batches():
        frames.append(batch.frame[wanted])
        where.extend(batch.locators)
        n_rows += batch.n_rows
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=wanted)
    from evalnlp.ingest import no_answer

    blank, marks = no_answer(frame[text]) if len(frame) else (np.zeros(0, bool), np.zeros(0, bool))
    keep = ~(np.asarray(blank) | np.asarray(marks))  # as ingest: "-" or "?" is no answer to learn from
    frame = frame[keep].reset_index(drop=True)
    where = [w for w, k in zip(where, keep) if k]
    Y = label_matrix(frame, cb, labels=labels, labels_column=labels_column, sep=sep, where=where,
                     source=Path(path).name)
    digest = file_sha256(path)
    decided = (sorted({cb.theme_ids.index(cb.label_to_id(c)) for c in labels}) if labels
               else list(range(len(cb.theme_ids))))
    return LabelledData(texts=frame[text].astype(str).tolist(), Y=Y, theme_ids=cb.theme_ids, n_rows=n_rows,
                        n_skipped=n_rows - len(frame), sha256=digest, decided=decided)


def check_label_options(labels: Sequence[str] | None, labels_column: str | None, *, text: str | None = None,
                        sep: str | None = None) -> None:
    """Exactly one of the two shapes of human codes must be given (E135); a labels column needs a separator
    that is not empty, and neither shape may be the text column (E149)."""

    if bool(labels) == bool(labels_column):
        raise errors.error("E135")
    if labels_column and sep is not None and not sep:
        raise errors.error("E149", "sep")
    if text is not None and (text == labels_column or text in (labels or ())):
        raise errors.error("E149", "text_is_labels", column=text)


def _check_columns(source: str, columns: Sequence[str], wanted: Sequence[str], *, src: Any = None,
                   sheet_given: bool = False) -> None:

    for col in wanted:
        if col not in columns:
            if src is not None:  # an XLSX says which sheet was read and which others have the column
                from evalnlp.ingest import missing_column

                raise missing_column(src, col, sheet_given=sheet_given)
            raise errors.error("E132", "labels", source=source, col=col, listed=', '.join(repr(c) for c in columns),
                               hint=did_you_mean(col, columns, cutoff=0.5))


def label_matrix(frame: pd.DataFrame, cb, *, labels: Sequence[str] | None = None, labels_column: str | None = None,
                 sep: str = ";", where: Sequence[str] | None = None, source: str = "the file"):
    """The human codes in ``frame`` as an (n, k) 0/1 int8 array in codebook theme order.

    ``labels``: one 0/1 (yes/no, true/false, x or blank) column per theme, named by theme id, label or alias;
    ``labels_column``: one column of theme ids, labels or aliases joined by ``sep``. A row with no theme
    gives a row of zeros. ``where`` names each row for messages (``row 12``, ``id=R7``).

    Raises :class:`CodebookError` E221 naming every theme name that is not in the codebook (with the rows
    where it occurs) and listing the valid ids, and :class:`InputError` E136 for a 0/1 cell holding
    something else.
    """
    import numpy as np

    from evalnlp.errors import CodebookError

    where = list(where) if where is not None else [f"data row {i + 1}" for i in range(len(frame))]
    ids = cb.theme_ids
    Y = np.zeros((len(frame), len(ids)), dtype=np.int8)
    unknown: dict[str, list[str]] = {}

    def resolve(name: str, place: str) -> int | None:
        try:
            return ids.index(cb.label_to_id(name))
        except CodebookError:
            unknown.setdefault(name, []).append(place)
            return None

    if labels:
        column_of: dict[int, str] = {}
        for col in labels:
            j = resolve(col, "a --labels column")
            if j is not None and j in column_of:
                raise errors.error("E149", "labels_same_theme", first=column_of[j], second=col, theme=ids[j])
            if j is not None:
                column_of[j] = col
            values = frame[col].fillna("").astype(str).str.strip().str.lower()
            bad = ~values.isin(_TRUE | _FALSE)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise errors.error("E136", source=source, col=col, value=values.iloc[i], where=where[i])
            if j is not None:
                Y[:, j] = values.isin(_TRUE).to_numpy()
    else:
        cells = frame[labels_column].fillna("").astype(str).str.split(sep, regex=False)
        long = cells.explode().str.strip()
        long = long[long.notna() & (long != "")]
        for name in long.drop_duplicates():
            rows = np.unique(long.index[(long == name).to_numpy()])
            j = resolve(name, ", ".join(where[i] for i in rows[:3]) + (", ..." if len(rows) > 3 else ""))
            if j is not None:
                Y[rows, j] = 1
    if unknown:

        known = [n for t in cb.themes for n in (t.id, t.label, *t.aliases)]
        found = _other_separator(list(unknown), sep, cb) if labels_column is not None else None
        parts = []
        for name, places in unknown.items():
            hint = did_you_mean(name, known).strip() if found is None else ""  # a list is no misspelling
            parts.append(f"{name!r} in {', '.join(places)}" + (f" ({hint[0].lower()}{hint[1:]})" if hint else ""))
        listed = "; ".join(parts)
        if found is not None:
            raise errors.error("E221", "file_sep", source=source, n_unknown=len(unknown), cb_id=cb.id,
                               listed=listed, found=found, used=sep)
        raise errors.error("E221", "file", source=source, n_unknown=len(unknown), cb_id=cb.id, listed=listed,
                           ids=', '.join(ids))
    return Y


def _other_separator(names: list[str], sep: str, cb) -> str | None:
    """The separator (other than ``sep``) at which every one of ``names`` splits into theme names of ``cb``
    (labels joined by ``|`` read with ``;``), or None."""
    from evalnlp.errors import CodebookError

    def known(part: str) -> bool:
        try:
            cb.label_to_id(part)
            return True
        except CodebookError:
            return False

    for other in ("|", ";", ",", "/", "+", "\n"):
        if other == sep:
            continue
        if all(other in n and all(known(p.strip()) for p in n.split(other) if p.strip()) for n in names):
            return other
    return None


@dataclass
class TrainResult:
    """A trained coder saved to ``out`` (``model.skops`` and its ``card.json``): the ``backend`` used, ``n``
    training passages (``n_skipped`` rows without an answer left out), and its model ``card`` (the cross-validated
    figures, the training data's fingerprints). Load it for ``classify(model=out)`` or ``evaluate(model=out)``.

    >>> result = project.train("models/our-coder", coder="alice")       # doctest: +SKIP
    >>> result.card["cv_metrics"]["macro_f1"]                          # doctest: +SKIP
    """

    out: Path
    backend: str
    n: int
    n_skipped: int
    card: dict = field(repr=False)  # the whole model card (figures, data, fingerprints): long, so not in repr
    replaced: bool = False  # ``out`` held a model before, which this one replaced
    #: what the user should know of the model (themes it cannot learn, optimistic figures), issued as
    #: :class:`EvalnlpWarning`; ``at`` places each among the command's lines (:func:`_train_notes`)
    notes: list[str] = field(default_factory=list)

    @property
    def prior_compared(self) -> bool:
        """Whether the prior alone was graded on the same codes, on enough passages it had not seen to compare."""
        alone, metrics = self.card.get("prior_metrics") or {}, self.card.get("cv_metrics") or {}
        if alone.get("macro_f1") is None or metrics.get("macro_f1") is None:
            return False
        return not (self.card.get("prior_seen") and int(alone.get("n") or 0) < MIN_PRIOR_COMPARISON)


#: The fewest passages the prior had not seen on which ``train`` compares it with the trained coder.
MIN_PRIOR_COMPARISON = 10


def _check_model_folder(out: str | Path) -> bool:
    """Whether ``out`` already holds an evalnlp model (which training then replaces). A folder that holds
    anything else (a ``card.json`` that is not a model card, or files and no card) is refused (E148), so
    training never overwrites a user's own files; a missing or empty folder is fine."""
    import json

    from evalnlp.coding.persist import CARD_FILE

    folder = Path(out)
    if not folder.exists():
        return False
    if not folder.is_dir():
        raise errors.error("E148", "file", out=str(folder))
    card = folder / CARD_FILE
    if card.is_file():
        try:
            doc = json.loads(card.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            doc = None
        if isinstance(doc, dict) and "card_version" in doc and "model_file" in doc:
            return True
        raise errors.error("E148", "card", out=str(folder))
    if any(folder.iterdir()):
        raise errors.error("E148", "files", out=str(folder))
    return False


def train(path: str | Path, *, text: str, out: str | Path, labels: Sequence[str] | None = None,
          labels_column: str | None = None, sep: str = ";", codebook: str | Path = "impact",
          backend: str = "auto", sheet: str | None = None, prior: str | None = None,
          epochs: int | None = None, progress: Progress | None = None) -> TrainResult:
    """Train a theme coder from a human-coded file and save it (skops model + JSON card) to ``out``.

    ``backend="auto"`` picks the ensemble for small samples; for a codebook with a shipped model (``impact``,
    ``fft``) the ensemble then starts from that model (its scores are the prior), so a few hundred coded
    passages adapt it rather than start from nothing. ``prior`` names the prior explicitly: ``"zeroshot"``,
    a shipped model name or a model directory (ensemble backend only). ``backend="finetune"`` fine-tunes a
    small transformer (the ``transformers`` extra; minutes, not seconds) for ``epochs`` passes over the data
    (default 3; finetune only); ``progress`` is then called with the passages each training step read.
    """
    from evalnlp.codebook import load_codebook

    _check_model_folder(out)  # before any work: a folder of the user's own is never written into
    _check_epochs(backend, epochs)
    cb = load_codebook(codebook)
    data = read_labelled(path, cb, text=text, labels=labels, labels_column=labels_column, sep=sep, sheet=sheet)
    if len(data.decided) < len(cb.theme_ids):  # a model learns every theme: one not coded would be learnt as never
        missing = [t for j, t in enumerate(cb.theme_ids) if j not in data.decided]
        raise errors.error("E140", "file", file=Path(path).name, n=len(data.decided), k=len(cb.theme_ids),
                           cb_id=cb.id, missing=", ".join(missing))
    if len(data.texts) < 10:
        raise errors.error("E137", "file", file=Path(path).name, n=len(data.texts))
    return _fit_and_save(cb, data.texts, data.Y, out=out, backend=backend, prior=prior,
                         provenance={"training_data": Path(path).name, "training_data_sha256": data.sha256,
                                     "n_skipped": data.n_skipped}, epochs=epochs, progress=progress)


def _check_epochs(backend: str, epochs: int | None) -> None:
    """``epochs`` is the fine-tuned coder's alone: refused, before any work, with another backend or out of
    range."""
    if epochs is None:
        return
    if backend != "finetune":
        raise errors.error("E138", "epochs", backend=backend, epochs=epochs)
    from evalnlp.coding.base import check_number

    check_number("train", "epochs", epochs, 1, 100, integer=True)


def _fit_and_save(cb, texts: list[str], Y, *, out: str | Path, backend: str, prior: str | None,
                  provenance: dict[str, Any], epochs: int | None = None,
                  progress: Progress | None = None) -> TrainResult:
    """Fit a coder of ``backend`` on ``texts``/``Y`` and save it with its card; ``provenance`` (training_data,
    training_data_sha256, n_skipped and anything else that says where the data came from) goes on the card."""
    from datetime import datetime, timezone

    from evalnlp.coding import choose_backend, default_prior, make_coder
    from evalnlp.coding.persist import save_model
    from evalnlp.util import package_versions, training_passages

    replaced = _check_model_folder(out)
    chosen = choose_backend(backend, len(texts))
    params = {}
    if prior is not None:
        if chosen != "ensemble":
            raise errors.error("E138", "prior", chosen=chosen, prior=prior)
        params["prior"] = prior
    elif backend == "auto" and chosen == "ensemble":
        params["prior"] = default_prior(cb)
    if epochs is not None:
        params["epochs"] = int(epochs)
    fit_options = {"progress": progress} if chosen == "finetune" and progress is not None else {}
    coder = make_coder(chosen, cb, **params).fit(texts, Y, **fit_options)
    # the prior's training passages, read from its card before the folder is written (--out may be the prior's)
    prior_seen = sorted(_prior_passages(coder)) if chosen == "ensemble" else []
    metrics = getattr(coder, "cv_metrics_", None)
    card = {
        "name": f"{chosen}-{cb.id}", "backend": chosen,
        "prior": params.get("prior") or (getattr(coder, "prior", None) if chosen == "ensemble" else None),
        "codebook_id": cb.id, "codebook_sha256": cb.sha256,
        "codebook_ref": _codebook_ref(cb),
        "training_data": provenance["training_data"], "training_data_sha256": provenance["training_data_sha256"],
        "n_train": len(texts), "n_skipped": provenance.get("n_skipped", 0),
        **{k: v for k, v in provenance.items() if k not in ("training_data", "training_data_sha256", "n_skipped")},
        "label_counts": dict(zip(cb.theme_ids, Y.sum(axis=0).tolist())),
        "cv_metrics": metrics, "versions": package_versions(),
        "hard_themes": _hard_themes(cb, Y),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if chosen == "finetune":
        card["epochs"] = int(coder.epochs)
    if hasattr(coder, "prior_metrics_"):
        card["prior_metrics"] = coder.prior_metrics_
        card["prior_seen"] = coder.prior_seen_
    card["training_passages"] = training_passages(texts)
    if prior_seen:
        # what the prior was trained on, kept on this card: evaluate then counts those passages as seen without
        # finding the prior again (its path is relative to where train ran, and the folder may move or be replaced)
        card["prior_training_passages"] = {**training_passages([]), "values": prior_seen}
    saved = save_model(coder, Path(out), card=card)
    result = TrainResult(out=Path(saved), backend=chosen, n=len(texts), n_skipped=card["n_skipped"], card=card,
                         replaced=replaced)
    result.notes = _train_notes(result)
    errors.issue(result.notes)
    return result


def _train_notes(result: TrainResult) -> list[errors.Note]:
    """What ``train`` says of the model besides its figures. ``at`` places each among the command's lines: none
    after the line saying what was trained, ``metrics`` after the cross-validated figures, ``prior`` after the
    prior's own figures."""
    notes: list[errors.Note] = []
    card = result.card
    hard = card.get("hard_themes") or {}
    if hard.get("rare"):
        notes.append(errors.Note(
            f"too few coded passages to learn {_listed(hard['rare'])} (fewer than 3 each): the model gives "
            f"{'it' if len(hard['rare']) == 1 else 'them'} only at even odds or better, which it will rarely see; "
            "code more passages of it to learn it", "warning"))
    if hard.get("every"):
        notes.append(errors.Note(
            f"{_listed(hard['every'])} {'is' if len(hard['every']) == 1 else 'are'} coded on every passage, so "
            "nothing tells a passage without it apart and the model cannot learn it (it may give it to every "
            "passage or to none); code some passages without it", "warning"))
    metrics = card.get("cv_metrics") or {}
    if hard.get("none"):
        none = hard["none"]
        one = len(none) == 1
        said = f"{_listed(none)} {'is' if one else 'are'} coded on no passage"
        if result.backend == "ensemble" and card.get("prior"):
            # the ensemble scores a theme it could not learn by its prior alone, so it still gives it
            counted = [t for t in none if ((metrics.get("per_theme") or {}).get(t) or {}).get("f1") is not None]
            notes.append(errors.Note(
                f"{said}, so these codes teach the model nothing of {'it' if one else 'them'}: it gives "
                f"{'it' if one else 'them'} wherever its prior ({card['prior']}) does"
                + (f" (the cross-validated macro-F1 counts {_listed(counted)} at F1 0, as given where no one "
                   "coded it)" if counted else ""), "warning"))
        else:
            notes.append(errors.Note(f"{said}: the model will never give {'it' if one else 'them'} (the macro-F1 "
                                     f"leaves {'it' if one else 'them'} out)", "warning"))
    flooded = _given_almost_everywhere(metrics, result.n)
    if flooded:
        given_to = "; ".join(f"{t} to {given:,} of {result.n:,} passages (people coded it on {support:,})"
                             for t, given, support in flooded)
        notes.append(errors.Note(
            "in cross-validation the model gave {given_to}: with so few coded examples its threshold fell too low "
            "to tell passages apart. Code more passages of these themes, or train with the default backend "
            "({backend}), which leans on a prior", "warning",
            fields={"given_to": given_to, "backend": errors.Option("backend", "auto")}))
    name = card.get("prior") or "prior"
    seen = card.get("prior_seen") or 0
    if seen:
        notes.append(errors.Note(
            f"{seen:,} of these {result.n:,} passages were in the training data of the prior ({name}): the "
            "cross-validated figure is optimistic" + (", and says nothing about new text" if seen == result.n else ""),
            "info", at="metrics"))
    alone = card.get("prior_metrics") or {}
    if alone.get("macro_f1") is not None and metrics.get("macro_f1") is not None and not result.prior_compared:
        notes.append(errors.Note(
            f"the prior ({name}) had not seen only {int(alone.get('n') or 0):,} of these passages: too few to compare "
            f"it with the trained coder (at least {MIN_PRIOR_COMPARISON} are needed)", "info", at="metrics"))
    elif result.prior_compared and alone["macro_f1"] > metrics["macro_f1"] and not seen:
        book = card.get("codebook_ref") or card.get("codebook_id")
        use = errors.Call("classify", model=name, **({"codebook": book} if name in ("zeroshot", "keyword") and book
                                                     and book != "impact" else {}))
        notes.append(errors.Note(
            "the prior alone agrees better with these codes than the trained coder: keep using it ({use}) unless "
            "your codes follow other rules than its training data", "info", at="prior", fields={"use": use}))
    if str(result.out) in shipped_model_names():  # a bare name is the shipped model's
        notes.append(errors.Note(
            "the folder is named like the shipped model {out}: `{shipped}` means the shipped one, so give yours as a "
            "path (`{path}`), or save it under another name", "warning", at="prior",
            fields={"out": str(result.out), "shipped": errors.Option("model", str(result.out)),
                    "path": errors.Option("model", f"./{result.out!s}")}))
    return notes


def _given_almost_everywhere(metrics: dict, n: int) -> list[tuple[str, int, int]]:
    """(theme, passages the cross-validated model gave it to, passages people coded it on) for each theme the
    model gave to three quarters of the passages or more while people coded it on fewer than half: what its precision,
    recall and support imply (given = support x recall / precision)."""
    out = []
    for theme, m in (metrics.get("per_theme") or {}).items():
        p, r, support = m.get("precision"), m.get("recall"), int(m.get("support") or 0)
        if not p or r is None or not n:
            continue
        given = int(round(support * r / p))
        if given >= 0.75 * n and support < 0.5 * n:
            out.append((theme, given, support))
    return out


def _listed(themes: list[str]) -> str:
    return ", ".join(repr(t) for t in themes[:6]) + (f" and {len(themes) - 6} more" if len(themes) > 6 else "")


def _hard_themes(cb, Y) -> dict[str, list[str]]:
    """Themes a coder cannot learn from these codes, by why: coded on too few passages to choose a threshold
    (``rare``: 1 or 2), on every passage (``every``: nothing tells passages without it apart), or on none
    (``none``: it is never assigned). Empty lists when every theme can be learned."""
    from evalnlp.coding.supervised import MIN_THEME_POSITIVES

    counts = Y.sum(axis=0)
    n = len(Y)
    ids = cb.theme_ids
    out = {"rare": [t for t, c in zip(ids, counts) if 0 < c < MIN_THEME_POSITIVES],
           "every": [t for t, c in zip(ids, counts) if n and c == n and cb.multi_label],
           "none": [t for t, c in zip(ids, counts) if c == 0]}
    return out


def _codebook_ref(cb) -> str:
    """How a saved model names its codebook: the shipped id when it is the shipped file, else its path."""
    from evalnlp.codebook import SHIPPED, load_codebook

    if cb.id in SHIPPED and load_codebook(cb.id).sha256 == cb.sha256:
        return cb.id
    return str(Path(cb.path).resolve())



def unused_themes_note(report: dict[str, Any]) -> str | None:
    """A note for an :func:`evaluate` or :func:`agreement` report whose macro-F1 leaves out themes neither coding
    used (see :func:`evalnlp.evaluation.unused_themes_note`); ``None`` when every theme was used."""
    from evalnlp.evaluation import unused_themes_note as _note

    return _note(report)


class EvaluationReport(dict):
    """The ``evaluate`` JSON, a dict, with the notes the user should know of its figures (``notes``, issued as
    :class:`EvalnlpWarning`; not part of the JSON)."""

    def __init__(self, report: dict[str, Any], notes: Sequence[str] = ()):
        super().__init__(report)
        self.notes = list(notes)


def _evaluate_notes(report: dict[str, Any]) -> list[errors.Note]:
    """What ``evaluate`` says besides its figures: themes the macro-F1 leaves out, rows left out, passages the
    model was trained on, themes the file does not code."""
    notes = [errors.Note(unused)] if (unused := unused_themes_note(report)) else []
    if report.get("n_skipped"):
        one = report["n_skipped"] == 1
        notes.append(errors.Note(f"{report['n_skipped']:,} row{'' if one else 's'} without an answer (empty, only "
                                 f"marks such as -, or a placeholder such as N/A) {'was' if one else 'were'} left "
                                 "out"))
    seen = report.get("n_seen_in_training") or 0
    if seen:
        notes.append(errors.Note(f"{seen:,} of these {report['n']:,} passages were in the model's training data: the "
                                 "figures are optimistic" + (", and say nothing about new text" if seen == report["n"]
                                                             else "") + "; measure on passages it has not seen"))
    if report.get("themes_not_coded"):
        notes.append(errors.Note("compared on the {n} themes the file codes ({labels!o}); not coded there, so not "
                                 "compared: {themes}", fields={"n": len(report["per_theme"]),
                                                               "themes": ", ".join(report["themes_not_coded"])}))
    return notes


def evaluate(path: str | Path, *, text: str, labels: Sequence[str] | None = None,
             labels_column: str | None = None, sep: str = ";", model: str | Path | None = None,
             codebook: str | Path | None = None, sheet: str | None = None) -> EvaluationReport:
    """Agreement of a coder with human codes: the evaluate JSON contract (micro/macro F1, Krippendorff's
    alpha, per-theme precision, recall, F1, support and Cohen's kappa), plus ``n_skipped`` (rows without an answer,
    left out) and ``n_seen_in_training`` (passages the model was trained on, which make the figures optimistic;
    0 for a coder with no record of its training passages). A dict, whose ``notes`` say what the figures leave
    out (issued as :class:`EvalnlpWarning` too).

    For a single-label codebook every row needs exactly one theme (at most one where the codebook allows none):
    E310 otherwise, as training says, since a blank or a second theme would be scored as if it were a code."""
    import numpy as np

    from evalnlp.evaluation import multilabel_report

    from evalnlp.coding import load_coder, loaded_coder_id
    from evalnlp.util import passage_fingerprint

    coder, cb, card = load_coder(codebook, model)
    data = read_labelled(path, cb, text=text, labels=labels, labels_column=labels_column, sep=sep, sheet=sheet)
    if not data.texts:
        raise errors.error("E137", "evaluate", file=Path(path).name, n=data.n_rows, column=text)
    if not cb.multi_label and len(data.decided) == len(cb.theme_ids):
        # (with --labels for some themes only, a row coded with another theme has none of them: no fault)
        per_row = np.asarray(data.Y).sum(axis=1)
        bad = np.flatnonzero((per_row > 1) | ((per_row == 0) if cb.require_theme else False))
        if bad.size:
            raise errors.error("E310", "evaluate", size=bad.size, per_row=int(per_row[bad[0]]), bad=int(bad[0]) + 1,
                               need="exactly one theme" if cb.require_theme else "at most one theme")
    predicted = _in_codebook_order(coder.predict(data.texts), coder, cb, card, model)
    # Only the themes the file codes are compared: with --labels for some themes, the others were not coded,
    # and counting the coder's every use of them as a disagreement would be wrong
    d = data.decided
    report = multilabel_report(data.Y[:, d], predicted[:, d], [cb.theme_ids[j] for j in d])
    _single_label_alpha(report, cb, data.Y, predicted, len(d))
    not_coded = [t for j, t in enumerate(cb.theme_ids) if j not in d]
    if not_coded:
        report["themes_not_coded"] = not_coded
    report["n_skipped"] = int(data.n_skipped)
    known = set(((card or {}).get("training_passages") or {}).get("values") or [])
    kept = ((card or {}).get("prior_training_passages") or {}).get("values")
    known |= set(kept) if kept is not None else _prior_passages(coder)
    report["n_seen_in_training"] = sum(passage_fingerprint(t) in known for t in data.texts) if known else 0
    # the coder as classify records it, and the codebook: which of several coders these figures are for
    report["coder"] = loaded_coder_id(coder, card)
    report["codebook"] = cb.id
    report = EvaluationReport(report, _evaluate_notes(report))
    errors.issue(report.notes)
    return report


def _single_label_alpha(report: dict[str, Any], cb, a, b, n_compared: int) -> None:
    """For a single-label codebook compared on all its themes, Krippendorff's alpha over each passage's one
    theme (nominal, "none" a category of its own) in place of the pooled passage x theme decisions, which count
    agreement on every theme a passage does not have."""
    import numpy as np

    from evalnlp.evaluation import category_alpha

    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if not cb.multi_label and n_compared == len(cb.theme_ids) and a.shape == b.shape and len(a) \
            and a.sum(axis=1).max() <= 1 and b.sum(axis=1).max() <= 1:
        report["krippendorff_alpha"] = category_alpha(a, b)


def shipped_model_names() -> tuple[str, ...]:
    """The names of the models shipped with evalnlp (``--model NAME``)."""
    from evalnlp.coding.persist import SHIPPED_MODELS

    return tuple(SHIPPED_MODELS)


def _in_codebook_order(predicted, coder: Any, cb, card: dict | None, model) -> Any:
    """The coder's 0/1 matrix with its columns in the order of ``cb``'s themes: a model's columns are its own
    themes' (``classes_``), which a codebook file edited since training (themes reordered) no longer lists in
    the same order. E325 when the codebook has a theme the model was not trained on."""
    own = [str(t) for t in getattr(coder, "classes_", cb.theme_ids)]
    if own == list(cb.theme_ids):
        return predicted
    missing = [t for t in cb.theme_ids if t not in own]
    if missing:
        trained = card or {}
        raise errors.error("E325", parent=str(model), trained_id=trained.get("codebook_id"),
                           trained_sha=str(trained.get("codebook_sha256"))[:12], cb_id=cb.id, sha256=cb.sha256[:12])
    where = {t: i for i, t in enumerate(own)}
    return predicted[:, [where[t] for t in cb.theme_ids]]


def _prior_passages(coder: Any) -> set[str]:
    """The fingerprints of the passages a coder's trained prior was trained on (its scores carry that training
    too), from the prior's card; empty without a trained prior, or when its card lists none."""
    from evalnlp.coding.persist import read_card

    prior = getattr(coder, "prior", None)
    if not isinstance(prior, str) or prior == "zeroshot" or not float(getattr(coder, "prior_weight_", 0.0) or 0.0):
        return set()
    try:
        card = read_card(prior)
    except errors.EvalnlpError:
        return set()
    return set((card.get("training_passages") or {}).get("values") or [])


# ---- human codes, agreement, training from the store ----------------------------------------------------


def human_coder_id(name: str) -> str:
    """``human:NAME`` for ``--coder NAME`` (a name already starting with ``human:`` is kept as it is).

    A name is what identifies a coder in every table, so it must be non-empty, printable and not a machine
    coder's id (E181); the same rule holds for every command that takes a person's ``--coder``.
    """
    from evalnlp.schema import HUMAN_PREFIX, person_coder

    coder = person_coder(name)
    if coder is None:
        raise errors.error("E181", human_prefix=HUMAN_PREFIX, name=name)
    return coder


def human_code_frame(seg_ids: Sequence[str], Y, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Human codes as :meth:`Store.put_human_codes` stores them: for each passage, one row per theme the coder
    decided on (``theme_ids``, the columns of the 0/1 matrix ``Y``; normally every codebook theme), assigned for
    the themes the coder gave and not for the others (seg_id, theme, score, assigned).

    So a passage coded with no theme is a full set of rows none of which is assigned: it counts as human-coded
    (evidence uses it, with no theme, instead of the machine's codes; agreement compares it), and a passage
    without rows is simply one this coder has not coded.
    """
    import numpy as np

    Y = np.asarray(Y, dtype=bool)
    k = len(theme_ids)
    return pd.DataFrame({
        "seg_id": np.repeat(np.asarray(list(seg_ids), dtype=object), k),
        "theme": np.tile(np.asarray(list(theme_ids), dtype=object), len(Y)),
        "score": Y.ravel().astype(float),
        "assigned": Y.ravel(),
    })


@dataclass
class CodesImportResult:
    """What ``codes import`` did: the ingest of the file (its counts are the run's), and what became of the
    codes: passages coded in the file, new to this coder, changed, unchanged, coded with no theme."""

    run_id: str
    coder: str
    codebook_id: str
    ingest: IngestResult
    n_coded: int
    n_new: int
    n_changed: int
    n_unchanged: int
    n_no_theme: int
    themes: pd.DataFrame  # theme, label, passages
    #: rows of a copy (``source``) matched to their stored answer though their text differs from it in spaces
    #: and line breaks only (cells trimmed by a spreadsheet or a script)
    n_respaced: int = 0
    #: another human coder of the store whose name differs from this one's in case only (``human:Alice`` beside
    #: ``human:alice``): two coders now, maybe one person
    case_twin: str | None = None
    #: what the user should know of the codes (issued as :class:`EvalnlpWarning`); those of reading the file
    #: are the ingest's (``ingest.notes``)
    notes: list[str] = field(default_factory=list)


def _unfinished_tail(unlabelled, where: list[str], column: bool) -> "errors.Note | None":
    """The warning of a coding file whose last rows carry no label at all (a coder part of the way through): those
    rows are stored as coded with no theme, which agreement, evidence and training count as decisions. Said when
    the run of unlabelled rows that ends the file is at least 3 rows and a tenth of them, and not the whole file
    (a file of nothing but empty cells is a coder's "no theme" throughout, or another mistake the counts show)."""
    n = len(unlabelled)
    tail = 0
    while tail < n and unlabelled[n - 1 - tail]:
        tail += 1
    if tail < 3 or tail < 0.1 * n or tail == n:
        return None
    empty = "an empty cell" if column else "every label cell empty"
    return errors.Note(
        f"the last {tail:,} rows ({where[n - tail]} to {where[-1]}) have no label at all ({empty}): they are stored "
        "as coded with no theme, and agreement, evidence and training count them so. If the coder has not reached "
        "them yet, take them out of the file and import it again" + ("" if column else "; a row coded with no "
                                                                    "theme is clearest written with 0s"),
        "warning")


def _case_twin_said(coder: str, twin: str) -> errors.Note:
    """The warning of an import whose new coder's name differs from another coder's in case only."""
    return errors.Note(
        "{coder} is a new coder beside {twin}, whose name differs in case only: if they are one person, their "
        "codes now count as two coders' (in agreement, and in training from the store); give the same name each "
        "time ({same})", "warning", fields={"coder": coder, "twin": twin,
                                            "same": errors.Option("coder", twin.split(":", 1)[1])})


def _case_twin(store: Store, coder_id: str) -> str | None:
    """A human coder already in the store whose id differs from ``coder_id`` in case only, if any."""
    from evalnlp.schema import is_human

    known = store.coders()["coder"].tolist()
    if coder_id in known:
        return None
    return next((c for c in known if is_human(c) and c.casefold() == coder_id.casefold()), None)


def _spacing_folded(text: Any) -> str:
    return " ".join(str(text).split())


def _match_respaced(store: Store, keys: pd.DataFrame, places: pd.DataFrame) -> int:
    """Give each row of ``keys`` (source, locator, question, text) whose text is not stored at its place the stored
    text there that differs from it in spaces and line breaks only (one such document at the place, the row's
    own question preferred); return how many rows were matched so. ``keys`` is changed in place."""
    todo = [i for i in range(len(keys)) if not places["questions"].iloc[i] and bool(places["at_locator"].iloc[i])]
    if not todo:
        return 0
    there = store.documents_placed_at(keys.iloc[todo])
    matched = 0
    for pos, group in there.groupby("_row", sort=True):
        i = todo[int(pos)]
        want = _spacing_folded(keys.at[i, "text"])
        same = group[[_spacing_folded(t) == want for t in group["text"]]]
        own = same[same["question"].to_numpy() == keys.at[i, "question"]]
        pick = own if len(own) else same
        pick = pick.drop_duplicates(["question", "text"])
        if len(pick) == 1:
            keys.at[i, "question"] = pick["question"].iloc[0]
            keys.at[i, "text"] = pick["text"].iloc[0]
            matched += 1
    return matched


def _store_codebook_or(store: Store, codebook: str | Path | None, fallback: str = "impact"):
    """The codebook given, else the store's (:func:`project_codebook`), else ``fallback``."""
    from evalnlp.codebook import load_codebook
    from evalnlp.errors import StoreError

    if codebook is not None:
        return _given_codebook(store, codebook)
    try:
        return project_codebook(store)
    except StoreError:
        return load_codebook(fallback)


def _refuse_merged_labels(name: str, src, label_cols: Sequence[str]) -> None:
    """E198 when a workbook's merged cells (``C2:C5``) span several rows of a label column: only the first of
    those rows holds the label, so the others would read as coded with no theme."""
    import re as _re

    merged = getattr(src, "merged", ())
    if not merged:
        return
    columns = list(src.columns)
    for col in label_cols:
        if col not in columns:
            continue
        index = columns.index(col) + 1
        hits = []
        for rng in merged:
            m = _re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", rng)
            if m is None:
                continue
            first, last = (_column_number(m.group(1)), _column_number(m.group(3)))
            if first <= index <= last and int(m.group(4)) > getattr(src, "header_row", 1):
                hits.append(rng)
        if hits:
            shown = ", ".join(hits[:5]) + (f" and {len(hits) - 5} more" if len(hits) > 5 else "")
            raise errors.error("E198", file=name, ranges=shown, column=col)


def _column_number(letters: str) -> int:
    """A -> 1, AA -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def import_codes(store: Store, path: str | Path, *, text: str, coder: str, labels: Sequence[str] | None = None,
                 labels_column: str | None = None, sep: str = ";", id: str | None = None,
                 meta: Sequence[str] | None = None, codebook: str | Path | None = None, sheet: str | None = None,
                 source: str | None = None, question: str | None = None,
                 progress: Progress | None = None) -> CodesImportResult:
    """Import a human-coded table as the codes of coder ``human:NAME``.

    The file is ingested exactly as ``ingest FILE --text TEXT [--id ID] [--meta ...] [--sheet ...]
    [--question NAME]`` would (same documents, same ids, same rejects: an empty text is a reject, E141), so rows
    already in the store get the codes attached and importing twice adds nothing. ``question`` names the question
    the text column's answers are stored under (as :func:`ingest`'s ``question``; default: the column's header),
    so a coded copy whose column is headed otherwise than the export it was made from (``text`` for ``What
    could be improved?``) finds, or stores, the answers under the export's question. Each accepted row's codes go on the passage that
    spans its whole text (made if the document was segmented into sentences) as :func:`human_code_frame`
    rows, one per theme decided (every codebook theme with ``labels_column``, the given columns with
    ``labels``); a row with no theme is recorded as coded with none. What this coder said of a passage before
    is replaced; no other coder's codes are touched.

    ``source`` says the file is a coder's copy of a file already ingested under that source name (as
    ``evalnlp runs`` and the evidence provenance show it, e.g. ``survey.xlsx#Responses``): its rows are matched
    to that file's documents by locator (``--id`` or row number) and text, and nothing new is ingested; a row
    with no such document is a reject (E188), so an edited text is noticed rather than stored as a new answer.

    The codebook is the one given, else the store's (latest coding run), else ``impact``. A theme name not in
    it stops the import before anything is stored (E221, listing every unknown name and the valid ids).
    """
    import numpy as np

    from evalnlp.ingest import (FileReport, name_taken_elsewhere, no_answer, no_answer_reasons, row_locators,
                                tabular_source_name)
    from evalnlp.ingest.readers import file_kind, open_tabular

    labels = _names(labels)
    id = _id_column(id)
    check_label_options(labels, labels_column, text=text, sep=sep)
    named = _one_question(question)
    coder_id = human_coder_id(coder)
    twin = _case_twin(store, coder_id)
    path = Path(path)
    if file_kind(path) == "narrative":
        raise errors.error("E180", file=path.name, path_suffix=path.suffix)
    if source is not None:
        known = store.sources()
        if source not in known:
        
            raise errors.error("E187", source=source, sources=', '.join(map(repr, known)) or 'none yet',
                               hint=did_you_mean(source, known, cutoff=0.5))
    cb = _store_codebook_or(store, codebook)
    label_cols = list(labels) if labels else [labels_column]
    wanted = [text, *([id] if id else []), *label_cols]
    src = open_tabular(path, sheet=sheet, wanted=wanted)
    _check_columns(path.name, src.columns, wanted, src=src, sheet_given=sheet is not None)
    # The rows as ingest identifies them, with their codes (checked before anything is written).
    own_source = tabular_source_name(path, src)
    doc_source = source if source is not None else own_source
    keys, matrices, rejects, n_rows, n_respaced, unlabelled = [], [], [], 0, 0, []
    for batch in src.batches():
        frame = batch.frame
        texts = frame[text]
        blank, marks = no_answer(texts)  # as ingest rejects them, so no document answers these rows
        empty = blank | marks
        locators = row_locators(batch, id)
        rows = frame[~empty].reset_index(drop=True)
        where = locators[~empty].tolist()
        matrices.append(label_matrix(rows, cb, labels=labels, labels_column=labels_column, sep=sep, where=where,
                                     source=path.name))
        cells = rows[label_cols].apply(lambda c: c.fillna("").astype(str).str.strip())
        unlabelled.append((cells == "").all(axis=1).to_numpy())  # nothing written: no 1, no 0, no theme name
        keys.append(pd.DataFrame({"source": doc_source, "locator": where, "question": named or text,
                                  "text": rows[text].to_numpy()}))
        rejects += [(loc, code, reason) for loc, code, reason in batch.rejects]
        rejects += [(loc, "E141", reason) for loc, reason in
                    zip(locators[empty], no_answer_reasons(texts, blank, marks))]
        n_rows += batch.n_rows
    _refuse_merged_labels(path.name, src, label_cols)
    Y = np.vstack(matrices) if matrices else np.zeros((0, len(cb.theme_ids)), dtype=np.int8)
    keys_frame = pd.concat(keys, ignore_index=True) if keys else pd.DataFrame(
        columns=["source", "locator", "question", "text"])
    if source is None and name_taken_elsewhere(store, path) is not None and len(keys_frame) \
            and store.known_documents(keys_frame).all():
        # a coder's copy, from another folder, of rows already read from a file of this name: attach the codes
        # to those documents, as with ``source`` (a file with any row not already read is refused by ingest, E175)
        source = doc_source = own_source
    args = {"file": str(path), "text": text, "coder": coder_id, "labels": list(labels) if labels else None,
            "labels_column": labels_column, "sep": sep, "id": id, "meta": list(meta) if meta is not None else None,
            "codebook": _codebook_ref(cb), "sheet": sheet, "source": source, **({"question": named} if named else {})}
    with recorded_run(store, "codes import", args, codebook_id=cb.id, codebook_sha256=cb.sha256) as run:
        run_id = run.id
        if source is None:
            opts = IngestOptions(text=(text,), id=id, meta=tuple(meta) if meta is not None else None,
                                 unit="response", sheet=sheet, offer_replace=False, notice_renamed=False,
                                 question=(named,) if named else ())
            ingested = ingest_paths(store, [path], opts, run_id, progress)
        if source is not None and len(keys_frame):
            # A coded copy in long form (its answers in one column, say ``text``, beside a question column) names
            # the question its rows answer differently from the source's documents: a row whose text answers
            # exactly one question at its locator is that answer (unless ``question`` said which).
            places = store.answers_at(keys_frame)
            if not named:
                keys_frame["question"] = [qs[0] if (len(qs) == 1 and q not in qs) else q
                                          for q, qs in zip(keys_frame["question"], places["questions"])]
            # A copy whose cells a spreadsheet or a script trimmed (or whose line breaks it rewrote) still holds
            # the answer stored at its place: matched as long as only spaces and line breaks differ.
            n_respaced = _match_respaced(store, keys_frame, places)
            if n_respaced:
                places = store.answers_at(keys_frame)
        segs = store.whole_segments(keys_frame)
        found = segs["seg_id"].notna().to_numpy().copy()
        if source is None and not found.all():  # every accepted row was just stored as a document
            raise RuntimeError("codes import: a row accepted by ingest has no document; this is a bug in evalnlp")
        if source is None and id:  # a row repeating an earlier row's id and text was rejected by ingest (E176)
            found &= ~keys_frame.duplicated(subset=["locator", "text"]).to_numpy()
        if source is not None:
            padded = store.zero_padded_twins(source, keys_frame.iloc[np.flatnonzero(~found)]) if id else {}
            for i in np.flatnonzero(~found):
                qs, here = places["questions"].iloc[i], bool(places["at_locator"].iloc[i])
                if named and qs:
                    reason = errors.message("E188", "other_question", source=source, question=named,
                                            questions=", ".join(map(repr, qs)))
                elif len(qs) > 1:
                    reason = errors.message("E188", "ambiguous", source=source, column=text,
                                            questions=", ".join(map(repr, qs)))
                elif here:
                    reason = errors.message("E188", "edited", source=source)
                elif keys_frame["locator"].iloc[i] in padded:
                    reason = errors.message("E188", "zeros", source=source,
                                            stored=padded[keys_frame["locator"].iloc[i]])
                else:
                    reason = errors.message("E188", "no_locator", source=source)
                rejects.append((keys_frame["locator"].iloc[i], "E188", reason))
            if id:  # a row repeating an earlier row's id and text is rejected, as ingest rejects it (E176):
                # its codes are not merged into the earlier row's, which may say otherwise
                repeat = keys_frame.duplicated(subset=["locator", "text"]).to_numpy() & found
                rejects += [(loc, "E176", errors.message("E176", column=id)) for loc in keys_frame["locator"][repeat]]
                found &= ~repeat
            rej = pd.DataFrame(rejects, columns=["locator", "code", "reason"])
            rej.insert(0, "source", own_source)
            report = FileReport(source=own_source, format=src.format, encoding=src.encoding, n_in=n_rows,
                                n_ok=int(found.sum()), n_rejected=store.add_rejects(run_id, rej),
                                columns=list(src.columns))
            ingested = IngestResult(run_id=run_id, files=[report])
            if progress:
                progress(n_rows)
        unlabelled_rows = np.concatenate(unlabelled)[found] if unlabelled else np.zeros(0, dtype=bool)
        unlabelled_where = keys_frame["locator"][found].tolist()
        Y, seg_ids = Y[found], segs["seg_id"][found].tolist()
        # The themes the coder decided on: every theme for a themes column, the given columns for --labels.
        decided = ([cb.theme_ids.index(cb.label_to_id(c)) for c in dict.fromkeys(labels)] if labels
                   else list(range(len(cb.theme_ids))))
        codes = human_code_frame(seg_ids, Y[:, decided], [cb.theme_ids[j] for j in decided])
        # a themes column decides every theme: the coder's codes there of a theme since renamed or removed go; label
        # columns decide theirs: the coder's codes there of those themes' earlier names (kept as aliases) go
        given = {cb.theme_ids[j] for j in decided}
        retired = [old for old, now in cb.renamed_themes(store.code_themes()).items() if now in given] \
            if labels else None
        counts = store.put_human_codes(codes, coder_id, run_id, retired_of=cb.id, retired=retired)
        run.counts(n_in=ingested.n_in, n_ok=ingested.n_ok, n_rejected=ingested.n_rejected)
    per_seg = pd.DataFrame(Y.astype(bool), columns=cb.theme_ids).groupby(np.asarray(seg_ids, dtype=object)).any()
    labels_of = {t.id: t.label for t in cb.themes}
    themes = pd.DataFrame({"theme": cb.theme_ids, "label": [labels_of[t] for t in cb.theme_ids],
                           "passages": [int(per_seg[t].sum()) for t in cb.theme_ids]})
    notes = [_case_twin_said(coder_id, twin)] if twin else []
    if n_respaced:
        several = n_respaced != 1
        notes.append(errors.Note(
            f"{n_respaced:,} row{'s' if several else ''} matched the stored answer at {'their' if several else 'its'} "
            "place though the text differs from it in spaces or line breaks only (cells trimmed by a spreadsheet "
            "or a script)"))
    unfinished = _unfinished_tail(unlabelled_rows, unlabelled_where, labels_column is not None)
    if unfinished is not None:
        notes.append(unfinished)
    _with_notes(ingested, "codes import")
    errors.issue(ingested.notes + notes)
    return CodesImportResult(run_id=run_id, coder=coder_id, codebook_id=cb.id, ingest=ingested,
                             n_coded=len(per_seg), n_new=counts["new"], n_changed=counts["changed"],
                             n_unchanged=counts["unchanged"], n_no_theme=int((~per_seg.any(axis=1)).sum()),
                             themes=missing_as_none(themes), n_respaced=n_respaced, case_twin=twin, notes=notes)


def _one_question(question: str | Sequence[str] | None) -> str | None:
    """The one question name of :func:`import_codes` (a name, or a list of one), or None; E130 otherwise."""
    names = _names(question, "question") or []
    if len(names) > 1:
        raise errors.error("E130", "question_count", n_names=len(names), n_columns=1)
    if names and not names[0].strip():
        raise errors.error("E130", "question_blank", name=names[0])
    return names[0] if names else None


#: What a message says to run to import human codes (E184).
_CODES_IMPORT = errors.Call("codes import", "path=FILE", "text=COL", "labels_column=COL", "coder=NAME")


def coders(store: Store) -> pd.DataFrame:
    """Every coder in the store, human and machine (``codes list``): coder, kind, passages, documents, codes
    (themes assigned), no_theme (passages given none), runs, first_run, last_run."""
    return missing_as_none(store.coders())


@dataclass
class Agreement:
    """Two coders compared on the passages both coded. ``report`` is the ``evaluate`` JSON (coder A as the
    reference); ``units`` has one row per passage with both codings: coder_a, coder_b, source, locator,
    question, text, themes_a and themes_b (theme ids joined by ";"), only_a, only_b and both (the themes one
    coder gave and the other did not, and those both gave), doc_id and seg_id. ``disagreements`` is its rows
    that differ.

    >>> pair = project.agreement("alice", "bob")[0]               # doctest: +SKIP
    >>> pair.to_json()["krippendorff_alpha"], len(pair.disagreements)      # doctest: +SKIP
    """

    coders: tuple[str, str]
    codebook_id: str
    report: dict[str, Any]
    units: pd.DataFrame
    n_a: int  # passages coder A coded (anywhere in the store)
    n_b: int
    #: what the user should know of the figures (issued as :class:`EvalnlpWarning`; not part of the JSON)
    notes: list[str] = field(default_factory=list)
    #: the pair's machine coder was trained on a store's human codes (``train --from-store``), so the passages it
    #: saw in training hold the very codes it is compared with
    trained_from_store: bool = False

    def to_json(self) -> dict[str, Any]:
        """The ``evaluate`` JSON plus ``"coders": [A, B]``."""
        return {**self.report, "coders": list(self.coders)}

    @property
    def machine(self) -> str | None:
        """The machine coder of the pair (the second, when both are), or None for two people."""
        from evalnlp.schema import is_human

        return next((c for c in reversed(self.coders) if not is_human(c)), None)

    @property
    def disagreements(self) -> pd.DataFrame:
        """The passages the two coders coded differently, with both codings."""
        return self.units[self.units["themes_a"] != self.units["themes_b"]].reset_index(drop=True)


#: Columns of an agreement's ``units`` and of the ``--disagreements`` file.
DISAGREEMENT_COLUMNS = ["coder_a", "coder_b", "source", "locator", "question", "text", "themes_a", "themes_b",
                        "only_a", "only_b", "both", "doc_id", "seg_id"]


def _resolve_coder(name: str, known: Sequence[str]) -> str:
    from evalnlp.schema import HUMAN_PREFIX

    for candidate in (name, HUMAN_PREFIX + name):
        if candidate in known:
            return candidate
    listed = ", ".join(known) if known else "none yet"
    raise errors.error("E182", "unknown", name=name, listed=listed, codes_list=errors.Call("codes list"))


def agreement_pairs(store: Store, coders: Sequence[str] = (), codebook_id: str | None = None) -> list[tuple[str, str]]:
    """Which coders ``agreement`` compares: two named coders; one human coder against the latest machine coder
    of ``codebook_id`` (against each other human coder when there is none); one machine coder against each
    human coder; by default each human coder against the latest machine coder of ``codebook_id`` (every pair
    of human coders when there is no machine coder)."""
    from itertools import combinations

    from evalnlp.schema import is_human

    table = store.coders()
    known = table["coder"].tolist()
    humans = [c for c in known if is_human(c)]
    names = [_resolve_coder(c, known) for c in coders]
    if len(names) > 2 or (len(names) == 2 and names[0] == names[1]):
        raise errors.error("E185", listed=', '.join(map(repr, coders)))
    if len(names) == 2:
        return [(names[0], names[1])]
    machine = store.latest_machine_coder(codebook_id)
    if len(names) == 1:
        (one,) = names
        if not is_human(one):
            if not humans:
                raise errors.error("E184", "to_compare", one=one,
                                   codes_import=errors.Call("codes import", "path=FILE", "coder=NAME"))
            return [(h, one) for h in humans]
        if machine is None:
            others = [h for h in humans if h != one]
            if not others:
                raise errors.error("E184", "nothing_to_compare_coder", one=one, classify=errors.Call("classify"))
            return [(one, h) for h in others]
        return [(one, machine)]
    if not humans:
        raise errors.error("E184", "agreement", codes_import=_CODES_IMPORT)
    if machine is None:
        if len(humans) < 2:
            raise errors.error("E184", "nothing_to_compare", humans=humans[0], classify=errors.Call("classify"))
        return list(combinations(humans, 2))
    return [(h, machine) for h in humans]


def _compare(store: Store, cb, a: str, b: str, n_coded: dict[str, int], *, other_human: bool = False) -> Agreement:
    """``a`` against ``b``; ``other_human`` when ``b`` was not named but taken because no machine coder coded with
    ``cb`` (its errors then say so)."""
    import numpy as np

    from evalnlp.evaluation import multilabel_report

    # the two coders' codes of this codebook (a person's codes of another codebook with the same theme names are
    # another coding); with none of it in common, all of their codes, so that an error can say which themes they
    # used that the codebook has not
    long = store.paired_codes(a, b, cb.id)
    if long.empty:
        long = store.paired_codes(a, b)
    if long.empty:
        if other_human:
            raise errors.error("E183", "passages_other_human", a=a, b=b, cb_id=cb.id, n_a=n_coded.get(a, 0),
                               n_b=n_coded.get(b, 0), classify=errors.Call("classify", codebook=cb.id))
        shared = store.documents_coded_by_both(a, b)
        if shared:
            raise errors.error("E183", "spans", a=a, b=b, n_docs=shared)
        n, src_a, src_b = store.same_answers_apart(a, b)
        if n:  # each coder's copy imported as a file of its own (without source=): say how to put them together
            from evalnlp.schema import is_human

            if is_human(a) and is_human(b):
                raise errors.error("E183", "copies", a=a, b=b, n=n, src_a=src_a, src_b=src_b)
            if is_human(a) or is_human(b):
                human, machine, src_h, src_m = (a, b, src_a, src_b) if is_human(a) else (b, a, src_b, src_a)
                raise errors.error("E183", "copies_machine", human=human, machine=machine, n=n, src_h=src_h,
                                   src_m=src_m)
        raise errors.error("E183", "passages", a=a, b=b, n_a=n_coded.get(a, 0), n_b=n_coded.get(b, 0))
    long = _renamed_as_now(long, cb)
    outside = sorted(set(long["theme"]) - set(cb.theme_ids))
    if outside:
        if other_human:
            raise errors.error("E186", "agreement_other_human", a=a, b=b, cb_id=cb.id,
                               outside=', '.join(outside[:10]))
        raise errors.error("E186", "agreement", a=a, b=b, cb_id=cb.id, outside=', '.join(outside[:10]))
    units = long.drop_duplicates("unit")[["unit", "doc_id", "source", "locator", "question", "text"]]
    units = units.reset_index(drop=True)
    order = {u: i for i, u in enumerate(units["unit"])}
    col = {t: j for j, t in enumerate(cb.theme_ids)}
    mats = []
    for coder in (a, b):
        part = long[(long["coder"] == coder) & long["assigned"].astype(bool)]
        Y = np.zeros((len(units), len(cb.theme_ids)), dtype=np.int8)
        Y[part["unit"].map(order).to_numpy(dtype=int), part["theme"].map(col).to_numpy(dtype=int)] = 1
        mats.append(Y)
    # Only the themes both decided are compared: a person who coded some themes only (codes import --labels) said
    # nothing of the others, as in evaluate; a machine coder decides every theme.
    from evalnlp.schema import is_human

    def decided(coder: str) -> set[str]:
        return set(long.loc[long["coder"] == coder, "theme"]) if is_human(coder) else set(cb.theme_ids)

    both = decided(a) & decided(b)
    keep = [j for j, t in enumerate(cb.theme_ids) if t in both]
    if not keep:
        raise errors.error("E183", "themes", a=a, b=b)
    mats = [m[:, keep] for m in mats]
    report = multilabel_report(mats[0], mats[1], [cb.theme_ids[j] for j in keep])
    _single_label_alpha(report, cb, mats[0], mats[1], len(keep))
    not_coded = [t for t in cb.theme_ids if t not in both]
    if not_coded:
        report["themes_not_coded"] = not_coded
    machines = [c for c in (a, b) if not is_human(c)]
    from_store = False
    if machines:  # a model trained on these very codes (train --from-store) agrees with them by heart
        from evalnlp.util import passage_fingerprint

        known: set[str] = set()
        for m in machines:
            fingerprints, learnt_here = _training_fingerprints(store, m)
            known |= fingerprints
            from_store = from_store or (learnt_here and bool(fingerprints))
        report["n_seen_in_training"] = (sum(passage_fingerprint(t) in known for t in units["text"]) if known
                                        else 0)
    ids = np.asarray([cb.theme_ids[j] for j in keep], dtype=object)

    def joined(mask):
        return [";".join(ids[row]) for row in mask.astype(bool)]

    ya, yb = mats[0].astype(bool), mats[1].astype(bool)
    table = pd.DataFrame({
        "coder_a": a, "coder_b": b, "source": units["source"], "locator": units["locator"],
        "question": units["question"], "text": units["text"], "themes_a": joined(ya), "themes_b": joined(yb),
        "only_a": joined(ya & ~yb), "only_b": joined(yb & ~ya), "both": joined(ya & yb),
        "doc_id": units["doc_id"], "seg_id": units["unit"]})
    return Agreement(coders=(a, b), codebook_id=cb.id, report=report,
                     units=missing_as_none(table[DISAGREEMENT_COLUMNS].copy()),
                     n_a=n_coded.get(a, 0), n_b=n_coded.get(b, 0), trained_from_store=from_store)


def _renamed_as_now(codes: pd.DataFrame, cb) -> pd.DataFrame:
    """``codes`` (a frame with ``theme`` and ``assigned``) with the codes of a theme's earlier name (kept as an
    alias: :meth:`evalnlp.codebook.Codebook.renamed_themes`) read as the theme, as evidence reads them. Where a coder
    has a code of the theme's id too on the passage, that later decision is the one read; two earlier names of one
    theme are one decision (assigned if either says so)."""
    renamed = cb.renamed_themes(set(codes["theme"]))
    if not renamed:
        return codes
    was = codes["theme"].isin(list(renamed)).to_numpy()
    codes = codes.assign(theme=codes["theme"].replace(renamed))
    keys = [c for c in codes.columns if c != "assigned"]
    current = codes.loc[~was, keys].drop_duplicates()
    old = codes[was].merge(current, on=keys, how="left", indicator=True)
    old = old[old["_merge"] == "left_only"].drop(columns="_merge")
    codes = pd.concat([codes[~was], old], ignore_index=True)
    return codes.groupby(keys, sort=False, dropna=False, as_index=False)["assigned"].max()[list(codes.columns)]


def _training_fingerprints(store: Store, coder: str) -> tuple[set[str], bool]:
    """The fingerprints of the passages the machine coder ``coder`` was trained on (its own and its prior's), from
    the card of the model its latest classify run loaded, while that card is still the one of the model that
    coded (same model sha256); empty for an untrained coder, or when the card cannot be found any more. The flag
    says whether the model was trained on a store's human codes (``train --from-store``), rather than on a file
    or, for a shipped model, on its own corpus."""
    import json

    from evalnlp.coding import UNTRAINED, shipped_model_for
    from evalnlp.coding.persist import read_card

    runs = store.table("runs")
    runs = runs[(runs["command"] == "classify") & (runs["status"] == "ok")]
    for _, run in runs.iloc[::-1].iterrows():
        args = json.loads(run["args"] or "{}")
        if args.get("coder") != coder:
            continue
        model = args.get("model")
        if model is None:
            try:
                model = shipped_model_for(_run_codebook(run, runs))
            except EvalnlpError:
                model = None
        if model is None or model in UNTRAINED:
            return set(), False
        places = [model]
        if not Path(model).is_absolute() and model not in shipped_model_names():  # a path from where classify ran
            places.append(str(Path(store.path).resolve().parent / model))
        for place in places:
            try:
                card = read_card(place)
            except (EvalnlpError, OSError, ValueError):
                continue
            if card.get("model_sha256") != run["model_sha256"]:
                continue  # the folder holds another model now
            own = set((card.get("training_passages") or {}).get("values") or [])
            return (own | set((card.get("prior_training_passages") or {}).get("values") or []),
                    bool(card.get("training_coders")))
        return set(), False
    return set(), False


def agreement(store: Store, coders: Sequence[str] = (), *, codebook: str | Path | None = None,
              disagreements: str | Path | None = None) -> list[Agreement]:
    """Agreement between coders on the passages both coded, one :class:`Agreement` per pair compared (see
    :func:`agreement_pairs`). Coder names may omit the ``human:`` prefix. The codebook is the one given, else
    the store's. ``disagreements`` writes the passages each pair coded differently, with both codings
    (:data:`DISAGREEMENT_COLUMNS`), as .csv, .tsv, .xlsx, .parquet, .jsonl or .json, for a consensus meeting.
    """
    from evalnlp.tablefile import TABLE_FORMATS, write_table

    if disagreements is not None and Path(disagreements).suffix.lower() not in TABLE_FORMATS:
        raise errors.error("E161", "agreement", file=Path(disagreements).name, table_formats=', '.join(TABLE_FORMATS))
    if disagreements is not None:
        _guard_output(store, disagreements)  # before any work
    cb = _store_codebook_or(store, codebook)
    from evalnlp.schema import is_human

    if isinstance(coders, str):  # agreement(store, "alice"): one coder, not five letters
        coders = (coders,)
    wrong = [c for c in coders if not isinstance(c, str)]
    if wrong:
        raise errors.error("E149", "coder_names", value=wrong[0])
    pairs = agreement_pairs(store, coders, cb.id)
    table = store.coders()
    n_coded = dict(zip(table["coder"], table["passages"].astype(int)))
    # one person named and another person taken to compare with (no machine coder coded with this codebook)
    other_human = len(coders) == 1 and all(is_human(c) for pair in pairs for c in pair)
    results = [_compare(store, cb, a, b, n_coded, other_human=other_human) for a, b in pairs]
    for r in results:
        r.notes = _agreement_notes(r)
    if disagreements is not None:
        rows = [r.disagreements for r in results]
        write_table(pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=DISAGREEMENT_COLUMNS),
                    disagreements, sheet="disagreements")
    errors.issue([n for r in results for n in r.notes])
    return results


def _agreement_notes(r: Agreement) -> list[errors.Note]:
    """What ``agreement`` says of a pair besides its figures: themes the macro-F1 leaves out, and passages the
    machine coder was trained on."""
    report = r.report
    notes = [errors.Note(unused)] if (unused := unused_themes_note(report)) else []
    seen = report.get("n_seen_in_training") or 0
    if seen:
        # (a model trained from the store learnt these very codes; a shipped model, or one trained from a file,
        # learnt the passages as someone else coded them, often the same way)
        why = ("{train} learns from these very codes" if r.trained_from_store else
               "its training data, or its prior's, held them with that data's codes")
        notes.append(errors.Note(
            "{seen:,} of these {n:,} passages were among those {machine} was trained on (" + why + "): the figures "
            "are optimistic" + (", and say nothing about new text" if seen == report["n"] else "")
            + "; measure it on passages people coded after it was trained",
            fields={"seen": seen, "n": report["n"], "machine": r.machine,
                    **({"train": errors.Call("train --from-store")} if r.trained_from_store else {})}))
    return notes


def train_from_store(store: Store, *, out: str | Path, coder: str | None = None,
                     codebook: str | Path | None = None, backend: str = "auto",
                     prior: str | None = None, epochs: int | None = None,
                     progress: Progress | None = None) -> TrainResult:
    """Train a theme coder from the human codes in the store (every human coder's, or ``coder``'s) and save
    it like :func:`train`.

    Each human-coded passage is one training example, its text the passage's text. Where several human coders
    coded a passage, a theme is on when at least half of them gave it (with two coders: either). The codebook
    is the one given, else the one the latest import of these codes used. The card names the store and the
    coders as its training data, with a sha256 of the examples. ``epochs`` as in :func:`train`.
    """
    import json

    import numpy as np

    from evalnlp.codebook import load_codebook
    from evalnlp.schema import is_human

    _check_model_folder(out)  # before any work: a folder of the user's own is never written into
    _check_epochs(backend, epochs)
    known = store.coders()["coder"].tolist()
    humans = [c for c in known if is_human(c)]
    if coder is not None:
        chosen = [_resolve_coder(coder, known)]
        if not is_human(chosen[0]):
            raise errors.error("E182", "machine", coder=coder, humans=', '.join(humans) or 'none yet',
                               train_from_store=errors.Call("train --from-store"))
    elif humans:
        chosen = humans
    else:
        raise errors.error("E184", "train", file=Path(store.path).name, codes_import=_CODES_IMPORT)
    if codebook is not None:
        cb = _given_codebook(store, codebook)
    else:
        runs = store.coding_runs(chosen)
        cb = _run_codebook(runs.iloc[-1], store.table("runs")) if not runs.empty else load_codebook("impact")
    codes = _renamed_as_now(store.human_codes(chosen, cb.id), cb)
    outside = sorted(set(codes["theme"]) - set(cb.theme_ids))
    if outside:
        raise errors.error("E186", "train", coders=', '.join(chosen), cb_id=cb.id, outside=', '.join(outside[:10]))
    undecided = [t for t in cb.theme_ids if t not in set(codes["theme"])]
    if len(codes) and undecided:  # (no codes at all: E137 below says so)
        raise errors.error("E140", "store", coders=", ".join(chosen), n=len(cb.theme_ids) - len(undecided),
                           k=len(cb.theme_ids), cb_id=cb.id, missing=", ".join(undecided))
    coders_per_seg = codes.groupby("seg_id")["coder"].nunique()
    yes = (codes[codes["assigned"].astype(bool)].groupby(["seg_id", "theme"])["coder"].nunique()
           .unstack("theme").reindex(index=coders_per_seg.index, columns=cb.theme_ids).fillna(0))
    Y = (yes.to_numpy() * 2 >= coders_per_seg.to_numpy()[:, None]) & (yes.to_numpy() > 0)
    Y = Y.astype(np.int8)
    if not cb.multi_label and len(chosen) > 1:
        tied = coders_per_seg.index[Y.sum(axis=1) > 1]
        if len(tied):  # the coders split evenly on a passage that takes one theme: no majority to learn from
            example = codes[codes["seg_id"] == tied[0]].drop_duplicates("seg_id")["text"].iloc[0]
            raise errors.error("E179", n=len(tied), cb_id=cb.id, coders=", ".join(chosen),
                               example=" ".join(str(example).split())[:80])
    texts = codes.drop_duplicates("seg_id").set_index("seg_id")["text"].reindex(coders_per_seg.index).tolist()
    if len(texts) < 10:
        raise errors.error("E137", "store", n=len(texts), coders=', '.join(chosen))
    digest = bytes_sha256(json.dumps([[t, row.tolist()] for t, row in zip(texts, Y)], ensure_ascii=False)
                          .encode("utf-8"))
    provenance = {"training_data": f"store {Path(store.path).name} ({', '.join(chosen)})",
                  "training_data_sha256": digest, "n_skipped": 0, "training_coders": list(chosen)}
    return _fit_and_save(cb, texts, Y, out=out, backend=backend, prior=prior, provenance=provenance,
                         epochs=epochs, progress=progress)


# ---- evidence, quotes, report ----------------------------------------------------------------------------


def project_codebook(store: Store, codebook: str | Path | None = None):
    """The codebook to report with: the one given, else the one of the latest run that coded passages (a
    classify run, or an import of human codes)."""
    if codebook is not None:
        return _given_codebook(store, codebook)
    runs = store.table("runs")
    coding = set(store.coding_runs()["run_id"])
    coded = runs[((runs["command"] == "classify") | runs["run_id"].isin(coding)) & (runs["status"] == "ok")
                 & runs["codebook_id"].notna()]
    if coded.empty:
        raise errors.error("E408", path=store.path, classify=errors.Call("classify", codebook="impact"),
                           fft=errors.Option("codebook", "fft"), codes_import=errors.Call("codes import"))
    return _run_codebook(coded.iloc[-1], runs)


def _stored_codebook_ref(store: Store, codebook: str | Path | None) -> str | Path | None:
    """``codebook`` as given; for the id of a user's own codebook (no shipped id, no file of that name) that the
    store has coded with, the path its runs recorded."""
    from evalnlp.codebook import SHIPPED

    if not isinstance(codebook, str) or codebook in SHIPPED or Path(codebook).exists() \
            or any(c in codebook for c in "/\\."):
        return codebook
    try:
        return _codebook_ref(_given_codebook(store, codebook))
    except errors.CodebookError:
        return codebook  # the loading proper says what is wrong


def _given_codebook(store: Store, codebook: str | Path):
    """The codebook given by id or path; a user's own codebook may be named by its id when the store has coded
    with it (the path its runs recorded is then read, as `evidence` without --codebook reads it)."""
    from evalnlp.codebook import load_codebook

    try:
        return load_codebook(codebook)
    except errors.CodebookError as exc:
        if exc.code != "E201" or not isinstance(codebook, str) or any(c in codebook for c in "/\\.") \
                or store is None:
            raise
        runs = store.table("runs")
        own = runs[(runs["codebook_id"] == codebook) & (runs["status"] == "ok")]
        for _, run in own.iloc[::-1].iterrows():
            try:
                return _run_codebook(run, runs)
            except errors.CodebookError:
                continue
        raise


def _run_codebook(run: Any, runs: pd.DataFrame | None = None):
    """The codebook a run recorded: the reference it was given (id or path), else its id.

    A run may know its codebook by id alone (a review import, or a run recorded by an earlier evalnlp) or by a
    path given from another folder: then the first reference of ``runs`` (newest first) that loads a codebook of
    the same id and sha256 is used, such as the path the store was classified with."""
    import json

    from evalnlp.codebook import load_codebook

    def reference(row: Any) -> str:
        args = json.loads(row["args"] or "{}") if isinstance(row["args"], str) else {}
        return str(args.get("codebook") or row["codebook_id"])

    ref = reference(run)
    try:
        return load_codebook(ref)
    except errors.CodebookError as exc:
        if exc.code not in ("E201", "E202") or runs is None:
            raise
        failure = exc
    tried = {ref}
    same = runs[(runs["codebook_id"] == run["codebook_id"]) & (runs["codebook_sha256"] == run["codebook_sha256"])]
    for _, other in same.iloc[::-1].iterrows():
        candidate = reference(other)
        if candidate in tried:
            continue
        tried.add(candidate)
        try:
            cb = load_codebook(candidate)
        except errors.EvalnlpError:
            continue
        if cb.id == run["codebook_id"] and cb.sha256 == run["codebook_sha256"]:
            return cb
    raise failure


def _keep_names(keep_names: str | Path | Sequence[str] | None) -> list[str]:
    """Names redaction leaves in: from a file (one name a line) when given a path, else the list itself."""
    from evalnlp.redact import read_keep_names

    if keep_names is None:
        return []
    if isinstance(keep_names, (str, Path)):
        return read_keep_names(keep_names)
    return list(keep_names)


def evidence(store: Store, *, by: Sequence[str] = (), claims: str | Path | None = None,
             codebook: str | Path | None = None, redact: bool = True, output: str | Path | None = None,
             keep_names: str | Path | Sequence[str] | None = None, quotes: bool = True):
    """Evidence tables: per theme, per ``by`` group, and per claim. Returns an :class:`evalnlp.evidence.Evidence`;
    with ``output`` also writes it (.xlsx, .csv, .md, .docx, .html or .json). ``keep_names`` (a list of names,
    or the path of a file with one name a line) and a claims file's ``keep_names`` list are left in the
    redacted quotes. ``quotes=False`` leaves the theme table's and the matrices' quote columns empty (the counts
    are the same; choosing, scoring and redacting their quotes is most of the work on a large store); it cannot
    be combined with ``output``, whose file always has them."""
    redact, quotes = _flag(redact, "redact"), _flag(quotes, "quotes")
    if not quotes and output is not None:
        raise errors.error("E149", "quotes_output")
    if output is not None:
        _guard_output(store, output)  # before any work
    from evalnlp.evidence import build_evidence
    from evalnlp.reports import write_evidence

    keep = _keep_names(keep_names)
    cb = project_codebook(store, codebook)
    ev = build_evidence(store, cb, by=_names(by) or [], claims=claims, redact=redact, keep_names=keep, quotes=quotes)
    if not redact and quotes:  # a file that looks like a shareable one says it is not
        from evalnlp.reports._common import NOT_REDACTED

        ev.notes.append(errors.Note(NOT_REDACTED))
    if output is not None:
        ev.files = write_evidence(ev, output)
    if redact and quotes:  # said to whoever runs it, after the file is written: not a note for its readers
        from evalnlp.quotes import named_sources, source_names_note

        named = named_sources([d["source"] for d in ev.provenance.get("data", [])], keep)
        if named:
            ev.notes.append(errors.Note(source_names_note(named)))
    errors.issue(ev.notes)
    for frame in (ev.themes, ev.claims, *ev.matrices.values()):
        missing_as_none(frame)
    return ev


def quotes(store: Store, theme: str, *, n: int = 5, by: str | None = None, redact: bool = True,
           codebook: str | Path | None = None, output: str | Path | None = None,
           keep_names: str | Path | Sequence[str] | None = None) -> pd.DataFrame:
    """The best ``n`` quotes for ``theme`` (a theme id, or a list of one) per ``by`` group, ranked, de-duplicated,
    attributed and (by default) de-identified, leaving the names in ``keep_names`` (a list, or a file with one name
    a line). With ``output`` also writes them (.md, .docx, .csv or .json).

    What the user should know (no quotes, and why; a group attribute that shadows a built-in one) is the frame's
    ``attrs["notes"]`` (pandas' metadata of the frame, not the column ``attrs``), issued as
    :class:`EvalnlpWarning` too.

    Columns, one row a quote, best first: theme, text (as a report prints it: redacted unless ``redact=False``),
    score, doc_id, source, locator, speaker and source_ref (a testimonial's; None for a survey answer), attrs
    (the document's metadata, a dict), then group (with ``by``), seg_id, start and end (offsets into the
    document's text), the parts of the score (confidence, representativeness, readability) and redactions (how
    many details were replaced in the quote and its speaker)."""
    from evalnlp.quotes import rank_quotes
    from evalnlp.reports import write_quotes

    check_quote_count(n)
    redact = _flag(redact, "redact")
    if not isinstance(theme, str):  # a list said "no theme ['staff']. Did you mean 'staff'?"
        items = list(theme) if isinstance(theme, (list, tuple)) else None
        if items is None or len(items) != 1 or not isinstance(items[0], str):
            raise errors.error("E149", "theme", value=theme)
        theme = items[0]
    by = _one_name(by, "quotes")
    if output is not None:
        _guard_output(store, output)  # before any work

    keep = _keep_names(keep_names)
    cb = project_codebook(store, codebook)
    _check_theme(store, cb, theme)
    df = rank_quotes(store, cb, theme, n=n, by=by, redact=redact, keep_names=keep)
    if output is not None:
        write_quotes(df, output, codebook=cb, redacted=redact)
    notes = [errors.Note("{shadow}", fields={"shadow": shadow})] if by and (
        shadow := attribute_note(store, by, codebook)) else []
    if redact and len(df):
        from evalnlp.quotes import named_sources, source_names_note

        named = named_sources(df["source"], keep)
        if named:
            notes.append(errors.Note(source_names_note(named)))
    hint = uncoded_note(store, codebook) if df.empty else None
    if hint:
        notes.append(errors.Note("no quotes: {hint}", fields={"hint": hint}))
    elif df.empty:  # (the command line says it with its table, not with JSON, whose empty list says it)
        notes.append(errors.Note("no quotes: no coded passage has the theme {theme!r}" + (" in any group" if by else "")
                                 + " (`{evidence}` shows how many passages each theme has)", at="table",
                                 fields={"theme": theme, "evidence": errors.Call("evidence")}))
    df.attrs["notes"] = notes
    errors.issue(notes)
    return missing_as_none(df)


def attribute_note(store: Store, attr: str, codebook: str | Path | None = None) -> str | None:
    """When ``attr`` is a column of the documents that has a built-in attribute's name (``question``,
    ``source``, ``kind``): a note saying groups by it are that column's, and the name the built-in goes by."""
    from evalnlp.corpus import BUILTIN_ATTRIBUTES, load_corpus

    if attr not in BUILTIN_ATTRIBUTES:  # no other name can be a built-in's: no store to ask
        return None
    corpus = load_corpus(store, project_codebook(store, codebook))
    try:
        return corpus.shadow_note(attr)
    finally:
        corpus.close()


def check_quote_count(n: Any) -> None:
    """:class:`InputError` E158 unless ``n`` is a number of quotes the store can rank: a whole number from 1 to
    :data:`evalnlp.quotes.MAX_QUOTES` (per group)."""
    import numbers

    from evalnlp.quotes import MAX_QUOTES

    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= MAX_QUOTES:
        raise errors.error("E158", "count", n=n, most=MAX_QUOTES)


def _check_theme(store: Store, cb, theme: str) -> None:
    """A clear error for a theme not in ``cb`` (E220, listing its themes), naming the codebook(s) that have
    it among the shipped ones and those this store was coded with."""
    from evalnlp.codebook import SHIPPED, load_codebook
    from evalnlp.errors import CodebookError, EvalnlpError

    try:
        cb.get(theme)
        return
    except CodebookError as exc:
        error = exc
    refs = [ref for ref, cid in store.classify_codebooks() if cid != cb.id]
    refs += [c for c in SHIPPED if c != cb.id and c not in refs]
    having = []
    for ref in refs:
        try:
            other = load_codebook(ref)
        except EvalnlpError:  # a codebook file moved or deleted since it was used
            continue
        if theme in other.theme_ids and other.id not in [o.id for o in having]:
            having.append(other)
    if not having:
        raise error
    from evalnlp.quotes import codebook_ref

    hints: dict[str, Any] = {}  # (options and commands as fields: each reader's words, see errors.Note)
    parts = []
    for i, other in enumerate(having):
        ref = codebook_ref(other)
        hints[f"option{i}"] = errors.Option("codebook", ref)
        hints[f"classify{i}"] = errors.Call("classify", codebook=ref)
        parts.append("{option%d}" % i + ("" if store.has_codes(other.theme_ids) else " (after `{classify%d}`)" % i))
    raise errors.error("E220", "elsewhere", error_message=error.message, theme=theme,
                       listed=', '.join(repr(o.id) for o in having),
                       hints=errors.Note(" or ".join(parts), fields=hints)) from None


def uncoded_note(store: Store, codebook: str | Path | None = None) -> str | None:
    """When nothing in the store is coded with ``codebook`` (default: the latest classify run's): a note
    naming the codebook(s) the store was coded with instead; ``None`` when it holds codes for it."""
    from evalnlp.quotes import uncoded_note as note

    return note(store, project_codebook(store, codebook))


def report(store: Store, output: str | Path, *, claims: str | Path | None = None, by: str | None = None,
           redact: bool = True, codebook: str | Path | None = None,
           keep_names: str | Path | Sequence[str] | None = None) -> Path:
    """Write one self-contained HTML report (charts inline, no network fetches); redaction leaves the names in
    ``keep_names`` (a list, or a file with one name a line) and in the claims file's ``keep_names``."""

    if Path(output).suffix.lower() not in (".html", ".htm"):
        raise errors.error("E161", "report", output=str(output))
    redact = _flag(redact, "redact")
    by = _one_name(by, "report")
    _guard_output(store, output)  # before any work
    keep = _keep_names(keep_names)
    cb = project_codebook(store, codebook)
    return write_report(store, cb, Path(output), claims=claims, by=by, redact=redact, keep_names=keep)


def write_report(store: Store, codebook, path: str | Path, *, redact: bool = True, claims=None,
                 by: Sequence[str] | str | None = None, n_quotes: int = 3, encoder=None, title: str | None = None,
                 keep_names: Sequence[str] = ()) -> Path:
    """Gather what the HTML report shows and render it to ``path`` (``codebook`` is a loaded codebook).

    The heatmap uses the first ``by`` attribute, or else the first metadata key with 2-12 groups; the top
    ``n_quotes`` quotes per theme are shown; ``claims`` (a claims file path or a list of
    :class:`~evalnlp.evidence.Claim`) adds the claim table; redaction leaves the names in ``keep_names`` (and in
    the claims file's ``keep_names``). Returns ``path``.
    """
    from evalnlp.corpus import load_corpus
    from evalnlp.evidence import ask_store as ask_for_evidence
    from evalnlp.evidence import build_evidence, claims_keep_names
    from evalnlp.quotes import ask_store_each as ask_for_quotes
    from evalnlp.quotes import Preload, rank_quotes
    from evalnlp.reports.html import pick_heatmap_attribute, report_html

    preload = Preload(encoder, redact)  # the models load while the store answers
    corpus = load_corpus(store, codebook)
    by_list = [by] if isinstance(by, str) else list(by or [])
    if not by_list:
        auto = pick_heatmap_attribute(corpus)
        by_list = [auto] if auto else []
    keep = list(keep_names)
    if isinstance(claims, (str, Path)):
        keep += claims_keep_names(claims)
    if claims is None:  # the store answers every question first, and its temporary tables go before scoring
        ask_for_evidence(corpus, codebook, by_list)
        ask_for_quotes(corpus, list(codebook.theme_ids), n=n_quotes)
        if redact:  # the chosen quotes' documents, read with every candidate's in one pass (not one per theme)
            corpus.remember_candidate_documents()
        corpus.close()
    preload.wait()
    evidence = build_evidence(store, codebook, by=by_list, claims=claims, redact=redact, n_quotes=n_quotes,
                              encoder=encoder, corpus=corpus, keep_names=keep)
    parts = [rank_quotes(store, codebook, t, n=n_quotes, redact=redact, encoder=encoder, corpus=corpus,
                         keep_names=keep)
             for t in codebook.theme_ids]
    parts = [part for part in parts if len(part)]
    quotes = pd.concat(parts, ignore_index=True) if parts else None
    return report_html(evidence, path, title=title or f"Evidence report: {codebook.title}", quotes=quotes,
                       heatmap=by_list[0] if by_list else None, redact=redact)


# ---- theme discovery -------------------------------------------------------------------------------------


def discover(store: Store, *, codebook: str | Path | None = None, embedding: str = "static",
             theme: str | None = None, by: str | None = None, group: str | None = None,
             question: str | None = None, min_topic_size: int | None = None, seed: int = 0, guided: bool = True,
             emergent_below: float | None = None, redact: bool = True, output: str | Path | None = None,
             suggest: str | Path | None = None, keep_names: str | Path | Sequence[str] | None = None):
    """Find topics in the store's passages with BERTopic, guided by a codebook, and map each onto its nearest
    theme (``emergent`` when none is near). Returns an :class:`evalnlp.discovery.Discovery`.

    The codebook is the one given, else the store's (latest coding run), else ``impact``. ``theme``, ``by`` with
    ``group``, and ``question`` narrow the passages. The topics are stored in the ``topics`` table under a
    recorded run. ``output`` writes .json (the contract), .html (plots) or .md; ``suggest`` writes a draft
    codebook YAML with one new theme per emergent topic. ``keep_names`` (a list, or a file with one name a
    line) stay in the redacted examples. Needs the ``topics`` extra.
    """
    from evalnlp.codebook import load_codebook
    from evalnlp.discovery import discover_topics, discovery_passages
    from evalnlp.errors import StoreError
    from evalnlp.reports.discovery import check_output, check_suggestion, write_discovery, write_suggestion

    check_output(output)  # bad file names fail before any work
    check_suggestion(suggest)
    redact, guided = _flag(redact, "redact"), _flag(guided, "guided")
    for written in (output, suggest):
        if written is not None:
            _guard_output(store, written)  # E177: a file the store read
    keep = _keep_names(keep_names)
    if codebook is not None:
        cb = _given_codebook(store, codebook)
    else:
        try:
            cb = project_codebook(store)
        except StoreError:
            cb = load_codebook("impact")
    if suggest is not None:
        _guard_codebook_output(cb, suggest)
        _guard_draft_target(store, suggest)
    filters = {"theme": theme, "by": by, "group": group, "question": question}
    args = {"codebook": _codebook_ref(cb), "embedding": embedding, **filters,
            "min_topic_size": min_topic_size, "seed": seed, "guided": guided, "emergent_below": emergent_below,
            "redact": redact, "output": str(output) if output else None, "suggest": str(suggest) if suggest else None}
    with recorded_run(store, "discover", args, codebook_id=cb.id, codebook_sha256=cb.sha256) as run:
        run_id = run.id
        passages = discovery_passages(store, cb, theme=theme, by=by, group=group, question=question)
        found = discover_topics(passages, cb, embedding=embedding, min_topic_size=min_topic_size, seed=seed,
                                guided=guided, redact=redact, keep_names=keep,
                                emergent_below=emergent_below,
                                filters={k: v for k, v in filters.items() if v is not None})
        store.update_run(run_id, model_sha256=found.encoder_sha256)
        store.replace_topics(found.store_frame(), run_id)
        run.counts(n_in=found.n_passages, n_ok=found.n_passages, n_rejected=0)
    found.run_id = run_id
    try:  # the topics are committed first: a file that cannot be written says they are kept
        if output is not None:
            found.outputs.append(write_discovery(found, output))
        if suggest is not None:
            found.outputs.append(write_suggestion(found, cb, suggest))
    except errors.EvalnlpError as exc:
        _raise_saved(exc, "the topics found", "are", run_id)
    for frame in (found.topics, found.passages, found.similarity):
        missing_as_none(frame)
    return found


def _raise_saved(exc: errors.EvalnlpError, saved: str, are: str, run_id: int) -> None:
    """Re-raise ``exc``; an output file that failed part-way (E162 ``write_failed``) after the command's run was
    committed says what the store keeps (``saved``, run ``run_id``) rather than that nothing was saved."""
    if exc.code == "E162" and exc.template == errors.template("E162", "write_failed"):
        raise errors.error("E162", "write_failed_saved", path=exc.fields["path"], reason=exc.fields["reason"],
                           saved=saved, are=are, run_id=run_id) from exc
    raise exc


# ---- project exchange (REFI-QDA: NVivo, ATLAS.ti, MAXQDA, QualCoder...) -----------------------------------


@dataclass
class QdaExport:
    """What ``export`` wrote: a ``.qdpx`` project (documents as text sources, coded passages, codings per coder)
    or a ``.qdc`` codebook."""

    path: Path
    kind: str  # "project" or "codebook"
    codebook_id: str
    themes: int
    documents: int = 0
    sources: int = 0  # text sources: one per survey answer (or table row), one per narrative file
    files: int = 0  # the narrative files among the sources (their paragraphs or pages are documents)
    #: documents of narrative files that a later read of the file superseded (the earlier version of a changed
    #: paragraph): among ``documents``, in evalnlp.json with their codes, but not in their file's source text
    superseded: int = 0
    #: every passage of the documents, coded or not; those no coder gave a theme travel in evalnlp.json
    passages: int = 0
    selections: int = 0  # passages with at least one theme: the project's text selections
    codings: int = 0
    #: per coder: ``passages`` it coded (a theme or none), ``with_code`` (those it gave a theme), ``codings``;
    #: counted as ``import`` counts them, so an export read into a new store gives the same numbers
    coders: pd.DataFrame | None = None
    notes: list[str] | None = None


_QDA_SUFFIXES = (".qdpx", ".qdc")


def export(store: Store | None, path: str | Path, *, codebook: str | Path | None = None) -> QdaExport:
    """Write a REFI-QDA file for QDA programs: ``FILE.qdpx`` the whole project (every document, every
    coder's codes for the codebook's themes), ``FILE.qdc`` the codebook alone.

    The codebook is the one given, else the store's (that of its latest classify or import run).
    """
    from evalnlp import qda

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _QDA_SUFFIXES:
        raise errors.error("E120", "suffix", path=str(path))
    if not path.parent.is_dir():
        raise errors.error("E120", "folder", parent=str(path.parent), file=path.name)
    if store is not None:
        _guard_output(store, path)  # E177: a file the store read
    else:
        from evalnlp.util import check_output_path

        check_output_path(path)
    if path.exists():
        _guard_qda_target(path)  # E177: a file another program wrote, or that is no REFI-QDA file of evalnlp's
    if store is None:
        from evalnlp.codebook import load_codebook

        if codebook is None:
            raise errors.error("E120", "which_codebook")
        cb = load_codebook(codebook)
    else:
        cb = project_codebook(store, codebook)
    if suffix == ".qdc":
        qda.export_qdc(cb, path)
        return QdaExport(path=path, kind="codebook", codebook_id=cb.id, themes=len(cb.themes), notes=[])
    summary = qda.export_qdpx(store, path, cb)
    errors.issue(summary.notes)
    return QdaExport(path=path, kind="project", codebook_id=cb.id, themes=len(cb.themes),
                     documents=summary.documents, sources=summary.sources, files=summary.files,
                     superseded=summary.superseded,
                     passages=summary.passages, selections=summary.selections, codings=summary.codings,
                     coders=summary.coders, notes=summary.notes)


def _guard_qda_target(path: Path) -> None:
    """E177 unless the file already at ``path`` is a REFI-QDA file evalnlp wrote and no program changed since: a
    project or codebook saved by NVivo, ATLAS.ti, MAXQDA or QualCoder (or evalnlp's export changed by one of them)
    holds codings, memos and sets this store may not have, and anything else there is not evalnlp's to replace."""
    from evalnlp import qda

    found = qda.existing_file(path)
    if found is not None and found.evalnlp_unchanged:
        return
    suggest = str(path.with_name(f"{path.stem}-{_OUTPUT_SUFFIX}{path.suffix}"))
    if found is None:
        raise errors.error("E177", "not_qda", output=str(path), suggest=suggest)
    origin = found.origin.strip()
    if origin.casefold().startswith("evalnlp"):
        by = f"that {origin} wrote and another program has changed since"
    elif origin:
        by = f"written by {origin}"
    else:
        by = "written by a program it does not name"
    if found.kind == "codebook":  # a .qdc: `evalnlp import` reads projects only
        raise errors.error("E177", "foreign_codebook", output=str(path), by=by, suggest=suggest,
                           codebook_import=errors.Call("codebook import"))
    raise errors.error("E177", "foreign", output=str(path), what=found.kind, by=by, suggest=suggest,
                       import_qdpx=errors.Call("import"))


@dataclass
class QdaImport:
    """What ``import`` read from a ``.qdpx`` project and stored. The run's counts add up: every source and
    every text selection read (``n_in``) is a document or passage (``n_ok``) or a reject (``n_rejected``)."""

    run_id: str
    file: str
    origin: str | None
    codebook_id: str
    complete: bool  # an evalnlp export read whole (scores, sentiment, unselected passages), not XML alone
    n_in: int
    n_ok: int
    n_rejected: int
    documents: int  # documents read from the text sources (a narrative file's source split into its documents)
    documents_new: int
    segments: int
    segments_new: int
    #: per coder: ``passages`` it coded (a theme or none), ``with_code`` (those it gave a theme), ``codings``;
    #: counted as ``export`` counts them
    coders: pd.DataFrame
    rejects: pd.DataFrame  # source, locator, code, reason
    discarded: dict[str, int]  # elements evalnlp does not use (notes, sets, graphs...): how many
    #: what the user should know: what was not imported (a line of the command's output, kind ``info``), then
    #: how the file was read (printed after ``note:``); issued as :class:`EvalnlpWarning`
    notes: list[str]
    new_codebook: Path | None = None
    segments_with_code: int = 0  # of ``segments``, those a coder of the file gave at least one theme


def import_qdpx(store: Store, path: str | Path, *, coder: str | None = None, codebook: str | Path | None = None,
                new_codebook: str | Path | None = None, limits=None) -> QdaImport:
    """Read a REFI-QDA project (``.qdpx``) from NVivo, ATLAS.ti, MAXQDA, QualCoder or evalnlp into the store:
    text sources as documents, text selections as passages, codings as codes (``human:<user name>``, or
    ``human:NAME`` for all with ``coder``).

    Codes map onto the themes of ``codebook`` (else the store's codebook, else the shipped codebook the
    file's codes come from, else ``impact``) by GUID, name, theme id, label or alias; codes that do not map
    are an error listing them (E240), unless ``new_codebook`` names a YAML file to write the file's codes to
    as a new codebook, which is then used (a file already there is refused, E148, never replaced). The whole
    file is read and checked before anything is written; a damaged archive, one past the size caps (``limits``,
    a :class:`evalnlp.qda.Limits`), or XML with a document type declaration is refused with the store untouched.
    """
    from evalnlp import qda
    from evalnlp.codebook import load_codebook

    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():  # /dev/null, a named pipe
        raise errors.error("E121", "not_a_file", path=str(path), kind=path_kind(path),
                           expected="a .qdpx project")
    if not path.is_file():
        raise errors.error("E121", "project", path=str(path), folder=" (it is a folder)" if path.is_dir() else "")
    _refuse_store_file(path, "a .qdpx project")
    if path.suffix.lower() == ".qdc":
        raise errors.error("E128", "qdc_given", file=path.name,
                           convert=errors.Call("codebook import", "out=FILE.yaml", path=path.name))
    if codebook is not None and new_codebook is not None:
        raise errors.error("E129")
    if new_codebook is not None and Path(new_codebook).suffix.lower() not in (".yaml", ".yml"):
        raise errors.error("E161", "new_codebook", new_codebook=str(new_codebook))
    if new_codebook is not None and (Path(new_codebook).exists() or Path(new_codebook).is_symlink()):
        # a file the person wrote (or edited after an earlier import) is never replaced
        raise errors.error("E148", "new_codebook", new_codebook=str(new_codebook))
    who = qda.coder_override(coder)
    parsed = qda.read_qdpx(path, limits or qda.DEFAULT_LIMITS)
    project = parsed.project
    code_map = None
    converted = None
    if new_codebook is not None:
        out = Path(new_codebook)
        used = {c.code for s in project.sources for sel in s.selections for c in sel.codings}
        converted = qda.codes_to_codebook(project.theme_codes, cb_id=qda.slug(out.stem), title=out.stem,
                                          description=f"Codes of {path.name}, a REFI-QDA project"
                                          + (f" from {project.origin}" if project.origin else "") + ".",
                                          source=str(out), read_from=path.name, keep=used)
        cb = converted.codebook
        code_map = qda.CodeMap(themes=dict(converted.themes))
        ref = str(out.resolve())
    elif codebook is not None:
        cb, ref = load_codebook(codebook), str(codebook)
    else:
        cb = _store_or_file_codebook(store, project)
        ref = _codebook_ref(cb)
    plan = qda.plan_import(store, parsed, cb, code_map=code_map, coder=who)
    if converted is not None:
        qda.write_atomic(Path(new_codebook), lambda tmp: tmp.write_bytes(converted.yaml.encode("utf-8")))
    args = {"file": str(path), "coder": who, "codebook": ref,
            "new_codebook": str(new_codebook) if new_codebook is not None else None}
    with recorded_run(store, "import", args, codebook_id=cb.id, codebook_sha256=cb.sha256) as run:
        run_id = run.id
        written = qda.write_plan(store, plan, run_id)
        # the file the documents came from: no later output of this store may be written over it (E177)
        store.record_input(path.name, str(path.resolve()), file_sha256(path), run_id)
        run.counts(n_in=plan.n_in, n_ok=plan.n_ok, n_rejected=plan.n_rejected)
    notes = list(plan.notes) + (converted.notes if converted is not None else [])
    if project.discarded:
        kept_out = ", ".join(f"{n:,} {what}" for what, n in project.discarded.items())
        notes.insert(0, errors.Note(f"not imported (evalnlp has no place for them): {kept_out}", "info"))
    errors.issue(notes)
    return QdaImport(run_id=run_id, file=path.name, origin=project.origin, codebook_id=cb.id,
                     complete=plan.complete, n_in=plan.n_in, n_ok=plan.n_ok, n_rejected=plan.n_rejected,
                     documents=len(plan.documents), documents_new=written.documents_new,
                     segments=len(plan.segments), segments_new=written.segments_new,
                     coders=missing_as_none(written.coders), segments_with_code=written.segments_with_code,
                     rejects=missing_as_none(plan.rejects.copy()), discarded=dict(project.discarded), notes=notes,
                     new_codebook=Path(new_codebook) if new_codebook is not None else None)


def _refuse_store_file(path: Path, what: str) -> None:
    """E414, before ``path`` is read as ``what``: when it is the file of a store open in this process (looked up,
    not opened: reading it would release the store's lock), or any other DuckDB database (a project store given
    in place of the file)."""
    from evalnlp.util import refuse_open_store

    refuse_open_store(path, what)
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return  # the reader says why it cannot be read
    if head[8:12] == b"DUCK":
        raise errors.error("E414", "store", path=str(path), what=what,
                           export=errors.Call("export", "path=FILE.qdpx", db=str(path)))


def _store_or_file_codebook(store: Store, project):
    """The store's codebook; else the shipped codebook whose themes the file's codes are; else impact."""
    from evalnlp import qda
    from evalnlp.codebook import SHIPPED, load_codebook
    from evalnlp.errors import StoreError

    try:
        return project_codebook(store)
    except StoreError:
        pass
    for cb_id in SHIPPED:
        cb = load_codebook(cb_id)
        if {qda.code_guid(cb.id, t) for t in cb.theme_ids} & set(project.codes):
            return cb
    return load_codebook("impact")


@dataclass
class CodebookImport:
    """A REFI-QDA codebook written as an evalnlp YAML codebook (validated)."""

    path: Path
    codebook: Any
    notes: list[str]


def codebook_import(path: str | Path, out: str | Path, *, id: str | None = None) -> CodebookImport:
    """Turn a REFI-QDA codebook (``.qdc``, or the codebook of a ``.qdpx`` project) into an evalnlp YAML
    codebook at ``out``: one theme per codable code, hierarchy kept as ``parent``, descriptions as
    definitions. The codebook's id is ``id``, else that of the codebook a ``.qdc`` evalnlp exported holds (whose
    themes get their ids back where their ids are words of their labels), else made from the file name."""
    import re

    from evalnlp import qda

    path, out = Path(path), Path(out)
    if path.exists() and not path.is_file():  # a directory, /dev/null, a named pipe
        raise errors.error("E121", "not_a_file", path=str(path), kind=path_kind(path),
                           expected="a .qdc codebook")
    if not path.is_file():
        raise errors.error("E121", "codebook", path=str(path))
    if path.suffix.lower() not in _QDA_SUFFIXES:  # told by its name, before any of it is parsed
        raise errors.error("E120", "import_codebook", path=str(path))
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise errors.error("E161", "codebook_out", out=str(out))
    from evalnlp.util import check_output_path, refuse_open_store

    refuse_open_store(path, "a .qdc codebook")  # E414: the file of a store open here is never read

    check_output_path(out)  # E162: a folder that does not exist, or a folder given as the file
    exported_as = qda.exported_codebook_id(path)  # a codebook evalnlp exported: its id, to find its themes' again
    cb_id = id if id is not None else exported_as or qda.slug(path.stem)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", cb_id):

        raise errors.error("E206", "import_id", cb_id=cb_id, slug=qda.slug(cb_id))
    codes = qda.read_codes(path)
    converted = qda.codes_to_codebook(codes, cb_id=cb_id, title=path.stem,
                                      description=f"Imported from {path.name}, a REFI-QDA codebook.",
                                      source=str(out), read_from=path.name, exported_as=exported_as)
    qda.write_atomic(out, lambda tmp: tmp.write_bytes(converted.yaml.encode("utf-8")))
    errors.issue(converted.notes)
    return CodebookImport(path=out, codebook=converted.codebook, notes=converted.notes)

# ---- the review loop ---------------------------------------------------------------------------------------


@dataclass
class ReviewExport:
    """What ``review export`` wrote: the workbook (``path``), its passages and how they were chosen.

    ``passages`` has one row per passage offered, in the workbook's order: seg_id, text, source, locator,
    speaker and source_ref (a testimonial's; None for other passages), question, reason (why it was chosen)
    and machine (the theme ids the machine gave it, a list).

    >>> chosen = project.review_export("review.xlsx", n=50, strategy="uncertain")     # doctest: +SKIP
    >>> chosen.passages[["text", "reason", "machine"]]                               # doctest: +SKIP
    """

    path: Path
    run_id: str
    codebook_id: str
    coder: str  # the machine coder whose decisions pre-fill the workbook
    strategy: str
    thresholds_from: str  # "model card", "of the untrained coder" or "inferred from the codes"
    n_candidates: int  # passages the coder coded that no person has coded (distinct texts)
    #: seg_id, text, source, locator, speaker, source_ref (a testimonial's; None for other passages), question,
    #: reason, machine (list of theme ids)
    passages: pd.DataFrame
    #: sentences holding the words of a testimonial not yet reviewed, left out of the candidates: the testimonial
    #: is the one offered (it names its speaker)
    left_out: list[str] = field(default_factory=list)


@dataclass
class ReviewImport:
    """What ``review import`` stored: the reviewer's codes and the counts of the workbook.

    ``reviewed`` has one row per row of the workbook that held a decision: seg_id, row (its row in the sheet),
    themes (the reviewer's theme ids, a list), machine (the machine's), changed (whether they differ) and note
    (what the reviewer wrote under notes)."""

    run_id: str
    coder: str
    codebook_id: str
    n_rows: int  # rows read: n_reviewed + n_untouched
    n_reviewed: int  # rows that became human codes: n_changed_passages + n_confirmed
    n_untouched: int  # rows left as exported: skipped, nothing stored
    n_changed_passages: int  # reviewed rows whose themes differ from the machine's
    n_changed_cells: int  # theme decisions (cells) that differ from the machine's
    n_notes: int
    reviewed: pd.DataFrame  # seg_id, row, themes, machine, changed (bool: themes differ from the machine's), note
    #: passages given a reviewed row's decision because they repeat it (same text, question and kind), not coded
    #: by any person before
    n_repeats: int = 0
    #: columns the reviewer added that are not themes, with how many rows hold something in them: not stored
    #: (only the theme columns, 'reviewed' and 'notes' are)
    ignored_columns: dict[str, int] = field(default_factory=dict)
    #: another human coder of the store whose name differs from this one's in case only
    case_twin: str | None = None
    #: the sha256 of the codebook version the workbook was exported with, when it is not the codebook's now
    #: (read with ``codebook_changed``)
    exported_sha256: str | None = None
    #: what the user should know of the import (issued as :class:`EvalnlpWarning`); the reviewer's own notes
    #: are the ``note`` column of ``reviewed``
    notes: list[str] = field(default_factory=list)

    @property
    def n_confirmed(self) -> int:
        """Reviewed rows whose themes are the machine's (a mark in 'reviewed', a note, a 0 typed in an empty
        cell)."""
        return self.n_reviewed - self.n_changed_passages


def _machine_run(store: Store, cb) -> dict[str, Any]:
    """The latest successful classify run with this very codebook (id and sha256), as a dict with ``coder``."""
    import json


    runs = store.table("runs")
    coded = runs[(runs["command"] == "classify") & (runs["status"] == "ok") & (runs["codebook_id"] == cb.id)]
    same = coded[coded["codebook_sha256"] == cb.sha256]
    if same.empty:
        other = (f" Passages were coded with another version of codebook {cb.id!r} (sha256 "
                 f"{str(coded.iloc[-1]['codebook_sha256'])[:12]}, this one is {cb.sha256[:12]}): classify again with "
                 "this version." if not coded.empty else "")
        raise errors.error("E420", "not_coded", path=store.path, cb_id=cb.id, sha256=cb.sha256[:12], other=other,
                           classify=errors.Call("classify", codebook=cb.id))
    run = same.iloc[-1].to_dict()
    run["args"] = json.loads(run["args"] or "{}") or {}
    run["coder"] = run["args"].get("coder")
    if not run["coder"]:  # its codes cannot be told apart: E421 would name the coder "None"
        raise errors.error("E420", "no_coder", path=store.path, cb_id=cb.id, run_id=run["run_id"],
                           recode=errors.Call("classify", codebook=cb.id, recode=True))
    return run


def _review_thresholds(run: dict[str, Any], cb, scores, assigned) -> tuple[Any, str]:
    """The machine coder's thresholds: from its model card when the card of the very model that coded can be
    found, else inferred from its codes (see :func:`evalnlp.review.infer_thresholds`)."""
    import numpy as np

    from evalnlp.coding import UNTRAINED, shipped_model_for
    from evalnlp.review import infer_thresholds

    model = run["args"].get("model")
    name = shipped_model_for(cb) if model is None else (None if model in UNTRAINED else model)
    if cb.multi_label and (model in UNTRAINED or (model is None and name is None)):
        # keyword or zero-shot (a codebook without a shipped model): classify builds them with their default
        # threshold, the same for every theme
        from evalnlp.coding.base import DEFAULT_THRESHOLD

        return np.full(len(cb.theme_ids), float(DEFAULT_THRESHOLD)), "of the untrained coder"
    if name is not None:
        try:
            from evalnlp.coding.persist import read_card

            card = read_card(name)
            thresholds = card.get("thresholds") or {}
            if (card.get("model_sha256") == run.get("model_sha256") and set(thresholds) >= set(cb.theme_ids)):
                return np.array([float(thresholds[t]) for t in cb.theme_ids]), "model card"
        except (OSError, ValueError, TypeError, KeyError, EvalnlpError):
            pass
    if not cb.multi_label:  # the top theme wins: the boundary is the margin to the runner-up
        return np.zeros(len(cb.theme_ids)), "inferred from the codes"
    return infer_thresholds(scores, assigned), "inferred from the codes"


def review_export(store: Store, path: str | Path, *, n: int = 50, strategy: str = "uncertain",
                  codebook: str | Path | None = None, theme: str | None = None, seed: int = 0) -> ReviewExport:
    """Write the ``n`` passages most worth a person's check to a review workbook (.xlsx).

    Candidates are the passages the latest machine coder of the codebook (the one given, else the latest
    classify run's) coded and no person has coded yet, each distinct text once. ``strategy``: ``uncertain``
    (scores nearest each theme's threshold, themes in turn; ``theme`` keeps to one theme), ``diverse`` (k-means
    over the static embeddings, seeded) or ``random`` (seeded); with ``diverse`` or ``random``, ``theme`` keeps
    to passages the machine gave that theme. A sentence holding the words of a testimonial that is a candidate
    is not one (:func:`evalnlp.review.held_sentences`): those words are offered once, as the testimonial, which
    names its speaker. The export is recorded as a run.
    """
    import numpy as np

    from evalnlp import review as rv

    if strategy not in rv.STRATEGIES:
        raise errors.error("E199", "strategy", strategies=', '.join(rv.STRATEGIES), strategy=strategy)
    n = rv._check_n(n)
    if Path(path).suffix.lower() != ".xlsx":
        raise errors.error("E190", "export", path=str(path))
    _guard_output(store, path, review=True)  # E162, and E177 for a file the store read
    there = rv.existing_workbook(path)  # a reviewer's work is never replaced: E190
    if there is not None and there.kind == "other":
        raise errors.error("E190", "replace_other", path=str(path), review_export=errors.Call("review export"))
    if there is not None and there.n_typed:  # unless imported since the file was last saved
        from datetime import datetime, timezone

        imported = store.review_imported(there.export_run)
        saved = datetime.fromtimestamp(Path(path).stat().st_mtime, timezone.utc).replace(tzinfo=None)
        if imported is None or saved > imported:
            raise errors.error("E190", "replace_edited", path=str(path), n=there.n_typed,
                               review_import=errors.Call("review import"))
    cb = project_codebook(store, codebook)
    theme_index = cb.theme_ids.index(cb.get(theme).id) if theme is not None else None
    run = _machine_run(store, cb)
    coder = run["coder"]
    segs, scores, assigned = store.coder_matrix(coder, list(cb.theme_ids))
    if segs.empty and not (store.coders()["coder"] == coder).any():  # its runs coded nothing (an empty store)
        other = " The store holds no passages yet: read files into it first." if not store.count("segments") else ""
        raise errors.error("E420", "not_coded", path=store.path, cb_id=cb.id, sha256=cb.sha256[:12], other=other,
                           classify=errors.Call("classify", codebook=cb.id))
    if segs.empty:
        raise errors.error("E421", "all_reviewed", cb_id=cb.id, coder=coder, classify=errors.Call("classify"))
    # each distinct answer once per question and kind of passage: "Nothing" asked what was good and asked what
    # could be better are two answers; a reviewer's decision on one covers its repeats (see review_import). The
    # store keeps the first of each exact text; those are folded (case and spacing) here.
    firsts = np.flatnonzero(segs["first"].to_numpy(dtype=bool))
    context = store.segment_context(segs["seg_id"].iloc[firsts].tolist())  # the rows of ``firsts``, in order
    keep = np.zeros(len(segs), dtype=bool)
    keep[firsts[rv.distinct_texts(context["text"].tolist(), keys=_repeat_keys(context))]] = True
    at = np.full(len(segs), -1)
    at[firsts] = np.arange(len(firsts))  # a row's place in ``context``
    thresholds, thresholds_from = _review_thresholds(run, cb, scores, assigned)
    if theme_index is not None and strategy != "uncertain":
        keep &= assigned[:, theme_index]
    rows = np.flatnonzero(keep)
    # a testimonial and the sentence(s) holding its words are one set of words, offered once, as the testimonial
    # (it names its speaker): while the testimonial is a candidate, the sentences holding it are not
    where = context.iloc[at[rows]]
    held = rv.held_sentences(where["doc_id"].tolist(), where["kind"].tolist(), where["start"].tolist(),
                             where["end"].tolist())
    hidden = np.asarray(sorted({s for sents in held.values() for s in sents}), dtype=np.int64)
    left_out = context["seg_id"].iloc[at[rows[hidden]]].tolist() if hidden.size else []
    rows = np.delete(rows, hidden)
    if rows.size == 0:
        raise errors.error("E421", "no_theme", theme=theme, coder=coder)
    sub_scores = scores[rows]
    labels = {t.id: t.label for t in cb.themes}
    if strategy == "diverse":
        from evalnlp.embeddings import get_encoder

        encoder = get_encoder("static")
        vectors = encoder.encode(context["text"].iloc[at[rows]].tolist())
        human = store.human_coded_segments()
        covered = encoder.encode(human["text"].tolist()) if len(human) else None

    if strategy == "uncertain":
        picked, why = rv.select_uncertain(sub_scores, thresholds, n, multi_label=cb.multi_label,
                                          theme=theme_index, return_themes=True)
        boundary = sub_scores - rv.margins(sub_scores, thresholds, multi_label=cb.multi_label)
        against = "threshold" if cb.multi_label else "rival"
        reasons = [f"near the {labels[cb.theme_ids[j]]} boundary: score {sub_scores[i, j]:.2f}, {against} "
                   f"{boundary[i, j]:.2f}" for i, j in zip(picked, why)]
    elif strategy == "diverse":
        picked, sizes = rv.select_diverse(vectors, n, seed=seed, covered=covered, return_sizes=True)
        reasons = [f"stands for a group of {s:,} similar passages" for s in sizes]
    else:
        picked = rv.select_random(len(rows), n, seed=seed)
        reasons = [f"random sample (seed {seed})"] * len(picked)
    chosen = rows[picked]
    ids = cb.theme_ids
    shown = ["seg_id", "text", "source", "locator", "speaker", "source_ref", "question"]
    passages = context.iloc[at[chosen]][shown].reset_index(drop=True)
    for name in ("speaker", "source_ref"):  # a passage that is no testimonial has neither
        passages[name] = passages[name].astype(object).where(passages[name].notna(), None)
    passages["reason"] = reasons
    passages["machine"] = [[t for t, a in zip(ids, assigned[i]) if a] for i in chosen]
    args = {"file": str(path), "n": n, "strategy": strategy, "codebook": _codebook_ref(cb),
            "theme": theme, "seed": seed, "coder": coder, "classify_run": run["run_id"],
            "candidates": int(len(rows)), "thresholds_from": thresholds_from,
            "seg_ids": passages["seg_id"].tolist(), "left_out_sentences": left_out}
    with recorded_run(store, "review export", args, codebook_id=cb.id, codebook_sha256=cb.sha256,
                      model_sha256=run.get("model_sha256")) as recorded:
        run_id = recorded.id
        identity = store.identity()
        passages["fingerprint"] = rv.fingerprint(identity, cb.sha256)
        meta = {"store": rv.store_hash(identity), "store_path": str(Path(store.path).resolve()),
                "codebook_id": cb.id, "codebook_version": cb.version, "codebook_sha256": cb.sha256,
                "codebook_ref": _codebook_ref(cb), "coder": coder, "strategy": strategy, "theme": theme or "",
                "seed": str(seed), "thresholds": thresholds_from, "export_run": run_id,
                "classify_run": run["run_id"]}
        out = rv.write_workbook(path, passages, cb, meta)
        recorded.counts(n_in=len(passages), n_ok=len(passages), n_rejected=0)
    return ReviewExport(path=out, run_id=run_id, codebook_id=cb.id, coder=coder, strategy=strategy,
                        thresholds_from=thresholds_from, n_candidates=int(len(rows)),
                        passages=missing_as_none(passages.drop(columns="fingerprint")), left_out=left_out)


def _repeat_keys(context: pd.DataFrame) -> list[tuple]:
    """What besides its text makes two passages the same answer in a review: the question and the passage kind."""
    return list(zip(context["question"].fillna(""), context["kind"].fillna("")))


def _review_repeats(store: Store, codes: pd.DataFrame, machine: str | None, person: str | None = None) -> pd.DataFrame:
    """The reviewed passages' ``codes`` (seg_id, theme, score, assigned) given again to each passage that repeats
    one of them (the same text, folded as the export folds it, to the same question, of the same kind) and that
    the machine coder ``machine`` coded and no person other than ``person`` (the reviewer) has coded: the export
    showed each such answer once, so the reviewer's decision on it is their decision on its repeats (otherwise
    those keep the machine's codes and come back in the next round), and a corrected decision replaces the one
    its repeats took before."""
    from evalnlp import review as rv

    if machine is None or codes.empty:
        return codes.iloc[0:0]
    reviewed = list(dict.fromkeys(codes["seg_id"]))
    others = store.repeat_candidates(reviewed, machine, person)  # texts that may fold alike; checked below
    if not others:
        return codes.iloc[0:0]
    context = store.segment_context(reviewed + others)
    keys = [(rv.fold_text(t), *k) for t, k in zip(context["text"], _repeat_keys(context))]
    key_of = dict(zip(context["seg_id"], keys))
    wanted = {key_of[s]: s for s in reversed(reviewed) if s in key_of}  # the first reviewed row of a key wins
    pairs = [(seg, wanted[key_of[seg]]) for seg in others if key_of.get(seg) in wanted]
    if not pairs:
        return codes.iloc[0:0]
    copies = pd.DataFrame(pairs, columns=["seg_id", "_from"])
    return (copies.merge(codes.rename(columns={"seg_id": "_from"}), on="_from")
            .drop(columns="_from")[list(codes.columns)])


def _check_review_texts(store: Store, sheet, name: str) -> None:
    """E193 when a row's text is not the text of the passage its hidden id names, as the export wrote it: a sort
    or a move of the visible columns only would put every decision on another passage."""
    from evalnlp import review as rv

    if "text" not in sheet.header:
        return
    # the text, and where the sheet still has them the question and locator: the same words answering two
    # questions are two rows whose texts match each other's passages
    shown = ["text"] + [c for c in ("question", "locator") if c in sheet.header]
    rows = [(rec["_row"], str(rec.get("seg_id")).strip(), [rec.get(c) for c in shown]) for rec in sheet.rows
            if rec.get("seg_id") not in (None, "")]
    if not rows:
        return
    context = store.segment_context([seg for _r, seg, _t in rows])
    stored = {seg: list(cells) for seg, *cells in zip(context["seg_id"], *(context[c] for c in shown))}

    def same(passage: list, cells: list) -> bool:  # as written, with case, spacing and escapes a spreadsheet may change
        return all(rv.cell_shows(v, c) for v, c in zip(passage, cells))

    moved = [(r, seg) for r, seg, cells in rows if seg in stored and not same(stored[seg], cells)]
    if moved:
        row = moved[0][0]
        raise errors.error("E193", "moved", file=name, row=row, where=f"{rv.REVIEW_SHEET}!{sheet.header['text']}{row}",
                           n_moved=len(moved))


def _check_review_machine(store: Store, sheet, reviewed: pd.DataFrame, name: str, cb) -> None:
    """E193 when a reviewed row's hidden ``machine`` cell no longer holds the themes the machine gave its passage
    in the classify run the workbook was exported from (checked where the store still holds that run's codes):
    the theme cells are read against it, so a cleared or edited cell turns the machine's own pre-filled 1s into
    changes, and an untouched row into a reviewer's decision."""
    from evalnlp import review as rv

    machine, run = sheet.meta.get("coder"), sheet.meta.get("classify_run")
    if not machine or not run or reviewed.empty:
        return
    given = store.assigned_in_run(machine, run, reviewed["seg_id"].tolist())
    # by the themes' ids now: a theme renamed since the run (its old id kept as an alias) is the same theme
    given = {seg: {rv.theme_now(cb, t) for t in themes} for seg, themes in given.items()}
    edited = [rec for rec in reviewed.itertuples(index=False)
              if rec.seg_id in given and set(rec.machine) != given[rec.seg_id]]
    if edited:
        rec = edited[0]
        raise errors.error("E193", "machine_edited", file=name, row=rec.row, n_edited=len(edited),
                           where=f"{rv.REVIEW_SHEET}!{sheet.header['machine']}{rec.row}",
                           found=";".join(rec.machine) or "nothing",
                           given=";".join(sorted(given[rec.seg_id])) or "nothing")


def review_import(store: Store, path: str | Path, *, coder: str, codebook_changed: bool = False) -> ReviewImport:
    """Turn an edited review workbook into human codes of ``human:NAME`` (see :data:`evalnlp.review.RULE` for
    which rows count). The workbook must come from this store and the codebook must be unchanged since the
    export; every cell is checked before anything is written, so a refused workbook leaves the store as it was.
    A reviewer's new decision on a passage replaces that reviewer's earlier codes of the codebook for it (those of a
    theme renamed or removed since included; their codes of another codebook stay). Recorded as a run whose
    counts (n_in = n_ok) are the rows that held a decision, every one stored; its args say how many rows were read
    (``rows``) and how many of them were left as exported (``untouched``), as the result does.

    ``codebook_changed``: read a workbook exported with another version of the codebook against the codebook as
    it is now (its wording edited, say), when it has the same themes (E192 otherwise); the run records the
    version the workbook was exported with, and :attr:`ReviewImport.exported_sha256` says it was needed."""
    from evalnlp import review as rv
    from evalnlp.codebook import load_codebook

    codebook_changed = _flag(codebook_changed, "codebook_changed")
    coder_id = rv.human_coder(coder)
    twin = _case_twin(store, coder_id)
    sheet = rv.read_workbook(path)
    name = sheet.path.name
    meta = sheet.meta
    identity = store.identity(create=False)
    if identity is None or rv.store_hash(identity) != meta.get("store"):
        raise errors.error("E191", file=name, store=meta.get('store_path'), path=store.path)
    try:
        cb = load_codebook(meta.get("codebook_ref") or meta.get("codebook_id") or "")
    except EvalnlpError as exc:
        raise errors.error("E192", "unloadable", file=name, ref=meta.get('codebook_ref'), exc=exc) from None
    exported_sha = str(meta.get("codebook_sha256") or "")
    changed = cb.sha256 != exported_sha
    if changed and not codebook_changed:
        raise errors.error("E192", "version", file=name, cb_id=cb.id, exported_sha256=exported_sha[:12],
                           sha256=cb.sha256[:12])
    if changed:
        new = rv.themes_without_column(sheet, cb)
        if new:
            raise errors.error("E192", "themes", file=name, cb_id=cb.id, themes=", ".join(map(repr, new)))
    decisions = rv.read_decisions(sheet, cb, expected_fingerprint=rv.fingerprint(identity, exported_sha))
    if len(decisions.reviewed):
        found = set(store.segment_context(decisions.reviewed["seg_id"].tolist())["seg_id"])
        lost = decisions.reviewed[~decisions.reviewed["seg_id"].isin(found)]
        if len(lost):
            row = int(lost.iloc[0]["row"])
            raise errors.error("E193", "lost", file=name, row=row, value=lost.iloc[0]['seg_id'], path=store.path,
                               n_lost=len(lost))
        _check_review_texts(store, sheet, name)
        _check_review_machine(store, sheet, decisions.reviewed, name, cb)
    args = {"file": str(path), "coder": coder_id, "codebook": _codebook_ref(cb), "export_run": meta.get("export_run"),
            "strategy": meta.get("strategy"), "rows": decisions.n_rows, "reviewed": decisions.n_reviewed,
            "untouched": decisions.n_untouched, "changed_passages": decisions.n_changed_passages,
            "confirmed": decisions.n_reviewed - decisions.n_changed_passages,
            "changed_cells": decisions.n_changed_cells, "notes": decisions.notes,
            "ignored_columns": dict(decisions.ignored)}
    if changed:
        args["exported_codebook_sha256"] = exported_sha
    repeats = _review_repeats(store, decisions.codes, meta.get("coder") or None, coder_id)
    args["repeats"] = int(repeats["seg_id"].nunique())
    with recorded_run(store, "review import", args, codebook_id=cb.id, codebook_sha256=cb.sha256) as run:
        run_id = run.id
        # the reviewer's decision on every theme of the codebook replaces theirs before on those passages, and
        # their codes there of a theme the codebook has renamed or removed since; their codes of another
        # codebook's themes stay, as with codes import and import
        store.put_human_codes(pd.concat([decisions.codes, repeats], ignore_index=True), coder_id, run_id,
                              retired_of=cb.id)
        # the run's counts are the rows that held a decision, each stored: a row left as exported was read and
        # nothing came of it (the args keep those: rows = reviewed + untouched), not a row accepted or rejected
        run.counts(n_in=decisions.n_reviewed, n_ok=decisions.n_reviewed, n_rejected=0)
    result = ReviewImport(run_id=run_id, coder=coder_id, codebook_id=cb.id, n_rows=decisions.n_rows,
                          n_reviewed=decisions.n_reviewed, n_untouched=decisions.n_untouched,
                          n_changed_passages=decisions.n_changed_passages, n_changed_cells=decisions.n_changed_cells,
                          n_notes=len(decisions.notes),
                          reviewed=missing_as_none(decisions.reviewed),
                          n_repeats=int(repeats["seg_id"].nunique()), ignored_columns=dict(decisions.ignored),
                          case_twin=twin, exported_sha256=exported_sha if changed else None)
    result.notes = _review_import_notes(result)
    errors.issue(result.notes)
    return result


def _review_import_notes(r: ReviewImport) -> list[errors.Note]:
    """What ``review import`` says besides its counts; ``at`` places each among the command's lines: ``first``
    before them all, none after the line of what was imported, ``end`` after the line of what changed."""
    notes = []
    if r.exported_sha256:
        notes.append(errors.Note(
            "the workbook was exported with another version of codebook {codebook!r} (sha256 {sha}); its decisions "
            "were read against the codebook as it is now, as {codebook_changed!o:True} asked, and the run records "
            "the version it was exported with", "warning", at="first",
            fields={"codebook": r.codebook_id, "sha": r.exported_sha256[:12]}))
    if r.case_twin:
        notes.append(_case_twin_said(r.coder, r.case_twin))
    for head, n in r.ignored_columns.items():
        notes.append(errors.Note(
            f"the column {head!r} is not one the workbook was exported with: what {n:,} row{'s' if n != 1 else ''} "
            f"hold{'' if n != 1 else 's'} in it was not read (only the theme columns, 'reviewed' and 'notes' are); to "
            "keep a comment with a decision, write it in the row's 'notes' cell and import again", "warning"))
    if r.n_reviewed == 0:
        notes.append(errors.Note("no row was reviewed: type 1 or 0 in a theme cell, choose yes under reviewed, or add "
                                 "a note, then save the workbook and import it again", "info"))
    if r.n_repeats:
        notes.append(errors.Note(
            f"the same decisions went to {r.n_repeats:,} passage{'s' if r.n_repeats != 1 else ''} repeating a "
            "reviewed one (the same text, to the same question), which the workbook showed once", "info", at="end"))
    return notes

