"""`evalnlp codes import|list`: human codes in the project store."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import (Typer, app, console, handle_errors, info, json_text, open_store, print_notes,
                              progress_bar)
from evalnlp.cli._options import FormatOption, OutputFormat

codes_app = Typer(help="Import human codes into the store and list every coder, human and machine.",
                        no_args_is_help=True)
app.add_typer(codes_app, name="codes")


@codes_app.command("import")
@handle_errors
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A human-coded table: CSV, TSV, XLSX, JSON, JSONL or Parquet.",
                               show_default=False),
    text: str = typer.Option(..., "--text", help="The text column.", show_default=False),
    labels: Optional[List[str]] = typer.Option(None, "--labels", help="One 0/1 column per theme (the flag once per "
                                                                "column: --labels a --labels b)."),
    labels_column: Optional[str] = typer.Option(None, "--labels-column", help="One column of theme ids joined "
                                                "by --sep (an empty cell: coded, no theme)."),
    sep: str = typer.Option(";", "--sep", help="Separator of theme ids in --labels-column."),
    coder: str = typer.Option(..., "--coder", help="Who coded: stored as human:NAME.", show_default=False),
    id: Optional[str] = typer.Option(None, "--id", help="Column with a respondent or row id, which places "
                                     "each answer as in ingest (respondent=R7 rather than row 7)."),
    meta: Optional[List[str]] = typer.Option(None, "--meta", help="Metadata column kept in attrs (repeatable; "
                                             "as in ingest). Default: every other column."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="impact, fft or a YAML path. Default: the "
                                           "store's codebook, else impact."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet to read (default: the first)."),
    source: Optional[str] = typer.Option(None, "--source", help="The file is a coder's copy of this ingested "
                                         "source (as `evalnlp runs` shows it, e.g. survey.xlsx#Sheet1): attach the "
                                         "codes to its documents by --id (or row) and text; ingest nothing new."),
    question: Optional[str] = typer.Option(None, "--question", metavar="NAME", help="The question the --text "
                                           "column's answers are stored under, instead of its header (as ingest "
                                           "--question): a coded copy whose text column is headed otherwise than "
                                           "the export's finds the export's answers."),
) -> None:
    """Import a human-coded sample as the codes of coder human:NAME.

    The file is read exactly as `ingest` reads it (same documents, so rows already ingested get the codes and
    importing twice adds nothing; empty texts are rejects). The answers are stored under the text column's header
    as their question, or under --question NAME. A row with no theme counts as coded with none.
    This coder's earlier codes of the themes the file decides (every theme, for --labels-column) on the same
    passages are replaced, with their codes there of a renamed theme's old id (kept as an alias) and, for
    --labels-column, of a theme removed since; nobody else's are touched.
    """
    from evalnlp import api

    with open_store(ctx) as store, progress_bar(ctx, "reading") as advance:
        result = api.import_codes(store, file, text=text, coder=coder, labels=labels, labels_column=labels_column,
                                  sep=sep, id=id, meta=meta, codebook=codebook, sheet=sheet, source=source,
                                  question=question, progress=advance)
    from evalnlp.cli.ingest import render_ingest

    render_ingest(ctx, result.ingest, None, command="codes import")
    from rich.table import Table

    table = Table(title=f"codes of {result.coder} (codebook {result.codebook_id})", title_justify="left")
    for col in ("theme", "label", "passages"):
        table.add_column(col, justify="right" if col == "passages" else "left")
    for r in result.themes.itertuples():
        table.add_row(r.theme, r.label, f"{r.passages:,}")
    info(ctx, table)
    info(ctx, f"{result.n_coded:,} passages coded ({result.n_no_theme:,} with no theme): {result.n_new:,} new, "
              f"{result.n_changed:,} changed, {result.n_unchanged:,} unchanged")
    print_notes(ctx, result.notes)


@codes_app.command("list")
@handle_errors
def list_(
    ctx: typer.Context,
    format: FormatOption = OutputFormat.table,
) -> None:
    """List every coder in the store, human and machine, with the passages and codes of each."""
    from evalnlp import api

    with open_store(ctx, read_only=True) as store:
        df = api.coders(store)
    if format == "json":
        records = [{"coder": r.coder, "kind": r.kind, "passages": int(r.passages), "documents": int(r.documents),
                    "codes": int(r.codes), "no_theme": int(r.no_theme), "runs": int(r.runs),
                    "first_run": r.first_run, "last_run": r.last_run} for r in df.itertuples()]
        print(json_text({"coders": records}, indent=2))
        return
    if df.empty:
        console.print("no codes in the store yet: run `evalnlp classify` or `evalnlp codes import`")
        return
    from rich.table import Table

    table = Table(title="coders", title_justify="left")
    for col in ("coder", "kind", "passages", "documents", "codes", "no theme", "last run"):
        table.add_column(col, justify="left" if col in ("coder", "kind", "last run") else "right")
    for r in df.itertuples():
        table.add_row(r.coder, r.kind, f"{r.passages:,}", f"{r.documents:,}", f"{r.codes:,}", f"{r.no_theme:,}",
                      r.last_run)
    console.print(table)
