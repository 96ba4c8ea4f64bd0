"""Working days with China's 2024 National Day: Oct 1–7 off, Sun Sep 29 and
Sat Oct 12 are make-up working days (调休)."""

import numpy as np
import pandas as pd
import pytest

from diagnose.workdays import WorkCalendar, working_days


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar("CN", years=[2024])


def ts(values):
    return pd.Series(pd.to_datetime(values, format="mixed"))


def test_national_day_and_make_up_days(cal):
    days = pd.date_range("2024-09-28", "2024-10-13")
    got = cal.is_working_day(days)
    # Sat 28 off, Sun 29 ON, Mon 30 on, Oct 1-7 off, 8-11 on, Sat 12 ON, Sun 13 off
    expected = [False, True, True] + [False] * 7 + [True] * 4 + [True, False]
    assert got.tolist() == expected


def test_whole_days_across_the_holiday(cal):
    # Fri Sep 27 -> Wed Oct 9: Sep 27, Sep 29, Sep 30, Oct 8 = 4 working days
    got = cal.working_days_between(ts(["2024-09-27"]), ts(["2024-10-09"]))
    assert got.tolist() == [4.0]
    # Oct 8 -> Sat Oct 12 (make-up day, midnight) = Oct 8, 9, 10, 11 = 4;
    # through the end of Oct 12 = 5; to Oct 14 still 5 (Sunday 13 off)
    got = cal.working_days_between(
        ts(["2024-10-08"] * 3), ts(["2024-10-12", "2024-10-13", "2024-10-14"])
    )
    assert got.tolist() == [4.0, 5.0, 5.0]


def test_fractions_of_partial_days(cal):
    got = cal.working_days_between(
        ts(
            [
                "2024-09-30 12:00",
                "2024-10-14 09:00",
                "2024-10-11 12:00",
                "2024-10-05 08:00",
            ]
        ),
        ts(
            [
                "2024-10-08 12:00",
                "2024-10-14 21:00",
                "2024-10-14 12:00",
                "2024-10-06 20:00",
            ]
        ),
    )
    # half of Sep 30 + half of Oct 8; 12 h of one day; half Fri + Sat 12 + half Mon;
    # within the holiday: nothing
    np.testing.assert_allclose(got, [1.0, 0.5, 2.0, 0.0])


def test_nat_negative_and_convenience(cal):
    got = cal.working_days_between(
        ts(["2024-10-09", None]), ts(["2024-09-27", "2024-10-01"])
    )
    assert got[0] == -4.0 and np.isnan(got[1])
    assert working_days(
        ts(["2024-09-27"]), ts(["2024-10-09"]), calendar=cal
    ).tolist() == [4.0]
    assert (
        working_days(pd.Timestamp("2024-09-27"), pd.Timestamp("2024-10-09"))[0] == 4.0
    )


def test_add_working_days(cal):
    got = cal.add_working_days(ts(["2024-09-25", "2024-09-30", "2024-10-09", None]), 3)
    # Wed+3 -> end of Fri = Sat 00:00; Sep 30 + 3 = Sep 30, Oct 8, 9 -> Oct 10;
    # Oct 9 + 3 = 9, 10, 11 -> Oct 12 00:00 (Oct 12 is itself a working day)
    assert got.iloc[:3].tolist() == list(
        pd.to_datetime(["2024-09-28", "2024-10-10", "2024-10-12"])
    )
    assert pd.isna(got.iloc[3])
    back = cal.working_days_between(ts(["2024-09-25", "2024-09-30"]), got.iloc[:2])
    assert back.tolist() == [3.0, 3.0]
    assert cal.add_working_days(ts(["2024-10-03 10:00"]), 0).iloc[0] == pd.Timestamp(
        "2024-10-03 10:00"
    )


def test_grows_beyond_prepared_years(cal):
    # 2025 National Day: Oct 1-8 off, Sun Sep 28 and Sat Oct 11 on
    got = cal.is_working_day(pd.to_datetime(["2025-09-28", "2025-10-08", "2025-10-11"]))
    assert got.tolist() == [True, False, True]


