"""Metrics on a real public log, checked against a peer library's figures
(skipped when ../shared/data/public is absent)."""

from __future__ import annotations

import warnings

import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities
from diagnose.metrics import transitions

pytestmark = pytest.mark.public_data

# PM4Py 2.7.23.11, pm4py.discover_performance_dfg on running-example.csv
# (format_dataframe with case:concept:name / concept:name / time:timestamp):
# (mean, median) hours between directly-following events, per edge.
PEER = {
    ("check ticket", "decide"): (50.544444444444444, 35.916666666666664),
    ("check ticket", "examine casually"): (25.675, 25.675),
    ("check ticket", "examine thoroughly"): (26.616666666666667, 26.616666666666667),
    ("decide", "pay compensation"): (142.82222222222222, 144.83333333333334),
    ("decide", "reinitiate request"): (18.444444444444443, 25.5),
    ("decide", "reject request"): (42.84444444444444, 27.1),
    ("examine casually", "check ticket"): (13.325, 13.366666666666667),
    ("examine casually", "decide"): (104.28333333333333, 104.28333333333333),
    ("examine thoroughly", "check ticket"): (85.85833333333333, 85.85833333333333),
    ("examine thoroughly", "decide"): (21.316666666666666, 21.316666666666666),
    ("register request", "check ticket"): (10.866666666666667, 10.866666666666667),
    ("register request", "examine casually"): (8.955555555555556, 1.0666666666666667),
    ("register request", "examine thoroughly"): (
        23.066666666666666,
        23.066666666666666,
    ),
    ("reinitiate request", "check ticket"): (70.25, 70.25),
    ("reinitiate request", "examine casually"): (20.3, 20.3),
    ("reinitiate request", "examine thoroughly"): (0.8, 0.8),
}


def test_transitions_match_pm4py_performance_dfg_on_running_example(public_data):
    # a single-timestamp log: each event is a zero-length activity, so the
    # wait between consecutive ones is PM4Py's directly-follows time
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        acts = load_activities(
            public_data / "running-example.csv",
            mapping={"Activity": "activity", "concept:name": None},
        )
    got = transitions(acts).set_index(["from_activity", "to_activity"])
    assert set(got.index) == set(PEER)
    for edge, (mean, median) in PEER.items():
        assert got.loc[edge, "mean_wait_hours"] == pytest.approx(mean, abs=1e-9)
        assert got.loc[edge, "median_wait_hours"] == pytest.approx(median, abs=1e-9)
    assert got["share_overlap"].eq(0).all()
    # counts as PM4Py's frequency DFG (pm4py.discover_dfg): 6 on this edge,
    # 36 directly-follows pairs in all (42 events in 6 cases)
    assert got.loc[("check ticket", "decide"), "n"] == 6
    assert got["n"].sum() == 36
