"""Load activities, survey answers, KPIs and benchmarks into canonical tables.

Every loader accepts a path (``.csv``, ``.csv.gz``, ``.tsv``, ``.txt``,
``.xlsx``/``.xlsm`` with ``sheet=``, ``.parquet``) or a DataFrame, recognises
headers in English, simplified and traditional Chinese, the process-mining
convention and Jira exports (see :mod:`diagnose.io.columns`), and returns a
:class:`LoadResult`: the clean rows, a data-quality report of every problem
(rows set aside and cells blanked, see :mod:`diagnose.io.validate` for the
rules) and the provenance of the file. Input files are never modified.

Text columns (case_id, activity, owner, ...) have the dtype :data:`TEXT_DTYPE`:
pandas' Arrow-backed ``str`` with NaN for missing values, the default text
dtype of pandas 3. They behave like ``object`` columns of ``str`` (``df["owner"]
== "张三"``, ``.str`` methods, ``isna()``) but take about a third of the
memory, are never copied when a column is added, and group faster.
Dates are tz-naive ``datetime64[ns]``: values written with an offset are
converted to ``tz`` (default UTC) first; values without one are kept as
written, except that a date-only end, due or planned end means the
end of that day (see :func:`load_activities`). Columns that match no
canonical name are dropped and listed in ``result.sources["columns_dropped"]``.

Speed: every check works on a column's distinct values (the readers hand
over each text column as codes into its distinct values, as
:func:`pandas.factorize` gives them) and the clean table is built with one
take per column, so a million rows with repeated values cost a few seconds.
"""

from __future__ import annotations

import contextlib
import html
import re
import shlex
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from diagnose.exceptions import DataError, user_stacklevel
from diagnose.io.columns import (
    ACTIVITY_COLUMNS,
    ACTIVITY_REQUIRED,
    BENCHMARK_COLUMNS,
    KPI_COLUMNS,
    LIKERT_WORDS,
    PRIORITIES,
    PRIORITY_WORDS,
    STATUS_WORDS,
    STATUSES,
    SURVEY_COLUMNS,
    normalise_word,
)
from diagnose.io.dates import (
    MissingYearError,
    _midnight_cells,
    _parse_iso_arrow,
    _parse_uniques,
    _resolve_years,
    _yearless_ranges,
    explain_bad_dates,
    infer_year,
    is_blank,
    is_time_zone,
    parse_date_range,
    parse_dates,
)
from diagnose.io.eventlog import lifecycle_kind, pair_lifecycle
from diagnose.io.headers import HeaderMatch, match_headers
from diagnose.io.read import DATAFRAME_LABEL, RawTable, read_table
from diagnose.io.validate import (
    ProblemLog,
    missing_column_error,
    raise_if_strict,
    warn_problems,
)

__all__ = [
    "LoadResult",
    "load_activities",
    "load_survey",
    "load_kpis",
    "load_benchmarks",
    "as_activities",
    "SOURCE_COLUMNS",
    "TEXT_DTYPE",
]

#: dtype of the text columns of the loaded tables: Arrow-backed strings with
#: NaN for missing values (``pd.StringDtype("pyarrow", na_value=np.nan)``,
#: shown as ``str``; the default text dtype of pandas 3).
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)

#: Columns of ``LoadResult.sources``.
SOURCE_COLUMNS = [
    "file",
    "sheet",
    "sha256",
    "n_rows_read",
    "n_rows_kept",
    "n_rows_set_aside",
    "columns_used",
    "columns_dropped",
]

_TEXT_COLUMNS = [
    "case_id",
    "activity",
    "task_id",
    "owner",
    "collaborators",
    "department",
    "team",
    "description",
    "blocked_reason",
]
_DATE_COLUMNS = ["start", "end", "due", "planned_start", "planned_end"]
_HANDBOOK_ID = re.compile(r"^([A-Za-z]+-\d{6}-\d+)-\d+$")


# --------------------------------------------------------------------------
# Result object
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    """What a loader returns.

    Attributes
    ----------
    data : pandas.DataFrame
        The canonical table, clean rows only.
    problems : pandas.DataFrame
        Data-quality report: ``file``, ``row`` (spreadsheet row, header = 1),
        ``column`` (header as in the file), ``value`` (cell as written),
        ``problem``, ``fix``, ``kept`` (True: row kept, cell blanked or issue
        noted; False: row set aside, not in ``data``).
    sources : pandas.DataFrame
        One row per file: ``file``, ``sheet``, ``sha256`` (of the file bytes;
        None for a DataFrame), ``n_rows_read``, ``n_rows_kept``,
        ``n_rows_set_aside`` (kept + set aside = read; rows are file rows,
        i.e. events for an event log), ``columns_used`` ("header -> canonical"
        pairs), ``columns_dropped``; surveys add ``n_items``,
        ``n_missing_answers`` and ``n_answers_set_aside``.
    kind : str
        ``"activities"``, ``"survey"``, ``"kpis"`` or ``"benchmarks"``.
    text : pandas.DataFrame or None
        Surveys only: free-text answers, long: ``respondent``, ``team``,
        ``period``, ``question``, ``text``.
    """

    data: pd.DataFrame
    problems: pd.DataFrame
    sources: pd.DataFrame
    kind: str
    text: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """The canonical table (same object as :attr:`data`)."""
        return self.data

    def __len__(self) -> int:
        return len(self.data)

    def summary(self) -> str:
        """One line per file: rows read, kept and set aside, by reason."""
        lines = []
        for src in self.sources.itertuples(index=False):
            probs = self.problems[self.problems["file"] == src.file]
            text = (
                f"{src.file}: {src.n_rows_read} rows read, {src.n_rows_kept} kept, "
                f"{src.n_rows_set_aside} set aside"
            )
            aside = probs[~probs["kept"]]
            if len(aside):
                counts = aside.drop_duplicates("row")["problem"].value_counts(
                    sort=False
                )
                text += " (" + ", ".join(f"{n} {p}" for p, n in counts.items()) + ")"
            noted = probs[probs["kept"]]
            if len(noted):
                counts = noted["problem"].value_counts(sort=False)
                text += "; notes on kept rows: " + ", ".join(
                    f"{n} {p}" for p, n in counts.items()
                )
            lines.append(text)
        return "\n".join(lines) or f"{self.kind}: nothing loaded"

    def _repr_html_(self) -> str:
        parts = [
            f"<p><b>{html.escape(self.kind)}</b>: "
            f"{html.escape(self.summary()).replace(chr(10), '<br>')}</p>",
            self.data.head(10).to_html(escape=True, max_cols=20),
        ]
        if len(self.problems):
            parts.append(
                f"<p>Data-quality report ({len(self.problems)} problems, first 20):</p>"
            )
            parts.append(self.problems.head(20).to_html(escape=True, index=False))
        return "\n".join(parts)


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def _text_value(v):
    if v is None:
        return np.nan
    if isinstance(v, str):
        v = v.strip()
        return v if v else np.nan
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return np.nan
        return str(int(v)) if float(v).is_integer() else str(v)
    if isinstance(v, pd.Timestamp):
        return v.isoformat(sep=" ")
    if v is pd.NA or v is pd.NaT:
        return np.nan
    return str(v).strip() or np.nan


def _text(col: pd.Series, factorized=None) -> pd.Series:
    """Cells as stripped ``str`` in an object column; blanks -> NaN.

    ``factorized``: ``(codes, uniques)`` of ``col`` when already known."""
    if factorized is None:
        codes, uniq = pd.factorize(col.astype(object), sort=False)
    else:
        codes, uniq = factorized
    u = pd.Series(uniq, dtype=object)
    if len(u) and pd.api.types.infer_dtype(u, skipna=False) == "string":
        # all text (the usual case): strip the distinct values in one pass
        # instead of calling _text_value per value (same result)
        stripped = u.str.strip()
        stripped = stripped.where(stripped != "", np.nan)
        mapped = np.append(stripped.to_numpy(dtype=object), np.nan)
    else:
        mapped = np.array([*(_text_value(v) for v in uniq), np.nan], dtype=object)
    return pd.Series(mapped[codes], index=col.index, dtype=object)


