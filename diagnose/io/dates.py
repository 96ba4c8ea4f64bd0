"""Parse the dates users write, vectorised over a whole column.

Accepted forms (see :func:`parse_dates`): ISO dates and times (``2023-07-01``,
``2023-07-01 10:15``, ``2023-07-01T10:15:00Z``, offsets such as ``+01:00``),
dotted and slashed dates (``2023.07.01``, ``2023/7/1``,
``2014/10/22 11:15:41.000``), Chinese dates (``2023年7月15日``), month-day
without a year (``7月15日``: the year comes from ``year=``), Excel serial
numbers (20000..80000, origin 1899-12-30), ``datetime`` objects from XLSX
cells, and English month names (``01/Jul/23 10:15 AM`` as in Jira exports).
Times may be written the Chinese way (``2024年06月01日14时30分``, ``3点``),
with a half of the day (``下午3:00``, ``上午9:30``, ``8:00 PM``; ``12:00 AM`` and
``凌晨12点`` are the midnight that starts the day, ``晚上12点`` and ``24:00`` the
one that ends it, read as the next day 00:00), and ``号`` may stand for
``日``. A zone abbreviation after a time (``08:00 CST``) is ambiguous: it is
ignored, the wall time kept and a DataQualityWarning given once per column
(``GMT``/``UTC`` mean UTC).
Ranges in one cell (``2023.07.01-07.07``) are split by
:func:`parse_date_range`.

Every function works on the *unique* values of a column and maps the result
back, so a million-row log with repeated timestamps parses in seconds; plain
ISO values (``2023-07-01 10:15``) go through Arrow's C++ parser when every
distinct value has that form. The parser also tells which values were written
without a time of day (the loaders read a date-only end or due as the end of
that day). Time
zones: values with an offset or ``Z`` are converted to ``tz`` and made naive;
values without an offset are taken as written (local wall time). With no
``tz``, a column whose offsets all agree, or that mixes offset and naive
values, keeps each value's local wall time; different offsets alone go to
UTC (see :func:`parse_dates`). All results are tz-naive ``datetime64[ns]``.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings

import numpy as np
import pandas as pd

from diagnose.exceptions import DataError, DataQualityWarning, user_stacklevel

__all__ = [
    "parse_dates",
    "parse_date_range",
    "infer_year",
    "resolve_years",
    "explain_bad_dates",
    "is_blank",
    "is_time_zone",
    "DATE_FIX",
    "MissingYearError",
]


def is_time_zone(name) -> bool:
    """True when ``name`` is an IANA time zone name :mod:`zoneinfo` knows
    (``"Asia/Shanghai"``, ``"UTC"``): the one check behind the loaders' ``tz=``,
    ``diagnose scan --tz`` and a config's ``data.tz``."""
    import zoneinfo

    if not isinstance(name, str) or not name.strip():
        return False
    try:
        zoneinfo.ZoneInfo(name.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


#: The fix suggested for an unparseable date.
DATE_FIX = "use YYYY-MM-DD (optionally with HH:MM)"

_BLANK_WORDS = {"", "nan", "nat", "none", "null", "-", "--", "—", "n/a", "#n/a"}

# full date with optional time and zone: 2023-07-01, 2023/7/1 10:15, 2023年7月1日
_FULL = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:[T\s]+(?P<t>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*"
    r"(?P<z>Z|UTC|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
# day-month-year or month-day-year with a 4-digit year at the end: 01/07/2023
_DMY = re.compile(
    r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4})"
    r"(?:[T\s]+(?P<t>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$"
)
# month-day without a year: 7月15日, 7月15日 10:00
_MD = re.compile(
    r"^(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?P<t>\d{1,2}:\d{2}(?::\d{2})?))?$"
)
# offsets: Z, UTC, +02:00, +0200, and +02 / +00 after a time (PostgreSQL)
_TZ_SUFFIX = re.compile(
    r"(?:Z|UTC|[+-]\d{2}:?\d{2}|:\d{2}(?:\.\d+)?[+-]\d{2})$", re.IGNORECASE
)
# times written the Chinese way (14时30分, 3点) or with a half of the day
# (下午3:00, 8:00 PM), and a zone abbreviation after a time (08:00 CST)
_TIME_WORDS = (
    r"[时點点]|上午|下午|早上|晚上|中午|凌晨|\d\s*[AaPp]\.?[Mm]\.?$|\d\s+[A-Z]{2,5}$"
)
_CN_TIME = re.compile(
    r"(?<![\d:])(\d{1,2})\s*[时點点]\s*(?:(\d{1,2})\s*分)?(?:\s*(\d{1,2})\s*秒)?"
)
_HALF_DAY = re.compile(
    r"(上午|早上|凌晨|中午|下午|晚上)?\s*(\d{1,2}):(\d{2})(:\d{2}(?:\.\d+)?)?"
    r"(?:\s*([AaPp])\.?\s*[Mm]\.?)?(?=$|\s)"
)
_ZONE_NAME = re.compile(r"(?<=\d)\s+(?!AM$|PM$)([A-Z]{2,5})$")
#: Zone abbreviations that name one offset (kept); any other is ambiguous.
_ZERO_ZONES = {"UTC", "GMT", "UT", "Z"}
_ISO_PREFIX = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:$|[T\s])")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

# one part of a range: [year sep] [month sep] day [日]
_PART = r"(?:(?:\d{4}\s*[-/.年]\s*)?\d{1,2}\s*[-/.月]\s*)?\d{1,2}\s*[日号]?"
_RANGE = re.compile(rf"^(?P<a>{_PART})\s*(?:--|-|~|～|至|到|—|–|－)\s*(?P<b>{_PART})$")
_PART_FIELDS = re.compile(
    r"^(?:(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*)?(?P<d>\d{1,2})\s*[日号]?$"
)


class MissingYearError(DataError):
    """Dates written without a year (``7月15日``) and no year given."""


_BLANK_EXACT = sorted(
    _BLANK_WORDS
    | {w.upper() for w in _BLANK_WORDS}
    | {w.title() for w in _BLANK_WORDS}
    | {"NaN", "NaT", " "}
)


def _blank_uniques(uniq) -> np.ndarray:
    """Blank mask for an array of distinct values (vectorised)."""
    s = pd.Series(uniq, dtype=object)
    blank = s.isna().to_numpy() | s.isin(_BLANK_EXACT).to_numpy()
    is_str = ~blank
    if is_str.any():
        text = s[is_str]
        if pd.api.types.infer_dtype(text, skipna=True) != "string":
            text = text[text.map(lambda v: isinstance(v, str))]
        short = text[text.str.len() <= 6]
        if len(short):
            hit = short.str.strip().str.casefold().isin(_BLANK_WORDS)
            blank[hit[hit].index.to_numpy()] = True
    return blank


