#!/usr/bin/env python3
"""The review loop, simulated: does choosing what people code (``review export --strategy``) save labels?

Two labelled data sets stand in for the reviewer, who is asked for the labels of the passages each strategy
chooses:

- FFT phase 1 (``nhs_fft_phase1/text_data.csv``, codebook ``fft``, single-label): 20% of the comments held out
  (GroupShuffleSplit, seed 0, grouped by the comment's text after folding case and spacing, as in
  bench_fft.py); the rest, each distinct text once, is the pool;
- REF quotes (``ref_impact_train/impact_themes_train.csv``, codebook ``impact``, multi-label): 20% of the case
  studies held out (GroupShuffleSplit, seed 2026, grouped by ``case_study_id``, as in
  scripts/train_impact_model.py); the rest is the pool.

For each seed, 100 passages drawn at random from the pool are the first labelled set, the same for every
strategy. Each round trains a ``SupervisedCoder(embedding=None)`` on the labelled passages, scores macro-F1 on
the held-out split, and adds the 100 passages the strategy chooses from the rest of the pool, up to 1,000
labels. The strategies are the functions ``review export`` uses (:mod:`evalnlp.review`): ``uncertain`` on the
coder's scores and thresholds, ``diverse`` on the static embeddings (what is already labelled counts as
covered), ``random``. The held-out split is never chosen from and plays no part in any choice.

Writes bench/results/review_loop.md and bench/results/review_loop.png. Run: ``python bench/bench_review_loop.py``
(``--seeds 1`` for a quick look).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from _common import machine, shared_data, today  # noqa: E402

STRATEGIES = ("uncertain", "diverse", "random")
START, STEP, BUDGET = 100, 100, 1000
TEST_SIZE = 0.2


def log(message: str) -> None:
    print(f"[review_loop] {message}", file=sys.stderr, flush=True)


def folded(texts) -> np.ndarray:
    return np.array([" ".join(str(t).lower().split()) for t in texts], dtype=object)


def load_fft(base: Path):
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.codebook import load_codebook
    from evalnlp.review import distinct_texts

    cb = load_codebook("fft")
    df = pd.read_csv(base / "nhs_fft_phase1" / "text_data.csv", dtype=str, keep_default_na=False)
    df = df[df["feedback"].str.strip() != ""].reset_index(drop=True)
    texts = df["feedback"].tolist()
    ids = cb.theme_ids
    Y = np.zeros((len(df), len(ids)), dtype=np.int8)
    Y[np.arange(len(df)), [ids.index(cb.label_to_id(x)) for x in df["label"]]] = 1
    train, test = next(GroupShuffleSplit(1, test_size=TEST_SIZE, random_state=0)
                       .split(np.zeros(len(texts)), groups=folded(texts)))
    pool = train[distinct_texts([texts[i] for i in train])]
    return {"name": "FFT phase 1 (fft, single-label)", "key": "fft", "cb": cb, "texts": texts, "Y": Y,
            "pool": pool, "test": test}


def load_ref(base: Path):
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.codebook import load_codebook
    from evalnlp.review import distinct_texts

    cb = load_codebook("impact")
    df = pd.read_csv(base / "ref_impact_train" / "impact_themes_train.csv", dtype=str, keep_default_na=False)
    texts = df["quote"].tolist()
    Y = df[cb.theme_ids].astype(int).to_numpy().astype(np.int8)
    train, test = next(GroupShuffleSplit(1, test_size=TEST_SIZE, random_state=2026)
                       .split(np.zeros(len(texts)), groups=df["case_study_id"].to_numpy()))
    pool = train[distinct_texts([texts[i] for i in train])]
    return {"name": "REF quotes (impact, multi-label)", "key": "ref", "cb": cb, "texts": texts, "Y": Y,
            "pool": pool, "test": test, "case_studies": df["case_study_id"].to_numpy()}


def macro_f1(data, coder, test_texts) -> float:
    from sklearn.metrics import f1_score

    from evalnlp.coding.base import decide
    from evalnlp.evaluation import multilabel_report

    proba = coder.predict_proba(test_texts)
    truth = data["Y"][data["test"]]
    if not data["cb"].multi_label:
        return float(f1_score(truth.argmax(axis=1), proba.argmax(axis=1), average="macro",
                              labels=np.arange(truth.shape[1])))
    predicted = decide(proba, coder.thresholds_, multi_label=True, require_theme=False)
    return float(multilabel_report(truth, predicted, data["cb"].theme_ids)["macro_f1"])


def run_loop(data, strategy: str, seed: int, vectors: np.ndarray) -> list[tuple[int, float]]:
    from evalnlp.coding.supervised import SupervisedCoder
    from evalnlp.review import select_diverse, select_random, select_uncertain

    texts = data["texts"]
    pool = data["pool"]
    test_texts = [texts[i] for i in data["test"]]
    rng = np.random.default_rng(seed)
    labelled = np.sort(rng.choice(pool, START, replace=False))
    curve = []
    for r in range((BUDGET - START) // STEP + 1):
        coder = SupervisedCoder(codebook=data["cb"], embedding=None).fit([texts[i] for i in labelled],
                                                                           data["Y"][labelled])
        curve.append((len(labelled), macro_f1(data, coder, test_texts)))
        if len(labelled) >= BUDGET:
            break
        rest = np.setdiff1d(pool, labelled)
        round_seed = 1000 * seed + r
        if strategy == "uncertain":
            proba = coder.predict_proba([texts[i] for i in rest])
            picked = select_uncertain(proba, coder.thresholds_, STEP, multi_label=coder.multi_label_)
        elif strategy == "diverse":
            picked = select_diverse(vectors[rest], STEP, seed=round_seed, covered=vectors[labelled])
        else:
            picked = select_random(len(rest), STEP, seed=round_seed)
        labelled = np.sort(np.concatenate([labelled, rest[picked]]))
    return curve


def labels_to_reach(curve: dict[int, float], target: float) -> int | None:
    for n in sorted(curve):
        if curve[n] >= target - 1e-12:
            return n
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="how many starting samples (default 3)")
    args = parser.parse_args(argv)
    from evalnlp.embeddings import get_encoder

    started = time.perf_counter()
    base = shared_data()
    seeds = list(range(args.seeds))
    results = {}  # (dataset key, strategy) -> {n: [f1 per seed]}
    datasets = [load_fft(base), load_ref(base)]
    encoder = get_encoder("static")
    for data in datasets:
        log(f"{data['name']}: pool {len(data['pool'])}, held out {len(data['test'])}")
        vectors = encoder.encode(data["texts"])
        for strategy in STRATEGIES:
            t0 = time.perf_counter()
            per_n: dict[int, list[float]] = {}
            for seed in seeds:
                for n, f1 in run_loop(data, strategy, seed, vectors):
                    per_n.setdefault(n, []).append(f1)
            results[(data["key"], strategy)] = per_n
            data.setdefault("seconds", {})[strategy] = time.perf_counter() - t0
            log(f"  {strategy}: " + ", ".join(f"{n}:{np.mean(v):.3f}" for n, v in sorted(per_n.items()))
                + f" ({time.perf_counter() - t0:.0f}s)")
    write_report(datasets, results, seeds, time.perf_counter() - started)
    return 0


def write_report(datasets, results, seeds, seconds: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = HERE / "results"
    out.mkdir(exist_ok=True)
    ns = sorted(results[(datasets[0]["key"], "random")])
    lines = [
        f"## Review loop: which passages to ask people about ({today()})", "",
        f"Machine: {machine()}. `python bench/bench_review_loop.py` ({len(seeds)} seeds, {seconds / 60:.1f} "
        "minutes).", "",
        "Simulated active learning with the selection functions of `evalnlp review export`: start from 100 "
        "labelled passages (a random sample of the pool, the same for every strategy), train "
        "`SupervisedCoder(embedding=None)`, add the 100 passages the strategy picks from the rest of the pool, "
        "retrain, up to 1,000 labels. Macro-F1 on a fixed held-out split, mean over the seeds (the starting "
        "sample and the random and k-means seeds change with the seed; the split does not).", "",
    ]
    for data in datasets:
        lines += [f"- **{data['name']}**: pool {len(data['pool']):,} passages (distinct texts of the training "
                  f"part), held out {len(data['test']):,}"
                  + (" (20% of the case studies, seed 2026)." if data["key"] == "ref" else
                     " (20%, seed 0, grouped by folded text).")]
    lines += ["", "Macro-F1 on the held-out split by number of labelled passages (mean over seeds; min-max in "
              "the plot):", ""]
    head = "| labels | " + " | ".join(f"{d['key'].upper()} {s}" for d in datasets for s in STRATEGIES) + " |"
    lines += [head, "|---:|" + "---:|" * (len(datasets) * len(STRATEGIES))]
    for n in ns:
        cells = [f"{np.mean(results[(d['key'], s)][n]):.3f}" for d in datasets for s in STRATEGIES]
        lines.append(f"| {n:,} | " + " | ".join(cells) + " |")
    lines += ["", "Goal: `uncertain` reaches what `random` reaches with 1,000 labels using at most 500.", "",
              "| data | random at 1,000 | uncertain needs | diverse needs | uncertain at 500 | goal |",
              "|---|---:|---:|---:|---:|---|"]
    summary = []
    for d in datasets:
        means = {s: {n: float(np.mean(v)) for n, v in results[(d["key"], s)].items()} for s in STRATEGIES}
        target = means["random"][BUDGET]
        need_u = labels_to_reach(means["uncertain"], target)
        need_d = labels_to_reach(means["diverse"], target)
        met = need_u is not None and need_u <= 500
        fmt = (lambda x: f"{x:,}" if x is not None else f"> {BUDGET:,}")
        lines.append(f"| {d['name']} | {target:.3f} | {fmt(need_u)} | {fmt(need_d)} | "
                     f"{means['uncertain'][500]:.3f} | {'met' if met else 'not met'} |")
        summary.append((d, means, target, need_u, met))
    lines += ["", "Seconds per strategy (all seeds, training and choosing): " + "; ".join(
        f"{d['key'].upper()} " + ", ".join(f"{s} {d['seconds'][s]:.0f}" for s in STRATEGIES) for d in datasets)
        + ".", "", "![macro-F1 by labels per strategy](review_loop.png)", ""]
    lines += _reading(summary)
    (out / "review_loop.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.2), dpi=110)
    colours = {"uncertain": "#c0392b", "diverse": "#2471a3", "random": "#7f8c8d"}
    for ax, d in zip(np.atleast_1d(axes), datasets):
        for s in STRATEGIES:
            per_n = results[(d["key"], s)]
            x = sorted(per_n)
            mean = [np.mean(per_n[n]) for n in x]
            ax.plot(x, mean, marker="o", ms=3, label=s, color=colours[s])
            ax.fill_between(x, [min(per_n[n]) for n in x], [max(per_n[n]) for n in x], color=colours[s], alpha=0.12)
        target = float(np.mean(results[(d["key"], "random")][BUDGET]))
        ax.axhline(target, ls=":", color="#555", lw=1, label="random at 1,000")
        ax.axvline(500, ls=":", color="#aaa", lw=1)
        ax.set_title(d["name"], fontsize=10)
        ax.set_xlabel("labelled passages")
        ax.set_ylabel("macro-F1 (held out)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "review_loop.png")
    log(f"wrote {out / 'review_loop.md'} and review_loop.png")
    print((out / "review_loop.md").read_text(), file=sys.stderr)


def _reading(summary) -> list[str]:
    out = ["Reading (the goal is the dotted lines' crossing: random's figure at 1,000 labels, reached by 500):"]
    for d, means, target, need, met in summary:
        gain = means["uncertain"][BUDGET] - target
        out.append(f"- {d['name']}: random reaches {target:.3f} with 1,000 labels; uncertain reaches it with "
                   + (f"{need:,}" if need is not None else f"more than {BUDGET:,}")
                   + f" ({'goal met' if met else 'goal not met'}), and ends {gain:+.3f} above random at 1,000.")
    out.append("- The selection is what `review export` does for a person; a coder this weak at a few hundred "
               "labels has boundaries that move with every round, so the passages nearest them are only partly the "
               "informative ones. Spread-out passages (`diverse`) do as well or better early on.")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
