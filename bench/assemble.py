"""Gather the sections in bench/results/*.md into BENCHMARKS.md (run by `make bench`, or on its own).

Each benchmark script writes its own section with the machine, the date, the data split and its figures
beside their goals and baselines; this script only puts them in one file, in a fixed order.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORDER = ["startup", "ingest", "ingest_json", "readers", "pdf_columns", "embeddings", "fft", "classify_speed", "classify_e2e", "classify_scale", "classify_scale_1m", "classify_sentiment_split", "output_pages", "output_store", "classify_scale_1m_store", "classify_scale_1m_workers", "classify_scale_memory", "classify_output_rows", "classify_impact_distinct", "classify_impact_fft", "classify_impact_survey", "classify_doubled_l", "classify_round13", "classify_round15", "classify_round22", "classify_round28", "language", "impact_model", "impact_encoders", "impact_variants", "impact_variants_corpus", "impact_variants_extra", "impact_variants_cues",
         "impact_fewshot", "impact_fewshot_sim", "impact_curve", "finetune", "impact_distil", "impact_tuned_static", "sentiment", "sentiment_finetune", "sentiment_accurate", "sentiment_negation", "sentiment_register", "accurate_classify", "finetune_base", "finetune_context", "impact", "extract", "extract_unseen", "extract_ref", "extract_ref2", "extract_ref3", "extract_ref4", "extract_ref5", "extract_ref6", "extract_ref7", "extract_ref8", "extract_ref9", "extract_ref10", "extract_ref11", "speaker_rerank", "sources", "reference_counts", "letter_links",
         "redact", "redact_documents", "evidence", "scale", "scale_round17", "scale_10m", "scale_10m_workers", "scale_dedupe", "scale_terminal", "scale_preload", "s20_probe", "scale_round21", "scale_round27", "scale_round28", "discovery", "topic_words", "review_loop", "review_scale", "qda_reimport"]

HEADER = """# Benchmarks

Speed, memory and accuracy of evalnlp, measured by the scripts in `bench/` (run them all with `make bench`;
each writes a section to `bench/results/`, and `bench/assemble.py` gathers them here). Every section names the
machine and the date it was measured on, and sets each figure beside its goal and a baseline run in the same
script. Accuracy is measured on real labelled data on held-out splits fixed by a seed (or cross-validation
where the data set is the test set); nothing was tuned on a test split. Timings are never asserted in tests.
"""


def main() -> None:
    results = REPO / "bench" / "results"
    # `*_figures.md` are a script's raw figures that a hand-written section is written from: not sections
    sections = {p.stem: p.read_text(encoding="utf-8").strip() for p in sorted(results.glob("*.md"))
                if not p.stem.endswith("_figures")}
    ordered = [sections.pop(name) for name in ORDER if name in sections] + list(sections.values())
    # a section written with a top-level heading is demoted one level under this file's title
    demoted = [re.sub(r"^(#+) ", r"#\1 ", s, flags=re.M) if s.startswith("# ") else s for s in ordered]
    text = HEADER + "\n" + "\n\n".join(demoted) + "\n"
    (REPO / "BENCHMARKS.md").write_text(text, encoding="utf-8")
    print(f"wrote BENCHMARKS.md from {len(ordered)} sections")


if __name__ == "__main__":
    main()
