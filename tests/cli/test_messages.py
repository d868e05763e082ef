"""Messages that point the right way: the codebook a store was coded with, the sheet a column is on."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import coded_store

from evalnlp.cli import app

ROWS = [("The nurses were kind and explained everything.", {"ward": "A"}, ["staff"]),
        ("The food was cold and the ward was noisy at night.", {"ward": "B"}, ["environment_facilities"])]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_evidence_for_a_codebook_the_store_was_not_coded_with_names_the_one_it_was(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("evidence", "--codebook", "impact")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert "coded with 'fft', not 'impact'" in err
    assert "--codebook fft" in err and "evalnlp classify --codebook impact" in err
    doc = json.loads(cli("evidence", "--codebook", "impact", "--format", "json").stdout)
    assert any("--codebook fft" in n for n in doc["notes"])


def test_quotes_for_a_codebook_the_store_was_not_coded_with_names_the_one_it_was(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("quotes", "--theme", "capability", "--codebook", "impact")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert "no quotes" in err and "--codebook fft" in err and "evalnlp classify --codebook impact" in err


def test_quotes_for_a_theme_of_another_codebook_says_which(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("quotes", "--theme", "capability")  # the store's latest codebook is fft
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "[E220]" in err and "Theme 'capability' is in codebook 'impact'" in err
    assert "--codebook impact (after `evalnlp classify --codebook impact`)" in err


def test_a_store_coded_with_the_codebook_asked_for_gets_no_note(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("evidence")
    assert result.exit_code == 0 and result.stderr == ""
    result = cli("quotes", "--theme", "staff")
    assert result.exit_code == 0 and result.stderr == ""


def test_nothing_coded_yet_suggests_both_shipped_codebooks(cli, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("text\nThe course was good.\n", encoding="utf-8")
    assert cli("ingest", str(f), "--text", "text").exit_code == 0
    result = cli("evidence")
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "[E408]" in err and "--codebook impact" in err and "--codebook fft" in err


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"Respondent": ["R1", "R2"], "Score": [4, 5]}).to_excel(xl, sheet_name="Scores", index=False)
        pd.DataFrame({"Respondent": ["R1", "R2"], "Comments": ["Good course.", "Too long."],
                      "themes": ["capability", "reach_uptake"]}).to_excel(xl, sheet_name="Answers", index=False)
    return path


def test_a_column_on_another_sheet_names_the_sheet_read_and_the_others(cli, workbook, db_path, snapshot):
    result = cli("ingest", str(workbook), "--text", "Comments")
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "[E132] survey.xlsx, sheet 'Scores' (the first; --sheet picks another): no column named 'Comments'" in err
    assert "The other sheets and their columns are 'Answers': 'Respondent', 'Comments', 'themes'." in err
    assert "Sheet 'Answers' has a column 'Comments': pass --sheet Answers." in err
    from evalnlp import api
    from evalnlp.errors import InputError

    with api.open_store(db_path) as store, pytest.raises(InputError) as raised:  # Python names the keyword
        api.ingest(store, [workbook], text=["Comments"])
    assert "(the first; sheet picks another)" in str(raised.value)
    assert "Sheet 'Answers' has a column 'Comments': pass sheet='Answers'." in str(raised.value)
    assert cli("ingest", str(workbook), "--text", "Comments", "--sheet", "Answers").exit_code == 0


def test_the_sheets_a_read_leaves_out_are_named(cli, workbook, tmp_path):
    """A workbook read by its first sheet (or the one --sheet names) says which other sheets with values were
    not read: two thirds of a quarter's answers are neither documents nor rejects otherwise."""
    with pd.ExcelWriter(tmp_path / "quarter.xlsx") as xl:
        for site in ("Site A", "Site B", "Site C"):
            pd.DataFrame({"id": [f"{site[-1]}1"], "comment": [f"The nurses at {site} were kind."]}) \
                .to_excel(xl, sheet_name=site, index=False)
        pd.DataFrame().to_excel(xl, sheet_name="Empty", index=False)
    result = cli("ingest", str(tmp_path / "quarter.xlsx"), "--text", "comment")
    assert result.exit_code == 0
    said = flat(result.output)
    assert ("quarter.xlsx#Site A: the workbook has 2 other sheets with values, not read: 'Site B', 'Site C' "
            "(--sheet NAME reads one sheet") in said
    result = cli("ingest", str(workbook), "--text", "Comments", "--sheet", "Answers")
    assert result.exit_code == 0 and "1 other sheet with values, not read: 'Scores'" in flat(result.output)


