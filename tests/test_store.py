from __future__ import annotations

import duckdb
from hypothesis import assume, given, settings
from hypothesis import strategies as st
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


def test_a_version_1_store_is_migrated_and_keeps_its_data(db_path):
    with Store(db_path) as s, s.transaction():
        run = s.start_run("ingest", {})
        s.insert_documents(docs("a"), run)
        s.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
        s.con.execute("DROP TABLE sources")
        s.con.execute("DROP TABLE segment_sources")
        s.con.execute("DROP TABLE inputs")
        s.con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Store(db_path) as s:
        assert s.schema_version() == SCHEMA_VERSION == 6
        assert s.count("documents") == 1 and s.count("sources") == 0 and s.count("segment_sources") == 0
        assert s.count("inputs") == 0


def test_a_version_2_store_gains_the_inputs_table_and_keeps_its_data(db_path):
    with Store(db_path) as s, s.transaction():
        run = s.start_run("ingest", {})
        s.insert_documents(docs("a", "b"), run)
        s.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
        s.con.execute("DROP TABLE inputs")
        s.con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with Store(db_path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.count("documents") == 2 and s.count("inputs") == 0 and s.inputs_named("a.csv") == []


def test_sources_and_links_are_stored_once_and_read_in_list_order(store):
    with store.transaction():
        run = store.start_run("ingest", {})
        new = store.insert_documents(docs("He said it works.", source="case.txt"), run, returning=True)
        doc = new["doc_id"].iloc[0]
        store.insert_segments(pd.DataFrame([{"doc_id": doc, "kind": "testimonial", "start": 8, "end": 16,
                                             "text": "it works", "speaker": "He", "source_ref": "[A, B]"}]))
        entries = pd.DataFrame({"source": "case.txt", "position": [1, 2], "ref": ["A", "B"],
                                "label": ["[A]", "[B]"], "text": ["Letter.", "Report."]})
        links = pd.DataFrame({"doc_id": doc, "start": 8, "end": 16, "source": "case.txt", "position": [2, 1]})
        assert store.insert_sources(entries, run) == 2
        assert store.insert_sources(entries, run) == 0
        assert store.link_segment_sources(links) == 2
        assert store.link_segment_sources(links) == 0
        store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
    seg_id = store.table("segments")["seg_id"].iloc[0]
    cited = store.segment_sources([seg_id])
    assert cited["seg_id"].tolist() == [seg_id, seg_id]
    assert cited[["ref", "label", "text"]].values.tolist() == [["A", "[A]", "Letter."], ["B", "[B]", "Report."]]
    assert store.segment_sources(["nope"]).empty and store.segment_sources([]).empty


def test_a_link_names_its_entry_so_an_edited_list_gives_each_version_its_own(store):
    """A file read twice, its sources list renumbered in between: both versions' entries are stored, two at
    each place; each testimonial's link names its own version's entry, not every entry at its place."""
    with store.transaction():
        run = store.start_run("ingest", {})
        new = store.insert_documents(docs("He said it works.", "He said it works well.", source="case.txt"), run,
                                     returning=True)
        first, second = new["doc_id"].tolist()
        store.insert_segments(pd.DataFrame([{"doc_id": d, "kind": "testimonial", "start": 8, "end": 16,
                                             "text": "it works", "speaker": "He", "source_ref": ref}
                                            for d, ref in ((first, "[2]"), (second, "[3]"))]))
        store.insert_sources(pd.DataFrame({"source": "case.txt", "position": [1, 2, 3], "ref": ["1", "2", "3"],
                                           "label": None, "text": ["Report.", "Letter from the Director.",
                                                                    "Letter from the chief executive."]}), run)
        store.insert_sources(pd.DataFrame({"source": "case.txt", "position": [1, 2, 3], "ref": ["1", "2", "3"],
                                           "label": None, "text": ["Report.", "Minutes of the board.",
                                                                    "Letter from the Director."]}), run)
        assert store.link_segment_sources(pd.DataFrame([
            {"doc_id": first, "start": 8, "end": 16, "source": "case.txt", "position": 2,
             "text": "Letter from the Director."},
            {"doc_id": second, "start": 8, "end": 16, "source": "case.txt", "position": 3,
             "text": "Letter from the Director."}])) == 2
        store.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
    cited = store.segment_sources()
    assert cited["text"].tolist() == ["Letter from the Director."] * 2 and cited["seg_id"].is_unique


def test_a_version_3_store_keeps_its_links_and_names_entries_from_then_on(db_path):
    with Store(db_path) as s, s.transaction():
        run = s.start_run("ingest", {})
        doc = s.insert_documents(docs("He said it works.", source="case.txt"), run, returning=True)["doc_id"].iloc[0]
        s.insert_segments(pd.DataFrame([{"doc_id": doc, "kind": "testimonial", "start": 8, "end": 16,
                                         "text": "it works", "speaker": "He", "source_ref": "[1]"}]))
        s.insert_sources(pd.DataFrame({"source": "case.txt", "position": [1], "ref": ["1"], "label": None,
                                       "text": ["Report."]}), run)
        s.con.execute("ALTER TABLE segment_sources DROP COLUMN text")
        s.con.execute("ALTER TABLE segment_sources DROP COLUMN how")
        s.con.execute("DROP TABLE letters")
        seg = s.table("segments")["seg_id"].iloc[0]
        s.con.execute("INSERT INTO segment_sources VALUES (?, 'case.txt', 1)", [seg])
        s.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
        s.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with Store(db_path, read_only=True) as s:  # the read commands do not migrate: schema 3 as it is
        assert s.schema_version() == 3 and s.segment_sources()["text"].tolist() == ["Report."]
    with Store(db_path) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.segment_sources()["text"].tolist() == ["Report."]  # a link without its entry's text still reads


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
    # the person decided theme h on s1 only: the machine's latest code stands for the theme they did not decide
    assert sorted(eff[eff.seg_id == s1]["theme"]) == ["h", "x2"]
    assert eff[eff.seg_id == s2]["theme"].tolist() == ["x2"]  # latest machine run otherwise
    # once the person decides x2 too (not applying), their decision wins for it
    store.replace_codes(pd.DataFrame({"seg_id": [s1, s1], "theme": ["h", "x2"], "score": None,
                                      "assigned": [True, False]}), "human:ann", "r5")
    eff = store.effective_codes()
    assert eff[eff.seg_id == s1]["theme"].tolist() == ["h"]
    assert eff[eff.seg_id == s1]["coder"].tolist() == ["human:ann"]


def answers_in_sentences(store) -> pd.DataFrame:
    """Two answers of two sentences each, stored as sentence segments (as ``ingest --unit sentence``)."""
    with store.transaction():
        run = store.start_run("ingest", {})
        new = store.insert_documents(docs("We met. We agreed.", "It rained. It stopped."), run, returning=True)
        rows = []
        for doc_id, text in zip(new["doc_id"], new["text"]):
            cut = text.index(".") + 1
            for start, end in ((0, cut), (cut + 1, len(text))):
                rows.append({"doc_id": doc_id, "kind": "sentence", "start": start, "end": end,
                             "text": text[start:end], "speaker": None, "source_ref": None})
        store.insert_segments(pd.DataFrame(rows))
    return new


def keys(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"source": "s.csv", "locator": [f"row {i + 1}" for i in range(len(texts))],
                         "question": "q", "text": texts})


