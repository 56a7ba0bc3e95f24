"""The trend engine fed straight from the database, one marker at a time.

docs/design.md, "Data flow" (trend): why the memory must not grow with the history.

What the engine must know before a marker's readings are read (each lab group's lab and
latest date) comes from one grouped query; the readings then come through a cursor (a
server-side one on PostgreSQL) in date order, and each flag goes to the caller's sink as
soon as it is finished. Neither the readings nor the flags are held here, so the memory
is that of the engine's running state whatever the length of the history.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from tracker.catalogue.markers import MARKERS
from tracker.services.events import event_points, list_events
from tracker.store.driver_rows import driver_rows, stored_date
from tracker.store.models import Patient, Reading
from tracker.store.pauses_for_tests import pause_while_flagging_for_tests
from tracker.store.stored_rows import (
    holds_more_than,
    readable,
    record_unreadable,
    unreadable_readings,
)
from tracker.trend.engine import LabGroup, MarkerPass, lab_groups
from tracker.trend.rules import validate_settings
from tracker.trend.series import FlagSink
from tracker.trend.treatment_lines import TreatmentTimeline
from tracker.trend.types import ReadingPoint, SeriesSummary, TrendSettings

# Rows fetched per round trip while a marker is read (a server-side cursor on PostgreSQL).
FETCH_ROWS = 2_000
# Distinct lab and note texts shared between readings before the cache starts afresh.
SHARED_TEXTS = 4_096


class PatientPass:
    """One patient's trend, read a marker at a time: the events, the settings and the
    markers' lab groups are read once, each marker's readings when it is read."""

    def __init__(
        self,
        session: Session,
        patient: Patient,
        settings: TrendSettings,
        markers: Collection[str] | None = None,
    ) -> None:
        """``markers``: the codes that will be read (default: every marker)."""
        validate_settings(settings)
        self.session = session
        self.patient = patient
        self.settings = settings
        self.groups, readable_count = marker_lab_groups(session, patient, markers=markers)
        # Unreadable rows are left out and recorded for the notice
        # (tracker/store/stored_rows.py), searched for only when there are any.
        if holds_more_than(
            session, Reading, readable_count, patient_id=patient.id, markers=markers
        ):
            record_unreadable(
                session,
                (
                    row.id
                    for row in unreadable_readings(session, patient.id)
                    if markers is None or row.marker in markers
                ),
            )
        self.events = event_points(list_events(session, patient))
        self.timeline = TreatmentTimeline(self.events, settings.flare_window_days)

    @property
    def markers(self) -> list[str]:
        """The codes with readable readings, in catalogue order."""
        return [code for code in MARKERS if code in self.groups]

    def read_marker(
        self, code: str, sink: FlagSink, *, keep: Callable[[int], bool] | None = None
    ) -> list[SeriesSummary]:
        """Read one marker: its flags go to ``sink`` as they are finished (each series' in
        its order); its series summaries are returned, the group of its latest reading
        first. ``keep``: the ids of the readings whose flags are wanted (default: all)."""
        groups = self.groups.get(code)
        if not groups:
            return []
        marker_pass = MarkerPass(
            code, groups, self.timeline, self.events, self.settings, sink, keep=keep
        )
        return marker_pass.read(_marker_points(self.session, self.patient, code))


def stream_trend(
    session: Session,
    patient: Patient,
    settings: TrendSettings,
    sink: FlagSink,
    *,
    marker_code: str | None = None,
) -> Iterator[list[SeriesSummary]]:
    """Every marker of the patient (or ``marker_code``) read in catalogue order: each
    marker's flags go to ``sink``, then its series summaries are yielded."""
    trend = PatientPass(session, patient, settings, None if marker_code is None else (marker_code,))
    for code in trend.markers:
        yield trend.read_marker(code, sink)


def _readable_of(session: Session, patient: Patient) -> tuple[ColumnElement[bool], ...]:
    return Reading.patient_id == patient.id, readable(session.get_bind().dialect.name)


def marker_lab_groups(
    session: Session, patient: Patient, *, markers: Collection[str] | None = None
) -> tuple[dict[str, list[LabGroup]], int]:
    """Each marker's lab groups (one row per marker and lab as written, with its latest
    date), and how many readable readings they hold."""
    query = select(Reading.marker, Reading.lab, func.max(Reading.drawn_on), func.count()).where(
        *_readable_of(session, patient)
    )
    if markers is not None:
        query = query.where(Reading.marker.in_(sorted(markers)))
    labs: dict[str, list[tuple[str | None, date]]] = {}
    readable_count = 0
    for code, lab, latest, count in session.execute(query.group_by(Reading.marker, Reading.lab)):
        labs.setdefault(code, []).append((lab, latest))
        readable_count += count
    return {code: lab_groups(written) for code, written in labs.items()}, readable_count


def _marker_points(session: Session, patient: Patient, code: str) -> Iterator[ReadingPoint]:
    """One marker's readable readings as the trend engine takes them, oldest first.

    Streamed from the database (a server-side cursor on PostgreSQL) straight into
    ``ReadingPoint``s, with one shared string per lab and note text (a long series repeats
    them on every row).
    """
    query = (
        select(
            Reading.id,
            Reading.value,
            Reading.qualifier,
            Reading.drawn_on,
            Reading.lab,
            Reading.ref_high,
            Reading.note,
        )
        .where(*_readable_of(session, patient), Reading.marker == code)
        .order_by(Reading.drawn_on, Reading.id)
    )
    shared: dict[str, str] = {}

    def share(text: str | None) -> str | None:
        if text is None:
            return None
        found = shared.get(text)
        if found is None:
            if len(shared) >= SHARED_TEXTS:
                shared.clear()
            found = shared[text] = text
        return found

    # The driver's tuples, not SQLAlchemy rows: plain values are all the engine needs. (A
    # qualifier is one character, which Python already shares.)
    rows = driver_rows(session, query, batch=FETCH_ROWS)
    first = next(rows, None)  # the statement has run: its cursor is open
    pause_while_flagging_for_tests()
    if first is None:
        return
    for row_id, value, qualifier, drawn_on, lab, ref_high, note in itertools.chain((first,), rows):
        yield ReadingPoint.stored(
            row_id, code, value, qualifier, stored_date(drawn_on), share(lab), ref_high, share(note)
        )
