"""Unit tests of the value parser (tracker/catalogue/units.py): what is a number and what is not."""

from __future__ import annotations

import pytest

from tracker.catalogue.markers import MARKERS
from tracker.catalogue.typed_text import clean_label, display_text
from tracker.catalogue.units import (
    SMALLEST_POSITIVE_VALUE,
    VALUE_MAX_CHARS,
    measurement,
    parse_value,
)
from tracker.errors import ValidationError

CEA = MARKERS["CEA"]


@pytest.mark.parametrize(
    "text, number",
    [
        ("4.2", 4.2),
        ("1 234", 1234.0),
        ("12 345.5", 12345.5),
        ("1 234 567", 1234567.0),
        ("1\u00a0234", 1234.0),  # a non-breaking space, as spreadsheets write it
        ("1\u202f234,5", 1234.5),  # a narrow one, with a decimal comma
        ("1'234", 1234.0),
        ("12'345.6", 12345.6),
        ("4.2 ng/mL", 4.2),
        ("0", 0.0),
        ("0.000001", 0.000001),
    ],
)
def test_numbers_people_write(text: str, number: float) -> None:
    assert parse_value(text).number == number


@pytest.mark.parametrize(
    "text",
    ["1 2 3", "12 3", "1 23", "1 2345", "1 234 5", "1'2'3", "1 234'567", "4. 2", "1.5 5"],
)
def test_inner_spaces_that_do_not_group_thousands_are_not_numbers(text: str) -> None:
    with pytest.raises(ValidationError, match=r"is not a number \(examples: 4.2, <0.5, >1000\)"):
        parse_value(text)


def test_a_value_longer_than_the_stored_text_is_refused_before_parsing() -> None:
    long_number = "3." + "0" * (VALUE_MAX_CHARS - 2) + "1"  # 65 characters, a valid number
    assert len(long_number) == VALUE_MAX_CHARS + 1
    with pytest.raises(ValidationError, match=r"is 65 characters long; a value can be at most 64"):
        parse_value(long_number)
    assert parse_value(long_number[:VALUE_MAX_CHARS]).number == 3.0


@pytest.mark.parametrize("text", ["1e-320", "5e-324", "0.0000009", "<1e-7"])
def test_positive_values_too_small_to_show_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match=r"is above 0 but below 0\.000001 ng/mL"):
        measurement(CEA, text)


@pytest.mark.parametrize("text", ["0", "0.0", "-0", str(SMALLEST_POSITIVE_VALUE), "<0.5"])
def test_zero_and_small_real_values_are_kept(text: str) -> None:
    assert measurement(CEA, text).value == abs(float(text.lstrip("<")))


@pytest.mark.parametrize(
    "text, code_point",
    [
        ("An\u200bn", "U+200B ZERO WIDTH SPACE"),
        ("\u202eabc", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("Ann\u00ad", "U+00AD SOFT HYPHEN"),
        ("\ufeffAnn", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("Bea\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ],
)
def test_labels_refuse_format_characters(text: str, code_point: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_label(text, "a patient name")
    assert refused.value.message == (
        f"a patient name cannot contain invisible formatting characters (found {code_point}); "
        "type it again without them"
    )


def test_labels_are_nfc() -> None:
    decomposed = "Rene\u0301e  Lab "
    assert clean_label(decomposed, "a lab name") == "Ren\u00e9e Lab"


def test_notes_show_format_characters_by_code_point() -> None:
    assert display_text("ok\u202eevil\u200b") == "ok<U+202E>evil<U+200B>"
    assert display_text("Cafe\u0301") == "Caf\u00e9"
    assert display_text("plain") == "plain"