def test_whole_segments_makes_a_passage_for_a_whole_answer_once(store):
    answers_in_sentences(store)
    rows = keys(["We met. We agreed.", "It rained. It stopped."])
    rows.loc[2] = ["s.csv", "row 9", "q", "Not stored."]
    with store.transaction():
        got = store.whole_segments(rows)
    segs = store.table("segments").set_index("seg_id")
    assert got["seg_id"].iloc[2] is None and got["doc_id"].iloc[2] is None
    whole = segs.loc[got["seg_id"].iloc[:2]]
    assert whole["kind"].tolist() == ["response", "response"] and (whole["start"] == 0).all()
    assert whole["text"].tolist() == ["We met. We agreed.", "It rained. It stopped."]
    with store.transaction():
        again = store.whole_segments(rows.iloc[:2])
    assert again["seg_id"].tolist() == got["seg_id"].iloc[:2].tolist()
    assert store.count("segments") == 6  # four sentences and two whole answers, made once


def test_put_human_codes_counts_and_never_touches_another_coder(store):
    answers_in_sentences(store)
    with store.transaction():
        segs = store.whole_segments(keys(["We met. We agreed.", "It rained. It stopped."]))["seg_id"].tolist()
    s1, s2 = segs
    frame = pd.DataFrame({"seg_id": [s1, s1, s2, s2], "theme": ["x", "y", "x", "y"],
                          "assigned": [True, False, False, False]})
    store.replace_codes(frame.assign(score=0.5), "model:m", "r0")
    assert store.put_human_codes(frame, "human:ann", "r1") == {"new": 2, "changed": 0, "unchanged": 0}
    assert store.put_human_codes(frame, "human:bob", "r2") == {"new": 2, "changed": 0, "unchanged": 0}
    before = store.table("codes")
    assert store.put_human_codes(frame, "human:ann", "r3") == {"new": 0, "changed": 0, "unchanged": 2}
    assert store.table("codes").equals(before)  # the same codes again: nothing rewritten, not even the run
    changed = frame.assign(assigned=[True, True, False, False])
    assert store.put_human_codes(changed, "human:ann", "r4") == {"new": 0, "changed": 1, "unchanged": 1}
    codes = store.table("codes")
    ann = codes[codes.coder == "human:ann"]
    assert sorted(ann[ann.assigned]["theme"]) == ["x", "y"]
    assert set(ann[ann.seg_id == s1]["run_id"]) == {"r4"} and set(ann[ann.seg_id == s2]["run_id"]) == {"r1"}
    others = codes[codes.coder != "human:ann"].reset_index(drop=True)
    assert others.equals(before[before.coder != "human:ann"].reset_index(drop=True))
    assert (ann["score"] == ann["assigned"].astype(float)).all()  # 1 for a theme given, 0 for one not
    with pytest.raises(ValueError, match="human coder"):
        store.put_human_codes(frame, "model:m", "r5")


