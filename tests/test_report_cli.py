"""`diagnose report` end to end: single reports, --all in parallel, the index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from diagnose.cli import main

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
REPORT_NB = NOTEBOOKS / "report.ipynb"
SAMPLES = Path(__file__).resolve().parents[1] / "data_samples"

# A valid pilot config (diagnose.compare.config checks every key); the fixture
# notebook fails when the title starts with FAIL.
PILOT = """name: {name}
title: {title}
language: {language}
data:
  activities: {samples}/tasks_en.csv
pilot_teams: [Team A]
control_teams: [Team B, Team C]
baseline: {{start: 2023-10-01, end: 2024-03-31}}
pilot: {{start: 2024-04-01, end: 2024-06-30}}
as_of: 2024-06-30
metrics: [cycle_time, overdue_rate]
targets:
  cycle_time: {{change: -20%}}
"""


def _pilot(name, title, language="en"):
    return PILOT.format(
        name=name, title=title, language=language, samples=SAMPLES.as_posix()
    )


def _cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "diagnose", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """`diagnose report pilot --all`: one good config, one whose notebook fails,
    one the config check refuses."""
    root = tmp_path_factory.mktemp("batch")
    _write(root / "pilots" / "good.yaml", _pilot("good-pilot", "Good", "zh"))
    _write(root / "pilots" / "bad.yaml", _pilot("bad-pilot", "FAIL on purpose"))
    _write(
        root / "pilots" / "broken.yaml", "name: broken\n"
    )  # refused by the config check
    _write(root / "pilots" / "notes.txt", "not a config\n")
    out = root / "reports"
    proc = _cli(
        "report",
        "pilot",
        "--all",
        root / "pilots",
        "-j",
        "2",
        "--notebook",
        REPORT_NB,
        "--output-dir",
        out,
    )
    return proc, out


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_all_exit_code_and_summary(batch):
    proc, out = batch
    assert proc.returncode == 1, proc.stderr
    assert "1 of 3 pilot reports built." in proc.stdout
    good_html = out / "pilot-good-pilot-2024-06-30.html"
    assert f"  ok    good.yaml -> {good_html}" in proc.stdout
    assert "  FAIL  bad.yaml: pilot.ipynb" not in proc.stdout
    fail_line = next(
        ln for ln in proc.stdout.splitlines() if ln.startswith("  FAIL  bad.yaml")
    )
    assert "report.ipynb failed in cell 3" in fail_line
    assert fail_line.endswith("-> RuntimeError: config bad-pilot asks to fail")
    # per-pilot lines and the full reason on stderr
    assert "ok    good-pilot:" in proc.stderr and "FAIL  bad.yaml:" in proc.stderr
    assert "RuntimeError: config bad-pilot asks to fail" in proc.stderr
    assert "notes.txt" not in proc.stdout + proc.stderr
    broken = next(
        ln for ln in proc.stdout.splitlines() if ln.startswith("  FAIL  broken.yaml")
    )
    assert "broken.yaml" in broken and "'data'" in broken


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_all_outputs_and_index(batch):
    _, out = batch
    good = out / "pilot-good-pilot-2024-06-30"
    assert good.with_suffix(".html").is_file() and good.with_suffix(".ipynb").is_file()
    summary = json.loads((out / "pilot-good-pilot-2024-06-30.summary.json").read_text())
    assert summary["title"] == "good-pilot"
    # the failing pilot leaves its executed notebook for the analyst, no HTML
    assert (out / "pilot-bad-pilot-2024-06-30.ipynb").is_file()
    assert not (out / "pilot-bad-pilot-2024-06-30.html").exists()
    assert not (out / "pilot-bad-pilot-2024-06-30.summary.json").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="pilot-good-pilot-2024-06-30.html">good-pilot</a>' in index
    assert index.count("<a href=") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index and "<script" not in index
    assert "周期（天）: <b>22 → 16</b>" in index
    failed = index.split("Failed runs")[1]
    assert "bad.yaml" in failed and "broken.yaml" in failed
    html = good.with_suffix(".html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in html and "<title>试点总结报告 — Good</title>" in html
    assert "INPUT-MARKER" not in html and "<script>alert" not in html


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_single_report_with_parameter(tmp_path):
    _write(tmp_path / "tasks.csv", "case_id\n")
    cfg = _write(
        tmp_path / "diag.yaml",
        "name: 样例 team\ntitle: Sample\ndata: {activities: tasks.csv}\n",
    )
    out = tmp_path / "reports"
    proc = _cli(
        "report",
        "diagnosis",
        "--config",
        cfg,
        "--notebook",
        REPORT_NB,
        "--output-dir",
        out,
        "--language",
        "en",
        "-p",
        "task_name=Task <i>7</i>",
    )
    assert proc.returncode == 0, proc.stderr
    html_files = sorted(out.glob("diagnosis-样例-team-*.html"))
    assert len(html_files) == 1 and f"html:     {html_files[0]}" in proc.stdout
    page = html_files[0].read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Task &lt;i&gt;7&lt;/i&gt;" in page
    assert "<title>Process diagnosis — Sample</title>" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        f'<a href="{quote(html_files[0].name)}">样例 team</a>' in index
    )  # sidecar title


def test_bad_parameter_exits_2_before_running(tmp_path, capsys):
    _write(tmp_path / "tasks.csv", "case_id\n")
    cfg = _write(tmp_path / "c.yaml", "name: x\ndata: {activities: tasks.csv}\n")
    code = main(
        [
            "report",
            "diagnosis",
            "--config",
            str(cfg),
            "--notebook",
            str(REPORT_NB),
            "--output-dir",
            str(tmp_path / "r"),
            "-p",
            "colour=red",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert (
        "unknown parameter 'colour'. Valid parameters: config_path, language, task_name"
        in err
    )
    assert not (tmp_path / "r").exists()


def test_bad_config_exits_2(tmp_path, capsys):
    cfg = _write(tmp_path / "c.yaml", "title: no name\n")
    code = main(
        [
            "report",
            "diagnosis",
            "--config",
            str(cfg),
            "--notebook",
            str(REPORT_NB),
            "--output-dir",
            str(tmp_path / "r"),
        ]
    )
    assert code == 2 and "key 'name' is required" in capsys.readouterr().err


def test_missing_notebook_exits_2(tmp_path, capsys):
    _write(tmp_path / "tasks.csv", "case_id\n")
    cfg = _write(tmp_path / "c.yaml", "name: x\ndata: {activities: tasks.csv}\n")
    code = main(
        [
            "report",
            "diagnosis",
            "--config",
            str(cfg),
            "--notebook",
            str(tmp_path / "none.ipynb"),
        ]
    )
    assert code == 2 and "notebook not found" in capsys.readouterr().err.lower()


def test_all_on_empty_folder_exits_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code = main(
        [
            "report",
            "pilot",
            "--all",
            str(tmp_path / "empty"),
            "--notebook",
            str(REPORT_NB),
        ]
    )
    assert code == 2 and "no pilot configs (*.yaml)" in capsys.readouterr().err


def test_config_and_all_are_exclusive(capsys):
    with pytest.raises(SystemExit) as err:
        main(["report", "pilot", "--config", "a.yaml", "--all", "dir"])
    assert err.value.code == 2


def test_report_without_kind_prints_help(capsys):
    assert main(["report"]) == 2
    assert "diagnosis" in capsys.readouterr().out


def test_index_subcommand(tmp_path, capsys):
    assert (
        main(["report", "index", "--output-dir", str(tmp_path), "--language", "zh"])
        == 0
    )
    assert '<html lang="zh">' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_failed_rerun_removes_the_previous_report(tmp_path, capsys):
    # a failed re-run left the earlier HTML in place and the index linked it
    from diagnose.report.batch import build_report
    from diagnose.report.index import build_index

    cfg = _write(tmp_path / "bad.yaml", _pilot("again", "FAIL on purpose"))
    out = tmp_path / "reports"
    stale = _write(out / "pilot-again-2024-06-30.html", "<html>old run</html>")
    _write(out / "pilot-again-2024-06-30.summary.json", '{"verdict": "old"}')
    with pytest.raises(Exception, match="FAIL|failed"):
        build_report("pilot", cfg, output_dir=out, notebook=REPORT_NB)
    assert not stale.exists()
    assert not (out / "pilot-again-2024-06-30.summary.json").exists()
    assert "pilot-again-2024-06-30.html" not in build_index(out).read_text(
        encoding="utf-8"
    )
