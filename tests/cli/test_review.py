"""``tracker review``: a clinic's worklist over 50 patients with known flags and overdue tests."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tracker.config import location_from
from tracker.services.due_intervals import update_intervals
from tracker.services.patients import add_patient
from tracker.services.readings import ReadingFields, add_reading
from tracker.store.database import open_database

TODAY = "2026-06-01"

# Ten kinds of history, five patients each. CEA's usual upper limit is 5 ng/mL; everyone's
# interval is CEA every 6 months, so a last CEA before 2025-12-01 is overdue on TODAY.
HISTORIES: dict[str, list[tuple[str, str]]] = {
    # a rise above the usual range, confirmed by the next draw and still up: listed
    "confirmed": [("2026-01-05", "2.0"), ("2026-02-05", "6.0"), ("2026-03-05", "7.0")],
    # the latest draw rose above the usual range: listed, unconfirmed
    "unconfirmed": [("2026-01-05", "2.0"), ("2026-03-05", "6.0")],
    # a rise that stays within the usual range: not listed until confirmed
    "within_range": [("2026-01-05", "2.0"), ("2026-03-05", "3.5")],
    # within the usual range but confirmed: listed
    "within_confirmed": [("2026-01-05", "2.0"), ("2026-02-05", "3.5"), ("2026-03-05", "3.8")],
    # the next draw fell back: not_confirmed, not listed
    "fell_back": [("2026-01-05", "2.0"), ("2026-02-05", "6.0"), ("2026-03-05", "2.1")],
    # confirmed, then back down: the episode has ended, not listed
    "ended": [
        ("2026-01-05", "2.0"),
        ("2026-02-05", "6.0"),
        ("2026-03-05", "7.0"),
        ("2026-04-05", "2.0"),
    ],
    # steady and recent: nothing
    "steady": [("2026-01-05", "2.0"), ("2026-03-05", "2.1")],
    # steady but the last test was long ago: overdue only
    "overdue": [("2025-01-05", "2.0"), ("2025-05-01", "2.1")],
    # a rise at the last test, long ago: listed and overdue
    "flag_and_overdue": [("2025-01-05", "2.0"), ("2025-05-01", "9.0")],
    # no readings at all: nothing
    "empty": [],
}


def _name(kind: str, index: int) -> str:
    return f"{kind.replace('_', ' ').title()} {index}"


@pytest.fixture
def clinic(tracker: Tracker) -> Tracker:
    database = open_database(location_from(tracker.db))
    try:
        with database.writing() as session:
            for kind, draws in HISTORIES.items():
                for index in range(1, 6):
                    patient = add_patient(session, _name(kind, index))
                    for day, value in draws:
                        fields = ReadingFields("CEA", value, None, date.fromisoformat(day))
                        add_reading(session, patient, fields, today=date(2026, 6, 1))
            update_intervals(session, ("CEA=6m",), clear=False)
    finally:
        database.dispose()
    return Tracker(tracker.db, {**tracker.env, "TRACKER_TODAY": TODAY})


def test_review_json_lists_the_known_flags_and_overdue_tests(clinic: Tracker) -> None:
    document = clinic.json("review")
    assert document["today"] == TODAY
    assert document["attention"] is True
    patients = document["patients"]
    assert len(patients) == 50
    by_name = {entry["patient"]: entry for entry in patients}

    def flags(kind: str) -> set[tuple[str, str, str, float]]:
        found = set()
        for index in range(1, 6):
            for flag in by_name[_name(kind, index)]["flags"]:
                found.add((flag["marker"], flag["kind"], flag["status"], flag["value"]))
        return found

    assert flags("confirmed") == {("CEA", "rise", "confirmed", 6.0)}
    assert flags("unconfirmed") == {("CEA", "rise", "unconfirmed", 6.0)}
    assert flags("within_range") == set()
    assert flags("within_confirmed") == {("CEA", "rise", "confirmed", 3.5)}
    assert flags("fell_back") == set()
    assert flags("ended") == set()
    assert flags("steady") == set()
    assert flags("flag_and_overdue") == {("CEA", "rise", "unconfirmed", 9.0)}
    for kind in ("overdue", "flag_and_overdue"):
        for index in range(1, 6):
            assert by_name[_name(kind, index)]["overdue"] == [
                {"marker": "CEA", "last_drawn_on": "2025-05-01", "next_due": "2025-11-01",
                 "days_overdue": 212}
            ]  # fmt: skip
    quiet = {"within_range", "fell_back", "ended", "steady", "empty"}
    for entry in patients:
        kind = entry["patient"].rsplit(" ", 1)[0].lower().replace(" ", "_")
        assert entry["attention"] is (kind not in quiet), entry
        if kind not in {"overdue", "flag_and_overdue"}:
            assert entry["overdue"] == []
    flag = by_name["Confirmed 1"]["flags"][0]
    assert flag == {
        "marker": "CEA",
        "lab": None,
        "kind": "rise",
        "status": "confirmed",
        "drawn_on": "2026-02-05",
        "value": 6.0,
        "qualifier": None,
        "unit": "ng/mL",
        "change_pct": 200.0,
        "headline": "CEA rise: 2 -> 6 ng/mL (+200%) since the previous result on 5 Jan 2026 "
        "\u2014 confirmed: the next result agreed, so this is not a one-off",
        "latest_drawn_on": "2026-03-05",
        "latest_value": 7.0,
        "latest_qualifier": None,
    }
    # Most urgent first: confirmed rises, then unconfirmed ones (longest overdue first),
    # then overdue only, then the rest; by name within each.
    order = [entry["patient"] for entry in patients]
    expected_kinds = ["confirmed", "within_confirmed", "flag_and_overdue", "unconfirmed", "overdue"]
    expected_first = [_name(kind, i) for kind in expected_kinds for i in range(1, 6)]
    expected_first.sort(key=lambda name: (
        ["Confirmed", "Within Confirmed", "Flag And Overdue", "Unconfirmed", "Overdue"].index(
            name.rsplit(" ", 1)[0]
        ) if not name.startswith(("Confirmed", "Within Confirmed")) else 0,
        name.casefold(),
    ))  # fmt: skip
    assert order[:25] == expected_first
    assert sorted(order[25:], key=str.casefold) == order[25:]


def test_review_text_is_one_line_per_patient(clinic: Tracker) -> None:
    result = clinic.ok("review")
    lines = result.stdout.splitlines()
    assert lines[0] == "Review on 1 Jun 2026: 25 of 50 patients with open flags or overdue tests."
    width = len("Within Confirmed 1")
    assert (
        lines[1]
        == f"{'Confirmed 1':<{width}}  CEA rise to 6 ng/mL on 5 Feb 2026 (+200%), confirmed; "
        "latest 7 ng/mL on 5 Mar 2026"
    )
    assert f"{'Flag And Overdue 1':<{width}}  CEA rise to 9 ng/mL on 1 May 2025 (+350%), " \
        "unconfirmed; overdue: CEA by 212 days" in lines  # fmt: skip
    assert f"{'Overdue 1':<{width}}  overdue: CEA by 212 days" in lines
    assert f"{'Steady 1':<{width}}  nothing open" in lines
    assert len(lines) == 1 + 50 + 1
    assert lines[-1].endswith("Discuss with your oncologist.")


def test_review_exit_code(clinic: Tracker) -> None:
    assert clinic("review", "--exit-code").exit_code == 3
    assert clinic("review", "--json", "--exit-code").exit_code == 3
    # One quiet patient named: nothing needs attention.
    quiet = clinic("review", "--exit-code", patient="Steady 1")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout.splitlines()[1:] == ["Steady 1  nothing open"]


def test_review_on_an_empty_database_and_reads_only(tracker: Tracker) -> None:
    assert tracker.ok("review", "--exit-code").stdout == "No patients yet.\n"
    before = database_snapshot(tracker.db)
    assert tracker.json("review") == {"today": date.today().isoformat(), "attention": False,
                                      "patients": []}  # fmt: skip
    assert database_snapshot(tracker.db) == before


def test_review_never_asks_which_patient_and_the_library_agrees(
    clinic: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker import Tracker as Library

    document = clinic.json("review")
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    with Library.open(clinic.db) as library:
        assert library.review() == document
    with Library.open(clinic.db, patient="Overdue 2") as library:
        only = library.review()
    assert [entry["patient"] for entry in only["patients"]] == ["Overdue 2"]
    assert json.loads(json.dumps(document)) == document


def test_review_reads_everyone_in_a_few_queries(clinic: Tracker) -> None:
    """Not one query per patient: 50 patients or 2,000, the same handful of statements."""
    from sqlalchemy import event

    from tracker.services.review import review_patients

    database = open_database(location_from(clinic.db))
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.reading() as session:
            review = review_patients(session, today=date(2026, 6, 1))
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
        database.dispose()
    assert len(review.patients) == 50
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert 1 <= len(selects) <= 6, selects
