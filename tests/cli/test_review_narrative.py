"""review export / import on a narrative document: an invented case study read by the real ingest (sentences and
testimonials) and coded by the shipped impact model. A testimonial and the sentence(s) holding its words are two
passages of the same words; the workbook offers the testimonial, with its speaker and source marker, and not
its sentences."""

from __future__ import annotations

import json
import shutil

import pytest
from openpyxl import load_workbook

from evalnlp import api
from evalnlp.store import Store

CASE_STUDY = """Impact case study: Safer Stairs in Rural Care Homes

The Safer Stairs programme trained care home staff in three counties to assess the risk of falls on stairs and to \
fit simple handrails and lighting.

Between 2019 and 2022 the team worked with 140 care homes. The home manager at Elmfield said: "Since the training \
our residents fall far less often, and our staff now check every stairway each morning." [S1]

A county inspector wrote that the programme had changed local guidance. "We now expect every home to use the Safer \
Stairs checklist," said Dr Ruth Okafor, Head of Care Quality at Northshire Council. [S2]

Falls requiring hospital admission dropped by a third across the participating homes. One carer told us, "I feel \
confident now to speak up when a stair is unsafe." [S3]

The checklist was adopted by two further counties in 2023.

The head of nursing at Hillcrest said: "We were sceptical at first. The results changed our minds completely." [S4]
"""

