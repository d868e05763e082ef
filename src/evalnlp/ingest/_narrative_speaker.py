"""Speaker attribution for quotations: rule-based cues, with a dependency-parse path when available.

Everything here works on the normalised text (see :mod:`._narrative_text`); spans are norm offsets.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

from evalnlp.ingest import _narrative_words as W

ATTR_LEMMAS = W.ATTRIBUTION_LEMMAS
_IRREGULAR = W.IRREGULAR_ATTRIBUTION_FORMS
_DROP_IN_RULES = W.PARSER_ONLY_LEMMAS


def _forms(lemma: str) -> set[str]:
    out = {lemma}
    if lemma.endswith("e"):
        out |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        out |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x")):
        out |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        out |= {lemma + "s", lemma + "ed", lemma + "ing"}
        if re.fullmatch(r".*[^aeiou][aeiou][tpdgm]", lemma) and len(lemma) <= 4:
            out |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return out


RULE_VERBS: set[str] = set(_IRREGULAR) - {"saw", "seen", "seeing", "found", "set", "sets", "put",
                                          "puts", "putting", "thought", "felt", "feels"}
for _l in ATTR_LEMMAS - _DROP_IN_RULES:
    RULE_VERBS |= _forms(_l)
RULE_VERBS |= {"sees", "describes", "described", "calls", "called"}

_VERB_RE = re.compile(r"\b(" + "|".join(sorted(RULE_VERBS, key=len, reverse=True)) + r")(\d{1,2}(?:\.\d{1,2})?)?\b")

PRONOUNS = W.PRONOUNS
_AUX = W.AUXILIARIES_AND_ADVERBS
_COMMON_VERBS = W.COMMON_VERBS
_DETS = W.NP_OPENERS
_INTRO = W.INTRODUCTION_WORDS
_ADVERB_START = W.SENTENCE_ADVERBS
PERSON_NOUNS = W.PERSON_NOUNS
ORG_NOUNS = W.ORG_NOUNS
DOC_NOUNS = W.DOC_NOUNS
ROLE_NOUNS = (PERSON_NOUNS | ORG_NOUNS | DOC_NOUNS | {w + "s" for w in PERSON_NOUNS} | {
    "women", "men", "children", "people", "staff", "one"}) - {"who", "press", "industry", "sector",
                                                               "note", "notes", "plan", "policy",
                                                               "standard", "framework", "book", "study"}
_PLURAL_ROLE = {w for w in ROLE_NOUNS if (w.endswith("s") and w not in {"minutes", "ltd"})
                or w in {"women", "men", "children", "people", "staff"}}
_ROLE_RE = re.compile(
    r"(?:\b(?:[Tt]he|[Aa]n?|[Oo]ne|[Ii]ts|[Tt]heir)\s+(?:[\w&'-]+\s+){0,5}?|\b)"
    r"(?P<noun>" + "|".join(sorted(ROLE_NOUNS - {"one"}, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?:of|at|for|from|in|to)\s+(?:the\s+)?(?-i:[A-Z][\w&'-]*(?:\s+(?:of|and|for|the|&|[A-Z][\w&'-]*))*))?"
    r"(?:\s+who\s+[^.,;:\"'`]+)?",
    re.IGNORECASE,
)


_WORDISH = re.compile(r"[\w&'’.-]+|[,;:()\[\]]")


def _words(text: str, a: int, b: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORDISH.finditer(text, a, b)]


_GLUED_FOOTNOTE = re.compile(r"(?<=[A-Za-z]{2}[a-z])[,.]?\d{1,2}(?:\.\d{1,2})?")
# a closing comma segment that names the medium of a statement (with an optional date after it)
_MEDIUM_TAIL = re.compile(r"(?i),\s*(?:(?:personal|written|private)\s+)?(?:" + "|".join(sorted(W.MEDIUM_WORDS)) +
                          r")s?(?:\s+to\s+[^,;:()]{1,60})?\.?$")  # (", email to the team")
# "Jane Roe of Acme Ltd in a letter (to the team)": the medium after the speaker, not part of who spoke
_IN_MEDIUM_TAIL = re.compile(r"(?i)\s+in\s+(?:a|an|his|her|their|its|one)\s+(?:(?:personal|written|private|recent|"
                             r"later|subsequent|formal|published)\s+)?(?:" + "|".join(sorted(W.MEDIUM_WORDS)) +
                             r")s?(?:\s+to\s+[^,;:()]{1,60})?\.?$")
# "J. Roe, review in the Hill Times": where the speaker's words were published, after a comma, not who spoke
_PUBLISHED_TAIL = re.compile(r",\s*(?:(?:a|an|his|her|their|its)\s+)?(?:review|article|column|editorial|feature|"
                             r"obituary|blog\s+post|opinion\s+piece)s?\s+(?:in|for|on)\s+[^,;:()]{1,60}?\.?$")


def trim_span(text: str, a: int, b: int) -> tuple[int, int] | None:
    """Drop surrounding spaces, punctuation, trailing markers and auxiliaries from ``text[a:b]``."""
    from evalnlp.ingest._narrative_text import MARKER, is_marker

    changed = True
    while changed and a < b:
        changed = False
        while a < b and (text[a].isspace() or text[a] in ",;:-–—"):
            a += 1
            changed = True
        while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:-–—"):
            b -= 1
            changed = True
        m = re.search(r"\s*(?:" + MARKER.pattern + r")$", text[a:b])
        if m and m.start() > 0:
            b = a + m.start()
            changed = True
        m = re.match(r"(?:" + MARKER.pattern + r")\s+(?=\S)", text[a:b])
        if m and is_marker(m.group(0).strip()):
            a += m.end()  # "(6) She then said": a marker left over from the sentence before
            changed = True
        m = re.search(r"(?:^|\s)([A-Za-z]+)$", text[a:b])
        if m and m.group(1).lower() in _AUX and m.start(1) > 0:
            b = a + m.start(1)
            changed = True
        m = _GLUED_FOOTNOTE.search(text, a, b)
        if m and m.end() == b:
            b = m.start()  # "Dr Jane Roe,5.2": footnote digits glued to the speaker's last word
            changed = True
        m = _MEDIUM_TAIL.search(text[a:b]) or _IN_MEDIUM_TAIL.search(text[a:b]) or _PUBLISHED_TAIL.search(text[a:b])
        if m and m.start() > 0:
            b = a + m.start()  # "Jane Roe, Acme Ltd, email": how the words reached the authors, not who
            changed = True
    if b <= a:
        return None
    paren = re.search(r"\s*\((?:\s*[`'\"‘“][^()]*|Qq+)\)$", text[a:b])  # masked text shows a quotation as Qqq
    if paren is not None and paren.start() > 0:
        return trim_span(text, a, a + paren.start())  # "the 2008 McMasters Review (`Supporting excellence')"
    url = None
    for url in re.finditer(r"(?:https?://|www\.)\S+", text[a:b]):
        pass
    if url is not None:
        return trim_span(text, a + url.end(), b)  # "... about-us/aims CMF Director, Greg Childs": after the link
    date = re.search(rf",\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTHS})\.?,?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
                     r"(?:19|20)\d\d\.?$", text[a:b])
    if date is not None and date.start() > 0:
        return trim_span(text, a, a + date.start())  # "Leveson Inquiry General Inquiries, 27th January 2012"
    if text[a:b].count("(") > text[a:b].count(")") and text[a:b].endswith(")") is False and "(" in text[a:b]:
        cut = text.rfind("(", a, b)
        return trim_span(text, a, cut) if cut > a else None
    return a, b


def strip_intro(text: str, a: int, b: int) -> int:
    """Move ``a`` past introductory adverbials (``In May 2013,``, ``Likewise``, ``Further to this,``,
    ``Writing in the Guardian,``, ``Of the options considered,``, a leading ``As``)."""
    for _ in range(4):
        seg = text[a:b]
        year = re.match(r"\s*(?:19|20)\d\d\s*,\s*", seg)
        if year:
            a += year.end()  # the tail of a date cut at its comma ("In an email of 1 April, 2010, the ...")
            continue
        dated = _DATE_THEN_NAME.match(seg)
        if dated and _top_level_comma(seg) > dated.end():
            a += dated.end()  # "In 2019 Dr Jane Smith, Medical Director of X, said": the date, not the comma
            continue
        eg = re.match(r"\s*(?:e\.\s?g|i\.\s?e|viz)\.?\s*,?\s+(?=\S)", seg)
        if eg:
            a += eg.end()  # "e.g., a 2010 editorial": the example marker, not part of the speaker
            continue
        first = re.match(r"\s*([A-Za-z]+)", seg)
        if not first:
            return a
        w = first.group(1).lower()
        comma = _top_level_comma(seg)
        if w in _ADVERB_START or (w == "there" and re.match(r"\s*,", seg[first.end():])):
            a += first.end()  # "Likewise", "There, the then Minister argued"
            m = re.match(r"\s*,", text[a:b])
            a += m.end() if m else 0
            continue
        intro = (w in _INTRO or w in _PREPOSITIONS_INTRO or w in _ORDINAL_INTRO
                 or _adverb(first.group(1), seg[first.end():])
                 or (w.endswith("ing") and not _capitalised_next(seg, first.end())))
        if intro and 0 < comma < 160 and not (w in {"as", "when", "while", "whilst"}
                                              and _apposition_comma(seg, first.end(), comma)):
            a += comma + 1
            continue
        if w in {"as", "when", "while", "whilst"} and (comma < 0 or _apposition_comma(seg, first.end(), comma)):
            a += first.end()  # "As the producer recognises:" - the subject follows
            continue  # "While Larry Summers, the then Secretary, wrote": the comma opens an apposition
        if w in _CLAUSE_OPENERS and 0 < comma < 200 and seg[comma] == "," and re.search(r"\w", seg[comma + 1:]) \
                and not bare_name(seg[first.end():comma]):
            a += comma + 1  # "As a result of X, the report", "Where the course comes first, the lecturer": a
            continue  # subordinate clause or phrase before the subject ends at its comma
        return a
    return a


#: Subordinators that open a clause or phrase before the subject (its end is the first comma)
_CLAUSE_OPENERS = frozenset({"as", "when", "while", "whilst", "where", "although", "though", "because", "since",
                             "if", "once", "unless", "whereas", "whether"})


_MONTH = ("(?:January|February|March|April|May|June|July|August|September|October|November|December"
          "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\\.?")
#: A date opening a sentence with no comma after it, a capitalised word right after it: the intro is the date
#: alone, and a comma further on opens an apposition to the name that follows ("In 2019 Dr Jane Smith, ...").
_DATE_THEN_NAME = re.compile(
    r"\s*(?i:in|by|during|on|since|from|at|until|after|before)\s+(?:(?i:early|late|mid|mid-|the\s+end\s+of)\s*)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:" + _MONTH + r"\s+)?(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d\s+(?=[A-Z])")


def _apposition_comma(seg: str, a: int, comma: int) -> bool:
    """After a subordinator, is the comma at ``comma`` the start of an apposition rather than the end of a
    clause? Only a name stands before it (capitalised words, no verb), and a determiner follows it."""
    before = seg[a:comma].split()
    return (0 < len(before) <= 4 and all(w[:1].isupper() for w in before)
            and re.match(r",\s*(?:the|a|an|its|their|then)\b", seg[comma:]) is not None)


def bare_name(part: str) -> bool:
    """Capitalised words only (at most four, a bracketed marker aside): a name, which a comma after a
    subordinator sets in apposition ("As Okoro (5d), chair of the Forum, noted"), not a clause's end."""
    words = re.sub(r"[(\[][^()\[\]]{1,12}[)\]]", " ", part).split()
    return 0 < len(words) <= 4 and all(w[:1].isupper() for w in words)


