"""Exporting REFI-QDA files: valid against the official schemas, offsets that slice the plain text, coders as
users, themes as nested codes, attributes as variables, and the same file from the same store."""

from __future__ import annotations

import json
import re
import zipfile
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
from lxml import etree
from qda_helpers import foreign_members, foreign_project_xml, write_zip

from evalnlp import api
from evalnlp.codebook import load_codebook
from evalnlp.errors import InputError
from evalnlp.qda import code_guid, guid
from evalnlp.store import Store

NS = {"q": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}

NESTED_CODEBOOK = """\
id: nested
title: Nested themes
themes:
  - id: care
    label: Care
    definition: Anything about the care received.
    include: Nursing and medical care.
    exclude: Food (food).
  - id: kindness
    label: Kindness & "respect"
    definition: Staff were kind <and> respectful.
    parent: care
  - id: speed
    label: Speed
    definition: How quickly people were seen.
    parent: care
  - id: food
    label: Food
    definition: Meals and drinks.
"""

ODD_TEXT = "Line one\r\nThe nurse was kind \U0001F600 and quick.\x0bThe food was cold & bland <really>.\n"


def build_odd_store(store: Store) -> None:
    """Documents with attributes of every JSON type, control characters, Windows line ends and an emoji."""
    with store.transaction():
        run = store.start_run("ingest", {"files": ["odd.csv"]})
        attrs = [{"site": "Leeds \x0b ward", "age": 34, "score": 3.5, "flag": True, "tags": ["a", "b"],
                  "mixed": 1},
                 {"site": "York", "age": 51, "score": 2, "flag": False, "mixed": "two", "empty": None}]
        docs = pd.DataFrame({"source": "odd.csv", "locator": ["row 2", "row 3"], "kind": "response",
                             "question": ["What happened?", None], "text": [ODD_TEXT, "Seen within five minutes."],
                             "attrs": [json.dumps(a) for a in attrs]})
        new = store.insert_documents(docs, run, returning=True)
        ids = dict(zip(new["text"], new["doc_id"]))
        store.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
    pieces = [(ODD_TEXT, "The nurse was kind \U0001F600 and quick."), (ODD_TEXT, "The food was cold & bland <really>."),
              ("Seen within five minutes.", "Seen within five minutes.")]
    segs = []
    for text, piece in pieces:
        start = text.index(piece)
        segs.append({"doc_id": ids[text], "kind": "sentence", "start": start, "end": start + len(piece),
                     "text": piece, "speaker": None, "source_ref": None})
    store.insert_segments(pd.DataFrame(segs))
    seg = store.table("segments").set_index("text")["seg_id"]
    with store.transaction():
        run = store.start_run("classify", {"codebook": "nested"}, codebook_id="nested")
        store.replace_codes(pd.DataFrame([
            {"seg_id": seg[pieces[0][1]], "theme": "kindness", "score": 0.91, "assigned": True},
            {"seg_id": seg[pieces[0][1]], "theme": "speed", "score": 0.61, "assigned": True},
            {"seg_id": seg[pieces[1][1]], "theme": "food", "score": 0.8, "assigned": True},
            {"seg_id": seg[pieces[2][1]], "theme": "speed", "score": 0.2, "assigned": False},
        ]), "model:nested-ensemble@abc123", run)
        store.finish_run(run, n_in=3, n_ok=3, n_rejected=0)
        run = store.start_run("import-codes", {"coder": "human:Ann Smith"})
        store.replace_codes(pd.DataFrame([{"seg_id": seg[pieces[0][1]], "theme": "kindness", "score": None,
                                           "assigned": True}]), "human:Ann Smith", run)
        store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)


@pytest.fixture
def nested_codebook(tmp_path):
    path = tmp_path / "nested.yaml"
    path.write_text(NESTED_CODEBOOK, encoding="utf-8")
    return path


@pytest.fixture
def odd_store(tmp_path):
    store = Store(tmp_path / "odd.duckdb")
    build_odd_store(store)
    yield store
    store.close()


