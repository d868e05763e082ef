"""Report writers, chosen by the output file's extension. Every file is written to a temporary name in
the same folder and then renamed, so a failure never leaves half a file.

Evidence (:func:`write_evidence`):

``.xlsx``  one sheet per table (themes, ``by <attr>`` per matrix, claims, claim evidence, strength rule,
           provenance), styled headers, frozen panes, filters
``.csv``   the themes table in ``FILE.csv``; the framework matrices in long format (an ``attribute``
           column, then group, theme and the figures) in ``FILE.matrices.csv``; the claim table in
           ``FILE.claims.csv`` and each claim's quotes, testimonials and reach figures in
           ``FILE.claim-evidence.csv`` (those only when there is something to put in them); and always
           ``FILE.notes.csv`` (``item``, ``value``): what each file holds, how shares are computed, the
           notes, the strength rule and the provenance the workbook's sheets give
``.md``    Markdown with pipe tables
``.docx``  a Word document with real tables
``.html``  one self-contained page with inline SVG charts
``.json``  the ``evidence --format json`` document

Quotes (:func:`write_quotes`): ``.md``, ``.docx``, ``.csv`` (``attrs`` as JSON text), ``.json``.

The full HTML report is rendered by :func:`report_html` from what :func:`evalnlp.api.write_report` gathers. Error codes: E161 an output extension that is not
supported, E162 the output folder does not exist.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path

import pandas as pd

from evalnlp import errors
from evalnlp.tablefile import csv_line_end
from evalnlp.reports._common import (
    atomic_path,
    claim_quotes_long,
    claims_flat,
    csv_notes,
    write_json,
    write_text,
)
from evalnlp.reports.html import render_html, report_html

__all__ = ["EVIDENCE_FORMATS", "QUOTE_FORMATS", "atomic_path", "render_html", "report_html", "write_evidence",
           "write_quotes"]

EVIDENCE_FORMATS = (".xlsx", ".csv", ".md", ".docx", ".html", ".json")
QUOTE_FORMATS = (".md", ".docx", ".csv", ".json")


def _suffix(path: str | Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise errors.error("E161", "report_format", what=what, path=str(path), allowed=', '.join(allowed),
                           value=suffix or 'no extension')
    return suffix


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as tmp:
        df.to_csv(tmp, index=False, lineterminator=csv_line_end(df), encoding="utf-8")
    return path


def _sibling(path: Path, name: str) -> Path:
    return path.with_name(f"{path.stem}.{name}.csv")


#: The sibling files of an evidence CSV (``FILE.<name>.csv``), in the order they are written.
CSV_SIBLINGS = ("matrices", "claims", "claim-evidence", "notes")


def write_evidence_csv(evidence, path: str | Path) -> list[Path]:
    """The themes table in ``path``; matrices, claims and claim evidence in sibling files. A sibling this
    evidence has no table for is written only where a file of that name is already there (from an earlier
    output to ``path``): it is then replaced by the table's header alone, so that every file of the set is of
    this run and none holds figures of an earlier state of the store."""
    from evalnlp.evidence import MATRIX_COLUMNS

    path = Path(path)
    tables: dict[str, pd.DataFrame] = {}
    if evidence.matrices:
        tables["matrices"] = pd.concat([m.assign(attribute=a)[["attribute", *m.columns]]
                                        for a, m in evidence.matrices.items()], ignore_index=True)
    if len(evidence.claims):
        tables["claims"] = claims_flat(evidence.claims)
        tables["claim-evidence"] = claim_quotes_long(evidence.claims)
    # the notes (what each file holds, how shares are computed, notes, provenance) are written with every set,
    # as the workbook has its notes and provenance sheets
    names = {"": path, **{name: _sibling(path, name) for name in CSV_SIBLINGS if name in tables or name == "notes"}}
    tables["notes"] = csv_notes(evidence, names)
    empty = {"matrices": pd.DataFrame(columns=["attribute", *MATRIX_COLUMNS]),
             "claims": claims_flat(evidence.claims.iloc[0:0]),
             "claim-evidence": claim_quotes_long(pd.DataFrame()),
             "notes": tables["notes"].iloc[0:0]}
    # a file of a sibling's name that evalnlp did not write (its header is not that table's) is the user's own:
    # never replaced; one this evidence has a table for stops the whole output before anything is written
    ours = {name: _written_by_evalnlp(_sibling(path, name), list(empty[name].columns)) for name in CSV_SIBLINGS}
    for name in CSV_SIBLINGS:
        target = _sibling(path, name)
        if name in tables and target.exists() and not ours[name]:
            raise errors.error("E189", file=str(target), table=name, found=_first_line(target), output=str(path),
                               suggest=str(path.with_name(f"{path.stem}-evidence{path.suffix}")))
    planned = [(path, evidence.themes)]
    for name in CSV_SIBLINGS:
        target = _sibling(path, name)
        if name in tables:
            planned.append((target, tables[name]))
        elif target.exists() and ours[name]:
            planned.append((target, empty[name]))
    # every file of the set is written under a temporary name first, and renamed only once all are complete: a
    # write that fails part-way (a full disk) leaves the earlier set whole rather than a mix of two runs
    with ExitStack() as stack:
        for target, df in planned:
            tmp = stack.enter_context(atomic_path(target))
            df.to_csv(tmp, index=False, lineterminator=csv_line_end(df), encoding="utf-8")
    return [target for target, _ in planned]


def _first_line(path: Path) -> str:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            return fh.readline(500).rstrip("\r\n")
    except OSError:
        return ""


def _written_by_evalnlp(path: Path, columns: list[str]) -> bool:
    """Is the file at ``path`` (if any) one evalnlp wrote for this table: its header is the table's columns?"""
    import csv

    if not path.exists():
        return True
    header = next(csv.reader([_first_line(path)]), [])
    return header == [str(c) for c in columns]



