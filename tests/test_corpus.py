"""The read model counts in the store: its evidence tables, quotes and report equal those of the in-memory
computation they replaced (kept as ``tests/golden/reference_evidence.py``) on real stores: the fixed corpus of the
evidence tests, the shipped demo corpus (classified, with human codes imported) and real NHS FFT comments
(classified with the fft codebook, some coded by hand), grouped, with claims, redacted and not."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import CORPORA, shared_data

from evalnlp import api
from evalnlp.codebook import load_codebook
from evalnlp.corpus import MISSING_GROUP, group_label, load_corpus
from evalnlp.evidence import build_evidence
from evalnlp.quotes import candidate_weights, quotes_to_json, rank_quotes, readability
from evalnlp.api import write_report
from evalnlp.store import COPIES, Store

GOLDEN = Path(__file__).resolve().parent / "golden"
DEMO = CORPORA / "demo_leadership"
QUESTIONS = ["What has changed in how you work since the programme?", "What did you value most?",
             "What could be improved?"]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, GOLDEN / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ref = _module("reference_evidence")


@pytest.fixture(scope="module")
def encoder():
    from evalnlp.embeddings import get_encoder

    return get_encoder("static")


@pytest.fixture(scope="module")
def golden_store(tmp_path_factory):
    cb = load_codebook("impact")
    store = Store(tmp_path_factory.mktemp("golden") / "golden.duckdb")
    _module("corpus").build_store(store, cb.theme_ids)
    yield store, cb, _module("corpus").CLAIMS_YAML
    store.close()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The demo survey and report, 60 answers coded by hand, then every passage classified with ``impact``."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    with Store(path) as store:
        api.ingest(store, [DEMO / "survey.xlsx"], text=QUESTIONS, id="respondent_id")
        api.ingest(store, [DEMO / "evaluation_report.docx"])
        api.import_codes(store, DEMO / "survey_codes.csv", text="text", id="respondent_id",
                         labels_column="themes", coder="human:demo", codebook="impact")
        api.classify(store, codebook="impact")
    store = Store(path, read_only=True)
    yield store, load_codebook("impact"), (DEMO / "claims.yaml").read_text(encoding="utf-8")
    store.close()


FFT_CLAIMS = """\
claims:
  - id: people
    text: Staff made the difference.
    themes: [staff, communication]
    filters: {site: [North site]}
  - id: place
    text: Wards were clean and calm.
    themes: [environment_facilities]
