"""`list --json` writes each reading's JSON text directly (tracker/services/readings_json.py):
it must be exactly what the json module makes of ``reading_json``, whatever the text."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tracker.catalogue.markers import MARKERS
from tracker.services.readings import ListedReading
from tracker.services.readings_json import reading_json, reading_json_texts

ENCODE = json.JSONEncoder(ensure_ascii=False).encode

texts = st.text(max_size=20)
numbers = st.one_of(
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=10**6),
    # Not readable (tracker/store/stored_rows.py), but written as the json module would.
    st.sampled_from([float("-inf"), float("inf"), float("nan"), -1.5]),
)
readings = st.builds(
    ListedReading,
    id=st.integers(min_value=1, max_value=2**62),
    marker=st.sampled_from(sorted(MARKERS)),
    value=numbers,
    qualifier=st.sampled_from([None, "<", ">"]),
    unit=st.sampled_from(["ng/mL", "U/mL", "µg/L", 'odd "unit"\\']),
    drawn_on=st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
    lab=st.one_of(st.none(), texts),
    ref_high=st.one_of(st.none(), numbers),
    note=st.one_of(st.none(), texts),
    entered_value=st.one_of(st.none(), texts),
)


@given(st.lists(readings, max_size=8), texts)
def test_each_text_is_what_the_json_module_writes(listed: list[ListedReading], name: str) -> None:
    expected = [ENCODE(reading_json(reading, name)) for reading in listed]
    assert list(reading_json_texts(listed, name)) == expected


def test_repeated_labs_and_units_are_written_alike() -> None:
    day = date(2025, 1, 5)
    listed = [
        ListedReading(i, "CEA", 3.0 + i / 10, None, "ng/mL", day, "City Lab", 5.0, None, None)
        for i in range(1, 4)
    ]
    texts_written = list(reading_json_texts(listed, "Ann Smith"))
    assert [json.loads(text)["lab"] for text in texts_written] == ["City Lab"] * 3
    assert texts_written == [ENCODE(reading_json(reading, "Ann Smith")) for reading in listed]
