#!/usr/bin/env python3
"""Impact-theme coding: how much would more labelled quotes of the same kind help? A learning curve.

The shipped recipe (``EnsembleCoder``, C=0.1, as scripts/train_impact_model.py builds it, without the survey
answers) is trained on a growing share of the case studies of each training part and scored on the same
validation parts: grouped 5-fold cross-validation over case studies on the 80% tuning part of
``ref_impact_train`` (the GroupShuffleSplit(0.2, seed 2026) of the training script; the hold-out is not read).
Each fold keeps a random share of its training case studies (whole case studies, drawn with the given seed);
each fold's model decides with the thresholds it chose itself, as ``classify`` does.

If macro-F1 still climbs steeply at the full share, labelling more quotes the same way is the cheapest way up;
if it flattens, the representation (features and model) is what limits the coder, not the amount of data.

Writes bench/results/impact_curve.md. Run: ``python bench/bench_impact_curve.py [--seeds 0 1]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import train_impact_model as recipe  # noqa: E402
from _shared import shared_file  # noqa: E402

SHARES = (0.25, 0.5, 0.75, 1.0)


def curve(seeds: list[int]) -> tuple[list[dict], dict]:
    from sklearn.model_selection import GroupKFold, GroupShuffleSplit

    from evalnlp.codebook import load_codebook

    ids = load_codebook("impact").theme_ids
    train = pd.read_csv(shared_file(recipe.TRAIN_NAME, "the shared data folder"), dtype=str,
                        keep_default_na=False, encoding="utf-8")
    texts = train["quote"].to_numpy(object)
    Y = recipe.matrix(train, ids)
    groups = train["case_study_id"].to_numpy()
    tune, _ = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=recipe.SEED)
                   .split(texts, groups=groups))
    tt, tY, tg = texts[tune], Y[tune], groups[tune]
    folds = list(GroupKFold(n_splits=5).split(tt, groups=tg))
    rows = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        # one order of each fold's training case studies per seed: a larger share holds every smaller one
        orders = [rng.permutation(np.unique(tg[a])) for a, _ in folds]
        for share in SHARES:
            t0 = time.perf_counter()
            P = np.zeros_like(tY)
            quotes = []
            for (a, b), order in zip(folds, orders):
                keep = set(order[: int(round(share * len(order)))])
                part = np.array([i for i in a if tg[i] in keep])
                quotes.append(len(part))
                coder = recipe.make(recipe.CHOSEN["backend"], recipe.CHOSEN["C"]).fit(list(tt[part]), tY[part])
                P[b] = recipe.predict(coder, tt[b])
            rep = recipe.report(tY, P, ids)
            rows.append({"seed": seed, "share": share, "quotes": int(np.mean(quotes)),
                         "macro_f1": rep["macro_f1"], "micro_f1": rep["micro_f1"],
                         "per_theme": {t: rep["per_theme"][t]["f1"] for t in ids}})
            print(f"seed {seed} share {share:.2f}: {int(np.mean(quotes))} quotes, macro {rep['macro_f1']:.3f} "
                  f"micro {rep['micro_f1']:.3f} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    return rows, {"n_tune": int(len(tune)), "case_studies": int(len(np.unique(tg)))}


def render(rows: list[dict], info: dict, seeds: list[int], seconds: float) -> str:
    from evalnlp.codebook import load_codebook

    ids = load_codebook("impact").theme_ids
    frame = pd.DataFrame(rows)
    mean = frame.groupby("share")[["quotes", "macro_f1", "micro_f1"]].mean()
    lines = [
        f"## Impact codebook: a learning curve of the shipped recipe ({time.strftime('%Y-%m-%d')})",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}. `python bench/bench_impact_curve.py --seeds {' '.join(map(str, seeds))}` "
        f"({seconds / 60:.0f} min).",
        "",
        f"Grouped 5-fold CV over case studies on the 80% tuning part of ref_impact_train ({info['n_tune']:,} quotes "
        f"from {info['case_studies']:,} case studies; the hold-out is not read). Each fold's model is the shipped "
        "recipe (EnsembleCoder, C=0.1, REF quotes only) trained on a random share of the fold's training case "
        "studies (whole case studies; one order per seed, so each share holds the smaller ones) and decides with "
        "its own thresholds. 'quotes' is the mean number of training quotes per fold.",
        "",
        "| share of the training case studies | training quotes | macro-F1 | micro-F1 |"
        + "".join(f" seed {s} macro |" for s in seeds),
        "|---:|---:|---:|---:|" + "---:|" * len(seeds),
    ]
    for share, row in mean.iterrows():
        per_seed = [frame[(frame["share"] == share) & (frame["seed"] == s)]["macro_f1"].iloc[0] for s in seeds]
        lines.append(f"| {share:.2f} | {row['quotes']:,.0f} | {row['macro_f1']:.3f} | {row['micro_f1']:.3f} |"
                     + "".join(f" {v:.3f} |" for v in per_seed))
    lines += ["", "F1 per theme (mean over seeds):", "",
              "| share | " + " | ".join(ids) + " |", "|---:|" + "---:|" * len(ids)]
    for share in SHARES:
        part = frame[frame["share"] == share]
        lines.append(f"| {share:.2f} | " + " | ".join(
            f"{np.mean([r[t] for r in part['per_theme']]):.3f}" for t in ids) + " |")
    first, half, full = (mean.loc[s, "macro_f1"] for s in (0.25, 0.5, 1.0))
    last = 100 * (full - half)
    if last <= 0:
        reading = "more quotes labelled the same way did not help here"
    else:
        doublings = math.ceil((70 - 100 * full) / last)
        reading = (f"if each further doubling added as much (learning curves flatten, so this is the best case), "
                   f"macro-F1 0.70 would need about {doublings} more doublings, some "
                   f"{mean.loc[1.0, 'quotes'] * 2 ** doublings:,.0f} quotes labelled the same way: the amount of "
                   "labelled data is not what holds the recipe far from the goal")
    lines += ["", f"From a quarter to half of the data macro-F1 gains {100 * (half - first):+.1f} points; from half "
              f"to all of it (a doubling, {mean.loc[0.5, 'quotes']:,.0f} -> {mean.loc[1.0, 'quotes']:,.0f} quotes) "
              f"{last:+.1f}: {reading}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--render", action="store_true", help="write the section again from the saved figures")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    saved = REPO / "bench" / "results" / "impact_curve.json"
    if args.render:  # the section again from the figures of the last run
        kept = json.loads(saved.read_text(encoding="utf-8"))
        rows, info, args.seeds, seconds = kept["rows"], kept["info"], kept["seeds"], kept["seconds"]
    else:
        rows, info = curve(args.seeds)
        seconds = time.perf_counter() - t0
        saved.write_text(json.dumps({"rows": rows, "info": info, "seeds": args.seeds, "seconds": seconds},
                                    indent=1), encoding="utf-8")
    out = REPO / "bench" / "results" / "impact_curve.md"
    out.write_text(render(rows, info, args.seeds, seconds), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
