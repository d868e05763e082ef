"""A testimonial marked with a Word footnote, in a claim: its corroborating source is the note, shown as the note
(``Footnote 1: ...``, the marker ``[footnote 1]``), never as the sources list's entry of the same number; and a
note in the very words of the list's entry naming a letter filed beside the case study is that letter, which
its file already counts among the claim's independent sources.

Every case study, letter, name and organisation here was made up for these tests.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from evalnlp import api
from evalnlp.store import Store
from word_notes import write_noted_docx

LETTER_ENTRY = "Letter from the Chief Executive, Northfield Trust, 3 June 2016."
BLOCKS = [
    "Better discharge planning at Northfield",
    "4. Details of the impact",
    ["The Chief Executive of Northfield Trust wrote that the research \u201cchanged our policy: every ward now plans "
     "the discharge of older patients this way\u201d", ("footnote", 1), "."],
    "5. Sources to corroborate the impact",
    "[1] Northfield Trust, Annual Report 2016.",
    f"[2] {LETTER_ENTRY}",
]
LETTER = """Northfield Trust
General Hospital

3 June 2016

Dear Professor Hartley,

I am writing to confirm that your research changed our policy: every ward in the trust now plans the discharge \
of older patients with the method you tested.

Yours sincerely,

Dr Helen Achebe
Chief Executive
Northfield Trust
"""
CLAIMS = """claims:
  - id: policy
    text: The research changed the trust's discharge policy.
    themes: [policy_influence, practice_change, service_improvement]
"""


@pytest.fixture
def noted_store(tmp_path: Path) -> Path:
    """The case study as a Word file whose testimonial cites footnote 1 (the letter's entry [2] in the same
    words; entry [1] is another document), its letter filed beside it, coded with the keyword model."""
    case = write_noted_docx(tmp_path / "case.docx", BLOCKS, footnotes={1: LETTER_ENTRY})
    letter = tmp_path / "letter_northfield.txt"
    letter.write_text(LETTER, encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api.ingest(store, [case, letter])
        api.classify(store, codebook="impact", model="keyword")
    return tmp_path


def _claim(folder: Path) -> dict:
    with Store(folder / "s.duckdb") as store:
        (claim,) = api.evidence(store, claims=str(folder / "claims.yaml"), redact=False).claims.to_dict("records")
    return claim


def test_the_note_and_the_letter_it_names_are_one_source(noted_store):
    """Before, the footnote counted as a reference of its own beside the letter's file (and the letter's entry),
    3 independent sources and a strong claim from one case study and one letter."""
    claim = _claim(noted_store)
    told = {t["source"]: t for t in claim["testimonials"]}
    assert set(told) == {"case.docx", "letter_northfield.txt"}
    assert told["case.docx"]["source_ref"] == "1"  # the mark as the body shows it
    assert (claim["sources"], claim["references"], claim["independent_sources"]) == (2, 0, 2)
    assert claim["strength"] == "moderate"
    assert [(e["label"], e["text"]) for e in told["case.docx"]["source_entries"]] == [("footnote 1", LETTER_ENTRY)]


@pytest.mark.parametrize("suffix", [".md", ".html", ".docx", ".json"])
def test_every_written_form_shows_the_note_as_a_note(noted_store, suffix):
    """The report and the evidence files printed the footnote as ``Source 1: ...`` and the marker as a bare
    ``1``, which reads as entry [1] of the list, another document: a report writer pasting it cited the wrong
    source."""
    out = noted_store / f"evidence{suffix}"
    with Store(noted_store / "s.duckdb") as store:
        api.evidence(store, claims=str(noted_store / "claims.yaml"), redact=False, output=out)
    if suffix == ".docx":
        import docx

        text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    elif suffix == ".json":
        (claim,) = json.loads(out.read_text(encoding="utf-8"))["claims"]
        entries = [e for t in claim["testimonials"] for e in t["source_entries"]]
        assert {(e["ref"], e["label"]) for e in entries} == {("1", "footnote 1"), ("2", "[2]")}
        return
    else:
        text = out.read_text(encoding="utf-8").replace("\\[", "[").replace("\\]", "]")  # Markdown's escapes
    assert f"Footnote 1: {LETTER_ENTRY}" in text and f"Source 1: {LETTER_ENTRY}" not in text
    assert "[footnote 1]" in text
    assert f"Source 2: {LETTER_ENTRY}" in text  # the letter's own testimonial cites the list's entry


def test_quotes_and_the_report_give_a_note_marker_as_the_note(noted_store):
    """``quotes`` attributed the case study's testimonial to "The Chief Executive of Northfield Trust, 1", and the
    report's top quotes and a claim's best quotes alike: entry 1 of its sources list is the annual report."""
    with Store(noted_store / "s.duckdb") as store:
        quotes = api.quotes(store, "policy_influence", n=10, redact=False)
        api.report(store, noted_store / "report.html", claims=str(noted_store / "claims.yaml"), redact=False)
        (claim,) = api.evidence(store, claims=str(noted_store / "claims.yaml"), redact=False).claims.to_dict(
            "records")
    ours = quotes[quotes["source"] == "case.docx"]
    assert len(ours) and set(ours["source_ref"]) == {"[footnote 1]"}
    assert {q["source_ref"] for q in claim["quotes"] if q["source"] == "case.docx"} == {"[footnote 1]"}
    page = (noted_store / "report.html").read_text(encoding="utf-8")
    assert "Northfield Trust [footnote 1]; case.docx" in page
    assert " 1; case.docx" not in page
