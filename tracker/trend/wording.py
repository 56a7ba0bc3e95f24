"""The words of every rise-type flag: calm, factual, never a diagnosis.

docs/clinical-rules.md ("Wording"): each message names the two readings compared (the
real comparison, and what it is), the change in % and in units, keeps the usual
variation, this tracker's threshold and the change apart, follows the status with its
advice, and ends with "Discuss with your oncologist." The tracker reports numbers; the
oncologist interprets them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

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
    plural,
    shown_change_pct,
    threshold_text,
    value_text,
    variation_sentence,
)
from tracker.trend.rules import change_pct, is_above
from tracker.trend.treatment_lines import TreatmentChange
from tracker.trend.types import (
    CONFIRMED,
    FURTHER_RISE,
    NOT_CONFIRMED,
    NOT_RECHECKED_AT_THIS_LAB,
    NOT_RECHECKED_BEFORE_TREATMENT_CHANGE,
    POSSIBLE_FLARE,
    RISE_AFTER_FLARE_WINDOW,
    STEADY_RISE,
    ReadingPoint,
)

__all__ = ["MarkerWording", "RiseFacts", "rise_message"]

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
NOT_RECHECKED_LAB = NOT_RECHECKED_AT_THIS_LAB
NOT_RECHECKED_TREATMENT = NOT_RECHECKED_BEFORE_TREATMENT_CHANGE


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
    # A possible flare decided by a later draw than the first after the window (results
    # in between were still coming down from the window's high).
    settled_late: bool = False
    # The marker's previous draw came from another lab (the comparison is still in-group).
    previous_draw_elsewhere: bool = False


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
        return f"the first result of {plural(facts.run_increases, 'rise')} in a row"
    if facts.basis == BASIS_BASELINE and change is not None:
        return f"the level before {change.describe()} started"
    if change is None:
        return "the lowest recorded"
    return f"the lowest since {change.describe()} began on {day_text(change.first_start)}"


def _within_range(reading: ReadingPoint, limit: float, unit: str) -> str:
    owner = "the usual upper limit" if reading.ref_high is None else "this lab's upper limit"
    return (
        f"{value_text(reading, unit)} is still within the usual range (at or below {owner} of "
        f"{amount_text(limit, unit)})"
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
            f"{wording.name} went from below {amount_text(base.value, unit)} ({basis}, on "
            f"{day_text(base.drawn_on)}) to {dated_text(new, unit)}, a rise of at least "
            f"{amount_text(new.value - base.value, unit)}"
        )
    else:
        pct = change_pct(new, base)
        at_least = "at least " if new.qualifier == ">" else ""
        if pct is None:
            change = "above"
        else:
            shown = shown_change_pct(pct, wording.rules.threshold_pct, meets=True)
            change = f"{at_least}{pct_text(shown)} above"
        text = (
            f"{wording.name} is {dated_text(new, unit)}, {change} {basis} "
            f"({dated_text(base, unit)}), an increase of "
            f"{at_least}{amount_text(new.value - base.value, unit)}"
        )
    if above:
        return f"{text}, and above {limit_phrase(new, limit, unit)}."
    return f"{text}; {_within_range(new, limit, unit)}."


def _kind_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    unit = wording.unit
    if facts.kind == STEADY_RISE:
        return [
            f"No single step was that large, but {plural(facts.run_increases, 'rise')} in "
            "a row add up to it."
        ]
    if facts.kind == FURTHER_RISE and facts.flagged is not None:
        return [
            f"This is a further step up after the rise flagged on "
            f"{day_text(facts.flagged.drawn_on)} ({value_text(facts.flagged, unit)})."
        ]
    if facts.kind == RISE_AFTER_FLARE_WINDOW and facts.change is not None:
        change = facts.change
        return [
            f"It was drawn after the window in which a short flare is expected once "
            f"{change.describe()} started ({day_text(change.first_start)}), and the level is "
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
    recheck_from = day_text(change.flare_window_end + timedelta(days=1))
    later = "".join(
        f" ({name} followed on {day_text(started)})" for name, started in change.later_starts()
    )
    return [
        f"This result was drawn {plural(days, 'day')} after {change.describe_first()} started "
        f"on {day_text(change.first_start)}{later}.",
        "Marker levels can rise for a few weeks after a new treatment starts and then come "
        f"down again (a flare), so a rise within {window_days} days of the start is not read "
        "on its own; such a rise says nothing either way about whether the treatment works.",
        f"A recheck after that window, from {recheck_from}, gives a clearer picture.",
    ]


def _also_above(after: ReadingPoint, base: ReadingPoint, wording: MarkerWording) -> str:
    """How far a confirming result is above the compared one (it meets the threshold)."""
    if base.qualifier == "<":
        return f"at least {amount_text(after.value - base.value, wording.unit)} above"
    pct = change_pct(after, base)
    if pct is None:
        return "above"
    at_least = "at least " if after.qualifier == ">" else ""
    shown = shown_change_pct(pct, wording.rules.threshold_pct, meets=True)
    return f"{at_least}{pct_text(shown)} above"


def _status_sentences(facts: RiseFacts, wording: MarkerWording) -> list[str]:
    unit = wording.unit
    after = facts.next_reading
    base = facts.compared
    if after is not None and facts.kind == POSSIBLE_FLARE and facts.settled_late:
        # Not the first result after the window: name it by its date.
        after_words = f"The result of {day_text(after.drawn_on)} ({value_text(after, unit)})"
        if facts.status == CONFIRMED:
            return [
                f"{after_words}, after the level had had time to settle, was still up by the "
                "tracker's threshold or more on the level before the treatment started, so the "
                "higher level lasted beyond the window."
            ]
        if facts.status == NOT_CONFIRMED:
            return [_flare_not_up(f"{after_words}, after the level had settled,", facts, wording)]
    if after is not None and facts.status == CONFIRMED:
        if facts.kind == POSSIBLE_FLARE:
            return [
                f"The first result after the flare window ({dated_text(after, unit)}) was still "
                "up by the tracker's threshold or more on the level before the treatment "
                "started, so the higher level lasted beyond the window."
            ]
        return [
            f"The next result ({dated_text(after, unit)}) was also "
            f"{_also_above(after, base, wording)} {value_text(base, unit)}, so the next result "
            "agreed: this is not a one-off."
        ]
    if after is not None and facts.status == NOT_CONFIRMED:
        if facts.kind == POSSIBLE_FLARE:
            first = f"The first result after the flare window ({dated_text(after, unit)})"
            return [_flare_not_up(first, facts, wording)]
        if after.qualifier != "<" and after.value > base.value:
            return [
                f"The next result ({dated_text(after, unit)}) was not that far above "
                f"{value_text(base, unit)}, so the higher level was not seen again on the "
                "repeat test."
            ]
        return [
            f"The next result ({dated_text(after, unit)}) fell back to {value_text(base, unit)} or "
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


def _flare_not_up(subject: str, facts: RiseFacts, wording: MarkerWording) -> str:
    """The result that settled a flare without a rise after the window, in numbers.

    It is "back down" only when it is lower than the flagged value by more than the usual
    fall between tests (the RCV down); a level that stayed near the flare's is not called a
    fall, and nothing is said of why the level moved (a surge says nothing either way about
    whether the treatment works: docs/clinical-rules.md, "Flares").
    """
    after, flare, base, change = facts.next_reading, facts.reading, facts.compared, facts.change
    assert after is not None  # called once the flag is settled
    unit, rules = wording.unit, wording.rules
    treatment = "the treatment" if change is None else change.describe()
    is_baseline = change is not None and base.drawn_on <= change.first_start
    level = f"the level before {treatment} started"
    if not is_baseline or base.qualifier is not None or after.qualifier is not None:
        # The flare was compared with a later result (or a value outside the measurable
        # range): the baseline's own numbers are not at hand to quote.
        where = f"was not up by the tracker's threshold on {level}"
    elif after.value <= base.value:
        where = f"was at or below {level} ({dated_text(base, unit)})"
    else:
        pct = change_pct(after, base)
        level = f"{level} ({dated_text(base, unit)})"
        if pct is not None and pct < rules.threshold_pct:
            shown = pct_text(shown_change_pct(pct, rules.threshold_pct, meets=False))
            threshold = threshold_text(rules)
            where = f"was {shown} above {level}, under the {threshold} this tracker flags"
        else:
            where = (
                f"was {amount_text(after.value - base.value, unit)} above {level}, less than "
                f"the {amount_text(rules.floor, unit)} this tracker needs to call a change of "
                f"{wording.name} measurable"
            )
    fall = None if flare.qualifier is not None else change_pct(after, flare)
    if after.qualifier == "<" or (fall is not None and fall < rules.rcv_down_pct):
        return f"{subject} had come back down from {value_text(flare, unit)}: it {where}."
    return f"{subject} {where}."


def rise_message(
    facts: RiseFacts,
    wording: MarkerWording,
    limit: float,
    logged: Sequence[LoggedCondition] = (),
) -> str:
    """The full message of a rise-type flag."""
    sentences = [_headline(facts, wording, limit), variation_sentence(wording)]
    sentences.extend(_kind_sentences(facts, wording))
    sentences.extend(_status_sentences(facts, wording))
    sentences.extend(causes_sentences(wording, logged))
    sentences.append(CLOSING)
    return " ".join(sentences)
