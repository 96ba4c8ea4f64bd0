"""Charts (seaborn/matplotlib). Each function returns a matplotlib Axes.

Every chart draws one of the package's tidy tables, so what a chart shows can
also be had as a table. Chinese labels render with an installed CJK font
(:func:`diagnose.plots._style.cjk_font`).

Charts are imported on first use (``diagnose._lazy_package``): a notebook
that draws the pilot charts does not import the survey module, and
``import diagnose.plots`` costs nothing until a chart is drawn.
"""

from diagnose import _lazy_package

_LAZY = {
    "plot_bottlenecks": "diagnose.plots.bottlenecks",
    "plot_handoff_matrix": "diagnose.plots.bottlenecks",
    "plot_workload": "diagnose.plots.bottlenecks",
    "plot_before_after": "diagnose.plots.compare",
    "plot_did": "diagnose.plots.compare",
    "plot_effects": "diagnose.plots.compare",
    "plot_pretrend": "diagnose.plots.compare",
    "plot_aging_wip": "diagnose.plots.flow",
    "plot_cumulative_flow": "diagnose.plots.flow",
    "plot_cycle_time": "diagnose.plots.flow",
    "plot_overdue_rate": "diagnose.plots.flow",
    "plot_stage_breakdown": "diagnose.plots.flow",
    "plot_dimension_scores": "diagnose.plots.survey",
    "plot_likert": "diagnose.plots.survey",
}

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

__getattr__, __dir__ = _lazy_package(__name__, _LAZY)
