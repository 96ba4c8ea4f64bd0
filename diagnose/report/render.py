"""Small display helpers for report notebooks.

Each helper returns an :class:`IPython.display.HTML` object: the last
expression of a cell is shown, use ``display(...)`` to show several. All text
that comes from users or data (task names, captions, file names, parameter
values) is passed through :func:`html.escape`, so a task named
``<script>alert(1)</script>`` shows as that text and never runs.

``language`` is ``"en"`` or ``"zh"`` and picks the built-in labels.

:func:`record_summary` writes the verdict sidecar that ``reports/index.html``
reads (see :mod:`diagnose.report.index`).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import platform
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from diagnose._format import as_count

__all__ = [
    "show_table",
    "section",
    "callout",
    "executive_summary",
    "provenance",
    "record_summary",
    "label",
    "escape",
    "as_html",
    "details",
    "LEVELS",
    "SUMMARY_ENV",
]

#: Environment variable naming the sidecar when no ``summary_path`` is set.
SUMMARY_ENV = "DIAGNOSE_SUMMARY_PATH"
#: Verdict/callout levels -> CSS class suffix.
LEVELS = ("info", "good", "warning", "bad")

_LABELS = {
    "en": {
        "summary": "Executive summary",
        "verdict": "Verdict",
        "findings": "Key findings",
        "actions": "Recommended actions",
        "provenance": "Data and run details",
        "file": "File",
        "rows": "Rows",
        "sha256": "SHA-256",
        "size": "Size",
        "parameters": "Parameters",
        "parameter": "Parameter",
        "value": "Value",
        "version": "Package version",
        "run_at": "Run at",
        "python": "Python",
        "elapsed": "Run time",
        "missing": "(file not found)",
        "note": "Note",
        "info": "Note",
        "good": "Good",
        "warning": "Warning",
        "bad": "Problem",
        "rows_shown": "Showing {shown} of {total} rows.",
    },
    "zh": {
        "summary": "执行摘要",
        "verdict": "结论",
        "findings": "主要发现",
        "actions": "建议行动",
        "provenance": "数据与运行信息",
        "file": "文件",
        "rows": "行数",
        "sha256": "SHA-256 校验和",
        "size": "大小",
        "parameters": "参数",
        "parameter": "参数",
        "value": "取值",
        "version": "软件包版本",
        "run_at": "运行时间",
        "python": "Python",
        "elapsed": "耗时",
        "missing": "（未找到文件）",
        "note": "说明",
        "info": "说明",
        "good": "良好",
        "warning": "注意",
        "bad": "问题",
        "rows_shown": "显示 {total} 行中的前 {shown} 行。",
    },
}


def _lang(language: str) -> str:
    if language not in _LABELS:
        raise ValueError(
            f"The 'language' parameter must be one of {set(_LABELS)}. "
            f"Got {language!r} instead."
        )
    return language


def label(key: str, language: str = "en") -> str:
    """Built-in label ``key`` in ``language`` (e.g. ``label("findings", "zh")``)."""
    return _LABELS[_lang(language)][key]


def escape(value: Any) -> str:
    """``html.escape`` of ``str(value)`` (None -> ""), quotes included."""
    return html.escape("" if value is None else str(value), quote=True)


_e = escape  # short private alias (show_table has a parameter named ``escape``)


def _level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(
            f"The 'level' parameter must be one of {set(LEVELS)}. "
            f"Got {level!r} instead."
        )
    return level


def as_html(text: str):
    """Wrap HTML you built from :func:`escape`-d parts for display."""
    from IPython.display import HTML

    return HTML(text)


_html = as_html  # short private alias


def section(
    title_en: str,
    title_zh: str | None = None,
    language: str = "en",
    *,
    level: int = 2,
    anchor: str | None = None,
):
    """A heading in the report language (falls back to the other title).

    Examples
    --------
    >>> section("Bottlenecks", "瓶颈环节", "zh").data
    '<h2 class="dg-section">瓶颈环节</h2>'
    """
    _lang(language)
    if level not in (1, 2, 3, 4):
        raise ValueError(
            f"The 'level' parameter of section must be 1-4. Got {level!r} instead."
        )
    title = (title_zh or title_en) if language == "zh" else (title_en or title_zh)
    ident = f' id="{_e(anchor)}"' if anchor else ""
    return _html(f'<h{level} class="dg-section"{ident}>{_e(title)}</h{level}>')


def show_table(
    df,
    *,
    caption: str | None = None,
    escape: bool = True,
    language: str = "en",
    index: bool = False,
    max_rows: int | None = 200,
    float_format: str = "{:,.2f}",
    right: Iterable[str] = (),
):
    """A DataFrame as a styled HTML table.

    Parameters
    ----------
    df : pandas.DataFrame
    caption : str, default=None
        Shown above the table; always escaped.
    escape : bool, default=True
        Escape cell values and headers. Pass False only for cells that hold
        HTML you built yourself from escaped parts.
    language : {"en", "zh"}, default="en"
    index : bool, default=False
        Show the index (named indexes are usually worth showing).
    max_rows : int or None, default=200
        Show at most this many rows, with a note saying how many there are.
    float_format : str, default="{:,.2f}"
        Format for float columns.
    right : list of str, default=()
        Columns to right-align like numbers although they hold text (numbers
        you already formatted, e.g. ``"18% (15%–21%)"``). Numeric columns are
        always right-aligned.
    """
    import pandas as pd

    _lang(language)
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    total = len(df)
    shown = df if max_rows is None or total <= max_rows else df.head(max_rows)
    if index:
        shown = shown.reset_index()
    cell = _e if escape else str
    right = set(right)
    numeric = [
        (pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t))
        or c in right
        for c, t in zip(shown.columns, shown.dtypes)
    ]
    num_cls = ' class="dg-num"'
    head = "".join(
        f"<th{num_cls if num else ''}>{cell(_col(c))}</th>"
        for c, num in zip(shown.columns, numeric)
    )
    rows = []
    for values in shown.itertuples(index=False, name=None):
        tds = []
        for v, num in zip(values, numeric):
            text = _cell(v, float_format)
            cls = num_cls if num else (' class="dg-long"' if len(text) > 40 else "")
            tds.append(f"<td{cls}>{cell(text)}</td>")
        rows.append(f"<tr>{''.join(tds)}</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    note = ""
    if len(shown) < total:
        text = label("rows_shown", language).format(shown=len(shown), total=total)
        note = f'<p class="dg-note">{_e(text)}</p>'
    return _html(
        f'<div class="dg-table-wrap"><table class="dg-table">{cap}'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )


def details(summary: str, content: Any, *, open: bool = False):
    """A collapsed ``<details>`` block: ``summary`` (escaped) over ``content``.

    ``content`` is trusted HTML: a string you built from :func:`escape`-d
    parts, or an object with ``.data`` such as the result of :func:`show_table`.
    Used for the "all columns" frames kept for analysts below curated tables.
    """
    body = content.data if hasattr(content, "data") else str(content)
    flag = " open" if open else ""
    return _html(
        f'<details class="dg-details"{flag}><summary>{_e(summary)}</summary>'
        f"{body}</details>"
    )


def _col(name: Any) -> str:
    if isinstance(name, tuple):  # MultiIndex columns
        return " / ".join(str(x) for x in name if str(x))
    return str(name)


def _cell(value: Any, float_format: str) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return float_format.format(value)
    value = as_count(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else str(value)
    return str(value)


def callout(
    text: str, *, level: str = "info", title: str | None = None, language: str = "en"
):
    """A highlighted box: ``level`` is info, good, warning or bad."""
    _lang(language)
    _level(level)
    heading = title if title is not None else label(level, language)
    return _html(
        f'<div class="dg-callout dg-{level}" role="note">'
        f'<span class="dg-callout-title">{_e(heading)}</span>{_e(text)}</div>'
    )


def _pairs(headline) -> list[tuple[str, str]]:
    if not headline:
        return []
    if isinstance(headline, Mapping):
        return [(str(k), _fmt(v)) for k, v in headline.items()]
    out = []
    for item in headline:
        if isinstance(item, Mapping):
            out.append((str(item.get("label", "")), _fmt(item.get("value"))))
        else:
            k, v = item
            out.append((str(k), _fmt(v)))
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)


def executive_summary(
    verdict: str,
    *,
    level: str = "info",
    headline=None,
    findings: Iterable[str] = (),
    actions: Iterable[str] = (),
    title: str | None = None,
    language: str = "en",
):
    """The card at the top of a report: verdict, headline numbers, findings.

    Parameters
    ----------
    verdict : str
        One sentence, e.g. "Roll out the new process" / "建议全面推广".
    level : {"info", "good", "warning", "bad"}, default="info"
        Colour of the verdict badge.
    headline : dict or list of (label, value), default=None
        A few numbers, e.g. ``{"Cycle time (days)": "22 → 16"}``.
    findings, actions : list of str
        Bullet points.
    title : str, default=None
        Card title; None: "Executive summary" / "执行摘要".
    """
    _lang(language)
    _level(level)
    parts = [
        '<section class="dg-card dg-summary">'
        f"<h2>{_e(title or label('summary', language))}</h2>",
        f'<p><span class="dg-verdict dg-{level}">{_e(verdict)}</span></p>',
    ]
    pairs = _pairs(headline)
    if pairs:
        items = "".join(
            f'<li><span class="dg-kpi-value">{_e(v)}</span>'
            f'<span class="dg-kpi-label">{_e(k)}</span></li>'
            for k, v in pairs
        )
        parts.append(f'<ul class="dg-kpis">{items}</ul>')
    for key, items in (("findings", list(findings)), ("actions", list(actions))):
        if items:
            lis = "".join(f"<li>{_e(x)}</li>" for x in items)
            parts.append(f"<h3>{_e(label(key, language))}</h3><ul>{lis}</ul>")
    parts.append("</section>")
    return _html("".join(parts))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def provenance(
    files: Iterable | Mapping = (),
    *,
    parameters: Mapping[str, Any] | None = None,
    run_at: datetime | None = None,
    started_at: datetime | None = None,
    language: str = "en",
):
    """What the report was made from: files, row counts, checksums, parameters.

    Parameters
    ----------
    files : list of paths, or dict path -> rows
        Input files. Rows may be an int or a DataFrame (its length is used),
        or text shown as is ("–" for a file that is not a table); None leaves
        the cell empty. Only the file name is shown, with its size
        and SHA-256, so a reader can check they have the same data.
    parameters : dict, default=None
        The notebook's parameters (paths are shown by file name).
    run_at : datetime, default=None (now)
    started_at : datetime, default=None
        When given, the run time ``run_at - started_at`` is shown too.
    """
    import diagnose

    _lang(language)
    L = _LABELS[language]
    items = files.items() if isinstance(files, Mapping) else ((f, None) for f in files)
    rows_html = []
    for path, rows in items:
        p = Path(path)
        n = (
            len(rows)
            if hasattr(rows, "__len__") and not isinstance(rows, str)
            else rows
        )
        if p.is_file():
            size, digest = _size(p.stat().st_size), _sha256(p)
        else:
            size, digest = "", L["missing"]
        shown = "" if n is None else n if isinstance(n, str) else f"{n:,}"
        rows_html.append(
            f"<tr><td>{_e(p.name)}</td>"
            f'<td class="dg-num">{_e(shown)}</td>'
            f'<td class="dg-num">{_e(size)}</td><td><code>{_e(digest)}</code></td></tr>'
        )
    run_at = run_at or datetime.now().astimezone()
    meta = [
        (L["run_at"], run_at.strftime("%Y-%m-%d %H:%M:%S %Z").strip()),
        (L["version"], f"diagnose {diagnose.__version__}"),
        (L["python"], platform.python_version()),
    ]
    if started_at is not None:
        meta.append((L["elapsed"], f"{(run_at - started_at).total_seconds():.1f} s"))
    out = [
        f'<details class="dg-provenance" open><summary>{_e(L["provenance"])}</summary>'
    ]
    if rows_html:
        out.append(
            f"<table><thead><tr><th>{_e(L['file'])}</th><th>{_e(L['rows'])}</th>"
            f"<th>{_e(L['size'])}</th><th>{_e(L['sha256'])}</th></tr></thead>"
            f"<tbody>{''.join(rows_html)}</tbody></table>"
        )
    if parameters:
        prow = "".join(
            f"<tr><td>{_e(k)}</td><td><code>{_e(_param_text(k, v))}</code></td></tr>"
            for k, v in parameters.items()
            if k != "summary_path"
        )
        out.append(
            f"<table><thead><tr><th>{_e(L['parameter'])}</th><th>{_e(L['value'])}</th></tr></thead>"
            f"<tbody>{prow}</tbody></table>"
        )
    out.append(
        "<table><tbody>"
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in meta)
        + "</tbody></table>"
    )
    out.append("</details>")
    return _html("".join(out))


def _param_text(name: str, value: Any) -> str:
    if isinstance(value, (str, os.PathLike)) and (
        name.endswith("_path") or name.endswith("config")
    ):
        return Path(value).name if value else ""
    return repr(value) if not isinstance(value, str) else value


def _summary_target(path: str | Path | None) -> Path | None:
    if path:
        return Path(path)
    if os.environ.get(SUMMARY_ENV):
        return Path(os.environ[SUMMARY_ENV])
    try:  # the summary_path parameter injected by run_notebook
        from IPython import get_ipython

        shell = get_ipython()
        value = shell.user_ns.get("summary_path") if shell is not None else None
    except ImportError:
        value = None
    return Path(value) if value else None


def record_summary(summary: Mapping[str, Any], path: str | Path | None = None) -> None:
    """Write the report's verdict and headline numbers for ``reports/index.html``.

    Call once near the end of a report notebook::

        record_summary({"title": "Pilot A", "verdict": "Roll out", "level": "good",
                        "headline": {"Cycle time": "22 → 16 days"}})

    Keys read by the index: ``title``, ``verdict``, ``level`` (info, good,
    warning, bad), ``headline`` (dict label -> value, or list of pairs),
    ``as_of``. Other keys are kept. Values must be JSON-serialisable (dates
    and other objects are written with ``str``).

    The file is ``path``; else ``$DIAGNOSE_SUMMARY_PATH``; else the notebook's
    ``summary_path`` variable, which :func:`~diagnose.report.run_notebook`
    injects as ``<executed notebook>.summary.json``. With none of these
    (an interactive session) nothing is written. Returns None, so a cell
    ending in ``record_summary(...)`` shows nothing in the report.
    """
    if not isinstance(summary, Mapping):
        raise TypeError(
            f"record_summary needs a dict. Got {type(summary).__name__} instead."
        )
    data = dict(summary)
    if "level" in data:
        _level(data["level"])
    if "headline" in data:
        data["headline"] = [
            {"label": k, "value": v} for k, v in _pairs(data["headline"])
        ]
    data.setdefault(
        "recorded_at", datetime.now().astimezone().isoformat(timespec="seconds")
    )
    target = _summary_target(path)
    if target is None:
        return None
    from diagnose.report.html import write_text_atomic

    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    write_text_atomic(target, text + "\n")
    return None
