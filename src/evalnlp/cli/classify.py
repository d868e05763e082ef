"""`evalnlp classify`: code passages into a codebook's themes, with sentiment."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import Column, app, data_table, handle_errors, info, open_store, print_notes, progress_bar
from evalnlp.cli._options import (DropHumanCodesOption, IdOption, MetaOption, QuestionOption, ReplaceOption,
                                  SheetOption, TextOption, Unit, UnitOption)


@app.command()
@handle_errors
def classify(
    ctx: typer.Context,
    files: Optional[List[str]] = typer.Argument(None, help="Files to ingest and code; a folder or a quoted glob "
                                                "pattern ('exports/*.csv') stands for the files it holds (default: "
                                                "every passage in the store not yet coded by this coder).",
                                                show_default=False),
    text: TextOption = None,
    id: IdOption = None,
    meta: MetaOption = None,
    unit: UnitOption = Unit.response,
    sheet: SheetOption = None,
    replace: ReplaceOption = False,
    drop_human_codes: DropHumanCodesOption = False,
    question: QuestionOption = None,
    codebook: Optional[str] = typer.Option(None, "--codebook", help="impact, fft or a YAML path "
                                           "(default: impact, or the model's codebook)."),
    model: Optional[str] = typer.Option(None, "--model", help="A shipped model name (impact-themes, "
                                        "fft-themes; impact-themes-accurate and fft-themes-accurate are fine-tuned "
                                        "transformers, more accurate and some hundreds of times slower, needing the "
                                        "transformers extra), a directory made by `evalnlp train`, or zeroshot / "
                                        "keyword for the untrained coders (default: the codebook's shipped model, "
                                        "else zero-shot)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the coded rows to .csv, .tsv, "
                                         ".parquet, .xlsx, .jsonl or .json: the input's columns, then source, "
                                         "locator, question, text, themes, score_<theme> per theme, sentiment (as "
                                         "evalnlp_<name> where an input column has the name)."),
    recode: bool = typer.Option(False, "--recode", help="Code again passages this coder already coded."),
    no_sentiment: bool = typer.Option(False, "--no-sentiment", help="Skip sentiment."),
    sentiment_model: Optional[str] = typer.Option(None, "--sentiment-model", help="sentiment (the default) or "
                                                  "sentiment-accurate (a fine-tuned transformer: reads neutral "
                                                  "statements better, far slower, needs the transformers extra), "
                                                  "or a directory holding a saved sentiment model."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Processes that code the passages: 1 "
                                          "codes in this process alone, N starts N-1 helper processes that load "
                                          "the same models and share the work (default: one per core, at most 2, "
                                          "once there are 100,000 passages to code; none for the fine-tuned "
                                          "models). The codes are the same either way."),
) -> None:
    """Code every passage into the codebook's themes, with calibrated scores and sentiment.

    A machine run replaces only its own coder's codes; human codes are never overwritten. The coders read English
    only: a passage that looks not to be in English (few common English words), or has no word at all (an emoji,
    a number, a date), is coded with no theme and no sentiment, and classify says how many; the shares (here,
    in evidence and in the report) are of what the coders could read.
    """
    from evalnlp import api
    from evalnlp.cli.ingest import check_replace

    check_replace(replace, drop_human_codes)
    if replace and not files:
        raise typer.BadParameter("applies to the files classify reads: name them (FILE...)", param_hint="--replace")
    if question and not files:
        raise typer.BadParameter("applies to the files classify reads: name them (FILE...)", param_hint="--question")
    with open_store(ctx) as store, progress_bar(ctx, "coding") as advance:
        result = api.classify(store, files or (), codebook=codebook, model=model, output=output,
                              text=text or (), id=id, meta=meta, unit=unit.value, sheet=sheet, recode=recode,
                              sentiment=not no_sentiment, progress=advance, sentiment_model=sentiment_model,
                              workers=workers, replace=replace, drop_human_codes=drop_human_codes,
                              question=question or ())
    print_notes(ctx, result.notes)
    if result.ingest is not None:
        from evalnlp.cli.ingest import render_ingest

        render_ingest(ctx, result.ingest, None)
    table = data_table(
        [Column("theme"), Column("label"), Column("passages", justify="right"), Column("share", justify="right")],
        ((row.theme, row.label, f"{row.passages:,}", f"{row.share:.1%}") for row in result.themes.itertuples()),
        title=f"{result.n_coded:,} passages coded with {result.codebook_id} by {result.coder}"
              + (f" (shares of the {result.n_coded - unread:,} it could read)"
                 if (unread := result.n_not_english + result.n_no_words) else ""))
    info(ctx, table)
    if result.n_coded:
        info(ctx, f"no theme: {result.n_no_theme:,} of {result.n_coded:,} passages ({result.no_theme_share:.1%})")
    if result.processes > 1:
        info(ctx, f"coded in {result.processes} processes")
    if not result.sentiment.empty:
        info(ctx, "sentiment: " + ", ".join(f"{r.label} {r.passages:,}" for r in result.sentiment.itertuples()))
    if result.output is not None:
        info(ctx, f"wrote {result.output}")
    print_notes(ctx, result.notes, at="end")  # nothing new to code
