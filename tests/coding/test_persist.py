"""save_model / load_model / resolve_model: round trip, card, and every refusal."""

from __future__ import annotations

import json
import pickle
import shutil

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from evalnlp.codebook import load_codebook
from evalnlp.coding.ensemble import EnsembleCoder
from evalnlp.coding.persist import (
    CARD_FILE,
    MODEL_FILE,
    card_coder_id,
    file_sha256,
    load_model,
    resolve_model,
    save_model,
)
from evalnlp.coding.supervised import SupervisedCoder
from evalnlp.errors import ModelError
from helpers import CORPORA


def _double(x):
    return x * 2


class NotACoder:
    """A class from outside evalnlp, numpy, scipy and scikit-learn."""

    def __init__(self):
        self.value = 1


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    data = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv")
    data = data[data["feedback"].fillna("").str.strip() != ""]
    return data.iloc[:250].reset_index(drop=True)


@pytest.fixture(scope="module")
def coder(rows) -> SupervisedCoder:
    return SupervisedCoder(codebook=load_codebook("fft")).fit(rows["feedback"].iloc[:200], rows["label"].iloc[:200])


@pytest.fixture(scope="module")
def saved(coder, tmp_path_factory):
    out = tmp_path_factory.mktemp("models") / "fft-small"
    save_model(coder, out, card={"training_data": {"sha256": "abc123", "n": 200, "source": "test"},
                                 "created": "2024-01-01T00:00:00+00:00"})
    return out


