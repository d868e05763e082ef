"""What readers return: batches of rows from tabular sources, passages from narrative documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

Reject = tuple[str, str, str]

DEFAULT_CHUNK = 50_000


@dataclass
class Batch:
    """Rows read from a tabular source in one go.

    ``frame`` has one row per accepted input row and the source's columns (``TabularSource.columns``), every
    cell a Python ``str`` or ``None`` (object dtype). ``locators[i]`` says where ``frame`` row ``i`` came
    from (``"row 12"``, ``"Sheet1!row 12"``). ``rejects`` lists rows that could not be read as
    ``(locator, code, reason)``. ``n_rows == len(frame) + len(rejects)``.
    """

    frame: pd.DataFrame
    locators: list[str]
    rejects: list[Reject] = field(default_factory=list)
    n_rows: int = 0


@dataclass(frozen=True)
class Passage:
    """A piece of a narrative document: ``locator`` is ``"paragraph 4"``, ``"table 2 row 3 cell 1"`` or
    ``"page 2"``; ``text`` is the passage as it appears in the document."""

    locator: str
    text: str


class TabularSource:
    """An opened, validated tabular file. Use :func:`evalnlp.ingest.readers.open_tabular` to make one.

    ``format`` is the lower-case extension without the dot (``csv``, ``tsv``, ``xlsx``, ``json``, ``jsonl``,
    ``ndjson``, ``parquet``); ``encoding`` and ``delimiter`` are set for text formats, ``sheet`` for XLSX
    (the sheet read, also when it was chosen by default). ``columns`` are the header names, made unique;
    ``renamed`` lists ``(header, name)`` for each column whose header repeats an earlier one's, ``tidied`` each
    whose header had spaces around it or was blank.
    """

    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    columns: list[str]

    def __init__(self, path: Path, format: str, columns: list[str], *, encoding: str | None = None,
                 delimiter: str | None = None, sheet: str | None = None):
        self.path = path
        self.format = format
        self.columns = columns
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
        self.renamed: list[tuple[str, str]] = []
        self.tidied: list[tuple[str, str]] = []

    def set_header(self, cells) -> None:
        """Name the columns from the header ``cells``: unique names, and a record of repeated headers."""
        from evalnlp.columns import renamed_repeats, tidied_headers
        from evalnlp.ingest._cells import cell_to_str, unique_names

        cells = [cell_to_str(cell) for cell in cells]
        self.columns = unique_names(cells)
        self.renamed = renamed_repeats(cells, self.columns)
        self.tidied = tidied_headers(cells, self.columns)

    def batches(self, chunk_size: int = DEFAULT_CHUNK) -> Iterator[Batch]:
        """Yield the rows in batches of at most ``chunk_size`` rows read (accepted plus rejected).

        The file is read as a stream, so memory does not grow with its size. Each call reads it anew.
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        extra = "".join(f", {k}={getattr(self, k)!r}" for k in ("encoding", "delimiter", "sheet")
                        if getattr(self, k) is not None)
        return f"{type(self).__name__}({str(self.path)!r}, format={self.format!r}{extra}, columns={self.columns!r})"


def check_chunk_size(chunk_size: int) -> int:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"The 'chunk_size' parameter must be a positive int; got {chunk_size!r} instead.")
    return chunk_size


def make_batch(columns: list[str], rows: list[list[str | None]], locators: list[str],
               rejects: list[Reject]) -> Batch:
    """Build a :class:`Batch` from row lists (each exactly ``len(columns)`` long)."""
    if rows:
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
    else:
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in range(len(columns))})
        frame.columns = list(columns)
    return Batch(frame=frame, locators=locators, rejects=rejects, n_rows=len(rows) + len(rejects))


def frame_batch(frame: pd.DataFrame, locators: list[str], rejects: list[Reject]) -> Batch:
    """Build a :class:`Batch` from a ready frame."""
    return Batch(frame=frame, locators=locators, rejects=rejects, n_rows=len(frame) + len(rejects))
