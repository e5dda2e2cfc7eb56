"""Every page of every role on a 360 × 740 phone, in Dutch and in French.

The pages come from the app's URL map: every GET route is visited, its record arguments filled from
one complete client file (``make.world()``), so a new page is walked without editing this test.
Each role (counsellor, team lead, administrator) walks in one browser profile, first in Dutch, then
in French; the public pages (sign-in, a rater's link, the offline page…) are walked signed out.
On every page that a role may open:

- nothing scrolls sideways: the document is at most 360 px wide;
- axe-core finds no critical or serious violation (Dutch pass; the French pass would find the same;
  the rules whose every violation is minor or moderate are not run, see ``AXE_JS``);
- every field's text is at least 16 px (a phone zooms in on smaller text);
- every link, button and field in the main content is at least 44 × 44 px, except a link inside
  running text (WCAG 2.5.8's inline exception, see ``CHECKS_JS``);
- no English is left: no text equals an English message that the page's language translates, and
  no text contains an English message of three words or more.

axe-core is vendored for these tests only (``tests/e2e/vendor/``); the app never loads it.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from flask import Flask, url_for

from fieldapp import PROJECT_ROOT
from fieldapp.admin import organisation_settings
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.extensions import db
from fieldapp.supervisor_link import services as supervisor_link
from tests.clock import frozen_moment
from tests.e2e.busy_world import busy_world
from tests.e2e.conftest import ARTIFACTS, PHONE, PHONE_CONTEXT
from tests.e2e.test_shell import sign_in
from tests.factories import World
from tests.test_tenancy import RECORD_ARGUMENTS

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("nl", "fr")
MIN_TARGET = 44
MIN_FIELD_TEXT = 16
PUNCTUATION = " .,:;·()–-?!…"

# GET routes that are not pages a person reads, each with the reason.
NOT_PAGES = {
    "static": "files",
    "pwa.manifest": "JSON for the browser",
    "pwa.service_worker": "JavaScript",
    "pwa.pages_to_keep": "JSON for the service worker",
    "visits.csrf_token": "JSON for the outbox",
    "reminders.this_device": "JSON for the home page's script",
    "contact_moments.latest": "a list for the page script to show again (an HTML fragment)",
    "visits.feed": "an iCalendar feed",
    "feedback_rounds.report_csv": "a CSV download",
    "feedback_rounds.report_xlsx": "an XLSX download",
    "reports.yearly_csv": "a CSV download",
    "reports.yearly_xlsx": "an XLSX download",
    "reports.caseloads_csv": "a CSV download",
    "reports.caseloads_xlsx": "an XLSX download",
    "privacy.export": "a download",
    "documents.evaluation_pdf": "a PDF download",
    "documents.handover_pdf": "a PDF download",
    "imports.template_xlsx": "an XLSX download",
    "imports.template_csv": "a CSV download",
    "auth.invitation_link": "trades its secret for a session and redirects",
    "auth.reset_link": "trades its secret for a session and redirects",
    "mail.outbox": "a developer's tool, only in development",
    "health.healthz": "JSON for a load balancer",
}
# The rater's and the floor supervisor's links need a secret that only exists when it is made:
# they get one below.
SECRET_LINKS = {"feedback_form.answer", "feedback_easy.answer", "supervisor_page.page"}


@dataclass
class Findings:
    pages: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


def supervisor_secret(app: Flask, db: Any, world: World) -> str:
    with app.test_request_context():
        raw = supervisor_link.renew(world.counsellor, world.trajectory)
    db.session.commit()
    return raw


def page_urls(app: Flask, world: World, token: str) -> list[tuple[str, str]]:
    """(endpoint, URL) of every page in the URL map, arguments filled from ``world``."""
    urls = []
    supervisor = supervisor_secret(app, db, world)
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            if rule.endpoint in SECRET_LINKS:
                secret = supervisor if rule.endpoint == "supervisor_page.page" else token
                values: dict[str, Any] = {"token": secret}
            else:
                values = {name: RECORD_ARGUMENTS[name](world) for name in rule.arguments}
            urls.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return urls


@cache
def english_messages() -> dict[str, tuple[set[str], set[str]]]:
    """Per language: the English msgids that must not show (whole texts, and phrases of three
    words or more that must not appear anywhere). A msgid spelled the same in that language
    ("Team", "Stage") or equal to any translation there is not English to that reader. Read once
    per process (the catalogs do not change while the tests run); the walks only read it."""
    with (PROJECT_ROOT / "fieldapp/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        english = read_po(handle, locale="en")
    found = {}
    for language in LANGUAGES:
        path = PROJECT_ROOT / f"fieldapp/translations/{language}/LC_MESSAGES/messages.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        local = set()
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            local.update(s.strip() for s in strings if s)
        whole, phrases = set(), set()
        for message in english:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for msgid in filter(None, ids):
                for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", msgid):
                    part = part.strip(PUNCTUATION)
                    if not re.search(r"[A-Za-z]{2}", part) or part in local:
                        continue
                    if part == msgid.strip(PUNCTUATION):
                        whole.add(part)
                    if len(part.split()) >= 3:
                        phrases.add(part)
        found[language] = (whole, phrases)
    return found


# What each page is measured on, in the browser. A link is exempt from the target size when it is
# displayed inline and the nearest enclosing block holds words besides links: it sits in a
# sentence, and its height is the line's (WCAG 2.5.8's inline exception). Links with only "·"
# between them are a row of targets, not a sentence. A check box or radio button counts
# with its label, which a tap on also toggles it.
CHECKS_JS = """
({minTarget, minText}) => {
  const visible = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== "hidden";
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
      .trim().replace(/\\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.className ? "." + String(el.className)
      .split(" ").join(".") : ""}> "${text}"`;
  };
  const block = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
    return node;
  };
  const norm = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const container = block(el);
    if (container === null) return false;
    let words = container.innerText;
    for (const link of container.querySelectorAll("a")) words = words.replace(link.innerText, " ");
    return /\\p{L}{2,}/u.test(words);
  };
  const box = (el) => {
    const rect = el.getBoundingClientRect();
    let [left, top, right, bottom] = [rect.left, rect.top, rect.right, rect.bottom];
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      for (const label of el.labels || []) {
        const r = label.getBoundingClientRect();
        left = Math.min(left, r.left); top = Math.min(top, r.top);
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
      }
    }
    return { width: right - left, height: bottom - top };
  };
  const fieldText = "input:not([type=hidden],[type=checkbox],[type=radio],[type=submit]," +
    "[type=button],[type=reset],[type=image],[type=file],[type=range],[type=color])," +
    " select, textarea";
  const smallText = [...document.querySelectorAll(fieldText)].filter(visible)
    .filter((el) => parseFloat(getComputedStyle(el).fontSize) < minText)
    .map((el) => `${describe(el)} ${getComputedStyle(el).fontSize}`);
  const main = document.querySelector("main") || document.body;
  const targets = main.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]," +
    " [tabindex]:not([tabindex='-1'])");
  const smallTargets = [...targets].filter(visible)
    .filter((el) => !(el.matches("a") && inSentence(el)))
    .map((el) => [el, box(el)])
    .filter(([, size]) => size.width < minTarget - 0.5 || size.height < minTarget - 0.5)
    .map(([el, size]) => `${describe(el)} ${Math.round(size.width)}×${Math.round(size.height)}`);
  const texts = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (!visible(el) && !el.closest(".visually-hidden")) continue;
    const own = norm(el.innerText);
    if (own && own.length < 200) texts.add(own);
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.hasAttribute(name)) texts.add(norm(el.getAttribute(name)));
    }
    if (el.matches("input[type=submit], input[type=button]")) texts.add(norm(el.value));
  }
  return {
    width: document.documentElement.scrollWidth,
    lang: document.documentElement.lang,
    smallText, smallTargets,
    texts: [...texts],
    body: norm(document.body.innerText) + " " + norm(document.title),
  };
}
"""

# Only critical and serious violations count, so only the rules that can find one run. A rule
# with an impact of its own gives that impact to every violation it finds (axe-core's
# finalizeRuleResult sets each failed check's impact to the rule's before they are aggregated):
# one whose impact is minor or moderate ("region", the landmark rules, "heading-order"...) never
# finds a critical or serious one, and running it only cost time (some 10 of 65 ms a page). A
# rule without an impact of its own takes its checks' and runs.
AXE_JS = """
async () => {
  const neverSerious = axe._audit.rules
    .filter((rule) => ["minor", "moderate"].includes(rule.impact));
  const results = await axe.run(document, {
    resultTypes: ["violations"],
    rules: Object.fromEntries(neverSerious.map((rule) => [rule.id, { enabled: false }])),
  });
  return results.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ` +
      v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | ") +
      (v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ""));
}
"""

# The measures and, on the pass that looks for them, axe-core's violations, in one call: one round
# trip to the browser a page instead of two.
PAGE_JS = f"""
async ({{minTarget, minText, withAxe}}) => {{
  const measured = ({CHECKS_JS})({{minTarget, minText}});
  measured.axe = withAxe ? await ({AXE_JS})() : [];
  return measured;
}}
"""


def check_page(
    page: Any,
    url: str,
    where: str,
    language: str,
    english: dict[str, tuple[set[str], set[str]]],
    findings: Findings,
    *,
    with_axe: bool,
) -> None:
    """Measure the page at ``url`` (one of ``pages_shown``)."""
    response = page.goto(url)
    status = response.status if response else 0
    if page.url != url:
        return
    if status >= 500:
        findings.add(where, f"answers {status}")
        return
    if not (response and response.headers.get("content-type", "").startswith("text/html")):
        findings.add(where, "is not an HTML page: add it to NOT_PAGES")
        return
    findings.pages += 1
    problems = []
    measured = page.evaluate(
        PAGE_JS, {"minTarget": MIN_TARGET, "minText": MIN_FIELD_TEXT, "withAxe": with_axe}
    )
    if measured["width"] > PHONE["width"]:
        problems.append(f"is {measured['width']} px wide")
    problems += [f"field text under {MIN_FIELD_TEXT} px: {el}" for el in measured["smallText"]]
    problems += [f"target under {MIN_TARGET} px: {el}" for el in measured["smallTargets"]]
    # A document in the client's language (the hand-over summary) is read in that language.
    whole, phrases = english[measured["lang"] if measured["lang"] in english else language]
    leftovers = sorted({text for text in measured["texts"] if text.strip(PUNCTUATION) in whole})
    leftovers += sorted(phrase for phrase in phrases if phrase in measured["body"])
    problems += [f"English on a {language} page: {text!r}" for text in dict.fromkeys(leftovers)]
    problems += [f"axe {violation}" for violation in measured["axe"]]
    for problem, times in Counter(problems).items():
        findings.add(where, problem + (f" (×{times})" if times > 1 else ""))
    if problems:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"\W+", "-", where).strip("-")
        page.screenshot(path=ARTIFACTS / f"walk-{name}.png", full_page=True)


def pages_shown(
    context: Any, base: str, urls: list[tuple[str, str]], missing: frozenset[str]
) -> list[tuple[str, str]]:
    """The pages to measure. One that answers 403 or 404 is another role's page, one that
    redirects (the sign-in page to a signed-in person) shows another page: both are left out,
    unless the page is ``missing`` on purpose (an error page, a wrong link). Each is asked for
    once, without the browser, for both languages."""
    shown = []
    for endpoint, url in urls:
        asked = context.request.get(base + url, max_redirects=0)
        asked.dispose()
        if (asked.status in {403, 404} and endpoint not in missing) or 300 <= asked.status < 400:
            continue
        shown.append((endpoint, url))
    return shown


def walk(
    context: Any,
    base: str,
    urls: list[tuple[str, str]],
    who: str,
    findings: Findings,
    missing: frozenset[str] = frozenset(),
) -> None:
    """Every page in Dutch (with axe-core), then every page in French. The language is the one
    chosen on the device (for a signed-in person, their setting); a rater's link has its own.
    Each pass has a tab of its own: only the Dutch one takes axe-core into every page (an init
    script, compiled once for the walk, which the French pages do not need)."""
    english = english_messages()
    shown = pages_shown(context, base, urls, missing)
    for language in LANGUAGES:
        with_axe = language == LANGUAGES[0]
        page = context.new_page()
        if with_axe:
            page.add_init_script(path=str(AXE))
        context.request.post(f"{base}/language", form={"language": language, "next": "/"})
        for endpoint, url in shown:
            target = f"{url}?lang={language}" if url.startswith(("/f/", "/s/")) else url
            check_page(
                page,
                base + target,
                f"{who} {language} {endpoint} {target}",
                language,
                english,
                findings,
                with_axe=with_axe,
            )
        page.close()


def report(findings: Findings, least: int, started: float) -> None:
    print(f"walked {findings.pages} pages in {time.monotonic() - started:.0f} s")
    assert findings.pages >= least, f"only {findings.pages} pages walked"
    assert findings.problems == [], "\n" + "\n".join(findings.problems)


def new_context(browser: Any) -> Any:
    """A phone without the service worker: it would keep every page of the walk for offline
    use, which other tests cover, and the walk would wait."""
    context = browser.new_context(**PHONE_CONTEXT, service_workers="block")
    context.set_default_timeout(15_000)
    context.clock.install(time=frozen_moment())
    return context


def person(make: Any, db: Any, world: World, role: Role) -> User:
    if role is Role.COUNSELLOR:
        return world.counsellor
    user = make.user(world.organisation, role=role)
    if role is Role.TEAM_LEAD:
        team = organisation_settings.create_team(user, "Team Noord")
        user.team_id = world.counsellor.team_id = team.id
        db.session.commit()
    return user


@pytest.mark.timeout(600)
@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.TEAM_LEAD, Role.ADMIN])
def test_every_page_of_a_role(browser, live_server, app, make, db, role):
    started = time.monotonic()
    world, secret = busy_world(make, db)
    user = person(make, db, world, role)
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, live_server, user.email)
        page.close()
        findings = Findings()
        walk(context, live_server.url, page_urls(app, world, secret), role.value, findings)
    finally:
        context.close()
    report(findings, least=2 * 20, started=started)


@pytest.mark.timeout(600)
def test_every_public_page(browser, live_server, app, make, db):
    """Signed out: the sign-in and password pages, the offline page, a rater's link (and a wrong
    one), whatever else needs no account."""
    started = time.monotonic()
    world, secret = busy_world(make, db)
    urls = page_urls(app, world, secret)
    missing = {
        "a wrong rater's link": f"/f/{'x' * 43}",
        "a wrong supervisor's link": f"/s/{'x' * 43}",
        "a page that does not exist": "/nowhere",
    }
    urls += missing.items()
    context = new_context(browser)
    try:
        findings = Findings()
        walk(context, live_server.url, urls, "public", findings, frozenset(missing))
    finally:
        context.close()
    report(findings, least=2 * 6, started=started)


# A page broken on purpose: critical and serious faults, and minor and moderate ones.
BROKEN_PAGE = """<!doctype html><html><head><title>Broken</title></head><body>
<div><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">
<p style="color:#bbb;background:#fff">Faint text</p><ul><div>not a list item</div></ul>
<a href="/x"></a><button></button><h1>One</h1><h4>Skipped levels</h4>
<div role="banner">A</div><div role="banner">B</div></div></body></html>"""

FULL_AXE_JS = """
async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
  .map((v) => `${v.impact} ${v.id}`)
"""


def test_the_walks_axe_run_finds_every_critical_and_serious_violation_of_a_full_run(page):
    """``AXE_JS`` leaves out the rules that cannot find a critical or serious violation: on a page
    broken on purpose it finds exactly the critical and serious ones of a full run. Fails when a
    new axe-core gives a left-out rule a graver violation."""
    page.set_content(BROKEN_PAGE)
    page.add_script_tag(path=str(AXE))
    full = page.evaluate(FULL_AXE_JS)
    graver = {v for v in full if v.split()[0] in ("critical", "serious")}
    assert len(graver) >= 5, full  # the page is broken enough to tell
    assert any(v.split()[0] in ("minor", "moderate") for v in full), full
    restricted = {" ".join(v.split(":")[0].split()) for v in page.evaluate(AXE_JS)}
    assert restricted == graver
