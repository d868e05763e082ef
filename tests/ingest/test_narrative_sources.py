"""Corroborating sources: the list's entries in every label style, the section in a document, and markers
resolved to entries. All texts are invented."""

from __future__ import annotations

import pytest

from evalnlp.ingest._narrative_sources import find_sources_section, parse_sources, ref_keys, resolve


def refs(text: str) -> list[str]:
    return [e.ref for e in parse_sources(text)]


def check_offsets(text: str) -> None:
    for e in parse_sources(text):
        assert text[e.start:e.end] == e.text


# --- entry styles -----------------------------------------------------------------------------------------

STYLES = {
    "bracketed dotted": ("[5.1] Letter from the Director of Parks, Eastham Council.\n"
                         "[5.2] Annual report of the Eastham Trust, 2012.\n"
                         "[5.3] Email from a head teacher, Westmoor School.\n", ["5.1", "5.2", "5.3"]),
    "bare dotted": ("5.1 Letter from the Director of Parks, Eastham Council.\n"
                    "5.2 Annual report of the Eastham Trust, 2012.\n", ["5.1", "5.2"]),
    "dotted with stop": ("5.1. Letter from the Director of Parks.\n5.2. Annual report, 2012.\n", ["5.1", "5.2"]),
    "dotted with colon": ("5:1: Letter from the Director of Parks.\n5:2: Annual report, 2012.\n", ["5:1", "5:2"]),
    "bracketed letters": ("[A] Letter from the Chief Executive, Riverside Trust.\n"
                          "[B] Minutes of the board, 4 May 2011.\n[C] Press release, 2013.\n", ["A", "B", "C"]),
    "letter with stop": ("A. Letter from the Chief Executive, Riverside Trust.\n"
                         "B. Minutes of the board, 4 May 2011.\n", ["A", "B"]),
    "letter with paren": ("a) Letter from the Chief Executive.\nb) Minutes of the board.\nc) A web page.\n",
                          ["a", "b", "c"]),
    "parenthesised letters": ("(a) Letter from the Chief Executive.\n(b) Minutes of the board.\n", ["a", "b"]),
    "parenthesised numbers": ("(1) Letter from the Chief Executive.\n(2) Minutes of the board.\n", ["1", "2"]),
    "bracketed numbers": ("[1] Letter from the Chief Executive.\n[2] Minutes of the board.\n", ["1", "2"]),
    "number with stop": ("1. Letter from the Chief Executive.\n2. Minutes of the board.\n3. A web page.\n",
                         ["1", "2", "3"]),
    "number with paren": ("1) Letter from the Chief Executive.\n2) Minutes of the board.\n", ["1", "2"]),
    "bare numbers": ("1 Letter from the Chief Executive.\n2 Minutes of the board.\n3 A web page.\n",
                     ["1", "2", "3"]),
    "prefixed": ("S1. Letter from the Chief Executive.\nS2 Minutes of the board.\nS3 A web page.\n",
                 ["S1", "S2", "S3"]),
    "bracketed prefixed": ("[C1] Letter from the Chief Executive.\n[C2] Minutes of the board.\n", ["C1", "C2"]),
    "source word": ("Source 1: Letter from the Chief Executive.\nSource 2: Minutes of the board.\n",
                    ["Source 1", "Source 2"]),
    "roman": ("i. Letter from the Chief Executive.\nii. Minutes of the board.\niii. A web page.\n"
              "iv. A blog post.\n", ["i", "ii", "iii", "iv"]),
}


@pytest.mark.parametrize("name", sorted(STYLES))
def test_every_label_style_gives_its_entries(name):
    text, want = STYLES[name]
    assert refs(text) == want
    check_offsets(text)
    first = parse_sources(text)[0]
    assert first.text.startswith("Letter from the ")  # every style's first entry, its label left out


