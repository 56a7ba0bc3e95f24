"""What the trend property tests draw from: markers, labs, steps, and the words no
message may use."""

from __future__ import annotations

import re

from tracker.catalogue.markers import MARKERS

MARKER_CODES = list(MARKERS)


LABS = [None, "Lab A", " lab  a", "Lab B"]


DIAGNOSTIC_WORDS = re.compile(
    r"progress|recurren|metasta|cancer|tumou?r|grow|spread|relapse|wors|diagnos|malignan",
    re.IGNORECASE,
)


STEPS = [0.6, 0.85, 0.95, 1.0, 1.05, 1.08, 1.1, 1.2, 1.3, 1.5, 2.0]
