"""The templates' url_for keeps the addresses it made, and each is the one url_for makes: for every
route of the app, with ids, with other values, under a script root; and it leaves to url_for
what it cannot keep."""

from __future__ import annotations

import sys

import pytest
from flask import Flask, g, url_for
from werkzeug.routing import AnyConverter, BuildError, IntegerConverter

from fieldapp.common import static_files
from fieldapp.common.urls import KEPT_URLS, MAX_ID, IdConverter, KeptUrls

ROOTS = ["", "/ocmw", f"/{MAX_ID}"]


def values_of(rule) -> dict[str, object]:
    """A value for every argument of ``rule`` that its converter takes (7 for an id)."""
    values: dict[str, object] = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IdConverter):
            values[name] = 7
        elif isinstance(converter, IntegerConverter):
            values[name] = 2
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "a-b"
    return values


@pytest.mark.parametrize("root", ROOTS)
def test_every_routes_address_is_url_fors(app, root):
    urls = app.jinja_env.globals["url_for"]
    assert isinstance(urls, KeptUrls)
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    assert len(rules) > 100
    with app.test_request_context("/", base_url=f"https://localhost{root}"):
        for rule in rules:
            values = values_of(rule)
            for ident in (1, 42, MAX_ID, 42):  # made, then kept
                chosen = {k: ident if v == 7 else v for k, v in values.items()}
                assert urls(rule.endpoint, **chosen) == url_for(rule.endpoint, **chosen)
            # With values in the query string too: a phase, a page, a path.
            more = {**values, "phase": 3, "next": "/clients/12?x=a b"}
            assert urls(rule.endpoint, **more) == url_for(rule.endpoint, **more), rule.rule


def test_each_script_root_gets_its_own_addresses(app):
    urls = app.jinja_env.globals["url_for"]
    made = {}
    for root in ROOTS:
        with app.test_request_context("/", base_url=f"https://localhost{root}"):
            made[root] = (urls("clients.show", client_id=5), urls("clients.index"))
    assert made[""] == ("/clients/5", "/clients/")
    assert made["/ocmw"] == ("/ocmw/clients/5", "/ocmw/clients/")
    assert made[f"/{MAX_ID}"] == (f"/{MAX_ID}/clients/5", f"/{MAX_ID}/clients/")


def test_what_is_not_kept_is_url_fors(app):
    urls = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        for endpoint, values in [
            ("clients.show", {"client_id": 5, "_anchor": "goals"}),
            ("clients.show", {"client_id": 5, "_external": True}),
            ("clients.show", {"client_id": 5, "phase": MAX_ID}),  # the stand-in twice
            ("clients.show", {"client_id": 5, "next": f"/clients/{MAX_ID}"}),
            ("clients.show", {"client_id": True}),  # not an id
            ("static", {"filename": "css/app.css"}),
        ]:
            assert urls(endpoint, **values) == url_for(endpoint, **values)
        assert "?v=" in url_for("static", filename="css/app.css")


@pytest.mark.parametrize("fixed", [True, False])
def test_the_static_files_addresses_follow_their_versions_unless_fixed(app, fixed):
    hooks = static_files.URL_HOOKS
    urls = KeptUrls(app, static_hooks=hooks, static_fixed=fixed)
    versions = app.extensions["fieldapp_static_versions"]
    with app.test_request_context("/"):
        first = urls("static", filename="css/app.css")
        assert first == url_for("static", filename="css/app.css")
        original = versions.of
        versions.of = lambda folder, filename: "changed"  # the file changed (development)
        try:
            again = urls("static", filename="css/app.css")
        finally:
            versions.of = original
    assert (again == first) is fixed
    assert fixed or again.endswith("v=changed")


def test_an_app_with_another_url_defaults_hook_keeps_nothing():
    """A hook that makes an address depend on the request (here a language) would make a kept
    address wrong for the next request: every call is url_for's."""
    app = Flask(__name__)
    app.url_map.converters["id"] = IdConverter
    app.add_url_rule("/<lang>/clients/<id:client_id>", "show", lambda lang, client_id: "")

    @app.url_defaults
    def language(endpoint: str, values: dict[str, object]) -> None:
        values.setdefault("lang", g.lang)

    urls = KeptUrls(app, static_hooks=static_files.URL_HOOKS, static_fixed=True)
    made = []
    for lang in ("nl", "fr"):
        with app.test_request_context("/"):
            g.lang = lang
            made.append(urls("show", client_id=5))
    assert made == ["/nl/clients/5", "/fr/clients/5"]


