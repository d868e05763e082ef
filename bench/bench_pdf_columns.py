#!/usr/bin/env python3
"""Reading PDFs whose pages are set in columns: the time the column analysis adds to a PDF's reading.

Usage: .venv/bin/python bench/bench_pdf_columns.py [--pages 50] [--repeat 3] [--no-write] [--before TREE]
       [--before-name NAME]

A 50-page PDF is written with fpdf2 from invented prose (needs the `dev` extra): two-column pages drawn line by
line across the page (the layout whose plain text mixes the columns), three-column pages drawn the same way,
pages of one column, and pages that are one wide table. Each round reads it twice in this process, in turn:
once as evalnlp reads a PDF (``read_narrative``: every page's text in reading order, pages joined where a
sentence runs on), and once as pypdf's plain text of every page (the baseline, the reading before columns were
found). With ``--before TREE`` (a checkout of an earlier evalnlp), each round then reads it as that tree's
``read_narrative`` does and as this tree's does, each in a process of its own that times its second reading
(the two alike, in turn). Best of ``--repeat`` rounds.
The pages are compared line by line with pypdf's (the blank lines evalnlp puts between paragraphs aside), and
the paragraphs found are counted. Writes ``bench/results/pdf_columns.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, today, write_section  # noqa: E402

WORDS = ("the clinic team visits families records care plan district nurse health week month review shared "
         "service patients staff training changed waiting times fell every new first rural programme").split()


def _sentences(rnd: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 22))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def _lines(pdf, text: str, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if pdf.get_string_width(trial) > width and cur:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + ([cur] if cur else [])


def build(path: Path, pages: int, seed: int = 7) -> dict[str, int]:
    from fpdf import FPDF

    rnd = random.Random(seed)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    kinds = {"two columns": 0, "three columns": 0, "one column": 0, "table": 0}
    for p in range(pages):
        kind = ["two columns", "one column", "two columns", "three columns", "one column", "table",
                "two columns", "one column", "two columns", "one column"][p % 10]
        kinds[kind] += 1
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 13)
        pdf.set_xy(10, 10)
        pdf.cell(190, 8, f"Report section {p + 1}: shared records in rural districts")
        pdf.set_font("Helvetica", size=9)
        if kind == "table":
            for r in range(40):
                for c in range(9):
                    pdf.set_xy(10 + c * 21, 25 + r * 6)
                    pdf.cell(18, 5, f"Ward {r + 1}" if c == 0 else f"{rnd.randint(5, 99)}%")
            continue
        n_cols = {"two columns": 2, "three columns": 3, "one column": 1}[kind]
        gap = 8
        width = (190 - gap * (n_cols - 1)) / n_cols
        columns = [_lines(pdf, " ".join(_sentences(rnd, 14 if n_cols > 1 else 24)), width) for _ in range(n_cols)]
        rows = min(44, max(len(c) for c in columns))
        for r in range(rows):  # line by line across the page: the order that mixes the columns
            for c, lines in enumerate(columns):
                if r < len(lines):
                    pdf.set_xy(10 + c * (width + gap), 25 + r * 5.5)
                    pdf.cell(width, 5, lines[r])
        pdf.set_xy(10, 285)
        pdf.cell(190, 5, f"Page {p + 1}")
    pdf.output(str(path))
    return kinds


#: Run in a process of its own with a tree's ``src`` first on the path: the seconds of its second reading of the
#: file (the first imports what reading needs).
_BEFORE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from evalnlp.ingest.readers import read_narrative
read_narrative(sys.argv[2])
t0 = time.perf_counter()
read_narrative(sys.argv[2])
print(time.perf_counter() - t0)
"""


