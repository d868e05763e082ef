#!/usr/bin/env python3
"""Train the shipped sentiment model from the NHS Friends and Family Test criticality scores.

Usage (from the repository root)::

    python scripts/train_sentiment.py                      # data from ../shared/data or /work/shared/data
    python scripts/train_sentiment.py --data PATH/text_data.csv --out src/evalnlp/models/sentiment

Steps, each logged to stderr:

1. read ``text_data.csv`` (columns ``feedback``, ``criticality``, ``organization``);
2. drop, and count, rows with no text, a missing or malformed criticality (not an integer from -5 to 5), or a
   criticality of 0 (which one trust used for comments it did not score); map the rest to labels with
   :func:`evalnlp.coding.sentiment.criticality_to_label`;
3. hold out 20% with a seeded split grouped by normalised text (identical comments such as "Nothing." never
   fall on both sides) and measure accuracy and macro-F1 of the model trained on the other 80%;
4. train the shipped model on all kept rows and save it with :func:`evalnlp.coding.persist.save_model`
   (skops plus a JSON card), then write ``MODEL_CARD.md`` beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))

import pandas as pd  # noqa: E402

from evalnlp.coding.persist import save_model  # noqa: E402
from evalnlp.coding.sentiment import LABELS, SentimentModel, criticality_to_label, parse_criticality  # noqa: E402

SEED = 0
TEST_SIZE = 0.2
DEFAULT_OUT = REPO_ROOT / "src" / "evalnlp" / "models" / "sentiment"
DATA_NAME = Path("nhs_fft_phase1") / "text_data.csv"


def log(message: str) -> None:
    print(f"[train_sentiment] {message}", file=sys.stderr, flush=True)


def default_data() -> Path:
    """The FFT file in the shared data folder beside the repository, or under /work/shared."""
    for base in (REPO_ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if (base / DATA_NAME).is_file():
            return base / DATA_NAME
    raise SystemExit(f"cannot find {DATA_NAME} under ../shared/data or /work/shared/data; pass --data PATH")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_rows(path: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Kept rows (feedback, label, group) and the counts of every kind of dropped row."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    text = raw["feedback"].fillna("")
    crit = raw["criticality"].fillna("")
    no_text = text.str.strip() == ""
    missing = crit.str.strip().isin(["", "NA"])
    parsed = crit.map(parse_criticality)
    malformed = ~missing & parsed.isna()
    zero = parsed.eq(0)
    keep = ~no_text & ~missing & ~malformed & ~zero
    counts = {
        "rows_read": int(len(raw)),
        "no_text": int(no_text.sum()),
        "criticality_missing": int((missing & ~no_text).sum()),
        "criticality_malformed": int((malformed & ~no_text).sum()),
        "criticality_zero_unscored": int((zero & ~no_text).sum()),
        "kept": int(keep.sum()),
    }
    rows = pd.DataFrame({
        "feedback": text[keep].to_numpy(),
        "label": crit[keep].map(criticality_to_label).to_numpy(),
        "organization": raw.loc[keep, "organization"].to_numpy(),
    })
    rows["group"] = rows["feedback"].str.lower().str.split().str.join(" ")
    assert counts["kept"] + counts["no_text"] + counts["criticality_missing"] + counts["criticality_malformed"] \
        + counts["criticality_zero_unscored"] == counts["rows_read"]
    return rows, counts


def evaluate_split(rows: pd.DataFrame) -> dict:
    """Accuracy and macro-F1 on a seeded 20% hold-out grouped by normalised text."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
    from sklearn.model_selection import GroupShuffleSplit

    train_idx, test_idx = next(GroupShuffleSplit(1, test_size=TEST_SIZE, random_state=SEED)
                               .split(rows, groups=rows["group"]))
    train, test = rows.iloc[train_idx], rows.iloc[test_idx]
    model = SentimentModel().fit(train["feedback"], train["label"])
    pred = model.predict(test["feedback"])
    labels = list(LABELS)
    return {
        "split": f"GroupShuffleSplit(test_size={TEST_SIZE}, random_state={SEED}) grouped by lowercased, "
                 "whitespace-normalised text",
        "n_train": int(len(train)),
        "n_test": int(len(test)),
        "accuracy": round(float(accuracy_score(test["label"], pred)), 4),
        "macro_f1": round(float(f1_score(test["label"], pred, average="macro")), 4),
        "f1_per_label": {lab: round(float(v), 4) for lab, v in
                         zip(labels, f1_score(test["label"], pred, labels=labels, average=None))},
        "confusion": {"labels": labels,
                      "matrix": confusion_matrix(test["label"], pred, labels=labels).tolist()},
        "test_label_counts": {lab: int((test["label"] == lab).sum()) for lab in labels},
    }


