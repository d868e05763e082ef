"""`evalnlp report`: one self-contained HTML report."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import app, handle_errors, info, open_store
from evalnlp.cli._options import KeepNamesOption, RedactOption, StoreCodebookOption


@app.command()
@handle_errors
def report(
    ctx: typer.Context,
    output: str = typer.Option(..., "--output", "-o", help="The .html file to write.", show_default=False),
    claims: Optional[str] = typer.Option(None, "--claims", help="A YAML file of impact claims."),
    by: Optional[str] = typer.Option(None, "--by", help="Attribute for the heatmap (default: the first with "
                                     "2-12 groups)."),
    redact: RedactOption = True,
    codebook: StoreCodebookOption = None,
    keep_names: KeepNamesOption = None,
) -> None:
    """Write one self-contained HTML report.

    Theme prevalence with intervals, a theme-by-group heatmap, sentiment by theme, the claim table, top
    quotes per theme and provenance, in one file that needs no network. Every figure a chart shows by colour is
    also written in words, tables have captions and header cells, so the report reads with a screen reader or
    the keyboard alone and prints in black and white.
    """
    from evalnlp import api

    with open_store(ctx, read_only=True) as store:
        path = api.report(store, output, claims=claims, by=by, redact=redact, codebook=codebook,
                          keep_names=keep_names)
    info(ctx, f"wrote {path}")
