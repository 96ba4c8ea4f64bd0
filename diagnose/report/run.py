"""Run a parameterised notebook with papermill, after checking its parameters.

Parameter conventions (the notebook's first cell is tagged ``parameters``;
papermill's inspector reads one ``name: type = default  # help`` per line):

* **Type** comes from the annotation (``as_of: str = "2024-06-30"``); without
  one, from the literal default (``n = 3`` is an int). Checked types are
  ``str``, ``int``, ``float`` (an int is accepted), ``bool``, ``list`` (a tuple
  is accepted) and ``dict``; ``list[str]`` is checked as ``list``. Other
  annotations are not checked. ``None`` is accepted for any parameter that is
  not required.
* **Required**: default ``None`` *and* help comment starting with ``required``::

      config_path: str = None  # required: pilot config (YAML)

* **Input files**: a parameter whose name ends in ``_path`` or ``config`` names
  a file the notebook reads; a given value must be a readable file. Relative
  paths are resolved against the caller's working directory and passed as
  absolute paths, because the kernel runs in the notebook's folder. Name
  output locations ``*_dir`` or ``*_out`` instead.
* **summary_path** is reserved: :func:`run_notebook` always injects it (the
  ``<output>.summary.json`` sidecar that :func:`diagnose.report.render.record_summary`
  writes and :mod:`diagnose.report.index` reads). Notebooks may declare it
  (``summary_path: str = ""  # set by diagnose report``) but callers can't pass it.

Kernel: ``kernel_name`` if given; else the ``diagnose`` kernel when it is
installed (``make setup`` registers it inside .venv, so the kernel runs the
same interpreter and package as the caller); else the notebook's own
kernelspec when that kernel is installed; else ``python3``.

Start-up: :func:`prestart_kernel` launches the kernel *before* papermill is
imported and has it import the libraries every report uses
(:data:`WARM_IMPORTS`) while this process imports papermill and checks the
parameters; :func:`run_notebook` then executes on that kernel. The two
start-ups (each 1-2 s) overlap instead of adding up. The notebook still
imports everything it uses itself; the warm-up only fills ``sys.modules``.
"""

from __future__ import annotations

import ast
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from diagnose.exceptions import ConfigError

__all__ = [
    "run_notebook",
    "prestart_kernel",
    "StartedKernel",
    "WARM_IMPORTS",
    "validate_parameters",
    "coerce_parameters",
    "notebook_parameters",
    "default_kernel_name",
    "summary_path_for",
    "ReportError",
    "KERNEL_NAME",
    "RESERVED_PARAMETERS",
]

#: Kernel registered by ``make setup`` (python -m ipykernel install --sys-prefix).
KERNEL_NAME = "diagnose"
#: Parameters set by the machinery, never by the caller.
RESERVED_PARAMETERS = frozenset({"summary_path"})
#: Imported by a pre-started kernel while papermill loads (see module doc).
WARM_IMPORTS = ("numpy", "pandas", "scipy.stats", "matplotlib.pyplot")

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}


class ReportError(RuntimeError):
    """A report notebook failed while running or could not be exported.

    Attributes
    ----------
    notebook : pathlib.Path or None
        The executed (partial) notebook left for the analyst, when there is one.
    cell_index : int or None
        1-based index of the failing cell in the source notebook.
    """

    def __init__(
        self,
        message: str,
        *,
        notebook: Path | None = None,
        cell_index: int | None = None,
    ):
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index


