"""`evalnlp export` and `evalnlp import`: exchange projects with QDA programs through REFI-QDA."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import Column, app, data_table, handle_errors, info, noted, open_store


@app.command("export")
@handle_errors
def export(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="The file to write: FILE.qdpx (the project) or FILE.qdc (the codebook).",
                               show_default=False),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="Codebook id or YAML path. Default: the one "
                                           "the store was coded with."),
) -> None:
    """Write the project for NVivo, ATLAS.ti, MAXQDA or QualCoder as a REFI-QDA file.

    FILE.qdpx holds every document as a text source (a survey answer one source, a narrative file's paragraphs
    or pages one source for the file, its text theirs joined by blank lines; a file read again after an edit,
    its text as last read, the earlier versions of changed paragraphs kept out of it and counted), with its
    attributes as variables,
    every coded passage as a text selection and each coder's themes as codings by that coder; FILE.qdc holds
    the codebook alone. Both are valid
    against the REFI-QDA 1.0 schemas. A file already at FILE is replaced only when evalnlp wrote it and no
    program has changed it since; a project another program saved, or the one this store imported, is
    refused (E177) and left as it was.

    The output counts the passages and those with a code (the text selections; a passage coded with no theme
    travels in the project's evalnlp.json), and per coder the passages it coded and those it gave a code, as
    `evalnlp import` counts them.
    """
    from pathlib import Path

    from evalnlp import api, errors
    from evalnlp.cli._app import settings

    result = None
    if Path(file).suffix.lower() == ".qdc" and codebook is not None:  # the codebook alone needs no store
        try:
            result = api.export(None, file, codebook=codebook)
        except errors.CodebookError as exc:
            # the id of the user's own codebook is known to a store that coded with it, as in every other command
            if exc.code != "E201" or not Path(api.store_path(settings(ctx).db)).is_file():
                raise
    if result is None:
        with open_store(ctx, read_only=True) as store:
            result = api.export(store, file, codebook=codebook)
    if result.kind == "codebook":
        info(ctx, f"wrote {result.path}: codebook {result.codebook_id!r} with {result.themes} themes as codes")
        return
    per = result.coders
    coders = ", ".join(f"{r.coder} ({_passages(r.passages, r.with_code)})" for r in per.itertuples(index=False)) \
        if per is not None and len(per) else "none"
    answers = result.sources - result.files
    in_files = result.documents - answers - result.superseded
    kinds = ([_count(answers, "answer")] if answers else []) + (
        [f"{_count(result.files, 'narrative file')} of {_count(in_files, 'document')}"
         + (f", and {_count(result.superseded, 'superseded version')} of their paragraphs left out of the text"
            if result.superseded else "")]
        if result.files else [])
    sources = _count(result.sources, "source") + (f" ({', '.join(kinds)})" if kinds else "")
    n_coders = 0 if per is None else len(per)
    info(ctx, f"wrote {result.path}: {sources}, {_passages(result.passages, result.selections, 'of them ')} "
              f"(the text selections), {_count(result.codings, 'coding')} of codebook {result.codebook_id!r} "
              f"({_count(result.themes, 'theme')}) by {_count(n_coders, 'coder')}: {coders}")
    for note in result.notes or []:
        info(ctx, f"note: {noted(ctx, note)}")


@app.command("import")
@handle_errors
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A REFI-QDA project (.qdpx) exported from NVivo, ATLAS.ti, MAXQDA, "
                               "QualCoder or evalnlp.", show_default=False),
    coder: Optional[str] = typer.Option(None, "--coder", help="Store every person's codings as this human coder "
                                        "(default: each user's own name, as human:NAME)."),
    codebook: Optional[str] = typer.Option(None, "--codebook", help="Codebook id or YAML path to map the codes "
                                           "onto. Default: the store's, else the one the file's codes come from, "
                                           "else impact."),
    new_codebook: Optional[str] = typer.Option(None, "--new-codebook", help="Write the file's codes as a new "
                                               "YAML codebook here and use it, instead of mapping them onto one."),
) -> None:
    """Read a REFI-QDA project: text sources become documents, selections passages, codings human codes.

    A narrative file that evalnlp exported as one source is split back into its paragraphs or pages, at the
    places its evalnlp.json gives (or those of the file's documents in the store); without them it is one
    document.

    Codes are matched to the codebook's themes by name, theme id, label or alias (case-insensitive); codes
    that match no theme are listed as an error, unless --new-codebook makes a codebook of them. The whole
    file is checked before anything is stored: a damaged or oversized archive, or XML with a DOCTYPE, leaves
    the store as it was. Importing the same file twice adds nothing; a person's codings in it replace their
    codes on those passages (those of a theme renamed or removed since too), and nobody else's. The output gives,
    per coder, the passages coded (with a theme or none), those with a code and the codings, as `evalnlp export`
    counts them.
    """
    from evalnlp import api

    with open_store(ctx) as store:
        result = api.import_qdpx(store, file, coder=coder, codebook=codebook, new_codebook=new_codebook)
    origin = f" (written by {result.origin})" if result.origin else ""
    rows = [(r.coder, f"{int(r.passages):,}", f"{int(r.with_code):,}", f"{int(r.codings):,}")
            for r in result.coders.itertuples(index=False)]
    columns = ["coder", *(Column(c, justify="right") for c in ("passages", "with a code", "codings"))]
    info(ctx, data_table(columns, rows,
                         title=f"import run {result.run_id}: {result.file}{origin}", title_justify="left"))
    how = "whole (scores, sentiment and every passage, from evalnlp.json)" if result.complete else "from its XML"
    info(ctx, f"read {result.n_in:,} = accepted {result.n_ok:,} + rejected {result.n_rejected:,} sources and "
              f"selections, {how}: {result.documents:,} documents ({result.documents_new:,} new), "
              f"{result.segments:,} passages ({result.segments_new:,} new), "
              f"{result.segments_with_code:,} of them with a code, codebook {result.codebook_id!r}"
              + (" (see `evalnlp runs --rejects`)" if result.n_rejected else ""))
    if result.new_codebook is not None:
        info(ctx, f"wrote the file's codes as codebook {result.codebook_id!r} to {result.new_codebook}")
    for note in result.notes:  # what was not imported (a line of its own), then the notes on how it was read
        info(ctx, noted(ctx, note) if getattr(note, "kind", None) == "info" else f"note: {noted(ctx, note)}")


def _passages(n: int, with_code: int, of: str = "") -> str:
    """``69 passages, 56 with a code``: what ``export`` and ``import`` both say of passages, the whole and
    those given a theme (a passage coded with no theme is a passage, but no text selection of the project)."""
    return f"{_count(int(n), 'passage')}, {int(with_code):,} {of}with a code"


def _count(n: int, word: str) -> str:
    """``1 coder``, ``2 coders``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
