"""The shape of a CSV file: delimiter, decimal mark, header columns and formula quoting.

Files come from the tracker's own export, from spreadsheets and from lab portals, so the
header is matched leniently (any order, any case, ``date`` for ``drawn_on``, extra columns
ignored) while the cells keep one exact meaning (the README, "CSV export and import").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.errors import ValidationError

# docs/design.md: export writes exactly this header, in this order.
EXPORT_HEADER = (
    "record", "patient", "marker", "value", "unit", "drawn_on", "lab", "ref_high", "note",
    "kind", "name", "ended_on",
)  # fmt: skip
# A lab portal's range column, read for its upper bound (README, "CSV export and import").
REFERENCE_RANGE = "reference_range"
KNOWN_COLUMNS = (*EXPORT_HEADER, REFERENCE_RANGE)
# Spreadsheet and lab-portal names (compared lower case, spaces and hyphens as "_").
HEADER_ALIASES = {
    "date": "drawn_on",
    "collected": "drawn_on",
    "collection_date": "drawn_on",
    "test": "marker",
    "analyte": "marker",
    "parameter": "marker",
    "result": "value",
    "units": "unit",
    "laboratory": "lab",
    "performing_lab": "lab",
    "reference_range": REFERENCE_RANGE,
    "normal_range": REFERENCE_RANGE,
    "ref_range": REFERENCE_RANGE,
}
RECORD_READING = "reading"
RECORD_EVENT = "event"
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
# A number whose dots can only be thousands separators: 1.234 or 12.345.678.
_DOT_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_GROUPED_WITH_COMMA = re.compile(r"\d{1,3}(?:\.\d{3})+,\d*")
_NUMBER_PART = re.compile(r"\d[\d.,]*")
# Reference ranges: "0-30", "0.0 - 5.0", "< 30", "<= 30", "≤ 30", "0 to 30 U/mL".
_NUMBER = r"\d+(?:[.,]\d+)?"
_UNIT_TAIL = r"(?:\s*[^\d\s<>=≤-][^\d<>=≤]*)?"
_RANGE_BETWEEN = re.compile(rf"{_NUMBER}\s*(?:-|–|—|to)\s*({_NUMBER}{_UNIT_TAIL})", re.IGNORECASE)
_RANGE_UP_TO = re.compile(rf"(?:<=?|≤|＜|up to)\s*({_NUMBER}{_UNIT_TAIL})", re.IGNORECASE)
_LIKELY_DELIMITERS = (";", ",", "\t", "|")


def protect_formula(text: str) -> str:
    """One extra leading ``'`` for a cell a spreadsheet would run as a formula."""
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


def unprotect_formula(text: str) -> str:
    """Undo ``protect_formula``: drop exactly one ``'`` that precedes a formula start.

    Only a quote followed by a formula character is one we (or a careful spreadsheet
    user) added; a cell such as ``'tis`` was written that way and stays as it is.
    """
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


@dataclass(frozen=True)
class CsvDialect:
    """How one file's cells are separated and how its numbers are written."""

    delimiter: str
    decimal_comma: bool


def parse_delimiter(text: str) -> str:
    """The ``--delimiter`` option: one character, or ``tab`` / ``\\t``."""
    delimiter = _DELIMITER_NAMES.get(text.strip().lower(), text)
    if len(delimiter) != 1 or delimiter in '"\r\n' or delimiter.isalnum():
        raise ValidationError(
            f"--delimiter {text!r} must be one character such as , ; | or the word tab"
        )
    return delimiter


def detect_dialect(
    header_line: str, delimiter: str | None = None, decimal_comma: bool = False
) -> CsvDialect:
    """The file's dialect: the options given, else what its header line shows.

    docs/design.md: a header with ``;`` and no ``,`` means ``;``, and a ``;`` file's numbers
    are read with decimal commas. A header with tabs and neither ``,`` nor ``;`` is a
    tab-separated file.
    """
    if delimiter is not None:
        chosen = parse_delimiter(delimiter)
    elif ";" in header_line and "," not in header_line:
        chosen = ";"
    elif "\t" in header_line and "," not in header_line:
        chosen = "\t"
    else:
        chosen = ","
    return CsvDialect(chosen, decimal_comma or chosen == ";")


