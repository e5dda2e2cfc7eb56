"""What the 360° tests share: a round started through the counsellor's form, raters' answers, and
a small reader for the pages they get back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from fieldapp.common.dates import today
from fieldapp.feedback import shipped
from fieldapp.feedback.models import FeedbackRound

KEYS = [competence["key"] for competence in shipped.COMPETENCES]


def rater_rows(*rows):
    data = {}
    for index, (group, name, email, language) in enumerate(rows):
        data.update(
            {
                f"raters-{index}-group": group,
                f"raters-{index}-name": name,
                f"raters-{index}-email": email,
                f"raters-{index}-language": language,
            }
        )
    return data


def complete_answers(**overrides):
    answers = {f"score-{key}": "4" for key in KEYS}
    answers["score-language"] = "na"
    answers["action"] = "submit"
    answers.update(overrides)
    return answers


@pytest.fixture
def started(client, auth, make, db, sent_mail):
    """A round for the world's client with a supervisor (by e-mail) and a colleague (no e-mail)."""
    world = make.world()
    auth.login(world.counsellor.email)
    response = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new",
        data={
            "deadline": (today() + timedelta(days=10)).isoformat(),
            **rater_rows(
                ("supervisor", "Sofie Verbruggen", "sofie@example.org", "nl"),
                ("colleague", "Jan", "", "fr"),
            ),
            "step": "start",  # the button on the page that asks before starting
        },
    )
    assert response.status_code == 302
    feedback_round = db.session.scalars(
        select(FeedbackRound).order_by(FeedbackRound.id.desc())
    ).first()
    assert response.headers["Location"] == f"/feedback/rounds/{feedback_round.id}"
    (mail,) = sent_mail()
    token = re.search(r"/f/(\S+)", mail.body).group(1)
    return world, feedback_round, token


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        """Every element inside this one (depth first) with ``tag`` and these attribute values
        (``class_`` matches one class)."""
        found = []
        for child in self.children:
            wanted_class = attrs.get("class_")
            plain = {name: value for name, value in attrs.items() if name != "class_"}
            if (
                (tag is None or child.tag == tag)
                and all(child.attrs.get(name.replace("_", "-")) == v for name, v in plain.items())
                and (wanted_class is None or wanted_class in child.classes)
            ):
                found.append(child)
            found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        (element,) = self.all(tag, **attrs)
        return element

    def by_id(self, element_id: str) -> Element:
        return self.one(id=element_id)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data


def read_html(html: str) -> Element:
    """The page as a tree, enough to ask which element carries which attribute or text."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.root
