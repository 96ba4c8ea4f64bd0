"""Simulated pilots with a known effect, for coverage checks of the pipeline.

Lognormal cycle times; ``n_pilot`` pilot and ``n_control`` control teams,
each with its own level, a team × period shock (so cases of a team are
correlated: clustering matters), a common month-of-year seasonality and a
common time trend; the pilot multiplies pilot-team durations after the
switch by ``exp(effect)``. :func:`simulate_tasks` adds tasks with due dates
to those cases, late together within a case.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["simulate_cases", "simulate_tasks"]


def simulate_cases(
    seed: int,
    *,
    effect: float = np.log(0.75),
    n_pilot: int = 6,
    n_control: int = 6,
    cases_per_team: int = 40,
    sd_case: float = 0.5,
    sd_team: float = 0.2,
    sd_team_period: float = 0.08,
    season: float = 0.15,
    open_share: float = 0.0,
    return_truth: bool = False,
):
    """One row per case: team, group, period, start, duration, is_open.

    Cases start uniformly over 2023-07-01 .. 2024-06-30; the switch is
    2024-01-01. ``effect`` is on the log scale (the truth of the DiD).

    With ``return_truth=True`` returns ``(cases, truth)``: ``truth[group]
    [period]`` is the population median duration of that group and period
    given the drawn team levels and team × period shocks (what a before/after
    comparison of one group's cases estimates: it includes the trend and the
    season, not only the effect). It is the median of the lognormal mixture
    over the group's teams and the days of the period, found by root finding
    on the mixture's CDF.
    """
    rng = np.random.default_rng(seed)
    teams = [f"P{i}" for i in range(n_pilot)] + [f"C{i}" for i in range(n_control)]
    n = cases_per_team * len(teams)
    team = np.repeat(np.arange(len(teams)), cases_per_team)
    t0, t1 = pd.Timestamp("2023-07-01"), pd.Timestamp("2024-06-30")
    start = t0 + pd.to_timedelta(rng.uniform(0, (t1 - t0).days, n), unit="D")
    after = (start >= pd.Timestamp("2024-01-01")).astype(int)
    treated = (team < n_pilot).astype(int)
    month = start.month.to_numpy()
    shock = rng.normal(0, sd_team_period, size=(len(teams), 2))
    levels = rng.normal(0, sd_team, len(teams))
    logy = (
        np.log(15)
        + levels[team]
        + shock[team, after]
        + season * np.sin(2 * np.pi * month / 12)
        + 0.01 * (start - t0).days.to_numpy() / 30
        + effect * treated * after
        + rng.normal(0, sd_case, n)
    )
    dur = np.exp(logy)
    is_open = rng.random(n) < open_share
    cases = pd.DataFrame(
        {
            "team": np.array(teams)[team],
            "group": np.where(treated == 1, "pilot", "control"),
            "period": np.where(after == 1, "after", "before"),
            "start": start,
            "duration": dur,
            "is_open": is_open,
        }
    )
    if not return_truth:
        return cases
    # the population behind the cases, without the case-level noise: one
    # lognormal component per (team, start day), equal weights
    days = np.arange((t1 - t0).days)
    day_start = t0 + pd.to_timedelta(days, unit="D")
    day_after = (day_start >= pd.Timestamp("2024-01-01")).astype(int)
    day_mean = season * np.sin(2 * np.pi * day_start.month.to_numpy() / 12) + (
        0.01 * days / 30
    )
    truth: dict = {}
    for name, members in (
        ("pilot", np.arange(n_pilot)),
        ("control", np.arange(n_pilot, len(teams))),
    ):
        truth[name] = {}
        for period, flag in (("before", 0), ("after", 1)):
            on = day_after == flag
            mu = (
                np.log(15)
                + levels[members][:, None]
                + shock[members, flag][:, None]
                + day_mean[on][None, :]
                + effect * (name == "pilot") * flag
            ).ravel()
            truth[name][period] = _mixture_median(mu, sd_case)
    return cases, truth


def _mixture_median(mu: np.ndarray, sd: float) -> float:
    """Median of an equal-weight mixture of lognormals ``exp(N(mu_i, sd))``."""
    from scipy import optimize, special

    def excess(x):
        return special.ndtr((x - mu) / sd).mean() - 0.5

    lo, hi = mu.min() - 10 * sd, mu.max() + 10 * sd
    return float(np.exp(optimize.brentq(excess, lo, hi, xtol=1e-12)))


def simulate_tasks(
    cases: pd.DataFrame,
    seed: int,
    *,
    tasks_per_case: int = 6,
    late_a: float = 1.0,
    late_b: float = 3.0,
    effect: float = 0.0,
) -> pd.DataFrame:
    """Tasks with a due date for the cases of :func:`simulate_cases`.

    Each case draws its own chance that a task is overdue from
    Beta(``late_a``, ``late_b``) (mean 0.25 by default), so tasks of one case
    are late together (clustering, as in real campaigns); pilot cases after
    the switch have that chance shifted by ``effect`` on the log-odds scale
    (0: no effect, so the true difference of overdue rates is 0).

    Returns
    -------
    pandas.DataFrame
        One row per task: ``case_id``, ``group``, ``period``, ``is_overdue``
        (the ``tasks`` table of :func:`~diagnose.compare.pilot.analyse_pilot`).
    """
    rng = np.random.default_rng(seed)
    n = len(cases)
    p = rng.beta(late_a, late_b, size=n)
    shifted = (cases["group"].to_numpy() == "pilot") & (
        cases["period"].to_numpy() == "after"
    )
    if effect:
        logit = np.log(p / (1 - p)) + effect * shifted
        p = 1 / (1 + np.exp(-logit))
    case = np.repeat(np.arange(n), tasks_per_case)
    return pd.DataFrame(
        {
            "case_id": case,
            "group": cases["group"].to_numpy()[case],
            "period": cases["period"].to_numpy()[case],
            "is_overdue": rng.random(case.size) < p[case],
        }
    )
