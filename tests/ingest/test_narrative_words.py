"""The speaker word lists live in one data module, each list without duplicates."""

import pytest

from evalnlp.ingest import _narrative_speaker, _narrative_words


def test_a_list_that_names_a_word_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        _narrative_words._words("said wrote said")


def test_multi_word_entries_are_joined_by_underscores():
    assert _narrative_words._words("in_addition for_example") == {"in addition", "for example"}


def test_every_list_is_a_non_empty_set_of_lower_case_entries():
    lists = {k: v for k, v in vars(_narrative_words).items() if k.isupper()}
    assert len(lists) >= 25
    for name, words in lists.items():
        assert isinstance(words, frozenset) and words, name
        assert all(w == w.strip() and "  " not in w for w in words), name
        assert all(w == w.lower() for w in words), name


def test_the_speaker_module_reads_its_lists_from_the_data_module():
    assert _narrative_speaker.PERSON_NOUNS is _narrative_words.PERSON_NOUNS
    assert _narrative_speaker.ATTR_LEMMAS is _narrative_words.ATTRIBUTION_LEMMAS
    assert "said" in _narrative_speaker.RULE_VERBS


def test_a_firms_ltd_ends_a_sentence_but_a_title_does_not():
    from evalnlp.ingest._narrative_text import sentence_starts

    text = "The tool went to Harrow Pumps Ltd. The firm trains fitters with it. Dr. Roe of Beta Inc. said so."
    starts = sentence_starts(text, [])
    assert [text[s:s + 8] for s in starts] == ["The tool", "The firm", "Dr. Roe "]
