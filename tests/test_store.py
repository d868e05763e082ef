from __future__ import annotations

import pandas as pd
import pytest

from evalnlp.errors import StoreError
from evalnlp.schema import SCHEMA_VERSION
from evalnlp.store import Store


def docs(*texts: str, source: str = "s.csv") -> pd.DataFrame:
    return pd.DataFrame({"source": source, "locator": [f"row {i + 1}" for i in range(len(texts))],
                         "kind": "response", "question": "q", "text": list(texts), "attrs": "{}"})


def test_new_store_has_schema_version(store):
    assert store.schema_version() == SCHEMA_VERSION
    assert store.summary() == {k: 0 for k in store.summary()}


def test_reopen_keeps_data_and_version(db_path):
    with Store(db_path) as s, s.transaction():
        run = s.start_run("ingest", {})
        s.insert_documents(docs("a", "b"), run)
        s.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
    with Store(db_path) as s:
        assert s.count("documents") == 2
        assert s.schema_version() == SCHEMA_VERSION


def test_insert_documents_is_idempotent_and_ids_are_content_hashes(store):
    with store.transaction():
        run = store.start_run("ingest", {})
        first = store.insert_documents(docs("same words", "same words", "other"), run, returning=True)
        second = store.insert_documents(docs("same words", "same words", "other"), run, returning=True)
    assert len(first) == 3  # two respondents with the same words are two documents
    assert len(second) == 0
    assert first["doc_id"].is_unique


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            run = store.start_run("ingest", {})
            store.insert_documents(docs("a"), run, returning=True)
            raise RuntimeError("boom")
    assert store.count("documents") == 0 and store.count("runs") == 0


def test_counts_must_add_up(store):
    with store.transaction():
        run = store.start_run("ingest", {})
        with pytest.raises(StoreError, match="E410"):
            store.finish_run(run, n_in=3, n_ok=1, n_rejected=1)


def test_machine_run_replaces_only_its_own_codes_and_human_codes_win(store):
    with store.transaction():
        run = store.start_run("ingest", {})
        new = store.insert_documents(docs("a", "b"), run, returning=True)
        store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "response", "start": 0, "end": 1,
                                            "text": new["text"], "speaker": None, "source_ref": None}))
    segs = store.table("segments")
    s1, s2 = segs["seg_id"].tolist()
    frame = pd.DataFrame({"seg_id": [s1, s2], "theme": ["x", "y"], "score": [0.9, 0.8], "assigned": True})
    store.replace_codes(frame, "model:a", "r1")
    store.replace_codes(frame.assign(theme="z"), "model:b", "r2")
    store.replace_codes(frame.iloc[:1].assign(theme="h"), "human:ann", "r3")
    store.replace_codes(frame.assign(theme="x2"), "model:a", "r4")  # rerun of model:a
    codes = store.table("codes")
    assert sorted(codes[codes.coder == "model:a"]["theme"]) == ["x2", "x2"]
    assert sorted(codes[codes.coder == "model:b"]["theme"]) == ["z", "z"]
    eff = store.effective_codes()
    assert eff[eff.seg_id == s1]["theme"].tolist() == ["h"]  # human code wins
    assert eff[eff.seg_id == s2]["theme"].tolist() == ["x2"]  # latest machine run otherwise


def test_directory_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(StoreError, match="E401"):
        Store(tmp_path)
    foreign = tmp_path / "notes.duckdb"
    foreign.write_text("hello, not a database")
    with pytest.raises(StoreError, match="E401"):
        Store(foreign)


def test_read_only_missing_store(tmp_path):
    with pytest.raises(StoreError, match="E404"):
        Store(tmp_path / "nope.duckdb", read_only=True)


def test_newer_schema_is_refused(db_path):
    with Store(db_path) as s:
        s.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="E402"):
        Store(db_path)


# ---- project exchange -------------------------------------------------------------------------------------


def _two_segments(store) -> tuple[str, str]:
    with store.transaction():
        run = store.start_run("ingest", {})
        new = store.insert_documents(docs("a", "b"), run, returning=True)
        store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "response", "start": 0, "end": 1,
                                            "text": new["text"], "speaker": None, "source_ref": None}))
        store.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
    s1, s2 = store.table("segments")["seg_id"].tolist()
    return s1, s2


def test_document_ids_are_the_ids_insert_documents_gives(db_path):
    frame = docs("one", "two").assign(question=["q", None])
    with Store(db_path) as s, s.transaction():
        run = s.start_run("ingest", {})
        new = s.insert_documents(frame, run, returning=True)
        s.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
    with Store(db_path) as s:  # straight after opening an existing store (no partly read result in the way)
        assert s.document_ids(frame) == new.set_index("text").loc[["one", "two"], "doc_id"].tolist()


def test_import_codes_replaces_a_persons_own_codes_only(store):
    s1, s2 = _two_segments(store)
    store.replace_codes(pd.DataFrame({"seg_id": [s1, s1], "theme": ["x", "y"], "score": [0.9, 0.2],
                                      "assigned": [True, False]}), "model:m", "r1")
    store.replace_codes(pd.DataFrame({"seg_id": [s1, s1], "theme": ["x", "z"], "score": None,
                                      "assigned": [True, False]}), "human:ann", "r2")
    imported = pd.DataFrame({"seg_id": [s1, s2], "theme": ["y", "x"], "score": None, "assigned": True,
                             "coder": "human:ann", "run_id": "r3"})
    store.import_codes(imported, "r3", replace=True)
    codes = store.table("codes").set_index(["coder", "seg_id", "theme"])
    ann = codes.loc["human:ann"]
    assert not ann.loc[(s1, "x"), "assigned"] and ann.loc[(s1, "x"), "run_id"] == "r3"  # no longer assigned
    assert ann.loc[(s1, "y"), "assigned"] and ann.loc[(s2, "x"), "assigned"]
    assert ann.loc[(s1, "z"), "run_id"] == "r2"  # an unchanged row is left as it was
    assert codes.loc["model:m"]["assigned"].tolist() == [True, False]  # another coder is untouched
    before = store.table("codes")
    assert store.import_codes(imported, "r4", replace=True) == 0  # the same codes again change nothing
    pd.testing.assert_frame_equal(store.table("codes"), before)


def test_import_codes_without_replace_only_fills_uncoded_segments(store):
    s1, s2 = _two_segments(store)
    store.replace_codes(pd.DataFrame({"seg_id": [s1], "theme": ["x"], "score": [0.9], "assigned": [True]}),
                        "model:m", "r1")
    imported = pd.DataFrame({"seg_id": [s1, s2], "theme": ["y", "y"], "score": None, "assigned": True,
                             "coder": "model:m", "run_id": "r2"})
    assert store.import_codes(imported, "r2", replace=False) == 1
    codes = store.table("codes")
    assert sorted(zip(codes["seg_id"], codes["theme"])) == sorted([(s1, "x"), (s2, "y")])


def test_import_runs_keeps_runs_already_there(store):
    with store.transaction():
        run = store.start_run("classify", {"codebook": "impact"})
        store.finish_run(run, n_in=0, n_ok=0, n_rejected=0)
    runs = store.table("runs")
    other = runs.assign(run_id="20200101T000000000000-abcdef12", command="import-codes", args='{"a": 1}',
                        versions="{}")
    mine = runs.assign(command="changed")
    assert store.import_runs(pd.concat([other, mine], ignore_index=True)) == 1
    assert store.table("runs").set_index("run_id").loc[run, "command"] == "classify"
    assert len(store.table("runs")) == 2
