"""Human codes through the CLI: codes import / codes list, agreement, train --from-store.

Real files: 40 REF impact quotes sampled from the shared dev set, written as CSV and XLSX; and a tiny
invented example whose agreement figures are worked out by hand below.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from helpers import coded_store, shared_data

import evalnlp
from evalnlp.store import Store

IMPACT = ["engagement", "relationships", "service_improvement", "capability", "attitude_change",
          "practice_change", "policy_influence", "economic_value", "reach_uptake", "endorsement"]
LABELS = [arg for theme in IMPACT for arg in ("--labels", theme)]  # one 0/1 column per theme
EVALUATE_KEYS = {"n", "micro_f1", "macro_f1", "krippendorff_alpha", "per_theme"}
DEV = (shared_data() or Path("shared-data-not-found")) / "ref_impact_dev" / "impact_themes_dev.csv"
needs_dev = pytest.mark.skipif(not DEV.exists(), reason="the REF impact dev set is not available")


@pytest.fixture(scope="module")
def ref40(tmp_path_factory) -> dict[str, Path]:
    """40 coded REF quotes: CSV (themes joined by ";") and XLSX (the same rows, with the 0/1 columns)."""
    if not DEV.exists():
        pytest.skip("the REF impact dev set is not available")
    df = pd.read_csv(DEV, dtype=str, keep_default_na=False).sample(n=40, random_state=7)
    folder = tmp_path_factory.mktemp("ref40")
    df.to_csv(folder / "ref40.csv", index=False)
    df.to_excel(folder / "ref40.xlsx", index=False)
    return {"csv": folder / "ref40.csv", "xlsx": folder / "ref40.xlsx", "frame": df}


def import_ref(cli, path: Path, coder: str = "alice", *extra: str):
    return cli("codes", "import", str(path), "--text", "quote", "--id", "id", "--labels-column", "themes",
               "--coder", coder, *extra)


def store_tables(db_path: Path, snapshot) -> dict:
    snap = snapshot(db_path)
    return {k: v for k, v in snap.items() if k not in ("runs", "rejects")}


def expected_codes(frame: pd.DataFrame) -> dict[str, set[str]]:
    """id -> the themes the REF coders gave."""
    return {f"id={i}": {t for t in themes.split(";") if t} for i, themes in zip(frame["id"], frame["themes"])}


def stored_codes(db_path: Path, coder: str) -> dict[str, set[str]]:
    """locator -> the themes ``coder`` assigned, from the store."""
    with Store(db_path, read_only=True) as store:
        codes = store.table("codes").query("coder == @coder")
        segs = store.table("segments")[["seg_id", "doc_id"]]
        docs = store.table("documents")[["doc_id", "locator"]]
    rows = codes.merge(segs, on="seg_id").merge(docs, on="doc_id")
    out: dict[str, set[str]] = {loc: set() for loc in rows["locator"]}
    for loc, theme in rows[rows["assigned"]][["locator", "theme"]].itertuples(index=False):
        out[loc].add(theme)
    return out


# ---------------------------------------------------------------------------------------- codes import


@needs_dev
def test_import_stores_the_labels_and_importing_twice_adds_nothing(cli, db_path, ref40, snapshot):
    first = import_ref(cli, ref40["csv"])
    assert first.exit_code == 0, first.output
    assert "40 new" in first.stdout
    assert stored_codes(db_path, "human:alice") == expected_codes(ref40["frame"])
    with Store(db_path, read_only=True) as store:
        codes = store.table("codes")
        # every passage has one row per theme: the decision on each, assigned or not
        assert len(codes) == 40 * len(IMPACT) and set(codes["theme"]) == set(IMPACT)
        assert store.count("documents") == store.count("segments") == 40
    before = store_tables(db_path, snapshot)
    again = import_ref(cli, ref40["csv"])
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed, 40 unchanged" in again.stdout
    assert store_tables(db_path, snapshot) == before  # documents, segments and codes exactly as they were
    with Store(db_path, read_only=True) as store:
        runs = store.table("runs")
    assert list(runs["command"]) == ["codes import", "codes import"]
    assert (runs["n_in"] == 40).all() and (runs["n_in"] == runs["n_ok"] + runs["n_rejected"]).all()


@needs_dev
def test_xlsx_with_one_column_per_theme_gives_the_same_codes(cli, db_path, ref40):
    result = cli("codes", "import", str(ref40["xlsx"]), "--text", "quote", "--id", "id", *LABELS,
                 "--coder", "human:bob")
    assert result.exit_code == 0, result.output
    assert stored_codes(db_path, "human:bob") == expected_codes(ref40["frame"])
    with Store(db_path, read_only=True) as store:
        assert set(store.table("documents")["source"]) == {"ref40.xlsx#Sheet1"}  # as ingest names it


@needs_dev
def test_codes_attach_to_rows_already_ingested(cli, db_path, ref40):
    assert cli("ingest", str(ref40["csv"]), "--text", "quote", "--id", "id").exit_code == 0
    with Store(db_path, read_only=True) as store:
        docs_before = store.table("documents")
        segs_before = store.table("segments")
    result = import_ref(cli, ref40["csv"])
    assert result.exit_code == 0, result.output
    with Store(db_path, read_only=True) as store:
        assert store.table("documents").equals(docs_before)
        assert store.table("segments").equals(segs_before)
        codes = store.table("codes")
        run = store.table("runs").iloc[-1]
    assert set(codes["seg_id"]) == set(segs_before["seg_id"])  # on the passages ingest made
    assert run["command"] == "codes import" and run["n_ok"] == 40


@needs_dev
def test_codes_on_sentence_segmented_answers_go_on_the_whole_answer(cli, db_path, ref40):
    assert cli("ingest", str(ref40["csv"]), "--text", "quote", "--id", "id", "--unit", "sentence").exit_code == 0
    with Store(db_path, read_only=True) as store:
        n_docs, n_segs = store.count("documents"), store.count("segments")
    assert n_segs > n_docs
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    with Store(db_path, read_only=True) as store:
        segs = store.table("segments")
        docs = store.table("documents").set_index("doc_id")
        coded = segs[segs["seg_id"].isin(store.table("codes")["seg_id"])]
        assert store.count("documents") == n_docs
    assert len(coded) == 40
    assert (coded["start"] == 0).all()
    assert (coded["end"] == coded["doc_id"].map(docs["text"].str.len())).all()
    assert (coded["text"] == coded["doc_id"].map(docs["text"])).all()


@needs_dev
def test_rows_coded_with_no_theme_count_as_human_coded(cli, db_path, ref40):
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    n_none = int((ref40["frame"]["themes"] == "").sum())
    assert n_none > 0  # the sample has quotes the REF coders gave no theme
    result = cli("evidence", "--format", "json")  # the codebook comes from the import run
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["segments_coded"] == doc["segments_human_coded"] == 40
    assert doc["segments_no_theme"] == n_none
    counts = {t["theme"]: t["documents"] for t in doc["themes"]}
    expected = {t: sum(t in s for s in expected_codes(ref40["frame"]).values()) for t in IMPACT}
    assert counts == expected


@pytest.mark.parametrize("shape", ["column", "zero_one"])
def test_a_coding_file_whose_last_rows_have_no_label_warns_they_count_as_no_theme(cli, db_path, tmp_path, shape):
    """A coder part of the way through leaves the last rows empty: stored as coded with no theme (as documented),
    and the import says which rows and what to do; a file with rows coded 'no theme' here and there says nothing."""
    texts = [f"Answer {i}: the team now meets the council every month about case {i}." for i in range(1, 21)]
    themes = ["relationships"] * 6 + ["", "practice_change"] * 2 + ["capability"] * 4 + [""] * 6
    if shape == "column":
        frame = pd.DataFrame({"text": texts, "themes": themes})
        opts = ["--labels-column", "themes"]
    else:
        frame = pd.DataFrame({"text": texts, **{t: [("1" if x == t else ("0" if x else "")) for x in themes]
                                                   for t in ("relationships", "practice_change", "capability")}})
        frame.loc[6, ["relationships", "practice_change", "capability"]] = "0"  # a row coded with no theme
        opts = ["--labels", "relationships", "--labels", "practice_change", "--labels", "capability"]
    f = tmp_path / "half.csv"
    frame.to_csv(f, index=False)
    result = cli("codes", "import", str(f), "--text", "text", *opts, "--coder", "ann")
    assert result.exit_code == 0, result.output
    assert "the last 6 rows (row 15 to row 20) have no label at all" in result.output
    assert "take them out of the file and import it again" in result.output
    coded = stored_codes(db_path, "human:ann")
    assert len(coded) == 20 and all(coded[f"row {i}"] == set() for i in range(15, 21))
    # the same file finished (the last rows given a theme): no warning
    frame = frame.iloc[:14]
    frame.to_csv(f2 := tmp_path / "done.csv", index=False)
    result = cli("codes", "import", str(f2), "--text", "text", *opts, "--coder", "bob")
    assert result.exit_code == 0, result.output
    assert "no label at all" not in result.output


def test_empty_texts_are_rejects_and_the_counts_add_up(cli, db_path, tmp_path):
    f = tmp_path / "coded.csv"
    pd.DataFrame({"text": ["We now meet the council every month.", "", "  ", "Staff use the new checklist."],
                  "themes": ["relationships", "capability", "", "practice_change"]}).to_csv(f, index=False)
    result = cli("codes", "import", str(f), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 0, result.output
    with Store(db_path, read_only=True) as store:
        run = store.table("runs").iloc[-1]
        rejects = store.table("rejects")
    assert (run["n_in"], run["n_ok"], run["n_rejected"]) == (4, 2, 2)
    assert sorted(rejects["locator"]) == ["row 2", "row 3"] and set(rejects["code"]) == {"E141"}
    assert stored_codes(db_path, "human:ann") == {"row 1": {"relationships"}, "row 4": {"practice_change"}}


def test_a_row_repeating_an_earlier_rows_id_and_text_is_a_reject_and_its_codes_are_not_taken(cli, db_path, tmp_path):
    f = tmp_path / "coded.csv"
    pd.DataFrame({"rid": ["a", "a", "b"], "text": ["We now meet the council.", "We now meet the council.", "Staff use it."],
                  "themes": ["relationships", "capability", "practice_change"]}).to_csv(f, index=False)
    result = cli("codes", "import", str(f), "--text", "text", "--id", "rid", "--labels-column", "themes",
                 "--coder", "ann")
    assert result.exit_code == 0, result.output
    with Store(db_path, read_only=True) as store:
        run = store.table("runs").iloc[-1]
        rejects = store.table("rejects")
    assert (run["n_in"], run["n_ok"], run["n_rejected"]) == (3, 2, 1)
    assert list(zip(rejects["locator"], rejects["code"])) == [("rid=a", "E176")]
    assert stored_codes(db_path, "human:ann") == {"rid=a": {"relationships"}, "rid=b": {"practice_change"}}


def test_unknown_theme_is_a_numbered_error_and_the_store_is_unchanged(cli, db_path, tmp_path, snapshot):
    good = tmp_path / "good.csv"
    pd.DataFrame({"text": ["We now meet the council every month."], "themes": ["relationships"]}).to_csv(
        good, index=False)
    result = cli("codes", "import", str(good), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 0, result.output
    before = snapshot(db_path)
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["One answer.", "Another answer.", "A third answer.", "A fourth."],
                  "themes": ["capability", "leadershp;capability", "relationships", "policy influense"]}
                 ).to_csv(bad, index=False)
    result = cli("codes", "import", str(bad), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 1
    assert "[E221]" in result.output and "Traceback" not in result.output
    assert "'leadershp' in row 2" in result.output and "'policy influense' in row 4" in result.output
    assert "did you mean 'policy_influence'?" in result.output
    assert ", ".join(IMPACT) in result.output  # the valid ids
    assert snapshot(db_path) == before


def test_labels_joined_by_another_separator_are_told_to_take_it(cli, db_path, tmp_path):
    """Labels written "policy_influence | endorsement" and read with the default ";" are not misspellings of
    one theme: the error says they are lists joined by "|" and to pass --sep, without guessing a theme."""
    path = tmp_path / "coded.csv"
    pd.DataFrame({"text": ["The minister cited the report.", "We now meet the council every month."],
                  "themes": ["policy_influence | endorsement", "relationships"]}).to_csv(path, index=False)
    result = cli("codes", "import", str(path), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "[E221]" in said
    assert "joined by '|', and the labels are split at ';': pass --sep SEP with '|'" in said
    assert "did you mean" not in said
    result = cli("codes", "import", str(path), "--text", "text", "--labels-column", "themes", "--coder", "ann",
                 "--sep", "|")
    assert result.exit_code == 0, result.output


def test_label_cells_merged_across_rows_are_refused_and_nothing_is_stored(cli, db_path, tmp_path, snapshot):
    """A coder who merges one label over the rows it applies to sees it on each row; the file holds it in the
    first row only, so the rows under it would be stored as coded with no theme. Refused, naming the cells."""
    from openpyxl import Workbook

    cli("codes", "import", str(_one_row(tmp_path)), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    before = snapshot(db_path)
    wb = Workbook()
    ws = wb.active
    ws.append(["id", "text", "themes", "site"])
    for i, text in enumerate(["We meet the council monthly now.", "The council calls us first.",
                              "Our staff run the course alone.", "Staff now teach the method."], start=1):
        ws.append([i, text, "relationships" if i < 3 else "capability", "North"])
    ws.merge_cells("C2:C3")
    ws.merge_cells("C4:C5")
    ws.merge_cells("D2:D5")  # a merged attribute column is only noted by ingest
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    result = cli("codes", "import", str(path), "--text", "text", "--id", "id", "--labels-column", "themes",
                 "--coder", "ann")
    assert result.exit_code == 1 and "[E198]" in result.output and "Traceback" not in result.output
    said = " ".join(result.output.split())
    assert "C2:C3, C4:C5" in said and "'themes'" in said
    assert snapshot(db_path) == before
    ws.unmerge_cells("C2:C3")
    ws.unmerge_cells("C4:C5")
    ws["C3"], ws["C5"] = "relationships", "capability"
    wb.save(path)
    result = cli("codes", "import", str(path), "--text", "text", "--id", "id", "--labels-column", "themes",
                 "--coder", "ann")
    assert result.exit_code == 0, result.output


def _one_row(tmp_path):
    good = tmp_path / "one.csv"
    pd.DataFrame({"text": ["We now meet the council every month."], "themes": ["relationships"]}).to_csv(
        good, index=False)
    return good


def test_bad_coder_names_and_narrative_files_are_refused(cli, tmp_path):
    f = tmp_path / "c.csv"
    pd.DataFrame({"text": ["An answer."], "themes": ["capability"]}).to_csv(f, index=False)
    for name in ("  ", "model:keyword", "human:"):
        result = cli("codes", "import", str(f), "--text", "text", "--labels-column", "themes", "--coder", name)
        assert result.exit_code == 1 and "[E181]" in result.output, name
    doc = tmp_path / "notes.txt"
    doc.write_text("A paragraph.\n", encoding="utf-8")
    result = cli("codes", "import", str(doc), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 1 and "[E180]" in result.output
    both = cli("codes", "import", str(f), "--text", "text", "--labels", "capability", "--labels-column", "themes",
               "--coder", "ann")
    assert both.exit_code == 1 and "[E135]" in both.output


def test_a_coders_copy_of_the_same_name_from_another_folder_attaches_and_a_different_file_is_refused(
        cli, db_path, tmp_path):
    """The analyst read exports/survey.csv; the coder sends back returned/survey.csv, the same rows with a themes
    column. Its codes attach to the documents already read. A file of that name with a row not read before is
    another file, refused (E175), with nothing stored."""
    rows = pd.DataFrame({"rid": ["a", "b"], "text": ["We now meet the council.", "Staff use the checklist."]})
    (tmp_path / "exports").mkdir()
    rows.to_csv(tmp_path / "exports" / "survey.csv", index=False)
    assert cli("ingest", str(tmp_path / "exports" / "survey.csv"), "--text", "text", "--id", "rid").exit_code == 0
    (tmp_path / "returned").mkdir()
    rows.assign(themes=["relationships", "practice_change"]).to_csv(tmp_path / "returned" / "survey.csv",
                                                                   index=False)
    result = cli("codes", "import", str(tmp_path / "returned" / "survey.csv"), "--text", "text", "--id", "rid",
                 "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 0, result.output
    assert stored_codes(db_path, "human:ann") == {"rid=a": {"relationships"}, "rid=b": {"practice_change"}}
    (tmp_path / "site-b").mkdir()
    pd.DataFrame({"rid": ["a", "c"], "text": ["We now meet the council.", "New answer."],
                  "themes": ["capability", ""]}).to_csv(tmp_path / "site-b" / "survey.csv", index=False)
    result = cli("codes", "import", str(tmp_path / "site-b" / "survey.csv"), "--text", "text", "--id", "rid",
                 "--labels-column", "themes", "--coder", "bob")
    assert result.exit_code == 1 and "[E175]" in result.output
    with Store(db_path, read_only=True) as store:
        assert store.count("documents") == 2
    assert stored_codes(db_path, "human:bob") == {}


@needs_dev
def test_a_coded_sample_of_an_ingested_file_under_its_own_name_is_told_to_take_source(cli, db_path, tmp_path):
    """A person's coded sample of the survey already in the store, under its own file name, stores its answers a
    second time; the warning told the user to read the file into a new store, and never named --source, the
    option that puts the codes on the survey's own answers."""
    survey = pd.DataFrame({"rid": ["A1", "A2", "A3", "A4"], "answer": [
        "The mentor helped me plan my week.", "I read more at home now.", "My dad comes to parents' evening.",
        "I am never late any more."]})
    survey.to_csv(tmp_path / "survey.csv", index=False)
    assert cli("ingest", str(tmp_path / "survey.csv"), "--text", "answer", "--id", "rid").exit_code == 0
    sample = survey.iloc[:3].assign(codes=["capability", "", "relationships"])
    sample.to_csv(tmp_path / "sample_coded.csv", index=False)
    result = cli("codes", "import", str(tmp_path / "sample_coded.csv"), "--text", "answer", "--id", "rid",
                 "--labels-column", "codes", "--coder", "alice", "--codebook", "impact")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "warning: sample_coded.csv: 3 of its 3 new rows" in said and "evidence counts both" in said
    assert "--source survey.csv" in said
    fixed = cli("--db", str(tmp_path / "fresh.duckdb"), "ingest", str(tmp_path / "survey.csv"), "--text", "answer",
                "--id", "rid")
    assert fixed.exit_code == 0
    again = cli("--db", str(tmp_path / "fresh.duckdb"), "codes", "import", str(tmp_path / "sample_coded.csv"),
                "--text", "answer", "--id", "rid", "--labels-column", "codes", "--coder", "alice", "--codebook",
                "impact", "--source", "survey.csv")
    assert again.exit_code == 0 and "warning" not in again.output  # the advice, taken, stores nothing twice
    with Store(tmp_path / "fresh.duckdb", read_only=True) as store:
        assert len(store.table("documents")) == 4