def is_blank(values) -> pd.Series:
    """True where a cell is empty: NaN/None/NaT or a blank string ("", "-", "nan")."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    kind = getattr(s.dtype, "kind", "O")
    if kind in "mMfiub":
        # datetimes, numbers, booleans: only missing values can be blank (no
        # need to box a million Timestamps to find that out)
        return pd.Series(s.isna().to_numpy(), index=s.index)
    codes, uniq = pd.factorize(s.astype(object), sort=False)
    blank_u = _blank_uniques(uniq)
    mask = (codes == -1) | np.append(blank_u, True)[codes]
    return pd.Series(mask, index=s.index)


_FULLWIDTH = str.maketrans(
    {**{chr(0xFF01 + i): chr(0x21 + i) for i in range(94)}, "\u3000": " "}
)


def _fast_match(
    text: pd.Series, pattern: str, *, ignore_case: bool = False
) -> pd.Series:
    """``text.str.contains(pattern)`` for plain strings, in C++ via pyarrow when
    available (RE2 syntax; a million values in well under a second)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.array(text.to_numpy(dtype=object), type=pa.string())
        hit = pc.match_substring_regex(arr, pattern, ignore_case=ignore_case)
        return (
            pd.Series(hit.to_numpy(zero_copy_only=False), index=text.index)
            .fillna(False)
            .astype(bool)
        )
    except (ImportError, TypeError, ValueError, NotImplementedError, OSError):
        flags = re.IGNORECASE if ignore_case else 0
        return text.str.contains(pattern, regex=True, flags=flags).fillna(False)


def _clean_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII, strip."""
    return text.translate(_FULLWIDTH).strip()


def _clean_series(text: pd.Series) -> pd.Series:
    """Vectorised :func:`_clean_text` (translation only where needed)."""
    text = text.str.strip()
    wide = text.str.contains(r"[\uff01-\uff5e\u3000]", regex=True)
    if wide.any():
        text = text.where(~wide, text[wide].str.translate(_FULLWIDTH).str.strip())
    return text


def infer_year(*columns: pd.Series) -> int | None:
    """The most common year among the full dates of ``columns`` (None if none).

    Used for dates written without a year (``7月15日``): they get the year the
    file itself mostly uses.
    """
    years: list[pd.Series] = []
    for col in columns:
        if col is None:
            continue
        s = pd.Series(col).dropna()
        if s.empty:
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            years.append(s.dt.year)
            continue
        as_text = _clean_series(s.astype(str))
        found = as_text.str.extract(r"^(\d{4})\s*[-/.年]", expand=False).dropna()
        years.append(found.astype(int))
        is_dt = s.map(lambda v: isinstance(v, (_dt.date, pd.Timestamp)))
        if is_dt.any():
            years.append(s[is_dt].map(lambda v: v.year).astype(int))
    if not years:
        return None
    allyears = pd.concat(years, ignore_index=True)
    allyears = allyears[(allyears >= 1900) & (allyears <= 2200)]
    if allyears.empty:
        return None
    return int(allyears.value_counts().sort_index(kind="stable").idxmax())


#: Columns whose full dates anchor a row, most trusted first.
_ANCHOR_ORDER = ("start", "end", "planned_start", "planned_end", "due")
#: Each end-like column and the column it is compared with, in order of trust.
_END_OF = {
    "end": ("start",),
    "due": ("start",),
    "planned_end": ("planned_start", "start"),
    "date_range_end": ("date_range",),
}
#: How the warning of :func:`resolve_years` names a column.
_SHOWN_AS = {"date_range_end": "date_range"}


def _yearless_cells(col) -> tuple[np.ndarray, pd.DataFrame] | None:
    """Row mask of the cells written without a year (``12月28日``), and
    their month, day and time fields (one row per cell of the mask); None when
    the column has none. Each distinct value is looked at once. ``col`` may
    be the column's factorisation ``(codes, uniques)`` (the loader has it)."""
    if isinstance(col, tuple):
        codes, uniq = np.asarray(col[0]), col[1]
    else:
        s = pd.Series(col)
        if getattr(s.dtype, "kind", "O") in "mMfiub":
            return None
        codes, uniq = pd.factorize(s.astype(object), sort=False)
    uniq = pd.Series(uniq, dtype=object)
    is_str = uniq.map(lambda v: isinstance(v, str))
    if not is_str.any():
        return None
    fields = _clean_series(uniq[is_str].astype(str)).str.extract(_MD)
    hit_u = np.zeros(len(uniq) + 1, dtype=bool)
    hit_u[fields.index[fields["m"].notna()]] = True
    mask = hit_u[codes]
    if not mask.any():
        return None
    rows = codes[mask]
    return mask, fields.reindex(range(len(uniq))).iloc[rows].reset_index(drop=True)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _next_leap(year: int) -> int:
    while not _is_leap(year):
        year += 1
    return year


def _feb29(fields: pd.DataFrame) -> np.ndarray:
    """Mask of the ``fields`` (columns m, d) that are 29 February."""
    m = pd.to_numeric(fields["m"], errors="coerce").to_numpy()
    d = pd.to_numeric(fields["d"], errors="coerce").to_numpy()
    return (m == 2) & (d == 29)


def _stamps(fields: pd.DataFrame, years, feb29: np.ndarray) -> np.ndarray:
    """Timestamps of ``fields`` in ``years``; a 29 February is the instant
    after 28 February (itself in a leap year, 1 March otherwise), so that a
    year can be chosen for it before asking whether the day exists."""
    days = fields["d"].where(~feb29, "28")
    out = _from_fields(years, fields["m"], days, fields["t"]).to_numpy()
    return np.where(feb29, out + np.timedelta64(1, "D"), out)


def _yearless_ranges(codes, uniques) -> dict[str, tuple[np.ndarray, pd.DataFrame]]:
    """The yearless cells of a ``起止时间`` column given as its factorisation:
    ``{"date_range": (mask, fields of the start), "date_range_end": (mask,
    fields of the end)}`` as :func:`_yearless_cells` gives them (an entry
    only when it has cells). A range (``12.28-01.03``, ``12月28日-1月3日``)
    counts when its start has no year (its end, when that has none either);
    a single ``12月28日`` is a start. Each distinct value is looked at once."""
    codes = np.asarray(codes)
    uniq = pd.Series(uniques, dtype=object)
    out: dict[str, tuple[np.ndarray, pd.DataFrame]] = {}
    is_str = uniq.map(lambda v: isinstance(v, str))
    if not is_str.any():
        return out
    text = _clean_series(uniq[is_str].astype(str))
    single = text.str.extract(_MD)
    rng = text[single["m"].isna()].str.extract(_RANGE)
    rng = rng[rng["a"].notna()]
    a = rng["a"].str.extract(_PART_FIELDS)
    b = rng["b"].str.extract(_PART_FIELDS)
    a_free = a["y"].isna() & a["m"].notna()
    starts = pd.concat(
        [single.loc[single["m"].notna(), ["m", "d", "t"]], a.loc[a_free, ["m", "d"]]]
    )
    b_free = a_free & b["y"].isna()
    ends = pd.DataFrame(
        {"m": b["m"].fillna(a["m"]), "d": b["d"], "t": np.nan}, index=b.index
    )[b_free]
    for key, fields in (("date_range", starts), ("date_range_end", ends)):
        if fields.empty:
            continue
        hit_u = np.zeros(len(uniq) + 1, dtype=bool)
        hit_u[fields.index] = True
        mask = hit_u[codes]
        if mask.any():
            rows = codes[mask]
            table = fields.reindex(range(len(uniq)))[["m", "d", "t"]]
            out[key] = (mask, table.iloc[rows].reset_index(drop=True))
    return out


