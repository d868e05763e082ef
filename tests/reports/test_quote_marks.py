"""One rule for quotation marks: every readable form (terminal, Markdown, Word, HTML, the report) shows a quote as
the text as stored in curly double quotation marks; the data forms (CSV, JSON, workbook) hold the text alone.
A line to paste into a report reads as a quotation and its attribution, without the model's score."""

from __future__ import annotations

import dataclasses
import json
from html import unescape

import pandas as pd

from evalnlp.reports import write_evidence, write_quotes
from evalnlp.reports._common import quoted

#: A quote that starts with a single quotation mark and holds double ones: the forms showed it with curly
#: marks, with none, or (starting with a mark) bare.
TEXT = "'What went well' rounds open every \"huddle\" on the ward now, and people speak up."
SHOWN = f"\u201c{TEXT}\u201d"


def test_the_rule():
    assert quoted("It helped.") == "\u201cIt helped.\u201d"
    assert quoted(TEXT) == SHOWN
    assert quoted('"Excellent care."') == '"Excellent care."'  # one quotation from end to end: not in two pairs
    assert quoted('"Good" and "kind"') == '\u201c"Good" and "kind"\u201d'
    assert quoted(None) == "" and quoted("") == ""


def test_quote_files_show_the_one_form_and_no_score(quotes, cb, tmp_path):
    import docx

    mine = quotes.copy()
    mine.loc[mine.index[0], "text"] = TEXT
    md = write_quotes(mine, tmp_path / "q.md", codebook=cb).read_text(encoding="utf-8")
    assert f"> {SHOWN}\n" in md
    assert all(f"> {quoted(t)}\n" in md for t in mine["text"])
    assert "score" not in md
    cells = [c.text for t in docx.Document(str(write_quotes(mine, tmp_path / "q.docx"))).tables
             for row in t.rows for c in row.cells]
    assert SHOWN in cells and TEXT not in cells
    back = pd.read_csv(write_quotes(mine, tmp_path / "q.csv"), dtype=str, keep_default_na=False)
    assert back["text"].iloc[0] == TEXT
    doc = json.loads(write_quotes(mine, tmp_path / "q.json").read_text(encoding="utf-8"))
    assert doc["quotes"][0]["text"] == TEXT


def test_evidence_forms_show_a_claims_quote_testimonial_and_best_quote_alike(evidence, tmp_path):
    import docx

    claims = evidence.claims.copy()
    first = [dict(q) for q in claims["quotes"].iloc[0]]
    first[0]["text"] = TEXT
    claims["quotes"] = [first, *claims["quotes"].iloc[1:]]
    claims["testimonials"] = [[{"quote": TEXT.replace("ward", "unit"), "speaker": "A ward manager", "source_ref": None,
                                "source": "case.docx", "locator": "paragraph 3", "doc_id": "d", "theme": "engagement",
                                "source_entries": []}], *[[] for _ in range(len(claims) - 1)]]
    themes = evidence.themes.copy()
    themes.loc[themes.index[0], "quote"] = TEXT.replace("ward", "team")
    ev = dataclasses.replace(evidence, claims=claims, themes=themes)
    said = [SHOWN, quoted(TEXT.replace("ward", "unit")), quoted(TEXT.replace("ward", "team"))]

    md = write_evidence(ev, tmp_path / "e.md")[0].read_text(encoding="utf-8")
    assert f"> {said[0]}\n" in md and f"> {said[1]}\n" in md and f"| {said[2]} |" in md
    page = unescape(write_evidence(ev, tmp_path / "e.html")[0].read_text(encoding="utf-8"))
    assert all(f"<p>{s}</p>" in page or f"<td>{s}</td>" in page for s in said)
    document = docx.Document(str(write_evidence(ev, tmp_path / "e.docx")[0]))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert any(p.startswith(f"{said[0]} \u2014 ") for p in paragraphs)
    assert any(p.startswith(f"{said[1]} \u2014 ") for p in paragraphs) and said[2] in cells
    # the claim table's best quote reads as the claim's first quote does
    assert f"| {said[0]} |" in md and said[0] in cells

    back = pd.read_csv(write_evidence(ev, tmp_path / "e.csv")[0], dtype=str, keep_default_na=False)
    assert back["quote"].iloc[0] == TEXT.replace("ward", "team")


def test_the_terminal_shows_a_quote_and_its_attribution_as_the_files_do(cli, db_path, cb, corpus, quotes, tmp_path):
    """The terminal table showed the quote bare and its attribution as ``speaker, ref (source locator)``, where
    the files give ``speaker ref; source, locator``: a line copied from either now reads alike."""
    from evalnlp.reports._common import attribution
    from evalnlp.store import Store

    store = Store(db_path)
    corpus.build_store(store, cb.theme_ids)
    store.close()
    result = cli("--quiet", "quotes", "--theme", "engagement", "-n", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)["quotes"]
    result = cli("quotes", "--theme", "engagement", "-n", "2")
    assert result.exit_code == 0, result.output
    rows, cells = [], None
    for line in result.output.splitlines():  # each row's cells, their folded lines joined
        if line.startswith("\u2502"):
            parts = [p.strip() for p in line.strip("\u2502").split("\u2502")]
            cells = [f"{a} {b}".strip() for a, b in zip(cells, parts)] if cells else parts
        elif cells:
            rows.append(cells)
            cells = None
    assert [r[1:3] for r in rows] == [[quoted(r["text"]), attribution(r)] for r in records]
