"""The words of every trend flag: calm, factual, never a diagnosis.

docs/clinical-rules.md ("Wording"): each message names the two readings compared and the change in %
and in units, says how that compares with normal variation, lists the benign causes, and
ends with "Discuss with your oncologist." The tracker reports numbers; the oncologist
interprets them (Imaginis; ASCO 2007), so no message names a disease state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tracker.catalogue.units import format_number, format_value
from tracker.trend.rules import (
    LoggedCondition,
    MarkerRules,
    TreatmentStart,
    change_pct,
    is_above,
)
from tracker.trend.types import (
    CONFIRMED,
    NOT_CONFIRMED,
    POSSIBLE_FLARE,
    STEADY_RISE,
    ReadingPoint,
)

CLOSING = "Discuss with your oncologist."
UNCONFIRMED_ADVICE = "A single higher result is often rechecked before anything is concluded."
WITHIN_VARIATION = "within the usual variation between tests"

# What a rise-type flag is compared with (its ``compared_to``).
BASIS_PREVIOUS = "previous"
BASIS_FLAGGED = "flagged"
BASIS_RUN_START = "run_start"
BASIS_NADIR = "nadir"


@dataclass(frozen=True)
class MarkerWording:
    """What every message of one marker's series needs besides the readings."""

    rules: MarkerRules
    benign_causes: list[str]
    logged: list[LoggedCondition]
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
    flare_start: TreatmentStart | None = None
    line_start: TreatmentStart | None = None
    run_increases: int = 0
    next_reading: ReadingPoint | None = None


def _amount(value: float, unit: str) -> str:
    # Differences of typed decimals carry binary noise (0.19999999999999998).
    return f"{format_number(round(value, 9))} {unit}"


def _value(reading: ReadingPoint, unit: str) -> str:
    return f"{format_value(reading.qualifier, reading.value)} {unit}"


def _dated(reading: ReadingPoint, unit: str) -> str:
    return f"{_value(reading, unit)} on {reading.drawn_on.isoformat()}"


def _percent(pct: float) -> str:
    shown = round(abs(pct)) if abs(pct) >= 10 else round(abs(pct), 1)
    return f"{format_number(shown)}%"


def _threshold(wording: MarkerWording) -> str:
    return f"{format_number(round(wording.rules.threshold_pct, 1))}%"


def _usual_variation(wording: MarkerWording) -> str | None:
    """The marker's RCV up as people read it; the threshold itself when that is the RCV."""
    rcv = wording.rules.rcv_up_pct
    if rcv is None:
        return None
    if rcv >= wording.rules.threshold_pct:
        return _threshold(wording)
    return f"{format_number(round(rcv))}%"


def _limit_phrase(reading: ReadingPoint, limit: float, unit: str) -> str:
    owner = "the usual upper limit" if reading.ref_high is None else "this lab's upper limit"
    return f"{owner} ({_amount(limit, unit)})"


def _variation_sentence(wording: MarkerWording) -> str:
    """How big a change is noise (docs/clinical-rules.md, RCV section; Van Dalen 1996 for 25 %)."""
    usual = _usual_variation(wording)
    if usual is None:
        return (
            f"No figure is settled for how much two {wording.name} tests of the same person "
            f"usually differ; a rise of {_threshold(wording)} or more is treated as worth a "
            f"closer look."
        )
    return (
        f"Two {wording.name} tests of the same person usually differ by up to about {usual}; "
        f"a rise of {_threshold(wording)} or more is worth a closer look."
    )


def _causes_sentences(wording: MarkerWording) -> list[str]:
    sentences = [
        f"Conditions that can also raise {wording.name}: {', '.join(wording.benign_causes)}."
    ]
    sentences.extend(
        f"{logged.name} is logged for this person; {logged.cause_label} can raise {wording.name}."
        for logged in wording.logged
    )
    return sentences


def _rise_above(new: ReadingPoint, base: ReadingPoint, unit: str) -> str:
    """'58% above' or, when a qualifier makes the change a lower bound, 'at least 58% above'."""
    at_least = "at least " if base.qualifier == "<" or new.qualifier == ">" else ""
    pct = change_pct(new, base)
    if pct is None:
        return "above"
    return f"{at_least}{_percent(pct)} above"


def _basis_phrase(facts: RiseFacts) -> str:
    if facts.basis == BASIS_PREVIOUS:
        return "the previous result"
    if facts.basis == BASIS_FLAGGED:
        return "the result flagged before"
    if facts.basis == BASIS_RUN_START:
        return f"the result before {facts.run_increases} rises in a row"
    if facts.line_start is None:
        return "the lowest earlier result"
    start = facts.line_start
    return f"the lowest result since {start.describe()} started on {start.started_on.isoformat()}"


