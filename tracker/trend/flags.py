"""Finished flags: the facts of a flag, with its words built only when read.

docs/clinical-rules.md ("Other flags", "Draws", "Logged conditions"): ``check_entry``,
``above_reference`` and the rise-type flags of one lab group, each naming the logged
conditions that count at its draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial

from tracker.catalogue.lab_names import lab_display
from tracker.trend.conditions import conditions_for_draw
from tracker.trend.draws import Draw
from tracker.trend.info_wording import above_reference_message, check_entry_message
from tracker.trend.phrases import MarkerWording
from tracker.trend.rules import change_pct, is_above, upper_limit_of
from tracker.trend.types import (
    ABOVE_REFERENCE,
    CHECK_ENTRY,
    INFO,
    UNCONFIRMED,
    ComparedReading,
    EventPoint,
    Flag,
    ReadingPoint,
)
from tracker.trend.wording import BASIS_BASELINE, RiseFacts, rise_message

# The empty list every flag without causes (or logged conditions) shares.
_NONE: list[str] = []


def check_entry_flag(draw: Draw, lab: str | None, wording: MarkerWording) -> Flag | None:
    """Two results of one draw that differ more than tests usually do."""
    if len(draw.readings) < 2:
        return None
    low, high = draw.low, draw.high
    if low.qualifier == ">" or high.qualifier == "<":
        return None
    spread = wording.rules.replicate_spread_pct
    if high.value <= low.value * (1.0 + spread / 100.0):
        return None
    builder = partial(check_entry_message, high, low, wording)
    return make_flag(high, lab, CHECK_ENTRY, INFO, low, wording, builder, causes=False)


def above_reference_flag(
    reading: ReadingPoint,
    previous: ReadingPoint | None,
    lab: str | None,
    wording: MarkerWording,
    events: Sequence[EventPoint],
    *,
    beside_rise: bool,
) -> Flag | None:
    """Crossing the upper limit (the lab's ``ref_high`` wins) from not above (or none).

    ``reading`` is the draw as the later value (its lowest), ``previous`` the group's
    previous draw as the earlier one (its highest).
    """
    marker = wording.rules.marker
    limit = upper_limit_of(reading, marker)
    if not is_above(reading, limit):
        return None
    if previous is not None and is_above(previous, upper_limit_of(previous, marker)):
        return None
    logged = conditions_for_draw(marker.code, events, reading.drawn_on, rise=False)
    builder = partial(
        above_reference_message,
        reading,
        previous,
        limit,
        lab,
        wording,
        logged,
        beside_rise=beside_rise,
    )
    names = [item.name for item in logged]
    return make_flag(
        reading, lab, ABOVE_REFERENCE, INFO, previous, wording, builder, logged_names=names
    )


def rise_flag(
    facts: RiseFacts, lab: str | None, wording: MarkerWording, events: Sequence[EventPoint]
) -> Flag:
    """A finished rise-type flag; its words are built when its message is first read."""
    reading = facts.reading
    marker = wording.rules.marker
    logged = conditions_for_draw(marker.code, events, reading.drawn_on, rise=True)
    limit = upper_limit_of(reading, marker)
    builder = partial(rise_message, facts, wording, limit, logged)
    change = facts.change
    window = change is not None and change.in_flare_window(reading.drawn_on)
    return make_flag(
        reading,
        lab,
        facts.kind,
        facts.status,
        facts.compared,
        wording,
        builder,
        within_range=not is_above(reading, limit),
        logged_names=[item.name for item in logged],
        threshold=True,
        status_note=facts.not_rechecked if facts.status == UNCONFIRMED else None,
        treatment_start=change.first_start if change is not None and window else None,
        flare_window_end=change.flare_window_end if change is not None and window else None,
        previous_draw_elsewhere=facts.previous_draw_elsewhere,
        before_treatment=change.describe()
        if change is not None and facts.basis == BASIS_BASELINE
        else None,
    )


def make_flag(
    reading: ReadingPoint,
    lab: str | None,
    kind: str,
    status: str,
    compared: ReadingPoint | None,
    wording: MarkerWording,
    build_message: partial[str],
    *,
    causes: bool = True,
    logged_names: list[str] | None = None,
    threshold: bool = False,
    within_range: bool = False,
    status_note: str | None = None,
    treatment_start: date | None = None,
    flare_window_end: date | None = None,
    previous_draw_elsewhere: bool = False,
    same_lab_before: date | None = None,
    before_treatment: str | None = None,
) -> Flag:
    """A ``Flag`` of ``reading``; ``change_pct`` is None when no percentage can be given."""
    change = None if compared is None else change_pct(reading, compared)
    return Flag(
        reading_id=reading.id,
        marker=reading.marker,
        lab=lab,
        kind=kind,
        status=status,
        drawn_on=reading.drawn_on,
        value=reading.value,
        qualifier=reading.qualifier,
        unit=wording.unit,
        compared_to=None
        if compared is None
        else ComparedReading(
            compared.id,
            compared.drawn_on,
            compared.value,
            compared.qualifier,
            lab_display(compared.lab),
        ),
        change_pct=change,
        threshold_pct=wording.rules.threshold_pct if threshold else None,
        build_message=build_message,
        # One list per marker, shared by its flags (read-only by convention): a long
        # history raises many flags, and each copy would cost memory for nothing.
        benign_causes=wording.benign_causes if causes else _NONE,
        logged_conditions=logged_names if causes and logged_names else _NONE,
        within_range=within_range,
        status_note=status_note,
        treatment_start=treatment_start,
        flare_window_end=flare_window_end,
        previous_draw_elsewhere=previous_draw_elsewhere,
        same_lab_before=same_lab_before,
        before_treatment=before_treatment,
    )
