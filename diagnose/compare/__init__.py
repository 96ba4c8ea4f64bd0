"""Pilot comparisons: effects with CIs, DiD, ITS, power and the verdict.

Names are imported on first use (see ``diagnose._lazy_package``), so
``from diagnose.compare.config import load_pilot_config`` does not pull in
SciPy and statsmodels. ``did`` and ``its`` are the functions, not the
modules of the same names.
"""

from diagnose import _lazy_package

_LAZY = {
    "PilotConfig": "diagnose.compare.config",
    "Target": "diagnose.compare.config",
    "load_pilot_config": "diagnose.compare.config",
    "DidResult": "diagnose.compare.did",
    "PretrendResult": "diagnose.compare.did",
    "did": "diagnose.compare.did",
    "pretrend": "diagnose.compare.did",
    "compare_durations": "diagnose.compare.effects",
    "compare_proportions": "diagnose.compare.effects",
    "compare_scores": "diagnose.compare.effects",
    "compare_survival": "diagnose.compare.effects",
    "hodges_lehmann": "diagnose.compare.effects",
    "ItsResult": "diagnose.compare.its",
    "its": "diagnose.compare.its",
    "PilotResult": "diagnose.compare.pilot",
    "analyse_pilot": "diagnose.compare.pilot",
    "compare_pilot": "diagnose.compare.pilot",
    "MdeResult": "diagnose.compare.power",
    "minimum_detectable_effect": "diagnose.compare.power",
    "sample_size": "diagnose.compare.power",
    "DurationEffect": "diagnose.compare.result",
    "Effect": "diagnose.compare.result",
    "Verdict": "diagnose.compare.verdict",
    "judge_targets": "diagnose.compare.verdict",
    "recommend": "diagnose.compare.verdict",
}

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

__getattr__, __dir__ = _lazy_package(__name__, _LAZY, {"did", "its"})
