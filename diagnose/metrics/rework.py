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
from diagnose.metrics._codes import factorize
from diagnose.metrics._common import (
    check_frame,
    reuse,
    sharing,
    state_at,
    take,
    take_array,
)

__all__ = ["rework", "rework_rows", "handoffs", "stage_order"]


def _key(values: pd.Series) -> pd.Series:
    return (
        values.astype(str)
        .str.strip()
        .str.casefold()
        .str.replace(r"\s+", " ", regex=True)
    )


def _stage_lookup() -> dict:
    lookup = {}
    for i, s in enumerate(STAGES):
        lookup[s["zh"].casefold()] = i
        lookup[s["en"].casefold()] = i
    return lookup


def _canonical_ranks(uniques) -> np.ndarray | None:
    """Canonical rank of each distinct activity name, or None when any name is
    not one of the six stages. Names are normalised once per distinct value."""
    ranks = _key(pd.Series(np.asarray(uniques, dtype=object))).map(_stage_lookup())
    if len(ranks) == 0 or ranks.isna().any():
        return None
    return ranks.to_numpy(dtype=np.int64)


def _stage_order_reference(activities: pd.Series) -> pd.Series | None:
    ranks = _key(activities).map(_stage_lookup())
    if len(ranks) == 0 or ranks.isna().any():
        return None
    return ranks.astype("int64")


def stage_order(activities: pd.Series) -> pd.Series | None:
    """Canonical rank (0..5) of each activity, or None when any is not one of
    the six stages (Chinese or English name)."""
    try:
        codes, uniques = factorize(activities, missing_group=True)
    except TypeError:  # mixed types cannot be sorted
        codes, uniques = pd.factorize(activities, use_na_sentinel=False)
    ranks = _canonical_ranks(uniques)
    if ranks is None or len(codes) == 0:
        return None
    return pd.Series(ranks[codes], index=activities.index, dtype="int64")


@sharing
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
    activities = check_frame(activities, "rework", ["case_id", "activity", "start"])
    as_of = None if as_of is None else pd.Timestamp(as_of)
    core, codes = _rework_rows_full(activities, as_of)
    pos = core["pos"]
    act = take(activities["activity"], pos)
    out = pd.DataFrame(
        {
            "case_id": take(activities["case_id"], pos),
            "activity": act,
            "start": core["start"],
            "order": core["order"],
            "is_repeat": core["is_repeat"],
            "is_return": core["is_return"],
            "returned_from": take_array(act, core["prev"]),
            "index": activities.index.to_numpy()[pos],
        }
    )
    out.attrs["order"] = codes["kind"]
    return out


def _rework_rows_full(activities, as_of):
    """The arrays behind :func:`rework_rows` (row positions, start, order,
    flags, the position of the row a return came from) and the codes
    (case segment, activity code, (case, activity) pair id per row),
    computed once per table; the text columns are taken only when
    :func:`rework_rows` shows them."""
    return reuse(
        "rework_rows", (activities,), (as_of,), lambda: _rework_rows(activities, as_of)
    )


def _rework_rows(activities, as_of):
    """NumPy version of the rework rule: one sort, factorised case and activity
    codes, segmented running maxima (no per-row Python, no groupby-shift)."""
    from diagnose.metrics.flow import _activity_codes, _case_codes

    st = state_at(activities, as_of)
    keep = (st["started"] & activities["activity"].notna()).to_numpy()
    all_codes, case_names = _case_codes(activities)
    codes = all_codes[keep]
    start = st["start"].to_numpy(dtype="datetime64[ns]")[keep]
    pos = np.flatnonzero(keep)
    order = _sorted_by_case_and_start(codes, start.astype(np.int64))
    if order is not None:
        codes, start, pos = codes[order], start[order], pos[order]
    n = len(pos)
    # the table's activity codes (computed once per column), narrowed to the
    # activities of these rows
    all_acodes, all_names = _activity_codes(activities)
    acodes = all_acodes[pos]
    present = np.bincount(acodes, minlength=len(all_names)) > 0
    acodes = (np.cumsum(present) - 1)[acodes]
    auniques = np.asarray(all_names, dtype=object)[present]
    n_act = max(len(auniques), 1)
    pair = codes.astype(np.int64) * n_act + acodes
    pair_id, _ = pd.factorize(pair)  # ids in order of first appearance
    first_pos = np.full(pair_id.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first_pos, pair_id, np.arange(n))
    is_repeat = first_pos[pair_id] != np.arange(n)
    new_case = np.ones(n, dtype=bool)
    new_case[1:] = codes[1:] != codes[:-1]
    case_seg = np.cumsum(new_case) - 1
    ranks = _canonical_ranks(auniques)
    if ranks is not None:
        stage = ranks[acodes]
        kind = "canonical"
    else:
        # pairs of one case are contiguous ids in first-occurrence order
        case_first_pair = pair_id[new_case]
        stage = (pair_id - case_first_pair[case_seg]).astype(np.int64)
        kind = "first_occurrence"
    went_back = np.zeros(n, dtype=bool)
    if n:
        span = int(stage.max()) + 1
        lifted = stage + case_seg * span
        run_max = np.maximum.accumulate(lifted) - case_seg * span
        went_back[1:] = (stage[1:] < run_max[:-1]) & ~new_case[1:]
    is_return = is_repeat | went_back
    # where a row is a return: the previous row of its case (else -1)
    prev = np.full(n, -1, dtype=np.intp)
    if n:
        prev[1:] = np.arange(n - 1)
    prev = np.where(is_return & ~new_case, prev, -1)
    core = {
        "pos": pos,
        "start": start,
        "order": stage,
        "is_repeat": is_repeat,
        "is_return": is_return,
        "prev": prev,
    }
    codes_ = {
        "seg": case_seg,
        "acodes": acodes,
        "auniques": auniques,
        "pair": pair_id,
        "kind": kind,
        # rows whose case id is known (a missing id is a group of its own)
        "case_ok": ~pd.isna(np.asarray(case_names, dtype=object))[codes],
        "activity_dtype": activities["activity"].dtype,
    }
    return core, codes_


