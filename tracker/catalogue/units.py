"""Parsing what people type: values (with ``<``/``>``), units and dates.

Values arrive from keyboards, spreadsheets and lab portals, so the parser accepts what
those really produce (decimal commas, thousand separators, a unicode minus, non-breaking
spaces, a unit typed inside the value cell) and refuses everything else with a message
that says what was expected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from tracker import clock
from tracker.catalogue.markers import MARKERS, VALUE_CEILING, Marker, did_you_mean
from tracker.catalogue.typed_text import normalise_spaces, shorten
from tracker.errors import ValidationError

EARLIEST_DATE = date(1900, 1, 1)
# The longest value text stored as typed (the ``entered_value`` column); checked here
# so SQLite and PostgreSQL refuse it alike, before the database sees it.
VALUE_MAX_CHARS = 64
# A design choice, not a clinical figure: values are shown with at most six decimals
# (format_number), so a positive value below this would be stored as one number and
# shown as 0. Real marker results are many orders of magnitude larger.
SMALLEST_POSITIVE_VALUE = 0.000001

_MINUS_SIGNS = "\u2212\u2012\u2013\u2014\ufe63\uff0d"
_QUALIFIERS = {"<": "<", ">": ">", "≤": "<", "≥": ">", "<=": "<", ">=": ">"}
_NUMBER = re.compile(
    r"""^(?P<qual><=|>=|<|>|≤|≥)?\s*
        (?P<num>[-+]?(\d[\d.,' ]*|[.,]\d+)([eE][-+]?\d+)?)
        \s*(?P<unit>[^\d\s].*)?$""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class ParsedValue:
    """A value as typed, split into qualifier, number and (optional) unit."""

    qualifier: str | None
    number: float
    unit: str | None


class AmbiguousNumber(ValueError):
    """A number whose one comma could group thousands or mark decimals."""


# Spaces and apostrophes are read only as thousands separators: groups of three digits
# (1 234, 12'345.6), all with the same separator. "1 2 3" is not a number.
_GROUPED = re.compile(r"[-+]?\d{1,3}(?P<sep>[ '])\d{3}(?:(?P=sep)\d{3})*(?:[.,]\d*)?")


def _to_float(digits: str, decimal_comma: bool) -> float:
    if (" " in digits or "'" in digits) and not _GROUPED.fullmatch(digits):
        raise ValueError(digits)
    digits = digits.replace(" ", "").replace("'", "")
    if decimal_comma:
        # 1.234,5 -> 1234.5: dots group thousands, the comma is the decimal mark.
        digits = digits.replace(".", "").replace(",", ".")
    elif "," in digits and "." in digits:
        # Both marks: the last one is the decimal mark, the other groups thousands
        # (1,234.5 from an English sheet, 1.234,5 from a German one); anything else is a typo.
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+\.\d*", digits):
            digits = digits.replace(",", "")
        elif re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+,\d*", digits):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            raise ValueError(digits)
    elif "," in digits:
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3}){2,}", digits):
            # 1,234,567: only thousands can be grouped twice.
            digits = digits.replace(",", "")
        elif re.fullmatch(r"[-+]?[1-9]\d{0,2},\d{3}", digits):
            # 2,500 is 2500 in an English sheet and 2.5 in a German one: guessing could
            # store a value 1000 times off, so the person is asked to write it plainly.
            raise AmbiguousNumber(digits)
        else:
            # 4,2 or 0,500 from a keyboard with a decimal comma.
            digits = digits.replace(",", ".")
    return float(digits)


def parse_value(text: str, *, decimal_comma: bool = False) -> ParsedValue:
    """Split ``'<0.5'``, ``'4,2'``, ``'1,234.5 U/mL'`` into qualifier, number and unit."""
    cleaned = normalise_spaces(str(text))
    if len(cleaned) > VALUE_MAX_CHARS:
        raise ValidationError(
            f"value {shorten(cleaned)!r} is {len(cleaned):,} characters long; a value can be "
            f"at most {VALUE_MAX_CHARS} characters (examples: 4.2, <0.5, >1000)"
        )
    for minus in _MINUS_SIGNS:
        cleaned = cleaned.replace(minus, "-")
    match = _NUMBER.match(cleaned)
    if not cleaned or match is None:
        raise ValidationError(f"value {text!r} is not a number (examples: 4.2, <0.5, >1000)")
    try:
        # strip: the pattern's digits may end with the space before a unit ("4.2 ng/mL").
        number = _to_float(match.group("num").strip(), decimal_comma)
    except AmbiguousNumber as number_text:
        whole, _, part = str(number_text).partition(",")
        raise ValidationError(
            f"value {text!r} is ambiguous: write {whole}{part} if the comma groups thousands, "
            f"or {whole}.{part.rstrip('0') or '0'} if it is a decimal comma"
        ) from None
    except ValueError:
        raise ValidationError(
            f"value {text!r} is not a number (examples: 4.2, <0.5, >1000)"
        ) from None
    qualifier = _QUALIFIERS[match.group("qual")] if match.group("qual") else None
    unit = match.group("unit")
    return ParsedValue(qualifier, number, unit.strip() if unit else None)


def check_value(marker: Marker, number: float, original: str) -> None:
    """Refuse values that cannot be a lab result."""
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(f"value {original!r} is not a finite number")
    if number < 0:
        raise ValidationError(f"value {original!r} is negative; {marker.name} cannot be below 0")
    if 0 < number < SMALLEST_POSITIVE_VALUE:
        raise ValidationError(
            f"value {original!r} is above 0 but below {format_number(SMALLEST_POSITIVE_VALUE)} "
            f"{marker.unit}, the smallest the tracker records and shows; check for a typing "
            "error (write 0 for zero)"
        )
    if number > VALUE_CEILING:
        raise ValidationError(
            f"value {original!r} is larger than {VALUE_CEILING:,.0f} {marker.unit}, "
            f"the most the tracker accepts for {marker.name}; check for a typing error"
        )


# How other systems write the catalogue's units (keys as _unit_key leaves them). UCUM
# (FHIR valueQuantity.code, HL7 OBX-6) writes the antigen units as international or
# arbitrary units, `[IU]/mL`, `k[IU]/L`, `[arb'U]/mL`; lab systems display them as
# `IU/mL`, `units/mL`. For these markers they are the same unit as `U/mL`, 1:1
# (docs/clinical-rules.md, "Units other systems write"), so each is read as the
# catalogue spelling it stands for, and the marker still decides whether it fits
# (CEA refuses `[IU]/mL`).
_OTHER_SPELLINGS = {
    "[iu]/ml": "u/ml",
    "iu/ml": "u/ml",
    "[arb'u]/ml": "u/ml",
    "units/ml": "u/ml",
    "unit/ml": "u/ml",
    "k[iu]/l": "ku/l",
    "kiu/l": "ku/l",
    "k[arb'u]/l": "ku/l",
    "ku/l": "ku/l",
    "ng/ml": "ng/ml",
    "ug/l": "ug/l",
    "mcg/l": "mcg/l",
}


def _unit_key(unit: str) -> str:
    key = normalise_spaces(unit).replace(" ", "").lower()
    # The micro sign and the Greek mu are both typed for "micro".
    key = key.replace("µ", "u").replace("μ", "u")
    return _OTHER_SPELLINGS.get(key, key)


def unit_factor(marker: Marker, unit: str | None) -> float:
    """Factor converting ``unit`` to the marker's canonical unit (None = canonical)."""
    if unit is None or not unit.strip():
        return 1.0
    factor = marker.unit_factors.get(_unit_key(unit))
    if factor is None:
        # The catalogue's own spellings: the refusal stays short (README "Markers, units and
        # values" lists the other systems' spellings that are accepted too).
        accepted = ", ".join(marker.unit_names)
        spellings = {key: key for key in marker.unit_factors}
        names: dict[str, str] = {}
        for name in marker.unit_names:  # the first spelling listed is the usual one
            names.setdefault(_unit_key(name), name)
        key = _unit_key(unit)
        # A unit of another marker (ng/mL for CA 15-3) is no typo: suggesting U/mL would
        # invite a wrong conversion.
        other_marker_unit = any(key in other.unit_factors for other in MARKERS.values())
        hint = (
            ""
            if other_marker_unit
            else did_you_mean(key, spellings, {k: names.get(k, k) for k in spellings})
        )
        raise ValidationError(f"{marker.name} is measured in {accepted}; got {unit!r}{hint}")
    return factor


def is_unit_of(marker: Marker, unit: str) -> bool:
    """True when ``unit`` is one the marker is measured in (any accepted spelling)."""
    return _unit_key(unit) in marker.unit_factors


@dataclass(frozen=True)
class Measurement:
    """A validated value in the marker's canonical unit, with what was typed."""

    qualifier: str | None
    value: float
    unit: str
    entered_value: str
    entered_unit: str | None


def measurement(
    marker: Marker, value_text: str, unit_text: str | None = None, *, decimal_comma: bool = False
) -> Measurement:
    """Parse and validate a value (and unit) for ``marker``, converting to its canonical unit."""
    parsed = parse_value(value_text, decimal_comma=decimal_comma)
    if parsed.unit and unit_text and _unit_key(parsed.unit) != _unit_key(unit_text):
        raise ValidationError(
            f"value {value_text!r} carries the unit {parsed.unit!r} but the unit given is "
            f"{unit_text!r}"
        )
    unit = unit_text if unit_text and unit_text.strip() else parsed.unit
    factor = unit_factor(marker, unit)
    check_value(marker, parsed.number, value_text)
    value = parsed.number * factor
    check_value(marker, value, value_text)
    return Measurement(
        qualifier=parsed.qualifier,
        value=value,
        unit=marker.unit,
        entered_value=normalise_spaces(str(value_text)),
        entered_unit=normalise_spaces(unit) if unit else None,
    )


def parse_date(text: str, *, today: date | None = None, what: str = "date") -> date:
    """ISO ``YYYY-MM-DD`` (or ``today``/``yesterday``), not in the future, not before 1900."""
    today = today or clock.today()
    cleaned = normalise_spaces(str(text)).lower()
    if cleaned == "today":
        return today
    if cleaned == "yesterday":
        return today - timedelta(days=1)
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", cleaned):
            raise ValueError
        parsed = date.fromisoformat(cleaned)
    except ValueError:
        raise ValidationError(
            f"{what} {text!r} is not a date; use YYYY-MM-DD, 'today' or 'yesterday'"
        ) from None
    if parsed > today:
        raise ValidationError(f"{what} {text!r} is in the future (today is {today.isoformat()})")
    if parsed < EARLIEST_DATE:
        raise ValidationError(f"{what} {text!r} is before 1900")
    return parsed


def format_number(value: float) -> str:
    """A value as people write it: ``4.2``, ``30``, ``0.35`` (no exponent, no trailing zeros)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6g}"
    if "e" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text


def format_value(qualifier: str | None, value: float) -> str:
    """A value with its qualifier: ``<0.5``, ``41``."""
    return f"{qualifier or ''}{format_number(value)}"


_PLAIN_ENTERED = re.compile(r"\s*([<>]?)\s*(\d+(?:[.,]\d+)?)\s*[^\d.,]*")


def shown_value(qualifier: str | None, value: float, entered_value: str | None) -> str:
    """A value as the person entered it (``4.0`` stays ``4.0``; a decimal comma, ``21,0``,
    is shown with the point, ``21.0``), when the stored number is that entry unconverted;
    otherwise as :func:`format_value` writes it. A thousands comma (``1,500`` stored as
    1500) is not that entry read with a point, so it is shown as the number."""
    match = _PLAIN_ENTERED.fullmatch(entered_value or "")
    if match is not None and (match.group(1) or None) == qualifier:
        digits = match.group(2).replace(",", ".")
        if float(digits) == value:
            return f"{qualifier or ''}{digits}"
    return format_value(qualifier, value)
