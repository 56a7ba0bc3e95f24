"""The kinds of event a person can log, and what each means for the trend rules.

Kept free of SQLAlchemy so the CLI can show them in ``--help`` cheaply.
"""

from __future__ import annotations

# The stored strings (``event.kind``, the CLI's KIND, the JSON and CSV): every module names
# a kind through these constants, never by typing the string again.
# docs/clinical-rules.md, "Treatment lines": only `treatment` starts a new line; `supportive` care
# (bisphosphonates, denosumab, pain relief) does not.
TREATMENT = "treatment"
SUPPORTIVE = "supportive"
SURGERY = "surgery"
# docs/clinical-rules.md, "Logged conditions": a `condition` may name a benign cause of a rise.
CONDITION = "condition"
SYMPTOM = "symptom"
IMAGING = "imaging"
OTHER = "other"

EVENT_KINDS = (TREATMENT, SUPPORTIVE, SURGERY, CONDITION, SYMPTOM, IMAGING, OTHER)
