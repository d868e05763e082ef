"""`classify` and `ingest` read a folder or a glob pattern as the files in it, each accounted for on its own."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from evalnlp.errors import InputError
from evalnlp.ingest import expand_inputs


def _exports(folder: Path) -> None:
    folder.mkdir()
    pd.DataFrame({"id": ["a1", "a2", "a3"], "feedback": ["The nurses were kind.", "", "Parking was awful."]}) \
        .to_csv(folder / "week1.csv", index=False)
    pd.DataFrame({"id": ["b1", "b2"], "feedback": ["Food was cold.", "   "]}).to_parquet(folder / "week2.parquet")
    (folder / "notes.rtf").write_text("not a survey")  # not a format evalnlp reads: a folder leaves it out
    (folder / ".hidden.csv").write_text("id,feedback\nz,hidden\n")


def test_folder_and_glob_expand_to_readable_files_in_name_order(tmp_path):
    _exports(tmp_path / "exports")
    names = [p.name for p in expand_inputs([tmp_path / "exports"])]
    assert names == ["week1.csv", "week2.parquet"]
    assert [p.name for p in expand_inputs([str(tmp_path / "exports" / "*.csv")])] == ["week1.csv"]
    assert [p.name for p in expand_inputs([str(tmp_path / "**" / "week*")])] == ["week1.csv", "week2.parquet"]
    # a file named twice (directly and through its folder) is read once
    assert len(expand_inputs([tmp_path / "exports" / "week1.csv", tmp_path / "exports"])) == 2


def test_glob_matching_nothing_and_empty_folder_are_refused(tmp_path):
    with pytest.raises(InputError) as exc:
        expand_inputs([str(tmp_path / "*.csv")])
    assert exc.value.code == "E172"
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as exc:
        expand_inputs([tmp_path / "empty"])
    assert exc.value.code == "E173"


def test_classify_a_folder_counts_rejects_per_file_and_the_counts_add_up(cli, db_path, tmp_path):
    _exports(tmp_path / "exports")
    out = tmp_path / "coded.csv"
    result = cli("classify", str(tmp_path / "exports"), "--text", "feedback", "--id", "id", "--codebook", "fft",
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rejects = con.execute("SELECT source, count(*) FROM rejects GROUP BY source ORDER BY source").fetchall()
        n_in, n_ok, n_rej = con.execute(
            "SELECT n_in, n_ok, n_rejected FROM runs WHERE command = 'classify'").fetchone()
        coded = con.execute("SELECT count(DISTINCT seg_id) FROM codes").fetchone()[0]
    finally:
        con.close()
    assert rejects == [("week1.csv", 1), ("week2.parquet", 1)]
    assert (n_in, n_ok, n_rej) == (5, 3, 2)
    assert coded == 3
    written = pd.read_csv(out)
    assert sorted(written["id"]) == ["a1", "a3", "b1"]
    assert "week1.csv" in result.output and "week2.parquet" in result.output


def test_classify_glob_with_no_match_exits_1_with_its_code(cli, tmp_path):
    result = cli("classify", str(tmp_path / "nothing-*.csv"), "--text", "feedback", "--codebook", "fft")
    assert result.exit_code == 1
    assert "E172" in result.output


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_output_written_page_by_page_equals_the_output_written_whole(tmp_path, suffix):
    """Two files with different columns (one column only in the second, filled in some rows), coded with pages
    of 4 documents: the file has the same rows, columns and values as the one written in one piece."""
    from evalnlp import api
    from evalnlp.store import Store

    from helpers import CORPORA

    src = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", dtype=str).dropna(subset=["feedback"])
    a = src.iloc[:9][["row_index", "organization", "feedback"]]
    b = src.iloc[9:16][["row_index", "feedback", "question"]].assign(
        ward=["W1", None, "W3", None, None, "W6", "W7"], themes="staff codes")
    folder = tmp_path / "in"
    folder.mkdir()
    a.to_csv(folder / "a.csv", index=False)
    b.to_csv(folder / "b.csv", index=False)
    written = {}
    for name, page in (("whole", 100_000), ("paged", 4)):
        out = tmp_path / f"{name}{suffix}"
        with Store(tmp_path / f"{name}.duckdb") as store:
            api.classify(store, [folder], text=["feedback"], id="row_index", codebook="fft", output=out,
                         sentiment=True, batch_size=page)
        written[name] = (pd.read_parquet(out) if suffix == ".parquet" else
                         pd.read_json(out, lines=True, dtype=False) if suffix == ".jsonl" else
                         pd.read_csv(out, dtype=str, keep_default_na=False))
    whole, paged = written["whole"], written["paged"]
    assert len(whole) == 16 and "ward" in whole.columns and "evalnlp_themes" in whole.columns
    assert list(paged.columns) == list(whole.columns)
    pd.testing.assert_frame_equal(paged.astype(str), whole.astype(str))


def test_two_files_of_the_same_name_are_refused_before_anything_is_stored(cli, db_path, tmp_path):
    """Rows of site-a/survey.csv and site-b/survey.csv with the same locator and text would be one document, and
    the second file's ward lost: the command refuses them and the store stays as it was."""
    for site, ward in (("site-a", "Ward 1"), ("site-b", "Ward 9")):
        (tmp_path / site).mkdir()
        pd.DataFrame({"id": ["1"], "ward": [ward], "feedback": ["The nurses were kind."]}) \
            .to_csv(tmp_path / site / "survey.csv", index=False)
    result = cli("ingest", str(tmp_path / "site-*" / "survey.csv"), "--text", "feedback", "--id", "id")
    assert result.exit_code == 1 and "E174" in result.stderr and "site-a" in result.stderr
    result = cli("ingest", str(tmp_path / "site-a" / "survey.csv"), str(tmp_path / "site-b" / "survey.csv"),
                 "--text", "feedback", "--id", "id")
    assert result.exit_code == 1 and "E174" in result.stderr
    if db_path.exists():
        with duckdb.connect(str(db_path), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    # the same file named two ways is not two files
    import os

    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = cli("ingest", "site-a/survey.csv", str(tmp_path / "site-a" / "survey.csv"), "--text", "feedback",
                     "--id", "id")
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output
    assert "n_in 1 = n_ok 1" in result.output  # read once
    # one of them alone is fine
    assert cli("ingest", str(tmp_path / "site-a" / "survey.csv"), "--text", "feedback", "--id", "id").exit_code == 0


def _survey(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "survey.csv"
    pd.DataFrame(rows, columns=["id", "ward", "feedback"]).to_csv(path, index=False)
    return path


def _documents(db_path: Path) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute("SELECT locator, text, json_extract_string(attrs, '$.ward') FROM documents "
                           "ORDER BY locator, text").fetchall()


def test_a_file_of_a_name_already_read_from_elsewhere_is_refused_in_a_later_command(cli, db_path, tmp_path):
    """site-b/survey.csv read after site-a/survey.csv, in a separate command: the row with the same id and text
    would be taken for site-a's and its ward lost. The second command is refused and the store keeps what it had."""
    a = _survey(tmp_path / "site-a", [("1", "Ward 1", "The nurses were kind."), ("2", "Ward 1", "Too noisy.")])
    b = _survey(tmp_path / "site-b", [("1", "Ward 9", "The nurses were kind.")])
    opts = ("--text", "feedback", "--id", "id", "--meta", "ward")
    assert cli("ingest", str(a), *opts).exit_code == 0
    before = _documents(db_path)
    for command in ("ingest", "classify"):
        result = cli(command, str(b), *opts)
        assert result.exit_code == 1, result.output
        assert "E175" in result.stderr and str(a.resolve()) in result.stderr and "Rename" in result.stderr
    assert _documents(db_path) == before
    # renamed, it is read, and both wards are kept
    renamed = b.rename(b.with_name("site-b_survey.csv"))
    assert cli("ingest", str(renamed), *opts).exit_code == 0
    assert ("id=1", "The nurses were kind.", "Ward 9") in _documents(db_path)
    assert ("id=1", "The nurses were kind.", "Ward 1") in _documents(db_path)


def test_the_same_file_again_updated_in_place_or_copied_elsewhere_is_still_read(cli, db_path, tmp_path):
    a = _survey(tmp_path / "site-a", [("1", "Ward 1", "The nurses were kind.")])
    opts = ("--text", "feedback", "--id", "id", "--meta", "ward")
    assert cli("ingest", str(a), *opts).exit_code == 0
    copy = tmp_path / "backup"
    copy.mkdir()
    (copy / "survey.csv").write_bytes(a.read_bytes())  # the same contents elsewhere: nothing new to add
    result = cli("ingest", str(copy / "survey.csv"), *opts)
    assert result.exit_code == 0, result.output
    assert len(_documents(db_path)) == 1
    _survey(tmp_path / "site-a", [("1", "Ward 1", "The nurses were kind."), ("2", "Ward 1", "Too noisy.")])
    result = cli("ingest", str(a), *opts)  # a newer export at the same place adds its new row
    assert result.exit_code == 0, result.output
    assert len(_documents(db_path)) == 2
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT sha256) FROM inputs").fetchone() == (3, 2)


def _expected_rows(con, coder: str, theme_ids: list[str]) -> dict[str, dict]:
    """Each coded document's themes, scores and sentiment worked out in Python from the stored rows: the
    oracle for the output written from the store."""
    segs = dict(con.execute("SELECT seg_id, doc_id FROM segments").fetchall())
    out: dict[str, dict] = {}
    for seg_id, theme, score, assigned in con.execute(
            "SELECT seg_id, theme, score, assigned FROM codes WHERE coder = ?", [coder]).fetchall():
        row = out.setdefault(segs[seg_id], {"scores": {}, "themes": set(), "labels": []})
        row["scores"][theme] = max(row["scores"].get(theme, 0.0), score or 0.0)
        if assigned:
            row["themes"].add(theme)
    latest: dict[str, tuple[str, str]] = {}
    for seg_id, label, run_id in con.execute("SELECT seg_id, label, run_id FROM sentiment").fetchall():
        if seg_id not in latest or run_id > latest[seg_id][1]:
            latest[seg_id] = (label, run_id)
    for seg_id, (label, _) in latest.items():
        if segs[seg_id] in out:
            out[segs[seg_id]]["labels"].append(label)
    rank = {"mixed": 3, "negative": 2, "positive": 1}
    for row in out.values():
        labels = row.pop("labels")
        if not labels:
            row["sentiment"] = None
        elif "positive" in labels and "negative" in labels:
            row["sentiment"] = "mixed"
        else:
            row["sentiment"] = max(set(labels), key=lambda x: (labels.count(x), rank.get(x, 0)))
        row["themes"] = ";".join(t for t in theme_ids if t in row["themes"])
    return out


def test_output_pages_agree_with_the_codes_worked_out_from_the_store(tmp_path):
    """Documents of several sentences whose sentiment differs, a later run that re-labels some sentences, and
    two files stored out of output order: every page of the output, whatever its size, has each document's
    themes, highest scores and sentiment as worked out in Python from the stored codes, in the order source,
    question, row."""
    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    rows = ["The nurses were kind. The food was awful and cold.", "Lovely staff. Clean ward. Thank you.",
            "Nobody answered the bell. I waited hours.", "The parking was fine.",
            "Great doctors but the discharge took all day. Rude porter.", "No complaints."] * 3
    for name in ("b", "a"):  # b's documents are stored first and written second
        pd.DataFrame({"id": range(len(rows)), "ward": [f"{name}{i % 4}" for i in range(len(rows))],
                      "feedback": rows}).to_csv(tmp_path / f"{name}.csv", index=False)
    cb = load_codebook("fft")
    with Store(tmp_path / "s.duckdb") as store:
        for name in ("b", "a"):
            api.classify(store, [tmp_path / f"{name}.csv"], text=["feedback"], id="id", codebook="fft",
                         sentiment=True, unit="sentence")
        coder = store.con.execute("SELECT DISTINCT coder FROM codes").fetchall()[0][0]
        # a later run labels one sentence of each document negative: the latest run's label counts
        store.con.execute("""INSERT INTO sentiment SELECT seg_id, 'negative', 0.9, coder, 'zz-later-run'
                             FROM sentiment WHERE seg_id IN (SELECT min(seg_id) FROM segments GROUP BY doc_id)""")
        expected = _expected_rows(store.con, coder, cb.theme_ids)
        ids = dict(store.con.execute("SELECT source || '/' || locator, doc_id FROM documents").fetchall())
        plan = store.output_plan(coder)
        assert plan.n == len(expected) == 2 * len(rows) and plan.questions == ["feedback"]
        for page in (4, 7, 1000):
            pages = list(store.output_pages(coder, cb.theme_ids, plan, page=page))
            assert [len(p) for p in pages[:-1]] == [page] * (len(pages) - 1)
            got = pd.concat(pages, ignore_index=True)
            assert list(got["source"]) == ["a.csv"] * len(rows) + ["b.csv"] * len(rows)
            assert [int(x.split("=")[-1]) for x in got["locator"]] == list(range(len(rows))) * 2
            assert got["sentiment"].nunique() >= 2
            for _, row in got.iterrows():
                want = expected[ids[f"{row['source']}/{row['locator']}"]]
                assert row["themes"] == want["themes"] and row["sentiment"] == want["sentiment"]
                assert [row[f"score_{t}"] for t in cb.theme_ids] == pytest.approx(
                    [want["scores"].get(t, 0.0) for t in cb.theme_ids])


def test_output_written_page_by_page_keeps_every_text_column_of_each_row(tmp_path):
    """A file with two text columns gives two documents per row, stored question by question; written page by
    page, each output row still carries the row's answer to the other column (the pages used to hold only
    their own documents, so the other column came out empty)."""
    from evalnlp import api
    from evalnlp.store import Store

    n = 9
    pd.DataFrame({"id": [f"r{i}" for i in range(n)], "liked": [f"The nurses were kind to me, visit {i}." for i in range(n)],
                  "improve": [f"Parking was awful on visit {i}." if i != 4 else "" for i in range(n)],
                  "ward": [f"W{i}" for i in range(n)]}).to_csv(tmp_path / "in.csv", index=False)
    written = {}
    for name, page in (("whole", 100_000), ("paged", 4)):
        with Store(tmp_path / f"{name}.duckdb") as store:
            api.classify(store, [tmp_path / "in.csv"], text=["liked", "improve"], id="id", codebook="fft",
                         output=tmp_path / f"{name}.csv", sentiment=True, batch_size=page)
        written[name] = pd.read_csv(tmp_path / f"{name}.csv", dtype=str, keep_default_na=False)
    paged = written["paged"]
    assert len(paged) == 2 * n - 1  # the empty answer is a reject
    for _, row in paged.iterrows():
        i = int(row["id"][1:])
        assert row["liked"] == f"The nurses were kind to me, visit {i}."
        assert row["improve"] == (f"Parking was awful on visit {i}." if i != 4 else "")
        assert row["ward"] == f"W{i}"
    whole = written["whole"]
    scores = [c for c in whole.columns if c.startswith("score_")]
    # everything as written, but the scores: pages of other sizes are multiplied in blocks of other sizes, and a
    # difference in the last float bits can move a score's sixth decimal place by one
    pd.testing.assert_frame_equal(paged.drop(columns=scores), whole.drop(columns=scores))
    np.testing.assert_allclose(paged[scores].astype(float), whole[scores].astype(float), atol=1.5e-6, rtol=0)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_output_keeps_metadata_values_and_names_a_json_path_would_misread(tmp_path, suffix):
    """Metadata columns with numbers, flags and missing values, and names a JSON path would read as a path
    (``$``, ``/``, dots, quotes), come out with the values read from the input, paged or not."""
    from evalnlp import api
    from evalnlp.store import Store

    frame = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "age": pd.array([34, None, 51, 28, 40], dtype="Int64"),
        "consent": [True, False, True, None, True],
        "$cost": ["10", "20", None, "40", "50"],
        "/path": ["x", "y", "z", "w", "v"],
        "a.b": ["1", "2", "3", "4", "5"],
        'say "hi"': ["h1", None, "h3", "h4", "h5"],
        "feedback": ["The nurses were kind.", "The food was cold.", "Parking was hard.", "Lovely staff.",
                     "I waited hours."],
    })
    frame.to_parquet(tmp_path / "in.parquet", index=False)
    meta = [c for c in frame.columns if c not in ("id", "feedback")]
    files = []
    for page in (100_000, 2):
        out = tmp_path / f"out{page}{suffix}"
        with Store(tmp_path / f"s{page}.duckdb") as store:
            api.classify(store, [tmp_path / "in.parquet"], text=["feedback"], id="id", meta=meta,
                         codebook="fft", output=out, sentiment=False, batch_size=page)
        got = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out, dtype=str, keep_default_na=False)
        got = got.astype(object).where(got.notna(), "")
        assert list(got.columns[:len(frame.columns)]) == list(frame.columns)
        assert got["age"].tolist() == ["34", "", "51", "28", "40"]  # as the reader gives them: text
        assert got["consent"].tolist() == ["true", "false", "true", "", "true"]
        assert got["$cost"].tolist() == ["10", "20", "", "40", "50"]
        assert got["/path"].tolist() == ["x", "y", "z", "w", "v"] and got["a.b"].tolist() == list("12345")
        assert got['say "hi"'].tolist() == ["h1", "", "h3", "h4", "h5"]
        files.append(got)
    pd.testing.assert_frame_equal(files[0], files[1])


