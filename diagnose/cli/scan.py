"""``diagnose scan FILE``: the ranked bottleneck table and headline metrics.

Prints a fixed-width table (Chinese characters count as two columns, so
columns stay aligned in a terminal), or JSON with ``--json`` for scripts.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import TYPE_CHECKING

from diagnose._format import as_count

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["add_parser", "run", "display_width", "pad", "final_stage_hint"]


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "scan",
        help="rank the bottlenecks of an activity table (流程现状分析表)",
        description="Load an activity table (CSV/XLSX/event log), rank where the "
        "process is stuck and print the headline metrics.",
    )
    p.add_argument("file", help="activity table: CSV, XLSX or event log")
    p.add_argument("--survey", help="questionnaire (long or wide)")
    p.add_argument("--kpis", help="KPI tracking table")
    p.add_argument("--benchmarks", help="benchmarks.yaml (or CSV/XLSX)")
    p.add_argument(
        "--settings", help="settings YAML (stage limits, survey dimensions, ...)"
    )
    p.add_argument(
        "--as-of",
        dest="as_of",
        help="reference date for open work (default: latest timestamp in the data)",
    )
    p.add_argument("--language", choices=["en", "zh"], default="en")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--top",
        type=int,
        default=20,
        metavar="N",
        help="print the N highest-ranked locations (default 20; 0: all)",
    )
    read = p.add_argument_group("reading the activity table")
    read.add_argument(
        "--map",
        dest="mapping",
        action="append",
        default=[],
        metavar="HEADER=COLUMN",
        help="use the file's column HEADER as COLUMN (case_id, activity, start, end, "
        "due, owner, ...; COLUMN 'none' ignores it); repeatable, e.g. "
        "--map '项目编号=case_id'",
    )
    read.add_argument(
        "--sheet", help="name of the XLSX worksheet to read (default: the first)"
    )
    read.add_argument(
        "--year", type=int, help="year for dates written without one (9月1日)"
    )
    read.add_argument(
        "--tz",
        metavar="ZONE",
        help="time zone for timestamps with an offset, e.g. Asia/Shanghai "
        "(default: each column keeps the local time written when its offsets "
        "agree, else UTC)",
    )
    order = read.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        default=None,
        help="read 06/07/2024 as 6 July (default: each date column decides: "
        "22/06/2024 in it means day first, else month first)",
    )
    order.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help="read 06/07/2024 as 7 June",
    )
    p.set_defaults(func=run)


def parse_mapping(items: list[str]) -> dict | None:
    """``["项目编号=case_id", "备注=none"]`` -> ``{"项目编号": "case_id",
    "备注": None}``.

    The last ``=`` splits (a header may contain one). Raises ValueError naming
    the bad item and the form expected.
    """
    out: dict = {}
    for item in items:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip() or not column.strip():
            raise ValueError(
                f"--map {item!r} is not HEADER=COLUMN; write it like "
                "--map '项目编号=case_id' (COLUMN 'none' ignores the header)."
            )
        column = column.strip()
        out[header.strip()] = None if column.lower() == "none" else column
    return out or None


def display_width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide/full-width characters take 2."""
    return sum(
        2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text)
    )


def pad(text, width: int, *, right: bool = False) -> str:
    """``text`` cut/padded to ``width`` terminal columns (width-aware; 0: as is)."""
    text = str(text)
    if width <= 0:
        return text
    if display_width(text) > width:
        out, used = "", 0
        for ch in text:
            w = display_width(ch)
            if used + w > width - 1:
                break
            out += ch
            used += w
        text = out + "…"
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def _fmt(v, kind: str) -> str:
    import pandas as pd

    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "-"
    if kind == "pct":
        return f"{v:.0%}"
    if kind == "num":
        return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"
    if kind == "int":  # counts: whole numbers, 10,000 and more grouped
        return str(as_count(int(v))) if float(v).is_integer() else str(v)
    return str(v)


def _table(frame: pd.DataFrame, spec: list[tuple[str, str, int, str]]) -> list[str]:
    """spec: (column, header, width, kind); kind num/pct are right-aligned."""
    head = "  ".join(pad(h, w, right=k in ("num", "pct", "int")) for _, h, w, k in spec)
    lines = [head, "-" * display_width(head)]
    for rec in frame.to_dict("records"):
        lines.append(
            "  ".join(
                pad(_fmt(rec.get(c), k), w, right=k in ("num", "pct", "int"))
                for c, _, w, k in spec
            ).rstrip()
        )
    return lines


_HEADERS = {
    "en": [
        "#",
        "location",
        "kind",
        "owner",
        "median d",
        "breach",
        "score",
        "impact",
        "problem",
    ],
    "zh": [
        "优先级",
        "流程环节",
        "类型",
        "负责",
        "耗时(天)",
        "超时率",
        "得分",
        "影响",
        "问题描述",
    ],
}


