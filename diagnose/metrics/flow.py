"""Flow metrics: cycle time, stage durations, waits between stages, flow
efficiency and aging work in progress.

Conventions shared by every function here
-----------------------------------------
* **Open work is never dropped.** The table is read *as it was at* ``as_of``:
  a row is open when ``end`` is NaT or later than ``as_of``; open work is
  measured up to ``as_of`` and treated as right-censored where a statistic
  allows it (Kaplan–Meier columns ``km_*``). Rows whose ``start`` is NaT or
  later than ``as_of`` have not started: they have no duration and are not
  counted in ``n``.
* **Working days** follow :mod:`diagnose.workdays` (weekends and public holidays
  off, make-up days on; fractional: elapsed share of each working day's 24 h).
  The loader stores a date-only end as the next day 00:00, so a task written
  ``2023.07.01-07.07`` covers the end day in full (7 calendar days).
* **Summaries** (``mean, median, p85, p95, ci_low, ci_high``) describe
  *finished* items; ``ci_low/ci_high`` is the order-statistic CI of the median
  (:func:`diagnose.stats.quantile_interval`). ``km_median`` uses all items,
  open ones censored at ``as_of``; ``naive_median`` (= ``median``) is the
  finished-only value, so the bias of dropping open work is visible.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from diagnose.metrics._codes import factorize, label_codes
from diagnose.metrics._common import (
    SUMMARY_COLUMNS,
    _sort_within_groups,
    as_list,
    check_as_of,
    check_choice,
    check_confidence,
    check_frame,
    frame_by_code,
    group_codes,
    km_median_by_code,
    resolve_calendar,
    reuse,
    sharing,
    state_at,
    summarise_codes,
    summary_and_km_by_code,
    summary_by_code,
    take,
)

__all__ = [
    "case_durations",
    "activity_durations",
    "waits",
    "transitions",
    "cycle_time",
    "stage_summary",
    "flow_efficiency",
    "aging_wip",
    "case_endings",
]

_DAY = np.timedelta64(1, "D")
_NAT = np.iinfo(np.int64).min
_NS_PER_DAY = 86_400 * 10**9
_UNITS = ("working_days", "days")


def _factorize(values: pd.Series):
    """``pd.factorize(values, sort=True, use_na_sentinel=False)``; the codes of
    an Arrow-backed text column come from :mod:`diagnose.metrics._codes`
    (computed once per column, read-only)."""
    try:
        return factorize(values, missing_group=True)
    except TypeError:  # mixed types cannot be sorted
        return pd.factorize(values, sort=False, use_na_sentinel=False)


def _mode_by_code(codes: np.ndarray, values: pd.Series, n_groups: int) -> np.ndarray:
    """Most common non-missing value of ``values`` per group code (ties: the
    value sorting first; all missing: NaN).

    Counts come from one ``bincount`` over (group, value code) pairs; the
    value codes are sorted, so ``argmax`` (first maximum) picks the value
    sorting first among ties.
    """
    out = np.full(n_groups, np.nan, dtype=object)
    try:
        vcodes, vuniques = factorize(values)
    except TypeError:  # mixed types cannot be sorted: the plain way
        return _mode_by_code_reference(codes, values, n_groups)
    ok = vcodes >= 0
    n_values = len(vuniques)
    if not ok.any():
        return out
    if n_groups * n_values > 50_000_000:  # too many pairs for a dense table
        return _mode_by_code_reference(codes, values, n_groups)
    pair = codes[ok].astype(np.int64) * n_values + vcodes[ok]
    counts = np.bincount(pair, minlength=n_groups * n_values).reshape(
        n_groups, n_values
    )
    best = counts.argmax(axis=1)
    has = counts[np.arange(n_groups), best] > 0
    out[has] = np.asarray(vuniques, dtype=object)[best[has]]
    return out


def _mode_by_code_reference(
    codes: np.ndarray, values: pd.Series, n_groups: int
) -> np.ndarray:
    """:func:`_mode_by_code` with a pandas groupby (reference and fallback)."""
    frame = pd.DataFrame({"g": codes, "v": values.to_numpy()}).dropna(subset=["v"])
    out = np.full(n_groups, np.nan, dtype=object)
    if frame.empty:
        return out
    counts = (
        frame.groupby(["g", "v"], sort=True, observed=True).size().reset_index(name="k")
    )
    counts = counts.sort_values(["g", "k"], ascending=[True, False], kind="stable")
    first = counts.drop_duplicates("g")
    out[first["g"].to_numpy()] = first["v"].to_numpy()
    return out


def _union_length(
    codes: np.ndarray, s: np.ndarray, e: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group, the total length of the union of intervals ``[s, e]``
    (overlapping or touching intervals counted once). NaN intervals skipped.

    Sorted-segment NumPy: sort by (group, start); a row opens a new block when
    its start is after the running maximum end of the earlier rows of its
    group; block ends are ``maximum.reduceat`` of the ends. Integer inputs
    (e.g. nanoseconds) are summed exactly.
    """
    s = np.asarray(s)
    e = np.asarray(e)
    if s.dtype.kind == "f" or e.dtype.kind == "f":
        s, e = s.astype(float), e.astype(float)
        ok = ~(np.isnan(s) | np.isnan(e))
    else:
        ok = np.ones(s.size, dtype=bool)
    codes, s, e = codes[ok], s[ok], np.maximum(e[ok], s[ok])
    out = np.zeros(n_groups, dtype=s.dtype if s.dtype.kind == "i" else float)
    if s.size == 0:
        return out.astype(float)
    order = _sort_order(codes, s)
    c, s, e = (codes, s, e) if order is None else (codes[order], s[order], e[order])
    new_group = np.ones(c.size, dtype=bool)
    new_group[1:] = c[1:] != c[:-1]
    run_max = _segmented_cummax(e, c)
    prev_max = np.empty_like(run_max)
    prev_max[1:] = run_max[:-1]
    new_block = new_group.copy()
    new_block[1:] |= s[1:] > prev_max[1:]
    b_idx = np.flatnonzero(new_block)
    b_end = np.maximum.reduceat(e, b_idx)
    np.add.at(out, c[b_idx], b_end - s[b_idx])
    return out


