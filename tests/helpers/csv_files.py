"""Running `tracker import -` with a file on standard input, for the CSV tests."""

from __future__ import annotations

from click.testing import Result

from tests.helpers.cli_runs import Tracker


def feed_ok(tracker: Tracker, text: str, *args: str, patient: str | None = None) -> Result:
    """`tracker import - ARGS` with ``text`` on stdin; it must succeed."""
    result = tracker("import", "-", *args, input=text, patient=patient)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


def feed_fails(
    tracker: Tracker, text: str, *args: str, code: int = 1, patient: str | None = None
) -> Result:
    """`tracker import - ARGS` with ``text`` on stdin; it must fail with ``code``, cleanly."""
    result = tracker("import", "-", *args, input=text, patient=patient)
    assert result.exit_code == code, (result.exit_code, result.output, result.stderr)
    assert "Traceback" not in result.output
    return result
