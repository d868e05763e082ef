"""`evalnlp extract`: attributed testimonials and reach figures from narrative documents."""

from __future__ import annotations

from typing import List

import typer

from evalnlp.cli._app import app, console, handle_errors


@app.command()
@handle_errors
def extract(
    files: List[str] = typer.Argument(..., help="Narrative documents: TXT, MD, DOCX or PDF.", show_default=False),
    format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Find quoted testimonials (with speaker and source reference) and reach figures in documents.

    Nothing is written to the store; `evalnlp ingest` does the same extraction and stores the results.
    """
    import json

    from evalnlp import api

    if format not in ("table", "json"):
        raise typer.BadParameter(f"must be table or json; got {format!r}", param_hint="--format")
    docs = api.extract(files)
    if format == "json":
        print(json.dumps({"documents": [d.to_json() for d in docs]}, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    for d in docs:
        t = Table(title=f"{d.source}: {len(d.testimonials)} testimonials", title_justify="left", show_lines=True)
        for col in ("quote", "speaker", "ref", "at"):
            t.add_column(col, overflow="fold")
        for x in d.testimonials:
            t.add_row(x.quote, x.speaker or "", x.source_ref or "", f"{x.start}-{x.end}")
        console.print(t)
        r = Table(title=f"{d.source}: {len(d.reach)} reach figures", title_justify="left")
        for col in ("text", "value", "unit", "at"):
            r.add_column(col, overflow="fold")
        for x in d.reach:
            r.add_row(x.text, f"{x.value:,.0f}", x.unit or "", f"{x.start}-{x.end}")
        console.print(r)