def test_output_gives_stored_json_values_their_own_types(tmp_path):
    """A store whose attributes hold JSON numbers and flags (written by another tool, say) gives them as numbers
    and flags, whichever page they are on; a name whose values are all text stays text."""
    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    pd.DataFrame({"id": ["a", "b", "c"], "feedback": ["The nurses were kind.", "The food was cold.",
                                                      "Parking was hard."]}).to_csv(tmp_path / "in.csv", index=False)
    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [tmp_path / "in.csv"], text=["feedback"], id="id", codebook="fft", sentiment=False)
        store.con.execute("""UPDATE documents SET attrs = CASE locator
            WHEN 'id=a' THEN '{"n": 5, "ok": true, "$w": "x"}' WHEN 'id=b' THEN '{"n": 2.5, "ok": null}'
            ELSE '{"n": null, "$w": "z"}' END""")
        coder = store.con.execute("SELECT DISTINCT coder FROM codes").fetchall()[0][0]
        got = api.coded_documents(store, load_codebook("fft"), coder)
    assert list(got.columns[:3]) == ["n", "ok", "$w"]
    assert got["n"].tolist()[:2] == [5, 2.5] and got["n"].tolist()[2] is None
    assert got["ok"].tolist() == [True, None, None]
    assert got["$w"].tolist() == ["x", None, "z"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_output_of_a_file_whose_every_row_is_rejected(cli, db_path, tmp_path, suffix):
    """No row has text: the rows are rejects with their reason, and the output file has the input's columns and
    evalnlp's, and no rows (it used to fail on an empty list of documents with a traceback)."""
    (tmp_path / "empty.csv").write_text("id,ward,feedback\n1,W1,\n2,W2,   \n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    result = cli("classify", str(tmp_path / "empty.csv"), "--text", "feedback", "--id", "id", "--codebook", "fft",
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "n_rejected 2" in result.output
    written = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out)
    assert len(written) == 0
    assert list(written.columns[:3]) == ["id", "ward", "feedback"] and "themes" in written.columns
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 2


@pytest.mark.parametrize("how", ["same path", "another spelling", "a folder", "a hard link"])
def test_classify_refuses_an_output_that_is_one_of_its_input_files(cli, db_path, tmp_path, how):
    """Writing the coded rows over the input would replace the user's file and lose its rejected rows: refused
    with E177 before anything is read or stored, and the input file is untouched."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    src = folder / "survey.csv"
    src.write_text("id,feedback\nR1,The nurses were kind.\nR1,The nurses were kind.\nR2,\n", encoding="utf-8")
    before = src.read_bytes()
    inputs, output = [str(src)], str(src)
    if how == "another spelling":
        output = str(folder / ".." / "in" / "survey.csv")
    elif how == "a folder":
        inputs = [str(folder)]
    elif how == "a hard link":
        os.link(src, tmp_path / "linked.csv")
        output = str(tmp_path / "linked.csv")
    result = cli("classify", *inputs, "--text", "feedback", "--id", "id", "--codebook", "fft", "--output", output)
    assert result.exit_code == 1
    suggested = "linked-coded.csv" if how == "a hard link" else "survey-coded.csv"
    assert "E177" in result.output and suggested in result.output
    assert src.read_bytes() == before
    if db_path.exists():  # the store may be opened before the check; nothing may be read into it
        assert _documents(db_path) == []


def test_output_of_a_newer_export_holds_its_own_rows_with_their_own_answers(cli, db_path, tmp_path):
    """A newer export at the same place, read without an id: the output file has exactly the new file's rows,
    each with its own answers to both text columns (it used to add the old export's rows, pair an old answer with
    a new row's other answer, and empty others)."""
    folder = tmp_path / "export"
    folder.mkdir()
    survey = folder / "survey.csv"
    survey.write_text("a,b\nKind nurses,Bad parking\nAlpha answer,\n", encoding="utf-8")
    assert cli("classify", str(survey), "--text", "a", "--text", "b", "--codebook", "fft").exit_code == 0
    survey.write_text("a,b\nNew first row,New first b\nKind nurses,Bad parking\nBeta answer,Gamma answer\n",
                      encoding="utf-8")
    out = tmp_path / "out.csv"
    result = cli("classify", str(survey), "--text", "a", "--text", "b", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    rows = [("New first row", "New first b"), ("Kind nurses", "Bad parking"), ("Beta answer", "Gamma answer")]
    assert list(zip(written["a"], written["b"], written["question"])) == (
        [(a, b, "a") for a, b in rows] + [(a, b, "b") for a, b in rows])
    assert list(written["text"]) == [a for a, _ in rows] + [b for _, b in rows]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_rows_that_share_an_id_keep_their_own_answers_in_the_output(tmp_path, suffix):
    """Two rows with the same id and different texts are two rows: each output row carries its own row's answers
    to every text column (the other column used to come out empty, the rows' documents not told apart)."""
    from evalnlp import api
    from evalnlp.store import Store

    (tmp_path / "in.csv").write_text("id,a,b,site\nR1,Kind nurses,Bad parking,A\nR1,Rude porter,Cold food,B\n"
                                     "R2,Clean ward,,C\n", encoding="utf-8")
    for page in (100_000, 2):
        out = tmp_path / f"out{page}{suffix}"
        with Store(tmp_path / f"s{page}.duckdb") as store:
            api.classify(store, [tmp_path / "in.csv"], text=["a", "b"], id="id", codebook="fft", output=out,
                         sentiment=False, batch_size=page)
        got = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out, dtype=str, keep_default_na=False)
        got = got.astype(object).where(got.notna(), "")
        assert list(zip(got["a"], got["b"], got["site"], got["question"])) == [
            ("Kind nurses", "Bad parking", "A", "a"), ("Rude porter", "Cold food", "B", "a"),
            ("Clean ward", "", "C", "a"), ("Kind nurses", "Bad parking", "A", "b"),
            ("Rude porter", "Cold food", "B", "b")]


@pytest.mark.parametrize("limit, during", [("2GB", 1_000_000_000), ("1GB", 512 * 2**20), ("400MB", 400_000_000)])
def test_the_output_pass_works_within_half_the_memory_cap_but_not_below_the_floor(tmp_path, monkeypatch, limit,
                                                                                  during):
    """While the output is read, DuckDB's cap is half of EVALNLP_MEMORY_LIMIT (the coders' memory is still held),
    but never below OUTPUT_MEMORY_FLOOR (a smaller cap stays as it is: the pass could not finish under half of
    it); afterwards the cap is back."""
    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store, _size_bytes

    monkeypatch.setenv("EVALNLP_MEMORY_LIMIT", limit)
    pd.DataFrame({"id": range(6), "feedback": ["The nurses were kind."] * 6}).to_csv(tmp_path / "in.csv",
                                                                                     index=False)

    def cap(store) -> int:
        return _size_bytes(store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])

    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [tmp_path / "in.csv"], text=["feedback"], id="id", codebook="fft", sentiment=False)
        coder = store.con.execute("SELECT DISTINCT coder FROM codes").fetchall()[0][0]
        before = cap(store)
        plan = store.output_plan(coder)
        pages = store.output_pages(coder, load_codebook("fft").theme_ids, plan, page=4)
        next(pages)
        assert abs(cap(store) - during) < 0.01 * during
        assert sum(1 for _ in pages) == 1
        assert cap(store) == before


