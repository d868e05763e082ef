"""--keep-names and a claims file's keep_names: the researcher's own name stays in redacted quotes, others go."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers import coded_store

ROWS = [
    ("Professor Jane Smith explained the results to us and Mark is still doing a great job with the follow-up.",
     {"ward": "North"}, ["staff"]),
    ("Dr Smith and the nurses were kind and patient, and Gaynor was brilliant on the ward every day.",
     {"ward": "South"}, ["staff"]),
]


def quote_texts(result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [q["text"] for q in json.loads(result.stdout)["quotes"]]


def test_quotes_keep_the_names_in_the_file(cli, db_path, tmp_path):
    coded_store(db_path, ROWS)
    names = tmp_path / "names.txt"
    names.write_text("# our team\nJane Smith\n", encoding="utf-8")
    redacted = " ".join(quote_texts(cli("quotes", "--theme", "staff", "--format", "json")))
    assert "Smith" not in redacted and "Mark" not in redacted and "Gaynor" not in redacted
    kept = " ".join(quote_texts(cli("quotes", "--theme", "staff", "--format", "json", "--keep-names", str(names))))
    assert "Professor Jane Smith explained" in kept and "Dr Smith and" in kept
    assert "Mark" not in kept and "Gaynor" not in kept and kept.count("[NAME]") == 2


def test_a_missing_or_empty_keep_names_file_is_a_clear_error(cli, db_path, tmp_path):
    coded_store(db_path, ROWS)
    missing = tmp_path / "nobody.txt"
    for command in (["quotes", "--theme", "staff"], ["evidence"], ["report", "--output", str(tmp_path / "r.html")]):
        result = cli(*command, "--keep-names", str(missing))
        assert result.exit_code == 1
        assert "E163" in result.output and "nobody.txt" in result.output and "one name a line" in result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nobody yet\n", encoding="utf-8")
    result = cli("quotes", "--theme", "staff", "--keep-names", str(empty))
    assert result.exit_code == 1 and "E164" in result.output


def test_evidence_and_report_keep_names_from_a_claims_file(cli, db_path, tmp_path):
    coded_store(db_path, ROWS)
    claims = tmp_path / "claims.yaml"
    claims.write_text("keep_names: [Jane Smith]\nclaims:\n  - id: c1\n    text: Staff explained things well.\n"
                      "    themes: [staff]\n", encoding="utf-8")
    result = cli("evidence", "--claims", str(claims), "--format", "json")
    assert result.exit_code == 0, result.output
    quotes = [q["text"] for q in json.loads(result.stdout)["claims"][0]["quotes"]]
    assert any("Jane Smith" in q for q in quotes) and not any("Gaynor" in q or "Mark" in q for q in quotes)
    report = tmp_path / "report.html"
    assert cli("report", "--claims", str(claims), "--output", str(report)).exit_code == 0
    html = report.read_text(encoding="utf-8")
    assert "Jane Smith" in html and "Gaynor" not in html


def test_claims_keep_names_must_be_names(cli, db_path, tmp_path):
    coded_store(db_path, ROWS)
    claims = tmp_path / "claims.yaml"
    claims.write_text("keep_names: {who: Jane}\nclaims:\n  - id: c1\n    text: Staff.\n    themes: [staff]\n",
                      encoding="utf-8")
    result = cli("evidence", "--claims", str(claims))
    assert result.exit_code == 1 and "E164" in result.output and "keep_names" in result.output


def test_the_api_takes_a_list_or_a_file(db_path, tmp_path):
    from evalnlp import api
    from evalnlp.store import Store

    coded_store(db_path, ROWS)
    names = tmp_path / "names.txt"
    names.write_text("Gaynor\n", encoding="utf-8")
    with Store(db_path, read_only=True) as store:
        from_list = " ".join(api.quotes(store, "staff", keep_names=["Jane Smith"])["text"])
        from_file = " ".join(api.quotes(store, "staff", keep_names=names)["text"])
    assert "Jane Smith" in from_list and "Gaynor" not in from_list
    assert "Gaynor was brilliant" in from_file and "Jane Smith" not in from_file


CASE_STUDY = """Details of the impact

The Director of Public Health for Kent said: "the toolkit changed how our
team plans every screening clinic in the county and saved money" [5.2].

Sources to corroborate the impact

