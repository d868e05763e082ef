"""The labelled redaction sample stays consistent with the data it points at (bench/redact_sample.json, bench/redact_gold.json)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from helpers import REPO

SAMPLE = REPO / "bench" / "redact_sample.json"
GOLD = REPO / "bench" / "redact_gold.json"
FFT = REPO / "corpora" / "nhs_fft" / "text_data.csv"
NAME_KINDS = {"first", "full", "title", "surname", "citation"}


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE.exists() and GOLD.exists() and FFT.exists()):
        pytest.skip("the redaction sample or the FFT corpus is not in this checkout")
    return json.loads(SAMPLE.read_text())["items"], json.loads(GOLD.read_text())["items"]


def test_every_item_is_labelled_once_and_the_parts_do_not_overlap(sample):
    items, gold = sample
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids)) and set(ids) == set(gold)
    assert {it["split"] for it in items} == {"dev", "test", "test2", "test3", "test4", "test5"}
    rows, cases = {}, {}
    for it in items:
        if it["source"] == "fft":
            rows.setdefault(it["row_index"], set()).add(it["split"])
        else:
            cases.setdefault(it["case_study_id"], set()).add(it["split"])
    assert all(len(splits) == 1 for splits in rows.values())
    # the later held-out parts share no case study with any other part
    assert all(len(splits) == 1 for cid, splits in cases.items() if splits & {"test2", "test3", "test4", "test5"})


def test_fft_labels_point_at_words_of_the_comment_they_name(sample):
    items, gold = sample
    df = pd.read_csv(FFT, dtype=str, keep_default_na=False)  # a comment reading "None" is text, not a gap
    text_of = dict(zip(df["row_index"].astype(int), df["feedback"].astype(str)))
    for it in (it for it in items if it["source"] == "fft"):
        text = text_of[it["row_index"]]
        assert hashlib.sha1(text.encode("utf-8")).hexdigest()[:12] == it["sha1"], it["id"]
        for group, spans in gold[it["id"]].items():
            assert group in ("names", "not_names", "either")
            for start, end, kind in spans:
                assert 0 <= start < end <= len(text), it["id"]
                assert text[start].isalpha() and text[end - 1].isalpha(), (it["id"], text[start:end])
                assert (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())
                if group == "names":
                    assert kind in NAME_KINDS, (it["id"], kind)
