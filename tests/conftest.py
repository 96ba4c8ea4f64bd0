"""Shared fixtures: seeded rng, figure clean-up, the public data folder."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import numpy as np
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
