"""Report building blocks the notebooks call: one function per section.

The report notebooks (``notebooks/diagnosis.ipynb``, ``notebooks/pilot.ipynb``)
hold no logic: they call :func:`open_diagnosis` / :func:`open_pilot` once and
then one function per section. Everything a section shows comes from a tested
function of the package; the texts here only arrange and translate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diagnose._format import as_count, fill
from diagnose.metrics.benchmarks import METRIC_LABELS
from diagnose.report import render
from diagnose.report.configs import READ_KEYS

__all__ = [
    "DiagnosisRun",
    "PilotRun",
    "open_diagnosis",
    "open_pilot",
    "title_block",
    "diagnosis_summary",
    "pilot_summary",
    "data_quality",
    "methods",
    "provenance_block",
    "bottleneck_table",
    "headline_table",
    "stage_table",
    "handoff_table",
    "sla_table",
    "workload_table",
    "rework_table",
    "survey_table",
    "benchmark_table",
    "targets_table",
    "effects_table",
    "mde_table",
    "chart",
    "figure_caption",
    "chart_alt_text",
    "pretrend_note",
    "pretrend_heading",
    "metric_label",
    "word",
    "T",
]

# --------------------------------------------------------------------------
# Texts in both languages
# --------------------------------------------------------------------------

_TEXT = {
    "effective_n": (
        " effective n (tasks ÷ design effect)",
        "（有效样本量：任务数 ÷ 设计效应）",
    ),
    "survey_missing": (
        "No survey was given for this report. To add one, name its file under "
        "data: in the config (survey: survey.csv).",
        "本报告未提供问卷。如需加入，请在配置的 data: 下写明问卷文件"
        "（survey: survey.csv）。",
    ),
    "survey_empty": (
        "The survey file has no usable answers; see Data quality below.",
        "问卷文件中没有可用的回答，详见下方“数据质量”。",
    ),
    "benchmarks_missing": (
        "No benchmarks were given for this report. To compare with targets or "
        "industry figures, name their file under data: in the config "
        "(benchmarks: benchmarks.yaml).",
        "本报告未提供基准。如需与目标或行业数据对比，请在配置的 data: 下写明基准文件"
        "（benchmarks: benchmarks.yaml）。",
    ),
    "benchmarks_empty": (
        "The benchmarks file has no usable entries; see Data quality below.",
        "基准文件中没有可用的条目，详见下方“数据质量”。",
    ),
    "handoffs_no_department": (
        "The data has no department column, so handoffs between departments "
        "cannot be measured. To add them, give the activity file a department "
        "column (department / 部门) naming the department that did each task.",
        "数据中没有部门列，因此无法衡量跨部门交接。如需加入，请在活动文件中增加"
        "部门列（department / 部门），写明每项任务由哪个部门完成。",
    ),
    "handoffs_none": (
        "No case moved from one department to another by {as_of:%Y-%m-%d}, so "
        "there is no handoff to measure.",
        "截至 {as_of:%Y-%m-%d}，没有项目从一个部门交到另一个部门，因此没有可衡量的"
        "交接。",
    ),
    "overdue_no_due": (
        "The data has no due dates, so the overdue rate cannot be measured. To "
        "add it, give the activity file a due-date column (due / 截止日期).",
        "数据中没有截止日期，因此无法衡量逾期率。如需加入，请在活动文件中增加截止"
        "日期列（due / 截止日期）。",
    ),
    "nothing_started": (
        "No task had started by {as_of:%Y-%m-%d} (the data starts on "
        "{first:%Y-%m-%d}), so there is nothing to draw. Set as_of in the config "
        "to a date within the data.",
        "截至 {as_of:%Y-%m-%d} 尚无任务开始（数据从 {first:%Y-%m-%d} 开始），因此"
        "没有可绘制的内容。请在配置中把 as_of 设为数据范围内的日期。",
    ),
    "no_rows_chart": (
        "There is no data for this chart in this report.",
        "本报告没有该图所需的数据。",
    ),
    "dq_files_only": (
        "{n} note(s) concern a whole file rather than a row; each is listed "
        "below with the fix.",
        "{n} 条说明针对整个文件而非某一行；下表列出修正方法。",
    ),
    "dq_files": (
        " {n} note(s) concern a whole file rather than a row.",
        "另有 {n} 条说明针对整个文件而非某一行。",
    ),
    "data_period": (
        "Data: {n_rows} activities of {n_cases} cases, {first:%Y-%m-%d} to "
        "{last:%Y-%m-%d}; figures as of {as_of:%Y-%m-%d}.",
        "数据：{n_cases} 个项目的 {n_rows} 条活动记录，{first:%Y-%m-%d} 至 "
        "{last:%Y-%m-%d}；统计截至 {as_of:%Y-%m-%d}。",
    ),
    "no_high": ("No high-impact bottleneck found", "未发现高影响瓶颈"),
    "top_bottleneck": ("Fix first: {location}", "优先改进：{location}"),
    "cycle": ("Median cycle time (working days)", "中位周期（工作日）"),
    "overdue": ("Overdue rate", "逾期率"),
    "sla": ("Stage time-limit breaches", "环节超时率"),
    "rework": ("Cases with rework", "返工项目占比"),
    "dq_none": (
        "Every row of every input file was used.",
        "所有输入文件的每一行都已使用。",
    ),
    "dq_some": (
        "{n_aside} row(s) were set aside and {n_kept} kept with a blanked "
        "value; each is listed below with the reason and the fix.",
        "{n_aside} 行被剔除，{n_kept} 行保留但清空了有问题的值；"
        "下表逐行列出原因与修正方法。",
    ),
    "actions_bottleneck": (
        "Start with {location} (owner: {owner}): {problem}",
        "从「{location}」入手（负责人：{owner}）：{problem}",
    ),
    "finding": (
        "{priority}. {location} ({impact} impact, {score} of the working time "
        "lost beyond limits): {problem}",
        "{priority}. {location}（影响{impact}，占超时总量 {score}）：{problem}",
    ),
    "no_high_line": (
        "No high-impact bottleneck: no location is systematically over its time limit.",
        "没有发现高影响的瓶颈：各环节的超时都在随机波动范围内。",
    ),
    "benchmark_worse": (
        "{metric} is {value}, worse than the benchmark {benchmark} beyond the noise.",
        "{metric}为 {value}，差于基准 {benchmark}，且超出误差范围。",
    ),
    "target_effect": ("{metric} change", "{metric}变化"),
    "pilot_level": ("Decision: {decision}", "结论：{decision}"),
}

_DECISIONS_ZH = {
    "roll out": "全面推广",
    "extend the pilot": "延长试点",
    "stop": "停止试点",
}
_LEVELS = {
    "roll out": "good",
    "extend the pilot": "warning",
    "stop": "bad",
    "全面推广": "good",
    "延长试点": "warning",
    "停止试点": "bad",
}


def T(key: str, language: str = "en", **values: Any) -> str:
    """Text ``key`` in ``language`` (``en`` or ``zh``), formatted with ``values``."""
    en, zh = _TEXT[key]
    return fill(zh if language == "zh" else en, **values)  # 165,501


# --------------------------------------------------------------------------
# Diagnosis
# --------------------------------------------------------------------------


@dataclass
class DiagnosisRun:
    """What a diagnosis report works from: the config, the loaded inputs, the result."""

    config: Any
    language: str
    as_of: pd.Timestamp
    loads: dict[str, Any]
    settings: Any
    result: Any
    files: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())

    @property
    def activities(self) -> pd.DataFrame:
        return self.loads["activities"].data


def _data_files(config) -> dict[str, Path]:
    base = Path(config.path).parent
    data = config.raw.get("data") or {}
    return {
        k: (base / v).resolve()
        for k, v in data.items()
        if v and k not in READ_KEYS  # sheet, columns, ...: how to read, not files
    }


def open_diagnosis(
    config_path: str, *, language: str = "", as_of: str = ""
) -> DiagnosisRun:
    """Load a diagnosis config, its input files, and run :func:`diagnose.diagnose`.

    Parameters
    ----------
    config_path : str
        Report config (YAML): ``name, title, language, as_of, data: {activities,
        survey, kpis, benchmarks}, settings`` (paths relative to the file).
    language : {"", "en", "zh"}, default=""
        Overrides the config's language when given.
    as_of : str, default=""
        Overrides the config's ``as_of`` when given; with neither, the latest
        timestamp in the data.

    Returns
    -------
    DiagnosisRun
    """
    from diagnose.config import load_settings
    from diagnose.diagnosis import diagnose, latest_timestamp
    from diagnose.io.load import (
        load_activities,
        load_benchmarks,
        load_kpis,
        load_survey,
    )
    from diagnose.report.configs import load_report_config

    started = datetime.now().astimezone()
    cfg = load_report_config("diagnosis", config_path)
    lang = language or cfg.language or "en"
    paths = _data_files(cfg)
    settings_path = cfg.raw.get("settings")
    settings = load_settings(
        (Path(cfg.path).parent / settings_path).resolve() if settings_path else None
    )
    loaders = {
        "activities": load_activities,
        "survey": load_survey,
        "kpis": load_kpis,
        "benchmarks": load_benchmarks,
    }
    loads = {}
    for key, loader in loaders.items():
        if key in paths:
            if key == "survey":
                loads[key] = loader(paths[key], scale=settings.scale)
            elif key == "activities":  # sheet, columns, year, dayfirst of data:
                loads[key] = loader(paths[key], **cfg.activity_options)
            else:
                loads[key] = loader(paths[key])
    when = as_of or cfg.as_of
    when = pd.Timestamp(when) if when else latest_timestamp(loads["activities"].data)
    result = diagnose(
        loads["activities"],
        loads.get("survey"),
        loads.get("kpis"),
        loads.get("benchmarks"),
        settings,
        as_of=when,
        language=lang,
    )
    files = {str(paths[k]): len(v.data) for k, v in loads.items()}
    if settings_path:
        files[str((Path(cfg.path).parent / settings_path).resolve())] = "–"
    return DiagnosisRun(
        config=cfg,
        language=lang,
        as_of=when,
        loads=loads,
        settings=settings,
        result=result,
        files=files,
        parameters={
            "config_path": config_path,
            "language": lang,
            "as_of": f"{when:%Y-%m-%d}",
        },
        started_at=started,
    )


def title_block(run) -> Any:
    """Report title and the data's period (a Markdown-free HTML block)."""
    lang = run.language
    title = run.config.title or run.config.name
    acts = run.activities if isinstance(run, DiagnosisRun) else run.activities_frame
    first, last = acts["start"].min(), acts[["start", "end"]].max().max()
    period = T(
        "data_period",
        lang,
        n_rows=len(acts),
        n_cases=acts["case_id"].nunique(),
        first=first,
        last=last,
        as_of=run.as_of,
    )
    design = ""
    if isinstance(run, PilotRun):
        design = f'<p class="dg-period">{render.escape(_pilot_design(run))}</p>'
    return render.as_html(
        f'<header class="dg-title"><h1>{render.escape(title)}</h1>'
        f'<p class="dg-period">{render.escape(period)}</p>{design}</header>'
    )


def _pilot_design(run) -> str:
    """Who was compared over which periods, with the cases in each:
    "Pilot: Team A · Controls: Team B, Team C · Before: 2023-10-01 to
    2024-03-31 · After: 2024-04-01 to 2024-06-30 · Finished cases: …"."""
    cfg, lang = run.config, run.language
    zh = lang == "zh"
    sep = "，" if zh else ", "

    def span(start, end) -> str:
        if start is None or pd.isna(start):
            return f"{end:%Y-%m-%d} 及以前" if zh else f"up to {end:%Y-%m-%d}"
        return f"{start:%Y-%m-%d} {'至' if zh else 'to'} {end:%Y-%m-%d}"

    controls = sep.join(cfg.control_teams) or ("无" if zh else "none")
    parts = [
        f"试点组：{sep.join(cfg.pilot_teams)}"
        if zh
        else f"Pilot: {sep.join(cfg.pilot_teams)}",
        f"对照组：{controls}" if zh else f"Controls: {controls}",
        f"试点前：{span(cfg.baseline_start, cfg.baseline_end)}"
        if zh
        else f"Before: {span(cfg.baseline_start, cfg.baseline_end)}",
        f"试点期：{span(cfg.pilot_start, cfg.pilot_end)}"
        if zh
        else f"After: {span(cfg.pilot_start, cfg.pilot_end)}",
    ]
    cases = getattr(run.result, "cases", None)
    if isinstance(cases, pd.DataFrame) and {"group", "period"} <= set(cases.columns):
        n = cases.groupby(["group", "period"]).size()

        def count(group, period) -> int:
            return int(n.get((group, period), 0))

        counts = [
            ("试点组" if zh else "pilot", "pilot"),
            ("对照组" if zh else "controls", "control"),
        ]
        text = sep.join(
            f"{name} {count(g, 'before')}/{count(g, 'after')}"
            for name, g in counts
            if g == "pilot" or cfg.control_teams
        )
        parts.append(
            f"项目数（试点前/试点期）：{text}"
            if zh
            else f"Cases (before/after): {text}"
        )
    return " · ".join(parts)


