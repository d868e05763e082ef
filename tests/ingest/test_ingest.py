"""Ingestion into the store: row accounting, idempotence, ids, questions, attrs, sentence segments."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalnlp import api
from evalnlp.errors import InputError
from evalnlp.store import Store



def is_answer(text: str) -> bool:
    """The rule ingest keeps a row's text by (its cases are tested on their own below and in
    test_placeholders.py): something besides whitespace, invisible format characters (a zero-width space, a soft
    hyphen) and punctuation, or an emoticon; and not a placeholder such as "N/A"."""
    import unicodedata

    from evalnlp.ingest import placeholder
    from evalnlp.nlp import marks_only

    visible = not all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)
    return bool(text.strip()) and visible and not marks_only(text) and not placeholder(text)

def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def run_counts(store: Store, run_id: str) -> tuple[int, int, int]:
    r = store.run(run_id)
    return int(r["n_in"]), int(r["n_ok"]), int(r["n_rejected"])


def test_one_document_per_row_and_text_column(store, tmp_path):
    f = write_csv(tmp_path / "survey.csv", ["rid", "programme", "Q1", "Q2"],
                  [["R1", "A", "Better meetings with managers.", "More time"],
                   ["R2", "B", "", "Nothing"],
                   ["R3", "A", "I listen more.", "   "]])
    result = api.ingest(store, [f], text=["Q1", "Q2"], id="rid")
    assert (result.n_in, result.n_ok, result.n_rejected) == (6, 4, 2)
    assert run_counts(store, result.run_id) == (6, 4, 2)
    docs = store.table("documents")
    assert sorted(docs["question"].unique()) == ["Q1", "Q2"]
    assert set(docs["locator"]) == {"rid=R1", "rid=R2", "rid=R3"}
    attrs = json.loads(docs[docs.locator == "rid=R1"]["attrs"].iloc[0])
    assert attrs == {"rid": "R1", "programme": "A"}
    rej = store.table("rejects")
    assert set(rej["code"]) == {"E141"}
    assert set(rej["locator"]) == {"rid=R2", "rid=R3"}
    segs = store.table("segments")
    merged = segs.merge(docs, on="doc_id", suffixes=("", "_doc"))
    assert all(t[s:e] == x for t, s, e, x in zip(merged["text_doc"], merged["start"], merged["end"], merged["text"]))


def test_reingest_adds_nothing_and_same_words_are_two_documents(store, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["text"], [["Same words."], ["Same words."], ["Other."]])
    first = api.ingest(store, [f], text=["text"])
    second = api.ingest(store, [f], text=["text"])
    assert first.n_new == 3 and second.n_new == 0
    assert second.n_ok == 3  # accepted, duplicates included
    assert store.count("documents") == 3 and store.count("segments") == 3


@pytest.mark.parametrize("chunk_size", [50_000, 2])
def test_a_row_repeating_an_earlier_rows_id_and_text_is_rejected_not_merged(store, tmp_path, chunk_size):
    """Stored as one document, the repeat's own ward would be lost without a word: it is a reject (E176), in the
    same chunk or a later one; the same id with other text, or in another text column, is a document of its own."""
    f = write_csv(tmp_path / "s.csv", ["id", "ward", "Q1", "Q2"],
                  [["1", "A", "Good care", "Parking"], ["1", "B", "Good care", "Food"], ["2", "A", "Good care", ""],
                   ["1", "C", "Rude staff", "Parking"], ["2", "A", "Good care", "x"]])
    result = api.ingest(store, [f], text=["Q1", "Q2"], id="id", meta=["ward"], chunk_size=chunk_size)
    assert run_counts(store, result.run_id) == (10, 6, 4)
    rej = store.table("rejects")
    assert sorted(zip(rej["code"], rej["locator"])) == [("E141", "id=2"), ("E176", "id=1"), ("E176", "id=1"),
                                                         ("E176", "id=2")]
    assert "own id" in rej.loc[rej.code == "E176", "reason"].iloc[0]
    # the locator is the kept row's too; the reason says which row was rejected
    assert sorted(re.search(r"this is (row \d+) of the file's rows", r).group(1)
                  for r in rej.loc[rej.code == "E176", "reason"]) == ["row 2", "row 4", "row 5"]
    docs = store.table("documents")
    assert len(docs) == 6  # every accepted row is a document of its own
    wards = {(r.locator, r.question, r.text): json.loads(r.attrs)["ward"] for r in docs.itertuples()}
    assert wards[("id=1", "Q1", "Good care")] == "A" and wards[("id=1", "Q2", "Food")] == "B"
    assert wards[("id=1", "Q1", "Rude staff")] == "C" and wards[("id=2", "Q1", "Good care")] == "A"
    # reading the file again adds nothing and says the same
    again = api.ingest(store, [f], text=["Q1", "Q2"], id="id", meta=["ward"], chunk_size=chunk_size)
    assert (again.n_in, again.n_ok, again.n_rejected, again.n_new) == (10, 6, 4, 0)


@pytest.mark.parametrize("chunk_size", [50_000, 2])
def test_an_id_on_several_rows_with_other_answers_is_said(store, tmp_path, chunk_size):
    """The same patient on two rows of an export (two visits, or one form split over rows): each row's answers
    are stored apart under one locator and evidence counts each, which ingest says, naming the ids, in the same
    chunk or a later one."""
    f = write_csv(tmp_path / "two.csv", ["patient_id", "What went well?", "What could be better?"],
                  [["A1", "The nurses were kind", "The wait was long"], ["A1", "Clean ward", "Parking"],
                   ["A2", "Friendly staff", "Food"], ["A3", "Good care", ""], ["A3", "Quick discharge", "Nothing"]])
    result = api.ingest(store, [f], text=["What went well?", "What could be better?"], id="patient_id",
                        chunk_size=chunk_size)
    said = [n for n in result.notes if "more than one row" in n]
    assert len(said) == 1 and said[0].startswith("two.csv: 2 ids are on more than one row ('A1', 'A3'): ")
    assert store.count("documents") == 9  # every answer kept, each a document of its own
    lone = write_csv(tmp_path / "one.csv", ["patient_id", "text"], [["B1", "Kind staff"], ["B2", "Kind staff"]])
    assert not [n for n in api.ingest(store, [lone], text=["text"], id="patient_id").notes if "more than one" in n]


def test_an_answer_that_is_its_question_word_for_word_is_rejected(store, tmp_path):
    """"What went well?" typed (or left by a form) in the box of "What went well?" answers nothing; it was coded
    as care received, positive. It is a reject (E141) naming the question; an answer that goes on past the question,
    or the word of a one-word header, is kept."""
    f = write_csv(tmp_path / "q.csv", ["id", "What went well?", "feedback"],
                  [["1", "What went well?", "Feedback"], ["2", "what went  well", "Kind staff"],
                   ["3", "What went well? The nurses", "ok"]])
    result = api.ingest(store, [f], text=["What went well?", "feedback"], id="id")
    assert run_counts(store, result.run_id) == (6, 4, 2)
    rej = store.table("rejects").sort_values("locator")
    assert rej["locator"].tolist() == ["id=1", "id=2"] and set(rej["code"]) == {"E141"}
    assert rej["reason"].iloc[0].startswith("the 'What went well?' answer is the question's own words")
    assert sorted(store.table("documents")["text"]) == ["Feedback", "Kind staff", "What went well? The nurses", "ok"]


def test_without_id_the_row_number_is_the_locator(store, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["text"], [["one"], ["two"]])
    api.ingest(store, [f], text=["text"])
    assert sorted(store.table("documents")["locator"]) == ["row 1", "row 2"]


def test_ragged_rows_are_rejected_with_their_row_number(store, tmp_path):
    f = tmp_path / "ragged.csv"
    f.write_text("a,text\n1,fine\n2,too,many\n3\n4,also fine\n", encoding="utf-8")
    result = api.ingest(store, [f], text=["text"])
    assert (result.n_in, result.n_ok, result.n_rejected) == (4, 2, 2)
    rej = store.table("rejects")
    assert sorted(rej["locator"]) == ["row 2", "row 3"]
    assert sorted(store.table("documents")["text"]) == ["also fine", "fine"]


def test_missing_text_column_suggests_the_closest_and_leaves_store_untouched(db_path, tmp_path, snapshot):
    f = write_csv(tmp_path / "a.csv", ["Feedback", "Trust"], [["good", "A"]])
    with Store(db_path) as s:
        api.ingest(s, [f], text=["Feedback"])
    before = snapshot(db_path)
    with Store(db_path) as s, pytest.raises(InputError) as exc:
        api.ingest(s, [f], text=["feedbak"])
    assert exc.value.code == "E132"
    assert "'Feedback'" in str(exc.value) and "Did you mean 'Feedback'" in str(exc.value)
    assert snapshot(db_path) == before


def test_a_header_with_decomposed_accents_is_found_by_the_name_as_typed(store, tmp_path):
    """A header exported on a Mac writes "é" as "e" and a combining accent (NFD); the name typed on the command
    line is composed (NFC). Both name the same column, which is read under the file's own spelling."""
    import unicodedata

    typed, ward = "Qualité commentaire", "Service hospitalier"
    nfd = unicodedata.normalize("NFD", typed)
    assert nfd != typed
    f = tmp_path / "mac.csv"
    f.write_text(f"{nfd},{unicodedata.normalize('NFD', ward)}\nLovely staff,Cardiologie\n", encoding="utf-8")
    api.ingest(store, [f], text=[typed], meta=[ward])
    docs = store.table("documents")
    assert docs["text"].tolist() == ["Lovely staff"] and docs["question"].tolist() == [nfd]
    assert list(json.loads(docs["attrs"].iloc[0]).values()) == ["Cardiologie"]


