from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from fieldapp.reminders import vapid


@click.command("vapid-keys")
@click.option("--replace", is_flag=True, help="Make a new pair: every device must allow again.")
@with_appcontext
def vapid_keys_command(replace: bool) -> None:
    """Make the Web Push key pair once and keep it in the instance folder; print the public key."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    made = vapid.create(app, replace=replace)
    click.echo(
        f"{'Made' if made else 'Kept'} the VAPID key pair; public key: "
        f"{vapid.application_server_key(app)}"
    )
