"""diagnose(): the result object, headline metrics and benchmark comparison."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.diagnosis import DiagnosisResult, diagnose, latest_timestamp
from diagnose.io.load import load_activities, load_benchmarks
from diagnose.metrics.benchmarks import compare_to_benchmarks, headline_metrics
from diagnose.samples import generate


@pytest.fixture(scope="module")
def sample():
    return generate(seed=7, n_cases=120, bottleneck="slow_review")


@pytest.fixture(scope="module")
def result(sample):
    d = sample
    return diagnose(
        d.activities, d.survey, d.kpis, d.benchmarks, d.settings, as_of=d.truth["as_of"]
    )


def test_result_parts(result, sample):
    assert isinstance(result, DiagnosisResult)
    assert result.to_frame() is result.bottlenecks
    assert result.bottlenecks.iloc[0]["location"] == sample.truth["bottleneck_location"]
    assert result.as_of == pd.Timestamp(sample.truth["as_of"])
    for name in (
        "stages",
        "handoffs",
        "overdue",
        "sla",
        "workload",
        "rework",
        "survey",
        "benchmarks",
    ):
        assert len(getattr(result, name)) > 0, name
    assert result.data_quality.empty
    with pytest.raises(Exception):
        result.as_of = None  # frozen


def test_summary_and_html(result):
    text = result.summary()
    lines = text.splitlines()
    assert 3 <= len(lines) - 1 <= 6
    assert "Cross-department review" in lines[1] and "high" in lines[1]
    assert "benchmark" in text
    html = result._repr_html_()
    assert "<table" in html and "<script" not in html
    # benchmark lines speak in readable names and units, not column names
    bm = result.benchmarks.set_index("metric")
    ct = bm.loc["cycle_time_days"]
    expected = (
        f"Median cycle time: {ct.value:.1f} working days, "
        f"{'worse' if ct.worse else 'better'} than the benchmark 15.0 working days"
    )
    assert expected in text
    assert "cycle_time_days" not in text and "overdue_rate" not in text


def test_benchmark_value_formatting():
    from diagnose.metrics.benchmarks import format_value, metric_label

    assert format_value(0.179126, "share") == "18%"
    assert format_value(0.0439, "share") == "4.4%"
    assert format_value(23.0104, "working_days") == "23.0 working days"
    assert format_value(23.0104, "working_days", "zh") == "23.0 个工作日"
    assert format_value(3.1153, "score_1_5") == "3.12"
    assert format_value(float("nan"), "share") == "–"
    assert metric_label("overdue_rate", "zh") == "逾期率"
    assert metric_label("leads") == "leads"  # the user's own KPI name


def test_html_escapes():
    df = pd.DataFrame(
        {
            "case_id": ["c", "c"],
            "activity": ["<script>x</script>", "b"],
            "start": pd.to_datetime(["2024-03-04", "2024-03-05"]),
            "end": pd.to_datetime(["2024-03-05", "2024-03-06"]),
        }
    )
    r = diagnose(df, as_of="2024-03-08")
    assert "<script>x" not in r._repr_html_()
    assert "&lt;script&gt;" in r._repr_html_()


def test_to_dict_is_json(result):
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False, ensure_ascii=False)
    back = json.loads(text)
    assert back["bottlenecks"][0]["priority"] == 1
    assert {r["metric"] for r in back["headline"]} >= {
        "cycle_time_days",
        "overdue_rate",
        "satisfaction",
        "conversion_rate",
    }
    assert "Wilson" in back["scoring_rule"]
    # the process map and the overload check travel too; the case table not
    assert [r["from_activity"] for r in back["transitions"]] == result.transitions[
        "from_activity"
    ].tolist()
    assert len(back["overload_delay"]) == len(result.overload_delay)
    assert "cases" not in back


def test_headline_values_against_direct_computation(sample):
    d = sample
    h = headline_metrics(d.activities, as_of=d.truth["as_of"]).set_index("metric")
    assert list(h.index) == [
        "cycle_time_days",
        "cycle_time_p85",
        "overdue_rate",
        "sla_breach_rate",
        "rework_rate",
        "flow_efficiency",
        "throughput_per_week",
        "handoff_late_rate",
        "handoff_wait_days",
    ]
    # rework: the generator sends a known share of cases back once
    rw = h.loc["rework_rate"]
    assert rw["ci_low"] <= d.truth["observed_rework_share"] <= rw["ci_high"]
    assert rw["value"] == pytest.approx(d.truth["observed_rework_share"], abs=0.03)
    low, high = stats.wilson_interval(round(rw["value"] * rw["n"]), rw["n"])
    assert rw["ci_low"] == pytest.approx(float(low))
    # KM median lies inside its CI, and the CI is not degenerate
    ct = h.loc["cycle_time_days"]
    assert ct["ci_low"] <= ct["value"] <= ct["ci_high"]
    assert ct["ci_low"] > 0.5 * ct["value"]
    assert h.loc["cycle_time_p85", "value"] > ct["value"]
    for m in (
        "overdue_rate",
        "sla_breach_rate",
        "flow_efficiency",
        "handoff_late_rate",
    ):
        assert 0 <= h.loc[m, "value"] <= 1


def test_compare_to_benchmarks_by_hand():
    metrics = pd.DataFrame(
        {
            "metric": ["cycle_time_days", "overdue_rate", "flow_efficiency"],
            "value": [22.0, 0.12, 0.5],
            "ci_low": [20.0, 0.08, 0.4],
            "ci_high": [24.0, 0.16, 0.6],
        }
    )
    bench = pd.DataFrame(
        {
            "metric": ["cycle_time", "逾期率", "flow_efficiency", "nps"],
            "value": [15.0, 10.0, 0.45, 30.0],
            "statistic": ["mean", "rate", "median", "mean"],
            "direction": ["lower", "lower", "higher", "higher"],
            "unit": ["days", "%", "share", "score"],
            "source": "x",
        }
    )
    out = compare_to_benchmarks(metrics, bench).set_index("metric")
    ct = out.loc["cycle_time_days"]
    assert ct["gap"] == pytest.approx(7.0) and ct["gap_pct"] == pytest.approx(7 / 15)
    assert ct["worse"] and ct["beyond_noise"]
    assert ct["note"] == "benchmark is a mean, the metric a median"
    od = out.loc["overdue_rate"]
    assert od["benchmark"] == pytest.approx(0.10)  # 10 % -> 0.10
    assert od["worse"] and not od["beyond_noise"]  # 0.10 inside [0.08, 0.16]
    fe = out.loc["flow_efficiency"]
    assert fe["gap"] == pytest.approx(0.05) and not fe["worse"]
    assert (
        np.isnan(out.loc["nps", "value"]) and out.loc["nps", "note"] == "not measured"
    )
    assert not out.loc["nps", "worse"]


def test_loadresult_inputs_and_data_quality(tmp_path, sample):
    acts = sample.activities.copy()
    csv = acts.assign(start=acts["start"].astype(str))
    csv.loc[3, "start"] = "not a date"
    path = tmp_path / "acts.csv"
    csv.to_csv(path, index=False)
    with pytest.warns(Warning, match="unreadable dates"):
        loaded = load_activities(path)
    bench = load_benchmarks(sample.benchmarks)
    r = diagnose(loaded, benchmarks=bench, as_of=sample.truth["as_of"])
    assert len(r.data_quality) >= 1
    assert set(r.data_quality["table"]) == {"activities"}
    assert r.benchmarks.set_index("metric").loc["cycle_time_days", "benchmark"] == 15.0


def test_latest_timestamp():
    df = pd.DataFrame(
        {
            "case_id": ["a", "a"],
            "activity": ["x", "y"],
            "start": pd.to_datetime(["2024-03-04 00:00", "2024-03-05 10:00"]),
            "end": pd.to_datetime(["2024-03-06 09:30", pd.NaT]),
        }
    )
    assert latest_timestamp(df) == pd.Timestamp("2024-03-06 09:30")


def test_every_table_uses_the_settings_calendar():
    # One case through National Day 2024 (China: Oct 1-7 off, Sun Sep 29 and
    # Sat Oct 12 worked). A US team's settings must measure every table on
    # the US calendar: stage "b" (Mon Sep 30 -> Tue Oct 8, 00:00) lasts 6 US
    # working days (Sep 30, Oct 1-4, Oct 7) but 1 Chinese one (Sep 30); the
    # wait before it (a ends Fri Sep 27 00:00 -> Mon Sep 30 00:00) is 1 US
    # working day (Friday) and 2 Chinese ones (Friday and the make-up Sunday).
    acts = pd.DataFrame(
        {
            "case_id": ["c1", "c1"],
            "activity": ["a", "b"],
            "start": pd.to_datetime(["2024-09-23", "2024-09-30"]),
            "end": pd.to_datetime(["2024-09-27", "2024-10-08"]),
            "department": ["x", "y"],
            "owner": ["p", "q"],
        }
    )
    us = diagnose(acts, settings={"country": "US"}, as_of="2024-10-31")
    cn = diagnose(acts, settings={"country": "CN"}, as_of="2024-10-31")
    stage = us.stages.set_index("activity")
    assert stage.loc["b", "median_days"] == 6.0
    assert stage.loc["b", "median_wait_before"] == 1.0
    assert cn.stages.set_index("activity").loc["b", "median_days"] == 1.0
    assert cn.stages.set_index("activity").loc["b", "median_wait_before"] == 2.0
    # the handoff x -> y and the stage transition a -> b: the same wait
    assert us.handoffs["median_wait_working_days"].tolist() == [1.0]
    assert cn.handoffs["median_wait_working_days"].tolist() == [2.0]
    edge = us.transitions.iloc[0]
    assert (edge["from_activity"], edge["to_activity"], edge["n"]) == ("a", "b", 1)
    assert edge["median_wait_working_days"] == 1.0
    assert np.isnan(edge["median_wait_ci_low"])  # one pair: no interval
    # the case table (the report's cycle-time chart): Mon Sep 23 -> Tue Oct 8
    # 00:00 is 11 US working days (Sep 23-27, Sep 30-Oct 4, Oct 7) and 7
    # Chinese ones (Sep 23-27, the make-up Sun Sep 29, Sep 30)
    assert us.cases["cycle_working_days"].tolist() == [11.0]
    assert cn.cases["cycle_working_days"].tolist() == [7.0]
    assert us.cases["department"].tolist() == ["x"]  # tie: the first sorted


def test_activities_after_as_of_are_a_data_quality_note(tmp_path):
    """An as_of inside the data's period leaves later activities uncounted;
    the result says how many (counted here straight from the file)."""
    import warnings

    from diagnose.io.load import load_activities

    path = tmp_path / "acts.csv"
    path.write_text(
        "case_id,activity,start,end\n"
        "C1,A,2024-01-02 09:00,2024-01-03 17:00\n"
        "C1,B,2024-01-10 09:00,2024-01-11 17:00\n"
        "C2,A,2024-01-04 09:00,2024-01-05 17:00\n"
        "C2,B,2024-01-12 09:00,\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acts = load_activities(path)
        acts.data["due"] = acts.data["end"]  # due dates: no "no due" note
        mid = diagnose(acts, as_of="2024-01-08")
        before = diagnose(acts, as_of="2023-12-01")
        after = diagnose(acts, as_of="2024-01-31")
    note = mid.data_quality
    assert len(note) == 1 and pd.isna(note["row"].iloc[0])
    assert note["problem"].iloc[0] == (
        "2 of 4 activities start after as_of, so no metric counts them"
    )
    assert note["file"].iloc[0] == "acts.csv" and note["column"].iloc[0] == "start"
    assert "first start is 2024-01-02" in note["fix"].iloc[0]
    assert (
        before.data_quality["problem"]
        .iloc[0]
        .endswith("(nothing had started by as_of)")
    )
    assert after.data_quality.empty


def test_no_due_dates_are_a_whole_file_note_in_both_languages(tmp_path):
    """An activity file without a single due date gets one whole-file note in
    result.data_quality (so scan --json and the API have it too), naming the
    file by its name, in the result's language."""
    import warnings

    from diagnose.io.load import load_activities

    path = tmp_path / "acts.csv"
    path.write_text(
        "case_id,activity,start,end\nC1,A,2024-01-02,2024-01-03\n", encoding="utf-8"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        acts = load_activities(path)
        results = {
            lang: diagnose(acts, as_of="2024-01-31", language=lang)
            for lang in ("en", "zh")
        }
        late = diagnose(acts, as_of="2023-12-01", language="zh").data_quality
    for lang, (problem, fix) in {
        "en": (
            "no due dates: overdue rates cannot be measured",
            "add a due column (截止时间/due)",
        ),
        "zh": ("没有截止日期：无法计算逾期率", "添加截止日期列（截止时间/due）"),
    }.items():
        dq = results[lang].data_quality
        assert dq[["file", "column", "problem", "fix", "kept", "table"]].to_dict(
            "records"
        ) == [
            {
                "file": "acts.csv",
                "column": "due",
                "problem": problem,
                "fix": fix,
                "kept": True,
                "table": "activities",
            }
        ]
        assert pd.isna(dq["row"].iloc[0])
    start = late[late["column"] == "start"]
    assert start["problem"].tolist() == [
        "1 项活动中有 1 项在 as_of 之后才开始，任何指标都不计入"
        "（截至 as_of 尚无活动开始）"
    ]
