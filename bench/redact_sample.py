"""The labelled sample behind the name-redaction figures: which texts, how they were drawn, where to read them.

Run once (``python bench/redact_sample.py``) to write ``bench/redact_sample.json``: the list of texts, each with
its split (``dev`` or ``test``), before any of them is labelled. The labels (every person's name, and look-alikes
that are not names) live in ``bench/redact_gold.json``, written by reading each text.

Two sources, neither copied into the repository (texts are read back at run time and checked by hash):

- NHS Friends and Family Test comments (``corpora/nhs_fft/text_data.csv``, MIT, Copyright (c) 2021 NHS England;
  shipped with its LICENSE in ``corpora/nhs_fft``): ``FFT_N`` non-empty comments drawn with ``random.Random(SEED)``
  from the sorted ``row_index`` values.
- Sentences with a quotation from REF2014 impact case studies (the REF impact case study database, CC BY 4.0;
  ``../shared/data/ref2014_corpus``): case studies drawn with ``random.Random(SEED)``, leaving out those held out
  for the sources benchmark (``bench/sources_test_annotation.json``) and those in ``ref_impact_dev`` and
  ``ref_impact_train``; from each, the sentences of ``impact_details`` that hold a quotation mark (testimonials
  and what surrounds them), at most ``PER_CASE`` per case study, until ``REF_N`` sentences. A sentence is the
  field's text between sentence ends, whitespace collapsed to single spaces (as a quote is printed).

Each text is then put in ``dev`` or ``test`` by ``random.Random(SEED + 1)`` (half each, per source).

A second held-out part, ``test2`` (``FFT_N2`` comments and ``REF_N2`` sentences drawn the same way with
``SEED2`` from the comments and case studies the first draw did not take), was added once the ``test`` half
had been scored, so that rules revised after that score meet text nobody had read (``python
bench/redact_sample.py --second``).

A third held-out part, ``test3``, was added once ``test2`` had been scored and read (``python bench/redact_sample.py
--third``): ``FFT_N3`` comments drawn with ``SEED3`` from the comments no earlier draw took, among those holding a
capitalised word that does not open a sentence (other than ``I`` and its contractions, and words in capitals
throughout), so that the part is rich in the words a name rule must judge; and ``REF_N3`` sentences drawn as before
from case studies no earlier draw took. It was set aside and labelled before any redaction was run on it.

A fourth held-out part, ``test4``, was added once ``test3`` had been scored and read (``python bench/redact_sample.py
--fourth``): ``FFT_N4`` comments drawn with ``SEED4`` as ``test3``'s were (from the comments no earlier draw took,
among those holding a capitalised word inside a sentence) and ``REF_N4`` sentences drawn as before from case
studies no earlier draw took; weighted toward REF sentences, the weaker source after round 3. It was set aside and
labelled in full before any redaction was run on it.

A fifth held-out part, ``test5``, was added once ``test4`` had been scored and read (``python bench/redact_sample.py
--fifth``), drawn with ``SEED5`` as ``test4`` was, from the comments and case studies no earlier draw took, nor any
unlabelled draw read while writing the rules of rounds 3 and 4 (``read_draws()``: the comments and case studies of
the seed-8081 draws and of the seed-9191 draw of REF sentences). Two sources had run dry: only 133 comments holding
a capitalised word inside a sentence were left unread, so it holds those 133 (``FFT_N5`` asks more); and no case
study left had a sentence with a double quotation mark, so its ``REF_N5`` sentences are those holding a quotation
mark, an opening backtick or single quotation mark, or a verb of speech (``_SPEECH``, as the seed-9191 development
draw's were). It was set aside and labelled in full, and the rules of the time scored on it, before any rule was
changed for the fifth round.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, fft_csv, shared_data  # noqa: E402

SEED = 1307
FFT_N = 1000
REF_N = 200
PER_CASE = 2
SEED2 = 2718
FFT_N2 = 500
REF_N2 = 100
SEED3 = 5923
FFT_N3 = 400
REF_N3 = 100
SEED4 = 6464
FFT_N4 = 300
REF_N4 = 150
SEED5 = 7411
FFT_N5 = 300
REF_N5 = 150
SAMPLE = REPO / "bench" / "redact_sample.json"
GOLD = REPO / "bench" / "redact_gold.json"
_SENT_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z0-9])")
_QUOTE = re.compile(r"[\"\u201c\u201d]")
_SPEECH = re.compile(r"[`\u2018\"\u201c]|\b(?:said|says|according to|commented|wrote|writes|stated|states)\b")
_INNER_CAP = re.compile(r"(?<![.!?]\s)(?<![.!?])(?<=\S\s)[\"'(\u201c\u2018]?([A-Z][a-z]+)\b")
_I_FORMS = frozenset({"I", "Im", "Ive", "Id", "Ill"})


def sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def fft_rows() -> dict[int, str]:
    with open(fft_csv(), newline="", encoding="utf-8") as fh:
        return {int(r["row_index"]): r["feedback"] for r in csv.DictReader(fh) if (r["feedback"] or "").strip()}


def ref_cases() -> dict[str, dict]:
    path = shared_data() / "ref2014_corpus" / "ref2014_case_studies.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {c["case_study_id"]: c for c in map(json.loads, fh)}


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``."""
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def collapse(text: str) -> str:
    return " ".join(text.split())


