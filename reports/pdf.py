"""The PDF report: a summary to hand over, a chart page per marker, then the caveats.

Pages are matplotlib ``Figure`` objects written with ``PdfPages``. The file carries no
creation time (or the one ``SOURCE_DATE_EPOCH`` names), so the same data always gives
the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from tracker import clock
from tracker.catalogue.markers import Marker
from tracker.catalogue.units import format_number, format_value
from tracker.trend.phrases import day_text, measured_text, plural
from tracker.trend.types import (
    NOT_RECHECKED_AT_THIS_LAB,
    NOT_RECHECKED_BEFORE_TREATMENT_CHANGE,
    POSSIBLE_FLARE,
    RISE_KINDS,
    Flag,
)

from .caveats import caveat_sections
from .charts import Box, draw_chart, key_below_height_in, plan_chart
from .data import ReportInput, lab_label
from .layout import Metrics
from .pages import MARGIN_LEFT_IN, TABLE_KEEP_IN, TEXT_WIDTH_IN, Column, Flow
from .style import FLAG_WORDS, TEXT_GREY, fits_core_fonts, rendering
from .summary import questions, recent_since, summary_flag_blocks, supportive_notes
from .wording import (
    INFORMS,
    pct_text,
    series_lines,
    who_lines,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_HEIGHT_IN = 3.7


def pdf_dates() -> datetime | None:
    """The creation date to record: the one ``SOURCE_DATE_EPOCH`` names, else none."""
    return clock.source_date_epoch()


def render_pdf(data: ReportInput) -> bytes:
    """The whole report as PDF bytes."""
    from matplotlib.backends.backend_pdf import PdfPages

    core_fonts = fits_core_fonts(data.texts())
    stamp = pdf_dates()
    metadata: dict[str, str | datetime | None] = {
        "Title": "Tumor-marker report",
        "Subject": "Tumor-marker results for discussion with the oncologist",
        "Creator": "tumor-marker-tracker",
        "CreationDate": stamp,
        "ModDate": stamp,
    }
    buffer = io.BytesIO()
    with rendering(core_fonts=core_fonts):
        pages = build_pages(data, Metrics(core_fonts=core_fonts))
        with PdfPages(buffer, metadata=metadata) as pdf:
            for page in pages:
                pdf.savefig(page)
    return buffer.getvalue()


def build_pages(data: ReportInput, metrics: Metrics) -> list[Figure]:
    """Every page of the report, as figures, in order (``metrics``: the font drawn with)."""
    flow = Flow(f"Tumor-marker report · {data.patient}", metrics)
    _summary(flow, data)
    for marker in data.shown_markers():
        _marker_pages(flow, data, marker)
    _caveats(flow, data)
    made = f"made {day_text(data.generated_on)}"
    return flow.finish(data.patient, made, f"{INFORMS} Discuss it with your oncologist.")


def _summary(flow: Flow, data: ReportInput) -> None:
    flow.new_page()
    flow.section("Summary")
    flow.heading("Tumor-marker summary", size=18)
    for line in who_lines(data):
        flow.paragraph(line, after_in=0.0)
    flow.space(0.08)
    flow.paragraph(
        f"For discussion with your oncologist. {INFORMS} A change in a marker is one piece "
        "of information, read together with scans, examinations and how you feel.",
        colour=TEXT_GREY,
    )
    flow.heading("Latest results")
    for marker in data.shown_markers():
        series = data.series_for(marker.code)
        if not series:
            readings = data.readings_for(marker.code)
            latest = readings[-1]
            flow.paragraph(
                f"{marker.name}: latest {format_value(latest.qualifier, latest.value)} "
                f"{marker.unit} on {day_text(latest.drawn_on)}.",
                bullet="•",
                indent_in=0.2,
            )
            continue
        several_labs = len(series) > 1
        lines = series_lines(data, series[0], name_lab=several_labs)
        flow.paragraph(" ".join(lines), bullet="•", indent_in=0.2)
        for earlier in series[1:]:
            flow.paragraph(
                f"Earlier lab, {lab_label(earlier.lab)}: {plural(earlier.count, 'test')}, the "
                f"last {format_value(earlier.latest.qualifier, earlier.latest.value)} "
                f"{earlier.unit} on {day_text(earlier.latest.drawn_on)}. Results from "
                "different labs are not compared.",
                indent_in=0.2,
                colour=TEXT_GREY,
            )
    flow.heading("Flags to discuss")
    blocks, older = summary_flag_blocks(data)
    if not blocks and not older:
        flow.paragraph(
            "No flags in the period shown: no change beyond the usual variation between "
            "tests, and no result above its upper limit."
        )
    for block in blocks:
        flow.paragraph(block.title, bullet="•", indent_in=0.2, bold=True, after_in=0.02)
        for headline in block.headlines:
            flow.paragraph(headline, bullet="–", indent_in=0.4, after_in=0.02)
        if block.closing:
            flow.paragraph(block.closing, indent_in=0.4)
    for note in supportive_notes(data):
        flow.paragraph(note, bullet="•", indent_in=0.2)
    if older and not blocks:
        # Only older flags: the heading gets a sentence that stands on its own.
        flow.paragraph(
            f"No flags in the year before the latest result (from "
            f"{day_text(recent_since(data))}). {_earlier_flags(older)}"
        )
    elif older:
        flow.paragraph(_earlier_flags(older), colour=TEXT_GREY)
    flow.heading("Questions you may want to ask your oncologist")
    for number, question in enumerate(questions(data), start=1):
        flow.paragraph(question, bullet=f"{number}.", indent_in=0.2, after_in=0.02)


def _earlier_flags(count: int) -> str:
    if count == 1:
        return "1 earlier flag is listed with its marker's chart."
    return f"{count} earlier flags are listed with each marker's chart."


def _marker_pages(flow: Flow, data: ReportInput, marker: Marker) -> None:
    flow.new_page()
    flow.section(f"{marker.name}: {marker.description}")
    flow.heading(f"{marker.name}: {marker.description}", size=15)
    for summary in data.series_for(marker.code)[:1]:
        flow.paragraph(" ".join(series_lines(data, summary, name_lab=True)))
    key_height = key_below_height_in(data, marker)

    def draw(fig: Figure, bottom: float, height: float) -> None:
        box = Box(MARGIN_LEFT_IN, bottom, TEXT_WIDTH_IN, height)
        layout = plan_chart(data, [marker], box, key_height=key_height)
        draw_chart(fig, layout, data, [marker])

    flow.block(CHART_HEIGHT_IN + key_height, draw)
    columns, rows = readings_table(data, marker)
    groups = data.lab_groups(marker.code)
    only_lab = f" (all from {groups[0].label})" if len(groups) == 1 else ""
    flow.heading(f"{marker.name} results, oldest first{only_lab}", keep_in=TABLE_KEEP_IN)
    flow.table(columns, rows)
    flags = data.flags_for(marker.code)
    if not flags:
        return
    # The last year's flags in the trend's own full words; older ones in one line each
    # (their full text repeats the same causes and would bury the recent ones).
    since = recent_since(data)
    recent = [flag for flag in flags if flag.drawn_on >= since]
    older = [flag for flag in flags if flag.drawn_on < since]
    flow.heading(f"{marker.name} flags")
    for flag in recent:
        flow.paragraph(f"{_flag_title(flag)}: {flag.message}", bullet="•", indent_in=0.2)
    if older:
        flow.paragraph(f"Earlier {marker.name} flags, in short:", after_in=0.02)
        for flag in older:
            flow.paragraph(_flag_short(flag), bullet="•", indent_in=0.2, after_in=0.02)


def _flag_title(flag: Flag) -> str:
    # The status as the headlines word it (tracker/trend/headlines.py): an unconfirmed
    # flag is not always the latest result (docs/clinical-rules.md, "Statuses").
    if flag.status_note == NOT_RECHECKED_BEFORE_TREATMENT_CHANGE:
        status = "not rechecked before the treatment changed"
    elif flag.status_note == NOT_RECHECKED_AT_THIS_LAB:
        status = "not rechecked at this lab"
    elif flag.kind == POSSIBLE_FLARE:
        status = {
            "confirmed": "still up after the flare window",
            "not_confirmed": "fell back after the flare window",
            "unconfirmed": "inside the flare window, not yet rechecked after it",
        }.get(flag.status, "")
    else:
        status = {
            "confirmed": "confirmed by the next test",
            "not_confirmed": "not confirmed by the next test",
            "unconfirmed": "not yet rechecked",
        }.get(flag.status, "")
    words = FLAG_WORDS[flag.kind] + (f", {status}" if flag.kind in RISE_KINDS and status else "")
    return f"{day_text(flag.drawn_on)} ({words})"


def _flag_short(flag: Flag) -> str:
    text = f"{_flag_title(flag)}: {measured_text(flag.value, flag.qualifier, flag.unit)}"
    compared = flag.compared_to
    if compared is not None:
        text += (
            f", compared with {measured_text(compared.value, compared.qualifier, flag.unit)} "
            f"on {day_text(compared.drawn_on)}"
        )
        if flag.change_pct is not None:
            text += f" ({pct_text(flag.change_pct, flag.threshold_pct)})"
    return text + "."


def readings_table(data: ReportInput, marker: Marker) -> tuple[list[Column], list[list[str]]]:
    """The columns and rows of a marker's readings table (cells as text)."""
    readings = data.readings_for(marker.code)
    flag_words: dict[int, list[str]] = {}
    for flag in data.flags_for(marker.code):
        flag_words.setdefault(flag.reading_id, []).append(FLAG_WORDS[flag.kind])
    with_limits = any(reading.ref_high is not None for reading in readings)
    # One lab throughout: its name goes in the heading, not in every row.
    with_labs = len(data.lab_groups(marker.code)) > 1
    columns = [Column("Date", 0.95), Column(f"Value ({marker.unit})", 0.95, "right")]
    if with_labs:
        columns.append(Column("Lab", 1.45))
    if with_limits:
        columns.append(Column("Lab's limit", 0.75, "right"))
    columns.append(Column("Flags", 1.15))
    used = sum(column.width_in for column in columns)
    columns.append(Column("Note", TEXT_WIDTH_IN - used))
    rows = []
    for reading in readings:
        row = [day_text(reading.drawn_on), format_value(reading.qualifier, reading.value)]
        if with_labs:
            row.append(lab_label(reading.lab))
        if with_limits:
            row.append(format_number(reading.ref_high) if reading.ref_high is not None else "")
        row.append(", ".join(flag_words.get(reading.id, [])))
        row.append(reading.note or "")
        rows.append(row)
    return columns, rows


def _caveats(flow: Flow, data: ReportInput) -> None:
    flow.new_page()
    flow.section("About these results")
    flow.heading("About these results", size=15)
    for section in caveat_sections(data):
        flow.heading(section.heading, size=10.5)
        for point in section.points:
            if section.style == "note":
                flow.paragraph(point, size=7.5, colour=TEXT_GREY)
            else:
                flow.paragraph(point, bullet="•", indent_in=0.2, size=8.4, after_in=0.02)
