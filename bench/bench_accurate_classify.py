#!/usr/bin/env python3
"""The accurate options in a whole `evalnlp classify` run: passages per second, CPU seconds and peak memory,
beside the fast defaults on the same input in the same run.

Run: .venv/bin/python bench/bench_accurate_classify.py [--rows 5000]   (needs the `transformers` extra;
writes bench/results/accurate_classify.md)

Inputs (the same builders as bench_classify_scale.py): --rows REF2014 quotes resampled from
../shared/data/ref_impact_train (seed 0) for `--codebook impact`, and --rows real FFT comments resampled from
NHS FFT phase 1 for `--codebook fft`. Every measure is one fresh `evalnlp classify` process on an empty store,
start-up and model loading included, no output file; its peak RSS is that process's own. The options measured:
the fast defaults, `--model <codebook>-themes-accurate`, `--sentiment-model sentiment-accurate`, and both.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, today, write_section  # noqa: E402
from bench_classify_scale import PY, ENV, load, impact_input, measure  # noqa: E402
from bench_ingest import build_input  # noqa: E402

OPTIONS = {
    "impact": [("fast defaults (impact-themes, sentiment)", []),
               ("`--model impact-themes-accurate`", ["--model", "impact-themes-accurate"]),
               ("`--sentiment-model sentiment-accurate`", ["--sentiment-model", "sentiment-accurate"]),
               ("both accurate options", ["--model", "impact-themes-accurate",
                                          "--sentiment-model", "sentiment-accurate"])],
    "fft": [("fast defaults (fft-themes, sentiment)", []),
            ("`--model fft-themes-accurate`", ["--model", "fft-themes-accurate"]),
            ("both accurate options", ["--model", "fft-themes-accurate", "--sentiment-model", "sentiment-accurate"])],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="passages per codebook (default 5000)")
    args = parser.parse_args(argv)
    lines = [f"## The accurate options in a whole classify run ({today()})", "",
             f"Machine: {machine()}. `python bench/bench_accurate_classify.py --rows {args.rows}`.", "",
             f"Each row is one fresh `evalnlp classify` process on an empty store ({args.rows:,} passages, start-up "
             "and model loading included, no output file): REF2014 quotes resampled from ref_impact_train for "
             "`--codebook impact`, NHS FFT comments resampled for `--codebook fft`. The fast defaults ran in the "
             "same run on the same input.", "",
             "| codebook | options | seconds | passages/s | CPU s | peak RSS (MB) | load (1 / 5 min) |",
             "|---|---|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        inputs = {"impact": (tmp / "impact.csv", "quote"), "fft": (tmp / "fft.csv", "feedback")}
        impact_input(args.rows, inputs["impact"][0])
        build_input(args.rows, inputs["fft"][0])
        for codebook, options in OPTIONS.items():
            csv, text = inputs[codebook]
            for label, extra in options:
                db = tmp / "s.duckdb"
                cmd = [PY, "-m", "evalnlp", "--quiet", "--db", str(db), "classify", str(csv), "--text", text,
                       "--id", "id", "--codebook", codebook, *extra]
                wall, peak, _, cpu = measure(cmd, ENV)
                lines.append(f"| {codebook} | {label} | {wall:.1f} | {args.rows / wall:,.0f} | {cpu:.1f} | "
                             f"{peak:,.0f} | {load()} |")
                print(lines[-1], flush=True)
                for f in tmp.glob("s.duckdb*"):
                    f.unlink()
    lines += ["", "The accurate options read each passage with a 6-layer transformer on the CPU: expect hundreds of "
              "passages per second where the fast defaults do thousands (on inputs this small the fast defaults' "
              "figure is mostly start-up and model loading; see the scale sections for their speed on large "
              "inputs). Memory is the models' weights (about 90 MB each once rebuilt as float32) and torch's "
              "working set, on top of what the fast run uses.", ""]
    print(write_section("accurate_classify", lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
