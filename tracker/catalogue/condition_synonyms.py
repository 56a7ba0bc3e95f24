"""Catalogue data: the words a logged condition may use for each benign cause.

The table of docs/clinical-rules.md ("Matching logged conditions"). Synonyms are written
as people type them; ``tracker.catalogue.condition_words`` normalises both sides the same way, so
plurals, accents, case and British/American spellings need no entries of their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConditionSynonyms:
    """One benign cause: its code, the words that name it, and how long an episode lasts."""

    code: str
    synonyms: tuple[str, ...]
    # Episodic causes count from EPISODIC_LEAD_DAYS before their start until their end,
    # or for this many days when no end is logged; None: not episodic.
    episodic_days: int | None = None


# An episodic condition is often logged a few days after it began.
EPISODIC_LEAD_DAYS = 7
# above_reference flags also name conditions that ended up to this many days before the
# draw (a named default: levels take a while to settle once a cause goes).
RECENTLY_ENDED_DAYS = 90

CONDITION_SYNONYMS: tuple[ConditionSynonyms, ...] = (
    ConditionSynonyms(
        "smoking",
        ("smoker", "smoking", "smokes", "smoked", "cigarette", "cigarettes", "tobacco"),
    ),
    ConditionSynonyms(
        "peptic_ulcer",
        ("peptic ulcer", "stomach ulcer", "gastric ulcer", "duodenal ulcer", "pud", "gastritis"),
    ),
    ConditionSynonyms(
        "colon_polyps", ("colon polyp", "colonic polyp", "colorectal polyp", "polyp")
    ),
    ConditionSynonyms(
        "ibd",
        (
            "inflammatory bowel disease",
            "ibd",
            "ulcerative colitis",
            "colitis",
            "uc",
            "crohn",
            "crohns",
        ),
    ),
    ConditionSynonyms(
        "liver_disease",
        (
            "liver disease",
            "cirrhosis",
            "hepatitis",
            "hep b",
            "hep c",
            "hbv",
            "hcv",
            "fatty liver",
            "hepatic steatosis",
            "nafld",
            "nash",
            "masld",
            "mash",
        ),
    ),
    ConditionSynonyms(
        "biliary_obstruction",
        ("bile duct obstruction", "biliary obstruction", "blocked bile duct", "cholestasis"),
    ),
    ConditionSynonyms("pancreatitis", ("pancreatitis",), episodic_days=60),
    ConditionSynonyms(
        "kidney_disease",
        (
            "kidney disease",
            "chronic kidney disease",
            "ckd",
            "esrd",
            "renal failure",
            "renal impairment",
            "renal insufficiency",
            "kidney impairment",
            "kidney failure",
            "dialysis",
        ),
    ),
    ConditionSynonyms(
        "hypothyroidism",
        ("hypothyroidism", "hypothyroid", "underactive thyroid", "hashimoto"),
    ),
    ConditionSynonyms(
        "lung_disease",
        (
            "copd",
            "interstitial lung disease",
            "ild",
            "emphysema",
            "chronic bronchitis",
            "pulmonary fibrosis",
            "lung fibrosis",
            "pneumonitis",
            "bronchiectasis",
        ),
    ),
    ConditionSynonyms(
        "b12_anaemia",
        (
            "b12 deficiency",
            "low b12",
            "vitamin b12 deficiency",
            "pernicious anaemia",
            "megaloblastic anaemia",
        ),
    ),
    ConditionSynonyms("endometriosis", ("endometriosis", "endometrioma")),
    ConditionSynonyms(
        "menstruation",
        ("menstruation", "menstruating", "menstrual period", "period", "menses"),
        episodic_days=7,
    ),
    ConditionSynonyms("pregnancy", ("pregnancy", "pregnant"), episodic_days=300),
    ConditionSynonyms("pelvic_inflammatory_disease", ("pelvic inflammatory disease", "pid")),
    ConditionSynonyms("ovarian_cyst", ("ovarian cyst", "benign ovarian cyst")),
    ConditionSynonyms(
        "effusion",
        (
            "ascites",
            "pleural effusion",
            "pericardial effusion",
            "fluid on the lung",
            "heart failure",
            "congestive heart failure",
            "chf",
        ),
    ),
)

SYNONYMS_BY_CODE = {entry.code: entry for entry in CONDITION_SYNONYMS}

# Causes that can themselves come from the cancer (fluid in the chest or abdomen): they
# are named as conditions that can also raise a marker, never as "benign".
NOT_ALWAYS_BENIGN = frozenset({"effusion"})

# Words that make a name about the cancer itself: never a benign cause.
MALIGNANT_WORDS = ("malignant", "metastatic", "mets", "metastases", "metastasis", "cancer")
# Phrases that make the whole name a negative ("denies smoking", "family history of CKD").
NEGATING_PHRASES = ("denies", "family history", "no history of")
# A negation within two words before a match, in the same clause.
NEGATIONS_BEFORE = ("non", "no", "not", "never", "without")
# A negation within two words after a match ("smoker? no", "hepatitis B negative").
NEGATIONS_AFTER = ("no", "none", "never", "negative", "denied", "free", "resolved", "removed")
# Words saying the condition is over: it ended on the event's date.
ENDED_WORDS = ("former", "ex", "quit", "stopped", "gave up", "past")
# "polyp" within two words of one of these is not a colon polyp ("gastric polyp", "polyp
# in the uterus"); the linking words below are not counted in those two.
POLYP_ELSEWHERE = (
    "endometrial",
    "uterine",
    "uterus",
    "womb",
    "cervical",
    "cervix",
    "gastric",
    "stomach",
    "nasal",
    "nose",
    "vocal",
    "bladder",
    "gallbladder",
)
POLYP_LINK_WORDS = ("in", "of", "on", "the", "my", "a")
# The synonym that needs that check.
POLYP_WORD = "polyp"
