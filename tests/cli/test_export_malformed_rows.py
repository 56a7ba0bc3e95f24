"""Issue 13, item 10 (export): a malformed stored row is left out and named, not a crash.

``export`` writes the rows it can read and prints the same one-line notice as ``trend``
on stderr, for CSV and FHIR, to stdout or to a file. Rows are planted as another program
would write them (see tests/cli/test_malformed_rows.py).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.malformed_rows import NOTICE, plant, plant_sqlite, three_readings

READINGS_NOTICE = NOTICE.format(count="2 stored readings", ids="#2, #3")


@pytest.fixture
def malformed(sqlite_tracker: Tracker) -> Tracker:
    """CEA #1 to #3 (#2 dated 2025-02-30, #3 valued '1.5x') and one unreadable event."""
    three_readings(sqlite_tracker)
    sqlite_tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-01-05")
    sqlite_tracker.ok("event", "add", "imaging", "scan", "--date", "2025-01-06")
    path = Path(sqlite_tracker.db)
    plant_sqlite(path, "UPDATE reading SET drawn_on = '2025-02-30' WHERE id = 2")
    plant_sqlite(path, "UPDATE reading SET value = '1.5x' WHERE id = 3")
    plant_sqlite(path, "UPDATE event SET started_on = '2025-13-01' WHERE id = 2")
    return sqlite_tracker


EVENT_NOTICE = (
    "Note: 1 stored event could not be read (#2); run `tracker check` to see why, and fix "
    "with `tracker event delete ID`\n"
)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


def test_csv_export_writes_the_readable_rows_and_names_the_others(malformed: Tracker) -> None:
    result = malformed.ok("export")
    rows = csv_rows(result.stdout)
    assert [(row[0], row[5]) for row in rows] == [
        ("reading", "2025-01-01"),
        ("event", "2025-01-05"),
    ]
    assert result.stderr == READINGS_NOTICE + EVENT_NOTICE


@pytest.mark.parametrize("export_format", ["csv", "fhir"])
def test_export_to_a_file_is_complete_and_notes_the_rows(
    malformed: Tracker, tmp_path: Path, export_format: str
) -> None:
    out = tmp_path / f"export.{export_format}"
    result = malformed.ok("export", "--format", export_format, "--out", str(out))
    assert result.stderr == READINGS_NOTICE + EVENT_NOTICE
    text = out.read_text(encoding="utf-8")
    if export_format == "fhir":
        kinds = [item["resource"]["resourceType"] for item in json.loads(text)["entry"]]
        assert kinds == ["Patient", "Observation", "MedicationStatement"]
    else:
        assert len(csv_rows(text)) == 2
    # What was written reads back: the readable data moves to a new database whole.
    copy = Tracker(str(tmp_path / "copy.db"), malformed.env)
    copy.ok("import", str(out))
    assert [row["drawn_on"] for row in copy.json("list")] == ["2025-01-01"]


def test_fhir_export_to_stdout_stays_one_document(malformed: Tracker) -> None:
    result = malformed.ok("export", "--format", "fhir")
    document = json.loads(result.stdout)
    assert len(document["entry"]) == 3
    assert result.stderr == READINGS_NOTICE + EVENT_NOTICE


@pytest.mark.parametrize("export_format", ["csv", "fhir"])
def test_export_of_all_patients_names_every_patients_rows(
    malformed: Tracker, export_format: str
) -> None:
    malformed.ok("patient", "add", "Bea")
    malformed.ok("add", "CEA", "2", "--date", "2025-01-02", patient="Bea")
    plant_sqlite(Path(malformed.db), "UPDATE reading SET value = 'x' WHERE id = 4")
    result = malformed.ok("export", "--format", export_format, "--all-patients")
    assert result.stderr == NOTICE.format(count="3 stored readings", ids="#2, #3, #4") + (
        EVENT_NOTICE
    )


@pytest.mark.parametrize("export_format", ["csv", "fhir"])
def test_a_nan_value_is_left_out_on_both_backends(tracker: Tracker, export_format: str) -> None:
    three_readings(tracker)
    plant(tracker.db, "UPDATE reading SET value = 'NaN' WHERE id = 2")
    result = tracker.ok("export", "--format", export_format)
    assert result.stderr == NOTICE.format(count="1 stored reading", ids="#2")
    if export_format == "csv":
        assert [row[3] for row in csv_rows(result.stdout)] == ["3", "5"]
    else:
        assert len(json.loads(result.stdout)["entry"]) == 3
