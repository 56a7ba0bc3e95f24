"""``tracker serve``: the local web app (docs/design.md, "Web app").

Starlette, uvicorn and the templates load only inside the command, so ``--help``,
``add`` and ``list`` stay as fast as before.
"""

from __future__ import annotations

import sys

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.startup import freeze_the_server


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default="8765", show_default=True, help="Port (0: any free port).")
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a --host other machines can reach (anyone with the printed address gets in).",
)
@pass_app
def serve_command(
    app: AppContext, host: str, port: str, no_browser: bool, allow_remote: bool
) -> None:
    """Serve the tracker as a local web page until interrupted (Ctrl+C).

    Prints the one address to open; it carries a token that is new at every start.
    """
    from tracker.web.access import is_loopback
    from tracker.web.server import check_address, serve

    port_number = check_address(host, port, allow_remote=allow_remote)
    if not is_loopback(host):
        click.echo(
            f"Warning: serving on {host}: anyone who can reach it and has the printed address "
            "sees this health data. Use it only on a network you trust.",
            err=True,
        )

    def say(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()

    serve(
        app.database(),  # opened (a new file migrated) before anything is served
        host,
        port_number,
        patient=app.patient_option,
        open_browser=not no_browser,
        say=say,
        loaded=freeze_the_server,
    )
