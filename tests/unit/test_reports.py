"""The report renderer on hand-built data: no database, real trend engine, real files."""

from __future__ import annotations

import os
import stat
import struct
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from tracker.reports.data import ReportInput
from tracker.reports.output import render_report
from tracker.reports.panel import value_range
from tracker.reports.summary import summary_flag_blocks

from tests.helpers.report_inputs import (
    RUNNING_HEAD,
    SMALL_EVENTS,
    SMALL_READINGS,
    make_input,
    page_body,
    pdf_pages,
    reading,
)
from tracker.errors import TrackerError, ValidationError
from tracker.services.report_input import write_patient_report as write_report
from tracker.trend.engine import analyse

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def small() -> ReportInput:
    return make_input(SMALL_READINGS, SMALL_EVENTS)


def test_png_is_a_wide_png_without_a_software_stamp(small: ReportInput) -> None:
    payload = render_report(small, "png")
    assert payload.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", payload[16:24])
    assert width >= 1600
    assert 900 < height < width
    assert b"Software" not in payload and b"atplotlib" not in payload


def test_pdf_has_summary_a_page_per_marker_and_caveats() -> None:
    quiet = [r for r in SMALL_READINGS if r.id != 3]  # no rise on 10 May: a short CEA page
    pages = pdf_pages(make_input(quiet, SMALL_EVENTS))
    assert len(pages) == 5  # the caveats (with the source article's context) take two
    summary, cea, ca153, caveats, caveats_continued = pages
    assert summary.startswith("Tumor-marker report · Ann Example Tumor-marker summary")
    assert "Patient: Ann Example (born 3 Feb 1961)" in summary
    assert "Results shown: CEA, CA 15-3, from 10 Jan 2025 to 10 May 2025" in summary
    assert page_body(cea).startswith("CEA: carcinoembryonic antigen CEA (City Lab): latest")
    assert page_body(ca153).startswith("CA 15-3: cancer antigen 15-3 (MUC1) CA 15-3 (City Lab)")
    assert caveats.startswith("Tumor-marker report · Ann Example About these results")
    assert caveats_continued.endswith("Page 5 of 5")


def test_a_long_marker_section_runs_on_under_a_continued_heading(small: ReportInput) -> None:
    pages = pdf_pages(small)
    headings = [page.split(RUNNING_HEAD, 1)[1][:45] for page in pages]
    assert headings[0].startswith("Tumor-marker summary")
    assert headings[1].startswith("CEA: carcinoembryonic antigen CEA (City Lab)")
    assert headings[2].startswith("CEA: carcinoembryonic antigen (continued)")
    assert headings[3].startswith("CA 15-3: cancer antigen 15-3 (MUC1) CA 15-3")
    assert headings[4].startswith("About these results")
    assert headings[5].startswith("About these results (continued)")


def test_summary_words_the_flags_briefly_and_asks_questions(small: ReportInput) -> None:
    summary = page_body(pdf_pages(small)[0])
    assert (
        "Flags to discuss • CEA – 10 May 2025, further rise: 2.2 -> 3.1 ng/mL (+41%) since "
        "the flagged result on 10 Mar 2025 — still within the usual range; unconfirmed: ask "
        "whether a repeat test is needed. – 10 Mar 2025, rise: <0.5 -> 2.2 ng/mL (at least "
        "+1.7 ng/mL) since the previous result on 10 Jan 2025 — still within the usual range; "
        "confirmed: the next result agreed, so this is not a one-off. Benign conditions that "
        "can also raise CEA: cigarette smoking, stomach "
        "(peptic) ulcer or gastritis, colon polyps," in summary
    )
    assert (
        "chronic lung disease (COPD, interstitial lung disease). Smoking, logged for this "
        "person, can also raise CEA. Discuss with your oncologist. Questions" in summary
    )
    # The causes and the advice once per marker, not once per flag.
    assert summary.count("Benign conditions that can also raise CEA") == 1
    assert summary.count("Discuss with your oncologist.") == 1
    assert (
        "Lowest since letrozole began on 1 Dec 2024 (nadir): <0.5 ng/mL on 10 Jan 2025; "
        "change since then at least +2.6 ng/mL." in summary
    )
    assert "Questions you may want to ask your oncologist" in summary
    assert "1. Is a repeat test needed to check the latest change, and when?" in summary
    assert "Could any supplements I take (such as biotin) affect these results?" in summary
    blocks, older = summary_flag_blocks(small)
    assert [(block.title, len(block.headlines)) for block in blocks] == [("CEA", 2)] and older == 0
    assert blocks[0].closing.endswith("Discuss with your oncologist.")


