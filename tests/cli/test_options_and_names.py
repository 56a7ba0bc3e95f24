"""`--db` / `--patient` after the command name, and patient names unique ignoring case
(issue 15), on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from tests.helpers.cli_runs import Tracker
from tests.helpers.commands import subcommands
from tests.helpers.databases import database_snapshot
from tracker.config import location_from
from tracker.store.revisions import HEAD_REVISION


def _two_patients(tracker: Tracker) -> None:
    tracker.ok("patient", "add", "Ann Smith")
    tracker.ok("patient", "add", "Bob")


def test_patient_and_db_are_accepted_after_the_command(tracker: Tracker) -> None:
    _two_patients(tracker)
    assert tracker.fails("list", code=2).stderr.count("several patients") == 1
    tracker.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--patient", "Ann Smith")
    rows = tracker.json("list", "--patient", "Ann Smith")
    assert [(r["patient"], r["value"]) for r in rows] == [("Ann Smith", 3.1)]
    assert tracker.json("list", "--patient", "Bob") == []
    added = tracker.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10",
                       "--patient", "Ann Smith")  # fmt: skip
    assert "letrozole" in added.stdout
    assert len(tracker.json("event", "list", patient="Ann Smith")) == 1
    # --db after the command: the Tracker helper puts one first, so give another after.
    from click.testing import CliRunner

    from tracker.cli.main import cli

    result = CliRunner().invoke(cli, ["db", "current", "--db", tracker.db], env=tracker.env)
    assert result.exit_code == 0, result.output
    assert f"revision {HEAD_REVISION} (head)" in result.stdout
    result = CliRunner().invoke(
        cli, ["list", "--json", "--db", tracker.db, "--patient", "ann smith"], env=tracker.env
    )
    assert result.exit_code == 0, result.output
    assert '"patient": "Ann Smith"' in result.stdout


def test_every_command_accepts_db_and_patient_after_its_name() -> None:
    from click import Group

    from tracker.cli.main import cli

    def walk(group: Group, path: str) -> list[tuple[str, set[str]]]:
        found = []
        for name, command in subcommands(group).items():
            options = {opt for param in command.params for opt in getattr(param, "opts", [])}
            found.append((f"{path} {name}", options))
            if isinstance(command, Group):
                found += walk(command, f"{path} {name}")
        return found

    commands = walk(cli, "tracker")
    assert len(commands) > 20
    missing = [name for name, options in commands if not {"--db", "--patient"} <= options]
    assert missing == []


def test_patient_names_match_and_clash_ignoring_case(tracker: Tracker) -> None:
    _two_patients(tracker)
    refused = tracker.fails("patient", "add", "bob")
    assert refused.stderr.strip() == (
        "Error: a patient named 'Bob' already exists; names are matched ignoring case, so "
        "'bob' would be the same person"
    )
    tracker.ok("add", "CEA", "2", "--date", "2026-01-05", patient="BOB")
    assert [r["patient"] for r in tracker.json("list", patient="bob")] == ["Bob"]
    renamed = tracker.fails("patient", "rename", "bob", "ANN SMITH")
    assert "a patient named 'Ann Smith' already exists" in renamed.stderr
    # Changing only the case of one's own name is allowed.
    tracker.ok("patient", "rename", "bob", "BOB")
    assert [r["patient"] for r in tracker.json("list", patient="Bob")] == ["BOB"]
    tracker.fails("patient", "add", "bob")


def test_the_migration_refuses_names_that_differ_only_in_case(tracker: Tracker) -> None:
    _two_patients(tracker)
    tracker.ok("db", "downgrade", "0002", "--yes")
    engine = sa.create_engine(location_from(tracker.db).url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO patient (name, created_at) VALUES ('bob', '2026-01-01')")
            )
    finally:
        engine.dispose()
    before = database_snapshot(tracker.db)
    failed = tracker.fails("db", "upgrade")
    assert "'Bob' / 'bob'" in failed.stderr
    assert "Nothing was changed" in failed.stderr
    assert "Traceback" not in failed.output
    assert database_snapshot(tracker.db) == before
    assert "revision 0002" in tracker.ok("db", "current").stdout
    # Once one is renamed, the upgrade goes through and the key is filled.
    engine = sa.create_engine(location_from(tracker.db).url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE patient SET name = 'Bobby' WHERE name = 'bob'"))
    finally:
        engine.dispose()
    tracker.ok("db", "upgrade")
    assert tracker.json("list", patient="BOBBY") == []
    tracker.fails("patient", "add", "ann smith")
