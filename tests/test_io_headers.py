"""Each header dialect users have becomes the canonical activity table."""

from __future__ import annotations

import hashlib
import warnings

import pandas as pd
import pytest

from diagnose.exceptions import DataError, DataQualityWarning
from diagnose.io import as_activities, load_activities
from diagnose.io.columns import ACTIVITY_COLUMNS, PRIORITIES, STATUSES

T = pd.Timestamp


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _load(source, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load_activities(source, **kw)


def test_english_headers(tmp_path):
    path = _write(
        tmp_path,
        "tasks.csv",
        "Project,Stage,Owner,Start Date,End_Date,Due Date,Priority,Status\n"
        "C1,Plan design,Ann,2023-07-01,2023-07-05,2023-07-06,High,Done\n"
        "C1,Execution,Bob,2023-07-06,,2023-07-20,p0,In Progress\n",
    )
    data = _load(path).data
    assert list(data.columns) == ACTIVITY_COLUMNS
    assert data["case_id"].tolist() == ["C1", "C1"]
    assert data["activity"].tolist() == ["Plan design", "Execution"]
    # a date-only end means "by the end of that day": next day 00:00
    assert data["end"].iloc[0] == T("2023-07-06") and pd.isna(data["end"].iloc[1])
    assert data["due"].tolist() == [T("2023-07-07"), T("2023-07-21")]
    assert data["priority"].tolist() == ["P1", "P0"]
    assert data["status"].tolist() == ["done", "in_progress"]
    assert data["is_open"].tolist() == [False, True]
    assert data["source_row"].tolist() == [2, 3]


def test_simplified_handbook_tracking_table(tmp_path):
    # 营销任务分配与跟踪表, 结束时间 written as 9月1日 (year from the file)
    path = _write(
        tmp_path,
        "跟踪表.csv",
        "项目名称,任务名称,任务描述,负责人,协作人,开始时间,结束时间,优先级,交付物,进度状态,阻塞原因\n"
        "双十一活动,方案策划,写方案,张三,李四,2023-08-28,9月1日,高,方案,已完成,\n"
        "双十一活动,资源协调,约设计,王五,,2023-09-02,,紧急,,阻塞,设计资源不足\n",
    )
    result = _load(path)
    data = result.data
    assert data["end"].iloc[0] == T("2023-09-02")  # 9月1日 written: end of Sept 1
    assert data["description"].iloc[0] == "写方案"
    assert data["collaborators"].iloc[0] == "李四"
    assert data["priority"].tolist() == ["P1", "P0"]
    assert data["status"].tolist() == ["done", "blocked"]
    assert data["blocked_reason"].iloc[1] == "设计资源不足"
    assert "交付物" in result.sources["columns_dropped"].iloc[0]


def test_traditional_headers_and_words(tmp_path):
    path = _write(
        tmp_path,
        "追蹤表.csv",
        "項目名稱,任務名稱,負責人,開始時間,結束時間,優先級,進度狀態,阻塞原因\n"
        "活動A,方案策劃,陳大文,2023/7/1,2023/7/3,緊急,已完成,\n"
        "活動A,跨部門評審,李小明,2023/7/4,,低,進行中,\n"
        "活動A,資源協調,王美玲,2023/7/5,,中,已阻塞,設計資源不足\n",
    )
    data = _load(path).data
    assert data["owner"].tolist() == ["陳大文", "李小明", "王美玲"]
    assert data["status"].tolist() == ["done", "in_progress", "blocked"]
    assert data["priority"].tolist() == ["P0", "P3", "P2"]


def test_task_allocation_table_with_range_cell_and_handbook_ids(tmp_path):
    # 任务分配明细表: no case column; the case comes from the task id
    path = _write(
        tmp_path,
        "分配表.csv",
        "任务ID,子任务名称,任务描述,直接责任人,协作责任人,优先级,起止时间,交付物,所需资源\n"
        "MKT-202307-001-01,需求调研,调研,张三,李四,P1,2023.07.01-07.07,报告,无\n"
        "MKT-202307-001-02,方案策划,方案,李四,,P0,2023.07.08-2023.07.12,方案,设计\n"
        "MKT-202307-002-01,效果复盘,复盘,王五,,P2,2023/7/13~7/14,总结,无\n",
    )
    with pytest.warns(DataQualityWarning, match="no case column"):
        data = load_activities(path).data
    assert data["case_id"].tolist() == [
        "MKT-202307-001",
        "MKT-202307-001",
        "MKT-202307-002",
    ]
    assert data["start"].tolist() == [T("2023-07-01"), T("2023-07-08"), T("2023-07-13")]
    # range ends are inclusive days: 07.01-07.07 ends at 07-08 00:00 (7 days)
    assert data["end"].tolist() == [T("2023-07-08"), T("2023-07-13"), T("2023-07-15")]
    assert data["collaborators"].iloc[0] == "李四"


def test_process_mining_lifecycle_pairs(tmp_path):
    path = _write(
        tmp_path,
        "log.csv",
        "case:concept:name,concept:name,lifecycle:transition,time:timestamp,org:resource,org:group\n"
        "1,A,start,2023-07-01T08:00:00Z,Ann,G1\n"
        "1,A,complete,2023-07-01T09:00:00Z,Ann,G1\n"
        "1,B,complete,2023-07-01T10:00:00Z,Bob,G2\n"
        "1,C,start,2023-07-01T11:00:00Z,Cy,G2\n"
        "1,A,schedule,2023-07-01T07:00:00Z,Ann,G1\n",
    )
    result = _load(path)
    data = result.data
    assert data["activity"].tolist() == ["A", "B", "C"]
    assert data["start"].tolist() == [
        T("2023-07-01 08:00"),
        T("2023-07-01 10:00"),
        T("2023-07-01 11:00"),
    ]
    assert data["end"].iloc[0] == T("2023-07-01 09:00")
    assert data["end"].iloc[1] == data["start"].iloc[1]  # complete-only: instantaneous
    assert data["is_open"].tolist() == [False, False, True]
    assert data["owner"].tolist() == ["Ann", "Bob", "Cy"]
    assert data["department"].tolist() == ["G1", "G2", "G2"]
    assert data["source_row"].tolist() == [2, 4, 5]
    # the schedule event is listed, not silently dropped
    p = result.problems
    assert p[["row", "column", "value", "kept"]].values.tolist() == [
        [6, "lifecycle:transition", "schedule", False]
    ]
    src = result.sources.iloc[0]
    assert (src.n_rows_read, src.n_rows_kept, src.n_rows_set_aside) == (5, 4, 1)


def test_fifo_pairing_with_a_lone_complete_first():
    log = pd.DataFrame(
        {
            "case_id": ["1"] * 3,
            "activity": ["W"] * 3,
            "lifecycle": ["complete", "start", "complete"],
            "timestamp": ["2023-07-01 08:00", "2023-07-01 09:00", "2023-07-01 10:00"],
        }
    )
    data = _load(log).data
    assert list(zip(data["start"], data["end"])) == [
        (T("2023-07-01 08:00"), T("2023-07-01 08:00")),
        (T("2023-07-01 09:00"), T("2023-07-01 10:00")),
    ]


def test_tied_timestamps_keep_file_order():
    log = pd.DataFrame(
        {
            "case_id": ["c"] * 3,
            "activity": ["x", "a", "m"],
            "timestamp": ["2023-07-01 08:00"] * 3,
        }
    )
    assert _load(log).data["activity"].tolist() == ["x", "a", "m"]


def test_case_named_NA_survives(tmp_path):
    path = _write(
        tmp_path,
        "s.csv",
        "Case ID;Activity;Complete Timestamp\n"
        "NA;ER Registration;2014/10/22 11:15:41.000\n"
        "A;ER Registration;2014/10/22 11:27:00.000\n",
    )
    data = _load(path).data
    assert sorted(data["case_id"]) == ["A", "NA"]


def test_jira_export(tmp_path):
    path = _write(
        tmp_path,
        "jira.csv",
        "Summary,Issue key,Issue id,Issue "
        "Type,Status,Priority,Assignee,Created,Resolved,Due Date\n"
        "Write brief,MKT-1,10001,Task,Done,Highest,ann,01/Jul/23 10:15 AM,03/Jul/23 "
        "4:00 PM,05/Jul/23\n"
        "Design,MKT-2,10002,Task,In Progress,Medium,bob,02/Jul/23 9:00 AM,,\n",
    )
    with pytest.warns(DataQualityWarning, match="'Issue key'"):
        data = load_activities(path).data
    assert data["task_id"].tolist() == ["MKT-1", "MKT-2"]
    assert data["case_id"].tolist() == ["MKT-1", "MKT-2"]  # each issue its own case
    assert data["start"].tolist() == [T("2023-07-01 10:15"), T("2023-07-02 09:00")]
    assert data["end"].iloc[0] == T("2023-07-03 16:00")
    assert data["due"].iloc[0] == T("2023-07-06")  # due 05/Jul/23: by its end
    assert data["priority"].tolist() == ["P0", "P2"]
    assert data["status"].tolist() == ["done", "in_progress"]


def test_interval_log(tmp_path):
    path = _write(
        tmp_path,
        "i.csv",
        "case_id,activity,timestamp,start_timestamp\n"
        "C1,place order,2015-01-05T09:02:50Z,2015-01-05T09:00:07Z\n",
    )
    data = _load(path).data
    assert data["start"].iloc[0] == T("2015-01-05 09:00:07")
    assert data["end"].iloc[0] == T("2015-01-05 09:02:50")


def test_explicit_mapping_overrides(tmp_path):
    path = _write(tmp_path, "x.csv", "campaign,step,who,when\nc,a,ann,2023-07-01\n")
    data = _load(path, mapping={"who": "owner", "when": "start"}).data
    assert data["owner"].tolist() == ["ann"]
    assert data["start"].tolist() == [T("2023-07-01")]
    with pytest.raises(DataError, match="mapping names column 'whom'"):
        load_activities(path, mapping={"whom": "owner", "when": "start"})
    with pytest.raises(ValueError, match="must be one of"):
        load_activities(path, mapping={"who": "boss"})


def test_missing_required_column_names_file_columns_and_fix(tmp_path):
    path = _write(
        tmp_path, "tasks_2024Q1.csv", "任务编号,环节,负责人\nT1,方案策划,张三\n"
    )
    with pytest.raises(DataError) as err:
        load_activities(path)
    message = str(err.value)
    assert "tasks_2024Q1.csv: required column 'start' not found" in message
    assert "['任务编号', '环节', '负责人']" in message
    assert "COLUMN_MAP" not in message and "columns.py" not in message
    assert (
        "Fix: rename the header in the file, or pass mapping={'<header in file>': "
        "'start'} (command line: --map '<header in file>=start')." in message
    )
    assert err.value.problems["fix"].tolist() == [
        "rename the header in the file, or pass mapping={'<header>': 'start'} "
        "(command line: --map '<header>=start')"
    ]
    assert err.value.problems["column"].tolist() == ["start"]


def test_unreadable_files(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_activities(tmp_path / "nope.csv")
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="broken.xlsx: not a readable Excel workbook"):
        load_activities(bad)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="empty"):
        load_activities(empty)
    with pytest.raises(DataError, match="unknown file type '.doc'"):
        load_activities(_write(tmp_path, "a.doc", "x"))


