"""Process metrics: flow (cycle time, waits, WIP), SLA, overdue, survival.

Every function takes the canonical activity table first and returns a tidy
DataFrame; time-dependent ones need an explicit ``as_of``.
"""

from diagnose.metrics.flow import (
    activity_durations,
    aging_wip,
    case_durations,
    cycle_time,
    flow_efficiency,
    stage_summary,
    waits,
)

__all__ = [
    "activity_durations",
    "aging_wip",
    "case_durations",
    "cycle_time",
    "flow_efficiency",
    "stage_summary",
    "waits",
]
