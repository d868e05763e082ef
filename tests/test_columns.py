"""The one naming rule for tables that put input columns beside evalnlp's: keep every input column, rename
evalnlp's on a clash."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalnlp.columns import beside_input, evalnlp_names, unique_names

OURS = ["source", "locator", "question", "text", "themes", "score_staff", "score_access", "sentiment"]


def test_a_clash_gets_the_prefix_and_the_rest_keep_their_names():
    assert evalnlp_names(["rid", "themes", "sentiment", "comment"], OURS) == [
        "source", "locator", "question", "text", "evalnlp_themes", "score_staff", "score_access",
        "evalnlp_sentiment"]


def test_a_taken_prefixed_name_gets_the_first_free_number():
    names = evalnlp_names(["themes", "evalnlp_themes", "evalnlp_themes_2", "text"], ["themes", "text"])
    assert names == ["evalnlp_themes_3", "evalnlp_text"]


def test_a_renamed_column_does_not_take_the_name_of_another_of_ours():
    # "evalnlp_themes" is evalnlp's own here, so the clashing "themes" must not become it
    assert evalnlp_names(["themes"], ["themes", "evalnlp_themes"]) == ["evalnlp_themes_2", "evalnlp_themes"]


def test_non_text_names_clash_by_their_text():
    assert evalnlp_names([1, None, 2.5], ["1", "2.5", "3"]) == ["evalnlp_1", "evalnlp_2.5", "3"]


def test_our_names_must_be_distinct():
    with pytest.raises(ValueError, match="distinct"):
        evalnlp_names([], ["themes", "themes"])


def test_input_names_are_made_like_the_readers_make_headers():
    assert unique_names(["a", "a", None, " b ", 7, "", "a.1"]) == ["a", "a.2", "column_3", "b", "7", "column_6",
                                                                   "a.1"]
    assert unique_names([" b", "b"], strip=False) == [" b", "b"]


def test_a_real_name_is_never_taken_by_a_made_up_one():
    assert unique_names(["", "column_1", "x", "x", "x.1"]) == ["column_1.1", "column_1", "x", "x.2", "x.1"]


def test_beside_input_keeps_values_order_and_duplicate_or_blank_input_columns():
    user = pd.DataFrame([["x1", "y1", "z1", "g1"], ["x2", "y2", "z2", "g2"]], index=[10, 11],
                        columns=["themes", "themes", "", "sentiment"])
    ours = pd.DataFrame({"themes": ["staff", "access"], "sentiment": ["positive", "negative"]}, index=[5, 6])
    out = beside_input(user, ours)
    assert list(out.columns) == ["themes", "themes.1", "column_3", "sentiment", "evalnlp_themes",
                                 "evalnlp_sentiment"]
    assert out.values.tolist() == [["x1", "y1", "z1", "g1", "staff", "positive"],
                                   ["x2", "y2", "z2", "g2", "access", "negative"]]
    assert list(out.index) == [0, 1]


def test_beside_input_needs_as_many_rows():
    with pytest.raises(ValueError, match="as many rows"):
        beside_input(pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"themes": [1]}))


def test_without_input_columns_ours_are_unchanged():
    out = beside_input(pd.DataFrame(index=range(2)), pd.DataFrame({"themes": ["a", "b"]}))
    assert list(out.columns) == ["themes"] and out["themes"].tolist() == ["a", "b"]


# ---- any input columns at all --------------------------------------------------------------------------

_clashing = st.sampled_from(OURS + ["evalnlp_" + n for n in OURS] + ["evalnlp_themes_2", "themes.1", "column_1"])
_name = st.one_of(_clashing, st.text(max_size=6), st.integers(-3, 3), st.none(),
                  st.sampled_from([" themes", "themes ", "", "  "]))


def _text(name) -> str:
    return "" if name is None else str(name)


@settings(max_examples=300, deadline=None)
@given(user_names=st.lists(_name, max_size=10), ours=st.lists(st.sampled_from(OURS), unique=True, max_size=8),
       n_rows=st.integers(0, 3))
def test_every_input_column_and_value_is_kept_and_each_of_ours_added_once(user_names, ours, n_rows):
    user = pd.DataFrame([[f"in{j}:{i}" for j in range(len(user_names))] for i in range(n_rows)],
                        columns=range(len(user_names)), dtype=object)
    user.columns = user_names  # any names: duplicates, blanks, numbers, evalnlp's own
    ours_frame = pd.DataFrame({name: [f"ours:{name}:{i}" for i in range(n_rows)] for name in ours},
                              index=range(n_rows), dtype=object)
    out = beside_input(user, ours_frame)

    names = list(out.columns)
    assert len(names) == len(user_names) + len(ours)
    assert len(set(names)) == len(names) and all(isinstance(n, str) and n for n in names)
    texts = [_text(n) for n in user_names]
    for j, name in enumerate(user_names):  # input columns first, in their order, values untouched
        assert out.iloc[:, j].tolist() == [f"in{j}:{i}" for i in range(n_rows)]
        clean = isinstance(name, str) and name == name.strip() and name and texts.count(name) == 1
        if clean:
            assert names[j] == name
    for k, name in enumerate(ours):  # then ours, in their order, each exactly once
        position = len(user_names) + k
        assert out.iloc[:, position].tolist() == [f"ours:{name}:{i}" for i in range(n_rows)]
        holding = [c for c in range(len(names)) if out.iloc[:, c].tolist() == out.iloc[:, position].tolist()]
        assert holding == [position] or n_rows == 0
        if name in names[:len(user_names)]:
            assert names[position].startswith("evalnlp_" + name)
        else:
            assert names[position] == name
    assert list(beside_input(user, ours_frame).columns) == names  # deterministic