# Every character Python's str.strip() removes (str.isspace), for Arrow.
# (= [c for c in map(chr, range(0x110000)) if c.isspace()], written out)
_SPACE_CHARS = list(
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACES = None


def _space_set():
    global _SPACES
    if _SPACES is None:
        import pyarrow as pa

        _SPACES = pa.array(_SPACE_CHARS, type=pa.string())
    return _SPACES


def _norm_uniques(
    uniq, arrow=None, merged: list | None = None, *, lazy: bool = False
) -> np.ndarray | None:
    """:func:`_text` of a column's distinct values: ``len(uniq) + 1`` entries
    (the last, NaN, is for code -1), index them with the codes.

    ``arrow``: the same values as a pyarrow string array (from the readers);
    with it (or when every value is a ``str``) only the values that start or
    end with a space, or are empty, go through Python. ``merged``: when
    given, True is appended if two values may have become equal, then
    True if any value changed at all.

    ``lazy``: when no value changes and ``arrow`` is a plain Arrow string
    array, return None instead of building the Python strings (the caller
    reads the values from ``arrow``; see :class:`_Coded`)."""
    if len(uniq) == 0:  # blank in every row, or no rows at all
        if merged is not None:
            merged += [False, False]
        return np.array([np.nan], dtype=object)
    lazy = lazy and arrow is not None  # only the caller's own Arrow strings
    u = None if arrow is not None else np.asarray(uniq, dtype=object)
    if arrow is None and pd.api.types.infer_dtype(u, skipna=False) != "string":
        if merged is not None:
            merged += [True, True]
        return np.array([*(_text_value(v) for v in u), np.nan], dtype=object)
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        if arrow is None:
            arrow = pa.array(u, type=pa.string())
        # first or last character a space (Python's definition), or empty
        first = pc.utf8_slice_codeunits(arrow, 0, 1)
        last = pc.utf8_slice_codeunits(arrow, -1, 2**31 - 1)
        hit = pc.or_(
            pc.is_in(first, value_set=_space_set()),
            pc.is_in(last, value_set=_space_set()),
        )
        hit = pc.or_(hit, pc.equal(pc.utf8_length(arrow), 0))
        todo = np.flatnonzero(pc.fill_null(hit, False).to_numpy(zero_copy_only=False))
    except (ImportError, TypeError, ValueError, NotImplementedError):
        s = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
        todo = np.flatnonzero((s.str.strip() != s).to_numpy() | (s == "").to_numpy())
    if lazy and not len(todo) and _is_arrow_string(arrow):
        if merged is not None:
            merged += [False, False]
        return None
    out = np.append(np.asarray(uniq, dtype=object), np.nan)
    stripped = False
    for i in todo:
        v = out[i].strip()
        out[i] = v if v else np.nan
        stripped |= bool(v)
    if merged is not None:
        merged += [stripped, bool(len(todo))]
    return out


class _Columns:
    """``canonical -> column`` of a raw table, each built on first use."""

    def __init__(self, raw: RawTable, cols: dict):
        self.raw, self.cols = raw, cols

    def __contains__(self, c) -> bool:
        return c in self.cols

    def __getitem__(self, c) -> pd.Series:
        return self.raw.column(self.cols[c])

    def by_header(self, header) -> pd.Series:
        return self.raw.column(header)


class _Coded:
    """A column as codes (-1 = missing) into ``values`` (the distinct cleaned
    values plus a final NaN for code -1): per-row work becomes per-value work
    and a cheap take."""

    __slots__ = ("codes", "_values", "distinct", "arrow")

    def __init__(self, codes, values: np.ndarray | None, distinct=False, arrow=None):
        if values is None and arrow is None:
            raise ValueError("_Coded needs its values or their Arrow strings")
        self.codes = codes
        self._values = values
        #: True when the non-NaN entries of ``values`` are known to differ
        self.distinct = distinct
        #: ``values[:-1]`` as an Arrow string array, when the reader had it
        self.arrow = arrow

    @property
    def values(self) -> np.ndarray:
        """The distinct values plus a final NaN, as Python objects (built
        from :attr:`arrow` on first use when the reader's values needed no
        cleaning)."""
        if self._values is None:
            strings = np.asarray(self.arrow.to_numpy(zero_copy_only=False), object)
            self._values = np.append(strings, np.nan)
        return self._values

    def cells(self, idx=None) -> np.ndarray:
        """The values of every row (or of rows ``idx``: positions or mask)."""
        codes = self.codes if idx is None else self.codes[idx]
        if self._values is None and idx is not None:  # a few rows: from Arrow
            import pyarrow as pa

            out = np.full(len(codes), np.nan, dtype=object)
            ok = codes >= 0
            taken = self.arrow.take(pa.array(codes[ok]))
            out[ok] = taken.to_numpy(zero_copy_only=False)
            return out
        return self.values[codes]

    def isna(self) -> np.ndarray:
        if self._values is None and not self.arrow.null_count:
            return self.codes < 0  # the reader's strings: missing is code -1
        return pd.isna(self.values)[self.codes]

    def text_array(self, idx=None):
        """:meth:`cells` as a :data:`TEXT_DTYPE` array: the distinct values
        go to Arrow once, then one Arrow take (no Python object per row)."""
        codes = self.codes if idx is None else self.codes[idx]
        return text_array(self._values, codes, self.arrow)

    def canonical_codes(self) -> np.ndarray:
        """Codes equal exactly where the cleaned values are equal (-1: NaN)."""
        if self.distinct and self.arrow is not None and not self.arrow.null_count:
            return self.codes  # the reader's distinct values, unchanged: no NaN
        if self.distinct:
            na = pd.isna(self.values[:-1])
            if not na.any():
                return self.codes
            same = np.where(na, -1, np.arange(len(na)))
        else:
            same = pd.factorize(self.values[:-1])[0]
        return np.append(same, -1)[self.codes]


def text_array(values: np.ndarray, codes: np.ndarray, arrow=None):
    """``values[codes]`` as a :data:`TEXT_DTYPE` array (code -1 or a NaN
    value: missing). ``values`` holds ``str`` or NaN and ends with the NaN of
    code -1; ``arrow``: ``values[:-1]`` as an Arrow string array, if known."""
    import pyarrow as pa

    if arrow is None:
        arrow = pa.array(
            np.asarray(values[:-1], dtype=object), type=pa.string(), from_pandas=True
        )
    codes = np.asarray(codes)
    missing = codes < 0
    if pa.types.is_string(arrow.type):
        # pandas keeps large_string: cast the distinct values, not every row
        arrow = arrow.cast(pa.large_string())
    if len(arrow) == codes.size and (
        codes.size == 0 or (codes[0] == 0 and (np.diff(codes) == 1).all())
    ):
        return pd.array(arrow, dtype=TEXT_DTYPE)  # every row its own value, in order
    indices = pa.array(
        codes.astype(np.int32 if len(arrow) < 2**31 else np.int64, copy=False),
        mask=missing if missing.any() else None,
    )
    return pd.array(arrow.take(indices), dtype=TEXT_DTYPE)


def _is_arrow_string(arrow) -> bool:
    """Whether ``arrow`` is a plain Arrow string array (not large_string)."""
    import pyarrow as pa

    return isinstance(arrow, pa.Array) and pa.types.is_string(arrow.type)


def _iso_strings(raw: RawTable, header: str):
    """(datetime64[ns], date_only) of a CSV column whose every filled cell is
    a plain ISO date or date-time, parsed straight from the Arrow strings
    (no encoding, no Python objects); None otherwise."""
    strings = getattr(raw.codes, "strings", None)
    col = strings(header) if strings is not None else None
    if col is None:
        return None
    return _parse_iso_arrow(col)


def _sorted_rank(values: np.ndarray) -> np.ndarray:
    """Rank of each distinct value in sorted order (equal values share a
    rank), plus -1 for code -1. Values listed in increasing order (a file
    sorted by case, read in order of first appearance) need no sort."""
    k = len(values)
    if k and not pd.isna(values).any():
        try:
            if k == 1 or bool((values[:-1] < values[1:]).all()):
                return np.append(np.arange(k), -1)
        except TypeError:  # values that do not compare (mixed types)
            pass
    return np.append(pd.factorize(values, sort=True)[0], -1)


def _is_sorted(rank: np.ndarray, start: np.ndarray) -> bool:
    """True when rows are ordered by ``rank`` then ``start`` (ties keep file
    order, so the stable sort would not move anything)."""
    if rank.size < 2:
        return True
    step = np.diff(rank)
    if (step < 0).any():
        return False
    same = step == 0
    return not (start[1:][same] < start[:-1][same]).any()


def _aside_mask(log: ProblemLog, n: int, first_row: int = 2) -> np.ndarray:
    """Rows set aside so far, as a mask over file positions (row - first_row)."""
    mask = np.zeros(n, dtype=bool)
    aside = log.set_aside_rows()
    if aside:
        pos = np.fromiter(aside, dtype=np.int64, count=len(aside)) - first_row
        mask[pos] = True
    return mask


_DAY = np.timedelta64(1, "D").astype("timedelta64[ns]")
_NO_TIME = np.timedelta64(0, "ns")


def _on_uniques(col: pd.Series, fn) -> pd.Series:
    """``fn`` (vectorised, NaN -> NaN) applied to the distinct values of ``col``
    only, mapped back to every row: a million rows with a few distinct values
    cost a few calls, not a million."""
    codes, uniq = pd.factorize(col.astype(object), sort=False)
    res = fn(pd.Series(uniq, dtype=object))
    mapped = np.append(res.to_numpy(dtype=object), np.nan)
    return pd.Series(mapped[codes], index=col.index, dtype=object)


def _lookup(col: pd.Series, table: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Map words through ``table`` (normalised keys). Returns (mapped, unknown)."""
    codes, uniq = pd.factorize(col.astype(object), sort=False)
    found = [table.get(normalise_word(v)) for v in uniq]
    mapped = np.array(
        [*(np.nan if f is None else f for f in found), np.nan], dtype=object
    )
    unknown = np.array([*(f is None for f in found), False])
    return (
        pd.Series(mapped[codes], index=col.index, dtype=object),
        pd.Series(unknown[codes], index=col.index),
    )


_STATUS_TABLE = {normalise_word(k): v for k, v in STATUS_WORDS.items()}
_STATUS_TABLE.update({normalise_word(s): s for s in STATUSES})
#: Words in an end cell that say the work is not finished (besides the
#: words of STATUS_WORDS that are not "done").
_OPEN_END_WORDS = {
    normalise_word(w)
    for w in (
        "未完成",
        "未結束",
        "未结束",
        "尚未完成",
        "还未完成",
        "待定",
        "待确认",
        "暂无",
        "tbd",
        "tba",
        "pending",
        "unfinished",
        "not finished",
        "not done",
        "open",
        "ongoing",
    )
}


def _end_word(v) -> str | None:
    """``"open"`` when the end cell ``v`` is a word saying the work is not
    finished (进行中, 未完成, TBD, in progress...), ``"done"`` for a word
    saying it is (已完成, done), else None."""
    if not isinstance(v, str):
        return None
    word = normalise_word(v)
    if word in _OPEN_END_WORDS:
        return "open"
    status = _STATUS_TABLE.get(word)
    if status is None:
        return None
    return "done" if status == "done" else "open"


def _log_end_words(log, rows, header, uniq, codes, bad_u, bad) -> np.ndarray:
    """List the end cells that hold a status word instead of a date as kept
    notes (the task counts as unfinished: its end stays empty, NaT) and
    return ``bad`` (per row) without them."""
    uniq = np.asarray(uniq, dtype=object)
    bad_u = np.asarray(bad_u, dtype=bool)
    kind = np.full(len(uniq), None, dtype=object)
    at = np.flatnonzero(bad_u)  # only the unreadable values can be words
    kind[at] = [_end_word(v) for v in uniq[at]]
    for word, problem, fix, label in (
        (
            "open",
            "is not a date but says the task is not finished",
            "the task counts as unfinished (open); leave the end empty for "
            "unfinished tasks and fill it in when they finish",
            "unfinished tasks with a word as end",
        ),
        (
            "done",
            "says the task is done but gives no end date",
            "write the date it finished; until then the task counts as "
            "unfinished (open)",
            "done tasks with a word as end",
        ),
    ):
        hit_u = np.append(kind == word, False)
        hit = hit_u[codes]
        if hit.any():
            log.add(
                rows[hit],
                header,
                uniq[codes[hit]],
                problem,
                fix,
                kept=True,
                label=label,
            )
            bad = bad & ~hit
    return bad


_PRIORITY_TABLE = {normalise_word(k): v for k, v in PRIORITY_WORDS.items()}
for _p in PRIORITIES:
    _PRIORITY_TABLE[normalise_word(_p)] = _p
    _PRIORITY_TABLE[normalise_word(_p.replace("P", "P "))] = _p
_LIKERT_TABLE = {normalise_word(k): v for k, v in LIKERT_WORDS.items()}
_STATUS_CODE = {s: i for i, s in enumerate(STATUSES)}


def _describe(match: HeaderMatch) -> tuple[str, str]:
    used = ", ".join(f"{h} -> {c}" for c, h in match.columns.items())
    return used, ", ".join(match.dropped)


def _sources(
    raw: RawTable, match: HeaderMatch, n_read: int, aside: int, **extra
) -> pd.DataFrame:
    used, dropped = _describe(match)
    row = {
        "file": raw.file,
        "sheet": raw.sheet,
        "sha256": raw.sha256,
        "n_rows_read": int(n_read),
        "n_rows_kept": int(n_read - aside),
        "n_rows_set_aside": int(aside),
        "columns_used": used,
        "columns_dropped": dropped,
        **extra,
    }
    return pd.DataFrame([row])


def _warn_ambiguity(match: HeaderMatch) -> None:
    import warnings

    from diagnose.exceptions import DataQualityWarning

    for message in match.ambiguous:  # warn_ambiguity -> loader -> caller
        warnings.warn(message, DataQualityWarning, stacklevel=user_stacklevel())


def _finish(log: ProblemLog, strict: bool) -> pd.DataFrame:
    report = log.frame()
    raise_if_strict(report, strict)
    warn_problems(report, log.labels)
    return report


def _rows(frame: pd.DataFrame, raw: RawTable | None = None) -> np.ndarray:
    """Spreadsheet row of every position (header = row 1; blank lines the
    CSV reader kept count, blank lines before the header too)."""
    first = 2 if raw is None else raw.first_row
    return np.arange(len(frame), dtype="int64") + first


_BLANK_ROW = "is a blank row"


def _log_blank(log: ProblemLog, raw: RawTable, rows: np.ndarray) -> np.ndarray:
    """List each blank row of ``raw`` once (set aside: it holds no data) and
    return them as a mask over positions."""
    mask = np.zeros(len(rows), dtype=bool)
    if raw.blank.size:
        mask[raw.blank] = True
        log.add(
            rows[raw.blank],
            "",
            "",
            _BLANK_ROW,
            "delete the empty row, or fill it in",
            kept=False,
            label="blank rows",
        )
    return mask


def _drop_blank(raw, frame, rows, log):
    """(frame, rows) without the blank rows, which are listed once."""
    blank = _log_blank(log, raw, rows)
    if not blank.any():
        return frame, rows
    return frame.iloc[np.flatnonzero(~blank)], rows[~blank]


def _warn_notes(raw: RawTable) -> None:
    """The reader's notes (merged cells filled) as DataQualityWarnings."""
    import warnings

    from diagnose.exceptions import DataQualityWarning

    for note in raw.notes:
        warnings.warn(note, DataQualityWarning, stacklevel=user_stacklevel())


# --------------------------------------------------------------------------
# Activities
# --------------------------------------------------------------------------

_ACTIVITY_TARGETS = [
    c for c in ACTIVITY_COLUMNS if c not in ("is_open", "source_row")
] + [
    "lifecycle",
    "date_range",
]


@contextlib.contextmanager
def _located_warnings(file: str, column: str | None):
    """Warnings raised inside the block are re-raised once each, after it,
    beginning with the file (and column) they concern; the date parsers that
    raise them do not know either. They point at the first caller outside
    :mod:`diagnose` (:func:`~diagnose.exceptions.user_stacklevel`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    where = f"{file}, column {column!r}" if column else file
    seen = set()
    for w in caught:
        text = str(w.message)
        if text in seen:
            continue
        seen.add(text)
        if not text.startswith(file):
            text = f"{where}: {text}"
        warnings.warn(text, w.category, stacklevel=user_stacklevel())


def load_activities(
    source,
    *,
    mapping: dict | None = None,
    sheet=None,
    strict: bool = False,
    year: int | None = None,
    tz: str | None = None,
    dayfirst: bool | None = None,
) -> LoadResult:
    """Load a task table, tracker export or event log as the activity table.

    Parameters
    ----------
    source : str, pathlib.Path or pandas.DataFrame
        CSV (``,`` ``;`` or tab; UTF-8 or GB18030), ``.csv.gz``, ``.tsv``,
        ``.txt``, XLSX, Parquet, or a DataFrame (reported as ``<DataFrame>``;
        row numbers are index position + 2). When row 1 lacks the required
        headers and exactly one of the first 10 rows holds them all (a title
        above the header), that row is read as the header, with a
        DataQualityWarning; row numbers stay those of the spreadsheet.
    mapping : dict, optional
        ``{"header in file": "canonical name"}`` overriding the built-in header
        recognition; map a header to None to ignore it. Besides the canonical
        columns, ``"lifecycle"`` (start/complete) and ``"date_range"``
        (``起止时间``, one cell ``2023.07.01-07.07``) are accepted.
    sheet : str or int, optional
        Worksheet of an XLSX file (default: the first).
    strict : bool, default=False
        Raise :class:`~diagnose.DataError` listing every row-level problem
        instead of setting rows aside.
    year : int, optional
        Year for dates written without one (``9月1日``, and 起止时间 ranges
        such as ``12.28-01.03``). Default: each such date takes, row by row,
        the year that puts it nearest the row's own full dates (an end the
        next year when it wraps past new year: see
        :func:`diagnose.io.dates.resolve_years`), and a DataQualityWarning
        says how many dates had no year and which years were assumed. With
        ``year`` every yearless date takes it, except an end that wraps past
        new year (``year + 1``). Without any full date in the file, a
        DataError asks for ``year=``.
    tz : str, optional
        Time zone to convert offset-carrying timestamps to before dropping the
        zone. Default: a column whose offsets all agree (``+08:00``), or that
        mixes offset and plain timestamps, keeps each value's local wall time
        as written (a warning says when they are mixed); a column with
        different offsets goes to UTC. Timestamps without an offset are kept
        as written.
    dayfirst : bool, optional
        True reads ``01/07/2023`` as 1 July, False as 7 January. Default: the
        column decides: a first field above 12 (``22/06/2024``) with none in
        the second reads the whole column day first (with a warning); when
        both occur, only the values that prove their order are read and the
        others are listed; otherwise month first.

    Returns
    -------
    LoadResult
        ``data`` has exactly the columns of ``ACTIVITY_COLUMNS``, sorted by
        ``case_id``, ``start`` and file order (stable for tied timestamps):

        - ``case_id``, ``activity`` (:data:`TEXT_DTYPE`): the case
          (campaign/project) and the stage or task. Without a case column,
          ``case_id`` comes from ``task_id``: a handbook id
          ``MKT-202307-001-01`` belongs to case ``MKT-202307-001``; any other
          id is its own case. With neither, each task is its own case
          (``case_id = activity``).
        - Task-tracker exports (one task per row) are recognised: Jira headers
          (Issue key or Issue id, Summary or Issue Type, Created), or a task
          key unique in every row beside a project/board column (Project,
          project name, board) and an "activity" column holding only task
          numbers (the public Jira dataset: ``id, project, task, ...``). Then
          the task is the case: ``case_id`` = the key, ``team`` = the
          project, ``activity`` = Issue Type, else Summary, else ``"task"``
          for every row; Summary goes to ``description``. A
          DataQualityWarning says so; ``mapping=`` naming a ``case_id``
          column turns this off.
        - ``start``, ``end``, ``due``, ``planned_start``, ``planned_end``
          (tz-naive ``datetime64[ns]``); ``end`` NaT = unfinished. An end
          cell holding a status word instead of a date (进行中, 未完成, 待定,
          TBD, in progress, ...; see ``STATUS_WORDS``) also means unfinished:
          the row is kept with an empty end and listed (``kept=True``); a
          word meaning done (已完成) is listed too and counts as open until
          its end date is written. Event logs:
          see :mod:`diagnose.io.eventlog` (start/complete pairs; complete-only
          events have ``start == end``).
        - **Date-only ends are inclusive.** An ``end``, ``due`` or
          ``planned_end`` written without a time of day (``2023-07-07``,
          ``7月7日``, the end of a ``起止时间`` range ``2023.07.01-07.07``, an
          Excel serial or date cell that is a whole day) means "by the end of
          that day" and is stored as the next day 00:00 (an exclusive
          instant): ``2023.07.01-07.07`` lasts 7 days, a task started and
          finished on the same date lasts 1 day, finishing on the due date is
          on time. Date-only starts stay 00:00. Values written with a time keep
          it (``2023-07-07 00:00`` stays midnight). Text cells are judged one
          by one; typed cells (XLSX/Parquet/DataFrame datetimes, Excel
          serials) count as dates when every typed value of the column is a
          whole day. An event log's timestamps are instants and never move
          (its due/planned ends do). "Ends before it starts" compares what
          was written: a date-only end on the start's date is fine, the day
          before is set aside.
        - ``task_id``, ``owner``, ``collaborators``, ``department``, ``team``,
          ``description``, ``blocked_reason`` (:data:`TEXT_DTYPE`: str or NaN).
        - ``priority``: ordered Categorical ``P0 < P1 < P2 < P3`` (P0 = most
          urgent, so ``priority <= "P1"`` selects urgent work).
        - ``status``: Categorical of ``not_started``, ``in_progress``,
          ``done``, ``blocked``; when not given it is ``done`` if ``end`` is
          set, else ``in_progress``; an unknown word gives NaN (listed).
        - ``is_open`` (bool): ``end`` is NaT (right-censored work).
        - ``source_row`` (int): spreadsheet row (header = row 1) of the record
          (the start event for paired events).

    Raises
    ------
    DataError
        Unreadable file, missing required column (case/activity/start-or-
        timestamp), dates without a year and no way to infer one, or, with
        ``strict=True``, any row-level problem.

    Warns
    -----
    DataQualityWarning
        Rows set aside or cells blanked (by kind, naming rows), and headers
        that compete for one canonical column.
    """
    if tz is not None and not is_time_zone(tz):
        raise ValueError(
            "The 'tz' parameter of load_activities must be a time zone name such "
            f"as 'Asia/Shanghai' or 'UTC'. Got {tz!r} instead."
        )
    raw = read_table(source, sheet=sheet, lazy=True)
    scan = None  # the first rows read as headers, when row 1 is not the header
    try:
        match, tracker, missing = _activity_match(raw, mapping)
    except DataError:  # a mapped header missing from row 1: a title above it?
        scan = _scan_top_rows(raw, _ACTIVITY_TARGETS, mapping)
        if (at := _header_row_found(scan, _activity_ok)) is None:
            raise
        missing = ["header"]
    else:
        if missing:
            scan = _scan_top_rows(raw, _ACTIVITY_TARGETS, mapping)
            at = _header_row_found(scan, _activity_ok)
    if missing and at is not None:
        # a title above the header (handbook tables): read from the header
        _warn_header_row(raw, at)
        raw = raw.header_at(at)
        match, tracker, missing = _activity_match(raw, mapping)
        scan = None
    frame = raw.frame  # text columns the readers encoded are read from codes
    headers = raw.headers
    _warn_ambiguity(match)
    _warn_notes(raw)
    cols = match.columns
    if missing:
        hint = (
            "An event log needs at least a timestamp column (time:timestamp, "
            "timestamp); a task table needs a start date (开始时间, start)."
        )
        if scan is None:
            scan = _scan_top_rows(raw, _ACTIVITY_TARGETS, mapping)
        for guess in (
            _header_row_guess(raw, scan),
            _sheet_guess(raw, _ACTIVITY_TARGETS),
        ):
            if guess is not None:
                hint = guess + "\n  " + hint
        raise missing_column_error(raw.file, missing, headers, hint=hint)
    log = ProblemLog(raw.file)
    rows = _rows(frame, raw)
    n = len(frame)
    _log_blank(log, raw, rows)
    get = _Columns(raw, cols)
    factorized: dict[str, tuple] = {}

    def _fz(c):
        """(codes, uniques, arrow uniques or None) of the file column read as
        ``c``, computed once (the CSV and Parquet readers already have them)."""
        h = cols[c]
        if h not in factorized:
            got = raw.codes.get(h)
            if got is None:
                codes, uniq = pd.factorize(raw.column(h).astype(object), sort=False)
                factorized[h] = (codes, np.asarray(uniq, dtype=object), None)
            else:
                factorized[h] = (got[0], got[1], raw.arrow.get(h))
        return factorized[h]

    def _coded_text(c) -> _Coded:
        codes, uniq, arrow = _fz(c)
        merged: list = []
        values = _norm_uniques(uniq, arrow, merged, lazy=True)
        unchanged = arrow is not None and not merged[1]
        if unchanged and not _is_arrow_string(arrow):
            unchanged = False
        return _Coded(codes, values, not merged[0], arrow if unchanged else None)

    # text columns: codes into the distinct (stripped) values ----------------
    prefetch = getattr(raw.codes, "prefetch", None)
    if prefetch is not None:  # encode the text columns side by side
        prefetch([cols[c] for c in [*_TEXT_COLUMNS, "status", "priority"] if c in cols])
    text: dict[str, _Coded | None] = {
        c: (_coded_text(c) if c in get else None) for c in _TEXT_COLUMNS
    }
    if "activity" not in cols:  # tracker export without a type or summary
        text["activity"] = _Coded(
            np.zeros(n, dtype=np.intp), np.array([_TRACKER_ACTIVITY, np.nan], object)
        )
    case_note = None
    if "case_id" not in cols:
        if "task_id" in cols:
            ids = text["task_id"]
            parent = _on_uniques(
                pd.Series(ids.values[:-1], dtype=object),
                lambda u: u.str.extract(_HANDBOOK_ID, expand=False),
            ).to_numpy(dtype=object)
            values = ids.values.copy()
            has = ~pd.isna(parent)
            values[:-1][has] = parent[has]
            text["case_id"] = _Coded(ids.codes, values)
            case_note = "task_id"
        else:
            text["case_id"] = text["activity"]
            case_note = "activity"

    # dates -----------------------------------------------------------------
    date_cols = [c for c in _DATE_COLUMNS if c in get] + (
        ["date_range"] if "date_range" in get else []
    )
    state = {"year": year}

    def _parse(fn, col, name=None):
        # the date parser's notes (day first, mixed offsets) name the file
        # and column here, where they are known
        with _located_warnings(raw.file, name):
            return _parse_once(fn, col)

    def _parse_once(fn, col):
        try:
            return fn(col, year=state["year"], tz=tz, dayfirst=dayfirst)
        except MissingYearError as err:
            guess = infer_year(*(get[c] for c in date_cols))
            if guess is None:
                raise DataError(f"{raw.file}: {err}") from err
            state["year"] = guess
            return fn(col, year=guess, tz=tz, dayfirst=dayfirst)

    ts: dict[str, np.ndarray] = {}
    date_only: dict[str, np.ndarray] = {}
    as_text: dict[str, tuple] = {}  # (codes, uniques) of the text date columns
    for c in _DATE_COLUMNS:
        if c not in get:
            ts[c] = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
            date_only[c] = np.zeros(n, dtype=bool)
            continue
        if cols[c] not in raw.codes and pd.api.types.is_datetime64_any_dtype(
            get[c]
        ):  # Parquet, DataFrame
            values = _parse(parse_dates, get[c], cols[c]).to_numpy()
            bad = np.zeros(n, dtype=bool)
            only = _midnight_cells(values)
        elif (fast := _iso_strings(raw, cols[c])) is not None:
            values, only = fast  # plain ISO text: parsed whole by Arrow
            bad = np.zeros(n, dtype=bool)
        else:  # text, numbers, cells: parse each distinct value once
            codes, uniq, arrow = _fz(c)
            full, bad_u, only_u = _parse(
                lambda _col, **kw: _parse_uniques(
                    np.asarray(uniq, dtype=object), arrow=arrow, leap=True, **kw
                ),
                None,
                cols[c],
            )
            values, bad, only = full[codes], bad_u[codes], only_u[codes]
            as_text[c] = (codes, uniq)  # only text can be written without a year
            if c == "end" and bad_u.any():
                # a status word (进行中, 未完成, TBD): the task is open
                bad = _log_end_words(log, rows, cols[c], uniq, codes, bad_u, bad)
        if bad.any():
            required = c in ("start", "end")
            cells = np.asarray(get[c][bad], dtype=object)
            suffix = "" if required else "; the cell was left empty"
            for which, problem, fix in explain_bad_dates(cells):
                log.add(
                    rows[bad][which],
                    cols[c],
                    cells[which],
                    problem,
                    fix + suffix,
                    kept=not required,
                    label=(
                        "unreadable dates" if required else "unreadable optional dates"
                    ),
                )
        ts[c] = values
        date_only[c] = only
    ranges: dict = {}  # the yearless cells of the 起止时间 column
    if "date_range" in get:
        rng = _parse(parse_date_range, get["date_range"], cols["date_range"])
        bad = ~rng["ok"]
        if bad.any():
            log.add(
                rows[bad.to_numpy()],
                cols["date_range"],
                get["date_range"][bad],
                "is not a date range",
                "write start and end as 2023.07.01-2023.07.07 (or 2023.07.01-07.07)",
                kept=False,
                label="unreadable date ranges",
            )
        if state["year"] is not None:
            codes, uniq, _ = _fz("date_range")
            ranges = _yearless_ranges(codes, uniq)
        if ranges:  # resolved with the other dates, row by row
            ts["date_range"] = rng["start"].to_numpy()
            ts["date_range_end"] = rng["end"].to_numpy()
            as_text["date_range"] = as_text["date_range_end"] = (codes, uniq)
    if state["year"] is not None and as_text:  # dates without a year: per row
        with _located_warnings(raw.file, None):
            ts, no_day = _resolve_years(ts, as_text, year=year, yearless=ranges)
        for c, (idx, years) in no_day.items():  # 2月29日 in a common year
            required = c not in _OPTIONAL_DATES  # a range's part: start/end
            codes, uniq = as_text[c]
            cells = np.asarray(uniq, dtype=object)[codes[idx]]
            for y in np.unique(years):
                which = years == y
                log.add(
                    rows[idx[which]],
                    cols.get(c) or cols["date_range"],
                    cells[which],
                    f"is not a date (no such day: February {y} has 28 days)",
                    "check the day (the form is right, the date does not exist)"
                    + ("" if required else "; the cell was left empty"),
                    kept=not required,
                    label=(
                        "unreadable dates" if required else "unreadable optional dates"
                    ),
                )
    if "date_range" in get:
        if ranges:
            rng = rng.assign(start=ts.pop("date_range"), end=ts.pop("date_range_end"))
        for c in ("start", "end"):
            fill = np.isnat(ts[c])
            ts[c] = np.where(fill, rng[c].to_numpy(), ts[c])
            # the parts of a range are dates without a time of day
            date_only[c] = np.where(fill, True, date_only[c])

    # event logs --------------------------------------------------------------
    is_event_log = "lifecycle" in cols or (
        "start" not in cols and "date_range" not in cols
    )
    # date-only ends, dues and planned ends mean "by the end of that day":
    # the instant is the next day 00:00. An event log's timestamp is an event
    # instant, not a deadline, so only its due/planned ends move.
    written_end = ts["end"]
    for c in ("due", "planned_end") if is_event_log else ("end", "due", "planned_end"):
        if date_only[c].any():
            ts[c] = ts[c] + np.where(date_only[c], _DAY, _NO_TIME)
    if is_event_log:
        out = pd.DataFrame(
            {
                **{
                    c: (
                        text[c].cells()
                        if text[c] is not None
                        else np.full(n, np.nan, dtype=object)
                    )
                    for c in _TEXT_COLUMNS
                },
                **ts,
            },
            index=frame.index,
        )
        return _finish_event_log(
            out, get.by_header, cols, rows, log, raw, match, n, strict, case_note
        )

    aside = _aside_mask(log, n, raw.first_row)
    for c, what in (
        ("case_id", "case"),
        ("activity", "activity"),
        ("start", "start"),
    ):
        header = cols.get(c) or cols.get("task_id") or cols.get("activity")
        if c == "start" and "start" not in cols:
            header = cols["date_range"]
        missing = np.isnat(ts[c]) if c == "start" else text[c].isna()
        empty = missing & ~aside
        if empty.any():
            log.add(
                rows[empty],
                header,
                "",
                f"has no {what}",
                f"fill in the {what}" + (" date" if c == "start" else ""),
                kept=False,
                label=f"rows without {what}",
            )

    # end before start: compare what was written (a date-only end is the
    # whole day: ending on the start day is fine, the day before is not) ----
    start = ts["start"]
    end_day_start = np.where(
        date_only["end"], start.astype("datetime64[D]").astype(start.dtype), start
    )
    backwards = ~np.isnat(written_end) & ~np.isnat(start)
    backwards &= written_end < end_day_start
    if backwards.any():
        idx = np.flatnonzero(backwards)
        end_header = cols.get("end") or cols.get("date_range", "end")
        start_header = cols.get("start") or cols.get("date_range") or end_header
        source = "end" if "end" in get else "date_range"
        codes, uniq, arrow = _fz(source)
        values = _norm_uniques(uniq, arrow)[codes[idx]]
        log.add(
            rows[idx],
            end_header,
            values,
            "ends before it starts",
            f"check the dates: the end is earlier than the start ({start_header!r})",
            kept=False,
            label="tasks finish before they start",
        )

    # duplicates (task tables with a task id) --------------------------------
    if "task_id" in cols:
        aside = _aside_mask(log, n, raw.first_row)
        raw_codes = _fz("task_id")[0]
        # Rows identical in every column share their task-id cell, so only
        # rows whose task-id cell repeats (a blank counts as a value) can be
        # duplicates: compare whole rows among those only, not the whole file.
        counts = np.bincount(raw_codes + 1)
        maybe = counts[raw_codes + 1] > 1
        sel = ~aside & maybe
        if sel.any():
            live = raw.rows_frame(sel)
            dup = live.duplicated(keep="first")
            if dup.any():
                first = live.groupby(
                    list(live.columns), dropna=False, sort=False
                ).ngroup()
                first_row = (
                    pd.Series(rows[sel], index=live.index)
                    .groupby(first)
                    .transform("min")
                )
                idx = dup[dup].index.to_numpy()
                log.add(
                    rows[idx],
                    "",
                    text["task_id"].cells(idx),
                    "duplicates an earlier row",
                    [
                        f"delete the repeated row (row {r} is kept)"
                        for r in first_row[idx]
                    ],
                    kept=False,
                    label="duplicate rows",
                )
        aside = _aside_mask(log, n, raw.first_row)
        ids = text["task_id"]
        same = ids.canonical_codes()
        live = np.flatnonzero(~aside & (same >= 0))
        if live.size and np.bincount(same[live]).max() > 1:
            again = live[pd.Series(same[live]).duplicated(keep="first").to_numpy()]
        else:
            again = live[:0]
        if again.size:
            log.add(
                rows[again],
                cols["task_id"],
                ids.cells(again),
                "task ID used more than once",
                "give each task its own ID (both rows were kept)",
                kept=True,
                label="reused task IDs",
            )

    # status and priority: looked up once per distinct word --------------------
    has_end = ~np.isnat(ts["end"])
    inferred = np.where(has_end, _STATUS_CODE["done"], _STATUS_CODE["in_progress"])
    if "status" in get:
        raw_status = _coded_text("status")
        words = raw_status.values[:-1]
        found = [_STATUS_TABLE.get(normalise_word(v)) for v in words]
        code_u = np.array(
            [*(-1 if f is None else _STATUS_CODE[f] for f in found), -1],
            dtype=np.int8,
        )
        unknown_u = np.array(
            [*(f is None and not pd.isna(v) for f, v in zip(found, words)), False]
        )
        unknown = unknown_u[raw_status.codes]
        if unknown.any():
            log.add(
                rows[unknown],
                cols["status"],
                raw_status.cells(unknown),
                "is not a known status",
                "use 未开始/进行中/已完成/阻塞 (not_started/in_progress/done/blocked) "
                "or add the word to STATUS_WORDS; the status was left empty",
                kept=True,
                label="unknown statuses",
            )
        status = np.where(raw_status.isna(), inferred, code_u[raw_status.codes])
        done_open = (status == _STATUS_CODE["done"]) & ~has_end
        done_open &= ~np.isnat(ts["start"])
        if done_open.any():
            log.add(
                rows[done_open],
                cols["status"],
                raw_status.cells(done_open),
                "is marked done but has no end date",
                "fill in the end date; until then the task counts as open",
                kept=True,
                label="done tasks without an end date",
            )
    else:
        status = inferred
    if "priority" in get:
        raw_prio = _coded_text("priority")
        words = pd.Series(raw_prio.values[:-1], dtype=object)
        pr = words.str.extract(r"^[Pp]\s*([0-3])\b", expand=False)
        found = [_PRIORITY_TABLE.get(normalise_word(v)) for v in words]
        code_u = np.full(len(words) + 1, -1, dtype=np.int8)
        unknown_u = np.zeros(len(words) + 1, dtype=bool)
        for i, (v, p, f) in enumerate(zip(words, pr, found)):
            if isinstance(p, str):
                code_u[i] = int(p)
            elif f is not None:
                code_u[i] = PRIORITIES.index(f)
            elif not pd.isna(v):
                unknown_u[i] = True
        unknown = unknown_u[raw_prio.codes]
        if unknown.any():
            log.add(
                rows[unknown],
                cols["priority"],
                raw_prio.cells(unknown),
                "is not a known priority",
                "use P0 (highest) to P3 or 高/中/低; the priority was left empty",
                kept=True,
                label="unknown priorities",
            )
        priority = code_u[raw_prio.codes]
    else:
        priority = np.full(n, -1, dtype=np.int8)

    # keep clean rows, sorted, in one take per column -----------------------------
    aside = _aside_mask(log, n, raw.first_row)
    keep = np.flatnonzero(~aside)
    case = text["case_id"]
    case_rank = _sorted_rank(case.values[:-1])[case.codes[keep]]
    start_kept = ts["start"][keep]
    if _is_sorted(case_rank, start_kept):  # file already in case, start order
        final = keep
    else:
        final = keep[np.lexsort((rows[keep], start_kept, case_rank))]
    columns = {}
    for c in ACTIVITY_COLUMNS:
        if c in _TEXT_COLUMNS:
            columns[c] = (
                text[c].text_array(final)
                if text[c] is not None
                else pd.array(np.full(len(final), np.nan, object), dtype=TEXT_DTYPE)
            )
        elif c in _DATE_COLUMNS:
            columns[c] = ts[c][final]
        elif c == "priority":
            columns[c] = pd.Categorical.from_codes(
                priority[final], categories=PRIORITIES, ordered=True
            )
        elif c == "status":
            columns[c] = pd.Categorical.from_codes(status[final], categories=STATUSES)
        elif c == "is_open":
            columns[c] = np.isnat(ts["end"][final])
        elif c == "source_row":
            columns[c] = rows[final]
    # no consolidation into 2-D blocks: that would copy every column again
    data = pd.DataFrame(columns, columns=ACTIVITY_COLUMNS, copy=False)
    report = _finish(log, strict)
    _warn_case_note(raw, case_note)
    if tracker:
        _warn_tracker(raw, tracker)
    sources = _sources(raw, match, n, int(aside.sum()))
    return LoadResult(data, report, sources, "activities")


#: Date columns whose unreadable cells are emptied (the row is kept).
_OPTIONAL_DATES = ("planned_start", "planned_end", "due")


def _activity_ok(found: dict) -> bool:
    """True when the headers ``found`` hold every column load_activities
    needs (an activity and a start, end or date range)."""
    return "activity" in found and bool({"start", "end", "date_range"} & set(found))


def _kpi_ok(found: dict) -> bool:
    """True when the headers ``found`` hold what load_kpis needs."""
    return bool({"metric", "activity"} & set(found)) and {"target", "actual"} <= set(
        found
    )


def _survey_ok(found: dict) -> bool:
    """True when the headers ``found`` read as a survey's header row: a long
    table's item and score, or a wide table's respondent column."""
    return {"item", "score"} <= set(found) or "respondent" in found


def _activity_match(raw: RawTable, mapping) -> tuple[HeaderMatch, str | None, list]:
    """(headers matched, tracker dialect or None, required columns missing)
    of ``raw`` read with its first row as the header. Raises the DataError of
    :func:`match_headers` for a mapping key that is not a header."""
    match = match_headers(
        raw.headers,
        _ACTIVITY_TARGETS,
        mapping=mapping,
        file=raw.file,
        loader="load_activities",
    )
    tracker = _tracker_dialect(raw, match, mapping)
    cols = match.columns
    missing = []
    if "activity" not in cols and tracker is None:
        missing.append("activity")
    if not ({"start", "end", "date_range"} & set(cols)):
        missing.append("start")
    return match, tracker, missing


def _scan_top_rows(raw: RawTable, targets, mapping=None, look: int = 10) -> list:
    """The columns found (``{canonical: header}``, with ``mapping`` applied)
    when each of the first ``look`` rows is read as the header; ``{}`` for a
    row without text, or one that lacks a header ``mapping`` names."""
    n = min(look, len(raw.frame))
    if not n:
        return []
    try:
        top = raw.rows_frame(np.arange(n))
    except (KeyError, IndexError, ValueError):
        return []
    out = []
    for i in range(n):
        cells = [_text_value(v) for v in top.iloc[i].tolist()]
        cells = [c for c in cells if isinstance(c, str)]
        found = {}
        if cells:
            try:
                found = match_headers(
                    cells, targets, mapping=mapping, file=raw.file
                ).columns
            except DataError:
                pass
        out.append(found)
    return out


def _header_row_found(scan: list, ok) -> int | None:
    """Position of the one row of ``scan`` (:func:`_scan_top_rows`) whose
    cells hold every required header (``ok(found columns)``), or None when no
    row or more than one does (then only the error names the likeliest row)."""
    hits = [i for i, found in enumerate(scan) if found and ok(found)]
    return hits[0] if len(hits) == 1 else None


def _warn_header_row(raw: RawTable, pos: int) -> None:
    from diagnose.exceptions import DataQualityWarning

    row = raw.first_row + pos
    above = "row 1" if row == 2 else f"rows 1-{row - 1}"
    warnings.warn(
        f"{raw.file}: the header is on row {row}; {above} (a title) "
        f"{'was' if row == 2 else 'were'} skipped and row numbers are still "
        f"those of the spreadsheet. Fix: delete {above} so that the header "
        f"is on row 1 to silence this.",
        DataQualityWarning,
        stacklevel=user_stacklevel(),
    )


def _header_row_guess(raw: RawTable, scan: list) -> str | None:
    """A sentence naming the row of ``scan`` (:func:`_scan_top_rows`) whose
    cells read as headers best (a title row above the header), or None."""
    best, best_row, best_cells = 1, None, []
    for i, found in enumerate(scan):
        if len(found) > best:
            best, best_row, best_cells = len(found), i, list(found.values())
    if best_row is None:
        return None
    row = best_row + raw.first_row
    return (
        f"The header seems to be on row {row} (it holds {best_cells}); the rows "
        f"above it (a title?) are read as the header. Fix: delete rows 1 to "
        f"{row - 1} so that the header is on row 1."
    )


def _header_row_table(raw: RawTable, targets, mapping, match_fn, ok, look_anyway=False):
    """``raw`` read from its header row: ``match_fn(raw)`` gives ``(match,
    missing required columns)`` of the first row read as the header; when
    something is missing (or ``look_anyway``), and exactly one of the first
    rows holds the required headers (``ok(found columns)``), the table is read
    from that row with a warning (spreadsheet row numbers kept). Returns
    ``(raw, match, missing, scan)``; ``scan`` is the rows looked at (for the
    error's hint), or None. Re-raises match_fn's DataError (a mapped header
    not found) when no row holds the headers."""
    scan = None
    try:
        match, missing = match_fn(raw)
    except DataError:
        scan = _scan_top_rows(raw, targets, mapping)
        if (at := _header_row_found(scan, ok)) is None:
            raise
    else:
        if not missing and not look_anyway:
            return raw, match, missing, None
        scan = _scan_top_rows(raw, targets, mapping)
        at = _header_row_found(scan, ok)
        if at is not None and not missing and ok(match.columns):
            at = None
    if at is not None:
        _warn_header_row(raw, at)
        raw = raw.header_at(at)
        match, missing = match_fn(raw)
        scan = None
    return raw, match, missing, scan


def _header_hint(raw: RawTable, scan, targets, mapping=None) -> str:
    """The likely header row (a title above it) and another sheet of the
    workbook holding the headers, as lines for a missing-column error."""
    if scan is None:
        scan = _scan_top_rows(raw, targets, mapping)
    guesses = [_header_row_guess(raw, scan), _sheet_guess(raw, targets)]
    return "\n  ".join(g for g in guesses if g is not None)


def _sheet_guess(raw: RawTable, targets) -> str | None:
    """For a workbook: a sentence naming another sheet whose header row
    matches more of ``targets`` than the sheet read, or None."""
    if raw.sheet is None or not raw.path:
        return None
    try:
        with pd.ExcelFile(raw.path, engine="openpyxl") as book:
            names = [str(n) for n in book.sheet_names]
            found = []
            for name in names:
                if name == raw.sheet:
                    continue
                head = book.parse(name, nrows=0).columns
                cols = match_headers([str(h) for h in head], targets, file=raw.file)
                if len(cols.columns) >= 2:
                    found.append((len(cols.columns), name, list(cols.columns.values())))
    except Exception:  # a hint only: never fail because of it
        return None
    if not found:
        return None
    _, name, cells = max(found, key=lambda f: f[0])
    return (
        f"Sheet {name!r} has the headers {cells} (the sheet read was "
        f"{raw.sheet!r}). Fix: pass sheet={name!r} (command line: --sheet "
        f"{shlex.quote(name)})."
    )


#: Headers that name a tracker's project or board (normalised when compared).
_PROJECT_HEADERS = ["project", "project name", "project key", "project_id", "board"]
#: Activity of every row of a tracker export that names no issue type/summary.
_TRACKER_ACTIVITY = "task"


def _tracker_dialect(raw: RawTable, match: HeaderMatch, mapping) -> str | None:
    """Re-map a task-tracker export (Jira and the like) where each row is one
    task: the task is the case. Changes ``match`` in place; returns a
    sentence describing what was done, or None (not a tracker export).

    Recognised when the file has a task key (``task_id``: Issue key, id, ...)
    and either the Jira headers (Issue key or Issue id, Summary or Issue
    Type, Created) or the shape of a flat export: the key is unique in every
    row, the case column is a project/board label (Project, project name,
    board) and the column read as activity holds only numbers (task numbers,
    not stage names). Then ``case_id`` = the key, ``team`` = the project,
    ``activity`` = Issue Type (else Summary, else the word "task" for every
    row), Summary goes to ``description``. A ``mapping`` that names a
    ``case_id`` column turns this off; other mapped columns are kept.
    """
    from diagnose.io.columns import normalise_header

    _nh = normalise_header
    cols = match.columns
    chosen = {v for v in (mapping or {}).values() if v is not None}
    if "case_id" in chosen or "task_id" not in cols or "lifecycle" in cols:
        return None
    norm = {normalise_header(h): h for h in raw.headers}
    jira = (
        (_nh("issue key") in norm or _nh("issue id") in norm)
        and (_nh("summary") in norm or _nh("issue type") in norm)
        and _nh("created") in norm
    )
    key = cols["task_id"]
    case = cols.get("case_id")
    projects = {normalise_header(h) for h in _PROJECT_HEADERS}
    project = next((h for h in raw.headers if normalise_header(h) in projects), None)
    if not jira:
        if case is None or case != project:
            return None
        if "activity" not in cols or not ({"start", "end"} <= set(cols)):
            return None
        if not (_all_distinct(raw, key) and _all_numbers(raw, cols["activity"])):
            return None
    parts = [f"case_id = {key!r} (each row is one task)"]
    if case is not None:
        del cols["case_id"]
        if case != project:
            match.dropped.append(case)  # an epic/parent link: not the case here
    if project is not None:
        if "team" not in cols:
            cols["team"] = project
            parts.append(f"team = {project!r}")
            match.dropped = [h for h in match.dropped if h != project]
        else:
            match.dropped.append(project)
    cols["case_id"] = key
    summary = norm.get(_nh("summary"))
    kind = norm.get(_nh("issue type"))
    activity = cols.get("activity")
    if "activity" not in chosen:
        if kind is not None:
            cols["activity"] = kind
            match.dropped = [h for h in match.dropped if h != kind]
        elif summary is not None:
            cols["activity"] = summary
        else:
            cols.pop("activity", None)
        if activity is not None and activity not in (kind, summary):
            match.dropped.append(activity)  # a task number: the key says it
    if summary is not None and cols.get("activity") != summary:
        if "description" not in cols:
            cols["description"] = summary
            match.dropped = [h for h in match.dropped if h != summary]
    parts.append(
        f"activity = {cols['activity']!r}"
        if "activity" in cols
        else f"activity = {_TRACKER_ACTIVITY!r} for every row"
    )
    order = {h: i for i, h in enumerate(raw.headers)}
    match.dropped = sorted(set(match.dropped), key=lambda h: order.get(h, 0))
    return ", ".join(parts)


def _all_distinct(raw: RawTable, header: str) -> bool:
    """Every cell of the column filled and different from every other."""
    got = raw.codes.get(header)
    if got is None:
        got = pd.factorize(raw.column(header).astype(object), sort=False)
    codes, uniq = got
    return len(uniq) == len(codes) and not (np.asarray(codes) < 0).any()


def _all_numbers(raw: RawTable, header: str) -> bool:
    """Every filled cell of the column is a whole number (a task number)."""
    got = raw.codes.get(header)
    uniq = (
        np.asarray(got[1], dtype=object)
        if got is not None
        else raw.column(header).dropna().unique()
    )
    text = pd.Series(uniq, dtype=object).astype(str).str.strip()
    return bool(len(text)) and bool(text.str.fullmatch(r"\d+(?:\.0)?").all())


def _warn_tracker(raw: RawTable, how: str) -> None:
    import warnings

    from diagnose.exceptions import DataQualityWarning

    warnings.warn(
        f"{raw.file}: read as a task-tracker export: {how}. Pass "
        "mapping={'<header>': 'case_id'} (command line: --map '<header>=case_id') "
        "to choose the case column yourself.",
        DataQualityWarning,
        stacklevel=user_stacklevel(),
    )


def _finish_event_log(out, column, cols, rows, log, raw, match, n, strict, case_note):
    """Event logs: pair lifecycle events, check order, build the table."""
    ts_header = cols.get("end")
    out = _events_to_activities(out, column, cols, rows, log)
    backwards = out["end"].notna() & out["start"].notna() & (out["end"] < out["start"])
    if backwards.any():
        end_header = ts_header or cols.get("date_range", "end")
        sub = out[backwards]
        log.add(
            sub["source_row"],
            end_header,
            sub["end"],
            "ends before it starts",
            "check the dates: the end is earlier than the start "
            f"({cols.get('start') or end_header!r})",
            kept=False,
            label="tasks finish before they start",
        )
        paired = sub[sub["end_row"] > 0]
        if len(paired):
            log.add(
                paired["end_row"],
                end_header,
                paired["end"],
                "ends before it starts",
                "the complete event is earlier than its start event",
                kept=False,
            )
    aside_rows = log.set_aside_rows()
    keep = np.flatnonzero(~np.isin(out["source_row"], list(aside_rows)))
    case_rank = pd.factorize(out["case_id"].to_numpy()[keep], sort=True)[0]
    order = np.lexsort(
        (
            out["source_row"].to_numpy()[keep],
            out["start"].to_numpy()[keep],
            case_rank,
        )
    )
    data = out.take(keep[order])  # one copy: filter and sort together
    for c in _TEXT_COLUMNS:
        data[c] = data[c].astype(TEXT_DTYPE)
    data["is_open"] = data["end"].isna()
    data["priority"] = pd.Categorical(
        data["priority"], categories=PRIORITIES, ordered=True
    )
    data["status"] = pd.Categorical(data["status"], categories=STATUSES)
    data["source_row"] = data["source_row"].astype("int64")
    for c in _DATE_COLUMNS:
        data[c] = data[c].astype("datetime64[ns]")
    data = data[ACTIVITY_COLUMNS].reset_index(drop=True)
    report = _finish(log, strict)
    _warn_case_note(raw, case_note)
    sources = _sources(raw, match, n, len(aside_rows))
    return LoadResult(data, report, sources, "activities")


def _warn_case_note(raw, case_note) -> None:
    if not case_note:
        return
    import warnings

    from diagnose.exceptions import DataQualityWarning

    how = (
        "handbook ids MKT-202307-001-01 belong to case MKT-202307-001; other "
        "task ids are their own case"
        if case_note == "task_id"
        else "each task is its own case (case_id = activity)"
    )
    warnings.warn(
        f"{raw.file}: no case column (project/活动名称/case:concept:name); {how}. "
        "Pass mapping={'<header>': 'case_id'} (command line: --map "
        "'<header>=case_id') to name the case column.",
        DataQualityWarning,
        stacklevel=user_stacklevel(),
    )


def _events_to_activities(out, column, cols, rows, log: ProblemLog) -> pd.DataFrame:
    """Validate event rows, then pair lifecycle events (see eventlog).

    ``column``: header -> the file's column (cells as read)."""
    ts_header = cols.get("end") or cols.get("start")
    ev = out.copy()
    if "end" not in cols:  # only a start column: use it as the event time
        ev["end"] = ev["start"]
    ev["source_row"] = rows
    # rows set aside already (blank rows) are not listed again
    aside = np.isin(rows, list(log.set_aside_rows()))
    for c, what in (("case_id", "case"), ("activity", "activity")):
        empty = ev[c].isna().to_numpy() & ~aside
        if empty.any():
            log.add(
                rows[empty],
                cols.get(c, cols.get("activity")),
                "",
                f"has no {what}",
                f"fill in the {what}",
                kept=False,
                label=f"events without {what}",
            )
            aside |= empty
    bad_ts = ev["end"].isna().to_numpy()
    already = np.isin(rows, list(log.set_aside_rows()))
    empty_ts = bad_ts & ~already
    if empty_ts.any():
        log.add(
            rows[empty_ts],
            ts_header,
            "",
            "has no timestamp",
            "fill in the event time",
            kept=False,
            label="events without timestamp",
        )
    aside |= bad_ts
    if "lifecycle" in cols:
        kind = lifecycle_kind(column(cols["lifecycle"]))
        other = kind.isna().to_numpy() & ~aside
        if other.any():
            log.add(
                rows[other],
                cols["lifecycle"],
                column(cols["lifecycle"])[other],
                "is a lifecycle transition other than start or complete",
                "only start and complete events are used; the event was left out",
                kept=False,
                label="events with other lifecycle transitions",
            )
        aside |= kind.isna().to_numpy()
    else:
        kind = pd.Series("complete", index=ev.index, dtype=object)
    ev = ev[~aside]
    ev["kind"] = kind[~aside]
    ev["ts"] = ev["end"]
    every = [c for c in _TEXT_COLUMNS if c not in ("case_id", "activity")] + [
        "due",
        "planned_start",
        "planned_end",
    ]
    attrs = [c for c in every if ev[c].notna().any()]
    if (ev["kind"] == "complete").all():  # complete-only log: instantaneous events
        paired = ev[["case_id", "activity", "source_row", *attrs]].assign(
            start=ev["ts"], end=ev["ts"], end_row=ev["source_row"]
        )
        paired = paired.reset_index(drop=True)
    else:
        paired = pair_lifecycle(
            ev[["case_id", "activity", "ts", "kind", "source_row", *attrs]], attrs=attrs
        )
    for c in every:
        if c not in attrs:
            paired[c] = ev[c].iloc[:0].reindex(range(len(paired))).to_numpy()
    paired["status"] = np.where(paired["end"].notna(), "done", "in_progress")
    paired["priority"] = np.nan
    return paired


def as_activities(x) -> pd.DataFrame:
    """The canonical activity frame from a LoadResult or a DataFrame.

    Parameters
    ----------
    x : LoadResult or pandas.DataFrame
        A result of :func:`load_activities`, or a frame that already has at
        least the columns ``case_id``, ``activity``, ``start``.

    Returns
    -------
    pandas.DataFrame
        ``x.data`` for a LoadResult; for a DataFrame, the frame itself when it
        has every column of ``ACTIVITY_COLUMNS``, else a copy with the missing
        optional columns added (NA; ``is_open`` from ``end``; ``source_row``
        from the position). The input is never modified.

    Raises
    ------
    DataError
        A LoadResult of another kind, or required columns missing (named).
    """
    if isinstance(x, LoadResult):
        if x.kind != "activities":
            raise DataError(
                f"expected activities, got a LoadResult of kind {x.kind!r}. "
                "Fix: pass the result of load_activities."
            )
        return x.data
    if not isinstance(x, pd.DataFrame):
        raise TypeError(
            f"as_activities expects a LoadResult or a pandas DataFrame. Got "
            f"{type(x).__name__}."
        )
    missing = [c for c in ACTIVITY_REQUIRED if c not in x.columns]
    if missing:
        raise missing_column_error(
            DATAFRAME_LABEL,
            missing,
            [str(c) for c in x.columns],
            hint="Fix: load the file with load_activities(...), which recognises "
            "the headers.",
        )
    if all(c in x.columns for c in ACTIVITY_COLUMNS):
        return x
    add = {}
    for c in ACTIVITY_COLUMNS:
        if c in x.columns:
            continue
        if c in _DATE_COLUMNS:
            add[c] = pd.Series(pd.NaT, index=x.index, dtype="datetime64[ns]")
        elif c == "is_open":
            add[c] = x["end"].isna() if "end" in x.columns else True
        elif c == "source_row":
            add[c] = np.arange(len(x), dtype="int64") + 2
        elif c == "priority":
            add[c] = pd.Categorical(
                [np.nan] * len(x), categories=PRIORITIES, ordered=True
            )
        elif c == "status":
            add[c] = pd.Categorical([np.nan] * len(x), categories=STATUSES)
        else:
            add[c] = pd.Series(np.nan, index=x.index, dtype=object)
    return x.assign(**add)


# --------------------------------------------------------------------------
# Numbers (KPIs, benchmarks) and Likert scores (surveys)
# --------------------------------------------------------------------------

# A number as users write it, matched whole (re.fullmatch) after NFKC
# normalisation (full-width digits and signs, no-break spaces -> ASCII):
# an optional sign and currency, digits (thousands grouped by "," "_" or a
# space only in groups of three: 5,000 / 1 000 000; or scientific 1e3), an
# optional multiplier (万 亿 k), then at most a percent sign or one known unit.
_UNITS = (
    "人次|人|元|块|次|个|条|件|单|份|篇|家|位|名|场|项|套|台|天|日|小时|分钟|周|"
    "pcs|pc|times|hours|hour|hrs|hr|h|days|day|d|minutes|mins|min|"
    "rmb|cny|yuan|usd"
)
_NUM = re.compile(
    r"(?P<sign>[-+\u2212])?\s*(?P<cur>[¥$€£]|rmb|cny)?\s*(?P<sign2>[-+\u2212])?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 5,000 / 1,234.5
    r"|\d{1,3}(?: \d{3})+(?:\.\d+)?"  # 1 000 (also no-break, narrow spaces)
    r"|\d{1,3}(?:_\d{3})+(?:\.\d+)?"  # 1_000
    r"|(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)"  # 1000, 1.5, .5, 1e3
    r"\s*(?P<mult>万|亿|k)?\s*(?:(?P<pct>%|percent)|(?P<unit>" + _UNITS + r"))?",
    re.IGNORECASE,
)
_MULT = {"万": 1e4, "亿": 1e8, "k": 1e3}
_NUMBER_FIX = (
    "write one number such as 5000, 5,000, 1.2万 or 16% (a unit such as 人, 元 "
    "or 次 may follow); the row was set aside"
)


def _number_text(v) -> str:
    """A cell as the text :data:`_NUM` reads (NFKC, one kind of space)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", str(v)).strip()
    # NFKC makes U+00A0/U+3000 spaces; U+202F (narrow no-break) and thin
    # spaces too: every space inside a number is one plain space
    return re.sub(r"\s+", " ", text).casefold()


def _parse_number_value(v):
    """(value, ok) for one cell: 5,000 -> 5000; 16% -> 0.16; 4200人 -> 4200.

    The whole cell must be a number: ``1 000`` -> 1000, ``1e3`` -> 1000, but
    ``50-60%``, ``2023-10``, ``1,2`` or ``12.5.3`` are not numbers (ok False)."""
    if v is None:
        return np.nan, True
    if isinstance(v, (bool, np.bool_)):
        return np.nan, False
    if isinstance(v, (int, float, np.integer, np.floating)):
        return (float(v), True)
    text = _number_text(v)
    if text == "":
        return np.nan, True
    m = _NUM.fullmatch(text)
    if not m or (m["sign"] and m["sign2"]):
        return np.nan, False
    value = float(re.sub(r"[, _]", "", m["num"]))
    if m["mult"]:
        value *= _MULT[m["mult"].casefold()]
    if m["pct"]:
        value /= 100.0
    if (m["sign"] or m["sign2"]) in ("-", "\u2212"):
        value = -value
    return value, True


def _number_fix(v) -> str:
    """The fix for a cell that is not a number, for the kind of text it is."""
    text = _number_text(v)
    if re.fullmatch(r"\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}日?)?.*", text):
        return "it looks like a date, not a number; " + _NUMBER_FIX
    if re.search(r"\d\s*(?:-|~|～|至|到|—|–)\s*[-+]?\d", text):
        return (
            "a range cannot be compared with a target: write one number "
            "(e.g. the midpoint); the row was set aside"
        )
    if re.search(r"\d,\d", text):
        return (
            "use ',' only between groups of three digits (5,000) and a point "
            "for decimals (1.2); the row was set aside"
        )
    return _NUMBER_FIX


def _numbers(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of numbers as users write them. Returns (values, bad)."""
    codes, uniq = pd.factorize(col.astype(object), sort=False)
    parsed = [_parse_number_value(v) for v in uniq]
    vals = np.array([*(p[0] for p in parsed), np.nan], dtype=float)
    bad = np.array([*(not p[1] for p in parsed), False])
    return (
        pd.Series(vals[codes], index=col.index),
        pd.Series(bad[codes], index=col.index),
    )


def _likert(col: pd.Series, scale: tuple[int, int]):
    """Scores from numbers or words.

    Returns (score, reason) where reason is "" (ok or blank), "range", "word"
    (a word on a scale that is not 5 points) or "text".
    """
    low, high = scale
    five = high - low + 1 == 5
    codes, uniq = pd.factorize(col.astype(object), sort=False)
    scores, reasons = [], []
    for v in uniq:
        text = _text_value(v)
        if not isinstance(text, str):
            scores.append(np.nan)
            reasons.append("")
            continue
        word = _LIKERT_TABLE.get(normalise_word(text))
        if word is not None:
            scores.append(low + word - 1 if five else np.nan)
            reasons.append("" if five else "word")
            continue
        m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)\s*分?", text)
        if m is None:
            scores.append(np.nan)
            reasons.append("text")
            continue
        value = float(m[1])
        if low <= value <= high:
            scores.append(value)
            reasons.append("")
        else:
            scores.append(np.nan)
            reasons.append("range")
    s = np.array([*scores, np.nan], dtype=float)
    r = np.array([*reasons, ""], dtype=object)
    return pd.Series(s[codes], index=col.index), pd.Series(r[codes], index=col.index)


