"""Topic quality of `evalnlp discover` on FFT comments against the NHS staff's labels (used by bench_discovery.py).

Run one split: python bench/discovery_quality.py dev|eval OUT.json [--seeds 0 1 2] [--embedding minilm]

The split is fixed before any figure is looked at: a comment with text belongs to the development split when
the first byte of sha256("fft-discovery:<row_index>") is even, else to the evaluation split (about half each).
The emergent threshold is chosen on the development split only (see ``choose_threshold``); the evaluation
split is read once, to report.

Per run (codebook ``fft``, static embedding, default settings, one seed) this records every topic: its size,
its majority staff label and that label's share, the theme it was mapped to, its similarity to every theme,
whether it was called emergent, and its keywords. Summaries:

- purity: share of passages in topics that carry their topic's majority staff label;
- mapped to the majority label: share of passages in topics whose topic was mapped to that label;
- keyword quality: share of c-TF-IDF keywords (and of topic labels) with a stop word or contraction fragment
  in them, by the list ``JUDGE_STOP`` below (spaCy's English stop words and the contraction fragments), which
  is wider than the vectoriser's own list, so the figure is not zero by construction;
- topics mapped to the catch-all theme (``miscellaneous``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import fft_csv  # noqa: E402

CATCH_ALL = "miscellaneous"
# Fragments a tokenizer leaves of English contractions, with and without the apostrophe typed.
FRAGMENTS = frozenset("""
    didn doesn don couldn wouldn shouldn wasn weren isn aren hasn haven hadn mustn needn mightn shan won ain
    ve ll re im ive id dont didnt doesnt cant couldnt wouldnt shouldnt wasnt werent isnt arent hasnt havent
    wont youre theyre thats whats theres
