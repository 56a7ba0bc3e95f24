"""The schema revisions this version of the tracker knows, without importing alembic.

Below the engine, the migrations runner and the backup checks, which all compare a
database's version table with these.
"""

# Every revision in migrations/versions, oldest first: an older one is upgraded. A test
# (tests/cli/test_db.py) compares this list with the chain alembic reads from the scripts.
KNOWN_REVISIONS = ("0001", "0002", "0003")
# The newest migration: derived, so the head and the list cannot disagree.
HEAD_REVISION = KNOWN_REVISIONS[-1]
