"""Fixtures for the report tests: the small fixed corpus of ``tests/golden/corpus.py`` in a store."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("evidence_corpus", GOLDEN / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corpus():
    return load_corpus_module()


@pytest.fixture(scope="session")
def cb():
    from evalnlp.codebook import load_codebook

    return load_codebook("impact")


@pytest.fixture(scope="session")
def report_store(tmp_path_factory, cb, corpus):
    from evalnlp.store import Store

    store = Store(tmp_path_factory.mktemp("reports") / "fixture.duckdb")
    corpus.build_store(store, cb.theme_ids)
    yield store
    store.close()


@pytest.fixture(scope="session")
def claims_path(tmp_path_factory, corpus) -> Path:
    path = tmp_path_factory.mktemp("claims") / "claims.yaml"
    path.write_text(corpus.CLAIMS_YAML, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def evidence(report_store, cb, claims_path):
    from evalnlp.evidence import build_evidence

    return build_evidence(report_store, cb, by=["programme"], claims=claims_path)


@pytest.fixture(scope="session")
def quotes(report_store, cb):
    import pandas as pd

    from evalnlp.quotes import load_corpus, rank_quotes

    shared = load_corpus(report_store, cb)
    return pd.concat([rank_quotes(report_store, cb, t, n=2, corpus=shared) for t in ("engagement", "practice_change")],
                     ignore_index=True)
