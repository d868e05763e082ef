"""A note that names an option or a command says it in its reader's words: the Python API's string names the
keyword a caller passes (``replace=True``, ``source='survey.csv'``, ``classify(codebook='fft')``), the command
line prints the flag (``--replace``, ``--source survey.csv``, ``evalnlp classify --codebook fft``). Each note is
written once, as a template (:class:`evalnlp.errors.Note`); every keyword an API note names is a parameter of
an API function."""

from __future__ import annotations

import ast
import copy
import inspect
import json
import pickle
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO, coded_store

import evalnlp
from evalnlp import api, errors
from evalnlp.errors import Call, EvalnlpWarning, Note, Option, Options, command_line
from evalnlp.ingest import FileReport, IngestResult
from evalnlp.ingest.notes import ingest_notes

FLAG = re.compile(r"(?<![\w-])--[a-z]")
PYTHON_FORM = re.compile(r"\b[a-z_]+=(?:True|False|'|\.\.\.|PATH|COL|NAME)|\b[a-z_]+\(\)")


# ---- the mechanism ----------------------------------------------------------------------------------------


def test_a_note_made_from_a_template_reads_as_python_and_renders_as_the_command_line():
    n = Note("read it again with {replace!o:True}, or {recode!o:False}; give {id!o:COL} or {option} ({run}); "
             "a new store: {db!o:PATH}; {both}", "warning",
             fields={"option": Option("source", "my file.csv"), "run": Call("classify", "output=FILE",
                                                                            codebook="fft"),
                     "both": Options(Option("question", "Q1"), Option("replace", True))})
    assert n == ("read it again with replace=True, or recode=False; give id=COL or source='my file.csv' "
                 "(classify(output=..., codebook='fft')); a new store: path=PATH; question='Q1', replace=True")
    assert command_line(n) == ("read it again with --replace, or --no-recode; give --id COL or --source 'my file.csv' "
                               "(evalnlp classify --output FILE --codebook fft); a new store: --db PATH; "
                               "--question Q1 --replace")
    assert n.kind == "warning" and isinstance(n, str)


def test_a_note_inside_a_note_renders_in_the_same_words():
    inner = Note("pass {codebook}", fields={"codebook": Option("codebook", "impact")})
    outer = Note("no quotes: {hint}", "info", fields={"hint": inner})
    assert outer == "no quotes: pass codebook='impact'"
    assert command_line(outer) == "no quotes: pass --codebook impact"


def test_a_note_of_plain_text_is_as_it_was_and_braces_in_it_are_words():
    n = Note("{survey}.csv: 3 rows", "info")
    assert n == "{survey}.csv: 3 rows" and command_line(n) == n and n.template is None
    assert command_line("a plain string") == "a plain string"


@pytest.mark.parametrize("copier", [lambda n: pickle.loads(pickle.dumps(n)), copy.deepcopy])
def test_a_templated_note_survives_pickling_and_copying(copier):
    """pandas deep-copies DataFrame.attrs, where quotes() keeps its notes."""
    n = Note("give {option}", "warning", at="end", fields={"option": Option("coder", "alice")})
    back = copier(n)
    assert (back, back.kind, back.at, command_line(back)) == (n, "warning", "end", "give --coder alice")


def test_the_command_line_spells_an_option_of_the_running_command_by_its_own_flags(cli, tmp_path):
    """Through the command line's own spelling: a switch of the command is its flag, a positional its metavar."""
    import typer

    from evalnlp.cli import app
    from evalnlp.cli._app import option_spelling

    command = typer.main.get_command(app)
    classify = command.commands["classify"]
    with classify.make_context("classify", []) as ctx:
        spell = option_spelling(ctx)
        n = Note("use {recode!o:True} on {paths!o}; not {sentiment!o:False}; or {option}", fields={
            "option": Option("codebook", "my book.yaml")})
        assert n.render(spell) == "use --recode on FILE; not --no-sentiment; or --codebook 'my book.yaml'"
        assert n == "use recode=True on paths; not sentiment=False; or codebook='my book.yaml'"


# ---- every note that names an option, both ways -----------------------------------------------------------


def _report(**fields) -> FileReport:
    base = dict(source="survey.csv", format="csv", file_name="survey.csv", columns=["id", "answer"], n_in=4,
                n_ok=4, n_new=4)
    return FileReport(**{**base, **fields})


