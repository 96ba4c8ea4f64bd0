"""Benchmark machinery: cached data, one fresh subprocess per measurement.

Every measurement (a diagnose step or a floor) runs in its own Python process,
started as ``python benchmarks/_harness.py --worker MODULE:FUNC ...``. In the
worker, ``FUNC(params)`` does the untimed setup (imports, reading the input
frame) and returns a zero-argument callable; only that callable is timed, with
``time.perf_counter``. Steps that run the ``diagnose`` console command time the
command's whole process from start to exit, so for them the figure is truly
end to end (interpreter start and imports included).

Peak memory is measured by the parent, for the whole process tree: the larger
of

* ``ru_maxrss`` of the worker from ``os.wait4`` (Linux folds the peak of every
  reaped descendant -- the ``diagnose`` command, a Jupyter kernel -- into it),
* the summed RSS of the worker and all its descendants, sampled every 50 ms
  with psutil (catches processes that run side by side, e.g. ``-j 2``).

A step whose module is not written yet is reported as "not available yet":
the worker exits with code ``NOT_AVAILABLE`` when a required module or name is
missing, and never makes up a number.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CACHE = HERE / ".cache"
NOT_AVAILABLE = 3
SEED = 20240601

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def parse_size(label: str) -> tuple[str, int]:
    """``"100k"`` -> ``("100k", 100000)``; also accepts ``"250000"``, ``"2m"``."""
    key = label.strip().lower()
    if key in SIZES:
        return key, SIZES[key]
    mult = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    digits = key[:-1] if key[-1:] in "km" else key
    try:
        n = int(float(digits) * mult)
    except ValueError:
        raise SystemExit(f"unknown size {label!r}: use e.g. 10k, 100k, 1m") from None
    return key, n


class NotAvailable(Exception):
    """A module or function the step needs is not written yet."""


def import_arrow() -> None:
    """Import the Arrow modules that readers load on first use (~20 ms),
    in untimed setup, for steps and floors alike: only reading is timed."""
    import pyarrow  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import pyarrow.csv  # noqa: F401
    import pyarrow.parquet  # noqa: F401


def need(spec: str):
    """Import ``"pkg.mod:name"`` (or a module ``"pkg.mod"``); NotAvailable if absent.

    Only a *missing* module or attribute counts as "not available yet"; any
    other error while importing (a bug in the module) propagates and the step
    is reported as an error.
    """
    mod_name, _, attr = spec.partition(":")
    try:
        mod = importlib.import_module(mod_name)
    except ModuleNotFoundError as err:
        if err.name and (mod_name == err.name or mod_name.startswith(err.name + ".")):
            raise NotAvailable(f"{mod_name} not available yet") from None
        raise
    if not attr:
        return mod
    obj = mod
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise NotAvailable(f"{mod_name}:{attr} not available yet")
        obj = getattr(obj, part)
    return obj


def need_cli(command: str) -> None:
    """NotAvailable unless ``diagnose COMMAND`` is a registered sub-command."""
    cli = need("diagnose.cli")
    module = getattr(cli, "SUBCOMMANDS", {}).get(command, f"diagnose.cli.{command}")
    need(module)


def diagnose_exe() -> list[str]:
    """The ``diagnose`` console script of this interpreter's environment."""
    exe = Path(sys.executable).with_name("diagnose")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("diagnose")
    if found:
        return [found]
    return [sys.executable, "-m", "diagnose"]


# ---------------------------------------------------------------------------
# Benchmark data: generated once with diagnose.samples, cached outside git
# ---------------------------------------------------------------------------


def generator_key(seed: int = SEED) -> str:
    """Cache key: the generator's version (else a hash of its source) and seed.

    ``diagnose.samples`` declaring ``GENERATOR_VERSION`` keeps the cache across
    edits that do not change the data; without it any edit regenerates.
    """
    samples = need("diagnose.samples")
    version = None
    for attr in ("GENERATOR_VERSION", "VERSION", "__version__"):
        if getattr(samples, attr, None) is not None:
            version = str(getattr(samples, attr))
            break
    src = Path(samples.__file__)
    files = sorted(src.parent.rglob("*.py")) if src.name == "__init__.py" else [src]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    if version:  # a declared version: edits elsewhere in the module keep the cache
        return f"v{version}-seed{seed}"
    return f"src{digest.hexdigest()[:10]}-seed{seed}"


