"""A letter of support read as a file of its own, linked to the entry of a case study's sources list that names it,
keeps that link through a REFI-QDA project: export, import into an empty store and export again give the same
``letters`` rows and the same ``segment_sources`` rows, each with its ``how`` (a letter's link, or a marker's).

Every case study, letter, name and organisation here was made up for these tests.
"""

from __future__ import annotations

import json
import warnings
import zipfile

import pandas as pd
import pytest
from lxml import etree
from qda_helpers import write_zip

from evalnlp import api
from evalnlp.store import Store

CASE = """Safer canal towpaths in Eastmere

1. Summary of the impact

Research at the University of Lowfield mapped where cyclists and walkers collide on towpaths, and the waterways
trust redesigned its busiest stretches.

4. Details of the impact

The trust's Head of Operations said the maps were "the first time we could see the problem mile by mile" [3],
and the trust widened four miles of towpath in 2016.

5. Sources to corroborate the impact

[1] Eastmere Waterways Trust, Annual Review 2017.
[2] Letter from the Head of Safety, Eastmere Waterways Trust, 9 June 2016.
[3] Interview with the Head of Operations, Eastmere Waterways Trust.
"""

LETTER = """Eastmere Waterways Trust
Lock House
Eastmere EM4 7QP

9 June 2016

Dear Dr Okonjo,

I write to confirm that your collision maps changed how we plan towpath works: we now widen the stretches your
maps mark first, and reported collisions on them fell by half within a year.

Our rangers use the maps to decide where to put signs asking cyclists to slow down.

Yours sincerely,

Marta Kowalczyk
Head of Safety
Eastmere Waterways Trust
"""


def _links(store: Store) -> pd.DataFrame:
    """Every link of a testimonial to a sources-list entry, by the passage's text: (file, passage, entry's file,
    place, entry's text, how), sorted."""
    segs = store.table("segments").merge(store.table("documents")[["doc_id", "source"]], on="doc_id")
    links = store.table("segment_sources").merge(segs[["seg_id", "source", "text"]].rename(
        columns={"source": "file", "text": "passage"}), on="seg_id")
    cols = ["file", "passage", "source", "position", "text", "how"]
    return links[cols].astype(object).where(links[cols].notna(), None).sort_values(
        ["file", "passage", "position"]).reset_index(drop=True)


def _letters(store: Store) -> pd.DataFrame:
    cols = ["seg_id", "letter_id", "source", "name", "roles", "organisations", "letterhead", "date", "run_id"]
    return store.table("letters")[cols].sort_values(["seg_id", "letter_id"]).reset_index(drop=True)


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _letter_docx(path) -> None:
    """The letter as Word has it: a paragraph per line of its letterhead, address and signature, one per paragraph
    of its body."""
    import docx

    document = docx.Document()
    for block in LETTER.split("\n\n"):
        lines = block.strip().splitlines()
        for text in (lines if all(len(line) < 60 for line in lines) else [" ".join(lines)]):
            document.add_paragraph(text)
    document.save(path)


@pytest.fixture(scope="module", params=["txt", "docx"])
def exported(request, tmp_path_factory):
    """A store of a case study and a letter it names (a text file, or a Word document), coded by the keyword
    model, and its export."""
    folder = tmp_path_factory.mktemp("letters")
    (folder / "case.txt").write_text(CASE, encoding="utf-8")
    letter = folder / f"letter_safety.{request.param}"
    if request.param == "docx":
        _letter_docx(letter)
    else:
        letter.write_text(LETTER, encoding="utf-8")
    with Store(folder / "source.duckdb") as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ingest's notes on the letter
        api.classify(store, [folder / "case.txt", letter], codebook="impact", model="keyword")
        result = api.export(store, folder / "project.qdpx")
        letters, links = _letters(store), _links(store)
    return {"folder": folder, "path": folder / "project.qdpx", "letter": letter.name, "result": result, "letters": letters, "links": links,
            "members": _members(folder / "project.qdpx")}


