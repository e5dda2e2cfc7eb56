"""What the mail tests share: a local mail server the app sends to, and the queue's rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from fieldapp.mail.models import OutgoingMail
from tests.smtp_stub import SMTPStub


@pytest.fixture
def smtp(app: Flask) -> Iterator[SMTPStub]:
    """The app's mail goes to a stub server on 127.0.0.1 (accepting until told otherwise)."""
    with SMTPStub() as stub:
        app.config.update(stub.config())
        yield stub


def rows(db: Any, **where: object) -> list[OutgoingMail]:
    """The queue's rows, oldest first, read afresh; ``where`` narrows by column values."""
    db.session.expire_all()
    statement = select(OutgoingMail).filter_by(**where).order_by(OutgoingMail.id)
    return list(db.session.scalars(statement))
