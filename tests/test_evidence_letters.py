"""A letter of support counts once towards a claim's independent sources.

A case study's testimonial that cites the entry of its sources list naming a letter, and the letter itself filed
and ingested beside it (linked to that entry), are one source: the letter's file. The reference counts as well
only when the letter's file has no supporting passage of its own.

Every case study, letter, name and organisation here was made up for these tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import keyword_claims

CASE = """Better discharge planning at Northfield

1. Summary of the impact

Research at the University of Wessex changed how hospital wards plan the discharge of older patients.

4. Details of the impact

The Chief Executive of Northfield Trust said the research "changed our policy: every ward now plans the discharge \
of older patients this way" [5.1], and the trust changed its policy in 2015.
{more}
5. Sources to corroborate the impact

[5.1] Letter from the Chief Executive, Northfield Trust.
[5.2] Northfield Trust, Annual Report 2016.
"""

# a second testimonial citing the letter's entry
SECOND = ("The Medical Director of Northfield Trust told its board that \"our new discharge policy cut the days older "
          "patients wait to go home by a third\" [5.1].\n")
# a testimonial citing an entry that is no letter
REPORT = "The trust's annual report said the policy \"was adopted by every ward within a year\" [5.2].\n"
# a testimonial citing the letter and the report in one marker
BOTH = ("The Medical Director of Northfield Trust told its board that \"our new discharge policy cut the days older "
        "patients wait to go home by a third\" [5.1, 5.2].\n")

LETTER = """Northfield Trust
General Hospital
Northfield NF1 4QT

3 June 2016

Dear Professor Hartley,

I am writing to confirm that your research changed our policy: every ward in the trust now plans the discharge \
of older patients with the method you tested.

Yours sincerely,

Dr Helen Achebe
Chief Executive
Northfield Trust
"""

THEMES = "[policy_influence, practice_change, service_improvement]"
CLAIMS = f"""claims:
  - id: policy
    text: The research changed the trust's discharge policy.
    themes: {THEMES}
  - id: case_only
    text: The case study says the research changed the trust's discharge policy.
    themes: {THEMES}
    filters: {{source: case.txt}}
"""

COUNTS = ("sources", "references", "independent_sources", "strength")


def claims_of(tmp_path: Path, more: str = "", *, letter: bool = True) -> dict[str, dict]:
    """Ingest the case study (with the testimonials of ``more``) and, with ``letter``, the letter filed beside it,
    code them with the keyword model, and return each claim's row of the claim table by id."""
    files = {"case.txt": CASE.format(more="\n" + more if more else "")}
    if letter:
        files["letter_northfield.txt"] = LETTER
    return {c["id"]: c for c in keyword_claims(tmp_path, files, CLAIMS)}


def counts(claim: dict) -> dict:
    return {k: claim[k] for k in COUNTS}


