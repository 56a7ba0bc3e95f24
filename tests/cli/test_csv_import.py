"""`tracker import`: real-world dialects, patients, idempotence, dry runs and stdin."""

from __future__ import annotations

from typing import Any

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_fails, feed_ok
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES

HEADER = "record,patient,marker,value,unit,drawn_on,lab,ref_high,note,kind,name,ended_on"


def brief(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """A reading as (marker, qualifier, value, unit, date, lab, ref_high, note)."""
    return [
        (r["marker"], r["qualifier"], r["value"], r["unit"], r["drawn_on"], r["lab"],
         r["ref_high"], r["note"])
        for r in rows
    ]  # fmt: skip


def test_semicolon_file_with_bom_and_decimal_commas(tracker: Tracker) -> None:
    result = tracker.ok("import", str(FIXTURES / "semicolon_decimal_comma_bom.csv"))
    assert result.stdout.splitlines()[0] == (
        "Imported 4 readings (CEA 2, CA 15-3 2) and 0 events; created patient 'me'."
    )
    assert result.stderr == ""
    assert brief(tracker.json("list")) == [
        ("CEA", None, 2.8, "ng/mL", "2025-11-03", "Labor Nord", 5.0, "nüchtern"),
        ("CA 15-3", None, 31.5, "U/mL", "2025-11-03", "Labor Nord", 30.0, None),
        ("CEA", "<", 0.5, "ng/mL", "2026-01-12", "Labor Nord", None, "Kontrolle; nach Zyklus 3"),
        ("CA 15-3", None, 1234.5, "U/mL", "2026-01-12", "Labor Nord", 30.0, None),
    ]  # fmt: skip


def test_lab_portal_file_with_extra_columns_and_a_date_column(tracker: Tracker) -> None:
    result = tracker.ok("import", str(FIXTURES / "lab_portal.csv"))
    assert result.stderr == (
        "Warning: ignored columns the tracker does not use: Order No, Specimen, Status\n"
    )
    assert result.stdout.splitlines()[0] == (
        "Imported 4 readings (CEA 2, CA 15-3 2) and 0 events; created patient 'me'."
    )
    assert brief(tracker.json("list")) == [
        ("CEA", None, 3.4, "ng/mL", "2025-12-01", "City Lab", 5.0, None),
        ("CA 15-3", None, 28.0, "U/mL", "2025-12-01", "City Lab", 30.0, None),
        ("CEA", None, 4.1, "ng/mL", "2026-02-09", "City Lab", 5.0, None),
        ("CA 15-3", ">", 300.0, "U/mL", "2026-02-09", "City Lab", 30.0, None),
    ]  # fmt: skip


def test_tab_delimited_file(tracker: Tracker) -> None:
    tracker.ok("import", str(FIXTURES / "tab_delimited.tsv"))
    assert brief(tracker.json("list")) == [
        ("CEA", None, 3.1, "ng/mL", "2026-01-05", "City Lab", None, "baseline, fasting"),
        ("CA 27.29", None, 41.0, "U/mL", "2026-02-02", "City Lab", None, None),
        ("CA 125", None, 0.0, "U/mL", "2026-02-02", "City Lab", None, "zero"),
    ]  # fmt: skip


def test_delimiter_and_decimal_comma_options(tracker: Tracker) -> None:
    text = "drawn_on|marker|value|ref_high\n2026-01-05|CEA|4,25|5,5\n2026-01-06|CEA|1.234,5|\n"
    feed_ok(tracker, text, "--delimiter", "|", "--decimal-comma")
    assert [(r["value"], r["ref_high"]) for r in tracker.json("list")] == [
        (4.25, 5.5), (1234.5, None)
    ]  # fmt: skip
    bad = feed_fails(tracker, text, "--delimiter", "ab")
    assert bad.stderr.startswith("Error: --delimiter 'ab' must be one character")


def test_exported_fixture_imports_every_patient_and_event(tracker: Tracker) -> None:
    result = tracker.ok("import", str(FIXTURES / "exported.csv"))
    assert result.stdout.splitlines()[0] == (
        "Imported 6 readings (CEA 3, CA 15-3 2, CA 125 1) and 3 events; "
        "created patients '=Ann', 'Zed Smith'."
    )
    notes = [r["note"] for r in tracker.json("list", patient="Zed Smith")]
    assert notes == ['fasting, "as usual"', None, "=SUM(A1)", "line one\nline two", "'quoted"]
    assert tracker.json("list", patient="Zed Smith")[-1]["lab"] == "-lab"
    events = tracker.json("event", "list", patient="=Ann")
    assert [(e["kind"], e["name"], e["note"]) for e in events] == [
        ("symptom", "bone pain", "\ttab first")
    ]


def test_rerun_and_overlapping_files_add_nothing_twice(tracker: Tracker) -> None:
    first = f"{HEADER}\nreading,,CEA,3.1,,2026-01-05,,,,,,\nreading,,CEA,3.4,,2026-02-05,,,,,,\n"
    feed_ok(tracker, first)
    again = feed_ok(tracker, first)
    assert again.stdout == "Imported 0 readings and 0 events; 2 rows were already present.\n"
    overlap = first + "reading,,CEA,3.9,,2026-03-05,,,,,,\nevent,,,,,2026-01-10,,,,treatment,tam,\n"
    result = feed_ok(tracker, overlap)
    assert result.stdout.splitlines()[0] == (
        "Imported 1 reading (CEA 1) and 1 event; 2 rows were already present."
    )
    assert [r["value"] for r in tracker.json("list")] == [3.1, 3.4, 3.9]


def test_rows_repeated_within_a_file_count_as_already_present(tracker: Tracker) -> None:
    # The same reading twice, once with the lab column empty: a NULL lab is one value.
    text = "marker,value,date,lab\nCEA,3.1,2026-01-05,\nCEA,3.1,2026-01-05,\nCEA,3.1,2026-01-05,X\n"
    result = feed_ok(tracker, text)
    assert result.stdout.splitlines()[0] == (
        "Imported 2 readings (CEA 2) and 0 events; 1 row was already present; created patient 'me'."
    )
    tracker.ok("add", "CEA", "3.4", "--date", "2026-02-01")
    assert feed_ok(tracker, text).stdout.startswith("Imported 0 readings")


def test_dry_run_counts_but_writes_nothing(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    before = database_snapshot(tracker.db)
    text = (
        "patient,marker,value,date\n,CEA,3.1,2026-01-05\n,CEA,3.4,2026-02-05\n"
        "Bea,CA125,12,2026-01-05\n,CEA,3.4,2026-02-05\n"
    )
    result = feed_ok(tracker, text, "--dry-run")
    assert result.stdout == (
        "Would import 2 readings (CEA 1, CA 125 1) and 0 events; 2 rows are already "
        "present; would create patient 'Bea'. Nothing was written (dry run).\n"
    )
    assert database_snapshot(tracker.db) == before


def test_patient_column_selected_patient_and_created_patients(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann")
    text = (
        "patient,marker,value,date\nAnn,CEA,3,2026-01-05\n,CEA,4,2026-01-06\nBea,CEA,5,2026-01-07\n"
    )
    result = feed_ok(tracker, text)
    assert result.stdout.splitlines()[0] == (
        "Imported 3 readings (CEA 3) and 0 events; created patient 'Bea'."
    )
    assert [r["value"] for r in tracker.json("list", patient="Ann")] == [3.0, 4.0]
    assert [r["value"] for r in tracker.json("list", patient="Bea")] == [5.0]
    # Now two patients: an empty cell needs --patient, a named one does not.
    named = "patient,marker,value,date\nBea,CEA,6,2026-01-08\n"
    feed_ok(tracker, named)
    unnamed = "patient,marker,value,date\n,CEA,6,2026-01-08\n"
    before = database_snapshot(tracker.db)
    ambiguous = feed_fails(tracker, unnamed, code=2)
    assert "several patients are stored (Ann, Bea)" in ambiguous.stderr
    assert database_snapshot(tracker.db) == before
    feed_ok(tracker, unnamed, patient="Ann")
    assert [r["value"] for r in tracker.json("list", patient="Ann")] == [3.0, 4.0, 6.0]
    nobody = feed_fails(tracker, unnamed, patient="Cy")
    assert nobody.stderr.startswith("Error: no patient named 'Cy' (known: Ann, Bea)")


def test_events_and_readings_without_record_column(tracker: Tracker) -> None:
    text = (
        "record,kind,name,date,ended_on,note,marker,value\n"
        "event,Treatment,letrozole,2026-01-10,,first line,,\n"
        "event,condition,smoking,2020-01-01,2025-06-30,,,\n"
        "reading,,,2026-01-12,,,CEA,2.5\n"
    )
    feed_ok(tracker, text)
    events = tracker.json("event", "list")
    assert [(e["kind"], e["name"], e["started_on"], e["ended_on"], e["note"]) for e in events] == [
        ("condition", "smoking", "2020-01-01", "2025-06-30", None),
        ("treatment", "letrozole", "2026-01-10", None, "first line"),
    ]
    assert [r["value"] for r in tracker.json("list")] == [2.5]
    # Without a record column every row is a reading, whatever else it holds.
    readings_only = "kind,name,date,marker,value\ncondition,smoking,2026-01-01,,\n"
    result = feed_fails(tracker, readings_only)
    assert result.stderr == (
        "Error: nothing was imported: 1 row has a problem in standard input\n"
        "  row 2: the reading names no marker\n"
    )


def test_header_names_are_case_insensitive_and_aliases_match_add(tracker: Tracker) -> None:
    text = (
        "VALUE,Unit,MARKER,Date,Ref High\n28,kU/L,ca153,2026-01-05,35\n"
        "2,µg/L,cea,2026-01-05,\n12,U/ml,CA-125,today,\n"
    )
    feed_ok(tracker, text)
    rows = tracker.json("list")
    assert [(r["marker"], r["value"], r["unit"], r["ref_high"]) for r in rows] == [
        ("CA 15-3", 28.0, "U/mL", 35.0), ("CEA", 2.0, "ng/mL", None),
        ("CA 125", 12.0, "U/mL", None),
    ]  # fmt: skip


def test_header_only_imports_nothing_and_says_so(tracker: Tracker) -> None:
    result = feed_ok(tracker, f"{HEADER}\r\n")
    assert result.stdout == "No rows to import: standard input has a header but no data rows.\n"
    blank_rows = feed_ok(tracker, f"{HEADER}\n\n,,,,,,,,,,,\n")
    assert blank_rows.stdout.startswith("No rows to import")
    assert tracker.json("list") == []


def test_import_prints_the_flags_of_the_newest_imported_reading(tracker: Tracker) -> None:
    text = "marker,value,date,lab\n" + "".join(
        f"CEA,{value},2026-0{month}-01,City Lab\n"
        for month, value in enumerate([2.0, 2.1, 2.0, 4.5], start=1)
    )
    result = feed_ok(tracker, text)
    trend = tracker.json("trend")
    newest = [f["message"] for f in trend["flags"] if f["drawn_on"] == "2026-04-01"]
    assert newest, trend
    assert (
        result.stdout.splitlines()[0]
        == "Imported 4 readings (CEA 4) and 0 events; created patient 'me'."
    )
    # Briefly, as after `add` (issue 15): one headline per flag, then the causes once.
    printed = " ".join(" ".join(result.stdout.splitlines()[1:]).split())
    assert printed.startswith("CEA rise: 2 -> 4.5 ng/mL (+125%) since the previous result")
    assert printed.count("Benign conditions that can also raise CEA") == 1
    assert printed.endswith("Discuss with your oncologist.")
    # -v: the full texts of the same flags.
    tracker.ok("delete", "1", "2", "3", "4", "--yes")
    verbose = " ".join(" ".join(feed_ok(tracker, text, "-v").stdout.splitlines()[1:]).split())
    assert " ".join(newest[0].split()).split(" Benign")[0] in verbose
    dry = feed_ok(tracker, text.replace("4.5", "4.6"), "--dry-run")
    assert dry.stdout.count("\n") == 1
