"""What a command tells its user besides its results reaches a notebook too: each note the command line prints is
on the API's result (``notes``) and issued once as an :class:`EvalnlpWarning`; the command line prints it once,
from the result, and issues none (real stores and files throughout). A note that names an option or a command
says it in its reader's words: ``replace=True`` and ``classify(codebook='fft')`` in Python, ``--replace`` and
``evalnlp classify --codebook fft`` on the command line."""

from __future__ import annotations

import json
import pickle
import warnings

import pandas as pd
import pytest
from helpers import coded_store
from qda_helpers import CODEBOOK_YAML, foreign_members, foreign_project_xml, write_zip

import evalnlp
from evalnlp import api
from evalnlp.errors import EvalnlpWarning, Note, command_line


def flat(text: str) -> str:
    return " ".join(str(text).split())


def issued(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, EvalnlpWarning)]


def the_note(notes, part: str) -> Note:
    """The one note of ``notes`` holding ``part``."""
    found = [n for n in notes if part in n]
    assert len(found) == 1, notes
    return found[0]


def run_cli(cli, *args: str):
    """The command's result; it must issue no EvalnlpWarning (it prints its notes itself)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = cli(*args)
    assert issued(caught) == []
    return result


def said_once(output: str, note: str) -> bool:
    return flat(output).count(flat(note)) == 1


# ---- the note itself -----------------------------------------------------------------------------------------


def test_a_note_is_a_plain_string_with_how_the_command_line_prints_it():
    n = Note("3 answers gone", "warning", at="end")
    assert n == "3 answers gone" and isinstance(n, str) and n.kind == "warning" and n.at == "end"
    assert json.dumps([n]) == '["3 answers gone"]' and "x: " + n == "x: 3 answers gone"
    back = pickle.loads(pickle.dumps(n))
    assert (back, back.kind, back.at) == (n, "warning", "end")
    assert Note("x").kind == "note" and Note("x").at is None
    with pytest.raises(ValueError, match="kind must be one of"):
        Note("x", "shout")
    assert evalnlp.EvalnlpWarning is EvalnlpWarning and issubclass(EvalnlpWarning, UserWarning)
    assert api.EvalnlpWarning is EvalnlpWarning


# ---- ingest --------------------------------------------------------------------------------------------------


def _corrected_export(folder):
    """An export read, then a corrected export of it at the same place that no longer has answer 3."""
    folder.mkdir()
    path = folder / "survey.csv"
    path.write_text("id,answer\n1,The mentoring helped.\n2,I lead my team better.\n3,Too many meetings.\n",
                    encoding="utf-8")
    return path


GONE = ("survey.csv: 1 answer the store holds from an earlier export of this file is not among this one's answers "
        "(removed since, or rejected now, as an empty answer or a placeholder such as 'N/A' is: see `evalnlp runs "
        "--rejects`): the store keeps them, and evidence counts them; read the newer export again "
        "with --replace to count only its answers")
GONE_API = GONE.replace("--replace", "replace=True").replace("evalnlp runs --rejects", "rejects()")


def _drop_third(path):
    path.write_text("id,answer\n1,The mentoring helped.\n2,I lead my team better.\n", encoding="utf-8")


def test_ingest_of_a_corrected_export_warns_a_notebook_of_the_answers_it_dropped(tmp_path):
    path = _corrected_export(tmp_path / "exports")
    with evalnlp.open(tmp_path / "p.duckdb") as p:
        first = p.ingest(path, text="answer", id="id")
        assert first.notes == []
        _drop_third(path)
        with pytest.warns(EvalnlpWarning) as record:
            result = p.ingest(path, text="answer", id="id")
    note = the_note(result.notes, "not among this one's answers")
    assert note == GONE_API and note.kind == "warning" and command_line(note) == GONE
    assert issued(record).count(GONE_API) == 1
    assert record[0].filename == __file__  # shown at the notebook's line, not inside evalnlp


def test_the_command_line_says_a_dropped_answer_once_and_issues_no_warning(cli, tmp_path):
    path = _corrected_export(tmp_path / "exports")
    assert run_cli(cli, "ingest", str(path), "--text", "answer", "--id", "id").exit_code == 0
    _drop_third(path)
    result = run_cli(cli, "ingest", str(path), "--text", "answer", "--id", "id")
    assert result.exit_code == 0
    assert said_once(result.stderr, "warning: " + GONE) and said_once(result.output, GONE)


def test_a_real_command_line_process_prints_a_note_once(tmp_path):
    """In a process of its own (where Python would print an issued warning on stderr), the command says it once."""
    import os
    import subprocess
    import sys

    path = _corrected_export(tmp_path / "exports")
    db = str(tmp_path / "p.duckdb")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "evalnlp", "--db", db, "ingest", str(path), "--text", "answer", "--id", "id"]
    subprocess.run(command, check=True, capture_output=True, env=env)
    _drop_third(path)
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert said_once(done.stderr, GONE) and "EvalnlpWarning" not in done.stderr and GONE not in flat(done.stdout)
    assert "replace=True" not in done.stderr


# ---- codes import ------------------------------------------------------------------------------------------

ANSWERS = ["The mentoring helped me.", "I lead my team better now.", "My manager noticed the change.",
           "We changed the rota together."]


def _survey_and_coded_copy(folder):
    folder.mkdir()
    survey = folder / "survey.csv"
    pd.DataFrame({"answer": ANSWERS}).to_csv(survey, index=False)
    coded = folder / "coded.csv"
    pd.DataFrame({"answer": ANSWERS, "themes": ["relationships", "capability", "practice_change", ""]}).to_csv(
        coded, index=False)
    return survey, coded


TWICE = ("coded.csv: 4 of its 4 new rows have the locator and text of rows the store already holds from "
         "'survey.csv': each of those answers is now stored twice, and evidence counts both. If the file is a "
         "coder's copy of 'survey.csv', its codes belong on those answers: import it with --source survey.csv "
         "(into a store without this import, --db PATH,")
TWICE_API = TWICE.replace("--source survey.csv", "source='survey.csv'").replace("--db PATH", "path=PATH")


def test_import_codes_of_a_copy_of_answers_read_warns_a_notebook_they_are_stored_twice(tmp_path):
    survey, coded = _survey_and_coded_copy(tmp_path / "files")
    with evalnlp.open(tmp_path / "p.duckdb") as p:
        p.ingest(survey, text="answer")
        with pytest.warns(EvalnlpWarning) as record:
            result = p.import_codes(coded, text="answer", labels_column="themes", coder="Alice")
        note = the_note(result.ingest.notes, "now stored twice")
        assert note.startswith(TWICE_API) and note.kind == "warning" and command_line(note).startswith(TWICE)
        assert issued(record).count(note) == 1
        with pytest.warns(EvalnlpWarning) as record:  # the same person under another case: two coders now
            again = p.import_codes(coded, text="answer", labels_column="themes", coder="alice")
    twin = the_note(again.notes, "differs in case only")
    assert twin.startswith("human:alice is a new coder beside human:Alice") and twin.kind == "warning"
    assert twin.endswith("give the same name each time (coder='Alice')")
    assert command_line(twin).endswith("give the same name each time (--coder Alice)")
    assert issued(record).count(twin) == 1


def test_codes_import_says_the_copy_and_the_twin_once(cli, tmp_path):
    survey, coded = _survey_and_coded_copy(tmp_path / "files")
    run_cli(cli, "ingest", str(survey), "--text", "answer")
    args = ("codes", "import", str(coded), "--text", "answer", "--labels-column", "themes", "--coder")
    result = run_cli(cli, *args, "Alice")
    assert result.exit_code == 0 and said_once(result.stderr, "warning: " + TWICE)
    result = run_cli(cli, *args, "alice")
    assert result.exit_code == 0
    assert said_once(result.stderr, "warning: human:alice is a new coder beside human:Alice, whose name differs in "
                                    "case only")
    assert said_once(result.stderr, "give the same name each time (--coder Alice)")


# ---- classify ------------------------------------------------------------------------------------------------

NOTHING = "nothing new to code: every passage is already coded by this coder (use --recode)"
NOTHING_API = "nothing new to code: every passage is already coded by this coder (use recode=True)"


def test_classify_with_nothing_left_to_code_says_so_in_a_notebook_and_on_the_command_line(cli, db_path, tmp_path):
    survey, _ = _survey_and_coded_copy(tmp_path / "files")
    run_cli(cli, "ingest", str(survey), "--text", "answer")
    assert run_cli(cli, "classify", "--no-sentiment").exit_code == 0
    result = run_cli(cli, "-q", "classify", "--no-sentiment")  # said with --quiet too: it is the whole output
    assert result.exit_code == 0 and said_once(result.stdout, NOTHING)
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        coded = p.classify(sentiment=False)
    assert coded.n_coded == 0 and the_note(coded.notes, "nothing new").kind == "show"
    assert issued(record) == [NOTHING_API]


def test_classify_of_a_store_with_no_passages_says_to_read_files_not_that_all_are_coded(cli, db_path, tmp_path):
    """A new store has nothing to code: "every passage is already coded" would be said of none. The note says
    the store holds no passages, and how to read some; files whose every row was rejected are the ingest's note."""
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        coded = p.classify(codebook="fft", sentiment=False)
    assert coded.n_coded == 0 and the_note(coded.notes, "no passages").kind == "show"
    assert issued(record) == ["nothing to code: the store holds no passages; read files into it first "
                              "(`ingest(paths=..., text=...)`), or give classify the files to read"]
    result = run_cli(cli, "classify", "--codebook", "fft", "--no-sentiment")
    assert result.exit_code == 0 and said_once(result.stdout, "nothing to code: the store holds no passages; read "
                                               "files into it first (`evalnlp ingest FILE --text COLUMN`), or give "
                                               "classify the files to read")
    assert "already coded" not in result.stdout
    blank = tmp_path / "blank.csv"
    blank.write_text("id,answer\n1,\n2,-\n", encoding="utf-8")
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        coded = p.classify(blank, text="answer", id="id", codebook="fft", sentiment=False)
    assert coded.n_coded == 0 and coded.ingest.n_rejected == 2
    # the ingest's note says it, and nothing says the rejected answers were coded before
    assert [n for n in issued(record) if "every one of its 2 rows was rejected" in n]
    assert not [n for n in issued(record) if "already coded" in n]


