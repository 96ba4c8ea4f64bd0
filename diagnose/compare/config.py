"""Pilot configuration (YAML): what was piloted, where, when, and the targets.

Example (paths are relative to the YAML file)::

    name: team-a-new-process
    title: Team A new campaign process pilot
    language: en              # en | zh
    data:
      activities: ../tasks_en.csv
      survey: ../survey.csv          # optional
      benchmarks: ../benchmarks.yaml # optional
      # optional, how to read the activity file (as load_activities):
      # sheet: 数据                    # XLSX worksheet (name or 0-based number)
      # columns: {项目编号: case_id, 备注: null}   # header -> column; null ignores
      # year: 2024                     # year for dates written without one
      # dayfirst: true                 # 06/07/2024 is 6 July
    settings: ../settings.yaml       # optional: diagnose.config.load_settings
    pilot_teams: [Team A]
    control_teams: [Team B, Team C]  # optional
    baseline: {start: 2023-10-01, end: 2024-03-31}   # or switch_date: 2024-04-01
    pilot: {start: 2024-04-01, end: 2024-06-30}
    as_of: 2024-06-30
    metrics: [cycle_time, overdue_rate, satisfaction]
    targets:
      cycle_time: {change: -20%}       # relative change of the median
      overdue_rate: {at_most: 15%}     # absolute level in the pilot
      satisfaction: {change: +0.5}     # absolute change of the mean score

Targets: ``change`` with a ``%`` is a relative change (``-20%``); without,
an absolute change in the metric's unit (working days, points; for a rate a
proportion ``-0.1`` or percentage points ``-10pp``). ``at_most`` /
``at_least`` are levels in the pilot period; for a rate write ``15%`` or
``0.15``.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from diagnose.config import unknown_keys
from diagnose.exceptions import ConfigError

__all__ = [
    "PilotConfig",
    "Target",
    "load_pilot_config",
    "parse_target",
    "read_options",
    "METRICS",
    "READ_KEYS",
]

METRICS = ("cycle_time", "overdue_rate", "satisfaction")
_KEYS = {
    "name",
    "title",
    "language",
    "data",
    "settings",
    "pilot_teams",
    "control_teams",
    "baseline",
    "pilot",
    "switch_date",
    "as_of",
    "metrics",
    "targets",
}
_DATA_KEYS = {"activities", "survey", "benchmarks"}
#: keys under ``data:`` (diagnosis and pilot configs) that say how to read the
#: activity file; passed to :func:`~diagnose.io.load.load_activities`
READ_KEYS = ("sheet", "columns", "year", "dayfirst", "tz")
_TARGET_KINDS = ("change", "at_most", "at_least")


@dataclass(frozen=True)
class Target:
    """One SMART target.

    ``kind`` is ``change`` (after − before), ``at_most`` or ``at_least`` (a
    level in the pilot period). For ``change``, ``relative=True`` means
    ``value`` is a % change (``-20`` for −20 %); otherwise ``value`` is in the
    metric's unit (a proportion for rates). ``text`` is what the user wrote.
    """

    metric: str
    kind: str
    value: float
    relative: bool = False
    text: str = ""

    def describe(self, language: str = "en") -> str:
        if language == "zh":
            word = {"change": "变化", "at_most": "不高于", "at_least": "不低于"}[
                self.kind
            ]
        else:
            word = {"change": "change", "at_most": "at most", "at_least": "at least"}[
                self.kind
            ]
        return f"{word} {self.text}"


@dataclass(frozen=True)
class PilotConfig:
    """A validated pilot configuration (see the module docstring).

    Dates are ``pandas.Timestamp``; ``baseline_start`` is None with
    ``switch_date`` (all earlier data is baseline). Paths are absolute.
    """

    path: Path | None
    name: str
    title: str
    language: str
    activities: Path
    survey: Path | None
    benchmarks: Path | None
    settings: Path | None
    pilot_teams: tuple[str, ...]
    control_teams: tuple[str, ...]
    baseline_start: pd.Timestamp | None
    baseline_end: pd.Timestamp
    pilot_start: pd.Timestamp
    pilot_end: pd.Timestamp
    as_of: pd.Timestamp
    metrics: tuple[str, ...]
    targets: dict[str, Target] = field(default_factory=dict)
    #: keyword arguments of ``load_activities`` for the activity file
    #: (``sheet, mapping, year, dayfirst``), from ``data:`` (:func:`read_options`)
    activity_options: dict[str, Any] = field(default_factory=dict)

    @property
    def switch(self) -> pd.Timestamp:
        return self.pilot_start


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text.

    PyYAML's timestamp resolver turns ``2024-13-45`` into a ValueError (with a
    traceback) before any check runs; as text, the date checks of this module
    (and of :mod:`diagnose.report.configs`, which uses this loader) name the
    key and the fix.
    """


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in res if tag != "tag:yaml.org,2002:timestamp"]
    for ch, res in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _err(where: str, key: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{where}: key {key!r}: {problem} Fix: {fix}")


_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"


def parse_target(metric: str, spec: Any, *, where: str = "config") -> Target:
    """Parse ``{change: -20%}`` / ``{at_most: 15%}`` into a :class:`Target`."""
    key = f"targets.{metric}"
    if (
        not isinstance(spec, dict)
        or len(spec) != 1
        or next(iter(spec)) not in _TARGET_KINDS
    ):
        raise _err(
            where,
            key,
            f"expected exactly one of {list(_TARGET_KINDS)}; got {spec!r}.",
            f"write e.g. '{metric}: {{change: -20%}}' or '{metric}: {{at_most: 15%}}'.",
        )
    kind, raw = next(iter(spec.items()))
    key = f"{key}.{kind}"
    text = str(raw).strip()
    if kind == "change" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = f"{raw:+g}"
    if isinstance(raw, bool) or raw is None:
        m = None
    else:
        m = re.fullmatch(rf"({_NUM})\s*(%|pp)?", text.replace(" ", ""))
    if m is None:
        raise _err(
            where,
            key,
            f"{raw!r} is not a number or a percentage.",
            "write a number such as -3 or 0.5, a percentage such as -20% or 15%, or "
            "percentage points such as -10pp.",
        )
    value, suffix = float(m.group(1)), m.group(2)
    is_rate = metric == "overdue_rate"
    if kind == "change":
        if suffix == "%":
            return Target(metric, kind, value, relative=True, text=text)
        if suffix == "pp":
            if not is_rate:
                raise _err(
                    where,
                    key,
                    f"'pp' (percentage points) only suits a rate, not {metric}.",
                    "write a relative change such as -20% or a number in the metric's "
                    "unit.",
                )
            return Target(metric, kind, value / 100, text=text)
        if is_rate and abs(value) > 1:
            raise _err(
                where,
                key,
                f"{raw!r} is not a possible change of a proportion.",
                "write -10pp (percentage points), -0.1 (proportion) or -20% "
                "(relative).",
            )
        return Target(metric, kind, value, text=text)
    # levels
    if suffix == "pp":
        raise _err(where, key, "'pp' is for changes, not levels.", "write 15% or 0.15.")
    if is_rate:
        level = value / 100 if suffix == "%" else value
        if not 0 <= level <= 1:
            raise _err(
                where,
                key,
                f"{raw!r} is not a rate between 0 and 1.",
                "write a percentage such as 15% or a proportion such as 0.15.",
            )
        return Target(metric, kind, level, text=text)
    if suffix == "%":
        raise _err(
            where,
            key,
            f"a level of {metric} cannot be a percentage ({raw!r}).",
            "give the level in the metric's unit (working days for cycle_time, "
            "points for satisfaction), or use 'change: -20%'.",
        )
    return Target(metric, kind, value, text=text)


def _date(where: str, key: str, value) -> pd.Timestamp:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return pd.Timestamp(value)
    try:
        if value is None or isinstance(value, bool):
            raise ValueError
        return pd.Timestamp(str(value))
    except (ValueError, TypeError):
        raise _err(
            where,
            key,
            f"{value!r} is not a date.",
            "write YYYY-MM-DD, e.g. 2024-04-01.",
        ) from None


def _period(where: str, key: str, spec) -> tuple[pd.Timestamp, pd.Timestamp]:
    if not isinstance(spec, dict) or set(spec) != {"start", "end"}:
        raise _err(
            where,
            key,
            f"expected {{start: ..., end: ...}}; got {spec!r}.",
            f"write '{key}: {{start: 2024-04-01, end: 2024-06-30}}'.",
        )
    start = _date(where, f"{key}.start", spec["start"])
    end = _date(where, f"{key}.end", spec["end"])
    if end < start:
        raise _err(
            where,
            key,
            f"end {end.date()} is before start {start.date()} (reversed).",
            "swap the dates so that start <= end.",
        )
    return start, end


def _teams(where: str, key: str, value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, (str, int)) for v in value)
    ):
        raise _err(
            where,
            key,
            f"expected a non-empty list of team names; got {value!r}.",
            f"write '{key}: [Team A]'.",
        )
    return tuple(str(v) for v in value)


