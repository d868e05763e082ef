"""Speaker attribution for quotations: rule-based cues, with a dependency-parse path when available.

Everything here works on the normalised text (see :mod:`._narrative_text`); spans are norm offsets.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from typing import Any

ATTR_LEMMAS = {
    "say", "state", "confirm", "note", "comment", "write", "report", "explain", "add", "describe",
    "observe", "remark", "conclude", "acknowledge", "recognise", "recognize", "assert", "claim",
    "affirm", "emphasise", "emphasize", "stress", "highlight", "argue", "tell", "declare",
    "announce", "testify", "praise", "reflect", "recall", "mention", "summarise", "summarize",
    "respond", "reply", "call", "see", "recommend", "suggest", "agree", "believe", "feel",
    "indicate", "attest", "endorse", "record", "commend", "thank", "express", "consider", "view",
    "regard", "continue", "welcome", "point", "insist", "admit", "explain", "tweet", "post",
    "quote", "cite", "conclude", "find", "identify", "acclaim", "credit", "applaud", "enthuse",
    "staid", "observe", "proclaim", "comment", "put", "ask", "answer", "stipulate", "specify",
    "pledge", "commit", "promise", "aim", "seek", "set", "outline", "judge", "rate", "assess",
}
_IRREGULAR = {
    "said", "says", "saying", "wrote", "written", "writes", "writing", "told", "tells", "telling",
    "saw", "sees", "seen", "seeing", "put", "puts", "putting", "felt", "feels", "thought", "found",
    "staid", "set", "sets",
}
_DROP_IN_RULES = {"see", "put", "set", "find", "aim", "seek", "judge", "rate", "assess", "continue",
                  "commit", "call", "view", "regard", "consider", "feel", "believe", "point", "ask"}


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

PRONOUNS = {"he", "she", "it", "they", "one", "another", "we", "i", "this", "who", "them", "him",
            "her", "these", "those", "some", "others", "both", "all", "many", "most"}
_AUX = {
    "has", "have", "had", "is", "was", "were", "are", "be", "been", "did", "does", "do", "will",
    "would", "can", "could", "may", "might", "should", "shall", "must", "goes", "went", "go",
    "going", "gone", "on", "to", "also", "then", "later", "recently", "further", "subsequently",
    "again", "clearly", "publicly", "formally", "specifically", "explicitly", "simply", "even",
    "directly", "not", "already", "since", "similarly", "likewise", "moreover", "indeed",
    "usefully", "helpfully", "warmly", "enthusiastically", "once", "always", "often",
    "consistently", "duly", "kindly", "both", "each", "herself", "himself", "themselves", "itself",
    "too", "now", "still", "independently", "personally", "being", "able", "that",
}
_COMMON_VERBS = {
    "wrote", "tried", "made", "gave", "took", "led", "became", "used", "found", "worked",
    "attended", "visited", "joined", "invited", "asked", "received", "provided", "adopted",
    "developed", "presented", "met", "read", "heard", "began", "reviewed", "introduced",
    "established", "funded", "commissioned", "supported", "published", "issued", "sent", "is",
    "are", "was", "were", "has", "have", "had", "did", "does", "do", "will", "would", "can",
    "could", "may", "might", "should", "must", "shall",
}
_DETS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
         "one", "another", "each", "every", "newly", "recently", "former", "self", "most", "well"}
_INTRO = {
    "in", "on", "at", "by", "for", "from", "since", "during", "following", "after", "before",
    "further", "furthermore", "moreover", "however", "likewise", "similarly", "also", "in addition",
    "additionally", "indeed", "finally", "recently", "for example", "subsequently", "then", "later",
    "overall", "again", "notably", "thus", "hence", "here", "meanwhile", "specifically", "crucially",
    "importantly", "significantly", "as", "when", "while", "although", "with", "through", "under",
    "writing", "speaking", "reflecting", "commenting", "asked", "when asked", "most recently",
}
_ADVERB_START = {"likewise", "similarly", "also", "indeed", "moreover", "furthermore",
                 "additionally", "subsequently", "finally", "then", "here", "thus", "hence",
                 "meanwhile", "again", "notably", "importantly", "crucially", "and", "but", "so"}
ROLE_NOUNS = {
    "director", "manager", "chair", "chairman", "chairwoman", "chairperson", "chief", "executive",
    "officer", "head", "member", "participant", "judge", "minister", "secretary", "adviser",
    "advisor", "analyst", "coach", "trainer", "teacher", "nurse", "doctor", "clinician",
    "consultant", "ceo", "president", "leader", "lead", "coordinator", "co-ordinator", "founder",
    "editor", "commissioner", "governor", "trustee", "representative", "spokesperson",
    "spokesman", "spokeswoman", "mother", "father", "parent", "patient", "carer", "student",
    "user", "practitioner", "professional", "official", "mp", "councillor", "mayor", "controller",
    "inspector", "curator", "producer", "player", "athlete", "volunteer", "worker", "resident",
    "mothers", "parents", "participants", "users", "members", "students", "teachers", "women",
    "delegates", "attendees", "practitioners", "professionals", "clinicians", "officials",
    "partners", "stakeholders", "respondents", "interviewees", "beneficiaries", "residents",
    "one", "committee", "panel", "council", "board", "report", "review", "organisation",
    "organization", "charity", "agency", "department", "ministry", "government", "trust",
}
_PLURAL_ROLE = {w for w in ROLE_NOUNS if w.endswith("s") or w in {"women", "men", "children", "people", "staff"}}
_ROLE_RE = re.compile(
    r"(?:\b(?:[Tt]he|[Aa]n?|[Oo]ne|[Ii]ts|[Tt]heir)\s+(?:[\w&'-]+\s+){0,5}?|\b)"
    r"(?P<noun>" + "|".join(sorted(ROLE_NOUNS - {"one"}, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?:of|at|for|from|in|to)\s+(?:the\s+)?[A-Z][\w&'-]*(?:\s+(?:of|and|for|the|&|[A-Z][\w&'-]*))*)?"
    r"(?:\s+who\s+[^.,;:\"'`]+)?",
    re.IGNORECASE,
)


_WORDISH = re.compile(r"[\w&'’.-]+|[,;:()\[\]]")


def _words(text: str, a: int, b: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORDISH.finditer(text, a, b)]


def trim_span(text: str, a: int, b: int) -> tuple[int, int] | None:
    """Drop surrounding spaces, punctuation, trailing markers and auxiliaries from ``text[a:b]``."""
    from evalnlp.ingest._narrative_text import MARKER

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
        m = re.search(r"(?:^|\s)([A-Za-z]+)$", text[a:b])
        if m and m.group(1).lower() in _AUX and m.start(1) > 0:
            b = a + m.start(1)
            changed = True
    if b <= a:
        return None
    if text[a:b].count("(") > text[a:b].count(")") and text[a:b].endswith(")") is False and "(" in text[a:b]:
        cut = text.rfind("(", a, b)
        return trim_span(text, a, cut) if cut > a else None
    return a, b


def strip_intro(text: str, a: int, b: int) -> int:
    """Move ``a`` past introductory adverbials (``In May 2013,``, ``Likewise``, ``Further to this,``)."""
    for _ in range(4):
        seg = text[a:b]
        first = re.match(r"\s*([A-Za-z]+)", seg)
        if not first:
            return a
        w = first.group(1).lower()
        comma = seg.find(",")
        if w in _ADVERB_START:
            a += first.end()
            m = re.match(r"\s*,", text[a:b])
            a += m.end() if m else 0
            continue
        if w in _INTRO and 0 < comma < 80 and w not in {"as"}:
            a += comma + 1
            continue
        return a
    return a


def _verb_like(words: list[tuple[int, int, str]], i: int) -> bool:
    w = words[i][2]
    lw = w.lower().rstrip(".")
    if not w[:1].islower():
        return False
    prev = words[i - 1][2].lower() if i > 0 else ""
    if lw in _COMMON_VERBS or lw in RULE_VERBS or lw in {"goes", "went"}:
        return True
    if re.fullmatch(r"[a-z]{3,}ed", lw) and prev not in _DETS and not prev.endswith("ly") and prev not in {",", "and"}:
        return True
    return False


def np_before_verb(text: str, a: int, b: int) -> tuple[int, int] | None:
    """The subject noun phrase at the start of ``text[a:b]``: everything before its first verb."""
    a = strip_intro(text, a, b)
    words = _words(text, a, b)
    end = b
    rel = 0  # 0: main clause, 1: after a relative pronoun, 2: inside the relative clause's verb group
    for i, (s, _e, w) in enumerate(words):
        lw = w.lower()
        if lw in {"who", "which", "whom", "whose"}:
            rel = 1
            continue
        verbish = _verb_like(words, i) or lw in {"has", "have", "had", "is", "was", "were", "are"}
        if rel == 2 and not verbish:
            rel = 3
        if verbish:
            if rel in (1, 2):
                rel = 2
                continue
            end = s
            break
    return trim_span(text, a, end)


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


def role_before(text: str, pos: int, plural: bool, lo: int) -> tuple[int, int] | None:
    """Nearest role/organisation noun phrase ending before ``pos`` (not earlier than ``lo``)."""
    best = None
    for m in _ROLE_RE.finditer(text, lo, pos):
        noun = m.group("noun").lower()
        if plural and noun not in _PLURAL_ROLE:
            continue
        if not plural and noun in _PLURAL_ROLE:
            continue
        best = m
    if best is None:
        return None
    start = _np_left_edge(text, best.start(), best.start("noun"))
    return np_before_verb(text, start, best.end())


_NP_BREAK = {"in", "on", "at", "by", "to", "from", "with", "that", "which", "who", "and", "or",
             "interviewed", "surveyed", "asked", "met", "said", "says", "told"}


def _np_left_edge(text: str, start: int, noun: int) -> int:
    """Move ``start`` right past prepositions, verbs and numbers found before the head noun."""
    words = list(re.finditer(r"[\w&'’-]+", text[start:noun]))
    edge = start
    for w in words:
        lw = w.group(0).lower()
        if lw in _NP_BREAK or lw.isdigit() or re.fullmatch(r"[a-z]{3,}ed", lw) and lw not in {"retired", "appointed", "qualified"}:
            edge = start + w.end()
    return edge


# --- dependency-parse path ----------------------------------------------------------------------


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

    def attribution_verb(self, a: int, b: int) -> Any | None:
        cands = [t for t in self.tokens_in(a, b)
                 if (t.lemma_.lower() in ATTR_LEMMAS and t.pos_ in {"VERB", "AUX"})
                 or re.sub(r"\d{1,2}(?:\.\d{1,2})?$", "", t.lower_) in RULE_VERBS]
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
        a = run[0].idx
        b = run[-1].idx + len(run[-1].text)
        span = trim_span(self.doc.text, a, b)
        if span is None:
            return None
        s, e = span
        # Drop a relative clause after an appositive comma ("X, who ...") but keep "X who ...".
        return s, e

    def antecedent(self, pos: int, plural: bool, lo: int) -> tuple[int, int] | None:
        """Nearest full mention of a person or organisation before ``pos``."""
        for t in reversed(self.tokens_in(lo, pos)):
            if t.pos_ not in {"NOUN", "PROPN"}:
                continue
            if t.dep_ == "compound" or t.text in self.authors:
                continue
            if plural:
                if t.tag_ not in {"NNS", "NNPS"} or t.lemma_.lower() not in ROLE_NOUNS | {"mother", "woman", "man", "person", "people", "participant", "member", "user", "parent", "student", "teacher", "respondent", "resident", "player", "coach", "patient", "delegate"}:
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
