"""The kinds of event a person can log, and what each means for the trend rules.

Kept free of SQLAlchemy so the CLI can show them in ``--help`` cheaply.
"""

from __future__ import annotations

# docs/clinical-rules.md, "Treatment lines": only `treatment` starts a new line; `supportive` care
# (bisphosphonates, denosumab, pain relief) does not.
EVENT_KINDS = ("treatment", "supportive", "surgery", "condition", "symptom", "imaging", "other")
