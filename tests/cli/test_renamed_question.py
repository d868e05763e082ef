"""A text column renamed between monthly exports: January's "What could be improved?" is March's "What could we
improve?". Read as they are, the months' answers are two questions, which evidence counts apart; ingest says so,
naming both, and --question stores a column's answers under the question named (real DuckDB stores throughout)."""

from __future__ import annotations

import json
import warnings

import duckdb
import pytest

import evalnlp
from evalnlp.errors import EvalnlpWarning

OLD, NEW = "What could be improved?", "What could we improve?"


def flat(text: str) -> str:
    return " ".join(text.split())


def write(path, header: list[str], rows: list[list[str]]):
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def months(tmp_path):
    jan = write(tmp_path / "jan.csv", ["id", "ward", OLD], [["1", "A", "The waiting time was too long."],
                                                            ["2", "B", "More parking spaces please."],
                                                            ["3", "A", "Staff were rushed at night."]])
    mar = write(tmp_path / "mar.csv", ["id", "ward", NEW], [["7", "A", "Food could be warmer."],
                                                            ["8", "B", "Shorter waits in the clinic."]])
    return jan, mar


def questions(db_path) -> list[tuple[str, str, int]]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT source, question, count(*) FROM documents GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()


RENAMED = (f"warning: mar.csv: its column {NEW!r} takes the place of {OLD!r} in 'jan.csv', whose other columns it "
           f"has too, so their answers are stored under two questions, {NEW!r} and {OLD!r}, which `evalnlp evidence "
           f"--by question` counts apart. If it is the same question renamed, read the file again with --question "
           f"'{OLD}' --replace to store its answers under {OLD!r} in place of these")


def test_a_renamed_column_is_told_and_question_stores_its_answers_under_the_earlier_question(cli, db_path, months):
    jan, mar = months
    first = cli("ingest", str(jan), "--text", OLD, "--id", "id")
    assert first.exit_code == 0 and "takes the place" not in first.output
    result = cli("ingest", str(mar), "--text", NEW, "--id", "id")
    assert result.exit_code == 0
    assert flat(result.stderr).count(RENAMED) == 1
    assert questions(db_path) == [("jan.csv", OLD, 3), ("mar.csv", NEW, 2)]
    # the way the note says: March's answers go under January's question, in place of those stored under its own
    merged = cli("ingest", str(mar), "--text", NEW, "--id", "id", "--question", OLD, "--replace")
    assert merged.exit_code == 0 and "takes the place" not in merged.output
    assert "2 documents removed, 0 kept, 2 added" in flat(merged.output)
    assert questions(db_path) == [("jan.csv", OLD, 3), ("mar.csv", OLD, 2)]
    assert cli("classify", "--codebook", "fft", "--model", "keyword", "--no-sentiment").exit_code == 0
    out = cli("evidence", "--by", "question", "--format", "json")
    assert out.exit_code == 0
    matrix = json.loads(out.stdout)["matrices"]["question"]
    assert {row["group"] for row in matrix} == {OLD}


def test_a_later_export_with_the_new_column_is_told_the_question_it_was_read_as(cli, db_path, tmp_path, months):
    """After March was read as January's question, May (March's columns) is told that question, not January's
    column."""
    jan, mar = months
    cli("ingest", str(jan), "--text", OLD, "--id", "id")
    cli("ingest", str(mar), "--text", NEW, "--id", "id", "--question", OLD)
    may = write(tmp_path / "may.csv", ["id", "ward", NEW], [["11", "C", "Quieter nights."]])
    result = cli("ingest", str(may), "--text", NEW, "--id", "id")
    assert result.exit_code == 0
    assert (f"warning: may.csv: its column {NEW!r} is stored under its own name as a question, {NEW!r}, where "
            f"'mar.csv' stored its column of that name under {OLD!r}, so `evalnlp evidence --by question` counts "
            f"their answers apart. To count them as one, read the file again with --question '{OLD}' --replace"
            ) in flat(result.stderr)
    assert cli("ingest", str(may), "--text", NEW, "--id", "id", "--question", OLD, "--replace").exit_code == 0
    assert {q for _, q, _ in questions(db_path)} == {OLD}


def test_without_replace_the_reread_keeps_both_and_says_so(cli, db_path, months):
    jan, mar = months
    cli("ingest", str(jan), "--text", OLD, "--id", "id")
    cli("ingest", str(mar), "--text", NEW, "--id", "id")
    again = cli("ingest", str(mar), "--text", NEW, "--id", "id", "--question", OLD)
    assert again.exit_code == 0
    assert "not among this one's answers" in flat(again.stderr) and "--replace" in flat(again.stderr)
    assert questions(db_path) == [("jan.csv", OLD, 3), ("mar.csv", OLD, 2), ("mar.csv", NEW, 2)]


