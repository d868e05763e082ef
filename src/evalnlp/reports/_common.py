"""Shared helpers of the report writers: atomic writes, number formats and display tables."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from evalnlp.schema import place
from evalnlp.util import atomic_path  # noqa: F401  (the writers import it from here)

SENTIMENT = ("positive", "mixed", "negative", "neutral")


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically (LF line endings)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def write_json(path: str | os.PathLike, data: Any) -> Path:
    return write_text(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def pct(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return f"{100 * float(value):.{digits}f}%"


def share_text(row: Any) -> str:
    """``33.3% (9.7-70.0)``: a share with its interval."""
    return f"{pct(row['share'])} ({100 * row['ci_low']:.1f}\u2013{100 * row['ci_high']:.1f})"


def cell_text(row: Any) -> str:
    """A matrix cell: ``documents/n (share%)``, the share to one decimal as in the theme table and the
    workbook (1 of 285 is 0.4%, not 0%)."""
    return f"{int(row['documents'])}/{int(row['n'])} ({pct(row['share'])})"


def attribution(record: dict[str, Any]) -> str:
    """``speaker [ref]; source, locator`` for a quote record (missing parts left out; a workbook's sheet named
    once, see :func:`evalnlp.schema.place`)."""
    who = record.get("speaker") or ""
    ref = record.get("source_ref") or ""
    head = " ".join(p for p in (who, ref) if p)
    where = place(record.get("source"), record.get("locator"), ", ")
    return "; ".join(p for p in (head, where) if p)


_NOTE_LABEL = re.compile(r"(?:footnote|endnote) \S+")


def _note(entry: dict[str, Any]) -> str | None:
    """A Word document's footnote or endnote among the source entries: its label (``footnote 2``), else None."""
    label = str(entry.get("label") or "")
    return label if _NOTE_LABEL.fullmatch(label) else None


def entry_text(entry: dict[str, Any]) -> str:
    """A corroborating source entry on one line: ``Source 5.3: text`` for an entry of a sources list, ``Footnote 2:
    text`` for a Word document's note, which shares its number with the list's entry of another document."""
    note = _note(entry)
    head = note[:1].upper() + note[1:] if note else f"Source {entry.get('ref')}"
    return f"{head}: {' '.join(str(entry.get('text') or '').split())}"


def entry_cell(entry: dict[str, Any]) -> str:
    """A corroborating source entry in a spreadsheet cell: ``ref: text`` (``footnote 2: text`` for a note)."""
    return f"{_note(entry) or entry.get('ref')}: {entry.get('text')}"


def testimonial_lines(testimonial: dict[str, Any]) -> tuple[str, str, list[str]]:
    """A claim's testimonial as the report writers show it: (the quotation in quotation marks, its attribution,
    the corroborating source entries it cites, each as ``Source ref: text`` or ``Footnote 2: text``)."""
    from evalnlp.quotes import note_marker

    text = str(testimonial.get("quote") or "")
    quoted = text if text[:1] in "\"'\u201c\u2018" else f"\u201c{text}\u201d"
    entries = testimonial.get("source_entries") or []
    shown = {**testimonial, "source_ref": note_marker(testimonial.get("source_ref"),
                                                      [(e.get("ref"), e.get("label")) for e in entries])}
    return quoted, attribution(shown), [entry_text(e) for e in entries]


def theme_display(themes: pd.DataFrame) -> pd.DataFrame:
    """The theme table as people read it."""
    return pd.DataFrame({
        "Theme": themes["label"],
        "Passages": themes["segments"].astype(int),
        "Documents": themes["documents"].astype(int),
        "Share (95% CI)": [share_text(r) for _, r in themes.iterrows()],
        "Positive": themes["positive"].astype(int),
        "Mixed": themes["mixed"].astype(int),
        "Negative": themes["negative"].astype(int),
        "Neutral": themes["neutral"].astype(int),
        "Best quote": themes["quote"].fillna(""),
    })


def matrix_wide(matrix: pd.DataFrame) -> pd.DataFrame:
    """A framework matrix as theme rows by group columns, each cell ``documents/n (share%)``.

    The group columns are named by the attribute's values; the theme column comes first, named ``Theme``
    unless a group has that name (then ``evalnlp_Theme``, by the rule of :mod:`evalnlp.columns`)."""
    from evalnlp.columns import evalnlp_names, unique_names

    if matrix.empty:
        return pd.DataFrame({"Theme": []})
    groups = list(dict.fromkeys(matrix["group"]))
    themes = list(dict.fromkeys(matrix["theme"]))
    cells = {(r["theme"], r["group"]): cell_text(r) for _, r in matrix.iterrows()}
    labels = dict(zip(matrix["theme"], matrix["label"]))
    names = unique_names(groups, strip=False)
    (theme_name,) = evalnlp_names(names, ["Theme"])
    data: dict[str, list[str]] = {theme_name: [labels[t] for t in themes]}
    for g, name in zip(groups, names):
        data[name] = [cells[(t, g)] for t in themes]
    return pd.DataFrame(data)


