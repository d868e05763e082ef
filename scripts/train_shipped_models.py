#!/usr/bin/env python3
"""Train the models shipped inside the package (``src/evalnlp/models/``).

Usage (from the repository root)::

    python scripts/train_shipped_models.py                      # every model
    python scripts/train_shipped_models.py --only fft-themes    # just the FFT theme model
    python scripts/train_shipped_models.py --only fft-themes --data PATH/text_data.csv --out DIR

Models
------
``fft-themes``
    :class:`evalnlp.coding.supervised.SupervisedCoder` on the ``fft`` codebook, trained on every NHS Friends
    and Family Test phase-1 comment that has text (``corpora/nhs_fft/text_data.csv``, column ``feedback``;
    the ``label`` column mapped to theme ids with ``Codebook.label_to_id``). Before the final fit the script
    measures the model on a held-out 20% (seed 0, grouped so that comments identical after folding case and
    whitespace never fall on both sides) after training on the other 80%; those figures go on the card.
    Writes ``model.skops`` and ``card.json`` (:func:`evalnlp.coding.persist.save_model`) and ``MODEL_CARD.md``.
``impact-themes``
    Delegates to ``scripts/train_impact_model.py`` (REF2014 impact quotes from ../shared/data).
``sentiment``
    Delegates to ``scripts/train_sentiment.py``.

Progress goes to stderr; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "src"))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from _shared import shared_file  # noqa: E402

from evalnlp.util import file_sha256, training_passages  # noqa: E402
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SEED = 0
TEST_SIZE = 0.2
MODELS_DIR = REPO_ROOT / "src" / "evalnlp" / "models"
FFT_DATA_NAME = Path("nhs_fft_phase1") / "text_data.csv"
FFT_LICENCE = "MIT, Copyright (c) 2021 NHS England"


def log(message: str) -> None:
    print(f"[train_shipped_models] {message}", file=sys.stderr, flush=True)


def grouped_split(texts: list[str], seed: int = SEED, test_size: float = TEST_SIZE):
    """Indices (train, test) of a seeded split that keeps identical comments (case/whitespace folded) together."""
    import numpy as np
    from sklearn.model_selection import GroupShuffleSplit

    groups = [" ".join(t.lower().split()) for t in texts]
    train, test = next(GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
                       .split(np.zeros(len(texts)), groups=groups))
    return train, test


def load_fft(path: Path):
    """(texts, theme ids, counts) from the FFT file; rows without text are dropped and counted."""
    import pandas as pd

    from evalnlp.codebook import load_codebook

    cb = load_codebook("fft")
    frame = pd.read_csv(path)
    has_text = frame["feedback"].fillna("").astype(str).str.strip() != ""
    kept = frame[has_text]
    themes = [cb.label_to_id(label) for label in kept["label"]]
    counts = {"rows_read": int(len(frame)), "no_text": int((~has_text).sum()), "kept": int(len(kept))}
    return kept["feedback"].astype(str).tolist(), themes, counts, cb


def train_fft_themes(data: Path, out: Path) -> None:
    import numpy as np

    from evalnlp.coding.persist import save_model
    from evalnlp.coding.supervised import SupervisedCoder
    from evalnlp.evaluation import multiclass_report

    texts, themes, counts, cb = load_fft(data)
    log(f"read {data}: {counts}")
    labels = np.asarray(themes)

    train, test = grouped_split(texts)
    log(f"held-out check: training on {len(train)}, testing on {len(test)}")
    t0 = time.perf_counter()
    held = SupervisedCoder(codebook="fft").fit([texts[i] for i in train], labels[train])
    fit_seconds = time.perf_counter() - t0
    proba = held.predict_proba([texts[i] for i in test])
    predicted = [held.classes_[j] for j in proba.argmax(axis=1)]
    report = multiclass_report(labels[test].tolist(), predicted, cb.theme_ids)
    heldout = {
        "split": f"GroupShuffleSplit(test_size={TEST_SIZE}, random_state={SEED}) grouped by lowercased, "
                 "whitespace-normalised text",
        "n_train": int(len(train)), "n_test": int(len(test)),
        "accuracy": round(report["accuracy"], 4),
        "balanced_accuracy": round(report["balanced_accuracy"], 4),
        "macro_f1": round(report["macro_f1"], 4),
        "kappa": round(report["kappa"], 4),
        "f1_per_theme": {t: (None if v["f1"] is None else round(v["f1"], 4)) for t, v in report["per_class"].items()},
        "support_per_theme": {t: v["support"] for t, v in report["per_class"].items()},
    }
    log(f"held-out: accuracy {heldout['accuracy']}, balanced accuracy {heldout['balanced_accuracy']}, "
        f"macro-F1 {heldout['macro_f1']} (fit {fit_seconds:.1f}s)")

    t0 = time.perf_counter()
    coder = SupervisedCoder(codebook="fft").fit(texts, labels)
    seconds = time.perf_counter() - t0
    log(f"final model fitted on {len(texts)} comments in {seconds:.1f}s")
    card = {
        "name": "fft-themes",
        "description": "Nine NHS Friends and Family Test major categories (fft codebook), single-label.",
        "training_data": {"source": "nhs_fft/text_data.csv (pxtextmining phase 1, column feedback, label)",
                          "sha256": file_sha256(data), "n": len(texts), "counts": counts, "licence": FFT_LICENCE,
                          "label_counts": dict(zip(cb.theme_ids, np.bincount(
                              [cb.theme_ids.index(t) for t in themes], minlength=len(cb.theme_ids)).tolist()))},
        "metrics": {"held_out": heldout},
        "built": {"platform": platform.platform(), "fit_seconds": round(seconds, 1),
                  "command": "python scripts/train_shipped_models.py --only fft-themes"},
        "training_passages": training_passages(texts),
    }
    saved = save_model(coder, out, card=card)
    size = (saved / "model.skops").stat().st_size
    log(f"saved {saved} (model.skops {size / 1e6:.2f} MB)")
    write_fft_model_card(saved, card, coder, size)


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def write_fft_model_card(folder: Path, card: dict, coder, size: int) -> None:
    """MODEL_CARD.md: what the model is, its data and licence, its figures and how to rebuild it."""
    import json

    saved = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    held = card["metrics"]["held_out"]
    cv = saved["cv_metrics"]
    data = card["training_data"]
    rows = "\n".join(
        f"| `{t}` | {data['label_counts'][t]} | {held['support_per_theme'][t]} | {_fmt(held['f1_per_theme'][t])} |"
        for t in coder.classes_)
    text = f"""# fft-themes: NHS Friends and Family Test theme model

