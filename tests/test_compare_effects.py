"""Before/after effects against hand-computed, published and peer-library values."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from diagnose.compare.effects import (
    bootstrap_medians,
    compare_durations,
    compare_proportions,
    compare_scores,
    compare_survival,
    hodges_lehmann,
    jackknife_medians,
    mann_whitney_null,
    pairwise_difference_order_stat,
)


def _u_null_by_enumeration(n1, n2):
    counts = np.zeros(n1 * n2 + 1)
    for comb in itertools.combinations(range(1, n1 + n2 + 1), n1):
        counts[int(sum(comb) - n1 * (n1 + 1) / 2)] += 1
    return counts / counts.sum()


def test_mann_whitney_null_matches_enumeration():
    for n1, n2 in [(3, 4), (5, 6), (6, 3)]:
        assert mann_whitney_null(n1, n2) == pytest.approx(
            _u_null_by_enumeration(n1, n2)
        )


def test_hodges_lehmann_hand_example():
    # all 12 differences after_j - before_i: 1,2,2,3,3,3,4,4,4,5,5,6 -> median (3+4)/2
    # n1=3, n2=4: P(U<=0) = 1/35 > 0.025, so k = 1 (R sets qu=1): CI = [D(1), D(12)]
    hl = hodges_lehmann([1, 2, 3], [4, 5, 6, 7])
    assert hl["shift"] == 3.5
    assert (hl["ci_low"], hl["ci_high"]) == (1.0, 6.0)


def test_moses_interval_uses_mann_whitney_quantile():
    before = np.array([10.0, 12, 13, 15, 18])
    after = np.array([7.0, 8, 9, 11, 14, 16])
    p = _u_null_by_enumeration(5, 6)
    cdf = np.cumsum(p)
    k = int(np.argmax(cdf >= 0.025))  # qwilcox(0.025, 5, 6)
    assert k == 4  # by hand: P(U<=3) = 0.0152, P(U<=4) = 0.0260
    d = np.sort(np.subtract.outer(after, before).ravel())
    hl = hodges_lehmann(before, after)
    assert hl["k"] == k
    assert (hl["ci_low"], hl["ci_high"]) == (d[k - 1], d[30 - k])
    assert hl["shift"] == pytest.approx(np.median(d))
    # achieved coverage >= 95 %
    assert 1 - 2 * cdf[k - 1] >= 0.95


def test_pairwise_order_stat_without_materialising(rng):
    x = rng.integers(0, 15, 200).astype(float)  # ties on purpose
    y = rng.normal(5, 3, 150).round(1)
    d = np.sort(np.subtract.outer(y, x).ravel())
    for k in [1, 2, 777, 15_000, 29_999, 30_000]:
        # equal up to float rounding of y - x (one ulp)
        assert pairwise_difference_order_stat(x, y, k) == pytest.approx(
            d[k - 1], abs=1e-9
        )


def test_durations_tiny_example_mann_whitney_exact():
    # all after > all before: U = 12 (or 0) -> exact two-sided p = 2 / C(7,3) = 2/35
    r = compare_durations([1, 2, 3], [4, 5, 6, 7], n_resamples=2000)
    assert r.p_value == pytest.approx(2 / 35)
    assert r.before == 2 and r.after == 5.5 and r.estimate == 3.5
    assert r.ratio == pytest.approx(2.75)
    assert r.pct_change == pytest.approx(175)


def test_bootstrap_ci_contains_median_difference(rng):
    b = rng.lognormal(3.0, 0.5, 150)
    a = rng.lognormal(2.8, 0.5, 120)
    r = compare_durations(b, a)
    hand = np.median(a) - np.median(b)
    assert r.estimate == pytest.approx(hand)
    assert r.ci_low < hand < r.ci_high
    assert r.ratio_ci_low < np.median(a) / np.median(b) < r.ratio_ci_high
    assert "BCa" in r.method
    assert r.hl_ci_low < r.hl_shift < r.hl_ci_high
    row = r.to_frame()
    assert len(row) == 1 and {"estimate", "ci_low", "p_value", "hl_shift"} <= set(row)
    assert "working days" in r.summary() and "中位数" in r.summary("zh")
    assert "<table" in r._repr_html_()


def test_exact_median_bootstrap_matches_row_resampling(rng):
    # For odd n the resampled median is <= x(j) iff at least m = (n+1)/2 draws are
    # <= x(j): P = P(Binomial(n, j/n) >= m). Both the order-statistic sampler and
    # scipy.stats.bootstrap's row resampling must reproduce this CDF.
    n = 201
    x = np.sort(rng.lognormal(2, 0.6, n))
    m = (n + 1) // 2
    fast = bootstrap_medians(x, 40_000, np.random.default_rng(1))
    slow = stats.bootstrap(
        (x,), np.median, vectorized=True, n_resamples=40_000, method="percentile", rng=2
    ).bootstrap_distribution
    for j in (85, 95, 101, 107, 117):
        exact = stats.binom.sf(m - 1, n, j / n)
        assert np.mean(fast <= x[j - 1]) == pytest.approx(exact, abs=0.01)
        assert np.mean(slow <= x[j - 1]) == pytest.approx(exact, abs=0.01)
    # even n: mean and spread agree with row resampling
    y = rng.lognormal(2, 0.6, 200)
    f2 = bootstrap_medians(y, 40_000, np.random.default_rng(3))
    s2 = stats.bootstrap(
        (y,), np.median, vectorized=True, n_resamples=40_000, method="percentile", rng=4
    ).bootstrap_distribution
    assert f2.mean() == pytest.approx(s2.mean(), abs=0.05 * s2.std())
    assert f2.std() == pytest.approx(s2.std(), rel=0.05)


@pytest.mark.parametrize("n", [2, 3, 7, 8, 51, 60])
def test_jackknife_medians_closed_form_equals_leaving_each_out(rng, n):
    x = rng.integers(0, 6, n).astype(float)  # many ties on purpose
    brute = [np.median(np.delete(x, i)) for i in range(n)]
    assert np.sort(jackknife_medians(x)) == pytest.approx(np.sort(brute))


def _scipy_bca_on(x, y, theta_b, kind):
    """scipy's BCa interval on a given bootstrap distribution (n_resamples=0)."""

    def stat(b, a, axis=-1):
        mb, ma = np.median(b, axis=axis), np.median(a, axis=axis)
        return ma - mb if kind == "diff" else ma / mb

    # scipy extends a given bootstrap distribution (bootstrap_result=) without
    # resampling when n_resamples=0; its result class is not public, hence type()
    probe = stats.bootstrap((x,), np.median, n_resamples=2, method="percentile", rng=0)
    result_type = type(probe)
    prev = result_type(
        confidence_interval=None, bootstrap_distribution=theta_b, standard_error=None
    )
    res = stats.bootstrap(
        (x, y),
        stat,
        vectorized=True,
        n_resamples=0,
        bootstrap_result=prev,
        method="BCa",
        rng=0,
    )
    return tuple(res.confidence_interval)