def write_evidence(evidence, path: str | Path, *, title: str = "Evidence tables") -> list[Path]:
    """Write ``evidence`` in the format of ``path``'s extension; return the files written."""
    suffix = _suffix(path, EVIDENCE_FORMATS, "evidence tables")
    path = Path(path)
    if suffix == ".xlsx":
        from evalnlp.reports.xlsx import write_evidence_xlsx

        return [write_evidence_xlsx(evidence, path)]
    if suffix == ".csv":
        return write_evidence_csv(evidence, path)
    if suffix == ".md":
        from evalnlp.reports.markdown import evidence_markdown

        return [write_text(path, evidence_markdown(evidence, title=title))]
    if suffix == ".docx":
        from evalnlp.reports.docx import write_evidence_docx

        return [write_evidence_docx(evidence, path, title=title)]
    if suffix == ".html":
        return [write_text(path, render_html(evidence, title=title))]
    return [write_json(path, evidence.to_json())]


def write_quotes(quotes: pd.DataFrame, path: str | Path, *, codebook=None, title: str = "Quotes",
                 redacted: bool = True) -> Path:
    """Write a quote table (from :func:`evalnlp.quotes.rank_quotes`) in the format of ``path``'s extension.
    With ``codebook``, headings use theme labels. ``redacted=False`` (quotes ranked without redaction): the
    Markdown and Word files say under their title that the quotes are not de-identified, as the report does."""
    from evalnlp.quotes import quotes_to_json

    suffix = _suffix(path, QUOTE_FORMATS, "quotes")
    path = Path(path)
    labels = {t.id: t.label for t in codebook.themes} if codebook is not None else None
    if suffix == ".md":
        from evalnlp.reports.markdown import quotes_markdown

        return write_text(path, quotes_markdown(quotes, labels, title=title, redacted=redacted))
    if suffix == ".docx":
        from evalnlp.reports.docx import write_quotes_docx

        return write_quotes_docx(quotes, path, labels, title=title, redacted=redacted)
    if suffix == ".csv":
        flat = quotes.copy()
        if "attrs" in flat.columns:
            flat["attrs"] = [json.dumps(a or {}, ensure_ascii=False, sort_keys=True) for a in flat["attrs"]]
        return _write_csv(flat, path)
    return write_json(path, quotes_to_json(quotes))
