"""`evalnlp train`: train a theme coder from a human-coded sample (a file, or the human codes in the store)."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import app, handle_errors, info, mark_finished, open_store, progress_bar, warn


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
              + (f" ({result.n_skipped:,} rows without an answer skipped: empty, or only marks such as -)"
                 if result.n_skipped else "")
              + f"; saved to {result.out}" + (" (replacing the model that was there)" if result.replaced else ""))
    hard = result.card.get("hard_themes") or {}
    if hard.get("rare"):
        warn(ctx, f"too few coded passages to learn {_listed(hard['rare'])} (fewer than 3 each): the model gives "
                  f"{'it' if len(hard['rare']) == 1 else 'them'} only at even odds or better, which it will "
                  "rarely see; code more passages of it to learn it")
    if hard.get("every"):
        warn(ctx, f"{_listed(hard['every'])} {'is' if len(hard['every']) == 1 else 'are'} coded on every passage, "
                  "so nothing tells a passage without it apart and the model cannot learn it (it may give it to "
                  "every passage or to none); code some passages without it")
    metrics = result.card.get("cv_metrics") or {}
    if hard.get("none"):
        none = hard["none"]
        one = len(none) == 1
        said = f"{_listed(none)} {'is' if one else 'are'} coded on no passage"
        if result.backend == "ensemble" and result.card.get("prior"):
            # the ensemble scores a theme it could not learn by its prior alone, so it still gives it
            counted = [t for t in none if ((metrics.get("per_theme") or {}).get(t) or {}).get("f1") is not None]
            warn(ctx, f"{said}, so these codes teach the model nothing of {'it' if one else 'them'}: it gives "
                      f"{'it' if one else 'them'} wherever its prior ({result.card['prior']}) does"
                      + (f" (the cross-validated macro-F1 counts {_listed(counted)} at F1 0, as given where no one "
                         "coded it)" if counted else ""))
        else:
            warn(ctx, f"{said}: the model will never give {'it' if one else 'them'} (the macro-F1 leaves "
                      f"{'it' if one else 'them'} out)")
    flooded = _given_almost_everywhere(metrics, result.n)
    if flooded:
        given_to = "; ".join(f"{t} to {given:,} of {result.n:,} passages (people coded it on {support:,})"
                             for t, given, support in flooded)
        warn(ctx, f"in cross-validation the model gave {given_to}: with so few coded examples its threshold fell too "
                  "low to tell passages apart. Code more passages of these themes, or train with the default "
                  "backend (--backend auto), which leans on a prior")
    if metrics.get("macro_f1") is not None:
        graded = "on a held-back validation part" if result.backend == "finetune" else "cross-validated"
        info(ctx, f"{graded}: {_micro(metrics)}, macro-F1 {metrics['macro_f1']:.3f}")
    name = result.card.get("prior") or "prior"
    seen = result.card.get("prior_seen") or 0
    if seen:
        info(ctx, f"{seen:,} of these {result.n:,} passages were in the training data of the prior ({name}): "
                  "the cross-validated figure is optimistic" + (", and says nothing about new text"
                                                                 if seen == result.n else ""))
    alone = result.card.get("prior_metrics") or {}
    unseen = int(alone.get("n") or 0)
    if alone.get("macro_f1") is not None and metrics.get("macro_f1") is not None and seen and \
            unseen < MIN_PRIOR_COMPARISON:
        info(ctx, f"the prior ({name}) had not seen only {unseen:,} of these passages: too few to compare it "
                  f"with the trained coder (at least {MIN_PRIOR_COMPARISON} are needed)")
    elif alone.get("macro_f1") is not None and metrics.get("macro_f1") is not None:
        where = f"the {unseen:,} passages it had not seen" if seen else "the same passages"
        info(ctx, f"the prior ({name}) alone on {where}: {_micro(alone)}, macro-F1 {alone['macro_f1']:.3f}")
        if alone["macro_f1"] > metrics["macro_f1"] and not seen:
            book = result.card.get("codebook_ref") or result.card.get("codebook_id")
            use = f"classify --model {name}" + (f" --codebook {book}" if name in ("zeroshot", "keyword") and book
                                                 and book != "impact" else "")
            info(ctx, f"the prior alone agrees better with these codes than the trained coder: keep using it "
                      f"({use}) unless your codes follow other rules than its training data")
    shown = str(result.out)
    if shown in api.shipped_model_names():  # a bare name is the shipped model's: point at the folder
        shown = f"./{shown}"
        warn(ctx, f"the folder is named like the shipped model {result.out!s}: `--model {result.out!s}` means the "
                  f"shipped one, so give yours as a path (`--model {shown}`), or save it under another name")
    info(ctx, f"use it with: evalnlp classify --model {shown}")


def _given_almost_everywhere(metrics: dict, n: int) -> list[tuple[str, int, int]]:
    """(theme, passages the cross-validated model gave it to, passages people coded it on) for each theme the
    model gave to three quarters of the passages or more while people coded it on fewer than half: what its precision,
    recall and support imply (given = support x recall / precision)."""
    out = []
    for theme, m in (metrics.get("per_theme") or {}).items():
        p, r, support = m.get("precision"), m.get("recall"), int(m.get("support") or 0)
        if not p or r is None or not n:
            continue
        given = int(round(support * r / p))
        if given >= 0.75 * n and support < 0.5 * n:
            out.append((theme, given, support))
    return out


#: The fewest passages the prior had not seen on which ``train`` compares it with the trained coder.
MIN_PRIOR_COMPARISON = 10


def _micro(metrics: dict) -> str:
    """``micro-F1 X``; for one theme per passage, where micro-F1 is the share coded right, the accuracy
    (reported under that name) stands for it."""
    if metrics.get("micro_f1") is not None:
        return f"micro-F1 {metrics['micro_f1']:.3f}"
    if metrics.get("accuracy") is not None:
        return f"micro-F1 {metrics['accuracy']:.3f} (the share coded right: one theme per passage)"
    return "micro-F1 not computed"


def _listed(themes: list[str]) -> str:
    return ", ".join(repr(t) for t in themes[:6]) + (f" and {len(themes) - 6} more" if len(themes) > 6 else "")
