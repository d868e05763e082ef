"""Recall proxy for testimonial extraction on case studies the rules were not written from.

Usage: .venv/bin/python bench/bench_extract_unseen.py [--no-model] [--verbose] [--no-write]

Data: ``<shared>/data/ref_impact_dev/impact_themes_dev.csv``: 120 quotations (8 to 80 words) from
REF2014 impact case studies other than the development texts, each with up to 200 characters of
context on either side. The CSV keeps the quotation's inner text only: ``context_before`` ends just
before the opening mark and ``context_after`` starts just after the closing mark. The marks are put
back to rebuild a small passage, ``context_before + open + quote + close + context_after``:

- the style is taken from the nearest quotation mark met in the two contexts (a backtick means the
  REF export's backtick-open/apostrophe-close, a straight double mark means straight doubles);
- a quote that itself holds a straight double mark gets the single style, one that holds a
  backtick gets straight doubles (a nested quotation uses the other style);
- with no evidence in the contexts, straight doubles (the commoner style in REF exports);
- a window that starts or ends mid-word loses that partial word;
- a window that starts or ends inside another quotation (an odd number of straight double marks in
  a context) gets one mark at its edge, so that cut-off quotations do not pair with the restored
  marks, which could not happen in the full case study.

Each passage goes through ``extract_testimonials``; a row counts as found when one testimonial's
span overlaps the quotation's span. Because every row is a real quotation of 8+ words, this is a
recall proxy (precision is not measured: the context windows hold other, unlabelled quotations).
Misses are sorted by kind using the same building blocks the extractor uses. The run is repeated
with every passage in one style (all doubles, all backtick/apostrophe, all curly doubles) as a
check on the mark-recovery guess.

Writes ``bench/results/extract_unseen.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import shared_dir  # noqa: E402

from evalnlp.ingest import narrative  # noqa: E402
from evalnlp.ingest._narrative_quotes import find_quotes, looks_like_title, word_count  # noqa: E402
from evalnlp.ingest._narrative_text import normalise  # noqa: E402

STYLES = {"double": ('"', '"'), "ref_single": ("`", "'"), "curly_double": ("\u201c", "\u201d")}


@dataclass(frozen=True)
class Passage:
    """One rebuilt passage: ``text[start:end]`` is the quotation's inner text."""

    row_id: str
    text: str
    start: int
    end: int
    style: str
    evidence: str  # "context", "nested", "default" or "forced"
    repaired: bool  # marks added at the window's edges (see ``repair_window``)


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def guess_style(before: str, after: str, quote: str) -> tuple[str, str]:
    """``(style, evidence)`` for one row, from the marks nearest the quotation in its contexts."""
    best: tuple[int, str] | None = None
    for m in re.finditer(r"[\"`]", before):
        dist = len(before) - m.start()
        if best is None or dist < best[0]:
            best = (dist, m.group(0))
    m = re.search(r"[\"`]", after)
    if m and (best is None or m.start() + 1 < best[0]):
        best = (m.start() + 1, m.group(0))
    if '"' in quote:
        return "ref_single", "nested"
    if "`" in quote:
        return "double", "nested"
    if best is None:
        return "double", "default"
    return ("ref_single" if best[1] == "`" else "double"), "context"


def repair_window(before: str, after: str) -> tuple[str, str]:
    """Marks to add at the passage's edges so that quotations cut by the window stay paired.

    A 200-character window often starts inside an earlier quotation (its closing mark is there, its
    opening mark is not) or ends inside a later one. In the full case study those marks pair up; in
    the window they would pair with the restored marks instead. An odd count of straight double marks
    before the quotation gets one more at the passage's start; an odd count after it, one at the end.
    """
    head = '"' if before.count('"') % 2 else ""
    tail = '"' if after.count('"') % 2 else ""
    return head, tail


def build(row: dict[str, str], style: str | None = None) -> Passage:
    before, quote, after = row["context_before"], row["quote"], row["context_after"]
    if len(before) >= 200 and not before[:1].isspace():
        before = re.sub(r"^\S*\s*", "", before, count=1)  # the window may start mid-word
    if len(after) >= 200 and not after[-1:].isspace():
        after = re.sub(r"\s*\S*$", "", after, count=1)
    guessed, evidence = guess_style(before, after, quote)
    if style is None:
        style = guessed
    elif '"' in quote and STYLES[style][0] == '"':
        style, evidence = "ref_single", "nested"
    elif "`" in quote and STYLES[style][0] == "`":
        style, evidence = "double", "nested"
    else:
        evidence = "forced"
    op, cl = STYLES[style]
    head, tail = repair_window(before, after)
    text = head + before + op + quote + cl + after + tail
    s = len(head) + len(before) + len(op)
    # Whitespace just inside the marks is not part of a quotation.
    inner = text[s:s + len(quote)]
    lead = len(inner) - len(inner.lstrip())
    trail = len(inner) - len(inner.rstrip())
    return Passage(row["id"], text, s + lead, s + len(quote) - trail, style, evidence, bool(head or tail))


