"""The shipped theme and sentiment models: offline loading with checksums, determinism, golden predictions on
invented passages of each register (report/testimonial prose, patient feedback, and answers to evaluation
surveys), and sentiment that reads praise as praise.

Golden predictions live in tests/golden/shipped_predictions.json. After retraining a model on purpose,
regenerate them with ``EVALNLP_UPDATE_GOLDEN=1 pytest tests/coding/test_shipped_models.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from evalnlp.codebook import load_codebook
from evalnlp.coding import default_coder
from evalnlp.coding.persist import load_model, resolve_model
from evalnlp.coding.sentiment import load_sentiment_model

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "shipped_predictions.json"

IMPACT = [
    "The new triage pathway cut waiting times for outpatient appointments by a third and patients report a "
    "better experience of care.",
    "The scheme saved the health board an estimated £1.2 million a year in avoided admissions.",
    "Over 400 head teachers attended the workshops and 120 schools have since adopted the toolkit.",
    "The committee's report drew directly on the research, and the minister cited it when the regulations "
    "were amended.",
    "Clinicians and managers now meet every month and trust each other far more than before the programme.",
    "I found the training invaluable; it was the most useful course I have attended in twenty years.",
    "After the course I felt confident leading my team through the restructure and understood the budget "
    "for the first time.",
    "Staff attitudes towards patients with dementia changed markedly: they now see the person, not the diagnosis.",
    "The trust rewrote its discharge policy and introduced a daily safety huddle on every ward.",
    "Junior doctors are now far more willing to take part in service redesign and sit on the commissioning board.",
    "The report was published in March 2013.",
    "The study followed 2,000 participants over five years.",
]
FFT = [
    "The nurses were kind and caring and explained everything clearly.",
    "I waited four hours in A&E with nobody telling me what was happening.",
    "The food was cold and there was no choice for vegetarians.",
    "Parking at the hospital is impossible and far too expensive.",
    "The doctor listened to me and took my concerns seriously.",
    "My appointment was cancelled twice without any explanation.",
    "The ward was spotless and very well organised.",
    "Reception staff were rude and unhelpful on the phone.",
    "Nothing could be improved, the care was excellent.",
    "It would help if the letters arrived before the appointment date.",
    "The physiotherapist helped me walk again after my operation.",
    "The staff were lovely but the waiting time was far too long.",
]
PRAISE = [  # both registers: testimonials and endorsements, patient thanks
    "I found the viewing material to be of great interest and it has shaped how we train our staff.",
    "The programme has been invaluable to our organisation and we are very grateful to the team.",
    "The research has transformed the way we support families, and the results speak for themselves.",
    "This work has been instrumental in improving outcomes for our patients.",
    "The nurses were wonderful and made my stay so much easier.",
    "Brilliant service from start to finish, thank you all.",
    "The doctor was very thorough and reassuring.",
]
CRITICISM = [
    "The staff were rude, I waited five hours and nobody apologised.",
    "Dirty toilets and a noisy ward, the worst stay I have ever had.",
    "The system failed patients: records were lost and appointments were repeatedly missed.",
]
MIXED = [
    "The doctors were excellent but the waiting time was far too long.",
    "Lovely staff, although the food was terrible.",
]
# Answers of programme participants and staff to evaluation surveys: the stance comes from what happened more
# than from evaluative words (none of these is in corpora/survey_answers).
SURVEY_PRAISE = [
    "I now chair the divisional meeting and people actually stay to the end.",
    "Since the course our team rings the GP directly instead of firing off emails, and the backlog has gone.",
    "Far fewer late-night calls from the ward since we started the evening huddle.",
    "I stopped avoiding the finance team; we sit down together every month now.",
    "Our Year 9s read for twenty minutes every morning and library loans have doubled.",
]
SURVEY_CRITICISM = [
    "The modules were cancelled twice at short notice and nobody told us why.",
    "The project money never arrived, so the new clinic was never opened.",
    "The mentoring fizzled out after the first meeting.",
    "Too much time on theory and hardly any on what to do on Monday morning.",
]
SURVEY_MIXED = ["The coaching was really useful, but the online platform kept logging me out."]
SURVEY_NEUTRAL = ["I attended three of the five workshops.", "We meet as a group every second Tuesday."]
SURVEY = SURVEY_PRAISE + SURVEY_CRITICISM + SURVEY_MIXED + SURVEY_NEUTRAL
NEUTRAL = [
    "The guidance sets out the procedures that local authorities must follow when assessing eligibility.",
    "Section 4 of the Act requires the regulator to publish an annual statement of its priorities.",
]


def _themes(coder, texts):
    return [[str(c) for c, flag in zip(coder.classes_, row) if flag] for row in coder.predict(texts)]


@pytest.fixture(scope="module")
def impact():
    coder, card = load_model(resolve_model("impact-themes"), codebook="impact")
    return coder, card


@pytest.fixture(scope="module")
def fft():
    return load_model(resolve_model("fft-themes"), codebook="fft")[0]


@pytest.fixture(scope="module")
def sentiment():
    return load_sentiment_model()


def test_impact_model_is_the_default_and_loads_with_its_checksum(impact):
    coder, card = impact
    cb = load_codebook("impact")
    default, default_card = default_coder(cb)
    assert default_card["name"] == "impact-themes" and default_card["model_sha256"] == card["model_sha256"]
    assert type(default).__name__ == "EnsembleCoder"
    assert [str(c) for c in coder.classes_] == cb.theme_ids
    folder = resolve_model("impact-themes")
    import hashlib

    assert hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest() == card["model_sha256"]
    assert card["codebook"]["sha256"] == cb.sha256
    text = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    for needle in ("REF2014", "CC BY 4.0", "hold-out", "macro-F1", "scripts/train_impact_model.py"):
        assert needle in text


def test_a_codebook_edited_by_the_user_does_not_get_the_shipped_model(tmp_path):
    import yaml

    data = yaml.safe_load(Path(load_codebook("impact").path).read_text(encoding="utf-8"))
    data["themes"][0]["definition"] += " Edited locally."
    path = tmp_path / "impact.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    coder, card = default_coder(load_codebook(path))
    assert card is None and type(coder).__name__ == "ZeroShotCoder"


def test_predictions_are_deterministic(impact, sentiment):
    coder, _ = impact
    a = coder.predict_proba(IMPACT + FFT)
    b = load_model(resolve_model("impact-themes"), codebook="impact")[0].predict_proba(IMPACT + FFT)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sentiment.predict_proba(PRAISE), load_sentiment_model().predict_proba(PRAISE))


def test_golden_predictions(impact, fft, sentiment):
    current = {
        "impact-themes": dict(zip(IMPACT + FFT, _themes(impact[0], IMPACT + FFT))),
        "fft-themes": dict(zip(FFT, _themes(fft, FFT))),
        "sentiment": dict(zip(IMPACT + FFT + SURVEY, sentiment.predict(IMPACT + FFT + SURVEY).tolist())),
    }
    if os.environ.get("EVALNLP_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(current, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert current == golden


def test_impact_model_codes_clear_cases(impact):
    coder, _ = impact
    got = dict(zip(IMPACT, _themes(coder, IMPACT)))
    assert "economic_value" in got[IMPACT[1]]
    assert "reach_uptake" in got[IMPACT[2]]
    assert "policy_influence" in got[IMPACT[3]]
    assert "relationships" in got[IMPACT[4]]
    assert "endorsement" in got[IMPACT[5]]
    assert "capability" in got[IMPACT[6]]
    assert "attitude_change" in got[IMPACT[7]]
    assert "engagement" in got[IMPACT[9]]


def test_praise_is_never_negative_in_either_register(sentiment):
    predicted = sentiment.predict(PRAISE).tolist()
    assert "negative" not in predicted
    assert predicted.count("positive") == len(PRAISE)


def test_sentiment_reads_criticism_mixed_and_neutral(sentiment):
    assert sentiment.predict(CRITICISM).tolist() == ["negative"] * len(CRITICISM)
    assert sentiment.predict(MIXED).tolist() == ["mixed"] * len(MIXED)
    # Neutral against positive is the model's weakest distinction (F1 about 0.5 on held-out REF quotes, see
    # the model card): a descriptive statement must never read as criticism, and the plainly statutory one
    # must read as neutral.
    neutral = sentiment.predict(NEUTRAL).tolist()
    assert "negative" not in neutral and "mixed" not in neutral
    assert neutral[1] == "neutral"


def test_sentiment_reads_survey_answers_by_what_happened(sentiment):
    # Reports of a change for the better are praise even without a word of praise; reports of a failure are
    # criticism even when they name a programme, its project and its funding (words that REF testimonials use
    # in praise, which the model read as praise before it learned this register).
    assert sentiment.predict(SURVEY_PRAISE).tolist() == ["positive"] * len(SURVEY_PRAISE)
    criticism = sentiment.predict(SURVEY_CRITICISM).tolist()
    assert "positive" not in criticism and "mixed" not in criticism
    assert criticism.count("negative") >= len(SURVEY_CRITICISM) - 1  # a plain "fizzled out" may read as neutral
    assert sentiment.predict(SURVEY_MIXED).tolist() == ["mixed"]
    assert sentiment.predict(SURVEY_NEUTRAL).tolist() == ["neutral"] * len(SURVEY_NEUTRAL)


@pytest.fixture(scope="module")
def survey_codes():
    import pandas as pd

    from helpers import REPO

    frame = pd.read_csv(REPO / "corpora" / "demo_leadership" / "survey_codes.csv", keep_default_na=False)
    from evalnlp.evaluation import labels_to_matrix

    return frame, labels_to_matrix(frame["themes"], load_codebook("impact").theme_ids, sep=";").astype(int)


def test_a_small_sample_starts_from_the_shipped_model(survey_codes):
    from evalnlp.coding import make_coder

    frame, Y = survey_codes
    texts = frame["text"].tolist()
    adapted = make_coder("ensemble", "impact", prior="impact-themes").fit(texts, Y)
    assert type(adapted.zeroshot_).__name__ == "EnsembleCoder"  # the prior is the trained model itself
    plain = make_coder("ensemble", "impact").fit(texts, Y)
    assert type(plain.zeroshot_).__name__ == "ZeroShotCoder"
    assert not np.allclose(adapted.predict_proba(IMPACT), plain.predict_proba(IMPACT))


def test_a_trained_prior_keeps_half_of_the_final_score(survey_codes, tmp_path):
    """With a trained prior the final score is half the prior's own probability and half the calibrated one,
    and each threshold half the prior's and half the one chosen on the calibrated scores; the zero-shot prior is
    not blended; a saved model keeps its share, and one saved before the share existed scores as it did."""
    from evalnlp.coding import make_coder
    from evalnlp.coding.persist import load_model, save_model

    frame, Y = survey_codes
    texts = frame["text"].tolist()
    blended = make_coder("ensemble", "impact", prior="impact-themes").fit(texts, Y)
    alone = make_coder("ensemble", "impact", prior="impact-themes", prior_weight=0.0).fit(texts, Y)
    assert blended.prior_weight_ == 0.5 and alone.prior_weight_ == 0.0
    assert make_coder("ensemble", "impact").fit(texts, Y).prior_weight_ == 0.0
    prior = blended.zeroshot_.predict_proba(IMPACT)
    assert np.allclose(blended.predict_proba(IMPACT), 0.5 * prior + 0.5 * alone.predict_proba(IMPACT))
    assert np.allclose(blended.thresholds_, 0.5 * blended.zeroshot_.thresholds_ + 0.5 * alone.thresholds_)
    assert not np.allclose(blended.thresholds_, alone.thresholds_)
    loaded = load_model(save_model(blended, tmp_path / "b", card={"name": "b"}))
    loaded = loaded[0] if isinstance(loaded, tuple) else loaded
    assert np.allclose(loaded.predict_proba(IMPACT), blended.predict_proba(IMPACT))
    del blended.__dict__["prior_weight_"]  # as a model saved before the blend: the calibrated scores alone
    assert np.allclose(blended.predict_proba(IMPACT), alone.predict_proba(IMPACT))
    for bad in (1.5, -0.1, "half", True):
        with pytest.raises(ValueError, match="prior_weight"):
            make_coder("ensemble", "impact", prior="impact-themes", prior_weight=bad).fit(texts, Y)


def test_a_prior_must_code_the_same_codebook(survey_codes):
    from evalnlp.coding import make_coder
    from evalnlp.errors import ModelError

    frame, Y = survey_codes
    with pytest.raises(ModelError) as info:
        make_coder("ensemble", "impact", prior="fft-themes").fit(frame["text"].tolist(), Y)
    assert info.value.code == "E325" and "trained on codebook 'fft'" in str(info.value)


def test_train_auto_uses_the_shipped_prior_and_refuses_a_prior_without_the_ensemble(tmp_path):
    from helpers import REPO

    from evalnlp import api
    from evalnlp.errors import InputError

    data = REPO / "corpora" / "demo_leadership" / "survey_codes.csv"
    result = api.train(data, text="text", labels_column="themes", codebook="impact", out=tmp_path / "m")
    assert result.backend == "ensemble" and result.card["prior"] == "impact-themes"
    with pytest.raises(InputError) as info:
        api.train(data, text="text", labels_column="themes", codebook="impact", backend="supervised",
                  prior="impact-themes", out=tmp_path / "n")
    assert info.value.code == "E138"


def test_classify_can_still_choose_the_untrained_coders(runner, tmp_path):
    from evalnlp.cli import app

    data = tmp_path / "answers.csv"
    data.write_text("text\nThe programme saved the trust a lot of money.\nI now trust my colleagues.\n",
                    encoding="utf-8")
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["--db", str(db), "classify", str(data), "--text", "text", "--model", "zeroshot"])
    assert result.exit_code == 0, result.output
    assert "model:zeroshot" in result.output and "no theme:" in result.output
