"""Form helpers shared by features."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlsplit

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Choice, DateField, Field, Form, Label, RadioField, SelectChoice, SelectField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import (
    DateInput,
    DateTimeLocalInput,
    HiddenInput,
    RadioInput,
    Select,
    TextArea,
    TextInput,
)
from wtforms.widgets.core import clean_key

from fieldapp.common.dates import today

# A sensible ceiling for any single-line text field; longer input is refused with a message.
SHORT_TEXT = 200
LONG_TEXT = 5000

required = DataRequired(message=_l("This field is required."))
input_required = InputRequired(message=_l("This field is required."))


def short_text(maximum: int = SHORT_TEXT) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters."))


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class OptionalChoice:
    """``Optional`` for a select: only an empty value means "none chosen".

    WTForms' ``Optional`` also takes whitespace for empty and then wipes the "Not a valid choice"
    error, so ``?counsellor=%20`` got through validation and crashed ``int()`` in the view.
    """

    field_flags: ClassVar[dict[str, bool]] = {"optional": True}

    def __call__(self, form: Form, field: Field) -> None:
        if not field.raw_data or field.raw_data[0] == "":
            field.errors[:] = []
            raise StopValidation()


optional_choice = OptionalChoice()


class DateWithin:
    """A date from ``years_back`` years before this year's 1 January to ``years_ahead`` years
    after this year's 31 December (or today, when ``years_ahead`` is 0): nothing in 0001 or 9999."""

    def __init__(self, years_back: int, years_ahead: int) -> None:
        self.years_back = years_back
        self.years_ahead = years_ahead

    def bounds(self) -> tuple[date, date]:
        now = today()
        latest = date(now.year + self.years_ahead, 12, 31) if self.years_ahead else now
        return date(now.year - self.years_back, 1, 1), latest

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is None:
            return
        earliest, latest = self.bounds()
        if not earliest <= field.data <= latest:
            raise ValidationError(
                _(
                    "Choose a date between %(earliest)s and %(latest)s.",
                    earliest=format_date(earliest, "medium"),
                    latest=format_date(latest, "medium"),
                )
            )


def quick_html_params(**attributes: Any) -> Markup:
    """WTForms' ``html_params``, the same text (sorted, ``True`` bare, ``False`` left out, every
    name and value escaped), each attribute written by an f-string instead of ``Markup.format``,
    which goes through Python's string formatter for every attribute of every input."""
    params = []
    for key, value in sorted(attributes.items()):
        if value is True:
            params.append(str(escape(clean_key(key))))
        elif value is not False:
            text = str(escape(value)).replace('"', "&quot;")  # a Markup value may hold a quote
            params.append(f'{escape(clean_key(key))}="{text}"')
    return Markup(" ".join(params))  # noqa: S704 (every part escaped)


class QuickParams:
    """Mixin for a WTForms input widget: its attributes written by :func:`quick_html_params`.
    For the inputs of forms shown on every opening of a busy page (the client's file)."""

    html_params = staticmethod(quick_html_params)


class QuickTextInput(QuickParams, TextInput):
    pass


class QuickHiddenInput(QuickParams, HiddenInput):
    pass


class QuickRadioInput(QuickParams, RadioInput):
    pass


class QuickRadioOption:
    """One radio button of a :class:`QuickRadioField`, as the template uses WTForms' option
    subfield: called (with attributes) for its input, ``label.text`` and ``checked``."""

    __slots__ = ("_field", "_flags", "checked", "data", "id", "label")

    def __init__(
        self, field: RadioField, index: int, choice: Choice, flags: dict[str, Any]
    ) -> None:
        self._field = field
        self._flags = flags
        self.id = f"{field.id}-{index}"
        self.data = choice.value
        self.checked = choice.selected
        self.label = Label(self.id, choice.label or choice.value)

    def __call__(self, **kwargs: Any) -> Markup:
        # As Field.__call__ and RadioInput: the field's render_kw under the call's attributes,
        # then id, type, checked, value and the validators' flags unless the call gives them.
        kwargs = {clean_key(key): value for key, value in kwargs.items()}
        if self._field.render_kw:
            render_kw = {clean_key(key): value for key, value in self._field.render_kw.items()}
            kwargs = dict(render_kw, **kwargs)
        attributes: dict[str, Any] = {"id": self.id, "type": "radio"}
        if self.checked:
            attributes["checked"] = True
        attributes["value"] = str(self.data)
        attributes.update(self._flags)
        attributes.update(kwargs)
        return Markup(f"<input {quick_html_params(name=self._field.name, **attributes)}>")  # noqa: S704 (escaped)

    __html__ = __call__


class QuickRadioField(RadioField):
    """A radio field whose options are written by :class:`QuickRadioOption` (with
    :func:`quick_html_params`) instead of WTForms' option subfields: the same markup, without
    making, binding and processing a whole field for every option and looking the validators'
    flags up for every input, on every opening of the client's file (the contact form)."""

    def __iter__(self) -> Any:
        flags = {
            name: value() if callable(value) else value
            for name in dir(self.flags)
            if name in RadioInput.validation_attrs
            for value in (getattr(self.flags, name),)
        }
        for index, choice in enumerate(self._iter_choices_normalized()):
            yield QuickRadioOption(self, index, choice, flags)


