"""Exceptions and warnings raised by :mod:`diagnose`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where it is used: the CLI starts faster
    import pandas as pd

__all__ = [
    "DataError",
    "ConfigError",
    "DataQualityWarning",
    "PROBLEM_COLUMNS",
    "user_stacklevel",
]

#: Columns of every data-quality report (the ``problems`` frame).
PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem", "fix"]


def _empty_problems() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})


class DataError(ValueError):
    """Input data that cannot be used.

    Raised when a file is unreadable or lacks a required column, or, with
    ``strict=True``, on the first row-level problem. The message names the file,
    the row (spreadsheet numbering: the header is row 1), the column, the bad
    value and how to fix it; :attr:`problems` holds the same facts as a
    DataFrame with the columns ``file, row, column, value, problem, fix``.
    """

    def __init__(self, message: str, problems: pd.DataFrame | None = None):
        super().__init__(message)
        self.problems = _empty_problems() if problems is None else problems

    @classmethod
    def from_problems(cls, problems: pd.DataFrame, *, limit: int = 10) -> DataError:
        """Build an error whose message lists the first ``limit`` problems."""
        import pandas as pd

        files = [f for f in problems["file"].dropna().unique() if f]
        head = ", ".join(map(str, files)) or "input"
        n = len(problems)
        lines = [f"{head}: {n} problem{'s' if n != 1 else ''} (see err.problems)"]
        for rec in problems.head(limit).itertuples(index=False):
            where = []
            if pd.notna(rec.row) and rec.row != "":
                where.append(f"row {int(rec.row)}")
            if rec.column:
                where.append(f"column {rec.column!r}")
            prefix = ", ".join(where)
            value = "" if pd.isna(rec.value) or rec.value == "" else f"{rec.value!r} "
            text = f"  {prefix + ': ' if prefix else ''}{value}{rec.problem}."
            if rec.fix:
                text += f" Fix: {rec.fix}"
            lines.append(text)
        if n > limit:
            lines.append(f"  ... and {n - limit} more")
        return cls("\n".join(lines), problems)


class ConfigError(ValueError):
    """A configuration file or parameter that cannot be used (names the key)."""


class DataQualityWarning(UserWarning):
    """Soft data issue: the rows are kept, but the analyst should look at them."""


def user_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn` that points at the first
    caller outside this package (the user's notebook cell or script), however
    deep inside :mod:`diagnose` the warning is raised: the metrics share
    helpers, so a fixed level points at ``diagnose`` itself from some callers
    (Python 3.12's ``skip_file_prefixes`` does the same; 3.11 is supported).
    Frames of :mod:`contextlib` and :mod:`warnings` are skipped too, so a
    warning re-raised when a ``with`` block of this package ends (a context
    manager's exit, or ``catch_warnings``) points at the user as well."""
    import contextlib
    import os
    import sys
    import warnings

    skip = (
        os.path.dirname(os.path.abspath(__file__)) + os.sep,
        os.path.abspath(contextlib.__file__),
        os.path.abspath(warnings.__file__),
    )
    frame = sys._getframe(1)  # the function that warns: level 1
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        skip
    ):
        frame = frame.f_back
        level += 1
    return level