def _returned_from(rows, codes) -> np.ndarray:
    """Per activity code: the activity that returns to it come from most
    often (ties: the one seen first, in case order; none: NaN)."""
    acodes, auniques = codes["acodes"], codes["auniques"]
    k = len(auniques)
    out = np.full(k, np.nan, dtype=object)
    prev = rows["prev"]
    ret = np.flatnonzero(prev >= 0)
    if not ret.size:
        return out
    pair = acodes[ret].astype(np.int64) * k + acodes[prev[ret]]
    pairs, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    first = np.full(pairs.size, ret.size, dtype=np.int64)
    np.minimum.at(first, inverse.reshape(-1), np.arange(ret.size))
    # per activity: most returns first, among equals the source seen first
    order = np.lexsort((first, -counts, pairs // k))
    to, src = pairs[order] // k, pairs[order] % k
    top = np.r_[True, to[1:] != to[:-1]]
    out[to[top]] = np.asarray(auniques, dtype=object)[src[top]]
    return out


def _sorted_by_case_and_start(codes: np.ndarray, start_ns: np.ndarray):
    from diagnose.metrics.flow import _sort_order

    return _sort_order(codes, start_ns)


def _rework_rows_reference(activities, as_of) -> pd.DataFrame:
    """The pandas implementation of the rule (kept as the test reference)."""
    st = state_at(activities, as_of)
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
    canonical = _stage_order_reference(frame["activity"])
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


@sharing
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
    activities = check_frame(activities, "rework", ["case_id", "activity", "start"])
    as_of = None if as_of is None else pd.Timestamp(as_of)
    rows, codes = _rework_rows_full(activities, as_of)
    return reuse(
        "rework",
        (activities,),
        (as_of, float(confidence)),
        lambda: _rework(rows, codes, confidence),
    )


def _rework(rows, codes, confidence) -> pd.DataFrame:
    # rows come from rework_rows: sorted by case, so a case is one segment;
    # cases without an id are left out (as a groupby by case_id would)
    ok = codes["case_ok"]
    seg, pair_id = codes["seg"], codes["pair"]
    if not ok.all():  # renumber without the left-out rows
        seg = np.unique(seg[ok], return_inverse=True)[1]
        pair_id = np.unique(pair_id[ok], return_inverse=True)[1]
    acodes, auniques = codes["acodes"][ok], codes["auniques"]
    n_act = len(auniques)
    ret_row = rows["is_return"][ok]
    n_pairs = int(pair_id.max()) + 1 if len(pair_id) else 0
    pair_act = np.empty(n_pairs, dtype=np.int64)
    pair_act[pair_id[::-1]] = acodes[::-1]
    ret = np.bincount(pair_id, weights=ret_row, minlength=n_pairs)
    order = np.full(n_act, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(order, acodes, rows["order"][ok].astype(np.int64))
    out = pd.DataFrame(
        {
            "activity": np.asarray(auniques, dtype=object),
            "order": order,
            "n_cases": np.bincount(pair_act, minlength=n_act),
            "n_rework_cases": np.bincount(pair_act, weights=ret > 0, minlength=n_act),
            "n_returns": np.bincount(pair_act, weights=ret, minlength=n_act),
        }
    )
    source = _returned_from(rows, codes)
    dtype = codes["activity_dtype"]
    out["returned_from"] = (
        pd.array(source, dtype=dtype) if isinstance(dtype, pd.StringDtype) else source
    )
    out = out.loc[out["n_cases"].to_numpy() > 0].reset_index(drop=True)
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
    case_ret = np.bincount(
        seg, weights=ret_row, minlength=seg[-1] + 1 if len(seg) else 0
    )
    out.attrs.update(
        order=codes["kind"],
        n_cases=int(case_ret.size),
        n_rework_cases=int((case_ret > 0).sum()),
    )
    return out


@sharing
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
        ``median_wait_ci_low``, ``median_wait_ci_high`` (order-statistic 95 %
        CI of that median; NaN below 6 handoffs), ``p85_wait_working_days``,
        ``share_overlap``. Sorted by ``n`` descending, then department names.
    """
    from diagnose.metrics._common import (
        check_as_of,
        resolve_calendar,
    )
    from diagnose.metrics.flow import (
        _PAIR_WAIT_COLUMNS,
        _handoff_groups,
        _pair_wait_summary,
        _wait_pairs,
    )

    activities = check_frame(activities, "handoffs", ["case_id", "activity", "start"])
    stats_ = [c for c in _PAIR_WAIT_COLUMNS if c != "mean_wait_hours"]
    cols = ["from_department", "to_department", *stats_]
    if "department" not in activities.columns:
        return pd.DataFrame(columns=cols)
    cal = resolve_calendar(calendar)
    as_of = None if as_of is None else check_as_of(as_of, "handoffs")
    pairs = _wait_pairs(activities, as_of, cal)
    mask, codes, keys = _handoff_groups(activities, pairs)
    if not mask.any():
        return pd.DataFrame(columns=cols)
    out = _pair_wait_summary(pairs, mask, codes, keys)
    return out[cols].reset_index(drop=True)
