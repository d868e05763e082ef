"""Every writer produces a file its own reader opens, with the right tables in it; writes are atomic."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from evalnlp.errors import InputError
from evalnlp.evidence import THEME_COLUMNS
from evalnlp.api import write_report
from evalnlp.reports import atomic_path, write_evidence, write_quotes


def test_xlsx_has_one_styled_sheet_per_table(evidence, tmp_path):
    from openpyxl import load_workbook

    (path,) = write_evidence(evidence, tmp_path / "evidence.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["themes", "by programme", "claims", "claim evidence", "strength rule", "notes",
                             "provenance"]
    ws = wb["themes"]
    assert [c.value for c in ws[1]] == THEME_COLUMNS
    assert ws.freeze_panes == "B2"
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    engagement = dict(zip(THEME_COLUMNS, rows["engagement"]))
    assert engagement["documents"] == 4 and engagement["n"] == 13
    assert ws.cell(row=2, column=THEME_COLUMNS.index("share") + 1).number_format == "0.0%"
    assert ws.column_dimensions["A"].width >= len("service_improvement")
    assert wb["by programme"].max_row == 1 + len(evidence.matrices["programme"])
    claims = [r for r in wb["claims"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in claims] == ["c1", "c2", "c3", "c4"]
    prov = {r[0]: r[1] for r in wb["provenance"].iter_rows(min_row=2, values_only=True)}
    assert prov["codebook"].startswith("impact") and "data: survey.csv" in prov


def test_docx_has_real_word_tables(evidence, tmp_path):
    import docx

    (path,) = write_evidence(evidence, tmp_path / "evidence.docx")
    document = docx.Document(str(path))
    tables = document.tables
    assert len(tables) == 4  # themes, by programme, claims, provenance
    header = [c.text for c in tables[0].rows[0].cells]
    assert header[:4] == ["Theme", "Passages", "Documents", "Share (95% CI)"]
    assert len(tables[0].rows) == 1 + len(evidence.themes)
    assert tables[0].rows[1].cells[0].text == "Engagement & involvement"
    assert [c.text for c in tables[1].rows[0].cells] == ["Theme", "Edward Jenner", "Mary Seacole",
                                                         "Rosalind Franklin", "(missing)"]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Strength rule" in headings and "Provenance" in headings


def test_docx_lists_each_claims_reach_figures_as_markdown_and_html_do(evidence, tmp_path):
    import dataclasses

    import docx

    claims = evidence.claims.copy()
    claims["reach"] = [[{"text": "over 1,200 patients", "source": "case.docx", "locator": "paragraph 4"}]] + \
        [[] for _ in range(len(claims) - 1)]
    evidence = dataclasses.replace(evidence, claims=claims)
    with_reach = [c for _, c in evidence.claims.iterrows() if c["reach"]]
    (md,) = write_evidence(evidence, tmp_path / "evidence.md")
    # under the heading the Word and HTML forms give, each figure's line as theirs reads
    assert "Reach figures:\n\n- over 1,200 patients (case.docx, paragraph 4)\n" in md.read_text(encoding="utf-8")
    (path,) = write_evidence(evidence, tmp_path / "evidence.docx")
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    for c in with_reach:
        for r in c["reach"]:
            assert f"{r['text']} ({r['source']}, {r['locator']})" in paragraphs
    assert paragraphs.count("Reach figures:") == len(with_reach)


def test_a_claims_testimonials_are_in_every_written_form(evidence, tmp_path):
    """The claim table counts attributed testimonials, and the JSON lists them, but the Markdown, Word and HTML
    files (and so the report) showed none of them: each now lists the quotation, its speaker and marker, and
    the corroborating sources it cites."""
    import dataclasses

    import docx

    claims = evidence.claims.copy()
    claims["testimonials"] = [[{"quote": "the programme changed how our ward works", "speaker":
                                "The ward manager of Ward 9", "source_ref": "[A]", "source": "case.docx",
                                "locator": "paragraph 3", "doc_id": "d", "theme": "engagement",
                                "source_entries": [{"ref": "A", "text": "Letter from the ward manager, 2013."}]}]] + \
        [[] for _ in range(len(claims) - 1)]
    evidence = dataclasses.replace(evidence, claims=claims)
    said = "\u201cthe programme changed how our ward works\u201d"
    who = "The ward manager of Ward 9 [A]; case.docx, paragraph 3"
    (md,) = write_evidence(evidence, tmp_path / "evidence.md")
    text = md.read_text(encoding="utf-8")
    # headed as in Word and HTML; the attribution line is the attribution alone, to paste as it is
    assert f"Attributed testimonials:\n\n> {said}\n>\n> \u2014 {who}\n" in text and "(testimonial)" not in text
    assert "> Source A: Letter from the ward manager, 2013." in text
    (html,) = write_evidence(evidence, tmp_path / "evidence.html")
    page = html.read_text(encoding="utf-8")
    assert "Attributed testimonials:" in page and "the programme changed how our ward works" in page
    assert "The ward manager of Ward 9 [A]" in page and "Letter from the ward manager, 2013." in page
    (path,) = write_evidence(evidence, tmp_path / "evidence.docx")
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert f"{said} \u2014 {who}" in paragraphs and "Source A: Letter from the ward manager, 2013." in paragraphs


def test_docx_holds_values_with_characters_xml_cannot(evidence, quotes, tmp_path):
    """A vertical tab (Word's soft line break, pasted into a survey) or another control character in a group, a
    note or a quote made the Word writers fail with a traceback: it is a line break there, or U+FFFD."""
    import dataclasses

    import docx

    matrix = evidence.matrices["programme"].copy()
    matrix["group"] = matrix["group"].str.replace(" ", "\x0b", n=1)
    odd = dataclasses.replace(evidence, matrices={"programme": matrix}, notes=[*evidence.notes, "a note\x01here"])
    (path,) = write_evidence(odd, tmp_path / "odd.docx")
    document = docx.Document(str(path))
    assert [c.text for c in document.tables[1].rows[0].cells][1] == "Edward\nJenner"
    assert "a note\ufffdhere" in [p.text for p in document.paragraphs]
    q = quotes.copy()
    q["text"] = q["text"].str.replace(" ", "\x0c", n=1)
    qpath = write_quotes(q, tmp_path / "q.docx")
    assert any("\n" in c.text for t in docx.Document(str(qpath)).tables for r in t.rows for c in r.cells)


def test_csv_writes_the_themes_and_long_format_siblings(evidence, tmp_path):
    paths = write_evidence(evidence, tmp_path / "evidence.csv")
    assert [p.name for p in paths] == ["evidence.csv", "evidence.matrices.csv", "evidence.claims.csv",
                                       "evidence.claim-evidence.csv", "evidence.notes.csv"]
    themes = pd.read_csv(paths[0])
    assert list(themes.columns) == THEME_COLUMNS
    assert themes["documents"].tolist() == evidence.themes["documents"].tolist()
    matrices = pd.read_csv(paths[1], keep_default_na=False)
    assert set(matrices["attribute"]) == {"programme"} and len(matrices) == len(evidence.matrices["programme"])
    claims = pd.read_csv(paths[2])
    assert claims["strength"].tolist() == evidence.claims["strength"].tolist()
    detail = pd.read_csv(paths[3])
    assert set(detail["kind"]) <= {"quote", "testimonial", "reach"} and "testimonial" in set(detail["kind"])


def test_csv_siblings_of_an_earlier_output_are_emptied_not_left_stale(evidence, cli, tmp_path):
    """An evidence CSV written again without matrices or claims: the earlier run's sibling files are replaced
    by their header alone (not left with another state's figures), and none is made where there was none."""
    import dataclasses

    paths = write_evidence(evidence, tmp_path / "ev.csv")
    assert len(paths) == 5
    bare = dataclasses.replace(evidence, matrices={}, claims=evidence.claims.iloc[0:0])
    again = write_evidence(bare, tmp_path / "ev.csv")
    assert [p.name for p in again] == ["ev.csv", "ev.matrices.csv", "ev.claims.csv", "ev.claim-evidence.csv",
                                       "ev.notes.csv"]
    for sibling in again[1:4]:
        table = pd.read_csv(sibling)
        assert table.empty and len(table.columns) > 3, sibling.name
    assert list(pd.read_csv(again[1]).columns)[:3] == ["attribute", "group", "theme"]
    fresh = write_evidence(bare, tmp_path / "new.csv")
    assert [p.name for p in fresh] == ["new.csv", "new.notes.csv"] and not (tmp_path / "new.matrices.csv").exists()


def test_a_users_own_file_of_a_siblings_name_is_never_replaced(evidence, tmp_path):
    """A file named like a sibling that evalnlp did not write (another header) is the user's: left as it is
    where this evidence has no table for it, and refused (E189, before anything is written) where it has."""
    import dataclasses

    from evalnlp.errors import EvalnlpError

    mine = {"matrices": "ward,n\nA,10\n", "claims": "claim,my_notes\nC1,checked\n",
            "claim-evidence": "important,data\n1,2\n"}
    for name, content in mine.items():
        (tmp_path / f"ev.{name}.csv").write_text(content)
    bare = dataclasses.replace(evidence, matrices={}, claims=evidence.claims.iloc[0:0])
    assert [p.name for p in write_evidence(bare, tmp_path / "ev.csv")] == ["ev.csv", "ev.notes.csv"]
    for name, content in mine.items():
        assert (tmp_path / f"ev.{name}.csv").read_text() == content
    (tmp_path / "ev.csv").unlink()
    (tmp_path / "ev.notes.csv").unlink()
    with pytest.raises(EvalnlpError) as info:
        write_evidence(evidence, tmp_path / "ev.csv")
    assert info.value.code == "E189" and "ev.matrices.csv" in str(info.value)
    assert not (tmp_path / "ev.csv").exists()  # nothing of the set was written
    for name, content in mine.items():
        assert (tmp_path / f"ev.{name}.csv").read_text() == content
    # evalnlp's own files of an earlier output are recognised and replaced, whatever they held
    paths = write_evidence(evidence, tmp_path / "fresh.csv")
    assert len(write_evidence(evidence, tmp_path / "fresh.csv")) == len(paths) == 5


def test_the_terminal_names_every_file_of_a_csv_output_and_the_one_with_all_groups(cli, tmp_path):
    rows = [{"id": str(i), "ward": f"Ward {i % 15}", "text": f"The staff on the ward were kind to me, visit {i}."}
            for i in range(45)]
    path = tmp_path / "c.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "text", "--id", "id", "--codebook", "fft").exit_code == 0
    out = tmp_path / "ev.csv"
    result = cli("evidence", "--by", "ward", "--output", str(out))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"{tmp_path / 'ev.matrices.csv'} has them all" in said
    assert f"wrote {out} (and {tmp_path / 'ev.matrices.csv'}, {tmp_path / 'ev.notes.csv'})" in said


def test_markdown_json_and_html(evidence, tmp_path):
    (md,) = write_evidence(evidence, tmp_path / "evidence.md")
    text = md.read_text(encoding="utf-8")
    assert "| Theme | Passages | Documents | Share (95% CI)" in text
    assert "## Themes by programme" in text and "### Strength rule" in text
    (js,) = write_evidence(evidence, tmp_path / "evidence.json")
    assert json.loads(js.read_text(encoding="utf-8")) == json.loads(json.dumps(evidence.to_json()))
    (html,) = write_evidence(evidence, tmp_path / "evidence.html")
    page = html.read_text(encoding="utf-8")
    assert 'id="chart-prevalence"' in page and 'id="chart-heatmap"' in page
    check_self_contained(page)


class _Balance(HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


def check_self_contained(page: str) -> None:
    lowered = page.lower().replace("url(#", "")  # a reference within the page (a chart's hatching) fetches nothing
    for needle in ("<script", "<link", "src=", "@import", "url(", "http://", "https://"):
        assert needle not in lowered, needle
    parser = _Balance()
    parser.feed(page)
    assert parser.errors == [] and parser.stack == []


def test_report_html_is_one_self_contained_file(report_store, cb, claims_path, tmp_path):
    path = write_report(report_store, cb, tmp_path / "report.html", claims=claims_path)
    page = path.read_text(encoding="utf-8")
    check_self_contained(page)
    for section in ("prevalence", "by-1-programme", "sentiment", "claims", "quotes", "provenance"):
        assert f'<section id="{section}">' in page
    assert "07700" not in page and "Amelia" not in page
    assert "Leeds Teaching Hospitals" in page  # attribution of a testimonial
    again = write_report(report_store, cb, tmp_path / "again.html", claims=claims_path)
    assert again.read_bytes() == path.read_bytes()  # deterministic


def test_report_html_without_redaction_says_so(report_store, cb, tmp_path):
    page = write_report(report_store, cb, tmp_path / "raw.html", redact=False).read_text(encoding="utf-8")
    assert "07700 900123" in page and "NOT de-identified" in page


def test_quote_writers(quotes, cb, tmp_path):
    import docx

    md = write_quotes(quotes, tmp_path / "q.md", codebook=cb).read_text(encoding="utf-8")
    assert "## Engagement & involvement" in md and "## Practice & organisational change" in md
    assert md.count("\n> \u2014 ") == len(quotes)
    document = docx.Document(str(write_quotes(quotes, tmp_path / "q.docx", codebook=cb)))
    assert len(document.tables) == 2
    assert [c.text for c in document.tables[0].rows[0].cells] == ["Quote", "Attribution", "Score"]
    assert sum(len(t.rows) - 1 for t in document.tables) == len(quotes)
    back = pd.read_csv(write_quotes(quotes, tmp_path / "q.csv"))
    assert back["text"].tolist() == quotes["text"].tolist()
    assert all(isinstance(json.loads(a), dict) for a in back["attrs"])
    doc = json.loads(write_quotes(quotes, tmp_path / "q.json").read_text(encoding="utf-8"))
    assert [q["text"] for q in doc["quotes"]] == quotes["text"].tolist()


def test_unsupported_extension_and_missing_folder(evidence, quotes, tmp_path):
    with pytest.raises(InputError) as err:
        write_evidence(evidence, tmp_path / "evidence.pdf")
    assert err.value.code == "E161" and ".xlsx" in err.value.message
    with pytest.raises(InputError) as err:
        write_quotes(quotes, tmp_path / "quotes.xlsx")
    assert err.value.code == "E161"
    with pytest.raises(InputError) as err:
        write_evidence(evidence, tmp_path / "no" / "such" / "evidence.md")
    assert err.value.code == "E162"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.md"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half a fi")
            raise RuntimeError("disk full")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_text_outputs_are_byte_identical_on_rewrite(evidence, tmp_path):
    for ext in (".md", ".json", ".html"):
        (a,) = write_evidence(evidence, tmp_path / f"a{ext}")
        (b,) = write_evidence(evidence, tmp_path / f"b{ext}")
        assert Path(a).read_bytes() == Path(b).read_bytes()


def test_evidence_workbook_refuses_a_text_longer_than_a_cell(evidence, tmp_path):
    """A workbook cell holds 32,767 characters and a spreadsheet library cuts the rest with only a warning: the
    workbook is refused (E178, naming the sheet, column and row) and no file is left; .md holds it whole."""
    import copy

    ev = copy.copy(evidence)
    matrix = evidence.matrices["programme"].copy()
    group = matrix.columns[0]
    long = "a very long group name " * 2000
    matrix[group] = matrix[group].where(matrix[group] != matrix[group].iloc[0], long)  # one group, all its rows
    ev.matrices = {"programme": matrix}
    with pytest.raises(InputError) as info:
        write_evidence(ev, tmp_path / "evidence.xlsx")
    message = str(info.value)
    assert info.value.code == "E178" and "'by programme'" in message and "row 1" in message
    assert not (tmp_path / "evidence.xlsx").exists()
    (md,) = write_evidence(ev, tmp_path / "evidence.md")
    assert long.strip() in md.read_text(encoding="utf-8")


def test_evidence_workbook_names_the_attribute_of_a_sheet_whose_name_was_cut(evidence, tmp_path):
    """Sheet names hold 31 characters: two long attribute names give sheets cut alike, and the provenance sheet
    says which attribute each one is."""
    import copy

    from openpyxl import load_workbook

    long_a = "Which site did you attend? (choose one) [required]"
    long_b = "Which site did you attend? (choose one) [optional]"
    ev = copy.copy(evidence)
    ev.matrices = {long_a: evidence.matrices["programme"], long_b: evidence.matrices["programme"]}
    (path,) = write_evidence(ev, tmp_path / "evidence.xlsx")
    wb = load_workbook(path)
    cut = [name for name in wb.sheetnames if name.startswith("by Which site")]
    assert len(cut) == 2 and all(len(name) <= 31 for name in cut)
    prov = {r[0]: r[1] for r in wb["provenance"].iter_rows(min_row=2, values_only=True)}
    assert {prov[f"sheet {name!r}"] for name in cut} == {f"themes by {long_a}", f"themes by {long_b}"}


def test_text_starting_with_an_equals_sign_is_text_in_every_workbook(cli, tmp_path):
    """A group, a quote or a claim starting with "=" is written as the text it is, never as a formula a
    spreadsheet would run (as classify's own workbook already does)."""
    from openpyxl import load_workbook

    path = tmp_path / "in.csv"
    pd.DataFrame({
        "rid": ["1", "2", "3", "4"],
        "feedback": ['=HYPERLINK("http://example.org","click") Staff were kind, caring and always listened to me.',
                     "The nurse was very kind and explained everything clearly to me and my family.",
                     "The receptionist was unhelpful and rude on the phone every time I called.",
                     "Waiting times were far too long and nobody told us what was happening."],
        "grp": ["=1+1", "plain", "=1+1", "plain"]}).to_csv(path, index=False)
    claims = tmp_path / "claims.yaml"
    claims.write_text('claims:\n  - id: c1\n    text: "=SUM(1,2)"\n    themes: [staff]\n', encoding="utf-8")
    assert cli("classify", str(path), "--text", "feedback", "--id", "rid", "--codebook", "fft",
               "--output", str(tmp_path / "coded.xlsx")).exit_code == 0
    out = tmp_path / "ev.xlsx"
    result = cli("evidence", "--by", "grp", "--claims", str(claims), "--output", str(out), "--no-redact")
    assert result.exit_code == 0, result.output
    for book in (out, tmp_path / "coded.xlsx"):
        wb = load_workbook(book)
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], book.name
        values = {c.value for c in cells if isinstance(c.value, str)}
        assert "=1+1" in values
        if book == out:
            assert "=SUM(1,2)" in values
            assert any(v.startswith('=HYPERLINK("http://example.org","click") Staff') for v in values)


def test_markdown_outputs_show_data_as_the_words_it_is(cli, tmp_path):
    """Group names and quotes holding Markdown or HTML (emphasis, a link, a tag, a heading, a list marker) read
    as the words they are once the .md files are rendered (CommonMark, by markdown-it)."""
    from markdown_it import MarkdownIt

    path = tmp_path / "in.csv"
    quotes = ["# The staff were kind and <b>caring</b> to my mother.",
              "1. The staff were kind and explained *everything* to us.",
              "- The staff were kind, see [x](http://e.org) and my_notes_2.",
              "The staff were kind &amp; polite, and the wait was short."]
    pd.DataFrame({"rid": ["1", "2", "3", "4"], "feedback": quotes,
                  "grp": ["*star*", "_u_", "<b>bold</b>", "[x](http://e.org)"]}).to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "feedback", "--id", "rid", "--codebook", "fft").exit_code == 0
    assert cli("evidence", "--by", "grp", "--output", str(tmp_path / "ev.md"), "--no-redact").exit_code == 0
    assert cli("quotes", "--theme", "staff", "-n", "4", "--output", str(tmp_path / "q.md"),
               "--no-redact").exit_code == 0
    md = MarkdownIt("commonmark").enable("table")
    for name in ("ev.md", "q.md"):
        html = md.render((tmp_path / name).read_text(encoding="utf-8"))
        assert "<em>" not in html and "<b>" not in html and "<a " not in html and "<ol" not in html, name
        # the document's own title only, and no list but the notes' (the file says it is not de-identified)
        assert html.count("<h1>") == 1 and "<ul>" not in html.split("<h2>Notes</h2>")[0], name
    ev_html = md.render((tmp_path / "ev.md").read_text(encoding="utf-8"))
    for group in ("*star*", "_u_", "&lt;b&gt;bold&lt;/b&gt;", "[x](http://e.org)"):
        assert group in ev_html
    q_html = md.render((tmp_path / "q.md").read_text(encoding="utf-8"))
    assert "# The staff were kind and caring to my mother." in q_html  # a quote leaves the formatting tag out
    assert "1. The staff were kind and explained *everything*" in q_html
    assert "my_notes_2" in q_html and "&amp;amp; polite" in q_html