def miss_kind(p: Passage) -> str:
    """Why a quotation was not returned, in the extractor's own terms."""
    norm = normalise(p.text)
    # Norm offsets of the gold span: find the norm chars whose original offsets fall inside it.
    n_start = next((i for i in range(len(norm.text)) if norm.orig_start(i) >= p.start), len(norm.text))
    n_end = next((i for i in range(len(norm.text)) if norm.orig_start(i) >= p.end), len(norm.text))
    quotes = [q for q in find_quotes(norm.text) if q.start < n_end and n_start < q.end]
    if not quotes:
        return "not found as a quotation (marks mis-paired)"
    q = max(quotes, key=lambda q: min(q.end, n_end) - max(q.start, n_start))
    inner = norm.text[q.start:q.end]
    if word_count(inner) < narrative.MIN_WORDS:
        return "quotation split into short pieces"
    if looks_like_title(norm.text, q):
        return "taken for a title"
    return "other"


@dataclass
class Tally:
    rows: int = 0
    found: int = 0
    exact: int = 0
    speaker: int = 0
    speaker_ok: int = 0
    ref: int = 0
    chars: int = 0
    seconds: float = 0.0
    misses: Counter = field(default_factory=Counter)
    repaired: int = 0
    by_evidence: Counter = field(default_factory=Counter)
    found_by_evidence: Counter = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)


_FUNCTION_WORDS = {
    "a", "an", "about", "after", "also", "and", "as", "at", "before", "but", "by", "for", "from",
    "however", "if", "in", "into", "it", "of", "on", "or", "since", "so", "that", "the", "then", "this",
    "to", "when", "where", "which", "while", "who", "with", "said", "says", "stated", "states", "noted",
    "notes", "wrote", "writes", "commented", "comments", "reported", "reports", "added", "adds",
}


def well_formed(text: str, start: int, end: int) -> bool:
    """A crude, independent check that a speaker span reads as a noun phrase: it starts at a word
    boundary, its first word is not a preposition, conjunction, verb or -ing/-ly word, its last word
    is not a function word, it holds no sentence break and has at most 25 words."""
    span = text[start:end]
    words = re.findall(r"[\w'’-]+", span)
    if not words or len(words) > 25:
        return False
    if start > 0 and text[start - 1].isalnum():
        return False
    first, last = words[0].lower(), words[-1].lower()
    if first in _FUNCTION_WORDS - {"a", "an", "the", "this"} or first.endswith(("ing", "ly")):
        return False
    if last in _FUNCTION_WORDS:
        return False
    return re.search(r"[.!?]\s+[A-Z]", span) is None


def _ws(s: str | None) -> str:
    return "None" if s is None else re.sub(r"\s+", " ", s).strip()


def evaluate(rows: list[dict[str, str]], nlp, style: str | None = None) -> Tally:
    t = Tally()
    for row in rows:
        p = build(row, style)
        t0 = time.perf_counter()
        found = narrative.extract_testimonials(p.text, nlp=nlp)
        t.seconds += time.perf_counter() - t0
        t.chars += len(p.text)
        t.rows += 1
        t.by_evidence[p.evidence] += 1
        t.repaired += p.repaired
        hits = [x for x in found if x.start < p.end and p.start < x.end]
        if not hits:
            kind = miss_kind(p)
            t.misses[kind] += 1
            t.lines.append(f"MISS {p.row_id} [{kind}] ({p.style}/{p.evidence}) {_ws(p.text[p.start:p.end])[:70]!r}")
            continue
        hit = max(hits, key=lambda x: min(x.end, p.end) - max(x.start, p.start))
        t.found += 1
        t.found_by_evidence[p.evidence] += 1
        if _ws(hit.quote) == _ws(p.text[p.start:p.end]):
            t.exact += 1
        if hit.speaker is not None:
            t.speaker += 1
            t.speaker_ok += well_formed(p.text, hit.speaker_start, hit.speaker_end)
        if hit.source_ref is not None:
            t.ref += 1
        before = _ws(row["context_before"][-70:])
        t.lines.append(f"ok   {p.row_id} speaker={_ws(hit.speaker)!r} ref={hit.source_ref!r}  <<{before}>>")
    return t


