"""The README's Python example runs as written (from the repository root)."""

from __future__ import annotations

import json
import os
import re

from conftest import ROOT

from diagnose.io.columns import STAGES


def test_readme_python_example_runs(capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        namespace: dict = {}
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(here)
    out = capsys.readouterr().out
    # the planted bottleneck (truth.json, English stage names; the example
    # loads the Chinese workbook) heads the summary the example prints
    truth = json.loads((ROOT / "data_samples" / "truth.json").read_text())
    zh = {s["en"]: s["zh"] for s in STAGES}
    planted = " -> ".join(zh[x] for x in truth["bottleneck_location"].split(" -> "))
    first = out.splitlines()[1]
    assert first.startswith(f"1. {planted} (high impact")
    assert namespace["pilot"].verdict is not None
