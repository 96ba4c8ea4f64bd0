"""Helpers shared by the metric modules: argument checks, the table as seen at
``as_of``, and one way to summarise durations by group.

Nothing here loops over rows. Group summaries (order statistics, their
intervals, Kaplan–Meier medians) are computed for all groups in one sort;
the few loops left run over groups or group sizes, never rows.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import special

from diagnose import stats
from diagnose.metrics._codes import factorize
from diagnose.workdays import WorkCalendar, get_calendar, to_datetime64

__all__ = [
    "check_frame",
    "check_choice",
    "check_as_of",
    "as_list",
    "resolve_calendar",
    "state_at",
    "summarise",
    "summarise_codes",
    "km_median_by_code",
    "summary_by_code",
    "summary_and_km_by_code",
    "frame_by_code",
    "group_codes",
    "SUMMARY_COLUMNS",
    "shared_work",
    "reuse",
    "sharing",
    "take",
    "take_array",
]

# ---------------------------------------------------------------- shared work
# diagnose() and bottlenecks() call many metrics on the same table; each of
# them needs the same intermediate tables (waits, case and activity durations,
# rework rows, ...). Inside ``with shared_work():`` those tables are computed
# once and reused; outside it nothing is cached (a notebook user who edits the
# table between two calls always gets fresh results).
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "diagnose_shared_work", default=None
)


@contextlib.contextmanager
def shared_work():
    """Reuse intermediate tables between metric calls inside this block.

    Nested blocks share the outermost cache. The cache is dropped on exit.
    Entries are keyed by the *identity* of the table (and of the calendar /
    settings objects) plus the plain parameters, so the table must not be
    modified inside the block (``diagnose`` and ``bottlenecks`` never do).
    """
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def reuse(name: str, objects: tuple, params: tuple, compute: Callable):
    """``compute()``, or its earlier result inside :func:`shared_work`.

    ``objects`` are compared by identity (they are kept alive with the entry so
    an id cannot be recycled), ``params`` by value (must be hashable). Callers
    must treat the returned object as read-only.
    """
    memo = _SHARED.get()
    if memo is None:
        return compute()
    key = (name, tuple(id(o) for o in objects), params)
    hit = memo.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], objects)):
        return hit[1]
    value = compute()
    memo[key] = (tuple(objects), value)
    return value


def sharing(func):
    """Decorator: run ``func`` inside :func:`shared_work` (signature kept)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with shared_work():
            return func(*args, **kwargs)

    return wrapper


def take(column: pd.Series, pos):
    """The values of ``column`` at positions ``pos`` (``-1``: missing), in the
    column's own dtype.

    Arrow-backed text stays in Arrow (one take, no Python object per row, as
    ``column.to_numpy()[pos]`` would build); object, categorical and datetime
    columns work the same way.
    """
    values = column.array
    if isinstance(values, pd.arrays.NumpyExtensionArray):
        values = values.to_numpy()  # object columns: a plain ndarray back
    return take_array(values, pos)


def take_array(values, pos):
    """``values[pos]`` for an ndarray or ExtensionArray, ``-1`` giving a
    missing value (NaN, NaT)."""
    pos = np.asarray(pos, dtype=np.intp)
    fill = bool(pos.size) and pos.min() < 0
    if isinstance(values, np.ndarray):
        return pd.api.extensions.take(values, pos, allow_fill=fill)
    return values.take(pos, allow_fill=fill)


#: Columns of :func:`summarise`, in order.
SUMMARY_COLUMNS = ["n", "mean", "median", "p85", "p95", "ci_low", "ci_high"]


def check_frame(data, func: str, required: Sequence[str], *, name: str = "activities"):
    """The table to work on: ``data`` itself, or the ``.data`` of a LoadResult.

    Raises ``ValueError`` unless it is a DataFrame holding ``required``.
    """
    if not isinstance(data, pd.DataFrame) and isinstance(
        getattr(data, "data", None), pd.DataFrame
    ):  # a LoadResult, as load_activities returns it
        data = data.data
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"The '{name}' parameter of {func} must be a pandas DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ValueError(
            f"The '{name}' table passed to {func} lacks the column(s) {missing}. "
            f"Columns present: {list(data.columns)}. Load it with "
            "diagnose.io.load.load_activities or rename the headers."
        )
    return data


def check_choice(value, name: str, func: str, choices: Iterable):
    """scikit-learn style check that ``value`` is one of ``choices``."""
    choices = list(choices)
    if value not in choices:
        shown = "{" + ", ".join(repr(c) for c in choices) + "}"
        raise ValueError(
            f"The '{name}' parameter of {func} must be one of {shown}. "
            f"Got {value!r} instead."
        )
    return value


