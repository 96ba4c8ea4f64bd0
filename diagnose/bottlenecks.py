"""Where the process is stuck: the process status analysis table (流程现状分析表).

:func:`bottlenecks` puts every stage and every stage-to-stage wait side by side,
measures how much time each one loses beyond its time limit, and ranks them.
:func:`handbook_table` gives the same table with the handbook's columns
(流程环节 · 当前负责人 · 耗时(天) · 问题描述 · 影响程度 · 改进优先级).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose import stats
from diagnose.config import Settings, load_settings
from diagnose.metrics._common import (
    check_as_of,
    check_choice,
    resolve_calendar,
    sharing,
    take,
)

__all__ = [
    "bottlenecks",
    "handbook_table",
    "location_items",
    "SCORING_RULE",
    "HIGH_SHARE",
    "MEDIUM_SHARE",
    "MIN_EVIDENCE_N",
    "SYSTEMATIC_BREACH",
]

#: A location is "high" only if it carries at least this share of all excess time ...
HIGH_SHARE = 0.25
#: ... and the lower Wilson bound of its breach rate is above this (most items
#: breach) ...
SYSTEMATIC_BREACH = 0.5
#: ... measured on at least this many items.
MIN_EVIDENCE_N = 10
#: "medium": at least this share of excess time, or systematic breaching.
MEDIUM_SHARE = 0.10

SCORING_RULE = f"""\
Locations: every stage (activity) and every wait between two consecutive
stages of a case ("A -> B", from metrics.flow.waits; kind "handoff" when most
of those pairs change department, else "wait"); with settings.final_stages,
also the waits still running after a stage A of cases waiting for their next
stage ("A -> …", kind "waiting": open items, next stage not known yet).
Time limit per item: a stage's limit is settings.stage_limits (working days);
a stage without a limit (e.g. 活动执行 "per plan") uses the row's own planned
duration (planned_start -> planned_end, working days) when given, else it has
no limit. A wait's limit is settings.handoff_hours / 24 working days
(settings.urgent_handoff_hours when either side is P0 and the departments differ).
Excess of an item = max(0, time - limit) in working days. Open items count
with their age at as_of, capped at the 95th percentile of the finished items
of the same location (so one stalled task cannot dominate; stalled work is
reported by aging WIP); a running wait after A is capped at the 95th
percentile of the waits after A that ended.
score = the location's total excess / the total excess of all locations
(its share of all time lost beyond the limits; 0..1, scores add up to 1).
sla_breach_rate = share of items beyond their limit, with a Wilson 95 % CI.
impact = "high" when score >= {HIGH_SHARE:.0%} AND the lower Wilson bound of the
breach rate > {SYSTEMATIC_BREACH:.0%} (the typical item, not a few outliers,
is over the limit: a sign test that the median exceeds the limit) AND at
least {MIN_EVIDENCE_N} items; "medium" when score >= {MEDIUM_SHARE:.0%} or the
breach bound is > {SYSTEMATIC_BREACH:.0%}; else "low". Noise around limits that
are usually met (breach rates below one half) can reach "medium", never "high".
priority = 1, 2, ... ordered by impact (high first), then score, then median.
Survey scores, overdue and rework rates are shown as evidence; they do not
change the score."""


def _as_frame(x, kind: str):
    if x is None:
        return None
    from diagnose.io.load import LoadResult

    if isinstance(x, LoadResult):
        return x.data
    if isinstance(x, pd.DataFrame):
        return x
    raise ValueError(
        f"The '{kind}' parameter must be a DataFrame, a LoadResult or None. "
        f"Got {type(x).__name__} instead."
    )


def _settings(settings) -> Settings:
    try:
        return load_settings(settings)
    except Exception as err:
        raise ValueError(
            "The 'settings' parameter must be None, a Settings, a dict or a YAML path. "
            f"Got {settings!r} instead."
        ) from err


def location_items(activities, *, settings=None, as_of, calendar=None) -> pd.DataFrame:
    """Every item (stage row or wait) with its location, time, limit and excess.

    Returns
    -------
    pandas.DataFrame
        ``location``, ``kind`` ("stage"/"wait"/"waiting" — waits are split
        into "wait"/"handoff" per location by :func:`bottlenecks`; "waiting"
        is the running wait of a case waiting for its next stage, located at
        "A -> …" after its last finished stage A, with
        ``settings.final_stages`` only), ``activity`` (stage; for waits the
        stage waited for; for running waits the stage A), ``is_handoff``,
        ``days`` (working days; open stage rows and running waits: so far, at
        ``as_of``), ``limit_days`` (NaN: none), ``is_open``, ``owner``,
        ``department``, ``from_department``.
    """
    from diagnose.io.load import as_activities

    acts = as_activities(activities)
    cfg = _settings(settings)
    as_of = check_as_of(as_of, "bottlenecks")
    cal = resolve_calendar(calendar, cfg)
    items, meta = _items(acts, cfg, as_of, cal)
    src, frm = items["_src"], items["_from"]

    def values(column, pos):
        if column in acts.columns:
            return take(acts[column], pos)  # -1: missing
        return np.full(pos.size, np.nan, dtype=object)

    return pd.DataFrame(
        {
            "location": meta["names"][items["_loc"]],
            "kind": np.array(["stage", "wait", "waiting"], dtype=object)[
                items["_kind"]
            ],
            "activity": take(acts["activity"], src),
            "is_handoff": items["is_handoff"],
            "days": items["days"],
            "limit_days": items["limit_days"],
            "is_open": items["is_open"],
            "owner": values("owner", src),
            "department": values("department", src),
            "from_department": values("department", frm),
        }
    )


def _str_names(uniques) -> np.ndarray:
    """The ``str`` of each distinct value, as ``astype(str)`` spells them."""
    return pd.Series(np.asarray(uniques, dtype=object)).astype(str).to_numpy()


def _items(acts, cfg, as_of, cal):
    """:func:`location_items` as a dict of NumPy arrays.

    Keys: ``_loc`` (code into ``meta["names"]``, the location texts; two
    locations with the same text share one code, as when grouping by the
    text), ``_kind`` (0 stage, 1 wait, 2 running wait: a case waiting for
    its next stage), ``_src`` (row position of the stage row / of the
    activity waited for / of a running wait's last finished row: its
    activity, owner and department), ``_from`` (row position of the
    predecessor; -1 for stages), ``is_handoff``, ``days``, ``limit_days``,
    ``is_open``. Location texts are built per distinct location, never per
    row.
    """
    from diagnose.metrics.flow import (
        _activity_codes,
        _final_stage_names,
        _running_waits,
        _wait_pairs,
    )
    from diagnose.metrics.sla import _p0_flags, _sla_core

    core = _sla_core(acts, as_of, cal, cfg)
    pos = np.flatnonzero(core["started"].to_numpy())
    limit = core["limit_days"].to_numpy(dtype=float)[pos]
    if {"planned_start", "planned_end"} <= set(acts.columns):
        planned = cal.working_days_between(
            acts["planned_start"].iloc[pos], acts["planned_end"].iloc[pos]
        )
        planned = np.where(planned > 0, planned, np.nan)
        limit = np.where(np.isnan(limit), planned, limit)

    acodes, anames = _activity_codes(acts)
    k = max(len(anames), 1)
    pairs = _wait_pairs(acts, as_of, cal)
    from_pos, to_pos = pairs["from_pos"], pairs["to_pos"]
    w_codes, w_pairs = pd.factorize(
        acodes[from_pos].astype(np.int64) * k + acodes[to_pos]
    )
    text = _str_names(anames)
    w_pairs = np.asarray(w_pairs, dtype=np.int64)
    w_names = np.array(
        [f"{text[p // k]} -> {text[p % k]}" for p in w_pairs], dtype=object
    )
    # cases waiting for their next stage (settings.final_stages): the wait
    # after their last finished stage is still running; its next stage is
    # not known yet ("A -> …")
    final = _final_stage_names(cfg.final_stages, "bottlenecks")
    run = _running_waits(acts, as_of, cal, final)
    named = acodes[run["rows"]] >= 0
    named &= ~pd.isna(np.asarray(anames, dtype=object))[acodes[run["rows"]]]
    r_pos, r_days = run["rows"][named], run["since"][named]
    r_codes, r_stages = pd.factorize(acodes[r_pos])
    r_names = np.array([f"{text[a]} -> …" for a in r_stages], dtype=object)
    text_codes, names = pd.factorize(
        np.concatenate([text, w_names, r_names]).astype(object)
    )

    if "priority" in acts.columns:
        p0 = _p0_flags(acts)
        urgent = pairs["is_handoff"] & (p0[from_pos] | p0[to_pos])
        r_urgent = p0[r_pos]
    else:
        urgent = np.zeros(to_pos.size, dtype=bool)
        r_urgent = np.zeros(r_pos.size, dtype=bool)
    hours = np.where(urgent, cfg.urgent_handoff_hours, cfg.handoff_hours)
    r_hours = np.where(r_urgent, cfg.urgent_handoff_hours, cfg.handoff_hours)
    n_s, n_w, n_r = pos.size, to_pos.size, r_pos.size
    # a dict of arrays, not a DataFrame: building the frame would copy the
    # columns into blocks (0.36 s for 1.8M items), and only arrays are read
    items = {
        "_loc": np.concatenate(
            [
                text_codes[acodes[pos]],
                text_codes[len(text) + w_codes],
                text_codes[len(text) + len(w_names) + r_codes],
            ]
        ),
        "_kind": np.repeat(np.array([0, 1, 2], dtype=np.int8), [n_s, n_w, n_r]),
        "_src": np.concatenate([pos, to_pos, r_pos]),
        "_from": np.concatenate([np.full(n_s, -1, dtype=np.int64), from_pos, r_pos]),
        "is_handoff": np.concatenate(
            [np.zeros(n_s, dtype=bool), pairs["is_handoff"], np.zeros(n_r, dtype=bool)]
        ),
        "days": np.concatenate(
            [
                core["duration_working_days"].to_numpy(dtype=float)[pos],
                pairs["wait_working_days"],
                r_days,
            ]
        ),
        "limit_days": np.concatenate([limit, hours / 24.0, r_hours / 24.0]),
        "is_open": np.concatenate(
            [
                core["is_open"].to_numpy(dtype=bool)[pos],
                np.zeros(n_w, dtype=bool),
                np.ones(n_r, dtype=bool),
            ]
        ),
    }
    meta = {"names": np.asarray(names, dtype=object), "activities": acts}
    return items, meta


def _mode_of_positions(acts, column, loc, pos, n_loc) -> np.ndarray:
    """Most common non-missing value of ``acts[column]`` at row positions
    ``pos`` (-1: none) per location code (ties: the value sorting first)."""
    from diagnose.metrics._common import reuse
    from diagnose.metrics.flow import _factorize, _mode_by_code

    out = np.full(n_loc, np.nan, dtype=object)
    if column not in acts.columns:
        return out
    codes, names = reuse(
        "sorted_codes", (acts,), (column,), lambda: _factorize(acts[column])
    )
    names = np.asarray(names, dtype=object)
    ok = pos >= 0
    v = np.where(ok, codes[np.where(ok, pos, 0)], -1)
    v = np.where(ok & ~pd.isna(names)[np.maximum(v, 0)], v, -1)
    keep = v >= 0
    n_v = len(names)
    if not keep.any():
        return out
    if n_loc * n_v > 50_000_000:  # too many pairs for a dense table
        vals = pd.Series(np.where(keep, names[np.maximum(v, 0)], None), dtype=object)
        return _mode_by_code(loc, vals, n_loc)
    counts = np.bincount(
        loc[keep].astype(np.int64) * n_v + v[keep], minlength=n_loc * n_v
    ).reshape(n_loc, n_v)
    best = counts.argmax(axis=1)  # first maximum: the value sorting first
    has = counts[np.arange(n_loc), best] > 0
    out[has] = names[best[has]]
    return out


def _aggregate(items: dict, meta: dict, confidence: float):
    """Per-location totals of :func:`bottlenecks` (NumPy on location codes).

    Columns: ``location``, ``kind``, ``activity``, ``n``, ``n_open``,
    ``median_days``, ``p85_days``, ``median_open_days``, ``total_days``,
    ``sla_limit_days``,
    ``n_limit``, ``n_breached``, ``excess_days``, ``median_ci_low``,
    ``median_ci_high``, ``owner``, ``x_from_dept``; one row per location that
    has items, in order of first appearance.
    """
    from diagnose.metrics._common import summarise_codes, summary_by_code
    from diagnose.metrics.sla import _pending

    names, acts = meta["names"], meta["activities"]
    loc = items["_loc"]
    if loc.size == 0:  # nothing started: no locations
        names = names[:0]
    n_loc = len(names)
    is_open = items["is_open"].astype(bool, copy=False)
    days = items["days"].astype(float, copy=False)
    limit = items["limit_days"].astype(float, copy=False)
    src, frm = items["_src"], items["_from"]

    # kind per location: waits that mostly change department are handoffs
    is_wait = items["_kind"] == 1
    n_wait = np.bincount(loc[is_wait], minlength=n_loc)
    n_hand = np.bincount(
        loc[is_wait], weights=items["is_handoff"][is_wait], minlength=n_loc
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        handoff_loc = (n_wait > 0) & (n_hand / np.maximum(n_wait, 1) > 0.5)
    running = items["_kind"] == 2
    kind = np.array(["stage", "wait", "handoff", "waiting"], dtype=object)[
        np.where(running, 3, np.where(is_wait, np.where(handoff_loc[loc], 2, 1), 0))
    ]
    # finished items: median, p85, p95 and the CI of the median per location
    fin = np.where(is_open, np.nan, days)
    summ = summarise_codes(
        fin, loc, pd.DataFrame({"_loc": np.arange(n_loc)}), confidence=confidence
    )
    codes = summ["_loc"].to_numpy(dtype=np.int64)

    def per_loc(col):
        full = np.full(n_loc, np.nan)
        full[codes] = summ[col].to_numpy(dtype=float)
        return full

    p95 = per_loc("p95")
    # open items: age capped at the finished p95 of the location; a running
    # wait after stage A (no finished item at "A -> …"): at the p95 of the
    # waits after A that ended
    cap = p95[loc]
    if running.any():
        from diagnose.metrics.flow import _activity_codes

        acodes, anames = _activity_codes(acts)
        after = np.where(is_wait | running, acodes[np.maximum(frm, 0)], -1)
        ended = summary_by_code(
            np.where(is_wait & (after >= 0), days, np.nan),
            np.maximum(after, 0),
            len(anames),
        )["p95"]
        cap = np.where(running, ended[np.maximum(after, 0)], cap)
    days_eff = np.where(is_open & ~np.isnan(cap), np.minimum(days, cap), days)
    has_limit = ~np.isnan(limit) & ~np.isnan(days)
    with np.errstate(invalid="ignore"):
        excess = np.where(has_limit, np.clip(days_eff - limit, 0, None), 0.0)
        breach = has_limit & (days > limit)
    # outcome known: finished, or open and already past the limit (the rule
    # of metrics.sla: an open item under its limit may still breach)
    known = has_limit & ~_pending(has_limit, is_open, breach)

    present = np.bincount(loc, minlength=n_loc) > 0
    first = np.full(n_loc, len(loc), dtype=np.int64)
    np.minimum.at(first, loc, np.arange(len(loc)))
    first_item = np.minimum(first, len(loc) - 1)
    limit_med = pd.Series(limit).groupby(loc).median().reindex(range(n_loc)).to_numpy()

    def total(weights):
        return np.bincount(loc, weights=weights, minlength=n_loc)

    out = pd.DataFrame(
        {
            "_first": first,
            "location": names,
            "kind": kind[first_item],
            "activity": take(acts["activity"], src[first_item]),
            "n": np.bincount(loc, minlength=n_loc).astype(np.int64),
            "n_open": total(is_open).astype(np.int64),
            "median_days": per_loc("median"),
            "p85_days": per_loc("p85"),
            "median_open_days": summary_by_code(
                np.where(is_open, days, np.nan), loc, n_loc
            )["median"],
            "total_days": total(np.nan_to_num(days)),
            "sla_limit_days": limit_med,
            "n_limit": total(known).astype(np.int64),
            "n_breached": total(breach).astype(np.int64),
            "excess_days": total(excess),
            "median_ci_low": per_loc("ci_low"),
            "median_ci_high": per_loc("ci_high"),
        }
    )
    dept_mode = _mode_of_positions(acts, "department", loc, src, n_loc)
    owner_mode = _mode_of_positions(acts, "owner", loc, src, n_loc)
    out["owner"] = np.where(pd.isna(dept_mode), owner_mode, dept_mode)
    out["x_from_dept"] = _mode_of_positions(acts, "department", loc, frm, n_loc)
    out = out.loc[present].sort_values("_first", kind="stable")
    return out.drop(columns=["_first"]).reset_index(drop=True)


def _fmt_pct(x) -> str:
    return f"{x:.0%}"


def _wait_limit_part(r, cfg: Settings, zh: bool, *, running: bool) -> list[str]:
    """The share of a wait location's items beyond the handoff limit (running
    waits: already beyond it)."""
    if pd.isna(r.sla_breach_rate):
        return []
    rate, h = _fmt_pct(r.sla_breach_rate), cfg.handoff_hours
    if zh:
        return [f"{rate}{'已' if running else ''}超过{h:g}小时响应时限"]
    if running:
        return [f"{rate} already past the {h:g} h limit"]
    return [f"{rate} wait longer than the {h:g} h limit"]


def _problem(r, language: str, cfg: Settings) -> str:
    zh = language == "zh"
    parts = []
    med = r.median_days
    lim = r.sla_limit_days
    has_med = pd.notna(med)
    if r.kind == "stage":
        if has_med:
            if zh:
                text = f"中位耗时{med:.1f}个工作日"
                text += (
                    f"（时限{lim:g}天）"
                    if pd.notna(lim) and r.x_limit_kind == "limit"
                    else ""
                )
            else:
                text = f"takes a median {med:.1f} working days"
                text += (
                    f" (limit {lim:g})"
                    if pd.notna(lim) and r.x_limit_kind == "limit"
                    else ""
                )
            parts.append(text)
        if pd.notna(r.sla_breach_rate):
            if r.x_limit_kind == "limit":
                parts.append(
                    f"{_fmt_pct(r.sla_breach_rate)}超时"
                    if zh
                    else f"{_fmt_pct(r.sla_breach_rate)} exceed the limit"
                )
            else:
                parts.append(
                    f"{_fmt_pct(r.sla_breach_rate)}超出计划工期"
                    if zh
                    else f"{_fmt_pct(r.sla_breach_rate)} run over their planned "
                    "duration"
                )
        if pd.notna(r.rework_rate) and r.rework_rate >= 0.05:
            parts.append(
                f"{_fmt_pct(r.rework_rate)}的项目返工"
                if zh
                else f"{_fmt_pct(r.rework_rate)} of cases redo it"
            )
        if pd.notna(r.overdue_rate) and r.overdue_rate >= 0.2:
            parts.append(
                f"逾期率{_fmt_pct(r.overdue_rate)}"
                if zh
                else f"{_fmt_pct(r.overdue_rate)} overdue"
            )
    elif r.kind == "waiting":
        after = r.location.rsplit(" -> ", 1)[0]
        n, so_far = int(r.n_open), r.median_open_days
        if zh:
            median = "" if n == 1 else "中位"
            text = (
                f"{n} 个项目在“{after}”之后等待下一环节，"
                f"已等待{median}{so_far:.1f}个工作日"
            )
        elif n == 1:
            text = (
                f"1 case waits for the next stage after {after}: {so_far:.1f} "
                "working days so far"
            )
        else:
            text = (
                f"{n} cases wait for the next stage after {after}: a median "
                f"{so_far:.1f} working days so far"
            )
        parts.append(text)
        parts += _wait_limit_part(r, cfg, zh, running=True)
    else:
        to = r.location.split(" -> ", 1)[-1]
        if has_med:
            parts.append(
                f"进入“{to}”前中位等待{med:.1f}个工作日"
                if zh
                else f"waits a median {med:.1f} working days before {to} starts"
            )
        parts += _wait_limit_part(r, cfg, zh, running=False)
        if r.kind == "handoff" and pd.notna(r.x_from_dept) and pd.notna(r.owner):
            parts.append(
                f"{r.x_from_dept}→{r.owner}"
                if zh
                else f"handoff {r.x_from_dept} -> {r.owner}"
            )
    if pd.notna(r.survey_score):
        parts.append(
            f"问卷“{r.survey_dimension}”得分{r.survey_score:.1f}"
            if zh
            else f"survey '{r.survey_dimension}' scores {r.survey_score:.1f}"
        )
    sep = "；" if zh else "; "
    return sep.join(parts) if parts else ("数据不足" if zh else "too little data")


@sharing
def bottlenecks(
    activities,
    survey=None,
    benchmarks=None,
    settings=None,
    *,
    as_of,
    language="en",
    calendar=None,
    confidence=0.95,
) -> pd.DataFrame:
    """The process status analysis table: every stage and wait, ranked.

    Parameters
    ----------
    activities : pandas.DataFrame or LoadResult
        Activity table.
    survey : pandas.DataFrame or LoadResult, default=None
        Long survey frame; with ``settings.dimension_stages`` the weakest
        dimension naming a location is shown next to it
        (:func:`diagnose.survey.stage_pain`).
    benchmarks : pandas.DataFrame or LoadResult, default=None
        Accepted for symmetry with :func:`diagnose.diagnosis.diagnose`; not
        used per location (benchmarks are case-level, see
        :func:`diagnose.metrics.benchmarks.compare_to_benchmarks`).
    settings : Settings, dict, path or None, default=None
        Stage limits, handoff hours, dimension_stages.
    as_of : str or Timestamp
        Reference date for open work.
    language : {"en", "zh"}, default="en"
        Language of the ``problem`` sentences.
    calendar : WorkCalendar, default=None
        Default: the calendar of ``settings.country``.
    confidence : float, default=0.95
        Level of the breach-rate intervals used by the impact rule.

    Returns
    -------
    pandas.DataFrame
        One row per location, ordered by ``priority``: ``location``,
        ``kind`` ("stage", "wait", "handoff", "waiting": cases waiting for
        their next stage after stage A, location "A -> …", with
        ``settings.final_stages``), ``owner`` (most frequent department, else
        person; for waits the receiving side; for "waiting" the side that
        finished A), ``n`` (items), ``n_open``, ``median_days``, ``p85_days``
        (working days, finished items), ``median_open_days`` (working days so
        far of the open items), ``median_ci_low``, ``median_ci_high``
        (order-statistic CI of the median,
        :func:`diagnose.stats.quantile_interval`),
        ``share_of_cycle`` (the location's working days / all case cycle
        working days), ``median_wait_before`` (stages: median wait
        before they start), ``sla_limit_days`` (stage limit; "per plan"
        stages: median planned duration; waits: handoff hours / 24),
        ``sla_breach_rate``, ``breach_ci_low``, ``breach_ci_high`` (Wilson),
        ``overdue_rate``, ``overdue_contribution`` (share of all overdue
        rows that are in this stage), ``rework_rate`` (cases redoing the
        stage), ``survey_dimension``, ``survey_score``, ``excess_days``
        (total working days beyond the limits), ``score``, ``impact``
        ("high"/"medium"/"low"), ``priority`` (1 = fix first), ``problem``.
        ``attrs["scoring_rule"]`` holds the rule below.

    Notes
    -----
    Scoring rule (deterministic; constants are module attributes):

    {rule}
    """
    from diagnose.io.load import as_activities
    from diagnose.metrics._common import summary_by_code
    from diagnose.metrics.flow import _activity_codes, _wait_pairs, case_durations
    from diagnose.metrics.overdue import overdue_rate
    from diagnose.metrics.rework import rework

    func = "bottlenecks"
    check_choice(language, "language", func, ("en", "zh"))
    acts = as_activities(activities)
    cfg = _settings(settings)
    as_of = check_as_of(as_of, func)
    cal = resolve_calendar(calendar, cfg)
    items, meta = _items(acts, cfg, as_of, cal)
    out = _aggregate(items, meta, confidence)
    # is the stage limit a configured one, or the planned duration?
    stage_limit = out["activity"].map(
        lambda a: cfg.stage_limit(a) if a is not None else None
    )
    out["x_limit_kind"] = np.where(
        (out["kind"] == "stage") & stage_limit.isna(), "plan", "limit"
    )

    n_lim = out["n_limit"].astype(int).to_numpy()
    k = out["n_breached"].astype(int).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["sla_breach_rate"] = np.where(
            n_lim > 0, k / np.where(n_lim > 0, n_lim, 1), np.nan
        )
    out["breach_ci_low"], out["breach_ci_high"] = stats.wilson_interval(
        k, n_lim, confidence=confidence
    )

    cases = case_durations(
        acts, as_of=as_of, calendar=cal, attributes=(), final_stages=cfg.final_stages
    )
    total_cycle = float(np.nansum(cases["cycle_working_days"]))
    out["share_of_cycle"] = (
        out["total_days"] / total_cycle if total_cycle > 0 else np.nan
    )

    # median wait before each stage, from the wait pairs _items used (no
    # table of text columns for them)
    pairs = _wait_pairs(acts, as_of, cal)
    acodes, anames = _activity_codes(acts)
    anames = np.asarray(anames, dtype=object)
    before = summary_by_code(
        pairs["wait_working_days"], acodes[pairs["to_pos"]], len(anames)
    )["median"]
    named = ~pd.isna(anames)
    wait_before = pd.Series(before[named], index=anames[named])
    out["median_wait_before"] = np.where(
        out["kind"] == "stage", out["activity"].map(wait_before), np.nan
    )

    od = overdue_rate(acts, by="activity", as_of=as_of).set_index("activity")
    total_overdue = float(od["n_overdue"].sum())
    is_stage = out["kind"] == "stage"
    out["overdue_rate"] = np.where(
        is_stage, out["activity"].map(od["overdue_rate"]), np.nan
    )
    out["overdue_contribution"] = np.where(
        is_stage & (total_overdue > 0),
        out["activity"].map(od["n_overdue"]) / (total_overdue or 1),
        np.nan,
    )
    rw = rework(acts, as_of=as_of).set_index("activity")
    out["rework_rate"] = np.where(
        is_stage, out["activity"].map(rw["rework_rate"]), np.nan
    )

    out["survey_dimension"] = pd.Series(np.nan, index=out.index, dtype=object)
    out["survey_score"] = np.nan
    survey = _as_frame(survey, "survey")
    if survey is not None and cfg.dimension_stages:
        from diagnose.survey import stage_pain

        pain = stage_pain(survey, settings=cfg)
        if len(pain):
            pain = pain.assign(
                _key=pain["location"].astype(str).str.strip().str.casefold()
            )
            pain = pain.sort_values("mean", kind="stable").drop_duplicates("_key")
            key = out["location"].str.strip().str.casefold()
            out["survey_dimension"] = key.map(pain.set_index("_key")["dimension"])
            out["survey_score"] = key.map(pain.set_index("_key")["mean"]).astype(float)

    total_excess = float(out["excess_days"].sum())
    out["score"] = out["excess_days"] / total_excess if total_excess > 0 else 0.0
    systematic = out["breach_ci_low"].fillna(0) > SYSTEMATIC_BREACH
    enough = out["n_limit"] >= MIN_EVIDENCE_N
    high = (out["score"] >= HIGH_SHARE) & systematic & enough
    medium = ~high & ((out["score"] >= MEDIUM_SHARE) | systematic)
    out["impact"] = np.where(high, "high", np.where(medium, "medium", "low"))
    level = out["impact"].map({"high": 0, "medium": 1, "low": 2})
    out = out.assign(_level=level, _med=out["median_days"].fillna(-1))
    out = out.sort_values(
        ["_level", "score", "_med", "location"],
        ascending=[True, False, False, True],
        kind="stable",
    )
    out["priority"] = np.arange(1, len(out) + 1)
    out["problem"] = [_problem(r, language, cfg) for r in out.itertuples(index=False)]
    cols = [
        "location",
        "kind",
        "owner",
        "n",
        "n_open",
        "median_days",
        "median_ci_low",
        "median_ci_high",
        "p85_days",
        "median_open_days",
        "share_of_cycle",
        "median_wait_before",
        "sla_limit_days",
        "sla_breach_rate",
        "breach_ci_low",
        "breach_ci_high",
        "overdue_rate",
        "overdue_contribution",
        "rework_rate",
        "survey_dimension",
        "survey_score",
        "excess_days",
        "score",
        "impact",
        "priority",
        "problem",
    ]
    out = out[cols].reset_index(drop=True)
    out["n_open"] = out["n_open"].astype("int64")
    out.attrs["scoring_rule"] = SCORING_RULE
    out.attrs["as_of"] = str(as_of)
    return out


bottlenecks.__doc__ = bottlenecks.__doc__.replace(
    "{rule}", SCORING_RULE.replace("\n", "\n    ")
)

_HANDBOOK = {
    "zh": {
        "location": "流程环节",
        "owner": "当前负责人",
        "median_days": "耗时(天)",
        "problem": "问题描述",
        "impact": "影响程度",
        "priority": "改进优先级",
    },
    "en": {
        "location": "stage",
        "owner": "owner",
        "median_days": "days",
        "problem": "problem",
        "impact": "impact",
        "priority": "priority",
    },
}
_IMPACT_ZH = {"high": "高", "medium": "中", "low": "低"}


def handbook_table(table: pd.DataFrame, *, language="zh") -> pd.DataFrame:
    """The handbook's 流程现状分析表 columns from a :func:`bottlenecks` table.

    ``language="zh"``: 流程环节 · 当前负责人 · 耗时(天) · 问题描述 · 影响程度(高/中/低)
    · 改进优先级; ``"en"``: stage, owner, days, problem, impact, priority.
    """
    check_choice(language, "language", "handbook_table", ("en", "zh"))
    names = _HANDBOOK[language]
    out = table[list(names)].rename(columns=names)
    out[names["median_days"]] = out[names["median_days"]].round(1)
    if language == "zh":
        out[names["impact"]] = out[names["impact"]].map(_IMPACT_ZH)
    return out.reset_index(drop=True)
