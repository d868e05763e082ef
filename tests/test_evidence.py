"""Evidence tables: golden tables on a fixed corpus, counts that add up, claims and the strength rule."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalnlp.codebook import load_codebook
from evalnlp.errors import CodebookError, InputError
from evalnlp.evidence import (
    STRENGTH_RULE,
    Claim,
    build_evidence,
    load_claims,
    rate_strength,
    wilson_interval,
)
from evalnlp.store import Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("EVALNLP_UPDATE_GOLDEN") == "1"


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("evidence_corpus", GOLDEN / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = load_corpus_module()


@pytest.fixture(scope="module")
def cb():
    return load_codebook("impact")


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory, cb):
    store = Store(tmp_path_factory.mktemp("ev") / "fixture.duckdb")
    corpus.build_store(store, cb.theme_ids)
    yield store
    store.close()


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("claims") / "claims.yaml"
    path.write_text(corpus.CLAIMS_YAML + """\
  - id: c5
    text: The programme reached many organisations.
    themes: [reach_uptake]
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def evidence(fixture_store, cb, claims_file):
    return build_evidence(fixture_store, cb, by=["programme", "cohort"], claims=claims_file)


# ---------------------------------------------------------------------------------------- golden


def _golden_view(doc: dict) -> dict:
    """The parts of the JSON that do not depend on when the store was built."""
    prov = doc["provenance"]
    return {k: doc[k] for k in ("themes", "matrices", "claims", "documents_coded", "segments_coded", "notes")} | {
        "provenance": {"data": prov["data"], "coders": prov["coders"]}}


def test_evidence_matches_golden_tables(evidence):
    """Figures checked by hand in test_theme_figures_on_the_fixture and test_claim_table; the golden file
    pins every other value (quotes included). Regenerate with EVALNLP_UPDATE_GOLDEN=1 after a deliberate
    change and review the diff."""
    got = json.loads(json.dumps(_golden_view(evidence.to_json())))
    path = GOLDEN / "evidence_small.json"
    if UPDATE:
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.exists(), f"{path} is missing; write it with EVALNLP_UPDATE_GOLDEN=1 and review the diff"
    want = json.loads(path.read_text(encoding="utf-8"))
    assert got == want


def test_json_has_the_contract_keys(evidence):
    doc = evidence.to_json()
    assert {"theme", "label", "segments", "documents", "share", "ci_low", "ci_high"} <= set(doc["themes"][0])
    for rows in doc["matrices"].values():
        assert {"group", "theme", "segments", "documents", "share"} <= set(rows[0])
    assert {"id", "text", "segments", "documents", "sources", "strength", "quotes"} <= set(doc["claims"][0])
    assert {"theme", "text", "score", "doc_id", "source", "locator", "speaker", "source_ref", "attrs"} <= set(
        doc["claims"][0]["quotes"][0])
    json.dumps(doc)  # serialisable as is


# ---------------------------------------------------------------------------------------- figures


def test_theme_figures_on_the_fixture(evidence):
    t = evidence.themes.set_index("theme")
    # 11 coded answers + 2 narrative paragraphs; the never-coded answer is not in the denominator
    assert evidence.documents_coded == 13
    assert (t["n"] == 13).all()
    # engagement: answers 1, 8, 9 and paragraph 1 (its sentence and its testimonial)
    assert t.loc["engagement", "segments"] == 5
    assert t.loc["engagement", "documents"] == 4
    assert t.loc["engagement", "share"] == pytest.approx(4 / 13)
    # the human code for answer 5 removes its machine capability code
    assert t.loc["capability", "documents"] == 1
    assert t.loc["attitude_change", "documents"] == 1
    assert t.loc["reach_uptake", ["positive", "negative"]].tolist() == [1, 1]
    assert t.loc["policy_influence", "documents"] == 0


def test_matrix_groups_and_missing_group(evidence):
    m = evidence.matrices["programme"]
    assert list(dict.fromkeys(m["group"])) == ["Edward Jenner", "Mary Seacole", "Rosalind Franklin", "(missing)"]
    cell = m[(m["theme"] == "engagement") & (m["group"] == "Edward Jenner")].iloc[0]
    assert (cell["documents"], cell["n"]) == (2, 3)
    cohorts = evidence.matrices["cohort"]
    assert set(cohorts["group"]) == {"2022", "2023", "(missing)"}


