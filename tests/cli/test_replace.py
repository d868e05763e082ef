"""`ingest --replace` (and `classify --replace`, and the Python API's ``replace=True``): a month's export corrected
and read again takes the earlier export's place in a store kept for a year, instead of being added beside it.

Every test works on a real DuckDB store and real CSV or XLSX files written here."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import table_snapshot
from openpyxl import load_workbook

from evalnlp import api
from evalnlp.errors import InputError, StoreError
from evalnlp.store import Store

OPTS = ("--text", "comment", "--id", "comment_id", "--meta", "ward")

JAN = [("1", "W1", "The nurses were kind and explained everything."),
       ("2", "W2", "I waited four hours in A&E with nobody telling me anything."),
       ("3", "W1", "The food was cold and the ward was noisy at night."),
       ("4", "W3", "Parking was impossible and expensive."),
       ("5", "W2", "Doctors listened to me and treated me with dignity.")]
# corrected: row 2 withdrawn, row 3's answer edited, row 4's ward corrected, row 6 added
JAN_FIXED = [("1", "W1", "The nurses were kind and explained everything."),
             ("3", "W1", "The food was cold and the ward was very noisy at night."),
             ("4", "W4", "Parking was impossible and expensive."),
             ("5", "W2", "Doctors listened to me and treated me with dignity."),
             ("6", "W3", "Reception staff were rude on the phone.")]


def _write(path: Path, rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=["comment_id", "ward", "comment"]).to_csv(path, index=False)
    return path


def _q(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _documents(db: Path, source: str | None = None) -> list[tuple]:
    where = f"WHERE source = '{source}'" if source else ""
    return _q(db, f"SELECT locator, text, attrs->>'ward' FROM documents {where} ORDER BY locator, text")


def _expected(rows) -> list[tuple]:
    return sorted((f"comment_id={i}", text, ward) for i, ward, text in rows)


def _orphans(db: Path) -> dict[str, int]:
    """Rows that hang off a document or passage the store no longer holds: none, ever."""
    checks = {
        "segments": "SELECT count(*) FROM segments s WHERE NOT EXISTS "
                    "(SELECT 1 FROM documents d WHERE d.doc_id = s.doc_id)",
        "codes": "SELECT count(*) FROM codes c WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.seg_id = c.seg_id)",
        "sentiment": "SELECT count(*) FROM sentiment c WHERE NOT EXISTS "
                     "(SELECT 1 FROM segments s WHERE s.seg_id = c.seg_id)",
        "reach": "SELECT count(*) FROM reach r WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = r.doc_id)",
        "segment_sources": "SELECT count(*) FROM segment_sources l WHERE NOT EXISTS "
                           "(SELECT 1 FROM segments s WHERE s.seg_id = l.seg_id) OR NOT EXISTS "
                           "(SELECT 1 FROM sources x WHERE x.source = l.source AND x.position = l.position "
                           "AND (l.text IS NULL OR l.text = x.text))",
        "sources": "SELECT count(*) FROM sources x WHERE NOT EXISTS "
                   "(SELECT 1 FROM documents d WHERE d.source = x.source)",
        # a segment's text is its document's text at its offsets, always
        "segment_text": "SELECT count(*) FROM segments s JOIN documents d USING (doc_id) "
                        "WHERE s.text <> substr(d.text, s.start + 1, s.\"end\" - s.start)",
    }
    return {name: _q(db, sql)[0][0] for name, sql in checks.items()}


def _evidence(cli, db: Path) -> dict:
    result = cli("--db", str(db), "evidence", "--by", "ward", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _human(cli, db: Path, source: Path, rows, coder: str) -> None:
    """A person's codes on the answers ``rows`` (id, theme) of ``source``, imported onto its documents."""
    coded = source.parent / f"coded_{coder}.csv"
    texts = {i: text for i, _, text in JAN}
    pd.DataFrame([(i, texts[i], theme) for i, theme in rows], columns=["comment_id", "comment", "themes"]) \
        .to_csv(coded, index=False)
    result = cli("--db", str(db), "codes", "import", str(coded), "--text", "comment", "--id", "comment_id",
                 "--labels-column", "themes", "--coder", coder, "--codebook", "fft", "--source", source.name)
    assert result.exit_code == 0, result.output