def _headline_value_ci(headline: pd.DataFrame, metric: str, *, pct=False, lang="en"):
    rows = headline[headline["metric"] == metric]
    if rows.empty or _missing(rows.iloc[0]["value"]):
        return None  # not measured: no card rather than a bare "–"
    r = rows.iloc[0]
    return _with_ci(r["value"], r["ci_low"], r["ci_high"], _pct if pct else _num, lang)


def _diagnosis_findings(run: DiagnosisRun) -> list[str]:
    """Top flagged locations, then benchmark gaps, in the report language."""
    lang, res = run.language, run.result
    tab = res.bottlenecks
    lines = []
    if not (tab["impact"] == "high").any():
        lines.append(T("no_high_line", lang))
    for r in (
        tab[tab["impact"].isin(["high", "medium"])].head(3).itertuples(index=False)
    ):
        lines.append(
            T(
                "finding",
                lang,
                priority=r.priority,
                location=r.location,
                impact=word(str(r.impact), lang),
                score=_pct(r.score),
                problem=r.problem,
            )
        )
    bm = res.benchmarks
    if bm is not None and len(bm):
        bm = bm.dropna(subset=["value"])
        bm = bm[bm["worse"].astype(bool) & bm["beyond_noise"].astype(bool)]
        for r in bm.head(2).to_dict("records"):
            fmt = _bench_fmt(str(r.get("unit", "")))
            lines.append(
                T(
                    "benchmark_worse",
                    lang,
                    metric=metric_label(r["metric"], lang)
                    + _unit_label(r.get("unit"), lang),
                    value=_with_ci(r["value"], r["ci_low"], r["ci_high"], fmt, lang),
                    benchmark=fmt(r["benchmark"]),
                )
            )
    return lines


def diagnosis_summary(run: DiagnosisRun, *, record: bool = True):
    """Executive summary card: the verdict, headline metrics with CIs, findings.

    The verdict names the first high-impact bottleneck ("Fix first: …" /
    "优先改进：…"); findings are the top flagged locations with their share of
    the time lost beyond limits, then metrics worse than their benchmark;
    actions name where to start and who owns it. Also records the verdict and
    headline numbers for the index (:func:`diagnose.report.render.record_summary`).
    """
    lang, res = run.language, run.result
    tab = res.bottlenecks
    high = tab[tab["impact"] == "high"]
    if len(high):
        top = high.iloc[0]
        verdict, level = T("top_bottleneck", lang, location=top["location"]), "bad"
        actions = [
            T(
                "actions_bottleneck",
                lang,
                location=r.location,
                owner=r.owner,
                problem=r.problem,
            )
            for r in high.head(3).itertuples(index=False)
        ]
    else:
        verdict, level, actions = T("no_high", lang), "good", []
    headline = {}
    for key, metric, pct in (
        ("cycle", "cycle_time_days", False),
        ("overdue", "overdue_rate", True),
        ("sla", "sla_breach_rate", True),
        ("rework", "rework_rate", True),
    ):
        value = _headline_value_ci(res.headline, metric, pct=pct, lang=lang)
        if value is not None:
            headline[T(key, lang)] = value
    findings = _diagnosis_findings(run)
    if _no_due_dates(run):
        findings.append(T("overdue_no_due", lang))
    if record:
        render.record_summary(
            {
                "title": run.config.title or run.config.name,
                "verdict": verdict,
                "level": level,
                "headline": headline,
                "as_of": f"{run.as_of:%Y-%m-%d}",
                "kind": "diagnosis",
            }
        )
    return render.executive_summary(
        verdict,
        level=level,
        headline=headline,
        findings=findings,
        actions=actions,
        language=lang,
    )


# --------------------------------------------------------------------------
# Pilot
# --------------------------------------------------------------------------


@dataclass
class PilotRun:
    """What a pilot report works from: the validated config and the comparison."""

    config: Any
    language: str
    result: Any
    activities_frame: pd.DataFrame
    files: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.config.as_of)


def open_pilot(
    config_path: str, *, language: str = "", n_resamples: int = 10_000, seed: int = 0
) -> PilotRun:
    """Validate a pilot config and run :func:`diagnose.compare.compare_pilot`.

    Parameters
    ----------
    config_path : str
        Pilot config (YAML), see :func:`diagnose.compare.load_pilot_config`.
    language : {"", "en", "zh"}, default=""
        Overrides the config's language when given.
    n_resamples, seed : int
        Bootstrap resamples and seed (results are reproducible).

    Returns
    -------
    PilotRun
    """
    import dataclasses

    from diagnose.compare.config import load_pilot_config
    from diagnose.compare.pilot import compare_pilot
    from diagnose.io.load import load_activities

    started = datetime.now().astimezone()
    cfg = load_pilot_config(config_path)
    if language and language != cfg.language:
        cfg = dataclasses.replace(cfg, language=language)
    # read and checked once, as data: says (sheet, columns, year, dayfirst)
    loaded = load_activities(cfg.activities, **cfg.activity_options)
    result = compare_pilot(cfg, n_resamples=n_resamples, seed=seed, activities=loaded)
    acts = loaded.data
    files = {str(cfg.activities): len(acts), **_pilot_input_rows(cfg)}
    return PilotRun(
        config=cfg,
        language=cfg.language,
        result=result,
        activities_frame=acts,
        files=files,
        parameters={
            "config_path": config_path,
            "language": cfg.language,
            "as_of": f"{pd.Timestamp(cfg.as_of):%Y-%m-%d}" if cfg.as_of else "",
        },
        started_at=started,
    )


def _pilot_input_rows(cfg) -> dict[str, Any]:
    """Rows of the pilot's other inputs for the provenance table: the survey's
    answers and the benchmarks' entries as the diagnosis report counts them,
    and the settings file ("–": not a table). A file that cannot be read here
    gets an empty cell (the comparison reports it, when it uses the file)."""
    import warnings

    from diagnose.config import load_settings
    from diagnose.io.load import load_benchmarks, load_survey

    out: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # data-quality notes: the comparison's job
        try:
            settings = load_settings(cfg.settings)
        except Exception:  # noqa: BLE001 - compare_pilot reports a bad file
            settings = None
        for path, read in (
            (
                cfg.survey,
                lambda p: (
                    load_survey(p, scale=settings.scale)
                    if settings is not None
                    else load_survey(p)
                ),
            ),
            (cfg.benchmarks, load_benchmarks),
        ):
            if path is None:
                continue
            try:
                out[str(path)] = len(read(path).data)
            except Exception:  # noqa: BLE001
                out[str(path)] = None
    if cfg.settings is not None:
        out[str(cfg.settings)] = "–"
    return out


def _effect_text(effects: pd.DataFrame, metric: str, lang: str) -> str | None:
    """The headline effect of ``metric``: its primary row, else the first."""
    if effects is None or effects.empty:
        return None
    rows = effects[effects["metric"].astype(str).str.startswith(metric)]
    if "primary" in rows.columns and rows["primary"].fillna(False).astype(bool).any():
        rows = rows[rows["primary"].fillna(False).astype(bool)]
    if rows.empty:
        return None
    return _effect_change(rows.iloc[0].to_dict(), lang)


def pilot_summary(run: PilotRun, *, record: bool = True):
    """Executive summary card of a pilot: decision, headline effects, targets.

    The verdict is the decision (roll out / extend the pilot / stop, or 全面推广
    / 延长试点 / 停止试点); headline numbers are the primary effect of each
    metric with its 95% CI; findings list each target with its estimate and
    status (met / not met / inconclusive, 达成 / 未达成 / 无法判断), then the
    comparison's notes (written in the report language by
    :func:`diagnose.compare.compare_pilot`); the action is the verdict's
    reasons. Also records the verdict for the index.
    """
    lang, res = run.language, run.result
    decision = res.verdict.decision
    shown = _DECISIONS_ZH.get(decision, decision) if lang == "zh" else decision
    level = _LEVELS.get(decision, "info")
    headline = {}
    for metric in ("cycle_time", "overdue_rate", "satisfaction"):
        text = _effect_text(res.effects, metric, lang)
        if text is not None:
            label = T(
                "target_effect", lang, metric=metric_label(metric, lang, pilot=True)
            )
            headline[label] = text
    findings = _target_lines(res.targets, lang) if len(res.targets) else []
    findings.extend(res.notes)  # written in the pilot config's language
    verdict = T("pilot_level", lang, decision=shown)
    if record:
        render.record_summary(
            {
                "title": run.config.title or run.config.name,
                "verdict": verdict,
                "level": level,
                "headline": headline,
                "as_of": f"{run.as_of:%Y-%m-%d}",
                "kind": "pilot",
            }
        )
    return render.executive_summary(
        verdict,
        level=level,
        headline=headline,
        findings=findings,
        actions=[res.verdict.reasons],
        language=lang,
    )


# --------------------------------------------------------------------------
# Shared sections
# --------------------------------------------------------------------------


def _no_due_note(run, language: str) -> pd.DataFrame | None:
    """The pilot's whole-file note when its activity table has no due date
    and it measures the overdue rate (a diagnosis has the note in
    ``result.data_quality`` already: :func:`diagnose.diagnosis.no_due_note`)."""
    from diagnose.diagnosis import no_due_note

    if not isinstance(run, PilotRun) or "overdue_rate" not in run.config.metrics:
        return None
    note = no_due_note(run.activities_frame, run.config.activities, language)
    return note if len(note) else None


def data_quality(problems: pd.DataFrame, *, language: str = "en", run=None):
    """The data-quality section: every set-aside or blanked row, with its fix.

    One row per problem (nothing is summarised away): input, file name,
    spreadsheet row, column, bad value, problem, how to fix it, and whether
    the row was kept with the value blanked. Headers are in ``language``.
    With ``run`` (a pilot run measuring the overdue rate), the whole-file note
    "no due dates" is added (a diagnosis's ``data_quality`` has it already).
    """
    problems = problems if problems is not None else pd.DataFrame()
    note = _no_due_note(run, language) if run is not None else None
    if note is not None:
        problems = pd.concat([p for p in (problems, note) if len(p)], ignore_index=True)
    if problems.empty:
        return render.callout(T("dq_none", language), level="good", language=language)
    kept = (
        problems["kept"].fillna(False).astype(bool)
        if "kept" in problems
        else pd.Series(False, index=problems.index)
    )
    # notes about a whole file (no row number: an input without data rows)
    whole_file = (
        problems["row"].isna()
        if "row" in problems
        else pd.Series(False, index=problems.index)
    ).to_numpy(dtype=bool)
    rows, kept_ = ~whole_file, kept.to_numpy(dtype=bool)
    if rows.any():
        text = T(
            "dq_some",
            language,
            n_aside=int((~kept_ & rows).sum()),
            n_kept=int((kept_ & rows).sum()),
        )
        if whole_file.any():
            text += T("dq_files", language, n=int(whole_file.sum()))
    else:
        text = T("dq_files_only", language, n=int(whole_file.sum()))
    names = {
        "table": "table",
        "file": "file",
        "row": "row",
        "column": "column",
        "value": "bad_value",
        "problem": "problem",
        "fix": "fix",
        "kept": "kept",
    }
    cols = [c for c in names if c in problems.columns]
    shown = problems[cols].copy()
    if "file" in shown:
        shown["file"] = shown["file"].map(
            lambda p: Path(str(p)).name if pd.notna(p) else p
        )
    if "kept" in shown:
        shown["kept"] = [_yes(k, language) for k in kept]
    if "row" in shown:
        shown["row"] = shown["row"].map(lambda r: "–" if _missing(r) else str(int(r)))
    shown = shown.rename(columns={c: _h(names[c], language) for c in cols})
    return render.show_table(shown, caption=text, language=language, max_rows=None)


