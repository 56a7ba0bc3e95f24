"""The human ``tracker trend`` summary, printed marker by marker as the history is read.

A series' headline lines come first but are known only once the whole series is read,
while its flags are finished along the way: each series' flag lines wait in a spool (in
memory while small, then in a temporary file), so the memory of the summary does not
grow with the number of readings or flags (docs/design.md, "Data flow"). The lines are
exactly those of ``tracker.trend.text_summary.trend_lines``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable

import click
from sqlalchemy.orm import Session

from tracker import clock
from tracker.catalogue.lab_names import lab_key
from tracker.catalogue.markers import marker_by_code
from tracker.cli.output import print_indented
from tracker.services.events import event_points, list_events
from tracker.services.trend_stream import stream_trend
from tracker.store.models import Patient
from tracker.trend.headlines import MarkerClosing
from tracker.trend.text_summary import (
    ENDING,
    MARKER_END,
    NO_FLAGS,
    flag_lines,
    last_flagged_position,
    marker_closing_lines,
    no_readings_line,
    opening_lines,
    series_head_lines,
    shown_order,
)
from tracker.trend.types import Flag, TrendSettings

# A series' flag lines stay in memory up to this size, then go to a temporary file.
SPOOL_BYTES = 256 * 1024


def echo_lines(lines: Iterable[tuple[str, bool]]) -> None:
    """Print (text, wrap) lines: a wrapped line as a paragraph under its own indent."""
    for line, wrap in lines:
        if wrap:
            print_indented(line)
        else:
            click.echo(line)


class SeriesSpool:
    """One series' flag lines, in order, while its marker is still being read."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.closing = MarkerClosing()
        # Closed by replay(), or by print_trend on its way out.
        self.file = tempfile.SpooledTemporaryFile(
            max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="\n"
        )

    def add(self, flag: Flag) -> None:
        self.closing.add(flag)
        for line in flag_lines(flag, verbose=self.verbose):
            # One JSON array per line: a text with a line break stays one record.
            self.file.write(json.dumps(line, ensure_ascii=False) + "\n")

    def replay(self) -> None:
        with self.file:
            self.file.seek(0)
            echo_lines((text, wrap) for text, wrap in map(json.loads, self.file))


def print_trend(
    session: Session,
    patient: Patient,
    settings: TrendSettings,
    *,
    marker_code: str | None,
    marker_name: str | None,
    verbose: bool,
) -> None:
    """Print the summary of ``trend_lines`` while reading the history once, marker by marker."""
    events = event_points(list_events(session, patient))
    today = clock.today()
    spools: dict[str | None, SeriesSpool] = {}
    keys: dict[str | None, str | None] = {}  # a flag's lab -> its series

    def spool(flag: Flag) -> None:
        lab = flag.lab
        key = keys[lab] if lab in keys else keys.setdefault(lab, lab_key(lab))
        found = spools.get(key)
        if found is None:
            found = spools[key] = SeriesSpool(verbose)
        found.add(flag)

    started = False
    try:
        for summaries in stream_trend(session, patient, settings, spool, marker_code=marker_code):
            if not started:
                echo_lines(opening_lines(patient.name, events))
                started = True
            closing = MarkerClosing()
            members = shown_order(summaries)
            last_flagged = last_flagged_position(
                [lab_key(summary.lab) in spools for summary in members]
            )
            for position, summary in enumerate(members):
                echo_lines(
                    series_head_lines(
                        summary, earlier_lab=position > 0, today=today if position == 0 else None
                    )
                )
                flags = spools.pop(lab_key(summary.lab), None)
                if flags is None:
                    echo_lines([NO_FLAGS])
                else:
                    flags.replay()
                    closing.extend(flags.closing)
                if position == last_flagged:
                    marker = marker_by_code(summaries[0].marker)
                    echo_lines(marker_closing_lines(closing.lines(marker)))
            echo_lines([MARKER_END])
    finally:
        for left in spools.values():
            left.file.close()
    echo_lines([ENDING] if started else [no_readings_line(marker_name)])