def test_unit_sentence_segments_with_exact_offsets(store, tmp_path):
    text = "The course was great. I use the tools daily!\n- better meetings\n- more confidence\n\nThanks."
    f = write_csv(tmp_path / "a.csv", ["text"], [[text]])
    api.ingest(store, [f], text=["text"], unit="sentence")
    segs = store.table("segments").sort_values("start")
    assert segs["text"].tolist() == ["The course was great.", "I use the tools daily!", "better meetings",
                                     "more confidence", "Thanks."]
    assert all(text[s:e] == t for s, e, t in zip(segs["start"], segs["end"], segs["text"]))
    assert set(segs["kind"]) == {"sentence"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300))
def test_sentence_offsets_always_exact(text):
    from evalnlp.nlp import sentence_spans

    spans = next(sentence_spans([text]))
    prev_end = 0
    for s, e in spans:
        assert 0 <= s < e <= len(text) and s >= prev_end
        piece = text[s:e]
        assert piece == piece.strip() and piece
        prev_end = e


@pytest.mark.parametrize("text, expected", [
    ('He said: "it benefits the entire economy." [5.8] Such is the success of the work.',
     ['He said: "it benefits the entire economy." [5.8]', "Such is the success of the work."]),
    ("The board adopted the approach in 2012. [5.9] It is now used by every school.",
     ["The board adopted the approach in 2012. [5.9]", "It is now used by every school."]),
    ("The report was read widely. (C3) The council changed its rules.",
     ["The report was read widely. (C3)", "The council changed its rules."]),
    ("It ended well. [5.2]", ["It ended well. [5.2]"]),
    ("It ended well. [\n5.2] Next.", ["It ended well. [", "5.2] Next."]),  # a line break still ends one
    ("Long wait. [1][2] Next one.", ["Long wait. [1][2]", "Next one."]),
    ("Seen on time. [Name removed] was very kind.", ["Seen on time.", "[Name removed] was very kind."]),
    ("Great. (Really) Good.", ["Great.", "(Really) Good."]),
    ("It was fine. [3] then it was not.", ["It was fine.", "[3] then it was not."]),
    ("Great staff.\n-\nClean ward.", ["Great staff.", "Clean ward."]),  # a line of marks is no sentence
    ("Great. :( Staff rude.", ["Great. :(", "Staff rude."]),  # an emoticon, not a cut bracket
])
def test_a_source_marker_after_a_full_stop_stays_whole_with_its_sentence(text, expected):
    """The sentencizer starts a sentence at the first word after a full stop, so a marker such as "[5.8]"
    was cut in two ("... economy." [" and "5.8] Such ..."); the marker stays with the sentence it follows."""
    from evalnlp.nlp import split_sentences

    assert split_sentences(text) == expected


cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["1", "2", ""]), st.sampled_from(["a", "b", " "]),
                               st.sampled_from(["X", "Y"])), min_size=1, max_size=30),
       chunk_size=st.sampled_from([1, 3, 50_000]))
def test_with_an_id_every_accepted_row_is_its_own_document(tmp_path_factory, rows, chunk_size):
    """Generated rows with few ids and texts (so that many repeat): each row is a document or a reject, and no
    two accepted rows are merged into one document, whatever the chunking."""
    tmp = tmp_path_factory.mktemp("ids")
    f = write_csv(tmp / "ids.csv", ["id", "text", "site"], [list(r) for r in rows])
    with Store(tmp / "ids.duckdb") as store:
        result = api.ingest(store, [f], text=["text"], id="id", meta=["site"], chunk_size=chunk_size)
        n_in, n_ok, n_rej = run_counts(store, result.run_id)
        assert n_in == len(rows) == n_ok + n_rej == store.count("rejects") + store.count("documents")
        docs = store.table("documents")
        sites = sorted(zip(docs["locator"], docs["text"], [json.loads(a)["site"] for a in docs["attrs"]]))
        kept = {}
        for i, (rid, text, site) in enumerate(rows):
            if not is_answer(text):
                continue
            locator = f"id={rid}" if rid else f"row {i + 1}"
            kept.setdefault((locator, text), site)  # the first of repeated rows is the one kept
        assert sites == sorted((loc, text, site) for (loc, text), site in kept.items())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=25),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_row_accounting_adds_up_for_generated_csvs(tmp_path_factory, rows, encoding):
    """Every generated row (ragged ones included) is a document or a reject; the run's counts add up."""
    tmp = tmp_path_factory.mktemp("gen")
    header = ["id", "text", "extra"]
    f = write_csv(tmp / "gen.csv", header, rows, encoding=encoding)
    with Store(tmp / "gen.duckdb") as store:
        result = api.ingest(store, [f], text=["text"])
        n_in, n_ok, n_rej = run_counts(store, result.run_id)
        assert n_in == len(rows) == n_ok + n_rej
        assert store.count("rejects") == n_rej
        docs = store.table("documents")
        assert len(docs) == n_ok
        expected = [r[1] for r in rows if len(r) == 3 and is_answer(r[1])]
        assert sorted(docs["text"]) == sorted(expected)
        ragged = sum(len(r) != 3 for r in rows)
        assert (store.table("rejects")["code"] != "E141").sum() == ragged


