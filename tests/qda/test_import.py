"""Importing REFI-QDA projects: files written the way other QDA programs write them, evalnlp's own files
(whole, and after another program rewrote the XML), re-imports, coders and codebooks."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from qda_helpers import CODEBOOK_YAML, MABEL, foreign_members, foreign_project_xml, golden, write_zip

from evalnlp import api, errors
from evalnlp.codebook import load_codebook
from evalnlp.errors import CodebookError, InputError
from evalnlp.evidence import build_evidence
from evalnlp.store import Store


def all_tables(store: Store) -> dict[str, pd.DataFrame]:
    return {name: store.table(name) for name in store.summary()}


def assert_same_tables(now: dict, before: dict) -> None:
    assert now.keys() == before.keys()
    for name in before:
        pd.testing.assert_frame_equal(now[name], before[name], obj=name)


def passages(store: Store) -> pd.DataFrame:
    return store.table("segments").merge(store.table("documents")[["doc_id", "source", "text"]]
                                         .rename(columns={"text": "doc_text"}), on="doc_id")


def coded(store: Store) -> set[tuple[str, str, str]]:
    codes = store.table("codes")
    codes = codes[codes["assigned"]].merge(store.table("segments")[["seg_id", "text"]], on="seg_id")
    return set(zip(codes["text"], codes["theme"], codes["coder"]))


# ---------------------------------------------------------------------------------------- other programs' files


def test_a_project_written_by_another_program_is_read_whole(store, foreign):
    result = api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    segs = passages(store)
    assert (segs["text"] == [t[s:e] for t, s, e in zip(segs["doc_text"], segs["start"], segs["end"])]).all()
    assert {src: set(g["text"]) for src, g in segs.groupby("source")} == foreign.expected_segments
    assert coded(store) == foreign.expected_codes
    # the picture source and the PDF area given by coordinates are rejected, with reasons; counts add up
    rejects = store.table("rejects")
    assert sorted(rejects["code"]) == ["E143", "E146"]
    assert set(rejects["source"]) == {"cornflakes.jpg", "Kellogg.pdf"}
    assert (result.n_in, result.n_ok, result.n_rejected) == (3 + 6 + 2, 3 + 6, 2)
    run = store.run(result.run_id)
    assert (run["command"], run["n_in"], run["n_ok"], run["n_rejected"]) == ("import", 11, 9, 2)
    assert not result.complete and result.discarded == {"notes": 1, "sets": 1,
                                                        "descriptions of sources and selections": 1}


def test_positions_count_code_points_and_line_ends_are_kept(store, foreign):
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    docs = store.table("documents").set_index("source")
    assert docs.loc["Mabel.docx", "text"] == MABEL  # CR LF kept: the text is byte for byte the file's
    seg = store.table("segments")
    coke = seg[seg["text"].str.startswith("Coke")].iloc[0]
    start = MABEL.index("Coke")
    assert (coke["start"], coke["end"]) == (start, start + len("Coke \U0001F600 for breakfast"))
    assert coke["end"] - coke["start"] == 20  # the emoji is one code point (two UTF-16 units, four UTF-8 bytes)


@pytest.mark.parametrize("origin, crlf_as_one, name", [
    ("NVivo 14", False, "Coke for breakfast"),  # positions as the specification counts them
    ("", False, "Coke for breakfast"),  # no origin: the specification too
    ("MAXQDA 2022", True, "Coke for breakfast"),  # a CR LF counted as one character
    ("ATLAS.ti 9.1", False, "Coke \U0001F600 for breakfast"),  # the names tell, whatever the origin says
    ("NVivo 14", True, "Coke \U0001F600 for bre\u2026"),
])
def test_windows_line_ends_counted_either_way(store, foreign, tmp_path, origin, crlf_as_one, name):
    xml = foreign_project_xml(origin=origin, crlf_as_one=crlf_as_one, name=name)
    path = write_zip(tmp_path / "line_ends.qdpx", foreign_members(xml))
    api.import_qdpx(store, path, codebook=foreign.codebook)
    assert coded(store) == foreign.expected_codes
    assert store.table("documents").set_index("source").loc["Mabel.docx", "text"] == MABEL


def test_documents_get_variables_and_cases_as_attributes(store, foreign):
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    docs = store.table("documents").set_index("source")
    # the source's own Age wins over its case's
    assert json.loads(docs.loc["Mabel.docx", "attrs"]) == {"Gender": "female", "Age": 34, "case": "Mabel"}
    assert set(docs["kind"]) == {"narrative"} and set(docs["locator"]) == {"document"}
    assert docs.loc["Kellogg.pdf", "text"].startswith("Recipe page one.")


def test_coder_option_names_every_person(store, foreign):
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook, coder="reviewer")
    assert {c for _, _, c in coded(store)} == {"human:reviewer"}
    assert len(coded(store)) == len({(t, th) for t, th, _ in foreign.expected_codes})


def test_unknown_codes_are_a_numbered_list_and_nothing_is_stored(store, foreign, tmp_path):
    xml = foreign_project_xml(extra_coding='<Coding guid="0D0D0D0D-0000-4000-8000-000000000001" creatingUser='
                              '"AD68FBE7-E1EE-4A82-A279-23CC698C89EB"><CodeRef targetGUID='
                              '"D2C1E38E-5220-42FA-A442-908471CC7964"/></Coding>')
    path = write_zip(tmp_path / "with_disgust.qdpx", foreign_members(xml))
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    before = all_tables(store)
    with pytest.raises(CodebookError) as err:
        api.import_qdpx(store, path, codebook=foreign.codebook)
    assert err.value.code == "E240"
    assert "1. 'disgust' (used in 1 codings)" in err.value.message and "new_codebook=FILE.yaml" in err.value.message
    assert_same_tables(all_tables(store), before)


def test_codings_of_codes_the_file_does_not_define_are_an_error(store, foreign, tmp_path):
    xml = foreign_project_xml(extra_coding='<Coding guid="0D0D0D0D-0000-4000-8000-000000000002"><CodeRef '
                              'targetGUID="0D0D0D0D-0000-4000-8000-0000000000FF"/></Coding>')
    path = write_zip(tmp_path / "dangling.qdpx", foreign_members(xml))
    with pytest.raises(CodebookError) as err:
        api.import_qdpx(store, path, codebook=foreign.codebook)
    assert err.value.code == "E241" and "0d0d0d0d-0000-4000-8000-0000000000ff" in err.value.message


def test_new_codebook_is_made_from_the_files_codes(store, foreign, tmp_path):
    out = tmp_path / "made.yaml"
    result = api.import_qdpx(store, foreign.path, new_codebook=out)
    cb = load_codebook(out)
    assert result.codebook_id == cb.id == "made" and result.new_codebook == out
    by_label = {t.label: t for t in cb.themes}
    # the folder "Feelings" cannot be coded: not a theme; the nesting under "Breakfast food" is kept
    assert set(by_label) == {"happiness", "disgust", "Breakfast food", "Coke::diet Coke"}
    assert by_label["Coke::diet Coke"].parent == by_label["Breakfast food"].id
    assert by_label["Breakfast food"].definition == "the foods people might eat for breakfast"
    assert {th for _, th, _ in coded(store)} == {by_label[n].id for n in ("happiness", "Breakfast food",
                                                                             "Coke::diet Coke")}
    # the store now reports with that codebook
    assert api.project_codebook(store).id == "made"


def test_codebook_and_new_codebook_exclude_each_other(store, foreign, tmp_path):
    with pytest.raises(InputError) as err:
        api.import_qdpx(store, foreign.path, codebook=foreign.codebook, new_codebook=tmp_path / "x.yaml")
    assert err.value.code == "E129"


def test_reimporting_the_same_file_adds_nothing(store, foreign):
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    tables = {n: store.table(n) for n in ("documents", "segments", "codes")}
    again = api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    assert again.documents_new == 0 and again.segments_new == 0
    for name, before in tables.items():
        pd.testing.assert_frame_equal(store.table(name), before)


def test_a_person_changing_their_codes_replaces_only_theirs(store, foreign, tmp_path):
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    seg = store.table("segments")
    coke = seg[seg["text"].str.startswith("Coke")]["seg_id"].iloc[0]
    store.replace_codes(pd.DataFrame({"seg_id": [coke], "theme": ["food"], "score": [0.9], "assigned": [True]}),
                        "model:m@1", "machine-run")
    # Friedrich drops "Breakfast food" from the Coke passage
    xml = foreign_project_xml().replace(
        '<Coding guid="445A6AEC-1400-4502-919D-0867832FF212" creatingUser="AD68FBE7-E1EE-4A82-A279-23CC698C89EB">\n'
        '     <CodeRef targetGUID="e3aabcc1-84e7-48d4-b059-50ff914ed1e2"/>\n    </Coding>', "")
    path = write_zip(tmp_path / "changed.qdpx", foreign_members(xml))
    api.import_qdpx(store, path, codebook=foreign.codebook)
    codes = store.table("codes").set_index(["seg_id", "coder", "theme"])
    assert not codes.loc[(coke, "human:Friedrich Markgraf", "food"), "assigned"]
    assert codes.loc[(coke, "human:Friedrich Markgraf", "diet_coke"), "assigned"]
    assert codes.loc[(coke, "model:m@1", "food"), "assigned"]  # another coder's code is untouched


def test_reimporting_after_a_theme_is_renamed_leaves_no_code_of_the_old_name(store, foreign):
    """A project imported again after a theme of the codebook was renamed (its old id kept as an alias) kept the
    people's codes of the old id beside those of the new, so both counted, where codes import replaces them: the
    people's codes of the codebook's earlier themes on the passages of the file now go (also on a passage whose
    themes in the file are otherwise as stored), and the codes of another coder stay."""
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    seg = store.table("segments")
    happy = seg[seg["text"] == "It makes me happy"]["seg_id"].iloc[0]
    store.replace_codes(pd.DataFrame({"seg_id": [happy], "theme": ["feeling_happy"], "score": [0.9],
                                      "assigned": [True]}), "model:m@1", "machine-run")
    foreign.codebook.write_text(CODEBOOK_YAML.replace("  - id: feeling_happy\n", "  - id: happy_feelings\n")
                                .replace("aliases: [HAPPINESS]", "aliases: [HAPPINESS, feeling_happy]"),
                                encoding="utf-8")
    api.import_qdpx(store, foreign.path, codebook=foreign.codebook)
    codes = store.table("codes")
    people = codes[codes["coder"].str.startswith("human:")]
    assert "feeling_happy" not in set(people["theme"]), people
    assert {(t, th, c) for t, th, c in coded(store) if th == "happy_feelings"} == {
        ("It makes me happy", "happy_feelings", "human:Sebastian Petrausch"),
        ("happy", "happy_feelings", "human:Sebastian Petrausch")}
    # Friedrich gave no passage that theme: his decisions of the old id ("not feeling_happy") went too
    assert set(people.loc[people["coder"] == "human:Friedrich Markgraf", "theme"]) == {
        "food", "diet_coke", "happy_feelings"}
    assert ((codes["coder"] == "model:m@1") & (codes["theme"] == "feeling_happy")).sum() == 1


def test_codes_map_by_guid_label_alias_or_hierarchy_case_insensitively(tmp_path):
    from evalnlp.codebook import parse_codebook
    from evalnlp.qda import code_guid, map_codes
    from evalnlp.qda._read import Code

    cb = parse_codebook(CODEBOOK_YAML)
    codes = {g: Code(guid=g, name=n, description=None, codable=True, parent=None) for g, n in [
        (code_guid("breakfast", "food"), "renamed in NVivo"), ("a" * 8 + "-0000-4000-8000-000000000001", "DIET COKE"),
        ("a" * 8 + "-0000-4000-8000-000000000002", "Drinks::Diet Coke"),
        ("a" * 8 + "-0000-4000-8000-000000000003", "happiness"), ("a" * 8 + "-0000-4000-8000-000000000004", "food"),
        ("a" * 8 + "-0000-4000-8000-000000000005", "nothing like it")]}
    mapped = map_codes(codes, set(codes), cb)
    assert sorted(mapped.themes.values()) == ["diet_coke", "diet_coke", "feeling_happy", "food", "food"]
    assert [c.name for c in mapped.unknown] == ["nothing like it"]


# ---------------------------------------------------------------------------------------- round trips


def _documents(store: Store) -> pd.DataFrame:
    docs = store.table("documents").drop(columns="run_id")
    docs["attrs"] = [json.loads(a) if isinstance(a, str) else {} for a in docs["attrs"]]
    return docs.sort_values("doc_id").reset_index(drop=True)


def _assigned(store: Store) -> set[tuple]:
    codes = store.table("codes")
    codes = codes[codes["assigned"]].merge(store.table("segments"), on="seg_id")
    return set(zip(codes["doc_id"], codes["start"], codes["end"], codes["theme"], codes["coder"]))


def _evidence(store: Store, claims) -> dict:
    doc = build_evidence(store, load_codebook("impact"), by=["programme", "cohort"], claims=claims).to_json()
    prov = doc["provenance"]
    view = {k: doc[k] for k in ("themes", "matrices", "claims", "documents_coded", "segments_coded",
                                "segments_no_theme", "notes")}
    return view | {"provenance": {"data": prov["data"], "coders": prov["coders"]}}


def test_round_trip_gives_the_same_documents_codes_and_evidence(golden_store, tmp_path):
    claims = tmp_path / "claims.yaml"
    claims.write_text(golden.CLAIMS_YAML, encoding="utf-8")
    path = tmp_path / "golden.qdpx"
    api.export(golden_store, path)
    with Store(tmp_path / "empty.duckdb") as store:
        result = api.import_qdpx(store, path)
        assert result.complete and result.n_rejected == 0
        pd.testing.assert_frame_equal(_documents(store), _documents(golden_store))
        assert _assigned(store) == _assigned(golden_store)
        # every code, with its score, coder and run, comes back; so do the segments, sentiment, reach figures,
        # corroborating-source entries and the testimonials' links to them
        assert len(golden_store.table("segment_sources")) and len(golden_store.table("sources"))
        for name in ("segments", "codes", "sentiment", "reach", "sources", "segment_sources"):
            cols = [c for c in golden_store.table(name).columns if c != "run_id" or name != "sources"]
            pd.testing.assert_frame_equal(store.table(name)[cols].sort_values(cols).reset_index(drop=True),
                                          golden_store.table(name)[cols].sort_values(cols).reset_index(drop=True))
        assert _evidence(store, claims) == _evidence(golden_store, claims)
        assert api.project_codebook(store).id == "impact"


def test_export_and_import_count_each_coders_passages_alike(golden_store, tmp_path):
    """export counted a coder's passages given a theme (15 for the model), import every passage the coder coded
    (16: one the model gave no theme), so a file read into a new store seemed to gain a passage. Both now give,
    per coder, the passages coded, those with a code and the codings, as the store holds them; and the whole:
    every passage, and those with a code (the project's text selections)."""
    segs = golden_store.table("segments")
    alex = set(golden_store.table("codes").query("coder == 'human:alex'")["seg_id"])
    spare = segs.loc[~segs["seg_id"].isin(alex), "seg_id"].iloc[0]  # alex decides no theme on a passage
    golden_store.put_human_codes(pd.DataFrame({"seg_id": [spare], "theme": ["capability"], "assigned": [False]}),
                                 "human:alex", "review")
    codes = golden_store.table("codes")
    want = {c: (g["seg_id"].nunique(), g.loc[g["assigned"], "seg_id"].nunique(), int(g["assigned"].sum()))
            for c, g in codes.groupby("coder")}
    assert all(n > with_code for n, with_code, _ in want.values())  # each coder has a passage of no theme
    path = tmp_path / "golden.qdpx"
    exported = api.export(golden_store, path)
    with Store(tmp_path / "new.duckdb") as store:
        imported = api.import_qdpx(store, path)
    for result in (exported, imported):
        assert {r.coder: (r.passages, r.with_code, r.codings) for r in result.coders.itertuples(index=False)} == want
        assert result.coders["passages"].dtype == "int64"
    assert exported.passages == imported.segments == segs["seg_id"].nunique()
    assert exported.selections == imported.segments_with_code == codes.loc[codes["assigned"], "seg_id"].nunique()
    assert exported.codings == imported.coders["codings"].sum() == codes["assigned"].sum()


def test_round_trip_through_another_program_keeps_documents_and_codes(golden_store, tmp_path):
    """A program that rewrites the XML (so evalnlp.json no longer fits) still gives the same documents and
    the same themes per coder and passage."""
    path = tmp_path / "golden.qdpx"
    api.export(golden_store, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members["project.qde"] = members["project.qde"].replace(b'origin="evalnlp', b'origin="NVivo 14; was evalnlp')
    rewritten = write_zip(tmp_path / "rewritten.qdpx", members)
    with Store(tmp_path / "empty.duckdb") as store:
        result = api.import_qdpx(store, rewritten)
        assert not result.complete and any("changed since evalnlp wrote it" in n for n in result.notes)
        pd.testing.assert_frame_equal(_documents(store), _documents(golden_store))
        assert _assigned(store) == _assigned(golden_store)
        # the model's codes stay the model's, the person's the person's
        assert set(store.table("codes")["coder"]) == {"human:alex", "model:fixture@000000"}
    # and back into the store it came from, it changes nothing there
    tables = {n: golden_store.table(n) for n in ("documents", "segments", "codes")}
    again = api.import_qdpx(golden_store, rewritten)
    assert again.documents_new == 0 and again.segments_new == 0
    for name, before in tables.items():
        pd.testing.assert_frame_equal(golden_store.table(name), before)


def _without_codings_of(xml: str, user_name: str, text_start: str, golden_store) -> str:
    """``xml`` without any coding by the user ``user_name`` on the selection whose text starts with
    ``text_start`` (the selection itself and other users' codings on it stay)."""
    import re

    user = re.search(rf'<User guid="([^"]+)" name="{user_name}"', xml).group(1)
    seg = golden_store.table("segments")
    row = seg[seg["text"].str.startswith(text_start)].iloc[0]
    selections = [m for m in re.finditer(r"<PlainTextSelection [^>]*>.*?</PlainTextSelection>", xml, re.S)
                  if f'startPosition="{row["start"]}"' in m.group(0) and f'endPosition="{row["end"]}"' in m.group(0)]
    assert selections, "the fixture's passage is a selection of the project"
    out = xml
    for m in selections:
        kept = re.sub(rf'\s*<Coding guid="[^"]+" creatingUser="{user}"[^>]*>.*?</Coding>', "", m.group(0), flags=re.S)
        out = out.replace(m.group(0), kept)
    assert out != xml
    return out


def _exported_with_alex_on_two_passages(golden_store, tmp_path):
    """The golden store with alex's codes on a second passage too (so that, one passage's codings removed, alex
    keeps a coding in the file), exported: the file's path, and alex's assigned codes with their passages."""
    segs = golden_store.table("segments")
    coded_by_alex = set(golden_store.table("codes").query("coder == 'human:alex'")["seg_id"])
    second = segs[~segs["seg_id"].isin(coded_by_alex)]["seg_id"].iloc[0]
    golden_store.put_human_codes(pd.DataFrame({"seg_id": [second], "theme": ["capability"], "assigned": [True]}),
                                 "human:alex", "earlier-review")
    path = tmp_path / "golden.qdpx"
    api.export(golden_store, path)
    codes = golden_store.table("codes")
    alex = codes[(codes["coder"] == "human:alex") & codes["assigned"]].merge(segs, on="seg_id")
    return path, alex


def test_a_person_removing_every_coding_on_a_passage_leaves_them_no_theme_there(golden_store, tmp_path):
    """In another program a reviewer removes every coding of theirs from a passage (the passage, and the model's
    coding on it, stay): the project no longer says anything of theirs there, but the file evalnlp exported
    did, so their decision there is now no theme; their other passages and every other coder's codes stay."""
    path, alex = _exported_with_alex_on_two_passages(golden_store, tmp_path)
    target = alex["text"].iloc[0]
    others = set(alex.loc[alex["seg_id"] != alex["seg_id"].iloc[0], "seg_id"])
    assert others, "the fixture's person codes more than one passage"
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = members["project.qde"].decode("utf-8")
    members["project.qde"] = _without_codings_of(xml, "alex", target[:30], golden_store).encode("utf-8")
    edited = write_zip(tmp_path / "edited.qdpx", members)
    before = golden_store.table("codes")
    result = api.import_qdpx(golden_store, edited)
    assert not result.complete
    assert any("1 passage that human:alex had coded" in n and "now no theme" in n for n in result.notes)
    after = golden_store.table("codes")
    mine = after[(after["coder"] == "human:alex") & (after["seg_id"] == alex["seg_id"].iloc[0])]
    assert len(mine) and not mine["assigned"].any()  # a decision of no theme, still a human-coded passage
    still = after[(after["coder"] == "human:alex") & after["seg_id"].isin(others) & after["assigned"]]
    assert set(still["seg_id"]) == others
    untouched = ["seg_id", "theme", "score", "assigned", "coder", "run_id"]
    pd.testing.assert_frame_equal(
        after[after["coder"] != "human:alex"][untouched].sort_values(untouched[:2]).reset_index(drop=True),
        before[before["coder"] != "human:alex"][untouched].sort_values(untouched[:2]).reset_index(drop=True))
    # the same file imported again changes nothing more
    again = golden_store.table("codes")
    api.import_qdpx(golden_store, edited)
    pd.testing.assert_frame_equal(golden_store.table("codes"), again)


def test_a_removal_in_a_file_without_evalnlp_json_keeps_the_codes_and_says_so(golden_store, tmp_path):
    """The same removal in a file a program saved without evalnlp.json: the file cannot tell a removed coding from
    one an older copy never had, so the person's earlier codes are kept, and the import says how many passages
    that concerns (it did so silently before)."""
    path, alex = _exported_with_alex_on_two_passages(golden_store, tmp_path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "evalnlp.json"}
    untouched = write_zip(tmp_path / "xml_only.qdpx", dict(members))
    assert not any("coded earlier" in n for n in api.import_qdpx(golden_store, untouched).notes)
    xml = members["project.qde"].decode("utf-8")
    members["project.qde"] = _without_codings_of(xml, "alex", alex["text"].iloc[0][:30], golden_store).encode()
    before = golden_store.table("codes")
    result = api.import_qdpx(golden_store, write_zip(tmp_path / "edited.qdpx", members))
    assert any(n.startswith("1 passage of this file that human:alex coded earlier has none of their codings")
               and "were kept" in n for n in result.notes), result.notes
    pd.testing.assert_frame_equal(golden_store.table("codes"), before)


def test_machine_codes_in_a_file_never_replace_the_stores(golden_store, tmp_path):
    path = tmp_path / "golden.qdpx"
    api.export(golden_store, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "evalnlp.json"}
    before = golden_store.table("codes")
    api.import_qdpx(golden_store, write_zip(tmp_path / "xml_only.qdpx", members))
    pd.testing.assert_frame_equal(golden_store.table("codes"), before)  # scores and unassigned rows kept


def test_import_needs_an_existing_qdpx(store, tmp_path):
    with pytest.raises(InputError) as err:
        api.import_qdpx(store, tmp_path / "missing.qdpx")
    assert err.value.code == "E121"
    qdc = tmp_path / "themes.qdc"
    qdc.write_text("<CodeBook/>", encoding="utf-8")
    with pytest.raises(InputError) as err:
        api.import_qdpx(store, qdc)
    assert err.value.code == "E128" and "convert it with `codebook_import(path='themes.qdc', out=...)`" in \
        err.value.message
    assert "convert it with `evalnlp codebook import themes.qdc --out FILE.yaml`" in err.value.render(
        errors.command_line_name)


def test_coder_must_be_a_person(store, foreign):
    with pytest.raises(InputError) as err:
        api.import_qdpx(store, foreign.path, codebook=foreign.codebook, coder="model:x@1")
    assert err.value.code == "E142"


@pytest.mark.parametrize("folder, qde", [("Breakfast study/", "project.qde"), ("", "Breakfast study.qde"),
                                         ("Export/", "Breakfast study.qde")])
def test_a_project_zipped_with_its_folder_or_named_otherwise(store, foreign, tmp_path, folder, qde):
    members = {folder + (qde if name == "project.qde" else name): data
               for name, data in foreign_members(foreign_project_xml()).items()}
    path = write_zip(tmp_path / "folder.qdpx", members)
    api.import_qdpx(store, path, codebook=foreign.codebook)
    assert coded(store) == foreign.expected_codes


def _reviewed_elsewhere(golden_store, tmp_path, *, definitions: bool, new_guids: bool):
    """The golden project as another program saves it back: the sources' variable values left out (and the
    variables' definitions, unless ``definitions``), with new source GUIDs when ``new_guids``, and the machine's
    codes as a reviewer's. Imported into the store, which must gain no document or passage; returns the codes."""
    import re
    import uuid

    path = tmp_path / "golden.qdpx"
    api.export(golden_store, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "evalnlp.json"}
    qde = members["project.qde"].decode("utf-8")
    if not definitions:
        qde = re.sub(r"<Variables>.*?</Variables>", "", qde, flags=re.S)
    qde = re.sub(r"<VariableValue>.*?</VariableValue>", "", qde, flags=re.S)
    if new_guids:
        qde = re.sub(r'(<TextSource guid=")[^"]+"', lambda m: m.group(1) + str(uuid.uuid4()).upper() + '"', qde)
    qde = qde.replace('name="model:fixture@000000" id="model:fixture@000000"', 'name="Reviewer"')
    members["project.qde"] = qde.encode("utf-8")
    before = {n: golden_store.table(n) for n in ("documents", "segments")}
    result = api.import_qdpx(golden_store, write_zip(tmp_path / "reviewed.qdpx", members))
    assert result.documents_new == 0 and result.segments_new == 0
    for name, table in before.items():
        pd.testing.assert_frame_equal(golden_store.table(name), table)
    codes = golden_store.table("codes")
    machine = codes[(codes["coder"] == "model:fixture@000000") & codes["assigned"]]
    reviewer = codes[(codes["coder"] == "human:Reviewer") & codes["assigned"]]
    assert set(zip(reviewer["seg_id"], reviewer["theme"])) == set(zip(machine["seg_id"], machine["theme"]))
    return codes


def test_a_program_that_drops_variables_but_keeps_guids(golden_store, tmp_path):
    """A reviewer's codes come back onto the store's own documents and passages by their GUIDs."""
    codes = _reviewed_elsewhere(golden_store, tmp_path, definitions=False, new_guids=False)
    # stored the way every person's codes are: a row per theme of the codebook for each passage they coded
    everything = codes[codes["coder"] == "human:Reviewer"]
    assert len(everything) == everything["seg_id"].nunique() * 10


@pytest.mark.parametrize("definitions", [True, False], ids=["definitions kept", "definitions dropped"])
def test_a_program_that_drops_values_and_remakes_guids_finds_documents_by_name(golden_store, tmp_path, definitions):
    """REFI-QDA lets a program write new GUIDs and leave out the sources' variable values; the documents are then
    known by the names evalnlp gave them (``survey.csv row 2``), so the reviewer's codes land on the store's
    own documents and passages, and no document is stored twice (with the definitions of the variables kept
    or not)."""
    _reviewed_elsewhere(golden_store, tmp_path, definitions=definitions, new_guids=True)


def test_cases_written_as_codes_are_cases_not_themes(store, foreign, tmp_path):
    """NVivo writes each case as a code too (same GUID) and codes a case's sources with it."""
    case = "7C0F1E2D-3A4B-4C5D-8E6F-708192A3B4C5"
    xml = foreign_project_xml(extra_coding=f'<Coding guid="0D0D0D0D-0000-4000-8000-000000000003"><CodeRef '
                              f'targetGUID="{case}"/></Coding>')
    xml = xml.replace("  </Codes>", f'   <Code guid="{case}" name="Mabel" isCodable="true"/>\n  </Codes>')
    xml = xml.replace('<Case guid="7C0F1E2D-3A4B-4C5D-8E6F-708192A3B4C5" name="Mabel">', f'<Case guid="{case}" '
                      'name="Mabel P.">').replace('<SourceRef targetGUID="17FB9CB8-7858-4291-A162-65424B9942EC"/>', "")
    path = write_zip(tmp_path / "cases.qdpx", foreign_members(xml))
    result = api.import_qdpx(store, path, codebook=foreign.codebook)
    assert coded(store) == foreign.expected_codes
    attrs = json.loads(store.table("documents").set_index("source").loc["Mabel.docx", "attrs"])
    assert attrs["case"] == "Mabel"
    assert any("codings name the case" in n for n in result.notes)
    made = tmp_path / "made.yaml"
    api.codebook_import(path, made)
    assert "Mabel" not in {t.label for t in load_codebook(made).themes}


def _resaved(members: dict, change) -> dict:
    """The project as another program saves it back: each source's text passed through ``change``, and each
    selection's positions found again in the new text by the passage it names."""
    import re as _re

    out = dict(members)
    qde = members["project.qde"].decode("utf-8").replace('origin="evalnlp', 'origin="Other 1.0; was evalnlp')
    for name in [n for n in members if n.startswith("sources/")]:
        new = change(members[name].decode("utf-8"))
        out[name] = new.encode("utf-8")
        block = _re.search(r'<TextSource[^>]*plainTextPath="internal://' + _re.escape(name.split("/")[1])
                           + r'".*?</TextSource>', qde, _re.S)

        def move(m, new=new):
            passage = change(m.group(2).replace("&#13;", "\r").replace("&#10;", "\n"))
            start = new.index(passage)
            return f'{m.group(1)}startPosition="{start}" endPosition="{start + len(passage)}"'

        moved = _re.sub(r'(<PlainTextSelection [^>]*name="([^"]*)" )startPosition="\d+" endPosition="\d+"', move,
                        block.group(0))
        qde = qde.replace(block.group(0), moved)
    out["project.qde"] = qde.encode("utf-8")
    return out


def test_a_document_saved_back_with_other_line_ends_or_unicode_form_is_the_stores_own(store, tmp_path):
    """Another program that re-saves the text with \\n for \\r\\n and composed accents makes no second copy of
    a document: its passages land on the stored ones. A document whose words changed is still a new one."""
    import unicodedata

    path = tmp_path / "data.csv"
    path.write_bytes("id,feedback\nR1,\"Caf\u00e9 staff were rude.\r\nParking was awful.\"\n"
                     "R2,Ze\u0301ro complaints about the doctor.\nR3,Nothing to improve.\n"
                     "R4,\uc9c1\uc6d0\ub4e4\uc774 \uce5c\uc808\ud588\uc5b4\uc694. \u30ac\u30a4\u30c9\u304c\u826f\u304b\u3063\u305f\u3002\n"
                     .encode("utf-8"))
    api.ingest(store, [path], text=["feedback"], id="id", unit="sentence")
    api.classify(store, codebook="fft")
    api.export(store, tmp_path / "out.qdpx")
    with zipfile.ZipFile(tmp_path / "out.qdpx") as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    tables = {n: store.table(n) for n in ("documents", "segments")}
    same = _resaved(members, lambda t: unicodedata.normalize("NFC", t.replace("\r\n", "\n")))
    result = api.import_qdpx(store, write_zip(tmp_path / "resaved.qdpx", same))
    assert result.documents_new == 0 and result.segments_new == 0
    assert any("other line ends or another Unicode form" in n for n in result.notes)
    for name, before in tables.items():
        pd.testing.assert_frame_equal(store.table(name), before)
    # decomposed instead: Latin accents, Hangul syllables into their jamo, kana voicing marks
    apart = _resaved(members, lambda t: unicodedata.normalize("NFD", t))
    result = api.import_qdpx(store, write_zip(tmp_path / "apart.qdpx", apart))
    assert result.documents_new == 0 and result.segments_new == 0
    for name, before in tables.items():
        pd.testing.assert_frame_equal(store.table(name), before)
    changed = _resaved(members, lambda t: t.replace("Nothing to improve.", "Nothing at all to improve."))
    assert api.import_qdpx(store, write_zip(tmp_path / "changed.qdpx", changed)).documents_new == 1


def test_two_users_of_one_name_stay_two_coders(store, foreign, tmp_path):
    """Two people (two GUIDs) who share a display name are two coders, each named with the start of its GUID,
    and the import says so; with --coder everyone is that one coder, as asked."""
    from qda_helpers import USER_A, USER_B

    xml = foreign_project_xml().replace('name="Friedrich Markgraf"', 'name="Admin"').replace(
        'name="Sebastian Petrausch"', 'name="Admin"')
    path = write_zip(tmp_path / "admins.qdpx", foreign_members(xml))
    result = api.import_qdpx(store, path, codebook=foreign.codebook)
    coders = {c for _, _, c in coded(store)}
    a, b = (f"human:Admin ({g.strip('{}').lower()[:8]})" for g in (USER_A, USER_B))
    assert coders == {a, b}
    assert any("users of the same name were kept apart" in n and "'Admin'" in n for n in result.notes)
    renamed = {"human:Friedrich Markgraf": a, "human:Sebastian Petrausch": b}
    assert coded(store) == {(t, th, renamed[c]) for t, th, c in foreign.expected_codes}


def test_a_memo_written_as_a_source_description_is_counted_as_not_imported(store, foreign, tmp_path):
    xml = foreign_project_xml()
    at = xml.index("<PlainTextSelection")
    xml = xml[:at] + "<Description>Memo: Mabel was interviewed twice; see the second tape.</Description>\n   " + xml[at:]
    result = api.import_qdpx(store, write_zip(tmp_path / "memo.qdpx", foreign_members(xml)), codebook=foreign.codebook)
    assert result.discarded == {"notes": 1, "sets": 1, "descriptions of sources and selections": 2}
    assert coded(store) == foreign.expected_codes


def test_a_coding_by_a_user_the_file_does_not_list_is_named_for_its_guid(store, foreign, tmp_path):
    xml = foreign_project_xml()
    first = xml.index('<Coding guid="445A6AEC-1400-4502-919D-0867832FF211" creatingUser="')
    end = xml.index('"', first + len('<Coding guid="445A6AEC-1400-4502-919D-0867832FF211" creatingUser="'))
    start = first + len('<Coding guid="445A6AEC-1400-4502-919D-0867832FF211" creatingUser="')
    xml = xml[:start] + "0F0F0F0F-1111-4222-8333-944444444444" + xml[end:]
    result = api.import_qdpx(store, write_zip(tmp_path / "unlisted.qdpx", foreign_members(xml)),
                             codebook=foreign.codebook)
    coders = {c for _, _, c in coded(store)}
    assert "human:unlisted user 0f0f0f0f" in coders and "human:unknown" not in coders
    assert any("does not have" in n and "'human:unlisted user 0f0f0f0f'" in n for n in result.notes)


def test_distinct_codes_that_become_one_theme_are_named_in_a_note():
    from evalnlp.qda._import import _note_merged_codes
    from evalnlp.qda._read import Code, Project

    codes = {g: Code(guid=g, name=n, description=None, codable=True, parent=p) for g, n, p in [
        ("p", "Positive", None), ("n", "Negative", None), ("ps", "Staff", "p"), ("ns", "Staff", "n"),
        ("a", "Access", None)]}
    project = Project(name="x", origin="y", description=None, creating_user=None, users={}, codes=codes,
                      variables={}, sources=[], cases=[], discarded={})
    notes: list[str] = []
    _note_merged_codes(project, {"ps": "staff", "ns": "staff", "a": "access"}, notes)
    assert notes == ["several codes of the file became one theme: 'Negative::Staff', 'Positive::Staff' -> staff"]
    notes.clear()
    _note_merged_codes(project, {"ps": "staff", "a": "access"}, notes)
    assert notes == []


def test_text_variables_come_back_as_written_after_another_program_saved_the_project(tmp_path):
    """A document attribute with spaces or line breaks at its ends (a staff code "Medication ", an answer kept
    as an attribute) is the user's text: read back from a project another program saved (so evalnlp's own side
    data is not used), it is the same string; a text of spaces only is no value."""
    csv = tmp_path / "in.csv"
    pd.DataFrame({"id": ["001", "002"], "comment": ["The nurse was kind to me.", "Parking was awful again."],
                  "staff_code": ["Care received ; Medication ", "\nline one\nline two\n"],
                  "other_answer": ["  indented answer", "ok"]}).to_csv(csv, index=False)
    with Store(tmp_path / "a.duckdb") as store:
        api.ingest(store, [csv], text=["comment"], id="id", meta=["staff_code", "other_answer"])
        api.export(store, tmp_path / "p.qdpx", codebook="fft")
        before = store.table("documents").set_index("locator")["attrs"].map(json.loads)
    with zipfile.ZipFile(tmp_path / "p.qdpx") as z:
        members = {n: z.read(n) for n in z.namelist()}
    qde = members["project.qde"].decode("utf-8").replace('origin="evalnlp', 'origin="Other 1.0; was evalnlp')
    assert "<TextValue>  indented answer</TextValue>" in qde
    qde = qde.replace("<TextValue>ok</TextValue>", "<TextValue>   </TextValue>")
    members["project.qde"] = qde.encode("utf-8")
    write_zip(tmp_path / "p2.qdpx", members)
    with Store(tmp_path / "b.duckdb") as store:
        api.import_qdpx(store, tmp_path / "p2.qdpx")
        after = store.table("documents").set_index("locator")["attrs"].map(json.loads)
    for loc in before.index:
        assert after[loc]["staff_code"] == before[loc]["staff_code"]
    assert after["id=001"]["other_answer"] == "  indented answer"
    assert "other_answer" not in after["id=002"]


# ---- internal:// paths name the member under sources/ by its whole path -------------------------------------

def _guid(i: int) -> str:
    return "%08d-0000-4000-8000-%012d" % (i, i)


def _paths_project(paths: dict[str, str]) -> bytes:
    """A project of text sources (name -> plainTextPath), each with one coded selection of its first 4 characters."""
    user, code = _guid(1), _guid(2)
    sources = "".join(
        f'<TextSource guid="{_guid(100 + i)}" name="{name}" plainTextPath="{path}">'
        f'<PlainTextSelection guid="{_guid(200 + i)}" name="sel" startPosition="0" endPosition="4" '
        f'creatingUser="{user}"><Coding guid="{_guid(300 + i)}" creatingUser="{user}"><CodeRef targetGUID="{code}"/>'
        f'</Coding></PlainTextSelection></TextSource>' for i, (name, path) in enumerate(paths.items()))
    return (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="walks" '
            f'origin="test"><Users><User guid="{user}" name="rosa"/></Users><CodeBook><Codes><Code guid="{code}" '
            f'name="Weather" isCodable="true"/></Codes></CodeBook><Sources>{sources}</Sources></Project>'
            ).encode("utf-8")


def _import_paths(store, tmp_path, paths: dict[str, str], members: dict[str, str]):
    archive = write_zip(tmp_path / "walks.qdpx", {"project.qde": _paths_project(paths),
                                                  **{k: v.encode("utf-8") for k, v in members.items()}})
    api.import_qdpx(store, archive, new_codebook=tmp_path / "walks.yaml")
    docs = dict(zip(store.table("documents")["source"], store.table("documents")["text"]))
    rejects = store.table("rejects")
    return docs, sorted(zip(rejects["source"], rejects["code"], rejects["reason"]))


@pytest.mark.parametrize("members", [
    {"sources/hill/walk.txt": "Rain on the hill path.", "sources/walk.txt": "Sun by the river."},
    {"hill/walk.txt": "Rain on the hill path.", "sources/walk.txt": "Sun by the river."},
])
def test_an_internal_path_takes_the_member_of_that_path_not_another_of_its_name(store, tmp_path, members):
    docs, rejects = _import_paths(store, tmp_path, {"hill": "internal://hill/walk.txt"}, members)
    assert docs == {"hill": "Rain on the hill path."} and rejects == []


def test_internal_paths_into_folders_of_sources_are_read(store, tmp_path):
    docs, rejects = _import_paths(
        store, tmp_path, {"a": "internal://site_a/notes.txt", "b": "internal://site_b/notes.txt"},
        {"sources/site_a/notes.txt": "Fog at site A.", "sources/site_b/notes.txt": "Hail at B."})
    assert docs == {"a": "Fog at site A.", "b": "Hail at B."} and rejects == []


def test_a_missing_internal_path_falls_back_only_to_a_single_file_of_its_name(store, tmp_path):
    docs, rejects = _import_paths(
        store, tmp_path, {"moved": "internal://old/moved.txt", "twice": "internal://gone/notes.txt"},
        {"sources/moved.txt": "Snow in March.", "sources/a/notes.txt": "Frost.", "sources/b/notes.txt": "Thaw."})
    assert docs == {"moved": "Snow in March."}
    assert [(s, c) for s, c, _ in rejects] == [("twice", "E144")]
    assert "2 files named like 'internal://gone/notes.txt'" in rejects[0][2]


def test_codes_not_in_the_codebook_are_counted_by_their_codings_in_an_evalnlp_file(tmp_path):
    """An evalnlp project of a codebook of the user's own, read into a store that does not know it: E240 counted
    every stored decision of a theme (applied or not, with every low machine score) as a coding, 3 for a code
    the project gives once."""
    cb_path = tmp_path / "choir.yaml"
    cb_path.write_text("id: choir\nmulti_label: true\nthemes:\n"
                       "  - {id: singing, label: Singing together, definition: Singing in a group.}\n"
                       "  - {id: friends, label: Making friends, definition: New friendships in the choir.}\n",
                       encoding="utf-8")
    cb = load_codebook(cb_path)
    texts = ["We sing every Tuesday.", "I met my best friend there.", "The hall is cold."]
    given = [["singing"], ["friends"], []]
    with Store(tmp_path / "a.duckdb") as store:
        with store.transaction():
            run = store.start_run("ingest", {"files": ["choir.csv"]})
            docs = store.insert_documents(pd.DataFrame({
                "source": "choir.csv", "locator": [f"row {i + 1}" for i in range(3)], "kind": "response",
                "question": "comment", "text": texts, "attrs": "{}"}), run, returning=True)
            store.insert_segments(pd.DataFrame({"doc_id": docs["doc_id"], "kind": "response", "start": 0,
                                                "end": docs["text"].str.len(), "text": docs["text"],
                                                "speaker": None, "source_ref": None}))
            store.finish_run(run, n_in=3, n_ok=3, n_rejected=0)
        seg = dict(zip(store.table("segments")["text"], store.table("segments")["seg_id"]))
        with store.transaction():
            run = store.start_run("codes import", {"codebook": str(cb_path)}, codebook_id=cb.id,
                                  codebook_sha256=cb.sha256)
            store.replace_codes(pd.DataFrame([{"seg_id": seg[t], "theme": th, "score": None, "assigned": th in g}
                                              for t, g in zip(texts, given) for th in cb.theme_ids]),
                                "human:ann", run)
            store.finish_run(run, n_in=3, n_ok=3, n_rejected=0)
        api.export(store, tmp_path / "choir.qdpx")
    with Store(tmp_path / "b.duckdb") as other:
        with pytest.raises(CodebookError) as err:
            api.import_qdpx(other, tmp_path / "choir.qdpx", codebook="impact")
    assert err.value.code == "E240"
    assert "'Singing together' (used in 1 codings)" in err.value.message
    assert "'Making friends' (used in 1 codings)" in err.value.message


def _counted_project(text: str, spans: list[tuple[str, int, int]], body: str | None = None) -> bytes:
    """A project with one inline text source (``body``: its XML text, ``text`` by default) and a coded
    selection per (name, start, end)."""
    sels = "".join(
        f'<PlainTextSelection guid="00000000-0000-4000-8000-00000000010{i}" name="{name}" startPosition="{s}" '
        f'endPosition="{e}"><Coding guid="00000000-0000-4000-8000-00000000020{i}" '
        'creatingUser="00000000-0000-4000-8000-000000000001"><CodeRef '
        'targetGUID="00000000-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>'
        for i, (name, s, e) in enumerate(spans))
    return ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p" '
            'origin="QualCoder 3.5"><Users><User guid="00000000-0000-4000-8000-000000000001" name="Kim"/></Users>'
            '<CodeBook><Codes><Code guid="00000000-0000-4000-8000-000000000002" name="Point" isCodable="true"/>'
            '</Codes></CodeBook><Sources><TextSource guid="00000000-0000-4000-8000-000000000003" name="notes">'
            f'<PlainTextContent>{body if body is not None else text}</PlainTextContent>{sels}</TextSource>'
            '</Sources></Project>').encode("utf-8")


@pytest.mark.parametrize("how", ["CR LF inline", "UTF-16 units"])
def test_positions_counted_otherwise_are_read_by_the_selections_names(tmp_path, how):
    """An inline text holding CR LF (which the XML reader makes LF) with positions counted over the CR LF, or
    positions counted in UTF-16 units past an emoji, stored every selection a few characters off without a
    word; the selections' names now say how the positions were counted, and the import says so."""
    from evalnlp.store import Store

    if how == "CR LF inline":
        text = "First para.\r\nSecond para has the point.\r\nThird para ends here."
        counted = text
    else:
        text = "Thanks \U0001F600\U0001F600 so much. The ward sisters now run the huddle every morning."
        counted = text.encode("utf-16-le").decode("latin-1")  # two units per character past U+FFFF
        counted = "".join(ch for ch in counted[::2])  # one character per UTF-16 unit, to count positions in
    names = ["Second para has the point.", "Third para ends"] if how == "CR LF inline" else [
        "The ward sisters now run the huddle"]
    spans = [(n, counted.index(n) if n in counted else 0, 0) for n in names]
    spans = [(n, s, s + len(n)) for n, s, _ in spans]
    path = write_zip(tmp_path / "p.qdpx", {"project.qde": _counted_project(text, spans)})
    with Store(tmp_path / "s.duckdb") as store:
        result = api.import_qdpx(store, path, new_codebook=tmp_path / "p.yaml")
        got = store.con.execute("SELECT text FROM segments ORDER BY start").fetchall()
    assert [g[0] for g in got] == names
    assert any("positions were read as counting" in n for n in result.notes)


def test_a_source_renamed_in_the_qda_program_is_the_stored_document_again(tmp_path):
    """A source renamed in the other program (same GUID, same text) was stored a second time on the next
    import, with its codings: evidence then counted its passages twice. It is matched by its text to the
    stored document, which keeps its name, and the import says so."""
    from evalnlp.store import Store

    text = "First para.\nSecond para has the point.\nThird para ends here."
    spans = [("Second para has the point.", 12, 38)]
    first = write_zip(tmp_path / "a.qdpx", {"project.qde": _counted_project(text, spans)})
    renamed = _counted_project(text, spans).replace(b'name="notes"', b'name="P01 notes"')
    second = write_zip(tmp_path / "b.qdpx", {"project.qde": renamed})
    with Store(tmp_path / "s.duckdb") as store:
        api.import_qdpx(store, first, new_codebook=tmp_path / "p.yaml")
        result = api.import_qdpx(store, second, codebook=tmp_path / "p.yaml")
        docs = store.con.execute("SELECT source FROM documents").fetchall()
        coded = store.con.execute("SELECT count(DISTINCT seg_id) FROM codes").fetchone()[0]
    assert docs == [("notes",)] and coded == 1
    assert any("renamed since the store read them" in n and "'P01 notes' (stored as 'notes')" in n
               for n in result.notes)


def test_two_people_whose_selections_differ_are_told_why_they_cannot_be_compared(tmp_path):
    """Two people of a QDA project select overlapping but never identical passages: agreement said "no passage
    in common" and advised classifying the file or importing the second coder's rows, which does not apply; it
    now says their selections differ in where they start or end."""
    from evalnlp.store import Store

    text = "First para.\nSecond para has the point.\nThird para ends here."
    xml = _counted_project(text, [("Second para has the point.", 12, 38)]).decode("utf-8")
    other = ('<PlainTextSelection guid="00000000-0000-4000-8000-000000000199" name="para has the point." '
             'startPosition="19" endPosition="45"><Coding guid="00000000-0000-4000-8000-000000000299" '
             'creatingUser="00000000-0000-4000-8000-000000000009"><CodeRef '
             'targetGUID="00000000-0000-4000-8000-000000000002"/></Coding></PlainTextSelection>')
    xml = xml.replace("</TextSource>", other + "</TextSource>").replace(
        "</Users>", '<User guid="00000000-0000-4000-8000-000000000009" name="Lee"/></Users>')
    path = write_zip(tmp_path / "p.qdpx", {"project.qde": xml.encode("utf-8")})
    with Store(tmp_path / "s.duckdb") as store:
        api.import_qdpx(store, path, new_codebook=tmp_path / "p.yaml")
        with pytest.raises(InputError) as err:
            api.agreement(store, ["Kim", "Lee"], codebook=tmp_path / "p.yaml")
    assert err.value.code == "E183" and "never the same passage" in err.value.message


def test_date_and_float_variables_keep_their_types_through_a_round_trip(tmp_path):
    """A project's Date variable came back from evalnlp's export as Text, and one FloatValue of NaN (no
    decimal: a program's mark of no value) made the whole Float variable Text, "NaN" among its values."""
    import zipfile

    from evalnlp.store import Store

    xml = _counted_project("First para.\nSecond para has the point.", [("Second para has the point.", 12, 38)])
    xml = xml.decode("utf-8").replace(
        '<TextSource guid="00000000-0000-4000-8000-000000000003" name="notes">',
        '<TextSource guid="00000000-0000-4000-8000-000000000003" name="notes"><VariableValue><VariableRef '
        'targetGUID="00000000-0000-4000-8000-000000000031"/><DateValue>2024-03-01</DateValue></VariableValue>'
        '<VariableValue><VariableRef targetGUID="00000000-0000-4000-8000-000000000032"/><FloatValue>NaN'
        '</FloatValue></VariableValue>').replace(
        "<Sources>", '<Variables><Variable guid="00000000-0000-4000-8000-000000000031" name="interviewed" '
        'typeOfVariable="Date"/><Variable guid="00000000-0000-4000-8000-000000000032" name="score" '
        'typeOfVariable="Float"/></Variables><Sources>')
    # (a second source with a number, so that "score" has a value to type)
    xml = xml.replace("</Sources>", '<TextSource guid="00000000-0000-4000-8000-000000000004" name="more">'
                      '<VariableValue><VariableRef targetGUID="00000000-0000-4000-8000-000000000031"/>'
                      '<DateValue>2024-03-02</DateValue></VariableValue><VariableValue><VariableRef '
                      'targetGUID="00000000-0000-4000-8000-000000000032"/><FloatValue>34.50</FloatValue>'
                      '</VariableValue><PlainTextContent>Another text of its own.</PlainTextContent>'
                      '</TextSource></Sources>')
    path = write_zip(tmp_path / "p.qdpx", {"project.qde": xml.encode("utf-8")})
    with Store(tmp_path / "s.duckdb") as store:
        api.import_qdpx(store, path, new_codebook=tmp_path / "p.yaml")
        api.export(store, tmp_path / "back.qdpx", codebook=tmp_path / "p.yaml")
    back = zipfile.ZipFile(tmp_path / "back.qdpx").read("project.qde").decode("utf-8")
    assert 'name="interviewed" typeOfVariable="Date"' in back and "<DateValue>2024-03-01</DateValue>" in back
    assert 'name="score" typeOfVariable="Float"' in back and "NaN" not in back