def check_counts_add_up(store, cb, ev) -> None:
    codes = store.effective_codes()
    codes = codes[codes["theme"].isin(cb.theme_ids)]
    seg_doc = store.table("segments").set_index("seg_id")["doc_id"]
    t = ev.themes.set_index("theme")
    for theme in cb.theme_ids:
        mine = codes[codes["theme"] == theme]
        assert t.loc[theme, "segments"] == mine["seg_id"].nunique()
        assert t.loc[theme, "documents"] == mine["seg_id"].map(seg_doc).nunique()
    assert ((t["ci_low"] <= t["share"]) & (t["share"] <= t["ci_high"])).all()
    for attr, m in ev.matrices.items():
        sums = m.groupby("theme")[["segments", "documents"]].sum()
        assert (sums["segments"] == t.loc[sums.index, "segments"]).all(), attr
        assert (sums["documents"] == t.loc[sums.index, "documents"]).all(), attr
        assert m.drop_duplicates("group")["n"].sum() == ev.documents_coded
        assert ((m["ci_low"] <= m["share"]) & (m["share"] <= m["ci_high"])).all()
        assert ((m["documents"] <= m["n"]) & (m["segments"] >= m["documents"])).all()
    json_doc = ev.to_json()
    for row in json_doc["themes"]:
        assert row["ci_low"] <= row["share"] <= row["ci_high"]


def test_counts_add_up_on_the_fixture(fixture_store, cb, evidence):
    check_counts_add_up(fixture_store, cb, evidence)


THEMES = ["engagement", "capability", "economic_value"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    docs=st.lists(st.tuples(st.sampled_from(["A", "B", "C", None]), st.integers(1, 3)), min_size=1, max_size=12),
    data=st.data(),
)
def test_counts_add_up_on_random_corpora(tmp_path_factory, cb, docs, data):
    """Any coding of any corpus: theme totals equal coded passages, groups sum to totals, shares in CIs."""
    store = Store(tmp_path_factory.mktemp("rand") / "r.duckdb")
    try:
        with store.transaction():
            run = store.start_run("ingest", {})
            texts = [f"Answer {i} says something about the programme and what it changed." for i in range(len(docs))]
            frame = pd.DataFrame({"source": "s.csv", "locator": [f"row {i}" for i in range(len(docs))],
                                  "kind": "response", "question": "q", "text": texts,
                                  "attrs": [json.dumps({"site": g} if g else {}) for g, _ in docs]})
            new = store.insert_documents(frame, run, returning=True)
            segs = []
            for doc_id, text, (_, k) in zip(new["doc_id"], new["text"], docs):
                cuts = np.linspace(0, len(text), k + 1).astype(int)
                segs += [{"doc_id": doc_id, "kind": "sentence", "start": int(a), "end": int(b), "text": text[a:b],
                          "speaker": None, "source_ref": None} for a, b in zip(cuts[:-1], cuts[1:])]
            store.insert_segments(pd.DataFrame(segs))
            store.finish_run(run, n_in=len(docs), n_ok=len(docs), n_rejected=0)
        seg_ids = store.table("segments")["seg_id"].tolist()
        coded = data.draw(st.lists(st.sampled_from(seg_ids), unique=True))
        rows = []
        for sid in coded:
            flags = data.draw(st.lists(st.booleans(), min_size=len(THEMES), max_size=len(THEMES)))
            rows += [{"seg_id": sid, "theme": t, "score": 0.7, "assigned": f} for t, f in zip(THEMES, flags)]
        human = data.draw(st.lists(st.sampled_from(coded), unique=True, max_size=3)) if coded else []
        with store.transaction():
            run = store.start_run("classify", {})
            store.replace_codes(pd.DataFrame(rows, columns=["seg_id", "theme", "score", "assigned"]), "model:m", run)
            store.finish_run(run, n_in=0, n_ok=0, n_rejected=0)
            if human:
                store.replace_codes(pd.DataFrame({"seg_id": human, "theme": "capability", "score": None,
                                                  "assigned": True}), "human:h", run)
        by = ["site", "source"] if any(g for g, _ in docs) else ["source"]
        ev = build_evidence(store, cb, by=by, redact=False)
        check_counts_add_up(store, cb, ev)
        assert ev.documents_coded == store.table("segments").set_index("seg_id").loc[coded, "doc_id"].nunique()
    finally:
        store.close()


