"""`evalnlp discover` through the command line: exit codes, messages and files."""

from __future__ import annotations

import importlib.util
import json

import pandas as pd
import pytest

from helpers import CORPORA

pytestmark = pytest.mark.skipif(importlib.util.find_spec("bertopic") is None,
                                reason="the topics extra (bertopic) is not installed")


@pytest.fixture
def comments(tmp_path):
    fft = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", usecols=["feedback", "organization"])
    path = tmp_path / "comments.csv"
    fft[fft["feedback"].fillna("").str.strip() != ""].head(300).to_csv(path, index=False)
    return path


@pytest.mark.slow
def test_discover_writes_json_and_a_draft_codebook(cli, comments, tmp_path, db_path):
    assert cli("ingest", str(comments), "--text", "feedback").exit_code == 0
    out, draft = tmp_path / "topics.json", tmp_path / "draft.yaml"
    result = cli("discover", "--codebook", "fft", "--min-topic-size", "8", "--output", str(out),
                 "--suggest", str(draft))
    assert result.exit_code == 0, result.output
    assert "topics in 300 passages" in result.stdout and f"wrote {out}" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["topics"] and data["topics"]
    assert all(list(t) == ["topic", "size", "keywords", "theme", "similarity", "emergent", "examples"]
               for t in data["topics"])
    assert draft.read_text(encoding="utf-8").startswith("# Draft extension of codebook 'fft'")
    check = cli("codebook", "validate", str(draft))
    assert check.exit_code == 0, check.output
    from evalnlp.store import Store

    with Store(db_path, read_only=True) as store:
        runs = store.table("runs")
        assert runs["command"].tolist() == ["ingest", "discover"] and runs["status"].tolist() == ["ok", "ok"]
        assert len(store.latest_topics()) == len(data["topics"])


def test_too_few_passages_exits_1_with_the_code(cli, tmp_path):
    path = tmp_path / "few.csv"
    pd.DataFrame({"text": ["The ward was clean.", "Staff were kind.", "Parking was hard."]}).to_csv(path, index=False)
    assert cli("ingest", str(path), "--text", "text").exit_code == 0
    result = cli("discover", "--codebook", "fft")
    assert result.exit_code == 1
    assert "E169" in result.stderr and "at least 50 passages" in result.stderr and "Traceback" not in result.output


def test_an_unknown_output_type_exits_1(cli, comments, tmp_path):
    assert cli("ingest", str(comments), "--text", "feedback").exit_code == 0
    result = cli("discover", "--output", str(tmp_path / "topics.txt"))
    assert result.exit_code == 1 and "E161" in result.stderr and ".json" in result.stderr
    assert not (tmp_path / "topics.txt").exists()


@pytest.mark.parametrize("args, hint", [
    (["--min-topic-size", "1"], "--min-topic-size"),
    (["--embedding", "glove"], "--embedding"),
    (["--emergent-below", "2"], "--emergent-below"),
])
def test_bad_options_are_usage_errors(cli, args, hint):
    result = cli("discover", *args)
    assert result.exit_code == 2 and hint in result.output


def test_missing_extra_message(cli, comments, monkeypatch):
    import sys

    assert cli("ingest", str(comments), "--text", "feedback").exit_code == 0
    monkeypatch.setitem(sys.modules, "bertopic", None)
    result = cli("discover")
    assert result.exit_code == 1
    assert "E501" in result.stderr and 'pip install "evalnlp[topics]"' in result.stderr


def test_help_states_the_default_emergent_thresholds(cli):
    from evalnlp.discovery import EMERGENT_BELOW_BY_EMBEDDING

    result = cli("discover", "--help")
    assert result.exit_code == 0
    words = " ".join(result.output.replace("│", " ").split())  # rich wraps the help text in a box
    static, minilm = EMERGENT_BELOW_BY_EMBEDDING["static"], EMERGENT_BELOW_BY_EMBEDDING["minilm"]
    assert f"default {static:.2f} with the static model, {minilm:.2f} with minilm" in words
