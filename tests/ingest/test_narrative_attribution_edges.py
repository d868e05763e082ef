"""Edges of an attribution that used to be read wrongly: markers written as a qualified statement
(`(Witness Statement 3)`), the medium closing a parenthetical attribution (`..., email`), footnote digits
glued to the speaker or to a full stop, and an opening adverb or `e.g.` before the speaker. Invented
sentences only; each row gives the speaker and marker the extractor must return on both pipelines.
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N
from evalnlp.ingest._narrative_text import is_marker


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "model"])
def nlp(request):
    return N.load_pipeline(prefer_model=request.param)


# (passage, start of the quotation, speaker, marker)
ROWS = [
    ("Parents welcomed the scheme: 'the club gave my son somewhere safe to go after school' (Witness Statement 3).",
     "the club gave", "Parents", "(Witness Statement 3)"),
    ("'Your advice on the early design of the trial was invaluable to the whole team' ([name removed], Hill Trust, "
     "email, 4 June 2012).", "Your advice", "[name removed], Hill Trust", None),
    ("'The report shaped the way our board thinks about flood risk in every town' (Jane Roe, River Board, letter).",
     "The report shaped", "Jane Roe, River Board", None),
    ("The Chair of the Panel, Dr Jane Roe,4.1 recognised that 'the survey has changed how the whole service "
     "measures its outcomes'.", "the survey has", "The Chair of the Panel, Dr Jane Roe", "4.1"),
    ("The scheme was later endorsed by the Audit Office.4.2 The latter wrote that 'the measures should be used in "
     "every future review of the scheme'.", "the measures should", "the Audit Office", None),
    ("Duly, the town's bid to host the games noted that 'the new stadium has changed how the whole town sees "
     "itself' [3].", "the new stadium", "the town's bid to host the games", "[3]"),
    ("The report of the evaluation of the Open Door scheme8 says that 'the pilot builds on the earlier budget "
     "pilots in every way'.", "the pilot builds", "The report of the evaluation of the Open Door scheme", "8"),
    ("Motion 45, tabled by Jane Roe MP and signed by over 40 MPs in the 2009 session, stated that 'this House "
     "welcomes the new guidance on the care of very young children'.", "this House welcomes", "Motion 45", None),
    ("The curator described the building as 'the reason the district has come back to life' [1; pp. 23-24].",
     "the reason the", "The curator", "[1; pp. 23-24]"),
    ("Two managers explain why they chose to work with the team: 'The team is a leading group with the skills "
     "to support new processes.' (Jane Roe, Acme plc, letter, 17 Dec 2012)", "The team is", "Jane Roe, Acme plc",
     None),
    ("The team changed how it used social media and, quoting the adviser to the IT office of the Hill Parliament "
     "(see section 5), 'the decision not to take part in any other social media activities'.", "the decision not",
     "the adviser to the IT office of the Hill Parliament", None),
    ("The Youth Council (Hill Chapter) observes, quoting the direct words of one of its volunteers: 'the training "
     "was essential to equip the young people to tell their story'.", "the training was",
     "The Youth Council (Hill Chapter)", None),
    ("The book was published in 2009. A review in the weekly magazine Hill (2 million readers) made the link "
     "between the research and the debate. The book is described as 'required reading for anybody curious about "
     "the roots of the current debate' in the states.", "required reading", "A review in the weekly magazine Hill",
     None),
    # the same agentless description after a sentence whose subject is a person: nobody is named
    ("The book was published in 2009. The author made the link between the research and the debate. The book is "
     "described as 'required reading for anybody curious about the roots of the current debate' in the states.",
     "required reading", None, None),
    # a document named after the quotation still names its speaker
    ("A review in the weekly magazine Hill made the link. It was abridged in 2008, and praised as 'one of the most "
     "balanced views of the problems at hand' in the inaugural lecture of the Professor of Law at Hill.",
     "one of the most", "the Professor of Law at Hill", None),
    # digits that end a user name after a capital are part of it
    ("Comments left on the site include: 'I love working on these pages, what a way to involve everyone in "
     "the work' (MaryJ84).", "I love working", "MaryJ84", None),
    ("The value for surgeons was recognised in 2012 by Professor Jane Roe, President of the Hill Society of "
     "Surgeons, when she stated that 'the new measures have been a major step in the history of surgery'.",
     "the new measures", "Professor Jane Roe, President of the Hill Society of Surgeons", None),
    ("Others agreed; e.g., a 2010 editorial in the journal stated that 'a recent study shows that the care of "
     "these babies has improved'.", "a recent study", "a 2010 editorial in the journal", None),
    # "and the X" inside the name of one body, after "of": not a list or a new clause
    ("This is borne out by a letter from the Director of the Hill Festival and the Crafts, who said 'there were "
     "no plans to hold any science events at the festival before the talks' [5.1].", "there were no",
     "the Director of the Hill Festival and the Crafts", "[5.1]"),
    # a verb joined by "and" to an earlier attribution verb shares its subject, not the that-clause's
    ("In its 2012 report Acme, which employs more than 200 people, states that over 600 surveys have been run "
     "and observes: 'in recent years our clients have seen a growing need for better data' [5.3].",
     "in recent years", "Acme", "[5.3]"),
    # an adverb between the auxiliary and a passive verb; an acronym in brackets inside the agent's role
    ("The value of the method is now acknowledged by Professor Jane Roe, Department for Energy and Climate "
     "Change (DECC) Chief Scientific Adviser: 'we see that such measures are highly desirable' [5.6].",
     "we see that", "Professor Jane Roe, Department for Energy and Climate Change (DECC) Chief Scientific Adviser",
     "[5.6]"),
    # a prize's givers named before a participle that leads into the quotation
    ("The novel received the Hill Prize (2010) from the Wren Foundation for Poetry and the Hill School of Fiction "
     "awarded to the 'book of fiction on any subject that best combines scholarly care with grace of expression.' "
     "It was also shortlisted.", "book of fiction",
     "the Wren Foundation for Poetry and the Hill School of Fiction", None),
    # a person's role in brackets after the name is part of the speaker; a year or a body's aside is not
    ("Dr Jane Roe (Associate Professor, Hill University) wrote: 'the archive has become the first stop for every "
     "student of the period'.", "the archive has", "Dr Jane Roe (Associate Professor, Hill University)", None),
    ("Dr Jane Roe (2012) wrote: 'the archive has become the first stop for every student of the period'.",
     "the archive has", "Dr Jane Roe", None),
    ("The Hill Trust (Chair, Jane Roe) wrote: 'the archive has become the first stop for every student of the "
     "period'.", "the archive has", "The Hill Trust", None),
    # an agentless passive that names the document it is written in; a meeting is not one
    ("The scheme is run by the council. It is clearly stated in the licence conditions that 'the holder must keep "
     "every animal's pain to a minimum at all times'.", "the holder must", "the licence conditions", None),
    ("It was noted in the meeting that 'the holder must keep every animal's pain to a minimum at all times'.",
     "the holder must", None, None),
    # what the round's rules must not take: the subject of an object relative ("which X describe as"), a firm's
    # short name (not the first words of its full one), "they" after "In an e-mail ...", a pointer in brackets
    # (not a speaker; a label with "below" is the quotation's marker)
    ("The work was sped up by contracts held by Roe and her team at Hill, which ACME describe as \"drawing "
     "directly on knowledge and experience from their own research\" [B].", "drawing directly", "ACME", "[B]"),
    ("(b) a method to model movement during a heat simulation, for which Acme state: \"modelling of motion was "
     "added to the solver with changes to allow the motion to be defined.\"", "modelling of motion", "Acme", None),
    ("We worked with our partner Anna Heat Transfer Systems [5.3] on new tools. Anna state: \"This showed the time "
     "savings that come with this way of working on every project.\"", "This showed the", "Anna", None),
    ("Roe et al applied our work within the project. In an e-mail dated 29/6/2012, they write \"we have studied "
     "your research in order to fully understand the noise problem\".", "we have studied", "Roe", None),
    ("The Hill evidence `made direct and real differences to the Measure which was adopted by the Assembly; without "
     "it, the Measure would have been weaker'. (C2 below) In November 2010 the Minister agreed.", "made direct",
     None, "(C2 below)"),
    # a medium and a date in brackets after the quotation say where and when, not who: the lead names the speaker
    ("Classes run weekly in the village hall. A learner says: `The booklets helped me teach my grandchildren our "
     "songs.' (Facebook 3/5/14).", "The booklets", "A learner", None),
    # "in X's own words" names the owner of the words; a plural's apostrophe keeps its s
    ("It was praised, in the members' own words, as 'the best day of training any of us has had in years'.",
     "the best day", "the members", None),
    # a document that "included the words"
    ("The original invitation to Dr Roe (copy on file at the University) included the words `We particularly "
     "value your expertise in the field of regional integration' (15/09/2009).", "We particularly",
     "The original invitation to Dr Roe", None),
    # "she" after a sentence in which a person commented: that person, not the previous quotation's speaker
    ("One analyst at the Hill Office notes that the work `helped inform the reports he has written on the "
     "region' [5.1]. In a related workshop, a senior analyst at the Foreign Office commented on what the talks "
     "showed. She refers to the research the team produced on television news in the region as `proving vitally "
     "important in helping others understand what ordinary people think' [5.2].", "proving vitally",
     "a senior analyst at the Foreign Office", "[5.2]"),
    # a participle after the quotation goes on with its speaker, and the marker after the second covers both
    ("The Director of the Hill Trust describes the report as `the clearest account of the risks we have ever "
     "had', confirming that it gives the board `a far more nuanced view of what each choice will cost' [C2].",
     "a far more nuanced", "The Director of the Hill Trust", "[C2]"),
    ("The Director of the Hill Trust describes the report as `the clearest account of the risks we have ever "
     "had', confirming that it gives the board `a far more nuanced view of what each choice will cost' [C2].",
     "the clearest account", "The Director of the Hill Trust", "[C2]"),
    # "the charity" is the body named with its article in the sentence before
    ("Her evidence was key to the Commission and to the Hill League more generally. The charity said that, "
     "`her contribution to the Commission was central and essential throughout its work'.", "her contribution",
     "the Hill League", None),
    # "it" after an opening "In <document>" is the document speaking, through a verb joined by "and"
    ("In the Government's response [i] it accepted the concerns about data and stated that 'it had already taken "
     "a number of steps in this area to improve the data'.", "it had already", "the Government's response", "[i]"),
]


@pytest.mark.parametrize("row", ROWS, ids=[r[1] for r in ROWS])
def test_speaker_and_marker(row, nlp):
    passage, quote, speaker, marker = row
    [t] = [t for t in N.extract_testimonials(passage, nlp=nlp) if t.quote.startswith(quote)]
    assert (t.speaker, t.source_ref) == (speaker, marker)


def test_a_numbered_paragraph_label_after_a_quotation_is_not_its_marker(nlp):
    """``(2) Language classes.`` opening the next paragraph is a list label when ``(1)`` or ``(3)`` also opens a
    line; alone, the same bracket after a dated citation stays a marker."""
    listed = ("(1) Elders. The elders are central to the life of the tribe. An elder says: `You gave me the wish "
              "to learn my language and to teach my children.' (letter 6/7/13).\n\n(2) Language classes. Classes "
              "run weekly in the hall.\n\n(3) Museums. The museum lends the booklets.")
    [t] = N.extract_testimonials(listed, nlp=nlp)
    assert (t.speaker, t.source_ref) == ("An elder", None)
    alone = ("An elder says: `You gave me the wish to learn my language and to teach my children.' (Hill Voices "
             "report, June 2013). (2) The classes grew.")
    [t] = N.extract_testimonials(alone, nlp=nlp)
    assert t.source_ref == "(2)"


def test_qualified_statement_markers():
    assert is_marker("(Factual Statement 12)") and is_marker("(Supporting Letter 2)")
    assert is_marker("(Statement 4)") and is_marker("[1; p. 23]")
    # a qualifier alone before a number is not a source word
    assert not is_marker("(Local Authority 3)") and not is_marker("(Table 3)") and not is_marker("(Phase 2)")


def test_a_date_written_with_dots_is_not_a_marker():
    """Day, month and two-digit year with dots is how case studies date a broadcast or a meeting; three-level
    source numbers keep being markers."""
    assert not is_marker("(12.6.13)") and not is_marker("(23.05.11)") and not is_marker("[1.10.12]")
    assert is_marker("(5.3.1)") and is_marker("(3.2.4)") and is_marker("(5.13.10)") and is_marker("(5.3.1, 5.3.2)")


def test_a_dated_quotation_has_no_marker(nlp):
    passage = ("The chair of the Hill Trust told a meeting of the council (12.6.13) that 'the new maps have changed "
               "how the whole town plans for floods'.")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.source_ref is None and t.speaker.startswith("The chair of the Hill Trust")


def test_a_short_name_ending_in_ly_is_still_the_speaker(nlp):
    passage = "Kelly, the head of the club, said that 'the sessions gave the older players a reason to come back'."
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.speaker.startswith("Kelly")


def test_output_numbers_cited_inside_an_unnumbered_list_are_not_its_labels():
    from evalnlp.ingest._narrative_sources import parse_sources, resolve

    text = ("Hill Commission, Report 2012, citing with approval: [8] at 56, 93; [2] at 194, 198; [3] at 246.\n"
            " Roe J. Public evidence before the Commission, 25/5/2011.\n"
            " Briefing Paper, Key Research Themes, citing: [1] at 7, 9; [6] at 44; [4] at 54.\n"
            " Letter from the Chair of the Hill Trust to the authors, 2012.\n")
    entries = parse_sources(text)
    assert len(entries) == 4 and all(e.label == "" for e in entries)
    [e] = resolve("[4]", entries)
    assert e.text.startswith("Letter from the Chair")


def test_a_parenthesis_past_a_blank_line_names_each_quotation_of_a_double_spaced_list(nlp):
    # an export with a blank line after every line: each quotation's writer is a paragraph of its own
    text = ("As noted by users of the method in Hill, the work:\n\n `...has had a lasting effect on drama teaching in"
            "\n\n the region and its ideas have spread to our neighbours.'\n\n (Jane Roe, Publisher, Hill)\n\n"
            " `...has changed the way our teachers plan lessons in every\n\n school we work with.'\n\n"
            " (Dr Ann Lee, Head of Learning, Hill Theatre,\n\n Wren)\n\n In 2000, the team was asked to help.\n")
    got = [(t.quote[:12], " ".join((t.speaker or "").split())) for t in N.extract_testimonials(text, nlp=nlp)]
    assert got == [("...has had a", "Jane Roe, Publisher, Hill"),
                   ("...has chang", "Dr Ann Lee, Head of Learning, Hill Theatre, Wren")]
    # the same bracket without the paragraph break before it, holding a date: not a writer
    text = "The trust wrote: 'the guide has changed how our wards plan every discharge' (2012) In 2013 it grew."
    [t] = N.extract_testimonials(text, nlp=nlp)
    assert t.speaker == "The trust"


def test_a_first_name_alone_is_the_earlier_full_mention(nlp):
    text = ("According to Graeme Purdy (CEO, Hill Labs), \"Brian's role is extremely valuable to us, both in "
            "business and in science.\" The firm moved to the Science Park in 2007. Graeme adds, \"the department "
            "was critical in nurturing our growth through access to space\".")
    assert [t.speaker for t in N.extract_testimonials(text, nlp=nlp)] == ["Graeme Purdy", "Graeme Purdy"]
    text = "The firm met Anna Lee in 2010. Anna said, \"the team changed how our company plans every launch\"."
    assert [t.speaker for t in N.extract_testimonials(text, nlp=nlp)] == ["Anna Lee"]
    # a first name never written in full stays as it is
    text = "Anna said, \"the team changed how our company plans every launch\"."
    assert [t.speaker for t in N.extract_testimonials(text, nlp=nlp)] == ["Anna"]


def test_a_marker_after_the_document_of_an_agentless_passive_is_not_part_of_the_speaker(nlp):
    text = ("Our work for the Inquiry was recognised in the final report by Dame Jane Roe [C, paragraph 14.27]: "
            "\"I am most grateful to Dr Lee and his colleagues for the work that they have done for us.\"")
    [t] = N.extract_testimonials(text, nlp=nlp)
    assert t.speaker == "the final report by Dame Jane Roe"


def test_a_line_naming_a_person_above_a_quotation_standing_alone_is_its_speaker(nlp):
    """An evidence log's table (a Word table's cells are read as paragraphs): the cell naming who said it, then
    the quotation alone. A heading above a quotation is not a speaker, and a wrapped line of prose is not either."""
    log = ("Evidence log\n\nThe programme was taken up across the region, as the partners below said.\n\nWho\n\n"
           "What they said\n\nDr Jane Roe, Director of Care, Hill Trust\n\n\u201cThe programme changed how every ward "
           "in our trust plans its discharges.\u201d\n\nSam Hale, Chief Nurse, Vale Hospital\n\n\u201cOur nurses now "
           "lead the weekly huddles, which they never did before the course.\u201d\n")
    found = N.extract_testimonials(log, nlp=nlp)
    assert [t.speaker for t in found] == ["Dr Jane Roe, Director of Care, Hill Trust",
                                          "Sam Hale, Chief Nurse, Vale Hospital"]
    heading = ("The course ran in six trusts.\n\nImpact on practice\n\n\u201cThe programme changed how every ward in "
               "our trust plans its discharges.\u201d\n")
    assert [t.speaker for t in N.extract_testimonials(heading, nlp=nlp)] != ["Impact on practice"]
    wrapped = ("The workshop has been praised by Raj Mittra, Director, Electromagnetic\nCommunication Lab, Hill State "
               "University and as having\n\"significant and enduring value to the antenna research and design "
               "community\" in the UK.\n")
    [t] = N.extract_testimonials(wrapped, nlp=nlp)
    assert t.speaker != "Communication Lab, Hill State University and as having"
