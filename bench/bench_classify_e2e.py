"""End-to-end `evalnlp classify` on FFT-style comments: read the CSV, store documents, code every passage
with the default fft model (and, separately, the default impact model), add sentiment, write codes to the store.

Run: .venv/bin/python bench/bench_classify_e2e.py [--rows 100000 1000000]   (writes bench/results/classify_e2e.md)

Each figure is one fresh `evalnlp` process (start-up and model loading included) on an empty store; peak RSS
is that process's own. Baseline in the same run: `evalnlp ingest` of the same file (reading and storing only),
so the difference is what coding and sentiment cost. The coder alone, beside a bare TF-IDF + LinearSVC and a
MiniLM baseline, is measured in bench_classify_speed.py.
Goal (issue): >= 20,000 comments/s end to end on 2 cores, peak RSS <= 2 GB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, machine, today  # noqa: E402
from bench_ingest import EVALNLP, build_input, measure_fresh  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = ap.parse_args()
    out = [f"## Classify, end to end ({today()})", "", f"Machine: {machine()}.", "",
           "| rows | what | seconds | comments/s | peak RSS (MB) |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            csv = Path(tmp) / f"fft_{rows}.csv"
            build_input(rows, csv)
            base = [EVALNLP, "--quiet", "--db"]
            opts = [str(csv), "--text", "feedback", "--id", "id"]
            steps = [
                ("evalnlp ingest (baseline: read + store only)", base + [str(Path(tmp) / "a.duckdb"), "ingest"] + opts),
                ("evalnlp classify --codebook fft (read + store + code + sentiment)",
                 base + [str(Path(tmp) / "b.duckdb"), "classify"] + opts + ["--codebook", "fft"]),
                ("evalnlp classify --codebook fft --no-sentiment",
                 base + [str(Path(tmp) / "c.duckdb"), "classify"] + opts + ["--codebook", "fft", "--no-sentiment"]),
                ("evalnlp classify --codebook impact (impact-themes ensemble + sentiment)",
                 base + [str(Path(tmp) / "d.duckdb"), "classify"] + opts + ["--codebook", "impact"]),
            ]
            for name, cmd in steps:
                wall, peak = measure_fresh(cmd)
                out.append(f"| {rows:,} | {name} | {wall:.1f} | {rows / wall:,.0f} | {peak:,.0f} |")
                print(out[-1], flush=True)
            for f in Path(tmp).glob("*.duckdb*"):
                f.unlink()
    out += ["", "Goal: at least 20,000 comments per second end to end on 2 cores, peak RSS at most 2 GB. "
            "Timings include process start-up and model loading; the store keeps each passage's assigned "
            "theme and every other theme scoring at least 0.05, with its score."]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "classify_e2e.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
