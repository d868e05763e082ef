"""Extraction and narrative ingestion give the same testimonial and reach figure from TXT, MD, DOCX and PDF."""

from __future__ import annotations

import pytest

from evalnlp import api
from evalnlp.store import Store

LINES = [
    "Around 240 ward managers took part in the pilot.",
    "The Director of Nursing at Ashgrove Trust said that \"the ward managers now",
    "run their own improvement huddles every morning\" [B].",
]
QUOTE_WORDS = "the ward managers now run their own improvement huddles every morning"


@pytest.fixture
def documents(tmp_path, write_docx, write_pdf):
    text = " ".join(LINES)
    txt = tmp_path / "case.txt"
    txt.write_text(text + "\n", encoding="utf-8")
    md = tmp_path / "case.md"
    md.write_text("# Impact\n\n" + "\n".join(LINES) + "\n", encoding="utf-8")
    docx = write_docx([text], name="case.docx")
    pdf = write_pdf([LINES], name="case.pdf")
    return [txt, md, docx, pdf]


def test_extract_finds_the_same_evidence_in_every_format(documents):
    for doc in api.extract(documents):
        assert len(doc.testimonials) == 1, doc.source
        t = doc.testimonials[0]
        assert " ".join(t.quote.split()) == QUOTE_WORDS, doc.source
        assert doc.text[t.start:t.end] == t.quote
        assert t.speaker == "The Director of Nursing at Ashgrove Trust", doc.source
        assert t.source_ref == "[B]", doc.source
        assert [(r.value, r.unit) for r in doc.reach] == [(240.0, "ward managers")], doc.source


def test_narrative_ingestion_stores_testimonials_and_reach_from_every_format(documents, tmp_path):
    with Store(tmp_path / "n.duckdb") as store:
        result = api.ingest(store, documents)
        assert result.n_in == result.n_ok + result.n_rejected
        segs = store.table("segments")
        docs = store.table("documents").set_index("doc_id")
        reach = store.table("reach")
    testimonials = segs[segs.kind == "testimonial"]
    assert len(testimonials) == len(documents)
    assert set(testimonials["source_ref"]) == {"[B]"}
    for row in testimonials.itertuples():
        assert docs.loc[row.doc_id, "text"][row.start:row.end] == row.text
    assert sorted(docs.loc[testimonials["doc_id"], "source"]) == sorted(p.name for p in documents)
    assert len(reach) == len(documents) and set(reach["value"]) == {240.0}


REPORT = [
    "The toolkit was adopted by all eleven community pharmacies in the borough during 2015 and 2016.",
    '"We now use the toolkit with every patient who asks about stopping smoking," said the lead pharmacist.',
    "Quit rates among the pharmacies' clients rose from one in ten to one in four over the first year.",
    "The county council has since written the toolkit into its public health commissioning framework.",
]


def test_the_same_report_read_in_two_formats_is_told_not_counted_twice_silently(cli, tmp_path, write_docx):
    """A case study read as TXT and as DOCX (or PDF, or a draft) stores every passage, testimonial and reach figure
    twice, and claims count both: ingest warns, naming the other file and how many sentences they share. A
    different report, and the same file read again, give no such warning."""
    txt = tmp_path / "case_study.txt"
    txt.write_text("Impact on practice\n\n" + "\n\n".join(REPORT) + "\n", encoding="utf-8")
    docx = write_docx(["Details of the impact", *REPORT], name="case_study.docx")
    other = tmp_path / "other.txt"
    other.write_text("\n\n".join(s.replace("toolkit", "guide").replace("pharmac", "practic") + " It was new."
                                 for s in REPORT) + "\n", encoding="utf-8")
    first = cli("ingest", str(txt), str(other))
    assert first.exit_code == 0 and "warning" not in first.stderr
    again = cli("ingest", str(txt))
    assert again.exit_code == 0 and "warning" not in again.stderr
    second = cli("ingest", str(docx))
    assert second.exit_code == 0
    said = " ".join(second.stderr.split())
    assert "warning: case_study.docx: 4 of its 4 sentences are word for word in 'case_study.txt'" in said
