"""Human codes through the CLI: codes import / codes list.

Real files: 40 REF impact quotes sampled from the shared dev set, written as CSV and XLSX.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import shared_data

from evalnlp.store import Store

IMPACT = ["engagement", "relationships", "service_improvement", "capability", "attitude_change",
          "practice_change", "policy_influence", "economic_value", "reach_uptake", "endorsement"]
LABELS = [arg for theme in IMPACT for arg in ("--labels", theme)]  # one 0/1 column per theme
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


