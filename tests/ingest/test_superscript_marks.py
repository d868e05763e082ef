"""Superscript digits after a quotation (a Word document's footnote mark, as the reader shows it, or a text
export's) are its source marker in any narrative file, read as plain glued digits are; they stay out of speakers
and neither cut nor join sentences."""

from __future__ import annotations

import pytest

from evalnlp import api
from evalnlp.store import Store


@pytest.fixture
def rules_pipeline(monkeypatch):
    """Extraction on the rule path, whatever model is installed."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, narrative.load_pipeline(prefer_model=False))


def test_superscript_digits_after_a_quotation_are_its_marker_in_a_text_file(tmp_path, rules_pipeline):
    """``”²``, ``.”¹⁰``, ``’¹`` and a mark glued to the attribution's last word are read as plain glued digits
    are: the quotation's source marker, recorded as plain digits; the mark stays out of the speaker and does not
    cut or join sentences."""
    text = ("The Chief Executive of Northfield NHS Trust wrote: \u201cThe toolkit changed how every ward plans its "
            "discharges.\u201d\u00b2 Other trusts followed.\n\n"
            "The Director of Nursing at Southfield Hospital said: \u201cEvery ward now plans its discharges on a "
            "Monday morning.\u201d\u00b9\u2070 It spread.\n\n"
            "The ward manager wrote that \u2018the new routine gave the nurses back an hour of every shift\u2019\u00b9 "
            "and asked for more.\n\n"
            "\u201cPatients now go home a day sooner than they did before the programme,\u201d said Dr Jane "
            "Roe\u00b3. The board agreed.\n\n"
            "The toolkit covers 500 m\u00b2 of ward space and 10\u2076 records.\n")
    path = tmp_path / "case.txt"
    path.write_text(text, encoding="utf-8")
    (doc,) = api.extract([path])
    got = [(t.quote.split()[0], t.speaker, t.source_ref) for t in doc.testimonials]
    assert got == [("The", "The Chief Executive of Northfield NHS Trust", "2"),
                   ("Every", "The Director of Nursing at Southfield Hospital", "10"),
                   ("the", "The ward manager", "1"),
                   ("Patients", "Dr Jane Roe", "3")]
    assert all(text[t.start:t.end] == t.quote for t in doc.testimonials)
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        sentences = segs[segs["kind"] == "sentence"]["text"].tolist()
        assert {"Other trusts followed.", "It spread.", "The board agreed."} <= set(sentences)
        assert any(s.endswith("discharges.\u201d\u00b2") for s in sentences)
        assert any(s.endswith("and asked for more.") and "\u2019\u00b9" in s for s in sentences)
        told = segs[segs["kind"] == "testimonial"]
        assert sorted(told["source_ref"]) == ["1", "10", "2", "3"]


def test_a_mark_inside_the_speaker_is_no_part_of_the_name(rules_pipeline):
    """A footnote's mark in the middle of the words naming the speaker is left out of the speaker's text (its
    offsets stay the document's)."""
    from evalnlp.ingest.narrative import extract_testimonials

    text = ("Dr Jane Roe,\u00b3 Chief Nurse at Northfield, said: \u201cThe toolkit changed how every ward plans "
            "its discharges.\u201d")
    (t,) = extract_testimonials(text)
    assert t.speaker == "Dr Jane Roe, Chief Nurse at Northfield"
    assert text[t.speaker_start:t.speaker_end] == "Dr Jane Roe,\u00b3 Chief Nurse at Northfield"


@pytest.mark.parametrize("text, want", [
    ("to practice.\u201d\u00b9\u00b2 The", "to practice.\u201d12 The"),
    ("she said\u2019\u00b9 and", "she said\u20191 and"),
    ("the report\u00b3 found", "the report3 found"),
    ("(Roe, 2013)\u00b2 and", "(Roe, 2013)2 and"),
    ("in 2013\u00b9 the", "in 20131 the"),
    # powers, not marks: after a number or a short unit, or standing apart
    ("10\u2076 records", "10\u2076 records"),
    ("500 m\u00b2 of space", "500 m\u00b2 of space"),
    ("x \u00b2 y", "x \u00b2 y"),
])
def test_superscript_marks_read_as_plain_digits_one_for_one(text, want):
    from evalnlp.ingest._narrative_text import normalise, superscript_marks

    assert superscript_marks(text) == want
    norm = normalise(text)
    assert norm.text == want and norm.to_original(0, len(want)) == (0, len(text))


@pytest.mark.parametrize("text, want", [
    ("He wrote: \u201cIt changed practice.\u201d\u00b9 The board agreed.",
     ["He wrote: \u201cIt changed practice.\u201d\u00b9", "The board agreed."]),
    ("He wrote: \"It changed practice.\"12 The board agreed.",
     ["He wrote: \"It changed practice.\"12", "The board agreed."]),
    ("He wrote: \u201cIt changed practice.\u201d\u00b9 and then left.",
     ["He wrote: \u201cIt changed practice.\u201d\u00b9 and then left."]),
    ("It was adopted\u00b3. Others followed.", ["It was adopted\u00b3.", "Others followed."]),
    ("She called it \u201cbetter care\u201d\u00b9\u00b2. It was.", ["She called it \u201cbetter care\u201d\u00b9\u00b2.",
                                                                   "It was."]),
    ("It was adopted\u00b3. others followed.", ["It was adopted\u00b3. others followed."]),
    # a Word note's mark in another format, as the reader shows it: bracketed letters or roman numerals, symbols
    ("He wrote: \u201cIt changed practice.\u201d[ii] The board agreed.",
     ["He wrote: \u201cIt changed practice.\u201d[ii]", "The board agreed."]),
    ("He wrote: \u201cIt changed practice.\u201d[ii] and then left.",
     ["He wrote: \u201cIt changed practice.\u201d[ii] and then left."]),
    ("The review began in 2012.[xiv] Wards followed.", ["The review began in 2012.[xiv]", "Wards followed."]),
    ("Wards followed.[B] The board agreed.", ["Wards followed.[B]", "The board agreed."]),
    ("He wrote: \u201cIt changed practice.\u201d\u00a7 The board agreed.",
     ["He wrote: \u201cIt changed practice.\u201d\u00a7", "The board agreed."]),
    ("It rose to 3.5 Then it fell.", ["It rose to 3.5 Then it fell."]),
    # a source marker after the note's mark cites the same quotation: no sentence of its own, nor the next one's
    ("He wrote: \u201cIt changed practice.\u201d[ii] [B]", ["He wrote: \u201cIt changed practice.\u201d[ii] [B]"]),
    ("He wrote: \u201cIt changed practice.\u201d\u00b9 [B] [C] The board agreed.",
     ["He wrote: \u201cIt changed practice.\u201d\u00b9 [B] [C]", "The board agreed."]),
    ("He wrote: \u201cIt changed practice.\u201d\u00b9 (5.2) The board agreed.",
     ["He wrote: \u201cIt changed practice.\u201d\u00b9 (5.2)", "The board agreed."]),
    # a bracket that is no marker opens the next sentence
    ("He wrote: \u201cIt changed practice.\u201d\u00b9 [Name removed] agreed.",
     ["He wrote: \u201cIt changed practice.\u201d\u00b9", "[Name removed] agreed."]),
])
def test_a_superscript_mark_neither_cuts_nor_joins_sentences(text, want):
    """The sentencizer started a sentence at the closing mark with a footnote's mark glued to it (``”¹ The
    board``, ``”[ii] The board``), and read ``adopted³.`` and ``2012.[xiv]`` as one word that ends no sentence."""
    from evalnlp.nlp import split_sentences

    assert split_sentences(text) == want


@pytest.mark.parametrize("after, ref", [
    (", said Dr Jane Roe.3 The board agreed.", "3"),
    (", said Dr Jane Roe\u00b3. The board agreed.", "3"),
    (" (Dr Jane Roe, Chief Nurse).\u00b3 The board agreed.", "3"),
    (" (Dr Jane Roe, Chief Nurse)12. The board agreed.", "12"),
    # no mark: a year after a comma, a number standing apart
    (", said Dr Jane Roe, 2013. The board agreed.", None),
    (", said Dr Jane Roe. 3 wards agreed.", None),
])
def test_footnote_digits_glued_to_the_attribution_after_a_quotation_are_its_marker(after, ref, rules_pipeline):
    """Digits glued to the last word of the attribution after a quotation (or to the stop or bracket after it)
    were not read: a Word document's footnote mark stands there as often as after the closing mark."""
    from evalnlp.ingest.narrative import extract_testimonials

    (t,) = extract_testimonials("\u201cPatients now go home a day sooner than they did before the programme\u201d"
                                + after)
    assert t.speaker.startswith("Dr Jane Roe") and t.source_ref == ref


_SAID = "\u201cThe toolkit changed how every ward in the trust plans its discharges.\u201d"


@pytest.mark.parametrize("lead, speaker, ref", [
    ("Dr Jane Roe,\u00b3 Chief Nurse, said: ", "Dr Jane Roe, Chief Nurse", "3"),
    ("Dr Jane Roe\u00b3, Chief Nurse, said: ", "Dr Jane Roe, Chief Nurse", "3"),
    ("Dr Jane Roe,\u00b9\u00b2 Chief Nurse at Northfield, said: ", "Dr Jane Roe, Chief Nurse at Northfield", "12"),
    ("Dr Jane Roe,3 Chief Nurse, said: ", "Dr Jane Roe, Chief Nurse", "3"),
    ("Dr Jane Roe3, Chief Nurse, said: ", "Dr Jane Roe, Chief Nurse", "3"),
    ("Dr Jane Roe,[ii] Chief Nurse, said: ", "Dr Jane Roe, Chief Nurse", "[ii]"),
    # digits that are part of the words naming the speaker: no mark
    ("Jane Roe, Fellow 2012, said: ", "Jane Roe, Fellow 2012", None),
    ("A pupil in Year 9 said: ", "A pupil in Year 9", None),
    ("Jane Roe, Head of Year 9, said: ", "Jane Roe, Head of Year 9", None),
    ("Jane Roe, Covid-19 lead, said: ", "Jane Roe, Covid-19 lead", None),
    ("The Director of EDIT16, Rosa Maria Serra, said: ", "The Director of EDIT16, Rosa Maria Serra", None),
])
def test_a_mark_glued_inside_the_attribution_is_the_quotations_marker(lead, speaker, ref, rules_pipeline):
    """A note's mark glued to the speaker's name inside the attribution that introduces a quotation (``Dr Jane
    Roe,³ Chief Nurse, said:``) was no marker of the quotation's: it is now its source marker, and no part of
    the speaker's text; a plain digit counts only glued to the name and a comma, where no name holds one."""
    from evalnlp.ingest.narrative import extract_testimonials

    text = lead + _SAID
    (t,) = extract_testimonials(text)
    assert (t.speaker, t.source_ref) == (speaker, ref)
    assert text[t.speaker_start:t.speaker_end].startswith(speaker.split(",")[0])


@pytest.mark.parametrize("after, speaker, ref", [
    (" said Dr Jane Roe\u00b3, Chief Nurse at Northfield.", "Dr Jane Roe, Chief Nurse at Northfield", "3"),
    (" said Dr Jane Roe,\u00b3 Chief Nurse at Northfield.", "Dr Jane Roe", "3"),
    (" said Jane Roe, Fellow 2012.", "Jane Roe, Fellow 2012", None),
])
def test_a_mark_glued_inside_an_attribution_after_the_quotation_is_its_marker(after, speaker, ref, rules_pipeline):
    from evalnlp.ingest.narrative import extract_testimonials

    text = "\u201cThe toolkit changed how every ward in the trust plans its discharges,\u201d" + after
    (t,) = extract_testimonials(text)
    assert (t.speaker, t.source_ref) == (speaker, ref)
    assert "\u00b3" not in text[t.speaker_start:t.speaker_end] or "," in t.speaker


def test_a_marker_after_the_quotation_comes_before_a_mark_glued_to_the_name(rules_pipeline):
    """The quotation's own marker (after it) is its source; a mark glued to the name in the attribution then
    belongs to an earlier claim (``...historians of Greece,[v] and Tom Holland wrote that '...'.[vi]``)."""
    from evalnlp.ingest.narrative import extract_testimonials

    for text, ref in [("Dr Jane Roe,\u00b3 Chief Nurse, said: " + _SAID + " [C]", "[C]"),
                      ("He praised the historians of Greece,[v] and Jane Roe, Chief Nurse, wrote that \u2018every "
                       "ward plans its discharges on a Monday now\u2019.[vi] Others agreed.", "[vi]")]:
        (t,) = extract_testimonials(text)
        assert t.source_ref == ref


def test_a_mark_at_the_end_of_the_name_stays_out_of_the_speakers_span(rules_pipeline):
    """``Dr Jane Roe³ said:``: the speaker's span ends before the mark, which is the quotation's marker."""
    from evalnlp.ingest.narrative import extract_testimonials

    text = "Dr Jane Roe\u00b3 said: " + _SAID
    (t,) = extract_testimonials(text)
    assert text[t.speaker_start:t.speaker_end] == "Dr Jane Roe" and t.source_ref == "3"