def read_qdpx(path):
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde"), {i.filename: zf.read(i) for i in zf.infolist()}


def assert_valid(schema, data: bytes) -> None:
    doc = etree.fromstring(data)
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log)


# ---------------------------------------------------------------------------------------- schemas


def test_project_is_valid_against_the_official_schema(golden_store, tmp_path, project_schema):
    path = tmp_path / "golden.qdpx"
    result = api.export(golden_store, path)
    qde, members = read_qdpx(path)
    assert_valid(project_schema, qde)
    assert result.kind == "project" and result.documents == 14 and result.codebook_id == "impact"
    # twelve survey answers a source each, and the case study's two paragraphs one source for the file
    assert (result.sources, result.files) == (13, 1)
    # the sources folder is named as the specification's text names it; only plain-text paths
    assert set(members) == {"project.qde", "evalnlp.json"} | {n for n in members if n.startswith("sources/")}
    assert len([n for n in members if n.startswith("sources/")]) == 13
    assert b"richTextPath" not in qde


def test_odd_data_still_gives_a_valid_project(odd_store, nested_codebook, tmp_path, project_schema):
    path = tmp_path / "odd.qdpx"
    api.export(odd_store, path, codebook=nested_codebook)
    qde, _ = read_qdpx(path)
    assert_valid(project_schema, qde)


def test_an_empty_store_gives_a_valid_project(store, tmp_path, project_schema):
    path = tmp_path / "empty.qdpx"
    api.export(store, path, codebook="fft")
    assert_valid(project_schema, read_qdpx(path)[0])


@pytest.mark.parametrize("ref", ["impact", "fft", "nested"])
def test_codebook_is_valid_against_the_official_schema(tmp_path, codebook_schema, nested_codebook, ref):
    path = tmp_path / "themes.qdc"
    result = api.export(None, path, codebook=nested_codebook if ref == "nested" else ref)
    assert result.kind == "codebook"
    assert_valid(codebook_schema, path.read_bytes())


# ---------------------------------------------------------------------------------------- content


def test_selections_slice_the_plain_text_and_codings_name_their_coder(odd_store, nested_codebook, tmp_path):
    path = tmp_path / "odd.qdpx"
    api.export(odd_store, path, codebook=nested_codebook)
    qde, members = read_qdpx(path)
    root = ET.fromstring(qde)
    users = {u.get("guid"): (u.get("name"), u.get("id")) for u in root.iterfind("q:Users/q:User", NS)}
    assert sorted(users.values()) == [("Ann Smith", "human:Ann Smith"),
                                      ("model:nested-ensemble@abc123", "model:nested-ensemble@abc123")]
    segments = {guid("segment", r.seg_id): r for r in odd_store.table("segments").itertuples()}
    names = {code_guid("nested", t.id): t.id for t in load_codebook(nested_codebook).themes}
    seen = []
    for src in root.iterfind("q:Sources/q:TextSource", NS):
        assert src.get("plainTextPath").startswith("internal://")
        text = members["sources/" + src.get("plainTextPath")[len("internal://"):]].decode("utf-8")
        for sel in src.iterfind("q:PlainTextSelection", NS):
            seg = segments[sel.get("guid")]
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert text[start:end] == seg.text  # offsets count code points, end exclusive
            for coding in sel.iterfind("q:Coding", NS):
                seen.append((seg.text[:8], names[coding.find("q:CodeRef", NS).get("targetGUID")],
                             users[coding.get("creatingUser")][1]))
    assert sorted(seen) == [("The food", "food", "model:nested-ensemble@abc123"),
                            ("The nurs", "kindness", "human:Ann Smith"),
                            ("The nurs", "kindness", "model:nested-ensemble@abc123"),
                            ("The nurs", "speed", "model:nested-ensemble@abc123")]
    # a passage coded with no theme is not a selection; its document's text is byte for byte the store's
    assert len(seen) == 4 and len(root.findall(".//q:PlainTextSelection", NS)) == 2
    assert ODD_TEXT.encode("utf-8") in members.values()


