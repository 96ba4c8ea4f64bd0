"""Questionnaire scoring: dimensions, reliability, benchmarks, free-text pain.

The handbooks diagnose a process with an anonymous 1–5 questionnaire
(1 = 非常不满意 very dissatisfied … 5 = 非常满意 very satisfied) over
dimensions such as 流程清晰度, 协作效率 and 工具支持. This module turns the
long survey frame of :func:`diagnose.io.load.load_survey` (columns
``respondent, team, department, period, item, score``) into tables:

* :func:`score_items` — reverse coding, item → dimension, range check
  (bad answers are set aside and *listed*, never silently dropped);
* :func:`dimension_scores` / :func:`score_distribution` — per dimension
  (and team/department/period) means with t intervals, top-/bottom-2-box
  shares with Wilson intervals, the full distribution;
* :func:`cronbach_alpha` / :func:`reliability` — internal consistency with
  Feldt's confidence interval, so a dimension is only averaged when its
  items agree;
* :func:`survey_vs_benchmark` — each dimension against a benchmark;
* :func:`stage_pain` — survey pain per process stage/handoff (joins the
  bottleneck table on ``location``);
* :func:`pain_terms` — recurring pain terms in free-text answers (jieba
  word segmentation for Chinese).

Units. One *response* is one respondent in one period (a questionnaire
filled in once): the same anonymous id in two survey waves counts twice.
Respondent-level dimension scores are the mean of the items that person
answered in that dimension (available-case: a missing answer does not drop
the respondent, it is counted in ``n_missing``).
"""

from __future__ import annotations

import functools
import html
import logging
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as _sps

from diagnose.config import Settings, load_settings
from diagnose.exceptions import PROBLEM_COLUMNS, ConfigError, DataError
from diagnose.io.columns import LIKERT_WORDS, normalise_word
from diagnose.stats import clustered_wilson_interval, mean_interval, no_variation

__all__ = [
    "ScoredSurvey",
    "AlphaResult",
    "score_items",
    "dimension_scores",
    "score_distribution",
    "cronbach_alpha",
    "reliability",
    "item_statistics",
    "survey_vs_benchmark",
    "stage_pain",
    "pain_terms",
    "SCALE_LABELS",
    "PAIN_WORDS",
]

#: Labels of the 5-point satisfaction scale (DOMAIN.md), by language.
SCALE_LABELS: dict[str, list[str]] = {
    "en": [
        "Very dissatisfied",
        "Dissatisfied",
        "Neutral",
        "Satisfied",
        "Very satisfied",
    ],
    "zh": ["非常不满意", "不满意", "一般", "满意", "非常满意"],
}

_GROUPS = ("team", "department", "period")
_RELIABLE_ALPHA = 0.7


# --------------------------------------------------------------------------
# argument checking (scikit-learn wording)
# --------------------------------------------------------------------------


def _one_of(value, allowed, name: str, func: str):
    if value not in allowed:
        shown = "{" + ", ".join(repr(a) for a in allowed) + "}"
        raise ValueError(
            f"The {name!r} parameter of {func} must be one of {shown}. "
            f"Got {value!r} instead."
        )
    return value


def _check_confidence(confidence, func: str) -> float:
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, (int, float))
        or not (0 < confidence < 1)
    ):
        raise ValueError(
            f"The 'confidence' parameter of {func} must be a float in the range "
            f"(0, 1). Got {confidence!r} instead."
        )
    return float(confidence)


def _check_by(by, func: str, data: pd.DataFrame) -> list[str]:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    for col in cols:
        _one_of(col, _GROUPS, "by", func)
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"{func}: cannot group by {missing}: the survey has no such column. "
            f"Columns: {list(data.columns)}."
        )
    return list(dict.fromkeys(cols))


def _settings(settings, scale) -> tuple[Settings, tuple[int, int]]:
    try:
        s = load_settings(settings)
    except (TypeError, ValueError) as err:
        if isinstance(err, ConfigError):
            raise
        raise ConfigError(f"settings: cannot read {settings!r} ({err}).") from err
    if scale is None:
        scale = s.scale
    try:
        low, high = (int(v) for v in scale)
    except (TypeError, ValueError):
        raise ValueError(
            "The 'scale' parameter must be a pair of integers (low, high) such as "
            f"(1, 5). Got {scale!r} instead."
        ) from None
    if low >= high:
        raise ValueError(f"The 'scale' parameter must have low < high. Got {scale!r}.")
    return s, (low, high)


# --------------------------------------------------------------------------
# score_items
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredSurvey:
    """Survey answers after reverse coding and mapping to dimensions.

    Attributes
    ----------
    data : pandas.DataFrame
        Every input row (nothing dropped) with the survey columns plus
        ``raw_score`` (the answer as given), ``score`` (numeric, reverse coded;
        NaN when unusable), ``reversed`` (bool), ``dimension`` (NA for items in
        no dimension), ``valid`` (bool: the score can be used) and ``issue``
        (``""``, ``"missing"``, ``"not_a_number"``, ``"not_a_scale_point"``,
        ``"out_of_range"`` or ``"duplicate"``).
    problems : pandas.DataFrame
        The data-quality report, columns ``file, row, column, value, problem,
        fix``: one row per unusable answer, plus one per item in no dimension.
    unmapped_items : list of str
        Items that belong to no configured dimension (kept, dimension NA).
    scale : tuple of int
        ``(low, high)`` of the answer scale.
    dimensions : dict
        Dimension -> items actually used (configured order).
    """

    data: pd.DataFrame
    problems: pd.DataFrame
    unmapped_items: list[str]
    scale: tuple[int, int]
    dimensions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> pd.DataFrame:
        """Rows with a usable score and a dimension."""
        d = self.data
        return d[d["valid"] & d["dimension"].notna()]

    def to_frame(self) -> pd.DataFrame:
        """The scored answers, one row per input row: a copy of :attr:`data`.

        Returns
        -------
        pandas.DataFrame
            The survey columns plus ``raw_score, score, reversed, dimension,
            valid, issue`` (see the class attributes).
        """
        return self.data.copy()