_METHODS = {
    "diagnosis": (
        [
            "Durations are in working days: weekends and public holidays "
            "(python-holidays; for China including the make-up working days, 调休) do "
            "not count.",
            "Cycle time is summarised by the median and the 85th/95th percentiles; "
            "the CI of a median is the distribution-free order-statistic interval "
            "(Conover).",
            "Unfinished work is right-censored: median cycle times come from a "
            "Kaplan–Meier estimate (open cases count with their age at as_of), with "
            "a Brookmeyer–Crowley CI; the finished-only median is shown beside it. "
            "With final stages set (settings: final_stages), a case whose recorded "
            "stages are all done but that has not finished a final stage is open: "
            "it is waiting for its next stage. Without them, such a case counts as "
            "finished; when at least 80 % of the cases without open work end at one "
            "stage, the stage table names the others.",
            "Waits are the gap between the end of one stage and the start of the "
            "next stage of the same case; overlapping (parallel) work counts as zero "
            "wait. A case waiting for its next stage has a wait that has not ended "
            "and no next stage yet: it is counted apart (waiting after its last "
            "stage, with its wait so far), not in the wait medians between two "
            "stages. The wait after a stage, whatever comes next, counts it as "
            "right-censored at as_of: a Kaplan–Meier median with a "
            "Brookmeyer–Crowley CI, beside the median of the waits that ended.",
            "Overdue and time-limit breach rates count only work whose outcome is "
            "known at as_of (finished, or open and already past its due date or "
            "limit); open work not yet due or still within its limit is pending and "
            "left out. Rates (overdue, time-limit breach, rework) carry Wilson 95 % "
            "intervals; the headline task-level rates are clustered by case.",
            "Workload: tasks open per person per calendar day; days over the "
            "concurrent-task limits are counted on working days only. Tasks "
            "started under overload against the others: difference of the shares "
            "slower than their stage's median, Newcombe interval from "
            "owner-clustered Wilson intervals (one person's tasks are correlated); "
            "no finding from fewer than three people.",
            "Bottleneck score: the location's share of all working time spent beyond "
            "the time limits; high impact needs a score ≥ 25 %, a breach rate whose "
            "Wilson lower bound exceeds 50 % and at least 10 items.",
            "Survey scores: respondent-level means with t intervals; top-2-box "
            "shares with Wilson intervals at the effective number of answers (one "
            "person's answers are correlated: respondent-clustered variance); "
            "Cronbach's alpha with Feldt's interval (below 0.7: not reliable enough "
            "to average).",
            "Benchmarks: a gap is 'beyond noise' when the benchmark lies outside the "
            "metric's 95 % CI.",
        ],
        [
            "耗时按工作日计算：周末和法定节假日（python-holidays；中国含调休补班日）"
            "不计入。",
            "周期以中位数和第 85/95 "
            "百分位数概括；中位数的置信区间为无分布假设的次序统计量区间（Conover）。",
            "未完成的工作按右删失处理：中位周期由 Kaplan–Meier 估计（未完成项目按截至"
            "日的已耗时计入），区间为 "
            "Brookmeyer–Crowley 法；同时列出仅按已完成项目计算的中位数。设置了收尾环节"
            "（final_stages）时，已记录的环节都已完成但尚未完成收尾环节的项目视为未完成"
            "（等待下一环节）；未设置时这类项目算作已完成，若没有进行中任务的项目中"
            "至少 80 % 以同一环节结束，环节表会列出停在其他环节的项目。",
            "等待时间为同一项目中上一环节结束到下一环节开始的间隔；并行（重叠）的工作"
            "等待计为零。正在等待下一环节的项目，其等待尚未结束、下一环节也未知："
            "单独计数（按其最后一个环节及已等待时间），不计入两个环节之间的等待中位数。"
            "某环节之后的等待（不论下一环节是什么）把它按截至日右删失计入："
            "Kaplan–Meier 中位数及 Brookmeyer–Crowley 区间，"
            "并列出仅按已结束等待计算的中位数。",
            "逾期率和超时率只统计截至 as_of 结果已知的工作（已完成，或未完成但已过截止"
            "日期或时限）；未到期或仍在时限内的未完成工作尚无结果，不计入。"
            "逾期率、超时率、返工率均给出 Wilson 95% 置信区间；"
            "总体的任务级比例按项目聚类。",
            "工作负荷：按自然日统计每人同时在办的任务数；超负荷天数只计工作日。"
            "超负荷时开始的任务与其他任务比较耗时超过环节中位数的比例之差，用按负责人"
            "聚类的 Wilson 区间构成的 Newcombe 区间（同一人的任务彼此相关）；不足三人"
            "不下结论。",
            "瓶颈得分：该位置在全部超时时间中的占比；“高影响”需得分 ≥ 25%、超时率 "
            "Wilson 下限 > 50% 且至少 10 条记录。",
            "问卷得分：按受访者平均后用 t 区间；前两项占比（top-2-box）用按有效答题数"
            "计算的 Wilson 区间（同一人的回答彼此相关，方差按受访者聚类）；Cronbach α "
            "用 Feldt 区间（低于 0.7 视为不宜合并）。",
            "基准对比：基准值落在指标 95% 置信区间之外时，差距视为“超出误差范围”。",
        ],
    ),
    "pilot": (
        [
            "Cycle time per case in working days. Medians compared with bootstrap "
            "CIs (10,000 resamples of the medians drawn exactly from order "
            "statistics; BCa interval with scipy's formulas and a closed-form "
            "jackknife up to 5,000 cases, percentile interval above), Mann–Whitney "
            "U test (exact p for small samples, ties at mid-ranks; normal "
            "approximation with tie correction for large ones), Hodges–Lehmann "
            "shift with the Moses interval.",
            "Unfinished cases: log-rank test and Kaplan–Meier medians with CIs.",
            "Difference-in-differences (pilot vs control teams, before vs after) by "
            "OLS on log cycle time (statsmodels); with few teams a wild cluster "
            "bootstrap (Webb weights) or, with a single pilot team, robust errors "
            "plus randomisation inference over teams — the method column says which.",
            "Overdue rate: difference of proportions with Newcombe's interval. "
            "Tasks of one case are late together, so each period's counts are "
            "divided by their design effect (Rao–Scott; tasks clustered by case) "
            "and tested with the Rao–Scott chi-square test; with one task per "
            "case this is the plain interval and Fisher's exact test.",
            "Satisfaction: difference of mean scores with a Welch t interval and a "
            "Mann–Whitney test (exact p for small samples; paired Wilcoxon when the "
            "same people answered twice); no interval when every answer is the same.",
            "Minimum detectable effect: the smallest change this pilot's sample "
            "sizes could detect with 80 % power at the 5 % level (statsmodels power "
            "analysis); for cycle time with control teams, from the standard error "
            "of the difference-in-differences estimate the verdict judges.",
            "Targets are judged on the confidence interval: met when the whole "
            "interval is on the good side of the target, not met when it is wholly "
            "on the bad side, otherwise inconclusive; no data when the metric "
            "could not be measured.",
            "The interval and the test of an effect come from different methods, so "
            "near the margin one can call a change clear and the other not (e.g. "
            "p = 0.046 with an interval ending at +0.0); the effects table names such "
            "effects as borderline.",
            "Decision: roll out when every target is met (or the primary one is met "
            "and none is clearly missed); stop when the primary metric is clearly "
            "worse; otherwise extend the pilot.",
        ],
        [
            "周期按项目计算，单位为工作日。中位数比较采用自助法置信区间（由次序统计量"
            "精确抽取 10,000 次重抽样中位数；5,000 个项目以内用 BCa 区间（scipy "
            "公式，闭式刀切法），以上用百分位区间）、Mann–Whitney U 检验（小样本用精确 "
            "p 值，结按平均秩处理；大样本用带结校正的正态近似）及 "
            "Hodges–Lehmann 位移（Moses 区间）。",
            "存在未完成项目时：对数秩检验与 Kaplan–Meier 中位数及其区间。",
            "双重差分（试点组对比对照组、试点前对比试点后）：对数周期的 OLS 回归（stats"
            "models）；团队数少时用野生聚类自助法（Webb "
            "权重），只有一个试点团队时用稳健标准误加团队层面的随机化推断——方法列注明"
            "所用方法。",
            "逾期率：比例之差的 Newcombe 区间。同一项目的任务往往一起逾期，因此各期"
            "计数先除以按项目聚类的设计效应（Rao–Scott 校正），再用 Rao–Scott 卡方"
            "检验；每个项目只有一项任务时即为普通区间与 Fisher 精确检验。",
            "满意度：平均分之差的 Welch t 区间与 Mann–Whitney "
            "检验（小样本用精确 p 值；同一批人两次作答时用配对 Wilcoxon 检验）；"
            "所有回答都相同时不给区间。",
            "最小可检测效应：按本次试点样本量，在 5% 显著性水平和 80% "
            "检验功效下能检测到的最小变化（statsmodels 功效分析）；有对照团队时，"
            "周期按双重差分估计的标准误计算。",
            "目标按置信区间判断：整个区间都在目标的有利一侧为“达成”，整个区间都在不利"
            "一侧为“未达成”，否则为“无法判断”；指标无法测量时为“无数据”。",
            "效果的区间与检验来自不同方法，在边缘处可能一个认为变化明确、另一个不认为"
            "（如 p = 0.046 而区间止于 +0.0）；效果表会把这类效果标为临界。",
            "结论：所有目标达成（或主要目标达成且无明显未达成）则全面推广；主要指标明"
            "显变差则停止；其他情况延长试点。",
        ],
    ),
}


def methods(kind: str, *, language: str = "en"):
    """Methods appendix: what each statistic in a ``kind`` report is."""
    if kind not in _METHODS:
        raise ValueError(
            f"The 'kind' parameter of methods must be one of {sorted(_METHODS)}. "
            f"Got {kind!r} instead."
        )
    items = _METHODS[kind][1 if language == "zh" else 0]
    lis = "".join(f"<li>{render.escape(x)}</li>" for x in items)
    return render.as_html(f'<ol class="dg-methods">{lis}</ol>')


def provenance_block(run):
    """Provenance: input files with rows and checksums, parameters, version, time."""
    return render.provenance(
        run.files,
        parameters=run.parameters,
        started_at=run.started_at,
        language=run.language,
    )


# --------------------------------------------------------------------------
# Curated tables: the columns a reader needs, labelled in the report language,
# each with a one-line "what this means" computed from the data and the full
# frame kept in a collapsed "all columns" block for analysts.
# --------------------------------------------------------------------------

_WORDS = {
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "not measured": ("not measured", "未测量"),
    "all pending": ("no outcome known yet (all pending)", "尚无已知结果（全部待定）"),
    "met": ("met", "达成"),
    "not met": ("not met", "未达成"),
    "inconclusive": ("inconclusive", "无法判断"),
    "no data": ("no data", "无数据"),
    "high": ("high", "高"),
    "medium": ("medium", "中"),
    "low": ("low", "低"),
    "working days": ("working days", "个工作日"),
    "all_columns": (
        "All columns (for analysts): {n}",
        "全部列（供分析人员核对）：{n} 列",
    ),
    "to": ("to", "至"),
}


def word(key: str, language: str = "en") -> str:
    """A fixed report word (``met``, ``inconclusive``, ``high``…) in ``language``.

    Unknown words are returned unchanged (they are data values).
    """
    if key not in _WORDS:
        return key
    en, zh = _WORDS[key]
    return zh if language == "zh" else en


