"""`classify --output` keeps every input column with its name and values, whatever it is called; evalnlp's own
columns move aside (``evalnlp_<name>``) when an input column already has their name."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from helpers import CORPORA

from evalnlp.codebook import load_codebook

FFT = CORPORA / "nhs_fft" / "text_data.csv"
FFT_IDS = load_codebook("fft").theme_ids
SENTIMENTS = {"positive", "mixed", "negative", "neutral"}
#: evalnlp's columns in the order they follow the input's
OURS = ["source", "locator", "question", "text", "themes"] + [f"score_{t}" for t in FFT_IDS] + ["sentiment"]


@pytest.fixture(scope="module")
def staff_coded(tmp_path_factory):
    """A slice of the NHS FFT export as a trust holds it: the export's own columns plus the staff's codes in
    columns named like evalnlp's (themes, sentiment, score_staff), a free-text note in ``text`` and the
    ward in ``source``."""
    df = pd.read_csv(FFT, dtype=str, keep_default_na=False)
    df = df[df["feedback"].str.strip() != ""].sample(n=24, random_state=11).reset_index(drop=True)
    cb = load_codebook("fft")
    df["themes"] = ["gold:" + cb.label_to_id(label) for label in df["label"]]
    df["sentiment"] = ["gold:" + ("negative" if c.startswith("-") else "positive") for c in df["criticality"]]
    df["text"] = [f"staff note {i}" for i in range(len(df))]
    df["source"] = ["Ward 7" if i % 2 else "Ward 9" for i in range(len(df))]
    df["score_staff"] = ["1" if t == "gold:staff" else "0" for t in df["themes"]]
    df.loc[3, "organization"] = ""  # an empty metadata cell stays empty
    path = tmp_path_factory.mktemp("fft") / "fft_staff_coded.csv"
    df.to_csv(path, index=False)
    return path, pd.read_csv(path, dtype=str, keep_default_na=False)


def read_back(path) -> pd.DataFrame:
    suffix = path.suffix
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    with open(path, encoding="utf-8") as fh:
        return pd.DataFrame([json.loads(line) for line in fh])


@pytest.mark.parametrize("ext", [".csv", ".parquet", ".xlsx", ".jsonl"])
def test_every_input_column_survives_and_evalnlp_columns_move_aside(cli, staff_coded, tmp_path, ext):
    path, given = staff_coded
    out = tmp_path / f"coded{ext}"
    result = cli("classify", str(path), "--text", "feedback", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = read_back(out)

    renamed = {"source", "text", "themes", "sentiment", "score_staff", "question"}
    expected = list(given.columns) + [f"evalnlp_{c}" if c in renamed else c for c in OURS]
    assert list(coded.columns) == expected
    assert len(coded) == len(given)
    for col in given.columns:  # the staff's codes, the note, the ward, the trust's question: all as given
        assert [str(v) for v in coded[col]] == given[col].tolist(), col

    assert (coded["evalnlp_text"] == given["feedback"]).all()
    assert set(coded["evalnlp_source"]) == {path.name}
    assert set(coded["evalnlp_question"]) == {"feedback"}
    assert coded["locator"].tolist() == [f"row {i}" for i in range(1, len(given) + 1)]
    assert all(t in FFT_IDS for t in coded["evalnlp_themes"])  # fft: exactly one theme per passage
    assert set(coded["evalnlp_sentiment"]) <= SENTIMENTS
    # the renamed score column holds evalnlp's scores for 'staff', not the staff's 0/1 codes
    scores = coded["evalnlp_score_staff"].astype(float)
    assert scores.between(0, 1).all() and not scores.isin([0.0, 1.0]).all()
    is_staff = coded["evalnlp_themes"] == "staff"
    assert is_staff.any() and (~is_staff).any()
    assert scores[is_staff].mean() > scores[~is_staff].mean()


def test_the_text_column_keeps_its_name_and_the_other_answers_of_its_row(cli, tmp_path):
    path = tmp_path / "two_questions.csv"
    pd.DataFrame({
        "site": ["North", "South", "East"],
        "good": ["The nurses were kind and caring", "Clean ward and friendly porters", "   "],
        "rid": ["r1", "r2", "r3"],
        "better": ["Waited four hours to be seen", "", "Parking costs too much"],
        "themes": ["gold:staff", "gold:environment_facilities", "gold:access"],
    }).to_csv(path, index=False)
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "good", "--text", "better", "--id", "rid", "--codebook", "fft",
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:5]) == ["site", "good", "rid", "better", "themes"]
    assert "evalnlp_themes" in coded.columns and "text" in coded.columns
    rows = {(r.rid, r.question): r for r in coded.itertuples()}
    assert set(rows) == {("r1", "good"), ("r2", "good"), ("r1", "better"), ("r3", "better")}
    for (rid, question), r in rows.items():  # the passage coded is the row's answer to `question`
        assert getattr(r, question) == r.text
    # each document carries its row's other answer as the file has it, a blank one (not coded: a reject) too
    assert rows[("r1", "good")].better == "Waited four hours to be seen"
    assert rows[("r1", "better")].good == "The nurses were kind and caring"
    assert rows[("r3", "better")].good == "   "
    assert rows[("r3", "better")].site == "East" and rows[("r3", "better")].themes == "gold:access"


def test_output_from_the_store_alone_keeps_the_input_columns(cli, tmp_path):
    path = tmp_path / "comments.csv"
    given = pd.DataFrame({"comment": ["The nurses were kind and caring", "Waited four hours to be seen"],
                          "sentiment": ["gold:positive", "gold:negative"], "locator": ["bed 4", "bed 9"]})
    given.to_csv(path, index=False)
    assert cli("ingest", str(path), "--text", "comment").exit_code == 0
    out = tmp_path / "coded.jsonl"
    result = cli("classify", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = read_back(out)
    assert set(given.columns) <= set(coded.columns)
    for col in given.columns:
        assert coded[col].tolist() == given[col].tolist(), col
    assert coded["evalnlp_locator"].tolist() == ["row 1", "row 2"]
    assert set(coded["evalnlp_sentiment"]) <= SENTIMENTS
    assert list(coded.columns[-len(OURS):]) == [f"evalnlp_{c}" if c in given.columns else c for c in OURS]


def test_output_from_the_store_alone_keeps_the_files_column_order(cli, tmp_path):
    """Coding what was ingested earlier wrote the text column after the metadata (`id,site,q2,q1` for a file
    `id,site,q1,q2`), so the coded file no longer lined up with the export beside it; the order is the file's."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    pd.DataFrame({"id": ["001", "002"], "site": ["A", "B"], "q1": ["Coaching was good", "Peers were great"],
                  "q2": ["More confident", "Better relationships"]}).to_csv(first, index=False)
    pd.DataFrame({"q1": ["Kind staff"], "ward": ["W1"], "id": ["003"]}).to_csv(second, index=False)
    assert cli("ingest", str(first), "--text", "q1", "--id", "id").exit_code == 0
    assert cli("ingest", str(second), "--text", "q1", "--id", "id").exit_code == 0
    out = tmp_path / "coded.csv"
    result = cli("classify", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:5]) == ["id", "site", "q1", "q2", "ward"]
    assert coded.set_index("id").loc["002", "q2"] == "Better relationships"


