"""A narrative file (a DOCX, PDF, TXT or Markdown file read as paragraphs, pages or table cells, each a document) is
one text source of an exported project, as a QDA program expects, not one source per paragraph: its text is its
documents' texts in reading order joined by a blank line, every selection moved on by its document's start in it.
Read back, the source is split into the same documents again (at the places evalnlp.json gives, else at those of
the documents the store holds), or is one document when neither says where its documents begin."""

from __future__ import annotations

import json
import re
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from lxml import etree
from qda_helpers import write_zip

from evalnlp import api
from evalnlp.qda import code_guid, guid
from evalnlp.qda._export import JOIN, file_guid, reading_order
from evalnlp.store import Store

NS = {"q": "urn:QDA-XML:project:1.0"}
ANN = "human:ann"

#: a Word document: paragraphs with characters outside the Basic Multilingual Plane, a combining mark and CJK, a
#: table between two paragraphs, and a testimonial
DOCX_PARAGRAPHS = [
    "Impact case study: the Caf\u00e9 programme \U0001F600 in the North West.",
    "The programme trained 1,200 nurses across 62 NHS trusts, and staff gained the confidence to lead.",
    "\u201cOur nurses now lead improvement work across the region \u2014 nai\u0308ve no more,\u201d said the Chief "
    "Nurse of Leeds Teaching Hospitals.",
    "\u65e5\u672c\u8a9e\u306e\u8981\u7d04 \U0001F4C8: the service redesign cut waiting times by a third.",
]
TABLE = [["Trust", "Nurses trained"], ["Leeds Teaching Hospitals", "340"]]
#: a text file of twelve paragraphs: "paragraph 10" must come after "paragraph 9"
TXT_PARAGRAPHS = [f"Paragraph {i}: the partnership with the council {'opened doors' if i % 2 else 'brought funding'}"
                  f" in year {i} \u2013 \u00e0 bient\u00f4t." for i in range(1, 13)]
ANSWERS = ["The programme gave me confidence to lead my team.", "We redesigned the discharge pathway."]


def _write_inputs(folder):
    import docx

    document = docx.Document()
    for text in DOCX_PARAGRAPHS[:2]:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    for text in DOCX_PARAGRAPHS[2:]:
        document.add_paragraph(text)
    document.save(folder / "case.docx")
    (folder / "report.txt").write_text(JOIN.join(TXT_PARAGRAPHS) + "\n", encoding="utf-8")
    (folder / "survey.csv").write_text("id,answer\n" + "".join(f"{i},{a}\n" for i, a in enumerate(ANSWERS, 1)),
                                       encoding="utf-8")