# --------------------------------------------------------------------------
# Survey
# --------------------------------------------------------------------------

_SURVEY_IDS = ["respondent", "team", "department", "period"]


def load_survey(
    source,
    *,
    mapping: dict | None = None,
    sheet=None,
    strict: bool = False,
    scale: tuple[int, int] = (1, 5),
    id_columns: list[str] | dict | None = None,
) -> LoadResult:
    """Load questionnaire answers (long or wide) as the long survey table.

    Parameters
    ----------
    source : str, pathlib.Path or pandas.DataFrame
        Long form (``respondent, team, department, period, item, score``) or
        wide form (one column per question; id columns are recognised by
        header, e.g. 问卷编号/团队/部门/期间, or named in ``id_columns``).
    mapping : dict, optional
        ``{"header in file": canonical}`` with canonical in
        ``respondent, team, department, period, item, score`` (None: ignore).
    sheet : str or int, optional
        XLSX worksheet (default: the first).
    strict : bool, default=False
        Raise :class:`~diagnose.DataError` on any row-level problem.
    scale : (int, int), default=(1, 5)
        Lowest and highest score. Answers written as words (非常满意, 同意,
        Strongly agree, Very satisfied, ...) are mapped onto 5-point scales
        only (1..5 shifted to ``scale``); on other scales they are problems.
    id_columns : list of str or dict, optional
        Wide form: headers that identify the respondent rather than being
        questions; a dict maps them to canonical names. Id columns with no
        canonical name are dropped (listed in ``sources``).

    Returns
    -------
    LoadResult
        ``data``: ``respondent`` (str; the spreadsheet row number when the file
        has no respondent column), ``team``, ``department``, ``period`` (str or
        NaN), ``item`` (str: the question header), ``score`` (float on
        ``scale``); blank answers are left out (counted in
        ``sources["n_missing_answers"]``, not problems). ``text``: free-text
        columns (mostly non-score answers such as 意见/comments) in long form
        ``respondent, team, period, question, text``. Answers out of range or
        unreadable are set aside (``kept=False`` for that answer); a file row
        counts as kept when at least one of its answers is in ``data``.

        - Scores between the ends of the scale are read as written, half
          points included (``3.5``: some surveys allow them); ``4分`` and the
          Likert words are read too.
        - A respondent who answered twice counts once: in the wide form a
          later row with the same respondent id (and period) as an earlier
          row is set aside whole; in the long form a later answer to the same
          item by the same respondent (and period) is set aside. The first
          answer is kept, since a repeat would inflate n and weigh that
          respondent twice; each repeat is listed in ``problems`` naming the
          row kept. Without a respondent column every row is its own
          respondent and nothing is compared.

    Warns
    -----
    DataQualityWarning
        Answers set aside (by kind, naming rows), and "no answers" when the
        file yields no score at all (a header without rows, or every answer
        blank or unreadable).
    """
    from diagnose.exceptions import DataQualityWarning

    low, high = (int(v) for v in scale)
    if low >= high:
        raise ValueError(
            f"The 'scale' parameter of load_survey must be (low, high) with low < "
            f"high. Got {scale!r} instead."
        )
    scale = (low, high)
    raw = read_table(source, sheet=sheet)
    id_map = dict(mapping or {})
    forced_ids: list[str] = []
    if isinstance(id_columns, dict):
        id_map.update(id_columns)
    elif id_columns is not None:
        forced_ids = [str(c) for c in id_columns]

    def _survey_match(table):
        got = match_headers(
            list(table.frame.columns),
            SURVEY_COLUMNS,
            mapping=id_map,
            file=table.file,
            loader="load_survey",
        )
        found = got.columns
        long = "item" in found or "score" in found
        return got, [c for c in ("item", "score") if long and c not in found]

    # a title row above the header: row 1 names no survey column
    raw, match, missing_long, scan = _header_row_table(
        raw, SURVEY_COLUMNS, id_map, _survey_match, _survey_ok, look_anyway=True
    )
    frame = raw.frame
    headers = list(frame.columns)
    _warn_ambiguity(match)
    _warn_notes(raw)
    cols = match.columns
    rows = _rows(frame, raw)
    log = ProblemLog(raw.file)
    n_read = len(frame)
    frame, rows = _drop_blank(raw, frame, rows, log)
    ids = pd.DataFrame(index=frame.index)
    for c in _SURVEY_IDS:
        ids[c] = (
            _text(frame[cols[c]])
            if c in cols
            else pd.Series(np.nan, index=frame.index, dtype=object)
        )
    if "respondent" not in cols:
        ids["respondent"] = rows.astype(str)
    text_parts = []
    n_missing = 0
    n_repeat_answers = 0
    if "item" in cols or "score" in cols:  # long form
        if missing_long:
            hint = _header_hint(raw, scan, SURVEY_COLUMNS, id_map)
            raise missing_column_error(raw.file, missing_long, headers, hint=hint)
        item = _text(frame[cols["item"]])
        score, reason = _likert(frame[cols["score"]], scale)
        blank = is_blank(frame[cols["score"]])
        n_missing = int((blank & item.notna()).sum())
        no_item = item.isna() & ~blank
        if no_item.any():
            log.add(
                rows[no_item.to_numpy()],
                cols["item"],
                "",
                "has no item",
                "fill in the question",
                kept=False,
                label="answers without item",
            )
        _log_scores(log, rows, cols["score"], frame[cols["score"]], reason, scale)
        ok = item.notna() & score.notna()
        if "respondent" in cols:  # the same question answered twice
            key = ["respondent", "period"]
            again = ids[key].assign(item=item)[ok].duplicated(keep="first")
            if again.any():
                where = np.flatnonzero(ok.to_numpy())[again.to_numpy()]
                _log_repeats(
                    log, rows, ids.assign(item=item), cols["respondent"], where, ok
                )
                ok = ok.copy()
                ok.iloc[where] = False
        data = ids[ok].assign(item=item[ok], score=score[ok])
        kept_rows = set(rows[ok.to_numpy()])
        n_items = int(item[ok].nunique())
    else:  # wide form
        dropped = set(forced_ids) | {h for h, v in (mapping or {}).items() if v is None}
        candidates = [h for h in match.dropped if h not in dropped]
        items, free = [], []
        for h in candidates:
            cells = frame[h]
            present = ~is_blank(cells)
            if not present.any():
                items.append(h)
                continue
            _, reason = _likert(cells[present], scale)
            dates = parse_dates(cells[present].astype(str), year=2000)
            if dates.notna().mean() >= 0.8 and (reason == "text").all():
                continue  # a timestamp column (e.g. 提交时间): not a question
            if (reason != "text").mean() >= 0.5:
                items.append(h)
            else:
                free.append(h)
        if not items:
            hint = _header_hint(raw, scan, SURVEY_COLUMNS, id_map)
            raise DataError(
                f"{raw.file}: no question columns with scores found. Columns in file: "
                f"{headers}.\n  Fix: use a long table with columns item and score, or "
                "wide columns holding 1-5 scores (or words such as 满意)."
                + (f"\n  {hint}" if hint else "")
            )
        match.dropped = [h for h in match.dropped if h not in items and h not in free]
        scored = {h: _likert(frame[h], scale) for h in items}
        if "respondent" in cols:  # a respondent who filled in the form twice
            # a submission is a row with a readable answer: a blank or
            # unreadable first row does not set the real answers aside
            usable = np.zeros(len(ids), dtype=bool)
            for score, _ in scored.values():
                usable |= score.notna().to_numpy()
            first = ids["respondent"].notna().to_numpy() & usable
            again = np.zeros(len(ids), dtype=bool)
            again[first] = ids[["respondent", "period"]][first].duplicated(keep="first")
            if again.any():
                where = np.flatnonzero(again)
                _log_repeats(log, rows, ids, cols["respondent"], where, first)
                answers = frame.iloc[where][items]
                n_repeat_answers = int((~answers.apply(is_blank)).to_numpy().sum())
                keep = ~again
                frame, rows, ids = frame[keep], rows[keep], ids[keep]
                scored = {h: (sc[keep], rs[keep]) for h, (sc, rs) in scored.items()}
        long_parts = []
        for h in items:
            score, reason = scored[h]
            n_missing += int(is_blank(frame[h]).sum())
            _log_scores(log, rows, h, frame[h], reason, scale)
            ok = score.notna()
            long_parts.append(
                ids[ok].assign(item=h, score=score[ok], _row=rows[ok.to_numpy()])
            )
        for h in free:
            t = _text(frame[h])
            ok = t.notna()
            text_parts.append(
                pd.DataFrame(
                    {
                        "respondent": ids["respondent"][ok],
                        "team": ids["team"][ok],
                        "period": ids["period"][ok],
                        "question": h,
                        "text": t[ok],
                    }
                )
            )
        data = pd.concat(long_parts, ignore_index=True)
        kept_rows = set(data.pop("_row").tolist())
        n_items = len(items)
    data = data[SURVEY_COLUMNS].reset_index(drop=True)
    data["score"] = data["score"].astype(float)
    text = (
        pd.concat(text_parts, ignore_index=True)
        if text_parts
        else pd.DataFrame(
            {
                c: pd.Series(dtype=object)
                for c in ["respondent", "team", "period", "question", "text"]
            }
        )
    )
    report = _finish(log, strict)
    n_aside_answers = (
        int((~report["kept"] & (report["problem"] != _BLANK_ROW)).sum())
        if len(report)
        else 0
    )
    if n_repeat_answers:  # a repeated wide row is one problem of many answers
        n_aside_answers += n_repeat_answers - int((report["problem"] == _REPEAT).sum())
    if data.empty:
        warnings.warn(
            f"{raw.file}: no answers: "
            + (
                "the file has a header but no rows."
                if n_read == 0
                else f"none of its {n_read} rows holds a readable score."
            )
            + " The survey results will be empty. Fix: check that the file is "
            "the filled-in survey export (one row per respondent, or one row "
            "per answer with item and score columns).",
            DataQualityWarning,
            stacklevel=user_stacklevel(),
        )
    sources = _sources(
        raw,
        match,
        n_read,
        n_read - len(kept_rows),
        n_items=n_items,
        n_missing_answers=n_missing,
        n_answers_set_aside=n_aside_answers,
    )
    return LoadResult(data, report, sources, "survey", text)


