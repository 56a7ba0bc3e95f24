"""The store: engines and sessions, models, migrations, backup/restore, bulk insert.

The only code that talks to the database driver or writes SQL text (PRAGMAs, catalogue
queries); the services build their queries from these models with SQLAlchemy's expression
language and run them in these sessions. Nothing here imports a layer above it.
"""
