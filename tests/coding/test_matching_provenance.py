"""A saved model that matches keywords (a keyword coder, a zero-shot coder with keyword hits, the shipped
impact-themes ensemble through its zero-shot prior) records the version of the matching rules in the coder id
of its codes, so codes made under other rules are another coder's; a classify run records the version, `runs`
shows it, and a store written before the version was recorded still reads and says so."""

from __future__ import annotations

import duckdb
import pytest

from evalnlp.coding import keyword as kw
from evalnlp.coding import load_coder, loaded_coder_id
from evalnlp.coding.keyword import KeywordCoder, matching_of, recorded_matching
from evalnlp.coding.persist import load_model, save_model
from evalnlp.coding.zeroshot import ZeroShotCoder


def test_the_shipped_models_ids_name_the_matching_only_where_they_match_keywords():
    impact, _, card = load_coder("impact", None)
    fft, _, fft_card = load_coder("fft", None)
    sha = card["model_sha256"][:12]
    assert loaded_coder_id(impact, card) == impact.coder_id() == f"model:impact-themes@{sha}+matching{kw.MATCHING}"
    assert loaded_coder_id(fft, fft_card) == f"model:fft-themes@{fft_card['model_sha256'][:12]}"
    assert matching_of(impact) == kw.MATCHING and matching_of(fft) is None


def test_a_saved_keyword_coders_id_changes_with_the_matching_rules(tmp_path, monkeypatch):
    folder = save_model(KeywordCoder(codebook="fft").fit(), tmp_path / "kw", card={"name": "kw-fft"})
    coder, card = load_model(folder)
    now = loaded_coder_id(coder, card)
    assert now.endswith(f"+matching{kw.MATCHING}") and recorded_matching(now) == kw.MATCHING
    monkeypatch.setattr(kw, "MATCHING", kw.MATCHING + 1)
    later = loaded_coder_id(coder, card)
    assert later != now and recorded_matching(later) == kw.MATCHING and coder.coder_id() == later


def test_a_zero_shot_coder_without_keyword_hits_names_no_matching():
    assert matching_of(ZeroShotCoder(codebook="fft", keywords=False).fit()) is None
    assert matching_of(ZeroShotCoder(codebook="fft").fit()) == kw.MATCHING
    assert recorded_matching("model:impact-themes@0123456789ab") is None


def test_runs_shows_the_matching_and_a_store_from_before_still_reads(cli, tmp_path, db_path):
    data = tmp_path / "answers.csv"
    data.write_text("text\nThe counselling service was kind and quick\nParking was hard to find\n", encoding="utf-8")
    assert cli("classify", str(data), "--text", "text").exit_code == 0
    table = cli("runs").output
    assert "matching" in table and f"│ {kw.MATCHING} " in table
    # as a store written before: the coder id without the matching, the run's versions without it
    with duckdb.connect(str(db_path)) as con:
        (old_id,) = con.execute("SELECT DISTINCT coder FROM codes").fetchone()
        bare = old_id.split("+matching")[0]
        con.execute("UPDATE codes SET coder = ?", [bare])
        con.execute("UPDATE runs SET versions = json_object('python', '3')")
    table = cli("runs").output
    assert "unrecorded" in table and f"│ {kw.MATCHING} " not in table
    assert cli("evidence", "--format", "json").exit_code == 0
    # the codes of the earlier matching are another coder's: classify codes the passages again under the new id
    again = cli("classify")
    assert again.exit_code == 0, again.output
    with duckdb.connect(str(db_path), read_only=True) as con:
        coders = sorted(r[0] for r in con.execute("SELECT DISTINCT coder FROM codes").fetchall())
    assert coders == [bare, old_id]
    table = cli("runs").output
    assert "unrecorded" in table and f"│ {kw.MATCHING} " in table


@pytest.mark.parametrize("coder_id, version", [("model:x@0123456789ab+matching2", 2),
                                               ("model:keyword@0123456789ab", None), ("human:ann", None)])
def test_recorded_matching_reads_the_version_an_id_names(coder_id, version):
    assert recorded_matching(coder_id) == version
