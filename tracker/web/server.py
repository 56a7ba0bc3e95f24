"""Running the web app: bind the socket, print the address, serve until a signal.

docs/design.md ("Web app"): one line ``Serving on http://HOST:PORT/?token=TOKEN``,
flushed at once; ``--port 0`` binds a free port and prints it; SIGINT or SIGTERM stops
the server after the requests in flight, and the command ends with exit code 0. No
access log: its first line would hold the token.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tracker.errors import TrackerError, ValidationError
from tracker.web.access import Access, is_loopback

if TYPE_CHECKING:
    from tracker.store.database import Database


class RemoteNotAllowed(TrackerError):
    """A --host other machines can reach, without --allow-remote (a usage error)."""

    exit_code = 2


def browser_wanted() -> bool:
    """A desktop session is there to show a browser (never on CI or without a display)."""
    if os.environ.get("CI"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def check_address(host: str, port: str, *, allow_remote: bool) -> int:
    """The port as a number; refuses a bad port and a remote host without permission."""
    if not port.isdigit() or int(port) > 65535:
        raise ValidationError(f"--port must be a whole number from 0 to 65535; got {port!r}")
    if not is_loopback(host) and not allow_remote:
        raise RemoteNotAllowed(
            f"--host {host} can be reached from other machines; add --allow-remote if you mean it"
        )
    return int(port)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0: one the system picks)."""
    bare = host.strip("[]")
    sock = socket.socket(socket.AF_INET6 if ":" in bare else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((bare, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise TrackerError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    return sock


def serve(
    database: Database,
    host: str,
    port: int,
    *,
    patient: str | None,
    open_browser: bool,
    say: Callable[[str], None],
    loaded: Callable[[], None] = lambda: None,
) -> None:
    """Serve ``database`` until SIGINT or SIGTERM; ``say`` prints the address line.

    ``loaded`` is called once the app is built, before the first request.
    """
    import uvicorn

    from tracker.web.app import create_app

    sock = bind(host, port)
    access = Access(host, sock.getsockname()[1])
    config = uvicorn.Config(
        create_app(database, access, patient=patient),
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,
    )
    server = uvicorn.Server(config)
    # The app is built: what is loaded now lives until exit. The caller may tell the
    # collector so; the web package leaves gc alone (docs/design.md, "Process-wide state").
    loaded()

    # A signal from now on stops the server: before uvicorn installs its own handlers (a
    # SIGTERM right after the address is printed) it is never started; during the run
    # uvicorn stops and re-raises the signal here, where it ends quietly (exit code 0).
    def stop(*_: object) -> None:
        server.should_exit = True

    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, stop)
    url = access.start_url()
    say(f"Serving on {url}")
    if open_browser and browser_wanted():
        import webbrowser

        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
