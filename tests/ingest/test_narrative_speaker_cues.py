"""The speaker cues, one named function each, one invented row each (no sentence is taken from a case study).

Each row gives a passage where the cue must find the speaker and a close passage where it must find
nothing, so a cue that fires everywhere or nowhere fails its row; the whole extractor must then give the
same speaker for the first passage. Rules pipeline only (the cues are the same on the parsed one, whose
verb subjects come from the parse).
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N
from evalnlp.ingest._narrative_text import normalise


@pytest.fixture(scope="module")
def nlp():
    return N.load_pipeline(prefer_model=False)


# name: (passage where the cue names the speaker, start of the quotation, speaker, control passage)
LEAD_ROWS = {
    "according_to": (
        "According to the head of the trust, the scheme was 'the best use of the money we have had in years'.",
        "the best use", "the head of the trust",
        "By the end of the year the scheme was 'the best use of the money we have had in years'."),
    "in_own_words": (
        "The credit grew each year, becoming, in the ministry's own words, 'the single most useful reform to get "
        "people into work'.", "the single most", "the ministry",
        "The credit grew each year, becoming, in other words, 'the single most useful reform to get people into "
        "work'."),
    "as_x_put_it": (
        "As the mayor put it, the plan was 'a way to give every street a voice in the budget'.",
        "a way to give", "the mayor",
        "As a result, the plan was 'a way to give every street a voice in the budget'."),
    "as_noted_in": (
        "As noted in the letter from the Chair of the Hill Trust (doc. 5.1), 'the gallery saw more visitors than "
        "in any year before'.", "the gallery saw", "the letter from the Chair of the Hill Trust",
        "As noted in section 2, 'the gallery saw more visitors than in any year before' once it reopened in May."),
    "passive_agent": (
        "The guide was described by the Chief Nurse of the Trust as 'the clearest account of the risks we have'.",
        "the clearest account", "the Chief Nurse of the Trust",
        "The guide was described in the annual plan as 'the clearest account of the risks we have'."),
    "agentless_passive": (
        "It is widely acknowledged that the study was 'the turning point for the policy on rough sleeping'.",
        "the turning point", None,
        "The minister acknowledged that the study was 'the turning point for the policy on rough sleeping'."),
    "verb_subject": (
        "The Director of the Museum wrote that the exhibition 'brought in visitors who had never been before'.",
        "brought in visitors", "The Director of the Museum",
        "The exhibition at the museum 'brought in visitors who had never been before' in 2012."),
    "document_subject": (
        "Feedback from the teachers included 'the sessions changed the way I plan my lessons each week'.",
        "the sessions changed", "Feedback from the teachers",
        "Lessons in the spring term included 'the sessions changed the way I plan my lessons each week'."),
    "colon_list": (
        "Dr Ana Ruiz, Clinical Director, Hill Trust: 'we would not have changed the pathway without it'.",
        "we would not", "Dr Ana Ruiz, Clinical Director, Hill Trust",
        "Dr Ana Ruiz, Clinical Director, Hill Trust, 'we would not have changed the pathway without it'."),
    "name_before_marker": (
        "The Select Committee [C4] being able to 'draw on the research to hold the department to account'.",
        "draw on the research", "The Select Committee",
        "The committee being able to 'draw on the research to hold the department to account'."),
}

TRAIL_ROWS = {
    "said_x_after": (
        "'The toolkit has changed how we train every new member of staff,' said Jo Marsh, Head of Training.",
        "The toolkit", "Jo Marsh, Head of Training",
        "'The toolkit has changed how we train every new member of staff,' and the training grew."),
    "as_verbed_by_after": (
        "The work had 'a direct effect on how the board sets its budget', as acknowledged by Ann Price, the Chair.",
        "a direct effect", "Ann Price, the Chair",
        "The work had 'a direct effect on how the board sets its budget', as we showed in the report."),
    "x_said_after": (
        "'The report was read by every member of the council before the vote,' the Clerk said.",
        "The report was", "the Clerk",
        "'The report was read by every member of the council before the vote,' and it was adopted."),
    "dash_after": (
        "The course was 'the most useful training I have had in twenty years' - Sam Hale, Ward Manager.",
        "the most useful", "Sam Hale, Ward Manager",
        "The course was 'the most useful training I have had in twenty years' - and it was repeated."),
    "parenthesis_after": (
        "The visit was 'an inspiring day for the whole of the class' (Head Teacher, Park Primary School).",
        "an inspiring day", "Head Teacher, Park Primary School",
        "The visit was 'an inspiring day for the whole of the class' (see p. 4)."),
    "in_document_of_after": (
        "The essay was reprinted in 2008, and praised as 'one of the most balanced views of the problem we have' "
        "in the inaugural lecture of the Professor of Welsh at the University of Otago in 2009 [12].",
        "one of the most", "the Professor of Welsh at the University of Otago",
        "The essay was reprinted in 2008, and praised as 'one of the most balanced views of the problem we have' "
        "in the first issue of the new journal [12]."),
    "citation_after": (
        "The book was praised: 'it speaks to everyone who has looked after a parent at home' Jane Hale Hill Review "
        "(2010) 12: 40-43 [5.1].", "it speaks to", "Jane Hale",
        "The book was praised: 'it speaks to everyone who has looked after a parent at home' Hill Review (2010) "
        "12: 40-43 [5.1]."),
}


def _lead_and_quote(text: str, quote: str, nlp):
    ctx = N._Context(normalise(text), nlp)
    [q] = [q for q in ctx.quotes if ctx.text[q.start:q.end].startswith(quote)]
    return ctx, q


def _said(ctx, span) -> str | None:
    return None if span is None else ctx.text[span[0]:span[1]]


def test_every_cue_has_a_row():
    assert {f.__name__ for f in N.LEAD_CUES} == set(LEAD_ROWS)
    assert {f.__name__ for f in N.TRAIL_CUES} == set(TRAIL_ROWS)


@pytest.mark.parametrize("name", sorted(LEAD_ROWS))
def test_lead_cue_finds_its_speaker_and_not_the_control(name, nlp):
    cue = next(f for f in N.LEAD_CUES if f.__name__ == name)
    fires, quote, speaker, control = LEAD_ROWS[name]
    ctx, q = _lead_and_quote(fires, quote, nlp)
    found = cue(N._Lead(ctx, q, ctx.sent_start(q.open), q.open))
    assert found is not None
    assert _said(ctx, found.span) == speaker
    ctx, q = _lead_and_quote(control, quote, nlp)
    found = cue(N._Lead(ctx, q, ctx.sent_start(q.open), q.open))
    assert found is None
    [t] = [t for t in N.extract_testimonials(fires, nlp=nlp) if t.quote.startswith(quote)]
    assert t.speaker == speaker


@pytest.mark.parametrize("name", sorted(TRAIL_ROWS))
def test_trail_cue_finds_its_speaker_and_not_the_control(name, nlp):
    cue = next(f for f in N.TRAIL_CUES if f.__name__ == name)
    fires, quote, speaker, control = TRAIL_ROWS[name]
    ctx, q = _lead_and_quote(fires, quote, nlp)
    found = cue(ctx, q)
    assert found is not None and _said(ctx, found.span) == speaker
    ctx, q = _lead_and_quote(control, quote, nlp)
    assert cue(ctx, q) is None
    [t] = [t for t in N.extract_testimonials(fires, nlp=nlp) if t.quote.startswith(quote)]
    assert t.speaker == speaker