def test_summary_says_lowest_recorded_when_no_treatment_is_logged() -> None:
    summary = page_body(pdf_pages(make_input(SMALL_READINGS))[0])
    assert "Lowest recorded (nadir): <0.5 ng/mL on 10 Jan 2025" in summary
    assert "since the current treatment began" not in summary


def test_summary_leads_a_series_with_its_rising_run(small: ReportInput) -> None:
    from dataclasses import replace

    from tracker.trend.types import RisingRun

    runs = {"CEA": RisingRun(2, date(2025, 1, 10), 520.0)}
    series = [replace(s, rising_run=runs.get(s.marker)) for s in small.trend.series]
    data = replace(small, trend=replace(small.trend, series=series))
    summary = page_body(pdf_pages(data)[0])
    assert (
        "Latest results • CEA: Rising at 2 tests in a row since 10 Jan 2025: +520%. Latest "
        "3.1 ng/mL on 10 May 2025" in summary
    )
    flare = {"CEA": RisingRun(2, date(2025, 1, 10), 520.0, in_flare_window=True)}
    series = [replace(s, rising_run=flare.get(s.marker)) for s in small.trend.series]
    data = replace(small, trend=replace(small.trend, series=series))
    assert (
        "+520% (inside the flare window after a treatment start, when a short rise can "
        "happen). Latest" in page_body(pdf_pages(data)[0])
    )


def test_one_line_for_a_switch_of_lab_on_several_markers() -> None:
    readings = [
        reading(1, "CEA", "2025-01-10", 2.0),
        reading(2, "CA15-3", "2025-01-10", 20),
        reading(3, "CEA", "2025-03-10", 2.1, lab="North Lab"),
        reading(4, "CA15-3", "2025-03-10", 21, lab="North Lab"),
    ]
    blocks, _older = summary_flag_blocks(make_input(readings))
    assert [(block.headlines, block.closing) for block in blocks] == [
        (
            [
                "10 Mar 2025, CEA 2.1 ng/mL and CA 15-3 21 U/mL: these results came from a "
                "different lab (North Lab) than the tests before. Results from different labs "
                "are not compared with each other; two results from the new lab set a new "
                "starting point."
            ],
            "Discuss with your oncologist.",
        )
    ]


def test_marker_pages_carry_every_reading_and_the_engines_flag_messages(
    small: ReportInput,
) -> None:
    cea = " ".join(page_body(page) for page in pdf_pages(small)[1:3])
    assert "Treatment letrozole" not in cea  # the chart's labels were left out
    assert (
        "CEA results, oldest first (all from City Lab) Date Value (ng/mL) Flags Note "
        "10 Jan 2025 <0.5 10 Mar 2025 2.2 rise fasting 10 May 2025 3.1 further rise CEA flags"
        in cea
    )
    flags = [flag for flag in small.trend.flags if flag.marker == "CEA"]
    assert len(flags) == 2
    for flag in flags:
        assert " ".join(flag.message.split()) in cea


def test_caveats_come_from_the_clinical_facts(small: ReportInput) -> None:
    caveats = " ".join(pdf_pages(small)[-2:])
    for words in (
        "not sensitive enough to be useful in early-stage disease",
        "They are “not typically used alone”",
        "They “tend to be elevated” in metastatic breast cancer",
        "Metastatic breast cancer most often spreads to the bone, then the lung, then the "
        "liver. (Imaginis)",
        "bone pain; shortness of breath; lack of appetite; weight loss; neurological pain or "
        "weakness, headaches.",
        "the bisphosphonates pamidronate (Aredia) and zoledronate (Zometa), and denosumab "
        "(Xgeva, Prolia)",
        "Why a single rise is rechecked",
        "CEA: a rise counts from 27.9% and 0.5 ng/mL up (the tracker's threshold and floor); "
        "tests usually differ by up to 27.9%",
        "CA 15-3: a rise counts from 25.0% and 3 U/mL up (the tracker's threshold and floor); "
        "tests usually differ by up to 20.4%",
        "cigarette smoking, stomach (peptic) ulcer or gastritis, colon polyps",
        "Benign conditions that can also raise CA 15-3: chronic liver disease (cirrhosis, "
        "hepatitis)",
        "High-dose biotin supplements can interfere with some immunoassays.",
        "Results from different labs or methods are not interchangeable",
        "Conditions logged for Ann Example: smoking.",
        "(Van Dalen 1996)",
        "first 42 days after a treatment starts as a possible flare",
    ):
        assert words in caveats, words
    assert "spread beyond the breast" not in caveats


