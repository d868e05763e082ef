"""The command contract: global options, help text for every command, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import re

import pytest

from evalnlp import __version__
from evalnlp.cli import app


def command_names() -> list[str]:
    names = []
    for cmd in app.registered_commands:
        names.append(cmd.name or cmd.callback.__name__.replace("_", "-"))
    for group in app.registered_groups:
        names.append(group.name)
    return names


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"evalnlp {__version__}"


def test_top_level_help_lists_every_command(runner):
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in command_names():
        assert name in result.stdout


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_text(runner, name):
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    # the first line of the docstring is shown: a real sentence, not an empty help
    cmd = next((c for c in app.registered_commands if (c.name or c.callback.__name__.replace("_", "-")) == name), None)
    if cmd is not None:
        assert cmd.callback.__doc__ and len(cmd.callback.__doc__.strip()) > 20


def test_usage_error_exits_2(runner):
    result = runner.invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["ingest"])  # missing FILE
    assert result.exit_code == 2


def test_data_error_exits_1_with_code_and_no_traceback(cli, tmp_path):
    result = cli("ingest", str(tmp_path / "missing.csv"), "--text", "a")
    assert result.exit_code == 1
    assert "E101" in result.output
    assert "Traceback" not in result.output


def test_runs_on_missing_store_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(app, ["--db", str(tmp_path / "none.duckdb"), "runs"])
    assert result.exit_code == 1
    assert "E404" in result.output


def test_db_from_environment(runner, tmp_path, monkeypatch):
    csv = tmp_path / "a.csv"
    csv.write_text("text\nhello there\n", encoding="utf-8")
    db = tmp_path / "env.duckdb"
    monkeypatch.setenv("EVALNLP_DB", str(db))
    result = runner.invoke(app, ["ingest", str(csv), "--text", "text"])
    assert result.exit_code == 0, result.output
    assert db.exists()


def test_quiet_prints_nothing_on_success(runner, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("text\nhello there\n", encoding="utf-8")
    res = runner.invoke(app, ["--quiet", "--db", str(tmp_path / "q.duckdb"), "ingest", str(csv), "--text", "text"])
    assert res.exit_code == 0
    assert res.stdout == ""


def test_quiet_with_an_output_file_prints_no_table(runner, tmp_path):
    """With --output the file is the result: --quiet leaves out the summary tables; without --output the table
    is the result and is printed, quiet or not."""
    csv = tmp_path / "a.csv"
    csv.write_text("text\nThe nurses were kind and caring\nLong wait in the clinic\n", encoding="utf-8")
    db = str(tmp_path / "q.duckdb")
    assert runner.invoke(app, ["--db", db, "classify", str(csv), "--text", "text", "--codebook", "fft"]).exit_code == 0
    for command in (["evidence", "--by", "source"], ["quotes", "--theme", "staff"]):
        out = tmp_path / "out.csv"
        quiet = runner.invoke(app, ["--db", db, *command, "--output", str(out), "-q"])
        assert quiet.exit_code == 0, quiet.output
        assert quiet.stdout == "" and out.stat().st_size > 0
        out.unlink()
        loud = runner.invoke(app, ["--db", db, *command, "--output", str(out)])
        assert loud.exit_code == 0 and "┃" in loud.stdout and f"wrote {out}" in " ".join(loud.stdout.split())
        table = runner.invoke(app, ["--db", db, *command, "-q"])
        assert table.exit_code == 0 and "┃" in table.stdout


def test_console_script_and_module_entry_point(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "evalnlp", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"evalnlp {__version__}"


def test_runs_lists_ingest_and_classify_runs(runner, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("text\nThe course gave me confidence to lead.\n\n", encoding="utf-8")
    db = str(tmp_path / "r.duckdb")
    assert runner.invoke(app, ["--db", db, "ingest", str(csv), "--text", "text"]).exit_code == 0
    assert runner.invoke(app, ["--db", db, "classify", "--codebook", "impact"]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "runs", "--rejects"])
    assert result.exit_code == 0, result.output
    assert "ingest" in result.stdout and "classify" in result.stdout and "impact" in result.stdout
    result = runner.invoke(app, ["--db", db, "runs", "--format", "json"])
    import json

    runs = json.loads(result.stdout)["runs"]
    assert [r["command"] for r in runs] == ["ingest", "classify"]
    assert all(r["n_in"] == r["n_ok"] + r["n_rejected"] for r in runs)
    # what a run was asked and the versions it ran with are objects, not JSON text inside a string
    assert runs[1]["args"]["codebook"] == "impact" and isinstance(runs[1]["versions"], dict)


def test_runs_keep_each_files_counts_and_classify_its_read_options(runner, tmp_path):
    """A folder is one run: its arguments keep each file's counts (which add up to the run's) and classify's
    keep the options it read the files with (--id, --meta, --sheet), as ingest's do."""
    import json

    folder = tmp_path / "jan"
    folder.mkdir()
    (folder / "a.csv").write_text("id,comment,ward\n1,Kind staff.,W1\n2,,W2\n", encoding="utf-8")
    (folder / "b.csv").write_text("id,comment,ward\n3,Long wait.,W1\n4,Cold food.,W2\n5,Lovely.,W3\n",
                                  encoding="utf-8")
    db = str(tmp_path / "r.duckdb")
    result = runner.invoke(app, ["--db", db, "classify", str(folder), "--text", "comment", "--id", "id",
                                 "--meta", "ward", "--codebook", "fft"])
    assert result.exit_code == 0, result.output
    run = json.loads(runner.invoke(app, ["--db", db, "runs", "--format", "json"]).stdout)["runs"][0]
    assert (run["args"]["id"], run["args"]["meta"], run["args"]["sheet"]) == ("id", ["ward"], None)
    files = {f["file"]: (f["n_in"], f["n_ok"], f["n_new"], f["n_rejected"]) for f in run["args"]["per_file"]}
    assert files == {"a.csv": (2, 1, 1, 1), "b.csv": (3, 3, 3, 0)}
    assert sum(v[0] for v in files.values()) == run["n_in"] and sum(v[3] for v in files.values()) == run["n_rejected"]