def test_a_coders_copy_attaches_to_the_ingested_source(cli, db_path, ref40, tmp_path):
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    copy = ref40["frame"].copy()
    copy.loc[copy.index[0], "quote"] = copy["quote"].iloc[0] + " (edited)"
    path = tmp_path / "bob_copy.xlsx"
    copy.to_excel(path, index=False)
    wrong = import_ref(cli, path, "bob", "--source", "ref40.cvs")
    assert wrong.exit_code == 1 and "[E187]" in wrong.output and "'ref40.csv'" in wrong.output
    result = import_ref(cli, path, "bob", "--source", "ref40.csv")
    assert result.exit_code == 0, result.output
    with Store(db_path, read_only=True) as store:
        assert store.count("documents") == 40  # nothing new ingested
        run = store.table("runs").iloc[-1]
        rejects = store.table("rejects", run_id=run["run_id"])
    assert (run["n_in"], run["n_ok"], run["n_rejected"]) == (40, 39, 1)
    assert rejects["code"].tolist() == ["E188"] and rejects["locator"].tolist() == [f"id={copy['id'].iloc[0]}"]
    agree = cli("agreement", "--coder", "alice", "--coder", "bob", "--format", "json")
    assert agree.exit_code == 0, agree.output
    assert json.loads(agree.stdout)["n"] == 39 and json.loads(agree.stdout)["micro_f1"] == 1.0


def _import_a_copy(cli, tmp_path: Path, id_column: str, survey: str, copy: str):
    """Ingest ``survey`` (CSV text, answers in ``comment``) as survey.csv, then import ``copy`` (the same with a
    ``themes`` column) as ann's codes of it with ``--source survey.csv``; the import's result."""
    (tmp_path / "survey.csv").write_text(survey, encoding="utf-8")
    assert cli("ingest", str(tmp_path / "survey.csv"), "--text", "comment", "--id", id_column).exit_code == 0
    (tmp_path / "coded.csv").write_text(copy, encoding="utf-8")
    result = cli("codes", "import", str(tmp_path / "coded.csv"), "--text", "comment", "--id", id_column,
                 "--labels-column", "themes", "--coder", "ann", "--codebook", "fft", "--source", "survey.csv")
    assert result.exit_code == 0, result.output
    return result


