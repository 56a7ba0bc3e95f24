"""The words of every trend flag: calm, factual, never a diagnosis.

docs/clinical-rules.md ("Wording"): each message names the two readings compared (the
real comparison, and what it is), the change in % and in units, keeps the usual
variation, this tracker's threshold and the change apart, and ends with "Discuss with
your oncologist." A displayed percentage never contradicts the comparison it is part of.
The tracker reports numbers; the oncologist interprets them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from tracker.conditions import LoggedCondition
from tracker.trend_lines import TreatmentChange
from tracker.trend_rules import MarkerRules, change_pct, is_above
from tracker.trend_types import (
    CONFIRMED,
    FURTHER_RISE,
    NOT_CONFIRMED,
    POSSIBLE_FLARE,
    RISE_AFTER_FLARE_WINDOW,
    STEADY_RISE,
    ReadingPoint,
)
from tracker.units import format_number, format_value

CLOSING = "Discuss with your oncologist."
UNCONFIRMED_ADVICE = (
    "A single higher result is often rechecked before anything is concluded; ask whether "
    "a repeat test is needed."
)

# What a rise-type flag is compared with (its ``compared_to``).
BASIS_PREVIOUS = "previous"
BASIS_FLAGGED = "flagged"
BASIS_LOWEST_SINCE_FLAGGED = "lowest_since_flagged"
BASIS_RUN_START = "run_start"
BASIS_NADIR = "nadir"
BASIS_BASELINE = "baseline"

# Why an unconfirmed flag will not be decided by a later draw of its group.
NOT_RECHECKED_LAB = "lab"
NOT_RECHECKED_TREATMENT = "treatment"

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


@dataclass(slots=True)
class RiseFacts:
    """A rise-type flag while its series is read; status and next reading fill in later."""

    kind: str
    status: str
    reading: ReadingPoint
    compared: ReadingPoint
    basis: str
    change: TreatmentChange | None = None  # the treatment line the draw falls under
    run_increases: int = 0
    flagged: ReadingPoint | None = None  # the episode's flag before this one
    next_reading: ReadingPoint | None = None
    not_rechecked: str | None = None
    # The lab group named beside "the previous result" when the marker has several groups
    # (a result of another lab may have come between), e.g. "from City Lab".
    group_phrase: str | None = None
    # A further step in an episode whose earlier flag the next result already agreed with.
    follows_confirmed: bool = False


# -- numbers ---------------------------------------------------------------------------


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


def _pct_text(pct: float) -> str:
    return f"{format_number(pct)}%"


def _amount(value: float, unit: str) -> str:
    # Differences of typed decimals carry binary noise (0.19999999999999998).
    return f"{format_number(round(value, 9))} {unit}"


def _value(reading: ReadingPoint, unit: str) -> str:
    return f"{format_value(reading.qualifier, reading.value)} {unit}"


def _dated(reading: ReadingPoint, unit: str) -> str:
    return f"{_value(reading, unit)} on {reading.drawn_on.isoformat()}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def capitalised(sentence: str) -> str:
    """The sentence with its first letter in upper case (also a name the user logged)."""
    return sentence[:1].upper() + sentence[1:]


def threshold_text(rules: MarkerRules) -> str:
    """This tracker's threshold, rounded up to 0.1 % (e.g. ``27.9%``)."""
    return _pct_text(pct_up(rules.threshold_pct))


def usual_variation_text(rules: MarkerRules) -> str | None:
    """The marker's usual test-to-test variation (RCV up), e.g. ``20.4%``; None if unknown."""
    if rules.rcv_up_pct is None:
        return None
    return _pct_text(round(rules.rcv_up_pct, 1))


# -- shared sentences ------------------------------------------------------------------


def _variation_sentence(wording: MarkerWording) -> str:
    """The usual variation and this tracker's threshold, named apart."""
    rules = wording.rules
    floor = _amount(rules.floor, wording.unit)
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


def _causes_sentences(wording: MarkerWording, logged: Sequence[LoggedCondition]) -> list[str]:
    sentences = [
        f"Conditions that can also raise {wording.name}: {', '.join(wording.benign_causes)}."
    ]
    sentences.extend(
        capitalised(f"{item.name} is logged for this person; it can raise {wording.name}.")
        for item in logged
    )
    return sentences