def test_every_format_gives_the_same_documents(store, tmp_path):
    frame = pd.DataFrame({"id": ["a", "b"], "programme": ["P1", "P2"], "text": ["First answer.", "Second, with ü."]})
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_csv(tmp_path / "t.tsv", index=False, sep="\t")
    frame.to_excel(tmp_path / "t.xlsx", index=False, sheet_name="Answers")
    frame.to_json(tmp_path / "t.json", orient="records", force_ascii=False)
    frame.to_json(tmp_path / "t.jsonl", orient="records", lines=True, force_ascii=False)
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    files = sorted(tmp_path.glob("t.*"))
    result = api.ingest(store, files, text=["text"], id="id")
    assert result.n_ok == 2 * len(files) and result.n_rejected == 0
    docs = store.table("documents")
    for source, group in docs.groupby("source"):
        assert sorted(group["text"]) == ["First answer.", "Second, with ü."], source
        assert sorted(group["locator"]) == ["id=a", "id=b"], source
        assert {json.loads(a)["programme"] for a in group["attrs"]} == {"P1", "P2"}, source


def test_narrative_documents_are_stored_and_written_in_reading_order(tmp_path):
    """The paragraphs and table cells of a report are stored in the order they are read (the duplicate check used
    to leave them in any order), so `classify --output`, read or from the store, lists them in reading order."""
    from evalnlp.ingest.readers import read_narrative

    report = Path(__file__).resolve().parents[2] / "corpora" / "demo_leadership" / "evaluation_report.docx"
    reading = [p.locator for p in read_narrative(report) if is_answer(p.text)]
    assert len(reading) > 50
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [report])
        stored = [r[0] for r in store.con.execute("SELECT locator FROM documents ORDER BY rowid").fetchall()]
        # the report's evidence log (its sources list) is stored, not split into passages nor coded
        coded = [r[0] for r in store.con.execute(
            "SELECT locator FROM documents d WHERE EXISTS (SELECT 1 FROM segments s WHERE s.doc_id = d.doc_id) "
            "ORDER BY rowid").fetchall()]
        api.classify(store, codebook="impact", sentiment=False, output=tmp_path / "from_store.csv")
    with Store(tmp_path / "t.duckdb") as store:
        api.classify(store, [report], codebook="impact", sentiment=False, output=tmp_path / "read.csv")
    assert stored == reading
    assert len(coded) > 40 and coded == [loc for loc in reading if loc in set(coded)]
    for name in ("from_store.csv", "read.csv"):
        assert pd.read_csv(tmp_path / name)["locator"].tolist() == coded


