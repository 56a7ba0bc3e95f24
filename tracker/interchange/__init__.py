"""File formats only (CSV dialect, FHIR resources): bytes in, rows out; no session."""
