"""A placeholder written where an answer would be ("N/A", "no comment", "see above") is no answer: ingest rejects
it (E141, naming the text), as it rejects an empty answer, so it is not coded nor counted in any share; an answer
that only looks like one ("None", "Nothing", "N/A - the ward was closed") is kept."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalnlp import api
from evalnlp.ingest import PLACEHOLDER_TEXTS
from evalnlp.store import Store

#: placeholders as people type them: any case, spacing and punctuation around or inside the words
PLACEHOLDERS = ["N/A", "n/a", "N.A.", "NA", "na.", " N / A ", "N/A!!", "n\\a", "- N/A -", "'n/a'", "`N/A`",
                "Not applicable.", "NOT APPLICABLE", "No comment", "no comments.", "No Comments!", "See above",
                "as above.", "Same as above!", "see above...", "See previous answer", "Ditto", "ditto.",
                "Prefer not to say", "I'd rather not say", "I\u2019d rather not say", "No answer", "(blank)",
                "Blank", "[left blank]", "NULL", "Did not answer", "\ufeffN/A"]

#: answers, some of them close to a placeholder
ANSWERS = ["None", "none.", "Nothing", "No", "Nothing to add", "Nothing, all good", "Don't know", "not sure",
           "Nil", "Test", "N/A - the ward was closed", "Not applicable to me because I was discharged early",
           "N/A :)", "N/A \U0001f44d", "n/a top notch", "See above: the parking", "As above, but worse",
           "no comments about the food, it was great", "NA2", "N/A for me", "N/A thanks", "No comment needed",
           "Same as above + the parking", "ditto the food"]


def _ingest_csv(tmp_path, texts, **kw):
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": [str(i + 1) for i in range(len(texts))], "comment": texts}).to_csv(f, index=False)
    store = Store(tmp_path / "s.duckdb")
    result = api.ingest(store, [f], text=["comment"], id="id", **kw)
    return store, result


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_a_placeholder_is_rejected_with_a_reason_that_names_it(tmp_path, text):
    store, result = _ingest_csv(tmp_path, ["The nurses were kind.", text])
    with store:
        assert (result.n_in, result.n_ok, result.n_rejected) == (2, 1, 1)
        assert store.table("documents")["text"].tolist() == ["The nurses were kind."]
        (reject,) = store.table("rejects").itertuples()
        assert (reject.locator, reject.code) == ("id=2", "E141")
        shown = " ".join(text.split())
        assert reject.reason.startswith(f"the text {shown!r} is a placeholder, not an answer (words that stand in")


@pytest.mark.parametrize("text", ANSWERS)
def test_an_answer_that_looks_like_a_placeholder_is_kept(tmp_path, text):
    """"None", "Nothing" or "No" to "What could be improved?" say nothing needs improving (the NHS Friends and
    Family Test codes them so); a placeholder with any other word, sign or emoticon beside it is an answer."""
    store, result = _ingest_csv(tmp_path, [text])
    with store:
        assert (result.n_in, result.n_ok, result.n_rejected) == (1, 1, 0)
        assert store.table("documents")["text"].tolist() == [text]


def test_every_listed_placeholder_is_rejected_in_any_case(tmp_path):
    texts = [t for p in PLACEHOLDER_TEXTS for t in (p, p.upper(), p.lower() + ".")]
    store, result = _ingest_csv(tmp_path, texts)
    with store:
        assert (result.n_in, result.n_ok, result.n_rejected) == (len(texts), 0, len(texts))


def test_placeholders_in_a_workbook_of_several_questions_name_their_column(tmp_path, write_xlsx):
    """Each question's placeholder is a reject of its own, its reason naming the question, as an empty answer's
    does; the rows times the questions are the documents plus the rejects."""
    path = write_xlsx({"Responses": [
        ["respondent", "ward", "What went well?", "What could be improved?"],
        ["R1", "A", "Kind staff", "N/A"],
        ["R2", "B", "see above", "Nothing"],
        ["R3", "A", "No comment.", ""],
        ["R4", "B", "N/A - first visit", "Parking"],
        ["R5", "A", "Helpful", "#REF!"],
    ]}, name="survey.xlsx")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [path], text=["What went well?", "What could be improved?"], id="respondent",
                            meta=["ward"])
        assert (result.n_in, result.n_ok, result.n_rejected) == (10, 5, 5)
        assert store.count("documents") + store.count("rejects") == 10
        docs = store.table("documents")
        assert sorted(zip(docs["locator"], docs["question"], docs["text"])) == [
            ("respondent=R1", "What went well?", "Kind staff"),
            ("respondent=R2", "What could be improved?", "Nothing"),
            ("respondent=R4", "What could be improved?", "Parking"),
            ("respondent=R4", "What went well?", "N/A - first visit"),
            ("respondent=R5", "What went well?", "Helpful")]
        rejects = store.table("rejects").sort_values(["locator", "reason"])
        assert rejects["locator"].tolist() == ["respondent=R1", "respondent=R2", "respondent=R3", "respondent=R3",
                                               "respondent=R5"]
        assert rejects["reason"].tolist()[:3] == [
            "the 'What could be improved?' answer 'N/A' is a placeholder, not an answer (words that stand in for "
            "one, such as 'N/A', 'no comment' or 'see above')",
            "the 'What went well?' answer 'see above' is a placeholder, not an answer (words that stand in for "
            "one, such as 'N/A', 'no comment' or 'see above')",
            "the 'What could be improved?' answer is empty or whitespace only"]
        assert rejects["reason"].tolist()[3].startswith("the 'What went well?' answer 'No comment.' is a placeholder")
        assert rejects["reason"].tolist()[4] == ("the 'What could be improved?' answer is a spreadsheet's error value "
                                                 "('#REF!': a formula that failed, such as a lookup that found "
                                                 "nothing), not an answer")


_DECORATIONS = [("", ""), (" ", " "), ("", "."), ("", "!"), ("", "..."), ("- ", ""), ("(", ")"), ('"', '"'),
                ("", " ."), ("* ", "")]
_CASES = [str, str.upper, str.lower, str.title]
_WORDS = ["the ward was closed", "because I left early", "thanks", "\U0001f44d", "2", "but the food was cold"]


@st.composite
def _cell(draw):
    """(text, is_placeholder): a listed placeholder in some case and punctuation, or one with a word added."""
    base = draw(st.sampled_from(PLACEHOLDER_TEXTS))
    before, after = draw(st.sampled_from(_DECORATIONS))
    text = before + draw(st.sampled_from(_CASES))(base) + after
    if draw(st.booleans()):
        return text, True
    return text + draw(st.sampled_from([" ", " - ", ", "])) + draw(st.sampled_from(_WORDS)), False


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(_cell(), min_size=1, max_size=20), chunk_size=st.sampled_from([1, 3, 50_000]))
def test_rows_are_documents_or_placeholder_rejects_and_the_counts_add_up(tmp_path_factory, cells, chunk_size):
    tmp = tmp_path_factory.mktemp("ph")
    texts = [t for t, _ in cells]
    store, result = _ingest_csv(tmp, texts, chunk_size=chunk_size)
    with store:
        expected = [t for t, no in cells if not no]
        assert (result.n_in, result.n_ok, result.n_rejected) == (len(cells), len(expected), len(cells) - len(expected))
        assert store.count("documents") + store.count("rejects") == len(cells)
        assert sorted(store.table("documents")["text"]) == sorted(expected)
        rejects = store.table("rejects")
        assert set(rejects["code"]) <= {"E141"}
        assert sorted(rejects["locator"]) == sorted(f"id={i + 1}" for i, (_, no) in enumerate(cells) if no)
        assert all(" is a placeholder, not an answer " in r for r in rejects["reason"])


def test_a_placeholder_passage_of_a_report_is_rejected(tmp_path, write_docx):
    """A Word form's box holding "N/A" (a table cell) or a paragraph that is only "See above." has nothing to
    code: a reject (E141) naming it, as an empty passage is; a passage with more to say is kept."""
    path = write_docx(["The programme reached 40 wards.", "N/A", "See above.",
                       [["Question", "Answer"], ["Costs", "n/a"], ["Reach", "N/A - no figures yet"]]],
                      name="report.docx")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [path])
        texts = store.table("documents")["text"].tolist()
        assert "N/A - no figures yet" in texts and "The programme reached 40 wards." in texts
        rejects = store.table("rejects").sort_values("reason")
        assert rejects["reason"].tolist() == [
            f"the passage {t!r} is a placeholder, not text to code (words that stand in for text, such as 'N/A' in "
            "a form's box)" for t in ("N/A", "See above.", "n/a")]
        assert sorted(rejects["locator"]) == ["paragraph 2", "paragraph 3", "table 1 row 2 cell 2"]
        assert result.n_in == result.n_ok + result.n_rejected == len(texts) + 3


def test_codes_import_and_train_leave_out_placeholders_as_ingest_does(cli, db_path, tmp_path):
    """A coded file's "N/A" row is a reject of codes import (so no code is looked for on a passage not stored)
    and is no example for train or evaluate."""
    f = tmp_path / "coded.csv"
    rows = [(f"We meet the council monthly, visit {i}.", "relationships") for i in range(12)] + \
           [(f"Our staff run the course alone, visit {i}.", "capability") for i in range(12)] + \
           [("N/A", "relationships"), ("See above.", "capability")]
    pd.DataFrame(rows, columns=["text", "themes"]).to_csv(f, index=False)
    result = cli("codes", "import", str(f), "--text", "text", "--labels-column", "themes", "--coder", "ann")
    assert result.exit_code == 0, result.output
    with Store(db_path, read_only=True) as store:
        run = store.table("runs").iloc[-1]
        rejects = store.table("rejects")
    assert (run["n_in"], run["n_ok"], run["n_rejected"]) == (26, 24, 2)
    assert sorted(rejects["locator"]) == ["row 25", "row 26"]
    assert all("is a placeholder, not an answer" in r for r in rejects["reason"])
    result = cli("evaluate", str(f), "--text", "text", "--labels-column", "themes", "--codebook", "impact",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["n"] == 24 and report["n_skipped"] == 2


def test_the_summary_and_runs_rejects_show_placeholders_as_they_show_empty_answers(cli, tmp_path):
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": ["1", "2", "3"], "comment": ["Kind nurses", "n/a", ""]}).to_csv(f, index=False)
    result = cli("ingest", str(f), "--text", "comment", "--id", "id")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "n_in 3 = n_ok 1 + n_rejected 2" in said and "evalnlp runs --rejects" in said
    result = cli("runs", "--rejects", "--format", "json")
    assert result.exit_code == 0, result.output
    rejects = sorted(json.loads(result.stdout)["rejects"], key=lambda r: r["locator"])
    assert [(r["locator"], r["code"]) for r in rejects] == [("id=2", "E141"), ("id=3", "E141")]
    assert rejects[0]["reason"].startswith("the text 'n/a' is a placeholder, not an answer")
    assert rejects[1]["reason"] == "the text is empty or whitespace only"


def _store_as_read_before(path, csv_path, with_id: bool = True):
    """A store in which a file was read when a placeholder was still taken for an answer: the file's rows,
    "N/A" included, are documents (each one passage), under an ingest run of the file (read with --id, or
    without, when each row is known by its place)."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    with Store(path) as store:
        with store.transaction():
            run = store.start_run("ingest", {"files": [str(csv_path)], "text": ["comment"],
                                             "id": "id" if with_id else None})
            locators = "id=" + frame["id"] if with_id else [f"row {i + 1}" for i in range(len(frame))]
            docs = pd.DataFrame({"source": csv_path.name, "locator": locators, "kind": "response",
                                 "question": "comment", "text": frame["comment"],
                                 "attrs": [json.dumps({"id": i}) for i in frame["id"]]})
            new = store.insert_documents(docs, run, returning=True)
            store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "response", "start": 0,
                                                "end": new["text"].str.len(), "text": new["text"],
                                                "speaker": None, "source_ref": None}))
            store.finish_run(run, n_in=len(frame), n_ok=len(frame), n_rejected=0)