@pytest.mark.parametrize("sizes", [(12, 9), (40, 31), (300, 250)])
def test_bca_equals_scipy_bca_on_the_same_resample_medians(rng, sizes):
    # same bootstrap distribution -> scipy's z0, jackknife acceleration (its
    # O(n^2) leave-one-out arrays) and quantiles must give the same interval
    x = rng.lognormal(2.0, 0.6, sizes[0]).round(1)
    y = rng.lognormal(1.8, 0.6, sizes[1]).round(1)
    r = compare_durations(x, y, n_resamples=3000, seed=11, bootstrap="bca")
    draw = np.random.default_rng(11)
    bx = bootstrap_medians(x, 3000, draw)
    by = bootstrap_medians(y, 3000, draw)
    lo, hi = _scipy_bca_on(x, y, by - bx, "diff")
    assert (r.ci_low, r.ci_high) == pytest.approx((lo, hi), rel=1e-12, abs=1e-12)
    lo, hi = _scipy_bca_on(x, y, by / bx, "ratio")
    assert (r.ratio_ci_low, r.ratio_ci_high) == pytest.approx((lo, hi), rel=1e-12)
    assert r.method.startswith("difference and ratio of medians with BCa bootstrap")
    assert "closed-form jackknife" in r.method


def test_bca_agrees_with_scipy_row_resampling_within_monte_carlo_noise(rng):
    x = rng.lognormal(2.0, 0.6, 401)
    y = rng.lognormal(1.8, 0.6, 350)
    r = compare_durations(x, y, n_resamples=20_000, seed=1, bootstrap="bca")

    def diff(b, a, axis=-1):
        return np.median(a, axis=axis) - np.median(b, axis=axis)

    ref = stats.bootstrap(
        (x, y), diff, vectorized=True, n_resamples=20_000, method="BCa", rng=2
    ).confidence_interval
    width = ref.high - ref.low
    assert abs(r.ci_low - ref.low) < 0.1 * width
    assert abs(r.ci_high - ref.high) < 0.1 * width