def _nearest_in_year(fields: pd.DataFrame, years: np.ndarray, ref: np.ndarray):
    """For each cell, the timestamp (from ``fields``, see :func:`_stamps`)
    in ``years - 1``, ``years`` or ``years + 1`` nearest ``ref`` (NaT ref:
    ``years`` itself)."""
    feb29 = _feb29(fields)
    best = _stamps(fields, years, feb29)
    known = ~np.isnat(ref)
    if not known.any():
        return best
    gap = np.where(known & ~np.isnat(best), np.abs(best - ref), np.timedelta64("NaT"))
    for step in (-1, 1):
        other = _stamps(fields, years + step, feb29)
        dist = np.abs(other - ref)
        better = known & ~np.isnat(other) & (np.isnat(gap) | (dist < gap))
        best = np.where(better, other, best)
        gap = np.where(better, dist, gap)
    return best


def resolve_years(
    ts: dict[str, np.ndarray],
    cells: dict[str, pd.Series],
    *,
    year: int | None = None,
) -> dict[str, np.ndarray]:
    """Give each date written without a year (``12月28日``) its own year.

    The columns were parsed with one placeholder year (``year=`` or
    :func:`infer_year`); this moves each yearless date, row by row, to the
    year that puts it nearest its reference date:

    - an ``end`` or ``due`` refers to the same row's ``start`` (a
      ``planned_end`` to ``planned_start``, else ``start``), once that start
      has its year: ``12月28日`` -> ``1月3日`` ends in the next year, and an
      end more than about half a year before its start stays before it (and
      is then listed as ending before it starts, not stretched to a year);
    - any other date, or an end without a start, refers to the same row's
      first full date (start, end, planned start, planned end, due), else to
      the full date of the nearest row in file order (the row before on a
      tie): a table running from December into January gives its January
      rows the new year.

    With ``year`` given, every yearless date takes that year, except an end
    that would fall before its start only because of the new year (it moves
    to ``year + 1``). Cells that did not parse (NaT) are left alone; a
    ``2月29日`` (parsed in a leap placeholder year) whose year comes out as
    one without 29 February becomes NaT. A
    :class:`~diagnose.DataQualityWarning` says how many dates had no year
    and which years they were given.

    Parameters
    ----------
    ts : dict of str to numpy.ndarray
        Canonical column name (``start``, ``end``, ...) to its parsed
        ``datetime64[ns]`` values, one per row, before any date-only end is
        moved to the next day.
    cells : dict of str to pandas.Series or (codes, uniques)
        The same columns as written in the file (row-aligned with ``ts``), or
        their factorisation ``(codes, uniques)`` (codes -1 for a missing
        cell): then no column is rebuilt or factorized again. A column of
        ``ts`` left out of ``cells`` holds no yearless date (typed dates,
        ISO text) and is only a reference.
    year : int, optional
        The year the user gave, if any.

    Returns
    -------
    dict of str to numpy.ndarray
        ``ts`` with the yearless dates moved (new arrays for the changed
        columns; the others are the same objects).
    """
    return _resolve_years(ts, cells, year=year)[0]


def _resolve_years(ts, cells, *, year=None, yearless=None):
    """:func:`resolve_years`, also returning ``{column: (rows, years)}``
    of the 29 February dates whose year has no such day (now NaT): the row
    positions and the year each came out in. ``yearless``: columns whose
    yearless cells are already known (:func:`_yearless_ranges`); their
    ``cells`` only give the values the warning shows."""
    no_day: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    found = dict(yearless or {})
    for c, col in cells.items():
        if c in ts and c not in found:
            got = _yearless_cells(col)
            if got is not None:
                found[c] = got
    if not found:
        return ts, no_day
    out = dict(ts)
    n = len(next(iter(ts.values())))
    nat = np.datetime64("NaT", "ns")
    # row anchors: the first full date of the row, else the nearest row's
    order = [c for c in _ANCHOR_ORDER if c in ts] + [
        c for c in ts if c not in _ANCHOR_ORDER
    ]
    anchor = np.full(n, nat, dtype="datetime64[ns]")
    for c in order:
        full = np.asarray(ts[c], dtype="datetime64[ns]").copy()
        if c in found:
            full[found[c][0]] = nat
        anchor = np.where(np.isnat(anchor), full, anchor)
    have = np.flatnonzero(~np.isnat(anchor))
    if have.size and have.size < n:
        pos = np.arange(n)
        after = np.searchsorted(have, pos)
        prev = have[np.clip(after - 1, 0, have.size - 1)]
        nxt = have[np.clip(after, 0, have.size - 1)]
        use_prev = (after > 0) & ((after == have.size) | (pos - prev <= nxt - pos))
        near = np.where(use_prev, prev, nxt)
        anchor = np.where(np.isnat(anchor), anchor[near], anchor)

    given: list[tuple[str, np.ndarray, pd.Series]] = []
    ends = [c for c in order if c in found and c in _END_OF]
    for c in [c for c in order if c in found and c not in _END_OF] + ends:
        mask, fields = found[c]
        current = np.asarray(out[c], dtype="datetime64[ns]")
        parsed = ~np.isnat(current[mask])
        ref = anchor[mask]
        if c in _END_OF:
            for other in _END_OF[c]:
                if other in out:
                    own = np.asarray(out[other], dtype="datetime64[ns]")[mask]
                    ref = np.where(np.isnat(own), ref, own)
                    break
        shown = parsed.copy()
        feb29 = _feb29(fields)
        if year is not None:
            base = np.full(mask.sum(), year)
            new = _stamps(fields, base, feb29)
            shown[:] = False
            if c in _END_OF:
                later = _stamps(fields, base + 1, feb29)
                roll = ~np.isnat(ref) & ~np.isnat(later) & (new < ref)
                roll &= np.abs(later - ref) < np.abs(ref - new)
                new = np.where(roll, later, new)
                shown = parsed & roll
        else:
            base = np.where(
                np.isnat(ref),
                current[mask].astype("datetime64[Y]").astype(int) + 1970,
                ref.astype("datetime64[Y]").astype(int) + 1970,
            )
            new = _nearest_in_year(fields, base, ref)
        # a 29 February in a year without one: no such day
        missing = parsed & feb29 & ~np.isnat(new)
        if missing.any():
            years = new.astype("datetime64[Y]").astype(int) + 1970
            missing &= ~((years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0)))
        new = np.where(parsed & ~np.isnat(new), new, current[mask])
        if missing.any():
            new[missing] = np.datetime64("NaT")
            no_day[c] = (np.flatnonzero(mask)[missing], years[missing])
            shown &= ~missing
        col = current.copy()
        col[mask] = new
        out[c] = col
        if shown.any():
            got = cells[c]
            if isinstance(got, tuple):  # (codes, uniques): the shown cells only
                values = np.asarray(got[1], dtype=object)[
                    np.asarray(got[0])[mask][shown]
                ]
            else:
                values = pd.Series(got).to_numpy(dtype=object)[mask][shown]
            given.append((c, new[shown], pd.Series(values)))
    _warn_years(given, year)
    return out, no_day