def test_an_answer_of_punctuation_only_is_a_reject_not_a_document(tmp_path):
    """"-", ".", "?" and "..." stand for no answer: coded, they went to a theme with confidence. They are
    rejected as empty answers are (E141, saying what the text was); "None", "x" and an emoji are answers."""
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": [str(i) for i in range(13)],
                  "comment": ["-", ".", "?", " ... ", "None", "x", "\U0001f44d", "The nurses were kind.",
                              "\u2026", "\u2014", ":(", "=)", "\u00a3"]}).to_csv(f, index=False)
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [f], text=["comment"], id="id")
        assert (result.n_in, result.n_ok, result.n_rejected) == (13, 7, 6)
        assert sorted(store.table("documents")["text"]) == sorted(
            ["None", "x", "\U0001f44d", "The nurses were kind.", ":(", "=)", "\u00a3"])  # an emoticon is an answer
        rejects = store.table("rejects").sort_values("locator")
        assert rejects["code"].tolist() == ["E141"] * 6
        assert rejects["reason"].tolist()[0] == "the text is punctuation only ('-'), a placeholder for no answer"
        assert "('...')" in " ".join(rejects["reason"])


def test_an_answer_of_invisible_characters_only_is_an_empty_answer(tmp_path):
    """A zero-width space, a byte order mark or a word joiner alone looks empty in a spreadsheet: rejected as
    an empty answer (E141), not coded; the same characters around words leave an answer."""
    f = tmp_path / "fft.csv"
    pd.DataFrame({"id": [str(i) for i in range(6)],
                  "comment": ["\u200b", "\ufeff", " \u2060 ", "\u200b\u200c\u00a0", "\u200bKind staff.",
                              "Kind\u200b nurses."]}).to_csv(f, index=False)
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [f], text=["comment"], id="id")
        assert (result.n_in, result.n_ok, result.n_rejected) == (6, 2, 4)
        assert store.table("rejects")["code"].tolist() == ["E141"] * 4


