"""Measure narrative extraction (testimonials, speakers, source refs, reach figures) against gold.

Usage: .venv/bin/python bench/bench_extract.py [--no-model] [--verbose] [--no-write]

Data: ``<shared>/data/seed`` and ``<shared>/data/ref_impact_dev``, where ``<shared>`` is
``$EVALNLP_SHARED`` if set, else ``../shared`` next to the repository, else ``/work/shared``; and the
shipped ``corpora/demo_leadership`` report.
Writes ``bench/results/extract.md`` (both pipelines unless ``--no-model``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import collapse_ws, match_spans, shared_dir  # noqa: E402

from evalnlp.ingest import narrative  # noqa: E402


def load_sets(shared: Path) -> dict[str, list[tuple[str, str, dict]]]:
    """``{"seed": [(name, text, gold)], "ref_impact_dev": [...]}``."""
    sets: dict[str, list[tuple[str, str, dict]]] = {}
    seed = shared / "data" / "seed"
    gold = json.loads((seed / "gold.json").read_text(encoding="utf-8"))
    sets["seed"] = [(gold["text_file"], (seed / gold["text_file"]).read_text(encoding="utf-8"), gold)]
    dev = shared / "data" / "ref_impact_dev"
    sets["ref_impact_dev"] = [
        (p.stem, p.read_text(encoding="utf-8"), json.loads(p.with_suffix(".json").read_text(encoding="utf-8")))
        for p in sorted(dev.glob("*.txt"))
    ]
    demo = ROOT / "corpora" / "demo_leadership"
    if (demo / "gold_report.json").exists():
        from evalnlp.ingest import narrative_text

        gold = json.loads((demo / "gold_report.json").read_text(encoding="utf-8"))
        sets["demo_report"] = [(gold["text_file"], narrative_text(demo / gold["text_file"]), gold)]
    return sets


def _gold_spans(text: str, items: list[dict], key: str) -> list[tuple[int, int, dict]]:
    """Locate gold strings in the text, in order (each after the previous one when possible)."""
    out = []
    pos = 0
    for g in items:
        s = text.find(g[key], pos)
        if s < 0:
            s = text.find(g[key])
        out.append((s, s + len(g[key]), g))
        if s >= 0:
            pos = s + 1
    return out


@dataclass
class Tally:
    t_pred: int = 0
    t_gold: int = 0
    t_match: int = 0
    spk_exact: int = 0
    spk_lenient: int = 0
    ref_ok: int = 0
    r_pred: int = 0
    r_gold: int = 0
    r_match: int = 0
    r_value: int = 0
    r_exact: int = 0
    seconds: float = 0.0
    chars: int = 0
    errors: list[str] = field(default_factory=list)


def evaluate(docs: list[tuple[str, str, dict]], nlp) -> Tally:
    t = Tally()
    for name, text, gold in docs:
        t0 = time.perf_counter()
        tests, reach = narrative.extract(text, nlp=nlp)
        t.seconds += time.perf_counter() - t0
        t.chars += len(text)
        g_t = _gold_spans(text, gold["testimonials"], "quote")
        t.t_pred += len(tests)
        t.t_gold += len(g_t)
        pairs = match_spans([(p.start, p.end) for p in tests], [(s, e) for s, e, _ in g_t])
        t.t_match += len(pairs)
        matched_g = {j for _, j in pairs}
        matched_p = {i for i, _ in pairs}
        for i, j in pairs:
            p, g = tests[i], g_t[j][2]
            ps, gs = collapse_ws(p.speaker), collapse_ws(g["speaker"])
            if ps == gs:
                t.spk_exact += 1
            else:
                t.errors.append(f"{name} speaker: got {ps!r} want {gs!r}  [{collapse_ws(g['quote'])[:40]}]")
            if ps == gs or (ps and gs and (ps.lower() in gs.lower() or gs.lower() in ps.lower())):
                t.spk_lenient += 1
            if collapse_ws(p.source_ref) == collapse_ws(g["source_ref"]):
                t.ref_ok += 1
            else:
                t.errors.append(f"{name} ref: got {p.source_ref!r} want {g['source_ref']!r}  [{collapse_ws(g['quote'])[:40]}]")
        for j, (_s, _e, g) in enumerate(g_t):
            if j not in matched_g:
                t.errors.append(f"{name} missed quote: {collapse_ws(g['quote'])[:70]!r}")
        for i, p in enumerate(tests):
            if i not in matched_p:
                t.errors.append(f"{name} extra quote: {collapse_ws(p.quote)[:70]!r} speaker={collapse_ws(p.speaker)!r}")
        g_r = _gold_spans(text, gold["reach"], "text")
        t.r_pred += len(reach)
        t.r_gold += len(g_r)
        rp = match_spans([(r.start, r.end) for r in reach], [(s, e) for s, e, _ in g_r])
        t.r_match += len(rp)
        for i, j in rp:
            if abs(reach[i].value - g_r[j][2]["value"]) < 1e-6:
                t.r_value += 1
            if collapse_ws(reach[i].text) == collapse_ws(g_r[j][2]["text"]):
                t.r_exact += 1
            else:
                t.errors.append(f"{name} reach span: got {collapse_ws(reach[i].text)!r} want {collapse_ws(g_r[j][2]['text'])!r}")
        for j, (_s, _e, g) in enumerate(g_r):
            if j not in {b for _, b in rp}:
                t.errors.append(f"{name} missed reach: {collapse_ws(g['text'])!r}")
        for i, r in enumerate(reach):
            if i not in {a for a, _ in rp}:
                t.errors.append(f"{name} extra reach: {collapse_ws(r.text)!r}")
    return t


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def rows(t: Tally) -> dict[str, str]:
    return {
        "testimonials (gold)": str(t.t_gold),
        "testimonial recall": f"{_ratio(t.t_match, t.t_gold):.2f}",
        "testimonial precision": f"{_ratio(t.t_match, t.t_pred):.2f}",
        "speaker accuracy (exact)": f"{_ratio(t.spk_exact, t.t_match):.2f}",
        "speaker accuracy (lenient)": f"{_ratio(t.spk_lenient, t.t_match):.2f}",
        "source-ref accuracy": f"{_ratio(t.ref_ok, t.t_match):.2f}",
        "reach figures (gold)": str(t.r_gold),
        "reach recall": f"{_ratio(t.r_match, t.r_gold):.2f}",
        "reach precision": f"{_ratio(t.r_match, t.r_pred):.2f}",
        "reach value accuracy": f"{_ratio(t.r_value, t.r_match):.2f}",
        "reach exact span": f"{_ratio(t.r_exact, t.r_match):.2f}",
        "ms per 1,000 chars": f"{1000 * t.seconds / max(t.chars, 1) * 1000:.2f}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-model", action="store_true", help="measure the rule path only")
    ap.add_argument("--verbose", action="store_true", help="list every disagreement with the gold")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/extract.md")
    args = ap.parse_args(argv)
    sets = load_sets(shared_dir())
    pipes = [("rules", narrative.load_pipeline(prefer_model=False))]
    if not args.no_model:
        model = narrative.load_pipeline(prefer_model=True)
        pipes.insert(0, ("model", model))
    columns: dict[str, dict[str, str]] = {}
    for pname, nlp in pipes:
        for sname, docs in sets.items():
            narrative.extract(docs[0][1], nlp=nlp)  # warm-up
            t = evaluate(docs, nlp)
            label = f"{sname} / {pname}"
            columns[label] = rows(t)
            if args.verbose:
                print(f"## {label}: {narrative.pipeline_name(nlp)}")
                for e in t.errors:
                    print("  ", e)
    names = list(next(iter(columns.values())).keys())
    header = "| measure | " + " | ".join(columns) + " |"
    sep = "|---|" + "---|" * len(columns)
    lines = [header, sep] + [
        f"| {n} | " + " | ".join(columns[c][n] for c in columns) + " |" for n in names
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_results(table, pipes)
    return 0


def write_results(table: str, pipes) -> None:
    out = ROOT / "bench" / "results" / "extract.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    pnames = ", ".join(f"{p} = {narrative.pipeline_name(n)}" for p, n in pipes)
    body = f"""## Narrative extraction: testimonials and reach figures

