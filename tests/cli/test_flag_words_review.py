"""The words a clinician's review of issue 12 found wrong, each pinned by a test.

Conditions, rounding, repetition and the PDF summary (docs/clinical-rules.md, "Logged
conditions" and "Wording").
"""

from __future__ import annotations

from tests.helpers.cli_runs import Tracker


def _note(tracker: Tracker, kind: str, name: str) -> str:
    out = tracker.ok("event", "add", kind, name, "--date", "2026-01-10").stdout
    return " ".join(line.strip() for line in out.splitlines()[1:])


def test_a_malignant_name_is_not_told_it_matches_nothing(tracker: Tracker) -> None:
    assert _note(tracker, "condition", "liver metastases") == (
        "Note: 'liver metastases' is not counted as a benign cause: names that say "
        "malignant, metastatic, mets, metastases or cancer never are. It is kept and shown "
        "on the time line, but no flag will name it."
    )
    assert "matches none" in _note(tracker, "condition", "hepatitis B (negative)")
    assert _note(tracker, "condition", "pleural effusion") == ""
    assert len(tracker.json("event", "list")) == 3


def _text(tracker: Tracker, *args: str) -> str:
    return " ".join(tracker.ok(*args).stdout.split())


FLUID = (
    "Benign conditions that can also raise CA 125: endometriosis, menstruation, pregnancy, "
    "pelvic inflammatory disease, benign ovarian cysts, liver disease, pancreatitis. Fluid in "
    "the abdomen or chest (ascites, pleural effusion) and heart failure can also raise CA 125."
)


def test_fluid_is_named_apart_from_the_benign_causes_everywhere(tracker: Tracker) -> None:
    tracker.ok("event", "add", "condition", "pleural effusion", "--date", "2025-09-01")
    tracker.ok("add", "CA125", "30", "--date", "2025-10-01")
    added = _text(tracker, "add", "CA125", "38", "--date", "2026-01-05")
    trend = _text(tracker, "trend")
    for text in (added, trend):
        assert FLUID in text
        assert "Pleural effusion, logged for this person, can also raise CA 125." in text
        assert "benign" not in text.split(FLUID)[1]
    assert FLUID in _text(tracker, "markers", "ca125")


def test_a_negation_in_brackets_is_never_named_in_a_flag(tracker: Tracker) -> None:
    tracker.ok("event", "add", "condition", "hepatitis B (negative)", "--date", "2025-09-01")
    tracker.ok("add", "CA15-3", "20", "--date", "2025-10-01")
    out = _text(tracker, "add", "CA15-3", "40", "--date", "2025-12-01")
    assert "rise" in out and "hepatitis B (negative)" not in out.lower()
    assert tracker.json("trend")["flags"][0]["logged_conditions"] == []


def test_a_change_below_the_threshold_is_not_rounded_up_to_it(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "3", "--date", "2026-01-05")
    tracker.ok("add", "CEA", "3.83", "--date", "2026-02-05")  # +27.67 %, threshold 27.88 %
    lines = tracker.ok("trend").stdout.splitlines()
    assert "  Lowest recorded: 3 ng/mL on 5 Jan 2026 (latest +27.6%)" in lines
    assert "  A rise is flagged from 27.9% (the tracker's threshold); upper limit 5 ng/mL" in lines
    assert "  No flags" in lines
    assert "Discuss with your oncologist." not in "\n".join(lines)


def test_the_headline_and_the_full_text_show_the_same_figure(tracker: Tracker) -> None:
    tracker.ok("add", "CA15-3", "22.5", "--date", "2023-08-03")
    out = _text(tracker, "add", "CA15-3", "29", "--date", "2023-09-03")  # +28.9 %
    message = tracker.json("trend")["flags"][0]["message"]
    assert "(+29%)" in out and "+28.9%" not in out
    assert "29% above the previous result" in message


