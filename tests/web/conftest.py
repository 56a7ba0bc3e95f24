"""The web app under Starlette's TestClient, over a real database of each backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from tests.helpers.cli_runs import Tracker as Cli
from tracker.library import Tracker
from tracker.web.access import Access
from tracker.web.app import create_app

BASE = "http://127.0.0.1:8765"


@dataclass
class Web:
    client: TestClient
    access: Access
    cli: Cli
    app: Any

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | list[tuple[str, str]], **kwargs: Any) -> Any:
        pairs = list(data.items()) if isinstance(data, dict) else data
        return self.client.post(
            path,
            content=urlencode(pairs),
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
            **kwargs,
        )

    def form(self, **fields: Any) -> list[tuple[str, str]]:
        """Form fields with this run's CSRF token; list values repeat the field."""
        pairs = [("csrf_token", self.access.csrf)]
        for key, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                pairs.append((key, item))
        return pairs


def client_for(db: str, access: Access | None = None, patient: str | None = None) -> Iterator[Any]:
    library = Tracker.open(db)
    access = access or Access("127.0.0.1", 8765)
    app = create_app(library.database, access, patient=patient)
    with TestClient(app, base_url=BASE) as client:
        yield client, access, app
    library.close()


@pytest.fixture
def web(tracker: Cli) -> Iterator[Web]:
    """A signed-in client (the token traded for its cookie) and the CLI on the same database."""
    for client, access, app in client_for(tracker.db):
        response = client.get(f"/?token={access.token}", follow_redirects=False)
        assert response.status_code == 303
        yield Web(client, access, tracker, app)
