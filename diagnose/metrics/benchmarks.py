"""Headline metrics of a process and how they compare with industry benchmarks.

The handbooks confirm a pain point by comparing the team's figures (average
cycle time, overdue rate, ...) with an industry benchmark (e.g. industry 15
days, this team 22). :func:`headline_metrics` computes the team's figures with
confidence intervals; :func:`compare_to_benchmarks` sets them against the
benchmarks and says whether a gap is bigger than the noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from diagnose import stats
from diagnose.io.columns import normalise_word
from diagnose.metrics._common import check_as_of, resolve_calendar, sharing

__all__ = [
    "METRIC_LABELS",
    "metric_label",
    "format_value",
    "headline_metrics",
    "compare_to_benchmarks",
    "METRIC_ALIASES",
    "HEADLINE_COLUMNS",
]

HEADLINE_COLUMNS = ["metric", "value", "ci_low", "ci_high", "n", "unit", "method"]
COMPARISON_COLUMNS = [
    "metric",
    "value",
    "ci_low",
    "ci_high",
    "benchmark",
    "statistic",
    "direction",
    "unit",
    "gap",
    "gap_pct",
    "worse",
    "beyond_noise",
    "source",
    "note",
]

#: Benchmark metric names (normalised: simplified, casefolded) -> headline metric.
METRIC_ALIASES = {
    "cycle_time": "cycle_time_days",
    "cycle time": "cycle_time_days",
    "cycle_time_days": "cycle_time_days",
    "lead_time": "cycle_time_days",
    "项目周期": "cycle_time_days",
    "活动周期": "cycle_time_days",
    "平均周期": "cycle_time_days",
    "周期": "cycle_time_days",
    "cycle_time_p85": "cycle_time_p85",
    "overdue_rate": "overdue_rate",
    "overdue": "overdue_rate",
    "逾期率": "overdue_rate",
    "任务逾期率": "overdue_rate",
    "sla_breach_rate": "sla_breach_rate",
    "超时率": "sla_breach_rate",
    "rework_rate": "rework_rate",
    "rework": "rework_rate",
    "返工率": "rework_rate",
    "flow_efficiency": "flow_efficiency",
    "流动效率": "flow_efficiency",
    "throughput": "throughput_per_week",
    "throughput_per_week": "throughput_per_week",
    "周吞吐量": "throughput_per_week",
    "handoff_late_rate": "handoff_late_rate",
    "跨部门反馈超时率": "handoff_late_rate",
    "handoff_wait": "handoff_wait_days",
    "handoff_wait_days": "handoff_wait_days",
    "交接等待": "handoff_wait_days",
    "conversion_rate": "conversion_rate",
    "转化率": "conversion_rate",
    "satisfaction": "satisfaction",
    "满意度": "satisfaction",
}
_RATES = {
    "overdue_rate",
    "sla_breach_rate",
    "rework_rate",
    "flow_efficiency",
    "handoff_late_rate",
}
#: Weeks looked back for throughput (the handbooks use the last ~3 months).
THROUGHPUT_WEEKS = 13


#: Readable (English, Chinese) names of the headline metrics.
METRIC_LABELS = {
    "cycle_time_days": ("Median cycle time", "中位周期"),
    "cycle_time_p85": ("85th-percentile cycle time", "周期第 85 百分位"),
    "overdue_rate": ("Overdue rate", "逾期率"),
    "sla_breach_rate": ("Stage time-limit breach rate", "环节超时率"),
    "rework_rate": ("Cases with rework", "返工项目占比"),
    "flow_efficiency": (
        "Flow efficiency (work share of cycle time)",
        "流动效率（工作时间占周期比例）",
    ),
    "throughput_per_week": ("Cases finished per week", "每周完成项目数"),
    "handoff_late_rate": ("Handoffs over the feedback limit", "交接超时率"),
    "handoff_wait_days": ("Median handoff wait", "交接中位等待"),
    "satisfaction": ("Survey score (mean)", "问卷平均分"),
    "conversion_rate": ("Conversion rate", "转化率"),
    "cycle_time": ("Cycle time", "周期"),
}


def metric_label(metric, language: str = "en") -> str:
    """Readable name of a headline metric (``overdue_rate`` -> "Overdue rate" /
    "逾期率"); names it does not know (the user's KPI names) come back as given."""
    key = str(metric)
    if key not in METRIC_LABELS:
        return key
    en, zh = METRIC_LABELS[key]
    return zh if language == "zh" else en


def format_value(value, unit: str, language: str = "en") -> str:
    """A headline value with its unit: 0.179 share -> "18%", 23.01 working days
    -> "23.0 working days" / "23.0 个工作日", a 1-5 score -> "3.12"."""
    if value is None or pd.isna(value):
        return "–"
    if unit == "share":
        return f"{value:.0%}" if abs(value) >= 0.095 else f"{value:.1%}"
    if unit == "working_days":
        unit_text = "个工作日" if language == "zh" else "working days"
        return f"{value:.1f} {unit_text}"
    if unit == "days":
        return f"{value:.1f} 天" if language == "zh" else f"{value:.1f} days"
    return f"{value:.3g}"


def _f(x) -> float:
    return float(x) if x is not None and pd.notna(x) else np.nan


def _row(metric, value, low, high, n, unit, method):
    f = _f
    return {
        "metric": metric,
        "value": f(value),
        "ci_low": f(low),
        "ci_high": f(high),
        "n": int(n),
        "unit": unit,
        "method": method,
    }


def _share(metric, k, n, method):
    k, n = int(k), int(n)
    low, high = stats.wilson_interval(k, n)
    return _row(metric, k / n if n else np.nan, low, high, n, "share", method)


def _clustered_share(metric, hit, counted, case_codes, method):
    """A task-level share with a Wilson interval clustered by case.

    ``hit`` and ``counted`` are per-task flags and ``case_codes`` the task's
    case; tasks of one case tend to be late together, so the interval comes
    from :func:`diagnose.stats.clustered_wilson_interval` over cases (Kish
    effective sample size). Bounds are exactly 0 when no task is hit and 1
    when all are; NaN with a single case.
    """
    counted = np.asarray(counted, dtype=bool)
    hit = np.asarray(hit, dtype=bool) & counted
    codes = np.asarray(case_codes, dtype=np.int64)[counted]
    k, n = int(hit.sum()), int(counted.sum())
    if n == 0:
        return _row(metric, np.nan, np.nan, np.nan, 0, "share", method)
    size = int(codes.max()) + 1
    y = np.bincount(codes, weights=hit[counted], minlength=size)
    m = np.bincount(codes, minlength=size)
    # exactly 0 / 1 when no task / every task is hit, NaN with a single case
    _, low, high, _ = stats.clustered_wilson_interval(y, m)
    return _row(metric, k / n, low, high, n, "share", method)


@sharing
def headline_metrics(
    activities, *, as_of, settings=None, calendar=None
) -> pd.DataFrame:
    """The handful of numbers a diagnosis leads with, each with a 95 % CI.

    Parameters
    ----------
    activities : pandas.DataFrame or LoadResult
    as_of : str or Timestamp
    settings : Settings, dict, path or None, default=None
    calendar : WorkCalendar, default=None

    Returns
    -------
    pandas.DataFrame
        ``metric, value, ci_low, ci_high, n, unit, method``; one row each for

        * ``cycle_time_days`` — median case cycle time in working days,
          Kaplan–Meier (open cases censored at ``as_of``), Brookmeyer–Crowley CI;
          the finished-only median when the KM median is not reached;
        * ``cycle_time_p85`` — KM 85th percentile, same method;
        * ``overdue_rate`` — activity rows with a due date that are overdue
          (:func:`diagnose.metrics.overdue.overdue_rate`), among the rows whose
          outcome is known at ``as_of`` (finished, or open past due; open rows
          not yet due are pending and left out); Wilson CI clustered by case
          (:func:`diagnose.stats.clustered_wilson_interval`: tasks of one case
          are late together);
        * ``sla_breach_rate`` — stage rows beyond their time limit, among the
          rows whose outcome is known (open rows still within the limit are
          pending and left out), Wilson clustered by case;
        * ``rework_rate`` — cases that went back to an earlier stage, Wilson;
        * ``flow_efficiency`` — median per-case active / elapsed working time,
          order-statistic CI;
        * ``throughput_per_week`` — cases finished in the last 13 weeks up to
          ``as_of`` (fewer if the data are shorter) per week, exact Poisson
          (Garwood) CI;
        * ``handoff_late_rate`` — cross-department handoffs answered later
          than ``settings.handoff_hours`` (urgent: ``urgent_handoff_hours``),
          Wilson clustered by case;
        * ``handoff_wait_days`` — median wait at cross-department handoffs,
          working days, order-statistic CI.
    """
    from diagnose.io.load import as_activities
    from diagnose.metrics.flow import (
        _case_codes,
        _handoff_groups,
        _wait_pairs,
        case_durations,
        cycle_time,
        flow_efficiency,
        waits,
    )
    from diagnose.metrics.overdue import _overdue_core
    from diagnose.metrics.rework import rework
    from diagnose.metrics.sla import _handoff_late, _settings, _sla_core

    acts = as_activities(activities)
    as_of = check_as_of(as_of, "headline_metrics")
    cfg = _settings(settings)
    cal = resolve_calendar(calendar, cfg)
    rows = []

    cases = case_durations(
        acts, as_of=as_of, calendar=cal, attributes=(), final_stages=cfg.final_stages
    )
    ok = cases["cycle_working_days"].notna()
    km = stats.kaplan_meier(
        cases.loc[ok, "cycle_working_days"], ~cases.loc[ok, "is_open"].astype(bool)
    )
    q50 = km.quantile(0.5) if km.n_events else (np.nan, np.nan, np.nan)
    if pd.notna(q50[0]):
        rows.append(
            _row(
                "cycle_time_days",
                q50[0],
                q50[1],
                q50[2],
                int(ok.sum()),
                "working_days",
                "Kaplan-Meier median of case cycle time (open cases censored), "
                "Brookmeyer-Crowley CI",
            )
        )
    else:
        ct = cycle_time(
            acts, as_of=as_of, calendar=cal, final_stages=cfg.final_stages
        ).iloc[0]
        rows.append(
            _row(
                "cycle_time_days",
                ct["median"],
                ct["ci_low"],
                ct["ci_high"],
                ct["n_finished"],
                "working_days",
                "median of finished cases (KM median not reached), order-statistic CI",
            )
        )
    q85 = km.quantile(0.85) if km.n_events else (np.nan, np.nan, np.nan)
    rows.append(
        _row(
            "cycle_time_p85",
            q85[0],
            q85[1],
            q85[2],
            int(ok.sum()),
            "working_days",
            "Kaplan-Meier 85th percentile of case cycle time, Brookmeyer-Crowley CI",
        )
    )

    case_codes = _case_codes(acts)[0]
    if "due" in acts.columns:
        od = _overdue_core(acts, as_of)
        rows.append(
            _clustered_share(
                "overdue_rate",
                od["is_overdue"].to_numpy(dtype=bool),
                od["outcome_known"].to_numpy(dtype=bool),
                case_codes,
                "rows with a due date finished after it or open past it, among "
                "those finished or past due at as_of (open rows not yet due are "
                "pending, left out); Wilson CI clustered by case",
            )
        )
    else:
        rows.append(
            _row("overdue_rate", np.nan, np.nan, np.nan, 0, "share", "no due dates")
        )
    sla = _sla_core(acts, as_of, cal, cfg)
    rows.append(
        _clustered_share(
            "sla_breach_rate",
            sla["breached"].to_numpy(dtype=bool),
            sla["outcome_known"].to_numpy(dtype=bool),
            case_codes,
            "stage rows beyond settings.stage_limits, among those finished or "
            "already beyond it at as_of (open rows within it are pending, left "
            "out); Wilson CI clustered by case",
        )
    )
    rw = rework(acts, as_of=as_of)
    rows.append(
        _share(
            "rework_rate",
            rw.attrs["n_rework_cases"],
            rw.attrs["n_cases"],
            "cases returning to an earlier stage; Wilson CI",
        )
    )
    fe = flow_efficiency(
        acts, as_of=as_of, calendar=cal, final_stages=cfg.final_stages
    ).iloc[0]
    rows.append(
        _row(
            "flow_efficiency",
            fe["median"],
            fe["ci_low"],
            fe["ci_high"],
            fe["n"],
            "share",
            "median per-case active / elapsed working time, order-statistic CI",
        )
    )

    first = cases["start"].min()
    window_start = (
        max(as_of - pd.Timedelta(weeks=THROUGHPUT_WEEKS), first)
        if pd.notna(first)
        else as_of
    )
    weeks = (as_of - window_start) / pd.Timedelta(weeks=1)
    done = cases.loc[
        ~cases["is_open"] & (cases["end"] > window_start) & (cases["end"] <= as_of)
    ]
    k = len(done)
    if weeks > 0:
        low = sps.chi2.ppf(0.025, 2 * k) / 2 if k > 0 else 0.0
        high = sps.chi2.ppf(0.975, 2 * k + 2) / 2
        rows.append(
            _row(
                "throughput_per_week",
                k / weeks,
                low / weeks,
                high / weeks,
                k,
                "cases_per_week",
                f"cases finished in the {weeks:.1f} weeks up to as_of, per week; "
                "exact Poisson (Garwood) CI",
            )
        )
    else:
        rows.append(
            _row(
                "throughput_per_week",
                np.nan,
                np.nan,
                np.nan,
                0,
                "cases_per_week",
                "no time window",
            )
        )

    pairs = _wait_pairs(acts, as_of, cal)
    mask = _handoff_groups(acts, pairs)[0]
    late = _handoff_late(acts, pairs, mask, cfg)[2]
    rows.append(
        _clustered_share(
            "handoff_late_rate",
            late,
            np.ones(late.size, dtype=bool),
            case_codes[pairs["to_pos"][mask]],
            f"cross-department handoffs picked up after {cfg.handoff_hours:g} h "
            f"({cfg.urgent_handoff_hours:g} h for P0), working hours; Wilson CI "
            "clustered by case",
        )
    )
    w = waits(acts, calendar=cal, as_of=as_of)
    hw = w.loc[w["is_handoff"], "wait_working_days"].to_numpy(dtype=float)
    low, high = stats.quantile_interval(hw, 0.5)
    rows.append(
        _row(
            "handoff_wait_days",
            np.median(hw) if hw.size else np.nan,
            low,
            high,
            hw.size,
            "working_days",
            "median wait at cross-department handoffs, order-statistic CI",
        )
    )
    return pd.DataFrame(rows, columns=HEADLINE_COLUMNS)


def _benchmark_frame(benchmarks) -> pd.DataFrame:
    from diagnose.io.load import LoadResult, load_benchmarks

    if isinstance(benchmarks, LoadResult):
        return benchmarks.data
    if isinstance(benchmarks, pd.DataFrame) and {"metric", "value"} <= set(
        benchmarks.columns
    ):
        return benchmarks
    return load_benchmarks(benchmarks).data


def _metric_frame(metrics_values) -> pd.DataFrame:
    if isinstance(metrics_values, pd.DataFrame):
        if "metric" not in metrics_values or "value" not in metrics_values:
            raise ValueError(
                "The 'metrics_values' frame of compare_to_benchmarks needs the columns "
                f"'metric' and 'value'. Got {list(metrics_values.columns)} instead."
            )
        frame = metrics_values.copy()
    elif isinstance(metrics_values, (dict, pd.Series)):
        frame = pd.DataFrame(
            {
                "metric": list(metrics_values.keys()),
                "value": list(metrics_values.values()),
            }
        )
    else:
        raise ValueError(
            "The 'metrics_values' parameter of compare_to_benchmarks must be a "
            "DataFrame (metric, value, ...) or a dict. Got "
            f"{type(metrics_values).__name__} instead."
        )
    for c in ("ci_low", "ci_high"):
        if c not in frame:
            frame[c] = np.nan
    return frame


def canonical_metric(name) -> str:
    """Headline metric name for a benchmark/KPI metric name (else itself,
    normalised)."""
    key = normalise_word(name)
    return METRIC_ALIASES.get(key, METRIC_ALIASES.get(key.replace(" ", "_"), key))


def compare_to_benchmarks(metrics_values, benchmarks) -> pd.DataFrame:
    """Each headline metric against its benchmark: the gap and whether it is noise.

    Parameters
    ----------
    metrics_values : pandas.DataFrame or dict
        :func:`headline_metrics` output (``metric, value, ci_low, ci_high``),
        or ``{metric: value}`` (no CI: ``beyond_noise`` is then False).
    benchmarks : pandas.DataFrame, LoadResult, path, list or dict
        Benchmark rows ``metric, value, statistic, direction[, unit, source]``
        (anything :func:`diagnose.io.load.load_benchmarks` reads). Metric
        names are matched through :data:`METRIC_ALIASES` (``cycle_time`` ->
        ``cycle_time_days``, ``逾期率`` -> ``overdue_rate``, ...). A rate
        benchmark written in percent (value > 1 or unit ``%``) is divided by 100.

    Returns
    -------
    pandas.DataFrame
        One row per benchmark: ``metric`` (headline name), ``value``,
        ``ci_low``, ``ci_high`` (NaN when the metric was not measured),
        ``benchmark``, ``statistic``, ``direction``, ``unit``, ``gap``
        (value - benchmark), ``gap_pct`` (gap / benchmark), ``worse`` (True
        when the gap is in the bad direction: above a "lower is better"
        benchmark or below a "higher is better" one; False when the direction
        is unknown), ``beyond_noise`` (True when the benchmark lies outside
        the metric's CI), ``source``, ``note`` (e.g. the benchmark is a mean
        and the metric a median).
    """
    values = _metric_frame(metrics_values)
    values = values.assign(_key=values["metric"].map(canonical_metric))
    values = values.drop_duplicates("_key")
    bm = _benchmark_frame(benchmarks)
    bm = bm.assign(_key=bm["metric"].map(canonical_metric))
    out = bm.merge(
        values[["_key", "value", "ci_low", "ci_high"]].rename(
            columns={"value": "_value"}
        ),
        on="_key",
        how="left",
    )
    bench = out["value"].astype(float)
    unit = out["unit"] if "unit" in out else pd.Series(np.nan, index=out.index)
    pct = out["_key"].isin(_RATES) & (
        (bench > 1) | unit.astype(str).str.strip().isin(["%", "percent", "％"])
    )
    bench = bench.where(~pct, bench / 100)
    value = out["_value"].astype(float)
    gap = value - bench
    direction = (
        out["direction"] if "direction" in out else pd.Series(np.nan, index=out.index)
    )
    statistic = (
        out["statistic"] if "statistic" in out else pd.Series(np.nan, index=out.index)
    )
    worse = ((direction == "lower") & (gap > 0)) | ((direction == "higher") & (gap < 0))
    low, high = out["ci_low"].astype(float), out["ci_high"].astype(float)
    beyond = (bench < low) | (bench > high)  # NaN bounds compare False
    note = np.where(
        value.isna(),
        "not measured",
        np.where(
            (statistic.astype(str) == "mean")
            & out["_key"].isin(["cycle_time_days", "handoff_wait_days"]),
            "benchmark is a mean, the metric a median",
            "",
        ),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        gap_pct = gap / bench.where(bench != 0)
    res = pd.DataFrame(
        {
            "metric": out["_key"],
            "value": value,
            "ci_low": low,
            "ci_high": high,
            "benchmark": bench,
            "statistic": statistic,
            "direction": direction,
            "unit": unit,
            "gap": gap,
            "gap_pct": gap_pct,
            "worse": worse.fillna(False).astype(bool),
            "beyond_noise": beyond.fillna(False).astype(bool),
            "source": out["source"] if "source" in out else np.nan,
            "note": note,
        }
    )
    return res[COMPARISON_COLUMNS].reset_index(drop=True)