def test_a_copy_whose_ids_lost_their_leading_zeros_is_told_why_its_rows_match_nothing(cli, db_path, tmp_path):
    """A coder opened the export in a spreadsheet, which read ids 0007 as the number 7: the rows have the
    stored text but no document at their id. The reject says that, naming the stored id."""
    _import_a_copy(cli, tmp_path, "resp",
                   "resp,comment\n0007,The nurse explained everything.\n0012,Long wait in clinic.\n",
                   "resp,comment,themes\n7,The nurse explained everything.,communication\n"
                   "12,Long wait in clinic.,access\n")
    with Store(db_path, read_only=True) as store:
        rejects = store.table("rejects", run_id=store.table("runs").iloc[-1]["run_id"])
    assert rejects["locator"].tolist() == ["resp=7", "resp=12"]
    assert rejects["reason"].str.contains("the id lost its leading zeros").all()
    assert "resp=0007" in rejects["reason"].iloc[0] and "resp=0012" in rejects["reason"].iloc[1]


def test_a_copy_whose_cells_were_trimmed_still_finds_its_answers(cli, db_path, tmp_path):
    """A coder's copy written by a spreadsheet or pandas loses the spaces at a cell's ends and may rewrite its line
    breaks: a row whose text differs from the stored answer at its place in spaces and line breaks only is that
    answer (and the import says how many matched so); a changed word is still a reject (E188)."""
    result = _import_a_copy(cli, tmp_path, "id",
                            'id,comment\n1,"Hello there, this was good.  "\n2,"Line one\r\n  line two"\n'
                            '3,The parking was awful.\n4,Seen on time.\n',
                            'id,comment,themes\n1,"Hello there, this was good.",staff\n'
                            "2,Line one line two,communication\n3,The parking was awful!,access\n"
                            "4,Seen on time.,access\n")
    assert "2 rows matched the stored answer at their place" in " ".join(result.output.split())
    with Store(db_path, read_only=True) as store:
        run = store.table("runs").iloc[-1]
        rejects = store.table("rejects", run_id=run["run_id"])
        coded = store.con.execute(
            """SELECT d.locator, c.theme FROM codes c JOIN segments s USING (seg_id) JOIN documents d USING (doc_id)
               WHERE c.coder = 'human:ann' AND c.assigned ORDER BY d.locator""").fetchall()
        assert store.count("documents") == 4  # matched to the stored answers, none added
    assert (run["n_in"], run["n_ok"], run["n_rejected"]) == (4, 3, 1)
    assert rejects["locator"].tolist() == ["id=3"] and rejects["code"].tolist() == ["E188"]
    assert coded == [("id=1", "staff"), ("id=2", "communication"), ("id=4", "access")]


def test_a_coded_copy_in_long_form_finds_its_answers_and_misses_say_why(cli, db_path, tmp_path):
    """A coded copy whose answers stand in one column (``text``) beside a question column, as a coded sample in
    long form does: each row is placed on the answer with its locator and text, whichever question it answered.
    Rows that cannot be placed say why: an edited text, a locator the source lacks, or a text that answers
    several questions at its locator."""
    survey = tmp_path / "survey.csv"
    survey.write_text("rid,changed,valued\nR1,We now meet the council monthly.,The mentoring.\n"
                      "R2,Nothing,Nothing\nR3,I lead the weekly huddle.,Time to think.\n", encoding="utf-8")
    assert cli("ingest", str(survey), "--text", "changed", "--text", "valued", "--id", "rid").exit_code == 0
    coded = tmp_path / "coded.csv"
    pd.DataFrame({"rid": ["R1", "R1", "R2", "R3", "R9"],
                  "question": ["changed", "valued", "changed", "changed", "changed"],
                  "text": ["We now meet the council monthly.", "The mentoring.", "Nothing",
                           "I lead the daily huddle.", "Something"],
                  "themes": ["relationships", "endorsement", "", "practice_change", "capability"]}
                 ).to_csv(coded, index=False)
    result = cli("codes", "import", str(coded), "--text", "text", "--id", "rid", "--labels-column", "themes",
                 "--coder", "erin", "--source", "survey.csv")
    assert result.exit_code == 0, result.output
    assert "n_in 5 = n_ok 2 + n_rejected 3" in " ".join(result.output.split())
    with Store(db_path, read_only=True) as store:
        run = store.table("runs").iloc[-1]
        rejects = store.table("rejects", run_id=run["run_id"]).set_index("locator")["reason"]
        docs = store.table("documents")
    assert len(docs) == 6  # nothing new was ingested
    assert "answer to several questions ('changed', 'valued')" in rejects["rid=R2"]
    assert "has a document at this locator, but not with this text" in rejects["rid=R3"]
    assert "has no document at this locator" in rejects["rid=R9"]
    assert stored_codes(db_path, "human:erin") == {"rid=R1": {"relationships", "endorsement"}}
    with Store(db_path, read_only=True) as store:  # each code on its own answer, not both on one
        codes = store.table("codes").query("coder == 'human:erin' and assigned").merge(
            store.table("segments")[["seg_id", "doc_id"]], on="seg_id").merge(docs[["doc_id", "question"]],
                                                                               on="doc_id")
    assert sorted(zip(codes["question"], codes["theme"])) == [("changed", "relationships"), ("valued", "endorsement")]


def test_codes_import_stores_the_answers_under_the_question_named(cli, db_path, tmp_path):
    """--question NAME (question= in Python) stores the text column's answers under that question, as ingest's
    does: the same documents as ingest --question, so importing after ingesting adds none, and evidence groups
    them under the name, not the coded file's header."""
    survey = tmp_path / "survey.csv"
    survey.write_text("rid,comment\nR1,We now meet the council monthly.\nR2,I lead the weekly huddle.\n",
                      encoding="utf-8")
    assert cli("ingest", str(survey), "--text", "comment", "--id", "rid", "--question", "What changed?").exit_code == 0
    coded = tmp_path / "survey_coded" / "survey.csv"  # a coder's copy of the same name, from another folder
    coded.parent.mkdir()
    coded.write_text("rid,comment,themes\nR1,We now meet the council monthly.,relationships\n"
                     "R2,I lead the weekly huddle.,practice_change\n", encoding="utf-8")
    args = ("codes", "import", str(coded), "--text", "comment", "--id", "rid", "--labels-column", "themes")
    result = cli(*args, "--coder", "ann", "--question", "What changed?")
    assert result.exit_code == 0, result.output
    with Store(db_path, read_only=True) as store:
        docs = store.table("documents")
        run = store.table("runs").iloc[-1]
    assert len(docs) == 2 and set(docs["question"]) == {"What changed?"}
    assert json.loads(run["args"])["question"] == "What changed?"
    assert stored_codes(db_path, "human:ann") == {"rid=R1": {"relationships"}, "rid=R2": {"practice_change"}}
    # a new file read by codes import alone: its answers go under the name too
    other = tmp_path / "other.csv"
    other.write_text("rid,text,themes\nR7,More time to plan together.,relationships\n", encoding="utf-8")
    assert cli("codes", "import", str(other), "--text", "text", "--id", "rid", "--labels-column", "themes",
               "--coder", "ann", "--question", "What changed?").exit_code == 0
    evidence = cli("evidence", "--by", "question", "--format", "json")
    assert evidence.exit_code == 0, evidence.output
    groups = {row["group"] for row in json.loads(evidence.stdout)["matrices"]["question"]}
    assert groups == {"What changed?"}
    # more than one name, or a blank one, is a usage error of its own (E130), with nothing stored
    two = cli(*args, "--coder", "bob", "--question", " ")
    assert two.exit_code == 1 and "[E130]" in two.output and "--question must be a question's name" in two.output


def test_codes_import_with_source_takes_the_question_named(cli, db_path, tmp_path):
    """A coder's copy (--source) in long form whose text answers two questions at its locator cannot be placed
    from the column's header; --question says which answer it is. A question the text does not answer there
    is a reject saying so."""
    survey = tmp_path / "survey.csv"
    survey.write_text("rid,changed,valued\nR1,Nothing,Nothing\nR2,The huddle.,Time to think.\n", encoding="utf-8")
    assert cli("ingest", str(survey), "--text", "changed", "--text", "valued", "--id", "rid").exit_code == 0
    coded = tmp_path / "coded.csv"
    coded.write_text("rid,text,themes\nR1,Nothing,endorsement\nR2,The huddle.,practice_change\n",
                     encoding="utf-8")
    args = ("codes", "import", str(coded), "--text", "text", "--id", "rid", "--labels-column", "themes",
            "--source", "survey.csv")
    unnamed = cli(*args, "--coder", "erin")
    assert unnamed.exit_code == 0 and "n_in 2 = n_ok 1 + n_rejected 1" in " ".join(unnamed.output.split())
    named = cli(*args, "--coder", "finn", "--question", "valued")
    assert named.exit_code == 0 and "n_in 2 = n_ok 1 + n_rejected 1" in " ".join(named.output.split())
    with Store(db_path, read_only=True) as store:
        runs = store.table("runs")
        first = store.table("rejects", run_id=runs.iloc[-2]["run_id"]).set_index("locator")["reason"]
        second = store.table("rejects", run_id=runs.iloc[-1]["run_id"]).set_index("locator")["reason"]
        assert store.count("documents") == 4
        placed = store.con.execute(
            """SELECT c.coder, d.locator, d.question, c.theme FROM codes c JOIN segments s USING (seg_id)
               JOIN documents d USING (doc_id) WHERE c.assigned ORDER BY 1, 2""").fetchall()
    assert "give its question as question=NAME" in first["rid=R1"]
    assert "as the answer to 'changed', not to the question given (question 'valued')" in second["rid=R2"]
    assert placed == [("human:erin", "rid=R2", "changed", "practice_change"),
                      ("human:finn", "rid=R1", "valued", "endorsement")]


