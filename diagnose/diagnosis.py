"""One call for the whole diagnosis: headline metrics, bottlenecks and evidence.

:func:`diagnose` runs every diagnosis metric on the activity table (plus the
survey, KPIs and benchmarks when given) and returns a :class:`DiagnosisResult`
whose :meth:`~DiagnosisResult.to_frame` is the process status analysis table
(流程现状分析表) and whose :meth:`~DiagnosisResult.summary` says in a few lines
where the process is stuck.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from diagnose import stats
from diagnose._format import as_count
from diagnose.config import Settings, load_settings
from diagnose.exceptions import PROBLEM_COLUMNS
from diagnose.metrics._common import (
    check_as_of,
    check_choice,
    resolve_calendar,
    sharing,
)
from diagnose.metrics.benchmarks import format_value, metric_label

__all__ = ["DiagnosisResult", "diagnose", "latest_timestamp"]


def latest_timestamp(activities) -> pd.Timestamp:
    """The latest start or end in the table (the default ``as_of`` of the CLI)."""
    from diagnose.io.load import as_activities

    acts = as_activities(activities)
    cols = [c for c in ("start", "end") if c in acts.columns]
    values = pd.concat([pd.to_datetime(acts[c]) for c in cols])
    ts = values.max()
    if pd.isna(ts):
        raise ValueError(
            "The activity table has no start or end dates to take as_of from."
        )
    return pd.Timestamp(ts)


def file_note(
    table: str,
    source,
    *,
    problem: str,
    fix: str,
    column: str | None = None,
    value: str | None = "",
    kept: bool = False,
) -> pd.DataFrame:
    """One data-quality row about a whole input file (no row number): the
    columns of ``result.data_quality``, the file named by its name (from a
    :class:`~diagnose.io.load.LoadResult` ``source``; None for a DataFrame)."""
    from diagnose.io.load import LoadResult

    file = None
    if isinstance(source, LoadResult) and len(source.sources):
        file = Path(str(source.sources["file"].iloc[0])).name
    elif isinstance(source, (str, Path)):
        file = Path(source).name
    return pd.DataFrame(
        {
            "file": [file],
            "row": pd.array([pd.NA], dtype="Int64"),
            "column": [column],
            "value": [value],
            "problem": [problem],
            "fix": [fix],
            "kept": [kept],
            "table": [table],
        }
    )


def _empty_input(table: str, x) -> pd.DataFrame:
    """A data-quality row for an input given without a single data row (a
    header only): nothing was set aside, yet nothing can be shown for it."""
    return file_note(
        table,
        x,
        problem="the file has no data rows",
        fix=f"add the {table} rows below the header, or leave {table} out",
    )


def lacks_due_dates(acts) -> bool:
    """True when the activity table has rows but not one due date (no due
    column, or an empty one): overdue rates cannot be measured."""
    return (
        isinstance(acts, pd.DataFrame)
        and len(acts) > 0
        and not ("due" in acts.columns and bool(acts["due"].notna().any()))
    )


def no_due_note(acts: pd.DataFrame, source, language: str = "en") -> pd.DataFrame:
    """The whole-file note of an activity table without due dates (empty
    when it has some), in ``language``."""
    if not lacks_due_dates(acts):
        return pd.DataFrame()
    problem, fix = (
        ("没有截止日期：无法计算逾期率", "添加截止日期列（截止时间/due）")
        if language == "zh"
        else (
            "no due dates: overdue rates cannot be measured",
            "add a due column (截止时间/due)",
        )
    )
    return file_note(
        "activities",
        source,
        problem=problem,
        fix=fix,
        column="due",
        value=None,
        kept=True,
    )


def _after_as_of(
    acts: pd.DataFrame, as_of: pd.Timestamp, source, language: str = "en"
) -> pd.DataFrame:
    """A data-quality row when some activities start after ``as_of``: they are
    in the table but no metric counts them (nothing had started yet), which a
    reader of the report should know (an ``as_of`` inside the data's period)."""
    if "start" not in acts or not len(acts):
        return pd.DataFrame()
    start = pd.to_datetime(acts["start"])
    late = int((start > as_of).sum())
    if not late:
        return pd.DataFrame()
    first = start.min()
    if language == "zh":
        problem = (
            f"{as_count(len(acts))} 项活动中有 {as_count(late)} 项在 as_of 之后才开始，"
            "任何指标都不计入"
            + ("（截至 as_of 尚无活动开始）" if late == len(acts) else "")
        )
        fix = (
            "将 as_of 设为要诊断的期间的结束日，或不填（取最新的时间戳；"
            f"最早的开始日期为 {first:%Y-%m-%d}）"
        )
    else:
        problem = (
            f"{as_count(late)} of {as_count(len(acts))} activities start after "
            "as_of, so no metric counts them"
            + (" (nothing had started by as_of)" if late == len(acts) else "")
        )
        fix = (
            "set as_of to the end of the period to diagnose, or leave it out to "
            f"use the latest timestamp (the first start is {first:%Y-%m-%d})"
        )
    return file_note(
        "activities",
        source,
        problem=problem,
        fix=fix,
        column="start",
        value=f"as_of {as_of:%Y-%m-%d %H:%M}",
        kept=True,
    )


def _frame_of(x):
    from diagnose.io.load import LoadResult

    if x is None:
        return None, None
    if isinstance(x, LoadResult):
        return x.data, x.problems
    return x, None


def _records(frame: pd.DataFrame | None):
    if frame is None:
        return None
    return json.loads(
        frame.to_json(orient="records", date_format="iso", force_ascii=False)
    )


@dataclass(frozen=True)
class DiagnosisResult:
    """Everything :func:`diagnose` found.

    Attributes
    ----------
    headline : DataFrame
        :func:`diagnose.metrics.benchmarks.headline_metrics` (plus KPI and
        survey rows when given): ``metric, value, ci_low, ci_high, n, unit, method``.
    bottlenecks : DataFrame
        :func:`diagnose.bottlenecks.bottlenecks`, ranked.
    stages : DataFrame
        :func:`diagnose.metrics.flow.stage_summary`.
    handoffs : DataFrame
        :func:`diagnose.metrics.rework.handoffs` (department matrix, long form)
        joined with the late rates of :func:`diagnose.metrics.sla.handoff_response`.
    overdue : DataFrame
        :func:`diagnose.metrics.overdue.overdue_rate` by activity.
    sla : DataFrame
        :func:`diagnose.metrics.sla.sla_summary` by activity.
    workload : DataFrame
        :func:`diagnose.metrics.workload.overload_summary` per person.
    rework : DataFrame
        :func:`diagnose.metrics.rework.rework` per stage.
    benchmarks : DataFrame or None
        :func:`diagnose.metrics.benchmarks.compare_to_benchmarks`.
    survey : DataFrame or None
        :func:`diagnose.survey.dimension_scores` plus each dimension's
        reliability from :func:`diagnose.survey.reliability` (``alpha``,
        ``alpha_ci_low``, ``alpha_ci_high``, ``reliable``) and, when dropping
        an item would raise alpha by more than 0.01
        (:func:`diagnose.survey.item_statistics`), that item
        (``item_to_check``, the largest such gain) and ``alpha_without`` it.
    data_quality : DataFrame
        The ``problems`` frames of the LoadResults passed in, concatenated,
        with a ``table`` column (activities/survey/kpis/benchmarks), plus one
        row for each survey, KPI or benchmark input given without a data row.
    as_of : Timestamp
    settings : Settings
    language : str
    overload_delay : DataFrame or None
        :func:`diagnose.metrics.workload.overload_delay`: do tasks started
        while their owner was over the limit finish slower or late?
    transitions : DataFrame or None
        :func:`diagnose.metrics.flow.transitions`: the waits between
        consecutive stages per (from, to) pair (the process map's edges).
    cases : DataFrame or None
        :func:`diagnose.metrics.flow.case_durations`: one row per case (span,
        cycle time, flow efficiency, team and department), on the same
        calendar and final stages as the other tables; the report's
        cycle-time chart draws it. Not in :meth:`to_dict` (one row per case).
    """

    headline: pd.DataFrame
    bottlenecks: pd.DataFrame
    stages: pd.DataFrame
    handoffs: pd.DataFrame
    overdue: pd.DataFrame
    sla: pd.DataFrame
    workload: pd.DataFrame
    rework: pd.DataFrame
    benchmarks: pd.DataFrame | None
    survey: pd.DataFrame | None
    data_quality: pd.DataFrame
    as_of: pd.Timestamp
    settings: Settings = field(default_factory=Settings)
    language: str = "en"
    overload_delay: pd.DataFrame | None = None
    transitions: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """The process status analysis table (the bottleneck ranking)."""
        return self.bottlenecks

    # -------------------------------------------------------------- text
    def summary_lines(self) -> list[str]:
        zh = self.language == "zh"
        lines = []
        tab = self.bottlenecks
        flagged = tab[tab["impact"].isin(["high", "medium"])].head(3)
        high = tab[tab["impact"] == "high"]
        if high.empty:
            lines.append(
                "没有发现高影响的瓶颈：各环节的超时都在噪声范围内。"
                if zh
                else "No high-impact bottleneck: no location is systematically over "
                "its time limit."
            )
        for r in flagged.itertuples(index=False):
            imp = (
                {"high": "高", "medium": "中", "low": "低"}[r.impact]
                if zh
                else r.impact
            )
            lines.append(
                f"{r.priority}. {r.location}（影响{imp}，"
                f"占超时总量{r.score:.0%}）：{r.problem}"
                if zh
                else f"{r.priority}. {r.location} ({imp} impact, "
                f"{r.score:.0%} of time lost beyond limits): {r.problem}"
            )
        if self.benchmarks is not None and len(self.benchmarks):
            cmp = self.benchmarks.dropna(subset=["value"])
            cmp = cmp.sort_values(
                ["beyond_noise", "worse"], ascending=False, kind="stable"
            )
            for r in cmp.head(2).itertuples(index=False):
                verdict = (
                    ("差于" if r.worse else "优于")
                    if zh
                    else ("worse than" if r.worse else "better than")
                )
                noise = (
                    ""
                    if r.beyond_noise
                    else ("（差距在误差范围内）" if zh else " (within the noise)")
                )
                lang = "zh" if zh else "en"
                name = metric_label(r.metric, lang)
                value = format_value(r.value, r.unit, lang)
                bench = format_value(r.benchmark, r.unit, lang)
                lines.append(
                    f"{name}：{value}，{verdict}基准 {bench}{noise}。"
                    if zh
                    else f"{name}: {value}, {verdict} the benchmark {bench}{noise}."
                )
        elif len(self.headline):
            ct = self.headline.set_index("metric")
            if "cycle_time_days" in ct.index and pd.notna(
                ct.loc["cycle_time_days", "value"]
            ):
                r = ct.loc["cycle_time_days"]
                lines.append(
                    f"中位周期 {r['value']:.1f} 个工作日（95% CI {r['ci_low']:.1f}–"
                    f"{r['ci_high']:.1f}）。"
                    if zh
                    else f"Median cycle time {r['value']:.1f} working days (95 % CI "
                    f"{r['ci_low']:.1f}-{r['ci_high']:.1f})."
                )
        return lines[:6]

    def summary(self) -> str:
        """3-6 plain-language lines: the top bottlenecks and the headline vs
        benchmark."""
        head = (
            f"诊断（截至 {self.as_of:%Y-%m-%d %H:%M}）"
            if self.language == "zh"
            else f"Diagnosis as of {self.as_of:%Y-%m-%d %H:%M}"
        )
        return "\n".join([head, *self.summary_lines()])

    def _repr_html_(self) -> str:
        parts = [f"<h4>{html.escape(self.summary().splitlines()[0])}</h4><ul>"]
        parts += [f"<li>{html.escape(s)}</li>" for s in self.summary_lines()]
        parts.append("</ul>")
        cols = [
            "priority",
            "location",
            "kind",
            "owner",
            "median_days",
            "sla_breach_rate",
            "score",
            "impact",
            "problem",
        ]
        parts.append(self.bottlenecks[cols].round(3).to_html(index=False, escape=True))
        parts.append(
            self.headline.drop(columns="method")
            .round(3)
            .to_html(index=False, escape=True)
        )
        if self.benchmarks is not None:
            parts.append(
                self.benchmarks.drop(columns=["source"])
                .round(3)
                .to_html(index=False, escape=True)
            )
        if len(self.data_quality):
            parts.append(
                f"<p>{len(self.data_quality)} data-quality notes "
                "(see <code>.data_quality</code>).</p>"
            )
        return "\n".join(parts)

    def to_dict(self) -> dict:
        """JSON-ready dict (dates ISO strings, NaN as null)."""
        out = {
            "as_of": self.as_of.isoformat(),
            "language": self.language,
            "summary": self.summary_lines(),
            "settings": json.loads(json.dumps(asdict(self.settings), default=str)),
        }
        for name in (
            "headline",
            "bottlenecks",
            "stages",
            "handoffs",
            "overdue",
            "sla",
            "workload",
            "rework",
            "benchmarks",
            "survey",
            "data_quality",
            "overload_delay",
            "transitions",
        ):
            out[name] = _records(getattr(self, name))
        out["scoring_rule"] = self.bottlenecks.attrs.get("scoring_rule")
        return out


def _survey_dimensions(survey, cfg) -> pd.DataFrame:
    """Dimension scores with each dimension's reliability and the item that
    holds its alpha down most (if dropping one raises alpha)."""
    from diagnose.survey import (
        dimension_scores,
        item_statistics,
        reliability,
        score_items,
    )

    scored = score_items(survey, settings=cfg)  # once, for the three tables
    dims = dimension_scores(scored, settings=cfg)
    rel = reliability(scored, settings=cfg)[
        ["dimension", "alpha", "ci_low", "ci_high", "reliable"]
    ].rename(columns={"ci_low": "alpha_ci_low", "ci_high": "alpha_ci_high"})
    items = item_statistics(scored, settings=cfg)
    worst = (
        items.loc[items["raises_alpha"]]
        .sort_values("alpha_if_dropped", ascending=False, kind="stable")
        .drop_duplicates("dimension")[["dimension", "item", "alpha_if_dropped"]]
        .rename(columns={"item": "item_to_check", "alpha_if_dropped": "alpha_without"})
    )
    return dims.merge(rel, on="dimension", how="left").merge(
        worst, on="dimension", how="left"
    )


def _extra_headline(kpis, survey, cfg) -> list[dict]:
    rows = []
    if kpis is not None and len(kpis) and {"metric", "actual"} <= set(kpis.columns):
        for metric, x in kpis.groupby("metric", sort=True)["actual"]:
            v = pd.to_numeric(x, errors="coerce").dropna().to_numpy(float)
            if v.size == 0:
                continue
            low, high = stats.mean_interval(v)
            rows.append(
                {
                    "metric": str(metric),
                    "value": float(v.mean()),
                    "ci_low": low,
                    "ci_high": high,
                    "n": int(v.size),
                    "unit": "kpi",
                    "method": "mean of KPI actuals over campaigns, Student-t CI",
                }
            )
    if survey is not None and len(survey) and cfg.dimensions:
        from diagnose.survey import score_items

        valid = score_items(survey, settings=cfg).valid
        if len(valid):
            per = valid.groupby("respondent")["score"].mean().to_numpy(float)
            low, high = stats.mean_interval(per)
            rows.append(
                {
                    "metric": "satisfaction",
                    "value": float(per.mean()),
                    "ci_low": low,
                    "ci_high": high,
                    "n": int(per.size),
                    "unit": "score",
                    "method": "mean over respondents of their mean item score "
                    "(reverse coded), Student-t CI",
                }
            )
    return rows


@sharing
def diagnose(
    activities,
    survey=None,
    kpis=None,
    benchmarks=None,
    settings=None,
    *,
    as_of,
    language="en",
    calendar=None,
) -> DiagnosisResult:
    """Diagnose a process: where it is stuck and how it compares with benchmarks.

    Parameters
    ----------
    activities : LoadResult or pandas.DataFrame
        Activity table (:func:`diagnose.io.load.load_activities`).
    survey : LoadResult or pandas.DataFrame, default=None
        Long survey frame; needs ``settings.dimensions``.
    kpis : LoadResult or pandas.DataFrame, default=None
        KPI table; the mean ``actual`` per metric joins the headline (and so
        can be compared with a benchmark of the same name).
    benchmarks : LoadResult, pandas.DataFrame, path, list or dict, default=None
    settings : Settings, dict, path or None, default=None
    as_of : str or Timestamp
        Reference date for open work (see :func:`latest_timestamp`).
    language : {"en", "zh"}, default="en"
    calendar : WorkCalendar, default=None

    Returns
    -------
    DiagnosisResult
    """
    from diagnose.bottlenecks import bottlenecks as rank
    from diagnose.io.load import as_activities
    from diagnose.metrics.benchmarks import compare_to_benchmarks, headline_metrics
    from diagnose.metrics.flow import case_durations, stage_summary, transitions
    from diagnose.metrics.overdue import overdue_rate
    from diagnose.metrics.rework import handoffs, rework
    from diagnose.metrics.sla import handoff_response, sla_summary
    from diagnose.metrics.workload import overload_delay, overload_summary

    func = "diagnose"
    check_choice(language, "language", func, ("en", "zh"))
    as_of = check_as_of(as_of, func)
    try:
        cfg = load_settings(settings)
    except TypeError as err:
        raise ValueError(
            f"The 'settings' parameter of diagnose is not usable: {err}"
        ) from err

    # one calendar for every table: the one given, else the settings' country
    # (stage and handoff tables used China's even for a US team before)
    calendar = resolve_calendar(calendar, cfg)
    quality = []
    acts_frame, p = _frame_of(activities)
    acts = as_activities(activities)
    if p is not None:
        quality.append(p.assign(table="activities"))
    survey_frame, p = _frame_of(survey)
    if p is not None:
        quality.append(p.assign(table="survey"))
    kpi_frame, p = _frame_of(kpis)
    if p is not None:
        quality.append(p.assign(table="kpis"))
    bench_frame, p = _frame_of(benchmarks)
    if p is not None:
        quality.append(p.assign(table="benchmarks"))
    quality += [
        _empty_input(name, x)
        for name, x in (("survey", survey), ("kpis", kpis), ("benchmarks", benchmarks))
        if _frame_of(x)[0] is not None and len(_frame_of(x)[0]) == 0
    ]
    quality.append(_after_as_of(acts, as_of, activities, language))
    quality.append(no_due_note(acts, activities, language))
    quality = [q for q in quality if len(q)]
    data_quality = (
        pd.concat(quality, ignore_index=True)
        if quality
        else pd.DataFrame(columns=[*PROBLEM_COLUMNS, "table"])
    )

    headline = headline_metrics(acts, as_of=as_of, settings=cfg, calendar=calendar)
    extra = _extra_headline(kpi_frame, survey_frame, cfg)
    if extra:
        headline = pd.concat(
            [headline, pd.DataFrame(extra, columns=headline.columns)], ignore_index=True
        )
    comparison = (
        compare_to_benchmarks(headline, bench_frame)
        if bench_frame is not None
        else None
    )
    table = rank(
        acts,
        survey_frame,
        settings=cfg,
        as_of=as_of,
        language=language,
        calendar=calendar,
    )
    hand = handoffs(acts, calendar=calendar, as_of=as_of)
    late = handoff_response(acts, settings=cfg, calendar=calendar, as_of=as_of)
    if len(hand) and len(late):
        hand = hand.merge(
            late[
                [
                    "from_department",
                    "to_department",
                    "n_late",
                    "late_rate",
                    "ci_low",
                    "ci_high",
                ]
            ],
            on=["from_department", "to_department"],
            how="left",
        )
    dims = None
    if survey_frame is not None and cfg.dimensions:
        dims = _survey_dimensions(survey_frame, cfg)
    return DiagnosisResult(
        headline=headline,
        bottlenecks=table,
        stages=stage_summary(
            acts, as_of=as_of, calendar=calendar, final_stages=cfg.final_stages
        ),
        transitions=transitions(acts, as_of=as_of, calendar=calendar),
        cases=case_durations(
            acts, as_of=as_of, calendar=calendar, final_stages=cfg.final_stages
        ),
        handoffs=hand,
        overdue=overdue_rate(acts, by="activity", as_of=as_of),
        sla=sla_summary(acts, settings=cfg, as_of=as_of, calendar=calendar),
        workload=overload_summary(acts, as_of=as_of, settings=cfg, calendar=calendar),
        overload_delay=overload_delay(
            acts, as_of=as_of, settings=cfg, calendar=calendar
        ),
        rework=rework(acts, as_of=as_of),
        benchmarks=comparison,
        survey=dims,
        data_quality=data_quality,
        as_of=as_of,
        settings=cfg,
        language=language,
    )
