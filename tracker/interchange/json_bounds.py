"""JSON documents read within bounds (the README, "FHIR R4"): size, nesting, integers.

A FHIR file is parsed whole, so what it may cost is bounded before parsing: its size is
checked while it is read, and its nesting depth with regular expressions only; integers
are bounded by the parser's own hook. Each bound gives one clean error that names it,
never a RecursionError or a runaway process.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

from tracker.errors import ValidationError

# A document's size, and how deeply its JSON may nest (a Bundle needs about ten levels);
# integers longer than JSON_MAX_INT_DIGITS are refused before Python converts them (it
# refuses past 4,300 digits anyway).
FHIR_MAX_BYTES = 16 * 1024 * 1024
JSON_MAX_DEPTH = 64
JSON_MAX_INT_DIGITS = 30


class _HugeInteger(ValueError):
    """An integer in the JSON longer than JSON_MAX_INT_DIGITS."""

    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > JSON_MAX_INT_DIGITS:
        raise _HugeInteger(digits)
    return int(text)


_ESCAPES = re.compile(rb"\\.", re.DOTALL)
_STRINGS = re.compile(rb'"[^"]*"')
_INNERMOST_PAIRS = re.compile(rb"\[\]|\{\}")
_ALL_BUT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nests_too_deeply(data: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether the JSON text ``data`` nests arrays and objects more than ``limit`` deep.

    Checked before parsing, with regular expressions only (no Python loop over the
    bytes): escapes and strings are removed, then the brackets that are left lose one
    level of innermost pairs per pass. Unbalanced brackets count as deep when there are
    more than ``limit`` of them left (``yes '{'``); fewer, and the parser names the error.
    """
    brackets = _STRINGS.sub(b"", _ESCAPES.sub(b"", data)).translate(None, _ALL_BUT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        brackets, removed = _INNERMOST_PAIRS.subn(b"", brackets)
        if not removed:
            return len(brackets) > limit
    return bool(brackets)


def read_document(stream: IO[bytes], name: str) -> bytes:
    """The bytes of a FHIR document, refused past FHIR_MAX_BYTES (before reading further)."""
    data = stream.read(FHIR_MAX_BYTES + 1)
    if len(data) > FHIR_MAX_BYTES:
        raise ValidationError(
            f"{name} is larger than {FHIR_MAX_BYTES // (1024 * 1024)} MB, the limit for a FHIR "
            "file; export a shorter period, or use CSV, which has no size limit"
        )
    return data


def parse_bounded_json(data: bytes, name: str) -> Any:
    """The JSON document in ``data``, or a ValidationError that names what is wrong with it."""
    if nests_too_deeply(data):
        raise ValidationError(
            f"{name} nests its JSON more than {JSON_MAX_DEPTH} levels deep; "
            "a FHIR Bundle needs about ten"
        )
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_int=_bounded_int)
    except UnicodeDecodeError:
        raise ValidationError(f"{name} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"{name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except _HugeInteger as error:
        raise ValidationError(
            f"{name} holds an integer of {error.digits:,} digits; numbers in a FHIR Bundle "
            f"have at most {JSON_MAX_INT_DIGITS}"
        ) from None
    except RecursionError:  # the check above makes this unlikely; never a traceback
        raise ValidationError(f"{name} nests its JSON too deeply") from None
    return document
