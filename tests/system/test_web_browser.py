"""The web app in a real browser (Debian's chromium driven by Playwright), and its process.

``tracker serve --port 0 --no-browser`` runs as a real subprocess; the browser opens the
printed address, adds a draw through the form, finds it in the table and on the chart,
and deletes it through the confirmation. Screenshots go to SCREENS for a person to look at.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers.cli_runs import run_tracker

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path(os.environ.get("TRACKER_SCREENS", "/work/notes/screens"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Upper bounds only: every step waits on a signal that the page or the server is ready
# (the address printed, a request answered, the page loaded, the charts drawn). A full CI
# run on two busy cores once needed more than 30 s for one step; a step that takes two
# minutes is a hang.
READY_SECONDS = 120


def spawn_serve(db: Path, *extra: str) -> subprocess.Popen[str]:
    """``tracker --db DB serve --port 0 --no-browser EXTRA…`` with no TRACKER_ variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(db), "serve", *extra, "--port", "0",
         "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )  # fmt: skip


def start_serve(db: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = spawn_serve(db, *extra)
    line = first_line(process)
    match = re.fullmatch(r"Serving on (http://127\.0\.0\.1:(\d+)/\?token=[\w-]+)\n", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    assert match.group(2) != "0"
    wait_until_answering(match.group(1), process)
    return process, match.group(1)


def first_line(process: subprocess.Popen[str]) -> str:
    """The server's first line of output, or a failure naming what it printed instead.

    Ready means printed: the socket listens before the address is printed
    (tracker/web/server.py). A server that hangs before printing fails here, not later.
    """
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], READY_SECONDS)
    if not ready:
        process.kill()
        _, stderr = process.communicate()
        pytest.fail(f"tracker serve printed no address in {READY_SECONDS} s: {stderr}")
    return process.stdout.readline()


def wait_until_answering(url: str, process: subprocess.Popen[str]) -> None:
    """One HTTP request answered (any status: without the cookie it is 403): the server's
    loop runs, so the browser's first request is not what waits for it to start."""
    base = url.split("?")[0]
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            with urllib.request.urlopen(base, timeout=READY_SECONDS):
                return
        except urllib.error.HTTPError:
            return  # answered
        except OSError:
            assert process.poll() is None, process.communicate()[1]
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def charts_drawn(page: Page) -> None:
    """Wait until every chart on the page shows its SVG (each is a request of its own;
    the first one loads matplotlib in the server, the slow part on a cold machine)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('object[type="image/svg+xml"]')].every(
            o => o.contentDocument && o.contentDocument.querySelector("svg"))"""
    )


def go(page: Page, link: str, heading: str | re.Pattern[str]) -> None:
    """Follow a link in the page's navigation and wait until the new page has loaded."""
    from playwright.sync_api import expect

    page.get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr


