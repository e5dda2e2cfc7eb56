"""Demo data for a newcomer: ``flask --app fieldapp demo-data``."""

from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from fieldapp.auth import services
from fieldapp.auth.models import Organisation
from fieldapp.auth.roles import Role
from fieldapp.extensions import db

DEMO_SLUG = "ocmw-demostad"
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read off a terminal
DEMO_PEOPLE = (
    ("beheer@demostad.example", "Ahmed Beheerder", Role.ADMIN),
    ("teamlead@demostad.example", "Els Teamleider", Role.TEAM_LEAD),
    ("an@demostad.example", "An Trajectbegeleider", Role.COUNSELLOR),
    ("youssef@demostad.example", "Youssef Jobcoach", Role.COUNSELLOR),
)


def load_demo_data() -> list[tuple[str, str, Role]]:
    """Create the demo organisation and its people; returns their logins (email, password, role)."""
    organisation = services.create_organisation("OCMW Demostad", DEMO_SLUG)
    logins = []
    for email, name, role in DEMO_PEOPLE:
        password = "-".join("".join(secrets.choice(READABLE) for _ in range(5)) for _ in range(4))
        services.create_user(organisation, email=email, name=name, role=role, password=password)
        logins.append((email, password, role))
    return logins


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing when any organisation exists already.")
@with_appcontext
def demo_data_command(if_empty: bool) -> None:
    """Create a demo organisation with an administrator, a team lead and two counsellors."""
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        if if_empty:
            return
        if db.session.scalar(select(func.count()).where(Organisation.slug == DEMO_SLUG)):
            raise click.ClickException("the demo organisation exists already")
    logins = load_demo_data()
    db.session.commit()
    click.echo(
        "\nDemo organisation 'OCMW Demostad' created. These passwords are shown only once:\n"
    )
    for email, password, role in logins:
        click.echo(f"  {role.label:<18} {email:<28} {password}")
    click.echo(
        "\nLost them? Use 'Forgot your password?' on the sign-in page; in development the"
        " e-mail appears at http://127.0.0.1:5000/dev/outbox.\n"
    )
