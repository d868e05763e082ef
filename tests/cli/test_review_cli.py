"""review export / import through the command line, on FFT comments coded by the shipped models, with real
.xlsx files edited the way a reviewer's spreadsheet program would (openpyxl)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest
from conftest import table_snapshot
from helpers import CORPORA
from openpyxl import load_workbook

import evalnlp
from evalnlp import api
from evalnlp.codebook import load_codebook
from evalnlp.store import Store

FFT = CORPORA / "nhs_fft" / "text_data.csv"
ODD = ["Lovely staff\x0bthank you so much", "=good service all round"]  # a Word vertical tab; looks like a formula


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    df = pd.read_csv(FFT, dtype=str, keep_default_na=False).sample(n=80, random_state=11)
    df = df[["row_index", "feedback", "label"]]
    df = pd.concat([df, pd.DataFrame({"row_index": ["x1", "x2"], "feedback": ODD, "label": ["Staff", "Care"]})])
    path = tmp_path_factory.mktemp("review") / "comments.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def template(sample, tmp_path_factory):
    """A store with the sample coded by the shipped fft and impact models (copied for each test)."""
    path = tmp_path_factory.mktemp("template") / "coded.duckdb"
    with Store(path) as store:
        api.classify(store, [sample], text=["feedback"], id="row_index", codebook="fft", sentiment=False)
        api.classify(store, codebook="impact", sentiment=False)
    return path


@pytest.fixture
def coded(template, db_path):
    shutil.copy(template, db_path)
    return db_path


def columns(ws) -> dict[str, str]:
    """Header text -> column letter."""
    return {c.value: c.column_letter for c in ws[1] if c.value is not None}


def machine_decisions(db_path, coder_prefix: str) -> pd.DataFrame:
    with Store(db_path, read_only=True) as store:
        codes = store.table("codes")
    return codes[codes["coder"].str.startswith(coder_prefix)]


def export(cli, path, *args):
    result = cli("review", "export", str(path), *args)
    assert result.exit_code == 0, result.output
    return result


# ---- export ------------------------------------------------------------------------------------------------


def test_export_writes_a_workbook_an_analyst_can_work_in(cli, coded, sample, tmp_path):
    out = tmp_path / "review.xlsx"
    result = export(cli, out, "-n", "200", "--strategy", "random", "--codebook", "fft")
    texts = pd.read_csv(sample, dtype=str, keep_default_na=False)["feedback"]
    distinct = texts[texts.str.strip() != ""].map(lambda t: " ".join(t.lower().split())).nunique()
    n = distinct  # every passage once: repeated texts ("Nothing.") are shown once
    last = n + 1
    assert f"wrote {n} passages" in result.stdout and "review import" in result.stdout
    assert "thresholds model card" in result.stdout  # the shipped model's card was found
    wb = load_workbook(out)
    assert wb.sheetnames == ["Review", "Instructions", "_evalnlp"]
    assert wb["_evalnlp"].sheet_state == "hidden" and wb["Review"].sheet_state == "visible"
    ws = wb["Review"]
    col = columns(ws)
    cb = load_codebook("fft")
    labels = [t.label for t in cb.themes]
    assert [h for h in col if h in labels] == labels  # one column per theme, in codebook order
    assert ws.freeze_panes == "C2"
    assert ws.protection.sheet and not ws.protection.password
    assert ws.max_row == last
    for r in (2, 40, last):
        assert ws[f"{col['text']}{r}"].protection.locked and ws[f"{col['source']}{r}"].protection.locked
        assert ws[f"{col['seg_id']}{r}"].protection.locked
        assert ws[f"{col['text']}{r}"].alignment.wrap_text
        for name in labels + ["reviewed", "notes"]:
            assert not ws[f"{col[name]}{r}"].protection.locked, name
    for name in ("seg_id", "machine", "fingerprint"):
        assert ws.column_dimensions[col[name]].hidden
    # the filter's sort moves the hidden ids with the text: it spans every column
    assert ws.auto_filter.ref == f"A1:{col['fingerprint']}{last}"
    ranges = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    theme_range = f"{col[labels[0]]}2:{col[labels[-1]]}{last}"
    assert theme_range in ranges and ranges[theme_range].type == "whole"
    assert (ranges[theme_range].formula1, ranges[theme_range].formula2) == ("0", "1")
    # pre-filled with exactly the machine's decisions: 1 or empty
    machine = machine_decisions(coded, "model:fft-themes")
    given = {(s, t) for s, t in zip(machine[machine.assigned]["seg_id"], machine[machine.assigned]["theme"])}
    label_to_id = {t.label: t.id for t in cb.themes}
    seen = set()
    for r in range(2, last + 1):
        seg = ws[f"{col['seg_id']}{r}"].value
        for name in labels:
            value = ws[f"{col[name]}{r}"].value
            assert value in (1, None)
            if value == 1:
                seen.add((seg, label_to_id[name]))
    exported = {ws[f"{col['seg_id']}{r}"].value for r in range(2, last + 1)}
    assert seen == {(s, t) for s, t in given if s in exported}
    texts = [ws[f"{col['text']}{r}"] for r in range(2, last + 1)]
    assert "Lovely staff_x000B_thank you so much" in [c.value for c in texts]
    formula_like = [c for c in texts if str(c.value).startswith("=")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)
    instructions = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "counts as reviewed" in instructions and "single-label" in instructions
    assert cb.get("staff").definition[:40] in instructions
    with Store(coded, read_only=True) as store:
        run = store.table("runs").iloc[-1]
    assert run["command"] == "review export" and run["n_in"] == run["n_ok"] == n
    assert len(json.loads(run["args"])["seg_ids"]) == n


@pytest.mark.parametrize("strategy", ["uncertain", "diverse", "random"])
def test_strategies_give_n_distinct_passages_the_same_each_time(coded, tmp_path, strategy):
    with evalnlp.open(str(coded)) as project:
        a = project.review_export(tmp_path / "a.xlsx", n=15, strategy=strategy, codebook="fft")
        b = project.review_export(tmp_path / "b.xlsx", n=15, strategy=strategy, codebook="fft")
    assert len(a.passages) == 15 and a.passages["seg_id"].is_unique
    assert a.passages["seg_id"].tolist() == b.passages["seg_id"].tolist()
    assert a.passages["text"].str.lower().is_unique


def test_uncertain_spreads_over_themes_and_theme_keeps_to_one(coded, tmp_path):
    with evalnlp.open(str(coded)) as project:
        spread = project.review_export(tmp_path / "a.xlsx", n=18, codebook="fft")
        staff = project.review_export(tmp_path / "b.xlsx", n=5, codebook="fft", theme="staff")
        random_staff = project.review_export(tmp_path / "c.xlsx", n=5, codebook="fft", theme="staff",
                                             strategy="random")
    boundaries = spread.passages["reason"].str.extract(r"near the (.+) boundary")[0]
    assert boundaries.nunique() == 9  # every fft theme had its turn
    assert staff.passages["reason"].str.startswith("near the Staff boundary").all()
    assert all("staff" in m for m in random_staff.passages["machine"])


# ---- round trips -------------------------------------------------------------------------------------------


def test_round_trip_stores_the_reviewed_rows_as_human_codes(cli, coded, tmp_path):
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "12", "--codebook", "fft")
    wb = load_workbook(out)
    ws = wb["Review"]
    col = columns(ws)
    cb = load_codebook("fft")
    label = {t.id: t.label for t in cb.themes}

    def machine(r):
        return ws[f"{col['machine']}{r}"].value

    # row 2: move the 1 to another theme (a changed decision)
    old = machine(2)
    new = "dignity" if old != "dignity" else "access"
    ws[f"{col[label[old]]}2"] = None
    ws[f"{col[label[new]]}2"] = 1
    # row 3: agree with the machine
    ws[f"{col['reviewed']}3"] = "yes"
    # row 4: only a note (typing in a row counts as reviewing it)
    ws[f"{col['notes']}4"] = "ward name in text"
    # row 5: an explicit 0 typed into an empty cell, decision otherwise as the machine's
    other = next(t for t in cb.theme_ids if t != machine(5))
    ws[f"{col[label[other]]}5"] = 0
    # row 6: a 1 typed over the machine's own 1 and nothing else: indistinguishable from untouched
    ws[f"{col[label[machine(6)]]}6"] = 1
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    seg = {r: ws[f"{col['seg_id']}{r}"].value for r in range(2, 14)}

    result = cli("review", "import", str(edited), "--coder", "alice")
    assert result.exit_code == 0, result.output
    assert "read 12 rows: imported 4 reviewed passages as human:alice" in result.stdout
    assert "8 untouched rows (left as exported) skipped" in result.stdout
    assert "changed 1 of the machine's decisions (2 theme cells)" in result.stdout
    assert "3 confirmed" in result.stdout

    human = machine_decisions(coded, "human:alice")
    assert set(human["seg_id"]) == {seg[2], seg[3], seg[4], seg[5]}
    assert len(human) == 4 * len(cb.theme_ids)  # every theme of every reviewed passage
    assert human["score"].isna().all()
    chosen = human[human.assigned].set_index("seg_id")["theme"]
    assert chosen[seg[2]] == new
    assert chosen[seg[3]] == machine(3) and chosen[seg[4]] == machine(4) and chosen[seg[5]] == machine(5)
    with Store(coded, read_only=True) as store:
        run = store.table("runs").iloc[-1]
        effective = store.effective_codes(themes=cb.theme_ids)
    assert run["command"] == "review import" and run["codebook_id"] == "fft"
    # the run's counts are the rows that held a decision, all stored; the 8 left as exported are in its args,
    # and they add up to the rows read
    assert (run["n_in"], run["n_ok"], run["n_rejected"]) == (4, 4, 0)
    args = json.loads(run["args"])
    assert (args["rows"], args["reviewed"], args["untouched"]) == (12, 4, 8)
    assert (args["changed_passages"], args["confirmed"]) == (1, 3)
    assert args["notes"] == {seg[4]: "ward name in text"}
    # evidence now uses the reviewer's decision for that passage
    mine = effective[effective.seg_id == seg[2]]
    assert mine["coder"].tolist() == ["human:alice"] and mine["theme"].tolist() == [new]

    # importing the same workbook again replaces the reviewer's codes, it does not add to them
    assert cli("review", "import", str(edited), "--coder", "alice").exit_code == 0
    assert len(machine_decisions(coded, "human:alice")) == 4 * len(cb.theme_ids)
    # the next export leaves out what people have coded
    again = tmp_path / "next.xlsx"
    export(cli, again, "-n", "200", "--codebook", "fft")
    ws2 = load_workbook(again)["Review"]
    later = {ws2[f"{columns(ws2)['seg_id']}{r}"].value for r in range(2, ws2.max_row + 1)}
    assert not later & {seg[2], seg[3], seg[4], seg[5]}


def test_a_decision_on_a_repeated_answer_covers_its_repeats_to_the_same_question(cli, db_path, tmp_path):
    """The workbook shows each distinct answer to a question once; the reviewer's decision on it goes to every
    repeat of it (folded case and spacing) to that question, so none comes back in the next round and none keeps
    the machine's codes. The same text answering another question is another answer: shown, and left alone."""
    path = tmp_path / "dup.csv"
    pd.DataFrame({"id": ["1", "2", "3", "4", "5"],
                  "good": ["Nothing", "nothing ", "Nothing", "The nurses were kind and explained everything.",
                           "Kind staff"],
                  "better": ["Nothing", "The wait was two hours.", "Parking was impossible.", "More parking.",
                             "Nothing at all"]}).to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "good", "--text", "better", "--id", "id",
               "--codebook", "fft").exit_code == 0
    first = tmp_path / "round1.xlsx"
    result = export(cli, first, "-n", "20", "--strategy", "random")
    wb = load_workbook(first)
    ws = wb["Review"]
    col = columns(ws)
    rows = {(ws[f"{col['question']}{r}"].value, ws[f"{col['text']}{r}"].value.strip().lower()): r
            for r in range(2, ws.max_row + 1) if ws[f"{col['text']}{r}"].value}
    assert sorted(k for k in rows if k[1] == "nothing") == [("better", "nothing"), ("good", "nothing")]
    assert len(rows) == 8  # 10 answers, the three answers "Nothing" to `good` shown once
    r = rows[("good", "nothing")]
    label = {t.id: t.label for t in load_codebook("fft").themes}
    for theme in load_codebook("fft").theme_ids:
        ws[f"{col[label[theme]]}{r}"] = None
    ws[f"{col[label['couldnt_be_improved']]}{r}"] = 1
    ws[f"{col['reviewed']}{r}"] = "yes"
    edited = tmp_path / "round1_done.xlsx"
    wb.save(edited)
    result = cli("review", "import", str(edited), "--coder", "alice")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "imported 1 reviewed passage as human:alice" in said
    assert "the same decisions went to 2 passages repeating a reviewed one" in said
    human = machine_decisions(db_path, "human:alice")
    with Store(db_path, read_only=True) as store:
        where = store.segment_context(human["seg_id"].drop_duplicates().tolist())
    assert sorted(zip(where["question"], where["text"])) == [("good", "Nothing"), ("good", "Nothing"),
                                                             ("good", "nothing ")]
    assert set(human[human["assigned"]]["theme"]) == {"couldnt_be_improved"} and human["assigned"].sum() == 3
    second = tmp_path / "round2.xlsx"
    export(cli, second, "-n", "20", "--strategy", "random")
    ws2 = load_workbook(second)["Review"]
    col2 = columns(ws2)
    shown = {(ws2[f"{col2['question']}{r}"].value, ws2[f"{col2['text']}{r}"].value.strip().lower())
             for r in range(2, ws2.max_row + 1) if ws2[f"{col2['text']}{r}"].value}
    assert ("good", "nothing") not in shown and ("better", "nothing") in shown and len(shown) == 7
    # the reviewer corrects the decision in the first workbook and imports it again: the repeats that took the
    # first decision take the corrected one, so the person's codes never contradict each other
    wb = load_workbook(edited)
    ws = wb["Review"]
    ws[f"{col[label['couldnt_be_improved']]}{r}"] = None
    ws[f"{col[label['miscellaneous']]}{r}"] = 1
    corrected = tmp_path / "round1_corrected.xlsx"
    wb.save(corrected)
    result = cli("review", "import", str(corrected), "--coder", "alice")
    assert result.exit_code == 0, result.output
    assert "the same decisions went to 2 passages repeating a reviewed one" in " ".join(result.output.split())
    human = machine_decisions(db_path, "human:alice")
    assert set(human[human["assigned"]]["theme"]) == {"miscellaneous"} and human["assigned"].sum() == 3
    # another person's decision on a repeat is theirs: a third import by alice leaves it alone
    with Store(db_path, read_only=True) as store:
        repeat = sorted(set(human["seg_id"]) - {ws[f"{col['seg_id']}{r}"].value})[0]
    with evalnlp.open(str(db_path)) as project:
        project.store.replace_codes(pd.DataFrame({"seg_id": [repeat], "theme": ["dignity"], "score": [None],
                                                  "assigned": [True]}), "human:bob", "manual")
    result = cli("review", "import", str(edited), "--coder", "alice")
    assert result.exit_code == 0, result.output
    assert "the same decisions went to 1 passage" in " ".join(result.output.split())
    bob = machine_decisions(db_path, "human:bob")
    assert list(bob["theme"]) == ["dignity"]
    alice = machine_decisions(db_path, "human:alice")
    assert repeat in set(alice["seg_id"])  # alice's own earlier copy on it is replaced, not left stale


