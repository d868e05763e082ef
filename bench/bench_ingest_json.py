"""What keeping repeated JSON keys costs: JSON Lines and JSON read with and without the repeated-key hook.

Run: .venv/bin/python bench/bench_ingest_json.py [--rows 200000] [--repeats 5]   (writes bench/results/ingest_json.md)

Input: FFT phase-1 comments resampled with a fixed seed to ``--rows`` objects of five keys (an id, three metadata
fields and the comment), written once as JSON Lines and once as a JSON array. Every object has distinct keys, as
almost every real file does, so the figures are the hook's cost on ordinary input.

In one process, interleaved and repeated (best of ``--repeats``), each file is read object by object by evalnlp's
own readers (``_jsonl_records`` for JSON Lines, the streaming ``_Scanner`` for a JSON array):

- with the decoder evalnlp uses (``object_pairs_hook`` keeps a repeated key as ``key.1``);
- with a plain ``json.JSONDecoder`` (the last value of a repeated key wins, silently): the baseline.

Then ``evalnlp ingest`` of the JSON Lines file and of the same rows as CSV, each in a fresh process on an empty store
(wall time with start-up, peak RSS), so the reading cost can be set against the whole command.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import RESULTS, machine, today  # noqa: E402
from bench_ingest import fft_rows, measure_fresh  # noqa: E402

from evalnlp.ingest import _json  # noqa: E402

EVALNLP = str(Path(sys.executable).with_name("evalnlp"))


def build(rows: int, folder: Path) -> tuple[Path, Path, Path]:
    df = fft_rows(rows)
    records = df.to_dict(orient="records")
    jsonl, array, csv = folder / "fft.jsonl", folder / "fft.json", folder / "fft.csv"
    with open(jsonl, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    with open(array, "w", encoding="utf-8") as fh:
        json.dump(records, fh, ensure_ascii=False, indent=1)
    df.to_csv(csv, index=False)
    return jsonl, array, csv


def read_jsonl(path: Path, decoder: json.JSONDecoder) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _, _, obj, problem in _json._jsonl_records(fh, decoder) if problem is None)


def read_array(path: Path, decoder: json.JSONDecoder) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in _json._Scanner(fh, path.name, decoder=decoder).items())


def best_of(repeats: int, jobs: dict[str, callable]) -> dict[str, float]:
    """Best wall time of each job over ``repeats`` rounds, the jobs interleaved within each round."""
    best = {name: float("inf") for name in jobs}
    for _ in range(repeats):
        for name, job in jobs.items():
            t = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    plain = json.JSONDecoder()
    hooked = _json._DECODER
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, array, csv = build(args.rows, Path(tmp))
        for reader, path in ((read_jsonl, jsonl), (read_array, array)):
            assert reader(path, plain) == reader(path, hooked) == args.rows
        times = best_of(args.repeats, {
            "jsonl plain": lambda: read_jsonl(jsonl, plain),
            "jsonl hook": lambda: read_jsonl(jsonl, hooked),
            "array plain": lambda: read_array(array, plain),
            "array hook": lambda: read_array(array, hooked),
        })
        fresh = {}
        for name, path in (("JSON Lines", jsonl), ("CSV", csv)):
            db = Path(tmp) / f"{path.suffix[1:]}.duckdb"
            cmd = [EVALNLP, "--quiet", "--db", str(db), "ingest", str(path), "--text", "feedback", "--id", "id"]
            fresh[name] = measure_fresh(cmd)
        size = {p.suffix: p.stat().st_size / 1e6 for p in (jsonl, array, csv)}
    load_end = os.getloadavg()
    n = args.rows
    out = [f"## Ingest: JSON and the repeated-key hook ({today()})", "",
           f"Machine: {machine()}. Load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end.", "",
           f"{n:,} FFT comments resampled (seed 0) into objects of five distinct keys: JSON Lines "
           f"{size['.jsonl']:.0f} MB, JSON array {size['.json']:.0f} MB. Reading object by object with evalnlp's own "
           f"readers, best of {args.repeats} interleaved runs in one process (`python bench/bench_ingest_json.py`).", "",
           "| file | decoder | seconds | objects/s | cost of the hook |", "|---|---|---:|---:|---:|"]
    for kind, label in (("jsonl", "JSON Lines"), ("array", "JSON array")):
        base, hook = times[f"{kind} plain"], times[f"{kind} hook"]
        out.append(f"| {label} | plain `json.JSONDecoder` (baseline: a repeated key loses its first value) "
                   f"| {base:.2f} | {n / base:,.0f} | |")
        out.append(f"| {label} | evalnlp's (a repeated key kept as `key.1`) | {hook:.2f} | {n / hook:,.0f} "
                   f"| {hook - base:+.2f} s ({(hook / base - 1) * 100:+.0f}%) |")
    out += ["", "The whole `evalnlp ingest` command on the same rows, each in a fresh process on an empty store "
            "(start-up included):", "",
            "| input | seconds | rows/s | peak RSS (MB) |", "|---|---:|---:|---:|"]
    for name, (wall, peak) in fresh.items():
        out.append(f"| {name} | {wall:.2f} | {n / wall:,.0f} | {peak:,.0f} |")
    hook_cost = times["jsonl hook"] - times["jsonl plain"]
    out += ["", f"So the hook is {hook_cost / fresh['JSON Lines'][0] * 100:.0f}% of the JSON Lines command's wall time here."]
    out += ["", "The hook builds each object's dict from its list of key-value pairs and, only when the dict came out "
            "shorter than the list (a key repeated), builds it again renaming the repeats; on ordinary input that is "
            "the cost shown. Nothing else about reading changes."]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest_json.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
