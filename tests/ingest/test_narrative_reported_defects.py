"""Defects found by reading invented passages the way a case study writes them: a sentence that ends with a
publication word before a quotation, nested curly quotes, curly apostrophes in names, labels and headings next
to a quotation, scare quotes before a speaker, Markdown emphasis and reach figures that count the team itself.
Invented sentences only.
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "model"])
def nlp(request):
    return N.load_pipeline(prefer_model=request.param)


@pytest.mark.parametrize("noun", ["scheme", "programme", "report", "project", "book"])
def test_a_publication_word_ending_the_sentence_before_does_not_make_the_quote_a_title(noun, nlp):
    passage = (f"Parents in Hillford praised the {noun}. \"It has changed the way our children talk about "
               f"books at home,\" said Mr Tom Reed, Head of Hillford School [2].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.startswith("It has changed the way")
    assert (t.speaker, t.source_ref) == ("Mr Tom Reed, Head of Hillford School", "[2]")


def test_a_curly_quoted_word_inside_a_curly_quotation_nests(nlp):
    passage = ("The head of the Hill Trust said: “Before the survey we had no map of the river; it was as “simple” "
               "as that, and now every ranger carries one” [C].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.endswith("it was as “simple” as that, and now every ranger carries one")
    assert t.source_ref == "[C]"


def test_a_curly_opener_typed_for_a_closer_does_not_swallow_the_next_quotation(nlp):
    # the first quotation's closer is typed as an opener glued to its last word: it still ends at the first ”
    passage = ("The warden said: “the maps changed how we plan every season of work on the river“ and ” we use "
               "them daily”. The mayor said: “the new maps have changed how the whole town sees its river”.")
    quotes = [q.quote for q in N.extract_testimonials(passage, nlp=nlp)]
    assert any(q.startswith("the new maps have changed") for q in quotes)


@pytest.mark.parametrize("name", ["Mr Liam O’Brien", "Dr Priya D’Mello", "Ms Aoife Ní Bhriain-O’Hara"])
def test_a_typographic_apostrophe_inside_a_surname_does_not_end_the_speaker(name, nlp):
    passage = (f"\"The maps have changed how every ranger on the river plans a season's work,\" said {name}, Chief "
               f"Ranger at the Hill Trust [2.3].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert (t.speaker, t.source_ref) == (f"{name}, Chief Ranger at the Hill Trust", "[2.3]")


def test_a_label_opening_the_next_paragraph_belongs_to_the_next_quotation(nlp):
    passage = ("Extracts from two letters of support follow [2, 5].\n\n"
               "[2] Operations Director of Wren Logistics:\n\n"
               "\"Route planning used to take our staff a full week and now it takes a single afternoon.\"\n\n"
               "[5] Head of Fleet at the Hill Ambulance Service:\n\n"
               "\"We plan every winter rota with the tool and have cut our overtime bill by a third.\"\n")
    first, second = N.extract_testimonials(passage, nlp=nlp)
    assert (first.speaker, first.source_ref) == ("Operations Director of Wren Logistics", "[2]")
    assert (second.speaker, second.source_ref) == ("Head of Fleet at the Hill Ambulance Service", "[5]")


def test_a_lettered_heading_after_a_quotation_is_not_its_reference(nlp):
    passage = ("(a) Safer rivers\n"
               "Rangers now plan with the maps. \"Before the survey we had no way of\n"
               "telling which banks would fail next winter\", says the Hill Trust.\n"
               "(b) Cheaper flood defences\n"
               "The council changed its budget.\n")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.startswith("Before the survey")
    assert t.source_ref is None


@pytest.mark.parametrize("scare", ["\"strongly praised\"", "\"strongly praised\" [4]"])
def test_a_scare_quoted_passive_before_the_agent_is_not_part_of_the_speaker(scare, nlp):
    passage = (f"The new flood maps were {scare} by the Director of the Hill Trust, who wrote: \"We now plan "
               f"every season of work on the river with these maps in hand.\"")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == "the Director of the Hill Trust"


@pytest.mark.parametrize("marked, plain", [
    ("The chair of the Hill Trust, *Dr Ann Lowe*,", "The chair of the Hill Trust, Dr Ann Lowe"),
    ("**Dr Ann Lowe**, chair of the Hill Trust,", "Dr Ann Lowe, chair of the Hill Trust"),
])
def test_markdown_emphasis_is_no_part_of_a_speaker(marked, plain, nlp):
    passage = f"{marked} said: \"We now plan every season of work on the river with the new maps.\" [2]"
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == plain
    # the offsets still index the document, whose text keeps its marks
    assert passage[t.speaker_start:t.speaker_end].replace("*", "") == plain


@pytest.mark.parametrize("sentence, kept", [
    ("Four members of Dr Roe's survey team helped set up the charity.", []),
    ("Two members of the lab advised the council.", []),
    ("The new charity has 4 directors and a small office in Leeds.", []),
    ("The 3 editors of the atlas spoke to 2,000 farmers.", ["2,000 farmers"]),
    # members of the public, or of bodies the work reached, are still reach
    ("The maps were used by 400 members of the public.", ["400 members of the public"]),
    ("We ran workshops with 40 directors of public health across England.", ["40 directors"]),
])
def test_the_team_itself_is_not_reach(sentence, kept):
    assert [r.text for r in N.extract_reach(sentence)] == kept


@pytest.mark.parametrize("lead, speaker", [
    ("According to Mark Jones, Head of Curriculum at Ofsted, ", "Mark Jones, Head of Curriculum at Ofsted"),
    ("According to Dr Sam Reid, the trust's medical director, ", "Dr Sam Reid, the trust's medical director"),
    ("According to Mark Jones, ", "Mark Jones"),
    ("According to the report, published in May, ", "the report"),  # an aside, not a role
    ("According to Ofsted, England, ", "Ofsted"),
])
def test_according_to_a_person_and_their_role_keeps_the_role_with_the_name(lead, speaker, nlp):
    """After "according to X," a role standing between the name and the quotation is the speaker's apposition:
    without it, the redacted speaker is "[NAME]" alone, an attribution that says nothing."""
    passage = lead + '"this is the most significant change to phonics teaching in a decade" [S2].'
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == speaker


def test_an_interrupted_quotation_gives_both_halves_the_speaker_and_the_marker(nlp):
    """"'...,' said X, a warden, 'and ...' (source 3)": the second half is the same person's words (it had no
    speaker), and the marker after it covers the first half too (it had none)."""
    passage = ('"It is the single most useful piece of research we have used," said Sarah Thompson, a river warden '
               'in Bath, "and I have told every group in the county about it." (source 3)')
    first, second = N.extract_testimonials(passage, nlp=nlp)
    assert first.speaker == second.speaker == "Sarah Thompson, a river warden in Bath"
    assert first.source_ref == second.source_ref == "(source 3)"
    other = ('"It is the single most useful piece of research we have used," said Sarah Thompson. The county '
             'council wrote that "every group in the county has now heard of the research and uses it" (source 4).')
    a, b = N.extract_testimonials(other, nlp=nlp)
    assert a.speaker == "Sarah Thompson" and b.speaker != "Sarah Thompson"  # another sentence, its own speaker


@pytest.mark.parametrize("lead, speaker", [
    ("Professor Ruth Adams welcomed the findings, but Dr Neil Foster, Director of Public Health for Bristol, was "
     "more cautious: ", "Dr Neil Foster, Director of Public Health for Bristol"),
    ("Professor Ruth Adams welcomed the findings; the minister was blunt: ", "the minister"),
    ("Professor Ruth Adams welcomed the findings, but noted: ", "Professor Ruth Adams"),  # her clause goes on
    ("The evidence was clear: ", None),  # a thing does not speak
])
def test_the_last_clause_of_the_lead_names_who_speaks(lead, speaker, nlp):
    """"X welcomed the findings, but Y, Role, was more cautious: '...'": the quotation is Y's, the subject of
    the clause that leads into it, not X's (it went to X, the first person the sentence names)."""
    passage = lead + '"We need longer follow-up before we scale this up across the region" [S5].'
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == speaker


