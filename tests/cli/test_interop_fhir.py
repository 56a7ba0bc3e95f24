"""FHIR as other systems write it: a Synthea transaction Bundle, a portal searchset, NDJSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES

SYNTHEA = FIXTURES / "synthea_transaction.json"
SEARCHSET = FIXTURES / "portal_searchset.json"


def _rows(tracker: Tracker) -> list[tuple[Any, ...]]:
    return [
        (r["marker"], r["qualifier"], r["value"], r["unit"], r["drawn_on"], r["lab"], r["ref_high"])
        for r in tracker.json("list")
    ]


def test_synthea_bundle_reads_ucum_units_and_not_the_race_code(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Yuki")
    result = tracker.ok("import", str(SYNTHEA))
    assert result.stdout.splitlines()[:2] == [
        "Imported 3 readings (CEA 1, CA 15-3 1, CA 125 1) and 0 events.",
        "2 Observations skipped: 1 Observation with another code (LOINC 29463-7), "
        "1 Observation with another code (LOINC 72166-2).",
    ]
    # k[IU]/L, ug/L and [IU]/mL are the catalogue's units 1:1; what was written is kept.
    assert _rows(tracker) == [
        ("CA 15-3", None, 33.8, "U/mL", "2025-11-03", None, None),
        ("CEA", None, 2.7, "ng/mL", "2025-11-03", None, None),
        ("CA 125", None, 18.2, "U/mL", "2025-11-03", None, None),
    ]
    assert [r["patient"] for r in tracker.json("list")] == ["Yuki"] * 3
    # The race extension's CDC code 2039-6 (Japanese) has CEA's LOINC digits in another
    # system: the one CEA reading above is the Observation's, nothing came from the Patient.
    again = tracker.ok("import", str(SYNTHEA))
    assert again.stdout.splitlines()[0] == (
        "Imported 0 readings and 0 events; 3 rows were already present."
    )


def test_searchset_statuses_value_strings_and_text_ranges(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    result = tracker.ok("import", str(SEARCHSET))
    assert result.stdout.splitlines()[:2] == [
        "Imported 5 readings (CEA 2, CA 15-3 2, CA 125 1) and 0 events.",
        "3 Observations skipped: 1 CA 125 result with status 'cancelled', "
        "1 CA 15-3 result with status 'entered-in-error', "
        "1 CEA result with status 'preliminary'.",
    ]
    lab = "Lakeside Laboratory"
    assert _rows(tracker) == [
        # "0-30 U/mL" and "< 5.0" as text give the lab's limits.
        ("CA 15-3", None, 27.0, "U/mL", "2025-09-15", lab, 30.0),
        ("CEA", "<", 0.5, "ng/mL", "2025-09-15", lab, 5.0),
        # The corrected result is taken; the one entered in error (270) is not.
        ("CA 15-3", None, 27.5, "U/mL", "2025-10-20", lab, 30.0),
        ("CA 125", None, 12.0, "U/mL", "2025-12-01", lab, 35.0),
        # `high` wins over a text that says otherwise.
        ("CEA", None, 1.9, "ng/mL", "2025-12-01", lab, 3.4),
    ]


def test_a_foreign_unit_that_the_marker_does_not_take_is_refused(
    tracker: Tracker, tmp_path: Path
) -> None:
    document = json.loads(SYNTHEA.read_text(encoding="utf-8"))
    quantity = document["entry"][4]["resource"]["valueQuantity"]  # the CEA Observation
    quantity["code"] = quantity["unit"] = "[IU]/mL"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    tracker.ok("add", "CA 15-3", "20", "--date", "2025-01-02")
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(path))
    assert "nothing was imported: 1 entry has a problem" in result.stderr
    assert "CEA is measured in ng/mL" in result.stderr and "got '[IU]/mL'" in result.stderr
    assert database_snapshot(tracker.db) == before


def test_ucum_code_wins_over_the_display_unit(tracker: Tracker, tmp_path: Path) -> None:
    document = json.loads(SYNTHEA.read_text(encoding="utf-8"))
    quantity = document["entry"][3]["resource"]["valueQuantity"]  # CA 15-3
    quantity["unit"] = "kilo international unit per liter"
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    tracker.ok("import", str(path))
    assert ("CA 15-3", None, 33.8, "U/mL", "2025-11-03", None, None) in _rows(tracker)


def test_add_and_csv_take_the_same_spellings(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("add", "CA 15-3", "41", "k[IU]/L", "--date", "2026-01-05")
    tracker.ok("add", "CA 27.29", "36 [arb'U]/mL", "--date", "2026-01-05")
    csv_file = tmp_path / "lab.csv"
    csv_file.write_text(
        "marker,value,unit,drawn_on\nCA 125,20,[IU]/mL,2026-01-06\nCEA,2.1,ug/L,2026-01-06\n",
        encoding="utf-8",
    )
    tracker.ok("import", str(csv_file))
    assert [(m, v, u) for m, _, v, u, *_ in _rows(tracker)] == [
        ("CA 15-3", 41.0, "U/mL"),
        ("CA 27.29", 36.0, "U/mL"),
        ("CA 125", 20.0, "U/mL"),
        ("CEA", 2.1, "ng/mL"),
    ]
    refused = tracker.fails("add", "CEA", "3", "[IU]/mL", "--date", "2026-01-07")
    assert refused.stderr.startswith("Error: CEA is measured in ng/mL")