def _warn_years(given, year: int | None) -> None:
    """The DataQualityWarning of :func:`resolve_years`."""
    if not given:
        return
    stamps = np.concatenate([g[1] for g in given])
    if stamps.size == 0:
        return
    years = pd.Series(stamps.astype("datetime64[Y]").astype(int) + 1970)
    counts = years.value_counts().sort_index()
    examples = pd.concat([g[2] for g in given]).drop_duplicates().head(3)
    shown = ", ".join(repr(str(v)) for v in examples)
    cols = ", ".join(dict.fromkeys(_SHOWN_AS.get(g[0], g[0]) for g in given))
    if year is not None:
        message = (
            f"{len(stamps)} end date(s) without a year ({cols}; e.g. {shown}) would "
            f"fall before their start in {year}, so they were read as "
            f"{year + 1}. Write full dates (YYYY-MM-DD) if that is wrong."
        )
    else:
        spread = ", ".join(f"{y} for {k}" for y, k in counts.items())
        example_year = int(counts.idxmax())
        message = (
            f"{len(stamps)} date(s) had no year ({cols}; e.g. {shown}). Each was "
            f"given the year that puts it nearest the same row's start or full "
            f"dates, else the nearest row's: {spread}. Pass year={example_year} "
            f"(for example; command line: --year {example_year}) to the loader "
            f"to choose the year yourself, or write "
            f"full dates (YYYY-MM-DD)."
        )
    warnings.warn(message, DataQualityWarning, stacklevel=user_stacklevel())


def _to_naive(ts: pd.Series, tz: str | None) -> pd.Series:
    """tz-aware -> converted to ``tz`` (default UTC) and made naive."""
    if getattr(ts.dt, "tz", None) is None:
        return ts.astype("datetime64[ns]", copy=False)
    return ts.dt.tz_convert(tz or "UTC").dt.tz_localize(None).astype("datetime64[ns]")


def _from_fields(y, m, d, t=None) -> pd.Series:
    """Timestamps from year/month/day (and 'HH:MM[:SS.fff]') Series; bad -> NaT."""
    frame = pd.DataFrame(
        {
            "year": pd.to_numeric(y, errors="coerce"),
            "month": pd.to_numeric(m, errors="coerce"),
            "day": pd.to_numeric(d, errors="coerce"),
        }
    )
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    ok = frame.notna().all(axis=1)
    ok &= frame["month"].between(1, 12) & frame["day"].between(1, 31)
    if ok.any():
        sub = frame[ok].astype(int)
        out[ok] = pd.to_datetime(sub, errors="coerce")
    if t is not None:
        t = pd.Series(t, index=frame.index)
        has_t = t.notna() & out.notna()
        if has_t.any():
            parts = t[has_t].str.split(":", expand=True)
            hours = pd.to_numeric(parts[0], errors="coerce")
            mins = pd.to_numeric(parts[1], errors="coerce")
            secs = (
                pd.to_numeric(parts[2], errors="coerce").fillna(0.0)
                if parts.shape[1] > 2
                else pd.Series(0.0, index=parts.index)
            )
            valid = hours.between(0, 23) & mins.between(0, 59) & secs.between(0, 60)
            valid |= (hours == 24) & (mins == 0) & (secs == 0)  # end of the day
            delta = pd.to_timedelta(hours * 3600 + mins * 60 + secs, unit="s")
            shifted = out[has_t] + delta
            shifted[~valid] = pd.NaT
            out[has_t] = shifted
    return out