def test_entry_text_runs_over_wrapped_lines_and_keeps_them():
    text = ("[A] Letter from the Chief Executive, Riverside Trust, confirming the\n"
            "    use of the toolkit on every ward.\n"
            "[B] Minutes of the board, 4 May 2011.\n")
    a, b = parse_sources(text)
    assert a.text == ("Letter from the Chief Executive, Riverside Trust, confirming the\n"
                      "    use of the toolkit on every ward.")
    assert a.label == "[A]" and b.label == "[B]"
    check_offsets(text)


def test_initials_and_numbers_at_a_wrapped_line_start_are_no_labels():
    text = ("1. Smith, J. and Jones, K. (2012) A report on parks, Eastham\n"
            "2 December 2012, pp. 4-9.\n"
            "2. Letter from the Director of Parks, written to\n"
            "D. and the team at Eastham Council.\n"
            "3. Minutes of the board.\n")
    assert refs(text) == ["1", "2", "3"]


def test_a_word_is_not_a_label():
    text = "A letter from the Director.\nA report of the board.\n"
    assert all(e.label == "" for e in parse_sources(text))  # a list without labels, not "A" and "A"


def test_two_series_and_a_heading_between_them():
    text = ("[1] Annual report of the Eastham Trust, 2012.\n"
            "[2] Review of parks, Eastham Council, 2013.\n"
            "Source contact details\n"
            "[A] Director of Parks, Eastham Council.\n"
            "[B] Chief Executive, Riverside Trust.\n")
    entries = parse_sources(text)
    assert [e.ref for e in entries] == ["1", "2", "A", "B"]
    assert entries[1].text == "Review of parks, Eastham Council, 2013."


def test_a_label_alone_on_its_line_and_a_source_named_inside_an_entry():
    text = ("[A] Co-Founder and Chief Scientific Officer of Displays Ltd,\n\n"
            " corroborating source 1\n\n"
            " [B] Email trail from a researcher at Kodak, corroborating\n\n"
            " source 2\n\n"
            " [C]\n\n"
            " http://example.org/exhibition\n")
    entries = parse_sources(text)
    assert [e.ref for e in entries] == ["A", "B", "C"]
    assert entries[2].text == "http://example.org/exhibition"
    assert find_sources_section(text) is None  # "corroborating source 1" ends an entry, it is no heading


def test_a_tag_ending_a_line_is_no_label():
    text = "Letter from the Director of Parks, Eastham. CO1\nLetter from the Chair of the Trust. CO2\n"
    assert all(e.label == "" for e in parse_sources(text))


def test_labels_out_of_order_in_a_strong_style():
    text = "CS1. A survey.\nCS2. A statement.\nCS4. Feedback.\nCS3. Podcasts.\n"
    assert refs(text) == ["CS1", "CS2", "CS4", "CS3"]


def test_letters_inside_entries_do_not_make_a_series():
    text = ("A. Patents granted: (a) AU100 (Australia);\n"
            "(c) CA200 (Canada); (d) EP300 (Europe).\n"
            "B. Letter from the Director.\n"
            "C. Minutes of the board.\n")
    assert refs(text) == ["A", "B", "C"]


def test_nested_lists_keep_both_levels():
    text = ("5.1 Statements\n1. Director of Parks.\n2. Chief Executive.\n"
            "5.2 Web pages\n1. http://example.org/a\n2. http://example.org/b\n")
    assert refs(text) == ["5.1", "1", "2", "5.2", "1", "2"]


def test_labels_on_one_line():
    text = "[1] Letter from the Director. [2] Minutes of the board. [3] A web page."
    assert refs(text) == ["1", "2", "3"]
    check_offsets(text)


def test_a_list_without_labels_is_numbered_by_place():
    text = ("The following sources can be made available on request:\n"
            "Letter from the Director of Parks, Eastham Council.\n"
            "Annual report of the Eastham Trust, 2012.\n"
            "Email from a head teacher, Westmoor School.\n")
    entries = parse_sources(text)
    assert [(e.ref, e.label) for e in entries] == [("1", ""), ("2", ""), ("3", "")]
    assert entries[2].text == "Email from a head teacher, Westmoor School."
    check_offsets(text)


# --- the section in a document ------------------------------------------------------------------------------

