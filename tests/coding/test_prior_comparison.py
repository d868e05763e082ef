"""Training on top of a prior says how the prior alone does on the same codes, and which passages it has seen.

A small coded sample trained from a prior (``train --backend auto`` starts from the codebook's shipped model)
is only worth using if it agrees with its codes better than the prior does. The model card keeps both figures,
and the fingerprints of its own training passages, so that a model trained on top of it can tell when a
sample repeats the prior's training data (then every figure on those passages is optimistic).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers import REPO

from evalnlp import api
from evalnlp.util import passage_fingerprint, training_passages

SURVEY = REPO / "corpora" / "demo_leadership" / "survey_codes.csv"


def test_a_fingerprint_ignores_case_and_spacing_but_not_words():
    assert passage_fingerprint("The  programme\nhelped.") == passage_fingerprint("the programme helped.")
    assert passage_fingerprint("The programme helped.") != passage_fingerprint("The programme did not help.")
    assert len(passage_fingerprint("x")) == 16
    field = training_passages(["B text", "a text", "b  TEXT"])
    assert field["values"] == sorted({passage_fingerprint("a text"), passage_fingerprint("b text")})
    assert "sha256" in field["fingerprint"]


def test_the_shipped_theme_models_list_their_training_passages():
    for name in ("impact-themes", "fft-themes"):
        card = json.loads((REPO / "src" / "evalnlp" / "models" / name / "card.json").read_text(encoding="utf-8"))
        values = card["training_passages"]["values"]
        assert values == sorted(set(values)) and len(values) <= card["training_data"]["n"]
        assert len(values) > 0.8 * card["training_data"]["n"]  # only repeated passages collapse


@pytest.fixture()
def prior_and_sample(tmp_path):
    """A prior trained on the first 40 demo survey answers (39 of them, as "See above" is a placeholder, no
    answer), and a sample: 10 of those (respaced, upper-cased) plus the 20 it never saw."""
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    first, rest = frame.iloc[:40], frame.iloc[40:]
    first.to_csv(tmp_path / "first.csv", index=False)
    prior = api.train(tmp_path / "first.csv", text="text", labels_column="themes", codebook="impact",
                      backend="ensemble", prior="zeroshot", out=tmp_path / "prior")
    repeated = first.iloc[:10].copy()
    repeated["text"] = ["  " + " ".join(t.upper().split()) for t in repeated["text"]]
    sample = pd.concat([repeated, rest])
    sample.to_csv(tmp_path / "sample.csv", index=False)
    return prior, tmp_path / "sample.csv", len(rest)


def test_a_prior_model_records_its_training_passages(prior_and_sample):
    prior, _, _ = prior_and_sample
    card = json.loads((prior.out / "card.json").read_text(encoding="utf-8"))
    assert len(card["training_passages"]["values"]) == 39  # the first 40 rows less "See above"
    # a zero-shot prior has seen nothing: its figure is on every passage
    assert card["prior_seen"] == 0 and card["prior_metrics"]["n"] == 39


def test_training_on_top_of_a_prior_counts_what_it_has_seen_and_scores_it_on_the_rest(prior_and_sample, tmp_path):
    prior, sample, unseen = prior_and_sample
    result = api.train(sample, text="text", labels_column="themes", codebook="impact", backend="ensemble",
                       prior=str(prior.out), out=tmp_path / "adapted")
    assert result.card["prior_seen"] == 10
    assert result.card["prior_metrics"]["n"] == unseen
    # the prior's own figure on the unseen passages, recomputed here from the prior itself
    from evalnlp.coding.base import decide
    from evalnlp.coding.persist import load_model
    from evalnlp.evaluation import labels_to_matrix, multilabel_report

    coder, _ = load_model(prior.out)
    frame = pd.read_csv(sample, dtype=str, keep_default_na=False).iloc[10:]
    Y = labels_to_matrix(frame["themes"], coder.classes_, sep=";").astype(int)
    P = decide(coder.predict_proba(frame["text"].tolist()), coder.thresholds_, multi_label=True,
               require_theme=False)
    assert result.card["prior_metrics"]["macro_f1"] == pytest.approx(multilabel_report(Y, P, coder.classes_)["macro_f1"])


def test_evaluate_counts_the_passages_the_prior_was_trained_on_as_seen(prior_and_sample, tmp_path):
    """A model trained on top of a prior takes part of its scores from that prior, so a test passage the prior
    was trained on is a passage the model has seen: `evaluate` counts it (it counted the model's own sample
    only, and called optimistic figures fair)."""
    prior, sample, unseen = prior_and_sample
    adapted = api.train(sample, text="text", labels_column="themes", codebook="impact", backend="ensemble",
                        prior=str(prior.out), out=tmp_path / "adapted")
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    test = frame.iloc[10:40]  # in the prior's training data, not in the adapted model's sample
    test.to_csv(tmp_path / "test.csv", index=False)
    report = api.evaluate(tmp_path / "test.csv", text="text", labels_column="themes", model=adapted.out)
    # 30 rows, one of them "See above", a placeholder left out (n_skipped)
    assert report["n_seen_in_training"] == report["n"] == len(test) - 1 == 29 and report["n_skipped"] == 1
    alone = api.evaluate(tmp_path / "test.csv", text="text", labels_column="themes", model=prior.out)
    assert alone["n_seen_in_training"] == 29
    fresh = frame.iloc[40:].head(5)
    fresh.to_csv(tmp_path / "fresh.csv", index=False)  # in the adapted model's own sample only
    assert api.evaluate(tmp_path / "fresh.csv", text="text", labels_column="themes",
                        model=adapted.out)["n_seen_in_training"] == 5


def test_train_prints_both_figures_and_warns_about_repeated_passages(prior_and_sample, tmp_path, runner):
    from evalnlp.cli import app

    prior, sample, unseen = prior_and_sample
    result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "train", str(sample), "--text", "text",
                                 "--labels-column", "themes", "--prior", str(prior.out), "--backend", "ensemble",
                                 "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "10 of these 30 passages were in the training data of the prior" in out
    assert "the cross-validated figure is optimistic" in out and "says nothing about new text" not in out
    assert f"alone on the {unseen} passages it had not seen: micro-F1" in out


def test_a_sample_the_prior_was_wholly_trained_on_is_called_out(tmp_path, runner):
    from evalnlp.cli import app

    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame.to_csv(tmp_path / "all.csv", index=False)
    args = ["--db", str(tmp_path / "s.duckdb"), "train", str(tmp_path / "all.csv"), "--text", "text",
            "--labels-column", "themes", "--backend", "ensemble"]
    first = runner.invoke(app, [*args, "--prior", "zeroshot", "--out", str(tmp_path / "p")])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, [*args, "--prior", str(tmp_path / "p"), "--out", str(tmp_path / "q")])
    assert again.exit_code == 0, again.output
    out = " ".join(again.output.split())
    n = len(frame) - 1  # the answers: "See above" is a placeholder, no answer
    assert f"{n} of these {n} passages were in the training data" in out
    assert "says nothing about new text" in out and "alone on" not in out
    card = json.loads((tmp_path / "q" / "card.json").read_text(encoding="utf-8"))
    assert card["prior_metrics"] is None and card["prior_seen"] == n
    assert np.isfinite(card["cv_metrics"]["macro_f1"])


def test_train_advises_keeping_a_prior_that_agrees_better(tmp_path, runner):
    """Codes that are the prior's own decisions: the prior agrees with them perfectly, a coder trained on 60
    of them cannot, so train must advise keeping the prior."""
    from evalnlp.cli import app
    from evalnlp.coding.base import decide
    from evalnlp.coding.persist import load_model, resolve_model

    from evalnlp.util import passage_fingerprint

    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    prior, card = load_model(resolve_model("impact-themes"))
    # only passages the prior never saw (a stock answer such as "See above" is in its training data), so that
    # the two are compared on the same passages
    seen = set(card["training_passages"]["values"])
    frame = frame[[passage_fingerprint(t) not in seen for t in frame["text"]]]
    assert len(frame) >= 50
    decided = decide(prior.predict_proba(frame["text"].tolist()), prior.thresholds_, multi_label=True,
                     require_theme=False)
    frame["themes"] = [";".join(t for t, flag in zip(prior.classes_, row) if flag) for row in decided]
    frame.to_csv(tmp_path / "own.csv", index=False)
    result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "train", str(tmp_path / "own.csv"),
                                 "--text", "text", "--labels-column", "themes", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "the prior (impact-themes) alone on the same passages: micro-F1 1.000, macro-F1 1.000" in out
    assert "keep using it (evalnlp classify --model impact-themes)" in out


def test_advice_to_keep_an_untrained_prior_names_its_codebook(tmp_path, runner):
    """The advice to keep the zero-shot prior said `classify --model zeroshot`, which codes with impact: for an
    fft model it now says `--codebook fft` too."""
    from evalnlp.cli import app
    from evalnlp.coding import load_coder

    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False).head(60)
    prior, cb, _ = load_coder("fft", "zeroshot")
    decided = prior.predict(frame["text"].tolist())
    frame["themes"] = [";".join(t for t, flag in zip(cb.theme_ids, row) if flag) for row in decided]
    frame.to_csv(tmp_path / "own.csv", index=False)
    result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "train", str(tmp_path / "own.csv"),
                                 "--text", "text", "--labels-column", "themes", "--codebook", "fft",
                                 "--prior", "zeroshot", "--out", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "keep using it (evalnlp classify --model zeroshot --codebook fft)" in out


def test_single_label_figures_are_numbers_and_a_handful_of_unseen_passages_is_not_compared(tmp_path, runner):
    """FFT comments the shipped fft-themes model was trained on, plus three it never saw: the cross-validated
    micro-F1 of a single-label codebook is a number (the share coded right), and three passages are too few to
    compare the prior with the trained coder."""
    from evalnlp.cli import app

    fft = pd.read_csv(REPO / "corpora" / "nhs_fft" / "text_data.csv", dtype=str, keep_default_na=False)
    fft = fft[fft["feedback"].str.strip() != ""].head(90)
    new = pd.DataFrame({"feedback": ["The physio on the new unit explained every exercise twice for me.",
                                     "Nobody told my daughter when the transfer to the other ward would be.",
                                     "The garden by the day room is a calm place to sit with visitors."],
                        "label": ["Staff", "Communication", "Environment/ facilities"]})
    pd.concat([fft[["feedback", "label"]], new]).to_csv(tmp_path / "coded.csv", index=False)
    args = ["--db", str(tmp_path / "s.duckdb"), "train", str(tmp_path / "coded.csv"), "--text", "feedback",
            "--labels-column", "label", "--codebook", "fft"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "m")])  # auto: from the shipped fft-themes
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "nan" not in out
    assert "cross-validated: micro-F1 0." in out and "(the share coded right: one theme per passage)" in out
    assert "had not seen only 3 of these passages: too few to compare it with the trained coder" in out
    assert "alone on the 3 passages" not in out
    # an ensemble without --prior starts from the zero-shot coder, and says so by the name classify takes
    result = runner.invoke(app, [*args, "--backend", "ensemble", "--out", str(tmp_path / "z")])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "from the prior zeroshot" in out and "the prior (zeroshot) alone on the same passages: micro-F1 0." in out
    assert "--model prior" not in out
    assert json.loads((tmp_path / "z" / "card.json").read_text(encoding="utf-8"))["prior"] == "zeroshot"


def test_the_prior_s_passages_count_as_seen_wherever_the_prior_went(tmp_path, runner, monkeypatch):
    """A model trained on top of a prior (``--prior p1``) named it by the path train was given, relative to where
    train ran; evaluate read that path again to find the prior's training passages, so from another folder, or
    once p1 was moved, it said 12 of 60 passages were seen where all 60 were. The card now keeps them."""
    from evalnlp.cli import app

    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame.to_csv(tmp_path / "all.csv", index=False)
    frame.head(12).to_csv(tmp_path / "some.csv", index=False)
    monkeypatch.chdir(tmp_path)
    for args in (["all.csv", "--out", "p1"], ["some.csv", "--prior", "p1", "--out", "q1"]):
        result = runner.invoke(app, ["--db", "s.duckdb", "train", args[0], "--text", "text", "--labels-column",
                                     "themes", *args[1:]])
        assert result.exit_code == 0, result.output
    card = json.loads((tmp_path / "q1" / "card.json").read_text(encoding="utf-8"))
    prior_card = json.loads((tmp_path / "p1" / "card.json").read_text(encoding="utf-8"))
    assert card["prior"] == "p1" and len(prior_card["training_passages"]["values"]) > 12
    assert card["prior_training_passages"]["values"] == prior_card["training_passages"]["values"]
    (tmp_path / "p1").rename(tmp_path / "p1-moved")  # the prior is not where the card says any more
    report = api.evaluate(tmp_path / "all.csv", text="text", labels_column="themes", model=tmp_path / "q1")
    assert report["n_seen_in_training"] == report["n"]
