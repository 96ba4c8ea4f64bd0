"""Result objects of the pilot comparisons: frozen, tidy, readable.

Every comparison returns a frozen dataclass with ``to_frame()`` (one tidy
row), ``summary()`` (one plain-language sentence, English or Chinese) and
``_repr_html_()`` for notebooks, as in STYLE.md §2.
"""

from __future__ import annotations

import dataclasses
import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "Effect",
    "DurationEffect",
    "fmt",
    "pct",
    "html_table",
    "interval_and_test_disagree",
]

METRIC_NAMES = {
    "en": {
        "cycle_time": "median cycle time",
        "overdue_rate": "overdue rate",
        "satisfaction": "mean satisfaction",
    },
    "zh": {
        "cycle_time": "周期中位数",
        "overdue_rate": "逾期率",
        "satisfaction": "满意度均值",
    },
}


def metric_name(metric: str, language: str = "en") -> str:
    return METRIC_NAMES.get(language, METRIC_NAMES["en"]).get(metric, metric)


def fmt(x: float, digits: int = 2) -> str:
    """A number for prose: NaN -> 'n/a', thousands separators, fixed digits."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(xf):
        return "n/a"
    if math.isinf(xf):
        return "∞" if xf > 0 else "−∞"
    return f"{xf:,.{digits}f}"


def pct(x: float, digits: int = 0, *, sign: bool = True) -> str:
    """``-0.2 -> '−20%'`` style from a value already in percent."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.{digits}f}%" if sign else f"{x:.{digits}f}%"