def test_a_human_coded_answer_overrides_the_machine_codes_of_its_sentences(store):
    answers_in_sentences(store)
    sentences = store.table("segments")
    with store.transaction():
        whole = store.whole_segments(keys(["We met. We agreed."]))["seg_id"].iloc[0]
    machine = pd.DataFrame({"seg_id": sentences["seg_id"], "theme": "relationships", "score": 0.9,
                            "assigned": True})
    store.replace_codes(machine, "model:m", "r1")
    # the human read the first answer and gave it no theme
    store.put_human_codes(pd.DataFrame({"seg_id": [whole], "theme": ["relationships"], "assigned": [False]}),
                          "human:ann", "r2")
    eff = store.effective_codes(assigned_only=False)
    first_doc = store.table("segments").set_index("seg_id").loc[whole, "doc_id"]
    inside = set(sentences[sentences.doc_id == first_doc]["seg_id"])
    assert not inside & set(eff["seg_id"])  # its sentences' machine codes are not used
    assert eff[eff.seg_id == whole]["coder"].tolist() == ["human:ann"]
    other = set(sentences[sentences.doc_id != first_doc]["seg_id"])
    assert other <= set(eff["seg_id"])  # the other answer keeps its machine codes
    assert store.effective_codes()["seg_id"].isin(other).all()


def test_paired_codes_pool_sentence_codes_onto_the_whole_answer(store):
    answers_in_sentences(store)
    sentences = store.table("segments")
    with store.transaction():
        whole = store.whole_segments(keys(["We met. We agreed.", "It rained. It stopped."]))["seg_id"].tolist()
    # the machine coded sentences: relationships in the second sentence of answer 1 only
    machine = pd.DataFrame({"seg_id": sentences["seg_id"], "theme": "relationships", "score": 0.5,
                            "assigned": sentences["text"] == "We agreed."})
    store.replace_codes(machine, "model:m", "r1")
    human = pd.DataFrame({"seg_id": whole, "theme": "relationships", "assigned": [True, False]})
    store.put_human_codes(human, "human:ann", "r2")
    paired = store.paired_codes("human:ann", "model:m")
    assert sorted(paired["unit"].unique()) == sorted(whole)
    decided = paired.set_index(["unit", "coder"])["assigned"]
    assert decided[(whole[0], "model:m")] and decided[(whole[0], "human:ann")]
    assert not decided[(whole[1], "model:m")] and not decided[(whole[1], "human:ann")]
    assert set(paired["text"]) == {"We met. We agreed.", "It rained. It stopped."}


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
    # without themes, the same rule: a person's decision wins for the themes they decided, the latest machine run
    # for the others (the fft review of s1 does not hide its impact code)
    assert sorted(zip(*(lambda e: (e.seg_id, e.theme))(store.effective_codes()))) == sorted(
        [(s1, "access"), (s1, "endorsement"), (s2, "endorsement")])
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


def test_another_programs_duckdb_database_is_refused_and_left_as_it_was(tmp_path, runner):
    """A DuckDB database that is not a project store (an analyst's own tables, no evalnlp meta table) is refused
    by every command, read or write (E401, naming its tables), and not one table is added to it; an empty DuckDB
    file becomes a store when a command writes to it, and a read command says it is empty (no traceback)."""
    import duckdb

    from evalnlp.cli import app

    theirs = tmp_path / "kpis.duckdb"
    with duckdb.connect(str(theirs)) as con:
        con.execute("CREATE TABLE my_kpis (ward VARCHAR, score INTEGER)")
        con.execute("INSERT INTO my_kpis VALUES ('A', 3)")
    for read_only in (False, True):
        with pytest.raises(StoreError, match=r"E401.*not an evalnlp project store.*'my_kpis'"):
            Store(theirs, read_only=read_only)
    answers = tmp_path / "answers.csv"
    answers.write_text("id,text\n1,Lovely staff\n", encoding="utf-8")
    for args in (["runs"], ["evidence"], ["classify", str(answers), "--text", "text", "--codebook", "fft"]):
        result = runner.invoke(app, ["--db", str(theirs), *args])
        assert result.exit_code == 1 and "E401" in result.output, (args, result.output)
    with duckdb.connect(str(theirs), read_only=True) as con:
        assert con.execute("SELECT table_name FROM information_schema.tables").fetchall() == [("my_kpis",)]
        assert con.execute("SELECT * FROM my_kpis").fetchall() == [("A", 3)]
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(StoreError, match=r"E401.*empty DuckDB file"):
        Store(empty, read_only=True)
    with Store(empty) as store:  # written to: it becomes a store
        assert store.schema_version() > 0
    with Store(empty, read_only=True) as store:
        assert store.count("documents") == 0


def test_read_only_missing_store(tmp_path):
    with pytest.raises(StoreError, match="E404"):
        Store(tmp_path / "nope.duckdb", read_only=True)


