"""Shared fixtures: seeded rng, figure clean-up, the public data folder."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data_samples"
PUBLIC = Path(
    os.environ.get("DIAGNOSE_PUBLIC_DATA", ROOT.parent / "shared" / "data" / "public")
)


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def public_data() -> Path:
    """The real public logs in ../shared/data/public; skip when absent."""
    if not PUBLIC.is_dir():
        pytest.skip(f"public data folder not found: {PUBLIC}")
    return PUBLIC


@pytest.fixture
def six() -> pd.DataFrame:
    """Two campaigns, six tasks with Chinese stage and person names; B's
    last task is open. Hand-computed expectations in the metric tests use it."""
    return pd.DataFrame(
        {
            "case_id": ["A", "A", "A", "B", "B", "B"],
            "activity": [
                "需求调研",
                "方案策划",
                "跨部门评审",
                "需求调研",
                "方案策划",
                "需求调研",
            ],
            "start": pd.to_datetime(
                [
                    "2024-09-23",
                    "2024-09-27",
                    "2024-10-08",
                    "2024-10-14",
                    "2024-10-18",
                    "2024-10-21",
                ]
            ),
            "end": pd.to_datetime(
                [
                    "2024-09-26",
                    "2024-10-09",
                    "2024-10-12",
                    "2024-10-16",
                    "2024-10-21",
                    None,
                ]
            ),
            "due": pd.to_datetime(
                [
                    "2024-09-26",
                    "2024-10-08",
                    "2024-10-14",
                    "2024-10-17",
                    "2024-10-20",
                    "2024-10-24",
                ]
            ),
            "owner": ["张三", "张三", "李四", "王五", "王五", "王五"],
            "department": ["市场", "市场", "设计", "市场", "市场", "市场"],
            "team": ["T1", "T1", "T1", "T2", "T2", "T2"],
            "priority": ["P1", "P1", "P0", "P2", "P2", "P2"],
        }
    )
