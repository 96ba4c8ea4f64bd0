"""The sample data in ``data_samples/`` (see its README.md).

Examples
--------
>>> from diagnose.datasets import load_sample
>>> tasks = load_sample("tasks")          # LoadResult: .data, .problems
>>> truth = load_sample("truth")          # the planted answer (dict)
>>> truth["bottleneck_location"]
'Resource coordination -> Execution'
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["load_sample", "sample_path", "SAMPLES"]

#: sample name -> (file in data_samples/, kind)
SAMPLES: dict[str, tuple[str, str]] = {
    "tasks": ("tasks_en.csv", "activities"),
    "tasks_en": ("tasks_en.csv", "activities"),
    "tasks_zh": ("tasks_zh.xlsx", "activities"),
    "tasks_defects": ("tasks_defects.csv", "activities"),
    "survey": ("survey.csv", "survey"),
    "kpis": ("kpis.csv", "kpis"),
    "benchmarks": ("benchmarks.yaml", "benchmarks"),
    "settings": ("settings.yaml", "settings"),
    "settings_zh": ("settings_zh.yaml", "settings"),
    "truth": ("truth.json", "json"),
    "diagnosis": ("diagnosis.yaml", "yaml"),
}


def sample_path(name: str = "") -> Path:
    """Path of a sample file (or of the folder when ``name`` is empty).

    The folder is ``$DIAGNOSE_SAMPLES`` when set, else ``data_samples/`` next to
    the package.
    """
    root = Path(
        os.environ.get("DIAGNOSE_SAMPLES")
        or Path(__file__).resolve().parents[1] / "data_samples"
    )
    if not name:
        return root
    if name in SAMPLES:
        return root / SAMPLES[name][0]
    return root / name


def load_sample(name: str, *, raw: bool = False) -> Any:
    """Load one of the sample files.

    Parameters
    ----------
    name : str
        One of ``tasks`` (= ``tasks_en``), ``tasks_zh``, ``tasks_defects``,
        ``survey``, ``kpis``, ``benchmarks``, ``settings``, ``settings_zh``,
        ``truth``, ``diagnosis``.
    raw : bool, default=False
        Read the file with plain pandas/yaml (no header mapping, no validation).

    Returns
    -------
    LoadResult, pandas.DataFrame, Settings or dict
        Tables: the :class:`~diagnose.io.load.LoadResult` of the matching loader
        (``.data``, ``.problems``); with ``raw=True``, or when the loaders are
        not available, the file as a DataFrame. ``settings``: a
        :class:`~diagnose.config.Settings` (raw: dict). ``truth`` and
        ``diagnosis``: dict.
    """
    if name not in SAMPLES:
        known = "{" + ", ".join(repr(k) for k in SAMPLES) + "}"
        raise ValueError(
            f"The 'name' parameter of load_sample must be one of {known}. "
            f"Got {name!r} instead."
        )
    filename, kind = SAMPLES[name]
    path = sample_path(name)
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: sample file not found. Regenerate it with "
            f"'diagnose samples --out {path.parent} --seed 7'."
        )
    if kind == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if kind in ("yaml", "settings", "benchmarks") and (raw or kind == "yaml"):
        import yaml

        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return pd.DataFrame(data) if kind == "benchmarks" else data
    if kind == "settings":
        from diagnose.config import load_settings

        return load_settings(path)
    if not raw:
        try:
            from diagnose.io import load as loaders
        except ImportError:
            loaders = None
        if loaders is not None:
            fn = getattr(loaders, f"load_{kind}", None)
            if fn is not None:
                return fn(path)
    if kind == "benchmarks":
        import yaml

        return pd.DataFrame(yaml.safe_load(path.read_text(encoding="utf-8")))
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=0, dtype=str)
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
