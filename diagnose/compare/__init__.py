"""Pilot comparisons: effects with CIs, DiD, ITS, power and the verdict."""

from diagnose.compare.did import DidResult, PretrendResult, did, pretrend
from diagnose.compare.effects import (
    compare_durations,
    compare_proportions,
    compare_scores,
    compare_survival,
    hodges_lehmann,
)
from diagnose.compare.result import DurationEffect, Effect

__all__ = [
    "compare_durations",
    "compare_survival",
    "compare_proportions",
    "compare_scores",
    "hodges_lehmann",
    "did",
    "pretrend",
    "DidResult",
    "PretrendResult",
    "Effect",
    "DurationEffect",
]