_PREPOSITIONS_INTRO = W.INTRODUCTION_PREPOSITIONS
_ORDINAL_INTRO = W.INTRODUCTION_ORDINALS


_NOT_ADVERBS = W.LY_NON_ADVERBS


def _adverb(word: str, rest: str) -> bool:
    """An -ly adverb (``warmly``, ``Importantly,``), not a name such as ``Kelly``."""
    lw = word.lower()
    if not lw.endswith("ly") or lw in _NOT_ADVERBS:
        return False
    if word[:1].islower():
        return True
    if not rest.lstrip().startswith(","):
        return False
    # "Duly," and "Oddly," open a sentence; a short name ending in -lly or -ily ("Kelly,", "Emily,") does not
    return len(word) >= 7 or (len(word) >= 4 and not lw.endswith(("lly", "ily")))


def _top_level_comma(seg: str) -> int:
    """Offset of the first comma (or colon) in ``seg`` outside brackets, or -1."""
    depth = 0
    for i, ch in enumerate(seg):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in ",:" and depth == 0:
            return i
    return -1


def _capitalised_next(seg: str, pos: int) -> bool:
    m = re.match(r"\s+(\S)", seg[pos:])
    return bool(m and m.group(1).isupper())


def _verb_like(words: list[tuple[int, int, str]], i: int) -> bool:
    w = words[i][2]
    lw = w.lower().rstrip(".")
    if not w[:1].islower():
        return False
    prev = words[i - 1][2].lower() if i > 0 else ""
    if lw in RULE_VERBS and not lw.endswith("ed") and (prev in _DETS or prev.endswith(("'s", "’s"))):
        return False  # "the report", "the council's statement": a noun
    prev2 = words[i - 2][2].lower() if i > 1 else ""
    if lw in RULE_VERBS and not lw.endswith("ed") and re.fullmatch(r"(?:19|20)\d\d", prev) and prev2 in _DETS:
        return False  # "A 2009 report for the ESRC": a year between the determiner and the noun
    k = i + 1
    if k < len(words) and words[k][2] in {"[", "("}:
        # "A recent OECD report [corrob 5.7] identified": the word after a bracketed marker
        close = next((j for j in range(k + 1, min(len(words), k + 8)) if words[j][2] in {"]", ")"}), None)
        k = close + 1 if close is not None else k
    nxt = words[k][2].lower() if k < len(words) else ""
    if lw in RULE_VERBS and not lw.endswith("ed") and (nxt in RULE_VERBS or nxt in _FINITE_AUX or k >= len(words)):
        return False  # "the annual report records that": the verb follows
    if lw in _COMMON_VERBS or lw in RULE_VERBS or lw in {"goes", "went"}:
        return True
    if prev in _SUBJECT_PRONOUNS and not _adverb(w, "") and lw not in _AUX:
        return True  # "it precedes", "they run": a word right after a subject pronoun is its verb
    if prev == "also" and not _adverb(w, "") and lw not in _AUX | _DETS:
        return True  # "The Home Office also carry out inspections": "also" stands before a verb
    if re.fullmatch(r"[a-z]{3,}ed", lw) and prev not in _DETS and not prev.endswith("ly") and prev not in {",", "and"}:
        return True
    return False


