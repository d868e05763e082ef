"""Fixtures for the REFI-QDA tests: the golden store, the official schemas, a project from another program."""

from __future__ import annotations

import pytest
from qda_helpers import (CODEBOOK_YAML, NOTE, SCHEMAS, Foreign, foreign_members, foreign_project_xml, golden,
                         write_zip)


@pytest.fixture(scope="session")
def project_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / "Project.xsd")))


@pytest.fixture(scope="session")
def codebook_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(SCHEMAS / "Codebook.xsd")))


@pytest.fixture
def golden_store(tmp_path):
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    store = Store(tmp_path / "golden.duckdb")
    golden.build_store(store, load_codebook("impact").theme_ids)
    yield store
    store.close()


@pytest.fixture
def foreign(tmp_path) -> Foreign:
    path = write_zip(tmp_path / "breakfast.qdpx", foreign_members(foreign_project_xml()))
    codebook = tmp_path / "breakfast.yaml"
    codebook.write_text(CODEBOOK_YAML, encoding="utf-8")
    a, b = "human:Friedrich Markgraf", "human:Sebastian Petrausch"
    coke = "Coke \U0001F600 for breakfast"
    return Foreign(
        path=path, codebook=codebook,
        expected_segments={"Mabel.docx": {coke, "It makes me happy", "happy"},
                           "Note.txt": {"diet coke", NOTE}, "Kellogg.pdf": {"Granola with milk"}},
        expected_codes={(coke, "diet_coke", a), (coke, "food", a), ("It makes me happy", "feeling_happy", b),
                        ("happy", "feeling_happy", b), ("diet coke", "diet_coke", a), (NOTE, "food", a),
                        ("Granola with milk", "food", b)},
    )