#: One file report per note of :func:`ingest_notes` that names an option.
INGEST_REPORTS = {
    "renamed": _report(renamed=[("ward", "ward_2")]),
    "tidied": _report(tidied=[(" ward ", "ward")]),
    "ignored": _report(ignored=["sheet"]),
    "ignored_text": _report(source="README.txt", format="txt", columns=[], ignored=["text", "id"]),
    "lacking_meta": _report(lacking_meta=["ward"]),
    "elsewhere": _report(n_elsewhere=4, elsewhere=["first export.csv"]),
    "repeats": _report(source="case.pdf", format="pdf", columns=[], repeats=("case.docx", 5, 6)),
    "edited": _report(n_edited=2),
    "edited_paragraphs": _report(source="case.docx", format="docx", columns=[], n_edited=1,
                                 edited_places=["paragraph 6"]),
    "gone": _report(n_gone=1),
    "no_answer_before": _report(n_no_answer_before=2),
    "meta_changed": _report(meta_changed={"ward": 3}),
    "meta_unset": _report(meta_unset={"ward": 3}),
    "moved_with_id": _report(n_moved=4, moved_with_id=True),
    "moved": _report(n_moved=4),
    "all_rejected": _report(n_ok=0, n_new=0, n_rejected=4),
    "other_members": _report(format="json", other_members=["survey"]),
    "other_unit": _report(other_unit=(3, "response")),
    "hidden_sheet": _report(format="xlsx", hidden_sheet=True, other_sheets=["Data"]),
    "replace_kept_all": _report(replaced=True, replace_kept_all=12),
    "replace_first": _report(replaced=True, replace_first=True),
    "replaced": _report(replaced=True, n_removed=1, n_kept=3, meta_replaced={"ward": 2}),
    "replaced_no_meta": _report(replaced=True, n_removed=1, n_kept=3),
    "human_dropped": _report(replaced=True, n_removed=1, n_kept=3, human_dropped={"human:alice": 1}),
    "evalnlp_output": _report(evalnlp_output=True),
    "question_renamed": _report(questions={"What could we improve?": "What could we improve?"},
                                question_renamed=[("What could we improve?", "What could we improve?",
                                                   "What could be improved?", "What could be improved?", "jan.csv",
                                                   "columns")]),
    "question_named": _report(questions={"Q": "Q"}, question_renamed=[("Q", "Q", "Q1", "Q", "mar.csv", "named")]),
    "question_renamed_only": _report(questions={"Q2": "Q2"}, question_renamed=[("Q2", "Q2", "Q1", "", "jan.csv",
                                                                                  "only")]),
    "questions_renamed": _report(questions={"good": "good", "better": "better"},
                                 question_renamed=[("better", "better", "improve", "improve", "jan.csv", "columns")]),
}


def ingest_notes_of(report: FileReport, command: str = "ingest") -> list[Note]:
    result = IngestResult(run_id="r", files=[report, _report(source="other.csv")])
    return ingest_notes(result, command)


def other_notes() -> list[Note]:
    """The notes that name an option made outside :func:`ingest_notes`, from the results they are made of."""
    from evalnlp.evidence import _not_coded_note, several_themes_note

    card = {"hard_themes": {}, "prior": "zeroshot", "codebook_ref": "fft", "prior_seen": 0,
            "cv_metrics": {"macro_f1": 0.4, "per_theme": {"staff": {"precision": 0.5, "recall": 1.0, "support": 8}}},
            "prior_metrics": {"macro_f1": 0.6, "n": 40}}
    train = api.TrainResult(out=Path("fft-themes"), backend="supervised", n=20, n_skipped=0, card=card)
    agreement = api.Agreement(coders=("human:alice", "model:fft-themes@abc"), codebook_id="fft",
                              report={"n": 10, "n_seen_in_training": 4, "per_theme": {}}, units=pd.DataFrame(),
                              n_a=10, n_b=10, trained_from_store=True)
    review = api.ReviewImport(run_id="r", coder="human:alice", codebook_id="fft", n_rows=3, n_reviewed=1,
                              n_untouched=2, n_changed_passages=0, n_changed_cells=0, n_notes=0,
                              reviewed=pd.DataFrame(), exported_sha256="ab" * 32)
    codebook = evalnlp.api.codebook("fft")
    sources = pd.DataFrame({"source": ["jan.csv", "feb.csv"], "documents": [5, 4], "documents_coded": [5, 0]})
    return [
        *api._train_notes(train),
        *api._evaluate_notes({"per_theme": {"staff": {"f1": 0.5}}, "themes_not_coded": ["access"], "n": 5}),
        api._case_twin_said("human:alice", "human:Alice"),
        *api._agreement_notes(agreement),
        *api._review_import_notes(review),
        several_themes_note("fft", {"people": 2, "machine": 1}),
        _not_coded_note(sources, 5, codebook),
        _not_coded_note(sources, 5, codebook, other_versions=3),
    ]


