"""The helper that runs a service, commits, or answers the rule's message (common/views.py)."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from wtforms import StringField

from fieldapp.common.rules import RuleBroken
from fieldapp.common.views import acted, answered, committed, flashed, made, saved
from fieldapp.visits.notes import DifferentContent


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


@pytest.fixture
def user(make, db):
    person = make.user()
    db.session.commit()
    return person


def renamed(user, name: str, refusal: RuleBroken | None = None):
    """A service call: renames, then refuses when told to (after changing, as services do)."""

    def change():
        user.name = name
        if refusal is not None:
            raise refusal
        return user

    return change


def stored_name(db, user) -> str:
    db.session.expire_all()
    return user.name


def refusal_of(call) -> HTTPException:
    with pytest.raises(HTTPException) as raised:
        call()
    return raised.value


def test_a_change_is_committed_and_what_it_made_comes_back(app, db, user):
    with app.test_request_context(method="POST"):
        assert made(NameForm(), renamed(user, "Anna")) is user
        assert saved(NameForm(), renamed(user, "Bert")) is True
        assert committed(renamed(user, "Cleo")) is user
    assert stored_name(db, user) == "Cleo"


@pytest.mark.parametrize(
    ("refusal", "default_field", "on_name", "on_form"),
    [
        (RuleBroken("Not this name.", field="name"), None, ["Not this name."], []),
        (RuleBroken("Not this name."), "name", ["Not this name."], []),
        (RuleBroken("Not now."), None, [], ["Not now."]),
    ],
)
def test_a_refused_form_change_is_rolled_back_with_the_message_on_the_form(
    app, db, user, refusal, default_field, on_name, on_form
):
    before = user.name
    with app.test_request_context(method="POST"):
        form = NameForm()
        assert made(form, renamed(user, "Anna", refusal), field=default_field) is None
        assert list(form.name.errors) == on_name
        assert form.form_errors == on_form
        assert saved(NameForm(), renamed(user, "Anna", refusal), field=default_field) is False
    assert stored_name(db, user) == before


def test_a_refused_button_answers_409_with_the_message(app, db, user):
    before = user.name
    with app.test_request_context(method="POST"):
        refused = refusal_of(lambda: acted(renamed(user, "Anna", RuleBroken("Closed already."))))
    assert refused.code == 409
    assert refused.description == "Closed already."
    assert stored_name(db, user) == before


def test_a_button_without_a_posted_form_is_400_and_changes_nothing(app, db, user):
    before = user.name
    with app.test_request_context(method="GET"):
        assert refusal_of(lambda: acted(renamed(user, "Anna"))).code == 400
    assert stored_name(db, user) == before


def test_a_refusal_can_be_answered_by_the_view(app, db, user):
    before = user.name
    with app.test_request_context(method="POST"):
        refused = refusal_of(
            lambda: committed(renamed(user, "Anna", RuleBroken("No.")), lambda e: (e.message, 418))
        )
        assert (refused.response.status_code, refused.response.get_data(as_text=True)) == (
            418,
            "No.",
        )
        back = refusal_of(
            lambda: committed(renamed(user, "Anna", RuleBroken("No.")), flashed("/x", 303))
        )
        assert (back.response.status_code, back.response.location) == (303, "/x")
    assert stored_name(db, user) == before


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (RuleBroken("The note is empty.", field="body"), 422),
        (DifferentContent("Another version was saved."), 409),
    ],
)
def test_a_refused_json_change_answers_the_message_and_field(app, db, user, refusal, status):
    before = user.name
    with app.test_request_context(method="POST"):
        refused = refusal_of(lambda: answered(renamed(user, "Anna", refusal)))
    assert refused.response.status_code == status
    assert refused.response.json == {
        "error": status,
        "message": refusal.message,
        "field": refusal.field,
    }
    assert stored_name(db, user) == before
