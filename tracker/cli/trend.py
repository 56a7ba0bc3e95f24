"""``tracker trend`` (flags and series summaries) and ``tracker settings`` (trend defaults)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.output import print_json

F = TypeVar("F", bound=Callable[..., Any])


def trend_options(function: F) -> F:
    """The adjustable trend defaults, as options (design choices, docs/clinical-rules.md)."""
    options = [
        click.option(
            "--flare-window",
            metavar="DAYS",
            help="Days after a treatment start in which a rise is read as a possible flare "
            "(default 42, at most 90).",
        ),
        click.option(
            "--cva",
            metavar="MARKER=PCT",
            multiple=True,
            help="Analytical CV of a marker's assay in % (default 5), e.g. CEA=6.",
        ),
        click.option(
            "--floor",
            metavar="MARKER=X",
            multiple=True,
            help="Smallest rise that counts, in the marker's unit (defaults: CEA 0.5, "
            "CA 15-3 and CA 27.29 3, CA 125 5), e.g. CEA=0.7.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command("trend", short_help="Each marker's series (latest, lowest, change) and its flags.")
@click.option("--marker", metavar="M", help="Only this marker.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document (for scripts).")
@click.option("-v", "--verbose", is_flag=True, help="Print the full text of each flag.")
@trend_options
@pass_app
def trend_command(
    app: AppContext,
    marker: str | None,
    as_json: bool,
    verbose: bool,
    flare_window: str | None,
    cva: tuple[str, ...],
    floor: tuple[str, ...],
) -> None:
    """Show each marker's series (latest, lowest, change, doubling time) and its flags.

    Each flag is one line; -v prints the full texts (--json always has them).

    The options change the defaults for this run only; `tracker settings` keeps them.
    """
    from tracker.catalogue.markers import find_marker
    from tracker.services.trend import load_trend_settings, patient_trend

    chosen = find_marker(marker) if marker else None
    marker_code = chosen.code if chosen else None
    with app.database().reading() as session:
        patient = app.patient(session, create=False)
        settings = load_trend_settings(session, flare_window=flare_window, cva=cva, floor=floor)
        if patient is None:
            if as_json:
                print_json({"patient": None, "series": [], "flags": []})
            else:
                click.echo("No readings yet. Add one with: tracker add CEA 3.1 --date YYYY-MM-DD")
            return
        if not as_json:
            # Printed as the history is read: memory independent of its length.
            from tracker.cli.trend_text import print_trend

            print_trend(
                session,
                patient,
                settings,
                marker_code=marker_code,
                marker_name=chosen.name if chosen else None,
                verbose=verbose,
            )
            return
        result = patient_trend(session, patient, settings, marker_code=marker_code)
    from tracker.trend.json_document import trend_document

    print_json(trend_document(patient.name, result))


@click.command("settings", short_help="Show or change the stored trend defaults.")
@trend_options
@click.option("--reset", is_flag=True, help="Forget every stored setting (back to defaults).")
@pass_app
def settings_command(
    app: AppContext,
    flare_window: str | None,
    cva: tuple[str, ...],
    floor: tuple[str, ...],
    reset: bool,
) -> None:
    """Show or change the stored trend defaults used by `trend`, `add` and `report`.

    \b
    Examples:
      tracker settings                       # show them
      tracker settings --flare-window 60 --cva CEA=6 --floor "CA 15-3=4"
      tracker settings --reset
    """
    from tracker.services.trend import (
        describe_trend_settings,
        load_trend_settings,
        reset_trend_settings,
        save_trend_settings,
    )

    changing = reset or flare_window is not None or cva or floor
    database = app.database()
    if changing:
        with database.writing() as session:
            if reset:
                reset_trend_settings(session)
            save_trend_settings(session, flare_window=flare_window, cva=cva, floor=floor)
    with database.reading() as session:
        settings = load_trend_settings(session)
    for line in describe_trend_settings(settings):
        click.echo(line)
