"""Before/after effect sizes with confidence intervals and tests.

Each function takes plain arrays (one value per case, respondent, ...) and
returns an :class:`~diagnose.compare.result.Effect`; ``estimate`` is always
``after - before``. Intervals come from :mod:`diagnose.stats` where it has them.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from diagnose.compare.result import DurationEffect, Effect
from diagnose.stats import (
    kaplan_meier,
    mean_interval,
    newcombe_interval,
    no_variation,
    quantile_interval,
    wilson_interval,
)

__all__ = [
    "compare_durations",
    "compare_survival",
    "compare_proportions",
    "compare_scores",
    "hodges_lehmann",
    "mann_whitney_null",
    "mann_whitney_exact_p",
    "pairwise_difference_order_stat",
    "bootstrap_medians",
    "jackknife_medians",
]

#: above this many observations in total, ``bootstrap="auto"`` gives the
#: percentile interval instead of BCa (both from the same resample medians;
#: BCa's bias correction matters in small samples, not in large ones).
BCA_MAX_N = 5_000
#: below this many pairs the pairwise differences are materialised.
PAIRS_IN_MEMORY = 1_000_000
#: exact Mann–Whitney null distribution up to this n1 * n2 (normal beyond).
EXACT_U_MAX = 40_000
#: fewest finished items per period for compare_survival's interval and
#: log-rank p: the test is asymptotic and with fewer events its p can be far
#: below any exact test's (1 event against 6: 0.014, an exact rank test of
#: 1 against 6 cannot go below 1/7); a median CI needs events to stand on.
SURVIVAL_MIN_EVENTS = 3


def _clean(values) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


def _check_n(x: np.ndarray, name: str, func: str, minimum: int = 2) -> None:
    if x.size < minimum:
        raise ValueError(
            f"The {name!r} parameter of {func} needs at least {minimum} non-missing "
            f"values. Got {x.size}."
        )


# --------------------------------------------------------------------------
# Mann–Whitney null distribution, Hodges–Lehmann shift, Moses interval
# --------------------------------------------------------------------------


def mann_whitney_null(n1: int, n2: int) -> np.ndarray:
    """Exact null probabilities ``P(U = u)``, ``u = 0 .. n1*n2`` (no ties).

    The counts are the coefficients of the Gaussian binomial
    ``prod_{i=1..n1} (1 - q^(n2+i)) / (1 - q^i)`` (Mann & Whitney 1947).
    """
    m = n1 * n2
    c = np.zeros(m + 1)
    c[0] = 1.0
    for i in range(1, n1 + 1):
        step = n2 + i
        c[step:] = c[step:] - c[:-step].copy()  # multiply by (1 - q^(n2+i))
        # divide by (1 - q^i): running sums along every residue class mod i
        pad = (-c.size) % i
        block = np.concatenate([c, np.zeros(pad)]).reshape(-1, i)
        c = np.cumsum(block, axis=0).ravel()[: m + 1]
        c /= c.max()  # rescale (linear) to stay within float range
    return c / c.sum()


#: compare_scores computes the exact permutation distribution of the
#: Mann–Whitney rank sum (ties at mid-ranks) up to this n1 * n2.
EXACT_PERMUTATION_MAX = 400


def mann_whitney_exact_p(after, before) -> float:
    """Two-sided p of the Mann–Whitney test from its exact permutation null.

    The statistic is the rank sum of ``after`` with tied values at their
    mid-ranks; its null distribution over all ``C(n1 + n2, n1)`` equally
    likely splits of the pooled values is counted exactly (dynamic
    programming on twice the mid-ranks, which are integers), so ties are
    handled exactly where scipy's ``method="exact"`` assumes none. The
    two-sided p is ``min(1, 2 * min(P(T >= t), P(T <= t)))``, as
    :func:`scipy.stats.permutation_test`.

    Parameters
    ----------
    after, before : array-like of float
        The two samples (NaN are dropped).

    Returns
    -------
    float
        E.g. four 4s against four 5s: the observed split is the most extreme
        of ``C(8, 4) = 70``, so ``p = 2 / 70``.
    """
    y, x = _clean(after), _clean(before)
    if y.size > x.size:  # count over the smaller sample: the same p
        y, x = x, y
    n1 = y.size
    pooled = np.concatenate([y, x])
    r2 = np.rint(2 * stats.rankdata(pooled)).astype(np.int64)  # 2 x mid-rank
    t_obs = int(r2[:n1].sum())
    top = int(r2.sum())
    # counts[k, s]: subsets of k of the values seen so far with 2x rank sum s
    counts = np.zeros((n1 + 1, top + 1))
    counts[0, 0] = 1.0
    for v in r2:
        counts[1:, v:] += counts[:-1, : top + 1 - v].copy()
    dist = counts[n1]
    total = dist.sum()
    upper = dist[t_obs:].sum() / total
    lower = dist[: t_obs + 1].sum() / total
    return float(min(1.0, 2 * min(upper, lower)))


def _mann_whitney_p(after, before) -> tuple[float, float, str]:
    """Two-sided Mann–Whitney U test of ``after`` against ``before``, the one
    rule of :func:`compare_durations` and :func:`compare_scores`.

    Small tied samples are the common case of a pilot, where the normal
    approximation is poor (four 4s against five 5s: exact ``2/126 = 0.016``,
    normal 0.0098), so the p-value is

    * exact from the permutation distribution of the rank sum with ties at
      mid-ranks (:func:`mann_whitney_exact_p`) when ``n1 * n2 <=
      EXACT_PERMUTATION_MAX``;
    * exact from the no-ties null (:func:`mann_whitney_null`, as scipy's
      ``method="exact"``; the same distribution as the permutation one when
      no value repeats) when there are no ties and ``n1 * n2 <= EXACT_U_MAX``;
    * otherwise scipy's normal approximation with tie and continuity
      correction.

    Returns
    -------
    (float, float, str)
        ``U`` of ``after`` (scipy's first statistic), the p-value, and the
        method in words for ``method`` texts.
    """
    y, x = _clean(after), _clean(before)
    n1, n2 = y.size, x.size
    ranks = stats.rankdata(np.concatenate([y, x]))
    u = float(ranks[:n1].sum() - n1 * (n1 + 1) / 2)
    m = n1 * n2
    if m <= EXACT_PERMUTATION_MAX:
        return u, mann_whitney_exact_p(y, x), "exact permutation p, ties at mid-ranks"
    if m <= EXACT_U_MAX and np.unique(ranks).size == ranks.size:
        cdf = np.cumsum(mann_whitney_null(n1, n2))
        k = int(round(u))
        lower = cdf[k]
        upper = 1.0 - (cdf[k - 1] if k > 0 else 0.0)
        p = float(np.clip(2 * min(lower, upper), 0.0, 1.0))
        return u, p, "exact p, no ties"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mw = stats.mannwhitneyu(y, x, alternative="two-sided", method="asymptotic")
    how = "normal approximation with tie and continuity correction"
    return u, float(mw.pvalue), how


def _moses_rank(n1: int, n2: int, confidence: float) -> tuple[int, str]:
    """``k`` such that ``[D(k), D(n1 n2 + 1 - k)]`` covers with >= confidence.

    ``k = qwilcox(alpha/2, n1, n2)`` as R ``wilcox.test(conf.int=TRUE)``:
    exact for ``n1*n2 <= EXACT_U_MAX``, otherwise the normal approximation
    ``n1 n2 / 2 - z sqrt(n1 n2 (n1 + n2 + 1) / 12)`` (no tie correction).
    """
    alpha = 1 - confidence
    m = n1 * n2
    if m <= EXACT_U_MAX:
        cdf = np.cumsum(mann_whitney_null(n1, n2))
        k = int(np.searchsorted(cdf, alpha / 2 - 1e-12))  # smallest u: P(U<=u) >= a/2
        how = "exact"
    else:
        z = stats.norm.ppf(1 - alpha / 2)
        k = int(math.floor(m / 2 - z * math.sqrt(m * (n1 + n2 + 1) / 12)))
        how = "normal approximation"
    return max(k, 1), how


def pairwise_difference_order_stat(x, y, k: int) -> float:
    """The ``k``-th smallest (1-based) of all ``y[j] - x[i]`` without forming them.

    Bisection on the value with counts from ``searchsorted`` (memory
    ``O(n1 + n2)``, time ``O((n1 + n2) log n)`` per step), then the exact
    pairwise difference at that value.
    """
    xs = np.sort(_clean(x))
    ys = np.sort(_clean(y))
    n1 = xs.size
    total = n1 * ys.size
    if not 1 <= k <= total:
        raise ValueError(f"k must be in 1..{total}. Got {k}.")

    def count_le(d: float) -> int:
        # number of pairs with y_j - x_i <= d  <=>  x_i >= y_j - d
        return int((n1 - np.searchsorted(xs, ys - d, side="left")).sum())

    lo, hi = ys[0] - xs[-1], ys[-1] - xs[0]
    if count_le(lo) >= k:
        return float(lo)
    for _ in range(200):
        mid = lo + (hi - lo) / 2
        if mid in (lo, hi):
            break
        if count_le(mid) >= k:
            hi = mid
        else:
            lo = mid
    idx = np.searchsorted(xs, ys - hi, side="left")
    ok = idx < n1
    return float(np.max(ys[ok] - xs[idx[ok]]))


def _order_stats(x: np.ndarray, y: np.ndarray, ks: list[int]) -> list[float]:
    if x.size * y.size <= PAIRS_IN_MEMORY:
        d = np.sort(np.subtract.outer(y, x).ravel())
        return [float(d[k - 1]) for k in ks]
    return [pairwise_difference_order_stat(x, y, k) for k in ks]


def hodges_lehmann(before, after, *, confidence: float = 0.95) -> dict:
    """Hodges–Lehmann shift ``after - before`` with the Moses (Bauer) CI.

    The shift is the median of all ``n1 * n2`` differences ``after_j -
    before_i``; the interval is ``[D(k), D(n1 n2 + 1 - k)]`` with ``k`` from
    the Mann–Whitney null distribution (Moses 1953; Bauer 1972; as R
    ``wilcox.test(after, before, conf.int=TRUE)``). Up to ``PAIRS_IN_MEMORY``
    pairs the differences are sorted in memory; beyond, the needed order
    statistics are found exactly by bisection without forming the pairs.

    Returns
    -------
    dict
        ``shift, ci_low, ci_high, k, how`` (``how`` says exact/normal).
    """
    x, y = _clean(before), _clean(after)
    n1, n2 = x.size, y.size
    m = n1 * n2
    k, how = _moses_rank(n1, n2, confidence)
    mids = [(m + 1) // 2] if m % 2 else [m // 2, m // 2 + 1]
    ks = mids + [k, m + 1 - k]
    vals = _order_stats(x, y, ks)
    shift = float(np.mean(vals[: len(mids)]))
    low, high = vals[len(mids)], vals[len(mids) + 1]
    return {"shift": shift, "ci_low": low, "ci_high": high, "k": k, "how": how}


# --------------------------------------------------------------------------
# Bootstrap of medians
# --------------------------------------------------------------------------


def bootstrap_medians(values, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Medians of ``n_resamples`` bootstrap resamples, drawn exactly and fast.

    A resample of size ``n`` from the empirical distribution has order
    statistics ``x_(ceil(n U_(m)))`` where ``U_(m)`` are uniform order
    statistics: ``U_(m) ~ Beta(m, n - m + 1)`` and, given it, ``U_(m+1) =
    U_(m) + (1 - U_(m)) Beta(1, n - m)``. Drawing these gives the same
    distribution of resample medians as resampling rows, in ``O(n log n +
    n_resamples)`` instead of ``O(n * n_resamples)``.
    """
    xs = np.sort(_clean(values))
    n = xs.size

    def at(u):
        return xs[np.clip(np.ceil(n * u).astype(np.int64), 1, n) - 1]

    if n % 2:
        m = (n + 1) // 2
        return at(rng.beta(m, n - m + 1, size=n_resamples))
    m = n // 2
    u1 = rng.beta(m, n - m + 1, size=n_resamples)
    u2 = u1 + (1 - u1) * rng.beta(1, n - m, size=n_resamples)
    return (at(u1) + at(u2)) / 2


def jackknife_medians(values) -> np.ndarray:
    """Leave-one-out medians, in closed form: ``O(n log n)``, no ``n × n`` array.

    Removing the value of sorted rank ``i`` leaves ``n - 1`` sorted values
    whose ``k``-th is ``xs[k]`` when ``k < i`` and ``xs[k + 1]`` otherwise, so
    every leave-one-out median is one or two order statistics of ``xs``.
    Returned in sorted order of the left-out value (the order does not matter
    to the jackknife's acceleration, a sum over the values).
    """
    xs = np.sort(_clean(values))
    n = xs.size
    i = np.arange(n)
    m = n - 1

    def kth(k: int) -> np.ndarray:  # k-th (0-based) of the n - 1 left
        return xs[k + (i <= k)]

    if m % 2:
        return kth(m // 2)
    return (kth(m // 2 - 1) + kth(m // 2)) / 2


def _bca_bounds(theta_hat, theta_b, jack, alpha: float) -> tuple[float, float]:
    """BCa interval from a bootstrap distribution and jackknife estimates.

    The formulas of :func:`scipy.stats.bootstrap` (``method="BCa"``; Efron &
    Tibshirani 1993, 14.3 and 15.4): ``z0`` from the mid-rank percentile of
    ``theta_hat`` among ``theta_b``; the acceleration from each sample's
    jackknife estimates ``jack`` (one array per sample); bounds are the
    linear-interpolation quantiles of ``theta_b`` at the adjusted levels.
    NaN when the bootstrap distribution is degenerate.
    """
    from scipy.special import ndtr, ndtri

    below = np.count_nonzero(theta_b < theta_hat)
    pct = (below + np.count_nonzero(theta_b <= theta_hat)) / (2 * theta_b.size)
    z0 = float(ndtri(pct))
    num = den = 0.0
    for t in jack:
        n = t.size
        u = (n - 1) * (t.mean() - t)
        num += np.sum(u**3) / n**3
        den += np.sum(u**2) / n**2
    with np.errstate(divide="ignore", invalid="ignore"):
        a = num / den**1.5 / 6
    z = float(ndtri(alpha))
    levels = []
    for za in (z, -z):
        with np.errstate(divide="ignore", invalid="ignore"):
            levels.append(float(ndtr(z0 + (z0 + za) / (1 - a * (z0 + za)))))
    if not all(np.isfinite(levels)):
        return math.nan, math.nan
    with np.errstate(invalid="ignore"):
        lo, hi = np.quantile(theta_b, levels)
    return float(lo), float(hi)


def compare_durations(
    before,
    after,
    *,
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    seed: int | None = 0,
    bootstrap: str = "auto",
    metric: str = "cycle_time",
    unit: str = "working days",
    group: str = "",
    language: str = "en",
) -> DurationEffect:
    """Compare cycle times (one value per finished case) before and after.

    Parameters
    ----------
    before, after : array-like of float
        Durations (working days). NaN are dropped.
    confidence : float, default=0.95
    n_resamples : int, default=10_000
    seed : int or None, default=0
    bootstrap : {"auto", "bca", "percentile"}, default="auto"
        Both draw the resample medians exactly with :func:`bootstrap_medians`
        (the same distribution as resampling rows, ``O(n log n + B)``).
        ``"bca"``: bias-corrected and accelerated interval with the formulas of
        :func:`scipy.stats.bootstrap` (``method="BCa"``), the acceleration
        from the leave-one-out medians in closed form
        (:func:`jackknife_medians`, ``O(n log n)`` instead of scipy's
        ``O(n²)``); the percentile interval when BCa is degenerate (NaN).
        ``"percentile"``: percentile interval. ``"auto"``: BCa up to
        ``BCA_MAX_N`` values in total, else percentile.

    Returns
    -------
    DurationEffect
        ``estimate`` = difference of medians (after − before) with bootstrap
        CI; ``ratio``/``pct_change`` = ratio of medians; ``p_value`` from the
        two-sided Mann–Whitney U test (:func:`_mann_whitney_p`: exact, ties
        at mid-ranks, for ``n_before * n_after <= EXACT_PERMUTATION_MAX``;
        exact without ties up to ``EXACT_U_MAX``; else the normal
        approximation with tie and continuity correction; ``method`` says
        which); ``hl_*`` = Hodges–Lehmann shift with
        the Moses CI; ``after_ci_*`` = distribution-free CI of the pilot median.

        Edge cases, each said in ``method``: when every duration is the same
        within each period (``stats.no_variation``) the intervals of the
        difference, ratio and shift are NaN (not estimable: the bootstrap
        would give a zero-width interval that reads as certainty), and
        ``after_ci_*`` is NaN whenever every pilot duration is the same;
        when the baseline median is 0, ``ratio`` and ``pct_change`` and their
        intervals are NaN (a ratio to 0 is not defined).

    Raises
    ------
    ValueError
        When ``before`` or ``after`` holds a negative duration (an end before
        its start): the message names the parameter, how many and the
        smallest. Correct or drop those cases first; zero is allowed.
    """
    x, y = _clean(before), _clean(after)
    _check_n(x, "before", "compare_durations")
    _check_n(y, "after", "compare_durations")
    for name, v in (("before", x), ("after", y)):
        neg = v[v < 0]
        if neg.size:
            raise ValueError(
                f"The {name!r} parameter of compare_durations holds {neg.size} "
                f"negative duration(s) (smallest {neg.min():g}); a duration "
                "cannot be negative (an end before its start). Correct those "
                "cases' dates or leave them out."
            )
    if bootstrap not in {"auto", "bca", "percentile"}:
        raise ValueError(
            "The 'bootstrap' parameter of compare_durations must be one of "
            f"{{'auto', 'bca', 'percentile'}}. Got {bootstrap!r} instead."
        )
    use_bca = bootstrap == "bca" or (
        bootstrap == "auto" and x.size + y.size <= BCA_MAX_N
    )
    mb, ma = float(np.median(x)), float(np.median(y))
    alpha = 1 - confidence
    rng = np.random.default_rng(seed)
    bx = bootstrap_medians(x, n_resamples, rng)
    by = bootstrap_medians(y, n_resamples, rng)
    diff_b = by - bx
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_b = by / bx
    q = [alpha / 2, 1 - alpha / 2]
    draws = (
        f"{n_resamples:,} resamples; resample medians drawn exactly from their "
        "order-statistic distribution"
    )
    with np.errstate(invalid="ignore"):
        (dlo, dhi), (rlo, rhi) = np.quantile(diff_b, q), np.quantile(ratio_b, q)
    boot = f"percentile bootstrap ({draws})"
    if use_bca:
        jx, jy = jackknife_medians(x), jackknife_medians(y)
        bca = [_bca_bounds(ma - mb, diff_b, (ma - jx, jy - mb), alpha / 2)]
        with np.errstate(divide="ignore", invalid="ignore"):
            jack = (ma / jx, jy / mb)
            theta = ma / mb if mb else math.nan
            bca.append(_bca_bounds(theta, ratio_b, jack, alpha / 2))
        # a degenerate BCa interval (NaN) keeps the percentile one, as before
        ok = [all(np.isfinite(b)) for b in bca]
        if ok[0]:
            dlo, dhi = bca[0]
        if ok[1]:
            rlo, rhi = bca[1]
        boot = f"BCa bootstrap ({draws}; acceleration from the closed-form jackknife"
        boot += ")" if all(ok) else "; percentile interval where BCa is degenerate)"
    notes = []
    constant = no_variation(x) and no_variation(y)
    if constant:
        # every resample median is the sample's one value: a zero-width
        # interval would read as certainty
        dlo = dhi = rlo = rhi = math.nan
        notes.append(
            f"every duration was {x[0]:g} before and {y[0]:g} after: no variation "
            "within the periods, so the intervals of the difference, the ratio "
            "and the Hodges–Lehmann shift are not estimable (NaN)"
        )
    if mb <= 0:
        rlo = rhi = math.nan
        notes.append(
            "the baseline median is 0, so the ratio and % change of medians are "
            "not defined (NaN); the difference of medians is reported"
        )
    u, p_mw, mw_how = _mann_whitney_p(y, x)
    hl = hodges_lehmann(x, y, confidence=confidence)
    if constant:
        hl = {**hl, "ci_low": math.nan, "ci_high": math.nan}
    alow, ahigh = quantile_interval(y, 0.5, confidence=confidence)
    if no_variation(y):
        alow = ahigh = math.nan  # [v, v] would read as certainty
    ratio = ma / mb if mb > 0 else math.nan
    pairs = x.size * y.size
    hl_note = (
        f"Moses CI ({hl['how']} Mann–Whitney quantile"
        + (
            ""
            if pairs <= PAIRS_IN_MEMORY
            else "; order statistics by bisection, pairs never materialised"
        )
        + ")"
    )
    method = (
        f"difference and ratio of medians with {boot}; two-sided Mann–Whitney U "
        f"test ({mw_how}); Hodges–Lehmann shift with {hl_note}"
    )
    if notes:
        method += "; " + "; ".join(notes)
    return DurationEffect(
        metric=metric,
        method=method,
        estimate=ma - mb,
        ci_low=float(dlo),
        ci_high=float(dhi),
        p_value=p_mw,
        n_before=int(x.size),
        n_after=int(y.size),
        before=mb,
        after=ma,
        after_ci_low=alow,
        after_ci_high=ahigh,
        pct_change=100 * (ratio - 1),
        pct_ci_low=100 * (float(rlo) - 1),
        pct_ci_high=100 * (float(rhi) - 1),
        statistic="median",
        unit=unit,
        group=group,
        confidence=confidence,
        language=language,
        ratio=ratio,
        ratio_ci_low=float(rlo),
        ratio_ci_high=float(rhi),
        hl_shift=hl["shift"],
        hl_ci_low=hl["ci_low"],
        hl_ci_high=hl["ci_high"],
        details={"mann_whitney_u": u, "moses_k": hl["k"]},
    )


# --------------------------------------------------------------------------
# Censored durations
# --------------------------------------------------------------------------


def _mover(a, la, ua, b, lb, ub):
    """MOVER interval for ``a - b`` from separate CIs (Zou & Donner 2008)."""
    d = a - b
    return d - math.sqrt((a - la) ** 2 + (ub - b) ** 2), d + math.sqrt(
        (ua - a) ** 2 + (b - lb) ** 2
    )


def compare_survival(
    before_durations,
    before_observed,
    after_durations,
    after_observed,
    *,
    confidence: float = 0.95,
    metric: str = "cycle_time",
    unit: str = "working days",
    group: str = "",
    language: str = "en",
) -> Effect:
    """Censoring-aware comparison of durations (unfinished work included).

    Kaplan–Meier medians per period (:func:`diagnose.stats.kaplan_meier`,
    Brookmeyer–Crowley CI), the log-rank test (:func:`scipy.stats.logrank`)
    and the difference / ratio of the medians with a MOVER interval built
    from the two median CIs (Zou & Donner 2008; on the log scale for the
    ratio). Bounds the data cannot reach (heavy censoring, too few events)
    are NaN.

    Parameters
    ----------
    before_durations, after_durations : array-like of float
        Durations; for open work, its age at ``as_of``. NaN are dropped.
    before_observed, after_observed : array-like of bool
        True for finished work (event), False for open work (censored).
    confidence : float, default=0.95

    Returns
    -------
    Effect
        ``comparison="survival"``. With fewer than
        ``SURVIVAL_MIN_EVENTS`` finished items in a period the interval and
        the log-rank p-value are NaN and ``method`` says how many there were:
        the log-rank test is asymptotic (one finished pilot case against six
        gave p = 0.014, while no exact test of 1 against 6 can go below 1/7),
        and a median CI from one event has no width to show. The medians are
        still reported.
    """
    bd, ad = np.asarray(before_durations, float), np.asarray(after_durations, float)
    be, ae = np.asarray(before_observed, bool), np.asarray(after_observed, bool)
    kb = kaplan_meier(bd, be, confidence=confidence)
    ka = kaplan_meier(ad, ae, confidence=confidence)
    mb, lb, ub = kb.quantile(0.5)
    ma, la, ua = ka.quantile(0.5)
    method = (
        "Kaplan–Meier medians (open work right-censored; Brookmeyer–Crowley CIs, "
        "log-log); difference/ratio CI by MOVER (Zou & Donner 2008); log-rank test"
    )
    few = min(kb.n_events, ka.n_events) < SURVIVAL_MIN_EVENTS
    if few:
        method += (
            f"; only {kb.n_events} finished before and {ka.n_events} after (at least "
            f"{SURVIVAL_MIN_EVENTS} per period needed): interval and log-rank test "
            "not estimable (NaN)"
        )
        lr_stat = p_value = math.nan
        dlo = dhi = math.nan
    else:
        keep_b, keep_a = ~np.isnan(bd), ~np.isnan(ad)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lr = stats.logrank(
                x=stats.CensoredData(
                    uncensored=ad[keep_a & ae], right=ad[keep_a & ~ae]
                ),
                y=stats.CensoredData(
                    uncensored=bd[keep_b & be], right=bd[keep_b & ~be]
                ),
            )
        lr_stat, p_value = float(lr.statistic), float(lr.pvalue)
        dlo, dhi = _mover(ma, la, ua, mb, lb, ub)
    if few:
        rlo = rhi = math.nan
    elif min(ma, la, mb, lb) > 0:
        llo, lhi = _mover(
            math.log(ma),
            math.log(la),
            math.log(ua),
            math.log(mb),
            math.log(lb),
            math.log(ub),
        )
        rlo, rhi = math.exp(llo), math.exp(lhi)
    else:
        rlo = rhi = math.nan
    ratio = ma / mb if mb > 0 else math.nan
    return Effect(
        metric=metric,
        method=method,
        estimate=ma - mb,
        ci_low=dlo,
        ci_high=dhi,
        p_value=p_value,
        n_before=kb.n,
        n_after=ka.n,
        before=mb,
        after=ma,
        after_ci_low=la,
        after_ci_high=ua,
        pct_change=100 * (ratio - 1),
        pct_ci_low=100 * (rlo - 1),
        pct_ci_high=100 * (rhi - 1),
        statistic="median",
        unit=unit,
        comparison="survival",
        group=group,
        confidence=confidence,
        language=language,
        details={
            "logrank_statistic": lr_stat,
            "n_events_before": kb.n_events,
            "n_events_after": ka.n_events,
            "n_censored_before": kb.n_censored,
            "n_censored_after": ka.n_censored,
            "before_ci": (lb, ub),
        },
    )


# --------------------------------------------------------------------------
# Proportions
# --------------------------------------------------------------------------


def compare_proportions(
    k_before: int,
    n_before: int,
    k_after: int,
    n_after: int,
    *,
    confidence: float = 0.95,
    metric: str = "overdue_rate",
    group: str = "",
    language: str = "en",
    design_effects: tuple[float, float] = (1.0, 1.0),
) -> Effect:
    """Compare a rate (e.g. overdue tasks / tasks) before and after.

    ``estimate`` = ``p_after - p_before`` with Newcombe's hybrid score CI
    (:func:`diagnose.stats.newcombe_interval`); ``p_value`` from Fisher's
    exact test (two-sided, :func:`scipy.stats.fisher_exact`); the ratio
    ``p_after / p_before`` (as ``pct_change``) with the Katz log interval;
    pilot level with Wilson CI. The ratio's interval always contains its
    estimate: with no events after (ratio 0, −100 %) it is the score
    interval of statsmodels ``confint_proportions_2indep(compare="ratio",
    method="score")`` from 0; with no events before the ratio and its CI
    are NaN (not defined); with every item an event in both periods the
    Katz interval would have zero width and is NaN. ``method`` says which.

    ``design_effects``: ``(before, after)``, each at least 1, when the items
    come in clusters (tasks of one campaign are late together; see
    :func:`diagnose.stats.design_effect`). Then every count is divided by its
    period's design effect before the intervals are taken (Rao & Scott 1992),
    and the p-value is the Pearson chi-square test on the adjusted counts (the
    Rao–Scott first-order corrected test) instead of Fisher's. ``(1, 1)``: the
    items are independent; the unadjusted methods above.
    """
    for name, val in (
        ("k_before", k_before),
        ("n_before", n_before),
        ("k_after", k_after),
        ("n_after", n_after),
    ):
        if val is None or int(val) != val or val < 0:
            raise ValueError(
                f"The {name!r} parameter of compare_proportions must be a count >= 0. "
                f"Got {val!r} instead."
            )
    if k_before > n_before or k_after > n_after or n_before == 0 or n_after == 0:
        raise ValueError(
            "compare_proportions needs 0 <= k <= n and n > 0 in both periods. Got "
            f"{k_before}/{n_before} before and {k_after}/{n_after} after."
        )
    d_before, d_after = (float(d) for d in design_effects)
    if not (d_before >= 1 and d_after >= 1):
        raise ValueError(
            "The 'design_effects' parameter of compare_proportions must be two "
            f"numbers >= 1 (before, after). Got {design_effects!r} instead."
        )
    clustered = d_before > 1 or d_after > 1
    pb, pa = k_before / n_before, k_after / n_after
    # Rao–Scott: counts divided by the design effect (no change when 1)
    kb_, nb_ = k_before / d_before, n_before / d_before
    ka_, na_ = k_after / d_after, n_after / d_after
    low, high = newcombe_interval(ka_, na_, kb_, nb_, confidence=confidence)
    table = [[ka_, na_ - ka_], [kb_, nb_ - kb_]]
    if clustered:
        if 0 < k_before + k_after < n_before + n_after:
            chi2 = stats.chi2_contingency(table, correction=False)
            p_value, odds = float(chi2.pvalue), _odds_ratio(table)
        else:  # every item the same: nothing to test
            p_value, odds = 1.0, math.nan
    else:
        fisher = stats.fisher_exact(
            [[k_after, n_after - k_after], [k_before, n_before - k_before]]
        )
        p_value, odds = float(fisher.pvalue), float(fisher.statistic)
    rr_hat = pa / pb if pb > 0 else math.nan
    z = stats.norm.ppf(0.5 + confidence / 2)
    ratio_note = "ratio with Katz log CI"
    if k_before == 0:
        rlo = rhi = math.nan
        ratio_note = "ratio not defined (no events before)"
    elif k_after == 0:
        # estimate 0 (-100 %): the score interval, which handles the zero
        # cell and starts at 0 like the estimate
        from statsmodels.stats.proportion import confint_proportions_2indep

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            _, rhi = confint_proportions_2indep(
                ka_,
                na_,
                kb_,
                nb_,
                compare="ratio",
                method="score",
                alpha=1 - confidence,
            )
        rlo, rhi = 0.0, float(rhi)
        ratio_note = "ratio with score CI (Miettinen–Nurminen; no events after)"
    else:
        se = math.sqrt(1 / ka_ - 1 / na_ + 1 / kb_ - 1 / nb_)
        log_rr = math.log(rr_hat)
        if se > 0:
            rlo, rhi = math.exp(log_rr - z * se), math.exp(log_rr + z * se)
        else:  # every item an event in both periods: zero width, not certainty
            rlo = rhi = math.nan
            ratio_note = "ratio CI not estimable (every item an event in both periods)"
    wl, wh = wilson_interval(ka_, na_, confidence=confidence)
    if clustered:
        method = (
            "difference of proportions with Newcombe hybrid score CI, Rao–Scott "
            f"adjusted for clustering (design effect {d_before:.2f} before, "
            f"{d_after:.2f} after); Rao–Scott chi-square test; {ratio_note} on the "
            "adjusted counts"
        )
    else:
        method = (
            "difference of proportions with Newcombe hybrid score CI; Fisher's exact "
            f"test (two-sided); {ratio_note}"
        )
    return Effect(
        metric=metric,
        method=method,
        estimate=pa - pb,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p_value,
        n_before=int(n_before),
        n_after=int(n_after),
        before=pb,
        after=pa,
        after_ci_low=float(wl),
        after_ci_high=float(wh),
        pct_change=100 * (rr_hat - 1),
        pct_ci_low=100 * (rlo - 1),
        pct_ci_high=100 * (rhi - 1),
        statistic="proportion",
        unit="",
        group=group,
        confidence=confidence,
        language=language,
        details={
            "k_before": int(k_before),
            "k_after": int(k_after),
            "odds_ratio": odds,
            "design_effect_before": d_before,
            "design_effect_after": d_after,
        },
    )


def _odds_ratio(table) -> float:
    """Sample odds ratio of a 2x2 table (inf/NaN when a cell is 0)."""
    (a, b), (c, d) = table
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.float64(a * d) / np.float64(b * c))


# --------------------------------------------------------------------------
# Scores (satisfaction)
# --------------------------------------------------------------------------


def compare_scores(
    before,
    after,
    *,
    paired: bool = False,
    confidence: float = 0.95,
    metric: str = "satisfaction",
    group: str = "",
    unit: str = "points",
    language: str = "en",
) -> Effect:
    """Compare survey scores (e.g. a dimension's mean per respondent).

    Parameters
    ----------
    before, after : array-like or pandas.Series
        With ``paired=True`` the same respondents answered twice: Series are
        aligned on their index (the respondent id; respondents answering only
        once are dropped), plain arrays must be aligned already.
    paired : bool, default=False

    Returns
    -------
    Effect
        Paired: mean of the differences with the paired-t CI and the Wilcoxon
        signed-rank test (zero differences dropped, ``zero_method="wilcox"``).
        Independent: difference of means with the Welch t CI and the
        two-sided Mann–Whitney U test, its p-value by the rule of
        :func:`compare_durations`: exact (permutation distribution of the
        rank sum, ties at mid-ranks, :func:`mann_whitney_exact_p`) when
        ``n_before * n_after <= EXACT_PERMUTATION_MAX`` (400), where the
        normal approximation is poor (four 4s against four 5s: exact
        ``2/70 = 0.029``, normal 0.013); exact from the no-ties null up to
        ``EXACT_U_MAX`` pairs without ties; beyond, scipy's normal
        approximation with tie and continuity correction. ``method`` says
        which.

        When the interval has no variation to stand on (paired: every
        respondent changed by the same amount; independent: every answer the
        same within each period) its bounds are NaN and ``method`` says so:
        the t interval would have zero width and read as certainty. The
        rank test keeps its p-value (exact for small paired samples: with 3
        respondents all gaining +1, ``p = 0.25``). ``after_ci_*`` is NaN
        likewise when every pilot-period score is the same.
    """
    if paired:
        if isinstance(before, pd.Series) and isinstance(after, pd.Series):
            both = pd.concat({"b": before, "a": after}, axis=1, join="inner").dropna()
            x, y = both["b"].to_numpy(float), both["a"].to_numpy(float)
        else:
            x, y = np.asarray(before, float), np.asarray(after, float)
            if x.shape != y.shape:
                raise ValueError(
                    "compare_scores(paired=True) needs before and after of equal "
                    f"length (one pair per respondent). Got {x.size} and {y.size}; "
                    "pass Series indexed by respondent to align them."
                )
            keep = ~(np.isnan(x) | np.isnan(y))
            x, y = x[keep], y[keep]
        _check_n(x, "before", "compare_scores", 2)
        d = y - x
        low, high = mean_interval(d, confidence=confidence)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if np.all(d == 0):
                p = 1.0
            else:
                p = float(stats.wilcoxon(y, x, zero_method="wilcox").pvalue)
        method = (
            "mean of paired differences with paired-t CI; Wilcoxon signed-rank test"
        )
        if no_variation(d):
            method += (
                f"; every respondent changed by the same {d[0]:+.2f}: no variation "
                "in the differences, so the t interval is not estimable (NaN)"
            )
        est = float(d.mean())
    else:
        x, y = _clean(before), _clean(after)
        _check_n(x, "before", "compare_scores")
        _check_n(y, "after", "compare_scores")
        _, p, mw_how = _mann_whitney_p(y, x)
        method = (
            "difference of means with Welch t CI; two-sided Mann–Whitney U test "
            f"({mw_how})"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if no_variation(x) and no_variation(y):
                # se = 0: a zero-width interval would read as certainty
                low = high = math.nan
                method += (
                    f"; every answer was {x[0]:.2f} before and {y[0]:.2f} after: no "
                    "variation within the periods, so the t interval is not "
                    "estimable (NaN)"
                )
            else:
                tt = stats.ttest_ind(y, x, equal_var=False)
                ci = tt.confidence_interval(confidence_level=confidence)
                low, high = float(ci.low), float(ci.high)
        est = float(y.mean() - x.mean())
    alow, ahigh = mean_interval(y, confidence=confidence)
    return Effect(
        metric=metric,
        method=method,
        estimate=est,
        ci_low=float(low),
        ci_high=float(high),
        p_value=p,
        n_before=int(x.size),
        n_after=int(y.size),
        before=float(x.mean()),
        after=float(y.mean()),
        after_ci_low=alow,
        after_ci_high=ahigh,
        statistic="mean",
        unit=unit,
        comparison="paired before/after" if paired else "before/after",
        group=group,
        confidence=confidence,
        language=language,
    )
