"""The quick input widgets (common/forms.py) write the same markup as WTForms' own."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    DateField,
    DateTimeLocalField,
    Form,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length
from wtforms.widgets import html_params

from fieldapp.common.forms import (
    QuickDateInput,
    QuickDateTimeLocalInput,
    QuickHiddenInput,
    QuickRadioField,
    QuickRadioInput,
    QuickTextArea,
    QuickTextInput,
    choice,
    hidden_tag,
    label_tag,
    quick_html_params,
)

CHOICES = [choice("a", "A"), choice("b", 'B "b" &')]

ATTRIBUTES = [
    {},
    {"name": "note", "id": "f", "class_": "wide", "for_": "x"},
    {"checked": True, "readonly": False, "value": 'Keuken "De Linde" & <co>'},
    {"data_contact_id": 3, "aria_describedby": "a-hint a-error", "maxlength": 200},
    {"value": Markup('<b title="x">bold</b>'), "placeholder": None, "autofocus": True},
    {"value": "Café Ödön ' \\ é", "inputmode": "numeric", "rows": 2},
]


@pytest.mark.parametrize("attributes", ATTRIBUTES)
def test_the_same_attributes_as_wtforms(attributes):
    assert quick_html_params(**attributes) == html_params(**attributes)
    assert isinstance(quick_html_params(**attributes), Markup)


KW = {"x": 1, "class_": "a", "data_k": "v"}


class Both(Form):
    text_theirs = StringField(validators=[DataRequired(), Length(max=20)])
    text_ours = StringField(validators=[DataRequired(), Length(max=20)], widget=QuickTextInput())
    area_theirs = TextAreaField(validators=[DataRequired(), Length(max=20)])
    area_ours = TextAreaField(validators=[DataRequired(), Length(max=20)], widget=QuickTextArea())
    hidden_theirs = HiddenField()
    hidden_ours = HiddenField(widget=QuickHiddenInput())
    day_theirs = DateField()
    day_ours = DateField(widget=QuickDateInput())
    moment_theirs = DateTimeLocalField(format="%Y-%m-%dT%H:%M")
    moment_ours = DateTimeLocalField(format="%Y-%m-%dT%H:%M", widget=QuickDateTimeLocalInput())
    choice_theirs = RadioField(choices=CHOICES, validators=[DataRequired()])
    choice_ours = RadioField(
        choices=CHOICES,
        validators=[DataRequired()],
        option_widget=QuickRadioInput(),
    )
    radio_theirs = RadioField(choices=CHOICES, validators=[DataRequired()], render_kw=KW)
    radio_ours = QuickRadioField(choices=CHOICES, validators=[DataRequired()], render_kw=KW)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {
            "text": 'Keuken "De Linde" & <co>',
            "area": "Twee\nlijnen & <b>",
            "hidden": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "day": date(2026, 3, 12),
            "moment": datetime(2026, 3, 12, 9, 30),
            "choice": "b",
        },
    ],
)
def test_the_same_inputs_as_wtforms(data):
    form = Both(
        data={f"{name}_{who}": value for name, value in data.items() for who in ("theirs", "ours")}
    )
    for name in ("text", "area", "hidden", "day", "moment"):
        theirs, ours = form[f"{name}_theirs"], form[f"{name}_ours"]
        for render in ({}, {"aria_describedby": "x-error", "autocomplete": "off", "class_": "c"}):
            assert ours(**render).replace("_ours", "_theirs") == theirs(**render)
    theirs_options, ours_options = list(form.choice_theirs), list(form.choice_ours)
    for theirs, ours in zip(theirs_options, ours_options, strict=True):
        assert ours().replace("_ours", "_theirs") == theirs()


@pytest.mark.parametrize("chosen", [None, "a", "b"])
def test_the_quick_radio_field_writes_the_same_options_as_wtforms(chosen):
    form = Both(data={"radio_theirs": chosen, "radio_ours": chosen})
    theirs_options, ours_options = list(form.radio_theirs), list(form.radio_ours)
    assert len(ours_options) == len(CHOICES)
    for theirs, ours in zip(theirs_options, ours_options, strict=True):
        assert (ours.id, ours.data, ours.checked) == (
            theirs.id.replace("_theirs", "_ours"),
            theirs.data,
            theirs.checked,
        )
        assert ours.label.text == theirs.label.text
        assert ours.label() == theirs.label().replace("_theirs", "_ours")
        for render in (
            {},
            {"aria-describedby": "x-error"},
            {"x": 2, "checked": False, "class": "b", "data-k": "w"},
        ):
            assert ours(**render).replace("_ours", "_theirs") == theirs(**render)
        assert ours.__html__() == ours()


class WithHidden(FlaskForm):
    note = StringField()
    uuid = HiddenField(widget=QuickHiddenInput())
    back = HiddenField(render_kw={"data_x": 'a "b"'})


@pytest.mark.parametrize("csrf", [True, False])
def test_hidden_tag_writes_what_flask_wtf_writes(app, csrf):
    with app.test_request_context("/"):
        form = WithHidden(meta={"csrf": csrf}, data={"uuid": "7c9e", "back": "file & <b>"})
        assert hidden_tag(form) == form.hidden_tag()
        assert ("csrf_token" in hidden_tag(form)) is csrf
        assert hidden_tag(PlainForm()) == PlainForm().hidden_tag() == ""


class PlainForm(FlaskForm):
    class Meta:
        csrf = False

    note = StringField()


def test_label_tag_writes_what_a_wtforms_label_writes():
    form = Both()
    form.text_theirs.label.text = 'Naam "kort" & <b>'
    for field in (form.text_theirs, form.area_ours, form.choice_theirs, form.radio_ours):
        assert label_tag(field.label) == field.label()
    for option in [*form.radio_theirs, *form.radio_ours]:
        assert label_tag(option.label) == option.label()