def test_a_hidden_machine_column_cleared_does_not_turn_untouched_rows_into_decisions(cli, coded, tmp_path):
    """Theme cells are read against the hidden 'machine' cell (what was pre-filled). Cleared, as by someone who
    unhid the columns and tidied them, every pre-filled 1 read as the reviewer's change: a workbook nobody
    reviewed imported each machine-coded row as a person's decision. The store still holds the classify run the
    workbook came from, so the cell is checked against it and the import refused, naming the cell."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "8", "--codebook", "impact", "--strategy", "random")
    col = columns(load_workbook(out)["Review"])

    def clear(wb):
        ws = wb["Review"]
        for r in range(2, ws.max_row + 1):
            ws[f"{col['machine']}{r}"] = None

    before = table_snapshot(coded)
    result = cli("review", "import", str(edited_copy(out, tmp_path / "cleared.xlsx", clear)), "--coder", "alice")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "[E193]" in said, result.output
    assert f"the hidden cell Review!{col['machine']}" in said and "'machine' column was edited" in said
    assert table_snapshot(coded) == before
    # as exported, the same workbook imports nothing: no row was typed in
    untouched = cli("review", "import", str(out), "--coder", "alice")
    assert untouched.exit_code == 0 and "no row was reviewed" in untouched.stdout


def test_two_rows_of_the_same_words_to_two_questions_swapped_without_their_ids_are_refused(cli, db_path, tmp_path):
    """"Nothing" answering two questions is two rows of one text. A sort of the visible columns that swaps just
    those two (a filter showing them, then a sort by question) leaves each text beside the other's passage id:
    the texts still match, so the question (and locator) are compared too, and the swap is refused."""
    path = tmp_path / "two.csv"
    pd.DataFrame({"id": ["1", "2"], "good": ["Nothing", "The nurses were kind."],
                  "better": ["Nothing", "Parking was impossible."]}).to_csv(path, index=False)
    assert cli("classify", str(path), "--text", "good", "--text", "better", "--id", "id",
               "--codebook", "fft").exit_code == 0
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "20", "--strategy", "random")
    col = columns(load_workbook(out)["Review"])
    label = {t.id: t.label for t in load_codebook("fft").themes}

    def swap(wb):
        ws = wb["Review"]
        at = {ws[f"{col['question']}{r}"].value: r for r in range(2, ws.max_row + 1)
              if ws[f"{col['text']}{r}"].value == "Nothing"}
        a, b = at["good"], at["better"]
        for name in label.values():
            ws[f"{col[name]}{a}"] = None
        ws[f"{col[label['couldnt_be_improved']]}{a}"] = 1  # "Nothing" could be better: nothing to improve
        ws[f"{col['reviewed']}{a}"] = "yes"
        for name, letter in col.items():  # the visible columns of the two rows trade places; the hidden stay
            if name not in ("seg_id", "machine", "fingerprint"):
                ws[f"{letter}{a}"], ws[f"{letter}{b}"] = ws[f"{letter}{b}"].value, ws[f"{letter}{a}"].value

    before = table_snapshot(db_path)
    result = cli("review", "import", str(edited_copy(out, tmp_path / "swapped.xlsx", swap)), "--coder", "alice")
    assert result.exit_code == 1 and "[E193]" in result.stderr, result.output
    assert "sorted or moved" in " ".join(result.stderr.split())
    assert table_snapshot(db_path) == before


def test_round_trip_on_a_multi_label_codebook(coded, tmp_path):
    cb = load_codebook("impact")
    label = {t.id: t.label for t in cb.themes}
    with evalnlp.open(str(coded)) as project:
        done = project.review_export(tmp_path / "impact.xlsx", n=6, codebook="impact")
        wb = load_workbook(done.path)
        ws = wb["Review"]
        col = columns(ws)
        ws[f"{col[label['capability']]}2"] = 1
        ws[f"{col[label['endorsement']]}2"] = 1
        for t in cb.theme_ids:  # row 3: no theme applies
            ws[f"{col[label[t]]}3"] = 0
        wb.save(tmp_path / "impact-edited.xlsx")
        result = project.review_import(tmp_path / "impact-edited.xlsx", coder="bo")
        codes = project.codes()
    assert (result.n_rows, result.n_reviewed, result.n_untouched) == (6, 2, 4)
    assert result.n_changed_passages + result.n_confirmed == result.n_reviewed
    with Store(coded, read_only=True) as store:  # the run says the same as the result
        run = store.table("runs").iloc[-1]
    assert (run["command"], run["n_in"], run["n_ok"], run["n_rejected"]) == ("review import", 2, 2, 0)
    assert {k: json.loads(run["args"])[k] for k in ("rows", "reviewed", "untouched", "changed_passages",
                                                     "confirmed")} == {
        "rows": 6, "reviewed": 2, "untouched": 4, "changed_passages": result.n_changed_passages,
        "confirmed": result.n_confirmed}
    # changed: True or False (it held the count of changed cells, 0, 1, 2...), the counts unchanged by that
    reviewed = result.reviewed
    assert reviewed["changed"].dtype == bool
    pairs = [(set(t), set(m)) for t, m in zip(reviewed["themes"], reviewed["machine"])]
    assert reviewed["changed"].tolist() == [t != m for t, m in pairs] and reviewed["changed"].any()
    assert result.n_changed_passages == sum(t != m for t, m in pairs)
    assert result.n_changed_cells == sum(len(t ^ m) for t, m in pairs)
    human = codes[codes.coder == "human:bo"]
    seg2, seg3 = ws[f"{col['seg_id']}2"].value, ws[f"{col['seg_id']}3"].value
    assert set(human[human.assigned & (human.seg_id == seg2)]["theme"]) >= {"capability", "endorsement"}
    assert not human[human.seg_id == seg3]["assigned"].any() and (human.seg_id == seg3).sum() == len(cb.theme_ids)


# ---- refusals: the store is left exactly as it was ----------------------------------------------------------


def edited_copy(src, dst, edit):
    wb = load_workbook(src)
    edit(wb)
    wb.save(dst)
    return dst


def test_a_workbook_from_another_store_is_refused(cli, coded, sample, tmp_path):
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    wb = edited_copy(out, tmp_path / "edited.xlsx", lambda wb: wb["Review"].__setitem__("L2", "yes"))
    other = tmp_path / "other.duckdb"  # the same comments ingested into another project: the same passage ids
    with Store(other) as store:
        api.ingest(store, [sample], text=["feedback"], id="row_index")
    before = table_snapshot(other)
    result = cli("--db", str(other), "review", "import", str(wb), "--coder", "alice")
    assert result.exit_code == 1
    assert "E191" in result.stderr and "another project store" in result.stderr and str(coded) in result.stderr
    assert table_snapshot(other) == before


def test_a_tampered_codebook_fingerprint_is_refused(cli, coded, tmp_path):
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")

    def tamper_meta(wb):
        ws = wb["_evalnlp"]
        for row in ws.iter_rows():
            if row[0].value == "codebook_sha256":
                row[1].value = "0" * 64
        wb["Review"]["P2"] = "yes"

    def tamper_row(wb):
        ws = wb["Review"]
        col = columns(ws)
        ws[f"{col['fingerprint']}4"] = "0123456789abcdef"
        ws[f"{col['reviewed']}4"] = "yes"

    before = table_snapshot(coded)
    bad_meta = edited_copy(out, tmp_path / "meta.xlsx", tamper_meta)
    result = cli("review", "import", str(bad_meta), "--coder", "alice")
    assert result.exit_code == 1 and "E192" in result.stderr and "another version of codebook 'fft'" in result.stderr
    bad_row = edited_copy(out, tmp_path / "row.xlsx", tamper_row)
    result = cli("review", "import", str(bad_row), "--coder", "alice")
    assert result.exit_code == 1 and "E193" in result.stderr
    fp_col = columns(load_workbook(bad_row)["Review"])["fingerprint"]
    assert f"Review!{fp_col}4" in result.stderr
    assert table_snapshot(coded) == before


def test_a_codebook_changed_since_the_export_is_refused(cli, coded, tmp_path):
    from evalnlp.codebook import _shipped_path

    mine = tmp_path / "mine.yaml"
    mine.write_text(_shipped_path("fft").read_text() + "\n# our copy\n")  # another version of fft
    assert cli("classify", "--codebook", str(mine), "--model", "keyword").exit_code == 0
    out = tmp_path / "review.xlsx"
    result = export(cli, out, "-n", "4", "--codebook", str(mine))
    assert "thresholds inferred from the codes" in result.stdout
    wb = edited_copy(out, tmp_path / "edited.xlsx", lambda wb: None)
    ws = load_workbook(wb)["Review"]
    mark = f"{columns(ws)['reviewed']}2"
    edited_copy(wb, wb, lambda w: w["Review"].__setitem__(mark, "yes"))
    exported = mine.read_text()
    mine.write_text(exported + "\n# a later edit\n")
    before = table_snapshot(coded)
    result = cli("review", "import", str(wb), "--coder", "alice")
    assert result.exit_code == 1 and "E192" in result.stderr and "--codebook-changed" in result.stderr
    assert table_snapshot(coded) == before

    # a theme added since the export: the reviewer did not decide on it, so even --codebook-changed is refused
    mine.write_text(exported + "  - id: parking\n    label: Parking\n    definition: Car parks and their cost.\n")
    result = cli("review", "import", str(wb), "--coder", "alice", "--codebook-changed")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "E192" in said and "no column for ('parking'" in said, said
    assert table_snapshot(coded) == before

    # the wording changed only: read against the codebook as it is now, said, and the exported version recorded
    mine.write_text(exported + "\n# a later edit\n")
    result = cli("review", "import", str(wb), "--coder", "alice", "--codebook-changed")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 0, said
    assert "warning: the workbook was exported with another version of codebook" in said
    with duckdb.connect(str(coded), read_only=True) as con:
        args = json.loads(con.execute("SELECT args FROM runs WHERE command = 'review import'").fetchone()[0])
        n = con.execute("SELECT count(DISTINCT seg_id) FROM codes WHERE coder = 'human:alice'").fetchone()[0]
    assert n == 1 and len(args["exported_codebook_sha256"]) == 64


@pytest.mark.parametrize("value, code", [("yes", "E194"), (2, "E194"), ("1;0", "E194")])
def test_a_theme_cell_that_is_not_0_or_1_is_a_numbered_error_naming_the_cell(cli, coded, tmp_path, value, code):
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    col = columns(load_workbook(out)["Review"])
    cell = f"{col['Staff']}3"
    bad = edited_copy(out, tmp_path / "bad.xlsx", lambda wb: wb["Review"].__setitem__(cell, value))
    before = table_snapshot(coded)
    result = cli("review", "import", str(bad), "--coder", "alice")
    assert result.exit_code == 1 and code in result.stderr and f"Review!{cell}" in result.stderr
    assert table_snapshot(coded) == before


def test_other_bad_rows_are_numbered_errors(cli, coded, tmp_path):
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    col = columns(load_workbook(out)["Review"])
    before = table_snapshot(coded)

    def two_themes(wb):
        ws = wb["Review"]
        for name in ("Staff", "Access"):
            ws[f"{col[name]}2"] = 1

    cases = {
        "E195": lambda wb: wb["Review"].__setitem__(f"{col['reviewed']}2", "maybe"),
        "E196": two_themes,
        "E197": lambda wb: wb["Review"].__setitem__(f"{col['Staff']}1", "Personnel"),
    }
    for code, edit in cases.items():
        bad = edited_copy(out, tmp_path / f"{code}.xlsx", edit)
        result = cli("review", "import", str(bad), "--coder", "alice")
        assert result.exit_code == 1 and code in result.stderr, (code, result.output)
    assert "Review!" in cli("review", "import", str(tmp_path / "E195.xlsx"), "--coder", "a").stderr
    assert table_snapshot(coded) == before


def test_a_column_the_reviewer_added_is_ignored_unless_used_as_a_theme(cli, coded, tmp_path):
    """A column of the reviewer's own with text is not read, and the import says so (a warning naming it and how
    many rows hold something there); one marked 1 in a row is a theme the codebook does not have: refused (E197),
    since the row would otherwise pass for agreement with the machine."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    ws = load_workbook(out)["Review"]
    last = ws.max_column + 1

    def added(value):
        def edit(wb):
            sheet = wb["Review"]
            sheet.cell(row=1, column=last, value="Parking")
            sheet.cell(row=3, column=last, value=value)
        return edit

    before = table_snapshot(coded)
    marked = edited_copy(out, tmp_path / "marked.xlsx", added(1))
    result = cli("review", "import", str(marked), "--coder", "alice")
    assert result.exit_code == 1 and "E197" in result.stderr and "'Parking'" in result.stderr
    assert table_snapshot(coded) == before
    remark = edited_copy(out, tmp_path / "remark.xlsx", added("ask the estates team"))
    result = cli("review", "import", str(remark), "--coder", "alice")
    assert result.exit_code == 0
    assert "warning: the column 'Parking' is not one the workbook was exported with: what 1 row holds in it was " \
           "not read" in " ".join(result.stderr.split())

    def score(wb):  # a reviewer's own 1-3 confidence column is not a theme, though it holds a 1
        sheet = wb["Review"]
        sheet.cell(row=1, column=last, value="confidence")
        for row, value in ((2, 3), (3, 1), (4, 2)):
            sheet.cell(row=row, column=last, value=value)

    scored = edited_copy(out, tmp_path / "scored.xlsx", score)
    result = cli("review", "import", str(scored), "--coder", "bob")
    assert result.exit_code == 0 and "'confidence'" in result.stderr and "3 rows hold" in result.stderr
    untouched = cli("review", "import", str(out), "--coder", "carol")  # as exported: nothing to warn about
    assert untouched.exit_code == 0 and "warning" not in untouched.stderr


