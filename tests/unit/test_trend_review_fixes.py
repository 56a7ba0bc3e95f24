"""The fixes a clinician's review of issue 12 asked for, one named test each.

Day offsets count from 2026-01-05 (tests/unit/test_trend_cases.py). CA 15-3: threshold
25 % and 3 U/mL; CEA: 27.88 % and 0.5 ng/mL.
"""

from __future__ import annotations

from tests.unit.test_trend_cases import ca153, event, observed
from tracker.trend.engine import analyse
from tracker.trend.lines import treatment_changes, treatment_key

PACLITAXEL_CYCLES = [
    event(1, "treatment", "paclitaxel", 0),
    event(2, "treatment", "Paclitaxel cycle 2", 21),
    event(3, "treatment", "paclitaxel C3", 42),
    event(4, "treatment", "Paclitaxel #4", 63),
    event(5, "treatment", "paclitaxel (cycle 5)", 84),
    event(6, "treatment", "Paclitaxel day 8", 91),
]


# -- 1. cycles logged one at a time under varied names ---------------------------------


def test_cycle_names_compare_as_one_treatment() -> None:
    names = [
        "paclitaxel",
        "Paclitaxel cycle 2",
        "paclitaxel C3",
        "Paclitaxel #4",
        "paclitaxel (cycle 5)",
        "Paclitaxel day 8",
        "PACLITÁXEL, 2nd dose",
        "paclitaxel infusion week 3",
        "paclitaxel round two",
    ]
    assert {treatment_key(name) for name in names[:-1]} == {"paclitaxel"}
    # "two" is not a cycle word here: only digits and ordinals are removed.
    assert treatment_key(names[-1]) == "paclitaxel two"
    # Names with digits inside a word stay themselves; a name of cycle words only is kept.
    assert treatment_key("T-DM1") == "t dm1"
    assert treatment_key("5-FU") == "5fu"
    assert treatment_key("cycle 2") == "cycle 2"
    assert treatment_key("eribulin") != treatment_key("paclitaxel")


def test_cycles_under_varied_names_start_no_new_line() -> None:
    changes = treatment_changes(PACLITAXEL_CYCLES, 42)
    assert [(change.first_start, change.names) for change in changes] == [
        (PACLITAXEL_CYCLES[0].started_on, ("paclitaxel",))
    ]


def test_a_rise_after_the_first_window_is_not_hidden_by_later_cycles() -> None:
    # Baseline 20 two days before the first dose; 21 on day 30 (inside the window, no
    # rise); 30 on day 70, after the window (day 42), is +42.9 % (+9) over 21: a rise.
    # Before the fix every cycle within the previous one's window joined the change up to
    # day 90, so day 70 was still "inside the window" (a possible flare), and "Paclitaxel
    # day 8" (day 91) opened a new line and window: 38 on day 98 a possible flare again.
    # It is a further rise over the flagged 30 (+26.7 %, +8).
    result = analyse(
        [ca153(1, -2, 20), ca153(2, 30, 21), ca153(3, 70, 30), ca153(4, 98, 38)],
        PACLITAXEL_CYCLES,
    )
    assert [flag for flag in observed(result) if flag[1] != "above_reference"] == [
        (3, "rise", "confirmed", 2, 42.9),
        (4, "further_rise", "unconfirmed", 3, 26.7),
    ]
