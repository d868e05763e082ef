"""`evalnlp extract`: the JSON contract, offsets into the file, and the demo report's planted evidence."""

from __future__ import annotations

import json
import re
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
    assert set(t) == {"quote", "speaker", "source_ref", "start", "end", "source_entries"}
    assert t["source_entries"] == []  # the file has no sources list
    assert doc["sources"] == [] and doc["sources_file"] is None
    assert t["quote"] == text[t["start"]:t["end"]]
    assert t["quote"].startswith("the fellows have changed")
    assert t["speaker"] == "the Chief Executive of Northfield Trust"
    assert t["source_ref"] == "[B]"
    (r,) = doc["reach"]
    assert set(r) == {"text", "value", "unit", "start", "end"}
    assert r["text"] == "95 senior NHS clinicians and managers" == text[r["start"]:r["end"]]
    assert r["value"] == 95.0


CASE = ("4. Details of the impact\n"
        "The Chief Executive of Northfield Trust said \"the fellows have changed how our board and clinicians "
        "talk to each other\" [B]. Staff called the course 'the most useful training I have had in years'; "
        "and 'something every manager should attend' (see Source 3).\n\n"
        "5. Sources to corroborate the impact\n"
        "[A] Evaluation report, 2019, \"Fellows In Every Northfield Board\", reaching 95 clinicians.\n"
        "[B] Letter from the Chief Executive, Northfield Trust.\n"
        "[C] Survey of course members, 2020.\n")


def test_offsets_in_a_file_with_windows_line_ends_count_each_line_end_once(runner, tmp_path):
    """A CR LF file: offsets are into the text as read, each CR LF one line break, as the README says."""
    body = ('Line one.\r\nThe head said "this training changed how our managers and clinicians talk to each other '
            'every week" (source 1).\r\n')
    path = tmp_path / "crlf.txt"
    path.write_bytes(body.encode("utf-8"))
    doc = extract_json(runner, path)["documents"][0]
    (t,) = doc["testimonials"]
    read = body.replace("\r\n", "\n")
    assert read[t["start"]:t["end"]] == t["quote"] == ("this training changed how our managers and clinicians talk to "
                                                        "each other every week")
    assert body[t["start"]:t["end"]] != t["quote"]  # in the file's own characters it is one later


def test_json_sources_and_source_entries_from_the_documents_own_section(runner, tmp_path):
    f = tmp_path / "case.txt"
    f.write_text(CASE, encoding="utf-8")
    (doc,) = extract_json(runner, f)["documents"]
    assert [(e["ref"], e["label"]) for e in doc["sources"]] == [("A", "[A]"), ("B", "[B]"), ("C", "[C]")]
    for e in doc["sources"]:
        assert set(e) == {"ref", "label", "text", "start", "end"}
        assert CASE[e["start"]:e["end"]] == e["text"]
    assert doc["sources_file"] is None
    t1, t2, t3 = doc["testimonials"]  # the quoted title in the sources list is no testimonial
    assert [e["text"] for e in t1["source_entries"]] == ["Letter from the Chief Executive, Northfield Trust."]
    assert t2["source_ref"] == t3["source_ref"] == "(see Source 3)"  # one marker after a run of quotations
    assert [e["ref"] for e in t2["source_entries"]] == [e["ref"] for e in t3["source_entries"]] == ["C"]
    assert doc["reach"] == []  # "95 clinicians" is in the sources list


