"""Every bad input through `evalnlp ingest`: exit code 1, a numbered message, no traceback, store untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalnlp.cli import app

CASES = [
    ("empty.csv", "E103"), ("blank.csv", "E103"), ("header_only.csv", "E104"), ("header_only.xlsx", "E104"),
    ("binary.csv", "E105"), ("binary.txt", "E105"), ("undecodable.csv", "E106"), ("undecodable.md", "E106"),
    ("not_zip.xlsx", "E107"), ("bad_zip.xlsx", "E107"), ("truncated.xlsx", "E107"),
    ("not_zip.docx", "E108"), ("truncated.docx", "E108"), ("not_pdf.pdf", "E109"), ("truncated.pdf", "E109"),
    ("malformed.json", "E112"), ("numbers.json", "E113"), ("bad.parquet", "E115"), ("notes.rtf", "E102"),
]


@pytest.fixture
def seeded_store(runner, db_path, tmp_path):
    """A store that already holds one good ingest, so 'untouched' means something."""
    good = tmp_path / "good.csv"
    good.write_text("id,text\n1,The programme helped me lead.\n2,\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db_path), "ingest", str(good), "--text", "text"])
    assert result.exit_code == 0, result.output
    return db_path


def check_refused(runner, db: Path, snapshot, args: list[str], code: str) -> None:
    before = snapshot(db)
    result = runner.invoke(app, ["--db", str(db), "ingest", *args])
    assert result.exit_code == 1, result.output
    assert f"[{code}]" in result.output
    assert "Traceback" not in result.output
    message = result.output.split(f"[{code}]", 1)[1]
    assert len(message) > 60  # says what was expected, what was found and how to fix it
    named = [Path(a).name for a in args if not a.startswith("--")]
    assert any(n in message for n in named)
    assert snapshot(db) == before


@pytest.mark.parametrize(("name", "code"), CASES)
def test_bad_file_is_refused_and_store_untouched(runner, seeded_store, snapshot, bad_files, name, code):
    check_refused(runner, seeded_store, snapshot, [str(bad_files[name]), "--text", "text"], code)


def test_missing_file(runner, seeded_store, snapshot, tmp_path):
    check_refused(runner, seeded_store, snapshot, [str(tmp_path / "nope.csv"), "--text", "text"], "E101")


def test_encrypted_pdf(runner, seeded_store, snapshot, write_pdf):
    pdf = write_pdf([["Confidential evaluation"]], name="locked.pdf", user_password="secret")
    result_before = snapshot(seeded_store)
    result = runner.invoke(app, ["--db", str(seeded_store), "ingest", str(pdf)])
    assert result.exit_code == 1 and "[E111]" in result.output and "password" in result.output
    assert snapshot(seeded_store) == result_before


def test_missing_text_column_lists_columns(runner, seeded_store, snapshot, tmp_path):
    f = tmp_path / "survey.csv"
    f.write_text("Respondent,Comments\n1,good\n", encoding="utf-8")
    before = snapshot(seeded_store)
    result = runner.invoke(app, ["--db", str(seeded_store), "ingest", str(f), "--text", "comment"])
    assert result.exit_code == 1
    assert "[E132]" in result.output and "'Respondent', 'Comments'" in result.output
    assert "Did you mean 'Comments'" in result.output
    assert snapshot(seeded_store) == before


def test_good_file_then_bad_file_in_one_command_writes_nothing(runner, seeded_store, snapshot, bad_files, tmp_path):
    good = tmp_path / "more.csv"
    good.write_text("text\nA new answer.\n", encoding="utf-8")
    check_refused(runner, seeded_store, snapshot, [str(good), str(bad_files["binary.csv"]), "--text", "text"],
                  "E105")


def test_empty_texts_are_rejects_not_errors(runner, db_path, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("text\n \nfine\n\"\"\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db_path), "ingest", str(f), "--text", "text"])
    assert result.exit_code == 0
    assert "n_in 3 = n_ok 1 + n_rejected 2" in result.stdout


def test_a_csv_with_many_title_lines_over_its_header_is_refused_pointing_at_the_header(runner, db_path, tmp_path):
    """A trust's CSV export opening with more title lines than are left out by themselves (three) was refused
    with "The columns found are 'FFT comments export - Trust A'", as if the file had one column: the message
    names the line that holds the column names asked for, and the lines above it to delete. A file whose column
    is nowhere has no such hint."""
    path = tmp_path / "trust_a.csv"
    path.write_bytes("FFT comments export - Trust A\r\nExported on 01/04/2024\r\nBy: Patient Experience Team\r\n"
                     "Filter: all wards\r\n\r\ncomment_id;feedback;ward\r\n"
                     "0001;Kind staff, thank you;W1\r\n0002;\u00a34 to park;W2\r\n".encode("cp1252"))
    result = runner.invoke(app, ["--db", str(db_path), "ingest", str(path), "--text", "feedback"])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "[E132]" in said, said
    assert ("Line 6 holds the column names ('comment_id', 'feedback', 'ward'): the 4 lines above it, "
            "'FFT comments export - Trust A', 'Exported on 01/04/2024', 'By: Patient Experience Team' and "
            "'Filter: all wards', look like a title. Delete them and read the file again") in said
    other = runner.invoke(app, ["--db", str(db_path), "ingest", str(path), "--text", "comments"])
    assert other.exit_code == 1 and "[E132]" in other.output and "holds the column names" not in other.output
    assert not db_path.exists()