def test_newer_schema_is_refused(db_path):
    with Store(db_path) as s:
        s.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="E402"):
        Store(db_path)


def test_rejects_come_in_natural_order_of_their_locators(store):
    locators = ["row 10532", "row 1333", "row 9", "Sheet1!row 2", "ID=R1000", "ID=R027", "row 10", None,
                "table 2 row 10 cell 1", "table 2 row 9 cell 3"]
    with store.transaction():
        run = store.start_run("ingest", {})
        store.add_rejects(run, pd.DataFrame({"source": "s.csv", "locator": locators, "code": "E141",
                                             "reason": "empty"}))
        store.finish_run(run, n_in=len(locators), n_ok=0, n_rejected=len(locators))
    got = store.table("rejects")["locator"]
    assert got[:-1].tolist() == ["ID=R027", "ID=R1000", "Sheet1!row 2", "row 9", "row 10", "row 1333", "row 10532",
                                 "table 2 row 9 cell 3", "table 2 row 10 cell 1"]
    assert got.iloc[-1] is None or got.iloc[-1] != got.iloc[-1]  # a missing locator last


def test_commits_are_counted_from_opening(db_path):
    with Store(db_path) as s:
        assert s.commits == 0  # the schema migration on opening a new store is not counted
        with pytest.raises(RuntimeError), s.transaction():
            raise RuntimeError("boom")
        assert s.commits == 0
        with s.transaction():
            s.start_run("ingest", {})
        assert s.commits == 1


def test_classify_codebooks_latest_first_and_has_codes(store):
    for ref, cid in (("impact", "impact"), ("fft", "fft"), ("impact", "impact")):
        with store.transaction():
            run = store.start_run("classify", {"codebook": ref}, codebook_id=cid)
            store.finish_run(run, n_in=0, n_ok=0, n_rejected=0)
    with store.transaction():
        run = store.start_run("classify", {"codebook": "mine.yaml"}, codebook_id="mine")  # never finished
    assert store.classify_codebooks() == [("impact", "impact"), ("fft", "fft")]
    assert not store.has_codes(["staff"])


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


def test_import_codes_only_fills_segments_a_coder_has_not_coded(store):
    s1, s2 = _two_segments(store)
    store.replace_codes(pd.DataFrame({"seg_id": [s1], "theme": ["x"], "score": [0.9], "assigned": [True]}),
                        "model:m", "r1")
    store.replace_codes(pd.DataFrame({"seg_id": [s2], "theme": ["x"], "score": [1.0], "assigned": [True]}),
                        "human:ann", "r1")
    imported = pd.DataFrame({"seg_id": [s1, s2, s2], "theme": ["y", "y", "z"], "score": None, "assigned": True,
                             "coder": ["model:m", "model:m", "human:bob"], "run_id": ["r2", "r3", "r4"]})
    assert store.import_codes(imported) == 2
    codes = store.table("codes")
    assert sorted(zip(codes["seg_id"], codes["theme"], codes["coder"], codes["run_id"])) == sorted([
        (s1, "x", "model:m", "r1"), (s2, "y", "model:m", "r3"), (s2, "x", "human:ann", "r1"),
        (s2, "z", "human:bob", "r4")])
    assert store.import_codes(imported) == 0  # the same rows again add nothing


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


@pytest.mark.parametrize("value", ["2", "2 GB of RAM", "lots", "1.5XB", "-1GB", ""])
def test_a_memory_limit_that_is_not_a_size_is_refused(tmp_path, monkeypatch, value):
    """EVALNLP_MEMORY_LIMIT is checked with the same pattern that later turns it into bytes, so whatever is
    accepted can be converted, and anything else is refused with E409 before DuckDB sees it."""
    from evalnlp.errors import EvalnlpError

    monkeypatch.setenv("EVALNLP_MEMORY_LIMIT", value)
    with pytest.raises(EvalnlpError) as caught:
        Store(tmp_path / "s.duckdb")
    assert caught.value.code == "E409"


def test_read_only_store_bounds_its_working_memory(tmp_path, monkeypatch):
    """A read-only store gives sorts and hash tables a quarter of the memory limit and hands freed memory back;
    a writable store keeps DuckDB's defaults for them."""
    from evalnlp.store import _size_bytes

    assert [_size_bytes(v) for v in ("1GB", "500 MB", "2GiB", "1.5gb", "64KiB")] == [
        10**9, 5 * 10**8, 2 * 1024**3, 15 * 10**8, 64 * 1024]
    path = tmp_path / "s.duckdb"
    Store(path).close()
    monkeypatch.setenv("EVALNLP_MEMORY_LIMIT", "2GB")

    def setting(store, name):
        con = getattr(store, "con", store)
        return con.execute("SELECT value FROM duckdb_settings() WHERE name = ?", [name]).fetchone()[0]

    quarter = duckdb.connect()  # how DuckDB prints 500,000,000 bytes
    quarter.execute("SET memory_limit = '500000000B'")
    with Store(path, read_only=True) as store:
        assert setting(store, "operator_memory_limit") == setting(quarter, "memory_limit")
        assert setting(store, "allocator_background_threads") == "true"
    with Store(path) as store:
        assert setting(store, "operator_memory_limit") is None