def _code_by_ann(store: Store) -> None:
    """ann codes the testimonial and the tenth paragraph of the report (passages far into their files' texts)."""
    segs = store.table("segments").merge(store.table("documents")[["doc_id", "source", "locator"]], on="doc_id")
    chosen = pd.concat([segs[segs["kind"] == "testimonial"],
                        segs[(segs["source"] == "report.txt") & (segs["locator"] == "paragraph 10")]])
    assert len(chosen) == 2
    with store.transaction():
        run = store.start_run("import-codes", {"coder": ANN})
        store.put_human_codes(pd.DataFrame({"seg_id": chosen["seg_id"], "theme": ["practice_change", "relationships"],
                                            "assigned": True}), ANN, run)
        store.finish_run(run, n_in=2, n_ok=2, n_rejected=0)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A store of a DOCX, a TXT and a survey, coded by a model and a person, and its export."""
    folder = tmp_path_factory.mktemp("narrative")
    _write_inputs(folder)
    with Store(folder / "source.duckdb") as store:
        api.classify(store, [folder / "case.docx", folder / "report.txt"], codebook="impact", model="keyword")
        api.classify(store, [folder / "survey.csv"], text=["answer"], id="id", codebook="impact", model="keyword")
        _code_by_ann(store)
        result = api.export(store, folder / "project.qdpx")
        tables = {n: store.table(n) for n in ("documents", "segments", "codes", "sentiment", "reach")}
        order = store.narrative_documents(texts=False)
    with zipfile.ZipFile(folder / "project.qdpx") as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    return {"folder": folder, "path": folder / "project.qdpx", "db": folder / "source.duckdb", "result": result,
            "members": members, "tables": tables, "order": order}


def _sources(members: dict) -> dict[str, tuple[ET.Element, str]]:
    """Each text source of a project by name: (its element, its plain text)."""
    root = ET.fromstring(members["project.qde"])
    out = {}
    for src in root.iterfind("q:Sources/q:TextSource", NS):
        text = members["sources/" + src.get("plainTextPath")[len("internal://"):]].decode("utf-8")
        out[src.get("name")] = (src, text)
    return out


def _codings(path) -> set[tuple]:
    """Every coding of a project: (source, start, end, the characters selected, code GUID, coder)."""
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    root = ET.fromstring(members["project.qde"])
    users = {u.get("guid"): u.get("id") or u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    out = set()
    for name, (src, text) in _sources(members).items():
        for sel in src.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            for coding in sel.iterfind("q:Coding", NS):
                out.add((name, start, end, text[start:end], coding.find("q:CodeRef", NS).get("targetGUID"),
                         users[coding.get("creatingUser")]))
    return out


def _documents(store: Store) -> pd.DataFrame:
    cols = ["doc_id", "source", "locator", "kind", "question", "text", "attrs"]
    return store.table("documents")[cols].sort_values("doc_id").reset_index(drop=True)


# ---------------------------------------------------------------------------------------- the export


def test_a_narrative_file_is_one_source_and_the_summary_counts_files(exported, project_schema):
    result = exported["result"]
    assert (result.documents, result.sources, result.files) == (8 + 12 + 2, 2 + 2, 2)
    sources = _sources(exported["members"])
    assert sorted(sources) == ["case.docx", "report.txt", "survey.csv id=1 (answer)", "survey.csv id=2 (answer)"]
    assert len([n for n in exported["members"] if n.startswith("sources/")]) == 4
    doc = etree.fromstring(exported["members"]["project.qde"])
    assert project_schema.validate(doc), "\n".join(str(e) for e in project_schema.error_log)


def test_the_files_text_is_its_documents_in_reading_order(exported):
    sources = _sources(exported["members"])
    # "paragraph 10" after "paragraph 9", not after "paragraph 1" as the locators' text would sort
    assert sources["report.txt"][1] == JOIN.join(TXT_PARAGRAPHS)
    # the table's cells where the Word document has the table: after the second paragraph, by row and cell
    cells = [text for row in TABLE for text in row]
    assert sources["case.docx"][1] == JOIN.join(DOCX_PARAGRAPHS[:2] + cells + DOCX_PARAGRAPHS[2:])
    assert sources["survey.csv id=1 (answer)"][1] == ANSWERS[0]


def test_every_selection_covers_the_same_characters_in_the_files_text(exported):
    """Positions count characters (code points): an emoji or a combining mark earlier in the file moves every later
    passage by its characters, never by its UTF-8 or UTF-16 length."""
    tables = exported["tables"]
    segs = tables["segments"].set_index("seg_id")
    seen = 0
    for name, (src, text) in _sources(exported["members"]).items():
        for sel in src.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            seg_id = next(s for s in segs.index if guid("segment", s) == sel.get("guid"))
            assert 0 <= start < end <= len(text)
            assert text[start:end] == segs.at[seg_id, "text"]
            seen += 1
    assert seen == len(set(tables["codes"].loc[tables["codes"]["assigned"], "seg_id"]))
    # the testimonial is in the third paragraph, after the emoji of the first: its place is counted in characters
    case = _sources(exported["members"])["case.docx"][1]
    quote = "Our nurses now lead improvement work across the region \u2014 nai\u0308ve no more,"
    testimonial = [s for s in _sources(exported["members"])["case.docx"][0].iterfind("q:PlainTextSelection", NS)
                   if s.get("name").startswith("Our nurses")]
    assert len(testimonial) == 1 and int(testimonial[0].get("startPosition")) == case.index(quote)
    assert len(case.encode("utf-16-le")) // 2 > len(case)  # the file has characters UTF-16 counts twice


def test_the_file_has_the_variable_values_its_documents_share(exported):
    sources = _sources(exported["members"])
    names = {guid("variable", "evalnlp:" + f): f for f in ("source", "locator", "question", "kind")}
    names[guid("variable", "id")] = "id"  # the survey's id column, an attribute of its answers

    def values(name):
        return {names.get(v.find("q:VariableRef", NS).get("targetGUID")): v[1].text
                for v in sources[name][0].iterfind("q:VariableValue", NS)}

    assert values("report.txt") == {"source": "report.txt", "kind": "narrative"}  # no one locator: none
    assert values("survey.csv id=1 (answer)") == {"source": "survey.csv", "locator": "id=1", "question": "answer",
                                                  "kind": "response", "id": "1"}
    assert sources["report.txt"][0].get("guid") == file_guid("report.txt", None)


def test_the_sidecar_says_where_each_document_of_a_file_is(exported):
    side = json.loads(exported["members"]["evalnlp.json"])
    assert side["version"] == 3
    docs = exported["tables"]["documents"].set_index("doc_id")
    texts = {name: text for name, (_, text) in _sources(exported["members"]).items()}
    by_guid = {guid("document", d): d for d in docs.index}
    names = {file_guid(s, None): s for s in ("case.docx", "report.txt")}
    assert set(side["files"]) == set(names)
    for src_guid, parts in side["files"].items():
        text = texts[names[src_guid]]
        assert parts[0][1] == 0 and parts[-1][2] == len(text)
        for doc_guid, start, end in parts:
            assert text[start:end] == docs.at[by_guid[doc_guid], "text"]
            assert side["documents"][doc_guid]["locator"] == docs.at[by_guid[doc_guid], "locator"]
    report = [side["documents"][g]["locator"] for g, _, _ in side["files"][file_guid("report.txt", None)]]
    assert report == [f"paragraph {i}" for i in range(1, 13)]
    # a passage's offsets stay those in its own document
    assert len(side["documents"]) == 22 and all(0 <= s[2] < s[3] for s in side["segments"])


# ---------------------------------------------------------------------------------------- back again


def test_export_import_export_gives_the_same_documents_and_codings(exported, tmp_path):
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, exported["path"])
        assert result.complete and result.n_rejected == 0 and not result.notes
        # a file is one source read, but each of its documents is stored again
        assert result.documents == 22 and result.n_in == result.n_ok == 4 + len(exported["tables"]["segments"])
        with Store(exported["db"]) as source:
            pd.testing.assert_frame_equal(_documents(store), _documents(source))
        for name in ("segments", "codes", "sentiment", "reach"):
            before = exported["tables"][name]
            cols = list(before.columns)
            pd.testing.assert_frame_equal(store.table(name)[cols].sort_values(cols).reset_index(drop=True),
                                          before.sort_values(cols).reset_index(drop=True), obj=name)
        api.export(store, tmp_path / "again.qdpx")
    assert _codings(tmp_path / "again.qdpx") == _codings(exported["path"])
    with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
        again = zf.read("project.qde").decode("utf-8")
    first = exported["members"]["project.qde"].decode("utf-8")

    def masked(qde: str) -> str:  # the store's name, and the dates of the runs that stored the documents
        qde = re.sub(r"<Project [^>]*>", "", qde)
        return re.sub(r'(<TextSource [^>]*)creationDateTime="[^"]*"', r"\1", qde)

    assert masked(again) == masked(first)


def _resaved(exported, tmp_path, *, keep_sidecar: bool, edit=None):
    """The export as another program saves it back: its XML changed (so evalnlp.json, when kept, no longer fits)."""
    members = dict(exported["members"])
    qde = members["project.qde"].decode("utf-8").replace('origin="evalnlp', 'origin="Other 1.0; was evalnlp')
    members["project.qde"] = (edit(qde) if edit else qde).encode("utf-8")
    if not keep_sidecar:
        del members["evalnlp.json"]
    return write_zip(tmp_path / "resaved.qdpx", members)


def test_a_file_saved_back_by_another_program_is_split_into_the_same_documents(exported, tmp_path):
    """Read from its XML, the file's source is split at the places the evalnlp.json it was exported with gives."""
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, _resaved(exported, tmp_path, keep_sidecar=True))
        assert not result.complete and result.n_rejected == 0
        docs = _documents(store)
        before = exported["tables"]["documents"]
        assert sorted(docs["doc_id"]) == sorted(before["doc_id"])
        api.export(store, tmp_path / "again.qdpx")
    assert _codings(tmp_path / "again.qdpx") == _codings(exported["path"])