def test_report_section_ids_made_from_attribute_names_are_valid_and_inert(cli, tmp_path):
    """A section named after an attribute gets an id of letters, digits and hyphens: a name with spaces, a
    slash or a quote (which could end the attribute and start markup) never reaches the id as it is."""
    import re

    path = tmp_path / "in.csv"
    name = 'site name/x" onmouseover="alert(1)'
    pd.DataFrame({"rid": ["1", "2"], "feedback": ["The staff were kind to me.", "The wait was far too long."],
                  name: ["North", "South"]}).to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "feedback", "--id", "rid", "--codebook", "fft").exit_code == 0
    out = tmp_path / "report.html"
    assert cli("report", "--by", name, "--output", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    ids = re.findall(r'<section id="([^"]*)"', page)
    assert "by-1-site-name-x-onmouseover-alert-1" in ids and all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    assert 'onmouseover="alert' not in page


def test_counts_in_sentences_have_thousands_separators_as_the_tables_do(evidence, tmp_path):
    """The tables write 10,334; the summary line and the provenance wrote 1500 documents coded."""
    import dataclasses

    big = dataclasses.replace(evidence, documents_coded=1500, segments_coded=12345, segments_no_theme=2000)
    for suffix in (".md", ".html"):
        (path,) = write_evidence(big, tmp_path / f"evidence{suffix}")
        text = path.read_text(encoding="utf-8")
        assert "1,500 documents coded, 12,345 passages (2,000 of them" in " ".join(text.split()), suffix


def test_a_group_share_reads_alike_in_every_form_and_a_small_one_is_not_zero(evidence, tmp_path):
    """A matrix cell's share has the one decimal the theme table and the workbook's 0.0% give it: 1 document of
    285 is 0.4% in the Markdown, Word, HTML (table and heatmap) and the terminal, not 0%, which read as none."""
    import dataclasses
    import re

    import docx

    from evalnlp.cli.evidence import matrix_table

    matrix = evidence.matrices["programme"].copy()
    first = matrix.index[0]
    matrix.loc[first, ["documents", "n", "share"]] = [1, 285, 1 / 285]
    label, group = matrix.loc[first, "label"], matrix.loc[first, "group"]
    small = dataclasses.replace(evidence, matrices={"programme": matrix})
    (md,) = write_evidence(small, tmp_path / "evidence.md")
    assert re.search(rf"\| {re.escape(label)} \| 1/285 \(0\.4%\) \|", md.read_text(encoding="utf-8"))
    (word,) = write_evidence(small, tmp_path / "evidence.docx")
    cells = [c.text for t in docx.Document(str(word)).tables for row in t.rows for c in row.cells]
    assert "1/285 (0.4%)" in cells and not any(c.endswith("(0%)") for c in cells)
    (html,) = write_evidence(small, tmp_path / "evidence.html")
    page = html.read_text(encoding="utf-8")
    assert "<td>1/285 (0.4%)</td>" in page
    heatmap = page[page.index('id="chart-heatmap"'):]
    assert re.search(r'fill="#[0-9a-f]{6}">0\.4%</text>', heatmap)
    assert re.findall(r"\d+/\d+ \((\d+(?:\.\d)?)%\)", page) and all(
        "." in share for share in re.findall(r"\d+/\d+ \((\d+(?:\.\d)?)%\)", page))
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(matrix_table("programme", matrix, list(dict.fromkeys(matrix["theme"])), output=None, width=200))
    shown = console.export_text()
    row = next(line for line in shown.splitlines() if line.strip("│ ").startswith(str(matrix.loc[first, "theme"])))
    assert "0.4%" in row and str(group)[:5] in shown


def test_word_quotes_give_the_quote_most_of_the_page_width(quotes, cb, tmp_path):
    """A Word table of quotes gives the quote the room (in Word's cell widths and in the table grid other
    programs read), not a third of the page beside a score column as wide as it."""
    import docx
    from docx.shared import Inches

    document = docx.Document(str(write_quotes(quotes, tmp_path / "q.docx", codebook=cb)))
    section = document.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        grid = [int(c.get(docx.oxml.ns.qn("w:w"))) for c in table._tbl.tblGrid.findall(docx.oxml.ns.qn("w:gridCol"))]
        for row in table.rows:
            quote, where, score = (c.width for c in row.cells)
            assert quote > 0.6 * text_width and score < Inches(0.8) and quote > where > score
            assert abs(quote + where + score - text_width) < Inches(0.05)
        assert grid[0] > 2 * grid[1] > 2 * grid[2]


def test_markdown_quotes_keep_redaction_marks_and_references_pasteable_as_they_read(quotes, cb, tmp_path):
    """A quote copied from the .md file as it stands (not rendered) reads `Dr [NAME]`, not `Dr \\[NAME\\]`:
    square brackets that Markdown cannot read as a link are written as they are, while a link or a link
    definition in a quote is still escaped, so the rendered file shows every quote as the words it is."""
    from markdown_it import MarkdownIt

    mine = quotes.head(1).copy()
    mine["text"] = "[y]: http://f.org Dr [NAME] wrote to [EMAIL] about [x](http://e.org) and [a][b] [^1]."
    mine["speaker"], mine["source_ref"] = "Dr [NAME], Medical Director", "[C]"
    raw = write_quotes(mine, tmp_path / "q.md", codebook=cb).read_text(encoding="utf-8")
    assert "Dr [NAME] wrote to [EMAIL] about" in raw
    assert "\u2014 Dr [NAME], Medical Director [C]; " in raw
    html = MarkdownIt("commonmark").render(raw)
    assert "<a " not in html and "<sup" not in html
    assert "[y]: http://f.org Dr [NAME] wrote to [EMAIL] about [x](http://e.org) and [a][b] [^1]." in html


def test_a_terminal_matrix_of_many_groups_leaves_the_theme_names_whole(evidence):
    """The terminal shows as many groups as fit beside whole theme names, counting a share as the 6 characters
    `100.0%` takes and never narrowing the theme column to make room for a group's name of several words:
    sixteen sites on a 130-column terminal do not cut `engagement` to `engage…`."""
    from rich.console import Console

    from evalnlp.cli.evidence import matrix_table

    matrix = evidence.matrices["programme"]
    sites = pd.concat([matrix[matrix["group"] == matrix["group"].iloc[0]].assign(group=f"Site {chr(65 + i)}")
                       for i in range(16)], ignore_index=True)
    sites.loc[sites.index[0], "share"] = 1.0
    sites.loc[sites["group"] == "Site D", "group"] = "Site D \u2013 Ysbyty Gwynedd"  # a header rich wraps
    themes = list(dict.fromkeys(sites["theme"]))
    console = Console(width=130, record=True)
    console.print(matrix_table("site", sites, themes, output=None, width=130))
    shown = console.export_text()
    for theme in themes:
        assert f"\u2502 {theme} " in shown, (theme, shown)
    assert "100.0%" in shown and "left out" in shown


def test_the_evidence_workbook_has_the_notes_the_other_forms_have(evidence, tmp_path):
    """A note (documents left out because they are not coded yet, groups merged, a claim's filter that matched
    nothing) is a sheet of the workbook, as it is a section of the Markdown, Word and HTML forms: a writer who
    works from the workbook alone is told that the tables leave documents out."""
    import dataclasses

    from openpyxl import load_workbook

    from evalnlp.errors import command_line

    notes = ["1 of the 61 documents with passages in the store are not coded with codebook 'impact', so these "
             "tables leave them out.", "=SUM(A1) looks like a formula and is text."]
    noted = dataclasses.replace(evidence, notes=notes)
    (path,) = write_evidence(noted, tmp_path / "evidence.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[-2:] == ["notes", "provenance"]
    ws = wb["notes"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("item", "value")
    assert [r[1] for r in rows if r[0] == "note"] == [command_line(n) for n in notes]
    assert all(c.data_type == "s" for c in ws["B"])
    (md,) = write_evidence(noted, tmp_path / "evidence.md")
    assert "## Notes" in md.read_text(encoding="utf-8")


def test_the_workbook_says_what_each_sheet_holds_and_how_shares_are_computed(evidence, tmp_path):
    """The Markdown, Word and HTML forms open with the summary line and how a share is computed, and the CSV
    set's notes file says what each file holds; the workbook said neither. Its notes sheet now does, always."""
    import dataclasses

    from openpyxl import load_workbook

    (plain,) = write_evidence(dataclasses.replace(evidence, notes=[]), tmp_path / "plain.xlsx")
    wb = load_workbook(plain)
    rows = dict(wb["notes"].iter_rows(min_row=2, values_only=True))
    assert [k for k in rows if k.startswith("sheet ")] == [f"sheet {name}" for name in wb.sheetnames]
    assert rows["summary"].startswith(f"{evidence.documents_coded} documents coded")
    assert "Wilson 95% interval" in rows["share"] and "note" not in rows
    notes = pd.read_csv(write_evidence(evidence, tmp_path / "e.csv")[-1], dtype=str)
    assert notes.loc[notes["item"] == "share", "value"].iloc[0] == rows["share"]


def test_word_files_are_set_on_a4_paper(evidence, quotes, cb, tmp_path):
    """Word files are laid out on A4, the paper of the UK reports they go into, not python-docx's US Letter."""
    import docx
    from docx.shared import Mm

    (ev,) = write_evidence(evidence, tmp_path / "evidence.docx")
    for path in (ev, write_quotes(quotes, tmp_path / "q.docx", codebook=cb)):
        section = docx.Document(str(path)).sections[0]
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
        assert abs(section.left_margin - Mm(25.4)) < Mm(1) and abs(section.right_margin - Mm(25.4)) < Mm(1)


def test_an_evidence_csv_set_has_the_notes_and_provenance_the_workbook_has(evidence, tmp_path):
    """The workbook has notes, strength rule and provenance sheets; a CSV set had none of them, so a writer given
    the CSV files was not told what the tables leave out, what each file is or how a share is computed."""
    import dataclasses

    from openpyxl import load_workbook

    noted = dataclasses.replace(evidence, notes=["1 of the 14 documents is not coded with codebook 'impact', so "
                                                 "these tables leave it out."])
    paths = write_evidence(noted, tmp_path / "ev.csv")
    assert paths[-1].name == "ev.notes.csv"
    notes = pd.read_csv(paths[-1], dtype=str, keep_default_na=False)
    assert list(notes.columns) == ["item", "value"]
    items = notes["item"].tolist()
    assert [i for i in items if i.startswith("file ")] == [f"file {p.name}" for p in paths]
    assert "Wilson 95% interval" in notes.loc[notes["item"] == "share", "value"].iloc[0]
    assert notes.loc[notes["item"] == "summary", "value"].iloc[0].startswith(f"{evidence.documents_coded} documents")
    wb = load_workbook(write_evidence(noted, tmp_path / "ev.xlsx")[0])
    sheet = lambda name: [r for r in wb[name].iter_rows(min_row=2, values_only=True)]  # noqa: E731
    assert notes.loc[notes["item"] == "note", "value"].tolist() == [r[1] for r in sheet("notes") if r[0] == "note"]
    assert ("share", notes.loc[notes["item"] == "share", "value"].iloc[0]) in sheet("notes")
    assert notes.loc[notes["item"] == "strength rule", "value"].tolist() == [r[0] or "" for r in sheet("strength rule")]
    at = items.index("codebook")
    assert [tuple(r) for r in notes.iloc[at:].itertuples(index=False)] == sheet("provenance")
    assert ("store", "fixture.duckdb") in sheet("provenance")


def test_evidence_word_tables_have_column_widths_by_what_they_hold(evidence, tmp_path):
    """Word's equal columns squeezed a theme's label into a column as narrow as a count's: each table's columns
    are now as wide as their content asks (the label column wider than the counts), within A4 portrait's text
    width, in the grid and in every cell, with a header row that repeats on each page."""
    import docx
    from docx.oxml.ns import qn

    document = docx.Document(str(write_evidence(evidence, tmp_path / "evidence.docx")[0]))
    section = document.sections[0]
    assert section.page_width < section.page_height  # portrait
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert abs(sum(grid) * 635 - text_width) < 635 * len(grid)
        for row in table.rows:  # Word reads the cells' widths, LibreOffice the grid's
            assert [abs(c.width - g * 635) <= 635 for c, g in zip(row.cells, grid)] == [True] * len(grid)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    themes, matrix = document.tables[0], document.tables[1]
    header = [c.text for c in themes.rows[0].cells]
    widths = dict(zip(header, (c.width for c in themes.rows[0].cells)))
    assert widths["Theme"] > widths["Passages"] and widths["Theme"] > widths["Mixed"]
    assert widths["Best quote"] > widths["Documents"]
    cells = matrix.rows[0].cells
    assert all(cells[0].width > c.width for c in cells[1:])


def test_the_share_of_passages_with_no_theme_has_the_decimal_every_other_share_has(evidence, tmp_path):
    """The summary line gave 1 passage of 400 with no theme as 0%, where classify and every table give a share
    to one decimal: 0.2% in the Markdown, Word, HTML and the CSV set's notes alike."""
    import dataclasses

    import docx

    few = dataclasses.replace(evidence, segments_coded=400, segments_no_theme=1)
    said = "400 passages (1 of them, 0.2%, with no theme"
    for suffix in (".md", ".html"):
        assert said in " ".join(write_evidence(few, tmp_path / f"e{suffix}")[0].read_text(encoding="utf-8").split())
    assert any(said in p.text for p in docx.Document(str(write_evidence(few, tmp_path / "e.docx")[0])).paragraphs)
    notes = pd.read_csv(write_evidence(few, tmp_path / "e.csv")[-1], dtype=str)
    assert said in notes.loc[notes["item"] == "summary", "value"].iloc[0]
