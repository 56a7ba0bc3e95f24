"""Strict CSV (issue 13, items 5 and 13): a malformed quote is a bad row named by its row
number, never a reason to swallow the rows after it; rows and cells are bounded."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.helpers.cli_runs import Tracker
from tests.helpers.csv_files import feed_fails, feed_ok
from tests.helpers.databases import database_snapshot
from tests.helpers.memory import measured_result, start_measured

HEADER = "marker,value,drawn_on,note\n"
# Peak memory allowed to an import refusing a huge row (the interpreter, SQLAlchemy and
# the catalogue take about 60 MB; the row itself must not count).
PEAK_RSS_LIMIT_KB = 150_000


def _refused(tracker: Tracker, text: str) -> list[str]:
    tracker.ok("add", "CEA", "1.0", "--date", "2024-01-01")  # a database to leave unchanged
    before = database_snapshot(tracker.db)
    result = feed_fails(tracker, text)
    assert database_snapshot(tracker.db) == before
    return result.stderr.splitlines()


def test_a_stray_quote_at_the_start_of_a_note_does_not_swallow_rows(tracker: Tracker) -> None:
    text = (
        HEADER
        + 'CEA,3.0,2025-01-05,"oops\n'
        + "CEA,3.1,2025-02-05,fine\n"
        + 'CEA,3.2,2025-03-05,"ok"\n'
        + "CEA,3.3,2025-04-05,\n"
    )
    assert _refused(tracker, text) == [
        "Error: nothing was imported: 1 row has a problem in standard input",
        "  row 2: text follows a closing quote (a cell that holds a quote must be quoted whole, "
        'with each quote doubled: "say ""hi""")',
    ]


def test_a_quoted_cell_left_open_to_the_end_of_the_file_is_a_bad_row(tracker: Tracker) -> None:
    text = (
        HEADER + "CEA,3.0,2025-01-05,\n" + 'CEA,3.1,2025-02-05,"never closed\nCEA,3.2,2025-03-05,\n'
    )
    assert _refused(tracker, text)[1:] == [
        "  row 3: a quote opens a cell in row 3 that is never closed: it runs to the end "
        "of the file"
    ]


def test_a_quote_in_the_middle_of_a_cell_is_a_bad_row(tracker: Tracker) -> None:
    text = HEADER + 'CEA,3.0,2025-01-05,ab"c\n' + 'CEA,3.1,2025-02-05, "spaced"\n'
    expected = (
        'a quote (") stands inside a cell; a cell that holds a quote must be quoted whole, '
        'with each quote doubled: "say ""hi"""'
    )
    assert _refused(tracker, text)[1:] == [f"  row 2: {expected}", f"  row 3: {expected}"]


def test_quoted_line_breaks_stay_one_row_and_later_rows_keep_their_numbers(
    tracker: Tracker,
) -> None:
    text = HEADER + 'CEA,3.0,2025-01-05,"line one\nline two"\n' + "CEA,x,2025-02-05,\n"
    lines = _refused(tracker, text)
    assert lines[1].startswith("  row 3: value 'x'")
    good = HEADER + 'CEA,3.0,2025-01-05,"line one\nsaid ""fine"", twice"\n'
    feed_ok(tracker, good)
    assert [r["note"] for r in tracker.json("list")][1:] == ['line one\nsaid "fine", twice']


def test_a_row_with_too_many_cells_is_a_bad_row(tracker: Tracker) -> None:
    text = HEADER + "CEA,3.0,2025-01-05," + "," * 5_000 + "\n"
    assert _refused(tracker, text)[1:] == ["  row 2: the row has 5,004 cells; at most 1,000"]


def test_a_huge_csv_line_is_refused_in_bounded_memory(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """One 200 MB line (streamed, never on disk): a clean error, and little memory.

    The bound is in the reader, before any database work: one backend shows it.
    """
    tracker = sqlite_tracker
    report = tmp_path / "peak"
    process = start_measured(["--db", tracker.db, "import", "-"], report)
    # The writer thread owns the pipe: communicate() would close a stdin it can see,
    # in the middle of a write, and the import would read a short line and an end.
    stdin = process.stdin
    assert stdin is not None
    process.stdin = None

    def feed() -> None:
        try:
            stdin.write(HEADER.encode() + b"CEA,3.0,2025-01-05,")
            chunk = b"x," * 500_000
            for _ in range(200):  # 200 MB of cells on one line
                stdin.write(chunk)
            stdin.write(b"\n")
        except BrokenPipeError:
            pass  # the import stopped reading, as it should
        finally:
            try:
                stdin.close()
            except BrokenPipeError:
                pass  # closing flushes what the import no longer reads

    writer = threading.Thread(target=feed)
    writer.start()
    _, stderr = process.communicate(timeout=300)
    writer.join(timeout=120)
    peak_kb, code = measured_result(report)
    assert code == 1
    assert stderr.decode().splitlines() == [
        "Error: nothing was imported: 1 row has a problem in standard input",
        "  row 2: the row is longer than 1,048,576 characters; the import stops reading here",
    ]
    assert peak_kb < PEAK_RSS_LIMIT_KB, peak_kb
