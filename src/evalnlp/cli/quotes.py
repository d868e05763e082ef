"""`evalnlp quotes`: the best attributed, de-identified quotes for a theme."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import Column, app, data_table, handle_errors, info, json_text, open_store, print_notes, show
from evalnlp.cli._options import FormatOption, KeepNamesOption, OutputFormat, RedactOption, StoreCodebookOption


@app.command()
@handle_errors
def quotes(
    ctx: typer.Context,
    theme: str = typer.Option(..., "--theme", help="Theme id (see `evalnlp codebook show`).", show_default=False),
    n: int = typer.Option(5, "-n", help="How many quotes (for each group with --by)."),
    by: Optional[str] = typer.Option(None, "--by", help="Give the best quotes for each group of this "
                                  "attribute (a metadata column, question or source)."),
    redact: RedactOption = True,
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the quotes to a file: .md, .docx, .csv or .json, "
                                  "by its extension (.md and .docx show each quote in curly quotation marks, "
                                  ".csv and .json its text as stored)."),
    format: FormatOption = OutputFormat.table,
    codebook: StoreCodebookOption = None,
    keep_names: KeepNamesOption = None,
) -> None:
    """The best attributed, de-identified quotes for a theme.

    Ranked by how representative, confidently coded and readable they are; near-duplicates removed. A passage that
    once de-identified is mostly placeholders or has no sentence of its own (a signature, a contact line) is
    passed over, and quoted only for a theme or group with nothing else to quote; "Sent from my iPhone" under an
    answer is left out of its quote. A passage of more than 120 words is quoted in its leading sentences,
    followed by […].
    """
    from evalnlp import api

    from evalnlp.errors import InputError

    try:
        api.check_quote_count(n)
    except InputError as exc:  # a usage error on the command line: the option's value is out of range
        raise typer.BadParameter(exc.render(lambda name, example: "").removeprefix(f"[{exc.code}] ").strip(),
                                 param_hint="-n") from None
    with open_store(ctx, read_only=True) as store:
        df = api.quotes(store, theme, n=n, by=by, redact=redact, codebook=codebook, output=output,
                        keep_names=keep_names)
    print_notes(ctx, df.attrs.get("notes"))
    if format != "json":
        print_notes(ctx, df.attrs.get("notes"), at="table")
    if format == "json":
        print(json_text(api.quotes_json(df), indent=2))
        return
    columns = [Column(c, overflow="fold") for c in ("#", *([by] if by else []), "quote", "attribution", "score")]
    rows = []
    for i, r in enumerate(api.quotes_json(df)["quotes"], 1):  # each quote and its attribution as the files give them
        group = [r["group"]] if by else []
        rows.append((str(i), *group, api.quoted(r["text"]), api.quote_attribution(r), f"{r['score']:.2f}"))
    title = f"quotes for {theme}" + (f" by {by} (up to {n} per group)" if by else "")
    table = data_table(columns, rows, title=title, show_lines=True)
    if output:  # the file is what was asked for: the table is a summary, which --quiet leaves out
        info(ctx, table)
    else:
        show(table)
    if output:
        info(ctx, f"wrote {output}")
