"""The command line's process start-up: the cyclic garbage collector is paused while a
command loads its code.

Loading SQLAlchemy, the ORM mappings and the services creates some 60,000 long-lived
objects and next to no garbage, yet every full collection walks all of them, and so
does the last one at interpreter exit: together ~70 ms of each `add` or `list`, a third
of what the command itself costs. So the console entry point pauses the collector, and
``resume_collector`` (called when the command opens its database, after its imports)
freezes everything loaded so far — never scanned again, never freed before exit, which
is as long as it lives anyway — and switches collection back on for the real work, so
long runs such as an import keep their memory in check.

Only the console entry point pauses; in a long-lived process (tests, a library user)
nothing here changes the collector.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Switch cyclic garbage collection off while the command's modules load."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Freeze what start-up created and switch collection back on (no-op if not paused)."""
    global _paused
    if _paused:
        gc.freeze()
        gc.enable()
        _paused = False