""".split())


def judge_stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    words = {w.replace("'", "").replace("\u2019", "") for w in STOP_WORDS}
    # Words that carry meaning in feedback, kept by discovery on purpose ("nothing to improve").
    return frozenset((words | FRAGMENTS) - {"nothing", "none", "no", "never", "not"})


def in_split(row_index: str, split: str) -> bool:
    even = hashlib.sha256(f"fft-discovery:{row_index}".encode()).digest()[0] % 2 == 0
    return even if split == "dev" else not even


def split_frame(split: str) -> pd.DataFrame:
    src = pd.read_csv(fft_csv(), usecols=["row_index", "feedback", "label", "organization"], dtype=str)
    src = src[src["feedback"].fillna("").str.strip() != ""]
    return src[[in_split(r, split) for r in src["row_index"]]].reset_index(drop=True)


def run_split(split: str, seeds: list[int], embedding: str = "static") -> dict:
    from evalnlp import api
    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    warnings.simplefilter("ignore")
    fft = load_codebook("fft")
    stop = judge_stop_words()
    frame = split_frame(split)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / f"fft_{split}.csv"
        frame.to_csv(csv, index=False)
        with Store(Path(tmp) / "fft.duckdb") as store:
            api.ingest(store, [csv], text=["feedback"], id="row_index", meta=["label", "organization"])
            docs = store.table("documents")[["doc_id", "attrs"]]
            docs["human"] = [fft.label_to_id(json.loads(a)["label"]) for a in docs["attrs"]]
            for seed in seeds:
                t0 = time.perf_counter()
                found = api.discover(store, codebook="fft", seed=seed, embedding=embedding)
                wall = time.perf_counter() - t0
                p = found.passages.merge(docs[["doc_id", "human"]], on="doc_id")
                topics = []
                for r in found.topics.itertuples(index=False):
                    labels = p.loc[p["topic"] == r.topic, "human"].value_counts()
                    sims = found.similarity.loc[r.topic]
                    topics.append({
                        "topic": int(r.topic), "size": int(r.size), "majority": str(labels.index[0]),
                        "majority_share": float(labels.iloc[0] / labels.sum()),
                        "labels": {k: int(v) for k, v in labels.items()},
                        "theme": r.theme, "similarity": float(r.similarity), "emergent": bool(r.emergent),
                        "sims": {k: float(v) for k, v in sims.items()},
                        "keywords": list(r.keywords), "label": r.label,
                    })
                runs.append({"seed": seed, "wall": wall, "passages": found.n_passages, "outliers": found.n_outliers,
                             "emergent_below": found.emergent_below, "topics": topics})
    return {"split": split, "embedding": embedding, "n_comments": len(frame), "runs": runs, "summary": [summarise(r, stop) for r in runs]}


def bad_keyword(keyword: str, stop: frozenset[str]) -> bool:
    return any(token in stop for token in keyword.lower().replace("'", "").split())


def summarise(run: dict, stop: frozenset[str]) -> dict:
    t = pd.DataFrame(run["topics"])
    in_topics = int(t["size"].sum())
    right = t["theme"] == t["majority"]
    keywords = [k for ks in t["keywords"] for k in ks]
    return {
        "seed": run["seed"], "topics": len(t), "passages": run["passages"], "outliers": run["outliers"],
        "purity": float((t["size"] * t["majority_share"]).sum() / in_topics),
        "mapped_to_majority": float(t.loc[right, "size"].sum() / in_topics),
        "topics_mapped_to_majority": float(right.mean()),
        "catch_all_topics": int((t["theme"] == CATCH_ALL).sum()),
        "catch_all_passages": int(t.loc[t["theme"] == CATCH_ALL, "size"].sum()),
        "catch_all_majority_topics": int((t["majority"] == CATCH_ALL).sum()),
        "emergent": int(t["emergent"].sum()),
        "bad_keywords": float(sum(bad_keyword(k, stop) for k in keywords) / max(1, len(keywords))),
        "bad_labels": float(sum(any(bad_keyword(w, stop) for w in lab.split(", ")) for lab in t["label"]) / len(t)),
        "wall": run["wall"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("split", choices=["dev", "eval"])
    ap.add_argument("out")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--embedding", default="static")
    args = ap.parse_args()
    result = run_split(args.split, args.seeds, args.embedding)
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    for s in result["summary"]:
        print(json.dumps(s))


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------------------------------------- emergent


def held_out_cases(result: dict, catch_all: str = CATCH_ALL, *, map_to_catch_all: bool = False
                   ) -> list[tuple[bool, float]]:
    """Leave-one-theme-out cases: (the topic's majority theme is the one left out, its best similarity to the
    themes left in), for every topic with a clear majority (at least half its passages) in a specific theme,
    every specific theme left out in turn, every seed. ``map_to_catch_all`` counts the catch-all among the
    themes a topic can be mapped to (as discovery did before the flag)."""
    cases = []
    for run in result["runs"]:
        for t in run["topics"]:
            if t["majority_share"] < 0.5 or t["majority"] == catch_all:
                continue
            for held in [k for k in t["sims"] if k != catch_all]:
                left = [v for k, v in t["sims"].items() if k != held and (map_to_catch_all or k != catch_all)]
                cases.append((t["majority"] == held, max(left)))
    return cases


def rates(cases: list[tuple[bool, float]], threshold: float) -> tuple[float, float, int, int]:
    """(share of left-out topics called emergent, share of described topics called emergent, counts)."""
    pos = [s for p, s in cases if p]
    neg = [s for p, s in cases if not p]
    return (sum(s < threshold for s in pos) / len(pos), sum(s < threshold for s in neg) / len(neg), len(pos), len(neg))


def choose_threshold(cases: list[tuple[bool, float]], max_false: float = 0.05, step: float = 0.05) -> float:
    """The largest multiple of ``step`` at which at most ``max_false`` of the described topics are called
    emergent."""
    best = 0.0
    k = 1
    while k * step <= 1.0 + 1e-9:
        t = round(k * step, 2)
        if rates(cases, t)[1] <= max_false:
            best = t
        k += 1
    return best
