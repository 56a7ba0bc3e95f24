"""The store: engines and sessions, models, migrations, backup/restore, bulk insert.

The only place with SQL. Nothing here imports a layer above it.
"""