def _file(where: str, key: str, value, base: Path) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not str(value).strip():
        raise _err(
            where,
            key,
            f"expected a file path; got {value!r}.",
            "give a path relative to the config file, e.g. ../tasks.csv.",
        )
    path = (base / Path(str(value)).expanduser()).resolve()
    if not path.is_file():
        raise _err(
            where,
            key,
            f"file not found: {path}.",
            "check the path; it is relative to the folder of the config file.",
        )
    if not os.access(path, os.R_OK):
        raise _err(
            where, key, f"file not readable: {path}.", "check the file permissions."
        )
    return path


def _activity_targets() -> list[str]:
    """Canonical names a ``data.columns`` entry may map a header to: those
    :func:`~diagnose.io.load.load_activities` accepts in ``mapping=``."""
    from diagnose.io.load import _ACTIVITY_TARGETS

    return list(_ACTIVITY_TARGETS)


def read_options(data: dict, *, where: str = "config") -> dict[str, Any]:
    """How to read the activity file, from a config's ``data:`` mapping.

    ``sheet`` (worksheet name, or number from 0), ``columns`` (``{header in
    the file: canonical column}``; ``null`` or ``none`` ignores the header),
    ``year`` (for dates without one), ``dayfirst`` (true/false) and ``tz``
    (an IANA time zone name, ``Asia/Shanghai``) become the keyword arguments
    ``sheet, mapping, year, dayfirst, tz`` of
    :func:`~diagnose.io.load.load_activities`; keys not given are left out.

    Raises
    ------
    ConfigError
        A wrong type, or a column name that is not a canonical column (the
        message lists them and the closest one).
    """
    import difflib

    out: dict[str, Any] = {}
    if data.get("sheet") is not None:
        sheet = data["sheet"]
        if isinstance(sheet, bool) or not isinstance(sheet, (str, int)):
            raise _err(
                where,
                "data.sheet",
                f"expected a worksheet name or number; got {sheet!r}.",
                "write the tab's name, e.g. 'sheet: 数据', or its number from 0.",
            )
        if isinstance(sheet, int) and sheet < 0:
            raise _err(
                where,
                "data.sheet",
                f"{sheet} is not a worksheet number.",
                "number the worksheets from 0 (the first tab), or give its name.",
            )
        out["sheet"] = sheet.strip() if isinstance(sheet, str) else sheet
    if data.get("columns") is not None:
        columns = data["columns"]
        if not isinstance(columns, dict) or not columns:
            raise _err(
                where,
                "data.columns",
                f"expected a mapping of headers to columns; got {columns!r}.",
                "write 'columns: {项目编号: case_id, 备注: null}' (header in the "
                "file: column name; null ignores the header).",
            )
        targets = _activity_targets()
        mapping: dict[str, str | None] = {}
        seen: dict[str, str] = {}
        for header, column in columns.items():
            key = f"data.columns.{header}"
            if isinstance(column, str) and column.strip().lower() in ("none", "null"):
                column = None
            if column is not None and (
                not isinstance(column, str) or column.strip() not in targets
            ):
                close = difflib.get_close_matches(str(column), targets, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise _err(
                    where,
                    key,
                    f"{column!r} is not a column name.",
                    f"{hint}use one of {', '.join(targets)}, or null to ignore "
                    "the header.",
                )
            column = column.strip() if column is not None else None
            if column is not None and column in seen:
                raise _err(
                    where,
                    key,
                    f"{seen[column]!r} and {header!r} are both mapped to {column!r}.",
                    "map only one header to each column.",
                )
            if column is not None:
                seen[column] = str(header)
            mapping[str(header)] = column
        out["mapping"] = mapping
    if data.get("year") is not None:
        year = data["year"]
        if isinstance(year, str) and year.strip().isdigit():
            year = int(year.strip())
        if (
            isinstance(year, bool)
            or not isinstance(year, int)
            or not 1900 <= year <= 2200
        ):
            raise _err(
                where,
                "data.year",
                f"expected a four-digit year; got {year!r}.",
                "write the year of dates written without one, e.g. 'year: 2024'.",
            )
        out["year"] = year
    if data.get("dayfirst") is not None:
        dayfirst = data["dayfirst"]
        if not isinstance(dayfirst, bool):
            raise _err(
                where,
                "data.dayfirst",
                f"expected true or false; got {dayfirst!r}.",
                "write 'dayfirst: true' to read 06/07/2024 as 6 July, false for "
                "June 7.",
            )
        out["dayfirst"] = dayfirst
    if data.get("tz") is not None:
        out["tz"] = _time_zone(data["tz"], where)
    return out


def _time_zone(value, where: str) -> str:
    """``value`` when it names a time zone :mod:`zoneinfo` knows."""
    from diagnose.io.dates import is_time_zone

    fix = (
        "write an IANA time zone name, e.g. 'tz: Asia/Shanghai' (offset-carrying "
        "timestamps are converted to it)."
    )
    if not isinstance(value, str) or not value.strip():
        raise _err(where, "data.tz", f"expected a time zone name; got {value!r}.", fix)
    if not is_time_zone(value):
        raise _err(where, "data.tz", f"{value!r} is not a time zone name.", fix)
    return value.strip()


def load_pilot_config(
    path: str | Path | dict, *, base: str | Path | None = None
) -> PilotConfig:
    """Read and validate a pilot configuration.

    Parameters
    ----------
    path : str, Path or dict
        YAML file, or an already-parsed mapping (then ``base`` sets the folder
        that relative paths start from; default: the working directory).

    Raises
    ------
    ConfigError
        Naming the file and the key, with how to fix it.
    """
    if isinstance(path, dict):
        raw, where, folder = path, "pilot config", Path(base or ".").resolve()
        cfg_path = None
    else:
        cfg_path = Path(path).resolve()
        where, folder = str(path), cfg_path.parent
        try:
            raw = yaml.load(cfg_path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
        except FileNotFoundError:
            raise ConfigError(f"{where}: file not found.") from None
        except yaml.YAMLError as err:
            raise ConfigError(f"{where}: not valid YAML ({err}).") from err
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{where}: expected a mapping of keys (name, data, ...); got "
            f"{type(raw).__name__}."
        )
    problems = unknown_keys(raw, sorted(_KEYS))
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    for key in ("name", "data", "pilot_teams", "metrics"):
        if key not in raw or raw[key] in (None, "", [], {}):
            raise _err(
                where,
                key,
                "missing (required).",
                f"add '{key}:' (see diagnose.compare.config for an example).",
            )
    if "baseline" not in raw and "switch_date" not in raw:
        raise _err(
            where,
            "baseline",
            "missing: give 'baseline' or 'switch_date'.",
            "add 'baseline: {start: YYYY-MM-DD, end: YYYY-MM-DD}' or "
            "'switch_date: YYYY-MM-DD'.",
        )
    if "baseline" in raw and "switch_date" in raw:
        raise _err(
            where,
            "switch_date",
            "give either 'baseline' or 'switch_date', not both.",
            "remove one of them.",
        )
    language = str(raw.get("language", "en"))
    if language not in ("en", "zh"):
        raise _err(
            where, "language", f"{language!r} is not supported.", "use en or zh."
        )
    data = raw["data"]
    if not isinstance(data, dict):
        raise _err(
            where,
            "data",
            f"expected a mapping; got {data!r}.",
            "write 'data: {activities: ../tasks.csv}'.",
        )
    problems = unknown_keys(data, sorted(_DATA_KEYS) + list(READ_KEYS), "data.")
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    if "activities" not in data:
        raise _err(
            where,
            "data.activities",
            "missing (required).",
            "add 'activities: <path to the task export>' under data.",
        )
    activities = _file(where, "data.activities", data["activities"], folder)
    read = read_options(data, where=where)
    survey = (
        _file(where, "data.survey", data["survey"], folder)
        if data.get("survey")
        else None
    )
    bench = (
        _file(where, "data.benchmarks", data["benchmarks"], folder)
        if data.get("benchmarks")
        else None
    )
    settings = (
        _file(where, "settings", raw["settings"], folder)
        if raw.get("settings")
        else None
    )

    pilot_teams = _teams(where, "pilot_teams", raw["pilot_teams"])
    control = (
        _teams(where, "control_teams", raw["control_teams"])
        if raw.get("control_teams")
        else ()
    )
    both = sorted(set(pilot_teams) & set(control))
    if both:
        raise _err(
            where,
            "control_teams",
            f"{both} also in pilot_teams: the pilot team must "
            "be distinct from the controls.",
            "remove them from one of the lists.",
        )

    if "switch_date" in raw:
        switch = _date(where, "switch_date", raw["switch_date"])
        b_start, b_end = None, switch - pd.Timedelta(days=1)
        if "pilot" in raw:
            p_start, p_end = _period(where, "pilot", raw["pilot"])
            if p_start != switch:
                raise _err(
                    where,
                    "pilot.start",
                    f"{p_start.date()} differs from switch_date {switch.date()}.",
                    "make them equal or drop pilot.start.",
                )
        else:
            p_start, p_end = switch, None
    else:
        b_start, b_end = _period(where, "baseline", raw["baseline"])
        if "pilot" not in raw:
            raise _err(
                where,
                "pilot",
                "missing (required with 'baseline').",
                "add 'pilot: {start: YYYY-MM-DD, end: YYYY-MM-DD}'.",
            )
        p_start, p_end = _period(where, "pilot", raw["pilot"])
        if b_end >= p_start:
            raise _err(
                where,
                "pilot.start",
                f"the baseline ({b_start.date()} to {b_end.date()}) "
                f"overlaps the pilot (from {p_start.date()}).",
                "end the baseline before the pilot starts.",
            )
    as_of = (
        _date(where, "as_of", raw["as_of"]) if raw.get("as_of") is not None else p_end
    )
    if as_of is None:
        raise _err(
            where,
            "as_of",
            "missing: needed when the pilot has no end date.",
            "add 'as_of: YYYY-MM-DD' (the date of the data export).",
        )
    if p_end is None:
        p_end = as_of
    if as_of < p_start:
        raise _err(
            where,
            "as_of",
            f"{as_of.date()} is before the pilot starts ({p_start.date()}).",
            "use the date of the data export.",
        )

    metrics = raw["metrics"]
    if isinstance(metrics, str):
        metrics = [metrics]
    if not isinstance(metrics, list):
        raise _err(
            where,
            "metrics",
            f"expected a list; got {metrics!r}.",
            f"write 'metrics: [{', '.join(METRICS)}]'.",
        )
    for m in metrics:
        if m not in METRICS:
            raise _err(
                where,
                "metrics",
                f"unknown metric {m!r}.",
                f"use some of {list(METRICS)}.",
            )
    if "satisfaction" in metrics and survey is None:
        raise _err(
            where,
            "data.survey",
            "metric 'satisfaction' needs a survey file.",
            "add 'survey: <path>' under data, or drop satisfaction from metrics.",
        )
    targets_raw = raw.get("targets") or {}
    if not isinstance(targets_raw, dict):
        raise _err(
            where,
            "targets",
            f"expected a mapping metric -> target; got {targets_raw!r}.",
            "write 'targets: {cycle_time: {change: -20%}}'.",
        )
    targets = {}
    for metric, spec in targets_raw.items():
        if metric not in METRICS:
            raise _err(
                where,
                f"targets.{metric}",
                f"unknown metric {metric!r}.",
                f"use one of {list(METRICS)}.",
            )
        if metric not in metrics:
            raise _err(
                where,
                f"targets.{metric}",
                f"{metric!r} has a target but is not in metrics.",
                f"add {metric} to metrics or remove its target.",
            )
        targets[metric] = parse_target(metric, spec, where=where)
    return PilotConfig(
        path=cfg_path,
        name=str(raw["name"]),
        title=str(raw.get("title") or raw["name"]),
        language=language,
        activities=activities,
        survey=survey,
        benchmarks=bench,
        settings=settings,
        pilot_teams=pilot_teams,
        control_teams=control,
        baseline_start=b_start,
        baseline_end=b_end,
        pilot_start=p_start,
        pilot_end=p_end,
        as_of=as_of,
        metrics=tuple(metrics),
        targets=targets,
        activity_options=read,
    )
