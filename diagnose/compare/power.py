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

When the estimate that is judged is not a plain two-sample comparison (the
pilot's difference-in-differences), :func:`mde_from_se` gives the MDE of that
estimate from its standard error: ``(z_{1-alpha/2} + z_power) * SE``, on the
log scale for cycle time (reported as ``100 * (exp(-MDE) - 1)`` %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from diagnose.compare.result import _TidyMixin, fmt, metric_name

__all__ = ["minimum_detectable_effect", "mde_from_se", "sample_size", "MdeResult"]

_METRICS = ("cycle_time", "overdue_rate", "satisfaction")
_UNITS = {"cycle_time": "%", "overdue_rate": "pp", "satisfaction": "points"}


@dataclass(frozen=True)
class MdeResult(_TidyMixin):
    """Smallest true effect the pilot had ``power`` to detect.

    ``mde`` is signed in the direction of improvement: a % change (negative)
    for cycle time, percentage points (negative) for the overdue rate,
    points (positive) for satisfaction. ``underpowered`` is True when
    ``|mde|`` exceeds ``|target|`` (NaN target: False). ``comparison`` names
    the estimate the MDE belongs to (``"before/after"`` or ``"DiD"``); ``se``
    is that estimate's standard error when the MDE was computed from it
    (:func:`mde_from_se`), else NaN.
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
    comparison: str = "before/after"
    se: float = math.nan

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
        did = self.comparison == "DiD"
        if lang == "zh":
            unit_zh = {"%": "%", "pp": " 个百分点", "points": " 分"}[self.unit]
            return (
                f"以 {self.n_before} → {self.n_after} 的样本"
                + ("（双重差分估计）" if did else "")
                + "，"
                f"{metric_name(self.metric, 'zh')}"
                f"可检测的最小效应（功效 {self.power:.0%}，α={self.alpha}）为 "
                f"{fmt(self.mde, 1)}{unit_zh}{tgt}。"
            )
        return (
            f"With n = {self.n_before} → {self.n_after}"
            + (" (difference-in-differences estimate)" if did else "")
            + ", the smallest "
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
        method=(
            "before/after two-sample comparison: two-sided normal approximation "
            f"(statsmodels NormalIndPower), {how}"
        ),
        language=language,
    )


def mde_from_se(
    se: float,
    n_before: int,
    n_after: int,
    *,
    metric: str = "cycle_time",
    alpha: float = 0.05,
    power: float = 0.8,
    target: float | None = None,
    comparison: str = "DiD",
    detail: str = "",
    language: str = "en",
) -> MdeResult:
    """Minimum detectable effect of an estimate with standard error ``se``.

    ``MDE = (z_{1-alpha/2} + z_power) * se`` (two-sided normal test; the
    far tail is ignored, as is usual). Use it when the estimate judged is not
    a plain before/after comparison, e.g. the pilot's difference-in-
    differences, whose standard error also carries the control teams' noise.

    Parameters
    ----------
    se : float
        Standard error of the estimate: log points for ``cycle_time``, a
        proportion (0-1) for ``overdue_rate``, points for ``satisfaction``.
        NaN, infinite or not positive: the MDE is NaN (not estimable).
    n_before, n_after : int
        Sample sizes shown with the MDE (the pilot teams' cases).
    metric : {"cycle_time", "overdue_rate", "satisfaction"}, default="cycle_time"
    alpha, power : float
    target : float, optional
        The target change in the MDE's unit (-20 for −20 %); sets
        ``underpowered``.
    comparison : str, default="DiD"
        The estimate the MDE refers to, stored in ``comparison`` and named in
        ``method``.
    detail : str, optional
        Appended to ``method`` (e.g. how many cases and teams the estimate
        used).

    Returns
    -------
    MdeResult
        ``mde`` signed in the direction of improvement: ``100 * (exp(-MDE) -
        1)`` % for cycle time, ``-100 * MDE`` pp for the overdue rate,
        ``+MDE`` points for satisfaction; ``se`` is the input, ``sd`` NaN.

    Examples
    --------
    A DiD on log durations with SE 0.136: ``(1.960 + 0.842) * 0.136 = 0.381``
    log points, an MDE of ``100 * (exp(-0.381) - 1) = -31.7 %``.
    """
    from scipy.stats import norm

    _check_metric(metric, "mde_from_se")
    se = float(se)
    m = (norm.ppf(1 - alpha / 2) + norm.ppf(power)) * se
    if not (math.isfinite(se) and se > 0):
        m = math.nan
    if metric == "cycle_time":
        mde = 100 * math.expm1(-m)
        scale = "log points"
    elif metric == "overdue_rate":
        mde = -100 * m
        scale = "proportion"
    else:
        mde = m
        scale = "points"
    tgt = math.nan if target is None else float(target)
    under = bool(not (math.isnan(tgt) or math.isnan(mde)) and abs(mde) > abs(tgt))
    label = "difference-in-differences" if comparison == "DiD" else comparison
    how = (
        f"(z_(1-alpha/2) + z_power) x SE of the {label} estimate "
        f"(SE {se:.4g} {scale}), two-sided normal approximation"
    )
    if math.isnan(m):
        how += "; the standard error is not available, so the MDE is not estimable"
    return MdeResult(
        metric=metric,
        mde=float(mde),
        unit=_UNITS[metric],
        n_before=int(n_before),
        n_after=int(n_after),
        baseline=math.nan,
        sd=math.nan,
        alpha=alpha,
        power=power,
        target=tgt,
        underpowered=under,
        method=how + detail,
        language=language,
        comparison=comparison,
        se=se,
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
