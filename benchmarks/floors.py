"""Floors: the least work that any tool must do for the same result.

Each floor runs in its own fresh process, on the same file, in the same run as
the diagnose step it is printed beside (see ``_harness.py``). Like the steps,
a floor function does its setup untimed and returns the callable that is timed.

=====================  ==========================================================
floor                  what is timed
=====================  ==========================================================
read_csv               ``pd.read_csv(path, engine="pyarrow", parse_dates=[...])``
                       with every date column of the file parsed
read_parquet           ``pd.read_parquet(path)``
groupby                one vectorised groupby: per-case ``max(end) - min(start)``
                       on the frame read from Parquet (read untimed)
empty_notebook         a fresh Python process that imports papermill and
                       nbconvert, runs a one-cell notebook (``pass``) on the
                       same kernel the reports use and exports it to HTML:
                       end to end, like ``diagnose report``
numpy_bootstrap        10,000 resamples of the difference of two means on the
                       same durations, chunked ``rng.integers`` + ``take``
                       (reference only: the bootstrap target is absolute)
pm4py_case_durations   ``pm4py.get_all_case_durations`` on the same log
pm4py_perf_dfg         ``pm4py.discover_performance_dfg`` on the same log
=====================  ==========================================================

For PM4Py the log is the same activity table, closed rows only (PM4Py needs a
timestamp per event), already formatted with ``pm4py.format_dataframe``
(``case_id``/``activity``/``end`` as timestamp, ``start`` as
``start_timestamp``).
Formatting is setup, not timed, which favours PM4Py; its time is kept in the
JSON output as ``format_s``. PM4Py 2.7's ``get_all_case_durations`` raises
``KeyError: 'start_timestamp'`` on a log with start timestamps, so its log has
none (case duration = last end - first end: the same groupby work).
"""

from __future__ import annotations

import subprocess
import sys
import time

from _harness import ROOT, NotAvailable, import_arrow

DATE_COLUMNS = ["start", "end", "due", "planned_start", "planned_end"]


def _date_columns(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    return [c for c in DATE_COLUMNS if c in header]


def read_csv(p):
    import pandas as pd

    import_arrow()

    path, dates = p["csv"], _date_columns(p["csv"])

    def run():
        df = pd.read_csv(path, engine="pyarrow", parse_dates=dates)
        return {"rows": len(df)}

    return run


def read_parquet(p):
    import pandas as pd

    import_arrow()

    path = p["parquet"]

    def run():
        df = pd.read_parquet(path)
        return {"rows": len(df)}

    return run


def groupby(p):
    import pandas as pd

    df = pd.read_parquet(p["parquet"], columns=["case_id", "start", "end"])

    def run():
        g = df.groupby("case_id", sort=False, observed=True)
        durations = g["end"].max() - g["start"].min()
        return {"cases": len(durations)}

    return run


EMPTY_NOTEBOOK_SCRIPT = r"""
import sys, nbformat, papermill
from nbconvert import HTMLExporter
src, out, html, kernel = sys.argv[1:5]
nb = nbformat.v4.new_notebook()
cell = nbformat.v4.new_code_cell("pass")
cell.metadata["tags"] = ["parameters"]
nb.cells.append(cell)
nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel,
                             "language": "python"}
nbformat.write(nb, src)
papermill.execute_notebook(src, out, kernel_name=kernel, progress_bar=False,
                           log_output=False, parameters={"x": 1})
body, _ = HTMLExporter(exclude_input=True).from_filename(out)
open(html, "w", encoding="utf-8").write(body)
"""


def report_kernel() -> str:
    """The kernel ``diagnose report`` runs notebooks on (the floor uses the same)."""
    from _harness import need

    try:
        default_kernel_name = need("diagnose.report.run:default_kernel_name")
    except NotAvailable:
        return "python3"
    pilot = ROOT / "notebooks" / "pilot.ipynb"
    return default_kernel_name(pilot if pilot.exists() else None)


def empty_notebook(p):
    from pathlib import Path

    tmp = Path(p["tmp"])
    kernel = p.get("kernel") or report_kernel()
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if kernel not in specs:
        kernel = "python3"
    args = [
        sys.executable,
        "-c",
        EMPTY_NOTEBOOK_SCRIPT,
        str(tmp / "empty.ipynb"),
        str(tmp / "empty.out.ipynb"),
        str(tmp / "empty.html"),
        kernel,
    ]

    def run():
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-3000:])
        return {"kernel": kernel}

    return run


def durations_split(path):
    """Finished activity durations (days) of the table, split at the median start.

    The bootstrap step and its floor use exactly these two arrays ("before" =
    first half by start time, "after" = second half): ~100k values at 100k rows.
    """
    import numpy as np
    import pandas as pd

    df = pd.read_parquet(path, columns=["start", "end"]).dropna()
    df = df.sort_values("start", kind="stable")
    d = ((df["end"] - df["start"]) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    half = len(d) // 2
    return d[:half], d[half:]


def numpy_bootstrap(p):
    import numpy as np

    a, b = durations_split(p["parquet"])
    n_resamples = int(p.get("n_resamples", 10_000))
    chunk = 50

    def run():
        rng = np.random.default_rng(0)
        diffs = np.empty(n_resamples)
        for i in range(0, n_resamples, chunk):
            k = min(chunk, n_resamples - i)
            ma = a[rng.integers(0, len(a), (k, len(a)))].mean(axis=1)
            mb = b[rng.integers(0, len(b), (k, len(b)))].mean(axis=1)
            diffs[i : i + k] = mb - ma
        lo, hi = np.percentile(diffs, [2.5, 97.5])
        return {"n": len(a) + len(b), "ci": [float(lo), float(hi)]}

    return run


def _pm4py_log(p, *, with_start=True):
    try:
        import pm4py
    except ImportError:
        raise NotAvailable("pm4py is not installed (optional)") from None
    import pandas as pd

    df = pd.read_parquet(p["parquet"], columns=["case_id", "activity", "start", "end"])
    df = df.dropna(subset=["start", "end"]).rename(columns={"start": "start_timestamp"})
    if not with_start:
        df = df.drop(columns="start_timestamp")
    t0 = time.perf_counter()
    log = pm4py.format_dataframe(
        df,
        case_id="case_id",
        activity_key="activity",
        timestamp_key="end",
        start_timestamp_key="start_timestamp",
    )
    return pm4py, log, time.perf_counter() - t0


def pm4py_case_durations(p):
    # PM4Py 2.7 get_all_case_durations fails with a start-timestamp column
    # (KeyError 'start_timestamp' in case_statistics), so this log has none:
    # PM4Py's case duration is then last end - first end (same work).
    pm4py, log, format_s = _pm4py_log(p, with_start=False)

    def run():
        durations = pm4py.get_all_case_durations(log)
        return {
            "cases": len(durations),
            "format_s": format_s,
            "pm4py": pm4py.__version__,
        }

    return run


def pm4py_perf_dfg(p):
    pm4py, log, format_s = _pm4py_log(p)

    def run():
        dfg, start, end = pm4py.discover_performance_dfg(log)
        return {"edges": len(dfg), "format_s": format_s, "pm4py": pm4py.__version__}

    return run