def _drawn(text: str) -> str:
    """A page's text without its empty lines (pypdf's lines, as evalnlp keeps them between paragraphs)."""
    return "\n".join(line for line in text.split("\n") if line)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--before", type=Path, help="a checkout of an earlier evalnlp to time beside this one")
    ap.add_argument("--before-name", default="the earlier tree", help="what to call it in the table")
    args = ap.parse_args(argv)
    import pypdf

    from evalnlp.ingest.readers import read_narrative

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "columns.pdf"
        kinds = build(path, args.pages)
        size = path.stat().st_size

        def plain() -> list[str]:
            return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]

        def ours() -> list[str]:
            return [p.text for p in read_narrative(path)]

        def tree(root: Path) -> float:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            out = subprocess.run([sys.executable, "-c", _BEFORE, str(root.resolve() / "src"), str(path)],
                                 capture_output=True, text=True, check=True, env=env)
            return float(out.stdout.split()[-1])

        here = Path(__file__).resolve().parents[1]
        load = os.getloadavg()[0]
        best = {"plain": float("inf"), "ours": float("inf"), "before": float("inf"), "here": float("inf")}
        for _ in range(args.repeat):
            for name, fn in (("plain", plain), ("ours", ours)):
                t0 = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - t0)
            if args.before:  # the two trees in turn, each in a process of its own
                best["before"] = min(best["before"], tree(args.before))
                best["here"] = min(best["here"], tree(here))
        base = plain()
        reader = pypdf.PdfReader(path)
        from evalnlp.ingest._pdf_columns import page_text

        read = [page_text(page) for page in reader.pages]
    changed = sum(_drawn(t) != _drawn(base[i]) for i, t in enumerate(read))
    breaks = [len([p for p in t.split("\n\n") if p.strip()]) - 1 for t in read]
    kinds_text = ", ".join(f"{v} {k}" for k, v in kinds.items())
    lines = [
        f"## Reading PDF pages set in columns ({today()})",
        "",
        f"Machine: {machine()}; load average {load:.1f} when the rounds began. `python bench/bench_pdf_columns.py"
        + (" --before TREE" if args.before else "") + f" --repeat {args.repeat}`.",
        "",
        f"A {args.pages}-page PDF ({size / 1024:.0f} KB) written with fpdf2 from invented prose: {kinds_text} "
        "pages; the column pages are drawn line by line across the page, so pypdf's plain text mixes their "
        "columns. Each round reads it once as evalnlp does (`read_narrative`: the text of each page in reading "
        "order, a blank line between its paragraphs, then pages joined where a sentence runs on) and once as "
        "pypdf's plain text of every page (the baseline: the reading before columns were found), in turn, in one "
        "process" + (", then once as the earlier tree given with `--before` reads it and once as this tree "
                     "does, each in a process of its own timing its second reading" if args.before else "")
        + f"; best of {args.repeat} rounds.",
        "",
        "| reading | seconds | pages/s | time / baseline |",
        "|---|---:|---:|---:|",
        f"| pypdf's plain text (baseline) | {best['plain']:.3f} | {args.pages / best['plain']:,.0f} | 1.00 |",
    ]
    lines.append(f"| evalnlp (columns in reading order, paragraphs found) | {best['ours']:.3f} | "
                 f"{args.pages / best['ours']:,.0f} | {best['ours'] / best['plain']:.2f} |")
    if args.before:
        for key, name in (("before", f"{args.before_name} (`--before`), own process"),
                          ("here", "this tree, own process")):
            lines.append(f"| {name} | {best[key]:.3f} | {args.pages / best[key]:,.0f} | "
                         f"{best[key] / best['plain']:.2f} |")
    lines += [
        "",
        f"Pages whose lines the column reading changed: {changed} of {args.pages} (the two- and three-column pages "
        "should be all of them; the one-column and table pages keep pypdf's lines). Blank lines put between "
        f"paragraphs: {sum(breaks)} on {sum(b > 0 for b in breaks)} pages (each page's title, its text and its "
        "page number stand apart, and each column's text, a prose of its own ending short of the column's edge; "
        "a table's rows are one paragraph).",
    ]
    print("\n".join(lines))
    if not args.no_write:
        print(f"wrote {write_section('pdf_columns', lines)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