def test_meta_chooses_what_the_store_keeps_and_the_output_keeps_every_column(cli, tmp_path, db_path):
    """``--meta`` says which columns the store keeps as metadata; the output file still has every input column
    with its values (the contract: every input column is kept, always)."""
    import duckdb

    path = tmp_path / "comments.csv"
    given = pd.DataFrame({"email": ["a@example.org", "b@example.org"], "comment": ["Kind staff", "Long wait"],
                          "ward": ["7", "9"]})
    given.to_csv(path, index=False)
    for extra in ([], ["--id", "email"]):
        out = tmp_path / f"coded{len(extra)}.csv"
        result = cli("classify", str(path), "--text", "comment", "--meta", "ward", *extra, "--codebook", "fft",
                     "--output", str(out))
        assert result.exit_code == 0, result.output
        coded = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert list(coded.columns[:3]) == ["email", "comment", "ward"]
        for col in given.columns:
            assert coded[col].tolist() == given[col].tolist(), col
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        stored = con.execute("SELECT locator, attrs FROM documents ORDER BY locator").fetchall()
    finally:
        con.close()
    # without --id the store kept the ward alone; with --id email, the id and the ward
    assert {loc: json.loads(a) for loc, a in stored if loc.startswith("row ")} == {
        "row 1": {"ward": "7"}, "row 2": {"ward": "9"}}
    assert all(set(json.loads(a)) == {"email", "ward"} for loc, a in stored if loc.startswith("email="))