def test_import_codes_in_python_takes_question(db_path, tmp_path):
    import evalnlp
    from evalnlp.errors import InputError

    path = tmp_path / "coded.csv"
    path.write_text("text,themes\nThe council listens now.,relationships\n", encoding="utf-8")
    with evalnlp.open(db_path) as project:
        with pytest.raises(InputError, match=r"\[E130\] question names the question of each text column"):
            project.import_codes(path, text="text", labels_column="themes", coder="ann", question=["a", "b"])
        result = project.import_codes(path, text="text", labels_column="themes", coder="ann",
                                      question="What changed?")
        assert result.n_coded == 1
        assert project.documents()["question"].tolist() == ["What changed?"]


def test_a_coders_copy_repeating_a_row_is_not_merged_into_it(cli, db_path, tmp_path):
    """A coder's copy (--source) with a row that repeats an earlier row's id and text: the repeat is rejected
    (E176), as ingest rejects it without --source, and the coder's codes are the first row's, not the union."""
    orig = tmp_path / "orig.csv"
    orig.write_text("id,text,themes\nR1,We built strong partnerships with the council.,relationships\n"
                    "R2,Staff are more confident now.,capability\n", encoding="utf-8")
    assert cli("codes", "import", str(orig), "--text", "text", "--id", "id", "--labels-column", "themes",
               "--coder", "alice").exit_code == 0
    copy = tmp_path / "bob.csv"
    copy.write_text(orig.read_text(encoding="utf-8")
                    + "R1,We built strong partnerships with the council.,endorsement\n", encoding="utf-8")
    for flags in (["--source", "orig.csv"], []):  # the same file gives the same codes with and without --source
        coder = "bob" if flags else "carl"
        result = cli("codes", "import", str(copy), "--text", "text", "--id", "id", "--labels-column", "themes",
                     "--coder", coder, *flags)
        assert result.exit_code == 0, result.output
        assert "n_in 3 = n_ok 2 + n_rejected 1" in " ".join(result.output.split())
        assert "codes import run" in result.output and "ingest run" not in result.output
        assert stored_codes(db_path, f"human:{coder}") == {"id=R1": {"relationships"}, "id=R2": {"capability"}}
        with Store(db_path, read_only=True) as store:
            run = store.table("runs").iloc[-1]
            rejects = store.table("rejects", run_id=run["run_id"])
        assert rejects["code"].tolist() == ["E176"] and rejects["locator"].tolist() == ["id=R1"]


@needs_dev
def test_codes_list_json_shows_every_coder(cli, db_path, ref40):
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    assert cli("codes", "import", str(ref40["csv"]), "--text", "quote", "--id", "id", "--labels", "endorsement",
               "--coder", "bob").exit_code == 0
    result = cli("codes", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    coders = {c["coder"]: c for c in json.loads(result.stdout)["coders"]}
    assert list(coders) == ["human:alice", "human:bob"]
    frame = ref40["frame"]
    alice = coders["human:alice"]
    assert alice["kind"] == "human" and alice["passages"] == alice["documents"] == 40 and alice["runs"] == 1
    assert alice["codes"] == sum(len(s) for s in expected_codes(frame).values())
    assert alice["no_theme"] == int((frame["themes"] == "").sum())
    assert coders["human:bob"]["codes"] == int((frame["endorsement"] == "1").sum())
    with Store(db_path, read_only=True) as store:  # bob decided on one theme only, and only that is recorded
        assert set(store.table("codes").query("coder == 'human:bob'")["theme"]) == {"endorsement"}
    assert set(alice) == {"coder", "kind", "passages", "documents", "codes", "no_theme", "runs", "first_run",
                          "last_run"}
    table = cli("codes", "list")
    assert table.exit_code == 0 and "human:bob" in table.stdout


# ---------------------------------------------------------------------------------------- agreement

# Two coders, six passages, two themes used (the other eight never):
#
#   passage  ann                        ben
#   p1       capability                 capability
#   p2       capability;relationships   capability
#   p3       relationships              relationships
#   p4       -                          relationships
#   p5       -                          -
#   p6       capability                 -
#
# capability (ann yes 3/6, ben yes 2/6): observed agreement 5/6; expected 1/2*1/3 + 1/2*2/3 = 1/2;
#   kappa = (5/6 - 1/2) / (1 - 1/2) = 2/3. With ann as reference: tp 2, fp 0, fn 1: precision 1, recall 2/3,
#   F1 4/5, support 3.
# relationships (both yes 2/6): observed 4/6; expected 1/3*1/3 + 2/3*2/3 = 5/9; kappa = (2/3 - 5/9) / (4/9) =
#   1/4. tp 1, fp 1, fn 1: precision, recall and F1 1/2, support 2.
# the eight unused themes: both always 0, so kappa 1 and F1 undefined (None).
# micro-F1 over all decisions: tp 3, fp 1, fn 2: 6/9; macro-F1 (defined F1s only): (4/5 + 1/2) / 2 = 0.65.
# Krippendorff's alpha (nominal) over the 60 passage x theme decisions of two coders: 3 units (1,1), 3 units
#   split (1,0 or 0,1), 54 units (0,0). Coincidences: o11 = 6, o00 = 108, o01 = o10 = 3; n1 = 9, n0 = 111,
#   n = 120. alpha = 1 - (n - 1) * (o01 + o10) / (2 * n0 * n1) = 1 - 119 * 6 / 1998 = 214/333.

TINY = pd.DataFrame({
    "text": ["The fellowship taught me to read a run chart.",
             "I learnt to lead meetings and now work closely with the council.",
             "We built a partnership with the local hospice.",
             "Our team now shares a weekly huddle with the social workers.",
             "The venue was hard to find.",
             "I am more confident presenting to the board."],
    "ann": ["capability", "capability;relationships", "relationships", "", "", "capability"],
    "ben": ["capability", "capability", "relationships", "relationships", "", ""],
})


@pytest.fixture
def tiny(cli, tmp_path) -> Path:
    path = tmp_path / "tiny.csv"
    TINY.to_csv(path, index=False)
    for coder in ("ann", "ben"):
        result = cli("codes", "import", str(path), "--text", "text", "--labels-column", coder, "--coder", coder)
        assert result.exit_code == 0, result.output
    return path


def test_agreement_figures_match_the_hand_computed_ones(cli, tiny):
    result = cli("agreement", "--coder", "ann", "--coder", "human:ben", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == EVALUATE_KEYS | {"coders"}
    assert doc["coders"] == ["human:ann", "human:ben"]
    assert doc["n"] == 6
    cap, rel = doc["per_theme"]["capability"], doc["per_theme"]["relationships"]
    assert cap == pytest.approx({"precision": 1.0, "recall": 2 / 3, "f1": 0.8, "support": 3, "kappa": 2 / 3})
    assert rel == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "kappa": 0.25})
    unused = doc["per_theme"]["engagement"]
    assert unused == {"precision": None, "recall": None, "f1": None, "support": 0, "kappa": None}
    assert list(doc["per_theme"]) == IMPACT
    assert doc["micro_f1"] == pytest.approx(2 / 3)
    assert doc["macro_f1"] == pytest.approx(0.65)
    assert doc["krippendorff_alpha"] == pytest.approx(214 / 333)
    table = cli("agreement", "--coder", "ann", "--coder", "human:ben")
    assert "macro-F1 averages the 2 of 10 themes that either coding used; 8" in " ".join(table.output.split())


