"""Files the tracker writes for the user (``--out``): private, never half-written, and never
a change to what kind of thing is at the path.

What ``--out`` does depends on what the path is (the README, "--out"):

- nothing yet: a new file, private (0600: it holds health data), written beside the
  path under a hidden temporary name and renamed into place once complete;
- a regular file: replaced the same way, keeping its mode (a report shared on purpose
  stays shared), so a reader never sees half a file and a failure leaves it as it was;
- a symbolic link: its target is written as above and the link stays a link;
- a character device or a FIFO (``/dev/stdout``, a pipe another program reads): written
  straight into, since a device cannot be replaced (a full device is a clean error);
- a folder, or anything else (a socket, a block device): refused.

While a temporary file exists, SIGTERM and SIGHUP remove it before the process ends, so
no hidden copy of health data is left behind.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import BinaryIO, TextIO

from tracker.errors import TrackerError

# Suffix of the hidden file a write goes to before it is renamed into place.
TEMP_SUFFIX = ".partial"
# These end the process; while a temporary file exists they remove it first.
_CLEANUP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# Names the kernel resolves to one of this process's open files: always written
# straight into (never replaced), so `--out /dev/stdout >> log` appends to the log.
_STREAM_PREFIXES = ("/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/")


@dataclass(frozen=True)
class OutputTarget:
    """Where and how one ``--out`` is written."""

    path: Path  # the file itself: a link's target, or the path as given
    straight: bool  # a device or FIFO: opened and written in place
    mode: int | None  # the mode to keep when replacing a regular file (None: new, 0600)


def _cannot(path: Path, reason: str) -> TrackerError:
    return TrackerError(f"cannot write {path}: {reason}")


def output_target(path: Path) -> OutputTarget:
    """Decide how ``path`` is written, or refuse it (a folder, a socket…) with a TrackerError."""
    try:
        status = os.stat(path)  # follows links: what is written is what they point to
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _cannot(path, error.strerror or str(error)) from None
    if status is None:
        # A new file; for a dangling link, the file it names (the link stays).
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        return OutputTarget(target, straight=False, mode=None)
    kind = status.st_mode
    if stat.S_ISDIR(kind):
        raise _cannot(path, "it is a folder; give a file name")
    if stat.S_ISCHR(kind) or stat.S_ISFIFO(kind) or str(path).startswith(_STREAM_PREFIXES):
        return OutputTarget(path, straight=True, mode=None)
    if not stat.S_ISREG(kind):
        raise _cannot(path, "it is not a regular file, a FIFO or a character device")
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    return OutputTarget(target, straight=False, mode=stat.S_IMODE(kind))


@contextmanager
def private_output(path: Path) -> Iterator[BinaryIO]:
    """A byte stream whose content becomes ``path`` (see the module docstring for how)."""
    target = output_target(path)
    if target.straight:
        with _straight(path) as stream:
            yield stream
        return
    folder = target.path.parent if str(target.path.parent) else Path(".")
    with removed_on_termination() as temps:
        try:
            # mkstemp creates the file 0600, in the same folder so the rename is atomic.
            fd, temp_name = tempfile.mkstemp(
                prefix=f".{target.path.name}.", suffix=TEMP_SUFFIX, dir=folder
            )
        except OSError as error:
            raise _cannot(path, error.strerror or str(error)) from None
        temp = Path(temp_name)
        temps.append(temp)
        try:
            with os.fdopen(fd, "wb") as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            if target.mode is not None:
                os.chmod(temp, target.mode)
            os.replace(temp, target.path)
        except OSError as error:
            raise _cannot(path, error.strerror or str(error)) from None
        finally:
            temp.unlink(missing_ok=True)
    sync_folder(folder)


@contextmanager
def atomic_private_text(path: Path) -> Iterator[TextIO]:
    """``private_output`` as UTF-8 text; newlines are written exactly as given (CSV's CRLF)."""
    with private_output(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)
        try:
            yield text
            try:
                text.flush()
            except OSError as error:
                raise _cannot(path, error.strerror or str(error)) from None
        finally:
            text.detach()


def write_private_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` as the whole content of ``path`` (a report, for instance)."""
    with private_output(path) as stream:
        stream.write(payload)


@contextmanager
def _straight(path: Path) -> Iterator[BinaryIO]:
    """A device or FIFO, opened for writing in place (never created, never truncated)."""
    try:
        # O_APPEND: a regular file behind /dev/stdout (`>> log`) is added to, not overwritten.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY)
    except OSError as error:
        raise _cannot(path, error.strerror or str(error)) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
    except OSError as error:  # e.g. /dev/full: "No space left on device"
        raise _cannot(path, error.strerror or str(error)) from None


def sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class Terminated(SystemExit):
    """SIGTERM or SIGHUP arrived while a temporary file existed (exit 128 + the signal)."""


@contextmanager
def removed_on_termination() -> Iterator[list[Path]]:
    """Turn SIGTERM and SIGHUP into an exception while temporary files may exist.

    The exception unwinds the writers' ``finally`` blocks, which remove the temporary
    file, and then ends the process with the usual status (128 + the signal's number).
    The handler also removes the files listed so far itself, in case the signal
    arrives between two statements of that cleanup. Handlers can only be set in the
    main thread; elsewhere (a library caller's thread) the signals keep their handling.
    """
    temps: list[Path] = []
    if threading.current_thread() is not threading.main_thread():
        yield temps
        return

    def terminate(signum: int, _frame: FrameType | None) -> None:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise Terminated(128 + signum)

    previous = {number: signal.signal(number, terminate) for number in _CLEANUP_SIGNALS}
    try:
        yield temps
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