_REPEAT = "repeats an earlier answer of the same respondent"


def _log_repeats(log, rows, ids, header, where, usable) -> None:
    """Set aside the rows at positions ``where``, which repeat the respondent
    (and period, and item in long form) of an earlier ``usable`` row: the
    first answer is kept, as a repeated submission would otherwise count
    twice in n."""
    cols = [c for c in ("respondent", "period", "item") if c in ids]
    at = np.flatnonzero(usable)
    key = ids[cols].iloc[at].reset_index(drop=True)
    first = (
        key.assign(_row=rows[at])
        .groupby(cols, dropna=False, sort=False)["_row"]
        .transform("first")
        .to_numpy()
    )
    kept_at = first[np.searchsorted(at, where)]  # ``where`` lies within ``usable``
    repeated = ids[cols].iloc[where].astype(object)
    repeated = repeated.where(repeated.notna(), None)
    fixes = [
        f"delete the repeated answer (row {kept}, the first, is kept), "
        f"or give each respondent their own id; "
        + (f"question {k[-1]!r}" if "item" in cols else "the survey")
        + f" was answered more than once by respondent {k[0]!r}"
        + (f" in period {k[1]!r}" if k[1] is not None else "")
        for kept, k in zip(kept_at, repeated.itertuples(index=False, name=None))
    ]
    log.add(
        rows[where],
        header,
        ids["respondent"].iloc[where].to_numpy(dtype=object),
        _REPEAT,
        fixes,
        kept=False,
        label="repeated answers",
    )