#: the columns every review workbook had before speakers were shown, in their order
OLD_COLUMNS = ["#", "text", "source", "locator", "question", "selected because"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("case")
    (folder / "case_study.txt").write_text(CASE_STUDY, encoding="utf-8")
    path = folder / "coded.duckdb"
    with Store(path) as store:
        api.classify(store, [folder / "case_study.txt"], codebook="impact", sentiment=False)
    return path


@pytest.fixture
def coded(template, db_path):
    shutil.copy(template, db_path)
    return db_path


def passages(db_path):
    """The store's passages: seg_id -> (kind, doc_id, start, end, speaker, source_ref)."""
    with Store(db_path, read_only=True) as store:
        seg = store.table("segments")
    return {r.seg_id: (r.kind, r.doc_id, int(r.start), int(r.end), r.speaker, r.source_ref)
            for r in seg.itertuples(index=False)}


def overlapping(segs) -> set[tuple[str, str]]:
    """(sentence, testimonial) pairs of one document whose spans share characters."""
    tests = [(s, v) for s, v in segs.items() if v[0] == "testimonial"]
    return {(s, t) for s, v in segs.items() if v[0] == "sentence" for t, w in tests
            if v[1] == w[1] and v[2] < w[3] and w[2] < v[3]}


def rows(path) -> list[dict]:
    ws = load_workbook(path)["Review"]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def export(cli, path, *args):
    result = cli("review", "export", str(path), "--codebook", "impact", *args)
    assert result.exit_code == 0, result.output
    return result


def test_the_case_study_has_testimonials_inside_sentences(coded):
    segs = passages(coded)
    pairs = overlapping(segs)
    # four testimonials; one quotation runs over two sentences
    assert len({t for _, t in pairs}) == 4 and len(pairs) == 5
    assert sum(v[0] == "testimonial" for v in segs.values()) == 4


def test_a_testimonial_is_offered_once_with_its_speaker(cli, coded, tmp_path):
    segs = passages(coded)
    pairs = overlapping(segs)
    left_out = {s for s, _ in pairs}
    out = tmp_path / "review.xlsx"
    result = export(cli, out, "-n", "100")
    said = " ".join(result.stdout.split())
    got = rows(out)
    offered = [r["seg_id"] for r in got]
    assert len(offered) == len(segs) - len(left_out) == 10
    assert set(offered) == set(segs) - left_out  # every testimonial, and every sentence that holds none
    assert f"wrote {len(offered)} passages" in said
    assert f"left out {len(left_out)} sentences that hold the words of a testimonial not yet reviewed" in said, said
    # the new columns sit beside the old ones, none renamed
    head = list(got[0])
    assert [h for h in head if h in OLD_COLUMNS] == OLD_COLUMNS
    assert head.index("speaker") + 1 == head.index("source_ref")
    for r in got:
        kind, _doc, _s, _e, speaker, ref = segs[r["seg_id"]]
        if kind == "testimonial":
            assert (r["speaker"], r["source_ref"]) == (speaker, ref) and speaker and ref
        else:
            assert (r["speaker"], r["source_ref"]) == (None, None)
    assert any(r["speaker"] == "Dr Ruth Okafor, Head of Care Quality at Northshire Council" for r in got)
    ws = load_workbook(out)["Review"]
    col = {c.value: c.column_letter for c in ws[1]}
    assert ws[f"{col['speaker']}2"].protection.locked and ws[f"{col['source_ref']}2"].protection.locked
    with Store(coded, read_only=True) as store:
        run = store.table("runs").iloc[-1]
    args = json.loads(run["args"])
    assert run["command"] == "review export" and run["n_in"] == run["n_ok"] == len(offered)
    assert sorted(args["left_out_sentences"]) == sorted(left_out)


@pytest.mark.parametrize("strategy", ["uncertain", "diverse", "random"])
def test_n_rows_where_there_are_enough_and_never_a_testimonial_with_its_sentence(coded, tmp_path, strategy):
    pairs = overlapping(passages(coded))
    with Store(coded) as store:
        for n in (2, 5, 8, 10, 12):
            a = api.review_export(store, tmp_path / f"a{n}.xlsx", n=n, strategy=strategy, codebook="impact")
            b = api.review_export(store, tmp_path / f"b{n}.xlsx", n=n, strategy=strategy, codebook="impact")
            got = a.passages["seg_id"].tolist()
            assert got == b.passages["seg_id"].tolist()  # deterministic
            assert len(got) == min(n, 10), (n, got)
            assert not {(s, t) for s, t in pairs if s in got and t in got}
            # every sentence holding a testimonial is left out of the candidates, whatever n, and none is offered
            assert sorted(a.left_out) == sorted({s for s, _ in pairs}) and not set(a.left_out) & set(got)
            assert a.passages.columns[:7].tolist() == ["seg_id", "text", "source", "locator", "speaker",
                                                       "source_ref", "question"]


def review_okafor(cli, tmp_path) -> str:
    """Export every passage, give Dr Okafor's testimonial Policy influence and mark it reviewed, import as alice;
    returns the testimonial's seg_id."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "100")
    wb = load_workbook(out)
    ws = wb["Review"]
    col = {c.value: c.column_letter for c in ws[1]}
    okafor = next(r for r in range(2, ws.max_row + 1) if ws[f"{col['speaker']}{r}"].value
                  and ws[f"{col['speaker']}{r}"].value.startswith("Dr Ruth Okafor"))
    ws[f"{col['reviewed']}{okafor}"] = "yes"
    ws[f"{col['Policy influence']}{okafor}"] = 1
    wb.save(out)
    result = cli("review", "import", str(out), "--coder", "alice")
    assert result.exit_code == 0, result.output
    return ws[f"{col['seg_id']}{okafor}"].value


def alice_codes(store) -> set[tuple[str, str]]:
    """(passage text, theme) of human:alice's assigned codes."""
    codes = store.table("codes")
    alice = codes[(codes["coder"] == "human:alice") & codes["assigned"].astype(bool)]
    text = store.table("segments").set_index("seg_id")["text"]
    return {(text[s], t) for s, t in zip(alice["seg_id"], alice["theme"])}


def test_round_trip_codes_the_testimonial_and_the_next_round_offers_neither(cli, coded, tmp_path):
    segs = passages(coded)
    seg = review_okafor(cli, tmp_path)
    assert segs[seg][0] == "testimonial"
    with Store(coded, read_only=True) as store:
        codes = store.table("codes")
        assert ("We now expect every home to use the Safer Stairs checklist,", "policy_influence") in \
            alice_codes(store)
    alice = codes[(codes["coder"] == "human:alice") & codes["assigned"].astype(bool)]
    assert set(alice["seg_id"]) == {seg}
    again = tmp_path / "round2.xlsx"
    export(cli, again, "-n", "100")
    offered = {r["seg_id"] for r in rows(again)}
    holding = {s for s, t in overlapping(segs) if t == seg}
    assert seg not in offered and holding and not holding & offered


def test_a_reviewed_testimonial_goes_out_and_back_through_refi_qda(cli, coded, tmp_path):
    """The reviewer's codes on a testimonial leave in a REFI-QDA project and come back, into a new store and into
    the same one (which gains nothing), as they were."""
    review_okafor(cli, tmp_path)
    project = tmp_path / "project.qdpx"
    with Store(coded) as store:
        api.export(store, project)
        mine = alice_codes(store)
        assert ("We now expect every home to use the Safer Stairs checklist,", "policy_influence") in mine
        before = (len(store.table("documents")), len(store.table("segments")))
        api.import_qdpx(store, project)
        assert alice_codes(store) == mine
        assert (len(store.table("documents")), len(store.table("segments"))) == before
    with Store(tmp_path / "fresh.duckdb") as fresh:
        api.import_qdpx(fresh, project)
        assert alice_codes(fresh) == mine


def test_a_workbook_without_the_speaker_columns_still_imports(cli, coded, tmp_path):
    """A workbook exported before the speaker columns existed has neither them nor their line in the hidden
    sheet: its decisions import as before."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "100")
    wb = load_workbook(out)
    ws = wb["Review"]
    col = {c.value: c.column for c in ws[1]}
    ws.delete_cols(col["speaker"], 2)
    meta = wb["_evalnlp"]
    for row in meta.iter_rows():
        if row[0].value == "passage_columns":
            meta.delete_rows(row[0].row)
            break
    head = {c.value: c.column_letter for c in ws[1]}
    assert "speaker" not in head and "source_ref" not in head
    ws[f"{head['reviewed']}2"] = "yes"
    ws[f"{head['notes']}3"] = "checked"
    wb.save(out)
    result = cli("review", "import", str(out), "--coder", "bob")
    assert result.exit_code == 0, result.output
    assert "imported 2 reviewed passages" in " ".join(result.stdout.split())