def all_option_notes() -> list[Note]:
    notes = [n for r in INGEST_REPORTS.values() for n in ingest_notes_of(r)]
    notes += [n for n in ingest_notes_of(INGEST_REPORTS["elsewhere"], "codes import")]
    notes += other_notes()
    return [n for n in notes if errors.options_named(getattr(n, "template", None), getattr(n, "fields", {}))]


@pytest.mark.parametrize("name", sorted(INGEST_REPORTS))
def test_each_ingest_note_names_its_options_as_keywords_in_python_and_as_flags_on_the_command_line(name):
    notes = [n for n in ingest_notes_of(INGEST_REPORTS[name]) if n.startswith(INGEST_REPORTS[name].source)]
    named = [n for n in notes if n.template is not None and errors.options_named(n.template, n.fields)]
    assert named, notes
    for n in named:
        said = command_line(n)
        assert not FLAG.search(n) and "`evalnlp " not in n, n
        assert FLAG.search(said) and not PYTHON_FORM.search(said), said
        assert said != n


def test_every_other_note_naming_an_option_reads_both_ways():
    notes = other_notes()
    assert len(notes) >= 10 and all(isinstance(n, Note) and n.template is not None for n in notes)
    for n in notes:
        said = command_line(n)
        assert not FLAG.search(n) and "`evalnlp " not in n, n
        assert (FLAG.search(said) or "evalnlp " in said) and not PYTHON_FORM.search(said), said


@pytest.mark.parametrize("part, python, command_line_words", [
    ("new rows have the locator and text", "import it with source='first export.csv' (into a store without this "
     "import, path=PATH,", "import it with --source 'first export.csv' (into a store without this import, --db "
     "PATH,"),
    ("edited since", "read the newer export again with replace=True", "read the newer export again with --replace"),
    ("1 paragraph at a place (paragraph 6)", "read the file again with replace=True to keep only its text",
     "read the file again with --replace to keep only its text"),
    ("where they differ", "(evidence(by=...) groups them as first read; classify(output=...) writes this file's)",
     "(evalnlp evidence --by groups them as first read; evalnlp classify --output writes this file's)"),
    ("every one of its", "`rejects()` says why", "`evalnlp runs --rejects` says why"),
    ("stored before, split", "unit='sentence' applies", "--unit sentence applies"),
    ("does not apply", "survey.csv: sheet does not apply", "survey.csv: --sheet does not apply"),
    ("human codes were removed", "drop_human_codes=True: human codes", "--drop-human-codes: human codes"),
    ("meta) values taken", None, None),
    ("takes the place of", "read the file again with question='What could be improved?', replace=True to store",
     "read the file again with --question 'What could be improved?' --replace to store"),
    ("every other answer in the store", "so `evidence(by='question')` counts", "so `evalnlp evidence --by question` "
     "counts"),
    ("'better' takes the place", "with question once per text column, in their order, 'improve' for 'better', and "
     "replace=True", "with --question once per --text column, in their order, 'improve' for 'better', and "
     "--replace"),
])
def test_the_words_of_some_ingest_notes(part, python, command_line_words):
    notes = [n for r in INGEST_REPORTS.values() for n in ingest_notes_of(r, "codes import")]
    found = [n for n in notes if part in n]
    if python is None:  # no note says "meta) values": the marker is written as an option's name
        assert found == [] and any("meta values taken from this export: 'ward' on 2 documents" in n for n in notes)
        return
    assert found, part
    assert python in found[0] and command_line_words in command_line(found[0])


def test_every_keyword_an_api_note_names_is_a_parameter_of_an_api_function():
    functions = {name: fn for name, fn in vars(api).items() if inspect.isfunction(fn) and fn.__module__ == api.__name__}
    every = {p for fn in functions.values() for p in inspect.signature(fn).parameters}
    every |= set(inspect.signature(evalnlp.open).parameters)
    named = set()
    for n in all_option_notes():
        named |= errors.options_named(n.template, n.fields)
    assert len(named) >= 15
    for function, keyword in sorted(named, key=str):
        if function is None:
            assert keyword in every, keyword
        else:
            assert function in functions, function
            assert keyword == "" or keyword in inspect.signature(functions[function]).parameters, (function, keyword)