"""


@pytest.fixture(scope="module")
def fft_store(tmp_path_factory):
    """1,500 real FFT comments with trust and question, an invented ward (40) and site (3), classified with the
    fft codebook; 120 of them coded by hand with their NHS staff label."""
    base = shared_data()
    if base is None or not (base / "nhs_fft_phase1" / "text_data.csv").exists():
        pytest.skip("needs ../shared/data/nhs_fft_phase1 (the NHS FFT phase-1 comments)")
    cb = load_codebook("fft")
    src = pd.read_csv(base / "nhs_fft_phase1" / "text_data.csv", dtype=str)
    src = src[src["feedback"].fillna("").str.strip() != ""].sample(1500, random_state=3).reset_index(drop=True)
    rng = np.random.default_rng(3)
    ward = rng.integers(0, 40, size=len(src))
    frame = pd.DataFrame({"id": [f"C{i:05d}" for i in range(len(src))], "trust": src["organization"],
                          "ward": [f"Ward {w:02d}" for w in ward],
                          "site": np.array(["North site", "City site", "Riverside site"])[ward % 3],
                          "beds": np.where(ward % 5 == 0, np.nan, (ward % 7) * 2.5),
                          "floor": (ward % 4).astype("int64"),
                          "feedback": src["feedback"]})
    folder = tmp_path_factory.mktemp("fft")
    (folder / "a").mkdir()
    (folder / "b").mkdir()
    frame.to_parquet(folder / "a" / "fft.parquet", index=False)  # typed: numbers stay numbers in attrs
    human = frame.iloc[:120].assign(themes=[cb.label_to_id(v) for v in src["label"].iloc[:120]])
    human.to_parquet(folder / "b" / "fft.parquet", index=False)
    path = folder / "fft.duckdb"
    meta = ["trust", "ward", "site", "beds", "floor"]
    with Store(path) as store:
        api.classify(store, [folder / "a" / "fft.parquet"], text=["feedback"], id="id", meta=meta, codebook="fft")
        api.import_codes(store, folder / "b" / "fft.parquet", text="feedback", id="id", meta=meta,
                         labels_column="themes", coder="human:nhs", codebook="fft")
    store = Store(path, read_only=True)
    yield store, cb, FFT_CLAIMS
    store.close()


def _claims(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _same_evidence(store, cb, by, claims, redact, encoder):
    new = build_evidence(store, cb, by=by, claims=claims, redact=redact, encoder=encoder).to_json()
    old = ref.build_evidence(store, cb, by=by, claims=claims, redact=redact, encoder=encoder).to_json()
    # the notes the reference does not make: documents with passages left out as not coded, and a claim whose
    # filters match no coded passage, and groups of a column named like a built-in attribute (each checked in
    # tests of its own)
    def newer(n: str) -> bool:
        return ("are not coded with" in n or "no coded passage of its themes" in n
                or "grouped by the documents' own column" in n)

    assert [n for n in new["notes"] if n not in old["notes"]] == [n for n in new["notes"] if newer(n)]
    assert {**new, "notes": [n for n in new["notes"] if not newer(n)]} == old
    return new


def _same_quotes(store, cb, theme, n, by, redact, encoder):
    new = rank_quotes(store, cb, theme, n=n, by=by, redact=redact, encoder=encoder)
    old = ref.rank_quotes(store, cb, theme, n=n, by=by, redact=redact, encoder=encoder)
    assert quotes_to_json(new) == quotes_to_json(old)
    assert list(new.columns) == list(old.columns)
    return new


@pytest.mark.parametrize("redact", [True, False])
def test_golden_corpus_evidence_and_quotes_as_before(golden_store, encoder, tmp_path, redact):
    store, cb, claims = golden_store
    out = _same_evidence(store, cb, ["programme", "cohort", "question", "source", "kind"], _claims(tmp_path, claims),
                         redact, encoder)
    assert out["segments_human_coded"] == 1 and out["claims"]
    for theme in ("engagement", "practice_change", "relationships"):
        _same_quotes(store, cb, theme, 3, None, redact, encoder)
        _same_quotes(store, cb, theme, 2, "programme", redact, encoder)


@pytest.mark.slow
def test_demo_corpus_evidence_quotes_and_report_as_before(demo_store, encoder, tmp_path):
    store, cb, claims = demo_store
    path = _claims(tmp_path, claims)
    out = _same_evidence(store, cb, ["programme", "cohort", "role", "organisation"], path, True, encoder)
    assert out["segments_human_coded"] > 0 and out["segments_no_theme"] > 0
    assert {c["strength"] for c in out["claims"]} - {"none"}
    assert any(c["testimonials"] for c in out["claims"]) and any(c["reach"] for c in out["claims"])
    _same_evidence(store, cb, ["question"], None, False, encoder)
    for theme in ("relationships", "capability", "practice_change"):
        _same_quotes(store, cb, theme, 5, None, True, encoder)
        _same_quotes(store, cb, theme, 2, "programme", False, encoder)
    for by in (None, "cohort"):
        html = write_report(store, cb, tmp_path / "r.html", claims=path, by=by, encoder=encoder).read_text()
        assert html == ref.report_html(store, cb, claims=path, by=by, encoder=encoder)


@pytest.mark.slow
def test_fft_rows_evidence_quotes_and_report_as_before(fft_store, encoder, tmp_path):
    store, cb, claims = fft_store
    path = _claims(tmp_path, claims)
    out = _same_evidence(store, cb, ["ward", "site", "trust", "beds", "floor", "question"], path, True, encoder)
    assert out["segments_human_coded"] == 120 and len(out["matrices"]["ward"]) == 40 * len(cb.theme_ids)
    assert {r["group"] for r in out["matrices"]["beds"]} == {MISSING_GROUP, "0", "2.5", "5", "7.5", "10", "12.5", "15"}
    assert {r["group"] for r in out["matrices"]["floor"]} == {"0", "1", "2", "3"}
    _same_evidence(store, cb, ["site"], None, False, encoder)
    for theme in ("staff", "communication", "dignity"):
        _same_quotes(store, cb, theme, 5, None, True, encoder)
        _same_quotes(store, cb, theme, 3, "site", False, encoder)
    _same_quotes(store, cb, "staff", 2, "ward", True, encoder)
    html = write_report(store, cb, tmp_path / "r.html", by="site", encoder=encoder).read_text()
    assert html == ref.report_html(store, cb, by="site", encoder=encoder)
    html = write_report(store, cb, tmp_path / "r.html", encoder=encoder, redact=False).read_text()
    assert html == ref.report_html(store, cb, encoder=encoder, redact=False)


def test_attributes_and_groups_as_before(demo_store, fft_store):
    for store, cb, _ in (demo_store, fft_store):
        old = ref.load_corpus(store, cb)
        with load_corpus(store, cb) as corpus:
            assert corpus.known_attributes() == ref.known_attributes(old)
            for attr in corpus.known_attributes():
                new = corpus.group_values(attr).sort_index()
                before = ref.group_values(old, attr).sort_index()
                assert new.to_dict() == before.to_dict(), attr


def test_store_readability_is_the_quote_rule(demo_store, fft_store):
    """The readability the store ranks candidates by is the one quotes are scored with, passage by passage."""
    for store, cb, _ in (demo_store, fft_store):
        with load_corpus(store, cb) as corpus:
            stored = store.con.execute(f"SELECT seg_id, theme, coder, readability FROM {corpus.handle}_pairs").df()
            pairs = corpus.pairs
        text = pairs["text"].fillna("").astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
        want = pairs.assign(want=readability(text, pairs["seg_kind"].eq("testimonial")).to_numpy())
        both = want.merge(stored, on=["seg_id", "theme", "coder"], how="outer", validate="one_to_one")
        assert len(both) == len(stored) == len(pairs) > 0
        np.testing.assert_allclose(both["readability"], both["want"], atol=1e-9)


def test_candidates_are_the_best_k_before_embedding(fft_store):
    """With a small bound the store returns, per theme and group, the k passages that score highest on
    confidence, readability and attribution (ties by segment id)."""
    store, cb, _ = fft_store
    wc, wr, wa = candidate_weights()
    with load_corpus(store, cb) as corpus:
        got = corpus.candidates(["staff", "communication"], 7, (wc, wr, wa), attr="site")
        pairs = corpus.pairs[corpus.pairs["theme"].isin(["staff", "communication"])].copy()
        pairs["group"] = pairs["doc_id"].map(corpus.group_values("site"))
    text = pairs["text"].str.replace(r"\s+", " ", regex=True).str.strip()
    pairs["pre"] = (wc * pairs["confidence"] + wr * readability(text, pairs["seg_kind"].eq("testimonial"))
                    + wa * (pairs["seg_kind"].eq("testimonial") & pairs["speaker"].notna()))
    ranked = pairs.sort_values(["pre", "seg_id", "coder"], ascending=[False, True, True])
    ranked = ranked[ranked.groupby(["theme", "group", "text"]).cumcount() < COPIES]  # a text at most COPIES times
    want = ranked.groupby(["theme", "group"]).head(7)
    assert len(got) == len(want) == 2 * 3 * 7
    assert set(zip(got["seg_id"], got["theme"], got["group"])) == set(zip(want["seg_id"], want["theme"], want["group"]))
    assert isinstance(got["attrs"].iloc[0], dict) and json.dumps(got["attrs"].iloc[0])


def test_past_the_bounds_quotes_come_from_the_candidates(fft_store, encoder, monkeypatch):
    """A theme with more passages than the bounds is ranked over its candidates, against a sampled centre: the
    quotes are the best of the candidates, and the figures in the tables do not change."""
    import evalnlp.evidence as evidence
    import evalnlp.quotes as quotes

    store, cb, _ = fft_store
    full = build_evidence(store, cb, by=["site"], redact=False, encoder=encoder).to_json()
    monkeypatch.setattr(quotes, "QUOTE_CANDIDATES", 5)
    monkeypatch.setattr(quotes, "CENTRE_SAMPLE", 40)
    monkeypatch.setattr(evidence, "CELL_CANDIDATES", 3)
    small = build_evidence(store, cb, by=["site"], redact=False, encoder=encoder).to_json()
    strip = ("quote", "quote_speaker", "quote_source_ref", "quote_source", "quote_locator", "quote_doc_id")
    for key in ("themes",):
        assert [{k: v for k, v in r.items() if k not in strip} for r in small[key]] == \
            [{k: v for k, v in r.items() if k not in strip} for r in full[key]]
    with load_corpus(store, cb) as corpus:
        top = corpus.candidates(["staff"], max(quotes.QUOTE_CANDIDATES, 20 * 3), candidate_weights())
        total, sample = corpus.theme_passages("staff", 40)
        assert total > 40 and len(sample) == 40
        again = corpus.theme_passages("staff", 40)[1]
        assert list(sample["seg_id"]) == list(again["seg_id"])  # a fixed sample
    picked = rank_quotes(store, cb, "staff", n=3, redact=False, encoder=encoder)
    assert len(picked) == 3 and set(picked["seg_id"]) <= set(top["seg_id"])


def _temp_tables(store) -> list[str]:
    return [r[0] for r in store.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND (starts_with(table_name, '_coded_') "
        "OR starts_with(table_name, '_docs_'))").fetchall()]


def test_asked_first_then_closed_the_answers_are_the_same(fft_store, encoder):
    """The read commands ask the store everything first and close the corpus before the models load: the tables
    and quotes made from the kept answers equal those of a corpus asked as it goes, and nothing is asked again."""
    from evalnlp.evidence import ask_store as ask_for_evidence
    from evalnlp.quotes import ask_store as ask_for_quotes

    store, cb, _ = fft_store
    corpus = load_corpus(store, cb)
    ask_for_evidence(corpus, cb, ["site", "ward"])
    for theme in ("staff", "environment_facilities"):
        ask_for_quotes(corpus, theme, n=3, by="site")
    assert _temp_tables(store)
    corpus.close()
    assert corpus._handle is None and not _temp_tables(store)
    asked = build_evidence(store, cb, by=["site", "ward"], encoder=encoder, corpus=corpus).to_json()
    quotes = [quotes_to_json(rank_quotes(store, cb, t, n=3, by="site", encoder=encoder, corpus=corpus))
              for t in ("staff", "environment_facilities")]
    assert corpus._handle is None and not _temp_tables(store)  # every answer came from the corpus
    fresh = load_corpus(store, cb)
    assert asked == build_evidence(store, cb, by=["site", "ward"], encoder=encoder, corpus=fresh).to_json()
    assert quotes == [quotes_to_json(rank_quotes(store, cb, t, n=3, by="site", encoder=encoder, corpus=fresh))
                      for t in ("staff", "environment_facilities")]
    fresh.close()
    # a question not asked before remakes the tables
    assert len(corpus.candidates(["staff"], 5, candidate_weights(), attr="trust")) > 0
    assert corpus._handle is not None and _temp_tables(store)
    corpus.close()


def test_commands_leave_no_temporary_tables(fft_store, encoder, tmp_path):
    store, cb, _ = fft_store
    build_evidence(store, cb, by=["site"], encoder=encoder)
    rank_quotes(store, cb, "staff", n=2, encoder=encoder)
    write_report(store, cb, tmp_path / "r.html", by="site", encoder=encoder)
    assert not _temp_tables(store)


def test_kept_answers_are_not_changed_by_their_callers(fft_store):
    store, cb, _ = fft_store
    with load_corpus(store, cb) as corpus:
        counts = corpus.theme_counts(["positive"], "site")
        sizes = corpus.group_sizes("site")
        cands = corpus.candidates(["staff"], 10, candidate_weights())
        total, rows = corpus.theme_passages("staff", 50)
        expect = (counts.copy(), sizes.copy(), cands.copy(), rows.copy())
        counts["segments"] = -1
        sizes[:] = -1
        cands["text"] = ""
        rows["text"] = ""
        pd.testing.assert_frame_equal(corpus.theme_counts(["positive"], "site"), expect[0])
        pd.testing.assert_series_equal(corpus.group_sizes("site"), expect[1])
        pd.testing.assert_frame_equal(corpus.candidates(["staff"], 10, candidate_weights()), expect[2])
        assert corpus.theme_passages("staff", 50)[0] == total
        pd.testing.assert_frame_equal(corpus.theme_passages("staff", 50)[1], expect[3])


@pytest.fixture(scope="module")
def fft_one_coder(tmp_path_factory):
    """400 real FFT comments with ward and site, classified once with the fft codebook and not coded by hand:
    one coder and one run, the store's quickest way to the effective codes."""
    base = shared_data()
    if base is None or not (base / "nhs_fft_phase1" / "text_data.csv").exists():
        pytest.skip("needs ../shared/data/nhs_fft_phase1 (the NHS FFT phase-1 comments)")
    src = pd.read_csv(base / "nhs_fft_phase1" / "text_data.csv", dtype=str)
    src = src[src["feedback"].fillna("").str.strip() != ""].sample(400, random_state=11).reset_index(drop=True)
    ward = np.random.default_rng(11).integers(0, 12, size=len(src))
    frame = pd.DataFrame({"id": [f"K{i:04d}" for i in range(len(src))], "ward": [f"Ward {w:02d}" for w in ward],
                          "site": np.array(["North site", "City site", "Riverside site"])[ward % 3],
                          "feedback": src["feedback"]})
    folder = tmp_path_factory.mktemp("fft1")
    frame.to_csv(folder / "fft.csv", index=False)
    path = folder / "fft1.duckdb"
    with Store(path) as store:
        api.classify(store, [folder / "fft.csv"], text=["feedback"], id="id", codebook="fft")
    store = Store(path, read_only=True)
    yield store, load_codebook("fft")
    store.close()


