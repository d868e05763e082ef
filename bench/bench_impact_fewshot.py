#!/usr/bin/env python3
"""Few-shot training on the impact codebook: does a small coded sample, started from a trained prior, beat
both the prior alone and training from scratch on that sample?

Setting (all grouped by case study, nothing tuned here):

- prior: the shipped recipe (``EnsembleCoder``, C=0.1) trained on the 80% tuning part of
  ``ref_impact_train`` (GroupShuffleSplit 0.2, seed 2026, the same split as scripts/train_impact_model.py);
- small sample: the 120 quotes of ``ref_impact_dev`` (93 case studies, none in the training file);
- test: the 20% hold-out of ``ref_impact_train`` (case studies in neither the prior's data nor the sample).

Writes bench/results/impact_fewshot.md. Run: ``python bench/bench_impact_fewshot.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


from _common import machine, shared_data, today, write_section  # noqa: E402
from train_impact_model import SEED, load, matrix, predict, report  # noqa: E402


def advice(says_prior: bool, prior_wins: bool) -> str:
    """The sentence on whether `train`'s advice, from the sample alone, matches the hold-out."""
    said = "to keep the prior" if says_prior else "to use the trained coder"
    held = "the prior" if prior_wins else "the trained coder"
    verdict = "right" if says_prior == prior_wins else "wrong"
    return f"So it advises {said}; on the hold-out {held} scores higher, so the advice is {verdict}."


def main() -> int:
    import argparse

    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.coding import make_coder
    from evalnlp.coding.persist import save_model

    cb, train, dev = load(shared_data())
    ids = cb.theme_ids
    texts = train["quote"].to_numpy(object)
    Y = matrix(train, ids)
    groups = train["case_study_id"].to_numpy()
    tune, hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED).split(texts, groups=groups))
    sample_texts, sample_Y = list(dev["quote"]), matrix(dev, ids)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        prior = make_coder("ensemble", "impact", C=0.1).fit(list(texts[tune]), Y[tune])
        prior_dir = save_model(prior, Path(tmp) / "prior", card={"name": "prior"})
        print(f"prior fitted in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        rows.append(("prior alone (trained on the 80% tuning part)", report(Y[hold], predict(prior, texts[hold]), ids)))
        for name, backend, params in [
            ("supervised from scratch on the 120", "supervised", {}),
            ("ensemble with zero-shot prior on the 120 (previous auto)", "ensemble", {}),
            ("ensemble with the trained prior on the 120 (auto now)", "ensemble", {"prior": str(prior_dir)}),
        ]:
            coder = make_coder(backend, "impact", C=0.1, **params).fit(sample_texts, sample_Y)
            rows.append((name, report(Y[hold], predict(coder, texts[hold]), ids)))
            print(f"{name}: macro {rows[-1][1]['macro_f1']:.3f}", file=sys.stderr)
            if "prior" in params:
                adapted = coder
    lines = [f"## Impact codebook: few-shot training from 120 quotes ({today()})", "",
             f"Machine: {machine()}.", "",
             f"Test: {len(hold)} quotes of the 20% hold-out of the training file (seed {SEED}); sample: the 120 dev "
             "quotes; prior: trained on the other 80%. `python bench/bench_impact_fewshot.py`.", "",
             "| coder | macro-F1 | micro-F1 | alpha |", "|---|---:|---:|---:|"]
    for name, rep in rows:
        lines.append(f"| {name} | {rep['macro_f1']:.3f} | {rep['micro_f1']:.3f} | {rep['krippendorff_alpha']:.3f} |")
    cv, alone = adapted.cv_metrics_, adapted.prior_metrics_
    lines += ["", "What `train` tells the user of the 120 quotes, from the sample alone (the prior had seen "
              f"{adapted.prior_seen_} of them): the trained coder cross-validated on the sample, macro-F1 "
              f"{cv['macro_f1']:.3f} (micro {cv['micro_f1']:.3f}); the prior alone on the same quotes, macro-F1 "
              f"{alone['macro_f1']:.3f} (micro {alone['micro_f1']:.3f}). "
              + advice(alone["macro_f1"] > cv["macro_f1"], rows[0][1]["macro_f1"] > rows[-1][1]["macro_f1"])]
    print(write_section("impact_fewshot", lines).read_text(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