def test_human_against_human_is_the_default_without_a_machine_coder(cli, tiny):
    result = cli("agreement", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["coders"] == ["human:ann", "human:ben"] and doc["krippendorff_alpha"] == pytest.approx(214 / 333)
    table = cli("agreement")
    assert table.exit_code == 0
    assert "human:ann (reference) vs human:ben on 6 passages" in table.stdout
    assert "3 of 6 passages coded differently" in table.stdout
    # swapping the coders swaps precision and recall; kappa and alpha are symmetric
    swapped = json.loads(cli("agreement", "--coder", "ben", "--coder", "ann", "--format", "json").stdout)
    assert swapped["per_theme"]["capability"]["precision"] == pytest.approx(2 / 3)
    assert swapped["per_theme"]["capability"]["kappa"] == pytest.approx(2 / 3)
    assert swapped["krippendorff_alpha"] == pytest.approx(214 / 333)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_disagreements_file_lists_the_passages_coded_differently(cli, tiny, tmp_path, suffix):
    out = tmp_path / f"disagreements{suffix}"
    result = cli("agreement", "--coder", "ann", "--coder", "ben", "--disagreements", str(out))
    assert result.exit_code == 0, result.output
    read = pd.read_csv if suffix == ".csv" else pd.read_excel
    got = read(out, dtype=str, keep_default_na=False)
    assert list(got.columns[:11]) == ["coder_a", "coder_b", "source", "locator", "question", "text", "themes_a",
                                      "themes_b", "only_a", "only_b", "both"]
    assert got["locator"].tolist() == ["row 2", "row 4", "row 6"]
    assert got["text"].tolist() == TINY["text"].iloc[[1, 3, 5]].tolist()
    assert got["themes_a"].tolist() == ["relationships;capability", "", "capability"]  # codebook order
    assert got["themes_b"].tolist() == ["capability", "relationships", ""]
    assert got["only_a"].tolist() == ["relationships", "", "capability"]
    assert got["only_b"].tolist() == ["", "relationships", ""]
    assert got["both"].tolist() == ["capability", "", ""]
    assert set(got["coder_a"]) == {"human:ann"} and set(got["coder_b"]) == {"human:ben"}


def test_agreement_errors(cli, tiny, tmp_path):
    unknown = cli("agreement", "--coder", "ann", "--coder", "carol")
    assert unknown.exit_code == 1 and "[E182]" in unknown.output and "human:ben" in unknown.output
    same = cli("agreement", "--coder", "ann", "--coder", "human:ann")
    assert same.exit_code == 1 and "[E185]" in same.output
    three = cli("agreement", "--coder", "ann", "--coder", "ben", "--coder", "ann")
    assert three.exit_code == 2
    bad_file = cli("agreement", "--disagreements", str(tmp_path / "d.pdf"))
    assert bad_file.exit_code == 1 and "[E161]" in bad_file.output
    other = tmp_path / "other.csv"
    pd.DataFrame({"text": ["Something else entirely."], "themes": ["capability"]}).to_csv(other, index=False)
    cli("codes", "import", str(other), "--text", "text", "--labels-column", "themes", "--coder", "carol")
    apart = cli("agreement", "--coder", "ann", "--coder", "carol")
    assert apart.exit_code == 1 and "[E183]" in apart.output


def test_one_coder_compared_with_another_person_is_told_why_that_person(cli, tiny, tmp_path):
    """With one --coder and no machine coder of the codebook, the other human coders are taken: an error about
    the pair says so, rather than naming a coder who was not asked for as if they had been."""
    wrong_codebook = cli("agreement", "--coder", "ann", "--codebook", "fft")
    err = " ".join(wrong_codebook.stderr.split())
    assert wrong_codebook.exit_code == 1 and "[E186]" in err
    assert ("[E186] no machine coder has coded with codebook 'fft', so 'human:ann' was compared with another human "
            "coder, 'human:ben', and the codes of the two use themes that are not in that codebook: ") in err
    assert "capability" in err and err.endswith("Pass --codebook with the codebook they coded with, or, for a theme "
                                                "renamed since they coded, add its old id to the theme's `aliases`")
    other = tmp_path / "other.csv"
    pd.DataFrame({"text": ["Something else entirely."], "themes": ["capability"]}).to_csv(other, index=False)
    cli("codes", "import", str(other), "--text", "text", "--labels-column", "themes", "--coder", "carol")
    apart = cli("agreement", "--coder", "carol")
    err = " ".join(apart.stderr.split())
    assert apart.exit_code == 1 and "[E183] no machine coder has coded with codebook 'impact', so 'human:carol' was " \
        "compared with another human coder, 'human:ann', and the two have no passage in common" in err
    assert "`evalnlp classify --codebook impact`" in err and "--coder NAME" in err
    # both named: the message is about the pair asked for
    named = cli("agreement", "--coder", "ann", "--coder", "carol")
    assert "[E183] 'human:ann' and 'human:carol' have no passage in common" in " ".join(named.stderr.split())


def test_agreement_with_no_human_codes_is_a_clear_error(cli, db_path, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("text\nI now chair the joint meeting with the managers.\n", encoding="utf-8")
    assert cli("ingest", str(f), "--text", "text").exit_code == 0
    with Store(db_path) as store, store.transaction():  # a machine coder's codes, as classify stores them
        run = store.start_run("classify", {"codebook": "impact"}, codebook_id="impact")
        seg = store.table("segments")["seg_id"].iloc[0]
        store.replace_codes(pd.DataFrame({"seg_id": [seg], "theme": ["relationships"], "score": [0.9],
                                          "assigned": [True]}), "model:test@0", run)
        store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
    result = cli("agreement")
    assert result.exit_code == 1 and "[E184]" in result.output


@needs_dev
def test_each_human_coder_against_the_latest_machine_coder(cli, db_path, ref40):
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    assert cli("codes", "import", str(ref40["csv"]), "--text", "quote", "--id", "id", *LABELS,
               "--coder", "bob").exit_code == 0
    assert cli("classify", "--model", "keyword", "--codebook", "impact", "--no-sentiment").exit_code == 0
    with Store(db_path, read_only=True) as store:
        machine = store.table("codes").query("not coder.str.startswith('human:')")["coder"].unique().tolist()
    assert len(machine) == 1
    result = cli("agreement", "--format", "json")
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)
    assert [d["coders"] for d in docs] == [["human:alice", machine[0]], ["human:bob", machine[0]]]
    assert all(set(d) == EVALUATE_KEYS | {"coders", "n_seen_in_training"} and d["n"] == 40 for d in docs)
    assert all(d["n_seen_in_training"] == 0 for d in docs)  # the keyword coder learnt from no passage
    assert docs[0]["per_theme"] == docs[1]["per_theme"]  # alice and bob coded alike
    # one machine coder named: each human coder against it
    named = json.loads(cli("agreement", "--coder", machine[0], "--format", "json").stdout)
    assert [d["coders"] for d in named] == [["human:alice", machine[0]], ["human:bob", machine[0]]]


# ---------------------------------------------------------------------------------------- train --from-store


@needs_dev
def test_train_from_store_gives_a_model_classify_can_use(cli, db_path, ref40, tmp_path):
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    model = tmp_path / "from-store"
    result = cli("train", "--from-store", "--coder", "alice", "--backend", "supervised", "--out", str(model))
    assert result.exit_code == 0, result.output
    card = json.loads((model / "card.json").read_text())
    assert card["codebook_id"] == "impact" and card["n_train"] == 40
    assert card["training_coders"] == ["human:alice"] and "project.duckdb" in card["training_data"]
    assert card["label_counts"] == {t: sum(t in s for s in expected_codes(ref40["frame"]).values()) for t in IMPACT}
    coded = tmp_path / "coded.csv"
    result = cli("classify", str(ref40["csv"]), "--text", "quote", "--id", "id", "--model", str(model),
                 "--output", str(coded))
    assert result.exit_code == 0, result.output
    out = pd.read_csv(coded, dtype=str, keep_default_na=False)
    assert len(out) == 40 and {f"score_{t}" for t in IMPACT} <= set(out.columns)
    listed = {c["coder"] for c in json.loads(cli("codes", "list", "--format", "json").stdout)["coders"]}
    assert any(c.startswith("model:supervised-impact@") for c in listed)
    # the same examples give the same training-data checksum
    again = cli("train", "--from-store", "--backend", "supervised", "--out", str(tmp_path / "again"))
    assert again.exit_code == 0, again.output
    card2 = json.loads((tmp_path / "again" / "card.json").read_text())
    assert card2["training_data_sha256"] == card["training_data_sha256"]


@needs_dev
def test_agreement_with_a_model_trained_on_those_codes_says_its_figures_are_optimistic(cli, db_path, ref40, tmp_path):
    """The review loop: import codes, train --from-store, classify again, measure agreement. The new machine
    coder learnt the very passages it is compared on, so the figures are flattered: agreement counts them
    (n_seen_in_training, as evaluate does) and says so, rather than passing them off as the coder's accuracy."""
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    assert cli("classify", "--model", "keyword", "--codebook", "impact", "--no-sentiment").exit_code == 0
    before = json.loads(cli("agreement", "--coder", "alice", "--format", "json").stdout)
    assert before["n"] == 40 and before["n_seen_in_training"] == 0  # an untrained coder learnt nothing
    model = tmp_path / "ours"
    assert cli("train", "--from-store", "--coder", "alice", "--backend", "supervised",
               "--out", str(model)).exit_code == 0
    assert cli("classify", "--model", str(model), "--codebook", "impact", "--no-sentiment").exit_code == 0
    after = json.loads(cli("agreement", "--coder", "alice", "--format", "json").stdout)
    assert after["coders"][1].startswith("model:supervised-impact@")
    assert after["n"] == 40 and after["n_seen_in_training"] == 40
    table = cli("agreement", "--coder", "alice")
    assert table.exit_code == 0, table.output
    said = " ".join(table.output.split())
    assert f"40 of these 40 passages were among those {after['coders'][1]} was trained on" in said
    assert "the figures are optimistic" in said
    # a model folder holding another model by now tells nothing of the one that coded: no count is claimed
    (model / "card.json").write_text(json.dumps({**json.loads((model / "card.json").read_text()),
                                                 "model_sha256": "0" * 64}))
    moved = json.loads(cli("agreement", "--coder", "alice", "--format", "json").stdout)
    assert moved["n_seen_in_training"] == 0
    # two people: no machine coder, no such count
    assert cli("codes", "import", str(ref40["csv"]), "--text", "quote", "--id", "id", *LABELS,
               "--coder", "bob").exit_code == 0
    people = json.loads(cli("agreement", "--coder", "alice", "--coder", "bob", "--format", "json").stdout)
    assert "n_seen_in_training" not in people


@needs_dev
def test_agreement_with_a_shipped_model_does_not_say_it_learnt_these_codes(cli, db_path, ref40):
    """The shipped impact model was trained on REF quotes such as these, by the REF coders, not on the codes of
    the person it is compared with: agreement says its figures are optimistic, without pointing at
    `train --from-store` or claiming that the model learnt this person's very codes."""
    assert import_ref(cli, ref40["csv"]).exit_code == 0
    assert cli("classify", "--codebook", "impact", "--no-sentiment").exit_code == 0
    report = json.loads(cli("agreement", "--coder", "alice", "--format", "json").stdout)
    assert report["coders"][1].startswith("model:impact-themes@") and report["n_seen_in_training"] > 0
    table = cli("agreement", "--coder", "alice")
    assert table.exit_code == 0, table.output
    said = " ".join(table.output.split())
    seen = report["n_seen_in_training"]
    assert f"{seen} of these 40 passages were among those {report['coders'][1]} was trained on" in said
    assert "the figures are optimistic" in said
    assert "train --from-store" not in said and "very codes" not in said


@needs_dev
def test_train_from_store_refuses_codes_for_only_some_themes(cli, db_path, ref40, tmp_path):
    """Codes imported with --labels for one theme decide on that theme only: training a model of every theme
    from them is refused (E140), as it is from such a file, rather than learning the others as never applying."""
    assert cli("codes", "import", str(ref40["csv"]), "--text", "quote", "--id", "id", "--labels", "endorsement",
               "--coder", "bob").exit_code == 0
    out = tmp_path / "m"
    result = cli("train", "--from-store", "--coder", "bob", "--out", str(out))
    assert result.exit_code == 1 and "[E140]" in result.output
    assert "decide on 1 of codebook 'impact''s 10 themes" in " ".join(result.output.split())
    assert not out.exists()
    assert import_ref(cli, ref40["csv"]).exit_code == 0  # alice decided on every theme: training from her works
    assert cli("train", "--from-store", "--coder", "alice", "--backend", "supervised",
               "--out", str(out)).exit_code == 0


def test_train_from_store_usage_and_errors(cli, tmp_path):
    out = str(tmp_path / "m")
    assert cli("train", "--out", out).exit_code == 2  # neither FILE nor --from-store
    f = tmp_path / "coded.csv"
    pd.DataFrame({"text": ["An answer."], "themes": ["capability"]}).to_csv(f, index=False)
    assert cli("train", str(f), "--from-store", "--out", out).exit_code == 2  # both
    assert cli("train", "--from-store", "--text", "text", "--out", out).exit_code == 2
    assert cli("train", str(f), "--labels-column", "themes", "--out", out).exit_code == 2  # FILE needs --text
    assert cli("train", str(f), "--text", "text", "--labels-column", "themes", "--coder", "ann",
               "--out", out).exit_code == 2
    assert cli("ingest", str(f), "--text", "text").exit_code == 0
    none = cli("train", "--from-store", "--out", out)
    assert none.exit_code == 1 and "[E184]" in none.output
    result = cli("codes", "import", str(f), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 0, result.output
    few = cli("train", "--from-store", "--out", out)
    assert few.exit_code == 1 and "[E137]" in few.output
    machine = cli("train", "--from-store", "--coder", "nobody", "--out", out)
    assert machine.exit_code == 1 and "[E182]" in machine.output
    assert not Path(out).exists()


# ---------------------------------------------------------------------------------------- notebook API


def test_project_methods_run_the_same_steps(db_path, tmp_path):
    import evalnlp
    from evalnlp.errors import InputError

    path = tmp_path / "tiny.csv"
    TINY.to_csv(path, index=False)
    with evalnlp.open(db_path) as project:
        first = project.import_codes(path, text="text", labels_column="ann", coder="ann")
        project.import_codes(path, text="text", labels_column="ben", coder="ben")
        assert first.coder == "human:ann" and first.n_coded == 6 and first.n_no_theme == 2
        assert first.ingest.n_in == first.ingest.n_ok + first.ingest.n_rejected == 6
        assert project.coders()["coder"].tolist() == ["human:ann", "human:ben"]
        (pair,) = project.agreement("ann", "ben")
        assert pair.to_json()["krippendorff_alpha"] == pytest.approx(214 / 333)
        assert len(pair.disagreements) == 3
        (listed,) = project.agreement(["ann", "ben"])  # the two names in one list: the same pair
        assert listed.to_json() == pair.to_json()
        with pytest.raises(InputError, match=r"\[E149\] coders are coder names"):
            project.agreement("ann", 2)
        rows = pd.DataFrame({"text": [f"Answer {i} about working with the council and partners." for i in range(12)],
                             "themes": ["relationships"] * 6 + ["capability"] * 6})
        more = tmp_path / "more.csv"
        rows.to_csv(more, index=False)
        project.import_codes(more, text="text", labels_column="themes", coder="ann")
        trained = project.train(tmp_path / "kw", coder="ann", backend="keyword")
        assert trained.n == 18 and (tmp_path / "kw" / "card.json").exists()
        # a notebook shows the result's repr: the model card (hundreds of fingerprints) is left out of it
        assert "card=" not in repr(trained) and "n=18" in repr(trained) and trained.card


def test_two_people_split_on_a_single_label_codebook_are_told_not_hidden(cli, db_path, tmp_path):
    """Two people code the same answers with a single-label codebook and disagree on some: evidence says those
    count under both themes (so shares pass 100%), and training from both stops with E179 naming the split,
    rather than an error about labels that are not wrong; training from one of them works."""
    themes = ["staff", "care_received", "access", "communication"] * 3
    rows = pd.DataFrame({"rid": [f"r{i}" for i in range(12)],
                         "text": [f"Answer {i}: the staff on the ward were kind and the wait was short." for i in range(12)],
                         "themes": themes})
    alice = tmp_path / "alice.csv"
    rows.to_csv(alice, index=False)
    bob = tmp_path / "bob" / "alice.csv"
    bob.parent.mkdir()
    rows.assign(themes=["dignity" if i < 3 else t for i, t in enumerate(themes)]).to_csv(bob, index=False)
    flags = ["--text", "text", "--id", "rid", "--labels-column", "themes", "--codebook", "fft"]
    assert cli("codes", "import", str(alice), *flags, "--coder", "alice").exit_code == 0
    assert cli("codes", "import", str(bob), *flags, "--coder", "bob", "--source", "alice.csv").exit_code == 0
    ev = cli("evidence", "--codebook", "fft", "--format", "json")
    assert ev.exit_code == 0, ev.output
    doc = json.loads(ev.stdout)
    assert doc["documents_coded"] == 12 and sum(t["documents"] for t in doc["themes"]) == 15
    assert [n for n in doc["notes"] if "under more than one theme" in n] == [
        "3 passages of codebook 'fft', which takes one theme per passage, count under more than one theme, so the "
        "themes' shares add up to more than 100%: each was coded differently by the people who coded it, and every "
        "person's codes are used (`evalnlp agreement` lists the disagreements)"]
    # provenance names every coder whose codes are counted, with the passages each coded
    assert doc["provenance"]["coders"] == [{"coder": "human:alice", "segments": 12},
                                           {"coder": "human:bob", "segments": 12}]
    train = cli("train", "--from-store", "--codebook", "fft", "--out", str(tmp_path / "m"))
    assert train.exit_code == 1 and "[E179]" in train.output
    assert "human:alice, human:bob split evenly on 3 passage(s)" in " ".join(train.output.split())
    one = cli("train", "--from-store", "--coder", "alice", "--codebook", "fft", "--backend", "supervised",
              "--out", str(tmp_path / "m"))
    assert one.exit_code == 0, one.output


def several_note(cli) -> list[str]:
    doc = json.loads(cli("evidence", "--codebook", "fft", "--format", "json").stdout)
    return [n for n in doc["notes"] if "under more than one theme" in n]


def test_one_person_giving_a_passage_two_themes_is_not_called_a_disagreement(cli, db_path, tmp_path):
    """One coder, a single-label codebook, two themes on one passage: evidence says that person gave them, not
    that the people who coded it disagree."""
    path = tmp_path / "alice.csv"
    pd.DataFrame({"text": ["The nurses were kind but I waited four hours.", "Lovely staff.", "No parking."],
                  "themes": ["staff;access", "staff", "access"]}).to_csv(path, index=False)
    assert cli("codes", "import", str(path), "--text", "text", "--labels-column", "themes", "--coder", "alice",
               "--codebook", "fft").exit_code == 0
    assert several_note(cli) == [
        "1 passage of codebook 'fft', which takes one theme per passage, counts under more than one theme, so the "
        "themes' shares add up to more than 100%: it was given several themes by the one person who coded it"]


def test_several_themes_on_a_passage_are_told_apart_by_why(cli, db_path, tmp_path):
    """A person who coded two themes only (codes import --labels) over the machine's codes: one passage gets
    both of that person's themes, another the person's and the machine's (for a theme the person did not code),
    a third only the person's; the note counts each reason, and blames no disagreement."""
    texts = ["The nurses were kind and the care was good.", "Kind staff, but a long wait.", "No parking at all."]
    coded_store(db_path, [(texts[0], {}, ["care_received"]), (texts[1], {}, ["staff"]), (texts[2], {}, ["access"])])
    path = tmp_path / "dave" / "survey.csv"
    path.parent.mkdir()
    pd.DataFrame({"comment": texts, "staff": [1, 1, 0], "access": [0, 1, 1]}).to_csv(path, index=False)
    result = cli("codes", "import", str(path), "--text", "comment", "--labels", "staff", "--labels", "access",
                 "--coder", "dave", "--codebook", "fft", "--source", "survey.csv")
    assert result.exit_code == 0, result.output
    (note,) = several_note(cli)
    assert note.startswith("2 passages of codebook 'fft', which takes one theme per passage, count under more")
    assert note.endswith(": 1 was given several themes by the one person who coded it; 1 has a theme from a "
                         "person who coded only some themes (`evalnlp codes import --labels`) and another from the "
                         "machine, whose codes stand for the themes that person did not code")
    assert "disagree" not in note


def test_a_person_coding_some_themes_replaces_the_machine_for_those_themes_only(cli, db_path, tmp_path):
    """A review of two themes (codes import --labels) says nothing of the others: evidence keeps the machine's
    codes for them, and uses the person's for the two."""
    rows = pd.DataFrame({"rid": [f"r{i}" for i in range(8)],
                         "text": ["The nurses were kind and caring to my mother.", "Parking was impossible.",
                                  "The food was cold and late.", "Staff explained everything clearly.",
                                  "Waited four hours to be seen.", "The ward was clean and quiet.",
                                  "Lovely staff, thank you.", "Could not get an appointment."] })
    path = tmp_path / "c.csv"
    rows.to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "text", "--id", "rid", "--codebook", "fft").exit_code == 0
    before = {t["theme"]: t["documents"] for t in
              json.loads(cli("evidence", "--codebook", "fft", "--format", "json").stdout)["themes"]}
    review = rows.assign(staff=[1, 0, 0, 1, 0, 0, 1, 0], access=[0, 1, 0, 0, 1, 0, 0, 1])
    (tmp_path / "dave").mkdir()
    review.to_csv(tmp_path / "dave" / "c.csv", index=False)
    result = cli("codes", "import", str(tmp_path / "dave" / "c.csv"), "--text", "text", "--id", "rid",
                 "--labels", "staff", "--labels", "access", "--coder", "dave", "--codebook", "fft",
                 "--source", "c.csv")
    assert result.exit_code == 0, result.output
    after = {t["theme"]: t["documents"] for t in
             json.loads(cli("evidence", "--codebook", "fft", "--format", "json").stdout)["themes"]}
    assert after["staff"] == 3 and after["access"] == 3  # the person's decisions
    others = [t for t in before if t not in ("staff", "access")]
    assert sum(before[t] for t in others) > 0
    with Store(db_path, read_only=True) as store:  # the machine's codes for the other themes are still used
        codes = store.effective_codes(themes=others)
    assert len(codes) and codes["coder"].str.startswith("model:").all()
    assert {t: after[t] for t in others} == {t: before[t] for t in others}


def test_coding_one_theme_per_pass_keeps_the_earlier_passes(cli, db_path, tmp_path):
    """A coder who decides one theme per pass (staff first, access next) imports each pass with --labels: the
    second import deleted the first one's decisions, so the machine stood for staff again without a word. Each
    pass now decides its own themes only; a later pass of a theme replaces that theme's decisions alone."""
    rows = pd.DataFrame({"rid": ["r0", "r1", "r2", "r3"],
                         "text": ["The nurses were kind.", "Parking was impossible.", "Lovely staff, thank you.",
                                  "Could not get an appointment."]})
    rows.to_csv(tmp_path / "c.csv", index=False)
    assert cli("ingest", str(tmp_path / "c.csv"), "--text", "text", "--id", "rid").exit_code == 0
    (tmp_path / "fay").mkdir()

    def one_pass(theme: str, marks: list[int]) -> None:
        rows.assign(**{theme: marks}).to_csv(tmp_path / "fay" / "c.csv", index=False)
        result = cli("codes", "import", str(tmp_path / "fay" / "c.csv"), "--text", "text", "--id", "rid",
                     "--labels", theme, "--coder", "fay", "--codebook", "fft", "--source", "c.csv")
        assert result.exit_code == 0, result.output

    def decisions() -> dict[tuple[str, str], bool]:
        with duckdb.connect(str(db_path), read_only=True) as con:
            got = con.execute("""SELECT d.locator, c.theme, c.assigned FROM codes c JOIN segments s USING (seg_id)
                                 JOIN documents d USING (doc_id) WHERE c.coder = 'human:fay'""").fetchall()
        return {(loc, theme): assigned for loc, theme, assigned in got}

    one_pass("staff", [1, 0, 1, 0])
    one_pass("access", [0, 1, 0, 1])
    got = decisions()
    assert {k: v for k, v in got.items() if k[1] == "staff"} == {
        ("rid=r0", "staff"): True, ("rid=r1", "staff"): False, ("rid=r2", "staff"): True, ("rid=r3", "staff"): False}
    assert sum(got[(f"rid=r{i}", "access")] for i in range(4)) == 2 and len(got) == 8
    one_pass("staff", [0, 0, 1, 0])  # staff decided again: only staff changes
    again = decisions()
    assert again[("rid=r0", "staff")] is False and again[("rid=r2", "staff")] is True
    assert {k: v for k, v in again.items() if k[1] == "access"} == {k: v for k, v in got.items() if k[1] == "access"}


def test_a_passage_a_person_decided_for_one_theme_counts_as_coded_by_hand(cli, db_path, tmp_path):
    """``segments_human_coded`` counts every passage that holds a person's decision, also where the person
    decided one theme ("staff") and the machine's codes stand for themes before it in name order."""
    rows = pd.DataFrame({"rid": ["r0", "r1", "r2", "r3"],
                         "text": ["The nurses were kind.", "Parking was impossible.", "Lovely staff, thank you.",
                                  "The food was cold."]})
    rows.to_csv(tmp_path / "c.csv", index=False)
    assert cli("classify", str(tmp_path / "c.csv"), "--text", "text", "--id", "rid", "--codebook", "fft").exit_code == 0
    (tmp_path / "dave").mkdir()
    rows.iloc[:3].assign(staff=[1, 0, 1]).to_csv(tmp_path / "dave" / "c.csv", index=False)
    result = cli("codes", "import", str(tmp_path / "dave" / "c.csv"), "--text", "text", "--id", "rid",
                 "--labels", "staff", "--coder", "dave", "--codebook", "fft", "--source", "c.csv")
    assert result.exit_code == 0, result.output
    doc = json.loads(cli("evidence", "--codebook", "fft", "--format", "json").stdout)
    assert (doc["segments_coded"], doc["segments_human_coded"]) == (4, 3)


def test_agreement_with_a_person_who_coded_some_themes_compares_those(cli, db_path, tmp_path):
    """agreement, like evaluate, compares only the themes both decided: a partial review's agreement with the
    machine is on its own themes, and its disagreements file holds only passages that differ on them."""
    rows = pd.DataFrame({"rid": [f"r{i}" for i in range(6)],
                         "text": ["The nurses were kind and caring.", "Parking was impossible.", "The food was cold.",
                                  "Staff explained everything.", "Waited four hours.", "Lovely staff, thank you."]})
    path = tmp_path / "c.csv"
    rows.to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "text", "--id", "rid", "--codebook", "fft").exit_code == 0
    (tmp_path / "d").mkdir()
    rows.assign(staff=[1, 0, 0, 1, 0, 1]).to_csv(tmp_path / "d" / "c.csv", index=False)
    assert cli("codes", "import", str(tmp_path / "d" / "c.csv"), "--text", "text", "--id", "rid", "--labels",
               "staff", "--coder", "dave", "--codebook", "fft", "--source", "c.csv").exit_code == 0
    out = tmp_path / "dis.csv"
    result = cli("agreement", "--coder", "dave", "--codebook", "fft", "--format", "json", "--disagreements", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report["per_theme"]) == ["staff"] and "access" in report["themes_not_coded"]
    dis = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(dis["only_a"]) | set(dis["only_b"]) <= {"staff", ""}
    (tmp_path / "folder.csv").mkdir()
    bad = cli("agreement", "--coder", "dave", "--codebook", "fft", "--disagreements", str(tmp_path / "folder.csv"))
    assert bad.exit_code == 1 and "[E162]" in bad.output and "it is a folder" in bad.output