def test_one_coder_store_evidence_quotes_and_report_as_before(fft_one_coder, encoder, tmp_path):
    store, cb = fft_one_coder
    assert store.con.execute("SELECT count(DISTINCT coder), count(DISTINCT run_id) FROM codes").fetchone() == (1, 1)
    out = _same_evidence(store, cb, ["ward", "site"], None, True, encoder)
    assert out["segments_coded"] == 400 and out["segments_human_coded"] == 0
    for theme in ("staff", "communication"):
        _same_quotes(store, cb, theme, 3, None, True, encoder)
        _same_quotes(store, cb, theme, 2, "site", False, encoder)
    html = write_report(store, cb, tmp_path / "r.html", by="site", encoder=encoder).read_text()
    assert html == ref.report_html(store, cb, by="site", encoder=encoder)


@pytest.mark.parametrize("which", ["one coder", "human codes too"])
def test_candidates_of_several_themes_at_once_are_each_themes_own(which, fft_one_coder, fft_store):
    """The report asks the quote candidates of every theme in one query: each theme's rows are those of asking
    about it alone, in the same order and types."""
    store, cb = fft_one_coder if which == "one coder" else fft_store[:2]
    weights = candidate_weights()
    themes = list(cb.theme_ids)
    for attr in (None, "site"):
        with load_corpus(store, cb) as together, load_corpus(store, cb) as alone:
            together.candidates_each(themes, 6, weights, attr=attr)
            together.close()  # the answers are kept: asking a theme again must not remake the store's tables
            for theme in themes:
                want = alone.candidates([theme], 6, weights, attr=attr)
                got = together.candidates([theme], 6, weights, attr=attr)
                pd.testing.assert_frame_equal(got, want)
            assert together._handle is None
            assert sum(len(together.candidates([t], 6, weights, attr=attr)) for t in themes) > 0


