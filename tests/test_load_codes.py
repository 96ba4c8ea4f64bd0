"""The per-value (codes) loading path gives the same table from CSV, Parquet
and a DataFrame, whatever the readers' encodings (issue 7 rewrite)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities
from diagnose.io.read import read_table

T = pd.Timestamp

# messy on purpose: padded and blank cells, a repeated task id, a duplicate
# row, status/priority words, an unknown status, a row without a start, cases
# out of order and tied starts (file order must decide)
MESSY = pd.DataFrame(
    {
        "case_id": ["C2", " C1", "C1", "C1", "C2", "C3", "C1", "C2"],
        "activity": ["b", "a", "b ", "c", "a", "a", "b ", "c"],
        "start": [
            "2023-07-03 09:00",
            "2023-07-01",
            "2023-07-02 10:00",
            "2023-07-02 10:00",
            "2023-07-01 08:00",
            "",
            "2023-07-02 10:00",
            "2023-07-03 09:00",
        ],
        "end": [
            "2023-07-04 12:00",
            "2023-07-01",
            "",
            "2023-07-05 17:00",
            "2023-07-02",
            "2023-07-09",
            "",
            "2023-07-06",
        ],
        "task_id": ["T5", "T1", "T2", "T3", "T4", "T6", "T2", " T5"],
        "status": ["Done", "已完成", "进行中", "done", "closed", "", "进行中", "maybe"],
        "priority": ["P1", "高", "p0", "", "Low", "P2", "p0", "urgent"],
    }
)


def _load(source, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load_activities(source, **kw)


def _expected_rows():
    # sorted by case, start, file row (ties: rows 4, 5 and 2, 9); row 7 (T6)
    # has no start and row 8 repeats every cell of row 4: both set aside
    return [3, 4, 5, 6, 2, 9]


def test_messy_table_from_csv(tmp_path):
    path = tmp_path / "t.csv"
    MESSY.to_csv(path, index=False)
    result = _load(path)
    data = result.data
    assert data["source_row"].tolist() == _expected_rows()
    assert data["case_id"].tolist() == ["C1", "C1", "C1", "C2", "C2", "C2"]
    assert data["activity"].tolist() == ["a", "b", "c", "a", "b", "c"]
    assert data["status"].astype(object).tolist() == [
        "done",
        "in_progress",
        "done",
        "done",
        "done",
        np.nan,
    ]
    assert data["priority"].astype(object).tolist() == [
        "P1",
        "P0",
        np.nan,
        "P3",
        "P1",
        "P0",
    ]
    aside = result.problems[~result.problems["kept"]]
    assert sorted(aside["row"]) == [7, 8]
    kept = result.problems[result.problems["kept"]]
    assert set(zip(kept["row"], kept["problem"])) == {
        (9, "task ID used more than once"),  # " T5" is T5 once stripped
        (9, "is not a known status"),
    }


@pytest.mark.parametrize("row_group_size", [None, 3])
def test_parquet_and_dataframe_give_the_csv_table(tmp_path, row_group_size):
    csv = tmp_path / "t.csv"
    MESSY.to_csv(csv, index=False)
    want = _load(csv)
    table = pa.Table.from_pandas(MESSY.replace("", None), preserve_index=False)
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=row_group_size)
    got = _load(path)
    pd.testing.assert_frame_equal(got.data, want.data)
    pd.testing.assert_frame_equal(
        got.problems.drop(columns="file"), want.problems.drop(columns="file")
    )
    same = _load(MESSY)
    pd.testing.assert_frame_equal(same.data, want.data)


def test_parquet_row_groups_with_their_own_dictionaries(tmp_path):
    # each row group has its own dictionary: the reader unifies them
    path = tmp_path / "t.parquet"
    parts = [
        pd.DataFrame({"case_id": ["A", "B"], "activity": ["x", "y"]}),
        pd.DataFrame({"case_id": ["C", "A"], "activity": ["y", "z"]}),
    ]
    with pq.ParquetWriter(
        path,
        pa.schema(
            [
                ("case_id", pa.string()),
                ("activity", pa.string()),
                ("start", pa.timestamp("ns")),
            ]
        ),
    ) as writer:
        for i, part in enumerate(parts):
            part["start"] = pd.to_datetime(["2023-07-01 09:00", "2023-07-02 09:00"])
            part["start"] += pd.Timedelta(days=10 * i)
            writer.write_table(pa.Table.from_pandas(part, preserve_index=False))
    raw = read_table(path, lazy=True)
    codes, uniques = raw.codes["case_id"]
    assert list(np.append(uniques, "-")[codes]) == ["A", "B", "C", "A"]
    data = _load(path).data
    assert data["case_id"].tolist() == ["A", "A", "B", "C"]
    assert data["activity"].tolist() == ["x", "z", "y", "y"]
    assert data["start"].tolist() == [
        T("2023-07-01 09:00"),
        T("2023-07-12 09:00"),
        T("2023-07-02 09:00"),
        T("2023-07-11 09:00"),
    ]


def test_lazy_raw_table_builds_columns_on_demand(tmp_path):
    path = tmp_path / "t.csv"
    MESSY.to_csv(path, index=False)
    eager, lazy = read_table(path), read_table(path, lazy=True)
    assert list(lazy.frame.columns) == [] and lazy.headers == list(MESSY.columns)
    pd.testing.assert_series_equal(lazy.column("status"), eager.frame["status"])
    pick = np.array([False, True, False, False, False, False, False, True])
    pd.testing.assert_frame_equal(lazy.rows_frame(pick), eager.frame[pick])


def test_parquet_categorical_with_unused_categories(tmp_path):
    frame = pd.DataFrame(
        {
            "case_id": pd.Categorical(["B", "A", "B"], categories=["Z", "B", "A"]),
            "activity": ["x", "y", "z"],
            "start": pd.to_datetime(["2023-07-01 09:00"] * 3),
        }
    )
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, index=False)
    raw = read_table(path, lazy=True)
    codes, uniques = raw.codes["case_id"]
    assert list(uniques) == ["B", "A"] and list(codes) == [0, 1, 0]  # no "Z"
    data = _load(path).data
    assert data["case_id"].tolist() == ["A", "B", "B"]
    assert data["activity"].tolist() == ["y", "x", "z"]


def _many_ids(order: str) -> pd.DataFrame:
    """6,000 tasks with (nearly) unique ids: one id used twice, one padded,
    some blank owners; rows sorted by id, or shuffled."""
    n = 6000
    frame = pd.DataFrame(
        {
            "case_id": [f"C{i // 6:05d}" for i in range(n)],
            "activity": [f"step {i % 6}" for i in range(n)],
            "start": pd.date_range("2023-07-03", periods=n, freq="h").astype(str),
            "task_id": [f"T-{i:06d}" for i in range(n)],
            "owner": [("" if i % 97 == 0 else f"p{i % 13}") for i in range(n)],
        }
    )
    frame.loc[4000, "task_id"] = "T-003999"  # used twice
    frame.loc[10, "task_id"] = " T-000010"  # padded: the same id once stripped
    if order == "shuffled":
        frame = frame.sample(frac=1, random_state=3).reset_index(drop=True)
    return frame


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_many_valued_text_columns_from_parquet_as_from_csv(tmp_path, order):
    # a Parquet writer gives up its dictionary for columns of mostly distinct
    # values (ids): the reader reads those as strings and codes them itself,
    # by runs when sorted; the result must be the CSV's, problems included
    from diagnose.io.read import _plain_text_columns

    frame = _many_ids(order)
    csv = tmp_path / "t.csv"
    frame.to_csv(csv, index=False)
    want = _load(csv)
    path = tmp_path / "t.parquet"
    table = pa.Table.from_pandas(frame.replace("", None), preserve_index=False)
    pq.write_table(table, path, dictionary_pagesize_limit=4096)
    meta = pq.ParquetFile(path).metadata
    plain = _plain_text_columns(meta, ["case_id", "activity", "task_id", "owner"])
    assert "task_id" in plain and not {"activity", "owner"} & plain
    got = _load(path)
    pd.testing.assert_frame_equal(got.data, want.data)
    pd.testing.assert_frame_equal(
        got.problems.drop(columns="file"), want.problems.drop(columns="file")
    )
    reused = got.problems[got.problems["problem"] == "task ID used more than once"]
    assert len(reused) == 1
    pd.testing.assert_frame_equal(_load(frame).data, want.data)


def test_text_array_paths_give_the_same_column():
    # rows in the order of their distinct values (an id column) reuse the
    # Arrow values as they are; any other coding takes them row by row
    from diagnose.io.load import TEXT_DTYPE, text_array

    values = np.array(["a", "b", "c", np.nan], dtype=object)
    arrow = pa.array(["a", "b", "c"])
    for codes, want in (
        ([0, 1, 2], ["a", "b", "c"]),  # identity: no take
        ([2, 0, 1], ["c", "a", "b"]),  # same length, permuted
        ([0, -1, 2], ["a", None, "c"]),  # a missing cell
        ([1, 1], ["b", "b"]),
    ):
        got = text_array(values, np.array(codes), arrow)
        assert got.dtype == TEXT_DTYPE
        cells = pd.Series(got)
        assert cells.isna().tolist() == [w is None for w in want]
        assert cells.dropna().tolist() == [w for w in want if w is not None]
        plain = text_array(values, np.array(codes))  # without the Arrow values
        pd.testing.assert_extension_array_equal(got, plain)


def test_clean_reader_strings_stay_in_arrow_until_asked():
    # values that need no cleaning are not turned into Python strings while
    # loading; asking for them (cells, isna, values) gives what the eager
    # path gives
    import pyarrow as pa

    from diagnose.io.load import _Coded, _norm_uniques
    from diagnose.io.read import LazyUniques

    clean = pa.array(["A-1", "A-2", "中文"], type=pa.string())
    lazy = LazyUniques(clean)
    assert lazy._objects is None and len(lazy) == 3
    merged: list = []
    assert _norm_uniques(lazy, clean, merged, lazy=True) is None
    assert merged == [False, False] and lazy._objects is None
    eager = _norm_uniques(lazy, clean)  # without lazy: the array
    assert list(eager[:-1]) == ["A-1", "A-2", "中文"] and pd.isna(eager[-1])
    # a value to strip: cleaned as before, even when lazy is asked for
    dirty = pa.array([" A-1", "A-2", "  "], type=pa.string())
    got = _norm_uniques(LazyUniques(dirty), dirty, [], lazy=True)
    assert list(got[:2]) == ["A-1", "A-2"] and pd.isna(got[2])
    codes = np.array([2, -1, 0, 1, 2])
    lazy_col = _Coded(codes, None, True, clean)
    eager_col = _Coded(codes, eager, True)
    np.testing.assert_array_equal(lazy_col.isna(), eager_col.isna())
    for idx in (np.array([0, 1, 4]), codes >= 1):
        np.testing.assert_array_equal(
            pd.isna(lazy_col.cells(idx)), pd.isna(eager_col.cells(idx))
        )
        same = ~pd.isna(eager_col.cells(idx))
        assert list(lazy_col.cells(idx)[same]) == list(eager_col.cells(idx)[same])
    assert lazy_col.text_array().equals(eager_col.text_array())
    assert list(lazy_col.values[:-1]) == ["A-1", "A-2", "中文"]
    with pytest.raises(ValueError):
        _Coded(codes, None)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet", "frame"])
def test_text_column_blank_in_every_row_loads(tmp_path, fmt):
    """An owner / 阻塞原因 column nobody filled in is common; it loads as all
    missing (it used to raise IndexError in every reader)."""
    table = pd.DataFrame(
        {
            "项目名称": ["MKT-1", "MKT-1"],
            "任务名称": ["需求调研", "方案策划"],
            "开始时间": ["2024-06-03 09:00", "2024-06-05 09:00"],
            "结束时间": ["2024-06-04 18:00", "2024-06-06 18:00"],
            "负责人": [None, None],
            "阻塞原因": [None, None],
        }
    )
    if fmt == "frame":
        source = table
    else:
        source = tmp_path / f"t.{fmt}"
        if fmt == "csv":
            table.to_csv(source, index=False)
        elif fmt == "xlsx":
            table.to_excel(source, index=False)
        else:
            table.to_parquet(source, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        res = load_activities(source)
    assert len(res.data) == 2 and len(res.problems) == 0
    assert res.data["owner"].isna().all() and res.data["blocked_reason"].isna().all()
    assert list(res.data["activity"]) == ["需求调研", "方案策划"]


def test_header_only_file_loads_empty(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("case_id,activity,start,end,owner\n", encoding="utf-8")
    res = load_activities(path)
    assert len(res.data) == 0 and len(res.problems) == 0
