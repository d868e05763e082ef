"""The language check of ``classify`` (evalnlp.language.readable) on real English text: how many passages it takes
for not English or for having no word (each of which classify then leaves with no theme and no sentiment), and its
cost beside the coders'.

Run: .venv/bin/python bench/bench_language.py [--rows 200000] (writes bench/results/language.md)

Inputs, all English as written (nothing here was read to set the check's thresholds):
- the 10,334 NHS FFT phase-1 comments (../shared/data/nhs_fft_phase1), distinct texts;
- the REF2014 quotes of ../shared/data/ref_impact_train (2,940) and ref_impact_dev (120);
- corpora/survey_answers (invented survey answers: train.csv and check.csv).
Cost: CPU seconds of ``readable`` on the FFT comments resampled with a fixed seed to ``--rows`` (answers repeat, as
in an export) and on the REF quotes resampled likewise, best of three.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, fft_csv, machine, shared_data, today, write_section  # noqa: E402

sys.path.insert(0, str(REPO / "src"))
from evalnlp.language import ENGLISH, readable  # noqa: E402


def corpora() -> dict[str, list[str]]:
    data = shared_data()
    fft = pd.read_csv(fft_csv(), usecols=["feedback"], dtype=str)["feedback"].dropna()
    ref_train = pd.read_csv(data / "ref_impact_train" / "impact_themes_train.csv", dtype=str)["quote"].dropna()
    ref_dev = pd.read_csv(data / "ref_impact_dev" / "impact_themes_dev.csv", dtype=str)["quote"].dropna()
    survey = pd.concat([pd.read_csv(REPO / "corpora" / "survey_answers" / f, dtype=str)["text"]
                        for f in ("train.csv", "check.csv")]).dropna()
    return {"NHS FFT comments (distinct)": [t for t in dict.fromkeys(fft) if t.strip()],
            "REF2014 quotes (train + dev)": ref_train.tolist() + ref_dev.tolist(),
            "survey answers (invented, train + check)": survey.tolist()}


PAGE = 5_000  # classify codes a page at a time (api.CODING_SLICE) and checks each page's texts in one call


def cpu(texts: list[str]) -> float:
    from evalnlp import language

    best = float("inf")
    for _ in range(3):
        language._SEEN.clear()  # each measure starts with nothing read
        t0 = time.process_time()
        for i in range(0, len(texts), PAGE):
            readable(texts[i:i + PAGE])
        best = min(best, time.process_time() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    sets = corpora()
    lines = [f"## The language check on English text ({today()})", "",
             f"Machine: {machine()}. `python bench/bench_language.py --rows {args.rows}`.", "",
             "What `classify` takes for not English or for no word, on text that is all English (each such passage "
             "is left with no theme and no sentiment), and the check's cost. The thresholds were set on invented "
             "Welsh, Polish and Urdu answers and on the FFT comments (so that few of them came out as not English): "
             "the FFT row is not blind; the REF quotes and the survey answers were not read to set them.", "",
             "| corpus | passages | not English | no word | share left uncoded | examples |",
             "|---|---:|---:|---:|---:|---|"]
    for name, texts in sets.items():
        kinds = readable(texts)
        n = Counter(kinds)
        odd = [t for t, k in zip(texts, kinds) if k != ENGLISH]
        shown = "; ".join(f"`{' '.join(t.split())[:40]}`" for t in odd[:3])
        lines.append(f"| {name} | {len(texts):,} | {n['not_english']} | {n['no_words']} | "
                     f"{(len(odd) / len(texts)):.2%} | {shown} |")
    rng = np.random.default_rng(0)
    fft = sets["NHS FFT comments (distinct)"]
    ref = sets["REF2014 quotes (train + dev)"]
    fft_rows = [fft[i] for i in rng.integers(0, len(fft), size=args.rows)]
    ref_rows = [ref[i] for i in rng.integers(0, len(ref), size=args.rows)]
    lines += ["", "| input | passages | CPU seconds (pages of 5,000, best of 3) | passages per CPU second |", "|---|---:|---:|---:|"]
    for name, rows in (("FFT comments resampled (seed 0)", fft_rows), ("REF quotes resampled (seed 0)", ref_rows),
                       ("FFT comments, distinct", fft), ("REF quotes, distinct", ref)):
        s = cpu(rows)
        lines.append(f"| {name} | {len(rows):,} | {s:.3f} | {len(rows) / s:,.0f} |")
    lines += ["", "An answer repeated across rows is read once in a run (up to 100,000 distinct texts are remembered), "
              "so resampled exports cost little; distinct prose is the dearer case. For scale: the "
              "shipped coders run at about 24,000 passages per second on 2 cores end to end (Classify sections "
              "above)."]
    print("\n".join(lines))
    if not args.no_write:
        print(write_section("language", lines), file=sys.stderr)


if __name__ == "__main__":
    main()
