"""Turn event logs (one row per event) into activity rows (one per piece of work).

* **Lifecycle logs** (``lifecycle:transition`` = start/complete): the k-th
  start of an activity in a case is paired with its k-th complete (both in
  time order, ties in file order). A start without a complete is open work
  (``end`` NaT); a complete without a start is instantaneous
  (``start = end``).
* **Complete-only logs** (a single timestamp per event) give instantaneous
  activities, ``start = end = timestamp``: the waiting time between events
  then carries all the elapsed time, as in PM4Py's performance DFG.
* **Interval logs** (``start_timestamp`` + ``timestamp``) are already one row
  per activity and need nothing from this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["pair_lifecycle", "lifecycle_kind"]

_START_WORDS = {"start", "started", "begin", "开始"}
_COMPLETE_WORDS = {
    "complete",
    "completed",
    "end",
    "finish",
    "finished",
    "done",
    "完成",
    "结束",
}


def lifecycle_kind(values: pd.Series) -> pd.Series:
    """Map lifecycle transitions to ``"start"``, ``"complete"`` or NaN (other).

    Blank transitions count as ``"complete"`` (a plain event).
    """
    s = pd.Series(values)
    codes, uniq = pd.factorize(s.astype(object), sort=False)
    kinds = []
    for v in uniq:
        word = str(v).strip().casefold()
        if word in _START_WORDS:
            kinds.append("start")
        elif word in _COMPLETE_WORDS or word == "":
            kinds.append("complete")
        else:
            kinds.append(np.nan)
    table = np.array([*kinds, "complete"], dtype=object)
    return pd.Series(table[codes], index=s.index, dtype=object)


def pair_lifecycle(events: pd.DataFrame, *, attrs: list[str]) -> pd.DataFrame:
    """Pair start and complete events of the same case and activity.

    Within each case and activity, events are taken in time order (ties in
    file order) and each complete closes the earliest start still open
    (first in, first out). A complete with no open start is instantaneous
    (``start = end``); a start never closed is open (``end`` NaT).

    Parameters
    ----------
    events : pandas.DataFrame
        Columns ``case_id``, ``activity``, ``ts`` (datetime64), ``kind``
        (``"start"``/``"complete"``), ``source_row`` and the columns in ``attrs``.
    attrs : list of str
        Attribute columns (owner, department, ...) carried over; the complete
        event's value wins, the start event's fills gaps.

    Returns
    -------
    pandas.DataFrame
        One row per activity instance: ``case_id``, ``activity``, ``start``,
        ``end``, ``source_row`` (row of the start event, or of the complete
        event when there was no start), ``end_row`` (row of the complete event,
        -1 if none) and ``attrs``.
    """
    case_code = pd.factorize(events["case_id"], sort=False)[0]
    act_code = pd.factorize(events["activity"], sort=False)[0]
    order = np.lexsort(
        (events["source_row"].to_numpy(), events["ts"].to_numpy(), act_code, case_code)
    )
    ev = events.iloc[order].reset_index(drop=True)
    group = pd.Series(case_code[order]).astype("int64") * (
        int(act_code.max(initial=0)) + 1
    )
    group = group + act_code[order]
    is_start = (ev["kind"] == "start").to_numpy()
    n_start = pd.Series(is_start.astype("int64")).groupby(group.to_numpy()).cumsum()
    n_comp = pd.Series((~is_start).astype("int64")).groupby(group.to_numpy()).cumsum()
    # unmatched completes so far: running max of (completes - starts), floored at 0
    unmatched = (n_comp - n_start).groupby(group.to_numpy()).cummax().clip(lower=0)
    before = unmatched.groupby(group.to_numpy()).shift(1).fillna(0)
    lone = ~is_start & (unmatched > before).to_numpy()
    ev["_g"] = group.to_numpy()
    ev["_k"] = np.where(is_start, n_start - 1, n_comp - unmatched - 1)
    cols = ["_g", "_k", "case_id", "activity", "ts", "source_row", *attrs]
    starts = ev.loc[is_start, cols]
    comps = ev.loc[~is_start & ~lone, ["_g", "_k", "ts", "source_row", *attrs]]
    both = starts.merge(
        comps, on=["_g", "_k"], how="left", suffixes=("_s", "_c"), sort=False
    )
    singles = ev.loc[lone, cols]
    paired = pd.DataFrame(
        {
            "case_id": both["case_id"],
            "activity": both["activity"],
            "start": both["ts_s"],
            "end": both["ts_c"],
            "source_row": both["source_row_s"].astype("int64"),
            "end_row": both["source_row_c"].fillna(-1).astype("int64"),
        }
    )
    for a in attrs:
        paired[a] = both[f"{a}_c"].where(both[f"{a}_c"].notna(), both[f"{a}_s"])
    alone = pd.DataFrame(
        {
            "case_id": singles["case_id"],
            "activity": singles["activity"],
            "start": singles["ts"],
            "end": singles["ts"],
            "source_row": singles["source_row"].astype("int64"),
            "end_row": singles["source_row"].astype("int64"),
        }
    )
    for a in attrs:
        alone[a] = singles[a]
    return pd.concat([paired, alone], ignore_index=True)