def cited(claim: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """(file, marker, refs of the entries it names) of each supporting testimonial, sorted."""
    return sorted((t["source"], t["source_ref"], tuple(e["ref"] for e in t["source_entries"]))
                  for t in claim["testimonials"])


def test_a_letter_cited_by_the_case_study_and_filed_beside_it_counts_once(tmp_path):
    """Before, the letter counted twice: its file (a supporting passage) and the case study's [5.1], the entry its
    file is linked to, as a reference: 2 sources + 1 reference = 3 independent sources, rated strong."""
    claim = claims_of(tmp_path)["policy"]
    # both testimonials support the claim, and both name the letter's entry
    assert cited(claim) == [("case.txt", "[5.1]", ("5.1",)), ("letter_northfield.txt", "[5.1]", ("5.1",))]
    assert counts(claim) == {"sources": 2, "references": 0, "independent_sources": 2, "strength": "moderate"}


def test_a_letter_whose_file_has_no_supporting_passage_still_counts_as_a_reference(tmp_path):
    claim = claims_of(tmp_path)["case_only"]  # the claim's filter leaves the letter's file out
    assert cited(claim) == [("case.txt", "[5.1]", ("5.1",))]
    assert counts(claim) == {"sources": 1, "references": 1, "independent_sources": 2, "strength": "moderate"}


def test_a_letter_not_filed_beside_the_case_study_counts_as_a_reference(tmp_path):
    claim = claims_of(tmp_path, letter=False)["policy"]
    assert cited(claim) == [("case.txt", "[5.1]", ("5.1",))]
    assert counts(claim) == {"sources": 1, "references": 1, "independent_sources": 2, "strength": "moderate"}


def test_two_testimonials_citing_the_letters_entry_count_it_once(tmp_path):
    claims = claims_of(tmp_path, SECOND)
    assert [ref for _, ref, _ in cited(claims["policy"])] == ["[5.1]", "[5.1]", "[5.1]"]
    assert counts(claims["policy"]) == {"sources": 2, "references": 0, "independent_sources": 2,
                                        "strength": "moderate"}
    # without the letter's file, the two testimonials' [5.1] is one reference
    assert counts(claims["case_only"]) == {"sources": 1, "references": 1, "independent_sources": 2,
                                           "strength": "moderate"}


def test_a_reference_to_an_entry_that_is_no_letter_is_counted_as_before(tmp_path):
    claims = claims_of(tmp_path, REPORT)
    assert ("case.txt", "[5.2]", ("5.2",)) in cited(claims["policy"])
    # the letter once (its file) and the annual report once (its reference)
    assert counts(claims["policy"]) == {"sources": 2, "references": 1, "independent_sources": 3, "strength": "strong"}
    assert counts(claims["case_only"]) == {"sources": 1, "references": 2, "independent_sources": 3,
                                           "strength": "strong"}


def test_a_marker_naming_the_letter_and_another_entry_counts_for_the_other(tmp_path):
    claim = claims_of(tmp_path, BOTH)["policy"]
    assert ("case.txt", "[5.1, 5.2]", ("5.1", "5.2")) in cited(claim)
    assert counts(claim) == {"sources": 2, "references": 1, "independent_sources": 3, "strength": "strong"}


@pytest.fixture
def letter_store(cli, tmp_path):
    """The case study and its letter ingested and coded through the command line; the claims file's path."""
    (tmp_path / "case.txt").write_text(CASE.format(more=""), encoding="utf-8")
    (tmp_path / "letter_northfield.txt").write_text(LETTER, encoding="utf-8")
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS, encoding="utf-8")
    assert cli("ingest", str(tmp_path / "case.txt"), str(tmp_path / "letter_northfield.txt")).exit_code == 0
    assert cli("classify", "--codebook", "impact", "--model", "keyword").exit_code == 0
    return claims


def test_every_written_form_counts_the_letter_once(cli, letter_store, tmp_path):
    data = json.loads(cli("evidence", "--claims", str(letter_store), "--format", "json", "--no-redact").stdout)
    policy = {c["id"]: c for c in data["claims"]}["policy"]
    assert counts(policy) == {"sources": 2, "references": 0, "independent_sources": 2, "strength": "moderate"}
    table = cli("evidence", "--claims", str(letter_store), "--no-redact").stdout
    row = next(line for line in table.splitlines()
               if line.count("│") > 7 and line.split("│")[1].strip() == "policy")
    assert [c.strip() for c in row.split("│")[5:8]] == ["2", "0", "moderate"]  # sources, references, strength
    report = tmp_path / "report.html"
    assert cli("report", "--claims", str(letter_store), "--output", str(report), "--no-redact").exit_code == 0
    page = report.read_text(encoding="utf-8")
    section = page[page.index("<h3>policy:"):page.index("<h3>case_only:")]
    assert re.search(r"from 2 sources; 0 corroborating references;", section)
    sheet = tmp_path / "evidence.xlsx"
    assert cli("evidence", "--claims", str(letter_store), "--output", str(sheet), "--no-redact").exit_code == 0
    import pandas as pd

    claims = pd.read_excel(sheet, sheet_name=None)
    (frame,) = [f for f in claims.values() if {"id", "references", "independent_sources"} <= set(f.columns)]
    row = frame.set_index("id").loc["policy"]
    assert (int(row["sources"]), int(row["references"]), int(row["independent_sources"])) == (2, 0, 2)
