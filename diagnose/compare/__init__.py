"""Pilot comparisons: effects with CIs, DiD, ITS, power and the verdict."""

from diagnose.compare.config import PilotConfig, Target, load_pilot_config
from diagnose.compare.did import DidResult, PretrendResult, did, pretrend
from diagnose.compare.effects import (
    compare_durations,
    compare_proportions,
    compare_scores,
    compare_survival,
    hodges_lehmann,
)
from diagnose.compare.its import ItsResult, its
from diagnose.compare.pilot import PilotResult, analyse_pilot, compare_pilot
from diagnose.compare.power import MdeResult, minimum_detectable_effect, sample_size
from diagnose.compare.result import DurationEffect, Effect
from diagnose.compare.verdict import Verdict, judge_targets, recommend

__all__ = [
    "load_pilot_config",
    "PilotConfig",
    "Target",
    "compare_durations",
    "compare_survival",
    "compare_proportions",
    "compare_scores",
    "hodges_lehmann",
    "did",
    "pretrend",
    "its",
    "minimum_detectable_effect",
    "sample_size",
    "judge_targets",
    "recommend",
    "compare_pilot",
    "analyse_pilot",
    "DidResult",
    "PretrendResult",
    "ItsResult",
    "MdeResult",
    "Verdict",
    "PilotResult",
    "Effect",
    "DurationEffect",
]
