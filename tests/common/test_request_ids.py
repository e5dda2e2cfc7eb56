"""Each request has an id (a well-formed ``X-Request-ID`` from the proxy, else a new one), echoed
in the answer and carried by every log line written while handling it; ``FIELDAPP_LOG_JSON``
makes the lines JSON, and secret links are redacted in both formats."""

from __future__ import annotations

import io
import json
import logging
import re
from datetime import datetime, timedelta

import pytest

from fieldapp.common import log_lines, request_ids
from fieldapp.common.access import public
from fieldapp.common.time import now_utc

TOKEN = "Zx9SECRETtokenVALUE_abc-123"
log = logging.getLogger("fieldapp.tests.request_ids")


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_well_formed_incoming_id_is_kept(client):
    response = client.get("/sign-in", headers={"X-Request-ID": "lb-7f3a.42_Z"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42_Z"


@pytest.mark.parametrize("incoming", ["", "has space", "semi;colon", "é", "x" * 65, "<script>"])
def test_a_malformed_incoming_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_an_error_answer_has_the_id_too(client):
    response = client.get("/no-such-page", headers={"X-Request-ID": "abc"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "abc"


@pytest.mark.own_app
def test_every_log_line_of_a_request_carries_its_id(app, client, caplog):
    def noisy() -> str:
        log.warning("first")
        log.error("second")
        return "ok"

    app.add_url_rule("/noisy", "noisy", public(noisy))
    with caplog.at_level(logging.INFO, logger=log.name):
        given = client.get("/noisy", headers={"X-Request-ID": "req-1"})
        made = client.get("/noisy")
    ids = [record.request_id for record in caplog.records if record.name == log.name]
    assert given.headers["X-Request-ID"] == "req-1"
    assert ids == ["req-1", "req-1", made.headers["X-Request-ID"], made.headers["X-Request-ID"]]


def test_a_line_outside_a_request_has_no_id(caplog):
    with caplog.at_level(logging.INFO, logger=log.name):
        log.info("scheduler pass")
    (record,) = caplog.records
    assert record.request_id == request_ids.NONE


def test_a_text_line_shows_the_id(caplog):
    with caplog.at_level(logging.INFO, logger=log.name):
        log.info("hello %s", "there")
    line = log_lines.formatter(json_lines=False).format(caplog.records[0])
    assert line.endswith(f"INFO {log.name} [-] hello there")


@pytest.mark.own_app
def test_a_json_line_has_time_level_logger_message_and_id(app, client, caplog):
    app.add_url_rule("/noisy", "noisy", public(lambda: log.warning("odd: %d", 3) or "ok"))
    with caplog.at_level(logging.INFO, logger=log.name):
        client.get("/noisy", headers={"X-Request-ID": "req-2"})
    line = log_lines.formatter(json_lines=True).format(caplog.records[0])
    assert "\n" not in line
    parsed = json.loads(line)
    written = datetime.fromisoformat(parsed.pop("time"))
    assert abs(written - now_utc()) < timedelta(milliseconds=1)  # the clock of the tests
    assert parsed == {
        "level": "WARNING",
        "logger": log.name,
        "message": "odd: 3",
        "request_id": "req-2",
    }


@pytest.mark.parametrize("json_lines", [False, True])
def test_secret_links_are_redacted_in_both_formats(caplog, json_lines):
    access = logging.getLogger("gunicorn.access")
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        access.info('"GET %s HTTP/1.1" 200', f"/invitation/{TOKEN}")
    line = log_lines.formatter(json_lines).format(caplog.records[0])
    assert TOKEN not in line
    assert "/invitation/[secret]" in line


def test_lines_go_to_stderr_in_the_chosen_format_unless_logging_is_configured():
    root, stream = logging.Logger("an unconfigured root"), io.StringIO()
    log_lines.install(json_lines=True, root=root, stream=stream)
    log_lines.install(json_lines=True, root=root, stream=stream)  # a second app: no second handler
    root.warning("in JSON")
    assert json.loads(stream.getvalue())["message"] == "in JSON"
    assert len(root.handlers) == 1

    configured = logging.Logger("configured by gunicorn --log-config")
    configured.addHandler(handler := logging.NullHandler())
    log_lines.install(json_lines=True, root=configured)
    assert configured.handlers == [handler]


def test_the_json_option_is_read_from_the_environment():
    from fieldapp.config import config_from_env

    assert config_from_env({})["FIELDAPP_LOG_JSON"] is False
    assert config_from_env({"FIELDAPP_LOG_JSON": "1"})["FIELDAPP_LOG_JSON"] is True


def test_the_lines_of_one_scheduler_pass_share_an_id(app, caplog):
    from fieldapp import jobs

    def job() -> None:
        log.info("one")
        log.info("two")

    with caplog.at_level(logging.INFO, logger=log.name):
        jobs.in_app(app, job)()
        jobs.in_app(app, job)()
    first, second, third, fourth = (record.request_id for record in caplog.records)
    assert first == second != third == fourth
    assert request_ids.NONE not in (first, third)
