"""What the terminal tables show: data exactly as written, the group of each quote, readable matrices."""

from __future__ import annotations

import json

import pandas as pd
from helpers import coded_store

BRACKETED = "Staff explained [this] part [of the conflict] and what we [should] do, kindly and with patience."


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def test_data_table_prints_brackets_and_emoji_codes_as_written():
    import io

    from rich.console import Console

    from evalnlp.cli._app import data_table

    table = data_table(["a [b]", "c"], [("[this] and [of the conflict]", ":smile: [should]"), (None, 3)],
                       title="title [x]", caption="caption [y]")
    buf = io.StringIO()
    Console(file=buf, width=200).print(table)
    out = buf.getvalue()
    for piece in ("a [b]", "[this] and [of the conflict]", ":smile: [should]", "title [x]", "caption [y]"):
        assert piece in out


def test_extract_table_keeps_bracketed_words(runner, tmp_path):
    from evalnlp.cli import app

    case = tmp_path / "case [final].txt"
    case.write_text("The evaluation spoke to staff across the region.\n\n\u201cThe programme changed how [this] "
                    "team works and what we [should] do next,\u201d said the Director of Nursing [C].\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["extract", str(case)])
    assert result.exit_code == 0, result.output
    # the quote cell may wrap inside the table: check the bracketed words in their context, line by line
    assert "The programme changed how [this] team works and what we [should]" in result.stdout
    assert "case [final].txt: 1 testimonial" in result.stdout and "1 testimonials" not in result.stdout


def test_quotes_table_keeps_bracketed_words(cli, db_path):
    coded_store(db_path, [(BRACKETED, {"ward": "North"}, ["staff"])])
    result = cli("quotes", "--theme", "staff", "--no-redact")
    assert result.exit_code == 0, result.output
    flat = " ".join(" ".join(line.strip("│ ").split()) for line in lines_of(result.stdout))
    for piece in ("[this]", "[of the conflict]", "[should]"):
        assert piece in flat


def test_evidence_tables_keep_bracketed_group_names_and_claims(cli, db_path, tmp_path):
    coded_store(db_path, [("The nurses were kind.", {"ward": "Ward [north]"}, ["staff"]),
                          ("Clean rooms and good food.", {"ward": "Ward [south]"}, ["environment_facilities"])])
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - id: c1\n    text: Staff were kind [to patients].\n    themes: [staff]\n",
                      encoding="utf-8")
    result = cli("evidence", "--by", "ward", "--claims", str(claims), "--no-redact")
    assert result.exit_code == 0, result.output
    for piece in ("Ward [north]", "Ward [south]", "[to patients]"):
        assert piece in result.stdout


def test_runs_and_ingest_tables_keep_bracketed_names(cli, tmp_path):
    f = tmp_path / "survey [v2].csv"
    f.write_text("id,q [a],q [b]\n1,fine,\n2,good,ok\n", encoding="utf-8")
    result = cli("ingest", str(f), "--text", "q [a]", "--text", "q [b]", "--id", "id")
    assert result.exit_code == 0, result.output
    assert "survey [v2].csv" in result.stdout
    result = cli("runs", "--rejects")
    assert result.exit_code == 0, result.output
    assert "the 'q [b]' answer is empty" in result.stdout


def test_ingest_table_never_cuts_a_file_name_short(cli, tmp_path):
    """In a log or a pipe (120 columns), files named alike all showed as `feb_trust_c_site…`: a file's name is
    shown whole, so their counts can be told apart."""
    folder = tmp_path / "feb"
    folder.mkdir()
    for i in (1, 2, 3):
        (folder / f"feb_trust_c_site{i}_export_final.csv").write_text(
            "id,comment\n" + "".join(f"{i}{j},Answer {j} from site {i}.\n" for j in range(i)), encoding="utf-8")
    result = cli("ingest", str(folder), "--text", "comment", "--id", "id")
    assert result.exit_code == 0, result.output
    for i in (1, 2, 3):
        assert f"feb_trust_c_site{i}_export_final.csv" in result.stdout
    assert "…" not in result.stdout