# ---------------------------------------------------------------------------------------- options and errors


def test_unknown_by_attribute_lists_the_attributes(fixture_store, cb):
    with pytest.raises(InputError) as err:
        build_evidence(fixture_store, cb, by=["programe"])
    assert err.value.code == "E150"
    for attr in ("respondent", "programme", "cohort", "question", "source"):
        assert attr in err.value.message


def test_builtin_attributes_group_by_question_and_source(fixture_store, cb):
    ev = build_evidence(fixture_store, cb, by=["source", "question", "kind"], redact=False)
    assert set(ev.matrices["source"]["group"]) == {"survey.csv", "case_study.txt"}
    assert set(ev.matrices["kind"]["group"]) == {"response", "narrative"}
    assert set(ev.matrices["question"]["group"]) == {corpus.QUESTION, "(missing)"}


def test_best_quotes_are_redacted_unless_asked_not_to(fixture_store, cb):
    def cell(ev):
        m = ev.matrices["respondent"]
        return m[(m["group"] == "R03") & (m["theme"] == "relationships")].iloc[0]["quote"]

    assert cell(build_evidence(fixture_store, cb, by="respondent", redact=False)) == corpus.ANSWERS[2][0]
    red = build_evidence(fixture_store, cb, by="respondent")
    assert cell(red) == ("Dr [NAME], my mentor, helped me build a network across the region; call me on [PHONE] "
                         "to hear more.")
    everything = " ".join(str(q) for q in [*red.themes["quote"], *red.matrices["respondent"]["quote"]])
    assert "07700" not in everything and "Amelia" not in everything


def test_evidence_without_quotes_has_the_same_counts_and_no_quotes(fixture_store, cb, evidence, claims_file,
                                                                   monkeypatch):
    """``quotes=False`` (the terminal's tables): every count, share, interval and claim as with quotes, the quote
    columns of the theme table and the matrices empty, and no passage scored or redacted."""
    import evalnlp.evidence as evidence_module

    def never(*args, **kwargs):
        raise AssertionError("no quote should be scored without quotes")

    with_claims = build_evidence(fixture_store, cb, by=["programme", "cohort"], claims=claims_file, quotes=False)
    pd.testing.assert_frame_equal(with_claims.claims, evidence.claims)  # claims keep their quotes
    monkeypatch.setattr(evidence_module, "score_pairs", never)
    bare = build_evidence(fixture_store, cb, by=["programme", "cohort"], quotes=False)
    quote_cols = ["quote", "quote_speaker", "quote_source_ref", "quote_source", "quote_locator", "quote_doc_id"]
    assert evidence.themes["quote"].notna().any()  # (the fixture has quotes to leave out)
    for full, without in [(evidence.themes, bare.themes), *zip(evidence.matrices.values(), bare.matrices.values())]:
        assert list(without.columns) == list(full.columns)
        pd.testing.assert_frame_equal(without.drop(columns=quote_cols), full.drop(columns=quote_cols))
        assert without[quote_cols].isna().all().all()
    assert bare.claims.empty
    from evalnlp import api

    from evalnlp.errors import InputError

    with pytest.raises(InputError, match=r"\[E149\].*output file always has them"):
        api.evidence(fixture_store, codebook="impact", quotes=False, output=str(claims_file.with_name("ev.json")))
    assert not claims_file.with_name("ev.json").exists()
    assert (bare.documents_coded, bare.segments_coded, bare.notes) == (  # (bare has no claims to note)
        evidence.documents_coded, evidence.segments_coded, [n for n in evidence.notes if not n.startswith("claim ")])


