from __future__ import annotations

import click
from flask.cli import with_appcontext

from fieldapp.mail import delivery


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the queued e-mail that is due now (the scheduler does this every minute)."""
    report = delivery.send_due()
    click.echo(
        f"{report.sent} sent, {report.retried} to retry, {report.failed} failed"
        + (f", {report.handed_back} left for the next pass" if report.handed_back else "")
    )