def test_segments_to_code_pages_exactly_what_was_uncoded(tmp_path):
    """Pages hold each uncoded segment once, in stored order; codes written between pages (as classify writes
    them) do not change the pages; the set is taken when the first page is asked for; nothing is left behind."""
    from helpers import coded_store

    rows = [(f"comment {i}", {"ward": "A" if i % 2 else "B"}, ["staff"] if i < 3 else []) for i in range(23)]
    db = tmp_path / "s.duckdb"
    coded_store(db, rows)
    with Store(db) as store:
        segs = store.con.sql("SELECT seg_id, text FROM segments ORDER BY rowid").fetchall()
        coder = "model:fixture-fft@000000"
        with store.transaction():
            run = store.start_run("classify", {})
            # another coder has coded nothing yet: every segment, in pages of 5, in stored order
            seen = []
            for page in store.segments_to_code("model:other@1", page=5, arrow=True):
                assert page.num_rows <= 5
                seen += page.column("seg_id").to_pylist()
                # coding this page as classify does, before the next page is read
                store.replace_codes(pd.DataFrame({"seg_id": page.column("seg_id").to_pylist(), "theme": "staff",
                                                  "score": 0.5, "assigned": True}), "model:other@1", run,
                                    replace=False)
            assert seen == [s for s, _ in segs]
            # now every segment is coded by both coders: nothing to give, unless recoding
            assert list(store.segments_to_code("model:other@1", page=5)) == []
            assert list(store.segments_to_code(coder, page=5)) == []
            again = pd.concat(list(store.segments_to_code(coder, page=7, recode=True)))
            assert again["seg_id"].tolist() == [s for s, _ in segs]
            # a filter by document: only those, still in order
            docs = store.con.sql("SELECT doc_id FROM segments ORDER BY rowid").fetchall()
            pick = [docs[i][0] for i in (20, 2, 11)]
            part = pd.concat(list(store.segments_to_code(coder, page=2, recode=True, doc_ids=pick)))
            assert part["doc_id"].tolist() == [docs[i][0] for i in (2, 11, 20)]
            # a page asked for and dropped early leaves no temporary table behind
            pages = store.segments_to_code("model:third@1", page=4)
            next(pages)
            pages.close()
            temp = store.con.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_to_code_%'")
            assert temp.fetchall() == [(0,)]
            store.finish_run(run, n_in=0, n_ok=0, n_rejected=0)


def test_pages_left_open_when_the_store_closes_end_quietly(tmp_path):
    """Ctrl-C in classify closes the store while its pages of segments are still open; dropping them afterwards
    (as the garbage collector does) must not raise E412, which Python printed as a traceback under the
    "interrupted" line."""
    from helpers import coded_store

    db = tmp_path / "s.duckdb"
    coded_store(db, [(f"comment {i}", {"ward": "A"}, []) for i in range(6)])
    store = Store(db)
    pages = store.segments_to_code("model:other@1", page=2)
    assert len(next(pages)) == 2
    store.close()
    pages.close()  # raised StoreError E412 from the generator's clean-up


def test_row_folders_a_killed_command_left_are_deleted_by_the_next(tmp_path):
    """classify --output keeps the input's cells in a folder beside the store; a command killed (kill -9, or by
    the system for want of memory) cannot delete it, and each such folder, about the size of its input, stayed
    for good. The next command that makes one deletes those of ended processes, and keeps one of a process that
    is still running (another store's command in the same folder), one of another machine (a shared drive) and any
    other hidden folder."""
    import subprocess
    import sys

    from evalnlp import api
    from evalnlp.store import _row_dir_owner

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".evalnlp-rows-{_row_dir_owner(int(ended.stdout))}-abc123"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = tmp_path / f".evalnlp-rows-{_row_dir_owner(running.pid)}-def456"
        other = tmp_path / ".evalnlp-rows-notes"
        elsewhere = tmp_path / f".evalnlp-rows-{int(ended.stdout)}@0000beef-ghi789"  # another machine's
        for folder in (dead, alive, other, elsewhere):
            folder.mkdir()
            (folder / "0.parquet").write_bytes(b"cells")
        comments = tmp_path / "march.csv"
        pd.DataFrame({"id": ["R1", "R2"], "comment": ["Kind nurses on Elm Ward.", "Parking was dear."]}).to_csv(
            comments, index=False)
        with Store(tmp_path / "s.duckdb") as store:
            api.classify(store, [comments], text=["comment"], id="id", codebook="fft", model="keyword",
                         sentiment=False, output=tmp_path / "coded.csv")
        assert not dead.exists()
        assert alive.is_dir() and other.is_dir() and elsewhere.is_dir()
        assert sorted(p.name for p in tmp_path.glob(".evalnlp-rows-*")) == sorted(
            [alive.name, other.name, elsewhere.name])
    finally:
        running.kill()
        running.wait()


