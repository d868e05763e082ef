"""A Word document's footnotes and endnotes: each reference reads in the body as its mark in superscript digits,
numbered as Word numbers it; each note's text is a document of the file (``footnote 3``) that is not coded,
quoted or counted, and a corroborating-source entry that a testimonial's mark names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence
from xml.sax.saxutils import escape

import pytest

from evalnlp import api
from evalnlp.cli import app
from evalnlp.store import Store

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: a piece of a paragraph: text, or a note reference ``("footnote", id)`` / ``("endnote", id)``, or one with a
#: custom mark ``("footnote", id, "*")``
Piece = "str | tuple"


def _notes_part(kind: str, notes: dict[int, str], custom: dict[int, str]) -> bytes:
    """A footnotes or endnotes part as Word writes it: the two separators, then each note opening with its mark
    (Word's ``w:footnoteRef``, or the custom mark typed) and a space."""
    body = [f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>',
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            f'</w:{kind}>']
    for nid, text in notes.items():
        mark = (f"<w:t>{escape(custom[nid])}</w:t>" if nid in custom else f"<w:{kind}Ref/>")
        paragraphs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
                             for line in text.split("\n")[1:])
        first = text.split("\n")[0]
        body.append(f'<w:{kind} w:id="{nid}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>{mark}</w:r>'
                    f'<w:r><w:t xml:space="preserve"> {escape(first)}</w:t></w:r></w:p>{paragraphs}</w:{kind}>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s xmlns:w="{W}">'
            + "".join(body) + f"</w:{kind}s>").encode("utf-8")


def _fill(paragraph, pieces: Sequence) -> None:
    from docx.oxml import parse_xml

    for piece in [pieces] if isinstance(pieces, str) else pieces:
        if isinstance(piece, str):
            paragraph.add_run(piece)
            continue
        kind, nid, *custom = piece
        run = paragraph.add_run()
        follows = ' w:customMarkFollows="1"' if custom else ""
        run._r.append(parse_xml(f'<w:{kind}Reference xmlns:w="{W}"{follows} w:id="{nid}"/>'))
        if custom:
            run._r.append(parse_xml(f'<w:t xmlns:w="{W}">{escape(custom[0])}</w:t>'))


def write_noted_docx(path: Path, blocks: Sequence, footnotes: dict[int, str] | None = None,
                     endnotes: dict[int, str] | None = None, custom: dict[int, str] | None = None,
                     header: str | None = None) -> Path:
    """A Word document written with python-docx: each block a paragraph (a string, or a list of pieces, see
    :data:`Piece`) or a table (``("table", [[cell pieces, ...], ...])``); the notes' parts added as Word adds
    them (a part related to the main document part); ``custom`` gives notes' custom marks by id."""
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = docx.Document()
    for block in blocks:
        if isinstance(block, tuple) and block[0] == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    _fill(table.cell(r, c).paragraphs[0], cell)
        else:
            _fill(document.add_paragraph(), block)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for kind, notes, content_type, rel in (("footnote", footnotes, CT.WML_FOOTNOTES, RT.FOOTNOTES),
                                           ("endnote", endnotes, CT.WML_ENDNOTES, RT.ENDNOTES)):
        if notes:
            part = Part(PackURI(f"/word/{kind}s.xml"), content_type, _notes_part(kind, notes, custom or {}),
                        document.part.package)
            document.part.relate_to(part, rel)
    document.save(path)
    return path


@pytest.fixture
def rules_pipeline(monkeypatch):
    """Extraction on the rule path, whatever model is installed."""
    from evalnlp.ingest import narrative

    monkeypatch.setitem(narrative._PIPELINES, True, narrative.load_pipeline(prefer_model=False))