def _problem_frame(rows: pd.DataFrame, file, row, value, problem, fix) -> pd.DataFrame:
    n = len(rows)
    out = pd.DataFrame(
        {
            "file": file if isinstance(file, pd.Series) else [file] * n,
            "row": row,
            "column": ["score"] * n,
            "value": value,
            "problem": problem,
            "fix": [fix] * n if isinstance(fix, str) else fix,
        },
        index=rows.index,
    )
    return out[PROBLEM_COLUMNS]


def score_items(survey, *, settings=None, scale=None) -> ScoredSurvey:
    """Reverse-code items, map them to dimensions and check every answer.

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
        Long survey frame (``respondent, item, score``; ``team, department,
        period`` optional), e.g. ``load_survey(...).data``. A ``source_row``
        column (spreadsheet row) and a ``file`` column, when present, are used
        in the problems report; otherwise ``survey.attrs["file"]``.
    settings : Settings, dict, path or None, default=None
        ``dimensions`` (dimension -> items), ``reverse_items`` and ``scale``.
        With no dimensions configured every item is its own dimension (files
        whose ``维度`` column already names the dimension).
    scale : (int, int) or None, default=None
        Overrides ``settings.scale``.

    Returns
    -------
    ScoredSurvey
        ``.data`` (every row, with ``raw_score, score, reversed, dimension,
        valid, issue``), ``.problems`` (``file, row, column, value, problem,
        fix``), ``.unmapped_items``.

    Notes
    -----
    Scale words (``满意``, ``Very satisfied``, :data:`LIKERT_WORDS`) are read
    as their scale point on 5-point scales, as :func:`load_survey` does.
    Reverse coding is ``low + high - score`` (on 1–5: 1↔5, 2↔4). An answer is
    set aside (``valid`` False, score NaN, listed in ``problems``) when it is
    blank, not a number, not a whole scale point, outside ``scale`` or a
    repeat of the same respondent/period/item (the first answer is kept).
    """
    if isinstance(survey, ScoredSurvey):
        return survey
    if not isinstance(survey, pd.DataFrame):
        raise TypeError(
            "The 'survey' parameter of score_items must be a pandas DataFrame. "
            f"Got {type(survey).__name__} instead."
        )
    missing = [c for c in ("respondent", "item", "score") if c not in survey.columns]
    if missing:
        raise DataError(
            f"survey: required column(s) {missing} not found. Columns: "
            f"{list(survey.columns)}. Fix: load it with load_survey() or rename "
            "the headers to respondent, item, score."
        )
    s, (low, high) = _settings(settings, scale)

    d = survey.copy()
    d["item"] = d["item"].astype("string")
    raw = d["score"]
    d["raw_score"] = raw.astype(object)
    is_blank = raw.isna() | (raw.astype("string").str.strip() == "").fillna(False)
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    if high - low == 4:  # scale words (满意, Very satisfied, ...) on 5-point scales
        words = raw[num.isna() & ~is_blank]
        if len(words):
            mapped = words.map(lambda w: LIKERT_WORDS.get(normalise_word(w)))
            num.loc[words.index] = pd.to_numeric(mapped, errors="coerce") + (low - 1)
    not_number = num.isna() & ~is_blank
    not_point = num.notna() & (num != np.round(num))
    out_range = num.notna() & ~not_point & ((num < low) | (num > high))

    key = ["respondent", "item"] + (["period"] if "period" in d.columns else [])
    ok_so_far = ~(is_blank | not_number | not_point | out_range)
    dup = (
        d.loc[ok_so_far, key]
        .duplicated(keep="first")
        .reindex(d.index, fill_value=False)
    )

    issue = pd.Series("", index=d.index, dtype=object)
    issue[is_blank] = "missing"
    issue[not_number] = "not_a_number"
    issue[not_point] = "not_a_scale_point"
    issue[out_range] = "out_of_range"
    issue[dup] = "duplicate"
    d["issue"] = issue
    d["valid"] = issue.eq("")

    # dimensions --------------------------------------------------------------
    items = d["item"]
    if s.dimensions:
        dims = {str(k): [str(i) for i in v] for k, v in s.dimensions.items()}
        seen: dict[str, str] = {}
        for dim, its in dims.items():
            for it in its:
                if it in seen and seen[it] != dim:
                    raise ConfigError(
                        f"settings: item {it!r} is listed under both dimension "
                        f"{seen[it]!r} and {dim!r}. Fix: keep it in one dimension."
                    )
                seen[it] = dim
        d["dimension"] = items.map(seen).astype("string")
    else:
        d["dimension"] = items
        order = list(dict.fromkeys(items.dropna()))
        dims = {i: [i] for i in order}
    rev = set(map(str, s.reverse_items))
    d["reversed"] = items.isin(rev).fillna(False).astype(bool)
    score = num.where(d["valid"])
    d["score"] = score.where(~d["reversed"], low + high - score)

    unmapped = sorted(items[d["dimension"].isna() & items.notna()].unique().tolist())

    # problems ------------------------------------------------------------------
    file = (
        d["file"].astype(object)
        if "file" in d.columns
        else survey.attrs.get("file", "")
    )
    row = (
        d["source_row"].astype(object)
        if "source_row" in d.columns
        else pd.Series(pd.NA, index=d.index, dtype=object)
    )
    who = (
        "respondent "
        + d["respondent"].astype(str)
        + ", item "
        + d["item"].astype(str).fillna("?")
    )
    if "period" in d.columns:
        who = who + ", period " + d["period"].astype(str)
    scale_txt = f"{low}–{high}"
    texts = {
        "missing": (
            "answer is missing",
            "leave it blank if unanswered (it is counted "
            "as missing), or type the score.",
        ),
        "not_a_number": (
            "answer is not a number or a known scale word",
            f"use a whole number {scale_txt} or a scale word such as '满意'.",
        ),
        "not_a_scale_point": (
            f"answer is not a whole point of the {scale_txt} scale",
            f"use a whole number {scale_txt}.",
        ),
        "out_of_range": (
            f"answer is outside the {scale_txt} scale",
            f"correct it to a whole number {scale_txt}, or check the "
            "settings' 'scale'.",
        ),
        "duplicate": (
            "same respondent answered this item twice; the first answer is kept",
            "remove the repeated row.",
        ),
    }
    bad = d["issue"].ne("")
    if bad.any():
        sub = d[bad]
        problem = (
            sub["issue"].map({k: v[0] for k, v in texts.items()})
            + " ("
            + who[bad]
            + ")"
        )
        fix = sub["issue"].map({k: v[1] for k, v in texts.items()})
        probs = _problem_frame(
            sub,
            file[bad] if isinstance(file, pd.Series) else file,
            row[bad],
            sub["raw_score"],
            problem,
            fix.tolist(),
        )
    else:
        probs = pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    if unmapped:
        names = ", ".join(map(repr, list(s.dimensions)))
        extra = pd.DataFrame(
            {
                "file": [survey.attrs.get("file", "")] * len(unmapped),
                "row": [pd.NA] * len(unmapped),
                "column": ["item"] * len(unmapped),
                "value": unmapped,
                "problem": [
                    "item belongs to no dimension; kept with dimension NA and "
                    "left out of dimension scores"
                ]
                * len(unmapped),
                "fix": [f"add it to a dimension in settings 'dimensions' ({names})."]
                * len(unmapped),
            }
        )
        probs = pd.concat([probs, extra], ignore_index=True)
    probs = probs.reset_index(drop=True).astype(object)

    front = [
        c for c in ("respondent", "team", "department", "period", "item") if c in d
    ]
    cols = front + ["dimension", "raw_score", "score", "reversed", "valid", "issue"]
    cols += [c for c in d.columns if c not in cols]
    return ScoredSurvey(
        data=d[cols].reset_index(drop=True),
        problems=probs,
        unmapped_items=unmapped,
        scale=(low, high),
        dimensions=dims,
    )