# ---- no note writes a flag of its own ---------------------------------------------------------------------

NOTE_CALLS = {"Note", "told", "info", "warn", "note"}


def _note_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The string constants of ``tree`` that go into a note: the arguments of ``Note(...)`` and of the note
    helpers, of ``notes.append``/``notes.insert``, and what a function named ``*_note``/``*_said`` returns."""
    found = []

    def strings(node: ast.AST) -> None:
        commands = {id(c.args[0]) for c in ast.walk(node) if isinstance(c, ast.Call) and c.args
                    and (getattr(c.func, "attr", None) or getattr(c.func, "id", None)) == "Call"}
        for sub in ast.walk(node):  # (a Call's command is the command line's name of it: "runs --rejects")
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and id(sub) not in commands:
                found.append((sub.lineno, sub.value))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = func.value if isinstance(func, ast.Attribute) else None
            into_notes = name in ("append", "insert") and "notes" in ast.unparse(owner or func)
            if name in NOTE_CALLS or into_notes:
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    strings(arg)
        elif isinstance(node, ast.FunctionDef) and node.name.endswith(("_note", "_said")):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Return) and sub.value is not None:
                    strings(sub.value)
    return found


def test_no_note_in_the_library_writes_a_flag_or_a_command_line_itself():
    """A note names an option by a marker or an Option, a command by a Call: written as ``--replace`` in its text it
    would read so in a notebook too."""
    src = REPO / "src" / "evalnlp"
    bad = []
    checked = 0
    for path in sorted(src.rglob("*.py")):
        if "cli" in path.relative_to(src).parts:
            continue
        for line, text in _note_texts(ast.parse(path.read_text(encoding="utf-8"))):
            checked += 1
            if FLAG.search(text) or "evalnlp " in text and "`" in text:
                bad.append(f"{path.relative_to(REPO)}:{line}: {text[:80]!r}")
    assert checked > 100 and bad == []


# ---- through the API and the command line -----------------------------------------------------------------


def _issued(record) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, EvalnlpWarning)]


def test_an_option_that_does_not_apply_is_named_as_the_caller_gave_it(cli, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("answer\nThe staff were kind.\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as p, pytest.warns(EvalnlpWarning) as record:
        result = p.ingest(path, text="answer", sheet="Data")
    said = ("survey.csv: {} does not apply (a CSV file has no sheets), so it was not used for this file")
    assert said.format("sheet") in result.notes and _issued(record) == [said.format("sheet")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = cli("ingest", str(path), "--text", "answer", "--sheet", "Data")
    assert out.exit_code == 0 and said.format("--sheet") in " ".join(out.output.split()) and _issued(caught) == []


def _store_with_a_question_column(db_path: Path) -> None:
    rows = [(f"Answer {i}: the staff were kind and the wait was short.", {"question": "Q1"},
             ["staff"] if i % 2 else ["access"]) for i in range(12)]
    coded_store(db_path, rows)


def test_quotes_notes_are_on_the_frames_attrs_and_issued_alike(db_path):
    _store_with_a_question_column(db_path)
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning) as record:
        df = p.quotes("staff", by="question")
    notes = df.attrs["notes"]
    assert [n for n in notes if "own column 'question'" in n] == [
        "question: grouped by the documents' own column 'question'; the column each answer was read from is the "
        "attribute 'evalnlp_question' (by='evalnlp_question')"]
    assert _issued(record) == notes
    assert copy.deepcopy(df).attrs["notes"] == notes


def test_evidence_notes_in_json_and_files_are_in_the_command_lines_words(cli, db_path, tmp_path):
    _store_with_a_question_column(db_path)
    out = cli("evidence", "--by", "question", "--format", "json")
    assert out.exit_code == 0
    printed = json.loads(out.stdout)["notes"]
    assert [n for n in printed if "own column" in n][0].endswith("(--by evalnlp_question)")
    with evalnlp.open(db_path) as p, pytest.warns(EvalnlpWarning):
        ev = p.evidence(by=["question"], output=tmp_path / "evidence.md")
    assert [n for n in ev.notes if "own column" in n][0].endswith("(by='evalnlp_question')")
    written = (tmp_path / "evidence.md").read_text(encoding="utf-8")
    assert "(--by evalnlp_question)" in written and "by='evalnlp_question'" not in written