def test_themes_are_nested_codes_with_their_definitions(odd_store, nested_codebook, tmp_path):
    path = tmp_path / "odd.qdpx"
    api.export(odd_store, path, codebook=nested_codebook)
    root = ET.fromstring(read_qdpx(path)[0])
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == ["Care", "Food"]
    assert [c.get("name") for c in top[0].findall("q:Code", NS)] == ['Kindness & "respect"', "Speed"]
    assert top[0].get("guid") == code_guid("nested", "care") and top[0].get("isCodable") == "true"
    assert top[0].find("q:Description", NS).text == ("Anything about the care received.\n\nInclude: Nursing and "
                                                     "medical care.\n\nExclude: Food (food).")


def test_attributes_are_typed_variables(odd_store, nested_codebook, tmp_path):
    path = tmp_path / "odd.qdpx"
    api.export(odd_store, path, codebook=nested_codebook)
    root = ET.fromstring(read_qdpx(path)[0])
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert types == {"source": "Text", "locator": "Text", "question": "Text", "kind": "Text", "site": "Text",
                     "age": "Integer", "score": "Float", "flag": "Boolean", "tags": "Text", "mixed": "Text"}
    marks = [v.find("q:Description", NS).text for v in root.iterfind("q:Variables/q:Variable", NS)
             if v.find("q:Description", NS) is not None]
    assert [m.split(":")[1] for m in marks] == ["source", "locator", "question", "kind"]
    first = root.find("q:Sources/q:TextSource", NS)
    values = [(vv.find("q:VariableRef", NS).get("targetGUID"), vv[1].tag.split("}")[1], vv[1].text)
              for vv in first.iterfind("q:VariableValue", NS)]
    assert (guid("variable", "score"), "FloatValue", "3.5") in values
    assert (guid("variable", "site"), "TextValue", "Leeds   ward") in values  # \x0b cannot be in XML


def test_variables_named_like_document_fields_keep_both(store, tmp_path):
    with store.transaction():
        run = store.start_run("ingest", {})
        store.insert_documents(pd.DataFrame([{"source": "s.csv", "locator": "row 2", "kind": "response",
                                              "question": None, "text": "hello",
                                              "attrs": json.dumps({"source": "survey 2024"})}]), run)
        store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
    path = tmp_path / "x.qdpx"
    api.export(store, path, codebook="fft")
    root = ET.fromstring(read_qdpx(path)[0])
    assert [v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)] == [
        "evalnlp_source", "locator", "kind", "source"]


def test_same_store_same_bytes_and_same_guids_from_a_rebuilt_store(golden_store, tmp_path):
    from qda_helpers import golden

    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    api.export(golden_store, a)
    api.export(golden_store, b)
    assert a.read_bytes() == b.read_bytes()
    with Store(tmp_path / "golden.duckdb".replace("golden", "rebuilt")) as again:
        golden.build_store(again, load_codebook("impact").theme_ids)
        c = tmp_path / "c.qdpx"
        api.export(again, c)

    def masked(path):
        qde = read_qdpx(path)[0].decode("utf-8")
        return re.sub(r'(DateTime|name)="[^"]*"', "", qde)  # the dates of the runs, the store's file name

    assert masked(a) == masked(c)


def test_codes_of_other_codebooks_are_left_out_with_a_note(golden_store, tmp_path):
    result = api.export(golden_store, tmp_path / "fft.qdpx", codebook="fft")
    assert result.codings == 0 and result.notes and "were left out" in result.notes[0]


def test_export_file_names(golden_store, tmp_path):
    with pytest.raises(InputError) as err:
        api.export(golden_store, tmp_path / "project.zip")
    assert err.value.code == "E120"
    with pytest.raises(InputError) as err:
        api.export(golden_store, tmp_path / "missing" / "project.qdpx")
    assert err.value.code == "E120"


