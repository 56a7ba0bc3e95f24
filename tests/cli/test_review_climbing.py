"""``tracker review`` keeps a confirmed rise listed while it is still climbing (issue 15)."""

from __future__ import annotations

from tests.helpers.cli_runs import Tracker


def test_a_confirmed_rise_stays_listed_under_a_further_unconfirmed_step(tracker: Tracker) -> None:
    for day, value in [("2025-09-01", "2.4"), ("2025-12-01", "3.6"), ("2026-03-01", "4.9")]:
        tracker.ok("add", "CEA", value, "--date", day, "--lab", "City Lab")
    flags = [
        (flag["kind"], flag["status"], flag["value"]) for flag in tracker.json("trend")["flags"]
    ]
    assert flags == [("rise", "confirmed", 3.6), ("further_rise", "unconfirmed", 4.9)]

    document = tracker.json("review")
    assert document["attention"] is True
    [flag] = document["patients"][0]["flags"]
    assert (flag["status"], flag["value"], flag["drawn_on"]) == ("confirmed", 3.6, "2025-12-01")
    assert (flag["latest_value"], flag["latest_drawn_on"]) == (4.9, "2026-03-01")
    assert tracker("review", "--exit-code").exit_code == 3
    line = tracker.ok("review").stdout.splitlines()[1]
    assert "CEA rise to 3.6 ng/mL on 1 Dec 2025" in line
    assert "latest 4.9 ng/mL on 1 Mar 2026" in line
    assert "nothing open" not in line


def test_the_latest_value_is_not_repeated_when_it_is_the_flagged_one(tracker: Tracker) -> None:
    for day, value in [("2026-01-05", "2.0"), ("2026-03-05", "6.0")]:
        tracker.ok("add", "CEA", value, "--date", day)
    [flag] = tracker.json("review")["patients"][0]["flags"]
    assert (flag["latest_value"], flag["latest_drawn_on"]) == (6.0, "2026-03-05")
    assert "latest" not in tracker.ok("review").stdout.splitlines()[1]