def final_stage_hint(endings: pd.DataFrame, language: str = "en") -> str | None:
    """A note for a run without ``final_stages``, or None.

    ``endings`` is :func:`diagnose.metrics.flow.case_endings`; the rule is
    :func:`diagnose.metrics.flow.dominant_ending` (one stage ends at least
    80 % of the cases without open work, some end elsewhere: those may be
    waiting for their next stage yet count as finished). The note names the
    stage and how to declare it final.
    """
    from diagnose.metrics.flow import dominant_ending

    found = dominant_ending(endings)
    if found is None:
        return None
    top, n_top, n_rest = found["stage"], found["n_stage"], found["n_other"]
    rest = found["others"]
    total = n_top + n_rest
    others = ", ".join(
        f"{a}: {int(n)}" for a, n in zip(rest["activity"][:3], rest["n_cases"][:3])
    )
    if len(rest) > 3:
        others += ", …"
    if language == "zh":
        return (
            f"注意：未设置结束阶段（final_stages），没有进行中任务的案例都算作已完成。"
            f"其中 {n_top}/{total} 个以“{top}”结束；另外 {n_rest} 个停在其他阶段"
            f"（{others}），可能还在等待下一阶段。若“{top}”是每个案例的最后阶段，"
            f"请在设置文件中写 final_stages: [{top}] 并用 --settings 传入。"
        )
    return (
        f"Note: no final stages are set, so every case without open work counts as "
        f"finished. {n_top} of those {total} cases end with '{top}'; {n_rest} "
        f"{'ends' if n_rest == 1 else 'end'} elsewhere ({others}) and may be "
        f"waiting for their next stage. If '{top}' ends every case, set "
        f"final_stages: [{top}] in a settings file and pass it with --settings."
    )


def render(
    result,
    *,
    as_of_note: str,
    hint: str | None = None,
    top: int | None = 20,
    loaded=None,
) -> str:
    """The terminal report of a :class:`~diagnose.diagnosis.DiagnosisResult`.

    ``hint``: a closing note, e.g. :func:`final_stage_hint`. ``top``: rows of
    the ranking to print (None or 0: all). ``loaded``: the activity table's
    :class:`~diagnose.io.load.LoadResult`, whose rows read / kept / set aside
    close the report."""
    import pandas as pd

    lang = result.language
    h = _HEADERS[lang]
    tab = result.bottlenecks.copy()
    if lang == "zh":
        tab["impact"] = tab["impact"].map({"high": "高", "medium": "中", "low": "低"})
    loc_w = min(
        44, max([display_width(h[1])] + [display_width(x) for x in tab["location"]])
    )
    spec = [
        ("priority", h[0], 6, "int"),
        ("location", h[1], loc_w, "str"),
        ("kind", h[2], 7, "str"),
        ("owner", h[3], 10, "str"),
        ("median_days", h[4], 8, "num"),
        ("sla_breach_rate", h[5], 6, "pct"),
        ("score", h[6], 5, "pct"),
        ("impact", h[7], 6, "str"),
        ("problem", h[8], 0, "text"),
    ]
    lines = [result.summary().splitlines()[0] + f" ({as_of_note})", ""]
    more = len(tab) - top if top else 0
    lines += _table(tab.head(top) if more > 0 else tab, spec)
    if more > 0:
        lines.append(
            f"  … {as_count(more)} more locations (--top 0 prints them all; "
            "--json lists them)"
            if lang == "en"
            else f"  …另有 {as_count(more)} 个流程环节（--top 0 全部显示；--json 列出）"
        )
    lines += ["", "Headline metrics" if lang == "en" else "核心指标", ""]
    hl = result.headline
    if result.benchmarks is not None:
        hl = hl.merge(
            result.benchmarks[["metric", "benchmark", "worse", "beyond_noise"]],
            on="metric",
            how="left",
        )
    else:
        hl = hl.assign(benchmark=float("nan"), worse=None, beyond_noise=None)
    hl = hl.assign(
        verdict=[
            "-"
            if pd.isna(b)
            else ("worse" if w else "better") + ("" if bn else " (noise)")
            for b, w, bn in zip(hl["benchmark"], hl["worse"], hl["beyond_noise"])
        ]
    )
    lines += _table(
        hl,
        [
            ("metric", "metric", 22, "str"),
            ("value", "value", 9, "num"),
            ("ci_low", "ci_low", 9, "num"),
            ("ci_high", "ci_high", 9, "num"),
            ("n", "n", 9, "int"),
            ("benchmark", "benchmark", 9, "num"),
            ("verdict", "vs benchmark", 16, "str"),
        ],
    )
    lines += ["", *result.summary_lines()]
    if loaded is not None:
        lines += ["", *loaded.summary().splitlines()]
    if len(result.data_quality):
        lines += [
            "",
            f"{as_count(len(result.data_quality))} data-quality notes "
            "(use --json to see them).",
        ]
    if hint:
        lines += ["", hint]
    return "\n".join(lines)


