"""``tracker markers NAME``: one marker in full, with the source article's context."""

from __future__ import annotations

from tracker.catalogue.markers import ASSAY_CAVEATS, DEFAULT_ANALYTICAL_CV_PCT, MIN_RISE_PCT, Marker
from tracker.catalogue.source_context import SOURCE, context_lines
from tracker.catalogue.units import format_number


def _variation(marker: Marker) -> str:
    up, down = marker.rcv_up_pct(), marker.rcv_down_pct()
    if up is None or down is None:
        return f"Usual variation between two tests: {marker.variation_source}"
    return (
        f"Usual variation between two tests (reference change value): up to +{up:.1f}% for "
        f"a rise, {down:.1f}% for a fall ({marker.variation_source}; analytical CV "
        f"{format_number(DEFAULT_ANALYTICAL_CV_PCT)}%, a design choice)"
    )


def _threshold(marker: Marker) -> str:
    basis = (
        f"the larger of {MIN_RISE_PCT:.0f}% (Van Dalen 1996) and the usual variation"
        if marker.biological_cv_pct is not None
        else "a design choice: published figures vary widely"
    )
    return (
        f"Threshold: a rise is flagged from {marker.rise_threshold_pct():.1f}% ({basis}) and "
        f"at least {format_number(marker.rise_floor)} {marker.unit} (the floor, a design "
        "choice: smaller changes sit at the tests' noise level)"
    )


def marker_lines(marker: Marker) -> list[str]:
    """Everything the tracker knows about one marker, one paragraph a line.

    The figures are the defaults; ``tracker settings`` shows and changes those in force.
    """
    aliases = sorted(set(marker.aliases) - {marker.name})
    note = f"; {marker.upper_limit_note}" if marker.upper_limit_note else ""
    return [
        f"{marker.name} ({marker.description})",
        f"  Also written: {', '.join(aliases)}",
        f"  Unit: {marker.unit} (accepted: {', '.join(marker.unit_names)})",
        f"  LOINC: {marker.loinc}",
        f"  Usual upper limit: {format_number(marker.upper_limit)} {marker.unit} (a lab's "
        f"own limit wins{note})",
        f"  {_variation(marker)}",
        f"  {_threshold(marker)}; `tracker settings` shows the values in force",
        f"  {marker.causes_in_words()}",
        *(f"  {caveat}" for caveat in ASSAY_CAVEATS),
        f"From the source article ({SOURCE}):",
        *(f"  - {line}" for line in context_lines()),
    ]