def test_without_evalnlp_json_the_store_says_where_the_documents_begin(exported, tmp_path):
    """A program that drops evalnlp.json: back into the store it came from, the file's source is split at the places
    of the stored documents, so nothing is stored twice; into an empty store, it is one document (the whole text,
    every passage at its place in it), and the import says so."""
    path = _resaved(exported, tmp_path, keep_sidecar=False)
    db = tmp_path / "copy.duckdb"
    db.write_bytes(exported["db"].read_bytes())
    with Store(db) as store:
        before = {n: store.table(n) for n in ("documents", "segments")}
        result = api.import_qdpx(store, path)
        assert result.documents_new == 0 and result.segments_new == 0 and result.n_rejected == 0
        for name, table in before.items():
            pd.testing.assert_frame_equal(store.table(name), table)
        assert not [n for n in result.notes if "read as one document" in str(n)]
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, path)
        said = [str(n) for n in result.notes if "read as one document" in str(n)]
        assert len(said) == 1 and said[0].startswith("2 narrative files") and "'case.docx'" in said[0]
        docs = store.table("documents")
        narrative = docs[docs["kind"] == "narrative"].set_index("source")
        texts = {name: text for name, (_, text) in _sources(exported["members"]).items()}
        assert set(narrative.index) == {"case.docx", "report.txt"}
        assert (narrative["locator"] == "document").all()
        assert narrative.at["report.txt", "text"] == texts["report.txt"]
        segs = store.table("segments").merge(docs[["doc_id", "text"]].rename(columns={"text": "doc"}), on="doc_id")
        assert (segs["text"] == [d[s:e] for d, s, e in zip(segs["doc"], segs["start"], segs["end"])]).all()
        api.export(store, tmp_path / "again.qdpx")
    assert _codings(tmp_path / "again.qdpx") == _codings(exported["path"])


