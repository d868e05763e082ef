"""`evalnlp extract`: attributed testimonials and reach figures from narrative documents."""

from __future__ import annotations

from typing import List

import typer

from evalnlp.cli._app import Column, app, data_table, handle_errors, json_text, print_notes, show
from evalnlp.cli._options import FormatOption, OutputFormat


@app.command()
@handle_errors
def extract(
    ctx: typer.Context,
    files: List[str] = typer.Argument(..., help="Narrative documents: TXT, MD, DOCX or PDF; a folder or a quoted glob "
                                      "pattern ('letters/*.pdf') stands for the narrative documents it holds.",
                                      show_default=False),
    format: FormatOption = OutputFormat.table,
    sources: List[str] = typer.Option(
        [], "--sources", show_default=False,
        help="The corroborating-sources list of a document, as a file of its own (TXT, MD, DOCX or PDF). "
             "Give it once per document, in the order of the documents. Without it, a document's own "
             "\"Sources to corroborate the impact\" section is used, found by that heading."),
) -> None:
    """Find quoted testimonials (with speaker and source reference), reach figures and corroborating sources.

    Each testimonial's source reference ([5.3], (C), [S1], 7, (see Source 1)) is matched to the entries of the
    document's corroborating-sources list; a Word document's footnotes and endnotes are entries too, each named
    by its mark as the body reads it (7 for a superscript mark, \\[ii] for an endnote numbered i, ii, iii), before
    an entry of the list with the same number. A letter of support given with the case study whose
    list names it ("[5.3] Letter from the Director of Public Health, Northshire County Council, 12 March 2013",
    or its file name) is linked to that entry: its testimonials cite it as [5.3]; two entries that fit it
    equally well link it to neither. Nothing is written to the store; `evalnlp ingest` does the same extraction
    and stores the results, linking letters and lists read by any command into the store.
    """
    from evalnlp import api

    docs = api.extract(files, sources or None)
    # text the documents hold outside what is read, said before any table (and with JSON too); documents that
    # leave out the same parts share a note, said once
    print_notes(ctx, list(dict.fromkeys(n for d in docs for n in d.notes)))
    if format == "json":
        print(json_text({"documents": [d.to_json() for d in docs]}, indent=2))
        return
    for d in docs:
        show(data_table([Column(col, overflow="fold") for col in ("quote", "speaker", "ref", "source", "at")],
                        ((" ".join(x.quote.split()), " ".join(x.speaker.split()) if x.speaker else x.speaker,
                          x.source_ref,
                          "\n".join(f"{_entry(e)}: {' '.join(e.text.split())}" for e in x.source_entries),
                          f"{x.start}-{x.end}") for x in d.testimonials),
                        title=f"{d.source}: {_count(len(d.testimonials), 'testimonial')}", show_lines=True))
        show(data_table([Column(col, overflow="fold") for col in ("text", "value", "unit", "at")],
                        ((x.text, f"{x.value:,.0f}", x.unit, f"{x.start}-{x.end}") for x in d.reach),
                        title=f"{d.source}: {_count(len(d.reach), 'reach figure')}"))
        if d.letters:
            show(data_table([Column(col, overflow="fold") for col in ("signatory", "date", "link", "at")],
                            ((x.signatory, x.sign.date, _link(x), f"{x.start}-{x.end}") for x in d.letters),
                            title=f"{d.source}: {_count(len(d.letters), 'letter')}", show_lines=True))
        if d.sources:
            where = f" (from {d.sources_file})" if d.sources_file else ""
            show(data_table([Column(col, overflow="fold") for col in ("ref", "text")],
                            ((_entry(e), " ".join(e.text.split())) for e in d.sources),
                            title=f"{d.source}: {_count(len(d.sources), 'corroborating source')}{where}"))


def _entry(e) -> str:
    """How an entry is named in a table: its label without brackets (``5.3``), or a note as named (``footnote 3``,
    as a document's footnote and endnote of one number share it); an entry of another document's list (a letter's)
    with that document's name (``5.3 of case_study.docx``)."""
    name = e.label if getattr(e, "kind", "") == "note" else e.ref or ""
    return f"{name} of {e.document}" if getattr(e, "document", "") else name


def _link(letter) -> str:
    """A letter's standing with the documents' sources lists, as the letters table shows it."""
    if letter.status == "linked":
        return "\n".join(f"{_entry(e)}: {' '.join(e.text.split())}" for e in letter.entries)
    if letter.status == "ambiguous":
        return "none: " + ", ".join(_entry(e) for e in letter.candidates) + " fit it equally well"
    return "none: no entry names it"


def _count(n: int, word: str) -> str:
    """``1 testimonial``, ``2 testimonials``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
