"""Smoke run of the benchmark (10k rows) so that it cannot rot.

Runs ``benchmarks/run.py --quick`` exactly as a developer would and checks
that every step produced a row and that every step whose module exists ran to
completion. Timings are never asserted here: they belong to ``make bench``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "benchmarks" / "run.py"

#: step -> module that must exist for the step to run (else "not available yet")
STEP_MODULES = {
    "load_csv": "diagnose.io.load",
    "load_parquet": "diagnose.io.load",
    "case_durations": "diagnose.metrics.flow",
    "process_map": "diagnose.metrics.flow",
    "flow_metrics": "diagnose.metrics.flow",
    "all_metrics": "diagnose.metrics.flow",
    "diagnosis": "diagnose.diagnosis",
    "workload": "diagnose.metrics.workload",
    "bottlenecks": "diagnose.bottlenecks",
    "scan_csv": "diagnose.cli.scan",
    "scan_parquet": "diagnose.cli.scan",
    "compare_pilot": "diagnose.compare",
    "bootstrap": "diagnose.compare",
    "report_pilot": "diagnose.cli.report",
    "report_all": "diagnose.cli.report",
}


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--quick",
            "--no-pm4py",
            "--json",
            str(out),
            "--cache-dir",
            str(tmp / "cache"),
            "--timeout",
            "600",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
    )
    log = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert out.exists(), f"no JSON written:\n{log}"
    return proc, json.loads(out.read_text())


@pytest.mark.slow
def test_every_step_has_a_row(smoke):
    proc, result = smoke
    steps = {row["step"] for row in result["rows"]}
    assert steps == set(STEP_MODULES), proc.stdout[-3000:]
    assert all(row["size"] in ("10k", "sample") for row in result["rows"])


@pytest.mark.slow
def test_available_steps_complete(smoke):
    proc, result = smoke
    failed = [r for r in result["rows"] if r["status"] in ("error", "timeout")]
    assert not failed, "\n\n".join(f"{r['step']}: {r['detail']}" for r in failed)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for row in result["rows"]:
        if _exists(STEP_MODULES[row["step"]]):
            # the module is written: n/a only while a named function is missing
            assert row["status"] in ("ok", "n/a"), row
            if row["status"] == "n/a":
                assert "not available" in row["detail"] or "missing" in row["detail"]
        if row["status"] == "ok":
            assert row["seconds"] is not None and row["seconds"] >= 0
            assert row["peak_mib"] is not None and row["peak_mib"] > 0


@pytest.mark.slow
def test_header_names_the_machine(smoke):
    proc, result = smoke
    first = proc.stdout.splitlines()[0]
    assert "cores" in first and "GiB" in first and "pandas" in first
    assert result["machine"]["cores"] >= 1


@pytest.mark.slow
def test_slowest_metric_line_names_the_largest_breakdown(smoke):
    proc, result = smoke
    (row,) = [r for r in result["rows"] if r["step"] == "all_metrics"]
    times = row["extra"]["breakdown"]
    assert len(times) == 16
    name = max(times, key=times.get)
    over = sum(v > 5 * row["floor_seconds"] for v in times.values())
    assert "Slowest single metric" in proc.stdout
    assert f"10k: {name} {times[name]:.3f} s" in proc.stdout
    assert f"{over} of 16 functions above 5×" in proc.stdout
