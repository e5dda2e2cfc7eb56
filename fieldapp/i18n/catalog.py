"""The message catalog of the current request, found once per locale instead of once per message.

Flask-Babel's gettext finds the request's context, its locale and the catalog again for every
message (eight lookups through context-local proxies and a locale turned into a string); a
client's file translates a hundred messages and more, which cost more CPU than its SQL. The
domain installed here keeps the catalog next to the locale it belongs to: a locale forced for an
e-mail or a PDF (``force_locale``), or refreshed after a change of language, is another object
and gets its own catalog. The templates' ``_()`` asks that domain directly.

In templates, a message without variables is also kept once made: Jinja's gettext passes every
message through ``Markup(...) % {}``, which costs more than finding it. A page says "Client" or
"Visit" dozens of times; the text, once escaped and formatted, is the same every time for one
catalog, so it is kept with that catalog.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, g
from flask_babel import Babel, Domain
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


class KeptCatalogDomain(Domain):
    """Flask-Babel's default domain, with the request's catalog kept for its locale."""

    def get_translations(self) -> NullTranslations:
        try:
            context = getattr(g, "_flask_babel", None)
        except RuntimeError:  # no app context: Flask-Babel answers with no translation
            return super().get_translations()
        locale = getattr(context, "babel_locale", None)
        if locale is None:  # not chosen yet in this request: Flask-Babel chooses it
            return super().get_translations()
        kept = getattr(context, "fieldapp_catalog", None)
        if kept is not None and kept[0] is locale:
            return kept[1]
        translations = super().get_translations()
        context.fieldapp_catalog = (locale, translations)
        return translations


def install(app: Flask, babel: Babel) -> None:
    """The kept-catalog domain as the default one, for Python and for the templates."""
    domain = KeptCatalogDomain()
    # Flask-Babel makes its default domain once, in a cached property: this one takes its place.
    babel.__dict__["domain_instance"] = domain
    _install_in_templates(app.jinja_env, domain)


def _install_in_templates(environment: Environment, domain: KeptCatalogDomain) -> None:
    translations = domain.get_translations
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    gettext = _kept_gettext(translations)
    environment.globals.update(gettext=gettext, _=gettext)


def _kept_gettext(translations: Any) -> Any:
    """Jinja's new-style ``gettext`` (escaped, always formatted), with each message that has no
    variables made once per catalog."""

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        autoescape = context.eval_ctx.autoescape
        catalog = translations()
        if not variables:
            kept = catalog.__dict__.setdefault("_fieldapp_made", {})
            made = kept.get((message, autoescape))
            if made is None:
                made = kept[message, autoescape] = _made(catalog, message, autoescape, {})
            return made
        return _made(catalog, message, autoescape, variables)

    return gettext


def _made(catalog: NullTranslations, message: str, autoescape: bool, variables: Any) -> str:
    text = catalog.ugettext(message)
    # The catalog is ours, as trusted as the template; its variables are escaped by Markup's %.
    return (Markup(text) if autoescape else text) % variables  # noqa: S704
