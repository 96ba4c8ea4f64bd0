"""The generator plants what truth.json says, and data_samples/ is regenerable.

Checks recompute everything from the generated frames with plain pandas and an
independent working-day calendar (holidays CN, incl. make-up days 调休).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest

from diagnose.io.columns import ACTIVITY_COLUMNS, STAGES
from diagnose.samples import generate, write_samples

SAMPLES = Path(__file__).resolve().parents[1] / "data_samples"

EN = [s["en"] for s in STAGES]
ZH = [s["zh"] for s in STAGES]


# -- helpers: an independent working-time clock --------------------------------


def _calendar(first="2023-10-01", last="2026-12-31") -> np.ndarray:
    cn = holidays.country_holidays("CN", years=range(2023, 2027))
    days = pd.date_range(first, last)
    return np.array(
        [d for d in days.date if cn.is_working_day(d)], dtype="datetime64[D]"
    )


CAL = _calendar()


def wt(ts: pd.Series) -> np.ndarray:
    """Working days since 09:00 of CAL[0]: day index + share of 09:00-18:00."""
    ts = pd.to_datetime(ts)
    day = ts.dt.normalize().to_numpy().astype("datetime64[D]")
    idx = np.searchsorted(CAL, day).astype(float)
    minutes = (ts.dt.hour * 60 + ts.dt.minute).to_numpy(dtype=float)
    out = idx + (minutes - 540) / 540
    out[ts.isna().to_numpy()] = np.nan
    return out


def handoff_waits(acts: pd.DataFrame) -> pd.DataFrame:
    """One row per consecutive pair of stages in a case: from, to, wait (days)."""
    a = acts.reset_index(drop=True)
    prev = a.groupby("case_id", sort=False).shift(1)
    out = pd.DataFrame(
        {
            "case_id": a["case_id"],
            "team": a["team"],
            "from": prev["activity"],
            "to": a["activity"],
            "wait": wt(a["start"]) - wt(prev["end"]),
            "first": a["start"],
        }
    )
    return out.dropna(subset=["from", "wait"])


@pytest.fixture(scope="module")
def big():
    # far-away as_of and no stalls: every case completes, so nothing is censored
    return generate(
        seed=11, n_cases=6000, as_of="2025-12-31", open_share=0.0, n_respondents=600
    )


# -- shape and determinism -------------------------------------------------------


def test_canonical_columns_and_types():
    d = generate(seed=1)
    a = d.activities
    assert list(a.columns) == ACTIVITY_COLUMNS
    for c in ("start", "end", "due", "planned_start", "planned_end"):
        assert pd.api.types.is_datetime64_any_dtype(a[c]), c
    assert a["start"].notna().all()
    assert set(a["status"]) <= {"in_progress", "done", "blocked"}  # not-started omitted
    assert (a["is_open"] == a["end"].isna()).all()
    assert (a.loc[a["is_open"], "status"].isin(["in_progress", "blocked"])).all()
    assert (a.loc[~a["is_open"], "status"] == "done").all()
    assert a.loc[a["status"] == "blocked", "blocked_reason"].notna().all()
    assert a.loc[a["status"] != "blocked", "blocked_reason"].isna().all()
    assert (a["end"].dropna() >= a.loc[a["end"].notna(), "start"]).all()
    assert a["task_id"].is_unique
    assert a["case_id"].str.fullmatch(r"MKT-\d{6}-\d{3}").all()
    assert a["task_id"].str.fullmatch(r"MKT-\d{6}-\d{3}-\d{2}").all()
    assert set(a["priority"]) <= {"P0", "P1", "P2", "P3"}
    assert (a.groupby("case_id")["priority"].first() == "P0").mean() < 0.15
    assert (a["source_row"] == np.arange(2, len(a) + 2)).all()


def test_same_seed_same_data_other_seed_other_data():
    a, b = generate(seed=5), generate(seed=5)
    pd.testing.assert_frame_equal(a.activities, b.activities)
    pd.testing.assert_frame_equal(a.survey, b.survey)
    pd.testing.assert_frame_equal(a.kpis, b.kpis)
    assert a.truth == b.truth
    c = generate(seed=6)
    assert not a.activities["start"].equals(c.activities["start"])


def test_language_changes_labels_only():
    en, zh = generate(seed=4, language="en"), generate(seed=4, language="zh")
    for c in ("case_id", "start", "end", "due", "status", "team", "priority"):
        pd.testing.assert_series_equal(en.activities[c], zh.activities[c])
    assert set(zh.activities["activity"]) <= set(ZH)
    assert set(en.activities["activity"]) <= set(EN)
    assert set(zh.activities["department"]) <= {
        "市场部",
        "设计部",
        "产品部",
        "销售部",
        "数据部",
    }
    pd.testing.assert_series_equal(en.survey["score"], zh.survey["score"])


def test_bad_arguments_are_named():
    with pytest.raises(
        ValueError, match="'bottleneck' parameter of generate must be one of"
    ):
        generate(bottleneck="slow_design")
    with pytest.raises(ValueError, match="'language' parameter"):
        generate(language="fr")


# -- calendar ------------------------------------------------------------------------


def test_work_happens_on_working_days_in_working_hours():
    a = generate(seed=2, n_cases=3000).activities
    cn = holidays.country_holidays("CN", years=range(2023, 2027))
    for col in ("start", "end", "due"):
        days = pd.to_datetime(a[col].dropna().dt.date.unique())
        off = [d.date() for d in days if not cn.is_working_day(d.date())]
        assert off == [], f"{col} on days off: {off[:5]}"
        t = a[col].dropna()
        minutes = t.dt.hour * 60 + t.dt.minute
        assert minutes.between(9 * 60, 18 * 60).all()
    # the make-up Saturdays/Sundays (调休) are used as working days
    weekend = a["start"][a["start"].dt.dayofweek >= 5].dt.date.unique()
    assert len(weekend) > 0
    assert dt.date(2024, 2, 10) not in set(a["start"].dt.date)  # Spring Festival


# -- process order and rework ------------------------------------------------------


def test_stages_in_order_except_planted_rework():
    d = generate(seed=3, n_cases=2000, rework_rate=0.2)
    a = d.activities
    plain, rework = EN, EN[:3] + EN[1:3] + EN[3:]
    seqs = a.groupby("case_id", sort=False)["activity"].agg(list)
    n_rework = 0
    for seq in seqs:
        ok = seq == plain[: len(seq)] or seq == rework[: len(seq)]
        assert ok, seq
        n_rework += seq[:5] == rework[:5]
    starts_sorted = a.groupby("case_id", sort=False)["start"].apply(
        lambda s: s.is_monotonic_increasing
    )
    assert starts_sorted.all()
    assert n_rework / len(seqs) == pytest.approx(0.2, abs=0.03)


# -- the planted bottleneck ----------------------------------------------------------


def test_resource_wait_median_matches_truth(big):
    w = handoff_waits(big.activities)
    med = w.groupby(["from", "to"])["wait"].median()
    planted = big.truth["bottleneck_median_days"]
    assert big.truth["bottleneck_location"] == "Resource coordination -> Execution"
    assert med["Resource coordination", "Execution"] == pytest.approx(planted, rel=0.08)
    others = med.drop(("Resource coordination", "Execution"))
    assert (others < 0.5).all()
    for key, value in big.truth["median_wait_days"].items():
        src, dst = key.split(" -> ")
        if (src, dst) in med.index:
            assert med[src, dst] == pytest.approx(value, rel=0.15, abs=0.05)


def test_slow_review_is_the_slow_stage():
    d = generate(seed=8, n_cases=3000, bottleneck="slow_review", pilot_team=None)
    a = d.activities[~d.activities["is_open"]]
    first = a.drop_duplicates(["case_id", "activity"])  # rework repeats are shorter
    dur = pd.Series(wt(first["end"]) - wt(first["start"]), index=first.index)
    ratio = dur.groupby(first["activity"]).median() / pd.Series(
        {s["en"]: s["limit_days"] for s in STAGES if s["limit_days"]}
    )
    assert ratio.idxmax() == "Cross-department review" == d.truth["bottleneck_location"]
    assert dur.groupby(first["activity"]).median()[
        "Cross-department review"
    ] == pytest.approx(d.truth["bottleneck_median_days"], rel=0.08)
    assert ratio.drop("Cross-department review").max() < 1.1


def test_no_bottleneck_means_nothing_stands_out():
    d = generate(seed=9, n_cases=3000, bottleneck=None, pilot_team=None)
    assert d.truth["bottleneck_location"] is None and d.truth["weak_dimension"] is None
    w = handoff_waits(d.activities)
    forward = w[w["from"].map(EN.index) + 1 == w["to"].map(EN.index)]
    med = forward.groupby(["from", "to"])["wait"].median()
    assert len(med) == 5
    assert med.max() / med.min() < 1.4
    a = d.activities[~d.activities["is_open"]].drop_duplicates(["case_id", "activity"])
    dur = (
        pd.Series(wt(a["end"]) - wt(a["start"]), index=a.index)
        .groupby(a["activity"])
        .median()
    )
    limits = pd.Series({s["en"]: s["limit_days"] for s in STAGES if s["limit_days"]})
    ratio = dur[limits.index] / limits
    assert ratio.between(0.6, 1.0).all()


# -- the pilot ------------------------------------------------------------------------


def test_difference_in_differences_recovers_pilot_effect(big):
    a = big.activities
    g = a.groupby("case_id").agg(
        first=("start", "min"), last=("end", "max"), team=("team", "first")
    )
    g["log_ct"] = np.log(wt(g["last"]) - wt(g["first"]))
    g["pilot_period"] = g["first"] >= pd.Timestamp(big.truth["pilot_start"])
    m = g.groupby(["team", "pilot_period"])["log_ct"].mean().unstack()
    change = m[True] - m[False]
    did = change["Team A"] - change.drop("Team A").mean()
    assert did == pytest.approx(big.truth["did_log_cycle_time"], abs=0.04)
    assert np.exp(did) == pytest.approx(big.truth["cycle_time_ratio"], abs=0.03)
    # the common trend biases the naive before/after comparison
    assert change.drop("Team A").mean() > 0.02
    assert change["Team A"] == pytest.approx(
        big.truth["naive_log_change_pilot_team"], abs=0.04
    )


def test_overdue_rate_drops_for_the_pilot_team_only(big):
    od = big.truth["observed_overdue_rate"]
    assert od["Team A"]["pilot"] < 0.5 * od["Team A"]["baseline"]
    assert od["Team A"]["pilot"] <= 0.15
    for team in ("Team B", "Team C"):
        assert od[team]["pilot"] > 0.8 * od[team]["baseline"]
    # recompute for one cell from the frame
    a = big.activities
    sel = (a["team"] == "Team B") & (
        a.groupby("case_id")["start"].transform("min")
        < pd.Timestamp(big.truth["pilot_start"])
    )
    assert (a.loc[sel, "end"] > a.loc[sel, "due"]).mean() == pytest.approx(
        od["Team B"]["baseline"], abs=0.001
    )


# -- survey ---------------------------------------------------------------------------


def _scored(d):
    s = d.survey.copy()
    rev = s["item"].isin(d.settings["reverse_items"])
    s.loc[rev, "score"] = 6 - s.loc[rev, "score"]
    dim = {i: k for k, items in d.settings["dimensions"].items() for i in items}
    return s.assign(dimension=s["item"].map(dim))


def test_survey_weak_dimension_reliability_and_shift(big):
    s = _scored(big)
    means = s.groupby("dimension")["score"].mean()
    assert means.idxmin() == big.truth["weak_dimension"] == "Collaboration efficiency"
    wide = s.pivot(index="respondent", columns="item", values="score")
    for items in big.settings["dimensions"].values():
        x = wide[items]
        k = len(items)
        alpha = k / (k - 1) * (1 - x.var(ddof=1).sum() / x.sum(axis=1).var(ddof=1))
        assert 0.7 <= alpha <= 0.88, (items, alpha)
    cell = (
        s.groupby(["team", "period", "respondent"])["score"]
        .mean()
        .groupby(["team", "period"])
        .mean()
        .unstack()
    )
    change = cell["pilot"] - cell["baseline"]
    did = change["Team A"] - change.drop("Team A").mean()
    assert did == pytest.approx(big.truth["survey_did_observed"], abs=1e-3)
    assert did == pytest.approx(big.truth["survey_shift"], abs=0.15)
    assert set(big.survey["score"].unique()) <= {1, 2, 3, 4, 5}


def test_comments_mention_the_pain():
    d = generate(seed=7)
    text = " ".join(d.comments["comment"])
    assert "等待设计资源" in text or "设计资源" in text
    assert "waiting for design" in text.lower()


# -- scale ----------------------------------------------------------------------------


def test_kpis_and_benchmarks():
    d = generate(seed=7)
    assert list(d.kpis.columns) == [
        "case_id",
        "metric",
        "target",
        "actual",
        "period",
        "owner",
    ]
    assert set(d.kpis["metric"]) == {"leads", "conversion_rate", "budget"}
    assert set(d.kpis["case_id"]) <= set(d.activities["case_id"])
    bm = d.benchmarks.set_index("metric")
    assert (
        bm.loc["cycle_time", "value"] == 15
        and bm.loc["cycle_time", "direction"] == "lower"
    )


# -- committed files ---------------------------------------------------------------


def _content(path: Path):
    """What must match between a committed sample and its regeneration.

    Text files: the bytes. Workbooks: every sheet's name, cell values and
    column widths, because the bytes of an ``.xlsx`` depend on whether
    openpyxl finds lxml and on the zlib build, not on the data.
    """
    if path.suffix != ".xlsx":
        return path.read_bytes()
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [
        (
            ws.title,
            [list(r) for r in ws.iter_rows(values_only=True)],
            {k: d.width for k, d in ws.column_dimensions.items()},
            ws.freeze_panes,
        )
        for ws in wb.worksheets
    ]


def test_committed_samples_match_regeneration(tmp_path):
    paths = write_samples(tmp_path, seed=7, as_of="2024-06-30")
    for name, path in paths.items():
        committed = SAMPLES / name
        assert committed.exists(), name
        assert _content(committed) == _content(path), (
            f"{name} differs: run 'diagnose samples --out data_samples --seed 7'"
        )
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 300_000


def test_committed_truth_is_consistent_with_committed_tasks():
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv", parse_dates=["start", "end", "due"])
    assert tasks["case_id"].nunique() == truth["n_cases"]
    assert len(tasks) == truth["n_rows"]
    w = handoff_waits(tasks)
    obs = w[(w["from"] == "Resource coordination") & (w["to"] == "Execution")][
        "wait"
    ].median()
    assert obs == pytest.approx(
        truth["observed_median_wait_days"]["Resource coordination -> Execution"],
        abs=0.002,
    )


def test_committed_files_load_cleanly():
    load = pytest.importorskip("diagnose.io.load")
    en = load.load_activities(SAMPLES / "tasks_en.csv")
    zh = load.load_activities(SAMPLES / "tasks_zh.xlsx")
    assert en.problems.empty and zh.problems.empty
    assert len(en.data) == len(zh.data)
    for c in ("start", "end", "due"):
        pd.testing.assert_series_equal(
            en.data[c].reset_index(drop=True), zh.data[c].reset_index(drop=True)
        )
    assert list(zh.data["status"].value_counts().sort_index().index)[:1]
    survey = load.load_survey(SAMPLES / "survey.csv")
    assert survey.problems.empty
    assert set(survey.data["item"]) == {f"q{i}" for i in range(1, 11)}
    kpis = load.load_kpis(SAMPLES / "kpis.csv")
    raw = pd.read_csv(SAMPLES / "kpis.csv")
    np.testing.assert_allclose(kpis.data["target"], raw["目标值"])
    np.testing.assert_allclose(kpis.data["actual"], raw["实际值"])


def test_load_sample():
    from diagnose.datasets import load_sample

    assert load_sample("truth")["bottleneck"] == "resource_wait"
    assert load_sample("settings").reverse_items == ["q3", "q7", "q10"]
    raw = load_sample("tasks", raw=True)
    assert raw["case_id"].nunique() == 120
    with pytest.raises(
        ValueError, match="'name' parameter of load_sample must be one of"
    ):
        load_sample("task")


def test_cli_writes_a_large_table(tmp_path):
    from diagnose.cli import main

    assert (
        main(
            ["samples", "--out", str(tmp_path), "--rows", "5000", "--format", "parquet"]
        )
        == 0
    )
    t = pd.read_parquet(tmp_path / "tasks_large.parquet")
    assert len(t) == 5000
    assert t["start"].notna().all()
