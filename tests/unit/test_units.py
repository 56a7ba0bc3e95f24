"""The number, unit and date parser (``tracker.catalogue.units``) on its own: exact results."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.catalogue.markers import MARKERS
from tracker.catalogue.units import (
    ParsedValue,
    format_number,
    format_value,
    measurement,
    parse_date,
    parse_value,
    shown_value,
)
from tracker.errors import ValidationError

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.2", ParsedValue(None, 4.2, None)),
        ("  4.2 ", ParsedValue(None, 4.2, None)),
        ("<0.5", ParsedValue("<", 0.5, None)),
        ("≤ 0.5", ParsedValue("<", 0.5, None)),
        (">=1000", ParsedValue(">", 1000.0, None)),
        ("4,2", ParsedValue(None, 4.2, None)),  # a decimal comma
        ("0,500", ParsedValue(None, 0.5, None)),
        ("1,234.5 U/mL", ParsedValue(None, 1234.5, "U/mL")),
        ("1.234,5", ParsedValue(None, 1234.5, None)),
        ("1,234,567", ParsedValue(None, 1234567.0, None)),
        ("1 234.5", ParsedValue(None, 1234.5, None)),
        ("1e-05", ParsedValue(None, 1e-05, None)),
        ("\u22121", ParsedValue(None, -1.0, None)),  # a typographic minus is still a minus
        ("3.1ng/mL", ParsedValue(None, 3.1, "ng/mL")),
    ],
)
def test_parse_value(text: str, expected: ParsedValue) -> None:
    assert parse_value(text) == expected


def test_a_decimal_comma_file_reads_dots_as_thousands() -> None:
    assert parse_value("1.234,5", decimal_comma=True) == ParsedValue(None, 1234.5, None)
    assert parse_value("4,2", decimal_comma=True) == ParsedValue(None, 4.2, None)


@pytest.mark.parametrize("text", ["", "abc", "4.2.1", "1,23.4", "<", "1.234,5,6"])
def test_not_a_number(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_value(text)
    assert raised.value.message == (f"value {text!r} is not a number (examples: 4.2, <0.5, >1000)")


def test_a_comma_that_could_mean_either_is_refused_with_both_readings() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_value("2,500")
    assert raised.value.message == (
        "value '2,500' is ambiguous: write 2500 if the comma groups thousands, "
        "or 2.5 if it is a decimal comma"
    )


def test_measurement_converts_to_the_canonical_unit_and_keeps_what_was_typed() -> None:
    cea = MARKERS["CEA"]
    result = measurement(cea, " <0.5 ", "µg/L")
    assert (result.qualifier, result.value, result.unit) == ("<", 0.5, "ng/mL")
    assert (result.entered_value, result.entered_unit) == ("<0.5", "µg/L")
    assert measurement(cea, "3.1").entered_unit is None


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        ("-1", None, "value '-1' is negative; CEA cannot be below 0"),
        ("nan", None, "value 'nan' is not a number (examples: 4.2, <0.5, >1000)"),
        (
            "3.1 ng/mL",
            "U/mL",
            "value '3.1 ng/mL' carries the unit 'ng/mL' but the unit given is 'U/mL'",
        ),
    ],
)
def test_measurement_refuses(value: str, unit: str | None, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        measurement(MARKERS["CEA"], value, unit)
    assert raised.value.message == message


def test_a_unit_of_another_marker_is_refused_naming_the_accepted_ones() -> None:
    with pytest.raises(ValidationError) as raised:
        measurement(MARKERS["CA15-3"], "28", "ng/mL")
    assert raised.value.message.startswith("CA 15-3 is measured in U/mL")
    assert raised.value.message.endswith("; got 'ng/mL'")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-01-05", date(2026, 1, 5)), (" Today ", TODAY), ("yesterday", date(2026, 2, 28))],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-1-5", "date '2026-1-5' is not a date; use YYYY-MM-DD, 'today' or 'yesterday'"),
        ("2026-02-30", "date '2026-02-30' is not a date; use YYYY-MM-DD, 'today' or 'yesterday'"),
        ("2026-03-02", "date '2026-03-02' is in the future (today is 2026-03-01)"),
        ("1899-12-31", "date '1899-12-31' is before 1900"),
    ],
)
def test_parse_date_refuses(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_date(text, today=TODAY)
    assert raised.value.message == message


@pytest.mark.parametrize(
    ("value", "text"),
    [(4.2, "4.2"), (30.0, "30"), (0.35, "0.35"), (1e-05, "0.00001"), (123456.7, "123457")],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_format_value() -> None:
    assert format_value("<", 0.5) == "<0.5"
    assert format_value(None, 41.0) == "41"


@pytest.mark.parametrize(
    ("qualifier", "value", "entered", "shown"),
    [
        (None, 4.0, "4.0", "4.0"),
        (None, 21.0, "21,0", "21.0"),  # a decimal comma, shown with the point
        ("<", 0.5, "<0,50", "<0.50"),
        (None, 1500.0, "1,500", "1500"),  # a thousands comma is not a decimal one
        (None, 2.4, "2,4 µg/L", "2.4"),
    ],
)
def test_values_are_shown_as_entered(
    qualifier: str | None, value: float, entered: str, shown: str
) -> None:
    assert shown_value(qualifier, value, entered) == shown