_COLUMNS = {
    "location": ("Stage or handoff", "流程环节"),
    "stage": ("Stage", "环节"),
    "owner": ("Owner", "负责人"),
    "person": ("Person", "人员"),
    "metric": ("Metric", "指标"),
    "value": ("Value", "数值"),
    "ci": ("95% CI", "95% 置信区间"),
    "n": ("Based on (n)", "样本量 (n)"),
    "tasks": ("Tasks (n)", "任务数"),
    "open": ("Still open", "未完成"),
    "median_days": ("Median (working days)", "中位耗时（工作日）"),
    "p85_days": ("85th percentile (working days)", "第 85 百分位（工作日）"),
    "share_time": ("Share of all stage time", "占全部环节时间"),
    "wait_before": ("Median wait before (working days)", "开始前中位等待（工作日）"),
    "from_stage": ("From stage", "上一环节"),
    "to_stage": ("To stage", "下一环节"),
    "pairs": ("Times (n)", "次数"),
    "wait_median_ci": (
        "Median wait, working days (95% CI)",
        "中位等待，工作日（95% 置信区间）",
    ),
    "overlapped": ("Started before the previous ended", "上一环节未完即开始"),
    "from": ("From", "交出部门"),
    "to": ("To", "接收部门"),
    "handoffs": ("Handoffs (n)", "交接次数"),
    "wait_median": ("Median wait (working days)", "中位等待（工作日）"),
    "wait_p85": ("85th percentile wait (working days)", "等待第 85 百分位（工作日）"),
    "late": (
        "Over the {hours:g} h limit (95% CI)",
        "超过 {hours:g} 小时时限（95% 置信区间）",
    ),
    "limit": ("Limit (working days)", "时限（工作日）"),
    "breached": ("Over the limit (n)", "超时数"),
    "breach_rate": ("Breach rate (95% CI)", "超时率（95% 置信区间）"),
    "over_days": ("Median overrun (working days)", "中位超出（工作日）"),
    "days_work": ("Working days with work", "有任务的工作日"),
    "days_over": ("Working days over the limit", "超负荷工作日"),
    "share_over": (
        "Share of working days over the limit (95% CI)",
        "超负荷工作日占比（95% 置信区间）",
    ),
    "peak": ("Peak open tasks", "同时在办峰值"),
    "peak_p0": ("Peak open P0 tasks", "P0 同时在办峰值"),
    "cases": ("Cases (n)", "项目数"),
    "rework_cases": ("Cases with rework", "返工项目数"),
    "rework_rate": ("Rework rate (95% CI)", "返工率（95% 置信区间）"),
    "returned_from": ("Sent back from", "退回自"),
    "dimension": ("Dimension", "维度"),
    "respondents": ("Respondents", "受访人数"),
    "mean_score": (
        "Mean score, {lo}–{hi} (95% CI)",
        "平均分 {lo}–{hi}（95% 置信区间）",
    ),
    "top2": ("Agree (top-2 boxes)", "认同（前两档）"),
    "bottom2": ("Disagree (bottom-2 boxes)", "不认同（后两档）"),
    "alpha": ("Reliability (Cronbach's α)", "信度（Cronbach α）"),
    "ours": ("Ours (95% CI)", "本团队（95% 置信区间）"),
    "benchmark": ("Benchmark", "基准值"),
    "gap": ("Gap to benchmark", "与基准差距"),
    "worse": ("Worse?", "是否更差"),
    "beyond_noise": ("Beyond noise?", "超出误差范围"),
    "target": ("Target", "目标"),
    "estimate": ("Estimate (95% CI)", "估计值（95% 置信区间）"),
    "status": ("Status", "判定"),
    "primary": ("Primary", "主要目标"),
    "comparison": ("Comparison", "比较方式"),
    "group": ("Group", "对象"),
    "before": ("Before", "试点前"),
    "after": ("After", "试点后"),
    "change": ("Change (95% CI)", "变化（95% 置信区间）"),
    "p_value": ("p-value", "p 值"),
    "sample": ("Sample (before / after)", "样本量（试点前 / 试点后）"),
    "mde": ("Smallest detectable change", "最小可检测变化"),
    "target_change": ("Targeted change", "目标变化"),
    "detectable": ("Target detectable?", "目标可检测"),
    "file": ("File", "文件"),
    "row": ("Row", "行号"),
    "column": ("Column", "列"),
    "bad_value": ("Value", "取值"),
    "problem": ("Problem", "问题"),
    "fix": ("How to fix", "修正方法"),
    "kept": ("Row kept?", "是否保留该行"),
    "table": ("Input", "输入"),
}


def _h(key: str, lang: str, **values: Any) -> str:
    en, zh = _COLUMNS[key]
    return fill(zh if lang == "zh" else en, **values)


_METRICS = METRIC_LABELS
_PILOT_METRICS = {
    "cycle_time": ("Cycle time", "周期"),
    "overdue_rate": ("Overdue rate", "逾期率"),
    "satisfaction": ("Satisfaction", "满意度"),
}
_PILOT_UNITS = {
    "cycle_time": (" (working days)", "（工作日）"),
    "satisfaction": (" (mean score)", "（平均分）"),
}


def metric_label(metric: Any, language: str = "en", *, pilot: bool = False) -> str:
    """Readable name of a metric (``overdue_rate`` -> "Overdue rate" / "逾期率").

    Names the package does not know (KPI columns of the user's files) are
    returned as they are.
    """
    table = {**_METRICS, **_PILOT_METRICS} if pilot else _METRICS
    key = str(metric)
    if key not in table:
        return key
    en, zh = table[key]
    return zh if language == "zh" else en


def _missing(x) -> bool:
    return x is None or (not isinstance(x, str) and pd.isna(x))


def _pct(x, digits: int | None = None) -> str:
    """A share as a percentage: 0.179 -> "18%", 0.0439 -> "4.4%"."""
    if _missing(x):
        return "–"
    if digits is None:
        digits = 1 if 0 < abs(x) < 0.095 else 0
    return f"{x * 100:.{digits}f}%"


def _num(x, digits: int = 1) -> str:
    if _missing(x):
        return "–"
    return f"{x:,.{digits}f}"


def _smart(x) -> str:
    """A number with as many decimals as its size needs (KPI values)."""
    if _missing(x):
        return "–"
    ax = abs(x)
    return f"{x:,.0f}" if ax >= 100 else f"{x:,.1f}" if ax >= 1 else f"{x:.3f}"


def _pct_for(value, high):
    """One percentage format for a value and its CI: decimals when all are small."""
    big = max((abs(x) for x in (value, high) if not _missing(x)), default=0)
    digits = 1 if big < 0.095 else 0
    return lambda x: _pct(x, digits)


def _with_ci(value, low, high, fmt, lang="en") -> str:
    """``value (low–high)``, full-width brackets in Chinese; percentages share
    one number of decimals."""
    if _missing(value):
        return "–"
    if fmt is _pct:
        fmt = _pct_for(value, high)
    if _missing(low) or _missing(high):
        return fmt(value)
    if lang == "zh":
        return f"{fmt(value)}（{fmt(low)}–{fmt(high)}）"
    return f"{fmt(value)} ({fmt(low)}–{fmt(high)})"


def _signed(x, digits=1, suffix="") -> str:
    if _missing(x):
        return "–"
    return f"{x:+.{digits}f}{suffix}"


def _signed_ci(value, low, high, digits=1, suffix="", lang="en") -> str:
    """``+1.5 pp (-3.0 to +6.0)``; a ``%`` is repeated on every number."""
    if _missing(value):
        return "–"
    each = suffix if suffix == "%" else ""
    text = _signed(value, digits, suffix)
    if _missing(low) or _missing(high):
        return text
    lo, hi = _signed(low, digits, each), _signed(high, digits, each)
    if lang == "zh":
        return f"{text}（{lo} 至 {hi}）"
    return f"{text} ({lo} to {hi})"


def _p(p) -> str:
    """p-value text: three decimals below 0.1 (so 0.046 never reads as the
    0.05 threshold), two above, ``<0.001`` for tiny ones."""
    if _missing(p):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}" if p < 0.1 else f"{p:.2f}"


def _yes(flag, lang) -> str:
    if _missing(flag):
        return "–"
    return word("yes" if bool(flag) else "no", lang)


def _curated(
    shown: pd.DataFrame,
    *,
    caption: str | None,
    meaning: str | None,
    full: pd.DataFrame | None,
    language: str,
    right: tuple[str, ...] = (),
):
    """A curated table, its one-line meaning, and the full frame collapsed."""
    parts = [
        render.show_table(
            shown, caption=caption, language=language, max_rows=None, right=right
        ).data
    ]
    if meaning:
        parts.append(f'<p class="dg-meaning">{render.escape(meaning)}</p>')
    if full is not None and len(full.columns):
        text = word("all_columns", language).format(n=len(full.columns))
        parts.append(
            render.details(
                text, render.show_table(full, language=language, max_rows=None)
            ).data
        )
    return render.as_html("".join(parts))


def _say(lang: str, en: str, zh: str, **values: Any) -> str:
    return fill(zh if lang == "zh" else en, **values)


# ---- diagnosis tables -----------------------------------------------------


def bottleneck_table(run: DiagnosisRun):
    """流程现状分析表 (process status analysis) in the handbook's layout.

    Columns from :func:`diagnose.bottlenecks.handbook_table` (stage, owner,
    days, problem, impact, priority) with English headers made readable; the
    meaning line names the top location and its share of the time lost
    beyond limits. The full bottleneck frame follows, collapsed.
    """
    from diagnose.bottlenecks import handbook_table

    lang, tab = run.language, run.result.bottlenecks
    shown = handbook_table(tab, language=lang)
    days = shown.columns[2]  # 耗时(天) / days
    shown[days] = shown[days].map(_num)
    if lang == "en":
        shown = shown.rename(
            columns={
                "stage": _h("location", lang),
                "owner": _h("owner", lang),
                "days": _h("median_days", lang),
                "problem": _h("problem", lang),
                "impact": "Impact",
                "priority": "Priority",
            }
        )
    if tab.empty:
        meaning = None
    else:
        top = tab.iloc[0]
        counts = tab["impact"].value_counts()
        meaning = _say(
            lang,
            "{loc} accounts for {score} of all working time lost beyond time "
            "limits ({impact} impact); {n_high} location(s) are high impact and "
            "{n_med} medium, out of {n}.",
            "「{loc}」占全部超时时间的 {score}（影响{impact}）；{n} 个环节与交接中，"
            "高影响 {n_high} 个、中影响 {n_med} 个。",
            loc=top["location"],
            score=_pct(top["score"]),
            impact=word(str(top["impact"]), lang),
            n_high=int(counts.get("high", 0)),
            n_med=int(counts.get("medium", 0)),
            n=len(tab),
        )
    caption = _say(
        lang,
        "Process status analysis (流程现状分析表), worst first",
        "流程现状分析表（按影响排序）",
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=tab,
        language=lang,
        right=(shown.columns[2],),
    )


def _headline_value(row, lang) -> tuple[str, str]:
    unit = str(row.get("unit", ""))
    v, lo, hi = row["value"], row.get("ci_low"), row.get("ci_high")
    if unit == "share":
        fmt = _pct_for(v, hi)
    elif unit in ("working_days",):
        fmt = _num
    elif unit.startswith("score"):
        fmt = lambda x: _num(x, 2)  # noqa: E731
    else:
        fmt = _smart
    value = fmt(v)
    if unit == "working_days":
        value += " 个工作日" if lang == "zh" else " working days"
    elif unit == "cases_per_week":
        value += " 个/周" if lang == "zh" else " per week"
    ci = "–" if _missing(lo) or _missing(hi) else f"{fmt(lo)}–{fmt(hi)}"
    return value, ci


def headline_table(run: DiagnosisRun):
    """Headline metrics: readable names, values with units, 95% CIs, n."""
    lang, head = run.language, run.result.headline
    no_due = _no_due_dates(run)
    rows = []
    for r in head.to_dict("records"):
        value, ci = _headline_value(r, lang)
        if r["metric"] == "overdue_rate" and no_due:
            value = word("not measured", lang) + _say(
                lang, ": no due dates", "：没有截止日期"
            )
        rows.append(
            {
                _h("metric", lang): metric_label(r["metric"], lang),
                _h("value", lang): value,
                _h("ci", lang): ci,
                _h("n", lang): "–" if _missing(r.get("n")) else f"{int(r['n']):,}",
            }
        )
    shown = pd.DataFrame(rows)
    by = head.set_index("metric")
    bits = []
    if "cycle_time_days" in by.index and not _missing(
        by.loc["cycle_time_days", "value"]
    ):
        c = by.loc["cycle_time_days"]
        bits.append(
            _say(
                lang,
                "half of the cases take longer than {v} working days "
                "(95% CI {lo}–{hi})",
                "一半项目的周期超过 {v} 个工作日（95% 置信区间 {lo}–{hi}）",
                v=_num(c["value"]),
                lo=_num(c["ci_low"]),
                hi=_num(c["ci_high"]),
            )
        )
    if no_due:
        bits.append(
            _say(
                lang,
                "the overdue rate is not measured because no task has a due date",
                "因没有任何任务填写截止日期，逾期率" + word("not measured", "zh"),
            )
        )
    elif "overdue_rate" in by.index and not _missing(by.loc["overdue_rate", "value"]):
        o = by.loc["overdue_rate"]
        bits.append(
            _say(
                lang,
                "{v} of tasks whose outcome is known finish after their due date "
                "or are open past it",
                "结果已知的任务中 {v} 晚于截止日期完成或已过期未完成",
                v=_pct(o["value"]),
            )
        )
    meaning = None
    if bits:
        sep = "；" if lang == "zh" else "; "
        meaning = sep.join(bits)
        meaning = (
            meaning + "。" if lang == "zh" else meaning[0].upper() + meaning[1:] + "."
        )
    caption = _say(
        lang,
        "Headline metrics with 95% confidence intervals",
        "核心指标（95% 置信区间）",
    )
    right = (_h("value", lang), _h("ci", lang), _h("n", lang))
    return _curated(
        shown, caption=caption, meaning=meaning, full=head, language=lang, right=right
    )