def test_empty_store_gives_zero_tables(tmp_path, cb):
    with Store(tmp_path / "empty.duckdb") as store:
        ev = build_evidence(store, cb, by=[], claims=[Claim("x", "Nothing yet", ("engagement",))])
    assert ev.documents_coded == 0
    assert (ev.themes["documents"] == 0).all() and (ev.themes["ci_high"] == 1).all()
    assert ev.claims.iloc[0]["strength"] == "none"
    assert any("no coded passages" in n for n in ev.notes)


# ---------------------------------------------------------------------------------------- claims


def test_claim_table(evidence):
    c = evidence.claims.set_index("id")
    assert c.loc["c1", "strength"] == "strong"          # 2 files + reference [E], attributed testimonial
    assert c.loc["c1", ["documents", "sources", "references", "attributed"]].tolist() == [4, 2, 1, 1]
    assert c.loc["c2", "strength"] == "strong"
    assert c.loc["c2", "references"] == 2
    assert c.loc["c3", "strength"] == "none"            # the human code removed the only candidate
    assert c.loc["c4", "strength"] == "limited"         # one answer, one file
    assert c.loc["c5", "strength"] == "moderate"        # two files, no testimonial
    assert [r["text"] for r in c.loc["c5", "reach"]] == ["62 NHS trusts", "1,200 clinicians"]
    speakers = {t["speaker"] for t in c.loc["c2", "testimonials"]}
    assert speakers == {"the Medical Director of Leeds Teaching Hospitals NHS Trust", "one participant"}
    # the two near-identical answers are never both quoted
    texts = [q["text"] for q in c.loc["c1", "quotes"]]
    assert len(texts) == len(set(texts)) and not {
        "Our team now involves patients in every improvement project.",
        "Our team now involves patients in every improvement project!"} <= set(texts)


def test_claim_testimonials_show_the_corroborating_source_their_marker_names(evidence):
    c = evidence.claims.set_index("id")
    cited = {t["source_ref"]: t["source_entries"] for t in c.loc["c2", "testimonials"]}
    assert cited == {
        "[E]": [{"ref": "E", "label": "[E]",
                 "text": "Letter from the Medical Director, Leeds Teaching Hospitals NHS Trust, 2013."}],
        "[H]": [{"ref": "H", "label": "[H]", "text": "Survey of programme participants, North West region, 2012."}]}
    from evalnlp.reports._common import claim_quotes_long

    long = claim_quotes_long(evidence.claims)
    rows = long[(long["claim"] == "c2") & (long["kind"] == "testimonial")]
    assert sorted(rows["corroborating_source"]) == [
        "E: Letter from the Medical Director, Leeds Teaching Hospitals NHS Trust, 2013.",
        "H: Survey of programme participants, North West region, 2012."]
    assert long[long["kind"] != "testimonial"]["corroborating_source"].isna().all()


def test_claim_filters_restrict_support(fixture_store, cb):
    claims = [Claim("a", "all", ("engagement",)), Claim("b", "EJ only", ("engagement",), {"programme": ("Edward Jenner",)})]
    c = build_evidence(fixture_store, cb, claims=claims, redact=False).claims.set_index("id")
    assert c.loc["a", "documents"] == 4 and c.loc["b", "documents"] == 2
    bad = [Claim("z", "z", ("engagement",), {"colour": ("red",)})]
    with pytest.raises(InputError) as err:
        build_evidence(fixture_store, cb, claims=bad)
    assert err.value.code == "E157" and "programme" in err.value.message


def test_load_claims_accepts_a_list_or_a_mapping(tmp_path, cb):
    path = tmp_path / "c.yaml"
    path.write_text("- id: 1\n  text: A claim\n  themes: engagement\n  filters: {cohort: [2022, 2023]}\n")
    (claim,) = load_claims(path, cb)
    assert claim == Claim("1", "A claim", ("engagement",), {"cohort": ("2022", "2023")})
    path.write_text(corpus.CLAIMS_YAML)
    assert [c.id for c in load_claims(path)] == ["c1", "c2", "c3", "c4"]


