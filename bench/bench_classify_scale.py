"""`evalnlp classify` at scale: FFT comments from CSV to Parquet, beside a bare scikit-learn script, with the
time each stage takes and peak memory; the impact model's passages per second; `evalnlp --help`.

Run: .venv/bin/python bench/bench_classify_scale.py [--rows 200000 1000000] [--impact-rows 100000]
[--impact-input resampled|distinct|fft]
[--before-src DIR --before-label TEXT] (writes bench/results/classify_scale.md)

Inputs: the real FFT phase-1 comments resampled with a fixed seed to each row count (id, organisation,
question, cohort, feedback; the same builder as bench_ingest.py), and for the impact model either the 2,940
REF2014 quotes of ../shared/data/ref_impact_train resampled to --impact-rows rows (so many passages repeat, which
the coders' per-token memories profit from) or, with --impact-input distinct, that many distinct sentences of the
REF2014 corpus (real impact prose, nothing repeated: slower, and nearer what a large real corpus costs).

Every measure is one fresh process on an empty store (start-up and model loading included), wall time, CPU time
and peak RSS (of the process and its helper processes together, see ``measure``):

- the bare script: pandas reads the CSV, a TF-IDF (word 1-2 grams) + LinearSVC pipeline is fitted on the 10,334
  labelled FFT comments and predicts every row, pandas writes Parquet (no store, no accounting, no sentiment);
- `evalnlp classify FILE --text feedback --id id --codebook fft --output out.parquet`, with and without
  sentiment;
- the time by stage comes from the same command run through `evalnlp.api.classify` in another fresh process
  (its ``timings``), 200k rows and up to --stage-rows.

With --one-process, this code is also measured with ``--workers 1`` (coding in one process, no helper), right
before its default (which starts a helper process on 2 cores).

With --before-src (the src folder of an earlier evalnlp, e.g. from ``git archive``), every evalnlp measure is
also taken with that code, right before the same measure with this code, on the same inputs: a before/after
comparison made in one run, each side set against the same bare-script run.

Goals: at least 20,000 comments/s end to end on 2 cores and within 3x of the bare script; 1M comments at most
2 GB peak; `classify --codebook impact` at least 20,000 passages/s; `evalnlp --help` under 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, fft_csv, machine, measure_tree, shared_data, today, write_section  # noqa: E402
from bench_ingest import build_input, fft_rows  # noqa: E402

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
       "HF_HUB_OFFLINE": "1"}

BARE = """
import sys
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
train = pd.read_csv(sys.argv[3], dtype=str).dropna(subset=["feedback", "label"])
model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), LinearSVC(C=0.5))
model.fit(train["feedback"], train["label"])
df = pd.read_csv(sys.argv[1], dtype=str)
df["theme"] = model.predict(df["feedback"].fillna(""))
df.to_parquet(sys.argv[2], index=False)
"""

STAGES = """
import json, sys
from evalnlp import api
from evalnlp.store import Store
csv, db, out, codebook, text, sentiment = sys.argv[1:7]
options = {"workers": int(sys.argv[7])} if len(sys.argv) > 7 else {}
with Store(db) as store:
    r = api.classify(store, [csv], text=[text], id="id", codebook=codebook, output=out if out != "-" else None,
                     sentiment=sentiment == "1", **options)
print(json.dumps({"n": r.n_coded, "timings": r.timings}))
"""

def measure(cmd: list[str], env: dict | None = None) -> tuple[float, float, str, float]:
    """Wall seconds and peak RSS (MB) of ``cmd`` in its own wrapper process, what it printed, and the CPU
    seconds (user + system, all threads and child processes) it used: on a shared machine the CPU time moves far
    less with the load than the wall time does. The peak RSS is the larger of the process's own peak and the
    highest sum, sampled every 0.1 s, of its and its child processes' resident memory (so evalnlp's helper
    processes count; pages they share are counted once per process, which overstates)."""
    wall, peak, cpu, printed = measure_tree(cmd, env or ENV)
    return wall, peak, printed, cpu


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def impact_input(rows: int, path: Path, kind: str = "resampled") -> str:
    """Write ``rows`` passages for the impact model to ``path``; return how they are described in the tables.

    ``fft``: the FFT comments of the FFT runs (resampled, so most repeat): short survey answers.

    ``resampled``: the 2,940 REF quotes of the training file drawn with replacement (seed 0), so most passages
    repeat. ``distinct``: distinct sentences of 5-80 words from every text section of the 2,970 REF2014 case
    studies (split after . ! or ?), shuffled with seed 0: real impact prose in which no passage repeats, so the
    coders' per-token and per-piece memories keep meeting new words, as on a large real corpus."""
    if kind == "fft":
        quotes = fft_rows(rows)["feedback"].to_numpy()
        what = "FFT comments resampled"
    elif kind == "resampled":
        src = pd.read_csv(shared_data() / "ref_impact_train" / "impact_themes_train.csv", dtype=str)
        pick = np.random.default_rng(0).integers(0, len(src), size=rows)
        quotes = src["quote"].to_numpy()[pick]
        what = "REF quotes resampled"
    else:
        import gzip
        import random
        import re

        sentences: dict[str, None] = {}
        with gzip.open(shared_data() / "ref2014_corpus" / "ref2014_case_studies.jsonl.gz", "rt") as fh:
            for line in fh:
                study = json.loads(line)
                for key in ("summary", "underpinning_research", "impact_details", "sources", "references"):
                    for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", study.get(key) or "")):
                        if 5 <= len(sentence.split()) <= 80:
                            sentences[sentence] = None
        pool = list(sentences)
        random.Random(0).shuffle(pool)
        if rows > len(pool):
            raise SystemExit(f"--impact-rows {rows:,}: the REF2014 corpus has {len(pool):,} distinct sentences")
        quotes = pool[:rows]
        what = "distinct REF2014 sentences"
    pd.DataFrame({"id": [f"Q{i:07d}" for i in range(rows)], "quote": quotes}).to_csv(path, index=False)
    return what


