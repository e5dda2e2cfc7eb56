"""``flask --app fieldapp anonymise-expired``: the retention sweep."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fieldapp.common.dates import today
from fieldapp.extensions import db
from fieldapp.privacy.services import anonymise_expired


@click.command("anonymise-expired")
@with_appcontext
def anonymise_expired_command() -> None:
    """Anonymise client files whose trajectories ended longer ago than the retention period."""
    count = anonymise_expired(today())
    db.session.commit()
    click.echo(f"Anonymised {count} client file(s).")