def test_office_lock_files_in_a_folder_or_pattern_are_left_out_and_named(cli, tmp_path):
    """Excel writes ~$NAME.xlsx beside a workbook while it is open (hidden on Windows): a folder or a pattern
    that holds one reads the workbook and names the lock file, instead of refusing the whole read."""
    folder = tmp_path / "exports"
    folder.mkdir()
    pd.DataFrame({"comment": ["The nurses were kind.", "Parking was awful."]}).to_excel(folder / "q3.xlsx",
                                                                                       index=False)
    (folder / "~$q3.xlsx").write_bytes(b"\x0bJo Bloggs" + b" " * 40)  # what Excel leaves: not a workbook
    for named in (str(folder), str(folder / "*.xlsx")):
        result = cli("ingest", named, "--text", "comment")
        assert result.exit_code == 0, result.output
        said = flat(result.output)
        assert "left out" in said and "~$q3.xlsx: a lock file, which Excel and Word write beside a document" in said
    assert cli("ingest", str(folder / "~$q3.xlsx"), "--text", "comment").exit_code == 1  # named alone: E107


def test_files_of_other_kinds_in_a_folder_are_named_not_passed_over(cli, tmp_path):
    """A folder of monthly exports holding a compressed CSV and an old .xls: the files evalnlp reads are read,
    and each of the others is named as left out (before, the months were missing without a word)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2024-01.csv").write_text("comment\nThe nurses were kind.\n", encoding="utf-8")
    (folder / "2024-02.csv.gz").write_bytes(b"\x1f\x8b\x08\x00")
    (folder / "2024-03.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / ".DS_Store").write_bytes(b"\x00")
    result = cli("ingest", str(folder), "--text", "comment")
    assert result.exit_code == 0, result.output
    said = flat(result.output)
    assert "2024-02.csv.gz: evalnlp does not read .gz files" in said
    assert "2024-03.xls: evalnlp does not read .xls files" in said
    assert "DS_Store" not in said and "n_in 1 = n_ok 1" in said


def test_a_store_kept_in_the_folder_read_is_named_as_a_store(runner, tmp_path):
    """A project store kept beside the exports it was made from (``--db exports/project.duckdb``, then ``ingest
    exports``): it and its write-ahead log are left out as a store and its log, not as files of a kind evalnlp
    does not read."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2024-01.csv").write_text("comment\nThe nurses were kind.\n", encoding="utf-8")
    (folder / "old.duckdb.wal").write_bytes(b"\x00")
    store = folder / "project.duckdb"
    result = runner.invoke(app, ["--db", str(store), "ingest", str(folder), "--text", "comment"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", str(store), "ingest", str(folder), "--text", "comment"],
                           catch_exceptions=False)
    said = flat(result.output)
    assert "project.duckdb: a DuckDB database file (a project store such as evalnlp's" in said
    assert "old.duckdb.wal: a DuckDB database file" in said
    assert "evalnlp does not read .duckdb" not in said and "evalnlp does not read .wal" not in said


def test_a_hidden_first_sheet_read_by_default_is_said_to_be_hidden(cli, tmp_path):
    """The first sheet is read by default; when Excel hides it (a stale copy), the person sees another sheet
    and would not know: the output says the sheet read is hidden and names the others."""
    from openpyxl import Workbook

    wb = Workbook()
    old = wb.active
    old.title = "Sheet1"
    old.append(["answer"])
    old.append(["an old answer about parking"])
    old.sheet_state = "hidden"
    new = wb.create_sheet("Survey 2024")
    new.append(["answer"])
    new.append(["The nurses were kind."])
    wb.active = 1
    wb.save(tmp_path / "h.xlsx")
    said = flat(cli("ingest", str(tmp_path / "h.xlsx"), "--text", "answer").output)
    assert "the sheet read (the workbook's first) is hidden in Excel; its other sheets are 'Survey 2024'" in said
    said = flat(cli("ingest", str(tmp_path / "h.xlsx"), "--text", "answer", "--sheet", "Survey 2024").output)
    assert "hidden" not in said


def test_reading_an_evalnlp_output_file_says_what_it_is(cli, tmp_path):
    """A pattern of monthly exports that also matches last month's output file read it as another export,
    storing its answers twice: the output says the file is one evalnlp wrote."""
    from evalnlp.ingest import evalnlp_output_columns

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "2024-01.csv").write_text("id,answer\n1,The nurses were kind.\n", encoding="utf-8")
    assert cli("-q", "classify", str(folder / "*.csv"), "--text", "answer", "--id", "id", "--codebook", "fft",
               "--no-sentiment", "--output", str(folder / "coded.csv")).exit_code == 0
    said = flat(cli("ingest", str(folder / "*.csv"), "--text", "answer", "--id", "id").output)
    assert "coded.csv: its columns (source, locator, themes, score_...) are those of a file evalnlp wrote" in said
    assert "2024-01.csv: its columns" not in said
    assert evalnlp_output_columns(["id", "evalnlp_source", "evalnlp_locator", "evalnlp_themes", "score_staff"])
    assert not evalnlp_output_columns(["id", "source", "locator", "comment"])


