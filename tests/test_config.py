"""Analysis settings: handbook defaults, YAML overrides, and the errors users see."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from diagnose import ConfigError, Settings, load_settings
from diagnose.config import default_stage_limits


def test_default_stage_limits_are_the_handbook_limits():
    # DOMAIN.md step 3: 3, 5, 2, 1 working days, execution per plan, retrospective 3
    limits = default_stage_limits()
    assert [limits[s] for s in ("需求调研", "方案策划", "跨部门评审", "资源协调")] == [
        3,
        5,
        2,
        1,
    ]
    assert limits["活动执行"] is None and limits["效果复盘"] == 3
    s = Settings()
    # English names and any case are the same stage
    assert s.stage_limit("plan DESIGN") == 5 == s.stage_limit("方案策划")
    assert s.stage_limit("unknown stage") is None
    assert (s.handoff_hours, s.deviation_escalate, s.kpi_warn) == (24.0, 0.20, 0.10)
    assert (s.max_concurrent, s.max_concurrent_p0, s.country) == (5, 2, "CN")


def test_yaml_overrides_merge_over_the_defaults(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "stage_limits:\n  方案策划: 4\nhandoff_hours: 12\nscale: [1, 7]\n",
        encoding="utf-8",
    )
    s = load_settings(path)
    assert s.stage_limit("方案策划") == 4
    assert s.stage_limit("需求调研") == 3  # untouched default kept
    assert s.handoff_hours == 12.0 and s.scale == (1, 7)
    assert s.replace(max_concurrent=3).max_concurrent == 3


def test_sample_settings_file_loads():
    s = load_settings(SAMPLES / "settings.yaml")
    assert s.dimensions["Collaboration efficiency"] == ["q4", "q5", "q6", "q7"]
    assert s.reverse_items == ["q3", "q7", "q10"]
    assert s.final_stages == ["Retrospective", "效果复盘"]
    assert Settings().final_stages == []  # default: the last recorded row ends a case


@pytest.mark.parametrize(
    "text, words",
    [
        (
            "handoff_hour: 12\n",
            [
                "s.yaml",
                "key 'handoff_hour': unknown key",
                "did you mean 'handoff_hours'?",
            ],
        ),
        ("max_concurrent: five\n", ["s.yaml", "'max_concurrent'", "number", "'five'"]),
        ("kpi_warn: -0.1\n", ["s.yaml", "'kpi_warn'", ">= 0"]),
        ("scale: [5, 1]\n", ["s.yaml", "'scale'", "low < high"]),
        ("scale: one\n", ["s.yaml", "two integers", "'one'"]),
        ("stage_limits:\n  方案策划: soon\n", ["s.yaml", "方案策划", "'soon'"]),
        ("dimensions:\n  协作效率: q4\n", ["s.yaml", "'dimensions'", "list"]),
        ("stage_limits: [\n", ["s.yaml", "not valid YAML"]),
        ("final_stages: 效果复盘\n", ["s.yaml", "'final_stages'", "list", "效果复盘"]),
        ("reverse_items: q3\n", ["s.yaml", "'reverse_items'", "list", "'q3'"]),
    ],
)
def test_bad_settings_name_the_file_key_and_value(tmp_path, text, words):
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    for word in words:
        assert word in str(err.value)


def test_missing_settings_file(tmp_path):
    with pytest.raises(ConfigError, match="nope.yaml: file not found"):
        load_settings(tmp_path / "nope.yaml")
