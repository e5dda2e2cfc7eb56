"""JSON bodies read by WTForms (common/json_forms.py): types kept, first problem by field order."""

from __future__ import annotations

import pytest
from wtforms.validators import DataRequired, Length

from fieldapp.common.json_forms import (
    Day,
    Items,
    JSONForm,
    Mapping,
    Moment,
    Nested,
    Text,
    UUIDText,
    read_each,
)
from fieldapp.common.rules import RuleBroken

SOME_UUID = "8c6de7e4-8b0c-4c87-9f45-8d1f4b1c6a01"


class PartInput(JSONForm):
    unreadable = "A part could not be read."
    label = Text(validators=[DataRequired("A part needs a label.")])


class ThingInput(JSONForm):
    unreadable = "The thing could not be read."
    name = Text(validators=[DataRequired("A name, please."), Length(max=5, message="Too long.")])
    key = UUIDText(message="No key.")
    parent = UUIDText(message="No parent.", optional=True)
    at = Moment(message="No moment.")
    on = Day(message="No day.")
    scores = Mapping(message="No scores.")
    parts = Items(message="At most two parts.", most=2, each=read_each(PartInput))
    main = Nested(PartInput)


def good(**changes):
    body = {"name": "Anna", "key": SOME_UUID.upper(), "on": "2026-12-02", "main": {"label": "x"}}
    body.update(changes)
    return body


def refusal(payload) -> tuple[str, str | None]:
    with pytest.raises(RuleBroken) as raised:
        ThingInput.read(payload)
    return raised.value.message, raised.value.field


def test_a_good_body_is_read_with_its_types():
    form = ThingInput.read(good(parts=[{"label": "a"}], scores={"x": 3}, at="2026-12-02T09:00Z"))
    assert form.name.data == "Anna"
    assert form.key.data == SOME_UUID
    assert form.parent.data is None
    assert form.on.data.isoformat() == "2026-12-02"
    assert form.at.data.tzinfo is not None
    assert form.scores.data == {"x": 3}
    assert [part.label.data for part in form.parts.data] == ["a"]
    assert form.main.data == {"label": "x"}


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (None, ("The thing could not be read.", None)),
        ([good()], ("The thing could not be read.", None)),
        (good(name=5), ("A name, please.", "name")),  # a number is no text
        (good(name="   "), ("A name, please.", "name")),
        (good(name="Annabel"), ("Too long.", "name")),
        (good(key=None), ("No key.", "key")),
        (good(parent="nope"), ("No parent.", "parent")),
        (good(at="gisteren"), ("No moment.", "at")),
        (good(on=20261202), ("No day.", "on")),
        (good(scores=[3]), ("No scores.", "scores")),
        (good(parts=[{}, {}, {}]), ("At most two parts.", "parts")),
        (good(parts=["a"]), ("A part could not be read.", "parts")),
        (good(parts=[{"label": ""}]), ("A part needs a label.", "parts")),
        (good(main="x"), ("A part could not be read.", "main")),
        (good(name="", key="nope"), ("A name, please.", "name")),  # the first field's problem
    ],
)
def test_each_problem_is_refused_with_the_fields_message(payload, problem):
    assert refusal(payload) == problem
