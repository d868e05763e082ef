"""`evalnlp train`: train a theme coder from a human-coded sample (a file, or the human codes in the store)."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import app, handle_errors, info, mark_finished, open_store, print_notes, progress_bar


@app.command()
@handle_errors
def train(
    ctx: typer.Context,
    file: Optional[str] = typer.Argument(None, help="A human-coded file (CSV, XLSX, JSON, Parquet...); or use "
                                         "--from-store.", show_default=False),
    text: Optional[str] = typer.Option(None, "--text", help="The text column (with FILE).", show_default=False),
    labels: Optional[List[str]] = typer.Option(None, "--labels", help="One 0/1 column per theme (the flag once per "
                                                                "column: --labels a --labels b)."),
    labels_column: Optional[str] = typer.Option(None, "--labels-column", help="One column of theme ids joined "
                                                "by --sep."),
    sep: str = typer.Option(";", "--sep", help="Separator of theme ids in --labels-column."),
    from_store: bool = typer.Option(False, "--from-store", help="Train from the human codes in the store "
                                    "(`evalnlp codes import`) instead of a FILE."),
    coder: Optional[str] = typer.Option(None, "--coder", help="With --from-store: only this human coder's codes "
                                        "(default: every human coder's)."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="impact, fft or a YAML path. Default: impact "
                                           "with FILE; the codebook the codes were imported with, with --from-store."),
    backend: str = typer.Option("auto", "--backend", help="auto, supervised, ensemble, finetune, zeroshot or "
                                "keyword (auto: ensemble under 2,000 passages, else supervised; finetune trains a "
                                "small transformer: more accurate, minutes to train, needs the transformers extra)."),
    out: str = typer.Option(..., "--out", help="Directory to save the model and its card in.", show_default=False),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet."),
    prior: Optional[str] = typer.Option(None, "--prior", help="Ensemble only: what a small sample starts from: "
                                        "zeroshot, a shipped model (impact-themes) or a model directory (default "
                                        "with --backend auto: the codebook's shipped model, else zeroshot)."),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1, max=100, help="Finetune only: passes over the "
                                         "training passages (default 3; fewer train faster, more may fit better "
                                         "or over-fit: the held-back validation figure says)."),
) -> None:
    """Train a theme coder from a human-coded sample: a FILE, or the human codes in the store (--from-store).

    Saves the model with skops plus a JSON card: codebook and training-data sha256, cross-validated metrics,
    package versions. Trained from a prior, it also prints how the prior alone agrees with the same codes
    (keep the prior if that is higher), and warns when the sample repeats the prior's own training passages.
    """
    from evalnlp import api

    if from_store == (file is not None):
        raise typer.BadParameter("give a human-coded FILE (with --text and --labels or --labels-column) or "
                                 "--from-store, not both and not neither", param_hint="FILE / --from-store")
    if from_store:
        given = [name for name, value in (("--text", text), ("--labels", labels), ("--labels-column", labels_column),
                                          ("--sheet", sheet)) if value]
        if given:
            raise typer.BadParameter(f"{', '.join(given)} describe a FILE; --from-store reads the codes already "
                                     "in the store", param_hint=given[0])
        with open_store(ctx, read_only=True) as store, progress_bar(ctx, "training") as advance:
            result = api.train_from_store(store, out=out, coder=coder, codebook=codebook, backend=backend,
                                          prior=prior, epochs=epochs, progress=advance)
    else:
        if coder is not None:
            raise typer.BadParameter("--coder picks human codes in the store; use it with --from-store",
                                     param_hint="--coder")
        if text is None:
            raise typer.BadParameter("which column holds the text? Give --text COL with FILE", param_hint="--text")
        with progress_bar(ctx, "training") as advance:
            result = api.train(file, text=text, labels=labels, labels_column=labels_column, sep=sep,
                               codebook=codebook or "impact", backend=backend, out=out, sheet=sheet, prior=prior,
                               epochs=epochs, progress=advance)
    mark_finished(ctx)
    prior_note = f" from the prior {result.card['prior']}" if result.card.get("prior") else ""
    source = f" ({result.card['training_data']})" if from_store else ""
    article = "an" if result.backend[:1] in "aeiou" else "a"
    info(ctx, f"trained {article} {result.backend} coder{prior_note} on {result.n:,} passages{source}"
              + (f" ({result.n_skipped:,} row{'s' if result.n_skipped != 1 else ''} without an answer skipped: "
                 "empty, only marks such as -, or a "
                 "placeholder such as N/A)" if result.n_skipped else "")
              + f"; saved to {result.out}" + (" (replacing the model that was there)" if result.replaced else ""))
    print_notes(ctx, result.notes)
    metrics = result.card.get("cv_metrics") or {}
    if metrics.get("macro_f1") is not None:
        graded = "on a held-back validation part" if result.backend == "finetune" else "cross-validated"
        info(ctx, f"{graded}: {_micro(metrics)}, macro-F1 {metrics['macro_f1']:.3f}")
    print_notes(ctx, result.notes, at="metrics")
    if result.prior_compared:
        alone = result.card["prior_metrics"]
        name = result.card.get("prior") or "prior"
        where = (f"the {int(alone.get('n') or 0):,} passages it had not seen" if result.card.get("prior_seen")
                 else "the same passages")
        info(ctx, f"the prior ({name}) alone on {where}: {_micro(alone)}, macro-F1 {alone['macro_f1']:.3f}")
    print_notes(ctx, result.notes, at="prior")
    shown = str(result.out)
    if shown in api.shipped_model_names():  # a bare name is the shipped model's: point at the folder
        shown = f"./{shown}"
    info(ctx, f"use it with: evalnlp classify --model {shown}")


def _micro(metrics: dict) -> str:
    """``micro-F1 X``; for one theme per passage, where micro-F1 is the share coded right, the accuracy
    (reported under that name) stands for it."""
    if metrics.get("micro_f1") is not None:
        return f"micro-F1 {metrics['micro_f1']:.3f}"
    if metrics.get("accuracy") is not None:
        return f"micro-F1 {metrics['accuracy']:.3f} (the share coded right: one theme per passage)"
    return "micro-F1 not computed"

