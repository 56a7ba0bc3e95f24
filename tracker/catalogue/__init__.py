"""The catalogue: markers, units, event kinds (data and lookups; no database, no I/O)."""
