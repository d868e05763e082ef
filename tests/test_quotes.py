"""Quote ranking: attribution, de-duplication, grouping, redaction, and quotes that are the passages' own words."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from helpers import code_by_hand, ingested_report

from evalnlp.codebook import load_codebook
from evalnlp.errors import CodebookError, InputError
from evalnlp.quotes import QUOTE_COLUMNS, quotes_to_json, rank_quotes, readability
from evalnlp.redact import LABELS
from evalnlp.store import Store

GOLDEN = Path(__file__).parent / "golden"


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("evidence_corpus", GOLDEN / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = load_corpus_module()
PLACEHOLDER = re.compile(r"\[(?:" + "|".join(LABELS) + r")\]")


@pytest.fixture(scope="module")
def cb():
    return load_codebook("impact")


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory, cb):
    store = Store(tmp_path_factory.mktemp("q") / "fixture.duckdb")
    corpus.build_store(store, cb.theme_ids)
    yield store
    store.close()


def matches_apart_from_redactions(quote: str, passage: str) -> bool:
    """True when ``quote`` is ``passage`` (whitespace collapsed) with some stretches replaced by placeholders."""
    collapsed = " ".join(passage.split())
    pieces = PLACEHOLDER.split(quote)
    pattern = ".+?".join(re.escape(p) for p in pieces)
    return re.fullmatch(pattern, collapsed, flags=re.DOTALL) is not None


def test_quotes_have_the_contract_columns_and_are_ranked(fixture_store, cb):
    df = rank_quotes(fixture_store, cb, "engagement", n=3)
    assert list(df.columns[: len(QUOTE_COLUMNS)]) == QUOTE_COLUMNS
    assert len(df) == 3
    assert df["score"].is_monotonic_decreasing
    assert (df["theme"] == "engagement").all()
    assert all(isinstance(a, dict) for a in df["attrs"])


def test_near_duplicates_and_overlapping_passages_are_dropped(fixture_store, cb):
    df = rank_quotes(fixture_store, cb, "engagement", n=10)
    texts = set(df["text"])
    assert not {"Our team now involves patients in every improvement project.",
                "Our team now involves patients in every improvement project!"} <= texts
    # paragraph 1's sentence and the testimonial inside it overlap: only one of them is quoted
    assert (df["doc_id"].value_counts() == 1).all()
    assert len(df) == 3  # answers 1, 8 (or 9) and paragraph 1


def test_testimonials_keep_their_attribution(fixture_store, cb):
    df = rank_quotes(fixture_store, cb, "endorsement", n=5)
    by_source = df.set_index("source")
    assert "case_study.txt" in by_source.index and "survey.csv" in by_source.index
    narrative = df[df["source"] == "case_study.txt"].iloc[0]
    assert narrative["locator"] == "paragraph 2"
    rows = rank_quotes(fixture_store, cb, "practice_change", n=5)
    testimonial = rows[rows["speaker"].notna()]
    for row in testimonial.itertuples():
        assert row.speaker == "one participant" and row.source_ref == "[H]"


def test_quotes_by_group_give_the_best_n_per_group(fixture_store, cb):
    df = rank_quotes(fixture_store, cb, "engagement", n=1, by="programme")
    assert df["group"].tolist() == ["Edward Jenner", "Mary Seacole", "(missing)"]
    assert df.loc[df["group"] == "Mary Seacole", "locator"].item() == "row 2"
    for _, part in df.groupby("group"):
        assert len(part) == 1


def test_quotes_are_redacted_by_default(fixture_store, cb):
    red = rank_quotes(fixture_store, cb, "relationships", n=5)
    plain = rank_quotes(fixture_store, cb, "relationships", n=5, redact=False)
    assert corpus.ANSWERS[2][0] in set(plain["text"])
    assert not any("07700" in t or "Amelia" in t for t in red["text"])
    redacted = red[red["redactions"] > 0].iloc[0]
    assert "[PHONE]" in redacted["text"] and "[NAME]" in redacted["text"]
    assert redacted["redactions"] == 2


def test_quotes_to_json(fixture_store, cb):
    doc = quotes_to_json(rank_quotes(fixture_store, cb, "practice_change", n=2, by="cohort"))
    assert set(doc) == {"quotes"}
    first = doc["quotes"][0]
    assert list(first)[: len(QUOTE_COLUMNS)] == QUOTE_COLUMNS
    assert "group" in first
    json.dumps(doc)


def test_errors_and_empty_results(fixture_store, cb):
    with pytest.raises(CodebookError) as err:
        rank_quotes(fixture_store, cb, "engagment")
    assert err.value.code == "E220" and "engagement" in err.value.message
    with pytest.raises(InputError) as err:
        rank_quotes(fixture_store, cb, "engagement", by="colour")
    assert err.value.code == "E150" and "programme" in err.value.message
    with pytest.raises(InputError) as err:
        rank_quotes(fixture_store, cb, "engagement", n=0)
    assert err.value.code == "E158"
    empty = rank_quotes(fixture_store, cb, "policy_influence")
    assert empty.empty and list(empty.columns[: len(QUOTE_COLUMNS)]) == QUOTE_COLUMNS
    assert quotes_to_json(empty) == {"quotes": []}


def test_readability_prefers_whole_sentences_of_moderate_length():
    texts = pd.Series([
        "The programme gave me the confidence to speak up in meetings.",   # whole sentence, 11 words
        "gave me the confidence to speak up in meetings",                   # fragment
        "THE PROGRAMME GAVE ME THE CONFIDENCE TO SPEAK UP IN MEETINGS.",    # shouting
        "Good.",                                                             # very short
        " ".join(["The course was long."] * 40),                             # 160 words
    ])
    score = readability(texts)
    assert score[0] == 1.0
    assert score[0] > score[1] and score[0] > score[2] and score[0] > score[3] and score[0] > score[4]
    assert ((score >= 0) & (score <= 1)).all()


def test_readability_counts_chinese_and_japanese_words_and_marks():
    """Chinese and Japanese put no spaces between words: a whole sentence in them is one run of characters, which
    counted by spaces is one word and scored as a fragment. Each Han character and run of kana is a word, and
    their full-width end marks end a sentence, so they are scored as English of the same length is."""
    sentence = "这个项目让我有信心在会议上发言，并向资深同事提出问题。"  # 25 Han characters
    texts = pd.Series([
        sentence,
        "很好",                                                  # 2 words
        "研修のおかげで、会議で自分の意見を言えるようになりました。",  # Japanese, 16 words
        "「チームで話し合う時間が増えた」",                       # a quotation in corner brackets
        "我们" * 100 + "。",                                      # 200 words
        "The programme gave me the confidence to speak up in meetings.",
    ])
    score = readability(texts, pd.Series([False, False, False, True, False, False]))
    assert score.tolist()[:4] == [1.0, round(0.6 * 2 / 8 + 0.2, 6), 1.0, 1.0]  # "很好": a start, no end mark
    assert score[4] == round(0.6 * max(0.0, 1 - (200 - 60) / 60) + 0.4, 6) == 0.4
    assert score[5] == 1.0  # English as before
    # counted by spaces the sentence was one word and lacked its start and end marks
    assert score[0] > round(0.6 * 1 / 8, 6)


def test_chinese_whole_sentences_rank_above_fragments(tmp_path, cb):
    """Counted by spaces every Chinese answer was one word, so a two-character fragment ranked with (or above) a
    whole sentence; counted by its characters a whole sentence comes first, as in English."""
    from evalnlp import api

    answers = ["很好", "这个项目让我有信心在会议上发言，并向资深同事提出问题。", "我们的团队现在让病人参与每一个改进项目。",
               "学到了很多"]
    pd.DataFrame({"id": ["1", "2", "3", "4"], "text": answers, "themes": ["capability"] * 4}).to_csv(
        tmp_path / "zh.csv", index=False)
    with Store(tmp_path / "zh.duckdb") as store:
        api.import_codes(store, tmp_path / "zh.csv", text="text", id="id", labels_column="themes", coder="ann")
        ranked = rank_quotes(store, cb, "capability", n=4, redact=False)
    assert set(ranked["text"].iloc[:2]) == set(answers[1:3]) and ranked["text"].iloc[-1] == "很好"


# ---------------------------------------------------------------------------------------- property

WORDS = ["the", "team", "helped", "me", "lead", "our", "ward", "and", "patients", "now", "take", "part", "in",
         "decisions", "Programme", "really", "changed", "how", "I", "work"]
PII = ["Sarah Jones", "Dr Patel", "07700 900123", "jo.bloggs@example.org", "NG5 1PB", "943 476 5919",
       "https://example.org/page", "Mrs Watson"]
SPACES = [" ", "  ", "\n", " \t "]


@st.composite
def answers(draw):
    n = draw(st.integers(1, 6))
    out = []
    for _ in range(n):
        tokens = draw(st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(PII)), min_size=1, max_size=18))
        gaps = draw(st.lists(st.sampled_from(SPACES), min_size=len(tokens), max_size=len(tokens)))
        text = "".join(t + g for t, g in zip(tokens, gaps))
        text = text[0].upper() + text[1:] + draw(st.sampled_from(["", ".", "!"]))
        out.append(text)
    return out


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=answers(), redact=st.booleans(), by=st.sampled_from([None, "site"]))
def test_every_quote_is_its_passage_apart_from_redactions(tmp_path_factory, cb, texts, redact, by):
    store = Store(tmp_path_factory.mktemp("prop") / "p.duckdb")
    try:
        with store.transaction():
            run = store.start_run("ingest", {})
            frame = pd.DataFrame({"source": "s.csv", "locator": [f"row {i}" for i in range(len(texts))],
                                  "kind": "response", "question": "q", "text": texts,
                                  "attrs": [json.dumps({"site": "AB"[i % 2]}) for i in range(len(texts))]})
            new = store.insert_documents(frame, run, returning=True)
            store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "response", "start": 0,
                                                "end": new["text"].str.len(), "text": new["text"],
                                                "speaker": None, "source_ref": None}))
            seg = store.table("segments")
            store.replace_codes(pd.DataFrame({"seg_id": seg["seg_id"], "theme": "engagement", "score": 0.8,
                                              "assigned": True}), "model:m", run)
            store.finish_run(run, n_in=len(texts), n_ok=len(texts), n_rejected=0)
        df = rank_quotes(store, cb, "engagement", n=10, by=by, redact=redact)
        docs = store.table("documents").set_index("doc_id")["text"]
        assert len(df) >= 1
        for row in df.itertuples():
            passage = docs[row.doc_id][row.start:row.end]
            assert matches_apart_from_redactions(row.text, passage), (row.text, passage)
            if not redact:
                assert row.text == " ".join(passage.split())
            else:
                for item in ("07700 900123", "jo.bloggs@example.org", "NG5 1PB", "943 476 5919", "Sarah Jones",
                             "example.org"):
                    assert item not in row.text
    finally:
        store.close()


def test_speakers_are_redacted_with_the_quote(tmp_path, cb):
    text = "\u201cThe network changed how our whole region plans its services,\u201d said Professor Ruth Okafor [B]."
    store = Store(tmp_path / "s.duckdb")
    try:
        with store.transaction():
            run = store.start_run("ingest", {})
            new = store.insert_documents(pd.DataFrame({"source": "case.txt", "locator": ["paragraph 1"],
                                                       "kind": "narrative", "question": None, "text": [text],
                                                       "attrs": "{}"}), run, returning=True)
            quote = text[1:text.index(",\u201d")]
            store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "testimonial", "start": [1],
                                                "end": [1 + len(quote)], "text": [quote],
                                                "speaker": ["Professor Ruth Okafor"], "source_ref": ["[B]"]}))
            seg = store.table("segments")
            store.replace_codes(pd.DataFrame({"seg_id": seg["seg_id"], "theme": "relationships", "score": 0.9,
                                              "assigned": True}), "model:m", run)
            store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
        red = rank_quotes(store, cb, "relationships").iloc[0]
        plain = rank_quotes(store, cb, "relationships", redact=False).iloc[0]
    finally:
        store.close()
    assert plain["speaker"] == "Professor Ruth Okafor"
    assert red["speaker"] == "Professor [NAME]" and red["source_ref"] == "[B]"
    assert red["text"] == "The network changed how our whole region plans its services"


def test_a_name_replaced_in_the_speaker_counts_among_the_redactions():
    from evalnlp.codebook import load_codebook
    from evalnlp.quotes import finish_quotes

    frame = pd.DataFrame({"theme": ["engagement"], "quote": ["The programme transformed how we run the ward."],
                          "score": [0.9], "doc_id": ["d"], "source": ["case.txt"], "locator": ["paragraph 3"],
                          "speaker": ["Dr Jane Smith, Medical Director of Northshire NHS Trust"],
                          "source_ref": ["[5.2]"], "attrs": [{}], "seg_id": ["s"], "start": [0], "end": [46],
                          "confidence": [0.8], "representativeness": [0.5], "readability": [0.9]})
    out = finish_quotes(frame, load_codebook("impact"), redact=True)
    assert out["speaker"].item() == "Dr [NAME], Medical Director of Northshire NHS Trust"
    assert out["redactions"].item() == 1
    assert finish_quotes(frame, load_codebook("impact"), redact=False)["redactions"].item() == 0


REPORT = (
    "Evaluation of the Northfield leadership programme\n\n"
    "The programme ran for two years across four trusts. One ward manager told us: \"Before the programme I "
    "dreaded the monthly meeting with finance. Now I go in with my own figures and we agree a plan together. "
    "The whole team has noticed the change in how I lead.\" [C] Another participant said the course had helped "
    "her to build better relationships with the consultants on her unit.\n\n"
    "Staff engagement scores rose in every trust. \"I used to think leadership was a job title. It is not. It "
    "is how you treat people every day on the ward,\" said a matron.\n"
)


@pytest.fixture(scope="module")
def told_store(tmp_path_factory):
    """A report read by the real ingest (sentences and testimonials), its sentences coded by hand."""
    store, seg = ingested_report(tmp_path_factory.mktemp("told"), "report.txt", REPORT)
    sent = seg[seg["kind"] == "sentence"]

    def ids(*starts):
        return [sent.loc[sent["text"].str.startswith(s), "seg_id"].item() for s in starts]

    codes = pd.DataFrame({"seg_id": ids("One ward manager told us") + ids("The whole team has")
                          + ids("It is how you treat") + ids("Another participant said") + ids("Now I go in"),
                          "theme": ["capability", "attitude_change", "endorsement", "relationships", "engagement"],
                          "score": 0.9, "assigned": True})
    code_by_hand(store, codes)
    yield store
    store.close()


@pytest.mark.parametrize("theme,text,speaker,ref", [
    # the sentence opens the quotation: the narration before the mark is not the speaker's words
    ("capability", "Before the programme I dreaded the monthly meeting with finance.", "One ward manager", "[C]"),
    # it closes the quotation: no stray closing mark
    ("attitude_change", "The whole team has noticed the change in how I lead.", "One ward manager", "[C]"),
    # it closes a quotation whose speaker comes after it: neither the comma nor "said a matron" is quoted
    ("endorsement", "It is how you treat people every day on the ward", "a matron", None),
    # wholly inside the quotation: the words as they are, with the speaker
    ("engagement", "Now I go in with my own figures and we agree a plan together.", "One ward manager", "[C]"),
    # a sentence outside every quotation is left alone
    ("relationships", "Another participant said the course had helped her to build better relationships with "
     "the consultants on her unit.", None, None),
])
def test_a_sentence_of_a_testimonial_is_quoted_as_the_speakers_words(told_store, cb, theme, text, speaker, ref):
    docs = told_store.document_texts(told_store.table("documents")["doc_id"])
    for redact in (False, True):
        row = rank_quotes(told_store, cb, theme, n=1, redact=redact).iloc[0]
        assert (row["text"], row["speaker"], row["source_ref"]) == (text, speaker, ref)
        assert docs[row["doc_id"]][row["start"]:row["end"]] == text
    from evalnlp.evidence import build_evidence

    ev = build_evidence(told_store, cb, redact=False)
    cell = ev.themes.set_index("theme").loc[theme]
    assert (cell["quote"], cell["quote_speaker"], cell["quote_source_ref"]) == (text, speaker, ref)


def test_a_claims_quote_from_inside_a_testimonial_carries_its_speaker(told_store, cb):
    from evalnlp.evidence import Claim, build_evidence

    ev = build_evidence(told_store, cb, redact=False, claims=[Claim("c1", "Leaders grew.", ("capability",))])
    (quote,) = ev.claims.iloc[0]["quotes"]
    assert (quote["text"], quote["speaker"], quote["source_ref"]) == (
        "Before the programme I dreaded the monthly meeting with finance.", "One ward manager", "[C]")


TWIN = ("Dr Amara Okonkwo, Clinical Director for Surgery, said: \u201cWe used to argue about beds every single "
        "morning on the ward. Now we plan the discharges together with the managers. It is a different "
        "relationship.\u201d [C]\n")


def test_a_second_copy_of_a_testimonial_does_not_come_back_as_its_sentences(tmp_path, cb):
    """The same report read from two files (a Word draft and its Markdown) holds the same testimonial twice;
    the copy is dropped as a duplicate, and so are its sentences, which are the same words again."""
    from evalnlp.api import ingest

    (tmp_path / "report.docx.txt").write_text(TWIN, encoding="utf-8")
    (tmp_path / "report.md").write_text(TWIN, encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [tmp_path / "report.docx.txt", tmp_path / "report.md"])
    seg = store.table("segments")
    codes = pd.DataFrame({"seg_id": seg["seg_id"], "theme": "relationships", "score": 0.9, "assigned": True})
    code_by_hand(store, codes)
    quotes = rank_quotes(store, cb, "relationships", n=10, redact=False)
    store.close()
    texts = list(quotes["text"])
    assert texts[0].startswith("We used to argue about beds")
    for i, a in enumerate(texts):
        for j, b in enumerate(texts):
            assert i == j or a not in b, (a, b)


def test_one_answer_given_thousands_of_times_does_not_crowd_out_the_others(tmp_path, cb):
    """An answer pasted into 3,000 rows (a default left in a survey form) filled the store's candidates with
    copies of itself, and ``quotes -n 5`` came back with 3 quotes; it now takes one place, the others come too,
    per group as well as overall."""
    from evalnlp.api import ingest

    same = "The programme was excellent and I would recommend it to every colleague."
    others = ["I would strongly recommend this course to other clinical leaders.",
              "An outstanding programme, very well run and worth the time.",
              "Excellent course; I recommend it to anyone moving into management.",
              "The best training I have had in twenty years, highly recommended.",
              "Brilliant facilitators made this a superb programme overall.",
              "I have already recommended it to two consultants in my department."]
    rows = [(i, same, "north" if i % 2 else "south") for i in range(3000)]
    rows += [(5000 + j, text, "north" if j % 2 else "south") for j, text in enumerate(others)]
    pd.DataFrame(rows, columns=["id", "answer", "site"]).to_csv(tmp_path / "survey.csv", index=False)
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [tmp_path / "survey.csv"], text=["answer"], id="id", meta=["site"])
    seg = store.table("segments")
    # the copies score highest, so that, without a limit on them, every candidate place is theirs
    score = seg["text"].eq(same).map({True: 0.95, False: 0.6})
    code_by_hand(store, pd.DataFrame({"seg_id": seg["seg_id"], "theme": "endorsement", "score": score,
                                      "assigned": True}))
    overall = rank_quotes(store, cb, "endorsement", n=5, redact=False)
    by_site = rank_quotes(store, cb, "endorsement", n=3, by="site", redact=False)
    # the store's candidates are the best k of all codes with each text at most COPIES times, though the copies
    # fill the first places by every guess the store makes before reading the texts
    from evalnlp.corpus import load_corpus
    from evalnlp.quotes import candidate_weights
    from evalnlp.store import COPIES

    wc, wr, wa = candidate_weights()
    with load_corpus(store, cb) as corpus:
        got = corpus.candidates(["endorsement"], 4, (wc, wr, wa))
        pairs = corpus.pairs[corpus.pairs["theme"] == "endorsement"].copy()
    pairs["pre"] = wc * pairs["confidence"] + wr * readability(pairs["text"], pairs["seg_kind"].eq("testimonial"))
    ranked = pairs.sort_values(["pre", "seg_id"], ascending=[False, True])
    want = ranked[ranked.groupby("text").cumcount() < COPIES].head(4)
    assert list(got.sort_values("seg_id")["seg_id"]) == sorted(want["seg_id"])
    assert got["text"].tolist().count(same) == COPIES
    store.close()
    assert len(overall) == 5 and overall["text"].tolist()[0] == same
    assert overall["text"].tolist().count(same) == 1 and set(overall["text"][1:]) <= set(others)
    for site in ("north", "south"):
        texts = by_site.loc[by_site["group"] == site, "text"].tolist()
        assert len(texts) == 3 and texts.count(same) == 1, (site, texts)


def test_a_testimonial_closing_on_a_comma_is_quoted_without_it(tmp_path, cb):
    """``"...every single day," said a matron``: the comma leads into the narration and is not printed as the
    last of the matron's words, in the quotes and in the evidence table's best quote alike."""
    from evalnlp.api import ingest
    from evalnlp.evidence import build_evidence

    (tmp_path / "report.txt").write_text(
        "\u201cThe confidence I gained in challenging senior colleagues has changed how our ward works with "
        "doctors and managers every single day,\u201d said a matron at Riverside Hospital.\n", encoding="utf-8")
    store = Store(tmp_path / "s.duckdb")
    ingest(store, [tmp_path / "report.txt"])
    seg = store.table("segments")
    codes = pd.DataFrame({"seg_id": seg["seg_id"], "theme": "capability", "score": 0.9, "assigned": True})
    code_by_hand(store, codes)
    words = ("The confidence I gained in challenging senior colleagues has changed how our ward works with "
             "doctors and managers every single day")
    docs = store.document_texts(store.table("documents")["doc_id"])
    row = rank_quotes(store, cb, "capability", n=1, redact=False).iloc[0]
    assert (row["text"], row["speaker"]) == (words, "a matron at Riverside Hospital")
    assert docs[row["doc_id"]][row["start"]:row["end"]] == words
    cell = build_evidence(store, cb, redact=False).themes.set_index("theme").loc["capability"]
    store.close()
    assert cell["quote"] == words


def test_passages_that_share_their_words_score_as_each_would_alone(fixture_store, cb):
    """Candidates with the same text (a common answer given by many) are encoded and read once: each still gets
    the quote, readability and score it gets scored on its own."""
    from evalnlp.corpus import load_corpus
    from evalnlp.quotes import _default_encoder, candidate_weights, score_pairs, theme_centres

    def opened():  # the themes' centres taken first, from the passages' own texts
        c = load_corpus(fixture_store, cb)
        theme_centres(c, cb, cb.theme_ids, _default_encoder())
        return c

    c = opened()
    pairs = c.candidates(list(cb.theme_ids), 50, candidate_weights())
    assert len(pairs) > 4
    same = pairs.iloc[0]["text"]
    twins = pairs.copy()
    twins.loc[twins.index[1:4], "text"] = same  # three other passages now say the same words
    twins.loc[twins.index[2], "seg_kind"] = "testimonial"  # one of them as a quotation (readability differs)
    together = score_pairs(c, cb, pairs=twins).set_index(["seg_id", "theme"])
    c.close()
    for _, row in twins.iterrows():
        own = opened()
        alone = score_pairs(own, cb, pairs=twins.loc[[row.name]]).iloc[0]
        own.close()
        got = together.loc[(row["seg_id"], row["theme"])]
        got = got.iloc[0] if isinstance(got, pd.DataFrame) else got
        assert (got["quote"], got["readability"], got["score"]) == (alone["quote"], alone["readability"],
                                                                    alone["score"])


def test_preload_loads_the_models_and_leaves_a_failure_to_the_use(monkeypatch):
    import evalnlp.quotes as quotes
    from evalnlp.embeddings import get_encoder
    from evalnlp.redact import _ner_pipeline, model_available

    quotes.Preload(None, redact=True).wait()
    assert get_encoder("static") is quotes._default_encoder()  # loaded once, kept for the use
    if model_available():
        assert _ner_pipeline.cache_info().currsize == 1

    def broken():
        raise OSError("the model folder is unreadable")

    monkeypatch.setattr(quotes, "_default_encoder", broken)
    quotes.Preload(None, redact=False).wait()  # says nothing: the use raises, with its own message
    with pytest.raises(OSError, match="unreadable"):
        quotes._default_encoder()


OKAFOR = (
    "Research led by Dr Rachel Okafor at the university developed a pharmacy-based prevention model for type 2 "
    "diabetes.\n\n"
    "The model was piloted in 30 community pharmacies across the region in 2014 and 2015.\n\n"
    "The chief pharmacist of the county said: \"the Okafor model is now the benchmark for pharmacy-based prevention "
    "nationally, and Okafor trained all of our staff in it herself\" [S2].\n")


def test_a_surname_named_in_full_in_another_paragraph_of_the_report_is_redacted(tmp_path):
    """A report's paragraphs are documents of their own; a quotation in one paragraph that holds only the surname
    of a person the report names in full in another ("Dr Rachel Okafor" ... "the Okafor model", "Okafor trained")
    is read beside the whole report, so the surname is redacted in quotes and in evidence alike."""
    from evalnlp import api

    path = tmp_path / "case_study.txt"
    path.write_text(OKAFOR, encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [path], codebook="impact")
        quotes = pd.concat([rank_quotes(store, load_codebook("impact"), t, n=5) for t in load_codebook("impact").theme_ids])
        evidence = api.evidence(store, codebook="impact")
    texts = quotes["text"].tolist()
    assert texts and not any("Okafor" in t or "Rachel" in t for t in texts), texts
    assert any("the [NAME] model is now the benchmark" in t and "[NAME] trained" in t for t in texts)
    shown = [q for q in evidence.themes["quote"].dropna()]
    assert shown and not any("Okafor" in q for q in shown)


def test_a_persons_eponym_is_their_name_but_a_things_is_not():
    from evalnlp.redact import redact_many

    doc = "Research led by Dr Rachel Okafor developed the method. Professor Helen Carter leads a group."
    got = [r.text for r in redact_many(["the Okafor model is now the benchmark", "the Carter group's models",
                                        "the Okafor building opened in May"], documents=[doc] * 3)]
    assert got == ["the [NAME] model is now the benchmark", "the [NAME] group's models",
                   "the Okafor building opened in May"]


def test_groups_holding_contact_details_are_de_identified_in_evidence_and_quotes(tmp_path):
    """A grouping column with e-mail addresses, phone numbers or a name inside a note: its groups in evidence
    and quotes are de-identified as the same values are in a row's attrs, and two addresses stay two groups
    ("[EMAIL] 1", "[EMAIL] 2"), numbered alike in both."""
    from evalnlp import api

    path = tmp_path / "m.csv"
    pd.DataFrame({
        "id": ["1", "2", "3"],
        "notes": ["please call via sarah@example.com or 07700 900777", "follow up with Dr Helen Marsh next week",
                  "no follow-up needed"],
        "email": ["a.jones@example.org", "b.smith@example.org", "a.jones@example.org"],
        "comment": ["Relationships between doctors and managers are much better now and we plan services together.",
                    "Our working relationships improved; managers and consultants meet weekly to solve problems.",
                    "Trust between the clinical and management teams has grown since the programme."],
    }).to_csv(path, index=False)
    with Store(tmp_path / "s.duckdb") as store:
        api.classify(store, [path], text=["comment"], id="id", codebook="impact")
        ev = api.evidence(store, codebook="impact", by=["notes", "email"])
        quotes = rank_quotes(store, load_codebook("impact"), "relationships", n=5, by="email")
    shown = " ".join(str(g) for m in ev.matrices.values() for g in m["group"]) + " " + " ".join(quotes["group"])
    for detail in ("@example", "07700", "Helen", "Marsh"):
        assert detail not in shown, detail
    assert set(ev.matrices["email"]["group"]) == {"[EMAIL] 1", "[EMAIL] 2"}
    assert set(ev.matrices["notes"]["group"]) == {"please call via [EMAIL] or [PHONE]",
                                                   "follow up with Dr [NAME] next week", "no follow-up needed"}
    assert set(quotes["group"]) <= {"[EMAIL] 1", "[EMAIL] 2"}
    sizes = ev.matrices["email"].groupby("group")["documents"].max().to_dict()
    assert sizes["[EMAIL] 1"] >= 1 and sorted(sizes) == ["[EMAIL] 1", "[EMAIL] 2"]


def test_preload_imports_spacy_in_its_thread_and_hides_torch_from_no_other_thread():
    """The preload thread imports spaCy (with the names model) while the main thread works on: torch is refused
    to that thread alone (evalnlp.nlp.import_spacy), so the main thread never finds torch hidden in sys.modules
    (scipy once failed on torch being None there), and spaCy comes without torch."""
    import subprocess
    import sys

    from evalnlp.redact import model_available

    code = ("import sys\nfrom evalnlp.quotes import Preload\nassert 'spacy' not in sys.modules\n"
            "p = Preload(None, redact=True)\n"
            # not on the main thread before the thread starts (the thread loads the encoder first, which takes far
            # longer than coming back here)
            "assert 'spacy' not in sys.modules, 'spaCy imported before the preload thread'\n"
            "while p._thread.is_alive():  # the main thread's view while the models load\n"
            "    assert sys.modules.get('torch', 0) is not None, 'torch hidden from the main thread'\n"
            "p.wait()\n"
            f"assert ('spacy' in sys.modules) == {model_available()!r}, 'spaCy not imported by the preload'\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_answers_that_differ_only_in_a_name_are_one_quote_once_redacted(tmp_path, cb):
    """Teachers wrote the same sentence about different pupils ("I noticed Oliver is ...", "I noticed Sophie is
    ..."): as written the answers differ, so each was kept, and redacted they printed as the same quote over and
    over ("I noticed [NAME] is ...", five times in a top eight). Once redacted, a copy is left out and the next
    distinct answer takes its place, in quotes overall, per group and in a claim's quotes."""
    from evalnlp import api
    from tests.helpers import coded_store

    same = "I noticed {} is much more confident and now leads the reading group in my class."
    names = ["Oliver", "Sophie", "Emily", "Jack", "Charlotte", "Harry"]
    others = ["Pupils now lead their own reading groups and explain their thinking to each other.",
              "My class has grown in confidence and their reading scores went up this year.",
              "The children run the class book club themselves now and talk about what they read.",
              "Year 6 wrote and performed their own play for the parents at the end of term."]
    rows = [(same.format(name), {"school": "Oakfield" if i % 2 else "Hilltop"}, ["capability"])
            for i, name in enumerate(names)]
    rows += [(text, {"school": "Oakfield" if i % 2 else "Hilltop"}, ["capability"]) for i, text in enumerate(others)]
    coded_store(tmp_path / "s.duckdb", rows, codebook="impact")
    (tmp_path / "claims.yaml").write_text("claims:\n  - id: reading\n    text: Pupils read with confidence.\n"
                                         "    themes: [capability]\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        overall = rank_quotes(store, cb, "capability", n=4)
        by_school = rank_quotes(store, cb, "capability", n=3, by="school")
        plain = rank_quotes(store, cb, "capability", n=4, redact=False)
        ev = api.evidence(store, codebook="impact", claims=tmp_path / "claims.yaml")
    printed = same.format("[NAME]")
    assert len(overall) == 4 and overall["text"].is_unique, overall["text"].tolist()
    assert overall["text"].tolist().count(printed) == 1
    for school, texts in by_school.groupby("group")["text"]:
        assert texts.is_unique and len(texts) == 3, (school, texts.tolist())
    claim_quotes = [q["text"] for q in ev.claims["quotes"].iloc[0]]
    assert len(claim_quotes) == 3 and len(set(claim_quotes)) == 3, claim_quotes
    # unredacted, the answers differ and are quoted as written
    assert len(plain) == 4 and sum(t.startswith("I noticed ") for t in plain["text"]) >= 1


def test_a_very_long_answer_is_quoted_in_its_leading_sentences_not_whole(tmp_path):
    """A 3,000-word complaint chosen as a quote filled pages of the quote table, the report and the theme table's
    best quote: it is cut after its last whole sentence within QUOTE_MAX_WORDS words and marked, in every one."""
    from helpers import coded_store

    from evalnlp.evidence import build_evidence
    from evalnlp.quotes import CUT_MARK, QUOTE_MAX_WORDS

    sentence = "I am writing to complain about the care my father received on the ward during his stay."
    long = " ".join([sentence] * 180)  # 3,060 words
    coded_store(tmp_path / "p.duckdb", [(long, {}, ["care_received"])])
    fft = load_codebook("fft")
    with Store(tmp_path / "p.duckdb") as store:
        quoted = rank_quotes(store, fft, "care_received", n=3, redact=False)["text"].tolist()
        best = build_evidence(store, fft, redact=False).themes.set_index("theme").at["care_received", "quote"]
    shown = " ".join([sentence] * (QUOTE_MAX_WORDS // len(sentence.split()))) + " " + CUT_MARK
    assert quoted == [shown] and best == shown


def test_html_tags_a_web_form_left_in_an_answer_are_not_quoted(tmp_path):
    """An answer exported from a web form with its formatting (<p>, <b>, <br>) is quoted as a reader would see it;
    a less-than sign that is no tag stays."""
    from helpers import coded_store

    coded_store(tmp_path / "p.duckdb", [("<p>The nurse was <b>very</b> kind</p><br>", {}, ["staff"]),
                                        ("Seen in < 5 minutes by a kind nurse <3", {}, ["staff"])])
    with Store(tmp_path / "p.duckdb") as store:
        quoted = set(rank_quotes(store, load_codebook("fft"), "staff", n=3, redact=False)["text"])
    assert quoted == {"The nurse was very kind", "Seen in < 5 minutes by a kind nurse <3"}


SIGNATURE_ROWS = [
    # a signature whose name the rules find, well written (a capital, a full stop, 8 words): it outscored the
    # short real answers before it was judged redacted
    ("Sister Jane Smith, Ward Manager, Ward 7, Leeds General.", {"site": "North"}, ["staff"]),
    ("-- Jane Smith, Practice Manager, jane.smith@nhs.net, 01632 960123", {"site": "North"}, ["staff"]),
    ("Staff were lovely", {"site": "North"}, ["staff"]),
    ("The nurses were kind and always had time for us.\nSent from my iPhone", {"site": "North"}, ["staff"]),
    ("Dr Helen Hall, Consultant, helen.hall@nhs.net", {"site": "South"}, ["staff"]),
    ("Thanks Jane\nSent from my iPhone", {"site": "South"}, ["care_received"]),
]


@pytest.fixture(scope="module")
def signature_store(tmp_path_factory):
    from helpers import coded_store

    path = tmp_path_factory.mktemp("sig") / "s.duckdb"
    coded_store(path, SIGNATURE_ROWS)
    store = Store(path, read_only=True)
    yield store
    store.close()


def test_a_signature_or_contact_line_is_quoted_only_when_nothing_else_is(signature_store):
    """An answer that is an e-mail signature ("-- Jane Smith, Practice Manager, jane.smith@nhs.net, 01632 960123")
    printed as "-- [NAME], Practice Manager, [EMAIL], [PHONE]" and was chosen as a quote of the staff theme. Such
    passages give way to real answers, in quotes, per group and as the evidence tables' best quote, and stand in
    only for a theme or group with nothing else to quote; they are still counted."""
    from evalnlp.evidence import build_evidence

    fft = load_codebook("fft")
    overall = rank_quotes(signature_store, fft, "staff", n=5)
    by_site = rank_quotes(signature_store, fft, "staff", n=3, by="site")
    ev = build_evidence(signature_store, fft, by=["site"])
    assert overall["text"].tolist() == ["The nurses were kind and always had time for us.", "Staff were lovely"]
    assert by_site.groupby("group")["text"].agg(list).to_dict() == {
        "North": ["The nurses were kind and always had time for us.", "Staff were lovely"],
        "South": ["Dr [NAME], Consultant, [EMAIL]"]}  # the site's one staff passage: nothing else to quote
    themes = ev.themes.set_index("theme")
    assert themes.at["staff", "quote"] == "The nurses were kind and always had time for us."
    assert themes.at["staff", "segments"] == 5  # counted all the same
    cells = ev.matrices["site"].set_index(["theme", "group"])
    assert cells.at[("staff", "North"), "quote"] == "The nurses were kind and always had time for us."
    assert cells.at[("staff", "South"), "quote"] == "Dr [NAME], Consultant, [EMAIL]"
    assert themes.at["care_received", "quote"] == "Thanks [NAME]"
    from evalnlp.quotes import placeholder_quote

    assert [t for t in ("-- [NAME], Practice Manager, [EMAIL], [PHONE]", "Sister [NAME], Ward Manager, Ward 7, "
                        "Leeds General.", "Thanks [NAME]", "Staff were lovely [NAME] was kind.",
                        "[NAME]护士很好。", "медсестра [NAME] была очень добра")  # no lower case; another alphabet
            if placeholder_quote(t)] == ["-- [NAME], Practice Manager, [EMAIL], [PHONE]",
                                         "Sister [NAME], Ward Manager, Ward 7, Leeds General.", "Thanks [NAME]"]


def test_mail_furniture_is_left_out_of_the_quote_and_out_of_names():
    """"Sent from my iPhone" under an answer was quoted with it, and redaction read "Thanks Jane\\nSent" as a
    name ("Thanks [NAME] from my iPhone"). The app's line is left out of the quote (the stored text keeps it) and
    never joins a name."""
    from evalnlp.quotes import _quote_text
    from evalnlp.redact import redact_many

    texts = ["Thanks Jane\nSent from my iPhone", "Great care. Get Outlook for Android",
             "Kind staff.\n\nSent from my Samsung Galaxy smartphone\nGet Outlook for iOS\n", "Sent from my iPhone",
             "I was Sent from my GP to the ward"]
    assert [r.text for r in redact_many(["Thanks Jane Sent from my iPhone", texts[0]])] == [
        "Thanks [NAME] Sent from my iPhone", "Thanks [NAME]\nSent from my iPhone"]
    assert _quote_text(pd.Series(texts)).tolist() == ["Thanks Jane", "Great care.", "Kind staff.", "",
                                                      "I was Sent from my GP to the ward"]


def test_a_contact_line_is_told_by_its_lower_case_words_in_any_alphabet():
    """A sentence with an e-mail address in it is no signature in Russian or French either, and Chinese, which has
    no lower case to count, is never taken for one."""
    from evalnlp.quotes import contact_line

    texts = ["-- Jane Smith, Practice Manager, jane.smith@nhs.net, 01632 960123",
             "Пишите на a.b@nhs.net, медсестра была очень добра.", "Écrivez à a.b@nhs.net, équipe très gentille.",
             "请致电 01632 960123 联系护士。"]
    assert contact_line(pd.Series(texts)).tolist() == [True, False, False, False]