def test_a_word_documents_header_and_footer_with_text_are_named_as_not_read(cli, tmp_path):
    """Only a Word document's body (and its footnotes and endnotes) is read: a header or footer (or a comment or
    text box) holding text is counted in the output as not read, instead of its text missing without a word."""
    import docx

    from evalnlp.ingest._documents import read_docx

    document = docx.Document()
    document.add_paragraph("The programme trained 40 ward sisters in 2019.")
    document.sections[0].header.paragraphs[0].text = "Patient feedback: \u201cthe ward sisters were superb\u201d"
    document.sections[0].footer.paragraphs[0].text = "Confidential"
    document.save(tmp_path / "case.docx")
    said = flat(cli("ingest", str(tmp_path / "case.docx")).output)
    assert "case.docx: not read: 1 header, 1 footer (evalnlp reads a Word document's body" in said
    # a warning, so -q still says it (on a store of its own: the same file read again into the first store is not
    # read again, which ingest says instead); extract says it too; the run records it
    quiet = flat(cli("-q", "--db", str(tmp_path / "quiet.duckdb"), "ingest", str(tmp_path / "case.docx")).output)
    assert "warning: case.docx: not read: 1 header, 1 footer" in quiet
    extracted = flat(cli("extract", str(tmp_path / "case.docx")).output)
    assert "warning: case.docx: not read: 1 header, 1 footer" in extracted
    runs = json.loads(cli("runs", "--format", "json").stdout)
    runs = runs["runs"] if isinstance(runs, dict) else runs
    assert runs[0]["args"]["per_file"][0]["unread_parts"] == {"header": 1, "footer": 1}
    plain = docx.Document()
    plain.add_paragraph("Nothing outside the body.")
    plain.save(tmp_path / "plain.docx")
    unread: dict = {}
    assert read_docx(tmp_path / "plain.docx", unread) and unread == {}
    assert "not read" not in flat(cli("ingest", str(tmp_path / "plain.docx")).output)


def test_letters_that_leave_out_the_same_parts_share_one_warning(cli, tmp_path):
    """A folder of letters, each with its letterhead in the page header, gave one warning per letter (a
    screenful for twenty letters): documents that leave out the same parts are named in one warning, by
    ingest and extract alike; a document that leaves out other parts keeps its own."""
    import docx

    folder = tmp_path / "letters"
    folder.mkdir()
    for k in range(7):
        letter = docx.Document()
        letter.sections[0].header.paragraphs[0].text = f"Partner organisation {k}"
        letter.add_paragraph(f"Our staff used the toolkit in {k + 2} schools.")
        letter.save(folder / f"letter_{k}.docx")
    report = docx.Document()
    report.sections[0].footer.paragraphs[0].text = "Confidential"
    report.add_paragraph("The programme trained 40 ward sisters in 2019.")
    report.save(folder / "report.docx")
    for args in (["ingest", str(folder)], ["extract", str(folder)]):
        said = flat(cli(*args).output)
        assert said.count("not read:") == 2, said
        assert ("warning: 7 documents (letter_0.docx, letter_1.docx, letter_2.docx, letter_3.docx, letter_4.docx "
                "and 2 more): not read: 1 header each (evalnlp reads") in said
        assert "warning: report.docx: not read: 1 footer (evalnlp reads" in said


