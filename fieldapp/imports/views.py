"""The administrator's import page: the template, the upload and its preview, the confirmation."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField

from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.roles import Role
from fieldapp.common import spreadsheet
from fieldapp.common.downloads import download
from fieldapp.common.numbers import whole_number
from fieldapp.common.urls import MAX_ID
from fieldapp.extensions import db
from fieldapp.imports import services, template
from fieldapp.imports.columns import Kind
from fieldapp.imports.models import ImportUpload
from fieldapp.imports.plan import Action, Preview
from fieldapp.imports.reading import FileProblem

bp = Blueprint("imports", __name__, url_prefix="/admin/import")
SHOWN_ROWS = 200  # per sheet in the preview; every error is shown whatever their number


class UploadForm(FlaskForm):
    file = FileField(
        _l("Filled-in template (.xlsx or .csv)"),
        validators=[FileRequired(_l("Choose a file."))],
    )


class ConfirmForm(FlaskForm):
    upload = HiddenField()


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    return _index(UploadForm())


def _index(form: UploadForm, problem: str | None = None) -> ResponseReturnValue:
    page = render_template(
        "imports/index.html",
        form=form,
        problem=problem,
        kinds=list(Kind),
        max_megabytes=_max_megabytes(),
    )
    return page, 422 if problem or form.errors else 200


def _max_megabytes() -> str:
    return f"{current_app.config['MAX_CONTENT_LENGTH'] / 1024 / 1024:g}"


@bp.get("/template.xlsx")
@role_required(Role.ADMIN)
def template_xlsx() -> ResponseReturnValue:
    return Response(
        template.workbook(),
        mimetype=spreadsheet.XLSX_MIMETYPE,
        headers={"Content-Disposition": 'attachment; filename="fieldapp-import.xlsx"'},
    )


@bp.get("/template.csv")
@role_required(Role.ADMIN)
def template_csv() -> ResponseReturnValue:
    try:
        kind = Kind(request.args.get("kind", ""))
    except ValueError:
        abort(404)
    return download(template.table(kind), f"fieldapp-import-{kind.value}", "csv")


@bp.post("/preview")
@role_required(Role.ADMIN)
def preview() -> ResponseReturnValue:
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form)
    storage = form.file.data
    data, filename = storage.read(), storage.filename or "import"
    actor = acting_user()
    try:
        plan = services.preview(actor, data, filename)
    except FileProblem as problem:
        return _index(form, problem.message)
    upload = services.keep(actor, data, filename)
    db.session.commit()
    return _preview_page(plan, upload)


def _preview_page(plan: Preview, upload: ImportUpload) -> ResponseReturnValue:
    page = render_template(
        "imports/preview.html",
        plan=plan,
        upload=upload,
        form=ConfirmForm(upload=str(upload.id)),
        kinds=[kind for kind in Kind if plan.of(kind)],
        Action=Action,
        shown_rows=SHOWN_ROWS,
    )
    return page, 200 if plan.ok else 422


@bp.post("/confirm")
@role_required(Role.ADMIN)
def confirm() -> ResponseReturnValue:
    form = ConfirmForm()
    # ASCII digits only ("²" passed str.isdigit() but not int()); a larger id than the database's
    # integer cannot exist (and overflowed SQLite's): both answered 500.
    upload_id = whole_number(form.upload.data or "")
    if not form.validate_on_submit() or upload_id is None:
        abort(400)
    actor = acting_user()
    upload = None
    if upload_id <= MAX_ID:
        upload = db.session.scalar(
            select(ImportUpload).where(
                ImportUpload.id == upload_id, ImportUpload.user_id == actor.id
            )
        )
    if upload is None or upload.expired:
        return _index(UploadForm(), _("This upload has expired. Upload the file again."))
    try:
        plan = services.preview(actor, upload.data, upload.filename)
    except FileProblem as problem:  # the stored file was readable a moment ago; be safe
        return _index(UploadForm(), problem.message)
    if not plan.ok:
        return _preview_page(plan, upload)
    if not plan.changes_anything:
        db.session.delete(upload)
        db.session.commit()
        flash(_("Nothing to import: everything in this file is already saved."), "success")
        return redirect(url_for("imports.index"))
    try:
        counts = services.run(actor, upload, plan)
    except services.RowRefused as refused:
        db.session.rollback()
        refused.row.problems.append(services.refusal(refused))
        upload = db.session.get(ImportUpload, upload.id)
        return _preview_page(plan, upload)
    db.session.commit()
    created = sum(c.created for c in counts.values())
    updated = sum(c.updated for c in counts.values())
    flash(
        _("Imported: %(created)d created, %(updated)d updated.", created=created, updated=updated),
        "success",
    )
    return redirect(url_for("imports.index"))
