"""Attributed, de-identified quotes: the coded corpus, quote ranking and de-duplication.

A quote is a coded passage (a response, a sentence or a testimonial) printed with its attribution: the
document's source and locator, the testimonial's speaker and corroborating-source marker, and the
document's metadata. Passages are ranked for a theme by

``score = 0.45 * representativeness + 0.20 * confidence + 0.35 * readability (+ 0.05 if attributed)``

- **representativeness**: cosine similarity (clipped to 0..1) between the passage's embedding and the
  theme's centre: the mean embedding of the theme's coded passages when it has at least
  :data:`MIN_CENTRE` of them, otherwise the mean embedding of its definition and examples;
- **confidence**: the coding score (human codes without a score count as 1);
- **readability**: 1 for a whole sentence of 8-60 words that starts with a capital and ends with
  punctuation; shorter passages lose in proportion (4 words: half), longer ones lose 1/60 per word
  over 60 (in Chinese and Japanese, which put no spaces between words, each Han character and each run of
  kana is a word, see :func:`evalnlp.nlp.word_count`, and a sentence may start with any of their letters
  and end with "。！？"); a missing capital or end mark costs 0.2 each (a testimonial is not charged for the end mark,
  which stays outside the quotation); text mostly in capitals is multiplied by 0.4, a signature or contact line
  (:func:`contact_line`) by :data:`evalnlp.util.CONTACT_FACTOR`;
- **attributed**: a testimonial with a named speaker gets a small bonus.

Near-duplicates are dropped as the ranked list is walked: a passage is skipped when its normalised text
(case, punctuation and spacing ignored) equals one already kept, when its embedding's cosine similarity
with a kept one exceeds :data:`DUPLICATE_COSINE`, or when it overlaps a kept passage of the same
document (a sentence inside a testimonial, also inside a skipped copy of a kept quote, as when one report is
read from two files); a sentence that contains a coded testimonial gives way to the
testimonial, which carries its speaker. A quote that once redacted is mostly placeholders or has no sentence of
its own (:func:`placeholder_quote`) is passed over for the next passage, and quoted only for a theme (a group)
with nothing else to quote. Quote text is the passage with runs of whitespace collapsed to single spaces and the
mail furniture at its end ("Sent from my iPhone", :data:`evalnlp.util.MAIL_FURNITURE`) left out, redacted by
:func:`evalnlp.redact.redact_many` unless ``redact=False``; a speaker has its
whitespace collapsed and people's names removed by the redaction rules (titles, first names) without the
NER model, which takes the places in job titles ("Health Education Yorkshire and Humber") for people.

Candidates come from the store (:class:`evalnlp.corpus.Corpus`): for a theme (and group), the
:data:`QUOTE_CANDIDATES` passages that score highest on the parts of the score that need no embedding
(confidence, readability, attribution) are ranked in full; a theme's centre is the mean embedding of its
coded passages, or of a fixed sample of :data:`CENTRE_SAMPLE` of them when it has more. A theme with fewer
coded passages than either bound is ranked exactly as if every passage were scored.

The corpus read model moved to :mod:`evalnlp.corpus`; its names (:class:`Corpus`, :func:`load_corpus`,
:func:`group_values` ...) are still importable from here.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from evalnlp import errors
from evalnlp.util import (
    CONTACT_DETAIL,
    CONTACT_FACTOR,
    CONTACT_LINE_WORDS,
    FURNITURE_WORDS,
    MAIL_FURNITURE,
    ORDINARY_WORD,
)
from evalnlp.corpus import (  # noqa: F401  (the read model's names, importable from here as before)
    BUILTIN_ATTRIBUTES,
    MISSING_GROUP,
    Corpus,
    builtin_attributes,
    group_sort_key,
    group_values,
    known_attributes,
    load_corpus,
    unknown_attribute,
)
from evalnlp.corpus import (
    plain as _plain,
)

__all__ = [
    "CENTRE_SAMPLE",
    "DUPLICATE_COSINE",
    "MIN_CENTRE",
    "QUOTE_CANDIDATES",
    "QUOTE_COLUMNS",
    "WEIGHTS",
    "Corpus",
    "builtin_attributes",
    "group_values",
    "known_attributes",
    "load_corpus",
    "protect_words",
    "quotes_to_json",
    "rank_quotes",
    "readability",
    "placeholder_quote",
    "prefer_testimonials",
    "score_pairs",
    "select_quotes",
    "distinct_once_redacted",
    "uncoded_note",
]

#: Weights of the ranking score's parts.
WEIGHTS: dict[str, float] = {"representativeness": 0.45, "confidence": 0.20, "readability": 0.35,
                             "attributed": 0.05}
#: A theme's centre is the mean of its coded passages when it has at least this many.
MIN_CENTRE = 5
#: Two passages with embeddings more similar than this are near-duplicates.
DUPLICATE_COSINE = 0.92
#: Word-count band of a readable quote.
WORD_BAND = (8, 60)
#: A quote longer than this many words is cut after its last whole sentence within them (or at the word, when
#: its first sentence is longer) and ends with an ellipsis in brackets: a 3,000-word complaint chosen as a
#: theme's quote filled pages of a quote table and of the report. The passage itself is as it was.
QUOTE_MAX_WORDS = 120
CUT_MARK = "[\u2026]"
#: The contract columns of a quote table (more columns follow them).
QUOTE_COLUMNS = ["theme", "text", "score", "doc_id", "source", "locator", "speaker", "source_ref", "attrs"]
#: Quote candidates per theme (per group with ``by``) that are ranked in full.
QUOTE_CANDIDATES = 1000
MAX_QUOTES = 10_000  # quotes asked for at most (per group): the store ranks up to 40 candidates per quote
#: A theme's centre is the mean over at most this many of its coded passages (a fixed sample past it).
CENTRE_SAMPLE = 2000


def codebook_ref(codebook) -> str:
    """How to name ``codebook`` to --codebook: its id when it is a shipped codebook, else its file."""
    from evalnlp.codebook import SHIPPED, load_codebook

    path = getattr(codebook, "path", None)
    if not path or (codebook.id in SHIPPED and load_codebook(codebook.id).sha256 == codebook.sha256):
        return codebook.id
    return str(path)


def uncoded_note(store, codebook) -> errors.Note | None:
    """When nothing in ``store`` is coded with ``codebook``'s themes: what to do instead, naming the
    codebook(s) the store's passages were coded with (or, when nothing is coded yet, the shipped ones).
    ``None`` when the store holds codes for the codebook."""
    from evalnlp.codebook import SHIPPED

    if store.has_codes(codebook.theme_ids):
        return None
    ref = codebook_ref(codebook)
    used = [r for r, cid in store.classify_codebooks() if cid != codebook.id]
    classify = errors.Call("classify", codebook=ref)
    if used:
        fields = {f"used{i}": errors.Option("codebook", r) for i, r in enumerate(used)}
        return errors.Note("this store's passages were coded with {names}, not {id!r}: pass "
                           + " or ".join("{%s}" % k for k in fields) + ", or code them with {id!r} first: "
                           "`{classify}`", fields={"names": " and ".join(repr(r) for r in used), "id": codebook.id,
                                                   "classify": classify, **fields})
    others = {f"other{i}": errors.Option("codebook", c) for i, c in enumerate(c for c in SHIPPED if c != codebook.id)}
    return errors.Note("run `{classify}` first (or " + ", ".join("{%s}" % k for k in others) + " or a YAML path for "
                       "another codebook), or import human codes", fields={"classify": classify, **others})


# ---------------------------------------------------------------------------------------- scoring


def readability(texts: pd.Series, quotation: pd.Series | None = None) -> pd.Series:
    """Readability of each text in [0, 1] (see the module docstring).

    ``quotation`` marks texts taken from inside quotation marks, whose closing punctuation stays outside
    the quote by convention: they are not penalised for lacking it.
    """
    from evalnlp.nlp import _CJK_LETTER, UNSPACED, word_count

    texts = texts.fillna("").astype(str)
    words = texts.str.count(r"\S+").astype(float)
    unspaced = texts.str.contains(UNSPACED)
    if unspaced.any():  # Chinese and Japanese: words are not separated by spaces
        words[unspaced] = texts[unspaced].map(word_count).astype(float)
    low, high = WORD_BAND
    length = np.where(words < low, words / low, np.where(words > high, np.clip(1 - (words - high) / high, 0, 1), 1.0))
    # a sentence starts with a capital, a digit or a letter of a script without capitals (Han, kana, Hangul), and
    # ends with a full stop, "!", "?" or "…", or their full-width forms ("。！？")
    starts = texts.str.match(f"\\s*[\"'\u201c\u2018(\u300c\u300e\uff08]?[A-Z0-9{_CJK_LETTER}]").astype(float)
    ends = texts.str.contains(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\u300d\u300f\uff09]?\s*$",
                              regex=True).astype(float)
    if quotation is not None:
        ends = ends.where(~quotation.to_numpy(dtype=bool), 1.0)
    upper = texts.str.count(r"[A-Z]").astype(float)
    letters = texts.str.count(r"[A-Za-z]").astype(float)
    shouting = (letters >= 8) & (upper > 0.7 * letters)
    score = (0.6 * length + 0.2 * starts + 0.2 * ends) * np.where(shouting, 0.4, 1.0) * np.where(
        contact_line(texts), CONTACT_FACTOR, 1.0)
    return pd.Series(np.round(score, 6), index=texts.index)


def contact_line(texts: pd.Series) -> pd.Series:
    """Which of ``texts`` (whitespace collapsed) are a signature or a contact line as written: a contact detail
    (:data:`evalnlp.util.CONTACT_DETAIL`: an e-mail or web address, a phone number) and fewer than
    :data:`evalnlp.util.CONTACT_LINE_WORDS` lower-case words of 3 letters or more (``-- Jane Smith, Practice
    Manager, jane.smith@nhs.net, 01632 960123``); never a text in Chinese or Japanese, which have no lower case.
    The store ranks quote candidates by the same rule."""
    from evalnlp.nlp import UNSPACED

    texts = texts.fillna("").astype(str)
    found = texts.str.contains(CONTACT_DETAIL, regex=True)
    if found.any():
        found &= ~texts.str.contains(UNSPACED, regex=True)  # Chinese, Japanese: no lower case to count
    if not found.any():
        return found
    ordinary = re.compile(ORDINARY_WORD)
    few = texts[found].map(lambda t: sum(1 for w in t.split(" ") if ordinary.fullmatch(w)) < CONTACT_LINE_WORDS)
    return found & few.reindex(texts.index, fill_value=False)


#: The HTML tags of text formatting that a web form's export leaves in answers (``<p>The nurse was <b>very</b>
#: kind</p><br>``): a quote leaves them out, as a reader would see the answer. Only these tags, whole, so that
#: ``<3`` or ``< 5 minutes`` stay.
_HTML_TAG = re.compile(r"</?(?:p|br|b|i|u|em|strong|span|div|li|ul|ol|font|h[1-6])(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _quote_text(texts: pd.Series) -> pd.Series:
    texts = texts.fillna("").astype(str)
    tagged = texts.str.contains("<", regex=False)
    if tagged.any():
        texts = texts.where(~tagged, texts[tagged].str.replace(_HTML_TAG, " ", regex=True))
    texts = texts.str.replace(r"\s+", " ", regex=True).str.strip()
    sent = _furnished(texts)
    if sent.any():  # "... Sent from my iPhone": the app's line, not the answer's words
        texts = texts.where(~sent, texts[sent].str.replace(MAIL_FURNITURE, "", regex=True))
    return texts


def _furnished(texts: pd.Series) -> pd.Series:
    """Which of ``texts`` may end in mail furniture (see :data:`evalnlp.util.MAIL_FURNITURE`)."""
    out = pd.Series(False, index=texts.index)
    for words in FURNITURE_WORDS:
        out |= texts.str.contains(words, regex=False)
    return out


def shorten_quote(text: Any, max_words: int = QUOTE_MAX_WORDS) -> Any:
    """``text`` (a quote, its whitespace collapsed) as a quote table prints it: whole up to ``max_words`` words,
    else its leading whole sentences within them (at least the first ``max_words`` words when its first sentence
    is longer) and :data:`CUT_MARK`. Anything but a string is returned as it is."""
    if not isinstance(text, str):
        return text
    words = list(re.finditer(r"\S+", text))
    if len(words) <= max_words:
        return text
    end = words[max_words - 1].end()
    stops = [m.end() for m in re.finditer(r"[.!?\u2026][\"'\u201d\u2019)]*(?=\s)", text[:end + 1])]
    cut = stops[-1] if stops and stops[-1] <= end else end
    return text[:cut].rstrip() + " " + CUT_MARK


def _norm_text(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def _theme_prototypes(codebook, encoder) -> dict[str, np.ndarray]:
    out = {}
    for theme in codebook.themes:
        texts = [theme.definition, *theme.examples]
        vec = encoder.encode(texts).mean(axis=0)
        norm = np.linalg.norm(vec)
        out[theme.id] = vec / norm if norm > 0 else vec
    return out


def _embed(corpus: Corpus, encoder, seg_ids: Iterable[str], texts: Iterable[str]) -> None:
    """Encode (once) the passages of ``seg_ids`` (with their ``texts``) not encoded yet."""
    todo = {}
    for seg, text in zip(seg_ids, texts):
        if seg not in corpus._embeddings and seg not in todo:
            todo[seg] = text
    if not todo:
        return
    distinct = list(dict.fromkeys(todo.values()))  # a text many passages share ("Nothing.") is encoded once
    vectors = encoder.encode(_quote_text(pd.Series(distinct, dtype=object)).tolist())
    by_text = dict(zip(distinct, vectors))
    corpus._embeddings.update((seg, by_text[text]) for seg, text in todo.items())


def _default_encoder():
    from evalnlp.embeddings import get_encoder

    return get_encoder("static")


class Preload:
    """The models that choosing and redacting quotes needs (the encoder that scores them when none is given, and
    with ``redact`` the names model when it is installed), loaded in a thread while the store answers the
    command's questions: DuckDB works without Python's lock, so the two overlap and the loading costs no time of
    its own. :meth:`wait` before the first use. A load that fails here is left for that use to raise as it
    would have: nothing is kept of it."""

    def __init__(self, encoder=None, redact: bool = True):
        import threading

        self._thread = threading.Thread(target=self._load, args=(encoder is None, redact), daemon=True,
                                        name="evalnlp-preload")
        self._thread.start()

    @staticmethod
    def _load(encoder: bool, redact: bool) -> None:
        try:
            if encoder:
                _default_encoder().encode(["a"])
            if redact:
                from evalnlp.redact import _ner_pipeline, model_available

                if model_available():
                    _ner_pipeline()  # spaCy is imported here too, without torch (see evalnlp.nlp.import_spacy)
        except Exception:  # noqa: BLE001  (the use raises it, with its own message)
            pass

    def wait(self) -> None:
        self._thread.join()


def theme_centres(corpus: Corpus, codebook, themes: Iterable[str], encoder) -> dict[str, np.ndarray]:
    """Each theme's centre (unit length): the mean embedding of its coded passages (of a fixed sample of
    :data:`CENTRE_SAMPLE` of them when it has more) when it has at least :data:`MIN_CENTRE`, else the mean
    embedding of its definition and examples. Computed once per corpus."""
    cache = corpus.__dict__.setdefault("_centres", {})
    protos = None
    for theme in dict.fromkeys(themes):
        if theme in cache:
            continue
        total, rows = corpus.theme_passages(theme, CENTRE_SAMPLE)
        if total >= MIN_CENTRE:
            _embed(corpus, encoder, rows["seg_id"], rows["text"])
            centre = np.stack([corpus._embeddings[s] for s in rows["seg_id"]]).mean(axis=0)
        else:
            protos = protos or _theme_prototypes(codebook, encoder)
            centre = protos[theme]
        norm = np.linalg.norm(centre)
        cache[theme] = centre / norm if norm > 0 else centre
    return cache


def score_pairs(corpus: Corpus, codebook, encoder=None, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """``pairs`` (the candidates of :meth:`Corpus.candidates`, or on a small store :attr:`Corpus.pairs`) with
    ``quote`` (whitespace collapsed), ``representativeness``, ``readability``, ``attributed`` and the ranking
    ``score``, sorted best first within each theme. ``pairs`` must be given: scoring every passage of a store
    is not done for you (on a small store pass ``corpus.pairs`` yourself)."""
    if pairs is None:
        raise TypeError("score_pairs() needs pairs: the candidates of Corpus.candidates(), or corpus.pairs on a "
                        "small store")
    pairs = pairs.copy()
    cols = ["quote", "representativeness", "readability", "attributed", "score"]
    if pairs.empty:
        for col in cols:
            pairs[col] = pd.Series(dtype=object if col == "quote" else float)
        return pairs
    encoder = encoder or _default_encoder()
    _embed(corpus, encoder, pairs["seg_id"], pairs["text"])
    centres = theme_centres(corpus, codebook, pairs["theme"].unique(), encoder)
    emb = np.stack([corpus._embeddings[s] for s in pairs["seg_id"]])
    rep = np.zeros(len(pairs), dtype=np.float64)
    for theme, idx in pairs.groupby("theme", sort=False).indices.items():
        rep[idx] = emb[idx] @ centres[theme]
    # the quote and its readability of each distinct text (and kind): many candidates share their words
    testimonial = pairs["seg_kind"].eq("testimonial").to_numpy(dtype=bool)
    which, distinct = pd.factorize(pd.Series(list(zip(pairs["text"].fillna("").astype(str), testimonial)),
                                             dtype=object))
    texts = pd.Series([t for t, _ in distinct], dtype=object)
    quotes = _quote_text(texts)
    pairs["quote"] = quotes.to_numpy(dtype=object)[which]
    pairs["representativeness"] = np.round(np.clip(rep, 0.0, 1.0), 6)
    pairs["readability"] = readability(quotes, pd.Series([q for _, q in distinct])).to_numpy()[which]
    pairs["attributed"] = (pairs["seg_kind"].eq("testimonial") & pairs["speaker"].notna()).astype(float)
    w = WEIGHTS
    pairs["score"] = np.round(w["representativeness"] * pairs["representativeness"]
                              + w["confidence"] * pairs["confidence"]
                              + w["readability"] * pairs["readability"]
                              + w["attributed"] * pairs["attributed"], 6)
    order = {t: i for i, t in enumerate(codebook.theme_ids)}
    pairs["_order"] = pairs["theme"].map(order)
    pairs = pairs.sort_values(["_order", "score", "seg_id"], ascending=[True, False, True])
    return pairs.drop(columns="_order").reset_index(drop=True)


def candidate_weights() -> tuple[float, float, float]:
    """The weights of the score's parts that need no embedding: (confidence, readability, attributed)."""
    return WEIGHTS["confidence"], WEIGHTS["readability"], WEIGHTS["attributed"]


