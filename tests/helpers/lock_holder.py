"""A process that holds a database's write lock until told to let go (readiness signals).

    python -m tests.helpers.lock_holder DB write       BEGIN IMMEDIATE, insert a reading, wait
    python -m tests.helpers.lock_holder DB exclusive   the same under an EXCLUSIVE lock
                                                        (readers wait too)

It inserts a copy of reading #1 with the value 77, prints ``ready`` once the lock is held,
then waits for one line on stdin: ``commit`` commits, anything else rolls back. It prints
``committed`` or ``rolled back`` and exits. Tests use it to put another command exactly
in the window they want to check, without sleeping.
"""

from __future__ import annotations

import sqlite3
import sys

COPY_READING = (
    "INSERT INTO reading (patient_id, marker, value, qualifier, unit, entered_value, "
    "entered_unit, drawn_on, lab, ref_high, note, source, created_at) "
    "SELECT patient_id, marker, 77.0, qualifier, unit, '77', entered_unit, drawn_on, lab, "
    "ref_high, 'held', source, created_at FROM reading WHERE id = 1"
)


def main(path: str, mode: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    if mode == "exclusive":
        connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
    else:
        connection.execute("BEGIN IMMEDIATE")
    connection.execute(COPY_READING)
    print("ready", flush=True)
    answer = sys.stdin.readline().strip()
    if answer == "commit":
        connection.execute("COMMIT")
        print("committed", flush=True)
    else:
        connection.execute("ROLLBACK")
        print("rolled back", flush=True)
    connection.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
