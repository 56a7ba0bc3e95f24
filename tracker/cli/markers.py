"""``tracker markers``: the marker catalogue as the user reads it."""

from __future__ import annotations

import click


@click.command("markers", short_help="The marker catalogue: names, units, limits, benign causes.")
@click.argument("name", required=False)
def markers_command(name: str | None) -> None:
    """Show the marker catalogue: names, aliases, units, LOINC, limits and benign causes.

    With a NAME (e.g. `tracker markers ca153`), that marker in full, with the source
    article's context.
    """
    from tracker.catalogue.markers import ASSAY_CAVEATS, MARKERS, MIN_RISE_PCT, find_marker
    from tracker.catalogue.units import format_number

    if name is not None:
        from tracker.cli.marker_text import marker_lines
        from tracker.cli.output import print_indented

        for line in marker_lines(find_marker(name)):
            print_indented(line)
        return

    for marker in MARKERS.values():
        click.echo(f"{marker.name} ({marker.description})")
        click.echo(f"  also written: {', '.join(sorted(set(marker.aliases) - {marker.name}))}")
        click.echo(f"  unit: {marker.unit} (accepted: {', '.join(marker.unit_names)})")
        click.echo(f"  LOINC: {marker.loinc}")
        note = f"; {marker.upper_limit_note}" if marker.upper_limit_note else ""
        click.echo(
            f"  usual upper limit: {format_number(marker.upper_limit)} {marker.unit} "
            f"(a lab's own limit wins{note})"
        )
        rcv = marker.rcv_up_pct()
        variation = (
            f"tests usually differ by up to +{rcv:.1f}% (" + marker.variation_source + ")"
            if rcv is not None
            else marker.variation_source
        )
        click.echo(f"  normal variation: {variation}")
        click.echo(
            f"  a rise is flagged from {marker.rise_threshold_pct():.1f}% "
            f"(never below {MIN_RISE_PCT:.0f}%) and at least "
            f"{format_number(marker.rise_floor)} {marker.unit}"
        )
        click.echo(f"  can also be raised by: {', '.join(marker.benign_cause_labels())}")
        click.echo("")
    click.echo("For every marker:")
    for caveat in ASSAY_CAVEATS:
        click.echo(f"  - {caveat}")
