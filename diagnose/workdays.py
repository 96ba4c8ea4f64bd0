"""Working-day arithmetic with public holidays and make-up working days (调休).

A :class:`WorkCalendar` keeps one boolean per calendar day ("is this a working
day?") over the range of dates it has seen, and the cumulative count of
working days. Every question is then answered with array look-ups
(``searchsorted`` / integer day offsets), so a million timestamps take a few
tens of milliseconds; nothing loops over rows in Python.

Working-day rule
----------------
A day is a working day when it is not a weekend day and not a public holiday,
or when it is a make-up working day (调休, e.g. Sunday 2024-09-29 and Saturday
2024-10-12 in China). Holidays come from :func:`holidays.country_holidays`.

**Elapsed working time** between two timestamps is measured in days: each
working day contributes the fraction of its 24 hours that lies between the two
timestamps, each non-working day contributes 0. Formally, with the working-time
clock ``W(t) = (working days before the date of t) + frac(t) * is_working(t)``,
where ``frac(t)`` is the time of day as a fraction of 24 h,
``working_days_between(s, e) = W(e) - W(s)``. Consequences:

* Date-only values are midnights, so the end date is *exclusive*: Monday
  2024-10-14 to Wednesday 2024-10-16 is 2.0 working days; a task that starts and
  ends on the same date lasts 0.
* Monday 09:00 to Monday 21:00 is 0.5; Friday 12:00 to Monday 12:00 is 1.0.
* ``end < start`` gives a negative number; NaT on either side gives NaN.
* Hours are wall-clock hours, not office hours (no 9:00–18:00 window).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

__all__ = ["WorkCalendar", "working_days", "get_calendar", "to_datetime64"]

_NS_PER_DAY = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min


def to_datetime64(values) -> np.ndarray:
    """Any date-like input as a tz-naive ``datetime64[ns]`` NumPy array.

    Accepts scalars, lists, Series/Index of any datetime resolution (pandas 3
    infers ``us``/``s``); tz-aware values keep their wall-clock time.
    """
    if isinstance(values, (pd.Series, pd.Index)):
        s = values
    elif np.ndim(values) == 0:
        s = pd.Series([values])
    else:
        s = pd.Series(
            np.asarray(values, dtype=object)
            if not isinstance(values, np.ndarray)
            else values
        )
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s)
    if getattr(s.dtype, "tz", None) is not None:
        s = s.dt.tz_localize(None) if isinstance(s, pd.Series) else s.tz_localize(None)
    return np.asarray(s, dtype="datetime64[ns]")


class WorkCalendar:
    """Working days of one country: weekends and public holidays off, 调休 on.

    Parameters
    ----------
    country : str, default="CN"
        A python-holidays country code.
    subdivision : str or None, default=None
        Region of ``country`` (python-holidays ``subdiv``).
    years : iterable of int or None, default=None
        Years to prepare up front; the calendar grows by itself when it meets
        dates outside the prepared range.

    Notes
    -----
    See the module docstring for the fractional working-time rule. Years the
    holidays package does not know (e.g. far future) fall back to plain
    weekends.
    """

    def __init__(self, country: str = "CN", subdivision: str | None = None, years=None):
        import holidays

        self.country = country
        self.subdivision = subdivision
        try:
            holidays.country_holidays(country, subdiv=subdivision, years=[2000])
        except NotImplementedError as err:
            raise ValueError(
                f"The 'country' parameter of WorkCalendar must be a python-holidays "
                f"country code such as 'CN'. Got {country!r} instead."
            ) from err
        self._origin = None  # datetime64[D] of the first prepared day
        self._work = np.zeros(0, dtype=bool)
        self._cum = np.zeros(1, dtype=np.int64)  # _cum[i] = working days before day i
        if years is not None:
            years = sorted(int(y) for y in years)
            if years:
                self._ensure(
                    np.datetime64(f"{years[0]:04d}-01-01", "D"),
                    np.datetime64(f"{years[-1]:04d}-12-31", "D"),
                )

    def __repr__(self) -> str:
        span = "empty"
        if self._origin is not None:
            span = f"{self._origin} .. {self._origin + len(self._work) - 1}"
        return (
            f"WorkCalendar(country={self.country!r}, "
            f"subdivision={self.subdivision!r}; {span})"
        )

    # ------------------------------------------------------------------ build
    def _build(self, first: np.datetime64, last: np.datetime64) -> np.ndarray:
        import holidays

        days = np.arange(first, last + 1, dtype="datetime64[D]")
        years = list(range(int(str(first)[:4]), int(str(last)[:4]) + 1))
        cal = holidays.country_holidays(
            self.country, subdiv=self.subdivision, years=years
        )
        weekend = set(getattr(cal, "weekend", {5, 6}))
        # 1970-01-01 was a Thursday (weekday 3)
        weekday = (days.astype(np.int64) + 3) % 7
        work = ~np.isin(weekday, list(weekend))
        off = np.array(
            [np.datetime64(d, "D") for d in cal.keys()], dtype="datetime64[D]"
        )
        work &= ~np.isin(days, off)
        extra = getattr(cal, "weekend_workdays", set()) or set()
        on = np.array([np.datetime64(d, "D") for d in extra], dtype="datetime64[D]")
        if on.size:
            work |= np.isin(days, on)
        return work

    def _ensure(self, first: np.datetime64, last: np.datetime64) -> None:
        """Make sure the day table covers ``first .. last`` (whole years)."""
        first = np.datetime64(str(first)[:4] + "-01-01", "D")
        last = np.datetime64(str(last)[:4] + "-12-31", "D")
        if self._origin is not None:
            end = self._origin + len(self._work) - 1
            if first >= self._origin and last <= end:
                return
            first = min(first, self._origin)
            last = max(last, end)
        self._work = self._build(first, last)
        self._origin = first
        self._cum = np.concatenate([[0], np.cumsum(self._work, dtype=np.int64)])

    def _prepare(self, ns: np.ndarray, nat: np.ndarray | None = None) -> None:
        if nat is None:
            nat = ns == _NAT
        if nat.all():
            return
        big = np.iinfo(np.int64).max
        if nat.any():  # min and max of the dates, without copying them out
            lo, hi = ns.min(where=~nat, initial=big), ns.max(where=~nat, initial=_NAT)
        else:
            lo, hi = ns.min(), ns.max()
        day = np.timedelta64(1, "D")
        self._ensure(
            np.datetime64(int(lo), "ns").astype("datetime64[D]") - day,
            np.datetime64(int(hi), "ns").astype("datetime64[D]") + day,
        )

    def working_ns(self, values) -> tuple[np.ndarray, np.ndarray]:
        """Working-time clock in integer nanoseconds, and the NaT mask.

        ``W(t) * 86_400e9`` as ``int64`` (0 where NaT): whole working days
        before the date of ``t`` times a day's nanoseconds, plus the time of
        day when the date is a working day. Differences of it are exact
        integers, so an interval's working time does not depend on the
        calendar's origin or on what it was used for before (a float clock
        would round differently as the table grows, flipping values that sit
        exactly on a limit such as "24 working hours").
        """
        return self.working_ns_many(values)[0]

    def working_ns_many(self, *values) -> list[tuple[np.ndarray, np.ndarray]]:
        """:meth:`working_ns` of several arrays on one common origin (the day
        table is grown for all of them first; clocks read before and after a
        growth would not be comparable)."""
        arrays = [to_datetime64(v).view(np.int64) for v in values]
        nats = [ns == _NAT for ns in arrays]
        for ns, nat in zip(arrays, nats):
            self._prepare(ns, nat)
        if self._origin is None:  # no date seen yet, none now: all NaT
            return [
                (np.zeros(ns.shape, dtype=np.int64), nat)
                for ns, nat in zip(arrays, nats)
            ]
        origin_ns = self._origin.astype("datetime64[ns]").astype(np.int64)
        cum_ns = self._cum * _NS_PER_DAY
        out = []
        # few temporaries, changed in place: on a million rows each pass
        # costs less than allocating a fresh array for it
        for ns, nat in zip(arrays, nats):
            has_nat = bool(nat.any())
            rel = np.subtract(ns, origin_ns)
            if has_nat:
                np.copyto(rel, 0, where=nat)
            day = rel // _NS_PER_DAY
            rel -= day * _NS_PER_DAY  # time of day
            rel *= self._work[day]  # counts on working days only
            w = cum_ns[day]
            w += rel
            if has_nat:
                np.copyto(w, 0, where=nat)
            out.append((w, nat))
        return out

    def working_time(self, values) -> np.ndarray:
        """Working-time clock ``W(t)``: working days elapsed since the calendar's
        origin (NaN for NaT). Only differences of it are meaningful; use it to
        compute many intervals on one time axis (e.g. unions of intervals).
        For exact differences use :meth:`working_ns`."""
        w, nat = self.working_ns(values)
        return np.where(nat, np.nan, w / _NS_PER_DAY)

    # ----------------------------------------------------------------- public
    def is_working_day(self, dates) -> np.ndarray:
        """Whether each date is a working day (vectorised; NaT gives False)."""
        ns = to_datetime64(dates).astype(np.int64)
        self._prepare(ns)
        nat = ns == _NAT
        if self._origin is None:  # no date seen yet, none now: all NaT
            return np.zeros(ns.shape, dtype=bool)
        origin_ns = self._origin.astype("datetime64[ns]").astype(np.int64)
        day = np.where(nat, 0, (ns - origin_ns) // _NS_PER_DAY)
        return np.where(nat, False, self._work[day])

    def working_days_between(self, start, end) -> np.ndarray:
        """Elapsed working time from ``start`` to ``end``, in (fractional) days.

        ``W(end) - W(start)`` with the clock of the module docstring: whole
        working days in between plus the covered fractions of partial working
        days; non-working days contribute 0. NaT gives NaN; ``end < start``
        gives a negative value. Arrays/Series broadcast like NumPy. The
        difference is taken in integer nanoseconds and divided once, so equal
        times of day on working days give exact whole numbers.
        """
        (ws, nat_s), (we, nat_e) = self.working_ns_many(start, end)
        out = np.subtract(we, ws) / _NS_PER_DAY
        nat = nat_e | nat_s
        if nat.any():
            out = np.where(nat, np.nan, out)  # broadcasts, like the inputs
        return out

    def add_working_days(self, start, n) -> pd.Series:
        """The earliest instant ``t`` with ``working_days_between(start, t) == n``.

        ``n`` may be fractional or negative (broadcast against ``start``).
        Consequences of "earliest instant": a midnight start on Wednesday plus
        3 working days is Saturday 00:00 (= the end of Friday), not Monday;
        ``n == 0`` returns ``start`` itself. NaT or NaN give NaT.
        """
        index = start.index if isinstance(start, pd.Series) else None
        start_ns = to_datetime64(start).astype(np.int64)
        n_arr = np.asarray(n, dtype=float)
        self._prepare(start_ns)
        if self._origin is not None and n_arr.size:
            # make sure the table reaches every target (grow by whole years)
            need = np.nanmax(np.abs(n_arr)) if not np.isnan(n_arr).all() else 0.0
            extra = int(np.ceil(need * 7 / 5 * 1.2 + 30)) if np.isfinite(need) else 0
            self._ensure(
                self._origin - extra, self._origin + len(self._work) - 1 + extra
            )
        if self._origin is None:  # every start is NaT
            out = np.full(np.broadcast(start_ns, n_arr).shape, _NAT)
            return pd.Series(out.astype("datetime64[ns]"), index=index)
        # integer nanoseconds throughout, so the result does not depend on the
        # calendar's origin (a float clock rounds differently as it grows)
        ((w0, nat),) = self.working_ns_many(start_ns)
        bad_n = ~np.isfinite(n_arr)
        n_ns = np.round(np.where(bad_n, 0.0, n_arr) * _NS_PER_DAY).astype(np.int64)
        w0, n_ns = np.broadcast_arrays(w0, n_ns)
        ok = ~np.broadcast_to(nat, w0.shape) & ~np.broadcast_to(bad_n, w0.shape)
        target = np.where(ok, w0 + n_ns, 0)
        cum_ns = self._cum * _NS_PER_DAY
        k = np.searchsorted(cum_ns, target, side="left")  # first day with cum >= t
        k = np.clip(k, 1, len(cum_ns) - 1)
        day = k - 1
        origin_ns = self._origin.astype("datetime64[ns]").astype(np.int64)
        ns = origin_ns + day * _NS_PER_DAY + (target - cum_ns[day])
        start_b = np.broadcast_to(start_ns, ns.shape)
        ns = np.where(np.broadcast_to(n_arr, ns.shape) == 0, start_b, ns)
        ns = np.where(ok, ns, _NAT)
        return pd.Series(ns.astype("datetime64[ns]"), index=index)


@functools.lru_cache(maxsize=16)
def _cached_calendar(country: str, subdivision: str | None) -> WorkCalendar:
    return WorkCalendar(country, subdivision)


def working_days(
    start, end, *, country: str = "CN", calendar: WorkCalendar | None = None
):
    """Elapsed working days from ``start`` to ``end`` (see :class:`WorkCalendar`).

    Uses ``calendar`` when given, else a cached calendar for ``country``.
    """
    cal = calendar if calendar is not None else _cached_calendar(country, None)
    return cal.working_days_between(start, end)


def get_calendar(calendar=None, *, country: str = "CN", subdivision: str | None = None):
    """``calendar`` itself, or the cached :class:`WorkCalendar` for ``country``."""
    if calendar is None:
        return _cached_calendar(country, subdivision)
    if not isinstance(calendar, WorkCalendar):
        raise ValueError(
            "The 'calendar' parameter must be a WorkCalendar or None. "
            f"Got {type(calendar).__name__} instead."
        )
    return calendar
