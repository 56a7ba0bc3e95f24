"""Random input to every argument: success, or one clean error and an unchanged database.

The only outcomes allowed are exit 0, or exit 1 with an ``Error: …`` line, or click's
usage error (exit 2) — never a traceback or an "unexpected internal error" — and the
database changes only when the command succeeded.
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Tracker, database_snapshot
from tracker.cli import cli

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces real people and portals type, mixed into arbitrary text.
PIECES = [
    "CEA", "ca153", "CA 15-3", "ca125", "CA27.29", "4.2", "<0.5", ">1000", "0", "-1",
    "\u22121", "1,234.5", "1.234,5", "1e400", "nan", "inf", "-inf", "1e-320", "100001",
    "ng/mL", "U/mL", "kU/L", "µg/L", "mmol/L", "2026-01-05", "today", "yesterday",
    "2100-01-01", "1899-12-31", "2026-02-30", "0000-00-00", "=1+1", "'", '"', "\\",
    "\x00", "\u00a0", "\u202e", "💉", "%s", "{}", "'; DROP TABLE reading; --", "#1", "1",
    "2", "99999999999999999999", " ", "",
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(PIECES),
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=3).map("".join),
    st.builds(lambda a, b: a + b, st.sampled_from(PIECES), st.text(max_size=8)),
)
MAYBE = st.one_of(st.none(), TEXT)


def options(**values: str | None) -> list[str]:
    argv: list[str] = []
    for name, value in values.items():
        if value is not None:
            argv += [f"--{name.replace('_', '-')}", value]
    return argv


def check(tracker: Tracker, argv: list[str]) -> Result:
    before = database_snapshot(tracker.db)
    result = CliRunner().invoke(cli, ["--db", tracker.db, *argv], env=tracker.env)
    shown = result.output
    assert "Traceback" not in shown, shown
    assert "unexpected internal error" not in shown, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2), (result.exit_code, shown)
    if result.exit_code == 1:
        assert result.stderr.startswith("Error: "), result.stderr
    if result.exit_code != 0:
        assert database_snapshot(tracker.db) == before, (argv, shown)
    return result


def seeded(tracker: Tracker) -> Tracker:
    """One reading (#1) and one event, so edit and duplicate checks have something."""
    if not database_snapshot(tracker.db).get("reading"):
        tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
        tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    return tracker


@FUZZ
@given(
    marker=MAYBE,
    value=MAYBE,
    unit=MAYBE,
    date=MAYBE,
    lab=MAYBE,
    ref_high=MAYBE,
    note=MAYBE,
)
def test_add_with_random_arguments(tracker: Tracker, **fields: Any) -> None:
    seeded(tracker)
    positional = [fields[name] for name in ("marker", "value", "unit")]
    while positional and positional[-1] is None:
        positional.pop()
    argv = ["add", *("" if item is None else item for item in positional)]
    argv += options(date=fields["date"], lab=fields["lab"], ref_high=fields["ref_high"])
    argv += options(note=fields["note"])
    result = check(tracker, argv)
    if result.exit_code == 0:
        assert result.stdout.startswith("Added #")


@FUZZ
@given(
    reading_id=st.one_of(st.just("1"), TEXT),
    value=MAYBE,
    unit=MAYBE,
    date=MAYBE,
    lab=MAYBE,
    ref_high=MAYBE,
    note=MAYBE,
)
def test_edit_with_random_arguments(tracker: Tracker, reading_id: str, **fields: Any) -> None:
    seeded(tracker)
    result = check(tracker, ["edit", reading_id, *options(**fields)])
    if result.exit_code == 0:
        assert result.stdout.startswith("Updated #1:")


@FUZZ
@given(
    kind=st.one_of(st.sampled_from(["treatment", "symptom", "Condition", "other"]), TEXT),
    name=TEXT,
    date=MAYBE,
    end=MAYBE,
    note=MAYBE,
)
def test_event_add_with_random_arguments(
    tracker: Tracker, kind: str, name: str, date: str | None, end: str | None, note: str | None
) -> None:
    seeded(tracker)
    result = check(tracker, ["event", "add", kind, name, *options(date=date, end=end, note=note)])
    if result.exit_code == 0:
        assert result.stdout.startswith("Added event #")
