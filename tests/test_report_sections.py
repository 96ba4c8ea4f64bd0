"""Report sections on the committed samples: real content, both languages, escaping.

References are the ground truth planted in ``data_samples/truth.json`` (the
bottleneck, the pilot effect, the weak survey dimension) and hand-computed
formatting of small frames.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES

from diagnose.report import sections

TRUTH = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
CJK = re.compile(r"[\u3400-\u9fff]")


def _html(obj) -> str:
    return obj.data


def _text(html: str) -> str:
    """Visible text of an HTML fragment (tags dropped, entities kept)."""
    return re.sub(r"<[^>]+>", " ", html)


def _outside_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.S)


@pytest.fixture(scope="module")
def diag_en():
    return sections.open_diagnosis(str(SAMPLES / "diagnosis.yaml"))


@pytest.fixture(scope="module")
def diag_zh():
    return sections.open_diagnosis(str(SAMPLES / "diagnosis.yaml"), language="zh")


@pytest.fixture(scope="module")
def pilot_a():
    return sections.open_pilot(
        str(SAMPLES / "pilots" / "pilot-team-a.yaml"), n_resamples=2000
    )


@pytest.fixture(scope="module")
def pilot_b_zh():
    return sections.open_pilot(
        str(SAMPLES / "pilots" / "pilot-team-b-zh.yaml"), n_resamples=2000
    )


# --- executive summaries -----------------------------------------------------


def test_diagnosis_summary_names_the_planted_bottleneck(diag_en):
    html = _html(sections.diagnosis_summary(diag_en, record=False))
    where = TRUTH["bottleneck_location"]
    assert f"Fix first: {where}" in html.replace("&gt;", ">")
    findings = re.search(r"Key findings</h3><ul>(.*?)</ul>", html).group(1)
    first = re.search(r"<li>(.*?)</li>", findings).group(1).replace("&gt;", ">")
    assert first.startswith(f"1. {where} (high impact")
    # the action says where to start and who owns it
    top = diag_en.result.bottlenecks.iloc[0]
    assert f"(owner: {top['owner']})" in html
    # benchmark findings use readable names, never machine column names
    assert "cycle_time_days" not in html and "overdue_rate" not in html
    # the headline figure as the metric computed it (KM median with its CI)
    ct = diag_en.result.headline.set_index("metric").loc["cycle_time_days"]
    figure = f"{ct['value']:.1f} ({ct['ci_low']:.1f}–{ct['ci_high']:.1f})"
    assert f"Median cycle time (working days) is {figure}" in html


def test_diagnosis_summary_in_chinese(diag_zh):
    html = _html(sections.diagnosis_summary(diag_zh, record=False))
    assert "执行摘要" in html and "主要发现" in html and "建议行动" in html
    assert f"优先改进：{TRUTH['bottleneck_location']}" in html.replace("&gt;", ">")
    assert "影响高" in html and "high impact" not in html
    assert "中位周期（工作日）为" in html


def test_pilot_summary_zh_uses_chinese_verdict_and_statuses(pilot_b_zh):
    # team B is the placebo: no real change was planted, so never "roll out"
    decision = pilot_b_zh.result.verdict.decision
    assert decision in ("extend the pilot", "stop")
    zh = {"extend the pilot": "延长试点", "stop": "停止试点"}[decision]
    html = _html(sections.pilot_summary(pilot_b_zh, record=False))
    assert f"结论：{zh}" in html
    for english in ("inconclusive", "not met", "extend the pilot", "still open"):
        assert english not in html
    statuses = {"met": "达成", "not met": "未达成", "inconclusive": "无法判断"}
    for status in pilot_b_zh.result.targets["status"]:
        assert f"—— {statuses[status]}</li>" in html
    cases = pilot_b_zh.result.cases
    n_open = int(
        cases.loc[
            (cases["group"] == "pilot") & cases["period"].notna(), "is_open"
        ].sum()
    )
    assert n_open > 0
    assert f"截至统计日仍有 {n_open} 个试点项目未完成" in html
    # every interval in the Chinese text in full-width brackets, targets read
    # "目标为…" (no ASCII bracket pairs left in the findings)
    findings = html.split("主要发现")[1].split("建议行动")[0]
    assert "目标为" in findings and "目标 " not in findings
    assert not re.search(r"\(\S+–\S+\)", findings)
    rate = pilot_b_zh.result.targets.set_index("metric").loc["overdue_rate"]
    if rate["quantity"] == "level":
        assert f"{rate['estimate']:.1%}（{rate['ci_low']:.1%}–" in findings


def test_pilot_summary_en_shows_the_planted_effect(pilot_a):
    html = _html(sections.pilot_summary(pilot_a, record=False))
    ef = pilot_a.result.effects
    did = ef[(ef["metric"] == "cycle_time") & ef["primary"].fillna(False)].iloc[0]
    # planted: Team A's cycle time ratio 0.75 (-25 %) inside the DiD interval
    planted = (TRUTH["cycle_time_ratio"] - 1) * 100
    assert did["pct_ci_low"] <= planted <= did["pct_ci_high"]
    kpi = (
        f"{did['pct_change']:+.0f}% ({did['pct_ci_low']:+.0f}% to "
        f"{did['pct_ci_high']:+.0f}%)"
    )
    assert f'<span class="dg-kpi-value">{kpi}</span>' in html
    assert "Cycle time change" in html
    assert not CJK.search(html)  # no stray Chinese in an English report


# --- curated tables -----------------------------------------------------------


def test_bottleneck_table_is_the_handbook_layout(diag_en, diag_zh):
    zh = _outside_details(_html(sections.bottleneck_table(diag_zh)))
    head = re.search(r"<thead>(.*?)</thead>", zh).group(1)
    assert re.findall(r"<th[^>]*>(.*?)</th>", head) == [
        "流程环节",
        "当前负责人",
        "耗时(天)",
        "问题描述",
        "影响程度",
        "改进优先级",
    ]
    assert "<td>高</td>" in zh and "<td>high</td>" not in zh
    en = _html(sections.bottleneck_table(diag_en))
    shown = _outside_details(en)
    assert "km_median" not in shown and "share_of_cycle" not in shown
    # the full frame stays available to analysts, collapsed
    assert "<details" in en and "share_of_cycle" in en
    score = diag_en.result.bottlenecks.iloc[0]["score"]
    assert f"accounts for {score:.0%} of all working time lost" in shown


def test_handoff_table_meaning_matches_planted_wait(diag_en):
    html = _outside_details(_html(sections.handoff_table(diag_en)))
    observed = TRUTH["observed_median_wait_days"][TRUTH["bottleneck_location"]]
    assert f"a median {observed:.1f} working days" in html
    assert "Over the 24 h limit (95% CI)" in html
    assert "median_wait_working_days" not in html


def test_workload_table_says_whether_overload_was_followed_by_delay(diag_en, diag_zh):
    od = diag_en.result.overload_delay.set_index("outcome")
    r = od.loc["slower_than_stage_median"]
    assert r["n_overloaded"] > 0  # the sample has a few tasks started under overload
    text = _html(sections.workload_table(diag_en)).replace("&#x27;", "'")
    d = f"{r['diff'] * 100:+.0f}"
    assert (
        f"{int(r['k_overloaded'])} of {int(r['n_overloaded'])} took longer than "
        f"their stage's median" in text
    )
    # one person's tasks do not make a finding, and have no interval (it
    # counts people, not tasks): no "CI nan" in the text
    assert r["people_overloaded"] == 1 and np.isnan(r["ci_low"])
    assert f"(difference {d} pp; from 1 person(s) only: too few people" in text
    assert "nan" not in text.lower()
    zh = _html(sections.workload_table(diag_zh))
    assert f"差 {d} 个百分点；仅来自 1 人" in zh and "nan" not in zh.lower()


def test_overload_note_shows_the_interval_when_people_are_enough():
    from types import SimpleNamespace

    od = pd.DataFrame(
        [
            {
                "outcome": "slower_than_stage_median",
                "n_overloaded": 12,
                "k_overloaded": 9,
                "n_other": 40,
                "rate_other": 0.4,
                "diff": 0.35,
                "ci_low": 0.05,
                "ci_high": 0.6,
                "people_overloaded": 4,
                "beyond_noise": True,
            }
        ]
    )
    run = SimpleNamespace(result=SimpleNamespace(overload_delay=od))
    en = sections._overload_delay_note(run, 3, "en")
    assert "(difference +35 pp, 95% CI +5 to +60; beyond noise)." in en
    zh = sections._overload_delay_note(run, 3, "zh")
    assert "差 +35 个百分点，95% 置信区间 +5 至 +60；超出误差范围" in zh


def test_survey_table_names_the_weak_dimension(diag_en, diag_zh):
    html = _html(sections.survey_table(diag_en))
    assert f"Lowest rated: {TRUTH['weak_dimension']}" in html
    assert "Mean score, 1–5 (95% CI)" in html
    zh = _html(sections.survey_table(diag_zh))
    assert f"得分最低的是「{TRUTH['weak_dimension']}」" in zh
    # every dimension of the sample is reliable: alpha shown, no warning
    sv = diag_en.result.survey
    assert sv["reliable"].all() and sv["item_to_check"].isna().all()
    assert (
        "Reliability (Cronbach&#x27;s α)" in html
        or "Reliability (Cronbach's α)" in html
    )
    for a in sv["alpha"]:
        assert f"<td>{a:.2f}</td>" in html.replace(' class="dg-num"', "")
    assert "not reliable" not in _outside_details(html)


def test_survey_table_flags_an_unreliable_dimension_and_its_item(diag_en):
    # the sample survey scored without its reverse coding: each dimension's
    # negatively worded item (planted: q3, q7, q10) now pulls alpha down
    from diagnose import diagnose, load_survey

    cfg = diag_en.settings.replace(reverse_items=[])
    res = diagnose(
        diag_en.activities,
        survey=load_survey(SAMPLES / "survey.csv"),
        settings=cfg,
        as_of=diag_en.as_of,
    )
    sv = res.survey.set_index("dimension")
    bad = sv.loc[~sv["reliable"].astype(bool)]
    assert len(bad) >= 1
    assert set(sv["item_to_check"]) == {"q3", "q7", "q10"}
    for language in ("en", "zh"):
        run = SimpleNamespace(**{**vars(diag_en), "result": res, "language": language})
        html = sections.survey_table(run).data
        text = _outside_details(html).replace("&#x27;", "'").replace("&lt;", "<")
        for dim, r in bad.iterrows():
            item, a, b = r["item_to_check"], r["alpha"], r["alpha_without"]
            if language == "en":
                assert (
                    f"{dim} is not reliable enough to average (α {a:.2f} < 0.7)" in text
                )
                assert f"item {item} holds it down (α {b:.2f} without it" in text
                assert f"{a:.2f} (not reliable)" in text
            else:
                assert f"「{dim}」的信度不足以取平均（α {a:.2f} < 0.7）" in text
                assert f"题目 {item} 拉低了信度（去掉后 α {b:.2f}" in text


@pytest.mark.parametrize(
    "name",
    [
        "headline_table",
        "stage_table",
        "handoff_table",
        "sla_table",
        "workload_table",
        "rework_table",
        "survey_table",
        "benchmark_table",
    ],
)
def test_diagnosis_tables_have_labels_and_meaning(diag_en, diag_zh, name):
    for run in (diag_en, diag_zh):
        html = _html(getattr(sections, name)(run))
        shown = _outside_details(html)
        head = re.search(r"<thead>(.*?)</thead>", shown).group(1)
        assert "_" not in head, head  # no machine column names in headers
        assert '<p class="dg-meaning">' in shown
        assert "<details" in html
        if run.language == "en":
            assert not CJK.search(head)
        else:
            assert CJK.search(head)


@pytest.mark.parametrize("name", ["targets_table", "effects_table", "mde_table"])
def test_pilot_tables_in_both_languages(pilot_a, pilot_b_zh, name):
    en = _outside_details(_html(getattr(sections, name)(pilot_a)))
    zh = _outside_details(_html(getattr(sections, name)(pilot_b_zh)))
    for english in ("inconclusive", "before/after", "pct_change", "True", "False"):
        assert english not in zh
    assert "_" not in re.search(r"<thead>(.*?)</thead>", en).group(1)
    assert not CJK.search(_text(en))
    assert '<p class="dg-meaning">' in en and '<p class="dg-meaning">' in zh


def test_targets_table_counts_statuses(pilot_a):
    tg = pilot_a.result.targets
    html = _html(sections.targets_table(pilot_a))
    n = tg["status"].value_counts()
    assert (
        f"Of {len(tg)} targets, {n.get('met', 0)} met, {n.get('not met', 0)} not "
        f"met and {n.get('inconclusive', 0)} inconclusive"
    ) in html


@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "en",
            [
                "Of 3 targets, 1 met, 0 not met and 1 inconclusive",
                "1 could not be judged: no data.",
                "<td>no data</td>",
            ],
        ),
        (
            "zh",
            [
                "3 个目标中，达成 1 个、未达成 0 个、无法判断 1 个",
                "另有 1 个没有数据",
                "<td>无数据</td>",
            ],
        ),
    ],
)
def test_targets_table_says_no_data_apart(lang, words):
    # a target whose metric was not measured is "no data", counted apart from
    # "inconclusive" (it has no interval to straddle anything)
    tg = pd.DataFrame(
        {
            "metric": ["cycle_time", "overdue_rate", "satisfaction"],
            "target": ["change -20%", "at most 15%", "change +0.5"],
            "estimate": [-0.3, 0.12, np.nan],
            "ci_low": [-0.4, 0.08, np.nan],
            "ci_high": [-0.21, 0.17, np.nan],
            "status": ["met", "inconclusive", "no data"],
            "primary": [True, False, False],
        }
    )
    run = SimpleNamespace(
        language=lang,
        result=SimpleNamespace(targets=tg),
    )
    html = _html(sections.targets_table(run))
    for w in words:
        assert w in html


def test_headline_table_hand_computed():
    head = pd.DataFrame(
        {
            "metric": ["cycle_time_days", "overdue_rate", "rework_rate", "线索数"],
            "value": [23.0104, 0.179126, 0.0, 5011.72],
            "ci_low": [21.8625, 0.152652, 3.4e-18, 4652.1],
            "ci_high": [24.9444, 0.209057, 0.0331, 5371.4],
            "n": [120, 709, 120, 104],
            "unit": ["working_days", "share", "share", "kpi"],
        }
    )
    run = SimpleNamespace(language="en", result=SimpleNamespace(headline=head))
    html = _outside_details(_html(sections.headline_table(run)))
    rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*)</tbody>", html)[1])
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in rows]
    assert cells == [
        ["Median cycle time", "23.0 working days", "21.9–24.9", "120"],
        ["Overdue rate", "18%", "15%–21%", "709"],
        ["Cases with rework", "0.0%", "0.0%–3.3%", "120"],
        ["线索数", "5,012", "4,652–5,371", "104"],  # a KPI name is data
    ]
    assert (
        "Half of the cases take longer than 23.0 working days (95% CI 21.9–24.9); "
        "18% of tasks whose outcome is known finish after their due date" in html
    )


def test_user_text_is_escaped_in_every_table(tmp_path):
    tasks = (SAMPLES / "tasks_en.csv").read_text(encoding="utf-8")
    (tmp_path / "tasks.csv").write_text(
        tasks.replace("Retrospective", XSS).replace("Wu Ming", XSS), encoding="utf-8"
    )
    cfg = tmp_path / "diagnosis.yaml"
    cfg.write_text(
        f"name: xss\ntitle: '{XSS}'\nas_of: 2024-06-30\n"
        f"data:\n  activities: tasks.csv\n"
        f"settings: {SAMPLES / 'settings.yaml'}\n",
        encoding="utf-8",
    )
    run = sections.open_diagnosis(str(cfg))
    outputs = [
        sections.title_block(run),
        sections.diagnosis_summary(run, record=False),
        sections.bottleneck_table(run),
        sections.stage_table(run),
        sections.sla_table(run),
        sections.workload_table(run),
        sections.rework_table(run),
    ]
    for out in outputs:
        html = _html(out)
        assert "<script" not in html
    joined = "".join(_html(o) for o in outputs)
    assert joined.count(ESCAPED) >= 6


# --- data quality, notes, captions, formatting ----------------------------------


def test_data_quality_lists_every_problem_row_in_both_languages():
    from diagnose.exceptions import DataQualityWarning
    from diagnose.io.load import load_activities

    with pytest.warns(DataQualityWarning, match="tasks_defects.csv"):
        problems = load_activities(SAMPLES / "tasks_defects.csv").problems
    assert len(problems) > 0
    for lang, header in (("en", "How to fix"), ("zh", "修正方法")):
        html = _html(sections.data_quality(problems, language=lang))
        body = re.search(r"<tbody>(.*)</tbody>", html).group(1)
        assert body.count("<tr>") == len(problems)
        assert header in html
        for row in problems["row"].dropna().astype(int):
            assert f"<td>{row}</td>" in body
        assert "tasks_defects.csv" in html and str(SAMPLES) not in html
    empty = _html(sections.data_quality(problems.head(0), language="zh"))
    assert "所有输入文件的每一行都已使用。" in empty


def test_words_and_metric_labels():
    assert [sections.word(w, "zh") for w in ("met", "not met", "inconclusive")] == [
        "达成",
        "未达成",
        "无法判断",
    ]
    assert [sections.word(w, "zh") for w in ("high", "medium", "low")] == [
        "高",
        "中",
        "低",
    ]
    assert sections.word("Team A", "zh") == "Team A"  # data values unchanged
    assert sections.metric_label("overdue_rate", "zh") == "逾期率"
    assert sections.metric_label("线索数", "en") == "线索数"


def test_number_formats_hand_computed():
    assert sections._with_ci(0.179126, 0.152652, 0.209057, sections._pct) == (
        "18% (15%–21%)"
    )
    assert sections._with_ci(0.0, 3e-18, 0.0331, sections._pct) == "0.0% (0.0%–3.3%)"
    assert sections._with_ci(0.0439, 0.0412, 0.0466, sections._pct) == (
        "4.4% (4.1%–4.7%)"
    )
    assert sections._signed_ci(-2.428, -13.166, 10.118, 1, " pp") == (
        "-2.4 pp (-13.2 to +10.1)"
    )
    assert sections._signed_ci(-12.4, -30.6, 10.6, 0, "%", "zh") == (
        "-12%（-31% 至 +11%）"
    )
    assert [sections._p(p) for p in (0.2671, 0.0042, 0.0464, 0.00001, None)] == [
        "0.27",
        "0.004",
        "0.046",  # not "0.05": near the threshold the third decimal matters
        "<0.001",
        "–",
    ]


def test_chart_shows_figure_and_returns_caption(diag_zh, monkeypatch):
    shown, meta = [], []

    def display(obj, **kw):
        shown.append(obj)
        meta.append(kw.get("metadata"))

    monkeypatch.setattr("IPython.display.display", display)
    cap = _html(sections.chart(diag_zh, "handoffs"))
    assert cap.startswith('<p class="dg-caption">') and "交接" in cap
    (fig,) = shown
    # the alt text for screen readers: the chart's title, then its caption (QA L10)
    caption = sections._CAPTIONS["handoffs"][1]
    assert meta == [{"image/png": {"alt": f"交接中位等待（小时）。{caption}"}}]
    ax = fig.axes[0]
    assert ax.get_title() == "交接中位等待（小时）"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("接收部门", "交出部门")
    with pytest.raises(ValueError, match="'key' parameter of figure_caption"):
        sections.chart(diag_zh, "pie")


def test_cycle_time_caption_counts_the_open_cases_left_out(
    diag_en, diag_zh, monkeypatch
):
    from diagnose.metrics import case_durations

    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: None)
    cases = case_durations(
        diag_en.activities,
        as_of=diag_en.as_of,
        final_stages=diag_en.settings.final_stages,
    )
    n_open = int(cases["is_open"].sum())
    waiting = int(cases["waiting_next_stage"].sum())
    assert n_open > 0 and waiting >= 1  # the sample has one campaign between stages
    en = _html(sections.chart(diag_en, "cycle_time"))
    assert (
        f"{n_open} of {len(cases)} cases are still open and not drawn "
        f"({waiting} of them waiting for their next stage)" in en
    )
    zh = _html(sections.chart(diag_zh, "cycle_time"))
    assert f"{len(cases)} 个项目中有 {n_open} 个尚未完成" in zh
    assert f"其中 {waiting} 个在等待下一环节" in zh
    # the lines (finished only) differ from the headline (Kaplan–Meier): QA L2
    assert "percentiles of the finished cases only" in en
    assert "The headline cycle time uses Kaplan–Meier" in en
    assert "仅已完成项目的中位数" in zh and "摘要中的周期采用 Kaplan–Meier" in zh


def test_every_chart_has_a_caption_in_both_languages():
    for key in sections._CAPTIONS:
        en = _html(sections.figure_caption(key, "en"))
        zh = _html(sections.figure_caption(key, "zh"))
        assert len(_text(en)) > 80 and not CJK.search(en)
        assert CJK.search(zh)


def test_methods_and_title_use_public_render_helpers():
    import inspect

    src = inspect.getsource(sections)
    assert "render._e(" not in src and "render._html(" not in src
    html = _html(sections.methods("pilot", language="zh"))
    assert html.startswith('<ol class="dg-methods">') and "双重差分" in html


def test_effects_meaning_counts_clear_changes_per_metric(pilot_a):
    ef = pilot_a.result.effects
    clear = ef[(ef["ci_low"] > 0) | (ef["ci_high"] < 0)]
    # planted: Team A really is 25 % faster, so the DiD row is among them
    assert (clear["comparison"] == "DiD").any()
    n_cycle = int((clear["metric"] == "cycle_time").sum())
    n_all = int((ef["metric"] == "cycle_time").sum())
    html = _html(sections.effects_table(pilot_a))
    assert (
        f"{len(clear)} of {len(ef)} estimated changes are clearly different from "
        "no change (95% CI excludes zero): "
        f"Cycle time ({n_cycle} of {n_all})"
    ) in html


def _chart_texts(fig, data_values) -> list[str]:
    """Titles, axis labels (colour bars too) and legend entries of a figure,
    without the entries that are data values (stage, team, person names)."""
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        out += [t.get_text() for t in (legend.get_texts() if legend else [])]
    return [t for t in out if t and t not in data_values]


DIAGNOSIS_CHARTS = (
    "bottlenecks",
    "cycle_time",
    "stages",
    "handoffs",
    "overdue",
    "workload",
    "flow",
    "survey",
)
PILOT_CHARTS = ("effects", "before_after", "did", "pretrend")


def test_charts_carry_one_language(diag_en, diag_zh, pilot_a, pilot_b_zh, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    runs = [(diag_en, k) for k in DIAGNOSIS_CHARTS]
    runs += [(diag_zh, k) for k in DIAGNOSIS_CHARTS]
    runs += [(pilot_a, k) for k in PILOT_CHARTS]
    runs += [(pilot_b_zh, k) for k in PILOT_CHARTS]
    for run, key in runs:
        n = len(shown)
        cap = sections.chart(run, key)
        assert cap is not None and len(shown) == n + 1, key
        fig = shown[-1]
        acts = run.activities if key in DIAGNOSIS_CHARTS else run.activities_frame
        data = set()
        for col in ("activity", "owner", "team", "department"):
            if col in acts:
                data |= set(acts[col].dropna().astype(str))
        texts = _chart_texts(fig, data)
        assert texts, key
        joined = " | ".join(texts)
        assert "_" not in joined, (key, joined)  # no column names
        if run.language == "en":
            assert not CJK.search(joined), (key, joined)
        else:
            words = set(re.findall(r"[A-Za-z]{2,}", joined)) - {"Kaplan", "Meier"}
            assert not words, (key, joined)
            assert CJK.search(joined), (key, joined)


def test_overdue_chart_names_stage_and_team_in_the_report_language(
    diag_zh, monkeypatch
):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    sections.chart(diag_zh, "overdue")
    stage, team = shown[0].axes[:2]
    assert (stage.get_title(), stage.get_xlabel(), stage.get_ylabel()) == (
        "各环节逾期率",
        "环节",
        "逾期任务占比（%）",
    )
    assert (team.get_title(), team.get_xlabel()) == ("各团队逾期率", "团队")


def test_open_pilot_reads_the_activity_file_once(monkeypatch):
    import diagnose.io.load as load_module

    real = load_module.load_activities
    calls = []

    def counting(source, **kwargs):
        calls.append(str(source))
        return real(source, **kwargs)

    monkeypatch.setattr(load_module, "load_activities", counting)
    run = sections.open_pilot(
        str(SAMPLES / "pilots" / "pilot-team-a.yaml"), n_resamples=200
    )
    assert len(calls) == 1 and calls[0].endswith(".csv")
    # the comparison used the same table the report shows
    assert set(run.result.cases["case_id"]) <= set(run.activities_frame["case_id"])


def test_transition_table_shows_the_longest_stage_to_stage_waits(diag_en, diag_zh):
    tr = diag_en.result.transitions
    common = tr[tr["n"] >= 5]
    top = common.sort_values("median_wait_working_days", ascending=False).iloc[0]
    html = _html(sections.transition_table(diag_en))
    assert "Waits between consecutive stages (process map)" in html
    assert (
        f"Work waits longest between {top['from_activity']} and "
        f"{top['to_activity']}: a median {top['median_wait_working_days']:.1f} "
        f"working days (95% CI {top['median_wait_ci_low']:.1f}–"
        f"{top['median_wait_ci_high']:.1f}) over {int(top['n'])} times." in html
    )
    # a pair back to an earlier stage (rework) is marked, the others are not
    order = list(diag_en.result.stages["activity"])
    back = common[
        [
            order.index(b) <= order.index(a)
            for a, b in common[["from_activity", "to_activity"]].itertuples(index=False)
        ]
    ]
    assert len(back) >= 1  # the sample plants rework
    assert f"{back.iloc[0]['to_activity']} (rework)" in html
    assert html.count("(rework)") == len(back.head(8))
    zh = _html(sections.transition_table(diag_zh))
    assert "相邻环节之间的等待（流程图）" in zh and "（返工）" in zh
    assert "等待最长的是「" in zh and "个工作日（95% 置信区间 " in zh


def test_transition_table_keeps_rare_pairs_in_the_full_table(diag_en):
    from dataclasses import replace

    tr = diag_en.result.transitions.copy()
    tr.loc[tr.index[-1], "n"] = 2  # one rare pair
    run = SimpleNamespace(language="en", result=replace(diag_en.result, transitions=tr))
    html = _html(sections.transition_table(run))
    assert f"Pairs seen fewer than 5 times are left out here (1 of {len(tr)})" in html
    empty = SimpleNamespace(
        language="en", result=replace(diag_en.result, transitions=tr.iloc[:0])
    )
    assert sections.transition_table(empty) is None


def test_stage_table_says_which_cases_wait_for_their_next_stage(diag_en, diag_zh):
    st = diag_en.result.stages
    w = st[st["n_waiting_after"] > 0]
    assert len(w) == 1 and int(w["n_waiting_after"].iloc[0]) == 1  # the sample
    html = _html(sections.stage_table(diag_en))
    days = f"{w['median_waiting_after'].iloc[0]:.1f}"
    assert (
        f"One case is waiting for its next stage now, after "
        f"{w['activity'].iloc[0]} ({days} working days so far)" in html
    )
    zh = _html(sections.stage_table(diag_zh))
    assert f"另有 1 个项目正在等待下一环节，在「{w['activity'].iloc[0]}」之后" in zh
    # several cases: the stage most of them wait after, in the plural
    many = st.assign(
        n_waiting_after=[0, 3, 0, 1, 0, 0][: len(st)],
        median_waiting_after=[None, 4.0, None, 2.0, None, None][: len(st)],
    )
    text = sections._waiting_after_note(many, "en")
    assert (
        "4 cases are waiting for their next stage now, most after "
        f"{st['activity'].iloc[1]} (3, waiting a median 4.0 working days" in text
    )
    assert sections._waiting_after_note(st.assign(n_waiting_after=0), "en") == ""
    # the Kaplan–Meier wait after that stage, from the stage table's columns
    r = w.iloc[0]
    km = (
        f"{r['km_median_wait_after']:.1f} ({r['km_wait_after_ci_low']:.1f}–"
        f"{r['km_wait_after_ci_high']:.1f})"
    )
    assert (
        f"the median wait after {r['activity']} is {km} working days, against "
        f"{r['median_wait_after']:.1f} for the waits that ended." in html
    )
    assert f"「{r['activity']}」之后的中位等待为" in zh
    # more than half still running: said so instead of a number
    half = many.assign(km_median_wait_after=np.nan)
    assert (
        f"Too many waits after {st['activity'].iloc[1]} are still running to "
        "estimate their median yet" in sections._waiting_after_note(half, "en")
    )


def test_stage_table_names_the_usual_last_stage_without_final_stages(diag_en, diag_zh):
    from dataclasses import replace

    # the sample's settings name the final stage: no note
    assert "No final stages are set" not in _html(sections.stage_table(diag_en))
    # without them, the one case that stopped after Resource coordination
    # counts as finished; the note says so (102 of 103 end with Retrospective)
    for run, want in (
        (
            diag_en,
            "of the 103 cases without open work, 102 end with Retrospective and 1 "
            "after another stage (Resource coordination 1)",
        ),
        (
            diag_zh,
            "没有进行中任务的 103 个项目中，102 个以「Retrospective」结束，"
            "1 个停在其他环节",
        ),
    ):
        bare = SimpleNamespace(
            language=run.language,
            result=run.result,
            settings=replace(run.settings, final_stages=()),
            activities=run.activities,
            as_of=run.as_of,
        )
        assert want in _text(_html(sections.stage_table(bare)))


def test_effects_table_calls_a_split_verdict_borderline(pilot_a, pilot_b_zh):
    # a split verdict: the overdue rate's CI -21.2 to +0.0 pp (just past zero)
    # but p = 0.046 -- the sample pilot's own figures while open tasks not yet
    # due counted as on time; its other effects agree
    import copy
    import dataclasses

    ef = pilot_a.result.effects.copy()
    row = ef["metric"] == "overdue_rate"
    ef.loc[row, ["ci_low", "ci_high", "p_value"]] = [-0.212, 0.0001, 0.046]
    run = copy.copy(pilot_a)
    run.result = dataclasses.replace(pilot_a.result, effects=ef)
    text = _text(_html(sections.effects_table(run)))
    assert (
        "For Overdue rate the interval and the test disagree (one says the change "
        "is clear, the other does not): read it as borderline." in text
    )
    assert "Cycle time the interval" not in text
    zh = _text(_html(sections.effects_table(pilot_b_zh)))
    assert "临界" not in zh  # team B: every interval agrees with its test


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", "Data: 1,000,000 activities of 165,501 cases, 2023-10-09 to"),
        ("zh", "数据：165,501 个项目的 1,000,000 条活动记录，2023-10-09 至"),
    ],
)
def test_data_period_groups_thousands(lang, expected):
    # a company-wide export: counts as the tables print them (1,000,000)
    day = pd.Timestamp("2023-10-09")
    text = sections.T(
        "data_period",
        lang,
        n_rows=1_000_000,
        n_cases=165_501,
        first=day,
        last=day,
        as_of=day,
    )
    assert text.startswith(expected)


def _config(tmp_path, extra: str = "") -> str:
    path = tmp_path / "diagnosis.yaml"
    path.write_text(
        "name: no-survey\nlanguage: en\nas_of: 2024-06-30\n"
        f"data:\n  activities: {SAMPLES / 'tasks_en.csv'}\n{extra}"
        f"settings: {SAMPLES / 'settings.yaml'}\n",
        encoding="utf-8",
    )
    return str(path)


def test_sections_without_survey_or_benchmarks_say_how_to_add_them(tmp_path):
    for lang in ("en", "zh"):
        run = sections.open_diagnosis(_config(tmp_path), language=lang)
        survey = _text(_html(sections.survey_table(run))).strip()
        bench = _text(_html(sections.benchmark_table(run))).strip()
        if lang == "en":
            assert survey.startswith("No survey was given for this report.")
            assert "survey: survey.csv" in survey
            assert "benchmarks: benchmarks.yaml" in bench
        else:
            assert survey.startswith("本报告未提供问卷。")
            assert bench.startswith("本报告未提供基准。")


def test_given_but_empty_survey_and_benchmarks_point_to_data_quality(tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text("respondent,team,q1\n", encoding="utf-8")
    bench = tmp_path / "benchmarks.yaml"
    bench.write_text("[]\n", encoding="utf-8")
    cfg = _config(tmp_path, f"  survey: {survey}\n  benchmarks: {bench}\n")
    run = sections.open_diagnosis(cfg)
    assert _text(_html(sections.survey_table(run))).strip() == (
        "The survey file has no usable answers; see Data quality below."
    )
    assert _text(_html(sections.benchmark_table(run))).strip() == (
        "The benchmarks file has no usable entries; see Data quality below."
    )
    # no empty chart above the note, and Data quality names both files
    assert sections.chart(run, "survey") is None
    dq = run.result.data_quality
    empty = dq[dq["problem"] == "the file has no data rows"]
    assert empty["table"].tolist() == ["survey", "benchmarks"]
    assert empty["file"].tolist() == ["survey.csv", "benchmarks.yaml"]
    assert not empty["kept"].any()
    text = _text(_html(sections.data_quality(dq, language="en")))
    assert "the file has no data rows" in text
    assert "2 note(s) concern a whole file rather than a row" in text
    assert "set aside" not in text  # no row was
    # beside row problems: both counts, rows and files apart
    row_problem = dq.iloc[[0]].assign(row=pd.array([7], dtype="Int64"), kept=True)
    both = _text(
        _html(sections.data_quality(pd.concat([row_problem, dq]), language="en"))
    )
    assert "0 row(s) were set aside and 1 kept with a blanked value" in both
    assert "2 note(s) concern a whole file" in both


# --- thin data: every chart says what is missing instead of failing ----------


def _tasks_config(tmp_path, tasks: pd.DataFrame, as_of: str = "2024-06-30") -> str:
    tasks.to_csv(tmp_path / "tasks.csv", index=False)
    path = tmp_path / "thin.yaml"
    path.write_text(
        f"name: thin\nlanguage: en\nas_of: {as_of}\n"
        "data:\n  activities: tasks.csv\n"
        f"settings: {SAMPLES / 'settings.yaml'}\n",
        encoding="utf-8",
    )
    return str(path)


DIAGNOSIS_CHARTS = [
    "bottlenecks",
    "cycle_time",
    "stages",
    "handoffs",
    "overdue",
    "workload",
    "flow",
    "survey",
]


def _draw_all(run, monkeypatch) -> dict:
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: None)
    return {k: sections.chart(run, k) for k in DIAGNOSIS_CHARTS}


def test_no_department_column_says_handoffs_cannot_be_measured(tmp_path, monkeypatch):
    # failed: sections.chart(run, "handoffs") -> "zero-size array to reduction
    # operation fmin", and handoff_table -> KeyError 'late_rate'
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv").drop(columns="department")
    cfg = _tasks_config(tmp_path, tasks)
    for lang, start in (
        (
            "en",
            "The data has no department column, so handoffs between departments "
            "cannot be measured. To add them, give the activity file a department",
        ),
        ("zh", "数据中没有部门列，因此无法衡量跨部门交接。"),
    ):
        run = sections.open_diagnosis(cfg, language=lang)
        assert run.result.handoffs.empty
        notes = _draw_all(run, monkeypatch)
        assert _text(_html(notes["handoffs"])).strip().startswith(start)
        assert sections.handoff_table(run) is None  # no empty table under it
        # the other charts still draw (a caption, not a gap note)
        cap = _text(_html(notes["stages"]))
        assert (
            cap.strip() == _text(_html(sections.figure_caption("stages", lang))).strip()
        )


def test_as_of_before_the_data_says_so_in_every_chart(tmp_path, monkeypatch):
    # failed on handoffs (fmin of an empty grid), overdue (negative yerr) and
    # flow ("facecolor must not be an empty sequence")
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv")
    run = sections.open_diagnosis(_tasks_config(tmp_path, tasks, as_of="2020-01-01"))
    first = pd.Timestamp(run.activities["start"].min())
    notes = _draw_all(run, monkeypatch)
    expected = (
        f"No task had started by 2020-01-01 (the data starts on {first:%Y-%m-%d}), "
        "so there is nothing to draw. Set as_of in the config to a date within "
        "the data."
    )
    for key in ("bottlenecks", "cycle_time", "stages", "overdue", "workload", "flow"):
        assert _text(_html(notes[key])).strip() == expected, key
    assert (
        _text(_html(notes["handoffs"]))
        .strip()
        .startswith("No case moved from one department to another by 2020-01-01")
    )
    assert notes["survey"] is None  # survey_table says there is none


def test_no_due_dates_replace_the_overdue_chart_with_a_note(tmp_path, monkeypatch):
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv").drop(columns="due")
    run = sections.open_diagnosis(_tasks_config(tmp_path, tasks), language="zh")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, **kw: shown.append(obj))
    note = _text(_html(sections.chart(run, "overdue"))).strip()
    assert note.startswith("数据中没有截止日期，因此无法衡量逾期率。")
    assert shown == []  # no empty axes drawn


def test_no_due_dates_say_not_measured_instead_of_a_dash(tmp_path):
    # the headline card read "– Overdue rate" and the table's sentence
    # "…; – of tasks finish after their due date or are open past it."
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv").drop(columns="due")
    cfg = _tasks_config(tmp_path, tasks)
    run = sections.open_diagnosis(cfg)
    head = _text(_html(sections.headline_table(run)))
    assert "; the overdue rate is not measured because no task has a due date." in head
    assert "Overdue rate  not measured: no due dates  –  0" in head
    assert "– of tasks" not in head
    summary = _html(sections.diagnosis_summary(run, record=False))
    assert "Overdue rate" not in summary  # no card with a bare dash
    assert "The data has no due dates, so the overdue rate cannot be measured." in (
        summary
    )
    zh = sections.open_diagnosis(cfg, language="zh")
    assert "因没有任何任务填写截止日期，逾期率未测量。" in _html(
        sections.headline_table(zh)
    )
    assert "逾期率" not in _html(sections.diagnosis_summary(zh, record=False)).replace(
        "无法衡量逾期率", ""
    )


def test_pilot_title_names_the_teams_periods_and_cases(pilot_a, pilot_b_zh):
    # the pilot report never said which teams or periods were compared
    cases = pilot_a.result.cases.groupby(["group", "period"]).size()
    assert cases.to_dict() == {
        ("control", "after"): 27,
        ("control", "before"): 54,
        ("pilot", "after"): 11,
        ("pilot", "before"): 28,
    }
    html = _html(sections.title_block(pilot_a))
    assert (
        "Pilot: Team A · Controls: Team B, Team C · Before: 2023-10-01 to 2024-03-31"
        " · After: 2024-04-01 to 2024-06-30 · Cases (before/after): pilot 28/11, "
        "controls 54/27"
    ) in html
    zh = _html(sections.title_block(pilot_b_zh))
    assert "试点组：Team B · 对照组：Team C · 试点前：2023-10-01 至 2024-03-31" in zh
    assert "试点期：2024-04-01 至 2024-06-30 · 项目数（试点前/试点期）：试点组 " in zh
    # run details list as_of, as the diagnosis report does
    assert pilot_a.parameters["as_of"] == "2024-06-30"
    assert "2024-06-30" in _html(sections.provenance_block(pilot_a))


def test_pretrend_heading_only_over_a_pretrend_test(pilot_a):
    # "Before the switch: parallel trends" stood empty without a pre-trend test
    assert _html(sections.pretrend_heading(pilot_a)) == (
        '<h2 class="dg-section">Before the switch: parallel trends</h2>'
    )
    without = SimpleNamespace(result=SimpleNamespace(pretrend=None), language="en")
    assert sections.pretrend_heading(without) is None
    assert sections.pretrend_note(without) is None


def test_zh_pilot_vs_control_wording_has_its_connector(pilot_b_zh):
    # "试点团队对照团队" / "试点组对照组" dropped the connector the charts use
    html = "".join(
        _html(x)
        for x in (
            sections.effects_table(pilot_b_zh),
            sections.methods("pilot", language="zh"),
        )
    )
    assert "试点组对比对照组" in html
    assert "试点团队对照团队" not in html and "试点组对照组" not in html


@pytest.mark.parametrize(
    "lang, unmeasured, no", [("en", "not measured", "no"), ("zh", "未测量", "否")]
)
def test_benchmark_table_says_not_measured_without_the_input(
    tmp_path, lang, unmeasured, no
):
    # QA L1: no survey and no KPI file gave 'Worse? no' for conversion rate and
    # the survey score, a comparison that was never made
    cfg = _config(tmp_path, f"  benchmarks: {SAMPLES / 'benchmarks.yaml'}\n")
    run = sections.open_diagnosis(cfg, language=lang)
    bm = run.result.benchmarks
    missing = bm[bm["value"].isna()]
    assert sorted(missing["metric"]) == ["conversion_rate", "satisfaction"]
    html = _html(sections.benchmark_table(run))
    table = _outside_details(html)
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
    cells = [
        [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)]
        for r in rows
    ]
    cells = [c for c in cells if c]
    by_metric = {c[0]: c for c in cells}
    for metric in ("conversion_rate", "satisfaction"):
        label = next(
            k for k in by_metric if k.startswith(sections.metric_label(metric, lang))
        )
        assert by_metric[label][1] == unmeasured
        assert by_metric[label][4:] == ["–", "–"]  # not 'no'
    # measured metrics keep their yes/no
    cycle = sections.metric_label("cycle_time_days", lang)
    cycle = next(k for k in by_metric if k.startswith(cycle))
    assert by_metric[cycle][4:] == [sections.word("yes", lang)] * 2  # 23.1 vs 15
    wait = sections.metric_label("handoff_wait_days", lang)
    wait = next(k for k in by_metric if k.startswith(wait))
    assert by_metric[wait][4] == no  # 0.2 vs 1.0 working days
    meaning = re.search(r'<p class="dg-meaning">(.*?)</p>', table).group(1)
    if lang == "en":
        assert meaning == (
            "2 of 3 metrics are worse than the benchmark beyond the noise: Median "
            "cycle time, Overdue rate. Not measured (no input for them): Conversion "
            "rate, Survey score (mean)."
        )
    else:
        assert meaning.startswith("3 项指标中有 2 项差于基准")
        assert "未测量（缺少相应输入）：" in meaning


def test_pilot_provenance_lists_every_input_with_its_rows(pilot_a, diag_en):
    # QA L9: survey.csv had an empty Rows cell; settings and benchmarks were left out
    rows = {Path(p).name: n for p, n in pilot_a.files.items()}
    diag = {Path(p).name: n for p, n in diag_en.files.items()}
    assert rows == {
        "tasks_en.csv": 709,
        "survey.csv": diag["survey.csv"],  # the answers, as the diagnosis counts
        "benchmarks.yaml": diag["benchmarks.yaml"],
        "settings.yaml": "–",
    }
    assert rows["survey.csv"] == 720 and rows["benchmarks.yaml"] == 5
    assert diag["settings.yaml"] == "–"
    html = _html(sections.provenance_block(pilot_a))
    cells = re.findall(r"<tr><td>([^<]+)</td><td[^>]*>([^<]*)</td>", html)
    assert dict(cells) == {
        "tasks_en.csv": "709",
        "survey.csv": "720",
        "benchmarks.yaml": "5",
        "settings.yaml": "–",
    }


@pytest.mark.parametrize(
    "lang, label",
    [
        ("en", " effective n (tasks ÷ design effect)"),
        ("zh", "（有效样本量：任务数 ÷ 设计效应）"),
    ],
)
def test_power_table_labels_the_effective_n_of_the_overdue_rate(pilot_a, lang, label):
    # QA L11: 117/40 beside the effects table's task counts, unexplained
    run = dataclasses.replace(pilot_a, language=lang)
    md = run.result.mde.set_index("metric")
    html = _outside_details(_html(sections.mde_table(run)))
    nb, na = (
        int(md.loc["overdue_rate", "n_before"]),
        int(md.loc["overdue_rate", "n_after"]),
    )
    assert f'<td class="dg-num">{nb} / {na}{label}</td>' in html or (
        f">{nb} / {na}{label}<" in html
    )
    # the other rows are plain counts
    cb, ca = int(md.loc["cycle_time", "n_before"]), int(md.loc["cycle_time", "n_after"])
    assert f">{cb} / {ca}<" in html


@pytest.mark.parametrize(
    "lang, problem, fix",
    [
        (
            "en",
            "no due dates: overdue rates cannot be measured",
            "add a due column (截止时间/due)",
        ),
        ("zh", "没有截止日期：无法计算逾期率", "添加截止日期列（截止时间/due）"),
    ],
)
def test_data_quality_says_when_the_file_has_no_due_dates(tmp_path, lang, problem, fix):
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv", dtype=str).drop(columns="due")
    tasks.to_csv(tmp_path / "nodue.csv", index=False)
    path = tmp_path / "diagnosis.yaml"
    path.write_text(
        f"name: nodue\nas_of: 2024-06-30\ndata:\n  activities: nodue.csv\n"
        f"settings: {SAMPLES / 'settings.yaml'}\n",
        encoding="utf-8",
    )
    run = sections.open_diagnosis(str(path), language=lang)
    html = _html(sections.data_quality(run.result.data_quality, language=lang, run=run))
    text = _text(html)
    assert problem in text and fix in text and "nodue.csv" in text
    assert "None" not in text and "nan" not in text
    # a whole-file note, not a set-aside row
    if lang == "en":
        assert "1 note(s) concern a whole file" in text
    # with due dates there is no such note
    sample = sections.open_diagnosis(str(SAMPLES / "diagnosis.yaml"), language=lang)
    assert problem not in _text(
        _html(
            sections.data_quality(sample.result.data_quality, language=lang, run=sample)
        )
    )


def test_benchmark_row_all_pending_is_not_called_missing_input(diag_en, diag_zh):
    """A metric with its input but every outcome still pending (n = 0) has no
    value, like a metric without input; the report says which it is."""
    import dataclasses

    for run, pending, missing in (
        (diag_en, "No outcome known yet (all pending): ", "Not measured (no input"),
        (diag_zh, "尚无已知结果（全部待定）：", "未测量（缺少相应输入）"),
    ):
        res = run.result
        metric = res.benchmarks["metric"].iloc[0]
        bm = res.benchmarks.copy()
        bm.loc[bm["metric"] == metric, ["value", "ci_low", "ci_high"]] = np.nan
        head = res.headline.copy()
        head.loc[head["metric"] == metric, "n"] = 0
        new = dataclasses.replace(
            run, result=dataclasses.replace(res, benchmarks=bm, headline=head)
        )
        text = _text(_html(sections.benchmark_table(new)))
        assert pending in text
        assert missing not in text


def test_pilot_no_due_note_only_when_overdue_rate_is_measured(pilot_a):
    """A pilot whose tasks have no due date gets the note (file name only)
    when it measures the overdue rate, and none when it does not."""
    import dataclasses

    acts = pilot_a.activities_frame.assign(due=pd.NaT)
    with_od = dataclasses.replace(pilot_a, activities_frame=acts)
    text = _text(_html(sections.data_quality(pd.DataFrame(), run=with_od)))
    assert "no due dates: overdue rates cannot be measured" in text
    assert "tasks_en.csv" in text and "/" not in text.split("tasks_en.csv")[0][-5:]
    cfg = dataclasses.replace(
        pilot_a.config,
        metrics=[m for m in pilot_a.config.metrics if m != "overdue_rate"],
    )
    without = dataclasses.replace(with_od, config=cfg)
    text = _text(_html(sections.data_quality(pd.DataFrame(), run=without)))
    assert "no due dates" not in text