_SUBJECT_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i"})


def np_before_verb(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The subject noun phrase at the start of ``text[a:b]``: everything before its first verb."""
    a = strip_intro(text, a, b)
    words = _words(text, a, b)
    end = b
    rel = 0  # 0: main clause, 1: after a relative pronoun, 2: inside the relative clause's verb group
    for i, (s, _e, w) in enumerate(words):
        if w in {"who", "which", "whom", "whose"}:
            rel = 1
            continue
        verbish = _verb_like(words, i) or w in {"has", "have", "had", "is", "was", "were", "are"} or (
            i > 0 and w in W.IRREGULAR_PAST)  # "the Home Office undertook to get ...": a past form no noun shares
        if verbish and rel == 0 and _participle(words, i):
            continue  # "Research carried out for the EU has recognised": a reduced relative
        if verbish and rel == 0 and i > 0 and _dated_participle(text, words, i, b):
            continue  # "The consultation paper published in September 2012 welcomed": a reduced relative
        if rel == 2 and not verbish:
            rel = 3
        if verbish:
            if rel in (1, 2):
                rel = 2
                continue
            end = s
            break
    return trim_span(text, a, end)


_PARTICLES = W.PARTICIPLE_PARTICLES


def _participle(words: list[tuple[int, int, str]], i: int) -> bool:
    """A past participle opening a reduced relative clause ("carried out", "funded by")."""
    lw = words[i][2].lower()
    if not re.fullmatch(r"[a-z-]{3,}(?:ed|en)", lw) or lw in RULE_VERBS or lw in {"been", "seen", "often", "even"}:
        return False
    prev = words[i - 1][2].lower() if i > 0 else ""
    nxt = words[i + 1][2].lower() if i + 1 < len(words) else ""
    if i == 0 or nxt not in _PARTICLES or prev in _AUX or prev in {",", "and", "who", "which", "that"}:
        return False
    # "Research carried out for the EU has recognised": a finite auxiliary follows the phrase;
    # "a trainer tried out the programme and states": no auxiliary, "tried" is the clause's verb.
    return nxt == "by" or any(w[2].lower() in _FINITE_AUX for w in words[i + 2:])


_FINITE_AUX = W.FINITE_AUXILIARIES


def _dated_participle(text: str, words: list[tuple[int, int, str]], i: int, b: int) -> bool:
    """A past participle with only a date after it and then the clause's verb ("The report published in
    May 2012 welcomed")."""
    lw = words[i][2].lower()
    if not re.fullmatch(r"[a-z-]{3,}(?:ed|en)", lw) or words[i - 1][2].lower() in _AUX | {",", "and", "who", "which"}:
        return False
    m = _DATED.match(text, words[i][1])
    if m is None or m.end() > b + 1:
        return False
    nxt = re.match(r"(?:[a-z]+ly\s+)?([a-z]+)\b", text[m.end():m.end() + 40])
    return nxt is not None and (nxt.group(1) in RULE_VERBS or nxt.group(1) in _COMMON_VERBS
                                or re.fullmatch(r"[a-z]{3,}(?:ed|es)", nxt.group(1)) is not None)


def np_backwards(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The noun phrase ending at ``b``: capitalised words and connectors, with a leading determiner."""
    words = _words(text, a, b)
    start = None
    for s, _e, w in reversed(words):
        lw = w.lower()
        if w[:1].isupper() or w[:1].isdigit() or lw in {"of", "for", "and", "&", "the", "on", "to"}:
            start = s
            continue
        if lw in {"a", "an", "its", "their"}:
            start = s
        break
    if start is None:
        return None
    # A phrase cannot start with a connector other than a determiner.
    while start is not None:
        m = re.match(r"(of|for|and|&|on|to)\s+", text[start:b])
        if not m:
            break
        start += m.end()
    return trim_span(text, start, b)


def is_pronoun(span_text: str) -> bool:
    return span_text.strip().lower() in PRONOUNS


_TITLED_NAME = re.compile(
    r"\b(?:Dr|Mr|Mrs|Ms|Miss|Professor|Prof|Sir|Dame|Lord|Lady|Baroness|Cllr|Councillor|Rev|Reverend)"
    r"\.?(?:\s+[A-Z][\w'’-]*\.?){1,4}"
)


def role_before(text: str, pos: int, plural: bool, lo: int, kinds: set[str] | None = None,
                starts: list[int] | None = None) -> tuple[int, int] | None:
    """Nearest role/organisation noun phrase ending before ``pos`` (not earlier than ``lo``).

    ``kinds`` limits the head noun to ``"person"``, ``"org"`` and/or ``"doc"`` (a "she" is not a
    committee, an "it" is not a director). With sentence ``starts``, a mention that opens its
    sentence (a subject) is preferred to a nearer one inside it (an object).
    """
    best = None
    best_subject = None
    for m in _ROLE_RE.finditer(text, lo, pos):
        noun = m.group("noun").lower()
        if plural and noun not in _PLURAL_ROLE:
            continue
        if not plural and noun in _PLURAL_ROLE:
            continue
        if kinds is not None and noun_kind(noun) not in kinds:
            continue
        if re.search(r"\bto\s+$", text[max(lo, m.start("noun") - 4):m.start("noun")]):
            continue  # "led the channel to commission a series": "to" before a bare noun-like word makes it a verb
        if m.group("noun")[:1].isupper() and re.match(r"\s+[A-Z][a-z]", text[m.end("noun"):m.end("noun") + 3]) \
                and m.end() == m.end("noun"):
            continue  # a title before a name ("Professor Cooper"): the name is the mention
        best = m
        if starts is not None and _opens_clause(text, starts, m.start()):
            best_subject = m
    if best_subject is not None:
        best = best_subject
    named = None
    if not plural and (kinds is None or "person" in kinds):
        for m in _TITLED_NAME.finditer(text, lo, pos):
            if not re.match(r"['’]s\b", text[m.end():m.end() + 3]) and not m.group(0).endswith(("'s", "’s")):
                named = m  # "Professor Cooper's edition" names a book, not a speaker
    if named is not None and (best is None or named.start() >= best.start()):
        return trim_span(text, named.start(), named.end())
    if best is None:
        return None
    start = _np_left_edge(text, best.start(), best.start("noun"))
    if start == best.start("noun") and text[start:start + 1].isupper():
        # a bare capitalised head ("Magazine"): take the whole name ("BBC Music Magazine")
        name = re.search(r"(?:[A-Z][\w&'’-]*\s+){1,5}$", text[max(lo, start - 80):start])
        if name:
            cand = start - len(name.group(0))
            first = text[cand:start].split()[0].lower()
            if first not in _SUBORD | _INTRO | _PREPOSITIONS | _ADVERB_START:
                start = cand
    return np_before_verb(text, start, _extend_role(text, best.end(), pos))


_ROLE_WORDS_RE = "|".join(sorted(ROLE_NOUNS - {"one"}, key=len, reverse=True))
_ROLE_MORE = re.compile(rf"\s+(?:{_ROLE_WORDS_RE})\b", re.IGNORECASE)
_ROLE_OF = re.compile(
    rf"\s+(?:of|at|for|from|in|to)\s+(?:the\s+|an?\s+)?(?:(?-i:[A-Z][\w&'’-]*)(?:\s+(?:of|and|for|the|&|"
    rf"(?-i:[A-Z][\w&'’-]*)))*|(?:[a-z][\w'’-]*\s+){{0,2}}(?:{_ROLE_WORDS_RE}|services?|wards?|units?)\b)",
    re.IGNORECASE)


def _extend_role(text: str, end: int, limit: int) -> int:
    """Extend a role mention to the right: "The chief" -> "The chief executive of Solway Foods"."""
    for _ in range(4):
        m = _ROLE_MORE.match(text, end, limit) or _ROLE_OF.match(text, end, limit)
        if m is None:
            break
        end = m.end()
    return end


def _opens_clause(text: str, starts: list[int], pos: int) -> bool:
    """Does the phrase at ``pos`` open its sentence (after any introductory adverbial)?"""
    i = bisect.bisect_right(starts, pos) - 1
    s = starts[i] if i >= 0 else 0
    return strip_intro(text, s, pos) >= pos - 1 or not text[s:pos].strip()


_NP_BREAK = W.NP_BREAKS


def _np_left_edge(text: str, start: int, noun: int) -> int:
    """Move ``start`` right past prepositions, verbs and numbers found before the head noun."""
    words = list(re.finditer(r"[\w&'’-]+", text[start:noun]))
    edge = start
    for w in words:
        lw = w.group(0).lower()
        if lw in _NP_BREAK or lw.isdigit() or (
                re.fullmatch(r"[a-z]{3,}ed", lw) and lw not in {"retired", "appointed", "qualified"}):
            edge = start + w.end()
    return edge


# --- noun-phrase grammar for speakers ----------------------------------------------------------
#
# A speaker is a noun phrase: names and capitalised words, determiners, lowercase modifiers and
# nouns, linked by of/for/at/in/by/and, with appositions after commas ("Dr X, Clinical Director,
# Y Trust"). Scanning backwards from an attribution verb finds the phrase nearest the verb; it is
# used when the clause's opening phrase is not a noun phrase (an introduction without a comma:
# "In its 2022 report the Association stated") or when it extends that phrase with an apposition
# that the introduction hid ("In May 2021 the Chief Executive of X, Sir Y, said").

_LINKS = W.NP_LINKS
_DET_WORDS = W.DETERMINERS
_SUBORD = W.SUBORDINATORS
_PREPOSITIONS = _LINKS - {"and", "&"} | W.OTHER_PREPOSITIONS
_ORDINAL_ADV = W.ORDINAL_ADVERBS
_ING_NOUNS = W.ING_NOUNS
_PERSON_TITLES = W.PERSON_TITLES
_STOP_LOWER = (RULE_VERBS | _COMMON_VERBS | _SUBORD | _INTRO | _ADVERB_START | _ORDINAL_ADV
               | (_AUX - {"both", "each", "one"}) | (PRONOUNS - {"one", "another", "some", "many",
                                                                  "most", "both", "all"}))
_YEARISH = re.compile(r"(?:19|20)\d\d(?:[-–/]\d{2,4})?$|\d+(?:st|nd|rd|th)?$|\d[\d,.]*$")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DATED = re.compile(rf"\s+(?:in|on)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:(?:{_MONTHS})\.?\s+)?(?:19|20)\d\d\s+")
_TRAIL_DATE = re.compile(
    rf"(?:,?\s+(?:in|on|during|since|by|from|at|until)\s+(?:early\s+|late\s+|mid-?)?"
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:(?:{_MONTHS})\.?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
    rf"(?:19|20)\d\d(?:[-–/]\d{{2,4}})?|,?\s+(?:in|on|during)\s+(?:{_MONTHS})|\s*\((?:[^()]*\d{{4}}[^()]*)\)"
    rf"|,\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{_MONTHS})\.?,?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?(?:19|20)\d\d)\s*$"
)


def _lower(w: str) -> str:
    return re.sub(r"(?:['’]s?|\d{1,2}(?:\.\d{1,2})?)$", "", w.lower().rstrip("."))


def _is_cap(w: str) -> bool:
    return (w[:1].isupper() or (w[:1].isalpha() and any(c.isupper() for c in w[1:]))
            or bool(re.match(r"\d+[A-Za-z-]", w)))


def _is_det(w: str) -> bool:
    return _lower(w) in _DET_WORDS


def _nounish(words: list[tuple[int, int, str]], i: int) -> bool:
    """Could ``words[i]`` end a noun phrase on its left (the word before a link or apposition)?"""
    if i < 0:
        return False
    w = words[i][2]
    if w in {")", "]"}:
        return True
    if not re.match(r"[\w&]", w):
        return False
    lw = _lower(w)
    if _YEARISH.match(w) or _is_det(w):
        return False
    if w.isupper() and len(w) > 1:
        return True
    if _is_cap(w):
        return lw not in _SUBORD | _INTRO | _PREPOSITIONS or lw in _PERSON_TITLES
    if lw in _STOP_LOWER or lw in _PREPOSITIONS or _adverb(w, ""):
        return lw in ROLE_NOUNS or lw in DOC_NOUNS
    return True


def trim_right(text: str, lo: int, hi: int) -> int:
    """Move ``hi`` left past what stands between a speaker and its verb: spaces, commas, markers,
    dates ("in May 2013", "(2013)"), auxiliaries and adverbs ("has also", "goes on to")."""
    from evalnlp.ingest._narrative_text import MARKER, is_marker

    for _ in range(12):
        seg = text[lo:hi]
        m = re.search(r"[\s,;:\-–—]+$", seg)
        if m and m.start() < len(seg):
            hi = lo + m.start()
            continue
        m = re.search(r"(?:" + MARKER.pattern + r")$", seg)
        if m and is_marker(m.group(0)) and m.start() > 0:
            hi = lo + m.start()
            continue
        m = _TRAIL_DATE.search(seg)
        if m and m.start() > 0 and not (re.search(r"\s[a-z]{3,}(?:ed|en)$", seg[:m.start()])
                                        and re.match(r"\s+(?:in|on)\s", seg[m.start():])):
            hi = lo + m.start()  # but "The report published in May 2012" keeps the date of its participle
            continue
        m = re.search(r"(?:^|\s)([A-Za-z]+)$", seg)
        if m and m.start(1) > 0 and (m.group(1).lower() in _AUX or (
                _adverb(m.group(1), "") and m.group(1) not in ROLE_NOUNS)):
            hi = lo + m.start(1)
            continue
        break
    return hi


def np_before(text: str, lo: int, hi: int, appositions: bool = True) -> tuple[int, int] | None:
    """The speaker-like noun phrase ending just before ``hi`` (after :func:`trim_right`)."""
    hi = trim_right(text, lo, hi)
    words = _words(text, lo, hi)
    if not words:
        return None
    if _lower(words[-1][2]) in PRONOUNS and words[-1][2][:1].isalpha():
        return words[-1][0], words[-1][1]
    i = len(words) - 1
    start: int | None = None
    need_link = False
    while i >= 0:
        s, _e, w = words[i]
        lw = _lower(w)
        if w in {")", "]"}:
            j = i
            depth = 0
            while j >= 0:
                depth += words[j][2] in {")", "]"}
                depth -= words[j][2] in {"(", "["}
                if depth == 0:
                    break
                j -= 1
            if j <= 0 or need_link:
                break
            i = j - 1
            continue
        if lw == "then" and i > 0 and _lower(words[i - 1][2]) == "the" and start is not None:
            start = s  # "the then Justice Secretary": "then" is part of the phrase
            i -= 1
            continue
        if w == ",":
            if not appositions or start is None:
                break
            k = i - 1
            depth = 0
            while k >= 0 and (depth or words[k][2] not in {",", ";", ":", "(", "["}):
                depth += (words[k][2] in {")", "]"}) - (words[k][2] in {"(", "["})
                k -= 1  # a bracketed marker inside the chunk ("Mott (5d), chair of X") is stepped over
            chunk_lo = words[k][1] if k >= 0 else lo
            if k < 0:
                chunk_lo = strip_intro(text, chunk_lo, s)  # "As Mott (5d), chair of X noted": "As" opens no name
            inner = np_before(text, chunk_lo, s, appositions=False)
            if inner is None:
                break
            first_tok = next((t for t in words if t[0] >= chunk_lo and re.match(r"[\w&]", t[2])), None)
            covers = first_tok is not None and inner[0] <= first_tok[0]
            before = [t for t in words if t[1] <= inner[0]]
            boundary = bool(before) and _is_det(text[inner[0]:inner[1]].split()[0]) and (
                _YEARISH.match(before[-1][2]) is not None or before[-1][2] in {")", "]"}
                or (_is_cap(before[-1][2]) and _lower(before[-1][2]) not in _STOP_LOWER | _PREPOSITIONS))
            after_verb = bool(before) and before[-1][2][:1].islower() and _lower(before[-1][2]) in RULE_VERBS | _COMMON_VERBS
            if not (covers or boundary or after_verb) or not _name_like(text, inner):
                break
            start = inner[0]
            if not covers or k < 0 or words[k][2] != ",":
                break
            i = k
            continue
        if not re.match(r"[\w&]", w):
            break
        if need_link:
            if lw in _LINKS and _nounish(words, i - 1):
                need_link = False
                i -= 1
                continue
            break
        if _YEARISH.match(w) and not re.search(r"[A-Za-z]", w):
            if re.fullmatch(r"\d{1,3}", w) and i > 0 and _is_cap(words[i - 1][2]) and start is not None \
                    and _lower(words[i - 1][2]) not in _STOP_LOWER | _PREPOSITIONS:
                start = s  # a number inside a name ("the Radio 3 researcher", "Channel 4 News")
                i -= 1
                continue
            break
        if _is_det(w):
            start = s
            need_link = True
            i -= 1
            continue
        if lw in _LINKS:
            right = text[start:hi].split()[0] if start is not None else ""
            if lw in {"and", "&"} and _is_det(right):
                break  # "... and the director": a new clause or a list, not one name
            if start is not None and _nounish(words, i - 1):
                i -= 1
                continue
            break
        if w.isupper() and len(w) > 1 and w.isalpha():
            start = s  # an acronym (WHO, NHS, IT) is a name, never a function word
            i -= 1
            continue
        if _is_cap(w):
            if lw in _SUBORD | _INTRO | _PREPOSITIONS | _ORDINAL_ADV and lw not in _PERSON_TITLES:
                break
            if lw.endswith("ing") and lw not in _ING_NOUNS and i + 1 < len(words) and not _is_cap(words[i + 1][2]):
                break
            start = s
            i -= 1
            continue
        # a lowercase word: a noun or modifier unless it is a verb, adverb or function word
        prev = words[i - 1][2] if i > 0 else ""
        noun_after_det = _is_det(prev) or prev.endswith(("'s", "’s")) or (_is_cap(prev) and lw in DOC_NOUNS)
        if lw in PRONOUNS - {"one", "another"} and lw not in ROLE_NOUNS:
            break
        last = i == len(words) - 1 and lw in RULE_VERBS and not lw.endswith("ed")  # "the report | states"
        if (lw in RULE_VERBS or lw in _COMMON_VERBS) and not (
                noun_after_det and not lw.endswith("ed") and lw in W.NOUN_OR_VERB_WORDS | ROLE_NOUNS) \
                and lw not in ROLE_NOUNS - {"report", "reports", "review"} and not last:
            break
        if lw in _STOP_LOWER - RULE_VERBS - _COMMON_VERBS or lw in _PREPOSITIONS:
            break
        if _adverb(w, ",") and lw not in ROLE_NOUNS:
            break
        if re.fullmatch(r"[a-z][a-z-]{2,}ed", lw) and not (_is_det(prev) or prev.lower().endswith("ly")):
            break
        if lw.endswith("ing") and lw not in _ING_NOUNS and not (_is_det(prev) or _is_cap(prev)):
            break
        start = s
        i -= 1
    if start is None:
        return None
    span = trim_span(text, start, hi)
    if span is None:
        return None
    # Leading links or participles left over at the edge are not part of the phrase.
    a, b = span
    while True:
        m = re.match(r"(?:and|&|of|for|at|in|on|to|from|with|by)\s+", text[a:b])
        if not m:
            break
        a += m.end()
    words_ab = text[a:b].split()
    if not re.search(r"[A-Za-z]", text[a:b]) or (_lower(words_ab[0]) in _DET_WORDS and len(words_ab) == 1):
        return None
    return a, b


def _name_like(text: str, span: tuple[int, int]) -> bool:
    words = text[span[0]:span[1]].split()
    if not words:
        return False
    first = words[0]
    return _is_cap(first) or _is_det(first) or _lower(words[-1]) in ROLE_NOUNS


def valid_np(text: str, a: int, b: int, max_words: int = 35) -> bool:
    """Does ``text[a:b]`` read as a speaker noun phrase (not an introduction, clause or fragment)?"""
    words = [w for w in _words(text, a, b) if re.match(r"[\w&]", w[2])]
    if not words or len(words) > max_words:
        return False
    first, last = words[0][2], words[-1][2]
    lf, ll = _lower(first), _lower(last)
    if len(words) > 1 and lf in _DET_WORDS and _lower(words[1][2]) in {"following", "above", "below", "same"}:
        return False  # "the following quotes": a pointer, not a source
    if first.isupper() and len(first) > 1:
        lf = "#acronym"
    if last.isupper() and len(last) > 1:
        ll = "#acronym"
    if lf in _PREPOSITIONS | _SUBORD | _INTRO | _ADVERB_START | _ORDINAL_ADV and lf not in _PERSON_TITLES:
        return False
    if _adverb(first, text[words[0][1]:b]) and lf not in ROLE_NOUNS:
        return False
    if lf.endswith("ing") and lf not in _ING_NOUNS and (len(words) == 1 or not _is_cap(words[1][2])):
        return False
    if ll in _LINKS or ll in _DET_WORDS - {"one"} or (ll in _STOP_LOWER and ll not in ROLE_NOUNS | PRONOUNS):
        return False
    if re.search(r"['’]s?$", last) and len(words) <= 2:
        return False  # "Kapcia's": a possessive names what belongs to someone, not who spoke
    return True


# A parenthetical between a subject and its verb ("GOSH, for example, report that").
_INTERJECTION = r"(?:for\s+example|for\s+instance|however|in\s+turn|too|in\s+particular|indeed|therefore|though)"
INTERJECTION_BEFORE = re.compile(r",\s*" + _INTERJECTION + r"\s*,\s*$")


_DOC_FROM = re.compile(r"\b([a-z]+?)s?\s+(?:from|by)\s+")


def choose_subject(text: str, lo: int, vpos: int, forward: tuple[int, int] | None) -> tuple[int, int] | None:
    """The better of the clause's opening phrase (``forward``) and the phrase found backwards."""
    end = trim_right(text, lo, vpos)
    rel = re.search(r"(?:^|[\s,])(who|which)$", text[lo:end])
    if rel:
        # "X, the previous Minister, who noted that": the phrase before the relative pronoun, with
        # a name given as a passive's agent before it ("made by Ruth Amadi, the lead, who noted")
        span = np_before(text, lo, lo + rel.start(1))
        if span is not None:
            # "a letter from the Co-ordinator of X, who said": the writer says it, not the letter
            doc = None
            for m in _DOC_FROM.finditer(text, span[0], span[1]):
                if {m.group(1), m.group(1) + "s"} & DOC_NOUNS:
                    doc = m
            if doc is not None and doc.end() < span[1]:
                span = (doc.end(), span[1])
            m = re.search(r"\b(?:by|from)\s+([^,;:]{2,60}),\s*$", text[lo:span[0]])
            if m:
                agent = np_after(text, lo + m.start(1), lo + m.end(1))
                if agent is not None and agent[1] == trim_right(text, lo, lo + m.end(1)):
                    span = (agent[0], span[1])
        return span
    back = np_before(text, lo, vpos)
    if back is not None and is_pronoun(text[back[0]:back[1]]) and _lower(text[back[0]:back[1]]) in {"he", "she", "they"}:
        sub = re.search(r"\b(?:when|as|while|whilst|after|before|because|where)\s+$", text[lo:back[0]])
        if sub is not None:
            # "the Minister, Dr X, referred to the research when he said": the main clause's subject
            main = np_after(text, strip_intro(text, lo, lo + sub.start()), lo + sub.start())
            if main is not None and valid_np(text, *main) and _name_like(text, main):
                return main
    if forward is not None and text.startswith("Q", forward[0]) and text[forward[0]:forward[0] + 2] in {"Qq", "Q"}:
        forward = np_before_verb(text, lo, vpos)  # a parse that makes a short quoted phrase the subject
    relative = False  # the opening phrase ends in a non-restrictive relative clause, cut off below
    if forward is not None and re.match(r"(?:which|who)\s+[a-z]", text[forward[0]:forward[1]]):
        # a parse that takes the relative clause for the subject ("EMGS, which employs 270 people, states")
        head = np_before(text, lo, forward[0])
        if head is not None and re.fullmatch(r"\s*,\s*", text[head[1]:forward[0]]) and valid_np(text, *head):
            forward, relative = (head[0], forward[1]), True
    raw = forward
    if forward is not None:
        a, b = forward
        cut = re.search(r",\s+(?:(?:[a-z]+\s+){0,2}(?:who|which|whose|whom|where)|[a-z]{3,}ing\s|including|such\s+as|"
                        r"notably|especially|particularly|e\.g\.|i\.e\.|" + _INTERJECTION + r")\b", text[a:b])
        if cut:
            b = a + cut.start()  # a non-restrictive relative clause is not part of the name
            # a subject relative ("EMGS, which employs 270 people, states"), not an object one whose own subject
            # speaks ("his team at Oxford, which ETALON identify as")
            relative = re.match(r",\s+(?:(?:[a-z]+\s+){0,2}(?:who|which))\s+[a-z]", text[b:]) is not None
        b = trim_right(text, a, b)
        tail = re.search(r"\s+[a-z][a-z-]{2,}ed$", text[a:b])
        if tail and tail.start() > 0:
            b = a + tail.start()  # "WHO guidelines re-issued (in 2012)": a dangling participle
        forward = trim_span(text, a, b) if b > a else None
    if raw is not None and back is not None and not relative and raw[0] < back[0] < raw[1] <= back[1] + 1 and \
            not text.startswith("Q", back[0]) and _name_like(text, back) and \
            re.search(r"\b(?:what|which|whom|whose|where|providing|including|calling)\b", text[raw[0]:back[0]]):
        return back  # "..., providing what the Chair of X calls": the subject follows the relative word
    if forward is not None and back is not None and forward[0] < back[0] and back[1] >= forward[1] - 1 and \
            not (relative and back[0] < raw[1]) and \
            _finite_verb_inside(text, forward[0], back[0]) and valid_np(text, *back) and _name_like(text, back):
        return back  # "This came shortly after the IZA proposed": the opening phrase holds a clause of its own
    if forward is not None and valid_np(text, *forward):
        if back is not None and back[0] < forward[0] and back[1] >= forward[1] - 1:
            return back  # an apposition the opening phrase left out
        first = _lower(text[forward[0]:forward[1]].split()[0])
        if back is not None and back[0] >= forward[1] and first.endswith("ing") and first not in _ING_NOUNS \
                and valid_np(text, *back):
            return back  # "Inviting Kelly to take part the Radio 3 researcher wrote": a participle clause opens
        if back is not None and back[0] >= forward[1] and re.search(r",\s*$", text[forward[1]:back[0]]) \
                and (is_pronoun(text[back[0]:back[1]]) or valid_np(text, *back)):
            return back  # "When the spokesman responded to them, he insisted": the main clause's subject
        return forward
    return back


_FINITE_FORMS = W.FINITE_VERB_FORMS


def _finite_verb_inside(text: str, a: int, b: int) -> bool:
    """Does ``text[a:b]`` hold a lowercase finite verb form ("came", "went", "was")?"""
    return any(w in _FINITE_FORMS for w in re.findall(r"\b[a-z]+\b", text[a:b]))


#: Punctuation that ends a trailing noun phrase; a ’ between two letters is an apostrophe inside a name
#: (O’Connor, D’Souza), not a quotation mark.
_NP_STOP_MARK = r"[,;:.!?()\[\]\"“”‘`]|(?<![^\W\d_])’|’(?![^\W\d_])"


def np_after(text: str, a: int, b: int, max_words: int = 20) -> tuple[int, int] | None:
    """The noun phrase starting at ``a`` (a trailing attribution: `"...", said X, Role, Org`)."""
    m = re.match(r"[\s,]*", text[a:b])
    a += m.end() if m else 0
    end = a
    pos = a
    first = True
    while pos < b:
        stop = re.search(_NP_STOP_MARK + r"|\s(?:who|which|that|when|while|as|because|after|before|"
                         r"adding|noting|saying|explaining|and\s+(?:added|said|noted|went))\b|\s+-+\s|\s[–—]",
                         text[pos:b])
        chunk_end = pos + stop.start() if stop else b
        # a full stop inside an abbreviation or initial ("Dr.", "J. Smith") does not end the phrase
        while stop and text[chunk_end] == "." and (re.search(
                r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|Rev|Hon))$", text[pos:chunk_end]) or _abbreviation(text, pos, chunk_end)):
            nxt = re.search(_NP_STOP_MARK, text[chunk_end + 1:b])
            chunk_end = chunk_end + 1 + nxt.start() if nxt else b
            stop = nxt
        # an acronym in brackets inside a name or role ("Department of Energy and Climate Change (DECC) Chief
        # Scientific Advisor") does not end the phrase when the phrase goes on after it
        acronym = _BRACKETED_ACRONYM.match(text, chunk_end, b) if stop else None
        if acronym is not None and re.match(r"\s+[A-Za-z]", text[acronym.end():b]):
            nxt = re.search(_NP_STOP_MARK + r"|\s(?:who|which|that|when|while|as|because|after|before)\b",
                            text[acronym.end():b])
            chunk_end = acronym.end() + nxt.start() if nxt else b
        span = trim_span(text, pos, chunk_end)
        if span is None:
            break
        words = text[span[0]:span[1]].split()
        if not valid_np(text, *span) or not (first or _is_cap(words[0]) or _is_det(words[0])):
            break
        if any(_lower(w) in RULE_VERBS | _COMMON_VERBS and not _is_cap(w) and _lower(w) not in ROLE_NOUNS
               for w in words[1:]):
            break
        end = span[1]
        first = False
        if chunk_end >= b or text[chunk_end] != ",":
            break
        pos = chunk_end + 1
    if end <= a or len(text[a:end].split()) > max_words:
        return None
    return trim_span(text, a, end)


_BRACKETED_ACRONYM = re.compile(r"\(\s*[A-Z][A-Z&]{1,7}s?\s*\)")


def _abbreviation(text: str, a: int, b: int) -> bool:
    """Does ``text[a:b]`` end with an abbreviation that takes a full stop ("Eng", "Dept")?"""
    from evalnlp.ingest._narrative_text import _ABBREV

    from evalnlp.ingest._narrative_text import NAME_FINAL

    m = re.search(r"\b([A-Za-z]{2,6})$", text[a:b])
    if m and m.group(1).lower() in NAME_FINAL and re.match(r"\.\s+[A-Z][a-z]", text[b:b + 4]):
        return False  # "Acme Ltd. The firm ...": the name, and the sentence, end at the full stop
    return bool(m and m.group(1).lower() in _ABBREV and m.group(1)[:1].isupper())


def np_head_prefix(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The noun phrase opening ``text[a:b]``, ended by the first plain lowercase word after a head
    (a capitalised word or a role noun): "The chief executive of Solway Foods | spoke at ..."."""
    head_seen = False
    end = None
    words = _words(text, a, b)
    for i, (s, e, w) in enumerate(words):
        lw = _lower(w)
        if not re.match(r"[\w&]", w):
            nxt = words[i + 1][2] if i + 1 < len(words) else ""
            if w == "," and head_seen and i > 0 and _is_cap(words[i - 1][2]) and (_is_cap(nxt) or nxt in {"and", "&"}):
                continue  # a list inside a name: "Department for Culture, Media, and Sport"
            if w in {",", ";", ":"}:
                break
            continue
        if lw in _LINKS or _is_det(w):
            if head_seen and lw not in {"of", "for", "at", "in", "to", "from", "and", "&", "on"}:
                break
            head_seen = False
            continue
        if _is_cap(w) or lw in ROLE_NOUNS:
            head_seen = True
            end = e
            continue
        if head_seen:
            break
    if end is None:
        return None
    return trim_span(text, a, end)


def noun_kind(span_text: str) -> str:
    """``"person"``, ``"org"``, ``"doc"`` or ``"unknown"`` for a speaker phrase, from its head word."""
    words = re.findall(r"[\w&'’-]+", span_text)
    if not words:
        return "unknown"
    if _lower(words[0]) in _PERSON_TITLES - {"general", "major", "minister", "president", "judge", "dean"}:
        return "person"
    if not re.search(r"\b(?:of|at|in|from|with|on|to|who|by)\b", span_text) and len(words) > 1:
        # no post-modifier: the last noun is the head ("a Department for Culture and Sport spokesman")
        lw = _lower(words[-1])
        base = lw[:-1] if lw.endswith("s") and lw[:-1] in PERSON_NOUNS else lw
        if base in PERSON_NOUNS:
            return "person"
    head_zone: list[str] = []
    for w in words:
        if w.lower() in {"of", "for", "at", "in", "from", "to", "on", "who", "with", "by"}:
            break
        head_zone.append(w)
    for w in reversed(head_zone or words):
        lw = _lower(w)
        base = lw[:-1] if lw.endswith("s") and lw[:-1] in PERSON_NOUNS | ORG_NOUNS | DOC_NOUNS else lw
        if base in PERSON_NOUNS or lw in {"women", "men", "children", "people", "staff"}:
            return "person"
        if base in ORG_NOUNS:
            return "org"
        if base in DOC_NOUNS:
            return "doc"
    return "unknown"


# --- dependency-parse path ----------------------------------------------------------------------


_PLURAL_LEMMAS = W.PLURAL_PERSON_LEMMAS


#: A note's mark the tokenizer leaves glued to the word before it: after a colon or comma (``wrote:1``, as a
#: superscript mark reads, ``said,2``), or in a bracket it splits off (``wrote[i`` of ``wrote[i]:``).
_GLUED_MARK = re.compile(r"(?:[:,]\d{1,2}(?:\.\d{1,2})?|[:,]?\[[A-Za-z]{1,12}\]?)$")


def glued_mark(token: str) -> int:
    """How many characters at the end of ``token`` are a note's mark glued to its word (see :data:`_GLUED_MARK`),
    0 when none are or when the token is nothing but a mark."""
    m = _GLUED_MARK.search(token)
    return len(m.group(0)) if m is not None and m.start() > 0 and token[m.start() - 1].isalpha() else 0


class ParseIndex:
    """Lookups over a parsed spaCy ``Doc`` of the normalised text."""

    def __init__(self, doc: Any, quote_mask: bytearray):
        from spacy.matcher import DependencyMatcher

        self.doc = doc
        self.mask = quote_mask
        self.starts = [t.idx for t in doc]
        matcher = DependencyMatcher(doc.vocab)
        matcher.add("ATTR", [[
            {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(ATTR_LEMMAS)}}},
            {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subj",
             "RIGHT_ATTRS": {"DEP": {"IN": ["nsubj", "nsubjpass"]}}},
        ]])
        self.subj_of: dict[int, int] = {}
        for _id, (v, s) in matcher(doc):
            self.subj_of.setdefault(v, s)
        persons = Counter(e.text for e in doc.ents if e.label_ == "PERSON")
        self.authors = {name for name, c in persons.most_common(2) if c >= 3}

    def tokens_in(self, a: int, b: int) -> list[Any]:
        i = bisect.bisect_left(self.starts, a)
        j = bisect.bisect_left(self.starts, b)
        return [t for t in self.doc[i:j] if not self.mask[t.idx]]

    def attribution_verbs(self, a: int, b: int) -> list[Any]:
        """Attribution verb tokens in ``[a, b)``, in text order (also one the tokenizer glued a note's mark to:
        ``wrote1``, ``wrote:1``, ``wrote[i``; see :func:`glued_mark`)."""
        return [t for t in self.tokens_in(a, b)
                if ((t.lemma_.lower() in ATTR_LEMMAS and t.pos_ in {"VERB", "AUX"})
                    or re.sub(r"\d{1,2}(?:\.\d{1,2})?$", "", t.lower_[:len(t.text) - glued_mark(t.text)])
                    in RULE_VERBS)
                and t.dep_ not in {"compound", "amod"}]  # "the judging panel": a modifier of a noun, not a verb

    def attribution_verb(self, a: int, b: int) -> Any | None:
        cands = self.attribution_verbs(a, b)
        return cands[-1] if cands else None

    def subject(self, verb: Any) -> Any | None:
        v = verb
        for _ in range(4):
            if v.i in self.subj_of:
                return self.doc[self.subj_of[v.i]]
            subj = [c for c in v.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if subj:
                return subj[0]
            if v.dep_ in {"conj", "xcomp", "advcl", "ccomp", "acl", "pcomp", "prep", "pobj"} and v.head is not v:
                v = v.head
                continue
            break
        return None

    def phrase(self, tok: Any, lo: int, hi: int) -> tuple[int, int] | None:
        """Span of ``tok``'s subtree clipped to ``[lo, hi)``, without quotes inside it."""
        toks = [t for t in tok.subtree if lo <= t.idx < hi and not self.mask[t.idx]]
        if not toks:
            return None
        # Keep the contiguous run around the head.
        toks.sort(key=lambda t: t.i)
        run = [t for t in toks if abs(t.i - tok.i) <= len(toks) + 2]
        if not run:
            return None
        a = run[0].idx
        b = run[-1].idx + len(run[-1].text)
        span = trim_span(self.doc.text, a, b)
        if span is None:
            return None
        s, e = span
        text = self.doc.text
        hyphen = re.match(r"(?:-[^\W_][\w'’]*)+", text[e:e + 40]) if e > 0 and text[e - 1].isalnum() else None
        if hyphen is not None:
            e += hyphen.end()  # "His co-founder": the tokeniser splits a hyphenated word, the phrase keeps it whole
        return s, e

    def antecedent(self, pos: int, plural: bool, lo: int,
                   kinds: set[str] | None = None) -> tuple[int, int] | None:
        """Nearest full mention of a person or organisation before ``pos`` (of one of ``kinds``)."""
        for t in reversed(self.tokens_in(lo, pos)):
            if t.pos_ not in {"NOUN", "PROPN"}:
                continue
            if t.dep_ == "compound" or t.text in self.authors:
                continue
            if kinds is not None:
                kind = {"PERSON": "person", "ORG": "org", "NORP": "org"}.get(t.ent_type_) or noun_kind(t.text)
                last = [w for w in t.subtree if w.i <= t.i + 12][-1]
                if "person" in kinds and _lower(last.text) in PERSON_NOUNS and last.pos_ == "NOUN":
                    kind = "person"  # "a Department for Culture, Media and Sport spokesman"
                if kind not in kinds and kind != "unknown":
                    continue
                if kind == "unknown" and kinds == {"org", "doc"}:
                    continue
            if plural:
                if t.tag_ not in {"NNS", "NNPS"} or t.lemma_.lower() not in ROLE_NOUNS | _PLURAL_LEMMAS:
                    continue
            else:
                if t.dep_ not in {"nsubj", "nsubjpass"}:
                    continue
                if not (t.lemma_.lower() in ROLE_NOUNS or t.ent_type_ in {"PERSON", "ORG", "NORP"}):
                    continue
                if t.tag_ in {"NNS", "NNPS"} and t.ent_type_ not in {"ORG", "NORP"}:
                    continue
            return self.phrase(t, lo, pos)
        return None
