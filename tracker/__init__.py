"""Tumor-marker tracker: log CEA and CA 15-3 results, see trends, discuss them with your oncologist.

The tracker informs; it never diagnoses.
"""

__version__ = "0.1.0"
