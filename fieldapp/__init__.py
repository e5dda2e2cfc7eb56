"""fieldapp: the field tool for OCMW/CPAS job counsellors."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, flash, g, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_sqlalchemy.session import Session as FlaskSession
from jinja2 import StrictUndefined
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from fieldapp import templating
from fieldapp.auth import sessions
from fieldapp.common import (
    access,
    connection_check,
    cookie_session,
    database_errors,
    errors,
    log_lines,
    log_redaction,
    postgres_cursor,
    request_ids,
    security,
    sqlite_transactions,
    static_files,
    tenancy,
)
from fieldapp.common.urls import IdConverter
from fieldapp.config import config_from_env, config_warnings
from fieldapp.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from fieldapp.feedback import frameworks
from fieldapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, RATER_LANGUAGES, catalog, direction
from fieldapp.i18n.locale import select_locale
from fieldapp.instance import normalise_database_url, read_or_create_secret
from fieldapp.reminders import agenda as reminder_agenda
from fieldapp.reminders import centre as reminder_centre
from fieldapp.reminders import devices as reminder_devices
from fieldapp.reminders import notices as reminder_notices
from fieldapp.visits import calendar as visit_calendar
from fieldapp.visits import services as visit_services

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and commands; nothing else."""
    instance_path = (
        (config or {}).get("INSTANCE_PATH")
        or os.environ.get("FIELDAPP_INSTANCE_PATH")
        or str(PROJECT_ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(config_from_env())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _finish_config(app)
    for warning in config_warnings(app.config):
        logging.getLogger(__name__).warning(warning)

    if app.config["FIELDAPP_PROXY_HOPS"]:
        hops = app.config["FIELDAPP_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    app.url_map.converters["id"] = IdConverter
    request_ids.init_app(app)  # first: every later hook and error answer has the request's id
    log_lines.install(json_lines=app.config["FIELDAPP_LOG_JSON"])
    _init_extensions(app)
    _register_blueprints(app)
    access.check_declared(app, public_endpoints=["static"])  # every route says who may call it
    _register_commands(app)
    static_files.init_app(app)
    security.init_app(app)
    cookie_session.install(app)
    log_redaction.install()
    errors.init_app(app)
    templating.init_app(app)
    app.jinja_env.undefined = StrictUndefined  # a typo in a template fails the tests, not silently
    app.context_processor(
        lambda: {
            "languages": LANGUAGES,
            "rater_languages": RATER_LANGUAGES,
            "current_language": str(get_locale()),
            "text_direction": direction(str(get_locale())),
        }
    )
    return app


def _finish_config(app: Flask) -> None:
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create_secret(instance)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or f"sqlite:///{instance / 'fieldapp.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url = normalise_database_url(url)
    if extra := postgres_cursor.connect_args(url):
        options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
        connect_args = {**extra, **options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}


def _init_extensions(app: Flask) -> None:
    # First, so that its after_request hook runs last, on the response every other hook made.
    compress.init_app(app)
    db.init_app(app)
    with app.app_context():
        connection_check.install(db.engine)
        database_errors.install(db.engine)
        sqlite_transactions.install(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        default_locale=DEFAULT_LANGUAGE,
        default_timezone=app.config["FIELDAPP_TIMEZONE"],
        default_translation_directories=str(Path(__file__).parent / "translations"),
        locale_selector=select_locale,
    )
    catalog.install(app, babel)
    _init_login(app)
    tenancy.install_tenant_guards(FlaskSession)
    reminder_agenda.subscribe(FlaskSession)
    visit_services.subscribe()
    visit_calendar.subscribe()
    reminder_notices.subscribe()
    reminder_devices.follow_sessions()
    frameworks.stamp_changes(FlaskSession)
    sessions.count_with_user(FlaskSession, reminder_centre.BELL, reminder_centre.due_with_user)


def _init_login(app: Flask) -> None:
    from fieldapp.auth.sessions import load_session_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)

    @login_manager.unauthorized_handler
    def unauthorized() -> ResponseReturnValue:
        """Pages send people to the sign-in form; the JSON API answers 401 (a device keeps its
        outbox and sends again after the person signs in)."""
        if request.path.startswith("/api/"):
            return jsonify({"error": 401, "message": str(_l("Please sign in."))}), 401
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?")))

    @app.before_request
    def activate_tenant() -> None:
        g.tenant_id = None
        if current_user.is_authenticated:
            tenancy.activate_tenant(current_user.organisation_id)


def _register_blueprints(app: Flask) -> None:
    from fieldapp.admin.audit_log_views import bp as audit_bp
    from fieldapp.admin.email_views import bp as mail_bp
    from fieldapp.admin.organisation_views import bp as organisation_bp
    from fieldapp.aftercare.views import bp as aftercare_bp
    from fieldapp.auth.views import bp as auth_bp
    from fieldapp.caseload.views import bp as clients_bp
    from fieldapp.caseload.worksite_views import bp as worksites_bp
    from fieldapp.contact_moments.views import bp as contact_moments_bp
    from fieldapp.development_plan.views import bp as goals_bp
    from fieldapp.documents.views import bp as documents_bp
    from fieldapp.evaluations.views import bp as evaluations_bp
    from fieldapp.feedback.easy_views import bp as feedback_easy_bp
    from fieldapp.feedback.form_views import bp as feedback_form_bp
    from fieldapp.feedback.framework_views import bp as frameworks_bp
    from fieldapp.feedback.round_views import bp as feedback_rounds_bp
    from fieldapp.health.views import bp as health_bp
    from fieldapp.home.views import bp as home_bp
    from fieldapp.i18n.views import bp as i18n_bp
    from fieldapp.imports.views import bp as imports_bp
    from fieldapp.mentorships.views import bp as mentorships_bp
    from fieldapp.privacy.views import bp as privacy_bp
    from fieldapp.pwa.views import bp as pwa_bp
    from fieldapp.referrals.views import bp as referrals_bp
    from fieldapp.reminders.views import bp as reminders_bp
    from fieldapp.reports.views import bp as reports_bp
    from fieldapp.supervisor_link.public_views import bp as supervisor_page_bp
    from fieldapp.supervisor_link.views import bp as supervisor_link_bp
    from fieldapp.trajectories.views import bp as trajectories_bp
    from fieldapp.users.views import bp as users_bp
    from fieldapp.visits.views import bp as visits_bp

    for blueprint in (
        home_bp,
        auth_bp,
        users_bp,
        audit_bp,
        organisation_bp,
        imports_bp,
        frameworks_bp,
        feedback_form_bp,
        feedback_easy_bp,
        feedback_rounds_bp,
        supervisor_page_bp,
        supervisor_link_bp,
        clients_bp,
        trajectories_bp,
        goals_bp,
        aftercare_bp,
        evaluations_bp,
        documents_bp,
        referrals_bp,
        mentorships_bp,
        worksites_bp,
        visits_bp,
        contact_moments_bp,
        reports_bp,
        privacy_bp,
        i18n_bp,
        mail_bp,
        pwa_bp,
        reminders_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from fieldapp.auth.cli import create_organisation_command, create_user_command
    from fieldapp.demo import demo_data_command
    from fieldapp.jobs import scheduler_command
    from fieldapp.mail.cli import send_mail_command
    from fieldapp.privacy.cli import anonymise_expired_command
    from fieldapp.reminders.cli import vapid_keys_command

    for command in (
        create_organisation_command,
        create_user_command,
        demo_data_command,
        anonymise_expired_command,
        vapid_keys_command,
        scheduler_command,
        send_mail_command,
    ):
        app.cli.add_command(command)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys, let readers and one writer work side by side, wait on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