def test_degenerate_bca_falls_back_to_percentile():
    # no resample median falls below the sample's: z0 is infinite
    r = compare_durations(
        [3.0] * 6, [2.0] * 5 + [9.0], n_resamples=500, bootstrap="bca"
    )
    assert "percentile interval where BCa is degenerate" in r.method
    diff, ratio = (r.ci_low, r.ci_high), (r.ratio_ci_low, r.ratio_ci_high)
    assert diff[0] == -1.0 and ratio[0] == pytest.approx(2 / 3)
    # every value equal within each period: no interval at all (the
    # percentile one would be the zero-width [-1, -1], read as certainty)
    r = compare_durations([3.0] * 6, [2.0] * 5, n_resamples=500, bootstrap="bca")
    assert math.isnan(r.ci_low) and math.isnan(r.ratio_ci_high)


def test_percentile_path_on_100k_rows(rng):
    # speed is measured in benchmarks/ (never asserted here); this checks the
    # large-sample path is the order-statistic one and gives a sane interval
    b = rng.lognormal(2.5, 0.6, 50_000).round(1)
    a = rng.lognormal(2.3, 0.6, 50_000).round(1)
    r = compare_durations(b, a, n_resamples=10_000)
    assert "percentile bootstrap" in r.method and "never materialised" in r.method
    assert r.ci_low < r.estimate < r.ci_high


def test_proportions_newcombe_published_and_fisher_hand():
    # Newcombe (1998) example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339
    r = compare_proportions(48, 80, 56, 70)
    assert r.estimate == pytest.approx(0.2)
    assert (r.ci_low, r.ci_high) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    # Fisher's tea tasting: [[3,1],[1,3]]: p = 2 * (16 + 1) / 70 (R fisher.test: 0.4857)
    r = compare_proportions(1, 4, 3, 4)
    assert r.p_value == pytest.approx(34 / 70)
    assert r.pct_change == pytest.approx(200)
    # Katz log interval for RR by hand
    se = math.sqrt(1 / 3 - 1 / 4 + 1 / 1 - 1 / 4)
    z = stats.norm.ppf(0.975)
    assert r.pct_ci_high == pytest.approx(100 * (3 * math.exp(z * se) - 1))


def test_proportions_reject_bad_counts():
    with pytest.raises(ValueError, match="0 <= k <= n"):
        compare_proportions(5, 4, 1, 4)


def test_scores_paired_t_interval_by_hand():
    import pandas as pd

    before = pd.Series([3, 2, 4, 3, 3, 1], index=list("abcdef"))
    after = pd.Series([5, 4, 4, 5, 3, 2], index=list("ebcdaz"))  # shuffled, z unpaired
    r = compare_scores(before, after, paired=True)
    # pairs a..e: d = [5-3, 4-2, 4-4, 5-3, 3-3] = [2, 2, 0, 2, 0]: mean 1.2
    d = np.array([0, 2, 0, 2, 2.0])  # by index: a: 3->3, b:2->4, c:4->4, d:3->5, e:3->5
    assert r.n_before == 5
    assert r.estimate == pytest.approx(d.mean())
    half = stats.t.ppf(0.975, 4) * d.std(ddof=1) / math.sqrt(5)
    assert (r.ci_low, r.ci_high) == pytest.approx((d.mean() - half, d.mean() + half))
    assert "Wilcoxon" in r.method


