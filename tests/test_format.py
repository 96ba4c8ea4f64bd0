"""Counts of 10,000 and more read with thousands separators in reports and
charts; smaller numbers (years in a user's columns) and bools are left alone."""

import numpy as np
import pandas as pd

from diagnose._format import Count, as_count, fill
from diagnose.report import render


def test_large_counts_are_grouped_small_ones_and_bools_are_not():
    assert f"{as_count(165_501)}" == "165,501"
    assert str(as_count(np.int64(1_000_000))) == "1,000,000"
    assert f"{as_count(-20_000)}" == "-20,000"
    assert f"{as_count(9_999)}" == "9999"  # a year stays a year
    assert as_count(True) is True and as_count(np.bool_(True)) is np.bool_(True)
    assert as_count(2.5) == 2.5 and as_count("12345") == "12345"
    # an explicit format spec wins; arithmetic stays integer arithmetic
    assert f"{Count(12_345):d}" == "12345" and f"{Count(12_345):.1f}" == "12345.0"
    assert Count(12_345) + 1 == 12_346


def test_fill_groups_counts_in_sentences():
    assert (
        fill("over {n} times, {k} open, in {year}", n=np.int64(154_667), k=3, year=2024)
        == "over 154,667 times, 3 open, in 2024"
    )


def test_report_tables_group_large_whole_numbers():
    frame = pd.DataFrame(
        {"stage": ["Plan"], "tasks": [np.int64(187_974)], "year": [2024], "rate": [0.5]}
    )
    html = render.show_table(frame).data
    assert ">187,974<" in html and ">2024<" in html and "187974" not in html


def test_chart_counts_are_grouped():
    import matplotlib

    matplotlib.use("Agg")
    from diagnose.plots.flow import _t

    assert _t("finished", "en", n=151_051) == "finished (n = 151,051)"
    assert _t("still_open", "zh", n=14_450) == "；未完成：14,450 个"


def test_report_sentences_group_counts():
    from diagnose.report.sections import _say

    assert _say("en", "over {n} times", "{n} 次", n=np.int64(154_667)) == (
        "over 154,667 times"
    )
    assert _say("zh", "over {n} times", "{n} 次", n=154_667) == "154,667 次"
