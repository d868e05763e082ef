"""Evidence and quote files from documents whose metadata is named like evalnlp's own columns (and whose
values are named like them too): every attribute keeps its name and values, evalnlp's columns move aside."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from evalnlp import api
from evalnlp.errors import InputError, command_line
from evalnlp.evidence import build_evidence
from evalnlp.quotes import QUOTE_COLUMNS, load_corpus, rank_quotes
from evalnlp.reports import write_evidence, write_quotes
from evalnlp.store import Store

COMMENTS = [
    "The programme brought the whole team together and everyone joined the planning sessions.",
    "We met partners from three trusts and still work with them every month.",
    "Staff took part in every workshop and shaped the new rota together.",
    "I now lead the weekly huddle and colleagues come to me for advice.",
    "Patients were invited to the design days and their views changed the plan.",
    "The network of mentors kept us going through a hard winter on the ward.",
]
#: every name here is also a column or key evalnlp writes
CLASHING = ["theme", "text", "score", "source", "locator", "question", "kind", "group", "attrs", "speaker",
            "label", "Theme"]


@pytest.fixture(scope="module")
def clash(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clash")
    rows = pd.DataFrame({"rid": [f"R{i}" for i in range(len(COMMENTS))], "comment": COMMENTS,
                         # group values that are column names of evalnlp's tables
                         "site": ["Theme", "North", "Theme", "North", "Theme", "Theme"]})
    for name in CLASHING:
        rows[name] = [f"user {name} {i}" for i in range(len(COMMENTS))]
    rows["question"] = ["Q1", "Q2", "Q1", "Q2", "Q1", "Q2"]
    rows["kind"] = ["survey", "survey", "survey", "interview", "interview", "interview"]
    path = folder / "survey.csv"
    rows.to_csv(path, index=False)
    store = Store(folder / "clash.duckdb")
    api.ingest(store, [path], text=["comment"], id="rid")
    segments = store.table("segments")
    codes = pd.DataFrame({"seg_id": list(segments["seg_id"]) * 2,
                          "theme": ["engagement"] * len(segments) + ["relationships"] * len(segments),
                          "score": [0.9] * len(segments) + [0.3] * len(segments),
                          "assigned": [True] * len(segments) + [i % 2 == 0 for i in range(len(segments))]})
    with store.transaction():
        run = store.start_run("classify", {})
        store.replace_codes(codes, "model:test", run)
        store.finish_run(run, n_in=0, n_ok=0, n_rejected=0)
    yield store, rows.set_index("rid")
    store.close()


def test_metadata_wins_a_name_and_the_builtin_moves_to_evalnlp_name(clash, cb):
    store, rows = clash
    ev = build_evidence(store, cb, by=["question", "evalnlp_question", "kind", "evalnlp_kind", "source",
                                       "evalnlp_source"], redact=False)
    groups = {attr: set(m["group"]) for attr, m in ev.matrices.items()}
    assert groups["question"] == {"Q1", "Q2"} and groups["evalnlp_question"] == {"comment"}
    assert groups["kind"] == {"survey", "interview"} and groups["evalnlp_kind"] == {"response"}
    assert groups["source"] == {f"user source {i}" for i in range(6)} and groups["evalnlp_source"] == {"survey.csv"}
    # grouping by a name that is the file's column says so, and names the built-in's new name; the built-in
    # names themselves need no note
    for attr, builtin in (("question", "evalnlp_question"), ("kind", "evalnlp_kind"), ("source", "evalnlp_source")):
        said = [n for n in ev.notes if n.startswith(f"{attr}: ")]
        assert said == [f"{attr}: grouped by the documents' own column {attr!r}; " + {
            "question": "the column each answer was read from",
            "kind": "whether a document is a table's answer or a narrative's passage",
            "source": "the file each document was read from"}[attr] + f" is the attribute {builtin!r} (by={builtin!r})"]
        assert command_line(said[0]).endswith(f" (--by {builtin})")
        assert api.attribute_note(store, attr, "impact") == said[0]
        assert api.attribute_note(store, builtin, "impact") is None and not any(n.startswith(f"{builtin}:") for n in ev.notes)
    assert api.attribute_note(store, "site", "impact") is None
    with pytest.raises(InputError) as err:
        build_evidence(store, cb, by=["nope"])
    assert "evalnlp_question" in err.value.message and "'question'" not in err.value.message.split("Expected")[0]


def test_a_group_named_theme_does_not_replace_the_theme_column(clash, cb, tmp_path):
    store, _ = clash
    ev = build_evidence(store, cb, by=["site"], redact=False)
    label = "Engagement & involvement"

    md = write_evidence(ev, tmp_path / "e.md")[0].read_text(encoding="utf-8")
    assert "| evalnlp_Theme | North | Theme |" in md
    by_site = md.split("## Themes by site")[1]
    line = next(row for row in by_site.splitlines() if row.startswith(f"| {label} |"))
    assert line == f"| {label} | 2/2 (100.0%) | 4/4 (100.0%) |"

    import docx

    tables = docx.Document(str(write_evidence(ev, tmp_path / "e.docx")[0])).tables
    by_site = next(t for t in tables if t.rows[0].cells[0].text == "evalnlp_Theme")
    assert [c.text for c in by_site.rows[0].cells] == ["evalnlp_Theme", "North", "Theme"]
    assert [c.text for c in by_site.rows[1].cells] == [label, "2/2 (100.0%)", "4/4 (100.0%)"]

    html = write_evidence(ev, tmp_path / "e.html")[0].read_text(encoding="utf-8")
    assert '<th scope="col">evalnlp_Theme</th><th scope="col">North</th><th scope="col">Theme</th>' in html

    from openpyxl import load_workbook

    sheet = load_workbook(write_evidence(ev, tmp_path / "e.xlsx")[0])["by site"]
    long = pd.DataFrame(list(sheet.iter_rows(min_row=2, values_only=True)),
                        columns=[c.value for c in sheet[1]])
    assert set(long["group"]) == {"North", "Theme"}
    matrices = pd.read_csv(write_evidence(ev, tmp_path / "e.csv")[1], keep_default_na=False)
    assert set(matrices["group"]) == {"North", "Theme"} and set(matrices["attribute"]) == {"site"}
    doc = json.loads((write_evidence(ev, tmp_path / "e.json")[0]).read_text(encoding="utf-8"))
    assert {r["group"] for r in doc["matrices"]["site"]} == {"North", "Theme"}


def test_quote_files_keep_every_attribute_beside_the_quote(clash, cb, tmp_path):
    store, rows = clash
    quotes = rank_quotes(store, cb, "engagement", n=6, by="site", redact=False, corpus=load_corpus(store, cb))
    assert len(quotes) >= 4
    assert list(quotes.columns[:len(QUOTE_COLUMNS)]) == QUOTE_COLUMNS
    expected = {rid: {k: str(v) for k, v in row.items() if k != "comment"} | {"rid": rid}
                for rid, row in rows.iterrows()}
    rid_of = {c: rid for rid, c in rows["comment"].items()}

    back = pd.read_csv(write_quotes(quotes, tmp_path / "q.csv"), dtype=str, keep_default_na=False)
    assert len(back.columns) == len(set(back.columns))
    for r in back.itertuples():
        rid = rid_of[r.text]  # evalnlp's text is the quote, not the user's 'text' attribute
        assert json.loads(r.attrs) == expected[rid]
        assert r.group == expected[rid]["site"] and r.theme == "engagement"
        assert r.source == "survey.csv" and r.locator == f"rid={rid}"

    doc = json.loads(write_quotes(quotes, tmp_path / "q.json").read_text(encoding="utf-8"))
    for q in doc["quotes"]:
        rid = rid_of[q["text"]]
        assert q["attrs"] == expected[rid]
        assert list(q["attrs"]) == ["rid", "site", *CLASHING]  # the input's order
        assert q["group"] == expected[rid]["site"] and q["source"] == "survey.csv"

    md = write_quotes(quotes, tmp_path / "q.md", codebook=cb).read_text(encoding="utf-8")
    assert all(f"> \u201c{t}\u201d" in md for t in quotes["text"])
    assert "user text" not in md and "user speaker" not in md
