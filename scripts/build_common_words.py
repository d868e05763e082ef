"""Build ``src/evalnlp/data/common_words.txt.gz``: English words that real feedback and impact narratives write in
lower case, which name redaction uses to tell an ordinary word that happens to be capitalised (``Small minority``,
``Welsh jurisdiction``) from a name it has never seen (``Gaynor``, ``Garratt``).

A word is kept when it occurs in lower case in at least ``MIN_DOCS`` documents of: the NHS FFT comments
(``corpora/nhs_fft``, MIT) and the REF2014 impact case studies (``../shared/data/ref2014_corpus``, CC BY 4.0). The
comments and case studies of the labelled redaction sample (``bench/redact_sample.json``) are left out, so the
list knows nothing of the texts the redaction is measured on. Only the word list is written, never the texts.

Run: .venv/bin/python scripts/build_common_words.py
"""

from __future__ import annotations

import collections
import csv
import gzip
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "evalnlp" / "data" / "common_words.txt.gz"
MIN_DOCS = 3
_TOKEN = re.compile(r"(?<![\w@./-])[a-z][a-z'\u2019-]*[a-z](?![\w@/]|\.\w)")


def shared() -> Path:
    for base in (REPO.parent / "shared" / "data", Path("/work/shared/data")):
        if base.is_dir():
            return base
    raise SystemExit("the shared data folder (../shared/data) is not there")


def documents():
    sample = json.loads((REPO / "bench" / "redact_sample.json").read_text())["items"]
    skip_rows = {it["row_index"] for it in sample if it["source"] == "fft"}
    skip_cases = {it["case_study_id"] for it in sample if it["source"] == "ref"}
    with open(REPO / "corpora" / "nhs_fft" / "text_data.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if int(row["row_index"]) not in skip_rows and row["feedback"]:
                yield row["feedback"]
    with gzip.open(shared() / "ref2014_corpus" / "ref2014_case_studies.jsonl.gz", "rt", encoding="utf-8") as fh:
        for case in map(json.loads, fh):
            if case["case_study_id"] in skip_cases:
                continue
            yield " ".join(case.get(k) or "" for k in ("title", "summary", "underpinning_research", "impact_details"))


def main() -> None:
    df: collections.Counter = collections.Counter()
    for text in documents():
        df.update({w.replace("\u2019", "'") for w in _TOKEN.findall(text)})
    words = sorted(w for w, n in df.items() if n >= MIN_DOCS)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as fh:  # mtime 0: the same words give the same bytes
        fh.write(("\n".join(words) + "\n").encode("utf-8"))
    print(f"wrote {OUT}: {len(words):,} words, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
