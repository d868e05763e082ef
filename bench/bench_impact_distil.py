#!/usr/bin/env python3
"""Does the accurate model teach the fast one? Distilling impact-themes-accurate into the fast recipe.

Usage (from the repository root; needs the ``transformers`` extra and ../shared/data)::

    python bench/bench_impact_distil.py [--sentences 12000] [--weight 0.5]

The teacher is the shipped ``impact-themes-accurate``, trained on the 80% tuning part of ref_impact_train only
(the script checks its card). It codes unlabelled text from the REF2014 corpus: the testimonials and a seeded
sample of "Details of the impact" sentences of the case studies in neither labelled file (the same pool as
``bench_impact_variants.py --corpus``). The student is the fast shipped recipe (the ensemble) whose per-theme
SVMs also see those passages with the teacher's decisions as labels, at a lower weight; its calibration and
thresholds see the coded quotes only. Student and plain recipe are trained on the same tuning part and graded
on the 20% hold-out (572 quotes of other case studies) and the 120 dev quotes.

Rule fixed before the one run: the distilled student replaces the fast default only if it beats the plain
recipe on the hold-out by at least 1.0 point of macro-F1 without lowering micro-F1. This reads the hold-out
for one decision between two coders fixed in advance, and the section says so.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from _common import RESULTS, machine, shared_data, today, write_section  # noqa: E402

CACHE = REPO / "bench" / ".cache"


def log(message: str) -> None:
    print(f"[bench_impact_distil] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=12_000, help="corpus sentences the teacher codes")
    parser.add_argument("--weight", type=float, default=0.5, help="weight of a teacher-labelled passage")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the unlabelled pool is kept")
    args = parser.parse_args(argv)

    from bench_finetune import impact_data, multilabel
    from bench_impact_variants import _pseudo_coder_class, excluded_case_studies, unlabelled_pool
    from evalnlp.coding import make_coder
    from evalnlp.coding.base import decide
    from evalnlp.coding.persist import load_model, resolve_model

    teacher, card = load_model(resolve_model("impact-themes-accurate"), codebook="impact")
    if "tuning part" not in str(card.get("training_data", {}).get("source", "")):
        raise SystemExit("the teacher must be trained on the tuning part only (see its card)")
    cb, train, Y, tune, hold, dev, Ydev = impact_data()
    texts = train["quote"].tolist()
    tune_texts = [texts[i] for i in tune]
    pool = unlabelled_pool(shared_data(), excluded_case_studies(train, dev), args.cache)
    rng = np.random.default_rng(2026)
    sentences = pool["sentences"]
    picked = [sentences[i] for i in np.sort(rng.choice(len(sentences), size=min(args.sentences, len(sentences)),
                                                      replace=False))]
    unlabelled = list(dict.fromkeys(pool["testimonials"] + picked))
    log(f"teacher codes {len(unlabelled):,} unlabelled passages")
    t0 = time.perf_counter()
    scores = teacher.predict_proba(unlabelled)
    teach_s = time.perf_counter() - t0
    L = decide(scores, teacher.thresholds_).astype(int)
    log(f"teacher: {teach_s:.0f} s; positives per theme {L.sum(axis=0).tolist()}")

    plain = make_coder("ensemble", "impact", C=0.1).fit(tune_texts, Y[tune])
    student = _pseudo_coder_class()(codebook="impact", C=0.1)
    student.pseudo_ = (unlabelled, L, float(args.weight))
    student.fit(tune_texts, Y[tune])
    rows = []
    for split, X, truth in (("hold_out", [texts[i] for i in hold], Y[hold]), ("dev", dev["quote"].tolist(), Ydev)):
        for name, coder in (("fast recipe (ensemble)", plain), ("distilled: recipe + teacher-labelled corpus text",
                                                                 student),
                            ("teacher (impact-themes-accurate)", teacher)):
            rep = multilabel(cb, truth, decide(coder.predict_proba(X), coder.thresholds_))
            rows.append((split, name, rep["macro_f1"], rep["micro_f1"], rep["krippendorff_alpha"]))
            log(f"{split} {name}: {rep['macro_f1']:.3f} / {rep['micro_f1']:.3f}")
    base = next(r for r in rows if r[0] == "hold_out" and r[1].startswith("fast"))
    dist = next(r for r in rows if r[0] == "hold_out" and r[1].startswith("distilled"))
    adopt = dist[2] - base[2] >= 0.01 and dist[3] >= base[3]
    lines = [f"## Impact codebook: distilling the accurate model into the fast one ({today()})", "",
             f"Machine: {machine()}. `python bench/bench_impact_distil.py --sentences {args.sentences} --weight "
             f"{args.weight}`.", "",
             "Teacher: the shipped `impact-themes-accurate`, trained on the 80% tuning part only. It coded "
             f"{len(unlabelled):,} unlabelled passages of the REF2014 corpus ({len(pool['testimonials']):,} "
             f"testimonials and {len(picked):,} sentences, seed 2026, from the {pool['case_studies'][0]:,} case "
             f"studies in neither labelled file) in {teach_s:.0f} s. Student: the fast recipe whose SVMs also see "
             f"those passages with the teacher's decisions as labels, at weight {args.weight}; its calibration "
             "and thresholds see the coded quotes only. Both fast coders were trained on the tuning part in the "
             "same run.", "",
             "| test set | coder | macro-F1 | micro-F1 | alpha |", "|---|---|---:|---:|---:|"]
    for split, name, macro, micro, alpha in rows:
        lines.append(f"| {split} | {name} | {macro:.3f} | {micro:.3f} | {alpha:.3f} |")
    lines += ["", "Rule fixed before this one run: the student replaces the fast default only with at least +1.0 "
                  "point of hold-out macro-F1 and no lower micro-F1 (this reads the hold-out for one decision "
                  f"between two coders fixed in advance). Result: {dist[2] - base[2]:+.3f} macro, "
                  f"{dist[3] - base[3]:+.3f} micro: {'adopt' if adopt else 'do not adopt'}.", ""]
    print(write_section("impact_distil", lines))
    (RESULTS / "impact_distil.json").write_text(json.dumps({"rows": rows, "adopt": adopt}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