def check_zone(zone: str | None) -> None:
    """ValueError naming ``--tz`` and an example unless ``zone`` is None or an
    IANA time zone name (``Asia/Shanghai``)."""
    from diagnose.io.dates import is_time_zone

    if zone is not None and not is_time_zone(zone):
        raise ValueError(
            f"--tz {zone!r} is not a time zone name; write it like --tz "
            "Asia/Shanghai or --tz UTC."
        )


def nothing_to_analyse(acts, limit: int = 5) -> str:
    """The message for a table without a single usable row: the rows read and
    set aside by reason, and the first problems with their fixes."""
    files = [str(f) for f in acts.sources["file"]] if len(acts.sources) else []
    src = ", ".join(files) or "the table"
    lines = [f"{src}: no row can be used, so there is nothing to analyse."]
    lines += ["  " + line for line in acts.summary().splitlines()]
    probs = acts.problems[~acts.problems["kept"]] if len(acts.problems) else None
    if probs is None or probs.empty:
        lines.append("  Fix: the file has a header but no data rows; export it again.")
        return "\n".join(lines)
    for rec in probs.head(limit).to_dict("records"):
        lines.append(
            f"  row {rec['row']}, column {rec['column']!r}, value {rec['value']!r}: "
            f"{rec['problem']}. Fix: {rec['fix']}."
        )
    if len(probs) > limit:
        lines.append(f"  ... and {as_count(len(probs) - limit)} more.")
    return "\n".join(lines)


def one_line(err) -> str:
    """The first line of an error message plus its first "Fix:" hint, on one line."""
    lines = [x.strip() for x in str(err).splitlines() if x.strip()]
    if not lines:
        return type(err).__name__
    fix = next((x for x in lines[1:] if x.startswith("Fix:")), "")
    return f"{lines[0]} {fix}".strip()


def run(args) -> int:
    # pandas and the analysis load here, not at import: `diagnose report ...`
    # builds this parser too and should not pay for them
    import pandas as pd

    from diagnose.config import load_settings
    from diagnose.diagnosis import diagnose, latest_timestamp
    from diagnose.exceptions import ConfigError, DataError
    from diagnose.io.load import (
        load_activities,
        load_benchmarks,
        load_kpis,
        load_survey,
    )

    try:
        mapping = parse_mapping(args.mapping)
        check_zone(args.tz)
    except ValueError as err:
        print(f"diagnose: error: {err}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(args.settings)
        acts = load_activities(
            args.file,
            mapping=mapping,
            sheet=args.sheet,
            year=args.year,
            dayfirst=args.dayfirst,
            tz=args.tz,
        )
        survey = load_survey(args.survey, scale=settings.scale) if args.survey else None
        kpis = load_kpis(args.kpis) if args.kpis else None
        bench = load_benchmarks(args.benchmarks) if args.benchmarks else None
    except (DataError, ConfigError, FileNotFoundError) as err:
        print(f"diagnose: error: {one_line(err)}", file=sys.stderr)
        return 2
    except ValueError as err:  # a bad --map target column
        print(f"diagnose: error: {one_line(err)}", file=sys.stderr)
        return 2
    if len(acts.data) == 0:
        print(f"diagnose: error: {nothing_to_analyse(acts)}", file=sys.stderr)
        return 2
    if args.as_of:
        try:
            as_of = pd.Timestamp(args.as_of)
        except ValueError:
            print(
                f"diagnose: error: --as-of {args.as_of!r} is not a date; "
                "write it like 2024-06-30 or '2024-06-30 18:00'.",
                file=sys.stderr,
            )
            return 2
        note = "as of given with --as-of"
        first = acts.data["start"].min()
        if pd.notna(first) and as_of < first:
            print(
                f"diagnose: warning: --as-of {as_of:%Y-%m-%d %H:%M} is before the "
                f"first start in the data ({first:%Y-%m-%d %H:%M}): no work had "
                "started, so there is nothing to rank. Fix: pick a later --as-of, "
                "or leave it out to use the latest timestamp.",
                file=sys.stderr,
            )
    else:
        as_of = latest_timestamp(acts)
        note = "as of = the latest timestamp in the data; set --as-of to change"
    result = diagnose(
        acts, survey, kpis, bench, settings, as_of=as_of, language=args.language
    )
    hint = None
    if not settings.final_stages:
        from diagnose.metrics.flow import case_endings

        endings = case_endings(acts.data, as_of=as_of)
        hint = final_stage_hint(endings, args.language)
    if args.json:
        out = result.to_dict()
        out["as_of_source"] = (
            "--as-of" if args.as_of else "latest timestamp in the data"
        )
        out["file"] = str(args.file)
        out["final_stages_hint"] = hint
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(
            render(
                result, as_of_note=note, hint=hint, top=max(args.top, 0), loaded=acts
            )
        )
    return 0