def test_a_file_saved_back_with_other_line_ends_and_unicode_form_is_still_split(exported, tmp_path):
    """A program that saves the Word file's text with accents composed and CR LF line ends (its selections moved to
    match) and drops evalnlp.json: back in the store it came from, the text is still its documents', so it is split
    at their places, matched to them, and stores nothing twice."""
    import unicodedata

    members = dict(exported["members"])
    qde = members["project.qde"].decode("utf-8")
    block = re.search(r'<TextSource [^>]*name="case\.docx".*?</TextSource>', qde, re.S).group(0)
    member = "sources/" + re.search(r'plainTextPath="internal://([^"]+)"', block).group(1)
    text = members[member].decode("utf-8")

    def resaved(t: str) -> str:
        return unicodedata.normalize("NFC", t).replace("\n", "\r\n")

    assert len(resaved(text)) != len(text)
    members[member] = resaved(text).encode("utf-8")
    moved = re.sub(r'(start|end)Position="(\d+)"',
                   lambda m: f'{m.group(1)}Position="{len(resaved(text[:int(m.group(2))]))}"', block)
    members["project.qde"] = qde.replace(block, moved).replace('origin="evalnlp', 'origin="Other 1.0; was evalnlp') \
        .encode("utf-8")
    del members["evalnlp.json"]
    db = tmp_path / "copy.duckdb"
    db.write_bytes(exported["db"].read_bytes())
    with Store(db) as store:
        before = {n: store.table(n) for n in ("documents", "segments", "codes")}
        result = api.import_qdpx(store, write_zip(tmp_path / "resaved.qdpx", members))
        assert result.documents_new == 0 and result.segments_new == 0 and result.n_rejected == 0
        assert any("another Unicode form" in str(n) for n in result.notes)
        for name, table in before.items():
            pd.testing.assert_frame_equal(store.table(name), table)


