"""Build reports from configs: one at a time, or every pilot in a folder in parallel.

:func:`build_report` = load config -> :func:`run_notebook` -> :func:`export_html`.
It launches the kernel first (:func:`~diagnose.report.run.prestart_kernel`:
the kernel boots and imports pandas/SciPy/matplotlib while this process reads
the config and imports papermill) and warms nbconvert up while the notebook
runs, so the start-up costs overlap instead of adding up.
:func:`run_pilots` runs :func:`build_report` for each ``*.yaml`` in a folder in
``jobs`` worker processes (each papermill run starts its own kernel); one
pilot's failure never stops the others. Results come back as
:class:`ReportOutcome` objects (plain data, so they cross process borders).
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diagnose
from diagnose.exceptions import ConfigError, DataError
from diagnose.report.configs import KINDS, load_report_config
from diagnose.report.run import ReportError

__all__ = [
    "build_report",
    "run_pilots",
    "default_notebook",
    "ReportOutcome",
    "NOTEBOOKS_DIR",
]

#: The repository's notebooks folder (next to the package).
NOTEBOOKS_DIR = Path(diagnose.__file__).resolve().parents[1] / "notebooks"

_TITLES = {
    ("diagnosis", "en"): "Process diagnosis",
    ("diagnosis", "zh"): "流程诊断报告",
    ("pilot", "en"): "Pilot report",
    ("pilot", "zh"): "试点总结报告",
}


@dataclass(frozen=True)
class ReportOutcome:
    """Result of one report run."""

    config: str
    ok: bool
    name: str | None = None
    html: str | None = None
    notebook: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def reason(self) -> str:
        """The error on one line: where it failed and the exception."""
        lines = [ln.strip() for ln in (self.error or "").splitlines() if ln.strip()]
        if len(lines) > 1 and " failed in cell " in lines[0]:
            return f"{lines[0]} -> {lines[1]}"
        return lines[0] if lines else ""


def default_notebook(kind: str) -> Path:
    """``notebooks/<kind>.ipynb`` of the repository."""
    return NOTEBOOKS_DIR / f"{kind}.ipynb"


#: set once this process has exported a report (nbconvert is then warm)
_EXPORTED = threading.Event()


def _warm_export() -> None:
    """Export a one-cell notebook, to import nbconvert and its filters early.

    Runs in a thread while the report's kernel computes: the parent process
    is idle then (waiting on the kernel), so the ~1 s nbconvert costs on its
    first export (imports of nbconvert, mistune, bleach/bs4, pygments,
    jinja2 templates) overlaps the kernel's work instead of following it.
    Best effort: any failure is left for the real export to report. Skipped
    when this process has exported before (``--all`` workers build several
    reports): it would only cost CPU the other reports need.
    """
    if _EXPORTED.is_set():
        return
    try:
        import nbformat

        from diagnose.report.html import export_html

        with tempfile.TemporaryDirectory(prefix="diagnose-warm-") as tmp:
            nb = nbformat.v4.new_notebook()
            nb.cells.append(nbformat.v4.new_markdown_cell("warm-up"))
            path = Path(tmp) / "warm.ipynb"
            nbformat.write(nb, str(path))
            export_html(path, Path(tmp) / "warm.html")
    except Exception:  # noqa: BLE001 - an optimisation only
        pass


def build_report(
    kind: str,
    config: str | Path,
    *,
    output_dir: str | Path = "reports",
    notebook: str | Path | None = None,
    language: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    kernel_name: str | None = None,
    progress: bool = False,
) -> ReportOutcome:
    """Run one report and export its HTML; raise on failure.

    Parameters
    ----------
    kind : {"diagnosis", "pilot"}
    config : str or Path
        The report's YAML config (see :mod:`diagnose.report.configs`).
    output_dir : str or Path, default="reports"
        Gets ``<kind>-<name>-<as_of or today>.ipynb`` (executed), ``.html`` and
        ``.summary.json``.
    notebook : str or Path, default=None
        Defaults to ``notebooks/<kind>.ipynb``.
    language : {"en", "zh"}, default=None
        None: the config's ``language``, else "en". Passed to the notebook
        when it declares a ``language`` parameter.
    parameters : dict, default=None
        Extra notebook parameters (checked against the parameters cell).

    Raises
    ------
    ConfigError, DataError, FileNotFoundError, ReportError
    """
    from diagnose.report.html import export_html
    from diagnose.report.run import notebook_parameters, prestart_kernel, run_notebook

    start = time.perf_counter()
    nb_path = Path(notebook) if notebook else default_notebook(kind)
    if not nb_path.is_file():
        raise FileNotFoundError(
            f"{kind} notebook not found: {nb_path} (pass --notebook to use another one)"
        )
    if kind not in KINDS:
        raise ValueError(
            f"The 'kind' parameter must be one of {set(KINDS)}. Got {kind!r} instead."
        )
    # the kernel boots (and imports pandas, SciPy, matplotlib) while this
    # process reads the config and imports papermill; it never runs notebook
    # code unless the config and parameters pass (run_notebook stops it)
    kernel = prestart_kernel(nb_path, kernel_name=kernel_name)
    try:
        cfg = load_report_config(kind, config)
        language = language or cfg.language or "en"
        declared = notebook_parameters(nb_path)
        values: dict[str, Any] = {"config_path": str(cfg.path)}
        if "language" in declared:
            values["language"] = language
        values.update(parameters or {})
        out_dir = Path(output_dir)
        stem = cfg.stem()
        executed = out_dir / f"{stem}.ipynb"
        html = out_dir / f"{stem}.html"
    except BaseException:
        kernel.shutdown()
        raise
    # daemon: a failed run raises at once instead of waiting for the warm-up
    warm = threading.Thread(target=_warm_export, name="warm-export", daemon=True)
    warm.start()
    # a report of an earlier run under the same name must not outlive a failed
    # re-run: the index would link it as if it were this run's (run_notebook
    # deletes the stale .summary.json sidecar the same way)
    html.unlink(missing_ok=True)
    run_notebook(nb_path, executed, values, kernel=kernel, progress=progress)
    warm.join()
    title = f"{_TITLES[(kind, language)]} — {cfg.title or cfg.name}"
    export_html(executed, html, title=title, language=language)
    _EXPORTED.set()
    return ReportOutcome(
        config=str(config),
        ok=True,
        name=cfg.name,
        html=str(html),
        notebook=str(executed),
        seconds=time.perf_counter() - start,
    )


def _safe_build(kind: str, config: str, kwargs: dict[str, Any]) -> ReportOutcome:
    """Worker: never raises, so one failure can't break the pool."""
    start = time.perf_counter()
    try:
        return build_report(kind, config, **kwargs)
    except (ConfigError, DataError, ReportError, FileNotFoundError) as err:
        error = str(err)
    except Exception as err:  # a bug: keep the type so it can be reported
        error = f"{type(err).__name__}: {err}"
    return ReportOutcome(
        config=config, ok=False, error=error, seconds=time.perf_counter() - start
    )


