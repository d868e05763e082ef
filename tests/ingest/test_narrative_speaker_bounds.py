"""Where a speaker phrase starts and ends, and which marker a quotation takes: an introductory phrase or clause
before the subject, a time adjunct or a short form in brackets after it, an absolute clause, an apposition set
between dashes, further roles in brackets, a gerund after a preposition, markers that point "below" or name
the medium, a citation after the quotation, the body a colon's clause gives something to, and one marker for two
joined attributions. Invented sentences only.
"""

from __future__ import annotations

import pytest

from helpers import one_testimonial

from evalnlp.ingest import narrative as N
from evalnlp.ingest._narrative_text import is_marker


@pytest.mark.parametrize("lead, speaker", [
    ("As a result of the RTA evidence, the subsequent parliamentary report recommended that ",
     "the subsequent parliamentary report"),
    ("In Leeds, where the module runs in the first year but it precedes any chemistry, the module leader said ",
     "the module leader"),
    ("Because the pilot had ended early, the ward sister wrote that ", "the ward sister"),
    # a name after the subordinator is in apposition, and a role before a name's comma keeps the name with it
    ("As Roe (5d), chair of the Tenants Forum, noted, ", "Roe (5d), chair of the Tenants Forum"),
    ("While Jane Roe, the then chair of the Hill Trust, wrote ", "Jane Roe, the then chair of the Hill Trust"),
    ("At a hearing in May 2021 the Director of Hill Estates, Sir Tom Reed, said ",
     "the Director of Hill Estates, Sir Tom Reed"),
])
def test_an_introduction_ending_at_a_comma_is_not_part_of_the_speaker(lead, speaker, nlp):
    passage = lead + "`every ward should hold a weekly safety meeting with its pharmacist' [4]."
    t = one_testimonial(passage, nlp, "every ward")
    assert t.speaker == speaker


def test_a_time_adjunct_and_an_aside_between_the_speaker_and_the_verb_are_left_out(nlp):
    passage = ("Jane Roe, Director of the Hill Trust (a charity for river towns) following an item on BBC's "
               "`Farming Today' has told us that: `I have used the maps with every group of volunteers we trained "
               "this year' (4.2, email 3 May 2012).")
    t = one_testimonial(passage, nlp, "I have used")
    assert (t.speaker, t.source_ref) == ("Jane Roe, Director of the Hill Trust", "(4.2, email 3 May 2012)")


@pytest.mark.parametrize("lead, speaker", [
    ("The Royal College of Midwives (RCM) stated that ", "The Royal College of Midwives"),
    ("According to the Department for Transport (DfT), ", "the Department for Transport"),
    ("The Hill Water Trust (Kenya Chapter) stated that ", "The Hill Water Trust (Kenya Chapter)"),
])
def test_a_short_form_in_brackets_after_a_name_is_left_out(lead, speaker, nlp):
    passage = lead + "`the guidance will be used on every ward in the country from next spring' [4]."
    assert one_testimonial(passage, nlp, "the guidance").speaker == speaker


def test_a_quantified_subject_of_an_absolute_clause_is_the_speaker(nlp):
    passage = ("Most teachers rate the films highly, several respondents replying that `the three films together "
               "are an unmatched tool for teaching this period' and that they are `the best teaching material "
               "on the subject in any language'.")
    found = N.extract_testimonials(passage, nlp=nlp)
    assert [t.speaker for t in found] == ["several respondents", "several respondents"]


def test_a_main_clause_subject_still_speaks_through_its_participle(nlp):
    passage = ("The Director of the Hill Trust wrote to the team, adding that `the maps changed how every ranger "
               "plans a season of work on the river'.")
    assert one_testimonial(passage, nlp, "the maps").speaker == "The Director of the Hill Trust"


