"""Coverage of the pilot DiD CI and false "roll out" rate on simulated pilots.

    .venv/bin/python benchmarks/coverage_pilot.py --seeds 200

For each seed: simulate 6 pilot + 6 control teams (diagnose.compare.simulate),
run the pipeline core (analyse_pilot: DiD on log cycle time, wild cluster
bootstrap by team, target cycle_time change -20%), and record whether the DiD
CI covers the true log effect, and the decision when the true effect is 0.
"""

from __future__ import annotations

import argparse
import math
import time

from diagnose.compare.pilot import analyse_pilot
from diagnose.compare.simulate import simulate_cases


def run(seeds: int, *, effect: float = math.log(0.75), n_boot: int = 399) -> dict:
    cover = roll_null = roll_effect = 0
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
        null = analyse_pilot(
            simulate_cases(10_000 + s, effect=0.0),
            targets={"cycle_time": {"change": "-20%"}},
            n_resamples=500,
            n_boot=n_boot,
            seed=s,
            with_pretrend=False,
        )
        roll_null += null["verdict"].decision == "roll out"
    return {
        "seeds": seeds,
        "coverage": cover / seeds,
        "roll_out_null": roll_null / seeds,
        "roll_out_effect": roll_effect / seeds,
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
