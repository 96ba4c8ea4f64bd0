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
