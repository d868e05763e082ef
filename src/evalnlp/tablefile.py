"""Writing a DataFrame to the file format its extension names, atomically.

A file is written under a temporary name in the same folder, then renamed, so a crash never leaves half a
file behind.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evalnlp.errors import InputError
from evalnlp.reports._common import atomic_path

__all__ = ["TABLE_FORMATS", "atomic_path", "write_table"]

TABLE_FORMATS = (".csv", ".tsv", ".parquet", ".xlsx", ".jsonl", ".json")


def write_table(frame: pd.DataFrame, path: str | Path, *, sheet: str = "data") -> Path:
    """Write ``frame`` as CSV, TSV, Parquet, XLSX, JSONL or JSON (records), chosen by the extension."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise InputError("E161", f"cannot write {target.name!r}: expected one of the extensions "
                         f"{', '.join(TABLE_FORMATS)}; got {suffix or 'none'!r}")
    with atomic_path(target) as tmp:
        if suffix in (".csv", ".tsv"):
            frame.to_csv(tmp, index=False, sep="\t" if suffix == ".tsv" else ",", encoding="utf-8")
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        elif suffix == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                frame.to_excel(xl, index=False, sheet_name=sheet[:31])
                ws = xl.sheets[sheet[:31]]
                ws.freeze_panes = "A2"
        elif suffix == ".jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        else:
            frame.to_json(tmp, orient="records", force_ascii=False, indent=1)
    return target
