"""`evalnlp evaluate`: how well a coder agrees with human coders."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import Column, app, data_table, handle_errors, print_notes, show
from evalnlp.cli._options import FormatOption, OutputFormat


@app.command()
@handle_errors
def evaluate(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A human-coded file.", show_default=False),
    text: str = typer.Option(..., "--text", help="The text column.", show_default=False),
    labels: Optional[List[str]] = typer.Option(None, "--labels", help="One 0/1 column per theme (the flag once per "
                                                                "column: --labels a --labels b)."),
    labels_column: Optional[str] = typer.Option(None, "--labels-column", help="One column of theme ids."),
    sep: str = typer.Option(";", "--sep", help="Separator of theme ids in --labels-column."),
    model: Optional[str] = typer.Option(None, "--model", help="A model directory, a shipped model name, or "
                                        "zeroshot / keyword (the untrained coders)."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="Evaluate the codebook's default coder."),
    format: FormatOption = OutputFormat.table,
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet."),
) -> None:
    """Measure how well a coder agrees with human coders.

    Precision, recall, F1 and Cohen's kappa per theme; micro and macro F1; Krippendorff's alpha.
    """
    import json

    from evalnlp import api

    if model is None and codebook is None:
        raise typer.BadParameter("give --model DIR or --codebook ID|PATH", param_hint="--model / --codebook")
    report = api.evaluate(file, text=text, labels=labels, labels_column=labels_column, sep=sep, model=model,
                          codebook=codebook, sheet=sheet)
    if format == "json":
        print(json.dumps(report, indent=2))
        return
    fmt = lambda v: "-" if v is None else f"{v:.3f}"  # noqa: E731
    columns = [Column(col, justify="left" if col == "theme" else "right")
               for col in ("theme", "precision", "recall", "F1", "kappa", "support")]
    show(data_table(columns, ((theme, fmt(m["precision"]), fmt(m["recall"]), fmt(m["f1"]), fmt(m["kappa"]),
                               str(m["support"])) for theme, m in report["per_theme"].items()),
                    title=f"agreement of {report['coder']} (codebook {report['codebook']}) with human codes on "
                          f"{report['n']:,} passages"))
    show(f"micro-F1 {fmt(report['micro_f1'])}, macro-F1 {fmt(report['macro_f1'])}, "
         f"Krippendorff's alpha {fmt(report['krippendorff_alpha'])}")
    print_notes(ctx, report.notes)