def claims_display(claims: pd.DataFrame) -> pd.DataFrame:
    """The claim table as people read it (best quote first)."""
    rows = []
    for _, c in claims.iterrows():
        quote = c["quotes"][0]["text"] if c["quotes"] else ""
        rows.append({
            "Claim": f"{c['id']}: {c['text']}", "Strength": c["strength"], "Passages": int(c["segments"]),
            "Documents": int(c["documents"]), "Sources": int(c["sources"]), "References": int(c["references"]),
            "Testimonials": int(c["testimonials_n"]), "Attributed": int(c["attributed"]),
            "Reach figures": int(c["reach_n"]), "Best quote": quote,
        })
    return pd.DataFrame(rows, columns=["Claim", "Strength", "Passages", "Documents", "Sources", "References",
                                       "Testimonials", "Attributed", "Reach figures", "Best quote"])


def claim_quotes_long(claims: pd.DataFrame) -> pd.DataFrame:
    """Every claim's quotes, testimonials and reach figures, one row each (for spreadsheets and CSV)."""
    rows = []
    for _, c in claims.iterrows():
        for rank, q in enumerate(c["quotes"], 1):
            rows.append({"claim": c["id"], "kind": "quote", "rank": rank, "text": q["text"], "theme": q["theme"],
                         "speaker": q.get("speaker"), "source_ref": q.get("source_ref"), "source": q["source"],
                         "locator": q["locator"], "value": None, "unit": None, "corroborating_source": None})
        for rank, t in enumerate(c["testimonials"], 1):
            entries = t.get("source_entries") or []
            rows.append({"claim": c["id"], "kind": "testimonial", "rank": rank, "text": t["quote"],
                         "theme": t["theme"], "speaker": t["speaker"], "source_ref": t["source_ref"],
                         "source": t["source"], "locator": t["locator"], "value": None, "unit": None,
                         "corroborating_source": "; ".join(entry_cell(e) for e in entries) or None})
        for rank, r in enumerate(c["reach"], 1):
            rows.append({"claim": c["id"], "kind": "reach", "rank": rank, "text": r["text"], "theme": None,
                         "speaker": None, "source_ref": None, "source": r["source"], "locator": r["locator"],
                         "value": r["value"], "unit": r["unit"], "corroborating_source": None})
    return pd.DataFrame(rows, columns=["claim", "kind", "rank", "text", "theme", "speaker", "source_ref", "source",
                                       "locator", "value", "unit", "corroborating_source"])


def claims_flat(claims: pd.DataFrame) -> pd.DataFrame:
    """The claim table without nested columns (themes joined by ';', filters as JSON)."""
    if claims.empty:
        return pd.DataFrame(columns=["id", "text", "segments", "documents", "sources", "strength", "themes",
                                     "filters", "references", "independent_sources", "testimonials_n",
                                     "attributed", "reach_n", "best_quote"])
    out = claims.drop(columns=["quotes", "testimonials", "reach"]).copy()
    out["themes"] = [";".join(t) for t in claims["themes"]]
    out["filters"] = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in claims["filters"]]
    out["best_quote"] = [q[0]["text"] if q else None for q in claims["quotes"]]
    return out


def provenance_rows(provenance: dict[str, Any], codebook: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """Key/value lines describing where the figures come from."""
    cb = codebook or provenance.get("codebook", {})
    rows = [("codebook", f"{cb.get('id')} {cb.get('version') or ''}".strip()),
            ("codebook sha256", str(cb.get("sha256")))]
    for d in provenance.get("data", []):
        rows.append((f"data: {d['source']}", f"{d['documents']:,} documents, {d['segments']:,} passages, "
                                             f"{d.get('documents_coded', 0):,} documents coded"))
    for c in provenance.get("coders", []):
        rows.append((f"coder: {c['coder']}", f"{c['segments']:,} passages"))
    for r in provenance.get("runs", []):
        detail = [f"status {r.get('status')}", f"in {r.get('n_in')}", f"ok {r.get('n_ok')}",
                  f"rejected {r.get('n_rejected')}"]
        if r.get("codebook_id"):
            detail.append(f"codebook {r['codebook_id']}")
        if r.get("model_sha256"):
            detail.append(f"model sha256 {r['model_sha256']}")
        rows.append((f"run {r.get('run_id')}: {r.get('command')}", ", ".join(detail)))
    versions = {}
    for r in provenance.get("runs", []):
        versions.update(r.get("versions") or {})
    if versions:
        rows.append(("versions", ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))))
    return rows


#: Said under the title of a quotes file, and in the notes of an evidence file, written without redaction.
NOT_REDACTED = ("Quotes are NOT de-identified (redaction was turned off): keep this file inside the organisation, "
                "as you keep the data it was made from.")
