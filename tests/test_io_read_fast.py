"""The fast (pyarrow) CSV reader gives exactly the frame of the pandas reader,
or steps aside (returns None) so the pandas reader and its messages apply."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnose.io.read import _read_csv, _read_csv_fast, read_table

SAME = {
    "plain": "case,activity,start\nA,x,2023-07-01\nB,y,2023-07-02\n",
    "na_is_text": "case,activity,start\nNA,x,2023-07-01\nN/A,null,nan\n",
    "empty_and_quoted_empty": 'case,activity,start\nA,,2023-07-01\n"",y,\n',
    "spaces_kept": "case,activity,start\n A ,  ,2023-07-01 \n",
    "quoted_newline": 'case,activity,start\nA,"two\nlines",2023-07-01\n',
    "quoted_delimiter": 'case,activity,start\nA,"a, b",2023-07-01\n',
    "crlf": "case,activity,start\r\nA,x,2023-07-01\r\nB,y,\r\n",
    "bom": "\ufeffcase,activity,start\nA,x,2023-07-01\n",
    "semicolon": "case;activity;start\nA;x,1;2023-07-01\n",
    "tab": "case\tactivity\tstart\nA\tx\t2023-07-01\n",
    "chinese": "活动名称,阶段,开始时间\n双十一,策划,2023年7月1日\n",
    "blank_lines": "case,activity,start\n\nA,x,2023-07-01\n\n\nB,y,z\n\n",
    "all_empty_row": "case,activity,start\n,,\nA,x,1\n",
    "header_only": "case,activity,start\n",
    "no_final_newline": "case,activity,start\nA,x,2023-07-01",
    "blank_header": ",activity,start\n0,x,2023-07-01\n1,y,2023-07-02\n",
    "numbers_as_text": "case,activity,start\n007,1.50,45000\n",
}

ASIDE = {
    "repeated_header": "case,case,start\nA,B,2023-07-01\n",
    "short_row": "case,activity,start\nA,x\nB,y,2023-07-02\n",
    "one_column": "activity\nx\ny\n",
    "empty": "",
    "whitespace_only": "  \n \n",
}


@pytest.mark.parametrize("name", sorted(SAME))
def test_fast_reader_matches_pandas_reader(name):
    data = SAME[name].encode("utf-8")
    fast = _read_csv_fast(data)
    assert fast is not None
    frame, codes = fast
    expected = _read_csv(data, "t.csv")
    pd.testing.assert_frame_equal(frame, expected)
    for header in frame.columns:
        col = frame[header]
        assert col.dtype == object
        assert all(
            isinstance(v, str) or (type(v) is float and np.isnan(v)) for v in col
        )
        idx, uniques = codes[header]
        want_idx, want_uniques = pd.factorize(col, sort=False)
        assert list(uniques) == list(want_uniques)
        assert np.array_equal(idx, want_idx)


@pytest.mark.parametrize("name", sorted(ASIDE))
def test_fast_reader_steps_aside(name):
    assert _read_csv_fast(ASIDE[name].encode("utf-8")) is None


def test_not_utf8_steps_aside_and_gb18030_still_reads(tmp_path):
    data = "活动名称,阶段,开始时间\n双十一,策划,2023-07-01\n".encode("gb18030")
    assert _read_csv_fast(data) is None
    path = tmp_path / "gb.csv"
    path.write_bytes(data)
    raw = read_table(path)
    assert list(raw.frame.columns) == ["活动名称", "阶段", "开始时间"]
    assert raw.frame.iloc[0, 0] == "双十一"
    assert raw.codes == {}


def test_invalid_utf8_after_the_sample_steps_aside():
    good = "case,activity,start\n" + "A,x,2023-07-01\n" * 20000
    data = good.encode("utf-8") + "B,策划,2023-07-01\n".encode("gb18030")
    assert _read_csv_fast(data) is None


def test_read_table_csv_gz_keeps_case_named_na(tmp_path):
    import gzip

    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"case,activity,start\nNA,x,2023-07-01\n,y,\n"))
    raw = read_table(path)
    assert raw.frame["case"].iloc[0] == "NA"
    assert raw.frame["case"].isna().iloc[1]
    assert set(raw.codes) == {"case", "activity", "start"}


def test_a_folder_is_not_reported_as_a_missing_file(tmp_path):
    from diagnose.exceptions import DataError

    folder = tmp_path / "export.csv"
    folder.mkdir()
    with pytest.raises(DataError, match=r"export\.csv: is a folder, not a file"):
        read_table(folder)
    with pytest.raises(
        DataError,
        match=r"file not found .*current working folder \(in a notebook: the "
        r"notebook's folder\)",
    ):
        read_table(tmp_path / "missing.csv")