def extract_json(runner, path: Path) -> dict:
    result = runner.invoke(app, ["extract", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(result.stdout)["documents"]
    return doc


QUOTE = ("\u201cThe discharge toolkit changed how every ward in the trust plans its week, and the change has "
         "lasted.\u201d")
LETTER = "Letter from the Chief Executive, Northfield NHS Trust, 12 March 2013."


# --- the body: each reference as its mark -----------------------------------------------------------------


def test_references_read_as_superscript_numbers_in_the_order_they_stand(tmp_path):
    """Word numbers each kind of note 1, 2, 3 ... in the order its references stand in the text, whatever the ids
    in the file (here the first reference is to note 7); endnotes count apart from footnotes; a reference in a
    table cell counts in its place; a custom mark is shown as typed and takes no number; a reference a tracked
    change deleted shows nothing and takes no number, and its note is not read."""
    from docx.oxml import parse_xml

    from evalnlp.ingest._documents import read_docx

    path = write_noted_docx(tmp_path / "marks.docx", [
        ["The trust adopted the toolkit in 2013.", ("footnote", 7), " Wards followed.", ("endnote", 4)],
        ("table", [[["Wards", ("footnote", 2)], ["40"]]]),
        ["A later report", ("footnote", 3, "*"), " and a survey", ("footnote", 5), " agree."],
        ["Deleted here:", ("footnote", 9), " end."],
    ], footnotes={7: "Annual report, 2013.", 2: "Ward census.", 3: "Board minutes.", 5: "Staff survey, 2014.",
                  9: "A note whose reference was deleted."},
       endnotes={4: "An endnote on wards."}, custom={3: "*"})
    # a tracked deletion of the last paragraph's reference
    import docx

    document = docx.Document(str(path))
    last = document.paragraphs[-1]._p
    run = last.findall(f"{{{W}}}r")[1]
    deleted = parse_xml(f'<w:del xmlns:w="{W}" w:id="90" w:author="A" w:date="2024-01-01T00:00:00Z"/>')
    run.addprevious(deleted)
    deleted.append(run)
    document.save(path)

    notes: list = []
    unread: dict = {}
    passages = read_docx(path, unread, notes)
    assert [p.text for p in passages] == [
        "The trust adopted the toolkit in 2013.\u00b9 Wards followed.\u00b9", "Wards\u00b2", "40",
        "A later report* and a survey\u00b3 agree.", "Deleted here: end."]
    assert [(n.locator, n.text) for n in notes] == [
        ("footnote 1", "Annual report, 2013."), ("footnote 2", "Ward census."), ("footnote *", "Board minutes."),
        ("footnote 3", "Staff survey, 2014."), ("endnote 1", "An endnote on wards.")]
    assert unread == {}


def test_a_note_of_several_paragraphs_keeps_them_one_a_line_and_numbers_pass_nine(tmp_path):
    """Two-digit numbers are two superscript digits; a note's paragraphs are one per line, without its mark."""
    from evalnlp.ingest._documents import read_docx

    pieces: list = []
    for k in range(1, 13):
        pieces += [f"Claim {k}.", ("footnote", k), " "]
    path = write_noted_docx(tmp_path / "twelve.docx", [pieces],
                            footnotes={k: f"Source {k}." + ("\nSecond paragraph." if k == 12 else "")
                                       for k in range(1, 13)})
    notes: list = []
    (body,) = read_docx(path, None, notes)
    assert body.text.startswith("Claim 1.\u00b9 Claim 2.\u00b2 ")
    assert "Claim 10.\u00b9\u2070 Claim 11.\u00b9\u00b9 Claim 12.\u00b9\u00b2" in body.text
    assert notes[-1].locator == "footnote 12" and notes[-1].text == "Source 12.\nSecond paragraph."


# --- the notes stored: documents, not evidence; entries a testimonial's mark names -------------------------


def test_footnotes_are_stored_documents_not_coded_and_counts_add_up(tmp_path, rules_pipeline):
    """Each footnote is a document of the file (``footnote 2``), like the sources section's paragraphs not split
    into passages, so nothing in it is coded, quoted or counted; a note of punctuation only is a reject as any
    passage is; documents and rejects add up to the passages read (body and notes)."""
    path = write_noted_docx(tmp_path / "case.docx", [
        "Details of the impact",
        ["The programme trained 40 ward sisters in 2019.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 2)],
        ["Wards kept the new routine.", ("footnote", 3)],
    ], footnotes={1: "Training records of the programme, 2019: 40 ward sisters, all of them staff nurses.",
                  2: LETTER, 3: "-"})
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [path])
        (report,) = result.files
        assert (report.n_in, report.n_ok, report.n_rejected) == (7, 6, 1)
        assert report.unread_parts == {}
        docs = store.table("documents")
        assert sorted(docs["locator"]) == ["footnote 1", "footnote 2", "paragraph 1", "paragraph 2",
                                           "paragraph 3", "paragraph 4"]
        (reject,) = store.table("rejects").itertuples()
        assert reject.locator == "footnote 3" and reject.code == "E141"
        segs = store.table("segments").merge(docs[["doc_id", "locator"]], on="doc_id")
        assert not segs["locator"].str.startswith("footnote").any()
        assert not segs["text"].str.contains("Training records|Letter from").any()
        # the reach figure is the body's only: the footnote's "40 ward sisters" is not counted again
        reach = store.table("reach").merge(docs[["doc_id", "locator"]], on="doc_id")
        assert list(reach["locator"]) == ["paragraph 2"]
        sources = store.table("sources").sort_values("position")
        assert list(zip(sources["ref"], sources["label"])) == [("1", "footnote 1"), ("2", "footnote 2")]
        api.classify(store, codebook="impact")
        coded = store.table("codes").merge(segs[["seg_id", "locator"]], on="seg_id")
        assert len(coded) and not coded["locator"].str.startswith("footnote").any()


def test_a_testimonial_marked_with_a_footnote_is_linked_to_it(tmp_path, runner, rules_pipeline):
    """``...lasted.”²``: the testimonial's source reference is the footnote's number and its source entry the
    footnote, in `extract --format json` and in the store; the body reads as the PDF of the file would."""
    path = write_noted_docx(tmp_path / "case.docx", [
        ["The programme began in 2012.", ("footnote", 1)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("footnote", 2), " Other trusts followed."],
    ], footnotes={1: "Programme plan, 2012.", 2: LETTER})
    doc = extract_json(runner, path)
    (t,) = doc["testimonials"]
    assert t["quote"].startswith("The discharge toolkit") and t["speaker"] == "The Chief Executive of Northfield NHS Trust"
    assert t["source_ref"] == "2"
    assert t["source_entries"] == [{"ref": "2", "label": "footnote 2", "text": LETTER, "start": 0, "end": len(LETTER)}]
    assert [s["label"] for s in doc["sources"]] == ["footnote 1", "footnote 2"]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"]
        assert list(told["source_ref"]) == ["2"]
        assert list(store.segment_sources(told["seg_id"].tolist())["text"]) == [LETTER]
        docs = store.table("documents").set_index("locator")
        assert docs.loc["paragraph 2", "text"].endswith("lasted.\u201d\u00b2 Other trusts followed.")
        # the mark ends the sentence with the quotation: the next sentence is a passage of its own
        sentences = segs[segs["kind"] == "sentence"]["text"].tolist()
        assert "Other trusts followed." in sentences


def test_endnotes_are_read_stored_and_linked_as_footnotes_are(tmp_path, runner, rules_pipeline):
    """A document with endnotes only: they are numbered 1, 2 ... in their own count, stored as ``endnote 1``,
    and a testimonial's mark names its endnote."""
    path = write_noted_docx(tmp_path / "report.docx", [
        ["The review began in 2012.", ("endnote", 8)],
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, ("endnote", 3)],
    ], endnotes={8: "Review terms of reference, 2012.", 3: LETTER})
    doc = extract_json(runner, path)
    (t,) = doc["testimonials"]
    assert t["source_ref"] == "2"
    assert [(e["label"], e["text"]) for e in t["source_entries"]] == [("endnote 2", LETTER)]
    table = " ".join(runner.invoke(app, ["extract", str(path)]).output.split())
    assert "endnote 2: Letter from the Chief" in table and "endnote 1 │ Review terms" in table
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [path])
        assert (result.n_in, result.n_ok, result.n_rejected) == (4, 4, 0)
        assert sorted(store.table("documents")["locator"]) == ["endnote 1", "endnote 2", "paragraph 1",
                                                                "paragraph 2"]


