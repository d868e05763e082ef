"""scripts/build_static_model.py: the parts that run outside the build venv (options, corpus vocabulary)."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from helpers import REPO

SCRIPT = REPO / "scripts" / "build_static_model.py"


def load_script():
    """Import scripts/build_static_model.py by path."""
    name = "build_static_model"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def write_corpus(path: Path, records: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    return path


def test_defaults_still_build_the_shipped_model():
    args = load_script().parse_args([])
    assert args.teacher is None and args.vocab_corpus is None and args.vocab_size == 0
    assert args.out == REPO / "src" / "evalnlp" / "models" / "minilm-static"


def test_teacher_vocabulary_keeps_whole_words_only(tmp_path):
    spec = {"model": {"type": "WordPiece", "vocab": {"[PAD]": 0, "policy": 1, "##ing": 2, "health": 3}}}
    (tmp_path / "tokenizer.json").write_text(json.dumps(spec), encoding="utf-8")
    assert load_script().teacher_vocabulary(tmp_path) == {"[PAD]", "policy", "health"}


def test_excluded_case_studies_reads_either_id_column(tmp_path):
    build = load_script()
    train = tmp_path / "train.csv"
    train.write_text("id,case_study_id,quote\nq1,101,a\nq2,102,b\n", encoding="utf-8")
    dev = tmp_path / "dev.csv"
    dev.write_text("id,quote\n201-1,a\n201-2,b\n3-4-5,c\n", encoding="utf-8")
    assert build.excluded_case_studies([train, dev]) == {"101", "102", "201", "3-4"}
    bad = tmp_path / "bad.csv"
    bad.write_text("quote\na\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="neither a case_study_id nor an id"):
        build.excluded_case_studies([bad])


def test_corpus_vocabulary_counts_new_words_outside_the_excluded_case_studies(tmp_path):
    build = load_script()
    corpus = write_corpus(tmp_path / "c.jsonl.gz", [
        {"case_study_id": "1", "title": "Carers and carers", "summary": "Carers' wellbeing; policymakers",
         "impact_details": "wellbeing 2014 x1 ab policy", "sources": "ignored ignored ignored"},
        {"case_study_id": "2", "summary": "policymakers heard carers", "underpinning_research": None},
        {"case_study_id": "9", "summary": "secretword secretword secretword secretword"},
    ])
    words, stats = build.corpus_vocabulary(corpus, size=10, min_count=2, known={"policy"}, exclude={"9"})
    # carers 4, policymakers 2, wellbeing 2; digits, short tokens, known words, the sources field and the
    # excluded case study are not counted.
    assert words == ["carers", "policymakers", "wellbeing"]
    assert stats["case_studies_used"] == 2 and stats["case_studies_excluded"] == 1
    top, _ = build.corpus_vocabulary(corpus, size=1, min_count=1, known=set(), exclude=set())
    assert top == ["carers"]