@pytest.mark.parametrize("command", [["evaluate", "--codebook", "impact"], ["train", "--out", "OUT"],
                                     ["codes", "import", "--coder", "ann"]])
def test_an_empty_separator_or_the_text_column_as_labels_is_a_numbered_error(cli, tmp_path, command):
    """`--sep ''` and `--text codes --labels-column codes` ended in Python tracebacks; both are E149."""
    path = tmp_path / "s.csv"
    pd.DataFrame({"answer": ["We meet the council monthly.", "Our staff run the course."],
                  "codes": ["relationships", "capability"]}).to_csv(path, index=False)
    head = command[:2] if command[0] == "codes" else command[:1]
    rest = [str(tmp_path / "m") if a == "OUT" else a for a in command[len(head):]]
    empty = cli(*head, str(path), "--text", "answer", "--labels-column", "codes", "--sep", "", *rest)
    assert empty.exit_code == 1 and "[E149]" in empty.output and "Traceback" not in empty.output
    same = cli(*head, str(path), "--text", "codes", "--labels-column", "codes", *rest)
    assert same.exit_code == 1 and "[E149]" in same.output and "both the text to code" in same.output


def test_two_label_columns_of_one_theme_are_refused(cli, tmp_path):
    """A theme's id column and its alias's column: the second overwrote the first, and every code of the first
    was lost without a word (support 0)."""
    path = tmp_path / "s.csv"
    pd.DataFrame({"answer": ["We meet the council monthly.", "Our staff run the course."],
                  "relationships": [1, 0], "Relationships": [0, 0], "capability": [0, 1]}).to_csv(path, index=False)
    result = cli("evaluate", str(path), "--text", "answer", "--labels", "relationships", "--labels",
                 "Relationships", "--labels", "capability", "--codebook", "impact")
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "[E149]" in said
    assert "'relationships' and 'Relationships' are both the theme 'relationships'" in said


