"""Cell values and column names, made the same way for every tabular format.

Every cell a reader returns is a Python ``str`` or ``None`` (missing). Non-string values are turned into
text deterministically so that the same input always gives the same documents:

============================  =========================================================
value                         text
============================  =========================================================
``None``, NaN, NaT            ``None`` (missing)
``True`` / ``False``          ``"true"`` / ``"false"``
int, integral float           ``"3"`` (no ``.0``); a whole float past 2**53 in the shortest digits that read
                              back as it (``"10000000000000000"`` for 1e16), in exponent form from 1e21 on
other float                   ``repr``: ``"2.5"``, ``"1e-07"``, ``"1e+21"``, ``"inf"``
a JSON number with a fraction  as written in the file: ``"1.10"``, ``"1e5"``, ``"-0.0"``
datetime at midnight          ISO date ``"2024-01-05"``
other datetime, date, time    ISO 8601 ``"2024-01-05T10:30:00"``
Decimal                       ``str`` (as written)
bytes                         UTF-8 text when valid, otherwise hexadecimal
dict, list, tuple             JSON text, keys in their original order, non-ASCII kept
============================  =========================================================
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
from typing import Any, Iterable

_MAX_EXACT_INT_FLOAT = 2.0**53
#: whole floats below this are written in digits; from it on in exponent form (as JavaScript writes numbers)
_MAX_DIGITS_FLOAT = 1e21


def cell_to_str(value: Any) -> str | None:
    """Return ``value`` as text following the table in this module's docstring."""
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return None
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return _float_to_str(value)
    return _other_to_str(value)


def _float_to_str(value: float) -> str | None:
    if value != value:  # NaN marks a missing value in pandas, pyarrow and spreadsheets
        return None
    if value.is_integer():
        if abs(value) < _MAX_EXACT_INT_FLOAT:
            return "-0" if value == 0 and str(value)[0] == "-" else str(int(value))
        if abs(value) < _MAX_DIGITS_FLOAT:
            # the shortest digits that read back as this float, without the exponent repr would write (``1e+16``):
            # an id past 2**53 reads as the number it is, ``10000000000000000``
            return format(decimal.Decimal(repr(value)), "f").partition(".")[0]
    return repr(value)


class JsonNumber(float):
    """A JSON number with a fraction or an exponent as the file writes it (``json`` hook ``parse_float``): a
    float for any use of its value, its own text as a cell (``1.10`` stays ``1.10``; a number too long for a
    float, such as ``12345678901234567890.5``, keeps every digit)."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> "JsonNumber":
        number = super().__new__(cls, text)
        number.text = text
        return number


def _other_to_str(value: Any) -> str | None:
    if type(value) is JsonNumber:
        return value.text
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas.NA, pandas.NaT
        return None
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return _float_to_str(float(value))
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None and value.time() == _dt.time(0) and not getattr(value, "nanosecond", 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return _duration(value)
    if isinstance(value, decimal.Decimal):
        return None if value.is_nan() else str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex()
    if isinstance(value, (dict, list, tuple)):
        return _nested_json(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "ndim", None) == 0:
        return cell_to_str(item())
    return str(value)


def _duration(value: _dt.timedelta) -> str:
    """A duration as hours, minutes and seconds, as a spreadsheet's ``[h]:mm:ss`` shows it (``36:30:00``, not
    Python's ``1 day, 12:30:00``); a fraction of a second after a point."""
    micro = abs(value) // _dt.timedelta(microseconds=1)
    seconds, micro = divmod(micro, 1_000_000)
    hours, rest = divmod(seconds, 3600)
    text = f"{'-' if value < _dt.timedelta(0) else ''}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return text + (f".{micro:06d}".rstrip("0") if micro else "")


def _nested_json(value: Any) -> str:
    """A nested value as JSON text (``json.dumps``'s layout), each number read from a JSON file as the file
    writes it (``{"q1": 1.10, "q2": 1e5}`` stays so: ``json`` would write ``1.1`` and ``100000.0``)."""
    if type(value) is JsonNumber:
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(k if isinstance(k, str) else str(k), ensure_ascii=False) + ": "
                               + _nested_json(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_nested_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _json_default(value: Any) -> Any:
    """Serialise what ``json`` cannot: dates, decimals, bytes inside nested values."""
    return cell_to_str(value)


def unique_names(raw: Iterable[Any]) -> list[str]:
    """Column names from header cells: stripped, blanks named ``column_N`` (N 1-based), duplicates made
    unique as ``a``, ``a.1``, ``a.2`` (skipping suffixes that are already taken)."""
    from evalnlp.columns import unique_names as unique_text_names

    return unique_text_names(cell_to_str(cell) for cell in raw)
