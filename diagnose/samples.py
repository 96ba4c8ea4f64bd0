"""Synthetic process data with a known answer.

:func:`generate` draws marketing campaigns (cases) that flow through the six
stages of DOMAIN.md, a questionnaire, campaign KPIs and industry benchmarks, and
returns them with the **ground truth** that was planted: where the bottleneck
is, how slow it is, how much faster the pilot team became, which survey
dimension is weakest. Tests and notebooks use it to check that the analysis
finds what was put in.

Time model
----------
All durations are drawn in **working time**: one working day is 09:00-18:00 on a
working day of the Chinese calendar (``holidays.country_holidays("CN")``: weekends
and public holidays off, make-up working days 调休 on). A time ``t`` of ``k.f``
working days after the first working day of the window is the working day
``k`` at ``09:00 + f * 9 h`` (rounded to the minute). So every start and end
falls on a working day between 09:00 and 18:00, and "3 working days" means
27 working hours.

Everything is vectorised over rows; ``generate(n_cases=170_000)`` (about
1.1 million activity rows) takes a few seconds.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from diagnose.io.columns import ACTIVITY_COLUMNS, STAGES

__all__ = [
    "SampleData",
    "generate",
    "working_calendar",
    "work_time",
    "write_samples",
    "write_large",
    "SURVEY_DIMENSIONS",
]

# --------------------------------------------------------------------------
# Fixed parameters of the generator (documented in data_samples/README.md)
# --------------------------------------------------------------------------

DAY_START_MIN = 9 * 60  #: 09:00
DAY_MINUTES = 9 * 60  #: a working day is 09:00-18:00 (540 minutes)

STAGE_EN = [s["en"] for s in STAGES]
STAGE_ZH = [s["zh"] for s in STAGES]
STAGE_LIMITS = [s["limit_days"] for s in STAGES]
EXEC = 4  # index of 活动执行 / Execution (limit: per plan)

#: Baseline median duration (working days) and lognormal sigma per stage.
#: Execution: median is this share of the per-case planned duration.
_DUR_MEDIAN = np.array([2.4, 4.2, 1.6, 0.8, 0.9, 2.4])
_DUR_SIGMA = np.array([0.45, 0.45, 0.5, 0.5, 0.35, 0.45])
_SLOW_REVIEW_MEDIAN = 4.5
_SLOW_REVIEW_SIGMA = 0.4
#: Waits (gap between the end of one stage and the start of the next).
_WAIT_MEDIAN = 0.25
_WAIT_SIGMA = 0.9
_RESOURCE_WAIT_MEDIAN = 3.0
_RESOURCE_WAIT_SIGMA = 0.5
_REWORK_FACTOR = 0.5  # a repeated Plan design / review takes half as long
_CASE_SIGMA = 0.15  # case-to-case speed variation (log scale)
_TREND = 0.10  # common trend: log speed factor rises by this across the window

#: Survey dimensions: key, zh, en, items, reverse-coded item.
SURVEY_DIMENSIONS = [
    {
        "key": "clarity",
        "zh": "流程清晰度",
        "en": "Process clarity",
        "items": ["q1", "q2", "q3"],
        "reverse": "q3",
    },
    {
        "key": "collaboration",
        "zh": "协作效率",
        "en": "Collaboration efficiency",
        "items": ["q4", "q5", "q6", "q7"],
        "reverse": "q7",
    },
    {
        "key": "tools",
        "zh": "工具支持",
        "en": "Tool support",
        "items": ["q8", "q9", "q10"],
        "reverse": "q10",
    },
]
#: Which stages / handoffs each dimension speaks of (indices into STAGES;
#: a pair is a handoff "A -> B").
_DIMENSION_STAGES = {
    "clarity": [0, 1, 2],
    "collaboration": [3, (3, 4)],
    "tools": [4, 5],
}
_BOTTLENECK_DIMENSION = {"resource_wait": "collaboration", "slow_review": "clarity"}
_SURVEY_BASE = 3.4
_SURVEY_WEAK = 2.5
_TEAM_OFFSETS = [0.0, -0.1, 0.1]

_DEPARTMENTS = {
    "Marketing": "市场部",
    "Design": "设计部",
    "Product": "产品部",
    "Sales": "销售部",
    "Data": "数据部",
}
#: Owner department per stage.
_STAGE_DEPT = ["Marketing", "Marketing", "Product", "Marketing", "Design", "Marketing"]
_POOL_SIZES = {"Design": 4, "Product": 3, "Sales": 3, "Data": 2}
_MARKETERS_PER_TEAM = 4

_SURNAMES = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("赵", "Zhao"),
    ("黄", "Huang"),
    ("周", "Zhou"),
    ("吴", "Wu"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("胡", "Hu"),
    ("朱", "Zhu"),
    ("高", "Gao"),
    ("林", "Lin"),
]
_GIVEN = [
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("洋", "Yang"),
    ("艳", "Yan"),
    ("勇", "Yong"),
    ("军", "Jun"),
    ("杰", "Jie"),
    ("娟", "Juan"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("霞", "Xia"),
]

_CAMPAIGNS = [
    ("春季新品发布", "spring product launch"),
    ("618大促预热", "618 sale warm-up"),
    ("双11预热", "Singles' Day warm-up"),
    ("会员日活动", "member day"),
    ("线下快闪店", "pop-up store"),
    ("直播带货", "live-stream sale"),
    ("品牌联名", "brand co-branding"),
    ("开学季促销", "back-to-school promotion"),
    ("中秋礼盒", "Mid-Autumn gift box"),
    ("年货节", "New Year shopping festival"),
    ("用户调研沙龙", "customer research salon"),
    ("小程序拉新", "mini-program acquisition"),
]
_DELIVERABLES = [
    ("需求调研报告", "research brief"),
    ("活动方案", "campaign plan"),
    ("评审意见汇总", "review minutes"),
    ("资源排期表", "resource schedule"),
    ("活动上线与执行", "launch"),
    ("复盘报告（至少三条改进建议）", "three suggestions"),
]
_BLOCK_REASONS = [
    ("等待设计资源", "Waiting for design capacity"),
    ("等待评审反馈", "Waiting for review feedback"),
    ("预算审批中", "Budget approval pending"),
    ("数据未到位", "Data not yet available"),
]
#: Blocking reason per stage (index into _BLOCK_REASONS), most likely first.
_STAGE_BLOCK = [3, 2, 1, 0, 0, 3]

_COMMENTS = {
    "collaboration": [
        "策划完成后要等设计资源排期，经常等三天以上。",
        "等待设计资源是最大的问题，活动只能往后推。",
        "资源协调靠私聊，设计部不知道优先级。",
        "Waiting for design is the main delay after the plan is approved.",
        "We lose days waiting for design capacity before launch.",
    ],
    "clarity": [
        "跨部门评审没有明确标准，反复修改方案。",
        "评审意见来得很慢，不知道谁拍板。",
        "The review has no clear owner; feedback takes days.",
        "Plans go back and forth in review because criteria are unclear.",
    ],
    "tools": [
        "同一份数据要报给好几个部门，表格太多。",
        "任务表和群聊信息不同步。",
        "Too many spreadsheets; status lives in chat threads.",
    ],
    "positive": [
        "新流程每个环节有时限，清楚多了。",
        "The new stage time limits make priorities clear.",
    ],
}
_KPI_REASONS = [
    ("上线推迟，错过流量高峰", "launch slipped past the traffic peak"),
    ("素材准备不足", "creative assets were late"),
    ("渠道投放预算调整", "channel budget reallocated"),
]
_KPI_ACTIONS = [
    ("提前锁定设计资源", "book design capacity earlier"),
    ("评审24小时内反馈", "review feedback within 24 h"),
    ("复盘沉淀素材模板", "keep reusable asset templates"),
]

_STATUS_ZH = {
    "not_started": "未开始",
    "in_progress": "进行中",
    "done": "已完成",
    "blocked": "阻塞",
}


@dataclass(frozen=True)
class SampleData:
    """A generated data set and the truth planted in it.

    Attributes
    ----------
    activities : pandas.DataFrame
        Canonical activity table (``diagnose.io.columns.ACTIVITY_COLUMNS``): one row
        per stage of a campaign, in process order per case. Stages not yet started
        at ``as_of`` are omitted (the canonical table requires ``start``).
    survey : pandas.DataFrame
        Long form: ``respondent, team, department, period, item, score``.
    comments : pandas.DataFrame
        Free-text answers: ``respondent, team, period, comment``.
    kpis : pandas.DataFrame
        ``case_id, metric, target, actual, period, owner`` for campaigns whose
        execution finished by ``as_of``.
    benchmarks : pandas.DataFrame
        ``metric, value, source, direction, unit, statistic``.
    settings : dict
        For :func:`diagnose.config.load_settings`: ``dimensions``,
        ``reverse_items``, ``dimension_stages``, ``final_stages``.
    truth : dict
        The planted answer; every key is described in data_samples/README.md.
    """

    activities: pd.DataFrame
    survey: pd.DataFrame
    comments: pd.DataFrame
    kpis: pd.DataFrame
    benchmarks: pd.DataFrame
    settings: dict = field(default_factory=dict)
    truth: dict = field(default_factory=dict)

    def survey_wide(self) -> pd.DataFrame:
        """The questionnaire as filled in: a row per respondent, q1..qN, ``意见``."""
        wide = self.survey.pivot_table(
            index=["respondent", "team", "department", "period"],
            columns="item",
            values="score",
            aggfunc="first",
        )
        items = sorted(wide.columns, key=lambda s: int(str(s).lstrip("q")))
        wide = wide[items].reset_index()
        wide.columns.name = None
        wide[items] = wide[items].astype("int64")
        text = self.comments.set_index("respondent")["comment"]
        wide["意见"] = wide["respondent"].map(text)
        return wide.sort_values("respondent", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------
# Working-day calendar
# --------------------------------------------------------------------------


def working_calendar(first, last, *, country: str = "CN") -> np.ndarray:
    """Working days from ``first`` to ``last`` (inclusive) as ``datetime64[D]``.

    Uses ``holidays.country_holidays(country).is_working_day``, which knows the
    Chinese make-up working days (调休). One call per calendar day, not per row.
    """
    import holidays

    days = pd.date_range(
        pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    )
    cal = holidays.country_holidays(
        country, years=range(days[0].year, days[-1].year + 1)
    )
    keep = np.fromiter((cal.is_working_day(d.date()) for d in days), bool, len(days))
    return days[keep].to_numpy().astype("datetime64[D]")


def work_time(timestamps, calendar: np.ndarray) -> np.ndarray:
    """Working days elapsed since 09:00 of ``calendar[0]`` (float; NaN for NaT).

    The fraction is the share of the 09:00-18:00 working day gone (clipped to
    [0, 1]); a time on a day off counts as 09:00 of the next working day.
    """
    ts = pd.to_datetime(pd.Series(timestamps)).to_numpy("datetime64[ns]")
    nat = np.isnat(ts)
    day = ts.astype("datetime64[D]")
    idx = np.searchsorted(calendar, day)
    on_day = (idx < len(calendar)) & (
        calendar[np.minimum(idx, len(calendar) - 1)] == day
    )
    minutes = (ts - day.astype("datetime64[ns]")).astype("timedelta64[m]").astype(float)
    frac = np.clip((minutes - DAY_START_MIN) / DAY_MINUTES, 0.0, 1.0)
    out = idx + np.where(on_day, frac, 0.0)
    out[nat] = np.nan
    return out


def _to_timestamp(t: np.ndarray, cal_ns: np.ndarray) -> np.ndarray:
    """Working time -> datetime64[ns] (minute precision); NaN -> NaT."""
    nan = np.isnan(t)
    tt = np.where(nan, 0.0, t)
    day = np.floor(tt).astype(np.int64)
    minute = np.rint((tt - day) * DAY_MINUTES).astype(np.int64)
    ns = cal_ns[day] + (DAY_START_MIN + minute) * 60_000_000_000
    ns[nan] = np.iinfo(np.int64).min
    return ns.view("datetime64[ns]")


def _to_day_end(t: np.ndarray, cal_ns: np.ndarray) -> np.ndarray:
    """18:00 of the working day in which working time ``t`` falls (a boundary
    counts as the end of the previous day)."""
    day = np.maximum(np.ceil(t - 1e-9).astype(np.int64) - 1, 0)
    ns = cal_ns[day] + (DAY_START_MIN + DAY_MINUTES) * 60_000_000_000
    return ns.view("datetime64[ns]")


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------


def _check_choice(name, value, allowed):
    if value not in allowed:
        shown = "{" + ", ".join(repr(a) for a in allowed) + "}"
        raise ValueError(
            f"The {name!r} parameter of generate must be one of {shown}. "
            f"Got {value!r} instead."
        )


def _person_names(n: int, language: str) -> np.ndarray:
    """``n`` distinct, deterministic person names."""
    k = np.arange(n)
    a, b = k % 16, (k // 16 + 5 * (k % 16)) % 16
    if language == "zh":
        names = [_SURNAMES[i][0] + _GIVEN[j][0] for i, j in zip(a, b)]
    else:
        names = [f"{_SURNAMES[i][1]} {_GIVEN[j][1]}" for i, j in zip(a, b)]
    if n > 256:  # more people than name pairs: number them
        names = [
            f"{nm}{i // 256 + 1}" if i >= 256 else nm for i, nm in enumerate(names)
        ]
    return np.array(names, dtype=object)


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of object arrays / scalars."""
    out = parts[0]
    for p in parts[1:]:
        out = np.add(out, p)
    return out