def test_caveats_show_the_thresholds_in_force() -> None:
    from dataclasses import replace

    from tracker.trend.types import TrendSettings

    settings = TrendSettings(
        flare_window_days=60, analytical_cv_pct={"CEA": 12.0}, rise_floor={"CA15-3": 4.0}
    )
    data = make_input(SMALL_READINGS, SMALL_EVENTS)
    data = replace(
        data,
        trend=analyse(data.readings, data.events, settings),
        settings=settings,
        flare_window_days=60,
    )
    caveats = " ".join(pdf_pages(data)[-2:])
    assert (
        "CEA: a rise counts from 42.4% and 0.5 ng/mL up (the tracker's threshold and floor); "
        "tests usually differ by up to 42.4%" in caveats
    )
    assert "analytical CV 12%" in caveats
    assert "CA 15-3: a rise counts from 25.0% and 4 U/mL up" in caveats
    assert "first 60 days after a treatment starts" in caveats


def test_caveats_and_trend_show_one_threshold_figure() -> None:
    # CEA with an analytical CV of 6 %: a threshold of 29.407...%. Rounded to the nearest
    # 0.1 it would read 29.4% on the caveats page and 29.5% (rounded up) in `trend`.
    from dataclasses import replace

    from tracker.catalogue.markers import MARKERS
    from tracker.trend.phrases import threshold_text
    from tracker.trend.rules import MarkerRules
    from tracker.trend.types import TrendSettings

    settings = TrendSettings(analytical_cv_pct={"CEA": 6.0})
    rules = MarkerRules.for_marker(MARKERS["CEA"], settings)
    assert 29.4 < rules.threshold_pct < 29.45
    data = make_input(SMALL_READINGS, SMALL_EVENTS)
    data = replace(data, trend=analyse(data.readings, data.events, settings), settings=settings)
    caveats = " ".join(pdf_pages(data)[-2:])
    assert threshold_text(rules) == "29.5%"
    assert "CEA: a rise counts from 29.5% and 0.5 ng/mL up" in caveats
    # The usual variation is not a threshold: it stays at the nearest 0.1 %, as in `trend`.
    assert "tests usually differ by up to 29.4%" in caveats


def test_no_page_uses_diagnostic_words(small: ReportInput) -> None:
    pages = pdf_pages(small)
    text = " ".join(pages).lower()
    assert "oncologist" in text
    for word in ("progression", "recurrence", "metastasis", "metastases", "cancer is growing"):
        assert word not in text
    # "metastatic" only where the caveats quote the source article's own words.
    assert "metasta" not in " ".join(pages[:-2]).lower()


def test_same_data_gives_the_same_bytes(small: ReportInput) -> None:
    first_pdf, second_pdf = render_report(small, "pdf"), render_report(small, "pdf")
    assert first_pdf == second_pdf
    assert b"CreationDate" not in first_pdf and b"ModDate" not in first_pdf
    assert render_report(small, "png") == render_report(small, "png")


