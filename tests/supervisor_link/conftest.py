"""A placement with a floor supervisor (who has an e-mail address), and its link made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from fieldapp.supervisor_link import services


@dataclass
class Placement:
    world: Any
    token: str

    @property
    def url(self) -> str:
        return f"/s/{self.token}"


def make_link(app: Flask, db: Any, world: Any) -> str:
    with app.test_request_context():
        raw = services.renew(world.counsellor, world.trajectory)
    db.session.commit()
    return raw


@pytest.fixture
def placement(app, make, db) -> Placement:
    world = make.world()
    world.contact.email = "sofie@werkplek.example"
    db.session.commit()
    return Placement(world, make_link(app, db, world))