class _DropReservedWarning(logging.Filter):
    """Papermill warns about injected parameters a notebook doesn't declare."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        return not any(
            msg == f"Passed unknown parameter: {n}" for n in RESERVED_PARAMETERS
        )


logging.getLogger("papermill").addFilter(_DropReservedWarning())


def notebook_parameters(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """Parameters declared in the notebook's ``parameters`` cell.

    Returns
    -------
    dict
        name -> ``{name, type, default, help, required}`` where ``type`` is the
        checked base type (``str``, ``int``, ... or None when unchecked),
        ``default`` the default's source text and ``required`` follows the
        module's convention.
    """
    import papermill as pm

    path = Path(notebook)
    if not path.is_file():
        raise FileNotFoundError(f"Notebook not found: {path}")
    try:
        inspected = pm.inspect_notebook(str(path))
    except Exception as err:  # unreadable JSON, not a notebook
        raise ConfigError(f"Cannot read the parameters of {path}: {err}") from err
    specs = {}
    for name, p in inspected.items():
        default = p.get("default") or ""
        help_text = (p.get("help") or "").strip()
        specs[name] = {
            "name": name,
            "type": _base_type(p.get("inferred_type_name"), default),
            "default": default,
            "help": help_text,
            "required": default.strip() == "None"
            and help_text.lower().startswith("required"),
        }
    return specs


def _base_type(annotation: str | None, default: str) -> str | None:
    if annotation and annotation != "None":
        base = annotation.split("[", 1)[0].strip()
        return base if base in _TYPES else None
    try:  # no annotation: infer from the literal default
        value = ast.literal_eval(default)
    except (ValueError, SyntaxError):
        return None
    if value is None:
        return None
    name = type(value).__name__
    return "list" if name == "tuple" else (name if name in _TYPES else None)


def _is_input_file_param(name: str) -> bool:
    return name not in RESERVED_PARAMETERS and (
        name.endswith("_path") or name.endswith("config")
    )


def coerce_parameters(notebook: str | Path, pairs: Mapping[str, str]) -> dict[str, Any]:
    """Turn command-line ``name=value`` strings into typed values.

    ``str`` parameters keep the text as is; others are parsed as YAML
    (``3``, ``2.5``, ``true``, ``[a, b]``, ``{k: v}``) and then checked by
    :func:`validate_parameters`. Unknown names are left as text so validation
    can name them.
    """
    import yaml

    specs = notebook_parameters(notebook)
    out: dict[str, Any] = {}
    for name, text in pairs.items():
        kind = specs.get(name, {}).get("type")
        if kind in (None, "str"):
            out[name] = text
            continue
        try:
            out[name] = yaml.safe_load(text)
        except yaml.YAMLError:
            out[name] = text
    return out


def validate_parameters(
    notebook: str | Path,
    parameters: Mapping[str, Any] | None,
    *,
    base_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Check parameters against the notebook's ``parameters`` cell.

    Returns the parameters to pass to papermill (input-file paths made absolute,
    tuples and Paths converted). Raises :class:`~diagnose.exceptions.ConfigError`
    naming every unknown, missing, ill-typed or unreadable parameter at once.
    """
    notebook = Path(notebook)
    base = Path(base_dir) if base_dir is not None else Path.cwd()
    params = dict(parameters or {})
    specs = notebook_parameters(notebook)
    problems: list[str] = []

    reserved = sorted(set(params) & RESERVED_PARAMETERS)
    for name in reserved:
        problems.append(f"parameter {name!r} is set by run_notebook; don't pass it")
        params.pop(name)

    unknown = sorted(set(params) - set(specs))
    if unknown:
        valid = ", ".join(sorted(set(specs) - RESERVED_PARAMETERS)) or "(none)"
        problems.append(
            f"unknown parameter{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))}. Valid parameters: {valid}"
        )

    missing = sorted(
        n for n, s in specs.items() if s["required"] and params.get(n) is None
    )
    for name in missing:
        problems.append(f"missing required parameter {name!r} ({specs[name]['help']})")

    out: dict[str, Any] = {}
    for name, value in params.items():
        if name in unknown:
            continue
        spec = specs[name]
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        kind = spec["type"]
        if value is not None and kind is not None:
            ok = isinstance(value, _TYPES[kind]) and not (
                kind in ("int", "float") and isinstance(value, bool)
            )
            if not ok:
                problems.append(
                    f"parameter {name!r} must be {kind} (declared "
                    f"'{name}: {kind} = {spec['default']}'). "
                    f"Got {type(value).__name__} {value!r} instead"
                )
                continue
        if isinstance(value, tuple):
            value = list(value)
        if _is_input_file_param(name) and isinstance(value, str) and value:
            path = Path(value).expanduser()
            path = path if path.is_absolute() else base / path
            if not path.is_file():
                problems.append(f"parameter {name!r}: file not found: {path}")
                continue
            if not os.access(path, os.R_OK):
                problems.append(f"parameter {name!r}: file not readable: {path}")
                continue
            value = str(path.resolve())
        out[name] = value

    if problems:
        plural = "s" if len(problems) > 1 else ""
        head = f"{notebook.name}: {len(problems)} parameter problem{plural}"
        raise ConfigError(head + "\n" + "\n".join(f"  {p}." for p in problems))
    return out