@pytest.mark.parametrize("dash", ["&#8212;", "\u2013", "-"])
def test_according_to_a_speaker_with_an_apposition_between_dashes(dash, nlp):
    passage = (f"According to one key partner {dash} a former aid worker (and later author) {dash} the project has "
               "also brought families together by `giving younger people a shared story they can follow' (F).")
    t = one_testimonial(passage, nlp, "giving younger")
    assert t.speaker.replace(dash, "-") == "one key partner - a former aid worker (and later author)"
    assert t.source_ref == "(F)"


def test_according_to_a_speaker_closed_by_a_single_dash(nlp):
    passage = ("According to the head of the Hill Trust - and the records bear this out - the project has "
               "`changed how every ranger on the river plans a season of work' (F).")
    assert one_testimonial(passage, nlp, "changed how").speaker == "the head of the Hill Trust"


def test_a_gerund_after_a_preposition_names_no_speaker(nlp):
    passage = ("The evidence was used, in the prosecutor's words, `to test the hypotheses we had built over several "
               "years of inquiry' [3]. The trials are still ongoing. Once the process is complete, it is hoped that "
               "they will set a "
               "precedent for recognising the `group as one single and unified criminal association under the "
               "law of the land'.")
    assert one_testimonial(passage, nlp, "group as one").speaker is None


@pytest.mark.parametrize("marker", ["(5.8 below)", "(5.10 above)", "(C2 below)", "(5.8, email 27 April 2013)",
                                    "(S4, letter)", "(3, interview of 2 May 2012)"])
def test_a_marker_may_point_below_or_name_the_medium(marker, nlp):
    assert is_marker(marker)
    passage = f"The head of the Hill Trust said `the maps changed how every ranger plans a season of work' {marker}."
    assert one_testimonial(passage, nlp, "the maps").source_ref == marker


@pytest.mark.parametrize("text", ["(email, 7 May 2012)", "(Phase 2 below)", "(5, 2013)", "(3, letter to the editor)"])
def test_a_description_or_a_year_is_still_no_marker(text):
    assert not is_marker(text)


def test_to_quote_a_group_names_the_group_and_one_marker_covers_the_run_past_a_short_quotation(nlp):
    passage = ("The film was shared 130 times. To quote some of the 98 comments to show its reach: `This was really "
               "clear and easy to follow. I want to see part two'; `this is the best way of learning'; `so clear and "
               "useful'; `I love that they show the detail of daily life'; and `I love these films. They make "
               "history fun!' (5.10 below). The comments also asked for more.")
    found = N.extract_testimonials(passage, nlp=nlp)
    assert [t.quote[:6] for t in found] == ["This w", "this i", "I love", "I love"]
    assert {(t.speaker, t.source_ref) for t in found} == {("the 98 comments", "(5.10 below)")}


@pytest.mark.parametrize("lead, speaker", [
    ("Early support came from the Hill Trade Unit (HTU), and a number of the HTU's team have used the tool and "
     "attended training: ", "the HTU's team"),
    ("Several of the partners came to the launch, and many of the trust's volunteers have since taken up the maps: ",
     "the trust's volunteers"),
])
def test_the_subject_of_a_clause_ending_in_a_colon_speaks_for_the_quotations_after_it(lead, speaker, nlp):
    passage = ("`Our maps were the first the delegation had ever owned.' (Trade Official, Roeland) " + lead
               + "`The first aim of the tool was to give small delegations the means to check tariff data "
               "themselves.' [C3] `The tool was used every week for checking large datasets before each round.' [C4]")
    found = N.extract_testimonials(passage, nlp=nlp)
    assert [(t.speaker, t.source_ref) for t in found[1:]] == [(speaker, "[C3]"), (speaker, "[C4]")]


def test_one_of_a_group_stays_one_of_it(nlp):
    passage = "One of the barristers on the appeal comments that `the study was the most useful evidence before us'."
    assert one_testimonial(passage, nlp, "the study").speaker == "One of the barristers on the appeal"