def test_classify_without_a_codebook_on_a_store_coded_with_another_says_which_it_used(cli, db_path, tmp_path):
    """classify's codebook defaults to impact, not to the store's: a month's new answers read into an fft store
    with classify(FILE) were coded into the impact themes, and evidence and quotes then took impact as the
    store's codebook, without a word. The default stays; the command says which codebook it used, which the
    store had, and how to code with that one. Nothing is said when the codebook is given, or the same."""
    survey, _ = _survey_and_coded_copy(tmp_path / "files")
    with evalnlp.open(db_path) as p:
        p.classify(survey, text="answer", codebook="fft", sentiment=False)
        more = tmp_path / "more.csv"
        more.write_text("answer\nThe nurse on the ward was very kind to my father.\n", encoding="utf-8")
        with pytest.warns(EvalnlpWarning) as record:
            coded = p.classify(more, text="answer", sentiment=False)
        said = ("coded with codebook 'impact', the default when none is given, while this store was coded with "
                "'fft' before; evidence, quotes and report now read 'impact' (the latest coding run's). To code "
                "with 'fft', give codebook='fft'")
        assert coded.codebook_id == "impact" and issued(record) == [said]
        assert the_note(coded.notes, "the default when none is given").kind == "warning"
        with warnings.catch_warnings(record=True) as quiet:
            warnings.simplefilter("always")
            p.classify(more, text="answer", codebook="fft", sentiment=False)  # given: nothing to say
        assert not [n for n in issued(quiet) if "the default when none is given" in n]
        with pytest.warns(EvalnlpWarning):
            p.classify(sentiment=False)  # the default again after fft: said again
        with warnings.catch_warnings(record=True) as quiet:
            warnings.simplefilter("always")
            p.classify(sentiment=False)  # the default, and the store's latest codebook is impact now
        assert not [n for n in issued(quiet) if "the default when none is given" in n]
    result = run_cli(cli, "classify", str(more), "--text", "answer", "--no-sentiment", "--codebook", "fft")
    assert result.exit_code == 0 and "the default when none is given" not in result.output
    result = run_cli(cli, "classify", str(more), "--text", "answer", "--no-sentiment")
    assert result.exit_code == 0 and said_once(result.output, said.replace("codebook='fft'", "--codebook fft"))