def _segmented_cummax(x: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Running maximum of ``x`` restarting at each segment (``seg``: the
    segment number of each element, non-decreasing)."""
    if x.size == 0:
        return x.copy()
    return pd.Series(x).groupby(seg, sort=False).cummax().to_numpy()


def _sort_order(codes: np.ndarray, key: np.ndarray) -> np.ndarray | None:
    """Stable permutation sorting by (``codes``, ``key``); ``None`` when the
    rows already are in that order (the common case of exported logs, checked
    in one pass instead of paying for a sort)."""
    if codes.size < 2:
        return None
    dc = np.diff(codes)
    if (dc >= 0).all() and ((dc > 0) | (key[1:] >= key[:-1])).all():
        return None
    order = np.argsort(key, kind="stable")
    return order[np.argsort(codes[order], kind="stable")]


@sharing
def activity_durations(activities, *, as_of, calendar=None) -> pd.DataFrame:
    """Every activity row with its duration, open work measured to ``as_of``.

    Parameters
    ----------
    activities : pandas.DataFrame
        Activity table (canonical columns; ``case_id``, ``activity``, ``start``
        required, ``end`` NaT for open work).
    as_of : str or Timestamp
        Reference date: open work is measured up to it; work ending after it
        counts as open.
    calendar : WorkCalendar, default=None
        Working-day calendar (default: the cached China calendar).

    Returns
    -------
    pandas.DataFrame
        The input columns (same index) plus ``duration_days`` (calendar days),
        ``duration_working_days``, ``is_open`` (at ``as_of``) and ``started``
        (False: not started by ``as_of``, durations NaN).
    """
    func = "activity_durations"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    as_of = check_as_of(as_of, func)
    cal = resolve_calendar(calendar)
    return reuse(
        func,
        (activities, cal),
        (as_of,),
        lambda: _activity_durations(activities, as_of, cal),
    )


def _activity_durations(activities, as_of, cal) -> pd.DataFrame:
    slim = _durations(activities, as_of, cal)
    return activities.assign(**{c: slim[c].to_numpy() for c in slim.columns})


def _durations(activities, as_of, cal, columns=()) -> pd.DataFrame:
    """The four columns :func:`activity_durations` adds (same index), plus the
    named input ``columns``: what the metrics need without copying the whole
    table (``assign`` copies every column, ~0.5 s at a million rows)."""
    slim = reuse(
        "durations", (activities, cal), (as_of,), lambda: _slim(activities, as_of, cal)
    )
    if not columns:
        return slim
    extra = activities[[c for c in columns if c not in slim.columns]]
    return pd.concat([extra, slim], axis=1)


def _end_before_start(activities, as_of) -> np.ndarray:
    """Rows that finished (by ``as_of``) before they started, as a mask.

    The loader sets such rows aside; a table built by hand reaches the
    metrics as it is, so they are found here, once per table and ``as_of``,
    with one :class:`~diagnose.DataQualityWarning`. Their duration is treated
    as missing and they are left out of the waits (their early end would
    make a phantom wait before the next stage).
    """

    def compute():
        st = state_at(activities, as_of)
        start = st["start"].to_numpy(dtype="datetime64[ns]")
        end = st["end"].to_numpy(dtype="datetime64[ns]")
        bad = st["started"].to_numpy(dtype=bool) & (end < start)
        k = int(bad.sum())
        if k:
            from diagnose.exceptions import DataQualityWarning, user_stacklevel

            labels = activities.index[bad][:5].tolist()
            warnings.warn(
                f"{k} row(s) end before they start (index {labels}"
                f"{', ...' if k > 5 else ''}): their duration is treated as "
                "missing and they are left out of the waits. Fix the start or "
                "end date in the data, or load the table with "
                "diagnose.load_activities, which sets such rows aside.",
                DataQualityWarning,
                stacklevel=user_stacklevel(),
            )
        return bad

    return reuse("end_before_start", (activities,), (as_of,), compute)


def _slim(activities, as_of, cal) -> pd.DataFrame:
    st = state_at(activities, as_of)
    bad = _end_before_start(activities, as_of)
    dur = ((st["end_eff"] - st["start"]) / _DAY).to_numpy(dtype=float)
    wdur = np.asarray(cal.working_days_between(st["start"], st["end_eff"]), dtype=float)
    if bad.any():
        dur = np.where(bad, np.nan, dur)
        wdur = np.where(bad, np.nan, wdur)
    return pd.DataFrame(
        {
            "duration_days": dur,
            "duration_working_days": wdur,
            "is_open": st["is_open"].to_numpy(),
            "started": st["started"].to_numpy(),
        },
        index=activities.index,
    )


@sharing
def case_durations(
    activities,
    *,
    as_of,
    calendar=None,
    unit="working_days",
    attributes=("team", "department"),
    final_stages=(),
) -> pd.DataFrame:
    """One row per case: its span, cycle time and flow efficiency.

    Parameters
    ----------
    activities : pandas.DataFrame
        Activity table.
    as_of : str or Timestamp
        Reference date for open cases.
    calendar : WorkCalendar, default=None
    unit : {"working_days", "days"}, default="working_days"
        Unit of ``active_days`` and hence of ``flow_efficiency``.
    attributes : sequence of str, default=("team", "department")
        Case attributes to carry: the most common value among the case's rows
        (ties: the value sorting first). Columns absent from the table give NaN.
    final_stages : sequence of str, default=()
        Stages that end a case (``settings.final_stages``; case-insensitive).
        When given, a case with every recorded row finished but none of these
        stages finished is *waiting for its next stage*: open, measured to
        ``as_of`` (censored), not a short finished case. Empty: a case is
        finished when its last recorded row is.

    Returns
    -------
    pandas.DataFrame
        ``case_id``, the ``attributes``, ``start`` (first start), ``end`` (last
        end; NaT when the case is open at ``as_of``), ``is_open`` (an activity
        is open, or the case waits for its next stage),
        ``waiting_next_stage`` (open only because no final stage is finished
        yet; always False without ``final_stages``),
        ``cycle_days`` (calendar days, open cases measured to ``as_of``),
        ``cycle_working_days``, ``active_days`` (length of the union of the
        activity intervals: parallel work counted once), ``flow_efficiency``
        (``active_days`` / elapsed time in the same unit; NaN when elapsed is
        0), ``n_activities`` (all rows), ``n_open`` (rows open at ``as_of``,
        including rows not started yet). Sorted by ``case_id``.
    """
    func = "case_durations"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    check_choice(unit, "unit", func, _UNITS)
    as_of = check_as_of(as_of, func)
    cal = resolve_calendar(calendar)
    attributes = tuple(attributes)
    final = _final_stage_names(final_stages, func)
    return reuse(
        func,
        (activities, cal),
        (as_of, unit, attributes, final),
        lambda: _case_durations(activities, as_of, cal, unit, attributes, final),
    )


def _final_stage_names(final_stages, func: str) -> tuple[str, ...]:
    """``final_stages`` checked and normalised (stripped, case-folded, sorted)."""
    if final_stages is None:
        return ()
    if isinstance(final_stages, str) or not all(
        isinstance(x, str) for x in final_stages
    ):
        raise ValueError(
            f"The 'final_stages' parameter of {func} must be a list of stage names "
            f"such as ['效果复盘']. Got {final_stages!r} instead."
        )
    return tuple(sorted({x.strip().casefold() for x in final_stages}))


def _case_codes(activities: pd.DataFrame):
    """Sorted factorisation of ``case_id`` (missing ids form their own code),
    computed once per table inside :func:`~diagnose.metrics._common.shared_work`."""
    return reuse(
        "case_codes", (activities,), (), lambda: _factorize(activities["case_id"])
    )


def _column_codes(activities: pd.DataFrame, column: str) -> np.ndarray:
    """Codes of a column, equal where its labels are equal (-1 for missing):
    kept with an Arrow column, else once per table inside
    :func:`~diagnose.metrics._common.shared_work`."""
    return reuse(
        "column_codes",
        (activities,),
        (column,),
        lambda: label_codes(activities[column])[0],
    )


def _activity_codes(activities: pd.DataFrame):
    """Sorted factorisation of ``activity`` (missing kept), once per table."""
    return reuse(
        "activity_codes",
        (activities,),
        (),
        lambda: _factorize(activities["activity"]),
    )


def _handoff_groups(activities, pairs: dict):
    """Cross-department pairs grouped by (from, to) department.

    Returns ``(mask, codes, keys)``: the pairs that are handoffs, their group
    code, and the key frame (``from_department``, ``to_department``) sorted
    like ``groupby([...], sort=True)``.
    """
    mask = pairs["is_handoff"]
    if "department" not in activities.columns or not mask.any():
        keys = pd.DataFrame(
            {"from_department": pd.Series(dtype=object), "to_department": []}
        )
        return mask, np.zeros(0, dtype=np.int64), keys
    dcodes, names = reuse(
        "sorted_codes",
        (activities,),
        ("department",),
        lambda: _factorize(activities["department"]),
    )
    fc = dcodes[pairs["from_pos"][mask]].astype(np.int64)
    tc = dcodes[pairs["to_pos"][mask]].astype(np.int64)
    k = max(len(names), 1)
    present, codes = np.unique(fc * k + tc, return_inverse=True)
    names = np.asarray(names, dtype=object)
    keys = pd.DataFrame(
        {"from_department": names[present // k], "to_department": names[present % k]}
    )
    return mask, codes, keys


def _ns(values) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[ns]").astype(np.int64)


def _case_spans(activities, as_of, cal, final=()) -> dict:
    """Per case code: first start, last end, open/waiting flags and the cycle
    in calendar and working days (what :func:`case_durations` reports),
    computed once per table, ``as_of`` and final stages inside
    :func:`~diagnose.metrics._common.shared_work`."""
    return reuse(
        "case_spans",
        (activities, cal),
        (as_of, final),
        lambda: _compute_case_spans(activities, as_of, cal, final),
    )


def _compute_case_spans(activities, as_of, cal, final) -> dict:
    st = state_at(activities, as_of)
    codes, uniques = _case_codes(activities)
    n_cases = len(uniques)
    nat, big = _NAT, np.iinfo(np.int64).max

    started = st["started"].to_numpy()
    row_open = st["is_open"].to_numpy()
    s_ns = np.where(started, _ns(st["start"]), nat)
    e_ns = _ns(st["end"])
    # first start (NaT ignored) and last end per case
    first_s = np.full(n_cases, big, dtype=np.int64)
    np.minimum.at(first_s, codes, np.where(s_ns == nat, big, s_ns))
    last_e = np.full(n_cases, nat, dtype=np.int64)
    np.maximum.at(last_e, codes, e_ns)
    n_open = np.bincount(codes, weights=row_open, minlength=n_cases).astype(int)
    n_acts = np.bincount(codes, minlength=n_cases).astype(int)
    is_open = n_open > 0
    waiting = np.zeros(n_cases, dtype=bool)
    if final:
        acodes, names = _activity_codes(activities)
        is_final = np.array(
            [str(n).strip().casefold() in final for n in names] + [False], dtype=bool
        )
        # a finished row of a final stage (code -1, a missing activity: False)
        done_final = is_final[acodes] & started & ~row_open
        reached = np.bincount(codes, weights=done_final, minlength=n_cases) > 0
        waiting = ~is_open & ~reached & (n_acts > 0)
        is_open = is_open | waiting
    start_ns = np.where(first_s == big, nat, first_s)
    end_ns = np.where(is_open, nat, last_e)
    as_of_ns = np.int64(pd.Timestamp(as_of).value)
    end_eff_ns = np.where(is_open, as_of_ns, end_ns)
    end_eff_ns = np.where(start_ns == nat, nat, end_eff_ns)
    start = start_ns.astype("datetime64[ns]")
    end_eff = end_eff_ns.astype("datetime64[ns]")
    return {
        "codes": codes,
        "s_ns": s_ns,
        "start": start,
        "end": end_ns.astype("datetime64[ns]"),
        "is_open": is_open,
        "waiting": waiting,
        "n_open": n_open,
        "n_acts": n_acts,
        "cycle_days": ((end_eff - start) / _DAY).astype(float),
        "cycle_wd": cal.working_days_between(start, end_eff),
    }


def _case_durations(activities, as_of, cal, unit, attributes, final=()):
    st = state_at(activities, as_of)
    spans = _case_spans(activities, as_of, cal, final)
    codes, s_ns = spans["codes"], spans["s_ns"]
    n_cases = spans["is_open"].size
    nat = _NAT
    start, end = spans["start"], spans["end"]
    is_open, waiting = spans["is_open"], spans["waiting"]
    n_open, n_acts = spans["n_open"], spans["n_acts"]
    cycle_days, cycle_wd = spans["cycle_days"], spans["cycle_wd"]

    # active time: union of the started rows' intervals, in integer ns
    e_eff_row = _ns(st["end_eff"])
    ok = (s_ns != nat) & (e_eff_row != nat)
    if unit == "working_days":
        (ws, _), (we, _) = cal.working_ns_many(
            s_ns[ok].astype("datetime64[ns]"), e_eff_row[ok].astype("datetime64[ns]")
        )
        elapsed = cycle_wd
    else:
        ws, we = s_ns[ok], e_eff_row[ok]
        elapsed = cycle_days
    active = _union_length(codes[ok], ws, we, n_cases) / _NS_PER_DAY
    active = np.where(np.isnan(elapsed), np.nan, active)
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = np.where(elapsed > 0, active / elapsed, np.nan)

    first = np.empty(n_cases, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # first row of every case
    out = {"case_id": activities["case_id"].iloc[first].reset_index(drop=True)}
    for col in attributes:
        if col in activities.columns:
            out[col] = _mode_by_code(codes, activities[col], n_cases)
        else:
            out[col] = np.full(n_cases, np.nan, dtype=object)
    out.update(
        start=start,
        end=end,
        is_open=is_open,
        waiting_next_stage=waiting,
        cycle_days=cycle_days,
        cycle_working_days=cycle_wd,
        active_days=active,
        flow_efficiency=eff,
        n_activities=n_acts,
        n_open=n_open,
    )
    return pd.DataFrame(out)


@sharing
def waits(activities, *, calendar=None, as_of=None) -> pd.DataFrame:
    """Waiting time before each activity: the gap after its predecessor.

    Parallel-work rule
    ------------------
    Within a case, activities are ordered by ``start`` (stable: rows with the
    same start keep file order). The *predecessor* of an activity is, among
    the activities earlier in that order, the one with the **latest end**
    (ties: the later one in the order); an open predecessor counts as ending
    at +infinity. The wait is ``start - predecessor end``. A negative gap
    (the activity started while its predecessor was still running: parallel
    or overlapping work) is clipped to 0 and flagged ``overlap=True``; an
    open predecessor always gives ``overlap=True``, wait 0. Unstarted rows
    (``start`` NaT) are skipped. Rework (the same stage twice) appears as an
    ordinary pair, possibly with ``from_activity == to_activity``.

    Parameters
    ----------
    activities : pandas.DataFrame
    calendar : WorkCalendar, default=None
    as_of : str or Timestamp, default=None
        Optional: read the table as it was at this date (see module notes).

    Returns
    -------
    pandas.DataFrame
        One row per consecutive pair: ``case_id``, ``from_activity``,
        ``to_activity``, ``from_department``, ``to_department``,
        ``from_owner``, ``to_owner``, ``from_priority``, ``to_priority``,
        ``from_index``, ``to_index`` (index labels in ``activities``),
        ``from_end``, ``to_start``, ``wait_days`` (calendar days),
        ``wait_working_days``, ``wait_hours`` (calendar hours),
        ``wait_working_hours`` (``24 * wait_working_days``), ``overlap``,
        ``is_handoff`` (both departments known and different).
    """
    func = "waits"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    cal = resolve_calendar(calendar)
    as_of = None if as_of is None else check_as_of(as_of, func)
    return reuse(
        func, (activities, cal), (as_of,), lambda: _waits(activities, as_of, cal)
    )


def _waits(activities, as_of, cal) -> pd.DataFrame:
    pairs = _wait_pairs(activities, as_of, cal)
    from_pos, to_pos = pairs["from_pos"], pairs["to_pos"]
    wait_days, wait_wd = pairs["wait_days"], pairs["wait_working_days"]

    def col(name, pos):
        if name in activities.columns:
            return take(activities[name], pos)
        return np.full(pos.size, np.nan, dtype=object)

    return pd.DataFrame(
        {
            "case_id": take(activities["case_id"], to_pos),
            "from_activity": col("activity", from_pos),
            "to_activity": col("activity", to_pos),
            "from_department": col("department", from_pos),
            "to_department": col("department", to_pos),
            "from_owner": col("owner", from_pos),
            "to_owner": col("owner", to_pos),
            "from_priority": col("priority", from_pos),
            "to_priority": col("priority", to_pos),
            "from_index": activities.index.to_numpy()[from_pos],
            "to_index": activities.index.to_numpy()[to_pos],
            "from_end": pairs["from_end"],
            "to_start": pairs["to_start"],
            "wait_days": wait_days,
            "wait_working_days": wait_wd,
            "wait_hours": wait_days * 24.0,
            "wait_working_hours": wait_wd * 24.0,
            "overlap": pairs["overlap"],
            "is_handoff": pairs["is_handoff"],
        }
    )


@sharing
def transitions(activities, *, calendar=None, as_of=None) -> pd.DataFrame:
    """Waits between consecutive stages, summarised per (from, to) stage pair.

    The edges of a process map with their waiting times (what process-mining
    tools call a *performance directly-follows graph*): every pair of
    :func:`waits` (same parallel-work rule: overlapping work waits 0, and the
    predecessor is the earlier activity with the latest end) grouped by
    ``(from_activity, to_activity)``. A pair whose two stages are the same, or
    that goes back to an earlier stage, is rework and is kept.

    Parameters
    ----------
    activities : pandas.DataFrame or LoadResult
    calendar : WorkCalendar, default=None
    as_of : str or Timestamp, default=None
        Optional: read the table as it was at this date.

    Returns
    -------
    pandas.DataFrame
        ``from_activity``, ``to_activity``, ``n`` (pairs), ``mean_wait_hours``,
        ``median_wait_hours``, ``p85_wait_hours`` (calendar hours),
        ``median_wait_working_days``, ``median_wait_ci_low``,
        ``median_wait_ci_high`` (order-statistic 95 % CI of that median; NaN
        below 6 pairs), ``p85_wait_working_days``, ``share_overlap`` (share of
        pairs where the next stage started before the previous one ended).
        Sorted by ``n`` descending, then names.

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({
    ...     "case_id": ["A", "A", "B", "B"],
    ...     "activity": ["plan", "build", "plan", "build"],
    ...     "start": pd.to_datetime(["2024-03-04", "2024-03-06",
    ...                              "2024-03-04", "2024-03-05"]),
    ...     "end": pd.to_datetime(["2024-03-05", "2024-03-07",
    ...                            "2024-03-05", "2024-03-06"])})
    >>> transitions(acts)[["from_activity", "to_activity", "n", "median_wait_hours"]]
      from_activity to_activity  n  median_wait_hours
    0          plan       build  2               12.0
    """
    func = "transitions"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    cal = resolve_calendar(calendar)
    as_of = None if as_of is None else check_as_of(as_of, func)
    cols = ["from_activity", "to_activity", *_PAIR_WAIT_COLUMNS]
    pairs = _wait_pairs(activities, as_of, cal)
    if pairs["to_pos"].size == 0:
        return pd.DataFrame(columns=cols)
    acodes, names = _activity_codes(activities)
    fc = acodes[pairs["from_pos"]].astype(np.int64)
    tc = acodes[pairs["to_pos"]].astype(np.int64)
    k = max(len(names), 1)
    present, codes = np.unique(fc * k + tc, return_inverse=True)
    names = np.asarray(names, dtype=object)
    keys = pd.DataFrame(
        {"from_activity": names[present // k], "to_activity": names[present % k]}
    )
    out = _pair_wait_summary(pairs, np.ones(codes.size, dtype=bool), codes, keys)
    return out[cols].reset_index(drop=True)


#: Statistics of :func:`_pair_wait_summary` (after the two key columns), as
#: :func:`transitions` and :func:`diagnose.metrics.rework.handoffs` report them.
_PAIR_WAIT_COLUMNS = [
    "n",
    "mean_wait_hours",
    "median_wait_hours",
    "p85_wait_hours",
    "median_wait_working_days",
    "median_wait_ci_low",
    "median_wait_ci_high",
    "p85_wait_working_days",
    "share_overlap",
]


def _pair_wait_summary(pairs: dict, mask, codes, keys: pd.DataFrame) -> pd.DataFrame:
    """Wait statistics of the wait pairs selected by ``mask``, grouped by
    ``codes`` (rows of ``keys``, two name columns sorted like a sorted
    groupby); sorted by ``n`` descending, then the key columns. Shared by
    :func:`transitions` and :func:`diagnose.metrics.rework.handoffs`."""
    hours = summarise_codes(pairs["wait_days"][mask] * 24.0, codes, keys)
    wd = summarise_codes(pairs["wait_working_days"][mask], codes, keys)
    overlap = np.bincount(codes, weights=pairs["overlap"][mask]) / np.bincount(codes)
    out = keys.assign(
        n=hours["n"].to_numpy().astype("int64"),
        mean_wait_hours=hours["mean"].to_numpy(),
        median_wait_hours=hours["median"].to_numpy(),
        p85_wait_hours=hours["p85"].to_numpy(),
        median_wait_working_days=wd["median"].to_numpy(),
        median_wait_ci_low=wd["ci_low"].to_numpy(),
        median_wait_ci_high=wd["ci_high"].to_numpy(),
        p85_wait_working_days=wd["p85"].to_numpy(),
        share_overlap=overlap,
    )
    # keys are in sorted order already: a stable sort on n keeps it for ties
    order = np.argsort(-out["n"].to_numpy(), kind="stable")
    return out.iloc[order]


def _wait_pairs(activities, as_of, cal) -> dict:
    """The arrays behind :func:`waits`: row positions of each (predecessor,
    activity) pair and their waits, computed once per table and ``as_of``."""
    return reuse(
        "wait_pairs",
        (activities, cal),
        (as_of,),
        lambda: _compute_wait_pairs(activities, as_of, cal),
    )


def _compute_wait_pairs(activities, as_of, cal) -> dict:
    st = state_at(activities, as_of)
    # rows ending before they start have no usable end: left out of the pairs
    keep = st["started"].to_numpy() & ~_end_before_start(activities, as_of)
    rows = np.flatnonzero(keep)  # positions of the started rows
    codes = _case_codes(activities)[0][keep]
    start_all = st["start"].to_numpy(dtype="datetime64[ns]")
    end_all = st["end"].to_numpy(dtype="datetime64[ns]")
    start_ns = start_all[keep].astype(np.int64)
    end_ns = end_all[keep].astype(np.int64)
    end_key = np.where(end_ns == _NAT, np.iinfo(np.int64).max, end_ns)

    # sort by case, start (stable: file order among equal starts)
    order = _sort_order(codes, start_ns)
    if order is None:
        order = np.arange(codes.size)
    c, e = codes[order], end_key[order]
    n = c.size
    run_max = _segmented_cummax(e, c)
    # position (in sorted order) of the row holding the running max (latest
    # wins). A case's first row always holds it, so the "forward fill within
    # the case" is a plain running maximum of the positions.
    holder = np.maximum.accumulate(np.where(e >= run_max, np.arange(n), -1))
    first = np.ones(n, dtype=bool)
    first[1:] = c[1:] != c[:-1]
    has_prev = ~first
    prev = np.empty(n, dtype=np.int64)
    if n:
        prev[1:] = holder[:-1]
    to_pos = rows[order[has_prev]]
    from_pos = rows[order[prev[has_prev]]]

    from_end = end_all[from_pos]
    to_start = start_all[to_pos]
    gap_days = (to_start - from_end) / _DAY  # NaN when predecessor open
    gap_wd = cal.working_days_between(from_end, to_start)
    overlap = np.isnan(gap_days) | (gap_days < 0)
    if "department" in activities.columns:
        dcodes = _column_codes(activities, "department")
        fc, tc = dcodes[from_pos], dcodes[to_pos]
        handoff = (fc >= 0) & (tc >= 0) & (fc != tc)
    else:
        handoff = np.zeros(to_pos.size, dtype=bool)
    return {
        "from_pos": from_pos,
        "to_pos": to_pos,
        "from_end": from_end,
        "to_start": to_start,
        "wait_days": np.where(overlap, 0.0, gap_days),
        "wait_working_days": np.where(overlap, 0.0, np.maximum(gap_wd, 0.0)),
        "overlap": overlap,
        "is_handoff": np.asarray(handoff, dtype=bool),
    }


def _value_column(unit: str, level: str) -> str:
    if level == "case":
        return "cycle_working_days" if unit == "working_days" else "cycle_days"
    return "duration_working_days" if unit == "working_days" else "duration_days"


@sharing
def cycle_time(
    activities,
    *,
    by="case",
    as_of,
    unit="working_days",
    calendar=None,
    confidence=0.95,
    by_group=None,
    final_stages=(),
) -> pd.DataFrame:
    """Cycle-time percentiles per group, with a censoring-aware median.

    Parameters
    ----------
    activities : pandas.DataFrame
    by : "case", "activity", str or list of str, default="case"
        ``"case"``: case cycle times (first start to last end), one row, or
        one per ``by_group``. ``"activity"``: activity durations per activity.
        Any other column name(s) of ``activities``: activity durations grouped
        by them.
    as_of : str or Timestamp
    unit : {"working_days", "days"}, default="working_days"
    calendar : WorkCalendar, default=None
    confidence : float, default=0.95
    by_group : str or list of str, default=None
        With ``by="case"``: case attributes to group by (e.g. ``"team"``; the
        case's most common value).
    final_stages : sequence of str, default=()
        With ``by="case"``: stages that end a case; a case that has not
        finished one is open (see :func:`case_durations`).

    Returns
    -------
    pandas.DataFrame
        Group column(s), then ``n`` (items with a duration, open included),
        ``n_open``, ``n_finished``, ``mean``, ``median``, ``p85``, ``p95``,
        ``ci_low``, ``ci_high`` (finished items; CI of the median by order
        statistics), ``km_median``, ``km_ci_low``, ``km_ci_high`` (Kaplan–Meier,
        open items censored at ``as_of``; NaN when not reached),
        ``naive_median`` (finished only, = ``median``), ``open_median_age``
        (median age of the open items at ``as_of``).
    """
    func = "cycle_time"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    check_choice(unit, "unit", func, _UNITS)
    confidence = check_confidence(confidence, func)
    as_of = check_as_of(as_of, func)
    groups = as_list(by)
    if by == "case":
        extra = as_list(by_group)
        bad = [c for c in extra if c not in activities.columns]
        if bad:
            raise ValueError(
                f"The 'by_group' parameter of cycle_time must name columns of the "
                f"activity table such as 'team'. Got {bad} instead."
            )
        table = case_durations(
            activities,
            as_of=as_of,
            calendar=calendar,
            attributes=tuple(extra),
            final_stages=final_stages,
        )
        value = _value_column(unit, "case")
        groups = extra
    else:
        if by_group is not None:
            raise ValueError(
                "The 'by_group' parameter of cycle_time is only used with by='case'. "
                f"Got by={by!r} instead."
            )
        bad = [c for c in groups if c not in activities.columns]
        if not groups or bad:
            choices = ["case", "activity"] + [
                c for c in activities.columns if c != "activity"
            ]
            raise ValueError(
                "The 'by' parameter of cycle_time must be 'case', 'activity' or "
                f"column name(s) of the table such as {choices[:6]}. "
                f"Got {by!r} instead."
            )
        table = _durations(
            activities, as_of, resolve_calendar(calendar), columns=groups
        )
        table = table.loc[table["started"].to_numpy()]
        value = _value_column(unit, "activity")
    table = table.loc[table[value].notna()]
    # one group coding; every statistic an array per group code (no merges)
    codes, keys = group_codes(table, groups)
    k = len(keys)
    x = table[value].to_numpy(dtype=float)
    is_open = table["is_open"].to_numpy(dtype=bool)
    done = summary_by_code(
        np.where(is_open, np.nan, x), codes, k, confidence=confidence
    )
    km = km_median_by_code(x, ~is_open, codes, k, confidence=confidence)
    open_age = summary_by_code(np.where(is_open, x, np.nan), codes, k)["median"]
    columns = {
        "n": np.bincount(codes, minlength=k),
        "n_open": np.bincount(codes, weights=is_open, minlength=k).astype(int),
        "n_finished": done["n"].astype(int),
        **{c: done[c] for c in ("mean", "median", "p85", "p95", "ci_low", "ci_high")},
        "km_median": km[:, 0],
        "km_ci_low": km[:, 1],
        "km_ci_high": km[:, 2],
        "naive_median": done["median"],
        "open_median_age": open_age,
    }
    return frame_by_code(keys, columns)


@sharing
def stage_summary(
    activities, *, as_of, calendar=None, confidence=0.95, final_stages=()
) -> pd.DataFrame:
    """Per stage (activity): how long it takes and how long work waits before it.

    With ``final_stages`` (see :func:`case_durations`), a case whose recorded
    stages are all done but that has not finished a final stage is waiting
    after its last stage: that wait is still running, its next stage is not
    known, so it is in no ``*_wait_before`` statistic. ``n_waiting_after``
    counts those cases at the stage they wait after, and
    ``median_waiting_after`` is how long they have waited so far (working
    days to ``as_of``; a lower bound of the wait). Case cycle times (the
    ``share_of_cycle`` denominator) run to ``as_of`` for them.

    Returns
    -------
    pandas.DataFrame
        One row per activity, in order of first appearance by start:
        ``activity``, ``n`` (started rows), ``n_open``, ``median_days``,
        ``p85_days``, ``p95_days``, ``mean_days`` (working days, finished
        rows), ``km_median_days`` (Kaplan–Meier, open rows censored),
        ``total_days`` (sum of working days, open rows measured to ``as_of``),
        ``share_of_cycle`` (``total_days`` / sum of all case cycle working
        days; with parallel work the shares can add up to more than 1),
        ``n_waits``, ``median_wait_before``, ``p85_wait_before``,
        ``mean_wait_before`` (working days, from :func:`waits` whose
        ``to_activity`` is this stage), ``share_overlap`` (share of those
        pairs that overlapped), ``n_waiting_after``, ``median_waiting_after``
        (0 and NaN without ``final_stages``), ``median_wait_after`` (the
        waits after this stage that ended: its next stage started),
        ``km_median_wait_after``, ``km_wait_after_ci_low``,
        ``km_wait_after_ci_high`` (Kaplan–Meier median of the waits after this
        stage and its CI, the running waits of ``n_waiting_after`` counted as
        censored at ``as_of``: the first wait by which half of them have
        ended; with none running and an even count it is the lower of the
        two middle waits, which ``median_wait_after`` averages).
    """
    func = "stage_summary"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    as_of = check_as_of(as_of, func)
    cal = resolve_calendar(calendar)
    # everything per activity code: one factorisation, bincounts, and the
    # code-based summaries (no groupby over a million text labels)
    codes_all, names = _activity_codes(activities)
    keys = pd.DataFrame({"activity": np.asarray(names, dtype=object)})
    k = len(names)
    slim = _durations(activities, as_of, cal)
    started = slim["started"].to_numpy()
    c = codes_all[started]
    value = slim["duration_working_days"].to_numpy(dtype=float)[started]
    is_open = slim["is_open"].to_numpy(dtype=bool)[started]
    start_ns = _ns(activities["start"])[started]
    n = np.bincount(c, minlength=k)
    first_pos = np.full(k, c.size, dtype=np.int64)
    np.minimum.at(first_pos, c, np.arange(c.size))
    first_start = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_start, c, start_ns)
    # every statistic is an array indexed by activity code: one table, no
    # merges on labels
    done, km = summary_and_km_by_code(value, ~is_open, c, k, confidence=confidence)
    # the case cycle times of case_durations, without its other columns
    final = _final_stage_names(final_stages, func)
    spans = _case_spans(activities, as_of, cal, final)
    total_cycle = float(np.nansum(spans["cycle_wd"]))
    waiting, running = _waiting_after(activities, codes_all, k, as_of, cal, final)
    pairs = _wait_pairs(activities, as_of, cal)
    to_code = codes_all[pairs["to_pos"]]
    before = summary_by_code(
        pairs["wait_working_days"], to_code, k, confidence=confidence
    )
    n_to = np.bincount(to_code, minlength=k)
    total = np.bincount(c, weights=np.nan_to_num(value), minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.bincount(to_code, weights=pairs["overlap"], minlength=k) / n_to
    out = pd.DataFrame(
        {
            "activity": keys["activity"],
            "n": n,
            "n_open": np.bincount(c, weights=is_open, minlength=k).astype(np.int64),
            "median_days": done["median"],
            "p85_days": done["p85"],
            "p95_days": done["p95"],
            "mean_days": done["mean"],
            "km_median_days": km[:, 0],
            "total_days": total,
            "share_of_cycle": total / total_cycle if total_cycle > 0 else np.nan,
            "n_waits": before["n"],
            "median_wait_before": before["median"],
            "p85_wait_before": before["p85"],
            "mean_wait_before": before["mean"],
            "share_overlap": np.where(n_to > 0, share, np.nan),
            **waiting,
            **_waits_after(pairs, codes_all, running, k, confidence),
        }
    )
    # rows in order of first appearance by start (ties: first row)
    order = np.lexsort((first_pos, first_start))
    out = out.iloc[order[n[order] > 0]].reset_index(drop=True)
    return out


def _running_waits(activities, as_of, cal, final) -> dict:
    """The cases waiting for their next stage at ``as_of`` (see
    :func:`case_durations`): ``rows``, the row position of each one's last
    finished row (latest end; ties: the later row), and ``since``, its wait so
    far in working days (that row's end to ``as_of``). Once per table inside
    :func:`~diagnose.metrics._common.shared_work`."""
    return reuse(
        "running_waits",
        (activities, cal),
        (as_of, final),
        lambda: _compute_running_waits(activities, as_of, cal, final),
    )


def _compute_running_waits(activities, as_of, cal, final) -> dict:
    spans = _case_spans(activities, as_of, cal, final)
    waiting = np.flatnonzero(spans["waiting"])
    if not waiting.size:
        return {"rows": np.zeros(0, dtype=np.int64), "since": np.zeros(0)}
    slim = _durations(activities, as_of, cal)
    case_codes = spans["codes"]
    done = slim["started"].to_numpy() & ~slim["is_open"].to_numpy()
    rows = np.flatnonzero(np.isin(case_codes, waiting) & done)
    end = _ns(state_at(activities, as_of)["end"])[rows]
    order = np.lexsort((rows, end, case_codes[rows]))
    rows, end = rows[order], end[order]
    last = np.r_[case_codes[rows][1:] != case_codes[rows][:-1], True]
    rows, end = rows[last], end[last]
    since = cal.working_days_between(
        end.astype("datetime64[ns]"),
        np.full(rows.size, np.datetime64(pd.Timestamp(as_of), "ns")),
    )
    return {"rows": rows, "since": since}


def _waiting_after(activities, codes_all, k, as_of, cal, final):
    """Per activity code: cases waiting for their next stage whose last
    finished row is of this activity, and the median of their waits so far
    (working days from that row's end to ``as_of``); plus those running
    waits as (stage code, wait) arrays."""
    n = np.zeros(k, dtype=np.int64)
    med = np.full(k, np.nan)
    run = _running_waits(activities, as_of, cal, final)
    code = codes_all[run["rows"]]
    ok = code >= 0  # a row without activity names no stage
    code, since = code[ok], run["since"][ok]
    if code.size:
        n = np.bincount(code, minlength=k).astype(np.int64)
        for c in np.flatnonzero(n):
            med[c] = float(np.median(since[code == c]))
    return {"n_waiting_after": n, "median_waiting_after": med}, (code, since)


def _waits_after(pairs, codes_all, running, k, confidence) -> dict:
    """Per stage code: the waits after that stage. ``median_wait_after``
    over the waits that ended (the next stage started); the Kaplan–Meier
    median and its CI over those and the waits still running at ``as_of``
    (``running``: stage code and wait so far of each case waiting for its
    next stage), which count as right-censored: they are at least that long."""
    ended = pairs["wait_working_days"]
    after = codes_all[pairs["from_pos"]]
    run_code, run_wait = running
    done, km = summary_and_km_by_code(
        np.concatenate([ended, run_wait]),
        np.r_[np.ones(ended.size, dtype=bool), np.zeros(run_wait.size, dtype=bool)],
        np.concatenate([after, run_code]),
        k,
        confidence=confidence,
    )
    return {
        "median_wait_after": done["median"],
        "km_median_wait_after": km[:, 0],
        "km_wait_after_ci_low": km[:, 1],
        "km_wait_after_ci_high": km[:, 2],
    }


@sharing
def flow_efficiency(
    activities,
    *,
    by=None,
    as_of,
    calendar=None,
    unit="working_days",
    confidence=0.95,
    final_stages=(),
) -> pd.DataFrame:
    """Flow efficiency (active time / elapsed time) of cases, per group.

    Active time is the union of a case's activity intervals (parallel work
    counted once); elapsed is first start to last end (``as_of`` when open).
    Time between activities (waiting) is the inefficiency. With
    ``final_stages`` (see :func:`case_durations`), a case that waits for its
    next stage is open: its elapsed time runs to ``as_of``, so the wait it is
    in counts against it (without them that wait is invisible).

    Returns
    -------
    pandas.DataFrame
        ``by`` column(s), ``n`` (cases with elapsed time > 0), ``n_open``,
        ``active_days``, ``elapsed_days`` (sums, in ``unit``),
        ``flow_efficiency`` (pooled: sum active / sum elapsed), ``mean``,
        ``median``, ``p85``, ``p95``, ``ci_low``, ``ci_high`` (per-case
        efficiencies; CI of the median).
    """
    func = "flow_efficiency"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    check_choice(unit, "unit", func, _UNITS)
    as_of = check_as_of(as_of, func)
    groups = as_list(by)
    bad = [c for c in groups if c not in activities.columns]
    if bad:
        raise ValueError(
            f"The 'by' parameter of flow_efficiency must be None or column name(s) of "
            f"the table such as 'team'. Got {by!r} instead."
        )
    cases = case_durations(
        activities,
        as_of=as_of,
        calendar=calendar,
        unit=unit,
        attributes=tuple(groups),
        final_stages=final_stages,
    )
    elapsed_col = "cycle_working_days" if unit == "working_days" else "cycle_days"
    cases = cases.loc[cases["flow_efficiency"].notna()]
    # one group coding, sums by bincount, the summary per code (no merges)
    codes, keys = group_codes(cases, groups)
    k = len(keys)
    active, elapsed = (
        np.bincount(codes, weights=cases[c].to_numpy(float), minlength=k).astype(float)
        for c in ("active_days", elapsed_col)
    )
    summ = summary_by_code(
        cases["flow_efficiency"].to_numpy(float), codes, k, confidence=confidence
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = active / elapsed
    columns = {
        "n": np.bincount(codes, minlength=k),
        "n_open": np.bincount(
            codes, weights=cases["is_open"].to_numpy(bool), minlength=k
        ).astype(int),
        "active_days": active,
        "elapsed_days": elapsed,
        "flow_efficiency": pooled,
        **{c: summ[c] for c in SUMMARY_COLUMNS[1:]},
    }
    return frame_by_code(keys, columns)


@sharing
def aging_wip(activities, *, as_of, calendar=None) -> pd.DataFrame:
    """Open work and how old it is compared with finished work of its kind.

    Returns
    -------
    pandas.DataFrame
        One row per activity open (and started) at ``as_of``, oldest first:
        ``case_id``, ``activity``, ``owner``, ``start``, ``age_days``,
        ``age_working_days``, ``percentile`` (share of finished durations of
        the same activity that are <= the age, 0..1; NaN without history),
        ``n_history``, ``p50_days``, ``p85_days``, ``p95_days`` (of the
        finished durations, working days), ``exceeds_p85``, ``exceeds_p95``
        (False without history), ``index`` (label in ``activities``).
    """
    func = "aging_wip"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    as_of = check_as_of(as_of, func)
    slim = _durations(activities, as_of, resolve_calendar(calendar))
    started = slim["started"].to_numpy(dtype=bool)
    is_open = slim["is_open"].to_numpy(dtype=bool)
    value = slim["duration_working_days"].to_numpy(dtype=float)
    # by activity code; rows without an activity have no history to compare
    codes, names = _activity_codes(activities)
    named = ~pd.isna(np.asarray(names, dtype=object))
    open_pos = np.flatnonzero(started & is_open)
    hist_pos = np.flatnonzero(started & ~is_open & ~np.isnan(value))
    hist_pos = hist_pos[named[codes[hist_pos]]] if len(names) else hist_pos
    n_open = open_pos.size
    pct = np.full(n_open, np.nan)
    n_hist = np.zeros(n_open, dtype=int)
    qs = np.full((n_open, 3), np.nan)
    age = value[open_pos]
    if n_open and hist_pos.size:
        # finished durations sorted within each activity: one slice per stage
        h, hc = _sort_within_groups(value[hist_pos], codes[hist_pos], len(names))
        bounds = np.searchsorted(hc, np.arange(len(names) + 1))
        open_codes = codes[open_pos]
        for c in np.unique(open_codes):
            a, b = bounds[c], bounds[c + 1]
            if b == a:
                continue
            idx = np.flatnonzero(open_codes == c)
            pct[idx] = np.searchsorted(h[a:b], age[idx], side="right") / (b - a)
            n_hist[idx] = b - a
            qs[idx] = np.quantile(h[a:b], [0.5, 0.85, 0.95])
    out = pd.DataFrame(
        {
            "case_id": take(activities["case_id"], open_pos),
            "activity": take(activities["activity"], open_pos),
            "owner": (
                take(activities["owner"], open_pos) if "owner" in activities else np.nan
            ),
            "start": activities["start"].to_numpy()[open_pos],
            "age_days": slim["duration_days"].to_numpy(dtype=float)[open_pos],
            "age_working_days": age,
            "percentile": pct,
            "n_history": n_hist,
            "p50_days": qs[:, 0],
            "p85_days": qs[:, 1],
            "p95_days": qs[:, 2],
            "exceeds_p85": np.nan_to_num(age > qs[:, 1], nan=False).astype(bool),
            "exceeds_p95": np.nan_to_num(age > qs[:, 2], nan=False).astype(bool),
            "index": activities.index.to_numpy()[open_pos],
        }
    )
    return out.sort_values(
        "age_working_days", ascending=False, kind="stable"
    ).reset_index(drop=True)


@sharing
def case_endings(activities, *, as_of) -> pd.DataFrame:
    """Where cases stop: the stage of each case's last finished row, for the
    cases with no open row at ``as_of``.

    Without ``final_stages`` (see :func:`case_durations`) every such case
    counts as finished. When most of them end at one stage and a few end
    elsewhere, those few are probably waiting for their next stage; this
    table shows it, so the final stage can be set instead of guessed.

    Parameters
    ----------
    activities : pandas.DataFrame
    as_of : str or Timestamp

    Returns
    -------
    pandas.DataFrame
        ``activity``, ``n_cases`` (cases whose last finished row, by end, is
        of this activity; ties: the later row of the table), ``share`` (of all
        cases without an open row). Most common first (ties: by name).
    """
    func = "case_endings"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    as_of = check_as_of(as_of, func)
    st = state_at(activities, as_of)
    codes, uniques = _case_codes(activities)
    n_cases = len(uniques)
    row_open = st["is_open"].to_numpy() | ~st["started"].to_numpy()
    has_open = np.bincount(codes, weights=row_open, minlength=n_cases) > 0
    rows = np.flatnonzero(~has_open[codes])
    end = _ns(st["end"])[rows]
    order = np.lexsort((rows, end, codes[rows]))  # last row per case at the end
    rows = rows[order]
    c = codes[rows]
    last = rows[np.r_[c[1:] != c[:-1], True]] if rows.size else rows
    names = take(activities["activity"], last)
    counts = pd.Series(np.asarray(names, dtype=object)).value_counts(dropna=False)
    out = pd.DataFrame(
        {"activity": counts.index.to_numpy(dtype=object), "n_cases": counts.to_numpy()}
    )
    out = out.sort_values(
        ["n_cases", "activity"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    out["share"] = out["n_cases"] / max(int(last.size), 1)
    return out


#: :func:`dominant_ending`: the share of cases one stage must end to be named.
DOMINANT_ENDING_SHARE = 0.8


def dominant_ending(endings: pd.DataFrame) -> dict | None:
    """The stage that nearly every case ends with, when some end elsewhere.

    ``endings`` is :func:`case_endings`. Returns None unless one stage ends
    at least :data:`DOMINANT_ENDING_SHARE` of the cases without open work and
    other cases end elsewhere (below that share the process likely has
    several legitimate endings, e.g. a rejected request ends early).
    Otherwise a dict: ``stage``, ``n_stage`` (cases ending there), ``n_other``
    (cases ending elsewhere), ``others`` (the other rows of ``endings``).
    """
    if len(endings) < 2 or endings["share"].iloc[0] < DOMINANT_ENDING_SHARE:
        return None
    return {
        "stage": endings["activity"].iloc[0],
        "n_stage": int(endings["n_cases"].iloc[0]),
        "n_other": int(endings["n_cases"].iloc[1:].sum()),
        "others": endings.iloc[1:].reset_index(drop=True),
    }
