"""End to end: sample pilot configs, charts, and coverage on simulated pilots."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnose.compare.pilot import analyse_pilot, compare_pilot
from diagnose.compare.simulate import simulate_cases
from diagnose.plots.compare import (
    plot_before_after,
    plot_did,
    plot_effects,
    plot_pretrend,
)

PILOTS = Path(__file__).parents[1] / "data_samples" / "pilots"


@pytest.fixture(scope="module")
def team_a():
    return compare_pilot(PILOTS / "pilot-team-a.yaml", n_resamples=2000, n_boot=199)


def test_compare_pilot_team_a(team_a):
    r = team_a
    eff = r.effects
    assert set(eff["metric"]) == {"cycle_time", "overdue_rate", "satisfaction"}
    prim = eff[eff["primary"]]
    assert prim.groupby("metric").size().eq(1).all()
    did_row = prim[prim["metric"] == "cycle_time"].iloc[0]
    assert did_row["comparison"] == "DiD"
    # one pilot team: the method says why team-level errors were not used
    assert "only 1 pilot" in did_row["method"]
    assert list(r.targets["metric"]) == ["cycle_time", "overdue_rate", "satisfaction"]
    assert r.verdict.decision in {"roll out", "extend the pilot", "stop"}
    assert r.summary().startswith("Recommendation:")
    assert r.pretrend is not None and r.pretrend.n_months >= 3
    assert {"metric", "mde", "underpowered"} <= set(r.mde.columns)
    assert list(r.data_quality.columns)[:3] == ["file", "row", "column"]
    assert "<table" in r._repr_html_()
    assert r.to_frame().shape[0] == len(eff)


def test_placebo_pilot_is_not_rolled_out():
    r = compare_pilot(PILOTS / "pilot-team-b-zh.yaml", n_resamples=2000, n_boot=199)
    assert r.verdict.decision != "roll out"
    assert r.summary().startswith("建议：")


def test_charts_return_axes(team_a):
    cases = team_a.cases
    ax = plot_before_after(cases[cases["group"].notna()])
    assert ax.get_yscale() == "log" and len(ax.get_xticks()) == 4
    ax = plot_did(cases, switch=team_a.config.switch)
    assert len(ax.get_lines()) >= 3
    ax = plot_pretrend(team_a.pretrend)
    assert ax.get_title()
    ax = plot_effects(team_a.effects, team_a.targets)
    assert len(ax.get_yticks()) == len(team_a.effects)


def test_pipeline_core_on_a_clear_simulated_effect():
    cases = simulate_cases(
        1, effect=math.log(0.5), n_pilot=6, n_control=6, cases_per_team=60
    )
    out = analyse_pilot(
        cases,
        targets={"cycle_time": {"change": "-20%"}},
        n_resamples=1000,
        n_boot=199,
        switch="2024-01-01",
    )
    assert "wild cluster restricted bootstrap" in out["did"].method
    assert out["did"].ci_low < math.log(0.5) < out["did"].ci_high
    assert out["verdict"].decision == "roll out"


@pytest.mark.slow
def test_coverage_and_false_rollout_small():
    # The full run (200 seeds) is benchmarks/coverage_pilot.py; this is 40 seeds.
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "coverage_pilot", Path(__file__).parents[1] / "benchmarks" / "coverage_pilot.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.run(40, n_boot=199)
    assert 0.85 <= res["coverage"] <= 1.0
    assert res["roll_out_null"] <= 0.10
    assert np.isfinite(res["roll_out_effect"])
    # overdue rate on null pilots, tasks late together within a case (200
    # seeds: 94 % coverage, 6 % rejected; without the Rao–Scott adjustment
    # 84 % and 16 %)
    assert res["overdue_coverage_null"] >= 0.85
    assert res["overdue_rejected_null"] <= 0.15
    # the pilot group's before/after intervals against its true change of
    # median (trend and season included; 200 seeds: 95 %)
    assert res["before_after_diff_coverage"] >= 0.85
    assert res["before_after_ratio_coverage"] >= 0.85


def test_simulated_truth_is_the_population_median():
    # the truth of simulate_cases against the medians of a very large draw
    # from the same teams: within sampling error (about 0.2 % here)
    cases, truth = simulate_cases(
        5, effect=math.log(0.75), cases_per_team=40_000, return_truth=True
    )
    seen = cases.groupby(["group", "period"])["duration"].median()
    for group in ("pilot", "control"):
        for period in ("before", "after"):
            assert seen[(group, period)] == pytest.approx(
                truth[group][period], rel=0.01
            )
    # the planted effect shows against the control group's change
    ratio = (truth["pilot"]["after"] / truth["pilot"]["before"]) / (
        truth["control"]["after"] / truth["control"]["before"]
    )
    assert 0.6 < ratio < 0.9  # exp(log 0.75) with the teams' shocks
    # the cases themselves do not depend on asking for the truth
    pd.testing.assert_frame_equal(
        simulate_cases(5, effect=math.log(0.75), cases_per_team=40_000), cases
    )


def test_pilot_cycle_times_use_the_settings_calendar(tmp_path):
    # the same pilot with a US team's settings: cycle times in US working days
    import yaml

    from diagnose.io.load import load_activities
    from diagnose.metrics import case_durations
    from diagnose.workdays import get_calendar

    settings = yaml.safe_load((PILOTS.parent / "settings.yaml").read_text("utf-8"))
    settings["country"] = "US"
    (tmp_path / "settings.yaml").write_text(yaml.safe_dump(settings), "utf-8")
    config = yaml.safe_load((PILOTS / "pilot-team-a.yaml").read_text("utf-8"))
    config["data"] = {"activities": str(PILOTS.parent / "tasks_en.csv")}
    config["settings"] = str(tmp_path / "settings.yaml")
    config["metrics"] = ["cycle_time"]
    config["targets"] = {"cycle_time": {"change": "-20%"}}
    (tmp_path / "pilot.yaml").write_text(yaml.safe_dump(config), "utf-8")
    res = compare_pilot(tmp_path / "pilot.yaml", n_resamples=200, n_boot=99)
    acts = load_activities(PILOTS.parent / "tasks_en.csv").data
    want = case_durations(
        acts,
        as_of=config["as_of"],
        calendar=get_calendar(None, country="US"),
        final_stages=settings.get("final_stages", []),
    )
    got = res.cases.set_index("case_id")["duration"]
    want = want.set_index("case_id")["cycle_working_days"]
    np.testing.assert_allclose(got.loc[want.index], want.to_numpy())
    cn = case_durations(acts, as_of=config["as_of"])  # the Chinese calendar
    assert not np.allclose(got.loc[cn["case_id"]], cn["cycle_working_days"])


def test_pilot_overdue_rate_is_adjusted_for_tasks_of_one_case(team_a):
    # the design effect of each period, recomputed from the pilot's tasks
    # clustered by case, is the one the comparison used
    from diagnose.io.load import load_activities
    from diagnose.metrics import overdue
    from diagnose.stats import design_effect

    acts = load_activities(PILOTS.parent / "tasks_en.csv").data
    od = overdue(acts, as_of=team_a.config.as_of)
    # open tasks not yet due at as_of may still be late: outcome unknown, so
    # not counted as on time (the sample has some in the pilot period)
    assert od["is_pending"].sum() > 0
    info = team_a.cases.set_index("case_id")[["group", "period"]]
    wait = od[od["is_pending"]].join(info, on="case_id")
    n_wait = int(((wait["group"] == "pilot") & wait["period"].notna()).sum())
    assert n_wait > 0
    assert (
        f"Overdue rate: {n_wait} pilot task(s) not yet due at as_of, outcome "
        "unknown; left out of the rate." in team_a.notes
    )
    od = od[od["outcome_known"]]
    tasks = od[["case_id", "is_overdue"]].join(info, on="case_id")
    pilot = tasks[tasks["group"] == "pilot"]
    deff = []
    for period in ("before", "after"):
        g = pilot[pilot["period"] == period].groupby("case_id")["is_overdue"]
        deff.append(design_effect(g.sum(), g.size()))
    assert min(deff) > 1  # a case's tasks are late together in the sample
    row = team_a.effects[team_a.effects["metric"] == "overdue_rate"].iloc[0]
    assert "Rao–Scott" in row["method"]
    assert f"design effect {deff[0]:.2f} before, {deff[1]:.2f} after" in row["method"]


def test_simulated_tasks_are_late_together_within_a_case():
    from diagnose.compare.simulate import simulate_tasks
    from diagnose.stats import design_effect

    cases = simulate_cases(3)
    tasks = simulate_tasks(cases, 3, tasks_per_case=6)
    assert len(tasks) == 6 * len(cases)
    assert set(tasks.columns) == {"case_id", "group", "period", "is_overdue"}
    assert abs(tasks["is_overdue"].mean() - 0.25) < 0.03  # Beta(1, 3) mean
    g = tasks.groupby("case_id")["is_overdue"]
    # intra-case correlation 1 / (a + b + 1) = 0.2: deff = 1 + 5 * 0.2 = 2
    assert 1.6 < design_effect(g.sum(), g.size()) < 2.4
    shifted = simulate_tasks(cases, 3, effect=-2.0)
    after = (shifted["group"] == "pilot") & (shifted["period"] == "after")
    assert shifted.loc[after, "is_overdue"].mean() < 0.1
    assert abs(shifted.loc[~after, "is_overdue"].mean() - 0.25) < 0.03


def test_overdue_note_when_a_period_has_tasks_of_one_case():
    # before: tasks of many cases; after: all tasks of one case (design effect
    # not estimable): the comparison still runs and a note says the interval
    # treats those tasks as independent
    from diagnose.compare.simulate import simulate_tasks

    cases = simulate_cases(4)
    tasks = simulate_tasks(cases, 4)
    after = tasks["period"] == "after"
    one = tasks.loc[after & (tasks["group"] == "pilot"), "case_id"].iloc[0]
    tasks.loc[after, "case_id"] = one
    for lang, text in (
        ("en", "the pilot period's tasks come from a single case"),
        ("zh", "试点期的任务只来自一个项目"),
    ):
        out = analyse_pilot(
            cases,
            targets={"cycle_time": {"change": "-20%"}},
            tasks=tasks,
            metrics=("cycle_time", "overdue_rate"),
            n_resamples=200,
            n_boot=99,
            with_pretrend=False,
            language=lang,
        )
        assert any(text in n for n in out["notes"]), out["notes"]
        row = out["effects"][out["effects"]["metric"] == "overdue_rate"].iloc[0]
        assert np.isfinite(row["ci_low"])


def test_pilot_with_one_finished_pilot_case_keeps_the_other_metrics():
    # an early check: the pilot period has 1 finished and 2 open cases. The
    # median comparison is skipped with a note (it crashed with "'after'
    # parameter of compare_durations"); the KM row, overdue and satisfaction
    # stay, and the verdict is "extend the pilot"
    rng = np.random.default_rng(1)
    before = pd.DataFrame(
        {
            "team": "A",
            "group": "pilot",
            "period": "before",
            "duration": rng.lognormal(2, 0.4, 20).round(1),
            "is_open": False,
        }
    )
    after = pd.DataFrame(
        {
            "team": "A",
            "group": "pilot",
            "period": "after",
            "duration": [4.0, 6.0, 9.0],
            "is_open": [False, True, True],
        }
    )
    cases = pd.concat([before, after], ignore_index=True)
    cases["case_id"] = [f"C{i}" for i in range(len(cases))]
    tasks = pd.DataFrame(
        {
            "group": "pilot",
            "period": ["before"] * 30 + ["after"] * 6,
            "is_overdue": ([True] * 9 + [False] * 21) + [True, False] * 3,
            "case_id": [f"C{i % 20}" for i in range(30)] + ["C20", "C21"] * 3,
        }
    )
    scores = pd.DataFrame(
        {
            "respondent": [f"R{i}" for i in range(8)] * 2,
            "group": "pilot",
            "period": ["before"] * 8 + ["after"] * 8,
            "dimension": "clarity",
            "score": [3, 2, 3, 4, 3, 2, 3, 3, 4, 4, 3, 5, 4, 4, 3, 4],
        }
    )
    for lang, text in (
        ("en", "only 20 finished baseline and 1 finished"),
        ("zh", "20 个"),
    ):
        out = analyse_pilot(
            cases,
            targets={
                "cycle_time": {"change": "-20%"},
                "overdue_rate": {"at_most": "15%"},
                "satisfaction": {"change": 0.5},
            },
            metrics=("cycle_time", "overdue_rate", "satisfaction"),
            tasks=tasks,
            scores=scores,
            n_resamples=200,
            language=lang,
        )
        assert any(text in n for n in out["notes"]), out["notes"]
        eff = out["effects"]
        cyc = eff[eff["metric"] == "cycle_time"]
        assert cyc["comparison"].tolist() == ["survival"]
        assert math.isnan(cyc["ci_low"].iloc[0]) and math.isnan(cyc["p_value"].iloc[0])
        assert {"overdue_rate", "satisfaction"} <= set(eff["metric"])
        # the survival row has no median (1 finished case): no data, not an
        # interval straddling the target
        assert math.isnan(cyc["pct_change"].iloc[0])
        assert out["targets"].loc[0, "status"] == "no data"
        assert out["verdict"].decision == "extend the pilot"


def test_cycle_time_mde_refers_to_the_did_that_the_verdict_judges():
    # QA3 L3: with control teams the verdict judges the DiD, whose standard
    # error is larger than the pilot's before/after one; the MDE must be the
    # DiD's: (z_0.975 + z_0.8) * SE on the log scale, as a % change
    from scipy import stats

    cases = simulate_cases(
        3, effect=math.log(0.8), n_pilot=1, n_control=2, cases_per_team=30
    )
    out = analyse_pilot(
        cases,
        targets={"cycle_time": {"change": "-20%"}},
        n_resamples=500,
        with_pretrend=False,
    )
    se = out["did"].se
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)  # 1.95996 + 0.84162
    hand = 100 * math.expm1(-z * se)
    m = out["mde"].set_index("metric").loc["cycle_time"]
    assert m["comparison"] == "DiD" and m["se"] == pytest.approx(se)
    assert m["mde"] == pytest.approx(hand, rel=1e-9)
    assert "difference-in-differences estimate" in m["method"]
    # and it is larger than the before/after MDE the pilot alone would give
    pilot = cases[(cases["group"] == "pilot") & ~cases["is_open"]]
    b = pilot.loc[pilot["period"] == "before", "duration"]
    a = pilot.loc[pilot["period"] == "after", "duration"]
    sd = np.log(b[b > 0]).std(ddof=1)
    before_after = 100 * math.expm1(-z * sd * math.sqrt(1 / len(b) + 1 / len(a)))
    assert abs(m["mde"]) > abs(before_after)
    assert (m["n_before"], m["n_after"]) == (len(b), len(a))
    # no control teams: the before/after MDE, and it says so
    alone = analyse_pilot(
        cases[cases["group"] == "pilot"],
        targets={"cycle_time": {"change": "-20%"}},
        n_resamples=500,
    )
    m = alone["mde"].set_index("metric").loc["cycle_time"]
    assert m["comparison"] == "before/after" and "before/after" in m["method"]
    assert m["mde"] == pytest.approx(before_after, abs=0.01)


def test_mde_from_se_by_hand():
    from diagnose.compare.power import mde_from_se

    # SE 0.136 log points: (1.959964 + 0.841621) * 0.136 = 0.381016
    m = mde_from_se(0.136, 20, 10, target=-20)
    assert m.mde == pytest.approx(100 * math.expm1(-2.801585 * 0.136), abs=1e-4)
    assert m.mde == pytest.approx(-31.68, abs=0.01) and m.underpowered
    assert "difference-in-differences" in m.summary("en")
    assert "双重差分" in m.summary("zh")
    assert mde_from_se(0.2, 10, 10, metric="satisfaction").mde == pytest.approx(
        0.560317, abs=1e-6
    )
    nan = mde_from_se(math.nan, 10, 10, target=-20)
    assert math.isnan(nan.mde) and not nan.underpowered
    assert "not estimable" in nan.method
