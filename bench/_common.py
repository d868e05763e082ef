"""Helpers shared by the benchmark scripts: where data lives, the machine, peak memory."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


def shared_dir() -> Path:
    """The shared folder (its ``data/``, ``codebooks/``): ``$EVALNLP_SHARED`` when set, else ``../shared`` beside
    the repository, else ``/work/shared``."""
    env = os.environ.get("EVALNLP_SHARED")
    if env:
        return Path(env)
    rel = (REPO / ".." / "shared").resolve()
    return rel if rel.exists() else Path("/work/shared")


def shared_data() -> Path:
    base = shared_dir() / "data"
    if base.is_dir():
        return base
    raise SystemExit(f"the shared data folder ({base}) is not there; these benchmarks need it")


def fft_csv() -> Path:
    shipped = REPO / "corpora" / "nhs_fft" / "text_data.csv"
    return shipped if shipped.exists() else shared_data() / "nhs_fft_phase1" / "text_data.csv"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def today() -> str:
    return date.today().isoformat()


def write_section(name: str, lines: list[str]) -> Path:
    """Write a benchmark's Markdown section to ``bench/results/NAME.md`` (gathered by assemble.py)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


#: ``python -c TREE_WRAPPER CMD...`` runs CMD and prints "wall peak_mb cpu_s" as its last line (CMD's own output
#: goes to stderr): the peak is the larger of the process's own peak RSS and the highest sum, sampled every 0.1 s,
#: of the resident memory of it and every process below it (evalnlp's helper processes), and the CPU time counts
#: them all. Pages several processes map (the libraries) are counted once per process, which overstates.
TREE_WRAPPER = """
import os, resource, subprocess, sys, threading, time

def tree_rss(root):
    # resident memory (MB) of the process and every process below it (evalnlp's helper processes)
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024

t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)
peak = [0.0]

def sample():
    while proc.poll() is None:
        peak[0] = max(peak[0], tree_rss(proc.pid))
        time.sleep(0.1)

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
out = proc.communicate()[0]
w = time.perf_counter() - t
sampler.join()
sys.stderr.write(out)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(w, max(u.ru_maxrss / 1024, peak[0]), u.ru_utime + u.ru_stime)
sys.exit(proc.returncode)
"""


def measure_tree(cmd: list[str], env: dict | None = None) -> tuple[float, float, float, str]:
    """Run ``cmd`` under :data:`TREE_WRAPPER`: (wall seconds, peak RSS in MB with its child processes, CPU
    seconds of them all, what it printed). A failing step stops the benchmark."""
    proc = subprocess.run([sys.executable, "-c", TREE_WRAPPER, *cmd], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}")
    wall, peak, cpu = proc.stdout.split()[-3:]
    return float(wall), float(peak), float(cpu), proc.stderr


def peak_rss_mb_of(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS of the child in MB, its stdout)."""
    import time

    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"benchmark step failed: {' '.join(cmd)}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak, proc.stdout


def collapse_ws(s: str | None) -> str | None:
    """``s`` with runs of whitespace as one space, stripped (None stays None)."""
    return None if s is None else " ".join(s.split())


def match_spans(pred: list[tuple[int, int]], gold: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of overlapping spans: (pred_index, gold_index) pairs; a gold span whose start
    is negative (not found in the text) matches nothing."""
    pairs = []
    used: set[int] = set()
    for i, (ps, pe) in enumerate(pred):
        for j, (gs, ge) in enumerate(gold):
            if j not in used and gs >= 0 and ps < ge and gs < pe:
                pairs.append((i, j))
                used.add(j)
                break
    return pairs
