"""Analysis settings: time limits, handbook thresholds, survey maps.

Defaults come from the handbooks (see DOMAIN.md); every value can be
overridden from a YAML file or a dict with :func:`load_settings`.

Example YAML::

    stage_limits:            # working days per stage (null: per plan)
      需求调研: 3
      Plan design: 5
    handoff_hours: 24
    country: CN              # holiday calendar (python-holidays code)
    dimensions:              # survey dimension -> items
      流程清晰度: [q1, q2, q3]
    reverse_items: [q3]
    dimension_stages:        # survey dimension -> stages / handoffs it speaks of
      协作效率: [跨部门评审]
    final_stages: [效果复盘]  # a case is finished once this stage is
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from diagnose.exceptions import ConfigError
from diagnose.io.columns import STAGES

__all__ = ["Settings", "load_settings", "default_stage_limits"]


def default_stage_limits() -> dict[str, float | None]:
    """Six-stage limits of DOMAIN.md, keyed by both Chinese and English names."""
    limits: dict[str, float | None] = {}
    for stage in STAGES:
        limits[stage["zh"]] = stage["limit_days"]
        limits[stage["en"]] = stage["limit_days"]
    return limits


@dataclass(frozen=True)
class Settings:
    """Every tunable number of an analysis, with the handbook defaults.

    Attributes
    ----------
    stage_limits : dict, default=the six-stage limits of DOMAIN.md
        Time limit (SLA) per stage in working days; ``None`` means "per plan"
        (no fixed limit). Stage names match case-insensitively.
    handoff_hours : float, default=24
        Cross-department feedback must come within this many hours.
    urgent_handoff_hours : float, default=2
        The same for urgent (P0) work.
    deviation_escalate : float, default=0.20
        Progress deviation at or beyond which a task is escalated.
    kpi_warn : float, default=0.10
        KPI/milestone variance beyond which a warning is raised (±).
    max_concurrent : int, default=5
        Concurrent open subtasks per person.
    max_concurrent_p0 : int, default=2
        Concurrent open P0 tasks per person.
    country : str, default="CN"
        Holiday calendar for working days (a python-holidays country code);
        China includes the make-up working days (调休).
    subdivision : str or None, default=None
        Region of ``country`` for regional holidays.
    scale : tuple of int, default=(1, 5)
        Likert scale of the questionnaire.
    dimensions : dict, default={}
        Survey dimension -> list of items.
    reverse_items : list, default=[]
        Items worded negatively (scored ``low + high - score``).
    dimension_stages : dict, default={}
        Survey dimension -> stages or handoffs (``"A -> B"``) it speaks of.
    final_stages : list, default=[]
        Stages that end a case (e.g. ``["效果复盘", "Retrospective"]``; names
        match case-insensitively). When set, a case whose recorded rows are all
        finished but that has not finished one of these stages is still open
        (waiting for its next stage): its cycle time is censored at ``as_of``
        instead of counting as a short finished case. Empty: a case is finished
        when its last recorded row is.
    """

    stage_limits: dict[str, float | None] = field(default_factory=default_stage_limits)
    handoff_hours: float = 24.0
    urgent_handoff_hours: float = 2.0
    deviation_escalate: float = 0.20
    kpi_warn: float = 0.10
    max_concurrent: int = 5
    max_concurrent_p0: int = 2
    country: str = "CN"
    subdivision: str | None = None
    scale: tuple[int, int] = (1, 5)
    dimensions: dict[str, list[str]] = field(default_factory=dict)
    reverse_items: list[str] = field(default_factory=list)
    dimension_stages: dict[str, list[str]] = field(default_factory=dict)
    final_stages: list[str] = field(default_factory=list)

    def stage_limit(self, stage: str) -> float | None:
        """Time limit of ``stage`` in working days (case-insensitive), or None."""
        wanted = str(stage).strip().casefold()
        for name, limit in self.stage_limits.items():
            if name.strip().casefold() == wanted:
                return limit
        return None

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (validated like :func:`load_settings`)."""
        return load_settings({**dataclasses.asdict(self), **changes})


_NUMBER_FIELDS = {
    "handoff_hours": float,
    "urgent_handoff_hours": float,
    "deviation_escalate": float,
    "kpi_warn": float,
    "max_concurrent": int,
    "max_concurrent_p0": int,
}


