"""The trend rules: plain data in, flags and series summaries out (no database, no I/O)."""
