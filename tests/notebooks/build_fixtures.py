"""Write the fixture notebooks of the report tests (run after editing this file).

    .venv/bin/python tests/notebooks/build_fixtures.py

trivial.ipynb   one typed parameter of each kind, records a summary
fails.ipynb     raises in its third cell
report.ipynb    reads a YAML config; user text with <script>, a Chinese chart
                label, render helpers, tagged cells; raises when the config's
                title starts with FAIL (for the --all test)
"""

from pathlib import Path

import nbformat as nbf

HERE = Path(__file__).resolve().parent


def _code(src, tags=()):
    cell = nbf.v4.new_code_cell(src)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _nb(cells):
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = cells
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return nb


TRIVIAL = _nb(
    [
        _code(
            "config_path: str = None  # required: any readable file\n"
            'name: str = "world"  # who to greet\n'
            "n: int = 2  # repetitions\n"
            "ratio: float = 0.5  # a share\n"
            "flag: bool = False  # a switch\n"
            'teams: list = ["A"]  # team names\n'
            "options: dict = {}  # extra options\n"
            'language: str = "en"  # en or zh\n'
            'summary_path: str = ""  # set by diagnose report',
            tags=["parameters"],
        ),
        nbf.v4.new_markdown_cell("# Trivial fixture"),
        _code('print(" ".join([f"hello {name}"] * n), ratio, flag, teams, options)'),
        _code(
            "from diagnose.report.render import record_summary\n"
            'record_summary({"title": f"Trivial {name}", "verdict": "OK", "level": "good",\n'  # noqa: E501
            '                "headline": {"n": n, "ratio": ratio}})'
        ),
    ]
)

FAILS = _nb(
    [
        _code('language: str = "en"  # en or zh', tags=["parameters"]),
        _code("x = 1"),
        _code(
            'y = x + 1  # second step\nraise ValueError("boom: pilot data has no rows")'
        ),
        _code('print("never reached")'),
    ]
)

REPORT = _nb(
    [
        _code(
            "config_path: str = None  # required: report config (YAML)\n"
            'language: str = "zh"  # en or zh\n'
            'task_name: str = "<script>alert(1)</script>"  # user text shown in the report',  # noqa: E501
            tags=["parameters"],
        ),
        nbf.v4.new_markdown_cell(
            "# 试点报告（测试）\n\nFixture report with user text."
        ),
        _code(
            "# INPUT-MARKER: this code must never appear in the HTML\n"
            "import yaml\n"
            "import pandas as pd\n"
            "import matplotlib.pyplot as plt\n"
            "from diagnose.plots._style import use_style\n"
            "from diagnose.report import render\n"
            "cfg = yaml.safe_load(open(config_path, encoding='utf-8'))\n"
            "if str(cfg.get('title', '')).startswith('FAIL'):\n"
            "    raise RuntimeError(f\"config {cfg['name']} asks to fail\")",
            tags=["remove-input"],
        ),
        _code('render.section("Findings", "主要发现", language)'),
        _code(
            "render.executive_summary('建议推广 <b>now</b>', level='good', language=language,\n"  # noqa: E501
            "                         headline={'周期（天）': '22 → 16', task_name: 0.25},\n"  # noqa: E501
            "                         findings=[task_name, '逾期率下降'])"
        ),
        _code(
            "df = pd.DataFrame({'任务': [task_name, '方案策划'], '周期（天）': [3.5, 5.25]})\n"  # noqa: E501
            "render.show_table(df, caption=task_name, language=language)"
        ),
        _code("render.callout(task_name, level='warning', language=language)"),
        _code("print('stream:', task_name)"),
        _code(
            "use_style()\n"
            "fig, ax = plt.subplots(figsize=(6, 3))\n"
            "ax.bar(['需求调研', '方案策划'], [3, 5])\n"
            "ax.set_title('周期时间（天）')\n"
            "ax.set_xlabel(task_name)\n"
            "plt.show()"
        ),
        _code('print("SECRET-REMOVED-CELL")', tags=["remove-cell"]),
        _code('print("OUTPUT-REMOVED")', tags=["remove-output"]),
        _code(
            "render.provenance([config_path], parameters={'config_path': config_path,"
            " 'language': language, 'task_name': task_name}, language=language)"
        ),
        _code(
            "render.record_summary({'title': cfg['name'], 'verdict': task_name, 'level': 'good',\n"  # noqa: E501
            "                       'headline': {'周期（天）': '22 → 16'}, 'as_of': str(cfg.get('as_of', ''))})"  # noqa: E501
        ),
    ]
)


def main() -> None:
    for name, nb in {"trivial": TRIVIAL, "fails": FAILS, "report": REPORT}.items():
        nbf.validate(nb)
        nbf.write(nb, HERE / f"{name}.ipynb")


if __name__ == "__main__":
    main()
