"""Reach figures in tables: who was reached in one cell, how many in another."""

from __future__ import annotations

from evalnlp import api
from evalnlp.ingest._table_reach import markdown_cells, table_reach
from evalnlp.store import Store

# Written for these tests: a case study's table of reach figures, as Word gives it.
REACH_TABLE = [
    ["Audience", "Number reached", "Source"],
    ["Teachers trained in Wessex", "1,200", "[B]"],
    ["Pupils taught by trained teachers", "c. 45,000", "[B]"],
    ["Practitioners in Scotland", "over 2,000", "[P]"],
    ["Number of parents and carers", "900+", "[J]"],
    ["Workshops run", "64", "[A]"],
    ["Senior Leaders Masterclass", "30", "[A]"],
    ["Mean rating of participants", "4.8", "[A]"],
    ["Teachers first trained", "2016", "[A]"],
    ["Budget per teacher", "\u00a3180", "[B]"],
    ["Share of pupils at the expected standard", "71%", "[A]"],
]
WANT = [("1,200", 1200.0, "Teachers trained in Wessex"), ("c. 45,000", 45000.0, "Pupils taught by trained teachers"),
        ("over 2,000", 2000.0, "Practitioners in Scotland"), ("900+", 900.0, "parents and carers")]


def test_a_word_tables_reach_figures_are_found_by_ingest_and_extract(tmp_path, write_docx):
    """A table of reach figures gave none: its counts stand alone in their cells, away from the noun that says
    who was counted. A count alone in a cell is a reach figure of the people the row's first cell names; a count
    of things, a rating, a year, money and a share are not; a table in the sources list is not read for them."""
    path = write_docx(["Table 1. Reach of the programme, 2016-2019", REACH_TABLE,
                       "Sources to corroborate the impact", "A. Survey of teachers, 2019.",
                       [["Teachers surveyed", "300"]]], name="case.docx")
    (doc,) = api.extract([path])
    assert [(r.text, r.value, r.unit) for r in doc.reach] == WANT
    assert all(doc.text[r.start:r.end] == r.text for r in doc.reach)
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        reach = store.table("reach")
        assert sorted(zip(reach["text"], reach["value"], reach["unit"])) == sorted(WANT)
        docs = store.table("documents").set_index("doc_id")
        for _, r in store.table("reach").iterrows():
            assert docs.loc[r["doc_id"], "text"][r["start"]:r["end"]] == r["text"]
            assert docs.loc[r["doc_id"], "locator"].startswith("table 1 row ")


def test_a_columns_heading_says_who_is_counted_in_the_rows_under_it():
    text = ("| Year | Teachers | Schools | Sessions |\n|---|---|---|---|\n| 2018 | 400 | 120 | 64 |\n"
            "| 2019 | 800 | 220 | 90 |")
    found = table_reach(text, markdown_cells(text))
    assert [(r.text, r.unit) for r in found] == [("400", "Teachers"), ("120", "Schools"), ("800", "Teachers"),
                                                 ("220", "Schools")]
    assert all(text[r.start:r.end] == r.text for r in found)


def test_a_markdown_tables_reach_figures_are_found(tmp_path):
    case = tmp_path / "case.md"
    case.write_text("# Reach\n\nThe programme reached schools across the region.\n\n"
                    "| Who | How many |\n| --- | ---: |\n| Teachers trained | 1,200 |\n| Events held | 40 |\n",
                    encoding="utf-8")
    (doc,) = api.extract([case])
    assert [(r.text, r.unit) for r in doc.reach] == [("1,200", "Teachers trained")]
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [case])
        assert list(store.table("reach")["unit"]) == ["Teachers trained"]