def test_scores_independent_welch_by_hand():
    x, y = np.array([1.0, 2, 3]), np.array([4.0, 5, 6, 7])
    r = compare_scores(x, y)
    v1, v2 = x.var(ddof=1) / 3, y.var(ddof=1) / 4
    df = (v1 + v2) ** 2 / (v1**2 / 2 + v2**2 / 3)  # Welch–Satterthwaite
    half = stats.t.ppf(0.975, df) * math.sqrt(v1 + v2)
    assert (r.ci_low, r.ci_high) == pytest.approx((3.5 - half, 3.5 + half))
    assert r.p_value == pytest.approx(2 / 35)  # exact Mann–Whitney


def test_survival_logrank_matches_lifelines(rng):
    lifelines = pytest.importorskip("lifelines.statistics")
    tb = rng.exponential(20, 60).round(1) + 0.5
    ta = rng.exponential(14, 50).round(1) + 0.5
    eb = rng.random(60) > 0.2
    ea = rng.random(50) > 0.3
    r = compare_survival(tb, eb, ta, ea)
    ref = lifelines.logrank_test(tb, ta, event_observed_A=eb, event_observed_B=ea)
    assert r.p_value == pytest.approx(ref.p_value, rel=1e-6)
    assert r.details["logrank_statistic"] ** 2 == pytest.approx(
        ref.test_statistic, rel=1e-6
    )
    assert r.comparison == "survival" and r.n_before == 60
    assert r.ci_low <= r.estimate <= r.ci_high


def test_proportions_rao_scott_by_hand():
    from scipy.stats import chi2_contingency

    from diagnose.stats import design_effect

    # design effect 2 in both periods: every count halves (Rao & Scott 1992)
    r = compare_proportions(48, 80, 56, 70, design_effects=(2.0, 2.0))
    half = compare_proportions(24, 40, 28, 35)
    assert r.estimate == pytest.approx(0.2)  # the shares do not change
    assert (r.ci_low, r.ci_high) == pytest.approx((half.ci_low, half.ci_high))
    assert (r.pct_ci_low, r.pct_ci_high) == pytest.approx(
        (half.pct_ci_low, half.pct_ci_high)
    )
    want = chi2_contingency([[28, 7], [24, 16]], correction=False).pvalue
    assert r.p_value == pytest.approx(want)
    assert "Rao–Scott" in r.method and "2.00 before" in r.method
    assert r.details["design_effect_after"] == 2.0
    # wider than the unadjusted interval
    plain = compare_proportions(48, 80, 56, 70)
    assert r.ci_low < plain.ci_low and r.ci_high > plain.ci_high
    with pytest.raises(ValueError, match="'design_effects' parameter"):
        compare_proportions(48, 80, 56, 70, design_effects=(0.5, 1.0))
    # design effects by hand: two cases of two tasks, one late on both, one
    # on neither: p = 0.5, V = ((2-1)^2 + (0-1)^2) / 4^2 = 1/8, n_eff = 2
    assert design_effect([2, 0], [2, 2]) == pytest.approx(2.0)
    assert design_effect([1, 0, 1], [1, 1, 1]) == pytest.approx(1.0)
    assert np.isnan(design_effect([1], [3]))


