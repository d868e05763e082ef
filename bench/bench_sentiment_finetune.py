#!/usr/bin/env python3
"""Would a fine-tuned transformer read sentiment better? A check inside the sentiment model's training parts.

Usage (from the repository root; needs the ``transformers`` extra and ../shared/data)::

    python bench/bench_sentiment_finetune.py [--epochs 3]

The shipped sentiment model's held-out parts (``scripts/train_sentiment.py``: 20% of the FFT comments grouped by
text, seed 0; 20% of the REF case studies, seed 2026) are not read. Inside each training part one more grouped
split (seed 7, 20%) gives a fitting part and a check part. On the fitting parts, in one run:

- the shipped recipe (``SentimentModel`` with the shipped parameters and REF weight);
- all-MiniLM-L6-v2 trained end to end with a softmax over the four labels (REF quotes weighted as in the
  recipe, classes weighted by the square root of their imbalance), scored after each epoch;
- the mean of the two models' probabilities.

FFT comments carry three labels (no neutral), so on FFT the network's choice is taken among those three.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from _common import machine, today, write_section  # noqa: E402

SPLIT_SEED = 7


def log(message: str) -> None:
    print(f"[bench_sentiment_finetune] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)

    import torch
    import train_sentiment as ts
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.coding.finetune import _build_net, _torch, base_dir
    from evalnlp.coding.sentiment import LABELS, SentimentModel

    torch_, transformers = _torch()
    rows, _ = ts.load_rows(ts.shared_file(ts.DATA_NAME, "--data"))
    ref = ts.load_ref(ts.shared_file(ts.REF_NAME, "--ref"))
    f_train, _ = next(GroupShuffleSplit(1, test_size=ts.TEST_SIZE, random_state=ts.SEED).split(rows, groups=rows["group"]))
    r_train, _ = next(GroupShuffleSplit(1, test_size=ts.TEST_SIZE, random_state=ts.REF_SEED).split(ref, groups=ref["group"]))
    fft = rows.iloc[f_train].reset_index(drop=True)
    rf = ref.iloc[r_train].reset_index(drop=True)
    fa, fb = next(GroupShuffleSplit(1, test_size=0.2, random_state=SPLIT_SEED).split(fft, groups=fft["group"]))
    ra, rb = next(GroupShuffleSplit(1, test_size=0.2, random_state=SPLIT_SEED).split(rf, groups=rf["group"]))
    labels = list(LABELS)
    f_truth, r_truth = fft["label"].to_numpy()[fb], rf["label"].to_numpy()[rb]
    f_check, r_check = fft["feedback"].iloc[fb].tolist(), rf["quote"].iloc[rb].tolist()
    log(f"FFT fit {len(fa)} check {len(fb)}; REF fit {len(ra)} check {len(rb)}")
    results = []

    def grade(name: str, f_proba: np.ndarray, r_proba: np.ndarray) -> None:
        names = np.asarray(labels)
        f_proba = f_proba.copy()
        f_proba[:, labels.index("neutral")] = -1.0  # FFT comments have no neutral label
        f_pred, r_pred = names[f_proba.argmax(axis=1)], names[r_proba.argmax(axis=1)]
        f_labels = sorted(set(f_truth))
        row = {"name": name,
               "fft_macro": f1_score(f_truth, f_pred, average="macro", labels=f_labels),
               "fft_acc": float((f_truth == f_pred).mean()),
               "ref_macro": f1_score(r_truth, r_pred, average="macro", labels=labels),
               "ref_acc": float((r_truth == r_pred).mean()),
               "ref_per_label": dict(zip(labels, f1_score(r_truth, r_pred, average=None, labels=labels))),
               "pos_neg": float((r_pred[r_truth == "positive"] == "negative").mean())}
        results.append(row)
        log(f"{name}: FFT {row['fft_macro']:.3f}, REF {row['ref_macro']:.3f}")

    texts = pd.concat([fft["feedback"].iloc[fa], rf["quote"].iloc[ra]], ignore_index=True).tolist()
    y_text = pd.concat([fft["label"].iloc[fa], rf["label"].iloc[ra]], ignore_index=True).tolist()
    weights = np.array([1.0] * len(fa) + [ts.REF_WEIGHT] * len(ra))
    recipe = SentimentModel(**ts.PARAMS).fit(texts, y_text, sample_weight=weights)

    def in_label_order(proba: np.ndarray) -> np.ndarray:
        out = np.zeros((len(proba), len(labels)))
        for j, c in enumerate(recipe.classes_):
            out[:, labels.index(str(c))] = proba[:, j]
        return out

    rec_f, rec_r = in_label_order(recipe.predict_proba(f_check)), in_label_order(recipe.predict_proba(r_check))
    grade("shipped recipe (SentimentModel)", rec_f, rec_r)

    torch.manual_seed(0)
    folder = base_dir("minilm")
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    net = _build_net(torch_, transformers, folder, len(labels), pretrained=True)
    y = np.array([labels.index(v) for v in y_text])
    counts = np.bincount(y, minlength=len(labels))
    class_weight = torch.tensor(np.sqrt(len(y) / (len(labels) * np.maximum(counts, 1))), dtype=torch.float32)
    size, lr = 16, 5e-5
    steps = args.epochs * ((len(texts) + size - 1) // size)
    optimiser = torch.optim.AdamW([{"params": net.encoder.parameters(), "lr": lr},
                                   {"params": net.head.parameters(), "lr": lr * 20}], weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, s / max(1.0, 0.1 * steps)) * max(0.0, (steps - s) / steps))
    rng = np.random.default_rng(0)

    def scores(batch_texts: list[str]) -> np.ndarray:
        net.eval()
        out = np.zeros((len(batch_texts), len(labels)))
        order = np.argsort([len(t) for t in batch_texts], kind="stable")
        with torch.inference_mode():
            for start in range(0, len(order), 64):
                chosen = order[start:start + 64]
                enc = tokenizer([batch_texts[i] for i in chosen], padding=True, truncation=True, max_length=128,
                                return_tensors="pt")
                out[chosen] = torch.softmax(net(dict(enc)), dim=1).numpy()
        return out

    started = time.perf_counter()
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(len(texts))
        for start in range(0, len(order), size):
            chosen = order[start:start + size]
            enc = tokenizer([texts[i] for i in chosen], padding=True, truncation=True, max_length=128,
                            return_tensors="pt")
            per = torch.nn.functional.cross_entropy(net(dict(enc)), torch.tensor(y[chosen]), weight=class_weight,
                                                    reduction="none")
            w = torch.tensor(weights[chosen], dtype=torch.float32)
            loss = (per * w).sum() / w.sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        net_f, net_r = scores(f_check), scores(r_check)
        grade(f"fine-tuned MiniLM, epoch {epoch + 1}", net_f, net_r)
    minutes = (time.perf_counter() - started) / 60
    grade("mean of the recipe and the fine-tuned MiniLM", (rec_f + net_f) / 2, (rec_r + net_r) / 2)

    lines = [f"## Sentiment: a fine-tuned transformer, checked inside the training parts ({today()})", "",
             f"Machine: {machine()}. `python bench/bench_sentiment_finetune.py --epochs {args.epochs}` "
             f"({minutes:.0f} min of training on 2 cores, shared with other work).", "",
             "The sentiment model's held-out parts are not read. Inside its two training parts a grouped split "
             f"(seed {SPLIT_SEED}, 20%) gives fitting parts ({len(fa):,} FFT comments, {len(ra):,} REF quotes) and "
             f"check parts ({len(fb):,} comments, {len(rb):,} quotes). FFT has three labels (the network's choice is "
             "taken among them); REF four.", "",
             "| model | FFT macro-F1 | FFT accuracy | REF macro-F1 | REF accuracy | REF F1 negative / mixed / neutral "
             "/ positive | positive REF called negative |", "|---|---:|---:|---:|---:|---|---:|"]
    for r in results:
        per = " / ".join(f"{r['ref_per_label'][k]:.2f}" for k in labels)
        lines.append(f"| {r['name']} | {r['fft_macro']:.3f} | {r['fft_acc']:.3f} | {r['ref_macro']:.3f} | "
                     f"{r['ref_acc']:.3f} | {per} | {r['pos_neg']:.1%} |")
    lines += ["", "A check on one split, to decide what to build: no sentiment model was changed by it.", ""]
    print(write_section("sentiment_finetune", lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