def generate(
    *,
    seed: int = 0,
    n_cases: int = 120,
    teams: tuple[str, ...] = ("Team A", "Team B", "Team C"),
    start: str = "2023-10-09",
    months: int = 9,
    pilot_team: str | None = "Team A",
    pilot_start: str = "2024-04-01",
    pilot_effect: float = -0.25,
    bottleneck: str | None = "resource_wait",
    rework_rate: float = 0.15,
    open_share: float = 0.04,
    as_of: str | None = None,
    language: str = "en",
    n_respondents: int = 12,
    survey_shift: float = 0.6,
) -> SampleData:
    """Generate campaigns, a questionnaire, KPIs and benchmarks with a known answer.

    Parameters
    ----------
    seed : int, default=0
        Seed of :func:`numpy.random.default_rng`. Same seed, same data (also
        across ``language``: only the labels change).
    n_cases : int, default=120
        Campaigns to draw. Their kick-offs are uniform over the working time from
        ``start`` to ``min(start + months, as_of)``.
    teams : tuple of str, default=("Team A", "Team B", "Team C")
    start : str, default="2023-10-09"
    months : int, default=9
    pilot_team : str or None, default="Team A"
        Campaigns of this team that start on or after ``pilot_start`` follow the
        new process: every duration and wait is multiplied by ``1 + pilot_effect``.
        ``None``: no pilot.
    pilot_start : str, default="2024-04-01"
    pilot_effect : float, default=-0.25
        Relative change of cycle time under the pilot (-0.25: 25 % faster).
    bottleneck : {"resource_wait", "slow_review", None}, default="resource_wait"
        ``"resource_wait"``: a long wait (median 3 working days) between 资源协调 and
        活动执行 (waiting for design capacity). ``"slow_review"``: 跨部门评审
        itself takes a median 4.5 working days (limit 2). ``None``: nothing planted.
    rework_rate : float, default=0.15
        Share of cases sent back once from 跨部门评审 to 方案策划 (two extra rows:
        Plan design and review again, each half as long).
    open_share : float, default=0.04
        Share of cases that stall: one of their stages is blocked (open, status
        ``blocked``) and the case never moves on. On top of this, cases still in
        flight at ``as_of`` are open (``in_progress``, a fifth of them ``blocked``).
    as_of : str or None, default=None
        Snapshot instant (a date means 00:00 of that day). Work after it does not
        exist yet: unfinished stages have ``end`` NaT, stages not started yet are
        omitted. ``None``: ``start + months``.
    language : {"en", "zh"}, default="en"
        Stage names, people, departments, descriptions, KPI metric names.
    n_respondents : int, default=12
        Survey respondents per team and period.
    survey_shift : float, default=0.6
        Rise of the pilot team's latent satisfaction in the pilot period.

    Returns
    -------
    SampleData
    """
    _check_choice("bottleneck", bottleneck, ["resource_wait", "slow_review", None])
    _check_choice("language", language, ["en", "zh"])
    teams = tuple(teams)
    if len(teams) < 2:
        raise ValueError("The 'teams' parameter of generate needs at least two teams.")
    if pilot_team is not None:
        _check_choice("pilot_team", pilot_team, list(teams) + [None])
    if not 0 <= rework_rate <= 1 or not 0 <= open_share <= 1:
        raise ValueError("rework_rate and open_share of generate must be in [0, 1].")
    if not pilot_effect > -1:
        raise ValueError(f"pilot_effect must be > -1. Got {pilot_effect!r} instead.")
    n = int(n_cases)
    if n < 1:
        raise ValueError(f"n_cases must be >= 1. Got {n_cases!r} instead.")

    rng = np.random.default_rng(seed)
    zh = language == "zh"
    stage_names = np.array(STAGE_ZH if zh else STAGE_EN, dtype=object)

    # -- calendar -------------------------------------------------------------
    t0 = pd.Timestamp(start).normalize()
    window_end = t0 + pd.DateOffset(months=months)
    as_of_ts = window_end if as_of is None else pd.Timestamp(as_of)
    arrival_end = min(window_end, as_of_ts)
    if arrival_end <= t0:
        raise ValueError("as_of must be after start.")
    cal = working_calendar(t0, max(window_end, as_of_ts) + pd.DateOffset(years=3))
    cal_ns = cal.astype("datetime64[ns]").astype(np.int64)
    W1 = float(np.searchsorted(cal, np.datetime64(arrival_end.normalize(), "D")))
    A = float(work_time([as_of_ts], cal)[0])
    P = float(work_time([pd.Timestamp(pilot_start)], cal)[0])

    # -- cases ----------------------------------------------------------------
    t_case = np.sort(rng.uniform(0.0, W1, n))
    team = rng.integers(0, len(teams), n)
    prio = rng.choice(4, n, p=[0.05, 0.25, 0.50, 0.20])
    rework = rng.random(n) < rework_rate
    campaign = rng.integers(0, len(_CAMPAIGNS), n)
    lead = rng.integers(0, _MARKETERS_PER_TEAM, n)
    designer = rng.integers(0, _POOL_SIZES["Design"], n)
    product = rng.integers(0, _POOL_SIZES["Product"], n)
    sales = rng.integers(0, _POOL_SIZES["Sales"], n)
    analyst = rng.integers(0, _POOL_SIZES["Data"], n)
    exec_plan = rng.integers(3, 11, n).astype(float)
    slack = rng.uniform(0.10, 0.15, n)
    case_noise = rng.normal(0.0, _CASE_SIGMA, n)
    stalled = rng.random(n) < open_share

    season = _TREND * (t_case / W1 - 0.5)  # common trend, zero mean over the window
    pilot_idx = teams.index(pilot_team) if pilot_team is not None else -1
    in_pilot = (team == pilot_idx) & (t_case >= P)
    log_mult = season + case_noise + np.where(in_pilot, math.log1p(pilot_effect), 0.0)
    mult = np.exp(log_mult)

    # -- rows: stage sequence per case ----------------------------------------
    n_rows = np.where(rework, 8, 6)
    total = int(n_rows.sum())
    case = np.repeat(np.arange(n), n_rows)
    first_row = np.cumsum(n_rows) - n_rows
    pos = np.arange(total) - np.repeat(first_row, n_rows)
    templates = np.array([[0, 1, 2, 3, 4, 5, -1, -1], [0, 1, 2, 1, 2, 3, 4, 5]])
    stage = templates[rework[case].astype(int), pos]
    repeat = rework[case] & ((pos == 3) | (pos == 4))

    # durations (working days, before the case's speed factor)
    med = _DUR_MEDIAN[stage].copy()
    sig = _DUR_SIGMA[stage].copy()
    med = np.where(stage == EXEC, med * exec_plan[case], med)
    if bottleneck == "slow_review":
        med = np.where(stage == 2, _SLOW_REVIEW_MEDIAN, med)
        sig = np.where(stage == 2, _SLOW_REVIEW_SIGMA, sig)
    dur = med * np.exp(sig * rng.standard_normal(total))
    dur = np.where(repeat, dur * _REWORK_FACTOR, dur)
    # waits before each row
    wmed = np.full(total, _WAIT_MEDIAN)
    wsig = np.full(total, _WAIT_SIGMA)
    if bottleneck == "resource_wait":
        wmed = np.where(stage == EXEC, _RESOURCE_WAIT_MEDIAN, wmed)
        wsig = np.where(stage == EXEC, _RESOURCE_WAIT_SIGMA, wsig)
    wait = wmed * np.exp(wsig * rng.standard_normal(total))
    wait[pos == 0] = 0.0

    m = mult[case]
    seg = (wait + dur) * m
    csum = np.cumsum(seg)
    before = csum - seg - np.repeat(csum[first_row] - seg[first_row], n_rows)
    start_t = t_case[case] + before + wait * m
    end_t = start_t + dur * m

    # plan: limits plus a 10-15 % buffer, back to back from kick-off
    limits = np.array([np.nan if x is None else x for x in STAGE_LIMITS], float)
    planned = np.where(
        np.isnan(limits)[None, :],
        exec_plan[:, None],
        limits[None, :] * (1 + slack[:, None]),
    )  # (n, 6)
    plan_start = t_case[:, None] + np.cumsum(planned, axis=1) - planned
    row_planned = planned[case, stage]
    pstart_t = plan_start[case, stage]
    due_t = start_t + row_planned

    # -- snapshot at as_of: censoring, stalls ---------------------------------
    stall_pos = np.floor(rng.random(n) * n_rows).astype(int)
    u_block = rng.random(total)
    u_reason = rng.random(total)
    sp = stall_pos[case]
    is_stalled = stalled[case]
    keep = (start_t < A) & ~(is_stalled & (pos > sp))
    open_ = (end_t > A) | (is_stalled & (pos == sp))
    status = np.where(open_, np.where(is_stalled | (u_block < 0.2), 3, 1), 2)
    reason = np.where(
        u_reason < 0.7,
        np.array(_STAGE_BLOCK)[stage],
        np.floor(u_reason * 4 % 4).astype(int),
    )

    idx = np.flatnonzero(keep)
    r_case, r_stage, r_pos = case[idx], stage[idx], pos[idx]
    r_open, r_status = open_[idx], status[idx]

    # -- labels -----------------------------------------------------------------
    month = cal[np.floor(t_case).astype(int)].astype("datetime64[M]")
    yyyymm = np.char.replace(np.datetime_as_string(month), "-", "")
    change = np.r_[True, month[1:] != month[:-1]]
    grp_first = np.maximum.accumulate(np.where(change, np.arange(n), 0))
    seq = np.arange(n) - grp_first + 1
    width = max(3, len(str(int(seq.max()))))
    case_ids = np.array(
        [f"MKT-{ym}-{s:0{width}d}" for ym, s in zip(yyyymm.tolist(), seq.tolist())],
        dtype=object,
    )
    suffix = np.array([f"-{i:02d}" for i in range(1, 9)], dtype=object)

    n_mkt = _MARKETERS_PER_TEAM * len(teams)
    offs, o = {}, n_mkt
    for dept, size in _POOL_SIZES.items():
        offs[dept] = o
        o += size
    names = _person_names(o, language)
    mkt = names[team * _MARKETERS_PER_TEAM + lead]
    des = names[offs["Design"] + designer]
    prd = names[offs["Product"] + product]
    sal = names[offs["Sales"] + sales]
    ana = names[offs["Data"] + analyst]
    sep = "、" if zh else ", "
    owner_by_stage = np.stack([mkt, mkt, prd, mkt, des, mkt], axis=1)
    collab_by_stage = np.stack(
        [sal, prd, _cat(mkt, sep, des, sep, sal), des, mkt, _cat(ana, sep, sal)], axis=1
    )
    dept_label = np.array(
        [_DEPARTMENTS[d] if zh else d for d in _STAGE_DEPT], dtype=object
    )
    if zh:
        camp = np.array([c[0] for c in _CAMPAIGNS], dtype=object)
        deliv = np.array([d[0] for d in _DELIVERABLES], dtype=object)
        desc = _cat(camp[campaign][r_case], "：", deliv[r_stage])
        reasons = np.array([r[0] for r in _BLOCK_REASONS], dtype=object)
    else:
        camp = np.array([c[1] for c in _CAMPAIGNS], dtype=object)
        deliv = np.array([d[1] for d in _DELIVERABLES], dtype=object)
        desc = _cat(camp[campaign][r_case], ": ", deliv[r_stage])
        reasons = np.array([r[1] for r in _BLOCK_REASONS], dtype=object)
    status_words = np.array(
        ["not_started", "in_progress", "done", "blocked"], dtype=object
    )
    blocked_reason = np.where(r_status == 3, reasons[reason[idx]], None)

    end_vals = np.where(r_open, np.nan, end_t[idx])
    activities = pd.DataFrame(
        {
            "case_id": case_ids[r_case],
            "activity": stage_names[r_stage],
            "start": _to_timestamp(start_t[idx], cal_ns),
            "end": _to_timestamp(end_vals, cal_ns),
            "due": _to_day_end(due_t[idx], cal_ns),
            "planned_start": _to_timestamp(pstart_t[idx], cal_ns),
            "planned_end": _to_day_end(pstart_t[idx] + row_planned[idx], cal_ns),
            "task_id": _cat(case_ids[r_case], suffix[r_pos]),
            "owner": owner_by_stage[r_case, r_stage],
            "collaborators": collab_by_stage[r_case, r_stage],
            "department": dept_label[r_stage],
            "team": np.array(teams, dtype=object)[team[r_case]],
            "priority": np.array(["P0", "P1", "P2", "P3"], dtype=object)[prio[r_case]],
            "status": status_words[r_status],
            "blocked_reason": blocked_reason,
            "description": desc,
            "is_open": r_open,
            "source_row": np.arange(2, len(idx) + 2),
        },
        columns=ACTIVITY_COLUMNS,
    )

    # -- survey -----------------------------------------------------------------
    survey, comments, survey_truth = _survey(
        rng, teams, pilot_idx, bottleneck, n_respondents, survey_shift, language
    )

    # -- KPIs -------------------------------------------------------------------
    exec_done = np.zeros(n, bool)
    sel = keep & (stage == EXEC) & ~open_
    exec_done[case[sel]] = True
    kpis = _kpis(rng, exec_done, case_ids, month, mkt, log_mult, language)

    benchmarks = _benchmarks(language)
    settings = _settings(language)

    truth = _truth(
        seed=seed,
        n=n,
        teams=teams,
        pilot_idx=pilot_idx,
        pilot_start=pilot_start,
        pilot_effect=pilot_effect,
        bottleneck=bottleneck,
        rework_rate=rework_rate,
        open_share=open_share,
        language=language,
        t0=t0,
        arrival_end=arrival_end,
        as_of_ts=as_of_ts,
        case=case,
        stage=stage,
        pos=pos,
        keep=keep,
        open_=open_,
        start_t=start_t,
        end_t=end_t,
        due_t=due_t,
        cal=cal,
        A=A,
        P=P,
        t_case=t_case,
        team=team,
        rework=rework,
        stalled=stalled,
        season=season,
        in_pilot=in_pilot,
        exec_plan=exec_plan,
        activities=activities,
        survey_truth=survey_truth,
    )
    return SampleData(
        activities=activities,
        survey=survey,
        comments=comments,
        kpis=kpis,
        benchmarks=benchmarks,
        settings=settings,
        truth=truth,
    )


