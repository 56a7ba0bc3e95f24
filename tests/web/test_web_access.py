"""Who gets in: the token, the cookie, the Host header, CSRF, and the security headers."""

from __future__ import annotations

from tests.web.conftest import Web, client_for


def test_token_in_the_address_becomes_an_httponly_strict_cookie(tracker) -> None:
    for client, access, _ in client_for(tracker.db):
        assert client.get("/").status_code == 403
        response = client.get(f"/readings?token={access.token}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/readings"  # the token leaves the address
        cookie = response.headers["set-cookie"]
        assert access.token in cookie
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert client.get("/readings").status_code == 200


def test_wrong_or_missing_token_is_403_on_every_page(tracker) -> None:
    for client, access, _ in client_for(tracker.db):
        for path in (
            "/",
            "/readings",
            "/events",
            "/patients",
            "/markers",
            "/api/trend",
            "/export.csv",
            "/export.fhir.json",
            "/report.pdf",
            "/static/style.css",
        ):
            assert client.get(path).status_code == 403, path
            assert client.get(f"{path}?token=wrong-{access.token}").status_code == 403, path
        client.cookies.set("tracker_token", "not-the-token")
        assert client.get("/").status_code == 403


def test_a_new_start_has_a_new_token(tracker) -> None:
    tokens = {access.token for _, access, _ in client_for(tracker.db)}
    tokens |= {access.token for _, access, _ in client_for(tracker.db)}
    assert len(tokens) == 2


def test_wrong_host_is_400_even_with_the_token(web: Web) -> None:
    response = web.get("/", headers={"host": "evil.example:8765"})
    assert response.status_code == 400
    response = web.get(f"/?token={web.access.token}", headers={"host": "127.0.0.1:9999"})
    assert response.status_code == 400
    assert web.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_security_headers_on_pages(web: Web) -> None:
    response = web.get("/markers")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    # No asset from outside the package.
    assert "http://" not in response.text and "https://" not in response.text


def test_post_without_or_with_wrong_csrf_is_403_and_stores_nothing(web: Web) -> None:
    fields = {"marker": "CEA", "value": "3.1", "drawn_on": "2026-01-05"}
    assert web.post("/readings", fields).status_code == 403
    assert web.post("/readings", {**fields, "csrf_token": "forged"}).status_code == 403
    assert web.post("/events", {"kind": "treatment", "name": "letrozole"}).status_code == 403
    assert web.cli.json("list") == []
    assert web.cli.json("event", "list") == []


def test_posts_need_the_token_too(tracker) -> None:
    for client, access, _ in client_for(tracker.db):
        response = client.post(
            "/readings",
            data={"csrf_token": access.csrf, "marker": "CEA", "value": "3.1"},
            follow_redirects=False,
        )
        assert response.status_code == 403
    assert tracker.json("list") == []
