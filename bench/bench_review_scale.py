"""The review loop on a large store: `review export` and `review import` of a small workbook on 1M passages.

Run: .venv/bin/python bench/bench_review_scale.py --store STORE.duckdb [--before CHECKOUT/src] [--repeat 2]
(writes bench/results/review_scale.md)

STORE is a coded store such as `bench/bench_scale.py --rows 1000000 --keep DIR` leaves (1M FFT comments
classified with the fft codebook). Each step runs in a fresh `evalnlp` process on its own copy of the store
(so every import meets the same store): `review export rv.xlsx --codebook fft -n 50`, then the first 20 rows
of the workbook marked reviewed (the machine's codes confirmed) and `review import --coder bench`. With
``--before`` the same steps run with that source tree (``PYTHONPATH``), in turn with this one, so both meet the
same load; the codes each import stores are compared.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, machine, measure_tree, today, write_section  # noqa: E402

EVALNLP = [sys.executable, "-m", "evalnlp"]


def mark_reviewed(src: Path, dst: Path, n: int = 20) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(src)
    ws = wb["Review"]
    col = [c.value for c in ws[1]].index("reviewed") + 1
    for row in range(2, 2 + n):
        ws.cell(row=row, column=col, value="yes")
    wb.save(dst)


def human_codes(store: Path) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute("SELECT seg_id, theme, score, assigned FROM codes WHERE coder = 'human:bench' "
                           "ORDER BY ALL").fetchall()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--before", type=Path, help="the src folder of an earlier checkout, run in turn with this one")
    ap.add_argument("--before-label", default="before")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    versions = [("this code", REPO / "src")] + ([(args.before_label, args.before)] if args.before else [])
    load_start = os.getloadavg()
    rows: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    stored: dict[str, list[tuple]] = {}
    said: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="review_scale_") as tmp:
        tmp = Path(tmp)
        for _ in range(args.repeat):
            for label, src in versions:
                env = {**os.environ, "PYTHONPATH": str(src)}
                db = tmp / "store.duckdb"
                shutil.copyfile(args.store, db)
                book = tmp / "rv.xlsx"
                book.unlink(missing_ok=True)
                step = measure_tree([*EVALNLP, "--db", str(db), "review", "export", str(book), "--codebook", "fft",
                                     "-n", "50"], env=env)
                rows.setdefault((label, "review export (50 passages)"), []).append(step[:3])
                mark_reviewed(book, tmp / "rv_done.xlsx")
                step = measure_tree([*EVALNLP, "--db", str(db), "review", "import", str(tmp / "rv_done.xlsx"),
                                     "--coder", "bench"], env=env)
                rows.setdefault((label, "review import (20 reviewed)"), []).append(step[:3])
                said[label] = " ".join(step[3].split())
                stored[label] = human_codes(db)
    same = len({tuple(v) for v in stored.values()}) == 1
    lines = [
        f"## The review loop on a 1M store ({today()})",
        "",
        f"Machine: {machine()}. Load average {load_start[0]:.1f} when the run began and {os.getloadavg()[0]:.1f} "
        "when it ended (other work may share the two cores).",
        "",
        f"Command: `python bench/bench_review_scale.py --store STORE --repeat {args.repeat}"
        f"{' --before CHECKOUT/src' if args.before else ''}`, STORE being the 1M-comment store of "
        "`bench/bench_scale.py --rows 1000000 --keep DIR` (classified with the fft codebook). Each step is a fresh "
        "process on its own copy of the store; the seconds are the median of the runs, the peak RSS their highest.",
        "",
        "| code | step | seconds | CPU seconds | peak RSS (MB) |",
        "|---|---|---|---|---|",
    ]
    for (label, what), values in rows.items():
        lines.append(f"| {label} | {what} | {statistics.median(v[0] for v in values):.1f} | "
                     f"{statistics.median(v[2] for v in values):.1f} | {max(v[1] for v in values):,.0f} |")
    lines += ["", f"Codes the imports stored: {len(stored['this code']):,} per run"
              + (f"; the same in both versions: {'yes' if same else 'NO'}" if args.before else "") + ".",
              "", f"What the import said: {said['this code']}"]
    out = write_section("review_scale", lines)
    print("\n".join(lines))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