@pytest.mark.parametrize("which", ["one coder", "human codes too"])
def test_centre_passages_of_several_themes_at_once_are_each_themes_own(which, fft_one_coder, fft_store):
    """Evidence and the report ask every theme's centre passages in one query: each theme's count and rows are
    those of asking about it alone (the whole theme under the limit, the same fixed sample past it), in the same
    order and types."""
    store, cb = fft_one_coder if which == "one coder" else fft_store[:2]
    themes = list(cb.theme_ids)
    for limit in (7, 40, 100_000):
        with load_corpus(store, cb) as together, load_corpus(store, cb) as alone:
            together.theme_passages_each(themes, limit)
            together.close()  # the answers are kept: asking a theme again must not remake the store's tables
            sampled = 0
            for theme in themes:
                total, want = alone.theme_passages(theme, limit)
                got = together.theme_passages(theme, limit)
                assert got[0] == total
                pd.testing.assert_frame_equal(got[1], want)
                sampled += total > limit
            assert together._handle is None
            assert sampled if limit == 7 else True  # the sample past the limit is checked too
            if limit == 100_000:
                assert not sampled


def test_documents_with_passages_gathered_once_answer_as_before(fft_store):
    """Attribute keys, other values, group tables and per-source counts read from the table of documents with
    passages equal those of joining every segment to its document."""
    store, cb, _ = fft_store
    with load_corpus(store, cb) as corpus:
        docs = corpus.docs
        assert store.attribute_keys(docs) == store.attribute_keys() == ["id", "trust", "ward", "site", "beds", "floor"]
        for key in ("beds", "floor", "ward"):
            assert store.attribute_other_values(key, docs) == store.attribute_other_values(key)
            # a group table asks for the labels of the same values, read from its own values
            seen: list[list[str]] = []
            store.coded_group_table(corpus.handle, MISSING_GROUP, key=key, docs=docs,
                                    labels=lambda values: seen.append(values) or {})
            assert seen == [store.attribute_other_values(key)]
        pd.testing.assert_frame_equal(store.coded_sources(corpus.handle, docs), store.coded_sources(corpus.handle))
        for attr in ("beds", "site"):
            fast = corpus.group_values(attr).sort_index()
            before = ref.group_values(ref.load_corpus(store, cb), attr).sort_index()
            assert fast.to_dict() == before.to_dict()
    assert not _temp_tables(store)


