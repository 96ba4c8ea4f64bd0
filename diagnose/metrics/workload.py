"""Workload: how many tasks each person carries at once, and what it costs.

The handbooks cap concurrent work at ``settings.max_concurrent`` (5) open
subtasks and ``settings.max_concurrent_p0`` (2) open P0 tasks per person.

Counting rule (shared by every function here)
---------------------------------------------
A row counts for its ``owner`` on every calendar day its interval
``[start, end)`` touches: from the day of ``start`` to the day before ``end``
when ``end`` is exactly midnight (the loader stores a date-only end as the
next day 00:00, so the written end day counts and the next does not), else to
the day of ``end``. A task that starts and
ends at the same instant counts on its start day. Work open at ``as_of``
(``end`` NaT or later than ``as_of``) counts up to and including the day of
``as_of``. Rows without an owner, or not started by ``as_of``, are left out.
Only the direct owner counts (``collaborators`` do not).

The count is a sweep: +1 on the first day, -1 on the day after the last day,
cumulative sum per owner over a dense day grid (NumPy, no loop over tasks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose import stats
from diagnose.config import Settings, load_settings
from diagnose.metrics._codes import label_codes
from diagnose.metrics._common import (
    check_as_of,
    check_choice,
    check_frame,
    resolve_calendar,
    reuse,
    sharing,
    state_at,
    summary_by_code,
    take,
)

__all__ = ["workload", "overload_summary", "overload_delay"]

_DAY_NS = 86_400_000_000_000
_FREQS = ("D", "W")


def _settings(settings) -> Settings:
    try:
        return load_settings(settings)
    except Exception as err:  # ConfigError or a bad type
        raise ValueError(
            "The 'settings' parameter must be None, a Settings, a dict or a YAML path. "
            f"Got {settings!r} instead."
        ) from err


def _intervals(activities: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Rows that count, with first/last day (int days since epoch) and P0 flag
    (once per table and ``as_of`` inside ``shared_work``: read-only)."""
    return reuse(
        "workload_intervals",
        (activities,),
        (as_of,),
        lambda: _compute_intervals(activities, as_of),
    )