@pytest.mark.parametrize("content, code", [
    (None, "E151"),
    ("claims: [unclosed", "E152"),
    ("just text", "E153"),
    ("claims: []", "E153"),
    ("- id: a\n  themes: [engagement]\n", "E154"),
    ("- id: a\n  text: t\n  themes: []\n", "E154"),
    ("- id: a\n  text: t\n  themes: [engagement]\n- id: a\n  text: u\n  themes: [capability]\n", "E155"),
    ("- id: a\n  text: t\n  themes: [engagment]\n", "E156"),
    ("- id: a\n  text: t\n  themes: [engagement]\n  filters: [programme]\n", "E159"),
    ("- id: a\n  text: t\n  themes: [engagement]\n  theme: x\n", "E160"),
    # a key written twice: YAML kept the last (one claim's themes lost) without a word
    ("- id: a\n  text: t\n  themes: [engagement]\n  themes: [capability]\n", "E152"),
])
def test_claims_file_errors_are_numbered(tmp_path, cb, content, code):
    path = tmp_path / "claims.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as err:
        load_claims(path, cb)
    assert err.value.code == code
    assert str(path) in err.value.message


def test_all_claim_problems_are_reported_at_once(tmp_path, cb):
    path = tmp_path / "claims.yaml"
    path.write_text("- id: a\n  themes: [engagement]\n- text: no id\n  themes: [capability]\n"
                    "- id: c\n  text: t\n  themes: [nope]\n")
    with pytest.raises(InputError) as err:
        load_claims(path, cb)
    assert "3 problems" in err.value.message
    assert "[E154]" in err.value.message and "[E156]" in err.value.message


# ---------------------------------------------------------------------------------------- rule and statistics


@pytest.mark.parametrize("kwargs, level", [
    (dict(segments=0, documents=0, sources=0, references=0, attributed=0), "none"),
    (dict(segments=1, documents=1, sources=1, references=0, attributed=0), "limited"),
    (dict(segments=9, documents=9, sources=1, references=0, attributed=0), "limited"),
    (dict(segments=10, documents=10, sources=1, references=0, attributed=0), "moderate"),
    (dict(segments=3, documents=3, sources=1, references=0, attributed=1), "moderate"),
    (dict(segments=2, documents=2, sources=2, references=0, attributed=0), "moderate"),
    (dict(segments=40, documents=40, sources=3, references=0, attributed=0), "moderate"),
    (dict(segments=3, documents=3, sources=3, references=0, attributed=1), "strong"),
    (dict(segments=3, documents=2, sources=1, references=2, attributed=0), "strong"),
])
def test_strength_rule(kwargs, level):
    assert rate_strength(**kwargs) == level


def test_strength_rule_text_states_the_thresholds():
    for word in ("strong:", "moderate:", "limited:", "none:", "at least 3 independent sources",
                 "corroborating reference"):
        assert word in STRENGTH_RULE


def test_wilson_interval_known_values():
    low, high = wilson_interval(np.array([0, 3, 10]), np.array([10, 10, 10]))
    assert low[0] == 0 and high[0] == pytest.approx(0.2775, abs=1e-4)
    assert (low[1], high[1]) == (pytest.approx(0.1078, abs=1e-4), pytest.approx(0.6032, abs=1e-4))
    assert high[2] == 1 and low[2] == pytest.approx(0.7225, abs=1e-4)
    low, high = wilson_interval(0, 0)
    assert (float(low), float(high)) == (0.0, 1.0)


def test_unknown_codebook_theme_in_quotes_is_a_codebook_error(fixture_store, cb):
    from evalnlp.quotes import rank_quotes

    with pytest.raises(CodebookError) as err:
        rank_quotes(fixture_store, cb, "engagment")
    assert err.value.code == "E220" and "engagement" in err.value.message


