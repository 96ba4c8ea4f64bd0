"""Process metrics: flow (cycle time, waits, WIP), SLA, overdue, survival,
workload, rework and handoffs, benchmarks.

Every function takes the canonical activity table first and returns a tidy
DataFrame; time-dependent ones need an explicit ``as_of``.
"""

from diagnose.metrics.benchmarks import compare_to_benchmarks, headline_metrics
from diagnose.metrics.flow import (
    activity_durations,
    aging_wip,
    case_durations,
    case_endings,
    cycle_time,
    flow_efficiency,
    stage_summary,
    transitions,
    waits,
)
from diagnose.metrics.overdue import (
    kpi_variance,
    overdue,
    overdue_rate,
    progress_deviation,
)
from diagnose.metrics.rework import handoffs, rework
from diagnose.metrics.sla import handoff_response, sla_breaches, sla_summary
from diagnose.metrics.survival import survival_curve
from diagnose.metrics.throughput import throughput, wip
from diagnose.metrics.workload import overload_delay, overload_summary, workload

__all__ = [
    "activity_durations",
    "aging_wip",
    "case_durations",
    "case_endings",
    "cycle_time",
    "flow_efficiency",
    "stage_summary",
    "waits",
    "transitions",
    "overdue",
    "overdue_rate",
    "progress_deviation",
    "kpi_variance",
    "sla_breaches",
    "sla_summary",
    "handoff_response",
    "survival_curve",
    "throughput",
    "wip",
    "workload",
    "overload_summary",
    "overload_delay",
    "rework",
    "handoffs",
    "headline_metrics",
    "compare_to_benchmarks",
]