def test_the_output_gives_each_row_as_the_file_has_it_now(cli, tmp_path):
    """The output's input columns are the rows as this command read them: a rejected answer beside the
    others, a value changed since an earlier read of the same row, and columns an earlier command did not
    store."""
    path = tmp_path / "survey.csv"
    path.write_text("rid,q1,q2,grp\nA,Staff were lovely,Parking was bad,a\nA,Staff were lovely,Food was cold,b\n",
                    encoding="utf-8")
    out = tmp_path / "out.csv"
    assert cli("classify", str(path), "--text", "q1", "--text", "q2", "--id", "rid", "--codebook", "fft",
               "--output", str(out)).exit_code == 0
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    # the second row's q1 repeats the first row's id and text: rejected (E176), but still that row's answer
    assert coded[coded["q2"] == "Food was cold"]["q1"].tolist() == ["Staff were lovely"]
    assert coded[coded["q2"] == "Food was cold"]["grp"].tolist() == ["b"]
    # the same rows read again after a value changed: the output says what the file says now
    path.write_text("rid,q1,q2,grp\nA,Staff were lovely,Parking was bad,CHANGED\n", encoding="utf-8")
    out2 = tmp_path / "out2.csv"
    assert cli("classify", str(path), "--text", "q1", "--text", "q2", "--id", "rid", "--codebook", "fft",
               "--output", str(out2)).exit_code == 0
    again = pd.read_csv(out2, dtype=str, keep_default_na=False)
    assert set(again["grp"]) == {"CHANGED"} and len(again) == 2
    # a column the earlier read stored and the file no longer has is not written
    path.write_text("rid,q1,q2\nA,Staff were lovely,Parking was bad\n", encoding="utf-8")
    out_gone = tmp_path / "out_gone.csv"
    assert cli("classify", str(path), "--text", "q1", "--text", "q2", "--id", "rid", "--codebook", "fft",
               "--output", str(out_gone)).exit_code == 0
    gone = pd.read_csv(out_gone, dtype=str, keep_default_na=False)
    assert list(gone.columns[:3]) == ["rid", "q1", "q2"] and "grp" not in gone.columns
    # a file read before with two text columns, now coded on one: its other column is still in the output
    path2 = tmp_path / "two.csv"
    path2.write_text("rid,q1,q2\n1,Staff lovely,Parking bad\n", encoding="utf-8")
    assert cli("ingest", str(path2), "--text", "q1", "--text", "q2", "--id", "rid").exit_code == 0
    out3 = tmp_path / "out3.jsonl"
    assert cli("classify", str(path2), "--text", "q1", "--id", "rid", "--codebook", "fft",
               "--output", str(out3)).exit_code == 0
    rows = [json.loads(line) for line in out3.read_text(encoding="utf-8").splitlines()]
    assert [(r["rid"], r["q1"], r["q2"]) for r in rows] == [("1", "Staff lovely", "Parking bad")]


def test_a_repeated_header_is_named_in_the_output_and_the_user_is_told(cli, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,comment,comment,ward\n1,The nurses were kind,The food was cold,A\n"
                    "2,Long wait in the clinic,,B\n", encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "comment", "--id", "id", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("dup.csv: a repeated column name or key, so nothing is lost: the next 'comment' is read as "
            "'comment.1'") in said
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:4]) == ["id", "comment", "comment.1", "ward"]
    assert coded["comment.1"].tolist() == ["The food was cold", ""]  # the second column's values, kept


def test_headers_read_without_their_spaces_or_named_for_their_place_are_announced(cli, tmp_path):
    """A header with spaces around it is read without them, a blank one as ``column_N``: the values are all
    kept, and the user is told which name each column goes by (the names --text takes and the output uses)."""
    path = tmp_path / "tidy.csv"
    path.write_text(" id ,comment  ,\n1,The nurses were kind,A\n2,Long wait in the clinic,B\n", encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "comment", "--id", "id", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    told = ("tidy.csv: the header ' id ' is read as 'id', without the spaces around it; the header 'comment  ' is "
            "read as 'comment', without the spaces around it; the column without a header is read as 'column_3'")
    assert " ".join(told.split()) in said
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:3]) == ["id", "comment", "column_3"]
    assert coded["column_3"].tolist() == ["A", "B"]
    plain = tmp_path / "plain.csv"
    plain.write_text("id,comment\n1,Kind staff\n", encoding="utf-8")
    result = cli("classify", str(plain), "--text", "comment", "--codebook", "fft")
    assert result.exit_code == 0 and "is read as" not in result.output


