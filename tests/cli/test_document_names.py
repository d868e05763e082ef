"""Quotes are de-identified with their document beside them: a case study names a researcher in full once
(``Professor Tim Lang``) and then by surname alone (``Lang was invited``); a quotation of the later sentence
kept the surname, because the passage alone gives no cue that ``Lang`` is a person."""

from __future__ import annotations

import json

import pandas as pd

from evalnlp.codebook import load_codebook
from evalnlp.store import Store

SENTENCES = [
    "The research was led by Professor Tim Lang at City University from 2008.",
    "Lang was invited to advise the Cabinet Office on food security policy in 2012.",
    "The Grant Committee of the council adopted the recommendations of the report.",
]


def narrative_store(path) -> None:
    """One narrative document of SENTENCES, each a passage; the last two coded policy_influence."""
    cb = load_codebook("impact")
    text = " ".join(SENTENCES)
    with Store(path) as store:
        with store.transaction():
            run = store.start_run("ingest", {"files": ["case_study.txt"]})
            doc = store.insert_documents(pd.DataFrame({
                "source": ["case_study.txt"], "locator": ["paragraph 1"], "kind": ["narrative"],
                "question": [None], "text": [text], "attrs": ["{}"]}), run, returning=True)
            starts = [text.index(s) for s in SENTENCES]
            store.insert_segments(pd.DataFrame({
                "doc_id": doc["doc_id"].iloc[0], "kind": "sentence", "start": starts,
                "end": [a + len(s) for a, s in zip(starts, SENTENCES)], "text": SENTENCES,
                "speaker": None, "source_ref": None}))
            store.finish_run(run, n_in=1, n_ok=1, n_rejected=0)
        seg_of = dict(zip(store.table("segments")["text"], store.table("segments")["seg_id"]))
        with store.transaction():
            run = store.start_run("classify", {"codebook": "impact"}, codebook_id=cb.id, codebook_sha256=cb.sha256)
            codes = [{"seg_id": seg_of[s], "theme": t, "score": 0.9 if (t == "policy_influence" and i) else 0.1,
                      "assigned": t == "policy_influence" and i > 0}
                     for i, s in enumerate(SENTENCES) for t in cb.theme_ids]
            store.replace_codes(pd.DataFrame(codes), "model:fixture-impact@000000", run)
            store.finish_run(run, n_in=3, n_ok=3, n_rejected=0)


def test_a_surname_the_document_names_in_full_is_redacted_in_quotes(cli, db_path):
    narrative_store(db_path)
    result = cli("quotes", "--theme", "policy_influence", "--format", "json")
    assert result.exit_code == 0, result.output
    texts = [q["text"] for q in json.loads(result.stdout)["quotes"]]
    assert "[NAME] was invited to advise the Cabinet Office on food security policy in 2012." in texts
    # a capitalised word the document does not use as a name stays
    assert "The Grant Committee of the council adopted the recommendations of the report." in texts
    kept = cli("quotes", "--theme", "policy_influence", "--format", "json", "--no-redact")
    assert any(q["text"].startswith("Lang was invited") for q in json.loads(kept.stdout)["quotes"])


def test_evidence_quotes_are_read_with_their_document(cli, db_path, tmp_path):
    narrative_store(db_path)
    claims = tmp_path / "claims.yaml"
    claims.write_text("claims:\n  - id: c1\n    text: The research changed policy.\n"
                      "    themes: [policy_influence]\n", encoding="utf-8")
    result = cli("evidence", "--claims", str(claims), "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    quoted = [q["text"] for q in out["claims"][0]["quotes"]]
    quoted += [row["quote"] for row in out["themes"] if row.get("quote")]
    assert quoted and not any("Lang" in q for q in quoted)
    assert any(q.startswith("[NAME] was invited") for q in quoted)