def test_theme_counts_count_rows_only_where_rows_are_segments_and_documents(fft_one_coder, demo_store):
    """A store whose coded documents have one coded segment each, coded once per theme, counts a theme's rows
    for its segments and documents; one whose documents have several passages (the demo's report) counts
    distinct ones. Either way the counts are those of counting distinct segments and documents."""
    labels = ["positive", "negative", "neutral", "mixed"]
    for (store, cb, *_), plain in ((fft_one_coder, True), (demo_store, False)):
        with load_corpus(store, cb) as corpus:
            handle = corpus.handle
            assert store._coded_plain[handle] is plain
            for attr in (None, corpus.known_attributes()[0]):
                group = corpus.group_table(attr) if attr else None
                got = store.coded_theme_counts(handle, labels, group)
                store._coded_plain[handle] = False
                want = store.coded_theme_counts(handle, labels, group)
                store._coded_plain[handle] = plain
                assert len(got) > 0
                pd.testing.assert_frame_equal(got, want)


def test_values_the_store_does_not_label_are_labelled_from_the_group_tables_own_values(tmp_path):
    """Numbers with a fraction, lists and mappings among the stored attributes (a store written by an earlier
    version kept them typed) are labelled in Python: the group table asks for the labels of exactly the values
    attribute_other_values reads, and each document gets its label."""
    rows = [("The staff were kind.", {"tags": [2, 1], "beds": 2.5}),
            ("Parking was hard to find.", {"tags": {"b": 1, "a": 2}, "beds": 3}),
            ("The food was cold.", {"tags": "plain", "beds": 7.25}),
            ("Nurses explained everything.", {"beds": None})]
    path = tmp_path / "answers.csv"
    pd.DataFrame({"text": [t for t, _ in rows]}).to_csv(path, index=False)
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        api.classify(store, [path], text=["text"], codebook="fft")
        for text, attrs in rows:  # typed values, as an earlier version stored them
            store.con.execute("UPDATE documents SET attrs = ? WHERE text = ?", [json.dumps(attrs), text])
    with Store(db, read_only=True) as store, load_corpus(store, load_codebook("fft")) as corpus:
        assert store.attribute_other_values("tags") == ['[2,1]', '{"b":1,"a":2}']
        assert store.attribute_other_values("beds") == ["2.5", "7.25"]
        texts = dict(zip(store.table("documents")["doc_id"], store.table("documents")["text"]))
        for attr in ("tags", "beds"):
            want = {text: group_label(attrs.get(attr)) for text, attrs in rows}
            got = {texts[d]: g for d, g in corpus.group_values(attr).items()}
            assert got == want


