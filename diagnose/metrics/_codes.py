"""Integer codes of text columns, computed once per column.

Every metric numbers the labels of a text column (case ids, stages, owners,
departments) before it works on integer arrays. A loaded table's text columns
are Arrow arrays, and an Arrow array never changes: when a cell is set, pandas
puts a new array in the column. So the codes of such a column are kept with
the Arrow array itself (weakly: they are dropped when the array is), and every
later metric call on the same table reuses them instead of hashing a million
labels again. The cache cannot go stale: a changed column is a new array.

Columns of any other kind (object, categorical, numbers) are coded on every
call, exactly as :func:`pandas.factorize` codes them.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
import pandas as pd

__all__ = ["factorize", "label_codes", "clear_cache"]

# id(arrow array) -> (weakref to it, (codes, uniques)); codes sorted by label,
# -1 for missing, read-only
_CACHE: dict[int, tuple[weakref.ref, tuple[np.ndarray, pd.Index]]] = {}
_LOCK = threading.Lock()


def factorize(column: pd.Series, *, missing_group: bool = False):
    """``pandas.factorize(column, sort=True, use_na_sentinel=not missing_group)``.

    Parameters
    ----------
    column : pandas.Series
    missing_group : bool, default=False
        False: missing labels get code -1. True: they form one more group,
        coded after every label, and ``uniques`` ends with the missing value
        (as ``use_na_sentinel=False`` gives it).

    Returns
    -------
    codes : numpy.ndarray of intp
        Read-only when it comes from the cache (copy before changing it).
    uniques : pandas.Index
        The distinct labels in sorted order (code point order for text).

    Raises
    ------
    TypeError
        When the labels cannot be sorted (mixed types), as pandas raises it.
    """
    sorted_ = _arrow_sorted_codes(column)
    if sorted_ is None:
        return pd.factorize(column, sort=True, use_na_sentinel=not missing_group)
    codes, uniques = sorted_
    if not missing_group:
        return codes, uniques
    missing = codes < 0
    if not missing.any():
        return codes, uniques
    k = len(uniques)
    grouped = np.where(missing, k, codes)
    grouped.flags.writeable = False
    return grouped, uniques.append(pd.Index([np.nan], dtype=uniques.dtype))


def clear_cache() -> None:
    """Forget every cached column (tests; memory is freed with the arrays
    anyway)."""
    with _LOCK:
        _CACHE.clear()


def _arrow_array(column):
    """The Arrow array behind an Arrow-backed text column, else None."""
    dtype = column.dtype
    if not isinstance(dtype, pd.StringDtype) or dtype.storage != "pyarrow":
        return None
    return column.array.__arrow_array__()


def _arrow_sorted_codes(column):
    """Sorted codes (-1: missing) and uniques of an Arrow-backed text column,
    from the cache or computed once; None for other columns."""
    arrow = _arrow_array(column)
    if arrow is None:
        return None
    key = id(arrow)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0]() is arrow:
        codes, uniques = hit[1]
        return codes, _as_index(uniques, column.dtype)
    codes, uniques = _compute(arrow)
    codes.flags.writeable = False
    try:
        ref = weakref.ref(arrow, lambda _r, key=key: _forget(key, _r))
    except TypeError:  # not weakly referenceable: do not cache
        return codes, _as_index(uniques, column.dtype)
    with _LOCK:
        _CACHE[key] = (ref, (codes, uniques))
    return codes, _as_index(uniques, column.dtype)


def _forget(key: int, ref) -> None:
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is ref:
            del _CACHE[key]


def _as_index(uniques, dtype) -> pd.Index:
    return pd.Index(pd.array(uniques, dtype=dtype))


def _compute(arrow):
    """(codes, uniques) of a pyarrow string array: runs when it is sorted
    (exported ids), else Arrow's hash encoding with the distinct values
    sorted afterwards (a sort of the few distinct values, not of the rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from diagnose.io.sorted_text import dictionary_encode

    encoded, by_runs = dictionary_encode(arrow)
    dictionary = encoded.dictionary
    index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    if by_runs:  # sorted, no missing value: codes are already sorted
        return index.astype(np.intp, copy=False), dictionary
    order = pc.array_sort_indices(dictionary).to_numpy(zero_copy_only=False)
    rank = np.empty(order.size + 1, dtype=np.intp)
    rank[order] = np.arange(order.size)
    rank[-1] = -1  # index -1 (missing) reads the last slot
    return rank[index], dictionary.take(pa.array(order))


def label_codes(column: pd.Series):
    """``(codes, labels)`` with codes equal exactly where the labels of
    ``column`` are equal (-1 for missing): :func:`factorize` when the labels
    sort, else pandas' codes in order of first appearance. The codes may be
    read-only."""
    try:
        return factorize(column)
    except TypeError:  # mixed types cannot be sorted
        return pd.factorize(column)
