#!/usr/bin/env python3
"""Benchmark the embedding encoders on NHS Friends and Family Test comments.

Encodes 10k and 100k FFT comments with the shipped static model (three runs each, median
reported), and a 2k subsample with MiniLM (its time scaled up to the larger sizes). Every case runs in a fresh subprocess,
so the peak resident memory (RSS) reported is that case's alone, model load included.
A quality check compares the two encoders on the 2k subsample: leave-one-out k-nearest
neighbour accuracy on the FFT category labels, and how well their pairwise similarities
agree.

Usage, from the repository root::

    python bench/bench_embeddings.py                # writes bench/results/embeddings.md
    python bench/bench_embeddings.py --sizes 10000 --out /tmp/emb.md

The data file is ``../shared/data/nhs_fft_phase1/text_data.csv`` relative to the
repository root (falling back to ``/work/shared/...``), column ``feedback``. The corpus has
about 10k comments, so the 100k set repeats it ten times (word caches are warm after the
first pass, as they would be on a large survey with a recurring vocabulary).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_RELATIVE = Path("data") / "nhs_fft_phase1" / "text_data.csv"
DATA_CANDIDATES = (REPO_ROOT.parent / "shared" / DATA_RELATIVE, Path("/work/shared") / DATA_RELATIVE)
DEFAULT_OUT = REPO_ROOT / "bench" / "results" / "embeddings.md"
SEED = 0
K_NEIGHBOURS = 10


def find_data(explicit: Path | None) -> Path:
    """The FFT text file: ``--data`` if given, else the first candidate that exists."""
    candidates = (explicit,) if explicit else DATA_CANDIDATES
    for path in candidates:
        if path is not None and path.is_file():
            return path
    raise SystemExit(f"FFT data not found; tried {', '.join(map(str, candidates))}. Pass --data PATH.")


def load_comments(path: Path) -> tuple[list[str], list[str]]:
    """Non-empty ``feedback`` texts and their ``label`` column, in file order."""
    import pandas as pd

    frame = pd.read_csv(path, usecols=["feedback", "label"], dtype=str)
    frame = frame[frame["feedback"].fillna("").str.strip() != ""]
    return frame["feedback"].tolist(), frame["label"].fillna("").tolist()


def take(texts: list[str], n: int) -> list[str]:
    """``n`` texts: the corpus repeated as often as needed, cut to length."""
    repeats = -(-n // len(texts))
    return (texts * repeats)[:n]


def subsample(n: int, size: int) -> list[int]:
    """A seeded random subset of ``range(n)``, sorted."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    return sorted(rng.choice(n, size=min(size, n), replace=False).tolist())


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- one case (subprocess)


def run_case(args: argparse.Namespace) -> int:
    """Time one encoder on one size and print a JSON line (runs in a subprocess)."""
    texts, labels = load_comments(args.data)
    if args.sample:
        index = subsample(len(texts), args.sample)
        texts = [texts[i] for i in index]
    else:
        texts = take(texts, args.n)
    baseline = peak_rss_mb()
    started = time.perf_counter()
    from evalnlp.embeddings import get_encoder

    encoder = get_encoder(args.case)
    load_s = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    vectors = encoder.encode(texts)
    encode_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu_started
    result = {
        "encoder": args.case,
        "n": len(texts),
        "dim": encoder.dim,
        "load_s": load_s,
        "encode_s": encode_s,
        "per_s": len(texts) / encode_s,
        "cpu_s": cpu_s,
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_mb": baseline,
        "sha256": encoder.sha256,
    }
    if args.repeat:
        started = time.perf_counter()
        encoder.encode(texts)
        result["warm_per_s"] = len(texts) / (time.perf_counter() - started)
    if args.save:
        import numpy as np

        np.save(args.save, vectors)
    print(json.dumps(result))
    return 0


def spawn(data: Path, encoder: str, *, n: int = 0, sample: int = 0, save: Path | None = None) -> dict:
    """Run one case in a fresh interpreter and return its JSON result."""
    command = [sys.executable, str(Path(__file__).resolve()), "--case", encoder, "--data", str(data)]
    command += ["--n", str(n)] if n else ["--sample", str(sample)]
    if save is not None:
        command += ["--save", str(save)]
    if encoder == "static":
        command.append("--repeat")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    completed = subprocess.run(command, capture_output=True, text=True, env=env)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark case {encoder} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- quality


def knn_accuracy(vectors, labels: list[str], k: int = K_NEIGHBOURS) -> float:
    """Leave-one-out k-NN (cosine, majority vote, ties to the nearest) label accuracy."""
    import numpy as np

    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    neighbours = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    hits = 0
    for i, row in enumerate(neighbours):
        votes: dict[str, int] = {}
        for j in row:
            votes[labels[j]] = votes.get(labels[j], 0) + 1
        best = max(votes.values())
        predicted = next(labels[j] for j in row if votes[labels[j]] == best)
        hits += predicted == labels[i]
    return hits / len(labels)