def _compute_intervals(activities: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    st = state_at(activities, as_of)
    keep = (st["started"] & activities["owner"].notna()).to_numpy()
    st = st.loc[keep]
    start_ns = st["start"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    end_ns = st["end_eff"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    first = start_ns // _DAY_NS
    # exclusive end: the instant just before `end` decides the last day
    last = np.where(
        st["is_open"].to_numpy(), end_ns // _DAY_NS, (end_ns - 1) // _DAY_NS
    )
    last = np.maximum(last, first)
    if "priority" in activities.columns:
        # upper-case each distinct label once, not each row
        codes, labels = pd.factorize(
            take(activities["priority"], np.flatnonzero(keep)), use_na_sentinel=False
        )
        is_p0 = pd.Series(np.asarray(labels, dtype=object)).astype(str).str.upper()
        p0 = is_p0.eq("P0").to_numpy()[codes]
    else:
        p0 = np.zeros(len(st), dtype=bool)
    return pd.DataFrame(
        {
            "owner": take(activities["owner"], np.flatnonzero(keep)),
            "first": first,
            "last": last,
            "p0": p0,
            "start": st["start"].to_numpy(),
            "pos": np.flatnonzero(keep),  # row position in the activity table
        },
        index=st.index,
    )


def _grid(iv: pd.DataFrame):
    """Dense owner x day counts: (owners, day0, n_open[o, d], n_p0[o, d]),
    once per interval table inside ``shared_work`` (workload and
    overload_delay both need it; read-only)."""
    return reuse("workload_grid", (iv,), (), lambda: _compute_grid(iv))


def _compute_grid(iv: pd.DataFrame):
    codes, owners = pd.factorize(iv["owner"], sort=True)
    day0 = int(iv["first"].min())
    n_days = int(iv["last"].max()) - day0 + 1
    f = iv["first"].to_numpy() - day0
    la = iv["last"].to_numpy() - day0
    width = n_days + 1
    size = len(owners) * width
    p0 = iv["p0"].to_numpy()

    def opened(rows):
        # +1 on each first day, -1 after each last day, per owner; running sum
        start = np.bincount(codes[rows] * width + f[rows], minlength=size)
        stop = np.bincount(codes[rows] * width + la[rows] + 1, minlength=size)
        delta = (start - stop).reshape(len(owners), width)
        return np.cumsum(delta, axis=1)[:, :n_days]

    return codes, owners, day0, opened(slice(None)), opened(p0)


@sharing
def workload(
    activities, *, as_of, freq="D", settings=None, calendar=None
) -> pd.DataFrame:
    """Concurrent open tasks per person per day (or week), against the limits.

    Parameters
    ----------
    activities : pandas.DataFrame
        Activity table (``owner`` and ``priority`` used).
    as_of : str or Timestamp
        Open work counts up to this day; the grid ends here.
    freq : {"D", "W"}, default="D"
        ``"D"``: one row per owner and calendar day from the owner's first task
        to ``as_of``. ``"W"``: one row per owner and week (weeks start Monday;
        ``date`` is the Monday), with the **peak** daily counts of the week.
    settings : Settings, dict, path or None, default=None
        ``max_concurrent`` and ``max_concurrent_p0``; ``country`` for the
        calendar.
    calendar : WorkCalendar, default=None
        Marks working days (default: the settings' country, else China).

    Returns
    -------
    pandas.DataFrame
        ``date``, ``owner``, ``n_open`` (tasks open that day), ``n_open_p0``
        (of them P0), ``over_limit`` (``n_open > max_concurrent``),
        ``over_limit_p0`` (``n_open_p0 > max_concurrent_p0``) and, with
        ``freq="D"``, ``working_day`` (weekends and public holidays False,
        make-up working days True). Sorted by owner, date. See the module
        docstring for the counting rule.
    """
    func = "workload"
    activities = check_frame(
        activities, func, ["case_id", "activity", "start", "owner"]
    )
    check_choice(freq, "freq", func, _FREQS)
    as_of = check_as_of(as_of, func)
    cfg = _settings(settings)
    cols = ["date", "owner", "n_open", "n_open_p0", "over_limit", "over_limit_p0"]
    types = ["datetime64[ns]", object, "int64", "int64", bool, bool]
    if freq == "D":
        cols, types = cols + ["working_day"], types + [bool]
    iv = _intervals(activities, as_of)
    if iv.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(cols, types)})
    codes, owners, day0, n_open, n_p0 = _grid(iv)
    n_owners, n_days = n_open.shape
    # each owner's grid starts at their first task
    own_first = pd.Series(iv["first"].to_numpy()).groupby(codes).min().to_numpy() - day0
    day_idx = np.tile(np.arange(n_days), n_owners)
    owner_idx = np.repeat(np.arange(n_owners), n_days)
    keep = day_idx >= own_first[owner_idx]
    dates = ((day0 + day_idx[keep]) * _DAY_NS).astype("datetime64[ns]")
    out = pd.DataFrame(
        {
            "date": dates,
            "owner": np.asarray(owners, dtype=object)[owner_idx[keep]],
            "n_open": n_open.reshape(-1)[keep],
            "n_open_p0": n_p0.reshape(-1)[keep],
        }
    )
    if freq == "W":
        week = out["date"] - pd.to_timedelta(out["date"].dt.weekday, unit="D")
        out = (
            out.assign(date=week)
            .groupby(["owner", "date"], sort=True)[["n_open", "n_open_p0"]]
            .max()
            .reset_index()[["date", "owner", "n_open", "n_open_p0"]]
        )
    else:
        out["working_day"] = resolve_calendar(calendar, cfg).is_working_day(out["date"])
    out["over_limit"] = out["n_open"] > cfg.max_concurrent
    out["over_limit_p0"] = out["n_open_p0"] > cfg.max_concurrent_p0
    out[["n_open", "n_open_p0"]] = out[["n_open", "n_open_p0"]].astype("int64")
    return (
        out[cols].sort_values(["owner", "date"], kind="stable").reset_index(drop=True)
    )


@sharing
def overload_summary(
    activities, *, as_of, settings=None, calendar=None, confidence=0.95
) -> pd.DataFrame:
    """Per person: how often they carry more than the handbook limits.

    Days are the *working* days of :func:`workload` (``freq="D"``) on which
    the person had at least one open task ("days with work"): a task left
    open over a weekend or the Spring Festival does not make those days count
    as overloaded ones.

    Returns
    -------
    pandas.DataFrame
        ``owner``, ``days_with_work``, ``days_over_limit``, ``share``
        (``days_over_limit / days_with_work``), ``ci_low``, ``ci_high``
        (Wilson; days are not independent, so read it as descriptive),
        ``days_over_limit_p0``, ``share_p0``, ``peak_open``, ``peak_open_p0``,
        ``mean_open`` (on days with work). Sorted by ``share`` descending.
    """
    wl = workload(
        activities, as_of=as_of, freq="D", settings=settings, calendar=calendar
    )
    wl = wl.loc[(wl["n_open"] > 0) & wl["working_day"]]
    out = (
        wl.groupby("owner", sort=True)
        .agg(
            days_with_work=("n_open", "size"),
            days_over_limit=("over_limit", "sum"),
            days_over_limit_p0=("over_limit_p0", "sum"),
            peak_open=("n_open", "max"),
            peak_open_p0=("n_open_p0", "max"),
            mean_open=("n_open", "mean"),
        )
        .reset_index()
    )
    for c in (
        "days_with_work",
        "days_over_limit",
        "days_over_limit_p0",
        "peak_open",
        "peak_open_p0",
    ):
        out[c] = out[c].astype("int64")
    n = out["days_with_work"].to_numpy()
    out["share"] = out["days_over_limit"] / np.where(n > 0, n, np.nan)
    out["share_p0"] = out["days_over_limit_p0"] / np.where(n > 0, n, np.nan)
    out["ci_low"], out["ci_high"] = stats.wilson_interval(
        out["days_over_limit"], n, confidence=confidence
    )
    cols = [
        "owner",
        "days_with_work",
        "days_over_limit",
        "share",
        "ci_low",
        "ci_high",
        "days_over_limit_p0",
        "share_p0",
        "peak_open",
        "peak_open_p0",
        "mean_open",
    ]
    return (
        out[cols]
        .sort_values(["share", "owner"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


@sharing
def overload_delay(
    activities, *, as_of, settings=None, calendar=None, confidence=0.95
) -> pd.DataFrame:
    """Do tasks started while their owner was overloaded finish later?

    A task is *started under overload* when, on the day it started, its owner
    had more than ``settings.max_concurrent`` open tasks (the task itself
    included; :func:`workload` counting rule). Two outcomes are compared
    between tasks started under overload and the others:

    * ``slower_than_stage_median``: the finished task took longer (working
      days) than the median of finished tasks of the same activity. Comparing
      each task with its own stage removes the stage mix (long stages are not
      "slow" just because they are long). Finished tasks only.
    * ``overdue``: :func:`diagnose.metrics.overdue.overdue` (rows with a due
      date; open rows past due count as overdue).

    Method: difference of the two proportions (overloaded minus others) with
    Newcombe's hybrid score interval built from owner-clustered Wilson
    intervals (:func:`diagnose.stats.clustered_newcombe_interval`): the tasks
    of one person are correlated, so each share's interval is taken at its
    effective sample size (``n_eff_*``), not at its number of tasks.
    ``beyond_noise`` is True when the interval excludes 0. With tasks of
    fewer than two people in a group the interval is NaN.

    Returns
    -------
    pandas.DataFrame
        One row per outcome: ``outcome``, ``n_overloaded``,
        ``people_overloaded`` (their distinct owners), ``k_overloaded``,
        ``rate_overloaded``, ``n_other``, ``k_other``, ``rate_other``,
        ``diff``, ``ci_low``, ``ci_high``, ``n_eff_overloaded``,
        ``n_eff_other`` (effective sample sizes), ``beyond_noise``,
        ``median_days_overloaded``, ``median_days_other`` (finished tasks,
        working days), ``method``.
    """
    # the slim result columns, not activity_durations()/overdue(): those copy
    # the whole table (~0.5 s and ~200 MiB each at a million rows)
    from diagnose.metrics.flow import _activity_codes, _durations
    from diagnose.metrics.overdue import _overdue_core

    func = "overload_delay"
    activities = check_frame(
        activities, func, ["case_id", "activity", "start", "owner"]
    )
    as_of = check_as_of(as_of, func)
    cfg = _settings(settings)
    iv = _intervals(activities, as_of)
    # everything by row position (labels may repeat in a user's frame)
    n = len(activities)
    counted = np.zeros(n, dtype=bool)
    counted[iv["pos"].to_numpy()] = True
    overloaded = np.zeros(n, dtype=bool)
    if not iv.empty:
        codes, _, day0, n_open, _ = _grid(iv)
        at_start = n_open[codes, iv["first"].to_numpy() - day0]
        overloaded[iv["pos"].to_numpy()] = at_start > cfg.max_concurrent

    cal = resolve_calendar(calendar, cfg)
    dur = _durations(activities, as_of, cal, columns=("activity",))
    days = dur["duration_working_days"].to_numpy(dtype=float)
    fin = np.flatnonzero(counted & ~dur["is_open"].to_numpy(bool) & ~np.isnan(days))
    # each finished task against its stage's median (no stage: no median)
    acodes, anames = _activity_codes(activities)
    stage = acodes[fin]
    named = ~pd.isna(np.asarray(anames, dtype=object))[stage]
    med = summary_by_code(np.where(named, days[fin], np.nan), stage, len(anames))
    slow = named & (days[fin] > med["median"][stage])
    ov_fin = overloaded[fin]

    if "due" in activities.columns:
        core = _overdue_core(activities, as_of)
        # outcome known at as_of (open work not yet due may still be late)
        od = np.flatnonzero(counted & core["outcome_known"].to_numpy(bool))
        od_flag = core["is_overdue"].to_numpy(bool)[od]
    else:  # no due dates: nothing can be overdue
        od, od_flag = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=bool)

    rows = []
    method = (
        "difference of proportions (overloaded - others), Newcombe hybrid score "
        f"interval at {confidence:.0%} from owner-clustered Wilson intervals"
    )
    owner_codes = label_codes(activities["owner"])[0]
    n_owners = int(owner_codes.max()) + 1 if n else 0
    for name, hit, pos in (
        ("slower_than_stage_median", slow, fin),
        ("overdue", od_flag, od),
    ):
        ov = overloaded[pos]
        n1, k1 = int(ov.sum()), int((hit & ov).sum())
        n2, k2 = int((~ov).sum()), int((hit & ~ov).sum())
        # per owner: tasks (trials) and outcomes (successes) in each group
        owner = owner_codes[pos]
        people = int(np.count_nonzero(np.bincount(owner[ov], minlength=n_owners)))
        if n1 and n2:
            low, high, ne1, ne2 = stats.clustered_newcombe_interval(
                *_per_owner(owner[ov], hit[ov], n_owners),
                *_per_owner(owner[~ov], hit[~ov], n_owners),
                confidence=confidence,
            )
        else:
            low = high = ne1 = ne2 = np.nan
        r1 = k1 / n1 if n1 else np.nan
        r2 = k2 / n2 if n2 else np.nan
        rows.append(
            {
                "outcome": name,
                "n_overloaded": n1,
                "people_overloaded": people,
                "k_overloaded": k1,
                "rate_overloaded": r1,
                "n_other": n2,
                "k_other": k2,
                "rate_other": r2,
                "diff": r1 - r2,
                "ci_low": low,
                "ci_high": high,
                "n_eff_overloaded": ne1,
                "n_eff_other": ne2,
                "beyond_noise": bool(np.isfinite(low) and (low > 0 or high < 0)),
                "median_days_overloaded": _median(days[fin][ov_fin]),
                "median_days_other": _median(days[fin][~ov_fin]),
                "method": method,
            }
        )
    return pd.DataFrame(rows)


def _median(x: np.ndarray) -> float:
    return float(np.median(x)) if x.size else np.nan


def _per_owner(owner: np.ndarray, hit: np.ndarray, n_owners: int):
    """Outcomes (successes) and tasks (trials) per owner code."""
    y = np.bincount(owner, weights=hit, minlength=n_owners)
    return y, np.bincount(owner, minlength=n_owners)