def test_rao_scott_keeps_its_coverage_for_clustered_tasks():
    # 30 cases x 6 tasks per period; a case's tasks are late together (its own
    # chance, Beta(1, 3)); the same distribution before and after: truth 0.
    from diagnose.stats import design_effect

    rng = np.random.default_rng(5)
    sims, cover_adj, cover_plain, false_adj = 300, 0, 0, 0
    m = np.full(30, 6)
    for _ in range(sims):
        yb = rng.binomial(6, rng.beta(1, 3, size=30))
        ya = rng.binomial(6, rng.beta(1, 3, size=30))
        d = (max(design_effect(yb, m), 1.0), max(design_effect(ya, m), 1.0))
        adj = compare_proportions(yb.sum(), 180, ya.sum(), 180, design_effects=d)
        plain = compare_proportions(yb.sum(), 180, ya.sum(), 180)
        cover_adj += adj.ci_low <= 0 <= adj.ci_high
        cover_plain += plain.ci_low <= 0 <= plain.ci_high
        false_adj += adj.p_value < 0.05
    # seed 5: 94.0 % against 83.7 %; the adjusted test rejects 6.0 % of
    # the null pilots, Fisher's test on the raw counts 15 %
    assert cover_adj / sims >= 0.91
    assert cover_plain / sims <= 0.87
    assert false_adj / sims <= 0.08


def test_interval_and_test_disagreement_is_called_borderline():
    from diagnose.compare.result import Effect, interval_and_test_disagree

    # CI touches past zero while p < 0.05 (the sample pilot's overdue rate),
    # and the reverse; agreeing pairs and missing values are not borderline
    assert interval_and_test_disagree(-0.21, 0.0005, 0.046)
    assert interval_and_test_disagree(0.01, 0.3, 0.07)
    assert not interval_and_test_disagree(-0.21, -0.01, 0.01)
    assert not interval_and_test_disagree(-0.2, 0.1, 0.4)
    assert not interval_and_test_disagree(-0.2, 0.1, float("nan"))
    got = interval_and_test_disagree(
        np.array([-0.21, -0.21, 0.01]),
        np.array([0.0005, -0.01, 0.3]),
        np.array([0.046, 0.01, 0.07]),
        np.array([0.95, 0.95, 0.99]),
    )
    # the third at 99 %: its CI excludes 0 but p = 0.07 is not below 0.01
    assert got.tolist() == [True, False, True]
    e = Effect(
        "overdue_rate",
        "m",
        -0.125,
        -0.212,
        0.0005,
        0.046,
        40,
        40,
        before=0.175,
        after=0.05,
        statistic="proportion",
    )
    assert e.borderline
    assert e.summary().endswith("Borderline: the interval and the test disagree.")
    assert e.summary("zh").endswith("临界：区间与检验的结论不一致。")
    clear = Effect("overdue_rate", "m", -0.125, -0.212, -0.01, 0.03, 40, 40)
    assert not clear.borderline and "Borderline" not in clear.summary()


def test_scores_without_variation_give_no_zero_width_interval():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # 3 respondents each gain exactly +1: exact Wilcoxon p = 2 / 2**3
        e = compare_scores([3, 4, 3], [4, 5, 4], paired=True)
        ind = compare_scores([4, 4, 4, 4], [5, 5, 5, 5])
    assert e.estimate == 1.0 and math.isnan(e.ci_low) and math.isnan(e.ci_high)
    assert e.p_value == pytest.approx(0.25)
    assert "not estimable" in e.method
    assert ind.estimate == 1.0 and math.isnan(ind.ci_low) and math.isnan(ind.ci_high)
    assert math.isnan(ind.after_ci_low) and "not estimable" in ind.method
    # exact permutation p: the observed split is the most extreme of C(8, 4)
    assert ind.p_value == pytest.approx(2 / 70)
    assert "exact permutation" in ind.method
    # one group constant: Welch still estimable (df = n_other - 1), as scipy
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = compare_scores([4, 4, 4, 4], [5, 4, 5, 5])
        warnings.simplefilter("ignore")  # scipy's precision-loss note
        ci = stats.ttest_ind([5, 4, 5, 5], [4, 4, 4, 4], equal_var=False)
    ci = ci.confidence_interval()
    assert (one.ci_low, one.ci_high) == pytest.approx((ci.low, ci.high))