def p_text(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p n/a"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def interval_and_test_disagree(ci_low, ci_high, p_value, confidence=0.95):
    """Whether an interval and a test give different verdicts on "no change".

    True where one says the change is clear (the ``confidence`` interval
    excludes 0, or ``p < 1 - confidence``) and the other does not. The two
    come from different methods (e.g. Newcombe's interval and Fisher's test,
    a bootstrap interval of the median and the Mann–Whitney test), so near
    the margin they can disagree; such a result is borderline. Works on
    scalars and on arrays/Series (NaN anywhere: False).
    """
    low, high = np.asarray(ci_low, float), np.asarray(ci_high, float)
    p, level = np.asarray(p_value, float), np.asarray(confidence, float)
    known = ~(np.isnan(low) | np.isnan(high) | np.isnan(p))
    with np.errstate(invalid="ignore"):
        by_interval = (low > 0) | (high < 0)
        by_test = p < 1 - level
    out = known & (by_interval != by_test)
    return bool(out) if out.ndim == 0 else out


def html_table(frame: pd.DataFrame, title: str, sentence: str) -> str:
    return (
        f"<div><strong>{html.escape(title)}</strong><p>{html.escape(sentence)}</p>"
        f"{frame.to_html(index=False, float_format=lambda v: f'{v:.4g}', na_rep='')}"
        "</div>"
    )


class _TidyMixin:
    """``to_frame`` from the dataclass fields; ``details`` stays out."""

    _skip_fields: tuple[str, ...] = ("details",)

    def to_frame(self) -> pd.DataFrame:
        row = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if f.name not in self._skip_fields
        }
        return pd.DataFrame([row])

    def _repr_html_(self) -> str:
        return html_table(self.to_frame(), type(self).__name__, self.summary())

    def __str__(self) -> str:  # print(result) gives the sentence
        return self.summary()

    def summary(self, language: str | None = None) -> str:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Effect(_TidyMixin):
    """A before/after comparison of one metric.

    Attributes
    ----------
    metric : str
        ``cycle_time``, ``overdue_rate``, ``satisfaction`` or a survey dimension.
    method : str
        The estimator, interval and test, in words.
    estimate, ci_low, ci_high : float
        ``after - before`` of the summary statistic (metric units) with its CI.
    p_value : float
        Of the test named in ``method`` (two-sided).
    n_before, n_after : int
    before, after : float
        The summary statistic (median, proportion, mean) per period.
    after_ci_low, after_ci_high : float
        CI of the pilot-period level (for ``at_most``/``at_least`` targets).
    pct_change, pct_ci_low, pct_ci_high : float
        ``100 * (after / before - 1)`` with its CI (NaN where not defined).
    statistic : str
        ``median``, ``proportion`` or ``mean``.
    unit : str
    comparison : str
        ``before/after`` (one group over time), ``survival``, ``DiD``.
    group : str
        A label of the compared group (dimension, team set).
    confidence : float
    language : str
        Language of :meth:`summary` (``en`` or ``zh``).
    """

    metric: str
    method: str
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    n_before: int
    n_after: int
    before: float = math.nan
    after: float = math.nan
    after_ci_low: float = math.nan
    after_ci_high: float = math.nan
    pct_change: float = math.nan
    pct_ci_low: float = math.nan
    pct_ci_high: float = math.nan
    statistic: str = ""
    unit: str = ""
    comparison: str = "before/after"
    group: str = ""
    confidence: float = 0.95
    language: str = "en"
    details: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def summary(self, language: str | None = None) -> str:
        lang = language or self.language
        level = f"{self.confidence:.0%}"
        name = metric_name(self.metric, lang)
        if self.group and self.group != self.metric:
            name = (
                f"{name} ({self.group})" if lang == "en" else f"{name}（{self.group}）"
            )
        is_prop = self.statistic == "proportion"
        scale = 100.0 if is_prop else 1.0
        unit = " pp" if is_prop else (f" {self.unit}" if self.unit else "")
        b = f"{self.before * 100:.1f}%" if is_prop else fmt(self.before)
        a = f"{self.after * 100:.1f}%" if is_prop else fmt(self.after)
        d = fmt(self.estimate * scale, 1 if is_prop else 2)
        lo, hi = fmt(self.ci_low * scale, 1), fmt(self.ci_high * scale, 1)
        rel = ""
        if not math.isnan(self.pct_change):
            rel = (
                f"; {pct(self.pct_change)} [{pct(self.pct_ci_low)} to "
                f"{pct(self.pct_ci_high)}]"
                if lang == "en"
                else f"；相对变化 {pct(self.pct_change)}（{pct(self.pct_ci_low)} 至 "
                f"{pct(self.pct_ci_high)}）"
            )
        borderline = self.borderline
        if lang == "zh":
            return (
                f"{name}从 {b} 变为 {a}（差值 {d}{unit}，{level} 置信区间 {lo} 至 {hi}"
                f"{rel}）；{p_text(self.p_value)}，"
                f"样本 {self.n_before} → {self.n_after}。"
                + ("临界：区间与检验的结论不一致。" if borderline else "")
            )
        return (
            f"The {name} went from {b} to {a} (change {d}{unit}, {level} CI {lo} to "
            f"{hi}{rel}); {p_text(self.p_value)}, n = {self.n_before} → {self.n_after}."
            + (" Borderline: the interval and the test disagree." if borderline else "")
        )

    @property
    def borderline(self) -> bool:
        """True when the interval and the test disagree on "no change"
        (:func:`interval_and_test_disagree`)."""
        return interval_and_test_disagree(
            self.ci_low, self.ci_high, self.p_value, self.confidence
        )


@dataclass(frozen=True)
class DurationEffect(Effect):
    """:class:`Effect` of cycle times, plus ratio of medians and Hodges–Lehmann.

    Extra attributes
    ----------------
    ratio, ratio_ci_low, ratio_ci_high : float
        ``median_after / median_before`` with its bootstrap CI.
    hl_shift, hl_ci_low, hl_ci_high : float
        Hodges–Lehmann shift (median of all ``after_j - before_i``) with the
        Moses distribution-free CI.
    """

    ratio: float = math.nan
    ratio_ci_low: float = math.nan
    ratio_ci_high: float = math.nan
    hl_shift: float = math.nan
    hl_ci_low: float = math.nan
    hl_ci_high: float = math.nan
