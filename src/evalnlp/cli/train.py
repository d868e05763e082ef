"""`evalnlp train`: train a theme coder from a human-coded sample."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import app, handle_errors, info, mark_finished


@app.command()
@handle_errors
def train(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A human-coded file (CSV, XLSX, JSON, Parquet...).", show_default=False),
    text: str = typer.Option(..., "--text", help="The text column.", show_default=False),
    labels: Optional[List[str]] = typer.Option(None, "--labels", help="One 0/1 column per theme (repeat)."),
    labels_column: Optional[str] = typer.Option(None, "--labels-column", help="One column of theme ids joined "
                                                "by --sep."),
    sep: str = typer.Option(";", "--sep", help="Separator of theme ids in --labels-column."),
    codebook: str = typer.Option("impact", "--codebook", help="impact, fft or a YAML path."),
    backend: str = typer.Option("auto", "--backend", help="auto, supervised, ensemble, zeroshot or keyword "
                                "(auto: ensemble under 2,000 passages, else supervised)."),
    out: str = typer.Option(..., "--out", help="Directory to save the model and its card in.", show_default=False),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet."),
    prior: Optional[str] = typer.Option(None, "--prior", help="Ensemble only: what a small sample starts from: "
                                        "zeroshot, a shipped model (impact-themes) or a model directory (default "
                                        "with --backend auto: the codebook's shipped model, else zeroshot)."),
) -> None:
    """Train a theme coder from a human-coded sample.

    Saves the model with skops plus a JSON card: codebook and training-data sha256, cross-validated metrics,
    package versions.
    """
    from evalnlp import api

    result = api.train(file, text=text, labels=labels, labels_column=labels_column, sep=sep, codebook=codebook,
                       backend=backend, out=out, sheet=sheet, prior=prior)
    mark_finished(ctx)
    prior_note = f" from the prior {result.card['prior']}" if result.card.get("prior") else ""
    info(ctx, f"trained a {result.backend} coder{prior_note} on {result.n:,} passages"
              + (f" ({result.n_skipped:,} rows without text skipped)" if result.n_skipped else "")
              + f"; saved to {result.out}")
    metrics = result.card.get("cv_metrics") or {}
    if metrics.get("macro_f1") is not None:
        info(ctx, f"cross-validated: micro-F1 {metrics.get('micro_f1', float('nan')):.3f}, "
                  f"macro-F1 {metrics['macro_f1']:.3f}")
    info(ctx, f"use it with: evalnlp classify --model {result.out}")