def stage_table(run: DiagnosisRun):
    """Per stage: tasks, open, median and p85 time, share of time, wait before."""
    lang, st = run.language, run.result.stages
    shown = pd.DataFrame(
        {
            _h("stage", lang): st["activity"],
            _h("tasks", lang): st["n"],
            _h("open", lang): st["n_open"],
            _h("median_days", lang): st["median_days"].map(_num),
            _h("p85_days", lang): st["p85_days"].map(_num),
            _h("share_time", lang): st["share_of_cycle"].map(_pct),
            _h("wait_before", lang): st["median_wait_before"].map(_num),
        }
    )
    meaning = None
    if len(st):
        big = st.loc[st["share_of_cycle"].idxmax()]
        waits = st.dropna(subset=["median_wait_before"])
        meaning = _say(
            lang,
            "{stage} takes the largest share of working time ({share}, median "
            "{days} working days).",
            "「{stage}」占用的工作时间最多（{share}，中位 {days} 个工作日）。",
            stage=big["activity"],
            share=_pct(big["share_of_cycle"]),
            days=_num(big["median_days"]),
        )
        if len(waits):
            w = waits.loc[waits["median_wait_before"].idxmax()]
            meaning += _say(
                lang,
                " The longest wait is before {stage}: a median {days} working days.",
                "等待最长的是「{stage}」开始前：中位 {days} 个工作日。",
                stage=w["activity"],
                days=_num(w["median_wait_before"]),
            )
        meaning += _waiting_after_note(st, lang)
        if not run.settings.final_stages:
            meaning += _final_stage_note(run, lang)
    caption = _say(lang, "Time per stage and wait before it", "各环节耗时与开始前等待")
    right = tuple(shown.columns[3:])
    return _curated(
        shown, caption=caption, meaning=meaning, full=st, language=lang, right=right
    )


#: Rows of the transition table: the longest waits among pairs seen this often.
_TRANSITION_ROWS, _TRANSITION_MIN_N = 8, 5


def transition_table(run: DiagnosisRun):
    """Waits between consecutive stages (the process map's edges): the longest
    median waits among stage pairs seen at least 5 times, with the CI of the
    median; a pair that goes back to an earlier stage is marked as rework."""
    lang, tr = run.language, run.result.transitions
    if tr is None or tr.empty:
        return None
    common = tr[tr["n"] >= _TRANSITION_MIN_N]
    rows = (common if len(common) else tr).sort_values(
        ["median_wait_working_days", "n"], ascending=[False, False], kind="stable"
    )
    rows = rows.head(_TRANSITION_ROWS)
    # stage order: first start of each stage (the stage table's order)
    order = {a: i for i, a in enumerate(run.result.stages["activity"])}
    back = [
        order.get(b, -1) <= order.get(a, -1)
        for a, b in zip(rows["from_activity"], rows["to_activity"])
    ]
    mark = _say(lang, " (rework)", "（返工）")
    shown = pd.DataFrame(
        {
            _h("from_stage", lang): rows["from_activity"].to_numpy(),
            _h("to_stage", lang): [
                f"{b}{mark}" if is_back else b
                for b, is_back in zip(rows["to_activity"], back)
            ],
            _h("pairs", lang): rows["n"].to_numpy(),
            _h("wait_median_ci", lang): [
                _with_ci(v, lo, hi, _num, lang)
                for v, lo, hi in zip(
                    rows["median_wait_working_days"],
                    rows["median_wait_ci_low"],
                    rows["median_wait_ci_high"],
                )
            ],
            _h("wait_p85", lang): rows["p85_wait_working_days"].map(_num).to_numpy(),
            _h("overlapped", lang): rows["share_overlap"].map(_pct).to_numpy(),
        }
    )
    w = rows.iloc[0]
    meaning = _say(
        lang,
        "Work waits longest between {a} and {b}: a median {d} working days{ci} "
        "over {n} times{back}.",
        "等待最长的是「{a}」到「{b}」之间：{n} 次中位等待 {d} 个工作日{ci}{back}。",
        a=w["from_activity"],
        b=w["to_activity"],
        d=_num(w["median_wait_working_days"]),
        ci=""
        if _missing(w["median_wait_ci_low"])
        else _say(
            lang,
            " (95% CI {lo}–{hi})",
            "（95% 置信区间 {lo}–{hi}）",
            lo=_num(w["median_wait_ci_low"]),
            hi=_num(w["median_wait_ci_high"]),
        ),
        n=int(w["n"]),
        back=_say(lang, ", a return to an earlier stage", "，属于返回前序环节的返工")
        if back[0]
        else "",
    )
    if len(common) < len(tr):
        meaning += _say(
            lang,
            " Pairs seen fewer than {k} times are left out here ({m} of {t}); "
            "all are in the full table.",
            "出现少于 {k} 次的环节组合未列出（{t} 个中的 {m} 个），完整表格中均有。",
            k=_TRANSITION_MIN_N,
            m=len(tr) - len(common),
            t=len(tr),
        )
    caption = _say(
        lang,
        "Waits between consecutive stages (process map)",
        "相邻环节之间的等待（流程图）",
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=tr,
        language=lang,
        right=tuple(shown.columns[2:]),
    )


def _final_stage_note(run, lang: str) -> str:
    """Without final stages, cases that stopped after an unusual stage count
    as finished: say so when nearly all cases end at one stage
    (:func:`diagnose.metrics.flow.dominant_ending`)."""
    from diagnose.metrics.flow import case_endings, dominant_ending

    found = dominant_ending(case_endings(run.activities, as_of=run.as_of))
    if found is None:
        return ""
    rest = found["others"]
    sep = ", " if lang == "en" else "，"
    others = sep.join(
        f"{a} {as_count(int(n))}"
        for a, n in zip(rest["activity"][:3], rest["n_cases"][:3])
    ) + (sep + "…" if len(rest) > 3 else "")
    return _say(
        lang,
        " No final stages are set (settings: final_stages): of the {total} cases "
        "without open work, {n} end with {stage} and {k} after another stage "
        "({others}); those {k} count as finished, though they may be waiting for "
        "their next stage.",
        "未设置结束环节（设置项 final_stages）：没有进行中任务的 {total} 个项目中，"
        "{n} 个以「{stage}」结束，{k} 个停在其他环节（{others}）；这 {k} 个被算作"
        "已完成，但可能仍在等待下一环节。",
        total=found["n_stage"] + found["n_other"],
        n=found["n_stage"],
        stage=found["stage"],
        k=found["n_other"],
        others=others,
    )


def _waiting_after_note(st: pd.DataFrame, lang: str) -> str:
    """Cases waiting for their next stage right now: their waits are still
    running, so no wait median includes them (settings: final_stages)."""
    if "n_waiting_after" not in st.columns or not st["n_waiting_after"].any():
        return ""
    w = st.loc[st["n_waiting_after"].idxmax()]
    total = int(st["n_waiting_after"].sum())
    values = dict(
        total=total,
        stage=w["activity"],
        n=int(w["n_waiting_after"]),
        days=_num(w["median_waiting_after"]),
    )
    if total == 1:
        text = _say(
            lang,
            " One case is waiting for its next stage now, after {stage} ({days} "
            "working days so far); its running wait is not in the medians above.",
            "另有 1 个项目正在等待下一环节，在「{stage}」之后（已等待 {days} "
            "个工作日）；这一尚未结束的等待不计入上面的中位数。",
            **values,
        )
    else:
        text = _say(
            lang,
            " {total} cases are waiting for their next stage now, most after "
            "{stage} ({n}, waiting a median {days} working days so far); these "
            "running waits are not in the medians above.",
            "另有 {total} 个项目正在等待下一环节，其中最多的在「{stage}」之后（{n} 个，"
            "已等待中位 {days} 个工作日）；这些尚未结束的等待不计入上面的中位数。",
            **values,
        )
    return text + _wait_after_km_note(w, lang)


def _wait_after_km_note(w: pd.Series, lang: str) -> str:
    """The wait after stage ``w`` with its running waits counted as censored
    (Kaplan–Meier), beside the median of the waits that ended."""
    if "km_median_wait_after" not in w.index:
        return ""
    km = w["km_median_wait_after"]
    if _missing(km):
        return _say(
            lang,
            " Too many waits after {stage} are still running to estimate their "
            "median yet (Kaplan–Meier).",
            "「{stage}」之后尚未结束的等待太多，其中位数暂时无法估计（Kaplan–Meier）。",
            stage=w["activity"],
        )
    return _say(
        lang,
        " Counting each running wait as at least as long as it is so far "
        "(Kaplan–Meier), the median wait after {stage} is {km} working days, "
        "against {ended} for the waits that ended.",
        "把尚未结束的等待按“至少已等这么久”计入（Kaplan–Meier），「{stage}」之后的"
        "中位等待为 {km} 个工作日，仅按已结束的等待计算为 {ended} 个工作日。",
        stage=w["activity"],
        km=_with_ci(
            km, w["km_wait_after_ci_low"], w["km_wait_after_ci_high"], _num, lang
        ),
        ended=_num(w["median_wait_after"]),
    )


def handoff_table(run: DiagnosisRun):
    """Handoffs between departments: waits and the share over the feedback limit."""
    lang, hd = run.language, run.result.handoffs
    if hd is None or hd.empty:
        return None  # the handoff chart above says why there is none
    hours = getattr(run.settings, "handoff_hours", 24.0) or 24.0
    late = _h("late", lang, hours=hours)
    shown = pd.DataFrame(
        {
            _h("from", lang): hd["from_department"],
            _h("to", lang): hd["to_department"],
            _h("handoffs", lang): hd["n"],
            _h("wait_median", lang): hd["median_wait_working_days"].map(_num),
            _h("wait_p85", lang): hd["p85_wait_working_days"].map(_num),
            late: [
                _with_ci(v, lo, hi, _pct, lang)
                for v, lo, hi in zip(hd["late_rate"], hd["ci_low"], hd["ci_high"])
            ],
        }
    )
    meaning = None
    if len(hd):
        w = hd.loc[hd["median_wait_working_days"].idxmax()]
        meaning = _say(
            lang,
            "The slowest handoff is {a} → {b}: a median {d} working days, and "
            "{late} of its handoffs exceed the {h:g} h feedback limit.",
            "最慢的交接是 {a} → {b}：中位等待 {d} 个工作日，{late} 超过 {h:g} 小时的"
            "反馈时限。",
            a=w["from_department"],
            b=w["to_department"],
            d=_num(w["median_wait_working_days"]),
            late=_pct(w["late_rate"]),
            h=hours,
        )
    caption = _say(lang, "Waits at handoffs between departments", "跨部门交接等待")
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=hd,
        language=lang,
        right=tuple(shown.columns[3:]),
    )


