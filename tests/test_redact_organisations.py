"""Organisation and place words, and titled names, come out of redaction the same way wherever they stand:
in a quotation, in a speaker, in the evidence table's speaker column and in the HTML report."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import code_by_hand, ingested_report

from evalnlp.redact import model_available, redact, redact_many

MODES = [False, pytest.param(True, marks=pytest.mark.skipif(not model_available(),
                                                            reason="the ner extra is not installed"))]


@pytest.mark.parametrize("use_model", MODES)
@pytest.mark.parametrize("text", [
    "Operations Director, Southvale Water",
    "Yours sincerely,\nOperations Director, Southvale Water\n",
    "\u201cThe model cut our leakage by a third,\u201d said Southvale Water's operations director.",
    "\"It paid for itself in a year,\" said Northmere Energy's chief executive.",
    "Southvale Water's operations director",
    "Head of Research, Kelbrook Homes",
    "\"We use it daily,\" says Kelbrook Homes' head of maintenance.",
])
def test_an_organisation_stays_in_a_signature_line_and_in_a_speaker(text, use_model):
    """``Southvale Water`` was redacted beside a role in a letter's signature line and after "said" before its
    office, but kept when the speaker stood alone: an organisation is not a person in either place."""
    assert redact(text, use_model=use_model).text == text


@pytest.mark.parametrize("use_model", MODES)
@pytest.mark.parametrize("text, want", [
    ("Operations Director, Peter Hale Homes", "Operations Director, [NAME]"),  # the whole name: nothing leaks
    ("\"It worked,\" said Sarah Okafor's operations director.", "said [NAME]'s operations director."),
    ("\"It worked,\" said Obiakor.", "said [NAME]."),
    ("Chief Executive, Ifeoma Okafor", "Chief Executive, [NAME]"),
    # a surname that is also a word: only an affiliation that closes the clause is read as one
    ("Curator, Ifeoma Young (with whom she worked) opened it.", "Curator, [NAME] (with whom"),
    # a surname that is a word but no company's last word, after a role and a comma: the person
    ("The letter was signed by the Chief Executive, Limor Young.", "the Chief Executive, [NAME]."),
    ("Professor Ana Reyes, Limor Young and others wrote it.", "[NAME], [NAME] and others"),
    ("The designers (Tom Reed, Limor Winters) built it.", "The designers ([NAME], [NAME]) built it."),
])
def test_a_persons_name_beside_an_organisation_or_an_office_is_still_redacted(text, want, use_model):
    assert want in redact(text, use_model=use_model).text


@pytest.mark.parametrize("use_model", MODES)
@pytest.mark.parametrize("text", [
    "Dr Smith said the University of Southvale's role was central.",
    "The School of Kelbrook's research shaped the guidance.",
    "The Institute of Northmere's work was cited by the minister.",
    "It drew on the University of Southvale's research and the Museum of Kelbrook's collection.",
])
def test_a_place_word_inside_an_institutions_name_is_not_a_person(text, use_model):
    """``University of Southvale's role`` became ``University of [NAME]'s role``: a possessive before what a
    person has (role, research) made the place a person; after "University of", "School of" and the like it
    is a word of the institution's name."""
    got = redact(text, use_model=use_model).text
    assert got == text.replace("Smith", "[NAME]")


@pytest.mark.parametrize("use_model", MODES)
def test_a_place_word_inside_an_institutions_name_stays_when_the_document_is_read(use_model):
    document = ("Dr Jane Smith of the University of Southvale led the work. The University of Southvale's role "
                "was central. Smith's model is used by Southvale Council and the University of Southvale.")
    quote = "The University of Southvale's role was central, as Smith's model shows."
    assert redact(quote, use_model=use_model, document=document).text == (
        "The University of Southvale's role was central, as [NAME]'s model shows.")


@pytest.mark.parametrize("use_model", MODES)
@pytest.mark.parametrize("text, want", [
    ("Dr Jane Smith said it changed everything.", "Dr [NAME] said it changed everything."),
    ("Dr Helen Hall said it changed everything.", "Dr [NAME] said it changed everything."),
    ("Mrs Helen Hall and the staff were lovely to my mother.", "Mrs [NAME] and the staff were lovely to my mother."),
    ("the map that Dr Helen Hall drew for us", "the map that Dr [NAME] drew for us"),
    ("Dr Helen Hall, Head of Asset Planning", "Dr [NAME], Head of Asset Planning"),
    ("Professor Jane Smith, Southvale Water", "Professor [NAME], Southvale Water"),
])
def test_a_titled_full_name_is_the_title_and_one_placeholder(text, want, use_model):
    """``Dr Jane Smith`` is ``Dr [NAME]``, but ``Dr Helen Hall`` (a surname that is also a word for a place)
    was ``Dr [NAME] [NAME]``: two placeholders side by side are one name, written as one."""
    assert redact(text, use_model=use_model).text == want


