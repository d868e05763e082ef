"""The Python API: one function per command, plus :class:`Project` for notebooks.

Functions take plain values and return data (DataFrames, dataclasses); they never print. Each command opens
the store, records a run and does all its writing inside one transaction.

>>> import evalnlp
>>> project = evalnlp.open("evalnlp.duckdb")
>>> project.ingest(["survey.xlsx"], text=["What changed?"])       # doctest: +SKIP
>>> project.documents().head()                                      # doctest: +SKIP
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pandas as pd

from evalnlp.ingest import IngestOptions, IngestResult, ingest_paths
from evalnlp.store import Store

Progress = Callable[[int], None]


@contextmanager
def recorded_run(store: Store, command: str, args: dict[str, Any], **run_fields: Any) -> Iterator[str]:
    """Open a transaction, record a run, yield its id. The caller must call ``store.finish_run``."""
    with store.transaction():
        run_id = store.start_run(command, args, **run_fields)
        yield run_id


def ingest(store: Store, paths: Sequence[str | Path], *, text: Sequence[str] = (), id: str | None = None,
           meta: Sequence[str] | None = None, unit: str = "response", sheet: str | None = None,
           chunk_size: int = 50_000, progress: Progress | None = None) -> IngestResult:
    """Read files into the store. Returns what each file gave; the run's counts add up."""
    opts = IngestOptions(text=tuple(text), id=id, meta=tuple(meta) if meta is not None else None, unit=unit,
                         sheet=sheet, chunk_size=chunk_size)
    args = {"files": [str(p) for p in paths], "text": list(text), "id": id,
            "meta": list(meta) if meta is not None else None, "unit": unit, "sheet": sheet}
    with recorded_run(store, "ingest", args) as run_id:
        result = ingest_paths(store, paths, opts, run_id, progress)
        store.finish_run(run_id, n_in=result.n_in, n_ok=result.n_ok, n_rejected=result.n_rejected)
    return result


@dataclass
class ExtractedDocument:
    """Testimonials and reach figures found in one narrative file; offsets point into ``text``."""

    source: str
    text: str
    testimonials: list
    reach: list

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "testimonials": [{"quote": t.quote, "speaker": t.speaker, "source_ref": t.source_ref,
                              "start": t.start, "end": t.end} for t in self.testimonials],
            "reach": [{"text": r.text, "value": r.value, "unit": r.unit, "start": r.start, "end": r.end}
                      for r in self.reach],
        }


def extract(paths: Sequence[str | Path]) -> list[ExtractedDocument]:
    """Find attributed testimonials and reach figures in narrative files (TXT, MD, DOCX, PDF).

    For TXT and Markdown the offsets are into the file's text as read (universal newlines); for DOCX and
    PDF into the document's paragraphs or pages joined by blank lines.
    """
    from evalnlp.errors import InputError
    from evalnlp.ingest import narrative_text
    from evalnlp.ingest.narrative import extract as find
    from evalnlp.ingest.readers import file_kind

    if not paths:
        raise InputError("E133", "no input files given; expected one or more FILE arguments")
    kinds = [(Path(p), file_kind(p)) for p in paths]
    out = []
    for path, kind in kinds:
        if kind != "narrative":
            raise InputError("E134", f"{path.name}: extract reads narrative documents (.txt, .md, .docx, .pdf); "
                             f"got a {path.suffix} table. Use `evalnlp ingest` for survey exports")
        text = narrative_text(path)
        testimonials, reach = find(text)
        out.append(ExtractedDocument(source=path.name, text=text, testimonials=testimonials, reach=reach))
    return out


def runs(store: Store) -> pd.DataFrame:
    """Every run recorded in the store, oldest first."""
    return store.table("runs")


class Project:
    """A project store opened for exploration in a notebook.

    Every read method returns a pandas DataFrame; every step method runs the same code as the command of
    the same name.
    """

    def __init__(self, path: str | Path | None = None):
        self.store = Store(path)

    @property
    def path(self) -> str:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.store.summary().items())
        return f"<evalnlp.Project {self.path!r}: {counts}>"

    # reads
    def documents(self) -> pd.DataFrame:
        return self.store.table("documents")

    def segments(self) -> pd.DataFrame:
        return self.store.table("segments")

    def codes(self) -> pd.DataFrame:
        return self.store.table("codes")

    def sentiment(self) -> pd.DataFrame:
        return self.store.table("sentiment")

    def reach(self) -> pd.DataFrame:
        return self.store.table("reach")

    def runs(self) -> pd.DataFrame:
        return self.store.table("runs")

    def rejects(self) -> pd.DataFrame:
        return self.store.table("rejects")

    def summary(self) -> dict[str, int]:
        return self.store.summary()

    # steps
    def ingest(self, paths: Sequence[str | Path] | str | Path, **options: Any) -> IngestResult:
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return ingest(self.store, paths, **options)