def test_a_formula_with_no_saved_value_is_refused_not_read_as_empty(cli, coded, tmp_path):
    """A workbook edited by a script (or a program that saves without calculating) holds "=1" with no value: read
    for values it is an empty cell, the reviewer clearing the theme. Refused, naming the cell, with the store as it
    was."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    ws = load_workbook(out)["Review"]
    heads = {c.value: c.column_letter for c in ws[1]}
    theme_col = next(letter for head, letter in heads.items() if head not in (None, "reviewed", "notes", "text")
                     and ws[f"{letter}2"].value in (0, 1))
    before = table_snapshot(coded)

    def formula(wb):
        wb["Review"][f"{theme_col}2"] = "=1"
        wb["Review"][f"{heads['reviewed']}2"] = "yes"

    edited = edited_copy(out, tmp_path / "formula.xlsx", formula)
    result = cli("review", "import", str(edited), "--coder", "alice")
    assert result.exit_code == 1 and "E194" in result.stderr and f"Review!{theme_col}2" in result.stderr
    assert table_snapshot(coded) == before


@pytest.mark.parametrize("mark, code", [("no", "E195"), ("FALSE", "E195"), ("yes", None), (None, None),
                                        ("\u221a", None), ("\u2611", None),  # a square-root sign typed as a tick
                                        ("\u2714\ufe0f", None),  # a heavy tick as an emoji picker types it
                                        (0, "E195"), (0.0, "E195"),  # 0 typed: Excel stores a number
                                        (False, None)])  # False: a checkbox left unticked, not a typed "no"
def test_no_under_reviewed_beside_a_changed_theme_is_refused(cli, coded, tmp_path, mark, code):
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    ws = load_workbook(out)["Review"]
    col = columns(ws)
    was = "Staff" if ws[f"{col['Staff']}2"].value == 1 else "Access"
    now = "Access" if was == "Staff" else "Staff"

    def edit(wb):  # the row's theme moved from one theme to another (single-label: still one theme)
        sheet = wb["Review"]
        for name in col:
            if name not in ("reviewed", "notes") and sheet[f"{col[name]}2"].value == 1:
                sheet[f"{col[name]}2"] = None
        sheet[f"{col[now]}2"] = 1
        sheet[f"{col['reviewed']}2"] = mark

    result = cli("review", "import", str(edited_copy(out, tmp_path / "e.xlsx", edit)), "--coder", "alice")
    if code:
        assert result.exit_code == 1 and code in result.stderr and f"Review!{col['reviewed']}2" in result.stderr
    else:
        assert result.exit_code == 0, result.output


def test_no_under_reviewed_beside_a_note_is_refused(cli, coded, tmp_path):
    """A typed "no" says the row was not reviewed; a note makes it a reviewed row: the two contradict."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    col = columns(load_workbook(out)["Review"])

    def edit(mark):
        def apply(wb):
            wb["Review"][f"{col['reviewed']}3"] = mark
            wb["Review"][f"{col['notes']}3"] = "not sure this is about staff"
        return apply

    refused = cli("review", "import", str(edited_copy(out, tmp_path / "no.xlsx", edit("no"))), "--coder", "alice")
    assert refused.exit_code == 1 and "E195" in refused.stderr and f"Review!{col['reviewed']}3" in refused.stderr
    assert machine_decisions(coded, "human:alice").empty
    kept = cli("review", "import", str(edited_copy(out, tmp_path / "yes.xlsx", edit("yes"))), "--coder", "alice")
    assert kept.exit_code == 0, kept.output