def test_source_date_epoch_sets_a_fixed_creation_date(
    small: ReportInput, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    payload = render_report(small, "pdf")
    assert b"/CreationDate (D:20231114221320Z)" in payload
    assert payload == render_report(small, "pdf")


def test_many_readings_continue_on_more_pages_without_dropping_a_row() -> None:
    start = date(2020, 1, 6)
    readings = []
    for index in range(120):
        day = (start + timedelta(days=14 * index)).isoformat()
        readings.append(reading(2 * index + 1, "CEA", day, 2.0 + (index % 7) * 0.1))
        readings.append(reading(2 * index + 2, "CA15-3", day, 20.0 + index % 5))
    data = make_input(readings)
    pages = pdf_pages(data)
    assert len(pages) > 6
    table = " ".join(page for page in pages if "results, oldest first" in page or "(cont" in page)
    assert "CEA: carcinoembryonic antigen (continued)" in table
    for index in range(120):
        day = start + timedelta(days=14 * index)
        assert f"{day.day} {day:%b} {day.year}" in table


def test_since_and_marker_limit_what_is_shown(small: ReportInput) -> None:
    data = make_input(SMALL_READINGS, SMALL_EVENTS, since=date(2025, 3, 1), markers=("CEA",))
    pages = pdf_pages(data)
    assert "Results shown: CEA, from 1 Mar 2025 to 10 May 2025" in pages[0]
    assert page_body(pages[1]).startswith("CEA: carcinoembryonic antigen")
    assert "About these results" in pages[-1]
    markers = " ".join(pages[1:-1])
    assert "10 Jan 2025 <0.5" not in markers and "10 Mar 2025 2.2 rise fasting" in markers
    assert "CA 15-3: cancer antigen" not in " ".join(pages)


def test_names_outside_western_european_text_are_printed(small: ReportInput) -> None:
    data = make_input(SMALL_READINGS, SMALL_EVENTS, patient="Łucja Kowalczyk")
    summary = pdf_pages(data)[0]
    assert "Patient: Łucja Kowalczyk" in summary


def test_nothing_to_report_is_a_clear_error(small: ReportInput) -> None:
    data = make_input(SMALL_READINGS, since=date(2025, 6, 1))
    with pytest.raises(ValidationError, match="no readings to report for Ann Example since"):
        render_report(data, "pdf")


def test_log_scale_only_when_values_span_more_than_20_times() -> None:
    assert value_range([1.0, 50.0], [5.0], 0.1)[2] is True
    assert value_range([2.0, 30.0], [5.0], 0.1)[2] is False
    assert value_range([0.0, 300.0], [5.0], 0.1)[2] is False  # zero cannot be on a log axis


@pytest.mark.parametrize("name", ["report.PDF", "chart.Png"])
def test_extension_is_case_insensitive(small: ReportInput, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    write_report(small, out)
    magic = out.read_bytes()[:8]
    assert magic == PNG_MAGIC if name.lower().endswith(".png") else magic.startswith(b"%PDF-")


@pytest.mark.parametrize("name", ["report.txt", "report", "report.pdf.bak"])
def test_other_extensions_are_refused(small: ReportInput, tmp_path: Path, name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        write_report(small, tmp_path / name)
    assert str(raised.value) == f"report must end in .pdf or .png; got '{name}'"
    assert list(tmp_path.iterdir()) == []


def test_unwritable_places_are_clear_errors(small: ReportInput, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "r.pdf"
    with pytest.raises(TrackerError) as raised:
        write_report(small, missing)
    assert str(raised.value) == (
        f"cannot write the report to {missing}: folder {missing.parent} does not exist"
    )
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    with pytest.raises(TrackerError, match="is not a folder"):
        write_report(small, a_file / "r.pdf")
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    with pytest.raises(TrackerError, match="it is a folder"):
        write_report(small, folder)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_folder_without_write_permission_is_a_clear_error(
    small: ReportInput, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(TrackerError, match=r"cannot write .*Permission denied"):
        write_report(small, locked / "r.pdf")


def test_written_atomically_private_when_new_and_keeping_an_old_mode(
    small: ReportInput, tmp_path: Path
) -> None:
    new = tmp_path / "new.pdf"
    write_report(small, new)
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    shared = tmp_path / "shared.png"
    shared.write_bytes(b"old")
    shared.chmod(0o644)
    write_report(small, shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert shared.read_bytes().startswith(PNG_MAGIC)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.pdf", "shared.png"]


def test_older_flags_are_listed_in_one_line_each_and_labs_get_a_column() -> None:
    readings = [
        reading(1, "CEA", "2022-01-10", 2.0),
        reading(2, "CEA", "2022-03-10", 3.0),
        reading(3, "CEA", "2022-05-10", 2.0),
        reading(4, "CEA", "2025-01-10", 2.0, lab="North Lab"),
        reading(5, "CEA", "2025-03-10", 2.1, lab="North Lab"),
    ]
    data = make_input(readings)
    text = " ".join(page_body(page) for page in pdf_pages(data)[1:-1])
    assert "Date Value (ng/mL) Lab Flags Note 10 Jan 2022 2 City Lab" in text
    assert "10 Jan 2025 2 North Lab new lab" in text
    assert (
        "Earlier CEA flags, in short: • 10 Mar 2022 (rise, not confirmed by the next test): "
        "3 ng/mL, compared with 2 ng/mL on 10 Jan 2022 (+50%)." in text
    )
    [lab_change] = [flag for flag in data.trend.flags if flag.kind == "lab_changed"]
    assert " ".join(lab_change.message.split()) in text


def test_one_drawing_at_a_time_in_a_process() -> None:
    """matplotlib's state is the process's and not thread-safe (two web charts drawn at
    once failed in FreeType with "invalid outline"): a second drawing waits for the first."""
    from reports.style import rendering

    first_inside, release, second_inside = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with rendering(core_fonts=False):
            first_inside.set()
            release.wait(10)

    def second() -> None:
        first_inside.wait(10)
        with rendering(core_fonts=False):
            second_inside.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        assert first_inside.wait(10)
        assert not second_inside.wait(0.5)  # held off while the first draws
    finally:
        release.set()
        for thread in threads:
            thread.join(10)
    assert second_inside.is_set()