def test_million_rows_bounds(cal, rng):
    # timing lives in benchmarks/; here: a million intervals stay within bounds
    start = pd.Series(
        pd.Timestamp("2023-01-01")
        + pd.to_timedelta(rng.uniform(0, 700, 10**6), unit="D")
    )
    end = start + pd.to_timedelta(rng.exponential(8, 10**6), unit="D")
    got = cal.working_days_between(start, end)
    assert (got >= 0).all() and (
        got <= (end - start).dt.total_seconds() / 86400 + 1e-9
    ).all()


def test_bad_country():
    with pytest.raises(ValueError, match="'country' parameter of WorkCalendar"):
        WorkCalendar("XX")


def test_add_working_days_is_exact_whatever_the_calendar_saw_before():
    # 2023-10-07 (Sat) and 10-08 (Sun) are make-up working days after National Day
    start = pd.Series(pd.to_datetime(["2023-09-28 14:37", "2023-10-07 09:13", None]))
    n = np.array([2.0, 1.5, 1.0])
    fresh = WorkCalendar("CN").add_working_days(start, n)
    grown = WorkCalendar("CN")
    grown.working_days_between(pd.Timestamp("1995-03-01"), pd.Timestamp("2031-01-01"))
    again = grown.add_working_days(start, n)
    # 09-28 (Thu) 14:37 + 2 working days: 9h23m left on 09-28, 09-29..10-06
    # are holidays, all of 10-07, then 14h37m of 10-08
    expected = pd.Series(pd.to_datetime(["2023-10-08 14:37", "2023-10-08 21:13", None]))
    pd.testing.assert_series_equal(fresh, expected)
    pd.testing.assert_series_equal(again, expected)


def test_fresh_calendar_with_only_missing_dates():
    # a calendar that has seen no date yet, given none (an empty table, or
    # only blank cells): NaN durations, not an error from the day table
    fresh = WorkCalendar("CN")
    nat = pd.Series(pd.to_datetime([None, None]))
    assert np.isnan(fresh.working_days_between(nat, nat)).all()
    assert fresh.working_days_between(nat.iloc[:0], nat.iloc[:0]).size == 0
    assert fresh.is_working_day(nat).tolist() == [False, False]
    # and it still works once real dates come
    assert fresh.working_days_between(
        pd.Timestamp("2024-10-08"), pd.Timestamp("2024-10-09")
    ) == pytest.approx(1.0)


def test_dates_beside_missing_ones_size_the_day_table():
    # a fresh calendar reads the range of its day table from the dates that
    # are there: 2024 National Day across a missing start and a missing end
    fresh = WorkCalendar("CN")
    start = ts([None, "2024-09-30 12:00", "2024-09-27 09:00"])
    end = ts(["2024-10-09", "2024-10-08 12:00", None])
    got = fresh.working_days_between(start, end)
    # Sep 30 noon -> Oct 8 noon: half of Sep 30, Oct 1-7 off, half of Oct 8
    assert np.isnan(got[0]) and got[1] == pytest.approx(1.0) and np.isnan(got[2])
    # the inputs are left as they were (the clock works on its own arrays)
    assert start.isna().tolist() == [True, False, False]
    assert end.isna().tolist() == [False, False, True]
    # one date against many (broadcast), NaT among them
    many = fresh.working_days_between(pd.Timestamp("2024-09-30"), end)
    # Sep 30 (1 day) + Oct 8 (1, or half to noon); Oct 1-7 are off
    assert many[:2].tolist() == [2.0, 1.5] and np.isnan(many[2])


def test_metrics_of_an_empty_table_with_a_fresh_calendar():
    from diagnose.metrics import cycle_time, flow_efficiency

    empty = pd.DataFrame(
        {
            "case_id": pd.Series([], dtype=object),
            "activity": pd.Series([], dtype=object),
            "start": pd.Series([], dtype="datetime64[ns]"),
            "end": pd.Series([], dtype="datetime64[ns]"),
        }
    )
    fe = flow_efficiency(empty, as_of="2025-01-01", calendar=WorkCalendar("CN"))
    assert fe["n"].tolist() == [0] and np.isnan(fe["flow_efficiency"].iloc[0])
    ct = cycle_time(empty, as_of="2025-01-01", calendar=WorkCalendar("US"))
    assert ct["n"].tolist() == [0] and np.isnan(ct["median"].iloc[0])