def test_rows_sorted_without_their_hidden_columns_are_refused(cli, coded, tmp_path):
    """Sorting only the visible columns (a selection, or the filter range of a workbook from before it spanned the
    hidden ones) leaves each row's passage id behind its text: importing would put every decision on another
    passage. The import compares each row's text with its passage's and refuses, naming the row; a sort of the
    whole sheet keeps rows whole and imports."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "8", "--codebook", "fft", "--strategy", "random")
    col = columns(load_workbook(out)["Review"])
    visible_last = col["notes"]

    def sort(whole: bool):
        def apply(wb):
            ws = wb["Review"]
            width = ws.max_column if whole else ws[f"{visible_last}1"].column
            rows = [[c.value for c in row[:width]] for row in ws.iter_rows(min_row=2)]
            rows.sort(key=lambda r: str(r[1]).lower(), reverse=True)
            for i, row in enumerate(rows, start=2):
                for j, v in enumerate(row, start=1):
                    ws.cell(i, j).value = v
            ws[f"{col['reviewed']}2"] = "yes"
        return apply

    bad = cli("review", "import", str(edited_copy(out, tmp_path / "part.xlsx", sort(False))), "--coder", "alice")
    assert bad.exit_code == 1 and "E193" in bad.stderr and "sorted or moved" in " ".join(bad.stderr.split())
    assert machine_decisions(coded, "human:alice").empty
    good = cli("review", "import", str(edited_copy(out, tmp_path / "whole.xlsx", sort(True))), "--coder", "alice")
    assert good.exit_code == 0, good.output
    wb = load_workbook(tmp_path / "whole.xlsx")
    seg = wb["Review"][f"{col['seg_id']}2"].value
    with Store(coded, read_only=True) as store:
        text = store.segment_context([seg])["text"][0]
    assert text == wb["Review"][f"{col['text']}2"].value
    assert set(machine_decisions(coded, "human:alice")["seg_id"]) == {seg}


def test_a_sheet_reshaped_by_hand_is_refused_with_what_to_undo_not_a_new_export(cli, coded, tmp_path):
    """What a reviewer does to a sheet's shape (a theme header shortened, a title row typed above the header, the
    sheet renamed, a copy saved as CSV) is refused with the store untouched, and the message says what to put
    back: a renamed theme column is not called a theme the codebook lacks (whose advice, moving its 1s into
    notes, would lose them), and none says to export again, which would drop the decisions typed."""
    import csv

    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    col = columns(load_workbook(out)["Review"])
    before = table_snapshot(coded)

    def renamed_theme(wb):
        ws = wb["Review"]
        ws[f"{col['Staff']}1"] = "Staffing"
        ws[f"{col['Staff']}2"] = 1  # the reviewer's decision, under the header typed over
        ws[f"{col['reviewed']}2"] = "yes"

    def title_row(wb):
        ws = wb["Review"]
        ws[f"{col['reviewed']}2"] = "yes"
        ws.insert_rows(1)
        ws["A1"] = "Alice, round 1"

    def renamed_sheet(wb):
        wb["Review"][f"{col['reviewed']}2"] = "yes"
        wb["Review"].title = "Alice"

    said = {}
    for name, edit in (("renamed_theme", renamed_theme), ("title_row", title_row), ("renamed_sheet", renamed_sheet)):
        result = cli("review", "import", str(edited_copy(out, tmp_path / f"{name}.xlsx", edit)), "--coder", "alice")
        assert result.exit_code == 1, (name, result.output)
        said[name] = " ".join(result.stderr.split())
    as_csv = tmp_path / "review.csv"
    with as_csv.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(load_workbook(out)["Review"].iter_rows(values_only=True))
    result = cli("review", "import", str(as_csv), "--coder", "alice")
    assert result.exit_code == 1
    said["csv"] = " ".join(result.stderr.split())

    assert "[E197]" in said["renamed_theme"] and "no column headed 'Staff'" in said["renamed_theme"]
    assert "'Staffing' are none of the workbook's: is one of them that column, renamed?" in said["renamed_theme"]
    assert "row's note" not in said["renamed_theme"]
    assert "[E197]" in said["title_row"] and "is row 2, not row 1" in said["title_row"]
    assert "Delete the row(s) above it" in said["title_row"]
    assert "[E190]" in said["renamed_sheet"] and "found 'Alice'" in said["renamed_sheet"]
    assert "name it 'Review' again" in said["renamed_sheet"]
    assert "[E190]" in said["csv"] and "Save the edited workbook as Excel Workbook (.xlsx)" in said["csv"]

    def total_row(wb):  # a row of the reviewer's own below the data
        ws = wb["Review"]
        ws[f"{col['reviewed']}2"] = "yes"
        ws.cell(row=ws.max_row + 1, column=1, value="Total")

    result = cli("review", "import", str(edited_copy(out, tmp_path / "total.xlsx", total_row)), "--coder", "alice")
    said["total"] = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "[E193]" in said["total"] and "has no passage id" in said["total"]
    assert "Delete the row" in said["total"]
    assert not any("export again" in m.lower() or "export a new" in m.lower() for m in said.values()), said
    assert table_snapshot(coded) == before


# ---- command-line contract ---------------------------------------------------------------------------------


def test_usage_errors_exit_2(cli, coded, tmp_path):
    for args in (["export", str(tmp_path / "r.xlsx"), "--strategy", "smart"],
                 ["export", str(tmp_path / "r.xlsx"), "-n", "0"],
                 ["export", str(tmp_path / "r.csv")],
                 ["import", str(tmp_path / "r.xlsx")]):
        result = cli("review", *args)
        assert result.exit_code == 2, (args, result.output)
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "r.csv").exists()


def test_data_errors_exit_1_with_their_code(cli, coded, db_path, tmp_path):
    result = cli("review", "export", str(tmp_path / "r.xlsx"), "--codebook", "fft", "--theme", "nope")
    assert result.exit_code == 1 and "E220" in result.stderr
    not_a_workbook = tmp_path / "plain.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(not_a_workbook, index=False)
    result = cli("review", "import", str(not_a_workbook), "--coder", "alice")
    assert result.exit_code == 1 and "E190" in result.stderr
    result = cli("review", "import", str(tmp_path / "missing.xlsx"), "--coder", "alice")
    assert result.exit_code == 1 and "E190" in result.stderr
    out = tmp_path / "ok.xlsx"
    export(cli, out, "-n", "3", "--codebook", "fft")
    result = cli("review", "import", str(out), "--coder", "model:m@1")
    assert result.exit_code == 1 and "E181" in result.stderr
    assert "Traceback" not in result.output
    untouched = cli("review", "import", str(out), "--coder", "alice")
    assert untouched.exit_code == 0 and "no row was reviewed" in untouched.stdout
    assert machine_decisions(db_path, "human:").empty


def test_export_from_a_store_with_no_machine_codes_says_what_to_do(cli, sample, tmp_path):
    assert cli("ingest", str(sample), "--text", "feedback").exit_code == 0
    result = cli("review", "export", str(tmp_path / "r.xlsx"), "--codebook", "fft")
    assert result.exit_code == 1 and "E420" in result.stderr and "evalnlp classify --codebook fft" in result.stderr
    assert not (tmp_path / "r.xlsx").exists()


def test_export_after_a_classify_run_that_coded_nothing_says_nothing_was_coded(cli, db_path, tmp_path):
    """A classify run of an empty store codes no passage: review export then said "every passage ... coded
    already has human codes", of no passage and with no human codes. It says that nothing was coded."""
    assert cli("classify", "--codebook", "fft", "--no-sentiment").exit_code == 0
    result = cli("review", "export", str(tmp_path / "r.xlsx"), "--codebook", "fft")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "[E420]" in said and "human codes" not in said, said
    assert "no passages in" in said and "have been coded with codebook 'fft'" in said, said
    assert not (tmp_path / "r.xlsx").exists()


