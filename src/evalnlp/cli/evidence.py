"""`evalnlp evidence`: theme, framework-matrix and claim tables."""

from __future__ import annotations

from typing import List, Optional

import typer

from evalnlp.cli._app import (Column, app, console, data_table, handle_errors, info, json_text, open_store,
                              print_notes, show)
from evalnlp.cli._options import FormatOption, KeepNamesOption, OutputFormat, RedactOption, StoreCodebookOption


@app.command()
@handle_errors
def evidence(
    ctx: typer.Context,
    by: Optional[List[str]] = typer.Option(None, "--by", help="Group by an attribute (any metadata column, "
                                           "question, source); repeat for several matrices."),
    claims: Optional[str] = typer.Option(None, "--claims", help="A YAML file of impact claims, each with the "
                                          "themes that support it (and filters): adds the evidence per claim. "
                                          "See the README for its format."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the tables to a file: .xlsx, .csv, "
                                          ".md, .docx, .html or .json, by its extension (.csv: a set of files, "
                                          "FILE.notes.csv saying what each holds)."),
    format: FormatOption = OutputFormat.table,
    codebook: StoreCodebookOption = None,
    redact: RedactOption = True,
    keep_names: KeepNamesOption = None,
) -> None:
    """Evidence tables: theme prevalence with 95% intervals, theme by group, and evidence per claim.

    Human codes override machine codes wherever they exist.
    """
    from evalnlp import api

    with open_store(ctx, read_only=True) as store:
        # the terminal's tables show counts and shares, not quotes: they are chosen only for a file or JSON
        ev = api.evidence(store, by=by or (), claims=claims, codebook=codebook, redact=redact, output=output,
                          keep_names=keep_names, quotes=bool(output) or format == "json")
    print_notes(ctx, ev.notes)
    if format == "json":
        print(json_text(ev.to_json(), indent=2))
        return
    # With --output the file is what was asked for: the tables are a summary, which --quiet leaves out.
    emit = (lambda *objects: info(ctx, *objects)) if output else show
    columns = [Column(col, justify="left" if col in ("theme", "label") else "right")
               for col in ("theme", "label", "segments", "documents", "share", "95% CI")]
    emit(data_table(columns, ((r.theme, r.label, f"{r.segments:,}", f"{r.documents:,}", f"{r.share:.1%}",
                               f"{r.ci_low:.1%}-{r.ci_high:.1%}") for r in ev.themes.itertuples()),
                    title=f"themes ({ev.documents_coded:,} documents coded"
                          + (f"; shares of the {ev.documents_coded - ev.documents_unread:,} the coders could read"
                             if ev.documents_unread else "") + ")"))
    for attr, m in ev.matrices.items():
        # the file of the output's set that holds the matrices (a CSV's FILE.matrices.csv), as the writer named it
        holder = next((str(f) for f in ev.files if str(f).endswith(".matrices.csv")), output)
        emit(matrix_table(attr, m, ev.themes["theme"], output=holder, width=console.width))
    if not ev.claims.empty:
        # the strength counts cited references as sources too: both are shown, so the rating can be checked
        columns = [Column(col, overflow="fold") for col in ("id", "claim", "segments", "documents", "sources",
                                                            "references cited", "strength")]
        emit(data_table(columns, ((r.id, r.text, f"{r.segments:,}", f"{r.documents:,}", f"{r.sources:,}",
                                   f"{r.references:,}", r.strength) for r in ev.claims.itertuples()),
                        title="claims", show_lines=True))
    if output:
        files = [str(f) for f in ev.files] or [str(output)]
        info(ctx, f"wrote {files[0]}" + (f" (and {', '.join(files[1:])})" if len(files) > 1 else ""))


#: At most this many groups are shown as columns of a framework matrix in the terminal (fewer when they do
#: not fit its width); the output file and --format json have every group.
MAX_GROUP_COLUMNS = 12


def shown_groups(groups: list[str], sizes: dict[str, int], themes_width: int, width: int) -> list[str]:
    """The groups a terminal matrix shows, in their table order: all when they fit, else the largest (by
    documents coded) that fit within ``width`` characters and :data:`MAX_GROUP_COLUMNS`."""
    def column_width(g: str) -> int:  # rich wraps a header at spaces; a share needs 6 characters (100.0%)
        return max([6, *(len(w) for w in g.split())]) + 3

    def fits(chosen: list[str]) -> bool:
        return themes_width + 4 + sum(column_width(g) for g in chosen) <= width

    if len(groups) <= MAX_GROUP_COLUMNS and fits(groups):
        return list(groups)
    position = {g: i for i, g in enumerate(groups)}
    largest = sorted(groups, key=lambda g: (-sizes.get(g, 0), position[g]))
    chosen: list[str] = []
    for g in largest[:MAX_GROUP_COLUMNS]:
        if chosen and not fits(chosen + [g]):
            break
        chosen.append(g)
    return sorted(chosen, key=position.__getitem__)


def matrix_table(attr: str, m, themes, *, output: str | None, width: int):
    """The theme-by-group share table for the terminal; with many groups, the largest ones and a caption
    saying how many were left out and where to find them all."""
    groups = list(dict.fromkeys(m["group"]))  # the matrix's own (natural) order
    sizes = m.drop_duplicates("group").set_index("group")["n"].to_dict()
    pivot = m.pivot(index="theme", columns="group", values="share").reindex(index=list(themes), columns=groups)
    chosen = shown_groups(groups, sizes, max([5, *(len(str(t)) for t in themes)]), width)
    caption = None
    if len(chosen) < len(groups):
        left = len(groups) - len(chosen)
        where = (f"{output} has them all" if output else
                 "--output FILE (.xlsx, .csv ...) or --format json gives them all")
        caption = (f"showing the {len(chosen)} largest of {len(groups):,} {attr} groups (by documents coded); "
                   f"{left:,} left out: {where}")
    columns = [Column("theme", min_width=max([5, *(len(str(t)) for t in themes)]))] + [
        Column(str(g), justify="right") for g in chosen]
    rows = [(theme, *("" if v != v else f"{v:.1%}" for v in row[chosen])) for theme, row in pivot.iterrows()]
    return data_table(columns, rows, title=f"share of documents by {attr}", caption=caption,
                      caption_justify="left")