def check_as_of(as_of, func: str) -> pd.Timestamp:
    """``as_of`` as a tz-naive Timestamp (str, date, Timestamp accepted)."""
    if as_of is None:
        raise ValueError(
            f"The 'as_of' parameter of {func} is required: the reference date for "
            "open work, e.g. as_of='2024-06-30'. Got None instead."
        )
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"The 'as_of' parameter of {func} must be a date such as '2024-06-30'. "
            f"Got {as_of!r} instead."
        ) from err
    if ts is pd.NaT:
        raise ValueError(
            f"The 'as_of' parameter of {func} must be a date. Got NaT instead."
        )
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts


def check_confidence(confidence, func: str) -> float:
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise ValueError(
            f"The 'confidence' parameter of {func} must be a float in (0, 1). "
            f"Got {confidence!r} instead."
        )
    return float(confidence)


def as_list(by) -> list:
    """``None`` -> [], a name -> [name], a list/tuple -> list."""
    if by is None:
        return []
    if isinstance(by, (list, tuple)):
        return list(by)
    return [by]


def resolve_calendar(calendar, settings=None) -> WorkCalendar:
    """The calendar to use: ``calendar``, else the settings' country, else CN."""
    if calendar is not None:
        return get_calendar(calendar)
    country = getattr(settings, "country", None) or "CN"
    subdivision = getattr(settings, "subdivision", None)
    return get_calendar(None, country=country, subdivision=subdivision)