def test_a_corrected_export_takes_the_earlier_ones_place_and_evidence_counts_only_its_answers(cli, db_path,
                                                                                               tmp_path):
    """The analyst's month: January coded, then re-exported after corrections. With --replace the withdrawn
    answer goes with its passage and codes, the edited answer is stored once (as it is now), the corrected ward
    is taken, and the kept answers keep their ids and codes: the evidence is that of a store that only ever read
    the corrected export."""
    path = _write(tmp_path / "exports" / "2024-01.csv", JAN)
    assert cli("classify", str(path), *OPTS, "--codebook", "fft").exit_code == 0
    kept_before = dict(_q(db_path, "SELECT locator, doc_id FROM documents WHERE locator IN "
                                   "('comment_id=1', 'comment_id=4', 'comment_id=5')"))
    kept_codes = _q(db_path, "SELECT c.seg_id, c.theme, c.assigned, c.coder FROM codes c JOIN segments s USING "
                             "(seg_id) JOIN documents d USING (doc_id) WHERE d.locator IN ('comment_id=1', "
                             "'comment_id=5') ORDER BY ALL")
    gone_segs = [r[0] for r in _q(db_path, "SELECT s.seg_id FROM segments s JOIN documents d USING (doc_id) "
                                           "WHERE d.locator = 'comment_id=2' OR d.text LIKE 'The food was cold and "
                                           "the ward was noisy%'")]
    assert len(gone_segs) == 2

    _write(path, JAN_FIXED)
    result = cli("ingest", str(path), *OPTS, "--replace")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("2024-01.csv: replaced the earlier export: 2 documents removed, 3 kept, 2 added; --meta values taken "
            "from this export: 'ward' on 1 document") in said
    assert "warning" not in said  # nothing is counted twice, so nothing to warn of
    assert _documents(db_path) == _expected(JAN_FIXED)
    assert _q(db_path, "SELECT count(*) FROM documents WHERE text LIKE 'The food was cold%'") == [(1,)]
    # the kept answers are the same documents with the same codes
    assert dict(_q(db_path, "SELECT locator, doc_id FROM documents WHERE locator IN "
                            "('comment_id=1', 'comment_id=4', 'comment_id=5')")) == kept_before
    assert _q(db_path, "SELECT c.seg_id, c.theme, c.assigned, c.coder FROM codes c JOIN segments s USING (seg_id) "
                       "JOIN documents d USING (doc_id) WHERE d.locator IN ('comment_id=1', 'comment_id=5') "
                       "ORDER BY ALL") == kept_codes
    for table in ("segments", "codes", "sentiment"):
        assert _q(db_path, f"SELECT count(*) FROM {table} WHERE seg_id IN {tuple(gone_segs)}") == [(0,)], table
    assert _orphans(db_path) == dict.fromkeys(_orphans(db_path), 0)
    # the run is recorded with its option, and its counts add up
    run = _q(db_path, "SELECT args, n_in, n_ok, n_rejected FROM runs ORDER BY started DESC LIMIT 1")[0]
    args = json.loads(run[0])
    assert args["replace"] is True and args["drop_human_codes"] is False
    assert args["per_file"][0]["replaced"] == {"n_removed": 2, "n_kept": 3, "n_added": 2,
                                               "meta_changed": {"ward": 1}, "human_codes_dropped": {}}
    assert run[1:] == (5, 5, 0)

    # coded, its evidence is that of a store that read only the corrected export
    assert cli("classify", "--codebook", "fft").exit_code == 0
    fresh = tmp_path / "fresh.duckdb"
    assert cli("--db", str(fresh), "classify", str(path), *OPTS, "--codebook", "fft").exit_code == 0
    ours, theirs = _evidence(cli, db_path), _evidence(cli, fresh)
    assert sum(t["documents"] for t in ours["themes"]) == 5
    assert ours["themes"] == theirs["themes"] and ours["matrices"] == theirs["matrices"]


def test_without_replace_the_warnings_now_point_at_it(cli, db_path, tmp_path):
    """The warnings of a newer export read without --replace said to read it into a new store (losing a year of
    codes); they now name --replace."""
    path = _write(tmp_path / "2024-01.csv", JAN)
    assert cli("ingest", str(path), *OPTS).exit_code == 0
    _write(path, JAN_FIXED)
    said = " ".join(cli("-q", "ingest", str(path), *OPTS).output.split())
    assert "edited since the earlier export" in said and "not among this one's answers" in said
    assert "new store" not in said
    assert said.count("--replace") >= 3  # the edited answer, the answer gone, the ward corrected


