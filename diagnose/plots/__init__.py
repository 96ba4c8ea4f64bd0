"""Charts (seaborn/matplotlib). Each function returns a matplotlib Axes.

Every chart draws one of the package's tidy tables, so what a chart shows can
also be had as a table. Chinese labels render with an installed CJK font
(:func:`diagnose.plots._style.cjk_font`).
"""

from diagnose.plots.bottlenecks import plot_bottlenecks, plot_handoff_matrix, plot_workload
from diagnose.plots.compare import plot_before_after, plot_did, plot_effects, plot_pretrend
from diagnose.plots.flow import (
    plot_aging_wip,
    plot_cumulative_flow,
    plot_cycle_time,
    plot_overdue_rate,
    plot_stage_breakdown,
)
from diagnose.plots.survey import plot_dimension_scores, plot_likert

__all__ = [
    "plot_cycle_time",
    "plot_stage_breakdown",
    "plot_overdue_rate",
    "plot_cumulative_flow",
    "plot_aging_wip",
    "plot_bottlenecks",
    "plot_handoff_matrix",
    "plot_workload",
    "plot_likert",
    "plot_dimension_scores",
    "plot_before_after",
    "plot_did",
    "plot_pretrend",
    "plot_effects",
]
