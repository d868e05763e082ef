"""Sentence segmentation of text written without spaces (Chinese, Japanese): cut after 。！？ and their closing
brackets, offsets exact, English untouched."""

from __future__ import annotations

import csv

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalnlp.nlp import sentence_spans, split_sentences, word_count


@pytest.mark.parametrize("text, want", [
    ("护士很好。医生也很耐心！但是等了很久？下次再来。",
     ["护士很好。", "医生也很耐心！", "但是等了很久？", "下次再来。"]),
    ("看護師さんはとても親切でした。待ち時間が長かったです。",
     ["看護師さんはとても親切でした。", "待ち時間が長かったです。"]),
    # a closing bracket or quotation mark after the mark belongs to the sentence it ends
    ("楽しかったです（笑）。また来ます！」次の方どうぞ。", ["楽しかったです（笑）。", "また来ます！」", "次の方どうぞ。"]),
    ("他说：“很好。下次再来。”然后走了。", ["他说：“很好。下次再来。”", "然后走了。"]),
    # a quoted sentence that goes on with a quoting particle is one sentence with its quotation
    ("「また来たい。」と思いました。本当です。", ["「また来たい。」と思いました。", "本当です。"]),
    ("彼は「また来たい。絶対に。」と言った。次も来ます。", ["彼は「また来たい。絶対に。」と言った。", "次も来ます。"]),
    # runs of marks stay together; a piece of marks only stays with the sentence before it
    ("本当に！？ありがとう！！", ["本当に！？", "ありがとう！！"]),
    ("很好。…。下次", ["很好。…。", "下次"]),
    # half-width ! and ? right after a CJK letter end a sentence too
    ("很好!下次再来?好的", ["很好!", "下次再来?", "好的"]),
    # the full-width full stop ends a sentence, but not inside a number
    ("本研究は重要である．次に結果を示す．", ["本研究は重要である．", "次に結果を示す．"]),
    ("価格は３．５ドルでした。安い。", ["価格は３．５ドルでした。", "安い。"]),
    # a straight quotation mark after the mark closes one opened before it, or opens the next sentence
    ('他说:"很好。"然后走了。', ['他说:"很好。"', "然后走了。"]),
    ('很好。"下次再来"', ["很好。", '"下次再来"']),
    # mixed with English, and with spaces and line breaks as before
    ("Staff were kind. 护士很好。医生也好。\n- 等了很久", ["Staff were kind.", "护士很好。", "医生也好。", "等了很久"]),
])
def test_cjk_sentences_end_at_their_marks(text, want):
    assert split_sentences(text) == want


@pytest.mark.parametrize("text, want", [
    ("Great!Next", ["Great!Next"]),
    ("Good care. Long wait!", ["Good care.", "Long wait!"]),
    ('He said "fine." Then left.', ['He said "fine."', "Then left."]),
])
def test_english_without_cjk_marks_is_split_as_before(text, want):
    assert split_sentences(text) == want


han = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80)
kana = st.characters(min_codepoint=0x30A2, max_codepoint=0x30F3)  # katakana: no quoting particle among them
body = st.text(alphabet=st.one_of(han, kana), min_size=1, max_size=12)
ending = st.sampled_from(["。", "！", "？", "！？", "。。", "．", "。」", "！』", "？）", "。”"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(body, ending), min_size=1, max_size=8), st.sampled_from(["", " ", "\u3000"]))
def test_cjk_answers_split_into_the_sentences_they_were_made_of(parts, gap):
    sentences = [b + e for b, e in parts]
    text = gap.join(sentences)
    assert split_sentences(text) == sentences


cjk_alphabet = st.one_of(
    st.sampled_from(list("。！？｡．!?…、，「」『』（）“”\"() \u3000\n.3３") + ["と", "っ"]), han, kana,
    st.characters(min_codepoint=0x61, max_codepoint=0x7A))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=cjk_alphabet, max_size=120))
def test_cjk_sentence_offsets_always_exact(text):
    """Spans are in order, do not overlap, are trimmed and non-empty, and no letter is lost: every letter of
    the text lies inside some sentence."""
    (spans,) = sentence_spans([text])
    prev_end = 0
    covered = set()
    for s, e in spans:
        assert 0 <= s < e <= len(text) and s >= prev_end
        piece = text[s:e]
        assert piece == piece.strip() and piece
        prev_end = e
        covered.update(range(s, e))
    assert all(i in covered for i, c in enumerate(text) if c.isalpha())


def test_cli_ingest_stores_chinese_and_japanese_answers_as_sentences(cli, db_path, tmp_path):
    answers = [
        ("r1", "护士态度很好。医生解释得很清楚！就是挂号排队太久了，能不能改进？"),
        ("r2", "受付の方が親切でした。待ち時間は長かったです。「また来たい。」と思いました。"),
        ("r3", "The staff were kind. Parking was hard."),
    ]
    f = tmp_path / "survey.csv"
    with f.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "comment"])
        w.writerows(answers)
    result = cli("ingest", str(f), "--text", "comment", "--id", "id", "--unit", "sentence")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT d.locator, d.text, s.start, s.\"end\", s.text FROM segments s JOIN documents d USING (doc_id) "
            "ORDER BY d.locator, s.start").fetchall()
    finally:
        con.close()
    by_doc: dict[str, list[str]] = {}
    for locator, doc, start, end, seg in rows:
        assert doc[start:end] == seg
        by_doc.setdefault(locator, []).append(seg)
    assert by_doc == {
        "id=r1": ["护士态度很好。", "医生解释得很清楚！", "就是挂号排队太久了，能不能改进？"],
        "id=r2": ["受付の方が親切でした。", "待ち時間は長かったです。", "「また来たい。」と思いました。"],
        "id=r3": ["The staff were kind.", "Parking was hard."],
    }


@pytest.mark.parametrize("text, want", [
    ("The nurse was kind.", 4),
    ("  spaced   out\ttext\n", 3),
    ("\u2014 a dash counts as English always has", 8),
    ("护士很好。医生也很耐心。", 10),                        # ten Han characters; the marks are no words
    ("看護師さんはとても親切でした。", 7),                    # 5 Han characters, 2 runs of kana
    ("「とても良かった」と言った。", 6),
    ("コンピューターの使い方を教えてくれた", 7),             # a katakana loan word is one word
    ("NHS 医院的护士 very good", 8),                         # Latin words between Han characters count too
    ("３．５時間待った", 5),
    ("간호사가 정말 친절했어요", 3),                          # Korean puts spaces between its words
    ("", 0),
])
def test_word_count_counts_words_written_without_spaces(text, want):
    assert word_count(text) == want


@given(st.lists(st.sampled_from(["word", "Word.", "\u2014", "(x)", "  ", " ", "\t", "\u00e9t\u00e9", "9"]),
                max_size=30).map(" ".join))
def test_word_count_of_text_with_spaces_between_words_is_its_runs(text):
    assert word_count(text) == len(text.split())