def test_a_table_saved_as_tab_delimited_text_is_refused_with_table_options(cli, tmp_path):
    """Excel's "Text (Tab delimited)" writes .txt: read as narrative, its rows ran together into one passage
    while --text and --id were quietly not used. With table options it is refused (E102), saying to name it
    .tsv, before anything is stored; without them it is read as text, as before."""
    f = tmp_path / "export.txt"
    f.write_text("id\tanswer\tsite\n1\tKind staff\tA\n2\tLong wait in A&E\tB\n", encoding="utf-8")
    result = cli("ingest", str(f), "--text", "answer", "--id", "id")
    assert result.exit_code == 1 and "[E102]" in result.stderr
    assert "--text and --id do not apply" in flat(result.stderr) and ".tsv" in result.stderr
    assert cli("ingest", str(f)).exit_code == 0
    (tmp_path / "export.tsv").write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    assert "n_ok 2" in flat(cli("ingest", str(tmp_path / "export.tsv"), "--text", "answer", "--id", "id").output)


def test_tab_delimited_unicode_text_with_answers_over_several_lines_is_refused_too(cli, tmp_path):
    """Excel's "Unicode Text" (UTF-16, tabs) quotes a cell that holds a line break, so its lines have different
    numbers of tabs; its records do not, and it is refused like any tab-delimited table saved as .txt. Prose
    with a few tabs and quotation marks is still read as text."""
    rows = ["id\tanswer\tward"] + [f"{i}\t{a}\tW{i % 3}" for i, a in enumerate(
        ["Kind staff.", '"Long wait in A&E.\r\nAlso parking was hard."', "Nothing to improve.", "Cold food.",
         '"Great nurses.\r\nThank you."', "Clean ward.", "Noisy at night.", "All good."], start=1)]
    f = tmp_path / "ward_export.txt"
    f.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))
    result = cli("ingest", str(f), "--text", "answer", "--id", "id")
    assert result.exit_code == 1 and "[E102]" in result.stderr
    prose = tmp_path / "notes.txt"
    prose.write_text('The board said "the\tprogramme works".\nIt met\tin May and "again\nin June".\n'
                     "Nothing else was\tnoted.\n", encoding="utf-8")
    assert cli("ingest", str(prose), "--text", "answer").exit_code == 0


def test_a_first_command_that_fails_leaves_no_empty_store_behind(cli, db_path, tmp_path):
    """A typo in the first command's file name used to leave a new, empty store, on which `runs` then showed
    empty tables instead of saying there is no store (E404). A failing command on an existing store leaves it."""
    assert not db_path.exists()
    failed = cli("ingest", str(tmp_path / "jan_exprot.csv"), "--text", "comment")
    assert failed.exit_code == 1 and "[E101]" in failed.output
    assert not db_path.exists() and not Path(str(db_path) + ".wal").exists()
    assert "[E404]" in cli("runs").output
    good = tmp_path / "jan.csv"
    good.write_text("comment\nKind staff.\n", encoding="utf-8")
    assert cli("ingest", str(good), "--text", "comment").exit_code == 0
    assert cli("ingest", str(tmp_path / "feb_exprot.csv"), "--text", "comment").exit_code == 1
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_documents_not_coded_with_the_codebook_are_said_to_be_left_out(cli, tmp_path):
    """A second month ingested and not yet classified used to vanish from evidence and the report without a
    word (n was the first month's); now both say how many documents are left out, from which file, and what
    to run; once classified, the note goes."""
    jan, feb = tmp_path / "jan.csv", tmp_path / "feb.csv"
    jan.write_text("id,comment\n1,Staff were kind.\n2,Long wait to be seen.\n", encoding="utf-8")
    feb.write_text("id,comment\n3,Food was cold.\n4,Lovely nurses.\n5,Parking was awful.\n", encoding="utf-8")
    assert cli("classify", str(jan), "--text", "comment", "--id", "id", "--codebook", "fft").exit_code == 0
    assert cli("ingest", str(feb), "--text", "comment", "--id", "id").exit_code == 0
    said = flat(cli("evidence").output)
    assert ("3 of the 5 documents with passages in the store are not coded with codebook 'fft', so these tables "
            "leave them out; nothing from 'feb.csv' is coded. Run `evalnlp classify --codebook fft`") in said
    report = tmp_path / "r.html"
    assert cli("report", "--output", str(report)).exit_code == 0
    assert "3 of the 5 documents with passages" in report.read_text(encoding="utf-8")
    assert cli("classify", "--codebook", "fft").exit_code == 0
    assert "not coded with" not in flat(cli("evidence").output)


