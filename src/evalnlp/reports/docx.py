"""Word documents (python-docx) of evidence tables and quotes, with real Word tables."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from evalnlp.errors import command_line
from evalnlp.reports._common import (
    testimonial_lines,
    atomic_path,
    attribution,
    claims_display,
    matrix_wide,
    place,
    provenance_rows,
    theme_display,
)


#: Characters XML 1.0 cannot hold (C0 controls other than tab and line breaks, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: object) -> str:
    """``text`` as a Word document can hold it: a vertical tab or form feed (Word's own line and page breaks,
    pasted into a survey) is a line break, any other character XML cannot hold is U+FFFD. The value in the
    CSV, JSON and spreadsheet outputs is unchanged."""
    text = str(text)
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "\ufffd", text)


def _new_document(title: str):
    import docx  # python-docx, a core dependency imported only when a Word file is written

    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]  # A4 with 2.54 cm margins, as UK reports are; python-docx starts on US Letter
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25.4)
    core = document.core_properties
    core.title = title
    core.author = "evalnlp"
    document.add_heading(_xml(title), level=0)
    return document


def _table(document, df: pd.DataFrame, widths: list[float] | None = None) -> None:
    """Add ``df`` as a Word table with a bold header row that repeats on each page; ``widths``: each column's
    share of the page's text width (otherwise Word's equal columns)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=1, cols=len(df.columns))
    table.style = "Table Grid"
    header = table.rows[0]
    for cell, name in zip(header.cells, df.columns):
        cell.text = ""
        run = cell.paragraphs[0].add_run(_xml(name))
        run.bold = True
    tr_pr = header._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    for row in df.itertuples(index=False, name=None):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None or (isinstance(value, float) and value != value) else _xml(value)
    if widths:
        _set_widths(document, table, widths)
    document.add_paragraph()


def _set_widths(document, table, shares: list[float]) -> None:
    """Column widths as shares of the text width, in the grid (which LibreOffice and others read) and in every
    cell (which Word reads), with a fixed layout so Word keeps them."""
    from docx.oxml.ns import qn

    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    widths = [int(text_width * share) for share in shares]
    widths[-1] = text_width - sum(widths[:-1])
    table.autofit = False  # w:tblLayout fixed, in its place in w:tblPr
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(width / 635)))  # EMU to twentieths of a point
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _save(document, path: str | Path) -> Path:
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return Path(path)


def write_evidence_docx(evidence, path: str | Path, title: str = "Evidence tables") -> Path:
    """Themes, framework matrices, claims and provenance as a Word document."""
    document = _new_document(title)
    cb = evidence.codebook
    document.add_paragraph(_xml(
        f"Codebook {cb['id']} (version {cb.get('version')}): {evidence.documents_coded:,} documents coded, "
        f"{evidence.segments_coded:,} passages ({evidence.segments_no_theme:,} of them, "
        f"{evidence.no_theme_share:.0%}, with no theme{evidence.human_note}). "
        "Share = documents with the theme / documents coded, with a "
        "Wilson 95% interval."))
    document.add_heading("Themes", level=1)
    _table(document, theme_display(evidence.themes))
    for attr, matrix in evidence.matrices.items():
        document.add_heading(_xml(f"Themes by {attr}"), level=1)
        document.add_paragraph("Each cell: documents with the theme / documents coded in the group (share).")
        _table(document, matrix_wide(matrix))
    if len(evidence.claims):
        document.add_heading("Claims", level=1)
        _table(document, claims_display(evidence.claims))
        for _, c in evidence.claims.iterrows():
            document.add_heading(_xml(f"{c['id']}: {c['text']}"), level=2)
            document.add_paragraph(f"Strength: {c['strength']}.")
            for q in c["quotes"]:
                text = q["text"] if q["text"][:1] in "\"'\u201c\u2018" else f"\u201c{q['text']}\u201d"
                document.add_paragraph(_xml(f"{text} \u2014 {attribution(q)}"), style="Quote")
            testimonials = c.get("testimonials") or []
            if testimonials:
                document.add_paragraph("Attributed testimonials:")
            for tm in testimonials:
                quoted, who, entries = testimonial_lines(tm)
                document.add_paragraph(_xml(f"{quoted} \u2014 {who}"), style="Quote")
                for e in entries:
                    document.add_paragraph(_xml(e), style="List Bullet")
            if c["reach"]:
                document.add_paragraph("Reach figures:")
                for r in c["reach"]:
                    document.add_paragraph(_xml(f"{r['text']} ({place(r['source'], r['locator'], ', ')})"), style="List Bullet")
        document.add_heading("Strength rule", level=2)
        for line in evidence.strength_rule.rstrip().splitlines():
            document.add_paragraph(line)
    if evidence.notes:
        document.add_heading("Notes", level=1)
        for note in evidence.notes:
            document.add_paragraph(_xml(command_line(note)), style="List Bullet")
    document.add_heading("Provenance", level=1)
    _table(document, pd.DataFrame(provenance_rows(evidence.provenance, cb), columns=["Item", "Value"]))
    return _save(document, path)


def write_quotes_docx(quotes: pd.DataFrame, path: str | Path, labels: dict[str, str] | None = None,
                      title: str = "Quotes", redacted: bool = True) -> Path:
    """Quotes as a Word table per theme (and group): quote, attribution, score; ``redacted=False`` says under
    the title that they are not de-identified."""
    from evalnlp.quotes import quote_records
    from evalnlp.reports._common import NOT_REDACTED

    labels = labels or {}
    document = _new_document(title)
    if not redacted:
        document.add_paragraph().add_run(_xml(NOT_REDACTED)).bold = True
    records = quote_records(quotes)
    if not records:
        document.add_paragraph("No quotes: no coded passages for this theme.")
        return _save(document, path)
    keys = list(dict.fromkeys((q["theme"], q.get("group")) for q in records))
    for theme, group in keys:
        heading = labels.get(theme, theme) + (f": {group}" if group is not None else "")
        document.add_heading(_xml(heading), level=1)
        rows = [{"Quote": q["text"], "Attribution": attribution(q), "Score": f"{q['score']:.2f}"}
                for q in records if (q["theme"], q.get("group")) == (theme, group)]
        _table(document, pd.DataFrame(rows, columns=["Quote", "Attribution", "Score"]), widths=[0.66, 0.24, 0.10])
    return _save(document, path)