def sla_table(run: DiagnosisRun):
    """Stage time-limit breaches: limit, n, breach rate with CI, median overrun."""
    lang, sla = run.language, run.result.sla
    shown = pd.DataFrame(
        {
            _h("stage", lang): sla["activity"],
            _h("limit", lang): sla["limit_days"].map(lambda x: _num(x, 0)),
            _h("tasks", lang): sla["n"],
            _h("breached", lang): sla["n_breached"],
            _h("breach_rate", lang): [
                _with_ci(v, lo, hi, _pct, lang)
                for v, lo, hi in zip(sla["breach_rate"], sla["ci_low"], sla["ci_high"])
            ],
            _h("over_days", lang): sla["median_over_days"].map(_num),
        }
    )
    meaning = None
    if len(sla):
        w = sla.loc[sla["breach_rate"].idxmax()]
        meaning = _say(
            lang,
            "{stage} exceeds its {lim}-day limit most often ({rate}); across "
            "stages the breach rate ranges from {lo} to {hi}.",
            "「{stage}」最常超出 {lim} 天的时限（{rate}）；各环节超时率在 {lo} 至 {hi} "
            "之间。",
            stage=w["activity"],
            lim=_num(w["limit_days"], 0),
            rate=_pct(w["breach_rate"]),
            lo=_pct(sla["breach_rate"].min()),
            hi=_pct(sla["breach_rate"].max()),
        )
    caption = _say(lang, "Time-limit (SLA) breaches per stage", "各环节超时情况")
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=sla,
        language=lang,
        right=tuple(shown.columns[1:]),
    )


def workload_table(run: DiagnosisRun):
    """People over the concurrent-task limit, most days over first."""
    lang, wl = run.language, run.result.workload
    limit = getattr(run.settings, "max_concurrent", None)
    wl = wl.sort_values(
        ["days_over_limit", "peak_open"], ascending=False, kind="stable"
    )
    shown = pd.DataFrame(
        {
            _h("person", lang): wl["owner"],
            _h("days_work", lang): wl["days_with_work"],
            _h("days_over", lang): wl["days_over_limit"],
            _h("share_over", lang): [
                _with_ci(v, lo, hi, _pct, lang)
                for v, lo, hi in zip(wl["share"], wl["ci_low"], wl["ci_high"])
            ],
            _h("peak", lang): wl["peak_open"],
            _h("peak_p0", lang): wl["peak_open_p0"],
        }
    )
    busy = (wl["days_over_limit"] > 0) | (wl["peak_open"] >= (limit or 0))
    shown = shown[busy.to_numpy()] if busy.any() else shown.head(5)
    over = wl[wl["days_over_limit"] > 0]
    if over.empty:
        meaning = _say(
            lang,
            "Nobody had more than {lim} open tasks at once on any working day.",
            "没有人在任何一个工作日同时在办超过 {lim} 项任务。",
            lim=limit,
        )
    else:
        top = over.iloc[0]
        meaning = _say(
            lang,
            "{k} of {n} people had more than {lim} open tasks at once on at least "
            "one working day; most often {who} ({d} working day(s)). The table "
            "lists who reached the limit; everyone is in the full table below.",
            "{n} 人中有 {k} 人至少有一个工作日同时在办超过 {lim} 项任务；最多的是 "
            "{who}（{d} 个工作日）。表中列出达到上限的人员，全部人员见下方完整表格。",
            k=len(over),
            n=len(wl),
            lim=limit,
            who=top["owner"],
            d=int(top["days_over_limit"]),
        )
    meaning += _overload_delay_note(run, limit, lang)
    caption = _say(
        lang,
        "Working days over the concurrent-task limit ({lim}) per person",
        "人员超负荷工作日（同时在办上限 {lim} 项）",
        lim=limit,
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=run.result.workload,
        language=lang,
        right=(_h("share_over", lang),),
    )


def _overload_delay_note(run: DiagnosisRun, limit, lang: str) -> str:
    """Were tasks started under overload slower than their stage's median?
    From :func:`diagnose.metrics.workload.overload_delay`."""
    od = run.result.overload_delay
    if od is None or od.empty:
        return ""
    r = od.set_index("outcome").loc["slower_than_stage_median"]
    if not r["n_overloaded"] or not r["n_other"]:
        return ""
    pp = lambda x: f"{x * 100:+.0f}"  # noqa: E731
    people = int(r["people_overloaded"])
    if people < 3:
        verdict = _say(
            lang,
            "from {p} person(s) only: too few people to generalise",
            "仅来自 {p} 人，人数太少，不宜推广",
            p=people,
        )
    elif bool(r["beyond_noise"]):
        verdict = _say(lang, "beyond noise", "超出误差范围")
    else:
        verdict = _say(lang, "within noise", "在误差范围内")
    ci = ""
    if np.isfinite(r["ci_low"]) and np.isfinite(r["ci_high"]):
        # the interval counts people, not tasks (owner-clustered)
        ci = _say(
            lang,
            ", 95% CI {lo} to {hi}",
            "，95% 置信区间 {lo} 至 {hi}",
            lo=pp(r["ci_low"]),
            hi=pp(r["ci_high"]),
        )
    return _say(
        lang,
        " Tasks started while their owner had more than {lim} open: {k1} of {n1} "
        "took longer than their stage's median, against {r2} of the others "
        "(difference {d} pp{ci}; {verdict}).",
        "负责人同时在办超过 {lim} 项时开始的任务中，{n1} 项里有 {k1} 项耗时超过"
        "该环节中位数，其他任务为 {r2}（差 {d} 个百分点{ci}；{verdict}）。",
        lim=limit,
        k1=int(r["k_overloaded"]),
        n1=int(r["n_overloaded"]),
        r2=_pct(r["rate_other"]),
        d=pp(r["diff"]),
        ci=ci,
        verdict=verdict,
    )


def rework_table(run: DiagnosisRun):
    """Rework per stage: cases sent back, rate with CI, and from where."""
    lang, rw = run.language, run.result.rework
    shown = pd.DataFrame(
        {
            _h("stage", lang): rw["activity"],
            _h("cases", lang): rw["n_cases"],
            _h("rework_cases", lang): rw["n_rework_cases"],
            _h("rework_rate", lang): [
                _with_ci(v, lo, hi, _pct, lang)
                for v, lo, hi in zip(rw["rework_rate"], rw["ci_low"], rw["ci_high"])
            ],
            _h("returned_from", lang): rw["returned_from"].fillna("–"),
        }
    )
    hit = rw[rw["n_rework_cases"] > 0]
    if hit.empty:
        meaning = _say(
            lang,
            "No case was sent back to an earlier stage.",
            "没有项目被退回前序环节。",
        )
    else:
        w = hit.loc[hit["rework_rate"].idxmax()]
        meaning = _say(
            lang,
            "Rework happens at {k} of {n} stages; most at {stage}: {rate} of cases "
            "come back to it from {src}.",
            "{n} 个环节中有 {k} 个出现返工；最多的是「{stage}」：{rate} 的项目从"
            "「{src}」退回。",
            k=len(hit),
            n=len(rw),
            stage=w["activity"],
            rate=_pct(w["rework_rate"]),
            src=w["returned_from"],
        )
    caption = _say(
        lang, "Rework: cases returning to an earlier stage", "返工：退回前序环节的项目"
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=rw,
        language=lang,
        right=(_h("rework_rate", lang),),
    )


def survey_table(run: DiagnosisRun):
    """Survey dimensions: respondents, mean score with CI, agree/disagree shares."""
    lang, sv = run.language, run.result.survey
    if sv is None or sv.empty or not sv["mean"].notna().any():
        # no survey, or one without a usable answer (dimensions, no scores)
        return _not_in_report(run, "survey")
    lo, hi = getattr(run.settings, "scale", (1, 5)) or (1, 5)
    shown = pd.DataFrame(
        {
            _h("dimension", lang): sv["dimension"],
            _h("respondents", lang): sv["n_respondents"],
            _h("mean_score", lang, lo=lo, hi=hi): [
                _with_ci(v, a, b, lambda x: _num(x, 2), lang)
                for v, a, b in zip(sv["mean"], sv["ci_low"], sv["ci_high"])
            ],
            _h("top2", lang): sv["top2box"].map(_pct),
            _h("bottom2", lang): sv["bottom2box"].map(_pct),
        }
    )
    shown[_h("alpha", lang)] = [
        _alpha_cell(a, ok, lang) for a, ok in zip(sv["alpha"], sv["reliable"])
    ]
    worst = sv.loc[sv["mean"].idxmin()]
    best = sv.loc[sv["mean"].idxmax()]
    meaning = _say(
        lang,
        "Lowest rated: {w} (mean {wm}, {wd} disagree); highest: {b} (mean {bm}).",
        "得分最低的是「{w}」（平均 {wm} 分，{wd} 不认同）；最高的是「{b}」（平均 "
        "{bm} 分）。",
        w=worst["dimension"],
        wm=_num(worst["mean"], 2),
        wd=_pct(worst["bottom2box"]),
        b=best["dimension"],
        bm=_num(best["mean"], 2),
    )
    meaning += _reliability_note(sv, lang)
    caption = _say(lang, "Survey scores per dimension", "问卷各维度得分")
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=sv,
        language=lang,
        right=tuple(shown.columns[2:]),
    )


def _alpha_cell(alpha, reliable, lang: str) -> str:
    """``0.83`` for a reliable dimension, ``0.62 (not reliable)`` below 0.7."""
    if _missing(alpha):
        return "–"
    if bool(reliable):
        return _num(alpha, 2)
    return (
        f"{_num(alpha, 2)}（不可靠）"
        if lang == "zh"
        else f"{_num(alpha, 2)} (not reliable)"
    )


def _reliability_note(sv: pd.DataFrame, lang: str) -> str:
    """A sentence per dimension too unreliable to average, naming the item
    that holds its alpha down when dropping one would help."""
    notes = []
    for r in sv.loc[sv["alpha"].notna() & ~sv["reliable"].astype(bool)].to_dict(
        "records"
    ):
        text = _say(
            lang,
            " {d} is not reliable enough to average (α {a} < 0.7)",
            "「{d}」的信度不足以取平均（α {a} < 0.7）",
            d=r["dimension"],
            a=_num(r["alpha"], 2),
        )
        if not _missing(r["item_to_check"]):
            text += _say(
                lang,
                "; item {i} holds it down (α {b} without it: check its wording or "
                "reverse coding)",
                "；题目 {i} 拉低了信度（去掉后 α {b}，请检查题目措辞或是否应反向计分）",
                i=r["item_to_check"],
                b=_num(r["alpha_without"], 2),
            )
        notes.append(text + ("。" if lang == "zh" else "."))
    return "".join(notes)


def _bench_fmt(unit: str):
    if unit == "share":
        return _pct
    if unit == "working_days":
        return _num
    if unit.startswith("score"):
        return lambda x: _num(x, 2)
    return _smart


def _unit_label(unit, lang: str) -> str:
    """ " (working days)" / "（工作日）" after a metric name; "" for other units."""
    if str(unit) == "working_days":
        return "（工作日）" if lang == "zh" else " (working days)"
    return ""


def benchmark_table(run: DiagnosisRun):
    """Our metrics against the benchmarks: value with CI, benchmark, gap, noise."""
    lang, bm = run.language, run.result.benchmarks
    if bm is None or bm.empty:
        return _not_in_report(run, "benchmarks")
    # a metric whose input is there but whose every outcome is still pending
    # (n = 0) has no value either: that is not a missing input
    head = run.result.headline
    pending = (
        set(head.loc[head["n"].fillna(0).eq(0), "metric"])
        if head is not None and {"metric", "n"} <= set(head.columns)
        else set()
    )
    rows = []
    for r in bm.to_dict("records"):
        fmt = _bench_fmt(str(r.get("unit", "")))
        gap = r.get("gap_pct")
        # a metric without its input (no survey, no KPI file) is not measured:
        # 'worse? no' would read as a comparison that was made
        unmeasured = _missing(r.get("value"))
        rows.append(
            {
                _h("metric", lang): metric_label(r["metric"], lang)
                + _unit_label(r.get("unit"), lang),
                _h("ours", lang): word(
                    "all pending" if r["metric"] in pending else "not measured", lang
                )
                if unmeasured
                else _with_ci(r["value"], r["ci_low"], r["ci_high"], fmt, lang),
                _h("benchmark", lang): fmt(r["benchmark"]),
                _h("gap", lang): "–" if _missing(gap) else f"{gap * 100:+.0f}%",
                _h("worse", lang): "–" if unmeasured else _yes(r.get("worse"), lang),
                _h("beyond_noise", lang): "–"
                if unmeasured
                else _yes(r.get("beyond_noise"), lang),
            }
        )
    shown = pd.DataFrame(rows)
    bad = bm[bm["worse"].astype(bool) & bm["beyond_noise"].astype(bool)]
    names = ("、" if lang == "zh" else ", ").join(
        metric_label(m, lang) for m in bad["metric"]
    )
    if bad.empty:
        meaning = _say(
            lang,
            "No metric is worse than its benchmark beyond the noise.",
            "没有指标在误差范围之外差于基准。",
        )
    else:
        meaning = _say(
            lang,
            "{k} of {n} metrics are worse than the benchmark beyond the noise: "
            "{names}.",
            "{n} 项指标中有 {k} 项差于基准且超出误差范围：{names}。",
            k=len(bad),
            n=int(bm["value"].notna().sum()),  # of those measured
            names=names,
        )
    unmeasured = bm[bm["value"].isna() & ~bm["metric"].isin(pending)]
    waiting = bm[bm["value"].isna() & bm["metric"].isin(pending)]
    for rows, en, zh in (
        (
            waiting,
            " No outcome known yet (all pending): {names}.",
            "尚无已知结果（全部待定）：{names}。",
        ),
        (
            unmeasured,
            " Not measured (no input for them): {names}.",
            "未测量（缺少相应输入）：{names}。",
        ),
    ):
        if len(rows):
            names = [metric_label(m, lang) for m in rows["metric"]]
            meaning += _say(
                lang, en, zh, names=("、" if lang == "zh" else ", ").join(names)
            )
    caption = _say(
        lang,
        "Our figures against the benchmarks (gap relative to the benchmark)",
        "本团队指标与基准值对比（差距为相对基准的百分比）",
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=bm,
        language=lang,
        right=(_h("ours", lang), _h("benchmark", lang), _h("gap", lang)),
    )


