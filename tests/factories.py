"""Factories for tests: each returns a committed record with sensible defaults."""

from __future__ import annotations

import itertools
from typing import Any

from fieldapp.auth import services
from fieldapp.auth.models import Organisation, User
from fieldapp.auth.roles import Role

DEFAULT_PASSWORD = "a sentence nobody guesses"
_sequence = itertools.count(1)


class Factories:
    def __init__(self, db: Any) -> None:
        self._db = db

    def organisation(self, name: str | None = None, slug: str | None = None) -> Organisation:
        n = next(_sequence)
        organisation = services.create_organisation(
            name or f"OCMW Test {n}", slug or f"ocmw-test-{n}"
        )
        self._db.session.commit()
        return organisation

    def user(
        self,
        organisation: Organisation | None = None,
        *,
        role: Role = Role.COUNSELLOR,
        email: str | None = None,
        name: str | None = None,
        password: str = DEFAULT_PASSWORD,
    ) -> User:
        organisation = organisation or self.organisation()
        n = next(_sequence)
        user = services.create_user(
            organisation,
            email=email or f"person{n}@example.org",
            name=name or f"Person {n}",
            role=role,
            password=password,
        )
        self._db.session.commit()
        return user
