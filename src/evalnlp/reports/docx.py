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
    group_parts,
    matrix_wide,
    pct,
    place,
    provenance_rows,
    quoted,
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


#: The language of the Word files' text (British English, as the tables' words are).
LANGUAGE = "en-GB"


def _new_document(title: str):
    import docx  # python-docx, a core dependency imported only when a Word file is written

    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, RGBColor

    document = docx.Document()
    section = document.sections[0]  # A4 with 2.54 cm margins, as UK reports are; python-docx starts on US Letter
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(25.4)
    core = document.core_properties
    core.title = title
    core.author = "evalnlp"
    core.language = LANGUAGE
    # the text's language, which a screen reader speaks it in and Word checks its spelling in: python-docx's
    # template says en-US, for a document in British English
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for lang in defaults.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
    # python-docx's headings below the first are light blue (#4F81BD, 4.0:1 on white, short of the 4.5:1 text
    # needs at 13 pt) and every heading's colour comes from the theme; each is set as a colour of its own, the
    # lower ones the first heading's darker blue (6.6:1)
    for name, colour in (("Title", "17365D"), ("Heading 1", "365F91"), ("Heading 2", "365F91"),
                         ("Heading 3", "365F91")):
        document.styles[name].font.color.rgb = RGBColor.from_string(colour)
    # python-docx's Title style has no outline level, so the title was not a heading to Word's navigation pane, a
    # screen reader's list of headings or a PDF's bookmarks: it is at the first level, as Heading 1 is
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")
    document.styles["Title"].element.get_or_add_pPr().insert_element_before(
        outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
    document.add_heading(_xml(title), level=0)
    return document


#: About how many characters of the 11 pt body text a line of A4's text width (15.9 cm) holds, a cell's margins
#: taking 2 of them; the longest word a column is widened for (a longer one, a hash or a path, is broken); the
#: longest text a column asks room for on one line.
_LINE_CHARS, _CELL_MARGIN, _LONGEST_WORD, _LONGEST_LINE = 82, 2, 16, 60


def _content_widths(df: pd.DataFrame) -> list[float]:
    """Each column's share of the text width, by what it holds: at least room for its longest word (so a count
    or a header such as Documents is not broken inside a word), and what is left shared by how much more room
    each column's longest text would take on one line. The label and quote columns come out wide, counts
    narrow, where Word's equal columns squeezed a theme's label into a column as narrow as a count's."""
    least, natural = [], []
    for name in df.columns:
        texts = [str(name)] + ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in df[name]]
        word = max((len(w) for t in texts for w in t.split()), default=1)
        least.append(min(word, _LONGEST_WORD) + _CELL_MARGIN)
        natural.append(max(least[-1], min(max(len(t) for t in texts), _LONGEST_LINE) + _CELL_MARGIN))
    if sum(natural) <= _LINE_CHARS:
        room = natural
    elif sum(least) >= _LINE_CHARS:
        room = least
    else:
        extra, wanted = _LINE_CHARS - sum(least), [n - m for n, m in zip(natural, least)]
        room = [m + extra * w / sum(wanted) for m, w in zip(least, wanted)]
    return [r / sum(room) for r in room]


def _table(document, df: pd.DataFrame, caption: str, widths: list[float] | None = None) -> None:
    """Add ``df`` as a Word table with a bold header row that repeats on each page, marked as the header row, and
    ``caption`` as its title (the alternative text a screen reader announces and Word's accessibility check asks
    for); ``widths``: each column's share of the page's text width (otherwise shares by what each column holds,
    :func:`_content_widths`). An empty paragraph follows it, which :func:`_save` drops where a heading comes next."""
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
    described = OxmlElement("w:tblCaption")  # last in w:tblPr, where the schema puts it
    described.set(qn("w:val"), _xml(caption))
    table._tbl.tblPr.append(described)
    for row in df.itertuples(index=False, name=None):
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None or (isinstance(value, float) and value != value) else _xml(value)
    if len(df.columns):
        _set_widths(document, table, widths or _content_widths(df))
    document.add_paragraph()


