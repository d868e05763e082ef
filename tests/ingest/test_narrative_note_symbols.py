"""A note's symbol (``*``, ``†``) typed in a quotation's lead, glued to the speaker or the verb (``As the Director*
put it: "..."``), is the testimonial's marker where the document has a note or a sources entry opened by the same
symbol (``* Letter from the Director, 2013``), as a bracketed or numbered marker in the lead is; an asterisk of
emphasis, or one that no note backs, is none. Invented texts only."""

from __future__ import annotations

import pytest

from evalnlp import api
from evalnlp.ingest import narrative as N
from evalnlp.store import Store

from word_notes import write_noted_docx

QUOTE = "\u201cThe discharge toolkit changed how every ward in the trust plans its week, and the change has lasted.\u201d"
LETTER = "Letter from the Director, Northfield NHS Trust, 12 March 2013."
AFTER = " Other trusts followed within the year."


def _one(text: str, nlp) -> N.Testimonial:
    (t,) = N.extract_document(text, nlp=nlp).testimonials
    return t


@pytest.mark.parametrize("lead, speaker", [
    ("As the Director* put it: ", "the Director"),
    ("The Director of Nursing* said: ", "The Director of Nursing"),
    ("The Director of Nursing said*: ", "The Director of Nursing"),
])
def test_an_asterisk_in_the_lead_names_the_note_at_the_foot(lead, speaker, nlp):
    text = f"The toolkit was piloted on two wards in 2012. {lead}{QUOTE}{AFTER}\n\n* {LETTER}\n"
    t = _one(text, nlp)
    assert (t.speaker, t.source_ref) == (speaker, "*")
    assert text[t.ref_start] == "*" and text[t.speaker_start:t.speaker_end] == speaker


def test_an_asterisk_in_the_lead_names_the_sources_entry_it_opens(nlp):
    text = (f"The toolkit was piloted on two wards in 2012. As the Director* put it: {QUOTE}{AFTER}\n\n"
            f"5. Sources to corroborate the impact\n\n* {LETTER}\n")
    t = _one(text, nlp)
    assert t.source_ref == "*" and [e.text for e in t.source_entries] == [f"* {LETTER}"]


def test_a_marker_right_after_the_quotation_is_its_own_before_a_symbol_in_the_lead(nlp):
    text = f"As the Director* put it: {QUOTE} [C]{AFTER}\n\n* {LETTER}\n"
    t = _one(text, nlp)
    assert (t.speaker, t.source_ref) == ("the Director", "[C]")


def test_a_dagger_in_the_lead_is_the_marker_and_no_part_of_the_speaker(nlp):
    text = f"As the Director\u2020 put it: {QUOTE}{AFTER}\n\n\u2020 {LETTER}\n"
    t = _one(text, nlp)
    assert (t.speaker, t.source_ref) == ("the Director", "\u2020")


@pytest.mark.parametrize("text", [
    # no note is opened by the symbol
    f"As the Director* put it: {QUOTE}{AFTER}\n",
    # emphasis, with a note so marked at the foot
    f"As the *Director* put it: {QUOTE}{AFTER}\n\n* {LETTER}\n",
    f"As **the Director** put it: {QUOTE}{AFTER}\n\n** {LETTER}\n",
    # a bulleted list: the asterisk opens several lines, none of them a note
    f"As the Director* put it: {QUOTE}{AFTER}\n\n* Ward rotas\n* {LETTER}\n",
])
def test_an_asterisk_no_note_backs_or_of_emphasis_is_no_marker(text, nlp):
    t = _one(text, nlp)
    assert t.speaker == "the Director" and t.source_ref is None


def test_a_word_documents_custom_asterisk_mark_in_the_lead_links_its_note(tmp_path, nlp, monkeypatch):
    """A Word footnote whose custom mark is ``*``, referred to after the speaker in the lead: the testimonial
    carries ``*`` and is linked to that note, in extraction and in the store."""
    monkeypatch.setitem(N._PIPELINES, True, nlp)
    path = write_noted_docx(tmp_path / "lead.docx", [
        ["The toolkit was piloted on two wards in 2012. As the Director", ("footnote", 1, "*"), " put it: ", QUOTE,
         AFTER],
    ], footnotes={1: LETTER}, custom={1: "*"})
    (doc,) = api.extract([path])
    assert [(t.speaker, t.source_ref, [e.label for e in t.source_entries]) for t in doc.testimonials] == [
        ("the Director", "*", ["footnote *"])]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        assert list(told["source_ref"]) == ["*"]
        assert list(store.segment_sources(told["seg_id"].tolist())["text"]) == [LETTER]
