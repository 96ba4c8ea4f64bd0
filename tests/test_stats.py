"""Shared interval helpers against hand-computed and peer-library values."""

import numpy as np
import pytest

from diagnose.stats import (
    kaplan_meier,
    mean_interval,
    newcombe_interval,
    quantile_interval,
    wilson_interval,
)


def test_wilson_matches_hand_computation():
    # k=3, n=10, z=1.959964: centre=(0.3+z²/20)/(1+z²/10), half-width by hand
    z = 1.959963984540054
    p, n = 0.3, 10
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low, high = wilson_interval(3, 10)
    assert low == pytest.approx(centre - half)
    assert high == pytest.approx(centre + half)
    # R: prop.test(3, 10, correct=FALSE)$conf.int -> 0.1077913 0.6032219
    assert (float(low), float(high)) == pytest.approx((0.1077913, 0.6032219), abs=1e-6)


def test_wilson_vectorised_and_empty_group():
    low, high = wilson_interval([0, 5, 0], [10, 5, 0])
    assert low[0] == 0 and high[1] == 1
    assert np.isnan(low[2]) and np.isnan(high[2])


def test_wilson_bounds_exact_at_zero_and_all():
    """k = 0 and k = n: the bound is 0 (1) exactly, never a hair past the
    estimate (n = 3 gave 5.6e-17, which made error bars negative)."""
    n = np.arange(1, 501)
    low0, high0 = wilson_interval(np.zeros_like(n), n)
    lown, highn = wilson_interval(n, n)
    assert (low0 == 0).all() and (highn == 1).all()
    z = 1.959963984540054  # the other bound by hand: z²/(n + z²)
    np.testing.assert_allclose(high0, z**2 / (n + z**2), rtol=1e-12)
    np.testing.assert_allclose(lown, n / (n + z**2), rtol=1e-12)
    k = np.array([0, 1, 2, 3]).repeat(4)
    m = np.tile([3, 4, 7, 12], 4)
    lo, hi = wilson_interval(k, m)
    assert ((lo <= k / m) & (k / m <= hi)).all()


def test_clustered_wilson_bounds_exact_and_one_cluster_nan():
    """The clustered interval inherits the exact ends (its callers do not
    clamp again) and gives no interval from a single cluster."""
    from diagnose.stats import clustered_wilson_interval

    p, low, high, n_eff = clustered_wilson_interval([0, 0, 0], [3, 2, 4])
    assert (p, low, n_eff) == (0.0, 0.0, 3.0)  # all agree: n_eff = clusters
    z = 1.959963984540054
    assert high == pytest.approx(z**2 / (3 + z**2), rel=1e-12)
    p, low, high, _ = clustered_wilson_interval([3, 2, 4], [3, 2, 4])
    assert (p, high) == (1.0, 1.0)
    assert low == pytest.approx(3 / (3 + z**2), rel=1e-12)
    p, low, high, _ = clustered_wilson_interval([1, 0], [3, 0])  # one cluster
    assert p == pytest.approx(1 / 3) and np.isnan(low) and np.isnan(high)


def test_newcombe_published_example():
    # Newcombe (1998), Stat Med 17:873, Table II example (a): 56/70 vs 48/80
    # method 10 interval: +0.0524 to +0.3339
    low, high = newcombe_interval(56, 70, 48, 80)
    assert (float(low), float(high)) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_quantile_interval_order_statistics():
    x = np.arange(1, 11)  # n=10: 95 % CI for the median is x(2), x(9)
    assert quantile_interval(x) == (2.0, 9.0)
    assert all(np.isnan(quantile_interval(np.arange(5))))  # too small for 95 %


