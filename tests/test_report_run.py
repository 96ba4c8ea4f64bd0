"""run_notebook with papermill and a real kernel."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from diagnose.report.run import (
    KERNEL_NAME,
    ReportError,
    default_kernel_name,
    run_notebook,
)

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]


def test_trivial_notebook_runs_with_parameters(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("name: x\n", encoding="utf-8")
    out = run_notebook(
        NOTEBOOKS / "trivial.ipynb",
        tmp_path / "out" / "t.ipynb",
        {
            "config_path": cfg,
            "name": "团队",
            "n": 3,
            "teams": ("A", "B"),
            "options": {"k": 1},
            "flag": True,
            "ratio": 1,
        },
    )
    nb = nbformat.read(out, as_version=4)
    text = nb.cells[3].outputs[0]["text"]
    assert text.startswith(
        "hello 团队 hello 团队 hello 团队 1 True ['A', 'B'] {'k': 1}"
    )
    assert nb.metadata.papermill.parameters["config_path"] == str(cfg.resolve())
    summary = json.loads(
        (tmp_path / "out" / "t.summary.json").read_text(encoding="utf-8")
    )
    assert summary["verdict"] == "OK" and summary["title"] == "Trivial 团队"
    assert summary["headline"] == [
        {"label": "n", "value": "3"},
        {"label": "ratio", "value": "1"},
    ]


def test_diagnose_kernel_is_used_when_installed():
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL_NAME not in KernelSpecManager().find_kernel_specs():
        pytest.skip("kernel 'diagnose' not registered (make setup registers it)")
    assert default_kernel_name() == KERNEL_NAME


def test_failing_notebook_keeps_executed_copy_and_names_the_cell(tmp_path):
    out = tmp_path / "failed.ipynb"
    stale = tmp_path / "failed.summary.json"
    stale.write_text("{}", encoding="utf-8")
    with pytest.raises(ReportError) as err:
        run_notebook(NOTEBOOKS / "fails.ipynb", out, {})
    msg = str(err.value)
    # cell 3 of the source notebook; In [4] in the executed one (injected parameters)
    assert msg.splitlines()[0] == (
        "fails.ipynb failed in cell 3 (In [4]): y = x + 1  # second step"
    )
    assert "ValueError: boom: pilot data has no rows" in msg
    assert f"The executed notebook, with the full traceback, is at {out}" in msg
    assert err.value.notebook == out and err.value.cell_index == 3
    nb = nbformat.read(out, as_version=4)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert errors and errors[0].ename == "ValueError"
    assert not any("never reached" in str(c.get("outputs")) for c in nb.cells)
    assert not stale.exists()  # an old verdict never survives a failed run


def _probe_notebook(path: Path) -> Path:
    """A notebook that prints which probe modules its kernel already holds."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell('who: str = "x"  # anything')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import sys, os\n"
            "print(sorted(m for m in ('colorsys', 'wave') if m in sys.modules),"
            " os.path.basename(os.getcwd()))"
        ),
    ]
    nbformat.write(nb, str(path))
    return path


def _alive(kernel) -> bool:
    from jupyter_core.utils import run_sync

    return run_sync(kernel.manager.is_alive)()


def test_prestarted_kernel_runs_the_notebook_warmed_and_is_stopped(tmp_path):
    # 'colorsys' and 'wave' are stdlib modules no kernel imports by itself:
    # only the warm-up can have put 'colorsys' in sys.modules
    from diagnose.report.run import prestart_kernel

    (tmp_path / "here").mkdir()
    nb = _probe_notebook(tmp_path / "probe.ipynb")
    kernel = prestart_kernel(nb, cwd=tmp_path / "here", warm=("colorsys",))
    out = run_notebook(nb, tmp_path / "out.ipynb", {"who": "y"}, kernel=kernel)
    text = nbformat.read(out, as_version=4).cells[2].outputs[0]["text"]
    assert text.strip() == "['colorsys'] here"
    assert not _alive(kernel)


def test_prestarted_kernel_without_warm_up_imports_nothing(tmp_path):
    from diagnose.report.run import prestart_kernel

    nb = _probe_notebook(tmp_path / "probe.ipynb")
    kernel = prestart_kernel(nb, warm=())
    out = run_notebook(nb, tmp_path / "out.ipynb", None, kernel=kernel)
    text = nbformat.read(out, as_version=4).cells[2].outputs[0]["text"]
    assert text.strip() == f"[] {tmp_path.name}"


def test_prestarted_kernel_is_stopped_when_parameters_are_refused(tmp_path):
    from diagnose.exceptions import ConfigError
    from diagnose.report.run import prestart_kernel

    nb = _probe_notebook(tmp_path / "probe.ipynb")
    kernel = prestart_kernel(nb)
    with pytest.raises(ConfigError, match="unknown parameter 'nope'"):
        run_notebook(nb, tmp_path / "out.ipynb", {"nope": 1}, kernel=kernel)
    assert not _alive(kernel)
    assert not (tmp_path / "out.ipynb").exists()


def test_build_report_stops_its_kernel_when_the_config_is_refused(
    tmp_path, monkeypatch
):
    from diagnose.exceptions import ConfigError
    from diagnose.report import batch, run

    started = []

    def recording(*args, **kwargs):
        started.append(original(*args, **kwargs))
        return started[-1]

    original = run.prestart_kernel
    monkeypatch.setattr(run, "prestart_kernel", recording)
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: no name\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'name' is required"):
        batch.build_report("pilot", bad, output_dir=tmp_path / "reports")
    assert len(started) == 1 and not _alive(started[0])
