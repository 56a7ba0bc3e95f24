"""Lab names: how they compare and how they are shown (one rule for every layer).

Two results come from "the same lab" when their names match after trimming, collapsing
white space (non-breaking spaces too) and ignoring case: "City Lab" and " city  lab" are
one lab, so a change of spelling never reads as a change of lab (docs/clinical-rules.md,
"Series and lab groups"). The trend engine, the report and `check` all group by ``lab_key``.
"""

from __future__ import annotations

from tracker.catalogue.typed_text import normalise_spaces


def lab_key(lab: str | None) -> str | None:
    """The name labs are compared by: spaces tidied, case folded; None when not recorded."""
    shown = lab_display(lab)
    return shown.casefold() if shown else None


def lab_display(lab: str | None) -> str | None:
    """A lab name as shown: trimmed, inner spaces collapsed; None when not recorded."""
    if lab is None:
        return None
    return normalise_spaces(lab) or None
