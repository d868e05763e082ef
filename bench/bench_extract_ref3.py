"""The narrative-extraction benchmark on the third unseen set: 15 REF case studies (seed 4242), reach figures only.

Usage: .venv/bin/python bench/bench_extract_ref3.py [--no-model] [--verbose] [--no-write] [--speed-docs N]

The same measures as ``bench/bench_extract_ref.py`` (this runs it with ``--set 4242``); the set, how it was
drawn and annotated, and its "before" figures are described there and in ``bench/results/extract_ref3.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_extract_ref  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(bench_extract_ref.main(["--set", "4242", *sys.argv[1:]]))
