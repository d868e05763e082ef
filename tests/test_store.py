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


def test_effective_codes_of_one_codebook_are_not_hidden_by_another(store):
    with store.transaction():
        run = store.start_run("ingest", {})
        new = store.insert_documents(docs("a", "b"), run, returning=True)
        store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "response", "start": 0, "end": 1,
                                            "text": new["text"], "speaker": None, "source_ref": None}))
    s1, s2 = store.table("segments")["seg_id"].tolist()
    both = [s1, s2]
    store.replace_codes(pd.DataFrame({"seg_id": both, "theme": "staff", "score": 0.9, "assigned": True}),
                        "model:fft", "r1")
    store.replace_codes(pd.DataFrame({"seg_id": both, "theme": "endorsement", "score": 0.8, "assigned": True}),
                        "model:impact", "r2")  # a later run with another codebook
    store.replace_codes(pd.DataFrame({"seg_id": [s1, s1], "theme": ["staff", "access"], "score": None,
                                      "assigned": [False, True]}), "human:ann", "r3")  # an fft review of s1
    fft = store.effective_codes(themes=["staff", "access"])
    assert set(zip(fft.seg_id, fft.theme, fft.coder)) == {(s1, "access", "human:ann"), (s2, "staff", "model:fft")}
    impact = store.effective_codes(themes=["endorsement"])
    assert set(zip(impact.seg_id, impact.coder)) == {(s1, "model:impact"), (s2, "model:impact")}
    # without themes, the old rule: human codes anywhere win, else the latest machine run
    assert sorted(store.effective_codes()["theme"]) == ["access", "endorsement"]
    assert store.code_themes() == ["access", "endorsement", "staff"]


def test_every_store_has_an_identity_that_survives_reopening(db_path):
    with Store(db_path) as s:
        first = s.identity(create=False)
    assert first and len(first) == 32
    with Store(db_path, read_only=True) as s:
        assert s.identity() == first
    with Store(db_path.with_name("other.duckdb")) as other:
        assert other.identity() != first


def test_an_older_store_gets_its_identity_when_first_asked(db_path):
    with Store(db_path) as s:
        s.con.execute("DELETE FROM meta WHERE key = 'store_id'")
        assert s.identity(create=False) is None
        made = s.identity()
        assert made and s.identity(create=False) == made


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