def test_gb18030_and_tab_delimiter(tmp_path):
    path = _write(
        tmp_path,
        "gbk.tsv",
        "项目\t任务名称\t开始时间\nA\t调研\t2023-07-01\n",
        encoding="gb18030",
    )
    assert _load(path).data["activity"].tolist() == ["调研"]


def test_xlsx_sheet_choice_native_dates_and_serials(tmp_path):
    path = tmp_path / "book.xlsx"
    first = pd.DataFrame({"note": ["x"]})
    tasks = pd.DataFrame(
        {
            "项目": ["A", "A"],
            "任务名称": ["调研", "策划"],
            "开始时间": [pd.Timestamp("2023-07-01 09:30"), 45110],
            "任务ID": [1, 2],
        }
    )
    with pd.ExcelWriter(path) as writer:
        first.to_excel(writer, sheet_name="说明", index=False)
        tasks.to_excel(writer, sheet_name="任务", index=False)
    data = _load(path, sheet="任务").data
    assert data["start"].tolist() == [T("2023-07-01 09:30"), T("2023-07-03")]
    assert data["task_id"].tolist() == ["1", "2"]
    assert _load(path, sheet=1).data.shape[0] == 2
    with pytest.raises(
        DataError, match=r"no sheet 'Tasks'. Sheets in file: \['说明', '任务'\]"
    ):
        load_activities(path, sheet="Tasks")
    with pytest.raises(DataError, match="'start' not found"):
        load_activities(path)  # first sheet is the notes sheet


