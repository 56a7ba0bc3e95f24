"""One rule for lab names (tracker.catalogue.lab_names), used by trend, reports and check."""

from __future__ import annotations

import pytest

from tracker.catalogue.lab_names import lab_display, lab_key


@pytest.mark.parametrize(
    ("typed", "key", "shown"),
    [
        ("City Lab", "city lab", "City Lab"),
        ("  city\u00a0 LAB\t", "city lab", "city LAB"),
        ("Labor Straße", "labor strasse", "Labor Straße"),  # casefold, not lower
        ("   ", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_lab_names_compare_tidied_and_case_folded(
    typed: str | None, key: str | None, shown: str | None
) -> None:
    assert lab_key(typed) == key
    assert lab_display(typed) == shown


def test_the_report_shows_a_lab_name_as_the_engine_does() -> None:
    from tracker.reports.data import lab_label

    assert lab_label(" Labor  STRASSE ") == "Labor STRASSE"
    assert lab_label(None) == lab_label("  ") == "lab not recorded"