def test_values_made_one_group_are_named_in_a_note(tmp_path):
    """Values that differ only in the spaces around them are one group, as are blank and missing ones and a
    value that reads as the missing label: the counts stay as they were, and a note names what each group took."""
    import json

    import evalnlp

    path = tmp_path / "in.jsonl"
    values = ["A", "A ", "(missing)", "", " A", "B"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(12):
            row = {"rid": f"r{i}", "feedback": f"The staff were kind to me, visit {i}.", "grp": values[i % 6]}
            if i == 11:
                del row["grp"]  # no value at all
            f.write(json.dumps(row) + "\n")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(str(path), text="feedback", id="rid", codebook="fft", sentiment=False)
        ev = project.evidence(by="grp")
        plain = project.evidence(by="source")
    sizes = ev.matrices["grp"].drop_duplicates("group").set_index("group")["n"].to_dict()
    assert sizes == {"(missing)": 5, "A": 6, "B": 1}
    (note,) = [n for n in ev.notes if n.startswith("grp:")]
    assert "'A' counts ' A', 'A', 'A '" in note
    assert "'(missing)' counts no value, '', '(missing)'" in note
    assert not [n for n in plain.notes if "one group" in n]


def test_values_written_in_other_unicode_forms_are_one_group(tmp_path):
    """A ward name typed on two systems, its accented letter precomposed or as a letter and a combining accent,
    or with a no-break space, looks the same and is one group, with a note showing how each was written."""
    import json

    import evalnlp

    path = tmp_path / "in.jsonl"
    values = ["T\u0177 Gwyn", "Ty\u0302 Gwyn", "T\u0177\u00a0Gwyn", "Other"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(8):
            f.write(json.dumps({"rid": f"r{i}", "feedback": f"The staff were kind to me, visit {i}.",
                                "site": values[i % 4]}) + "\n")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(str(path), text="feedback", id="rid", codebook="fft", sentiment=False)
        ev = project.evidence(by="site")
    sizes = ev.matrices["site"].drop_duplicates("group").set_index("group")["n"].to_dict()
    assert sizes == {"T\u0177 Gwyn": 6, "Other": 2}
    (note,) = [n for n in ev.notes if n.startswith("site:")]
    assert "'T\\u0177\\xa0Gwyn'" in note and "'Ty\\u0302 Gwyn'" in note and "how their accented letters" in note


def test_true_false_and_whole_numbers_written_as_text_are_one_group_with_the_values(tmp_path):
    """A JSON column of mixed kinds keeps each value as written (`true` beside the text `True`, `3.0` beside
    `3`), so one consent or cohort column made four and two groups, though the README says a whole number is its
    digits and true/false are True/False; they are one group each, with a note, and a claim's filter `true`
    names the group `True`."""
    import json

    import evalnlp

    path = tmp_path / "in.json"
    rows = [{"rid": f"{i:03d}", "feedback": f"The staff were kind to me, visit {i}.",
             "consented": [True, "True", False, "FALSE"][i % 4], "cohort": [3, 3.0][i % 2]} for i in range(8)]
    path.write_text(json.dumps(rows), encoding="utf-8")
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - id: c1\n    text: Staff were kind.\n    themes: [staff]\n"
                      "    filters: {consented: true, cohort: '3.0'}\n", encoding="utf-8")
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(str(path), text="feedback", id="rid", codebook="fft", sentiment=False)
        ev = project.evidence(by=["consented", "cohort"], claims=str(claims))
    sizes = {attr: ev.matrices[attr].drop_duplicates("group").set_index("group")["n"].to_dict()
             for attr in ("consented", "cohort")}
    assert sizes == {"consented": {"False": 4, "True": 4}, "cohort": {"3": 8}}
    notes = " ".join(ev.notes)
    assert "'True' counts 'True', 'true'" in notes and "'False' counts 'FALSE', 'false'" in notes
    assert "'3' counts '3', '3.0'" in notes
    assert ev.claims.set_index("id").loc["c1", "documents"] == 4


def test_claim_filter_values_are_read_as_written_and_a_filter_matching_nothing_is_noted(tmp_path):
    """YAML read `12:30` as 750, `1.10` as 1.1 and `no` as False, so those filters matched no document and the
    claim was "none" without a word; values are now the text written, and a filter that still matches nothing
    (a typo) is named in a note."""
    import evalnlp

    path = tmp_path / "in.csv"
    pd.DataFrame({"rid": ["1", "2", "3"], "feedback": ["The staff were kind and caring.", "Staff were lovely.",
                                                       "The staff were rude."],
                  "session": ["12:30", "12:30", "09:00"], "cohort": ["1.10", "1.10", "1.2"],
                  "followup": ["no", "no", "yes"]}).to_csv(path, index=False)
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n"
                      "  - {id: session, text: t, themes: [staff], filters: {session: 12:30}}\n"
                      "  - {id: cohort, text: t, themes: [staff], filters: {cohort: 1.10}}\n"
                      "  - {id: followup, text: t, themes: [staff], filters: {followup: no}}\n"
                      "  - {id: typo, text: t, themes: [staff], filters: {session: '12.30'}}\n"
                      "  - {id: half, text: t, themes: [staff], filters: {session: ['12:30', '9:00am']}}\n",
                      encoding="utf-8")
    assert {c.id: c.filters for c in load_claims(claims)} == {
        "session": {"session": ("12:30",)}, "cohort": {"cohort": ("1.10",)}, "followup": {"followup": ("no",)},
        "typo": {"session": ("12.30",)}, "half": {"session": ("12:30", "9:00am")}}
    with evalnlp.open(tmp_path / "p.duckdb") as project:
        project.classify(str(path), text="feedback", id="rid", codebook="fft", sentiment=False)
        ev = project.evidence(claims=str(claims))
    segments = dict(zip(ev.claims["id"], ev.claims["segments"]))
    assert segments["session"] == 2 and segments["cohort"] == 2 and segments["followup"] == 2
    assert segments["typo"] == 0 and segments["half"] == 2  # one value of the list misspelt: the other's only
    from evalnlp.errors import command_line

    assert [command_line(n) for n in ev.notes if n.startswith("claim 'typo'")] == [
        "claim 'typo': no coded passage of its themes is in a document its filters match (session: '12.30'); "
        "check each value against the groups `evalnlp evidence --by ATTR` shows"]  # (python: `evidence(by=...)`)
    assert [n for n in ev.notes if n.startswith("claim ")] == [
        "claim 'typo': no coded passage of its themes is in a document its filters match (session: '12.30'); "
        "check each value against the groups `evidence(by=...)` shows",
        "claim 'half': session '9:00am' matches no coded document, so the claim counts its other values' "
        "documents only (the groups of session: '09:00', '12:30')"]


