"""diagnose: find where a team's process is stuck, and whether a pilot helped.

The public API, in the order an analysis uses it:

* loading — :func:`load_activities`, :func:`load_survey`, :func:`load_kpis`,
  :func:`load_benchmarks` (each returns a :class:`LoadResult` with the clean
  table and the data-quality report), :func:`load_settings`, :func:`load_sample`;
* flow metrics — :func:`case_durations`, :func:`cycle_time`,
  :func:`stage_summary`, :func:`waits`, :func:`overdue_rate`, :func:`sla_summary`
  and the rest of :mod:`diagnose.metrics`;
* diagnosis — :func:`bottlenecks` and :func:`diagnose` (everything in one
  :class:`DiagnosisResult`);
* questionnaires — :mod:`diagnose.survey`;
* pilots — :func:`compare_pilot` and the rest of :mod:`diagnose.compare`;
* charts — :mod:`diagnose.plots`; reports — :mod:`diagnose.report`.
"""

__version__ = "0.1.0"

from diagnose import survey
from diagnose.bottlenecks import bottlenecks
from diagnose.compare import compare_pilot, load_pilot_config
from diagnose.config import Settings, load_settings
from diagnose.datasets import load_sample
from diagnose.diagnosis import DiagnosisResult, diagnose
from diagnose.exceptions import ConfigError, DataError, DataQualityWarning
from diagnose.io import (
    LoadResult,
    load_activities,
    load_benchmarks,
    load_kpis,
    load_survey,
)
from diagnose.metrics import (
    aging_wip,
    case_durations,
    cycle_time,
    flow_efficiency,
    handoffs,
    overdue_rate,
    rework,
    sla_summary,
    stage_summary,
    throughput,
    waits,
    wip,
    workload,
)
from diagnose.workdays import WorkCalendar

__all__ = [
    "__version__",
    "load_activities",
    "load_survey",
    "load_kpis",
    "load_benchmarks",
    "load_settings",
    "load_sample",
    "LoadResult",
    "Settings",
    "WorkCalendar",
    "case_durations",
    "cycle_time",
    "stage_summary",
    "waits",
    "flow_efficiency",
    "aging_wip",
    "overdue_rate",
    "sla_summary",
    "throughput",
    "wip",
    "workload",
    "rework",
    "handoffs",
    "bottlenecks",
    "diagnose",
    "DiagnosisResult",
    "compare_pilot",
    "load_pilot_config",
    "survey",
    "DataError",
    "ConfigError",
    "DataQualityWarning",
]