class QuickTextArea(TextArea):
    """WTForms' textarea, its attributes written by :func:`quick_html_params`."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for key in dir(flags):
            if key in self.validation_attrs and key not in kwargs:
                kwargs[key] = getattr(flags, key)
        params = quick_html_params(name=field.name, **kwargs)
        text = escape(field._value())
        return Markup(f"<textarea {params}>\r\n{text}</textarea>")  # noqa: S704 (escaped)


def label_tag(label: Label) -> Markup:
    """A field's ``label()`` as WTForms writes it (its ``for`` the field's id, none when that is
    False, the text escaped), through :func:`quick_html_params` instead of ``html_params``: the
    form field macro writes one for every field of every form."""
    attributes = quick_html_params(**{"for": label.field_id})
    attributes = Markup(f" {attributes}") if attributes else attributes  # noqa: S704 (escaped)
    return Markup(f"<label{attributes}>{escape(label.text)}</label>")  # noqa: S704 (escaped)


class QuickDateInput(QuickParams, DateInput):
    pass


class QuickDateTimeLocalInput(QuickParams, DateTimeLocalInput):
    pass


_QUICK_HIDDEN = QuickHiddenInput()


def hidden_tag(form: Form) -> Markup:
    """Flask-WTF's ``form.hidden_tag()``, the same markup: the form's hidden inputs (its CSRF
    token, a uuid) one a line, those with WTForms' own hidden widget written by
    :func:`quick_html_params` instead of ``Markup.format`` for each attribute (the client's file
    writes four forms' on every opening)."""
    inputs = []
    for field in form:
        if not isinstance(field.widget, HiddenInput):
            continue
        if type(field.widget) in (HiddenInput, QuickHiddenInput):
            attributes = {clean_key(key): value for key, value in (field.render_kw or {}).items()}
            inputs.append(_QUICK_HIDDEN(field, **attributes))
        else:
            inputs.append(str(field))
    return Markup("\n".join(inputs))  # noqa: S704 (each input escaped by its widget)


def date_field(
    label: Any, *, optional: bool = False, years_back: int = 25, years_ahead: int = 10
) -> DateField:
    """A date input; a malformed date or one far outside what makes sense gets a message."""
    return DateField(
        label,
        validators=[
            Optional() if optional else input_required,
            DateWithin(years_back, years_ahead),
        ],
        render_kw={"autocomplete": "off"},
        widget=QuickDateInput(),
    )


def choice(value: str | int, label: Any) -> SelectChoice:
    return SelectChoice(str(value), label)


class QuickSelect(Select):
    """WTForms' select, each option written as one string: the same markup (``selected`` before
    ``value``, as ``html_params`` sorts them), without looking its own renderer's signature up
    (``inspect.signature``) for every select and its attributes up for every option. A caseload
    filter with forty worksites spent most of the form's time there. The ``<select>`` tag's own
    attributes are written by :func:`quick_html_params`."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        # As Select.__call__, with quick_html_params for the select's attributes.
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for key in dir(flags):
            if key in self.validation_attrs and key not in kwargs:
                kwargs[key] = getattr(flags, key)
        html = [f"<select {quick_html_params(name=field.name, **kwargs)}>"]
        render = type(self)._dispatch_render_option()
        if field.has_groups():
            for optgroup, choices in field._iter_groups_normalized():
                if optgroup is not None:
                    html.append(f"<optgroup {quick_html_params(label=optgroup)}>")
                html.extend(render(choice) for choice in choices)
                if optgroup is not None:
                    html.append("</optgroup>")
        else:
            html.extend(render(choice) for choice in field._iter_choices_normalized())
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 (every part escaped)

    @classmethod
    def _dispatch_render_option(cls) -> Any:
        return cls.render_option

    @classmethod
    def render_option(cls, choice: Choice, **kwargs: Any) -> Markup:
        if choice.render_kw or kwargs or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        # A Markup value is not escaped again, but may hold a quote: as html_params writes it.
        value = str(escape(choice.value)).replace('"', "&quot;")
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704 (escaped)


class OptionalSelectField(SelectField):
    """A select where choosing nothing is fine (``optional_choice``), written by ``QuickSelect``.

    WTForms checks the choice before the validators run, and ``optional_choice`` then wiped the
    "Not a valid choice" of an empty one; wording that message made Flask-WTF read WTForms'
    catalog from disk on every request. Here an empty choice is not checked at all."""

    widget = QuickSelect()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, [optional_choice, *(validators or [])], **kwargs)

    def pre_validate(self, form: Form) -> None:
        if self.raw_data and self.raw_data[0] != "":
            super().pre_validate(form)


def safe_next_url(target: str | None) -> str | None:
    """A same-site path to return to after signing in, or None for anything else."""
    if not target or len(target) > 500:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def show_rule_error(form: Any, error: Any, default_field: str | None = None) -> None:
    """Put a :class:`RuleBroken` message on its field (``default_field`` when it names none), or
    at the top of the form."""
    name = error.field or default_field
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: Any) -> int:
    """200 for a fresh form, 422 for one sent back with errors."""
    return 422 if form.is_submitted() else 200
