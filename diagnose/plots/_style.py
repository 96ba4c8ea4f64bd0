"""One look for every chart, and a font that can draw Chinese.

:func:`use_style` is called by every plotting function. It selects the first
installed CJK-capable font (Noto Sans CJK, Source Han Sans, WenQuanYi, ...) so
Chinese labels never render as tofu boxes, and keeps DejaVu Sans as fallback
for Latin glyphs.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

__all__ = [
    "use_style",
    "cjk_font",
    "PALETTE",
    "new_axes",
    "plain_log_ticks",
    "check_language",
    "percentile_name",
    "error_bars",
    "empty_axes",
]

#: Colour-blind safe palette (seaborn "colorblind"), first colour = highlight.
PALETTE = [
    "#0173B2",
    "#DE8F05",
    "#029E73",
    "#D55E00",
    "#CC78BC",
    "#CA9161",
    "#FBAFE4",
    "#949494",
    "#ECE133",
    "#56B4E9",
]

_CJK_CANDIDATES = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "AR PL UMing CN",
    "Droid Sans Fallback",
]


def _find_cjk() -> str | None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_CANDIDATES:
        if name in installed:
            return name
    # a font not in our list may still cover CJK
    for entry in font_manager.fontManager.ttflist:
        if any(key in entry.name for key in ("CJK", "Hei", "Song", "Ming", "Han")):
            return entry.name
    return None


def _add_new_system_fonts() -> None:
    """Add fonts installed since matplotlib wrote its font cache.

    The fonts go into matplotlib's own manager object: the Agg backend and
    ``Text`` hold a reference to it from import time, so replacing
    ``font_manager.fontManager`` with a fresh one would find the font here
    and still draw boxes. The refreshed list is written back to matplotlib's
    cache so the next process starts with it.
    """
    manager = font_manager.fontManager
    known = {entry.fname for entry in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path in known:
            continue
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # unreadable font file
            continue
    cache = Path(
        mpl.get_cachedir(), f"fontlist-v{font_manager.FontManager.__version__}.json"
    )
    try:
        font_manager.json_dump(manager, cache)
    except OSError:  # read-only cache folder: found again next time
        pass


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed font that covers Chinese, or None (with a warning).

    Matplotlib caches its font list; a font installed after the cache was
    written (``make font`` on an existing venv) is missed, so when no CJK font
    is found the system's fonts are scanned once more before giving up.
    """
    found = _find_cjk()
    if found is None:
        _add_new_system_fonts()
        found = _find_cjk()
    if found is not None:
        return found
    warnings.warn(
        "No CJK font found: Chinese labels will show as boxes. Install one "
        "(Debian: apt-get install fonts-noto-cjk; `make font` does it).",
        stacklevel=2,
    )
    return None


def use_style() -> None:
    """Apply the diagnose chart style (idempotent; cheap to call)."""
    font = cjk_font()
    sans = ([font] if font else []) + ["DejaVu Sans", "Arial", "sans-serif"]
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": sans,
            "axes.unicode_minus": False,  # CJK fonts often lack U+2212
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.labelsize": 10,
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "savefig.bbox": "tight",
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
        }
    )


def new_axes(ax=None, *, figsize=(7, 4)):
    """Return ``ax`` or a fresh Axes in the diagnose style."""
    use_style()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def plain_log_ticks(axis) -> None:
    """Label a log-scale axis with plain numbers: 0.1, 1, 10, 100.

    Matplotlib's default log labels are TeX-like (``10^{1}``, ``2×10^{0}``):
    harder to read for durations in days, and rendering them starts the
    mathtext parser (about 0.3 s, paid by every report kernel). Minor ticks
    keep matplotlib's choice of which ones get a label.
    """
    from matplotlib.ticker import FuncFormatter, LogFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(LogFormatter(labelOnlyBase=False))


LANGUAGES = ("en", "zh")


def check_language(language, func: str) -> str:
    """``language`` when it is ``"en"`` or ``"zh"``, else a ValueError naming it."""
    if language not in LANGUAGES:
        raise ValueError(
            f"The 'language' parameter of {func} must be one of {{'en', 'zh'}}. "
            f"Got {language!r} instead."
        )
    return language


def percentile_name(q: float, language: str = "en") -> str:
    """``0.5`` -> "median" / "中位数"; ``0.85`` -> "85th percentile" / "第 85 百分位".

    Used in chart legends instead of the ``p85`` shorthand.
    """
    pct = q * 100
    p = f"{pct:g}" if pct != round(pct) else str(round(pct))
    if p == "50":
        return "中位数" if language == "zh" else "median"
    if language == "zh":
        return f"第 {p} 百分位"
    last2 = p[-2:] if len(p) > 1 else p
    suffix = "th"
    if not last2.startswith("1") or len(last2) == 1:
        suffix = {"1": "st", "2": "nd", "3": "rd"}.get(p[-1], "th")
    if "." in p:
        suffix = "th"
    return f"{p}{suffix} percentile"


def error_bars(estimate, low, high):
    """Error-bar lengths (2 x n array: below, above) from an interval.

    Matplotlib refuses negative lengths, and an interval computed in floating
    point can sit a hair past its own estimate (a Wilson bound of 5.6e-17 for
    0 of 3, 1 - 1.1e-16 for 3 of 3): lengths are clipped at 0, and a missing
    bound draws no bar (0) instead of NaN.
    """
    import numpy as np

    est = np.asarray(estimate, dtype=float)
    err = np.vstack(
        [est - np.asarray(low, dtype=float), np.asarray(high, dtype=float) - est]
    )
    return np.clip(np.nan_to_num(err, nan=0.0, posinf=0.0, neginf=0.0), 0, None)


_EMPTY = {
    "en": "Nothing to draw: {what}",
    "zh": "无可绘制的数据：{what}",
}
#: the default ``what`` of :func:`empty_axes`
_NO_ROWS = {
    "en": "the table has no rows for this chart.",
    "zh": "该图所需的表格没有数据。",
}


def empty_axes(
    ax, what: str | None = None, *, language: str = "en", title: str | None = None
):
    """An Axes that says in its middle why there is nothing to draw.

    Used by the plotting functions when their table has no rows, so a report
    shows a labelled empty chart instead of failing. ``what`` defaults to
    "the table has no rows for this chart." (该图所需的表格没有数据。).
    """
    if what is None:
        what = _NO_ROWS["zh" if language == "zh" else "en"]
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.text(
        0.5,
        0.5,
        _EMPTY["zh" if language == "zh" else "en"].format(what=what),
        ha="center",
        va="center",
        wrap=True,
        transform=ax.transAxes,
        color="#444444",
    )
    if title is not None:
        ax.set_title(title)
    return ax