def seed(db: Path) -> None:
    def ok(*args: str) -> None:
        result = run_tracker(["--db", str(db), *args])
        assert result.returncode == 0, result.stderr

    ok("event", "add", "treatment", "letrozole", "--date", "2025-06-01")
    for day, cea, ca153 in (
        ("2025-06-03", "2.1", "21"),
        ("2025-09-02", "2.3", "22"),
        ("2025-12-01", "2.6", "24"),
        ("2026-02-02", "3.6", "31"),
    ):
        ok("add", "CEA", cea, "--date", day, "--lab", "City Lab")
        ok("add", "CA 15-3", ca153, "--date", day, "--lab", "City Lab")
    # A lab change: the latest CEA from another lab.
    ok("add", "CEA", "4.4", "--date", "2026-03-10", "--lab", "North Hospital")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    db = tmp_path / "tracker.db"
    seed(db)
    process, url = start_serve(db)
    try:
        yield process, url, db
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is installed by .ci/run")
def test_add_see_and_delete_a_draw_in_a_real_browser(served) -> None:
    from playwright.sync_api import expect, sync_playwright

    process, url, _db = served
    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(READY_SECONDS * 1000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url, wait_until="load")
        assert "token=" not in page.url  # traded for the cookie
        expect(page.get_by_role("heading", name=re.compile("Tumor markers for"))).to_be_visible()
        expect(page.locator("li.flag").first).to_be_visible()
        charts_drawn(page)
        page.screenshot(path=str(SCREENS / "dashboard.png"), full_page=True)

        go(page, "Readings", re.compile("^Readings"))
        page.get_by_label("Marker", exact=True).fill("CEA")
        page.get_by_label("Value", exact=True).fill("5.2")
        page.get_by_label("Marker 2", exact=True).fill("CA 15-3")
        page.get_by_label("Value 2", exact=True).fill("33")
        page.get_by_label("Date", exact=True).fill("2026-04-20")
        page.get_by_label("Lab", exact=True).fill("North Hospital")
        page.get_by_role("button", name="Add", exact=True).click()
        page.wait_for_load_state("load")
        row = page.locator("#readings tr", has_text="2026-04-20").filter(has_text="CEA")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("5.2 ng/mL")
        page.screenshot(path=str(SCREENS / "readings.png"), full_page=True)

        # On the chart: the new point's <title> inside the CEA chart document.
        go(page, "Dashboard", re.compile("Tumor markers for"))
        chart = page.locator('object[aria-label="Chart of CEA"]')
        expect(chart).to_be_visible()
        point = "CEA 5.2 ng/mL on 20 Apr 2026, North Hospital"
        page.wait_for_function(
            """([selector, text]) => {
                const doc = document.querySelector(selector).contentDocument;
                const titles = doc ? [...doc.querySelectorAll("title")] : [];
                return titles.some(t => t.textContent === text);
            }""",
            arg=['object[aria-label="Chart of CEA"]', point],
        )
        charts_drawn(page)
        page.screenshot(path=str(SCREENS / "dashboard-after-add.png"), full_page=True)

        # Delete it through the confirmation step, with the keyboard for the last step.
        go(page, "Readings", re.compile("^Readings"))
        row.get_by_role("link", name=re.compile("Delete")).click()
        expect(
            page.get_by_role("heading", name=re.compile(r"Delete reading #\d+\?"))
        ).to_be_visible()
        page.get_by_role("button", name=re.compile("Delete reading")).focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state("load")
        expect(
            page.locator("#readings tr", has_text="2026-04-20").filter(has_text="CEA")
        ).to_have_count(0)

        go(page, "Patients", "Patients")
        page.screenshot(path=str(SCREENS / "worklist.png"), full_page=True)

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.set_default_timeout(READY_SECONDS * 1000)
        phone.goto(url, wait_until="load")
        charts_drawn(phone)
        phone.screenshot(path=str(SCREENS / "phone-dashboard.png"), full_page=True)
        phone.goto(url.split("?")[0] + "readings", wait_until="load")
        phone.screenshot(path=str(SCREENS / "phone-readings.png"), full_page=True)
        browser.close()
        assert not [e for e in errors if "Content Security Policy" in e], errors
    code, stderr = stop(process)
    assert code == 0, stderr
    assert "token=" not in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_sigterm_ends_serve_with_exit_0_and_nothing_half_written(tmp_path: Path) -> None:
    import urllib.request

    db = tmp_path / "tracker.db"
    seed(db)
    before = run_tracker(["--db", str(db), "list", "--json"]).stdout
    process, url = start_serve(db)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(url) as response:  # the token → cookie → dashboard
        assert response.status == 200
    code, stderr = stop(process)
    assert code == 0, stderr
    assert "Traceback" not in stderr and "token=" not in stderr
    assert run_tracker(["--db", str(db), "list", "--json"]).stdout == before
    check = run_tracker(["--db", str(db), "check"])
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow
def test_serve_refuses_remote_without_allow_remote_and_bad_ports(tmp_path: Path) -> None:
    db = str(tmp_path / "tracker.db")
    refused = run_tracker(["--db", db, "serve", "--host", "0.0.0.0", "--no-browser"])
    assert refused.returncode == 2 and "--allow-remote" in refused.stderr
    bad = run_tracker(["--db", db, "serve", "--port", "http", "--no-browser"])
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "Error: --port must be a whole number from 0 to 65535; got 'http'"
    ]


@pytest.mark.slow
def test_allow_remote_warns(tmp_path: Path) -> None:
    process, _ = start_serve_remote(tmp_path / "tracker.db")
    code, stderr = stop(process)
    assert code == 0
    assert stderr.startswith("Warning: serving on 0.0.0.0")


def start_serve_remote(db: Path) -> tuple[subprocess.Popen[str], str]:
    process = spawn_serve(db, "--host", "0.0.0.0", "--allow-remote")
    line = first_line(process)
    assert re.fullmatch(r"Serving on http://0\.0\.0\.0:\d+/\?token=[\w-]+\n", line), line
    return process, line