def test_classify_output_with_nothing_left_to_code_says_the_file_holds_the_earlier_codes(cli, db_path, tmp_path):
    """A file classified a second time, with --output: its table counts 0 passages coded, while the file it writes
    holds every row with this coder's codes; it used to say nothing of why, so the zeros read as an empty
    file."""
    survey, _ = _survey_and_coded_copy(tmp_path / "files")
    args = ("classify", str(survey), "--text", "answer", "--no-sentiment")
    assert run_cli(cli, *args).exit_code == 0
    out = tmp_path / "coded_again.csv"
    result = run_cli(cli, *args, "--output", str(out))
    assert result.exit_code == 0, result.output
    said = ("nothing new to code: every passage is already coded by this coder; coded_again.csv holds the codes "
            "it gave them before (use --recode to code them again)")
    assert said_once(result.stdout, said)
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(written) == len(ANSWERS) and (written["themes"] != "").any()
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        coded = p.classify(survey, text="answer", sentiment=False, output=tmp_path / "again.csv")
    assert coded.n_coded == 0
    assert issued(record) == ["nothing new to code: every passage is already coded by this coder; again.csv holds "
                              "the codes it gave them before (use recode=True to code them again)"]


def test_classify_of_files_carries_the_ingests_notes(tmp_path):
    path = _corrected_export(tmp_path / "exports")
    with evalnlp.open(tmp_path / "p.duckdb") as p:
        p.ingest(path, text="answer", id="id")
        _drop_third(path)
        with pytest.warns(EvalnlpWarning) as record:
            coded = p.classify(path, text="answer", id="id", sentiment=False)
    assert the_note(coded.ingest.notes, "not among") == GONE_API and issued(record).count(GONE_API) == 1


