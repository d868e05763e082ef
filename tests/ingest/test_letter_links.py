"""A letter of support filed beside a case study is linked to the entry of its sources list that names it.

Every case study, letter, name and organisation here was made up for these tests.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

from evalnlp import api
from evalnlp.cli import app
from evalnlp.ingest._letter_links import (
    LetterSign,
    choose,
    letter_source_ref,
    parse_date,
    read_sign,
    score_entry,
)
from evalnlp.ingest._letters import find_letters
from evalnlp.store import Store

CASE = """Cleaner air in Northshire classrooms

1. Summary of the impact

Research at the University of Wessex showed how cheap filters cut the dust pupils breathe in class, and the
county now fits them in every primary school.

4. Details of the impact

The Director of Public Health called the study "the clearest evidence we have had on the air our pupils breathe"
[5.2], and the county changed its guidance for schools in 2013.

5. Sources to corroborate the impact

[5.1] Northshire County Council, Annual Report of the Director of Public Health 2014.
[5.2] Letter from the Director of Public Health, Northshire County Council, 12 March 2013.
[5.3] Letter from the Chief Executive, Brightvale Filters Ltd.
[5.4] Letter of support from a parents' group (letter_parents.txt).
"""

NPH = """Northshire County Council
County Hall
Northtown NT1 2AB

12 March 2013

Dear Professor Hartley,

I am writing to confirm that your research changed our policy: the county's guidance for schools now requires a
filter in every classroom, and we adopted it in all 212 primary schools.

Our public health team uses your measurements to decide which schools are fitted first.

Yours sincerely,

Dr Sarah Lindqvist
Director of Public Health
Northshire County Council
"""

FILTERS = """Brightvale Filters Ltd
Unit 4, Canal Park

4 May 2014

Dear Professor Hartley,

Your tests changed how we design our classroom filters, and our sales to schools doubled within a year.

Yours sincerely,

Tom Okafor
Chief Executive
"""

PARENTS = """Dear Professor Hartley,

Parents across the county welcomed the new filters; our children have fewer days off school with asthma.

With best wishes,

Ruth Mabey
Chair
"""

UNNAMED = """Harbour Sailing Club

Dear Professor Hartley,

Your talk to our members changed how we think about the air in our clubhouse.

Yours sincerely,

Peter Quill
Commodore
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def letter_rows(store: Store) -> pd.DataFrame:
    """The testimonials of the letters (passages whose speaker is a signature), each with the source reference it
    took and the entries it is linked to (as evidence reads them), sorted."""
    segs = store.table("segments")
    docs = store.table("documents").set_index("doc_id")["source"]
    told = segs[(segs["kind"] == "testimonial") & segs["seg_id"].isin(store.table("letters")["seg_id"])].copy()
    told["source"] = told["doc_id"].map(docs)
    cited = store.segment_sources(list(told["seg_id"])).groupby("seg_id")["text"].agg(tuple)
    told["entries"] = told["seg_id"].map(cited).apply(lambda x: x if isinstance(x, tuple) else ())
    told["source_ref"] = told["source_ref"].astype(object).where(told["source_ref"].notna(), None)
    return (told[["source", "text", "speaker", "source_ref", "entries"]].sort_values(["source", "text"])
            .reset_index(drop=True))