def test_quotes_by_a_group_show_each_quote_s_group(cli, db_path):
    rows = [(f"The staff on this ward were kind and helpful to me, visit {i}.", {"Ward": ward}, ["staff"])
            for i, ward in enumerate(["Kestrel", "Kestrel", "Heron", "Osprey"])]
    coded_store(db_path, rows)
    result = cli("quotes", "--theme", "staff", "--by", "Ward", "-n", "1")
    assert result.exit_code == 0, result.output
    header = next(line for line in lines_of(result.stdout) if "quote" in line and "attribution" in line)
    assert "Ward" in header
    body = [line for line in lines_of(result.stdout) if "The staff" in line]
    assert [next(w for w in ("Heron", "Kestrel", "Osprey") if w in line) for line in body] == \
        ["Heron", "Kestrel", "Osprey"]
    data = json.loads(cli("quotes", "--theme", "staff", "--by", "Ward", "-n", "1", "--format", "json").stdout)
    assert [q["group"] for q in data["quotes"]] == ["Heron", "Kestrel", "Osprey"]


def forty_wards() -> list[tuple[str, dict, list[str]]]:
    rows = []
    for w in range(40):
        for k in range(1 + (w % 3 == 0) + (w == 7) * 5):  # ward 7 the largest, every third ward two answers
            rows.append((f"Answer {k} from ward {w}: the nurses were kind.", {"ward": f"W{w}"},
                         ["staff"] if (w + k) % 2 else ["care_received"]))
    return rows


def test_evidence_with_many_groups_shows_the_largest_and_says_how_many_were_left_out(cli, db_path, tmp_path):
    from evalnlp.cli.evidence import MAX_GROUP_COLUMNS

    coded_store(db_path, forty_wards())
    out = tmp_path / "evidence.csv"
    result = cli("evidence", "--by", "ward", "--output", str(out))
    assert result.exit_code == 0, result.output
    matrix = result.stdout[result.stdout.index("share of documents by ward"):]
    header = next(line for line in lines_of(matrix) if "theme" in line)
    shown = [g for g in header.replace("┃", " ").split() if g.startswith("W")]
    assert 3 <= len(shown) <= MAX_GROUP_COLUMNS
    assert "W7" in shown  # the largest ward
    assert shown == sorted(shown, key=lambda g: int(g[1:]))  # in the table's own (natural) order
    left = 40 - len(shown)
    assert f"showing the {len(shown)} largest of 40 ward groups" in " ".join(matrix.split())
    matrices = tmp_path / "evidence.matrices.csv"  # the file of the set that holds the matrices
    assert f"{left} left out" in matrix and f"{matrices} has them all" in " ".join(matrix.split())
    # the file has every group, and so has the JSON
    written = pd.read_csv(tmp_path / "evidence.matrices.csv", dtype=str)
    assert written["group"].nunique() == 40
    data = json.loads(cli("evidence", "--by", "ward", "--format", "json").stdout)
    assert len({r["group"] for r in data["matrices"]["ward"]}) == 40


def test_evidence_without_output_says_how_to_get_every_group(cli, db_path):
    coded_store(db_path, forty_wards())
    result = cli("evidence", "--by", "ward")
    assert result.exit_code == 0, result.output
    assert "--output FILE" in result.stdout and "--format json" in result.stdout


def test_evidence_with_few_groups_shows_them_all(cli, db_path):
    rows = [(f"The nurses on ward {w} were kind.", {"ward": w}, ["staff"]) for w in ("W10", "W2", "W1")]
    coded_store(db_path, rows)
    result = cli("evidence", "--by", "ward")
    assert result.exit_code == 0, result.output
    header = next(line for line in lines_of(result.stdout[result.stdout.index("by ward"):]) if "theme" in line)
    assert header.replace("┃", " ").split()[1:] == ["W1", "W2", "W10"]
    assert "left out" not in result.stdout


