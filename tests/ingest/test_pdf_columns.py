"""A PDF page set in columns is read column by column, left to right, with full-width lines (a title, a heading
across the columns, a footer) kept in place; a page without columns keeps pypdf's lines exactly (a blank line
between paragraphs aside, see test_pdf_paragraphs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import shared_data
from helpers import write_pdf as write

from evalnlp import api
from evalnlp.ingest.readers import read_narrative
from evalnlp.store import Store

fpdf = pytest.importorskip("fpdf")
pypdf = pytest.importorskip("pypdf")

TITLE = "Shared care records in three rural districts"
LEFT = [
    "The programme began in three rural districts where clinics kept no shared records and families "
    "travelled long distances for routine checks.",
    "Nurses wrote their notes on paper and passed them on by hand at the end of each week. A district "
    "nurse in Elmbridge told the evaluation team: \"We used to spend the first hour of every visit finding "
    "out what the last team had done, and by the time we knew, the family",
]
RIGHT = [
    "had given up waiting and gone home,\" said Mary Oduya, Lead Nurse for the district.",
    "The shared record changed that within months. Visits now start with the plan on the screen, and the "
    "time saved goes to the families who need it most.",
    "Waiting lists fell by a third in the first year.",
]
FOOTER = "Annual report of the Northfield health partnership, page 4"
QUOTE = ("We used to spend the first hour of every visit finding out what the last team had done, and by the time "
         "we knew, the family had given up waiting and gone home,")
SENTENCES = [
    TITLE,
    "The programme began in three rural districts where clinics kept no shared records and families travelled "
    "long distances for routine checks.",
    "Nurses wrote their notes on paper and passed them on by hand at the end of each week.",
    f"A district nurse in Elmbridge told the evaluation team: \"{QUOTE}\" said Mary Oduya, Lead Nurse for the "
    "district.",
    "The shared record changed that within months.",
    "Visits now start with the plan on the screen, and the time saved goes to the families who need it most.",
    "Waiting lists fell by a third in the first year.",
    FOOTER,
]


def _wrap(pdf, paragraphs: list[str], width: float) -> list[str | None]:
    """The lines of ``paragraphs`` wrapped to ``width`` mm in the current font, None for the gap after each."""
    lines: list[str | None] = []
    for text in paragraphs:
        line = ""
        for word in text.split():
            if line and pdf.get_string_width(f"{line} {word}") > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines += [line, None]
    return lines[:-1]


def column_page(pdf, columns: list[list[str]], *, title: str | None = TITLE, footer: str | None = FOOTER,
                heading: str | None = None, below: list[list[str]] | None = None, order: str = "across",
                font: str = "Helvetica", footer_below: float | None = None) -> None:
    """A page of ``columns`` (each a list of paragraphs) under a full-width ``title``, with a full-width ``footer``;
    with ``heading``, a full-width heading follows the columns and ``below`` is set in columns under it. The
    lines are drawn across the page, one row of the columns after another (``order="across"``), column by column
    (``"down"``), or the right column first (``"right-first"``); in ``font`` (a core font, or one added to ``pdf``). The footer stands at the foot of the page, or
    ``footer_below`` mm below the columns' last line."""
    pdf.add_page()
    left, right, gutter = 20.0, 190.0, 8.0
    width = (right - left - gutter * (len(columns) - 1)) / len(columns)
    y = 25.0
    if title:
        pdf.set_font(font, "B", 16)
        pdf.text(left, y, title)
        y += 14
    pdf.set_font(font, size=10)
    for part in [columns] + ([[heading], below] if heading else []):
        if isinstance(part[0], str):  # the heading, across the page
            pdf.set_font(font, "B", 12)
            pdf.text(left, y + 4, part[0])
            pdf.set_font(font, size=10)
            y += 14
            continue
        rows = [_wrap(pdf, paragraphs, width) for paragraphs in part]
        drawn = [(c, i, line) for c, lines in enumerate(rows) for i, line in enumerate(lines) if line]
        if order == "across":
            drawn.sort(key=lambda d: (d[1], d[0]))
        elif order == "right-first":
            drawn.sort(key=lambda d: (-d[0], d[1]))
        for c, i, line in drawn:
            pdf.text(left + c * (width + gutter), y + 5 * i, line)
        y += 5 * max(len(r) for r in rows) + 6
    if footer:
        pdf.set_font(font, size=8)
        pdf.text(left, 282 if footer_below is None else y - 6 - 5 + footer_below, footer)