def _first_sentence(facts: RiseFacts, wording: MarkerWording, limit: float) -> str:
    unit = wording.unit
    new, base = facts.reading, facts.compared
    at_least = "at least " if base.qualifier == "<" or new.qualifier == ">" else ""
    text = (
        f"{wording.name} is {_dated(new, unit)}, {_rise_above(new, base, unit)} "
        f"{_basis_phrase(facts)} ({_dated(base, unit)}), an increase of "
        f"{at_least}{_amount(new.value - base.value, unit)}"
    )
    if is_above(new, limit):
        return f"{text}, and above {_limit_phrase(new, limit, unit)}."
    return f"{text}, and not above {_limit_phrase(new, limit, unit)}."


def _flare_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    """Marker flares after a new treatment (Yasasever 1997; Kim 2009; ASCO 2007)."""
    start = facts.flare_start
    if start is None:
        return []
    days = (facts.reading.drawn_on - start.started_on).days
    started = start.started_on.isoformat()
    if days == 0:
        when = f"on the day {start.describe()} started ({started})"
    else:
        plural = "day" if days == 1 else "days"
        when = f"{days} {plural} after {start.describe()} started on {started}"
    window = wording.flare_window_days
    recheck_from = (start.started_on + timedelta(days=window + 1)).isoformat()
    return [
        f"This result was drawn {when}.",
        "Marker levels can rise for a few weeks after a new treatment starts and then come "
        f"down again (a flare), so a rise within {window} days of a treatment start is not "
        "read on its own.",
        f"A recheck after that window, from {recheck_from}, gives a clearer picture.",
    ]


def _status_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    unit = wording.unit
    after = facts.next_reading
    if after is not None and facts.status in (CONFIRMED, NOT_CONFIRMED):
        base = _value(facts.compared, unit)
        if facts.status == CONFIRMED:
            return [
                f"The next result ({_dated(after, unit)}) was also "
                f"{_rise_above(after, facts.compared, unit)} {base}, so the higher level was "
                "seen again on a repeat test."
            ]
        return [
            f"The next result ({_dated(after, unit)}) was not that far above {base}, so the "
            "higher level was not seen again on the repeat test."
        ]
    if facts.kind == POSSIBLE_FLARE:
        return [UNCONFIRMED_ADVICE]
    return [UNCONFIRMED_ADVICE, "Ask whether a repeat test is needed."]


def rise_message(facts: RiseFacts, wording: MarkerWording, limit: float) -> str:
    """The message of a rise-type flag (rise, steady_rise, rise_from_nadir, possible_flare)."""
    sentences = [_first_sentence(facts, wording, limit), _variation_sentence(wording)]
    if facts.kind == STEADY_RISE:
        sentences.append(
            "No single step was that large on its own, but together the small rises add up "
            "to more than the usual variation between tests."
        )
    sentences.extend(_flare_sentences(facts, wording))
    sentences.extend(_status_sentences(facts, wording))
    sentences.extend(_causes_sentences(wording))
    sentences.append(CLOSING)
    return " ".join(sentences)


def _change_assessment(
    reading: ReadingPoint, previous: ReadingPoint, wording: MarkerWording
) -> str:
    """How a change compares with normal variation, for a flag that is not a rise."""
    unit = wording.unit
    diff = _amount(reading.value - previous.value, unit)
    pct = change_pct(reading, previous)
    if pct is None:
        return f"That is an increase of {diff} from the previous result."
    if pct < 0:
        decrease = _amount(previous.value - reading.value, unit)
        return (
            f"That is {_percent(pct)} below the previous result (a decrease of {decrease}); "
            "the upper limits of the two results differ."
        )
    if pct == 0:
        return "That is the same value as the previous result; their upper limits differ."
    change = f"That is {_percent(pct)} above the previous result, an increase of {diff}"
    rules = wording.rules
    usual = _usual_variation(wording)
    if rules.is_rise(reading, previous):
        if usual is None:
            return (
                f"{change}: at or above the {_threshold(wording)} treated as worth a closer look."
            )
        return f"{change}: more than the usual variation between tests (up to about {usual})."
    if rules.rcv_up_pct is not None and pct < rules.rcv_up_pct:
        return f"{change}: {WITHIN_VARIATION} (up to about {usual} for {wording.name})."
    if pct < rules.threshold_pct:
        return f"{change}: below the {_threshold(wording)} treated as worth a closer look."
    return (
        f"{change}: in absolute terms that is less than the {_amount(rules.floor, unit)} "
        f"the tracker treats as a measurable change of {wording.name}."
    )


def above_reference_message(
    reading: ReadingPoint,
    previous: ReadingPoint | None,
    limit: float,
    lab: str | None,
    wording: MarkerWording,
    *,
    beside_rise: bool = False,
) -> str:
    """The message of an ``above_reference`` flag (status info).

    Beside a rise flag on the same result it stays short: the change, its comparison
    with normal variation and the benign causes are already in the rise flag, and a
    person should not have to read them twice.
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
        sentences.extend(_causes_sentences(wording))
    sentences.append(CLOSING)
    return " ".join(sentences)


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