def _log_scores(log, rows, header, cells, reason, scale) -> None:
    low, high = scale
    for code, problem, fix, label in (
        (
            "range",
            f"is outside the scale {low}-{high}",
            f"use a number from {low} to {high} (half points such as 3.5 are "
            f"read), or pass scale= for another scale",
            "scores out of range",
        ),
        (
            "text",
            "is not a score",
            f"use a number from {low} to {high} or a word such as 满意 / agree",
            "unreadable scores",
        ),
        (
            "word",
            f"is a word, but words are only read on 5-point scales (scale is "
            f"{low}-{high})",
            "write the answer as a number",
            "scores written as words",
        ),
    ):
        bad = (reason == code).to_numpy()
        if bad.any():
            log.add(
                rows[bad], header, cells[bad], problem, fix, kept=False, label=label
            )


# --------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------


def load_kpis(
    source, *, mapping: dict | None = None, sheet=None, strict: bool = False
) -> LoadResult:
    """Load a KPI table (营销活动效果跟踪表 / 营销项目进度监控表).

    Parameters
    ----------
    source : str, pathlib.Path or pandas.DataFrame
    mapping : dict, optional
        ``{"header in file": canonical}`` with canonical in ``KPI_COLUMNS``.
    sheet : str or int, optional
    strict : bool, default=False

    Returns
    -------
    LoadResult
        ``data``: ``case_id`` (campaign/project, str or NaN), ``metric`` (str;
        from 关键指标, or from 监控节点 when there is no metric column),
        ``target``, ``actual`` (float; ``5,000`` and ``1 000`` -> 5000 and
        1000 (thousands only in groups of three), ``16%`` -> 0.16, ``4200人``
        -> 4200, ``1.2万`` -> 12000, ``1e3`` -> 1000, ``¥5,000`` -> 5000;
        ``actual`` NaN = not measured yet), ``period``, ``owner`` (str or
        NaN). The whole cell must be one number, optionally followed by a
        percent sign or a unit (人 元 次 个 条 天 小时 h pcs ...): ranges
        (``50-60%``), dates (``2023-10``), decimal commas (``1,2``) and other
        text are "not a number". Rows without a metric or a readable target,
        or with an unreadable actual, are set aside and listed; a target of 0
        is kept and listed (the variance is undefined).
    """
    raw = read_table(source, sheet=sheet)
    targets = [*KPI_COLUMNS, "activity"]

    def _kpi_match(table):
        got = match_headers(
            list(table.frame.columns),
            targets,
            mapping=mapping,
            file=table.file,
            loader="load_kpis",
        )
        found = got.columns
        if "metric" not in found and "activity" in found:
            found["metric"] = found.pop("activity")
        elif "activity" in found:
            got.dropped.append(found.pop("activity"))
        return got, [c for c in ("metric", "target", "actual") if c not in found]

    # a title row above the header (handbook tables): read from the header
    raw, match, missing, scan = _header_row_table(
        raw, targets, mapping, _kpi_match, _kpi_ok
    )
    frame = raw.frame
    headers = list(frame.columns)
    _warn_ambiguity(match)
    cols = match.columns
    if missing:
        hint = _header_hint(raw, scan, targets, mapping)
        raise missing_column_error(raw.file, missing, headers, hint=hint)
    _warn_notes(raw)
    rows = _rows(frame, raw)
    log = ProblemLog(raw.file)
    n_read = len(frame)
    frame, rows = _drop_blank(raw, frame, rows, log)
    out = pd.DataFrame(index=frame.index)
    for c in ("case_id", "metric", "period", "owner"):
        out[c] = (
            _text(frame[cols[c]])
            if c in cols
            else pd.Series(np.nan, index=frame.index, dtype=object)
        )
    empty = out["metric"].isna()
    if empty.any():
        log.add(
            rows[empty.to_numpy()],
            cols["metric"],
            "",
            "has no metric",
            "fill in the metric name",
            kept=False,
            label="rows without metric",
        )
    for c in ("target", "actual"):
        values, bad = _numbers(frame[cols[c]])
        if bad.any():
            log.add(
                rows[bad.to_numpy()],
                cols[c],
                frame[cols[c]][bad],
                "is not a number",
                [_number_fix(v) for v in frame[cols[c]][bad]],
                kept=False,
                label="unreadable numbers",
            )
        out[c] = values
    no_target = out["target"].isna() & ~is_blank(frame[cols["target"]]).pipe(
        lambda b: ~b | b
    )  # all
    no_target = out["target"].isna() & is_blank(frame[cols["target"]])
    if no_target.any():
        log.add(
            rows[no_target.to_numpy()],
            cols["target"],
            "",
            "has no target",
            "fill in the target value",
            kept=False,
            label="rows without target",
        )
    zero = out["target"] == 0
    if zero.any():
        log.add(
            rows[zero.to_numpy()],
            cols["target"],
            frame[cols["target"]][zero],
            "is 0, so the variance (actual - target) / target is undefined",
            "check the target",
            kept=True,
            label="zero targets",
        )
    aside = log.set_aside_rows()
    keep = ~np.isin(rows, list(aside))
    data = out[keep][KPI_COLUMNS].reset_index(drop=True)
    report = _finish(log, strict)
    return LoadResult(data, report, _sources(raw, match, n_read, len(aside)), "kpis")


