"""Tests for evalnlp.discovery and api.discover: topics, their map onto the codebook, the outputs.

One discovery run over 400 real FFT comments plus 40 sentences about astronomy (which no FFT theme covers)
is shared by most tests; it runs with every socket connection refused, so any attempt to reach the network
fails it.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import socket
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import CORPORA

pytestmark = pytest.mark.skipif(importlib.util.find_spec("bertopic") is None,
                                reason="the topics extra (bertopic) is not installed")

from evalnlp import api  # noqa: E402
from evalnlp.codebook import load_codebook, validate_codebook  # noqa: E402
from evalnlp.discovery import (  # noqa: E402
    EMERGENT_BELOW,
    MIN_PASSAGES,
    TOPIC_JSON_KEYS,
    Discovery,
    discover_topics,
    discovery_passages,
    embedding_text,
    exact_knn,
    nearest_themes,
    suggest_codebook,
    write_suggestion,
)
from evalnlp.embeddings import get_encoder  # noqa: E402
from evalnlp.errors import CodebookError, InputError, MissingExtraError  # noqa: E402
from evalnlp.store import Store  # noqa: E402

PLANETS = ["Saturn", "Jupiter", "Mars", "Venus", "the Moon", "Mercury", "Neptune", "Uranus"]
SKY = ["through the telescope", "low in the eastern sky", "before dawn", "after sunset", "near the horizon"]
UNRELATED = {
    "astronomy": ["The telescope showed the rings of Saturn clearly.", "A comet will be visible low in the east.",
                  "The moon was full and very bright last night.", "Jupiter has dozens of known moons.",
                  "The meteor shower peaks in mid August.", "We watched the eclipse through special glasses."],
    "knitting": ["She knitted a scarf in thick blue wool.", "Cast on sixty stitches and knit two rows.",
                 "The jumper pattern uses cable stitches.", "I dropped a stitch and had to unpick the row.",
                 "Bamboo needles are lighter than metal ones.", "The yarn shop sells hand-dyed wool."],
    "volcanoes": ["Lava flowed down the side of the volcano.", "Ash from the eruption closed the airport.",
                  "The crater steamed for weeks after the blast.", "Scientists measure the gases it releases.",
                  "The island was formed by ancient eruptions.", "Tremors warned of the coming eruption."],
}


def astronomy_sentences() -> list[str]:
    return [f"We could see {p} {s} on {d}." for p, s, d in
            zip(PLANETS * 5, SKY * 8, ["Monday", "Friday", "a clear night", "the weekend", "holiday"] * 8)][:40]


def block_sockets(mp: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError("network access attempted during an offline test")

    mp.setattr(socket.socket, "connect", refuse)
    mp.setattr(socket.socket, "connect_ex", refuse)
    mp.setattr(socket, "create_connection", refuse)
    mp.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    fft = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", usecols=["feedback", "organization"])
    fft = fft[fft["feedback"].fillna("").str.strip() != ""].head(400)
    sky = pd.DataFrame({"feedback": astronomy_sentences(), "organization": "Observatory"})
    path = tmp_path_factory.mktemp("corpus") / "comments.csv"
    pd.concat([fft, sky], ignore_index=True).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def run(corpus, tmp_path_factory):
    """(store path, discovery, output folder) of one offline run with every output written."""
    out = tmp_path_factory.mktemp("discover")
    db = out / "project.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        block_sockets(mp)
        with Store(db) as store:
            api.ingest(store, [corpus], text=["feedback"], meta=["organization"])
            found = api.discover(store, codebook="fft", min_topic_size=10, seed=3, output=out / "topics.json",
                                 suggest=out / "draft.yaml")
            for name in ("topics.md", "topics.html"):
                api.discover(store, codebook="fft", min_topic_size=10, seed=3, output=out / name)
    return db, found, out


# ---------------------------------------------------------------------------------------------- mapping


@pytest.mark.parametrize("codebook", ["impact", "fft"])
def test_topic_made_of_a_themes_examples_maps_to_that_theme(codebook):
    cb = load_codebook(codebook)
    enc = get_encoder("static")
    centroids = np.vstack([enc.encode(list(t.examples)).mean(axis=0) for t in cb.themes])
    mapped, sim = nearest_themes(centroids, cb, enc)
    specific = np.array([not t.catch_all for t in cb.themes])
    assert (mapped["theme"][specific] == np.array(cb.theme_ids, dtype=object)[specific]).all()
    assert not mapped["emergent"][specific].any()
    assert sim.shape == (len(cb.themes), len(cb.themes))
    assert (np.diag(sim) == sim.max(axis=1)).all()


def test_a_catch_all_theme_is_never_the_nearest_by_similarity():
    fft = load_codebook("fft")
    enc = get_encoder("static")
    misc = fft.get("miscellaneous")
    assert misc.catch_all
    # a topic made of the catch-all's own examples is nearest the catch-all, yet is mapped elsewhere
    centroid = enc.encode(list(misc.examples)).mean(axis=0)
    mapped, sim = nearest_themes(centroid[None], fft, enc)
    assert fft.theme_ids[int(sim[0].argmax())] == "miscellaneous"
    assert mapped["theme"].iloc[0] != "miscellaneous"
    assert mapped["similarity"].iloc[0] == pytest.approx(np.sort(sim[0])[-2], abs=1e-4)
    # the same codebook without the flag maps it to the catch-all: the flag is what keeps it out
    unflagged = dataclasses.replace(fft, themes=tuple(dataclasses.replace(t, catch_all=False) for t in fft.themes))
    assert nearest_themes(centroid[None], unflagged, enc)[0]["theme"].iloc[0] == "miscellaneous"
    # a codebook of catch-alls only maps nothing, and calls every topic emergent
    only = dataclasses.replace(fft, themes=(misc,))
    frame, sim = nearest_themes(centroid[None], only, enc)
    assert frame["theme"].iloc[0] is None and bool(frame["emergent"].iloc[0]) and sim.shape == (1, 1)


@pytest.mark.parametrize("codebook", ["impact", "fft"])
def test_unrelated_text_is_emergent(codebook):
    cb = load_codebook(codebook)
    enc = get_encoder("static")
    centroids = np.vstack([enc.encode(texts).mean(axis=0) for texts in UNRELATED.values()])
    mapped, _ = nearest_themes(centroids, cb, enc)
    assert mapped["emergent"].all(), mapped
    assert (mapped["similarity"] < EMERGENT_BELOW).all()


def test_answers_of_a_theme_left_out_of_the_codebook_are_emergent():
    """Real FFT answers the staff labelled "Couldn't be improved", as one topic: with that theme in the codebook
    they map onto it; with it left out, no theme describes them and they are emergent (before the catch-all
    flag and the calibrated threshold they were mapped to miscellaneous at 0.52)."""
    fft = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", usecols=["feedback", "label"])
    fft = fft[fft["feedback"].fillna("").str.strip() != ""]
    answers = fft.loc[fft["label"] == "Couldn't be improved", "feedback"].tolist()
    assert len(answers) > 1000
    enc = get_encoder("static")
    centroid = enc.encode([embedding_text(t) for t in answers]).mean(axis=0)[None]
    full = load_codebook("fft")
    mapped, _ = nearest_themes(centroid, full, enc)
    assert mapped["theme"].iloc[0] == "couldnt_be_improved" and not mapped["emergent"].iloc[0]
    cut = dataclasses.replace(full, themes=tuple(t for t in full.themes if t.id != "couldnt_be_improved"))
    mapped, sim = nearest_themes(centroid, cut, enc)
    assert mapped["emergent"].iloc[0] and mapped["theme"].iloc[0] != "miscellaneous"
    assert sim[0].max() >= 0.40  # the catch-all is still near it: it would have taken the topic


def test_emergent_threshold_is_a_parameter():
    cb = load_codebook("impact")
    enc = get_encoder("static")
    centroid = enc.encode(UNRELATED["knitting"]).mean(axis=0)
    assert nearest_themes(centroid[None], cb, enc, emergent_below=-1.0)[0]["emergent"].tolist() == [False]
    assert nearest_themes(centroid[None], cb, enc, emergent_below=1.0)[0]["emergent"].tolist() == [True]


# ---------------------------------------------------------------------------------------------- neighbours


def test_exact_knn_links_duplicates_into_one_component():
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(0)
    distinct = rng.normal(size=(30, 8))
    vectors = np.vstack([np.tile([1.0, 0, 0, 0, 0, 0, 0, 0], (60, 1)), distinct])
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    idx, dist = exact_knn(vectors, 6, seed=1)
    assert (idx[:, 0] == np.arange(len(vectors))).all()  # itself first
    assert (dist[:, 0] == 0).all() and (np.diff(dist, axis=1) >= -1e-6).all()
    dup = idx[:60]
    assert (dup < 60).all() and np.allclose(dist[:60], 0, atol=1e-5)
    graph = csr_matrix((np.ones(dup.size), (np.repeat(np.arange(60), 6), dup.ravel())), shape=(60, 60))
    assert connected_components(graph, directed=False)[0] == 1  # not cut into cliques of 6
    again = exact_knn(vectors, 6, seed=1)
    assert (again[0] == idx).all() and (again[1] == dist).all()


# ---------------------------------------------------------------------------------------------- a full run


@pytest.mark.slow
def test_json_output_follows_the_contract(run):
    db, found, out = run
    data = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    assert list(data) == ["topics"]
    assert data == found.to_json()
    cb = load_codebook("fft")
    assert len(data["topics"]) >= 3
    for topic in data["topics"]:
        assert tuple(topic) == TOPIC_JSON_KEYS
        assert isinstance(topic["topic"], int) and topic["topic"] >= 0
        assert isinstance(topic["size"], int) and topic["size"] >= 10
        assert topic["keywords"] and all(isinstance(k, str) and k for k in topic["keywords"])
        assert topic["theme"] in cb.theme_ids and topic["theme"] != "miscellaneous"  # the catch-all
        assert isinstance(topic["similarity"], float) and -1 <= topic["similarity"] <= 1
        assert topic["emergent"] is (topic["similarity"] < EMERGENT_BELOW)
        assert 1 <= len(topic["examples"]) <= 3 and all(isinstance(e, str) for e in topic["examples"])
    assert sum(t["size"] for t in data["topics"]) + found.n_outliers == found.n_passages == 440
    assert found.emergent_below == EMERGENT_BELOW  # the static model's default


def test_the_off_codebook_cluster_is_an_emergent_topic(run):
    _, found, _ = run
    sky = set(astronomy_sentences())
    in_topic = found.passages[found.passages["text"].isin(sky)]
    assert len(in_topic) == 40
    topic = in_topic["topic"].mode().iloc[0]
    assert topic != -1 and (in_topic["topic"] == topic).mean() >= 0.8
    row = found.topics.set_index("topic").loc[topic]
    assert row["emergent"]
    assert all(e in sky for e in row["examples"])
    assert not found.topics.drop(found.topics.index[found.topics["topic"] == topic])["emergent"].all()


def test_topics_are_stored_inside_a_recorded_run(run):
    db, found, _ = run
    with Store(db, read_only=True) as store:
        runs = store.table("runs")
        discover_runs = runs[runs["command"] == "discover"]
        assert len(discover_runs) == 3 and (discover_runs["status"] == "ok").all()
        first = store.run(found.run_id)
        assert first["n_in"] == first["n_ok"] == 440 and first["n_rejected"] == 0
        assert first["codebook_id"] == "fft" and first["model_sha256"] == found.encoder_sha256
        stored = store.table("topics", run_id=found.run_id)
        latest = store.latest_topics()
    assert len(stored) == len(found.topics) == len(latest)
    by_topic = stored.set_index("topic")
    for t in found.to_json()["topics"]:
        row = by_topic.loc[t["topic"]]
        assert json.loads(row["keywords"]) == t["keywords"] and json.loads(row["examples"]) == t["examples"]
        assert row["size"] == t["size"] and row["theme"] == t["theme"] and bool(row["emergent"]) == t["emergent"]


def test_rerun_with_the_same_seed_gives_the_same_topics_offline(run):
    db, found, _ = run
    cb = load_codebook("fft")
    with pytest.MonkeyPatch.context() as mp, Store(db, read_only=True) as store:
        block_sockets(mp)
        again = discover_topics(discovery_passages(store, cb), cb, min_topic_size=10, seed=3)
    assert again.to_json() == found.to_json()
    assert (again.passages["topic"].to_numpy() == found.passages["topic"].to_numpy()).all()


def test_suggestion_is_a_valid_codebook_with_the_emergent_topics(run):
    _, found, out = run
    text = (out / "draft.yaml").read_text(encoding="utf-8")
    draft = validate_codebook(out / "draft.yaml")
    fft = load_codebook("fft")
    assert draft.id == "fft_draft"
    assert draft.theme_ids[:len(fft.themes)] == fft.theme_ids
    new = draft.themes[len(fft.themes):]
    assert len(new) == int(found.topics["emergent"].sum()) >= 1
    sky = set(astronomy_sentences())
    assert any(set(t.examples) <= sky and t.examples for t in new)
    for theme in new:
        assert theme.id in text and theme.definition.startswith("DRAFT") and theme.keywords


def test_markdown_and_html_outputs(run):
    _, found, out = run
    md = (out / "topics.md").read_text(encoding="utf-8")
    assert md.startswith("# Themes discovered") and "| topic | size |" in md
    assert f"{len(found.topics)} topics" in md
    page = (out / "topics.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "evalnlp-topic-theme" in page and "evalnlp-barchart" in page
    # plotly's JavaScript is inlined once; nothing is fetched (the bundle only names a CDN as a default
    # for map outlines, which these charts never load)
    assert "<script src=" not in page and 'src="http' not in page and "<link" not in page
    assert page.count("plotly.js v") == 1


def test_filters_narrow_the_passages(run):
    db, _, _ = run
    cb = load_codebook("fft")
    with Store(db, read_only=True) as store:
        every = discovery_passages(store, cb)
        sky = discovery_passages(store, cb, by="organization", group="Observatory")
        asked = discovery_passages(store, cb, question="feedback")
        assert len(every) == len(asked) == 440 and len(sky) == 40
        with pytest.raises(InputError) as err:
            discovery_passages(store, cb, by="organization")
        assert err.value.code == "E165"
        with pytest.raises(InputError) as err:
            discovery_passages(store, cb, by="organization", group="Mars")
        assert err.value.code == "E165" and "Observatory" in err.value.message
        with pytest.raises(InputError) as err:
            discovery_passages(store, cb, question="What was good?")
        assert err.value.code == "E166" and "'feedback'" in err.value.message
        with pytest.raises(InputError) as err:
            discovery_passages(store, cb, theme="staff")
        assert err.value.code == "E167" and "classify" in err.value.message
        with pytest.raises(CodebookError) as err:
            discovery_passages(store, cb, theme="stafff")
        assert err.value.code == "E220"


# ---------------------------------------------------------------------------------------------- errors


def test_missing_bertopic_names_the_extra(run, monkeypatch):
    db, _, _ = run
    monkeypatch.setitem(sys.modules, "bertopic", None)
    with Store(db) as store, pytest.raises(MissingExtraError) as err:
        api.discover(store, codebook="fft")
    assert err.value.code == "E501"
    assert 'pip install "evalnlp[topics]"' in err.value.message and "bertopic" in err.value.message


def test_a_small_corpus_is_a_clear_error(tmp_path):
    path = tmp_path / "few.csv"
    pd.DataFrame({"text": [f"Comment number {i} about the ward." for i in range(MIN_PASSAGES - 1)]}).to_csv(
        path, index=False)
    with Store(tmp_path / "few.duckdb") as store:
        api.ingest(store, [path], text=["text"])
        before = store.summary()
        with pytest.raises(InputError) as err:
            api.discover(store, codebook="fft")
        assert err.value.code == "E169" and f"at least {MIN_PASSAGES} passages" in err.value.message
        assert f"found {MIN_PASSAGES - 1}" in err.value.message
        assert "drop" not in err.value.message  # no filter was given, so none is offered to drop
        assert store.summary() == before  # the failed run left nothing behind


def test_too_few_passages_after_a_filter_offers_to_drop_it(run):
    db, _, _ = run
    with Store(db) as store, pytest.raises(InputError) as err:
        api.discover(store, codebook="fft", by="organization", group="Observatory")  # the 40 sky sentences
    assert err.value.code == "E169" and "found 40 after the filters" in err.value.message
    assert "drop theme/by/question" in err.value.message


def test_an_empty_store_is_a_clear_error(tmp_path):
    with Store(tmp_path / "empty.duckdb") as store, pytest.raises(InputError) as err:
        api.discover(store, codebook="fft")
    assert err.value.code == "E169" and "ingest" in err.value.message


@pytest.mark.parametrize("kwargs, code", [
    ({"output": "topics.txt"}, "E161"),
    ({"output": "no/such/folder/topics.json"}, "E162"),
    ({"suggest": "draft.json"}, "E161"),
    ({"min_topic_size": 1}, "E168"),
    ({"seed": -1}, "E168"),
    ({"emergent_below": 2.0}, "E168"),
])
def test_bad_parameters_fail_before_any_work(run, tmp_path, monkeypatch, kwargs, code):
    db, _, _ = run
    monkeypatch.chdir(tmp_path)
    with Store(db) as store:
        before = store.summary()
        with pytest.raises(InputError) as err:
            api.discover(store, codebook="fft", **kwargs)
        assert err.value.code == code
        assert store.summary() == before
        if code == "E168":  # the message names the parameter as the caller wrote it
            assert all(f"{name} must be" in err.value.message for name in kwargs)


def test_the_draft_never_replaces_the_codebook_it_extends(run, tmp_path, monkeypatch):
    # a researcher's own codebook, given both as the codebook and (by a slip) as the draft's file
    db, _, _ = run
    own = tmp_path / "ours.yaml"
    own.write_text("id: ours\ntitle: Our themes\nthemes:\n  - id: waiting\n    label: Waiting\n"
                   "    definition: Comments about waiting to be seen.\n    keywords: [wait*, delay]\n",
                   encoding="utf-8")
    before_text = own.read_bytes()
    monkeypatch.chdir(tmp_path)
    with Store(db) as store:
        before = store.summary()
        for codebook, suggest in ((own, own), ("ours.yaml", "./ours.yaml"), (own, "ours.yaml")):
            with pytest.raises(InputError) as err:
                api.discover(store, codebook=codebook, suggest=suggest)
            assert err.value.code == "E177" and "codebook" in err.value.message
        assert store.summary() == before
    assert own.read_bytes() == before_text


def test_the_draft_replaces_only_its_own_earlier_draft(run, tmp_path):
    """``--suggest FILE`` replaced whatever was at FILE: a claims file, or a codebook the store had coded with,
    overwritten with only "wrote FILE". It now writes over an earlier draft of its own only (E148 otherwise), and
    not over a draft the store has since coded with."""
    import shutil

    db, _, out = run
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - id: c1\n    text: Staff were kind\n    themes: [staff]\n", encoding="utf-8")
    before = claims.read_bytes()
    with Store(copy) as store:
        with pytest.raises(InputError) as err:
            api.discover(store, codebook="fft", suggest=claims)
        assert err.value.code == "E148" and "not a draft evalnlp wrote" in err.value.message
        assert claims.read_bytes() == before
        draft = tmp_path / "draft.yaml"
        shutil.copy(out / "draft.yaml", draft)
        api.discover(store, codebook="fft", min_topic_size=10, seed=3, suggest=draft)  # its own draft: replaced
        api.classify(store, codebook=draft, model="keyword")
        kept = draft.read_bytes()
        with pytest.raises(InputError) as err:
            api.discover(store, codebook="fft", suggest=draft)
        assert err.value.code == "E148" and "a codebook this store has coded with" in err.value.message
    assert draft.read_bytes() == kept


def test_identical_answers_are_never_split_between_a_topic_and_no_topic():
    # a survey where everyone wrote the same answer: all of them are that one topic, none "fits no topic"
    texts = ["Nothing to improve."] * 120
    passages = pd.DataFrame({"seg_id": [f"s{i}" for i in range(len(texts))],
                             "doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    with pytest.MonkeyPatch.context() as mp:
        block_sockets(mp)
        found = discover_topics(passages, load_codebook("fft"), seed=0)
    assert found.n_outliers == 0
    assert found.topics["size"].tolist() == [120]


def test_a_copy_left_out_joins_the_topic_most_of_its_copies_are_in():
    from evalnlp.discovery.backend import _CopiesTogether, copy_groups

    class Clustered:  # what a clusterer left: rows 2, 5, 6 and 8 out of every cluster
        def fit(self, X):
            self.labels_ = np.array([0, 0, -1, 1, 1, -1, -1, 2, -1])

    vectors = np.array([[1, 0], [1, 0], [1, 0], [0, 1], [1, 0], [0, 1], [2, 2], [3, 3], [5, 5]], dtype=np.float32)
    labels = _CopiesTogether(Clustered(), copy_groups(vectors)).fit(vectors).labels_
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, -1, 2, -1]  # answers without a copy in a topic stay out


def test_no_keyword_is_a_phrase_made_across_two_answers():
    # c-TF-IDF joins a topic's passages: the last word of one answer and the first of the next are not a phrase
    texts = ["Nothing to improve."] * 60 + ["Parking was full"] * 30 + ["Parking spaces were full"] * 30
    passages = pd.DataFrame({"seg_id": [f"s{i}" for i in range(len(texts))],
                             "doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    with pytest.MonkeyPatch.context() as mp:
        block_sockets(mp)
        found = discover_topics(passages, load_codebook("fft"), seed=0)
    written = {"nothing", "improve", "nothing improve", "parking", "full", "spaces", "parking spaces", "spaces full",
               "parking full"}
    shown = {k for r in found.topics.itertuples(index=False) for k in [*r.keywords, *r.keybert]}
    assert shown and shown <= written, shown - written


# ---------------------------------------------------------------------------------------------- suggestions


def handmade_discovery(codebook) -> Discovery:
    topics = pd.DataFrame({
        "topic": [0, 1, 2], "size": [30, 20, 12],
        "keywords": [["parking", "car park", "spaces"], ["xxxx", "don't", "naïve", "100", "a_b"], []],
        "keybert": [["parking", "parking spaces"], ["Staff", "staff"], []],
        "label": ["parking", "xxxx", "(no words)"], "theme": ["environment_facilities", "staff", "staff"],
        "theme_label": ["Environment & facilities", "Staff", "Staff"], "similarity": [0.2, 0.9, 0.1],
        "emergent": [True, False, True], "examples": [["No spaces in the car park."], ["xxxx was kind"], ["?"]],
    })
    return Discovery(topics=topics, passages=pd.DataFrame({"seg_id": [], "doc_id": [], "text": [], "topic": []}),
                     similarity=pd.DataFrame(), codebook_id=codebook.id, embedding="static", encoder_sha256="0" * 64,
                     seed=0, min_topic_size=10, emergent_below=EMERGENT_BELOW, guided=True)


def test_suggestion_from_odd_keywords_is_still_valid(tmp_path):
    cb = load_codebook("fft")
    found = handmade_discovery(cb)
    draft, new_ids = suggest_codebook(found, cb)
    assert len(new_ids) == 2 and len(set(new_ids)) == 2 and not set(new_ids) & set(cb.theme_ids)
    path = write_suggestion(found, cb, tmp_path / "draft.yml")
    loaded = validate_codebook(path)
    assert loaded.theme_ids == cb.theme_ids + new_ids
    parking = loaded.get(new_ids[0])
    assert parking.id == "new_parking_spaces_car" and "parking" in parking.keywords
    assert parking.examples == ("No spaces in the car park.",)
    assert loaded.get(new_ids[1]).keywords == ()


def test_suggestion_with_no_emergent_topic_is_the_codebook_itself(tmp_path):
    cb = load_codebook("impact")
    found = handmade_discovery(cb)
    found.topics["emergent"] = False
    found.topics["theme"] = "capability"
    loaded = validate_codebook(write_suggestion(found, cb, tmp_path / "draft.yaml"))
    assert loaded.theme_ids == cb.theme_ids and loaded.id == "impact_draft"
    assert "(none:" in (tmp_path / "draft.yaml").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- keywords, emergent


@pytest.fixture(scope="module")
def without_facilities(tmp_path_factory):
    """A real run over FFT comments that leave contraction fragments in a plain vectoriser ("didn't", "just")
    plus the comments about ward noise, with a codebook that is FFT less its environment theme: the noise
    comments are a topic the codebook no longer describes."""
    from evalnlp.codebook import codebook_to_yaml

    fft = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", usecols=["feedback", "label"])
    fft = fft[fft["feedback"].fillna("").str.strip() != ""]
    noise = fft[(fft["label"] == "Environment/ facilities")
                & fft["feedback"].str.contains(r"\b(?:noise|noisy|loud|quiet|quieter)\b", case=False)]
    spoken = fft[fft["feedback"].str.contains(r"n't|n’t|\bjust\b|\bdont\b|\bdidnt\b", case=False)
                 & ~fft.index.isin(noise.index)].head(250)
    out = tmp_path_factory.mktemp("facilities")
    full = load_codebook("fft")
    cut = dataclasses.replace(full, id="fft_cut", themes=tuple(t for t in full.themes
                                                               if t.id != "environment_facilities"))
    (out / "fft_cut.yaml").write_text(codebook_to_yaml(cut), encoding="utf-8")
    cb = load_codebook(out / "fft_cut.yaml")
    passages = pd.DataFrame({"seg_id": [f"s{i}" for i in range(len(noise) + len(spoken))],
                             "doc_id": [f"d{i}" for i in range(len(noise) + len(spoken))],
                             "text": noise["feedback"].tolist() + spoken["feedback"].tolist()})
    with pytest.MonkeyPatch.context() as mp:
        block_sockets(mp)
        found = discover_topics(passages, cb, min_topic_size=10, seed=0)
    return found, cb, set(noise["feedback"]), out


def test_keywords_and_labels_carry_no_stop_words_or_contraction_fragments(without_facilities):
    from evalnlp.discovery import stop_words

    found, _, _, _ = without_facilities
    stop = set(stop_words())
    assert {"didn", "couldn", "don", "just", "ve", "dont"} <= stop and not {"nothing", "no", "never"} & stop
    assert len(found.topics) >= 2
    for r in found.topics.itertuples(index=False):
        for phrase in [*r.keywords, *r.keybert, *r.label.split(", ")]:
            assert not set(phrase.lower().split()) & stop, (r.topic, phrase)


def test_the_vectoriser_forms_phrases_after_dropping_fragments():
    from evalnlp.discovery.backend import keyword_vectorizer

    texts = ["Couldn't be better.", "I didn't have to wait, just walked in.", "Nothing, couldn't be better",
             "I've been seen quickly and didn't wait"]
    vocabulary = set(keyword_vectorizer(len(texts)).fit(texts).vocabulary_)
    assert {"better", "wait", "nothing", "walked", "seen quickly"} <= vocabulary
    assert not {w for phrase in vocabulary for w in phrase.split()} & {"couldn", "didn", "just", "ve"}


def test_a_topic_the_codebook_no_longer_describes_is_offered_as_emergent(without_facilities):
    found, cb, noise, out = without_facilities
    in_topics = found.passages[found.passages["text"].isin(noise) & (found.passages["topic"] >= 0)]
    topic = in_topics["topic"].mode().iloc[0]
    members = found.passages[found.passages["topic"] == topic]
    assert members["text"].isin(noise).mean() >= 0.8 and len(members) >= 0.5 * len(noise)
    row = found.topics.set_index("topic").loc[topic]
    assert row["emergent"] and row["similarity"] < EMERGENT_BELOW
    assert {"noise", "noisy"} & {w for k in row["keywords"] for w in k.split()}
    # the topics the codebook still describes are not offered
    assert not found.topics.loc[found.topics["topic"] != topic, "emergent"].all()
    draft = validate_codebook(write_suggestion(found, cb, out / "draft.yaml"))
    new = draft.themes[len(cb.themes):]
    assert any(set(t.examples) <= noise and t.examples for t in new)


def test_public_names_import_from_the_package_and_renderers_live_in_reports():
    import evalnlp.discovery as discovery
    import evalnlp.reports.discovery as rendering

    for name in discovery.__all__:
        assert getattr(discovery, name) is not None, name
    for name in rendering.__all__:
        assert getattr(discovery, name) is getattr(rendering, name)
    assert discovery.discovery_passages.__module__ == "evalnlp.discovery.passages"
    with pytest.raises(AttributeError):
        discovery.no_such_name  # noqa: B018


# ------------------------------------------------------------------------------------ personal details


PLANTED_WORDS = {"scofield", "jane", "doe", "example", "ls1", "4ap", "gaynor"}


@pytest.fixture(scope="module")
def planted():
    """400 real FFT comments and 40 invented parking complaints that name a doctor whose surname is no first
    name, a nurse by her first name, an email address and a postcode; discovered with and without redaction."""
    fft = pd.read_csv(CORPORA / "nhs_fft" / "text_data.csv", usecols=["feedback"])
    fft = fft[fft["feedback"].fillna("").str.strip() != ""].head(400)["feedback"].tolist()
    openings = ["Parking was impossible", "The car park was full", "Could not find a parking space",
                "Parking costs far too much", "Waited an hour to park"]
    details = ["so Dr Scofield saw me late", "write to jane.doe@example.com about it", "near LS1 4AP every time",
               "and Dr Scofield was kind about it", "so Nurse Gaynor came to fetch me"]
    texts = fft + [f"{openings[i % 5]} {details[(i // 5) % 5]}." for i in range(40)]
    passages = pd.DataFrame({"seg_id": [f"s{i}" for i in range(len(texts))],
                             "doc_id": [f"d{i}" for i in range(len(texts))], "text": texts})
    cb = load_codebook("fft")
    with pytest.MonkeyPatch.context() as mp:
        block_sockets(mp)
        return {redact: discover_topics(passages, cb, min_topic_size=10, seed=0, redact=redact)
                for redact in (False, True)}


def _words_shown(found: Discovery) -> set[str]:
    """Every word of the keywords, labels and the model's topic words (which BERTopic's charts draw)."""
    shown = set()
    for r in found.topics.itertuples(index=False):
        for phrase in [*r.keywords, *r.keybert, *r.label.split(", ")]:
            shown |= set(phrase.lower().split())
    for pairs in [*found.model.topic_representations_.values(),
                  *found.model.topic_aspects_.get("KeyBERT", {}).values()]:
        shown |= {word for phrase, _ in pairs for word in phrase.split()}
    return shown


def test_names_emails_and_postcodes_do_not_come_back_as_topic_words(planted, tmp_path):
    from evalnlp.reports.discovery import render_html, render_markdown

    # without redaction the planted details are among the topics' words: the check below can fail
    assert {"scofield", "doe", "ls1"} <= _words_shown(planted[False])
    found = planted[True]
    assert not _words_shown(found) & PLANTED_WORDS
    assert {"parking", "park"} & _words_shown(found)  # the topic is still described by its content words
    assert not any(e for ex in found.topics["examples"] for e in ex if "Scofield" in e or "doe@" in e)
    page = render_html(found)
    bundle = page.index("plotly.js v")  # plotly's minified bundle holds anything ("dOe", "cells1"): cut it
    page = page[:page.rindex("<script", 0, bundle)] + page[page.index("</script>", bundle):]
    assert "Plotly.newPlot" in page  # the charts' own data stay in the page checked
    pages = page + render_markdown(found)
    for word in ("scofield", "jane.doe", "doe", "ls1", "4ap"):
        assert not re.search(rf"(?i)\b{re.escape(word)}\b", pages), word
    # a draft theme's id, label and keyword patterns come from the keywords: every topic offered as emergent
    draft, new_ids = suggest_codebook(dataclasses.replace(found, topics=found.topics.assign(emergent=True)),
                                      load_codebook("fft"))
    assert len(new_ids) == len(found.topics)
    for theme in draft.themes:
        if theme.id in new_ids:
            words = set(theme.id.split("_")) | set(theme.label.lower().replace(",", " ").split())
            words |= {w for k in theme.keywords for w in k.lower().split()}
            assert not words & PLANTED_WORDS, theme.id


# ---------------------------------------------------------------------------------------------- topic words


def test_the_vectoriser_drops_only_words_seen_once_in_a_large_corpus():
    from evalnlp.discovery.backend import keyword_vectorizer

    per_topic = ["kiosk froze kiosk froze", "parking full parking", "soup cold bland"]
    vocabulary = set(keyword_vectorizer(600).fit(per_topic).vocabulary_)
    assert {"kiosk", "froze", "kiosk froze", "parking"} <= vocabulary
    assert not {"bland", "full", "soup cold"} & vocabulary
    assert "bland" in set(keyword_vectorizer(100).fit(per_topic).vocabulary_)


def test_the_group_a_discovery_kept_to_is_de_identified_in_its_files():
    """``discover --by manager --group "Sister Ann Hughes"`` writes which passages it looked at into the topics'
    Markdown and HTML: with redaction on the group is de-identified as the attribute's value is beside a quote,
    never the staff member's name; a ward stays, and so does a name the user keeps."""
    from evalnlp.discovery.topics import shown_filters
    from evalnlp.reports.discovery import render_markdown

    cb = load_codebook("fft")
    asked = {"by": "manager", "group": "Sister Ann Hughes", "theme": "staff"}
    assert shown_filters(asked, cb) == {"by": "manager", "group": "[NAME]", "theme": "staff"}
    assert shown_filters({"by": "contact", "group": "ann.hughes@nhs.net"}, cb)["group"] == "[EMAIL]"
    assert shown_filters({"by": "ward", "group": "Florence Nightingale"}, cb)["group"] == "Florence Nightingale"
    assert shown_filters(asked, cb, ["Ann Hughes"])["group"] == "Sister Ann Hughes"
    found = handmade_discovery(cb)
    found.filters = shown_filters(asked, cb)
    text = render_markdown(found)  # the HTML's description is the same lines
    assert "group = '[NAME]'" in text and "Hughes" not in text
