"""Excel workbook of evidence tables (openpyxl): one sheet per table, styled headers, frozen panes.

Sheets: ``themes``; ``by <attr>`` per framework matrix (long format: one row per group and theme, ready
for a pivot table); ``claims``, ``claim evidence`` (quotes, testimonials and reach figures of each claim)
and ``strength rule`` when claims were given; ``notes`` (what each sheet holds, the summary line, how shares
are computed, the notes); ``provenance`` (codebook, store, data, coders, runs, versions).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from evalnlp import errors
from evalnlp.reports._common import SHEET_TABLES, atomic_path, claim_quotes_long, claims_flat, note_rows, provenance_rows
from evalnlp.tablefile import XLSX_CELL_LIMIT, XLSX_ROW_LIMIT, as_text_cells, xlsx_text, xlsx_too_long

_INSTEAD = "Write the evidence as .csv, .md, .docx, .html or .json instead, which hold every character."

_HEADER_FILL = "1F4E79"
_WRAP_COLUMNS = {"quote", "text", "best_quote", "label", "filters", "Value", "value"}
_PERCENT_COLUMNS = {"share", "ci_low", "ci_high"}
_MAX_WIDTH = 60


def _sheet_name(name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    base, i = clean, 2
    while clean.casefold() in used:
        suffix = f" {i}"
        clean = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(clean.casefold())
    return clean


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (list, dict)):
        import json

        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if hasattr(v, "item"):
        return v.item()
    return v


def _write_frame(wb, title: str, df: pd.DataFrame, used: set[str], file: str) -> str:
    """Write ``df`` as a new sheet named after ``title`` (cut to a sheet name's 31 characters, made unique);
    return the sheet's name. E178 when a text is longer than a cell holds."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if len(df) + 1 > XLSX_ROW_LIMIT:
        raise errors.error("E178", "rows", file=file, rows=len(df), limit=XLSX_ROW_LIMIT - 1, instead=_INSTEAD)
    name = _sheet_name(title, used)
    ws = wb.create_sheet(name)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    ws.append([xlsx_text(str(c)) for c in df.columns])
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r, row in enumerate(df.itertuples(index=False, name=None), start=1):
        values = [xlsx_text(_value(v)) for v in row]
        for col, v in zip(df.columns, values):
            if xlsx_too_long(v):
                raise errors.error("E178", "cell", file=file, where=f"sheet {title!r}, column {col!r}, row {r}",
                                   length=len(v), limit=XLSX_CELL_LIMIT, instead=_INSTEAD)
        ws.append(values)
    for j, col in enumerate(df.columns, 1):
        letter = get_column_letter(j)
        lengths = [len(str(col))] + [len(str(v)) for v in df[col].head(500) if v is not None]
        ws.column_dimensions[letter].width = min(_MAX_WIDTH, max(8, max(lengths) + 2))
        if col in _PERCENT_COLUMNS:
            for cell in ws[letter][1:]:
                cell.number_format = "0.0%"
        if col in _WRAP_COLUMNS:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    as_text_cells(ws)  # a group, quote or claim starting with "=" is text, not a formula
    ws.freeze_panes = "B2" if len(df.columns) > 1 else "A2"
    if len(df):
        ws.auto_filter.ref = ws.dimensions
    return name


def write_evidence_xlsx(evidence, path: str | Path) -> Path:
    """Write the evidence workbook to ``path`` atomically."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    file = str(path)
    sheets = [(_write_frame(wb, "themes", evidence.themes, used, file), "themes")]
    cut = []  # sheets whose name could not hold their attribute's
    for attr, matrix in evidence.matrices.items():
        name = _write_frame(wb, f"by {attr}", matrix, used, file)
        sheets.append((name, "by"))
        if name != f"by {attr}":
            cut.append((f"sheet {name!r}", f"themes by {attr}"))
    if len(evidence.claims):
        sheets.append((_write_frame(wb, "claims", claims_flat(evidence.claims), used, file), "claims"))
        sheets.append((_write_frame(wb, "claim evidence", claim_quotes_long(evidence.claims), used, file),
                       "claim evidence"))
        rule = pd.DataFrame({"rule": evidence.strength_rule.rstrip().splitlines()})
        sheets.append((_write_frame(wb, "strength rule", rule, used, file), "strength rule"))
    # what each sheet holds, the summary line and how shares are computed (as the Markdown, Word and HTML forms
    # open with them), and the notes those forms give: what the tables leave out or merge; as a CSV set's notes
    sheets += [("notes", "notes"), ("provenance", "provenance")]
    notes = [(f"sheet {name}", SHEET_TABLES[kind]) for name, kind in sheets] + note_rows(evidence)
    _write_frame(wb, "notes", pd.DataFrame(notes, columns=["item", "value"]), used, file)
    prov = pd.DataFrame(provenance_rows(evidence.provenance, evidence.codebook) + cut, columns=["Item", "Value"])
    _write_frame(wb, "provenance", prov, used, file)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
