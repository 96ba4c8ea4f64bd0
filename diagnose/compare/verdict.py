"""Judge SMART targets on confidence intervals and recommend a decision.

Rule for a target (``judge_targets``), on the CI of the quantity the target
speaks of — never on the point estimate alone:

* **met** — the whole CI is on the good side of the target
  (e.g. ``change: -20%``: upper CI bound of the % change ≤ −20 %);
* **not met** — the whole CI is on the bad side (lower bound > −20 %);
* **inconclusive** — the CI straddles the target, or is missing (NaN: not
  estimable) or has zero width (a sample without variation says nothing
  about uncertainty; never read as certainty);
* **no data** (无数据) — no effect row measures the metric at all (e.g. no
  survey answers from the pilot teams in a period), or its row has no
  estimate (fewer than 2 finished cases in a period): there is no estimate
  and no interval, which is not the same as an interval straddling the
  target.

``clearly_worse`` marks a metric whose change CI lies entirely on the
harmful side of zero; ``clearly_improved`` entirely on the good side.

Decision (``recommend``), the first target listed being *primary*:

1. **stop** — the primary metric is clearly worse (its CI excludes any
   improvement), or some metric is clearly worse while the primary target
   is not met;
2. **roll out** — all targets met, or the primary target met with no
   target clearly not met and no metric clearly worse;
3. **extend the pilot** — everything else, in particular an inconclusive
   primary target or one without data; the reasons say when the pilot was
   too small (its minimum detectable effect is larger than the target
   change).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from diagnose.compare.config import Target, parse_target
from diagnose.compare.result import _TidyMixin, html_table, metric_name

__all__ = [
    "judge_targets",
    "recommend",
    "status_counts",
    "Verdict",
    "DECISIONS",
    "STATUSES",
]

DECISIONS = ("roll out", "extend the pilot", "stop")
_DECISION_ZH = {"roll out": "全面推广", "extend the pilot": "延长试点", "stop": "停止"}
#: every status a target can get, in the order a summary lists them
STATUSES = ("met", "not met", "inconclusive", "no data")
_STATUS_ZH = {
    "met": "达成",
    "not met": "未达成",
    "inconclusive": "无法判断",
    "no data": "无数据",
}
#: which way is better when a target does not say
LOWER_IS_BETTER = {"cycle_time": True, "overdue_rate": True, "satisfaction": False}

JUDGEMENT_COLUMNS = [
    "metric",
    "target",
    "kind",
    "threshold",
    "quantity",
    "estimate",
    "ci_low",
    "ci_high",
    "status",
    "clearly_improved",
    "clearly_worse",
    "primary",
    "basis",
]


def _rows(effects) -> pd.DataFrame:
    if isinstance(effects, pd.DataFrame):
        return effects
    if isinstance(effects, dict):
        effects = list(effects.values())
    return pd.concat([e.to_frame() for e in effects], ignore_index=True)


def _pick(frame: pd.DataFrame, metric: str) -> pd.Series | None:
    rows = frame[frame["metric"] == metric]
    if rows.empty:
        return None
    if "primary" in rows.columns and rows["primary"].fillna(False).astype(bool).any():
        rows = rows[rows["primary"].fillna(False).astype(bool)]
    return rows.iloc[0]


def _num(row, col) -> float:
    try:
        v = float(row.get(col, math.nan))
    except (TypeError, ValueError):
        return math.nan
    return v


def _no_data(quantity: str, basis: str) -> dict:
    """The judged fields of a target nothing measured: no estimate, no
    interval, status ``no data`` (never clearly better or worse)."""
    return dict(
        quantity=quantity,
        estimate=math.nan,
        ci_low=math.nan,
        ci_high=math.nan,
        status="no data",
        clearly_improved=False,
        clearly_worse=False,
        basis=basis,
    )


def judge_targets(effects, targets: dict, *, language: str = "en") -> pd.DataFrame:
    """Judge every target: met / not met / inconclusive on its CI, or no data.

    Parameters
    ----------
    effects : DataFrame, list or dict of results
        Effect rows (``to_frame()`` of :class:`Effect` / :class:`DidResult`).
        Per metric the row with ``primary=True`` is used (else the first).
    targets : dict
        metric -> :class:`Target` or a spec such as ``{"change": "-20%"}``.

    Returns
    -------
    pandas.DataFrame
        ``metric, target, kind, threshold, quantity, estimate, ci_low,
        ci_high, status, clearly_improved, clearly_worse, primary, basis``.
        ``quantity`` is ``pct_change`` (relative change, %), ``change``
        (after − before) or ``level`` (pilot-period level). A NaN or
        zero-width interval gives ``inconclusive`` (and never
        ``clearly_improved``/``clearly_worse``); a zero-width one is reported
        as NaN with a note in ``basis``. A target whose metric has no effect
        row at all (nothing measured), or whose row has no estimate (too few
        finished cases), gets ``no data`` (NaN estimate and
        interval, ``basis`` "no data" or "no estimate"); :func:`status_counts`
        counts the
        statuses for a summary sentence.
    """
    frame = _rows(effects)
    out = []
    for i, (metric, spec) in enumerate(targets.items()):
        tgt = spec if isinstance(spec, Target) else parse_target(metric, spec)
        row = _pick(frame, metric)
        lower_nat = LOWER_IS_BETTER.get(metric, True)
        if tgt.kind == "change":
            lower = tgt.value < 0 if tgt.value != 0 else lower_nat
        else:
            lower = tgt.kind == "at_most"
        rec: dict[str, Any] = {
            "metric": metric,
            "target": tgt.describe(language),
            "kind": tgt.kind,
            "threshold": tgt.value,
            "primary": i == 0,
        }
        if row is None:
            out.append({**rec, **_no_data("", "no data")})
            continue
        if tgt.kind == "change" and tgt.relative:
            q, est, lo, hi = (
                "pct_change",
                _num(row, "pct_change"),
                _num(row, "pct_ci_low"),
                _num(row, "pct_ci_high"),
            )
        elif tgt.kind == "change":
            q, est, lo, hi = (
                "change",
                _num(row, "estimate"),
                _num(row, "ci_low"),
                _num(row, "ci_high"),
            )
        else:
            q, est, lo, hi = (
                "level",
                _num(row, "after"),
                _num(row, "after_ci_low"),
                _num(row, "after_ci_high"),
            )
        if math.isnan(est):  # a row, but nothing could be estimated (too few
            # finished cases): no more measured than a missing row
            out.append({**rec, **_no_data(q, "no estimate")})
            continue
        thr = tgt.value
        basis_note = ""
        if not (math.isnan(lo) or math.isnan(hi)) and lo == hi:
            # a zero-width interval (no variation in a small sample) carries
            # no measure of uncertainty: never a verdict on it
            lo = hi = math.nan
            basis_note = "; zero-width interval treated as not estimable"
        if math.isnan(lo) or math.isnan(hi):
            status = "inconclusive"
        elif lower:
            status = "met" if hi <= thr else ("not met" if lo > thr else "inconclusive")
        else:
            status = "met" if lo >= thr else ("not met" if hi < thr else "inconclusive")
        # direction of the change itself (pct when available, else absolute)
        c_lo, c_hi = _num(row, "pct_ci_low"), _num(row, "pct_ci_high")
        if math.isnan(c_lo) or math.isnan(c_hi) or c_lo == c_hi:
            c_lo, c_hi = _num(row, "ci_low"), _num(row, "ci_high")
        if c_lo == c_hi:  # zero width: no evidence either way
            c_lo = c_hi = math.nan
        if lower_nat:
            improved, worse = c_hi < 0, c_lo > 0
        else:
            improved, worse = c_lo > 0, c_hi < 0
        comp = row.get("comparison", "")
        rec.update(
            quantity=q,
            estimate=est,
            ci_low=lo,
            ci_high=hi,
            status=status,
            clearly_improved=bool(improved),
            clearly_worse=bool(worse),
            basis=f"{comp}: {row.get('method', '')}".strip(": ") + basis_note,
        )
        out.append(rec)
    return pd.DataFrame(out, columns=JUDGEMENT_COLUMNS)


def status_counts(judgements: pd.DataFrame | None) -> dict[str, int]:
    """How many targets got each status, every status of :data:`STATUSES` listed.

    Parameters
    ----------
    judgements : DataFrame or None
        From :func:`judge_targets` (a ``status`` column).

    Returns
    -------
    dict
        ``{"met": n, "not met": n, "inconclusive": n, "no data": n}`` (zeros
        included, in that order), for a sentence such as "Of 3 targets, 1 met,
        0 not met, 1 inconclusive and 1 without data".
    """
    counts = dict.fromkeys(STATUSES, 0)
    if judgements is None or "status" not in getattr(judgements, "columns", ()):
        return counts
    for s in judgements["status"]:
        if s in counts:
            counts[s] += 1
    return counts


@dataclass(frozen=True)
class Verdict(_TidyMixin):
    """The recommendation: ``decision`` and a paragraph of ``reasons``."""

    decision: str
    reasons: str
    rule: str
    language: str = "en"
    judgements: pd.DataFrame = field(
        default_factory=pd.DataFrame, compare=False, repr=False
    )

    _skip_fields = ("judgements",)

    @property
    def status_counts(self) -> dict[str, int]:
        """Targets per status (:func:`status_counts` of :attr:`judgements`)."""
        return status_counts(self.judgements)

    def summary(self, language: str | None = None) -> str:
        return self.reasons

    def _repr_html_(self) -> str:
        return html_table(self.judgements, f"Decision: {self.decision}", self.reasons)


def _fmt_q(q: str, v: float, metric: str) -> str:
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if q == "pct_change":
        return f"{v:+.0f}%"
    if metric == "overdue_rate":
        return f"{v * 100:+.1f} pp" if q == "change" else f"{v * 100:.1f}%"
    return f"{v:+.2f}" if q == "change" else f"{v:.2f}"


def _mde_map(mde) -> dict:
    if mde is None:
        return {}
    if isinstance(mde, dict):
        return mde
    if isinstance(mde, pd.DataFrame):
        return {r["metric"]: r for _, r in mde.iterrows()}
    return {m.metric: m for m in mde}


def recommend(judgements: pd.DataFrame, mde=None, *, language: str = "en") -> Verdict:
    """Decide: "roll out", "extend the pilot" or "stop" (rules in the module doc).

    Parameters
    ----------
    judgements : DataFrame
        From :func:`judge_targets` (first row = primary target).
    mde : dict, list or DataFrame of MdeResult, optional
        Used to say when the pilot was too small to judge a target.
    language : {"en", "zh"}, default="en"

    Returns
    -------
    Verdict
        ``decision``, ``reasons`` (a paragraph for the 试点总结报告), ``rule``.
    """
    if language not in ("en", "zh"):
        raise ValueError(
            f"The 'language' parameter of recommend must be one of {{'en', 'zh'}}. "
            f"Got {language!r} instead."
        )
    j = judgements.reset_index(drop=True)
    if j.empty:
        reasons = (
            "No targets were set, so the pilot cannot be judged; set SMART targets."
            if language == "en"
            else "未设定目标，无法评判试点；请设定 SMART 目标。"
        )
        return Verdict("extend the pilot", reasons, "no targets", language, j)
    prim = j.iloc[0]
    statuses = j["status"].tolist()
    any_worse = bool(j["clearly_worse"].any())
    if prim["clearly_worse"] or (any_worse and prim["status"] != "met"):
        decision = "stop"
        rule = (
            "primary metric clearly worse"
            if prim["clearly_worse"]
            else "a metric clearly worse and the primary target not met"
        )
    elif all(s == "met" for s in statuses) or (
        prim["status"] == "met" and "not met" not in statuses and not any_worse
    ):
        decision = "roll out"
        rule = (
            "all targets met"
            if all(s == "met" for s in statuses)
            else ("primary target met, none clearly missed, nothing worse")
        )
    else:
        decision = "extend the pilot"
        rule = "primary target not established"
    mdes = _mde_map(mde)
    parts = []
    zh = language == "zh"
    for _, r in j.iterrows():
        name = metric_name(r["metric"], language)
        est = _fmt_q(r["quantity"], r["estimate"], r["metric"])
        lo = _fmt_q(r["quantity"], r["ci_low"], r["metric"])
        hi = _fmt_q(r["quantity"], r["ci_high"], r["metric"])
        if r["status"] == "no data":
            parts.append(
                f"{name}（目标：{r['target']}）没有数据，无法判定"
                if zh
                else f"the {name} (target: {r['target']}) has no data, so the "
                "target cannot be judged"
            )
            continue
        if zh:
            s = (
                f"{name}（目标：{r['target']}）估计为 {est}"
                f"（95% 置信区间 {lo} 至 {hi}），"
                f"判定为{_STATUS_ZH[r['status']]}"
            )
        else:
            s = (
                f"the {name} (target: {r['target']}) came out at {est} (95% CI {lo} to "
                f"{hi}), so the target is {r['status']}"
            )
        m = mdes.get(r["metric"])
        if (
            m is not None
            and r["status"] == "inconclusive"
            and bool(
                m["underpowered"]
                if isinstance(m, (dict, pd.Series))
                else m.underpowered
            )
        ):
            mv = m["mde"] if isinstance(m, (dict, pd.Series)) else m.mde
            unit = m["unit"] if isinstance(m, (dict, pd.Series)) else m.unit
            unit = (
                {"%": "%", "pp": " 个百分点", "points": " 分"}
                if zh
                else {"%": "%", "pp": " pp", "points": " points"}
            ).get(unit, unit)
            s += (
                f"；试点规模只能可靠检测到 {mv:+.1f}{unit}以上的变化，"
                "小于目标的变化无法判断"
                if zh
                else "; the pilot could only reliably detect changes of "
                f"{mv:+.1f}{unit} or more, so it was too small to settle this target"
            )
        if r["clearly_worse"]:
            s += "，且明显变差" if zh else ", and it clearly got worse"
        parts.append(s)
    if zh:
        head = f"建议：{_DECISION_ZH[decision]}。"
        body = "；".join(parts) + "。"
        tail = {
            "roll out": (
                "主要目标已在置信区间层面达成，且没有指标明显变差，可以推广新流程。"
            ),
            "extend the pilot": (
                "现有数据还不足以证明主要目标达成，"
                "建议延长试点或增加试点团队以收集更多案例后再决定。"
            ),
            "stop": "新流程使关键指标明显变差，建议停止并复盘原因。",
        }[decision]
    else:
        head = f"Recommendation: {decision}."
        body = " " + "; ".join(parts) + "."
        body = body[0] + body[1].upper() + body[2:]
        tail = {
            "roll out": (
                " The primary target is met on its whole confidence interval and no "
                "metric got clearly worse, so the new process can be rolled out."
            ),
            "extend the pilot": (
                " The data do not yet show that the primary target is met; extend "
                "the pilot or add teams to collect more cases before deciding."
            ),
            "stop": (
                " The new process made a key metric clearly worse; stop and review why."
            ),
        }[decision]
    reasons = head + body + tail
    return Verdict(decision, reasons, rule, language, j)
