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
) -> pd.DataFrame:
    """One row per case: team, group, period, start, duration, is_open.

    Cases start uniformly over 2023-07-01 .. 2024-06-30; the switch is
    2024-01-01. ``effect`` is on the log scale (the truth of the DiD).
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
    logy = (
        np.log(15)
        + rng.normal(0, sd_team, len(teams))[team]
        + shock[team, after]
        + season * np.sin(2 * np.pi * month / 12)
        + 0.01 * (start - t0).days.to_numpy() / 30
        + effect * treated * after
        + rng.normal(0, sd_case, n)
    )
    dur = np.exp(logy)
    is_open = rng.random(n) < open_share
    return pd.DataFrame(
        {
            "team": np.array(teams)[team],
            "group": np.where(treated == 1, "pilot", "control"),
            "period": np.where(after == 1, "after", "before"),
            "start": start,
            "duration": dur,
            "is_open": is_open,
        }
    )


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
