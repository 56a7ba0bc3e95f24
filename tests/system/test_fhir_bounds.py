"""FHIR/JSON input is bounded (issue 13, items 13 and 14): size, nesting depth and integer
length give one clean ``Error:`` line, never "unexpected internal error" or runaway memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import database_snapshot
from tests.helpers.memory import measured_result, start_measured
from tracker.interchange.json_bounds import JSON_MAX_DEPTH, nests_too_deeply

# Peak memory allowed to `yes '{' | tracker import -` (16 MB read, then refused).
PEAK_RSS_LIMIT_KB = 150_000


@pytest.mark.slow
def test_an_endless_stream_of_braces_stops_with_a_clear_error(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    braces = subprocess.Popen(["yes", "{"], stdout=subprocess.PIPE)
    assert braces.stdout is not None
    importer = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", db, "import", "-"],
        stdin=braces.stdout,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    braces.stdout.close()  # the importer holds the only reading end
    stdout, stderr = importer.communicate(timeout=120)
    braces.kill()
    braces.wait()
    assert importer.returncode == 1
    assert stdout == b""
    assert stderr.decode() == (
        "Error: standard input is larger than 16 MB, the limit for a FHIR file; export a "
        "shorter period, or use CSV, which has no size limit\n"
    )


@pytest.mark.slow
def test_the_brace_stream_peak_memory_is_bounded(tmp_path: Path) -> None:
    braces = subprocess.Popen(["yes", "{"], stdout=subprocess.PIPE)
    assert braces.stdout is not None
    report = tmp_path / "peak"
    importer = start_measured(
        ["--db", str(tmp_path / "t.db"), "import", "-"], report, stdin=braces.stdout
    )
    braces.stdout.close()
    importer.communicate(timeout=120)
    braces.kill()
    braces.wait()
    peak_kb, code = measured_result(report)
    assert code == 1
    assert peak_kb < PEAK_RSS_LIMIT_KB, peak_kb


def _bundle_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_deeply_nested_json_is_named_as_such(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("add", "CEA", "1.0", "--date", "2024-01-01")
    before = database_snapshot(tracker.db)
    deep = _bundle_file(
        tmp_path, "deep.json", '{"resourceType":"Bundle","entry":' + "[" * 5000 + "]" * 5000 + "}"
    )
    result = tracker.fails("import", str(deep))
    assert result.stderr == (
        f"Error: {deep} nests its JSON more than 64 levels deep; a FHIR Bundle needs about ten\n"
    )
    assert database_snapshot(tracker.db) == before


def test_an_integer_of_5000_digits_is_named_as_such(tracker: Tracker, tmp_path: Path) -> None:
    tracker.ok("add", "CEA", "1.0", "--date", "2024-01-01")
    before = database_snapshot(tracker.db)
    huge = _bundle_file(
        tmp_path, "int.json", '{"resourceType":"Bundle","total":' + "7" * 5000 + ',"entry":[]}'
    )
    result = tracker.fails("import", str(huge))
    assert result.stderr == (
        f"Error: {huge} holds an integer of 5,000 digits; numbers in a FHIR Bundle have at "
        "most 30\n"
    )
    assert database_snapshot(tracker.db) == before


def test_deep_nesting_on_standard_input_from_a_real_process(tmp_path: Path) -> None:
    done = run_tracker(
        ["--db", str(tmp_path / "t.db"), "import", "-"],
        input='{"entry":' + "[" * 100_000 + "]" * 100_000 + "}",
    )
    assert done.returncode == 1
    assert done.stderr == (
        "Error: standard input nests its JSON more than 64 levels deep; a FHIR Bundle needs "
        "about ten\n"
    )


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ('{"a": "' + "[" * 500 + '"}', False),  # brackets inside a string do not nest
        ('{"a": "\\"' + "{" * 500 + '"}', False),  # nor after an escaped quote
        ("[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH, False),
        ("[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1), True),
        ('{"entry": [' + "{}," * 10_000 + "{}]}", False),
        ("{" * 1000, True),  # unclosed: refused rather than parsed
        ("[}", False),  # unbalanced but shallow: the JSON parser names the error
    ],
)
def test_nesting_depth_is_measured_outside_strings(text: str, deep: bool) -> None:
    assert nests_too_deeply(text.encode()) is deep