def _dim_name(d: dict, language: str) -> str:
    return d["zh"] if language == "zh" else d["en"]


def _stage_ref(ref, language: str) -> str:
    names = STAGE_ZH if language == "zh" else STAGE_EN
    if isinstance(ref, tuple):
        return f"{names[ref[0]]} -> {names[ref[1]]}"
    return names[ref]


def _settings(language: str) -> dict:
    return {
        "dimensions": {
            _dim_name(d, language): list(d["items"]) for d in SURVEY_DIMENSIONS
        },
        "reverse_items": [d["reverse"] for d in SURVEY_DIMENSIONS],
        "dimension_stages": {
            _dim_name(d, language): [
                _stage_ref(r, language) for r in _DIMENSION_STAGES[d["key"]]
            ]
            for d in SURVEY_DIMENSIONS
        },
        # a campaign ends with its retrospective: one still short of it is
        # waiting for its next stage, not finished (both languages' names)
        "final_stages": [STAGE_ZH[-1], STAGE_EN[-1]]
        if language == "zh"
        else [STAGE_EN[-1], STAGE_ZH[-1]],
    }


def _survey(rng, teams, pilot_idx, bottleneck, n_resp, shift, language):
    """Latent-factor Likert answers; returns (long survey, comments, truth)."""
    periods = ["baseline", "pilot"]
    weak = _BOTTLENECK_DIMENSION.get(bottleneck)
    dim_mean = {
        d["key"]: (
            _SURVEY_WEAK
            if d["key"] == weak
            else (3.3 if weak is None else _SURVEY_BASE)
        )
        for d in SURVEY_DIMENSIONS
    }
    common_shift = 0.1
    k = len(teams) * len(periods) * n_resp
    r_team = np.repeat(np.arange(len(teams)), len(periods) * n_resp)
    r_period = np.tile(np.repeat(np.arange(len(periods)), n_resp), len(teams))
    dept_names = ["Marketing", "Design", "Product", "Sales"]
    r_dept = rng.choice(4, k, p=[0.6, 0.2, 0.1, 0.1])
    general = rng.normal(0, 0.35, k)
    offsets = np.array([_TEAM_OFFSETS[i % 3] for i in range(len(teams))])
    level = offsets[r_team] + general + r_period * common_shift
    level = level + np.where((r_team == pilot_idx) & (r_period == 1), shift, 0.0)
    items, scores = [], []
    for d in SURVEY_DIMENSIONS:
        f = rng.normal(0, 0.6, k)
        for it in d["items"]:
            x = dim_mean[d["key"]] + level + f + rng.normal(0, 0.6, k)
            x = np.clip(np.rint(x), 1, 5).astype(np.int64)
            if it == d["reverse"]:
                x = 6 - x  # negatively worded: agreement is answered low
            items.append(it)
            scores.append(x)
    order = rng.permutation(k)  # anonymous ids, not linked across periods
    resp_ids = np.array([f"R{i + 1:03d}" for i in range(k)], dtype=object)[
        np.argsort(order)
    ]
    team_arr = np.array(teams, dtype=object)
    dept_lab = np.array(
        [_DEPARTMENTS[x] if language == "zh" else x for x in dept_names], dtype=object
    )
    n_items = len(items)
    survey = pd.DataFrame(
        {
            "respondent": np.repeat(resp_ids, n_items),
            "team": np.repeat(team_arr[r_team], n_items),
            "department": np.repeat(dept_lab[r_dept], n_items),
            "period": np.repeat(np.array(periods, dtype=object)[r_period], n_items),
            "item": np.tile(np.array(items, dtype=object), k),
            "score": np.stack(scores, axis=1).reshape(-1),
        }
    )
    survey = survey.sort_values(["respondent"], kind="stable").reset_index(drop=True)

    # comments: ~30 % of respondents; the bottleneck's pain is the commonest topic
    has = rng.random(k) < 0.3
    topics = ["collaboration", "clarity", "tools", "positive"]
    main = weak or "tools"
    p = np.array([0.6 if t == main else 0.4 / 3 for t in topics])
    topic = rng.choice(4, k, p=p / p.sum())
    pick = rng.random(k)
    texts = [
        _COMMENTS[topics[t]][int(u * len(_COMMENTS[topics[t]]))]
        for t, u in zip(topic.tolist(), pick.tolist())
    ]
    comments = (
        pd.DataFrame(
            {
                "respondent": resp_ids,
                "team": team_arr[r_team],
                "period": np.array(periods, dtype=object)[r_period],
                "comment": np.array(texts, dtype=object),
            }
        )[has]
        .sort_values("respondent", kind="stable")
        .reset_index(drop=True)
    )

    # observed difference-in-differences of the mean (reverse-scored) item score
    rev_mat = np.stack(
        [
            6 - x if it in {d["reverse"] for d in SURVEY_DIMENSIONS} else x
            for it, x in zip(items, scores)
        ],
        axis=1,
    ).mean(axis=1)
    did_obs = None
    if pilot_idx >= 0:

        def cell(pilot_team: bool, per: int) -> float:
            sel = ((r_team == pilot_idx) == pilot_team) & (r_period == per)
            return float(rev_mat[sel].mean())

        did_obs = round(
            (cell(True, 1) - cell(True, 0)) - (cell(False, 1) - cell(False, 0)), 4
        )
    truth = {
        "survey_did_observed": did_obs,
        "weak_dimension": None
        if weak is None
        else _dim_name(
            next(d for d in SURVEY_DIMENSIONS if d["key"] == weak), language
        ),
        "latent_dimension_means": {
            _dim_name(d, language): dim_mean[d["key"]] for d in SURVEY_DIMENSIONS
        },
        "survey_shift": shift if pilot_idx >= 0 else 0.0,
        "survey_common_shift": common_shift,
        "survey_item_noise_sd": 0.6,
        "survey_dimension_factor_sd": 0.6,
        "survey_general_factor_sd": 0.35,
    }
    return survey, comments, truth


