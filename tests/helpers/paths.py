"""Where the checkout and the test data files are, wherever a test module sits."""

from __future__ import annotations

import stat
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def file_mode(path: Path) -> int:
    """The permission bits of a file or folder (0o600, 0o700…)."""
    return stat.S_IMODE(path.stat().st_mode)