def test_a_selection_over_two_paragraphs_is_a_passage_of_each(exported, tmp_path):
    """In another program a person selects from the end of one paragraph into the next (a passage of each when the
    file is split again, counted as one selection read), and one selects nothing but the blank line between two
    paragraphs (rejected, E145)."""
    text = _sources(exported["members"])["report.txt"][1]
    start = text.index("in year 3 ")
    end = text.index("Paragraph 4:") + len("Paragraph 4:")
    gap = text.index(JOIN, end)
    kim = "0a0b0c0d-0000-4000-8000-00000000000a"
    code = code_guid("impact", "relationships")

    def edit(qde: str) -> str:
        qde = qde.replace("</Users>", f'<User guid="{kim}" name="kim"/></Users>', 1)
        tag = re.search(r'<TextSource [^>]*name="report\.txt"[^>]*>', qde).group(0)
        added = "".join(f'<PlainTextSelection guid="0a0b0c0d-0000-4000-8000-00000000010{i}" name="{name}" '
                        f'startPosition="{a}" endPosition="{b}" creatingUser="{kim}"><Coding '
                        f'guid="0a0b0c0d-0000-4000-8000-00000000020{i}" creatingUser="{kim}"><CodeRef '
                        f'targetGUID="{code}"/></Coding></PlainTextSelection>'
                        for i, (name, a, b) in enumerate([("in year 3", start, end), ("", gap, gap + len(JOIN))]))
        return qde.replace(tag, tag + added, 1)

    path = _resaved(exported, tmp_path, keep_sidecar=True, edit=edit)
    db = tmp_path / "copy.duckdb"
    db.write_bytes(exported["db"].read_bytes())
    with Store(db) as store:
        result = api.import_qdpx(store, path)
        codes = store.table("codes")
        kims = codes[(codes["coder"] == "human:kim") & codes["assigned"]].merge(
            store.table("segments"), on="seg_id").merge(store.table("documents")[["doc_id", "locator"]], on="doc_id")
        assert sorted(zip(kims["locator"], kims["text"], kims["theme"])) == [
            ("paragraph 3", text[start:text.index(JOIN, start)], "relationships"),
            ("paragraph 4", "Paragraph 4:", "relationships")]
        rejects = store.table("rejects")
        rejects = rejects[rejects["run_id"] == result.run_id]
        assert list(rejects["code"]) == ["E145"] and "blank line between two documents" in rejects["reason"].iloc[0]
    n_selections = exported["members"]["project.qde"].count(b"<PlainTextSelection ") + 2
    assert (result.n_in, result.n_ok, result.n_rejected) == (4 + n_selections, 4 + n_selections - 1, 1)


# ---------------------------------------------------------------------------------------- reading order and more


def test_reading_order_of_locators():
    # given in the order the store took them
    assert reading_order(["paragraph 1", "paragraph 10", "paragraph 2", "paragraph 9"]) == [0, 2, 3, 1]
    assert reading_order(["page 1", "pages 2-3", "page 4", "page 10", "page 5"]) == [0, 1, 2, 4, 3]
    # a table's cells after the paragraph the store took before them, by row and cell
    word = ["paragraph 1", "paragraph 2", "table 1 row 1 cell 1", "table 1 row 2 cell 1", "table 1 row 1 cell 2",
            "paragraph 3", "table 2 row 1 cell 1"]
    assert [word[i] for i in reading_order(word)] == ["paragraph 1", "paragraph 2", "table 1 row 1 cell 1",
                                                      "table 1 row 1 cell 2", "table 1 row 2 cell 1", "paragraph 3",
                                                      "table 2 row 1 cell 1"]
    # an edited paragraph read again: both versions at their place, in the order the store took them
    assert reading_order(["paragraph 1", "paragraph 2", "paragraph 3", "paragraph 2"]) == [0, 1, 3, 2]
    # a cell of a table changed since: with the other cells of its table, not after the last paragraph
    assert reading_order(["paragraph 1", "table 1 row 1 cell 1", "paragraph 2", "table 1 row 1 cell 1"]) == [
        0, 1, 3, 2]
    # a locator of another form keeps the store's order
    assert reading_order(["document", "paragraph 2", "paragraph 1"]) == [0, 1, 2]


