"""A PDF page is read paragraph by paragraph: where its lines stand (space above a line, a first-line indent, a
short last line before a line that opens with a capital) puts a blank line between its paragraphs, so a PDF
letter or report gives the paragraphs, testimonials, speakers and courtesy that the same text gives as plain text
with blank lines, or as a Word document."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_pdf as write

from evalnlp import api
from evalnlp.ingest.readers import read_narrative
from evalnlp.store import Store

fpdf = pytest.importorskip("fpdf")

ADDRESS = "Harbourside Community Trust\n14 Quay Street\nPortwen PW3 8DL"
DATE = "12 May 2021"
SALUTATION = "Dear Dr Achterberg,"
BODY = [
    "I write in support of the work of your team with the harbour families of Portwen. Before the project began, "
    "most of the families we serve had never been asked what their children needed from the summer programme, and "
    "we planned it from what we guessed.",
    "Since 2019 the trust has run its summer programme with the parents' panel that your study set up. Attendance "
    "rose from 60 children in the first year to 210 in the third, and the waiting list that we kept for years has "
    "gone.",
    "I give this work my full support.",
]
COURTESY = "Please do not hesitate to contact me if you would like to know more about the programme."
CLOSE = "Yours sincerely,"
SIGNATURE = "Rosalind Quayle\nChief Executive\nHarbourside Community Trust"
SPEAKER = "Rosalind Quayle, Chief Executive, Harbourside Community Trust"
LETTER = [ADDRESS, DATE, SALUTATION, *BODY, COURTESY, CLOSE, SIGNATURE]

HEADING = "Details of the impact"
REPORT = [
    HEADING,
    "The programme reached every primary school in the county within three years. Teachers who had taken part in "
    "the first year trained their colleagues, so the county paid for no outside trainers after 2018.",
    "Head teachers reported three changes in their schools:",
    "- fewer pupils left behind in the first term\n"
    "- lessons planned together by the teachers of each year group, with the materials shared across schools\n"
    "- parents invited to a workshop every term",
    "One head teacher described the change in her school:",
    "\"We used to lose a third of the class by the spring. Now the teachers notice in the first weeks, and the "
    "pupils who struggle get help before they fall behind,\" said Joanna Mbeki, Head Teacher of Carrow Primary.",
    "The county council has since adopted the programme as part of its numeracy strategy.",
]
QUOTE = ("We used to lose a third of the class by the spring. Now the teachers notice in the first weeks, and the "
         "pupils who struggle get help before they fall behind,")


def normal(text: str) -> str:
    return " ".join(text.split())


def wrap(pdf, text: str, width: float, first: float = 0.0) -> list[str]:
    """``text`` wrapped to ``width`` mm in the current font, its first line ``first`` mm narrower."""
    lines, line = [], ""
    for word in text.split():
        room = width - (first if not lines else 0.0)
        if line and pdf.get_string_width(f"{line} {word}") > room:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


def block_letter(pdf, font: str = "Helvetica") -> None:
    """A letter as a word processor sets it: block paragraphs with space between them, the body justified, a
    space for the signature under the close."""
    pdf.add_page()
    pdf.set_font(font, size=11)
    for part in LETTER:
        pdf.multi_cell(0, 5.5, part, align="J" if part in BODY or part == COURTESY else "L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(14 if part == CLOSE else 4)


def embedded_letter(pdf) -> None:
    """The block letter in a TrueType font embedded as a composite font, as Word, LibreOffice and Chromium embed
    theirs (DejaVu Sans, from matplotlib's data)."""
    matplotlib = pytest.importorskip("matplotlib")
    pdf.add_font("DejaVu", "", str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    block_letter(pdf, "DejaVu")


def indented_letter(pdf) -> None:
    """The same letter with its body's paragraphs set without space between them, each first line indented,
    ragged right."""
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    x, width, y = 20.0, 170.0, 25.0
    for part in LETTER:
        if part in BODY or part == COURTESY:
            for i, line in enumerate(wrap(pdf, part, width, first=8.0)):
                pdf.text(x + (8.0 if i == 0 else 0.0), y, line)
                y += 5.5
            y += 4 if part == COURTESY else 0
            continue
        for line in part.split("\n"):
            pdf.text(x, y, line)
            y += 5.5
        y += 14 if part == CLOSE else 4


def report_page(pdf) -> None:
    """A report's page: a heading in a larger size, paragraphs with an indented first line and no space between,
    a list indented under the paragraph that introduces it (an item wrapped under its own text), and a quotation
    set off as a paragraph of its own, indented on both sides."""
    pdf.add_page()
    x, width, y = 20.0, 170.0, 25.0
    pdf.set_font("Helvetica", "B", 14)
    pdf.text(x, y, HEADING)
    y += 9
    pdf.set_font("Helvetica", size=10.5)
    for part in REPORT[1:]:
        if part.startswith("- "):
            for item in part.split("\n"):
                for i, line in enumerate(wrap(pdf, item[2:], width - 14)):
                    if i == 0:
                        pdf.text(x + 6, y, "-")
                    pdf.text(x + 10, y, line)
                    y += 5
            continue
        quoted = part.startswith("\"")
        for i, line in enumerate(wrap(pdf, part, width - 24 if quoted else width, first=0.0 if quoted else 8.0)):
            pdf.text(x + (12 if quoted else 8 if i == 0 else 0), y, line)
            y += 5


def pdf_paragraphs(path: Path) -> list[str]:
    return [normal(p) for page in read_narrative(path) for p in page.text.split("\n\n") if p.strip()]


@pytest.mark.parametrize("layout", [block_letter, embedded_letter, indented_letter])
def test_a_pdf_letters_paragraphs_are_those_of_its_plain_text(tmp_path, layout):
    """Space between paragraphs, or a first-line indent, or a paragraph of one line: each paragraph of the letter
    (the address, the date, the salutation, the body's paragraphs, the courtesy, the close, the signature block)
    is one paragraph of the page's text, as it is of the letter written as plain text with blank lines."""
    pdf = write(tmp_path / "letter.pdf", layout)
    txt = tmp_path / "letter.txt"
    txt.write_text("\n\n".join(LETTER) + "\n", encoding="utf-8")
    assert pdf_paragraphs(pdf) == [normal(p.text) for p in read_narrative(txt)] == [normal(p) for p in LETTER]


def test_a_pdf_reports_paragraphs_are_those_of_its_plain_text(tmp_path):
    """A heading in a larger size, indented paragraphs without space between them, a list (one paragraph, its
    wrapped item too) and a quotation set off and indented: the paragraphs of the plain text."""
    pdf = write(tmp_path / "report.pdf", report_page)
    txt = tmp_path / "report.txt"
    txt.write_text("\n\n".join(REPORT) + "\n", encoding="utf-8")
    assert pdf_paragraphs(pdf) == [normal(p.text) for p in read_narrative(txt)] == [normal(p) for p in REPORT]


def told_by(store: Store, source: str) -> list[tuple[str, str]]:
    docs = store.table("documents").set_index("doc_id")
    segs = store.table("segments")
    for row in segs.itertuples():
        assert docs.loc[row.doc_id, "text"][row.start:row.end] == row.text
    told = segs[segs["kind"] == "testimonial"].merge(docs[["source", "locator"]], left_on="doc_id",
                                                     right_index=True)
    told = told[told["source"] == source].sort_values(["locator", "start"])
    return [(normal(t), s) for t, s in zip(told["text"], told["speaker"])]


@pytest.mark.parametrize("layout", [block_letter, embedded_letter, indented_letter])
def test_a_pdf_letter_gives_the_testimonials_of_its_word_version(tmp_path, write_docx, layout):
    """Each paragraph of the body is a testimonial of the signatory, the courtesy paragraph none, as the Word
    version of the letter gives them (before, the whole page was one paragraph: one testimonial ran from the
    body's first word to the courtesy); the stored text is the page's, every passage an exact slice of it."""
    pdf = write(tmp_path / "letter.pdf", layout)
    docx = write_docx([line for part in LETTER for line in part.split("\n")], name="letter.docx")
    found = {}
    for path in (pdf, docx):  # (each in a store of its own: one store would warn of the same letter twice)
        with Store(tmp_path / f"{path.suffix[1:]}.duckdb") as store:
            api.ingest(store, [path])
            found[path.suffix] = told_by(store, path.name)
            segs = store.table("segments")
            assert not any(COURTESY in t for t in segs.loc[segs["kind"] == "testimonial", "text"])
            assert not any("Rosalind" in t or "Quay Street" in t for t in segs["text"])  # furniture, no passage
            assert store.table("letters")["name"].tolist() == ["Rosalind Quayle"] * len(BODY)
    assert found[".pdf"] == found[".docx"] == [(normal(p), SPEAKER) for p in BODY]
    (doc,) = api.extract([pdf])
    assert [(normal(t.quote), t.speaker) for t in doc.testimonials] == [(normal(p), SPEAKER) for p in BODY]
    assert all(doc.text[t.start:t.end] == t.quote for t in doc.testimonials)


def test_a_pdf_report_gives_the_testimonial_of_its_plain_text(tmp_path):
    """The quotation set off in the report is the head teacher's testimonial in the PDF as in the plain text."""
    pdf = write(tmp_path / "report.pdf", report_page)
    txt = tmp_path / "report.txt"
    txt.write_text("\n\n".join(REPORT) + "\n", encoding="utf-8")
    found = {d.source: [(normal(t.quote), normal(t.speaker)) for t in d.testimonials]
             for d in api.extract([pdf, txt])}
    assert found["report.pdf"] == found["report.txt"] == [
        (QUOTE, "Joanna Mbeki, Head Teacher of Carrow Primary")]


def test_lines_that_end_on_purpose_one_after_another_stay_one_paragraph(tmp_path):
    """An address and a signature block are lines that each end short of the margin, one under another: no line
    of them ends a paragraph of wrapped lines, so each stays one paragraph (its lines kept apart by the reading
    text), and a line that opens in lower case goes on with the paragraph above even after space (a sentence
    run on past a figure)."""

    def page(pdf) -> None:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        y = 25.0
        for line in ADDRESS.split("\n") + [None, "The survey of 2020 asked every family on the list what the",
                                           "programme had given their children, and", None, None,
                                           "most answered that it gave them a summer at home."]:
            if line:
                pdf.text(20, y, line)
            y += 5.5

    (read,) = read_narrative(write(tmp_path / "address.pdf", page))
    assert [normal(p) for p in read.text.split("\n\n")] == [
        normal(ADDRESS), "The survey of 2020 asked every family on the list what the programme had given their "
        "children, and most answered that it gave them a summer at home."]


LIST_INTRO = "Head teachers named three changes in their schools since the programme began:"
LIST_AFTER = "The county council has since adopted the programme as part of its numeracy strategy."


def full_line(pdf, words: str, width: float) -> str:
    """As many of ``words`` (taken round again) as fill a line of ``width`` mm: a line no word can be added to."""
    pool, line = words.split(), ""
    while pdf.get_string_width(f"{line} {pool[0]}".strip()) <= width:
        line = f"{line} {pool[0]}".strip()
        pool = pool[1:] + pool[:1]
    return line


def list_page(mark: str, mark_x: float, text_x: float):
    """A paragraph, then a list as a word processor sets it (each item's mark drawn apart, its text at a hanging
    indent; the second item wrapped under its own text, its full line followed by one opening with a capital; the
    last item's one line full to the margin), then a paragraph set at the margin, with no indent and no space above
    it. Returns the page and a function giving its paragraphs as plain text."""
    items: list[list[str]] = []

    def page(pdf) -> None:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10.5)
        x, width, y = 20.0, 170.0, 25.0
        items[:] = [["fewer pupils left behind in the first term"],
                    [full_line(pdf, "lessons planned together by the teachers of each year group and the",
                               width - text_x),
                     "Portwen Primary shared with every school"],
                    [full_line(pdf, "parents invited to a workshop every term on reading and number at home",
                               width - text_x)]]
        pdf.text(x, y, LIST_INTRO)
        for n, item in enumerate(items, 1):
            for i, line in enumerate(item):
                y += 5
                if i == 0:
                    pdf.text(x + mark_x, y, mark.format(n=n))
                pdf.text(x + text_x, y, line)
        pdf.text(x, y + 5, LIST_AFTER)

    def paragraphs() -> list[str]:
        return [LIST_INTRO, " ".join(f"{mark.format(n=n)} {' '.join(item)}" for n, item in enumerate(items, 1)),
                LIST_AFTER]

    return page, paragraphs


@pytest.mark.parametrize("mark, mark_x, text_x", [("-", 6.0, 12.0), ("{n}.", 0.0, 6.0)], ids=["bullets", "numbers"])
def test_a_paragraph_at_the_margin_after_a_list_is_not_glued_to_its_last_item(tmp_path, mark, mark_x, text_x):
    """The paragraph after a list, set at the margin without an indent or space above it, starts left of where the
    list's wrapped item goes on (under its text), or of the items' marks: it ends the list even when the last item's
    line is full to the margin (before, it was read as the last item's wrapped text, and its first sentence glued
    to the item's). A wrapped item's line under its own text stays the item's, whatever its first letter. In the
    store the paragraph's sentence is its own, an exact slice of the page's text."""
    page, paragraphs = list_page(mark, mark_x, text_x)
    pdf = write(tmp_path / "list.pdf", page)
    assert pdf_paragraphs(pdf) == paragraphs()
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [pdf])
        (text,) = store.table("documents")["text"]
        segs = store.table("segments")
        assert all(text[s:e] == t for s, e, t in zip(segs["start"], segs["end"], segs["text"]))
        assert LIST_AFTER in list(segs["text"]) and f"\n\n{LIST_AFTER}" in text