def test_runs_table_json_and_api_use_one_vocabulary_for_counts(cli, tmp_path, db_path):
    f = tmp_path / "a.csv"
    f.write_text("text\nfine\n \n", encoding="utf-8")
    ingested = cli("ingest", str(f), "--text", "text")
    assert ingested.exit_code == 0
    assert "n_in 2 = n_ok 1 + n_rejected 1" in ingested.stdout
    table = cli("runs")
    assert table.exit_code == 0, table.output
    header = next(line for line in lines_of(table.stdout) if "run_id" in line)
    assert header.replace("┃", " ").split()[4:7] == ["n_in", "n_ok", "n_rejected"]
    runs = json.loads(cli("runs", "--format", "json").stdout)["runs"]
    assert (runs[0]["n_in"], runs[0]["n_ok"], runs[0]["n_rejected"]) == (2, 1, 1)
    import evalnlp

    with evalnlp.open(db_path) as project:
        row = project.runs().iloc[0]
    assert (row["n_in"], row["n_ok"], row["n_rejected"]) == (2, 1, 1)
    # the run's options and versions are objects in the JSON and dicts in Python (they were JSON text there)
    assert row["args"] == runs[0]["args"] and row["args"]["per_file"][0]["n_rejected"] == 1
    assert row["versions"] == runs[0]["versions"] and "evalnlp" in row["versions"]


def test_quotes_asks_for_a_number_it_can_rank(cli, tmp_path, db_path):
    """-n past what the store ranks is refused with a clear message (it was a DuckDB traceback from 25,000 on);
    the API says the same."""
    import pytest

    from evalnlp import api
    from evalnlp.errors import InputError
    from evalnlp.store import Store

    path = tmp_path / "c.csv"
    path.write_text("comment\nThe staff were lovely and kind\n", encoding="utf-8")
    assert cli("classify", str(path), "--text", "comment", "--codebook", "fft").exit_code == 0
    for n in ("25000", "0", "10001"):
        result = cli("quotes", "--theme", "staff", "-n", n)
        assert result.exit_code == 2 and "from 1 to 10,000" in result.output, result.output
    assert cli("quotes", "--theme", "staff", "-n", "10000").exit_code == 0
    with Store(db_path, read_only=True) as store:
        for n in (25_000, 0):  # a numbered error in Python too, naming the parameter
            with pytest.raises(InputError, match=r"\[E158\] n must be a whole number from 1 to 10,000"):
                api.quotes(store, "staff", n=n)


def test_empty_answers_say_so_instead_of_an_empty_table(cli, tmp_path):
    """`runs --rejects` with nothing rejected and `quotes` for a theme no passage has printed empty tables and
    nothing else; each now says what the empty answer means."""
    f = tmp_path / "a.csv"
    f.write_text("id,comment\n1,The staff were kind and caring.\n2,Staff were lovely to my mum.\n", encoding="utf-8")
    assert cli("classify", str(f), "--text", "comment", "--id", "id", "--codebook", "fft").exit_code == 0
    runs = cli("runs", "--rejects")
    assert runs.exit_code == 0 and "no rejected rows: every row read was accepted" in runs.stdout
    quotes = cli("quotes", "--theme", "dignity")
    assert quotes.exit_code == 0 and "no quotes: no coded passage has the theme 'dignity'" in " ".join(
        quotes.output.split())


def test_the_claims_table_shows_the_references_its_strength_counts(cli, db_path, tmp_path):
    """The claims table showed `sources 1` beside `moderate`, which needs two independent sources: the rating
    also counts the corroborating references testimonials cite, so the table shows them beside the files."""
    case = tmp_path / "case.txt"
    case.write_text(
        "Details of the impact\n\nThe Director of Education at Northshire Council said: \"the programme changed "
        "how every school in the county plans its reading lessons and trains its new teachers\" [5.1].\n\n"
        "Sources to corroborate the impact\n\n[5.1] Letter from the Director of Education, Northshire Council.\n",
        encoding="utf-8")
    assert cli("classify", str(case), "--codebook", "impact").exit_code == 0
    claims = tmp_path / "claims.yaml"
    themes = ", ".join(["engagement", "relationships", "service_improvement", "capability", "attitude_change",
                        "practice_change", "policy_influence", "economic_value", "reach_uptake", "endorsement"])
    claims.write_text(f"claims:\n  - id: c1\n    text: Schools changed.\n    themes: [{themes}]\n", encoding="utf-8")
    data = json.loads(cli("evidence", "--claims", str(claims), "--format", "json").stdout)["claims"][0]
    assert (data["sources"], data["references"], data["strength"]) == (1, 1, "moderate")
    result = cli("evidence", "--claims", str(claims))
    assert result.exit_code == 0, result.output
    assert "references" in result.output
    row = next(line for line in result.output.splitlines() if "c1" in line)
    assert [c.strip() for c in row.split("│")[5:8]] == ["1", "1", "moderate"]  # sources, references, strength
