"""`evalnlp agreement`: how well two coders in the store agree."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import app, console, handle_errors, info, open_store, print_notes
from evalnlp.cli._options import FormatOption, OutputFormat


@app.command()
@handle_errors
def agreement(
    ctx: typer.Context,
    coder: Optional[List[str]] = typer.Option(None, "--coder", help="A coder to compare (give it twice for two; "
                                              "human: may be left out). Default: each human coder against the "
                                              "latest machine coder."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="impact, fft or a YAML path. Default: the "
                                           "store's codebook."),
    format: FormatOption = OutputFormat.table,
    disagreements: Optional[str] = typer.Option(None, "--disagreements", help="Write the passages coded "
                                                "differently, with both codings (.csv, .xlsx, .parquet, .jsonl, "
                                                ".json), for a consensus meeting."),
) -> None:
    """Agreement between two coders on the passages both coded.

    Precision, recall, F1 and Cohen's kappa per theme (the first coder as reference), micro and macro F1 and
    Krippendorff's alpha, as `evaluate` gives them. Human against human works the same way.
    """
    import json

    from evalnlp import api

    if coder and len(coder) > 2:
        raise typer.BadParameter(f"give at most two coders; got {len(coder)}", param_hint="--coder")
    with open_store(ctx, read_only=True) as store:
        results = api.agreement(store, coder or (), codebook=codebook, disagreements=disagreements)
    if format == "json":
        docs = [r.to_json() for r in results]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2))
        return
    from rich.table import Table

    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    for r in results:
        a, b = r.coders
        report = r.report
        table = Table(title=f"{a} (reference) vs {b} on {report['n']:,} passages both coded", title_justify="left")
        for col in ("theme", "precision", "recall", "F1", "kappa", "support"):
            table.add_column(col, justify="left" if col == "theme" else "right")
        for theme, m in report["per_theme"].items():
            table.add_row(theme, fmt(m["precision"]), fmt(m["recall"]), fmt(m["f1"]), fmt(m["kappa"]),
                          str(m["support"]))
        console.print(table)
        console.print(f"micro-F1 {fmt(report['micro_f1'])}, macro-F1 {fmt(report['macro_f1'])}, "
                      f"Krippendorff's alpha {fmt(report['krippendorff_alpha'])}; "
                      f"{len(r.disagreements):,} of {report['n']:,} passages coded differently "
                      f"({a} coded {r.n_a:,} passages, {b} {r.n_b:,})")
        print_notes(ctx, r.notes)
    if disagreements:
        info(ctx, f"wrote {disagreements}")
