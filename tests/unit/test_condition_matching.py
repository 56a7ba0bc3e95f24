"""Logged condition names matched to benign causes: words, negations, dates."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.catalogue.condition_words import match_condition, normalise
from tracker.catalogue.supportive import supportive_medicine_in
from tracker.trend.conditions import LoggedCondition, conditions_for_draw
from tracker.trend.types import EventPoint

# (name as logged, the cause codes it counts for, whether the name says it is over)
NAMES: list[tuple[str, tuple[str, ...], bool]] = [
    # Synonyms, plurals, spellings and abbreviations.
    ("smoking", ("smoking",), False),
    ("Smoker", ("smoking",), False),
    ("smokes 10 cigarettes a day", ("smoking",), False),
    ("tobacco use", ("smoking",), False),
    ("Peptic ulcer", ("peptic_ulcer",), False),
    ("peptic ulcer disease", ("peptic_ulcer",), False),
    ("stomach ulcers", ("peptic_ulcer",), False),
    ("Duodenal ulcer", ("peptic_ulcer",), False),
    ("PUD", ("peptic_ulcer",), False),
    ("chronic gastritis", ("peptic_ulcer",), False),
    ("colon polyps", ("colon_polyps",), False),
    ("Colonic polyp", ("colon_polyps",), False),
    ("Crohn's disease", ("ibd",), False),
    ("ulcerative colitis", ("ibd",), False),
    ("UC", ("ibd",), False),
    ("Hepatitis C", ("liver_disease",), False),
    ("Hep-B", ("liver_disease",), False),
    ("fatty liver (NAFLD)", ("liver_disease",), False),
    ("Cirrhosis", ("liver_disease",), False),
    ("blocked bile duct", ("biliary_obstruction",), False),
    ("acute pancreatitis", ("pancreatitis",), False),
    ("Renal impairment", ("kidney_disease",), False),
    ("CKD stage 3", ("kidney_disease",), False),
    ("CKD stage-3b", ("kidney_disease",), False),
    ("on dialysis", ("kidney_disease",), False),
    ("Hashimoto's thyroiditis", ("hypothyroidism",), False),
    ("underactive thyroid", ("hypothyroidism",), False),
    ("COPD", ("lung_disease",), False),
    ("pneumonitis after radiotherapy", ("lung_disease",), False),
    ("B-12 deficiency", ("b12_anaemia",), False),
    ("Pernicious anemia", ("b12_anaemia",), False),
    ("megaloblastic anæmia", ("b12_anaemia",), False),
    ("Endometriosis", ("endometriosis",), False),
    ("period", ("menstruation",), False),
    ("pregnant", ("pregnancy",), False),
    ("PID", ("pelvic_inflammatory_disease",), False),
    ("benign ovarian cysts", ("ovarian_cyst",), False),
    ("pleural effusion", ("effusion",), False),
    ("Ascites", ("effusion",), False),
    ("COPD; smoker", ("smoking", "lung_disease"), False),
    # Negations before (same clause) and after (only : ? - between).
    ("non-smoker", (), False),
    ("never smoked", (), False),
    ("no smoking", (), False),
    ("without cirrhosis", (), False),
    ("smoker? no", (), False),
    ("Smoking: never", (), False),
    ("hepatitis B negative", (), False),
    ("hepatitis - resolved", (), False),
    ("colon polyps removed", (), False),
    ("smoker, never drinks", ("smoking",), False),
    ("no alcohol, smoker", ("smoking",), False),
    ("denies smoking", (), False),
    ("family history of CKD", (), False),
    ("no history of hepatitis", (), False),
    # Over: former, ex, quit, stopped, gave up, past.
    ("former smoker", ("smoking",), True),
    ("ex-smoker", ("smoking",), True),
    ("quit smoking in 2010", ("smoking",), True),
    ("stopped smoking", ("smoking",), True),
    ("gave up cigarettes", ("smoking",), True),
    ("past hepatitis A", ("liver_disease",), True),
    # Malignant words are never a benign cause.
    ("liver metastases", (), False),
    ("metastatic pleural effusion", (), False),
    ("malignant ascites", (), False),
    ("bone mets", (), False),
    ("colon cancer", (), False),
    # Polyps elsewhere are not colon polyps.
    ("endometrial polyp", (), False),
    ("Uterine polyps", (), False),
    ("nasal polyps", (), False),
    ("cervical polyp", (), False),
    ("gallbladder polyp", (), False),
    # Two words either side, linking words ("in the") not counted (review of issue 12).
    ("polyp in the gall bladder", (), False),
    ("polyp in the uterus", (), False),
    ("uterus polyp", (), False),
    ("gastric polyp", (), False),
    ("stomach polyps", (), False),
    ("nasal polyp", (), False),
    ("vocal cord polyp", (), False),
    ("cervix polyp", (), False),
    ("polyp of the cervix", (), False),
    ("bladder polyp", (), False),
    ("polyp in the nose", (), False),
    ("polyps in the colon", ("colon_polyps",), False),
    ("bowel polyps", ("colon_polyps",), False),
    # A negation after the name inside brackets counts like one after "-" or ":".
    ("hepatitis B (negative)", (), False),
    ("hepatitis B [negative]", (), False),
    ("Smoker (never)", (), False),
    ("hepatitis B (chronic)", ("liver_disease",), False),
    ("menstruating", ("menstruation",), False),
    ("menstrual period", ("menstruation",), False),
    # The rules table: lung disease raises CA 15-3 and CA 27.29 too.
    ("COPD (emphysema)", ("lung_disease",), False),
    # Names of nothing in the catalogue.
    ("bone pain", (), False),
    ("diabetes", (), False),
    ("asthma", (), False),
]


@pytest.mark.parametrize(("name", "codes", "ended"), NAMES, ids=[n for n, _, _ in NAMES])
def test_condition_names_match_the_table(name: str, codes: tuple[str, ...], ended: bool) -> None:
    match = match_condition(name)
    assert (match.codes, match.ended) == (codes, ended)


@pytest.mark.parametrize(
    ("name", "malignant"),
    [
        ("liver metastases", True),
        ("bone mets", True),
        ("Metastatic pleural effusion", True),
        ("breast cancer", True),
        ("malignant ascites", True),
        ("fatty liver", False),
        ("bone pain", False),
    ],
)
def test_malignant_words_are_told_apart(name: str, malignant: bool) -> None:
    assert match_condition(name).malignant is malignant


def test_copd_counts_for_ca_15_3_and_ca_27_29() -> None:
    copd = _condition("COPD", date(2020, 1, 1))
    for marker in ("CA15-3", "CA27.29", "CEA"):
        assert [item.name for item in conditions_for_draw(marker, [copd], DRAW, rise=True)] == [
            "COPD"
        ]
    assert conditions_for_draw("CA125", [copd], DRAW, rise=True) == ()


def test_the_table_is_large_enough() -> None:
    assert len(NAMES) >= 40


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("Stomach  Ulcers!", "stomach ulcer"),
        ("B-12", "b12"),
        ("Anaemia", "anemia"),
        ("oesophagitis", "esophagitis"),
        ("Crème brûlée", "creme brulee"),
        ("hepatitis", "hepatitis"),
        ("mass", "mass"),
        ("virus", "virus"),
        ("has", "has"),
    ],
)
def test_one_normaliser(text: str, normal: str) -> None:
    assert normalise(text) == normal


def _condition(name: str, start: date, end: date | None = None, event_id: int = 1) -> EventPoint:
    return EventPoint(event_id, "condition", name, start, end)


DRAW = date(2026, 3, 2)


def test_smoking_that_ended_in_2010_is_not_offered_in_2026() -> None:
    ended = _condition("smoking", date(2005, 1, 1), date(2010, 6, 30))
    assert conditions_for_draw("CEA", [ended], DRAW, rise=True) == ()
    assert conditions_for_draw("CEA", [ended], DRAW, rise=False) == ()


def test_quit_in_the_name_ends_the_condition_on_its_date() -> None:
    quit_2010 = _condition("quit smoking", date(2010, 6, 30))
    assert conditions_for_draw("CEA", [quit_2010], DRAW, rise=True) == ()
    quit_recently = _condition("ex-smoker", date(2026, 1, 15))
    assert conditions_for_draw("CEA", [quit_recently], DRAW, rise=True) == ()
    # An above-limit flag still names it: it ended 46 days before the draw.
    assert conditions_for_draw("CEA", [quit_recently], DRAW, rise=False) == (
        LoggedCondition("ex-smoker", "cigarette smoking"),
    )


def test_ongoing_and_end_date_on_the_draw_count_for_a_rise() -> None:
    ongoing = _condition("Renal impairment", date(2027, 1, 1))  # logged later: start ignored
    ends_that_day = _condition("stomach ulcers", date(2025, 1, 1), DRAW, event_id=2)
    assert conditions_for_draw("CEA", [ongoing, ends_that_day], DRAW, rise=True) == (
        LoggedCondition("stomach ulcers", "stomach (peptic) ulcer or gastritis"),
        LoggedCondition("Renal impairment", "chronic kidney disease"),
    )
    assert conditions_for_draw("CA15-3", [ongoing], DRAW, rise=True) == (
        LoggedCondition("Renal impairment", "kidney impairment"),
    )


def test_ended_before_the_draw_counts_only_for_above_reference_within_90_days() -> None:
    day_before = _condition("hepatitis", date(2025, 1, 1), date(2026, 3, 1))
    assert conditions_for_draw("CA15-3", [day_before], DRAW, rise=True) == ()
    assert len(conditions_for_draw("CA15-3", [day_before], DRAW, rise=False)) == 1
    ninety = _condition("hepatitis", date(2025, 1, 1), date(2025, 12, 2))  # 90 days before
    ninety_one = _condition("cirrhosis", date(2025, 1, 1), date(2025, 12, 1), event_id=2)
    found = conditions_for_draw("CA15-3", [ninety, ninety_one], DRAW, rise=False)
    assert [c.name for c in found] == ["hepatitis"]


def test_episodic_conditions_count_from_a_week_before_for_their_default_length() -> None:
    pancreatitis = _condition("pancreatitis", date(2026, 3, 9))  # starts 7 days after the draw
    assert conditions_for_draw("CEA", [pancreatitis], DRAW, rise=True) != ()
    too_early = _condition("pancreatitis", date(2026, 3, 10))
    assert conditions_for_draw("CEA", [too_early], DRAW, rise=True) == ()
    sixty_days = _condition("pancreatitis", date(2026, 1, 1))  # day 60 is 2 Mar
    assert conditions_for_draw("CEA", [sixty_days], DRAW, rise=True) != ()
    sixty_one = _condition("pancreatitis", date(2025, 12, 31))
    assert conditions_for_draw("CEA", [sixty_one], DRAW, rise=True) == ()
    period = _condition("period", date(2026, 2, 23))  # 7 days: to 2 Mar
    assert conditions_for_draw("CA125", [period], DRAW, rise=True) != ()
    period_over = _condition("period", date(2026, 2, 22))
    assert conditions_for_draw("CA125", [period_over], DRAW, rise=True) == ()
    pregnancy = _condition("pregnant", date(2025, 6, 1))  # within 300 days
    assert conditions_for_draw("CA125", [pregnancy], DRAW, rise=True) != ()


def test_only_conditions_of_the_marker_and_only_condition_events() -> None:
    events = [
        _condition("smoking", date(2025, 1, 1)),
        EventPoint(2, "symptom", "hepatitis", date(2025, 1, 1)),
        _condition("Smoking", date(2025, 2, 1), event_id=3),
        _condition("smoking", date(2025, 3, 1), event_id=4),
    ]
    assert conditions_for_draw("CA15-3", events, DRAW, rise=True) == ()
    assert [c.name for c in conditions_for_draw("CEA", events, DRAW, rise=True)] == [
        "smoking",
        "Smoking",
    ]


@pytest.mark.parametrize(
    ("name", "generic"),
    [
        ("zoledronic acid", "zoledronic acid"),
        ("Zoledronate 4 mg", "zoledronic acid"),
        ("ZOMETA", "zoledronic acid"),
        ("pamidronate", "pamidronate"),
        ("Aredia", "pamidronate"),
        ("ibandronate", "ibandronate"),
        ("clodronate", "clodronate"),
        ("Xgeva", "denosumab"),
        ("Prolia", "denosumab"),
        ("denosumab", "denosumab"),
        ("filgrastim", "filgrastim"),
        ("Pegfilgrastim", "pegfilgrastim"),
        ("letrozole", None),
        ("eribulin", None),
    ],
)
def test_supportive_medicines_are_recognised(name: str, generic: str | None) -> None:
    assert supportive_medicine_in(name) == generic