def test_training_warns_of_themes_it_cannot_learn(cli, tmp_path):
    """A theme coded on one passage, one on every passage and one on none: train used to print only its F1
    (which leaves undefined themes out), so the user met the broken themes in the model's output."""
    path = tmp_path / "s.csv"
    rows = [(f"We now meet the council and partners every month, visit {i}.", "relationships;capability"
             if i % 2 else "relationships") for i in range(30)]
    rows.append(("The minister cited our report in the debate.", "relationships;policy_influence"))
    pd.DataFrame(rows, columns=["answer", "codes"]).to_csv(path, index=False)
    result = cli("train", str(path), "--text", "answer", "--labels-column", "codes", "--codebook", "impact",
                 "--backend", "supervised", "--out", str(tmp_path / "m"))
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "warning: too few coded passages to learn 'policy_influence'" in said
    assert "warning: 'relationships' is coded on every passage" in said
    assert "'engagement', 'service_improvement'" in said and "coded on no passage" in said
    card = json.loads((tmp_path / "m" / "card.json").read_text(encoding="utf-8"))
    assert card["hard_themes"]["rare"] == ["policy_influence"] and card["hard_themes"]["every"] == ["relationships"]


def test_training_says_a_theme_no_one_coded_comes_from_the_prior_where_the_model_still_gives_it(cli, tmp_path):
    """The ensemble scores a theme its sample never gives by its prior alone, so the model does give it (a
    catch-all theme nobody used, here): the warning said it never would."""
    codebook = tmp_path / "allotment.yaml"
    codebook.write_text(
        "id: allotment\nmulti_label: true\nthemes:\n"
        "  - {id: soil, label: Soil and compost, definition: Digging the beds and making compost.,"
        " examples: ['We dug in the compost and the soil is rich now.', 'The beds are full of good compost.']}\n"
        "  - {id: pests, label: Pests, definition: Slugs and birds eating the crops.,"
        " examples: ['Slugs ate every lettuce.', 'Pigeons stripped the cabbages.']}\n"
        "  - {id: other, label: Other, definition: Anything about the allotment that fits no other theme.,"
        " examples: ['The shed roof leaks.', 'The gate lock is broken again.']}\n", encoding="utf-8")
    rows = [(f"We spread compost on bed {i} and dug it in.", "soil") for i in range(12)]
    rows += [(f"Slugs ate the seedlings in row {i}.", "pests") for i in range(12)]
    rows += [(f"Compost on bed {i} but slugs got the beans.", "soil;pests") for i in range(6)]
    path = tmp_path / "coded.csv"
    pd.DataFrame(rows, columns=["answer", "codes"]).to_csv(path, index=False)
    result = cli("train", str(path), "--text", "answer", "--labels-column", "codes", "--codebook", str(codebook),
                 "--out", str(tmp_path / "m"))
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "'other' is coded on no passage" in said
    from evalnlp.coding.persist import load_model

    model, _ = load_model(tmp_path / "m")
    given = model.predict(["The shed roof leaks and the gate lock is broken.", "The shed door is broken."])
    assert given[:, model.classes_.index("other")].any()  # the model gives it, from its prior
    assert "never give it" not in said and "prior (zeroshot)" in said


