#!/usr/bin/env python3
"""Few-shot training on the impact codebook: does a small coded sample, started from a trained prior, beat
both the prior alone and training from scratch on that sample?

Setting (all grouped by case study, nothing tuned here):

- prior: the shipped recipe (``EnsembleCoder``, C=0.1) trained on the 80% tuning part of
  ``ref_impact_train`` (GroupShuffleSplit 0.2, seed 2026, the same split as scripts/train_impact_model.py);
- small sample: the 120 quotes of ``ref_impact_dev`` (93 case studies, none in the training file);
- test: the 20% hold-out of ``ref_impact_train`` (case studies in neither the prior's data nor the sample).

Writes bench/results/impact_fewshot.md. Run: ``python bench/bench_impact_fewshot.py``.

``--simulate N`` instead repeats the setting N times inside the 80% tuning part (the hold-out is not read), to
choose how a small sample is combined with a trained prior: each time a grouped split (seed 100 + i) leaves 65%
of the tuning part's case studies to train the prior, case studies drawn from the rest until they hold at least
120 quotes make the small sample, and the other quotes the test. Writes bench/results/impact_fewshot_sim.md.
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


def advice(says_prior: bool, prior_wins: bool, gap: float = 1.0) -> str:
    """The sentence on whether `train`'s advice, from the sample alone, matches the hold-out (``gap``: the two
    coders' difference of macro-F1 there; under 0.01 either choice is as good)."""
    said = "to keep the prior" if says_prior else "to use the trained coder"
    if abs(gap) < 0.01:
        return f"So it advises {said}; on the hold-out the two are within 0.01 of each other, so either is as good."
    held = "the prior" if prior_wins else "the trained coder"
    verdict = "right" if says_prior == prior_wins else "wrong"
    return f"So it advises {said}; on the hold-out {held} scores higher, so the advice is {verdict}."


WEIGHTS = (0.0, 0.3, 0.5, 0.7)


def split():
    """The codebook, the dev file, and the training file as texts, label matrix and case studies, with its
    tuning and hold-out rows (the split of scripts/train_impact_model.py)."""
    from sklearn.model_selection import GroupShuffleSplit

    cb, train, dev = load(shared_data())
    texts = train["quote"].to_numpy(object)
    Y = matrix(train, cb.theme_ids)
    groups = train["case_study_id"].to_numpy()
    tune, hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED).split(texts, groups=groups))
    return cb, dev, texts, Y, groups, tune, hold


def simulate(reps: int) -> int:
    """Small samples drawn inside the tuning part: the prior, the ensemble on the sample at each prior weight,
    training from scratch, and (for scale) the prior's recipe retrained on its data and the sample together."""
    import numpy as np
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.coding import make_coder
    from evalnlp.coding.persist import save_model

    cb, _dev, texts, Y, groups, tune, _hold = split()
    ids = cb.theme_ids
    T, TY, TG = texts[tune], Y[tune], groups[tune]
    names = (["prior alone"] + [f"ensemble on the sample, prior_weight {w}" for w in WEIGHTS]
             + ["supervised from scratch on the sample", "prior's recipe retrained on its data + the sample"])
    scores: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    sizes = []
    for rep in range(reps):
        a, b = next(GroupShuffleSplit(n_splits=1, test_size=0.35, random_state=100 + rep).split(T, groups=TG))
        chosen, n = [], 0
        for case in np.random.default_rng(rep).permutation(np.unique(TG[b])):
            if n >= 120:
                break
            chosen.append(case)
            n += int((TG[b] == case).sum())
        sample, test = b[np.isin(TG[b], chosen)], b[~np.isin(TG[b], chosen)]
        sizes.append((len(a), len(sample), len(test)))

        def add(name, coder):
            rep_ = report(TY[test], predict(coder, T[test]), ids)
            scores[name].append((rep_["macro_f1"], rep_["micro_f1"]))

        with tempfile.TemporaryDirectory() as tmp:
            prior = make_coder("ensemble", "impact", C=0.1).fit(list(T[a]), TY[a])
            prior_dir = save_model(prior, Path(tmp) / "prior", card={"name": "prior"})
            add(names[0], prior)
            for w, name in zip(WEIGHTS, names[1:]):
                add(name, make_coder("ensemble", "impact", C=0.1, prior=str(prior_dir), prior_weight=w)
                    .fit(list(T[sample]), TY[sample]))
            add(names[-2], make_coder("supervised", "impact", C=0.1).fit(list(T[sample]), TY[sample]))
            both = np.concatenate([a, sample])
            add(names[-1], make_coder("ensemble", "impact", C=0.1).fit(list(T[both]), TY[both]))
        print(f"repeat {rep}: " + ", ".join(f"{k} {v[-1][0]:.3f}" for k, v in scores.items()), file=sys.stderr)
    lines = [f"## Impact codebook: few-shot training, simulated inside the tuning part ({today()})", "",
             f"Machine: {machine()}. `python bench/bench_impact_fewshot.py --simulate {reps}`.", "",
             f"{reps} repeats inside the 80% tuning part of the training file (the hold-out is not read): each time "
             "the prior is trained on 65% of the tuning part's case studies (grouped split, seed 100 + repeat), a "
             "small sample is the quotes of case studies drawn from the rest until there are at least 120, and the "
             "test is the remaining quotes. Quotes per repeat (prior / sample / test): "
             + "; ".join(f"{p} / {s} / {t}" for p, s, t in sizes) + ".", "",
             "| coder | macro-F1 (mean ± sd) | micro-F1 (mean) |", "|---|---:|---:|"]
    for name, vals in scores.items():
        arr = np.array(vals)
        lines.append(f"| {name} | {arr[:, 0].mean():.3f} ± {arr[:, 0].std():.3f} | {arr[:, 1].mean():.3f} |")
    lines += ["", "`prior_weight` is the prior's own probability's share in the final score (and the prior's "
              "threshold's share in each theme's threshold); 0 was the ensemble's only behaviour before. The default "
              "with a trained prior, 0.5, was chosen from this table: the lowest weight whose mean macro-F1 is not "
              "below the prior's alone, so that a sample moves the scores as far as it can without making them "
              "worse on text labelled like the prior's. The last row is for scale: even the prior's recipe "
              "retrained on all its data and the sample does not beat the prior, so 120 more quotes labelled the "
              "same way add nothing a coder can learn; a sample can only help where it is labelled or written "
              "differently from the prior's data."]
    print(write_section("impact_fewshot_sim", lines).read_text(), file=sys.stderr)
    return 0


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--simulate", type=int, metavar="N", help="repeat inside the tuning part N times instead")
    args = ap.parse_args()
    if args.simulate:
        return simulate(args.simulate)
    from evalnlp.coding import make_coder
    from evalnlp.coding.persist import save_model

    cb, dev, texts, Y, groups, tune, hold = split()
    ids = cb.theme_ids
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
            ("ensemble with the trained prior on the 120, no blend (prior_weight 0: auto before)", "ensemble",
             {"prior": str(prior_dir), "prior_weight": 0.0}),
            ("ensemble with the trained prior on the 120, blended (auto now)", "ensemble", {"prior": str(prior_dir)}),
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
              + advice(alone["macro_f1"] > cv["macro_f1"], rows[0][1]["macro_f1"] > rows[-1][1]["macro_f1"],
                       rows[0][1]["macro_f1"] - rows[-1][1]["macro_f1"])]
    print(write_section("impact_fewshot", lines).read_text(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