# --------------------------------------------------------------------------
# dimension scores
# --------------------------------------------------------------------------


def _unit_cols(d: pd.DataFrame, by: list[str]) -> list[str]:
    """Columns that identify one response (respondent within period)."""
    unit = ["respondent"] + (["period"] if "period" in d.columns else [])
    return list(dict.fromkeys(by + unit))


def _dim_order(
    scored: ScoredSurvey, frame: pd.DataFrame, col="dimension"
) -> pd.DataFrame:
    order = {k: i for i, k in enumerate(scored.dimensions)}
    return (
        frame.assign(_o=frame[col].map(order))
        .sort_values([c for c in frame.columns if c in _GROUPS] + ["_o"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def _respondent_means(scored: ScoredSurvey, by: list[str]) -> pd.DataFrame:
    v = scored.valid
    keys = _unit_cols(scored.data, by) + ["dimension"]
    return (
        v.groupby(keys, dropna=False, observed=True)["score"]
        .mean()
        .rename("resp_mean")
        .reset_index()
    )


def dimension_scores(
    survey, *, settings=None, by=None, confidence: float = 0.95, scale=None
) -> pd.DataFrame:
    """Score every dimension: mean with CI, median, top- and bottom-2-box.

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
        Long survey frame (see :func:`score_items`).
    settings : Settings, dict, path or None, default=None
        Dimensions, reverse items and scale.
    by : {'team', 'department', 'period'}, list of them, or None, default=None
        Extra grouping columns.
    confidence : float, default=0.95
        Level of every interval.
    scale : (int, int) or None, default=None
        Overrides ``settings.scale``.

    Returns
    -------
    pandas.DataFrame
        One row per dimension (and group): ``*by``, ``dimension``, ``n_items``,
        ``n_respondents`` (responses with at least one usable answer in the
        dimension), ``n_answers`` (usable answers), ``n_missing`` (expected
        answers — responses in the group × items of the dimension — minus
        usable answers: blank, absent, or set-aside answers), ``mean``,
        ``ci_low``, ``ci_high``, ``median``, ``top2box``, ``top2box_ci_low``,
        ``top2box_ci_high``, ``top2box_n_eff`` (effective number of answers
        behind the interval, see Notes), ``bottom2box``, ``bottom2box_ci_low``,
        ``bottom2box_ci_high``.

    Notes
    -----
    ``mean``, ``ci_*`` and ``median`` are computed on *respondent-level*
    dimension scores (each response's mean over the items it answered:
    available-case); the interval is Student's t on those means
    (:func:`diagnose.stats.mean_interval`), so respondents, not answers, are
    the independent units; it is NaN (not estimable) when fewer than two
    respondents answered or all of them have the same score. ``top2box`` is
    the share of *answers* in the two highest scale points (``bottom2box``:
    two lowest); answers of one person are correlated, so its interval is
    Wilson's at the effective number of answers given by the
    respondent-clustered variance
    (:func:`diagnose.stats.clustered_wilson_interval`), not at the raw count.
    """
    func = "dimension_scores"
    confidence = _check_confidence(confidence, func)
    scored = score_items(survey, settings=settings, scale=scale)
    d = scored.data
    by = _check_by(by, func, d)
    low, high = scored.scale

    # respondent level -----------------------------------------------------------
    resp = _respondent_means(scored, by)
    gkeys = by + ["dimension"]
    grp = resp.groupby(gkeys, dropna=False, observed=True)["resp_mean"]
    summ = grp.agg(n_respondents="count", mean="mean", median="median")
    ci = grp.agg(lambda x: mean_interval(x.to_numpy(), confidence=confidence))
    summ["ci_low"] = [c[0] for c in ci]
    summ["ci_high"] = [c[1] for c in ci]

    # answer level ------------------------------------------------------------------
    v = scored.valid.assign(
        _top=lambda f: f["score"] >= high - 1, _bot=lambda f: f["score"] <= low + 1
    )
    ans = v.groupby(gkeys, dropna=False, observed=True).agg(
        n_answers=("score", "size"), _top=("_top", "sum"), _bot=("_bot", "sum")
    )

    # the grid: every group x every dimension, with expected answers
    units = d[_unit_cols(d, by)].drop_duplicates()
    n_units = (
        units.groupby(by, dropna=False, observed=True)
        .size()
        .rename("_units")
        .reset_index()
        if by
        else pd.DataFrame({"_units": [len(units)]})
    )
    dims = pd.DataFrame(
        {
            "dimension": list(scored.dimensions),
            "n_items": [len(v) for v in scored.dimensions.values()],
        }
    )
    grid = n_units.merge(dims, how="cross")
    out = grid.merge(summ.reset_index(), on=gkeys, how="left").merge(
        ans.reset_index(), on=gkeys, how="left"
    )
    for c in ("n_respondents", "n_answers", "_top", "_bot"):
        out[c] = out[c].fillna(0).astype(int)
    out["n_missing"] = (out["_units"] * out["n_items"] - out["n_answers"]).clip(lower=0)
    n = out["n_answers"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["top2box"] = np.where(n > 0, out["_top"] / np.where(n > 0, n, 1), np.nan)
        out["bottom2box"] = np.where(n > 0, out["_bot"] / np.where(n > 0, n, 1), np.nan)
    # intervals: answers are clustered in responses (respondent within period)
    per_unit = (
        v.groupby(gkeys + _unit_cols(d, []), dropna=False, observed=True)
        .agg(m=("score", "size"), top=("_top", "sum"), bot=("_bot", "sum"))
        .reset_index()
    )
    rows = []
    for key, g in per_unit.groupby(gkeys, dropna=False, observed=True, sort=False):
        _, tl, th, t_eff = clustered_wilson_interval(
            g["top"], g["m"], confidence=confidence
        )
        _, bl, bh, _ = clustered_wilson_interval(
            g["bot"], g["m"], confidence=confidence
        )
        key = key if isinstance(key, tuple) else (key,)
        rows.append((*key, tl, th, t_eff, bl, bh))
    box_cols = [
        "top2box_ci_low",
        "top2box_ci_high",
        "top2box_n_eff",
        "bottom2box_ci_low",
        "bottom2box_ci_high",
    ]
    out = out.merge(pd.DataFrame(rows, columns=gkeys + box_cols), on=gkeys, how="left")
    cols = by + [
        "dimension",
        "n_items",
        "n_respondents",
        "n_answers",
        "n_missing",
        "mean",
        "ci_low",
        "ci_high",
        "median",
        "top2box",
        "top2box_ci_low",
        "top2box_ci_high",
        "top2box_n_eff",
        "bottom2box",
        "bottom2box_ci_low",
        "bottom2box_ci_high",
    ]
    out = out[cols].astype(
        {"mean": float, "median": float, "ci_low": float, "ci_high": float}
    )
    return _dim_order(scored, out)


def score_distribution(
    survey, *, settings=None, by=None, level: str = "dimension", scale=None
) -> pd.DataFrame:
    """How many answers fell on each scale point.

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
    settings : Settings, dict, path or None, default=None
    by : {'team', 'department', 'period'}, list, or None, default=None
    level : {'dimension', 'item'}, default='dimension'
        Tally per dimension or per item (items keep their dimension column).
    scale : (int, int) or None, default=None

    Returns
    -------
    pandas.DataFrame
        ``*by``, ``dimension`` (and ``item`` for ``level='item'``), ``score``
        (every scale point, also those nobody chose), ``n`` and ``share``
        (of the usable answers in the row's group; shares sum to 1). Scores are
        after reverse coding.
    """
    func = "score_distribution"
    _one_of(level, ("dimension", "item"), "level", func)
    scored = score_items(survey, settings=settings, scale=scale)
    by = _check_by(by, func, scored.data)
    low, high = scored.scale
    v = scored.valid
    keys = by + (["dimension", "item"] if level == "item" else ["dimension"])
    counts = (
        v.assign(score=v["score"].astype(int))
        .groupby(keys + ["score"], dropna=False, observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    groups = v[keys].drop_duplicates()
    points = pd.DataFrame({"score": np.arange(low, high + 1)})
    out = groups.merge(points, how="cross").merge(
        counts, on=keys + ["score"], how="left"
    )
    out["n"] = out["n"].fillna(0).astype(int)
    total = out.groupby(keys, dropna=False, observed=True)["n"].transform("sum")
    out["share"] = out["n"] / total
    out = _dim_order(scored, out)
    sort = by + ["dimension"] + (["item"] if level == "item" else [])
    order = {k: i for i, k in enumerate(scored.dimensions)}
    out = (
        out.assign(_o=out["dimension"].map(order))
        .sort_values(
            by + ["_o"] + (["item"] if level == "item" else []) + ["score"],
            kind="stable",
        )
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return out[sort + ["score", "n", "share"]]


# --------------------------------------------------------------------------
# reliability
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with Feldt's confidence interval.

    Attributes
    ----------
    alpha : float
    ci_low, ci_high : float
        Feldt (1965) interval: ``1 - (1 - alpha) * F`` with ``F`` the upper and
        lower ``(1 ± confidence)/2`` quantiles of F(n - 1, (n - 1)(k - 1)),
        as pingouin ``cronbach_alpha`` and R ``psych::alpha`` (``alpha.ci``).
    n : int
        Respondents used (listwise: complete rows; pairwise: rows with any answer).
    k : int
        Items.
    confidence : float
    nan_policy : str
    """

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    confidence: float = 0.95
    nan_policy: str = "listwise"

    @property
    def reliable(self) -> bool:
        """``alpha >= 0.7`` (the usual threshold for averaging items)."""
        return bool(np.isfinite(self.alpha) and self.alpha >= _RELIABLE_ALPHA)

    def to_frame(self) -> pd.DataFrame:
        """One tidy row: ``alpha, ci_low, ci_high, n, k, confidence, nan_policy``."""
        return pd.DataFrame(
            [
                {
                    "alpha": self.alpha,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "n": self.n,
                    "k": self.k,
                    "confidence": self.confidence,
                    "nan_policy": self.nan_policy,
                }
            ]
        )

    def summary(self) -> str:
        """One plain-language sentence."""
        if not np.isfinite(self.alpha):
            return (
                f"Cronbach's alpha cannot be computed ({self.k} items, "
                f"{self.n} respondents)."
            )
        verdict = (
            "reliable enough to average the items"
            if self.reliable
            else "not reliable enough to average the items"
        )
        return (
            f"Cronbach's alpha = {self.alpha:.2f} "
            f"({self.confidence:.0%} CI {self.ci_low:.2f} to {self.ci_high:.2f}; "
            f"{self.k} items, {self.n} respondents): {verdict}."
        )

    def _repr_html_(self) -> str:
        return (
            self.to_frame().to_html(index=False)
            + f"<p>{html.escape(self.summary())}</p>"
        )


def _feldt(alpha, n, k, confidence):
    """Feldt (1965) interval for alpha (vectorised)."""
    alpha = np.asarray(alpha, float)
    n = np.asarray(n, float)
    k = np.asarray(k, float)
    df1 = n - 1
    df2 = (n - 1) * (k - 1)
    with np.errstate(invalid="ignore"):
        ok = (df1 >= 1) & (df2 >= 1) & np.isfinite(alpha)
        d1 = np.where(ok, df1, 1)
        d2 = np.where(ok, df2, 1)
        low = 1 - (1 - alpha) * _sps.f.isf((1 - confidence) / 2, d1, d2)
        high = 1 - (1 - alpha) * _sps.f.isf((1 + confidence) / 2, d1, d2)
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def cronbach_alpha(
    items, *, confidence: float = 0.95, nan_policy: str = "listwise"
) -> AlphaResult:
    """Cronbach's alpha of a set of items, with Feldt's confidence interval.

    Parameters
    ----------
    items : pandas.DataFrame or 2-D array
        Wide frame: one column per item, one row per respondent (already
        reverse coded; see :func:`reliability` for the long survey frame).
    confidence : float, default=0.95
    nan_policy : {'listwise', 'pairwise'}, default='listwise'
        ``'listwise'`` drops respondents with any missing item (the textbook
        definition; ``n`` = complete rows, as pingouin with
        ``nan_policy='listwise'``). ``'pairwise'`` uses the pairwise-complete
        covariance matrix, ``alpha = k/(k-1) (1 - tr(C)/sum(C))``, as pingouin's
        default and R ``psych::alpha(use="pairwise")``; ``n`` = rows with
        any answer.

    Returns
    -------
    AlphaResult
        ``alpha, ci_low, ci_high, n, k`` (with ``to_frame()``, ``summary()``).
        ``alpha`` is NaN with fewer than 2 respondents or zero total variance.

    Notes
    -----
    ``alpha = k/(k-1) * (1 - sum(item variances) / variance(total score))``
    (variances with ``ddof=1``). Feldt's interval:
    ``[1 - (1-alpha) F_{1-a/2}, 1 - (1-alpha) F_{a/2}]`` with
    ``F ~ F(n-1, (n-1)(k-1))`` (Feldt, Woodruff & Salih 1987, eq. 3).
    """
    func = "cronbach_alpha"
    confidence = _check_confidence(confidence, func)
    _one_of(nan_policy, ("listwise", "pairwise"), "nan_policy", func)
    if isinstance(items, pd.DataFrame):
        data = items.apply(pd.to_numeric, errors="coerce").astype(float)
    else:
        arr = np.asarray(items, dtype=float)
        if arr.ndim != 2:
            raise ValueError(
                "The 'items' parameter of cronbach_alpha must be a 2-D table (one "
                f"column per item). Got an array with {arr.ndim} dimension(s)."
            )
        data = pd.DataFrame(arr)
    k = data.shape[1]
    if k < 2:
        raise ValueError(f"cronbach_alpha needs at least 2 items (columns). Got {k}.")
    if nan_policy == "listwise":
        data = data.dropna(how="any")
    else:
        data = data.dropna(how="all")
    n = data.shape[0]
    if n < 2:
        return AlphaResult(np.nan, np.nan, np.nan, n, k, confidence, nan_policy)
    cov = data.cov()  # pairwise-complete; equals the listwise one without NaN
    total = float(cov.to_numpy().sum())
    if not np.isfinite(total) or total <= 0:
        alpha = np.nan
    else:
        alpha = (k / (k - 1)) * (1 - float(np.trace(cov.to_numpy())) / total)
    low, high = _feldt(alpha, n, k, confidence)
    return AlphaResult(
        float(alpha), float(low), float(high), int(n), int(k), confidence, nan_policy
    )


def reliability(
    survey,
    *,
    settings=None,
    confidence: float = 0.95,
    nan_policy: str = "listwise",
    min_alpha: float = _RELIABLE_ALPHA,
    scale=None,
) -> pd.DataFrame:
    """Cronbach's alpha of every dimension (after reverse coding).

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
    settings : Settings, dict, path or None, default=None
    confidence : float, default=0.95
    nan_policy : {'listwise', 'pairwise'}, default='listwise'
        See :func:`cronbach_alpha`.
    min_alpha : float, default=0.7
        Threshold for ``reliable``.
    scale : (int, int) or None, default=None

    Returns
    -------
    pandas.DataFrame
        One row per dimension: ``dimension, alpha, ci_low, ci_high, n, k,
        reliable, note``. ``note`` says "not reliable enough to average" when
        alpha < ``min_alpha`` and explains NaN (single item, too few people).
        A response is one respondent in one period.
    """
    func = "reliability"
    confidence = _check_confidence(confidence, func)
    _one_of(nan_policy, ("listwise", "pairwise"), "nan_policy", func)
    scored = score_items(survey, settings=settings, scale=scale)
    rows = []
    for dim, wide in _dimension_tables(scored):
        k = wide.shape[1]
        if k < 2:
            rows.append(
                {
                    "dimension": dim,
                    "alpha": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "n": int(len(wide)),
                    "k": k,
                    "reliable": False,
                    "note": "fewer than 2 items answered: alpha undefined",
                }
            )
            continue
        res = cronbach_alpha(wide, confidence=confidence, nan_policy=nan_policy)
        ok = bool(np.isfinite(res.alpha) and res.alpha >= min_alpha)
        if not np.isfinite(res.alpha):
            note = "too few respondents or no variation: alpha undefined"
        elif ok:
            note = ""
        else:
            note = "not reliable enough to average"
        rows.append(
            {
                "dimension": dim,
                "alpha": res.alpha,
                "ci_low": res.ci_low,
                "ci_high": res.ci_high,
                "n": res.n,
                "k": res.k,
                "reliable": ok,
                "note": note,
            }
        )
    cols = ["dimension", "alpha", "ci_low", "ci_high", "n", "k", "reliable", "note"]
    return pd.DataFrame(rows, columns=cols)


def _dimension_tables(scored: ScoredSurvey):
    """``(dimension, wide)`` per dimension: one row per response (respondent
    within period), one column per item answered, items in configured order."""
    v = scored.valid
    unit = _unit_cols(scored.data, [])
    for dim, its in scored.dimensions.items():
        sub = v[v["dimension"] == dim]
        wide = sub.pivot_table(
            index=unit, columns="item", values="score", aggfunc="first"
        )
        yield dim, wide.reindex(columns=[i for i in its if i in wide.columns])


def item_statistics(
    survey,
    *,
    settings=None,
    nan_policy: str = "listwise",
    min_gain: float = 0.01,
    scale=None,
) -> pd.DataFrame:
    """Item-total statistics: which item holds a dimension's alpha down.

    The table a survey methodologist reads beside :func:`reliability` before
    averaging a dimension (SPSS "Item-Total Statistics", R ``psych::alpha``'s
    ``r.drop`` and ``raw_alpha`` if an item is dropped).

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
    settings : Settings, dict, path or None, default=None
    nan_policy : {'listwise', 'pairwise'}, default='listwise'
        As in :func:`cronbach_alpha`. ``'listwise'``: only responses that
        answered every item of the dimension. ``'pairwise'``: alphas from the
        pairwise-complete covariances; the item-total correlation then uses
        the responses that answered the item and every other item.
    min_gain : float, default=0.01
        ``raises_alpha`` needs alpha to rise by more than this when the item
        is dropped (a rise in the third decimal is noise, not a finding).
    scale : (int, int) or None, default=None

    Returns
    -------
    pandas.DataFrame
        One row per item of a dimension with at least 2 items answered:
        ``dimension, item, n`` (responses used for the correlation),
        ``mean, sd`` (of the item, reverse coded, over those responses),
        ``item_total_r`` (corrected item-total correlation: Pearson's r
        between the item and the sum of the *other* items of its dimension),
        ``alpha`` (the dimension's alpha), ``alpha_if_dropped`` (alpha of the
        other items; NaN when only one would remain) and ``raises_alpha``
        (True when dropping the item raises alpha by more than ``min_gain``).
        An item with a low or negative ``item_total_r`` usually measures
        something else, or was meant to be reverse coded.

    Examples
    --------
    >>> import pandas as pd
    >>> wide = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 4],
    ...                      "q3": [1, 3, 3, 4, 5], "q4": [4, 5, 3, 2, 1]})
    >>> long = wide.reset_index(names="respondent").melt(
    ...     "respondent", var_name="item", value_name="score")
    >>> t = item_statistics(long, settings={"dimensions":
    ...     {"clarity": ["q1", "q2", "q3", "q4"]}})
    >>> round(float(t["alpha"].iloc[0]), 2)  # q4 was meant to be reverse coded
    -0.1
    >>> t[["item", "item_total_r", "alpha_if_dropped"]].round(2)
      item  item_total_r  alpha_if_dropped
    0   q1          0.73             -2.67
    1   q2          0.58             -1.42
    2   q3          0.89             -3.07
    3   q4         -0.87              0.95
    """
    func = "item_statistics"
    _one_of(nan_policy, ("listwise", "pairwise"), "nan_policy", func)
    scored = score_items(survey, settings=settings, scale=scale)
    rows = []
    for dim, wide in _dimension_tables(scored):
        if wide.shape[1] < 2:
            continue
        data = wide.dropna(how="any") if nan_policy == "listwise" else wide
        alpha = cronbach_alpha(data, nan_policy=nan_policy).alpha
        for item in wide.columns:
            others = data.drop(columns=item)
            rest = others.sum(axis=1, min_count=others.shape[1])
            pair = pd.concat([data[item], rest], axis=1).dropna()
            x, y = pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy()
            with np.errstate(invalid="ignore", divide="ignore"):
                r = (
                    float(np.corrcoef(x, y)[0, 1])
                    if len(x) >= 3 and x.std() > 0 and y.std() > 0
                    else np.nan
                )
            dropped = (
                cronbach_alpha(others, nan_policy=nan_policy).alpha
                if others.shape[1] >= 2
                else np.nan
            )
            rows.append(
                {
                    "dimension": dim,
                    "item": item,
                    "n": int(len(x)),
                    "mean": float(x.mean()) if len(x) else np.nan,
                    "sd": float(x.std(ddof=1)) if len(x) >= 2 else np.nan,
                    "item_total_r": r,
                    "alpha": alpha,
                    "alpha_if_dropped": dropped,
                    "raises_alpha": bool(
                        np.isfinite(dropped)
                        and np.isfinite(alpha)
                        and dropped > alpha + min_gain
                    ),
                }
            )
    cols = [
        "dimension",
        "item",
        "n",
        "mean",
        "sd",
        "item_total_r",
        "alpha",
        "alpha_if_dropped",
        "raises_alpha",
    ]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------
# benchmarks and stages
# --------------------------------------------------------------------------


def survey_vs_benchmark(
    survey, benchmarks, *, settings=None, confidence: float = 0.95, scale=None
) -> pd.DataFrame:
    """Compare each dimension with its benchmark.

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
    benchmarks : pandas.DataFrame
        Rows with ``metric`` (a dimension name, or ``survey:<dimension>``),
        ``value`` and optionally ``statistic`` (``'mean'``, default, or
        ``'top2box'`` as a share 0–1). Rows for other metrics are ignored.
    settings : Settings, dict, path or None, default=None
    confidence : float, default=0.95
    scale : (int, int) or None, default=None

    Returns
    -------
    pandas.DataFrame
        ``dimension, statistic, n, value, benchmark, gap`` (value − benchmark),
        ``ci_low, ci_high`` (of value), ``p_value`` (two-sided), ``test``,
        ``below_benchmark`` (gap < 0 and p < 1 − confidence: confidently
        below), ``weakest`` (1 = weakest: rank by gap, ties by the dimension's
        mean, within each statistic).

    Notes
    -----
    ``mean``: one-sample t test of respondent-level dimension means against
    the benchmark (``scipy.stats.ttest_1samp``), t interval. When every
    respondent has the same mean the t interval is NaN (not estimable: zero
    spread is not certainty) and the p-value is the exact two-sided sign test
    (``scipy.stats.binomtest``: with 5 respondents all below, ``p = 0.0625``),
    as ``test`` says. ``top2box``:
    exact binomial test (``scipy.stats.binomtest``) of the top-2-box share
    against the benchmark at the *effective* number of answers (answers of
    one respondent are correlated; see
    :func:`diagnose.stats.clustered_wilson_interval`), with that interval.
    """
    func = "survey_vs_benchmark"
    confidence = _check_confidence(confidence, func)
    if not isinstance(benchmarks, pd.DataFrame) or not {"metric", "value"} <= set(
        benchmarks.columns
    ):
        raise ValueError(
            "The 'benchmarks' parameter of survey_vs_benchmark must be a DataFrame "
            "with columns 'metric' and 'value' (and optionally 'statistic')."
        )
    scored = score_items(survey, settings=settings, scale=scale)
    scores = dimension_scores(scored, confidence=confidence)
    b = benchmarks.copy()
    b["statistic"] = (
        b["statistic"].astype("string").str.strip().str.lower().fillna("mean")
        if "statistic" in b.columns
        else "mean"
    )
    b["statistic"] = b["statistic"].replace(
        {"": "mean", "average": "mean", "top2": "top2box", "top_2_box": "top2box"}
    )
    b["dimension"] = (
        b["metric"]
        .astype("string")
        .str.strip()
        .str.replace(r"^survey:\s*", "", regex=True)
    )
    b = b[b["dimension"].isin(list(scored.dimensions))]
    bad = sorted(set(b["statistic"]) - {"mean", "top2box"})
    if bad:
        raise ValueError(
            "The 'statistic' column of benchmarks for survey dimensions must be one of "
            f"{{'mean', 'top2box'}}. Got {bad} instead."
        )
    b = b.assign(benchmark=pd.to_numeric(b["value"], errors="coerce")).drop(
        columns="value"
    )
    tb = b.loc[b["statistic"] == "top2box", "benchmark"]
    if ((tb < 0) | (tb > 1)).any():
        raise ValueError(
            "A 'top2box' benchmark must be a share between 0 and 1 (e.g. 0.65 for "
            f"65%). Got {tb[(tb < 0) | (tb > 1)].tolist()}."
        )
    resp = _respondent_means(scored, [])
    rows = []
    alpha = 1 - confidence
    for rec in b[["dimension", "statistic", "benchmark"]].itertuples(index=False):
        sc = scores.loc[scores["dimension"] == rec.dimension].iloc[0]
        if rec.statistic == "mean":
            x = resp.loc[resp["dimension"] == rec.dimension, "resp_mean"].to_numpy()
            value = float(np.mean(x)) if x.size else np.nan
            lo, hi = mean_interval(x, confidence=confidence)
            n = int(x.size)
            test = "one-sample t test (respondent means)"
            if x.size < 2:
                p = np.nan
            elif no_variation(x):
                # sd = 0: the t test and interval are not estimable; the exact
                # sign test still uses how many respondents sit on each side
                below = int((x < rec.benchmark).sum())
                above = int((x > rec.benchmark).sum())
                p = (
                    float(_sps.binomtest(below, below + above, 0.5).pvalue)
                    if below + above
                    else 1.0
                )
                test = (
                    f"exact sign test (every respondent's mean is {x[0]:.2f}: no "
                    "variation, so the t interval is not estimable)"
                )
            else:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    p = float(_sps.ttest_1samp(x, rec.benchmark).pvalue)
        else:
            n = int(sc["n_answers"])
            value = float(sc["top2box"])
            lo, hi = float(sc["top2box_ci_low"]), float(sc["top2box_ci_high"])
            n_eff = float(sc["top2box_n_eff"])
            m = int(round(n_eff)) if np.isfinite(n_eff) else 0
            k = int(round(value * m)) if m else 0
            p = float(_sps.binomtest(k, m, rec.benchmark).pvalue) if m else np.nan
            test = (
                "binomial test at the effective number of answers "
                "(respondent clusters), clustered Wilson CI"
            )
        rows.append(
            {
                "dimension": rec.dimension,
                "statistic": rec.statistic,
                "n": n,
                "value": value,
                "benchmark": float(rec.benchmark),
                "gap": value - float(rec.benchmark),
                "ci_low": lo,
                "ci_high": hi,
                "p_value": p,
                "test": test,
                "_mean": float(sc["mean"]),
            }
        )
    cols = [
        "dimension",
        "statistic",
        "n",
        "value",
        "benchmark",
        "gap",
        "ci_low",
        "ci_high",
        "p_value",
        "test",
        "below_benchmark",
        "weakest",
    ]
    out = pd.DataFrame(rows, columns=cols[:-2] + ["_mean"])
    out["below_benchmark"] = (out["gap"] < 0) & (out["p_value"] < alpha)
    out = out.sort_values(["statistic", "gap", "_mean"], kind="stable")
    out["weakest"] = out.groupby("statistic").cumcount().add(1).astype(int)
    return (
        out[cols]
        .sort_values(["weakest", "statistic"], kind="stable")
        .reset_index(drop=True)
    )


def stage_pain(
    survey, *, settings=None, confidence: float = 0.95, scale=None
) -> pd.DataFrame:
    """Survey pain per process stage or handoff.

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
    settings : Settings, dict, path or None, default=None
        ``dimension_stages``: dimension -> stages/handoffs (``"A -> B"``) it
        speaks of.
    confidence : float, default=0.95
    scale : (int, int) or None, default=None

    Returns
    -------
    pandas.DataFrame
        One row per (location, dimension) link: ``location, dimension,
        n_respondents, mean, ci_low, ci_high, top2box, bottom2box``, sorted
        by ``mean`` (most painful first). Join it to the bottleneck table on
        ``location``; a location named by several dimensions has several rows.
    """
    func = "stage_pain"
    confidence = _check_confidence(confidence, func)
    s, sc = _settings(settings, scale)
    links = pd.DataFrame(
        [(loc, dim) for dim, locs in s.dimension_stages.items() for loc in locs],
        columns=["location", "dimension"],
    )
    cols = [
        "location",
        "dimension",
        "n_respondents",
        "mean",
        "ci_low",
        "ci_high",
        "top2box",
        "bottom2box",
    ]
    if links.empty:
        return pd.DataFrame(columns=cols)
    scores = dimension_scores(survey, settings=s, scale=sc, confidence=confidence)
    out = links.merge(scores, on="dimension", how="inner")
    return (
        out[cols]
        .sort_values(["mean", "location"], kind="stable")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------
# free text
# --------------------------------------------------------------------------

#: Domain words kept whole by the Chinese segmenter (jieba user dictionary).
PAIN_WORDS: list[str] = [
    "设计资源",
    "跨部门",
    "评审",
    "审批",
    "资源协调",
    "需求调研",
    "方案策划",
    "活动执行",
    "效果复盘",
    "流程清晰度",
    "协作效率",
    "工具支持",
    "逾期",
    "返工",
    "沟通成本",
    "重复提交",
    "等待",
    "反馈",
    "排期",
    "需求变更",
    "权责不清",
    "职责不清",
    "信息不同步",
    "对接人",
    "交付物",
]

_ZH_STOP = set(
    """的 了 和 是 在 我 我们 你 他 她 它 有 也 都 就 很 太 还 又 不 没 没有 与 及 或
    这 那 这个 那个 一个 一些 什么 怎么 因为 所以 但是 但 而且 如果 就是 还是 可以 需要
    希望 觉得 感觉 比较 非常 经常 总是 每次 时候 问题 一下 一直 已经 这样 那样 对 把 被
    让 给 到 从 向 为 为了 由于 导致 之间 其他 各 个 等 吧 呢 啊 吗 会 能 要 说 做
    目前 现在 有些 有时 容易 无法 不能 不够 过 多 少 大 小 上 下 中 后 前 知道 只能
    最大 多了 好几个 同一份 以上 之后 之前 然后 其实 特别 真的""".split()
)
_EN_STOP = set(
    """a an the and or but if so to of in on at for from by with without about into
    over under is are was were be been being am do does did done have has had having
    i me my we our us you your he she it its they them their this that these those
    there here what which who whom when where why how all any both each few more most
    other some such no nor not only own same than too very can could will would should
    may might must just also often always never sometimes again still get gets got
    one two lot lots really much many make makes made us etc because
    before after until while during then once per every main back forth go goes
    going went take took""".split()
)
_EN_TOKEN = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_ZH_TOKEN_OK = re.compile(r"^[\u3400-\u9fffA-Za-z0-9]+$")
# quantities such as 三天 / 两周 / 3次: durations are facts, not pain terms
_ZH_QUANTITY = re.compile(
    r"^[0-9一二三四五六七八九十百两几半多]+[天周月年次个遍轮号日]?$"
)


@functools.lru_cache(maxsize=1)
def _segmenter():
    """A private jieba tokenizer with the domain words (loaded quietly, once)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for word in PAIN_WORDS:
        tk.add_word(word, freq=200000)
    tk.initialize()
    return tk


def _zh_terms(text: str, stop: set[str]) -> list[str]:
    tk = _segmenter()
    out = []
    for tok in tk.lcut(text):
        tok = tok.strip()
        if (
            len(tok) < 2
            or tok in stop
            or not _ZH_TOKEN_OK.match(tok)
            or _ZH_QUANTITY.match(tok)
        ):
            continue
        out.append(tok.lower())
    return out


def _en_terms(text: str, stop: set[str]) -> list[str]:
    return [t for t in _EN_TOKEN.findall(text.lower()) if len(t) > 2 and t not in stop]


def pain_terms(
    texts,
    *,
    language: str = "auto",
    top: int = 20,
    stopwords=None,
    column: str | None = None,
) -> pd.DataFrame:
    """Tally the pain terms that recur in free-text answers.

    Parameters
    ----------
    texts : pandas.DataFrame, pandas.Series or list of str
        Free-text answers, e.g. ``load_survey(...).text`` (its ``text`` column).
    language : {'auto', 'zh', 'en'}, default='auto'
        ``'zh'``: jieba word segmentation (with :data:`PAIN_WORDS` as user
        dictionary, so 设计资源 / 跨部门 stay whole). ``'en'``: lowercase word
        tokens. ``'auto'`` decides per answer: Chinese when it contains CJK
        characters.
    top : int, default=20
        Number of terms returned.
    stopwords : iterable of str or None, default=None
        Extra words to ignore (added to the built-in lists).
    column : str or None, default=None
        Column holding the answers when ``texts`` is a DataFrame; ``None``
        uses ``text`` (``load_survey(...).text``) or else ``comment``
        (``generate(...).comments``).

    Returns
    -------
    pandas.DataFrame
        ``term, n_mentions`` (answers mentioning the term, counted once per
        answer), ``share`` (of non-empty answers), ``example`` (the first
        answer mentioning it). Sorted by ``n_mentions`` then ``term``.
    """
    func = "pain_terms"
    _one_of(language, ("auto", "zh", "en"), "language", func)
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(
            f"The 'top' parameter of {func} must be an int in the range [1, inf). "
            f"Got {top!r} instead."
        )
    if isinstance(texts, pd.DataFrame):
        if column is None:
            column = next(
                (c for c in ("text", "comment") if c in texts.columns), "text"
            )
        if column not in texts.columns:
            raise ValueError(
                f"{func}: column {column!r} not found in texts. Columns: "
                f"{list(texts.columns)}."
            )
        series = texts[column]
    else:
        series = pd.Series(list(texts) if not isinstance(texts, pd.Series) else texts)
    answers = series.dropna().astype(str).str.strip()
    answers = answers[answers != ""].reset_index(drop=True)
    cols = ["term", "n_mentions", "share", "example"]
    if answers.empty:
        return pd.DataFrame(columns=cols)
    extra = {str(w).lower() for w in (stopwords or [])}
    zh_stop, en_stop = _ZH_STOP | extra, _EN_STOP | extra
    if language == "auto":
        is_zh = answers.str.contains(_CJK)
    else:
        is_zh = pd.Series(language == "zh", index=answers.index)
    terms = pd.Series(
        [[] for _ in range(len(answers))], index=answers.index, dtype=object
    )
    if is_zh.any():
        terms[is_zh] = answers[is_zh].map(lambda t: _zh_terms(t, zh_stop))
    if (~is_zh).any():
        terms[~is_zh] = answers[~is_zh].map(lambda t: _en_terms(t, en_stop))
    long = (
        terms.map(lambda ts: list(dict.fromkeys(ts)))
        .explode()
        .dropna()
        .rename("term")
        .reset_index()
        .rename(columns={"index": "answer"})
    )
    if long.empty:
        return pd.DataFrame(columns=cols)
    out = long.groupby("term").agg(
        n_mentions=("answer", "size"), _first=("answer", "min")
    )
    out["share"] = out["n_mentions"] / len(answers)
    out["example"] = answers.loc[out["_first"]].to_numpy()
    out = out.reset_index().sort_values(["n_mentions", "term"], ascending=[False, True])
    return out[cols].head(top).reset_index(drop=True)
