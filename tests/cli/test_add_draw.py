"""One draw in one command, remembered lab limits and values shown as entered (issue 15),
through the CLI and the library, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tracker import Tracker as Library
from tracker.config import location_from
from tracker.errors import ValidationError
from tracker.services import log_reading as log_reading_module
from tracker.store.models import Reading
from tracker.trend.types import Flag


def test_one_draw_stores_every_marker_in_one_command(tracker: Tracker) -> None:
    added = tracker.ok(
        "add", "CEA", "3.1", "CA15-3", "28", "kU/L", "--date", "2026-01-05", "--lab", "City Lab"
    )
    assert added.stdout.splitlines()[:2] == [
        "Added #1: CEA 3.1 ng/mL on 2026-01-05 (City Lab)",
        "Added #2: CA 15-3 28 U/mL on 2026-01-05 (City Lab)",
    ]
    rows = tracker.json("list")
    assert [(r["marker"], r["value"], r["drawn_on"], r["lab"]) for r in rows] == [
        ("CEA", 3.1, "2026-01-05", "City Lab"),
        ("CA 15-3", 28.0, "2026-01-05", "City Lab"),
    ]


def test_units_are_recognised_per_marker(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "ug/L", "ca125", "20", "CA 27.29", "<5", "--date", "2026-01-05")
    rows = tracker.json("list")
    assert [(r["marker"], r["value"], r["qualifier"]) for r in rows] == [
        ("CEA", 3.1, None),
        ("CA 125", 20.0, None),
        ("CA 27.29", 5.0, "<"),
    ]


def test_one_bad_pair_stores_nothing_and_names_it(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2026-01-01")
    before = database_snapshot(tracker.db)
    failed = tracker.fails("add", "CEA", "3.1", "CA15-3", "-4", "--date", "2026-01-05")
    assert failed.stderr.startswith("Error: CA15-3 -4 (entry 2): value '-4' is negative")
    assert "nothing was stored" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1
    failed = tracker.fails("add", "CEA", "3.1", "CA15-3", "28", "ng/dl", "--date", "2026-01-05")
    assert "CA 15-3 is measured in" in failed.stderr
    failed = tracker.fails("add", "CEA", "3.1", "CA15-3")
    assert "'CA15-3' has no value" in failed.stderr
    # A duplicate inside the draw is refused too, and nothing of the draw is kept.
    failed = tracker.fails("add", "CEA", "4", "CEA", "4", "--date", "2026-01-05")
    assert "entry 2" in failed.stderr and "already stored" in failed.stderr
    assert database_snapshot(tracker.db) == before


def test_ref_high_with_several_markers_is_a_usage_error(tracker: Tracker) -> None:
    failed = tracker.fails("add", "CEA", "3.1", "CA15-3", "28", "--ref-high", "5", code=2)
    assert "--ref-high applies to one marker" in failed.stderr
    assert tracker.json("list") == []


def test_a_labs_upper_limit_is_remembered_and_said(tracker: Tracker) -> None:
    tracker.ok(
        "add", "CA15-3", "20", "--date", "2026-01-05", "--lab", "City Lab", "--ref-high", "25"
    )
    second = tracker.ok("add", "CA15-3", "21", "--date", "2026-02-05", "--lab", "City Lab")
    assert "(using City Lab's CA 15-3 upper limit, 25 U/mL)" in second.stdout
    # Another lab, another marker, or no lab: nothing is borrowed.
    other = tracker.ok("add", "CA15-3", "22", "CEA", "2", "--date", "2026-03-05", "--lab", "Other")
    assert "upper limit" not in other.stdout
    tracker.ok("add", "CEA", "2.5", "--date", "2026-03-06", "--lab", "City Lab")
    # A new limit replaces the remembered one from then on.
    tracker.ok(
        "add", "CA15-3", "23", "--date", "2026-04-05", "--lab", "City Lab", "--ref-high", "30"
    )
    later = tracker.ok(
        "add", "CA15-3", "24", "CEA", "3", "--date", "2026-05-05", "--lab", "City Lab"
    )
    assert "(using City Lab's CA 15-3 upper limit, 30 U/mL)" in later.stdout
    rows = tracker.json("list")
    assert [(r["marker"], r["lab"], r["ref_high"]) for r in rows] == [
        ("CA 15-3", "City Lab", 25.0),
        ("CA 15-3", "City Lab", 25.0),
        ("CA 15-3", "Other", None),
        ("CEA", "Other", None),
        ("CEA", "City Lab", None),
        ("CA 15-3", "City Lab", 30.0),
        ("CA 15-3", "City Lab", 30.0),
        ("CEA", "City Lab", None),
    ]


def test_values_are_shown_as_entered(tracker: Tracker) -> None:
    added = tracker.ok("add", "CEA", "4.0", "--date", "2026-01-05")
    assert "Added #1: CEA 4.0 ng/mL on 2026-01-05" in added.stdout
    assert " 4.0 " in tracker.ok("list").stdout
    assert tracker.json("list")[0]["value"] == 4.0


def test_the_library_adds_a_draw(db_url: str) -> None:
    with Library.open(db_url) as t:
        logged = t.add_draw(
            [("CEA", "3.1", None), ("CA 15.3", 28, "kU/L")], drawn_on="2026-01-05", lab="City Lab"
        )
        assert [r.marker for r in logged.readings] == ["CEA", "CA15-3"]
        t.add_reading("CEA", 2.9, drawn_on="2026-02-05", lab="City Lab", ref_high=5)
        again = t.add_draw([("CEA", "3.0", None)], drawn_on="2026-03-05", lab="City Lab")
        assert again.notices == ("using City Lab's CEA upper limit, 5 ng/mL",)
        assert again.readings[0].ref_high == 5.0
        try:
            t.add_draw([("CEA", "1", None), ("CA125", "2", None)], ref_high=5)
        except ValidationError as error:
            assert "one marker" in error.message
        else:
            raise AssertionError("ref_high with two entries was accepted")


def test_an_empty_filtered_list_says_what_it_filtered(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3", "--date", "2025-01-05")
    since = tracker.ok("list", "--since", "yesterday").stdout
    assert since.startswith("No readings since ")
    assert "No readings yet" not in since
    other = tracker.ok("list", "--marker", "ca125").stdout
    assert other.strip() == "No CA 125 readings (other readings are stored)."
    assert tracker.json("list", "--since", "yesterday") == []


def test_prompts_on_both_backends(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.cli.prompts.interactive", lambda: True)
    tracker.ok("add", "CA15-3", "20", "--date", "2026-01-05", "--lab", "City Lab")
    # Marker and value asked; then the date (Enter: today) and the lab (Enter: its last).
    result = tracker("add", input="ca153\n21\n\n\n")
    assert result.exit_code == 0, result.output
    assert "Lab [City Lab]: " in result.stdout
    assert "Date of the draw [today]: " in result.stdout
    [_, added] = tracker.json("list")
    assert (added["value"], added["lab"], added["drawn_on"]) == (
        21.0, "City Lab", date.today().isoformat(),
    )  # fmt: skip
    # A lab typed at the prompt is used; a date typed is checked like --date.
    result = tracker("add", "CEA", input="3\n2026-02-01\nOther Lab\n")
    assert result.exit_code == 0, result.output
    [cea] = [r for r in tracker.json("list") if r["marker"] == "CEA"]
    assert (cea["drawn_on"], cea["lab"]) == ("2026-02-01", "Other Lab")
    refused = tracker("add", input="CEA\n3\n2099-01-01\n\n")
    assert refused.exit_code == 1 and "is in the future" in refused.stderr


def test_a_draw_of_two_markers_prints_each_markers_flags(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "2.0", "CA15-3", "20", "--date", "2026-01-05")
    tracker.ok("add", "CEA", "2.1", "CA15-3", "21", "--date", "2026-02-05")
    lines = tracker.ok("add", "CEA", "6", "CA15-3", "60", "--date", "2026-03-05").stdout
    assert [line for line in lines.splitlines() if " rise: " in line] == [
        "  CEA rise: 2.1 -> 6 ng/mL (+186%) since the previous result on 5 Feb 2026 —",
        "  CA 15-3 rise: 21 -> 60 U/mL (+186%) since the previous result on 5 Feb 2026 —",
    ]
    assert lines.count("Discuss with your oncologist.") == 2


def test_a_draws_flags_are_listed_in_the_order_of_its_entries(db_url: str) -> None:
    """Each marker's series is read once, yet the flags come reading by reading, as the
    entries were given (a CA 15-3 pair around a CEA)."""
    with Library.open(db_url) as t:
        t.add_draw([("CEA", 2.0, None), ("CA15-3", 20, None)], drawn_on="2026-01-05")
        logged = t.add_draw(
            [("CA15-3", 30, None), ("CEA", 6, None), ("CA15-3", 45, None)], drawn_on="2026-02-05"
        )
    first, cea, second = (reading.id for reading in logged.readings)
    assert [(flag.reading_id, flag.kind) for flag in logged.flags] == [
        (first, "rise"),  # carried by the draw's lower CA 15-3 result
        (cea, "rise"),
        (cea, "above_reference"),
        (second, "check_entry"),  # two results of one day far apart
    ]


def test_a_reading_deleted_before_its_flags_are_computed_raises_none(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flags are computed after the commit: another session may delete a reading between
    the two. It then raises no flag, and the draw's other readings are still judged."""
    judge = log_reading_module.flags_for_readings
    new_day = date(2026, 2, 5)

    def judge_after_another_session_deleted_the_cea(*args: Any) -> list[Flag]:
        engine = sa.create_engine(location_from(db_url).url)
        try:
            with engine.begin() as connection:
                gone = sa.delete(Reading).where(
                    Reading.marker == "CEA", Reading.drawn_on == new_day
                )
                assert connection.execute(gone).rowcount == 1
        finally:
            engine.dispose()
        return judge(*args)

    with Library.open(db_url) as t:
        t.add_draw([("CEA", 2.0, None), ("CA15-3", 20, None)], drawn_on="2026-01-05")
        monkeypatch.setattr(
            log_reading_module, "flags_for_readings", judge_after_another_session_deleted_the_cea
        )
        logged = t.add_draw([("CEA", 6, None), ("CA15-3", 60, None)], drawn_on=new_day)
    ca153 = logged.readings[1].id
    assert [(flag.reading_id, flag.kind) for flag in logged.flags] == [
        (ca153, "rise"),
        (ca153, "above_reference"),
    ]
    assert len(database_snapshot(db_url)["reading"]) == 3


def test_edit_to_another_marker_prints_that_markers_flags(tracker: Tracker) -> None:
    tracker.ok("add", "CA15-3", "20", "--date", "2026-01-05")
    tracker.ok("add", "CEA", "2.2", "--date", "2026-02-05")
    edited = tracker.ok("edit", "2", "--marker", "CA15-3", "--value", "90").stdout
    assert edited.splitlines()[:2] == [
        "Updated #2: CA 15-3 90 U/mL on 2026-02-05",
        "  CA 15-3 rise: 20 -> 90 U/mL (+350%) since the previous result on 5 Jan 2026 —",
    ]
