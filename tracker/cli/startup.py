"""The command line's process start-up: the cyclic garbage collector is paused while a
command loads its code.

Loading SQLAlchemy, the ORM mappings and the services creates some 60,000 long-lived
objects and next to no garbage, yet every full collection walks all of them, and so
does the last one at interpreter exit: together ~70 ms of each `add` or `list --json`
on 10k readings, a third of what the command itself costs. So the console entry point
pauses the collector, and ``resume_collector`` (called when the command opens its
database, after its imports) switches it back on for the real work, so that long runs
such as an import keep their memory in check. Each step first freezes what exists
(``gc.freeze``): those objects are never scanned again and never freed before exit,
which is as long as they live anyway; `--help`, which opens no database, saves the
final walk over click's objects that way.

Only the console entry point pauses; in a long-lived process (tests, a library user)
nothing here changes the collector.
"""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Freeze what is loaded so far and switch cyclic collection off while modules load."""
    global _paused
    if gc.isenabled():
        gc.disable()
        gc.freeze()
        _paused = True


def resume_collector() -> None:
    """Freeze what start-up created and switch collection back on (no-op if not paused)."""
    global _paused
    if _paused:
        gc.freeze()
        gc.enable()
        _paused = False
