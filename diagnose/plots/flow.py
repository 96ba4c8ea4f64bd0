"""Flow charts drawn from the tidy tables of :mod:`diagnose.metrics`.

Each function takes the frame a metric returns, draws on ``ax`` (a new Axes
when None) and returns the Axes. Every text of a chart (title, axis labels,
legend) is in one language, ``language="en"`` (default) or ``"zh"``, in words
with units, never a column name; ``title=``/``xlabel=``/``ylabel=`` override
the defaults. Tick labels are data (stage, team, person names) and are shown
as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose._format import as_count, fill
from diagnose.plots._style import (
    PALETTE,
    check_language,
    empty_axes,
    error_bars,
    new_axes,
    percentile_name,
)

__all__ = [
    "plot_cycle_time",
    "plot_stage_breakdown",
    "plot_overdue_rate",
    "plot_cumulative_flow",
    "plot_aging_wip",
]

# key -> (English, Chinese)
_TEXT = {
    "cycle_title": ("Cycle time of finished cases", "已完成项目的周期分布"),
    "cycle_title_all": ("Cycle time of cases", "项目周期分布"),
    "cycle_x": ("Cycle time (working days)", "周期（工作日）"),
    "duration_x": ("Stage duration (working days)", "环节耗时（工作日）"),
    "days_x": ("Working days", "工作日"),
    "n_cases": ("Number of cases", "项目数（个）"),
    "n_tasks": ("Number of tasks", "任务数（项）"),
    "finished": ("finished (n = {n})", "已完成（{n} 个）"),
    "all_items": ("all (n = {n})", "全部（{n} 个）"),
    "still_open": ("; still open: {n}", "；未完成：{n} 个"),
    "quantile": ("{name}: {value:.1f} working days", "{name}：{value:.1f} 个工作日"),
    "quantile_finished": (
        "{name}, finished {what} only: {value:.1f} working days",
        "{name}（仅已完成）：{value:.1f} 个工作日",
    ),
    "stage_title": ("Stage time and wait before it", "各环节耗时与开始前等待"),
    "stage_x": ("Working days (median)", "工作日（中位数）"),
    "stage": ("Stage", "环节"),
    "wait_before": ("Wait before the stage", "开始前等待"),
    "in_stage": ("Time in the stage", "环节内耗时"),
    "all": ("all", "全部"),
    "target": ("target: {t:.0%}", "目标：{t:.0%}"),
    "per": ("{rate} per {group}", "各{group}{rate}"),
    "date": ("Date", "日期"),
    "flow_title": ("Cumulative flow", "累积流图"),
    "flow_title_by": ("Work in progress per {group}", "各{group}在办工作量"),
    "flow_y": ("Items (cumulative count)", "累计数量（项）"),
    "flow_y_by": ("Items in progress", "在办数量（项）"),
    "arrived": ("Arrived", "到达"),
    "departed": ("Finished", "完成"),
    "in_progress": ("In progress", "在办"),
    "aging_title": ("Age of the work in progress", "在办工作已耗时"),
    "aging_y": ("Age (working days)", "已耗时（工作日）"),
    "within": ("within its stage's {q}", "未超过环节{q}"),
    "beyond": ("beyond its stage's {q}", "超过环节{q}"),
    "finished_q": ("{q} of finished work", "已完成工作{q}"),
}

# rate column -> (title word, axis label) per language
_RATES = {
    "overdue_rate": (
        ("Overdue rate", "Overdue tasks (% of tasks)"),
        ("逾期率", "逾期任务占比（%）"),
    ),
    "breach_rate": (
        ("Time-limit breach rate", "Tasks over their time limit (% of tasks)"),
        ("超时率", "超时任务占比（%）"),
    ),
    "late_rate": (
        ("Late rate", "Late tasks (% of tasks)"),
        ("延误率", "延误任务占比（%）"),
    ),
}
_RATE_OTHER = (("Rate", "Rate (%)"), ("比率", "比率（%）"))

#: group columns of the metrics -> readable word (English, Chinese)
GROUP_WORDS = {
    "activity": ("stage", "环节"),
    "stage": ("stage", "环节"),
    "team": ("team", "团队"),
    "owner": ("person", "人员"),
    "department": ("department", "部门"),
    "case_id": ("case", "项目"),
    "month": ("month", "月份"),
}


def _t(key: str, language: str, **values) -> str:
    en, zh = _TEXT[key]
    return fill(zh if language == "zh" else en, **values)


def _group_word(column, language: str) -> str:
    """Readable name of a group column (``activity`` -> "stage" / "环节")."""
    if column in GROUP_WORDS:
        return GROUP_WORDS[column][language == "zh"]
    return str(column).replace("_", " ")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _need(data, func, cols):
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"The 'data' parameter of {func} must be a pandas DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"The 'data' passed to {func} lacks the column(s) {missing}. "
            f"Columns present: {list(data.columns)}."
        )


def _text_width(text: str) -> int:
    """Display width in Latin characters (a CJK character counts two)."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def plot_cycle_time(
    data,
    *,
    x="cycle_working_days",
    finished_only=True,
    quantiles=(0.5, 0.85, 0.95),
    bins=30,
    ax=None,
    language="en",
    title=None,
    xlabel=None,
):
    """Histogram of cycle times with vertical lines at the p50/p85/p95.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.case_durations` (or
        :func:`~diagnose.metrics.activity_durations` with
        ``x="duration_working_days"``).
    x : str, default="cycle_working_days"
    finished_only : bool, default=True
        Plot finished items only (those the percentiles of
        :func:`~diagnose.metrics.cycle_time` describe); open ones are then
        counted in the legend.
    quantiles : sequence of float, default=(0.5, 0.85, 0.95)
        One line each, labelled in words (``median: 4.0 working days``,
        ``85th percentile: …``; ``中位数：4.0 个工作日``). When open items are
        left out, the labels say so (``Median, finished cases only: …``,
        ``中位数（仅已完成）：…``): these percentiles of finished items differ
        from the Kaplan–Meier ones of :func:`~diagnose.metrics.cycle_time`.
    bins : int, default=30
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and legend.
    title, xlabel : str, default=None
        Override the default title / x-axis label.

    Returns
    -------
    matplotlib Axes
    """
    func = "plot_cycle_time"
    lang = check_language(language, func)
    _need(data, func, [x])
    ax = new_axes(ax)
    values = data
    n_open = 0
    if finished_only and "is_open" in data.columns:
        values = data.loc[~data["is_open"].astype(bool)]
        n_open = int(data["is_open"].sum())
    v = values[x].dropna().to_numpy(dtype=float)
    label = _t("finished" if finished_only else "all_items", lang, n=v.size)
    if n_open:
        label += _t("still_open", lang, n=n_open)
    ax.hist(v, bins=bins, color=PALETTE[0], alpha=0.75, label=label)
    styles = ["-", "--", ":"]
    tasks = x == "duration_working_days"
    # with open items left out, the lines are not the Kaplan–Meier figures of
    # cycle_time(): say whose percentiles they are
    line_key = "quantile_finished" if n_open else "quantile"
    for i, q in enumerate(quantiles):
        if v.size:
            val = float(np.quantile(v, q))
            name = percentile_name(q, lang)
            ax.axvline(
                val,
                color=PALETTE[3],
                linestyle=styles[i % 3],
                linewidth=1.5,
                label=_t(
                    line_key,
                    lang,
                    name=_capital(name),
                    value=val,
                    what="tasks" if tasks else "cases",
                ),
            )
    default_title = "cycle_title" if finished_only else "cycle_title_all"
    default_x = {"cycle_working_days": "cycle_x", "duration_working_days": "duration_x"}
    ax.set_title(title if title is not None else _t(default_title, lang))
    ax.set_xlabel(
        xlabel if xlabel is not None else _t(default_x.get(x, "days_x"), lang)
    )
    ax.set_ylabel(_t("n_tasks" if tasks else "n_cases", lang))
    ax.legend(frameon=False)
    return ax


