"""A narrative file read again with the very same contents is not stored a second time.

What a file's bytes yield can change between versions of evalnlp (PDF pages read paragraph by paragraph, say).
A store kept across such a change must not store every paragraph of an unchanged file again beside the first
reading, where evidence and claims would count both: the same bytes under the same name are not read again,
and `replace` reads them afresh when that is wanted. The earlier version's reading is played here by a reader
that gives the whole file as one paragraph, as PDF pages were read before their paragraphs were found.
"""

from __future__ import annotations

import pytest

from evalnlp import api
from evalnlp.ingest import readers
from evalnlp.ingest._base import Passage
from evalnlp.store import Store

REPORT = """The programme reached 120 senior clinicians and managers across the region in two years.

The Medical Director wrote: "The fellows came back speaking the language of operations, and our divisional \
meetings changed."

A second cohort began in the spring, with places for forty more fellows from community services.
"""


def _one_paragraph(path, *args, **kwargs):
    """The file's text as a single passage (an earlier version's reading of the same bytes)."""
    return [Passage("page 1", " ".join(p.text for p in REAL_READER(path, *args, **kwargs)))]


REAL_READER = readers.read_narrative


def _n_documents(store: Store) -> int:
    return len(store.narrative_documents(texts=False))


def test_the_same_file_read_by_a_newer_reading_is_not_stored_twice(tmp_path, monkeypatch):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        with monkeypatch.context() as patched:
            patched.setattr(readers, "read_narrative", _one_paragraph)
            first = api.ingest(store, [path])
        assert first.files[0].n_new == 1 and _n_documents(store) == 1

        again = api.ingest(store, [path])
        assert _n_documents(store) == 1, "the unchanged file's paragraphs were stored beside its earlier reading"
        report = again.files[0]
        assert report.unchanged and (report.n_in, report.n_ok, report.n_new) == (0, 0, 0)
        assert any("the same file as read before" in note and "replace=True" in note for note in again.notes)

        afresh = api.ingest(store, [path], replace=True)
        assert not afresh.files[0].unchanged
        assert afresh.files[0].n_ok == 3 and _n_documents(store) == 3


def test_an_edited_file_is_read_again(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [path])
        path.write_text(REPORT + "\nA third cohort is planned for next year, with sixty places.\n", encoding="utf-8")
        again = api.ingest(store, [path])
        assert not again.files[0].unchanged
        assert (again.files[0].n_in, again.files[0].n_new) == (4, 1)
        assert _n_documents(store) == 4


@pytest.mark.parametrize("name", ["report.txt", "copy of report.txt"])
def test_a_copy_under_another_name_is_read_as_that_file(tmp_path, name):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "report.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b" / name).write_text(REPORT, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.ingest(store, [tmp_path / "a" / "report.txt"])
        again = api.ingest(store, [tmp_path / "b" / name])
        assert _n_documents(store) == 3
        assert again.files[0].n_new == 0
