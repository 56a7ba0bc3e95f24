"""Privacy and security: no password in any output, private files, no SQL built from text."""

from __future__ import annotations

import ast
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers.cli_runs import Tracker, run_tracker
from tests.helpers.databases import pg_base_url
from tests.helpers.paths import ROOT
from tracker.cli.main import cli

SECRET = "Zq9-very-SECRET-pw"
SQL_CALLS = {"text", "exec_driver_sql", "execute", "executemany", "executescript"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- passwords ----------------------------------------------------------------------------

BAD_URLS = [
    f"mysql://u:{SECRET}@h/db",  # the driver is not installed
    f"postgresql+nosuchdriver://u:{SECRET}@h/db",
    f"nosuchdialect://u:{SECRET}@h/db",
    f"postgresql+psycopg://u:{SECRET}@127.0.0.1:notaport/db",
    f"postgresql+psycopg://u:{SECRET}@[::1/db",
    f"postgresql+psycopg://u:{SECRET}@",
    f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/db",  # nothing listens there
    f"postgresql+psycopg://u:{SECRET}@@127.0.0.1:1/db",  # an unescaped "@"
    f"postgresql+psycopg://u@127.0.0.1:1/db?password={SECRET}",  # as a query option
    f"postgresql+psycopg:///db?host=127.0.0.1&port=1&user=u&Password={SECRET}",
]
COMMANDS = [
    ["list"],
    ["add", "CEA", "1"],
    ["trend"],
    ["db", "current"],
    ["db", "upgrade"],
    ["db", "downgrade", "0001"],
    ["backup", "/tmp/tracker-secret-test.db"],
    ["restore", "/tmp/tracker-secret-test.db", "--yes"],
    ["export", "--out", "/tmp/tracker-secret-test.csv"],
    ["import", "/tmp/tracker-secret-test.csv"],
    ["report", "--out", "/tmp/tracker-secret-test.pdf"],
    ["event", "list"],
    ["patient", "list"],
]


def assert_secret_hidden(output: str) -> None:
    assert SECRET not in output
    assert "Traceback" not in output
    assert "unexpected internal error" not in output


@pytest.mark.parametrize("url", BAD_URLS, ids=range(len(BAD_URLS)))
def test_no_error_path_shows_the_password(url: str) -> None:
    for args in COMMANDS:  # in-process: fast, and stdout and stderr both captured
        result = CliRunner().invoke(cli, ["--db", url, *args])
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Error: "), (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (args, result.stderr)
        assert_secret_hidden(result.output)
    # A real process, given the URL through the environment variable.
    process = run_tracker(["add", "CEA", "1"], env={"TRACKER_DB_URL": url})
    assert process.returncode == 1 and process.stderr.startswith("Error: ")
    assert_secret_hidden(process.stdout + process.stderr)


def test_a_server_that_refuses_the_login_does_not_see_it_echoed() -> None:
    base = pg_base_url()
    if base is None:
        pytest.skip("TRACKER_TEST_PG_URL is not set; PostgreSQL tests run in CI")
    host_part = base.split("@", 1)[1]
    url = f"postgresql+psycopg://nosuchrole:{SECRET}@{host_part}"
    for args in COMMANDS[:6]:
        result = run_tracker(["--db", url, *args])
        assert result.returncode == 1
        assert result.stderr.startswith(
            "Error: cannot connect to postgresql+psycopg://nosuchrole:***@"
        )
        assert_secret_hidden(result.stdout + result.stderr)


def test_working_server_commands_never_print_the_password(pg_schema_url: str) -> None:
    """A URL with a password (ignored by a trust login) through every command that names
    the database in its output."""
    url = pg_schema_url.replace("postgres@", f"postgres:{SECRET}@", 1)
    for args in (["db", "upgrade"], ["db", "current"], ["add", "CEA", "2"], ["list"]):
        result = run_tracker(["--db", url, *args])
        assert result.returncode == 0, result.stderr
        assert_secret_hidden(result.stdout + result.stderr)
    current = run_tracker(["--db", url, "db", "current"])
    assert "postgres:***@" in current.stdout
    # The same with the password as a query option, and through backup's pg_dump hint.
    separator = "&" if "?" in pg_schema_url else "?"
    query_url = f"{pg_schema_url}{separator}password={SECRET}"
    for args in (["db", "current"], ["list"], ["backup", "/tmp/tracker-secret-q.db"]):
        result = run_tracker(["--db", query_url, *args])
        assert_secret_hidden(result.stdout + result.stderr)
    assert "password=***" in run_tracker(["--db", query_url, "db", "current"]).stdout


# --- files the tracker writes -------------------------------------------------------------


def test_reports_are_private_unless_the_file_already_had_a_mode(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    sqlite_tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
    sqlite_tracker.ok("add", "CEA", "4.1", "--date", "2026-02-05")
    for name in ("r.pdf", "r.png"):
        out = tmp_path / name
        sqlite_tracker.ok("report", "--out", str(out))
        assert _mode(out) == 0o600
        shared = tmp_path / f"shared-{name}"
        shared.write_bytes(b"old")
        shared.chmod(0o644)
        sqlite_tracker.ok("report", "--out", str(shared))
        assert _mode(shared) == 0o644 and shared.read_bytes() != b"old"


def test_backups_and_safety_copies_are_private_whatever_the_umask(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    import os

    old_umask = os.umask(0)  # the most permissive: files would be 0666 if not set
    try:
        sqlite_tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05")
        sqlite_tracker.ok("backup", str(tmp_path / "b.db"))
        sqlite_tracker.ok("restore", str(tmp_path / "b.db"), "--yes")
    finally:
        os.umask(old_umask)
    written = [tmp_path / "b.db", *tmp_path.glob("*.before-restore-*.bak")]
    assert len(written) == 2
    assert [_mode(path) for path in written] == [0o600, 0o600]


# --- no SQL built from strings ------------------------------------------------------------


def _is_built_string(node: ast.expr) -> bool:
    """An f-string with values, ``"…" % x``, ``"…".format(…)`` or a concatenation."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format"
    return False


def built_sql(source: str) -> list[int]:
    """Line numbers of SQL calls whose statement is built by string formatting."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in SQL_CALLS and _is_built_string(node.args[0]):
            lines.append(node.lineno)
    return lines


def test_the_detector_catches_each_form_of_built_sql() -> None:
    samples = [
        'session.execute(text(f"SELECT * FROM t WHERE name = {name}"))',
        'connection.exec_driver_sql("DELETE FROM t WHERE id = %s" % rid)',
        'connection.execute(sa.text("SELECT {}".format(column)))',
        'cursor.execute("PRAGMA busy_timeout = " + str(ms))',
    ]
    assert [built_sql(sample) for sample in samples] == [[1], [1], [1], [1]]
    assert built_sql('connection.execute(text("SELECT 1 WHERE x = :x"), {"x": x})') == []


def test_no_sql_is_built_from_strings_in_the_application() -> None:
    files = [
        path
        for folder in ("tracker", "reports", "migrations")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]
    assert len(files) > 20
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in files
        if (lines := built_sql(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_ruff_checks_for_sql_built_from_strings() -> None:
    """S608 (bandit's hard-coded SQL expressions) is enabled for the application code."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "S608" in config["tool"]["ruff"]["lint"]["select"]
    ignored = config["tool"]["ruff"]["lint"].get("per-file-ignores", {})
    assert all(
        "S608" not in rules or pattern.startswith(("tests/", "benchmarks/"))
        for pattern, rules in ignored.items()
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            f"mysql://u:{SECRET}@h/db",
            "its driver is not installed (No module named 'MySQLdb'); the tracker works with "
            "SQLite files and PostgreSQL (postgresql+psycopg://…, from the [postgres] extra)",
        ),
        (
            f"nosuchdialect://u:{SECRET}@h/db",
            "unknown kind of database; use a SQLite file path or "
            "postgresql+psycopg://USER@HOST/NAME",
        ),
        (
            f"postgresql+psycopg://u:{SECRET}@h:notaport/db",
            "the URL is malformed (invalid literal for int() with base 10: 'notaport')",
        ),
    ],
    ids=["missing-driver", "unknown-kind", "malformed"],
)
def test_unusable_urls_say_why(url: str, reason: str) -> None:
    result = CliRunner().invoke(cli, ["--db", url, "list"])
    shown = url.replace(SECRET, "***")
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot use database {shown}: {reason}\n",
    )


# --- spreadsheet formulas -----------------------------------------------------------------

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_no_exported_text_cell_can_start_a_formula_and_all_round_trip(
    sqlite_tracker: Tracker, tmp_path: Path
) -> None:
    """Cross-check over every text column (patient, lab, note, event name), both ways."""
    import csv
    import io

    texts = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "'=kept"]
    for index, text in enumerate(texts):
        patient = f"{text} {index}"
        sqlite_tracker.ok("patient", "add", "--", patient)
        args = ["add", "CEA", str(index + 1), "--lab", text, "--note", text]
        sqlite_tracker.ok(*args, "--date", "2026-01-05", patient=patient)
        sqlite_tracker.ok(
            "event", "add", "--date", "2026-01-01", "--", "condition", text, patient=patient
        )
    exported = sqlite_tracker.ok("export", "--all-patients").stdout
    rows = list(csv.DictReader(io.StringIO(exported, newline="")))
    assert len(rows) == 2 * len(texts)
    for row in rows:
        for column in ("patient", "lab", "note", "name"):
            assert not row[column].startswith(DANGEROUS_STARTS), (column, row[column])
    copy = Tracker(str(tmp_path / "copy.db"), sqlite_tracker.env)
    result = copy("import", "-", input=exported)
    assert result.exit_code == 0, result.output
    for index, text in enumerate(texts):
        patient = f"{text} {index}"
        [reading] = copy.json("list", patient=patient)
        [event] = copy.json("event", "list", patient=patient)
        assert (reading["patient"], reading["lab"], reading["note"], event["name"]) == (
            " ".join(patient.split()),  # names and labs have their spaces tidied on entry
            " ".join(text.split()),
            text,  # notes are kept exactly as typed
            " ".join(text.split()),
        )
