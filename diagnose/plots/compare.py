"""Charts of a pilot comparison. Each function returns a matplotlib Axes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose.plots._style import PALETTE, new_axes, plain_log_ticks

__all__ = ["plot_before_after", "plot_did", "plot_pretrend", "plot_effects"]

_LABELS = {
    "en": {
        "before": "before",
        "after": "after",
        "pilot": "pilot",
        "control": "control",
        "month": "month",
        "effect": "effect (95% CI)",
        "target": "target",
    },
    "zh": {
        "before": "试点前",
        "after": "试点后",
        "pilot": "试点组",
        "control": "对照组",
        "month": "月份",
        "effect": "效应（95% 置信区间）",
        "target": "目标",
    },
}


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
    """Box plot with points of ``y`` per period (and group)."""
    ax = new_axes(ax)
    lab = _LABELS.get(language, _LABELS["en"])
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
    """Monthly mean of ``y`` (of ``log(y)`` when ``log``) for pilot vs control."""
    ax = new_axes(ax)
    lab = _LABELS.get(language, _LABELS["en"])
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
    ax.set_ylabel(f"mean log({y})" if log else f"mean {y}")
    ax.legend()
    return ax


def plot_pretrend(result, *, ax=None, language: str | None = None):
    """Monthly means before the switch (from a PretrendResult) with linear fits."""
    ax = new_axes(ax)
    lab = _LABELS.get(language or result.language, _LABELS["en"])
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
    ax.set_title(
        f"{result.outcome}: Δtrend {result.estimate:+.3f}/month "
        f"[{result.ci_low:+.3f}, {result.ci_high:+.3f}]"
    )
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

    ``scale="pct"`` uses ``pct_change`` where available, else ``estimate``
    (one row per effect; satisfaction rows stay in points, rates in pp).
    """
    ax = new_axes(ax, figsize=(7, 0.5 * max(len(effects), 3) + 1))
    lab = _LABELS.get(language, _LABELS["en"])
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
            xerr=[[max(est - lo, 0) * mult], [max(hi - est, 0) * mult]],
            fmt="o",
            color=PALETTE[0] if r.get("primary") else PALETTE[7],
            capsize=3,
        )
        unit = "%" if use_pct else ("pp" if mult == 100 else "")
        names.append(
            f"{r['metric']} · {r.get('comparison', '')} · {r.get('group', '')} ({unit})"
        )
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