def ingest(store: Store, *paths: Path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notes are read from the result
        return api.ingest(store, list(paths), **options)


# --- what a letter says of itself -----------------------------------------------------------------------


def test_a_letter_is_read_for_its_signatory_letterhead_and_date():
    (letter,) = find_letters(NPH)
    assert read_sign(NPH, letter) == LetterSign(
        name="Dr Sarah Lindqvist", roles=("Director of Public Health",), organisations=("Northshire County Council",),
        letterhead="Northshire County Council", date="2013-03-12")
    (letter,) = find_letters(FILTERS)
    sign = read_sign(FILTERS, letter)  # the address after the letterhead's name is no part of it
    assert (sign.letterhead, sign.roles, sign.organisations, sign.date) == (
        "Brightvale Filters Ltd", ("Chief Executive",), (), "2014-05-04")
    # an email's header is no letterhead, and its date is the day it was sent; a signature's parts after commas
    text = ("From: Whitaker, David\n\nSent: 11 July 2013 17:42\n\nDear Professor Heady,\n\nThe results shaped our "
            "analysis.\n\nKind regards,\n\nDavid Whitaker, Policy Analyst, HM Treasury\n")
    (letter,) = find_letters(text)
    assert read_sign(text, letter) == LetterSign(name="David Whitaker", roles=("Policy Analyst",),
                                                 organisations=("HM Treasury",), letterhead=None, date="2013-07-11")


@pytest.mark.parametrize("text, date", [
    ("12 March 2013", "2013-03-12"), ("12th of March, 2013", "2013-03-12"), ("March 12, 2013", "2013-03-12"),
    ("2013-03-12", "2013-03-12"), ("12/03/2013", "2013-03-12"), ("03/25/2013", "2013-03-25"),
    ("Sept. 2013", "2013-09"), ("in 2013", "2013"), ("no date", None), ("the 2013-14 report", "2013"),
])
def test_dates_are_read_to_the_precision_written(text, date):
    assert parse_date(text) == date


# --- which entry names it -------------------------------------------------------------------------------

SIGN = LetterSign(name="Dr Sarah Lindqvist", roles=("Director of Public Health",),
                  organisations=("Northshire County Council",), letterhead="Northshire County Council",
                  date="2013-03-12")


def decide(sign: LetterSign, *texts: str, file: str = "letter.txt"):
    return choose(sign, file, (("case.txt", k + 1, t, 0) for k, t in enumerate(texts)))


def test_the_entry_naming_the_role_organisation_and_date_is_taken_over_a_report_of_the_same_body():
    (d,) = decide(SIGN, "Northshire County Council, Annual Report of the Director of Public Health 2014.",
                  "Letter from the Director of Public Health, Northshire County Council, 12 March 2013.",
                  "Letter from the Leader, Northshire County Council.")
    assert (d.status, d.entry[1]) == ("linked", 2)
    assert set(d.clues) == {"role", "organisation", "date", "letter"}


def test_an_entry_without_the_word_letter_links_by_role_and_organisation():
    sign = LetterSign(name="Tom Okafor", roles=("Chief Executive",), letterhead="Brightvale Filters Ltd")
    (d,) = decide(sign, "Website of Brightvale Filters Ltd", "Chief Executive, Brightvale Filters Ltd",
                  "Head Teacher, Hillcrest Primary School")
    assert (d.status, d.entry[1]) == ("linked", 2)


def test_two_entries_equally_good_link_neither():
    """The letter gives no date, and the list holds two letters of the same writer told apart by their dates
    only: no guess."""
    undated = LetterSign(name="Anne Ward", roles=("Headteacher",), organisations=("Hillcrest Primary School",))
    (d,) = decide(undated, "Letter from the Headteacher, Hillcrest Primary School, May 2014.",
                  "Letter from the Headteacher, Hillcrest Primary School, June 2015.")
    assert d.status == "ambiguous" and d.entry is None and d.candidates == [("case.txt", 1), ("case.txt", 2)]
    dated = LetterSign(name="Anne Ward", roles=("Headteacher",), organisations=("Hillcrest Primary School",),
                       date="2015-06-03")
    (d,) = decide(dated, "Letter from the Headteacher, Hillcrest Primary School, May 2014.",
                  "Letter from the Headteacher, Hillcrest Primary School, June 2015.")
    assert (d.status, d.entry[1]) == ("linked", 2)


def test_a_note_repeating_its_lists_entry_does_not_tie_with_it_but_two_entries_of_the_list_still_do():
    """A case study's footnote that cites the letter in the very words of its sources list's entry names the same
    source, so the letter is linked to the list's entry rather than to neither; two entries of the list with the
    same words are still two letters, and neither is guessed."""
    entry = "Letter from the Director of Public Health, Northshire County Council, 12 March 2013."
    entries = [("case.docx", 1, "Annual report, 2014.", 0), ("case.docx", 2, entry, 0),
               ("case.docx", 3, entry.upper().rstrip("."), 0)]
    (d,) = choose(SIGN, "letter.txt", entries, notes={("case.docx", 3)})
    assert (d.status, d.entry[:2]) == ("linked", ("case.docx", 2))
    (d,) = choose(SIGN, "letter.txt", entries)
    assert d.status == "ambiguous" and d.candidates == [("case.docx", 2), ("case.docx", 3)]
    # a note of another document is another source
    (d,) = choose(SIGN, "letter.txt", entries[:2] + [("other.docx", 3, entry, 0)], notes={("other.docx", 3)})
    assert d.status == "ambiguous"


@pytest.mark.parametrize("entry", [
    "Northshire County Council, Annual Report of the Director of Public Health 2014.",  # a report, not a letter
    "Letter from the Director of Education, Westshire County Council.",  # another body and post
    "Lindqvist, S. (2013) Dust in classrooms. Journal of School Health 12: 4-9.",  # the signatory's article
    "Letter from the Director of Public Health, Northshire County Council, 4 May 2015.",  # another letter
])
def test_weak_or_contrary_entries_are_refused(entry):
    assert decide(SIGN, entry) == []


def test_an_entry_naming_the_file_links_whatever_the_signature_says():
    sign = LetterSign(name="Ruth Mabey", roles=("Chair",))
    (d,) = decide(sign, "Letter of support from a parents' group (letter_parents.txt).", "Letter from the Chair.",
                  file="letter_parents.txt")
    assert (d.status, d.entry[1], d.clues[0]) == ("linked", 1, "file")
    # the stem with another document's extension: the letter filed as PDF, listed as the Word file it was
    (d,) = decide(sign, "Letter of support (Letter_Parents.docx)", file="letter_parents.pdf")
    assert d.status == "linked"
    assert decide(sign, "Letter of support (letter_parents_2.txt)", file="letter_parents.txt") == []


def test_the_surname_with_a_word_of_a_letter_is_enough_and_alone_is_not():
    points, clues = score_entry(SIGN, None, "Letter from Dr S. Lindqvist")
    assert clues == ("surname", "letter") and points == 5
    assert decide(LetterSign(name="Sarah Lindqvist"), "Lindqvist family papers") == []


def test_a_body_named_after_the_post_on_one_line_counts_as_the_organisation():
    sign = LetterSign(name="Kim Aldous", roles=("CEO of Pellowe Robotics Ltd",))
    (d,) = decide(sign, "Letter from the CEO, Pellowe Robotics Ltd.", "Letter from the CEO, Trentbank Foods.")
    assert (d.status, d.entry[1]) == ("linked", 1) and "organisation" in d.clues
    # a field after the post is no body: "Director of Research" does not make every entry naming research one
    field_only = LetterSign(name="Kim Aldous", roles=("Director of Research",), organisations=("Beta Ltd",))
    assert decide(field_only, "Letter from the Director of Research, Gamma Ltd, on the research programme.") == []


def test_ordinary_words_and_places_are_no_body_of_their_own():
    """A name made only of places and ordinary words matches loosely only when written as it stands; a place
    shared with another body's name is no clue."""
    sign = LetterSign(name="Jo Hart", roles=("Director",), organisations=("USA Diving",))
    assert decide(sign, "Letter from the Associate Division Director, Advanced Photon Source, USA.") == []
    staff = LetterSign(name="Jo Hart", organisations=("Local Government Staff Commission",))
    (d,) = decide(staff, "Testimonial from the Local Government Staff Commission (available on request).")
    assert d.status == "linked"
    assert decide(staff, "Letter on local staff and the commission's government work.") == []


def test_a_surname_that_is_a_word_counts_with_the_first_name_only():
    brown = LetterSign(name="Alan Brown", roles=("Head of Planning",))
    assert decide(brown, "Letter on the brown field sites programme. Brown (2013)") == []
    (d,) = decide(brown, "Letter from A. Brown, 2013")
    assert d.status == "linked" and d.clues == ("surname", "letter")


def test_a_year_alone_is_no_clue():
    sign = LetterSign(name="Jo Hart", roles=("Policy Advisor (Flooding)",), date="2013-04-11")
    points, clues = score_entry(sign, None, "Working Together (2013): statutory guidance, with a letter on advice")
    assert "date" not in clues


def test_the_entries_of_every_list_compete_and_only_a_named_file_links_in_two():
    """A letter is linked to one entry of the store's lists at most: the best of all; one that two case studies
    describe equally well is linked to neither, and one both name by its file is linked in each."""
    entries = [("a.txt", 1, "Letter from the Director of Public Health, Northshire County Council.", 0),
               ("b.txt", 1, "Report of the Northshire schools survey.", 0),
               ("b.txt", 2, "Letter from Dr S. Lindqvist, Director of Public Health, 12 March 2013.", 0)]
    (d,) = choose(SIGN, "letter.txt", entries)
    assert (d.status, d.entry[:2]) == ("linked", ("b.txt", 2))
    twice = [("a.txt", 1, "Letter from the Director of Public Health, Northshire County Council.", 0),
             ("b.txt", 4, "Letter from the Director of Public Health, Northshire County Council.", 0)]
    (d,) = choose(SIGN, "letter.txt", twice)
    assert d.status == "ambiguous" and d.candidates == [("a.txt", 1), ("b.txt", 4)]
    named = [("a.txt", 1, "Letter of support (letter.txt).", 0), ("b.txt", 3, "Letter (see letter.txt)", 0),
             ("b.txt", 4, "Letter from the Director of Public Health, Northshire County Council.", 0)]
    assert [(d.status, d.entry[:2]) for d in choose(SIGN, "letter.txt", named)] == [
        ("linked", ("a.txt", 1)), ("linked", ("b.txt", 3))]


def test_a_letters_source_reference_is_its_entrys_ref_in_brackets():
    assert letter_source_ref([("5.3", "[5.3]")]) == "[5.3]"
    assert letter_source_ref([("C", "C."), ("2", "footnote 2")]) == "[C]; [footnote 2]"
    assert letter_source_ref([]) is None


# --- ingest: the link stored as a marker's is -----------------------------------------------------------


def test_ingest_links_each_letter_to_the_entry_that_names_it(tmp_path):
    files = [write(tmp_path, "case.txt", CASE), write(tmp_path, "letter_nph.txt", NPH),
             write(tmp_path, "letter_filters.txt", FILTERS), write(tmp_path, "letter_parents.txt", PARENTS),
             write(tmp_path, "letter_sailing.txt", UNNAMED)]
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest(store, *files)
        rows = letter_rows(store)
        links = store.table("segment_sources")
    entry = {k: CASE.split(f"[5.{k}] ")[1].split("\n")[0] for k in (2, 3, 4)}
    assert rows[["source", "source_ref", "entries"]].drop_duplicates().values.tolist() == [
        ["letter_filters.txt", "[5.3]", (entry[3],)],
        ["letter_nph.txt", "[5.2]", (entry[2],)],
        ["letter_parents.txt", "[5.4]", (entry[4],)],
        ["letter_sailing.txt", None, ()]]
    assert set(rows.loc[rows["source"] == "letter_nph.txt", "speaker"]) == {
        "Dr Sarah Lindqvist, Director of Public Health, Northshire County Council"}
    # stored as a marker's link is, entry's file and place, marked as a letter's
    mine = links[links["how"] == "letter"]
    assert len(mine) == 4 and set(mine["source"]) == {"case.txt"} and set(mine["position"]) == {2, 3, 4}
    # the case study's own testimonial keeps its marker's link
    assert len(links[links["how"].isna()]) == 1
    by_file = {x.file: x for x in result.letters}
    assert by_file["letter_nph.txt"].status == "linked" and by_file["letter_sailing.txt"].status == "unnamed"
    said = "\n".join(result.notes)
    assert "letter_nph.txt: the letter signed 'Dr Sarah Lindqvist, " in said and "cite it as [5.2]" in said
    assert "letter_sailing.txt (Peter Quill, Commodore)" in said


def test_ambiguous_entries_are_refused_and_said_so(tmp_path):
    case = ("Head teachers told us the lessons worked.\n\nSources to corroborate the impact\n\n"
            "[A] Letter from the Headteacher, Hillcrest Primary School, May 2014.\n"
            "[B] Letter from the Headteacher, Hillcrest Primary School, June 2015.\n")
    letter = ("Hillcrest Primary School\n\nDear Dr Rowe,\n\nThe lessons changed how our pupils learn to swim.\n\n"
              "Yours sincerely,\n\nAnne Ward\nHeadteacher\n")
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest(store, write(tmp_path, "case.txt", case), write(tmp_path, "hillcrest.txt", letter))
        rows = letter_rows(store)
        assert not (store.table("segment_sources")["how"] == "letter").any()
    assert rows[["source_ref", "entries"]].values.tolist() == [[None, ()]]
    (standing,) = result.letters
    assert standing.status == "ambiguous" and standing.candidates == [("case.txt", ["[A]", "[B]"])]
    assert any("fits the entries [A] and [B] of case.txt equally well, so it is linked to none of them" in n
               for n in result.notes)


def test_the_order_of_reading_does_not_matter(tmp_path):
    """Letters read before the case study are linked when it arrives, and the other way round; in one command or
    in several, the store ends the same."""
    files = {"case.txt": write(tmp_path, "case.txt", CASE), "letter_nph.txt": write(tmp_path, "letter_nph.txt", NPH),
             "letter_filters.txt": write(tmp_path, "letter_filters.txt", FILTERS),
             "letter_sailing.txt": write(tmp_path, "letter_sailing.txt", UNNAMED)}
    orders = {"together": [list(files)], "letters first": [list(files)[1:], ["case.txt"]],
              "case first": [["case.txt"], list(files)[1:]], "one by one": [[n] for n in reversed(files)]}
    seen = {}
    for label, runs in orders.items():
        with Store(tmp_path / f"{label}.duckdb") as store:
            for names in runs:
                ingest(store, *(files[n] for n in names))
            seen[label] = letter_rows(store)
    for label, rows in seen.items():
        pd.testing.assert_frame_equal(rows, seen["together"], obj=label)
    assert seen["together"]["source_ref"].notna().sum() == 3  # (the nph letter's two paragraphs, the filters')


def test_reading_the_case_study_again_with_replace_links_again(tmp_path):
    letter = write(tmp_path, "letter_filters.txt", FILTERS)
    case = write(tmp_path, "case.txt", CASE)
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, case, letter)
        assert letter_rows(store)["source_ref"].tolist() == ["[5.3]"]
        # the newer export lists the firm's website instead: the letter is no longer named
        case.write_text(CASE.replace("Letter from the Chief Executive, Brightvale Filters Ltd.",
                                     "Brightvale Filters Ltd website, product pages."), encoding="utf-8")
        result = ingest(store, case, replace=True)
        assert letter_rows(store)[["source_ref", "entries"]].values.tolist() == [[None, ()]]
        assert not (store.table("segment_sources")["how"] == "letter").any()
        assert any("letter_filters.txt: the letter signed 'Tom Okafor, Chief Executive' was linked to [5.3] of "
                   "case.txt, which no longer names it" in n for n in result.notes)
        # and the next export names it again, under another number
        case.write_text(CASE.replace("[5.3] Letter from the Chief Executive, Brightvale Filters Ltd.\n", "")
                        .replace("[5.4]", "[5.3]").replace("(letter_parents.txt).", "(letter_parents.txt).\n"
                                                           "[5.4] Letter from the Chief Executive, Brightvale Filters.")
                        , encoding="utf-8")
        ingest(store, case, replace=True)
        assert letter_rows(store)[["source_ref", "entries"]].values.tolist() == [
            ["[5.4]", ("Letter from the Chief Executive, Brightvale Filters.",)]]