# ---- pilot tables ----------------------------------------------------------


def _target_estimate(r: dict, lang: str) -> str:
    q, metric = str(r.get("quantity", "")), str(r.get("metric", ""))
    v, lo, hi = r.get("estimate"), r.get("ci_low"), r.get("ci_high")
    if q == "pct_change":
        return _signed_ci(v, lo, hi, 0, "%", lang)
    if metric == "overdue_rate":
        if q == "level":
            return _with_ci(v, lo, hi, lambda x: _pct(x, 1), lang)
        return _signed_ci(
            *(None if _missing(x) else x * 100 for x in (v, lo, hi)),
            1,
            " pp",
            lang,
        )
    return _signed_ci(v, lo, hi, 2, "", lang)


def _target_lines(targets: pd.DataFrame, lang: str) -> list[str]:
    out = []
    for r in targets.to_dict("records"):
        out.append(
            _say(
                lang,
                "{m}: target {t}; estimate {e} — {s}",
                "{m}：目标为{t}；估计 {e} —— {s}",
                m=metric_label(r["metric"], lang, pilot=True),
                t=r.get("target", "–"),
                e=_target_estimate(r, lang),
                s=word(str(r.get("status", "")), lang),
            )
        )
    return out


def targets_table(run: PilotRun):
    """The SMART targets: estimate with CI, status (met / not met / inconclusive)."""
    lang, tg = run.language, run.result.targets
    if tg is None or tg.empty:
        return None
    shown = pd.DataFrame(
        {
            _h("metric", lang): [
                metric_label(m, lang, pilot=True) for m in tg["metric"]
            ],
            _h("target", lang): tg["target"],
            _h("estimate", lang): [
                _target_estimate(r, lang) for r in tg.to_dict("records")
            ],
            _h("status", lang): [word(str(s), lang) for s in tg["status"]],
            _h("primary", lang): [_yes(x, lang) for x in tg.get("primary", False)],
        }
    )
    from diagnose.compare.verdict import status_counts

    counts = status_counts(tg)
    prim = tg[tg["primary"].astype(bool)] if "primary" in tg else tg.head(0)
    meaning = _say(
        lang,
        "Of {n} targets, {met} met, {nm} not met and {inc} inconclusive (the "
        "95% CI straddles the target).",
        "{n} 个目标中，达成 {met} 个、未达成 {nm} 个、无法判断 {inc} 个（95% 置信区间"
        "跨过目标值）。",
        n=len(tg),
        met=counts["met"],
        nm=counts["not met"],
        inc=counts["inconclusive"],
    )
    if counts["no data"]:
        meaning += _say(
            lang,
            " {nd} could not be judged: no data.",
            "另有 {nd} 个没有数据，无法判定。",
            nd=counts["no data"],
        )
    if len(prim):
        p = prim.iloc[0]
        meaning += _say(
            lang,
            " Primary target ({m}): {s}.",
            "主要目标（{m}）：{s}。",
            m=metric_label(p["metric"], lang, pilot=True),
            s=word(str(p["status"]), lang),
        )
    caption = _say(lang, "Targets and how they were judged", "目标及判定")
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=tg,
        language=lang,
        right=(_h("estimate", lang),),
    )


_COMPARISONS = {
    "before/after": ("before vs after (pilot teams)", "试点前后对比"),
    "survival": (
        "before vs after, open cases counted (Kaplan–Meier)",
        "试点前后对比（计入未完成项目，Kaplan–Meier）",
    ),
    "DiD": (
        "pilot vs control teams (difference-in-differences)",
        "试点组对比对照组（双重差分）",
    ),
}
_GROUPS = {
    "pilot": ("pilot teams", "试点团队"),
    "overall": ("all questions", "全部题目"),
    "pilot vs control": ("pilot vs control teams", "试点组对比对照组"),
}


def _effect_change(r: dict, lang: str) -> str:
    metric = str(r.get("metric", ""))
    if not _missing(r.get("pct_change")) and metric != "overdue_rate":
        return _signed_ci(
            r["pct_change"], r["pct_ci_low"], r["pct_ci_high"], 0, "%", lang
        )
    v, lo, hi = r.get("estimate"), r.get("ci_low"), r.get("ci_high")
    if metric == "overdue_rate":
        return _signed_ci(
            *(None if _missing(x) else x * 100 for x in (v, lo, hi)), 1, " pp", lang
        )
    if metric == "cycle_time":
        unit = " 个工作日" if lang == "zh" else " d"
        return _signed_ci(v, lo, hi, 1, unit, lang)
    return _signed_ci(v, lo, hi, 2, "", lang)


def _level(metric: str, x) -> str:
    if metric == "overdue_rate":
        return _pct(x, 1)
    return _num(x, 2 if metric == "satisfaction" else 1)


def effects_table(run: PilotRun):
    """Every estimated effect: comparison, before, after, change with CI, p."""
    lang, ef = run.language, run.result.effects
    if ef is None or ef.empty:
        return None
    rows = []
    for r in ef.to_dict("records"):
        m = str(r["metric"])
        comp = _COMPARISONS.get(str(r.get("comparison")))
        grp = _GROUPS.get(str(r.get("group")))
        rows.append(
            {
                _h("metric", lang): metric_label(m, lang, pilot=True)
                + _PILOT_UNITS.get(m, ("", ""))[lang == "zh"],
                _h("comparison", lang): (comp[1] if lang == "zh" else comp[0])
                if comp
                else str(r.get("comparison", "–")),
                _h("group", lang): (grp[1] if lang == "zh" else grp[0])
                if grp
                else str(r.get("group", "–")),
                _h("before", lang): _level(m, r.get("before")),
                _h("after", lang): _level(m, r.get("after")),
                _h("change", lang): _effect_change(r, lang),
                _h("p_value", lang): _p(r.get("p_value")),
            }
        )
    shown = pd.DataFrame(rows)
    clear = ef[(ef["ci_low"] > 0) | (ef["ci_high"] < 0)]
    if clear.empty:
        meaning = _say(
            lang,
            "None of the {n} estimated changes is clearly different from no change: "
            "every 95% CI includes zero.",
            "{n} 项估计的变化都不能与“没有变化”区分开：所有 95% 置信区间都包含零。",
            n=len(ef),
        )
    else:
        sep = "、" if lang == "zh" else ", "
        total = ef["metric"].astype(str).value_counts()
        names = sep.join(
            _say(
                lang,
                "{m} ({k} of {n})",
                "{m}（{n} 项中 {k} 项）",
                m=metric_label(m, lang, pilot=True),
                k=k,
                n=int(total[m]),
            )
            for m, k in clear["metric"].astype(str).value_counts(sort=False).items()
        )
        meaning = _say(
            lang,
            "{k} of {n} estimated changes are clearly different from no change "
            "(95% CI excludes zero): {names}.",
            "{n} 项估计中有 {k} 项明显不同于“没有变化”（95% "
            "置信区间不含零）：{names}。",
            k=len(clear),
            n=len(ef),
            names=names,
        )
    meaning += _borderline_note(ef, lang)
    caption = _say(
        lang,
        "Effects with 95% confidence intervals (methods: see the appendix)",
        "效果与 95% 置信区间（方法见附录）",
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=ef,
        language=lang,
        right=tuple(shown.columns[3:]),
    )


def _borderline_note(ef: pd.DataFrame, lang: str) -> str:
    """Name the effects whose interval and test disagree on "no change"."""
    from diagnose.compare.result import interval_and_test_disagree

    odd = ef[
        interval_and_test_disagree(
            ef["ci_low"], ef["ci_high"], ef["p_value"], ef["confidence"]
        )
    ]
    if odd.empty:
        return ""
    sep = "、" if lang == "zh" else ", "
    names = sep.join(
        dict.fromkeys(metric_label(str(m), lang, pilot=True) for m in odd["metric"])
    )
    return _say(
        lang,
        " For {names} the interval and the test disagree (one says the change is "
        "clear, the other does not): read it as borderline.",
        "{names}的区间与检验结论不一致（一个认为变化明确，另一个不认为）：应视为临界结果。",
        names=names,
    )


def _mde_text(value, unit: str, lang: str) -> str:
    if _missing(value):
        return "–"
    if unit == "%":
        return f"{value:+.1f}%"
    if unit == "pp":
        return f"{value:+.1f} pp"
    return f"{value:+.2f}" + (" 分" if lang == "zh" else " points")


def mde_table(run: PilotRun):
    """What this pilot could detect: minimum detectable effect against each target."""
    lang, md = run.language, run.result.mde
    if md is None or md.empty:
        return None
    shown = pd.DataFrame(
        {
            _h("metric", lang): [
                metric_label(m, lang, pilot=True) for m in md["metric"]
            ],
            _h("sample", lang): [
                f"{as_count(int(a))} / {as_count(int(b))}"
                + (T("effective_n", lang) if m == "overdue_rate" else "")
                for m, a, b in zip(md["metric"], md["n_before"], md["n_after"])
            ],
            _h("mde", lang): [
                _mde_text(v, u, lang) for v, u in zip(md["mde"], md["unit"])
            ],
            _h("target_change", lang): [
                _mde_text(v, u, lang) for v, u in zip(md["target"], md["unit"])
            ],
            _h("detectable", lang): [
                "–" if _missing(u) else _yes(not bool(u), lang)
                for u in md["underpowered"]
            ],
        }
    )
    weak = md[md["underpowered"].fillna(False).astype(bool)]
    if weak.empty:
        meaning = _say(
            lang,
            "The pilot is large enough to detect every targeted change.",
            "本次试点的样本量足以检测到每一个目标变化。",
        )
    else:
        names = ("、" if lang == "zh" else ", ").join(
            metric_label(m, lang, pilot=True) for m in weak["metric"]
        )
        meaning = _say(
            lang,
            "Too few cases to detect the targeted change of {names}: a change of "
            "that size can be neither confirmed nor ruled out — run the pilot "
            "longer or on more teams.",
            "样本量不足以检测{names}的目标变化：这种幅度的变化既无法证实也无法排除"
            "——需要延长试点或增加试点团队。",
            names=names,
        )
    caption = _say(
        lang,
        "Smallest change this pilot could detect (80% power, 5% level)",
        "本次试点能检测到的最小变化（检验功效 80%，显著性水平 5%）",
    )
    return _curated(
        shown,
        caption=caption,
        meaning=meaning,
        full=md,
        language=lang,
        right=tuple(shown.columns[1:4]),
    )


# ---- charts and their captions -------------------------------------------