def unknown_keys(given, known, prefix: str = "") -> list[str]:
    """One problem per key of ``given`` not in ``known``, with the closest
    known key: ``key 'asof': unknown key. Fix: did you mean 'as_of'? known
    keys: ...`` (``prefix``, e.g. ``"data."``, before every key). Shared by
    the settings, pilot and diagnosis config loaders, so all three say the
    same."""
    import difflib

    known = [str(k) for k in known]
    problems = []
    for key in given:
        if str(key) in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"did you mean '{prefix}{close[0]}'? " if close else ""
        problems.append(
            f"key '{prefix}{key}': unknown key. Fix: {hint}known keys: "
            + ", ".join(f"{prefix}{k}" for k in known)
        )
    return problems


def load_settings(source: str | Path | dict | Settings | None = None) -> Settings:
    """Read analysis settings from a YAML file or a dict.

    Parameters
    ----------
    source : path, dict, Settings or None, default=None
        ``None`` gives the handbook defaults. Keys not given keep their
        defaults; ``stage_limits`` given here are merged over the defaults.

    Returns
    -------
    Settings

    Raises
    ------
    ConfigError
        Naming the file and key, for unknown keys and ill-typed values.
    """
    if source is None:
        return Settings()
    if isinstance(source, Settings):
        return source
    where = "settings"
    if isinstance(source, (str, Path)):
        path = Path(source)
        where = str(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigError(f"{where}: file not found.") from None
        except yaml.YAMLError as err:
            raise ConfigError(f"{where}: not valid YAML ({err}).") from err
    else:
        raw = dict(source)
    if not isinstance(raw, dict):
        raise ConfigError(
            f"{where}: expected a mapping of settings, got {type(raw).__name__}."
        )
    known = sorted(f.name for f in dataclasses.fields(Settings))
    problems = unknown_keys(raw, known)
    if problems:
        raise ConfigError(f"{where}: " + "; ".join(problems))
    values: dict[str, Any] = {}
    for key, kind in _NUMBER_FIELDS.items():
        if key in raw:
            try:
                values[key] = kind(raw[key])
            except (TypeError, ValueError):
                raise ConfigError(
                    f"{where}: setting {key!r} must be a number. "
                    f"Got {raw[key]!r} instead."
                ) from None
            if values[key] < 0:
                raise ConfigError(
                    f"{where}: setting {key!r} must be >= 0. Got {raw[key]!r}."
                )
    if "stage_limits" in raw:
        limits = raw["stage_limits"] or {}
        if not isinstance(limits, dict):
            raise ConfigError(
                f"{where}: 'stage_limits' must map stage name -> working days."
            )
        merged = default_stage_limits()
        for stage, limit in limits.items():
            if limit is not None:
                try:
                    limit = float(limit)
                except (TypeError, ValueError):
                    raise ConfigError(
                        f"{where}: stage_limits[{stage!r}] must be a number of working "
                        f"days or null. Got {limit!r} instead."
                    ) from None
            merged[str(stage)] = limit
        values["stage_limits"] = merged
    for key in ("country", "subdivision"):
        if key in raw:
            values[key] = None if raw[key] is None else str(raw[key])
    if "scale" in raw:
        try:
            low, high = (int(v) for v in raw["scale"])
        except (TypeError, ValueError):
            raise ConfigError(
                f"{where}: 'scale' must be two integers such as [1, 5]. "
                f"Got {raw['scale']!r}."
            ) from None
        if low >= high:
            raise ConfigError(f"{where}: 'scale' must be [low, high] with low < high.")
        values["scale"] = (low, high)
    for key in ("dimensions", "dimension_stages"):
        if key in raw:
            mapping = raw[key] or {}
            if not isinstance(mapping, dict) or not all(
                isinstance(v, (list, tuple)) for v in mapping.values()
            ):
                raise ConfigError(
                    f"{where}: {key!r} must map a name to a list of names."
                )
            values[key] = {str(k): [str(x) for x in v] for k, v in mapping.items()}
    for key in ("reverse_items", "final_stages"):
        if key in raw:
            items = raw[key] or []
            if isinstance(items, str) or not isinstance(items, (list, tuple)):
                raise ConfigError(
                    f"{where}: {key!r} must be a list of names such as "
                    f"['效果复盘']. Got {items!r} instead."
                )
            values[key] = [str(x) for x in items]
    return Settings(**values)