def test_a_failed_query_inside_a_transaction_leaves_the_settings_as_they_were(tmp_path, monkeypatch):
    """The output pass lowers DuckDB's memory cap and threads; when a query fails under them, DuckDB refuses
    every statement until the rollback, so the settings are put back right after it, and the query's own error
    is the one raised (it used to be hidden behind a TransactionException)."""
    monkeypatch.setenv("EVALNLP_MEMORY_LIMIT", "1GB")
    with Store(tmp_path / "s.duckdb") as store:
        setting = lambda name: store.con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0]  # noqa: E731
        threads, limit = setting("threads"), setting("memory_limit")
        with pytest.raises(duckdb.InvalidInputException, match="boom"):
            with store.transaction():
                with store._memory_cap(600 * 2**20), store._one_thread():
                    assert setting("threads") == 1
                    store.con.execute("SELECT error('boom')")
        assert setting("threads") == threads and setting("memory_limit") == limit
        # and without a failure, both come back at the end of the block
        with store.transaction():
            with store._memory_cap(600 * 2**20), store._one_thread():
                assert setting("threads") == 1 and setting("memory_limit") != limit
            assert setting("threads") == threads and setting("memory_limit") == limit


def test_running_out_of_memory_in_a_command_is_e411_and_saves_nothing(tmp_path):
    from evalnlp.errors import StoreError as Err

    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(Err) as caught:
            with store.transaction():
                store.con.execute("CREATE TABLE scratch AS SELECT range AS i FROM range(10)")
                store.con.execute("SET memory_limit = '2MB'")
                store.con.execute("SELECT i, string_agg(repeat('x', 1000), ',') FROM range(200000) t(i) "
                                  "GROUP BY i ORDER BY i").fetchall()
        assert caught.value.code == "E411" and "EVALNLP_MEMORY_LIMIT" in str(caught.value)
        assert "nothing from this command was saved" in str(caught.value)
        store.con.execute("SET memory_limit = '1GB'")
        assert "scratch" not in store.con.execute("SHOW TABLES").df()["name"].tolist()


def test_frames_written_inside_a_transaction_are_let_go_before_the_commit(tmp_path):
    """A command writes page after page in one transaction: each page's frames must be freed once written,
    not held until the commit (they were, while frames were registered with the connection)."""
    import gc
    import weakref

    import pyarrow as pa

    pages, per_page = 6, 40_000
    with Store(tmp_path / "s.duckdb") as s, s.transaction():
        run = s.start_run("classify", {})
        gone = []
        base = pa.total_allocated_bytes()
        for page in range(pages):
            texts = [f"comment {page}-{i}, long enough to live outside the string header" for i in range(200)]
            frame = docs(*texts, source=f"p{page}.csv")
            s.insert_documents(frame, run, dedupe=False)
            gone.append(weakref.ref(frame))
            codes = pa.table({"seg_id": pa.array([f"{page:04d}{i:016x}" for i in range(per_page)]),
                              "theme": pa.array(["a_theme_of_the_codebook"] * per_page),
                              "score": pa.array([0.5] * per_page),
                              "assigned": pa.array([True] * per_page)})
            one_page = codes.nbytes
            s.replace_codes(codes, "model:some-coder", run, replace=False)
            del frame, codes
        gc.collect()
        held = pa.total_allocated_bytes() - base
        assert [ref() is None for ref in gone] == [True] * pages
        assert held < one_page, f"{held} bytes of Arrow memory still held, a page is {one_page}"
        assert s.count("codes") == pages * per_page
        assert s.count("documents") == pages * 200


def test_the_rows_a_command_has_seen_take_little_of_duckdbs_memory(tmp_path):
    """Inside a command's transaction, what DuckDB holds for the rows of a file read in chunks (to find rows
    repeated across chunks) stays small: 16-byte keys, and no table per chunk (a dropped table keeps its memory
    until the commit)."""
    chunks, per_chunk = 20, 20_000

    def in_memory_tables(s) -> int:
        return int(s.con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory() "
                                 "WHERE tag = 'IN_MEMORY_TABLE'").fetchall()[0][0])

    with Store(tmp_path / "s.duckdb") as s, s.transaction():
        base = in_memory_tables(s)
        for c in range(chunks):
            frame = pd.DataFrame({"source": "big.csv", "locator": [f"ID={c}-{i}" for i in range(per_chunk)],
                                  "question": "q", "text": [f"answer {c} {i}" for i in range(per_chunk)]})
            assert not s.seen_before(frame).any()
        again = pd.DataFrame({"source": "big.csv", "locator": ["ID=3-7", "ID=new"], "question": "q",
                              "text": ["answer 3 7", "answer 3 7"]})
        assert s.seen_before(again).tolist() == [True, False]
        per_row = (in_memory_tables(s) - base) / (chunks * per_chunk)
        assert per_row < 40, f"{per_row:.0f} bytes of DuckDB's memory per row seen"


# ---------------------------------------------------------------------- repeats of reviewed answers


