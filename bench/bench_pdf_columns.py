#!/usr/bin/env python3
"""Reading PDFs whose pages are set in columns: the time the column analysis adds to a PDF's reading.

Usage: .venv/bin/python bench/bench_pdf_columns.py [--pages 50] [--repeat 3] [--no-write]

A 50-page PDF is written with fpdf2 from invented prose (needs the `dev` extra): two-column pages drawn line by
line across the page (the layout whose plain text mixes the columns), three-column pages drawn the same way,
pages of one column, and pages that are one wide table. Each round reads it twice in this process, in turn:
once as evalnlp reads a PDF (``read_narrative``: every page's text in reading order, pages joined where a
sentence runs on), and once as pypdf's plain text of every page (the baseline, the reading before columns were
found). Best of ``--repeat`` rounds. Writes ``bench/results/pdf_columns.md`` unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import random
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true")
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

        best = {"plain": float("inf"), "ours": float("inf")}
        for _ in range(args.repeat):
            for name, fn in (("plain", plain), ("ours", ours)):
                t0 = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - t0)
        base = plain()
        reader = pypdf.PdfReader(path)
        from evalnlp.ingest._pdf_columns import page_text

        per_page = [page_text(page) != base[i] for i, page in enumerate(reader.pages)]
    changed = sum(per_page)
    kinds_text = ", ".join(f"{v} {k}" for k, v in kinds.items())
    lines = [
        f"## Reading PDF pages set in columns ({today()})",
        "",
        f"Machine: {machine()}. `python bench/bench_pdf_columns.py`.",
        "",
        f"A {args.pages}-page PDF ({size / 1024:.0f} KB) written with fpdf2 from invented prose: {kinds_text} "
        "pages; the column pages are drawn line by line across the page, so pypdf's plain text mixes their "
        "columns. Each round reads it once as evalnlp does (`read_narrative`: the text of each page in reading "
        "order, then pages joined where a sentence runs on) and once as pypdf's plain text of every page (the "
        f"baseline: the reading before columns were found), in turn, in one process; best of {args.repeat} rounds.",
        "",
        "| reading | seconds | pages/s | time / baseline |",
        "|---|---:|---:|---:|",
        f"| pypdf's plain text (baseline) | {best['plain']:.3f} | {args.pages / best['plain']:,.0f} | 1.00 |",
        f"| evalnlp (columns in reading order) | {best['ours']:.3f} | {args.pages / best['ours']:,.0f} | "
        f"{best['ours'] / best['plain']:.2f} |",
        "",
        f"Pages whose text the column reading changed: {changed} of {args.pages} (the two- and three-column pages "
        "should be all of them; the one-column and table pages keep pypdf's text).",
    ]
    print("\n".join(lines))
    if not args.no_write:
        print(f"wrote {write_section('pdf_columns', lines)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