def _copy(saved, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(saved, target)
    return target


def _write_with_card(obj, folder, name=MODEL_FILE):
    """Write ``obj`` with skops and a card whose checksum matches, so only the content can be refused."""
    folder.mkdir(parents=True, exist_ok=True)
    sio.dump(obj, folder / name)
    card = {"name": "other", "model_sha256": file_sha256(folder / name)}
    (folder / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- round trip


def test_round_trip_gives_identical_predictions(coder, saved, rows):
    import evalnlp.coding.supervised as supervised

    loaded, card = load_model(saved, codebook="fft")
    texts = rows["feedback"].iloc[200:].tolist()
    supervised._MEMORIES.clear()  # the loaded model rebuilds its token memory from what was saved
    assert type(loaded) is SupervisedCoder
    assert np.array_equal(loaded.predict_proba(texts), coder.predict_proba(texts))
    assert np.array_equal(loaded.predict(texts), coder.predict(texts))
    assert loaded.codebook == "fft"  # stored as a reference, not as a Codebook object
    assert loaded.get_params() == {**coder.get_params(), "codebook": "fft"}


def test_card_contents(coder, saved):
    card = json.loads((saved / CARD_FILE).read_text())
    cb = load_codebook("fft")
    assert card["codebook"] == {"id": "fft", "sha256": cb.sha256, "ref": "fft"}
    assert card["codebook_id"] == "fft" and card["codebook_sha256"] == cb.sha256
    assert card["training_data"] == {"sha256": "abc123", "n": 200, "source": "test"}
    assert card["model_sha256"] == file_sha256(saved / MODEL_FILE)
    assert card["backend"] == "supervised" and card["name"] == "fft-small"
    assert set(card["thresholds"]) == set(cb.theme_ids)
    assert card["cv_metrics"]["n"] == 200 and "macro_f1" in card["cv_metrics"]
    assert card["params"]["C"] == coder.C and card["params"]["codebook"] == "fft"
    assert {"python", "scikit-learn", "numpy", "skops"} <= set(card["versions"])
    assert card["created"] == "2024-01-01T00:00:00+00:00"
    assert card["embedding"]["name"] == "static"


def test_coder_id_names_the_model_and_its_file(saved, coder):
    loaded, card = load_model(saved)
    sha = file_sha256(saved / MODEL_FILE)
    assert loaded.coder_id() == f"model:fft-small@{sha[:12]}" == card_coder_id(card)
    assert coder.coder_id() == loaded.coder_id()  # save_model records the identity on the saved coder too


def test_saving_twice_gives_the_same_file(coder, saved, tmp_path):
    again = save_model(coder, tmp_path / "fft-small", card={"created": "2024-01-01T00:00:00+00:00"})
    assert file_sha256(again / MODEL_FILE) == file_sha256(saved / MODEL_FILE)


def test_model_file_path_is_accepted(saved):
    loaded, _ = load_model(saved / MODEL_FILE)
    assert isinstance(loaded, SupervisedCoder)


def test_a_model_loaded_again_is_a_fresh_copy_of_the_file_it_is_now(coder, saved, rows, tmp_path):
    """A process keeps the models it read, by their file's checksum: loading one again gives an object of its
    own (changing one changes no other), and a folder whose model was replaced or tampered with since is read
    as it is now."""
    texts = rows["feedback"].iloc[200:].tolist()
    folder = _copy(saved, tmp_path)
    first, _ = load_model(folder)
    first.thresholds_ = first.thresholds_ + 1.0
    first.model_name_ = "changed"
    again, _ = load_model(folder)
    assert again is not first and again.model_name_ == "fft-small"
    assert np.array_equal(again.thresholds_, coder.thresholds_)
    assert np.array_equal(again.predict(texts), coder.predict(texts))
    other = SupervisedCoder(codebook=load_codebook("fft"), C=0.05).fit(rows["feedback"].iloc[:200],
                                                                      rows["label"].iloc[:200])
    shutil.rmtree(folder)
    save_model(other, folder)
    replaced, card = load_model(folder)
    assert replaced.model_sha256_ == card["model_sha256"] != again.model_sha256_
    assert replaced.C == 0.05 and np.array_equal(replaced.predict_proba(texts), other.predict_proba(texts))
    with (folder / MODEL_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError) as err:
        load_model(folder)
    assert err.value.code == "E324"


def test_ensemble_round_trip(rows, tmp_path):
    texts, labels = rows["feedback"].iloc[:40], rows["label"].iloc[:40]
    ensemble = EnsembleCoder(codebook="fft", zeroshot_keywords=False).fit(texts, labels)
    out = save_model(ensemble, tmp_path / "ens")
    loaded, card = load_model(out, codebook="fft")
    probe = rows["feedback"].iloc[200:].tolist()
    assert card["backend"] == "ensemble"
    assert np.array_equal(loaded.predict_proba(probe), ensemble.predict_proba(probe))


# --------------------------------------------------------------------------- refusals


def test_refuses_a_pipeline_holding_a_function(tmp_path):
    folder = _write_with_card(Pipeline([("f", FunctionTransformer(func=_double)), ("m", LogisticRegression())]),
                              tmp_path / "pipe")
    with pytest.raises(ModelError, match="does not trust") as err:
        load_model(folder)
    assert err.value.code == "E326"
    assert "_double" in err.value.message


def test_refuses_an_unknown_class(tmp_path):
    folder = _write_with_card({"payload": NotACoder()}, tmp_path / "unknown")
    with pytest.raises(ModelError) as err:
        load_model(folder)
    assert err.value.code == "E326" and "NotACoder" in err.value.message


def test_refuses_a_trusted_object_that_is_not_a_coder(tmp_path):
    folder = _write_with_card(LogisticRegression(), tmp_path / "plain")
    with pytest.raises(ModelError) as err:
        load_model(folder)
    assert err.value.code == "E327"


def test_refuses_a_tampered_model_file(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    with (folder / MODEL_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelError, match="does not match its card") as err:
        load_model(folder)
    assert err.value.code == "E324"


def test_refuses_a_card_with_another_checksum(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    card = json.loads((folder / CARD_FILE).read_text())
    card["model_sha256"] = "0" * 64
    (folder / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError) as err:
        load_model(folder)
    assert err.value.code == "E324"


def test_refuses_a_missing_card(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    (folder / CARD_FILE).unlink()
    with pytest.raises(ModelError, match="card") as err:
        load_model(folder)
    assert err.value.code == "E322"


def test_refuses_an_unreadable_card(saved, tmp_path):
    folder = _copy(saved, tmp_path)
    (folder / CARD_FILE).write_text("{not json")
    with pytest.raises(ModelError) as err:
        load_model(folder)
    assert err.value.code == "E323"


def test_refuses_pickle_and_joblib_files(coder, tmp_path):
    pickled = tmp_path / "p" / "model.pkl"
    pickled.parent.mkdir()
    pickled.write_bytes(pickle.dumps({"weights": [1, 2]}))
    with pytest.raises(ModelError, match="pickle") as err:
        load_model(pickled)
    assert err.value.code == "E321"
    with pytest.raises(ModelError) as err:  # a directory holding only the pickle
        load_model(pickled.parent)
    assert err.value.code == "E321"
    disguised = tmp_path / "j"
    disguised.mkdir()
    joblib.dump({"weights": [1, 2]}, disguised / MODEL_FILE)  # a joblib dump under the skops name
    (disguised / CARD_FILE).write_text(json.dumps({"model_sha256": file_sha256(disguised / MODEL_FILE)}))
    with pytest.raises(ModelError) as err:
        load_model(disguised)
    assert err.value.code == "E321"


def test_refuses_another_codebook(saved):
    with pytest.raises(ModelError, match="trained on codebook 'fft'") as err:
        load_model(saved, codebook="impact")
    assert err.value.code == "E325"


def test_missing_model(tmp_path):
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "nowhere")
    assert err.value.code == "E330"
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "empty")
    assert err.value.code == "E320"


def test_save_refuses_unfitted_and_foreign_objects(tmp_path):
    with pytest.raises(ModelError) as err:
        save_model(SupervisedCoder(), tmp_path / "m")
    assert err.value.code == "E329"
    with pytest.raises(ModelError) as err:
        save_model(LogisticRegression(), tmp_path / "m")
    assert err.value.code == "E329"


# --------------------------------------------------------------------------- shipped models


def test_resolve_model(saved, tmp_path):
    assert resolve_model(saved) == saved
    shipped = resolve_model("fft-themes")
    assert shipped.name == "fft-themes" and shipped.parent.name == "models"
    with pytest.raises(ModelError) as err:
        resolve_model("no-such-model")
    assert err.value.code == "E330"


def test_shipped_fft_model_loads_and_codes():
    path = resolve_model("fft-themes")
    if not (path / MODEL_FILE).is_file():
        pytest.skip("the shipped fft-themes model has not been built (scripts/train_shipped_models.py)")
    coder, card = load_model("fft-themes", codebook="fft")
    assert card["codebook"]["id"] == "fft" and card["backend"] == "supervised"
    predicted = coder.predict(["The nurses were so kind", "Nothing, it was all perfect",
                               "Waited three weeks for an appointment"])
    themes = [coder.classes_[i] for i in predicted.argmax(axis=1)]
    assert themes == ["staff", "couldnt_be_improved", "access"]
    assert coder.coder_id().startswith("model:fft-themes@")


def test_a_model_of_ones_own_codebook_codes_from_any_folder(tmp_path, monkeypatch):
    """Trained with the codebook named by a relative path, an ensemble's zero-shot prior read it again by that
    name when coding, so the model failed (E201) from any other folder, even with --codebook's full path."""
    import pandas as pd

    from evalnlp import api
    from evalnlp.coding import load_coder

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "lead.yaml").write_text(
        "id: leadership\nmulti_label: true\nrequire_theme: false\nthemes:\n"
        "  - id: confidence\n    label: Confidence\n    definition: Feeling more confident as a leader.\n"
        "    keywords: [confident]\n"
        "  - id: skills\n    label: Skills\n    definition: New practical leadership skills.\n"
        "    keywords: [skill, learn]\n", encoding="utf-8")
    rows = [(f"I feel confident leading, case {i}", "confidence") for i in range(20)] + \
           [(f"I learnt to chair meetings, case {i}", "skills") for i in range(20)]
    pd.DataFrame(rows, columns=["answer", "codes"]).to_csv(project / "s.csv", index=False)
    monkeypatch.chdir(project)
    api.train("s.csv", text="answer", labels_column="codes", codebook="lead.yaml", out="model", backend="ensemble")
    monkeypatch.chdir(elsewhere)
    for codebook in (None, str(project / "lead.yaml")):
        coder, cb, _card = load_coder(codebook, str(project / "model"))
        assert cb.id == "leadership"
        got = coder.predict(["I feel far more confident now", "I learnt a new skill"])
        assert got.tolist() == [[1, 0], [0, 1]]