def test_a_clause_ending_in_a_colon_whose_subject_is_a_thing_lets_the_quotation_go_on(nlp):
    passage = ("The Finance Director of Acme has said that [A]: `new investment in the firm now exceeds two million "
               "pounds from industry.' Furthermore, the research has created in Acme a firm that [A]: `now has 24 staff and a "
               "turnover "
               "of over one million pounds.'")
    assert [t.speaker for t in N.extract_testimonials(passage, nlp=nlp)] == ["The Finance Director of Acme"] * 2


def test_a_verb_inside_brackets_has_its_subject_inside_them(nlp):
    passage = ("The survey went to every university. Replies to the question whether such material would be useful "
               "included (15 geography departments responded) 1) `We would welcome ideas for how field data could "
               "enrich the core syllabus.' 2) `Any help in building such material would be most welcome.'")
    found = N.extract_testimonials(passage, nlp=nlp)
    assert [t.speaker for t in found] == ["15 geography departments"] * 2


def test_a_pronoun_opening_the_second_clause_stands_for_the_sentence_subject(nlp):
    passage = ("Hamlet was recorded for radio by the BBC in 2009. In the 2013 season Roe worked on two more plays. "
               "Tom Reed is clear about the value of Roe's work to his company, he states that through these plays "
               "Roe `has given the cast and me support in every rehearsal as well as in performance' (source 2).")
    assert one_testimonial(passage, nlp, "has given").speaker == "Tom Reed"


def test_a_thing_opening_the_sentence_does_not_take_the_pronoun(nlp):
    passage = ("Jane Roe has chaired the Hill Trust since 2010. The report was praised by the board, and she said that it `changed "
               "how every ranger plans a season of work on the river' [2].")
    assert one_testimonial(passage, nlp, "changed how").speaker == "Jane Roe"


def test_the_marker_after_the_writers_parenthesis_beats_one_in_the_lead(nlp):
    passage = ("On the basis of that piece, Roe was invited onto a radio debate [5.7]: `Having read parts of your book "
               "on the website, you came to mind as someone who could speak to this' (Producer, BBC Radio 4 Farming "
               "Today) [5.8]. The debate was about farm subsidies.")
    t = one_testimonial(passage, nlp, "Having read")
    assert (t.speaker, t.source_ref) == ("Producer, BBC Radio 4 Farming Today", "[5.8]")


def test_a_marker_before_a_colon_covers_a_list_of_quotations_each_with_its_writer(nlp):
    passage = ("Feedback from the course has been positive [see Section 5, C1]: `My director is pleased that I could "
               "use the tool to read the trade data for our country' (Trade Official, Roeland) `Our mission is "
               "already looking at putting this kind of analysis into our regular courses' (Counsellor, WTO, "
               "Hillmark) `Thanks for the training and support, which made modelling clear to a lawyer' (Hill "
               "Institute of Affairs). Most participants found the tool useful.")
    found = N.extract_testimonials(passage, nlp=nlp)
    assert [t.speaker for t in found] == ["Trade Official, Roeland", "Counsellor, WTO, Hillmark",
                                          "Hill Institute of Affairs"]
    assert {t.source_ref for t in found} == {"[see Section 5, C1]"}


