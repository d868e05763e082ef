"""`evalnlp evidence`: theme, framework-matrix and claim tables."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import app, console, handle_errors, info, open_store


@app.command()
@handle_errors
def evidence(
    ctx: typer.Context,
    by: Optional[List[str]] = typer.Option(None, "--by", help="Group by an attribute (any metadata column, "
                                           "question, source); repeat for several matrices."),
    claims: Optional[str] = typer.Option(None, "--claims", help="A YAML file of impact claims."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write .xlsx, .csv, .md, .docx, .html or .json."),
    format: str = typer.Option("table", "--format", help="table or json."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="Default: the codebook the store was coded with."),
    redact: bool = typer.Option(True, "--redact/--no-redact", help="De-identify the quotes in the tables."),
) -> None:
    """Evidence tables: theme prevalence with 95% intervals, theme by group, and evidence per claim.

    Human codes override machine codes wherever they exist.
    """
    import json

    from evalnlp import api

    if format not in ("table", "json"):
        raise typer.BadParameter(f"must be table or json; got {format!r}", param_hint="--format")
    with open_store(ctx, read_only=True) as store:
        ev = api.evidence(store, by=by or (), claims=claims, codebook=codebook, redact=redact, output=output)
    if format == "json":
        print(json.dumps(ev.to_json(), ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    t = Table(title=f"themes ({ev.documents_coded:,} documents coded)", title_justify="left")
    for col in ("theme", "label", "segments", "documents", "share", "95% CI"):
        t.add_column(col, justify="left" if col in ("theme", "label") else "right")
    for r in ev.themes.itertuples():
        t.add_row(r.theme, r.label, f"{r.segments:,}", f"{r.documents:,}", f"{r.share:.1%}",
                  f"{r.ci_low:.1%}-{r.ci_high:.1%}")
    console.print(t)
    for attr, m in ev.matrices.items():
        pivot = m.pivot(index="theme", columns="group", values="share").reindex(ev.themes["theme"])
        mt = Table(title=f"share of documents by {attr}", title_justify="left")
        mt.add_column("theme")
        for g in pivot.columns:
            mt.add_column(str(g), justify="right")
        for theme, row in pivot.iterrows():
            mt.add_row(theme, *("" if v != v else f"{v:.0%}" for v in row))
        console.print(mt)
    if not ev.claims.empty:
        ct = Table(title="claims", title_justify="left", show_lines=True)
        for col in ("id", "claim", "segments", "documents", "sources", "strength"):
            ct.add_column(col, overflow="fold")
        for r in ev.claims.itertuples():
            ct.add_row(r.id, r.text, f"{r.segments:,}", f"{r.documents:,}", f"{r.sources:,}", r.strength)
        console.print(ct)
    if output:
        info(ctx, f"wrote {output}")
