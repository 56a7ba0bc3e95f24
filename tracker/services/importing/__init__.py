"""Importing a file: CSV, a FHIR Bundle, FHIR NDJSON or HL7 v2, chosen by ``file.py``.

Imports nothing, so ``tracker --help`` loads none of it.
"""