def test_the_sentence_after_a_quotation_can_name_its_speaker(nlp):
    """"'...' This was how one participant, Mr Alan Price, described the change [S4].": the quotation is his,
    with his marker, not the previous quotation's speaker's (it went to "the practice manager")."""
    passage = ('"We have embedded the model in all eleven of our surgeries," said the practice manager [S3]. '
               '"I had not left the house for two years. Now I run the Tuesday group myself." This was how one '
               'participant, Mr Alan Price, described the change [S4].')
    first, second = N.extract_testimonials(passage, nlp=nlp)
    assert (first.speaker, first.source_ref) == ("the practice manager", "[S3]")
    assert (second.speaker, second.source_ref) == ("one participant, Mr Alan Price", "[S4]")
    plain = ('"We have embedded the model in all eleven of our surgeries," said the practice manager [S3]. '
             '"And we now run it in two more practices across the county." The practice is a training site.')
    assert [t.speaker for t in N.extract_testimonials(plain, nlp=nlp)] == ["the practice manager"] * 2


# ---- pointers into section 5, and speakers named with a lead-in, a trailing participle, a role in brackets
# or a body's head noun alone (invented passages written in the way case studies write them)


@pytest.mark.parametrize("marker", ["(Section 5d)", "(see section 5, point E)", "(detailed in section 5, point C)",
                                    "(comments dated May 2012; Section 5g)", "(July 2013; Section 5i)",
                                    "[source 1 below]"])
