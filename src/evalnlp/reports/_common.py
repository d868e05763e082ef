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


def quoted(text: Any) -> str:
    """A quotation as every readable form shows it (the terminal, Markdown, Word, HTML and the report): the text
    as stored, in curly double quotation marks. Quotation marks inside it are kept as they are; a text that is
    itself one quotation in double marks from end to end (an answer typed as ``"Excellent care."``) is shown as
    it is rather than in a second pair. No text, no marks. The data forms (CSV, JSON, the workbook) hold the
    text as stored, without marks."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if not text:
        return ""
    whole = len(text) > 1 and text[0] in '"\u201c' and text[-1] in '"\u201d'
    if whole and not any(mark in text[1:-1] for mark in '"\u201c\u201d'):
        return text
    return f"\u201c{text}\u201d"


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

    entries = testimonial.get("source_entries") or []
    shown = {**testimonial, "source_ref": note_marker(testimonial.get("source_ref"),
                                                      [(e.get("ref"), e.get("label")) for e in entries])}
    return quoted(testimonial.get("quote")), attribution(shown), [entry_text(e) for e in entries]


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
        "Best quote": [quoted(q) for q in themes["quote"]],
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


#: The most groups a printed matrix table holds (an HTML report's printout, a Word file): a matrix of more groups
#: is set as several tables of at most this many, each with the theme column, since a page is not a box that
#: scrolls and a table wider than it loses the groups past its edge.
PAGE_GROUPS = 6


def group_parts(n: int, most: int = PAGE_GROUPS) -> list[tuple[int, int]]:
    """(start, stop) of each part when ``n`` groups are set at most ``most`` a table: the fewest parts, as even as
    can be (16 groups: 6, 5 and 5)."""
    if n <= most:
        return [(0, n)]
    count = -(-n // most)
    base, extra = divmod(n, count)
    parts, start = [], 0
    for i in range(count):
        stop = start + base + (1 if i < extra else 0)
        parts.append((start, stop))
        start = stop
    return parts


def claims_display(claims: pd.DataFrame) -> pd.DataFrame:
    """The claim table as people read it (best quote first)."""
    rows = []
    for _, c in claims.iterrows():
        quote = quoted(c["quotes"][0]["text"]) if c["quotes"] else ""
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


#: How a share and its interval are computed, in the words every form of the evidence gives.
SHARE_RULE = ("share = documents with the theme / documents coded (the n column), with a Wilson 95% interval "
              "(ci_low to ci_high); in a matrix, of the documents coded in the group")

#: What each file of an evidence CSV set holds, by the name of its sibling (``""``: the themes table itself).
CSV_TABLES = {
    "": "themes: one row per theme of the codebook; segments are the passages given the theme, documents the "
        "distinct documents with one of them, share and its interval as below; the theme's passages by sentiment "
        "(positive, mixed, negative, neutral) and its best quote with where it is from",
    "matrices": "themes by group (evidence --by), one row per attribute, group and theme: the same figures as the "
                "themes table, the share taken within the group",
    "claims": "one row per claim of the claims file: the passages (segments), documents and distinct input files "
              "(sources) supporting it, the corroborating references its testimonials cite, its testimonials, "
              "attributed testimonials and reach figures counted, its strength (by the strength rule below) and "
              "best quote",
    "claim-evidence": "each claim's quotes, testimonials (with the corroborating sources they cite) and reach "
                      "figures, one row each, in rank order",
    "notes": "this file: what each file holds, how shares are computed, what the tables leave out, and where "
             "the figures come from",
}


def summary_text(evidence) -> str:
    """``386 documents coded, 424 passages (120 of them, 28%, with no theme).``"""
    return (f"{evidence.documents_coded:,} documents coded{getattr(evidence, 'unread_text', '')}, "
            f"{evidence.segments_coded:,} passages "
            f"({evidence.segments_no_theme:,} of them, {pct(evidence.no_theme_share)}, with no "
            f"theme{evidence.human_note}).")


#: What each sheet of the evidence workbook holds, by its kind (``by``: a matrix's sheet, ``by <attribute>``).
SHEET_TABLES = {
    "themes": CSV_TABLES[""],
    "by": "themes by the groups of one attribute (evidence --by), one row per group and theme: the same figures as "
          "the themes sheet, the share taken within the group",
    "claims": CSV_TABLES["claims"],
    "claim evidence": CSV_TABLES["claim-evidence"],
    "strength rule": "how a claim's strength is rated, a line a row",
    "notes": "this sheet: what each sheet holds, how shares are computed and what the tables leave out",
    "provenance": "where the figures come from: the codebook, the store, the data, the coders, the runs and the "
                  "package versions",
}


def note_rows(evidence) -> list[tuple[str, str]]:
    """The summary line, how shares are computed and each note, as ``(item, value)`` rows."""
    from evalnlp.errors import command_line

    rule = SHARE_RULE
    if getattr(evidence, "documents_unread", 0):  # documents holding nothing the coders could read are left out
        rule = rule.replace("documents coded", "documents the coders could read")
    rows = [("summary", summary_text(evidence)), ("share", rule)]
    return rows + [("note", command_line(n)) for n in evidence.notes]


def csv_notes(evidence, files: dict[str, Any]) -> pd.DataFrame:
    """The notes file of an evidence CSV set (``item``, ``value``): what each of ``files`` (sibling name to path,
    ``""`` for the themes file) holds, how shares are computed, the notes the Markdown, Word, HTML and workbook
    forms give, the strength rule when there are claims, and the provenance the workbook's sheet gives."""
    rows = [(f"file {Path(path).name}", CSV_TABLES[name]) for name, path in files.items()]
    rows += note_rows(evidence)
    if len(evidence.claims):
        rows += [("strength rule", line) for line in evidence.strength_rule.rstrip().splitlines()]
    rows += provenance_rows(evidence.provenance, evidence.codebook)
    return pd.DataFrame(rows, columns=["item", "value"])


def provenance_rows(provenance: dict[str, Any], codebook: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """Key/value lines describing where the figures come from."""
    cb = codebook or provenance.get("codebook", {})
    rows = [("codebook", f"{cb.get('id')} {cb.get('version') or ''}".strip()),
            ("codebook sha256", str(cb.get("sha256")))]
    if provenance.get("store"):
        rows.append(("store", str(provenance["store"])))
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