_CAPTIONS = {
    "bottlenecks": (
        "Each bar is a stage or a handoff; its length is the share of all working "
        "time lost beyond time limits that it causes, and its colour the impact. "
        "Read from the top: the longest bar is where to start.",
        "每根横条代表一个环节或一次交接，长度为它造成的超时时间占全部超时时间的比例，"
        "颜色表示影响程度。从上往下读：最长的横条就是应优先改进之处。",
    ),
    "cycle_time": (
        "How many finished cases took how long, from the first task to the last, in "
        "working days. The vertical lines mark the median and the 85th/95th "
        "percentiles of the finished cases only: a long right tail means a few "
        "cases take far longer than the rest. The headline cycle time uses "
        "Kaplan–Meier, which also counts the open cases as unfinished, so it can "
        "be longer than the lines here.",
        "已完成项目从第一项任务开始到最后一项结束所用的工作日分布。竖线分别为仅已完成"
        "项目的中位数和第 85/95 百分位数；右侧拖尾越长，说明少数项目耗时远超其他项目。"
        "摘要中的周期采用 Kaplan–Meier 方法，把未完成项目也按未完成计入，"
        "因此可能长于图中竖线。",
    ),
    "stages": (
        "For each stage, the median wait before it starts (orange) and the median "
        "time it takes (blue), in working days. A long orange segment is time lost "
        "between teams, a long blue one time spent in the stage itself.",
        "每个环节开始前的中位等待（橙色）与环节本身的中位耗时（蓝色），单位为工作日。"
        "橙色段长说明时间耗在交接之间，蓝色段长说明耗在环节本身。",
    ),
    "handoffs": (
        "Median wait in hours when work passes from the department on the left to "
        "the department at the bottom; darker cells wait longer. A dark cell far "
        "above the others is a handoff to fix.",
        "工作从左侧部门交给下方部门时的中位等待小时数；颜色越深等待越久。"
        "明显深于其他格子的交接就是需要改进的交接。",
    ),
    "overdue": (
        "Share of tasks finished after their due date (or open past it) per stage "
        "(left) and per team (right); the whiskers are 95% confidence intervals "
        "and n is the number of tasks whose outcome is known (open tasks not yet "
        "due are left out). Bars whose whiskers do not overlap differ "
        "beyond chance.",
        "各环节（左）和各团队（右）晚于截止日期完成或过期未完成的任务占比；误差线为 "
        "95% 置信区间，n 为结果已知的任务数（未到期的未完成任务不计）。"
        "误差线不重叠的柱子之间的差异超出了随机波动。",
    ),
    "workload": (
        "Open tasks per person over time; the dashed line is the limit of "
        "concurrent tasks. Lines above it are days of overload.",
        "每人同时在办的任务数随时间的变化；虚线为同时在办上限，高于虚线的部分即超负荷"
        "的日子。",
    ),
    "flow": (
        "Work in progress per stage over time (stacked). A band that keeps "
        "widening is a stage where work piles up faster than it leaves.",
        "各环节在办工作量随时间的变化（堆叠）。持续变宽的色带说明该环节的工作进来得"
        "比出去得快，正在积压。",
    ),
    "survey": (
        "Answers per survey dimension: disagreement to the left of zero, agreement "
        "to the right, neutral centred. A bar reaching far left is a dimension "
        "the team is unhappy with.",
        "问卷各维度的回答分布：零点左侧为不认同，右侧为认同，中立居中。向左延伸越多，"
        "团队对该维度越不满意。",
    ),
    "effects": (
        "Each line is one estimated change with its 95% confidence interval; the "
        "red ticks are the targets. A target is met when the whole interval lies "
        "on its good side, not met when it lies wholly on the bad side.",
        "每条线是一项估计的变化及其 95% 置信区间，红色刻度为目标值。整个区间都在目标"
        "的有利一侧为达成，整个区间都在不利一侧为未达成。",
    ),
    "before_after": (
        "Cycle time of each case before and after the switch, for the pilot and "
        "the control teams (log scale). The box holds the middle half of the "
        "cases, the line in it is the median.",
        "试点前后每个项目的周期，分试点团队和对照团队（对数刻度）。箱体为中间一半的"
        "项目，箱内横线为中位数。",
    ),
    "did": (
        "Monthly mean of log cycle time for the pilot and the control teams; the "
        "vertical line is the switch. An effect shows as the pilot line moving away "
        "from the control line after the switch.",
        "试点团队与对照团队每月对数周期的平均值；竖线为切换时间。若试点有效，切换后"
        "试点线会偏离对照线。",
    ),
    "pretrend": (
        "Before the switch, both groups should move in parallel; the straight "
        "lines are linear fits. Diverging lines would make the before/after "
        "comparison unreliable.",
        "切换前两组应平行变化；直线为线性拟合。若两条线明显分离，试点前后对比就不可靠"
        "。",
    ),
}


def pretrend_heading(run: PilotRun):
    """The parallel-trends heading, or None when there is no pre-trend test
    (an empty heading would stand over nothing)."""
    if run.result.pretrend is None:
        return None
    return render.section(
        "Before the switch: parallel trends", "试点前趋势检验", run.language
    )


def pretrend_note(run: PilotRun):
    """The parallel-trends test in one sentence (a callout), or None without one."""
    pre = run.result.pretrend
    if pre is None:
        return None
    return render.callout(pre.summary(run.language), language=run.language)


def _not_in_report(run, key: str):
    """A line under an empty section: no such input was given (and how to
    add it), or the one given had nothing usable."""
    given = run.loads.get(key) is not None
    text = T(f"{key}_{'empty' if given else 'missing'}", run.language)
    return render.as_html(f'<p class="dg-caption">{render.escape(text)}</p>')


def figure_caption(key: str, language: str = "en", extra: str = ""):
    """Caption under a chart: what it shows and how to read it (plus
    ``extra``, a sentence about this report's data)."""
    if key not in _CAPTIONS:
        raise ValueError(
            f"The 'key' parameter of figure_caption must be one of "
            f"{sorted(_CAPTIONS)}. Got {key!r} instead."
        )
    en, zh = _CAPTIONS[key]
    text = (zh if language == "zh" else en) + extra
    return render.as_html(f'<p class="dg-caption">{render.escape(text)}</p>')


def chart_alt_text(fig, key: str, language: str = "en", extra: str = "") -> str:
    """Alternative text of a chart for screen readers: its title(s), then the
    caption (:func:`figure_caption`), as plain text."""
    en, zh = _CAPTIONS[key]
    caption = (zh if language == "zh" else en) + extra
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text():
        titles.insert(0, fig._suptitle.get_text())
    if not titles:
        return caption
    return (
        ("；" if language == "zh" else "; ").join(titles)
        + ("。" if language == "zh" else ". ")
        + caption.strip()
    )


def _open_cases_note(cases: pd.DataFrame, lang: str) -> str:
    """How many cases the histogram leaves out because they are still open,
    and how many of those only wait for their next stage."""
    n_open = int(cases["is_open"].sum())
    if not n_open:
        return ""
    waiting = int(cases["waiting_next_stage"].sum())
    return _say(
        lang,
        " {n} of {t} cases are still open and not drawn{w}; the median cycle time "
        "counts them as unfinished (Kaplan–Meier).",
        "{t} 个项目中有 {n} 个尚未完成，未画入图中{w}；中位周期把它们按未完成计入"
        "（Kaplan–Meier）。",
        n=n_open,
        t=len(cases),
        w=_say(
            lang,
            " ({k} of them waiting for their next stage)",
            "（其中 {k} 个在等待下一环节）",
            k=waiting,
        )
        if waiting
        else "",
    )


def _has_values(acts: pd.DataFrame, column: str) -> bool:
    return column in acts.columns and bool(acts[column].notna().any())


def _no_due_dates(run) -> bool:
    """True when the activities have rows but not one due date."""
    from diagnose.diagnosis import lacks_due_dates

    return lacks_due_dates(getattr(run, "activities", None))


def _chart_gap(run, key: str) -> str | None:
    """Why chart ``key`` has nothing to draw (a sentence saying what is
    missing and how to add it), or None when it has data."""
    acts, lang = run.activities, run.language
    if key == "handoffs":
        if not _has_values(acts, "department"):
            return T("handoffs_no_department", lang)
        if run.result.handoffs is None or run.result.handoffs.empty:
            return T("handoffs_none", lang, as_of=run.as_of)
        return None
    if key == "overdue" and _no_due_dates(run):
        return T("overdue_no_due", lang)
    tables = {
        "bottlenecks": lambda: run.result.bottlenecks,
        "stages": lambda: run.result.stages,
        "overdue": lambda: run.result.overdue,
    }
    if key in ("bottlenecks", "stages", "overdue", "workload", "flow", "cycle_time"):
        table = tables[key]() if key in tables else None
        started = acts["start"].notna() & (acts["start"] <= run.as_of)
        if not started.any() and len(acts):
            return T(
                "nothing_started", lang, as_of=run.as_of, first=acts["start"].min()
            )
        if table is not None and table.empty:
            return T("no_rows_chart", lang)
    return None


def _gap_note(text: str):
    return render.as_html(f'<p class="dg-caption">{render.escape(text)}</p>')


def chart(run, key: str):
    """Draw chart ``key`` of a report in its language, show it, return its caption.

    Keys: ``bottlenecks, cycle_time, stages, handoffs, overdue, workload, flow,
    survey`` (diagnosis) and ``effects, before_after, did, pretrend`` (pilot).
    The figure is displayed (``IPython.display``, its alternative text
    :func:`chart_alt_text` in the output metadata) and closed; the caption
    (:func:`figure_caption`) is returned, so a notebook cell
    ``sections.chart(run, "stages")`` shows the chart with its caption below.
    Returns None when the report has no data for the chart.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    from diagnose import plots

    lang = run.language
    fig, extra = None, ""
    gap = _chart_gap(run, key) if isinstance(run, DiagnosisRun) else None
    if gap is not None:
        return _gap_note(gap)
    if key == "bottlenecks":
        fig = plots.plot_bottlenecks(run.result.bottlenecks, language=lang).figure
    elif key == "cycle_time":
        cases = run.result.cases
        if cases is None:  # a result built by hand, without the case table
            from diagnose.metrics import case_durations
            from diagnose.metrics._common import resolve_calendar

            cases = case_durations(
                run.activities,
                as_of=run.as_of,
                calendar=resolve_calendar(None, run.settings),
                final_stages=run.settings.final_stages,
            )
        fig = plots.plot_cycle_time(cases, language=lang).figure
        extra = _open_cases_note(cases, lang)
    elif key == "stages":
        fig = plots.plot_stage_breakdown(run.result.stages, language=lang).figure
    elif key == "handoffs":
        fig = plots.plot_handoff_matrix(run.result.handoffs, language=lang).figure
    elif key == "overdue":
        from diagnose.metrics import overdue_rate

        fig, axes = plt.subplots(1, 2, figsize=(12, 4))
        plots.plot_overdue_rate(
            run.result.overdue, x="activity", ax=axes[0], language=lang
        )
        teams = overdue_rate(run.activities, by="team", as_of=run.as_of)
        plots.plot_overdue_rate(teams, x="team", ax=axes[1], language=lang)
        fig.tight_layout()
    elif key == "workload":
        from diagnose.metrics.workload import workload

        load = workload(run.activities, as_of=run.as_of, settings=run.settings)
        fig = plots.plot_workload(
            load, limit=run.settings.max_concurrent, language=lang
        ).figure
    elif key == "flow":
        from diagnose.metrics import wip

        flow = wip(run.activities, as_of=run.as_of, by="activity")
        fig = plots.plot_cumulative_flow(flow, by="activity", language=lang).figure
    elif key == "survey":
        if "survey" not in run.loads or run.loads["survey"].data.empty:
            return None  # survey_table says why there is nothing to show
        fig = plots.plot_likert(
            run.loads["survey"].data, settings=run.settings, language=lang
        ).figure
    elif key == "effects":
        res = run.result
        fig = plots.plot_effects(res.effects, res.targets, language=lang).figure
    elif key == "before_after":
        fig = plots.plot_before_after(run.result.cases, language=lang).figure
    elif key == "did":
        fig = plots.plot_did(
            run.result.cases, switch=run.config.pilot_start, language=lang
        ).figure
    elif key == "pretrend":
        if run.result.pretrend is None:
            return None
        fig = plots.plot_pretrend(run.result.pretrend, language=lang).figure
    else:
        figure_caption(key, lang)  # raises the error naming the valid keys
    # the alt text travels as output metadata; export_html puts it on the <img>
    # (nbconvert's default alt is "No description has been provided")
    alt = chart_alt_text(fig, key, lang, extra)
    display(fig, metadata={"image/png": {"alt": alt}})
    plt.close(fig)
    return figure_caption(key, lang, extra)