def test_classify_of_the_renamed_file_tells_it_too(cli, db_path, months):
    jan, mar = months
    assert cli("ingest", str(jan), "--text", OLD, "--id", "id").exit_code == 0
    result = cli("classify", str(mar), "--text", NEW, "--id", "id", "--codebook", "fft", "--model", "keyword",
                 "--no-sentiment")
    assert result.exit_code == 0 and flat(result.stderr).count(RENAMED) == 1
    again = cli("classify", str(mar), "--text", NEW, "--id", "id", "--question", OLD, "--replace", "--codebook",
                "fft", "--model", "keyword", "--no-sentiment")
    assert again.exit_code == 0 and questions(db_path) == [("jan.csv", OLD, 3), ("mar.csv", OLD, 2)]


def test_a_read_in_one_command_after_another_file_of_the_command_is_told(cli, db_path, tmp_path, months):
    """Two sites' March files in one command, after January: each says it (an earlier file of the same command is
    no earlier table, but the store's other answers are all to January's question)."""
    jan, mar = months
    cli("ingest", str(jan), "--text", OLD, "--id", "id")
    other = write(tmp_path / "mar_site_b.csv", ["id", "ward", NEW], [["9", "C", "Nothing to add."]])
    result = cli("ingest", str(mar), str(other), "--text", NEW, "--id", "id")
    assert result.exit_code == 0
    said = flat(result.stderr)
    assert said.count(RENAMED) == 1  # the first: the same columns as January's
    # the second: its question is March's, which the first file of the command already holds: nothing to say
    assert "mar_site_b.csv: its" not in said


def test_two_renamed_columns_are_paired_in_the_files_order(cli, db_path, tmp_path):
    jan = write(tmp_path / "jan.csv", ["id", "What was good?", OLD], [["1", "Kind staff.", "Parking."]])
    mar = write(tmp_path / "mar.csv", ["id", "What went well?", NEW], [["7", "Clean ward.", "Waiting."]])
    cli("ingest", str(jan), "--text", "What was good?", "--text", OLD, "--id", "id")
    result = cli("ingest", str(mar), "--text", NEW, "--text", "What went well?", "--id", "id")
    assert result.exit_code == 0
    said = flat(result.stderr)
    assert "its column 'What went well?' takes the place of 'What was good?' in 'jan.csv'" in said
    assert f"its column {NEW!r} takes the place of {OLD!r} in 'jan.csv'" in said
    assert (f"read the file again with --question once per --text column, in their order, {OLD!r} for {NEW!r}, "
            "and --replace") in said
    merged = cli("ingest", str(mar), "--text", NEW, "--text", "What went well?", "--id", "id",
                 "--question", OLD, "--question", "What was good?", "--replace")
    assert merged.exit_code == 0
    assert {q for _, q, _ in questions(db_path)} == {OLD, "What was good?"}


def test_a_file_of_other_columns_in_a_store_of_one_question_gets_a_note_not_a_warning(cli, db_path, tmp_path, months):
    jan, _ = months
    cli("ingest", str(jan), "--text", OLD, "--id", "id")
    other = write(tmp_path / "survey_q2.csv", ["respondent", "site", NEW], [["r1", "X", "More chairs."]])
    result = cli("ingest", str(other), "--text", NEW)
    assert result.exit_code == 0
    said = flat(result.stderr)
    assert "warning:" not in said
    assert (f"note: survey_q2.csv: its answers are stored under the question {NEW!r}, and every other answer in the "
            f"store under {OLD!r} (from 'jan.csv' and any other file read), so `evalnlp evidence --by question` "
            f"counts them as two questions. If it is the same question renamed, read the file again with "
            f"--question '{OLD}' --replace") in said


def test_the_note_is_not_printed_with_quiet(cli, db_path, tmp_path, months):
    jan, _ = months
    cli("ingest", str(jan), "--text", OLD, "--id", "id")
    other = write(tmp_path / "survey_q2.csv", ["respondent", "site", NEW], [["r1", "X", "More chairs."]])
    quiet = cli("-q", "ingest", str(other), "--text", NEW)
    assert quiet.exit_code == 0 and quiet.stderr.strip() == ""
    assert questions(db_path) == [("jan.csv", OLD, 3), ("survey_q2.csv", NEW, 1)]


