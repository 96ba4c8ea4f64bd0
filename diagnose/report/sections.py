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

import pandas as pd

from diagnose.report import render

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
    "T",
]

# --------------------------------------------------------------------------
# Texts in both languages
# --------------------------------------------------------------------------

_TEXT = {
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
        "Start with {location}: {problem}",
        "从「{location}」入手：{problem}",
    ),
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
    return (zh if language == "zh" else en).format(**values)


def _ci(value, low, high, *, pct=False, digits=1) -> str:
    if value is None or pd.isna(value):
        return "–"
    f = (lambda x: f"{x:.0%}") if pct else (lambda x: f"{x:.{digits}f}")
    if pd.isna(low) or pd.isna(high):
        return f(value)
    return f"{f(value)} ({f(low)}–{f(high)})"


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
    return {k: (base / v).resolve() for k, v in data.items() if v}


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
            loads[key] = (
                loader(paths[key], scale=settings.scale)
                if key == "survey"
                else loader(paths[key])
            )
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
    return render._html(
        f'<header class="dg-title"><h1>{render._e(title)}</h1>'
        f'<p class="dg-period">{render._e(period)}</p></header>'
    )


def _headline_value(headline: pd.DataFrame, metric: str, *, pct=False):
    rows = headline[headline["metric"] == metric]
    if rows.empty:
        return None
    r = rows.iloc[0]
    return _ci(r["value"], r["ci_low"], r["ci_high"], pct=pct)


