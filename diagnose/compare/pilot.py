"""Orchestration: from a pilot config to effects, targets and a verdict.

:func:`compare_pilot` loads the data named in the config, measures each case
(:func:`diagnose.metrics.flow.case_durations`) and task
(:func:`diagnose.metrics.overdue.overdue`), assigns cases to a period by
their **start date** (baseline window / pilot window, whole days inclusive;
cases starting outside both are left out) and to a group by team, and then
calls :func:`analyse_pilot`, the statistical core that works on tidy frames.

Per metric the *primary* effect row (the one targets are judged on):

* ``cycle_time``: with control teams, the DiD on log working days of
  finished cases (% change); without, the before/after ratio of medians of
  the pilot teams. Cases still open at ``as_of`` are right-censored: a
  Kaplan–Meier comparison (log-rank) is reported alongside. DiD errors:
  wild cluster bootstrap by team when there are at least 2 pilot and 2
  control teams (and fewer than 30 teams), CR1 from 30 teams, and with a
  single pilot team case-level HC1 errors plus a randomisation-inference
  p-value over teams — the method string and the reasons say that team-level
  shocks cannot then be separated from the process effect.
* ``overdue_rate``: pilot teams' tasks with a due date, before vs after.
* ``satisfaction``: mean of the respondent's dimension scores, pilot teams,
  before vs after (paired when at least half of the respondents answered in
  both periods); one secondary row per dimension.

The minimum detectable effect (``mde``) of a metric is that of the estimate
its target is judged on: for ``cycle_time`` with control teams, the DiD's
(from its standard error, :func:`~diagnose.compare.power.mde_from_se`);
otherwise the pilot teams' before/after comparison
(:func:`~diagnose.compare.power.minimum_detectable_effect`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from diagnose._format import fill
from diagnose.compare.config import PilotConfig, Target, load_pilot_config
from diagnose.compare.did import (
    DidResult,
    PretrendResult,
    PretrendTooShortError,
    did,
    pretrend,
)
from diagnose.compare.effects import (
    compare_durations,
    compare_proportions,
    compare_scores,
    compare_survival,
)
from diagnose.compare.power import mde_from_se, minimum_detectable_effect
from diagnose.compare.result import _TidyMixin, html_table
from diagnose.compare.verdict import Verdict, judge_targets, recommend

__all__ = ["compare_pilot", "analyse_pilot", "PilotResult", "split_periods"]

_BEFORE = {
    "baseline",
    "before",
    "pre",
    "old",
    "基线",
    "试点前",
    "改进前",
    "前测",
    "基線",
    "試點前",
}
_AFTER = {
    "pilot",
    "after",
    "post",
    "new",
    "试点",
    "试点后",
    "改进后",
    "后测",
    "試點",
    "試點後",
}


# Notes of the comparison, (English, Chinese).
_NOTES = {
    # open pilot cases: what the rows shown do with them; {finished} is one
    # of _FINISHED_ONLY (the median and DiD rows exist only with enough
    # finished cases, the DiD only with controls)
    "still_open": (
        "{n} pilot case(s) still open at as_of: the Kaplan–Meier row counts them "
        "as censored{finished}.",
        "截至统计日仍有 {n} 个试点项目未完成：Kaplan–Meier 一行把它们按删失计入"
        "{finished}。",
    ),
    "outside": (
        "{n} case(s) start outside both periods and are left out.",
        "{n} 个项目的开始日期不在试点前或试点期内，未纳入比较。",
    ),
    "few_finished": (
        "Cycle time not compared: only {nb} finished baseline and {na} finished "
        "pilot case(s) of the pilot teams; at least 2 in each period are needed, "
        "so the pilot cannot be judged on cycle time yet.",
        "周期未比较：试点团队试点前只有 {nb} 个、试点期只有 {na} 个已完成的项目，"
        "每个时期至少需要 2 个，目前无法就周期评判试点。",
    ),
    "no_overdue": (
        "Overdue rate: no pilot tasks with a due date in one of the periods.",
        "逾期率：某一时期内试点团队没有带截止日期的任务，无法比较。",
    ),
    # a period whose pilot tasks are all open and not yet due (a pilot still
    # in progress): they exist, but none can be judged yet
    "overdue_all_pending": (
        "Overdue rate not compared: no pilot task of the {period} period has a "
        "known outcome at as_of; {n} task(s) not yet due, outcome unknown.",
        "逾期率未比较：截至统计日，{period}的试点任务都还没有结果；"
        "{n} 个任务尚未到期，结果未知。",
    ),
    "overdue_pending": (
        "Overdue rate: {n} pilot task(s) not yet due at as_of, outcome unknown; "
        "left out of the rate.",
        "逾期率：截至统计日有 {n} 个试点任务尚未到期，结果未知，未计入逾期率。",
    ),
    "overdue_one_case": (
        "Overdue rate: the {period} period's tasks come from a single case, so how "
        "much tasks of one case are late together cannot be estimated; its tasks "
        "are treated as independent and the interval is too narrow.",
        "逾期率：{period}的任务只来自一个项目，无法估计同一项目任务一起逾期的程度；"
        "这些任务被当作相互独立，置信区间偏窄。",
    ),
    "no_survey": (
        "Satisfaction: the pilot teams have no survey answers in one period.",
        "满意度：某一时期内试点团队没有问卷回答，无法比较。",
    ),
    "pretrend_short": (
        "Pre-trend not tested: only {n} month(s) of data before the switch; at "
        "least 3 are needed.",
        "未检验试点前趋势：切换前只有 {n} 个月的数据，至少需要 3 个月。",
    ),
    "pretrend_failed": (
        "Pre-trend not tested: {error}",
        "未检验试点前趋势：无法拟合试点前的趋势（{error}）。",
    ),
}


def _design_effect(tasks: pd.DataFrame, period: str) -> float:
    """Design effect of the overdue share of ``period``'s tasks, clustered by
    case (:func:`diagnose.stats.design_effect`); 1 without a ``case_id``
    column, NaN when the tasks come from a single case (not estimable)."""
    from diagnose.stats import design_effect

    sub = tasks[tasks["period"] == period]
    if "case_id" not in sub.columns or sub.empty:
        return 1.0
    g = sub.groupby("case_id", sort=False)["is_overdue"]
    return float(design_effect(g.sum().to_numpy(dtype=float), g.size().to_numpy()))


_PERIOD_EN = {"before": "baseline", "after": "pilot"}
_PERIOD_ZH = {"before": "试点前", "after": "试点期"}


# the clause of the "still_open" note naming the rows that use finished cases
# only, by the rows shown: (English, Chinese)
_FINISHED_ONLY = {
    "km": ("", ""),
    "median": (
        "; the median row uses finished cases only",
        "，中位数一行只用已完成的项目",
    ),
    "median_did": (
        "; the median and difference-in-differences rows use finished cases only",
        "，中位数和双重差分各行只用已完成的项目",
    ),
}


def _note(key: str, language: str, **values) -> str:
    """Note ``key`` of :data:`_NOTES` in ``language``, formatted with ``values``."""
    en, zh = _NOTES[key]
    return fill(zh if language == "zh" else en, **values)


@dataclass(frozen=True)
class PilotResult(_TidyMixin):
    """Everything a pilot summary report (试点总结报告) needs.

    Attributes
    ----------
    config : PilotConfig
    effects : DataFrame
        All effect rows (``Effect.to_frame`` / ``DidResult.to_frame`` columns,
        plus ``primary``).
    targets : DataFrame
        :func:`~diagnose.compare.verdict.judge_targets` output.
    verdict : Verdict
    mde : DataFrame
        Minimum detectable effect per metric, of the estimate the target is
        judged on (``comparison``: ``"DiD"`` or ``"before/after"``).
    pretrend : PretrendResult or None
    data_quality : DataFrame
        Loader problems (``file, row, column, value, problem, fix``).
    cases : DataFrame
        Per-case table used (team, group, period, duration, is_open, start).
    did : DidResult or None
    notes : tuple of str
        What the reader must know to read the numbers (open cases counted as
        censored, cases outside both periods, metrics that could not be
        compared), written in the result's :attr:`language`.
    """

    config: PilotConfig | None
    effects: pd.DataFrame
    targets: pd.DataFrame
    verdict: Verdict
    mde: pd.DataFrame
    pretrend: PretrendResult | None = None
    data_quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    did: DidResult | None = None
    notes: tuple[str, ...] = ()

    @property
    def language(self) -> str:
        """Language of the verdict and the notes (``"en"`` or ``"zh"``)."""
        return self.verdict.language

    def to_frame(self) -> pd.DataFrame:
        """The effect rows (one per comparison)."""
        return self.effects.copy()

    def summary(self, language: str | None = None) -> str:
        lang = language or self.verdict.language
        if lang != self.verdict.language:
            return recommend(self.targets, self.mde, language=lang).reasons
        return self.verdict.reasons

    def _repr_html_(self) -> str:
        title = self.config.title if self.config else "Pilot"
        cols = [
            c
            for c in (
                "metric",
                "comparison",
                "group",
                "estimate",
                "ci_low",
                "ci_high",
                "pct_change",
                "pct_ci_low",
                "pct_ci_high",
                "p_value",
                "n_before",
                "n_after",
                "primary",
            )
            if c in self.effects.columns
        ]
        return html_table(
            self.targets, f"{title}: {self.verdict.decision}", self.summary()
        ) + self.effects[cols].to_html(
            index=False, float_format=lambda v: f"{v:.4g}", na_rep=""
        )


def _in_window(ts: pd.Series, start, end) -> pd.Series:
    ok = ts < (pd.Timestamp(end).normalize() + pd.Timedelta(days=1))
    if start is not None:
        ok &= ts >= pd.Timestamp(start).normalize()
    return ok


def split_periods(
    frame: pd.DataFrame, config: PilotConfig, *, time: str = "start"
) -> pd.Series:
    """``"before"``, ``"after"`` or NA for each row by its ``time`` column."""
    ts = pd.to_datetime(frame[time])
    out = pd.Series(pd.NA, index=frame.index, dtype="object")
    out[_in_window(ts, config.baseline_start, config.baseline_end)] = "before"
    out[_in_window(ts, config.pilot_start, config.pilot_end)] = "after"
    return out


def _group(team: pd.Series, pilot_teams, control_teams) -> pd.Series:
    t = team.astype("string").str.strip()
    g = pd.Series(pd.NA, index=team.index, dtype="object")
    g[t.isin(list(pilot_teams))] = "pilot"
    g[t.isin(list(control_teams))] = "control"
    return g


def _row(result, primary: bool) -> pd.DataFrame:
    f = result.to_frame()
    f["primary"] = primary
    return f


def _did_cycle(cases, *, n_boot, seed, language):
    """DiD on log cycle time with the error choice described in the module doc."""
    d = cases[
        (~cases["is_open"]) & (cases["duration"] > 0) & cases["group"].notna()
    ].copy()
    d["treated"] = (d["group"] == "pilot").astype(int)
    d["after"] = (d["period"] == "after").astype(int)
    n_t = d.loc[d["treated"] == 1, "team"].nunique()
    n_c = d.loc[d["treated"] == 0, "team"].nunique()
    note = ""
    if n_t >= 2 and n_c >= 2:
        res = did(
            d,
            "duration",
            "treated",
            "after",
            log=True,
            cluster="team",
            n_boot=n_boot,
            seed=seed,
            metric="cycle_time",
            language=language,
        )
    else:
        res = did(
            d,
            "duration",
            "treated",
            "after",
            log=True,
            cov="HC1",
            metric="cycle_time",
            language=language,
        )
        if d["team"].nunique() >= 3:
            ri = did(
                d,
                "duration",
                "treated",
                "after",
                log=True,
                cluster="team",
                wild_min_clusters=0,
                randomization_inference=True,
                metric="cycle_time",
            )
            note = (
                f"; randomisation inference over teams p = {ri.ri_pvalue:.2f} "
                f"({ri.details.get('ri_assignments')} assignments)"
            )
        res = DidResult(
            **{
                **{k: getattr(res, k) for k in res.__dataclass_fields__},
                "method": res.method
                + (
                    f"; only {n_t} pilot and {n_c} control team(s): cases treated "
                    "as independent (team-level shocks cannot be separated from "
                    "the process effect)" + note
                ),
                "n_clusters": int(d["team"].nunique()),
                "n_treated_clusters": int(n_t),
            }
        )
    return res, d


def analyse_pilot(
    cases: pd.DataFrame,
    *,
    targets: dict,
    metrics=("cycle_time",),
    tasks: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
    switch=None,
    language: str = "en",
    confidence: float = 0.95,
    n_resamples: int = 10_000,
    n_boot: int = 999,
    seed: int = 0,
    with_pretrend: bool = True,
) -> dict:
    """The statistical core of :func:`compare_pilot`, on tidy frames.

    Parameters
    ----------
    cases : DataFrame
        One row per case: ``team``, ``group`` ("pilot"/"control"/NA),
        ``period`` ("before"/"after"/NA), ``duration`` (working days),
        ``is_open`` (bool), ``start`` (for the pre-trend).
    targets : dict
        metric -> :class:`Target` or spec.
    tasks : DataFrame, optional
        One row per task with a due date whose outcome is known at ``as_of``
        (finished, or open past due) or pending: ``group``, ``period``,
        ``is_overdue``, ``case_id`` (tasks of one case are clustered: the
        overdue comparison is Rao–Scott adjusted by each period's design
        effect) and optionally ``is_pending`` (open, not yet due: outcome
        unknown; left out of the rate and counted in a note, as
        ``n_pending`` of :func:`diagnose.metrics.overdue_rate`).
    scores : DataFrame, optional
        ``respondent``, ``group``, ``period``, ``dimension``, ``score``
        (respondent-level dimension scores).
    language : {"en", "zh"}, default="en"
        Language of the verdict, the effects' summaries and the notes.

    Returns
    -------
    dict
        ``effects``, ``targets``, ``verdict``, ``mde``, ``pretrend``, ``did``,
        ``notes`` (sentences in ``language``).
    """
    rows: list[pd.DataFrame] = []
    mdes = []
    notes: list[str] = []
    did_res = None
    pre = None
    tgt = {m: (t if isinstance(t, Target) else None) for m, t in targets.items()}
    pilot = cases[cases["group"] == "pilot"]
    has_control = bool((cases["group"] == "control").any())
    if "cycle_time" in metrics:
        done = pilot[~pilot["is_open"]]
        b = done.loc[done["period"] == "before", "duration"].dropna()
        a = done.loc[done["period"] == "after", "duration"].dropna()
        enough = len(b) >= 2 and len(a) >= 2
        if enough:
            bt = compare_durations(
                b,
                a,
                confidence=confidence,
                n_resamples=n_resamples,
                seed=seed,
                group="pilot",
                language=language,
            )
            rows.append(_row(bt, not has_control))
        else:
            notes.append(_note("few_finished", language, nb=len(b), na=len(a)))
        per = pilot[pilot["period"].notna()]
        if per["is_open"].any():
            sv = compare_survival(
                per.loc[per["period"] == "before", "duration"],
                ~per.loc[per["period"] == "before", "is_open"],
                per.loc[per["period"] == "after", "duration"],
                ~per.loc[per["period"] == "after", "is_open"],
                confidence=confidence,
                group="pilot",
                language=language,
            )
            rows.append(_row(sv, False))
            shown = "km" if not enough else ("median_did" if has_control else "median")
            en, zh = _FINISHED_ONLY[shown]
            notes.append(
                _note(
                    "still_open",
                    language,
                    n=int(per["is_open"].sum()),
                    finished=zh if language == "zh" else en,
                )
            )
        if has_control and enough:
            did_res, _ = _did_cycle(cases, n_boot=n_boot, seed=seed, language=language)
            f = did_res.to_frame()
            f["primary"] = True
            f["group"] = "pilot vs control"
            rows.append(f)
            if with_pretrend and switch is not None:
                pc = cases[
                    (cases["group"].notna())
                    & (~cases["is_open"])
                    & (cases["duration"] > 0)
                ]
                pc = pc.assign(treated=(pc["group"] == "pilot").astype(int))
                try:
                    pre = pretrend(
                        pc,
                        "duration",
                        "treated",
                        "start",
                        switch,
                        log=True,
                        language=language,
                    )
                except PretrendTooShortError as err:
                    notes.append(_note("pretrend_short", language, n=err.n_months))
                except ValueError as err:
                    notes.append(_note("pretrend_failed", language, error=err))
        t = tgt.get("cycle_time")
        target_pct = (
            t.value if (t is not None and t.kind == "change" and t.relative) else None
        )
        if did_res is not None:
            # the verdict judges the DiD: its MDE comes from the DiD's standard
            # error, which also carries the control teams' noise
            mdes.append(
                mde_from_se(
                    did_res.se,
                    len(b),
                    len(a),
                    metric="cycle_time",
                    target=target_pct,
                    comparison="DiD",
                    detail=(
                        f"; {did_res.n} finished cases of the pilot and control "
                        "teams (n above: the pilot teams' finished cases)"
                    ),
                    language=language,
                )
            )
        elif len(b) >= 2 and len(a) >= 2:
            mdes.append(
                minimum_detectable_effect(
                    b,
                    len(b),
                    len(a),
                    metric="cycle_time",
                    target=target_pct,
                    language=language,
                )
            )
    if "overdue_rate" in metrics and tasks is not None:
        pt = tasks[tasks["group"] == "pilot"]
        if "is_pending" in pt.columns:
            wait = pt["is_pending"].to_numpy(dtype=bool)
            waiting = pt.loc[wait, "period"].value_counts()
            pt = pt[~wait]
        else:
            waiting = pd.Series(dtype=int)
        kb = int(pt.loc[pt["period"] == "before", "is_overdue"].sum())
        nb = int((pt["period"] == "before").sum())
        ka = int(pt.loc[pt["period"] == "after", "is_overdue"].sum())
        na = int((pt["period"] == "after").sum())
        if nb and na:
            # tasks of one case are late together: Rao–Scott design effects
            deff = (_design_effect(pt, "before"), _design_effect(pt, "after"))
            for period, d in zip(("before", "after"), deff):
                if np.isnan(d):
                    names = _PERIOD_ZH if language == "zh" else _PERIOD_EN
                    notes.append(
                        _note("overdue_one_case", language, period=names[period])
                    )
            deff = tuple(1.0 if np.isnan(d) else d for d in deff)
            pr = compare_proportions(
                kb,
                nb,
                ka,
                na,
                confidence=confidence,
                group="pilot",
                language=language,
                design_effects=deff,
            )
            rows.append(_row(pr, True))
            t = tgt.get("overdue_rate")
            tv = None
            if t is not None and 0 < kb < nb:
                if t.kind == "change":
                    tv = t.value if t.relative else 100 * t.value
                    if t.relative:
                        tv = kb / nb * t.value  # relative % -> pp
                else:
                    tv = 100 * (t.value - kb / nb)
            # effective numbers of tasks
            nb_eff, na_eff = round(nb / deff[0]), round(na / deff[1])
            if 0 < kb < nb and nb_eff >= 2 and na_eff >= 2:
                mdes.append(
                    minimum_detectable_effect(
                        kb / nb,
                        nb_eff,
                        na_eff,
                        metric="overdue_rate",
                        target=tv,
                        language=language,
                    )
                )
            n_wait = int(waiting.get("before", 0) + waiting.get("after", 0))
            if n_wait:
                notes.append(_note("overdue_pending", language, n=n_wait))
        else:
            names = _PERIOD_ZH if language == "zh" else _PERIOD_EN
            empty = [p for p, n in (("before", nb), ("after", na)) if not n]
            n_wait = int(sum(waiting.get(p, 0) for p in empty))
            if n_wait and all(waiting.get(p, 0) for p in empty):
                notes.append(
                    _note(
                        "overdue_all_pending",
                        language,
                        period=("和" if language == "zh" else " and ").join(
                            names[p] for p in empty
                        ),
                        n=n_wait,
                    )
                )
            else:
                notes.append(_note("no_overdue", language))
    if "satisfaction" in metrics and scores is not None:
        s = scores[(scores["group"] == "pilot") & scores["period"].notna()]
        overall = s.groupby(["respondent", "period"])["score"].mean().unstack()
        if {"before", "after"} <= set(overall.columns):
            both = overall.dropna()
            paired = len(both) >= 0.5 * len(overall) and len(both) >= 3
            if paired:
                sat = compare_scores(
                    both["before"],
                    both["after"],
                    paired=True,
                    confidence=confidence,
                    group="overall",
                    language=language,
                )
            else:
                sat = compare_scores(
                    overall["before"].dropna(),
                    overall["after"].dropna(),
                    confidence=confidence,
                    group="overall",
                    language=language,
                )
            rows.append(_row(sat, True))
            for dim, sd in s.groupby("dimension", sort=False):
                w = sd.groupby(["respondent", "period"])["score"].mean().unstack()
                if (
                    {"before", "after"} <= set(w.columns)
                    and w["before"].count() >= 2
                    and w["after"].count() >= 2
                ):
                    if paired and w.dropna().shape[0] >= 3:
                        r = compare_scores(
                            w.dropna()["before"],
                            w.dropna()["after"],
                            paired=True,
                            confidence=confidence,
                            metric="satisfaction",
                            group=str(dim),
                            language=language,
                        )
                    else:
                        r = compare_scores(
                            w["before"].dropna(),
                            w["after"].dropna(),
                            confidence=confidence,
                            metric="satisfaction",
                            group=str(dim),
                            language=language,
                        )
                    rows.append(_row(r, False))
            t = tgt.get("satisfaction")
            tv = (
                t.value
                if (t is not None and t.kind == "change" and not t.relative)
                else None
            )
            bvals = overall["before"].dropna()
            if len(bvals) >= 2:
                mdes.append(
                    minimum_detectable_effect(
                        bvals,
                        len(bvals),
                        int(overall["after"].count()),
                        metric="satisfaction",
                        target=tv,
                        language=language,
                    )
                )
        else:
            notes.append(_note("no_survey", language))
    effects = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    judged = (
        judge_targets(effects, targets, language=language)
        if not effects.empty
        else judge_targets(pd.DataFrame(columns=["metric"]), targets, language=language)
    )
    mde_frame = (
        pd.concat([m.to_frame() for m in mdes], ignore_index=True)
        if mdes
        else pd.DataFrame()
    )
    verdict = recommend(judged, mdes, language=language)
    if pre is not None and not pre.parallel:
        extra = (
            " 注意：试点前两组趋势已不同，双重差分结果需谨慎解读。"
            if language == "zh"
            else " Caution: before the switch the pilot and control teams were already "
            "drifting apart, so the DiD estimate may be biased."
        )
        verdict = Verdict(
            verdict.decision,
            verdict.reasons + extra,
            verdict.rule,
            verdict.language,
            verdict.judgements,
        )
    return {
        "effects": effects,
        "targets": judged,
        "verdict": verdict,
        "mde": mde_frame,
        "pretrend": pre,
        "did": did_res,
        "notes": tuple(notes),
    }


def _survey_period(values: pd.Series, config: PilotConfig) -> pd.Series:
    words = values.astype("string").str.strip().str.casefold()
    out = pd.Series(pd.NA, index=values.index, dtype="object")
    out[words.isin(_BEFORE)] = "before"
    out[words.isin(_AFTER)] = "after"
    rest = out.isna() & values.notna()
    if rest.any():
        ts = pd.to_datetime(values[rest], errors="coerce")
        sub = pd.DataFrame({"t": ts})
        out[rest] = split_periods(sub.dropna(), config, time="t").reindex(sub.index)
    return out


def compare_pilot(
    config_or_path: PilotConfig | str | Path | dict,
    *,
    n_resamples: int = 10_000,
    n_boot: int = 999,
    seed: int = 0,
    activities=None,
) -> PilotResult:
    """Evaluate a pilot end to end (see the module docstring).

    Parameters
    ----------
    config_or_path : PilotConfig, path or dict
        Validated with :func:`~diagnose.compare.config.load_pilot_config`.
    activities : LoadResult, optional
        The config's activity file already loaded with
        :func:`~diagnose.io.load.load_activities` (a report that also shows
        the table passes it, so the file is read and checked once).

    Returns
    -------
    PilotResult
    """
    from diagnose.config import load_settings
    from diagnose.io.load import load_activities, load_survey
    from diagnose.metrics.flow import case_durations
    from diagnose.metrics.overdue import overdue

    cfg = (
        config_or_path
        if isinstance(config_or_path, PilotConfig)
        else load_pilot_config(config_or_path)
    )
    settings = load_settings(cfg.settings) if cfg.settings else load_settings(None)
    problems = []
    act = (
        activities
        if activities is not None
        else load_activities(cfg.activities, **cfg.activity_options)
    )
    problems.append(act.problems)
    activities = act.data
    from diagnose.metrics._common import resolve_calendar

    cd = case_durations(
        activities,
        as_of=cfg.as_of,
        calendar=resolve_calendar(None, settings),  # the settings' country
        final_stages=settings.final_stages,
    )
    cases = pd.DataFrame(
        {
            "case_id": cd["case_id"],
            "team": cd["team"],
            "start": cd["start"],
            "is_open": cd["is_open"].astype(bool),
            "duration": cd["cycle_working_days"].astype(float),
        }
    )
    cases["group"] = _group(cases["team"], cfg.pilot_teams, cfg.control_teams)
    cases["period"] = split_periods(cases, cfg)
    tasks = None
    if "overdue_rate" in cfg.metrics and "due" in activities.columns:
        od = overdue(activities, as_of=cfg.as_of)
        # outcome known at as_of, or pending (open, not yet due: may still be
        # late, so left out of the rate but counted in a note)
        od = od[od["outcome_known"] | od["is_pending"]]
        info = cases.set_index("case_id")[["group", "period"]]
        tasks = od[["case_id", "is_overdue", "is_pending"]].join(info, on="case_id")
    scores = None
    if "satisfaction" in cfg.metrics and cfg.survey is not None:
        from diagnose.survey import score_items

        sv = load_survey(cfg.survey, scale=settings.scale)
        problems.append(sv.problems)
        scored = score_items(sv.data, settings=settings)
        problems.append(scored.problems)
        v = scored.valid
        per = (
            v.groupby(
                ["respondent", "team", "period", "dimension"], dropna=False, sort=False
            )["score"]
            .mean()
            .reset_index()
        )
        per["group"] = _group(per["team"], cfg.pilot_teams, cfg.control_teams)
        per["period"] = _survey_period(per["period"], cfg)
        scores = per
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        out = analyse_pilot(
            cases,
            targets=cfg.targets,
            metrics=cfg.metrics,
            tasks=tasks,
            scores=scores,
            switch=cfg.pilot_start,
            language=cfg.language,
            n_resamples=n_resamples,
            n_boot=n_boot,
            seed=seed,
        )
    dq = (
        pd.concat([p for p in problems if p is not None and len(p)], ignore_index=True)
        if any(p is not None and len(p) for p in problems)
        else problems[0]
    )
    n_out = int(cases["period"].isna().sum())
    notes = list(out["notes"])
    if n_out:
        notes.append(_note("outside", cfg.language, n=n_out))
    return PilotResult(
        config=cfg,
        effects=out["effects"],
        targets=out["targets"],
        verdict=out["verdict"],
        mde=out["mde"],
        pretrend=out["pretrend"],
        data_quality=dq,
        cases=cases,
        did=out["did"],
        notes=tuple(notes),
    )
