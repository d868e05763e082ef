"""Attribution forms that name the speaker in unusual places: a verb's subject inside brackets that also hold
the quotation, with initials written with full stops in the name; markers numbered by a section item or a capital
Roman number; "the report" as the document a sentence before introduced; a parenthesis holding medium, date,
writer and marker, and the run of quotations it closes; a subject ending at an irregular past verb; the owner
before "whose"; a sentence glued to a bracket's full stop; the role before a name a pronoun resolves to. Invented
sentences only.
"""

from __future__ import annotations

import pytest

from helpers import one_testimonial

from evalnlp.ingest import narrative as N


@pytest.mark.parametrize("who", [
    "Jane Roe of the Hill Housing Trust",
    "Dr. Jane Roe of the Hill Housing Trust",
    "Tom Hale of the U.S. Office of Fair Trading",
])
def test_a_verbs_subject_inside_the_brackets_that_hold_the_quotation_speaks(who, nlp):
    passage = (f"Our 2011 study of river flooding informed: a review of planning rules in the Welsh councils ({who} "
               "stated it was `useful for our members in the year ahead'); and the national code.")
    assert one_testimonial(passage, nlp, "useful for").speaker == who


def test_the_sentences_subject_still_speaks_when_the_brackets_close_before_the_quotation(nlp):
    passage = ("The review of planning rules (Jane Roe of the Hill Trust chaired it) stated that `every council "
               "should publish its flood maps each year'.")
    assert one_testimonial(passage, nlp, "every council").speaker == "The review of planning rules"


def test_initials_with_full_stops_end_no_sentence():
    from evalnlp.ingest._narrative_text import sentence_starts

    text = "The U.S. State Department wrote to us. The U.K. office did too."
    assert sentence_starts(text, []) == [0, text.index("The U.K.")]


@pytest.mark.parametrize("marker, is_one", [
    ("[5.C1]", True), ("(4.B12)", True),  # a letter-numbered item of a section
    ("(source III)", True), ("(sources VII and XII)", True),  # capital Roman numbers after a word
    ("(III)", False), ("[A, III]", False),  # ... but not alone, where they number a list or a part
])
def test_section_items_and_capital_roman_numbers_after_a_word_are_markers(marker, is_one):
    from evalnlp.ingest._narrative_text import is_marker

    assert is_marker(marker) is is_one


def test_a_section_item_marker_after_a_documents_name_is_its_marker_not_part_of_it(nlp):
    passage = ("According to the Better Homes Green Paper [4.B2]: `Councils and residents alike need clear figures on "
               "housing if they are to plan well.' Later work used the figures.")
    t = one_testimonial(passage, nlp, "Councils and")
    assert (t.speaker, t.source_ref) == ("the Better Homes Green Paper", "[4.B2]")


def test_a_roman_numbered_source_glued_after_the_quotations_full_stop_is_its_marker(nlp):
    passage = ("She briefed the minister on the findings (source VI). `Your research has been most helpful in shaping "
               "the thinking of officials in the department'.(source III). Later work followed.")
    assert one_testimonial(passage, nlp, "Your research").source_ref == "(source III)"


def test_initials_with_full_stops_end_a_sentence_before_a_word_that_opensone_testimonial():
    from evalnlp.ingest._narrative_text import sentence_starts

    text = "We worked with the charity H.O.P.E. Their director wrote to us."
    assert sentence_starts(text, []) == [0, text.index("Their")]


_NEW_REPORT = "This study then led to a second Hill Trust report in 2015 on river care. "


@pytest.mark.parametrize("lead", [
    "The report states that ",
    # the pronoun names the document again through the mention before it
    "The report cites our work widely. For example it states ",
])
def test_the_document_named_by_its_noun_alone_is_the_one_a_sentence_before_introduced(lead, nlp):
    passage = _NEW_REPORT + lead + "`there has been much debate in the press about the value of the scheme for towns'."
    assert one_testimonial(passage, nlp, "there has been").speaker == "a second Hill Trust report"


@pytest.mark.parametrize("before", [
    "The council published its report `Rivers and Towns' in 2015. ",  # named only by a quoted title
    "This study then led to a report of the Hill Trust in 2015 on river care. ",  # no name before the noun
    "This study then led to a second Hill Trust review in 2015 on river care. ",  # another document noun
])
def test_the_document_stays_as_written_without_such_a_mention(before, nlp):
    passage = before + "The report states that `there has been much debate in the press about the value of the scheme'."
    assert one_testimonial(passage, nlp, "there has been").speaker == "The report"


