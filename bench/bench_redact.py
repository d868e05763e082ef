"""Name redaction measured on a labelled sample of real text: recall and precision per kind, both modes, before/after.

Run: .venv/bin/python bench/bench_redact.py [--show dev|test] [--base COMMIT]   (writes bench/results/redact.md)

The sample (``bench/redact_sample.py``, ``bench/redact_sample.json``) is 1,000 NHS Friends and Family Test comments
and 200 sentences with a quotation from REF2014 impact case studies, drawn with a fixed seed and split in half
(development / test) before any of it was labelled. Every person's name in it was marked by reading the text
(``bench/redact_gold.json``): its offsets and its kind, plus look-alikes that are not names (wards, places,
organisations, titles of works and events, ordinary words) and a few spans that may go either way (historical
figures, fictional characters, a person's name inside the name of a thing), which count neither way.

Scoring:

- a name is *caught* when every word of it with two or more letters lies inside a replaced span (a leftover
  initial does not count as a leak; a leftover surname does);
- a ``[NAME]`` replacement is *correct* when it overlaps a marked name (or an either-way span); otherwise it is a
  false positive, reported with the kind of look-alike it hit;
- recall = names caught / names; precision = correct replacements / replacements.

"Before" is the redaction module as it was at ``BASE`` (read from git, so the comparison is re-run each time);
"after" is the working tree. Rules only = ``use_model=False``; with the model = ``use_model=True``.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import re
import subprocess
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from _common import REPO, machine, today, write_section  # noqa: E402
from redact_sample import GOLD, SAMPLE, load_texts  # noqa: E402

from evalnlp import redact as current  # noqa: E402

#: The commit whose redaction is the "before" column: the last one before the context rules.
BASE = "c7594e9"
MODES = (("rules", False), ("model", True))


def load_base(commit: str):
    """The redaction module as it was at ``commit``, imported under another name."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:src/evalnlp/redact.py"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType("redact_base")
    sys.modules["redact_base"] = module  # dataclasses look their module up while the class is built
    exec(compile(source, f"{commit}:src/evalnlp/redact.py", "exec"), module.__dict__)
    return module


def caught(text: str, start: int, end: int, covered: list[bool]) -> bool:
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\W\d_]{2,}", text[start:end])]
    return all(all(covered[s:e]) for s, e in words)


def score(items: list[dict], texts: dict[str, str], gold: dict, results: dict) -> dict:
    """Counts for one (module, mode) over ``items``."""
    names = collections.Counter()
    hit = collections.Counter()
    missed, fps = [], []
    tp = n_spans = 0
    fp_kinds = collections.Counter()
    for it in items:
        iid, text = it["id"], texts[it["id"]]
        ann = gold[iid]
        spans = results[iid]
        covered = [False] * len(text)
        for s in spans:
            for i in range(s.start, s.end):
                covered[i] = True
        for start, end, kind in ann.get("names", []):
            names[kind] += 1
            if caught(text, start, end, covered):
                hit[kind] += 1
            else:
                missed.append((iid, text, start, end, kind))
        ok_ranges = ann.get("names", []) + ann.get("either", [])
        for s in spans:
            if s.label != "NAME":
                continue
            n_spans += 1
            if any(s.start < e and b < s.end for b, e, _ in ok_ranges):
                tp += 1
                continue
            kind = next((k for b, e, k in ann.get("not_names", []) if s.start < e and b < s.end), "unmarked")
            fp_kinds[kind] += 1
            fps.append((iid, text, s.start, s.end, kind))
    return {"names": names, "hit": hit, "missed": missed, "fps": fps, "tp": tp, "spans": n_spans,
            "fp_kinds": fp_kinds}


def wilson_low(k: int, n: int, z: float = 1.96) -> float:
    if n == 0:
        return float("nan")
    p = k / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - margin) / (1 + z * z / n)