# ---- review import -----------------------------------------------------------------------------------------

FFT_ROWS = [(f"Answer {i}: the staff were kind and the wait was short.", {}, ["staff"] if i % 2 else ["access"])
            for i in range(12)]


def _workbook_with_a_column_of_the_reviewers(db_path, tmp_path, name):
    from openpyxl import load_workbook

    comments = tmp_path / "comments.csv"
    pd.DataFrame({"comment": [t for t, _, _ in FFT_ROWS]}).to_csv(comments, index=False)
    with evalnlp.open(db_path) as p:
        p.classify(comments, text="comment", codebook="fft", sentiment=False)
        p.review_export(tmp_path / f"{name}.xlsx", n=4, codebook="fft")
    wb = load_workbook(tmp_path / f"{name}.xlsx")
    sheet = wb["Review"]
    last = sheet.max_column + 1
    sheet.cell(row=1, column=last, value="Parking")
    sheet.cell(row=3, column=last, value="ask the estates team")
    wb.save(tmp_path / f"{name}.xlsx")
    return tmp_path / f"{name}.xlsx"


PARKING = ("the column 'Parking' is not one the workbook was exported with: what 1 row holds in it was not read "
           "(only the theme columns, 'reviewed' and 'notes' are)")


def test_review_import_warns_a_notebook_of_a_column_it_did_not_read(tmp_path):
    db = tmp_path / "p.duckdb"
    workbook = _workbook_with_a_column_of_the_reviewers(db, tmp_path, "review")
    with evalnlp.open(db) as p, pytest.warns(EvalnlpWarning) as record:
        result = p.review_import(workbook, coder="alice")
    note = the_note(result.notes, "'Parking'")
    assert note.startswith(PARKING) and note.kind == "warning" and issued(record).count(note) == 1
    nothing = the_note(result.notes, "no row was reviewed")  # the added text alone is no decision
    assert nothing.kind == "info" and issued(record).count(nothing) == 1


