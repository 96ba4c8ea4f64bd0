"""diagnose benchmark: whole steps, wall time and peak memory, beside floors.

Usage (``make bench`` runs the first line)::

    .venv/bin/python benchmarks/run.py                       # 10k, 100k, 1m
    .venv/bin/python benchmarks/run.py --sizes 10k,100k --steps load_csv,scan_csv
    .venv/bin/python benchmarks/run.py --quick --json out.json   # 10k smoke run

Each step and each floor runs in a fresh Python process (``_harness.py``), in
the same run, on the same cached files. See benchmarks/README.md for what each
step and floor measures and how the targets of issue 7 are checked.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _harness import (  # noqa: E402
    DEFAULT_CACHE,
    ROOT,
    Measurement,
    NotAvailable,
    best_of,
    diagnose_exe,
    ensure_data,
    import_arrow,
    machine_info,
    need,
    need_cli,
    parse_size,
    run_cli,
)

GIB = 1024.0  # MiB

# ===========================================================================
# Steps (run inside the worker process; setup untimed, the returned callable
# is timed). ``p`` holds csv/parquet paths, as_of, tmp, and step options.
# ===========================================================================


def _frame(p):
    """The activity table as a user holds it: load_activities(parquet).data.

    Falls back to ``pd.read_parquet`` (the generator writes canonical columns)
    while diagnose.io.load is not written yet; the JSON says which was used.
    """
    import pandas as pd

    try:
        load = need("diagnose.io.load:load_activities")
        frame = load(p["parquet"]).data
        # imports, as for every other library: python-holidays loads each
        # country's module on first use (~0.1 s), once per process
        import holidays

        holidays.country_holidays("CN", years=[2000])
        return frame, "load_activities"
    except NotAvailable:
        return pd.read_parquet(p["parquet"]), "read_parquet"


def _as_of(p, frame):
    import pandas as pd

    if p.get("as_of"):
        return pd.Timestamp(p["as_of"])
    return pd.Timestamp(frame[["start", "end"]].max().max()).normalize() + pd.Timedelta(
        days=1
    )


def _call(func, frame, as_of):
    """Call a metric with the as_of it asks for (keyword-only, style guide)."""
    params = inspect.signature(func).parameters
    kwargs = {"as_of": as_of} if "as_of" in params else {}
    return func(frame, **kwargs)


def _timed_calls(specs, frame, as_of, *, allow_partial=False):
    """Resolve ``specs`` now (setup); return a callable timing each one."""
    funcs, missing = {}, []
    for spec in specs:
        try:
            funcs[spec.split(":")[1]] = need(spec)
        except NotAvailable:
            missing.append(spec)
    if missing and (not allow_partial or not funcs):
        raise NotAvailable("missing: " + ", ".join(missing))

    def run():
        import time as _t

        breakdown = {}
        for name, func in funcs.items():
            t0 = _t.perf_counter()
            _call(func, frame, as_of)
            breakdown[name] = round(_t.perf_counter() - t0, 4)
        out = {"breakdown": breakdown}
        if missing:
            out["missing"] = missing
        return out

    return run


def s_load_csv(p):
    load = need("diagnose.io.load:load_activities")
    import_arrow()
    path = p["csv"]

    def run():
        res = load(path)
        return {"rows": len(res.data), "problems": len(res.problems)}

    return run


def s_load_parquet(p):
    load = need("diagnose.io.load:load_activities")
    import_arrow()
    path = p["parquet"]

    def run():
        res = load(path)
        return {"rows": len(res.data), "problems": len(res.problems)}

    return run


FLOW = [
    "diagnose.metrics.flow:case_durations",
    "diagnose.metrics.flow:activity_durations",
    "diagnose.metrics.flow:waits",
    "diagnose.metrics.flow:cycle_time",
    "diagnose.metrics.flow:stage_summary",
    "diagnose.metrics.flow:flow_efficiency",
    "diagnose.metrics.flow:aging_wip",
]
# what PM4Py's case durations + performance DFG compute: per-case durations
# and the waits between directly-following stages, summarised per edge
PROCESS_MAP = [
    "diagnose.metrics.flow:case_durations",
    "diagnose.metrics.flow:transitions",
]
OTHER_METRICS = [
    "diagnose.metrics.sla:sla_summary",
    "diagnose.metrics.sla:handoff_response",
    "diagnose.metrics.overdue:overdue_rate",
    "diagnose.metrics.overdue:progress_deviation",
    "diagnose.metrics.throughput:throughput",
    "diagnose.metrics.throughput:wip",
    "diagnose.metrics.workload:workload",
    "diagnose.metrics.rework:rework",
    "diagnose.metrics.rework:handoffs",
]


def s_case_durations(p):
    frame, via = _frame(p)
    run = _timed_calls(FLOW[:1], frame, _as_of(p, frame))
    return lambda: {**run(), "input": via}


def s_process_map(p):
    frame, via = _frame(p)
    run = _timed_calls(PROCESS_MAP, frame, _as_of(p, frame))
    return lambda: {**run(), "input": via}


def s_flow_metrics(p):
    frame, via = _frame(p)
    run = _timed_calls(FLOW, frame, _as_of(p, frame))
    return lambda: {**run(), "input": via}


def s_all_metrics(p):
    frame, via = _frame(p)
    run = _timed_calls(
        FLOW + OTHER_METRICS, frame, _as_of(p, frame), allow_partial=True
    )
    return lambda: {**run(), "input": via}


def s_diagnosis(p):
    frame, via = _frame(p)
    run = _timed_calls(["diagnose.diagnosis:diagnose"], frame, _as_of(p, frame))
    return lambda: {**run(), "input": via}


def s_workload(p):
    frame, via = _frame(p)
    run = _timed_calls(["diagnose.metrics.workload:workload"], frame, _as_of(p, frame))
    return lambda: {**run(), "input": via}


def s_bottlenecks(p):
    frame, via = _frame(p)
    run = _timed_calls(["diagnose.bottlenecks:bottlenecks"], frame, _as_of(p, frame))
    return lambda: {**run(), "input": via}


def _scan(p, path):
    need_cli("scan")
    args = ["scan", path, "--json"]

    def run():
        return run_cli(args)

    return run


def s_scan_csv(p):
    return _scan(p, p["csv"])


def s_scan_parquet(p):
    return _scan(p, p["parquet"])


SAMPLE_PILOT = ROOT / "data_samples" / "pilots" / "pilot-team-a.yaml"


def _absolute_paths(node, base: Path):
    """Copy of a YAML tree with every relative path that exists under ``base`` made
    absolute (so a config still works when copied to another folder)."""
    if isinstance(node, dict):
        return {k: _absolute_paths(v, base) for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_paths(v, base) for v in node]
    if isinstance(node, str) and ("/" in node or "." in node) and len(node) < 300:
        candidate = (base / node).resolve()
        if not Path(node).is_absolute() and candidate.exists():
            return str(candidate)
    return node


def pilot_config_copy(dest: Path, *, name: str, activities: str | None = None) -> Path:
    """Write a copy of the sample pilot config under a new name (and data file)."""
    import yaml

    if not SAMPLE_PILOT.exists():
        raise NotAvailable(f"{SAMPLE_PILOT.relative_to(ROOT)} not written yet")
    config = yaml.safe_load(SAMPLE_PILOT.read_text(encoding="utf-8"))
    config = _absolute_paths(config, SAMPLE_PILOT.parent)
    config["name"] = name
    if activities:
        config.setdefault("data", {})["activities"] = activities
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return dest


def s_compare_pilot(p):
    compare_pilot = need("diagnose.compare:compare_pilot")
    config = pilot_config_copy(
        Path(p["tmp"]) / "pilot-bench.yaml", name="pilot-bench", activities=p["csv"]
    )

    def run():
        result = compare_pilot(str(config))
        return {"result": type(result).__name__}

    return run


def s_bootstrap(p):
    from floors import durations_split

    compare = need("diagnose.compare:compare_durations")
    before, after = durations_split(p["parquet"])
    n_resamples = int(p.get("n_resamples", 10_000))

    def run():
        res = compare(before, after, n_resamples=n_resamples)
        return {
            "n": int(before.size + after.size),
            "n_resamples": n_resamples,
            "method": getattr(res, "method", None) or getattr(res, "test", None),
            "ci": [getattr(res, "ci_low", None), getattr(res, "ci_high", None)],
        }

    return run


def _report_setup(p):
    need_cli("report")
    notebook = ROOT / "notebooks" / "pilot.ipynb"
    if not notebook.exists():
        raise NotAvailable("notebooks/pilot.ipynb not written yet")
    out = Path(p["tmp"]) / "reports"
    out.mkdir()
    # write the reports to a temporary folder when the command has an option
    # for it, and run it there anyway (relative defaults then land in tmp)
    proc = subprocess.run(
        [*diagnose_exe(), "report", "pilot", "--help"], capture_output=True, text=True
    )
    opts = [
        o
        for o in ("--output-dir", "--out-dir", "--output", "--out")
        if o in proc.stdout
    ]
    return (opts[:1] + [str(out)] if opts else []), out


def s_report_pilot(p):
    out_args, out = _report_setup(p)
    config = pilot_config_copy(
        Path(p["tmp"]) / "pilots" / SAMPLE_PILOT.name, name="pilot-bench"
    )
    args = ["report", "pilot", "--config", str(config), *out_args]

    def run():
        res = run_cli(args, cwd=p["tmp"])
        return {**res, "html": len(list(out.rglob("*.html")))}

    return run


def s_report_all(p):
    out_args, out = _report_setup(p)
    folder = Path(p["tmp"]) / "pilots"
    n = int(p.get("pilots", 8))
    for i in range(n):
        pilot_config_copy(folder / f"pilot-{i + 1:02d}.yaml", name=f"pilot-{i + 1:02d}")
    args = [
        "report",
        "pilot",
        "--all",
        str(folder),
        "-j",
        str(p.get("jobs", 2)),
        *out_args,
    ]

    def run():
        res = run_cli(args, cwd=p["tmp"])
        return {**res, "pilots": n, "html": len(list(out.rglob("*.html")))}

    return run


# ===========================================================================
# The step table, floors and targets
# ===========================================================================


@dataclass
class Step:
    name: str
    what: str
    func: str
    scope: str = "sized"  # "sized": every size; "100k": one size; "sample": once
    floor: str | None = None
    pm4py: tuple[str, ...] = ()
    target: str = ""
    options: dict = field(default_factory=dict)
    repeat: int | None = None  # best-of-N override (slow end-to-end steps)


STEPS = [
    Step(
        "load_csv",
        "load_activities(CSV): read + map headers + validate",
        "run:s_load_csv",
        floor="read_csv",
        target="≤3× floor",
    ),
    Step(
        "load_parquet",
        "load_activities(Parquet)",
        "run:s_load_parquet",
        floor="read_parquet",
        target="≤½ load_csv",
    ),
    Step(
        "case_durations",
        "metrics.flow.case_durations",
        "run:s_case_durations",
        floor="groupby",
        pm4py=("pm4py_case_durations",),
        target="< PM4Py",
    ),
    Step(
        "process_map",
        "case_durations + transitions (PM4Py's case durations + performance DFG)",
        "run:s_process_map",
        floor="groupby",
        pm4py=("pm4py_case_durations", "pm4py_perf_dfg"),
        target="< PM4Py",
    ),
    Step(
        "flow_metrics",
        "all of metrics.flow (7 functions)",
        "run:s_flow_metrics",
        floor="groupby",
        pm4py=("pm4py_case_durations", "pm4py_perf_dfg"),
        target="≤5× floor, < PM4Py",
    ),
    Step(
        "all_metrics",
        "flow + sla + overdue + throughput + workload + rework",
        "run:s_all_metrics",
        floor="groupby",
        target="≤5× floor",
    ),
    Step(
        "diagnosis",
        "diagnosis.diagnose: every metric + bottlenecks, shared work computed once",
        "run:s_diagnosis",
        floor="groupby",
    ),
    Step("workload", "metrics.workload.workload", "run:s_workload", floor="groupby"),
    Step(
        "bottlenecks", "bottlenecks.bottlenecks", "run:s_bottlenecks", floor="groupby"
    ),
    Step(
        "scan_csv",
        "`diagnose scan FILE.csv --json`, whole process",
        "run:s_scan_csv",
        target="1m: ≤20 s, ≤3 GiB",
    ),
    Step(
        "scan_parquet",
        "`diagnose scan FILE.parquet --json`, whole process",
        "run:s_scan_parquet",
    ),
    Step(
        "compare_pilot",
        "compare.compare_pilot(config) incl. bootstrap CIs",
        "run:s_compare_pilot",
        scope="100k",
    ),
    Step(
        "bootstrap",
        "compare.compare_durations: 10k resamples",
        "run:s_bootstrap",
        scope="100k",
        floor="numpy_bootstrap",
        target="≤2 s",
    ),
    Step(
        "report_pilot",
        "`diagnose report pilot --config F`, whole process",
        "run:s_report_pilot",
        scope="sample",
        floor="empty_notebook",
        target="≤2× floor",
        repeat=3,
    ),
    Step(
        "report_all",
        "`diagnose report pilot --all DIR -j 2`, 8 pilots",
        "run:s_report_all",
        scope="sample",
        target="≤5× report_pilot",
        repeat=1,
    ),
]
STEP_NAMES = [s.name for s in STEPS]

FLOORS = {
    "read_csv": "floors:read_csv",
    "read_parquet": "floors:read_parquet",
    "groupby": "floors:groupby",
    "empty_notebook": "floors:empty_notebook",
    "numpy_bootstrap": "floors:numpy_bootstrap",
    "pm4py_case_durations": "floors:pm4py_case_durations",
    "pm4py_perf_dfg": "floors:pm4py_perf_dfg",
}

LINEAR_MAX = 12.0  # 10x the rows in at most 12x the time


def check_target(step: Step, size: str, m: Measurement, ctx: dict) -> str:
    """'pass', 'FAIL', '' (no target for this row) or '?' (cannot tell yet)."""
    if m.status != "ok":
        return ""
    if m.extra.get("missing"):
        return "?"  # partial: not judged
    r = ctx["rows"]
    if step.name == "load_csv":
        return _pf(r[step.name, size]["ratio"], 3.0)
    if step.name == "load_parquet":
        csv = r.get(("load_csv", size))
        if not csv or csv["m"].status != "ok":
            return "?"
        return _pf(m.seconds / csv["m"].seconds, 0.5)
    if step.name in ("case_durations", "process_map"):
        return _pf(r[step.name, size]["pm4py_ratio"], 1.0, strict=True)
    if step.name == "flow_metrics":
        a = _pf(r[step.name, size]["ratio"], 5.0)
        b = _pf(r[step.name, size]["pm4py_ratio"], 1.0, strict=True)
        return _both(a, b)
    if step.name == "all_metrics":
        return _pf(r[step.name, size]["ratio"], 5.0)
    if step.name == "scan_csv":
        if size != "1m":
            return ""
        return _both(_pf(m.seconds, 20.0), _pf(m.peak_mib, 3 * GIB))
    if step.name == "bootstrap":
        return _pf(m.seconds, 2.0)
    if step.name == "report_pilot":
        return _pf(r[step.name, size]["ratio"], 2.0)
    if step.name == "report_all":
        one = r.get(("report_pilot", size))
        if not one or one["m"].status != "ok":
            return "?"
        return _pf(m.seconds / one["m"].seconds, 5.0)
    return ""


def _pf(value, limit, *, strict=False):
    if value is None:
        return "?"
    ok = value < limit if strict else value <= limit
    return "pass" if ok else "FAIL"


def _both(a, b):
    if "FAIL" in (a, b):
        return "FAIL"
    if "?" in (a, b):
        return "?" if "pass" not in (a, b) else "pass?"
    return "pass"


# ===========================================================================
# Running and printing
# ===========================================================================


def fmt_s(x):
    if x is None:
        return "—"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def fmt_r(x):
    return "—" if x is None else f"{x:.2f}×"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10k,100k,1m",
        help="comma-separated row counts (default: 10k,100k,1m)",
    )
    parser.add_argument(
        "--steps",
        default="all",
        help=f"comma-separated subset of: {','.join(STEP_NAMES)}",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 10k rows, one repeat, 2 pilots for --all",
    )
    parser.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    parser.add_argument(
        "--repeat",
        type=int,
        help="best-of-N (default: 5 at ≤10k rows, 3 at ≤100k, else 1)",
    )
    parser.add_argument("--pilots", type=int, help="pilot configs for report_all (8)")
    parser.add_argument("--no-pm4py", action="store_true", help="skip the PM4Py floors")
    parser.add_argument(
        "--cache-dir",
        default=str(DEFAULT_CACHE),
        help="where the generated tables are kept (benchmarks/.cache)",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds allowed per measurement"
    )
    parser.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="print per-function breakdowns and error details",
    )
    args = parser.parse_args(argv)

    sizes = [parse_size(s) for s in ("10k" if args.quick else args.sizes).split(",")]
    wanted = STEP_NAMES if args.steps == "all" else args.steps.split(",")
    unknown = set(wanted) - set(STEP_NAMES)
    if unknown:
        parser.error(f"unknown steps {sorted(unknown)}; choose from {STEP_NAMES}")
    steps = [s for s in STEPS if s.name in wanted]
    pilots = args.pilots or (2 if args.quick else 8)
    cache = Path(args.cache_dir)

    def repeat_for(n_rows, step=None):
        if args.repeat:
            return args.repeat
        if args.quick:
            return 1
        if step is not None and step.repeat:
            return step.repeat
        if n_rows is None:
            return 3
        return 5 if n_rows <= 10_000 else 3 if n_rows <= 100_000 else 1

    info = machine_info()
    header = (
        f"diagnose benchmark — {info['cores']} cores, {info['memory_gib']} GiB, "
        f"Python {info['python']}, pandas {info['pandas']}, numpy {info['numpy']}, "
        f"pyarrow {info['pyarrow']}, diagnose {info['diagnose']}, "
        f"PM4Py {info['pm4py'] or 'not installed (comparison skipped)'}"
    )
    print(header, flush=True)
    load0 = info["load_avg_1m"]
    if load0 > 0.5:
        print(
            f"  warning: load average {load0:.1f} at start: other processes share "
            f"the {info['cores']} cores, so times are inflated",
            flush=True,
        )
    started = time.perf_counter()

    # one-size steps run at 100k when it is among the sizes, else the nearest
    labels = [lab for lab, _ in sizes]
    one_size = (
        "100k" if "100k" in labels else min(sizes, key=lambda s: abs(s[1] - 100_000))[0]
    )

    rows: dict = {}
    floors: dict = {}
    datasets: dict = {}
    ctx = {"rows": rows}

    def floor(name, size_label, params, n_rows, step=None):
        key = (name, size_label)
        if key not in floors:
            if name.startswith("pm4py") and args.no_pm4py:
                floors[key] = Measurement(name, "n/a", detail="--no-pm4py")
            else:
                floors[key] = best_of(
                    name,
                    FLOORS[name],
                    params,
                    repeat_for(n_rows, step),
                    timeout=args.timeout,
                )
            _progress(f"floor {name}", size_label, floors[key])
        return floors[key]

    def measure(step, size_label, params, n_rows):
        m = best_of(
            step.name,
            step.func,
            {**params, **step.options},
            repeat_for(n_rows, step),
            timeout=args.timeout,
        )
        _progress(step.name, size_label, m)
        row = {"m": m, "floor": None, "ratio": None, "pm4py": None, "pm4py_ratio": None}
        if step.floor and m.status == "ok":
            f = floor(step.floor, size_label, params, n_rows, step)
            row["floor"] = f
            if f.status == "ok":
                row["ratio"] = m.seconds / f.seconds
        if step.pm4py and m.status == "ok":
            fs = [floor(name, size_label, params, n_rows) for name in step.pm4py]
            if all(f.status == "ok" for f in fs):
                total = sum(f.seconds for f in fs)
                row["pm4py"] = total
                row["pm4py_ratio"] = m.seconds / total
            else:
                row["pm4py_detail"] = "; ".join(
                    f.detail for f in fs if f.status != "ok"
                )
        rows[step.name, size_label] = row

    # ---- sized steps ------------------------------------------------------
    for label, n_rows in sizes:
        todo = [
            s
            for s in steps
            if s.scope == "sized" or (s.scope == "100k" and label == one_size)
        ]
        if not todo:
            continue
        t0 = time.perf_counter()
        data = ensure_data(label, n_rows, cache)
        datasets[label] = data
        if "csv" not in data:
            why = data.get("not_available") or data.get("error")
            status = "n/a" if "not_available" in data else "error"
            print(f"  data {label}: {status}: {why}", flush=True)
            for s in todo:
                rows[s.name, label] = {
                    "m": Measurement(s.name, status, detail=f"no data: {why}")
                }
            continue
        meta = data["meta"]
        print(
            f"  data {label}: {meta['rows']:,} rows, {meta['cases']:,} cases, "
            f"{meta.get('open')} open, csv {meta['csv_mib']} MiB, parquet "
            f"{meta['parquet_mib']} MiB ({'cached' if data['cached'] else 'generated'} "
            f"in {time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        params = {
            "csv": data["csv"],
            "parquet": data["parquet"],
            "as_of": meta.get("as_of"),
            "rows": meta["rows"],
            "dir": data["dir"],
            "key": data["key"],
        }
        for s in todo:
            measure(s, label, params, n_rows)

    # ---- steps on the sample data (size-independent) ------------------------
    sample_steps = [s for s in steps if s.scope == "sample"]
    for s in sample_steps:
        params = {"pilots": pilots}
        measure(s, "sample", params, None)

    # ---- table --------------------------------------------------------------
    order = labels + ["sample"]
    table = []
    for s in steps:
        for label in order:
            row = rows.get((s.name, label))
            if row is None:
                continue
            m = row["m"]
            result = check_target(s, label, m, ctx)
            f = row.get("floor")
            table.append(
                {
                    "step": s.name,
                    "size": label,
                    "status": m.status,
                    "seconds": m.seconds,
                    "peak_mib": m.peak_mib,
                    "floor": s.floor,
                    "floor_seconds": f.seconds if f and f.status == "ok" else None,
                    "ratio": row.get("ratio"),
                    "pm4py_seconds": row.get("pm4py"),
                    "pm4py_ratio": row.get("pm4py_ratio"),
                    "target": s.target,
                    "result": result,
                    "detail": m.detail,
                    "extra": m.extra,
                }
            )

    print()
    print(header)
    print(render_table(table))
    SIZE_ROWS.update(dict(sizes))
    lin = linearity(table, labels)
    if lin:
        print()
        print(render_linearity(lin, labels))
    slowest = slowest_metrics(table)
    if slowest:
        print()
        print(slowest)
    notes = [t for t in table if t["status"] != "ok"]
    if notes:
        print()
        for t in notes:
            first = (t["detail"] or "").strip().splitlines()
            msg = first[-1] if first else ""
            print(f"  {t['step']} {t['size']}: {t['status']}: {msg[:200]}")
    if args.verbose:
        print()
        for t in table:
            if t["status"] == "ok" and t["extra"].get("breakdown"):
                parts = ", ".join(
                    f"{k} {v:.3f}" for k, v in t["extra"]["breakdown"].items()
                )
                print(f"  {t['step']} {t['size']}: {parts}")
            if t["status"] == "error" and t["detail"]:
                print(f"--- {t['step']} {t['size']} error ---\n{t['detail']}")
    elapsed = time.perf_counter() - started
    info["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    print(
        f"\n(benchmark took {elapsed:.0f} s; load average {load0:.1f} at start, "
        f"{info['load_avg_1m_end']:.1f} at end)"
    )

    if args.json:
        out = {
            "machine": info,
            "command": " ".join(
                [
                    Path(sys.executable).name,
                    "benchmarks/run.py",
                    *(argv or sys.argv[1:]),
                ]
            ),
            "datasets": {k: v.get("meta", v) for k, v in datasets.items()},
            "rows": table,
            "floors": {f"{k[0]}@{k[1]}": v.to_dict() for k, v in floors.items()},
            "linearity": lin,
            "elapsed_s": elapsed,
        }
        Path(args.json).write_text(json.dumps(out, indent=1, default=str))
    errors = [t for t in table if t["status"] in ("error", "timeout")]
    return 1 if errors else 0


def slowest_metrics(table) -> str:
    """The slowest single function of the all_metrics step per size, beside
    the groupby floor (the per-function reading of "all metrics <= 5x")."""
    lines = []
    for t in table:
        if t["step"] != "all_metrics" or t["status"] != "ok":
            continue
        times = t["extra"].get("breakdown") or {}
        floor = t["floor_seconds"]
        if not times or not floor:
            continue
        name, sec = max(times.items(), key=lambda kv: kv[1])
        over = sum(v > 5 * floor for v in times.values())
        lines.append(
            f"  {t['size']}: {name} {sec:.3f} s = {sec / floor:.1f}× the groupby "
            f"floor; {over} of {len(times)} functions above 5×"
        )
    if not lines:
        return ""
    return "Slowest single metric (all_metrics, one call each):\n" + "\n".join(lines)


def _progress(name, size, m):
    s = f"{m.seconds:.3f} s" if m.seconds is not None else m.status
    peak = f", {m.peak_mib:.0f} MiB" if m.peak_mib else ""
    print(f"  {name:<22} {size:>6}: {s}{peak}", flush=True)


def linearity(table, labels):
    """time(10x rows) / time(rows) per step, for consecutive sizes."""
    by = {(t["step"], t["size"]): t for t in table if t["status"] == "ok"}
    out = []
    steps = dict.fromkeys(t["step"] for t in table)
    for step in steps:
        for small, big in zip(labels, labels[1:]):
            a, b = by.get((step, small)), by.get((step, big))
            if not a or not b or a["seconds"] <= 0:
                continue
            rows_ratio = SIZE_ROWS.get(big, 0) / max(SIZE_ROWS.get(small, 1), 1)
            ratio = b["seconds"] / a["seconds"]
            limit = LINEAR_MAX * rows_ratio / 10
            out.append(
                {
                    "step": step,
                    "from": small,
                    "to": big,
                    "time_ratio": ratio,
                    "rows_ratio": rows_ratio,
                    "limit": limit,
                    "result": "pass" if ratio <= limit else "FAIL",
                }
            )
    return out


SIZE_ROWS: dict = {}


def render_table(table) -> str:
    head = [
        "step",
        "size",
        "seconds",
        "peak MiB",
        "floor",
        "floor s",
        "ratio",
        "PM4Py s",
        "vs PM4Py",
        "target",
        "result",
    ]
    lines = []
    for t in table:
        if t["status"] != "ok":
            lines.append(
                [
                    t["step"],
                    t["size"],
                    "not available yet" if t["status"] == "n/a" else t["status"],
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    t["target"],
                    "",
                ]
            )
            continue
        lines.append(
            [
                t["step"] + (" (partial)" if t["extra"].get("missing") else ""),
                t["size"],
                fmt_s(t["seconds"]),
                f"{t['peak_mib']:.0f}" if t["peak_mib"] else "—",
                t["floor"] or "—",
                fmt_s(t["floor_seconds"]),
                fmt_r(t["ratio"]),
                fmt_s(t["pm4py_seconds"]),
                fmt_r(t["pm4py_ratio"]),
                t["target"] or "—",
                t["result"] or "—",
            ]
        )
    return markdown(head, lines)


def render_linearity(lin, labels) -> str:
    head = [
        "step",
        *[f"{a}→{b}" for a, b in zip(labels, labels[1:])],
        "limit",
        "result",
    ]
    by_step: dict = {}
    for r in lin:
        by_step.setdefault(r["step"], {})[(r["from"], r["to"])] = r
    lines = []
    for step, rs in by_step.items():
        cells = []
        for a, b in zip(labels, labels[1:]):
            r = rs.get((a, b))
            cells.append(f"{r['time_ratio']:.1f}×" if r else "—")
        result = "FAIL" if any(r["result"] == "FAIL" for r in rs.values()) else "pass"
        limit = max(r["limit"] for r in rs.values())
        lines.append([step, *cells, f"≤{limit:.0f}×", result])
    return "Linearity (time ratio for 10× the rows):\n" + markdown(head, lines)


def markdown(head, lines) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]

    def fmt(cells):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([fmt(head), sep, *(fmt(c) for c in lines)])


if __name__ == "__main__":
    sys.exit(main())
