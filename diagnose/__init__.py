"""diagnose: find where a team's process is stuck, and whether a pilot helped.

The public API, in the order an analysis uses it:

* loading — :func:`load_activities`, :func:`load_survey`, :func:`load_kpis`,
  :func:`load_benchmarks` (each returns a :class:`LoadResult` with the clean
  table and the data-quality report), :func:`load_settings`, :func:`load_sample`;
* flow metrics — :func:`case_durations`, :func:`cycle_time`,
  :func:`stage_summary`, :func:`waits`, :func:`overdue_rate`, :func:`sla_summary`
  and the rest of :mod:`diagnose.metrics`;
* diagnosis — :func:`bottlenecks` and :func:`diagnose` (everything in one
  :class:`DiagnosisResult`);
* questionnaires — :mod:`diagnose.survey`;
* pilots — :func:`compare_pilot` and the rest of :mod:`diagnose.compare`;
* charts — :mod:`diagnose.plots`; reports — :mod:`diagnose.report`.

``import diagnose`` is cheap: the names above, and the sub-packages
(``diagnose.compare``, ``diagnose.plots``, ...), are imported on first use
(PEP 562), so the ``diagnose`` command and a report kernel only pay for
pandas, SciPy, statsmodels and matplotlib when they need them.
``diagnose.bottlenecks`` is the function, as before, even after the
``diagnose.bottlenecks`` module has been imported.
"""

import importlib
import importlib.util
import sys
import types

__version__ = "0.1.0"

#: public name -> module it lives in (imported on first access)
_LAZY = {
    "survey": "diagnose.survey",
    "bottlenecks": "diagnose.bottlenecks",
    "compare_pilot": "diagnose.compare",
    "load_pilot_config": "diagnose.compare",
    "Settings": "diagnose.config",
    "load_settings": "diagnose.config",
    "load_sample": "diagnose.datasets",
    "DiagnosisResult": "diagnose.diagnosis",
    "diagnose": "diagnose.diagnosis",
    "ConfigError": "diagnose.exceptions",
    "DataError": "diagnose.exceptions",
    "DataQualityWarning": "diagnose.exceptions",
    "LoadResult": "diagnose.io",
    "load_activities": "diagnose.io",
    "load_benchmarks": "diagnose.io",
    "load_kpis": "diagnose.io",
    "load_survey": "diagnose.io",
    "aging_wip": "diagnose.metrics",
    "case_durations": "diagnose.metrics",
    "cycle_time": "diagnose.metrics",
    "flow_efficiency": "diagnose.metrics",
    "handoffs": "diagnose.metrics",
    "overdue_rate": "diagnose.metrics",
    "rework": "diagnose.metrics",
    "sla_summary": "diagnose.metrics",
    "stage_summary": "diagnose.metrics",
    "throughput": "diagnose.metrics",
    "waits": "diagnose.metrics",
    "wip": "diagnose.metrics",
    "workload": "diagnose.metrics",
    "WorkCalendar": "diagnose.workdays",
}

#: names that are functions although a sub-module has the same name
_FUNCTION_OVER_MODULE = frozenset({"bottlenecks"})

__all__ = [
    "__version__",
    "load_activities",
    "load_survey",
    "load_kpis",
    "load_benchmarks",
    "load_settings",
    "load_sample",
    "LoadResult",
    "Settings",
    "WorkCalendar",
    "case_durations",
    "cycle_time",
    "stage_summary",
    "waits",
    "flow_efficiency",
    "aging_wip",
    "overdue_rate",
    "sla_summary",
    "throughput",
    "wip",
    "workload",
    "rework",
    "handoffs",
    "bottlenecks",
    "diagnose",
    "DiagnosisResult",
    "compare_pilot",
    "load_pilot_config",
    "survey",
    "DataError",
    "ConfigError",
    "DataQualityWarning",
]


def _lazy_package(name: str, lazy: dict, function_over_module=frozenset()):
    """Make package ``name`` import its public names on first access (PEP 562).

    Parameters
    ----------
    name : str
        The package (its ``__name__``); must already be in ``sys.modules``.
    lazy : dict
        Public name -> module that defines it. A name equal to its own
        sub-module (``"survey": "diagnose.survey"``) gives the module.
    function_over_module : set of str
        Names that are functions although a sub-module has the same name
        (``diagnose.bottlenecks``, ``diagnose.compare.did``): they stay the
        function even after the import system binds the sub-module, as with
        the eager ``from .bottlenecks import bottlenecks`` they replace.

    Returns
    -------
    (__getattr__, __dir__)
        To assign in the package's namespace. Unknown names that are
        sub-modules (``diagnose.plots``) are imported on access too.
    """
    package = sys.modules[name]
    shadowed = frozenset(function_over_module)

    class _Package(types.ModuleType):
        def __setattr__(self, attr, value):
            if attr in shadowed and isinstance(value, types.ModuleType):
                value = getattr(value, attr)
            super().__setattr__(attr, value)

    package.__class__ = _Package

    def __getattr__(attr: str):
        if attr in lazy:
            module = importlib.import_module(lazy[attr])
            own = lazy[attr] == f"{name}.{attr}" and attr not in shadowed
            value = module if own else getattr(module, attr)
        elif importlib.util.find_spec(f"{name}.{attr}") is not None:
            value = importlib.import_module(f"{name}.{attr}")
        else:
            raise AttributeError(f"module {name!r} has no attribute {attr!r}")
        setattr(package, attr, value)
        return value

    def __dir__():
        return sorted(set(vars(package)) | set(lazy))

    return __getattr__, __dir__


__getattr__, __dir__ = _lazy_package(__name__, _LAZY, _FUNCTION_OVER_MODULE)