def diagnosis_summary(run: DiagnosisRun, *, record: bool = True):
    """Executive summary card: top bottlenecks and headline metrics with CIs.

    Also records the report's verdict and headline numbers for the index
    (:func:`diagnose.report.render.record_summary`).
    """
    lang, res = run.language, run.result
    tab = res.bottlenecks
    high = tab[tab["impact"] == "high"]
    if len(high):
        top = high.iloc[0]
        verdict, level = T("top_bottleneck", lang, location=top["location"]), "bad"
        actions = [
            T("actions_bottleneck", lang, location=r.location, problem=r.problem)
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
        value = _headline_value(res.headline, metric, pct=pct)
        if value is not None:
            headline[T(key, lang)] = value
    findings = res.summary_lines()
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
    result = compare_pilot(cfg, n_resamples=n_resamples, seed=seed)
    acts = load_activities(cfg.activities).data
    files = {str(cfg.activities): len(acts)}
    if cfg.survey is not None:
        files[str(cfg.survey)] = None
    return PilotRun(
        config=cfg,
        language=cfg.language,
        result=result,
        activities_frame=acts,
        files=files,
        parameters={"config_path": config_path, "language": cfg.language},
        started_at=started,
    )


def _effect_text(effects: pd.DataFrame, metric: str, lang: str) -> str | None:
    rows = effects[effects["metric"].astype(str).str.startswith(metric)]
    if "primary" in rows.columns and rows["primary"].any():
        rows = rows[rows["primary"].astype(bool)]
    if rows.empty:
        return None
    r = rows.iloc[0]
    pct = metric == "overdue_rate"
    if "pct_change" in r.index and pd.notna(r.get("pct_change")):
        return f"{r['pct_change']:+.0f}% ({r['pct_ci_low']:+.0f}% – {r['pct_ci_high']:+.0f}%)"
    est = r["estimate"]
    if pct:
        return (
            f"{est * 100:+.1f} pp ({r['ci_low'] * 100:+.1f} – "
            f"{r['ci_high'] * 100:+.1f})"
        )
    return f"{est:+.2f} ({r['ci_low']:+.2f} – {r['ci_high']:+.2f})"


def pilot_summary(run: PilotRun, *, record: bool = True):
    """Executive summary card of a pilot: verdict, targets, headline effects with CIs."""
    lang, res = run.language, run.result
    decision = res.verdict.decision
    shown = _DECISIONS_ZH.get(decision, decision) if lang == "zh" else decision
    level = _LEVELS.get(decision, "info")
    labels = {
        "cycle_time": T("cycle", lang),
        "overdue_rate": T("overdue", lang),
        "satisfaction": "满意度变化" if lang == "zh" else "Satisfaction change",
    }
    headline = {}
    for metric in ("cycle_time", "overdue_rate", "satisfaction"):
        text = _effect_text(res.effects, metric, lang)
        if text is not None:
            headline[labels[metric] + (" 效果" if lang == "zh" else " effect")] = text
    findings = []
    if len(res.targets):
        for r in res.targets.to_dict("records"):
            findings.append(
                " · ".join(
                    str(r[c])
                    for c in ("metric", "target", "status")
                    if c in r and pd.notna(r[c])
                )
            )
    findings.extend(res.notes)
    if record:
        render.record_summary(
            {
                "title": run.config.title or run.config.name,
                "verdict": T("pilot_level", lang, decision=shown),
                "level": level,
                "headline": headline,
                "as_of": f"{run.as_of:%Y-%m-%d}",
                "kind": "pilot",
            }
        )
    return render.executive_summary(
        T("pilot_level", lang, decision=shown),
        level=level,
        headline=headline,
        findings=findings,
        actions=[res.verdict.reasons],
        language=lang,
    )


# --------------------------------------------------------------------------
# Shared sections
# --------------------------------------------------------------------------


def data_quality(problems: pd.DataFrame, *, language: str = "en"):
    """The data-quality section: every set-aside or blanked row, with its fix."""
    problems = problems if problems is not None else pd.DataFrame()
    if problems.empty:
        return render.callout(T("dq_none", language), level="good", language=language)
    kept = (
        problems["kept"].astype(bool)
        if "kept" in problems
        else pd.Series(False, index=problems.index)
    )
    text = T("dq_some", language, n_aside=int((~kept).sum()), n_kept=int(kept.sum()))
    cols = [
        c
        for c in ("table", "file", "row", "column", "value", "problem", "fix", "kept")
        if c in problems.columns
    ]
    shown = problems[cols].copy()
    if "file" in shown:
        shown["file"] = shown["file"].map(
            lambda p: Path(str(p)).name if pd.notna(p) else p
        )
    return render.show_table(shown, caption=text, language=language, max_rows=None)


_METHODS = {
    "diagnosis": (
        [
            "Durations are in working days: weekends and public holidays (python-holidays; for China including the make-up working days, 调休) do not count.",
            "Cycle time is summarised by the median and the 85th/95th percentiles; the CI of a median is the distribution-free order-statistic interval (Conover).",
            "Unfinished work is right-censored: median cycle times come from a Kaplan–Meier estimate (open cases count with their age at as_of), with a Brookmeyer–Crowley CI; the finished-only median is shown beside it.",
            "Waits are the gap between the end of one stage and the start of the next stage of the same case; overlapping (parallel) work counts as zero wait.",
            "Rates (overdue, time-limit breach, rework) carry Wilson 95 % intervals.",
            "Bottleneck score: the location's share of all working time spent beyond the time limits; high impact needs a score ≥ 25 %, a breach rate whose Wilson lower bound exceeds 50 % and at least 10 items.",
            "Survey scores: respondent-level means with t intervals; top-2-box shares with Wilson intervals; Cronbach's alpha with Feldt's interval (below 0.7: not reliable enough to average).",
            "Benchmarks: a gap is 'beyond noise' when the benchmark lies outside the metric's 95 % CI.",
        ],
        [
            "耗时按工作日计算：周末和法定节假日（python-holidays；中国含调休补班日）不计入。",
            "周期以中位数和第 85/95 百分位数概括；中位数的置信区间为无分布假设的次序统计量区间（Conover）。",
            "未完成的工作按右删失处理：中位周期由 Kaplan–Meier 估计（未完成项目按截至日的已耗时计入），区间为 Brookmeyer–Crowley 法；同时列出仅按已完成项目计算的中位数。",
            "等待时间为同一项目中上一环节结束到下一环节开始的间隔；并行（重叠）的工作等待计为零。",
            "逾期率、超时率、返工率均给出 Wilson 95% 置信区间。",
            "瓶颈得分：该位置在全部超时时间中的占比；“高影响”需得分 ≥ 25%、超时率 Wilson 下限 > 50% 且至少 10 条记录。",
            "问卷得分：按受访者平均后用 t 区间；前两项占比（top-2-box）用 Wilson 区间；Cronbach α 用 Feldt 区间（低于 0.7 视为不宜合并）。",
            "基准对比：基准值落在指标 95% 置信区间之外时，差距视为“超出误差范围”。",
        ],
    ),
    "pilot": (
        [
            "Cycle time per case in working days. Medians compared with bootstrap CIs (scipy BCa for small samples; exact order-statistic resampling for large ones), Mann–Whitney U test, Hodges–Lehmann shift with the Moses interval.",
            "Unfinished cases: log-rank test and Kaplan–Meier medians with CIs.",
            "Difference-in-differences (pilot vs control teams, before vs after) by OLS on log cycle time (statsmodels); with few teams a wild cluster bootstrap (Webb weights) or, with a single pilot team, robust errors plus randomisation inference over teams — the method column says which.",
            "Overdue rate: difference of proportions with Newcombe's interval and Fisher's exact test.",
            "Satisfaction: difference of mean scores with a Welch t interval and a Mann–Whitney test (paired Wilcoxon when the same people answered twice).",
            "Minimum detectable effect: the smallest change this pilot's sample sizes could detect with 80 % power at the 5 % level (statsmodels power analysis).",
            "Targets are judged on the confidence interval: met when the whole interval is on the good side of the target, not met when it is wholly on the bad side, otherwise inconclusive.",
            "Decision: roll out when every target is met (or the primary one is met and none is clearly missed); stop when the primary metric is clearly worse; otherwise extend the pilot.",
        ],
        [
            "周期按项目计算，单位为工作日。中位数比较采用自助法置信区间（小样本用 scipy BCa，大样本用精确次序统计量重抽样）、Mann–Whitney U 检验及 Hodges–Lehmann 位移（Moses 区间）。",
            "存在未完成项目时：对数秩检验与 Kaplan–Meier 中位数及其区间。",
            "双重差分（试点团队对照团队、试点前对试点后）：对数周期的 OLS 回归（statsmodels）；团队数少时用野生聚类自助法（Webb 权重），只有一个试点团队时用稳健标准误加团队层面的随机化推断——方法列注明所用方法。",
            "逾期率：比例之差的 Newcombe 区间与 Fisher 精确检验。",
            "满意度：平均分之差的 Welch t 区间与 Mann–Whitney 检验（同一批人两次作答时用配对 Wilcoxon 检验）。",
            "最小可检测效应：按本次试点样本量，在 5% 显著性水平和 80% 检验功效下能检测到的最小变化（statsmodels 功效分析）。",
            "目标按置信区间判断：整个区间都在目标的有利一侧为“达成”，整个区间都在不利一侧为“未达成”，否则为“无法判断”。",
            "结论：所有目标达成（或主要目标达成且无明显未达成）则全面推广；主要指标明显变差则停止；其他情况延长试点。",
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
    lis = "".join(f"<li>{render._e(x)}</li>" for x in items)
    return render._html(f'<ol class="dg-methods">{lis}</ol>')


def provenance_block(run):
    """Provenance: input files with rows and checksums, parameters, version, run time."""
    return render.provenance(
        run.files,
        parameters=run.parameters,
        started_at=run.started_at,
        language=run.language,
    )
