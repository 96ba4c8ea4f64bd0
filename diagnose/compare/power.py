"""Minimum detectable effect and sample size for a pilot.

Two-sided test at level ``alpha`` with the given ``power``, normal
approximation (statsmodels :class:`~statsmodels.stats.power.NormalIndPower`):

* ``cycle_time``: durations are skewed, so the test is planned on
  ``log(duration)``; the standardised effect ``d`` times the baseline SD of
  the logs is the MDE in log points, reported as a % change
  ``100 * (exp(-d * sd) - 1)`` (a reduction);
* ``overdue_rate``: Cohen's arcsine effect size ``h``
  (:func:`statsmodels.stats.proportion.proportion_effectsize`), reported as
  the smallest detectable drop in percentage points from the baseline rate;
* ``satisfaction``: ``d`` times the baseline SD of the scores, in points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from diagnose.compare.result import _TidyMixin, fmt, metric_name

__all__ = ["minimum_detectable_effect", "sample_size", "MdeResult"]

_METRICS = ("cycle_time", "overdue_rate", "satisfaction")
_UNITS = {"cycle_time": "%", "overdue_rate": "pp", "satisfaction": "points"}


@dataclass(frozen=True)
class MdeResult(_TidyMixin):
    """Smallest true effect the pilot had ``power`` to detect.

    ``mde`` is signed in the direction of improvement: a % change (negative)
    for cycle time, percentage points (negative) for the overdue rate,
    points (positive) for satisfaction. ``underpowered`` is True when
    ``|mde|`` exceeds ``|target|`` (NaN target: False).
    """

    metric: str
    mde: float
    unit: str
    n_before: int
    n_after: int
    baseline: float
    sd: float
    alpha: float
    power: float
    target: float = math.nan
    underpowered: bool = False
    method: str = ""
    language: str = "en"

    def summary(self, language: str | None = None) -> str:
        lang = language or self.language
        unit = {"%": "%", "pp": " pp", "points": " points"}[self.unit]
        tgt = ""
        if not math.isnan(self.target):
            if lang == "zh":
                tgt = (
                    "，大于目标变化，试点样本不足以判断"
                    if self.underpowered
                    else "，小于目标变化"
                )
            else:
                tgt = (
                    f", larger than the target of {fmt(self.target, 1)}{unit}: too "
                    "small a pilot to judge the target"
                    if self.underpowered
                    else f", within the target of {fmt(self.target, 1)}{unit}"
                )
        if lang == "zh":
            unit_zh = {"%": "%", "pp": " 个百分点", "points": " 分"}[self.unit]
            return (
                f"以 {self.n_before} → {self.n_after} 的样本，"
                f"{metric_name(self.metric, 'zh')}"
                f"可检测的最小效应（功效 {self.power:.0%}，α={self.alpha}）为 "
                f"{fmt(self.mde, 1)}{unit_zh}{tgt}。"
            )
        return (
            f"With n = {self.n_before} → {self.n_after}, the smallest "
            f"{metric_name(self.metric, 'en')} "
            f"effect detectable with {self.power:.0%} power at alpha = {self.alpha} is "
            f"{fmt(self.mde, 1)}{unit}{tgt}."
        )


def _check_metric(metric, func):
    if metric not in _METRICS:
        raise ValueError(
            f"The 'metric' parameter of {func} must be one of {set(_METRICS)}. Got "
            f"{metric!r} instead."
        )


def _baseline_stats(baseline, metric):
    """(level, sd) from data or numbers. cycle_time: SD of log durations."""
    if np.ndim(baseline) == 0:
        val = float(baseline)
        if metric == "overdue_rate":
            if not 0 < val < 1:
                raise ValueError(f"baseline overdue rate must be in (0, 1). Got {val}.")
            return val, math.sqrt(val * (1 - val))
        return math.nan, val  # a number is the SD (log-SD for cycle_time)
    x = np.asarray(baseline, float)
    x = x[~np.isnan(x)]
    if metric == "cycle_time":
        x = x[x > 0]
        lx = np.log(x)
        return float(np.exp(np.median(lx))), float(lx.std(ddof=1))
    if metric == "overdue_rate":
        p = float(x.mean())
        return p, math.sqrt(p * (1 - p))
    return float(x.mean()), float(x.std(ddof=1))


def minimum_detectable_effect(
    baseline,
    n_before: int,
    n_after: int,
    *,
    metric: str = "cycle_time",
    alpha: float = 0.05,
    power: float = 0.8,
    target: float | None = None,
    language: str = "en",
) -> MdeResult:
    """Minimum detectable effect of a before/after comparison.

    Parameters
    ----------
    baseline : array-like or float
        Baseline observations (durations, 0/1 overdue flags, scores), or a
        number: the log-SD (cycle_time), the rate (overdue_rate) or the SD
        (satisfaction).
    n_before, n_after : int
    metric : {"cycle_time", "overdue_rate", "satisfaction"}, default="cycle_time"
    target : float, optional
        The target change in the MDE's unit (e.g. -20 for −20 %, -15 for
        −15 pp, 0.5 points); sets ``underpowered``.
    """
    _check_metric(metric, "minimum_detectable_effect")
    if n_before < 2 or n_after < 2:
        raise ValueError(
            f"minimum_detectable_effect needs n_before, n_after >= 2. Got {n_before}, "
            f"{n_after}."
        )
    from statsmodels.stats.power import NormalIndPower

    level, sd = _baseline_stats(baseline, metric)
    d = NormalIndPower().solve_power(
        effect_size=None,
        nobs1=n_before,
        alpha=alpha,
        power=power,
        ratio=n_after / n_before,
        alternative="two-sided",
    )
    if metric == "cycle_time":
        mde = 100 * math.expm1(-d * sd)
        how = "log-scale SD of baseline durations"
    elif metric == "overdue_rate":
        # smallest p1 < p0 with |h(p0, p1)| = d (arcsine scale)
        phi = 2 * math.asin(math.sqrt(level)) - d
        p1 = math.sin(max(phi, 0) / 2) ** 2
        mde = 100 * (p1 - level)
        how = "Cohen's h (arcsine) from the baseline rate"
    else:
        mde = d * sd
        how = "baseline SD of scores"
    tgt = math.nan if target is None else float(target)
    under = bool(not math.isnan(tgt) and abs(mde) > abs(tgt))
    return MdeResult(
        metric=metric,
        mde=float(mde),
        unit=_UNITS[metric],
        n_before=int(n_before),
        n_after=int(n_after),
        baseline=level,
        sd=sd,
        alpha=alpha,
        power=power,
        target=tgt,
        underpowered=under,
        method=f"two-sided normal approximation (statsmodels NormalIndPower), {how}",
        language=language,
    )


def sample_size(
    baseline,
    effect: float,
    *,
    metric: str = "cycle_time",
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
) -> dict:
    """Cases needed per period to detect ``effect``.

    Parameters
    ----------
    baseline : array-like or float
        As in :func:`minimum_detectable_effect`.
    effect : float
        cycle_time: % change (``-20`` for −20 %); overdue_rate: change in
        percentage points (``-15``); satisfaction: points (``0.5``).
    ratio : float, default=1
        ``n_after / n_before``.

    Returns
    -------
    dict
        ``n_before``, ``n_after`` (rounded up), ``effect_size`` (standardised).

    Examples
    --------
    How many campaigns per period to detect −20 % when log-durations have
    SD 0.5: ``sample_size(0.5, -20)`` → about 79 each.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    _check_metric(metric, "sample_size")
    level, sd = _baseline_stats(baseline, metric)
    if metric == "cycle_time":
        es = abs(math.log1p(effect / 100)) / sd
    elif metric == "overdue_rate":
        es = abs(proportion_effectsize(level, level + effect / 100))
    else:
        es = abs(effect) / sd
    if es == 0:
        raise ValueError("sample_size: an effect of 0 cannot be detected.")
    n1 = NormalIndPower().solve_power(
        effect_size=es,
        nobs1=None,
        alpha=alpha,
        power=power,
        ratio=ratio,
        alternative="two-sided",
    )
    return {
        "n_before": int(math.ceil(n1)),
        "n_after": int(math.ceil(n1 * ratio)),
        "effect_size": float(es),
    }
