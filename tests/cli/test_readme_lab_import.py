"""README "Importing from your lab or hospital" runs as written, on SQLite and PostgreSQL.

Each ``tracker import`` example of the section is run against the fixture it stands for
(the HL7 example against the message printed in the README itself). What it prints must
begin with the ``#`` lines the README shows under it, word for word (flags on the imported
readings may follow them); a refused import prints exactly the lines shown.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.helpers.cli_runs import Tracker
from tests.helpers.paths import FIXTURES

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "## Importing from your lab or hospital"
NDJSON = FIXTURES / "Observation.ndjson"
# A line 12 after the fixture's 11 lines, broken at column 43 as the README shows.
BAD_LINE = '{"resourceType": "Observation", "status": }'


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(HEADING)
    end = text.index("\n## ", start + len(HEADING))
    return text[start:end]


def _blocks(section: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", section, flags=re.M | re.S)


def _examples(section: str) -> list[tuple[str, list[str]]]:
    """(command, the lines shown under it) for every ``tracker`` command of the section."""
    examples: list[tuple[str, list[str]]] = []
    for block in _blocks(section):
        for line in block.splitlines():
            if line.startswith("tracker "):
                examples.append((line, []))
            elif line.startswith("# ") and examples:
                examples[-1][1].append(line[2:])
    return examples


def _start(output: str, shown: list[str]) -> list[str]:
    """As many lines of ``output`` as the README shows."""
    return output.splitlines()[: len(shown)]


def test_the_section_has_one_example_of_each_format() -> None:
    commands = [command for command, _ in _examples(_section())]
    assert commands == [
        "tracker import synthea/Yuki_Tanaka.json",
        "tracker import export/Observation.ndjson",
        "tracker import export/Observation.ndjson",
        "tracker import results.hl7",
    ]


def test_the_ndjson_fixture_holds_eleven_lines() -> None:
    # BAD_LINE is line 12 only if the fixture keeps its 11 lines.
    assert len(NDJSON.read_text(encoding="utf-8").splitlines()) == 11


def test_the_section_runs_as_written(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = _section()
    work = tmp_path / "work"
    (work / "synthea").mkdir(parents=True)
    (work / "export").mkdir()
    monkeypatch.chdir(work)
    hl7_block = next(b for b in _blocks(section) if b.startswith("MSH|"))
    # Laboratories end segments with CR; the README shows them one a line.
    (work / "results.hl7").write_bytes(hl7_block.replace("\n", "\r").encode())
    shutil.copy(FIXTURES / "synthea_transaction.json", work / "synthea" / "Yuki_Tanaka.json")

    (synthea, shown_synthea), (ndjson, shown_ndjson), (bad, shown_bad), (hl7, shown_hl7) = (
        _examples(section)
    )
    # The Synthea and NDJSON readings go to the selected patient (their Patients are not
    # the tracker's); the HL7 message names its own.
    tracker.ok("patient", "add", "Yuki")
    assert _start(tracker.ok(*synthea.split()[1:]).stdout, shown_synthea) == shown_synthea

    tracker.ok("patient", "add", "Ann")
    shutil.copy(NDJSON, work / "export" / "Observation.ndjson")
    imported = tracker.ok(*ndjson.split()[1:], patient="Ann").stdout
    assert _start(imported, shown_ndjson) == shown_ndjson

    before = tracker.json("list", patient="Ann")
    with (work / "export" / "Observation.ndjson").open("a", encoding="utf-8") as file:
        file.write(BAD_LINE + "\n")
    refused = tracker.fails(*bad.split()[1:], patient="Ann")
    assert refused.stderr.splitlines() == shown_bad
    assert tracker.json("list", patient="Ann") == before

    assert _start(tracker.ok(*hl7.split()[1:]).stdout, shown_hl7) == shown_hl7
    assert shown_synthea and shown_ndjson and shown_bad and shown_hl7
