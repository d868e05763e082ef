"""`evalnlp export`, `evalnlp import` and `evalnlp codebook import`: exit codes, messages, files, and a store
left as it was when a file is refused."""

from __future__ import annotations

import zipfile

import pytest
from qda_helpers import CODEBOOK_YAML, foreign_members, foreign_project_xml, golden, write_zip


@pytest.fixture
def coded_db(db_path):
    """The golden corpus in the test's store (closed again, for the CLI to open)."""
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    with Store(db_path) as store:
        golden.build_store(store, load_codebook("impact").theme_ids)
    return db_path


@pytest.fixture
def breakfast(tmp_path):
    path = write_zip(tmp_path / "breakfast.qdpx", foreign_members(foreign_project_xml()))
    codebook = tmp_path / "breakfast.yaml"
    codebook.write_text(CODEBOOK_YAML, encoding="utf-8")
    return path, codebook


def test_export_project_and_codebook(cli, coded_db, tmp_path):
    result = cli("export", str(tmp_path / "out.qdpx"))
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    # the case study's two paragraphs are one source, its file's: the count says so
    assert ": 13 sources (12 answers, 1 narrative file of 2 documents), " in said, said
    assert "model:fixture@000000" in said
    assert zipfile.is_zipfile(tmp_path / "out.qdpx")
    result = cli("export", str(tmp_path / "themes.qdc"))
    assert result.exit_code == 0 and "codebook 'impact' with 10 themes" in result.stdout


def test_export_says_one_coder_and_one_source_in_the_singular(cli, tmp_path):
    """A store coded by one model said "by 1 coders"."""
    survey = tmp_path / "survey.csv"
    survey.write_text("answer\nThe mentoring built my confidence to lead the team.\n", encoding="utf-8")
    assert cli("classify", str(survey), "--text", "answer", "--codebook", "impact", "--model", "keyword").exit_code == 0
    said = " ".join(cli("export", str(tmp_path / "out.qdpx")).stdout.split())
    assert ": 1 source (1 answer), 1 passage, 1 of them with a code " in said, said
    assert ") by 1 coder: model:keyword@" in said and " (1 passage, 1 with a code)" in said, said


def test_export_and_import_say_the_same_passages_of_each_coder(cli, runner, coded_db, tmp_path):
    """export said "model:fixture@000000 (15 passages)" and import of the same file into a new store 16: the one
    passage the model gave no theme was counted by import only. Both now say the passages and those with a code."""
    exported = " ".join(cli("export", str(tmp_path / "out.qdpx")).stdout.split())
    assert "17 passages, 15 of them with a code (the text selections), 26 codings" in exported, exported
    assert "human:alex (1 passage, 1 with a code), model:fixture@000000 (16 passages, 15 with a code)" in exported
    from evalnlp.cli import app

    imported = runner.invoke(app, ["--db", str(tmp_path / "new.duckdb"), "import", str(tmp_path / "out.qdpx")])
    assert imported.exit_code == 0, imported.output
    rows = [line.split("│")[1:-1] for line in imported.stdout.splitlines() if line.startswith("│")]
    assert [[c.strip() for c in row] for row in rows] == [["human:alex", "1", "1", "1"],
                                                          ["model:fixture@000000", "16", "15", "25"]]
    assert "with a code" in imported.stdout.splitlines()[2]
    assert "17 passages (17 new), 15 of them with a code" in " ".join(imported.stdout.split())


def test_export_counts_the_superseded_versions_of_a_file_read_twice(cli, tmp_path):
    """A text read again after its second paragraph changed: one narrative file of three documents in its text, and
    the earlier version of the paragraph counted apart, with a note naming the file and the place."""
    report = tmp_path / "report.txt"
    report.write_text("The programme opened doors.\n\nStaff gained confidence.\n\nThird.\n", encoding="utf-8")
    model = ("--codebook", "impact", "--model", "keyword")
    assert cli("classify", str(report), *model).exit_code == 0
    report.write_text("The programme opened doors.\n\nStaff gained confidence to lead.\n\nThird.\n", encoding="utf-8")
    assert cli("classify", str(report), *model).exit_code == 0
    result = cli("export", str(tmp_path / "out.qdpx"))
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert (": 1 source (1 narrative file of 3 documents, and 1 superseded version of their paragraphs left out of "
            "the text), ") in said, said
    assert "not in the text: report.txt (paragraph 2) (read the file with --replace to keep only" in said, said