def test_a_newer_export_without_ids_whose_rows_moved_is_pointed_out(cli, tmp_path):
    """Without --id a row is its place: a row inserted at the top stores every row below it again. The user is
    told, with the way out (--id); an export that only adds rows, some with common answers, is not flagged."""
    path = tmp_path / "f.csv"
    path.write_text("comment\nStaff lovely\nParking bad\nNo\n", encoding="utf-8")
    assert cli("ingest", str(path), "--text", "comment").exit_code == 0
    path.write_text("comment\nStaff lovely\nParking bad\nNo\nNo\nWaited an hour\nFood cold\n", encoding="utf-8")
    appended = cli("ingest", str(path), "--text", "comment")
    assert appended.exit_code == 0 and "give --id" not in appended.output
    path.write_text("comment\nNew row at the top\nStaff lovely\nParking bad\nNo\nNo\nWaited an hour\nFood cold\n",
                    encoding="utf-8")
    moved = cli("ingest", str(path), "--text", "comment")
    assert moved.exit_code == 0
    assert "5 of its 6 new rows repeat answers" in " ".join(moved.output.split()), moved.output
    assert "give --id COL" in " ".join(moved.output.split())


def test_a_file_read_again_with_an_id_after_a_read_without_one_is_pointed_out(cli, tmp_path):
    """Read first without --id (rows known by their place), then with it: every answer is stored again under
    its id and evidence would count both; the user is told. A newer export read with the same --id, adding
    respondents, is not flagged."""
    path = tmp_path / "f.csv"
    path.write_text("id,comment\n101,Staff lovely\n102,Parking bad\n103,Waited an hour\n", encoding="utf-8")
    assert cli("ingest", str(path), "--text", "comment").exit_code == 0
    switched = cli("ingest", str(path), "--text", "comment", "--id", "id")
    said = " ".join(switched.output.split())
    assert switched.exit_code == 0 and "3 of its 3 new rows repeat answers" in said
    assert "under other locators (without --id, or with another id column)" in said
    path.write_text("id,comment\n101,Staff lovely\n102,Parking bad\n103,Waited an hour\n104,Food cold\n"
                    "105,Kind nurses\n", encoding="utf-8")
    more = cli("ingest", str(path), "--text", "comment", "--id", "id")
    assert more.exit_code == 0 and "repeat answers" not in more.output


