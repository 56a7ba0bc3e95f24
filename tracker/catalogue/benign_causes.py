"""The benign causes: non-cancer conditions that can raise a marker, worded per marker.

Each marker names its causes by code (``markers.py``); the words that recognise a logged
condition are in ``condition_synonyms.py`` (docs/clinical-rules.md, "Logged conditions").
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.catalogue.condition_synonyms import NOT_ALWAYS_BENIGN, SYNONYMS_BY_CODE


@dataclass(frozen=True)
class BenignCause:
    """A non-cancer condition that can raise one or more markers."""

    code: str
    synonyms: tuple[str, ...]
    # Marker code -> the wording used for that marker (docs/clinical-rules.md, per marker).
    labels: dict[str, str]

    @property
    def always_benign(self) -> bool:
        """False for fluid in the chest or abdomen, which can itself come from the cancer."""
        return self.code not in NOT_ALWAYS_BENIGN


# Named once: several markers list it, and its labels differ per marker.
LIVER_DISEASE = "liver_disease"


def _synonyms(code: str) -> tuple[str, ...]:
    """The words that name a cause, from the condition-synonyms table."""
    return SYNONYMS_BY_CODE[code].synonyms


BENIGN_CAUSES: dict[str, BenignCause] = {
    cause.code: cause
    for cause in (
        BenignCause(
            "smoking",
            _synonyms("smoking"),
            {"CEA": "cigarette smoking"},
        ),
        BenignCause(
            "peptic_ulcer",
            _synonyms("peptic_ulcer"),
            {"CEA": "stomach (peptic) ulcer or gastritis"},
        ),
        BenignCause(
            "colon_polyps",
            _synonyms("colon_polyps"),
            {"CEA": "colon polyps"},
        ),
        BenignCause(
            "ibd",
            _synonyms("ibd"),
            {"CEA": "inflammatory bowel disease (ulcerative colitis, Crohn's)"},
        ),
        BenignCause(
            LIVER_DISEASE,
            _synonyms(LIVER_DISEASE),
            {
                "CEA": "liver disease (cirrhosis, hepatitis)",
                "CA15-3": "chronic liver disease (cirrhosis, hepatitis)",
                "CA27.29": "chronic liver disease (cirrhosis, hepatitis)",
                "CA125": "liver disease",
            },
        ),
        BenignCause(
            "biliary_obstruction",
            _synonyms("biliary_obstruction"),
            {"CEA": "bile-duct obstruction"},
        ),
        BenignCause(
            "pancreatitis",
            _synonyms("pancreatitis"),
            {"CEA": "pancreatitis", "CA125": "pancreatitis"},
        ),
        BenignCause(
            "kidney_disease",
            _synonyms("kidney_disease"),
            {
                "CEA": "chronic kidney disease",
                "CA15-3": "kidney impairment",
                "CA27.29": "kidney impairment",
            },
        ),
        BenignCause(
            "hypothyroidism",
            _synonyms("hypothyroidism"),
            {"CEA": "hypothyroidism (underactive thyroid)"},
        ),
        BenignCause(
            "lung_disease",
            _synonyms("lung_disease"),
            {
                "CEA": "chronic lung disease (COPD, interstitial lung disease)",
                "CA15-3": "interstitial lung disease",
                "CA27.29": "interstitial lung disease",
            },
        ),
        BenignCause(
            "b12_anaemia",
            _synonyms("b12_anaemia"),
            {
                "CA15-3": "vitamin B12 (megaloblastic) anaemia",
                "CA27.29": "vitamin B12 (megaloblastic) anaemia",
            },
        ),
        BenignCause("endometriosis", _synonyms("endometriosis"), {"CA125": "endometriosis"}),
        BenignCause("menstruation", _synonyms("menstruation"), {"CA125": "menstruation"}),
        BenignCause("pregnancy", _synonyms("pregnancy"), {"CA125": "pregnancy"}),
        BenignCause(
            "pelvic_inflammatory_disease",
            _synonyms("pelvic_inflammatory_disease"),
            {"CA125": "pelvic inflammatory disease"},
        ),
        BenignCause(
            "ovarian_cyst",
            _synonyms("ovarian_cyst"),
            {"CA125": "benign ovarian cysts"},
        ),
        BenignCause(
            "effusion",
            _synonyms("effusion"),
            {
                "CA125": "fluid in the abdomen or chest (ascites, pleural effusion) "
                "and heart failure"
            },
        ),
    )
}