Codes a free-text Friends and Family Test comment into one of the nine major categories of the `fft` codebook
(single-label; every comment gets a theme). It is the default model of `evalnlp classify --codebook fft`.

- Model: `SupervisedCoder` (evalnlp {saved['versions'].get('evalnlp')}): word 1-2 gram and character 2-4 gram
  TF-IDF plus averaged static embeddings (`minilm-static`), one-vs-rest linear SVMs (C={coder.C},
  class-balanced), calibrated by a multinomial logistic regression on out-of-fold decision values. See
  `evalnlp.coding.supervised` for the details.
- Files: `model.skops` ({size / 1e6:.2f} MB, sha256 `{saved['model_sha256']}`), `card.json` (codebook sha256,
  data sha256, parameters, cross-validated metrics, versions). Load with
  `evalnlp.coding.persist.load_model("fft-themes", codebook="fft")`; never with pickle.
- Codebook: `fft`, sha256 `{saved['codebook']['sha256']}`.

## Training data

{data['n']:,} comments with text from the NHS Friends and Family Test phase-1 data set of the pxtextmining
project (The-Strategy-Unit/pxtextmining, `datasets/phase_1/text_data.csv`; copied in `corpora/nhs_fft/`),
labelled by NHS staff with one of nine major categories ({data['counts']['no_text']} rows without text were
dropped). Data file sha256 `{data['sha256']}`.

Licence: {data['licence']} (see `corpora/nhs_fft/LICENSE`). The model is distributed under the same terms.

## How well it does

Held-out test ({held['split']}; trained on {held['n_train']:,}, tested on {held['n_test']:,}):

| measure | held-out test | out-of-fold on all training data (grouped {cv['folds']}-fold) |
|---|---:|---:|
| accuracy | {_fmt(held['accuracy'])} | {_fmt(cv['accuracy'])} |
| balanced accuracy | {_fmt(held['balanced_accuracy'])} | {_fmt(cv['balanced_accuracy'])} |
| macro-F1 | {_fmt(held['macro_f1'])} | {_fmt(cv['macro_f1'])} |
| Cohen's kappa | {_fmt(held['kappa'])} | {_fmt(cv['kappa'])} |

For comparison, pxtextmining's published phase-1 linear SVM reached cross-validated accuracy 0.69 and
balanced accuracy 0.56 on the same nine labels. `bench/results/fft.md` has the full comparison.

| theme | training examples | test support | test F1 |
|---|---:|---:|---:|
{rows}

Limits: the labels are one category per comment, so comments about several things are forced into one;
`miscellaneous`, `dignity` and `transition_coordination` are small and noisy classes. The data come from three
trusts (five trust-specific survey questions); other services' comments may read differently. Check it against a hand-coded sample
of your own data with `evalnlp evaluate` before relying on it.

## Rebuild

```
python scripts/train_shipped_models.py --only fft-themes
```

Deterministic: the same data and package versions give the same `model.skops` bytes.
"""
    (folder / "MODEL_CARD.md").write_text(text, encoding="utf-8")


def train_sentiment(_data: Path | None, _out: Path | None) -> None:
    script = REPO_ROOT / "scripts" / "train_sentiment.py"
    if not script.is_file():
        raise SystemExit("scripts/train_sentiment.py is missing")
    subprocess.run([sys.executable, str(script)], check=True)


def train_impact_themes(_data: Path | None, out: Path | None) -> None:
    script = REPO_ROOT / "scripts" / "train_impact_model.py"
    subprocess.run([sys.executable, str(script)] + (["--out", str(out)] if out else []), check=True)


BUILDERS = {"fft-themes": train_fft_themes, "impact-themes": train_impact_themes, "sentiment": train_sentiment}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(BUILDERS), action="append",
                        help="build only this model (repeatable); default: all")
    parser.add_argument("--data", type=Path, help="FFT text_data.csv (default: corpora/nhs_fft or ../shared/data)")
    parser.add_argument("--out", type=Path, help="output directory (only with a single --only)")
    args = parser.parse_args(argv)
    names = args.only or sorted(BUILDERS)
    if args.out is not None and len(names) != 1:
        parser.error("--out needs exactly one --only")
    for name in names:
        if name == "fft-themes":
            train_fft_themes(args.data or shared_file(FFT_DATA_NAME, "--data", shipped=REPO_ROOT / "corpora" / "nhs_fft" / "text_data.csv"), args.out or MODELS_DIR / "fft-themes")
        else:
            BUILDERS[name](args.data, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