def test_export_codebook_needs_no_store(runner, tmp_path):
    from evalnlp.cli import app

    db = tmp_path / "none.duckdb"
    result = runner.invoke(app, ["--db", str(db), "export", str(tmp_path / "fft.qdc"), "--codebook", "fft"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fft.qdc").exists() and not db.exists()


OWN_CODEBOOK = """id: healthy_steps
themes:
  - id: walking
    label: Walking more
    definition: The participant walks more than before.
    keywords: [walk]
  - id: eating
    label: Eating well
    definition: The participant eats differently.
    parent: walking
    keywords: [eat]
"""


def test_export_codebook_by_the_id_of_a_users_codebook_the_store_coded_with(cli, tmp_path):
    """`--codebook healthy_steps` works in every command of a store coded with it, as the README says; `export
    FILE.qdc` tried it as a shipped id or a file only and stopped with E201."""
    own = tmp_path / "own.yaml"
    own.write_text(OWN_CODEBOOK, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text("answer\nI walk to work now.\n", encoding="utf-8")
    assert cli("classify", str(survey), "--text", "answer", "--codebook", str(own), "--model", "keyword").exit_code == 0
    out = tmp_path / "own.qdc"
    result = cli("export", str(out), "--codebook", "healthy_steps")
    assert result.exit_code == 0, result.output
    assert "codebook 'healthy_steps' with 2 themes" in result.stdout
    assert 'name="Walking more"' in out.read_text(encoding="utf-8")
    result = cli("export", str(tmp_path / "other.qdc"), "--codebook", "no_such_codebook")
    assert result.exit_code == 1 and "[E201]" in result.output


def test_export_errors(cli, runner, coded_db, tmp_path):
    from evalnlp.cli import app

    result = cli("export", str(tmp_path / "out.zip"))
    assert result.exit_code == 1 and "[E120]" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["--db", str(tmp_path / "missing.duckdb"), "export", str(tmp_path / "x.qdpx")])
    assert result.exit_code == 1 and "[E404]" in result.output
    assert runner.invoke(app, ["export"]).exit_code == 2


def test_import_a_project_from_another_program(cli, breakfast):
    path, codebook = breakfast
    result = cli("import", str(path), "--codebook", str(codebook))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "human:Friedrich Markgraf" in out and "human:Sebastian Petrausch" in out
    assert "read 11 = accepted 9 + rejected 2" in out and "written by ATLAS.ti 9.1" in out
    assert "1 notes, 1 sets" in out
    result = cli("runs", "--rejects")
    assert "E143" in result.stdout and "E146" in result.stdout


def test_import_with_one_coder_and_again(cli, breakfast, db_path):
    from evalnlp.store import Store

    path, codebook = breakfast
    assert cli("import", str(path), "--codebook", str(codebook), "--coder", "reviewer").exit_code == 0
    with Store(db_path) as store:
        before = store.table("codes")
    result = cli("import", str(path), "--codebook", str(codebook), "--coder", "reviewer")
    assert result.exit_code == 0 and "3 documents (0 new)" in result.stdout
    with Store(db_path) as store:
        assert set(store.table("codes")["coder"]) == {"human:reviewer"}
        assert store.table("codes").equals(before)


def test_unknown_codes_exit_1_with_a_numbered_list(cli, breakfast, tmp_path, snapshot, db_path):
    path, _ = breakfast
    assert cli("import", str(path), "--new-codebook", str(tmp_path / "first.yaml")).exit_code == 0
    before = snapshot(db_path)
    result = cli("import", str(path), "--codebook", "fft")
    assert result.exit_code == 1
    assert "[E240] 3 codes in breakfast.qdpx are not themes of codebook 'fft'" in result.output
    assert "1. 'happiness'" in result.output and "3. 'Coke::diet Coke' (used in 2 codings)" in result.output
    assert "Traceback" not in result.output
    assert snapshot(db_path) == before


@pytest.mark.parametrize("what, code", [("not a zip", "E122"), ("doctype", "E126"), ("bad xml", "E125"),
                                        ("no project", "E124")])
def test_refused_files_leave_the_store_as_it_was(cli, coded_db, tmp_path, snapshot, what, code):
    path = tmp_path / "bad.qdpx"
    if what == "not a zip":
        path.write_bytes(b"PK\x03\x04 and then nothing")
    elif what == "doctype":
        write_zip(path, {"project.qde": b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY x "y">]><Project/>'})
    elif what == "bad xml":
        write_zip(path, {"project.qde": b"<Project><Sources></Project>"})
    else:
        write_zip(path, {"Sources/a.txt": b"text"})
    before = snapshot(coded_db)
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"[{code}]" in result.output and "Traceback" not in result.output
    assert snapshot(coded_db) == before


def test_new_codebook_is_written_and_valid(cli, breakfast, tmp_path):
    path, _ = breakfast
    out = tmp_path / "codes.yaml"
    result = cli("import", str(path), "--new-codebook", str(out))
    assert result.exit_code == 0, result.output
    assert f"to {out}" in result.stdout
    assert cli("codebook", "validate", str(out)).exit_code == 0
    assert cli("import", str(path), "--new-codebook", str(out), "--codebook", "fft").exit_code == 1
    wrong = cli("import", str(path), "--new-codebook", str(tmp_path / "codes.txt"))
    assert wrong.exit_code == 1 and "[E161] --new-codebook writes the file's codes as a YAML codebook" in wrong.stderr


def test_new_codebook_never_replaces_a_file_already_there(cli, breakfast, tmp_path, snapshot, db_path):
    path, _ = breakfast
    mine = tmp_path / "my_codebook.yaml"
    mine.write_text("# my own notes on the breakfast codes\nid: mine\n", encoding="utf-8")
    before = snapshot(db_path)
    result = cli("import", str(path), "--new-codebook", str(mine))
    assert result.exit_code == 1 and "Traceback" not in result.output
    err = " ".join(result.stderr.split())
    assert f"[E148] {str(mine)!r} is already there, and --new-codebook writes a new codebook, never over a file" in err
    assert mine.read_text(encoding="utf-8") == "# my own notes on the breakfast codes\nid: mine\n"
    assert snapshot(db_path) == before
    # one evalnlp wrote (the person may have edited it since) is not replaced either
    out = tmp_path / "made.yaml"
    assert cli("import", str(path), "--new-codebook", str(out)).exit_code == 0
    written = out.read_bytes()
    again = cli("import", str(path), "--new-codebook", str(out))
    assert again.exit_code == 1 and "[E148]" in again.stderr and out.read_bytes() == written


def test_codebook_import(cli, tmp_path):
    qdc = tmp_path / "impact.qdc"
    assert cli("export", str(qdc), "--codebook", "impact").exit_code == 0
    out = tmp_path / "impact_again.yaml"
    result = cli("codebook", "import", str(qdc), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "codebook 'impact' with 10 themes" in result.stdout
    assert cli("codebook", "validate", str(out)).exit_code == 0
    result = cli("codebook", "import", str(tmp_path / "missing.qdc"), "--out", str(out))
    assert result.exit_code == 1 and "[E121]" in result.output
    assert cli("codebook", "import", str(qdc)).exit_code == 2  # --out is required


def test_codebook_import_to_a_file_that_is_not_yaml_says_so(cli, tmp_path):
    qdc = tmp_path / "fft.qdc"
    assert cli("export", str(qdc), "--codebook", "fft").exit_code == 0
    result = cli("codebook", "import", str(qdc), "--out", str(tmp_path / "x.txt"))
    assert result.exit_code == 1 and "[E161]" in result.stderr and "E128" not in result.stderr
    assert "the output of codebook import is a YAML codebook, so --out must end in .yaml or .yml" in \
        " ".join(result.stderr.split())
    assert not (tmp_path / "x.txt").exists()


def test_codebook_import_refuses_a_file_that_is_not_qdc_or_qdpx_by_its_name(cli, tmp_path):
    page = tmp_path / "r.html"
    page.write_text("<!DOCTYPE html>\n<html><body>a report</body></html>\n", encoding="utf-8")
    result = cli("codebook", "import", str(page), "--out", str(tmp_path / "y.yaml"))
    err = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "[E120] codebook import reads a REFI-QDA codebook (.qdc) or project (.qdpx)" in err
    assert "r.html" in err and "E126" not in err
    # a file named .qdpx is read as a project: not a zip archive, whatever it holds
    fake = tmp_path / "r.qdpx"
    fake.write_bytes(page.read_bytes())
    result = cli("codebook", "import", str(fake), "--out", str(tmp_path / "y.yaml"))
    assert result.exit_code == 1 and "[E122]" in result.stderr and "not a readable zip archive" in result.stderr
    assert not (tmp_path / "y.yaml").exists()


def test_codebook_import_of_a_file_without_codes_names_that_file(cli, tmp_path):
    empty = tmp_path / "empty.qdc"
    empty.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', encoding="utf-8")
    result = cli("codebook", "import", str(empty), "--out", str(tmp_path / "other_name.yaml"))
    assert result.exit_code == 1 and "[E242] empty.qdc has no codes that can be coded" in result.stderr
    assert "other_name" not in result.output and not (tmp_path / "other_name.yaml").exists()


def test_quiet_import_prints_nothing(runner, breakfast, tmp_path):
    from evalnlp.cli import app

    path, codebook = breakfast
    result = runner.invoke(app, ["--quiet", "--db", str(tmp_path / "q.duckdb"), "import", str(path),
                                 "--codebook", str(codebook)])
    assert result.exit_code == 0 and result.stdout == ""
