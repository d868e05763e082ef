"""Letters of support: the body of a letter is its signatory's testimonial, in every narrative format."""

from __future__ import annotations

import pytest

from evalnlp import api
from evalnlp.ingest._letters import letter_testimonials
from evalnlp.ingest._reflow import reading_texts
from evalnlp.store import Store

# Written for these tests: a head teacher's letter as Word gives it (one paragraph per line of the letterhead,
# the address and the signature block).
LETTER = [
    "Northfield Academy", "Mill Lane", "Northfield", "WX4 7QT", "Tel: 01632 960123", "12 March 2019",
    "Dear Professor Hartley,",
    "Re: the Numeracy Bridges programme",
    "Eleven of our teachers have now completed the course, and every one of them has changed how they plan "
    "lessons.",
    "The proportion of our pupils reaching the expected standard rose from 54% to 71%. One pupil told me, "
    "\u201cI can see the fractions now, and I never could before.\u201d",
    "I would be very happy to discuss this further with the assessment panel.",
    "Yours sincerely,", "Margaret Ellison", "Headteacher", "Northfield Academy",
]


def test_a_letters_body_is_its_signatorys_testimonial():
    """Each paragraph between the salutation and the closing is a testimonial of the signature block (name, role,
    organisation); the letterhead, the subject line and the closing courtesy are not."""
    text = "\n\n".join(LETTER)
    found = letter_testimonials(text)
    assert [t.quote for t in found] == [LETTER[8], LETTER[9]]
    assert {t.speaker for t in found} == {"Margaret Ellison, Headteacher, Northfield Academy"}
    assert all(text[t.start:t.end] == t.quote and t.source_ref is None for t in found)
    assert text[found[0].speaker_start:found[0].speaker_end] == "Margaret Ellison\n\nHeadteacher\n\nNorthfield Academy"


@pytest.mark.parametrize("lines, speaker", [
    (["To whom it may concern,", "The board revised eight items after the consultation.", "Yours faithfully,",
      "Jonathan Price", "Head of Assessment Design", "Tel 01632 960555"], "Jonathan Price, Head of Assessment Design"),
    (["Annwyl Athro Hartley / Dear Professor Hartley,", "The consortium piloted the programme in 22 schools.",
      "Yn gywir / Yours sincerely,", "Rhian Prydderch", "Senior Challenge Adviser"],
     "Rhian Prydderch, Senior Challenge Adviser"),
    (["Dear Eleanor", "Your work changed our national guidance.", "Kind regards", "Dr Priya Raman",
      "Chief Executive"], "Dr Priya Raman, Chief Executive"),
    (["Dear Professor Hartley and Dr Okoye,", "Our trust adopted the programme in 2017.", "With best wishes,",
      "Hon. Amara Desta"], "Hon. Amara Desta"),
])
def test_salutations_and_closings_of_several_kinds(lines, speaker):
    text = "\n\n".join(lines)
    (found,) = letter_testimonials(text)
    assert found.quote == lines[1] and found.speaker == speaker


def test_an_email_signature_and_a_double_spaced_export():
    """An email pasted into a case study's text, exported with a blank line after every wrapped line: the body's
    wrapped lines make whole paragraphs, the first name signed above the full name gives way to it, the bars of
    the signature are commas, and the address under it is no part of the speaker."""
    text = ("From: Whitaker, David\n\nSent: 11 July 2013 17:42\n\nDear Professor Heady,\n\nMy name is David "
            "Whitaker, and I work within the Economics Branch of the Strategy,\n\nPlanning and Budget team.\n\n"
            "The results of your paper were of great interest to us and shaped our\n\nanalysis of the tax system."
            "\n\nI am very happy to discuss this further over the phone.\n\nYours sincerely,\n\nDavid\n\n"
            "David Whitaker | Policy Analyst | Strategy Team |\n\n2 Blue | HM Treasury | London SW1A 2HQ |")
    found = letter_testimonials(text)
    assert [t.quote for t in found] == [
        "My name is David Whitaker, and I work within the Economics Branch of the Strategy,\n\nPlanning and Budget "
        "team.", "The results of your paper were of great interest to us and shaped our\n\nanalysis of the tax "
        "system."]
    assert {t.speaker for t in found} == {"David Whitaker, Policy Analyst, Strategy Team"}


@pytest.mark.parametrize("text", [
    # no closing: a report that quotes a salutation is no letter
    "Dear Professor Hartley,\n\nThe programme was a success.\n\nThe next section describes the reach.",
    # the line after the closing is not a name
    "Dear all,\n\nThe programme was a success.\n\nBest wishes,\n\nand thanks again for all the help you gave us "
    "in 2019.",
    # no salutation
    "The programme was a success.\n\nYours sincerely,\n\nJane Roe",
    # a sentence that opens with "Dear" is not a salutation
    "Dear colleagues will know the report.\n\nThe programme was a success.\n\nYours sincerely,\n\nJane Roe",
])
def test_what_is_not_a_letter_gives_nothing(text):
    assert letter_testimonials(text) == []


