"""Interleaved A/B of `evalnlp classify --codebook impact` between an earlier source tree and this one.

Run: .venv/bin/python bench/bench_ab_classify.py --before-src DIR --before-label TEXT [--rows 100000] [--repeats 4]
     (writes bench/results/classify_ab.md, or --name NAME)

On a shared 2-core machine one before-then-after pair says little: the load changes between the two runs. Here
the two trees take turns (before, now; now, before; ...), each run a fresh `evalnlp classify` process on an empty
store over the same distinct REF2014 sentences (as `bench_classify_scale.py --impact-input distinct`), and the
table gives each tree's CPU seconds (user + system of the process and its children, which the load moves far
less than the wall time) as the least and the median of its runs, with the load average beside each run.

With --words, the keyword matching's spelling step is also timed on its own in a fresh process for each tree:
`spelling_key` once over every distinct lowercase word of the same input (the coders cache it per word, so this is
what one coder pays for its cache on such a corpus).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, RESULTS, machine, today  # noqa: E402
from bench_classify_scale import impact_input  # noqa: E402

WORDS = """
import re, sys, time
import pandas as pd
from evalnlp.coding.keyword import spelling_key
words = sorted({w for t in pd.read_csv(sys.argv[1], dtype=str)["quote"] for w in re.findall(r"[a-z]+", t.lower())})
t = time.process_time()
for w in words:
    spelling_key(w)
print(len(words), time.process_time() - t)
"""


def _run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, time.perf_counter() - wall, done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-src", type=Path, required=True, help="the earlier tree's src folder")
    ap.add_argument("--before-label", required=True, help="how the earlier tree is named in the table")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=4, help="runs of each tree")
    ap.add_argument("--words", action="store_true", help="also time spelling_key over the input's distinct words")
    ap.add_argument("--name", default="classify_ab", help="results file name (bench/results/NAME.md)")
    ap.add_argument("--title", default="Classify with the impact model: an earlier tree and this one, in turns")
    ap.add_argument("--note", default="", help="a paragraph written under the tables (what the figures say)")
    args = ap.parse_args()
    trees = {args.before_label: str(args.before_src.resolve()), "this tree": str(REPO / "src")}
    runs: dict[str, list[tuple[float, float, float]]] = {k: [] for k in trees}
    words: dict[str, list[tuple[int, float]]] = {k: [] for k in trees}
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "in.csv"
        what = impact_input(args.rows, csv, "distinct")
        for r in range(args.repeats):
            order = list(trees) if r % 2 == 0 else list(trees)[::-1]
            for label in order:
                env = dict(os.environ, PYTHONPATH=trees[label])
                db = Path(tmp) / f"run{r}.duckdb"
                cpu, wall, _ = _run([sys.executable, "-m", "evalnlp", "--quiet", "--db", str(db), "classify", str(csv),
                                     "--text", "quote", "--id", "id", "--codebook", "impact"], env)
                db.unlink()
                runs[label].append((cpu, wall, os.getloadavg()[0]))
                print(label, r, f"cpu {cpu:.1f} s, wall {wall:.1f} s, load {os.getloadavg()[0]:.1f}", flush=True)
                if args.words:
                    _, _, out = _run([sys.executable, "-c", WORDS, str(csv)], env)
                    n, sec = out.split()
                    words[label].append((int(n), float(sec)))
    lines = [f"## {args.title} ({today()})", "", f"Machine: {machine()}.", "",
             f"Command: `python bench/bench_ab_classify.py --before-src {args.before_src} --before-label "
             f"'{args.before_label}' --rows {args.rows} --repeats {args.repeats}{' --words' if args.words else ''}"
             f"{'' if args.name == 'classify_ab' else ' --name ' + args.name}`.", "",
             f"Input: {args.rows:,} {what}; each run a fresh `evalnlp classify --codebook impact` (impact-themes and "
             "sentiment, no output file) on an empty store; the two trees took turns.", "",
             "| tree | runs | CPU s, least | CPU s, median | wall s, least | load at each run's end |",
             "|---|---:|---:|---:|---:|---|"]
    for label, rs in runs.items():
        cpus = sorted(c for c, _, _ in rs)
        lines.append(f"| {label} | {len(rs)} | {cpus[0]:.1f} | {cpus[len(cpus) // 2]:.1f} | "
                     f"{min(w for _, w, _ in rs):.1f} | {', '.join(f'{ld:.1f}' for _, _, ld in rs)} |")
    if args.words:
        lines += ["", "`spelling_key` alone over the input's distinct lowercase words, one fresh process per run:", "",
                  "| tree | distinct words | CPU s, least | CPU s, median | microseconds a word (least) |",
                  "|---|---:|---:|---:|---:|"]
        for label, ws in words.items():
            secs = sorted(s for _, s in ws)
            lines.append(f"| {label} | {ws[0][0]:,} | {secs[0]:.2f} | {secs[len(secs) // 2]:.2f} | "
                         f"{1e6 * secs[0] / ws[0][0]:.1f} |")
    if args.note:
        lines += ["", args.note]
    (RESULTS / f"{args.name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
