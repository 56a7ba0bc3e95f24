"""Each rule is written once (docs/design.md): other modules use it, never type it again."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.paths import ROOT
from tracker.catalogue.event_kinds import EVENT_KINDS

# Same words, other meanings: why a flag was not re-checked (tracker.trend.wording).
_OTHER_MEANINGS = {("tracker/trend/wording.py", "treatment")}


def _sources() -> list[Path]:
    return [
        path for folder in ("tracker", "reports") for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def test_event_kinds_are_named_only_through_the_catalogue_constants() -> None:
    typed = []
    for path in _sources():
        where = path.relative_to(ROOT).as_posix()
        if where == "tracker/catalogue/event_kinds.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and node.value in EVENT_KINDS
                and (where, node.value) not in _OTHER_MEANINGS
            ):
                typed.append(f"{where}:{node.lineno} {node.value!r}")
    assert typed == []