def delimiter_hint(header_line: str, chosen: str, given: bool) -> str | None:
    """When the header does not split at ``chosen``: which delimiter the file seems to use."""
    line = header_line.rstrip("\r\n")
    if chosen in line:
        return None
    counts = {mark: line.count(mark) for mark in _LIKELY_DELIMITERS if mark != chosen}
    likely = max(counts, key=lambda mark: counts[mark])
    if counts[likely] == 0:
        return None
    option = "--delimiter" if given else "the detected delimiter"
    return (
        f"the header does not split at {option} {_shown(chosen)}: it is one column "
        f"({line[:60]!r}); the file seems to use {_shown(likely)} "
        f"(try --delimiter {_shown(likely)})"
    )


def _shown(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def range_upper_bound(cell: str) -> str | None:
    """The upper bound of a reference range as text (``"0-30 U/mL"`` -> ``"30 U/mL"``)."""
    text = " ".join(cell.split())
    if not text:
        return None
    match = _RANGE_BETWEEN.fullmatch(text) or _RANGE_UP_TO.fullmatch(text)
    if match is None:
        raise ValidationError(
            f"reference range {cell.strip()!r} has no upper limit like 0-30, < 30 or 0.0 - 5.0"
        )
    return match.group(1).strip()


def _column_name(cell: str) -> str:
    name = re.sub(r"[\s\-]+", "_", cell.strip().lower())
    return HEADER_ALIASES.get(name, name)


@dataclass(frozen=True)
class Columns:
    """Where each known column is in a file's rows (absent columns are not in ``index``)."""

    index: dict[str, int]
    width: int
    ignored: tuple[str, ...]

    def has(self, name: str) -> bool:
        return name in self.index


def read_columns(header: list[str]) -> Columns:
    """Map a header row to the tracker's columns; refuse duplicates and missing essentials."""
    index: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(header):
        name = _column_name(cell)
        if not name:
            continue  # spreadsheets often add empty trailing columns
        if name not in KNOWN_COLUMNS:
            ignored.append(cell.strip())
            continue
        if name in index:
            first = header[index[name]].strip()
            raise ValidationError(
                f"the header names the column {name!r} twice ({first!r} and {cell.strip()!r})"
            )
        index[name] = position
    needed = ["drawn_on"] if "record" in index else ["marker", "value", "drawn_on"]
    missing = [name for name in needed if name not in index]
    if missing:
        found = ", ".join(cell.strip() for cell in header if cell.strip()) or "nothing"
        raise ValidationError(
            f"the header has no {', '.join(missing)} column (found: {found}); the tracker "
            f"reads the columns {','.join(EXPORT_HEADER)} (also Test, Result, Units, "
            "Reference range, Collected, Laboratory as lab portals name them)"
        )
    return Columns(index, len(header), tuple(ignored))


def decimal_comma_number(text: str) -> bool:
    """For a file with decimal commas: whether ``text`` must be read with one.

    ``4,2`` and ``1.234,5`` carry a decimal comma; ``4.2`` can only mean 4.2. ``1.234``
    could be 1234 or 1.234, so it is refused rather than guessed.
    """
    match = _NUMBER_PART.search(text)
    if match is None:
        return False  # not a number at all: the value parser says so
    number = match.group(0)
    if "," in number:
        if "." in number and not _GROUPED_WITH_COMMA.fullmatch(number):
            raise ValidationError(f"value {text!r} mixes dots and a decimal comma unclearly")
        return True
    if _DOT_GROUPED.fullmatch(number):
        raise ValidationError(
            f"value {text!r} is ambiguous in a file with decimal commas: "
            f"write {number.replace('.', '')} or {number.replace('.', ',')}"
        )
    return False


def dot_decimal(text: str) -> str:
    """A number written with a decimal comma, rewritten with a decimal point."""
    if decimal_comma_number(text):
        return text.replace(".", "").replace(",", ".")
    return text