def run_pilots(
    config_dir: str | Path,
    *,
    jobs: int = 1,
    output_dir: str | Path = "reports",
    notebook: str | Path | None = None,
    language: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    kernel_name: str | None = None,
    progress: bool | None = None,
    on_done: Callable[[ReportOutcome], None] | None = None,
) -> list[ReportOutcome]:
    """Build a pilot report for every ``*.yaml``/``*.yml`` in ``config_dir``.

    Parameters
    ----------
    jobs : int, default=1
        Worker processes. ``1`` runs in this process.
    progress : bool, default=None
        tqdm bar on stderr; None shows it only when stderr is a terminal.
    on_done : callable, default=None
        Called with each :class:`ReportOutcome` as it finishes (in the parent).

    Returns
    -------
    list of ReportOutcome
        In config-file order; failures have ``ok=False`` and ``error``.
    """
    from tqdm import tqdm

    folder = Path(config_dir)
    if not folder.is_dir():
        raise ConfigError(f"pilot config folder not found: {folder}")
    configs = sorted(
        p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
    )
    if not configs:
        raise ConfigError(f"no pilot configs (*.yaml) in {folder}")
    if jobs < 1:
        raise ValueError(
            f"The 'jobs' parameter must be at least 1. Got {jobs!r} instead."
        )
    kwargs = dict(
        output_dir=str(output_dir),
        notebook=str(notebook) if notebook else None,
        language=language,
        parameters=dict(parameters or {}),
        kernel_name=kernel_name,
    )
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(
        total=len(configs),
        desc="pilots",
        unit="report",
        file=sys.stderr,
        disable=not show,
        dynamic_ncols=True,
    )
    results: dict[str, ReportOutcome] = {}

    def done(outcome: ReportOutcome) -> None:
        results[outcome.config] = outcome
        bar.update(1)
        if on_done is not None:
            on_done(outcome)

    try:
        if jobs == 1 or len(configs) == 1:
            for cfg in configs:
                done(_safe_build("pilot", str(cfg), kwargs))
        else:
            # spawn: a clean interpreter per worker (no forked tqdm/kernel threads)
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(configs)), mp_context=ctx
            ) as pool:
                futures = {
                    pool.submit(_safe_build, "pilot", str(cfg), kwargs): str(cfg)
                    for cfg in configs
                }
                for fut in as_completed(futures):
                    try:
                        outcome = fut.result()
                    except Exception as err:  # worker died (killed, out of memory)
                        outcome = ReportOutcome(
                            config=futures[fut],
                            ok=False,
                            error=f"worker process failed: {err!r}",
                        )
                    done(outcome)
    finally:
        bar.close()
    return [results[str(cfg)] for cfg in configs]
