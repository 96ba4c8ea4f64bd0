"""Notes of a pilot comparison are written in the result's language.

A small pilot is built by hand so that every note is due, with counts known in
advance: 2 pilot cases still open, 2 months of data before the switch (the
pre-trend needs 3), no pilot task with a due date after the switch, and no
survey answer after it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from diagnose.compare.config import load_pilot_config
from diagnose.compare.pilot import analyse_pilot, compare_pilot

PILOTS = Path(__file__).parents[1] / "data_samples" / "pilots"
SWITCH = "2024-03-01"


def _inputs():
    rng = np.random.default_rng(7)
    rows = []
    for team, group in (("P1", "pilot"), ("P2", "pilot"), ("C1", "control")):
        for period, months in (
            ("before", ("2024-01", "2024-02")),
            ("after", ("2024-03", "2024-04")),
        ):
            for m in months:
                for k in range(4):
                    rows.append(
                        {
                            "team": team,
                            "group": group,
                            "period": period,
                            "start": pd.Timestamp(f"{m}-{3 + 5 * k:02d}"),
                            "duration": float(rng.uniform(5, 15)),
                            "is_open": False,
                        }
                    )
    cases = pd.DataFrame(rows)
    # two pilot cases of the "after" period are still open
    open_rows = cases.index[(cases["group"] == "pilot") & (cases["period"] == "after")]
    cases.loc[open_rows[:2], "is_open"] = True
    tasks = pd.DataFrame(
        {
            "group": ["pilot"] * 6 + ["control"] * 2,
            "period": ["before"] * 6 + ["after"] * 2,
            "is_overdue": [True, False, False, True, False, False, True, False],
        }
    )
    scores = pd.DataFrame(
        {
            "respondent": ["r1", "r2", "r3", "r1", "r2", "r3"],
            "group": "pilot",
            "period": "before",
            "dimension": ["协作"] * 3 + ["流程"] * 3,
            "score": [3.0, 4.0, 2.0, 3.5, 4.5, 2.5],
        }
    )
    return cases, tasks, scores


@pytest.fixture(scope="module", params=["en", "zh"])
def notes(request):
    cases, tasks, scores = _inputs()
    out = analyse_pilot(
        cases,
        targets={"cycle_time": {"change": "-20%"}},
        metrics=("cycle_time", "overdue_rate", "satisfaction"),
        tasks=tasks,
        scores=scores,
        switch=SWITCH,
        language=request.param,
        n_resamples=200,
        n_boot=49,
    )
    return request.param, out["notes"]


def test_each_note_in_the_result_language_with_its_numbers(notes):
    lang, got = notes
    expected = {
        "en": (
            "2 pilot case(s) still open at as_of: the Kaplan–Meier row counts them "
            "as censored; the median and difference-in-differences rows use "
            "finished cases only.",
            "Pre-trend not tested: only 2 month(s) of data before the switch; at "
            "least 3 are needed.",
            "Overdue rate: no pilot tasks with a due date in one of the periods.",
            "Satisfaction: the pilot teams have no survey answers in one period.",
        ),
        "zh": (
            "截至统计日仍有 2 个试点项目未完成：Kaplan–Meier 一行把它们按删失计入，"
            "中位数和双重差分各行只用已完成的项目。",
            "未检验试点前趋势：切换前只有 2 个月的数据，至少需要 3 个月。",
            "逾期率：某一时期内试点团队没有带截止日期的任务，无法比较。",
            "满意度：某一时期内试点团队没有问卷回答，无法比较。",
        ),
    }[lang]
    assert got == expected


def test_sample_zh_pilot_counts_cases_outside_both_periods_in_chinese():
    cfg = load_pilot_config(PILOTS / "pilot-team-b-zh.yaml")
    # baseline from January: the cases started in Oct-Dec 2023 fall outside
    cfg = dataclasses.replace(cfg, baseline_start=pd.Timestamp("2024-01-01"))
    res = compare_pilot(cfg, n_resamples=200, n_boot=49)
    assert res.language == "zh"
    start = res.cases["start"].dt.normalize()
    n_out = int(((start < cfg.baseline_start) | (start > cfg.pilot_end)).sum())
    assert n_out > 0
    assert f"{n_out} 个项目的开始日期不在试点前或试点期内，未纳入比较。" in res.notes
    n_open = int(
        res.cases.loc[
            (res.cases["group"] == "pilot") & res.cases["period"].notna(), "is_open"
        ].sum()
    )
    assert f"截至统计日仍有 {n_open} 个试点项目未完成" in res.notes[0]
    for note in res.notes:  # nothing English but the method's name
        words = set(re.findall(r"[A-Za-z]{2,}", note)) - {"Kaplan", "Meier"}
        assert not words, note


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_still_open_note_names_only_the_rows_that_are_shown(lang):
    cases, _, _ = _inputs()
    # no control teams: a median row but no DiD row
    alone = analyse_pilot(
        cases[cases["group"] == "pilot"],
        targets={"cycle_time": {"change": "-20%"}},
        language=lang,
        n_resamples=200,
    )
    eff = alone["effects"]
    assert set(eff["comparison"]) == {"before/after", "survival"}
    want = {
        "en": "the Kaplan–Meier row counts them as censored; the median row uses "
        "finished cases only.",
        "zh": "Kaplan–Meier 一行把它们按删失计入，中位数一行只用已完成的项目。",
    }[lang]
    assert any(n.endswith(want) for n in alone["notes"]), alone["notes"]
    # one finished pilot case after the switch: no median and no DiD row
    few = cases.copy()
    late = few.index[(few["group"] == "pilot") & (few["period"] == "after")]
    few.loc[late, "is_open"] = True
    few.loc[late[-1], "is_open"] = False
    n_open = int(few.loc[few["group"] == "pilot", "is_open"].sum())
    out = analyse_pilot(
        few,
        targets={"cycle_time": {"change": "-20%"}},
        language=lang,
        n_resamples=200,
        n_boot=49,
        with_pretrend=False,
    )
    assert set(out["effects"]["comparison"]) == {"survival"}
    note = next(n for n in out["notes"] if "Kaplan–Meier" in n)
    assert "median" not in note and "中位数" not in note
    assert note.endswith(
        {
            "en": f"{n_open} pilot case(s) still open at as_of: the "
            "Kaplan–Meier row counts them as censored.",
            "zh": f"截至统计日仍有 {n_open} 个试点项目未完成：Kaplan–Meier "
            "一行把它们按删失计入。",
        }[lang]
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overdue_note_for_a_pilot_still_in_progress(lang):
    """Every pilot-period task with a due date is open and not yet due: the
    tasks exist, so the note says they are pending (outcome unknown), not that
    there are none; with some known, the pending ones are counted apart and
    left out of the rate (as overdue_rate's n_pending)."""
    cases, _, _ = _inputs()
    cases = cases.assign(case_id=[f"C{i}" for i in range(len(cases))])
    tasks = pd.DataFrame(
        {
            "group": "pilot",
            "period": ["before"] * 6 + ["after"] * 3,
            "is_overdue": [True, False, False, True, False, False] + [False] * 3,
            "is_pending": [False] * 6 + [True] * 3,
            "case_id": ["C0", "C1", "C2", "C3", "C4", "C5", "C8", "C9", "C8"],
        }
    )
    kw = dict(
        targets={"cycle_time": {"change": "-20%"}},
        metrics=("cycle_time", "overdue_rate"),
        with_pretrend=False,
        language=lang,
        n_resamples=200,
        n_boot=49,
    )
    out = analyse_pilot(cases, tasks=tasks, **kw)
    assert {
        "en": "Overdue rate not compared: no pilot task of the pilot period has a "
        "known outcome at as_of; 3 task(s) not yet due, outcome unknown.",
        "zh": "逾期率未比较：截至统计日，试点期的试点任务都还没有结果；"
        "3 个任务尚未到期，结果未知。",
    }[lang] in out["notes"]
    assert "overdue_rate" not in set(out["effects"]["metric"])
    assert not any("no pilot tasks" in n or "没有带截止日期" in n for n in out["notes"])
    # two of the three now finished on time, one still pending: compared on
    # 6 vs 2 known tasks, the pending one named in a note
    tasks.loc[[6, 7], "is_pending"] = False
    out = analyse_pilot(cases, tasks=tasks, **kw)
    row = out["effects"][out["effects"]["metric"] == "overdue_rate"].iloc[0]
    assert (row["n_before"], row["n_after"]) == (6, 2)
    assert {
        "en": "Overdue rate: 1 pilot task(s) not yet due at as_of, outcome unknown; "
        "left out of the rate.",
        "zh": "逾期率：截至统计日有 1 个试点任务尚未到期，结果未知，未计入逾期率。",
    }[lang] in out["notes"]
