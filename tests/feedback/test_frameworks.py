"""Competence frameworks: the shipped one, copies an administrator adapts, the one in use."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from fieldapp.auth.roles import Role
from fieldapp.feedback import frameworks, shipped
from fieldapp.feedback.frameworks import LANGUAGES
from fieldapp.feedback.models import Competence, Framework
from fieldapp.i18n import RATER_LANGUAGES


@pytest.fixture
def admin(make, auth):
    user = make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login(user.email)
    return user


def own_frameworks(db) -> list[Framework]:
    db.session.expire_all()
    return db.session.scalars(select(Framework).order_by(Framework.id)).all()


def competence_form(**texts):
    data = {f"label_{code}": "" for code in LANGUAGES}
    data.update({f"description_{code}": "" for code in LANGUAGES})
    data.update(texts)
    return data


def test_the_shipped_framework_is_complete_in_every_language_raters_read():
    """nl, fr, en, and every language with a catalog (Arabic, Turkish): a new catalog needs the
    shipped competences in its language too."""
    keys = [competence["key"] for competence in shipped.COMPETENCES]
    assert len(keys) == len(set(keys)) == 10
    assert set(shipped.NAME) == set(RATER_LANGUAGES)
    for competence in shipped.COMPETENCES:
        for code in RATER_LANGUAGES:
            assert competence["label"][code].strip()
            assert competence["description"][code].strip()
            assert len(competence["label"][code]) <= 80


def test_only_administrators_manage_frameworks(client, auth, make):
    counsellor = make.user(email="c@example.org")
    auth.login(counsellor.email)
    assert client.get("/admin/frameworks/").status_code == 403


def test_copy_adapt_and_put_a_framework_in_use(client, db, admin):
    page = client.get("/admin/frameworks/").get_data(as_text=True)
    assert "Competences at work" in page  # the shipped one, in use until another is
    assert page.count("data-in-use") == 1

    response = client.post("/admin/frameworks/copy")
    assert response.status_code == 302
    (framework,) = own_frameworks(db)
    assert response.headers["Location"] == f"/admin/frameworks/{framework.id}"
    assert len(framework.competences) == 10
    assert framework.competences[0].label == shipped.COMPETENCES[0]["label"]

    first = framework.competences[0]
    response = client.post(
        f"/admin/frameworks/competences/{first.id}",
        data=competence_form(
            label_nl="Stiptheid", label_en="On time", description_nl="Komt op tijd."
        ),
    )
    assert response.status_code == 302
    added = client.post(
        f"/admin/frameworks/{framework.id}/competences",
        data=competence_form(label_nl="Omgaan met klanten", label_fr="Contact clients"),
    )
    assert added.status_code == 302
    framework = own_frameworks(db)[0]
    assert framework.competences[-1].key == "omgaan-met-klanten"  # a key from the Dutch label
    assert framework.competences[-1].label == {"nl": "Omgaan met klanten", "fr": "Contact clients"}
    client.post(f"/admin/frameworks/competences/{framework.competences[1].id}/remove")
    framework = own_frameworks(db)[0]
    assert len(framework.competences) == 10
    assert framework.competences[0].label == {"nl": "Stiptheid", "en": "On time"}

    client.post("/admin/frameworks/use", data={"framework": framework.id})
    assert own_frameworks(db)[0].in_use
    client.post("/admin/frameworks/copy", data={"source": framework.id})
    copy = own_frameworks(db)[1]
    assert [c.key for c in copy.competences] == [c.key for c in framework.competences]
    client.post("/admin/frameworks/use", data={"framework": copy.id})
    assert [f.in_use for f in own_frameworks(db)] == [False, True]  # one in use at a time
    client.post("/admin/frameworks/use")  # back to the shipped framework
    assert [f.in_use for f in own_frameworks(db)] == [False, False]


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({"label_fr": "Sans néerlandais"}, "This field is required."),
        ({"label_nl": "x" * 81}, "at most 80"),
        ({"label_nl": "Goed", "description_en": "y" * 301}, "at most 300"),
        ({"label_nl": "Goed", "label_ar": "ج" * 81}, "at most 80"),
        ({"label_nl": "Goed", "description_tr": "ş" * 301}, "at most 300"),
    ],
)
def test_bad_competences_get_a_message(client, db, admin, texts, message):
    client.post("/admin/frameworks/copy")
    framework = own_frameworks(db)[0]
    response = client.post(
        f"/admin/frameworks/{framework.id}/competences", data=competence_form(**texts)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(own_frameworks(db)[0].competences) == 10


def test_the_last_competence_cannot_be_removed(client, db, admin):
    client.post("/admin/frameworks/copy")
    framework = own_frameworks(db)[0]
    ids = [competence.id for competence in framework.competences]
    for competence_id in ids[:-1]:
        assert (
            client.post(f"/admin/frameworks/competences/{competence_id}/remove").status_code == 302
        )
    response = client.post(f"/admin/frameworks/competences/{ids[-1]}/remove")
    assert response.status_code == 409
    assert "at least one competence" in response.get_data(as_text=True)
    assert db.session.get(Competence, ids[-1]) is not None


def test_notes_score_the_competences_of_the_framework_in_use(client, db, make, auth):
    world = make.world()
    auth.login(world.counsellor.email)
    url = f"/api/visits/{world.visit.id}/notes"

    def note(observations):
        return {
            "note_uuid": str(uuid.uuid4()),
            "revision_uuid": str(uuid.uuid4()),
            "body": "Werkt goed samen.",
            "observations": observations,
        }

    page = client.get(f"/visits/{world.visit.id}").get_data(as_text=True)
    assert 'name="competence:teamwork"' in page  # the shipped framework: in use by default
    assert client.post(url, json=note({"competence:teamwork": 4})).status_code == 201
    refused = client.post(url, json=note({"competence:charm": 4}))
    assert refused.status_code == 422
    assert "from 1 to 5" in refused.json["message"]

    world.framework.in_use = True
    world.framework.competences[0].label = {"nl": "Stiptheid", "en": "On time"}
    db.session.commit()
    page = client.get(f"/visits/{world.visit.id}").get_data(as_text=True)
    assert "On time" in page
    assert "Teamwork: 4/5" in page  # a score given earlier keeps its label


def test_a_score_for_a_competence_taken_out_of_use_keeps_a_readable_name(client, db, make, auth):
    world = make.world()
    auth.login(world.counsellor.email)
    note = {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Goed.",
        "observations": {"competence:teamwork": 4},
    }
    client.post(f"/api/visits/{world.visit.id}/notes", json=note)
    world.framework.in_use = True
    world.framework.competences[4].key = "omgaan-met-klanten"  # teamwork is no longer in use
    db.session.commit()
    page = client.get(f"/visits/{world.visit.id}").get_data(as_text=True)
    assert "Teamwork: 4/5" in page


def test_the_editor_shows_and_saves_the_texts_of_every_language_raters_read(client, db, admin):
    """nl, fr and en, and Arabic and Turkish (a catalog each): their fields come filled with the
    shipped texts, written in their own direction, and an edit saves what the form sends; a text
    left empty is gone, and raters then read the competence in Dutch."""
    client.post("/admin/frameworks/copy")
    first = own_frameworks(db)[0].competences[0]
    shipped_label = shipped.COMPETENCES[0]["label"]
    url = f"/admin/frameworks/competences/{first.id}"
    page = client.get(url).get_data(as_text=True)
    for code in RATER_LANGUAGES:
        assert f'name="label_{code}"' in page
        assert f'name="description_{code}"' in page
    assert f'dir="rtl" id="label_ar" lang="ar" maxlength="{frameworks.MAX_LABEL}"' in page
    assert shipped_label["ar"] in page
    assert shipped_label["tr"] in page

    edited = competence_form(
        label_nl="Stipt", label_ar="دقيق في المواعيد", label_tr="", description_nl="Komt op tijd."
    )
    assert client.post(url, data=edited).status_code == 302
    db.session.expire_all()
    assert first.label == {"nl": "Stipt", "ar": "دقيق في المواعيد"}
    assert first.description == {"nl": "Komt op tijd."}
    assert frameworks.in_language(first.label, "tr") == "Stipt"


def test_the_framework_in_use_is_the_organisations_own_in_its_order_and_language(db, make):
    """Read as columns in one query: each organisation gets its own framework in use, its
    competences in their order and in the reader's language (else the first that has a text), and
    the shipped framework when none is in use."""
    ours, theirs = make.organisation(), make.organisation()
    actor = make.user(organisation=ours, role=Role.ADMIN, email="a@ours.example")
    framework = frameworks.copy(actor, None, "Ons kader")
    framework.competences[0].position, framework.competences[1].position = 1, 0
    framework.competences[1].label = {"nl": "Samen", "fr": "Ensemble"}
    framework.in_use = True
    db.session.commit()

    in_use = frameworks.framework_in_use(ours.id, "fr")
    assert (in_use.id, in_use.name) == (framework.id, "Ons kader")
    keys = [item["key"] for item in shipped.COMPETENCES]
    assert [c.key for c in in_use.competences] == [keys[1], keys[0], *keys[2:]]
    assert in_use.competences[0].label == "Ensemble"
    assert frameworks.framework_in_use(ours.id, "en").competences[0].label == "Samen"
    assert frameworks.framework_in_use(theirs.id, "fr") == frameworks.shipped_framework("fr")
    assert frameworks.framework_in_use(theirs.id, "fr").id is None