def test_a_quotation_left_open_ends_before_a_source_marker_that_closes_its_sentence(nlp):
    passage = ("After the run, Ashford wrote: `Thank you for all your great work on this play. We could not have done "
               "it without you. ... I look forward to learning more from you on the next one (source 7).\n"
               "(b) Essays for audiences\n"
               "Roe has written an essay for the programme of each play. The programmes are sold at every show, "
               "and as there are no free cast sheets the sales are high compared to those of other "
               "companies' productions. The programme sells well.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.endswith("on the next one")
    assert (t.speaker, t.source_ref) == ("Ashford", "(source 7)")


def test_a_quotation_that_holds_a_marker_before_its_own_closing_mark_keeps_it(nlp):
    passage = ("The panel wrote: `The study of the river (source 3). It changed how we plan, and we now use it every "
               "season.' Rangers agree.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.endswith("we now use it every season.")


@pytest.mark.parametrize("body", ["TED-Ed", "the Hill Channel"])
def test_they_after_a_body_that_commissioned_the_work_is_that_body(body, nlp):
    passage = (f"The success of the first film led {body} to commission Roe to write scripts for a new series, as "
               "they say `we're thrilled with these lessons, and we think they add something unique to the library "
               "we offer' (5.8 below).")
    t = one_testimonial(passage, nlp, "we're thrilled")
    assert (t.speaker, t.source_ref) == (body, "(5.8 below)")


def test_they_with_no_body_named_before_stays_unresolved(nlp):
    passage = ("The film was shown in London and Paris, as they say `we're thrilled with these lessons, and we think "
               "they add something unique to the library we offer'.")
    assert one_testimonial(passage, nlp, "we're thrilled").speaker is None


def test_people_who_expressed_their_admiration_speak(nlp):
    passage = ("The talks were recorded for the website. Visitors expressed their admiration for the way in which the "
               "exhibition dealt with a hard topic, `Really impressive special exhibition. Hard subject matter, "
               "fascinating images.' The exhibition drew the press.")
    assert one_testimonial(passage, nlp, "Really impressive").speaker == "Visitors"


@pytest.mark.parametrize("passage, speaker", [
    ("The logic for the material was based on the comments in the Hill Review which stated: - `it is essential that "
     "students keep meeting the parts of the subject that matter most in this century'", "the Hill Review"),
    ("Several courses now use the site. The comment from Leeds was 'First of all, what a resource! I feel I have only "
     "skimmed the surface of it, and every time I look I find something new!' Other universities agree.", "Leeds"),
    # a document's own noun is kept: the response is what speaks
    ("The response from the council was `we will use these maps in every plan we write from now on'.",
     "The response from the council"),
])
def test_whose_comments_or_words_they_are_speaks(passage, speaker, nlp):
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == speaker


def test_a_copula_after_a_thing_still_names_nobody(nlp):
    passage = "The goal of the scheme is `to give every young carer a named contact in school by next year'."
    assert one_testimonial(passage, nlp, "to give every").speaker is None


def test_a_hyphenated_word_stays_whole_in_the_speaker(nlp):
    passage = "His co-founder described the work as `the most useful thing any of us read that year' [4]."
    assert one_testimonial(passage, nlp, "the most useful").speaker == "His co-founder"


@pytest.mark.parametrize("passage, speaker", [
    ("The support is clear in a speech by the Prime Minister on 28 July 2010: `We believe we can lead on this, through "
     "some of our best universities' [D].", "the Prime Minister"),
    # the date of a participle stays
    ("The consultation paper published in September 2012 stated that `every council must publish its plan by the "
     "end of the year' [D].", "The consultation paper published in September 2012"),
])
def test_a_date_after_the_speaker_says_when_unless_a_participle_holds_it(passage, speaker, nlp):
    assert N.extract_testimonials(passage, nlp=nlp)[0].speaker == speaker


def test_a_marker_between_a_noun_and_its_verb_leaves_the_noun_in_the_speaker(nlp):
    passage = ("A recent OECD report [corrob 5.7] identified that `other countries, such as Denmark and Austria, are "
               "starting to use the toolkit'.")
    t = one_testimonial(passage, nlp, "other countries")
    assert (t.speaker, t.source_ref) == ("A recent OECD report", "[corrob 5.7]")


def test_a_word_after_also_is_the_subjects_verb(nlp):
    passage = ("In England the Act is run by the Home Office. The Home Office also carry out regular inspections to "
               "ensure that all research is in line with licence conditions, and have confirmed that their inspectors "
               "`often make use of the findings when they assess research' [E9]")
    assert one_testimonial(passage, nlp, "often make use").speaker == "The Home Office"


def test_they_spoke_of_names_them(nlp):
    passage = ("Participants later wrote about what the sessions changed (source 1a). They spoke, for example, of how "
               "the sessions had `deepened their knowledge of the subject beyond anything they had read'.")
    assert one_testimonial(passage, nlp, "deepened their").speaker == "Participants"


def test_a_talk_someone_was_invited_to_give_reports_no_words_of_theirs(nlp):
    passage = ("For example, Roe was invited to speak at the orchestra's study day on account of `her highly regarded "
               "research and work in the field of performance practice'.")
    assert one_testimonial(passage, nlp, "her highly").speaker is None


def test_a_short_form_left_out_of_the_speaker_still_ties_the_next_sentences_marker(nlp):
    passage = ("In 2008 the Institute for Health Care (IHC) wrote that `walking to school is the most cost-effective "
               "of the four measures it looked at'. Evidence from the research was used by the IHC team to show "
               "this [g, pages 5-12].")
    t = one_testimonial(passage, nlp, "walking to school")
    assert (t.speaker, t.source_ref) == ("the Institute for Health Care", "[g, pages 5-12]")


def test_a_name_between_an_object_relative_and_its_verb_is_the_speaker(nlp):
    passage = ("Roe set out the obstruction of the courts during the Emergency, research that Justice Hale considered "
               "as showing `a continuing pattern of abusive conduct by the officials of the day'.")
    t = one_testimonial(passage, nlp, "a continuing pattern")
    assert t.speaker == "Justice Hale"


def test_a_verb_form_modifying_a_noun_is_no_attribution_verb(nlp):
    passage = ("The findings also formed the evidence base for the Hill Trust's campaign, which won an award in 2008 and "
               "was cited by the judging panel as `an outstanding example of persuading ministers to change the law'.")
    assert one_testimonial(passage, nlp, "an outstanding").speaker == "the judging panel"


@pytest.mark.parametrize("passage, speaker", [
    ("The film was shared 130 times. Comments also raised queries that were answered with reference to the films; "
     "for example: `I think you will find your answer at the fifth minute' (i.e. 5 minutes in).", "Comments"),
    ("The visitors' book holds many positive remarks, for example: `this was great, please make more like this one "
     "for the next year'.", "many positive remarks"),
    ("Reviews and blog comments were positive: for example, `Roe presents with such passion for the subject that it "
     "is hard not to be engaged' (5.2).", "Reviews and blog comments"),
])
def test_an_example_of_comments_the_sentence_names_is_theirs(passage, speaker, nlp):
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker == speaker


def test_an_example_of_something_else_names_nobody(nlp):
    passage = "The report was well received, for example: `this was great, please make more like this one next year'."
    assert one_testimonial(passage, nlp, "this was great").speaker is None


# --- the person a citation after the quotation names, the body a colon's clause gives something to, and one marker
# for two joined attributions

@pytest.mark.parametrize("passage, speaker", [
    # a citation with no brackets: the author's name, then the journal and its year
    ("The book reached readers well beyond the field, perhaps because, as one reviewer put it, `it speaks plainly to "
     "every reader who has cared for a parent at home' Jane Roe Hill Review of Books (2010) 12: 40-43 [5.1].",
     "Jane Roe"),
    # a parenthesis that names the reviewer, an initial first, and where the review appeared
    ("The book reached readers well beyond the field; one critic wrote that `it speaks plainly to every reader who "
     "has cared for a parent at home' (J. Roe, review in the Hill Times) [5.1].", "J. Roe"),
])
def test_a_person_named_after_the_quotation_is_the_one_the_lead_only_described(passage, speaker, nlp):
    t = one_testimonial(passage, nlp, "it speaks plainly")
    assert (t.speaker, t.source_ref) == (speaker, "[5.1]")


def test_a_described_speaker_stays_when_the_citation_after_names_no_person(nlp):
    passage = ("One critic wrote that `it speaks plainly to every reader who has cared for a parent at home' (Hill "
               "Times, 3 May 2010) [5.1].")
    assert one_testimonial(passage, nlp, "it speaks plainly").speaker == "One critic"


def test_a_journal_after_the_quotation_is_no_author(nlp):
    passage = ("The book was praised: `it speaks plainly to every reader who has cared for a parent at home' Hill "
               "Review of Books (2010) 12: 40-43 [5.1].")
    assert one_testimonial(passage, nlp, "it speaks plainly").speaker != "Hill Review"


@pytest.mark.parametrize("paren, speaker", [
    ("(Acme plc - R. Roe 2012)", "Acme plc - R. Roe"),  # the year it was written
    ("(Director, Hill Museum, email to the team, 2013)", "Director, Hill Museum"),  # how it reached the authors
    ("(Chief Scientist, Hill Survey, 11 June 2011)", "Chief Scientist, Hill Survey"),  # a whole date
])
def test_a_year_and_a_medium_closing_a_parenthesis_are_not_the_speaker(paren, speaker, nlp):
    passage = f"The models changed practice: `we now read every survey with the new fault maps beside us' {paren}."
    assert one_testimonial(passage, nlp, "we now read").speaker == speaker


_BEFORE_THE_COURSE = ("Officials said the workshop was a first: `this course was the best training our staff have had "
                      "in years.' (Trade Official, Hill) The team works closely with both ministries and believes the "
                      "tool helps [C7]. ")


@pytest.mark.parametrize("lead, speaker", [
    ("Under a new fund in 2013 the software also provided training and support to the East Hill Community (EHC):",
     "the East Hill Community"),
    # "to" inside the body's name is not the preposition
    ("Under the fund the tool also gave support to the Alliance to End Hunger:", "the Alliance to End Hunger"),
    # a relative clause after the body, ending at the colon, is not part of it
    ("In May 2012 the team was invited to present the findings to the influential Hill Defence Forum, which for the "
     "first time held a session on trade:", "the influential Hill Defence Forum"),
])
def test_the_body_a_colons_clause_gives_training_to_is_the_speaker(lead, speaker, nlp):
    passage = _BEFORE_THE_COURSE + lead + " `The course is proving very useful in preparing our positions' [C6]."
    first, second = N.extract_testimonials(passage, nlp=nlp)
    assert (second.speaker, second.source_ref) == (speaker, "[C6]")
    assert first.speaker == "Trade Official, Hill" and first.source_ref != "[C6]"


@pytest.mark.parametrize("lead, not_speaker", [
    # the subject is a person: the receiver of an email did not write it
    ("Following the launch, the Special Rapporteur, Dr Jane Roe, sent the following email to Professor Smith:",
     "Professor Smith"),
    # no body named
    ("The app was then offered free to schools:", "schools"),
])
def test_a_colons_object_that_is_no_receiving_body_is_not_the_speaker(lead, not_speaker, nlp):
    passage = _BEFORE_THE_COURSE + lead + " `The course is proving very useful in preparing our positions' [C6]."
    assert one_testimonial(passage, nlp, "The course is").speaker != not_speaker


def test_a_marker_after_the_second_speakers_verb_covers_the_first_quotation(nlp):
    passage = ("As the Hill Trust say, these are `lessons of a very high standard indeed', and, as Jane Roe of Acme "
               "comments (5.8 below), this work `fulfils the aims of the trust in every respect'.")
    first, second = N.extract_testimonials(passage, nlp=nlp)
    assert (first.speaker, first.source_ref) == ("the Hill Trust", "(5.8 below)")
    assert (second.speaker, second.source_ref) == ("Jane Roe of Acme", "(5.8 below)")


def test_a_marker_after_the_second_speakers_verb_is_not_the_first_quotations_past_an_earlier_marker(nlp):
    passage = ("In 2008 Acme filed a patent [C] `to protect our own use of the method' and told us that the method is "
               "`very well liked across the whole of the company' and a director at Acme states that [D] `many banks "
               "now use the method every day'.")
    assert one_testimonial(passage, nlp, "very well liked").source_ref != "[D]"