def test_word_documents_made_with_python_docx(tmp_path, write_docx):
    case = write_docx([p.replace("\n", " ") for p in CASE.split("\n\n") if p.strip()][:-1]
                      + [line for line in CASE.split("\n\n")[-1].splitlines() if line.strip()], name="case.docx")
    # a paragraph a line above and below the letter's body (letterhead, address, signature), as Word has them
    blocks = [b for b in NPH.split("\n\n") if b.strip()]
    letter = write_docx([p for b in blocks for p in (b.splitlines() if len(b) < 80 else [b.replace("\n", " ")])],
                        name="nph.docx")
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, letter)
        assert letter_rows(store)["source_ref"].isna().all()
        ingest(store, case)
        rows = letter_rows(store)
    assert len(rows) == 2 and set(rows["source_ref"]) == {"[5.2]"}
    assert set(rows["entries"]) == {("Letter from the Director of Public Health, Northshire County Council, "
                                     "12 March 2013.",)}


def test_survey_answers_beside_the_letters_are_left_alone(tmp_path):
    """A table read into a store of letters links nothing anew, and its answers take no reference."""
    survey = write(tmp_path, "survey.csv", "id,comment\n1,\"Great course, changed my practice\"\n")
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, write(tmp_path, "case.txt", CASE), write(tmp_path, "letter_nph.txt", NPH))
        links = store.table("segment_sources")
        result = ingest(store, survey, text=["comment"], id="id")
        assert result.letters == []
        pd.testing.assert_frame_equal(store.table("segment_sources"), links)
        segs = store.table("segments")
        assert segs.loc[segs["kind"] == "response", "source_ref"].isna().all()


