"""A corroborating source counts once towards a claim's independent sources, however its marker is written.

A testimonial's marker that resolves to entries of its file's sources list counts one reference per entry it
names (``[5.1]`` and ``(see 5.1)`` are one reference, ``[5.1, 5.2]`` two); a marker that names no entry of the
list counts by its text, as before.

Every case study, name and organisation here was made up for these tests.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from evalnlp import api
from evalnlp.store import Store
from helpers import keyword_claims

HEAD = """Better discharge planning at {place}

1. Summary of the impact

Research at the University of Wessex changed how hospital wards plan the discharge of older patients.

4. Details of the impact

"""

# the testimonials, each supporting the claim below (coded with its themes by the keyword model)
CHIEF = ("The Chief Executive of {place} Trust said the research \"changed our policy: every ward now plans the "
         "discharge of older patients this way\" {m}, and the trust changed its policy in 2015.\n\n")
DIRECTOR = ("The Medical Director of {place} Trust told its board that \"our new discharge policy cut the days older "
            "patients wait to go home by a third\" {m}.\n\n")
MANAGER = "A ward manager said \"the new plan was adopted by every ward and changed our practice\" {m}.\n\n"
NURSE = "A nurse said \"the discharge policy changed practice on every ward\" {m}.\n\n"

NUMBERED = """5. Sources to corroborate the impact

[5.1] Letter from the Chief Executive, {place} Trust.
[5.2] {place} Trust, Annual Report 2016.
"""
LETTERED = """5. Sources to corroborate the impact

C. Letter from the Chief Executive, {place} Trust.
D. {place} Trust, Annual Report 2016.
"""
NAMED = """5. Sources to corroborate the impact

Source 1: Letter from the Chief Executive, {place} Trust.
Source 2: {place} Trust, Annual Report 2016.
"""

CLAIMS = """claims:
  - id: policy
    text: The research changed the trust's discharge policy.
    themes: [policy_influence, practice_change, service_improvement]
"""

COUNTS = ("sources", "references", "independent_sources", "strength")


def case(markers: list[str], sources: str = NUMBERED, place: str = "Northfield") -> str:
    """A case study whose testimonials cite ``markers`` in turn (one testimonial each, at most four)."""
    body = "".join(t.format(place=place, m=m) for t, m in zip((CHIEF, DIRECTOR, MANAGER, NURSE), markers))
    return HEAD.format(place=place) + body + sources.format(place=place)


def claim_of(tmp_path: Path, **files: str) -> dict:
    """Ingest the case studies ``files`` (name without ``.txt``: text), code them with the keyword model and
    return the claim's row of the claim table."""
    (claim,) = keyword_claims(tmp_path, {f"{name}.txt": text for name, text in files.items()}, CLAIMS)
    return claim


def counts(claim: dict) -> dict:
    return {k: claim[k] for k in COUNTS}


