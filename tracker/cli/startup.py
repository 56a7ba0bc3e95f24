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
final walk over click's objects that way. When a command has ended well, what it made
is frozen too (``spare_the_final_collection``), so that final walk has next to nothing
left.

The collector belongs to the process: only the console entry point (``main``, which
calls ``pause_collector``) may change it. In a long-lived process (tests that run a
command in-process, a library user) every function here leaves ``gc`` as it found it.
"""

from __future__ import annotations

import gc
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_paused = False
# True once the console entry point started this process; nothing else owns the collector.
_console = False
# True once the console process received Ctrl-C (SIGINT), whoever caught it.
_interrupted = False


def pause_collector() -> None:
    """Freeze what is loaded so far and switch cyclic collection off while modules load.

    Called by the console entry point only: it marks this process as the command's own,
    and notes any Ctrl-C from now on (``spare_the_final_collection``).
    """
    global _paused, _console
    _console = True
    # Only Python's own handler is wrapped: an ignored SIGINT (a job started in the
    # background) stays ignored.
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _note_interrupt)
    if gc.isenabled():
        gc.disable()
        gc.freeze()
        _paused = True


def console_process() -> bool:
    """Whether this process is the command line's own (``main`` started it)."""
    return _console


def _note_interrupt(number: int, frame: FrameType | None) -> None:
    """Ctrl-C, as Python handles it (KeyboardInterrupt), noted first."""
    global _interrupted
    _interrupted = True
    signal.default_int_handler(number, frame)


def resume_collector() -> None:
    """Freeze what start-up created and switch collection back on (no-op if not paused)."""
    global _paused
    if _paused:
        gc.freeze()
        gc.enable()
        _paused = False


def spare_the_collector() -> None:
    """Move every object alive now out of the collector's sight (console process only).

    The process ends right after the report is written, and by then it holds the
    long-lived objects of SQLAlchemy and matplotlib: otherwise each automatic collection
    while drawing, and the interpreter's final one, would walk all of them again (about
    a sixth of the command's time). Only objects made from here on are ever collected.
    """
    if _console:
        gc.freeze()


def spare_the_final_collection(exit_code: object) -> None:
    """The command is over: freeze what is alive, when it ended well (console only).

    Python runs one full collection as it exits. After a report it walked matplotlib's
    modules and every artist of the pages, imported and drawn after the last freeze:
    about 30 ms of the command's time, for memory the process is about to give back.
    A command that failed or was interrupted (even one that caught the Ctrl-C and
    exits 0, as ``add`` and ``import`` do after their commit) is left to that collection:
    an interrupt can land while a session holds its connection, kept alive by the
    traceback's cycle, and freeing that cycle is what closes it (else SQLite leaves its
    ``-wal`` and ``-shm`` files beside the database).
    """
    if exit_code in (None, 0) and not _interrupted:
        spare_the_collector()


def freeze_the_server() -> None:
    """Collect once and freeze what a started server holds (console process only).

    The web app, uvicorn and SQLAlchemy live until the server stops: frozen, they are not
    walked again at every automatic collection while requests are served.
    """
    if _console:
        gc.collect()
        gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause cyclic collection while drawing a report (console process only).

    Drawing creates tens of thousands of short-lived objects; each automatic collection
    would also walk every long-lived one (matplotlib, SQLAlchemy): a third of the drawing
    time. The figures' cycles are collected once drawing is over.
    """
    collecting = _console and gc.isenabled()
    if collecting:
        gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
