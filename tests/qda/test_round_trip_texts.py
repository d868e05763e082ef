"""An export read back must give every passage exactly, whatever characters its text holds: line ends, tabs,
emoji, combining marks, control characters XML cannot hold, whitespace around it, a leading byte-order mark.
Positions count code points from 0, as the REFI-QDA specification says (section 10.2); the selections' names
(their first words) must not make the import report passages as misplaced when they are not."""

from __future__ import annotations

import json
import zipfile

import pytest
from qda_helpers import write_zip

from evalnlp import api, qda
from evalnlp.store import Store

#: One short answer per cause the FFT comments and the invented texts showed, each coded by a person.
CAUSES = {
    "full stop": "Nothing.",  # a name of eight characters, seven once its full stop is dropped
    "dots": "Nothing ....",
    "leading CR LF": "\r\nThe staff were kind and helpful to me.",
    "leading space": " The staff were kind and helpful to me.",
    "NUL": "The staff\x00 were kind and helpful to me.",
    "control characters first": "\x01\x02The staff were kind and helpful to me.",
    "U+FFFE": "The staff\ufffe were kind and helpful to me.",
    "byte-order mark": "\ufeffThe staff were kind and helpful to me.",
}
#: Texts with characters counted otherwise elsewhere, in the same store: they must stay exact too.
OTHERS = {
    "tab": "The\tstaff were kind and helpful to me.",
    "emoji": "Great \U0001F600\U0001F600 staff, kind and helpful to me.",
    "combining mark": "Cafe\u0301 staff were kind and helpful to me.",
    "CR LF inside": "The staff were kind.\r\nThe food was awful.\r\nParking ok.",
    "vertical tab and form feed": "The staff\x0bwere kind\x0cand helpful to me.",
    "escape-like text": "The staff _x000B_ were kind and helpful to me.",
    "trailing space": "Release. ",
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A store of one document per text, each coded by a person, and its export."""
    folder = tmp_path_factory.mktemp("texts")
    rows = [{"id": k, "feedback": v, "themes": "staff"} for k, v in {**CAUSES, **OTHERS}.items()]
    path = folder / "answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Store(folder / "source.duckdb") as store:
        api.import_codes(store, path, text="feedback", coder="ann", labels_column="themes", id="id",
                         codebook="fft")
        docs = store.table("documents")
        assert sorted(docs["text"]) == sorted(r["feedback"] for r in rows)  # ingest keeps every character
        api.export(store, folder / "answers.qdpx")
        segs = store.table("segments").merge(docs[["doc_id", "locator", "text"]].rename(columns={"text": "doc"}))
    with zipfile.ZipFile(folder / "answers.qdpx") as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    # the same project as another program saves it back: evalnlp.json no longer fits, the XML is read
    changed = dict(members, **{"project.qde": members["project.qde"].replace(b'origin="evalnlp',
                                                                             b'origin="Other 1.0; was evalnlp')})
    return {"folder": folder, "whole": folder / "answers.qdpx",
            "xml": write_zip(folder / "resaved.qdpx", changed), "members": members,
            "passages": set(zip(segs["locator"], segs["start"], segs["end"], segs["text"], segs["doc"]))}


def _locator(cause: str) -> str:
    return f"id={cause}"


@pytest.mark.parametrize("read", ["whole", "xml"], ids=["with evalnlp.json", "XML alone"])
@pytest.mark.parametrize("cause", list(CAUSES))
def test_every_passage_comes_back_at_its_positions_and_none_is_called_misplaced(exported, tmp_path, cause, read):
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, exported[read])
        assert result.complete == (read == "whole")
        assert result.n_rejected == 0
        assert not [n for n in result.notes if "position" in str(n) or "do not begin" in str(n)]
        docs = store.table("documents")
        segs = store.table("segments").merge(docs[["doc_id", "locator", "text"]].rename(columns={"text": "doc"}))
        got = set(zip(segs["locator"], segs["start"], segs["end"], segs["text"], segs["doc"]))
    want = {p for p in exported["passages"] if p[0] == _locator(cause)}
    assert want and {p for p in got if p[0] == _locator(cause)} == want
    assert got == exported["passages"]  # the other texts too


@pytest.mark.parametrize("cause", list(CAUSES))
def test_the_names_of_an_exports_selections_begin_their_passages(exported, cause):
    """Read as a file of another program is read (by its XML), no selection of an evalnlp export is counted as
    misnamed: its name is its passage's first words as a reader compares them."""
    project = qda.read_qdpx(exported["xml"]).project
    source = next(s for s in project.sources if f" {_locator(cause)} " in s.name)
    assert len(source.selections) == 1 and source.misnamed == 0 and source.counted is None
    sel = source.selections[0]
    assert source.text == CAUSES[cause] and source.text[sel.start:sel.end] == CAUSES[cause]


def test_a_text_that_begins_with_a_byte_order_mark_is_written_after_one(exported):
    """A reader drops a byte-order mark opening a plain-text member; the text's own U+FEFF must survive it, or
    every position of the document is one off and evalnlp.json no longer fits (its scores and sentiment lost)."""
    texts = {n: b for n, b in exported["members"].items() if n.startswith("sources/")}
    marked = [b for b in texts.values() if b.startswith(b"\xef\xbb\xbf")]
    assert len(texts) == len(CAUSES) + len(OTHERS) and len(marked) == 1  # only that text's member
    assert marked[0].decode("utf-8") == "\ufeff" + CAUSES["byte-order mark"]
    project = qda.read_qdpx(exported["whole"]).project
    source = next(s for s in project.sources if f" {_locator('byte-order mark')} " in s.name)
    assert source.text == CAUSES["byte-order mark"]


def test_a_selection_moved_by_another_program_is_still_reported(exported, tmp_path):
    """Only selections whose names do not begin their passages are reported: one moved a character on, onto the
    second of the control characters its text starts with, is named (whitespace, and what XML cannot hold, is
    passed over only at the start of a text, where no count differs); the passages that begin with whitespace
    there, or have short names, or characters XML cannot hold, are not."""
    import re

    members = dict(exported["members"])
    qde = members["project.qde"].decode("utf-8").replace('origin="evalnlp', 'origin="Other 1.0; was evalnlp')
    # the selection of the answer that starts with two control characters now starts on the second: read as a
    # space, it is not passed over as at the start of the text, so the name does not begin the passage
    qde, n = re.subn(r'(<TextSource [^>]*id=control characters first[^>]*>\s*<PlainTextSelection [^>]*startPosition=")0(")',
                     r"\g<1>1\2", qde)
    assert n == 1
    members["project.qde"] = qde.encode("utf-8")
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, write_zip(tmp_path / "moved.qdpx", members))
    said = [str(n) for n in result.notes if "do not begin" in str(n)]
    assert len(said) == 1 and said[0].startswith("1 selection named") and _locator("control characters first") in said[0]