def test_replacing_answers_people_coded_is_refused_unless_their_codes_may_go(cli, db_path, tmp_path):
    """Human codes are never dropped without a word: the command is refused with E413 (how many passages, whose)
    and the store is left exactly as it was; with --drop-human-codes it goes ahead and says what went. The
    person's codes on the answers still there stay."""
    path = _write(tmp_path / "2024-01.csv", JAN)
    assert cli("ingest", str(path), *OPTS).exit_code == 0
    _human(cli, db_path, path, [("2", "access"), ("3", "environment_facilities"), ("1", "staff")], "alice")
    _human(cli, db_path, path, [("2", "communication")], "bob")
    _write(path, JAN_FIXED)
    before = table_snapshot(db_path)
    for command in ("ingest", "classify"):
        extra = ("--codebook", "fft") if command == "classify" else ()
        refused = cli(command, str(path), *OPTS, "--replace", *extra)
        said = " ".join(refused.output.split())
        assert refused.exit_code == 1, refused.output
        assert "[E413]" in said and "2 answers" in said and "2 passages" in said
        assert "human:alice on 2" in said and "human:bob on 1" in said and "--drop-human-codes" in said
        assert table_snapshot(db_path) == before  # nothing changed: not a document, a code, a run, an input

    result = cli("ingest", str(path), *OPTS, "--replace", "--drop-human-codes")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("warning: 2024-01.csv: --drop-human-codes: human codes were removed with the documents this export no "
            "longer has: human:alice's on 2 passages, human:bob's on 1 passage") in said
    human = _q(db_path, "SELECT d.locator, c.coder, c.theme FROM codes c JOIN segments s USING (seg_id) "
                        "JOIN documents d USING (doc_id) WHERE c.coder LIKE 'human:%' AND c.assigned ORDER BY ALL")
    assert human == [("comment_id=1", "human:alice", "staff")]
    assert _q(db_path, "SELECT count(*) FROM codes WHERE coder LIKE 'human:%' AND seg_id NOT IN "
                       "(SELECT seg_id FROM segments)") == [(0,)]
    args = json.loads(_q(db_path, "SELECT args FROM runs ORDER BY started DESC LIMIT 1")[0][0])
    assert args["drop_human_codes"] is True
    assert args["per_file"][0]["replaced"]["human_codes_dropped"] == {"human:alice": 2, "human:bob": 1}
    # --drop-human-codes alone is a usage error: it says what a replacing read may remove
    assert cli("ingest", str(path), *OPTS, "--drop-human-codes").exit_code == 2


def test_review_decisions_on_the_answers_still_there_survive(cli, db_path, tmp_path):
    """A reviewer's decisions (review export, edited workbook, review import) on the answers a corrected export
    still has are kept, and the next review export still leaves those passages out."""
    path = _write(tmp_path / "2024-01.csv", JAN)
    assert cli("classify", str(path), *OPTS, "--codebook", "fft").exit_code == 0
    book = tmp_path / "review.xlsx"
    assert cli("review", "export", str(book), "-n", "5", "--codebook", "fft").exit_code == 0
    wb = load_workbook(book)
    ws = wb["Review"]
    col = {c.value: c.column_letter for c in ws[1] if c.value is not None}
    kept_texts = {text for _, _, text in JAN_FIXED}
    reviewed = []
    for r in range(2, ws.max_row + 1):
        text = ws[f"{col['text']}{r}"].value if "text" in col else None
        if text in kept_texts:
            ws[f"{col['reviewed']}{r}"] = "yes"
            reviewed.append(ws[f"{col['seg_id']}{r}"].value)
    assert len(reviewed) == 3  # answers 1, 4 and 5; 2 (withdrawn) and 3 (edited) left alone
    wb.save(book)
    assert cli("review", "import", str(book), "--coder", "carol").exit_code == 0
    decisions = "SELECT seg_id, theme, assigned FROM codes WHERE coder = 'human:carol' ORDER BY ALL"
    before = _q(db_path, decisions)
    assert {r[0] for r in before} == set(reviewed)

    _write(path, JAN_FIXED)
    result = cli("classify", str(path), *OPTS, "--replace", "--codebook", "fft")
    assert result.exit_code == 0, result.output  # no passage a person decided on is removed: no refusal
    assert _q(db_path, decisions) == before
    again = tmp_path / "next.xlsx"
    export_again = cli("review", "export", str(again), "-n", "50", "--codebook", "fft")
    assert export_again.exit_code == 0, export_again.output
    ws2 = load_workbook(again)["Review"]
    col2 = {c.value: c.column_letter for c in ws2[1] if c.value is not None}
    offered = {ws2[f"{col2['seg_id']}{r}"].value for r in range(2, ws2.max_row + 1)}
    assert not offered & set(reviewed)