def quality(data: Path, static_file: Path, minilm_file: Path, size: int) -> dict:
    """k-NN label accuracy of both encoders and the correlation of their similarities."""
    import numpy as np

    _, labels = load_comments(data)
    index = subsample(len(labels), size)
    sample_labels = [labels[i] for i in index]
    s, m = np.load(static_file), np.load(minilm_file)
    upper = np.triu_indices(len(index), 1)
    majority = max(sample_labels.count(label) for label in set(sample_labels)) / len(sample_labels)
    return {
        "knn_static": knn_accuracy(s, sample_labels),
        "knn_minilm": knn_accuracy(m, sample_labels),
        "majority": majority,
        "n_labels": len(set(sample_labels)),
        "sim_corr": float(np.corrcoef((s @ s.T)[upper], (m @ m.T)[upper])[0, 1]),
    }


# --------------------------------------------------------------------------- report


def machine() -> dict:
    """CPU model, core count, load and versions."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in ("numpy", "model2vec", "tokenizers", "sentence-transformers", "torch"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": versions,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def table_row(label: str, row: dict) -> str:
    """One Markdown table row for a measured case."""
    cells = [
        label,
        f"{row['n']:,}",
        f"{row['load_s']:.2f}",
        f"{row['encode_s']:.2f}",
        f"{row['cpu_s']:.2f}",
        f"{row['per_s']:,.0f}",
        f"{row['n'] / row['cpu_s']:,.0f}",
        f"{row['warm_per_s']:,.0f}" if "warm_per_s" in row else "",
        f"{row['peak_rss_mb']:,.0f}",
        f"{row['peak_rss_mb'] - row['rss_before_mb']:,.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


def render(info: dict, static_rows: list[dict], minilm: dict, sizes: list[int], qual: dict, data: Path) -> str:
    """The results as Markdown."""
    load = info["load"]
    load_text = f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}" if load else "unknown"
    lines = [
        "# Embedding benchmark",
        "",
        f"- Date: {info['date']}",
        f"- Machine: {info['nproc']} cores, {info['cpu']}; load average (1/5/15 min) at start {load_text}",
        f"- Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
        f"- Data: `{data.name}` (NHS FFT phase 1, column `feedback`, {info['corpus']:,} non-empty "
        "comments, repeated to reach 100k)",
        "- Command: `python bench/bench_embeddings.py`",
        "",
        f"Each row is a fresh process (static: the median of {info['runs']} runs by wall-clock "
        "speed). *texts/s* is wall-clock; *texts/s per CPU-s* divides by the "
        "process's CPU time, which is steadier on a shared machine. *2nd pass* encodes the same "
        "texts again in the same process. *Peak RSS* includes the interpreter, pandas and the "
        "data; *RSS added* is the growth from just before the encoder was loaded.",
        "",
        "| encoder | texts | load (s) | encode (s) | encode CPU (s) | texts/s | texts/s per CPU-s "
        "| texts/s, 2nd pass | peak RSS (MB) | RSS added (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in static_rows:
        lines.append(table_row(f"static (model2vec, {row['dim']}d)", row))
    lines.append(table_row(f"MiniLM (sentence-transformers, {minilm['dim']}d), sample", minilm))
    lines += [
        "",
        "MiniLM scaled to the full sizes (time = texts / measured rate): "
        + "; ".join(f"{n:,} texts in about {n / minilm['per_s']:,.0f} s" for n in sizes)
        + ".",
        "",
        f"The static encoder is about {static_rows[0]['per_s'] / minilm['per_s']:,.0f}x faster than "
        "MiniLM here (wall-clock, first size).",
        "",
        f"## Quality on the {minilm['n']:,}-comment sample",
        "",
        "| measure | static | MiniLM |",
        "|---|---:|---:|",
        f"| {K_NEIGHBOURS}-NN leave-one-out accuracy on `label` ({qual['n_labels']} categories; "
        f"majority class {qual['majority']:.3f}) | {qual['knn_static']:.3f} | {qual['knn_minilm']:.3f} |",
        "",
        f"Pearson correlation of pairwise cosine similarities, static vs MiniLM: {qual['sim_corr']:.3f}.",
        "",
        f"Static model sha256: `{static_rows[0]['sha256']}`.",
        "",
    ]
    return "\n".join(lines)


def run_all(args: argparse.Namespace) -> int:
    """Run every case and write the report."""
    import tempfile

    data = find_data(args.data)
    info = machine()
    info["corpus"] = len(load_comments(data)[0])
    info["runs"] = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        static_sample, minilm_sample = Path(tmp) / "static.npy", Path(tmp) / "minilm.npy"
        static_rows = []
        for n in args.sizes:
            runs = sorted((spawn(data, "static", n=n) for _ in range(args.runs)), key=lambda r: r["per_s"])
            static_rows.append(runs[len(runs) // 2])
            print(f"static {n}: {static_rows[-1]['per_s']:,.0f}/s (median of {len(runs)})", file=sys.stderr)
        spawn(data, "static", sample=args.minilm_sample, save=static_sample)
        minilm = spawn(data, "minilm", sample=args.minilm_sample, save=minilm_sample)
        print(f"minilm {minilm['n']}: {minilm['per_s']:,.0f}/s", file=sys.stderr)
        qual = quality(data, static_sample, minilm_sample, args.minilm_sample)
    report = render(info, static_rows, minilm, args.sizes, qual, data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="FFT text_data.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown report")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--minilm-sample", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3, help="static runs per size; the median is reported")
    parser.add_argument("--case", choices=["static", "minilm"], help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--save", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.case:
        return run_case(args)
    return run_all(args)


if __name__ == "__main__":
    sys.exit(main())
