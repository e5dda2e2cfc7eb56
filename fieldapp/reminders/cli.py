from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from fieldapp.reminders import scheduler, vapid


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


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the one scheduler process: sends due reminders, plans every file again at night."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per half minute
    click.echo("fieldapp scheduler running; stop with Ctrl-C")
    scheduler.run(current_app._get_current_object())  # type: ignore[attr-defined]