def test_a_spreadsheets_error_value_is_no_answer(tmp_path):
    """``#N/A`` or ``#DIV/0!`` in the text column (a formula that failed, in a workbook or exported to CSV) was
    coded as an answer: it is rejected (E141, saying what it is); ``None`` typed by a person is an answer."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "answer"])
    ws.append([1, "Nurses were kind"])
    ws.append([2, "=VLOOKUP(9,A1:A2,2,FALSE)"])
    ws.append([3, "None"])
    ws["B3"].value = "#N/A"
    ws["B3"].data_type = "e"
    wb.save(tmp_path / "e.xlsx")
    (tmp_path / "e.csv").write_text("id,answer\n1,Kind staff\n2,#DIV/0!\n3, #REF! \n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [tmp_path / "e.xlsx", tmp_path / "e.csv"], text=["answer"], id="id")
        assert (result.n_in, result.n_ok, result.n_rejected) == (6, 3, 3)
        reasons = store.table("rejects")["reason"].tolist()
        assert all("spreadsheet's error value" in r for r in reasons) and "'#N/A'" in " ".join(reasons)
        assert sorted(store.table("documents")["text"]) == ["Kind staff", "None", "Nurses were kind"]


def test_a_qualtrics_exports_extra_header_lines_are_not_answers(tmp_path):
    """A Qualtrics CSV has the question wording and an ImportId line under its column names: both were coded
    as answers (the wording given a theme); they are rejects saying what they are, and the answers are read."""
    f = tmp_path / "q.csv"
    f.write_text('StartDate,ResponseId,Q2_TEXT\n'
                 'Start Date,Response ID,What was good about your care?\n'
                 '"{""ImportId"":""startDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""QID2_TEXT""}"\n'
                 '2024-03-01,R_1a,The nurses were kind\n2024-03-02,R_2b,Long wait in A&E\n', encoding="utf-8")
    g = tmp_path / "plain.csv"  # an answer that happens to quote the word is an answer
    g.write_text('id,text\n1,"{""ImportId"": is what the file said}"\n2,Fine\n', encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [f], text=["Q2_TEXT"], id="ResponseId")
        assert (result.n_in, result.n_ok, result.n_rejected) == (4, 2, 2)
        assert sorted(store.table("documents")["text"]) == ["Long wait in A&E", "The nurses were kind"]
        assert all("Qualtrics export" in r for r in store.table("rejects")["reason"])
        assert api.ingest(store, [g], text=["text"]).n_ok == 2


def test_a_surveymonkey_exports_second_header_line_is_not_an_answer(tmp_path):
    """SurveyMonkey writes a second header line under the questions (`Response`, `Open-Ended Response`,
    `Other (please specify)`): it was stored and coded as a respondent's answers, counted in every denominator,
    and its `Response` made a group of its own in evidence. It is a reject saying what it is."""
    rows = [["Respondent ID", "What is your role?", "", "What has changed?", "What did you value most?"],
            ["", "Response", "Other (please specify)", "Open-Ended Response", "Open-Ended Response"],
            ["114829384", "Consultant", "", "More confident leading change", "Coaching"],
            ["114829385", "Other (please specify)", "Practice manager", "Better relationships", "Peers"]]
    f = tmp_path / "sm.csv"
    with open(f, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(rows)
    g = tmp_path / "later.csv"  # the same words as an answer further down a file are an answer
    g.write_text("id,answer\n1,Kind staff\n2,Response\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [f], text=["What has changed?", "What did you value most?"], id="Respondent ID",
                            meta=["What is your role?"])
        assert (result.n_in, result.n_ok, result.n_rejected) == (6, 4, 2)
        docs = store.table("documents")
        assert "Open-Ended Response" not in set(docs["text"])
        assert not any("Response" == json.loads(a).get("What is your role?") for a in docs["attrs"])
        rejects = store.table("rejects")
        assert set(rejects["locator"]) == {"row 1"} and all("SurveyMonkey" in r for r in rejects["reason"])
        assert api.ingest(store, [g], text=["answer"], id="id").n_ok == 2


def test_a_case_study_read_again_after_its_sources_were_renumbered_cites_its_own_entries(tmp_path):
    """Read, then edited (a source added above, the marker renumbered) and read again: each version's
    testimonial cites the entry its own marker named, not also the other version's entry at that place."""
    case = tmp_path / "case.txt"
    head = "Details of the impact\n\nThe Director of Public Health for Kent said: \"the toolkit changed how our\n" \
           "team plans every screening clinic in the county\" [5.{n}].\n\nSources to corroborate the impact\n\n"
    case.write_text(head.format(n=2) + "[5.1] Annual report of the programme, 2012.\n"
                    "[5.2] Letter from the Director of Public Health, Kent County Council.\n"
                    "[5.3] Letter from the chief executive, Acme Housing.\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [case])
        case.write_text(head.format(n=3) + "[5.1] Annual report of the programme, 2012.\n"
                        "[5.2] Minutes of the county health board, March 2013.\n"
                        "[5.3] Letter from the Director of Public Health, Kent County Council.\n"
                        "[5.4] Letter from the chief executive, Acme Housing.\n", encoding="utf-8")
        api.ingest(store, [case])
        segments = store.table("segments")
        testimonials = segments[segments["kind"] == "testimonial"]
        assert sorted(testimonials["source_ref"]) == ["[5.2]", "[5.3]"]  # both versions are stored
        cited = store.segment_sources(testimonials["seg_id"].tolist())
        assert cited.groupby("seg_id")["text"].apply(list).tolist() == [
            ["Letter from the Director of Public Health, Kent County Council."]] * 2


def test_a_rule_between_sections_of_a_narrative_file_is_a_reject_that_says_so(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text("The programme trained 95 senior clinicians.\n\n---\n\nIt ran for three years.\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [f])
        assert (result.n_in, result.n_ok, result.n_rejected) == (3, 2, 1)
        (reason,) = store.table("rejects")["reason"]
        assert reason == "the passage is punctuation only ('---'), a rule or a break between sections"


def test_the_corroborating_sources_list_is_stored_but_not_evidence(tmp_path):
    """The section's paragraphs are documents and its entries are in the sources table, but it is not split
    into passages: a reference (``Evaluation of Leading Together, final report``) is never coded, quoted or
    counted for a claim. Another narrative file and a survey read in the same run are split as before."""
    case = tmp_path / "case.txt"
    case.write_text("Details of the impact\n\nThe programme changed national policy on leadership training.\n\n"
                    "Sources to corroborate the impact\n\n[5.1] Khan, A. (2020) Evaluation of Leading Together, final "
                    "report.\n\n[5.2] Participant feedback survey of the programme (n = 58).\n", encoding="utf-8")
    other = tmp_path / "notes.txt"
    other.write_text("The ward huddles continued after the programme ended.\n", encoding="utf-8")
    survey = tmp_path / "s.csv"
    survey.write_text("text\nThe course was great.\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        result = api.ingest(store, [case, other, survey], text=["text"])
        docs = store.table("documents")
        assert len(docs) == 7  # every paragraph is stored
        segs = store.table("segments").merge(docs[["doc_id", "source", "text"]].rename(columns={"text": "doc"}),
                                             on="doc_id")
        assert not segs["text"].str.contains(r"\[5\.|Sources to corroborate|Khan").any()
        assert sorted(segs.loc[segs["source"] == "case.txt", "text"]) == [
            "Details of the impact", "The programme changed national policy on leadership training."]
        assert (segs["source"] == "notes.txt").sum() == 1 and (segs["source"] == "s.csv").sum() == 1
        assert len(store.table("sources")) == 2 and result.n_rejected == 0
        api.classify(store, codebook="impact")
        codes = store.table("codes").merge(segs[["seg_id", "text"]], on="seg_id")
        assert not codes["text"].str.contains(r"\[5\.").any()


@pytest.mark.parametrize("text, want", [
    ("The framework set out shared accountability in detail (pp. 14-22). It was adopted.",
     ["The framework set out shared accountability in detail (pp. 14-22).", "It was adopted."]),
    ("Attendance rose to approx. 400 staff a year. Good.", ["Attendance rose to approx. 400 staff a year.", "Good."]),
    ("We saw Dr. Okafor twice. She was kind.", ["We saw Dr. Okafor twice.", "She was kind."]),
    ("See e.g. the ward report. Next.", ["See e.g. the ward report.", "Next."]),
    ("I said no. The staff agreed.", ["I said no.", "The staff agreed."]),  # a sentence that ends in "no."
    ("Read p.\nThe end.", ["Read p.", "The end."]),  # a line break always ends a sentence
])
def test_a_sentence_goes_on_past_an_abbreviation(text, want):
    """Passages were cut at "(pp." and "approx.", and a quote or the theme table's best quote was a fragment
    ("...in detail (pp." then "14-22)."): a number or a lower-case word after an abbreviation goes on."""
    from evalnlp.nlp import split_sentences

    assert split_sentences(text) == want


@pytest.mark.parametrize("text, want", [
    ("It was cited by the Committee [H].\u00b2 The Department drew on it.",
     ["It was cited by the Committee [H].\u00b2", "The Department drew on it."]),
    ("The guidance was adopted.12 Teachers now use it.", ["The guidance was adopted.12", "Teachers now use it."]),
    ("The guidance was adopted.[4] It reached every school.",
     ["The guidance was adopted.[4]", "It reached every school."]),
    ("She called it \u201ca turning point\u201d.\u00b9\u2070 \u201cNothing else came close,\u201d she added.",
     ["She called it \u201ca turning point\u201d.\u00b9\u2070", "\u201cNothing else came close,\u201d she added."]),
    ("The trust adopted it.\u2020 Others followed.", ["The trust adopted it.\u2020", "Others followed."]),
    # no footnote: a decimal, a page or figure reference, a marker followed by lower case
    ("Waits fell to 3.5 Then rose again.", ["Waits fell to 3.5 Then rose again."]),
    ("See Fig.2 The chart shows it.", ["See Fig.2 The chart shows it."]),
    ("As on p.2 The board agreed.", ["As on p.2 The board agreed."]),
    ("The rate was adopted.12 in 2019 by all.", ["The rate was adopted.12 in 2019 by all."]),
])
def test_a_footnote_marker_after_a_full_stop_still_ends_the_sentence(text, want):
    """A footnote marker glued after a full stop (a superscript in Word, plain digits in a PDF's text) kept the
    sentencizer from ending the sentence, so two sentences were one passage and one quote."""
    from evalnlp.nlp import split_sentences

    assert split_sentences(text) == want


def test_a_quotation_running_over_two_word_paragraphs_is_stored_whole(tmp_path, write_docx):
    """A long quotation set over two paragraphs, each opening with a quotation mark (as typographers set them),
    was stored cut at the end of the first paragraph: the second paragraph's words were in no testimonial. Each
    paragraph (a document of its own) now holds its part, with the same speaker and marker."""
    path = write_docx([
        "The Director of Education at Wessex County Council wrote to us in 2019:",
        "\u201cThe programme has changed the way our advisers work with schools. We now plan every visit around "
        "the misconceptions your team identified.",
        "\u201cIt has also changed how headteachers talk about mathematics, which is the hardest thing of all to "
        "shift.\u201d [B]",
        "A later paragraph about something else entirely, with no quotation in it.",
    ], name="letter_quote.docx")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        docs = store.table("documents").set_index("doc_id")
        segs = store.table("segments")
        told = segs[segs["kind"] == "testimonial"].merge(docs[["locator"]], left_on="doc_id", right_index=True)
        told = told.sort_values("locator")
        assert list(told["locator"]) == ["paragraph 2", "paragraph 3"]
        assert list(told["text"]) == [
            "The programme has changed the way our advisers work with schools. We now plan every visit around the "
            "misconceptions your team identified.",
            "It has also changed how headteachers talk about mathematics, which is the hardest thing of all to "
            "shift."]
        assert set(told["speaker"]) == {"The Director of Education at Wessex County Council"}
        assert set(told["source_ref"]) == {"[B]"}
        for _, seg in told.iterrows():
            assert docs.loc[seg["doc_id"], "text"][seg["start"]:seg["end"]] == seg["text"]
