"""Ingest throughput and peak memory: CSV of FFT comments into the project store.

Run: .venv/bin/python bench/bench_ingest.py [--rows 100000 1000000]   (writes bench/results/ingest.md)

Inputs are built from the real FFT phase-1 comments, resampled with a fixed seed to the row counts asked
for, with an id and three metadata columns. Each measure runs `evalnlp ingest` in a fresh process on an
empty store, so peak RSS is that process's own. Baselines in the same run: pandas.read_csv of the same file
(parse only, nothing stored) and DuckDB's own read_csv into a table (no accounting, no hashing).
Goals: >= 50,000 short comments per second; 1M rows under 1.5 GB peak RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, fft_csv, machine, peak_rss_mb_of, today  # noqa: E402

PY = sys.executable
EVALNLP = str(Path(sys.executable).with_name("evalnlp"))


def build_input(rows: int, path: Path) -> None:
    fft_rows(rows).to_csv(path, index=False)


def fft_rows(rows: int) -> pd.DataFrame:
    """``rows`` FFT comments resampled with seed 0, with an id and three metadata columns."""
    src = pd.read_csv(fft_csv(), usecols=["feedback", "organization", "question"], dtype=str)
    rng = np.random.default_rng(0)
    pick = rng.integers(0, len(src), size=rows)
    return pd.DataFrame({
        "id": [f"R{i:07d}" for i in range(rows)],
        "organisation": src["organization"].to_numpy()[pick],
        "question": src["question"].to_numpy()[pick],
        "cohort": rng.choice(["2023A", "2023B", "2024A"], size=rows),
        "feedback": src["feedback"].to_numpy()[pick],
    })


def child(code: str) -> list[str]:
    return [PY, "-c", code]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = ap.parse_args()
    out = [f"## Ingest ({today()})", "", f"Machine: {machine()}.", "",
           "| rows | what | seconds | rows/s | peak RSS (MB) |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            csv = Path(tmp) / f"fft_{rows}.csv"
            build_input(rows, csv)
            size_mb = csv.stat().st_size / 1e6
            results = []
            code_pd = f"import pandas as pd; pd.read_csv({str(csv)!r}, dtype=str)"
            results.append(("pandas.read_csv, parse only (baseline)",) + measure_fresh(child(code_pd)))
            code_duck = (f"import duckdb; c = duckdb.connect({str(Path(tmp) / 'raw.duckdb')!r}); "
                         f"c.execute(\"CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('{csv}', all_varchar=true)\")")
            results.append(("duckdb read_csv into a table (baseline)",) + measure_fresh(child(code_duck)))
            db = Path(tmp) / f"store_{rows}.duckdb"
            cmd = [EVALNLP, "--quiet", "--db", str(db), "ingest", str(csv), "--text", "feedback", "--id", "id"]
            results.append(("evalnlp ingest (documents + segments + accounting)",) + measure_fresh(cmd))
            cmd2 = [EVALNLP, "--quiet", "--db", str(db), "ingest", str(csv), "--text", "feedback", "--id", "id"]
            results.append(("evalnlp ingest again (all duplicates, adds nothing)",) + measure_fresh(cmd2))
            for name, wall, peak in results:
                out.append(f"| {rows:,} ({size_mb:.0f} MB) | {name} | {wall:.2f} | {rows / wall:,.0f} | {peak:,.0f} |")
            for f in Path(tmp).glob("*.duckdb*"):
                f.unlink()
    out += ["", "Goals: at least 50,000 short comments per second from CSV into the store on 2 cores; 1M rows "
            "under 1.5 GB peak RSS. Timings include process start-up."]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.md").write_text(text)
    print(text)


def measure_fresh(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS of one command, measured by a wrapper process so each figure is its own."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:]); w = time.perf_counter() - t; "
        "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); sys.exit(r.returncode)"
    )
    _, _, stdout = peak_rss_mb_of([PY, "-c", wrapper, *cmd], env=dict(os.environ))
    wall, peak = stdout.split()[-2:]
    return float(wall), float(peak)


if __name__ == "__main__":
    main()
