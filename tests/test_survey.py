"""Tests of diagnose.survey against hand computation, R and pingouin values."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from diagnose.exceptions import PROBLEM_COLUMNS, DataError
from diagnose.survey import (
    AlphaResult,
    cronbach_alpha,
    dimension_scores,
    item_statistics,
    pain_terms,
    reliability,
    score_distribution,
    score_items,
    stage_pain,
    survey_vs_benchmark,
)

Z975 = 1.959963984540054  # qnorm(0.975)


def long_frame(wide: dict, *, team=None, period="2024Q1") -> pd.DataFrame:
    """{item: [scores per respondent]} -> long survey frame."""
    n = len(next(iter(wide.values())))
    rows = []
    for item, scores in wide.items():
        for r, s in enumerate(scores):
            rows.append(
                {
                    "respondent": f"r{r + 1}",
                    "team": team[r] if team else "A",
                    "department": "市场部",
                    "period": period,
                    "item": item,
                    "score": s,
                }
            )
    assert len(rows) == n * len(wide)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------

TINY = pd.DataFrame({"i1": [1, 2, 4, 5], "i2": [2, 3, 4, 5], "i3": [2, 3, 5, 4]})


def test_alpha_matches_hand_computation():
    # item variances (ddof=1): i1: mean 3, SS 4+1+1+4 = 10 -> 10/3
    #                          i2: mean 3.5, SS 2.25+.25+.25+2.25 = 5 -> 5/3
    #                          i3: mean 3.5, SS 2.25+.25+2.25+.25 = 5 -> 5/3
    # totals 5, 8, 13, 14: mean 10, SS 25+4+9+16 = 54 -> variance 18
    # alpha = 3/2 * (1 - (20/3)/18) = 51/54
    res = cronbach_alpha(TINY)
    assert isinstance(res, AlphaResult)
    assert res.alpha == pytest.approx(51 / 54, abs=1e-12)
    assert (res.n, res.k) == (4, 3)


def test_feldt_interval_matches_formula_and_f_table():
    res = cronbach_alpha(TINY, confidence=0.95)
    a = 51 / 54
    # Feldt (1965): [1 - (1-a) F(.975; n-1, (n-1)(k-1)), 1 - (1-a) F(.025; ...)]
    # with n = 4, k = 3
    f_hi = stats.f.ppf(0.975, 3, 6)
    f_lo = stats.f.ppf(0.025, 3, 6)
    assert res.ci_low == pytest.approx(1 - (1 - a) * f_hi, rel=1e-12)
    assert res.ci_high == pytest.approx(1 - (1 - a) * f_lo, rel=1e-12)
    # printed F tables: F(.975; 3, 6) = 6.60 and
    # F(.025; 3, 6) = 1 / F(.975; 6, 3) = 1 / 14.73
    assert res.ci_low == pytest.approx(1 - (1 - a) * 6.5988, abs=1e-3)
    assert res.ci_high == pytest.approx(1 - (1 - a) / 14.735, abs=1e-4)
    # a 90 % interval is narrower
    r90 = cronbach_alpha(TINY, confidence=0.90)
    assert res.ci_low < r90.ci_low < r90.alpha < r90.ci_high < res.ci_high


# pingouin's dataset "cronbach_alpha" (15 subjects x 10 items), typed in from
# pingouin/datasets/cronbach_alpha.csv. pingouin's tests/test_reliability.py
# checks it against R psych::alpha: alpha 0.592, 95 % CI [0.195, 0.840].
PINGOUIN = pd.DataFrame(
    {
        "Q1": [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
        "Q2": [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
        "Q3": [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
        "Q4": [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
        "Q5": [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
        "Q6": [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
        "Q7": [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
        "Q8": [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
        "Q9": [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
        "Q10": [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
    }
)


def test_alpha_matches_pingouin_and_r_psych():
    res = cronbach_alpha(PINGOUIN)
    assert round(res.alpha, 3) == 0.592
    assert round(res.ci_low, 3) == 0.195
    assert round(res.ci_high, 3) == 0.840
    assert (res.n, res.k) == (15, 10)


def _alpha_by_hand(x: np.ndarray) -> float:
    k = x.shape[1]
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))


def test_item_statistics_match_the_definitions_on_pingouin_data():
    items = list(PINGOUIN.columns)
    long = long_frame({c: PINGOUIN[c].tolist() for c in items})
    got = item_statistics(
        long, settings={"dimensions": {"all": items}}, scale=(1, 7)
    ).set_index("item")
    assert got.index.tolist() == items
    x = PINGOUIN.to_numpy(float)
    assert got["alpha"].round(3).unique().tolist() == [0.592]  # R psych::alpha
    for j, item in enumerate(items):
        rest = np.delete(x, j, axis=1)
        r = np.corrcoef(x[:, j], rest.sum(axis=1))[0, 1]
        assert got.loc[item, "item_total_r"] == pytest.approx(r, abs=1e-12)
        assert got.loc[item, "alpha_if_dropped"] == pytest.approx(
            _alpha_by_hand(rest), abs=1e-12
        )
        assert got.loc[item, "mean"] == pytest.approx(x[:, j].mean())
        assert got.loc[item, "n"] == 15
    # the items whose removal raises alpha, by hand from the same numbers
    raises = set(got.index[got["raises_alpha"]])
    by_hand = {
        c
        for j, c in enumerate(items)
        if _alpha_by_hand(np.delete(x, j, axis=1)) > _alpha_by_hand(x) + 0.01
    }
    assert raises == by_hand == {"Q5", "Q6", "Q8"}


def test_item_statistics_find_an_item_left_unreversed():
    wide = {
        "c1": [1, 2, 4, 5, 3, 4],
        "c2": [2, 3, 4, 5, 3, 5],
        "c3": [5, 4, 2, 1, 3, 2],  # worded negatively
    }
    dims = {"清晰度": ["c1", "c2", "c3"]}
    forgot = item_statistics(long_frame(wide), settings={"dimensions": dims})
    assert forgot.set_index("item")["item_total_r"]["c3"] < 0
    assert forgot.loc[forgot["raises_alpha"], "item"].tolist() == ["c3"]
    right = item_statistics(
        long_frame(wide), settings={"dimensions": dims, "reverse_items": ["c3"]}
    )
    assert (right["item_total_r"] > 0).all()
    assert "c3" not in right.loc[right["raises_alpha"], "item"].tolist()
    assert right["alpha"].iloc[0] > forgot["alpha"].iloc[0]


def test_item_statistics_missing_answers_and_single_item_dimensions():
    wide = {
        "c1": [1, 2, 4, 5, None],
        "c2": [2, 3, 4, 5, 4],
        "c3": [1, 3, 3, 4, 5],
        "t1": [1, 5, 2, 4, 3],
    }
    dims = {"clarity": ["c1", "c2", "c3"], "tools": ["t1"]}
    got = item_statistics(long_frame(wide), settings={"dimensions": dims})
    assert got["dimension"].unique().tolist() == ["clarity"]  # 1 item: no row
    assert got["n"].tolist() == [4, 4, 4]  # listwise: r5 skipped c1
    pair = item_statistics(
        long_frame(wide), settings={"dimensions": dims}, nan_policy="pairwise"
    ).set_index("item")
    # c2's correlation with c1 + c3 still needs both: 4 responses; c3 with c1 + c2: 4
    assert pair["n"].tolist() == [4, 4, 4]
    alpha_pairwise = cronbach_alpha(
        pd.DataFrame({k: wide[k] for k in ("c2", "c3")}, dtype=float),
        nan_policy="pairwise",
    ).alpha
    assert pair.loc["c1", "alpha_if_dropped"] == pytest.approx(alpha_pairwise)
    with pytest.raises(ValueError, match="nan_policy"):
        item_statistics(long_frame(wide), settings={"dimensions": dims}, nan_policy="x")


def test_alpha_missing_values_pairwise_and_listwise():
    data = PINGOUIN.astype(float)
    data.loc[2, "Q1"] = (
        np.nan
    )  # pingouin's test: df.loc[2, "Scores"] = nan (Subj 2, Q1)
    pairwise = cronbach_alpha(data, nan_policy="pairwise")
    assert round(pairwise.alpha, 3) == 0.567  # pingouin regression value (pairwise)
    assert pairwise.n == 15
    listwise = cronbach_alpha(data)  # default: listwise
    complete = cronbach_alpha(PINGOUIN.drop(index=2))
    assert listwise.nan_policy == "listwise"
    assert listwise.n == 14
    assert listwise.alpha == pytest.approx(complete.alpha)
    assert (listwise.ci_low, listwise.ci_high) == pytest.approx(
        (complete.ci_low, complete.ci_high)
    )


def test_alpha_result_frame_and_summary():
    res = cronbach_alpha(TINY)
    frame = res.to_frame()
    assert list(frame.columns) == [
        "alpha",
        "ci_low",
        "ci_high",
        "n",
        "k",
        "confidence",
        "nan_policy",
    ]
    assert frame.loc[0, "alpha"] == pytest.approx(51 / 54)
    assert "0.94" in res.summary() and "reliable enough" in res.summary()
    assert "<table" in res._repr_html_()


def test_alpha_arguments():
    with pytest.raises(ValueError, match="at least 2 items"):
        cronbach_alpha(TINY[["i1"]])
    with pytest.raises(
        ValueError,
        match=r"The 'nan_policy' parameter of cronbach_alpha must be one of "
        r"\{'listwise', 'pairwise'\}. Got 'drop' instead.",
    ):
        cronbach_alpha(TINY, nan_policy="drop")
    with pytest.raises(ValueError, match="'confidence' parameter of cronbach_alpha"):
        cronbach_alpha(TINY, confidence=95)
    one = cronbach_alpha(TINY.head(1))
    assert np.isnan(one.alpha) and one.n == 1
    assert np.isnan(
        cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]})).alpha
    )


# --------------------------------------------------------------------------
# score_items: reverse coding and bad answers
# --------------------------------------------------------------------------


def test_reverse_coding_low_plus_high_minus_score():
    df = long_frame({"q1": [1, 2, 3, 4, 5], "q2": [1, 2, 3, 4, 5]})
    scored = score_items(
        df, settings={"dimensions": {"D": ["q1", "q2"]}, "reverse_items": ["q2"]}
    )
    d = scored.data
    assert d.loc[d["item"] == "q2", "score"].tolist() == [5, 4, 3, 2, 1]
    assert d.loc[d["item"] == "q1", "score"].tolist() == [1, 2, 3, 4, 5]
    assert d.loc[d["item"] == "q2", "reversed"].all()
    assert d.loc[d["item"] == "q2", "raw_score"].tolist() == [1, 2, 3, 4, 5]
    # on a 0-10 scale: 10 + 0 - score
    s10 = score_items(df, settings={"reverse_items": ["q2"]}, scale=(0, 10))
    assert s10.data.loc[s10.data["item"] == "q2", "score"].tolist() == [9, 8, 7, 6, 5]
    # the input is not changed
    assert df["score"].tolist() == [1, 2, 3, 4, 5] * 2


def test_every_bad_answer_is_listed_not_dropped():
    df = pd.DataFrame(
        {
            "respondent": ["a", "a", "b", "b", "c", "c", "d", "d", "d"],
            "period": ["P1"] * 9,
            "item": ["q1", "q2", "q1", "q2", "q1", "q2", "q1", "q2", "q2"],
            "score": [6, 0, np.nan, "abc", 3.5, 4, 5, 2, 4],
            "source_row": [2, 3, 4, 5, 6, 7, 8, 9, 10],
        }
    )
    df.attrs["file"] = "survey.xlsx"
    scored = score_items(df, settings={"dimensions": {"D": ["q1", "q2"]}})
    probs = scored.problems
    assert list(probs.columns) == PROBLEM_COLUMNS
    assert len(scored.data) == len(df)  # nothing dropped
    by_row = probs.set_index("row")
    assert by_row.loc[2, "problem"].startswith("answer is outside the 1–5 scale")
    assert by_row.loc[3, "problem"].startswith("answer is outside the 1–5 scale")
    assert by_row.loc[4, "problem"].startswith("answer is missing")
    assert by_row.loc[5, "problem"].startswith("answer is not a number")
    assert by_row.loc[5, "value"] == "abc"
    assert by_row.loc[6, "problem"].startswith("answer is not a whole point")
    assert by_row.loc[10, "problem"].startswith(
        "same respondent answered this item twice"
    )
    assert sorted(probs["row"].tolist()) == [2, 3, 4, 5, 6, 10]
    assert (probs["file"] == "survey.xlsx").all()
    assert probs["fix"].str.len().gt(0).all()
    issues = scored.data.set_index("source_row")["issue"]
    assert issues[[2, 3, 4, 5, 6, 10]].tolist() == [
        "out_of_range",
        "out_of_range",
        "missing",
        "not_a_number",
        "not_a_scale_point",
        "duplicate",
    ]
    assert scored.data["valid"].tolist() == [False] * 5 + [True, True, True, False]
    assert scored.data.loc[~scored.data["valid"], "score"].isna().all()
    # set-aside answers count as missing in the dimension scores:
    # 4 responses x 2 items = 8 expected, usable: c/q2 = 4, d/q1 = 5, d/q2 = 2
    sc = dimension_scores(scored)
    assert sc.loc[0, "n_answers"] == 3
    assert sc.loc[0, "n_missing"] == 5
    assert sc.loc[0, "n_respondents"] == 2


def test_scale_words_are_read_on_five_point_scales():
    df = pd.DataFrame(
        {
            "respondent": ["a", "b", "c", "d"],
            "item": "q1",
            "score": ["非常满意", "不满意", " Very dissatisfied ", "还行吧"],
        }
    )
    scored = score_items(df)
    assert scored.data["score"].tolist()[:3] == [5, 2, 1]
    assert scored.data["issue"].tolist() == ["", "", "", "not_a_number"]
    assert scored.problems["value"].tolist() == ["还行吧"]
    # on 0-4 the same words are shifted down by one
    shifted = score_items(df.head(2), scale=(0, 4))
    assert shifted.data["score"].tolist() == [4, 1]


def test_items_in_no_dimension_are_kept_and_listed():
    df = long_frame({"q1": [4, 5], "q2": [3, 4], "extra": [1, 2]})
    scored = score_items(df, settings={"dimensions": {"D": ["q1", "q2"]}})
    assert scored.unmapped_items == ["extra"]
    extra = scored.data[scored.data["item"] == "extra"]
    assert len(extra) == 2 and extra["dimension"].isna().all()
    row = scored.problems[scored.problems["column"] == "item"]
    assert row["value"].tolist() == ["extra"]
    assert dimension_scores(scored)["dimension"].tolist() == ["D"]


def test_missing_required_column_is_a_data_error():
    with pytest.raises(DataError, match=r"required column\(s\) \['score'\]"):
        score_items(pd.DataFrame({"respondent": [1], "item": ["q1"]}))


# --------------------------------------------------------------------------
# dimension scores
# --------------------------------------------------------------------------


def test_dimension_scores_match_hand_computation():
    # r2 did not answer b (blank): available-case mean over a only
    df = long_frame({"a": [5, 4, 2, 3], "b": [4, np.nan, 1, 5]})
    out = dimension_scores(df, settings={"dimensions": {"D": ["a", "b"]}})
    row = out.iloc[0]
    # respondent means 4.5, 4, 1.5, 4 -> mean 3.5, SS = 1 + .25 + 4 + .25 = 5.5
    sd = np.sqrt(5.5 / 3)
    t = 3.182446305284263  # qt(0.975, 3)
    assert row["n_respondents"] == 4
    assert row["n_answers"] == 7
    assert row["n_missing"] == 1
    assert row["mean"] == pytest.approx(3.5)
    assert row["median"] == pytest.approx(4.0)
    assert row["ci_low"] == pytest.approx(3.5 - t * sd / 2, rel=1e-9)
    assert row["ci_high"] == pytest.approx(3.5 + t * sd / 2, rel=1e-9)
    # answers 5,4,2,3,4,1,5: top-2 (4 or 5) = 4 of 7, bottom-2 (1 or 2) = 2 of 7
    assert row["top2box"] == pytest.approx(4 / 7)
    assert row["bottom2box"] == pytest.approx(2 / 7)
    # answers cluster in respondents: top-2 per respondent y = 2, 1, 0, 1 of
    # m = 2, 1, 2, 2; y - p m = 6/7, 3/7, -8/7, -1/7, V = (110/49) / 7^2,
    # n_eff = p (1 - p) / V = (12/49) / (110/2401) = 588/110 (not 7)
    p, n = 4 / 7, 588 / 110
    centre = (p + Z975**2 / (2 * n)) / (1 + Z975**2 / n)
    half = Z975 * np.sqrt(p * (1 - p) / n + Z975**2 / (4 * n**2)) / (1 + Z975**2 / n)
    assert row["top2box_ci_low"] == pytest.approx(centre - half, rel=1e-9)
    assert row["top2box_ci_high"] == pytest.approx(centre + half, rel=1e-9)


def test_clustered_wilson_by_hand_and_its_limits():
    from diagnose.stats import clustered_wilson_interval, wilson_interval

    # three respondents, three items each: all agree / one of three / none
    p, low, high, n_eff = clustered_wilson_interval([3, 1, 0], [3, 3, 3])
    assert p == pytest.approx(4 / 9)
    # y - p m = 5/3, -1/3, -4/3: V = (42/9) / 81, n_eff = (20/81) / V = 20/42 * 9
    assert n_eff == pytest.approx((20 / 81) / (42 / 9 / 81))
    assert (low, high) == pytest.approx(
        tuple(float(x) for x in wilson_interval(p * n_eff, n_eff))
    )
    # one answer per respondent: exactly Wilson's interval (R prop.test)
    one = clustered_wilson_interval([1] * 7 + [0] * 3, [1] * 10)
    assert one[3] == pytest.approx(10)
    assert one[1:3] == pytest.approx((0.3967781, 0.8922087), abs=1e-6)
    # everyone answers alike: the interval is as wide as for 3 answers
    same = clustered_wilson_interval([3, 3, 3], [3, 3, 3])
    assert same[0] == 1.0 and same[3] == 3.0
    # one respondent: no interval; no answers: nothing
    assert np.isnan(clustered_wilson_interval([2], [3])[1])
    assert np.isnan(clustered_wilson_interval([], [])[0])


def test_clustered_wilson_keeps_its_coverage_where_plain_wilson_does_not():
    # 40 respondents x 5 items; each person agrees with their own probability
    # (Beta(2, 2): strong within-person correlation). True share 0.5.
    from diagnose.stats import clustered_wilson_interval, wilson_interval

    rng = np.random.default_rng(7)
    hits_clustered = hits_plain = 0
    sims = 400
    for _ in range(sims):
        own = rng.beta(2, 2, size=40)
        y = rng.binomial(5, own)
        _, lo, hi, _ = clustered_wilson_interval(y, np.full(40, 5))
        hits_clustered += lo <= 0.5 <= hi
        plo, phi = wilson_interval(y.sum(), 200)
        hits_plain += plo <= 0.5 <= phi
    # seed 7: 93 % against 84.5 %
    assert hits_clustered / sims >= 0.91  # near the nominal 95 %
    assert hits_plain / sims <= 0.88  # the plain interval is far too narrow
    assert hits_clustered - hits_plain >= 0.05 * sims


def test_top2box_wilson_matches_r_prop_test():
    df = long_frame({"q": [5, 5, 4, 4, 4, 5, 4, 3, 2, 1]})
    row = dimension_scores(df).iloc[0]  # no dimensions configured: item = dimension
    assert row["dimension"] == "q"
    assert row["top2box"] == pytest.approx(0.7)
    # R: prop.test(7, 10, correct = FALSE)$conf.int -> 0.3967781 0.8922087
    assert row["top2box_ci_low"] == pytest.approx(0.3967781, abs=1e-6)
    assert row["top2box_ci_high"] == pytest.approx(0.8922087, abs=1e-6)
    # R: prop.test(2, 10, correct = FALSE)$conf.int -> 0.05668215 0.50983000
    assert row["bottom2box"] == pytest.approx(0.2)
    assert row["bottom2box_ci_low"] == pytest.approx(0.05668215, abs=1e-6)
    assert row["bottom2box_ci_high"] == pytest.approx(0.50983, abs=1e-5)


def test_dimension_scores_by_team_add_up():
    df = long_frame(
        {"a": [5, 4, 2, 3, 1, 2], "b": [4, 5, 1, 5, 2, 2]},
        team=["A", "A", "A", "B", "B", "B"],
    )
    out = dimension_scores(df, settings={"dimensions": {"D": ["a", "b"]}}, by="team")
    assert out["team"].tolist() == ["A", "B"]
    assert out["n_answers"].sum() == 12
    assert out["n_respondents"].tolist() == [3, 3]
    # team A respondent means 4.5, 4.5, 1.5; team B 4, 1.5, 2
    assert out["mean"].tolist() == pytest.approx([3.5, 2.5])
    # top-2: team A 5,4,4,5 of 6 answers; team B only the 5
    assert out["top2box"].tolist() == pytest.approx([4 / 6, 1 / 6])


def test_dimension_scores_by_a_categorical_team_without_warnings():
    # a team column the user made categorical (with a team that answered
    # nothing) gives the same rows, and pandas' observed=False FutureWarning
    # must not reach the user
    df = long_frame(
        {"a": [5, 4, 2, 3, 1, 2], "b": [4, 5, 1, 5, 2, 2]},
        team=["A", "A", "A", "B", "B", "B"],
    )
    df["team"] = pd.Categorical(df["team"], categories=["A", "B", "C"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = dimension_scores(
            df, settings={"dimensions": {"D": ["a", "b"]}}, by="team"
        )
    assert out["team"].astype(str).tolist() == ["A", "B"]
    assert out["mean"].tolist() == pytest.approx([3.5, 2.5])
    assert out["n_respondents"].tolist() == [3, 3]


def test_argument_messages_follow_scikit_learn():
    df = long_frame({"a": [1, 2]})
    with pytest.raises(
        ValueError,
        match=r"The 'by' parameter of dimension_scores must be one of "
        r"\{'team', 'department', 'period'\}. Got 'x' instead.",
    ):
        dimension_scores(df, by="x")
    with pytest.raises(ValueError, match="The 'level' parameter of score_distribution"):
        score_distribution(df, level="team")


def test_score_distribution_includes_every_point_and_sums_to_one():
    df = long_frame({"a": [5, 4, 4, 1], "b": [5, 5, 4, 2]})
    dist = score_distribution(df, settings={"dimensions": {"D": ["a", "b"]}})
    assert dist["score"].tolist() == [1, 2, 3, 4, 5]
    assert dist["n"].tolist() == [1, 1, 0, 3, 3]
    assert dist["share"].sum() == pytest.approx(1)
    items = score_distribution(
        df, settings={"dimensions": {"D": ["a", "b"]}}, level="item"
    )
    assert items.groupby("item")["share"].sum().tolist() == pytest.approx([1, 1])
    assert len(items) == 10


# --------------------------------------------------------------------------
# reliability, benchmarks, stages
# --------------------------------------------------------------------------


def test_reliability_uses_reverse_coding_and_flags_low_alpha():
    wide = {
        "c1": [1, 2, 4, 5],
        "c2": [2, 3, 4, 5],
        "c3": [4, 3, 1, 2],  # c3 worded negatively
        "t1": [1, 5, 2, 4],
        "t2": [3, 2, 5, 1],  # inconsistent pair
    }
    settings = {
        "dimensions": {"清晰度": ["c1", "c2", "c3"], "工具": ["t1", "t2"]},
        "reverse_items": ["c3"],
    }
    rel = reliability(long_frame(wide), settings=settings)
    assert rel.columns.tolist() == [
        "dimension",
        "alpha",
        "ci_low",
        "ci_high",
        "n",
        "k",
        "reliable",
        "note",
    ]
    clear = rel.set_index("dimension").loc["清晰度"]
    # reverse coded c3 = 2, 3, 5, 4: the TINY table above, alpha = 51/54
    assert clear["alpha"] == pytest.approx(51 / 54)
    assert bool(clear["reliable"]) and clear["note"] == ""
    tool = rel.set_index("dimension").loc["工具"]
    # variances 10/3 and 8.75/3, totals 4,7,7,5 -> 6.75/3: 2 * (1 - 18.75/6.75)
    assert tool["alpha"] == pytest.approx(2 * (1 - 18.75 / 6.75))
    assert not tool["reliable"]
    assert tool["note"] == "not reliable enough to average"
    # forgetting the reverse coding would make the clear dimension look unreliable
    plain = reliability(long_frame(wide), settings={**settings, "reverse_items": []})
    assert plain.set_index("dimension").loc["清晰度", "alpha"] < 0.7


def test_survey_vs_benchmark_t_test_and_exact_binomial():
    df = long_frame({"a": [5, 4, 2, 3], "b": [4, np.nan, 1, 5], "q": [5, 5, 4, 1]})
    settings = {"dimensions": {"D": ["a", "b"], "E": ["q"]}}
    bench = pd.DataFrame(
        {
            "metric": ["survey:D", "E", "cycle_time"],
            "statistic": ["mean", "top2box", "median"],
            "value": [3.0, 0.5, 15],
        }
    )
    out = survey_vs_benchmark(df, bench, settings=settings).set_index("dimension")
    assert list(out.index) == ["D", "E"]  # cycle_time is not a survey metric
    d = out.loc["D"]
    # R: t.test(c(4.5, 4, 1.5, 4), mu = 3): t = 0.5 / (sd / 2), df = 3
    t_stat = 0.5 / (np.sqrt(5.5 / 3) / 2)
    assert d["gap"] == pytest.approx(0.5)
    assert d["p_value"] == pytest.approx(2 * stats.t.sf(t_stat, 3))
    assert d["p_value"] == pytest.approx(0.5138, abs=1e-3)
    assert "t test" in d["test"] and not d["below_benchmark"]
    e = out.loc["E"]
    # top-2 = 3 of 4; R: binom.test(3, 4, 0.5)$p.value = 2 * (4 + 1) / 16 = 0.625
    assert e["value"] == pytest.approx(0.75)
    assert e["p_value"] == pytest.approx(0.625)
    assert "binomial" in e["test"]


def test_weakest_dimension_ranked_first_and_below_benchmark():
    df = long_frame(
        {
            "a": [1, 2, 1, 2, 1, 2, 1, 2],
            "b": [4, 5, 4, 4, 5, 4, 5, 4],
            "c": [3, 4, 3, 4, 3, 4, 3, 4],
        }
    )
    bench = pd.DataFrame({"metric": ["a", "b", "c"], "value": [3.5, 3.5, 3.5]})
    out = survey_vs_benchmark(df, bench)
    assert out["dimension"].tolist() == ["a", "c", "b"]
    assert out["weakest"].tolist() == [1, 2, 3]
    assert out["below_benchmark"].tolist() == [True, False, False]
    with pytest.raises(ValueError, match="share between 0 and 1"):
        survey_vs_benchmark(df, bench.assign(statistic="top2box", value=65))


def test_stage_pain_links_dimensions_to_locations():
    df = long_frame({"a": [1, 2, 2, 1], "b": [4, 5, 4, 4]})
    settings = {
        "dimensions": {"协作效率": ["a"], "流程清晰度": ["b"]},
        "dimension_stages": {
            "协作效率": ["跨部门评审", "方案策划 -> 跨部门评审"],
            "流程清晰度": ["需求调研"],
        },
    }
    out = stage_pain(df, settings=settings)
    assert out.columns.tolist() == [
        "location",
        "dimension",
        "n_respondents",
        "mean",
        "ci_low",
        "ci_high",
        "top2box",
        "bottom2box",
    ]
    assert out["location"].tolist() == [
        "方案策划 -> 跨部门评审",
        "跨部门评审",
        "需求调研",
    ]
    assert out["mean"].tolist() == pytest.approx([1.5, 1.5, 4.25])
    assert stage_pain(df, settings={"dimensions": {"x": ["a"]}}).empty


# --------------------------------------------------------------------------
# free text
# --------------------------------------------------------------------------


def test_pain_terms_segments_chinese_words_with_jieba():
    texts = pd.DataFrame(
        {
            "respondent": ["r1", "r2", "r3", "r4"],
            "text": [
                "方案做完后要等三天设计资源，跨部门评审也很慢",
                "设计资源总是不够，审批太多",
                "跨部门沟通成本高，每次评审都要重复提交材料",
                None,
            ],
        }
    )
    out = pain_terms(texts, top=50).set_index("term")
    assert out.loc["设计资源", "n_mentions"] == 2
    assert out.loc["设计资源", "share"] == pytest.approx(2 / 3)
    assert out.loc["跨部门", "n_mentions"] == 2
    assert out.loc["评审", "n_mentions"] == 2
    assert "审批" in out.index
    assert out.loc["设计资源", "example"].startswith("方案做完后")
    # words, not character n-grams or single characters
    assert "设计" not in out.index and "计资" not in out.index
    assert out.index.str.len().min() >= 2
    assert "的" not in out.index and "也" not in out.index
    assert "三天" not in out.index  # quantities are not pain terms
    # ties (2 mentions each) are broken by the term
    assert pain_terms(texts, top=1)["term"].tolist() == ["设计资源"]


def test_pain_terms_english_tokens_and_stopwords():
    texts = [
        "Waiting for design resources; design is always late",
        "The design review takes too long",
        "Too many approvals",
    ]
    out = pain_terms(texts, language="en")
    first = out.iloc[0]
    assert first["term"] == "design"
    assert first["n_mentions"] == 2  # counted once per answer
    assert first["share"] == pytest.approx(2 / 3)
    assert "the" not in set(out["term"]) and "for" not in set(out["term"])
    out2 = pain_terms(texts, stopwords=["design"])
    assert "design" not in set(out2["term"])
    with pytest.raises(ValueError, match="The 'language' parameter of pain_terms"):
        pain_terms(texts, language="fr")
    assert pain_terms([]).empty


# --------------------------------------------------------------------------
# integration with the sample generator and the loader (when they exist)
# --------------------------------------------------------------------------


def test_generated_sample_weak_dimension_is_found():
    samples = pytest.importorskip("diagnose.samples")
    if not hasattr(samples, "generate"):
        pytest.skip("diagnose.samples.generate not available yet")
    sample = samples.generate(seed=7)
    weak = sample.truth["weak_dimension"]
    settings = sample.settings
    scores = dimension_scores(sample.survey, settings=settings)
    assert scores.sort_values("mean")["dimension"].iloc[0] == weak
    bench = pd.DataFrame({"metric": scores["dimension"], "value": 3.5})
    ranked = survey_vs_benchmark(sample.survey, bench, settings=settings)
    assert ranked.loc[ranked["weakest"] == 1, "dimension"].item() == weak


def test_generated_sample_items_and_the_planted_reverse_items():
    samples = pytest.importorskip("diagnose.samples")
    sample = samples.generate(seed=7)
    settings = sample.settings
    reverse = list(settings["reverse_items"])
    assert reverse  # the generator words one item per dimension negatively
    right = item_statistics(sample.survey, settings=settings)
    assert (right["item_total_r"] > 0.3).all() and not right["raises_alpha"].any()
    # forget the reverse coding: in every dimension the planted item has the
    # lowest (negative) item-total correlation and dropping it raises alpha
    forgot = item_statistics(sample.survey, settings={**settings, "reverse_items": []})
    lowest = forgot.loc[forgot.groupby("dimension")["item_total_r"].idxmin()]
    assert sorted(lowest["item"]) == sorted(reverse)
    assert (lowest["item_total_r"] < 0).all() and lowest["raises_alpha"].all()
    assert (forgot.groupby("dimension")["alpha"].first() < 0.5).all()


def test_loaded_sample_file_end_to_end():
    from pathlib import Path

    load = pytest.importorskip("diagnose.io.load")
    root = Path(__file__).resolve().parents[1] / "data_samples"
    if not (root / "survey.csv").exists() or not hasattr(load, "load_survey"):
        pytest.skip("data_samples/survey.csv or load_survey not available")
    import json

    from diagnose.config import load_settings

    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    settings = load_settings(root / "settings.yaml")
    res = load.load_survey(root / "survey.csv")
    scores = dimension_scores(res.data, settings=settings)
    assert scores.sort_values("mean")["dimension"].iloc[0] == truth["weak_dimension"]
    # every answer accounted for: answers + missing = responses x items
    n_resp = res.data[["respondent", "period"]].drop_duplicates().shape[0]
    assert (scores["n_answers"] + scores["n_missing"]).tolist() == [
        n_resp * scores["n_items"].iloc[i] for i in range(len(scores))
    ]
    rel = reliability(res.data, settings=settings)
    assert rel["alpha"].between(-1, 1).all() and len(rel) == len(scores)
    terms = pain_terms(res.text, top=100)
    assert {"design", "设计资源"} <= set(terms["term"])


def test_benchmark_without_variation_uses_the_exact_sign_test():
    long = pd.DataFrame(
        {"respondent": [f"R{i}" for i in range(5)], "item": "q1", "score": 4}
    )
    settings = {"dimensions": {"Tool support": ["q1"]}, "scale": [1, 5]}
    bm = pd.DataFrame({"metric": ["Tool support"], "value": [4.2]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = survey_vs_benchmark(long, bm, settings=settings)
        dims = dimension_scores(long, settings=settings)
    row = out.iloc[0]
    # all 5 below 4.2: two-sided sign test p = 2 / 2**5 (not 0 from a t test)
    assert row["p_value"] == pytest.approx(0.0625)
    assert row["p_value"] == pytest.approx(stats.binomtest(5, 5, 0.5).pvalue)
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert not row["below_benchmark"] and "sign test" in row["test"]
    assert np.isnan(dims.loc[0, "ci_low"]) and np.isnan(dims.loc[0, "ci_high"])
    # everyone exactly on the benchmark: nothing to test, p = 1
    bm4 = pd.DataFrame({"metric": ["Tool support"], "value": [4.0]})
    assert survey_vs_benchmark(long, bm4, settings=settings).loc[0, "p_value"] == 1.0


def test_scored_survey_to_frame_is_a_copy_of_its_data():
    long = pd.DataFrame({"respondent": ["R1", "R2"], "item": "q1", "score": [4, 9]})
    scored = score_items(long, settings={"dimensions": {"Tools": ["q1"]}})
    out = scored.to_frame()
    pd.testing.assert_frame_equal(out, scored.data)
    assert out["issue"].tolist() == ["", "out_of_range"]
    out.loc[:, "score"] = 0
    assert scored.data["score"].iloc[0] == 4