def _parse_iso_arrow(arr) -> tuple[np.ndarray, np.ndarray] | None:
    """Plain ISO values (``2023-07-01``, ``2023-07-01 10:15[:SS[.fff]]``, no
    zone) parsed by Arrow's C++ parser: (datetime64[ns], date_only) arrays.
    ``arr``: Arrow strings (Array or ChunkedArray; nulls give NaT).

    None when pyarrow is missing or Arrow rejects any value (another form, a
    zone, spaces, an impossible date such as 2023-02-30): the general parser
    then decides value by value. Arrow's cast is strict: what it accepts, the
    general parser reads the same way (a rejected column fails fast)."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:
        ts = pc.cast(arr, pa.timestamp("ns"))
    except (pa.ArrowException, TypeError, ValueError, NotImplementedError):
        return None
    # a date alone is exactly YYYY-MM-DD; anything longer carries a time
    date_only = pc.fill_null(pc.less_equal(pc.utf8_length(arr), 10), False)
    return (
        ts.to_numpy(zero_copy_only=False).astype("datetime64[ns]", copy=False),
        date_only.to_numpy(zero_copy_only=False).astype(bool),
    )


def _midnight_cells(values: np.ndarray) -> np.ndarray:
    """Per cell: True where a (non-NaT) datetime64 value is at 00:00:00, the
    way a typed date cell comes back. Typed cells are judged one by one, like
    text cells and Excel serials."""
    i8 = np.asarray(values).astype("datetime64[ns]", copy=False).view("int64")
    return (i8 != np.iinfo("int64").min) & (i8 % 86_400_000_000_000 == 0)


def _day_first_column(f: pd.DataFrame) -> pd.Series:
    """Per value of a column's ``01/07/2023`` dates (fields ``a``, ``b``):
    True to read it day first, False month first, NA when it cannot be told.

    A first field above 12 proves the day comes first, a second field above
    12 that the month does. When only one of them occurs, the whole column
    follows it (a DataQualityWarning says so when that is day first); when
    both occur, each value that proves its order is read so and the others
    (both fields 12 or less) are left unread, with a warning to pass
    ``dayfirst=``. With neither, month first (the long-standing default)."""
    a = pd.to_numeric(f["a"], errors="coerce")
    b = pd.to_numeric(f["b"], errors="coerce")
    day_a, day_b = a > 12, b > 12
    if not day_a.any():
        return pd.Series(False, index=f.index, dtype=object)
    if not day_b.any():
        example = f.index[day_a][0]
        ambiguous = f.index[~day_a]
        if len(ambiguous):
            warnings.warn(
                f"dates such as {_dmy_text(f, example)!r} put the day first, so "
                f"the column's {len(ambiguous)} other dd/mm/yyyy date(s) were "
                f"read day first too ({_dmy_text(f, ambiguous[0])!r} = "
                f"{_dmy_words(f, ambiguous[0])}). Pass dayfirst=False if they "
                f"are month first (command line: --monthfirst).",
                DataQualityWarning,
                stacklevel=user_stacklevel(),
            )
        return pd.Series(True, index=f.index, dtype=object)
    first = pd.Series(pd.NA, index=f.index, dtype=object)
    first[day_a] = True
    first[day_b] = False
    unclear = first.isna()
    if unclear.any():
        warnings.warn(
            f"the column has dates with the day first "
            f"({_dmy_text(f, f.index[day_a][0])!r}) and with the month first "
            f"({_dmy_text(f, f.index[day_b][0])!r}); {int(unclear.sum())} "
            f"date(s) such as {_dmy_text(f, f.index[unclear][0])!r} could be "
            f"either and were not read. Pass dayfirst=True (day first) or "
            f"dayfirst=False (month first) (command line: --dayfirst or "
            f"--monthfirst), or write YYYY-MM-DD.",
            DataQualityWarning,
            stacklevel=user_stacklevel(),
        )
    return first


def _dmy_text(f: pd.DataFrame, i) -> str:
    return f"{f.at[i, 'a']}/{f.at[i, 'b']}/{f.at[i, 'y']}"


def _dmy_words(f: pd.DataFrame, i) -> str:
    day, month = int(f.at[i, "a"]), int(f.at[i, "b"])
    return f"{day} {_dt.date(2000, month, 1):%B} {f.at[i, 'y']}"


def _parse_unique(
    uniq: pd.Series,
    *,
    year: int | None,
    tz: str | None,
    dayfirst: bool | None,
    arrow=None,
    leap: bool = False,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse unique non-blank values (see :func:`_parse_unique_values`), then
    apply the wall-time rule of :func:`parse_dates` for ``tz=None``."""
    wall = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    out, needs_year, date_only = _parse_unique_values(
        uniq, year=year, tz=tz, dayfirst=dayfirst, arrow=arrow, wall=wall, leap=leap
    )
    if tz is None:
        _keep_wall_time(out, wall, uniq)
    return out, needs_year, date_only


def _keep_wall_time(out: pd.Series, wall: pd.Series, uniq: pd.Series) -> None:
    """With no ``tz`` given, values with an offset were converted to UTC in
    ``out``; ``wall`` holds their local wall time. Keep the wall time (in
    place) when the column's offsets all agree or when it also has values
    without an offset (warning once about the mix); a column of different
    offsets and no naive value stays in UTC."""
    aware = wall.notna() & out.notna()
    if not aware.any():
        return
    naive = out.notna() & wall.isna()
    offsets = (wall[aware] - out[aware]).unique()
    if not naive.any() and len(offsets) > 1:
        return
    out[aware] = wall[aware]
    if naive.any():
        warnings.warn(
            f"the column mixes times with an offset ({str(uniq[aware].iloc[0])!r})"
            f" and without one ({str(uniq[naive].iloc[0])!r}); the offset ones were "
            f"kept at their local time, as written, so both read as local "
            f"times. Pass tz='Asia/Shanghai' (for example) to convert the "
            f"offset ones to that zone instead.",
            DataQualityWarning,
            stacklevel=user_stacklevel(),
        )


_ZONE_TAIL = r"\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$"


def _cn_time(m: re.Match) -> str:
    """``14时30分`` -> `` 14:30`` (a space before: it may follow 日)."""
    h, mi, sec = m.group(1), m.group(2) or "00", m.group(3)
    return f" {int(h):02d}:{int(mi):02d}" + (f":{int(sec):02d}" if sec else "")


def _half_day(m: re.Match) -> str:
    """``下午3:00`` / ``3:00 PM`` -> `` 15:00``; ``12:00 AM`` (and
    ``凌晨12点``) -> `` 00:00``, the start of the day; ``晚上12点`` ->
    `` 24:00``, the midnight that ends the day (read as the next day 00:00 by
    :func:`_from_fields`): "7月1日晚上12点" is the night of July 1, not the
    night before. An hour that cannot go with its half of the day
    (``15:00 AM``) is left as written, so the value is not read."""
    cn, h, mi, sec, ap = m.groups()
    if cn is None and ap is None:
        return m.group(0)
    h = int(h)
    if h == 12 and cn == "晚上":
        exact = int(mi) == 0 and (sec is None or float(sec[1:]) == 0)
        return " 24:00" if exact else m.group(0)  # 晚上12:30: not a time
    pm = (
        (ap or "").lower() == "p" or cn in ("下午", "晚上") or (cn == "中午" and h < 11)
    )
    if h > 12:
        return (
            m.group(0)
            if (ap or cn in ("上午", "早上", "凌晨"))
            else (f" {h:02d}:{mi}{sec or ''}")
        )
    if pm and h < 12:
        h += 12
    elif not pm and h == 12 and cn != "中午":
        h = 0
    return f" {h:02d}:{mi}{sec or ''}"


