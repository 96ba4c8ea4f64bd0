"""`diagnose report` checks made before papermill starts (the command line's
own options; config and parameter checks are in test_report_cli.py)."""

from __future__ import annotations

from pathlib import Path

from diagnose.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_kernel_exits_2_naming_the_installed_ones(tmp_path, capsys):
    code = main(
        [
            "report",
            "diagnosis",
            "--config",
            str(ROOT / "data_samples" / "diagnosis.yaml"),
            "--kernel",
            "no-such-kernel",
            "--output-dir",
            str(tmp_path / "r"),
            "--no-index",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--kernel 'no-such-kernel': no Jupyter kernel of that name" in err
    assert "Installed kernels: [" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # nothing ran
