"""QuickSelect (common/forms.py) writes the same markup as WTForms' own select; an optional
select checks only a choice that was sent."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice, SelectField

from fieldapp.common.forms import OptionalSelectField, QuickSelect, choice

CHOICES = [
    choice("", _l("All worksites")),
    choice(1, 'Keuken "De Linde" & co'),
    choice(2, "<b>Kringwinkel</b>"),
    choice("a b", ""),
    choice(3, "Café Ödön"),
]


class Both(Form):
    theirs = SelectField(choices=CHOICES)
    ours = SelectField(choices=CHOICES, widget=QuickSelect())


@pytest.mark.parametrize("chosen", ["", "1", "a b", "9"])
def test_the_same_markup_as_wtforms(app, chosen):
    with app.test_request_context():
        form = Both(data={"theirs": chosen, "ours": chosen})
        theirs = str(form.theirs(**{"aria-invalid": "true"}))
        ours = str(form.ours(**{"aria-invalid": "true"}))
    assert ours == theirs.replace('name="theirs"', 'name="ours"').replace(
        'id="theirs"', 'id="ours"'
    )
    assert "<b>" not in ours


def test_options_with_their_own_attributes_are_left_to_wtforms(app):
    marked = [SelectChoice("1", "Een", render_kw={"data-x": 'y"z'}), choice(2, "Twee")]

    class Marked(Form):
        theirs = SelectField(choices=marked)
        ours = SelectField(choices=marked, widget=QuickSelect())

    with app.test_request_context():
        form = Marked(data={"theirs": "1", "ours": "1"})
        assert str(form.ours()).replace("ours", "theirs") == str(form.theirs())


def test_a_value_already_marked_safe_cannot_end_its_attribute(app):
    """A Markup value is not escaped again; a quote in it is written as WTForms writes it."""
    sly = [SelectChoice(Markup('x" onmouseover="alert(1)'), "X"), choice(2, "Twee")]

    class Sly(Form):
        theirs = SelectField(choices=sly)
        ours = SelectField(choices=sly, widget=QuickSelect())

    with app.test_request_context():
        form = Sly(data={"theirs": "2", "ours": "2"})
        assert str(form.ours()).replace("ours", "theirs") == str(form.theirs())
        assert 'onmouseover="' not in str(form.ours())


class Filter(Form):
    worksite = OptionalSelectField(choices=CHOICES)


@pytest.mark.parametrize(
    ("sent", "errors"),
    [({}, []), ({"worksite": ""}, []), ({"worksite": "2"}, []), ({"worksite": " "}, ["bad"])],
)
def test_an_optional_select_checks_only_a_choice_that_was_sent(app, sent, errors):
    with app.test_request_context():
        form = Filter(MultiDict(sent))
        assert form.validate() == (not errors)
        assert ["bad" for _ in form.worksite.errors] == errors


def test_a_required_multiple_or_grouped_select_is_written_as_wtforms_writes_it(app):
    from wtforms import SelectMultipleField
    from wtforms.validators import DataRequired

    groups = [
        SelectChoice("1", "De Linde", optgroup="Keukens"),
        SelectChoice("2", 'Het "Hof"', optgroup='Keukens & "co"'),
        choice(3, "Drie"),
    ]

    class Kinds(Form):
        required_theirs = SelectField(choices=CHOICES, validators=[DataRequired()])
        required_ours = SelectField(
            choices=CHOICES, validators=[DataRequired()], widget=QuickSelect()
        )
        many_theirs = SelectMultipleField(choices=CHOICES)
        many_ours = SelectMultipleField(choices=CHOICES, widget=QuickSelect(multiple=True))
        grouped_theirs = SelectField(choices=groups)
        grouped_ours = SelectField(choices=groups, widget=QuickSelect())

    with app.test_request_context():
        form = Kinds(data={"many_theirs": ["1"], "many_ours": ["1"], "grouped_theirs": "2"})
        form.grouped_ours.data = "2"
        for name in ("required", "many", "grouped"):
            theirs, ours = form[f"{name}_theirs"], form[f"{name}_ours"]
            for render in ({}, {"class_": "wide", "aria-describedby": "x-error"}):
                assert str(ours(**render)).replace("_ours", "_theirs") == str(theirs(**render))