def _normalise_times(rest: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rewrite the times of ``rest`` (distinct cleaned text values) as
    ``HH:MM``: ``14时30分``, ``下午3:00``, ``8:00 PM``. A zone abbreviation
    after a time is dropped (``UTC``/``GMT`` become ``UTC``); returns the
    rewritten values and the dropped abbreviations (NaN where none)."""
    zones = pd.Series(np.nan, index=rest.index, dtype=object)
    need = _fast_match(rest, _TIME_WORDS)
    if not need.any():
        return rest, zones
    sub = rest[need]
    sub = sub.str.replace(_CN_TIME, _cn_time, regex=True)
    sub = sub.str.replace(_HALF_DAY, _half_day, regex=True)
    name = sub.str.extract(_ZONE_NAME)[0]
    named = name.notna()
    if named.any():
        zero = name.isin(_ZERO_ZONES)
        sub = sub.where(~named, sub.str.replace(_ZONE_NAME, "", regex=True))
        sub = sub.where(~(named & zero), sub + "UTC")
        zones[name[named & ~zero].index] = name[named & ~zero]
    return rest.where(~need, sub), zones


def _warn_zone_names(zones: pd.Series, uniq: pd.Series) -> None:
    """Once per column: zone abbreviations were ignored (wall time kept)."""
    named = zones.dropna()
    if named.empty:
        return
    names = sorted(set(named))
    example = str(uniq[named.index[0]])
    warnings.warn(
        f"{len(named)} distinct time(s) such as {example!r} name their time zone "
        f"by an abbreviation ({', '.join(names)}); abbreviations are ambiguous "
        f"(CST, for one, is China, US Central or Cuba time), so the zone was "
        f"ignored and "
        f"the time kept as written. Write an offset (2024-06-01 08:00+08:00) "
        f"if the times must be converted.",
        DataQualityWarning,
        stacklevel=user_stacklevel(),
    )


def _parse_unique_values(
    uniq: pd.Series,
    *,
    year: int | None,
    tz: str | None,
    dayfirst: bool | None,
    arrow=None,
    wall: pd.Series,
    leap: bool = False,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse unique non-blank values; ``wall`` gets the local wall time of
    each value that carried an offset.

    Returns (timestamps, needs_year mask, date_only mask). ``date_only`` is
    True where no time of day was written: text without a time part, and
    typed values (date or datetime cells, Excel serial numbers) that are a
    whole day, each cell judged on its own. ``arrow``: the same values as a pyarrow
    string array, when the caller has it (enables the fast ISO path).
    ``leap``: a yearless 2月29日 whose ``year`` has no 29 February is placed
    in the next leap year (a placeholder for :func:`resolve_years`, which
    gives it its own year or lists it) instead of NaT."""
    out = pd.Series(pd.NaT, index=uniq.index, dtype="datetime64[ns]")
    needs_year = pd.Series(False, index=uniq.index)
    date_only = pd.Series(False, index=uniq.index)

    if arrow is not None:
        fast = _parse_iso_arrow(arrow)
        if fast is not None:
            out[:] = fast[0]
            date_only[:] = fast[1]
            return out, needs_year, date_only

    all_text = pd.api.types.infer_dtype(uniq, skipna=True) == "string"
    # 1. real datetimes (XLSX cells, Parquet, DataFrames)
    if all_text:
        is_dt = pd.Series(False, index=uniq.index)
    else:
        is_dt = uniq.map(
            lambda v: isinstance(v, (_dt.date, pd.Timestamp, np.datetime64))
        )
    if is_dt.any():
        vals = uniq[is_dt]
        aware = vals.map(lambda v: getattr(v, "tzinfo", None) is not None)
        if aware.any():
            out[vals[aware].index] = _to_naive(
                pd.to_datetime(vals[aware], utc=True), tz
            ).to_numpy()
            wall[vals[aware].index] = pd.to_datetime(
                vals[aware].map(lambda v: pd.Timestamp(v).tz_localize(None))
            ).to_numpy()
        if (~aware).any():
            out[vals[~aware].index] = pd.to_datetime(
                vals[~aware].map(pd.Timestamp)
            ).to_numpy()
        plain_dates = vals.map(
            lambda v: isinstance(v, _dt.date) and not isinstance(v, _dt.datetime)
        )
        # each cell on its own (as text is): a date cell, or a datetime at
        # 00:00:00, was written without a time of day
        midnight = _midnight_cells(out[vals.index].to_numpy())
        date_only[vals.index] = plain_dates.to_numpy(dtype=bool) | midnight

    # 2. numbers: Excel serials 20000..80000 (1954..2119), yyyymmdd
    if all_text:
        is_num = pd.Series(False, index=uniq.index)
    else:
        is_num = uniq.map(
            lambda v: (
                isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, bool)
            )
        )
    text = uniq[~is_dt & ~is_num].astype(str)
    edge = _fast_match(text, r"^\s|\s$")
    if edge.any():
        text = text.where(~edge, text[edge].str.strip())
    num_text = text[_fast_match(text, r"^\d+(?:\.\d+)?$")]
    numbers = pd.concat(
        [pd.to_numeric(uniq[is_num], errors="coerce"), pd.to_numeric(num_text)]
    )
    if len(numbers):
        serial = numbers[(numbers >= 20000) & (numbers <= 80000)]
        if len(serial):
            whole = (serial.astype(float) % 1) == 0  # whole days: dates only
            date_only[serial.index] = whole.to_numpy()
            out[serial.index] = (
                (
                    pd.Timestamp("1899-12-30")
                    + pd.to_timedelta(serial.astype(float), unit="D")
                )
                .round("s")
                .to_numpy()
            )
        ymd = numbers[
            (numbers >= 19000101) & (numbers <= 22001231) & (numbers % 1 == 0)
        ]
        if len(ymd):
            date_only[ymd.index] = True
            out[ymd.index] = pd.to_datetime(
                ymd.astype("int64").astype(str), format="%Y%m%d", errors="coerce"
            ).to_numpy()
    text = text.drop(num_text.index)
    if text.empty:
        return out, needs_year, date_only

    # 3. ISO-like strings: fast C parser; tz-aware ones converted to ``tz``
    iso = text[_fast_match(text, _ISO_PREFIX.pattern)]
    if len(iso):
        zoned = _fast_match(iso, _TZ_SUFFIX.pattern, ignore_case=True)
        if zoned.any():
            parsed = pd.to_datetime(
                iso[zoned], format="ISO8601", utc=True, errors="coerce"
            )
            out[parsed.index] = _to_naive(parsed, tz).to_numpy()
            local = iso[zoned].str.replace(_ZONE_TAIL, "", regex=True, case=False)
            local = pd.to_datetime(local, format="ISO8601", errors="coerce")
            wall[local.index] = local.astype("datetime64[ns]").to_numpy()
        if (~zoned).any():
            parsed = pd.to_datetime(iso[~zoned], format="ISO8601", errors="coerce")
            out[parsed.index] = parsed.astype("datetime64[ns]").to_numpy()
        bare = iso.str.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
        date_only[bare[bare].index] = True
    rest = text[out[text.index].isna()]
    if rest.empty:
        return out, needs_year, date_only
    rest = _clean_series(rest)
    rest, zones = _normalise_times(rest)
    _warn_zone_names(zones, uniq)

    # 4. regex forms: 2023年7月1日, 2023.7.1 10:15, with zone
    full = rest.str.extract(_FULL)
    hit = full["y"].notna()
    if hit.any():
        f = full[hit]
        ts = _from_fields(f["y"], f["m"], f["d"], f["t"])
        date_only[f.index] = (f["t"].isna() & f["z"].isna()).to_numpy()
        zone = f["z"].dropna()
        zone = zone[zone.str.upper() != "UTC"]
        if len(zone) or f["z"].notna().any():
            offs = pd.Series(0, index=f.index, dtype=float)
            z = f["z"].fillna("")
            signed = z.str.extract(r"^([+-])(\d{2}):?(\d{2})$")
            m = signed[0].notna()
            if m.any():
                mins = signed.loc[m, 1].astype(int) * 60 + signed.loc[m, 2].astype(int)
                offs[m] = np.where(signed.loc[m, 0] == "-", -mins, mins)
            aware = z != ""
            wall[ts[aware].index] = ts[aware].to_numpy()
            utc = ts[aware] - pd.to_timedelta(offs[aware], unit="m")
            ts[aware] = _to_naive(utc.dt.tz_localize("UTC"), tz)
        out[ts.index] = ts.to_numpy()
    rest = rest[~hit]

    dmy = rest.str.extract(_DMY)
    hit = dmy["y"].notna()
    if hit.any():
        f = dmy[hit]
        if dayfirst is None:
            first = _day_first_column(f)
            dayfirst = bool(first.eq(True).all())  # for the worded dates below
        else:
            first = pd.Series(bool(dayfirst), index=f.index, dtype=object)
        by_day = first.eq(True)
        day = f["a"].where(by_day, f["b"])
        month = f["b"].where(by_day, f["a"])
        ts = _from_fields(f["y"], month, day, f["t"])
        ts[first.isna().to_numpy()] = pd.NaT  # could be either: not read
        out[ts.index] = ts.to_numpy()
        date_only[f.index] = f["t"].isna().to_numpy()
    rest = rest[~hit]

    md = rest.str.extract(_MD)
    hit = md["m"].notna()
    if hit.any():
        f = md[hit]
        if year is None:
            needs_year[f.index] = True
        else:
            years = pd.Series(year, index=f.index)
            if leap and not _is_leap(year):
                feb29 = _feb29(f)
                years[feb29] = _next_leap(year)
            ts = _from_fields(years, f["m"], f["d"], f["t"])
            out[ts.index] = ts.to_numpy()
            date_only[f.index] = f["t"].isna().to_numpy()
    rest = rest[~hit]

    # 5. leftovers with letters (Jira: "01/Jul/23 10:15 AM", "Jul 1, 2023")
    worded = rest[rest.str.contains(r"[A-Za-z]{3}") & rest.str.contains(r"\d")]
    for idx, value in worded.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                ts = pd.to_datetime(value, dayfirst=bool(dayfirst))
            except (ValueError, TypeError, OverflowError):
                continue
        if ts.tzinfo is not None:
            wall[idx] = ts.tz_localize(None)
            ts = ts.tz_convert(tz or "UTC").tz_localize(None)
        out[idx] = ts
        date_only[idx] = re.search(r"\d:\d|[AaPp]\.?[Mm]\b", value) is None
    return out, needs_year, date_only