def test_a_file_read_before_is_told_of_its_placeholders_and_replace_removes_them(tmp_path):
    """Read again, a file whose "N/A" the store holds as a document (read before placeholders were rejected)
    rejects it now and says the store still holds it and that --replace counts only this read's answers; read
    with --replace, the document is gone and the others keep their ids."""
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": ["1", "2", "3"], "comment": ["Kind nurses", "N/A", "Nothing"]}).to_csv(f, index=False)
    db = tmp_path / "s.duckdb"
    _store_as_read_before(db, f)
    with Store(db) as store:
        before = dict(zip(store.table("documents")["text"], store.table("documents")["doc_id"]))
        again = api.ingest(store, [f], text=["comment"], id="id")
        assert (again.n_in, again.n_ok, again.n_rejected, again.n_new) == (3, 2, 1, 0)
        (note,) = [n for n in again.notes if "not among this one's answers" in n]
        assert note.startswith("fft.csv: 1 answer the store holds from an earlier export of this file is not "
                                    "among this one's answers (removed since, or rejected now, as an empty answer "
                                    "or a placeholder such as 'N/A' is")
        assert "replace=True" in note and "see `rejects()`" in note  # the API says it in Python words
        assert store.count("documents") == 3  # kept, as the note says
        replaced = api.ingest(store, [f], text=["comment"], id="id", replace=True)
        assert (replaced.n_in, replaced.n_ok, replaced.n_rejected) == (3, 2, 1)
        after = dict(zip(store.table("documents")["text"], store.table("documents")["doc_id"]))
        assert after == {t: before[t] for t in ("Kind nurses", "Nothing")}
        assert store.count("segments") == 2