def test_short_names_and_leading_whitespace_are_not_judged_as_misplaced_in_another_programs_file(tmp_path):
    """A program's selection named "Nothing." over the passage "Nothing." (too short to tell a count by once
    its full stop is dropped), and one over a text's first line that starts with a line end, are not reported."""
    text = "\nThe staff were kind and helpful to me.\nNothing."
    first, short = text.index("\nThe"), text.index("Nothing.")
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" '
           'origin="QualCoder 3.5"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Kim"/></Users>'
           '<CodeBook><Codes><Code guid="00000000-0000-4000-8000-000000000002" name="Staff" isCodable="true"/>'
           '</Codes></CodeBook><Sources><TextSource guid="00000000-0000-4000-8000-000000000003" name="notes" '
           'plainTextPath="internal://notes.txt">'
           + "".join(f'<PlainTextSelection guid="00000000-0000-4000-8000-00000000010{i}" name="{name}" '
                     f'startPosition="{s}" endPosition="{e}" creatingUser="00000000-0000-4000-8000-000000000001">'
                     '<Coding guid="00000000-0000-4000-8000-00000000020{i}"><CodeRef '
                     'targetGUID="00000000-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>'
                     for i, (name, s, e) in enumerate([("The staff were kind", first, text.index(".") + 1),
                                                        ("Nothing.", short, short + 8)]))
           + "</TextSource></Sources></Project>")
    path = write_zip(tmp_path / "p.qdpx", {"project.qde": qde.encode("utf-8"), "sources/notes.txt": text.encode()})
    with Store(tmp_path / "s.duckdb") as store:
        result = api.import_qdpx(store, path, new_codebook=tmp_path / "p.yaml")
        got = sorted(store.table("segments")["text"])
    assert got == ["\nThe staff were kind and helpful to me.", "Nothing."]
    assert not [n for n in result.notes if "do not begin" in str(n) or "position" in str(n)]

