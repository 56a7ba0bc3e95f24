"""Pure parts of the interchange formats: unit spellings, range texts, telling formats apart."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.catalogue.markers import find_marker
from tracker.catalogue.units import measurement
from tracker.errors import ValidationError
from tracker.interchange.hl7_oru import looks_like_hl7, read_hl7
from tracker.interchange.ndjson import looks_like_ndjson
from tracker.interchange.reference_range import upper_bound

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("marker", "unit"),
    [
        ("CA 15-3", "[IU]/mL"),
        ("CA 15-3", "k[IU]/L"),
        ("CA 27.29", "[arb'U]/mL"),
        ("CA 125", "U/mL"),
        ("CA 125", "kU/L"),
        ("CA 125", "IU/mL"),
        ("CA 15-3", "units/mL"),
        ("CEA", "ug/L"),
        ("CEA", "ng/mL"),
        ("CEA", "µg/L"),
    ],
)
def test_other_systems_spellings_are_the_catalogue_unit(marker: str, unit: str) -> None:
    measured = measurement(find_marker(marker), "41", unit)
    assert measured.value == 41.0
    assert measured.unit == find_marker(marker).unit
    assert measured.entered_unit == unit


@pytest.mark.parametrize(("marker", "unit"), [("CEA", "[IU]/mL"), ("CA 15-3", "ng/mL")])
def test_a_spelling_of_another_markers_unit_is_refused(marker: str, unit: str) -> None:
    with pytest.raises(ValidationError, match=f"got '{__import__('re').escape(unit)}'"):
        measurement(find_marker(marker), "4", unit)


def test_the_refusal_names_the_catalogue_spellings() -> None:
    with pytest.raises(ValidationError) as refused:
        measurement(find_marker("CA 15-3"), "4", "mg")
    assert refused.value.message == "CA 15-3 is measured in U/mL, U/ml, kU/L; got 'mg'"


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("0-30 U/mL", ("30", "U/mL")),
        ("0.0 - 5.0", ("5.0", None)),
        ("0–35", ("35", None)),
        ("< 5.0", ("5.0", None)),
        ("<=38", ("38", None)),
        ("≤ 30", ("30", None)),
        ("0 to 35 kU/L", ("35", "kU/L")),
        ("0,0-5,0 ng/mL", ("5.0", "ng/mL")),
        ("> 10", None),
        ("negative", None),
        ("", None),
    ],
)
def test_upper_bound_of_a_range_text(text: str, bound: tuple[str, str | None] | None) -> None:
    assert upper_bound(text) == bound


def test_formats_are_told_apart_by_content() -> None:
    assert looks_like_hl7("results.txt", b"MSH|^~\\&|LIS|Lab")
    assert looks_like_hl7("results.txt", b"\xef\xbb\xbfFHS|^~\\&|\rBHS|")
    assert not looks_like_hl7("results.txt", b"marker,value\nCEA,3")
    assert looks_like_ndjson("x.txt", b'{"resourceType": "Observation"}\n{"resourceType"')
    assert looks_like_ndjson("Observation.ndjson", b"")
    assert not looks_like_ndjson("x.json", b'{\n  "resourceType": "Bundle",\n  "entry": []\n}')
    assert not looks_like_ndjson("x.json", b'{"resourceType": "Bundle", "entry": []}\n')
    assert not looks_like_ndjson("x.csv", b"marker,value\nCEA,3\n")


MESSAGE = (
    "MSH|^~\\&|LIS|Lab|||20260105||ORU^R01|C1|P|2.5.1\r"
    "PID|1||1||Doe^Jane\r"
    "OBR|1|||24356-8^Panel^LN|||20260104\r"
    "OBX|1|SN|6875-9^CA 15-3^LN||>^1000|U/mL|0-30||||F\r"
)


def test_hl7_batch_envelope_and_mllp_bytes_are_ignored() -> None:
    data = f"FHS|^~\\&\rBHS|^~\\&\r\x0b{MESSAGE}\x1c\rBTS|1\rFTS|1\r".encode()
    contents = read_hl7(data, TODAY)
    assert contents.messages == 1
    (result,) = contents.results
    assert (result.patient, result.marker.code, result.measured.qualifier) == (
        "Jane Doe",
        find_marker("CA 15-3").code,
        ">",
    )
    assert (result.measured.value, result.drawn_on, result.lab, result.ref_bound) == (
        1000.0,
        date(2026, 1, 4),
        "Lab",
        ("30", None),
    )


def test_hl7_other_message_types_are_skipped() -> None:
    adt = MESSAGE.replace("ORU^R01", "ADT^A01")
    contents = read_hl7(adt.encode(), TODAY)
    assert contents.results == []
    assert dict(contents.skipped) == {}
    assert len(contents.notes) == 1
    assert contents.notes[0].endswith(
        "is an ADT^A01 message, not a lab result; nothing was taken from it."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file holds no HL7 message (no MSH segment)"),
        (b"MSH|\r", "message 1, segment 1: 'MSH|' lacks the separators an MSH segment starts with"),
        (b"PID|1\rMSH|^~\\&|", "the file does not start with an MSH segment (found 'PID|1')"),
        (
            MESSAGE.replace("|SN|", "|CE|").encode(),
            "message 1 (control ID C1), segment 4 (OBX): the CA 15-3 result has value type "
            "'CE' (OBX-2); NM, SN or ST was expected",
        ),
        (
            MESSAGE.replace(">^1000", "^10^-^20").encode(),
            "message 1 (control ID C1), segment 4 (OBX): the CA 15-3 value '^10^-^20' is a "
            "range or ratio, not one number",
        ),
        (
            MESSAGE.replace("|20260104", "|").encode(),
            "message 1 (control ID C1), segment 4 (OBX): the result has no date (OBX-14 or OBR-7)",
        ),
        (
            MESSAGE.replace("|20260104", "|20270104").encode(),
            "message 1 (control ID C1), segment 4 (OBX): date '2027-01-04' is in the future",
        ),
    ],
)
def test_hl7_errors_name_the_message_and_segment(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        read_hl7(data, TODAY)
    assert refused.value.message.startswith(message)


def test_a_corrected_result_replaces_the_final_one_of_the_same_draw() -> None:
    corrected = MESSAGE.replace(
        "MSH|^~\\&|LIS|Lab|||20260105||ORU^R01|C1", "MSH|^~\\&|LIS|Lab|||20260106||ORU^R01|C2"
    )
    corrected = corrected.replace(">^1000|U/mL|0-30||||F", "^100|U/mL|0-30||||C")
    other_day = MESSAGE.replace("|20260104", "|20260103").replace("|C1|", "|C3|")
    contents = read_hl7((MESSAGE + other_day + corrected).encode(), TODAY)
    assert [(r.drawn_on.day, r.measured.qualifier, r.measured.value) for r in contents.results] == [
        (3, ">", 1000.0),
        (4, None, 100.0),
    ]
