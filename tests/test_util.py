"""The shared helpers in evalnlp.util, and that the schema's column lists describe the real store."""

from __future__ import annotations

import math
import os
import stat

import numpy as np
import pandas as pd
import pytest

from evalnlp import schema
from evalnlp.errors import InputError
from evalnlp.util import (as_texts, atomic_path, bytes_sha256, coder_id, did_you_mean, file_sha256,
                          package_versions, sigmoid, softmax, write_atomic)


@pytest.mark.parametrize("given", [["a", None, float("nan"), 3], ("a", None, math.nan, 3),
                                   pd.Series(["a", None, None, "3"]), np.array(["a", None, None, 3], dtype=object)])
def test_as_texts_turns_missing_values_into_empty_text(given):
    assert as_texts(given) == ["a", "", "", "3"]


def test_as_texts_takes_a_one_column_frame_and_refuses_wider_ones():
    assert as_texts(pd.DataFrame({"t": ["x", "y"]})) == ["x", "y"]
    with pytest.raises(ValueError, match="2 columns"):
        as_texts(pd.DataFrame({"a": ["x"], "b": ["y"]}))


@pytest.mark.parametrize("bad", ["one text", b"bytes", 42])
def test_as_texts_refuses_what_is_not_a_sequence_of_texts(bad):
    with pytest.raises(ValueError, match="sequence of texts"):
        as_texts(bad)


def test_as_texts_strict_mode_names_the_bad_item():
    assert as_texts(["a", "b"], missing="raise") == ["a", "b"]
    with pytest.raises(ValueError, match="item 1 is NoneType"):
        as_texts(["a", None], missing="raise")
    with pytest.raises(ValueError, match="missing must be"):
        as_texts(["a"], missing="drop")


def test_did_you_mean_prefers_the_exact_case_then_ignores_case():
    assert did_you_mean("engagment", ["engagement", "endorsement"]) == " Did you mean 'engagement'?"
    assert did_you_mean("FEEDBACK", ["feedback", "ward"]) == " Did you mean 'feedback'?"
    assert did_you_mean("zzz", ["feedback", "ward"]) == ""
    # a looser cutoff finds more distant names
    assert did_you_mean("fdk", ["feedback"]) == ""
    assert did_you_mean("fdk", ["feedback"], cutoff=0.5) == " Did you mean 'feedback'?"


def test_coder_id_has_one_spelling():
    assert coder_id("impact-themes", "0123456789abcdef") == "model:impact-themes@0123456789ab"
    assert coder_id("zeroshot") == "model:zeroshot"
    assert coder_id("zeroshot").startswith(schema.MODEL_PREFIX)


def test_checksums_agree_for_a_file_and_its_bytes(tmp_path):
    path = tmp_path / "x.bin"
    data = os.urandom(3 << 20)  # several read blocks
    path.write_bytes(data)
    assert file_sha256(path) == bytes_sha256(data)
    assert len(file_sha256(path)) == 64


def test_atomic_path_leaves_the_target_untouched_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_atomic_path_keeps_an_existing_files_mode_and_refuses_a_missing_folder(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(InputError) as info:
        write_atomic(tmp_path / "nowhere" / "x.txt", b"")
    assert info.value.code == "E162"


def test_package_versions_records_python_and_installed_packages():
    versions = package_versions()
    assert versions["python"].count(".") == 2
    assert "numpy" in versions and "evalnlp" in versions
    assert "no-such-package-xyz" not in package_versions(["no-such-package-xyz"])


def test_sigmoid_and_softmax():
    assert sigmoid(np.array([0.0]))[0] == 0.5
    assert np.allclose(sigmoid(np.array([-800.0, 800.0])), [0.0, 1.0])
    p = softmax(np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]]))
    assert np.allclose(p.sum(axis=1), 1.0) and np.allclose(p[1], 1 / 3)
    assert p[0].argmax() == 2


TABLES = {
    "documents": schema.DOCUMENT_COLUMNS, "segments": schema.SEGMENT_COLUMNS, "codes": schema.CODE_COLUMNS,
    "sentiment": schema.SENTIMENT_COLUMNS, "reach": schema.REACH_COLUMNS, "runs": schema.RUN_COLUMNS,
    "rejects": schema.REJECT_COLUMNS, "sources": schema.SOURCE_COLUMNS,
    "segment_sources": schema.SEGMENT_SOURCE_COLUMNS, "inputs": schema.INPUT_COLUMNS,
    "letters": schema.LETTER_COLUMNS,
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_schema_lists_are_the_store_tables_columns(store, table):
    """schema.py documents the store: its column lists must be exactly the tables the migrations create."""
    actual = [row[0] for row in store.con.execute(f"DESCRIBE {table}").fetchall()]
    assert actual == TABLES[table]
