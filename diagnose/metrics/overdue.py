"""Overdue work, progress deviation and KPI variance.

Overdue rule (at ``as_of``): a row with a due date is *overdue* when it
finished after its due date (``end > due``), or is still open at ``as_of`` and
``as_of > due``. Work that finished after ``as_of`` counts as open then.
Rows without a due date are neither overdue nor counted in rates
(``has_due=False``). Comparisons are on full timestamps.

Outcome known at ``as_of``: a row with a due date has a known outcome when it
finished by ``as_of`` (on time or late) or is open and already past due
(overdue). An open row not yet due is *pending* (``is_pending``): it may still
finish on time or late, so rates leave it out of their denominator and count
it in ``n_pending`` instead (counting it as on time would bias the rate down,
most for recent work such as a pilot still in flight). Rows starting after
``as_of`` did not exist then: they are neither overdue nor pending. The loader stores a
date-only due ``2024-10-08`` as the end of that day (2024-10-09 00:00), so
finishing on 2024-10-08 at 18:00 is on time; a due written with a time
(``2024-10-08 12:00``) is kept as written, and 18:00 that day is then late.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose import stats
from diagnose.config import Settings, load_settings
from diagnose.metrics._common import (
    as_list,
    check_as_of,
    check_choice,
    check_confidence,
    check_frame,
    resolve_calendar,
    reuse,
    sharing,
    state_at,
)
from diagnose.workdays import to_datetime64

__all__ = ["overdue", "overdue_rate", "progress_deviation", "kpi_variance"]

_BY_CHOICES = (None, "activity", "team", "owner", "department", "priority", "month")
_DAY = np.timedelta64(1, "D")


def _settings(settings) -> Settings:
    try:
        return load_settings(settings)
    except Exception as err:
        raise ValueError(
            "The 'settings' parameter must be None, a Settings, a dict or a YAML path. "
            f"Got {settings!r} instead."
        ) from err


@sharing
def overdue(activities, *, as_of) -> pd.DataFrame:
    """Row-level overdue flags (see the module docstring for the rule).

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``is_open`` (at ``as_of``), ``has_due``,
        ``is_overdue``, ``days_overdue`` (calendar days past due: finish or
        ``as_of`` minus due; only where overdue, else 0; NaN without due),
        ``is_pending`` (due date, started by ``as_of`` or without a start,
        open and not yet due: outcome unknown) and ``outcome_known`` (due
        date, not starting after ``as_of``, not pending: the rows an overdue
        share is taken over).
    """
    func = "overdue"
    activities = check_frame(activities, func, ["case_id", "activity", "due"])
    as_of = check_as_of(as_of, func)
    return reuse(func, (activities,), (as_of,), lambda: _overdue(activities, as_of))


def _overdue(activities, as_of) -> pd.DataFrame:
    core = _overdue_core(activities, as_of)
    return activities.assign(**{c: core[c].to_numpy() for c in core.columns})


def _overdue_core(activities, as_of, columns=()) -> pd.DataFrame:
    """The columns :func:`overdue` adds (same index) plus the named
    input ``columns``, without copying the whole table."""
    core = reuse(
        "overdue_core",
        (activities,),
        (as_of,),
        lambda: _overdue_cols(activities, as_of),
    )
    if not columns:
        return core
    extra = activities[[c for c in columns if c not in core.columns]]
    return pd.concat([extra, core], axis=1)


def _overdue_cols(activities, as_of) -> pd.DataFrame:
    st = state_at(activities, as_of)
    due = to_datetime64(activities["due"])
    due = np.asarray(due, dtype="datetime64[ns]")
    has_due = ~np.isnat(due)
    is_open = st["is_open"].to_numpy()
    start = st["start"].to_numpy()
    cut = np.datetime64(as_of.as_unit("ns").asm8, "ns")
    # a row starting after as_of was not in the table then (no start: kept)
    in_view = ~(start > cut)
    finish = np.where(is_open, cut, st["end"].to_numpy())  # open: judged at as_of
    late = (finish - due) / _DAY
    with np.errstate(invalid="ignore"):
        is_overdue = has_due & in_view & (late > 0)
        days = np.where(has_due, np.where(is_overdue, late, 0.0), np.nan)
    is_pending = has_due & in_view & is_open & ~is_overdue
    return pd.DataFrame(
        {
            "is_open": is_open,
            "has_due": has_due,
            "is_overdue": is_overdue,
            "days_overdue": days.astype(float),
            "is_pending": is_pending,
            "outcome_known": has_due & in_view & ~is_pending,
        },
        index=activities.index,
    )


def _case_overdue(activities, as_of, groups) -> pd.DataFrame:
    """One row per case: latest due, finish (last end or as_of), overdue,
    pending (open, not yet past its latest due). Only rows that existed at
    ``as_of`` count (a case whose rows all start later is left out)."""
    rows = _overdue_core(activities, as_of)
    st = state_at(activities, as_of)
    due = pd.Series(to_datetime64(activities["due"]), index=activities.index)
    frame = pd.DataFrame(
        {
            "case_id": activities["case_id"],
            "due": due,
            "end": st["end"],
            "open": rows["is_open"],
        }
    )
    frame = frame.loc[~(st["start"] > as_of).to_numpy()]
    g = frame.groupby("case_id", dropna=False, sort=True)
    out = pd.DataFrame(
        {"due": g["due"].max(), "end": g["end"].max(), "is_open": g["open"].any()}
    )
    out["end"] = out["end"].where(~out["is_open"])
    finish = out["end"].where(~out["is_open"], as_of)
    out["has_due"] = out["due"].notna()
    out["is_overdue"] = out["has_due"] & (finish > out["due"])
    out["is_pending"] = out["has_due"] & out["is_open"] & ~out["is_overdue"]
    out["outcome_known"] = out["has_due"] & ~out["is_pending"]
    for col in groups:
        if col == "month":
            continue
        # most common value of the case's rows (ties: first in sort order)
        counts = (
            activities.groupby(["case_id", col], dropna=True, sort=True)
            .size()
            .reset_index(name="_k")
            .sort_values(["case_id", "_k"], ascending=[True, False], kind="stable")
            .drop_duplicates("case_id")
            .set_index("case_id")[col]
        )
        out[col] = counts.reindex(out.index)
    return out.reset_index()


@sharing
def overdue_rate(
    activities, *, by="activity", as_of, level="activity", confidence=0.95
) -> pd.DataFrame:
    """Share of work with a due date and a known outcome that is overdue.

    Rule (see the module docstring): at ``as_of`` a row with a due date is
    *overdue* when it finished after its due date or is open past it, *on
    time* when it finished by its due date, and *pending* when it is open and
    not yet due. The rate is ``n_overdue / n`` over the rows whose outcome is
    known (overdue or on time); pending rows are counted in ``n_pending`` and
    left out of the rate, since they may still finish late. Rows starting
    after ``as_of`` are not counted at all. Interval: Wilson score (the lower
    bound is exactly 0 when nothing is overdue).

    Parameters
    ----------
    activities : pandas.DataFrame
    by : None, "activity", "team", "owner", "department", "priority", "month"
        or a list of them (other existing column names are accepted too);
        default="activity". ``"month"`` is the month of the due date
        (``"2024-10"``). Missing labels form their own group, so the groups'
        ``n`` add up to the overall ``n``.
    as_of : str or Timestamp
    level : {"activity", "case"}, default="activity"
        ``"case"``: a case is overdue when its last end (``as_of`` while any
        of its rows is open) passes its latest due date, and pending while it
        is open and not yet past that date; case attributes are
        the most common value among its rows; ``by="activity"`` is not
        allowed.
    confidence : float, default=0.95

    Returns
    -------
    pandas.DataFrame
        ``by`` column(s), ``n`` (rows/cases with a due date whose outcome is
        known at ``as_of``), ``n_overdue``, ``n_open`` (of ``n``: open and
        past due), ``n_pending`` (open, not yet due; not in ``n``),
        ``overdue_rate`` (``n_overdue / n``; NaN when ``n`` is 0), ``ci_low``,
        ``ci_high`` (:func:`diagnose.stats.wilson_interval`). A group whose
        rows are all pending is kept, with ``n`` 0.

    Examples
    --------
    Two tasks finished late and eight started, not due until July: the rate
    is 2/2, with 8 pending (not 2/10).

    >>> import pandas as pd
    >>> from diagnose.metrics import overdue_rate
    >>> t = pd.DataFrame({
    ...     "case_id": [f"K{i}" for i in range(10)], "activity": "Execution",
    ...     "start": ["2024-05-06"] * 2 + ["2024-06-24"] * 8,
    ...     "end": ["2024-05-20"] * 2 + [None] * 8,
    ...     "due": ["2024-05-10"] * 2 + ["2024-07-15"] * 8})
    >>> overdue_rate(t, by=None, as_of="2024-06-28")[["n", "n_overdue", "n_pending"]]
       n  n_overdue  n_pending
    0  2          2          8
    """
    func = "overdue_rate"
    activities = check_frame(activities, func, ["case_id", "activity", "due"])
    check_choice(level, "level", func, ("activity", "case"))
    confidence = check_confidence(confidence, func)
    groups = as_list(by)
    choices = [c for c in _BY_CHOICES if c is not None]
    for g in groups:
        if g not in choices and g not in activities.columns:
            shown = "{None, " + ", ".join(repr(c) for c in choices) + "}"
            raise ValueError(
                f"The 'by' parameter of overdue_rate must be one of {shown}, a list of "
                f"them, or a column of the table. Got {g!r} instead."
            )
        if g != "month" and g not in activities.columns:
            raise ValueError(
                f"The 'by' parameter of overdue_rate is {g!r}, but the table has no "
                f"column {g!r}. Columns present: {list(activities.columns)}."
            )
    if level == "case" and "activity" in groups:
        raise ValueError(
            "The 'by' parameter of overdue_rate cannot include 'activity' with "
            f"level='case'. Got by={by!r} instead."
        )
    as_of = check_as_of(as_of, func)
    if level == "activity":
        rows = _overdue_core(
            activities, as_of, columns=[g for g in groups if g != "month"]
        )
        due = pd.Series(to_datetime64(activities["due"]), index=activities.index)
    else:
        rows = _case_overdue(activities, as_of, groups)
        due = rows["due"]
    if "month" in groups:
        rows = rows.assign(month=due.dt.strftime("%Y-%m").to_numpy())
    rows = rows.loc[rows["outcome_known"] | rows["is_pending"]]
    rows = rows.assign(_open_known=rows["is_open"] & rows["outcome_known"])
    if groups:
        out = (
            rows.groupby(groups, dropna=False, sort=True, observed=True)
            .agg(
                n=("outcome_known", "sum"),
                n_overdue=("is_overdue", "sum"),
                n_open=("_open_known", "sum"),
                n_pending=("is_pending", "sum"),
            )
            .reset_index()
        )
    else:
        out = pd.DataFrame(
            {
                "n": [int(rows["outcome_known"].sum())],
                "n_overdue": [int(rows["is_overdue"].sum())],
                "n_open": [int(rows["_open_known"].sum())],
                "n_pending": [int(rows["is_pending"].sum())],
            }
        )
    counts = ["n", "n_overdue", "n_open", "n_pending"]
    out[counts] = out[counts].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["overdue_rate"] = out["n_overdue"] / out["n"].where(out["n"] > 0)
    out["ci_low"], out["ci_high"] = stats.wilson_interval(
        out["n_overdue"], out["n"], confidence=confidence
    )
    return out[
        groups
        + ["n", "n_overdue", "n_open", "n_pending", "overdue_rate", "ci_low", "ci_high"]
    ]


@sharing
def progress_deviation(
    activities, *, as_of, settings=None, calendar=None
) -> pd.DataFrame:
    """Planned vs actual duration of every activity, flagged by the handbook rules.

    Plan: ``planned_start`` → ``planned_end`` when both are given, else
    ``start`` → ``due`` (``plan_source`` says which). Actual: ``start`` →
    ``end`` (open rows: → ``as_of``). Both in working days.

    Sign convention: ``deviation = (actual - planned) / planned`` is the
    *delay share*: positive when the work takes longer than planned. DOMAIN's
    ``(planned - actual) / planned`` applies to *progress* (amount done), where
    being behind also gives a positive number — both read "positive = behind".

    Flags: ``"escalate"`` when ``|deviation| >= settings.deviation_escalate``,
    ``"warn"`` when ``>= settings.kpi_warn``, else ``"ok"``; for open rows only
    a positive deviation counts (an open task at 30 % of its planned time is
    not early, just unfinished); ``"no_plan"`` when the plan is missing or not
    longer than 0.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``is_open``, ``plan_source``, ``planned_days``,
        ``actual_days``, ``deviation``, ``end_slip_days`` (working days from the
        planned end — ``planned_end`` or ``due`` — to the actual end or
        ``as_of``; for open rows not yet past it: NaN), ``flag``.
    """
    func = "progress_deviation"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    as_of = check_as_of(as_of, func)
    cfg = _settings(settings)
    cal = resolve_calendar(calendar, cfg)
    st = state_at(activities, as_of)

    def col(name):
        if name in activities.columns:
            return pd.Series(to_datetime64(activities[name]), index=activities.index)
        return pd.Series(pd.NaT, index=activities.index, dtype="datetime64[ns]")

    p_start, p_end, due = col("planned_start"), col("planned_end"), col("due")
    use_plan = p_start.notna() & p_end.notna()
    plan_s = p_start.where(use_plan, st["start"])
    plan_e = p_end.where(use_plan, due)
    # labels as object arrays by index (a NumPy unicode array would be
    # converted value by value when it becomes a column)
    source = np.array(["planned", "due", "none"], dtype=object)[
        np.where(use_plan, 0, np.where(due.notna(), 1, 2))
    ]
    planned = cal.working_days_between(plan_s, plan_e)
    actual = cal.working_days_between(st["start"], st["end_eff"])
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = np.where(planned > 0, (actual - planned) / planned, np.nan)
    is_open = st["is_open"].to_numpy()
    slip = cal.working_days_between(plan_e, st["end_eff"])
    slip = np.where(is_open & ~(slip > 0), np.nan, slip)
    judged = np.where(is_open, np.maximum(dev, 0), np.abs(dev))
    flag = np.array(["no_plan", "escalate", "warn", "ok"], dtype=object)[
        np.select(
            [np.isnan(dev), judged >= cfg.deviation_escalate, judged >= cfg.kpi_warn],
            [0, 1, 2],
            default=3,
        )
    ]
    return activities.assign(
        is_open=is_open,
        plan_source=source,
        planned_days=planned,
        actual_days=actual,
        deviation=dev,
        end_slip_days=slip,
        flag=flag,
    )


_HIGHER = {
    "higher",
    "higher_is_better",
    "up",
    "max",
    "maximize",
    "maximise",
    "increase",
    "high",
    "越高越好",
    "越大越好",
    "高",
    "↑",
}
_LOWER = {
    "lower",
    "lower_is_better",
    "down",
    "min",
    "minimize",
    "minimise",
    "decrease",
    "low",
    "越低越好",
    "越小越好",
    "低",
    "↓",
}


def kpi_variance(kpis, *, settings=None) -> pd.DataFrame:
    """KPI / milestone variance against target, flagged by ``settings.kpi_warn``.

    ``variance = (actual - target) / |target|`` (the same as ``/ target`` for
    the usual positive targets; NaN when the target is 0 or
    missing). Example: leads target 5000, actual 4200 → -0.16, flagged.

    Returns
    -------
    pandas.DataFrame
        The input columns plus ``variance``, ``flagged``
        (``|variance| > kpi_warn``) and ``flag``. Without a ``direction``
        column ``flag`` is ``"warn"`` when flagged, else ``"ok"``. With one
        (``higher``/``lower`` and synonyms such as ``up``, ``越高越好``),
        ``"warn"`` means off target in the bad direction, ``"ahead"`` beyond
        target in the good direction, ``"ok"`` within the band, and
        ``adverse`` (variance signed so that positive is bad) is added. Unknown
        directions fall back to the two-sided rule.
    """
    func = "kpi_variance"
    kpis = check_frame(kpis, func, ["target", "actual"], name="kpis")
    cfg = _settings(settings)
    target = pd.to_numeric(kpis["target"], errors="coerce").to_numpy(dtype=float)
    actual = pd.to_numeric(kpis["actual"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(target != 0, (actual - target) / np.abs(target), np.nan)
    flagged = np.abs(var) > cfg.kpi_warn + 1e-12
    out = kpis.assign(variance=var, flagged=flagged)
    if "direction" in kpis.columns:
        d = kpis["direction"].astype(str).str.strip().str.casefold()
        sign = np.where(d.isin(_HIGHER), -1.0, np.where(d.isin(_LOWER), 1.0, np.nan))
        adverse = sign * var
        known = ~np.isnan(sign)
        flag = np.where(
            np.isnan(var),
            "no_target",
            np.where(
                known,
                np.where(
                    adverse > cfg.kpi_warn + 1e-12,
                    "warn",
                    np.where(-adverse > cfg.kpi_warn + 1e-12, "ahead", "ok"),
                ),
                np.where(flagged, "warn", "ok"),
            ),
        )
        out = out.assign(adverse=adverse, flag=flag)
    else:
        out = out.assign(
            flag=np.where(np.isnan(var), "no_target", np.where(flagged, "warn", "ok"))
        )
    return out
