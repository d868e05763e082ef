"""Passages the coders cannot read (not in English, or with no word) are told apart cheaply, with no download
(classify then gives them no theme and no sentiment: tests/cli/test_classify_output.py)."""

from __future__ import annotations

from evalnlp.language import ENGLISH, NO_WORDS, NOT_ENGLISH, readable

WELSH = ["Roedd yr amser aros yn rhy hir", "Roedd y toiledau yn fudr", "Staff yn garedig iawn", "Da iawn",
         "Diolch i bawb ar ward 7 am eu gofal"]
OTHER = ["Czekałem za długo na wizytę", "Lekarz nie wyjaśnił mi wyników badań", "انتظار بہت لمبا تھا"]
ENGLISH_ANSWERS = [
    "The nurses were kind and explained everything.", "THE WAITING TIME WAS DISGRACEFUL AND NOBODY CARED",
    "Staff yn garedig iawn but the waiting time was awful",  # mixed: English enough to read
    "Jen and Diane were lovely", "Absolutly brilliant servuce from the team", "Earplugs", "Nope",  # names, typos, one word
    "<p>The nurse was <b>very</b> kind</p>", "See https://www.example.org/complaints for my complaint",
]
NO_WORD = ["😊", "👍👍👍", "x", "10", "2024-03-14", "14/03/2024"]


def test_readable_tells_english_from_welsh_polish_urdu_and_answers_without_words():
    assert readable(WELSH + OTHER) == [NOT_ENGLISH] * len(WELSH + OTHER)
    assert readable(ENGLISH_ANSWERS) == [ENGLISH] * len(ENGLISH_ANSWERS)
    assert readable(NO_WORD) == [NO_WORDS] * len(NO_WORD)


def test_evidence_says_how_many_passages_with_no_theme_the_coders_could_not_read(tmp_path):
    """Each share counts the unread passages among those with no theme: evidence says how many there are, so
    a share of 20% over a store half in Welsh is not read as 20% of what people wrote."""
    from helpers import coded_store

    from evalnlp.codebook import load_codebook
    from evalnlp.evidence import build_evidence
    from evalnlp.store import Store

    coded_store(tmp_path / "p.duckdb", [("The nurses were kind and caring.", {}, ["staff"]),
                                        ("Parking was far too expensive.", {}, ["access"]),
                                        (WELSH[0], {}, []), (WELSH[1], {}, []), (OTHER[2], {}, []), ("😊", {}, []),
                                        ("Nothing to say about the ward.", {}, [])])
    with Store(tmp_path / "p.duckdb") as store:
        ev = build_evidence(store, load_codebook("fft"), quotes=False)
    assert ev.segments_no_theme == 5
    said = [n for n in ev.notes if "look not to be in English" in n]
    assert said == ["of the 7 passages coded, 3 look not to be in English and 1 has no word to read (an emoji, a "
                    "number, a date): the coders read English only, so they are coded with no theme and no "
                    "sentiment, and each share counts them among the passages with no theme; read them yourself"]
