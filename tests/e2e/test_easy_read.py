"""The easy-read self-assessment on a 360 px phone: a client fills it in in Arabic (right to left,
nothing scrolls sideways, axe-core finds nothing serious), the answers reach the report; the
phone reads a question aloud in the form's language; the counsellor fills it in with the client."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.feedback import rounds, shipped
from fieldapp.feedback.models import FeedbackResponse, RaterGroup
from tests.e2e.conftest import PHONE
from tests.e2e.test_every_page import AXE, AXE_JS
from tests.e2e.test_shell import sign_in

ARABIC_WORDS = ["ليس بعد", "أحيانًا", "كثيرًا", "في معظم الأحيان", "دائمًا", "لا أعرف"]
TAP = 48

# The browser's speech synthesis, replaced by one that notes what it was asked to say.
SPEECH_STUB = """
window.__spoken = [];
Object.defineProperty(window, "speechSynthesis", {
  configurable: true,
  value: {
    speak: (utterance) => window.__spoken.push({ text: utterance.text, lang: utterance.lang }),
    cancel: () => {},
    getVoices: () => [],
  },
});
window.SpeechSynthesisUtterance = class {
  constructor(text) { this.text = text; this.lang = ""; }
};
"""
ONLY_DUTCH_VOICES = SPEECH_STUB.replace(
    "getVoices: () => []", 'getVoices: () => [{ lang: "nl-BE", name: "Dutch" }]'
)
NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: undefined });
"""


def own_link(make, world, language: str) -> tuple[object, str]:
    feedback_round, links = make.feedback_round(
        world,
        rounds.Rater(RaterGroup.SELF, world.client.first_name, language=language, easy_read=True),
        rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"),
    )
    return feedback_round, links[feedback_round.invitations[0].id]