def _kpis(rng, done, case_ids, month, owner, log_mult, language):
    """Leads, conversion rate and budget per campaign executed by as_of."""
    n = len(done)
    leads_t = rng.choice([3000, 4000, 5000, 6000, 8000], n).astype(float)
    # slower campaigns (log_mult > 0) miss the traffic window: fewer leads
    leads_a = np.rint(leads_t * np.exp(-0.08 - 0.6 * log_mult + rng.normal(0, 0.12, n)))
    conv_t = rng.choice([0.03, 0.04, 0.05, 0.06], n)
    conv_a = np.round(conv_t * np.exp(-0.05 + rng.normal(0, 0.2, n)), 4)
    budget_t = rng.choice([10.0, 20.0, 30.0, 50.0], n)
    budget_a = np.round(budget_t * np.exp(0.03 + rng.normal(0, 0.08, n)), 1)
    names = (
        ["线索数", "转化率", "预算(万元)"]
        if language == "zh"
        else ["leads", "conversion_rate", "budget"]
    )
    idx = np.flatnonzero(done)
    per = np.datetime_as_string(month[idx]).astype(object)
    frames = []
    for k, (t, a) in enumerate(
        [(leads_t, leads_a), (conv_t, conv_a), (budget_t, budget_a)]
    ):
        frames.append(
            pd.DataFrame(
                {
                    "case_id": case_ids[idx],
                    "metric": names[k],
                    "target": t[idx],
                    "actual": a[idx],
                    "period": per,
                    "owner": owner[idx],
                    "_k": k,
                    "_i": idx,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).sort_values(["_i", "_k"], kind="stable")
    return out.drop(columns=["_k", "_i"]).reset_index(drop=True)


_BENCHMARKS = [
    ("cycle_time", 15.0, "median", "lower", "working_days"),
    ("overdue_rate", 0.10, "rate", "lower", "share"),
    ("handoff_wait", 1.0, "median", "lower", "working_days"),
    ("conversion_rate", 0.05, "mean", "higher", "share"),
    ("satisfaction", 3.8, "mean", "higher", "score_1_5"),
]


def _benchmarks(language: str) -> pd.DataFrame:
    src = (
        "行业基准（示例数据，取自流程优化手册的示例值）"
        if language == "zh"
        else "Industry benchmark (illustrative; the handbook example values)"
    )
    rows = [
        {
            "metric": m,
            "value": v,
            "source": src,
            "direction": d,
            "unit": u,
            "statistic": s,
        }
        for m, v, s, d, u in _BENCHMARKS
    ]
    return pd.DataFrame(
        rows, columns=["metric", "value", "source", "direction", "unit", "statistic"]
    )


def _truth(
    *,
    seed,
    n,
    teams,
    pilot_idx,
    pilot_start,
    pilot_effect,
    bottleneck,
    rework_rate,
    open_share,
    language,
    t0,
    arrival_end,
    as_of_ts,
    case,
    stage,
    pos,
    keep,
    open_,
    start_t,
    end_t,
    due_t,
    cal,
    A,
    P,
    t_case,
    team,
    rework,
    stalled,
    season,
    in_pilot,
    exec_plan,
    activities,
    survey_truth,
) -> dict:
    names = STAGE_ZH if language == "zh" else STAGE_EN
    handoffs = [f"{names[i]} -> {names[i + 1]}" for i in range(5)]
    med_wait = {h: _WAIT_MEDIAN for h in handoffs}
    med_dur = {names[i]: float(_DUR_MEDIAN[i]) for i in range(6)}
    med_dur[names[EXEC]] = float(_DUR_MEDIAN[EXEC] * np.median(exec_plan))
    if bottleneck == "resource_wait":
        med_wait[handoffs[3]] = _RESOURCE_WAIT_MEDIAN
        location, kind, planted = handoffs[3], "handoff", _RESOURCE_WAIT_MEDIAN
    elif bottleneck == "slow_review":
        med_dur[names[2]] = _SLOW_REVIEW_MEDIAN
        location, kind, planted = names[2], "stage", _SLOW_REVIEW_MEDIAN
    else:
        location = kind = planted = None

    # observed facts from the generated rows (working days)
    last = np.zeros(len(t_case))
    is_last = stage == 5
    done_case = np.zeros(len(t_case), bool)
    done_case[case[is_last & keep & ~open_]] = True
    last[case[is_last]] = end_t[is_last]
    cycle = last - t_case
    started = np.zeros(len(t_case), bool)
    started[case[keep]] = True
    period = np.where(t_case >= P, "pilot", "baseline")

    # waits between consecutive rows of a case, both started and the first closed
    prev_stage = np.r_[-1, stage[:-1]]
    gap = start_t - np.r_[np.nan, end_t[:-1]]
    ok = (pos > 0) & keep & np.r_[False, keep[:-1] & ~open_[:-1]]

    def med(x):
        return None if len(x) == 0 else round(float(np.median(x)), 3)

    closed_rows = keep & ~open_
    # overdue from the frame itself (timestamps, minute precision)
    acts = activities
    overdue_row = np.where(
        acts["is_open"].to_numpy(), as_of_ts > acts["due"], acts["end"] > acts["due"]
    )
    kick = acts.groupby("case_id", sort=False)["start"].transform("min")
    row_period = np.where(kick >= pd.Timestamp(pilot_start), "pilot", "baseline")
    overdue = {}
    for tname in teams:
        overdue[tname] = {}
        for per in ("baseline", "pilot"):
            sel = (acts["team"] == tname).to_numpy() & (row_period == per)
            overdue[tname][per] = (
                None if not sel.any() else round(float(overdue_row[sel].mean()), 3)
            )
    cyc = {}
    for ti, tname in enumerate(teams):
        cyc[tname] = {
            per: med(cycle[done_case & (team == ti) & (period == per)])
            for per in ("baseline", "pilot")
        }
    pilot_mask = team == pilot_idx
    naive = None
    if pilot_idx >= 0:
        d_season = (
            float(
                np.mean(season[pilot_mask & (period == "pilot")])
                - np.mean(season[pilot_mask & (period == "baseline")])
            )
            if ((pilot_mask & (period == "pilot")).any())
            else 0.0
        )
        naive = round(math.log1p(pilot_effect) + d_season, 4)

    return {
        "seed": seed,
        "language": language,
        "n_cases_requested": n,
        "n_cases": int(started.sum()),
        "n_rows": int(len(activities)),
        "start": str(t0.date()),
        "arrival_end": str(pd.Timestamp(arrival_end).date()),
        "as_of": str(pd.Timestamp(as_of_ts)),
        "working_hours": "09:00-18:00",
        "calendar": "holidays.country_holidays('CN') is_working_day (调休 counted)",
        "stages": names,
        "stage_limits": {names[i]: STAGE_LIMITS[i] for i in range(6)},
        "bottleneck": bottleneck,
        "bottleneck_kind": kind,
        "bottleneck_location": location,
        "bottleneck_median_days": planted,
        "median_wait_days": med_wait,
        "median_duration_days": med_dur,
        "observed_median_wait_days": {
            h: med(gap[ok & (prev_stage == i) & (stage == i + 1)])
            for i, h in enumerate(handoffs)
        },
        "pilot_team": None if pilot_idx < 0 else teams[pilot_idx],
        "control_teams": [t for i, t in enumerate(teams) if i != pilot_idx],
        "pilot_start": str(pd.Timestamp(pilot_start).date()),
        "pilot_effect": pilot_effect if pilot_idx >= 0 else 0.0,
        "cycle_time_ratio": 1 + pilot_effect if pilot_idx >= 0 else 1.0,
        "did_log_cycle_time": round(math.log1p(pilot_effect), 6)
        if pilot_idx >= 0
        else 0.0,
        "common_trend_log": _TREND,
        "naive_log_change_pilot_team": naive,
        "case_speed_sd_log": _CASE_SIGMA,
        "n_pilot_cases": int((in_pilot & started).sum()),
        "observed_median_cycle_days": cyc,
        "rework_rate": rework_rate,
        "observed_rework_share": round(float(rework[started].mean()), 4),
        "rework_shape": (
            "跨部门评审 -> 方案策划 -> 跨部门评审 once; repeats take half as long"
        ),
        "stall_share": open_share,
        "observed_open_case_share": round(float((started & ~done_case).mean()), 4),
        "observed_overdue_rate": overdue,
        "overdue_rule": "end > due, or still open and as_of > due; all started rows",
        "n_closed_rows": int(closed_rows.sum()),
        **survey_truth,
    }


# --------------------------------------------------------------------------
# Writing data_samples/
# --------------------------------------------------------------------------

_ZH_HEADERS = {
    "task_id": "任务ID",
    "case_id": "项目名称",
    "activity": "子任务名称",
    "description": "任务描述",
    "owner": "直接责任人",
    "collaborators": "协作责任人",
    "department": "部门",
    "team": "团队",
    "priority": "优先级",
    "start": "开始时间",
    "end": "结束时间",
    "due": "截止日期",
    "planned_start": "计划开始",
    "planned_end": "计划完成",
    "status": "进度状态",
    "blocked_reason": "阻塞原因",
}


def _zh_dates(values, alt: np.ndarray) -> np.ndarray:
    """Chinese-style date-times: ``2023.10.09 14:30`` or ``2023/10/9 14:30``."""
    s = pd.Series(values)
    dotted = s.dt.strftime("%Y.%m.%d %H:%M")
    slash = (
        s.dt.year.astype("Int64").astype(str)
        + "/"
        + s.dt.month.astype("Int64").astype(str)
        + "/"
        + s.dt.day.astype("Int64").astype(str)
        + " "
        + s.dt.strftime("%H:%M")
    )
    out = np.where(alt, slash.to_numpy(dtype=object), dotted.to_numpy(dtype=object))
    return np.where(s.isna().to_numpy(), "", out)


def _activities_csv(acts: pd.DataFrame, path=None) -> str | None:
    """tasks_en.csv: canonical headers, ``YYYY-MM-DD HH:MM``, open end blank."""
    return acts.drop(columns=["is_open", "source_row"]).to_csv(
        path, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M"
    )


def _activities_zh(acts: pd.DataFrame) -> pd.DataFrame:
    alt = (np.arange(len(acts)) % 3) == 2  # every third row uses 2023/7/1 form
    out = pd.DataFrame(
        {
            "任务ID": acts["task_id"],
            "项目名称": acts["case_id"],
            "子任务名称": acts["activity"],
            "任务描述": acts["description"],
            "直接责任人": acts["owner"],
            "协作责任人": acts["collaborators"],
            "部门": acts["department"],
            "团队": acts["team"],
            "优先级": acts["priority"],
            "开始时间": _zh_dates(acts["start"], alt),
            "结束时间": _zh_dates(acts["end"], alt),
            "截止日期": _zh_dates(acts["due"], alt),
            "进度状态": acts["status"].map(_STATUS_ZH).to_numpy(dtype=object),
            "阻塞原因": acts["blocked_reason"].fillna("").to_numpy(dtype=object),
        }
    )
    return out


def _num(v: float) -> str:
    """4000.0 -> '4000', 0.0352 -> '0.0352' (as a person would type it)."""
    return np.format_float_positional(float(v), trim="-")


def _kpis_zh(kpis: pd.DataFrame, rng_seed: int) -> pd.DataFrame:
    var = (kpis["actual"] - kpis["target"]) / kpis["target"]
    rng = np.random.default_rng(rng_seed)
    r = rng.integers(0, len(_KPI_REASONS), len(kpis))
    a = rng.integers(0, len(_KPI_ACTIONS), len(kpis))
    big = (var.abs() > 0.10).to_numpy()
    is_budget = kpis["metric"].str.startswith("预算").to_numpy()
    bad = big & np.where(is_budget, var > 0, var < 0)
    reasons = np.array([x[0] for x in _KPI_REASONS], dtype=object)[r]
    actions = np.array([x[0] for x in _KPI_ACTIONS], dtype=object)[a]
    return pd.DataFrame(
        {
            "活动名称": kpis["case_id"],
            "月份": kpis["period"],
            "关键指标": kpis["metric"],
            "目标值": [_num(v) for v in kpis["target"]],
            "实际值": [_num(v) for v in kpis["actual"]],
            "差异率": [f"{v:+.1%}" for v in var],
            "原因分析": np.where(bad, reasons, ""),
            "改进方向": np.where(bad, actions, ""),
            "负责人": kpis["owner"],
        }
    )


def _yaml_dump(obj) -> str:
    import yaml

    return yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=100)


_DIAGNOSIS_YAML = """\
name: sample-team
title: Marketing process diagnosis (sample data)
language: en            # en | zh
as_of: {as_of}
data:                   # paths relative to this file
  activities: tasks_en.csv
  survey: survey.csv
  kpis: kpis.csv
  benchmarks: benchmarks.yaml
settings: settings.yaml
"""

_PILOT_A = """\
name: team-a-new-process
title: Team A new campaign process pilot
language: en
data:
  activities: ../tasks_en.csv
  survey: ../survey.csv
  benchmarks: ../benchmarks.yaml
settings: ../settings.yaml
pilot_teams: [Team A]
control_teams: [Team B, Team C]
baseline: {{start: 2023-10-01, end: {baseline_end}}}
pilot: {{start: {pilot_start}, end: {as_of}}}
as_of: {as_of}
metrics: [cycle_time, overdue_rate, satisfaction]
targets:
  cycle_time: {{change: -20%}}
  overdue_rate: {{at_most: 15%}}
  satisfaction: {{change: +0.5}}
"""

_PILOT_B = """\
# Team B had no process change: the verdict should NOT be "roll out".
name: team-b-placebo
title: B组新流程试点（安慰剂检验：B组没有真实改进）
language: zh
data:
  activities: ../tasks_zh.xlsx
  survey: ../survey.csv
  benchmarks: ../benchmarks.yaml
settings: ../settings_zh.yaml
pilot_teams: [Team B]
control_teams: [Team C]
baseline: {{start: 2023-10-01, end: {baseline_end}}}
pilot: {{start: {pilot_start}, end: {as_of}}}
as_of: {as_of}
metrics: [cycle_time, overdue_rate, satisfaction]
targets:
  cycle_time: {{change: -20%}}
  overdue_rate: {{at_most: 15%}}
  satisfaction: {{change: +0.5}}
"""


def write_samples(
    out, *, seed: int = 7, as_of: str = "2024-06-30", n_cases: int = 120
) -> dict[str, Path]:
    """Write the committed sample files into ``out`` (see data_samples/README.md).

    Returns the written paths by name. CSV, YAML and JSON files are
    byte-identical for the same arguments.
    """
    out = Path(out)
    (out / "pilots").mkdir(parents=True, exist_ok=True)
    kw = dict(seed=seed, as_of=as_of, n_cases=n_cases)
    en = generate(language="en", **kw)
    zh = generate(language="zh", **kw)
    paths: dict[str, Path] = {}

    def put(name: str, text: str) -> None:
        p = out / name
        p.write_bytes(text.encode("utf-8"))
        paths[name] = p

    put(
        "tasks_en.csv",
        _activities_csv(en.activities),
    )
    _write_zh_xlsx(out / "tasks_zh.xlsx", _activities_zh(zh.activities))
    paths["tasks_zh.xlsx"] = out / "tasks_zh.xlsx"
    put("survey.csv", en.survey_wide().to_csv(index=False, lineterminator="\n"))
    put("kpis.csv", _kpis_zh(zh.kpis, seed).to_csv(index=False, lineterminator="\n"))
    put("benchmarks.yaml", _yaml_dump(en.benchmarks.to_dict("records")))
    put("settings.yaml", _yaml_dump(en.settings))
    put("settings_zh.yaml", _yaml_dump(zh.settings))
    put("truth.json", json.dumps(en.truth, ensure_ascii=False, indent=2) + "\n")
    pilot_start = en.truth["pilot_start"]
    as_of_date = str(pd.Timestamp(as_of).date())
    baseline_end = str((pd.Timestamp(pilot_start) - pd.Timedelta(days=1)).date())
    fmt = dict(as_of=as_of_date, pilot_start=pilot_start, baseline_end=baseline_end)
    put("diagnosis.yaml", _DIAGNOSIS_YAML.format(**fmt))
    put("pilots/pilot-team-a.yaml", _PILOT_A.format(**fmt))
    put("pilots/pilot-team-b-zh.yaml", _PILOT_B.format(**fmt))
    return paths


def _write_zh_xlsx(path: Path, table: pd.DataFrame) -> None:
    """Handbook-style workbook with a fixed timestamp (stable content)."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "营销任务分配与跟踪表"
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append([None if (isinstance(v, str) and v == "") else v for v in row])
    for col, width in zip(
        "ABCDEFGHIJKLMN", [18, 16, 12, 30, 9, 18, 8, 8, 7, 17, 17, 17, 9, 14]
    ):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    note = wb.create_sheet("说明")
    for line in [
        ["说明"],
        ["本表为 diagnose samples 生成的示例数据（非真实数据）。"],
        ["时间均为工作时间（09:00-18:00，中国法定工作日，含调休）。"],
        ["开始时间/结束时间：2023.10.09 14:30 或 2023/10/9 14:30 两种写法混用。"],
        ["结束时间为空：任务未完成（进行中或阻塞）。尚未开始的环节不列出。"],
        ["截止日期：计划工期（时限加10-15%缓冲）截止当天18:00。"],
    ]:
        note.append(line)
    stamp = dt.datetime(2024, 1, 1)
    wb.properties.creator = "diagnose samples"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(path)
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Rewrite a zip (xlsx) with fixed member timestamps: byte-identical output."""
    import io
    import re
    import zipfile

    with zipfile.ZipFile(path) as src:
        members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            if name == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(
                    rb"<dcterms:modified([^>]*)>[^<]*<",
                    rb"<dcterms:modified\1>2024-01-01T00:00:00Z<",
                    data,
                )
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)
    path.write_bytes(buf.getvalue())


def write_large(path, *, rows: int, seed: int = 7, fmt: str = "csv") -> pd.DataFrame:
    """Write about ``rows`` activity rows (canonical headers) for benchmarks."""
    _check_choice("fmt", fmt, ["csv", "parquet"])
    n_cases = max(1, math.ceil(rows / 6.0))
    data = generate(seed=seed, n_cases=n_cases, months=12, open_share=0.02)
    acts = data.activities.head(rows)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        _activities_csv(acts, path)
    else:
        acts.drop(columns=["source_row"]).to_parquet(path, index=False)
    return acts