def test_quantile_interval_ranks_vectorised_equal_one_by_one():
    from diagnose.stats import quantile_interval_ranks

    # Conover's table: n = 6 -> x(1), x(6); n = 10 -> x(2), x(9); n = 5 -> none
    assert quantile_interval_ranks(6) == (1, 6)
    assert quantile_interval_ranks(10) == (2, 9)
    r, s = quantile_interval_ranks(5)
    assert r == 0 and s == 6  # unbounded on both sides
    sizes = np.arange(1, 301)
    for q, level in ((0.5, 0.95), (0.85, 0.9)):
        rv, sv = quantile_interval_ranks(sizes, q, confidence=level)
        one = [quantile_interval_ranks(int(k), q, confidence=level) for k in sizes]
        assert rv.tolist() == [a for a, _ in one]
        assert sv.tolist() == [b for _, b in one]


def test_mean_interval_student_t():
    # by hand: mean 4, sd sqrt(50/4)=3.5355, se=1.5811, t(0.975, 4)=2.7764
    # R: t.test(c(1,2,3,4,10))$conf.int -> -0.3899 8.3899
    low, high = mean_interval([1, 2, 3, 4, 10])
    assert (low, high) == pytest.approx((-0.38995, 8.38995), abs=1e-4)


def test_kaplan_meier_hand_computed_median():
    # durations 1..6, items at 4 and 6 censored.
    # S(1)=5/6, S(2)=4/6, S(3)=3/6 -> median = 3 (first S <= 0.5)
    km = kaplan_meier([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 0])
    assert km.n_events == 4 and km.n_censored == 2
    est, low, high = km.quantile(0.5)
    assert est == 3.0
    # S(5) = 0.5 * (1 - 1/2) = 0.25
    s5 = km.survival[np.searchsorted(km.time, 5)]
    assert s5 == pytest.approx(0.25)


def test_kaplan_meier_agrees_with_lifelines(rng):
    lifelines = pytest.importorskip("lifelines")
    d = rng.lognormal(1.0, 0.6, 80).round(1)
    e = rng.random(80) > 0.3
    km = kaplan_meier(d, e)
    ref = lifelines.KaplanMeierFitter().fit(d, e)
    assert km.quantile(0.5)[0] == pytest.approx(ref.median_survival_time_)
    sf = ref.survival_function_.iloc[:, 0]
    ours = dict(zip(km.time, km.survival))
    for t, s in sf.items():
        if t in ours:
            assert ours[t] == pytest.approx(s)
    ci = ref.confidence_interval_survival_function_
    lo = dict(zip(km.time, km.ci_low))
    for t, row in ci.iterrows():
        if t in lo and 0 < row.iloc[0] < 1:
            assert lo[t] == pytest.approx(row.iloc[0], abs=1e-6)


