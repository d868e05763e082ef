"""Column names for tables that put the user's own columns beside evalnlp's.

Every writer that mixes input columns (a survey export's columns, metadata attributes, group names) with
columns evalnlp computes goes through :func:`beside_input` or :func:`evalnlp_names`, so one rule holds
everywhere: every input column is kept, with its values and its name; an evalnlp column whose name an input
column already has is written as ``evalnlp_<name>`` instead (``evalnlp_themes``, ``evalnlp_sentiment``).
When that name is taken too, a number is added: ``evalnlp_<name>_2``, ``evalnlp_<name>_3``, ... (the first
one free), so the same input columns always give the same names.

Input column names are made unique the way the readers make header names (:func:`unique_names`): text,
blanks named ``column_N``, duplicates ``a``, ``a.1``; a name that is already unique, non-blank text is
never changed.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd

__all__ = ["OUTPUT_COLUMNS", "PREFIX", "SCORE_PREFIX", "beside_input", "evalnlp_names", "unique_names"]

#: What an evalnlp column's name gets in front when an input column already has that name.
PREFIX = "evalnlp_"
#: The columns ``classify --output`` puts beside a file's own, before one ``SCORE_PREFIX + theme`` per theme and
#: ``sentiment``.
OUTPUT_COLUMNS = ("source", "locator", "question", "text", "themes")
SCORE_PREFIX = "score_"


def _name_text(name: Any) -> str:
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return name if isinstance(name, str) else str(name)


def unique_names(raw: Iterable[Any], *, strip: bool = True) -> list[str]:
    """Column names as text, unique: blanks named ``column_N`` (N the 1-based position), duplicates made
    unique as ``a``, ``a.1``, ``a.2``. The first column of a name keeps it, and no new name takes one that
    a column already has. ``strip`` removes spaces around names first (as the readers do for headers)."""
    names = [_name_text(name) for name in raw]
    if strip:
        names = [name.strip() for name in names]
    blank = [not name.strip() for name in names]
    taken = {name for name, b in zip(names, blank) if not b}
    seen: set[str] = set()
    out = []
    for i, (name, b) in enumerate(zip(names, blank), start=1):
        if b or name in seen:
            base = f"column_{i}" if b else name
            name, k = base, 1
            while name in taken:
                name, k = f"{base}.{k}", k + 1
            taken.add(name)
        seen.add(name)
        out.append(name)
    return out


def renamed_repeats(raw: Iterable[Any], names: Sequence[str]) -> list[tuple[str, str]]:
    """``(header, name read as)`` for each column whose header repeats an earlier one, given the header cells
    ``raw`` and the names :func:`unique_names` made of them (blank headers are not listed)."""
    out = []
    for cell, name in zip(raw, names):
        header = _name_text(cell).strip()
        if header and header != name:
            out.append((header, name))
    return out


def tidied_headers(raw: Iterable[Any], names: Sequence[str]) -> list[tuple[str, str]]:
    """``(header, name read as)`` for each column whose header was tidied rather than repeated: a header with
    spaces around it (read without them) and a blank header (read as ``column_N``), given the header cells
    ``raw`` and the names :func:`unique_names` made of them. Repeated headers are :func:`renamed_repeats`'."""
    out = []
    for cell, name in zip(raw, names):
        header = _name_text(cell)
        if header != name and (header.strip() == name or not header.strip()):
            out.append((header, name))
    return out


def evalnlp_names(user: Iterable[Any], ours: Sequence[str]) -> list[str]:
    """The names evalnlp's columns ``ours`` are written under beside the input columns ``user``.

    A column of ``ours`` keeps its name unless an input column has it; then it becomes ``evalnlp_<name>``,
    or ``evalnlp_<name>_2``, ``_3``... when that is taken by an input column or another of ``ours``.
    ``user`` are names as written (see :func:`unique_names`); ``ours`` must be distinct.
    """
    ours = list(ours)
    if len(set(ours)) != len(ours):
        raise ValueError(f"evalnlp's column names must be distinct; got {ours!r}")
    inputs = {_name_text(u) for u in user}
    taken = inputs | {o for o in ours if o not in inputs}
    out = []
    for name in ours:
        if name not in inputs:
            out.append(name)
            continue
        candidate, k = PREFIX + name, 2
        while candidate in taken:
            candidate, k = f"{PREFIX}{name}_{k}", k + 1
        taken.add(candidate)
        out.append(candidate)
    return out


def beside_input(user: pd.DataFrame, ours: pd.DataFrame) -> pd.DataFrame:
    """The input columns ``user`` (in their order, values untouched, names made unique text by
    :func:`unique_names`, spaces kept), then evalnlp's columns ``ours`` under the names
    :func:`evalnlp_names` gives.

    Rows are matched by position: both frames must have the same number of rows. The result has a fresh
    ``RangeIndex``.
    """
    if len(user) != len(ours):
        raise ValueError(f"the input and evalnlp columns must have as many rows; got {len(user)} and {len(ours)}")
    left = user.reset_index(drop=True)
    left.columns = unique_names(user.columns, strip=False)
    right = ours.reset_index(drop=True)
    right.columns = evalnlp_names(left.columns, [str(c) for c in ours.columns])
    if left.columns.empty:
        return right
    return pd.concat([left, right], axis=1)