def test_error_messages_keep_their_brackets(monkeypatch):
    """Square brackets in messages (codes, extras such as evalnlp[topics]) are printed, not taken as markup."""
    import io

    import typer
    from rich.console import Console

    import evalnlp.cli._app as app_module
    from evalnlp.errors import missing_extra

    @app_module.handle_errors
    def boom():
        raise missing_extra("bertopic", "topics", "Theme discovery")

    buf = io.StringIO()
    monkeypatch.setattr(app_module, "err_console", Console(file=buf, width=200))
    with pytest.raises(typer.Exit) as info:
        boom()
    assert info.value.exit_code == 1
    assert 'pip install "evalnlp[topics]"' in buf.getvalue() and "[E501]" in buf.getvalue()


def test_global_options_also_work_after_the_command(runner, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("text\nhello there\n", encoding="utf-8")
    db = tmp_path / "after.duckdb"
    res = runner.invoke(app, ["ingest", str(csv), "--text", "text", "--db", str(db), "-q"])
    assert res.exit_code == 0, res.output
    assert res.stdout == "" and db.exists()
    res = runner.invoke(app, ["runs", "--quiet", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert [r["command"] for r in json.loads(res.stdout)["runs"]] == ["ingest"]
    # before the command they still work, and after it they win
    res = runner.invoke(app, ["--db", str(tmp_path / "other.duckdb"), "runs", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["runs"][0]["command"] == "ingest"
    res = runner.invoke(app, ["codebook", "list", "-q"])
    assert res.exit_code == 0 and "impact" in res.stdout
    # the commands of the codes and review groups too
    res = runner.invoke(app, ["codes", "list", "--db", str(db), "-q", "--format", "json"])
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)


@pytest.mark.parametrize("name", [None, "classify", "runs", "quotes", "codebook show", "codes import",
                                  "review export", "review import"])
def test_help_shows_flags_as_flags(runner, name):
    result = runner.invoke(app, [*(name.split() if name else []), "--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    line = next(line for line in result.stdout.splitlines() if "--help" in line)
    assert re.search(r"--help\s+Show this message", line), line  # no metavar between the flag and its help
    if name == "classify":
        assert "<str>" in next(line for line in result.stdout.splitlines() if "--codebook" in line)


def test_runs_lists_rejects_in_natural_order(runner, tmp_path):
    csv = tmp_path / "a.csv"
    blank = {9, 10, 1333, 10532}
    csv.write_text("text\n" + "".join(" \n" if i in blank else f"answer {i}\n" for i in range(1, 10600)),
                   encoding="utf-8")
    db = str(tmp_path / "r.duckdb")
    assert runner.invoke(app, ["--db", db, "ingest", str(csv), "--text", "text"]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "runs", "--rejects"])
    assert result.exit_code == 0, result.output
    found = [w for line in result.stdout.splitlines() for w in ["row 9", "row 10", "row 1333", "row 10532"]
             if f"{w} " in line and "E141" in line]
    assert found == ["row 9", "row 10", "row 1333", "row 10532"]
    rejects = json.loads(runner.invoke(app, ["--db", db, "runs", "--rejects", "--format", "json"]).stdout)["rejects"]
    assert [r["locator"] for r in rejects] == ["row 9", "row 10", "row 1333", "row 10532"]


def test_codebook_show_marks_the_catch_all_theme(runner):
    shown = runner.invoke(app, ["codebook", "show", "fft"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.stdout.splitlines() if "catch-all" in line]
    assert lines and all("Miscellaneous" in line for line in lines[:1])
    assert "catch-all" not in runner.invoke(app, ["codebook", "show", "impact"], env={"COLUMNS": "200"}).stdout


def test_codebook_show_shows_the_hierarchy_and_the_include_and_exclude_notes(runner, tmp_path):
    """A user's sub-themes and notes were written in the YAML but `codebook show` left them out: nothing said
    that `diet` sits under `change`, or what counts and what does not."""
    own = tmp_path / "own.yaml"
    own.write_text("id: own\nthemes:\n  - id: change\n    label: Change\n    definition: Doing something new.\n"
                   "    include: Any habit started.\n    exclude: Plans only.\n"
                   "  - id: diet\n    label: Diet\n    definition: Eating differently.\n    parent: change\n",
                   encoding="utf-8")
    shown = runner.invoke(app, ["codebook", "show", str(own)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    header = next(line for line in shown.stdout.splitlines() if " id " in line)
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == ["id", "label", "parent", "definition", "keywords"]
    diet = next(line for line in shown.stdout.splitlines() if " diet " in line)
    assert [c.strip() for c in diet.strip("│ ").split("│")][:3] == ["diet", "Diet", "change"]
    assert "include: Any habit started." in shown.stdout and "exclude: Plans only." in shown.stdout
    plain = runner.invoke(app, ["codebook", "show", "fft"], env={"COLUMNS": "200"}).stdout
    assert "parent" not in next(line for line in plain.splitlines() if " id " in line)


@pytest.mark.parametrize("name", ["ingest", "classify", "extract", "codes import", "export"])
def test_positional_arguments_are_named_as_the_readme_writes_them(runner, name):
    """FILE, as in the README's command table, not Typer's {files} from the parameter's name."""
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0
    usage = next(line for line in result.stdout.splitlines() if "Usage:" in line)
    assert "FILE" in usage and "file" not in usage.split("[OPTIONS]")[1], usage
    missing = runner.invoke(app, ["ingest"])
    assert missing.exit_code == 2 and "Missing argument 'FILE'" in missing.output



def test_runs_of_an_unknown_run_id_is_e407(runner, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("text\nhello there\n", encoding="utf-8")
    db = str(tmp_path / "r.duckdb")
    assert runner.invoke(app, ["--db", db, "ingest", str(csv), "--text", "text"]).exit_code == 0
    for extra in ([], ["--rejects"], ["--format", "json"]):
        result = runner.invoke(app, ["--db", db, "runs", "--run", "nosuch", *extra])
        assert result.exit_code == 1 and "[E407]" in result.output, result.output


def test_a_users_own_codebook_is_found_by_its_id_once_the_store_coded_with_it(cli, tmp_path):
    """After `classify --codebook lead.yaml`, the commands take `--codebook nhs_lead` (the id its messages show,
    and the one E420 suggests): the path the store's runs recorded is read. An id the store never coded with is
    still E201."""
    book = tmp_path / "lead.yaml"
    book.write_text("id: nhs_lead\ntitle: Leadership\nthemes:\n"
                    "  - id: confidence\n    label: Confidence\n    definition: Feeling more confident as a leader.\n"
                    "    keywords: [confident, confidence]\n"
                    "  - id: teamwork\n    label: Teamwork\n    definition: Working better with the team.\n"
                    "    keywords: [team, together]\n", encoding="utf-8")
    answers = tmp_path / "answers.csv"
    answers.write_text("id,text\n1,I feel more confident leading meetings\n2,Our team works together better\n",
                       encoding="utf-8")
    assert cli("classify", str(answers), "--text", "text", "--codebook", str(book)).exit_code == 0
    evidence = cli("evidence", "--codebook", "nhs_lead", "--format", "json")
    assert evidence.exit_code == 0, evidence.output
    assert {t["theme"] for t in json.loads(evidence.stdout)["themes"]} == {"confidence", "teamwork"}
    again = cli("classify", "--codebook", "nhs_lead", "--recode")
    assert again.exit_code == 0, again.output
    review = cli("review", "export", str(tmp_path / "r.xlsx"), "--codebook", "nhs_lead", "-n", "2")
    assert review.exit_code == 0, review.output
    unknown = cli("evidence", "--codebook", "nhs_leed")
    assert unknown.exit_code == 1 and "E201" in unknown.output