def test_export_after_a_classify_run_that_recorded_no_coder_says_so(cli, db_path, tmp_path):
    """A classify run whose arguments name no coder (written by an earlier version) made review export say
    "every passage None coded already has human codes", which was not so: no passage had human codes. It now
    says the run did not record its coder, and how to code again under one."""
    from helpers import coded_store

    coded_store(db_path, [("The nurses were kind.", {}, ["staff"]), ("Parking was hard.", {}, ["access"])])
    cb = load_codebook("fft")
    with Store(db_path) as store, store.transaction():
        run = store.start_run("classify", {"codebook": "fft"}, codebook_id=cb.id, codebook_sha256=cb.sha256)
        store.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
    result = cli("review", "export", str(tmp_path / "r.xlsx"), "--codebook", "fft")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 1 and "[E420]" in said and "None" not in said, said
    assert f"(run {run}) did not record which coder it was" in said, said
    assert "evalnlp classify --codebook fft --recode" in said, said
    assert not (tmp_path / "r.xlsx").exists()


# ---- a codebook of the user's own --------------------------------------------------------------------------

OWN_CODEBOOK = """id: mentoring
multi_label: true
themes:
  - id: reading
    label: Reading for pleasure
    definition: The pupil reads more books and enjoys stories.
    keywords: [read, book, story, library]
  - id: attendance
    label: School attendance
    definition: The pupil comes to school more often and misses fewer lessons.
    keywords: [attend, attendance, late, miss]
  - id: parents
    label: Parents involved
    definition: Parents and carers take part in school life and help with homework.
    keywords: [parent, mum, dad, carer, homework]
"""
MENTORING = ["She reads a book every night and loves the library.", "He is never late for school now.",
             "His mum helps him with his homework.", "Her dad came to the meeting and she reads more stories.",
             "He attends every day and misses no lessons.", "The mentor was kind.",
             "She borrowed three library books.", "His carer now reads with him at home."]