def plot_stage_breakdown(
    data,
    *,
    duration="median_days",
    wait="median_wait_before",
    ax=None,
    language="en",
    title=None,
    xlabel=None,
):
    """Horizontal stacked bars per stage: wait before it, then its duration.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.stage_summary` (columns ``activity``,
        ``duration`` and ``wait``; a missing wait counts as 0).
    duration, wait : str
        Columns of the stage time and of the wait before it (working days).
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and legend.
    title, xlabel : str, default=None
        Override the default title / x-axis label.

    Returns
    -------
    matplotlib Axes
    """
    func = "plot_stage_breakdown"
    lang = check_language(language, func)
    _need(data, func, ["activity", duration, wait])
    ax = new_axes(ax)
    if data.empty:
        return empty_axes(
            ax,
            language=lang,
            title=title if title is not None else _t("stage_title", lang),
        )
    labels = data["activity"].astype(str).to_numpy()
    y = np.arange(len(labels))
    w = data[wait].fillna(0).to_numpy(dtype=float)
    d = data[duration].fillna(0).to_numpy(dtype=float)
    ax.barh(y, w, color=PALETTE[1], label=_t("wait_before", lang))
    ax.barh(y, d, left=w, color=PALETTE[0], label=_t("in_stage", lang))
    ax.set_yticks(y, labels)
    ax.invert_yaxis()  # process order top-down
    ax.set_title(title if title is not None else _t("stage_title", lang))
    ax.set_xlabel(xlabel if xlabel is not None else _t("stage_x", lang))
    ax.set_ylabel(_t("stage", lang))
    ax.legend(frameon=False, loc="lower right")
    return ax


