"""360° feedback on a 360 px phone: a floor supervisor and a member of the client's network fill
the form at their links; the counsellor reads the report."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.e2e.test_shell import sign_in


def fill_every_question(page, answer: str, skip: str | None = None) -> None:
    for question in page.locator("fieldset.question").all():
        word = "Kan ik niet beoordelen" if question.get_attribute("id") == skip else answer
        question.get_by_text(word, exact=True).click()


def test_a_supervisor_and_the_network_answer_and_the_counsellor_reads_the_report(
    context, live_server, make, db
):
    world = make.world()
    feedback_round, links = make.feedback_round(
        world,
        rounds.Rater(RaterGroup.SELF, world.client.first_name),
        rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"),
        rounds.Rater(RaterGroup.NETWORK, "Zus", language="fr"),
    )
    self_link, supervisor_link, network_link = (
        f"{live_server.url}/f/{links[invitation.id]}" for invitation in feedback_round.invitations
    )

    supervisor = context.new_page()
    supervisor.goto(supervisor_link)
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text(world.client.first_name)
    assert supervisor.evaluate("document.documentElement.scrollWidth") <= 360
    fill_every_question(supervisor, "Meestal", skip="q-language")
    supervisor.get_by_label("Wil je nog iets kwijt? (niet verplicht)").fill("Een harde werker.")
    supervisor.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("Dank je")

    sister = context.new_page()
    sister.goto(network_link)  # her invitation is in French
    expect(sister.get_by_role("heading", level=1)).to_contain_text("Comment")
    sister.get_by_role("link", name="Nederlands").click()
    expect(sister.locator("[data-anonymous]")).to_have_attribute("data-anonymous", "true")
    sister.locator("fieldset.question").first.get_by_text("Soms", exact=True).click()
    sister.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(sister.get_by_role("alert")).to_contain_text("Beantwoord elke vraag")
    fill_every_question(sister, "Soms")
    sister.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(sister.get_by_role("heading", level=1)).to_have_text("Dank je")

    own = context.new_page()
    own.goto(self_link)
    fill_every_question(own, "Altijd")
    own.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(own.get_by_role("heading", level=1)).to_have_text("Dank je")

    counsellor = context.new_page()
    sign_in(counsellor, live_server, world.counsellor.email)
    counsellor.goto(f"{live_server.url}/feedback/rounds/{feedback_round.id}")
    expect(counsellor.locator("[data-status=answered]")).to_have_count(2)  # the named raters
    expect(counsellor.locator("[data-group-progress] [data-group=network]")).to_contain_text("1")
    counsellor.get_by_role("link", name="Rapport openen").click()
    row = counsellor.locator("tr[data-competence=punctuality]")
    expect(row.locator("td").first).to_have_text("5,0")
    expect(row.locator("[data-others]")).to_contain_text("4,0")  # the supervisor only
    expect(row.locator("[data-flag=blind_spot]")).to_be_visible()
    expect(counsellor.locator("[data-withheld-group=network]")).to_be_visible()  # open round
    expect(counsellor.get_by_text("Een harde werker.")).to_be_visible()


def test_answers_chosen_at_a_link_are_there_when_the_rater_comes_back(
    context, live_server, make, db
):
    """Autosave: a rater who chooses answers and closes the page without a button finds them."""
    world = make.world()
    feedback_round, links = make.feedback_round(world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"))
    link = f"{live_server.url}/f/{links[feedback_round.invitations[0].id]}"

    first_visit = context.new_page()
    first_visit.goto(link)
    questions = first_visit.locator("fieldset.question")
    questions.nth(0).get_by_text("Meestal", exact=True).click()
    questions.nth(1).get_by_text("Soms", exact=True).click()
    first_visit.get_by_label("Wil je nog iets kwijt? (niet verplicht)").fill("Vriendelijk.")
    expect(first_visit.locator("form[data-autosave]")).to_have_attribute("data-autosave", "saved")
    first_visit.close()

    again = context.new_page()
    again.goto(link)
    questions = again.locator("fieldset.question")
    expect(questions.nth(0).get_by_label("Meestal")).to_be_checked()
    expect(questions.nth(1).get_by_label("Soms")).to_be_checked()
    expect(questions.nth(2).locator("input:checked")).to_have_count(0)
    expect(again.get_by_label("Wil je nog iets kwijt? (niet verplicht)")).to_have_value(
        "Vriendelijk."
    )


def test_an_incomplete_answer_lists_every_open_question_and_keeps_the_rest(
    context, live_server, make, db
):
    """Sent with two questions open: both are listed at the top, each a link to its question; the
    answers chosen and the comments typed are still there."""
    world = make.world()
    feedback_round, links = make.feedback_round(world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"))
    page = context.new_page()
    page.goto(f"{live_server.url}/f/{links[feedback_round.invitations[0].id]}")
    questions = page.locator("fieldset.question")
    ids = [question.get_attribute("id") for question in questions.all()]
    left_open = [ids[1], ids[-1]]
    for question in questions.all():
        if question.get_attribute("id") not in left_open:
            question.get_by_text("Meestal", exact=True).click()
    first = questions.nth(0)
    first.get_by_text("Opmerking toevoegen (niet verplicht)").click()
    first.locator("textarea").fill("Altijd stipt.")
    page.get_by_label("Wil je nog iets kwijt? (niet verplicht)").fill("Een harde werker.")
    page.get_by_role("button", name="Mijn antwoorden versturen").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()  # read out first, without any script
    expect(summary.get_by_role("heading", level=2)).to_have_text("Er is een probleem")
    listed = summary.get_by_role("link")
    expect(listed).to_have_count(2)
    assert [link.get_attribute("href") for link in listed.all()] == [f"#{id_}" for id_ in left_open]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for link in listed.all():
        assert link.bounding_box()["height"] >= 44

    last = page.locator(f"#{left_open[1]}")
    expect(last).not_to_be_in_viewport()
    listed.nth(1).click()
    expect(page).to_have_url(re.compile(f"#{left_open[1]}$"))
    expect(last).to_be_in_viewport()
    expect(last).to_have_class(re.compile("question--error"))
    expect(last.get_by_text("Kies een antwoord", exact=False)).to_be_visible()
    expect(page.locator(f"#{left_open[0]}")).to_have_class(re.compile("question--error"))

    expect(first.get_by_label("Meestal")).to_be_checked()
    expect(questions.nth(2).get_by_label("Meestal")).to_be_checked()
    expect(page.locator(f"#{left_open[0]} input:checked")).to_have_count(0)
    expect(first.locator("textarea")).to_have_value("Altijd stipt.")
    expect(page.get_by_label("Wil je nog iets kwijt? (niet verplicht)")).to_have_value(
        "Een harde werker."
    )

    last.get_by_text("Soms", exact=True).click()
    page.locator(f"#{left_open[0]}").get_by_text("Kan ik niet beoordelen", exact=True).click()
    page.get_by_role("button", name="Mijn antwoorden versturen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank je")


def assert_big_enough(*targets) -> None:
    """One-handed on a 360 px phone: every button at least 44 by 44 CSS pixels."""
    for target in targets:
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["width"] >= 44, (target, box)
        assert box["height"] >= 44, (target, box)


def test_starting_a_round_asks_once_and_keeps_what_was_filled_in(context, live_server, make, db):
    world = make.world()
    page = context.new_page()
    sign_in(page, live_server, world.counsellor.email)
    page.goto(f"{live_server.url}/trajectories/{world.trajectory.id}/feedback/new")
    supervisor = page.locator("fieldset.rater-row").nth(1)
    supervisor.get_by_label("Naam").fill("Sofie")
    supervisor.get_by_label("E-mail (niet verplicht)").fill("sofie@example.org")
    page.get_by_role("button", name="Nakijken en starten").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nakijken voor je start")
    expect(page.locator("[data-raters]")).to_contain_text("sofie@example.org")
    start = page.get_by_role("button", name="Ronde starten")
    change = page.get_by_role("button", name="Wijzigen")
    assert_big_enough(start, change)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    change.click()
    supervisor = page.locator("fieldset.rater-row").nth(1)
    expect(supervisor.get_by_label("Naam")).to_have_value("Sofie")
    supervisor.get_by_label("Naam").fill("Sofie Verbruggen")
    page.get_by_role("button", name="Nakijken en starten").click()
    page.get_by_role("button", name="Ronde starten").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("360°")
    expect(page.locator("[data-invitation]")).to_have_count(2)
    expect(page.locator("[data-invitations]")).to_contain_text("Sofie Verbruggen")


def test_a_link_is_stopped_or_replaced_only_when_asked_twice_and_its_rater_reads_why(
    app, context, live_server, make, db
):
    world = make.world()
    with app.test_request_context():  # the invitation e-mail carries an absolute link
        feedback_round, links = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", "sofie@example.org"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Jan"),
        )
    sofie_link, jan_link = (
        f"{live_server.url}/f/{links[invitation.id]}" for invitation in feedback_round.invitations
    )
    page = context.new_page()
    sign_in(page, live_server, world.counsellor.email)
    round_url = f"{live_server.url}/feedback/rounds/{feedback_round.id}"
    page.goto(round_url)
    jan = page.locator("[data-invitation]").nth(1)
    assert_big_enough(
        jan.get_by_role("button", name="Link tonen"),  # no link shown to him yet
        jan.get_by_role("link", name="Link stopzetten"),
    )

    jan.get_by_role("link", name="Link stopzetten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("De link van Jan stopzetten?")
    cancel = page.get_by_role("link", name="Annuleren")
    assert_big_enough(page.get_by_role("button", name="Link stopzetten"), cancel)
    cancel.click()
    expect(page.locator("[data-invitation]").nth(1).locator("[data-status]")).to_have_attribute(
        "data-status",
        "anonymous",  # a colleague: counted with the group, never "waiting"
    )
    page.locator("[data-invitation]").nth(1).get_by_role("link", name="Link stopzetten").click()
    page.get_by_role("button", name="Link stopzetten").click()
    expect(page.locator("[data-invitation]").nth(1).locator("[data-status]")).to_have_attribute(
        "data-status", "revoked"
    )

    page.locator("[data-invitation]").nth(0).get_by_role("link", name="Nieuwe link tonen").click()
    expect(page.locator("[data-confirm=new]")).to_contain_text("sofie@example.org")
    expect(page.locator("[data-confirm=new]")).to_contain_text("werkt niet meer")
    show = page.get_by_role("button", name="Nieuwe link tonen")
    assert_big_enough(show, page.get_by_role("link", name="Annuleren"))
    show.click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    new_link = page.locator("[data-feedback-link]").input_value()
    # On paper: a button prints the page (a phone's browser hides printing in its menu).
    page.evaluate("window.print = () => { window.__printed = true; }")
    print_button = page.get_by_role("button", name="Afdrukken")
    assert_big_enough(print_button)
    print_button.click()
    assert page.evaluate("window.__printed") is True

    rater = context.new_page()
    rater.goto(jan_link)
    expect(rater.get_by_role("heading", level=1)).to_have_text("Deze link werd stopgezet")
    expect(rater.get_by_role("main")).to_contain_text(world.counsellor.name)
    rater.goto(sofie_link)
    expect(rater.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    expect(rater.get_by_role("main")).to_contain_text("vervangen door een nieuwere")
    rater.goto(new_link)
    expect(rater.get_by_role("heading", level=1)).to_contain_text(world.client.first_name)


def test_a_rater_who_opens_their_link_again_reads_that_their_answers_arrived(
    context, live_server, make, db
):
    """Back at the link after answering, on a phone, in French: when the answers arrived, that
    nothing is left to do, whom to ask; the page fits the screen and offers no form."""
    world = make.world()
    feedback_round, links = make.feedback_round(
        world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", language="fr")
    )
    link = f"{live_server.url}/f/{links[feedback_round.invitations[0].id]}"
    rater = context.new_page()
    rater.goto(link)
    fill_every_question(rater, "La plupart du temps")
    rater.get_by_role("button", name="Envoyer mes réponses").click()
    expect(rater.get_by_role("heading", level=1)).to_have_text("Merci")

    rater.goto(link)
    expect(rater).to_have_title(re.compile("^Vos réponses sont bien arrivées"))
    expect(rater.get_by_role("heading", level=1)).to_have_text("Vos réponses sont bien arrivées")
    main = rater.get_by_role("main")
    expect(main).to_contain_text(re.compile(r"parvenues le \d{1,2} \w+ \d{4} à \d\d:\d\d"))
    expect(main).to_contain_text("Vous n’avez plus rien à faire")
    expect(main).to_contain_text(world.counsellor.name)
    expect(rater.locator("form")).to_have_count(0)
    assert rater.evaluate("document.documentElement.scrollWidth") <= 360


def test_only_a_link_handed_out_before_is_said_to_stop_working(app, context, live_server, make, db):
    """Jan has no e-mail address: the round started without anyone seeing his link. The first
    link shown for him replaces none, so nothing warns that a previous one stops; from the second
    on, and for Sofie, whose link was e-mailed, it does."""
    world = make.world()
    with app.test_request_context():  # the invitation e-mail carries an absolute link
        feedback_round, _ = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", "sofie@example.org"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Jan"),
        )
    page = context.new_page()
    sign_in(page, live_server, world.counsellor.email)
    page.goto(f"{live_server.url}/feedback/rounds/{feedback_round.id}")
    sofie, jan = page.locator("[data-invitation]").nth(0), page.locator("[data-invitation]").nth(1)
    expect(sofie.get_by_role("link", name="Nieuwe link tonen")).to_be_visible()
    expect(jan.get_by_role("link", name="Nieuwe link tonen")).to_have_count(0)

    jan.get_by_role("button", name="Link tonen").click()  # nothing to lose: no page that asks
    expect(page.get_by_role("heading", level=1)).to_have_text("Link voor Jan")
    expect(page.locator(".qr-code svg")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("vorige link")
    expect(page.get_by_role("main")).not_to_contain_text("werkt niet meer")

    page.get_by_role("link", name="360°-feedback").click()
    jan = page.locator("[data-invitation]").nth(1)
    jan.get_by_role("link", name="Nieuwe link tonen").click()  # now one was handed out
    expect(page.locator("[data-confirm=new]")).to_contain_text("werkt niet meer")
    page.get_by_role("button", name="Nieuwe link tonen").click()
    expect(page.get_by_role("main")).to_contain_text("de vorige link werkt niet meer")
