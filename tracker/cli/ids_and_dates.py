"""Reading ids and dates typed on the command line (exit 1 with what is wrong)."""

from __future__ import annotations

from datetime import date

from tracker.errors import ValidationError

MAX_ID = 2**63 - 1


def parse_id(text: str, what: str = "reading") -> int:
    """A positive whole-number id typed by the user."""
    cleaned = text.strip().lstrip("#")
    listing = "tracker list" if what == "reading" else f"tracker {what} list"
    # isascii: "²" and other Unicode digits pass isdigit() but not int().
    if not (cleaned.isascii() and cleaned.isdigit()):
        shown = repr(text) if len(text) <= 40 else repr(text[:37] + "...")
        raise ValidationError(f"{what} id {shown} is not a number like 12 (see `{listing}`)")
    # Checked as text first: Python refuses to convert integers of over 4,300 digits.
    digits = cleaned.lstrip("0")
    if len(digits) > len(str(MAX_ID)) or int(digits or "0") > MAX_ID:
        # No database can hold it (SQLite and PostgreSQL: 64 bits).
        shown = digits if len(digits) <= 40 else f"{digits[:20]}... ({len(digits):,} digits)"
        raise ValidationError(f"no {what} #{shown}: ids are at most {MAX_ID}")
    if int(digits or "0") <= 0:
        raise ValidationError(f"{what} id {text!r} is not a number like 12 (see `{listing}`)")
    return int(digits)


def optional_date(text: str | None, *, what: str = "date") -> date | None:
    """Parse an optional date option (exit 1 with a clear message when malformed)."""
    # Imported here: units loads the marker catalogue, which `--help` never needs.
    from tracker.catalogue.units import parse_date

    return None if text is None else parse_date(text, what=what)