def test_the_same_rows_under_another_name_are_not_counted_twice_silently(cli, db_path, tmp_path):
    """A browser's second download of an export (`trust_a (1).csv`, the same bytes) is read as the file it
    copies: nothing new, and said so. Two copies in one command are refused. The same month sent again in
    another format (other bytes, same ids and answers) is stored, with a warning that evidence counts both,
    printed with --quiet too."""
    rows = pd.DataFrame({"comment_id": range(1, 7), "comment": [
        "Staff were kind and helpful.", "Waited two hours to be seen.", "Nothing to improve.",
        "The ward was dirty.", "Parking is impossible.", "Food was cold."]})
    first = tmp_path / "trust_a.csv"
    rows.to_csv(first, index=False)
    assert cli("ingest", str(first), "--text", "comment", "--id", "comment_id").exit_code == 0
    copy = tmp_path / "trust_a (1).csv"
    copy.write_bytes(first.read_bytes())
    again = cli("ingest", str(copy), "--text", "comment", "--id", "comment_id")
    said = " ".join(again.output.split())
    assert again.exit_code == 0 and "trust_a (1).csv: exactly the contents of 'trust_a.csv'" in said
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT source) FROM documents").fetchone() == (6, 1)
        n_new = con.execute("SELECT n_in, n_ok FROM runs ORDER BY started DESC LIMIT 1").fetchone()
    assert n_new == (6, 6)  # every row read, each one a document the store held already
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "b.csv").write_bytes(first.read_bytes().replace(b"Food was cold", b"Food was hot"))
    (folder / "b (1).csv").write_bytes((folder / "b.csv").read_bytes())
    both = cli("ingest", str(folder), "--text", "comment", "--id", "comment_id")
    assert both.exit_code == 1 and "[E174]" in both.output and "exactly the contents of" in " ".join(
        both.output.split())
    resent = tmp_path / "trust_a_resent.parquet"
    rows.astype(str).to_parquet(resent, index=False)
    quiet = cli("-q", "ingest", str(resent), "--text", "comment", "--id", "comment_id")
    said = " ".join(quiet.output.split())
    assert quiet.exit_code == 0 and said.startswith("warning: trust_a_resent.parquet: 6 of its 6 new rows")
    assert "'trust_a.csv'" in said and "evidence counts both" in said
    other = tmp_path / "trust_b.csv"
    pd.DataFrame({"comment_id": [1, 2, 3], "comment": ["Lovely nurses.", "Too noisy at night.",
                                                      "Nothing to improve."]}).to_csv(other, index=False)
    fine = cli("ingest", str(other), "--text", "comment", "--id", "comment_id")
    assert fine.exit_code == 0 and "warning" not in fine.output  # one shared answer is no resend


