"""Defects found by reading invented passages the way a case study writes them: a sentence that ends with a
publication word before a quotation, nested curly quotes, curly apostrophes in names, labels and headings next
to a quotation, scare quotes before a speaker, Markdown emphasis and reach figures that count the team itself.
Invented sentences only.
"""

from __future__ import annotations

import pytest

from evalnlp.ingest import narrative as N


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "model"])
def nlp(request):
    return N.load_pipeline(prefer_model=request.param)


@pytest.mark.parametrize("noun", ["scheme", "programme", "report", "project", "book"])
def test_a_publication_word_ending_the_sentence_before_does_not_make_the_quote_a_title(noun, nlp):
    passage = (f"Parents in Hillford praised the {noun}. \"It has changed the way our children talk about "
               f"books at home,\" said Mr Tom Reed, Head of Hillford School [2].")
    [t] = N.extract_testimonials(passage, nlp=nlp)
    assert t.quote.startswith("It has changed the way")
    assert (t.speaker, t.source_ref) == ("Mr Tom Reed, Head of Hillford School", "[2]")
