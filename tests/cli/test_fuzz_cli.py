"""Random input to every argument: success, or one clean error and an unchanged database.

The only outcomes allowed are exit 0, or exit 1 with an ``Error: …`` line, or click's
usage error (exit 2) — never a traceback or an "unexpected internal error" — and the
database changes only when the command succeeded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.cli_runs import Tracker
from tracker.cli.main import cli
from tracker.config import location_from
from tracker.store.models import Base

FUZZ = settings(
    max_examples=100,
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


_ENGINES: dict[str, sa.Engine] = {}
TABLES = ("patient", "reading", "event", "setting")


def snapshot(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tracker's tables, like conftest's database_snapshot, through one
    engine per database (hundreds of examples would otherwise each connect twice)."""
    url = location_from(db).url
    engine = _ENGINES.get(url) or _ENGINES.setdefault(url, sa.create_engine(url))
    with engine.connect() as connection:
        present = set(sa.inspect(connection).get_table_names())
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(Base.metadata.tables[table].select())),
                key=repr,
            )
            for table in TABLES
            if table in present
        }


@pytest.fixture(autouse=True, scope="module")
def _dispose_engines() -> Iterator[None]:
    yield
    for engine in _ENGINES.values():
        engine.dispose()


def check(tracker: Tracker, argv: list[str], stdin: bytes | None = None) -> Result:
    before = snapshot(tracker.db)
    result = CliRunner().invoke(cli, ["--db", tracker.db, *argv], input=stdin, env=tracker.env)
    shown = result.output
    assert "Traceback" not in shown, shown
    assert "unexpected internal error" not in shown, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2), (result.exit_code, shown)
    if result.exit_code == 1:  # warnings (e.g. ignored columns) may come before the error
        lines = [line for line in result.stderr.splitlines() if not line.startswith("Warning: ")]
        assert lines and lines[0].startswith("Error: "), result.stderr
    if result.exit_code != 0 or result.stdout.startswith("Usage:"):  # an error, or --help
        assert snapshot(tracker.db) == before, (argv, shown)
    return result


def did(result: Result, what: str) -> bool:
    """A successful command says what it did (a `-h` among the fuzz shows the help)."""
    return result.stdout.startswith((what, "Usage:"))


def seeded(tracker: Tracker) -> Tracker:
    """One reading (#1) and one event, so edit and duplicate checks have something."""
    if not snapshot(tracker.db).get("reading"):
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
        assert did(result, "Added #"), result.stdout


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
        assert did(result, "Updated #1:"), result.stdout


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
        assert did(result, "Added event #"), result.stdout


COLUMNS = ["record", "patient", "marker", "value", "unit", "drawn_on", "date", "lab",
           "ref_high", "note", "kind", "name", "ended_on", "extra", ""]  # fmt: skip
DELIMITERS = [",", ";", "\t", "|"]


@st.composite
def csv_like(draw: st.DrawFn) -> bytes:
    """Text shaped like an import file: a header of (mostly) known columns, rows of cells
    from PIECES or anything, random quoting, line endings and encodings."""
    delimiter = draw(st.sampled_from(DELIMITERS))
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8))
    cell = st.one_of(st.sampled_from([*PIECES, "reading", "event", "treatment", "me"]), TEXT)
    rows = draw(st.lists(st.lists(cell, max_size=len(header) + 2), max_size=6))
    quote = draw(st.booleans())

    def line(cells: list[str]) -> str:
        if quote:
            cells = ['"' + c.replace('"', '""') + '"' for c in cells]
        return delimiter.join(cells)

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join([line(header), *(line(row) for row in rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@FUZZ
@given(
    data=st.one_of(csv_like(), st.binary(max_size=400)),
    delimiter=st.one_of(st.none(), st.sampled_from([",", ";", "\t", "|", "ab", "", '"'])),
    decimal_comma=st.booleans(),
    dry_run=st.booleans(),
)
def test_import_of_random_bytes_and_csv_like_text(
    tracker: Tracker, data: bytes, delimiter: str | None, decimal_comma: bool, dry_run: bool
) -> None:
    seeded(tracker)
    argv = ["import", "-", *options(delimiter=delimiter)]
    argv += ["--decimal-comma"] * decimal_comma + ["--dry-run"] * dry_run
    before = snapshot(tracker.db)
    check(tracker, argv, stdin=data)
    if dry_run:
        assert snapshot(tracker.db) == before


def test_ids_beyond_what_a_database_can_hold_are_refused_clearly(tracker: Tracker) -> None:
    """Found by the fuzz test above: such an id used to crash the SQLite driver."""
    seeded(tracker)
    huge = "99999999999999999999"
    for args in (["edit", huge, "--note", "x"], ["delete", huge, "--yes"]):
        result = check(tracker, args)
        assert result.stderr == f"Error: no reading #{huge}: ids are at most {2**63 - 1}\n"
    result = check(tracker, ["event", "delete", f"#{huge}", "--yes"])
    assert result.stderr == f"Error: no event #{huge}: ids are at most {2**63 - 1}\n"
    assert check(tracker, ["edit", str(2**63 - 1), "--note", "x"]).exit_code == 1
