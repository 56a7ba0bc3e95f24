"""Random readings and events, stored and read back, for the CSV and FHIR round-trip tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import pg_base_url
from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.typed_text import is_invisible
from tracker.cli.main import cli
from tracker.config import location_from
from tracker.errors import DuplicateError
from tracker.services.events import add_event
from tracker.services.patients import add_patient
from tracker.services.readings import ReadingFields, add_reading
from tracker.store.database import open_database

FORMULA_LIKE = ["=SUM(A1)", "+1", "-x", "@x", "'quoted", "\tTab", "\rCR", "''twice", "'tis"]


TRICKY = ["a, b", 'say "hi"', "line1\nline2", "line1\r\nline2", "Zoë ✓ 日本", " padded "]


# Any text that `add` accepts: no control characters but tab and line breaks.
CONTROLS = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r")


# At most 200 characters: the longest lab name `add` accepts (a note may have 2,000).
any_text = st.text(st.characters(codec="utf-8", exclude_characters=CONTROLS), max_size=200)


note = st.one_of(st.none(), st.sampled_from(FORMULA_LIKE + TRICKY), any_text)


# Names and labs refuse invisible characters (format characters, Unicode category Cf, and
# every other default-ignorable code point: catalogue/typed_text.py); notes keep them.
label_text = st.text(
    st.characters(codec="utf-8", exclude_characters=CONTROLS, exclude_categories=("Cf",)).filter(
        lambda char: not is_invisible(char)
    )
)


lab = st.one_of(st.none(), st.sampled_from(["City Lab", "=Lab", "-lab", "Labor Nord"]), label_text)


day = st.dates(min_value=date(1900, 1, 1), max_value=date.today())


# Zero, or at least the smallest positive value the tracker records (tracker/catalogue/units.py).
value = st.one_of(st.just(0.0), st.floats(min_value=0.000001, max_value=100_000, allow_nan=False))


@dataclass(frozen=True)
class Reading:
    marker: str
    qualifier: str
    value: float
    unit: str | None
    drawn_on: date
    lab: str | None
    ref_high: float | None
    note: str | None


@dataclass(frozen=True)
class Event:
    kind: str
    name: str
    started_on: date
    days: int | None
    note: str | None


readings = st.builds(
    Reading,
    marker=st.sampled_from(["CEA", "ca153", "CA 27.29", "CA-125"]),
    qualifier=st.sampled_from(["", "", "<", ">"]),
    value=value,
    unit=st.none(),
    drawn_on=day,
    lab=lab,
    ref_high=st.one_of(st.none(), st.floats(min_value=0.001, max_value=100_000)),
    note=note,
)


events = st.builds(
    Event,
    kind=st.sampled_from(EVENT_KINDS),
    name=st.one_of(st.sampled_from(["letrozole", "=cmd", "-x", "bone pain"]), label_text),
    started_on=day,
    days=st.one_of(st.none(), st.integers(0, 400)),
    note=note,
)


patient_prefix = st.sampled_from(["Ann", "=cmd", "+1", "-x", "@me", "'q", "Zoë"])


def store(url: str, name: str, new_readings: list[Reading], new_events: list[Event]) -> None:
    """Write a patient's data through the library (as `add` / `event add` would)."""
    database = open_database(location_from(url))
    try:
        with database.writing() as session:
            patient = add_patient(session, name)
            for r in new_readings:
                fields = ReadingFields(
                    r.marker, f"{r.qualifier}{r.value!r}", r.unit, r.drawn_on, r.lab,
                    None if r.ref_high is None else repr(r.ref_high), r.note,
                )  # fmt: skip
                try:
                    add_reading(session, patient, fields, today=date.today())
                except DuplicateError:
                    pass
            for e in new_events:
                ended = None
                if e.days is not None:
                    ended = min(date.today(), date.fromordinal(e.started_on.toordinal() + e.days))
                if not e.name.split() or len(" ".join(e.name.split())) > 200:
                    continue  # an event needs a name, of at most 200 characters
                try:
                    add_event(session, patient, e.kind, e.name, e.started_on, ended, e.note)
                except DuplicateError:
                    pass
    finally:
        database.dispose()


def without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def lists(tracker: Tracker, patient: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return (
        without_ids(tracker.json("list", patient=patient)),
        without_ids(tracker.json("event", "list", patient=patient)),
    )


@pytest.fixture
def empty_url(tracker: Tracker, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same backend as ``tracker``."""
    if not tracker.db.startswith("postgresql"):
        yield str(tmp_path / "empty.db")
        return
    import sqlalchemy as sa

    base = pg_base_url()
    assert base is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = f"{base}{'&' if '?' in base else '?'}options={quote(f'-csearch_path={schema}')}"
        upgraded = CliRunner().invoke(cli, ["--db", url, "db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        yield url
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
