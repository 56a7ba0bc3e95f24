"""The schema revisions this version of the tracker knows, without importing alembic.

Below the engine, the migrations runner and the backup checks, which all compare a
database's version table with these.
"""

# The newest migration in migrations/versions; a test checks it against alembic's head.
HEAD_REVISION = "0003"
# Every revision this version knows, oldest first: an older one is upgraded.
KNOWN_REVISIONS = ("0001", "0002", "0003")