def test_no_date_is_said_twice_and_advice_only_after_flags(tracker: Tracker) -> None:
    tracker.ok("add", "CA125", "30", "--date", "2025-12-05")
    tracker.ok("add", "CA125", "38", "--date", "2026-01-05")
    tracker.ok("add", "CA15-3", "20", "--date", "2026-03-02")
    tracker.ok("add", "CA15-3", "30", "--date", "2026-03-02")
    tracker.ok("add", "CEA", "2", "--date", "2026-03-02")
    lines = tracker.ok("trend").stdout.splitlines()
    body = "\n".join(lines)
    assert "  - 5 Jan 2026, above the upper reference limit: 38 U/mL" in lines
    assert (
        "  - 2 Mar 2026, two results of the same day differ more than tests usually do — check"
        in body
    )
    assert body.count("5 Jan 2026") == 2  # the latest line and the flag, no more
    # CEA has no flags: its section ends without the advice; CA 125 and CA 15-3 have it.
    cea = body[body.index("CEA (lab not recorded)") :]
    cea = cea[: cea.index("\n\n")]
    assert "Discuss" not in cea and "  No flags" in cea
    assert body.count("Discuss with your oncologist.") == 2


def test_verbose_trend_says_causes_and_advice_once_per_marker(tracker: Tracker) -> None:
    tracker.ok("event", "add", "condition", "CKD stage 3", "--date", "2023-01-01")
    for value, day in (("20", "2023-01-10"), ("26", "2023-03-10"), ("34", "2023-05-10")):
        tracker.ok("add", "CA15-3", value, "--date", day)
    flags = tracker.json("trend")["flags"]
    assert len(flags) >= 2
    assert all(flag["message"].endswith("Discuss with your oncologist.") for flag in flags)
    verbose = _text(tracker, "trend", "-v")
    assert verbose.count("Discuss with your oncologist.") == 1
    assert verbose.count("can also raise CA 15-3:") == 1
    assert verbose.count("CKD stage 3, logged for this person") == 1
    assert "logged for this person, can raise" not in verbose
    for flag in flags:
        first = flag["message"].split(". ")[0]
        assert " ".join(first.split()) in verbose


def test_a_rise_within_the_usual_range_says_so_in_brief(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "<0.5", "--date", "2026-01-05")
    added = _text(tracker, "add", "CEA", "1.2", "--date", "2026-02-05")
    trend = _text(tracker, "trend")
    for text in (added, trend):
        assert (
            "rise: <0.5 -> 1.2 ng/mL (at least +0.7 ng/mL) since the previous result on 5 Jan "
            "2026 — still within the usual range; unconfirmed" in text
        )
    tracker.ok("add", "CEA", "6.5", "--date", "2026-03-05")
    above = _text(tracker, "trend")
    assert "1.2 -> 6.5 ng/mL" in above
    assert above.count("still within the usual range") == 1  # only the rise to 1.2


def test_trend_restates_a_supportive_medicine_logged_as_a_treatment(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "2", "--date", "2025-09-01")
    tracker.ok("event", "add", "treatment", "zoledronic acid", "--date", "2025-09-15")
    tracker.ok("event", "add", "treatment", "letrozole", "--date", "2025-09-20")
    expected = (
        "Zoledronic acid is logged as a treatment (from 15 Sep 2025), so it starts a "
        "treatment line; if it is supportive care, log it with `tracker event add supportive "
        '"zoledronic acid" --date 2025-09-15` and delete the treatment event (`tracker event '
        "delete 1 --yes`)."
    )
    trend = _text(tracker, "trend")
    assert trend.count(expected) == 1
    assert "letrozole is logged" not in trend.lower()
    tracker.ok("event", "delete", "1", "--yes")
    assert "is logged as a treatment" not in _text(tracker, "trend")


def test_full_texts_name_fluid_apart_too(tracker: Tracker) -> None:
    tracker.ok("event", "add", "condition", "ascites", "--date", "2025-09-01")
    tracker.ok("add", "CA125", "20", "--date", "2025-10-01")
    tracker.ok("add", "CA125", "40", "--date", "2026-01-05")
    flags = tracker.json("trend")["flags"]
    messages = [flag["message"] for flag in flags if flag["kind"] == "rise"]
    assert messages and all(FLUID in message for message in messages)
    assert all(
        "Ascites, logged for this person, can raise CA 125." in message for message in messages
    )
    assert "fluid in the abdomen or chest" in tracker.json("trend")["flags"][0]["benign_causes"][-1]
