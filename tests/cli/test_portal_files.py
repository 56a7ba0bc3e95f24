"""Files from lab portals and spreadsheets as they come (README, "CSV export and import").

Four portal styles in tests/fixtures/portals (two of them the shipped examples/), then
each rule on its own: header names, reference ranges, dates and the delimiter hint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.paths import FIXTURES

PORTALS = FIXTURES / "portals"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def brief(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (r["marker"], r["qualifier"], r["value"], r["unit"], r["drawn_on"], r["lab"], r["ref_high"])
        for r in rows
    ]


def test_the_examples_are_the_us_and_eu_fixtures() -> None:
    assert (EXAMPLES / "lab-portal.csv").read_bytes() == (PORTALS / "us_portal.csv").read_bytes()
    eu = (EXAMPLES / "lab-portal-eu.csv").read_bytes()
    assert eu == (PORTALS / "eu_semicolon.csv").read_bytes()


def test_us_portal_month_first_dates_settled_by_the_file(tracker: Tracker) -> None:
    result = tracker.ok("import", str(PORTALS / "us_portal.csv"))
    assert result.stderr == "Warning: ignored columns the tracker does not use: Specimen, Flag\n"
    assert result.stdout.splitlines()[0] == (
        "Imported 4 readings (CEA 2, CA 15-3 2) and 0 events; created patient 'me'."
    )
    assert brief(tracker.json("list")) == [
        ("CEA", None, 2.8, "ng/mL", "2025-07-14", "City Lab", 5.0),
        ("CA 15-3", None, 24.0, "U/mL", "2025-07-14", "City Lab", 30.0),
        ("CEA", None, 3.0, "ng/mL", "2025-10-06", "City Lab", 5.0),
        ("CA 15-3", None, 26.0, "U/mL", "2025-10-06", "City Lab", 30.0),
    ]


def test_eu_portal_semicolons_decimal_commas_dotted_dates(tracker: Tracker) -> None:
    result = tracker.ok("import", str(PORTALS / "eu_semicolon.csv"))
    assert result.stderr == ""
    assert brief(tracker.json("list")) == [
        ("CEA", None, 2.4, "ng/mL", "2025-03-12", "Labor Nord", 5.0),
        ("CA 15-3", None, 18.5, "U/mL", "2025-03-12", "Labor Nord", 30.0),
        ("CEA", None, 3.6, "ng/mL", "2025-06-18", "Labor Nord", 5.0),
        ("CA 15-3", None, 21.0, "U/mL", "2025-06-18", "Labor Nord", 30.0),
        ("CEA", None, 4.9, "ng/mL", "2025-09-24", "Labor Nord", 5.0),
        ("CA 15-3", None, 22.4, "U/mL", "2025-09-24", "Labor Nord", 30.0),
    ]
    # Entered units are kept as typed (µg/L, kU/L), values in the canonical unit.
    assert {r["unit"] for r in tracker.json("list")} == {"ng/mL", "U/mL"}


def test_uk_day_first_dates_need_the_date_format(tracker: Tracker) -> None:
    path = str(PORTALS / "uk_day_first.csv")
    tracker.ok("patient", "add", "me")
    before = database_snapshot(tracker.db)
    refused = tracker.fails("import", path)
    assert refused.stderr == (
        f"Error: nothing was imported: 3 rows of {path} have dates such as '03/11/2025' that "
        "could be day/month or month/day, and no date in the file settles it; say which with "
        "--date-format DD/MM/YYYY or --date-format MM/DD/YYYY\n"
    )
    assert database_snapshot(tracker.db) == before
    tracker.ok("import", path, "--date-format", "DD/MM/YYYY")
    assert brief(tracker.json("list")) == [
        ("CEA", None, 3.1, "ng/mL", "2025-11-03", "St Mary's Pathology", 5.0),
        ("CA 15-3", None, 27.0, "U/mL", "2025-11-03", "St Mary's Pathology", 30.0),
        ("CEA", None, 3.4, "ng/mL", "2025-12-05", "St Mary's Pathology", 5.0),
    ]


def test_uk_day_first_read_month_first_when_told_so(tracker: Tracker) -> None:
    tracker.ok("import", str(PORTALS / "uk_day_first.csv"), "--date-format", "mm/dd/yyyy")
    assert [r["drawn_on"] for r in tracker.json("list")] == [
        "2025-03-11", "2025-03-11", "2025-05-12"
    ]  # fmt: skip


def test_tab_portal_times_qualifiers_and_ranges_with_units(tracker: Tracker) -> None:
    tracker.ok("import", str(PORTALS / "tab_portal.tsv"))
    assert brief(tracker.json("list")) == [
        ("CEA", "<", 0.5, "ng/mL", "2025-03-04", "Riverside Labs", 3.8),
        ("CA 125", None, 12.0, "U/mL", "2025-03-04", "Riverside Labs", 35.0),
        ("CA 27.29", None, 31.0, "U/mL", "2025-06-02", "Riverside Labs", 38.0),
    ]


@pytest.mark.parametrize(
    ("cell", "ref_high"),
    [("0-30", 30.0), ("< 30", 30.0), ("≤ 30", 30.0), ("0.0 - 5.0", 5.0), ("<=12.5", 12.5),
     ("0 – 35", 35.0), ("0 to 31 U/mL", 31.0), ("", None)],
)  # fmt: skip
def test_reference_range_upper_bounds(sqlite_tracker: Tracker, tmp_path: Path,
                                      cell: str, ref_high: float | None) -> None:  # fmt: skip
    path = tmp_path / "range.csv"
    path.write_text(f'Test,Result,Collected,Normal range\nCA 15-3,20,2025-01-02,"{cell}"\n')
    sqlite_tracker.ok("import", str(path))
    assert sqlite_tracker.json("list")[0]["ref_high"] == ref_high


def test_a_ref_high_column_wins_over_the_range(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "both.csv"
    path.write_text("marker,value,drawn_on,ref_high,reference range\nCEA,2,2025-01-02,3.4,0-5\n")
    sqlite_tracker.ok("import", str(path))
    assert sqlite_tracker.json("list")[0]["ref_high"] == 3.4


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        (
            "Test,Result,Date,Reference range",
            "CEA,2,2025-01-02,> 5",
            "row 2: reference range '> 5' has no upper limit like 0-30, < 30 or 0.0 - 5.0",
        ),
        (
            "Test,Result,Date",
            "CEA,2,13/14/2025",
            "row 2: date '13/14/2025' is not a date; use YYYY-MM-DD, 'today' or 'yesterday'",
        ),
        (
            "Test,Result,Date",
            "CEA,2,31.02.2025",
            "row 2: date '31.02.2025' is not a date; use YYYY-MM-DD, 'today' or 'yesterday'",
        ),
        (
            "Test,Result,Date",
            "CEA,2,2.1.25",
            "row 2: date '2.1.25' is not a date; use YYYY-MM-DD, 'today' or 'yesterday' "
            "(--date-format reads DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY)",
        ),
        ("Test,Result,Date", "CEA,2,01.02.2999", "row 2: date '01.02.2999' is in the future"),
    ],
)
def test_bad_portal_cells_are_named_and_nothing_is_stored(
    tracker: Tracker, tmp_path: Path, header: str, row: str, message: str
) -> None:
    tracker.ok("patient", "add", "me")
    path = tmp_path / "bad.csv"
    path.write_text(f"{header}\nCEA,1,2025-01-01\n{row}\n")
    before = database_snapshot(tracker.db)
    result = tracker.fails("import", str(path))
    assert result.stderr.splitlines()[0].startswith("Error: nothing was imported: 1 row has")
    assert result.stderr.splitlines()[1].strip().replace("row 3", "row 2").startswith(message)
    assert database_snapshot(tracker.db) == before


def test_slashed_dates_that_disagree_are_refused(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("Test,Result,Date\nCEA,2,13/01/2025\nCEA,3,01/14/2025\n")
    result = sqlite_tracker.fails("import", str(path))
    assert result.stderr.splitlines()[1] == (
        "  row 3: date '01/14/2025' puts the month first, but '13/01/2025' earlier in the file "
        "does not; say which with --date-format DD/MM/YYYY or --date-format MM/DD/YYYY"
    )


def test_a_later_row_settles_earlier_slashed_dates(sqlite_tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "later.csv"
    path.write_text("Test,Result,Date\nCEA,2,03/04/2025\nCEA,2.2,05/06/2025\nCEA,2.3,25/06/2025\n")
    sqlite_tracker.ok("import", str(path))
    assert [r["drawn_on"] for r in sqlite_tracker.json("list")] == [
        "2025-04-03", "2025-06-05", "2025-06-25"
    ]  # fmt: skip


def test_an_iso_file_with_a_date_format_still_reads_iso(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    path = tmp_path / "iso.csv"
    path.write_text("marker,value,drawn_on\nCEA,2,2025-01-02\nCEA,2.1,02.03.2025\n")
    result = sqlite_tracker.fails("import", str(path), "--date-format", "DD/MM/YYYY")
    assert result.stderr.splitlines()[1] == (
        "  row 3: date '02.03.2025' is not a date; use DD/MM/YYYY, 'today' or 'yesterday'"
    )
    bad = sqlite_tracker.fails("import", str(path), "--date-format", "YYYY/MM/DD", code=2)
    assert "Invalid value for '--date-format'" in bad.stderr


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("Test;Result;Units;Collected\nCEA;2,1;ng/mL;2025-01-02\n", ["--delimiter", ","],
         "Error: the header does not split at --delimiter ',': it is one column "
         "('Test;Result;Units;Collected'); the file seems to use ';' (try --delimiter ';')"),
        ("Test,Result,Units,Collected\nCEA,2.1,ng/mL,2025-01-02\n", ["--delimiter", ";"],
         "Error: the header does not split at --delimiter ';': it is one column "
         "('Test,Result,Units,Collected'); the file seems to use ',' (try --delimiter ',')"),
        ("Test|Result|Units|Collected\nCEA|2.1|ng/mL|2025-01-02\n", [],
         "Error: the header does not split at the detected delimiter ',': it is one column "
         "('Test|Result|Units|Collected'); the file seems to use '|' (try --delimiter '|')"),
        ("Test\tResult\tUnits\tCollected\nCEA\t2.1\tng/mL\t2025-01-02\n", ["--delimiter", ";"],
         "Error: the header does not split at --delimiter ';': it is one column "
         "('Test\\tResult\\tUnits\\tCollected'); the file seems to use tab "
         "(try --delimiter tab)"),
    ],
)  # fmt: skip
def test_a_delimiter_that_does_not_match_says_which_seems_used(
    tracker: Tracker, tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    path = tmp_path / "file.csv"
    path.write_text(content)
    assert tracker.fails("import", str(path), *args).stderr == message + "\n"
    tracker.ok(
        "import", str(path), "--delimiter", message.rsplit("--delimiter ", 1)[1][:-1].strip("'")
    )
    assert len(tracker.json("list")) == 1


def test_the_library_takes_a_date_format(tmp_path: Path) -> None:
    from tracker import Tracker as Library

    with Library.open(tmp_path / "lib.db") as library:
        outcome = library.import_file(PORTALS / "uk_day_first.csv", date_format="DD/MM/YYYY")
        assert outcome.summary.readings == 3
