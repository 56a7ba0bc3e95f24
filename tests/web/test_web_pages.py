"""Every page and download of the web app, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from tests.helpers.databases import database_snapshot
from tests.web.conftest import Web, client_for


def seed(web: Web) -> None:
    web.cli.ok("add", "CEA", "3.1", "--date", "2026-01-05", "--lab", "City Lab")
    web.cli.ok("add", "CEA", "4.6", "--date", "2026-03-05", "--lab", "City Lab")
    web.cli.ok("add", "CA 15-3", "25", "--date", "2026-03-05", "--lab", "City Lab")
    web.cli.ok("event", "add", "treatment", "letrozole", "--date", "2025-12-01")


def test_empty_database_pages(web: Web) -> None:
    page = web.get("/")
    assert page.status_code == 200 and "No readings yet" in page.text
    assert web.get("/readings").status_code == 200
    assert web.get("/events").status_code == 200
    assert web.get("/api/trend").json() == {"patient": None, "series": [], "flags": []}


def test_dashboard_has_trends_words_flags_and_a_chart_per_marker(web: Web) -> None:
    seed(web)
    page = web.get("/")
    assert page.status_code == 200
    text = page.text
    assert "CA 15-3" in text and "CEA" in text
    # The flag headline, the lowest result and the closing advice are trend's own words.
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    said = " ".join(web.cli.ok("trend").stdout.split())
    for words in (
        "5 Mar 2026, rise: 3.1 -> 4.6 ng/mL (+48%) since the previous result on 5 Jan 2026 "
        "— still within the usual range; unconfirmed: ask whether a repeat test is needed",
        "Lowest since letrozole began on 1 Dec 2025: 3.1 ng/mL on 5 Jan 2026 (latest +48%)",
        "Benign conditions that can also raise CEA: cigarette smoking",
        "Discuss with your oncologist.",
    ):
        assert words in said, words
        assert words in shown, words
    keys = re.findall(r"/chart/([0-9a-f]+)\.svg", text)
    assert len(keys) == 2
    svg = web.get(f"/chart/{keys[0]}.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    titles = re.findall(r"<title>([^<]*)</title>", svg.text)
    assert any("4.6 ng/mL on 5 Mar 2026" in title for title in titles), titles


def test_a_reload_does_not_redraw_but_a_new_reading_does(web: Web) -> None:
    seed(web)
    charts = web.app.app.state.charts
    key = re.findall(r"/chart/([0-9a-f]+)\.svg", web.get("/").text)[0]
    web.get(f"/chart/{key}.svg")
    drawn = charts.draws
    again = re.findall(r"/chart/([0-9a-f]+)\.svg", web.get("/").text)[0]
    assert again == key
    web.get(f"/chart/{again}.svg")
    assert charts.draws == drawn
    web.cli.ok("add", "CEA", "5.0", "--date", "2026-04-05", "--lab", "City Lab")
    changed = re.findall(r"/chart/([0-9a-f]+)\.svg", web.get("/").text)
    assert key not in changed
    assert web.get("/chart/0.svg").status_code == 404


def test_api_trend_is_the_trend_json_document(web: Web) -> None:
    seed(web)
    assert web.get("/api/trend").json() == web.cli.json("trend")


def test_readings_form_comes_before_the_table_with_its_labels(web: Web) -> None:
    seed(web)
    text = web.get("/readings").text
    assert text.index('<form id="add-draw"') < text.index('<table id="readings"')
    for label in ("Marker", "Value", "Unit", "Date", "Lab", "Upper limit", "Note"):
        assert re.search(rf'<label for="[^"]+">{label}</label>', text), label
    assert '<button type="submit">Add</button>' in text
    for name in ("marker", "value", "unit", "drawn_on", "lab", "ref_high", "note", "csrf_token"):
        assert f'name="{name}"' in text


def test_add_a_draw_of_two_markers(web: Web) -> None:
    response = web.post(
        "/readings",
        web.form(
            marker=["CEA", "CA 15-3", ""],
            value=["3.1", "28", ""],
            unit=["", "U/mL", ""],
            drawn_on="2026-01-05",
            lab="City Lab",
            note="fasting",
        ),
    )
    assert response.status_code == 303 and response.headers["location"] == "/readings"
    rows = web.cli.json("list")
    assert [(r["marker"], r["value"], r["lab"], r["drawn_on"], r["note"]) for r in rows] == [
        ("CEA", 3.1, "City Lab", "2026-01-05", "fasting"),
        ("CA 15-3", 28.0, "City Lab", "2026-01-05", "fasting"),
    ]
    assert "3.1 ng/mL" in web.get("/readings").text


def test_a_bad_value_shows_the_cli_message_keeps_input_and_stores_nothing(web: Web) -> None:
    seed(web)
    before = database_snapshot(web.cli.db)
    cli_error = web.cli.fails("add", "CEA", "-1", "--date", "2026-04-01").stderr
    message = cli_error.strip().removeprefix("Error: ")
    response = web.post(
        "/readings",
        web.form(marker=["CEA", "CA 15-3"], value=["-1", "30"], drawn_on="2026-04-01", lab="Lab Q"),
    )
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")
    assert 'value="-1"' in response.text and 'value="Lab Q"' in response.text
    assert database_snapshot(web.cli.db) == before  # the CA 15-3 row was not stored either


def test_bad_date_and_unknown_marker_get_cli_messages(web: Web) -> None:
    for fields, cli_args in (
        ({"marker": "CEA", "value": "3", "drawn_on": "5th of May"}, ("--date", "5th of May")),
        ({"marker": "XYZ", "value": "3"}, ()),
    ):
        cli_args_full = ("add", fields["marker"], fields["value"], *cli_args)
        message = web.cli.fails(*cli_args_full).stderr.strip().removeprefix("Error: ")
        response = web.post("/readings", web.form(**fields))
        assert response.status_code == 400
        assert message in response.text.replace("&#39;", "'").replace("&#34;", '"')
    assert web.cli.json("list") == []


def test_edit_a_reading(web: Web) -> None:
    seed(web)
    first = web.cli.json("list")[0]["id"]
    page = web.get(f"/readings/{first}/edit")
    assert page.status_code == 200 and 'value="3.1"' in page.text
    form = web.form(
        value="3.3", unit="ng/mL", drawn_on="2026-01-06", lab="City Lab", ref_high="", note="redone"
    )
    assert web.post(f"/readings/{first}/edit", form).status_code == 303
    row = web.cli.json("list")[0]
    assert (row["value"], row["drawn_on"], row["note"]) == (3.3, "2026-01-06", "redone")
    bad = web.post(f"/readings/{first}/edit", web.form(value="abc", drawn_on="2026-01-06"))
    assert bad.status_code == 400 and 'value="abc"' in bad.text
    assert web.cli.json("list")[0]["value"] == 3.3
    assert web.post(f"/readings/{first}/edit", [("value", "9")]).status_code == 403
    assert web.get("/readings/99999/edit").status_code == 404


def test_delete_a_reading_through_the_confirmation(web: Web) -> None:
    seed(web)
    first = web.cli.json("list")[0]["id"]
    page = web.get(f"/readings/{first}/delete")
    assert page.status_code == 200 and "CEA 3.1 ng/mL" in page.text
    assert len(web.cli.json("list")) == 3  # asking deletes nothing
    assert web.post(f"/readings/{first}/delete", []).status_code == 403
    assert len(web.cli.json("list")) == 3
    response = web.post(f"/readings/{first}/delete", web.form())
    assert response.status_code == 303
    assert [r["id"] for r in web.cli.json("list")] != [] and first not in [
        r["id"] for r in web.cli.json("list")
    ]


def test_events_add_bad_value_and_delete(web: Web) -> None:
    response = web.post(
        "/events",
        web.form(kind="treatment", name="letrozole", drawn_on="2026-01-10", ended_on="", note=""),
    )
    assert response.status_code == 303
    events = web.cli.json("event", "list")
    assert [(e["kind"], e["name"]) for e in events] == [("treatment", "letrozole")]
    assert "letrozole" in web.get("/events").text
    bad = web.post(
        "/events",
        web.form(kind="treatment", name="tamoxifen", drawn_on="2026-02-10", ended_on="2026-01-01"),
    )
    assert bad.status_code == 400 and "is before the start date" in bad.text
    assert 'value="tamoxifen"' in bad.text
    assert len(web.cli.json("event", "list")) == 1
    event_id = events[0]["id"]
    assert "letrozole" in web.get(f"/events/{event_id}/delete").text
    assert web.post(f"/events/{event_id}/delete", web.form()).status_code == 303
    assert web.cli.json("event", "list") == []


def test_patients_worklist_and_selection(web: Web) -> None:
    web.cli.ok("patient", "add", "Ann")
    web.cli.ok("patient", "add", "Bea")
    web.cli.ok("add", "CEA", "3.1", "--date", "2026-01-05", patient="Ann")
    web.cli.ok("add", "CEA", "6.5", "--date", "2026-03-05", patient="Ann")
    web.cli.ok("add", "CEA", "2.0", "--date", "2026-03-05", patient="Bea")
    page = web.get("/patients")
    assert page.status_code == 200
    shown = " ".join(html.unescape(page.text).split())
    assert shown.index("Ann") < shown.index("Bea")  # the flagged patient first
    review = web.cli.json("review")  # the page is `tracker review`'s list
    headlines = [flag["headline"] for p in review["patients"] for flag in p["flags"]]
    assert headlines and all(headline in shown for headline in headlines)
    choose = web.get("/")
    assert choose.status_code == 200 and "Whose results?" in choose.text
    assert "6.5 ng/mL" in web.get("/?patient=Ann").text
    assert web.get("/api/trend?patient=Bea").json() == web.cli.json("trend", patient="Bea")
    response = web.post(
        "/readings?patient=Bea", web.form(marker="CEA", value="2.2", drawn_on="2026-04-01")
    )
    assert response.headers["location"] == "/readings?patient=Bea"
    assert len(web.cli.json("list", patient="Bea")) == 2
    assert web.get("/?patient=Nobody").status_code == 404


def test_markers_page(web: Web) -> None:
    text = web.get("/markers").text
    for name in ("CEA", "CA 15-3", "CA 27.29", "CA 125", "LOINC", "Imaginis"):
        assert name in text


def test_downloads(web: Web, tmp_path: Path) -> None:
    seed(web)
    csv_response = web.get("/export.csv")
    assert (
        csv_response.status_code == 200
        and "attachment" in csv_response.headers["content-disposition"]
    )
    cli_csv = tmp_path / "cli.csv"
    web.cli.ok("export", "--out", str(cli_csv))
    assert csv_response.content == cli_csv.read_bytes()
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert len(rows) >= 3
    fhir = web.get("/export.fhir.json")
    assert fhir.status_code == 200 and json.loads(fhir.text)["resourceType"] == "Bundle"
    pdf = web.get("/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_export_csv_round_trips_through_import(web: Web, tmp_path: Path, db_url: str) -> None:
    seed(web)
    exported = tmp_path / "web.csv"
    exported.write_text(web.get("/export.csv").text)
    other_db = str(tmp_path / "other.db")
    from tests.helpers.cli_runs import Tracker as Cli

    other = Cli(other_db, web.cli.env)
    other.ok("import", str(exported))
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(other.json("list")) == strip(web.cli.json("list"))


def test_database_error_is_one_friendly_503_page(sqlite_path: Path) -> None:
    from starlette.testclient import TestClient

    from tests.web.conftest import BASE
    from tracker.library import Tracker
    from tracker.web.access import Access
    from tracker.web.app import create_app

    library = Tracker.open(sqlite_path)
    library.add_reading("CEA", "3.1", drawn_on="2026-01-05")
    access = Access("127.0.0.1", 8765)
    with TestClient(create_app(library.database, access), base_url=BASE) as client:
        client.get(f"/?token={access.token}")
        assert client.get("/").status_code == 200
        # The file the server reads is gone and a folder took its name.
        library.database.dispose()
        sqlite_path.unlink()
        sqlite_path.mkdir()
        for path in ("/", "/readings", "/api/trend", "/export.csv"):
            response = client.get(path)
            assert response.status_code in (500, 503), path
            assert "Traceback" not in response.text and 'File "' not in response.text
        posted = client.post(
            "/readings",
            data={"csrf_token": access.csrf, "marker": "CEA", "value": "3.2"},
            follow_redirects=False,
        )
        assert posted.status_code in (500, 503)
        assert "Nothing" in posted.text


def test_edit_an_event(web: Web) -> None:
    web.cli.ok("event", "add", "treatment", "letrozole", "--date", "2026-01-10")
    event_id = web.cli.json("event", "list")[0]["id"]
    page = web.get(f"/events/{event_id}/edit")
    assert page.status_code == 200 and 'value="letrozole"' in page.text
    form = web.form(
        kind="treatment", name="letrozole", drawn_on="2026-01-12", ended_on="2026-06-01", note=""
    )
    assert web.post(f"/events/{event_id}/edit", form).status_code == 303
    [event] = web.cli.json("event", "list")
    assert (event["started_on"], event["ended_on"]) == ("2026-01-12", "2026-06-01")
    bad = web.form(kind="treatment", name="letrozole", drawn_on="2026-01-12", ended_on="2025-01-01")
    response = web.post(f"/events/{event['id']}/edit", bad)
    assert response.status_code == 400 and "is before the start date" in response.text
    assert web.cli.json("event", "list") == [event]  # the failed edit changed nothing
    assert web.post(f"/events/{event['id']}/edit", [("name", "x")]).status_code == 403


def test_the_token_redirect_keeps_a_non_ascii_path(tracker) -> None:
    for client, access, _ in client_for(tracker.db):
        response = client.get(
            f"/readings?patient=Zo%C3%AB&token={access.token}", follow_redirects=False
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/readings?patient=Zo%C3%AB"
        response = client.get(f"/caf%C3%A9?token={access.token}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/caf%C3%A9"
