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
"""

from __future__ import annotations

import argparse
import math
import time

from diagnose.compare.pilot import analyse_pilot
from diagnose.compare.simulate import simulate_cases, simulate_tasks


def run(seeds: int, *, effect: float = math.log(0.75), n_boot: int = 399) -> dict:
    cover = roll_null = roll_effect = od_cover = od_reject = 0
    for s in range(seeds):
        cases = simulate_cases(s, effect=effect)
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
        null_cases = simulate_cases(10_000 + s, effect=0.0)
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