def single_column_page(pdf) -> None:
    """A page of ordinary prose, with a heading, an indented list and a small table, as a report has."""
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, "Summary of the impact", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, " ".join(LEFT + RIGHT), new_x="LMARGIN", new_y="NEXT")
    for item in ("- fewer repeat visits", "- shorter waits for a first appointment"):
        pdf.set_x(pdf.l_margin + 10)
        pdf.cell(0, 6, item, new_x="LMARGIN", new_y="NEXT")
    for district, visits in (("District", "Visits"), ("Elmbridge", "1,240"), ("Harwood", "980"), ("Lowfield", "705")):
        pdf.cell(60, 6, district)
        pdf.cell(40, 6, visits, new_x="LMARGIN", new_y="NEXT")


def stored(store: Store, kind: str = "sentence") -> list[str]:
    """Segment texts in document order, after checking every segment is its document's slice."""
    docs = store.table("documents").set_index("doc_id")
    segs = store.table("segments")
    for row in segs.itertuples():
        assert docs.loc[row.doc_id, "text"][row.start:row.end] == row.text
    segs = segs[segs.kind == kind].assign(loc=segs.doc_id.map(docs["locator"])).sort_values(["loc", "start"])
    return segs["text"].tolist()


def plain_text(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def drawn(text: str) -> str:
    """``text`` without its empty lines: pypdf's lines, as a page read as drawn keeps them, between the blank
    lines it puts between paragraphs."""
    return "\n".join(line for line in text.split("\n") if line)


@pytest.mark.parametrize("order", ["across", "right-first"])
def test_a_two_column_page_is_stored_column_by_column(store, tmp_path, order):
    """Lines drawn across the page (or the right column first) come out column by column: the title first, the
    left column, the right column, the footer last; the quotation that runs from the foot of the left column to
    the top of the right one is one testimonial, its words in order."""
    path = write(tmp_path / "columns.pdf", lambda pdf: column_page(pdf, [LEFT, RIGHT], order=order))
    result = api.ingest(store, [path])
    assert result.n_in == 1 == result.n_ok
    assert stored(store) == SENTENCES
    assert stored(store, "testimonial") == [QUOTE]
    (doc,) = api.extract([path])
    (t,) = doc.testimonials
    assert " ".join(t.quote.split()) == QUOTE and doc.text[t.start:t.end] == t.quote  # as the page has it
    assert " ".join(t.speaker.split()).startswith("Mary Oduya")


def embedded_font(pdf) -> str:
    """A TrueType font embedded in ``pdf`` (DejaVu Sans, from matplotlib's data): written, as Chromium, Word and
    LibreOffice write theirs, as a composite (Type0) font whose character codes are glyph numbers."""
    matplotlib = pytest.importorskip("matplotlib")
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    return "DejaVu"


def test_a_page_in_an_embedded_font_is_read_column_by_column(store, tmp_path):
    """The columns are found from the glyph widths of a composite font too (each character measured by its own
    glyph, not by the font's default width, which makes every line look long enough to cross the gutter)."""
    path = write(tmp_path / "embedded.pdf", lambda pdf: column_page(pdf, [LEFT, RIGHT], font=embedded_font(pdf)))
    fonts = pypdf.PdfReader(path).pages[0]["/Resources"]["/Font"]
    assert {fonts[name].get_object()["/Subtype"] for name in fonts} == {"/Type0"}
    api.ingest(store, [path])
    assert stored(store) == SENTENCES
    assert stored(store, "testimonial") == [QUOTE]


def test_the_reading_text_of_a_two_column_page(tmp_path):
    """The title and the footer stand apart from the columns (a blank line between), and each column's lines
    follow one another: the left column's last line, then the right column's first."""
    path = write(tmp_path / "columns.pdf", lambda pdf: column_page(pdf, [LEFT, RIGHT]))
    (page,) = read_narrative(path)
    assert page.locator == "page 1"
    blocks = page.text.split("\n\n")
    assert blocks[0] == TITLE and blocks[-1] == FOOTER
    # a blank line between paragraphs too; the paragraph that runs on into the right column is one
    assert [" ".join(b.split()) for b in blocks[1:-1]] == [LEFT[0], f"{LEFT[1]} {RIGHT[0]}", RIGHT[1], RIGHT[2]]
    lines = "\n".join(blocks[1:-1]).split("\n")
    assert lines[0].startswith("The programme began") and lines[-1] == RIGHT[-1]
    assert lines.index("knew, the family") + 1 == lines.index("had given up waiting and gone home,\" said Mary")


def test_a_heading_across_the_columns_keeps_its_place(store, tmp_path):
    """A heading set across both columns ends the columns above it: they are read before it, and the columns
    below it after it."""
    below = [["Families now see the same nurse at most visits."], ["Staff turnover fell in every district."]]
    heading = "What changed for families and for the staff who support them across the districts"
    path = write(tmp_path / "heading.pdf",
                 lambda pdf: column_page(pdf, [LEFT, RIGHT], heading=heading, below=below, footer=None))
    api.ingest(store, [path])
    assert stored(store) == SENTENCES[:-1] + [heading] + [below[0][0], below[1][0]]


def test_a_left_column_longer_than_the_right_is_read_whole_before_it(tmp_path):
    """On a report's last page the right column may end early: the lines of the left column below it are still
    the left column's (they keep its line pitch), not full-width lines read after the right column; a short page
    number far below is (and, standing alone at the page's foot, is then taken off the document's text)."""
    from pypdf import PdfReader

    from evalnlp.ingest._pdf_columns import page_text

    closing = ("The right column ends early on the last page of the report, after a few lines that close the "
               "section for the reader.")
    path = write(tmp_path / "last.pdf", lambda pdf: column_page(pdf, [LEFT + RIGHT, [closing]], footer="Page 7"))
    drawn = page_text(PdfReader(path).pages[0])
    blocks = [" ".join(block.split()) for block in drawn.split("\n\n")]
    assert blocks == [TITLE, LEFT[0], f"{LEFT[1]} {RIGHT[0]}", RIGHT[1], RIGHT[2], closing, "Page 7"]
    (page,) = read_narrative(path)
    assert [" ".join(block.split()) for block in page.text.split("\n\n")] == blocks[:-1]


def test_a_three_column_page_is_read_column_by_column(store, tmp_path):
    columns = [
        ["Parents in the first district asked for evening clinics, and the team opened two within a month of "
         "the request."],
        ["Teachers in the second district used the new attendance reports to spot pupils missing lessons "
         "early in the term."],
        ["Health visitors in the third district shared their caseloads, so no family waited more than a "
         "week for a visit."],
    ]
    path = write(tmp_path / "three.pdf", lambda pdf: column_page(pdf, columns, title=None, footer=None))
    api.ingest(store, [path])
    assert stored(store) == [c[0] for c in columns]


def test_a_page_without_columns_keeps_its_text_exactly(tmp_path):
    """A single-column page, and a two-column page whose content stream already draws it column by column,
    keep pypdf's lines unchanged, character for character (with a blank line between paragraphs)."""
    path = write(tmp_path / "plain.pdf", single_column_page,
                 lambda pdf: column_page(pdf, [LEFT, RIGHT], order="down"))
    pages = read_narrative(path)
    assert [drawn(p.text) for p in pages] == [drawn(t) for t in plain_text(path)]
    assert [p.text.count("\n\n") for p in pages] == [3, 5]
    assert "Elmbridge 1,240" in pages[0].text  # a table's rows are not read as columns


def test_a_footer_just_below_columns_drawn_in_order_stays_last(store, tmp_path):
    """Chromium draws a page column by column, and a footer a line or two below the columns (after the last
    paragraph, in a smaller size): the footer has no line of the right column beside it and stands close under
    the left column, yet it is not read into the left column, between the two halves of a sentence that runs on
    into the right one. The page keeps pypdf's lines."""
    path = write(tmp_path / "footer.pdf",
                 lambda pdf: column_page(pdf, [LEFT, RIGHT], order="down", footer_below=8, font=embedded_font(pdf)))
    (page,) = read_narrative(path)
    assert drawn(page.text) == drawn(plain_text(path)[0])
    api.ingest(store, [path])
    assert " ".join(stored(store)).split() == " ".join(SENTENCES).split()  # every word, in the order written
    assert stored(store, "testimonial") == [QUOTE]


def sidebar_page(pdf) -> None:
    """A page as Chromium draws a box beside the main text, column by column: a narrow box in a large font on the
    left, then the main text beside it, whose first line stands higher than the box's (its font is smaller)."""
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    for i, line in enumerate(_wrap(pdf, [BOX], 45)):
        if line:
            pdf.text(20, 32 + 7 * i, line)
    pdf.set_font("Helvetica", size=10)
    for i, line in enumerate(l for l in _wrap(pdf, LEFT + RIGHT, 110) if l):
        pdf.text(80, 25 + 5 * i, line)


def cells_page(pdf) -> None:
    """Two columns drawn one after the other, as Chromium draws them, the left one ending in a table row of two
    cells, drawn cell by cell, each cell's text wrapped to two lines."""
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = [l for l in _wrap(pdf, LEFT, 80) if l]
    for i, line in enumerate(lines):
        pdf.text(20, 25 + 5 * i, line)
    y = 25 + 5 * len(lines) + 3
    for c, cell in enumerate(BOX_CELLS):
        for i, line in enumerate(_wrap(pdf, [cell], 36)):
            pdf.text(20 + c * 42, y + 5 * i, line)
    for i, line in enumerate(l for l in _wrap(pdf, RIGHT, 80) if l):
        pdf.text(110, 25 + 5 * i, line)


BOX = "Families in three districts now share one care record. Waits for a first visit fell by a third."
BOX_CELLS = ["Home visits per family fell in every district", "Waits were a third shorter than the year before"]


def test_a_box_beside_the_text_drawn_first_keeps_its_order(tmp_path):
    """The main text's first line stands above the box beside it, with nothing beside it, but it is the main
    text's first line, not a title: it is not moved to the top of the page, away from the rest of its sentence."""
    path = write(tmp_path / "box.pdf", sidebar_page)
    (page,) = read_narrative(path)
    assert drawn(page.text) == drawn(plain_text(path)[0])
    assert " ".join(page.text.split()) == " ".join([BOX] + LEFT + RIGHT)


def test_a_table_row_in_a_column_keeps_each_cell_whole(tmp_path):
    """A table row at the foot of a column, drawn cell by cell: each cell's lines stay together, not read line by
    line across the cells."""
    path = write(tmp_path / "cells.pdf", cells_page)
    (page,) = read_narrative(path)
    assert drawn(page.text) == drawn(plain_text(path)[0])
    assert " ".join(page.text.split()) == " ".join(LEFT + BOX_CELLS + RIGHT)


def table_page(pdf) -> None:
    """A page that is one wide table: each row's cells set well apart, as a report's appendix of figures."""
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    wards = ["Ash", "Beech", "Cedar", "Elm", "Hazel", "Larch", "Maple", "Oak", "Rowan", "Willow", "Yew", "Alder"]
    for r, ward in enumerate(wards):
        cells = [f"{ward} ward"] + [f"{(r * 37 + c * 11) % 90 + 5}%" for c in range(9)]
        for c, cell in enumerate(cells):
            pdf.set_xy(10 + c * 19.5, 20 + r * 6)
            pdf.cell(16, 5, cell)


def test_a_wide_table_is_read_row_by_row(tmp_path):
    """Cells set apart look like narrow columns, but each "column" would hold gaps as wide as a gutter: a table's
    rows keep pypdf's order, each row one line."""
    path = write(tmp_path / "table.pdf", table_page)
    (page,) = read_narrative(path)
    assert page.text == plain_text(path)[0]
    assert page.text.splitlines()[0].startswith("Ash ward 5% 16%")


def test_a_long_document_without_columns_keeps_its_text_exactly():
    """The REFI-QDA standard (code listings in a monospaced face, whose tokens start at the same x on many
    lines, and tables): every page keeps pypdf's lines."""
    data = shared_data()
    path = data / "refi_qda" / "REFI-QDA-1-5.pdf" if data else None
    if path is None or not path.is_file():
        pytest.skip("the shared REFI-QDA specification is not present")
    from evalnlp.ingest._pdf_columns import page_text

    reader = pypdf.PdfReader(path)
    for number in range(10, 20):
        page = reader.pages[number]
        assert drawn(page_text(page)) == drawn(page.extract_text()), f"page {number + 1}"