def test_train_and_evaluate_leave_out_answers_that_are_only_marks_as_ingest_does(cli, tmp_path):
    """"-" and "?" are no answers: ingest and codes import reject them (E141), but train and evaluate learned and
    scored them, so one file gave 42 passages one way and 40 the other."""
    path = tmp_path / "s.csv"
    rows = [(f"We meet the council monthly, visit {i}.", "relationships") for i in range(12)] + \
           [(f"Our staff run the course alone, visit {i}.", "capability") for i in range(12)] + \
           [("-", "relationships"), ("?", "capability")]
    pd.DataFrame(rows, columns=["answer", "codes"]).to_csv(path, index=False)
    result = cli("evaluate", str(path), "--text", "answer", "--labels-column", "codes", "--codebook", "impact",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 24 and report["n_skipped"] == 2


def test_training_a_single_label_codebook_that_allows_no_theme_says_why_such_rows_cannot_be_learned(cli, tmp_path):
    """evaluate takes rows with no theme where the codebook allows them; train refused them with a message
    that said to fix labels that were not wrong. It now says a single-label coder always gives one theme."""
    book = tmp_path / "one.yaml"
    book.write_text("id: one\nmulti_label: false\nrequire_theme: false\nthemes:\n"
                    "  - id: a\n    label: A\n    definition: First.\n  - id: b\n    label: B\n    definition: Second.\n",
                    encoding="utf-8")
    path = tmp_path / "s.csv"
    pd.DataFrame({"answer": [f"answer {i} about things" for i in range(12)],
                  "codes": ["a", "b", ""] * 4}).to_csv(path, index=False)
    result = cli("train", str(path), "--text", "answer", "--labels-column", "codes", "--codebook", str(book),
                 "--out", str(tmp_path / "m"))
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "[E310]" in said and "4 training passage(s) have no theme" in said
    assert "multi_label: true" in said


def test_a_coders_copy_imported_without_source_is_told_to_use_source(cli, tmp_path):
    """A staff member's coded copy of a month already read, imported without --source, stores every answer a
    second time; the warning names --source and the file it copies, rather than the advice for an export sent
    again."""
    export = tmp_path / "fft_2024_03.csv"
    rows = [("R1", "The nurses were kind and explained everything."), ("R2", "Waited four hours to be seen."),
            ("R3", "Lovely food and a clean ward.")]
    pd.DataFrame(rows, columns=["id", "comment"]).to_csv(export, index=False)
    assert cli("ingest", str(export), "--text", "comment", "--id", "id").exit_code == 0
    copy = tmp_path / "staff_codes_march.csv"
    pd.DataFrame([(i, c, "staff") for i, c in rows], columns=["id", "comment", "themes"]).to_csv(copy, index=False)
    result = cli("codes", "import", str(copy), "--text", "comment", "--id", "id", "--labels-column", "themes",
                 "--coder", "sam", "--codebook", "fft")
    assert result.exit_code == 0, result.output
    warning = " ".join(result.output.split())
    assert "3 of its 3 new rows have the locator and text of rows" in warning
    assert "import it with --source fft_2024_03.csv" in warning


def test_a_coder_named_like_another_but_for_case_is_warned_of(cli, tmp_path):
    """`--coder Alice` after `--coder alice`: two coders now (agreement and training count them apart), maybe
    one person; the import warns, naming the other, and a name given the same way again says nothing."""
    path = tmp_path / "tiny.csv"
    TINY.to_csv(path, index=False)
    first = cli("codes", "import", str(path), "--text", "text", "--labels-column", "ann", "--coder", "alice")
    assert first.exit_code == 0 and "warning" not in first.stderr
    other = cli("codes", "import", str(path), "--text", "text", "--labels-column", "ann", "--coder", "Alice")
    assert other.exit_code == 0
    assert "warning: human:Alice is a new coder beside human:alice, whose name differs in case only" in \
        " ".join(other.stderr.split())
    again = cli("codes", "import", str(path), "--text", "text", "--labels-column", "ann", "--coder", "Alice")
    assert again.exit_code == 0 and "warning" not in again.stderr


def test_a_coders_copy_read_with_source_is_never_written_over(cli, tmp_path):
    """The coder's file of `codes import --source` is a person's work the store read codes from (not documents):
    an output (`evidence --output`, `agreement --disagreements`) naming it is refused (E177), the file as it was."""
    base = tmp_path / "base.csv"
    base.write_text("id,text\n1,Lovely staff\n2,Parking awful\n", encoding="utf-8")
    copy = tmp_path / "alice.csv"
    copy.write_text("id,text,themes\n1,Lovely staff,staff\n2,Parking awful,access\n", encoding="utf-8")
    assert cli("classify", str(base), "--text", "text", "--id", "id", "--codebook", "fft").exit_code == 0
    assert cli("codes", "import", str(copy), "--text", "text", "--id", "id", "--labels-column", "themes",
               "--coder", "alice", "--codebook", "fft", "--source", "base.csv").exit_code == 0
    before = copy.read_bytes()
    for args in (["evidence", "--output", str(copy)], ["agreement", "--disagreements", str(copy)]):
        result = cli(*args)
        assert result.exit_code == 1 and "E177" in result.output and "a person's codes" in result.output, args
    assert copy.read_bytes() == before


def test_reimporting_after_a_theme_is_renamed_leaves_no_code_of_the_old_name(cli, db_path, tmp_path):
    """A person's codes imported again after a theme of the codebook was renamed (its old id kept as an alias,
    as E221 advises) kept the person's codes of the old id beside those of the new: agreement then refused the
    person (E186) and evidence ignored half of their coding. Codes of the codebook's earlier version on those
    passages now go; another codebook's codes of the same person stay."""
    book = tmp_path / "own.yaml"
    v1 = ("id: own\nthemes:\n  - {id: walking, label: Walking, definition: Walks more., keywords: [walk]}\n"
          "  - {id: peers, label: Peers, definition: Others helped., keywords: [group]}\n")
    book.write_text(v1, encoding="utf-8")
    coded = tmp_path / "coded.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": ["I walk to work now.", "The group helped me most.",
                                                  "I walk with the group on Sundays."],
                  "themes": ["walking", "peers", "walking;peers"]}).to_csv(coded, index=False)
    args = ("codes", "import", str(coded), "--text", "text", "--id", "id", "--labels-column", "themes",
            "--coder", "ann")
    assert cli(*args, "--codebook", str(book)).exit_code == 0
    # the same passages coded by ann with the fft codebook too: not hers to lose
    fft = tmp_path / "fft.csv"
    pd.DataFrame({"id": ["a"], "text": ["I walk to work now."], "themes": ["Staff"]}).to_csv(fft, index=False)
    assert cli("codes", "import", str(fft), "--text", "text", "--id", "id", "--labels-column", "themes",
               "--coder", "ann", "--codebook", "fft", "--source", "coded.csv").exit_code == 0
    book.write_text(v1.replace("{id: peers, label: Peers,", "{id: peer_support, label: Peer support, "
                                                            "aliases: [peers],"), encoding="utf-8")
    result = cli(*args, "--codebook", str(book))
    assert result.exit_code == 0, result.output
    assert "3 changed" in " ".join(result.stdout.split())
    with duckdb.connect(str(db_path), read_only=True) as con:
        themes = {t for (t,) in con.execute("SELECT DISTINCT theme FROM codes WHERE coder = 'human:ann'").fetchall()}
    assert "peers" not in themes and {"walking", "peer_support", "staff"} <= themes, themes
    assert cli(*args, "--codebook", str(book)).stdout.count("3 unchanged") == 1


def test_codes_stored_under_a_renamed_themes_old_id_count_as_the_theme(tmp_path):
    """A theme renamed in the codebook with its old id kept as an alias (as E221 advises) was read so only in
    files coming in: the people's codes already stored under the old id were left out of evidence (the theme
    counted 0 passages, and a note said the old id was ignored), and agreement and train refused the people
    (E186). Codes of the codebook stored under a name it gives one of its themes now count as that theme, without
    importing again; the stored rows stay as they were."""
    from evalnlp.errors import InputError

    book = tmp_path / "own.yaml"
    v1 = ("id: own\nthemes:\n  - {id: walking, label: Walking, definition: Walks more., keywords: [walk]}\n"
          "  - {id: peers, label: Peers, definition: Others helped., keywords: [group]}\n")
    book.write_text(v1, encoding="utf-8")
    texts = ["I walk to work now.", "The group helped me most.", "I walk with the group on Sundays."]
    for name, themes in (("ann", ["walking", "peers", "walking;peers"]), ("bob", ["walking", "peers", "walking"])):
        pd.DataFrame({"id": ["a", "b", "c"], "text": texts, "themes": themes}).to_csv(tmp_path / f"{name}.csv",
                                                                                      index=False)
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        options = dict(text="text", id="id", labels_column="themes", codebook=book)
        project.import_codes(tmp_path / "ann.csv", coder="ann", **options)
        project.import_codes(tmp_path / "bob.csv", coder="bob", source="ann.csv", **options)
        stored = project.codes()
        book.write_text(v1.replace("{id: peers, label: Peers,", "{id: peer_support, label: Peer support, "
                                                                 "aliases: [peers],"), encoding="utf-8")
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            ev = project.evidence(codebook=book)
        counted = dict(zip(ev.themes["theme"], ev.themes["segments"]))
        assert counted == {"walking": 2, "peer_support": 2}, counted
        assert not [w for w in said if "ignored" in str(w.message)], [str(w.message) for w in said]
        pair = project.agreement("ann", "bob", codebook=book)[0].to_json()
        assert pair["n"] == 3 and pair["per_theme"]["peer_support"]["support"] == 2
        with pytest.raises(InputError, match=r"\[E137\]"):  # too few passages to train on: no longer E186
            project.train(tmp_path / "model", codebook=book)
        pd.testing.assert_frame_equal(project.codes(), stored)  # nothing rewritten


def test_label_columns_imported_again_after_a_rename_replace_the_old_ids_codes(tmp_path):
    """Label columns (one 0/1 column per theme) imported again after a theme was renamed, its old id kept as an
    alias: the person's codes of the old id stayed beside the new decision, so a passage they took the theme off
    still counted under it. The codes of the decided themes' earlier names now go from the passages imported;
    where a store holds both (written before), the code of the theme's id is the one read."""
    from evalnlp.store import Store

    book = tmp_path / "own.yaml"
    v1 = ("id: own\nthemes:\n  - {id: walking, label: Walking, definition: Walks more., keywords: [walk]}\n"
          "  - {id: peers, label: Peers, definition: Others helped., keywords: [group]}\n")
    book.write_text(v1, encoding="utf-8")
    texts = ["I walk to work now.", "The group helped me most.", "I walk with the group on Sundays."]
    coded = tmp_path / "coded.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": texts, "walking": [1, 0, 1], "peers": [0, 1, 1]}).to_csv(
        coded, index=False)
    options = dict(text="text", id="id", labels=["walking", "peers"], codebook=book)
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.import_codes(coded, coder="ann", **options)
        book.write_text(v1.replace("{id: peers, label: Peers,", "{id: peer_support, label: Peer support, "
                                                                 "aliases: [peers],"), encoding="utf-8")
        pd.DataFrame({"id": ["a", "b", "c"], "text": texts, "walking": [1, 0, 1], "peers": [0, 0, 1]}).to_csv(
            coded, index=False)
        project.import_codes(coded, coder="ann", **options)
        counted = project.evidence(codebook=book).themes.set_index("theme")["segments"].to_dict()
        assert counted == {"walking": 2, "peer_support": 1}, counted
        assert "peers" not in set(project.codes()["theme"])
    # a store written before, holding both names on one passage: the decision under the theme's id is read
    with Store(tmp_path / "p.duckdb") as store:
        b = store.table("segments").set_index("text").loc[texts[1], "seg_id"]
        first = store.table("runs")["run_id"].iloc[0]  # the first import's, with the codebook's first version
        store.put_human_codes(pd.DataFrame({"seg_id": [b], "theme": ["peers"], "assigned": [True]}), "human:ann",
                              first)
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        counted = project.evidence(codebook=book).themes.set_index("theme")["segments"].to_dict()
        assert counted == {"walking": 2, "peer_support": 1}, counted
