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
    """The unread passages count among those with no theme, and their documents in no share: evidence says how
    many there are, and what each share is of."""
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
                    "number or a date, such as a figure alone in a table's cell): the coders read English only, so they are coded with no theme and no "
                    "sentiment, and count among the passages with no theme; the 4 documents holding nothing else are "
                    "left out of every share, so each share is of the 3 documents the coders could read, not of the 7 "
                    "coded; read them yourself"]


# A tiny survey: three answers in English, three in Welsh (and a ward for each), coded as classify codes them.
MIXED = [("The nurses were kind and caring.", {"ward": "A"}, ["staff"]),
         ("Parking was far too expensive.", {"ward": "A"}, ["access"]),
         ("Nothing to say about the ward.", {"ward": "B"}, []),
         (WELSH[0], {"ward": "B"}, []), (WELSH[1], {"ward": "B"}, []), (WELSH[4], {"ward": "C"}, [])]


def test_a_share_is_of_the_documents_the_coders_could_read_in_every_table(tmp_path):
    """Three Welsh answers of six: staff is 1 of the 3 answers read (33%), not 1 of 6 (17%); ward B's shares are
    of its one English answer, and ward C, all Welsh, has no share; the reference computation agrees."""
    import sys

    from helpers import coded_store

    from evalnlp.codebook import load_codebook
    from evalnlp.evidence import build_evidence
    from evalnlp.store import Store

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent / "golden"))
    import reference_evidence

    coded_store(tmp_path / "p.duckdb", MIXED)
    cb = load_codebook("fft")
    with Store(tmp_path / "p.duckdb", read_only=True) as store:
        ev = build_evidence(store, cb, by="ward", quotes=False)
        ref = reference_evidence.load_corpus(store, cb)
        ref_n = reference_evidence._theme_table(ref, cb, reference_evidence.score_pairs(ref, cb, None))["n"]
    staff = ev.themes.set_index("theme").loc["staff"]
    assert (ev.documents_coded, ev.documents_unread, int(staff["n"]), int(staff["documents"])) == (6, 3, 3, 1)
    assert round(float(staff["share"]), 4) == 0.3333 and set(ref_n) == {3}
    sizes = ev.matrices["ward"].drop_duplicates("group").set_index("group")["n"].to_dict()
    assert sizes == {"A": 2, "B": 1}
    assert ev.to_json()["documents_unread"] == 3 and "3 of them left out of every share" in ev.unread_text
    assert ev.share_of == "documents the coders could read"
    from evalnlp.reports.html import render_html

    page = render_html(ev)
    assert ("6 documents coded (3 of them left out of every share: they hold nothing the coders could read, not in "
            "English or with no word), 6 passages") in page
    assert "Share = documents with the theme / documents the coders could read" in page
    assert "Themes by ward: documents with the theme / documents the coders could read in the group" in page
    from evalnlp.reports._common import note_rows

    assert dict(note_rows(ev))["share"].startswith("share = documents with the theme / documents the coders could read")


def test_a_store_the_coders_could_read_all_of_gives_the_shares_and_json_it_gave_before(tmp_path):
    from helpers import coded_store

    from evalnlp.codebook import load_codebook
    from evalnlp.evidence import build_evidence
    from evalnlp.store import Store

    coded_store(tmp_path / "p.duckdb", MIXED[:3])
    with Store(tmp_path / "p.duckdb", read_only=True) as store:
        ev = build_evidence(store, load_codebook("fft"), quotes=False)
    assert ev.documents_unread == 0 and set(ev.themes["n"]) == {3} and "documents_unread" not in ev.to_json()
    assert ev.unread_text == "" and ev.share_of == "documents coded"


def test_a_store_coded_before_the_unread_table_is_filled_in_when_migrated(tmp_path):
    """A version 5 store coded by a classify that checked the language (its run's arguments count the passages
    it could not read, which it gave no theme and no sentiment) has them recorded on migration, so its shares
    are of what was read; the English answer with no theme is not taken for one of them."""
    import json

    from helpers import coded_store

    from evalnlp.codebook import load_codebook
    from evalnlp.evidence import build_evidence
    from evalnlp.store import Store

    import pandas as pd

    coded_store(tmp_path / "p.duckdb", MIXED)
    with Store(tmp_path / "p.duckdb") as store, store.transaction():
        store.con.execute("DROP TABLE unread")
        store.con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
        store.con.execute("UPDATE runs SET args = ? WHERE command = 'classify'",
                          [json.dumps({"codebook": "fft", "not_english": 3, "no_words": 0})])
        run = store.table("runs").query("command == 'classify'")["run_id"].iloc[0]
        segs = store.table("segments").set_index("text")["seg_id"]
        read = [segs[text] for text, _, _ in MIXED[:3]]  # classify gives sentiment to what it reads, and only that
        store.replace_sentiment(pd.DataFrame({"seg_id": read, "label": "neutral", "score": 0.9}), "model:s", run)
    with Store(tmp_path / "p.duckdb", read_only=True) as store:  # not migrated yet: shares as before
        assert build_evidence(store, load_codebook("fft"), quotes=False).documents_unread == 0
    with Store(tmp_path / "p.duckdb") as store:
        assert store.schema_version() == 6
        marks = store.table("unread")
        ev = build_evidence(store, load_codebook("fft"), quotes=False)
    assert sorted(marks["kind"]) == ["not_english"] * 3 and ev.documents_unread == 3
    assert set(ev.themes["n"]) == {3}


def test_a_persons_code_on_a_passage_the_coders_could_not_read_makes_it_read(tmp_path):
    """A person who reads Welsh and codes an answer (a theme, or none) has read it: its document counts in the
    shares again."""
    import pandas as pd
    from helpers import coded_store

    from evalnlp.codebook import load_codebook
    from evalnlp.evidence import build_evidence
    from evalnlp.store import Store

    coded_store(tmp_path / "p.duckdb", MIXED)
    cb = load_codebook("fft")
    with Store(tmp_path / "p.duckdb") as store:
        segs = store.table("segments").set_index("text")["seg_id"]
        frame = pd.DataFrame([{"seg_id": segs[WELSH[1]], "theme": t, "assigned": t == "environment_facilities"}
                              for t in cb.theme_ids] +
                             [{"seg_id": segs[WELSH[4]], "theme": t, "assigned": False} for t in cb.theme_ids])
        with store.transaction():
            run = store.start_run("codes", {})
            store.put_human_codes(frame, "human:alice", run)
            store.finish_run(run, n_in=2, n_ok=2, n_rejected=0)
        ev = build_evidence(store, cb, quotes=False)
    assert ev.documents_unread == 1 and set(ev.themes["n"]) == {5}
    env = ev.themes.set_index("theme").loc["environment_facilities"]
    assert (int(env["documents"]), round(float(env["share"]), 4)) == (1, 0.2)


def test_the_check_imports_no_spacy():
    """The check runs on classify's path, where a codebook's shipped model may need no spaCy at all (fft): its word
    list is read without spaCy's stop words, which made every classify import spaCy."""
    import subprocess
    import sys

    code = ("import sys\nfrom evalnlp.language import readable\n"
            "assert readable(['Staff were kind', 'Roedd y toiledau yn fudr']) == ['english', 'not_english']\n"
            "print('spacy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
