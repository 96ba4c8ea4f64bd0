"""Parameter checks of run_notebook: all raised before papermill starts a kernel."""

from __future__ import annotations

from pathlib import Path

import papermill
import pytest

from diagnose.exceptions import ConfigError
from diagnose.report import run as report_run
from diagnose.report.run import (
    coerce_parameters,
    default_kernel_name,
    notebook_parameters,
    run_notebook,
    summary_path_for,
    validate_parameters,
)

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
TRIVIAL = NOTEBOOKS / "trivial.ipynb"


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if papermill is asked to execute anything."""

    def boom(*args, **kwargs):
        raise AssertionError("papermill.execute_notebook was called")

    monkeypatch.setattr(papermill, "execute_notebook", boom)


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    return path


def test_notebook_parameters_reads_types_and_required():
    specs = notebook_parameters(TRIVIAL)
    assert specs["config_path"]["required"] is True
    assert specs["name"] == {
        "name": "name",
        "type": "str",
        "default": '"world"',
        "help": "who to greet",
        "required": False,
    }
    assert {n: s["type"] for n, s in specs.items()} == {
        "config_path": "str",
        "name": "str",
        "n": "int",
        "ratio": "float",
        "flag": "bool",
        "teams": "list",
        "options": "dict",
        "language": "str",
        "summary_path": "str",
    }


def test_unknown_parameter_is_named_with_valid_ones(no_kernel, config_file, tmp_path):
    with pytest.raises(
        ConfigError, match=r"unknown parameter 'colour'\. Valid parameters: "
    ) as err:
        run_notebook(
            TRIVIAL, tmp_path / "o.ipynb", {"config_path": config_file, "colour": 1}
        )
    assert "config_path, flag, language, n, name, options, ratio, teams" in str(
        err.value
    )
    assert "summary_path" not in str(err.value).split("Valid parameters:")[1]
    assert not (tmp_path / "o.ipynb").exists()


def test_missing_required_parameter(no_kernel, tmp_path):
    with pytest.raises(
        ConfigError,
        match=r"missing required parameter 'config_path' "
        r"\(required: any readable file\)",
    ):
        run_notebook(TRIVIAL, tmp_path / "o.ipynb", {"name": "x"})


def test_required_parameter_given_as_none_is_missing(no_kernel, tmp_path):
    with pytest.raises(ConfigError, match="missing required parameter 'config_path'"):
        run_notebook(TRIVIAL, tmp_path / "o.ipynb", {"config_path": None})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "n",
            "3",
            r"parameter 'n' must be int \(declared 'n: int = 2'\)\. "
            r"Got str '3' instead",
        ),
        ("n", True, "parameter 'n' must be int"),
        ("n", 2.5, "parameter 'n' must be int"),
        ("ratio", "0.5", "parameter 'ratio' must be float"),
        ("flag", "yes", "parameter 'flag' must be bool"),
        ("teams", "A", "parameter 'teams' must be list"),
        ("options", ["a"], "parameter 'options' must be dict"),
        ("name", 5, "parameter 'name' must be str"),
    ],
)
def test_ill_typed_parameter(no_kernel, config_file, tmp_path, name, value, expected):
    with pytest.raises(ConfigError, match=expected):
        run_notebook(
            TRIVIAL, tmp_path / "o.ipynb", {"config_path": config_file, name: value}
        )


def test_well_typed_values_pass_and_are_normalised(config_file, tmp_path):
    out = validate_parameters(
        TRIVIAL,
        {
            "config_path": config_file,
            "n": 3,
            "ratio": 1,
            "flag": True,
            "teams": ("A", "B"),
            "options": {"k": 1},
            "name": None,
        },
    )
    assert out["config_path"] == str(config_file.resolve())
    assert out["ratio"] == 1 and out["teams"] == ["A", "B"] and out["name"] is None


def test_unreadable_file_parameter(no_kernel, tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(
        ConfigError, match=r"parameter 'config_path': file not found: .*nope\.yaml"
    ):
        run_notebook(TRIVIAL, tmp_path / "o.ipynb", {"config_path": str(missing)})


def test_relative_file_parameter_resolved_against_caller(
    tmp_path, monkeypatch, config_file
):
    monkeypatch.chdir(tmp_path)
    out = validate_parameters(TRIVIAL, {"config_path": "c.yaml"})
    assert out["config_path"] == str(config_file.resolve())


def test_all_problems_reported_at_once(no_kernel, tmp_path):
    with pytest.raises(ConfigError) as err:
        run_notebook(TRIVIAL, tmp_path / "o.ipynb", {"bogus": 1, "n": "x"})
    msg = str(err.value)
    assert msg.startswith("trivial.ipynb: 3 parameter problems")
    assert "unknown parameter 'bogus'" in msg
    assert "missing required parameter 'config_path'" in msg
    assert "parameter 'n' must be int" in msg


def test_summary_path_is_reserved(no_kernel, config_file, tmp_path):
    with pytest.raises(ConfigError, match="'summary_path' is set by run_notebook"):
        run_notebook(
            TRIVIAL,
            tmp_path / "o.ipynb",
            {"config_path": config_file, "summary_path": "x"},
        )


def test_missing_notebook(tmp_path):
    with pytest.raises(FileNotFoundError, match="Notebook not found"):
        run_notebook(tmp_path / "none.ipynb", tmp_path / "o.ipynb", {})


def test_coerce_command_line_values():
    values = coerce_parameters(
        TRIVIAL,
        {
            "n": "3",
            "ratio": "0.25",
            "flag": "true",
            "teams": "[A, B]",
            "options": "{k: 1}",
            "name": "007",
            "bogus": "1",
        },
    )
    assert values == {
        "n": 3,
        "ratio": 0.25,
        "flag": True,
        "teams": ["A", "B"],
        "options": {"k": 1},
        "name": "007",
        "bogus": "1",
    }


def test_default_kernel_prefers_diagnose(monkeypatch):
    from jupyter_client import kernelspec

    def specs(installed):
        monkeypatch.setattr(
            kernelspec.KernelSpecManager,
            "find_kernel_specs",
            lambda self: {k: "/x" for k in installed},
        )

    specs({"diagnose", "python3"})
    assert default_kernel_name(TRIVIAL) == "diagnose"
    specs({"python3"})
    assert default_kernel_name(TRIVIAL) == "python3"
    specs({"other"})
    assert default_kernel_name(TRIVIAL) == "python3"


def test_summary_path_for():
    assert summary_path_for("reports/pilot-a-2024-06-30.ipynb") == Path(
        "reports/pilot-a-2024-06-30.summary.json"
    )


def test_source_cell_number_accounts_for_injected_cell():
    # fails.ipynb: parameters at 0; executed notebook has the injected cell at 1
    assert report_run._source_cell_number(NOTEBOOKS / "fails.ipynb", 3) == 3
    assert report_run._source_cell_number(NOTEBOOKS / "fails.ipynb", 0) == 1
