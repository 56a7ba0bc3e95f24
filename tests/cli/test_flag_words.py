"""The words users see: brief flags in `add` and `trend`, `-v`, and `event add` notes."""

from __future__ import annotations

from tests.helpers.cli_runs import Tracker

CA153_CAUSES = [
    "  Benign conditions that can also raise CA 15-3: chronic liver disease (cirrhosis,",
    "  hepatitis), vitamin B12 (megaloblastic) anaemia, interstitial lung disease, kidney",
    "  impairment.",
]


def _city(tracker: Tracker, value: str, day: str, *options: str) -> list[str]:
    out = tracker.ok("add", "CA15-3", value, "--date", day, "--lab", "City Lab", *options)
    return out.stdout.splitlines()


def test_add_prints_a_headline_then_causes_and_advice_once(tracker: Tracker) -> None:
    _city(tracker, "22.5", "2023-07-03")
    tracker.ok("event", "add", "condition", "Renal impairment", "--date", "2023-01-01")
    assert _city(tracker, "22.5", "2023-08-03") == [
        "Added #2: CA 15-3 22.5 U/mL on 2023-08-03 (City Lab)"
    ]
    assert _city(tracker, "29.1", "2023-09-03") == [
        "Added #3: CA 15-3 29.1 U/mL on 2023-09-03 (City Lab)",
        "  CA 15-3 rise: 22.5 -> 29.1 U/mL (+29%) since the previous result on 3 Aug 2023 — still",
        "  within the usual range; unconfirmed: ask whether a repeat test is needed",
        *CA153_CAUSES,
        "  Renal impairment, logged for this person, can also raise CA 15-3.",
        "  Discuss with your oncologist.",
    ]


def test_two_flags_on_one_result_share_the_causes_and_the_advice(tracker: Tracker) -> None:
    _city(tracker, "24", "2026-01-05")
    _city(tracker, "26", "2026-03-30")
    lines = _city(tracker, "41", "2026-05-04")
    assert lines == [
        "Added #3: CA 15-3 41 U/mL on 2026-05-04 (City Lab)",
        "  CA 15-3 rise: 26 -> 41 U/mL (+58%) since the previous result on 30 Mar 2026 —",
        "  unconfirmed: ask whether a repeat test is needed",
        "  CA 15-3 above the upper reference limit: 41 U/mL on 4 May 2026",
        *CA153_CAUSES,
        "  Discuss with your oncologist.",
    ]
    assert len(lines) <= 8


def test_verbose_add_prints_the_full_texts(tracker: Tracker) -> None:
    # -v: each full text without its causes and advice, which follow once per marker
    # (the clinical review of issue 12 found them repeated in every flag); JSON keeps all.
    _city(tracker, "24", "2026-01-05")
    _city(tracker, "26", "2026-03-30")
    lines = _city(tracker, "41", "2026-05-04", "-v")
    text = " ".join(line.strip() for line in lines[1:])
    messages = [flag["message"] for flag in tracker.json("trend")["flags"]]
    causes = " ".join(line.strip() for line in CA153_CAUSES)
    rise, above = messages
    assert rise.endswith(" Discuss with your oncologist.") and "Benign conditions" in rise
    body = rise[: rise.index(" Benign conditions that can also raise")]
    above_body = above.removesuffix(" Discuss with your oncologist.")
    assert text == f"{body} {above_body} {causes} Discuss with your oncologist."
    assert text.count("Discuss with your oncologist.") == 1
    assert text.count("can also raise CA 15-3") == 1


def test_a_rise_from_below_the_range_is_worded_in_units(tracker: Tracker) -> None:
    tracker.ok("add", "CEA", "<0.5", "--date", "2026-01-05")
    lines = tracker.ok("add", "CEA", "1.2", "--date", "2026-02-05").stdout.splitlines()
    assert lines[1:3] == [
        "  CEA rise: <0.5 -> 1.2 ng/mL (at least +0.7 ng/mL) since the previous result on 5 Jan",
        "  2026 — still within the usual range; unconfirmed: ask whether a repeat test is needed",
    ]
    assert "%" not in " ".join(lines[1:3])


def test_ca125_names_fluid_apart_from_the_benign_causes(tracker: Tracker) -> None:
    tracker.ok("add", "CA125", "30", "--date", "2026-01-05")
    out = tracker.ok("add", "CA125", "50", "--date", "2026-02-05").stdout
    text = " ".join(line.strip() for line in out.splitlines())
    assert (
        "Benign conditions that can also raise CA 125: endometriosis, menstruation, "
        "pregnancy, pelvic inflammatory disease, benign ovarian cysts, liver disease, "
        "pancreatitis. Fluid in the abdomen or chest (ascites, pleural effusion) and heart "
        "failure can also raise CA 125."
    ) in text