def test_outside_a_request_it_is_url_fors(app):
    urls = app.jinja_env.globals["url_for"]
    app.config["SERVER_NAME"] = "fieldapp.example"
    with app.app_context():
        assert urls("clients.show", client_id=5) == "http://fieldapp.example/clients/5"


@pytest.mark.parametrize(
    "text",
    [
        '"147483647',  # '"' is %22: the quoted value holds 2147483647, the raw text does not
        "â147483647",  # â is %C3%A2
        "!47483647",  # '!' is left as it is in a query: fine, as a control
    ],
)
def test_a_value_whose_quoted_form_holds_the_stand_in_is_url_fors(app, text):
    urls = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        for ident in (5, 6):
            made = urls("clients.show", client_id=ident, next=text)
            assert made == url_for("clients.show", client_id=ident, next=text)


def test_the_query_keeps_the_order_of_the_call(app):
    """url_for writes the query in the order of the values (url_map.sort_parameters is off)."""
    urls = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        urls("clients.show", client_id=5, phase=3, next="/x")
        again = urls("clients.show", client_id=5, next="/x", phase=3)
        assert again == url_for("clients.show", client_id=5, next="/x", phase=3)


def test_an_endpoint_with_a_rule_per_method_follows_the_requests_method():
    """Werkzeug builds with the request's method first (MapAdapter.default_method): an endpoint
    with a GET and a POST rule has another address in a POST request (a form shown again)."""
    app = Flask(__name__)
    app.url_map.converters["id"] = IdConverter

    def view(**_values: object) -> str:
        return ""

    app.add_url_rule("/c/<id:client_id>", "show", view, methods=["GET"])
    app.add_url_rule("/c/<id:client_id>/save", "show", view, methods=["POST"])
    app.add_url_rule("/about", "about", view, methods=["GET"])
    app.add_url_rule("/about/send", "about", view, methods=["POST"])
    urls = KeptUrls(app, static_hooks=static_files.URL_HOOKS, static_fixed=True)
    made = {}
    for method in ("POST", "GET"):
        with app.test_request_context("/", method=method):
            made[method] = (urls("show", client_id=5), urls("about"))
            assert made[method] == (url_for("show", client_id=5), url_for("about")), method


def test_long_values_are_not_kept(app):
    """What one person can make it keep: 4096 addresses with a `next` of 4,000 characters (a
    client's page under /clients/000…05, whose signed-out banner links to
    auth.login?next=<request.path>; a rater's form with ?q=… in four languages)."""
    urls = KeptUrls(app, static_hooks=static_files.URL_HOOKS, static_fixed=True)
    with app.test_request_context("/"):
        for n in range(KEPT_URLS - 1):
            urls("auth.login", next=f"/clients/{n:0>4000}")
    kept = urls._made
    size = sum(sys.getsizeof(k[3][0][1]) + sys.getsizeof(v) for k, v in kept.items())
    assert size < 4_000_000, f"{len(kept)} addresses, {size / 1e6:.1f} MB"


def test_a_page_under_a_long_address_keeps_no_long_address(client):
    """A page links to itself (the language switch's ``next``, the signed-out banner's): anyone
    can ask for addresses of 3,000 characters, one a request, and none of them is kept."""
    page = client.get(f"/password/reset/{'x' * 3000}")
    assert "x" * 3000 in page.get_data(as_text=True)  # written into the page's links
    urls = client.application.jinja_env.globals["url_for"]
    kept = [v for key in urls._made for _, v in key[3] if isinstance(v, str)]
    assert max(map(len, kept), default=0) <= 100


def test_an_unknown_endpoint_is_url_fors_build_error(app):
    """A typo in a template: url_for's BuildError ("Did you mean…"), not a KeyError."""
    urls = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"), pytest.raises(BuildError):
        urls("clients.shwo", client_id=5)