def generate_tables(n_rows: int, out_dir: Path, seed: int = SEED) -> dict:
    """Write about ``n_rows`` activities as CSV and Parquet with diagnose.samples.

    Uses ``diagnose.samples.write_large`` (the project's benchmark writer:
    canonical headers, ~6 rows a case, 12 months, some open work and rework).
    """
    import pandas as pd

    write_large = need("diagnose.samples:write_large")
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, pq_path = out_dir / "activities.csv", out_dir / "activities.parquet"
    t0 = time.perf_counter()
    for fmt, path in (("csv", csv_path), ("parquet", pq_path)):
        tmp = path.with_name(path.name + ".tmp")
        acts = write_large(tmp, rows=n_rows, seed=seed, fmt=fmt)
        os.replace(tmp, path)
    gen_s = time.perf_counter() - t0
    last = pd.concat([acts["start"], acts["end"]]).max()
    meta = {
        "rows": int(len(acts)),
        "cases": int(acts["case_id"].nunique()),
        "open": int(acts["end"].isna().sum()),
        "owners": int(acts["owner"].nunique()),
        "departments": int(acts["department"].nunique()),
        "rework_rows": int(acts.duplicated(["case_id", "activity"]).sum()),
        # the export date: the day after the last recorded time
        "as_of": str(pd.Timestamp(last).normalize() + pd.Timedelta(days=1)),
        "generate_s": round(gen_s, 2),
        "csv_mib": round(csv_path.stat().st_size / 2**20, 1),
        "parquet_mib": round(pq_path.stat().st_size / 2**20, 1),
        "seed": seed,
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=1))
    return meta


def data_dir(cache: Path, label: str, key: str) -> Path:
    return cache / key / label


