"""environment.yml and pyproject.toml must name the same dependencies."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml
from conftest import ROOT

# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"pytorch": "torch"}


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    name = m.group(1).lower().replace("_", "-")
    return CONDA_TO_PYPI.get(name, name), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + meta["optional-dependencies"]["dev"]
    return dict(_split(s) for s in specs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section
            for spec in dep["pip"]:
                if not spec.startswith("-e"):
                    name, ver = _split(spec)
                    out[name] = ver
        else:
            name, ver = _split(dep)
            if name not in {"python", "pip"}:
                out[name] = ver
    return out


def test_environment_matches_pyproject():
    assert _environment() == _pyproject()


def test_environment_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_console_command_is_installed():
    out = subprocess.run(
        [sys.executable, "-m", "diagnose", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    from diagnose import __version__

    assert out.stdout.strip() == f"diagnose {__version__}"


def test_ci_runs_make_test():
    text = (ROOT / ".ci" / "run").read_text()
    assert "make test" in text


def test_report_template_is_package_data():
    """A non-editable install must ship the offline nbconvert template."""
    import glob

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]
    patterns = tool["setuptools"]["package-data"]["diagnose"]
    shipped = {
        p
        for pat in patterns
        for p in glob.glob(str(ROOT / "diagnose" / pat), recursive=True)
    }
    templates = ROOT / "diagnose" / "report" / "templates"
    needed = {str(p) for p in templates.rglob("*") if p.is_file()}
    assert {"conf.json", "index.html.j2", "diagnose.css"} <= {
        p.rsplit("/", 1)[-1] for p in needed
    }
    assert needed <= shipped
