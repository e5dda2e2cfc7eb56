"""The words the page scripts show (the outbox's states, the offline banners, the confirmations),
in the page's language, read by ``static/js/page-data.js`` from the data every page carries.

Made once per language and kept: every page carries them, and translating and formatting twenty
strings again on each page cost a tenth of what the page frame (top bar, menu, bell) costs.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale, get_translations
from flask_babel import gettext as _


def page_strings() -> dict[str, str]:
    """The words, in this request's language. Kept with the request's catalog (one per language,
    as ``fieldapp/i18n/catalog.py`` keeps its messages), and the same dict for every page: read
    it, never change it."""
    catalog = get_translations()
    strings = catalog.__dict__.get("_fieldapp_page_strings")
    if strings is None:
        strings = catalog.__dict__["_fieldapp_page_strings"] = _translated()
    return strings


def page_dates() -> dict[str, Any]:
    """What the page scripts need to write a moment as the pages do (``datetimeformat("d MMM
    yyyy HH:mm")``): the organisation's time zone and the language's abbreviated month names, as
    Babel has them (the browser's own may differ: "nov" or "nov.", a 12-hour clock). Kept with the
    request's catalog, as the words are."""
    catalog = get_translations()
    dates = catalog.__dict__.get("_fieldapp_page_dates")
    if dates is None:
        months = get_locale().months["format"]["abbreviated"]
        dates = catalog.__dict__["_fieldapp_page_dates"] = {
            "zone": current_app.config["FIELDAPP_TIMEZONE"],
            "months": [months[number] for number in range(1, 13)],
        }
    return dates


def _translated() -> dict[str, str]:
    return {
        "pending_one": _("1 note waits to be sent"),
        "pending_other": _("%(n)s notes wait to be sent", n="{n}"),
        "refused": _("Not accepted: %(reason)s", reason="{reason}"),
        "waiting": _("Waiting for a connection"),
        "failing": _(
            "The server could not save it yet (%(reason)s); it tries again.", reason="{reason}"
        ),
        "sending": _("Sending…"),
        "sent": _("Saved"),
        "saved_on_device": _("Note kept on this phone; it is sent when there is a connection."),
        "saving_note": _("Saving the note…"),
        "saving_contact": _("Saving the contact…"),
        "draft_restored": _("Your unfinished note was brought back."),
        "edit": _("Edit"),
        "discard": _("Discard"),
        "send_again": _("Send again"),
        "confirm_discard": _(
            "Delete this note from this phone? It was not accepted and cannot be recovered."
        ),
        "confirm_logout": _(
            "%(n)s note(s) on this phone have not been sent yet. Signing out deletes them. Sign out anyway?",  # noqa: E501 (one msgid)
            n="{n}",
        ),
        "other_account": _(
            "%(n)s note(s) of another account wait on this phone until that account signs in.",
            n="{n}",
        ),
        "empty_outbox": _("No notes wait on this phone."),
        "open_visit": _("Open the visit"),
        "open_client": _("Open the client's file"),
        "open_contacts": _("Open the client's contacts"),
        "contact_kept": _("Contact kept on this phone; it is sent when there is a connection."),
        "note_sent": _("Note saved."),
        "contact_sent": _("Contact saved."),
        "action_needs_text": _("An action needs a description."),
        "action_needs_due": _("An action needs a due date."),
    }
