"""Parquet through pyarrow, streamed in record batches (never the whole table in memory).

A timestamp column is read with its time of day on every value, midnight too (`2024-03-02T00:00:00`).
A binary column (bytes: some writers store text so, without marking it as text) is read as UTF-8 text; a value
in it that is not UTF-8, or holds a control character other than tab, line and page breaks (a zero byte, say),
refuses the file (E115) naming the column and the row: bytes are never stored as if they were words.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pandas as pd

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.ingest._base import Batch, TabularSource, check_chunk_size, frame_batch
from evalnlp.ingest._cells import cell_to_str
from evalnlp.ingest._text import binary_head, describe_error, describe_head


def _corrupt(path: Path, found: str) -> InputError:
    return errors.error("E115", "damaged", file=path.name, found=found)


def _open_file(path: Path):
    import pyarrow.parquet as pq

    head = binary_head(path)
    if not head.startswith(b"PAR1"):
        raise _corrupt(path, f"the file is {describe_head(head)}")
    try:
        return pq.ParquetFile(path)
    except Exception as err:  # pyarrow.ArrowInvalid, OSError ...
        raise _corrupt(path, describe_error(err)) from None


def _is_text(arrow_type) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or (
        hasattr(pa.types, "is_string_view") and pa.types.is_string_view(arrow_type))


def _is_binary(arrow_type) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return (pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type)
            or pa.types.is_fixed_size_binary(arrow_type)
            or (hasattr(pa.types, "is_binary_view") and pa.types.is_binary_view(arrow_type)))


#: control characters that are not text's own whitespace (tab, line feed, vertical tab, form feed, return)
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _binary_text(path: Path, column: str, values: list, first_row: int) -> list[str | None]:
    """The values of a binary column as text; E115 at the first one that is not UTF-8 text."""
    out: list[str | None] = []
    for k, value in enumerate(values):
        if value is None:
            out.append(None)
            continue
        problem = None
        try:
            text = bytes(value).decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"is not UTF-8 text (byte {exc.start} is 0x{value[exc.start]:02x})"
        else:
            bad = _CONTROL.search(text)
            if bad:
                problem = f"holds the control character U+{ord(bad.group()):04X} at character {bad.start()}"
        if problem:
            raise errors.error("E115", "binary", file=path.name, column=column, row=first_row + k, problem=problem)
        out.append(text)
    return out


def _column_values(array, path: Path, column: str, first_row: int) -> list[str | None]:
    import pyarrow as pa

    if pa.types.is_float32(array.type) or pa.types.is_float16(array.type):
        # the shortest text that reads back as the same single-precision number (0.1, not 0.10000000149011612)
        import numpy as np

        return [None if v is None else cell_to_str(float(str(np.float32(v)))) for v in array.to_pylist()]
    if pa.types.is_timestamp(array.type):
        # a timestamp column's type says every value has a time of day: one at midnight keeps it (``T00:00:00``),
        # rather than reading as a date beside the column's other timestamps
        return [None if v is None else v.isoformat() for v in array.to_pylist()]
    values = array.to_pylist()
    if _is_text(array.type):
        return values
    if _is_binary(array.type):
        return _binary_text(path, column, values, first_row)
    return [cell_to_str(v) for v in values]


class ParquetSource(TabularSource):
    """A Parquet file."""

    def batches(self, chunk_size: int = 50_000) -> Iterator[Batch]:
        check_chunk_size(chunk_size)
        pf = _open_file(self.path)
        start = 0
        try:
            for record_batch in pf.iter_batches(batch_size=chunk_size):
                n = record_batch.num_rows
                if not n:
                    continue
                data = {name: pd.Series(_column_values(record_batch.column(i), self.path, name, start + 1),
                                        dtype=object)
                        for i, name in enumerate(self.columns)}
                frame = pd.DataFrame(data)
                locators = [f"row {k}" for k in range(start + 1, start + n + 1)]
                start += n
                yield frame_batch(frame, locators, [])
        except (OSError, ValueError) as err:  # damaged pages are found while decoding
            raise _corrupt(self.path, f"damaged data after row {start} ({describe_error(err)})") from None
        finally:
            pf.close()


def open_parquet(path: Path) -> ParquetSource:
    """Open a Parquet file and check its footer; E104 if it has no rows."""
    pf = _open_file(path)
    try:
        names = list(pf.schema_arrow.names)
        n_rows = pf.metadata.num_rows
    finally:
        pf.close()
    source = ParquetSource(path, "parquet", [])
    source.set_header(names)
    if n_rows == 0:
        raise errors.error("E104", "parquet", file=path.name, listed=', '.join(repr(c) for c in source.columns[:8]))
    return source
