"""Kaplan–Meier curves of cycle times, with unfinished work censored.

Dropping unfinished work makes cycle times look shorter than they are (the
slow items are exactly the ones still open). Here open work counts as
"still running after its age at ``as_of``" (right-censored), following
:func:`diagnose.stats.kaplan_meier`.
"""

from __future__ import annotations

import warnings

import pandas as pd

from diagnose import stats
from diagnose.metrics._common import (
    as_list,
    check_as_of,
    check_choice,
    check_frame,
    sharing,
)
from diagnose.metrics.flow import activity_durations, case_durations

__all__ = ["survival_curve"]


@sharing
def survival_curve(
    activities_or_durations,
    *,
    by=None,
    as_of,
    level="case",
    unit="working_days",
    calendar=None,
    confidence=0.95,
    final_stages=(),
) -> pd.DataFrame:
    """Kaplan–Meier survival curve ``S(t)``: share of work still unfinished at age t.

    Parameters
    ----------
    activities_or_durations : pandas.DataFrame
        An activity table, or the output of :func:`case_durations` /
        :func:`activity_durations` (used as is; ``as_of`` is then only checked).
    by : str or list of str, default=None
        Group column(s); one curve per group.
    as_of : str or Timestamp
    level : {"case", "activity"}, default="case"
        Case cycle times or activity durations.
    unit : {"working_days", "days"}, default="working_days"
    calendar : WorkCalendar, default=None
    confidence : float, default=0.95
    final_stages : sequence of str, default=()
        With ``level="case"`` and an activity table: stages that end a case
        (``settings.final_stages``). A case whose recorded stages are done but
        that has not finished one of them is still running and is censored at
        its age (see :func:`case_durations`).

    Returns
    -------
    pandas.DataFrame
        ``by`` column(s), ``group`` (label: the group value(s) joined by
        " / ", or "all"), ``time``, ``survival``, ``ci_low``, ``ci_high``
        (log-log pointwise band), ``n``, ``n_events``, ``n_censored``. Each
        curve starts with a row at ``time=0, survival=1``.
    """
    func = "survival_curve"
    data = activities_or_durations
    check_choice(level, "level", func, ("case", "activity"))
    check_choice(unit, "unit", func, ("working_days", "days"))
    as_of = check_as_of(as_of, func)
    groups = as_list(by)
    if level == "case":
        value = "cycle_working_days" if unit == "working_days" else "cycle_days"
    else:
        value = "duration_working_days" if unit == "working_days" else "duration_days"
    if (
        isinstance(data, pd.DataFrame)
        and value in data.columns
        and "is_open" in data.columns
    ):
        table = data
    else:
        data = check_frame(
            data, func, ["case_id", "activity", "start"], name="activities_or_durations"
        )
        if level == "case":
            table = case_durations(
                data,
                as_of=as_of,
                calendar=calendar,
                attributes=tuple(groups),
                final_stages=final_stages,
            )
        else:
            table = activity_durations(data, as_of=as_of, calendar=calendar)
    bad = [c for c in groups if c not in table.columns]
    if bad:
        raise ValueError(
            f"The 'by' parameter of survival_curve must be None or column name(s) of "
            f"the table. Got {by!r} instead."
        )
    table = table.loc[table[value].notna()]
    parts = []
    iterator = (
        table.groupby(groups, dropna=False, observed=True, sort=True)
        if groups
        else [((), table)]
    )
    for key, sub in iterator:
        key = key if isinstance(key, tuple) else (key,)
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="The confidence interval is undefined"
            )
            km = stats.kaplan_meier(
                sub[value].to_numpy(dtype=float),
                ~sub["is_open"].to_numpy(dtype=bool),
                confidence=confidence,
            )
        curve = pd.concat(
            [
                pd.DataFrame(
                    {
                        "time": [0.0],
                        "survival": [1.0],
                        "ci_low": [1.0],
                        "ci_high": [1.0],
                    }
                ),
                km.to_frame(),
            ],
            ignore_index=True,
        )
        for name, value_ in zip(groups, key):
            curve[name] = value_
        curve["group"] = " / ".join(str(v) for v in key) if groups else "all"
        curve["n"], curve["n_events"], curve["n_censored"] = (
            km.n,
            km.n_events,
            km.n_censored,
        )
        parts.append(curve)
    cols = groups + [
        "group",
        "time",
        "survival",
        "ci_low",
        "ci_high",
        "n",
        "n_events",
        "n_censored",
    ]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)[cols]
    out["time"] = out["time"].astype(float)
    return out