def test_rows_of_a_table_beside_a_narrative_file_keep_their_cells(cli, tmp_path):
    """A command reading a table and a narrative file: the table's rows carry their cells as read (a blank
    answer too), the narrative documents have no input values."""
    table = tmp_path / "mix.csv"
    table.write_text("rid,q1,q2\n1,Staff lovely,Parking bad\n2,   ,Food cold\n", encoding="utf-8")
    case = tmp_path / "case.txt"
    case.write_text('Details of the impact\n\n"The study changed our policy," said the Director.\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert cli("classify", str(table), str(case), "--text", "q1", "--text", "q2", "--id", "rid", "--codebook", "fft",
               "--output", str(out)).exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    tab = [(r["rid"], r["q1"], r["q2"], r["question"]) for r in rows if r["source"] == "mix.csv"]
    assert tab == [("1", "Staff lovely", "Parking bad", "q1"), ("1", "Staff lovely", "Parking bad", "q2"),
                   ("2", "   ", "Food cold", "q2")]
    narrative = [r for r in rows if r["source"] == "case.txt"]
    assert narrative and all(r["rid"] is None and r["q1"] is None and r["q2"] is None for r in narrative)


def test_the_rows_kept_for_the_output_wait_beside_the_store_and_are_deleted(cli, tmp_path, db_path, monkeypatch):
    """The cells kept for the output file go to a folder beside the store (not the system's temporary folder,
    which can be held in memory), and nothing of them is left once the command ends."""
    import evalnlp.store as store_module

    seen = []
    real = store_module.Store.remember_rows

    def spy(self, source, frame, rows):
        real(self, source, frame, rows)
        seen.append(self._row_dir)

    monkeypatch.setattr(store_module.Store, "remember_rows", spy)
    path = tmp_path / "c.csv"
    path.write_text("rid,comment\n1,Staff were lovely\n", encoding="utf-8")
    assert cli("classify", str(path), "--text", "comment", "--id", "rid", "--codebook", "fft",
               "--output", str(tmp_path / "o.csv")).exit_code == 0
    assert seen and all(Path(d).parent == db_path.resolve().parent for d in seen)
    assert not list(db_path.resolve().parent.glob(".evalnlp-rows-*"))


