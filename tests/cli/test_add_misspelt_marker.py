"""``add CEA 3 CAE 4``: a misspelt second marker is named as such (issue 15)."""

from __future__ import annotations

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.databases import database_snapshot


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["CEA", "3", "CAE", "4"], "unknown marker 'CAE' (did you mean CEA?)"),
        (["CA15-3", "28", "CA125x", "30"], "unknown marker 'CA125x' (did you mean CA 125?)"),
    ],
)
def test_a_misspelt_marker_after_a_value_is_an_unknown_marker(
    tracker: Tracker, tokens: list[str], message: str
) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2026-01-01")
    before = database_snapshot(tracker.db)
    result = tracker.fails("add", *tokens, "--date", "2026-02-01")
    assert result.stderr == (f"Error: {message}; known markers: CEA, CA 15-3, CA 27.29, CA 125\n")
    assert database_snapshot(tracker.db) == before


def test_a_wrong_unit_is_still_a_wrong_unit(tracker: Tracker) -> None:
    # Another marker's unit, or no unit at all, is not mistaken for a misspelt marker.
    result = tracker.fails("add", "CEA", "3", "U/mL", "--date", "2026-02-01")
    assert result.stderr.startswith("Error: CEA is measured in ng/mL")
    result = tracker.fails("add", "CEA", "3", "mg", "--date", "2026-02-01")
    assert result.stderr.startswith("Error: CEA is measured in ng/mL")
    assert tracker.json("list") == []
