"""Quoted text that names or labels something, told by its form and its frame: what an award was given for, a
body's stated aim, a list's numbered item run into the text, a title after a reference's year, a run of
capitalised words with no verb, a phrase after "the" or "known as", a headline with a dash and a short quoted
term. Invented sentences only; each kind has a control of the same shape that someone said, which must stay a
testimonial, so a rule that drops everything fails.
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N
from evalnlp.ingest._narrative_quotes import find_quotes, quoted_name_or_term


def _kind(passage: str) -> str | None:
    (q,) = find_quotes(passage)
    return quoted_name_or_term(passage, q)


NOT_TESTIMONIALS = [
    ("award", "In 2015 the team was awarded for `pioneering work on safer playgrounds in coastal towns' [5.3]."),
    ("award", "The award of a fellowship (2016) to Roe for `services to rural bus transport and its users' "
              "followed."),
    ("aim", "The portal was set up to `...offer clear advice on caring for older dogs at home and help owners "
            "spot the signs of pain early'. It has had many visitors."),
    ("aim", "A forum was held in 2014 to `open a conversation between the college and its neighbours on local "
            "history' (http://example.org/forum)."),
    ("number", "The plan names two aims. 1. `Raising the number of young people who learn to swim by the age of "
               "eleven'. Our work fed into it."),
    ("reference", "It is discussed in Roe (2011) `Counting the miles of the old coach roads of the north', "
                  "Transport History 7 (2), pp. 10-31."),
    ("name", "The data were used by the city council's `Panel on the Future Care of Parks and Open Spaces.' [4b]"),
    ("name", "They met the head of the `Oficina regional para el agua limpia' (S6) in Lima."),
    ("name", "Farmers joined a scheme known as `plant a hedge for every field you own' in 2014."),
    ("headline", "A local paper ran the story as `Harbourton - the lost mills of the valley come back to life' "
                 "[S2] in 2012."),
    ("term", "Her study shaped the board's plan to make the town a `safer place to cycle to work' (Plan, 2010)."),
    ("term", "The guide counts all the cases arising out of `theft, fraud, or breach of trust' as set out in "
             "the rules."),
]


@pytest.mark.parametrize(("kind", "passage"), NOT_TESTIMONIALS, ids=[k for k, _ in NOT_TESTIMONIALS])
def test_names_and_terms_are_not_testimonials(kind, passage, nlp):
    assert _kind(passage) == kind
    assert N.extract_testimonials(passage, nlp=nlp) == []


STILL_TESTIMONIALS = [
    # someone's words after "for", with no award before them
    "The chair thanked the team for `the clearest account of the bus network we have ever been given' [5.3].",
    # a stated aim in the first person, and a quoted clause after "to" with no body set up before it
    "The portal was set up to `...help us, the owners, spot the signs of pain early', its founder said.",
    "The director asked staff to `read the report closely and change how the wards plan their rotas' (S4).",
    # a numbered line that is a full quoted sentence
    "The review found two things. 1. `The new rota has cut waiting times on every ward we visited.' It went on.",
    # a reference's year, then a quoted sentence
    "As the minister put it in a speech (2012), `This work has changed the way we fund rural buses.'",
    # capitalised words with a verb in them, ending a sentence
    "The mayor wrote: `The Report Has Changed How The Council Plans Its Parks And Open Spaces.'",
    # after "the", a full sentence of someone's
    "In the words of the director, the `Programme changed how we train nurses in every ward of the trust.'",
    # a dash inside words in the first person
    "A parent wrote `Brilliant - my son now reads every night before bed without being asked' (S7).",
    # after "as a", someone's judgement of a work
    "The review described the book as a `timely and careful account of the coastal mills' (Hill Times, 2011).",
]


@pytest.mark.parametrize("passage", STILL_TESTIMONIALS)
def test_controls_stay_testimonials(passage, nlp):
    (q,) = find_quotes(passage)
    assert quoted_name_or_term(passage, q) is None
    assert len(N.extract_testimonials(passage, nlp=nlp)) == 1


def test_a_term_with_a_clause_in_it_is_someones_words(nlp):
    # a lower-case phrase after a determiner that holds a clause word says something: it stays
    passage = "The scheme gave families a `better sense of what their children learn at school' (S3)."
    assert _kind(passage) is None
    assert len(N.extract_testimonials(passage, nlp=nlp)) == 1


def test_a_colon_after_a_year_introduces_someones_words(nlp):
    passage = "Jane Roe, head of the trust, sums up the day (2010): `the staff learned a great deal in one morning'."
    assert _kind(passage) is None
    assert len(N.extract_testimonials(passage, nlp=nlp)) == 1