def test_a_file_read_in_two_versions_is_exported_as_last_read_and_says_so(tmp_path):
    """Read again without ``replace`` after its second paragraph changed, the store holds both versions of that
    paragraph. The file's source text is the file as last read; the earlier version, with its codes, stays in the
    store and travels in evalnlp.json (``superseded``), so that an import into an empty store gives the same
    documents and codes, and the export counts it."""
    report = tmp_path / "report.txt"
    first = ["The partnership with the council opened doors for the programme.",
             "Second paragraph as first written: staff gained confidence and changed their practice.", "Third."]
    report.write_text(JOIN.join(first) + "\n", encoding="utf-8")
    edited = [first[0], "Second paragraph, edited: nurses changed their practice on the wards.", first[2]]
    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [report], codebook="impact", model="keyword")
        report.write_text(JOIN.join(edited) + "\n", encoding="utf-8")
        api.classify(store, [report], codebook="impact", model="keyword")
        docs = store.table("documents").set_index("text")
        old_id = docs.at[first[1], "doc_id"]
        segs = store.table("segments")
        codes = store.table("codes")
        old_coded = set(codes.loc[codes["assigned"] & codes["seg_id"].isin(segs.loc[segs["doc_id"] == old_id,
                                                                                       "seg_id"]), "seg_id"])
        assert old_coded  # the superseded paragraph has coded passages, kept in the store
        with pytest.warns(Warning, match="read in more than one version"):
            result = api.export(store, tmp_path / "p.qdpx")
        assert (result.documents, result.sources, result.files, result.superseded) == (4, 1, 1, 1)
        (said,) = [n for n in result.notes if "more than one version" in n]
        n = len(old_coded)
        assert (f"the 1 earlier version of changed paragraphs or pages ({n} coded passage{'s' if n > 1 else ''}) is "
                "kept in the store and in evalnlp.json, not in the text: report.txt (paragraph 2) (read the file "
                "with replace=True to keep only its latest version in the store)") in said
        with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
            members = {i.filename: zf.read(i) for i in zf.infolist()}
        (src, text), = _sources(members).values()
        assert text == JOIN.join(edited)
        # no selection of the earlier version's passages in the project; their codes are in evalnlp.json
        selected = {sel.get("guid") for sel in src.iterfind("q:PlainTextSelection", NS)}
        assert not selected & {guid("segment", s) for s in old_coded} and selected
        side = json.loads(members["evalnlp.json"])
        assert side["superseded"] == {src.get("guid"): [[guid("document", old_id), first[1]]]}
        assert [g for g, _, _ in side["files"][src.get("guid")]] == [
            guid("document", docs.at[t, "doc_id"]) for t in edited]
        with Store(tmp_path / "fresh.duckdb") as fresh:
            back = api.import_qdpx(fresh, tmp_path / "p.qdpx")
            assert back.complete and not back.notes and back.n_rejected == 0
            pd.testing.assert_frame_equal(_documents(fresh), _documents(store))
            for name in ("segments", "codes"):
                pd.testing.assert_frame_equal(fresh.table(name), store.table(name), obj=name)
            with pytest.warns(Warning, match="read in more than one version"):
                api.export(fresh, tmp_path / "again.qdpx")
        with zipfile.ZipFile(tmp_path / "again.qdpx") as zf:
            again = json.loads(zf.read("evalnlp.json"))
        assert again["superseded"] == side["superseded"] and again["codes"] == side["codes"]
        # read back from its XML alone (no evalnlp.json) into the store it came from: the text is still the latest
        # reading's, so it is split at those documents' places and adds nothing
        del members["evalnlp.json"]
        members["project.qde"] = members["project.qde"].replace(b'origin="evalnlp', b'origin="Other 1.0')
        before = store.table("documents")
        xml_only = api.import_qdpx(store, write_zip(tmp_path / "resaved.qdpx", members))
        assert xml_only.documents_new == 0 and xml_only.segments_new == 0
        pd.testing.assert_frame_equal(store.table("documents"), before)