# --------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------

_DIRECTIONS = {
    "lower": "lower",
    "lower is better": "lower",
    "lower_is_better": "lower",
    "min": "lower",
    "minimize": "lower",
    "less": "lower",
    "越低越好": "lower",
    "越少越好": "lower",
    "低": "lower",
    "higher": "higher",
    "higher is better": "higher",
    "higher_is_better": "higher",
    "max": "higher",
    "maximize": "higher",
    "more": "higher",
    "越高越好": "higher",
    "越多越好": "higher",
    "高": "higher",
}


def load_benchmarks(source) -> LoadResult:
    """Load industry benchmarks (YAML, CSV/XLSX or a DataFrame).

    Parameters
    ----------
    source : str, pathlib.Path, list, dict or pandas.DataFrame
        YAML file (``.yaml``/``.yml``) holding a list of
        ``{metric, value, source, direction, unit, statistic}`` or a mapping
        ``metric -> {value, ...}``; any table the other loaders read; or the
        already-parsed list/dict.

    Returns
    -------
    LoadResult
        ``data``: ``metric`` (str), ``value`` (float), ``source``, ``unit``
        (str or NaN), ``direction`` (``"lower"``/``"higher"``: which way is
        better; NaN when missing or unknown, listed as kept), ``statistic``
        (``median``/``mean``/``rate``/``top2box``... lower-cased, NaN if not
        given). Entries without a metric or a numeric value are set aside.
        ``row`` in ``problems`` is the entry number (1 = first) for YAML.
    """
    sha = None
    if isinstance(source, (list, dict)):
        records, label, is_yaml = source, "<benchmarks>", True
    elif isinstance(source, (str, Path)) and Path(source).suffix.lower() in (
        ".yaml",
        ".yml",
    ):
        path = Path(source)
        label, is_yaml = path.name, True
        if not path.is_file():
            raise DataError(f"{label}: file not found ({path}). Fix: check the path.")
        data_bytes = path.read_bytes()
        import hashlib

        sha = hashlib.sha256(data_bytes).hexdigest()
        try:
            records = yaml.safe_load(data_bytes.decode("utf-8-sig")) or []
        except (yaml.YAMLError, UnicodeDecodeError) as err:
            raise DataError(
                f"{label}: not valid YAML ({err}). Fix: check the indentation."
            ) from err
    else:
        is_yaml = False
    if is_yaml:
        if isinstance(records, dict):
            records = [
                {"metric": k, **(v if isinstance(v, dict) else {"value": v})}
                for k, v in records.items()
            ]
        if not isinstance(records, list) or not all(
            isinstance(r, dict) for r in records
        ):
            raise DataError(
                f"{label}: expected a list of entries with metric, value, "
                f"direction, ... "
                "Fix: see the example in the load_benchmarks docstring."
            )
        frame = (
            pd.DataFrame.from_records(records)
            if records
            else pd.DataFrame(columns=["metric", "value"])
        )
        raw = RawTable(frame, label, sha256=sha)
        rows = np.arange(len(frame), dtype="int64") + 1
    else:
        raw = read_table(source)
        frame = raw.frame
        rows = _rows(frame, raw)
        _warn_notes(raw)
    frame.columns = [str(c) for c in frame.columns]
    targets = list(BENCHMARK_COLUMNS)
    match = match_headers(
        list(frame.columns), targets, file=raw.file, loader="load_benchmarks"
    )
    cols = match.columns
    missing = [c for c in ("metric", "value") if c not in cols]
    if missing:
        raise missing_column_error(raw.file, missing, list(frame.columns))
    log = ProblemLog(raw.file)
    n_read = len(frame)
    frame, rows = _drop_blank(raw, frame, rows, log)
    out = pd.DataFrame(index=frame.index)
    for c in ("metric", "source", "unit", "statistic"):
        out[c] = (
            _text(frame[cols[c]])
            if c in cols
            else pd.Series(np.nan, index=frame.index, dtype=object)
        )
    out["statistic"] = out["statistic"].str.casefold()
    empty = out["metric"].isna()
    if empty.any():
        log.add(
            rows[empty.to_numpy()],
            cols["metric"],
            "",
            "has no metric",
            "name the metric",
            kept=False,
            label="entries without metric",
        )
    values, bad = _numbers(frame[cols["value"]])
    bad |= values.isna()
    if bad.any():
        log.add(
            rows[bad.to_numpy()],
            cols["value"],
            frame[cols["value"]][bad],
            "is not a number",
            [
                "fill in the benchmark value; the entry was set aside"
                if _parse_number_value(v)[1]  # blank (a number would not be bad)
                else _number_fix(v)
                for v in frame[cols["value"]][bad]
            ],
            kept=False,
            label="unreadable values",
        )
    out["value"] = values
    if "direction" in cols:
        words = _text(frame[cols["direction"]])
        direction, unknown = _lookup(
            words, {normalise_word(k): v for k, v in _DIRECTIONS.items()}
        )
        unknown |= words.isna()
    else:
        direction = pd.Series(np.nan, index=frame.index, dtype=object)
        unknown = pd.Series(True, index=frame.index)
    if unknown.any():
        vals = frame[cols["direction"]][unknown] if "direction" in cols else ""
        log.add(
            rows[unknown.to_numpy()],
            cols.get("direction", "direction"),
            vals,
            "does not say whether lower or higher is better",
            "add direction: lower (or higher)",
            kept=True,
            label="missing directions",
        )
    out["direction"] = direction
    aside = log.set_aside_rows()
    keep = ~np.isin(rows, list(aside))
    data = out[keep][BENCHMARK_COLUMNS].reset_index(drop=True)
    report = _finish(log, False)
    return LoadResult(
        data, report, _sources(raw, match, n_read, len(aside)), "benchmarks"
    )