_SPACES = [" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1f", "\u2028", "\u0085"]


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), st.data())
def test_texts_that_fold_alike_share_the_store_key(text, data):
    """The store's key for finding repeats (``fold_key_sql``) is the same for any two texts that fold alike in
    Python, whatever their case and whitespace: a repeat is never missed by the store's first cut."""
    from evalnlp.review import fold_text
    from evalnlp.store import fold_key_sql

    cases = data.draw(st.lists(st.sampled_from(["same", "upper", "lower", "title"]), min_size=len(text),
                               max_size=len(text)))
    other = "".join({"same": c, "upper": c.upper(), "lower": c.lower(), "title": c.title()}[how]
                    for c, how in zip(text, cases))
    other = " ".join(other.split()) if data.draw(st.booleans()) else data.draw(st.sampled_from(_SPACES)).join(
        other.split(" "))
    assume(fold_text(text) == fold_text(other))
    key = duckdb.execute(f"SELECT {fold_key_sql('?')}, {fold_key_sql('?')}", [text, other]).fetchone()
    assert key[0] == key[1]


@pytest.mark.parametrize("pair", [("İstanbul", "i̇stanbul"), ("ΟΔΟΣ", "οδος"), ("NOTHING\u00a0at  all", "nothing at all")])
def test_letters_python_and_duckdb_lower_differently_share_the_key(pair):
    from evalnlp.review import fold_text
    from evalnlp.store import fold_key_sql

    assert fold_text(pair[0]) == fold_text(pair[1])
    key = duckdb.execute(f"SELECT {fold_key_sql('?')}, {fold_key_sql('?')}", list(pair)).fetchone()
    assert key[0] == key[1]


def test_repeat_candidates_are_the_machines_uncoded_passages_whose_text_may_repeat(db_path):
    from helpers import coded_store

    texts = ["Nothing", "NOTHING\u00a0", "no thing", "Nothing at all", "nothing", "Kind staff"]
    coded_store(db_path, [(t, {}, ["staff"]) for t in texts])
    with Store(db_path) as store:
        seg = dict(zip(store.table("segments")["text"], store.table("segments")["seg_id"]))
        with store.transaction():
            run = store.start_run("codes import", {})
            store.replace_codes(pd.DataFrame([{"seg_id": seg["nothing"], "theme": "staff", "score": None,
                                               "assigned": False}]), "human:alice", run)
            store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
        found = store.repeat_candidates([seg["Nothing"]], "model:fixture-fft@000000")
        # "no thing" shares the key (spaces removed) and is left for the caller's exact check; the passage
        # alice coded, the reviewed one itself, other texts and other coders' passages are not candidates
        assert sorted(found) == sorted([seg["NOTHING\u00a0"], seg["no thing"]])
        assert store.repeat_candidates([seg["Nothing"]], "model:other") == []


def test_coder_matrix_is_the_coders_codes_by_segment_and_marks_first_texts(db_path):
    """One row per segment the coder coded and no person has, in segment-id order; a theme without a code (or a
    NaN score) is 0 and not assigned; ``first`` marks the first segment of each exact text, question and kind."""
    import numpy as np

    from helpers import coded_store

    texts = ["Nothing", "Nothing", "nothing", "Kind staff", "Parking was hard"]
    coded_store(db_path, [(t, {}, ["staff"] if "staff" in t else []) for t in texts])
    machine = "model:fixture-fft@000000"
    with Store(db_path) as store:
        seg = store.table("segments")[["seg_id", "text"]]
        with store.transaction():
            run = store.start_run("codes import", {})
            coded = set(store.table("codes")["seg_id"])  # (the fixture codes one of two passages alike)
            store.replace_codes(pd.DataFrame([{"seg_id": s, "theme": t, "score": 0.1, "assigned": False}
                                              for s in seg["seg_id"] if s not in coded
                                              for t in ("staff", "dignity", "access")]), machine, run)
            parking = seg.loc[seg["text"] == "Parking was hard", "seg_id"].iloc[0]
            store.replace_codes(pd.DataFrame([{"seg_id": parking, "theme": "access", "score": None,
                                               "assigned": True}]), "human:alice", run)
            kind = seg.loc[seg["text"] == "Kind staff", "seg_id"].iloc[0]
            store.con.execute("UPDATE codes SET score = 'NaN' WHERE seg_id = ? AND theme = 'staff'", [kind])
            store.con.execute("DELETE FROM codes WHERE seg_id = ? AND theme = 'dignity'", [kind])
            store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
        themes = ["staff", "dignity", "access"]
        frame, scores, assigned = store.coder_matrix(machine, themes)
        want = sorted(seg.loc[seg["seg_id"] != parking, "seg_id"])
        assert frame["seg_id"].tolist() == want  # the passage alice coded is left out
        by = dict(zip(seg["seg_id"], seg["text"]))
        row = {s: i for i, s in enumerate(frame["seg_id"])}
        k = row[kind]
        assert scores[k].tolist() == [0.0, 0.0, 0.1] and assigned[k].tolist() == [True, False, False]
        firsts = [by[s] for s, f in zip(frame["seg_id"], frame["first"]) if f]
        assert sorted(firsts) == ["Kind staff", "Nothing", "nothing"]  # the second exact "Nothing" is not first
        nothing = sorted(s for s in frame["seg_id"] if by[s] == "Nothing")
        assert frame.set_index("seg_id").loc[nothing, "first"].tolist() == [True, False]
        assert store.coder_matrix("model:other", themes)[0].empty
        assert scores.dtype == np.float64 and assigned.dtype == bool


