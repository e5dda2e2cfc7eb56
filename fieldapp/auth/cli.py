"""``flask --app fieldapp create-organisation`` and ``create-user``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from fieldapp.auth import services
from fieldapp.auth.roles import Role
from fieldapp.extensions import db
from fieldapp.i18n import LANGUAGES
from fieldapp.organisation.models import Organisation


@click.command("create-organisation")
@click.argument("name")
@click.option("--slug", required=True, help="Short unique name, e.g. ocmw-gent.")
@click.option("--language", type=click.Choice(list(LANGUAGES)), default="nl", show_default=True)
@with_appcontext
def create_organisation_command(name: str, slug: str, language: str) -> None:
    """Create an organisation (one OCMW/CPAS)."""
    try:
        organisation = services.create_organisation(name, slug, language)
    except services.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created organisation {organisation.name} ({organisation.slug}).")


@click.command("create-user")
@click.option("--organisation", "slug", required=True, help="The organisation's slug.")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.ADMIN.value,
    show_default=True,
)
@click.password_option(help="Prompted for when not given.")
@with_appcontext
def create_user_command(slug: str, email: str, name: str, role: str, password: str) -> None:
    """Create an active user with a password (the first administrator, typically)."""
    organisation = db.session.scalars(select(Organisation).where(Organisation.slug == slug)).first()
    if organisation is None:
        raise click.ClickException(f"no organisation with slug {slug!r}")
    try:
        user = services.create_user(
            organisation, email=email, name=name, role=Role(role), password=password
        )
    except services.AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} in {organisation.name}.")
