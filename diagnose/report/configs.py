"""Load the YAML config of a report, enough to name and launch it.

The report machinery needs only a few keys; the notebook reads the rest
itself (it receives ``config_path``). Checked here, before any notebook code
runs (a kernel pre-started by :func:`~diagnose.report.batch.build_report` is
stopped when a check fails):

``name``      (required) short identifier, used in file names
``title``     (optional) shown in the index and the HTML ``<title>``
``language``  (optional) ``en`` or ``zh``
``as_of``     (optional) ``YYYY-MM-DD``; used in the file name
``data``      (optional) mapping of input -> file, relative to the config;
              every file must exist and be readable. Besides the files,
              ``sheet, columns, year, dayfirst`` say how to read the activity
              file (:func:`diagnose.compare.config.read_options`)
``settings``  (optional) settings YAML, relative to the config

A diagnosis config may have no other key (``data:`` holds ``activities``,
required, and ``survey, kpis, benchmarks``); a misspelt key is an error naming
the closest known key, not silently ignored. Dates are read as text so an
impossible date (``2024-02-30``) gets a message naming the key.

Pilot configs are also passed to :func:`diagnose.compare.config.load_pilot_config`
when that module exists, so its own checks (periods, teams, targets) run early.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from diagnose.compare.config import READ_KEYS, _Loader, read_options
from diagnose.config import unknown_keys
from diagnose.exceptions import ConfigError

__all__ = ["ReportConfig", "load_report_config", "slug", "KINDS"]

KINDS = ("diagnosis", "pilot")


@dataclass(frozen=True)
class ReportConfig:
    """What the report machinery knows about one report config."""

    kind: str
    path: Path
    name: str
    title: str | None = None
    language: str | None = None
    as_of: dt.date | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def activity_options(self) -> dict[str, Any]:
        """Keyword arguments of ``load_activities`` from ``data:`` (``sheet,
        mapping, year, dayfirst``; see :func:`diagnose.compare.config.read_options`).
        """
        data = self.raw.get("data")
        if not isinstance(data, dict):
            return {}
        return read_options(data, where=str(self.path))

    def stem(self, today: dt.date | None = None) -> str:
        """File stem ``<kind>-<name>-<as_of or today>`` of the report."""
        day = self.as_of or today or dt.date.today()
        return f"{self.kind}-{slug(self.name)}-{day.isoformat()}"


def slug(name: str) -> str:
    """File-name-safe version of ``name``; letters of any script are kept."""
    text = re.sub(r"[\s/\\:*?\"<>|#%&{}$!'@`=+^~\[\];,]+", "-", str(name).strip())
    text = re.sub(r"-{2,}", "-", text).strip("-.")
    return text or "report"


#: keys of a diagnosis config, at the top level and under ``data:``
DIAGNOSIS_KEYS = ("name", "title", "language", "as_of", "data", "settings")
DIAGNOSIS_DATA_KEYS = ("activities", "survey", "kpis", "benchmarks")
#: keys only a pilot config has (a pilot config given as a diagnosis config)
_PILOT_ONLY = ("pilot_teams", "control_teams", "baseline", "pilot", "switch_date")


def _parse_date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        try:  # 2024-06-30 12:00 or 2024-06-30T12:00
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise ConfigError(
        f"{where}: 'as_of' must be a date YYYY-MM-DD. Got {value!r} instead "
        "(not a calendar date). Fix: write a real date, e.g. as_of: 2024-06-30"
    ) from None


def _diagnosis_keys(raw: dict) -> list[str]:
    """Problems of a diagnosis config's keys: a pilot config, unknown keys
    (top level and under ``data:``), no ``data.activities``."""
    pilot = [k for k in _PILOT_ONLY if k in raw]
    if pilot:
        return [
            f"this is a pilot config (it has {', '.join(map(repr, pilot))}), not a "
            "diagnosis config. Fix: run it with 'diagnose report pilot --config "
            "<file>', or write a diagnosis config with the keys "
            + ", ".join(DIAGNOSIS_KEYS)
        ]
    problems = unknown_keys(raw, DIAGNOSIS_KEYS)
    data = raw.get("data")
    if isinstance(data, dict):
        problems += unknown_keys(data, DIAGNOSIS_DATA_KEYS + READ_KEYS, prefix="data.")
    if data is None or isinstance(data, dict) and not data.get("activities"):
        problems.append(
            "key 'data.activities' is required (the task export). Fix: add "
            "'data: {activities: tasks.csv}' (a path relative to the config)"
        )
    return problems


def load_report_config(kind: str, path: str | Path) -> ReportConfig:
    """Read and check a diagnosis or pilot config (see the module docstring).

    Raises
    ------
    ConfigError
        Unreadable YAML, missing ``name``, bad ``language``/``as_of``, missing
        data files; the message names the file and the key.
    """
    if kind not in KINDS:
        raise ValueError(
            f"The 'kind' parameter must be one of {set(KINDS)}. Got {kind!r} instead."
        )
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{kind} config not found: {path}")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot read YAML: {err}") from err
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{path}: expected a mapping of keys (name: ..., data: ...), "
            f"got {type(raw).__name__}."
        )

    problems = _diagnosis_keys(raw) if kind == "diagnosis" else []
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(
            "key 'name' is required (a short identifier used in file names)"
        )
    language = raw.get("language")
    if language is not None and language not in ("en", "zh"):
        problems.append(
            f"key 'language' must be 'en' or 'zh'. Got {language!r} instead"
        )
    try:
        as_of = _parse_date(raw.get("as_of"), str(path))
    except ConfigError as err:
        problems.append("key " + str(err).split(": ", 1)[1].rstrip("."))
        as_of = None
    files = []
    data = raw.get("data")
    if data is not None and not isinstance(data, dict):
        problems.append("key 'data' must map inputs to files (activities: tasks.csv)")
    elif data:
        files += [
            (f"data.{k}", v)
            for k, v in data.items()
            if k not in READ_KEYS
            and (kind != "diagnosis" or k in DIAGNOSIS_DATA_KEYS)  # else: unknown
        ]
        if kind == "diagnosis":
            try:
                read_options(data, where=str(path))
            except ConfigError as err:
                problems.append(str(err).split(": ", 1)[1].rstrip("."))
    if raw.get("settings") is not None:
        files.append(("settings", raw["settings"]))
    for key, value in files:
        if not isinstance(value, str):
            problems.append(f"key {key!r} must be a file path. Got {value!r} instead")
            continue
        target = Path(value) if Path(value).is_absolute() else path.parent / value
        if not target.is_file() or not os.access(target, os.R_OK):
            problems.append(f"key {key!r}: file not found or not readable: {target}")
    if problems:
        raise ConfigError(
            f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''}\n"
            + "\n".join(f"  {p}." for p in problems)
        )

    if kind == "pilot":
        _check_pilot(path)
    return ReportConfig(
        kind=kind,
        path=path.resolve(),
        name=name.strip(),
        title=raw.get("title"),
        language=language,
        as_of=as_of,
        raw=raw,
    )


def _check_pilot(path: Path) -> None:
    """Run the pilot config loader of :mod:`diagnose.compare` when it exists."""
    try:
        from diagnose.compare.config import load_pilot_config
    except ModuleNotFoundError as err:
        if err.name not in ("diagnose.compare.config", "diagnose.compare"):
            raise
        return  # not written yet: the minimal checks above stand
    except ImportError:
        return  # module there, function not yet
    try:
        cfg = load_pilot_config(path)
    except (ConfigError, FileNotFoundError):
        raise
    except ValueError as err:  # DataError and friends: keep the message, unify the type
        raise ConfigError(f"{path}: {err}") from err
    _check_teams(path, cfg)


def _data_teams(activities, options: dict | None = None) -> list[str] | None:
    """The team names of the activity file, or None when it cannot be read
    here (the notebook then reports the problem with the data itself).

    Only the team column is read (the file's header row, with the config's
    ``sheet`` and ``mapping``), cell values stripped as the loader strips
    them; the dates are not parsed: the notebook loads the whole file anyway.
    A file whose team column is not in its first row (a title above the
    header, a tracker export whose team is its project) is loaded in full."""
    try:
        from diagnose.io.load import _ACTIVITY_TARGETS

        teams = _column_teams(activities, _ACTIVITY_TARGETS, options or {})
    except Exception:  # noqa: BLE001 - the notebook gives the data error
        return None
    return teams if teams is not None else _loaded_teams(activities, options or {})


def _column_teams(source, targets, options: dict) -> list[str] | None:
    """The distinct values of the team column of ``source`` (header row 1,
    ``options``' sheet and mapping), stripped as the loaders strip them;
    None when the header row names no team column. Raises what the readers
    raise."""
    import numpy as np

    from diagnose.io.headers import match_headers
    from diagnose.io.load import _text_value
    from diagnose.io.read import read_table

    raw = read_table(source, sheet=options.get("sheet"), lazy=True)
    header = match_headers(raw.headers, targets, mapping=options.get("mapping")).header(
        "team"
    )
    if header is None:
        return None
    if header in raw.codes:  # the fast CSV reader: distinct values known
        codes, uniques = raw.codes[header]
        values = [uniques[i] for i in np.unique(codes[codes >= 0])]
    else:
        values = raw.column(header).dropna().unique()
    teams = {_text_value(v) for v in values}
    return sorted(str(t) for t in teams if isinstance(t, str))


def _loaded_teams(activities, options: dict) -> list[str] | None:
    """The team names of the loaded activity table (see :func:`_data_teams`)."""
    import warnings

    try:
        from diagnose.io.load import load_activities

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # data-quality notes: the report's job
            data = load_activities(activities, **options).data
    except Exception:  # noqa: BLE001 - the notebook gives the data error
        return None
    if "team" not in data.columns:
        return None
    return sorted(str(t) for t in data["team"].dropna().unique())


def _survey_teams(survey) -> list[str] | None:
    """The team names of the survey, [] when it has no team column, None when
    it cannot be read here (the comparison reports the problem). Like
    :func:`_data_teams`, only the team column is read when the header row
    names one; otherwise the survey is loaded in full."""
    import warnings

    try:
        from diagnose.io.load import _SURVEY_IDS

        teams = _column_teams(survey, _SURVEY_IDS, {})
    except Exception:  # noqa: BLE001 - the notebook gives the data error
        return None
    if teams is not None:
        return teams
    try:
        from diagnose.io.load import load_survey

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = load_survey(survey).data
    except Exception:  # noqa: BLE001 - the notebook gives the data error
        return None
    if "team" not in data.columns or not data["team"].notna().any():
        return []
    return sorted(str(t) for t in data["team"].dropna().unique())


def _check_teams(path: Path, cfg) -> None:
    """Every pilot and control team must have rows: a team that is not in the
    data (a typo, 'Team c', a trailing space) was silently dropped, and the
    pilot was judged on before/after alone. The same holds for the survey
    when satisfaction is measured; a survey without a team column is a
    warning (its answers cannot be split into pilot and control)."""
    import warnings

    keys = [("pilot_teams", cfg.pilot_teams), ("control_teams", cfg.control_teams)]
    if not any(teams for _, teams in keys):
        return
    known = _data_teams(cfg.activities, cfg.activity_options)
    if known:
        _match_teams(path, keys, known, Path(cfg.activities).name)
    survey = cfg.survey
    if survey is None or "satisfaction" not in cfg.metrics:
        return
    in_survey = _survey_teams(survey)
    if in_survey is None:
        return
    if not in_survey:
        warnings.warn(
            f"{path}: {Path(survey).name} has no team column, so its answers cannot "
            "be split into pilot and control teams: satisfaction will not be "
            "compared. Fix: add a team column (团队/team) to the survey.",
            UserWarning,
            stacklevel=2,
        )
        return
    _match_teams(path, keys, in_survey, Path(survey).name)


def _match_teams(path: Path, keys, known: list[str], file: str) -> None:
    """ConfigError for the first configured team not in ``known``."""
    folded = {t.strip().casefold(): t for t in known}
    for key, teams in keys:
        for team in teams:
            if team in known:
                continue
            close = folded.get(str(team).strip().casefold())
            fix = (
                f"write it exactly as in the data, {close!r}"
                if close
                else "use one of the teams listed, or correct the team column "
                "of the file"
            )
            listed = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
            raise ConfigError(
                f"{path}: key {key!r}: {team!r} is not a team in {file} "
                f"(teams: {listed}). Fix: {fix}."
            )
