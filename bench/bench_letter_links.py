"""Letters linked to the entry naming them: how well real sources lists tell their letters apart.

Usage: .venv/bin/python bench/bench_letter_links.py [--no-write]

No real letters of support are at hand, so each letter is made from a real entry: over the REF2014 corpus
(``<shared>/data/ref2014_corpus``), every entry of a case study's sources list that reads as a letter, email,
statement or testimonial "from" someone ("Letter from the Chief Executive, Wessex Water, 2012") gives a letter
whose signature holds the entry's role and organisation (its parts between commas: a part with a word of a post
is the role, a part without digits the organisation; a part of two or three capitalised words with no such word
the name) and whose date is the entry's. The letter says what the entry says, in its words, and often no more
than a body ("Letter from Defra"): a real letter's signature says more (a name, a post), which the rules use
both to match and to refuse. So the figures measure how often real lists hold entries the rules cannot tell
apart, not how well a real signature reads.

A project store is taken to be one institution's case studies (the corpus's ``institution``): each letter is
matched (:func:`choose`) against every entry of its institution's case studies' lists, all competing, and the
outcome counted: the entry it was made from taken (``right``), another entry (``wrong``: of its own list or of
another case study's), two or more refused as equally good (``ambiguous``; one of them in another study's list
in ``ambiguous across studies``), or none (``none``). As a reference, ``--per-list`` decides each list on its
own (its best entry unless another of it comes within the margin) and counts the other case studies' lists
that would then link the letter too.

Both are run twice: the letter dated as its entry, and undated (letters whose letterhead holds no date).
Writes ``bench/results/letter_links_figures.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import shared_dir  # noqa: E402

from evalnlp.ingest._letter_links import ROLE_WORDS, LetterSign, _words, choose, parse_date  # noqa: E402
from evalnlp.ingest._narrative_sources import parse_sources  # noqa: E402
from evalnlp.ingest._reflow import decode_entities  # noqa: E402

_FROM = re.compile(r"(?is)^\W*(?:an?\s+|the\s+)?(?:(?:signed\s+)?(?:letter|e-?mail|statement|testimonial)s?"
                   r"(?:\s+of\s+support)?)\b[^.]{0,40}?\bfrom\s+(?:the\s+)?(?P<rest>.+)")
_CUT = re.compile(r"(?i)\s\(|\s+dated\b|\s+to\s+|\s+confirming\b|\s+regarding\b|\s+about\b|\s+on\s+|\s+outlining\b|"
                  r"\s+describing\b|\s+corroborating\b|\s+detailing\b|\s+which\b|\s+that\b|\.\s|\.$|;")


def load_lists() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each case study's parsed sources list (entries' text as stored), and its institution."""
    path = shared_dir() / "data" / "ref2014_corpus" / "ref2014_case_studies.jsonl.gz"
    out, where = {}, {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for d in map(json.loads, fh):
            text = d.get("sources") or ""
            entries = [" ".join(decode_entities(e.text).split()) for e in parse_sources(text)]
            if entries:
                out[str(d["case_study_id"])] = entries
                where[str(d["case_study_id"])] = str(d.get("institution") or "")
    return out, where


def letter_from(entry: str) -> LetterSign | None:
    """A letter made from an entry that reads as one (see the module's description), or None."""
    m = _FROM.match(entry)
    if not m:
        return None
    rest = _CUT.split(m.group("rest"), 1)[0]
    name, roles, orgs = None, [], []
    for part in (p.strip(" .") for p in rest.split(",")):
        if not part or re.search(r"\d", part):
            continue
        words = set(_words(part))
        if words & ROLE_WORDS:
            roles.append(part)
        elif name is None and not roles and not orgs and re.fullmatch(r"(?:[A-Z][\w'-]+\.?\s+){1,2}[A-Z][\w'-]+",
                                                                        part):
            name = part
        elif words:
            orgs.append(part)
    if not roles and not orgs and name is None:
        return None
    return LetterSign(name=name, roles=tuple(roles), organisations=tuple(orgs), date=parse_date(entry))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--per-list", action="store_true", help="also: each list decided on its own")
    args = parser.parse_args()

    lists, where = load_lists()
    stores: dict[str, list[str]] = {}
    for cs in lists:
        stores.setdefault(where[cs], []).append(cs)
    letters = [(cs, k, sign) for cs, entries in lists.items() for k, e in enumerate(entries)
               if (sign := letter_from(e)) is not None]
    n_entries = sum(len(v) for v in lists.values())
    sizes = sorted(len(v) for v in stores.values())
    lines = [f"# Letters linked to the entry naming them ({dt.date.today().isoformat()})", "",
             f"REF2014 corpus: {len(lists):,} case studies with a parsed sources list, {n_entries:,} entries; "
             f"{len(letters):,} entries read as a letter from someone (a letter made from each; see "
             "`bench/bench_letter_links.py`). A store is one institution's case studies: "
             f"{len(stores)} stores, {sizes[len(sizes) // 2]} case studies in the median one, {sizes[-1]} in the "
             "largest.", ""]
    for label, dated in (("dated as its entry", True), ("undated", False)):
        own: Counter = Counter()
        per_list: Counter = Counter()
        started = time.perf_counter()
        scored = 0
        for cs, k, sign in letters:
            if not dated:
                sign = LetterSign(sign.name, sign.roles, sign.organisations)
            pool = [(doc, j, e, 0) for doc in stores[where[cs]] for j, e in enumerate(lists[doc])]
            scored += len(pool)
            decisions = choose(sign, None, pool)
            if not decisions:
                own["none"] += 1
            elif decisions[0].status == "ambiguous":
                own["ambiguous"] += 1
                own["ambiguous across studies"] += any(doc != cs for doc, _ in decisions[0].candidates)
            else:
                own["right" if decisions[0].entry[:2] == (cs, k) else "wrong"] += 1
            if args.per_list:
                for doc in stores[where[cs]]:
                    (d,) = choose(sign, None, [(doc, j, e, 0) for j, e in enumerate(lists[doc])]) or [None]
                    if doc == cs:
                        per_list["none" if d is None else d.status if d.status == "ambiguous"
                                 else "right" if d.entry[1] == k else "wrong"] += 1
                    elif d is not None and d.status == "linked":
                        per_list["links to another study"] += 1
        took = time.perf_counter() - started
        n = len(letters)
        keys = ("right", "wrong", "ambiguous", "ambiguous across studies", "none")
        lines += [f"## Letters {label}", "",
                  "| outcome | letters | share |", "|---|---:|---:|",
                  *(f"| {key} | {own[key]:,} | {own[key] / n:.1%} |" for key in keys), "",
                  f"{scored:,} entry scores in {took:.0f} s.", ""]
        if args.per_list:
            lines += ["Each list decided on its own (reference): " + ", ".join(
                f"{key} {per_list[key]:,}" for key in ("right", "wrong", "ambiguous", "none",
                                                       "links to another study")) + ".", ""]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        out = ROOT / "bench" / "results" / "letter_links_figures.md"
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
