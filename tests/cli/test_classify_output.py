"""`classify --output` keeps every input column with its name and values, whatever it is called; evalnlp's own
columns move aside (``evalnlp_<name>``) when an input column already has their name."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import CORPORA

from evalnlp.codebook import load_codebook

FFT = CORPORA / "nhs_fft" / "text_data.csv"
FFT_IDS = load_codebook("fft").theme_ids
SENTIMENTS = {"positive", "mixed", "negative", "neutral"}
#: evalnlp's columns in the order they follow the input's
OURS = ["source", "locator", "question", "text", "themes"] + [f"score_{t}" for t in FFT_IDS] + ["sentiment"]


@pytest.fixture(scope="module")
def staff_coded(tmp_path_factory):
    """A slice of the NHS FFT export as a trust holds it: the export's own columns plus the staff's codes in
    columns named like evalnlp's (themes, sentiment, score_staff), a free-text note in ``text`` and the
    ward in ``source``."""
    df = pd.read_csv(FFT, dtype=str, keep_default_na=False)
    df = df[df["feedback"].str.strip() != ""].sample(n=24, random_state=11).reset_index(drop=True)
    cb = load_codebook("fft")
    df["themes"] = ["gold:" + cb.label_to_id(label) for label in df["label"]]
    df["sentiment"] = ["gold:" + ("negative" if c.startswith("-") else "positive") for c in df["criticality"]]
    df["text"] = [f"staff note {i}" for i in range(len(df))]
    df["source"] = ["Ward 7" if i % 2 else "Ward 9" for i in range(len(df))]
    df["score_staff"] = ["1" if t == "gold:staff" else "0" for t in df["themes"]]
    df.loc[3, "organization"] = ""  # an empty metadata cell stays empty
    path = tmp_path_factory.mktemp("fft") / "fft_staff_coded.csv"
    df.to_csv(path, index=False)
    return path, pd.read_csv(path, dtype=str, keep_default_na=False)


def read_back(path) -> pd.DataFrame:
    suffix = path.suffix
    if suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    with open(path, encoding="utf-8") as fh:
        return pd.DataFrame([json.loads(line) for line in fh])


@pytest.mark.parametrize("ext", [".csv", ".parquet", ".xlsx", ".jsonl"])
def test_every_input_column_survives_and_evalnlp_columns_move_aside(cli, staff_coded, tmp_path, ext):
    path, given = staff_coded
    out = tmp_path / f"coded{ext}"
    result = cli("classify", str(path), "--text", "feedback", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = read_back(out)

    renamed = {"source", "text", "themes", "sentiment", "score_staff", "question"}
    expected = list(given.columns) + [f"evalnlp_{c}" if c in renamed else c for c in OURS]
    assert list(coded.columns) == expected
    assert len(coded) == len(given)
    for col in given.columns:  # the staff's codes, the note, the ward, the trust's question: all as given
        assert [str(v) for v in coded[col]] == given[col].tolist(), col

    assert (coded["evalnlp_text"] == given["feedback"]).all()
    assert set(coded["evalnlp_source"]) == {path.name}
    assert set(coded["evalnlp_question"]) == {"feedback"}
    assert coded["locator"].tolist() == [f"row {i}" for i in range(1, len(given) + 1)]
    assert all(t in FFT_IDS for t in coded["evalnlp_themes"])  # fft: exactly one theme per passage
    assert set(coded["evalnlp_sentiment"]) <= SENTIMENTS
    # the renamed score column holds evalnlp's scores for 'staff', not the staff's 0/1 codes
    scores = coded["evalnlp_score_staff"].astype(float)
    assert scores.between(0, 1).all() and not scores.isin([0.0, 1.0]).all()
    is_staff = coded["evalnlp_themes"] == "staff"
    assert is_staff.any() and (~is_staff).any()
    assert scores[is_staff].mean() > scores[~is_staff].mean()


def test_the_text_column_keeps_its_name_and_the_other_answers_of_its_row(cli, tmp_path):
    path = tmp_path / "two_questions.csv"
    pd.DataFrame({
        "site": ["North", "South", "East"],
        "good": ["The nurses were kind and caring", "Clean ward and friendly porters", "   "],
        "rid": ["r1", "r2", "r3"],
        "better": ["Waited four hours to be seen", "", "Parking costs too much"],
        "themes": ["gold:staff", "gold:environment_facilities", "gold:access"],
    }).to_csv(path, index=False)
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "good", "--text", "better", "--id", "rid", "--codebook", "fft",
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:5]) == ["site", "good", "rid", "better", "themes"]
    assert "evalnlp_themes" in coded.columns and "text" in coded.columns
    rows = {(r.rid, r.question): r for r in coded.itertuples()}
    assert set(rows) == {("r1", "good"), ("r2", "good"), ("r1", "better"), ("r3", "better")}
    for (rid, question), r in rows.items():  # the passage coded is the row's answer to `question`
        assert getattr(r, question) == r.text
    # each document carries its row's other answer; blank answers were not ingested, so they stay empty
    assert rows[("r1", "good")].better == "Waited four hours to be seen"
    assert rows[("r1", "better")].good == "The nurses were kind and caring"
    assert rows[("r3", "better")].good == ""
    assert rows[("r3", "better")].site == "East" and rows[("r3", "better")].themes == "gold:access"


def test_output_from_the_store_alone_keeps_the_input_columns(cli, tmp_path):
    path = tmp_path / "comments.csv"
    given = pd.DataFrame({"comment": ["The nurses were kind and caring", "Waited four hours to be seen"],
                          "sentiment": ["gold:positive", "gold:negative"], "locator": ["bed 4", "bed 9"]})
    given.to_csv(path, index=False)
    assert cli("ingest", str(path), "--text", "comment").exit_code == 0
    out = tmp_path / "coded.jsonl"
    result = cli("classify", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = read_back(out)
    assert set(given.columns) <= set(coded.columns)
    for col in given.columns:
        assert coded[col].tolist() == given[col].tolist(), col
    assert coded["evalnlp_locator"].tolist() == ["row 1", "row 2"]
    assert set(coded["evalnlp_sentiment"]) <= SENTIMENTS
    assert list(coded.columns[-len(OURS):]) == [f"evalnlp_{c}" if c in given.columns else c for c in OURS]


def test_meta_keeps_the_chosen_columns_and_the_text_column(cli, tmp_path):
    path = tmp_path / "comments.csv"
    pd.DataFrame({"email": ["a@example.org", "b@example.org"], "comment": ["Kind staff", "Long wait"],
                  "ward": ["7", "9"]}).to_csv(path, index=False)
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "comment", "--meta", "ward", "--codebook", "fft",
                 "--output", str(out))
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:2]) == ["comment", "ward"] and "email" not in coded.columns
    assert coded["ward"].tolist() == ["7", "9"] and coded["comment"].tolist() == ["Kind staff", "Long wait"]


def test_a_repeated_header_is_named_in_the_output_and_the_user_is_told(cli, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,comment,comment,ward\n1,The nurses were kind,The food was cold,A\n"
                    "2,Long wait in the clinic,,B\n", encoding="utf-8")
    out = tmp_path / "coded.csv"
    result = cli("classify", str(path), "--text", "comment", "--id", "id", "--codebook", "fft", "--output", str(out))
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert ("dup.csv: a repeated column name or key, so nothing is lost: the next 'comment' is read as "
            "'comment.1'") in said
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(coded.columns[:4]) == ["id", "comment", "comment.1", "ward"]
    assert coded["comment.1"].tolist() == ["The food was cold", ""]  # the second column's values, kept
