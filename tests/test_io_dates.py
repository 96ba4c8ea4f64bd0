"""Every date form users write, with the Timestamp it must become."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from diagnose.exceptions import DataError, DataQualityWarning
from diagnose.io.dates import infer_year, is_blank, parse_date_range, parse_dates

T = pd.Timestamp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-07-01", T("2023-07-01")),
        ("2023-07-01 10:15", T("2023-07-01 10:15")),
        ("2023-07-01T10:15:00Z", T("2023-07-01 10:15")),
        # one offset in the column: its local wall time is kept
        ("2023-07-01T10:15:00+02:00", T("2023-07-01 10:15")),
        ("2011-10-11 13:42:22.688000+02:00", T("2011-10-11 13:42:22.688")),
        ("2023.07.01", T("2023-07-01")),
        ("2023/7/1", T("2023-07-01")),
        ("2014/10/22 11:15:41.000", T("2014-10-22 11:15:41")),
        ("2023年7月15日", T("2023-07-15")),
        ("２０２３－０７－０１", T("2023-07-01")),
        ("01/Jul/23 10:15 AM", T("2023-07-01 10:15")),
        ("45108", T("2023-07-01")),  # Excel serial (Excel: =DATE(2023,7,1) -> 45108)
        (45108.5, T("2023-07-01 12:00")),
        (T("2023-01-02 03:04"), T("2023-01-02 03:04")),
    ],
)
def test_date_forms(text, expected):
    assert parse_dates([text])[0] == expected


def test_month_day_takes_the_given_year():
    out = parse_dates(["7月15日", "9月1日"], year=2023)
    assert list(out) == [T("2023-07-15"), T("2023-09-01")]


def test_month_day_without_year_asks_for_year():
    with pytest.raises(DataError, match="pass year="):
        parse_dates(["7月15日"])


def test_unparseable_and_blank_values_are_nat():
    values = ["2024-13-05", "abc", "", None, " ", "2023-07-01 25:00"]
    out = parse_dates(values)
    assert out.isna().all()
    assert is_blank(values).tolist() == [False, False, True, True, True, False]


def test_errors_raise_names_the_value():
    with pytest.raises(DataError, match="'2024-13-05' is not a date"):
        parse_dates(["2023-07-01", "2024-13-05"], errors="raise")


def test_mixed_offsets_are_converted_to_utc_then_naive():
    out = parse_dates(["2011-10-11 13:00:00+02:00", "2011-12-06 13:00:00+01:00"])
    assert out.dtype == "datetime64[ns]"
    assert list(out) == [T("2011-10-11 11:00"), T("2011-12-06 12:00")]


def test_tz_parameter_converts_aware_values_only():
    out = parse_dates(["2023-07-01T00:00:00Z", "2023-07-01 09:00"], tz="Asia/Shanghai")
    assert list(out) == [T("2023-07-01 08:00"), T("2023-07-01 09:00")]


def test_dayfirst():
    assert parse_dates(["01/07/2023"], dayfirst=True)[0] == T("2023-07-01")
    assert parse_dates(["01/07/2023"])[0] == T("2023-01-07")


def test_datetime64_series_passes_through():
    s = pd.Series(pd.to_datetime(["2023-07-01 10:00"]).tz_localize("UTC"))
    assert parse_dates(s, tz="Asia/Shanghai")[0] == T("2023-07-01 18:00")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023.07.01-07.07", "2023-07-01", "2023-07-07"),
        ("2023.07.01-2023.07.07", "2023-07-01", "2023-07-07"),
        ("2023/7/1~7/7", "2023-07-01", "2023-07-07"),
        ("7月1日-7月7日", "2023-07-01", "2023-07-07"),
        ("2023-07-01 至 2023-07-07", "2023-07-01", "2023-07-07"),
        ("2023-07-01-2023-07-07", "2023-07-01", "2023-07-07"),
        ("2023.07.01-15", "2023-07-01", "2023-07-15"),
        ("2023.12.28-01.03", "2023-12-28", "2024-01-03"),
    ],
)
def test_ranges_in_one_cell(text, start, end):
    out = parse_date_range([text], year=2023)
    assert out.loc[0, "start"] == T(start)
    assert out.loc[0, "end"] == T(end)
    assert out.loc[0, "ok"]


def test_range_single_date_and_bad_cell():
    out = parse_date_range(["2023-07-01", "soon", None])
    assert out.loc[0, "start"] == T("2023-07-01") and pd.isna(out.loc[0, "end"])
    assert not out.loc[1, "ok"] and out.loc[2, "ok"]


def test_infer_year_is_the_most_common_full_year():
    assert (
        infer_year(pd.Series(["2023-01-01", "7月1日", "2023.5.5", "2022-1-1"])) == 2023
    )
    assert infer_year(pd.Series(["7月1日"])) is None


def test_many_repeated_values_parse_once(rng):
    days = pd.date_range("2020-01-01", periods=500, freq="h").strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    values = pd.Series(rng.choice(days, size=200_000))
    out = parse_dates(values)
    assert out.notna().all()
    assert out.iloc[0] == T(values.iloc[0].replace("T", " ").rstrip("Z"))


def test_short_offsets_after_a_time():
    # PostgreSQL writes "+00" / "+08": converted like "+00:00", and a plain
    # date is never mistaken for an offset ("-01" at its end)
    out = parse_dates(
        ["2023-07-01 10:15:00+00", "2023-07-01 10:15+08", "2023-07-01"],
        tz="Asia/Shanghai",
    )
    assert list(out) == [T("2023-07-01 18:15"), T("2023-07-01 10:15"), T("2023-07-01")]


# --- dates without a year: a year per row (QA finding 4) ---------------------


def _resolve(columns, *, year=None, placeholder=2023):
    from diagnose.io.dates import resolve_years

    cells = {c: pd.Series(v, dtype=object) for c, v in columns.items()}
    ts = {c: parse_dates(v, year=placeholder).to_numpy() for c, v in cells.items()}
    return resolve_years(ts, cells, year=year)


def test_yearless_dates_take_the_year_of_the_nearest_full_dates():
    from diagnose.exceptions import DataQualityWarning

    with pytest.warns(DataQualityWarning) as caught:
        out = _resolve(
            {
                "start": ["2023-12-20", "12月28日", "1月4日", "2024-01-11"],
                "end": ["2023-12-22", "1月3日", "1月10日", "2024-01-12"],
            }
        )
    # row 2: start near the 2023-12-22 of row 1, end rolls past new year;
    # row 3: no full date, its nearest row (row 4, 2024-01-11) gives 2024
    assert list(out["start"]) == [
        T("2023-12-20"),
        T("2023-12-28"),
        T("2024-01-04"),
        T("2024-01-11"),
    ]
    assert list(out["end"]) == [
        T("2023-12-22"),
        T("2024-01-03"),
        T("2024-01-10"),
        T("2024-01-12"),
    ]
    (message,) = [str(w.message) for w in caught]
    assert "4 date(s) had no year" in message
    assert "2023 for 1, 2024 for 3" in message and "year=" in message


def test_yearless_date_uses_the_full_date_of_its_own_row_first():
    # the row's own end (2024-01-09) beats the previous row's 2023-06-30,
    # which would give 2023-01-02 (179 days from it, 2024-01-02 is 186)
    with pytest.warns(UserWarning, match="2024 for 1"):
        out = _resolve(
            {"start": ["2023-06-01", "1月2日"], "end": ["2023-06-30", "2024-01-09"]}
        )
    assert out["start"][1] == T("2024-01-02")


def test_yearless_end_far_before_its_start_is_not_stretched_to_a_year():
    # 5月10日 -> 3月2日 is a typo, not a ten-month task: it stays before its
    # start (2023-03-02) so the loader lists it as ending before it starts
    with pytest.warns(UserWarning):
        out = _resolve({"start": ["2023-05-10"], "end": ["3月2日"]})
    assert out["end"][0] == T("2023-03-02")


def test_given_year_applies_and_only_a_wrapping_end_moves_on():
    with pytest.warns(UserWarning, match=r"1 end date\(s\).*read as 2024"):
        out = _resolve(
            {"start": ["12月28日", "6月1日"], "end": ["1月3日", "6月5日"]}, year=2023
        )
    assert list(out["start"]) == [T("2023-12-28"), T("2023-06-01")]
    assert list(out["end"]) == [T("2024-01-03"), T("2023-06-05")]
    # nothing moved: the user's year is used as given, no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = _resolve({"start": ["6月1日 09:30"], "end": ["6月5日"]}, year=2022)
    assert out["start"][0] == T("2022-06-01 09:30")
    assert out["end"][0] == T("2022-06-05")


def test_resolve_years_leaves_full_dates_alone():
    from diagnose.io.dates import resolve_years

    ts = {"start": parse_dates(["2023-01-01"]).to_numpy()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = resolve_years(ts, {"start": pd.Series(["2023-01-01"])})
    assert out["start"] is ts["start"]


# --- dd/mm or mm/dd decided per column (QA finding 11) -----------------------


def test_a_day_above_12_makes_the_column_day_first():
    from diagnose.exceptions import DataQualityWarning

    with pytest.warns(DataQualityWarning, match="dayfirst=False") as caught:
        out = parse_dates(["06/07/2024", "22/06/2024", "2024-06-01"])
    assert list(out) == [T("2024-07-06"), T("2024-06-22"), T("2024-06-01")]
    assert "'06/07/2024' = 6 July 2024" in str(caught[0].message)


def test_both_orders_in_one_column_keep_only_the_provable_dates():
    with pytest.warns(UserWarning, match="dayfirst=True") as caught:
        out = parse_dates(["06/07/2024", "22/06/2024", "06/23/2024"])
    assert out.isna().tolist() == [True, False, False]
    assert list(out[1:]) == [T("2024-06-22"), T("2024-06-23")]
    assert "1 date(s) such as '06/07/2024' could be either" in str(caught[0].message)


def test_month_first_stays_the_default_and_dayfirst_given_is_obeyed():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(parse_dates(["06/07/2024", "06/22/2024"])) == [
            T("2024-06-07"),
            T("2024-06-22"),
        ]
        out = parse_dates(["06/07/2024", "22/06/2024"], dayfirst=False)
    assert out[0] == T("2024-06-07") and pd.isna(out[1])


# --- offsets with no tz given (QA finding 7) ---------------------------------


def test_offset_and_naive_values_in_one_column_keep_their_wall_time():
    from diagnose.exceptions import DataQualityWarning

    values = [
        "2024-06-03 09:00",
        "2024-06-03T17:00:00+08:00",
        "2024年6月4日 08:00+0800",
    ]
    with pytest.warns(DataQualityWarning, match="mixes times with an offset"):
        out = parse_dates(values)
    assert list(out) == [
        T("2024-06-03 09:00"),
        T("2024-06-03 17:00"),
        T("2024-06-04 08:00"),
    ]


def test_one_offset_for_the_whole_column_keeps_wall_time_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = parse_dates(["2024-06-03T07:00:00+08:00", "2024-06-04T10:00:00+08:00"])
        aware = pd.Series(
            pd.to_datetime(["2024-06-03 07:00"]).tz_localize("Asia/Shanghai")
        )
        same_zone = parse_dates(aware)
    # 07:00 in +08:00 stays Monday 07:00, not Sunday 23:00 UTC
    assert list(out) == [T("2024-06-03 07:00"), T("2024-06-04 10:00")]
    assert same_zone[0] == T("2024-06-03 07:00")
    # tz given: converted as before (07:00+08:00 = 23:00 UTC the day before)
    assert parse_dates(["2024-06-03T07:00:00+08:00"], tz="UTC")[0] == T(
        "2024-06-02 23:00"
    )


# --- why a date is unreadable (QA finding 15) ---------------------------------


def test_bad_dates_say_what_is_wrong():
    from diagnose.io.dates import DATE_FIX, explain_bad_dates

    values = ["2024-02-30", "soon", "2023年2月29日", "2024-13-01", "06/07/2024", "x"]
    groups = explain_bad_dates(values)
    found = {i: (p, f) for mask, p, f in groups for i in mask.nonzero()[0]}
    assert len(found) == len(values)
    no_day = "is not a date (no such day: February {} has {} days)"
    assert found[0][0] == no_day.format(2024, 29)
    assert found[2][0] == no_day.format(2023, 28)
    assert "does not exist" in found[0][1] and "YYYY-MM-DD" not in found[0][1]
    assert found[1] == found[3] == found[5] == ("is not a date", DATE_FIX)
    assert "dayfirst=True" in found[4][1]
    assert [m.sum() for m, _, _ in groups] == [1, 3, 1, 1]


# QA finding 15: Chinese and AM/PM times, 号, zone abbreviations -----------------


def test_chinese_and_half_day_times_are_read():
    values = [
        "2024年6月1号",
        "2024-06-01 下午3:00",
        "2024-06-01 上午9:30",
        "2024-06-01 8:00 AM",
        "2024-06-01 8:00 PM",
        "2024-06-01 12:00 AM",
        "2024-06-01 12:30 PM",
        "2024年06月01日14时30分",
        "2024年6月1日下午3点",
        "2024-06-01 15:00 AM",  # no such time: not read
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no zone warning for AM/PM
        got = parse_dates(pd.Series(values))
    assert [str(v) for v in got] == [
        "2024-06-01 00:00:00",
        "2024-06-01 15:00:00",
        "2024-06-01 09:30:00",
        "2024-06-01 08:00:00",
        "2024-06-01 20:00:00",
        "2024-06-01 00:00:00",
        "2024-06-01 12:30:00",
        "2024-06-01 14:30:00",
        "2024-06-01 15:00:00",
        "NaT",
    ]


def test_zone_abbreviation_keeps_wall_time_and_warns_once():
    values = pd.Series(["2024-06-01 08:00 CST", "2024-06-02 09:15 CST"])
    with pytest.warns(DataQualityWarning) as caught:
        got = parse_dates(values)
    assert got.tolist() == [
        pd.Timestamp("2024-06-01 08:00"),
        pd.Timestamp("2024-06-02 09:15"),
    ]
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert "abbreviation (CST)" in messages[0] and "kept as written" in messages[0]


def test_midnight_at_night_ends_the_day():
    # 晚上12点 is the midnight that ends the day (the next day 00:00), like a
    # date-only end; 12:00 AM and 凌晨12点 are the midnight that starts it
    values = [
        "2024年6月1日晚上12点",
        "2024-06-01 晚上12:00",
        "2024-06-01 24:00",
        "2024-06-01 12:00 AM",
        "2024年6月1日凌晨12点",
        "2024年6月1日晚上11点",
        "2024-06-01 晚上12:30",  # not a time: not read
        "2024-06-01 24:30",  # not a time: not read
    ]
    got = parse_dates(pd.Series(values))
    assert [str(v) for v in got] == [
        "2024-06-02 00:00:00",
        "2024-06-02 00:00:00",
        "2024-06-02 00:00:00",
        "2024-06-01 00:00:00",
        "2024-06-01 00:00:00",
        "2024-06-01 23:00:00",
        "NaT",
        "NaT",
    ]
    assert parse_dates(pd.Series(["6月30日晚上12点"]), year=2024).tolist() == [
        pd.Timestamp("2024-07-01")
    ]


def test_resolve_years_takes_the_loader_factorisation():
    from diagnose.io.dates import resolve_years

    cells = pd.Series(["12月28日", "1月3日", None, "1月3日"])
    ts = {
        "start": np.array(
            ["2023-12-28", "2023-12-30", "NaT", "2023-12-30"], dtype="datetime64[ns]"
        ),
        "end": np.array(
            ["NaT", "2023-01-03", "NaT", "2023-01-03"], dtype="datetime64[ns]"
        ),
    }
    codes, uniq = pd.factorize(cells, sort=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        by_series = resolve_years(ts, {"end": cells}, year=2023)
        by_codes = resolve_years(ts, {"end": (codes, uniq)}, year=2023)
    assert by_codes["end"].tolist() == by_series["end"].tolist()
    assert str(by_codes["end"][1]) == "2024-01-03T00:00:00.000000000"
    assert [str(w.message) for w in caught][0] == str(caught[1].message)


def test_loader_with_year_and_full_dates_looks_for_no_yearless_cell(
    tmp_path, monkeypatch
):
    import diagnose.io.dates as dates_mod
    from diagnose.io import load_activities

    calls = []
    real = dates_mod._yearless_cells
    monkeypatch.setattr(
        dates_mod, "_yearless_cells", lambda col: calls.append(1) or real(col)
    )
    path = tmp_path / "a.csv"
    path.write_text(
        "case,activity,start,end\nA,x,2024-06-01,2024-06-02\n", encoding="utf-8"
    )
    result = load_activities(path, year=2024)
    assert calls == []  # ISO text: no column rebuilt or factorized again
    assert result.data["end"].tolist() == [pd.Timestamp("2024-06-03")]
    path.write_text("case,activity,start,end\nA,x,6月1日,6月2日\n", encoding="utf-8")
    result = load_activities(path, year=2024)
    assert len(calls) == 2
    assert result.data["end"].tolist() == [pd.Timestamp("2024-06-03")]


def test_bad_tz_is_refused_before_reading(tmp_path):
    """A zone name that does not exist is a clear ValueError naming 'tz',
    whether or not the file has offset timestamps (pytz's
    UnknownTimeZoneError surfaced only when one had)."""
    from diagnose.io import load_activities
    from diagnose.io.dates import is_time_zone

    assert is_time_zone("Asia/Shanghai") and is_time_zone(" UTC ")
    assert not is_time_zone("Mars/Olympus") and not is_time_zone(8)
    path = tmp_path / "t.csv"
    path.write_text(
        "case_id,activity,start,end\nC1,A,2024-06-03T09:00:00+08:00,"
        "2024-06-03T17:00:00+02:00\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="The 'tz' parameter of load_activities"):
        load_activities(path, tz="Mars/Olympus")
    got = load_activities(path, tz="Asia/Shanghai").data
    assert got["end"].iloc[0] == pd.Timestamp("2024-06-03 23:00")
