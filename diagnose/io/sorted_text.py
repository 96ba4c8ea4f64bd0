"""Linear-time coding of text columns that are already sorted.

Exports are often sorted by their id columns (case ids, task ids). Coding such
a column needs no hash table: codes step where a value differs from the one
before. Used by the readers (before falling back to Arrow's hashing
``dictionary_encode``) and by the metrics (case ids of a loaded table).
"""

from __future__ import annotations

import numpy as np

__all__ = ["sorted_run_codes", "dictionary_encode"]

#: Neighbour pairs checked first, spread over the column: an unsorted column
#: is rejected without comparing every pair.
_SAMPLE = 1024


def sorted_run_codes(values):
    """``(codes, starts)`` of a pyarrow string array in non-decreasing order
    (byte order, which is code point order for UTF-8) without nulls, else None.

    ``codes[i]`` numbers the runs of equal values (0, 1, ...; the order of
    first appearance, as :func:`pyarrow.compute.dictionary_encode` and
    :func:`pandas.factorize` give it) and ``starts`` holds the position of
    each run's first row, so ``values.take(starts)`` are the distinct values.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    n = len(values)
    if (
        n < 2
        or values.null_count
        or not (
            pa.types.is_string(values.type) or pa.types.is_large_string(values.type)
        )
    ):
        return None
    if n > 4 * _SAMPLE:  # most columns are not sorted: say so cheaply first
        at = pa.array(np.linspace(0, n - 2, _SAMPLE).astype(np.int64))
        if pc.any(pc.less(values.take(pc.add(at, 1)), values.take(at))).as_py():
            return None
    prev, nxt = values.slice(0, n - 1), values.slice(1)
    if pc.any(pc.less(nxt, prev)).as_py():
        return None
    change = pc.not_equal(nxt, prev).to_numpy(zero_copy_only=False)
    codes = np.empty(n, dtype=np.intp)
    codes[0] = 0
    np.cumsum(change, out=codes[1:])
    starts = np.flatnonzero(np.r_[True, change])
    return codes, starts


def dictionary_encode(values):
    """``(encoded, by_runs)``: :func:`pyarrow.compute.dictionary_encode` of a
    string array, or the same result from :func:`sorted_run_codes` when the
    column is sorted without nulls (``by_runs`` True: then the dictionary is
    in sorted order too)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    found = sorted_run_codes(values)
    if found is None:
        return pc.dictionary_encode(values), False
    codes, starts = found
    index_type = np.int32 if len(values) < 2**31 else np.int64
    encoded = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(index_type, copy=False)), values.take(pa.array(starts))
    )
    return encoded, True
