"""Numbers and shared phrases of the trend messages (docs/clinical-rules.md, "Wording").

A displayed percentage never contradicts the comparison it is part of: the threshold is
shown rounded up, a change below a bound rounded down, a change that meets it rounded up,
and whole percents only where they keep the order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.catalogue.markers import Marker
from tracker.catalogue.units import format_number, format_value
from tracker.trend.conditions import LoggedCondition
from tracker.trend.rules import MarkerRules
from tracker.trend.types import ReadingPoint

CLOSING = "Discuss with your oncologist."

# Floating-point slack when rounding a percentage towards or away from a bound.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class MarkerWording:
    """What every message of one marker's series needs besides the readings."""

    rules: MarkerRules
    benign_causes: list[str]
    flare_window_days: int

    @property
    def name(self) -> str:
        return self.rules.marker.name

    @property
    def unit(self) -> str:
        return self.rules.marker.unit


# Month names written out: strftime("%b") follows the process locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(month: int) -> str:
    """Three-letter English month name (1 = Jan), the same bytes on every machine."""
    return _MONTHS[month - 1]


def day_text(day: date) -> str:
    """``3 Aug 2023``: unambiguous in every country, unlike 03/08/2023."""
    return f"{day.day} {month_name(day.month)} {day.year}"


def pct_up(pct: float) -> float:
    """Rounded up to 0.1 (how a threshold is shown)."""
    return math.ceil(pct * 10 - _ROUNDING_SLACK) / 10


def pct_down(pct: float) -> float:
    """Rounded down to 0.1 (how a change below a bound is shown)."""
    return math.floor(pct * 10 + _ROUNDING_SLACK) / 10


def shown_change_pct(change: float, bound: float, *, meets: bool) -> float:
    """A change as displayed beside ``bound`` (shown rounded up) without contradicting it.

    A whole percent where that keeps the order, else 0.1 rounded towards the truth: down
    for a change below the bound, up for one that meets it.
    """
    shown_bound = pct_up(bound)
    whole = float(round(change))
    if meets:
        return whole if whole >= shown_bound else pct_up(change)
    return whole if whole < shown_bound else pct_down(change)


def pct_text(pct: float) -> str:
    return f"{format_number(pct)}%"


def amount_text(value: float, unit: str) -> str:
    # Differences of typed decimals carry binary noise (0.19999999999999998).
    return f"{format_number(round(value, 9))} {unit}"


def measured_text(value: float, qualifier: str | None, unit: str) -> str:
    """``6.3 ng/mL``, ``<0.5 ng/mL``."""
    return f"{format_value(qualifier, value)} {unit}"


def value_text(reading: ReadingPoint, unit: str) -> str:
    return measured_text(reading.value, reading.qualifier, unit)


def dated_text(reading: ReadingPoint, unit: str) -> str:
    return f"{value_text(reading, unit)} on {day_text(reading.drawn_on)}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def capitalised(sentence: str) -> str:
    """The sentence with its first letter in upper case (also a name the user logged)."""
    return sentence[:1].upper() + sentence[1:]


def threshold_text(rules: MarkerRules) -> str:
    """This tracker's threshold, rounded up to 0.1 % (e.g. ``27.9%``)."""
    return pct_text(pct_up(rules.threshold_pct))


def usual_variation_text(rules: MarkerRules) -> str | None:
    """The marker's usual test-to-test variation (RCV up), e.g. ``20.4%``; None if unknown."""
    if rules.rcv_up_pct is None:
        return None
    return pct_text(round(rules.rcv_up_pct, 1))


# -- shared sentences ------------------------------------------------------------------


def variation_sentence(wording: MarkerWording) -> str:
    """The usual variation and this tracker's threshold, named apart."""
    rules = wording.rules
    floor = amount_text(rules.floor, wording.unit)
    flags = (
        f"this tracker flags a rise of {threshold_text(rules)} or more that is also at "
        f"least {floor}"
    )
    usual = usual_variation_text(rules)
    if usual is None:
        return (
            f"No figure is settled for how much two {wording.name} tests of the same person "
            f"usually differ; {flags}."
        )
    return (
        f"Two {wording.name} tests of the same person usually differ by up to about "
        f"{usual}; {flags}."
    )


def causes_sentences(wording: MarkerWording, logged: Sequence[LoggedCondition]) -> list[str]:
    return causes_block(wording.rules.marker, [item.name for item in logged])


def causes_block(marker: Marker, logged_names: Sequence[str]) -> list[str]:
    """The causes sentences of a full text (``headlines.flag_body`` takes them off again).

    The same words as the brief form: fluid in the chest or abdomen and heart failure can
    themselves come from the cancer, so they are named apart from the benign causes
    (docs/clinical-rules.md, "Matching logged conditions").
    """
    sentences = [marker.causes_in_words()]
    # "can" agrees with any name: "ovarian cysts is logged" took its verb's number from
    # words the user chose.
    sentences.extend(
        capitalised(f"{logged}, logged for this person, can raise {marker.name}.")
        for logged in logged_names
    )
    return sentences


def limit_phrase(reading: ReadingPoint, limit: float, unit: str) -> str:
    owner = "the usual upper limit" if reading.ref_high is None else "this lab's upper limit"
    return f"{owner} ({amount_text(limit, unit)})"