def test_a_file_read_before_without_ids_is_told_of_its_placeholders_too(tmp_path):
    """Read without --id, a row is known by its place; read again, a file whose "N/A" and "-" the store holds as
    documents (read before such answers were rejected) rejects them now and says, as it does with --id, that the
    store still holds them and that replace=True counts only this read's answers; replace removes them. A store
    whose earlier read rejected them already says nothing."""
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": ["1", "2", "3", "4"], "comment": ["Kind nurses", "N/A", "Nothing", "-"]}).to_csv(f, index=False)
    db = tmp_path / "s.duckdb"
    _store_as_read_before(db, f, with_id=False)
    with Store(db) as store:
        assert set(store.table("documents")["locator"]) == {"row 1", "row 2", "row 3", "row 4"}
        before = dict(zip(store.table("documents")["text"], store.table("documents")["doc_id"]))
        again = api.ingest(store, [f], text=["comment"])
        assert (again.n_in, again.n_ok, again.n_rejected, again.n_new) == (4, 2, 2, 0)
        assert again.files[0].n_no_answer_before == 2
        (note,) = [n for n in again.notes if "from an earlier read of this file" in n]
        assert note == ("fft.csv: 2 answers the store holds from an earlier read of this file are now taken for no "
                        "answer (an empty answer, or a placeholder such as 'N/A', which this read rejects: see "
                        "`rejects()`), but the store keeps them and evidence counts them; read the file again with "
                        "replace=True to count only its answers")
        assert note.kind == "warning" and store.count("documents") == 4  # kept, as the note says
        other = api.ingest(store, [f], text=["comment"], question="Another question")  # not those answers
        assert other.files[0].n_no_answer_before == 0
        replaced = api.ingest(store, [f], text=["comment"], replace=True)
        assert (replaced.n_in, replaced.n_ok, replaced.n_rejected) == (4, 2, 2)
        after = dict(zip(store.table("documents")["text"], store.table("documents")["doc_id"]))
        assert {t: after[t] for t in ("Kind nurses", "Nothing")} == {t: before[t] for t in ("Kind nurses", "Nothing")}
        assert "N/A" not in after and "-" not in after
        quiet = api.ingest(store, [f], text=["comment"])  # nothing left to tell
        assert quiet.files[0].n_no_answer_before == 0
        assert not [n for n in quiet.notes if "from an earlier read of this file" in n]


def test_the_command_line_tells_of_placeholders_read_before_without_ids(cli, db_path, tmp_path):
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": ["1", "2"], "comment": ["Kind nurses", "no comment"]}).to_csv(f, index=False)
    _store_as_read_before(db_path, f, with_id=False)
    out = cli("ingest", str(f), "--text", "comment")
    said = " ".join(out.output.split())
    assert out.exit_code == 0
    assert ("fft.csv: 1 answer the store holds from an earlier read of this file is now taken for no answer" in said
            and "see `evalnlp runs --rejects`), but the store keeps it and evidence counts it; read the file again "
                "with --replace to count only its answers" in said), said
