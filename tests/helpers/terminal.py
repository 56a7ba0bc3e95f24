"""Running the tracker on a pseudo-terminal, as a person at a keyboard would."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path


def _read_until(fd: int, text: str, timeout: float = 30.0) -> str:
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out waiting for {text!r}; saw {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                break
            seen += chunk
    return seen.decode(errors="replace")


def run_on_terminal(args: list[str], answers: list[tuple[str, str]], home: Path) -> str:
    """Run the CLI with a pseudo-terminal as stdin/stdout, answering prompts in turn."""
    controller, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["HOME"] = str(home)
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        close_fds=True,
    )
    os.close(terminal)
    transcript = ""
    try:
        for prompt, answer in answers:
            transcript += _read_until(controller, prompt)
            os.write(controller, f"{answer}\n".encode())
        process.wait(timeout=60)
        transcript += _read_until(controller, "", timeout=1)
        try:
            while select.select([controller], [], [], 0.2)[0]:
                chunk = os.read(controller, 1024)
                if not chunk:
                    break
                transcript += chunk.decode(errors="replace")
        except OSError:
            pass
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, transcript
    return transcript