def parse_dates(
    values,
    *,
    year: int | None = None,
    tz: str | None = None,
    dayfirst: bool | None = None,
    errors: str = "coerce",
) -> pd.Series:
    """Parse a column of dates written in any of the accepted forms.

    Parameters
    ----------
    values : array-like
        Strings, numbers (Excel serials), datetimes or a mix.
    year : int, optional
        Year for dates written without one (``7月15日``). If such dates occur
        and ``year`` is None, a :class:`~diagnose.DataError` asks for it.
    tz : str, optional
        Time zone that values with an offset (``+08:00``, ``Z``) are
        converted to before the zone is dropped. Values without an offset are
        kept as written. Default (None), decided per column: when every offset
        in the column is the same (an export in ``+08:00``; a tz-aware
        datetime column in one zone), or when the column also has values
        without an offset, each value keeps its local wall time as written
        (``2024-06-03T07:00:00+08:00`` -> 2024-06-03 07:00), so it reads like
        the naive values beside it; a DataQualityWarning says when naive and
        offset values are mixed. A column of different offsets and no naive
        value (summer and winter time) is converted to UTC so that durations
        stay right.
    dayfirst : bool, optional
        Read ``01/07/2023`` as 1 July (True) or 7 January (False). Default:
        decided per column. A value whose first field is above 12
        (``22/06/2024``) proves the day comes first; if the column has such
        values and none with a second field above 12, all its dd/mm/yyyy
        dates are read day first (a DataQualityWarning says so). If it has
        both kinds, the values that prove their order are read so and the
        others are left unread (NaT), with a warning to pass ``dayfirst=``.
        Otherwise month first.
    errors : {"coerce", "raise"}, default="coerce"
        Unparseable values become NaT, or raise :class:`~diagnose.DataError`.

    Returns
    -------
    pandas.Series
        tz-naive ``datetime64[ns]``, same index as ``values``; blanks are NaT.
        Use ``result.isna() & ~is_blank(values)`` to find unparseable cells.
    """
    if errors not in ("coerce", "raise"):
        raise ValueError(
            f"The 'errors' parameter of parse_dates must be one of {{'coerce', "
            f"'raise'}}. "
            f"Got {errors!r} instead."
        )
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(s):
        if getattr(s.dt, "tz", None) is None:
            return s.astype("datetime64[ns]", copy=False)
        if tz is None:  # one zone for the column: keep its wall time
            return s.dt.tz_localize(None).astype("datetime64[ns]")
        return _to_naive(s, tz)
    codes, uniques = pd.factorize(s.astype(object), sort=False)
    result, _ = _parse_codes(
        codes, uniques, s.index, year=year, tz=tz, dayfirst=dayfirst
    )
    if errors == "raise":
        bad = result.isna() & ~is_blank(s)
        if bad.any():
            raise DataError(
                f"{s[bad].iloc[0]!r} is not a date ({int(bad.sum())} such values). "
                f"Fix: {DATE_FIX}."
            )
    return result