def prefer_testimonials(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without the sentences that contain one of its testimonials: the testimonial is the same words
    with their speaker attached, so it is the better quote. Order is kept."""
    is_t = frame["seg_kind"].eq("testimonial")
    if not is_t.any():
        return frame
    sents = frame.loc[frame["seg_kind"].eq("sentence"), ["seg_id", "doc_id", "start", "end"]]
    tests = frame.loc[is_t, ["doc_id", "start", "end"]].drop_duplicates()
    both = sents.merge(tests, on="doc_id", suffixes=("", "_t"))
    covered = set(both.loc[(both["start"] <= both["start_t"]) & (both["end_t"] <= both["end"]), "seg_id"])
    return frame[~frame["seg_id"].isin(covered)]


def select_quotes(corpus: Corpus, ranked: pd.DataFrame, n: int) -> pd.DataFrame:
    """The first ``n`` rows of ``ranked`` (already best first) that are not near-duplicates of earlier ones;
    a sentence that contains one of the candidate testimonials gives way to it."""
    ranked = prefer_testimonials(ranked)
    kept: list[int] = []
    seen: set[str] = set()
    vecs: list[np.ndarray] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for i, row in enumerate(ranked.itertuples(index=False)):
        if len(kept) >= n:
            break
        key = _norm_text(row.quote)
        if not key:
            continue
        if key in seen:
            # a copy of a kept quote (the same report read from a second file) stands for it: the sentences
            # inside the copy are the kept quote's words again
            spans.setdefault(row.doc_id, []).append((row.start, row.end))
            continue
        vec = corpus._embeddings.get(row.seg_id)
        if vec is not None and vecs and float(np.max(np.stack(vecs) @ vec)) > DUPLICATE_COSINE:
            continue
        if any(row.start < e and s < row.end for s, e in spans.get(row.doc_id, ())):
            continue
        kept.append(i)
        seen.add(key)
        if vec is not None:
            vecs.append(vec)
        spans.setdefault(row.doc_id, []).append((row.start, row.end))
    return ranked.iloc[kept]


#: What redaction puts in place of a detail (see :data:`evalnlp.redact.LABELS`).
_PLACEHOLDER = re.compile(r"\[(?:NAME|EMAIL|PHONE|URL|POSTCODE|NHS_NUMBER|DATE_OF_BIRTH)\]")
#: A de-identified quote with fewer ordinary words than this besides its placeholders has no sentence of its own.
OWN_WORDS = 2


def placeholder_quote(text: Any) -> bool:
    """Is ``text``, a de-identified quote, mostly placeholders or without a sentence of its own: at least half of
    its words are placeholders (``-- [NAME], Practice Manager, [EMAIL], [PHONE]``), or besides them it has fewer
    than :data:`OWN_WORDS` lower-case words of 3 letters or more (``Dr [NAME], Consultant``, ``Thanks [NAME]``)?
    A text with no placeholder is never one: what redaction left whole is judged by readability alone. A word is
    lower case in any alphabet (``медсестра``); in Chinese and Japanese, written without spaces, every word counts
    (see :func:`evalnlp.nlp.word_count`), since they have no lower case."""
    if not isinstance(text, str) or "[" not in text or not _PLACEHOLDER.search(text):
        return False
    from evalnlp.nlp import UNSPACED, word_count

    marks = len(_PLACEHOLDER.findall(text))
    rest = _PLACEHOLDER.sub(" ", text)
    if re.search(UNSPACED, rest):
        own = word_count(rest)
        words = own + marks
    else:
        words = len(text.split())
        own = sum(1 for w in rest.split() if _OWN_WORD.fullmatch(w) and w[0].islower())
    return 2 * marks >= words or own < OWN_WORDS


#: A word of a sentence of its own (in any alphabet): 3 letters or more, with at most a punctuation mark after it.
_OWN_WORD = re.compile(r"[^\W\d_]{3,}[,.;:!?]?")


def demote(ranked: pd.DataFrame, passed: set[str]) -> pd.DataFrame:
    """``ranked`` with the passages of ``passed`` (seg ids) moved after all others, in their order: they are
    chosen only when nothing else is left."""
    if not passed:
        return ranked
    down = ranked["seg_id"].isin(passed).to_numpy()
    return pd.concat([ranked[~down], ranked[down]]) if down.any() else ranked


def distinct_once_redacted(ranked: pd.DataFrame, pick: Callable[[pd.DataFrame], pd.DataFrame],
                           finish: Callable[[pd.DataFrame], pd.DataFrame], *, redact: bool) -> pd.DataFrame:
    """``finish(pick(ranked))`` (the chosen passages made quotes, redacted with ``redact``) with no two quotes of
    one group that read alike once redacted: answers that differ only in a person's name ("I noticed Jayden is
    ...", "I noticed Priya is ...") print alike ("I noticed [NAME] is ..."), and :func:`select_quotes`, which
    reads the passages as written, keeps both. The later of two such quotes is left out and the pick made again
    without it, so the next distinct passage takes its place.

    A quote that once redacted is mostly placeholders or has no sentence of its own (:func:`placeholder_quote`: a
    signature, a contact line) is passed over the same way, for the next passage; it is moved to the end of the
    ranking rather than left out, and is quoted only for a theme (a group) with nothing else to quote: it never
    pads a list of real answers."""
    left_out: set[str] = set()
    passed: set[str] = set()
    while True:
        pool = ranked[~ranked["seg_id"].isin(left_out)] if left_out else ranked
        out = finish(pick(demote(pool, passed)))
        if redact and len(out):
            bare = {s for s, t in zip(out["seg_id"], out["text"]) if placeholder_quote(t)} - passed
            if bare:
                passed |= bare
                continue
        if not redact or len(out) < 2:
            return out  # (one quote, or none redacted: nothing passed over to drop)
        keys = pd.DataFrame({"text": out["text"].map(_norm_text)})
        if "group" in out.columns:
            keys["group"] = out["group"].astype(str)
        again = keys.duplicated().to_numpy()
        if not again.any():
            return _only_if_alone(out, passed)
        left_out.update(out.loc[again, "seg_id"])


def _only_if_alone(out: pd.DataFrame, passed: set[str]) -> pd.DataFrame:
    """``out`` without its quotes of ``passed`` (signatures, contact lines) in a group (the whole, without groups)
    that has another quote: such a quote stands in for a theme or group with nothing else to quote, and never
    pads a list of real answers."""
    down = out["seg_id"].isin(passed)
    if not passed or not down.any():
        return out
    group = out["group"].astype(str) if "group" in out.columns else pd.Series("", index=out.index)
    others = (~down).groupby(group).transform("any")
    return out[~(down & others)].reset_index(drop=True)


def _without_lead_in_mark(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each testimonial's trailing comma, semicolon or colon (and the space before it) left out
    of its quote, its ``end`` moved back over them."""
    ends = frame["seg_kind"].eq("testimonial") & frame["quote"].fillna("").astype(str).str.contains(r"[,;:]\s*$")
    if not ends.any():
        return frame
    out = frame.copy()
    for i in np.flatnonzero(ends.to_numpy()):
        raw = out.iloc[i]["text"] if "text" in out.columns else out.iloc[i]["quote"]
        raw = str(raw).rstrip()
        kept = raw.rstrip(",;:").rstrip()
        if not kept:
            continue
        quote = str(out.iloc[i]["quote"]).rstrip().rstrip(",;:").rstrip()
        out.iat[i, out.columns.get_loc("quote")] = quote
        out.iat[i, out.columns.get_loc("end")] = int(out.iloc[i]["start"]) + len(kept)
    return out


def within_testimonials(store, frame: pd.DataFrame, documents: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` (passages with doc_id, seg_kind, start, end, quote, speaker, source_ref) with each sentence that
    is part of a testimonial of its document quoted as that testimonial's words: it takes the testimonial's
    speaker and source marker, and a sentence that cuts into the quotation (``He told us: "Before the course I
    dreaded ...``, ``... how I lead," said a matron.``) keeps only the quoted words, so no quotation mark is left
    open and no narration is printed as the speaker's; start and end follow the text (before redaction). A
    sentence that holds a whole testimonial is left as it is: it names its speaker itself. A testimonial whose
    quotation closes on a comma, semicolon or colon (``"... every day," said a matron``) is quoted without it,
    as its sentence would be: the mark leads into the narration. ``documents`` (doc_id to text), when the caller
    has them, saves reading the documents again. Order is kept.

    A marker that is a Word document's note mark as the body shows it (a bare ``2``, ``[ii]``) and names that note
    is given as the note (``[footnote 2]``, ``[endnote ii]``): the bare mark reads as the sources list's entry of
    that number, which is another document."""
    if frame.empty or "seg_kind" not in frame.columns:
        return frame
    frame = _without_lead_in_mark(frame)
    marked = pd.Series(np.where(frame["seg_kind"].eq("testimonial"), frame["seg_id"], None), index=frame.index,
                       dtype=object)  # the testimonial whose marker each row shows
    is_sent = frame["seg_kind"].eq("sentence") & frame["speaker"].isna()
    tests = store.testimonials_of(frame.loc[is_sent, "doc_id"]) if is_sent.any() else None
    if tests is None or tests.empty:
        return _note_markers(store, frame, marked)
    by_doc: dict[str, list[tuple[int, int, Any, Any, Any]]] = {}
    for t in tests.itertuples(index=False):
        by_doc.setdefault(t.doc_id, []).append((int(t.start), int(t.end), t.speaker, t.source_ref, t.seg_id))
    texts = documents
    out = frame.copy()
    for i in np.flatnonzero(is_sent.to_numpy()):
        row = out.iloc[i]
        s, e = int(row["start"]), int(row["end"])
        best = None
        for ts, te, speaker, ref, told in by_doc.get(row["doc_id"], ()):
            inside = max(0, min(e, te) - max(s, ts))
            if inside and not (s <= ts and te <= e) and (best is None or inside > best[0]):
                best = (inside, ts, te, speaker, ref, told)
        if best is None:
            continue
        _, ts, te, speaker, ref, told = best
        marked.iat[i] = told
        a, b = max(s, ts), min(e, te)
        if (a, b) != (s, e):
            if texts is None:
                texts = store.document_texts(out.loc[is_sent, "doc_id"])
            whole = texts.get(row["doc_id"])
            if whole is None:
                continue
            piece = whole[a:b]
            a += len(piece) - len(piece.lstrip())
            piece = piece.strip().rstrip(",;:").rstrip()
            if not piece:
                continue
            b = a + len(piece)
            out.iat[i, out.columns.get_loc("quote")] = " ".join(piece.split())
            out.iat[i, out.columns.get_loc("start")] = a
            out.iat[i, out.columns.get_loc("end")] = b
        out.iat[i, out.columns.get_loc("speaker")] = speaker
        out.iat[i, out.columns.get_loc("source_ref")] = ref
    return _note_markers(store, out, marked)


_NOTE_LABEL = re.compile(r"(?:footnote|endnote) \S+")


def note_marker(source_ref: Any, entries: Iterable[tuple[Any, Any]]) -> Any:
    """``source_ref`` as a reader can follow it, given the (ref, label) of the source entries it names: a Word
    document's note mark as the body shows it (``2``, ``[ii]``), naming notes of that mark only, is
    ``[footnote 2]``; any other marker as written."""
    entries = list(entries)
    if not isinstance(source_ref, str) or not source_ref or not entries:
        return source_ref
    bare = source_ref.strip().strip("[]()").strip()
    labels = [str(label or "") for _, label in entries]
    if all(_NOTE_LABEL.fullmatch(x) for x in labels) and all(str(ref) == bare for ref, _ in entries):
        return "[" + "; ".join(dict.fromkeys(labels)) + "]"
    return source_ref


def _note_markers(store, frame: pd.DataFrame, marked: pd.Series) -> pd.DataFrame:
    """``frame`` with each marker that names a Word document's note given as the note (see :func:`note_marker`);
    ``marked``: the testimonial whose marker each row shows (None for none)."""
    wanted = sorted({m for m, r in zip(marked, frame["source_ref"]) if isinstance(m, str) and isinstance(r, str)})
    if not wanted:
        return frame
    entries: dict[str, list[tuple[Any, Any]]] = {}
    for r in store.segment_sources(wanted).itertuples(index=False):
        entries.setdefault(r.seg_id, []).append((r.ref, r.label))
    shown = [note_marker(r, entries.get(m, ())) if isinstance(m, str) else r
             for m, r in zip(marked, frame["source_ref"])]
    if shown == list(frame["source_ref"]):
        return frame
    return frame.assign(source_ref=pd.Series(shown, index=frame.index, dtype=object))


# ---------------------------------------------------------------------------------------- public API


def protect_words(codebook) -> list[str]:
    """Words redaction must never remove: the codebook's labels and keyword patterns."""
    words = []
    for theme in codebook.themes:
        words.append(theme.label)
        words.extend(k.replace("*", "") for k in theme.keywords)
    return words


def speaker_text(value: Any) -> str | None:
    """A speaker as printed: runs of whitespace collapsed; None when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split())
    return text or None


def redact_speakers(speakers: list[str], protect: Iterable[str] = (), keep: Iterable[str] = ()) -> list[str]:
    """Remove people's names from speakers by the rules only (titles, first names, names by context):
    speakers are mostly roles and organisations, where the NER model would take places for people. Names
    in ``keep`` stay."""
    return [r.text for r in speaker_redactions(speakers, protect, keep)]


def speaker_redactions(speakers: list[str], protect: Iterable[str] = (), keep: Iterable[str] = ()) -> list:
    """:func:`redact_speakers` with what each replaced (:class:`evalnlp.redact.Redaction`)."""
    from evalnlp.redact import redact_many

    return redact_many(speakers, use_model=False, protect=protect, keep=keep)


#: An attribute value of at least this many words, with lower-case words among them, is free text (another
#: answer of the same row), redacted as a quote is; other values (ward, site, a hospital's or a programme's name,
#: dates, ids) lose only emails, URLs, phone numbers and postcodes, and NHS numbers where the column's name says
#: it holds them (a 10-digit case id passes the NHS check one time in eleven).
FREE_TEXT_WORDS = 4
_PERSONAL_COLUMN = re.compile(r"nhs|phone|mobile|tel|contact|e-?mail|post_?code|zip|address|patient", re.IGNORECASE)
#: A column of dates of birth (``dob``, ``D.O.B.``, ``Date of birth``, ``birth_date``, ``birthdate``): a date of
#: birth beside a postcode or a ward names a person as surely as a name does, so its values go whole.
_BIRTH_COLUMN = re.compile(r"^[\W_]*d[\W_]?o[\W_]?b[\W_]*$"
                           r"|(?<![a-z])(?:dob|birth[\W_]?date|birthday|date[\W_]*of[\W_]*birth)(?![a-z])",
                           re.IGNORECASE)
BIRTH_VALUE = "[DATE_OF_BIRTH]"
_NAME_WORDS = frozenset("name names surname surnames forename forenames firstname lastname fullname".split())
#: What a column of names may be the names of without being people's: ``ward name``, ``Name of site``.
_THING_WORDS = frozenset("""
    ward wards site sites unit units team teams department dept service services programme programmes program
    programs course courses project projects organisation organisations organization organizations org trust
    trusts hospital hospitals school schools college colleges university universities company companies
    business businesses file files product products place places location locations event events practice
    practices clinic clinics centre center group groups module modules drug drugs medication medicine condition
    theme themes code codes question questions category categories country countries city cities town towns
    region regions area areas street road building venue provider providers institution institutions
    employer employers brand role roles job jobs sheet sheets column columns field fields variable variables
    case cases study studies scheme schemes intervention network networks board boards body bodies agency
    charity charities authority council ccg icb pcn
    """.split())


def thing_column(column: Any) -> bool:
    """Does the column's name say its values name things (``ward``, ``Site``, ``programme name``)? Its values
    are then never taken for people's names."""
    return bool(_THING_WORDS.intersection(re.findall(r"[a-z]+", str(column).lower())))


def group_names(column: Any, values: Iterable[Any], *, keep: Iterable[str] = (), codebook=None,
                order: Sequence[Any] | None = None) -> dict[Any, str]:
    """The de-identified labels of the groups of ``column`` that name or hold a person's details. People's names
    (:func:`name_groups`): every group when the column's name says it holds names (:func:`person_name_column`);
    else, unless its name says it holds things' names (:func:`thing_column`), each group whose value is a
    person's name by itself (:func:`evalnlp.redact.person_names`: ``Sarah Thompson``, ``Dr Patel``; a name in
    ``keep`` stays), numbered over those groups in ``order`` (:meth:`evalnlp.corpus.Corpus.group_order`: a
    fixed shuffle drawn from the store's row ids; without it, their sort order), so the quotes and the
    evidence of one store number them alike, and the numbers do not follow the names' alphabetical order, which
    would let a reader who knows the few names put each back. With ``codebook``, every other group is
    de-identified as the same value is in a row's ``attrs`` (:func:`redact_attrs`: an e-mail address, a phone
    or NHS number, a name inside free text), groups whose labels would then be alike numbered apart (``[EMAIL]
    1``, ``[EMAIL] 2``), in ``order`` too."""
    values = [v for v in values if isinstance(v, str) and v != MISSING_GROUP]
    if not values:
        return {}
    rank = {v: i for i, v in enumerate(order)} if order is not None else {}

    def ordered(groups: Iterable[Any]) -> list[Any]:
        return sorted(sorted(set(groups), key=group_sort_key), key=lambda v: rank.get(v, len(rank)))

    if person_name_column(column):
        return name_groups(ordered(values), ordered=True)
    names: dict[Any, str] = {}
    if not thing_column(column):
        from evalnlp.redact import person_names

        names = name_groups(ordered(v for v, named in zip(values, person_names(values, keep=keep)) if named),
                            ordered=True)
    if codebook is None:
        return names
    rest = [v for v in values if v not in names]
    redacted = redact_attrs([{column: v} for v in rest], codebook, keep)
    changed = {v: r[column] for v, r in zip(rest, redacted) if r[column] != v}
    alike: dict[str, list[str]] = {}
    for v in ordered(changed):
        alike.setdefault(str(changed[v]), []).append(v)
    taken = set(values) | set(names.values())
    for label, groups in alike.items():
        if len(groups) == 1 and label not in taken:
            names[groups[0]] = label
        else:
            names.update({v: f"{label} {i}" for i, v in enumerate(groups, 1)})
    return names


def name_groups(values: Iterable[Any], *, ordered: bool = False) -> dict[Any, str]:
    """Groups of a column of people's names, de-identified and kept apart: each distinct value (in the order
    the groups sort in, or as given with ``ordered``) becomes ``[NAME] 1``, ``[NAME] 2``, ...; a missing value
    stays missing."""
    distinct = [v for v in dict.fromkeys(values) if isinstance(v, str) and v != MISSING_GROUP]
    if not ordered:
        distinct = sorted(distinct, key=group_sort_key)
    return {v: f"{NAME_VALUE} {i}" for i, v in enumerate(distinct, 1)}


@functools.lru_cache(maxsize=1024)
def birth_column(column: Any) -> bool:
    """Does the column's name say it holds dates of birth (``dob``, ``DOB``, ``Date of birth``, ``birth_date``)?
    Its values are then replaced whole (``[DATE_OF_BIRTH]``), as an attribute or a group."""
    return bool(_BIRTH_COLUMN.search(str(column)))


@functools.lru_cache(maxsize=1024)
def person_name_column(column: Any) -> bool:
    """Does the column's name say it holds people's names (``patient_name``, ``Staff Name``, ``Name of patient``,
    ``Your name``, ``Forename(s)``, ``name``)? Not when it names a thing's names (``ward_name``, ``Name of site``,
    ``programme name``). Its values are then a name whatever their length, so a locator or attribute from it is
    replaced whole (``[NAME]``)."""
    words = re.sub(r"[’']s\b", "", str(column).lower())
    words = re.sub(r"([a-z])(name)", r"\1 \2", words) if "name" in words and not re.search(
        r"(?:sur|fore|first|last|full)name", words) else words
    tokens = re.findall(r"[a-z]+", words)
    return bool(_NAME_WORDS.intersection(tokens)) and not _THING_WORDS.intersection(tokens)


NAME_VALUE = "[NAME]"
_CONNECTORS = frozenset({"and", "of", "the", "upon", "on", "in", "at", "for", "de", "la", "le", "von", "van"})


def _free_text(value: str) -> bool:
    words = value.split()
    ordinary = [w for w in words if w[:1].islower() and len(w) >= 3 and w.lower() not in _CONNECTORS]
    return len(words) >= FREE_TEXT_WORDS and len(ordinary) >= 2


def _patterns_only(texts: Sequence[str], personal: Sequence[bool]) -> list[str]:
    """``texts`` with emails, URLs, phone numbers and postcodes replaced, and NHS numbers where ``personal``."""
    from evalnlp.redact import redact_many

    out = list(texts)
    for nhs in (True, False):
        idx = [i for i, p in enumerate(personal) if p == nhs]
        if idx:
            done = redact_many([texts[i] for i in idx], names=False, leave=() if nhs else ("NHS_NUMBER",))
            for i, r in zip(idx, done):
                out[i] = r.text
    return out


_NAME_PARTS = re.compile(r"[_+]+|(?<=[a-z])(?=[A-Z][a-z])|(?<![0-9])[.](?![0-9])|-(?=[A-Z])")
_EXTENSION = re.compile(r"[.][A-Za-z0-9]{1,5}$")


def named_sources(sources: Iterable[Any], keep: Iterable[str] = ()) -> list[str]:
    """The sources (a file's name, a workbook's sheet after ``#``) that seem to name a person or hold a contact
    detail, by the rules redaction uses, read as words (``survey_Jane_Smith.csv`` as ``survey Jane Smith``,
    ``feedback.xlsx#Sister Hughes ward``). A source is printed as it is beside every quote from it, so its name is
    not redacted; this says which names to look at (a bare surname, ``letter_Lomax.docx``, is not found)."""
    from evalnlp.redact import redact_many

    distinct = list(dict.fromkeys(s for s in sources if isinstance(s, str) and s))
    if not distinct:
        return []

    def words(source: str) -> str:
        name, _, sheet = source.partition("#")
        name = _EXTENSION.sub("", name.replace("\\", "/").rsplit("/", 1)[-1])
        return " ".join(_NAME_PARTS.sub(" ", part).strip() for part in (name, sheet) if part) + "."

    texts = [words(s) for s in distinct] + distinct  # as words for names, as written for an e-mail address
    done = redact_many(texts, keep=list(keep))
    n = len(distinct)
    return [s for i, s in enumerate(distinct) if done[i].changed or done[n + i].changed]


def source_names_note(found: Sequence[str]) -> str:
    """The note that names the sources of :func:`named_sources`."""
    shown = ", ".join(repr(s) for s in found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    return (f"{shown} {'seems' if len(found) == 1 else 'seem'} to name a person: a file's or a sheet's name is "
            "printed as it is beside the quotes from it (redaction covers what a file holds, not its name), so "
            "rename such files before reading them into a store whose quotes will be shared")


def redact_locators(locators: Sequence[Any], keep: Iterable[str] = ()) -> list[Any]:
    """Locators with emails, URLs, phone numbers and postcodes replaced, and NHS numbers when the locator names
    an id column that holds them (``nhs_number=9434765919``). A row named by a person's name goes whole
    (``patient_name=[NAME]``): the id column's name says it holds names, or the id is a person's name by itself
    (``respondent=Sarah Thompson``, see :func:`evalnlp.redact.person_names`; a name in ``keep`` stays) in a
    column whose name does not say it names things. Other ids are kept to trace the row by (``case_id``)."""
    from evalnlp.redact import person_names

    texts = list(dict.fromkeys(v for v in locators if isinstance(v, str)))
    personal = [bool(_PERSONAL_COLUMN.search(t.split("=", 1)[0])) if "=" in t else False for t in texts]
    done = dict(zip(texts, _patterns_only(texts, personal)))
    named = [t for t in texts if "=" in t]
    by_value = dict(zip(named, person_names([t.split("=", 1)[1] for t in named], keep=keep)))
    for t in named:  # a row named by a person's name ("patient_name=Sarah Thompson"): the name goes whole
        column = t.split("=", 1)[0]
        if person_name_column(column.strip()) or (by_value[t] and not thing_column(column)):
            done[t] = f"{column}={NAME_VALUE}"
        elif birth_column(column.strip()):
            done[t] = f"{column}={BIRTH_VALUE}"
    return [done.get(v, v) if isinstance(v, str) else v for v in locators]


def redact_attrs(attrs: Sequence[Any], codebook, keep: Iterable[str] = ()) -> list[Any]:
    """Each row's attributes (dicts) with their values de-identified: free text (see :data:`FREE_TEXT_WORDS`)
    as quotes are, other values of personal patterns only (NHS numbers only in a column named for them). A
    value redaction leaves alone stays the value it was (a number too)."""
    from evalnlp.redact import redact_many

    def text_of(value: Any) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return str(value)  # an NHS or phone number read as a number
        return None

    def key_of(column: Any, text: str) -> tuple[str, bool]:
        """What a value's redaction depends on: its text, and for a short one whether its column is personal."""
        return (text, True) if _free_text(text) else (text, bool(_PERSONAL_COLUMN.search(str(column))))

    wanted = sorted({key_of(k, t) for row in attrs if isinstance(row, dict)
                     for k, v in row.items() if (t := text_of(v)) is not None})
    free = [t for t, _ in wanted if _free_text(t)]
    short = [(t, p) for t, p in wanted if not _free_text(t)]
    done = dict(zip(((t, True) for t in free),
                    (r.text for r in redact_many(free, protect=protect_words(codebook), keep=keep)) if free else []))
    done.update(zip(short, _patterns_only([t for t, _ in short], [p for _, p in short])))
    from evalnlp.redact import person_names

    names = {t for (t, _), named in zip(short, person_names([t for t, _ in short], keep=keep)) if named}

    def one(column: Any, value: Any) -> Any:
        if birth_column(column) and value is not None and str(value).strip() and value == value:
            return BIRTH_VALUE  # a date of birth, whatever its type or form (a date, text, a number of Excel's)
        text = text_of(value)
        if text is None:
            return value
        if text.strip() and person_name_column(column):
            return NAME_VALUE  # a column of people's names: the value is a name whatever its length
        if text in names and not thing_column(column):
            return NAME_VALUE  # a person's name by itself ("Sarah Thompson") in a column not of things' names
        new = done[key_of(column, text)]
        return value if new == text else new

    return [{k: one(k, v) for k, v in row.items()} if isinstance(row, dict) else row for row in attrs]


def finish_quotes(frame: pd.DataFrame, codebook, *, redact: bool, keep: Iterable[str] = (),
                  documents: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Turn scored passages into the quote table: contract columns first, text redacted if asked (leaving
    the names in ``keep``). ``documents`` (doc_id to the document's whole text): a quote is read for names
    with its document beside it, so a surname alone in the quote is caught when the document names the
    person in full (see :func:`evalnlp.redact.redact_many`)."""
    out = pd.DataFrame({
        "theme": frame["theme"].to_numpy(),
        "text": frame["quote"].to_numpy(),
        "score": frame["score"].to_numpy(dtype=float),
        "doc_id": frame["doc_id"].to_numpy(),
        "source": frame["source"].to_numpy(),
        "locator": frame["locator"].to_numpy(),
        "speaker": frame["speaker"].to_numpy(),
        "source_ref": frame["source_ref"].to_numpy(),
        "attrs": list(frame["attrs"]),
        "seg_id": frame["seg_id"].to_numpy(),
        "start": frame["start"].to_numpy(dtype=int),
        "end": frame["end"].to_numpy(dtype=int),
        "confidence": frame["confidence"].to_numpy(dtype=float),
        "representativeness": frame["representativeness"].to_numpy(dtype=float),
        "readability": frame["readability"].to_numpy(dtype=float),
    })
    if "group" in frame.columns:
        out.insert(len(QUOTE_COLUMNS), "group", frame["group"].to_numpy())
    out["redactions"] = 0
    # missing is None in both (not NaN in one and None in the other, whatever pandas infers)
    out["speaker"] = pd.Series([speaker_text(v) for v in out["speaker"]], index=out.index, dtype=object)
    out["source_ref"] = pd.Series([v if isinstance(v, str) else None for v in out["source_ref"]], index=out.index,
                                  dtype=object)
    if redact and len(out):
        from evalnlp.redact import redact_many

        protect = protect_words(codebook)
        docs = None if documents is None else [documents.get(d) for d in out["doc_id"]]
        red = redact_many(out["text"].tolist(), protect=protect, keep=keep, documents=docs)
        out["text"] = [r.text for r in red]
        out["redactions"] = [len(r.spans) for r in red]
        has = out["speaker"].notna()
        if has.any():  # a name in the speaker counts as a detail replaced, as one in the quote does
            spoken = speaker_redactions(out.loc[has, "speaker"].tolist(), protect, keep)
            out.loc[has, "speaker"] = [r.text for r in spoken]
            out.loc[has, "redactions"] = out.loc[has, "redactions"].to_numpy() + [len(r.spans) for r in spoken]
        out["locator"] = pd.Series(redact_locators(out["locator"].tolist(), keep), index=out.index, dtype=object)
        out["attrs"] = redact_attrs(list(out["attrs"]), codebook, keep)
    out["text"] = [shorten_quote(t) for t in out["text"]]  # after redaction, which reads the whole passage
    return out.reset_index(drop=True)


def _empty_quotes(by: str | None) -> pd.DataFrame:
    cols = QUOTE_COLUMNS + (["group"] if by else []) + [
        "seg_id", "start", "end", "confidence", "representativeness", "readability", "redactions"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise errors.error("E158", "rank", n=n)
    return int(n)


def ask_store(corpus: Corpus, theme: str, *, n: int = 5, by: str | None = None) -> pd.DataFrame:
    """Ask the store, now, what :func:`rank_quotes` needs for ``theme``: its quote candidates (returned) and
    the passages of its centre. The corpus keeps the answers, so it can be closed before the embedding and
    redaction models are loaded. E158 for a bad ``n``, E150 for an unknown ``by`` attribute."""
    n = _check_n(n)
    if by:
        corpus.check_attribute(by)
    candidates = corpus.candidates([theme], max(QUOTE_CANDIDATES, 20 * n), candidate_weights(), attr=by or None)
    if len(candidates):
        corpus.theme_passages(theme, CENTRE_SAMPLE)
    if by:
        corpus.group_sizes(by)  # every group, numbered as evidence numbers them where they are people's details
    return candidates


def ask_store_each(corpus: Corpus, themes: list[str], *, n: int = 5, by: str | None = None) -> None:
    """:func:`ask_store` for each of ``themes``, with the candidates of all of them asked in one query (see
    :meth:`Corpus.candidates_each`)."""
    n = _check_n(n)
    if by:
        corpus.check_attribute(by)
    k = max(QUOTE_CANDIDATES, 20 * n)
    corpus.candidates_each(list(themes), k, candidate_weights(), attr=by or None)
    # the centres' passages of the themes with candidates, in one query too
    corpus.theme_passages_each([t for t in themes if len(corpus.candidates([t], k, candidate_weights(),
                                                                          attr=by or None))], CENTRE_SAMPLE)
    for theme in themes:
        ask_store(corpus, theme, n=n, by=by)


def rank_quotes(store, codebook, theme: str, *, n: int = 5, by: str | None = None, redact: bool = True,
                encoder=None, corpus: Corpus | None = None, keep_names: Iterable[str] = ()) -> pd.DataFrame:
    """The ``n`` best quotes for ``theme`` (the best ``n`` per group of ``by``), best first.

    Columns: theme, text, score, doc_id, source, locator, speaker, source_ref, attrs (dict), then group
    (with ``by``), seg_id, start, end, confidence, representativeness, readability and redactions (how
    many details were replaced in the quote and its speaker). Redaction leaves the names in ``keep_names``. An unknown theme raises :class:`~evalnlp.errors.CodebookError` E220
    listing the codebook's themes; an unknown ``by`` attribute :class:`InputError` E150.
    """
    codebook.get(theme)
    n = _check_n(n)
    own = corpus is None  # a corpus made here is closed here
    preload = Preload(encoder, redact) if own else None  # the models load while the store answers
    corpus = corpus if corpus is not None else load_corpus(store, codebook)
    candidates = ask_store(corpus, theme, n=n, by=by)
    if own:  # everything is asked: the store's temporary tables can go
        corpus.close()
    if preload is not None:
        preload.wait()
    if candidates.empty:
        return _empty_quotes(by)
    ranked = score_pairs(corpus, codebook, encoder, pairs=candidates)

    def pick(pool: pd.DataFrame) -> pd.DataFrame:
        if not by:
            return select_quotes(corpus, pool, n)
        names = sorted(pool["group"].unique(), key=group_sort_key)
        parts = [select_quotes(corpus, pool[pool["group"] == g], n) for g in names]
        return pd.concat(parts) if parts else pool.iloc[:0]

    def finish(chosen: pd.DataFrame) -> pd.DataFrame:
        texts = store.document_texts(chosen["doc_id"]) if redact and len(chosen) else None
        chosen = within_testimonials(store, chosen, texts)
        context = store.redaction_contexts(texts) if texts is not None else None
        return finish_quotes(chosen, codebook, redact=redact, keep=keep_names, documents=context)

    out = distinct_once_redacted(ranked, pick, finish, redact=redact)
    if by and redact and len(out):  # a group may be a person's name, or hold an e-mail address
        labels = group_names(by, corpus.group_sizes(by).index, keep=keep_names,  # the numbers evidence gives
                             codebook=codebook, order=corpus.group_order(by))
        if labels:  # the groups in the order of their labels, so their places do not give the names' order
            out["group"] = out["group"].map(lambda v: labels.get(v, v))
            out = out.iloc[sorted(range(len(out)), key=lambda i: group_sort_key(str(out["group"].iloc[i])))]
            out = out.reset_index(drop=True)
    return out


def quote_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a quote table as JSON-ready dicts (contract keys first)."""
    cols = [c for c in QUOTE_COLUMNS if c in df.columns] + [c for c in df.columns if c not in QUOTE_COLUMNS]
    return [{c: _plain(v) for c, v in zip(cols, row)} for row in df[cols].itertuples(index=False, name=None)]


def quotes_to_json(df: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The ``quotes --format json`` document: ``{"quotes": [{theme, text, score, doc_id, source, locator,
    speaker, source_ref, attrs, ...}]}``."""
    return {"quotes": quote_records(df)}
