"""Corroborating references per case study: counted by marker text (the earlier rule) or by the entry each marker
resolves to (the rule of `evidence`'s claim strength now), against the annotated sources test set.

Usage: .venv/bin/python bench/bench_reference_counts.py [--sample 1000] [--no-write]
       (writes bench/results/reference_counts.md)

Test set: the 20 annotated REF2014 case studies of ``bench/bench_sources.py`` (``bench/sources_test_annotation.json``).
Gold, per case study with annotated testimonials that carry a marker: the distinct entries those markers point to
(a marker pointing to no entry counts once by its text). Predicted: ``extract_document`` on the rule path (the
case study's ``impact_details`` with its ``sources`` field as the sources list), then the distinct references of
its testimonials with a marker, once by marker text (whitespace collapsed; ``[5.1]`` and ``(see 5.1)`` are two,
``[5.1, 5.2]`` one) and once by resolved entry (a marker that resolves to none by its text). A case study counts
as exact when the predicted number equals the gold number. This measures the counting rule over what extraction
finds; claims add the filter by theme and the letter rule on top (tests/test_evidence_references.py).

A seeded sample of other corpus case studies (``random.Random(7)``, the annotated ones left out) says how often
the two rules differ on real text, and in which direction.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, machine, today  # noqa: E402
from bench_sources import ANNOTATION, _ws, load_corpus  # noqa: E402


def by_text(testimonials) -> int:
    return len({_ws(t.source_ref) for t in testimonials if t.source_ref})


def by_entry(testimonials) -> int:
    keys: set[tuple[str, object]] = set()
    for t in testimonials:
        if not t.source_ref:
            continue
        if t.source_entries:
            keys |= {("entry", e.start) for e in t.source_entries}
        else:
            keys.add(("marker", _ws(t.source_ref)))
    return len(keys)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=1000, help="other case studies to compare the two rules on")
    ap.add_argument("--no-write", action="store_true", help="print only")
    args = ap.parse_args()
    import spacy

    from evalnlp.ingest import narrative

    nlp = spacy.blank("en")
    corpus = load_corpus()
    ann = json.loads(ANNOTATION.read_text())

    def extract(doc):
        return narrative.extract_document(doc["impact_details"] or "", sources_text=doc["sources"] or "", nlp=nlp)

    rows = []
    for doc in ann["documents"]:
        if not doc["testimonials"]:
            continue
        gold: set[tuple[str, object]] = set()
        for g in doc["testimonials"]:
            gold |= ({("entry", e["start"]) for e in g["entries"]} if g["entries"]
                     else {("marker", _ws(g["source_ref"]))})
        found = extract(corpus[doc["case_study_id"]]).testimonials
        rows.append((doc["case_study_id"], len(gold), by_text(found), by_entry(found)))
    annotated = {d["case_study_id"] for d in ann["documents"]}
    ids = [i for i in sorted(corpus, key=int) if i not in annotated]
    sample = random.Random(7).sample(ids, min(args.sample, len(ids)))
    started = time.perf_counter()
    with_refs = total_text = total_entry = up = down = 0
    for cid in sample:
        found = extract(corpus[cid]).testimonials
        a, b = by_text(found), by_entry(found)
        with_refs += a > 0
        total_text += a
        total_entry += b
        up += b > a
        down += b < a
    seconds = time.perf_counter() - started
    n = len(rows)
    lines = [f"## Corroborating references counted per case study: by marker text or by entry ({today()})", "",
             f"Machine: {machine()}. `python bench/bench_reference_counts.py --sample {args.sample}`.", "",
             "Gold: the annotated sources test set (20 REF2014 case studies; those whose annotated testimonials "
             "carry a marker), the distinct entries the markers point to. Predicted: the rule-path extraction's "
             "testimonials with a marker, their references counted by marker text (the earlier rule) and by "
             "resolved entry (the rule now).", "",
             "| case study | gold references | by marker text | by entry |", "|---|---:|---:|---:|"]
    lines += [f"| {cid} | {g} | {a} | {b} |" for cid, g, a, b in rows]
    lines += ["", "| rule | case studies exact | sum of absolute errors |", "|---|---:|---:|",
              f"| by marker text | {sum(g == a for _, g, a, _ in rows)} of {n} | {sum(abs(a - g) for _, g, a, _ in rows)} |",
              f"| by entry | {sum(g == b for _, g, _, b in rows)} of {n} | {sum(abs(b - g) for _, g, _, b in rows)} |",
              "", f"On {len(sample):,} other case studies (seed 7; {seconds:.0f} s): {with_refs:,} have testimonials "
              f"with a marker; the count by entry is higher in {up:,} (markers naming several entries: `[5.1, 5.2]`, "
              f"ranges) and lower in {down:,} (markers written differently that resolve to one entry: one entry in two "
              f"spellings, or a marker resolved to the wrong entry), {total_text:,} references by "
              f"marker text and {total_entry:,} by entry in all. The count by entry is only as right as the "
              "resolution of markers to entries (see the corroborating sources section)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        (RESULTS / "reference_counts.md").write_text(text)


if __name__ == "__main__":
    main()
