"""The worklist as text: one line per patient, the names aligned."""

from __future__ import annotations

from tracker.catalogue.units import format_value
from tracker.services.review import OverdueTest, PatientReview, Review, ReviewFlag
from tracker.trend.headlines import DISCUSS
from tracker.trend.phrases import day_text, plural

_KIND_WORDS = {
    "rise": "rise",
    "further_rise": "further rise",
    "rise_from_nadir": "rise from the lowest result",
    "steady_rise": "steady rise",
    "possible_flare": "possible flare",
    "rise_after_flare_window": "still up after the flare window",
}


def review_lines(review: Review) -> list[str]:
    """A heading, one line per patient (most urgent first) and the closing advice."""
    if not review.patients:
        return ["No patients yet."]
    needing = sum(patient.attention for patient in review.patients)
    lines = [
        f"Review on {day_text(review.today)}: {needing} of "
        f"{plural(len(review.patients), 'patient')} with open flags or overdue tests."
    ]
    width = max(len(patient.name) for patient in review.patients)
    lines.extend(f"{patient.name:<{width}}  {_summary(patient)}" for patient in review.patients)
    if any(patient.flags for patient in review.patients):
        lines.append(
            "A flag is a reason to look, not a diagnosis: `tracker --patient NAME trend -v` "
            f"gives the full texts. {DISCUSS}"
        )
    return lines


def _summary(patient: PatientReview) -> str:
    parts = [_flag_text(flag) for flag in patient.flags]
    if patient.overdue:
        parts.append("overdue: " + ", ".join(_overdue_text(test) for test in patient.overdue))
    return "; ".join(parts) if parts else "nothing open"


def _flag_text(flag: ReviewFlag) -> str:
    """``CEA rise to 6.3 ng/mL on 5 Jan 2026 (+215%, City Lab), confirmed``."""
    details = []
    if flag.change_pct is not None:
        details.append(f"+{flag.change_pct:g}%")
    if flag.lab:
        details.append(flag.lab)
    extra = f" ({', '.join(details)})" if details else ""
    value = format_value(flag.qualifier, flag.value)
    kind = _KIND_WORDS.get(flag.kind, flag.kind.replace("_", " "))
    when = day_text(flag.drawn_on)
    text = f"{flag.marker} {kind} to {value} {flag.unit} on {when}{extra}, {flag.status}"
    if flag.latest_drawn_on != flag.drawn_on:
        latest = format_value(flag.latest_qualifier, flag.latest_value)
        text += f"; latest {latest} {flag.unit} on {day_text(flag.latest_drawn_on)}"
    return text


def _overdue_text(test: OverdueTest) -> str:
    return f"{test.marker} by {plural(test.days_overdue, 'day')}"
