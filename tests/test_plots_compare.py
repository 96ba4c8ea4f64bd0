"""Pilot charts: log-scale labels are plain numbers (no mathtext)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg

from diagnose.plots.compare import plot_before_after


def _cases(values) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "duration": values,
            "period": ["before"] * (n // 2) + ["after"] * (n - n // 2),
            "group": "pilot",
        }
    )


def _labels(ax, minor=False) -> list[str]:
    ax.figure.canvas.draw()
    ticks = ax.get_yticklabels(minor=minor)
    lo, hi = ax.get_ylim()
    return [t.get_text() for t in ticks if lo <= t.get_position()[1] <= hi]


def test_log_axis_labels_are_plain_numbers_over_several_decades():
    ax = plot_before_after(_cases([0.5, 2.0, 7.0, 30.0, 120.0, 0.8, 3.0, 60.0]))
    assert ax.get_yscale() == "log"
    assert _labels(ax) == ["1", "10", "100"]


def test_log_axis_minor_labels_within_one_decade_are_plain_numbers():
    # 3..8 days spans no power of 10 but 10**0.5: matplotlib labels minor ticks
    ax = plot_before_after(_cases(list(np.linspace(3, 8, 20))))
    minor = [s for s in _labels(ax, minor=True) if s]
    assert minor and set(minor) <= {"3", "4", "5", "6", "7", "8"}
    assert not any("$" in s or "times" in s for s in _labels(ax) + minor)


def test_rendering_the_chart_needs_no_mathtext(monkeypatch):
    seen = []
    original = RendererAgg.get_text_width_height_descent

    def spy(self, s, prop, ismath):
        seen.append((s, ismath))
        return original(self, s, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", spy)
    ax = plot_before_after(_cases([0.5, 2.0, 7.0, 30.0, 3.0, 4.0]))
    ax.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert seen, "the spy saw no text"
    assert [s for s, ismath in seen if ismath] == []
