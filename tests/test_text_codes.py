"""Codes of text columns (diagnose.metrics._codes): equal to pandas'
factorize, computed once per Arrow array, never stale."""

import gc

import numpy as np
import pandas as pd
import pytest

from diagnose.io.load import TEXT_DTYPE
from diagnose.metrics import _codes
from diagnose.metrics._codes import factorize, label_codes

WORDS = np.array(
    ["b", "a", "é", "A", "zz", "中文", "", "b ", "C10", "C2"], dtype=object
)


def _same_as_pandas(s):
    for missing_group in (False, True):
        got = factorize(s, missing_group=missing_group)
        want = pd.factorize(s, sort=True, use_na_sentinel=not missing_group)
        np.testing.assert_array_equal(got[0], want[0])
        assert got[1].equals(want[1]) and got[1].dtype == want[1].dtype


@pytest.mark.parametrize("seed", range(6))
def test_codes_equal_a_sorted_pandas_factorize(seed):
    rng = np.random.default_rng(seed)
    for trial in range(40):
        n = int(rng.integers(0, 60))
        v = WORDS[rng.integers(0, len(WORDS), n)].copy()
        if trial % 3 == 0:
            v[rng.random(n) < 0.2] = None
        if trial % 4 == 1:  # sorted without missing ids: the linear path
            v = np.sort(np.array([x for x in v if x is not None], dtype=object))
        _same_as_pandas(pd.Series(list(v), dtype=TEXT_DTYPE))


def test_sorted_ids_take_the_run_path_and_keep_code_point_order():
    s = pd.Series(
        ["A", "A", "B", "C10", "C2", "c", "张三", "张三", "李四"], dtype=TEXT_DTYPE
    )
    _same_as_pandas(s)
    codes, uniques = factorize(s)
    assert list(codes) == [0, 0, 1, 2, 3, 4, 5, 5, 6]
    assert list(uniques) == ["A", "B", "C10", "C2", "c", "张三", "李四"]


def test_other_columns_are_coded_by_pandas_every_time():
    for s in (
        pd.Series(["b", None, "a", "b"], dtype=object),
        pd.Series(["b", None, "a", "b"], dtype="category"),
        pd.Series([3, 1, 3]),
    ):
        _same_as_pandas(s)
    mixed = pd.Series(["a", 1, "b", None], dtype=object)
    _same_as_pandas(mixed)  # pandas sorts numbers before text
    codes, labels = label_codes(mixed)
    assert list(codes) == [1, 0, 2, -1] and list(labels) == [1, "a", "b"]


def test_codes_are_cached_per_arrow_array_and_read_only():
    _codes.clear_cache()
    s = pd.Series(["x", "y", None, "x"], dtype=TEXT_DTYPE)
    first = factorize(s)[0]
    again = factorize(s)[0]
    assert again is first  # the second call reuses the codes
    assert not first.flags.writeable
    with pytest.raises(ValueError):
        first[0] = 5
    # a copy of the column shares the Arrow array, hence the codes
    assert factorize(s.copy())[0] is first
    assert factorize(pd.DataFrame({"c": s})["c"])[0] is first


def test_a_changed_column_is_coded_again():
    frame = pd.DataFrame({"owner": pd.Series(["Li", "Wang", "Li"], dtype=TEXT_DTYPE)})
    before = factorize(frame["owner"])
    np.testing.assert_array_equal(before[0], [0, 1, 0])
    frame.loc[2, "owner"] = "Zhao"  # pandas puts a new Arrow array in the column
    after = factorize(frame["owner"])
    np.testing.assert_array_equal(after[0], [0, 1, 2])
    assert list(after[1]) == ["Li", "Wang", "Zhao"]
    frame["owner"] = frame["owner"].str.upper()
    assert list(factorize(frame["owner"])[1]) == ["LI", "WANG", "ZHAO"]


def test_cache_entries_go_with_their_arrays():
    _codes.clear_cache()
    s = pd.Series(["p", "q"], dtype=TEXT_DTYPE)
    factorize(s)
    assert len(_codes._CACHE) == 1
    del s
    gc.collect()
    assert len(_codes._CACHE) == 0