def test_survival_needs_events_in_both_periods():
    import warnings

    before = [5, 6, 7, 8, 9, 10]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # one finished pilot case: lifelines' log-rank p = 0.014 is asymptotic
        one = compare_survival(before, [True] * 6, [4], [True])
        # every pilot case still open: nothing to compare, and no scipy warning
        open_ = compare_survival(before, [True] * 6, [2, 3, 4], [False] * 3)
    assert one.after == 4.0 and one.estimate == -3.0
    for v in (one.ci_low, one.ci_high, one.pct_ci_low, one.p_value):
        assert math.isnan(v)
    assert "only 6 finished before and 1 after" in one.method
    assert math.isnan(one.after_ci_low) and math.isnan(one.after_ci_high)
    assert math.isnan(open_.p_value) and open_.details["n_events_after"] == 0
    # three events each: the log-rank test is reported again, as lifelines
    lifelines = pytest.importorskip("lifelines.statistics")
    b, a = [5, 6, 7, 8], [3, 4, 4.5, 9]
    e = compare_survival(b, [1, 1, 1, 0], a, [1, 1, 1, 0])
    ref = lifelines.logrank_test(b, a, [1, 1, 1, 0], [1, 1, 1, 0])
    assert e.p_value == pytest.approx(ref.p_value)


def test_proportion_ratio_interval_contains_its_estimate_at_zero_and_n():
    from statsmodels.stats.proportion import confint_proportions_2indep

    # 5/30 -> 0/30: ratio 0 (-100 %); the Katz interval with 0.5 added was
    # [-99.5 %, +57 %], without its own estimate. Score interval from 0:
    e = compare_proportions(5, 30, 0, 30)
    _, hi = confint_proportions_2indep(0, 30, 5, 30, compare="ratio", method="score")
    assert e.pct_change == -100.0 and e.pct_ci_low == -100.0
    assert e.pct_ci_high == pytest.approx(100 * (hi - 1))
    assert e.pct_ci_high == pytest.approx(-27.41, abs=0.01)
    # 0/30 -> 5/30: the ratio is not defined, nor its interval
    e = compare_proportions(0, 30, 5, 30)
    assert math.isnan(e.pct_change) and math.isnan(e.pct_ci_low)
    assert "not defined" in e.method
    # 30/30 -> 30/30: Katz se = 0 -> NaN, not [0 %, 0 %]
    e = compare_proportions(30, 30, 30, 30)
    assert math.isnan(e.pct_ci_low) and math.isnan(e.pct_ci_high)
    # no zero cell: plain Katz, by hand: log(4/9) -/+ 1.96 sqrt(1/4-1/30+1/9-1/30)
    e = compare_proportions(9, 30, 4, 30)
    se = math.sqrt(1 / 4 - 1 / 30 + 1 / 9 - 1 / 30)
    z = stats.norm.ppf(0.975)
    lo, hi = math.exp(math.log(4 / 9) - z * se), math.exp(math.log(4 / 9) + z * se)
    assert (e.pct_ci_low, e.pct_ci_high) == pytest.approx(
        (100 * (lo - 1), 100 * (hi - 1))
    )


def _rank_sum_permutation_p(y, x):
    """scipy's exact permutation test of the rank sum of ``y`` (mid-ranks)."""

    def rank_sum(a, b, axis):
        r = stats.rankdata(np.concatenate([a, b], axis=axis), axis=axis)
        return r[..., : a.shape[axis]].sum(axis=axis)

    return stats.permutation_test(
        (np.asarray(y, float), np.asarray(x, float)),
        rank_sum,
        permutation_type="independent",
        n_resamples=np.inf,
        alternative="two-sided",
        vectorized=True,
    ).pvalue


