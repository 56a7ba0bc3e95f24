"""Where the database is: ``--db`` > ``TRACKER_DB_URL`` > the user data directory.

Kept free of SQLAlchemy imports so ``tracker --help`` stays fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

APP_NAME = "tumor-marker-tracker"
DB_URL_ENV = "TRACKER_DB_URL"
PATIENT_ENV = "TRACKER_PATIENT"
DEFAULT_DB_NAME = "tracker.db"
DEMO_DB_NAME = "demo.db"

_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")
# user:password@host — the password runs to the last "@" (an unescaped "@" can be in it).
_URL_PASSWORD = re.compile(
    r"^(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@]*:)(?P<pw>.*)(?P<tail>@[^@]*)$", re.DOTALL
)
# ...?password=secret: libpq and SQLAlchemy also take the password as a query option.
_QUERY_PASSWORD = re.compile(
    r"(?P<head>[?&](?:password|passwd|pwd|sslpassword)=)(?P<pw>[^&#]*)", re.IGNORECASE
)


@dataclass(frozen=True)
class DatabaseLocation:
    """A database the user chose (or the default), as an SQLAlchemy URL."""

    url: str
    # The SQLite file, when the database is one (None for server databases and :memory:).
    sqlite_path: Path | None
    # True when the tracker chose the location itself (the user data dir): its folder is
    # created 0700 and the file 0600.
    is_default: bool

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def display(self) -> str:
        """The location with any password hidden, for messages."""
        return hide_password(self.url) if self.sqlite_path is None else str(self.sqlite_path)


def user_data_dir() -> Path:
    """The per-user data folder (platformdirs), e.g. ~/.local/share/tumor-marker-tracker."""
    from platformdirs import user_data_dir as _user_data_dir

    return Path(_user_data_dir(APP_NAME, appauthor=False))


def hide_password(url: str) -> str:
    """``postgresql://ann:secret@host/db`` -> ``postgresql://ann:***@host/db``.

    A password given as a query option (``?password=secret``) is hidden the same way.
    """
    hidden = _URL_PASSWORD.sub(r"\g<head>***\g<tail>", url)
    return _QUERY_PASSWORD.sub(r"\g<head>***", hidden)


def url_passwords(url: str) -> list[str]:
    """The passwords written in a URL, if any (to scrub them from driver messages)."""
    found = []
    match = _URL_PASSWORD.match(url)
    if match and match.group("pw"):
        found.append(match.group("pw"))
    found.extend(m.group("pw") for m in _QUERY_PASSWORD.finditer(url) if m.group("pw"))
    return found


def location_from(
    value: str | None, *, default_name: str = DEFAULT_DB_NAME, use_env: bool = True
) -> DatabaseLocation:
    """Turn ``--db`` (or ``TRACKER_DB_URL``, or nothing) into a database location."""
    chosen = value or (os.environ.get(DB_URL_ENV) if use_env else None) or None
    if chosen is None:
        path = user_data_dir() / default_name
        return DatabaseLocation(_sqlite_url(path), path, is_default=True)
    if _URL_SCHEME.match(chosen):
        if is_in_memory(chosen):
            from tracker.errors import DatabaseError

            raise DatabaseError(
                f"{hide_password(chosen)} is an in-memory database: what a command stores "
                "there is gone when it ends; give a file path or a PostgreSQL URL"
            )
        sqlite_path = _sqlite_file_of(chosen)
        return DatabaseLocation(chosen, sqlite_path, is_default=False)
    path = Path(chosen).expanduser().absolute()
    return DatabaseLocation(_sqlite_url(path), path, is_default=False)


def _sqlite_url(path: Path) -> str:
    # SQLAlchemy reads "?" as the start of options and decodes %xx in the file name, so
    # a path like "my?.db" or "a%20b.db" must be percent-quoted to open that very file.
    return f"sqlite:///{quote(str(path), safe='/')}"


def is_in_memory(url: str) -> bool:
    """``sqlite://``, ``sqlite:///:memory:`` and ``file:`` URIs naming memory keep nothing."""
    if not url.startswith("sqlite"):
        return False
    rest = url.split("://", 1)[1]
    if rest in ("", "/") or rest.startswith("/:memory:"):
        return True
    if rest.startswith("/file:"):
        name, _, query = rest[len("/file:") :].partition("?")
        options = {part.lower() for part in query.split("&")}
        return name in ("", ":memory:") or "mode=memory" in options
    return False


def _sqlite_file_of(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    if rest.startswith("/file:"):
        # sqlite:///file:PATH?…&uri=true: the file SQLite opens, so that the tracker
        # creates it private (0600) first, as it does for a plain path.
        name = rest[len("/file:") :].split("?", 1)[0]
        if name.startswith("//"):  # file://localhost/abs or file:///abs
            name = name[2:]
            name = name[name.index("/") :] if "/" in name else ""
        return Path(unquote(name)).absolute() if name else None
    if rest in ("", "/", "/:memory:") or rest.startswith("/:memory:"):
        return None
    # sqlite:///relative.db and sqlite:////absolute.db; query strings are options.
    return Path(unquote(rest[1:].split("?", 1)[0])).absolute()
