"""Every public metric takes what load_activities returns, not only its .data."""

from __future__ import annotations

import importlib
import inspect

import pandas as pd
import pytest
from conftest import SAMPLES

import diagnose as dg

# diagnose.metrics re-exports functions named like its modules: import the modules
overdue, sla, survival, workload = (
    importlib.import_module(f"diagnose.metrics.{m}")
    for m in ("overdue", "sla", "survival", "workload")
)

AS_OF = "2024-06-30"

FUNCS = [
    dg.case_durations,
    dg.cycle_time,
    dg.stage_summary,
    dg.waits,
    dg.flow_efficiency,
    dg.aging_wip,
    dg.overdue_rate,
    dg.sla_summary,
    dg.throughput,
    dg.wip,
    dg.workload,
    dg.rework,
    dg.handoffs,
    overdue.overdue,
    overdue.progress_deviation,
    sla.sla_breaches,
    sla.handoff_response,
    survival.survival_curve,
    workload.overload_summary,
]


@pytest.fixture(scope="module")
def loaded():
    return dg.load_activities(SAMPLES / "tasks_en.csv")


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_loadresult_and_frame_give_the_same_table(loaded, func):
    kw = {"as_of": AS_OF} if "as_of" in inspect.signature(func).parameters else {}
    from_result = func(loaded, **kw)
    from_frame = func(loaded.data, **kw)
    assert len(from_frame) > 0
    pd.testing.assert_frame_equal(from_result, from_frame)


def test_other_objects_are_refused_with_the_parameter_name():
    with pytest.raises(ValueError, match="'activities' parameter of cycle_time"):
        dg.cycle_time([1, 2, 3], as_of=AS_OF)
