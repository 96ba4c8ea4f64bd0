"""Rework (cases that go back to an earlier stage) and the handoff matrix.

Rework rule
-----------
Within a case, started rows are ordered by ``start`` (stable: same start keeps
table order). A row is a **return** (rework) when

* its activity already occurred earlier in the case (a repeat), or
* the stage order is known and it comes before a stage already done in the
  case (the case went back).

The stage order is the canonical six-stage order of
:data:`diagnose.io.columns.STAGES` (Chinese or English names, matched case-
and space-insensitively) when **every** activity of the table is one of the
six; otherwise it is each case's own first-occurrence order, so only repeats
count. A return is attributed to the stage that is redone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose import stats
from diagnose.io.columns import STAGES
from diagnose.metrics._common import check_frame, state_at

__all__ = ["rework", "rework_rows", "handoffs", "stage_order"]


def _key(values: pd.Series) -> pd.Series:
    return (
        values.astype(str)
        .str.strip()
        .str.casefold()
        .str.replace(r"\s+", " ", regex=True)
    )


def stage_order(activities: pd.Series) -> pd.Series | None:
    """Canonical rank (0..5) of each activity, or None when any is not one of
    the six stages (Chinese or English name)."""
    lookup = {}
    for i, s in enumerate(STAGES):
        lookup[s["zh"].casefold()] = i
        lookup[s["en"].casefold()] = i
    ranks = _key(activities).map(lookup)
    if len(ranks) == 0 or ranks.isna().any():
        return None
    return ranks.astype("int64")


def rework_rows(activities, *, as_of=None) -> pd.DataFrame:
    """Started rows in case order, each flagged as a return or not.

    Returns
    -------
    pandas.DataFrame
        ``case_id``, ``activity``, ``start``, ``order`` (stage rank used),
        ``is_repeat``, ``is_return`` (see the module docstring), ``returned_from``
        (the activity just before a return; NaN otherwise), ``index`` (label
        in ``activities``). ``order_kind`` is in ``attrs["order"]``:
        ``"canonical"`` or ``"first_occurrence"``.
    """
    check_frame(activities, "rework", ["case_id", "activity", "start"])
    st = state_at(activities, None if as_of is None else pd.Timestamp(as_of))
    acts = activities.loc[st["started"] & activities["activity"].notna()]
    pos = np.arange(len(acts))
    frame = pd.DataFrame(
        {
            "case_id": acts["case_id"].to_numpy(),
            "activity": acts["activity"].to_numpy(),
            "start": st.loc[acts.index, "start"].to_numpy(),
            "_pos": pos,
            "index": acts.index.to_numpy(),
        }
    )
    frame = frame.sort_values(["case_id", "start", "_pos"], kind="stable").reset_index(
        drop=True
    )
    frame["_seq"] = np.arange(len(frame))
    canonical = stage_order(frame["activity"])
    if canonical is not None:
        frame["order"] = canonical.to_numpy()
        kind = "canonical"
    else:
        first = frame.groupby(["case_id", "activity"], sort=False)["_seq"].transform(
            "min"
        )
        frame["order"] = (
            first.groupby(frame["case_id"]).rank(method="dense").astype("int64") - 1
        ).to_numpy()
        kind = "first_occurrence"
    frame["is_repeat"] = frame.duplicated(["case_id", "activity"])
    g = frame.groupby("case_id", sort=False)["order"]
    prev_max = g.cummax().groupby(frame["case_id"]).shift(1)
    went_back = frame["order"] < prev_max  # NaN (first row) compares False
    frame["is_return"] = frame["is_repeat"] | went_back.fillna(False).astype(bool)
    prev_act = frame.groupby("case_id", sort=False)["activity"].shift(1)
    frame["returned_from"] = prev_act.where(frame["is_return"])
    out = frame[
        [
            "case_id",
            "activity",
            "start",
            "order",
            "is_repeat",
            "is_return",
            "returned_from",
            "index",
        ]
    ]
    out.attrs["order"] = kind
    return out


def rework(activities, *, as_of=None, confidence=0.95) -> pd.DataFrame:
    """Per stage: how many cases had to redo it.

    Parameters
    ----------
    activities : pandas.DataFrame
    as_of : str or Timestamp, default=None
        Optional: read the table as it was at this date (rows not started by
        then are ignored).
    confidence : float, default=0.95

    Returns
    -------
    pandas.DataFrame
        One row per activity, in stage order: ``activity``, ``order``,
        ``n_cases`` (cases that did it at least once), ``n_rework_cases``
        (cases that returned to it at least once), ``n_returns`` (all
        returns to it), ``rework_rate`` (``n_rework_cases / n_cases``),
        ``ci_low``, ``ci_high`` (Wilson), ``returned_from`` (the activity
        returns to it most often come from). ``attrs["order"]`` says which
        stage order was used; ``attrs["n_cases"]`` and
        ``attrs["n_rework_cases"]`` give the case-level totals (cases with any
        return).
    """
    rows = rework_rows(activities, as_of=as_of)
    per_case = rows.groupby(["activity", "case_id"], sort=False).agg(
        _ret=("is_return", "sum"), _order=("order", "min")
    )
    out = (
        per_case.reset_index()
        .groupby("activity", sort=False)
        .agg(
            order=("_order", "min"),
            n_cases=("case_id", "size"),
            n_rework_cases=("_ret", lambda x: int((x > 0).sum())),
            n_returns=("_ret", "sum"),
        )
        .reset_index()
    )
    src = (
        rows.loc[rows["is_return"]]
        .groupby("activity")["returned_from"]
        .agg(lambda x: x.value_counts().index[0] if x.notna().any() else np.nan)
    )
    out["returned_from"] = out["activity"].map(src)
    out[["n_cases", "n_rework_cases", "n_returns", "order"]] = out[
        ["n_cases", "n_rework_cases", "n_returns", "order"]
    ].astype("int64")
    out["rework_rate"] = out["n_rework_cases"] / out["n_cases"]
    out["ci_low"], out["ci_high"] = stats.wilson_interval(
        out["n_rework_cases"], out["n_cases"], confidence=confidence
    )
    out = out.sort_values(["order", "activity"], kind="stable").reset_index(drop=True)
    out = out[
        [
            "activity",
            "order",
            "n_cases",
            "n_rework_cases",
            "n_returns",
            "rework_rate",
            "ci_low",
            "ci_high",
            "returned_from",
        ]
    ]
    case_any = rows.groupby("case_id")["is_return"].any()
    out.attrs.update(
        order=rows.attrs.get("order"),
        n_cases=int(case_any.size),
        n_rework_cases=int(case_any.sum()),
    )
    return out


def handoffs(activities, *, calendar=None, as_of=None) -> pd.DataFrame:
    """The handoff matrix in long form: how long work waits between departments.

    Built on :func:`diagnose.metrics.flow.waits` (its parallel-work rule:
    overlapping work waits 0); only pairs whose departments are both known
    and differ (``is_handoff``) count.

    Returns
    -------
    pandas.DataFrame
        ``from_department``, ``to_department``, ``n``, ``median_wait_hours``,
        ``p85_wait_hours`` (calendar hours), ``median_wait_working_days``,
        ``p85_wait_working_days``, ``share_overlap``. Sorted by ``n``
        descending, then department names.
    """
    from diagnose.metrics.flow import waits

    check_frame(activities, "handoffs", ["case_id", "activity", "start"])
    w = waits(activities, calendar=calendar, as_of=as_of)
    w = w.loc[w["is_handoff"]]
    cols = [
        "from_department",
        "to_department",
        "n",
        "median_wait_hours",
        "p85_wait_hours",
        "median_wait_working_days",
        "p85_wait_working_days",
        "share_overlap",
    ]
    if w.empty:
        return pd.DataFrame(columns=cols)
    out = (
        w.groupby(["from_department", "to_department"], sort=True, observed=True)
        .agg(
            n=("wait_hours", "size"),
            median_wait_hours=("wait_hours", "median"),
            p85_wait_hours=("wait_hours", lambda x: float(np.quantile(x, 0.85))),
            median_wait_working_days=("wait_working_days", "median"),
            p85_wait_working_days=(
                "wait_working_days",
                lambda x: float(np.quantile(x, 0.85)),
            ),
            share_overlap=("overlap", "mean"),
        )
        .reset_index()
    )
    out["n"] = out["n"].astype("int64")
    out = out.sort_values(
        ["n", "from_department", "to_department"],
        ascending=[False, True, True],
        kind="stable",
    )
    return out[cols].reset_index(drop=True)
