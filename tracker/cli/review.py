"""``tracker review``: a clinic's worklist, one line per patient, most urgent first."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.due import OVERDUE_EXIT_CODE
from tracker.cli.output import print_json

ATTENTION_EXIT_CODE = OVERDUE_EXIT_CODE  # docs/design.md: 3, as for `due --exit-code`


@click.command("review")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document (for scripts).")
@click.option(
    "--exit-code",
    is_flag=True,
    help=f"Exit with {ATTENTION_EXIT_CODE} when anything needs attention (for scripts).",
)
@pass_app
def review_command(app: AppContext, as_json: bool, exit_code: bool) -> None:
    """Every patient's open flags and overdue tests.

    A clinic's worklist: one line per patient, most urgent first.
    A rise is listed while it is open: unconfirmed (a repeat test decides) or confirmed
    and still up; a rise to a value still within the usual range only once confirmed.
    Tests are overdue against the intervals set with `tracker due --every`. Without
    --patient every patient is listed.
    """
    from tracker import clock
    from tracker.services.review import review_patients
    from tracker.services.review_json import review_document

    today = clock.today()
    with app.database().reading() as session:
        only = app.patient(session, create=False) if app.patient_option else None
        review = review_patients(session, today=today, only=only)
    if as_json:
        print_json(review_document(review))
    else:
        from tracker.cli.review_text import review_lines

        for line in review_lines(review):
            click.echo(line)
    if exit_code and review.attention:
        raise click.exceptions.Exit(ATTENTION_EXIT_CODE)