def test_kaplan_meier_band_before_first_event_is_certain():
    # censored items before the first event: S = 1 there, and the band must
    # not drop to 0 (that would put every quantile's lower bound at the
    # first censored time). Lower bound of the median must be an event time.
    d = [0.5, 0.7, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    e = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    km = kaplan_meier(d, e)
    assert km.ci_low[0] == 1.0 and km.ci_high[0] == 1.0
    est, low, high = km.quantile(0.5)
    assert est == 6.0  # 10 at risk after the censoring: S(5)=0.6, S(6)=0.5
    assert low >= 2.0
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    ref = lifelines.KaplanMeierFitter().fit(d, e)
    ci = median_survival_times(ref.confidence_interval_)
    assert low == pytest.approx(float(ci.iloc[0, 0]))


def test_clustered_newcombe_by_hand():
    from diagnose.stats import clustered_newcombe_interval, newcombe_interval

    # one task per person: exactly Newcombe's interval (and n_eff = n)
    low, high, n1, n2 = clustered_newcombe_interval(
        [1, 1, 0, 1], [1] * 4, [0, 1, 0, 0, 0], [1] * 5
    )
    want = newcombe_interval(3, 4, 1, 5)
    assert (low, high) == pytest.approx(tuple(float(w) for w in want))
    assert (n1, n2) == (4.0, 5.0)
    # group 1: two people with 2 tasks each, one slow on both, one on neither:
    # p = 0.5, V = ((2 - 1)^2 + (0 - 1)^2) / 4^2 = 1/8, n_eff = 0.25 / V = 2.
    # group 2: three people, one task each: n_eff = 3 (plain Wilson).
    low, high, n1, n2 = clustered_newcombe_interval([2, 0], [2, 2], [0, 1, 0], [1] * 3)
    assert (n1, n2) == (2.0, 3.0)
    want = newcombe_interval(1, 2, 1, 3)  # Wilson at (1 of 2) and (1 of 3)
    assert (low, high) == pytest.approx(tuple(float(w) for w in want))
    # a single person in a group: no interval
    assert np.isnan(clustered_newcombe_interval([1], [2], [0, 1], [1, 1])[0])


def test_clustered_newcombe_keeps_its_coverage_where_newcombe_does_not():
    # 12 people per group x 6 tasks; each person has their own chance of a
    # slow task (Beta(2, 2)), the same distribution in both groups: true
    # difference 0.
    from diagnose.stats import clustered_newcombe_interval, newcombe_interval

    rng = np.random.default_rng(11)
    sims, hits_clustered, hits_plain = 400, 0, 0
    m = np.full(12, 6)
    for _ in range(sims):
        y1 = rng.binomial(6, rng.beta(2, 2, size=12))
        y2 = rng.binomial(6, rng.beta(2, 2, size=12))
        lo, hi, _, _ = clustered_newcombe_interval(y1, m, y2, m)
        hits_clustered += lo <= 0 <= hi
        plo, phi = newcombe_interval(y1.sum(), 72, y2.sum(), 72)
        hits_plain += plo <= 0 <= phi
    # seed 11: 92.75 % against 80.25 %
    rate_c, rate_p = hits_clustered / sims, hits_plain / sims
    assert rate_c >= 0.91, rate_c  # near the nominal 95 %
    assert rate_p <= 0.85, rate_p  # tasks treated as independent: too narrow


def test_mean_interval_without_variation_is_not_estimable():
    # identical Likert answers: sd = 0, a t interval would be [4, 4]
    assert all(np.isnan(mean_interval([4, 4, 4, 4, 4])))
    assert all(np.isnan(mean_interval([0.1, 0.1, 0.1, np.nan])))
    # one different answer is enough: R t.test(c(4,4,4,4,5)) -> 3.644711 4.755289
    low, high = mean_interval([4, 4, 4, 4, 5])
    assert (low, high) == pytest.approx((3.644711, 4.755289), abs=1e-6)


def test_kaplan_meier_median_ci_needs_enough_events():
    # one finished case: the log-log band is undefined at S = 0, so the
    # median CI is not estimable, never the zero-width [5, 5]
    km = kaplan_meier([5.0], [True])
    assert np.isnan(km.ci_low[-1]) and np.isnan(km.ci_high[-1])
    est, low, high = km.quantile(0.5)
    assert est == 5.0 and np.isnan(low) and np.isnan(high)
    # 5 events (no censoring): the upper bound would be the largest value,
    # but 0.5**5 > 0.025, as the order-statistic CI (NaN below 6 values)
    x5 = [4.0, 5.0, 7.0, 9.0, 12.0]
    assert np.isnan(kaplan_meier(x5, [True] * 5).quantile(0.5)[2])
    assert np.isnan(quantile_interval(x5)[1])
    # 6 events: the largest value, as lifelines and the order statistic
    x6 = [4.0, 5.0, 7.0, 9.0, 12.0, 15.0]
    km6 = kaplan_meier(x6, [True] * 6)
    assert km6.quantile(0.5)[2] == 15.0 == quantile_interval(x6)[1]
    lifelines = pytest.importorskip("lifelines")
    from lifelines.utils import median_survival_times

    ref = lifelines.KaplanMeierFitter().fit(x6, [True] * 6)
    ci = median_survival_times(ref.confidence_interval_)
    assert km6.quantile(0.5)[1:] == pytest.approx(tuple(ci.iloc[0]))
