"""JSON bodies read by WTForms, so that a JSON API and an HTML form share validators and messages.

A JSON API declares a :class:`JSONForm` and reads a body with :meth:`JSONForm.read`. The body's
values keep their JSON types (a number stays a number, so ``"3"`` is no score and ``5`` is no
text); an object or a list is the value of one field, read by a form of its own (:class:`Nested`)
or item by item (:class:`Items`). The first problem, in the order the fields are declared, is
raised as a :class:`RuleBroken` with the field's name and message, which the views answer like any
refused rule (see :func:`fieldapp.common.views.answered`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, ClassVar, Self

from wtforms import Field, Form

from fieldapp.common.rules import RuleBroken


class _Body:
    """A JSON object seen as form data: WTForms reads each field's value with ``getlist``."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self._payload = payload

    def __iter__(self) -> Iterator[str]:
        return iter(self._payload)

    def __len__(self) -> int:
        return len(self._payload)

    def __contains__(self, name: object) -> bool:
        return name in self._payload

    def getlist(self, name: str) -> list[Any]:
        return [self._payload[name]] if name in self._payload else []


class JSONForm(Form):
    """A form for a JSON object. ``unreadable`` is the message for a body that is no object."""

    unreadable: ClassVar[Any]

    @classmethod
    def read(cls, payload: Any, **attributes: Any) -> Self:
        """The validated form, or :class:`RuleBroken` with the first problem. ``attributes`` are
        set on the form before it validates (what its inline validators compare with)."""
        if not isinstance(payload, dict):
            raise RuleBroken(str(cls.unreadable))
        form = cls(formdata=_Body(payload))
        for name, value in attributes.items():
            setattr(form, name, value)
        if not form.validate():
            name, messages = next(iter(form.errors.items()))
            raise RuleBroken(str(messages[0]), field=name)
        return form


def _given(valuelist: list[Any]) -> Any:
    return valuelist[0] if valuelist else None


class Text(Field):
    """A string; anything else reads as missing (so ``DataRequired`` gives its message)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        value = _given(valuelist)
        self.data = value if isinstance(value, str) else None


class _Checked(Field):
    """A value that must have a shape; ``message`` says so when it has not."""

    def __init__(self, label: Any = None, validators: Any = None, *, message: Any, **kw: Any):
        super().__init__(label, validators, **kw)
        self.message = message

    def refuse(self) -> ValueError:
        return ValueError(str(self.message))


class UUIDText(_Checked):
    """A UUID in its canonical text form; ``optional`` takes a missing or empty one as None."""

    def __init__(self, *args: Any, optional: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.optional = optional

    def process_formdata(self, valuelist: list[Any]) -> None:
        value = _given(valuelist)
        self.data = None
        if self.optional and not value:
            return
        self.data = as_uuid(value, self.message)


def as_uuid(value: Any, message: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except (ValueError, TypeError, AttributeError):
        raise ValueError(str(message)) from None


class Moment(_Checked):
    """An ISO 8601 moment, or None when missing or empty."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        value = _given(valuelist)
        self.data = None
        if value:
            try:
                self.data = datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise self.refuse() from None


class Day(_Checked):
    """An ISO 8601 date."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        try:
            self.data = date.fromisoformat(_given(valuelist))
        except (TypeError, ValueError):
            raise self.refuse() from None


class Mapping(_Checked):
    """A JSON object, or an empty one when missing or empty; the form's validators check its keys
    and values."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        value = _given(valuelist) or {}
        self.data = {}
        if not isinstance(value, dict):
            raise self.refuse()
        self.data = dict(value)


class Items(_Checked):
    """A list of at most ``most`` items (an empty one when missing or empty), each read by
    ``each``, which raises :class:`ValueError` with its message for an item it refuses."""

    def __init__(self, *args: Any, most: int, each: Callable[[Any], Any], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.most = most
        self.each = each

    def process_formdata(self, valuelist: list[Any]) -> None:
        value = _given(valuelist) or []
        self.data = []
        if not isinstance(value, list) or len(value) > self.most:
            raise self.refuse()
        self.data = [self.each(item) for item in value]


def read_each(form_class: type[JSONForm]) -> Callable[[Any], JSONForm]:
    """For :class:`Items`: read an item with ``form_class``, its refusal as the list's problem."""

    def read(item: Any) -> JSONForm:
        try:
            return form_class.read(item)
        except RuleBroken as error:
            raise ValueError(error.message) from None

    return read


class Nested(Field):
    """A JSON object read by a form of its own (its ``unreadable`` message when it is no object);
    ``data`` is that form's data."""

    def __init__(self, form_class: type[JSONForm], label: Any = None, **kw: Any) -> None:
        super().__init__(label, **kw)
        self.form_class = form_class

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        self.data = read_each(self.form_class)(_given(valuelist)).data
