"""Catalogue data: the source article's context, in its own hedged words (Imaginis).

Shown by ``tracker markers NAME`` and on the report's caveats page. The article's hedges
are quoted as it words them; nothing here is a finding about the person.
"""

from __future__ import annotations

SOURCE = "Imaginis, \u201cMetastatic Breast Cancer\u201d"

# Quoted as the article words them.
HEDGES = (
    "The markers are \u201cnot typically used alone\u201d: they add to scans, history and "
    "examination.",
    "CEA and CA 15-3 \u201ctend to be elevated\u201d in metastatic breast cancer, but they "
    "are not sensitive enough to be useful in early-stage disease; they \u201ccan be "
    "followed over time\u201d.",
)

SPREAD_SITES = (
    "Metastatic breast cancer most often spreads to the bone, then the lung, then the liver."
)

SYMPTOMS = (
    "bone pain",
    "shortness of breath",
    "lack of appetite",
    "weight loss",
    "neurological pain or weakness, headaches",
)

# Introduced calmly: the article's own hedge first, then the list, then what the tracker
# does with symptoms (nothing but show them). Each symptom has many everyday causes.
SYMPTOMS_TEXT = (
    "The source article lists symptoms that can go with it \u2014 sometimes, not always; "
    "most women have none until the disease is extensive: "
    + "; ".join(SYMPTOMS)
    + ". Each of these also has many everyday causes. They can be logged as events of "
    "kind \u201csymptom\u201d; the report shows them on the time line without "
    "interpreting them."
)

BONE_MEDICINES = (
    "Bone medicines such as the bisphosphonates pamidronate (Aredia) and zoledronate "
    "(Zometa), and denosumab (Xgeva, Prolia), are used when the disease affects the bones. "
    "Log them as events of kind \u201csupportive\u201d: they do not start a treatment line."
)


def context_lines() -> list[str]:
    """The article's context, one paragraph each."""
    return [*HEDGES, SPREAD_SITES, SYMPTOMS_TEXT, BONE_MEDICINES]
