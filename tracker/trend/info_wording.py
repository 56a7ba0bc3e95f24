"""The words of the information flags: above_reference, check_entry and lab_changed.

docs/clinical-rules.md ("Other flags", "Draws", "Series and lab groups", "Wording").
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.trend.conditions import LoggedCondition
from tracker.trend.phrases import (
    CLOSING,
    MarkerWording,
    amount_text,
    causes_sentences,
    dated_text,
    day_text,
    limit_phrase,
    pct_text,
    shown_change_pct,
    threshold_text,
    usual_variation_text,
    value_text,
)
from tracker.trend.rules import change_pct
from tracker.trend.types import ReadingPoint


def _change_assessment(
    reading: ReadingPoint, previous: ReadingPoint, wording: MarkerWording
) -> str:
    """How a change compares with normal variation, for a flag that is not a rise."""
    unit = wording.unit
    rules = wording.rules
    diff = amount_text(reading.value - previous.value, unit)
    if previous.qualifier == "<":
        return (
            f"That is a change from below {amount_text(previous.value, unit)} to "
            f"{value_text(reading, unit)}, a rise of at least {diff}."
        )
    if previous.qualifier == ">":
        # docs/clinical-rules.md: a rise over a ">x" result cannot be measured, so no
        # percentage is given and none is compared with the threshold.
        return "How far this result is above the previous one cannot be measured."
    pct = change_pct(reading, previous)
    if pct is None:
        return f"That is an increase of {diff} from the previous result."
    if pct < 0:
        decrease = amount_text(previous.value - reading.value, unit)
        return (
            f"That is {pct_text(round(-pct, 1))} below the previous result (a decrease of "
            f"{decrease}); the upper limits of the two results differ."
        )
    if pct == 0:
        return "That is the same value as the previous result; their upper limits differ."
    meets = rules.is_rise(reading, previous)
    shown = pct_text(shown_change_pct(pct, rules.threshold_pct, meets=pct >= rules.threshold_pct))
    change = f"That is {shown} above the previous result, an increase of {diff}"
    if meets:
        return f"{change}: at or above the {threshold_text(rules)} this tracker flags."
    usual = usual_variation_text(rules)
    if rules.rcv_up_pct is not None and pct < rules.rcv_up_pct:
        shown = pct_text(shown_change_pct(pct, rules.rcv_up_pct, meets=False))
        return (
            f"That is {shown} above the previous result, an increase of {diff}: within the "
            f"usual variation between tests (up to about {usual} for {wording.name})."
        )
    if pct < rules.threshold_pct:
        return f"{change}: below the {threshold_text(rules)} this tracker flags."
    return (
        f"{change}: in absolute terms that is less than the {amount_text(rules.floor, unit)} "
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
        f"{wording.name} is {dated_text(reading, unit)}, above "
        f"{limit_phrase(reading, limit, unit)}."
    ]
    if previous is None:
        source = f"from {lab}" if lab is not None else "with no lab recorded"
        sentences.append(f"This is the first {wording.name} result {source}.")
    else:
        if previous.qualifier == ">":
            sentences.append(
                f"The previous result ({dated_text(previous, unit)}) was reported only as "
                f"above {amount_text(previous.value, unit)}."
            )
        else:
            sentences.append(
                f"The previous result ({dated_text(previous, unit)}) was not above it."
            )
        if not beside_rise:
            sentences.append(_change_assessment(reading, previous, wording))
    sentences.append(
        "Upper limits differ between labs, and results above them also have benign causes."
    )
    if beside_rise:
        sentences.append("The rise flagged on the same result says how large the change is.")
    else:
        sentences.extend(causes_sentences(wording, logged))
    sentences.append(CLOSING)
    return " ".join(sentences)


def check_entry_message(high: ReadingPoint, low: ReadingPoint, wording: MarkerWording) -> str:
    """The message of a ``check_entry`` flag: two results of one draw disagree."""
    unit = wording.unit
    spread = wording.rules.replicate_spread_pct
    return (
        f"Two {wording.name} results of the same day ({value_text(low, unit)} and "
        f"{value_text(high, unit)} on {day_text(high.drawn_on)}) differ more than tests usually "
        f"do (up to about {pct_text(round(spread, 1))}); check the entry. "
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
        f"This {name} result ({dated_text(reading, unit)}) {_lab_state(lab)}; the previous {name} "
        f"result ({dated_text(previous, unit)}) {_lab_state(previous_lab)}.",
        "Results from different labs or methods are not interchangeable, so these two are "
        "not compared.",
    ]
    if earlier_same_lab is not None:
        group = f"from {lab}" if lab is not None else "with no lab recorded"
        sentences.append(
            f"It is compared only with earlier results {group} "
            f"(most recently {dated_text(earlier_same_lab, unit)})."
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