def _limit_phrase(reading: ReadingPoint, limit: float, unit: str) -> str:
    owner = "the usual upper limit" if reading.ref_high is None else "this lab's upper limit"
    return f"{owner} ({_amount(limit, unit)})"


# -- rise-type flags -------------------------------------------------------------------


def _basis_phrase(facts: RiseFacts) -> str:
    """What the compared reading is, in words."""
    change = facts.change
    if facts.basis == BASIS_PREVIOUS:
        if facts.group_phrase is not None:
            return f"the previous result {facts.group_phrase}"
        return "the previous result"
    if facts.basis == BASIS_FLAGGED:
        return "the flagged result"
    if facts.basis == BASIS_LOWEST_SINCE_FLAGGED:
        return "the lowest result since the flagged one"
    if facts.basis == BASIS_RUN_START:
        return f"the first result of {_plural(facts.run_increases, 'rise')} in a row"
    if facts.basis == BASIS_BASELINE and change is not None:
        return f"the level before {change.describe()} started"
    if change is None:
        return "the lowest recorded"
    return f"the lowest since {change.describe()} began on {change.first_start.isoformat()}"


def _within_range(reading: ReadingPoint, limit: float, unit: str) -> str:
    owner = "the usual upper limit" if reading.ref_high is None else "this lab's upper limit"
    return (
        f"{_value(reading, unit)} is still within the usual range (at or below {owner} of "
        f"{_amount(limit, unit)})"
    )


def _headline(facts: RiseFacts, wording: MarkerWording, limit: float) -> str:
    """The two readings, what the earlier one is, and the change in % and units."""
    unit = wording.unit
    new, base = facts.reading, facts.compared
    basis = _basis_phrase(facts)
    above = is_above(new, limit)
    if base.qualifier == "<":
        # From below the measurable range: only a change in units can be stated.
        text = (
            f"{wording.name} went from below {_amount(base.value, unit)} ({basis}, on "
            f"{base.drawn_on.isoformat()}) to {_dated(new, unit)}, a rise of at least "
            f"{_amount(new.value - base.value, unit)}"
        )
    else:
        pct = change_pct(new, base)
        at_least = "at least " if new.qualifier == ">" else ""
        if pct is None:
            change = "above"
        else:
            shown = shown_change_pct(pct, wording.rules.threshold_pct, meets=True)
            change = f"{at_least}{_pct_text(shown)} above"
        text = (
            f"{wording.name} is {_dated(new, unit)}, {change} {basis} ({_dated(base, unit)}), "
            f"an increase of {at_least}{_amount(new.value - base.value, unit)}"
        )
    if above:
        return f"{text}, and above {_limit_phrase(new, limit, unit)}."
    return f"{text}; {_within_range(new, limit, unit)}."


def _kind_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    unit = wording.unit
    if facts.kind == STEADY_RISE:
        return [
            f"No single step was that large, but {_plural(facts.run_increases, 'rise')} in "
            "a row add up to it."
        ]
    if facts.kind == FURTHER_RISE and facts.flagged is not None:
        return [
            f"This is a further step up after the rise flagged on "
            f"{facts.flagged.drawn_on.isoformat()} ({_value(facts.flagged, unit)})."
        ]
    if facts.kind == RISE_AFTER_FLARE_WINDOW and facts.change is not None:
        change = facts.change
        return [
            f"It was drawn after the window in which a short flare is expected once "
            f"{change.describe()} started ({change.first_start.isoformat()}), and the level is "
            "still above where it was before the treatment started."
        ]
    if facts.kind == POSSIBLE_FLARE:
        return _flare_sentences(facts, wording)
    return []


def _flare_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    """Marker flares after a new treatment (Yasasever 1997; Kim 2009; ASCO 2007)."""
    change = facts.change
    if change is None:
        return []
    days = (facts.reading.drawn_on - change.first_start).days
    window_days = (change.flare_window_end - change.first_start).days
    recheck_from = (change.flare_window_end + timedelta(days=1)).isoformat()
    later = "".join(
        f" ({name} followed on {started.isoformat()})" for name, started in change.later_starts()
    )
    return [
        f"This result was drawn {_plural(days, 'day')} after {change.describe_first()} started "
        f"on {change.first_start.isoformat()}{later}.",
        "Marker levels can rise for a few weeks after a new treatment starts and then come "
        f"down again (a flare), so a rise within {window_days} days of the start is not read "
        "on its own; such a rise says nothing either way about whether the treatment works.",
        f"A recheck after that window, from {recheck_from}, gives a clearer picture.",
    ]


