"""Coverage of the pilot CIs and false "roll out" rate on simulated pilots.

    .venv/bin/python benchmarks/coverage_pilot.py --seeds 200

For each seed: simulate 6 pilot + 6 control teams (diagnose.compare.simulate),
run the pipeline core (analyse_pilot: DiD on log cycle time, wild cluster
bootstrap by team, target cycle_time change -20%), and record whether the DiD
CI covers the true log effect, and the decision when the true effect is 0.
The null pilots also get 6 tasks per case with due dates, late together within
a case (simulate_tasks, no effect): the overdue-rate comparison (Rao–Scott
adjusted Newcombe CI, Rao–Scott chi-square test) should cover 0 and reject in
about 5 % of seeds.
The pilot group's before/after comparison (difference and ratio of medians,
BCa bootstrap) estimates the change of that group's population median, trend
and season included; simulate_cases(return_truth=True) gives that median per
period, and both the planted-effect and the null pilots record whether the
intervals cover it.
"""

from __future__ import annotations

import argparse
import math
import time

from diagnose.compare.pilot import analyse_pilot
from diagnose.compare.simulate import simulate_cases, simulate_tasks


def _before_after(out: dict, truth: dict) -> tuple[bool, bool]:
    """Whether the pilot group's before/after difference and ratio intervals
    cover the true change of its population median."""
    e = out["effects"]
    r = e[(e["metric"] == "cycle_time") & (e["group"] == "pilot")].iloc[0]
    before, after = truth["pilot"]["before"], truth["pilot"]["after"]
    diff_ok = r["ci_low"] <= after - before <= r["ci_high"]
    pct_ok = r["pct_ci_low"] <= 100 * (after / before - 1) <= r["pct_ci_high"]
    return bool(diff_ok), bool(pct_ok)


def run(seeds: int, *, effect: float = math.log(0.75), n_boot: int = 399) -> dict:
    cover = roll_null = roll_effect = od_cover = od_reject = 0
    ba_diff = ba_ratio = 0
    for s in range(seeds):
        cases, truth = simulate_cases(s, effect=effect, return_truth=True)
        out = analyse_pilot(
            cases,
            targets={"cycle_time": {"change": "-20%"}},
            n_resamples=500,
            n_boot=n_boot,
            seed=s,
            with_pretrend=False,
        )
        d = out["did"]
        cover += d.ci_low <= effect <= d.ci_high
        roll_effect += out["verdict"].decision == "roll out"
        d_ok, r_ok = _before_after(out, truth)
        ba_diff += d_ok
        ba_ratio += r_ok
        null_cases, null_truth = simulate_cases(
            10_000 + s, effect=0.0, return_truth=True
        )
        null = analyse_pilot(
            null_cases,
            targets={"cycle_time": {"change": "-20%"}},
            tasks=simulate_tasks(null_cases, 20_000 + s),
            metrics=("cycle_time", "overdue_rate"),
            n_resamples=500,
            n_boot=n_boot,
            seed=s,
            with_pretrend=False,
        )
        roll_null += null["verdict"].decision == "roll out"
        d_ok, r_ok = _before_after(null, null_truth)
        ba_diff += d_ok
        ba_ratio += r_ok
        od = null["effects"]
        od = od[od["metric"] == "overdue_rate"].iloc[0]
        od_cover += od["ci_low"] <= 0 <= od["ci_high"]
        od_reject += od["p_value"] < 0.05
    return {
        "seeds": seeds,
        "coverage": cover / seeds,
        "roll_out_null": roll_null / seeds,
        "roll_out_effect": roll_effect / seeds,
        "overdue_coverage_null": float(od_cover / seeds),
        "overdue_rejected_null": float(od_reject / seeds),
        # both pilots per seed (planted effect and null): 2 x seeds intervals
        "before_after_diff_coverage": ba_diff / (2 * seeds),
        "before_after_ratio_coverage": ba_ratio / (2 * seeds),
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--n-boot", type=int, default=399)
    args = ap.parse_args()
    t = time.perf_counter()
    res = run(args.seeds, n_boot=args.n_boot)
    res["seconds"] = round(time.perf_counter() - t, 1)
    print(res)
