"""Attribution forms that name the speaker in unusual places: a verb's subject inside brackets that also hold
the quotation, with initials written with full stops in the name. Invented sentences only.
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "model"])
def nlp(request):
    return N.load_pipeline(prefer_model=request.param)


def _one(passage: str, nlp, start: str) -> N.Testimonial:
    [t] = [t for t in N.extract_testimonials(passage, nlp=nlp) if t.quote.startswith(start)]
    return t


@pytest.mark.parametrize("who", [
    "Jane Roe of the Hill Housing Trust",
    "Dr. Jane Roe of the Hill Housing Trust",
    "Tom Hale of the U.S. Office of Fair Trading",
])
def test_a_verbs_subject_inside_the_brackets_that_hold_the_quotation_speaks(who, nlp):
    passage = (f"Our 2011 study of river flooding informed: a review of planning rules in the Welsh councils ({who} "
               "stated it was `useful for our members in the year ahead'); and the national code.")
    assert _one(passage, nlp, "useful for").speaker == who


def test_the_sentences_subject_still_speaks_when_the_brackets_close_before_the_quotation(nlp):
    passage = ("The review of planning rules (Jane Roe of the Hill Trust chaired it) stated that `every council "
               "should publish its flood maps each year'.")
    assert _one(passage, nlp, "every council").speaker == "The review of planning rules"


def test_initials_with_full_stops_end_no_sentence():
    from evalnlp.ingest._narrative_text import sentence_starts

    text = "The U.S. State Department wrote to us. The U.K. office did too."
    assert sentence_starts(text, []) == [0, text.index("The U.K.")]
