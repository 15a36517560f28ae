"""The one date parser and the month arithmetic (``archive/dates.py``)."""

import datetime

import pytest

from archive import dates
from search import api

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022-02", D(2022, 2, 1), D(2022, 2, 28)),
        ("2024-2", D(2024, 2, 1), D(2024, 2, 29)),
        ("2022-02-07", D(2022, 2, 7), D(2022, 2, 7)),
        (" 2022-12 ", D(2022, 12, 1), D(2022, 12, 31)),
        ("1999-1-9", D(1999, 1, 9), D(1999, 1, 9)),
    ],
)
def test_parse_date_reads_a_year_a_month_or_a_day(text, start, end):
    assert dates.parse_date(text) == start
    assert dates.parse_date(text, end=True) == end


@pytest.mark.parametrize(
    "text, start, last",
    [
        ("2022", D(2022, 1, 1), D(2022, 12, 31)),
        ("2022-02", D(2022, 2, 1), D(2022, 2, 28)),
        ("2024-2", D(2024, 2, 1), D(2024, 2, 29)),
        ("2022-02-07", D(2022, 2, 7), D(2022, 2, 7)),
        (" 2021-11 ", D(2021, 11, 1), D(2021, 11, 30)),
        ("2022-13", "ValueError", "ValueError"),
        ("2022-02-30", "ValueError", "ValueError"),
        ("", "ValueError", "ValueError"),
        ("y", "ValueError", "ValueError"),
    ],
)
def test_parse_date_reads_years_months_and_days(text, start, last):
    def answer(end):
        try:
            return dates.parse_date(text, end=end)
        except ValueError:
            return "ValueError"

    assert (answer(False), answer(True)) == (start, last)


def test_search_filters_use_the_same_parser():
    assert api.parse_date is dates.parse_date


def test_parse_month_takes_only_a_two_digit_month():
    assert dates.parse_month("2022-02") == D(2022, 2, 1)
    for text in ("2022-2", "2022", "2022-02-01", " 2022-02", "2022-13", "2022-00"):
        with pytest.raises(ValueError):
            dates.parse_month(text)


def test_month_arithmetic():
    assert dates.month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert dates.month_end(D(2023, 12, 1)) == D(2023, 12, 31)
    assert dates.add_months(D(2022, 11, 15), 1) == D(2022, 12, 1)
    assert dates.add_months(D(2022, 11, 15), 2) == D(2023, 1, 1)
    assert dates.add_months(D(2022, 1, 31), -1) == D(2021, 12, 1)
    assert dates.add_months(D(2022, 1, 31), 0) == D(2022, 1, 1)
    assert dates.months_spanned(D(2022, 3, 9), D(2022, 3, 1)) == 1
    assert dates.months_spanned(D(2021, 11, 1), D(2022, 2, 1)) == 4
