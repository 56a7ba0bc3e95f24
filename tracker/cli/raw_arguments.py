"""Arguments and tracker variables as the process received them, before click parses them."""

from __future__ import annotations

import os
import re

from tracker.errors import ValidationError

# On Linux, argument and environment bytes that are not UTF-8 arrive as lone
# surrogates (PEP 383); they cannot be stored, compared or printed as text.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
# The variables the tracker reads as text (TRACKER_DEBUG only needs to be set).
TEXT_ENVIRONMENT = ("TRACKER_DB_URL", "TRACKER_PATIENT", "TRACKER_SQLITE_BUSY_TIMEOUT_MS")


def shown_bytes(text: str) -> str:
    """The text's bytes as Python writes them (``b'Ann\\xff'``), cut to stay on one line."""
    shown = repr(os.fsencode(text))
    return shown if len(shown) <= 60 else shown[:57] + "..."


def refuse_undecodable(args: list[str]) -> None:
    """Bytes that are not UTF-8 in an argument or a tracker variable: one clear error."""
    for index, argument in enumerate(args):
        if _UNDECODABLE.search(argument) is None:
            continue
        option, equals, value = argument.partition("=")
        if argument.startswith("--") and equals:
            what, argument = f"the value of {option}", value
        elif index > 0 and args[index - 1].startswith("-") and not argument.startswith("-"):
            what = f"the value of {args[index - 1]}"
        else:
            what = "an argument"
        raise ValidationError(
            f"{what} ({shown_bytes(argument)}) is not UTF-8 text; the tracker reads "
            "arguments as UTF-8 (check the terminal's or the script's encoding)"
        )
    for name in TEXT_ENVIRONMENT:
        setting = os.environ.get(name)
        if setting is not None and _UNDECODABLE.search(setting) is not None:
            raise ValidationError(
                f"the environment variable {name} ({shown_bytes(setting)}) is not UTF-8 text"
            )
