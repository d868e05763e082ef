"""A REFI-QDA project saved back by another program with Unix line ends, imported into the store it came from.

Run: .venv/bin/python bench/bench_qda_reimport.py [--docs 2000] [--before-src CHECKOUT/src]
(writes bench/results/qda_reimport.md)

Data: ``--docs`` documents, each 20 NHS FFT comments (phase 1, in file order) joined by Windows line ends
(CR LF), ingested by sentence into a fresh store, coded (``classify --codebook fft``) and exported
(``evalnlp export``). The project is then saved
back as a QDA program that writes Unix line ends would: every source's CR LF becomes LF and every selection's
positions move back by the CR it passed. ``evalnlp import`` reads it into a copy of the store, in a fresh
process timed with ``/usr/bin/time`` (wall seconds, peak RSS), once with this code and, with ``--before-src``,
once with an earlier checkout's ``src`` (same store, same file). Reported: documents and passages the import
added (0 when the documents are matched back; each one a second copy otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fft_csv, machine, today, write_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EVALNLP = [sys.executable, "-m", "evalnlp"]


def resave_unix(src: Path, dst: Path) -> int:
    """Write ``src`` again with LF for CR LF in every source and positions moved to match; the characters
    of text the sources hold in all."""
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    qde = members["project.qde"].decode("utf-8").replace('origin="evalnlp', 'origin="Other 1.0; was evalnlp')
    total = 0
    for name in [n for n in members if n.lower().startswith("sources/")]:
        text = members[name].decode("utf-8")
        crs = [m.start() for m in re.finditer("\r\n", text)]
        members[name] = text.replace("\r\n", "\n").encode("utf-8")
        total += len(text)
        block = re.search(r'<TextSource[^>]*plainTextPath="internal://' + re.escape(name.split("/")[1])
                          + r'".*?</TextSource>', qde, re.S)
        if block is None:
            continue

        def shift(m: re.Match, crs: list[int] = crs) -> str:
            pos = int(m.group(2))
            return f'{m.group(1)}="{pos - sum(1 for c in crs if c < pos)}"'

        qde = qde.replace(block.group(0), re.sub(r'(startPosition|endPosition)="(\d+)"', shift, block.group(0)))
    members["project.qde"] = qde.encode("utf-8")
    members.pop("evalnlp.json", None)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return total


def run(cmd: list[str], src: Path | None = None) -> tuple[float, float, str]:
    env = dict(os.environ, PYTHONPATH=str(src) if src else str(ROOT / "src"))
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed: {' '.join(cmd)}")
    wall, kb = proc.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--before-src", type=Path, help="an earlier checkout's src folder to compare with")
    args = ap.parse_args()
    import pandas as pd

    comments = pd.read_csv(fft_csv(), usecols=["feedback"])["feedback"].dropna().astype(str)
    comments = [c.strip() for c in comments if c.strip()]
    rows = [{"id": f"D{i}", "text": "\r\n".join(comments[(20 * i + k) % len(comments)] for k in range(20))}
            for i in range(args.docs)]
    work = Path(tempfile.mkdtemp(prefix="qda_reimport_"))
    try:
        pd.DataFrame(rows).to_csv(work / "docs.csv", index=False)
        store = work / "s.duckdb"
        run([*EVALNLP, "-q", "--db", str(store), "ingest", str(work / "docs.csv"), "--text", "text", "--id", "id",
             "--unit", "sentence"])
        run([*EVALNLP, "-q", "--db", str(store), "classify", "--codebook", "fft", "--no-sentiment"])
        run([*EVALNLP, "-q", "--db", str(store), "export", str(work / "out.qdpx")])
        chars = resave_unix(work / "out.qdpx", work / "unix.qdpx")
        results = []
        for label, src in (("this code", None), ("before", args.before_src)):
            if label == "before" and src is None:
                continue
            copy = work / f"copy_{len(results)}.duckdb"
            shutil.copy(store, copy)
            wall, peak, _ = run([*EVALNLP, "-q", "--db", str(copy), "import", str(work / "unix.qdpx"),
                                 "--codebook", "fft"], src)
            _, _, out = run([sys.executable, "-c", "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], "
                             "read_only=True); print(json.dumps([c.execute(f'SELECT count(*) FROM {t}').fetchone()[0]"
                             " for t in ('documents', 'segments')]))", str(copy)])
            before_counts = json.loads(run([sys.executable, "-c", "import duckdb, json, sys; c = duckdb.connect("
                                            "sys.argv[1], read_only=True); print(json.dumps([c.execute(f'SELECT "
                                            "count(*) FROM {t}').fetchone()[0] for t in ('documents', 'segments')]))",
                                            str(store)])[2])
            after = json.loads(out)
            results.append((label, wall, peak, after[0] - before_counts[0], after[1] - before_counts[1]))
            print(results[-1], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        "## A REFI-QDA project saved back with Unix line ends, imported into its own store",
        "",
        f"Measured {today()} on {machine()}. `python bench/bench_qda_reimport.py --docs {args.docs}"
        + (" --before-src CHECKOUT/src`" if args.before_src else "`") + ".",
        "",
        f"{args.docs:,} documents of 20 FFT comments joined by CR LF ({chars:,} characters in the sources), "
        "coded, exported, saved back with LF line ends and positions moved to match, and imported into a copy of the "
        "store (each row one fresh `evalnlp import` process).",
        "",
        "| code | seconds | peak RSS (MB) | documents added | passages added |",
        "|---|---:|---:|---:|---:|",
        *[f"| {label} | {wall:.1f} | {peak:,.0f} | {docs:,} | {segs:,} |" for label, wall, peak, docs, segs in results],
        "",
        "Documents and passages added should be 0: the file holds the store's own documents. The `before` row is "
        "the code before documents saved back with other line ends or Unicode forms were matched to the stored "
        "ones (it adds every document again, and evidence then counts each twice). The matching reads the stored "
        "documents at the places the file names and compares their texts with line ends and character "
        "composition made alike; its cost is in the difference between the rows' seconds and peak memory: the "
        "import with it is slower although the earlier one also wrote every document and passage again (one "
        "numpy pass per document and a search per selection, in Python), and its peak memory is no higher.",
    ]
    write_section("qda_reimport", lines)


if __name__ == "__main__":
    main()
