"""Stage time limits (SLA) and cross-department response times.

Limits come from :class:`diagnose.config.Settings` (``stage_limits`` in working
days, ``handoff_hours`` and ``urgent_handoff_hours`` for handoffs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose import stats
from diagnose.config import Settings, load_settings
from diagnose.metrics._codes import label_codes
from diagnose.metrics._common import (
    _present_codes,
    as_list,
    check_as_of,
    check_confidence,
    check_frame,
    group_codes,
    resolve_calendar,
    reuse,
    sharing,
    summarise_codes,
    summary_by_code,
    take,
)
from diagnose.metrics.flow import _durations, _handoff_groups, _wait_pairs

__all__ = ["sla_breaches", "sla_summary", "handoff_response"]


def _settings(settings) -> Settings:
    try:
        return load_settings(settings)
    except Exception as err:  # ConfigError or a bad type
        raise ValueError(
            "The 'settings' parameter must be None, a Settings, a dict or a YAML path. "
            f"Got {settings!r} instead."
        ) from err


@sharing
def sla_breaches(activities, *, settings=None, as_of, calendar=None) -> pd.DataFrame:
    """Every activity row judged against its stage time limit.

    Rule: a row *breaches* when it has a limit and either finished taking
    longer than the limit (``duration_working_days > limit_days``), or is open
    at ``as_of`` and is already older than the limit. Finishing exactly on the
    limit is not a breach. Rows not started by ``as_of`` never breach. An open
    row still within its limit is *pending*: whether it will breach is not
    known yet, so breach rates leave it out (``outcome_known`` False).

    Parameters
    ----------
    activities : pandas.DataFrame
    settings : Settings, dict or path, default=None
        ``stage_limits`` (stage names match case-insensitively); default: the
        handbook limits of DOMAIN.md.
    as_of : str or Timestamp
    calendar : WorkCalendar, default=None
        Default: the calendar of ``settings.country``.

    Returns
    -------
    pandas.DataFrame
        :func:`activity_durations` plus ``limit_days`` (NaN: no limit),
        ``with_limit`` (started, of a stage with a limit, and with a
        duration: a row ending before it starts has none and is left out),
        ``breached``, ``over_days`` (working days beyond the
        limit; negative = spare; NaN without a limit), ``is_pending`` (with
        a limit, open and not yet beyond it), ``outcome_known`` (with a limit
        and not pending: finished, or open and already breached),
        ``limit_end`` (start + limit in working days: the moment the limit
        runs out).
    """
    func = "sla_breaches"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    as_of = check_as_of(as_of, func)
    cfg = _settings(settings)
    cal = resolve_calendar(calendar, cfg)
    core = _sla_core(activities, as_of, cal, cfg)
    return activities.assign(
        **{c: core[c].to_numpy() for c in core.columns},
        limit_end=cal.add_working_days(
            activities["start"], core["limit_days"].to_numpy()
        ).to_numpy(),
    )


def _sla_core(activities, as_of, cal, cfg, columns=()) -> pd.DataFrame:
    """The columns :func:`sla_breaches` adds except ``limit_end`` (same
    index), plus the named input ``columns``, without copying the table."""
    core = reuse(
        "sla_core",
        (activities, cal, cfg),
        (as_of,),
        lambda: _sla_columns(activities, as_of, cal, cfg),
    )
    if not columns:
        return core
    extra = activities[[c for c in columns if c not in core.columns]]
    return pd.concat([extra, core], axis=1)


def _p0_flags(activities) -> np.ndarray:
    """``priority.astype(str) == "P0"`` per row, judged once per label."""

    def compute():
        codes, labels = pd.factorize(activities["priority"], use_na_sentinel=False)
        text = pd.Series(np.asarray(labels, dtype=object)).astype(str).to_numpy()
        return (text == "P0")[codes] if len(codes) else np.zeros(0, dtype=bool)

    return reuse("p0_flags", (activities,), (), compute)


def _pending(with_limit, is_open, breached):
    """Rows whose outcome is unknown at ``as_of``: with a limit, open and not
    yet beyond it (they may still breach). The rule of :func:`sla_summary`,
    shared with :func:`diagnose.bottlenecks.bottlenecks`."""
    return with_limit & is_open & ~breached


def _sla_columns(activities, as_of, cal, cfg) -> pd.DataFrame:
    acts = _durations(activities, as_of, cal)
    codes, names = label_codes(activities["activity"])
    lookup = np.array([cfg.stage_limit(n) for n in names] + [None], dtype=float)
    limit = lookup[codes]  # code -1 (missing activity) -> the trailing None
    dur = acts["duration_working_days"].to_numpy(dtype=float)
    # a row without a duration (it ends before it starts) cannot be judged
    # against the limit: left out, as bottlenecks leaves it out
    with_limit = ~np.isnan(limit) & acts["started"].to_numpy() & ~np.isnan(dur)
    with np.errstate(invalid="ignore"):
        breached = with_limit & (dur > limit)
    pending = _pending(with_limit, acts["is_open"].to_numpy(dtype=bool), breached)
    return acts.assign(
        limit_days=limit,
        with_limit=with_limit,
        breached=breached,
        over_days=dur - limit,
        is_pending=pending,
        outcome_known=with_limit & ~pending,
    )


@sharing
def sla_summary(
    activities, *, settings=None, as_of, by="activity", calendar=None, confidence=0.95
) -> pd.DataFrame:
    """Breach rate of the stage time limits, per stage (or other groups).

    Only started rows of stages that have a limit count, and only those with
    a duration (a row that ends before it starts has none: it is neither
    within nor beyond the limit, and :func:`diagnose.bottlenecks.bottlenecks`
    leaves it out too). Rule (see
    :func:`sla_breaches`): at ``as_of`` a row has *breached* when it finished
    beyond its limit or is open and already older than it, is *within* when
    it finished within it, and is *pending* when it is open and still within
    it. The rate is ``n_breached / n`` over the rows whose outcome is known
    (breached or within); pending rows may still breach, so they are counted
    in ``n_pending`` and left out of the rate (counting them as within would
    bias the rate down, most for recent work).

    Returns
    -------
    pandas.DataFrame
        ``by`` column(s) (default ``activity``), ``limit_days`` (the limit of
        the stage; with ``by`` not containing ``activity``: NaN), ``n`` (rows
        whose outcome is known), ``n_open`` (of ``n``: open and already
        breached), ``n_pending`` (open, still within the limit; not in
        ``n``), ``n_breached``, ``breach_rate`` (NaN when ``n`` is 0),
        ``ci_low``, ``ci_high`` (Wilson, :func:`diagnose.stats.wilson_interval`;
        exactly 0 when nothing breached), ``median_over_days`` (median working
        days beyond the limit among breached rows; NaN when none),
        ``median_days`` (median *age* in working days of all ``n + n_pending``
        started rows: finished rows at their duration, open rows at their age
        at ``as_of``, pending ones included. Not the ``median_days`` of
        :func:`diagnose.metrics.stage_summary`, which is over finished rows
        only; the name is kept because the reports, the plots and the
        diagnosis read this column).
    """
    func = "sla_summary"
    confidence = check_confidence(confidence, func)
    groups = as_list(by)
    func_ = "sla_breaches"
    activities = check_frame(activities, func_, ["case_id", "activity", "start"])
    bad = [c for c in groups if c not in activities.columns]
    if bad:
        raise ValueError(
            f"The 'by' parameter of sla_summary must be column name(s) of the table "
            f"such as 'activity' or ['team', 'activity']. Got {by!r} instead."
        )
    as_of = check_as_of(as_of, func_)
    cfg = _settings(settings)
    cal = resolve_calendar(calendar, cfg)
    core = _sla_core(activities, as_of, cal, cfg)
    pos = np.flatnonzero(core["with_limit"].to_numpy())
    breached = core["breached"].to_numpy(dtype=bool)[pos]
    pending = core["is_pending"].to_numpy(dtype=bool)[pos]
    columns = {
        "n": ~pending,
        "n_open": core["is_open"].to_numpy(dtype=bool)[pos] & ~pending,
        "n_pending": pending,
        "n_breached": breached,
        "median_over_days": np.where(
            breached, core["over_days"].to_numpy(dtype=float)[pos], np.nan
        ),
        "median_days": core["duration_working_days"].to_numpy(dtype=float)[pos],
    }
    limit = core["limit_days"].to_numpy(dtype=float)[pos]
    if groups:
        # group codes of the whole table (text columns: coded once), kept for
        # the rows with a limit; groups in sorted order, missing labels last
        all_codes, keys = group_codes(activities, groups)
        present, codes = _present_codes(all_codes[pos], len(keys))
        k = present.size
        first = np.full(k, pos.size, dtype=np.int64)
        np.minimum.at(first, codes, np.arange(pos.size))
        out = pd.DataFrame(
            {g: take(activities[g], pos[first]) for g in groups}
        )  # each group's labels, in the column's own dtype
        out["limit_days"] = limit[first]
        for c in ("n", "n_open", "n_pending", "n_breached"):
            out[c] = np.bincount(codes, weights=columns[c], minlength=k)
        for c in ("median_over_days", "median_days"):
            out[c] = summary_by_code(columns[c], codes, k)["median"]
    else:
        out = pd.DataFrame(
            {
                "limit_days": [np.nan],
                "n": [columns["n"].sum()],
                "n_open": [columns["n_open"].sum()],
                "n_pending": [pending.sum()],
                "n_breached": [breached.sum()],
                "median_over_days": [pd.Series(columns["median_over_days"]).median()],
                "median_days": [pd.Series(columns["median_days"]).median()],
            }
        )
    if "activity" not in groups:
        out["limit_days"] = np.nan
    counts = ["n", "n_open", "n_pending", "n_breached"]
    out[counts] = out[counts].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["breach_rate"] = out["n_breached"] / out["n"].where(out["n"] > 0)
    out["ci_low"], out["ci_high"] = stats.wilson_interval(
        out["n_breached"], out["n"], confidence=confidence
    )
    return out[
        groups
        + [
            "limit_days",
            "n",
            "n_open",
            "n_pending",
            "n_breached",
            "breach_rate",
            "ci_low",
            "ci_high",
            "median_over_days",
            "median_days",
        ]
    ]


@sharing
def handoff_response(
    activities,
    *,
    settings=None,
    calendar=None,
    clock="working",
    confidence=0.95,
    as_of=None,
) -> pd.DataFrame:
    """How fast the receiving department picks up cross-department work.

    A handoff is a pair of :func:`waits` whose departments differ; its response
    time is that wait (overlapping work: 0). It is *late* when the response
    exceeds ``settings.handoff_hours``, or ``settings.urgent_handoff_hours``
    when either side of the pair has priority ``P0``.

    Parameters
    ----------
    clock : {"working", "calendar"}, default="working"
        ``"working"``: hours of working days only (24 per working day; a
        Friday-evening handoff picked up Monday morning is not three days
        late). ``"calendar"``: wall-clock hours.
    as_of : str or Timestamp, default=None
        Optional: read the table as it was at this date (as :func:`waits`);
        :func:`diagnose.diagnose` passes its ``as_of``, so the handoffs and the
        waits come from the same pairs.

    Returns
    -------
    pandas.DataFrame
        ``from_department``, ``to_department``, ``n``, ``median_hours``,
        ``p85_hours``, ``mean_hours``, ``n_urgent``, ``n_late``,
        ``late_rate``, ``ci_low``, ``ci_high`` (Wilson; exactly 0 when none
        is late). Sorted by ``n``
        descending.
    """
    func = "handoff_response"
    activities = check_frame(activities, func, ["case_id", "activity", "start"])
    if clock not in ("working", "calendar"):
        raise ValueError(
            "The 'clock' parameter of handoff_response must be one of "
            f"{{'working', 'calendar'}}. Got {clock!r} instead."
        )
    confidence = check_confidence(confidence, func)
    cfg = _settings(settings)
    cal = resolve_calendar(calendar, cfg)
    as_of = None if as_of is None else check_as_of(as_of, func)
    pairs = _wait_pairs(activities, as_of, cal)
    mask, codes, keys = _handoff_groups(activities, pairs)
    hours, urgent, late = _handoff_late(activities, pairs, mask, cfg, clock)
    summ = summarise_codes(hours, codes, keys)
    out = keys.assign(
        n=summ["n"].to_numpy(),
        median_hours=summ["median"].to_numpy(),
        p85_hours=summ["p85"].to_numpy(),
        mean_hours=summ["mean"].to_numpy(),
        n_urgent=np.bincount(codes, weights=urgent, minlength=len(keys)),
        n_late=np.bincount(codes, weights=late, minlength=len(keys)),
    )
    out["n"] = out["n"].astype("int64")
    out[["n_urgent", "n_late"]] = out[["n_urgent", "n_late"]].astype(int)
    out["late_rate"] = out["n_late"] / out["n"]
    out["ci_low"], out["ci_high"] = stats.wilson_interval(
        out["n_late"], out["n"], confidence=confidence
    )
    return out.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


def _handoff_late(activities, pairs, mask, cfg, clock="working"):
    """Response hours, urgency and lateness of the handoff pairs ``mask``."""
    key = "wait_working_days" if clock == "working" else "wait_days"
    hours = pairs[key][mask] * 24.0
    urgent = np.zeros(mask.sum(), dtype=bool)
    if "priority" in activities.columns:
        p0 = _p0_flags(activities)
        urgent = p0[pairs["from_pos"][mask]] | p0[pairs["to_pos"][mask]]
    limit = np.where(urgent, cfg.urgent_handoff_hours, cfg.handoff_hours)
    return hours, urgent, hours > limit
