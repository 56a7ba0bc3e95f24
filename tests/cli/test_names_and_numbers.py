"""Issue 13, item 15 (part): numbers, look-alike names and many patients, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tracker.config import location_from
from tracker.services.patients import list_patients
from tracker.store.database import open_database
from tracker.store.models import Patient


def test_a_value_with_inner_spaces_is_not_123(tracker: Tracker) -> None:
    result = tracker.fails("add", "CEA", "1 2 3")
    assert result.stderr == "Error: value '1 2 3' is not a number (examples: 4.2, <0.5, >1000)\n"
    assert tracker.json("list") == []
    assert tracker.ok("add", "CA15-3", "1 234").stdout.startswith("Added #1: CA 15-3 1234 U/mL")


def test_a_subnormal_value_is_refused_not_shown_as_zero(tracker: Tracker) -> None:
    result = tracker.fails("add", "CEA", "1e-320")
    assert result.stderr == (
        "Error: value '1e-320' is above 0 but below 0.000001 ng/mL, the smallest the tracker "
        "records and shows; check for a typing error (write 0 for zero)\n"
    )
    assert tracker.json("list") == []
    tracker.ok("add", "CEA", "0", "--date", "2026-01-05")
    assert tracker.fails("edit", "1", "--value", "5e-324").stderr.startswith(
        "Error: value '5e-324' is above 0 but below 0.000001"
    )
    assert tracker.fails("add", "CEA", "3", "--ref-high", "1e-320").exit_code == 1


def test_a_value_of_65_characters_is_refused_alike_on_both_backends(tracker: Tracker) -> None:
    value = "3." + "0" * 62 + "1"
    result = tracker.fails("add", "CEA", value)
    assert result.stderr == (
        "Error: value '3.00000000000000000000000000000000000...' is 65 characters long; a "
        "value can be at most 64 characters (examples: 4.2, <0.5, >1000)\n"
    )
    tracker.ok("add", "CEA", value[:64], "--date", "2026-01-05")
    before = database_snapshot(tracker.db)
    assert tracker.fails("edit", "1", "--value", value).stderr == result.stderr
    assert database_snapshot(tracker.db) == before


@pytest.mark.parametrize(
    "args",
    [
        ["patient", "add", "An\u200bn"],
        ["patient", "add", "\u202eeB"],
        ["add", "CEA", "3", "--lab", "City\u200b Lab"],
        ["event", "add", "treatment", "letro\u200dzole"],
    ],
    ids=["zero-width", "bidi-override", "lab", "event-name"],
)
def test_format_characters_are_refused(tracker: Tracker, args: list[str]) -> None:
    tracker.ok("patient", "add", "Ann")
    before = database_snapshot(tracker.db)
    result = tracker.fails(*args)
    assert result.stderr.startswith("Error: ")
    assert "cannot contain invisible formatting characters (found U+20" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert database_snapshot(tracker.db) == before


def test_patient_rename_refuses_format_characters(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    result = tracker.fails("patient", "rename", "Ann", "Ann\u202e")
    assert "found U+202E RIGHT-TO-LEFT OVERRIDE" in result.stderr


def test_names_are_nfc_so_two_spellings_are_one_patient(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ren\u00e9e")  # é as one character
    duplicate = tracker.fails("patient", "add", "Rene\u0301e")  # e + combining accent
    assert duplicate.stderr == "Error: a patient named 'Ren\u00e9e' already exists\n"
    tracker.ok("patient", "add", "Bea")
    added = tracker.ok("add", "CEA", "3", "--lab", "Lab Rene\u0301e", patient="Rene\u0301e")
    assert added.stdout.startswith("Added #1: CEA 3 ng/mL on ")
    (row,) = tracker.json("list", patient="Ren\u00e9e")
    assert row["patient"] == "Ren\u00e9e" and row["lab"] == "Lab Ren\u00e9e"


def test_a_note_shows_format_characters_by_code_point(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05", "--note", "fine\u202e.exe")
    assert "fine<U+202E>.exe" in tracker.ok("list").stdout
    # Stored exactly as typed.
    assert tracker.json("list")[0]["note"] == "fine\u202e.exe"


def add_patients(url: str, count: int) -> None:
    """Many patients at once, as a clinic's database holds them."""
    open_database(location_from(url)).dispose()  # a fresh SQLite file gets its tables
    engine = sa.create_engine(location_from(url).url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.insert(Patient.__table__),
                [
                    {"name": f"P{index:06d}", "created_at": datetime(2026, 1, 1)}
                    for index in range(count)
                ],
            )
    finally:
        engine.dispose()


def test_errors_list_ten_patients_and_count_the_rest(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    add_patients(tracker.db, 1500)
    ten = ", ".join(["Ann", *(f"P{index:06d}" for index in range(9))])
    unknown = tracker.fails("--patient", "Nobody", "list")
    assert unknown.stderr == (
        f"Error: no patient named 'Nobody' (known: {ten} … and 1,491 more (see `tracker "
        'patient list`)); add one with `tracker patient add "Nobody"`\n'
    )
    several = tracker.fails("list", code=2)
    assert f"several patients are stored ({ten} … and 1,491 more" in several.stderr


def test_errors_list_exactly_ten_patients_without_a_count(tracker: Tracker) -> None:
    add_patients(tracker.db, 10)
    unknown = tracker.fails("--patient", "Nobody", "list")
    names = ", ".join(f"P{index:06d}" for index in range(10))
    assert f"(known: {names}); add one" in unknown.stderr


@contextmanager
def counted_statements(engine: sa.Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_patient_list_is_one_query_however_many_patients(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05", patient=None)
    tracker.ok("event", "add", "condition", "smoking", "--date", "2026-01-01")
    add_patients(tracker.db, 200)
    database = open_database(location_from(tracker.db))
    try:
        with database.reading() as session, counted_statements(database.engine) as statements:
            listed = list_patients(session)
    finally:
        database.dispose()
    assert len(statements) == 1, statements
    assert len(listed) == 201
    assert [(p.name, readings, events) for p, readings, events in listed[:2]] == [
        ("P000000", 0, 0),
        ("P000001", 0, 0),
    ]
    assert [(p.name, r, e) for p, r, e in listed if p.name == "me"] == [("me", 1, 1)]
    table = tracker.ok("patient", "list").stdout.splitlines()
    assert len(table) == 202
    assert table[-1].split() == ["me", "1", "1"]