def test_no_note_where_nothing_was_renamed(cli, db_path, tmp_path, months):
    jan, _ = months
    assert "takes the place" not in flat(cli("ingest", str(jan), "--text", OLD, "--id", "id").stderr)
    assert flat(cli("ingest", str(jan), "--text", OLD, "--id", "id").stderr) == ""  # a re-read adds nothing
    feb = write(tmp_path / "feb.csv", ["id", "ward", OLD], [["4", "C", "The signs were confusing."]])
    assert "question" not in flat(cli("ingest", str(feb), "--text", OLD, "--id", "id").stderr)
    # a survey of two questions, then a file with a third: which of the two it might replace, nothing tells
    both = write(tmp_path / "both.csv", ["id", "What was good?", "Anything else?"], [["1", "Tea.", "No."]])
    assert cli("ingest", str(both), "--text", "What was good?", "--text", "Anything else?").exit_code == 0
    third = write(tmp_path / "third.csv", ["code", NEW], [["z", "Lighting."]])
    assert "question" not in flat(cli("ingest", str(third), "--text", NEW).stderr)


@pytest.mark.parametrize("args, said", [
    (["--text", NEW, "--question", OLD, "--question", "Another"], "[E130] --question names the question of each "
     "--text column, in their order; got 2 name(s) for 1 column(s)"),
    (["--text", NEW, "--question", ""], "[E130] --question must be a question's name; got ''"),
    (["--text", NEW, "--text", "ward", "--question", OLD, "--question", OLD],
     f"[E130] --question gives the name {OLD!r} to two text columns, {NEW!r} and 'ward'"),
])
def test_question_names_that_cannot_be_used_are_refused_before_anything_is_stored(cli, db_path, months, snapshot,
                                                                                  args, said):
    jan, mar = months
    cli("ingest", str(jan), "--text", OLD, "--id", "id")
    before = snapshot(db_path)
    result = cli("ingest", str(mar), *args)
    assert result.exit_code == 1 and said in flat(result.stderr)
    assert snapshot(db_path) == before


def test_question_goes_with_the_files_classify_reads(cli, months):
    result = cli("classify", "--question", OLD, "--codebook", "fft")
    assert result.exit_code == 2 and "--question" in result.output


def test_question_does_not_apply_to_a_narrative_file(cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("The programme trained forty ward sisters.\n", encoding="utf-8")
    result = cli("ingest", str(notes), "--question", OLD)
    assert result.exit_code == 0
    assert "notes.txt: --question does not apply (a narrative file is read by its paragraphs)" in flat(result.output)


def test_help_names_the_option(runner):
    from evalnlp.cli import app

    for command in ("ingest", "classify"):
        out = runner.invoke(app, [command, "--help"], terminal_width=200)
        assert out.exit_code == 0 and "--question" in out.stdout and "NAME" in out.stdout


def test_the_python_api_names_the_keyword_and_records_the_names(tmp_path, months):
    jan, mar = months
    with evalnlp.open(tmp_path / "p.duckdb") as p:
        p.ingest(jan, text=OLD, id="id")
        with pytest.warns(EvalnlpWarning) as record:
            result = p.ingest(mar, text=NEW, id="id")
        said = [str(w.message) for w in record if "takes the place" in str(w.message)]
        assert said == result.notes[:1] and said[0].endswith(
            f"read the file again with question={OLD!r}, replace=True to store its answers under {OLD!r} in place "
            "of these")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", EvalnlpWarning)
            merged = p.ingest(mar, text=NEW, id="id", question=OLD, replace=True)
        assert merged.files[0].questions == {NEW: OLD} and merged.files[0].question_renamed == []
        assert sorted(set(p.documents()["question"])) == [OLD]
        args = p.runs().iloc[-1]["args"]
    assert args["question"] == [OLD] and args["per_file"][0]["questions"] == {NEW: OLD}


def test_both_names_given_to_one_command_are_told_to_go_file_by_file(cli, db_path, months, snapshot):
    """A folder of exports whose text column was renamed, read in one command with both names: every --text
    column is read from every file, so January lacks March's name. The error suggested a column the command
    already names ("Did you mean 'What could be improved?'"); it now says why, and what to run instead."""
    jan, mar = months
    before = snapshot(db_path)
    result = cli("ingest", str(jan), str(mar), "--text", OLD, "--text", NEW, "--id", "id")
    assert result.exit_code == 1
    said = flat(result.output)
    assert f"[E132] jan.csv: no column named {NEW!r}" in said
    assert "Did you mean" not in said
    assert (f"Each --text column is read from every file, and this one has {OLD!r} but not {NEW!r}: read the files "
            "whose text columns differ in separate commands, each with the column it has (--question NAME stores "
            "their answers under one question).") in said
    assert snapshot(db_path) == before
    # one name missing from a file that has none of the others keeps the plain suggestion
    alone = cli("ingest", str(mar), "--text", "What could be improvd?", "--id", "id")
    assert alone.exit_code == 1 and f"Did you mean {NEW!r}?" in flat(alone.output)