def _also_above(after: ReadingPoint, base: ReadingPoint, wording: MarkerWording) -> str:
    """How far a confirming result is above the compared one (it meets the threshold)."""
    if base.qualifier == "<":
        return f"at least {_amount(after.value - base.value, wording.unit)} above"
    pct = change_pct(after, base)
    if pct is None:
        return "above"
    at_least = "at least " if after.qualifier == ">" else ""
    shown = shown_change_pct(pct, wording.rules.threshold_pct, meets=True)
    return f"{at_least}{_pct_text(shown)} above"


def _status_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    unit = wording.unit
    after = facts.next_reading
    base = facts.compared
    if after is not None and facts.status == CONFIRMED:
        if facts.kind == POSSIBLE_FLARE:
            return [
                f"The first result after the flare window ({_dated(after, unit)}) was still "
                "up by the tracker's threshold or more on the level before the treatment "
                "started, so the higher level lasted beyond the window."
            ]
        return [
            f"The next result ({_dated(after, unit)}) was also "
            f"{_also_above(after, base, wording)} {_value(base, unit)}, so the next result "
            "agreed: this is not a one-off."
        ]
    if after is not None and facts.status == NOT_CONFIRMED:
        if facts.kind == POSSIBLE_FLARE:
            return [
                f"The first result after the flare window ({_dated(after, unit)}) had come "
                "back down, as happens after a flare."
            ]
        if after.qualifier != "<" and after.value > base.value:
            return [
                f"The next result ({_dated(after, unit)}) was not that far above "
                f"{_value(base, unit)}, so the higher level was not seen again on the "
                "repeat test."
            ]
        return [
            f"The next result ({_dated(after, unit)}) fell back to {_value(base, unit)} or "
            "below, so the higher level was not seen again on the repeat test."
        ]
    if facts.not_rechecked == NOT_RECHECKED_LAB:
        return [
            "It was not rechecked at this lab: the later results came from another lab, and "
            "results of different labs are not compared."
        ]
    if facts.not_rechecked == NOT_RECHECKED_TREATMENT:
        return ["It was not rechecked before the treatment changed."]
    if facts.kind == POSSIBLE_FLARE:
        return []
    if facts.follows_confirmed:
        return [
            "The rise before this step was already seen again on a repeat test; the next "
            "result will show whether this further step holds. Ask when the next test is due."
        ]
    return [UNCONFIRMED_ADVICE]


def rise_message(
    facts: RiseFacts,
    wording: MarkerWording,
    limit: float,
    logged: Sequence[LoggedCondition] = (),
) -> str:
    """The full message of a rise-type flag."""
    sentences = [_headline(facts, wording, limit), _variation_sentence(wording)]
    sentences.extend(_kind_sentences(facts, wording))
    sentences.extend(_status_sentences(facts, wording))
    sentences.extend(_causes_sentences(wording, logged))
    sentences.append(CLOSING)
    return " ".join(sentences)


# -- info flags ------------------------------------------------------------------------


def _change_assessment(
    reading: ReadingPoint, previous: ReadingPoint, wording: MarkerWording
) -> str:
    """How a change compares with normal variation, for a flag that is not a rise."""
    unit = wording.unit
    rules = wording.rules
    diff = _amount(reading.value - previous.value, unit)
    if previous.qualifier == "<":
        return (
            f"That is a change from below {_amount(previous.value, unit)} to "
            f"{_value(reading, unit)}, a rise of at least {diff}."
        )
    pct = change_pct(reading, previous)
    if pct is None:
        return f"That is an increase of {diff} from the previous result."
    if pct < 0:
        decrease = _amount(previous.value - reading.value, unit)
        return (
            f"That is {_pct_text(round(-pct, 1))} below the previous result (a decrease of "
            f"{decrease}); the upper limits of the two results differ."
        )
    if pct == 0:
        return "That is the same value as the previous result; their upper limits differ."
    meets = rules.is_rise(reading, previous)
    shown = _pct_text(shown_change_pct(pct, rules.threshold_pct, meets=pct >= rules.threshold_pct))
    change = f"That is {shown} above the previous result, an increase of {diff}"
    if meets:
        return f"{change}: at or above the {threshold_text(rules)} this tracker flags."
    usual = usual_variation_text(rules)
    if rules.rcv_up_pct is not None and pct < rules.rcv_up_pct:
        shown = _pct_text(shown_change_pct(pct, rules.rcv_up_pct, meets=False))
        return (
            f"That is {shown} above the previous result, an increase of {diff}: within the "
            f"usual variation between tests (up to about {usual} for {wording.name})."
        )
    if pct < rules.threshold_pct:
        return f"{change}: below the {threshold_text(rules)} this tracker flags."
    return (
        f"{change}: in absolute terms that is less than the {_amount(rules.floor, unit)} "
        f"this tracker needs to call a change of {wording.name} measurable."
    )


