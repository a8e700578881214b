import datetime as dt

import pytest

from orchestration.extract.parsing import parse_bool, parse_month, parse_number

TODAY = dt.date(2025, 9, 15)


def test_numbers_with_thousands_separators_parse():
    assert parse_number("1,234,567.5") == 1234567.5
    assert parse_number(" 42 ") == 42.0


@pytest.mark.parametrize(
    ("text", "message"),
    [("abc", "not a number"), ("", "is empty"), ("-5", "negative"), ("nan", "not a finite")],
)
def test_bad_numbers_are_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text)


def test_months_parse_in_both_layouts_to_the_first_day():
    assert parse_month("202505", TODAY) == dt.date(2025, 5, 1)
    assert parse_month("2025-05", TODAY) == dt.date(2025, 5, 1)
    assert parse_month("2025-09", TODAY) == dt.date(2025, 9, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("202513", "outside 01-12"),
        ("202510", "in the future"),
        ("198912", "before 1990"),
        ("May 2025", "not a month"),
    ],
)
def test_impossible_months_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_month(text, TODAY)


def test_booleans_accept_only_clear_values():
    assert parse_bool("TRUE") is True
    assert parse_bool("false") is False
    with pytest.raises(ValueError):
        parse_bool("maybe")