def test_a_pdf_letters_reading_text_keeps_its_salutation_and_closing_apart():
    """A PDF's lines are rejoined into paragraphs, and the salutation and the closing, which end on a comma,
    were joined to the date above and the body below ("... WX1 9GH 2 July 2019 To whom it may concern, I
    confirm ..."): they stay on lines of their own."""
    page = ("Examinations House\n5 Regent Row\nWX1 9GH\n2 July 2019\nTo whom it may concern,\nI confirm that the "
            "board revised its specimen assessment materials in 2018 following\nconsultation with the "
            "university.\nYours faithfully,\nJonathan Price\nHead of Assessment Design")
    (text,) = reading_texts([page], "pdf")
    lines = text.split("\n")
    assert "To whom it may concern," in lines and "Yours faithfully," in lines
    assert ("I confirm that the board revised its specimen assessment materials in 2018 following consultation "
            "with the university.") in lines
    assert lines[-2:] == ["Jonathan Price", "Head of Assessment Design"]


def letter_pdf(path, lines):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Page 1 of 1", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


PDF_LETTER = ["Wessex County Council", "County Hall", "Castlebridge", "WX1 2AB", "3 April 2019",
              "Dear Professor Hartley,",
              "I am pleased to confirm that the research of your team has shaped the county's mathematics",
              "strategy. The programme has been delivered to 1,200 teachers in 340 schools across the county.",
              "Yours sincerely,", "David Okonkwo", "Director of Education"]


def test_ingest_and_extract_read_a_pdf_letter_as_its_writers_testimonial(tmp_path, write_docx):
    """ingest stores the body as testimonial passages of the signatory, Word or PDF alike, and a sentence of it
    is quoted as the signatory's words; extract lists the same testimonials."""
    pdf = letter_pdf(tmp_path / "council.pdf", PDF_LETTER)
    docx = write_docx(LETTER, name="academy.docx")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [pdf, docx])
        docs = store.table("documents").set_index("doc_id")
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"].merge(docs[["source"]], left_on="doc_id", right_index=True)
        by_source = told.groupby("source")["speaker"].agg(set).to_dict()
        assert by_source == {"council.pdf": {"David Okonkwo, Director of Education"},
                             "academy.docx": {"Margaret Ellison, Headteacher, Northfield Academy",
                                              "One pupil"}}
        (body,) = told.loc[told["source"] == "council.pdf", "text"]
        assert body == ("I am pleased to confirm that the research of your team has shaped the county's mathematics "
                        "strategy. The programme has been delivered to 1,200 teachers in 340 schools across the "
                        "county.")
        assert "Page 1 of 1" not in docs.loc[docs["source"] == "council.pdf", "text"].iloc[0]
        # the letterhead, address, date, salutation, closing and signature are stored, but are no passages
        assert len(docs[docs["source"] == "academy.docx"]) == len(LETTER)
        passages = set(segs["text"])
        assert not passages & {"Mill Lane", "WX4 7QT", "12 March 2019", "Dear Professor Hartley,", "Yours sincerely,",
                               "Headteacher", "Director of Education", "Dear Professor Hartley,"}
        assert not any("WX1 2AB" in p or "Okonkwo" in p for p in passages)
        assert LETTER[7] in passages and LETTER[10] in passages  # the subject line and the courtesy stay passages
        api.classify(store, codebook="impact", model="keyword")
        quotes = api.quotes(store, "practice_change", n=5, redact=False)
        council = quotes[quotes["source"] == "council.pdf"]
        assert set(council["speaker"]) == {"David Okonkwo, Director of Education"}
    (doc,) = api.extract([pdf])
    assert [t.speaker for t in doc.testimonials] == ["David Okonkwo, Director of Education"]
    assert doc.text[doc.testimonials[0].start:doc.testimonials[0].end] == doc.testimonials[0].quote


@pytest.mark.parametrize("closing, kept", [
    ("Please do not hesitate to contact me if I can be of further help.", False),
    ("I would be happy to discuss this further. Please contact me on the number above.", False),
    ("Please contact me if you need more. Our pupils still talk about the visit.", True),
])
def test_courtesy_closing_a_paragraph_is_not_testimony(closing, kept):
    """A PDF letter's reading text has no blank line between its paragraphs, so the courtesy paragraph ran on from
    the last paragraph of testimony and was quoted as the signatory's evidence; courtesy closing a paragraph is
    left out of it as a paragraph of courtesy is, unless testimony follows it."""
    said = "I write to record how useful your keynote was for the tribunal,\nand how much the judges valued it."
    text = "\n\n".join(["Dear Professor Hartley,", f"{said}\n{closing}", "Yours sincerely,", "Owen Castellan",
                        "Upper Tribunal Judge"])
    (found,) = letter_testimonials(text)
    assert found.quote == (f"{said}\n{closing}" if kept else said)
    assert text[found.start:found.end] == found.quote