def test_export_uses_the_codebook_the_store_was_coded_with(store, tmp_path):
    from evalnlp.errors import StoreError

    with pytest.raises(StoreError) as err:
        api.export(store, tmp_path / "x.qdpx")
    assert err.value.code == "E408"


def test_project_methods_are_the_api(tmp_path):
    import evalnlp
    from qda_helpers import golden

    with evalnlp.open(tmp_path / "p.duckdb") as project:
        golden.build_store(project.store, load_codebook("impact").theme_ids)
        out = project.export_qdpx(tmp_path / "p.qdpx")
        assert out.documents == 14
        assert project.export_qdc(tmp_path / "p.qdc").kind == "codebook"
        with pytest.raises(InputError):
            project.export_qdpx(tmp_path / "p.qdc")
    with evalnlp.open(tmp_path / "q.duckdb") as project:
        result = project.import_qdpx(tmp_path / "p.qdpx")
        assert result.documents_new == 14 and len(project.documents()) == 14


# ---- an export never replaces a file it should not


def _refused(store, path, *, codebook=None) -> InputError:
    before = path.read_bytes()
    with pytest.raises(InputError) as err:
        api.export(store, path, codebook=codebook)
    assert err.value.code == "E177"
    assert path.read_bytes() == before  # the file is as it was
    return err.value


def test_the_project_a_store_imported_is_not_replaced_by_its_export(store, foreign):
    """A project saved by another program holds memos, sets and sources evalnlp has no place for (the import
    says so): exporting the store over it would lose them."""
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    err = _refused(store, foreign.path)
    assert "breakfast-evalnlp.qdpx" in str(err)
    assert "is the REFI-QDA project this store imported" in str(err) and "answers" not in str(err)
    api.export(store, foreign.path.with_name("breakfast-evalnlp.qdpx"))  # the name it suggests is free


def test_a_project_another_program_wrote_is_not_replaced(golden_store, foreign, tmp_path):
    err = _refused(golden_store, foreign.path)  # never imported into this store
    assert "written by ATLAS.ti 9.1" in str(err) and "memo" in str(err)
    unnamed = write_zip(tmp_path / "unnamed.qdpx",
                        foreign_members(foreign_project_xml().replace('origin="ATLAS.ti 9.1"', "")))
    assert "a program it does not name" in str(_refused(golden_store, unnamed))


def test_an_export_changed_by_another_program_is_not_replaced(golden_store, tmp_path):
    """A project evalnlp wrote that another program then saved under evalnlp's name (its XML changed, evalnlp.json
    kept) holds that program's work."""
    path = tmp_path / "project.qdpx"
    api.export(golden_store, path)
    with zipfile.ZipFile(path) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    qde = members["project.qde"].decode("utf-8")
    members["project.qde"] = qde.replace("</Project>", "<Notes><Note guid=\"{}\" name=\"memo\"/></Notes></Project>"
                                         .format(guid("a memo")), 1).encode("utf-8")
    assert members["project.qde"] != qde.encode("utf-8")
    write_zip(path, members)
    err = _refused(golden_store, path)
    assert "another program has changed since" in str(err)


def test_an_unchanged_export_and_codebook_are_replaced(golden_store, tmp_path):
    path, qdc = tmp_path / "project.qdpx", tmp_path / "impact.qdc"
    api.export(golden_store, path)
    first = path.read_bytes()
    path.write_bytes(first)  # the same bytes under a newer time
    api.export(golden_store, path)
    assert path.read_bytes() == first
    api.export(golden_store, qdc)
    api.export(golden_store, qdc)
    api.export(None, qdc, codebook="fft")
    assert "fft" in qdc.read_text(encoding="utf-8")