def test_replacing_with_the_same_export_again_changes_nothing(cli, db_path, tmp_path):
    """Idempotent: a second --replace with the same file leaves every table of the documents as it was."""
    path = _write(tmp_path / "2024-01.csv", JAN)
    assert cli("classify", str(path), *OPTS, "--codebook", "fft").exit_code == 0
    _write(path, JAN_FIXED)
    assert cli("classify", str(path), *OPTS, "--replace", "--codebook", "fft").exit_code == 0
    content = ("documents", "segments", "codes", "sentiment", "reach", "sources", "segment_sources", "inputs")
    once = {t: v for t, v in table_snapshot(db_path).items() if t in content}
    result = cli("ingest", str(path), *OPTS, "--replace")
    said = " ".join(result.output.split())
    assert result.exit_code == 0
    assert "replaced the earlier export: 0 documents removed, 5 kept, 0 added; no --meta value changed" in said
    assert {t: v for t, v in table_snapshot(db_path).items() if t in content} == once


def test_a_narrative_file_replaced_leaves_nothing_of_its_earlier_version_behind(cli, db_path, tmp_path):
    """A case study edited since: the paragraph dropped goes with its sentences, testimonial, reach figure and
    codes, its sources list becomes the new one's, and no row anywhere in the store is left without its document
    or passage."""
    case = tmp_path / "case_study.txt"
    old = ("The programme trained 1,200 teachers across 40 schools.\n\n"
           "\"It changed how I teach,\" said Jane Smith, head teacher at Hillside School [1].\n\n"
           "Sources to corroborate the impact\n\n[1] Letter from Hillside School, 2021.\n\n"
           "[2] Report of the county council, 2022.\n")
    new = ("The programme trained 1,300 teachers across 41 schools.\n\n"
           "\"It changed how I teach,\" said Jane Smith, head teacher at Hillside School [1].\n\n"
           "Sources to corroborate the impact\n\n[1] Letter from Hillside School, 2021.\n")
    case.write_text(old, encoding="utf-8")
    assert cli("classify", str(case), "--codebook", "impact").exit_code == 0
    assert _q(db_path, "SELECT count(*) FROM reach") == [(2,)]
    assert _q(db_path, "SELECT count(*) FROM sources") == [(2,)]
    case.write_text(new, encoding="utf-8")
    result = cli("classify", str(case), "--codebook", "impact", "--replace")
    assert result.exit_code == 0, result.output
    # the first paragraph (figures edited) and the last (an entry dropped) are no longer in the file
    assert "case_study.txt: replaced the earlier read of this file: 3 documents removed, 1 kept, 3 added" in \
        " ".join(result.output.split())
    assert _q(db_path, "SELECT count(*) FROM documents WHERE text LIKE '%1,200%' OR text LIKE '%county%'") == [(0,)]
    assert sorted(r[0] for r in _q(db_path, "SELECT value FROM reach")) == [41.0, 1300.0]
    assert _q(db_path, "SELECT position, text FROM sources") == [(1, "Letter from Hillside School, 2021.")]
    assert _q(db_path, "SELECT count(*) FROM segments WHERE kind = 'testimonial'") == [(1,)]
    assert _q(db_path, "SELECT count(*) FROM segment_sources") == [(1,)]
    assert _orphans(db_path) == dict.fromkeys(_orphans(db_path), 0)
    # every passage of the file as it is now is coded, and only those
    assert _q(db_path, "SELECT count(*) FROM segments s WHERE s.kind <> 'testimonial' AND NOT EXISTS "
                       "(SELECT 1 FROM codes c WHERE c.seg_id = s.seg_id)") == [(0,)]


