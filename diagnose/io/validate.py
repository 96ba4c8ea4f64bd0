"""The data-quality report: collect every problem, then explain.

Loaders record row-level problems in a :class:`ProblemLog`; its frame has the
columns ``file, row, column, value, problem, fix, kept``:

* ``row`` is the spreadsheet row (header = row 1; for a DataFrame, index
  position + 2), ``column`` the header as written in the file, ``value`` the
  cell as written (text);
* ``kept`` is False when the row was **set aside** (not in the loaded data)
  and True when the row was kept and only the bad cell was blanked or the
  issue noted.

Rules used by the loaders (documented here once):

* rows whose required fields are unusable (empty or unparseable case id,
  activity or start; unparseable end; end before start, comparing what was
  written: a date-only end on the start's date is not before it) are set
  aside; an end cell holding a status word (进行中, 未完成, TBD) is not
  unparseable: the task is kept as unfinished and the cell listed;
* a fully blank row (a blank line of a CSV file, an empty spreadsheet row)
  is listed once, as "is a blank row", and set aside; row numbers count it,
  so they stay the file's line numbers (blank rows after the last filled
  row are not read);
* bad optional fields (due/planned dates, unknown status or priority) are
  blanked (NA) and listed with ``kept=True``;
* duplicate rows (identical in every column of the file, in a table with a
  task id) are set aside after the first copy; a task id used by rows that
  differ is listed with ``kept=True`` for every copy after the first.

A missing required column or an unreadable file raises
:class:`~diagnose.DataError` at once. ``strict=True`` raises one DataError
listing every row-level problem instead of returning.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from diagnose.exceptions import (
    PROBLEM_COLUMNS,
    DataError,
    DataQualityWarning,
    user_stacklevel,
)

__all__ = [
    "REPORT_COLUMNS",
    "ProblemLog",
    "missing_column_error",
    "empty_report",
    "warn_problems",
    "raise_if_strict",
]

#: Columns of the report returned by the loaders (PROBLEM_COLUMNS + kept).
REPORT_COLUMNS = [*PROBLEM_COLUMNS, "kept"]


def empty_report() -> pd.DataFrame:
    """An empty data-quality report with the right columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    frame["row"] = frame["row"].astype("Int64")
    frame["kept"] = pd.Series(dtype=bool)
    return frame


def _as_text(values) -> list:
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append("")
        elif isinstance(v, pd.Timestamp):
            out.append(v.isoformat(sep=" "))
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


class ProblemLog:
    """Collects problems of one file (vectorised: many rows per call).

    Parameters
    ----------
    file : str
        File name used in every problem.
    """

    def __init__(self, file: str):
        self.file = file
        self._parts: list[pd.DataFrame] = []
        #: (problem text, kept) -> short noun used in summaries/warnings
        self.labels: dict[str, str] = {}

    def add(
        self,
        rows,
        column: str,
        values,
        problem: str,
        fix: str,
        *,
        kept: bool,
        label: str | None = None,
    ) -> None:
        """Record ``problem`` for every row in ``rows``.

        Parameters
        ----------
        rows : array-like of int
            Spreadsheet row numbers.
        column : str
            Header as written in the file ("" for a whole-row problem).
        values : array-like or scalar
            The offending cell values (one per row, or one for all).
        problem : str
            What is wrong, without the value ("is not a date").
        fix : str
            How to fix it.
        kept : bool
            True if the row stays in the data.
        label : str, optional
            Plural noun phrase for summaries ("end before start").
        """
        rows = np.asarray(rows, dtype="int64").ravel()
        if rows.size == 0:
            return
        if np.ndim(values) == 0 or isinstance(values, str):
            values = [values] * rows.size
        frame = pd.DataFrame(
            {
                "file": self.file,
                "row": pd.array(rows, dtype="Int64"),
                "column": column,
                "value": _as_text(values),
                "problem": problem,
                "fix": fix,
                "kept": kept,
            }
        )
        self._parts.append(frame)
        self.labels.setdefault(problem, label or problem)

    def set_aside_rows(self) -> set[int]:
        """Rows with at least one problem that sets them aside."""
        rows: set[int] = set()
        for part in self._parts:
            if not part["kept"].iloc[0]:
                rows.update(int(r) for r in part["row"])
        return rows

    def frame(self) -> pd.DataFrame:
        """All problems, ordered by row then order of recording."""
        if not self._parts:
            return empty_report()
        frame = pd.concat(self._parts, ignore_index=True)
        frame = frame.sort_values("row", kind="stable").reset_index(drop=True)
        frame["kept"] = frame["kept"].astype(bool)
        return frame[REPORT_COLUMNS]

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)


def missing_column_error(
    file: str, missing: list[str], headers: list[str], *, hint: str = ""
) -> DataError:
    """DataError for required columns absent from a file (names the fix)."""
    problems = pd.DataFrame(
        {
            "file": file,
            "row": pd.array([pd.NA] * len(missing), dtype="Int64"),
            "column": missing,
            "value": "",
            "problem": "required column not found",
            "fix": [
                f"rename the header in the file, or pass mapping={{'<header>': "
                f"{m!r}}} (command line: --map '<header>={m}')"
                for m in missing
            ],
        }
    )
    names = ", ".join(repr(m) for m in missing)
    lines = [
        f"{file}: required column{'s' if len(missing) > 1 else ''} {names} not found. "
        f"Columns in file: {headers}.",
        f"  Fix: rename the header in the file, or pass mapping="
        f"{{'<header in file>': {missing[0]!r}}} (command line: --map "
        f"'<header in file>={missing[0]}').",
    ]
    if hint:
        lines.append(f"  {hint}")
    return DataError("\n".join(lines), problems)


def _row_list(rows, limit: int = 5) -> str:
    rows = sorted(set(int(r) for r in rows))
    text = ", ".join(map(str, rows[:limit]))
    return text + (", ..." if len(rows) > limit else "")


def warn_problems(
    report: pd.DataFrame, labels: dict[str, str], *, stacklevel: int | None = None
) -> None:
    """One DataQualityWarning summarising the report by kind, naming rows;
    it points at ``stacklevel`` (default: the first caller outside
    :mod:`diagnose`)."""
    if report.empty:
        return
    file = report["file"].iloc[0]
    parts = []
    for (problem, kept), group in report.groupby(["problem", "kept"], sort=False):
        what = labels.get(problem, problem)
        action = "kept" if kept else "set aside"
        parts.append(f"{len(group)} {what} ({action}; rows {_row_list(group['row'])})")
    warnings.warn(
        f"{file}: "
        + "; ".join(parts)
        + ". Listed in result.problems (the report's Data quality section).",
        DataQualityWarning,
        stacklevel=user_stacklevel() if stacklevel is None else stacklevel,
    )


def raise_if_strict(report: pd.DataFrame, strict: bool) -> None:
    """With ``strict=True``, raise one DataError listing every problem."""
    if strict and not report.empty:
        raise DataError.from_problems(report)
