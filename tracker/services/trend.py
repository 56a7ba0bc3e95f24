"""Running the trend engine on stored data, with the user's persisted trend settings."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from tracker.catalogue.markers import MARKERS, find_marker
from tracker.errors import ValidationError
from tracker.services.settings import get_settings, set_setting
from tracker.services.trend_stream import PatientPass, stream_trend
from tracker.store.models import Patient
from tracker.trend.engine import flag_order
from tracker.trend.rules import MAX_ANALYTICAL_CV_PCT
from tracker.trend.types import MAX_FLARE_WINDOW_DAYS, Flag, TrendResult, TrendSettings

SETTING_PREFIX = "trend."
FLARE_KEY = "trend.flare_window_days"


def _cv_key(marker_code: str) -> str:
    return f"trend.analytical_cv_pct.{marker_code}"


def _floor_key(marker_code: str) -> str:
    return f"trend.rise_floor.{marker_code}"


def parse_flare_window(text: str) -> int:
    """Flare window in days, 0 to 90 (docs/clinical-rules.md: default 42, configurable up to 90)."""
    try:
        days = int(str(text).strip())
    except ValueError:
        raise ValidationError(f"flare window {text!r} must be a whole number of days") from None
    if not 0 <= days <= MAX_FLARE_WINDOW_DAYS:
        raise ValidationError(
            f"flare window {days} days is outside 0 to {MAX_FLARE_WINDOW_DAYS} days"
        )
    return days


def _parse_positive(text: str, what: str, upper: float) -> float:
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a number") from None
    if not 0 < value <= upper:
        raise ValidationError(f"{what} {text!r} must be above 0 and at most {upper:g}")
    return value


def parse_marker_setting(text: str, what: str, upper: float) -> tuple[str, float]:
    """``CEA=6`` -> ("CEA", 6.0), for --cva and --floor."""
    if "=" not in text:
        raise ValidationError(f"{what} {text!r} must look like MARKER=NUMBER, e.g. CEA=6")
    name, _, number = text.rpartition("=")
    marker = find_marker(name)
    return marker.code, _parse_positive(number, f"{what} for {marker.name}", upper)


MAX_FLOOR = 1000.0


def load_trend_settings(
    session: Session,
    *,
    flare_window: str | None = None,
    cva: tuple[str, ...] = (),
    floor: tuple[str, ...] = (),
) -> TrendSettings:
    """Persisted settings, overridden for this run by command options."""
    stored = get_settings(session, SETTING_PREFIX)
    days = parse_flare_window(stored[FLARE_KEY]) if FLARE_KEY in stored else None
    cvs: dict[str, float] = {}
    floors: dict[str, float] = {}
    for code in MARKERS:
        if _cv_key(code) in stored:
            cvs[code] = float(stored[_cv_key(code)])
        if _floor_key(code) in stored:
            floors[code] = float(stored[_floor_key(code)])
    if flare_window is not None:
        days = parse_flare_window(flare_window)
    for text in cva:
        code, value = parse_marker_setting(text, "analytical CV", MAX_ANALYTICAL_CV_PCT)
        cvs[code] = value
    for text in floor:
        code, value = parse_marker_setting(text, "rise floor", MAX_FLOOR)
        floors[code] = value
    base = TrendSettings()
    return TrendSettings(
        flare_window_days=base.flare_window_days if days is None else days,
        analytical_cv_pct=cvs,
        rise_floor=floors,
    )


def save_trend_settings(
    session: Session,
    *,
    flare_window: str | None = None,
    cva: tuple[str, ...] = (),
    floor: tuple[str, ...] = (),
) -> None:
    """Persist the given settings (validated) for every later run."""
    if flare_window is not None:
        set_setting(session, FLARE_KEY, str(parse_flare_window(flare_window)))
    for text in cva:
        code, value = parse_marker_setting(text, "analytical CV", MAX_ANALYTICAL_CV_PCT)
        set_setting(session, _cv_key(code), repr(value))
    for text in floor:
        code, value = parse_marker_setting(text, "rise floor", MAX_FLOOR)
        set_setting(session, _floor_key(code), repr(value))


def reset_trend_settings(session: Session) -> None:
    """Forget every persisted trend setting (back to the documented defaults)."""
    for key in get_settings(session, SETTING_PREFIX):
        set_setting(session, key, None)


def patient_trend(
    session: Session,
    patient: Patient,
    settings: TrendSettings | None = None,
    *,
    marker_code: str | None = None,
) -> TrendResult:
    """Flags and series summaries for a patient (optionally one marker).

    Every flag is kept (``--json``, the library and the web page show them all); the
    readings themselves are streamed, never held.
    """
    flags: list[Flag] = []
    series = [
        summary
        for summaries in stream_trend(
            session,
            patient,
            settings or load_trend_settings(session),
            flags.append,
            marker_code=marker_code,
        )
        for summary in summaries
    ]
    flags.sort(key=flag_order)
    return TrendResult(series=series, flags=flags)


def flags_for_readings(
    session: Session, patient: Patient, readings: Mapping[int, str]
) -> list[Flag]:
    """The flags new readings raise (reading id -> marker code), each judged against its
    whole series, listed reading by reading in the order given.

    Each marker's series is read once with the engine's running state, and only these
    readings' flags are built: neither time nor memory goes into the history's other
    flags. A reading deleted since it was written raises none (its id is never read).
    """
    markers = list(dict.fromkeys(readings.values()))
    flags: list[Flag] = []
    trend = PatientPass(session, patient, load_trend_settings(session), markers)
    for code in markers:
        wanted = {reading_id for reading_id, marker in readings.items() if marker == code}
        trend.read_marker(code, flags.append, keep=wanted.__contains__)
    # Read marker by marker; listed as the readings were given (a stable sort keeps each
    # reading's own flags in their order).
    place = {reading_id: index for index, reading_id in enumerate(readings)}
    flags.sort(key=lambda flag: place[flag.reading_id])
    return flags


def describe_trend_settings(settings: TrendSettings) -> list[str]:
    """The trend defaults in force, one line each, marking what the user changed."""
    from tracker.catalogue.markers import DEFAULT_ANALYTICAL_CV_PCT
    from tracker.catalogue.units import format_number
    from tracker.trend.types import DEFAULT_FLARE_WINDOW_DAYS

    def mark(changed: bool) -> str:
        return " (changed)" if changed else " (default)"

    window = settings.flare_window_days
    lines = [
        "Trend settings (change with `tracker settings --flare-window/--cva/--floor`):",
        f"  flare window: {window} days after a treatment start"
        f"{mark(window != DEFAULT_FLARE_WINDOW_DAYS)}",
    ]
    for code, marker in MARKERS.items():
        cv = settings.analytical_cv_for(code)
        floor_value = settings.rise_floor.get(code, marker.rise_floor)
        threshold = marker.rise_threshold_pct(cv)
        lines.append(
            f"  {marker.name}: analytical CV {format_number(cv)}%"
            f"{mark(cv != DEFAULT_ANALYTICAL_CV_PCT)}, rise floor "
            f"{format_number(floor_value)} {marker.unit}"
            f"{mark(floor_value != marker.rise_floor)} -> a rise counts from {threshold:.1f}%"
        )
    return lines