def test_a_narrative_file_read_again_after_an_edit_warns_that_both_versions_are_counted(cli, db_path, tmp_path):
    """A case study with one paragraph edited since, read again without --replace: the edited paragraph is
    stored beside the one read first (its testimonial too, so a claim counts it twice), and ingest says so,
    naming the paragraph, as it does for an answer edited at its id; the paragraphs left as they were add
    nothing and are not named. Read with --replace, only the file as it is now is kept."""
    case = tmp_path / "case_study.txt"
    first = ("The programme trained 1,200 teachers across 40 schools.\n\n"
             "\"It changed how I teach,\" said Jane Smith, head teacher at Hillside School [1].\n\n"
             "Every school in the county has since joined.\n")
    case.write_text(first, encoding="utf-8")
    assert cli("ingest", str(case)).exit_code == 0
    case.write_text(first.replace("how I teach", "how I teach and plan"), encoding="utf-8")
    result = cli("ingest", str(case))
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert ("warning: case_study.txt: 1 paragraph at a place (paragraph 2) where the store holds another text from "
            "an earlier read of this file") in said
    assert "evidence and claims count both" in said and "read the file again with --replace" in said
    assert _q(db_path, "SELECT count(*) FROM segments WHERE kind = 'testimonial'") == [(2,)]
    # the same file again: nothing new, nothing to say
    again = cli("ingest", str(case))
    assert again.exit_code == 0 and "at a place" not in " ".join(again.output.split())
    result = cli("ingest", str(case), "--replace")
    assert result.exit_code == 0 and "at a place" not in " ".join(result.output.split())
    assert _q(db_path, "SELECT count(*) FROM segments WHERE kind = 'testimonial'") == [(1,)]


def test_each_file_of_a_folder_replaces_its_own_and_a_file_never_read_is_read_as_usual(cli, db_path, tmp_path):
    """A folder of monthly exports read with --replace after one month was corrected: that month's source is
    replaced, the others are kept as they were, a month not read before is a plain first read (and said so),
    and a month whose export came out empty replaces nothing (warned: the store keeps its answers)."""
    folder = tmp_path / "exports"
    jan = _write(folder / "2024-01.csv", JAN)
    _write(folder / "2024-02.csv", [("7", "W1", "Lovely clean ward."), ("8", "W2", "Too hot in the bay.")])
    mar = _write(folder / "2024-03.csv", [("9", "W1", "The discharge was slow.")])
    assert cli("ingest", str(folder), *OPTS).exit_code == 0
    feb_before = _documents(db_path, "2024-02.csv")
    _write(jan, JAN_FIXED)
    mar.write_text("comment_id,ward,comment\n", encoding="utf-8")  # an export that stopped after its header
    _write(folder / "2024-04.csv", [("10", "W4", "Visiting hours were too short.")])
    result = cli("ingest", str(tmp_path / "exports" / "*.csv"), *OPTS, "--replace")
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "2024-01.csv: replaced the earlier export: 2 documents removed, 3 kept, 2 added" in said
    assert "2024-02.csv: replaced the earlier export: 0 documents removed, 2 kept, 0 added" in said
    assert ("warning: 2024-03.csv: --replace: the file gave no document, so nothing was replaced: the store keeps the "
            "1 document of the earlier export") in said
    assert "note: 2024-04.csv: --replace: the store held nothing of this file before, so it was read as a first read" \
        in said
    assert _documents(db_path, "2024-01.csv") == _expected(JAN_FIXED)
    assert _documents(db_path, "2024-02.csv") == feb_before
    assert _documents(db_path, "2024-03.csv") == [("comment_id=9", "The discharge was slow.", "W1")]
    assert _documents(db_path, "2024-04.csv") == [("comment_id=10", "Visiting hours were too short.", "W4")]
    run = _q(db_path, "SELECT n_in, n_ok, n_rejected FROM runs ORDER BY started DESC LIMIT 1")[0]
    assert run == (8, 8, 0)


def test_a_newer_export_saved_elsewhere_replaces_and_the_older_one_cannot_come_back(cli, db_path, tmp_path):
    """The corrected export saved in Downloads, not over the first one: without --replace it is E175, whose
    advice is now --replace (not a new store); with it, it takes the earlier export's place. The older export read
    again afterwards (a folder of exports re-read next month) is refused, E175, rather than bringing back the
    answers it replaced."""
    first = _write(tmp_path / "exports" / "2024-01.csv", JAN)
    assert cli("ingest", str(first), *OPTS).exit_code == 0
    newer = _write(tmp_path / "Downloads" / "2024-01.csv", JAN_FIXED)
    refused = cli("ingest", str(newer), *OPTS)
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1 and "[E175]" in said and "--replace" in said
    assert cli("ingest", str(newer), *OPTS, "--replace").exit_code == 0
    assert _documents(db_path) == _expected(JAN_FIXED)
    again = cli("ingest", str(first), *OPTS)
    assert again.exit_code == 1 and "[E175]" in again.output
    assert _documents(db_path) == _expected(JAN_FIXED)


