"""The reach-figure scanner's rejection rules: one named predicate each, one invented row each.

Each row gives a sentence where the rule must turn a number-plus-people-noun away and a close
sentence where it must not, so a rule that fires everywhere or nowhere fails its row.
"""

import pytest

from evalnlp.ingest import _narrative_reach as R
from evalnlp.ingest.narrative import extract_reach

ROWS = {
    "money_or_percentage": ("A fund of GBP 3 million households will share was set up.",
                            "A fund that 3 million households will share was set up."),
    "label_page_or_reference": ("The unit was taught to Year 9 pupils.", "The unit was taught to 9 pupils."),
    "year": ("By 2014 councils had adopted it.", "By then over 2014 councils had adopted it."),
    "bare_one": ("It was signed by one member of staff.", "It was signed by two members of staff."),
    "inside_a_name": ("Football 4 Peace reached children in three towns.",
                      "The football club reached 4 schools in three towns."),
    "size_of_a_body": ("She sat on the 5 member review panel.", "The network has 500 member organisations."),
    "negative_outcome": ("Twelve athletes were disqualified.", "Twelve athletes were trained."),
    "negative_outcome:burden-in": ("About 50,000 people in the UK are living with dementia.",
                                   "About 50,000 people in the UK are living with the guidance."),
    "negative_outcome:burden": ("About 50,000 people are living with paralysis in the UK.",
                                "About 50,000 people are living with the new support in the UK."),
    "employees": ("The spin-out now employs 14 people in Leeds.", "The spin-out now trains 14 people in Leeds."),
    "employees:after": ("Two workers were employed from April to run it.",
                        "Two workers were trained from April to run it."),
    "employees:full-time": ("The lab has 3 full-time engineers.", "The lab has trained 3 engineers."),
    "employees:jobs": ("It created 13 jobs including 4 engineers.", "It created tools used by 4 engineers."),
    "employees:including": ("The firm employs 11 people including 6 consultants.",
                            "The firm advised 11 people including 6 consultants."),
    "employees:managed": ("The director, who manages 9,000 staff, read it.",
                          "The director, who trained 9,000 staff, read it."),
    "announces_a_list": ("The work reached the following four regions: Fife, Angus, Moray and Perth.",
                         "The work reached four regions in the north of Scotland."),
    "compared_groups": ("Scores were similar between the two groups in the first year.",
                        "The course was run for 20 groups in the first year."),
    "one_of": ("She was one of three members of the panel who drafted it.",
               "She trained three members of the panel who drafted it."),
    "rate_or_ratio": ("The incidence is 18 cases for every 100,000 women in Wales.",
                      "The leaflet was sent to 100,000 women in Wales."),
    "rate_or_ratio:of": ("Tumours shrank in 38% of cases (9 of 24 patients).", "Tumours shrank in 24 patients."),
    "rate_or_ratio:out-of": ("It was ranked 40th out of 174 countries.", "It was adopted in 174 countries."),
    "rate_or_ratio:one-in": ("Such problems affect one in six adults.", "Such advice reached six adults."),
    "rate_or_ratio:per": ("We assume 2 people per household.", "We trained 2 people per year."),
    "generic_things": ("The project had effects in three key areas: policy, law and practice.",
                       "The project had effects in three rural areas of Fife."),
    "generic_things:of": ("It tests two different classes of enclosure.", "It tests two different classes of pupils."),
    "generic_things:colon": ("It changed practice in four areas: (1) diagnosis and (2) care.",
                             "It changed practice in four areas of Wales."),
    "generic_things:related": ("He pursued three areas related to his research.",
                               "He visited three areas close to the border."),
    "generic_things:patent": ("Two patent families were licensed.", "Two families were helped."),
    "size_of_a_team_or_consortium": ("The device was built by a team of 40 engineers in Hull.",
                                     "The device was shown to 40 engineers in Hull."),
    "size_of_a_team_or_consortium:founded": ("The campaign was founded by four partner NGOs.",
                                             "The campaign was joined by four partner NGOs."),
    "size_of_a_team_or_consortium:partners": ("The project, with 19 partners in ten countries, ends in 2015.",
                                              "The guidance went to 19 partners in ten countries."),
    "size_of_a_team_or_consortium:household": ("Each stove serves a household of six people.",
                                               "Each stove serves six people."),
    "the_team_itself": ("Four members of Dr Roe's survey team helped the charity.",
                        "Four members of the public helped the survey team."),
    "the_team_itself:authors": ("The 3 editors of the atlas spoke at the fair.",
                                "The atlas was sent to 3 editors at the fair."),
    "the_team_itself:directors": ("The new charity has 4 directors.", "The new charity has trained 4 directors."),
    "vague_one_or_two": ("Gigs with one or two musicians were exempt.", "Gigs with two musicians were exempt."),
    "prospective": ("The scheme targets 14 million homes across England.",
                    "The scheme has reached 14 million homes across England."),
    "capacity": ("The farm has the capacity to power almost 30,000 homes.",
                 "The energy advice service reached almost 30,000 homes."),
}


def _candidate(sentence: str, number: str) -> R.Candidate:
    found = [c for c in R.candidates(sentence) if c.number.strip() == number]
    assert found, f"no candidate {number!r} in {sentence!r}"
    return found[0]


