#!/usr/bin/env python3
"""Writing `classify --output` page by page: seconds for a coded store of N FFT comments, this code beside an
earlier one, each run in turn on the same store, and whether their files are byte for byte the same.

Run: .venv/bin/python bench/bench_output_pages.py --rows 1000000 --before-src SRC [--rounds 2]
[--page 20000 ...] [--name output_pages --title TITLE]
(SRC: the src folder of an earlier evalnlp, e.g. ``git archive <rev> src | tar -x -C DIR``; writes
bench/results/NAME.md)

The store is made once, with this code: `api.classify` of N real FFT comments resampled with seed 0 (the
builder of bench_ingest.py; id, organisation, question, cohort, feedback), `--codebook fft`, sentiment on.
Then each version writes the output file (Parquet, pages of ``--page`` documents as `classify --output` does;
its default page is 100,000) in a fresh process: before, after, before, after, ... The figures are the time of
the writing alone and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, machine, today, write_section  # noqa: E402
from bench_ingest import build_input  # noqa: E402

PY = sys.executable

BUILD = """
import sys
from evalnlp import api
from evalnlp.store import Store
with Store(sys.argv[2]) as store:
    api.classify(store, [sys.argv[1]], text=["feedback"], id="id", codebook="fft", sentiment=True)
"""

WRITE = """
import resource, sys, time
from evalnlp import api
from evalnlp.codebook import load_codebook
from evalnlp.store import Store
with Store(sys.argv[1]) as store:
    coder = store.con.execute("SELECT DISTINCT coder FROM codes").fetchone()[0]
    sources = [r[0] for r in store.con.execute("SELECT DISTINCT source FROM documents").fetchall()]
    t = time.perf_counter()
    api._write_coded(store, load_codebook("fft"), coder, sys.argv[2], sources=sources,
                     columns=["id", "organisation", "question", "cohort", "feedback"], page=int(sys.argv[3]))
    print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def run(code: str, args: list[str], src: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(src), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit("benchmark step failed")
    return proc.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--before-src", type=Path, required=True, metavar="SRC")
    parser.add_argument("--before-label", default="before")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--page", type=int, nargs="+", default=[20_000])
    parser.add_argument("--name", default="output_pages")
    parser.add_argument("--title", default="Writing the output file page by page")
    args = parser.parse_args(argv)
    if not (args.before_src / "evalnlp").is_dir():
        raise SystemExit(f"--before-src {args.before_src}: no evalnlp package there")
    versions = [(args.before_label, args.before_src.resolve()), ("this code", REPO / "src")]
    times: dict[tuple[str, int], list[tuple[float, float]]] = {
        (label, page): [] for page in args.page for label, _ in versions}
    loads, same = [], {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_input(args.rows, tmp / "in.csv")
        run(BUILD, [str(tmp / "in.csv"), str(tmp / "s.duckdb")], REPO / "src")
        for page in args.page:
            for _ in range(args.rounds):
                for i, (label, src) in enumerate(versions):
                    out = run(WRITE, [str(tmp / "s.duckdb"), str(tmp / f"out{i}.parquet"), str(page)], src)
                    seconds, peak = (float(x) for x in out.split()[-2:])
                    times[(label, page)].append((seconds, peak))
                    loads.append(os.getloadavg()[0])
                    print(f"{label}, pages of {page}: {seconds:.1f} s, {peak:,.0f} MB", flush=True)
            same[page] = filecmp.cmp(tmp / "out0.parquet", tmp / "out1.parquet", shallow=False)
    lines = [f"## {args.title} ({today()})", "",
             f"Machine: {machine()}. Load average {min(loads):.1f}-{max(loads):.1f} during the writes. "
             f"`python bench/bench_output_pages.py --rows {args.rows} --before-src SRC --before-label "
             f"'{args.before_label}' --page {' '.join(str(p) for p in args.page)}"
             + (f" --name {args.name}" if args.name != "output_pages" else "") + "`.", "",
             f"A store of {args.rows:,} coded FFT comments with sentiment; each version writes its Parquet output "
             f"page by page in a fresh process, in turn, {args.rounds} times each (`classify --output` uses pages "
             "of 100,000).", "",
             "| code | page (documents) | seconds, each run | best | peak RSS (MB), best run |",
             "|---|---:|---|---:|---:|"]
    for page in args.page:
        for label, _ in versions:
            runs = times[(label, page)]
            best = min(runs)
            lines.append(f"| {label} | {page:,} | {' / '.join(f'{t:.1f}' for t, _ in runs)} | {best[0]:.1f} | "
                         f"{best[1]:,.0f} |")
    lines += [""] + [f"Pages of {page:,}: the two files are "
                     f"{'byte for byte the same' if ok else 'NOT the same'}." for page, ok in same.items()] + [""]
    print(write_section(args.name, lines))
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
