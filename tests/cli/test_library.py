"""The library's front door (``tracker.Tracker``) on both backends, against the CLI.

Each call is checked for what it stored and returned, that it printed nothing, and that
it agrees with the command line run on the same database.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import tracker.services.log_reading as log_reading_module
from tests.helpers.cli_runs import Tracker as Cli
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES, ROOT
from tracker import LoggedReading, Tracker
from tracker.errors import NotFoundError, TrackerError, ValidationError
from tracker.trend.types import Flag

PSA_MESSAGE = (
    "the database holds a reading with marker code 'PSA', which this version of the "
    "tracker does not know; `tracker check` lists such readings"
)


def _rising_ca153(t: Tracker) -> LoggedReading:
    t.add_reading("CA15-3", "24", drawn_on=date(2026, 1, 5), lab="City Lab")
    t.add_reading("CA15-3", 26, drawn_on="2026-03-30", lab="City Lab")
    return t.add_reading("CA15-3", "41", drawn_on=date(2026, 5, 4), lab="City Lab")


def _insert_unknown_marker(url: str) -> None:
    """A row another program wrote: a marker code this version does not know."""
    import sqlalchemy as sa

    from tracker.config import location_from

    engine = sa.create_engine(location_from(url).url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO reading (patient_id, marker, value, unit, entered_value, "
                    "drawn_on, source, created_at) VALUES ((SELECT MIN(id) FROM patient), "
                    "'PSA', 4.0, 'ng/mL', '4', '2026-01-06', 'x', '2026-01-06 00:00:00')"
                )
            )
    finally:
        engine.dispose()


def test_add_reading_returns_what_was_stored_and_the_flags_as_add_prints_them(
    db_url: str, tracker: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    with Tracker.open(db_url) as t:
        quiet = t.add_reading("CEA", "2", drawn_on=date(2026, 3, 30))
        logged = _rising_ca153(t)
    assert capsys.readouterr() == ("", "")
    assert quiet.flags == ()
    [stored] = quiet.readings
    assert (stored.marker, stored.value, stored.unit) == ("CEA", 2.0, "ng/mL")
    [reading] = logged.readings
    assert (reading.id, reading.marker, reading.value) == (4, "CA15-3", 41.0)
    assert reading.lab == "City Lab"
    assert reading.drawn_on == date(2026, 5, 4)
    assert [flag.kind for flag in logged.flags] == ["rise", "above_reference"]
    assert all(isinstance(flag, Flag) for flag in logged.flags)
    assert all(flag.message.endswith("Discuss with your oncologist.") for flag in logged.flags)
    # The same flags the command line prints for the same reading, word for word.
    printed = tracker.json("trend")["flags"]
    assert [f["message"] for f in printed if f["drawn_on"] == "2026-05-04"] == [
        flag.message for flag in logged.flags
    ]
    assert sorted(r["id"] for r in tracker.json("list")) == [1, 2, 3, 4]


def test_flags_are_judged_after_the_write_is_committed(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the trend engine runs, another writer can take the write lock at once."""
    seen: list[int] = []
    judge = log_reading_module.flags_for_readings

    def judge_while_another_writer_writes(*args: Any) -> list[Flag]:
        other = sqlite3.connect(sqlite_path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the lock were still held
            seen.extend(row[0] for row in other.execute("SELECT id FROM reading"))
            other.rollback()
        finally:
            other.close()
        return judge(*args)

    monkeypatch.setattr(log_reading_module, "flags_for_readings", judge_while_another_writer_writes)
    with Tracker.open(sqlite_path) as t:
        t.add_reading("CEA", "3.1", drawn_on=date(2026, 1, 5))
    assert seen == [1]  # committed, and visible to the other connection


def test_bad_input_raises_the_cli_message_and_changes_nothing(
    db_url: str, tracker: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    with Tracker.open(db_url) as t:
        t.add_reading("CEA", "3.1", drawn_on=date(2026, 1, 5))
        before = database_snapshot(db_url)
        with pytest.raises(ValidationError) as raised:
            t.add_reading("CA15-3", "28", "ng/mL", drawn_on=date(2026, 1, 6))
        with pytest.raises(ValidationError, match="negative"):
            t.add_reading("CEA", -1)
        with pytest.raises(ValidationError):
            t.add_event("holiday", "Crete")
    assert capsys.readouterr() == ("", "")
    assert database_snapshot(db_url) == before
    cli = tracker.fails("add", "CA15-3", "28", "ng/mL", "--date", "2026-01-06")
    assert cli.stderr == f"Error: {raised.value.message}\n"


def test_an_unknown_patient_is_an_error_not_a_new_person(db_url: str) -> None:
    with Tracker.open(db_url) as t:
        t.add_reading("CEA", "3.1", drawn_on=date(2026, 1, 5))
    before = database_snapshot(db_url)
    with Tracker.open(db_url, patient="Nobody") as t, pytest.raises(NotFoundError):
        t.trend()
    assert database_snapshot(db_url) == before


def test_add_event_and_trend_match_the_cli(db_url: str, tracker: Cli) -> None:
    with Tracker.open(db_url) as t:  # nobody stored yet: the empty document, as the CLI
        assert t.trend() == {"patient": None, "series": [], "flags": []} == tracker.json("trend")
    tracker.ok("patient", "add", "Ann")  # a named patient must exist, as on the command line
    with Tracker.open(db_url, patient="Ann") as t:
        event = t.add_event("condition", "hepatitis", started_on=date(2025, 12, 1))
        _rising_ca153(t)
        document = t.trend()
        only_cea = t.trend(marker="cea")
    assert (event.id, event.kind, event.name, event.ended_on) == (1, "condition", "hepatitis", None)
    assert tracker.json("event", "list", patient="Ann")[0]["name"] == "hepatitis"
    assert document == tracker.json("trend", patient="Ann")
    assert document["patient"] == "Ann" and document["flags"]
    assert only_cea == tracker.json("trend", "--marker", "CEA", patient="Ann")


def test_export_writes_what_the_cli_writes_and_import_reads_it_back(
    db_url: str, tracker: Cli, tmp_path: Path
) -> None:
    tracker.ok("patient", "add", "Ann")
    with Tracker.open(db_url, patient="Ann") as t:
        _rising_ca153(t)
        t.add_event("treatment", "letrozole", started_on="2026-01-10", note="daily")
        csv_counts = t.export(tmp_path / "ann.csv")
        fhir_counts = t.export(tmp_path / "ann.json", format="fhir")
    assert (csv_counts.readings, csv_counts.events) == (3, 1)
    assert (fhir_counts.readings, fhir_counts.events) == (3, 1)
    assert (tmp_path / "ann.csv").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "ann.csv").read_bytes() == tracker.ok("export", patient="Ann").stdout_bytes
    fhir_cli = tracker.ok("export", "--format", "fhir", patient="Ann").stdout
    assert json.loads((tmp_path / "ann.json").read_text()) == json.loads(fhir_cli)

    for name, kind in (("ann.csv", "csv"), ("ann.json", "fhir")):
        target = str(tmp_path / f"into-{kind}.db")
        with Tracker.open(target) as t:
            dry = t.import_file(tmp_path / name, dry_run=True)
            outcome = t.import_file(tmp_path / name)
            again = t.import_file(tmp_path / name)
        assert (dry.format, dry.summary.dry_run) == (kind, True)
        assert (outcome.format, outcome.summary.readings, outcome.summary.events) == (kind, 3, 1)
        assert not outcome.empty
        assert again.summary.readings == 0  # already stored: skipped
        # The import raises the same flag on the newest reading as add did.
        assert [flag.kind for _, flag in outcome.flags.flags] == ["rise", "above_reference"]
        copy = Cli(target, tracker.env)
        assert copy.json("list") == tracker.json("list")


def test_an_export_that_would_fail_writes_nothing_in_either_format(
    db_url: str, tracker: Cli, tmp_path: Path
) -> None:
    with Tracker.open(db_url) as t:
        t.add_reading("CEA", "3.1", drawn_on=date(2026, 1, 5))
    _insert_unknown_marker(db_url)
    for export_format in ("csv", "fhir"):
        out = tmp_path / f"out.{export_format}"
        with Tracker.open(db_url) as t, pytest.raises(TrackerError) as raised:
            t.export(out, format=export_format)  # type: ignore[arg-type]
        assert raised.value.message == PSA_MESSAGE
        assert not out.exists()
        # Standard output too: not a byte of a document that cannot be finished.
        result = tracker.fails("export", "--format", export_format)
        assert result.stdout == ""
        assert result.stderr == f"Error: {PSA_MESSAGE}\n"


def test_an_unknown_export_format_is_refused(db_url: str, tmp_path: Path) -> None:
    with Tracker.open(db_url) as t, pytest.raises(ValidationError, match="unknown export format"):
        t.export(tmp_path / "out.xml", format="xml")  # type: ignore[arg-type]
    assert not (tmp_path / "out.xml").exists()


def test_report_writes_the_pdf(db_url: str, tracker: Cli, tmp_path: Path) -> None:
    out = tmp_path / "ann.pdf"
    tracker.ok("patient", "add", "Ann")
    with Tracker.open(db_url, patient="Ann") as t:
        with pytest.raises(ValidationError, match="no readings to report for Ann"):
            t.report(out)
        _rising_ca153(t)
        line = t.report(out)
        with pytest.raises(ValidationError):
            t.report(tmp_path / "ann.txt")
    assert out.read_bytes().startswith(b"%PDF-")
    assert line == f"Wrote {out}: CA 15-3, 3 readings from 2026-01-05 to 2026-05-04"


def test_the_readme_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it from Python", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "lab_portal.csv", tmp_path / "lab_portal.csv")
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("1 ['CA 15-3 is 41 U/mL on 4 May 2026, above the usual upper")
    assert printed[1] == "4 csv"
    assert printed[2].startswith("Wrote ann.pdf: CEA and CA 15-3, 5 readings from ")
    assert (tmp_path / "ann.json").stat().st_mode & 0o777 == 0o600
    # The example created Ann; a second person of the same name (any case) is refused.
    from tracker import Tracker
    from tracker.errors import DuplicateError

    with Tracker.open(tmp_path / "tracker.db") as t, pytest.raises(DuplicateError):
        t.add_patient("ann")
