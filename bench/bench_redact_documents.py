"""Name redaction with each passage's document beside it: the REF2014 sentences of the labelled redaction sample,
redacted alone and with their whole case study as the document (``redact_many(..., documents=...)``).

Run: .venv/bin/python bench/bench_redact_documents.py [--show]   (writes bench/results/redact_documents.md)

The sample and its labels are those of ``bench/bench_redact.py`` (see its docstring for how each part was drawn
and used). Only the REF sentences are measured here: an FFT comment is its own document, so nothing changes for
them. The document of a sentence is its case study's summary, underpinning research, references, details of the
impact and sources, read from ``ref2014_corpus`` as the sample's texts are. Scoring as in ``bench_redact.py``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
import json  # noqa: E402

from _common import machine, today, write_section  # noqa: E402
from bench_redact import GOAL_PRECISION, GOAL_RECALL, MODES, SPLITS, context, fmt, score, total  # noqa: E402
from redact_sample import GOLD, SAMPLE, collapse, load_texts, ref_cases  # noqa: E402

from evalnlp import redact  # noqa: E402

FIELDS = ("title", "summary", "underpinning_research", "references", "impact_details", "sources")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the names each mode now catches or newly "
                        "flags (no results file)")
    args = parser.parse_args()
    gold = json.loads(GOLD.read_text())["items"]
    items = [it for it in json.loads(SAMPLE.read_text())["items"] if it["source"] == "ref"]
    texts = load_texts(items)
    cases = ref_cases()
    ids = [it["id"] for it in items]
    docs = [collapse(" \n".join(str(cases[it["case_study_id"]].get(k) or "") for k in FIELDS)) for it in items]
    rows, seconds = [], {}
    for mode, use_model in MODES:
        if use_model and not redact.model_available():
            continue
        batch = [texts[i] for i in ids]
        redact.redact_many(batch[:10], use_model=use_model)  # warm-up (loads the model)
        t0 = time.perf_counter()
        alone = redact.redact_many(batch, use_model=use_model)
        t1 = time.perf_counter()
        read = redact.redact_many(batch, use_model=use_model, documents=docs)
        seconds[mode] = (t1 - t0, time.perf_counter() - t1)
        for split in SPLITS:
            part = [it for it in items if it["split"] == split]
            a = score(part, texts, gold, {i: r.spans for i, r in zip(ids, alone)})
            b = score(part, texts, gold, {i: r.spans for i, r in zip(ids, read)})
            rows.append((split, mode, total(a["names"]), fmt(total(a["hit"]), total(a["names"])),
                         fmt(total(b["hit"]), total(b["names"])), fmt(a["tp"], a["spans"]), fmt(b["tp"], b["spans"])))
            if args.show:
                print(f"== {split} {mode}")
                for x in b["missed"]:
                    print("  MISS", x[0], context(x[1], x[2], x[3]))
                for x in b["fps"]:
                    if x not in a["fps"]:
                        print("  NEW FP", x[0], context(x[1], x[2], x[3]))
    if args.show:
        return
    lines = [f"## Name redaction with the passage's document (REF sentences, {today()})", "",
             f"Machine: {machine()}. `python bench/bench_redact_documents.py`.", "",
             "The REF2014 sentences of the labelled redaction sample (see the section above for how each part was "
             "drawn, labelled and used), redacted alone and with their whole case study beside them as the "
             "document: a surname or first name alone in a sentence is then a name when the case study names that "
             "person in full or after a title elsewhere (`Professor Sarah Childs` ... `a measure which Childs had "
             "championed`). No part is unread for this change: it was written after the misses of every part "
             "(`test5`'s included) had been read, and it has no word list or threshold of its own (the words "
             "come from the rules' own reading of the document). `quotes`, `evidence` and `report` redact each "
             "quotation this way.", "",
             "| split | mode | names | recall alone | recall with document | precision alone | precision with "
             "document |", "|---|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {' | '.join(str(c) for c in r)} |" for r in rows]
    lines += ["", f"Goal (issue 13, all sources): recall >= {GOAL_RECALL}, precision >= {GOAL_PRECISION}.", ""]
    for mode, (a, b) in seconds.items():
        lines.append(f"- Time for the {len(ids)} sentences, {mode}: alone {a:.2f} s, with their documents {b:.2f} s "
                     f"({len(set(docs))} case studies read once each).")
    lines.append(f"- Load average when the run ended: {os.getloadavg()[0]:.1f} (the machine is shared, so the times "
                 "are indicative).")
    path = write_section("redact_documents", lines)
    print(path.read_text())


if __name__ == "__main__":
    main()
