"""The Starlette application: routes, forms and downloads over the services.

Routes are ``async`` only to read forms; every database call runs in Starlette's thread
pool (``run_in_threadpool``). A TrackerError on a form re-shows the form with the
command line's message; any other failure is one calm page, never a traceback.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from tracker import clock
from tracker.catalogue.event_kinds import EVENT_KINDS
from tracker.catalogue.markers import MARKERS
from tracker.errors import AmbiguousPatientError, DatabaseError, NotFoundError, TrackerError
from tracker.store.database import Database
from tracker.web import entries, pages
from tracker.web.access import Access, AccessMiddleware
from tracker.web.charts import ChartCache

HERE = Path(__file__).parent
EXTRA_ROWS = 2  # extra marker rows on the add-a-draw form, for several markers of one draw
log = logging.getLogger("tracker.web")

Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(database: Database, access: Access, *, patient: str | None = None) -> Starlette:
    """The web app over ``database``; ``patient`` is the default (``--patient``)."""
    templates = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.globals["marker_name"] = lambda code: MARKERS[code].name if code in MARKERS else code
    charts = ChartCache()

    def chosen(request: Request) -> str | None:
        return request.query_params.get("patient") or patient

    def link(path: str, request: Request) -> str:
        name = request.query_params.get("patient")
        return path + ("?" + urlencode({"patient": name}) if name else "")

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = templates.get_template(template).render(
            csrf=access.csrf,
            here=request.url.path,
            link=lambda path: link(path, request),
            patient=context.pop("patient", None) or chosen(request),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def guarded(endpoint: Endpoint) -> Endpoint:
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except AmbiguousPatientError:
                names = await run_in_threadpool(pages.names, database)
                return page(request, "choose.html", names=names)
            except NotFoundError as error:
                return page(request, "error.html", 404, message=error.message)
            except DatabaseError:
                return page(
                    request,
                    "error.html",
                    503,
                    message="The database cannot be reached just now. Nothing was changed; "
                    "try again in a moment.",
                )
            except TrackerError as error:
                return page(request, "error.html", 400, message=error.message)
            except Exception:
                log.error("the web app failed on a request", exc_info=False)
                return page(
                    request,
                    "error.html",
                    500,
                    message="Something went wrong on the tracker's side. Nothing more was changed.",
                )

        return run

    async def form_of(request: Request) -> dict[str, Any] | None:
        """The posted form, or None when its CSRF token is missing or wrong."""
        form = await request.form()
        token = form.get("csrf_token")
        if not access.csrf_ok(token if isinstance(token, str) else None):
            return None
        return {key: form.getlist(key) for key in form}

    async def fields_of(request: Request) -> dict[str, Any] | None:
        """The posted form's single-valued fields (each one's first value), or None as
        for ``form_of``."""
        posted = await form_of(request)
        return None if posted is None else _first_values(posted)

    def forbidden() -> Response:
        return Response(
            "Forbidden: the form was not sent by this page (CSRF token missing or wrong). "
            "Nothing was stored.",
            status_code=403,
            media_type="text/plain",
        )

    def back(request: Request, path: str) -> Response:
        return RedirectResponse(link(path, request), status_code=303)

    async def dashboard(request: Request) -> Response:
        data = await run_in_threadpool(pages.dashboard, database, chosen(request))
        if data.report is not None:
            for block in data.blocks:
                charts.offer(block.chart_key, data.report, block.marker.code)
        return page(
            request,
            "dashboard.html",
            dashboard=data,
            evidence=pages.EVIDENCE,
            patient=data.patient,
        )

    async def chart(request: Request) -> Response:
        svg: str | None = await run_in_threadpool(charts.svg, request.path_params["key"])
        if svg is None:
            return Response("This chart is out of date: reload the page.", 404)
        return Response(svg, media_type="image/svg+xml")

    def readings_page(
        request: Request, status: int = 200, **context: Any
    ) -> Callable[[pages.Listing], HTMLResponse]:
        def show(listing: pages.Listing) -> HTMLResponse:
            form = context.pop("form", None) or {}
            return page(
                request,
                "readings.html",
                status,
                listing=listing,
                markers=list(MARKERS.values()),
                form=form,
                rows=_rows(form),
                **context,
            )

        return show

    async def readings(request: Request) -> Response:
        name = chosen(request)
        if request.method == "POST":
            form = await form_of(request)
            if form is None:
                return forbidden()
            single = _first_values(form)
            draw = entries.DrawForm(
                rows=_rows(form),
                drawn_on=single.get("drawn_on", ""),
                lab=single.get("lab", ""),
                ref_high=single.get("ref_high", ""),
                note=single.get("note", ""),
            )
            try:
                await run_in_threadpool(entries.add_draw, database, name, draw, clock.today())
            except (DatabaseError, AmbiguousPatientError):
                raise
            except TrackerError as error:
                listing = await run_in_threadpool(pages.listing, database, name)
                return readings_page(request, 400, form=form, error=error.message)(listing)
            return back(request, "/readings")
        listing = await run_in_threadpool(pages.listing, database, name)
        return readings_page(request)(listing)

    def edit_route(
        template: str,
        id_name: str,
        load: Callable[[Database, str | None, int], dict[str, Any]],
        save: Callable[[Database, str | None, int, dict[str, str]], None],
        done: str,
        **extra: Any,
    ) -> Endpoint:
        """Correct one stored item: its form filled from the database; a bad value
        re-shows the form with what was typed and the CLI's message."""

        async def edit(request: Request) -> Response:
            name, item_id = chosen(request), int(request.path_params["id"])
            shown = {id_name: item_id, **extra}
            if request.method == "POST":
                form = await fields_of(request)
                if form is None:
                    return forbidden()
                try:
                    await run_in_threadpool(save, database, name, item_id, form)
                except (DatabaseError, AmbiguousPatientError, NotFoundError):
                    raise
                except TrackerError as error:
                    return page(request, template, 400, form=form, error=error.message, **shown)
                return back(request, done)
            values = await run_in_threadpool(load, database, name, item_id)
            return page(request, template, form=values, **shown)

        return edit

    def confirm_route(
        what: str,
        describe: Callable[[Database, str | None, int], str],
        remove: Callable[[Database, str | None, int], None],
        done: str,
    ) -> Endpoint:
        async def confirm(request: Request) -> Response:
            name, item_id = chosen(request), int(request.path_params["id"])
            if request.method == "POST":
                if await form_of(request) is None:
                    return forbidden()
                await run_in_threadpool(remove, database, name, item_id)
                return back(request, done)
            text = await run_in_threadpool(describe, database, name, item_id)
            return page(request, "confirm.html", what=what, text=text, item_id=item_id, done=done)

        return confirm

    async def events(request: Request) -> Response:
        name = chosen(request)
        status, error, form = 200, None, {}
        if request.method == "POST":
            posted = await fields_of(request)
            if posted is None:
                return forbidden()
            form = posted
            try:
                await run_in_threadpool(entries.store_event, database, name, form, clock.today())
                return back(request, "/events")
            except (DatabaseError, AmbiguousPatientError):
                raise
            except TrackerError as failure:
                status, error = 400, failure.message
        listing = await run_in_threadpool(pages.listing, database, name)
        return page(
            request,
            "events.html",
            status,
            listing=listing,
            kinds=EVENT_KINDS,
            form=form,
            error=error,
        )

    async def patients(request: Request) -> Response:
        rows = await run_in_threadpool(pages.worklist, database, clock.today())
        return page(request, "patients.html", rows=rows)

    async def markers(request: Request) -> Response:
        entries_, caveats, source, context = pages.catalogue()
        return page(
            request,
            "markers.html",
            entries=entries_,
            caveats=caveats,
            source=source,
            context=context,
        )

    async def api_trend(request: Request) -> Response:
        document = await run_in_threadpool(pages.trend_json, database, chosen(request))
        return JSONResponse(document)

    async def report_pdf(request: Request) -> Response:
        payload = await run_in_threadpool(_report_pdf, database, chosen(request))
        return Response(
            payload,
            media_type="application/pdf",
            headers={"content-disposition": 'attachment; filename="tumor-markers.pdf"'},
        )

    def export_route(kind: str, media_type: str, filename: str) -> Endpoint:
        async def export(request: Request) -> Response:
            text = await run_in_threadpool(_export, database, chosen(request), kind)
            return Response(
                text,
                media_type=media_type,
                headers={"content-disposition": f'attachment; filename="{filename}"'},
            )

        return export

    routes = [
        Route("/", guarded(dashboard)),
        Route("/chart/{key:str}.svg", guarded(chart)),
        Route("/readings", guarded(readings), methods=["GET", "POST"]),
        Route(
            "/readings/{id:int}/edit",
            guarded(
                edit_route(
                    "edit.html",
                    "reading_id",
                    entries.reading_values,
                    entries.save_reading,
                    "/readings",
                )
            ),
            methods=["GET", "POST"],
        ),
        Route(
            "/readings/{id:int}/delete",
            guarded(
                confirm_route("reading", entries.reading_text, entries.remove_reading, "/readings")
            ),
            methods=["GET", "POST"],
        ),
        Route("/events", guarded(events), methods=["GET", "POST"]),
        Route(
            "/events/{id:int}/edit",
            guarded(
                edit_route(
                    "event_edit.html",
                    "event_id",
                    entries.event_values,
                    entries.replace_event,
                    "/events",
                    kinds=EVENT_KINDS,
                )
            ),
            methods=["GET", "POST"],
        ),
        Route(
            "/events/{id:int}/delete",
            guarded(confirm_route("event", entries.event_text, entries.remove_event, "/events")),
            methods=["GET", "POST"],
        ),
        Route("/patients", guarded(patients)),
        Route("/markers", guarded(markers)),
        Route("/api/trend", guarded(api_trend)),
        Route("/report.pdf", guarded(report_pdf)),
        Route("/export.csv", guarded(export_route("csv", "text/csv", "tumor-markers.csv"))),
        Route(
            "/export.fhir.json",
            guarded(export_route("fhir", "application/fhir+json", "tumor-markers.fhir.json")),
        ),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.charts = charts
    return AccessMiddleware(app, access)  # type: ignore[return-value]


def _first_values(posted: dict[str, list[Any]]) -> dict[str, Any]:
    """Each posted field's first value (the single-valued fields of a form)."""
    return {key: values[0] for key, values in posted.items() if values}


def _rows(form: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The (marker, value, unit) rows of a posted draw, padded to the form's row count."""
    markers = list(form.get("marker", []))
    values = list(form.get("value", []))
    units = list(form.get("unit", []))
    count = max(len(markers), len(values), len(units), 1 + EXTRA_ROWS)

    def at(items: list[str], index: int) -> str:
        return items[index] if index < len(items) else ""

    return [(at(markers, i), at(values, i), at(units, i)) for i in range(count)]


def _report_pdf(database: Database, patient: str | None) -> bytes:
    from tracker.reports import render_report
    from tracker.services.patient_report import load_report
    from tracker.services.report_input import ReportRequest

    data = load_report(database, patient, ReportRequest(Path("report.pdf")))
    payload: bytes = render_report(data, "pdf")
    return payload


def _export(database: Database, patient: str | None, kind: str) -> str:
    from tracker.services.exporting.file import export_stream

    out = io.StringIO()
    export_stream(database, out, kind, patient=patient, all_patients=False)
    return out.getvalue()