def test_a_list_of_one_numbered_entry_keeps_its_label_apart():
    text = "Sources to corroborate the impact\n\n1. Letter from the chief engineer, Harrow Pumps Ltd.\n"
    a = text.index("1.")
    (entry,) = parse_sources(text, a)
    assert (entry.ref, entry.label, entry.text) == ("1", "1.", "Letter from the chief engineer, Harrow Pumps Ltd.")
    assert text[entry.start:entry.end] == entry.text
    # an entry that only starts with a number is not given a label
    (other,) = parse_sources("2012 annual report of the Harrow Trust, page 4\n")
    assert (other.ref, other.label) == ("1", "")


def test_section_found_by_its_heading():
    text = ("4. Details of the impact\nThe Director said \"it worked for us all\" [A].\n\n"
            "5. Sources to corroborate the impact (indicative maximum of 10 references)\n"
            "[A] Letter from the Director.\n")
    head, body, end = find_sources_section(text)
    assert text[head:].startswith("5. Sources to corroborate")
    assert text[body:end] == "[A] Letter from the Director.\n"


@pytest.mark.parametrize("heading", ["Sources to corroborate the impact", "## 5. Sources to corroborate the impact",
                                     "Corroborating sources", "**Sources of corroboration**"])
def test_heading_forms(heading):
    assert find_sources_section(f"Text.\n{heading}\n[A] Letter.\n") is not None


def test_a_sentence_is_not_a_heading():
    text = "Sources to corroborate the impact are listed in section 5.\nMore text.\n"
    assert find_sources_section(text) is None


def test_markdown_section_ends_at_the_next_heading():
    text = "## Sources to corroborate the impact\n[A] Letter.\n## Appendix\n[B] Not a source.\n"
    head, body, end = find_sources_section(text)
    assert refs(text[body:end]) == ["A"]


# --- markers to entries -------------------------------------------------------------------------------------

LIST_DOTTED = "5.1 Report.\n5.2 Letter from the Director.\n5.3 Minutes.\n"
LIST_NUMBERS = "1. Report.\n2. Letter from the Director.\n3. Minutes.\n"
LIST_LETTERS = "[A] Report.\n[B] Letter from the Director.\n[C] Minutes.\n"
LIST_PREFIXED = "S1. Report.\nS2. Letter from the Director.\nS3. Minutes.\n"
LIST_ROMAN = "(i) Report.\n(ii) Letter from the Director.\n(iii) Minutes.\n"
UNLABELLED = ("Letter from the Director of Parks.\nAnnual report of the Trust, 2012.\n"
              "Email from a head teacher, Westmoor School.\n")
LIST_WORD = "Source 1: Report.\nSource 2: Letter from the Director.\nSource 3: Minutes.\n"