_STAT_COLS = {
    "n",
    "n_overdue",
    "n_open",
    "overdue_rate",
    "ci_low",
    "ci_high",
    "n_breached",
    "breach_rate",
    "limit_days",
    "median_over_days",
    "median_days",
    "late_rate",
    "n_late",
}


def plot_overdue_rate(
    data,
    *,
    x=None,
    rate="overdue_rate",
    target=None,
    ax=None,
    language="en",
    title=None,
    ylabel=None,
    xlabel=None,
):
    """Bars of a rate per group with Wilson error bars (``ci_low``/``ci_high``).

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.overdue_rate` (or :func:`sla_summary` with
        ``rate="breach_rate"``).
    x : str, default=None
        Group column; default: the first non-statistic column (a single bar
        "all" / "全部" when there is none).
    rate : str, default="overdue_rate"
        ``overdue_rate``, ``breach_rate`` or ``late_rate`` (named in words on
        the chart; another column is called "Rate").
    target : float, default=None
        Draw a horizontal target line (e.g. 0.10 for "overdue ≤ 10 %").
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and legend ("Overdue rate per
        stage" / "各环节逾期率").
    title, ylabel, xlabel : str, default=None
        Override the defaults.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Group names longer than a few characters are rotated by 30° (anchored at
    their right end) so long stage names do not overlap.
    """
    func = "plot_overdue_rate"
    lang = check_language(language, func)
    _need(data, func, [rate, "ci_low", "ci_high"])
    ax = new_axes(ax)
    if data.empty:
        return empty_axes(ax, language=lang, title=title)
    if x is None:
        candidates = [c for c in data.columns if c not in _STAT_COLS]
        x = candidates[0] if candidates else None
    labels = (
        data[x].astype(str).to_numpy() if x is not None else np.array([_t("all", lang)])
    )
    r = data[rate].to_numpy(dtype=float)
    err = error_bars(r, data["ci_low"], data["ci_high"])
    pos = np.arange(len(labels))
    ax.bar(
        pos,
        r,
        color=PALETTE[0],
        yerr=err,
        capsize=4,
        error_kw={"ecolor": "#444444", "elinewidth": 1},
    )
    if "n" in data.columns:
        for p, v, n in zip(pos, r, data["n"].to_numpy()):
            ax.annotate(
                f"n={as_count(n)}",
                (p, 0),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color="white",
            )
    if target is not None:
        ax.axhline(
            target, color=PALETTE[3], linestyle="--", label=_t("target", lang, t=target)
        )
        ax.legend(frameon=False)
    ax.set_xticks(pos, labels)
    if max((_text_width(s) for s in labels), default=0) > 8:
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    words, axis = (_RATES.get(rate) or _RATE_OTHER)[lang == "zh"]
    if title is None:
        title = (
            words
            if x is None
            else _t("per", lang, rate=words, group=_group_word(x, lang))
        )
    ax.set_title(title)
    ax.set_ylabel(ylabel if ylabel is not None else axis)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    elif x is not None:
        ax.set_xlabel(_capital(_group_word(x, lang)))
    return ax