def test_trend_is_brief_and_shows_the_latest_lab_first(tracker: Tracker) -> None:
    # Pinned a month after the last result: no "more than 12 months old" line here.
    tracker.env["TRACKER_TODAY"] = "2023-12-01"
    tracker.ok("add", "CA15-3", "22.5", "--date", "2023-05-01", "--lab", "City Lab")
    tracker.ok("event", "add", "condition", "CKD stage 3", "--date", "2023-01-01")
    for value, day in (("22.5", "2023-08-03"), ("29.1", "2023-09-03"), ("36", "2023-10-03")):
        _city(tracker, value, day)
    tracker.ok("add", "CA15-3", "30", "--date", "2023-11-03", "--lab", "North Lab")
    lines = tracker.ok("trend").stdout.splitlines()
    assert lines[:7] == [
        "Trend for me",
        "",
        "CA 15-3 (North Lab): 1 result",
        "  Latest: 30 U/mL on 3 Nov 2023",
        "  A rise is flagged from 25.0% (the tracker's threshold); upper limit 30 U/mL",
        "  - 3 Nov 2023, from another lab (North Lab): 30 U/mL — not compared with results from",
        "    other labs; two results from this lab set a new baseline",
    ]
    assert lines[7] == "CA 15-3 (City Lab, another lab): 4 results"
    assert "  Lowest recorded: 22.5 U/mL on 1 May 2023 (latest +60%)" in lines
    body = "\n".join(lines)
    assert (
        "  - 3 Sep 2023, rise: 22.5 -> 29.1 U/mL (+29%) since the previous result on 3 Aug 2023 —\n"
        "    still within the usual range; confirmed: the next result agreed, so this is not a\n"
        "    one-off"
    ) in body
    assert "  - 3 Oct 2023, above the upper reference limit: 36 U/mL" in lines
    assert body.count("Benign conditions that can also raise CA 15-3") == 1
    assert body.count("Discuss with your oncologist.") == 1
    assert "  CKD stage 3, logged for this person, can also raise CA 15-3." in lines
    assert " 1 results" not in body and " 1 tests" not in body
    verbose = " ".join(tracker.ok("trend", "-v").stdout.split())
    # -v: full texts without their causes and advice, which still come once per marker.
    assert verbose.count("Discuss with your oncologist.") == 1
    assert verbose.count("can also raise CA 15-3:") == 1


def test_trend_on_24_readings_stays_short(tracker: Tracker) -> None:
    values = [20, 21, 20, 27, 28, 22, 21, 29, 30, 24, 23, 31, 33, 25, 24, 32, 40, 30, 29, 38,
              39, 30, 29, 37]  # fmt: skip
    for month, value in enumerate(values, start=1):
        year, month_of_year = 2024 + (month - 1) // 12, (month - 1) % 12 + 1
        tracker.ok("add", "CA15-3", str(value), "--date", f"{year}-{month_of_year:02d}-10")
    flags = tracker.json("trend")["flags"]
    lines = tracker.ok("trend").stdout.splitlines()
    assert len(flags) >= 5
    assert len(lines) <= 2 * len(flags) + 16
    assert "\n".join(lines).count("Discuss with your oncologist.") == 1


def test_event_add_warns_about_supportive_medicines(tracker: Tracker) -> None:
    out = tracker.ok("event", "add", "treatment", "Zometa", "--date", "2026-01-10").stdout
    assert " ".join(line.strip() for line in out.splitlines()) == (
        "Added event #1: treatment Zometa from 2026-01-10 "
        "Note: Zometa (zoledronic acid) is supportive care, not a treatment aimed at the "
        "tumour; logged as a treatment it starts a new treatment line and a flare window. "
        "To log it as supportive instead: `tracker event delete 1 --yes` then "
        '`tracker event add supportive "Zometa" --date 2026-01-10`.'
    )
    # Stored as asked.
    [event] = tracker.json("event", "list")
    assert (event["kind"], event["name"]) == ("treatment", "Zometa")
    for name in ("zoledronate", "Aredia", "denosumab", "Xgeva", "Prolia", "pegfilgrastim"):
        out = tracker.ok("event", "add", "treatment", name, "--date", "2026-02-01").stdout
        assert "is supportive care" in out
    assert "Note" not in tracker.ok("event", "add", "supportive", "Aredia").stdout


def test_event_add_says_a_repeated_treatment_starts_no_line(tracker: Tracker) -> None:
    tracker.ok("event", "add", "treatment", "eribulin", "--date", "2026-01-10")
    out = tracker.ok("event", "add", "treatment", "Eribulin", "--date", "2026-02-10").stdout
    assert " ".join(line.strip() for line in out.splitlines()[1:]) == (
        "Note: eribulin is already the current treatment (event #1, from 2026-01-10), so "
        "this starts no new treatment line. A regimen is best logged once, with an end date "
        "when it stops: `tracker event edit 1 --end YYYY-MM-DD`."
    )
    tracker.ok("event", "add", "treatment", "capecitabine", "--date", "2026-03-10")
    out = tracker.ok("event", "add", "treatment", "eribulin", "--date", "2026-04-10").stdout
    assert out.count("\n") == 1  # back to eribulin after another line: a new line, no note