def test_the_store_holds_a_letters_link_and_a_markers_link(exported):
    """What the round trip must keep: the letter's two passages linked to entry [2] as a letter's, and the case
    study's testimonial linked to entry [3] by its marker."""
    links = exported["links"]
    letter = exported["letter"]
    assert links[["file", "position", "how"]].values.tolist() == [
        ["case.txt", 3, None], [letter, 2, "letter"], [letter, 2, "letter"]]
    letters = exported["letters"]
    assert len(letters) == 2 and set(letters["name"]) == {"Marta Kowalczyk"} and set(letters["date"]) == {"2016-06-09"}


def test_the_sidecar_carries_the_letters_and_how_each_link_was_made(exported, project_schema):
    side = json.loads(exported["members"]["evalnlp.json"])
    assert side["version"] == 3
    assert sorted(item[-1] or "marker" for item in side["segment_sources"]) == ["letter", "letter", "marker"]
    assert [item[3] for item in side["letters"]] == ["Marta Kowalczyk"] * 2
    # the runs that read the letters travel with them
    assert {item[-1] for item in side["letters"]} <= {r["run_id"] for r in side["runs"]}
    doc = etree.fromstring(exported["members"]["project.qde"])
    assert project_schema.validate(doc), "\n".join(str(e) for e in project_schema.error_log)


def test_export_import_export_keeps_the_letters_and_their_links(exported, tmp_path):
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, exported["path"])
        assert result.complete and result.n_rejected == 0
        pd.testing.assert_frame_equal(_letters(store), exported["letters"])
        pd.testing.assert_frame_equal(_links(store), exported["links"])
        # evidence reads the letter's link as the ingest made it: the entry beside the letter's passages
        cited = store.segment_sources(list(store.table("letters")["seg_id"]))
        assert set(cited["text"]) == {"Letter from the Head of Safety, Eastmere Waterways Trust, 9 June 2016."}
        api.export(store, tmp_path / "again.qdpx")
        # imported again into the store it came from, nothing is added
        again = api.import_qdpx(store, tmp_path / "again.qdpx")
        assert again.documents_new == 0 and again.segments_new == 0
        pd.testing.assert_frame_equal(_letters(store), exported["letters"])
        pd.testing.assert_frame_equal(_links(store), exported["links"])
    first = json.loads(exported["members"]["evalnlp.json"])
    second = json.loads(_members(tmp_path / "again.qdpx")["evalnlp.json"])
    for key in ("letters", "segment_sources", "source_entries", "segments", "codes"):
        assert second[key] == first[key], key


def test_a_version_2_sidecar_is_still_read_its_links_as_markers(exported, tmp_path):
    """A file exported before letters travelled (evalnlp.json version 2: links of three or four items, no letters)
    is read whole; its links come back as a marker's, as that version had them."""
    members = dict(exported["members"])
    side = json.loads(members["evalnlp.json"])
    side["segment_sources"] = [item[:3] + ([item[3]] if item[3] is not None else []) for item in side.pop(
        "segment_sources")]
    del side["letters"]
    members["evalnlp.json"] = json.dumps(dict(side, version=2)).encode("utf-8")
    with Store(tmp_path / "fresh.duckdb") as store:
        result = api.import_qdpx(store, write_zip(tmp_path / "v2.qdpx", members))
        assert result.complete and not result.notes
        assert store.count("letters") == 0
        links = _links(store)
        assert links["how"].isna().all()
        pd.testing.assert_frame_equal(links.drop(columns="how"), exported["links"].drop(columns="how"))


def test_a_version_3_link_of_the_second_version_shape_is_refused(exported, tmp_path):
    """Version 3 gives every link five items: one of three is malformed, and evalnlp.json is set aside."""
    members = dict(exported["members"])
    side = json.loads(members["evalnlp.json"])
    side["segment_sources"] = [item[:3] for item in side["segment_sources"]]
    members["evalnlp.json"] = json.dumps(side).encode("utf-8")
    with Store(tmp_path / "fresh.duckdb") as store:
        with pytest.warns(Warning, match="a malformed source link"):
            result = api.import_qdpx(store, write_zip(tmp_path / "bad.qdpx", members))
        assert not result.complete