def plot_cumulative_flow(
    data,
    *,
    by=None,
    ax=None,
    language="en",
    title=None,
    ylabel=None,
):
    """Cumulative flow diagram from :func:`~diagnose.metrics.wip`.

    Without groups: cumulative arrivals and departures as two lines, WIP the
    shaded band between them. With a group column (``by``, or detected as the
    one non-count column besides ``date``): stacked areas of WIP per group.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.wip` (``date, arrived, departed, wip`` and
        optionally a group column).
    by : str, default=None
        Group column (e.g. ``"activity"``: one band per stage).
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and legend ("Work in progress per
        stage" / "各环节在办工作量"); group names in the legend are data.
    title, ylabel : str, default=None
        Override the defaults.

    Returns
    -------
    matplotlib Axes
    """
    func = "plot_cumulative_flow"
    lang = check_language(language, func)
    _need(data, func, ["date", "arrived", "departed", "wip"])
    ax = new_axes(ax)
    if by is None:
        extra = [
            c for c in data.columns if c not in ("date", "arrived", "departed", "wip")
        ]
        by = extra[0] if extra else None
    if data.empty:
        if title is None:
            title = (
                _t("flow_title", lang)
                if by is None
                else _t("flow_title_by", lang, group=_group_word(by, lang))
            )
        return empty_axes(ax, language=lang, title=title)
    if by is None:
        d = data.sort_values("date")
        ax.plot(d["date"], d["arrived"], color=PALETTE[0], label=_t("arrived", lang))
        ax.plot(d["date"], d["departed"], color=PALETTE[2], label=_t("departed", lang))
        ax.fill_between(
            d["date"],
            d["departed"],
            d["arrived"],
            color=PALETTE[0],
            alpha=0.2,
            label=_t("in_progress", lang),
        )
        default_title, default_y = _t("flow_title", lang), _t("flow_y", lang)
    else:
        table = data.pivot_table(
            index="date",
            columns=by,
            values="wip",
            aggfunc="sum",
            fill_value=0,
            observed=True,
        )
        ax.stackplot(
            table.index,
            table.to_numpy().T,
            labels=[str(c) for c in table.columns],
            colors=PALETTE[: table.shape[1]]
            if table.shape[1] <= len(PALETTE)
            else None,
            alpha=0.85,
        )
        default_title = _t("flow_title_by", lang, group=_group_word(by, lang))
        default_y = _t("flow_y_by", lang)
    ax.set_title(title if title is not None else default_title)
    ax.set_ylabel(ylabel if ylabel is not None else default_y)
    ax.set_xlabel(_t("date", lang))
    ax.legend(frameon=False, loc="upper left")
    ax.figure.autofmt_xdate()
    return ax


def plot_aging_wip(
    data,
    *,
    ax=None,
    language="en",
    title=None,
    ylabel=None,
):
    """Open items as dots per stage, against the stage's historical p50/p85/p95.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.aging_wip`. Items beyond their stage's p85 are
        drawn in the warning colour; short horizontal lines mark p50, p85 and
        p95 of finished work of each stage.
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and legend.
    title, ylabel : str, default=None
        Override the defaults.

    Returns
    -------
    matplotlib Axes
    """
    func = "plot_aging_wip"
    lang = check_language(language, func)
    _need(
        data,
        func,
        [
            "activity",
            "age_working_days",
            "p50_days",
            "p85_days",
            "p95_days",
            "exceeds_p85",
        ],
    )
    ax = new_axes(ax)
    stages = list(pd.unique(data["activity"].astype(str)))
    pos = {s: i for i, s in enumerate(stages)}
    xs = data["activity"].astype(str).map(pos).to_numpy(dtype=float)
    jitter = (np.arange(len(xs)) % 7 - 3) * 0.04  # deterministic spread
    late = data["exceeds_p85"].to_numpy(dtype=bool)
    age = data["age_working_days"].to_numpy(dtype=float)
    p85 = percentile_name(0.85, lang)
    ax.scatter(
        xs[~late] + jitter[~late],
        age[~late],
        color=PALETTE[0],
        zorder=3,
        label=_t("within", lang, q=p85),
    )
    ax.scatter(
        xs[late] + jitter[late],
        age[late],
        color=PALETTE[3],
        zorder=3,
        label=_t("beyond", lang, q=p85),
    )
    first = data.groupby(data["activity"].astype(str), sort=False)[
        ["p50_days", "p85_days", "p95_days"]
    ].first()
    for col, style, q in (
        ("p50_days", ":", 0.5),
        ("p85_days", "--", 0.85),
        ("p95_days", "-", 0.95),
    ):
        name = _capital(_t("finished_q", lang, q=percentile_name(q, lang)))
        labelled = False
        for stage, value in first[col].items():
            if np.isfinite(value):
                ax.hlines(
                    value,
                    pos[stage] - 0.35,
                    pos[stage] + 0.35,
                    color="#555555",
                    linestyle=style,
                    linewidth=1.2,
                    label=None if labelled else name,
                )
                labelled = True
    ax.set_xticks(range(len(stages)), stages)
    ax.set_title(title if title is not None else _t("aging_title", lang))
    ax.set_xlabel(_t("stage", lang))
    ax.set_ylabel(ylabel if ylabel is not None else _t("aging_y", lang))
    ax.legend(frameon=False)
    return ax