[5.1] Annual report of the programme, 2012.
[5.2] Letter from Dr Sarah Thompson, Director of Public Health, sarah.thompson@kent.gov.uk, 01632 960123.
"""

ALL_IMPACT = ("themes: [engagement, relationships, service_improvement, capability, attitude_change, practice_change, "
              "policy_influence, economic_value, reach_uptake, endorsement]")


def test_the_corroborating_source_beside_a_testimonial_is_redacted_as_its_quote_is(cli, tmp_path):
    (tmp_path / "case.txt").write_text(CASE_STUDY, encoding="utf-8")
    claims = tmp_path / "claims.yaml"
    claims.write_text(f"claims:\n  - id: all\n    text: The toolkit changed practice.\n    {ALL_IMPACT}\n",
                      encoding="utf-8")
    assert cli("-q", "ingest", str(tmp_path / "case.txt")).exit_code == 0
    assert cli("-q", "classify", "--codebook", "impact").exit_code == 0

    def entries(*extra: str) -> list[dict]:
        result = cli("evidence", "--claims", str(claims), "--format", "json", *extra)
        assert result.exit_code == 0, result.output
        (testimonial,) = json.loads(result.stdout)["claims"][0]["testimonials"]
        return testimonial["source_entries"]

    assert entries() == [{"ref": "5.2", "label": "[5.2]",
                          "text": "Letter from Dr [NAME], Director of Public Health, [EMAIL], [PHONE]."}]
    assert "Sarah Thompson" in entries("--no-redact")[0]["text"]
    out = tmp_path / "ev.csv"
    assert cli("-q", "evidence", "--claims", str(claims), "--output", str(out)).exit_code == 0
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("ev*.csv"))
    assert "Dr [NAME], Director of Public Health" in written
    assert "Thompson" not in written and "kent.gov.uk" not in written and "960123" not in written


def test_what_comes_with_a_quote_is_de_identified_too(cli, tmp_path):
    """The locator names the row by its id column (an NHS number here), and the row's other columns ride along
    as attributes (an email, another free-text answer naming a nurse): with redaction on, neither gives away
    what the quote's own text has lost; values that identify no one (the ward) stay as they are."""
    path = tmp_path / "fft.csv"
    pd.DataFrame({"nhs_number": ["9434765919", "9434765870"], "ward": ["Ward 1", "Ward 2"],
                  "contact_email": ["jane.doe@example.com", "sam.roe@example.com"],
                  "good": ["Nurse Sarah Thompson was lovely, ring her on 07700 900123", "Everything"],
                  "comment": ["The staff were kind. Email me at jane.doe@example.com with the outcome.",
                              "The nurses were lovely and caring, thank you all."]}).to_csv(path, index=False)
    assert cli("-q", "classify", str(path), "--text", "comment", "--id", "nhs_number",
               "--codebook", "fft").exit_code == 0

    def quotes(*extra: str) -> list[dict]:
        result = cli("quotes", "--theme", "staff", "-n", "2", "--format", "json", *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["quotes"]

    shown = quotes()
    assert len(shown) == 2
    assert {q["locator"] for q in shown} == {"nhs_number=[NHS_NUMBER]"}
    for q in shown:
        assert q["attrs"]["contact_email"] == "[EMAIL]" and q["attrs"]["ward"] in ("Ward 1", "Ward 2")
    good = {q["attrs"]["good"] for q in shown}
    assert "Nurse [NAME] was lovely, ring her on [PHONE]" in good and "Everything" in good
    text = json.dumps(shown)
    assert "943476" not in text and "example.com" not in text and "Thompson" not in text
    evidence = cli("evidence", "--format", "json")
    assert evidence.exit_code == 0 and "943476" not in evidence.stdout
    assert '"quote_locator": "nhs_number=[NHS_NUMBER]"' in evidence.stdout
    plain = json.dumps(quotes("--no-redact"))
    assert "nhs_number=9434765919" in plain and "jane.doe@example.com" in plain and "Sarah Thompson" in plain


def test_a_column_of_peoples_names_is_de_identified_whole(cli, tmp_path):
    """An id column or an attribute that holds people's names (``patient_name``, ``Staff Name``) gives the
    name away however short it is: with redaction on its values are [NAME]; a ward's name stays."""
    path = tmp_path / "fft.csv"
    pd.DataFrame({"patient_name": ["Sarah Thompson", "John Smith"], "Staff Name": ["Priya", "Tom Ellis"],
                  "ward_name": ["Rose Ward", "Oak Ward"],
                  "comment": ["The staff were very kind and caring throughout my stay.",
                              "The nurses were lovely and helpful, thank you."]}).to_csv(path, index=False)
    assert cli("-q", "classify", str(path), "--text", "comment", "--id", "patient_name",
               "--codebook", "fft").exit_code == 0
    result = cli("quotes", "--theme", "staff", "-n", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["quotes"]
    assert len(shown) == 2 and {q["locator"] for q in shown} == {"patient_name=[NAME]"}
    assert {q["attrs"]["Staff Name"] for q in shown} == {"[NAME]"}
    assert {q["attrs"]["ward_name"] for q in shown} == {"Rose Ward", "Oak Ward"}
    evidence = cli("evidence", "--format", "json")
    assert evidence.exit_code == 0 and '"quote_locator": "patient_name=[NAME]"' in evidence.stdout
    for name in ("Thompson", "Smith", "Priya", "Ellis"):
        assert name not in result.stdout and name not in evidence.stdout
    plain = cli("quotes", "--theme", "staff", "-n", "2", "--format", "json", "--no-redact").stdout
    assert "patient_name=Sarah Thompson" in plain or "patient_name=John Smith" in plain
    # grouped by such a column, the groups are people's names too: numbered, kept apart
    by = cli("quotes", "--theme", "staff", "-n", "1", "--by", "Staff Name", "--format", "json")
    assert {q["group"] for q in json.loads(by.stdout)["quotes"]} == {"[NAME] 1", "[NAME] 2"}
    # numbered over every group of the column, in order, as evidence numbers them: Priya 1, Tom Ellis 2
    raw = {q["doc_id"]: q["group"] for q in json.loads(cli("quotes", "--theme", "staff", "-n", "1", "--by",
                                                              "Staff Name", "--format", "json", "--no-redact")
                                                          .stdout)["quotes"]}
    for q in json.loads(by.stdout)["quotes"]:
        assert q["group"] == {"Priya": "[NAME] 1", "Tom Ellis": "[NAME] 2"}[raw[q["doc_id"]]]
    staff = json.loads(cli("evidence", "--by", "Staff Name", "--format", "json").stdout)["matrices"]["Staff Name"]
    assert {r["group"] for r in staff} == {"[NAME] 1", "[NAME] 2"}
    matrix = json.loads(cli("evidence", "--by", "patient_name", "--format", "json").stdout)["matrices"]
    assert {r["group"] for r in matrix["patient_name"]} == {"[NAME] 1", "[NAME] 2"}
    for name in ("Thompson", "Smith", "Priya", "Ellis"):
        assert name not in by.stdout and name not in json.dumps(matrix)
    assert "Sarah Thompson" in cli("evidence", "--by", "patient_name", "--format", "json", "--no-redact").stdout


def test_a_note_on_merged_groups_of_a_name_column_shows_no_names(tmp_path):
    """Groups that took several stored values (spaces around a name) are named in a note, except when the
    values are people's names and redaction is on."""
    import evalnlp

    path = tmp_path / "c.csv"
    pd.DataFrame({"patient_name": ["Sarah Thompson", "Sarah Thompson ", "John Smith"],
                  "comment": ["The staff were very kind.", "Nurses were lovely and caring.", "The food was cold."]}) \
        .to_csv(path, index=False)
    with evalnlp.open(tmp_path / "s.duckdb") as project:
        project.classify([str(path)], text="comment", codebook="fft")
        notes = " ".join(project.evidence(by="patient_name").notes)
        assert "1 group(s) took several values" in notes and "Thompson" not in notes
        assert "'Sarah Thompson '" in " ".join(project.evidence(by="patient_name", redact=False).notes)


@pytest.mark.parametrize("column, person", [
    ("patient_name", True), ("Name of patient", True), ("Patient's name", True), ("Your name", True),
    ("Name (optional)", True), ("Parent/carer name", True), ("Forename(s)", True), ("Patient_Name_1", True),
    ("name", True), ("surname", True), ("ward_name", False), ("Name of ward", False), ("programme name", False),
    ("organisation_name", False), ("filename", False), ("comment", False), ("renamed", False)])
def test_which_columns_hold_peoples_names(column, person):
    from evalnlp.quotes import person_name_column

    assert person_name_column(column) is person


def test_attribute_values_that_are_names_of_places_or_ids_stay_as_they_are(cli, tmp_path):
    """A hospice's or a programme's name, and a 10-digit case id that happens to pass the NHS check, are not
    another answer and not a patient's number: they stay, so a quote can be traced and grouped by them."""
    path = tmp_path / "fb.csv"
    pd.DataFrame({"case_id": ["4010232114", "4010232192"],
                  "site": ["Marie Curie Hospice Newcastle upon Tyne", "Jenny Lind Children's Hospital Norwich"],
                  "programme": ["Elizabeth Garrett Anderson Programme", "Mary Seacole Leadership Programme 2023"],
                  "comment": ["The staff were kind and caring to my mother.", "The nurses were lovely, thank you."]}) \
        .to_csv(path, index=False)
    assert cli("-q", "classify", str(path), "--text", "comment", "--id", "case_id", "--codebook", "fft").exit_code == 0
    result = cli("quotes", "--theme", "staff", "-n", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    quotes = json.loads(result.stdout)["quotes"]
    assert sorted(q["locator"] for q in quotes) == ["case_id=4010232114", "case_id=4010232192"]
    assert sorted(q["attrs"]["site"] for q in quotes) == ["Jenny Lind Children's Hospital Norwich",
                                                         "Marie Curie Hospice Newcastle upon Tyne"]
    assert "Elizabeth Garrett Anderson Programme" in {q["attrs"]["programme"] for q in quotes}


@pytest.mark.parametrize("value, name", [
    ("Sarah Thompson", True), ("Dr Patel", True), ("Thompson, Sarah", True), ("S. Okafor", True),
    ("Mrs Begum", True), ("Amy O'Brien-Smith", True), ("Sarah Thompson <sarah@example.org>", True),
    ("Welford Ward", False), ("Team B", False), ("Reception", False), ("Bay 4", False), ("Sheffield", False),
    ("London Road", False), ("sarah thompson", False), ("Dr Jane Smith, Medical Director", False), ("", False),
    (None, False), (12, False)])
def test_which_values_are_a_persons_name_by_themselves(value, name):
    from evalnlp.redact import person_names

    assert person_names([value]) == [name]


def test_a_kept_name_is_not_a_name_to_hide():
    from evalnlp.redact import person_names

    assert person_names(["Jane Smith", "Tom Ellis"], keep=["Jane Smith"]) == [False, True]


def test_names_in_columns_whose_name_does_not_say_so_are_de_identified(cli, tmp_path):
    """A row id, an attribute or a group that is a person's name by itself (``respondent``, ``facilitator``)
    goes as a name column's does; other values of the column, and a column named for things (a ward named after
    a person), stay; a name the user keeps stays."""
    path = tmp_path / "fb.csv"
    pd.DataFrame({"respondent": ["Sarah Thompson", "R-0042", "Dr Patel"],
                  "facilitator": ["Tom Ellis", "Jane Smith", "Team B"],
                  "ward": ["Florence Nightingale", "Florence Nightingale", "Mary Seacole"],
                  "comment": ["The staff were very kind and caring throughout my stay.",
                              "The nurses were lovely and helpful, thank you.",
                              "Staff were friendly and kind to my father."]}).to_csv(path, index=False)
    assert cli("-q", "classify", str(path), "--text", "comment", "--id", "respondent",
               "--codebook", "fft").exit_code == 0
    (tmp_path / "keep.txt").write_text("Jane Smith\n", encoding="utf-8")
    result = cli("quotes", "--theme", "staff", "-n", "3", "--format", "json", "--keep-names", str(tmp_path / "keep.txt"))
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["quotes"]
    assert sorted(q["locator"] for q in shown) == ["respondent=R-0042", "respondent=[NAME]", "respondent=[NAME]"]
    assert sorted(q["attrs"]["facilitator"] for q in shown) == ["Jane Smith", "Team B", "[NAME]"]
    assert {q["attrs"]["ward"] for q in shown} == {"Florence Nightingale", "Mary Seacole"}
    for name in ("Thompson", "Patel", "Ellis"):
        assert name not in result.stdout
    # grouped by such a column: the names are numbered over the column's names, the rest stay
    by = json.loads(cli("quotes", "--theme", "staff", "-n", "1", "--by", "facilitator", "--format", "json")
                    .stdout)["quotes"]
    assert {q["group"] for q in by} == {"[NAME] 1", "[NAME] 2", "Team B"}
    matrix = json.loads(cli("evidence", "--by", "facilitator", "--by", "ward", "--format", "json").stdout)["matrices"]
    assert {r["group"] for r in matrix["facilitator"]} == {"[NAME] 1", "[NAME] 2", "Team B"}
    assert {r["group"] for r in matrix["ward"]} == {"Florence Nightingale", "Mary Seacole"}
    assert "Tom Ellis" in cli("evidence", "--by", "facilitator", "--format", "json", "--no-redact").stdout


def test_claim_filters_on_a_column_of_names_show_no_names(tmp_path):
    """A claim filtered on a staff member (``filters: {manager: Sister Ann Hughes}``) shows the filter as the
    matrix shows that group, ``[NAME] n``, in the claim table and in the notes a written evidence file carries
    (a value that matches nothing, and the list of the column's groups beside it), never the names."""
    import evalnlp

    path = tmp_path / "fb.csv"
    pd.DataFrame({"manager": ["Sister Ann Hughes", "Dr Rose Baker", "Mark Wood"],
                  "comment": ["The staff were very kind and caring throughout my stay.",
                              "The nurses were lovely and helpful, thank you.",
                              "The food was cold and late every day."]}).to_csv(path, index=False)
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - {id: c1, text: Staff were kind., themes: [staff],\n"
                      "     filters: {manager: [Sister Ann Hughes, Mark Woods]}}\n"
                      "  - {id: c2, text: Dignity., themes: [dignity], filters: {manager: Dr Rose Baker}}\n",
                      encoding="utf-8")
    with evalnlp.open(tmp_path / "s.duckdb") as project:
        project.classify([str(path)], text="comment", meta=["manager"], codebook="fft")
        ev = project.evidence(by=["manager"], claims=str(claims))
        shown = json.dumps(ev.to_json()) + " ".join(ev.notes)
        for name in ("Hughes", "Baker", "Wood"):
            assert name not in shown
        groups = set(ev.matrices["manager"]["group"])
        assert groups == {"[NAME] 1", "[NAME] 2", "[NAME] 3"}
        (hughes, woods), (baker,) = (f["manager"] for f in ev.claims["filters"])
        assert woods == "[NAME]" and {hughes, baker} <= groups and hughes != baker  # the matrix's labels
        assert any("matches no coded document" in n and "'[NAME]'" in n for n in ev.notes)
        raw = project.evidence(claims=str(claims), redact=False)
        assert raw.claims["filters"].iloc[0] == {"manager": ["Sister Ann Hughes", "Mark Woods"]}


def test_groups_of_names_are_not_numbered_in_the_names_alphabetical_order(tmp_path):
    """Numbered in alphabetical order (or in the order of an export sorted by manager), [NAME] 1, 2, 3, 4 of a
    ward's managers would let anyone who knows the names put each back. The numbers are a fixed shuffle of the
    store's, the tables and the quotes list the groups by their numbers, and evidence, quotes and claim filters
    number them alike."""
    import evalnlp

    path = tmp_path / "fb.csv"
    managers = ["Dr Rose Baker", "Mark Wood", "Prof. Ifeoma Okafor", "Sister Ann Hughes"]  # sorted, as exported
    pd.DataFrame({"manager": managers,
                  "comment": ["The staff were very kind and caring throughout my stay.",
                              "The nurses were lovely and helpful, thank you.",
                              "Staff were friendly and kind to my father.",
                              "The staff were kind and listened to me."]}).to_csv(path, index=False)
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - {id: c1, text: Kind., themes: [staff], filters: {manager: Mark Wood}}\n",
                      encoding="utf-8")
    labels = ["[NAME] 1", "[NAME] 2", "[NAME] 3", "[NAME] 4"]
    with evalnlp.open(tmp_path / "s.duckdb") as project:
        project.classify([str(path)], text="comment", meta=["manager"], codebook="fft")
        quotes = project.quotes("staff", by="manager", n=1)
        assert list(quotes["group"]) == labels  # listed by number
        truth = dict(zip(project.documents()["doc_id"], project.documents()["manager"]))
        named = {g: truth[d] for g, d in zip(quotes["group"], quotes["doc_id"])}
        assert sorted(named.values()) == managers and [named[g] for g in labels] != managers
        ev = project.evidence(by=["manager"], claims=str(claims))
        staff = ev.matrices["manager"][ev.matrices["manager"]["theme"] == "staff"]
        assert list(staff["group"]) == labels
        by_name = {v: k for k, v in named.items()}
        assert ev.claims["filters"].iloc[0] == {"manager": [by_name["Mark Wood"]]}


def test_a_column_of_dates_of_birth_is_de_identified_whole(cli, tmp_path):
    """A date of birth beside a ward or a postcode names a patient as surely as a name: in a column whose name
    says so (``dob``, ``Date of birth``) it is ``[DATE_OF_BIRTH]`` as an attribute, a locator or a group; other
    dates (the day of the visit) stay."""
    path = tmp_path / "fb.csv"
    pd.DataFrame({"dob": ["12/03/1961", "1975-07-01"], "Date of birth": ["12 March 1961", "1 July 1975"],
                  "visit_date": ["2024-05-01", "2024-05-02"],
                  "comment": ["The staff were very kind and caring throughout my stay.",
                              "The nurses were lovely and helpful, thank you."]}).to_csv(path, index=False)
    assert cli("-q", "classify", str(path), "--text", "comment", "--id", "dob", "--codebook", "fft").exit_code == 0
    result = cli("quotes", "--theme", "staff", "-n", "2", "--by", "Date of birth", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)["quotes"]
    assert {q["attrs"]["Date of birth"] for q in shown} == {"[DATE_OF_BIRTH]"}
    assert {q["locator"] for q in shown} == {"dob=[DATE_OF_BIRTH]"}
    assert {q["group"] for q in shown} == {"[DATE_OF_BIRTH] 1", "[DATE_OF_BIRTH] 2"}
    assert {q["attrs"]["visit_date"] for q in shown} == {"2024-05-01", "2024-05-02"}
    for date in ("1961", "1975"):
        assert date not in result.stdout


def test_a_file_whose_name_names_a_person_is_pointed_out(tmp_path):
    """Redaction covers what a file holds, not its name, which is printed beside every quote from it: quotes and
    evidence say which file names seem to name a person (to whoever runs them: the note is not written into the
    evidence file, which is for its readers); a file named otherwise gets no such note."""
    import warnings

    import evalnlp

    comments = ["The staff were very kind and caring throughout my stay.", "The nurses were lovely, thank you."]
    named, plain = tmp_path / "survey_Jane_Smith.csv", tmp_path / "ward7.csv"
    pd.DataFrame({"comment": comments}).to_csv(named, index=False)
    pd.DataFrame({"comment": ["Staff on the ward were friendly and helpful to my father."]}).to_csv(plain, index=False)
    with evalnlp.open(tmp_path / "s.duckdb") as project, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        project.classify([str(named), str(plain)], text="comment", codebook="fft")
        said = " ".join(project.quotes("staff", n=4).attrs["notes"])
        assert "'survey_Jane_Smith.csv' seems to name a person" in said and "ward7" not in said
        ev = project.evidence(output=tmp_path / "ev.md")
        assert any("'survey_Jane_Smith.csv' seems to name a person" in n for n in ev.notes)
        assert "seems to name a person" not in (tmp_path / "ev.md").read_text(encoding="utf-8")
        assert not any("name a person" in n for n in project.quotes("staff", n=4, redact=False).attrs["notes"])


def test_files_written_without_redaction_say_so(cli, db_path, tmp_path):
    """A quotes or evidence file written with --no-redact looks like the shareable one: it says, as the report
    does, that its quotes are not de-identified; a redacted one does not."""
    import docx

    coded_store(db_path, ROWS)
    for out, *options in (("raw.md", "quotes", "--no-redact"), ("raw.docx", "quotes", "--no-redact"),
                          ("raw-ev.md", "evidence", "--no-redact"), ("shared.docx", "quotes")):
        command = [*options[:1], *(["--theme", "staff"] if options[0] == "quotes" else []), *options[1:]]
        assert cli("-q", *command, "--output", str(tmp_path / out)).exit_code == 0
    said = "Quotes are NOT de-identified (redaction was turned off)"
    words = docx.Document(str(tmp_path / "raw.docx")).paragraphs[1].text
    assert said in (tmp_path / "raw.md").read_text(encoding="utf-8") and said in words
    assert said in (tmp_path / "raw-ev.md").read_text(encoding="utf-8")
    assert "Dr Smith" in (tmp_path / "raw.md").read_text(encoding="utf-8")
    assert not any("NOT" in p.text for p in docx.Document(str(tmp_path / "shared.docx")).paragraphs)