def _parse_uniques(
    uniques, *, year=None, tz=None, dayfirst=None, arrow=None, leap=False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse the distinct values of a column (its factorisation's uniques).

    Returns three arrays of ``len(uniques) + 1`` entries (the last one is for
    code -1, a missing cell): timestamps (datetime64[ns]), unreadable (not
    blank, yet NaT) and date_only (no time of day written; see
    :func:`_parse_unique`). Index them with the codes to get rows.
    ``arrow``: the uniques as a pyarrow string array, when known; ``leap``:
    see :func:`_parse_unique_values`."""
    k = len(uniques)
    full = np.full(k + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
    only = np.zeros(k + 1, dtype=bool)
    if k == 0:
        return full, np.zeros(1, dtype=bool), only
    blank_u = _blank_uniques(uniques)
    uniq = pd.Series(uniques, dtype=object)[~blank_u]
    if arrow is not None and blank_u.any():
        import pyarrow as pa

        arrow = arrow.filter(pa.array(~blank_u))
    parsed, needs_year, date_only = _parse_unique(
        uniq, year=year, tz=tz, dayfirst=dayfirst, arrow=arrow, leap=leap
    )
    if needs_year.any():
        examples = ", ".join(repr(v) for v in uniq[needs_year].head(3))
        raise MissingYearError(
            f"dates without a year ({examples}) and no year to give them. "
            "Fix: pass year=2023 (for example) to the loader (command line: "
            "--year 2023), or write full dates."
        )
    keep = np.flatnonzero(~blank_u)
    full[keep] = parsed.to_numpy()
    only[keep] = date_only.to_numpy()
    bad_u = np.append(np.isnat(full[:-1]) & ~blank_u, False)
    return full, bad_u, only


def _parse_codes(
    codes, uniques, index, *, year=None, tz=None, dayfirst=None
) -> tuple[pd.Series, np.ndarray]:
    """:func:`parse_dates` of a column given as its factorisation (codes -1 =
    missing): each distinct value is parsed once. Returns the timestamps and
    the mask of unreadable cells (not blank, yet NaT)."""
    full, bad_u, _ = _parse_uniques(uniques, year=year, tz=tz, dayfirst=dayfirst)
    return pd.Series(full[codes], index=index), bad_u[codes]


def _blank_codes(codes, uniques) -> np.ndarray:
    """:func:`is_blank` of a column given as its factorisation."""
    return np.append(_blank_uniques(uniques), True)[codes]


def parse_date_range(
    values,
    *,
    year: int | None = None,
    tz: str | None = None,
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Split ``起止时间`` cells such as ``2023.07.01-07.07`` into start and end.

    Accepted separators: ``-``, ``~``, ``～``, ``至``, ``到``, ``—``. The second
    part inherits a missing year and month from the first
    (``2023/7/1~7/7`` ends 2023-07-07; ``7月1日-7月7日`` uses ``year``), and
    when it would fall before the start only because of an inherited year, it
    moves to the next year (``2023.12.28-01.03`` ends 2024-01-03). A cell with
    a single date gives that date as start and NaT as end.

    Parameters
    ----------
    values : array-like
    year, tz, dayfirst
        As for :func:`parse_dates`.

    Returns
    -------
    pandas.DataFrame
        Columns ``start``, ``end`` (tz-naive ``datetime64[ns]``) and ``ok``
        (False where a non-blank cell could not be read), index of ``values``.
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    blank = is_blank(s)
    out = pd.DataFrame(
        {
            "start": pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"),
            "end": pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"),
            "ok": True,
        }
    )
    present = s[~blank].astype(object)
    if present.empty:
        return out
    codes, uniques = pd.factorize(present, sort=False)
    text = _clean_series(pd.Series(uniques, dtype=object).astype(str))
    start = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    end = start.copy()
    single_ok = parse_dates(text, year=year, tz=tz, dayfirst=dayfirst)
    start[single_ok.notna()] = single_ok[single_ok.notna()]
    rng = text.str.extract(_RANGE)
    is_range = rng["a"].notna() & single_ok.isna()
    if is_range.any():
        a = rng.loc[is_range, "a"].str.extract(_PART_FIELDS)
        b = rng.loc[is_range, "b"].str.extract(_PART_FIELDS)
        ya = a["y"]
        if ya.isna().any():
            if year is None:
                examples = ", ".join(repr(v) for v in text[is_range][ya.isna()].head(3))
                raise MissingYearError(
                    f"date ranges without a year ({examples}) and no year to give "
                    f"them. "
                    "Fix: pass year=2023 (for example) to the loader (command "
                    "line: --year 2023), or write full dates."
                )
            ya = ya.fillna(str(year))
        inherited = b["y"].isna()
        yb = b["y"].fillna(ya)
        mb = b["m"].fillna(a["m"])
        s_ts = _from_fields(ya, a["m"], a["d"])
        e_ts = _from_fields(yb, mb, b["d"])
        ma = pd.to_numeric(a["m"], errors="coerce")
        mb_given = pd.to_numeric(b["m"], errors="coerce")
        # "2023.12.28-01.03": the end month wraps past new year
        wrap = inherited & e_ts.notna() & s_ts.notna() & (e_ts < s_ts)
        wrap &= (ma - mb_given) >= 6
        if wrap.any():
            e_ts[wrap] = _from_fields(
                yb[wrap].astype(int) + 1, mb[wrap], b.loc[wrap, "d"]
            )
        start[s_ts.index] = s_ts.to_numpy()
        end[e_ts.index] = e_ts.to_numpy()
    ok = start.notna() & (end.notna() | ~is_range)
    out.loc[present.index, "start"] = start.to_numpy()[codes]
    out.loc[present.index, "end"] = end.to_numpy()[codes]
    out.loc[present.index, "ok"] = ok.to_numpy()[codes]
    out.loc[~out["ok"], ["start", "end"]] = pd.NaT
    return out


def _explain_one(value) -> tuple[str, str]:
    """(problem, fix) for one value that did not parse as a date."""
    text = _clean_text(str(value))
    f = _FULL.match(text)
    if f is not None:
        y, m, d = int(f["y"]), int(f["m"]), int(f["d"])
    elif (g := _DMY.match(text)) is not None:
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        if a <= 12 and b <= 12:
            return (
                "could be day first or month first",
                "pass dayfirst=True (day first) or dayfirst=False (month "
                "first) to the loader (command line: --dayfirst or --monthfirst), "
                "or write YYYY-MM-DD",
            )
        m, d = (b, a) if a > 12 else (a, b)
    else:
        return "is not a date", DATE_FIX
    if not 1 <= m <= 12:
        return "is not a date", DATE_FIX
    last = pd.Timestamp(year=y, month=m, day=1).days_in_month
    if not 1 <= d <= last:
        month = f"{_dt.date(2000, m, 1):%B} {y}"
        return (
            f"is not a date (no such day: {month} has {last} days)",
            "check the day (the form is right, the date does not exist)",
        )
    return "is not a date", DATE_FIX


def explain_bad_dates(values) -> list[tuple[np.ndarray, str, str]]:
    """Say why each unreadable date value is unreadable.

    Parameters
    ----------
    values : array-like
        Values that :func:`parse_dates` left NaT although not blank.

    Returns
    -------
    list of (numpy.ndarray, str, str)
        ``(mask, problem, fix)`` groups covering every value once: the mask
        over ``values``, what is wrong (``"is not a date (no such day:
        February 2024 has 29 days)"`` for ``2024-02-30``, ``"could be day
        first or month first"`` for a ``06/07/2024`` left unread, else ``"is
        not a date"``) and how to fix it.
    """
    s = pd.Series(values, dtype=object).reset_index(drop=True)
    codes, uniq = pd.factorize(s, sort=False)
    reasons = [_explain_one(v) for v in uniq] + [("is not a date", DATE_FIX)]
    keys = np.array([f"{p}\x00{f}" for p, f in reasons], dtype=object)[codes]
    groups = []
    for key in dict.fromkeys(keys):
        problem, fix = key.split("\x00")
        groups.append((keys == key, problem, fix))
    return groups
