"""ZeroShotCoder: estimator contract, ranking, calibration and Platt scaling."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from evalnlp.codebook import load_codebook
from evalnlp.coding.keyword import MATCHING
from evalnlp.coding.zeroshot import NEUTRAL_SENTENCES, ZeroShotCoder, theme_prototypes
from evalnlp.errors import ModelError

UNRELATED = "The cat slept on the warm windowsill all afternoon."
RELEVANT = {
    "economic_value": "The new process saved the company three million pounds and created forty jobs.",
    "policy_influence": "The minister cited the research when the government changed the law on sentencing.",
    "capability": "The training gave nurses new skills and far more confidence in their own knowledge.",
    "reach_uptake": "Over ten thousand people have downloaded the app and it is used in schools across the country.",
    "relationships": "The project built trust and a lasting partnership between the police and local charities.",
}


@pytest.fixture(scope="module")
def plain():
    """Embedding similarity only (no keyword feature)."""
    return ZeroShotCoder(codebook="impact", keywords=False).fit()


@pytest.fixture(scope="module")
def default():
    return ZeroShotCoder(codebook="impact").fit()


def test_fit_needs_no_data(plain, default):
    cb = load_codebook("impact")
    for coder in (plain, default):
        assert coder.classes_ == cb.theme_ids
        assert coder.thresholds_.tolist() == [0.5] * len(cb.theme_ids)
        assert coder.codebook_sha256_ == cb.sha256
        assert not coder.supervised_.any()
    assert len(plain.proto_texts_) == len(plain.proto_theme_) == len(plain.proto_vectors_)
    assert plain.calib_coef_.shape == (10, 1) and default.calib_coef_.shape == (10, 2)


def test_prototypes_come_from_the_codebook():
    theme = load_codebook("impact").get("capability")
    protos = theme_prototypes(theme)
    assert protos[0] == f"{theme.label}: {theme.definition}"
    assert all(example in protos for example in theme.examples)
    assert len(protos) > len(theme.examples) + 1  # include clauses too


def test_scores_shape_range_and_empty_input(plain):
    texts = [*RELEVANT.values(), UNRELATED, ""]
    proba = plain.predict_proba(texts)
    assert proba.shape == (len(texts), 10)
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    assert plain.predict_proba([]).shape == (0, 10)
    assert set(np.unique(plain.predict(texts))) <= {0, 1}


def test_relevant_passages_rank_above_an_unrelated_one(plain):
    texts = [*RELEVANT.values(), UNRELATED]
    proba = plain.predict_proba(texts)
    for row, theme in enumerate(RELEVANT):
        col = plain.classes_.index(theme)
        assert proba[row, col] > proba[-1, col], theme
        assert proba[row, col] >= 0.5, theme  # and the relevant passage is coded
    assert proba[-1].max() < 0.5  # the unrelated one gets nothing


def test_calibration_is_one_mapping_of_standardised_similarity(plain):
    """Without labels a score depends on the standardised similarity z only, the same way for every theme."""
    texts = [*RELEVANT.values(), UNRELATED, *NEUTRAL_SENTENCES[:20]]
    z = plain.similarity_z(texts)
    logit = np.log(plain.predict_proba(texts)) - np.log1p(-plain.predict_proba(texts))
    slopes, intercepts = [], []
    for t in range(10):
        slope, intercept = np.polyfit(z[:, t], logit[:, t], 1)
        slopes.append(slope)
        intercepts.append(intercept)
        np.testing.assert_allclose(logit[:, t], slope * z[:, t] + intercept, atol=1e-6)
    assert np.ptp(slopes) < 1e-6 and np.ptp(intercepts) < 1e-6 and slopes[0] > 0
    # so the same quantile of each theme's reference distribution gets the same score
    q = plain.ref_mean_ + 2 * plain.ref_sd_
    score_at_q = 1 / (1 + np.exp(-(plain.calib_coef_[:, 0] * 2 + plain.calib_intercept_)))
    assert np.ptp(score_at_q) < 1e-9 and q.shape == (10,)


def test_neutral_and_own_examples_land_on_opposite_sides(plain):
    cb = load_codebook("impact")
    neutral = plain.predict(list(NEUTRAL_SENTENCES))
    assert neutral.mean() < 0.1  # few neutral sentence x theme decisions are positive
    examples = [e for t in cb.themes for e in t.examples]
    owner = [i for i, t in enumerate(cb.themes) for _ in t.examples]
    proba = plain.predict_proba(examples)
    assert (proba[np.arange(len(examples)), owner] >= 0.5).mean() > 0.8


def test_keyword_hits_raise_scores(plain, default):
    text = ["We value this hugely: it is an invaluable, excellent and useful service."]
    col = plain.classes_.index("endorsement")
    assert default.calib_coef_[col, 1] > 0
    assert default.predict_proba(text)[0, col] > plain.predict_proba(text)[0, col]


def test_deterministic_and_clonable(plain):
    texts = [*RELEVANT.values(), UNRELATED]
    again = ZeroShotCoder(codebook="impact", keywords=False).fit()
    np.testing.assert_array_equal(plain.predict_proba(texts), again.predict_proba(texts))
    copy = clone(plain)
    assert copy.get_params() == plain.get_params() and not hasattr(copy, "classes_")


def test_platt_scaling_with_labels():
    cb = load_codebook("impact")
    texts = [e for t in cb.themes for e in t.examples] + list(NEUTRAL_SENTENCES)
    Y = np.zeros((len(texts), 10), dtype=int)
    row = 0
    for j, theme in enumerate(cb.themes):
        Y[row: row + len(theme.examples), j] = 1
        row += len(theme.examples)
    coder = ZeroShotCoder(codebook="impact", keywords=False).fit(texts, Y)
    assert coder.supervised_.all()
    assert not np.allclose(coder.calib_coef_, coder.calib_coef_[0])  # each theme its own mapping
    proba = coder.predict_proba(texts)
    assert ((proba >= 0) & (proba <= 1)).all()
    # Platt scaling keeps the ranking within a theme (a monotone map of z)
    z = coder.similarity_z(texts)
    for t in range(10):
        order = np.argsort(z[:, t], kind="stable")
        assert (np.diff(proba[order, t]) >= -1e-12).all()


def test_themes_with_too_few_labels_keep_the_shared_mapping():
    texts = ["The scheme saved two million pounds.", "Costs fell by half.", "Revenue doubled.", "The cat slept.",
             "It rained.", "The bus was late."]
    Y = np.zeros((6, 10), dtype=int)
    Y[:3, 7] = 1  # economic_value
    coder = ZeroShotCoder(codebook="impact", keywords=False).fit(texts, Y)
    assert coder.supervised_.tolist() == [j == 7 for j in range(10)]


def test_errors(plain):
    with pytest.raises(ModelError) as info:
        ZeroShotCoder().predict_proba(["text"])
    assert info.value.code == "E345"
    with pytest.raises(ValueError, match="'embedding' parameter"):
        ZeroShotCoder(embedding="glove").fit()
    with pytest.raises(ValueError, match="'centroid_weight' parameter"):
        ZeroShotCoder(centroid_weight=2).fit()
    with pytest.raises(ValueError, match="texts and Y"):
        ZeroShotCoder(keywords=False).fit(["a text"], None)
    with pytest.raises(ValueError, match="shape"):
        ZeroShotCoder(keywords=False).fit(["a text"], np.zeros((2, 10)))


def test_round_trip_through_persist(tmp_path):
    from evalnlp.coding.persist import load_model, save_model

    cb = load_codebook("impact")
    coder = ZeroShotCoder(codebook=cb).fit()  # a Codebook object as the parameter, as the api passes it
    texts = [*RELEVANT.values(), UNRELATED]
    save_model(coder, tmp_path / "zs", card={"name": "zs-test"})
    loaded, card = load_model(tmp_path / "zs", codebook="impact")
    assert isinstance(loaded, ZeroShotCoder) and loaded.codebook == "impact"
    np.testing.assert_array_equal(loaded.predict_proba(texts), coder.predict_proba(texts))
    assert loaded.coder_id() == f"model:zs-test@{card['model_sha256'][:12]}+matching{MATCHING}"


def test_coder_id(plain, default):
    assert ZeroShotCoder().coder_id() == "model:zeroshot"
    assert plain.coder_id().startswith("model:zeroshot@") and plain.coder_id() != default.coder_id()
    assert ZeroShotCoder(codebook="impact", keywords=False).fit().coder_id() == plain.coder_id()
    # with keywords, the version of the keyword matching rules is part of it (codes made before the doubled-l
    # spellings matched are told apart); without, the coder's id is as it was
    from evalnlp.coding.keyword import fitted_coder_id

    def without_matching(coder):
        return fitted_coder_id(coder, "zeroshot", [coder.codebook_sha256_, coder.encoder_sha256_])

    assert default.coder_id() != without_matching(default) and plain.coder_id() == without_matching(plain)


def test_a_codebook_with_definitions_only(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "id: tiny\nmulti_label: true\nthemes:\n"
        "  - {id: food, label: Food, definition: 'Comments about meals, drinks and snacks.'}\n"
        "  - {id: noise, label: Noise, definition: 'Comments about noise at night.'}\n",
        encoding="utf-8",
    )
    coder = ZeroShotCoder(codebook=str(path), keywords=False).fit()
    proba = coder.predict_proba(["The meals and snacks were cold.", "It was far too noisy at night."])
    assert np.isfinite(proba).all()
    assert proba[0, 0] > proba[0, 1] and proba[1, 1] > proba[1, 0]


def test_a_codebook_without_examples_still_codes_what_its_definitions_describe(tmp_path):
    """A codebook of definitions alone (no examples, no include notes) is what a researcher writes first: the
    passages its definitions describe are coded, not left with no theme because the calibration learnt from
    each definition scored against itself."""
    path = tmp_path / "mentoring.yaml"
    path.write_text(
        "id: mentoring\nmulti_label: true\nthemes:\n"
        "  - id: reading\n    label: Reading for pleasure\n"
        "    definition: The pupil reads more books, enjoys stories and visits the library.\n"
        "  - id: attendance\n    label: School attendance\n"
        "    definition: The pupil comes to school more often, is late less and misses fewer lessons.\n"
        "  - id: parents\n    label: Parents involved\n"
        "    definition: Parents and carers take part in school life, come to meetings and help with homework.\n"
        "  - id: behaviour\n    label: Behaviour in class\n"
        "    definition: The pupil behaves better in lessons, with fewer detentions and exclusions.\n",
        encoding="utf-8",
    )
    passages = {
        "reading": "She has started reading books at home and loves the stories from the library.",
        "attendance": "He used to miss lessons every week but now he comes to school every day and is never late.",
        "parents": "His mum now comes to the parents' meetings and helps him with his homework.",
        "behaviour": "Her behaviour in lessons is much better and she has had no detentions this term.",
    }
    for keywords in (False, True):
        coder = ZeroShotCoder(codebook=str(path), keywords=keywords).fit()
        proba = coder.predict_proba([*passages.values(), UNRELATED])
        for row, theme in enumerate(passages):
            col = coder.classes_.index(theme)
            assert proba[row, col] >= 0.5, (keywords, theme, proba[row].round(3))
            assert proba[row, col] == proba[row].max(), (keywords, theme)
        assert proba[-1].max() < 0.5, proba[-1].round(3)