@pytest.mark.parametrize("ref, listing, want", [
    ("[5.2]", LIST_DOTTED, ["5.2"]),
    ("(5.2)", LIST_DOTTED, ["5.2"]),
    ("5.2", LIST_DOTTED, ["5.2"]),  # footnote digits glued to a word
    ("[2]", LIST_DOTTED, ["5.2"]),  # the list is numbered 5.1, 5.2: source 2 of section 5
    ("[5.2]", LIST_NUMBERS, ["2"]),  # the narrative counts section 5's sources, the list does not
    ("7", "1. a\n2. b\n3. c\n4. d\n5. e\n6. f\n7. Letter.\n", ["7"]),
    ("(B)", LIST_LETTERS, ["B"]),
    ("[b]", LIST_LETTERS, ["B"]),
    ("[S2]", LIST_PREFIXED, ["S2"]),
    ("[S2]", LIST_NUMBERS, ["2"]),
    ("(2)", LIST_PREFIXED, ["S2"]),
    ("(ii)", LIST_ROMAN, ["ii"]),
    ("(i)", LIST_ROMAN, ["i"]),
    ("(see Source 2)", LIST_WORD, ["Source 2"]),
    ("(see Source 2)", LIST_NUMBERS, ["2"]),
    ("[corroborating source 2]", LIST_NUMBERS, ["2"]),
    ("(see 5.2, below)", LIST_DOTTED, ["5.2"]),
    ("(April 2013, see 5.2)", LIST_DOTTED, ["5.2"]),
    ("(B p.31)", LIST_LETTERS, ["B"]),
    ("(A\n      p.114)", LIST_LETTERS, ["A"]),
    ("[A, C]", LIST_LETTERS, ["A", "C"]),
    ("(5.3, 5.1)", LIST_DOTTED, ["5.3", "5.1"]),
    ("(5.1-5.3)", LIST_DOTTED, ["5.1", "5.2", "5.3"]),
    ("[A-C]", LIST_LETTERS, ["A", "B", "C"]),
    ("[S1-3]", LIST_PREFIXED, ["S1", "S2", "S3"]),
    ("[2a]", LIST_NUMBERS, ["2"]),
    ("(5.1.2)", "5.1 Statements\n1. Director.\n2. Chair.\n5.2 Web pages\n1. A page.\n2. B page.\n", ["2"]),
    ("(Source (ii), VI, p.7)", LIST_ROMAN, ["ii"]),
    ("(Sources (i) and (iii))", LIST_ROMAN, ["i", "iii"]),
    ("(source 2, page 5)", LIST_NUMBERS, ["2"]),
    ("[3]", UNLABELLED, ["3"]),  # a list that lost its numbers
    ("(C)", UNLABELLED, ["3"]),
    # a word abbreviated before the key is no prefix of it ("rrob 5" is not key 5 of a series "RROB")
    ("[corrob 5.2]", LIST_DOTTED, ["5.2"]),
    ("[corrob 5.2]", "5.1 - Report.\n5.2 - Letter from the Director.\n5.3 - Minutes.\n", ["5.2"]),
    ("[evid 3]", LIST_NUMBERS, ["3"]),
    # a prefix ending in P is not a page ("IMP2" is not "IM" and page 2)
    ("(IMP2)", "(IMP1) Report.\n(IMP2) Letter from the Director.\n(IMP3) Minutes.\n", ["IMP2"]),
    ("[SP3]", "[SP1] Report.\n[SP2] Letter from the Director.\n[SP3] Minutes.\n", ["SP3"]),
    ("(IMP2, p. 4)", "(IMP1) Report.\n(IMP2) Letter from the Director.\n(IMP3) Minutes.\n", ["IMP2"]),
])
def test_marker_resolves_to_its_entries(ref, listing, want):
    entries = parse_sources(listing)
    assert [e.ref for e in resolve(ref, entries)] == want


@pytest.mark.parametrize("ref, listing", [
    ("[D]", LIST_LETTERS),  # no such entry
    ("[9]", LIST_NUMBERS),
    ("(iv)", LIST_ROMAN),
    ("(4.2)", LIST_NUMBERS),  # section 4 of the case study, not a source
    (None, LIST_NUMBERS),
    ("[A]", ""),
])
def test_marker_without_an_entry_resolves_to_nothing(ref, listing):
    assert resolve(ref, parse_sources(listing)) == []


def test_ref_keys_drop_pages_years_and_words():
    assert [k.value for k in ref_keys("(see Source 4, p. 12, March 2013)")] == [4]
    assert [(k.kind, k.prefix, k.value) for k in ref_keys("[5.1.2]")] == [("d", "5.1", 2)]
    assert [(k.kind, k.prefix, k.value) for k in ref_keys("(IMP4)")] == [("a", "IMP", 4)]
    assert [(k.kind, k.prefix, k.value) for k in ref_keys("[corrob 5.4]")] == [("d", "5", 4)]
    assert [(k.kind, k.prefix, k.value) for k in ref_keys("[p.86, E3]")] == [("a", "E", 3)]


# --- in a document ------------------------------------------------------------------------------------------

