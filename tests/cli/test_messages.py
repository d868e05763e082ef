"""Messages that point the right way: the codebook a store was coded with, the sheet a column is on."""

from __future__ import annotations

import json

from helpers import coded_store

ROWS = [("The nurses were kind and explained everything.", {"ward": "A"}, ["staff"]),
        ("The food was cold and the ward was noisy at night.", {"ward": "B"}, ["environment_facilities"])]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_evidence_for_a_codebook_the_store_was_not_coded_with_names_the_one_it_was(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("evidence", "--codebook", "impact")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert "coded with 'fft', not 'impact'" in err
    assert "--codebook fft" in err and "evalnlp classify --codebook impact" in err
    doc = json.loads(cli("evidence", "--codebook", "impact", "--format", "json").stdout)
    assert any("--codebook fft" in n for n in doc["notes"])


def test_quotes_for_a_codebook_the_store_was_not_coded_with_names_the_one_it_was(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("quotes", "--theme", "capability", "--codebook", "impact")
    assert result.exit_code == 0, result.output
    err = flat(result.stderr)
    assert "no quotes" in err and "--codebook fft" in err and "evalnlp classify --codebook impact" in err


def test_quotes_for_a_theme_of_another_codebook_says_which(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("quotes", "--theme", "capability")  # the store's latest codebook is fft
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "[E220]" in err and "Theme 'capability' is in codebook 'impact'" in err
    assert "--codebook impact (after `evalnlp classify --codebook impact`)" in err


def test_a_store_coded_with_the_codebook_asked_for_gets_no_note(cli, db_path):
    coded_store(db_path, ROWS, codebook="fft")
    result = cli("evidence")
    assert result.exit_code == 0 and result.stderr == ""
    result = cli("quotes", "--theme", "staff")
    assert result.exit_code == 0 and result.stderr == ""


def test_nothing_coded_yet_suggests_both_shipped_codebooks(cli, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("text\nThe course was good.\n", encoding="utf-8")
    assert cli("ingest", str(f), "--text", "text").exit_code == 0
    result = cli("evidence")
    assert result.exit_code == 1
    err = flat(result.stderr)
    assert "[E408]" in err and "--codebook impact" in err and "--codebook fft" in err