def default_kernel_name(notebook: str | Path | None = None) -> str:
    """The kernel :func:`run_notebook` uses when none is given (see module doc)."""
    from jupyter_client.kernelspec import KernelSpecManager

    installed = set(KernelSpecManager().find_kernel_specs())
    if KERNEL_NAME in installed:
        return KERNEL_NAME
    if notebook is not None:
        import nbformat

        try:
            nb = nbformat.read(str(notebook), as_version=4)
            own = nb.metadata.get("kernelspec", {}).get("name")
        except Exception:
            own = None
        if own and own in installed:
            return own
    return "python3"


class StartedKernel:
    """A kernel launched ahead of papermill; see :func:`prestart_kernel`.

    Attributes
    ----------
    kernel_name : str
    cwd : str
        Working directory of the kernel.
    manager : jupyter_client.AsyncKernelManager
        Passed to papermill (``km=``); papermill then neither starts nor stops
        the kernel, :meth:`shutdown` does.
    """

    def __init__(self, kernel_name: str, cwd: str, warm: tuple[str, ...]):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.kernel_name, self.cwd = kernel_name, cwd
        # Unix-domain sockets in a private folder instead of TCP ports on
        # localhost: nothing else on the machine can reach the kernel, and the
        # kernel no longer warns that it runs over TCP without encryption.
        self._ipc_dir = tempfile.mkdtemp(prefix="diagnose-kernel-")
        self.manager = AsyncKernelManager(
            kernel_name=kernel_name,
            transport="ipc",
            ip=os.path.join(self._ipc_dir, "k"),
        )
        # the loop jupyter_core keeps for this thread, as nbclient uses it
        run_sync(self.manager.start_kernel)(cwd=cwd)
        self._warm = threading.Thread(
            target=self._import, args=(warm,), name="kernel-warm-up", daemon=True
        )
        self._warm.start()

    def _import(self, modules: tuple[str, ...]) -> None:
        """Let the kernel import ``modules`` (best effort: errors are ignored)."""
        if not modules:
            return
        from jupyter_client.blocking import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(self.manager.get_connection_info())
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            msg_id = client.execute(
                "import " + ", ".join(modules), silent=True, store_history=False
            )
            while True:  # the reply says the imports are done (or failed)
                reply = client.get_shell_msg(timeout=120)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        except Exception:  # noqa: BLE001 - the notebook imports what it needs
            pass
        finally:
            client.stop_channels()

    def wait(self, timeout: float | None = 180) -> None:
        """Wait until the warm-up imports are done (the kernel is then idle)."""
        self._warm.join(timeout)

    def shutdown(self) -> None:
        """Stop the kernel (idempotent)."""
        from jupyter_core.utils import run_sync

        self.wait(timeout=5)
        try:
            if run_sync(self.manager.is_alive)():
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            run_sync(self.manager.cleanup_resources)()
            shutil.rmtree(self._ipc_dir, ignore_errors=True)


def prestart_kernel(
    notebook: str | Path,
    *,
    kernel_name: str | None = None,
    cwd: str | Path | None = None,
    warm: tuple[str, ...] = WARM_IMPORTS,
) -> StartedKernel:
    """Launch the kernel :func:`run_notebook` will use, before papermill loads.

    Parameters
    ----------
    notebook : str or Path
        The notebook to run (for the default kernel and working directory).
    kernel_name : str, default=None
        None picks :func:`default_kernel_name`.
    cwd : str or Path, default=None
        Working directory of the kernel; None means the notebook's folder.
    warm : tuple of str, default=WARM_IMPORTS
        Modules the kernel imports in the background (``()``: none).

    Returns
    -------
    StartedKernel
        Pass it to :func:`run_notebook` (``kernel=``); call its ``shutdown()``
        when the run did not happen (run_notebook shuts it down otherwise).
    """
    notebook = Path(notebook)
    kernel = kernel_name or default_kernel_name(notebook)
    where = Path(cwd) if cwd is not None else notebook.resolve().parent
    return StartedKernel(kernel, str(where), tuple(warm))