def ensure_data(label: str, n_rows: int, cache: Path, *, timeout: float = 1800) -> dict:
    """Paths of the cached CSV/Parquet for ``label``; generate them if missing.

    Generation runs in a subprocess (it needs diagnose.samples). Returns a dict
    with ``csv``, ``parquet``, ``meta`` -- or ``{"error": ...}`` /
    ``{"not_available": ...}``.
    """
    cmd = [
        sys.executable,
        str(Path(__file__)),
        "--ensure-data",
        label,
        "--rows",
        str(n_rows),
        "--cache",
        str(cache),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode == NOT_AVAILABLE:
        return {"not_available": proc.stderr.strip().splitlines()[-1:] or ["?"]}
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip()[-2000:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _ensure_data_main(label: str, n_rows: int, cache: Path) -> int:
    try:
        key = generator_key()
    except NotAvailable as err:
        print(err, file=sys.stderr)
        return NOT_AVAILABLE
    out = data_dir(cache, label, key)
    meta_path = out / "meta.json"
    if (
        meta_path.exists()
        and (out / "activities.csv").exists()
        and (out / "activities.parquet").exists()
    ):
        meta = json.loads(meta_path.read_text())
        cached = True
    else:
        try:
            meta = generate_tables(n_rows, out)
        except NotAvailable as err:
            print(err, file=sys.stderr)
            return NOT_AVAILABLE
        cached = False
        # tables of an older generator are stale: drop this size's old copies
        for old in cache.glob(f"*/{label}"):
            if old != out and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    print(
        json.dumps(
            {
                "csv": str(out / "activities.csv"),
                "parquet": str(out / "activities.parquet"),
                "dir": str(out),
                "key": key,
                "cached": cached,
                "meta": meta,
            }
        )
    )
    return 0


# ---------------------------------------------------------------------------
# Running one measurement in a fresh process
# ---------------------------------------------------------------------------


@dataclass
class Measurement:
    name: str
    status: str  # "ok" | "n/a" | "error" | "timeout"
    seconds: float | None = None
    peak_mib: float | None = None
    detail: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def run_measurement(
    name: str,
    target: str,
    params: dict,
    *,
    timeout: float = 1800,
    env: dict | None = None,
) -> Measurement:
    """Run ``target`` (``"module:func"`` in benchmarks/) in a fresh worker process."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="diagnose-bench-") as tmp:
        out_file = Path(tmp) / "result.json"
        params = {**params, "tmp": tmp}
        cmd = [
            sys.executable,
            str(Path(__file__)),
            "--worker",
            target,
            "--params",
            json.dumps(params),
            "--out",
            str(out_file),
        ]
        stderr_path = Path(tmp) / "stderr.txt"
        with open(stderr_path, "wb") as err_fh:
            popen = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=err_fh,
                cwd=ROOT,
                env={**os.environ, **(env or {})},
            )
            ps = psutil.Process(popen.pid)
            tree_peak = 0
            stop = threading.Event()

            def sample():
                nonlocal tree_peak
                while not stop.is_set():
                    tree_peak = max(tree_peak, _tree_rss(ps))
                    stop.wait(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            deadline = time.monotonic() + timeout
            status = None
            rusage = None
            while True:
                pid, status, rusage = os.wait4(popen.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    _kill_tree(ps)
                    pid, status, rusage = os.wait4(popen.pid, 0)
                    stop.set()
                    sampler.join()
                    popen.returncode = -9
                    return Measurement(name, "timeout", detail=f"over {timeout:.0f} s")
                time.sleep(0.02)
            stop.set()
            sampler.join()
            popen.returncode = os.waitstatus_to_exitcode(status)
        code = popen.returncode
        stderr = stderr_path.read_text(errors="replace").strip()
        maxrss_mib = rusage.ru_maxrss / 1024  # KiB on Linux
        peak = max(maxrss_mib, tree_peak / 2**20)
        if code == NOT_AVAILABLE:
            last = stderr.splitlines()[-1] if stderr else "not available yet"
            return Measurement(name, "n/a", detail=last)
        if code != 0 or not out_file.exists():
            return Measurement(
                name,
                "error",
                peak_mib=round(peak, 1),
                detail=stderr[-3000:] or f"exit code {code}",
            )
        result = json.loads(out_file.read_text())
        return Measurement(
            name,
            "ok",
            seconds=result.pop("seconds"),
            peak_mib=round(peak, 1),
            extra=result,
        )


def _kill_tree(ps) -> None:
    import psutil

    with contextlib.suppress(psutil.Error):
        for child in ps.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
        ps.kill()


def best_of(name: str, target: str, params: dict, repeat: int, **kw) -> Measurement:
    """Best (fastest) of ``repeat`` fresh-process runs; all times kept in extra."""
    runs = []
    for _ in range(max(1, repeat)):
        m = run_measurement(name, target, params, **kw)
        runs.append(m)
        if m.status != "ok":
            return m
    best = min(runs, key=lambda m: m.seconds)
    best.extra["runs_s"] = [round(m.seconds, 4) for m in runs]
    best.extra["peak_runs_mib"] = [m.peak_mib for m in runs]
    return best


# ---------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------


def run_cli(args: list[str], *, cwd=None, timeout: float = 3600) -> dict:
    """Run ``diagnose ARGS`` to completion; raise with its stderr if it fails."""
    proc = subprocess.run(
        [*diagnose_exe(), *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"diagnose {' '.join(args)} exited {proc.returncode}:\n"
            f"{proc.stderr[-3000:]}\n{proc.stdout[-1000:]}"
        )
    return {"stdout_chars": len(proc.stdout)}


def _worker_main(target: str, params: dict, out: Path) -> int:
    sys.path.insert(0, str(HERE))
    mod_name, _, func_name = target.partition(":")
    func = getattr(importlib.import_module(mod_name), func_name)
    try:
        timed = func(params)  # untimed setup: imports, input frame
    except NotAvailable as err:
        print(err, file=sys.stderr)
        return NOT_AVAILABLE
    gc.collect()
    t0 = time.perf_counter()
    result = timed()
    seconds = time.perf_counter() - t0
    record = {"seconds": seconds}
    if isinstance(result, dict):
        record.update(result)
    out.write_text(json.dumps(record, default=str))
    return 0


def machine_info() -> dict:
    import numpy as np
    import pandas as pd
    import psutil
    import pyarrow as pa

    info = {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "pyarrow": pa.__version__,
        "platform": platform.platform(terse=True),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    try:
        import diagnose

        info["diagnose"] = getattr(diagnose, "__version__", "?")
    except Exception:  # noqa: BLE001
        info["diagnose"] = "not importable"
    try:
        from importlib.metadata import version

        info["pm4py"] = version("pm4py")
    except Exception:  # noqa: BLE001
        info["pm4py"] = None
    return info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker")
    parser.add_argument("--params", default="{}")
    parser.add_argument("--out")
    parser.add_argument("--ensure-data")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--cache", default=str(DEFAULT_CACHE))
    args = parser.parse_args(argv)
    if args.ensure_data:
        return _ensure_data_main(args.ensure_data, args.rows, Path(args.cache))
    if args.worker:
        return _worker_main(args.worker, json.loads(args.params), Path(args.out))
    parser.error("use --worker or --ensure-data")
    return 2


if __name__ == "__main__":
    # Re-enter through the importable module so that ``_harness.NotAvailable``
    # raised by steps and floors is the class caught here.
    sys.path.insert(0, str(HERE))
    import _harness

    sys.exit(_harness.main())
