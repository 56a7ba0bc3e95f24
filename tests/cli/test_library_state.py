"""Library calls leave process-wide state as they found it (docs/design.md, "Process-wide state").

The garbage collector (enabled or not, what is frozen, its thresholds), matplotlib's
rcParams and the warnings filters belong to the program that uses the library; only the
console entry point (``tracker.cli.main.main``) may tune the collector. Each call is
checked with the collector both on and off, as a host program may have either.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli_runs import Tracker as Cli
from tracker import Tracker


def _state() -> dict[str, Any]:
    import matplotlib

    return {
        "gc enabled": gc.isenabled(),
        "gc frozen": gc.get_freeze_count(),
        "gc thresholds": gc.get_threshold(),
        "rcParams": dict(matplotlib.rcParams),
        "warnings filters": list(warnings.filters),
    }


@pytest.fixture(params=[True, False], ids=["gc-on", "gc-off"])
def collector(request: pytest.FixtureRequest) -> Iterator[bool]:
    was_enabled = gc.isenabled()
    if request.param:
        gc.enable()
    else:
        gc.disable()
    try:
        yield request.param
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def _filled(db_url: str) -> Tracker:
    t = Tracker.open(db_url)
    t.add_reading("CA15-3", "24", drawn_on=date(2025, 11, 3), lab="City Lab")
    t.add_reading("CA15-3", "26", drawn_on=date(2026, 1, 5), lab="City Lab")
    t.add_reading("CEA", "3.1", drawn_on=date(2026, 1, 5), lab="City Lab")
    t.add_reading("CA15-3", "41", drawn_on=date(2026, 5, 4), lab="City Lab")
    t.add_event("treatment", "docetaxel", started_on=date(2026, 2, 1))
    return t


CALLS: dict[str, Callable[[Tracker, Path], object]] = {
    "report pdf": lambda t, d: t.report(d / "report.pdf"),
    "report png": lambda t, d: t.report(d / "chart.png", marker="CA15-3"),
    "trend": lambda t, d: t.trend(),
    "export csv": lambda t, d: t.export(d / "out.csv"),
    "export fhir": lambda t, d: t.export(d / "out.json", "fhir"),
    "import csv": lambda t, d: t.import_file(_exported(t, d, "csv")),
    "import fhir": lambda t, d: t.import_file(_exported(t, d, "json")),
}


def _exported(t: Tracker, folder: Path, suffix: str) -> Path:
    path = folder / f"again.{suffix}"
    t.export(path, "fhir" if suffix == "json" else "csv")
    return path


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_library_call_leaves_collector_rcparams_and_warnings_as_found(
    call: str, collector: bool, db_url: str, tmp_path: Path
) -> None:
    t = _filled(db_url)
    before = _state()
    CALLS[call](t, tmp_path)
    after = _state()
    assert after == before
    assert gc.isenabled() is collector


def test_an_in_process_report_command_freezes_nothing(
    tracker: Cli, tmp_path: Path, collector: bool
) -> None:
    """The command run inside a host process (here the tests') is not the console process."""
    tracker.ok("add", "CA15-3", "24", "--date", "2026-01-05")
    tracker.ok("add", "CA15-3", "41", "--date", "2026-05-04")
    before = _state()
    tracker.ok("report", "--out", str(tmp_path / "report.pdf"))
    tracker.ok("demo", "--out", str(tmp_path / "demo.pdf"))
    assert _state() == before
    assert gc.isenabled() is collector


def test_trend_settings_defaults_cannot_be_changed_by_a_caller() -> None:
    from tracker.trend.engine import DEFAULT_SETTINGS
    from tracker.trend.types import TrendSettings

    for mapping in (DEFAULT_SETTINGS.analytical_cv_pct, DEFAULT_SETTINGS.rise_floor):
        with pytest.raises(TypeError):
            mapping["CEA"] = 1.0  # type: ignore[index]
    given = {"CEA": 2.0}
    settings = TrendSettings(rise_floor=given)
    given["CEA"] = 9.0
    assert settings.rise_floor == {"CEA": 2.0}
    assert TrendSettings().rise_floor == {}


def test_drawing_keeps_the_collector_running(collector: bool) -> None:
    """Not only restored afterwards: a host's collector keeps its state while a report draws."""
    from tracker.reports.style import rendering

    for core_fonts in (True, False):
        with rendering(core_fonts=core_fonts):
            assert gc.isenabled() is collector