def test_a_passages_sentiment_counts_once_however_many_people_coded_it(tmp_path):
    """Two people coding the same answers `staff` made each answer's sentiment count twice in the theme's row
    (10 passages, 20 sentiment counts), overall and per group; a passage counts once, as it does in `segments`."""
    import evalnlp

    texts = ["The nurses were kind and caring.", "Staff were friendly and helpful.", "Waited four hours to be seen.",
             "Reception staff were rude.", "The doctor explained everything clearly.", "Lovely clean ward."]
    df = pd.DataFrame({"rid": [f"R{i}" for i in range(len(texts))], "comment": texts,
                       "site": ["A", "A", "A", "B", "B", "B"]})
    df.to_csv(tmp_path / "fb.csv", index=False)
    df.assign(themes="staff").to_csv(tmp_path / "coded.csv", index=False)
    with evalnlp.open(tmp_path / "s.duckdb") as p:
        p.ingest(tmp_path / "fb.csv", text="comment", id="rid", meta=["site"])
        p.classify(codebook="fft")
        for coder in ("alice", "bob"):
            p.import_codes(tmp_path / "coded.csv", text="comment", id="rid", coder=coder, labels_column="themes",
                           codebook="fft", source="fb.csv")
        ev = p.evidence(codebook="fft", by=["site"], quotes=False)
    labels = ["positive", "mixed", "negative", "neutral"]
    staff = ev.themes.set_index("theme").loc["staff"]
    assert staff["segments"] == 6 and sum(int(staff[lb]) for lb in labels) == 6
    by_site = ev.matrices["site"]
    by_site = by_site[by_site["theme"] == "staff"]
    assert by_site["documents"].tolist() == [3, 3]
    assert (by_site[labels].sum(axis=1) == 3).all()


