"""Paths and small helpers the tests import (``from helpers import CORPORA``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"


def shared_data() -> Path | None:
    """The shared data folder beside the repository (or /work/shared/data), if present."""
    for base in (REPO.parent / "shared" / "data", Path("/work/shared/data")):
        if base.is_dir():
            return base
    return None


def coded_store(path: Path, rows: list[tuple[str, dict, list[str]]], *, codebook: str = "fft",
                source: str = "survey.csv") -> None:
    """A store at ``path`` holding one response per row (text, attrs, themes), coded by a machine coder with
    ``codebook``'s themes under a finished classify run, as `evalnlp classify --codebook CODEBOOK` leaves it.
    Built through the store directly, so that CLI tests of evidence and quotes need no model."""
    import json

    import pandas as pd

    from evalnlp.codebook import load_codebook
    from evalnlp.store import Store

    cb = load_codebook(codebook)
    with Store(path) as store:
        with store.transaction():
            run = store.start_run("ingest", {"files": [source]})
            frame = pd.DataFrame({"source": source, "locator": [f"row {i + 1}" for i in range(len(rows))],
                                  "kind": "response", "question": "comment", "text": [r[0] for r in rows],
                                  "attrs": [json.dumps(r[1]) for r in rows]})
            new = store.insert_documents(frame, run, returning=True)
            store.insert_segments(pd.DataFrame({"doc_id": new["doc_id"], "kind": "response", "start": 0,
                                                "end": new["text"].str.len(), "text": new["text"],
                                                "speaker": None, "source_ref": None}))
            store.finish_run(run, n_in=len(rows), n_ok=len(rows), n_rejected=0)
        seg_of = dict(zip(store.table("segments")["text"], store.table("segments")["seg_id"]))
        with store.transaction():
            coder = f"model:fixture-{codebook}@000000"
            run = store.start_run("classify", {"codebook": codebook, "coder": coder}, codebook_id=cb.id,
                                  codebook_sha256=cb.sha256)
            codes = [{"seg_id": seg_of[text], "theme": t, "score": 0.9 if t in themes else 0.1,
                      "assigned": t in themes} for text, _, themes in rows for t in cb.theme_ids]
            store.replace_codes(pd.DataFrame(codes), coder, run)
            # what classify records of the passages it could not read (those it gives no theme, as it does)
            from evalnlp.language import ENGLISH, readable

            bare = [text for text, _, themes in rows if not themes]
            unread = [(seg_of[t], kind) for t, kind in zip(bare, readable(bare)) if kind != ENGLISH]
            if unread:
                store.replace_unread(pd.DataFrame(unread, columns=["seg_id", "kind"]), coder, run)
            store.finish_run(run, n_in=len(rows), n_ok=len(rows), n_rejected=0)


def holds_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (Linux /proc)."""
    import os

    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return False
    for name in names:
        try:
            if os.readlink(fd_dir / name) == str(path):
                return True
        except OSError:
            continue
    return False


def one_testimonial(passage: str, nlp, start: str):
    """The one testimonial found in ``passage`` whose quotation starts with ``start`` (fails if there are none or
    several)."""
    from evalnlp.ingest import narrative

    [t] = [t for t in narrative.extract_testimonials(passage, nlp=nlp) if t.quote.startswith(start)]
    return t


def code_by_hand(store, codes) -> None:
    """Store ``codes`` (a frame of seg_id, theme, score, assigned) as one classify run's, as if a coder had given
    them."""
    with store.transaction():
        run = store.start_run("classify", {})
        store.replace_codes(codes, "model:m", run)
        store.finish_run(run, n_in=len(codes), n_ok=len(codes), n_rejected=0)


def keyword_claims(folder: Path, files: dict[str, str], claims: str) -> list[dict]:
    """Write ``files`` (file name: text) and the claims file ``claims`` (YAML) into ``folder``, ingest the files
    into a new store there, code them with the impact codebook's keyword model and return the rows of the claim
    table (names left as written)."""
    import warnings

    from evalnlp import api
    from evalnlp.store import Store

    paths = []
    for name, text in files.items():
        paths.append(folder / name)
        paths[-1].write_text(text, encoding="utf-8")
    (folder / "claims.yaml").write_text(claims, encoding="utf-8")
    with Store(folder / "s.duckdb") as store, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # what ingest and classify note is not what these tests read
        api.ingest(store, paths)
        api.classify(store, codebook="impact", model="keyword")
        ev = api.evidence(store, claims=str(folder / "claims.yaml"), redact=False)
    return ev.claims.to_dict("records")


def ingested_report(folder: Path, name: str, text: str):
    """Write ``text`` to ``folder/name``, read it into a new store there with the real ingest (sentences and
    testimonials) and return the open store and its segments table, for a test to code by hand."""
    from evalnlp.api import ingest
    from evalnlp.store import Store

    (folder / name).write_text(text, encoding="utf-8")
    store = Store(folder / "s.duckdb")
    ingest(store, [folder / name])
    return store, store.table("segments")


def write_pdf(path: Path, *pages) -> Path:
    """An A4 PDF at ``path`` made with fpdf2, one page per callable in ``pages`` (each draws on the FPDF object)."""
    import fpdf

    pdf = fpdf.FPDF(format="A4")
    for page in pages:
        page(pdf)
    pdf.output(str(path))
    return path
