"""Interrupted time series: the before/after design when there is no control.

Segmented regression on the monthly median of the outcome (Wagner et al.
2002; Bernal, Cummins & Gasparrini 2017)::

    median_t = b0 + b1 * t + b2 * after_t + b3 * (t - t_switch) * after_t
               [+ month-of-year]

``b2`` is the level change at the switch and ``b3`` the slope change per
month. Monthly medians are autocorrelated, so standard errors are
Newey–West HAC (statsmodels ``cov_type="HAC"``, Bartlett kernel, lag
``floor(4 (T/100)^(2/9))`` but at least 1). Month-of-year dummies absorb
seasonality when there are at least 24 months; with less, a warning says
that seasonality cannot be separated from the change.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from diagnose.compare.result import _TidyMixin, fmt, p_text

__all__ = ["its", "ItsResult"]


@dataclass(frozen=True)
class ItsResult(_TidyMixin):
    """Segmented regression result (level and slope change at the switch)."""

    outcome: str
    method: str
    level_change: float
    level_ci_low: float
    level_ci_high: float
    level_p_value: float
    slope_change: float
    slope_ci_low: float
    slope_ci_high: float
    slope_p_value: float
    n_months_before: int
    n_months_after: int
    seasonal: bool
    confidence: float = 0.95
    language: str = "en"
    series: pd.DataFrame = field(
        default_factory=pd.DataFrame, compare=False, repr=False
    )

    _skip_fields = ("series",)

    def summary(self, language: str | None = None) -> str:
        lang = language or self.language
        level = f"{self.confidence:.0%}"
        if lang == "zh":
            return (
                f"中断时间序列：切换时 {self.outcome} 月中位数水平变化 "
                f"{fmt(self.level_change)}（{level} 置信区间 "
                f"{fmt(self.level_ci_low)} 至 {fmt(self.level_ci_high)}，"
                f"{p_text(self.level_p_value)}），每月斜率变化 "
                f"{fmt(self.slope_change)}。"
                + ("" if self.seasonal else "数据不足两年，无法分离季节性。")
            )
        return (
            f"Interrupted time series: at the switch the monthly median {self.outcome} "
            f"changed level by {fmt(self.level_change)} ({level} CI "
            f"{fmt(self.level_ci_low)} to {fmt(self.level_ci_high)}, "
            f"{p_text(self.level_p_value)}) and slope by "
            f"{fmt(self.slope_change)} per month"
            + (
                "."
                if self.seasonal
                else "; with under two years of data seasonality "
                "cannot be separated from the change."
            )
        )


def its(
    frame: pd.DataFrame,
    outcome: str,
    time: str,
    switch,
    *,
    freq: str = "M",
    confidence: float = 0.95,
    maxlags: int | None = None,
    language: str = "en",
) -> ItsResult:
    """Segmented regression of monthly medians with Newey–West errors.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per case; ``time`` (e.g. case start) assigns the month.
    outcome, time : str
    switch : date
        First day of the new process.
    freq : str, default="M"
        Period of aggregation (pandas period alias; months by default).
    maxlags : int, optional
        HAC lag; default ``max(1, floor(4 (T/100)^(2/9)))``.
    """
    when = pd.to_datetime(frame[time])
    y = pd.to_numeric(frame[outcome], errors="coerce")
    period = when.dt.to_period(freq)
    monthly = (
        pd.DataFrame({"period": period, "y": y})
        .dropna()
        .groupby("period")["y"]
        .agg(median="median", n="size")
    )
    full = pd.period_range(monthly.index.min(), monthly.index.max(), freq=freq)
    monthly = monthly.reindex(full).dropna().reset_index(names="period")
    sw = pd.Timestamp(switch).to_period(freq)
    t = np.array([(p - full[0]).n for p in monthly["period"]], dtype=float)
    t_sw = float((sw - full[0]).n)
    after = (monthly["period"] >= sw).to_numpy(float)
    nb, na = int((after == 0).sum()), int(after.sum())
    if nb < 3 or na < 2:
        raise ValueError(
            f"its needs at least 3 periods before and 2 after the switch; got {nb} and "
            f"{na}."
        )
    X = pd.DataFrame(
        {"const": 1.0, "time": t, "level": after, "slope": (t - t_sw) * after}
    )
    T = len(t)
    seasonal = T >= 24 and freq.upper().startswith("M")
    if seasonal:
        moy = pd.get_dummies(
            monthly["period"].dt.month, prefix="m", drop_first=True, dtype=float
        )
        X = pd.concat([X, moy], axis=1)
    else:
        warnings.warn(
            f"its: only {T} periods (< 24 months): month-of-year seasonality cannot be "
            "separated from the change; read the level change with care.",
            stacklevel=2,
        )
    lags = (
        maxlags
        if maxlags is not None
        else max(1, int(math.floor(4 * (T / 100) ** (2 / 9))))
    )
    from statsmodels.regression.linear_model import OLS

    res = OLS(monthly["median"].to_numpy(float), X).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}
    )
    ci = res.conf_int(alpha=1 - confidence)
    return ItsResult(
        outcome=outcome,
        method=(
            f"segmented OLS on {freq}-period medians, Newey–West HAC errors (lag "
            f"{lags})"
            + (
                "; month-of-year dummies"
                if seasonal
                else "; no seasonality terms (< 24 months)"
            )
        ),
        level_change=float(res.params["level"]),
        level_ci_low=float(ci.loc["level", 0]),
        level_ci_high=float(ci.loc["level", 1]),
        level_p_value=float(res.pvalues["level"]),
        slope_change=float(res.params["slope"]),
        slope_ci_low=float(ci.loc["slope", 0]),
        slope_ci_high=float(ci.loc["slope", 1]),
        slope_p_value=float(res.pvalues["slope"]),
        n_months_before=nb,
        n_months_after=na,
        seasonal=seasonal,
        confidence=confidence,
        language=language,
        series=monthly.assign(month=monthly["period"].dt.to_timestamp()),
    )
