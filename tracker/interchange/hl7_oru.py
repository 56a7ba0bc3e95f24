"""Reading HL7 v2 ORU^R01 lab messages: the form in which laboratories send results.

Segments are parsed by the ``hl7`` package (python-hl7: small, pure Python, no
dependencies, lenient about what real lab systems send, and it decodes HL7 escape
sequences; ``hl7apy`` validates whole message structures against each HL7 version's
tables, which this reader does not need and which refuses the loosely built messages
labs really send; README "Importing from your lab or hospital"). The module is named
``hl7_oru`` so that it never shadows that package. What each message yields is read in
``hl7_message.py``; here the file is told apart, split into messages, and corrections
are applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from tracker.errors import ValidationError
from tracker.interchange.hl7_message import Hl7Contents, Hl7Message, Hl7Result, Segment

# Batch envelope segments around messages (file and batch header and trailer).
_ENVELOPE = ("FHS", "BHS", "BTS", "FTS")


def looks_like_hl7(name: str, head: bytes) -> bool:
    """An ``.hl7`` name, or content that starts with an MSH (or batch header) segment."""
    if name.lower().endswith(".hl7"):
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0b")
    return any(start.startswith(s + b"|") for s in (b"MSH", b"FHS", b"BHS"))


def split_messages(text: str) -> Iterator[list[Segment]]:
    """The segments of each message; CR, LF and CRLF all end a segment."""
    lines = text.replace("\r\n", "\r").replace("\n", "\r").split("\r")
    message: list[Segment] = []
    for line in lines:
        line = line.strip("\x0b\x1c")  # MLLP framing bytes, when a file keeps them
        if not line.strip():
            continue
        if line.startswith(_ENVELOPE):
            continue
        if line.startswith("MSH"):
            if message:
                yield message
            message = []
        elif not message:
            raise ValidationError(
                f"the file does not start with an MSH segment (found {line[:20]!r})"
            )
        message.append(Segment(len(message) + 1, line))
    if message:
        yield message


def read_hl7(data: bytes, today: date) -> Hl7Contents:
    """Every tumor-marker result of every message, or a ValidationError naming the first bad one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # HL7 v2 messages are often 8-bit (MSH-18 names the character set); Latin-1
        # decodes any byte, and names and labs are the only texts that can carry them.
        text = data.decode("latin-1")
    contents = Hl7Contents()
    for segments in split_messages(text):
        contents.messages += 1
        Hl7Message(contents.messages, segments, today).read(contents)
    if contents.messages == 0:
        raise ValidationError("the file holds no HL7 message (no MSH segment)")
    contents.results = _corrections_applied(contents.results)
    return contents


def _corrections_applied(results: list[Hl7Result]) -> list[Hl7Result]:
    """A corrected result replaces the final one of the same draw sent earlier in the file.

    Same draw: patient, marker, date and lab. Kept apart, the two values would be stored
    as two results of one draw that disagree; the lab has said which one stands.
    """
    kept: dict[tuple[object, ...], int] = {}
    taken: list[Hl7Result | None] = []
    for result in results:
        key = (result.patient, result.marker.code, result.drawn_on, result.lab)
        earlier = kept.get(key)
        if result.corrected and earlier is not None:
            taken[earlier] = None
        kept[key] = len(taken)
        taken.append(result)
    return [result for result in taken if result is not None]
