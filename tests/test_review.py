"""Choosing passages for review, and the workbook's rules, on small arrays and files (no store)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evalnlp import review as rv
from evalnlp.codebook import load_codebook
from evalnlp.errors import InputError


def test_margins_are_distances_to_each_themes_boundary():
    scores = np.array([[0.6, 0.3, 0.1], [0.2, 0.45, 0.35]])
    multi = rv.margins(scores, [0.5, 0.4, 0.2], multi_label=True)
    assert np.allclose(multi, [[0.1, -0.1, -0.1], [-0.3, 0.05, 0.15]])
    single = rv.margins(scores, 0.0, multi_label=False)
    # the top theme's margin is over the runner-up; the others' is their gap to the top
    assert np.allclose(single, [[0.3, -0.3, -0.5], [-0.25, 0.1, -0.1]])


def test_uncertain_takes_themes_in_turn_nearest_the_threshold_first():
    scores = np.array([
        [0.50, 0.00],  # on theme 0's threshold
        [0.90, 0.00],
        [0.10, 0.31],  # on theme 1's threshold
        [0.45, 0.00],  # near theme 0
        [0.00, 0.05],
        [0.00, 0.25],  # near theme 1
    ])
    picked, why = rv.select_uncertain(scores, [0.5, 0.3], 4, multi_label=True, return_themes=True)
    assert picked.tolist() == [0, 2, 3, 5]
    assert why.tolist() == [0, 1, 0, 1]
    only = rv.select_uncertain(scores, [0.5, 0.3], 3, multi_label=True, theme=1)
    assert only.tolist() == [2, 5, 4]


def test_uncertain_on_a_single_label_codebook_uses_the_margin_between_the_leading_themes():
    scores = np.array([[0.9, 0.05, 0.05], [0.48, 0.47, 0.05], [0.6, 0.3, 0.1], [0.1, 0.45, 0.45]])
    first = rv.select_uncertain(scores, 0.0, 2, multi_label=False)
    assert first.tolist() == [1, 3]


@pytest.mark.parametrize("strategy", rv.STRATEGIES)
def test_every_strategy_returns_n_distinct_rows_deterministically(strategy):
    rng = np.random.default_rng(7)
    scores = rng.random((300, 5))
    vectors = rng.normal(size=(300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    def choose(seed=0):
        if strategy == "uncertain":
            return rv.select_uncertain(scores, 0.5, 40, multi_label=True)
        if strategy == "diverse":
            return rv.select_diverse(vectors, 40, seed=seed)
        return rv.select_random(300, 40, seed=seed)

    a, b = choose(), choose()
    assert len(a) == 40 and len(set(a.tolist())) == 40
    assert a.tolist() == b.tolist()
    assert ((0 <= a) & (a < 300)).all()
    if strategy != "uncertain":
        assert choose(seed=1).tolist() != a.tolist()
    # asking for more rows than there are gives every row once
    many = (rv.select_uncertain(scores[:10], 0.5, 50, multi_label=True) if strategy == "uncertain" else
            rv.select_diverse(vectors[:10], 50) if strategy == "diverse" else rv.select_random(10, 50))
    assert sorted(many.tolist()) == list(range(10))


def test_diverse_covers_every_cluster_and_prefers_what_people_have_not_coded():
    rng = np.random.default_rng(0)
    centres = np.eye(8, dtype=np.float32)[:4] * 5
    X = np.vstack([c + rng.normal(scale=0.05, size=(50, 8)) for c in centres]).astype(np.float32)
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    picked = rv.select_diverse(X, 4, seed=0)
    assert sorted(picked // 50) == [0, 1, 2, 3]  # one passage from each of the four groups
    covered = X[[0, 1, 50, 51]]  # people already coded groups 0 and 1
    fresh = rv.select_diverse(X, 2, seed=0, covered=covered)
    assert sorted(fresh // 50) == [2, 3]


def test_bad_numbers_of_passages_are_numbered_errors():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(InputError, match="E199"):
            rv.select_random(10, bad)


def test_distinct_texts_folds_case_and_spacing():
    assert rv.distinct_texts(["Good", " good ", "Very  good", "very good", "bad"]).tolist() == [
        True, False, True, False, True]


def test_thresholds_are_inferred_from_the_machines_decisions():
    scores = np.array([[0.1, 0.9], [0.3, 0.8], [0.35, 0.2], [0.6, 0.1], [0.7, 0.05]])
    assigned = np.array([[0, 1], [0, 1], [1, 0], [1, 0], [1, 0]], dtype=bool)
    thr = rv.infer_thresholds(scores, assigned)
    assert thr[0] == pytest.approx(0.325) and thr[1] == pytest.approx(0.5)
    assert rv.infer_thresholds(scores, np.zeros_like(assigned)).tolist() == [0.5, 0.5]


def test_coder_names_become_human_coders_by_the_rule_every_command_uses():
    from evalnlp import api

    for name, coder in [("alice", "human:alice"), ("human:bob.smith", "human:bob.smith"), ("Zoë", "human:Zoë"),
                        ("Ann O'Neil", "human:Ann O'Neil"), ("  j.smith ", "human:j.smith")]:
        assert rv.human_coder(name) == coder == api.human_coder_id(name)
    for bad in ("", "   ", "human:", "model:m@1", "a\x00b", "x" * 101):
        with pytest.raises(InputError, match="E181"):
            rv.human_coder(bad)
        with pytest.raises(InputError, match="E181"):
            api.human_coder_id(bad)


def _rows(cb, n=3):
    return pd.DataFrame({
        "seg_id": [f"s{i}" for i in range(n)],
        "text": ["=SUM(A1) looks like a formula", "a vertical\x0btab from Word", "plain"][:n],
        "source": "f.csv", "locator": [f"row {i + 1}" for i in range(n)], "question": "q",
        "reason": "random sample (seed 0)",
        "machine": [[cb.theme_ids[0]], [], [cb.theme_ids[1]]][:n],
        "fingerprint": "fp",
    })


def test_workbook_keeps_text_as_text_and_reads_back_untouched(tmp_path):
    from openpyxl import load_workbook

    cb = load_codebook("impact")
    path = rv.write_workbook(tmp_path / "r.xlsx", _rows(cb), cb, {"store": "x", "codebook_sha256": cb.sha256})
    wb = load_workbook(path)
    ws = wb["Review"]
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=SUM")
    assert ws["B3"].value == "a vertical_x000B_tab from Word"
    sheet = rv.read_workbook(path)
    assert sheet.meta["format"] == rv.FORMAT and sheet.meta["store"] == "x"
    decisions = rv.read_decisions(sheet, cb, expected_fingerprint="fp")
    assert decisions.n_rows == 3 and decisions.n_untouched == 3 and decisions.n_reviewed == 0
    assert decisions.codes.empty


def test_workbook_name_must_end_in_xlsx(tmp_path):
    cb = load_codebook("impact")
    with pytest.raises(InputError, match="E190"):
        rv.write_workbook(tmp_path / "r.csv", _rows(cb), cb, {})
    (tmp_path / "not.xlsx").write_text("hello")
    with pytest.raises(InputError, match="E190"):
        rv.read_workbook(tmp_path / "not.xlsx")


def test_a_theme_label_that_looks_like_a_formula_is_a_text_header_and_its_column_still_reads_back(tmp_path):
    """A codebook of the user's own (or one imported from a QDA program) may label a theme "=..." or "+...":
    the review workbook wrote the header as a live formula, which a spreadsheet runs and shows as its result."""
    from openpyxl import load_workbook

    path = tmp_path / "own.yaml"
    path.write_text("id: own\nmulti_label: true\nthemes:\n"
                    "  - {id: links, label: '=HYPERLINK(\"http://example.org\",\"Links\")', definition: Links.}\n"
                    "  - {id: plus, label: '+ve feedback', definition: Praise.}\n", encoding="utf-8")
    cb = load_codebook(path)
    out = rv.write_workbook(tmp_path / "r.xlsx", _rows(cb), cb, {"store": "x", "codebook_sha256": cb.sha256})
    ws = load_workbook(out)["Review"]
    heads = {c.value: c for c in ws[1]}
    links = heads['=HYPERLINK("http://example.org","Links")']
    assert links.data_type == "s" and heads["+ve feedback"].data_type == "s"
    ws.cell(row=3, column=links.column).value = 1  # a reviewer gives the passage of row 2 the theme
    ws.parent.save(out)
    decisions = rv.read_decisions(rv.read_workbook(out), cb, expected_fingerprint="fp")
    assert decisions.n_reviewed == 1
    given = decisions.codes[decisions.codes["assigned"].astype(bool)]
    assert given[["seg_id", "theme"]].values.tolist() == [["s1", "links"]]


def test_held_sentences_pairs_a_testimonial_with_each_sentence_sharing_its_words():
    # doc a: a sentence holding a quotation, a quotation over two sentences; doc b: a sentence at the same offsets
    held = rv.held_sentences(["a", "a", "a", "a", "a", "b"],
                             ["sentence", "testimonial", "sentence", "sentence", "testimonial", "sentence"],
                             [0, 10, 60, 90, 70, 10], [50, 40, 89, 120, 110, 40])
    assert held == {1: [0], 4: [2, 3]}
    assert rv.held_sentences(["a"], ["sentence"], [0], [5]) == {}


def _speaker_codebook(tmp_path):
    path = tmp_path / "said.yaml"
    path.write_text("id: said\nmulti_label: true\nthemes:\n"
                    "  - {id: voice, label: Speaker, definition: The speaker is named.}\n"
                    "  - {id: evalnlp_speaker, label: Praise, definition: Praise.}\n", encoding="utf-8")
    return load_codebook(path)


def test_passage_columns_beside_a_theme_of_their_name_are_written_as_evalnlp_names(tmp_path):
    """A theme labelled "Speaker" keeps its header; the speaker column is evalnlp_<name>, and where a theme has
    that name too, evalnlp_<name>_2, as every table that puts evalnlp's columns beside the user's names them."""
    from openpyxl import load_workbook

    assert rv.passage_headers(load_codebook("impact")) == {"speaker": "speaker", "source_ref": "source_ref"}
    cb = _speaker_codebook(tmp_path)
    assert rv.passage_headers(cb) == {"speaker": "evalnlp_speaker_2", "source_ref": "source_ref"}
    rows = _rows(cb).assign(speaker=[None, "Dr Jane Roe, Chief Nurse", None], source_ref=[None, "[S2]", None])
    out = rv.write_workbook(tmp_path / "r.xlsx", rows, cb, {"store": "x", "codebook_sha256": cb.sha256,
                                                            "codebook_ref": str(tmp_path / "said.yaml")})
    wb = load_workbook(out)
    ws = wb["Review"]
    head = [c.value for c in ws[1]]
    assert head[:8] == ["#", "text", "source", "locator", "evalnlp_speaker_2", "source_ref", "question",
                        "selected because"]
    assert head[8:10] == ["Speaker", "Praise"]
    col = {h: c.column_letter for h, c in zip(head, ws[1])}
    assert (ws[f"{col['evalnlp_speaker_2']}3"].value, ws[f"{col['source_ref']}3"].value) == \
        ("Dr Jane Roe, Chief Nurse", "[S2]")
    sheet = rv.read_workbook(out)
    # the speaker filled in is not a reviewer's typing: the workbook is as exported
    assert rv.existing_workbook(out).n_typed == 0
    assert rv.themes_without_column(sheet, cb) == []
    ws[f"{col['Speaker']}4"] = 1  # the reviewer gives the third passage the theme labelled Speaker
    wb.save(out)
    decisions = rv.read_decisions(rv.read_workbook(out), cb, expected_fingerprint="fp")
    assert decisions.ignored == {} and decisions.n_reviewed == 1
    given = decisions.codes[decisions.codes["assigned"].astype(bool)]
    assert sorted(map(tuple, given[["seg_id", "theme"]].values.tolist())) == [("s2", "evalnlp_speaker"),
                                                                              ("s2", "voice")]