def fmt(k: int, n: int) -> str:
    return "n/a" if n == 0 else f"{k / n:.3f} ({k}/{n})"


def context(text: str, start: int, end: int, width: int = 50) -> str:
    left = " ".join(text[max(0, start - width):start].split())
    right = " ".join(text[end:end + width].split())
    return f"\u2026{left} **{text[start:end]}** {right}\u2026".replace("|", "\\|")


def run_all(items, texts, gold, modules, model_ok):
    out = {}
    ids = [it["id"] for it in items]
    batch = [texts[i] for i in ids]
    for mod_name, module in modules:
        for mode, use_model in MODES:
            if use_model and not model_ok:
                continue
            module.redact_many(batch[:20], use_model=use_model)  # warm-up (loads the model)
            t0 = time.perf_counter()
            red = module.redact_many(batch, use_model=use_model)
            seconds = time.perf_counter() - t0
            results = {i: r.spans for i, r in zip(ids, red)}
            for source in ("fft", "ref", "all"):
                for split in ("dev", "test"):
                    part = [it for it in items if it["split"] == split and source in ("all", it["source"])]
                    if part:
                        out[mod_name, mode, source, split] = score(part, texts, gold, results)
            out[mod_name, mode, "seconds"] = seconds
    return out


def report(items, out, model_ok) -> list[str]:
    n = collections.Counter((it["source"], it["split"]) for it in items)
    sample = json.loads(SAMPLE.read_text())
    lines = [f"## Name redaction on a labelled sample of real text ({today()})", "",
             f"Machine: {machine()}.", "",
             "Sample (`bench/redact_sample.py`, seed {seed}): {fd} + {ft} NHS FFT comments (`corpora/nhs_fft`, MIT) "
             "and {rd} + {rt} sentences holding a quotation mark from {cases} REF2014 impact case studies "
             "(CC BY 4.0; case studies drawn with the seed, leaving out the sources benchmark's test set and the "
             "`ref_impact_dev`/`ref_impact_train` case studies; at most {per} sentences each), split "
             "development + test with the seed before labelling. Every person's name was marked by reading "
             "the text (`bench/redact_gold.json`: offsets, kind); the development half was read while writing "
             "the rules, the test half was labelled and scored only at the end.".format(
                 seed=sample["seed"], fd=n["fft", "dev"], ft=n["fft", "test"], rd=n["ref", "dev"],
                 rt=n["ref", "test"], per=sample["per_case"],
                 cases=len({it["case_study_id"] for it in items if it["source"] == "ref"})), "",
             "A name counts as caught when every word of it with two or more letters is replaced; a `[NAME]` "
             "counts as correct when it overlaps a marked name. \"Before\" is the redaction code at "
             f"`{BASE}` (read from git and run here); \"after\" is this version.", ""]
    if not model_ok:
        lines += ["The NER model is not installed here: only rules-only figures are shown.", ""]
    lines += ["| split | source | mode | names | recall before | recall after | precision before | precision after |",
              "|---|---|---|---:|---:|---:|---:|---:|"]
    for split in ("test", "dev"):
        for source in ("all", "fft", "ref"):
            for mode, use_model in MODES:
                if (use_model and not model_ok) or ("after", mode, source, split) not in out:
                    continue
                b, a = out["before", mode, source, split], out["after", mode, source, split]
                total = sum(a["names"].values())
                lines.append(f"| {split} | {source} | {mode} | {total} | "
                             f"{fmt(sum(b['hit'].values()), total)} | {fmt(sum(a['hit'].values()), total)} | "
                             f"{fmt(b['tp'], b['spans'])} | {fmt(a['tp'], a['spans'])} |")
    lines += ["", "Recall by kind of name (after; test and development halves together, both sources):", "",
              "| kind | what it is | names | rules | model |", "|---|---|---:|---:|---:|"]
    kinds = {"first": "a first name alone (`Mark`, `Lisa`)", "full": "first name and surname",
             "title": "the name after a title (`Dr Khan`, `Prof Tim Wess`)",
             "surname": "a surname alone (`Garratt presented`, `Gage's research`)",
             "citation": "surname with initials in a reference (`Bailey, C.G.`)"}
    for kind, what in kinds.items():
        cells = []
        total = 0
        for mode, use_model in MODES:
            if use_model and not model_ok:
                cells.append("n/a")
                continue
            agg_n = sum(out["after", mode, "all", s]["names"][kind] for s in ("dev", "test"))
            agg_k = sum(out["after", mode, "all", s]["hit"][kind] for s in ("dev", "test"))
            total = agg_n
            cells.append(fmt(agg_k, agg_n))
        lines.append(f"| {kind} | {what} | {total} | {' | '.join(cells)} |")
    lines += ["", "Lower 95% (Wilson) bound of recall on the test half, after: " + ", ".join(
        f"{mode} {source} {wilson_low(sum(out['after', mode, source, 'test']['hit'].values()), sum(out['after', mode, source, 'test']['names'].values())):.3f}"
        for mode, use_model in MODES if model_ok or not use_model for source in ("fft", "ref")) + ".", ""]
    secs = ", ".join(f"{m} {out['after', m, 'seconds']:.2f} s (before {out['before', m, 'seconds']:.2f} s)"
                     for m, u in MODES if model_ok or not u)
    lines += [f"Time to redact all {len(items):,} texts (model loading excluded): {secs}.", ""]
    for split in ("test", "dev"):
        for mode, use_model in MODES:
            if use_model and not model_ok:
                continue
            a = out["after", mode, "all", split]
            if a["missed"]:
                lines += [f"### Missed names, {split}, {mode}", "", "| item | kind | context |", "|---|---|---|"]
                lines += [f"| {iid} | {kind} | {context(t, s, e)} |" for iid, t, s, e, kind in a["missed"]]
                lines.append("")
            if a["fps"]:
                lines += [f"### False positives, {split}, {mode}", "", "| item | look-alike | context |",
                          "|---|---|---|"]
                lines += [f"| {iid} | {kind} | {context(t, s, e)} |" for iid, t, s, e, kind in a["fps"]]
                lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", choices=["dev", "test"], help="print misses and false positives of one split")
    parser.add_argument("--base", default=BASE, help=f"commit whose redaction is 'before' (default {BASE})")
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both",
                        help="score only this split (default both)")
    args = parser.parse_args()
    gold = json.loads(GOLD.read_text())["items"]
    items = [it for it in json.loads(SAMPLE.read_text())["items"]
             if args.split in ("both", it["split"])]
    unlabelled = [it["id"] for it in items if it["id"] not in gold]
    if unlabelled:
        raise SystemExit(f"{len(unlabelled)} sample items have no labels yet (e.g. {unlabelled[0]})")
    texts = load_texts(items)
    model_ok = current.model_available()
    out = run_all(items, texts, gold, [("before", load_base(args.base)), ("after", current)], model_ok)
    if args.show:
        for mode, use_model in MODES:
            if (use_model and not model_ok) or ("after", mode, "all", args.show) not in out:
                continue
            a = out["after", mode, "all", args.show]
            print(f"== {mode}: recall {fmt(sum(a['hit'].values()), sum(a['names'].values()))}, "
                  f"precision {fmt(a['tp'], a['spans'])}")
            for iid, t, s, e, kind in a["missed"]:
                print(f"  MISS {iid} {kind}: {context(t, s, e)}")
            for iid, t, s, e, kind in a["fps"]:
                print(f"  FP   {iid} {kind}: {context(t, s, e)}")
        return
    if args.split != "both":
        raise SystemExit("the results file is written only when both splits are scored (drop --split)")
    path = write_section("redact", report(items, out, model_ok))
    print(path.read_text())


if __name__ == "__main__":
    main()