def test_a_meta_column_one_export_lacks_is_read_without_it_when_others_have_it(cli, db_path, tmp_path):
    """Trust B's export has no ward column: with --meta ward the month's folder stopped at E132; now trust B is
    read without it, with a warning, and the others keep their wards. A --meta column no file has is still an
    error (a typo)."""
    folder = tmp_path / "jan"
    folder.mkdir()
    (folder / "trust_a.csv").write_text("id,comment,ward\n1,Kind staff.,W1\n2,Long wait.,W2\n", encoding="utf-8")
    (folder / "trust_b.csv").write_text("id,comment\n3,Cold food.\n", encoding="utf-8")
    result = cli("-q", "ingest", str(folder), "--text", "comment", "--id", "id", "--meta", "ward")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert said.startswith("warning: trust_b.csv: no column 'ward' (--meta), which other files of this command have")
    with duckdb.connect(str(db_path), read_only=True) as con:
        attrs = dict(con.execute("SELECT source, any_value(attrs) FROM documents GROUP BY source").fetchall())
    assert "ward" in json.loads(attrs["trust_a.csv"]) and "ward" not in json.loads(attrs["trust_b.csv"])
    typo = cli("ingest", str(folder), "--text", "comment", "--id", "id", "--meta", "wrad")
    assert typo.exit_code == 1 and "[E132]" in typo.output


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_meta_column_one_export_under_title_lines_lacks_is_read_without_it(cli, db_path, tmp_path, fmt):
    """Exports that open with title lines: the header is the line naming the --text and --id columns, so trust
    B's export without a ward column was E132 (its header not found, as it does not name 'ward'); it is read
    without the column, with the same warning as an export without title lines. Alone, it is E132 for 'ward'
    (as for a file without title lines), not for the text column."""
    from openpyxl import Workbook

    folder = tmp_path / "jan"
    folder.mkdir()
    title = [["NHS Trust - Friends and Family Test"], ["Exported 05/01/2024 09:30"]]
    files = {"trust_a": [["id", "comment", "ward"], [1, "Kind staff.", "W1"], [2, "Long wait.", "W2"]],
             "trust_b": [["id", "comment"], [3, "Cold food."], [4, "Noisy ward at night."]]}
    for name, rows in files.items():
        if fmt == "csv":
            lines = [",".join(str(c) for c in row) for row in title + rows]
            (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            wb = Workbook()
            for row in title + rows:
                wb.active.append(row)
            wb.save(folder / f"{name}.xlsx")
    result = cli("-q", "ingest", str(folder), "--text", "comment", "--id", "id", "--meta", "ward")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    a, b = (f"trust_a.{fmt}", f"trust_b.{fmt}") if fmt == "csv" else ("trust_a.xlsx#Sheet", "trust_b.xlsx#Sheet")
    assert f"warning: {b}: no column 'ward' (--meta), which other files of this command have" in said
    with duckdb.connect(str(db_path), read_only=True) as con:
        got = sorted(con.execute("SELECT source, text, attrs->>'ward' FROM documents").fetchall())
    assert got == [(a, "Kind staff.", "W1"), (a, "Long wait.", "W2"), (b, "Cold food.", None),
                   (b, "Noisy ward at night.", None)]
    alone = cli("ingest", str(folder / f"trust_b.{fmt}"), "--text", "comment", "--id", "id", "--meta", "ward")
    flat = " ".join(alone.output.split())
    assert alone.exit_code == 1 and "[E132]" in flat and "'ward'" in flat and "'comment', 'id'" not in flat


def test_an_answer_edited_in_a_newer_export_is_warned_about(cli, tmp_path):
    """Read with --id, a newer export whose answer 2 was corrected stores the new text beside the old one under
    the same id (documents are their text): evidence counts both, and the user is warned, with -q too. A newer
    export that only adds respondents is not."""
    path = tmp_path / "export.csv"
    path.write_text("comment_id,comment\n1,Staff were kind.\n2,The ward was smelly.\n", encoding="utf-8")
    assert cli("ingest", str(path), "--text", "comment", "--id", "comment_id").exit_code == 0
    path.write_text("comment_id,comment\n1,Staff were kind.\n2,The ward was smelly.\n3,Long wait.\n",
                    encoding="utf-8")
    added = cli("-q", "ingest", str(path), "--text", "comment", "--id", "comment_id")
    assert added.exit_code == 0 and "warning" not in added.output
    path.write_text("comment_id,comment\n1,Staff were kind.\n2,The ward was smelly!\n3,Long wait.\n",
                    encoding="utf-8")
    edited = cli("-q", "ingest", str(path), "--text", "comment", "--id", "comment_id")
    said = " ".join(edited.output.split())
    assert edited.exit_code == 0 and said.startswith("warning: export.csv: 1 answer at an id the store already "
                                                     "holds with other text")


def test_a_corrected_export_says_which_stored_answers_it_no_longer_has_and_which_values_it_changed(cli, db_path,
                                                                                                   tmp_path):
    """A month re-exported after corrections drops a respondent's row and moves another to the right ward: the
    store keeps the dropped answer and the first ward (evidence counts and groups them so), and only an edited
    text was warned about; the rest went by without a word. Each is now said, the store still as it was; and a
    column the new export adds is named as not stored for the answers read before."""
    path = tmp_path / "2024-02.csv"
    path.write_text("comment_id,ward,comment\n1,W1,Staff were kind.\n2,W2,Long wait.\n3,W1,Cold food.\n",
                    encoding="utf-8")
    assert cli("ingest", str(path), "--text", "comment", "--id", "comment_id").exit_code == 0
    path.write_text("comment_id,ward,comment,site\n1,W1,Staff were kind.,Main\n3,W3,Cold food.,Main\n",
                    encoding="utf-8")
    result = cli("ingest", str(path), "--text", "comment", "--id", "comment_id")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("warning: 2024-02.csv: 1 answer the store holds from an earlier export of this file is not among this "
            "one's answers") in said
    assert "not this export's, where they differ: 'ward' on 1 answer" in said
    assert "'site' for 2 answers" in said
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)
        wards = dict(con.execute("SELECT locator, attrs->>'ward' FROM documents").fetchall())
    assert wards == {"comment_id=1": "W1", "comment_id=2": "W2", "comment_id=3": "W1"}
    again = cli("-q", "ingest", str(path), "--text", "comment", "--id", "comment_id")
    assert again.exit_code == 0 and "not among" in again.output  # said each time the store still differs