def test_one_sheet_of_a_workbook_replaced_leaves_the_other_sheets_answers(cli, db_path, tmp_path):
    """An XLSX export with a sheet per site: the corrected sheet read with --replace replaces that sheet's
    answers only (each sheet is its own source)."""
    book = tmp_path / "sites.xlsx"

    def save(site_a, site_b):
        with pd.ExcelWriter(book) as writer:
            for name, rows in (("Site A", site_a), ("Site B", site_b)):
                pd.DataFrame(rows, columns=["comment_id", "ward", "comment"]).to_excel(writer, sheet_name=name,
                                                                                       index=False)

    b_rows = [("20", "W5", "Clean and quiet."), ("21", "W5", "Lovely midwives.")]
    save(JAN, b_rows)
    for sheet in ("Site A", "Site B"):
        assert cli("ingest", str(book), *OPTS, "--sheet", sheet).exit_code == 0
    b_before = _documents(db_path, "sites.xlsx#Site B")
    save(JAN_FIXED, b_rows)
    result = cli("ingest", str(book), *OPTS, "--sheet", "Site A", "--replace")
    assert result.exit_code == 0, result.output
    assert _documents(db_path, "sites.xlsx#Site A") == _expected(JAN_FIXED)
    assert _documents(db_path, "sites.xlsx#Site B") == b_before
    # the workbook as read before still holds Site B's answers, so it is remembered: read again, it is no stranger
    assert cli("ingest", str(book), *OPTS, "--sheet", "Site B").exit_code == 0
    assert _documents(db_path, "sites.xlsx#Site B") == b_before


def test_the_python_api_replaces_and_refuses_as_the_command_does(tmp_path):
    """``replace=True`` in :func:`evalnlp.api.ingest`, :func:`evalnlp.api.classify` and ``Project.ingest``: the
    same behaviour, the counts on each file's report, E413 as a StoreError naming the parameter."""
    import evalnlp

    path = _write(tmp_path / "2024-01.csv", JAN)
    db = tmp_path / "project.duckdb"
    with Store(db) as store:
        api.classify(store, [path], text="comment", id="comment_id", meta="ward", codebook="fft", sentiment=False)
        coded = tmp_path / "coded.csv"
        pd.DataFrame({"comment_id": ["2"], "comment": [JAN[1][2]], "themes": ["access"]}).to_csv(coded, index=False)
        api.import_codes(store, coded, text="comment", id="comment_id", labels_column="themes", coder="dana",
                         codebook="fft", source=path.name)
    _write(path, JAN_FIXED)
    with Store(db) as store:
        with pytest.raises(StoreError) as exc:
            api.ingest(store, [path], text="comment", id="comment_id", meta="ward", replace=True)
        assert exc.value.code == "E413" and "drop_human_codes" in str(exc.value) and "human:dana on 1" in str(exc.value)
        with pytest.raises(InputError, match=r"\[E149\] replace is a switch"):
            api.ingest(store, [path], text="comment", replace="yes")
        with pytest.raises(InputError, match=r"\[E149\] drop_human_codes=True goes with replace=True"):
            api.ingest(store, [path], text="comment", drop_human_codes=True)
        result = api.classify(store, [path], text="comment", id="comment_id", meta="ward", codebook="fft",
                              sentiment=False, replace=True, drop_human_codes=True)
        report = result.ingest.files[0]
        assert (report.n_removed, report.n_kept, report.n_new) == (2, 3, 2)
        assert report.meta_replaced == {"ward": 1} and report.human_dropped == {"human:dana": 1}
    assert _documents(db) == _expected(JAN_FIXED)
    assert _orphans(db) == dict.fromkeys(_orphans(db), 0)
    with evalnlp.open(db) as project:
        again = project.ingest(path, text="comment", id="comment_id", meta="ward", replace=True)
        assert (again.files[0].n_removed, again.files[0].n_kept) == (0, 5)
        assert project.runs().iloc[-1]["args"]["replace"] is True
