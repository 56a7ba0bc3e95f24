"""Exporting: CSV or a FHIR Bundle, checked before the first byte by ``file.py``.

Imports nothing, so ``tracker --help`` loads none of it.
"""