def test_an_export_with_no_rows_among_several_is_said_and_the_others_are_read(cli, db_path, tmp_path):
    """A trust with no comments that month sends a header only: read with the others, it is a warning naming
    it and the others are stored; read alone, it is still E104 and nothing is stored."""
    folder = tmp_path / "jan"
    folder.mkdir()
    (folder / "trust_a.csv").write_text("comment_id,comment\n1,Staff were kind.\n2,Long wait.\n", encoding="utf-8")
    (folder / "trust_b.csv").write_text("comment_id,comment\n3,Food cold.\n", encoding="utf-8")
    (folder / "trust_d.csv").write_text("comment_id,comment\n", encoding="utf-8")
    (folder / "trust_e.csv").write_text("comment_id,comment\n", encoding="utf-8")  # the same bytes: no copy
    result = cli("-q", "ingest", str(folder), "--text", "comment", "--id", "comment_id")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and "warning: trust_d.csv: no data rows" in said and "trust_e.csv" in said
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)
        assert con.execute("SELECT n_in, n_ok FROM runs").fetchall() == [(3, 3)]
    alone = cli("ingest", str(folder / "trust_d.csv"), "--text", "comment")
    assert alone.exit_code == 1 and "[E104]" in alone.output


def test_an_empty_file_among_several_is_said_and_the_others_are_read(cli, db_path, tmp_path):
    """An export that failed half-way leaves a file of 0 bytes (or of blank lines) in the month's folder: it
    stopped the whole folder with E103, so no trust's answers were read. Read with others, each empty file is
    now a warning naming it, and the others are stored; read alone, it is still E103."""
    folder = tmp_path / "feb"
    folder.mkdir()
    (folder / "trust_a.csv").write_text("comment_id,comment\n1,Staff were kind.\n2,Long wait.\n", encoding="utf-8")
    (folder / "trust_b.csv").write_bytes(b"")
    (folder / "trust_c.csv").write_text("comment_id,comment\n3,Food cold.\n", encoding="utf-8")
    (folder / "notes.txt").write_bytes(b"")
    (folder / "summary.txt").write_text("\n  \n\n", encoding="utf-8")
    result = cli("-q", "ingest", str(folder), "--text", "comment", "--id", "comment_id")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    for name, found in (("trust_b.csv", "has 0 bytes"), ("notes.txt", "has 0 bytes"),
                        ("summary.txt", "only whitespace")):
        assert f"warning: {name}: the file is empty ({found})" in said
    assert said.count("Nothing was read from it; the other files were read") == 3
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)
        assert con.execute("SELECT n_in, n_ok FROM runs").fetchall() == [(3, 3)]
    alone = cli("ingest", str(folder / "trust_b.csv"), "--text", "comment")
    assert alone.exit_code == 1 and "[E103]" in alone.output