def excluded_cases() -> set[str]:
    out = set(json.loads((REPO / "bench" / "sources_test_annotation.json").read_text())["sample"]["case_study_ids"])
    base = shared_data()
    out |= {p.stem for p in (base / "ref_impact_dev").glob("*.txt")}
    for name in ("ref_impact_train/impact_themes_train.csv", "ref_impact_dev/impact_themes_dev.csv"):
        path = base / name
        if path.exists():
            with open(path, newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    cid = row.get("case_study_id") or row.get("id", "").split("-")[0]
                    out.add(str(cid))
    return out


def inner_capital(text: str) -> bool:
    """Whether ``text`` holds a capitalised word that does not open a sentence (not ``I``, not all capitals)."""
    return any(m.group(1) not in _I_FORMS for m in _INNER_CAP.finditer(text))


def build(seed: int = SEED, fft_n: int = FFT_N, ref_n: int = REF_N, taken: list[dict] = (),
          split: str = "test2", fft_filter=None, read: tuple[set[int], set[str]] = (set(), set()),
          ref_filter: re.Pattern = _QUOTE) -> list[dict]:
    rows = fft_rows()
    used_rows = {it["row_index"] for it in taken if it["source"] == "fft"} | read[0]
    pool = sorted(r for r in rows if r not in used_rows and (fft_filter is None or fft_filter(rows[r])))
    fft_ids = random.Random(seed).sample(pool, min(fft_n, len(pool)))  # test5: fewer comments were left
    items = [{"id": f"fft-{r}", "source": "fft", "row_index": r, "sha1": sha(rows[r])} for r in fft_ids]
    cases = ref_cases()
    skip = excluded_cases() | {it["case_study_id"] for it in taken if it["source"] == "ref"} | read[1]
    order = sorted((c for c in cases if c not in skip), key=int)
    random.Random(seed).shuffle(order)
    ref_items: list[dict] = []
    for cid in order:
        field = cases[cid].get("impact_details") or ""
        picked = [(a, b) for a, b in sentences(field) if ref_filter.search(field[a:b]) and 40 <= len(collapse(field[a:b])) <= 600]
        for a, b in random.Random(f"{seed}-{cid}").sample(picked, min(PER_CASE, len(picked))):
            text = collapse(field[a:b])
            ref_items.append({"id": f"ref-{cid}-{a}", "source": "ref", "case_study_id": cid, "field": "impact_details",
                              "start": a, "end": b, "sha1": sha(text)})
        if len(ref_items) >= ref_n:
            break
    items += ref_items[:ref_n]
    if taken:
        for it in items:
            it["split"] = split
        return items
    for source in ("fft", "ref"):
        ids = [it["id"] for it in items if it["source"] == source]
        test = set(random.Random(SEED + 1).sample(ids, len(ids) // 2))
        for it in items:
            if it["source"] == source:
                it["split"] = "test" if it["id"] in test else "dev"
    return items


def read_draws(items: list[dict]) -> tuple[set[int], set[str]]:
    """The FFT rows and case studies of the unlabelled draws that were read while writing earlier rules: seed 8081
    drawn like ``test3`` (over the parts as they stood when it was made, up to ``test3`` and up to ``test4``), and
    seed 9191, 250 REF sentences holding a quotation mark, a backtick or a verb of speech from case studies that no
    part and no 8081 draw took."""
    rows: set[int] = set()
    cases: set[str] = set()
    upto3 = [it for it in items if it["split"] in ("dev", "test", "test2", "test3")]
    upto4 = upto3 + [it for it in items if it["split"] == "test4"]
    # round 3 drew its 8081 comments as test3's were (filtered) beside test3; round 4 drew them unfiltered
    later = build(8081, 300, 150, taken=upto3, split="read", fft_filter=inner_capital)
    later += build(8081, 300, 150, taken=upto4, split="read")
    rows |= {it["row_index"] for it in later if it["source"] == "fft"}
    cases |= {it["case_study_id"] for it in later if it["source"] == "ref"}
    every = ref_cases()
    skip = excluded_cases() | {it["case_study_id"] for it in upto4 + later if it["source"] == "ref"}
    order = sorted((c for c in every if c not in skip), key=int)
    random.Random(9191).shuffle(order)
    n = 0
    for cid in order:
        field = every[cid].get("impact_details") or ""
        picked = [(a, b) for a, b in sentences(field) if _SPEECH.search(field[a:b]) and 40 <= len(collapse(field[a:b])) <= 600]
        if picked:
            cases.add(cid)
        n += min(PER_CASE, len(picked))
        if n >= 250:
            break
    return rows, cases


def load_texts(items: list[dict]) -> dict[str, str]:
    """The text of every sample item, read from the data and checked against its recorded hash."""
    out: dict[str, str] = {}
    rows = fft_rows() if any(it["source"] == "fft" for it in items) else {}
    cases = ref_cases() if any(it["source"] == "ref" for it in items) else {}
    for it in items:
        if it["source"] == "fft":
            text = rows[it["row_index"]]
        else:
            text = collapse(cases[it["case_study_id"]][it["field"]][it["start"]:it["end"]])
        if sha(text) != it["sha1"]:
            raise SystemExit(f"{it['id']}: the text no longer matches the sample (hash differs)")
        out[it["id"]] = text
    return out


_INNER_CAPITAL = "a capitalised word not opening a sentence (not I, not all capitals)"


def _add_part(n: int, ordinal: str, seed: int, fft_n: int, ref_n: int, notes: dict[str, str], **draw) -> dict:
    """The stored sample with held-out part ``test<n>`` added: drawn by :func:`build` from texts no part took,
    the FFT comments filtered by :func:`inner_capital`, and its seed, sizes and ``notes`` (keys suffixed with
    ``n``) recorded."""
    meta = json.loads(SAMPLE.read_text())
    if any(it["split"] == f"test{n}" for it in meta["items"]):
        raise SystemExit(f"the {ordinal} held-out part is already there")
    meta["items"] += build(seed, fft_n, ref_n, taken=meta["items"], split=f"test{n}", fft_filter=inner_capital,
                           **draw)
    meta.update({f"seed{n}": seed, f"fft_n{n}": fft_n, f"ref_n{n}": ref_n,
                 **{f"{key}{n}": value for key, value in notes.items()}})
    return meta


def main() -> None:
    if "--fifth" in sys.argv:
        taken = json.loads(SAMPLE.read_text())["items"]
        meta = _add_part(5, "fifth", SEED5, FFT_N5, REF_N5, {
            "fft_filter": _INNER_CAPITAL,
            "ref_filter": "a quotation mark, an opening backtick or single quote, or a verb of speech",
            "excluded": "also the comments and case studies of the unlabelled draws read earlier (read_draws())"},
            read=read_draws(taken), ref_filter=_SPEECH)
        items = meta["items"]
    elif "--fourth" in sys.argv:
        meta = _add_part(4, "fourth", SEED4, FFT_N4, REF_N4, {"fft_filter": _INNER_CAPITAL})
        items = meta["items"]
    elif "--third" in sys.argv:
        meta = _add_part(3, "third", SEED3, FFT_N3, REF_N3, {"fft_filter": _INNER_CAPITAL})
        items = meta["items"]
    elif "--second" in sys.argv:
        meta = json.loads(SAMPLE.read_text())
        first = [it for it in meta["items"] if it["split"] in ("dev", "test")]
        if len(first) != len(meta["items"]):
            raise SystemExit("the second held-out part is already there")
        meta["items"] = first + build(SEED2, FFT_N2, REF_N2, taken=first)
        meta.update({"seed2": SEED2, "fft_n2": FFT_N2, "ref_n2": REF_N2})
        items = meta["items"]
    else:
        items = build()
        meta = {"seed": SEED, "fft_n": FFT_N, "ref_n": REF_N, "per_case": PER_CASE,
                "how": "see bench/redact_sample.py", "items": items}
    SAMPLE.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    counts: dict[tuple[str, str], int] = {}
    for it in items:
        counts[it["source"], it["split"]] = counts.get((it["source"], it["split"]), 0) + 1
    print(f"wrote {SAMPLE}: {counts}")


if __name__ == "__main__":
    main()
