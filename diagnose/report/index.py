"""``reports/index.html``: one page linking every report with its verdict.

Each report ``X.html`` may have a sidecar ``X.summary.json`` written by
:func:`diagnose.report.render.record_summary` from inside the notebook
(keys ``title``, ``verdict``, ``level``, ``headline``, ``as_of``). Reports
without a sidecar are still listed. The page is self-contained (inline CSS,
no scripts), and every text is escaped; links are relative and URL-quoted.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from diagnose.report.html import write_text_atomic

__all__ = ["build_index", "read_summary", "INDEX_NAME"]

INDEX_NAME = "index.html"

_T = {
    "en": {
        "title": "Process diagnosis reports",
        "report": "Report",
        "kind": "Type",
        "verdict": "Verdict",
        "headline": "Headline numbers",
        "date": "As of",
        "diagnosis": "Diagnosis",
        "pilot": "Pilot",
        "other": "Report",
        "failed": "Failed runs",
        "reason": "Reason",
        "config": "Config",
        "none": "No reports yet. Run `diagnose report diagnosis --config ...`.",
        "generated": "Generated",
        "no_summary": "(no summary recorded)",
    },
    "zh": {
        "title": "流程诊断报告",
        "report": "报告",
        "kind": "类型",
        "verdict": "结论",
        "headline": "关键数字",
        "date": "截至",
        "diagnosis": "诊断",
        "pilot": "试点",
        "other": "报告",
        "failed": "运行失败",
        "reason": "原因",
        "config": "配置",
        "none": "暂无报告。请运行 `diagnose report diagnosis --config ...`。",
        "generated": "生成时间",
        "no_summary": "（未记录摘要）",
    },
}

_CSS = """
:root { --t:#1f2328; --m:#59636e; --b:#d1d9e0; --s:#f6f8fa; --a:#0173b2;
  --good:#1a7f37; --warning:#9a6700; --bad:#cf222e; --info:#59636e; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--t); line-height: 1.55; font-size: 16px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Helvetica Neue", Arial,
  "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
  "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 40px 32px; }
h1 { font-size: 1.9em; margin: 0 0 0.2em; padding-bottom: 0.3em;
  border-bottom: 3px solid var(--a); }
h2 { font-size: 1.3em; margin-top: 2em; }
.meta { color: var(--m); font-size: 0.85em; margin: 0 0 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { text-align: left; vertical-align: top; padding: 0.55em 0.7em;
  border-bottom: 1px solid var(--b); }
thead th { background: var(--s); border-bottom: 2px solid var(--b);
  white-space: nowrap; }
td:nth-child(2), td:last-child { white-space: nowrap; }
a { color: var(--a); font-weight: 600; }
.v { display: inline-block; padding: 0.1em 0.7em; border-radius: 999px; color: #fff;
  background: var(--info); font-weight: 600; font-size: 0.9em; }
.v.good { background: var(--good); } .v.warning { background: var(--warning); }
.v.bad { background: var(--bad); }
.kpis { margin: 0; padding: 0; list-style: none; font-variant-numeric: tabular-nums; }
.kpis b { font-weight: 650; }
.muted { color: var(--m); }
.fail td { color: var(--bad); white-space: pre-wrap; }
@media print { main { max-width: none; padding: 0; } a { color: inherit; } }
"""


def read_summary(report_html: str | Path) -> dict | None:
    """The sidecar ``X.summary.json`` of report ``X.html``.

    None when it is absent or unreadable.
    """
    path = Path(report_html)
    sidecar = path.with_name(path.stem + ".summary.json")
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _kind(stem: str) -> str:
    head = stem.split("-", 1)[0]
    return head if head in ("diagnosis", "pilot") else "other"


def _headline_items(headline) -> list[tuple[str, str]]:
    if isinstance(headline, Mapping):
        return [(str(k), str(v)) for k, v in headline.items()]
    out = []
    for item in headline or []:
        if isinstance(item, Mapping):
            out.append((str(item.get("label", "")), str(item.get("value", ""))))
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            out.append((str(item[0]), str(item[1])))
    return out


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def build_index(
    reports_dir: str | Path = "reports",
    *,
    language: str = "en",
    title: str | None = None,
    failures: Iterable[Mapping[str, str]] = (),
) -> Path:
    """Write ``<reports_dir>/index.html`` listing every ``*.html`` report there.

    Parameters
    ----------
    reports_dir : str or Path, default="reports"
    language : {"en", "zh"}, default="en"
    title : str, default=None
        Page title; None: "Process diagnosis reports" / "流程诊断报告".
    failures : list of dict, default=()
        Runs that produced no report (``{"config": ..., "reason": ...}``),
        listed in a separate table so a reader sees what is missing.

    Returns
    -------
    pathlib.Path
        The index file (written atomically).
    """
    if language not in _T:
        raise ValueError(
            f"The 'language' parameter of build_index must be one of {set(_T)}. "
            f"Got {language!r} instead."
        )
    T = _T[language]
    folder = Path(reports_dir)
    folder.mkdir(parents=True, exist_ok=True)
    reports = sorted(
        (
            p
            for p in folder.glob("*.html")
            if p.name != INDEX_NAME and not p.name.startswith(".")
        ),
        key=lambda p: (("diagnosis", "pilot", "other").index(_kind(p.stem)), p.name),
    )
    rows = []
    for report in reports:
        summary = read_summary(report) or {}
        name = summary.get("title") or report.stem
        level = summary.get("level", "info")
        level = level if level in ("info", "good", "warning", "bad") else "info"
        verdict = summary.get("verdict")
        verdict_html = (
            f'<span class="v {level}">{_e(verdict)}</span>'
            if verdict
            else f'<span class="muted">{_e(T["no_summary"])}</span>'
        )
        kpis = "".join(
            f"<li>{_e(k)}: <b>{_e(v)}</b></li>"
            for k, v in _headline_items(summary.get("headline"))
        )
        as_of = summary.get("as_of") or _date_in(report.stem)
        rows.append(
            f'<tr><td><a href="{_e(quote(report.name))}">{_e(name)}</a></td>'
            f"<td>{_e(T[_kind(report.stem)])}</td><td>{verdict_html}</td>"
            f'<td><ul class="kpis">{kpis}</ul></td><td>{_e(as_of)}</td></tr>'
        )
    page_title = title or T["title"]
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(page_title)}</title><style>{_CSS}</style></head>",
        f"<body><main><h1>{_e(page_title)}</h1>",
        f'<p class="meta">{_e(T["generated"])}: {_e(stamp)}</p>',
    ]
    if rows:
        parts.append(
            f"<table><thead><tr><th>{_e(T['report'])}</th><th>{_e(T['kind'])}</th>"
            f"<th>{_e(T['verdict'])}</th><th>{_e(T['headline'])}</th><th>{_e(T['date'])}</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    else:
        parts.append(f'<p class="muted">{_e(T["none"])}</p>')
    failures = list(failures)
    if failures:
        frows = "".join(
            f'<tr class="fail"><td>{_e(f.get("config"))}</td>'
            f"<td>{_e(f.get('reason'))}</td></tr>"
            for f in failures
        )
        parts.append(
            f"<h2>{_e(T['failed'])}</h2><table><thead><tr><th>{_e(T['config'])}</th>"
            f"<th>{_e(T['reason'])}</th></tr></thead><tbody>{frows}</tbody></table>"
        )
    parts.append("</main></body></html>\n")
    return write_text_atomic(folder / INDEX_NAME, "\n".join(parts))


def _date_in(stem: str) -> str:
    m = re.search(r"(\d{4}-\d{2}-\d{2})$", stem)
    return m.group(1) if m else ""
