"""``diagnose samples``: regenerate data_samples/ or write a large benchmark table.

Examples
--------
::

    diagnose samples --out data_samples --seed 7
    diagnose samples --out /tmp/bench --rows 1000000 --format parquet
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "samples",
        help="regenerate the sample data (data_samples/) or a large benchmark table",
        description=(
            "Write the synthetic sample files with their planted ground truth "
            "(truth.json). With --rows, write only one large activity table."
        ),
    )
    parser.add_argument(
        "--out", default="data_samples", help="output folder (default: %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=7, help="random seed (default: %(default)s)"
    )
    parser.add_argument(
        "--as-of",
        default="2024-06-30",
        dest="as_of",
        help="snapshot date of the samples (default: %(default)s)",
    )
    parser.add_argument(
        "--n-cases",
        type=int,
        default=120,
        dest="n_cases",
        help="campaigns in the samples (default: %(default)s)",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=None,
        help="write a large activity table of about this many rows instead",
    )
    parser.add_argument(
        "--format",
        choices=["csv", "parquet"],
        default="csv",
        help="format of the --rows table (default: %(default)s)",
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from diagnose.samples import write_large, write_samples

    out = Path(args.out)
    began = time.perf_counter()
    if args.rows is not None:
        if args.rows < 1:
            print(f"diagnose samples: --rows must be >= 1. Got {args.rows} instead.")
            return 2
        path = out / f"tasks_large.{args.format}"
        acts = write_large(path, rows=args.rows, seed=args.seed, fmt=args.format)
        took = time.perf_counter() - began
        print(
            f"wrote {path} ({len(acts):,} rows, {acts['case_id'].nunique():,} cases) "
            f"in {took:.1f} s"
        )
        return 0
    paths = write_samples(out, seed=args.seed, as_of=args.as_of, n_cases=args.n_cases)
    took = time.perf_counter() - began
    for name, path in paths.items():
        print(f"  {name:28s} {path.stat().st_size:>8,} bytes")
    print(f"wrote {len(paths)} files to {out} in {took:.1f} s (seed {args.seed})")
    return 0