def test_a_pointer_into_the_sources_section_is_the_quotations_marker(marker, nlp):
    passage = (f"The Director of the Hill Trust states that the survey `changed how every ranger plans the "
               f"season on the river' {marker}. The maps are now used in four parks.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.source_ref == marker


@pytest.mark.parametrize("aside", ["(section 5 of this report)", "(in section 5 we show how)", "(Section 5)"])
def test_an_aside_about_a_section_is_no_marker(aside, nlp):
    passage = (f"The Director of the Hill Trust states that the survey `changed how every ranger plans the "
               f"season on the river' {aside}.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.source_ref is None


def test_a_participle_opening_the_speaker_phrase_is_left_out(nlp):
    passage = ("Discussing the team's guidance, the Trust's Head of Safeguarding attests: `the guidance shaped "
               "every policy we wrote in the year after the review' [h].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert (t.speaker, t.source_ref) == ("the Trust's Head of Safeguarding", "[h]")


def test_a_participle_closing_the_speaker_phrase_is_left_out(nlp):
    passage = ("A former archivist at the National Library of Wales, referring to [e], credited the team with "
               "`bringing the voices of small community groups to the attention of the profession' [3].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert (t.speaker, t.source_ref) == ("A former archivist at the National Library of Wales", "[3]")


def test_a_past_role_in_brackets_stays_with_the_name(nlp):
    passage = ("Lord Hale (former Director of the Hill Foundation) stated that this work `informed the measures "
               "the department took on child poverty in the years that followed' [5.5].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == "Lord Hale (former Director of the Hill Foundation)"


def test_a_body_named_again_by_its_head_noun_is_given_its_full_name(nlp):
    passage = ("The model forms part of Riverside City Council's plan for its services. The Council comments "
               "that the project `has already helped us find savings in three of our largest services' [11]. "
               "The Home Office said the same. The Home Office wrote that the work `changed the guidance on "
               "custody for every force in the country' [12].")
    first, second = N.extract_testimonials(passage, nlp=nlp)
    assert (first.speaker, first.source_ref) == ("Riverside City Council", "[11]")
    assert passage[first.speaker_start:first.speaker_end] == "Riverside City Council"
    assert second.speaker == "The Home Office"  # named in full already: not taken for an earlier mention


def test_a_quotation_opening_the_paragraph_after_a_list_item_is_a_testimonial(nlp):
    """A list item without a full stop ("- ... co-design workshops") ran into the next paragraph, so the
    quotation opening that paragraph stood next to "workshops" and was taken for an event's title: lost."""
    passage = ("- Patients took part in co-design workshops\n\n\"The programme changed how our ward teams hand over "
               "every single day,\" said Dr Sarah Whitfield.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.startswith("The programme changed") and t.speaker == "Dr Sarah Whitfield"
    titled = "We ran a workshop \"Reducing Waiting Times in the Clinic\" in May."
    assert N.extract_testimonials(titled, nlp=nlp) == []  # in its own paragraph the title is still a title


@pytest.mark.parametrize("who, verb", [("one ward manager", "told us"), ("the matron", "told me in May")])
def test_a_speaker_who_told_us_is_the_speaker(who, verb, nlp):
    passage = f"\"I finally felt able to challenge consultants when safety was at stake,\" {who} {verb}."
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == who


def test_the_next_items_bullet_is_not_part_of_a_speaker(nlp):
    passage = ("• \"I finally felt able to challenge consultants when safety was at stake\" – Ward manager, Hull\n"
               "• \"Our staff now plan discharges together with the social workers\" – Sister Jo Platt, Leeds\n"
               "• \"The action learning sets were the most valuable part of the course\" – Matron, York\n")
    assert [t.speaker for t in N.extract_testimonials(passage, nlp=nlp)] == [
        "Ward manager, Hull", "Sister Jo Platt, Leeds", "Matron, York"]
