"""`evalnlp extract`: the JSON contract, offsets into the file, and the demo report's planted evidence."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import CORPORA

from evalnlp.cli import app

DEMO = CORPORA / "demo_leadership"


def extract_json(runner, *files: Path) -> dict:
    result = runner.invoke(app, ["extract", *map(str, files), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_contract_and_offsets_into_a_text_file(runner, tmp_path):
    text = ("The programme reached 95 senior NHS clinicians and managers in 2019.\n\n"
            "According to the Chief Executive of Northfield Trust, \"the fellows have changed how our "
            "board and clinicians talk to each other\" [B].\n")
    f = tmp_path / "case.txt"
    f.write_text(text, encoding="utf-8")
    out = extract_json(runner, f)
    (doc,) = out["documents"]
    assert doc["source"] == "case.txt"
    (t,) = doc["testimonials"]
    assert set(t) == {"quote", "speaker", "source_ref", "start", "end"}
    assert t["quote"] == text[t["start"]:t["end"]]
    assert t["quote"].startswith("the fellows have changed")
    assert t["speaker"] == "the Chief Executive of Northfield Trust"
    assert t["source_ref"] == "[B]"
    (r,) = doc["reach"]
    assert set(r) == {"text", "value", "unit", "start", "end"}
    assert r["text"] == "95 senior NHS clinicians and managers" == text[r["start"]:r["end"]]
    assert r["value"] == 95.0


def test_demo_report_gives_every_planted_testimonial_and_reach_figure(runner):
    gold = json.loads((DEMO / "gold_report.json").read_text(encoding="utf-8"))
    (doc,) = extract_json(runner, DEMO / "evaluation_report.docx")["documents"]
    squash = lambda s: " ".join(s.split()) if s else s  # noqa: E731
    found = {squash(t["quote"]): t for t in doc["testimonials"]}
    for g in gold["testimonials"]:
        t = found.get(squash(g["quote"]))
        assert t is not None, g["quote"]
        assert squash(t["speaker"]) == squash(g["speaker"])
        assert t["source_ref"] == g["source_ref"]
    assert len(doc["testimonials"]) == len(gold["testimonials"])
    assert [(r["text"], r["value"]) for r in doc["reach"]] == [(g["text"], g["value"]) for g in gold["reach"]]


def test_extract_refuses_a_table(runner, tmp_path):
    f = tmp_path / "survey.csv"
    f.write_text("text\nhello\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(f)])
    assert result.exit_code == 1
    assert "E134" in result.output


def test_ingesting_the_report_stores_testimonials_with_speakers(cli, db_path):
    result = cli("ingest", str(DEMO / "evaluation_report.docx"))
    assert result.exit_code == 0, result.output
    from evalnlp.store import Store

    gold = json.loads((DEMO / "gold_report.json").read_text(encoding="utf-8"))
    with Store(db_path) as store:
        segs = store.table("segments")
        docs = store.table("documents").set_index("doc_id")
        reach = store.table("reach")
    tst = segs[segs.kind == "testimonial"]
    assert len(tst) == len(gold["testimonials"])
    assert {" ".join(str(s).split()) for s in tst["speaker"]} == {" ".join(g["speaker"].split()) for g in gold["testimonials"]}
    for row in tst.itertuples():  # every segment is a slice of its document
        assert docs.loc[row.doc_id, "text"][row.start:row.end] == row.text
    assert sorted(reach["value"]) == sorted(g["value"] for g in gold["reach"])
