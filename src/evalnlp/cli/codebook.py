"""`evalnlp codebook list|show|validate|import`: look at, check and convert codebooks."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import Column, Typer, app, data_table, handle_errors, noted
from evalnlp.cli._app import show as display  # `show` is a command here

codebook_app = Typer(help="List, show, validate and import codebooks (YAML theme definitions).",
                     no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("list")
@handle_errors
def list_() -> None:
    """List the shipped codebooks with their theme counts and sha256."""
    from evalnlp import api

    display(data_table(["id", "title", "themes", "multi-label", "sha256"],
                       ((cb.id, cb.title, len(cb.themes), "yes" if cb.multi_label else "no", cb.sha256[:12])
                        for cb in api.codebooks()), title="shipped codebooks"))


@codebook_app.command("show")
@handle_errors
def show(ref: str = typer.Argument("impact", help="A shipped codebook id (impact, fft) or a YAML path."),
         examples: bool = typer.Option(False, "--examples", help="Also list each theme's examples.")) -> None:
    """Show a codebook's themes: id, label, definition with its include and exclude notes, keywords, and the
    broader theme of each sub-theme (parent) when the codebook has any."""
    from rich.text import Text

    from evalnlp import api

    cb = api.codebook(ref)
    display(Text.assemble((cb.title, "bold"), f" ({cb.id}, version {cb.version}, sha256 {cb.sha256[:12]}); "
                          f"{'multi-label' if cb.multi_label else 'single-label'}"
                          f"{', every passage gets a theme' if cb.require_theme else ''}"))
    if cb.description:
        display(cb.description)
    nested = any(t.parent for t in cb.themes)
    columns = [Column(c, overflow="fold") for c in ("id", "label") + (("parent",) if nested else ())
               + ("definition", "keywords") + (("examples",) if examples else ())]
    rows = []
    for t in cb.themes:
        definition = "\n".join([t.definition] + [f"{name}: {note}" for name, note in
                                                  (("include", t.include), ("exclude", t.exclude)) if note])
        row = [t.id, t.label + (" (catch-all: never a discovered topic's nearest theme)" if t.catch_all else ""),
               *([t.parent or ""] if nested else []), definition, ", ".join(t.keywords)]
        if examples:
            row.append("\n".join(f"- {e}" for e in t.examples))
        rows.append(row)
    display(data_table(columns, rows, show_lines=True))


@codebook_app.command("validate")
@handle_errors
def validate(path: str = typer.Argument(..., help="The codebook YAML file to check.")) -> None:
    """Check a codebook file; list every problem found with its error code.

    Each problem names its theme and field (themes[2] (diet).definition), or the line and column of YAML that
    cannot be read. The format, with an example using every key, is in the README under "Your own codebook";
    the shipped codebooks are complete examples (evalnlp codebook show impact --examples).
    """
    from evalnlp import api

    cb = api.validate_codebook(path)
    from rich.text import Text

    display(Text.assemble(("ok", "green"), f" {path}: codebook {cb.id!r} with {len(cb.themes)} themes, "
                                           f"sha256 {cb.sha256}"))


@codebook_app.command("import")
@handle_errors
def import_(path: str = typer.Argument(..., help="A REFI-QDA codebook (.qdc), or a project (.qdpx) whose "
                                       "codebook to take.", show_default=False),
            out: str = typer.Option(..., "--out", help="The evalnlp codebook (YAML) to write."),
            id: Optional[str] = typer.Option(None, "--id", help="The codebook's id. Default: the id of the "
                                             "codebook a .qdc evalnlp exported holds, else made from the file "
                                             "name.")) -> None:
    """Turn a codebook exported from NVivo, ATLAS.ti, MAXQDA or QualCoder into an evalnlp YAML codebook.

    Each code that can be coded becomes a theme (label: the code's name; definition: its description;
    parent: the code above it); folders that cannot be coded only group their children. The YAML written
    is validated; add keywords and examples before coding with it.
    """
    from rich.text import Text

    from evalnlp import api

    result = api.codebook_import(path, out, id=id)
    cb = result.codebook
    display(Text.assemble(("ok", "green"), f" wrote {result.path}: codebook {cb.id!r} with {len(cb.themes)} "
                                           f"themes (sha256 {cb.sha256[:12]})"))
    for note in result.notes:
        display(f"note: {noted(None, note)}")
