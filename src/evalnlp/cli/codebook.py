"""`evalnlp codebook list|show|validate`: look at and check codebooks."""

from __future__ import annotations

import typer

from evalnlp.cli._app import Column, Typer, app, data_table, handle_errors
from evalnlp.cli._app import show as display  # `show` is a command here

codebook_app = Typer(help="List, show and validate codebooks (YAML theme definitions).", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")


@codebook_app.command("list")
@handle_errors
def list_() -> None:
    """List the shipped codebooks with their theme counts and sha256."""
    from evalnlp.codebook import list_codebooks

    display(data_table(["id", "title", "themes", "multi-label", "sha256"],
                       ((cb.id, cb.title, len(cb.themes), "yes" if cb.multi_label else "no", cb.sha256[:12])
                        for cb in list_codebooks()), title="shipped codebooks"))


@codebook_app.command("show")
@handle_errors
def show(ref: str = typer.Argument("impact", help="A shipped codebook id (impact, fft) or a YAML path."),
         examples: bool = typer.Option(False, "--examples", help="Also list each theme's examples.")) -> None:
    """Show a codebook's themes: id, label, definition, keywords."""
    from rich.text import Text

    from evalnlp.codebook import load_codebook

    cb = load_codebook(ref)
    display(Text.assemble((cb.title, "bold"), f" ({cb.id}, version {cb.version}, sha256 {cb.sha256[:12]}); "
                          f"{'multi-label' if cb.multi_label else 'single-label'}"
                          f"{', every passage gets a theme' if cb.require_theme else ''}"))
    if cb.description:
        display(cb.description)
    columns = [Column(c, overflow="fold") for c in ("id", "label", "definition", "keywords")
               + (("examples",) if examples else ())]
    rows = []
    for t in cb.themes:
        row = [t.id, t.label, t.definition, ", ".join(t.keywords)]
        if examples:
            row.append("\n".join(f"- {e}" for e in t.examples))
        rows.append(row)
    display(data_table(columns, rows, show_lines=True))


@codebook_app.command("validate")
@handle_errors
def validate(path: str = typer.Argument(..., help="The codebook YAML file to check.")) -> None:
    """Check a codebook file; list every problem found with its error code."""
    from evalnlp.codebook import validate_codebook

    cb = validate_codebook(path)
    from rich.text import Text

    display(Text.assemble(("ok", "green"), f" {path}: codebook {cb.id!r} with {len(cb.themes)} themes, "
                                           f"sha256 {cb.sha256}"))