def test_files_that_are_no_refi_qda_file_of_evalnlp_are_not_replaced(golden_store, tmp_path):
    notes = tmp_path / "notes.qdpx"
    notes.write_text("my notes, not a project", encoding="utf-8")
    assert "not a REFI-QDA project or codebook" in str(_refused(golden_store, notes))
    nested = write_zip(tmp_path / "nested.qdpx", {"a/project.qde": b"<Project/>", "b/project.qde": b"<Project/>"})
    _refused(golden_store, nested)
    doctype = tmp_path / "entities.qdc"
    doctype.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook origin="evalnlp"/>')
    _refused(golden_store, doctype)  # read no further than the declaration: nothing is expanded
    nvivo = tmp_path / "nvivo.qdc"
    nvivo.write_text('<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14"><Codes/>'
                     "</CodeBook>", encoding="utf-8")
    err = _refused(None, nvivo, codebook="impact")
    assert "REFI-QDA codebook written by NVivo 14" in str(err)
    # a codebook is brought in by `codebook import` (`evalnlp import` reads projects only, and refuses a .qdc)
    assert "`codebook_import()` of that file" in str(err) and "import_qdpx" not in str(err)
    from evalnlp.errors import command_line_name

    said = err.render(command_line_name)  # as the command line prints it
    assert "`evalnlp codebook import` of that file" in said and "`evalnlp import`" not in said


def test_existing_file_reads_no_further_than_its_caps(golden_store, tmp_path):
    from evalnlp.qda import Limits, existing_file

    path = tmp_path / "project.qdpx"
    api.export(golden_store, path)
    assert existing_file(path).evalnlp_unchanged
    small = Limits(max_xml=100)  # the project XML is longer than this: it cannot be hashed whole
    assert existing_file(path, small) is None
    assert existing_file(path, Limits(max_members=1)) is None


def test_the_cli_says_why_and_leaves_the_file(golden_store, foreign, tmp_path, runner):
    from evalnlp.cli import app

    golden_store.close()
    before = foreign.path.read_bytes()
    result = runner.invoke(app, ["--db", str(tmp_path / "golden.duckdb"), "export", str(foreign.path)])
    assert result.exit_code == 1 and "E177" in result.output and "written by ATLAS.ti 9.1" in result.output
    assert foreign.path.read_bytes() == before


def test_a_renamed_themes_codes_under_its_old_id_go_with_the_project(tmp_path):
    """After a theme was renamed with its old id kept as an alias, evidence counts the people's codes stored under
    the old id as the theme, but export left them out ("codes for themes not in codebook ... were left out"): the
    QDA program, and a store importing the project, never saw that part of the person's coding. They are now
    written as the theme."""
    import evalnlp

    book = tmp_path / "own.yaml"
    v1 = ("id: own\nthemes:\n  - {id: walking, label: Walking, definition: Walks more., keywords: [walk]}\n"
          "  - {id: peers, label: Peers, definition: Others helped., keywords: [group]}\n")
    book.write_text(v1, encoding="utf-8")
    texts = ["I walk to work now.", "The group helped me most.", "I walk with the group on Sundays."]
    pd.DataFrame({"id": ["a", "b", "c"], "text": texts, "themes": ["walking", "peers", "walking;peers"]}).to_csv(
        tmp_path / "coded.csv", index=False)
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.import_codes(tmp_path / "coded.csv", text="text", id="id", labels_column="themes", coder="ann",
                             codebook=book)
        book.write_text(v1.replace("{id: peers, label: Peers,", "{id: peer_support, label: Peer support, "
                                                                 "aliases: [peers],"), encoding="utf-8")
        done = project.export_qdpx(tmp_path / "p.qdpx", codebook=book)
    assert done.notes == [] and done.codings == 4
    with evalnlp.open(tmp_path / "other.duckdb") as other:
        other.import_qdpx(tmp_path / "p.qdpx", codebook=book)
        codes = other.codes()
    assert set(codes.loc[codes["assigned"], "theme"]) == {"walking", "peer_support"}
    assert (codes["assigned"] & (codes["theme"] == "peer_support")).sum() == 2, codes
