"""The real public logs load with their published shapes (skipped when absent)."""

from __future__ import annotations

import warnings

import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities
from diagnose.io.columns import ACTIVITY_COLUMNS

pytestmark = pytest.mark.public_data

FILES = [
    "sepsis.csv.gz",
    "receipt.csv.gz",
    "running-example.csv",
    "jira-agile-project.csv",
    "interval_event_log.csv.gz",
    "bpic2012.csv.gz",
    "helpdesk.csv.gz",
    "bpic2011_hospital.csv.gz",
]


def _load(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load_activities(path, **kw)


@pytest.mark.parametrize("name", FILES)
def test_every_public_file_loads(public_data, name):
    result = _load(public_data / name)
    data = result.data
    assert list(data.columns) == ACTIVITY_COLUMNS
    assert len(data) > 0
    assert data["start"].notna().all()
    assert (data["end"].isna() | (data["end"] >= data["start"])).all()
    src = result.sources.iloc[0]
    assert src.n_rows_kept + src.n_rows_set_aside == src.n_rows_read
    assert (
        src.n_rows_set_aside
        == result.problems.loc[~result.problems["kept"], "row"].nunique()
    )


def test_sepsis_keeps_the_case_named_NA(public_data):
    data = _load(public_data / "sepsis.csv.gz").data
    assert data["case_id"].nunique() == 1050
    assert len(data) == 15214
    assert (data["case_id"] == "NA").any()
    assert (data["start"] == data["end"]).all()  # complete-only: instantaneous events


@pytest.mark.parametrize(
    ("name", "cases", "events"),
    [
        ("receipt.csv.gz", 1434, 8577),
        ("helpdesk.csv.gz", 4580, 21348),
        ("bpic2011_hospital.csv.gz", 1143, 150291),
        ("running-example.csv", 6, 42),
    ],
)
def test_published_shapes(public_data, name, cases, events):
    data = _load(public_data / name).data
    assert data["case_id"].nunique() == cases
    assert len(data) == events


def test_bpic2012_pairs_lifecycle_and_lists_schedule_events(public_data):
    result = _load(public_data / "bpic2012.csv.gz")
    data = result.data
    assert data["case_id"].nunique() == 13087
    src = result.sources.iloc[0]
    assert src.n_rows_read == 262200
    # 26318 SCHEDULE events are listed (set aside), 71376 START + 164506 COMPLETE used
    assert (result.problems["value"] == "SCHEDULE").sum() == 26318
    assert src.n_rows_kept == 71376 + 164506
    assert (data["end"] > data["start"]).sum() > 60000  # real durations from pairs


def test_receipt_offsets_become_utc(public_data):
    data = _load(public_data / "receipt.csv.gz").data
    first = data[data["case_id"] == "case-10011"].iloc[0]
    # 2011-10-11 13:45:40.276000+02:00 in the file
    assert str(first["start"]) == "2011-10-11 11:45:40.276000"
    assert first["department"] == "Group 1" and first["owner"] == "Resource21"


def test_jira_rows_ending_before_creation_are_listed(public_data):
    result = _load(public_data / "jira-agile-project.csv")
    back = result.problems[result.problems["problem"] == "ends before it starts"]
    assert len(back) == 1662
    assert not back["kept"].any()
    assert back["column"].unique().tolist() == ["finished_date"]
    assert len(result.data) == 4123 - 1662
    assert not set(back["row"]) & set(result.data["source_row"])


def test_interval_log_has_real_durations(public_data):
    data = _load(public_data / "interval_event_log.csv.gz").data
    assert (data["end"] >= data["start"]).all()
    assert (data["end"] > data["start"]).mean() > 0.9