def test_event_add_says_when_a_condition_names_no_known_cause(tracker: Tracker) -> None:
    out = tracker.ok("event", "add", "condition", "non-smoker", "--date", "2026-01-10").stdout
    assert " ".join(line.strip() for line in out.splitlines()[1:]) == (
        "Note: 'non-smoker' matches none of the conditions known to raise a marker; it is "
        "kept and shown on the time line, but no flag will name it."
    )
    for name in ("CKD stage 3", "stomach ulcers", "Hepatitis C", "peptic ulcer disease"):
        assert tracker.ok("event", "add", "condition", name).stdout.count("\n") == 1
    assert len(tracker.json("event", "list")) == 5


def test_markers_name_shows_one_marker_in_full(tracker: Tracker) -> None:
    lines = tracker.ok("markers", "ca153").stdout.splitlines()
    assert lines[:6] == [
        "CA 15-3 (cancer antigen 15-3 (MUC1))",
        "  Also written: ca 15-3, ca 15.3, ca 153, ca-15-3, ca-15.3, ca-153, ca15-3, ca15.3,",
        "  ca153",
        "  Unit: U/mL (accepted: U/mL, U/ml, kU/L)",
        "  LOINC: 6875-9",
        "  Usual upper limit: 30 U/mL (a lab's own limit wins; assays use 25-35 U/mL)",
    ]
    text = " ".join(" ".join(lines).split())
    for words in (
        "up to +20.4% for a rise, -16.9% for a fall",
        "a rise is flagged from 25.0%",
        "at least 3 U/mL (the floor, a design choice",
        "kidney impairment.",
        "High-dose biotin supplements",
        "From the source article (Imaginis, “Metastatic Breast Cancer”):",
        "“not typically used alone”",
        "“tend to be elevated” in metastatic breast cancer",
        "spreads to the bone, then the lung, then the liver",
        "bone pain; shortness of breath; lack of appetite; weight loss; neurological pain "
        "or weakness, headaches",
        "denosumab (Xgeva, Prolia)",
    ):
        assert words in text, words
    assert "spread beyond the breast" not in text
    assert "CEA" not in lines[0]
    listing = tracker.ok("markers").stdout
    assert listing.startswith("CEA (carcinoembryonic antigen)\n")
    assert "From the source article" not in listing
    assert tracker.fails("markers", "PSA").stderr == (
        "Error: unknown marker 'PSA'; known markers: CEA, CA 15-3, CA 27.29, CA 125\n"
    )


def test_conditions_are_named_by_their_words(tracker: Tracker) -> None:
    for name in ("Renal impairment", "non-smoker", "hepatitis B negative", "nasal polyps"):
        tracker.ok("event", "add", "condition", name, "--date", "2025-12-01")
    tracker.ok("add", "CA15-3", "24", "--date", "2026-01-05")
    tracker.ok("add", "CA15-3", "31", "--date", "2026-02-05")
    tracker.ok("add", "CEA", "2", "--date", "2026-01-05")
    out = tracker.ok("add", "CEA", "3", "--date", "2026-02-05").stdout
    # Kidney impairment can raise CEA too; the negated names and nasal polyps count for none.
    assert "  Renal impairment, logged for this person, can also raise CEA." in out
    flags = {
        flag["marker"]: flag for flag in tracker.json("trend")["flags"] if flag["kind"] == "rise"
    }
    assert flags["CA 15-3"]["logged_conditions"] == ["Renal impairment"]
    assert flags["CEA"]["logged_conditions"] == ["Renal impairment"]


def test_event_add_says_a_cycle_name_starts_no_line(tracker: Tracker) -> None:
    # docs/clinical-rules.md, "Treatment lines": names compare without cycle words/numbers.
    tracker.ok("event", "add", "treatment", "paclitaxel", "--date", "2026-01-10")
    out = tracker.ok("event", "add", "treatment", "Paclitaxel cycle 2", "--date", "2026-01-31")
    assert " ".join(line.strip() for line in out.stdout.splitlines()[1:]) == (
        "Note: Paclitaxel cycle 2 counts as another cycle of the current treatment, "
        "paclitaxel (names are compared without cycle words and numbers) (event #1, from "
        "2026-01-10), so this starts no new treatment line. A regimen is best logged once, "
        "with an end date when it stops: `tracker event edit 1 --end YYYY-MM-DD`."
    )
    for name in ("paclitaxel C3", "Paclitaxel #4", "paclitaxel (cycle 5)", "Paclitaxel day 8"):
        out = tracker.ok("event", "add", "treatment", name, "--date", "2026-02-21")
        joined = " ".join(line.strip() for line in out.stdout.splitlines())
        assert "counts as another cycle of the current treatment, paclitaxel" in joined
    assert "Note" not in tracker.ok("event", "add", "treatment", "eribulin").stdout