def test_a_version_4_store_gains_the_letters_table_and_keeps_its_links(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        ingest(store, write(tmp_path, "case.txt", CASE))
        store.con.execute("DROP TABLE letters")
        store.con.execute("ALTER TABLE segment_sources DROP COLUMN how")
        store.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with Store(path, read_only=True) as store:  # read as it is: no letters, no links of theirs
        assert store.letters_and_entries()[0].empty and store.letter_links().empty
    with Store(path) as store:
        assert store.count("letters") == 0 and store.table("segment_sources")["how"].isna().all()
        ingest(store, write(tmp_path, "letter_nph.txt", NPH))
        assert letter_rows(store)["source_ref"].tolist() == ["[5.2]", "[5.2]"]


# --- what evidence and the report show ------------------------------------------------------------------


def test_evidence_and_the_report_show_the_letters_corroborating_source(tmp_path):
    claims = tmp_path / "claims.yaml"
    claims.write_text("- id: policy\n  text: The research changed the county's policy for schools\n"
                      "  themes: [policy_influence, practice_change, service_improvement, economic_value]\n",
                      encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        ingest(store, write(tmp_path, "case.txt", CASE), write(tmp_path, "letter_nph.txt", NPH),
               write(tmp_path, "letter_filters.txt", FILTERS))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            api.classify(store, codebook="impact", model="keyword")
            ev = api.evidence(store, claims=str(claims), redact=False)
            html = api.report(store, tmp_path / "report.html", claims=str(claims), redact=False)
    (claim,) = ev.claims.to_dict("records")
    letters = [t for t in claim["testimonials"] if t["source"] == "letter_nph.txt"]
    assert letters and all(t["source_ref"] == "[5.2]" for t in letters)
    assert all(t["source_entries"] == [{"ref": "5.2", "label": "[5.2]", "text": "Letter from the Director of Public "
                                        "Health, Northshire County Council, 12 March 2013."}] for t in letters)
    # the letter's link is the letter itself, which its file counts as a source: not another reference
    markers = {t["source_ref"] for t in claim["testimonials"] if t["source"] == "case.txt"}
    assert claim["references"] == len(markers)
    page = Path(html).read_text(encoding="utf-8")
    assert "5.2: Letter from the Director of Public Health, Northshire County Council, 12 March 2013." in page


# --- extract: the documents read together ---------------------------------------------------------------


def extract_json(runner, *files: Path) -> dict:
    result = runner.invoke(app, ["extract", *map(str, files), "--format", "json"])
    assert result.exit_code == 0, result.output
    return {d["source"]: d for d in json.loads(result.stdout)["documents"]}


def test_extract_json_gives_a_letters_testimonials_the_entry_of_the_case_study_read_with_it(runner, tmp_path):
    docs = extract_json(runner, write(tmp_path, "case.txt", CASE), write(tmp_path, "letter_nph.txt", NPH),
                        write(tmp_path, "letter_sailing.txt", UNNAMED))
    (entry,) = {json.dumps(e, sort_keys=True) for t in docs["letter_nph.txt"]["testimonials"]
                for e in t["source_entries"]}
    entry = json.loads(entry)
    (listed,) = [e for e in docs["case.txt"]["sources"] if e["ref"] == "5.2"]
    assert entry == {**listed, "document": "case.txt", "score": entry["score"]} and entry["score"] >= 4
    assert CASE[entry["start"]:entry["end"]] == entry["text"]  # offsets into the case study's text
    assert {t["source_ref"] for t in docs["letter_nph.txt"]["testimonials"]} == {"[5.2]"}
    (letter,) = docs["letter_nph.txt"]["letters"]
    assert (letter["status"], letter["date"], letter["name"]) == ("linked", "2013-03-12", "Dr Sarah Lindqvist")
    assert letter["source_entries"] == [entry] and letter["candidates"] == []
    (other,) = docs["letter_sailing.txt"]["letters"]
    assert other["status"] == "unnamed" and other["source_entries"] == []
    assert all(t["source_entries"] == [] and t["source_ref"] is None
               for t in docs["letter_sailing.txt"]["testimonials"])
    assert docs["case.txt"]["letters"] == []
    # a letter read alone is named by nothing
    alone = extract_json(runner, tmp_path / "letter_nph.txt")["letter_nph.txt"]
    assert alone["letters"][0]["status"] == "unnamed"
    assert all(t["source_ref"] is None for t in alone["testimonials"])


def test_extract_json_says_no_link_for_an_ambiguous_letter(runner, tmp_path):
    case = ("Head teachers told us the lessons worked.\n\nSources to corroborate the impact\n\n"
            "[A] Letter from the Headteacher, Hillcrest Primary School, May 2014.\n"
            "[B] Letter from the Headteacher, Hillcrest Primary School, June 2015.\n")
    letter = ("Hillcrest Primary School\n\nDear Dr Rowe,\n\nThe lessons changed how our pupils learn to swim.\n\n"
              "Yours sincerely,\n\nAnne Ward\nHeadteacher\n")
    docs = extract_json(runner, write(tmp_path, "case.txt", case), write(tmp_path, "hillcrest.txt", letter))
    (found,) = docs["hillcrest.txt"]["letters"]
    assert found["status"] == "ambiguous" and found["source_entries"] == []
    assert [(c["ref"], c["document"]) for c in found["candidates"]] == [("A", "case.txt"), ("B", "case.txt")]
    assert len({c["score"] for c in found["candidates"]}) == 1
    (t,) = docs["hillcrest.txt"]["testimonials"]
    assert t["source_entries"] == [] and t["source_ref"] is None


def test_a_letter_the_same_report_read_twice_fits_twice_is_told_to_read_one(tmp_path):
    """The case study read as two files (its Word and its Markdown version) gives two lists whose entries fit a
    letter equally well: the note said to name the letter's file in the entry, which would link it to both copies
    and count it twice; it now says the report was read twice, and to read one of them."""
    case = CASE.replace("4. Details of the impact\n\n", "4. Details of the impact\n\n"
                        "The filters were first fitted in twelve classrooms of four schools in the winter of 2011. "
                        "Dust counts in those rooms fell by half within a month of the filters going in. "
                        "The county then asked the team to write guidance that any school could follow.\n\n")
    with Store(tmp_path / "s.duckdb") as store:
        result = ingest(store, write(tmp_path, "case.txt", case),
                        write(tmp_path, "case_final.md", case.replace("Cleaner air", "# Cleaner air")),
                        write(tmp_path, "letter_nph.txt", NPH))
    (standing,) = result.letters
    assert standing.status == "ambiguous"
    said = "\n".join(result.notes)
    assert "word for word in 'case.txt'" in said
    assert ("they are one report's sources list read twice (see the warning above): read only one of case.txt and "
            "case_final.md into the store to link it") in said
    assert "name its file in the entry" not in said
