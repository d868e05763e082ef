"""Parquet through pyarrow, streamed in record batches (never the whole table in memory)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pandas as pd

from evalnlp import errors
from evalnlp.errors import InputError
from evalnlp.ingest._base import Batch, TabularSource, check_chunk_size, frame_batch
from evalnlp.ingest._cells import cell_to_str
from evalnlp.ingest._text import binary_head, describe_error, describe_head


def _corrupt(path: Path, found: str) -> InputError:
    return errors.error("E115", file=path.name, found=found)


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


def _column_values(array) -> list[str | None]:
    import pyarrow as pa

    if pa.types.is_float32(array.type) or pa.types.is_float16(array.type):
        # the shortest text that reads back as the same single-precision number (0.1, not 0.10000000149011612)
        import numpy as np

        return [None if v is None else cell_to_str(float(str(np.float32(v)))) for v in array.to_pylist()]
    values = array.to_pylist()
    if _is_text(array.type):
        return values
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
                data = {name: pd.Series(_column_values(record_batch.column(i)), dtype=object)
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