def test_documents_read_but_not_in_the_output_are_counted(cli, tmp_path, db_path):
    """A report's sources list is stored (its entries resolve the testimonials' markers) but holds no passage to
    code, so its paragraphs are not rows of the output: the run said 9 read and 9 accepted while the file held 6
    rows, with nothing to say why. It now says how many documents read are not in the file, and why."""
    report = tmp_path / "annex.md"
    report.write_text(
        "# Evaluation of the Leading Care Programme\n\n## Findings\n\n"
        "Over 1,200 nurses took part in the programme across three trusts [A1].\n\n"
        "## Annex A. Evidence log\n\nA1. Trust training records, 2019-2022.\n\n"
        "A2. Interviews with ward managers, 2023.\n\n## Annex B. Participant feedback\n\n"
        "A ward manager told the evaluators: \"I finally felt able to challenge consultants when safety was at "
        "stake\" [A2].\n", encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = cli("classify", str(report), "--codebook", "impact", "--output", str(out))
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    with duckdb.connect(str(db_path), read_only=True) as con:
        stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    left = stored - len(rows)
    assert left == 3 and not rows["text"].str.startswith("A1.").any()
    assert f"note: {left} documents read are not in coded.csv: they hold no passage to code" in said
    plain = tmp_path / "plain.csv"
    plain.write_text("id,text\n1,The course was excellent.\n2,Staff were kind.\n", encoding="utf-8")
    quiet = cli("classify", str(plain), "--text", "text", "--output", str(tmp_path / "p.csv"))
    assert "not in p.csv" not in quiet.output  # every document read is a row


def test_a_nul_character_is_left_out_of_a_csv_output_and_said(cli, tmp_path):
    """A Parquet answer holding a NUL character (U+0000, from a program that wrote C strings) was written into the
    CSV output as a zero byte, and evalnlp's own reader then refused the file as binary. The CSV leaves it out and
    classify says how many cells held one; Parquet output keeps it."""
    source = tmp_path / "in.parquet"
    pd.DataFrame({"id": ["1", "2"], "text": ["Great care\x00 from the team", "Long wait"]}).to_parquet(source)
    result = cli("classify", str(source), "--text", "text", "--output", str(tmp_path / "out.csv"))
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "note: 2 cells held a NUL character (U+0000), which a text file cannot hold: written to out.csv" in said
    assert b"\x00" not in (tmp_path / "out.csv").read_bytes()
    back = cli("--db", str(tmp_path / "again.duckdb"), "-q", "ingest", str(tmp_path / "out.csv"), "--text", "text")
    assert back.exit_code == 0, back.output
    kept = cli("classify", str(source), "--text", "text", "--output", str(tmp_path / "out.parquet"))
    assert kept.exit_code == 0 and "NUL" not in kept.output
    written = pd.read_parquet(tmp_path / "out.parquet")
    assert sum(written[c].str.contains("\x00").sum() for c in ("text", "evalnlp_text")) == 2  # the input's, and ours


def test_evalnlp_columns_written_under_another_name_are_said(cli, tmp_path):
    """A trust's export with the staff's codes in `themes` and the criticality score in `sentiment` (and an
    `evalnlp_themes` column of an earlier round) was written with evalnlp's themes as `evalnlp_themes_2` and its
    sentiment as `evalnlp_sentiment` without a word, so the analyst read the staff's codes in `themes` as
    evalnlp's. classify names each column it wrote under another name; a file without such a column hears
    nothing of it."""
    source = tmp_path / "fft_staff.csv"
    pd.DataFrame({"comment_id": ["0001", "0002"], "feedback": ["The nurses were kind", "Parking cost me \u00a34"],
                  "themes": ["Staff", "Access"], "sentiment": ["3", "-2"],
                  "evalnlp_themes": ["staff", "access"]}).to_csv(source, index=False)
    out = tmp_path / "coded.xlsx"
    result = cli("classify", str(source), "--text", "feedback", "--id", "comment_id", "--codebook", "fft",
                 "--output", str(out))
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    coded = pd.read_excel(out, dtype=str, keep_default_na=False)
    assert coded[["themes", "sentiment", "evalnlp_themes"]].values.tolist() == [["Staff", "3", "staff"],
                                                                              ["Access", "-2", "access"]]
    assert set(coded["evalnlp_themes_2"]) <= set(FFT_IDS) and set(coded["evalnlp_sentiment"]) <= SENTIMENTS
    assert ("coded.xlsx: the input has columns named 'themes' and 'sentiment' of its own, which keep their names "
            "and values: evalnlp's are written as 'evalnlp_themes_2' and 'evalnlp_sentiment'") in said
    plain = tmp_path / "plain.csv"
    pd.DataFrame({"feedback": ["Kind staff"]}).to_csv(plain, index=False)
    quiet = cli("classify", str(plain), "--text", "feedback", "--codebook", "fft", "--output", str(tmp_path / "p.csv"))
    assert quiet.exit_code == 0 and "of its own" not in quiet.output


def test_passages_not_in_english_or_without_words_get_no_theme_and_no_sentiment(cli, tmp_path, db_path):
    """The coders read English only: a Welsh, Polish or Urdu answer, an emoji or a number got a theme (fft requires
    one) and a stance ("Roedd y toiledau yn fudr", the toilets were dirty: care received, positive). They are
    kept as rows and coded with no theme and no sentiment, and classify says how many."""
    path = tmp_path / "cymraeg.csv"
    pd.DataFrame({"id": ["W1", "W2", "P1", "U1", "E1", "N1", "A1", "A2"], "feedback": [
        "Roedd y toiledau yn fudr", "Staff yn garedig iawn", "Czekałem za długo na wizytę", "انتظار بہت لمبا تھا",
        "😊", "10", "The nurses were kind and explained everything clearly.",
        "Staff yn garedig iawn but the waiting time was awful"]}).to_csv(path, index=False)
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "feedback", "--id", "id", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "4 passages look not to be in English" in said and "2 passages have no word to read" in said
    assert "no theme: 6 of 8 passages" in said
    coded = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("id")
    assert len(coded) == 8 and coded.loc["W1", "feedback"] == "Roedd y toiledau yn fudr"
    for unread in ("W1", "W2", "P1", "U1", "E1", "N1"):
        assert (coded.loc[unread, "themes"], coded.loc[unread, "sentiment"]) == ("", ""), unread
    for read in ("A1", "A2"):  # English, and English mixed with Welsh, are coded as before
        assert coded.loc[read, "themes"] in FFT_IDS and coded.loc[read, "sentiment"] in SENTIMENTS, read
    # the store records each one, and a theme's share is of the 2 passages read, not of the 8
    from evalnlp.store import Store

    with Store(db_path, read_only=True) as store:
        marks = store.table("unread").merge(store.table("segments")[["seg_id", "text"]], on="seg_id")
    assert sorted(marks["kind"]) == ["no_words"] * 2 + ["not_english"] * 4
    assert set(marks["text"]) == {"Roedd y toiledau yn fudr", "Staff yn garedig iawn", "Czekałem za długo na wizytę",
                                  "انتظار بہت لمبا تھا", "😊", "10"}
    assert "(shares of the 2 it could read)" in said
    # each theme of the two English answers is 1 or 2 of the 2 read (50.0% or 100.0%), never of all 8 (12.5%, 25.0%)
    for theme, k in coded.loc[["A1", "A2"], "themes"].value_counts().items():
        assert f"{k / 2:.1%}" in said and f"{k / 8:.1%}" not in said, theme