def test_signatures_and_mail_furniture_are_passed_over_as_the_reference_does(tmp_path, encoder):
    """The store's candidates and the Python ranking pass over signatures, contact lines and mail furniture as the
    reference rules do: quotes overall and by group, and the evidence tables' best quotes."""
    from helpers import coded_store

    rows = [("Sister Jane Smith, Ward Manager, Ward 7, Leeds General.", {"site": "North"}, ["staff"]),
            ("-- Jane Smith, Practice Manager, jane.smith@nhs.net, 01632 960123", {"site": "North"}, ["staff"]),
            ("Staff were lovely", {"site": "North"}, ["staff"]),
            ("The nurses were kind and always had time for us.\nSent from my iPhone", {"site": "North"}, ["staff"]),
            ("Dr Helen Hall, Consultant, helen.hall@nhs.net", {"site": "South"}, ["staff"]),
            ("Thanks Jane\nSent from my iPhone", {"site": "South"}, ["care_received"])]
    coded_store(tmp_path / "s.duckdb", rows)
    cb = load_codebook("fft")
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        _same_evidence(store, cb, ["site"], None, True, encoder)
        quoted = _same_quotes(store, cb, "staff", 5, None, True, encoder)["text"].tolist()
        _same_quotes(store, cb, "staff", 3, "site", True, encoder)
    assert quoted == ["The nurses were kind and always had time for us.", "Staff were lovely"]