def test_review_import_on_the_command_line_says_it_once(cli, db_path, tmp_path):
    workbook = _workbook_with_a_column_of_the_reviewers(db_path, tmp_path, "review")
    result = run_cli(cli, "review", "import", str(workbook), "--coder", "alice")
    assert result.exit_code == 0 and said_once(result.stderr, "warning: " + PARKING)
    said = flat(result.stdout)
    assert said.count("no row was reviewed") == 1 and said.index("imported 0") < said.index("no row was reviewed")


# ---- evidence, quotes, agreement -----------------------------------------------------------------------------


def test_quotes_with_none_say_why_in_a_notebook_and_in_the_table_not_the_json(cli, db_path):
    coded_store(db_path, FFT_ROWS)
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        df = p.quotes("dignity")
    note = the_note(df.attrs["notes"], "no quotes")
    said = "no quotes: no coded passage has the theme 'dignity' (`{}` shows how many passages each theme has)"
    assert note == said.format("evidence()") and issued(record) == [note]
    result = run_cli(cli, "quotes", "--theme", "dignity")
    assert result.exit_code == 0 and said_once(result.stderr, "note: " + said.format("evalnlp evidence"))
    result = run_cli(cli, "quotes", "--theme", "dignity", "--format", "json")
    assert result.exit_code == 0 and "no quotes" not in result.output and json.loads(result.stdout) == {"quotes": []}


def test_evidence_notes_are_issued_in_a_notebook(cli, db_path):
    coded_store(db_path, [(t, {"question": "Q1"}, th) for t, _, th in FFT_ROWS])
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        ev = p.evidence(by=["question"])
    note = the_note(ev.notes, "question")
    assert issued(record) == ev.notes and note.endswith("(by='evalnlp_question')")
    result = run_cli(cli, "evidence", "--by", "question")
    assert result.exit_code == 0 and said_once(result.stderr, "note: " + command_line(note))
    assert command_line(note).endswith("(--by evalnlp_question)")


def test_agreement_notes_are_on_each_pair_and_issued(cli, db_path, tmp_path):
    coded_store(db_path, FFT_ROWS)
    coded = tmp_path / "alice.csv"
    pd.DataFrame({"text": [t for t, _, _ in FFT_ROWS], "themes": [";".join(th) for _, _, th in FFT_ROWS]}).to_csv(
        coded, index=False)
    with evalnlp.open(db_path) as p:
        p.import_codes(coded, text="text", labels_column="themes", coder="alice", source="survey.csv")
        with pytest.warns(EvalnlpWarning) as record:
            pair = p.agreement("alice")[0]
    note = the_note(pair.notes, "macro-F1 averages")
    assert note.startswith("macro-F1 averages the 2 of 9 themes") and issued(record) == [note]
    assert "notes" not in pair.to_json()
    result = run_cli(cli, "agreement", "--coder", "alice")
    assert result.exit_code == 0 and said_once(result.stderr, "note: " + note)


# ---- evaluate, train, extract: files, no store -----------------------------------------------------------------


def _labelled(path):
    rows = [(f"The staff were kind and caring, visit {i}.", "staff") for i in range(8)]
    rows += [(f"I waited hours for an appointment, time {i}.", "access") for i in range(8)]
    rows += [("", "staff"), ("-", "access")]
    pd.DataFrame(rows, columns=["comment", "themes"]).to_csv(path, index=False)
    return path


SKIPPED = "2 rows without an answer (empty, only marks such as -, or a placeholder such as N/A) were left out"