def _matrix_tables(document, wide: pd.DataFrame, attr: str, share_of: str = "documents coded") -> None:
    """A framework matrix (theme rows by group columns) as one table, or, of more than ``PAGE_GROUPS`` groups, as
    tables of up to that many groups each with the theme column, in columns of fixed widths: on A4 a table of
    16 groups ran past the page's edge, where its last groups could not be read or printed."""
    caption = f"Themes by {attr}: documents with the theme / {share_of} in the group (share)"
    groups = len(wide.columns) - 1
    parts = group_parts(groups)
    if len(parts) == 1:
        _table(document, wide, caption)
        return
    for start, stop in parts:
        part = f"groups {start + 1}\u2013{stop} of {groups}"
        document.add_paragraph(_xml(f"{attr}: {part}"))
        columns = [wide.columns[0], *wide.columns[1 + start:1 + stop]]
        _table(document, wide[columns], f"{caption}, {part}",
               widths=[0.28] + [0.72 / (stop - start)] * (stop - start))


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


def _drop_spacers_before_headings(document) -> None:
    """Remove the empty paragraph :func:`_table` leaves after a table where a heading follows it: the heading's
    own space sets the table off, and a screen reader read the paragraph out as "blank" after every table. An
    empty paragraph stays where it keeps two tables apart (Word would join them) or ends the document."""
    from docx.oxml.ns import qn

    def heading(el) -> bool:
        style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if el is not None and el.tag == qn("w:p") else None
        return style is not None and re.fullmatch(r"Heading\d|Title", style.get(qn("w:val")) or "") is not None

    for table in document.element.body.findall(qn("w:tbl")):
        spacer = table.getnext()
        if (spacer is not None and spacer.tag == qn("w:p") and len(spacer) == 0
                and heading(spacer.getnext())):
            spacer.getparent().remove(spacer)


def _save(document, path: str | Path) -> Path:
    _drop_spacers_before_headings(document)
    with atomic_path(path) as tmp:
        document.save(str(tmp))
    return Path(path)


def write_evidence_docx(evidence, path: str | Path, title: str = "Evidence tables") -> Path:
    """Themes, framework matrices, claims and provenance as a Word document."""
    document = _new_document(title)
    cb = evidence.codebook
    document.add_paragraph(_xml(
        f"Codebook {cb['id']} (version {cb.get('version')}): {evidence.documents_coded:,} documents "
        f"coded{evidence.unread_text}, "
        f"{evidence.segments_coded:,} passages ({evidence.segments_no_theme:,} of them, "
        f"{pct(evidence.no_theme_share)}, with no theme{evidence.human_note}). "
        f"Share = documents with the theme / {evidence.share_of}, with a "
        "Wilson 95% interval."))
    document.add_heading("Themes", level=1)
    _table(document, theme_display(evidence.themes),
           f"Each theme's passages and documents, its share of the {evidence.share_of} (Wilson 95% interval), its "
           "passages by sentiment and its best quote")
    for attr, matrix in evidence.matrices.items():
        document.add_heading(_xml(f"Themes by {attr}"), level=1)
        document.add_paragraph(f"Each cell: documents with the theme / {evidence.share_of} in the group (share).")
        _matrix_tables(document, matrix_wide(matrix), attr, evidence.share_of)
    if len(evidence.claims):
        document.add_heading("Claims", level=1)
        _table(document, claims_display(evidence.claims),
               "Each claim's passages, documents, sources, references, testimonials and reach figures, its "
               "strength and its best quote")
        for _, c in evidence.claims.iterrows():
            document.add_heading(_xml(f"{c['id']}: {c['text']}"), level=2)
            document.add_paragraph(f"Strength: {c['strength']}.")
            for q in c["quotes"]:
                document.add_paragraph(_xml(f"{quoted(q['text'])} \u2014 {attribution(q)}"), style="Quote")
            testimonials = c.get("testimonials") or []
            if testimonials:
                document.add_paragraph("Attributed testimonials:")
            for tm in testimonials:
                said, who, entries = testimonial_lines(tm)
                document.add_paragraph(_xml(f"{said} \u2014 {who}"), style="Quote")
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
    _table(document, pd.DataFrame(provenance_rows(evidence.provenance, cb), columns=["Item", "Value"]),
           "Codebook, data, coders, runs and package versions behind the figures")
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
        rows = [{"Quote": quoted(q["text"]), "Attribution": attribution(q), "Score": f"{q['score']:.2f}"}
                for q in records if (q["theme"], q.get("group")) == (theme, group)]
        _table(document, pd.DataFrame(rows, columns=["Quote", "Attribution", "Score"]),
               f"Quotes on {heading}: each quote, its attribution and its score", widths=[0.66, 0.24, 0.10])
    return _save(document, path)
