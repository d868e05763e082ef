#!/usr/bin/env python3
"""Reading speed of the table readers (CSV and JSON Lines), this code against an earlier source tree.

Usage: python bench/bench_readers.py --before SRC [--rows 1000000] [--repeats 3]
(writes bench/results/readers.md)

Input: NHS FFT phase-1 comments resampled (seed 0) to ``--rows`` rows of id, ward, site and comment, written as
CSV and as JSON Lines. Each measure is one fresh process that opens the file and reads every batch (no store):
the readers alone, so that a change in how they parse shows. The earlier tree (``--before``, e.g. a checkout of
main's ``src``) and this one run in turn, ``--repeats`` times each; the best time of each is shown.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from _common import fft_csv, machine, today, write_section  # noqa: E402

READ = ("import sys, time, pathlib; from evalnlp.ingest.readers import open_tabular; t = time.perf_counter(); "
        "s = open_tabular(pathlib.Path(sys.argv[1])); n = sum(b.n_rows for b in s.batches()); "
        "print(n, time.perf_counter() - t)")


def build(rows: int, folder: Path) -> tuple[Path, Path]:
    import numpy as np
    import pandas as pd

    src = pd.read_csv(fft_csv(), dtype=str, keep_default_na=False)
    src = src[src["feedback"].str.strip() != ""]
    pick = np.random.default_rng(0).integers(0, len(src), size=rows)
    frame = pd.DataFrame({"id": [f"R{i:08d}" for i in range(rows)], "ward": [f"Ward {i % 40}" for i in range(rows)],
                          "site": [f"Site {i % 3}" for i in range(rows)],
                          "feedback": src["feedback"].to_numpy()[pick]})
    csv, jsonl = folder / "in.csv", folder / "in.jsonl"
    frame.to_csv(csv, index=False)
    with jsonl.open("w", encoding="utf-8") as fh:
        for rec in frame.to_dict("records"):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return csv, jsonl


def timed(src: Path, path: Path) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(src)}).stdout.split()
    return int(out[0]), float(out[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", type=Path, required=True, help="the earlier evalnlp source tree (its src folder)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--label", default="before")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        csv, jsonl = build(args.rows, Path(tmp))
        for path in (csv, jsonl):
            best = {"before": float("inf"), "now": float("inf")}
            for _ in range(args.repeats):
                for which, src in (("before", args.before), ("now", REPO / "src")):
                    n, seconds = timed(src, path)
                    best[which] = min(best[which], seconds)
            for which in ("before", "now"):
                label = f"{args.label}" if which == "before" else "this code"
                rows_out.append(f"| {path.suffix[1:].upper()} | {n:,} | {label} | {best[which]:.2f} | "
                                f"{n / best[which]:,.0f} |")
                print(rows_out[-1], flush=True)
    command = f"python bench/bench_readers.py --before CHECKOUT/src --rows {args.rows} --repeats {args.repeats}"
    lines = [f"## Table readers: CSV and JSON Lines ({today()})", "",
             f"Machine: {machine()}. Load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end.", "",
             f"Command: `{command}` (CHECKOUT: {args.label}).", "",
             "| file | rows | code | seconds (best) | rows/s |", "|---|---|---|---|---|", *rows_out, "",
             "Each figure is the best of the runs of one fresh process that opens the file and reads every batch, "
             "without a store; the two trees ran in turn on the same files."]
    print(write_section("readers", lines).read_text())


if __name__ == "__main__":
    main()
