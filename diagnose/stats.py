"""Small statistical building blocks shared by metrics, survey and compare.

Every function here is vectorised over NumPy arrays / pandas Series and states
its method, so the modules above can cite one place for each interval.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "wilson_interval",
    "clustered_wilson_interval",
    "newcombe_interval",
    "clustered_newcombe_interval",
    "design_effect",
    "quantile_interval",
    "quantile_interval_ranks",
    "mean_interval",
    "no_variation",
    "kaplan_meier",
    "KaplanMeier",
]


def wilson_interval(k, n, *, confidence: float = 0.95):
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    k, n : array-like of int
        Successes and trials (broadcast together). ``n == 0`` gives NaN.
    confidence : float, default=0.95

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Lower and upper bounds. Method: Wilson (1927), without continuity
        correction, as R ``prop.test(correct=FALSE)``.
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low, high = centre - half, centre + half
        # exact ends: at k = 0 the bound is 0 (and at k = n it is 1) in exact
        # arithmetic; floating point left 5.6e-17 past the estimate
        low = np.where(k <= 0, 0.0, np.minimum(low, p))
        high = np.where(k >= n, 1.0, np.maximum(high, p))
    low = np.where(n > 0, np.clip(low, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(high, 0, 1), np.nan)
    return low, high


def clustered_wilson_interval(successes, trials, *, confidence: float = 0.95):
    """Wilson interval for a share of answers that come in clusters.

    Answers of one respondent are correlated (a satisfied person ticks "agree"
    on most items), so the plain Wilson interval over answers is too narrow.
    The share is the ratio estimator ``p = sum(y) / sum(m)`` over clusters
    (``y`` successes out of ``m`` answers per respondent); its variance is the
    cluster-robust (linearisation) one, ``V = sum((y - p m)^2) / sum(m)^2``,
    and the Wilson interval is taken at the effective sample size
    ``n_eff = p (1 - p) / V`` (Kish's design effect ``deff = n / n_eff``),
    capped at the number of answers. Without a ``k/(k-1)`` small-sample
    factor, so that with one answer per respondent ``n_eff = n`` and this is
    exactly :func:`wilson_interval`. When every answer agrees (``p`` 0 or 1,
    ``V = 0``) ``n_eff`` is the number of clusters.

    Parameters
    ----------
    successes, trials : array-like of int
        Per cluster (respondent): answers counted and answers given.
        Clusters with no answers are ignored.
    confidence : float, default=0.95

    Returns
    -------
    (float, float, float, float)
        ``p``, ``low``, ``high``, ``n_eff``; NaN without answers, and a NaN
        interval with a single cluster (no between-cluster variation to
        estimate).
    """
    y = np.asarray(successes, dtype=float)
    m = np.asarray(trials, dtype=float)
    keep = m > 0
    y, m = y[keep], m[keep]
    k, n = y.size, m.sum()
    if n == 0:
        return np.nan, np.nan, np.nan, np.nan
    p = y.sum() / n
    if k < 2:
        return p, np.nan, np.nan, np.nan
    var = np.sum((y - p * m) ** 2) / n**2
    if var > 0 and 0 < p < 1:
        n_eff = min(p * (1 - p) / var, n)
    else:
        n_eff = float(k)
    low, high = wilson_interval(p * n_eff, n_eff, confidence=confidence)
    return p, float(low), float(high), float(n_eff)


def newcombe_interval(k1, n1, k2, n2, *, confidence: float = 0.95):
    """Newcombe's hybrid score interval for ``p1 - p2`` (method 10, 1998).

    Built from the two Wilson intervals; well behaved for small samples and
    proportions near 0 or 1.

    Returns
    -------
    (float or ndarray, float or ndarray)
        Lower and upper bounds of ``k1/n1 - k2/n2``.
    """
    p1 = np.asarray(k1, float) / np.asarray(n1, float)
    p2 = np.asarray(k2, float) / np.asarray(n2, float)
    l1, u1 = wilson_interval(k1, n1, confidence=confidence)
    l2, u2 = wilson_interval(k2, n2, confidence=confidence)
    return _newcombe(p1, l1, u1, p2, l2, u2)


def _newcombe(p1, l1, u1, p2, l2, u2):
    """Newcombe's hybrid bounds of ``p1 - p2`` from each share's interval."""
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def design_effect(successes, trials) -> float:
    """Kish's design effect of a share whose trials come in clusters.

    ``deff = n / n_eff`` with the cluster-robust variance of
    :func:`clustered_wilson_interval` (same rules: at least 1, exactly 1 with
    one trial per cluster, the number of clusters as ``n_eff`` when every
    trial agrees). Dividing counts by it is the Rao–Scott (1992) adjustment
    for clustered binary data.

    Parameters
    ----------
    successes, trials : array-like of int
        Per cluster: successes and trials (clusters without trials ignored).

    Returns
    -------
    float
        NaN without trials or with fewer than two clusters.
    """
    m = np.asarray(trials, dtype=float)
    _, _, _, n_eff = clustered_wilson_interval(successes, trials)
    return float(m.sum() / n_eff) if np.isfinite(n_eff) and n_eff > 0 else np.nan


def clustered_newcombe_interval(
    successes1, trials1, successes2, trials2, *, confidence: float = 0.95
):
    """Newcombe's hybrid interval for ``p1 - p2`` when trials come in clusters.

    :func:`newcombe_interval` built from two :func:`clustered_wilson_interval`
    (each share's interval at its effective sample size), for outcomes of
    tasks grouped by person: one person's tasks are correlated, so treating
    them as independent makes the interval too narrow. With one trial per
    cluster it is exactly :func:`newcombe_interval`. The two shares are
    treated as independent of each other.

    Parameters
    ----------
    successes1, trials1, successes2, trials2 : array-like of int
        Per cluster of each group: successes and trials.
    confidence : float, default=0.95

    Returns
    -------
    (float, float, float, float)
        ``low``, ``high``, and the effective sample sizes ``n_eff1``,
        ``n_eff2``. NaN bounds when a group has fewer than two clusters.
    """
    p1, l1, u1, n1 = clustered_wilson_interval(
        successes1, trials1, confidence=confidence
    )
    p2, l2, u2, n2 = clustered_wilson_interval(
        successes2, trials2, confidence=confidence
    )
    low, high = _newcombe(p1, l1, u1, p2, l2, u2)
    return float(low), float(high), float(n1), float(n2)


def quantile_interval(values, q: float = 0.5, *, confidence: float = 0.95):
    """Distribution-free confidence interval for a quantile.

    Uses the binomial order-statistic method (Conover, *Practical
    Nonparametric Statistics*, 3rd ed., §3.2): the interval runs between the
    order statistics ``x(r)`` and ``x(s)`` with ``r, s`` chosen from the
    Binomial(n, q) distribution so that coverage is at least ``confidence``.
    Exact for any continuous distribution; no normality assumed.

    Parameters
    ----------
    values : array-like
        Observations; NaN are ignored.
    q : float, default=0.5
        Quantile in (0, 1).

    Returns
    -------
    (float, float)
        ``(low, high)``; NaN where the sample is too small for the requested
        coverage (for the median at 95 %: fewer than 6 values).
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return np.nan, np.nan
    r, s = quantile_interval_ranks(n, q, confidence=confidence)
    low = x[int(r) - 1] if r >= 1 else np.nan
    high = x[int(s) - 1] if s <= n else np.nan
    return float(low), float(high)


def quantile_interval_ranks(n, q: float = 0.5, *, confidence: float = 0.95):
    """The 1-based ranks ``(r, s)`` of the order statistics that bound
    :func:`quantile_interval` for samples of size ``n`` (scalar or array).

    ``r = 0`` means unbounded below and ``s = n + 1`` unbounded above (the
    interval's bound is then NaN). The ranks depend on ``n`` only, so many
    groups of a table share one vectorised binomial call.
    """
    n = np.asarray(n)
    alpha = 1 - confidence
    # r = largest index with P(B <= r-1) <= alpha/2;
    # s = smallest with P(B <= s-1) >= 1-alpha/2
    r = stats.binom.ppf(alpha / 2, n, q).astype(np.int64)  # P(B <= r) >= alpha/2
    s = stats.binom.ppf(1 - alpha / 2, n, q).astype(np.int64) + 1
    return (int(r), int(s)) if n.ndim == 0 else (r, s)


def mean_interval(values, *, confidence: float = 0.95):
    """Student-t confidence interval for a mean.

    Parameters
    ----------
    values : array-like of float
        Observations; NaN are ignored.
    confidence : float, default=0.95

    Returns
    -------
    (float, float)
        ``mean ± t(n-1) * sd / sqrt(n)``. NaN for fewer than 2 values, and NaN
        when every value is the same (:func:`no_variation`): the sample SD is
        0, so the t interval would have zero width and read as certainty
        while it only says the sample had no spread (common with a few
        identical 1–5 answers). Not estimable, not exact.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size < 2 or no_variation(x):
        return np.nan, np.nan
    m = x.mean()
    se = x.std(ddof=1) / np.sqrt(x.size)
    t = stats.t.ppf(0.5 + confidence / 2, x.size - 1)
    return float(m - t * se), float(m + t * se)


def no_variation(values) -> bool:
    """Whether all non-missing ``values`` are identical (True when none).

    Exact comparison of the largest and smallest value: a t interval or test
    on such a sample has a zero standard error and is not estimable.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    return bool(x.size == 0 or x.max() == x.min())


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan–Meier estimate of a duration distribution with censoring.

    Attributes
    ----------
    time, survival, ci_low, ci_high : numpy.ndarray
        Step function: ``S(t)`` just after each distinct time, with pointwise
        confidence bounds (Greenwood variance on the log-log scale, as
        lifelines and R ``survfit(conf.type="log-log")``). The bounds are 1
        before the first event and NaN where ``S(t) = 0`` (undefined there,
        as R's NA: not estimable).
    n, n_events, n_censored : int
    confidence : float
        Level of the band.
    """

    time: np.ndarray
    survival: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    n: int
    n_events: int
    n_censored: int
    confidence: float = 0.95

    def quantile(self, q: float = 0.5) -> tuple[float, float, float]:
        """The ``q``-quantile of durations and its confidence interval.

        The estimate is the first time at which ``S(t) <= 1 - q``; the
        interval inverts the pointwise band (Brookmeyer & Crowley, 1982):
        the first times at which the lower and upper bounds reach ``1 - q``.
        A bound that the data never reach is NaN (not estimable: too much
        censoring).

        Where ``S(t) = 0`` (after the last event) the log-log band is
        undefined (NaN). The upper bound may still be that last time, as
        lifelines and the order-statistic interval have it, but only when
        the events are enough for the coverage: ``q ** n_events <= (1 -
        confidence) / 2`` (the chance that every finished item lies below
        the true quantile; for the median at 95 %: at least 6 events, the
        rule of :func:`quantile_interval`). With fewer events it is NaN, so
        one finished case gives ``(x, NaN, NaN)``, never ``[x, x]``.
        """
        target = 1 - q + 1e-12

        def first_below(s):
            idx = np.flatnonzero(s <= target)
            return float(self.time[idx[0]]) if idx.size else np.nan

        est, low, high = (
            first_below(self.survival),
            first_below(self.ci_low),
            first_below(self.ci_high),
        )
        if (
            np.isnan(high)
            and self.survival.size
            and self.survival[-1] <= 1e-12
            and q**self.n_events <= (1 - self.confidence) / 2
        ):
            high = float(self.time[np.flatnonzero(self.survival <= 1e-12)[0]])
        return est, low, high

    def to_frame(self) -> pd.DataFrame:
        """Columns ``time, survival, ci_low, ci_high``."""
        return pd.DataFrame(
            {
                "time": self.time,
                "survival": self.survival,
                "ci_low": self.ci_low,
                "ci_high": self.ci_high,
            }
        )


def kaplan_meier(durations, observed, *, confidence: float = 0.95) -> KaplanMeier:
    """Kaplan–Meier estimate for right-censored durations.

    Parameters
    ----------
    durations : array-like of float
        Time to completion, or time observed so far for unfinished work.
    observed : array-like of bool
        True when the item finished (event observed), False when censored.
    confidence : float, default=0.95

    Returns
    -------
    KaplanMeier
        Computed with :func:`scipy.stats.ecdf` on
        :class:`scipy.stats.CensoredData`; bounds from its
        ``confidence_interval(method="log-log")``, NaN after the last event
        when it leaves ``S = 0`` (see :meth:`KaplanMeier.quantile` for how a
        quantile's upper bound is then found).
    """
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    keep = ~np.isnan(d)
    d, e = d[keep], e[keep]
    n_events = int(e.sum())
    if d.size == 0 or n_events == 0:
        empty = np.array([], dtype=float)
        return KaplanMeier(empty, empty, empty, empty, int(d.size), 0, int(d.size))
    data = stats.CensoredData(uncensored=d[e], right=d[~e])
    res = stats.ecdf(data)
    sf = res.sf
    with warnings.catch_warnings():
        # the log-log band is undefined where S(t) is 0 or 1; handled below
        warnings.filterwarnings(
            "ignore", message="The confidence interval is undefined"
        )
        ci = sf.confidence_interval(confidence_level=confidence, method="log-log")
        t = sf.quantiles
        low, high = ci.low.evaluate(t), ci.high.evaluate(t)
    # Where the band is undefined: before the first event (S = 1) nothing has
    # finished and the bounds are 1; after the last event (S = 0) it is not
    # estimable and stays NaN (R survfit's NA; lifelines fills the estimate,
    # which gives one finished case the interval [x, x]).
    before_first = sf.probabilities >= 1 - 1e-12
    low = np.where(np.isnan(low) & before_first, 1.0, low)
    high = np.where(np.isnan(high) & before_first, 1.0, high)
    return KaplanMeier(
        time=t,
        survival=sf.probabilities,
        ci_low=low,
        ci_high=high,
        n=int(d.size),
        n_events=n_events,
        n_censored=int(d.size - n_events),
        confidence=confidence,
    )