def above_reference_message(
    reading: ReadingPoint,
    previous: ReadingPoint | None,
    limit: float,
    lab: str | None,
    wording: MarkerWording,
    logged: Sequence[LoggedCondition] = (),
    *,
    beside_rise: bool = False,
) -> str:
    """The message of an ``above_reference`` flag (status info).

    Beside a rise flag on the same result it stays short: the change, its comparison
    with normal variation and the benign causes are already in the rise flag.
    """
    unit = wording.unit
    sentences = [
        f"{wording.name} is {_dated(reading, unit)}, above {_limit_phrase(reading, limit, unit)}."
    ]
    if previous is None:
        source = f"from {lab}" if lab is not None else "with no lab recorded"
        sentences.append(f"This is the first {wording.name} result {source}.")
    else:
        sentences.append(f"The previous result ({_dated(previous, unit)}) was not above it.")
        if not beside_rise:
            sentences.append(_change_assessment(reading, previous, wording))
    sentences.append(
        "Upper limits differ between labs, and results above them also have benign causes."
    )
    if beside_rise:
        sentences.append("The rise flagged on the same result says how large the change is.")
    else:
        sentences.extend(_causes_sentences(wording, logged))
    sentences.append(CLOSING)
    return " ".join(sentences)


def check_entry_message(high: ReadingPoint, low: ReadingPoint, wording: MarkerWording) -> str:
    """The message of a ``check_entry`` flag: two results of one draw disagree."""
    unit = wording.unit
    spread = wording.rules.replicate_spread_pct
    return (
        f"Two {wording.name} results of the same day ({_value(low, unit)} and "
        f"{_value(high, unit)} on {high.drawn_on.isoformat()}) differ more than tests usually "
        f"do (up to about {_pct_text(round(spread, 1))}); check the entry. "
        "Results of one day are never compared with each other; when this day is compared "
        "with other days, the result that makes a change look smaller is used. "
        f"{CLOSING}"
    )


def _lab_state(lab: str | None) -> str:
    return f"is from {lab}" if lab is not None else "has no lab recorded"


def lab_changed_message(
    reading: ReadingPoint,
    previous: ReadingPoint,
    lab: str | None,
    previous_lab: str | None,
    earlier_same_lab: ReadingPoint | None,
    wording: MarkerWording,
) -> str:
    """The message of a ``lab_changed`` flag: the two results are not compared."""
    unit = wording.unit
    name = wording.name
    sentences = [
        f"This {name} result ({_dated(reading, unit)}) {_lab_state(lab)}; the previous {name} "
        f"result ({_dated(previous, unit)}) {_lab_state(previous_lab)}.",
        "Results from different labs or methods are not interchangeable, so these two are "
        "not compared.",
    ]
    if earlier_same_lab is not None:
        group = f"from {lab}" if lab is not None else "with no lab recorded"
        sentences.append(
            f"It is compared only with earlier results {group} "
            f"(most recently {_dated(earlier_same_lab, unit)})."
        )
    else:
        where = f"from {lab}" if lab is not None else "from the same lab"
        sentences.append(
            f"Two results {where} are needed as a new baseline before a change can be read."
        )
    if previous_lab is None and lab is not None:
        sentences.append(
            f"If the earlier result came from {lab} too, record that with "
            f'`tracker edit {previous.id} --lab "{lab}"` and the two will be compared.'
        )
    elif lab is None and previous_lab is not None:
        sentences.append(
            f"If this result came from {previous_lab} too, record that with "
            f'`tracker edit {reading.id} --lab "{previous_lab}"` and the two will be compared.'
        )
    sentences.append(CLOSING)
    return " ".join(sentences)
