"""The package imports lazily (issue 7): cheap ``import diagnose``, same API.

Each check runs in a fresh interpreter, since what is already imported in the
test process (pandas, SciPy, matplotlib...) would hide an eager import.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: names that are functions although a sub-module has the same name
FUNCTIONS = {"bottlenecks", "did", "its"}
HEAVY = ("pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "jieba")


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter; it prints one JSON value."""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _loaded(imports: str) -> list[str]:
    code = (
        f"import json, sys\n{imports}\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    return _fresh(code)


def test_import_diagnose_loads_no_heavy_library():
    assert _loaded("import diagnose") == []


def test_command_line_parser_loads_no_heavy_library():
    # `diagnose report ...` builds the parser of every sub-command first
    assert _loaded("from diagnose.cli import build_parser\nbuild_parser()") == []


def test_report_command_modules_load_no_scipy_statsmodels_matplotlib():
    # the `diagnose report` parent process: config check, papermill driver
    loaded = _loaded(
        "import diagnose.report.batch, diagnose.report.run, diagnose.report.configs\n"
        "from diagnose.compare.config import load_pilot_config"
    )
    assert not {"scipy", "statsmodels", "matplotlib", "seaborn"} & set(loaded)


def test_pilot_charts_do_not_import_survey_module():
    loaded = _fresh(
        "import json, sys\nfrom diagnose import plots\nplots.plot_effects\n"
        "print(json.dumps(['diagnose.survey' in sys.modules,"
        " 'diagnose.plots.compare' in sys.modules]))"
    )
    assert loaded == [False, True]


@pytest.mark.parametrize("package", ["diagnose", "diagnose.compare", "diagnose.plots"])
def test_every_public_name_resolves_to_its_module_object(package):
    import importlib

    pkg = importlib.import_module(package)
    for name in pkg.__all__:
        if name == "__version__":
            continue
        module = importlib.import_module(pkg._LAZY[name])
        if module.__name__ == f"{package}.{name}" and name not in FUNCTIONS:
            expected = module  # diagnose.survey
        else:
            expected = getattr(module, name)
        assert getattr(pkg, name) is expected, name
        assert name in dir(pkg)


def test_functions_named_like_their_module_stay_functions():
    # the eager package bound diagnose.bottlenecks / compare.did / compare.its
    # to the functions; importing the modules afterwards must not change that
    out = _fresh(
        "import json, types\n"
        "import diagnose.bottlenecks, diagnose.compare.did, diagnose.compare.its\n"
        "import diagnose, diagnose.compare as c\n"
        "from diagnose.bottlenecks import bottlenecks as b\n"
        "print(json.dumps([diagnose.bottlenecks is b, c.did.__name__, c.its.__name__,"
        " isinstance(c.did, types.FunctionType), diagnose.survey.__name__]))"
    )
    assert out == [True, "did", "its", True, "diagnose.survey"]


def test_submodules_are_reachable_as_attributes_and_unknown_names_fail():
    import diagnose

    assert diagnose.stats.__name__ == "diagnose.stats"
    assert diagnose.compare.compare_pilot.__module__ == "diagnose.compare.pilot"
    with pytest.raises(AttributeError, match="'diagnose' has no attribute 'nope'"):
        diagnose.nope  # noqa: B018
    with pytest.raises(AttributeError, match="'diagnose.plots' has no attribute"):
        diagnose.plots.plot_nothing  # noqa: B018


def test_report_warm_up_imports_the_html_exporter():
    # build_report overlaps this with the kernel's run (see batch._warm_export)
    out = _fresh(
        "import json, sys\nfrom diagnose.report.batch import _warm_export\n"
        "before = 'nbconvert' in sys.modules\n_warm_export()\n"
        "print(json.dumps([before, 'nbconvert' in sys.modules,"
        " 'nbconvert.filters.markdown_mistune' in sys.modules]))"
    )
    assert out == [False, True, True]
