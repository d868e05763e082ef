"""CLI start-up time: `evalnlp --help` and `evalnlp --version`, beside a bare `python -c pass`.

Run: .venv/bin/python bench/bench_startup.py   (writes bench/results/startup.md)
Goal: `evalnlp --help` under 0.3 s. The bare interpreter start is the baseline measured in the same run.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, machine, today  # noqa: E402

EVALNLP = str(Path(sys.executable).with_name("evalnlp"))


def best_of(cmd: list[str], n: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    rows = [
        ("python -c pass (baseline)", best_of([sys.executable, "-c", "pass"])),
        ("python -c 'import pandas' (for scale)", best_of([sys.executable, "-c", "import pandas"], 5)),
        ("evalnlp --version", best_of([EVALNLP, "--version"])),
        ("evalnlp --help", best_of([EVALNLP, "--help"])),
        ("evalnlp ingest --help", best_of([EVALNLP, "ingest", "--help"])),
    ]
    lines = [f"## CLI start-up ({today()})", "", f"Machine: {machine()}.", "",
             "| command | best (s) | median (s) |", "|---|---|---|"]
    for name, (best, med) in rows:
        lines.append(f"| `{name}` | {best:.3f} | {med:.3f} |")
    lines += ["", "Goal: `evalnlp --help` under 0.3 s. Heavy packages (pandas, duckdb, spaCy, scikit-learn) are "
              "imported only inside commands."]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "startup.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