def _pct(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-model", action="store_true", help="measure the rule path only")
    ap.add_argument("--verbose", action="store_true", help="print every row's outcome")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/extract_unseen.md")
    args = ap.parse_args(argv)
    rows = load_rows(shared_dir() / "data" / "ref_impact_dev" / "impact_themes_dev.csv")
    pipes = [("rules", narrative.load_pipeline(prefer_model=False))]
    if not args.no_model:
        pipes.insert(0, ("model", narrative.load_pipeline(prefer_model=True)))
    main_tallies: dict[str, Tally] = {}
    style_recall: dict[str, dict[str, str]] = {}
    for pname, nlp in pipes:
        narrative.extract_testimonials(build(rows[0]).text, nlp=nlp)  # warm-up
        t = evaluate(rows, nlp)
        main_tallies[pname] = t
        style_recall[pname] = {"recovered": _pct(t.found, t.rows)}
        for style in STYLES:
            s = evaluate(rows, nlp, style)
            style_recall[pname][style] = _pct(s.found, s.rows)
        if args.verbose:
            print(f"## {pname}: {narrative.pipeline_name(nlp)}")
            for line in t.lines:
                print("  ", line)
    report = render(main_tallies, style_recall, pipes)
    print(report)
    if not args.no_write:
        out = ROOT / "bench" / "results" / "extract_unseen.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".md.tmp")
        tmp.write_text(report, encoding="utf-8")
        tmp.replace(out)
    return 0


def render(tallies: dict[str, Tally], style_recall: dict[str, dict[str, str]], pipes) -> str:
    names = list(tallies)
    first = tallies[names[0]]
    head = "| measure | " + " | ".join(names) + " |\n|---|" + "---|" * len(names)
    rows = [
        ("quotations", lambda t: str(t.rows)),
        ("windows repaired at the edges (see below)", lambda t: str(t.repaired)),
        ("found (span overlap) = recall proxy", lambda t: _pct(t.found, t.rows)),
        ("found with the exact quotation text", lambda t: _pct(t.exact, t.rows)),
        ("found with a non-null speaker (share of found)", lambda t: _pct(t.speaker, t.found)),
        ("found with a non-null speaker (share of all)", lambda t: _pct(t.speaker, t.rows)),
        ("speakers that read as a noun phrase (share of non-null)", lambda t: _pct(t.speaker_ok, t.speaker)),
        ("found with a source ref (share of found)", lambda t: _pct(t.ref, t.found)),
        ("ms per 1,000 chars", lambda t: f"{1e6 * t.seconds / max(t.chars, 1):.2f}"),
    ]
    table = "\n".join([head] + [f"| {label} | " + " | ".join(fn(tallies[n]) for n in names) + " |"
                                for label, fn in rows])
    evid = "\n".join(
        f"| {e} | {first.by_evidence[e]} | " + " | ".join(
            _pct(tallies[n].found_by_evidence[e], tallies[n].by_evidence[e]) for n in names) + " |"
        for e in ("context", "nested", "default")
    )
    kinds = sorted({k for t in tallies.values() for k in t.misses})
    miss = "\n".join(f"| {k} | " + " | ".join(str(tallies[n].misses[k]) for n in names) + " |" for k in kinds)
    styles = "\n".join(
        f"| {s} | " + " | ".join(style_recall[n][s] for n in names) + " |"
        for s in ["recovered", *STYLES]
    )
    pnames = ", ".join(f"{p} = {narrative.pipeline_name(n)}" for p, n in pipes)
    cols = " | ".join(names)
    sep = "---|" * len(names)
    return f"""## Narrative extraction on unseen case studies (recall proxy)

Measured {dt.date.today().isoformat()} with `bench/bench_extract_unseen.py` ({pnames}).

Data: `ref_impact_dev/impact_themes_dev.csv`, 120 quotations of 8 to 80 words from REF2014 impact
case studies that are not among the development texts the rules were written from, each rebuilt as
a passage of up to 200 characters of context, the quotation with its marks restored, and up to 200
characters after it.

{table}

Recall by how the marks were recovered (the CSV drops them; see the script's docstring):

| marks | rows | {cols} |
|---|---|{sep}
{evid}

Misses by kind:

| kind | {cols} |
|---|{sep}
{miss if miss else "| (none) |" + " |" * len(names)}

Recall with every passage forced into one mark style (a check on the recovery guess; a quote that
holds a straight double mark is always given single marks, one that holds a backtick double marks):

| style | {cols} |
|---|{sep}
{styles}

How to read it:
- Every row is a real quotation of at least 8 words, so "found" is a recall proxy; precision is not
  measured (the context windows hold other, unlabelled quotations and cut some of them in half).
- "exact quotation text" compares the returned quote with the CSV's quote after collapsing whitespace.
- The speaker share is an upper bound on speaker recall, not an accuracy: there is no gold speaker,
  and some windows cut the attributing clause off (200 characters is often less than a sentence and
  a half). A null speaker is right when the window names no source.
- "read as a noun phrase" is a crude check written for this script, independent of the extractor's
  grammar: the span starts at a word boundary, does not start with a preposition, conjunction, verb
  or -ing/-ly word, does not end with a function word, holds no sentence break and has at most 25
  words. It catches broken spans ("As the producer", "the sediment", "6)"), not wrong people.
- "windows repaired": passages given one extra mark at an edge because the 200-character window
  cut another quotation in two (its other mark lies outside the window).
- The rows were read to find general gaps (for example `As the producer recognises:`, `X, Role,
  who noted that`, a closing mark with footnote digits glued to it, an agentless passive); no rule
  names a row's words, and every fix has its own invented test sentence in
  `tests/ingest/test_narrative.py`. Because the rows were read, the speaker figures here are
  somewhat optimistic for case studies nobody has seen.
"""


if __name__ == "__main__":
    raise SystemExit(main())