def test_evaluate_notes_are_on_the_report_not_in_its_json(cli, tmp_path):
    path = _labelled(tmp_path / "labelled.csv")
    with pytest.warns(EvalnlpWarning) as record:
        report = evalnlp.Project.evaluate(path, text="comment", labels_column="themes", codebook="fft")
    assert the_note(report.notes, "without an answer") == SKIPPED and issued(record).count(SKIPPED) == 1
    assert issued(record) == report.notes and "notes" not in report
    result = run_cli(cli, "evaluate", str(path), "--text", "comment", "--labels-column", "themes", "--codebook",
                     "fft")
    assert result.exit_code == 0 and said_once(result.stderr, "note: " + SKIPPED)
    result = run_cli(cli, "evaluate", str(path), "--text", "comment", "--labels-column", "themes", "--codebook",
                     "fft", "--format", "json")
    assert "notes" not in json.loads(result.stdout)


def test_train_warnings_are_on_the_result_and_issued(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _labelled(tmp_path / "labelled.csv")
    args = dict(text="comment", labels_column="themes", codebook="fft", backend="supervised")
    with pytest.warns(EvalnlpWarning) as record:
        result = api.train(path, out="fft-themes", **args)  # named like the shipped model
    never = the_note(result.notes, "coded on no passage")
    shipped = the_note(result.notes, "named like the shipped model")
    assert never.kind == shipped.kind == "warning" and shipped.at == "prior"
    assert shipped.startswith("the folder is named like the shipped model fft-themes: `model='fft-themes'` means "
                              "the shipped one, so give yours as a path (`model='./fft-themes'`)")
    cli_shipped = ("the folder is named like the shipped model fft-themes: `--model fft-themes` means the shipped one, "
                   "so give yours as a path (`--model ./fft-themes`)")
    assert command_line(shipped).startswith(cli_shipped)
    assert issued(record) == result.notes
    out = run_cli(cli, "train", str(path), "--text", "comment", "--labels-column", "themes", "--codebook", "fft",
                  "--backend", "supervised", "--out", "fft-themes")
    assert out.exit_code == 0 and said_once(out.stderr, "warning: " + never)
    said = flat(out.output)  # in its place: after the figures, before how to use the model
    assert said.count(flat(command_line(shipped))) == 1 and "model='" not in said
    assert said.index("cross-validated") < said.index(cli_shipped) < said.index("use it with")


def test_extract_warns_a_notebook_of_a_documents_text_not_read(cli, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("The programme trained 40 ward sisters in 2019.")
    document.sections[0].header.paragraphs[0].text = "Patient feedback: \u201cthe ward sisters were superb\u201d"
    document.save(tmp_path / "case.docx")
    with pytest.warns(EvalnlpWarning) as record:
        docs = evalnlp.Project.extract(tmp_path / "case.docx")
    note = the_note(docs[0].notes, "not read")
    assert note.startswith("case.docx: not read: 1 header (evalnlp reads") and issued(record) == [note]
    assert "notes" not in docs[0].to_json()
    result = run_cli(cli, "extract", str(tmp_path / "case.docx"), "--format", "json")
    assert result.exit_code == 0 and said_once(result.stderr, "warning: " + note)


# ---- exchange with QDA programs ----------------------------------------------------------------------------


def test_import_of_a_qda_project_says_what_it_left_out(cli, db_path, tmp_path):
    path = write_zip(tmp_path / "breakfast.qdpx", foreign_members(foreign_project_xml()))
    codebook = tmp_path / "breakfast.yaml"
    codebook.write_text(CODEBOOK_YAML, encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as p, pytest.warns(EvalnlpWarning) as record:
        result = p.import_qdpx(path, codebook=str(codebook))
    left = the_note(result.notes, "not imported (evalnlp has no place for them)")
    assert left.kind == "info" and issued(record) == result.notes
    out = run_cli(cli, "import", str(path), "--codebook", str(codebook))
    assert out.exit_code == 0 and said_once(out.stdout, left)
    for other in result.notes[1:]:
        assert said_once(out.stdout, "note: " + other)
