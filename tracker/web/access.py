"""Who may talk to the web app: the start token, the served Host, CSRF, security headers.

docs/design.md ("Web app"): a fresh random token per start (query → an HttpOnly,
SameSite=Strict cookie), ``Host`` must be the served address (DNS rebinding), every
POST carries a CSRF token, and every answer says ``default-src 'self'``.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "tracker_token"
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
# A chart is a separate SVG document shown in an <object> of the page: it may be framed
# by this origin, and its (script-free) inline styles are matplotlib's.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address only this machine can reach."""
    return host in LOOPBACK_NAMES or host.startswith("127.")


@dataclass(frozen=True)
class Access:
    """The secrets of one run of ``tracker serve`` and the addresses it answers to."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    @property
    def url_host(self) -> str:
        return f"[{self.host}]" if ":" in self.host and not self.host.startswith("[") else self.host

    def allowed_hosts(self) -> set[str]:
        names = {self.url_host}
        if is_loopback(self.host):
            names |= {"localhost", "127.0.0.1"}
        return {f"{name}:{self.port}" for name in names}

    def start_url(self) -> str:
        return f"http://{self.url_host}:{self.port}/?token={self.token}"

    def token_ok(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate, self.token)

    def csrf_ok(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate, self.csrf)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookie_token(headers: dict[str, str]) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is the same as none
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


class AccessMiddleware:
    """Checks Host and token before any route runs; adds the security headers to answers."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if headers.get("host", "") not in self.access.allowed_hosts():
            await _plain(send, 400, "Bad request: this address is not the one the tracker serves.")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if self.access.token_ok(query.get("token")):
            # Trade the token in the address for the cookie, and drop it from the address
            # so it stays out of the history and of any link copied from the page.
            query.pop("token")
            rest = urlencode(query)
            location = quote(scope["path"]) + (f"?{rest}" if rest else "")
            cookie = f"{COOKIE}={self.access.token}; HttpOnly; SameSite=Strict; Path=/"
            await _redirect(send, location, cookie)
            return
        if not self.access.token_ok(_cookie_token(headers)):
            await _plain(
                send,
                403,
                "Forbidden: open the address `tracker serve` printed (it carries the token).",
            )
            return
        chart = scope["path"].startswith("/chart/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy", (CHART_CSP if chart else CSP).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                ]
                if not chart:
                    extra.append((b"x-frame-options", b"DENY"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"content-security-policy", CSP.encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str, cookie: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
                (b"cache-control", b"no-store"),
                (b"referrer-policy", b"no-referrer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
