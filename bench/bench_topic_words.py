"""Discovery's topic words checked for personal details: what it costs and what it leaves out.

Run: .venv/bin/python bench/bench_topic_words.py [--rows 10000] [--repeat 2]   (writes bench/results/topic_words.md)

Data: the first 10,000 non-empty comments of the FFT phase-1 file (column ``feedback``), codebook ``fft``,
seed 0, default settings. In one process, ``discover_topics`` runs with the check of the topic words
(``_scrub_identifying_words``) and without it (the function replaced by one that finds nothing, which is the
code before the check), in turn, ``--repeat`` times each after one warm-up run that loads every model. The
runs give the same topics (same seed), so the difference in wall time is the check's cost, including the
names model's load when the check is the first to redact (without it the examples' redaction loads it).
Words left out are listed with how many keyword phrases they took from the topics.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fft_csv, machine, today, write_section  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    import pandas as pd

    import evalnlp.discovery.topics as topics_module
    from evalnlp.codebook import load_codebook

    frame = pd.read_csv(fft_csv(), usecols=["feedback"])
    texts = frame["feedback"].dropna().astype(str)
    texts = texts[texts.str.strip() != ""].head(args.rows).tolist()
    passages = pd.DataFrame({"seg_id": range(len(texts)), "doc_id": range(len(texts)), "text": texts})
    codebook = load_codebook("fft")
    load_start = os.getloadavg()

    real_check = topics_module._scrub_identifying_words
    check_seconds: list[float] = []
    found_words: list[frozenset[str]] = []

    def timed_check(*a, **k):
        started = time.perf_counter()
        words = real_check(*a, **k)
        check_seconds.append(time.perf_counter() - started)
        found_words.append(words)
        return words

    def no_check(*a, **k):
        return frozenset()

    def run(check) -> tuple[float, object]:
        topics_module._scrub_identifying_words = check
        try:
            started = time.perf_counter()
            found = topics_module.discover_topics(passages, codebook, seed=0)
            return time.perf_counter() - started, found
        finally:
            topics_module._scrub_identifying_words = real_check

    run(no_check)  # warm-up: imports, numba kernels, encoder and names model loaded
    walls: dict[str, list[float]] = {"without the check (before)": [], "with the check": []}
    results = {}
    for _ in range(args.repeat):
        for label, check in (("without the check (before)", no_check), ("with the check", timed_check)):
            seconds, found = run(check)
            walls[label].append(seconds)
            results[label] = found
    before, after = results["without the check (before)"], results["with the check"]
    same_topics = before.passages["topic"].tolist() == after.passages["topic"].tolist()
    words = sorted(found_words[-1]) if found_words else []

    def phrases(found) -> set[tuple[int, str]]:
        return {(r.topic, p) for r in found.topics.itertuples(index=False) for p in [*r.keywords, *r.keybert]}

    removed = phrases(before) - phrases(after)
    per_word = {w: sum(1 for _, p in removed if w in p.split()) for w in words}
    first_names = topics_module._name_words()
    lines = [
        f"## Discovery: topic words checked for personal details ({today()})",
        "",
        f"Machine: {machine()}. Load average {load_start[0]:.1f} when the run began and {os.getloadavg()[0]:.1f} "
        "when it ended (other work may share the two cores).",
        "",
        f"Command: `python bench/bench_topic_words.py --rows {args.rows} --repeat {args.repeat}`. Data: the first "
        f"{len(texts):,} non-empty FFT phase-1 comments, codebook `fft`, seed 0, default settings; "
        f"{len(after.topics)} topics. One process; the runs without the check (the code before it) and with it "
        "alternate after a warm-up run, and give the same topics: "
        f"{'yes' if same_topics else 'NO'}.",
        "",
        "| run | median wall s | runs |",
        "|---|---:|---|",
    ]
    for label, values in walls.items():
        lines.append(f"| {label} | {statistics.median(values):.2f} | {', '.join(f'{v:.2f}' for v in values)} |")
    lines += [
        "",
        f"The check itself took {', '.join(f'{s:.2f}' for s in check_seconds)} s in the timed runs (it redacts "
        "the passages that may hold an email, URL, phone number or postcode with patterns only, up to 20 "
        "capitalised occurrences of each topic word no dictionary holds with the names model, which the "
        "examples' redaction then finds loaded, and 3 of a dictionary word inside a sentence by the rules).",
        "",
        f"Words the check found: {len(words)} ({', '.join(f'`{w}`' for w in words) or 'none'}); people's "
        f"first names ({len(first_names):,} in the list) are taken out without a check, as the keyword lists "
        f"already did before it (now also out of the model's topic words, which the charts draw). Keyword "
        f"phrases taken out of the topics' keyword lists by the check: {len(removed)} "
        f"({', '.join(f'`{w}` {n}' for w, n in per_word.items() if n) or 'none'}); the phrases below each "
        "topic's first ten move up in their place.",
    ]
    out = write_section("topic_words", lines)
    print("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