def test_a_header_repeated_inside_a_joined_export_is_a_reject_not_an_answer(cli, db_path, tmp_path):
    """Two monthly exports joined one after the other keep the second one's header as a row: it was stored and
    coded as the answer "feedback" (and `--by ward` grew a group "ward"). It is now a reject saying why, also
    with the second file's byte order mark kept in front of it; an answer that happens to be a column's name,
    beside real values, is still an answer."""
    path = tmp_path / "joined.csv"
    path.write_text("id,feedback,ward\n1,Staff were kind.,A\n2,Long wait.,B\n\ufeffid,feedback,ward\n"
                    "3,Food was cold.,A\nid, feedback ,ward\n4,feedback,C\n", encoding="utf-8")
    result = cli("-q", "ingest", str(path), "--text", "feedback", "--id", "id", "--meta", "ward")
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db_path), read_only=True) as con:
        texts = sorted(t for (t,) in con.execute("SELECT text FROM documents").fetchall())
        rejects = con.execute("SELECT reason FROM rejects").fetchall()
        counts = con.execute("SELECT n_in, n_ok, n_rejected FROM runs").fetchone()
    assert texts == ["Food was cold.", "Long wait.", "Staff were kind.", "feedback"]
    assert len(rejects) == 2 and all("repeats the file's column names" in r for (r,) in rejects)
    assert counts == (6, 4, 2)


