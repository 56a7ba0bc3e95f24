"""Catalogue data: supportive medicines, which do not start a treatment line.

docs/clinical-rules.md ("Treatment lines"): bone medicines and G-CSF do not aim at the
tumour, so logging one as a ``treatment`` would wrongly start a new line (and a flare
window); ``event add`` warns and says how to log it as ``supportive``.
"""

from __future__ import annotations

from tracker.catalogue.condition_words import normalise

# Generic name -> the brand and other names it is logged under.
SUPPORTIVE_MEDICINES: dict[str, tuple[str, ...]] = {
    "zoledronic acid": ("zoledronate", "zometa"),
    "pamidronate": ("aredia",),
    "ibandronate": (),
    "clodronate": (),
    "denosumab": ("xgeva", "prolia"),
    "filgrastim": (),
    "pegfilgrastim": (),
}

_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (generic, tuple(normalise(name).split()))
    for generic, others in SUPPORTIVE_MEDICINES.items()
    for name in (generic, *others)
)


def supportive_medicine_in(name: str) -> str | None:
    """The supportive medicine a logged name mentions (its generic name), or None."""
    words = normalise(name).split()
    for generic, phrase in _PHRASES:
        size = len(phrase)
        if any(
            tuple(words[start : start + size]) == phrase for start in range(len(words) - size + 1)
        ):
            return generic
    return None