def test_json_sources_from_a_separate_file(runner, tmp_path):
    narrative, _ = CASE.split("\n\n")
    f, s = tmp_path / "case.txt", tmp_path / "case_sources.txt"
    f.write_text(narrative, encoding="utf-8")
    s.write_text("Sources to corroborate the impact\nA. Report.\nB. Letter from the Chief Executive.\n"
                 "C. Survey.\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(f), "--sources", str(s), "--format", "json"])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["sources_file"] == "case_sources.txt"
    assert [e["ref"] for e in doc["sources"]] == ["A", "B", "C"]
    assert [[e["ref"] for e in t["source_entries"]] for t in doc["testimonials"]] == [["B"], ["C"], ["C"]]
    table = runner.invoke(app, ["extract", str(f), "--sources", str(s)])
    assert table.exit_code == 0 and "Letter from the Chief Executive" in table.output


def test_sources_files_must_pair_with_documents(runner, tmp_path):
    f, g = tmp_path / "a.txt", tmp_path / "b.txt"
    f.write_text("Text.", encoding="utf-8")
    g.write_text("Text.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(f), str(g), "--sources", str(f)])
    assert result.exit_code == 1
    assert "E171" in result.output


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
    # the gold annotates the running text; the participants table adds its own column of counts
    prose = [(r["text"], r["value"]) for r in doc["reach"] if r["unit"] != "Participants"]
    assert prose == [(g["text"], g["value"]) for g in gold["reach"]]
    assert [(r["text"], r["value"]) for r in doc["reach"] if r["unit"] == "Participants"] == TABLE_REACH


#: The report's table of programmes: the participants column (the cohorts' columns, headed 2023A ... , and the
#: survey responses count no one the table names as people).
TABLE_REACH = [("120", 120.0), ("127", 127.0), ("95", 95.0), ("342", 342.0)]


def test_a_speaker_wrapped_over_two_lines_is_one_line_in_json_and_the_table(runner, tmp_path):
    """In a hard-wrapped text (a PDF's page, a REF export) the speaker's words may run over a line break, and
    the JSON gave "Margaret Ellison,\nHeadteacher of Northfield Academy": the speaker is printed on one line, its
    words as written (the quote keeps the document's line breaks, as its offsets say)."""
    text = ("Headteachers report lasting changes in the way their departments work. Margaret Ellison,\n"
            "Headteacher of Northfield Academy, wrote that teachers \u201ctalk to one another about misconceptions\n"
            "in a way I had not seen in twenty years of headship\u201d [A].\n")
    f = tmp_path / "case.txt"
    f.write_text(text, encoding="utf-8")
    (doc,) = extract_json(runner, f)["documents"]
    (t,) = doc["testimonials"]
    assert t["speaker"] == "Margaret Ellison, Headteacher of Northfield Academy"
    assert t["quote"] == text[t["start"]:t["end"]] and "\n" in t["quote"]
    table = runner.invoke(app, ["extract", str(f)]).stdout
    assert "Margaret Ellison, Headteacher" in table


def test_a_block_quotation_is_one_line_in_the_table_and_as_written_in_json(runner, tmp_path):
    """A quotation set in on both sides of a hard-wrapped text: the table prints its quote and speaker each on one
    line (before, the quote kept the block's line breaks and indentation); the JSON's quote stays exactly as in
    the document, at its offsets."""
    text = ("One head teacher described the change in her school:\n\n"
            "        \u201cWe used to lose a third of the class by the spring. Now the teachers\n"
            "        notice in the first weeks,\u201d said Joanna Mbeki, Head Teacher of\n"
            "        Carrow Primary School.\n\nThe county council adopted the programme.\n")
    f = tmp_path / "block.txt"
    f.write_text(text, encoding="utf-8")
    (t,) = extract_json(runner, f)["documents"][0]["testimonials"]
    assert t["quote"] == text[t["start"]:t["end"]] and "\n        notice" in t["quote"]
    assert t["speaker"] == "Joanna Mbeki, Head Teacher of Carrow Primary School"
    table = runner.invoke(app, ["extract", str(f)]).stdout
    assert "notice in" in table and re.search(r"│ {2,}[^\s│]", table) is None  # no cell line indented


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
    assert sorted(reach["value"]) == sorted([g["value"] for g in gold["reach"]] + [v for _, v in TABLE_REACH])


def test_ingesting_a_case_study_stores_its_sources_and_links_each_testimonial(cli, db_path, tmp_path):
    f = tmp_path / "case.txt"
    f.write_text(CASE, encoding="utf-8")
    for _ in range(2):  # ingesting the same file again adds nothing
        result = cli("ingest", str(f))
        assert result.exit_code == 0, result.output
    from evalnlp.store import Store

    with Store(db_path) as store:
        sources = store.table("sources")
        segs = store.table("segments")
        cited = store.segment_sources()
        reach = store.table("reach")
    assert sources[["position", "ref", "label"]].values.tolist() == [[1, "A", "[A]"], [2, "B", "[B]"], [3, "C", "[C]"]]
    assert sources["text"].tolist()[1] == "Letter from the Chief Executive, Northfield Trust."
    tst = segs[segs.kind == "testimonial"].sort_values("start")
    assert len(tst) == 3 and reach.empty  # nothing read from the sources list itself
    by_seg = cited.groupby("seg_id")["ref"].apply(list).to_dict()
    assert [by_seg.get(s) for s in tst["seg_id"]] == [["B"], ["C"], ["C"]]


def test_a_folder_or_a_pattern_stands_for_its_narrative_documents(runner, tmp_path):
    """As ingest and classify take them: a folder is its TXT, Markdown, DOCX and PDF files in name order
    (a table beside them is left out), a quoted pattern the documents it matches."""
    folder = tmp_path / "cases"
    folder.mkdir()
    text = "The Director said: \"the toolkit changed how our team plans every screening clinic\" [5.2].\n"
    (folder / "b.txt").write_text(text, encoding="utf-8")
    (folder / "a.md").write_text(text, encoding="utf-8")
    (folder / "scores.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert [d["source"] for d in extract_json(runner, folder)["documents"]] == ["a.md", "b.txt"]
    assert [d["source"] for d in extract_json(runner, folder / "*.txt")["documents"]] == ["b.txt"]
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "scores.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "tables")])
    assert result.exit_code == 1 and "E173" in result.output
