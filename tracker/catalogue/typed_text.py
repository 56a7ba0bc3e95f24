"""Names, labs and notes as people type them: no control codes, nothing invisible, tidy spaces.

Used wherever text is stored and later shown (``add``, CSV rows, FHIR and HL7 files): a
name that looks the same must be the same name, and nothing stored may reorder or drive
whoever's terminal lists it.
"""

from __future__ import annotations

import re
import unicodedata

from tracker.errors import ValidationError

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def refuse_control_characters(text: str, what: str) -> None:
    """Refuse NUL and terminal control codes in text that is stored and printed later.

    PostgreSQL cannot store NUL at all, and an escape sequence in a note would be sent to
    the terminal of whoever lists it. Tabs and line breaks are ordinary text.
    """
    found = _CONTROL_CHARACTERS.search(text)
    if found is not None:
        raise ValidationError(f"{what} cannot contain control characters (found {found.group()!r})")


def _format_characters(text: str) -> list[str]:
    return [char for char in text if unicodedata.category(char) == "Cf"]


# Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt, Unicode 15.1),
# which Python's unicodedata does not expose, plus U+2800 BRAILLE PATTERN BLANK: all are
# drawn as nothing (or as a blank), so "Ann<U+034F> Smith" would look like "Ann Smith".
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def is_invisible(char: str) -> bool:
    """A format character (Cf) or a default-ignorable one: nothing a reader can see."""
    if unicodedata.category(char) == "Cf":
        return True
    point = ord(char)
    return any(low <= point <= high for low, high in _INVISIBLE_RANGES)


def _invisible_characters(text: str) -> list[str]:
    return [char for char in text if is_invisible(char)]


def _code_point(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def clean_label(text: str, what: str) -> str:
    """A name or lab name as stored and compared: NFC, spaces tidied, nothing invisible.

    Format characters (Unicode category Cf: zero-width spaces and joiners, bidi
    overrides, soft hyphens) and every other default-ignorable code point (the combining
    grapheme joiner, variation selectors, Hangul fillers; also the blank braille pattern)
    make two names that look the same differ, and a bidi override reorders the rest of a
    terminal line, so they are refused. NFC makes an
    accent typed as one character or as two the same name.
    """
    refuse_control_characters(text, what)
    found = _invisible_characters(text)
    if found:
        raise ValidationError(
            f"{what} cannot contain invisible formatting characters (found "
            f"{_code_point(found[0])}); type it again without them"
        )
    return normalise_spaces(unicodedata.normalize("NFC", text))


def display_text(text: str) -> str:
    """Free text (a note) for a terminal: NFC, with format characters shown by code point.

    Notes are stored exactly as typed (they round-trip through CSV), so an invisible or
    reordering character is made visible only when shown.
    """
    text = unicodedata.normalize("NFC", text)
    if not _format_characters(text):
        return text
    return "".join(
        f"<U+{ord(char):04X}>" if unicodedata.category(char) == "Cf" else char for char in text
    )


def shorten(text: str, limit: int = 40) -> str:
    """Text cut for an error message, so a pasted page never floods the terminal."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def normalise_spaces(text: str) -> str:
    """Trim and collapse white space (including non-breaking spaces)."""
    return _SPACES.sub(" ", text).strip()
