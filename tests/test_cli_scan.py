"""`diagnose scan`: JSON values, the terminal table and bad files."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from diagnose.cli import main
from diagnose.cli.scan import display_width, pad
from diagnose.samples import generate


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = generate(seed=4, n_cases=80, bottleneck="resource_wait")
    root = tmp_path_factory.mktemp("scan")
    acts = root / "acts.csv"
    d.activities.to_csv(acts, index=False)
    bench = root / "bench.csv"
    d.benchmarks.to_csv(bench, index=False)
    return d, acts, bench


def test_scan_json_values(files, capsys):
    d, acts, bench = files
    rc = main(
        [
            "scan",
            str(acts),
            "--json",
            "--benchmarks",
            str(bench),
            "--as-of",
            d.truth["as_of"],
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    top = out["bottlenecks"][0]
    assert top["location"] == d.truth["bottleneck_location"]
    assert top["impact"] == "high" and top["priority"] == 1
    observed = d.truth["observed_median_wait_days"][d.truth["bottleneck_location"]]
    assert top["median_days"] == pytest.approx(observed, rel=0.15)
    assert out["as_of"] == pd.Timestamp(d.truth["as_of"]).isoformat()
    assert out["as_of_source"] == "--as-of"
    head = {r["metric"]: r for r in out["headline"]}
    rw = head["rework_rate"]
    assert rw["ci_low"] <= d.truth["observed_rework_share"] <= rw["ci_high"]
    cmp = {r["metric"]: r for r in out["benchmarks"]}
    assert cmp["cycle_time_days"]["benchmark"] == 15.0
    assert cmp["cycle_time_days"]["worse"] is True


def test_scan_default_as_of_is_latest_timestamp(files, capsys):
    d, acts, _ = files
    assert main(["scan", str(acts), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    latest = max(d.activities["start"].max(), d.activities["end"].max())
    assert out["as_of"] == latest.isoformat()
    assert out["as_of_source"] == "latest timestamp in the data"


def test_scan_table_zh(files, capsys):
    _, acts, _ = files
    assert main(["scan", str(acts), "--language", "zh"]) == 0
    text = capsys.readouterr().out
    assert "latest timestamp in the data" in text
    assert "流程环节" in text and "问题描述" in text
    assert "Resource coordination -> Execution" in text
    assert "cycle_time_days" in text


def test_bad_file_exit_2(tmp_path, capsys):
    assert main(["scan", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.csv" in err and "not found" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert main(["scan", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("diagnose: error: bad.csv") and err.count("\n") == 1
    assert "required columns" in err and "Fix:" in err


def test_bad_as_of_exit_2(files, capsys):
    _, acts, _ = files
    assert main(["scan", str(acts), "--as-of", "last friday"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'last friday' is not a date" in err
    assert "2024-06-30" in err  # how to write it


def test_width_aware_padding():
    assert display_width("流程ab") == 6
    assert display_width(pad("跨部门评审", 12)) == 12
    assert display_width(pad("跨部门评审跨部门评审", 8)) <= 8
    assert pad("7", 3, right=True) == "  7"


def test_final_stage_hint_names_the_dominant_ending():
    from diagnose.cli.scan import final_stage_hint

    endings = pd.DataFrame(
        {"activity": ["Close", "Wait"], "n_cases": [9, 1], "share": [0.9, 0.1]}
    )
    text = final_stage_hint(endings)
    assert "9 of those 10 cases end with 'Close'" in text
    assert "1 ends elsewhere (Wait: 1)" in text
    assert "final_stages: [Close]" in text
    assert "final_stages: [Close]" in final_stage_hint(endings, "zh")
    # several legitimate endings (70 / 30), or one ending only: no note
    mixed = endings.assign(n_cases=[7, 3], share=[0.7, 0.3])
    assert final_stage_hint(mixed) is None
    assert final_stage_hint(endings.iloc[:1]) is None


def test_scan_hint_only_without_final_stages(tmp_path, capsys):
    # 9 cases end with Close, one stops after Work: waiting, or finished?
    rows = []
    for i in range(10):
        rows.append((f"c{i}", "Work", "2024-03-04", "2024-03-05"))
        if i:
            rows.append((f"c{i}", "Close", "2024-03-05", "2024-03-06"))
    acts = tmp_path / "acts.csv"
    pd.DataFrame(rows, columns=["case_id", "activity", "start", "end"]).to_csv(
        acts, index=False
    )
    assert main(["scan", str(acts), "--json"]) == 0
    hint = json.loads(capsys.readouterr().out)["final_stages_hint"]
    assert "9 of those 10 cases end with 'Close'" in hint
    assert main(["scan", str(acts)]) == 0
    assert "final_stages: [Close]" in capsys.readouterr().out
    settings = tmp_path / "settings.yaml"
    settings.write_text("final_stages: [Close]\n", encoding="utf-8")
    assert main(["scan", str(acts), "--settings", str(settings), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["final_stages_hint"] is None


def test_table_counts_grouped_from_ten_thousand():
    from diagnose.cli.scan import _fmt

    assert _fmt(165501, "int") == "165,501"
    assert _fmt(165501.0, "int") == "165,501"  # a count column holding NaN is float
    assert _fmt(9970, "int") == "9970"
    assert _fmt(float("nan"), "int") == "-"
    assert _fmt(0.25, "pct") == "25%"


def test_scan_every_row_set_aside_exit_2_lists_rows(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "case_id,activity,start,end\n"
        "C1,A,2024-06-05,2024-06-01\n"  # row 2: ends before it starts
        ",B,2024-06-01,2024-06-02\n",  # row 3: no case
        encoding="utf-8",
    )
    assert main(["scan", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "bad.csv: no row can be used" in err
    assert "2 rows read, 0 kept, 2 set aside" in err
    assert "row 2, column 'end', value '2024-06-01': ends before it starts" in err
    assert "row 3, column 'case_id'" in err
    # the loader's warning is one line, without Python's file:line and source
    warn = [x for x in err.splitlines() if x.startswith("diagnose: warning:")]
    assert len(warn) == 1 and "bad.csv" in warn[0]
    assert ".py:" not in err and "load_activities(" not in err


def test_scan_header_only_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("case_id,activity,start,end\n", encoding="utf-8")
    assert main(["scan", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "0 rows read" in err and "no data rows" in err


def test_scan_map_sheet_and_top(tmp_path, capsys):
    """--map names columns the built-in headers do not know; --sheet picks a
    worksheet; --top cuts the ranking and says how many are left."""
    d = generate(seed=4, n_cases=40, bottleneck="resource_wait")
    acts = d.activities[["case_id", "activity", "start", "end"]].rename(
        columns={"case_id": "Vorgang", "activity": "Schritt"}
    )
    path = tmp_path / "t.xlsx"
    with pd.ExcelWriter(path) as xl:
        about = pd.DataFrame({"note": ["read me"]})
        about.to_excel(xl, sheet_name="about", index=False)
        acts.to_excel(xl, sheet_name="data", index=False)
    args = ["scan", str(path), "--sheet", "data", "--json"]
    assert main(args + ["--map", "Vorgang=case_id", "--map", "Schritt=activity"]) == 0
    out = json.loads(capsys.readouterr().out)
    n_stages = acts["Schritt"].nunique()
    assert len(out["bottlenecks"]) >= n_stages
    # without the mapping the case column is missing: a one-line error, exit 2
    assert main(args) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["scan", str(path), "--map", "oops"]) == 2
    assert "is not HEADER=COLUMN" in capsys.readouterr().err
    # --top 2 prints two ranked rows and the count of the others
    base = ["scan", str(path), "--sheet", "data", "--map", "Vorgang=case_id"]
    assert main(base + ["--map", "Schritt=activity", "--top", "2"]) == 0
    text = capsys.readouterr().out
    rest = len(out["bottlenecks"]) - 2
    assert f"… {rest} more locations" in text
    assert f"t.xlsx: {len(acts)} rows read, {len(acts)} kept, 0 set aside" in text


def test_scan_as_of_before_data_warns(files, capsys):
    _, acts, _ = files
    assert main(["scan", str(acts), "--as-of", "2000-01-01"]) == 0
    err = capsys.readouterr().err
    assert "is before the first start in the data" in err


def test_scan_date_order_options(tmp_path, capsys):
    """Without --dayfirst/--monthfirst each column decides (22/06 means day
    first); --monthfirst forces month first, so 22/06/2024 cannot be read."""
    path = tmp_path / "d.csv"
    path.write_text(
        "case_id,activity,start,end\n"
        "C1,A,06/07/2024,08/07/2024\n"
        "C2,A,22/06/2024,25/06/2024\n",
        encoding="utf-8",
    )
    assert main(["scan", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # 08/07 = 8 July (day first); a date-only end is the end of that day
    assert out["as_of"].startswith("2024-07-09T00:00")
    assert main(["scan", str(path), "--json", "--monthfirst"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"].startswith("2024-08-08T00:00")  # 7 August: month first
    with pytest.raises(SystemExit) as stop:  # argparse: not allowed together
        main(["scan", str(path), "--dayfirst", "--monthfirst"])
    assert stop.value.code == 2


def test_scan_tz_option(tmp_path, capsys):
    """--tz converts offset timestamps to that zone before the zone is dropped;
    a name that is not a zone exits 2 with an example."""
    path = tmp_path / "z.csv"
    path.write_text(
        "case_id,activity,start,end\n"
        "C1,A,2024-06-03T09:00:00+08:00,2024-06-03T17:00:00+08:00\n"
        "C2,A,2024-06-04T09:00:00+02:00,2024-06-04T17:00:00+02:00\n",
        encoding="utf-8",
    )
    assert main(["scan", str(path), "--json", "--tz", "Asia/Shanghai"]) == 0
    out = json.loads(capsys.readouterr().out)
    # the latest end, 17:00 at +02:00 = 15:00 UTC = 23:00 in Shanghai
    assert out["as_of"].startswith("2024-06-04T23:00")
    assert main(["scan", str(path), "--tz", "Mars/Olympus"]) == 2
    assert "--tz 'Mars/Olympus' is not a time zone name" in capsys.readouterr().err