def help_time(n: int = 9) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "evalnlp", "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=ENV, check=True)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, nargs="*", default=[200_000, 1_000_000],
                    help="FFT row counts (none: only the impact model)")
    ap.add_argument("--impact-input", choices=["resampled", "distinct", "fft"], default="resampled",
                    help="the impact model's passages: the training quotes resampled, distinct REF2014 sentences, "
                         "or the FFT comments of the FFT runs")
    ap.add_argument("--impact-rows", type=int, default=100_000)
    ap.add_argument("--stage-rows", type=int, default=200_000, help="largest row count to break down by stage")
    ap.add_argument("--no-stages", action="store_true", help="skip the breakdown by stage (for versions of "
                    "evalnlp whose classify does not record its stages)")
    ap.add_argument("--name", default="classify_scale", help="results file name (bench/results/NAME.md)")
    ap.add_argument("--title", default="Classify at scale: CSV to Parquet, by stage",
                    help="the section's heading (the date is added)")
    ap.add_argument("--before-src", type=Path, help="src folder of an earlier evalnlp to measure beside this one")
    ap.add_argument("--before-label", default="before", help="how the earlier code is named in the tables")
    ap.add_argument("--one-process", action="store_true", help="also measure this code with `--workers 1` "
                    "(coding in one process), right before its default")
    args = ap.parse_args()
    # (label suffix, environment, classify options), the earlier code first so each set runs back to back
    versions: list[tuple[str, dict, list[str]]] = [("", ENV, [])]
    if args.one_process:
        versions.insert(0, (" [one process: --workers 1]", ENV, ["--workers", "1"]))
    if args.before_src is not None:
        src = args.before_src.resolve()
        if not (src / "evalnlp" / "__init__.py").is_file():
            raise SystemExit(f"--before-src {src}: no evalnlp package there")
        versions.insert(0, (f" [{args.before_label}]", {**ENV, "PYTHONPATH": str(src)}, []))
    if args.no_stages:
        args.stage_rows = 0
    evalnlp = [PY, "-m", "evalnlp", "--quiet"]
    command = shlex.join(["python", "bench/bench_classify_scale.py", *sys.argv[1:]])
    lines = [f"## {args.title} ({today()})", "", f"Machine: {machine()}. Command: `{command}`.", "",
             "| rows | what | seconds | comments/s | vs bare | CPU s | CPU vs bare | peak RSS (MB) | load (1 / 5 min) |",
             "|---|---|---|---|---|---|---|---|---|"]
    stage_tables: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for rows in args.rows:
            csv = tmp / f"fft_{rows}.csv"
            build_input(rows, csv)
            wall_bare, peak_bare, _, cpu_bare = measure([PY, "-c", BARE, str(csv), str(tmp / "bare.parquet"), str(fft_csv())])
            lines.append(f"| {rows:,} | bare script: pandas CSV, TF-IDF + LinearSVC (fit on 10k, predict), Parquet "
                         f"| {wall_bare:.1f} | {rows / wall_bare:,.0f} | 1.0 | {cpu_bare:.1f} | 1.0 | {peak_bare:,.0f} | {load()} |")
            print(lines[-1], flush=True)
            for label, extra in (("with sentiment", []), ("without sentiment", ["--no-sentiment"])):
                for suffix, env, flags in versions:
                    db = tmp / "s.duckdb"
                    cmd = evalnlp + ["--db", str(db), "classify", str(csv), "--text", "feedback", "--id", "id",
                                     "--codebook", "fft", "--output", str(tmp / "out.parquet")] + extra + flags
                    wall, peak, _, cpu = measure(cmd, env)
                    lines.append(f"| {rows:,} | `evalnlp classify --codebook fft --output out.parquet` {label}"
                                 f"{suffix} | {wall:.1f} | {rows / wall:,.0f} | {wall / wall_bare:.1f} | {cpu:.1f} "
                                 f"| {cpu / cpu_bare:.1f} | {peak:,.0f} | {load()} |")
                    print(lines[-1], flush=True)
                    for f in tmp.glob("s.duckdb*"):
                        f.unlink()
            if rows <= args.stage_rows:
                for suffix, env, flags in versions:
                    db = tmp / "t.duckdb"
                    wall, peak, printed, _ = measure([PY, "-c", STAGES, str(csv), str(db), str(tmp / "out.parquet"),
                                                   "fft", "feedback", "1", *flags[1:]], env)
                    stage_tables.append(_stage_table(f"{rows:,} FFT comments, `--codebook fft` with sentiment, "
                                                     f"to Parquet{suffix}",
                                                     json.loads(printed.strip().splitlines()[-1]), wall, peak))
                    for f in tmp.glob("t.duckdb*"):
                        f.unlink()
        if args.impact_rows:
            csv = tmp / "impact.csv"
            what = impact_input(args.impact_rows, csv, args.impact_input)
            db = tmp / "i.duckdb"
            cmd = evalnlp + ["--db", str(db), "classify", str(csv), "--text", "quote", "--id", "id",
                             "--codebook", "impact"]
            for suffix, env, flags in versions:
                wall, peak, _, cpu = measure(cmd + flags, env)
                lines.append(f"| {args.impact_rows:,} | `evalnlp classify --codebook impact` (impact-themes ensemble "
                             f"+ sentiment, {what}, no output file){suffix} | {wall:.1f} | "
                             f"{args.impact_rows / wall:,.0f} | | {cpu:.1f} | | {peak:,.0f} | {load()} |")
                print(lines[-1], flush=True)
                for f in tmp.glob("i.duckdb*"):
                    f.unlink()
        if args.impact_rows and not args.no_stages:
            for suffix, env, flags in versions:
                wall, peak, printed, _ = measure([PY, "-c", STAGES, str(csv), str(db), "-", "impact", "quote", "1",
                                                  *flags[1:]], env)
                stage_tables.append(_stage_table(f"{args.impact_rows:,} {what}, `--codebook impact` "
                                                 f"with sentiment, no output file{suffix}",
                                                 json.loads(printed.strip().splitlines()[-1]), wall, peak))
                for f in tmp.glob("i.duckdb*"):
                    f.unlink()
    if args.before_src is not None:
        lines += ["", f"Rows and tables marked [{args.before_label}] ran the earlier code on the same inputs, each "
                  "right before the same measure with this code; both are set against the same bare-script run."]
    best, median = help_time()
    lines += ["", f"`evalnlp --help`: best {best:.3f} s, median {median:.3f} s of 9 (goal: under 0.3 s).", ""]
    lines += ["Goals: at least 20,000 comments/s end to end on 2 cores and within 3x of the bare script; 1M "
              "comments at most 2 GB peak RSS; `classify --codebook impact` at least 20,000 passages/s. "
              "\"vs bare\" is evalnlp's time over the bare script's on the same file in the same run; \"CPU s\" is the "
              "CPU time the command used (user and system, every thread), which a busy machine inflates far less "
              "than the wall time. The load "
              "column is the machine's load average when the step finished: the machine has 2 cores and was "
              "shared with other work, so figures taken at a load above 2 understate what 2 free cores do.", ""]
    lines += stage_tables
    write_section(args.name, lines)
    print("\n".join(lines))


def _stage_table(title: str, result: dict, wall: float, peak: float) -> str:
    timings = result["timings"]
    thread = ("fetch segments", "write codes and sentiment")  # in the store's thread, beside coding
    counted = sum(v for k, v in timings.items() if k not in thread)
    rows = [f"### Where the time goes: {title}", "",
            f"{result['n']:,} passages in {wall:.1f} s ({result['n'] / wall:,.0f}/s), peak RSS {peak:,.0f} MB, "
            f"load {load()}. Stages as `api.classify` records them; the store's thread (fetching pages, writing "
            "codes) runs beside coding, so only the main thread's waits for it count towards the wall time.", "",
            "| stage | seconds | share of wall |", "|---|---|---|"]
    for name, sec in timings.items():
        label = f"{name} (store thread, overlapped)" if name in thread else name
        rows.append(f"| {label} | {sec:.2f} | {sec / wall:.0%} |")
    rows.append(f"| start-up, imports and the rest | {max(wall - counted, 0.0):.2f} | "
                f"{max(wall - counted, 0.0) / wall:.0%} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    main()