@pytest.mark.parametrize("tail", [b"2,Long wait\r\n\x1a", b"2,Long wait\x1a"])
def test_a_dos_end_of_file_mark_is_not_data(cli, db_path, tmp_path, tail):
    """``copy a.csv+b.csv all.csv`` ends the file with Ctrl-Z (0x1A): alone on the last line it was a phantom
    row rejected as ragged (n_in 3 for 2 answers); glued to the last answer it became part of its text."""
    path = tmp_path / "all.csv"
    path.write_bytes(b"id,feedback\r\n1,Kind staff\r\n" + tail)
    out = tmp_path / "out.csv"
    result = cli("classify", str(path), "--text", "feedback", "--id", "id", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT n_in, n_ok, n_rejected FROM runs WHERE command = 'classify'").fetchone() == (2, 2, 0)
        assert sorted(t for (t,) in con.execute("SELECT text FROM documents").fetchall()) == ["Kind staff", "Long wait"]
    assert pd.read_csv(out, dtype=str)["feedback"].tolist() == ["Kind staff", "Long wait"]


def test_options_that_do_not_apply_to_a_file_are_named(cli, tmp_path):
    """--sheet on a CSV, and --text or --id on a narrative file, are not used for that file: the user is told
    which, and why, rather than left to guess; counts speak of 1 document, not 1 documents."""
    table = tmp_path / "t.csv"
    table.write_text("rid,q1\n1,Staff lovely\n", encoding="utf-8")
    case = tmp_path / "case.txt"
    case.write_text("The study changed our policy.\n", encoding="utf-8")
    result = cli("ingest", str(table), "--text", "q1", "--sheet", "S")
    out = " ".join(result.output.split())
    assert result.exit_code == 0
    assert "t.csv: --sheet does not apply (a CSV file has no sheets)" in out
    assert "the store now holds 1 document and 1 segment" in out
    result = cli("ingest", str(case), "--text", "q1", "--id", "rid")
    out = " ".join(result.output.split())
    assert "case.txt: --text, --id do not apply (a narrative file is read by its paragraphs)" in out
    quiet = cli("ingest", str(table), "--text", "q1")
    assert "does not apply" not in quiet.output and "do not apply" not in quiet.output
    assert "warning" not in out  # a narrative file read alone is what was asked for


def test_a_notes_file_among_the_exports_is_warned_about(cli, tmp_path):
    """A README.txt in the month's folder, read with table options, became documents coded beside the
    patients' answers with only a note; it is now a warning (with -q too) saying they are counted with them."""
    folder = tmp_path / "jan"
    folder.mkdir()
    (folder / "trust_a.csv").write_text("id,comment\n1,Staff were kind.\n2,Long wait.\n", encoding="utf-8")
    (folder / "README.txt").write_text("Exports for January.\n\nQuestions to the data team, please.\n",
                                       encoding="utf-8")
    result = cli("-q", "ingest", str(folder), "--text", "comment", "--id", "id")
    said = " ".join(result.output.split())
    assert result.exit_code == 0 and said.startswith("warning: README.txt: --text, --id do not apply")
    assert "its 2 paragraphs are stored as documents beside the tables' answers" in said