def test_after_a_review_round_the_commands_still_find_the_users_own_codebook(cli, db_path, tmp_path,
                                                                           monkeypatch):
    """A codebook given by its path: once a review round is imported (whose run knows the codebook by its
    workbook, not by a path), evidence, quotes, agreement and review export still default to it, also from
    another folder than the one the path was given from."""
    work = tmp_path / "project"
    work.mkdir()
    (work / "mentoring.yaml").write_text(OWN_CODEBOOK, encoding="utf-8")
    pd.DataFrame({"pupil": [f"P{i}" for i in range(len(MENTORING))], "school": ["Oak", "Elm"] * 4,
                  "comment": MENTORING}).to_csv(work / "mentors.csv", index=False)
    monkeypatch.chdir(work)
    result = cli("classify", "mentors.csv", "--text", "comment", "--id", "pupil", "--codebook", "mentoring.yaml",
                 "--model", "keyword")
    assert result.exit_code == 0, result.output
    export(cli, work / "review.xlsx", "-n", "3", "--strategy", "random")
    wb = load_workbook(work / "review.xlsx")
    ws = wb["Review"]
    where = columns(ws)
    ws[f"{where['reviewed']}2"] = "yes"
    ws[f"{where['Parents involved']}3"] = 1
    wb.save(work / "review.xlsx")
    result = cli("review", "import", "review.xlsx", "--coder", "ann")
    assert result.exit_code == 0, result.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("evidence", "--by", "school", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [t["theme"] for t in json.loads(result.stdout)["themes"]] == ["reading", "attendance", "parents"]
    result = cli("quotes", "--theme", "reading", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {q["theme"] for q in json.loads(result.stdout)["quotes"]} == {"reading"}
    result = cli("agreement", "--coder", "ann", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["coders"][0] == "human:ann"
    result = cli("review", "export", str(tmp_path / "round2.xlsx"), "-n", "2")
    assert result.exit_code == 0, result.output


def test_an_untrained_coders_passages_are_chosen_by_its_own_threshold(cli, tmp_path, monkeypatch):
    """The keyword and zero-shot coders have no model card, but their threshold is known (0.5): the review
    inferred one from the stored codes instead (0.32 for keyword hits scored 0 or 0.63) and printed it as the
    theme's boundary in every row's reason."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mentoring.yaml").write_text(OWN_CODEBOOK, encoding="utf-8")
    pd.DataFrame({"pupil": [f"P{i}" for i in range(len(MENTORING))], "comment": MENTORING}).to_csv(
        tmp_path / "mentors.csv", index=False)
    assert cli("classify", "mentors.csv", "--text", "comment", "--id", "pupil", "--codebook", "mentoring.yaml",
               "--model", "keyword").exit_code == 0
    result = export(cli, tmp_path / "review.xlsx", "-n", "4")
    said = " ".join(result.output.split())
    assert "inferred from the codes" not in said and "thresholds of the untrained coder" in said
    reasons = pd.read_excel(tmp_path / "review.xlsx", sheet_name="Review")["selected because"].tolist()
    assert reasons and all(r.endswith("threshold 0.50") for r in reasons), reasons


def test_an_export_never_replaces_a_reviewers_work_not_yet_imported(cli, coded, tmp_path):
    """A second export to the path of a workbook a reviewer has worked in (one note, one changed theme) is refused
    with E190 and the workbook is left byte for byte; once imported it may be replaced, as may an untouched one."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "6", "--codebook", "fft")
    export(cli, out, "-n", "6", "--codebook", "fft")  # untouched: replaced without a word
    wb = load_workbook(out)
    ws = wb["Review"]
    col = columns(ws)
    label = {t.id: t.label for t in load_codebook("fft").themes}
    ws[f"{col['notes']}2"] = "ask the ward manager"
    old = ws[f"{col['machine']}3"].value  # one theme (a single-label codebook): move its 1 to another
    ws[f"{col[label[old]]}3"] = None
    ws[f"{col[label['dignity' if old != 'dignity' else 'access']]}3"] = 1
    wb.save(out)
    before = out.read_bytes()
    result = cli("review", "export", str(out), "-n", "6", "--codebook", "fft")
    assert result.exit_code == 1
    assert "E190" in result.output and "2 row(s)" in result.output
    assert out.read_bytes() == before
    assert cli("review", "import", str(out), "--coder", "alice").exit_code == 0
    # a note typed after the import is not in the store: refused again until that is imported too
    wb = load_workbook(out)
    wb["Review"][f"{col['notes']}4"] = "typed after the import"
    wb.save(out)
    later = out.read_bytes()
    assert cli("review", "export", str(out), "-n", "6", "--codebook", "fft").exit_code == 1
    assert out.read_bytes() == later
    assert cli("review", "import", str(out), "--coder", "alice").exit_code == 0
    export(cli, out, "-n", "6", "--codebook", "fft")  # its decisions are in the store now
    assert out.read_bytes() != later


def test_an_export_never_replaces_a_workbook_it_did_not_write(cli, coded, tmp_path):
    staff = tmp_path / "staff_codes.xlsx"
    pd.DataFrame({"id": ["R1"], "comment": ["Kind nurses"], "themes": ["staff"]}).to_excel(staff, index=False)
    before = staff.read_bytes()
    result = cli("review", "export", str(staff), "-n", "6", "--codebook", "fft")
    assert result.exit_code == 1 and "E190" in result.output
    assert staff.read_bytes() == before


def test_sentences_of_an_answer_a_person_coded_whole_are_not_offered_for_review(cli, db_path, tmp_path):
    """Answers read as sentences, coded by the machine sentence by sentence; a person coded some answers whole
    (codes import). A sentence of such an answer is that person's to decide: review does not offer it (a
    reviewer's decision on it would count beside the person's, contradicting it), while the sentences of the
    answers nobody coded are offered, all of them."""
    answers = [f"The {w} ward was calm today. Staff explained each step to me. Parking was hard to find."
               for w in ("north", "south", "east", "west", "main", "day")]
    survey = tmp_path / "survey.csv"
    pd.DataFrame({"id": [str(i) for i in range(len(answers))], "comment": answers}).to_csv(survey, index=False)
    assert cli("classify", str(survey), "--text", "comment", "--id", "id", "--unit", "sentence",
               "--codebook", "fft").exit_code == 0
    coded = tmp_path / "coded.csv"
    pd.DataFrame({"id": ["0", "1"], "comment": answers[:2], "themes": ["staff", "access"]}).to_csv(coded, index=False)
    assert cli("codes", "import", str(coded), "--text", "comment", "--id", "id", "--labels-column", "themes",
               "--coder", "alice", "--codebook", "fft", "--source", "survey.csv").exit_code == 0
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "100", "--strategy", "random", "--codebook", "fft")
    ws = load_workbook(out)["Review"]
    heads = columns(ws)
    offered = {ws[f"{heads['seg_id']}{r}"].value for r in range(2, ws.max_row + 1)} - {None}
    with Store(db_path, read_only=True) as store:
        segs = store.table("segments").merge(store.table("documents")[["doc_id", "locator"]], on="doc_id")
    sentences = segs[segs["kind"] == "sentence"]
    theirs = set(sentences.loc[sentences["locator"].isin(["id=0", "id=1"]), "seg_id"])
    assert len(theirs) == 6 and not offered & theirs
    others = sentences[~sentences["locator"].isin(["id=0", "id=1"])]
    # each distinct text once: the same sentence in several answers is one row
    assert len(offered) == others["text"].nunique() and offered <= set(others["seg_id"])


def test_no_other_output_replaces_a_review_workbook(cli, coded, tmp_path):
    """A reviewer's workbook out for review, named where an output then went (`evidence --output review.xlsx`,
    the month's classify, a disagreements file) was replaced without a word, the reviewer's decisions with it:
    only `review export` checked for them. Every other output now refuses a review workbook (E177) before any
    work, edited or not, and the workbook is as it was; review export still replaces an unedited one."""
    out = tmp_path / "review.xlsx"
    export(cli, out, "-n", "5", "--codebook", "fft")
    wb = load_workbook(out)
    ws = wb["Review"]
    ws[f"{columns(ws)['notes']}2"] = "ward name in text"
    wb.save(out)
    before = out.read_bytes()
    for args in (["evidence", "--codebook", "fft", "--output", str(out)],
                 ["classify", "--codebook", "fft", "--output", str(out)],
                 ["agreement", "--disagreements", str(out)]):
        result = cli(*args)
        said = " ".join(result.output.split())
        assert result.exit_code == 1 and "[E177]" in said and "is a review workbook" in said, (args, said)
        assert out.read_bytes() == before
    fresh = tmp_path / "fresh.xlsx"
    export(cli, fresh, "-n", "3", "--codebook", "fft")
    export(cli, fresh, "-n", "3", "--codebook", "fft")  # an unedited workbook is replaced by a new export


def test_a_review_import_replaces_only_the_reviewers_codes_of_its_codebook_and_follows_a_renamed_theme(tmp_path):
    """A review import replaced every code the reviewer had on the reviewed passages, so importing it again (or
    after coding the same answers with another codebook) deleted the reviewer's codes of the other codebook. And a
    workbook exported before a theme was renamed (its old id kept as an alias, as E221 advises) was refused as
    edited (E193); read with codebook_changed, it now leaves no code of the old id beside the new, as codes import
    does."""
    book = tmp_path / "mentoring.yaml"
    book.write_text(OWN_CODEBOOK, encoding="utf-8")
    answers = pd.DataFrame({"pupil": [f"P{i}" for i in range(len(MENTORING))], "comment": MENTORING})
    answers.to_csv(tmp_path / "mentors.csv", index=False)
    answers.assign(themes="Staff").to_csv(tmp_path / "fft.csv", index=False)
    workbook = tmp_path / "review.xlsx"
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(tmp_path / "mentors.csv", text="comment", id="pupil", codebook=book, model="keyword",
                         sentiment=False)
        project.review_export(workbook, n=8, strategy="random")
        wb = load_workbook(workbook)
        ws = wb["Review"]
        for r in range(2, ws.max_row + 1):
            ws[f"{columns(ws)['reviewed']}{r}"] = "yes"
        wb.save(workbook)
        project.review_import(workbook, coder="ann")
        project.import_codes(tmp_path / "fft.csv", text="comment", id="pupil", labels_column="themes", coder="ann",
                             codebook="fft", source="mentors.csv")

        def ann() -> dict[str, set[str]]:
            codes = project.codes()
            codes = codes[(codes["coder"] == "human:ann") & codes["assigned"]]
            return {cb: set(group["theme"]) for cb, group in codes.groupby("codebook")}

        assert ann() == {"fft": {"staff"}, "mentoring": {"reading", "attendance", "parents"}}
        project.review_import(workbook, coder="ann")
        assert ann() == {"fft": {"staff"}, "mentoring": {"reading", "attendance", "parents"}}
        book.write_text(OWN_CODEBOOK.replace("  - id: parents\n", "  - id: family\n    aliases: [parents]\n"),
                        encoding="utf-8")
        project.review_import(workbook, coder="ann", codebook_changed=True)
        assert ann() == {"fft": {"staff"}, "mentoring": {"reading", "attendance", "family"}}
        codes = project.codes()
        assert not ((codes["coder"] == "human:ann") & (codes["theme"] == "parents")).any()


def test_a_reviewers_notes_are_redacted_in_the_provenance_of_shared_evidence(coded, tmp_path):
    """review import keeps the notes typed beside decisions in its run's arguments, which evidence's JSON lists
    in its provenance: a note saying who a patient is must not leave in a shared evidence file with redaction
    on (the store, and evidence with --no-redact, keep it as typed)."""
    out = tmp_path / "review.xlsx"
    with evalnlp.open(coded) as project:
        project.review_export(out, n=3)
        wb = load_workbook(out)
        ws = wb["Review"]
        col = columns(ws)
        ws[f"{col['notes']}2"] = "This is Mr Tom Harris in bed 3, his daughter rang on 07700 900999"
        seg = ws[f"{col['seg_id']}2"].value
        wb.save(out)
        project.review_import(out, coder="alice")
        shared = json.dumps(project.evidence(quotes=False).to_json())
        assert "Harris" not in shared and "07700" not in shared
        assert "This is Mr [NAME] in bed 3, his daughter rang on [PHONE]" in shared
        raw = project.evidence(quotes=False, redact=False).provenance["runs"]
        assert any(r["args"].get("notes", {}).get(seg, "").startswith("This is Mr Tom Harris") for r in raw)
