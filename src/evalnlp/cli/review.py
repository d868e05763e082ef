"""`evalnlp review export|import`: people check the machine's coding where it matters most."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import Typer, app, handle_errors, info, open_store, print_notes

review_app = Typer(help="Send the passages most worth a person's check out as a workbook, and bring the "
                              "decisions back as human codes.", no_args_is_help=True)
app.add_typer(review_app, name="review")

_STRATEGIES = ("uncertain", "diverse", "random")


@review_app.command("export")
@handle_errors
def export(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="The workbook to write (.xlsx).", show_default=False),
    n: int = typer.Option(50, "-n", help="How many passages to write (fewer when fewer are left to "
                       "review)."),
    strategy: str = typer.Option("uncertain", "--strategy", help="Which passages: uncertain (the machine "
                                 "least sure, scores nearest each theme's threshold, themes in turn), diverse "
                                 "(passages unlike one another, spread over what the answers say) or random."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="impact, fft or a YAML path. Default: the "
                                           "latest classify run's codebook."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Only passages for this theme id: the ones "
                                        "nearest its threshold (uncertain), or ones the machine gave it (diverse, "
                                        "random)."),
) -> None:
    """Write the passages most worth a person's check to a workbook.

    One row per passage, one column per theme pre-filled with the machine's decision (1 or empty). A
    testimonial comes with its speaker and source_ref; while it is not reviewed, the sentence holding its
    words is not offered (those words come once, as the testimonial). Edit it, then bring it back with
    `evalnlp review import FILE --coder NAME`.
    """
    from evalnlp import api

    if strategy not in _STRATEGIES:
        raise typer.BadParameter(f"must be one of {', '.join(_STRATEGIES)}; got {strategy!r}", param_hint="--strategy")
    if n < 1:
        raise typer.BadParameter(f"must be a positive integer; got {n}", param_hint="-n")
    if not file.lower().endswith(".xlsx"):
        raise typer.BadParameter(f"must be an .xlsx file name; got {file!r}", param_hint="FILE")
    with open_store(ctx) as store:
        result = api.review_export(store, file, n=n, strategy=strategy, codebook=codebook, theme=theme)
    shown = len(result.passages)
    info(ctx, f"wrote {shown:,} passage{'s' if shown != 1 else ''} to {result.path} (strategy {result.strategy}, "
              f"from {result.n_candidates:,} not yet reviewed; codebook {result.codebook_id}, pre-filled by "
              f"{result.coder}, thresholds {result.thresholds_from})")
    k = len(result.left_out)
    if k:
        info(ctx, f"left out {k:,} sentence{'s' if k != 1 else ''} that hold{'' if k != 1 else 's'} the words of a "
                  "testimonial not yet reviewed: those words are offered as the testimonial, with its speaker")
    info(ctx, f"edit the theme columns (1 applies, 0 or empty does not), mark rows you agree with as reviewed, "
              f"then: evalnlp review import {result.path} --coder NAME")


@review_app.command("import")
@handle_errors
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A workbook written by `evalnlp review export` and edited.",
                               show_default=False),
    coder: str = typer.Option(..., "--coder", help="Who reviewed it; stored as human:NAME.", show_default=False),
    codebook_changed: bool = typer.Option(False, "--codebook-changed",
                                          help="Read a workbook exported with another version of the codebook "
                                               "against the codebook as it is now (its wording edited, each theme "
                                               "meaning what it did). The themes must be the same; a theme "
                                               "renamed since is, when it keeps its old id as an alias."),
) -> None:
    """Store the decisions of an edited review workbook as human codes.

    A row counts as reviewed when anything was typed in it (a theme cell changed or typed, a mark in
    'reviewed', or a note); rows left as exported are skipped. A workbook from another store is refused, and
    so is one exported with another version of the codebook unless --codebook-changed is given; a refused
    workbook leaves the store as it was. The reviewer's earlier codes of the codebook on the reviewed passages
    are replaced (those of a theme renamed or removed since too); their codes of another codebook stay.
    """
    from evalnlp import api

    with open_store(ctx) as store:
        result = api.review_import(store, file, coder=coder, codebook_changed=codebook_changed)
    print_notes(ctx, result.notes, at="first")
    info(ctx, f"read {result.n_rows:,} row{'s' if result.n_rows != 1 else ''}: imported {result.n_reviewed:,} "
              f"reviewed passage{'s' if result.n_reviewed != 1 else ''} as {result.coder} (codebook "
              f"{result.codebook_id}); {result.n_untouched:,} untouched row{'s' if result.n_untouched != 1 else ''} "
              "(left as exported) skipped")
    print_notes(ctx, result.notes)
    if result.n_reviewed == 0:
        return
    info(ctx, f"changed {result.n_changed_passages:,} of the machine's decisions "
              f"({result.n_changed_cells:,} theme cell{'s' if result.n_changed_cells != 1 else ''}); "
              f"{result.n_confirmed:,} confirmed"
              + (f"; {result.n_notes:,} note{'s' if result.n_notes != 1 else ''} kept with run {result.run_id}"
                 if result.n_notes else ""))
    print_notes(ctx, result.notes, at="end")
