"""`evalnlp ingest`: read files into the project store."""

from __future__ import annotations

from typing import List

import typer

from evalnlp.cli._app import Column, app, data_table, handle_errors, info, open_store, print_notes, progress_bar
from evalnlp.cli._options import (DropHumanCodesOption, IdOption, MetaOption, QuestionOption, ReplaceOption,
                                  SheetOption, TextOption, Unit, UnitOption)


@app.command()
@handle_errors
def ingest(
    ctx: typer.Context,
    files: List[str] = typer.Argument(..., help="Files to read: CSV, TSV, XLSX, JSON, JSONL, Parquet, TXT, MD, "
                                      "DOCX or PDF; a folder or a quoted glob pattern ('exports/*.csv') stands "
                                      "for the files it holds.", show_default=False),
    text: TextOption = None,
    id: IdOption = None,
    meta: MetaOption = None,
    unit: UnitOption = Unit.response,
    sheet: SheetOption = None,
    replace: ReplaceOption = False,
    drop_human_codes: DropHumanCodesOption = False,
    question: QuestionOption = None,
) -> None:
    """Read survey exports and documents into the project store, losing nothing.

    Every row (per text column) becomes a document or a reject with its reason (an empty answer is a reject, and
    so is one that only stands for no answer: "-", "N/A", "no comment", "see above"; "None" and "Nothing" are
    answers); re-ingesting a file (or a copy of it under another name) adds nothing, and the rows of an earlier
    export stay.
    With --replace a corrected export takes the place of the earlier one of its name: the store then holds
    exactly its answers, and keeps the codes and review decisions of those it still has.
    Narrative files (TXT, MD, DOCX, PDF) become paragraph or page documents; their testimonials and reach
    figures are extracted on the way in.
    A table's answers are stored under their column's header as their question; --question names it otherwise
    (a column renamed between exports keeps the earlier export's question).
    """
    from evalnlp import api

    check_replace(replace, drop_human_codes)
    with open_store(ctx) as store, progress_bar(ctx, "reading") as advance:
        result = api.ingest(store, files, text=text or (), id=id, meta=meta, unit=unit.value, sheet=sheet,
                            progress=advance, replace=replace, drop_human_codes=drop_human_codes,
                            question=question or ())
        summary = api.store_summary(store)
    render_ingest(ctx, result, summary)


def check_replace(replace: bool, drop_human_codes: bool) -> None:
    """--drop-human-codes says what --replace may remove: alone it is a usage error (exit 2)."""
    if drop_human_codes and not replace:
        raise typer.BadParameter("goes with --replace (only a replacing read removes answers)",
                                 param_hint="--drop-human-codes")


def render_ingest(ctx: typer.Context, result, summary: dict[str, int] | None, command: str = "ingest") -> None:
    # a file's name is never cut short (files named alike would look the same): it wraps in a narrow table
    columns = [Column(col, justify="left" if col in ("source", "format") else "right",
                      overflow="fold" if col == "source" else "ellipsis",
                      min_width=min(40, max(len(f.source) for f in result.files)) if col == "source" and result.files
                      else None)
               for col in ("source", "format", "n_in", "n_ok", "n_new", "n_rejected", "segments", "testimonials",
                           "reach", "sources")]
    rows = [(f.source, f.format + (f" ({f.encoding})" if f.encoding else ""), f"{f.n_in:,}", f"{f.n_ok:,}",
             f"{f.n_new:,}", f"{f.n_rejected:,}", f"{f.n_segments:,}", f"{f.n_testimonials:,}", f"{f.n_reach:,}",
             f"{f.n_sources:,}")
            for f in result.files]
    table = data_table(columns, rows, title=f"{command} run {result.run_id}")
    info(ctx, table)
    print_notes(ctx, result.notes)
    held = (f"; the store now holds {_count(summary['documents'], 'document')} and "
            f"{_count(summary['segments'], 'segment')}" if summary else "")
    info(ctx, f"n_in {result.n_in:,} = n_ok {result.n_ok:,} + n_rejected {result.n_rejected:,} "
              f"(read = accepted + rejected){held}"
              + (" (see `evalnlp runs --rejects`)" if result.n_rejected else ""))



def _count(n: int, word: str) -> str:
    """``1 document``, ``2,000 documents``."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")