@pytest.mark.parametrize("paren, speaker, marker", [
    ("(email, 4.5.10, Senior Policy Officer, Home Office, source II)", "Senior Policy Officer, Home Office",
     "source II"),
    ("(letter of 4 May 2010, Jane Roe, Hill Trust, Letter 4)", "Jane Roe, Hill Trust", "Letter 4"),
    ("(Head of Care, Hill Trust, source 3)", "Head of Care, Hill Trust", "source 3"),
])
def test_a_parenthesis_holding_medium_date_writer_and_marker_gives_the_writer_and_the_marker(paren, speaker, marker,
                                                                                              nlp):
    passage = f"The team wrote a short report. `We learned a great deal from the visit and the report' {paren}. Later."
    t = one_testimonial(passage, nlp, "We learned")
    assert (t.speaker, t.source_ref) == (speaker, marker)


def test_a_parenthesis_with_no_writer_between_medium_and_marker_names_nobody(nlp):
    passage = ("The team wrote a short report. `We learned a great deal from the visit and the report' (email, "
               "4.5.10, source II). Later.")
    assert one_testimonial(passage, nlp, "We learned").speaker is None


def test_a_run_a_colon_introduces_takes_the_writer_in_the_parenthesis_after_its_last_quotation(nlp):
    passage = ("The team wrote a short report for the Hill Group. It stressed the value of local staff: `we learned a "
               "great deal from the visit' which `shaped our planning for the region' and gave `fresh insight into "
               "the northern offices we review' (email, 4.5.10, Senior Policy Officer, Home Office, source II). Later.")
    found = N.extract_testimonials(passage, nlp=nlp)
    assert [(t.speaker, t.source_ref) for t in found] == [("Senior Policy Officer, Home Office", "source II")] * 3


def test_a_run_after_an_attribution_verb_keeps_its_speaker(nlp):
    passage = ("The team wrote a short report for the Hill Group. The director said that `we learned a great deal "
               "from the visit' and gave `fresh insight into the northern offices we review' (Senior Policy Officer, "
               "Home Office, source II). Later.")
    assert one_testimonial(passage, nlp, "we learned").speaker == "The director"


@pytest.mark.parametrize("verb", ["undertook to get", "sought to get", "chose to get"])
def test_a_subject_ends_at_an_irregular_past_verb(verb, nlp):
    passage = (f"As a result of this briefing, the Home Office {verb} a full time officer posted to Leeds to lead on "
               "the matter: `Your talk was thought provoking, and I am pleased that we are already acting on it'. "
               "Later.")
    assert one_testimonial(passage, nlp, "Your talk").speaker == "the Home Office"


_LEVELS = ("The model is used widely: at the national level in the work of the Welsh government in 2010 [c]; at the "
           "regional level in a 2014 EU report whose method {verb} `the careful study of Roe and Hale (2009)' [d]; and "
           "at the local level.")


def test_the_owner_named_before_whose_speaks_for_a_non_attribution_verb(nlp):
    assert one_testimonial(_LEVELS.format(verb="follows"), nlp, "the careful").speaker == "a 2014 EU report"


def test_a_marker_closing_an_earlier_item_of_a_list_names_no_speaker(nlp):
    # a copula names what the quotation is; the name before the earlier item's marker ("2010 [c]") is no speaker
    assert one_testimonial(_LEVELS.format(verb="is"), nlp, "the careful").speaker != "2010"


def test_a_full_stop_after_a_bracket_glued_to_the_next_word_ends_a_sentence(nlp):
    from evalnlp.ingest._narrative_text import sentence_starts

    text = "The blog has had 4,149 visits (figures on request).Readers have commented on it. See (Fig.2)."
    assert sentence_starts(text, []) == [0, text.index("Readers"), text.index("See")]
    passage = ("The blog has had 4,149 visits (figures available on request).Readers and followers have commented on "
               "the lack of writing on this topic: `I am finding the blog a very useful project indeed' [6].")
    assert one_testimonial(passage, nlp, "I am finding").speaker == "Readers and followers"


@pytest.mark.parametrize("agent, speaker", [
    ("the Home Office Minister for Towns, Jane Roe MP", "the Home Office Minister for Towns, Jane Roe MP"),
    ("Jane Roe MP", "Jane Roe MP"),
])
def test_a_pronoun_resolved_to_a_name_takes_the_role_set_before_it(agent, speaker, nlp):
    passage = (f"In March 2013, our report, A Network of Towns, was launched by {agent}. In her address, she noted "
               "that `the Centre has a first class reputation in the field of housing studies'.")
    assert one_testimonial(passage, nlp, "the Centre").speaker == speaker