class _Interrupting:
    """A connection that raises Ctrl-C around its COMMIT: once it has run (``after``), or before it runs."""

    def __init__(self, con, after: bool):
        self.con, self.after = con, after

    def execute(self, sql, *args, **kwargs):
        if sql == "COMMIT":
            if self.after:
                self.con.execute(sql)
            raise KeyboardInterrupt
        return self.con.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.mark.parametrize("after", [True, False])
def test_ctrl_c_at_the_commit_is_told_apart_saved_or_not(db_path, after):
    """Python raises a Ctrl-C that came during a COMMIT once the call returns: the run is saved, and the store
    counts the commit (so the command says so, not "nothing was saved"); one that came before the call leaves
    nothing saved."""
    with Store(db_path) as store:
        real = store.con
        store.con = _Interrupting(real, after)
        with pytest.raises(KeyboardInterrupt):
            with store.transaction():
                store.con.execute("INSERT INTO meta VALUES ('probe', 'x')")
        store.con = real
        assert store.commits == (1 if after else 0)
        saved = store.con.execute("SELECT count(*) FROM meta WHERE key = 'probe'").fetchone()[0]
        assert saved == (1 if after else 0)
        with store.transaction():  # the store works on
            store.con.execute("INSERT INTO meta VALUES ('probe2', 'y')")


def test_documents_read_for_quotes_are_kept_by_a_read_only_store_only(tmp_path):
    """A read-only store keeps the documents it read for their text (its documents cannot change while it is
    open), so the quotes of several themes need one reading of every document id; the texts and redaction
    contexts it gives are those of reading them afresh. A store that can be written keeps none, so a text
    changed after it was read is read as it is now."""
    from evalnlp import api

    report = tmp_path / "report.txt"
    report.write_text("First paragraph of the report.\n\nSecond paragraph of the report.\n", encoding="utf-8")
    answers = tmp_path / "a.csv"
    answers.write_text("text\nA survey answer.\nAnother answer.\n", encoding="utf-8")
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        api.ingest(store, [report])
        api.ingest(store, [answers], text=["text"])
        ids = store.table("documents")["doc_id"].tolist()
        fresh = (store.document_texts(ids), store.redaction_contexts(ids))
        store.remember_documents(ids)
        assert store._documents_read == {}
        store.con.execute("UPDATE documents SET text = 'A survey answer, edited.' WHERE text = 'A survey answer.'")
        edited = store.document_texts(ids)
        assert "A survey answer, edited." in edited.values() and "A survey answer." not in edited.values()
        store.con.execute("UPDATE documents SET text = 'A survey answer.' WHERE text = 'A survey answer, edited.'")
    with Store(path, read_only=True) as store:
        store.remember_documents(ids[:3] + ["no such document"])
        assert sorted(store._documents_read) == sorted(ids[:3])
        assert (store.document_texts(ids), store.redaction_contexts(ids)) == fresh
        assert sorted(store._documents_read) == sorted(ids)  # the rest read once, then kept
        assert store.document_texts([]) == {} and store.redaction_contexts(["no such document"]) == {}


def test_a_paragraphs_redaction_context_is_its_whole_report_or_a_window_of_it(tmp_path):
    """The text a quotation of a report's paragraph is redacted beside: the whole report (every paragraph of its
    file, one text shared by them all), or past the limit the paragraphs around it; a survey answer's is itself."""
    from evalnlp import api

    report = tmp_path / "report.txt"
    paragraphs = [f"Paragraph {i} says something about the programme and its fellows." for i in range(6)]
    report.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    answers = tmp_path / "a.csv"
    answers.write_text("text\nA survey answer.\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [report])
        api.ingest(store, [answers], text=["text"])
        docs = store.table("documents")
        paras = docs[docs["source"] == "report.txt"].sort_values("locator", key=lambda s: s.str.len() * 100 +
                                                                  s.str.extract(r"(\d+)$")[0].astype(int))
        answer = docs.loc[docs["source"] == "a.csv", "doc_id"].iloc[0]
        ids = paras["doc_id"].tolist()
        whole = store.redaction_contexts(ids + [answer])
        assert whole[ids[0]] is whole[ids[5]] and all(p in whole[ids[0]] for p in paragraphs)
        assert whole[answer] == "A survey answer."
        window = store.redaction_contexts([ids[3]], limit=3 * len(paragraphs[0]))[ids[3]]
        assert paragraphs[3] in window and paragraphs[0] not in window and len(window.split("\n\n")) in (3, 4)
