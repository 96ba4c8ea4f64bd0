"""Charts of a pilot comparison. Each function returns a matplotlib Axes.

Every text of a chart (title, axis labels, legend, the effect rows of
:func:`plot_effects`) is in one language, ``language="en"`` or ``"zh"``, in
words with units, never a column name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose.plots._style import (
    PALETTE,
    check_language,
    error_bars,
    new_axes,
    plain_log_ticks,
)

__all__ = [
    "plot_before_after",
    "plot_did",
    "plot_pretrend",
    "plot_effects",
    "effect_label",
]

_LABELS = {
    "en": {
        "before": "before",
        "after": "after",
        "pilot": "pilot",
        "control": "control",
        "month": "Month",
        "effect": "Estimated change (95% CI)",
        "target": "target",
        "pretrend": "Before the switch: monthly means with linear fits",
        "cycle": "Cycle time (working days)",
        "cycle_log": "Cycle time (working days, log scale)",
        "mean_cycle": "Monthly mean cycle time (working days)",
        "mean_log_cycle": "Monthly mean of log cycle time",
        "mean_of": "Monthly mean of {y}",
    },
    "zh": {
        "before": "试点前",
        "after": "试点后",
        "pilot": "试点组",
        "control": "对照组",
        "month": "月份",
        "effect": "估计变化（95% 置信区间）",
        "target": "目标",
        "pretrend": "切换前：每月均值与线性拟合",
        "cycle": "周期（工作日）",
        "cycle_log": "周期（工作日，对数刻度）",
        "mean_cycle": "每月平均周期（工作日）",
        "mean_log_cycle": "每月对数周期均值",
        "mean_of": "{y} 每月均值",
    },
}


# effect rows: metric, comparison (method) and group in words -> (en, zh)
_METRICS = {
    "cycle_time": ("Cycle time", "周期"),
    "overdue_rate": ("Overdue rate", "逾期率"),
    "satisfaction": ("Satisfaction", "满意度"),
}
_METHODS = {
    "before/after": ("before/after", "前后对比"),
    "paired before/after": ("paired before/after", "配对前后对比"),
    "survival": ("before/after, Kaplan–Meier", "前后对比（Kaplan–Meier）"),
    "DiD": ("DiD", "双重差分"),
}
_GROUPS = {
    "pilot": ("pilot teams", "试点团队"),
    "control": ("control teams", "对照团队"),
    "overall": ("all questions", "全部题目"),
    "pilot vs control": ("pilot vs control", "试点组对比对照组"),
}
_UNITS = {
    "%": ("%", "%"),
    "pp": ("percentage points", "个百分点"),
    "days": ("working days", "个工作日"),
    "points": ("points", "分"),
}


def _word(table: dict, key, language: str) -> str:
    """``key`` in words from ``table``; unknown keys (data values) unchanged."""
    if key in table:
        return table[key][language == "zh"]
    return "" if key is None or (not isinstance(key, str) and pd.isna(key)) else key


def effect_label(row, unit: str = "", language: str = "en") -> str:
    """Readable name of one effect row: metric, method and group, then the unit.

    ``{"metric": "cycle_time", "comparison": "DiD", "group": "pilot vs
    control"}`` with ``unit="%"`` -> ``"Cycle time · DiD · pilot vs control
    (%)"`` / ``"周期 · 双重差分 · 试点组对比对照组（%）"``. Metrics, methods and
    groups the package does not know (survey dimensions) are shown as written.
    """
    zh = language == "zh"
    parts = [
        _word(_METRICS, row.get("metric"), language),
        _word(_METHODS, row.get("comparison"), language),
        _word(_GROUPS, row.get("group"), language),
    ]
    text = " · ".join(str(p) for p in parts if str(p))
    if unit:
        u = _word(_UNITS, unit, language)
        text += f"（{u}）" if zh else f" ({u})"
    return text


def plot_before_after(
    data: pd.DataFrame,
    *,
    y: str = "duration",
    period: str = "period",
    group: str | None = "group",
    log: bool = True,
    ax=None,
    language: str = "en",
):
    """Box plot with points of ``y`` per period (and group).

    Parameters
    ----------
    data : pandas.DataFrame
        The ``cases`` table of a pilot result (one row per case).
    y, period, group : str
        Columns of the value, the period (``before``/``after``) and the group
        (``pilot``/``control``; None for one group).
    log : bool, default=True
        Log-scale y axis, labelled with plain numbers.
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the axis label and the box names.

    Returns
    -------
    matplotlib Axes
    """
    lab = _LABELS[check_language(language, "plot_before_after")]
    ax = new_axes(ax)
    groups = (
        [None]
        if group is None
        else [g for g in ("pilot", "control") if g in set(data[group])]
    )
    pos, ticks, labels = 0, [], []
    for gi, g in enumerate(groups):
        sub = data if g is None else data[data[group] == g]
        for per in ("before", "after"):
            vals = sub.loc[sub[period] == per, y].dropna().to_numpy(float)
            if vals.size:
                ax.boxplot(
                    vals,
                    positions=[pos],
                    widths=0.6,
                    showfliers=False,
                    patch_artist=True,
                    boxprops={"facecolor": PALETTE[gi], "alpha": 0.3},
                )
                jitter = np.random.default_rng(0).uniform(-0.15, 0.15, vals.size)
                ax.scatter(pos + jitter, vals, s=8, color=PALETTE[gi], alpha=0.6)
            ticks.append(pos)
            labels.append(lab[per] if g is None else f"{lab[g]}\n{lab[per]}")
            pos += 1
        pos += 0.5
    ax.set_xticks(ticks, labels)
    if log:
        ax.set_yscale("log")
        plain_log_ticks(ax.yaxis)
    if y == "duration":
        ax.set_ylabel(lab["cycle_log" if log else "cycle"])
    else:
        ax.set_ylabel(y)
    return ax


def plot_did(
    data: pd.DataFrame,
    *,
    y: str = "duration",
    time: str = "start",
    group: str = "group",
    switch=None,
    log: bool = True,
    ax=None,
    language: str = "en",
):
    """Monthly mean of ``y`` (of ``log(y)`` when ``log``) for pilot vs control.

    Parameters
    ----------
    data : pandas.DataFrame
        The ``cases`` table of a pilot result.
    y, time, group : str
        Columns of the value, of the date that sets the month, of the group.
    switch : date-like, default=None
        Drawn as a dashed vertical line.
    log : bool, default=True
        Average ``log(y)`` (the scale of the DiD regression).
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the axis labels and legend.

    Returns
    -------
    matplotlib Axes
    """
    lab = _LABELS[check_language(language, "plot_did")]
    ax = new_axes(ax)
    d = data.dropna(subset=[y, group])
    vals = np.log(d[y].astype(float)) if log else d[y].astype(float)
    month = pd.to_datetime(d[time]).dt.to_period("M").dt.to_timestamp()
    m = (
        pd.DataFrame({"month": month, "g": d[group], "v": vals})
        .groupby(["g", "month"])["v"]
        .mean()
    )
    for i, g in enumerate(("pilot", "control")):
        if g in m.index.get_level_values(0):
            s = m.loc[g]
            ax.plot(s.index, s.to_numpy(), marker="o", color=PALETTE[i], label=lab[g])
    if switch is not None:
        ax.axvline(pd.Timestamp(switch), color="grey", ls="--", lw=1)
    ax.set_xlabel(lab["month"])
    if y == "duration":
        ax.set_ylabel(lab["mean_log_cycle" if log else "mean_cycle"])
    else:
        ax.set_ylabel(lab["mean_of"].format(y=f"log({y})" if log else y))
    ax.legend()
    return ax


def plot_pretrend(result, *, ax=None, language: str | None = None):
    """Monthly means before the switch (from a PretrendResult) with linear fits.

    Parameters
    ----------
    result : PretrendResult
        :func:`diagnose.compare.did.pretrend`.
    ax : matplotlib Axes, default=None
    language : {"en", "zh"} or None, default=None
        Language of the title, axis labels and legend; None: the result's.
        The estimate itself is told in words by ``result.summary()``.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_language(
        result.language if language is None else language, "plot_pretrend"
    )
    lab = _LABELS[lang]
    ax = new_axes(ax)
    s = result.series
    for i, g in enumerate(("pilot", "control")):
        sub = s[s["group"] == g]
        if sub.empty:
            continue
        ax.plot(sub["month"], sub["mean"], marker="o", color=PALETTE[i], label=lab[g])
        x = np.arange(len(sub), dtype=float)
        if len(sub) >= 2:
            coef = np.polyfit(x, sub["mean"].to_numpy(float), 1, w=np.sqrt(sub["n"]))
            ax.plot(sub["month"], np.polyval(coef, x), color=PALETTE[i], ls=":", lw=1)
    ax.set_title(lab["pretrend"])
    if result.outcome == "log(duration)":
        ax.set_ylabel(lab["mean_log_cycle"])
    elif result.outcome == "duration":
        ax.set_ylabel(lab["mean_cycle"])
    else:
        ax.set_ylabel(lab["mean_of"].format(y=result.outcome))
    ax.set_xlabel(lab["month"])
    ax.legend()
    return ax


def plot_effects(
    effects: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    *,
    scale: str = "pct",
    ax=None,
    language: str = "en",
):
    """Forest plot of effects with CIs and the targets as red ticks.

    Parameters
    ----------
    effects : pandas.DataFrame
        The ``effects`` table of a pilot result (one row per effect).
    targets : pandas.DataFrame, default=None
        The judged targets; each primary row's target is a red tick.
    scale : {"pct", "raw"}, default="pct"
        ``"pct"`` uses ``pct_change`` where available, else ``estimate``
        (satisfaction rows stay in points, rates in percentage points).
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the row labels (metric, method and group in words with
        the unit, see :func:`effect_label`), axis label and legend.

    Returns
    -------
    matplotlib Axes
    """
    lang = check_language(language, "plot_effects")
    lab = _LABELS[lang]
    ax = new_axes(ax, figsize=(7, 0.5 * max(len(effects), 3) + 1))
    rows = effects.reset_index(drop=True)
    names, ys = [], []
    for i, r in rows.iterrows():
        use_pct = scale == "pct" and pd.notna(r.get("pct_change"))
        est, lo, hi = (
            (r["pct_change"], r["pct_ci_low"], r["pct_ci_high"])
            if use_pct
            else (r["estimate"], r["ci_low"], r["ci_high"])
        )
        mult = 100 if (not use_pct and r.get("statistic") == "proportion") else 1
        y = len(rows) - 1 - i
        ax.errorbar(
            [est * mult],
            [y],
            xerr=error_bars([est], [lo], [hi]) * mult,
            fmt="o",
            color=PALETTE[0] if r.get("primary") else PALETTE[7],
            capsize=3,
        )
        if use_pct:
            unit = "%"
        elif mult == 100:
            unit = "pp"
        else:
            unit = {"cycle_time": "days", "satisfaction": "points"}.get(
                r.get("metric"), ""
            )
        names.append(effect_label(r, unit, lang))
        ys.append(y)
        if targets is not None and not targets.empty:
            t = targets[targets["metric"] == r["metric"]]
            if not t.empty and r.get("primary"):
                t = t.iloc[0]
                if (t["quantity"] == "pct_change") == use_pct and t[
                    "quantity"
                ] != "level":
                    thr = t["threshold"] * (100 if mult == 100 else 1)
                    ax.plot(
                        [thr, thr],
                        [y - 0.35, y + 0.35],
                        color="#D55E00",
                        lw=2,
                        label=lab["target"],
                    )
    ax.axvline(0, color="grey", lw=1)
    ax.set_yticks(ys, names)
    ax.set_xlabel(lab["effect"])
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles[:1], labels[:1], loc="best")
    return ax