def test_pages_in_any_store_order_and_only_shared_attributes(tmp_path):
    """A PDF's pages stored out of order ("page 4" first) come in page order, "pages 2-3" at 2; only the attribute
    values every page has alike are the file's."""
    pages = [("page 4", "Fourth page.", {"programme": "MS", "pages": 1}),
             ("page 1", "First page \u00e9.", {"programme": "MS", "pages": 1, "region": "NW"}),
             ("pages 2-3", "Second and third pages.", {"programme": "MS", "pages": 2})]
    with Store(tmp_path / "s.duckdb") as store:
        with store.transaction():
            run = store.start_run("ingest", {"files": ["letter.pdf"]})
            store.insert_documents(pd.DataFrame({"source": "letter.pdf", "locator": [p[0] for p in pages],
                                                 "kind": "narrative", "question": None, "text": [p[1] for p in pages],
                                                 "attrs": [json.dumps(p[2]) for p in pages]}), run)
            store.finish_run(run, n_in=3, n_ok=3, n_rejected=0)
        api.export(store, tmp_path / "p.qdpx", codebook="impact")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    (src, text), = _sources(members).values()
    assert text == JOIN.join(["First page \u00e9.", "Second and third pages.", "Fourth page."])
    values = {v.find("q:VariableRef", NS).get("targetGUID"): v[1].text for v in src.iterfind("q:VariableValue", NS)}
    assert values == {guid("variable", "evalnlp:source"): "letter.pdf", guid("variable", "evalnlp:kind"): "narrative",
                      guid("variable", "programme"): "MS"}
    # read back whole, each page keeps its own attributes
    with Store(tmp_path / "fresh.duckdb") as store:
        api.import_qdpx(store, tmp_path / "p.qdpx")
        attrs = {r.locator: json.loads(r.attrs) for r in store.table("documents").itertuples()}
    assert attrs == {p[0]: p[2] for p in pages}


def test_an_evalnlp_json_of_the_first_version_is_still_read(tmp_path):
    """Files exported before narrative files were one source (evalnlp.json version 1, no ``files``) are read whole."""
    survey = tmp_path / "survey.csv"
    survey.write_text("answer\nThe mentoring built my confidence to lead the team.\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [survey], text=["answer"], codebook="impact", model="keyword")
        api.export(store, tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    side = json.loads(members["evalnlp.json"])
    assert side.pop("files") == {}
    members["evalnlp.json"] = json.dumps(dict(side, version=1)).encode("utf-8")
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, write_zip(tmp_path / "v1.qdpx", members))
        assert result.complete and result.documents == 1 and not result.notes


def _case_docx(path, before_table: str) -> None:
    """A Word case study: two paragraphs, a table, a paragraph after it; ``before_table`` the second paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph("The programme trained nurses across the region's trusts.")
    document.add_paragraph(before_table)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(TABLE):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("Staff gained the confidence to lead improvement work.")
    document.save(path)


def test_a_word_table_keeps_its_place_when_the_paragraph_before_it_changed_and_the_file_is_replaced(tmp_path):
    """Read again with ``replace``, the kept table's cells and the changed paragraph before them come in the order of
    the document, so the exported text has the table after that paragraph, not one paragraph early."""
    case = tmp_path / "case.docx"
    _case_docx(case, "The table below counts the nurses trained.")
    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [case], codebook="impact", model="keyword")
        _case_docx(case, "The table below counts the nurses trained in each trust.")
        with pytest.warns(Warning, match="1 document removed, 6 kept, 1 added"):
            api.classify(store, [case], codebook="impact", model="keyword", replace=True)
        assert list(store.narrative_documents()["locator"]) == [
            "paragraph 1", "paragraph 2", "table 1 row 1 cell 1", "table 1 row 1 cell 2", "table 1 row 2 cell 1",
            "table 1 row 2 cell 2", "paragraph 3"]
        result = api.export(store, tmp_path / "p.qdpx")
        assert not result.notes
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    (src, text), = _sources(members).values()
    assert text == JOIN.join(["The programme trained nurses across the region's trusts.",
                              "The table below counts the nurses trained in each trust.",
                              *[cell for row in TABLE for cell in row],
                              "Staff gained the confidence to lead improvement work."])
    # each document of the file is where evalnlp.json says it is
    (parts,) = json.loads(members["evalnlp.json"])["files"].values()
    with Store(tmp_path / "s.duckdb") as store:
        docs = store.table("documents")
    by_guid = {guid("document", d): t for d, t in zip(docs["doc_id"], docs["text"])}
    assert [text[a:b] for _, a, b in parts] == [by_guid[g] for g, _, _ in parts]