def model_card_md(card: dict) -> str:
    m = card["metrics"]
    c = card["training_data"]["counts"]
    conf = m["confusion"]["matrix"]
    rows = "\n".join(f"| {lab} | " + " | ".join(str(v) for v in conf[i]) + " |" for i, lab in enumerate(LABELS))
    per = ", ".join(f"{k} {v:.3f}" for k, v in m["f1_per_label"].items())
    dist = ", ".join(f"{k} {v}" for k, v in card["training_data"]["label_counts"].items())
    return f"""# Sentiment model (`models/sentiment`)

Classifies a feedback passage as **positive**, **mixed** or **negative** (`evalnlp.coding.sentiment.SentimentModel`).
It never predicts `neutral` (allowed by the store), because its training data has no reliable neutral class.

## Model

Word 1-2 gram TF-IDF (lowercased, sublinear term frequency, minimum document frequency 2) into a
class-balanced multinomial logistic regression (C = {SentimentModel().C:g}),
scikit-learn {card["built"]["scikit-learn"]}.
Saved with `evalnlp.coding.persist.save_model` (skops `model.skops` plus `card.json`, which records the
file's sha256); loading checks the checksum and refuses unknown types.
Static embeddings were tried as extra features and did not help (macro-F1 within 0.01 on a validation part of
the training rows), so they are not used.

## Data

NHS Friends and Family Test free-text comments from three NHS trusts, phase 1 of the pxtextmining project
(`nhs_fft_phase1/text_data.csv`, The-Strategy-Unit/pxtextmining `datasets/phase_1/`), each scored by NHS staff
for *criticality* from -5 (very critical) to +5 (very positive). Licence: MIT, Copyright (c) 2021 NHS England.
Training file sha256: `{card["training_data"]["sha256"]}`.

| rows | count |
|---|---|
| read | {c["rows_read"]} |
| dropped: no text | {c["no_text"]} |
| dropped: criticality missing (`NA`) | {c["criticality_missing"]} |
| dropped: criticality malformed (not an integer from -5 to 5: `-o`, `-9`, `-6`, `cc`, `SS`, `A`, `-NA`) | {c["criticality_malformed"]} |
| dropped: criticality 0 | {c["criticality_zero_unscored"]} |
| kept | {c["kept"]} ({dist}) |

The file is read with every cell as text, so the 32 answers that pandas would read as missing by default
(`None` 31 times, `n/a` once, all scored +1 or +3: "None" answers "what could be improved?") are kept as the
comments they are; no row has an empty comment.

## Mapping of criticality to labels

| criticality | label | what such comments look like |
|---|---|---|
| -5 to -3 | negative | clear criticism or a complaint |
| -2 to -1 | mixed | mild criticism, a suggestion, or praise with a reservation |
| 0 | dropped | one trust (Trust B) gave 0 to 2,563 of its 3,307 comments, most of them plainly positive: 0 there means "not scored" |
| +1 to +5 | positive | praise, thanks, "nothing to improve" |

The scores themselves never go below -4 or above +4 in this file. Answers such as "Nothing." to "what could be
improved?" were scored positive by the trusts, and the model learns that: it reads feedback the way FFT
coders do, not the way a general-purpose sentiment model would.

## Held-out evaluation

{m["split"]}: {m["n_train"]} training rows, {m["n_test"]} held-out rows.

- accuracy **{m["accuracy"]:.3f}**, macro-F1 **{m["macro_f1"]:.3f}** (F1 per label: {per})

Confusion matrix (rows: true, columns: predicted, order {", ".join(LABELS)}):

| true \\ predicted | {" | ".join(LABELS)} |
|---|---|---|---|
{rows}

`mixed` is the hardest label: it sits between the other two on one scale and is the smallest class.
The shipped model is then trained on all {c["kept"]} kept rows with the same settings.

## Rebuild

```
python scripts/train_sentiment.py [--data PATH/text_data.csv] [--out src/evalnlp/models/sentiment]
```

Deterministic (seeded split, lbfgs solver); built on {card["built"]["platform"]} in {card["built"]["seconds"]:.0f} s.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="text_data.csv of the FFT phase-1 data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model directory to write")
    args = parser.parse_args(argv)
    started = time.time()
    data = args.data or default_data()
    log(f"reading {data}")
    rows, counts = load_rows(data)
    log(f"counts: {json.dumps(counts)}")
    log("held-out evaluation")
    metrics = evaluate_split(rows)
    log(f"held-out accuracy {metrics['accuracy']}, macro-F1 {metrics['macro_f1']}")
    log("training the shipped model on all kept rows")
    model = SentimentModel().fit(rows["feedback"], rows["label"])
    import sklearn

    card = {
        "name": "sentiment",
        "description": "positive / mixed / negative sentiment of feedback passages, from NHS FFT criticality",
        "labels": list(LABELS),
        "mapping": {"negative": "criticality -5..-3", "mixed": "criticality -2..-1", "positive": "criticality 1..5",
                    "dropped": "criticality 0 (unscored), missing or malformed; rows without text"},
        "training_data": {"source": "nhs_fft_phase1/text_data.csv (pxtextmining phase 1)",
                          "licence": "MIT, Copyright (c) 2021 NHS England",
                          "sha256": sha256_of(data), "n": counts["kept"], "counts": counts,
                          "label_counts": {lab: int((rows["label"] == lab).sum()) for lab in LABELS}},
        "metrics": metrics,
        "built": {"platform": platform.platform(), "seconds": round(time.time() - started, 1),
                  "scikit-learn": sklearn.__version__},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    save_model(model, args.out, card=card)
    (args.out / "MODEL_CARD.md").write_text(model_card_md(card), encoding="utf-8")
    log(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