def test_compare_scores_small_tied_samples_use_the_exact_permutation_p():
    from diagnose.compare.effects import mann_whitney_exact_p

    # four 4s against five 5s: 2 / C(9, 4) = 2 / 126; the normal
    # approximation (scipy's default with ties) says 0.0098
    e = compare_scores([4] * 4, [5] * 5)
    assert e.p_value == pytest.approx(2 / 126)
    assert stats.mannwhitneyu([5] * 5, [4] * 4).pvalue < 0.011
    rng = np.random.default_rng(7)
    for n1, n2 in ((5, 6), (8, 3), (2, 9), (9, 9)):
        x = rng.integers(1, 6, n1).astype(float)
        y = rng.integers(2, 6, n2).astype(float)
        want = _rank_sum_permutation_p(y, x) if n1 + n2 <= 14 else None
        got = compare_scores(x, y).p_value
        assert got == pytest.approx(mann_whitney_exact_p(y, x))
        if want is not None:
            assert got == pytest.approx(want, rel=1e-12)
    # without ties it is the exact Mann–Whitney distribution of scipy
    x, y = rng.normal(size=15), rng.normal(0.8, 1, size=20)
    assert mann_whitney_exact_p(y, x) == pytest.approx(
        stats.mannwhitneyu(y, x, method="exact").pvalue, rel=1e-9
    )
    # large samples keep the normal approximation and say so
    x, y = rng.integers(1, 6, 25), rng.integers(1, 6, 20)
    big = compare_scores(x, y)
    assert big.p_value == pytest.approx(stats.mannwhitneyu(y, x).pvalue)
    assert "normal approximation" in big.method


def test_compare_durations_rejects_negative_durations():
    with pytest.raises(ValueError, match=r"'after' parameter.*1 negative.*-2"):
        compare_durations([3, 4, 5], [1, -2, 3])


def test_compare_durations_zero_baseline_median_says_why_the_ratio_is_nan():
    e = compare_durations([0, 0, 0, 1], [0, 1, 2], n_resamples=500)
    assert e.estimate == 1.0 and not math.isnan(e.ci_low)
    for v in (e.ratio, e.pct_change, e.pct_ci_low, e.pct_ci_high):
        assert math.isnan(v)
    assert "baseline median is 0" in e.method


def test_compare_durations_without_variation_gives_no_zero_width_interval():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        e = compare_durations([5] * 10, [3] * 10, n_resamples=500)
    assert e.estimate == -2.0 and e.ratio == pytest.approx(0.6)
    for v in (e.ci_low, e.ci_high, e.pct_ci_low, e.hl_ci_low, e.after_ci_low):
        assert math.isnan(v)
    assert "no variation" in e.method and "not estimable" in e.method
    # one period varying: the bootstrap interval stands
    e = compare_durations([5] * 10, [3] * 9 + [4], n_resamples=500)
    assert not math.isnan(e.ci_low)


def test_compare_durations_p_is_the_rule_of_compare_scores():
    """compare_durations used scipy's default (normal approximation once
    there are ties) while compare_scores was exact: small tied pilot samples
    now get the exact permutation p in both, and both methods say which."""
    # working days tie often: 2, 3, 3, 4, 5 before vs 1, 2, 2, 3 after
    x = np.array([2.0, 3, 3, 4, 5, 6, 6])
    y = np.array([1.0, 2, 2, 3, 3])
    want = _rank_sum_permutation_p(y, x)  # all C(12, 5) = 792 splits
    d = compare_durations(x, y, n_resamples=500)
    assert d.p_value == pytest.approx(want, rel=1e-12)
    assert d.p_value != pytest.approx(stats.mannwhitneyu(y, x).pvalue, rel=1e-3)
    assert d.p_value == compare_scores(x, y).p_value
    assert "Mann–Whitney U test (exact permutation p, ties at mid-ranks)" in d.method
    assert d.details["mann_whitney_u"] == stats.mannwhitneyu(y, x).statistic
    # no ties, 25 x 30 = 750 pairs: exact from the no-ties null (scipy exact)
    rng = np.random.default_rng(11)
    x, y = rng.normal(10, 2, 30), rng.normal(9, 2, 25)
    d = compare_durations(x, y, n_resamples=500)
    assert d.p_value == pytest.approx(
        stats.mannwhitneyu(y, x, method="exact").pvalue, rel=1e-9
    )
    assert "(exact p, no ties)" in d.method
    assert compare_scores(x, y).p_value == d.p_value
    # ties and 30 x 25 pairs: the normal approximation, said so
    x, y = rng.integers(1, 9, 30).astype(float), rng.integers(1, 9, 25).astype(float)
    d = compare_durations(x, y, n_resamples=500)
    assert d.p_value == pytest.approx(stats.mannwhitneyu(y, x).pvalue, rel=1e-12)
    assert "normal approximation with tie and continuity correction" in d.method
