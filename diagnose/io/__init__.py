"""Loading and validating input tables (see :mod:`diagnose.io.load`)."""

from diagnose.io.dates import parse_date_range, parse_dates
from diagnose.io.load import (
    LoadResult,
    as_activities,
    load_activities,
    load_benchmarks,
    load_kpis,
    load_survey,
)

__all__ = [
    "LoadResult",
    "load_activities",
    "load_survey",
    "load_kpis",
    "load_benchmarks",
    "as_activities",
    "parse_dates",
    "parse_date_range",
]