def _dt_array(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT", "ns"))
    return to_datetime64(frame[col])


def state_at(activities: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """Start/end of every row *as known at* ``as_of``.

    Returns a frame (same index) with ``start``, ``end`` (NaT when open),
    ``end_eff`` (``end``, or ``as_of`` for open work), ``started`` and
    ``is_open``. Rules: a row is open when ``end`` is NaT or later than
    ``as_of`` (work that finished after ``as_of`` was still open then); a row
    has not started when ``start`` is NaT or later than ``as_of`` and then has
    no duration (``end_eff`` NaT). With ``as_of=None`` the table is taken as is
    (open rows have ``end_eff`` NaT).
    """
    return reuse(
        "state_at", (activities,), (as_of,), lambda: _state_at(activities, as_of)
    )


def _state_at(activities: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.DataFrame:
    # NumPy on datetime64[ns] (NaT compares False, as pandas' NaT does)
    start = _dt_array(activities, "start")
    end = _dt_array(activities, "end")
    if as_of is not None:
        cut = np.datetime64(pd.Timestamp(as_of).as_unit("ns").asm8, "ns")
        end = np.where(end > cut, np.datetime64("NaT", "ns"), end)
        started = ~np.isnat(start) & (start <= cut)
    else:
        started = ~np.isnat(start)
    is_open = np.isnat(end)
    end_eff = np.where(is_open, cut, end) if as_of is not None else end.copy()
    end_eff[~started] = np.datetime64("NaT", "ns")
    return pd.DataFrame(
        {
            "start": start,
            "end": end,
            "end_eff": end_eff,
            "started": started,
            "is_open": is_open,
        },
        index=activities.index,
    )


def group_codes(data: pd.DataFrame, by: list):
    """Group code per row (sorted keys, missing labels kept) and the key frame."""
    if not by:
        return np.zeros(len(data), dtype=np.int64), pd.DataFrame(index=[0])
    if len(by) == 1 and (
        data[by[0]].dtype == object or isinstance(data[by[0]].dtype, pd.StringDtype)
    ):
        # one text column: a sorted factorisation gives the groupby's codes
        # (missing labels last) at a fraction of the cost
        col = data[by[0]]
        try:
            codes, uniques = factorize(col, missing_group=True)
        except TypeError:  # mixed types: let groupby decide
            pass
        else:
            keys = pd.DataFrame({by[0]: np.asarray(uniques, dtype=object)})
            return codes.astype(np.int64), keys
    g = data.groupby(by, dropna=False, sort=True, observed=True)
    codes = g.ngroup().to_numpy()
    keys = g.size().reset_index()[by]
    return codes, keys


def summarise(
    frame: pd.DataFrame,
    value: str,
    *,
    by: list | None = None,
    confidence: float = 0.95,
    prefix: str = "",
) -> pd.DataFrame:
    """n, mean, median, p85, p95 and the order-statistic CI of the median.

    One row per group of ``by`` (missing labels form their own group); NaN
    values of ``value`` are ignored (``n`` counts the non-NaN ones). The CI is
    :func:`diagnose.stats.quantile_interval` (NaN below 6 values at 95 %).
    Quantiles use NumPy's default (linear) interpolation. Vectorised over
    groups: the values are ordered by (group, value) once (a counting sort of
    the group codes then an in-place sort of each group's slice, or one
    lexsort beyond 4096 groups); the statistics are read off the sorted array
    with a cached rank lookup per distinct group size.
    """
    by = by or []
    cols = by + [prefix + c for c in SUMMARY_COLUMNS]
    data = frame[by + [value]].dropna(subset=[value])
    if data.empty:
        if by:
            return pd.DataFrame(columns=cols)
        return pd.DataFrame([[0] + [np.nan] * 6], columns=cols)
    codes, keys = group_codes(data, by)
    x = data[value].to_numpy(dtype=float)
    stats_ = _summary_stats(x, codes, len(keys), confidence, prefix)
    out = pd.concat([keys.reset_index(drop=True), stats_], axis=1) if by else stats_
    return out[cols]


def summarise_codes(
    x: np.ndarray,
    codes: np.ndarray,
    keys: pd.DataFrame,
    *,
    confidence: float = 0.95,
    prefix: str = "",
) -> pd.DataFrame:
    """:func:`summarise` for values already coded by group: ``codes`` index
    the rows of ``keys``. NaN values are ignored; groups without values get
    no row (as in :func:`summarise`). Rows follow the order of ``keys``."""
    stats_ = summary_by_code(x, codes, len(keys), confidence=confidence)
    seen = stats_["n"] > 0
    if not seen.any():
        return pd.DataFrame(
            columns=list(keys.columns) + [prefix + c for c in SUMMARY_COLUMNS]
        )
    out = frame_by_code(keys, {prefix + c: stats_[c] for c in SUMMARY_COLUMNS})
    return out.loc[seen].reset_index(drop=True)


def summary_by_code(
    x: np.ndarray,
    codes: np.ndarray,
    n_codes: int,
    *,
    confidence: float = 0.95,
    presorted: bool = False,
) -> dict[str, np.ndarray]:
    """The statistics of :func:`summarise` as arrays indexed by code
    ``0..n_codes-1`` (``n`` 0 and NaN statistics for codes without values),
    for metrics that assemble one table from several per-code summaries
    without merging on labels. ``presorted``: ``x`` is already ordered by
    (code, value), as :func:`summary_and_km_by_code` passes it."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    x, codes = x[ok], np.asarray(codes)[ok]
    out = {"n": np.zeros(n_codes, dtype=np.int64)}
    out.update({c: np.full(n_codes, np.nan) for c in SUMMARY_COLUMNS[1:]})
    if x.size:
        present, codes = _present_codes(codes, n_codes)
        stats_ = _summary_stats(
            x, codes, len(present), confidence, "", presorted=presorted
        )
        for c in SUMMARY_COLUMNS:
            out[c][present] = stats_[c].to_numpy()
    return out


def _present_codes(codes: np.ndarray, n_keys: int):
    """``np.unique(codes, return_inverse=True)`` for codes in ``0..n_keys-1``,
    in linear time (a bincount instead of a sort)."""
    codes = np.asarray(codes, dtype=np.int64)
    if codes.size == 0 or codes.min() < 0 or codes.max() >= n_keys:
        present, inverse = np.unique(codes, return_inverse=True)
        return present, inverse.reshape(-1)
    present = np.flatnonzero(np.bincount(codes, minlength=n_keys))
    remap = np.empty(n_keys, dtype=np.int64)
    remap[present] = np.arange(present.size)
    return present, remap[codes]


def _summary_stats(
    x, codes, n_groups, confidence, prefix, *, presorted=False
) -> pd.DataFrame:
    """The statistics of :func:`summarise` for codes ``0..n_groups-1`` (every
    group has at least one non-NaN value)."""
    if not presorted:
        x, codes = _sort_within_groups(x, codes, n_groups)
    n = np.bincount(codes, minlength=n_groups)
    off = np.concatenate([[0], np.cumsum(n)[:-1]])
    sums = np.bincount(codes, weights=x, minlength=n_groups)

    def quant(q):
        pos = (n - 1) * q
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, n - 1)
        return x[off + lo] + (pos - lo) * (x[off + hi] - x[off + lo])

    # order-statistic CI of the median: ranks from one vectorised binomial
    # call over the distinct group sizes
    sizes, size_of = np.unique(n, return_inverse=True)
    r, s_ = (
        a[size_of]
        for a in stats.quantile_interval_ranks(sizes, 0.5, confidence=confidence)
    )
    low = np.full(n_groups, np.nan)
    high = np.full(n_groups, np.nan)
    ok = r >= 1
    low[ok] = x[off[ok] + r[ok] - 1]
    ok = s_ <= n
    high[ok] = x[off[ok] + s_[ok] - 1]
    stats_ = pd.DataFrame(
        {
            prefix + "n": n,
            prefix + "mean": sums / n,
            prefix + "median": quant(0.5),
            prefix + "p85": quant(0.85),
            prefix + "p95": quant(0.95),
            prefix + "ci_low": low,
            prefix + "ci_high": high,
        }
    )
    return stats_


def _sort_within_groups(x: np.ndarray, codes: np.ndarray, n_groups: int):
    """``x`` and ``codes`` ordered by (code, x), as ``np.lexsort((x, codes))``.

    Few groups (the usual case: stages, teams): a counting sort of the codes
    then an in-place sort of each group's slice, several times faster than a
    lexsort on a million rows. Many groups: the lexsort.
    """
    if n_groups > 4096 or x.size < 2:
        order = np.lexsort((x, codes))
        return x[order], codes[order]
    order, bounds = _by_code(codes, n_groups)
    xs, cs = x[order], codes[order]
    for a, b in zip(bounds[:-1], bounds[1:]):
        xs[a:b].sort()
    return xs, cs


def _by_code(codes: np.ndarray, n_groups: int):
    """Stable order by code (a radix sort: at most 4096 codes) and the bounds
    of each code's slice in that order."""
    order = np.argsort(codes.astype(np.uint16), kind="stable")
    return order, np.searchsorted(codes[order], np.arange(n_groups + 1))


def summary_and_km_by_code(
    x, observed, codes, n_codes: int, *, confidence: float = 0.95
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`summary_by_code` of the observed values of ``x`` and
    :func:`km_median_by_code` of all of them, from one sort by (code, value)
    instead of two (durations with their open rows, waits with the running
    ones). NaN values are ignored by both."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    x = x[ok]
    e = np.asarray(observed, dtype=bool)[ok]
    c = np.asarray(codes, dtype=np.int64)[ok]
    order = _order_within_groups(x, c, n_codes)
    x, e, c = x[order], e[order], c[order]
    km = _km_median_grouped(x, e, c, n_codes, confidence, presorted=True)
    done = summary_by_code(x[e], c[e], n_codes, confidence=confidence, presorted=True)
    return done, km


def _order_within_groups(x: np.ndarray, codes: np.ndarray, n_groups: int):
    """The permutation of :func:`_sort_within_groups`: ``np.lexsort((x,
    codes))``, by a counting sort of the codes and a sort of each group's
    slice when there are few groups."""
    if n_groups > 4096 or x.size < 2:
        return np.lexsort((x, codes))
    order, bounds = _by_code(codes, n_groups)
    xs = x[order]
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b - a > 1:
            order[a:b] = order[a:b][np.argsort(xs[a:b])]
    return order


def km_median_by_code(
    x, observed, codes, n_codes: int, *, confidence: float = 0.95
) -> np.ndarray:
    """Kaplan–Meier median and CI per code ``0..n_codes-1`` as an
    ``(n_codes, 3)`` array (NaN rows for codes without values); NaN values
    are ignored (see :func:`_km_median_grouped`)."""
    x = np.asarray(x, dtype=float)
    ok = ~np.isnan(x)
    return _km_median_grouped(
        x[ok],
        np.asarray(observed, dtype=bool)[ok],
        np.asarray(codes)[ok],
        n_codes,
        confidence,
    )


def _km_median_grouped(
    x, e, codes, n_groups: int, confidence: float, *, presorted: bool = False
) -> np.ndarray:
    """Kaplan–Meier median and its CI for every group in one pass.

    The arithmetic of :func:`diagnose.stats.kaplan_meier` (scipy's ``ecdf``
    and its ``"log-log"`` band) followed by :meth:`KaplanMeier.quantile`,
    for all groups at once instead of one scipy call per group: at each
    distinct time of a group, ``n`` at risk and ``d`` events;
    ``S = cumprod((n - d) / n)``; Greenwood's ``cumsum(d / (n (n - d)))``
    on the log-log scale; the median is the first time with ``S <= 0.5``,
    its bounds the first times at which the band's bounds reach 0.5
    (Brookmeyer & Crowley). The tests check it against
    :func:`diagnose.stats.kaplan_meier` group by group, bit for bit. Why not
    scipy per group: each call sorts its sample again and costs about a
    millisecond, which dominated tables with many groups (owners, teams by
    month) and a million rows (0.27 of stage_summary's 0.35 s).

    Returns an ``(n_groups, 3)`` array: median, CI low, CI high (NaN where
    not estimable, e.g. a group without events).
    """
    out = np.full((n_groups, 3), np.nan)
    x = np.asarray(x, dtype=float)
    e = np.asarray(e, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    if x.size == 0:
        return out
    if not presorted:  # ``presorted``: already ordered by (code, x)
        order = np.argsort(x)  # ties: any order (runs sum them)
        key = codes[order].astype(np.uint16) if n_groups <= 65535 else codes[order]
        order = order[np.argsort(key, kind="stable")]  # by group, then time
        x, e, codes = x[order], e[order], codes[order]
    bounds = np.searchsorted(codes, np.arange(n_groups + 1))
    # one run per distinct (group, time)
    first = np.empty(x.size, dtype=bool)
    first[0] = True
    np.logical_or(codes[1:] != codes[:-1], x[1:] != x[:-1], out=first[1:])
    start = np.flatnonzero(first)
    run_group = codes[start]
    n = (bounds[run_group + 1] - start).astype(float)  # at risk
    d = np.add.reduceat(e.astype(np.int64), start).astype(float)  # events
    run_bounds = np.searchsorted(run_group, np.arange(n_groups + 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        sf = _grouped_cumulative(np.cumprod, (n - d) / n, run_group, run_bounds)
        greenwood = _grouped_cumulative(
            np.cumsum, d / (n * (n - d)), run_group, run_bounds
        )
        z_se = special.ndtri(0.5 + confidence / 2) * np.sqrt(
            1 / np.log(sf) ** 2 * greenwood
        )
        lnl = np.log(-np.log(sf))
        low = np.exp(-np.exp(lnl + z_se))
        high = np.exp(-np.exp(lnl - z_se))
    # where the band is undefined: 1 before the first event (S = 1), NaN
    # (not estimable) after the last one (S = 0), as stats.kaplan_meier
    before_first = sf >= 1 - 1e-12
    low = np.where(np.isnan(low) & before_first, 1.0, low)
    high = np.where(np.isnan(high) & before_first, 1.0, high)
    # first distinct time at which each curve reaches 0.5, per group; the
    # runs of the groups that have any are contiguous, so reduceat over their
    # starts sees exactly one group each (a group without events keeps S = 1)
    t = x[start]
    present = np.flatnonzero(np.diff(run_bounds) > 0)
    big = np.iinfo(np.int64).max
    idx = np.arange(start.size)
    for j, s in enumerate((sf, low, high)):
        hit = np.where(s <= 0.5 + 1e-12, idx, big)
        firsts = np.minimum.reduceat(hit, run_bounds[present])
        found = firsts != big
        out[present[found], j] = t[firsts[found]]
    # KaplanMeier.quantile: an upper bound never reached by the band is the
    # time S reaches 0 when the events are enough (0.5**events <= alpha/2)
    events = np.add.reduceat(d, run_bounds[present])
    hit = np.where(sf <= 1e-12, idx, big)
    zero = np.minimum.reduceat(hit, run_bounds[present])
    fill = (
        np.isnan(out[present, 2])
        & (zero != big)
        & (0.5**events <= (1 - confidence) / 2)
    )
    out[present[fill], 2] = t[zero[fill]]
    return out


def _grouped_cumulative(func, values, run_group, run_bounds):
    """``func`` (``np.cumprod`` or ``np.cumsum``) restarted at every group.

    Few groups: the numpy function per group slice, in scipy's order of
    operations. Many groups: pandas' grouped cumulative (one pass).
    """
    if np.count_nonzero(np.diff(run_bounds)) <= 1024:
        out = np.empty_like(values)
        for a, b in zip(run_bounds[:-1], run_bounds[1:]):
            if b > a:
                out[a:b] = func(values[a:b])
        return out
    grouped = pd.Series(values).groupby(run_group, sort=False)
    return (grouped.cumprod() if func is np.cumprod else grouped.cumsum()).to_numpy()


def frame_by_code(keys: pd.DataFrame, columns: dict) -> pd.DataFrame:
    """One row per group code: the key columns of :func:`group_codes` (none
    when it grouped by nothing) beside per-code arrays ``columns``."""
    values = pd.DataFrame(columns)
    if keys.columns.empty:
        return values
    return pd.concat([keys.reset_index(drop=True), values], axis=1)