def test_a_wrapped_item_of_a_list_without_a_hanging_indent_stays_the_items(tmp_path):
    """A list whose wrapped item goes on at the margin, under its mark (no hanging indent): the item's next line,
    opening with a capital, is still the item's, though it stands left of the item's text."""
    lines: list[str] = []

    def page(pdf) -> None:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10.5)
        first = full_line(pdf, "lessons planned together by the teachers of each year group and the", 170.0 - 6.0)
        lines[:] = [LIST_INTRO, "1.", first, "Portwen Primary shared with every school", "2.",
                    "parents invited to a workshop every term"]
        y = 25.0
        pdf.text(20, y, LIST_INTRO)
        for mark, text, x in (("1.", first, 26.0), (None, lines[3], 20.0), ("2.", lines[5], 26.0)):
            y += 5
            if mark:
                pdf.text(20, y, mark)
            pdf.text(x, y, text)

    assert pdf_paragraphs(write(tmp_path / "list.pdf", page)) == [LIST_INTRO, normal(" ".join(lines[1:]))]


BLOCK_NAME = "Joanna Mbeki, Head Teacher of Carrow Primary School and Nursery, Portwen Bay"


@pytest.mark.parametrize("attribution", ["said", "line"])
def test_a_block_quotations_speaker_in_a_pdf_reads_as_one_line(tmp_path, attribution):
    """A quotation set in on both sides, its attribution inside the block (``," said Joanna Mbeki, ...``, wrapped
    over the block's lines) or on a line of its own under it (``- Joanna Mbeki, ...``, which the layout sets apart
    as a paragraph, since the quotation's last line ends short): the speaker is named, on one line, in extraction
    (the page's lines kept, the speaker's offsets into them) and in the store."""
    quote = ("\"We used to lose a third of the class by the spring. Now the teachers notice in the first weeks, and "
             "the pupils who struggle get help before they fall behind.\"")
    block = [quote[:-2] + f",\" said {BLOCK_NAME}."] if attribution == "said" else [quote, f"- {BLOCK_NAME}"]

    def page(pdf) -> None:
        pdf.add_page()
        pdf.set_font("Helvetica", size=10.5)
        y = 25.0
        for part, x, width in [(REPORT[1], 20.0, 170.0), *((b, 35.0, 140.0) for b in block), (REPORT[-1], 20.0, 170.0)]:
            for line in wrap(pdf, part, width):
                pdf.text(x, y, line)
                y += 5

    pdf = write(tmp_path / "block.pdf", page)
    (doc,) = api.extract([pdf])
    (t,) = doc.testimonials
    assert t.speaker == BLOCK_NAME and " ".join(doc.text[t.speaker_start:t.speaker_end].split()) == BLOCK_NAME
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [pdf])
        assert told_by(store, "block.pdf") == [(normal(quote.strip('"')) if attribution == "line"
                                                else normal(quote[1:-2] + ","), BLOCK_NAME)]
