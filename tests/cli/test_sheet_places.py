"""A workbook's answers are placed with their sheet named once (``survey.xlsx#Comments!row 3``) wherever a person
reads where a quote or passage came from: the quotes table, reports, quote files, the review workbook and the
names of an exported REFI-QDA project. The stored source and locator (``survey.xlsx#Comments`` and
``Comments!row 3``) are as before, so stores, review workbooks and projects written before still read."""

from __future__ import annotations

import json
import re
import uuid
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook
from qda_helpers import write_zip

from evalnlp import api
from evalnlp.schema import locator_in_source, place
from evalnlp.store import Store

ANSWERS = [
    "The staff on the ward were kind and caring.",
    "The nurses were friendly and the doctor explained everything.",
    "Parking at the hospital was impossible.",
    "Staff were rude at the front desk.",
    "The food was cold and the room was noisy.",
]


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "survey.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"ward": ["A", "B", "C", "A", "B"], "comment": ANSWERS}).to_excel(
            writer, sheet_name="Comments", index=False)
    return path


@pytest.fixture
def coded(cli, workbook):
    result = cli("classify", str(workbook), "--text", "comment", "--codebook", "fft", "--model", "keyword",
                 "--no-sentiment")
    assert result.exit_code == 0, result.output
    return workbook


@pytest.mark.parametrize("source, locator, shown, beside", [
    ("survey.xlsx#Comments", "Comments!row 3", "survey.xlsx#Comments!row 3", "row 3"),
    ("survey.xlsx#Comments", "ID=R7", "survey.xlsx#Comments ID=R7", "ID=R7"),  # a row named by its --id
    ("survey.csv", "row 3", "survey.csv row 3", "row 3"),
    ("ward #4.xlsx#Sheet1", "Sheet1!row 2", "ward #4.xlsx#Sheet1!row 2", "row 2"),  # "#" in the file's name
    ("q.xlsx#Yes! 2024", "Yes! 2024!row 1", "q.xlsx#Yes! 2024!row 1", "row 1"),  # "!" in the sheet's name
    ("q.xlsx#Comments", "Other!row 1", "q.xlsx#Comments Other!row 1", "Other!row 1"),  # another sheet
    ("survey.csv#Comments", "Comments", "survey.csv#Comments Comments", "Comments"),  # no "!": not a sheet row
    ("case_study.txt", None, "case_study.txt", None),
])
def test_a_place_names_a_workbooks_sheet_once(source, locator, shown, beside):
    assert place(source, locator) == shown
    assert locator_in_source(source, locator) == beside


def test_quotes_and_reports_attribute_a_workbook_row_with_its_sheet_once(cli, coded, db_path, tmp_path):
    result = cli("quotes", "--theme", "staff", "-n", "5", "--no-redact")
    assert result.exit_code == 0, result.output
    table = re.sub(r"\s+", " ", result.stdout)
    assert "survey.xlsx#Comments!row 1" in table and "Comments Comments" not in table
    # the JSON keeps the stored fields (the command contract), as a store written before holds them
    data = json.loads(cli("quotes", "--theme", "staff", "--format", "json").stdout)
    assert {(q["source"], q["locator"]) for q in data["quotes"]} >= {("survey.xlsx#Comments", "Comments!row 1")}
    for name in ("report.html", "quotes.md"):
        args = ("report", "--output", str(tmp_path / name)) if name.endswith("html") else \
            ("quotes", "--theme", "staff", "--output", str(tmp_path / name))
        result = cli(*args)
        assert result.exit_code == 0, result.output
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "survey.xlsx#Comments!row 1" in text and "Comments, Comments" not in text, name


def test_the_review_workbook_names_the_sheet_once_and_one_written_before_still_imports(cli, coded, tmp_path):
    out = tmp_path / "review.xlsx"
    assert cli("review", "export", str(out), "-n", "5").exit_code == 0
    wb = load_workbook(out)
    ws = wb["Review"]
    col = {c.value: c.column_letter for c in ws[1]}
    rows = range(2, ws.max_row + 1)
    assert {ws[f"{col['source']}{r}"].value for r in rows} == {"survey.xlsx#Comments"}
    assert sorted(ws[f"{col['locator']}{r}"].value for r in rows) == [f"row {i}" for i in range(1, 6)]
    # a workbook exported before named the sheet in the locator too: import reads passages by their ids alone
    for r in rows:
        ws[f"{col['locator']}{r}"] = "Comments!" + ws[f"{col['locator']}{r}"].value
    ws[f"{col['reviewed']}2"] = "yes"
    wb.save(out)
    result = cli("review", "import", str(out), "--coder", "ana")
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "project.duckdb", read_only=True) as store:
        assert "human:ana" in set(store.table("codes")["coder"])


def test_a_qda_project_names_a_row_with_its_sheet_once_and_finds_one_named_before(coded, db_path, tmp_path):
    """A program that drops evalnlp's variables and remakes the GUIDs leaves only a source's name to find its
    document by: a project exported before, named ``survey.xlsx#Comments Comments!row 1 (comment)``, still
    finds it."""
    path = tmp_path / "survey.qdpx"
    with Store(db_path) as store:
        api.export(store, path)
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "evalnlp.json"}
    qde = members["project.qde"].decode("utf-8")
    names = re.findall(r'<TextSource [^>]*name="([^"]*)"', qde)
    assert sorted(names) == [f"survey.xlsx#Comments!row {i} (comment)" for i in range(1, 6)]
    qde = qde.replace("survey.xlsx#Comments!row", "survey.xlsx#Comments Comments!row")
    qde = re.sub(r"<Variables>.*?</Variables>", "", qde, flags=re.S)
    qde = re.sub(r"<VariableValue>.*?</VariableValue>", "", qde, flags=re.S)
    qde = re.sub(r'(<TextSource guid=")[^"]+"', lambda m: m.group(1) + str(uuid.uuid4()).upper() + '"', qde)
    qde = re.sub(r'(<User guid="[^"]+" )name="[^"]*"( id="[^"]*")?', r'\1name="Reviewer"', qde)
    members["project.qde"] = qde.encode("utf-8")
    with Store(db_path) as store:
        before = store.table("documents")
        result = api.import_qdpx(store, write_zip(tmp_path / "reviewed.qdpx", members))
        assert result.documents_new == 0 and result.segments_new == 0
        pd.testing.assert_frame_equal(store.table("documents"), before)
        codes = store.table("codes")
    machine = codes[codes["coder"].str.startswith("model:") & codes["assigned"]]
    reviewer = codes[(codes["coder"] == "human:Reviewer") & codes["assigned"]]
    assert len(reviewer) > 0
    assert set(zip(reviewer["seg_id"], reviewer["theme"])) == set(zip(machine["seg_id"], machine["theme"]))
