"""Render helpers: escaped HTML, both languages, the summary sidecar."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from diagnose.report import render

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _all_outputs(text):
    df = pd.DataFrame({text: [text, "方案策划"], "days": [1.5, None]})
    return [
        render.section(text, text),
        render.show_table(df, caption=text),
        render.callout(text, title=text, level="bad"),
        render.executive_summary(
            text, headline={text: text}, findings=[text], actions=[text], title=text
        ),
        render.provenance({text: 3}, parameters={"task": text}),
    ]


@pytest.mark.parametrize("output", range(5))
def test_user_text_is_escaped_everywhere(output):
    html = _all_outputs(XSS)[output].data
    assert "<script" not in html
    assert ESCAPED in html


def test_quotes_are_escaped_in_attributes():
    html = render.section("a", "b", anchor='x" onmouseover="alert(1)').data
    assert 'onmouseover="' not in html and "&quot;" in html


def test_section_language():
    assert (
        render.section("Bottlenecks", "瓶颈环节", "zh").data
        == '<h2 class="dg-section">瓶颈环节</h2>'
    )
    assert ">Bottlenecks<" in render.section("Bottlenecks", "瓶颈环节", "en").data
    assert ">Only English<" in render.section("Only English", None, "zh").data
    with pytest.raises(ValueError, match="'language' parameter must be one of"):
        render.section("a", "b", "fr")


def test_show_table_alignment_and_formatting():
    df = pd.DataFrame(
        {"stage": ["需求调研"], "days": [2.345], "n": [1200], "ok": [True]}
    )
    html = render.show_table(df, caption="Stages", language="zh").data
    assert "<caption>Stages</caption>" in html
    assert (
        '<th class="dg-num">days</th>' in html
        and '<td class="dg-num">2.35</td>' in html
    )
    assert '<td class="dg-num">1200</td>' in html
    assert "<th>stage</th>" in html and "<th>ok</th>" in html


def test_show_table_marks_long_text_cells():
    long = "waits a median 2.8 working days before Execution starts; 99% late"
    html = render.show_table(pd.DataFrame({"problem": [long, "short"]})).data
    assert f'<td class="dg-long">{long}</td>' in html and "<td>short</td>" in html


def test_show_table_truncates_with_note():
    html = render.show_table(
        pd.DataFrame({"x": range(10)}), max_rows=3, language="en"
    ).data
    assert html.count("<tr>") == 4 and "Showing 3 of 10 rows." in html
    zh = render.show_table(
        pd.DataFrame({"x": range(10)}), max_rows=3, language="zh"
    ).data
    assert "显示 10 行中的前 3 行。" in zh


def test_show_table_escape_false_keeps_trusted_html_but_escapes_caption():
    html = render.show_table(
        pd.DataFrame({"a": ["<b>x</b>"]}), escape=False, caption=XSS
    ).data
    assert "<td><b>x</b></td>" in html and ESCAPED in html


def test_executive_summary_labels_and_level():
    html = render.executive_summary(
        "建议推广",
        level="good",
        headline=[("周期", "22 → 16")],
        findings=["a"],
        language="zh",
    ).data
    assert "执行摘要" in html and "主要发现" in html and "dg-verdict dg-good" in html
    with pytest.raises(ValueError, match="'level' parameter must be one of"):
        render.executive_summary("x", level="great")


def test_provenance_checksums_rows_and_parameters(tmp_path):
    f = tmp_path / "tasks.csv"
    f.write_bytes(b"a,b\n1,2\n")
    html = render.provenance(
        {f: pd.DataFrame({"a": [1]}), tmp_path / "gone.csv": None},
        parameters={"config_path": str(f), "as_of": "2024-06-30", "summary_path": "/x"},
    ).data
    assert hashlib.sha256(b"a,b\n1,2\n").hexdigest() in html
    assert (
        "<td>tasks.csv</td>" in html and str(tmp_path) not in html
    )  # names, not paths
    assert "(file not found)" in html and "summary_path" not in html
    assert "diagnose 0.1.0" in html or "diagnose " in html


def test_record_summary_writes_sidecar(tmp_path):
    target = tmp_path / "r.summary.json"
    assert (
        render.record_summary({"verdict": XSS, "headline": {"周期": 1.5}}, target)
        is None
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["verdict"] == XSS
    assert data["headline"] == [{"label": "周期", "value": "1.50"}]
    assert "recorded_at" in data


def test_record_summary_uses_environment_variable(tmp_path, monkeypatch):
    target = tmp_path / "env.summary.json"
    monkeypatch.setenv(render.SUMMARY_ENV, str(target))
    render.record_summary({"verdict": "ok"})
    assert json.loads(target.read_text())["verdict"] == "ok"


def test_record_summary_without_target_writes_nothing(monkeypatch):
    monkeypatch.delenv(render.SUMMARY_ENV, raising=False)
    assert render.record_summary({"verdict": "ok"}) is None


def test_record_summary_checks_input(tmp_path):
    with pytest.raises(TypeError, match="needs a dict"):
        render.record_summary(["x"], tmp_path / "x.json")
    with pytest.raises(ValueError, match="'level' parameter"):
        render.record_summary({"level": "excellent"}, tmp_path / "x.json")


def test_show_table_right_aligns_named_text_columns():
    df = pd.DataFrame({"stage": ["方案策划"], "rate": ["18% (15%–21%)"]})
    html = render.show_table(df, right=["rate"]).data
    assert '<th class="dg-num">rate</th>' in html
    assert '<td class="dg-num">18% (15%–21%)</td>' in html
    assert "<th>stage</th>" in html and "<td>方案策划</td>" in html


def test_details_escapes_summary_and_keeps_trusted_content():
    table = render.show_table(pd.DataFrame({"a": [XSS]}))
    html = render.details(XSS, table).data
    assert html.startswith('<details class="dg-details"><summary>')
    assert "<script" not in html and html.count(ESCAPED) == 2
    assert "<table" in html and "</details>" in html
    assert " open>" in render.details("s", "<p>x</p>", open=True).data