_NUMBER = {"money_or_percentage": ("3 million", "3 million"), "label_page_or_reference": ("9", "9"), "year": ("2014", "2014"),
           "bare_one": ("one", "two"), "inside_a_name": ("4", "4"), "size_of_a_body": ("5", "500"),
           "negative_outcome": ("Twelve", "Twelve"), "employees": ("14", "14"), "announces_a_list": ("four", "four"),
           "compared_groups": ("two", "20"), "one_of": ("three", "three"), "rate_or_ratio": ("100,000", "100,000"),
           "generic_things": ("three", "three"), "size_of_a_team_or_consortium": ("40", "40"),
           "vague_one_or_two": ("two", "two"), "capacity": ("30,000", "30,000"),
           "prospective": ("14 million", "14 million"), "negative_outcome:burden": ("50,000", "50,000"),
           "employees:after": ("Two", "Two"), "employees:full-time": ("3", "3"), "employees:jobs": ("4", "4"),
           "employees:managed": ("9,000", "9,000"), "generic_things:of": ("two", "two"),
           "generic_things:colon": ("four", "four"), "generic_things:patent": ("Two", "Two"),
           "generic_things:related": ("three", "three"),
           "rate_or_ratio:of": ("24", "24"), "rate_or_ratio:out-of": ("174", "174"), "rate_or_ratio:per": ("2", "2"),
           "rate_or_ratio:one-in": ("six", "six"), "employees:including": ("6", "6"),
           "size_of_a_team_or_consortium:founded": ("four", "four"),
           "size_of_a_team_or_consortium:partners": ("19", "19"), "negative_outcome:burden-in": ("50,000", "50,000"),
           "size_of_a_team_or_consortium:household": ("six", "six"), "the_team_itself": ("Four", "Four"),
           "the_team_itself:authors": ("3", "3"), "the_team_itself:directors": ("4", "4")}


def test_every_rule_has_a_row():
    assert {f.__name__ for f in R.REJECTS} == {k.split(":")[0] for k in ROWS}
    assert set(_NUMBER) == set(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_rule_rejects_its_row_and_keeps_the_control(name):
    """A row named ``rule:variant`` tests a further form the same rule must recognise."""
    rule = next(f for f in R.REJECTS if f.__name__ == name.split(":")[0])
    rejected, kept = ROWS[name]
    n_rej, n_kept = _NUMBER[name]
    assert rule(_candidate(rejected, n_rej)) is True
    assert rule(_candidate(kept, n_kept)) is False
    assert not [r for r in extract_reach(rejected) if r.text.startswith(n_rej)]
    assert [r for r in extract_reach(kept) if n_kept in r.text]


def test_a_range_with_between_starts_at_its_first_number_and_counts_from_it():
    [r] = extract_reach("Training reached between 200 and 300 nurses in 2012.")
    assert (r.text, r.value, r.unit) == ("200 and 300 nurses", 200.0, "nurses")


@pytest.mark.parametrize("sentence", [
    "The handbook sold 12,000 copies in its first year.",
    "The app was downloaded 3,400 times by the end of the trial.",
])
def test_counts_of_copies_and_downloads_are_not_reach(sentence):
    assert extract_reach(sentence) == []


def test_schools_across_a_country_are_reach():
    [r] = extract_reach("The toolkit is now used in 250 schools across Scotland.")
    assert (r.text, r.value) == ("250 schools", 250.0)


def test_the_size_of_another_firm_is_not_reach_but_staff_trained_are():
    assert extract_reach("The contractor, a global firm with 56,700 employees, adopted it.") == []
    assert [r.text for r in extract_reach("We trained the agency's 150 staff in 2012.")] == ["150 staff"]


def test_providing_employment_for_staff_is_a_firms_size():
    assert extract_reach("The charity now provides employment for 12 staff in two offices.") == []


def test_a_circulation_counts_copies_and_all_but_n_counts_those_left_out():
    assert extract_reach("The daily has a circulation of some 340,000 copies per issue.") == []
    assert extract_reach("The disease regressed in all but 5 infants.") == []
    assert [r.text for r in extract_reach("The magazine has a readership of 130,000.")] == ["readership of 130,000"]


def test_table_cells_on_their_own_lines_do_not_join_a_number_to_the_next_cell():
    cells = ["Programme", "Cohort A", "Cohort B", "Participants", "Clinical Fellowship", "40", "38", "78",
             "Management Programme", "45", "40", "85", "Senior Leaders Masterclass", "30", "32", "62"]
    assert [r.text for r in extract_reach("\n\n".join(cells))] == []


@pytest.mark.parametrize("text, figures", [
    ("Several of my year 13 students now want to study statistics.", []),
    ("The year 7 pupils ran the survey themselves.", []),
    ("Each year 12 students are chosen for the scheme.", [("12 students", 12.0)]),
    ("Every year 40 teachers take the course.", [("40 teachers", 40.0)]),
])
def test_a_school_year_in_lower_case_is_a_label_not_a_count(text, figures):
    assert [(text[r.start:r.end], r.value) for r in extract_reach(text)] == figures


@pytest.mark.parametrize("text, figures", [
    ("The network grew from 200 to 1,500 schools in five years.", [("1,500 schools", 1500.0)]),
    ("Membership rose from two to five thousand teachers.", [("five thousand teachers", 5000.0)]),
    ("The course reached 200-300 nurses.", [("200-300 nurses", 200.0)]),  # a range: its first number
    ("It reached 200 to 300 nurses in the region.", [("200 to 300 nurses", 200.0)]),
])
def test_a_count_that_grew_from_one_number_to_another_reached_the_second(text, figures):
    assert [(text[r.start:r.end], r.value) for r in extract_reach(text)] == figures
