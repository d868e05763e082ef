"""A cheap check of whether a passage is English the coders can read, with nothing downloaded.

The shipped coders and the sentiment model learnt English only. A passage in Welsh, Polish or Urdu still gets
scores from them (its few English-looking words, its length, its punctuation), and a single-label codebook
that requires a theme gives it its top one, so "Roedd y toiledau yn fudr" (the toilets were dirty) came out
as *care received*, positive. :func:`readable` tells such passages apart by the share of their words that are
ordinary English words (the list redaction uses, :func:`evalnlp.redact.shipped_common_words`): a language check good
enough to say "this is not English", not to say which language it is.

- ``"english"``: at least half of the passage's words (runs of two letters or more) are common English words;
- ``"not_english"``: it has words, fewer than half of them English (Welsh, Polish, Urdu, Chinese ...);
- ``"no_words"``: no word of two letters or more (an emoji, a number, a date, a single letter).

Words of one letter are not counted: ``a`` and ``i`` are words of Welsh and Polish as well as English. A
mixed answer (``Staff yn garedig iawn but the waiting time was awful``) has English enough to be read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Sequence

#: A passage is not English when no more than this share of its counted words are common English words.
#: Low, so that English with typos and names ("Absolutly nothing, 10/10 servuce") stays English: on the 10,302
#: comments of the shipped FFT corpus 0.1% come out as not English, nearly all of them a typo and a name.
ENGLISH_SHARE = 1 / 3

#: Fewest counted words a passage needs to be called not English: a single unknown word ("Earplugs", "Nope",
#: a misspelt "Nothimg") says too little, and is read as English.
MIN_WORDS = 2

ENGLISH, NOT_ENGLISH, NO_WORDS = "english", "not_english", "no_words"

#: Words of the common-word list that are Welsh or Polish function words as often as English (abbreviations,
#: mostly: "ar", "ac", "yr"), which would make Welsh look English.
_AMBIGUOUS = frozenset({"ac", "ar", "da", "di", "le", "na", "ni", "nos", "yr"})

_WORD = re.compile(r"[^\W\d_]{2,}(?:['\u2019][^\W\d_]+)*")  # letters only: digits and underscores are no word
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|<[^<>]{0,200}>", re.IGNORECASE)  # links, e-mails, tags
_SENTENCE_END = re.compile(r"[.!?\n]")


#: English words of spaCy's stop-word list that the shipped list lacks (it holds the rest): read as English too,
#: without importing spaCy on classify's path for them.
_MORE_ENGLISH = frozenset({"anyhow", "anyway", "hereby", "hereupon", "hers", "noone", "sometime", "thereupon", "thru",
                           "whence", "whereafter", "whereupon", "whither", "whoever"})


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from evalnlp.redact import shipped_common_words

    return shipped_common_words() | _MORE_ENGLISH


def english_share(text: str) -> tuple[float, int] | None:
    """The share of ``text``'s counted words that are common English words, and how many words were counted;
    None when it has no word of two letters or more.

    A capitalised word inside a sentence (``Diane`` in ``Jen and Diane``) is a name, in any language, and is
    not counted; a word in capitals (``DISGRACEFUL``) is."""

    text = _URL.sub(" ", text)
    common = _common_words()
    seen = hits = counted = 0
    last = 0
    for m in _WORD.finditer(text):
        word = m.group()
        seen += 1
        opens = counted == 0 and seen == 1 or bool(_SENTENCE_END.search(text, last, m.start()))
        last = m.end()
        if not opens and word[0].isupper() and not word.isupper():
            continue
        counted += 1
        if _common(word, common):
            hits += 1
    if not seen:
        return None
    return (hits / counted if counted else 1.0), counted


def _common(word: str, common: frozenset[str]) -> bool:
    low = word.lower().replace("\u2019", "'")
    return low not in _AMBIGUOUS and (low in common or low.split("'")[0] in common)


#: What :func:`readable` said of texts it read (their kinds depend on the text alone), emptied when it outgrows
#: ``_SEEN_MAX`` texts.
_SEEN: dict[str, str] = {}
_SEEN_MAX = 100_000


def readable(texts: Sequence[str]) -> list[str]:
    """For each text, ``"english"``, ``"not_english"`` or ``"no_words"`` (see the module's notes)."""

    common = _common_words()
    out: list[str] = []
    seen = _SEEN  # an answer repeated in many rows ("Very good") is read once, across the pages of a run
    if len(seen) > _SEEN_MAX:
        seen.clear()
    for text in texts:
        kind = seen.get(text)
        if kind is not None:
            out.append(kind)
            continue
        out.append(_kind(text, common))
        seen[text] = out[-1]
    return out


def _kind(text: str, common: frozenset[str]) -> str:
    """What :func:`readable` says of one text."""
    # most passages are plainly English: counting every word, names too, already gives a share above the
    # bar, which leaving names out could only raise (the careful count below is for the rest)
    words = _WORD.findall(text)
    if words and sum(1 for w in words if _common(w, common)) > ENGLISH_SHARE * len(words):
        return ENGLISH
    got = english_share(text)
    if got is None:
        return NO_WORDS
    share, counted = got
    return NOT_ENGLISH if counted >= MIN_WORDS and share <= ENGLISH_SHARE else ENGLISH