def test_two_names_on_separate_lines_stay_two_placeholders():
    """Placeholders are joined only across spaces: a name ends at a line break (a letter's signature)."""
    got = redact("Yours sincerely,\nPeter Hale\nOperations Director", use_model=False).text
    assert got == "Yours sincerely,\n[NAME]\nOperations Director"
    assert redact_many(["Thanks to Jane Smith,\nSarah Jones"], use_model=False)[0].text == (
        "Thanks to [NAME],\n[NAME]")


@pytest.mark.skipif(not model_available(), reason="the ner extra is not installed")
def test_a_name_the_model_finds_does_not_run_over_a_line_break():
    """The model read ``Peter Hale\\nOperations`` as one person and took the role's first word with it."""
    got = redact("Yours sincerely,\nPeter Hale\nOperations Director, Southvale Water", use_model=True).text
    assert got == "Yours sincerely,\n[NAME]\nOperations Director, Southvale Water"


REPORT = (
    "Impact of the Kelbrook leakage model\n\n"
    "Dr Helen Hall of the University of Southvale built the leakage model in 2015. "
    "The University of Southvale's role was to train the utility's planners in its use.\n\n"
    "\"The model cut our leakage by a third in two years,\" said Southvale Water's operations director [1].\n\n"
    "\"We now plan every repair from the map that Dr Helen Hall drew for us,\" said Dr Helen Hall, Head of "
    "Asset Planning [2].\n\n"
    "Letter of support:\nYours sincerely,\nPeter Hale\nOperations Director, Southvale Water\n"
)


@pytest.fixture(scope="module")
def water_store(tmp_path_factory):
    """A case study read by the real ingest (sentences and testimonials), every passage coded by hand."""
    folder = tmp_path_factory.mktemp("water")
    store, seg = ingested_report(folder, "case.txt", REPORT)
    code_by_hand(store, pd.DataFrame({"seg_id": seg["seg_id"], "theme": "engagement", "score": 0.9,
                                      "assigned": True}))
    yield store, folder
    store.close()


def test_quotes_speakers_evidence_and_report_read_organisations_and_titled_names_alike(water_store):
    from evalnlp.api import write_report
    from evalnlp.codebook import load_codebook
    from evalnlp.evidence import build_evidence
    from evalnlp.quotes import rank_quotes

    store, folder = water_store
    cb = load_codebook("impact")
    quotes = rank_quotes(store, cb, "engagement", n=20)
    texts, speakers = " | ".join(quotes["text"]), set(quotes["speaker"].dropna())
    assert "Southvale Water's operations director" in speakers
    assert "Dr [NAME], Head of Asset Planning" in speakers
    assert "the map that Dr [NAME] drew for us" in texts
    assert "Dr [NAME] of the University of Southvale built" in texts
    assert "The University of Southvale's role was" in texts
    assert "Operations Director, Southvale Water" in texts
    assert "[NAME] [NAME]" not in texts and "Hall" not in texts and "Hale" not in texts

    evidence = build_evidence(store, cb)
    cell = evidence.themes.set_index("theme").loc["engagement"]
    assert cell["quote_speaker"] in speakers

    assert cell["quote_speaker"] == "Dr [NAME], Head of Asset Planning"

    html = write_report(store, cb, folder / "report.html").read_text(encoding="utf-8")
    assert "Dr [NAME], Head of Asset Planning" in html
    assert "[NAME] [NAME]" not in html and "Hall" not in html and "Hale" not in html


@pytest.mark.parametrize("use_model", MODES)
@pytest.mark.parametrize("text", [
    "It has been fundamental to the National Equality Panel's analysis of disability.",
    "Policy Officer, Citizens Advice Bureau, statement of 9 April 2013.",
    "The Wessex Housing Tribunal's ruling cited the study.",
    "Evidence to the Northfield Inquiry, 2014.",
])
def test_a_body_named_with_a_codebooks_word_stays(text, use_model):
    """With the impact codebook's words protected (as quotes, evidence and the report redact), ``National
    Equality Panel's`` lost ``Equality Panel`` to ``[NAME]``: the protected ``National`` split the body's name and
    what was left read as a person's before a possessive; and a bureau, a panel, a tribunal or an inquiry named
    after a role and a comma was taken for a person's surname."""
    from evalnlp.codebook import load_codebook
    from evalnlp.quotes import protect_words

    protect = protect_words(load_codebook("impact"))
    assert redact(text, use_model=use_model, protect=protect).text == text
    assert redact(text, use_model=use_model).text == text


@pytest.mark.parametrize("use_model", MODES)
def test_a_person_beside_a_protected_word_is_still_redacted(use_model):
    from evalnlp.codebook import load_codebook
    from evalnlp.quotes import protect_words

    protect = protect_words(load_codebook("impact"))
    text = "The National Equality Panel's chair, Dr Ifeoma Okafor, said Policy Officer Sarah Jones helped."
    assert redact(text, use_model=use_model, protect=protect).text == (
        "The National Equality Panel's chair, Dr [NAME], said Policy Officer [NAME] helped.")