Measured {dt.date.today().isoformat()} with `bench/bench_extract.py` ({pnames}).

Data: the seed case study (1 text, 5 testimonials, 12 reach figures) and the REF2014 development set
`ref_impact_dev` (5 case studies, 21 testimonials, 18 reach figures), read from the shared data folder;
`demo_report` is the shipped synthetic evaluation report `corpora/demo_leadership/evaluation_report.docx`
(10 testimonials, 8 reach figures), written independently of the rules (two of its attribution
patterns failed before the rules were generalised: a marker after a post-posed speaker, and a
paragraph-initial `Name, Role, Organisation:` attribution).

{table}

How it is measured:
- A predicted quotation matches a gold one when their character spans in the document overlap
  (one-to-one, greedy in text order). Recall = matched / gold, precision = matched / predicted.
- Speaker accuracy is over matched testimonials: exact = the speaker string equals the gold after
  collapsing whitespace (a null speaker must be predicted null); lenient = exact, or one string
  contains the other.
- Source-ref accuracy: over matched testimonials, the marker equals the gold after collapsing whitespace
  (null must match null).
- Reach figures match on overlapping spans; value accuracy is over matched figures (exact float);
  "exact span" is the share of matched figures whose text equals the gold after whitespace collapse.
- Time is wall-clock for `extract()` (testimonials and reach together, including the parse on the model
  path), per 1,000 characters of input, on this machine (2 CPU cores).
- The development set was read while writing the rules; figures on unseen case studies will be lower.
  `bench/bench_extract_unseen.py` (results in `extract_unseen.md`) checks the rules on quotations from
  120 other REF case studies.
- Timings vary with the machine's load (other jobs share its 2 cores); compare them within one run.
"""
    tmp = out.with_suffix(".md.tmp")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(out)


if __name__ == "__main__":
    raise SystemExit(main())
