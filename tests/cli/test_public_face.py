"""Every command is documented in the README, answers --help, and has its step on Project (the notebook face)."""

from __future__ import annotations

import re

import pytest
import typer
from helpers import REPO

from evalnlp import api
from evalnlp.cli import app

# command path -> the Project method that runs the same code. The codebook commands act on codebook files, not
# on a project store: they map to the library functions the commands call.
STEPS = {
    "ingest": "Project.ingest", "classify": "Project.classify", "train": "Project.train",
    "evaluate": "Project.evaluate", "extract": "Project.extract", "evidence": "Project.evidence",
    "quotes": "Project.quotes", "report": "Project.report", "discover": "Project.discover", "runs": "Project.runs",
    "agreement": "Project.agreement", "codes import": "Project.import_codes", "codes list": "Project.coders",
    "review export": "Project.review_export", "review import": "Project.review_import",
    "export": "Project.export_qdpx", "import": "Project.import_qdpx",
    "codebook list": "evalnlp.codebook.list_codebooks", "codebook show": "evalnlp.codebook.load_codebook",
    "codebook validate": "evalnlp.codebook.load_codebook", "codebook import": "evalnlp.api.codebook_import",
}


def _commands(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):  # a group (typer vendors its own click classes)
            out += _commands(command, prefix + (name,))
        else:
            out.append(prefix + (name,))
    return out


COMMANDS = _commands(typer.main.get_command(app))


def test_the_command_list_is_what_this_test_knows():
    assert {" ".join(c) for c in COMMANDS} == set(STEPS)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_answers_help(runner, path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and " ".join(path) in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_commands_help_fills_the_terminals_lines(runner, path):
    """The description under Usage is wrapped to the terminal's width, as a paragraph: each line but a paragraph's
    last is full, so the next line's first word would not have fitted on it (the docstring's own line breaks, at
    about 110 characters, made every other line at 80 columns end half way across)."""
    result = runner.invoke(app, [*path, "--help"], terminal_width=80, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    start = next(i for i, line in enumerate(lines) if "Usage:" in line) + 1
    end = next(i for i, line in enumerate(lines) if "\u256d" in line)  # the first box (arguments or options)
    description = [line.strip() for line in lines[start:end]]
    assert any(description), result.output
    for line, after in zip(description, description[1:]):
        if line and after:
            assert len(line) + 1 + len(after.split()[0]) > 78, (line, after)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if len(path) == 1:
        assert re.search(rf"evalnlp {path[0]}\b", readme), path
    else:  # "evalnlp codes import", or a table row "evalnlp codebook list|show|validate"
        group, sub = path
        assert re.search(rf"evalnlp {group} (\S*\|)?{sub}\b", readme), path


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_its_step_in_the_library(path):
    import importlib

    target = STEPS[" ".join(path)]
    owner, _, name = target.rpartition(".")
    obj = api.Project if owner == "Project" else importlib.import_module(owner)
    assert callable(getattr(obj, name)), target


def test_project_steps_run_the_commands_code(tmp_path):
    """The notebook face gives the same results as the functions the commands call."""
    csv = tmp_path / "survey.csv"
    csv.write_text("id,ward,answer\n1,A,The staff were kind and explained everything.\n"
                   "2,B,Waited four hours and nobody told us why.\n", encoding="utf-8")
    with api.Project(tmp_path / "p.duckdb") as project:
        project.classify(csv, text=["answer"], id="id", meta=["ward"], codebook="fft")
        ev = project.evidence(by=["ward"], codebook="fft")
        direct = api.evidence(project.store, by=["ward"], codebook="fft")
        assert ev.themes.equals(direct.themes)
        quotes = project.quotes("staff", codebook="fft")
        assert quotes.equals(api.quotes(project.store, "staff", codebook="fft"))
        out = project.report(tmp_path / "r.html", codebook="fft")
        assert out.exists() and out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def _options_of(path):
    group = typer.main.get_command(app)
    command = group
    for name in path:
        command = command.commands[name]
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


@pytest.mark.parametrize("path", [c for c in COMMANDS if "--format" in _options_of(c)], ids=" ".join)
def test_format_is_one_shared_choice(runner, path):
    """Every --format takes the same choices, listed in --help and checked before the command runs."""
    assert "table|json" in runner.invoke(app, [*path, "--help"]).output
    result = runner.invoke(app, [*path, "--format", "xml"])
    assert result.exit_code == 2 and "'xml' is not one of" in result.output


def test_shared_options_read_the_same_everywhere(runner):
    """--redact, --keep-names and --codebook of the reporting commands are one definition each."""
    def param(path, flag):
        command = typer.main.get_command(app)
        for name in path:
            command = command.commands[name]
        return next(p for p in command.params if flag in getattr(p, "opts", []))

    reporting = (("evidence",), ("quotes",), ("report",))
    for flag in ("--keep-names", "--redact", "--codebook"):
        assert len({(param(p, flag).help, param(p, flag).default) for p in reporting}) == 1, flag
    for flag in ("--text", "--id", "--meta", "--unit", "--sheet"):
        assert param(("ingest",), flag).help == param(("classify",), flag).help, flag
    result = runner.invoke(app, ["ingest", "x.csv", "--unit", "word"])
    assert result.exit_code == 2 and "'word' is not one of" in result.output


@pytest.mark.parametrize("path, flag, words", [
    (("classify",), "--unit", "each answer whole (response) or each of its sentences (sentence)"),
    (("classify",), "--id", "rather than by its row number (row 7)"),
    (("evidence",), "--claims", "each with the themes that support it"),
    (("evidence",), "--format", "a table to read, or json for scripts"),
    (("quotes",), "--by", "the best quotes for each group of this attribute (a metadata column, question or source)"),
    (("quotes",), "--output", "Write the quotes to a file"),
    (("review", "export"), "-n", "fewer when fewer are left to review"),
    (("review", "export"), "--strategy", "diverse (passages unlike one another"),
    (("review", "export"), "--theme", "Only passages for this theme id"),
])
def test_an_options_help_says_what_it_does_in_a_new_users_words(path, flag, words):
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    param = next(p for p in command.params if flag in getattr(p, "opts", []))
    assert words in " ".join(param.help.split()), param.help


def test_extracts_help_says_a_folder_stands_for_its_documents(runner):
    """The README reads a case study and its folder of letters in one command (``extract case_study.docx
    letters/``), but ``extract --help`` named files only."""
    result = runner.invoke(app, ["extract", "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "a folder or a quoted glob pattern ('letters/*.pdf') stands for the narrative documents it holds" in \
        " ".join(result.output.replace("\u2502", " ").split())