def test_parquet_and_gzip(tmp_path):
    frame = pd.DataFrame(
        {
            "case_id": [173688, 173688],
            "activity": ["A", "B"],
            "timestamp": pd.to_datetime(
                ["2011-09-30 22:38:44", "2011-09-30 22:39:00"]
            ).tz_localize("UTC"),
        }
    )
    frame.to_parquet(tmp_path / "log.parquet")
    data = _load(tmp_path / "log.parquet", tz="Europe/Amsterdam").data
    assert data["case_id"].tolist() == ["173688", "173688"]
    assert data["start"].iloc[0] == T("2011-10-01 00:38:44")  # CEST = UTC+2
    frame.to_csv(tmp_path / "log.csv.gz", index=False)
    assert _load(tmp_path / "log.csv.gz").data["start"].iloc[0] == T(
        "2011-09-30 22:38:44"
    )


def test_input_files_are_not_modified(tmp_path):
    path = _write(
        tmp_path,
        "t.csv",
        "项目,任务名称,开始时间,结束时间\nA,x,2023-07-05,2023-07-01\n",
    )
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = _load(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert result.sources["sha256"].iloc[0] == before
    frame = pd.DataFrame({"项目": ["A"], "任务名称": ["x"], "开始时间": ["2023-07-01"]})
    copy = frame.copy()
    _load(frame)
    pd.testing.assert_frame_equal(frame, copy)


def test_dtypes_and_as_activities():
    frame = pd.DataFrame(
        {
            "case_id": ["a"],
            "activity": ["x"],
            "start": ["2023-07-01"],
            "priority": ["P2"],
            "status": ["done"],
            "end": ["2023-07-02"],
        }
    )
    result = _load(frame)
    data = result.data
    assert data["start"].dtype == "datetime64[ns]"
    assert (
        list(data["priority"].cat.categories) == PRIORITIES
        and data["priority"].cat.ordered
    )
    assert list(data["status"].cat.categories) == STATUSES
    assert data["is_open"].dtype == bool and data["source_row"].dtype == "int64"
    from diagnose.io.load import TEXT_DTYPE

    # every text column is pandas' Arrow-backed str with NaN for missing
    assert data["case_id"].dtype == TEXT_DTYPE and str(data["owner"].dtype) == "str"
    assert data["owner"].isna().all() and data.loc[0, "case_id"] == "a"
    assert as_activities(result) is data
    assert result.to_frame() is data and len(result) == 1
    minimal = as_activities(
        pd.DataFrame({"case_id": ["a"], "activity": ["x"], "start": [T("2023-07-01")]})
    )
    assert list(minimal.columns) == ACTIVITY_COLUMNS and minimal["is_open"].all()
    with pytest.raises(DataError, match="required column 'start' not found"):
        as_activities(pd.DataFrame({"case_id": ["a"], "activity": ["x"]}))


def test_year_needed_when_the_file_has_none(tmp_path):
    path = _write(tmp_path, "t.csv", "项目,任务名称,开始时间\nA,x,7月15日\n")
    with pytest.raises(DataError, match="t.csv: dates without a year .*pass year="):
        load_activities(path)
    assert _load(path, year=2024).data["start"].iloc[0] == T("2024-07-15")


def test_ambiguous_headers_warn_and_use_the_canonical_one():
    frame = pd.DataFrame(
        {
            "case": ["c"],
            "concept:name": ["A"],
            "Activity": ["B"],
            "timestamp": ["2023-07-01"],
        }
    )
    with pytest.warns(
        DataQualityWarning, match=r"all mean 'activity'; using 'Activity'"
    ):
        data = load_activities(frame).data
    assert data["activity"].tolist() == ["B"]


def test_sorted_run_codes_equal_arrow_dictionary_encode():
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from diagnose.io.read import _dictionary_encode
    from diagnose.io.sorted_text import sorted_run_codes

    rng = np.random.default_rng(0)
    ids = np.sort(rng.integers(0, 3000, 9000).astype(str))  # sorted as text
    cases = [
        list(ids),  # long: the sample check runs first
        ["", "", "A", "Z", "a", "a", "é", "中", "中"],  # byte = code point order
        ["x", "x"],
    ]
    for values in cases:
        col = pa.array(values)
        codes, starts = sorted_run_codes(col)
        ref = pc.dictionary_encode(col)
        assert codes.tolist() == ref.indices.to_pylist()
        assert col.take(pa.array(starts)).equals(ref.dictionary)
        enc = _dictionary_encode(col)
        assert enc.indices.equals(ref.indices) and enc.dictionary.equals(ref.dictionary)
    chunked = pa.chunked_array([list(ids[:4000]), list(ids[4000:])])
    assert (
        sorted_run_codes(chunked)[0].tolist()
        == pc.dictionary_encode(chunked.combine_chunks()).indices.to_pylist()
    )
    # not sorted, nulls, one value, not text: None (Arrow's hashing is used)
    # one inversion the spread-out sample of 1024 pairs does not see: the
    # full check must still reject it
    sampled = set(np.linspace(0, ids.size - 2, 1024).astype(int).tolist())
    j = next(i for i in range(4500, 9000) if ids[i] != ids[i + 1] and i not in sampled)
    late = list(ids)
    late[j], late[j + 1] = late[j + 1], late[j]
    assert sorted_run_codes(pa.array(late)) is None
    assert sorted_run_codes(pa.array(["b", "a"])) is None
    assert sorted_run_codes(pa.array(["a", None, "b"])) is None
    assert sorted_run_codes(pa.array(["a"])) is None
    assert sorted_run_codes(pa.array([1, 2, 3])) is None
    shuffled = pa.array(rng.permutation(ids))
    enc = _dictionary_encode(shuffled)
    ref = pc.dictionary_encode(shuffled)
    assert enc.indices.equals(ref.indices) and enc.dictionary.equals(ref.dictionary)


def test_repeated_header_is_named_with_its_columns(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(
        "项目名称,子任务名称,开始时间,结束时间,开始时间\n"
        "MKT-1,需求调研,2024-06-01,2024-06-03,2024-06-02\n",
        encoding="utf-8",
    )
    with pytest.warns(DataQualityWarning) as caught:
        result = load_activities(path)
    messages = [str(w.message) for w in caught]
    assert messages == [
        "dup.csv: 2 columns are headed '开始时间' (columns C, E); using the first "
        "(column C) as 'start'. Fix: give each column its own header, or pass "
        "mapping={'开始时间.1': 'start'} (command line: --map '开始时间.1=start') "
        "to use column E instead."
    ]
    assert caught[0].filename == __file__  # points at the caller's line
    assert result.data["start"].tolist() == [pd.Timestamp("2024-06-01")]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        chosen = load_activities(path, mapping={"开始时间.1": "start"})
    assert chosen.data["start"].tolist() == [pd.Timestamp("2024-06-02")]


def test_repeated_unused_header_is_not_warned_about(tmp_path):
    path = tmp_path / "dup_notes.csv"
    path.write_text(
        "case_id,activity,start,note,note\nC1,A,2024-06-01,x,y\n", encoding="utf-8"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        result = load_activities(path)
    assert result.sources["columns_dropped"].iloc[0] == "note, note.1"
