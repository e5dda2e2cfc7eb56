"""Template helpers written in Python for the busiest parts of pages: ``date()``, ``icon()``."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup


def test_date_writes_a_time_element_with_the_day_in_the_readers_language_escaped(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        day = app.jinja_env.globals["time_element"]
        assert day(date(2026, 3, 2)) == '<time datetime="2026-03-02">2 mrt 2026</time>'
        moment = datetime(2026, 3, 2, 9, 5)
        assert day(moment, "d MMMM") == '<time datetime="2026-03-02T09:05:00">2 maart</time>'
        written = day(date(2026, 3, 2), "d '<b>&'")
        assert isinstance(written, Markup)
        assert written == '<time datetime="2026-03-02">2 &lt;b&gt;&amp;</time>'
        assert day(None) == "—"


def test_an_icon_is_its_macros_drawing_kept_unless_templates_reload(app):
    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros/icons.html").module.icon
        icon = app.jinja_env.globals["icon"]
        reloading = app.jinja_env.auto_reload
        try:
            for auto_reload in (False, True):
                app.jinja_env.auto_reload = auto_reload
                for name in ("home", "bell", "offline", "logout"):
                    assert icon(name) == macro(name)
                    assert icon(name).startswith('<svg class="icon"')
                    assert "<path" in icon(name)
                assert (icon("bell") is icon("bell")) is not auto_reload
        finally:
            app.jinja_env.auto_reload = reloading