CASE = ("4. Details of the impact\n"
        "The Director of Parks said \"the new plan changed how every park is run each season\" [5.2].\n"
        "A head teacher wrote that 'pupils now visit the parks every single week' (see Source 3).\n\n"
        "5. Sources to corroborate the impact\n"
        "5.1 Annual report of the Eastham Trust, 2012, \"A Plan For Every Park In Eastham\".\n"
        "5.2 Letter from the Director of Parks, Eastham Council.\n"
        "5.3 Email from a head teacher, Westmoor School, reaching 300 pupils.\n")


def test_document_with_its_sources_section():
    from evalnlp.ingest.narrative import extract_document

    found = extract_document(CASE)
    assert [e.ref for e in found.sources] == ["5.1", "5.2", "5.3"]
    assert CASE[found.sources_start:].startswith("5. Sources to corroborate")
    a, b = found.testimonials  # the quoted title in the sources list is not read as a testimonial
    assert [e.ref for e in a.source_entries] == ["5.2"]
    assert a.source_entries[0].text == "Letter from the Director of Parks, Eastham Council."
    assert [e.ref for e in b.source_entries] == ["5.3"]
    assert found.reach == []  # "300 pupils" is in the sources list, not the narrative
    for e in found.sources:
        assert CASE[e.start:e.end] == e.text
    assert not found.sources_separate


def test_document_with_a_separate_sources_text():
    from evalnlp.ingest.narrative import extract_document

    narrative = CASE.split("\n\n")[0]
    separate = "[5.1] Annual report.\n[5.2] Letter from the Director of Parks.\n[5.3] Email from a head teacher.\n"
    found = extract_document(narrative, separate)
    assert found.sources_separate and found.sources_start is None
    assert [t.source_entries[0].text for t in found.testimonials] == [
        "Letter from the Director of Parks.", "Email from a head teacher."]


def test_document_without_sources_has_empty_entries():
    from evalnlp.ingest.narrative import extract_document

    found = extract_document(CASE.split("\n\n")[0])
    assert found.sources == [] and all(t.source_entries == () for t in found.testimonials)
    assert [t.source_ref for t in found.testimonials] == ["[5.2]", "(see Source 3)"]


@pytest.mark.parametrize("heading", ["Annex A. Evidence log", "Appendix 2: Sources of evidence", "Evidence sources",
                                     "## Annex B - Evidence log"])
def test_an_evaluation_reports_evidence_log_is_its_sources_list(heading):
    """An evaluation report lists its sources in an annex ("Annex A. Evidence log"): read as the sources list,
    not as passages to code and quote; a sentence that speaks of an evidence log is not a heading."""
    text = f"The fellows changed their practice [A].\n\n{heading}\n[A] Letter from the Medical Director, 2024.\n"
    found = find_sources_section(text)
    assert found is not None and text[found[0]:found[1]].strip() == heading
    assert text[found[1]:found[2]].startswith("[A] Letter from the Medical Director")
    assert find_sources_section("We kept an evidence log of every session.\n\nThe fellows changed.") is None


@pytest.mark.parametrize("title", ["Evidence log", "Sources of evidence", "# Evidence log"])
def test_an_evidence_log_that_is_the_whole_document_is_read_for_its_testimonials(title):
    """A document whose first line is "Evidence log" is a log of the evidence itself, not a list after a report:
    its quotations are testimonials (read as a sources list, every passage was stored but none coded or
    quoted). An annex heading opening the text is still a list's heading."""
    from evalnlp.ingest.narrative import extract_document

    text = (f"{title}\n\nDr Jane Roe, Director of Care, Hill Trust, said: \u201cThe programme changed how every "
            "ward in our trust plans its discharges.\u201d\n\nSam Hale, Chief Nurse, wrote: \u201cOur nurses now "
            "lead the weekly huddles, which they never did before.\u201d\n")
    assert find_sources_section(text) is None
    found = extract_document(text)
    assert [t.speaker for t in found.testimonials] == ["Dr Jane Roe, Director of Care, Hill Trust", "Sam Hale, Chief Nurse"]
    assert found.sources == []
    annex = "Annex A. Evidence log\n[A] Letter from the Medical Director, 2024.\n[B] Minutes of the board, 2023.\n"
    assert find_sources_section(annex) is not None