def summary_path_for(output: str | Path) -> Path:
    """``reports/x.ipynb`` -> ``reports/x.summary.json`` (the verdict sidecar)."""
    output = Path(output)
    return output.with_name(output.stem + ".summary.json")


def run_notebook(
    notebook: str | Path,
    output: str | Path,
    parameters: Mapping[str, Any] | None = None,
    *,
    kernel_name: str | None = None,
    cwd: str | Path | None = None,
    progress: bool = False,
    timeout: int | None = None,
    kernel: StartedKernel | None = None,
) -> Path:
    """Execute ``notebook`` with papermill and write the executed copy to ``output``.

    Parameters
    ----------
    notebook : str or Path
        Source notebook; its first cell is tagged ``parameters``.
    output : str or Path
        Executed notebook to write (its folder is created).
    parameters : dict, optional
        Values for the parameters cell, checked first by
        :func:`validate_parameters` (before papermill starts, and before a
        pre-started ``kernel`` runs any notebook code).
    kernel_name : str, default=None
        Kernel to use; None picks :func:`default_kernel_name`.
    cwd : str or Path, default=None
        Working directory of the kernel; None means the notebook's folder, so
        relative paths in the notebook's defaults work.
    progress : bool, default=False
        Show papermill's per-cell progress bar.
    timeout : int, default=None
        Seconds allowed per cell (None: no limit).
    kernel : StartedKernel, default=None
        A kernel from :func:`prestart_kernel` (its name and working directory
        replace ``kernel_name`` and ``cwd``); run_notebook shuts it down, also
        when the parameters are refused. None: papermill starts a kernel after
        the parameters are checked.

    Returns
    -------
    pathlib.Path
        ``output``. The ``summary_path`` parameter is set to
        :func:`summary_path_for` ``(output)``; a stale sidecar is deleted first.

    Raises
    ------
    ConfigError
        Bad parameters (unknown, missing, ill-typed, unreadable file).
    ReportError
        A cell failed. The executed notebook, error included, stays at
        ``output``; the message names the cell and the exception.
    """
    try:
        return _run(
            notebook, output, parameters, kernel_name, cwd, progress, timeout, kernel
        )
    finally:
        if kernel is not None:
            kernel.shutdown()


def _run(notebook, output, parameters, kernel_name, cwd, progress, timeout, kernel):
    import papermill as pm

    notebook, output = Path(notebook), Path(output)
    values = validate_parameters(notebook, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    sidecar = summary_path_for(output)
    sidecar.unlink(missing_ok=True)
    values["summary_path"] = str(sidecar.resolve())
    extra = {}
    if kernel is not None:
        kernel.wait()  # the warm-up's client is gone before papermill's connects
        kernel_name, cwd = kernel.kernel_name, kernel.cwd
        extra["km"] = kernel.manager
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=values,
            kernel_name=kernel_name or default_kernel_name(notebook),
            cwd=str(cwd if cwd is not None else notebook.resolve().parent),
            progress_bar=progress,
            log_output=False,
            execution_timeout=timeout,
            **extra,
        )
    except pm.PapermillExecutionError as err:
        index = _source_cell_number(notebook, err.cell_index)
        first = next((ln for ln in (err.source or "").splitlines() if ln.strip()), "")
        exc_line = f"{err.ename}: {err.evalue}" if err.evalue else err.ename
        raise ReportError(
            f"{notebook.name} failed in cell {index} (In [{err.exec_count}]): "
            f"{first.strip()}\n"
            f"  {exc_line}\n"
            f"  The executed notebook, with the full traceback, is at {output}",
            notebook=output,
            cell_index=index,
        ) from None
    return output


def _source_cell_number(notebook: Path, executed_index: int) -> int:
    """1-based number of the failing cell in the *source* notebook.

    Papermill inserts an ``injected-parameters`` cell right after the
    ``parameters`` cell (at the top when there is none); cells after it are
    shifted by one. We always inject ``summary_path``, so there always is one.
    """
    import nbformat

    params_index = -1
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except Exception:
        nb = None
    for i, cell in enumerate(nb.cells if nb is not None else []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            params_index = i
            break
    shift = 1 if params_index < executed_index else 0
    return executed_index - shift + 1