def fits_the_phone(page) -> None:
    """Nothing scrolls sideways, nothing is cut off at either side (what overflows at the start
    of a right-to-left line does not scroll), and axe-core finds nothing serious."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for link in page.locator("nav a, main a, main button:visible").all():
        box = link.bounding_box()
        assert box["x"] >= 0, link.text_content()
        assert box["x"] + box["width"] <= PHONE["width"], link.text_content()
    assert page.evaluate(AXE_JS) == []


def test_a_client_fills_the_easy_read_form_in_arabic(context, live_server, make, db):
    world = make.world()
    feedback_round, secret = own_link(make, world, "ar")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto(f"{live_server.url}/f/{secret}")

    expect(page).to_have_url(f"{live_server.url}/f/{secret}/easy")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    first = shipped.COMPETENCES[0]["label"]["ar"]
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.get_by_text("1 من 10")).to_be_visible()
    fits_the_phone(page)
    for target in page.locator(".easy-scale__point, .easy-button").all():
        box = target.bounding_box()
        assert box["height"] >= TAP
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    # Right to left: the picture is to the right of the choice's radio button.
    point = page.locator(".easy-scale__point").first
    radio, picture = point.locator("input").bounding_box(), point.locator("img").bounding_box()
    assert picture["x"] < radio["x"]

    chosen = {}
    for number, competence in enumerate(shipped.COMPETENCES, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(competence["label"]["ar"])
        value = number % 5 + 1
        page.get_by_label(ARABIC_WORDS[value - 1], exact=True).check()
        chosen[competence["key"]] = value
        if number == 3:  # back one screen: the answer given there is still chosen
            page.get_by_role("button", name="السابق").click()
            expect(page.get_by_label(ARABIC_WORDS[2], exact=True)).to_be_checked()
            page.get_by_role("button", name="التالي").click()
            expect(page.get_by_label(ARABIC_WORDS[value - 1], exact=True)).to_be_checked()
        page.get_by_role("button", name="التالي").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("هل أنت جاهز للإرسال؟")
    expect(page.locator("[data-answered]")).to_have_text("أجبت عن 10 من 10 أسئلة.")
    page.get_by_label("هل تريد أن تقول شيئًا آخر؟ (اختياري)").fill("أحاول كل يوم.")
    fits_the_phone(page)
    page.get_by_role("button", name="أرسل إجاباتي").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("شكرًا لك")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    fits_the_phone(page)

    (response,) = db.session.scalars(select(FeedbackResponse)).all()
    assert response.rater_group == "self"
    assert response.scores == chosen
    assert response.overall_comment == "أحاول كل يوم."

    counsellor = context.new_page()
    sign_in(counsellor, live_server, world.counsellor.email)
    counsellor.goto(f"{live_server.url}/feedback/rounds/{feedback_round.id}/report")
    row = counsellor.locator("tr[data-competence=punctuality]")
    expect(row.locator("td").first).to_have_text("2,0")  # the first question: "sometimes"
    expect(counsellor.get_by_text("أحاول كل يوم.")).to_be_visible()


def test_the_phone_reads_the_question_and_its_choices_aloud(context, browser, live_server, make):
    world = make.world()
    _, secret = own_link(make, world, "ar")
    context.add_init_script(SPEECH_STUB)
    page = context.new_page()
    page.goto(f"{live_server.url}/f/{secret}/easy")

    button = page.get_by_role("button", name="اقرأ بصوت عالٍ")
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= TAP
    button.click()
    (spoken,) = page.evaluate("window.__spoken")
    assert spoken["lang"] == "ar"
    competence = shipped.COMPETENCES[0]
    said = spoken["text"]
    parts = [
        competence["label"]["ar"],
        competence["description"]["ar"],
        "كم مرة ينطبق هذا عليك؟",
        *ARABIC_WORDS,
    ]
    positions = [said.index(part) for part in parts]
    assert positions == sorted(positions)  # in the order they stand on the screen

    page.get_by_role("link", name="Türkçe").click()
    page.get_by_role("button", name="Sesli oku").click()
    spoken = page.evaluate("window.__spoken")[-1]
    assert spoken["lang"] == "tr"
    assert spoken["text"].startswith(competence["label"]["tr"])

    silent = browser.new_context(viewport=PHONE)
    try:
        silent.add_init_script(NO_SPEECH)
        without = silent.new_page()
        without.goto(f"{live_server.url}/f/{secret}/easy")
        expect(without.locator("[data-read-aloud]")).to_be_hidden()
        expect(without.get_by_role("button", name="التالي")).to_be_visible()
    finally:
        silent.close()


def test_no_read_aloud_button_when_the_phone_has_no_voice_for_the_language(
    context, live_server, make
):
    """A voice of another language would mangle the words or say nothing: no dead button."""
    world = make.world()
    _, secret = own_link(make, world, "ar")
    context.add_init_script(ONLY_DUTCH_VOICES)
    page = context.new_page()
    page.goto(f"{live_server.url}/f/{secret}/easy")
    expect(page.get_by_role("button", name="التالي")).to_be_visible()
    expect(page.locator("[data-read-aloud]")).to_be_hidden()

    page.get_by_role("link", name="Nederlands").click()
    page.get_by_role("button", name="Voorlezen").click()
    assert page.evaluate("window.__spoken")[-1]["lang"] == "nl"


def test_the_counsellor_fills_it_in_with_the_client(context, live_server, make, db):
    world = make.world()
    feedback_round, _ = own_link(make, world, "tr")
    page = context.new_page()
    sign_in(page, live_server, world.counsellor.email)
    page.goto(f"{live_server.url}/feedback/rounds/{feedback_round.id}")
    page.locator("[data-together]").click()

    expect(page.locator("[data-assisted]")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "tr"
    for _competence in shipped.COMPETENCES:
        page.get_by_label("Çoğu zaman", exact=True).check()
        page.get_by_role("button", name="İleri").click()
    page.get_by_role("button", name="Cevaplarımı gönder").click()

    expect(page).to_have_url(f"{live_server.url}/feedback/rounds/{feedback_round.id}")
    (response,) = db.session.scalars(select(FeedbackResponse)).all()
    assert response.assisted_by_id == world.counsellor.id
    page.goto(f"{live_server.url}/feedback/rounds/{feedback_round.id}/report")
    expect(page.locator("[data-assisted]")).to_be_visible()
