"""Quoted text that is not a testimonial: the case study's own numbered headings, a work's title that holds a
question, a title that is all a bracket holds, and a capitalised aim quoted after a preposition; and words in the
first or second person after a publication word and a colon, which are someone's. Invented sentences only; each
case has a control that must stay a testimonial, so a rule that drops everything fails.
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "model"])
def nlp(request):
    return N.load_pipeline(prefer_model=request.param)


NOT_TESTIMONIALS = [
    "(ii) `Influencing teaching strategies and curriculum design in\n the field of Caribbean literature'\n"
    " The book quickly became a standard text in the region.",
    "3. `Widening awareness of regional food and cooking practices'\n The later research looked at food writing.",
    "The think tank cited the book in its 2012 paper (`Who owns a name? Is there a case for reform?').",
    "The work was cited in the board's report `Pirates? Digital Shoppers in the Online Age' (2009), which "
    "examined the market.",
    "In March 2011 the firm's board was voted `Biomaterial maker of the year 2011' by the Hill Institute.",
    "The event was featured in `The Cultural Highlights you have to see' section of the Hill newspaper.",
    "She sat on the groups working on the plan's actions aimed at `Reducing levels of late diagnosis in the "
    "region' (Action 7).",
    # a capitalised phrase that is all a bracket holds names the guidance just mentioned
    "These were set out in the agency's guidance for the evaluation of plants (`Guidance on monitoring of waste "
    "treatment processes for the landfill schemes in England and Wales').",
    # a quotation right after a possessive is the owner's work
    "It has been used in settings from the Hill Agency's `The Urban Environment - state and outlook 2010' to "
    "the Institute of Health (S4).",
]

STILL_TESTIMONIALS = [
    # feedback in a bulleted list: no numbered label, and spoken in the first person
    "Feedback included:\n- `Really helpful and I will use the ideas in class'\n- `The best training day I have "
    "been to in years'",
    # a numbered line that is a full quoted sentence
    "(ii) `The sessions changed the way the whole department plans its lessons.'\n The head said so in 2012.",
    # a question put by a named speaker, with no publication word near it
    "The minister asked `What would it cost to give every school a nurse? Who would pay for it?' at the launch.",
    # a review's words in brackets after the paper's name
    "The book was praised from the Hill Star on 23 March 2008 (`an armchair delight'), to the Town Telegraph on "
    "1 February 2008 (`Roe sets out to rescue the city from its negative image and she succeeds brilliantly') (5.1).",
    # a plural's possessive before a noun does not close the quotation; "to" after a closing mark does
    "Officials met experts from the emerging 'macro- regions' to discuss the plans' strategy and said 'the work "
    "has changed how the whole region plans its budget'.",
    # a lowercase quotation after a preposition is words, not a title
    "The plan was aimed at `reducing the number of people who learn of their illness late' [4].",
]


@pytest.mark.parametrize("passage", NOT_TESTIMONIALS)
def test_headings_and_titles_are_not_testimonials(passage, nlp):
    assert N.extract_testimonials(passage, nlp=nlp) == []


@pytest.mark.parametrize("passage", STILL_TESTIMONIALS)
def test_controls_stay_testimonials(passage, nlp):
    assert N.extract_testimonials(passage, nlp=nlp)


@pytest.mark.parametrize("text, kept", [
    # a backtick before a year cut to two digits opens no quotation
    ("Researchers formed a close link with the Hill Children of `37 Association, which gave its archive to the "
     "library. At the event in the `60s hall, `it was a wonderful day for every family who came' said one visitor.",
     ["it was a wonderful day for every family who came"]),
    # a quotation that opens with a number is still one
    ("The Director of Research wrote that `40 UK universities now use the framework to plan their work with "
     "schools'.", ["40 UK universities now use the framework to plan their work with schools"]),
    # what a prize was given for is its citation, not a testimonial
    ("In 2011 the team was awarded the Queen's Anniversary Prize for \"Innovative housing construction for "
     "environmental benefit and quality of life\". The panel said \"this is work of the very highest quality and "
     "of great benefit to the public\".", ["this is work of the very highest quality and of great benefit to the "
                                           "public"]),
])
def test_an_elided_year_and_a_prize_citation_are_not_testimonials(text, kept):
    got = [t.quote for t in N.extract_testimonials(text, nlp=N.load_pipeline(prefer_model=False))]
    assert got == kept


def test_a_colon_after_a_programme_introduces_words_in_the_first_or_second_person(nlp):
    passage = ("Her work was then discussed on a radio programme [5.7]: `It gave our listeners a new way to think "
               "about memory' (Producer, Hill Radio) [5.8]. The programme reached many.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert (t.quote, t.speaker, t.source_ref) == ("It gave our listeners a new way to think about memory",
                                                  "Producer, Hill Radio", "[5.8]")


@pytest.mark.parametrize("passage", [
    # a title after a colon speaks in no person, or asks a question
    "She spoke at a keynote seminar: `Migration and the city - assessing the new legislation' (Source 4).",
    "The first film led to a further programme: `Can we see a black hole from the Earth?', shown in 2011.",
    # a capitalised name before the colon is the newspaper whose headline follows
    "- Local: The Hill Evening Standard: `We are going to make a film about your street for television' (17/6/11).",
])
def test_titles_after_a_colon_stay_titles(passage, nlp):
    assert N.extract_testimonials(passage, nlp=nlp) == []
