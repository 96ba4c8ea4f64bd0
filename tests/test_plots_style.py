"""The chart style finds a CJK font even when it was installed after
matplotlib cached its font list (``make font`` on an existing venv)."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from diagnose.plots import _style  # noqa: E402


def _cjk_entries(manager):
    return [
        e
        for e in manager.ttflist
        if any(k in e.name for k in ("CJK", "WenQuanYi", "Hei"))
    ]


@pytest.fixture
def stale_font_cache(monkeypatch, tmp_path):
    """matplotlib's own manager with every CJK font removed, as a cache
    written before the font was installed would be; restored afterwards."""
    manager = font_manager.fontManager
    if not _cjk_entries(manager):
        pytest.skip("no CJK font installed (make font installs one)")
    saved = list(manager.ttflist)
    manager.ttflist = [e for e in saved if e not in _cjk_entries(manager)]
    manager._findfont_cached.cache_clear()
    # the refreshed list is written to the cache folder: use a scratch one
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    _style.cjk_font.cache_clear()
    yield manager
    manager.ttflist = saved
    manager._findfont_cached.cache_clear()
    _style.cjk_font.cache_clear()


def test_font_installed_after_the_cache_is_found_and_drawn(stale_font_cache):
    manager = stale_font_cache
    assert _style._find_cjk() is None  # the stale list really has no CJK font
    name = _style.cjk_font()
    assert name is not None
    # the same manager object the Agg backend holds now knows the font ...
    assert font_manager.fontManager is manager
    assert _cjk_entries(manager)
    # ... so Chinese text is drawn with it: no "Glyph missing" warning
    fig, ax = plt.subplots()
    _style.use_style()
    ax.set_title("跨部门评审 市场部")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.canvas.draw()
    plt.close(fig)
    # and the refreshed list was saved for the next process
    assert list(Path(matplotlib.get_cachedir()).glob("fontlist-v*.json"))


def test_use_style_puts_the_cjk_font_first():
    _style.cjk_font.cache_clear()
    name = _style.cjk_font()
    if name is None:
        pytest.skip("no CJK font installed")
    _style.use_style()
    assert matplotlib.rcParams["font.sans-serif"][0] == name
    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
