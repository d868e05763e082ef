"""Untrusted files: damaged archives, zip bombs and XML with document type declarations are refused with a
numbered error, and the store is left exactly as it was."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from qda_helpers import MABEL, foreign_members, foreign_project_xml, write_zip

from evalnlp import api
from evalnlp.errors import InputError
from evalnlp.qda import Limits, read_codes
from evalnlp.qda._archive import parse_xml

GOOD_QDE = foreign_project_xml()


def tables(store) -> dict[str, pd.DataFrame]:
    return {name: store.table(name) for name in store.summary()}


def refused(store, path, code: str, **options) -> InputError:
    """Import ``path``, expect error ``code``, and check that no table changed."""
    before = tables(store)
    with pytest.raises(InputError) as err:
        api.import_qdpx(store, path, **options)
    assert err.value.code == code, err.value.message
    after = tables(store)
    for name in before:
        pd.testing.assert_frame_equal(after[name], before[name], obj=name)
    return err.value


@pytest.fixture
def filled(golden_store):
    """A store with documents, codes and runs in it, so that any change would show."""
    return golden_store


def test_a_file_that_is_not_a_zip(filled, tmp_path):
    path = tmp_path / "notes.qdpx"
    path.write_text("this is not a zip file", encoding="utf-8")
    err = refused(filled, path, "E122")
    assert "not a readable zip archive" in err.message


def test_a_truncated_archive(filled, tmp_path):
    whole = write_zip(tmp_path / "whole.qdpx", foreign_members(GOOD_QDE)).read_bytes()
    path = tmp_path / "cut.qdpx"
    path.write_bytes(whole[: len(whole) // 2])
    refused(filled, path, "E122")


def test_a_damaged_member(filled, tmp_path):
    path = tmp_path / "damaged.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("project.qde", GOOD_QDE.encode("utf-8"))
    data = bytearray(path.read_bytes())
    at = data.index(b"<Project") + 20
    data[at] ^= 0x55  # the bytes no longer match the CRC in the header
    path.write_bytes(bytes(data))
    err = refused(filled, path, "E122")
    assert "project.qde" in err.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(filled, tmp_path):
    members = foreign_members(GOOD_QDE)
    # 80 MiB of one letter compress to about 80 KiB: past the 64 MiB allowed for one plain text
    members["Sources/88293C71-CB70-4AB7-8413-C24110A19C2E.TXT"] = b"a" * (80 * 2**20)
    path = write_zip(tmp_path / "bomb.qdpx", members)
    assert path.stat().st_size < 2**20
    err = refused(filled, path, "E123")
    assert "zip bomb" in err.message and "Nothing was imported" in err.message


@pytest.mark.parametrize("limits, what", [
    (Limits(max_xml=2_000), "the project XML"),
    (Limits(max_text=len(MABEL.encode("utf-8")) - 1), "one plain-text source"),
    (Limits(max_total=len(GOOD_QDE.encode("utf-8")) + 10), "a whole project"),
    # each source within its own cap, all of them together past the sources' allowance
    (Limits(max_text_total=len(MABEL.encode("utf-8")) + 10), "the text of all of a project's sources together"),
])
def test_size_caps(filled, tmp_path, limits, what):
    path = write_zip(tmp_path / "project.qdpx", foreign_members(GOOD_QDE))
    err = refused(filled, path, "E123", limits=limits)
    assert what in err.message


def test_too_many_members(filled, tmp_path):
    path = write_zip(tmp_path / "many.qdpx", foreign_members(GOOD_QDE))
    refused(filled, path, "E123", limits=Limits(max_members=3))


def test_no_project_xml(filled, tmp_path):
    path = write_zip(tmp_path / "empty.qdpx", {"Sources/a.txt": b"hello"})
    err = refused(filled, path, "E124")
    assert "'Sources/a.txt'" in err.message


DOCTYPES = {
    "billion laughs": '<?xml version="1.0"?>\n<!DOCTYPE Project [\n <!ENTITY a "aaaaaaaaaa">\n'
                      ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
                      ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
                      '<Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>',
    "external entity": '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
                       '<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>',
    "plain doctype": '<?xml version="1.0"?>\n<!DOCTYPE Project>\n<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>',
    "utf-16": None,
}


@pytest.mark.parametrize("name", list(DOCTYPES))
def test_xml_with_a_document_type_declaration(filled, tmp_path, name):
    if name == "utf-16":  # the check works on the parsed XML, not on the bytes looking like ASCII
        xml = DOCTYPES["external entity"].replace('version="1.0"?', 'version="1.0" encoding="utf-16"?')
        data = xml.encode("utf-16")
    else:
        data = DOCTYPES[name].encode("utf-8")
    path = write_zip(tmp_path / "doctype.qdpx", {"project.qde": data})
    err = refused(filled, path, "E126")
    assert "DOCTYPE" in err.message


@pytest.mark.parametrize("xml, code", [
    ('<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>', "E125"),
    ('<Project name="&undefined;"/>', "E125"),
    ('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "E127"),
])
def test_xml_that_is_not_a_project(filled, tmp_path, xml, code):
    path = write_zip(tmp_path / "bad.qdpx", {"project.qde": xml.encode("utf-8")})
    refused(filled, path, code)


def test_member_paths_are_never_used_as_file_paths(filled, tmp_path):
    """A source naming a path outside the sources folder is rejected (nothing is ever extracted anyway)."""
    xml = GOOD_QDE.replace("internal://88293C71-CB70-4AB7-8413-C24110A19C2E.txt", "internal://../../etc/passwd")
    path = write_zip(tmp_path / "escape.qdpx", foreign_members(xml))
    result = api.import_qdpx(filled, path, new_codebook=tmp_path / "cb.yaml")
    rejects = filled.table("rejects", run_id=result.run_id)
    assert "E144" in set(rejects["code"]) and "leaves the sources folder" in " ".join(rejects["reason"])
    assert not (tmp_path / "etc").exists()


def test_parse_xml_refuses_entities_on_its_own():
    with pytest.raises(InputError) as err:
        parse_xml(DOCTYPES["billion laughs"].encode("utf-8"), "x.qde")
    assert err.value.code == "E126"
    assert parse_xml(b"<a><b/></a>", "x").tag == "a"


def test_codebook_files_are_read_with_the_same_care(tmp_path):
    qdc = tmp_path / "evil.qdc"
    qdc.write_text(DOCTYPES["external entity"].replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_codes(qdc)
    assert err.value.code == "E126"
    big = tmp_path / "big.qdc"
    big.write_bytes(b"<CodeBook>" + b" " * 5000 + b"</CodeBook>")
    with pytest.raises(InputError) as err:
        read_codes(big, Limits(max_xml=1000))
    assert err.value.code == "E123"