def test_the_reports_heatmap_is_never_by_the_id_column(cli, tmp_path):
    """With two questions each respondent has two documents under one id, so the id column looked like a
    grouping of 2-12 groups and the report drew "Themes by comment_id"; it now takes the next attribute."""
    f = tmp_path / "ward.csv"
    f.write_text("comment_id,good,improve,ward\n101,Staff were kind.,Long wait in clinic.,W1\n"
                 "102,Lovely nurses.,Food was cold.,W1\n103,Clean ward.,Parking is awful.,W2\n"
                 "104,Friendly doctor.,Nothing to improve.,W2\n", encoding="utf-8")
    assert cli("classify", str(f), "--text", "good", "--text", "improve", "--id", "comment_id",
               "--codebook", "fft").exit_code == 0
    out = tmp_path / "r.html"
    assert cli("report", "--output", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "Themes by ward" in html and "Themes by comment_id" not in html
    assert cli("report", "--output", str(out), "--by", "comment_id").exit_code == 0  # asked for: drawn
    assert "Themes by comment_id" in out.read_text(encoding="utf-8")


def test_a_unit_that_cannot_apply_to_answers_stored_before_is_said(cli, tmp_path):
    """Answers read before as whole answers keep their passages: ``--unit sentence`` on the same file again
    coded whole answers without a word; now the output says so and how to code sentences."""
    f = tmp_path / "s.csv"
    f.write_text("id,answer\n1,The nurses were kind. The food was cold.\n2,Parking was awful.\n", encoding="utf-8")
    assert cli("ingest", str(f), "--text", "answer", "--id", "id").exit_code == 0
    again = flat(cli("ingest", str(f), "--text", "answer", "--id", "id").output)
    assert "stay so" not in again
    said = flat(cli("ingest", str(f), "--text", "answer", "--id", "id", "--unit", "sentence").output)
    assert "s.csv: 2 of its answers were stored before, split into whole answers, and stay so: --unit " \
           "sentence applies to answers read for the first time" in said


def test_a_json_wrappers_other_members_are_named_as_not_read(cli, tmp_path):
    f = tmp_path / "w.json"
    f.write_text('{"survey": "FFT Ward 7", "period": "2024-03", "responses": [{"answer": "Kind staff"}]}',
                 encoding="utf-8")
    said = flat(cli("ingest", str(f), "--text", "answer").output)
    assert "w.json: the members of its top-level object beside the array of rows are not read: 'survey', " \
           "'period'" in said and "n_ok 1" in said


def test_a_file_whose_rows_are_all_rejected_is_said_to_give_nothing(cli, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("id,answer,site\n1,Kind staff,A,\n2,Long wait,B,\n", encoding="utf-8")
    result = cli("ingest", str(f), "--text", "answer")
    assert result.exit_code == 0
    assert "t.csv: every one of its 2 rows was rejected, so nothing from it is stored" in flat(result.stderr)
    g = tmp_path / "g.csv"
    g.write_text("id,answer\n1,Kind staff\n", encoding="utf-8")
    assert "every one" not in flat(cli("ingest", str(g), "--text", "answer").stderr)


def test_a_title_row_above_a_sheets_column_names_is_read_as_its_title(cli, tmp_path):
    """A sheet with its title in the first row ("Friends and Family Test - Ward 7") could not be read: the
    title was taken for the only column. One cell of text over a row of column names is the title."""
    from openpyxl import Workbook

    from evalnlp.ingest._xlsx import sheet_headers

    wb = Workbook()
    ws = wb.active
    ws.title = "FFT"
    ws.append(["Friends and Family Test - Ward 7 - March 2024"])
    ws.append([])
    ws.append(["id", "answer"])
    ws.append([1, "The nurses were kind."])
    ws.append([2, "Parking was awful."])
    wb.save(tmp_path / "t.xlsx")
    result = cli("ingest", str(tmp_path / "t.xlsx"), "--text", "answer", "--id", "id")
    assert result.exit_code == 0, result.output
    said = flat(result.output)
    assert "the first row, 'Friends and Family Test - Ward 7 - March 2024', is read as the sheet's title" in said
    assert "and row 3 as the column names" in said  # the blank row between is not the header
    assert "n_ok 2" in said and sheet_headers(tmp_path / "t.xlsx") == {"FFT": ["id", "answer"]}


def test_title_lines_over_a_csv_files_column_names_are_its_title_and_said(cli, tmp_path):
    """A CSV export opening with a report title and an "Exported on" line was E132 with the title as its only
    column; read from the line that names the columns asked for, the output says which lines were left out as
    the file's title, and the run counts the answers under the header only."""
    path = tmp_path / "trust_a.csv"
    path.write_text("NHS Trust X - Friends and Family Test\nExported 05/01/2024 09:30\nid,comment,ward\n"
                    "1,The nurses were kind.,W1\n2,Parking was awful.,W2\n", encoding="utf-8")
    result = cli("ingest", str(path), "--text", "comment", "--id", "id")
    assert result.exit_code == 0, result.output
    said = flat(result.output)
    assert ("trust_a.csv: the first 2 lines, 'NHS Trust X - Friends and Family Test / Exported 05/01/2024 09:30', "
            "are read as the file's title, and line 3 as the column names") in said
    assert "n_in 2 = n_ok 2 + n_rejected 0" in said


def test_two_title_rows_over_a_sheets_column_names_are_its_title(cli, tmp_path):
    """An export with a title and an "Exported on ..." line over its column names could not be read (E132
    offered 'column_6'); up to three lines of one cell of text over a row of column names are the title. A sheet
    of one column keeps its first row as the header."""
    from openpyxl import Workbook

    from evalnlp.ingest._xlsx import sheet_headers

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["NHS Trust X - Friends and Family Test"])
    ws.append(["Exported 05/01/2024 09:30"])
    ws.append(["id", "comment", "ward"])
    ws.append([1, "The nurses were kind.", "W1"])
    ws.append([2, "Parking was awful.", "W2"])
    wb.save(tmp_path / "t.xlsx")
    result = cli("ingest", str(tmp_path / "t.xlsx"), "--text", "comment", "--id", "id")
    assert result.exit_code == 0, result.output
    said = flat(result.output)
    assert ("the first 2 rows, 'NHS Trust X - Friends and Family Test / Exported 05/01/2024 09:30', are read as "
            "the sheet's title, and row 3 as the column names") in said
    assert "n_ok 2" in said and sheet_headers(tmp_path / "t.xlsx") == {"Data": ["id", "comment", "ward"]}
    one = Workbook()
    one.active.title = "Answers"
    for value in ("comment", "Kind staff.", "Long wait.", "Cold food.", "Lovely ward."):
        one.active.append([value])
    one.save(tmp_path / "one.xlsx")
    result = cli("ingest", str(tmp_path / "one.xlsx"), "--text", "comment")
    assert result.exit_code == 0 and "n_ok 4" in flat(result.output) and "title" not in flat(result.output)
    assert sheet_headers(tmp_path / "one.xlsx") == {"Answers": ["comment"]}


def test_merged_cells_down_a_column_are_named(cli, tmp_path):
    """A ward merged down over its respondents' rows gave the ward to the first row only, and evidence by ward
    counted the others as missing without a word: the output names the merged cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["ward", "answer"])
    for ward, answer in [("Ward 7", "Kind staff"), (None, "Long wait"), (None, "Cold food"), ("Ward 9", "Lovely")]:
        ws.append([ward, answer])
    ws.merge_cells("A2:A4")
    ws.merge_cells("B5:C5")  # across columns only: nothing to say
    wb.save(tmp_path / "m.xlsx")
    said = flat(cli("ingest", str(tmp_path / "m.xlsx"), "--text", "answer", "--meta", "ward").output)
    assert "1 merged cell spans several rows (A2:A4): Excel shows the value on each row" in said


def test_a_column_on_no_sheet_lists_the_sheets_and_suggests_sheet(cli, workbook):
    result = cli("ingest", str(workbook), "--text", "Comment", "--sheet", "Answers")
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "survey.xlsx, sheet 'Answers': no column named 'Comment'" in err and "Did you mean 'Comments'?" in err
    assert "'Scores': 'Respondent', 'Score'" in err and "Pass --sheet NAME to read another sheet." in err


def test_training_files_get_the_same_sheet_message(runner, workbook, tmp_path):
    result = runner.invoke(app, ["train", str(workbook), "--text", "Comments", "--labels-column", "themes",
                                 "--out", str(tmp_path / "model")])
    assert result.exit_code == 1
    assert "Sheet 'Answers' has a column 'Comments'" in flat(result.stderr)


def test_a_csv_missing_column_message_is_unchanged(cli, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("Respondent,Comments\nR1,fine\n", encoding="utf-8")
    result = cli("ingest", str(f), "--text", "Comment")
    assert result.exit_code == 1
    assert flat(result.stderr) == ("error [E132] a.csv: no column named 'Comment'. The columns found are "
                                   "'Respondent', 'Comments'. Did you mean 'Comments'?")


def test_several_columns_after_one_labels_flag_are_told_to_repeat_the_flag(cli, tmp_path):
    """`--labels a b c` (one 0/1 column per theme, as a list) met Click's bare "unexpected extra arguments",
    which never said that the flag takes one column each time."""
    path = tmp_path / "coded.csv"
    pd.DataFrame({"answer": ["We meet the council monthly.", "Our staff run the course."],
                  "relationships": [1, 0], "capability": [0, 1]}).to_csv(path, index=False)
    for command in (("train", str(path), "--out", str(tmp_path / "m")), ("evaluate", str(path), "--codebook", "impact"),
                    ("codes", "import", str(path), "--coder", "ann")):
        result = cli(*command, "--text", "answer", "--labels", "relationships", "capability")
        said = " ".join(result.output.replace("\u2502", " ").split())  # the error box's side lines left out
        assert result.exit_code == 2, (command, result.output)
        assert "--labels takes one column each time" in said, said
        assert "--labels relationships --labels capability" in said, said


def test_an_option_of_one_value_given_twice_is_refused_not_cut_to_the_last(cli, tmp_path, db_path):
    """`report --by school --by cohort` (as evidence takes it) wrote a report by cohort alone and never said that
    school was dropped; so did `quotes --by` and any option of one value. Given twice with different values it is
    a usage error naming both, and nothing is written; the same value twice, and `evidence --by` repeated,
    still work."""
    from tests.helpers import coded_store

    coded_store(db_path, [("We now plan lessons together across the department.",
                           {"school": "Oakfield", "cohort": "2023A"}, ["relationships"]),
                          ("Our staff meet the other school's teachers every month.",
                           {"school": "Hilltop", "cohort": "2024A"}, ["relationships"])], codebook="impact")
    out = tmp_path / "r.html"
    for command in (("report", "--output", str(out), "--by", "school", "--by", "cohort"),
                    ("quotes", "--theme", "relationships", "--by", "school", "--by=cohort"),
                    ("report", "--output", str(out), "-o", str(tmp_path / "other.html"))):
        result = cli(*command)
        said = " ".join(result.output.replace("\u2502", " ").split())
        assert result.exit_code == 2, (command, result.output)
        assert "takes one value and was given 2" in said, said
        assert not out.exists() and not (tmp_path / "other.html").exists()
        if command[0] == "quotes":
            assert "evidence takes several --by, one table each" in said, said
    assert cli("quotes", "--theme", "relationships", "--by", "school", "--by", "school").exit_code == 0
    result = cli("evidence", "--by", "school", "--by", "cohort", "--format", "json")
    assert result.exit_code == 0 and '"cohort"' in result.output and '"school"' in result.output