def cited(claim: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """(file, marker, refs of the entries it names) of each supporting testimonial, sorted."""
    return sorted((t["source"], t["source_ref"], tuple(e["ref"] for e in t["source_entries"]))
                  for t in claim["testimonials"])


@pytest.mark.parametrize(("sources", "first", "second", "ref"), [
    (NUMBERED, "[5.1]", "(see 5.1)", "5.1"),
    (LETTERED, "[C]", "(C)", "C"),
    (NAMED, "(Source 1)", "[1]", "Source 1"),
], ids=["numbered", "lettered", "named"])
def test_two_markers_written_differently_for_one_entry_count_once(tmp_path, sources, first, second, ref):
    """Before, each marker text was a reference of its own: 1 file + 2 references, rated strong."""
    claim = claim_of(tmp_path, case=case([first, second], sources))
    assert cited(claim) == sorted([("case.txt", first, (ref,)), ("case.txt", second, (ref,))])
    assert counts(claim) == {"sources": 1, "references": 1, "independent_sources": 2, "strength": "moderate"}


def test_a_marker_naming_two_entries_counts_two(tmp_path):
    """Before, the marker's text was one reference: 1 file + 1 reference, rated moderate."""
    claim = claim_of(tmp_path, case=case(["[5.1, 5.2]"]))
    assert cited(claim) == [("case.txt", "[5.1, 5.2]", ("5.1", "5.2"))]
    assert counts(claim) == {"sources": 1, "references": 2, "independent_sources": 3, "strength": "strong"}


def test_a_marker_naming_two_entries_and_markers_of_each_count_each_entry_once(tmp_path):
    claim = claim_of(tmp_path, case=case(["[5.1, 5.2]", "(see 5.2)", "[5.1]"]))
    assert [entries for _, _, entries in cited(claim)] == [("5.2",), ("5.1", "5.2"), ("5.1",)]
    assert counts(claim) == {"sources": 1, "references": 2, "independent_sources": 3, "strength": "strong"}


def test_a_marker_naming_no_entry_counts_by_its_text(tmp_path):
    # [5.7] is in no list: it counts once for its two testimonials, and [5.8] once more; [5.1] names an entry
    claim = claim_of(tmp_path, case=case(["[5.7]", "[5.7]", "[5.8]", "[5.1]"]))
    assert cited(claim) == [("case.txt", "[5.1]", ("5.1",)), ("case.txt", "[5.7]", ()), ("case.txt", "[5.7]", ()),
                            ("case.txt", "[5.8]", ())]
    assert counts(claim) == {"sources": 1, "references": 3, "independent_sources": 4, "strength": "strong"}


def test_a_marker_naming_no_entry_is_not_matched_to_an_entry_by_its_text(tmp_path):
    # a file without a sources list: its markers name no entry, and two texts are two references as before
    text = case(["[5.1]", "(see 5.1)"]).split("5. Sources")[0]
    claim = claim_of(tmp_path, case=text)
    assert cited(claim) == [("case.txt", "(see 5.1)", ()), ("case.txt", "[5.1]", ())]
    assert counts(claim) == {"sources": 1, "references": 2, "independent_sources": 3, "strength": "strong"}


def test_the_same_entry_in_two_files_is_two_references(tmp_path):
    # each case study's own [5.1] is its own list's entry: a file's entry is not another file's
    claim = claim_of(tmp_path, north=case(["[5.1]", "(see 5.1)"]),
                     south=case(["[5.1]"], place="Southfield"))
    assert [(f, entries) for f, _, entries in cited(claim)] == [("north.txt", ("5.1",)), ("north.txt", ("5.1",)),
                                                                ("south.txt", ("5.1",))]
    assert counts(claim) == {"sources": 2, "references": 2, "independent_sources": 4, "strength": "strong"}


@pytest.fixture
def store_of_markers(cli, tmp_path):
    """A case study citing one entry by two markers and two entries by one, ingested and coded through the
    command line; the claims file's path."""
    (tmp_path / "case.txt").write_text(case(["[5.1]", "(see 5.1)", "[5.1, 5.2]"]), encoding="utf-8")
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS, encoding="utf-8")
    assert cli("ingest", str(tmp_path / "case.txt")).exit_code == 0
    assert cli("classify", "--codebook", "impact", "--model", "keyword").exit_code == 0
    return claims


def test_the_report_and_the_json_count_the_entries_alike(cli, store_of_markers, tmp_path):
    data = json.loads(cli("evidence", "--claims", str(store_of_markers), "--format", "json", "--no-redact").stdout)
    (policy,) = data["claims"]
    assert counts(policy) == {"sources": 1, "references": 2, "independent_sources": 3, "strength": "strong"}
    report = tmp_path / "report.html"
    assert cli("report", "--claims", str(store_of_markers), "--output", str(report), "--no-redact").exit_code == 0
    page = report.read_text(encoding="utf-8")
    section = page[page.index("<h3>policy:"):]
    assert re.search(r'Strength: <span class="strong">strong</span>; .* from 1 source; 2 corroborating references;',
                     section)


def test_a_store_from_before_letters_counts_the_entries_too(tmp_path):
    """A store of schema 4 (before letters), opened read-only as the read commands open it, is not migrated: its
    markers' links still count the entries they name."""
    path = tmp_path / "case.txt"
    path.write_text(case(["[5.1]", "(see 5.1)", "[5.1, 5.2]"]), encoding="utf-8")
    claims = tmp_path / "claims.yaml"
    claims.write_text(CLAIMS, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api.ingest(store, [path])
        api.classify(store, codebook="impact", model="keyword")
        store.con.execute("DROP TABLE letters")
        store.con.execute("ALTER TABLE segment_sources DROP COLUMN how")
        store.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with Store(tmp_path / "s.duckdb", read_only=True) as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert store.schema_version() == 4
        (claim,) = api.evidence(store, claims=str(claims), redact=False).claims.to_dict("records")
    assert [entries for _, _, entries in cited(claim)] == [("5.1",), ("5.1", "5.2"), ("5.1",)]
    assert counts(claim) == {"sources": 1, "references": 2, "independent_sources": 3, "strength": "strong"}