def test_a_document_with_a_sources_section_and_footnotes_keeps_both(tmp_path, runner, rules_pipeline):
    """Both are the file's entries, the section's first: a bracketed marker names the section's entry, a
    footnote's mark its footnote, even where the section has an entry of the same number."""
    path = write_noted_docx(tmp_path / "case.docx", [
        "Details of the impact",
        ["The Chief Executive of Northfield NHS Trust wrote: ", QUOTE, " [2]"],
        ["The Director of Nursing at Southfield Hospital said: \u201cEvery ward now plans its discharges on "
         "Monday, and patients go home sooner.\u201d", ("footnote", 1)],
        "Sources to corroborate the impact",
        "[1] Annual report of the programme, 2014.",
        "[2] " + LETTER,
    ], footnotes={1: "Email from the Director of Nursing, Southfield Hospital, 2015."})
    doc = extract_json(runner, path)
    first, second = doc["testimonials"]
    assert first["source_ref"] == "[2]" and [e["text"] for e in first["source_entries"]] == [LETTER]
    assert second["source_ref"] == "1"
    assert [e["label"] for e in second["source_entries"]] == ["footnote 1"]
    assert [s["label"] for s in doc["sources"]] == ["[1]", "[2]", "footnote 1"]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        sources = store.table("sources").sort_values("position")
        assert list(sources["label"]) == ["[1]", "[2]", "footnote 1"]
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"].sort_values("source_ref")
        linked = store.segment_sources(told["seg_id"].tolist()).merge(told[["seg_id", "source_ref"]], on="seg_id")
        assert sorted(zip(linked["source_ref"], linked["text"])) == [
            ("1", "Email from the Director of Nursing, Southfield Hospital, 2015."), ("[2]", LETTER)]


def test_the_not_read_warning_no_longer_names_footnotes_or_endnotes(tmp_path, runner):
    """Footnotes and endnotes are read now: the warning names only what is still not read (a header)."""
    path = write_noted_docx(tmp_path / "case.docx", [["The programme trained 40 ward sisters.", ("footnote", 1),
                                                      " It ran for a year.", ("endnote", 1)]],
                            footnotes={1: "Training records."}, endnotes={1: "Programme plan."},
                            header="Northfield NHS Trust")
    for args in (["ingest", str(path)], ["extract", str(path)]):
        result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), *args])
        said = " ".join(result.output.split())
        assert result.exit_code == 0 and "case.docx: not read: 1 header (evalnlp reads" in said
        assert "footnote" not in said.split("(evalnlp reads")[0] and "endnote" not in said.split("(evalnlp reads")[0]
        assert "and its footnotes and endnotes; copy what they hold" in said
    plain = write_noted_docx(tmp_path / "plain.docx", [["Trained 40 ward sisters.", ("footnote", 1)]],
                             footnotes={1: "Training records."})
    assert "not read" not in runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "ingest", str(plain)]).output