def test_the_paragraphs_of_one_report_count_as_one_document_for_a_claims_strength(tmp_path):
    """Eleven supporting paragraphs of one report, no testimonial: one source saying it, not eleven respondents
    (moderate needs 10 documents): limited. Eleven answers of a survey, the same: moderate."""
    from evalnlp import api
    from evalnlp.store import Store

    sentences = [f"The programme reached {20 + i} more schools in the county during year {i + 1} of the project."
                 for i in range(11)]
    report = tmp_path / "report.txt"
    report.write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    answers = tmp_path / "answers.csv"
    pd.DataFrame({"id": [str(i) for i in range(11)], "text": sentences}).to_csv(answers, index=False)
    claims = [Claim(id="reach", text="The programme reached many schools.", themes=("reach_uptake",))]
    for path, strength in ((report, "limited"), (answers, "moderate")):
        with Store(tmp_path / f"{path.stem}.duckdb") as store:
            api.classify(store, [path], codebook="impact", **({"text": ["text"], "id": "id"}
                                                              if path.suffix == ".csv" else {}))
            table = build_evidence(store, load_codebook("impact"), claims=claims).claims
        row = table.iloc[0]
        assert row["documents"] == 11 and row["sources"] == 1, (path.name, row.to_dict())
        assert row["strength"] == strength, path.name


def test_the_answers_of_one_respondent_to_several_questions_count_once_for_a_claims_strength(tmp_path):
    """Four teachers who each answered three open questions in the same vein give twelve supporting answers
    (documents), but four respondents: the strength rule's "10 supporting documents (respondents)" is not met,
    so limited, not moderate; with or without an id column (the locator is then the row). Eleven respondents
    answering one question each stay moderate (above)."""
    from evalnlp import api
    from evalnlp.store import Store

    sentences = [f"The programme reached {20 + i} more schools in the county during year {i + 1} of the project."
                 for i in range(12)]
    survey = tmp_path / "survey.csv"
    pd.DataFrame({"id": ["T1", "T2", "T3", "T4"], "q1": sentences[0:4], "q2": sentences[4:8],
                  "q3": sentences[8:12]}).to_csv(survey, index=False)
    claims = [Claim(id="reach", text="The programme reached many schools.", themes=("reach_uptake",))]
    for ids in ({"id": "id"}, {}):
        with Store(tmp_path / f"s{len(ids)}.duckdb") as store:
            api.classify(store, [survey], codebook="impact", text=["q1", "q2", "q3"], **ids)
            row = build_evidence(store, load_codebook("impact"), claims=claims).claims.iloc[0]
        assert row["documents"] == 12 and row["sources"] == 1, (ids, row.to_dict())
        assert row["strength"] == "limited", ids


def test_the_summary_says_of_which_passages_the_hand_coded_ones_are():
    from evalnlp.evidence import Evidence

    ev = Evidence(codebook={"id": "impact"}, documents_coded=900, segments_coded=988, segments_no_theme=400,
                  segments_human_coded=60, themes=pd.DataFrame(), matrices={}, claims=pd.DataFrame(), notes=[],
                  provenance={})
    assert ev.human_note == "; 60 of the 988 passages coded by hand"  # not "of them", after the 400 with no theme
    assert Evidence(codebook={"id": "impact"}, documents_coded=1, segments_coded=1, segments_no_theme=0,
                    segments_human_coded=0, themes=pd.DataFrame(), matrices={}, claims=pd.DataFrame(),
                    notes=[], provenance={}).human_note == ""


def test_the_group_a_discovery_kept_to_is_de_identified_in_shared_provenance():
    """A discover run's arguments (``--by manager --group "Sister Ann Hughes"``) are listed in evidence's
    provenance: with redaction on the group is de-identified as the attribute's value is, a ward's name stays,
    and the arguments as stored are left as they were."""
    from evalnlp.evidence import _shared_args

    args = [{"by": "manager", "group": "Sister Ann Hughes", "seed": 0}, {"by": "ward", "group": "Florence Nightingale"},
            None]
    assert _shared_args(args, load_codebook("fft"), ()) == [
        {"by": "manager", "group": "[NAME]", "seed": 0}, {"by": "ward", "group": "Florence Nightingale"}, None]
    assert args[0]["group"] == "Sister Ann Hughes"
