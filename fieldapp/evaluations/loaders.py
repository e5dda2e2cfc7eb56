"""The evaluation records that routes load from their URL, with the file they belong to."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.evaluations.models import EvaluationRecord


def _record(user: User, ident: int) -> Loaded:
    record = get_or_404(EvaluationRecord, ident)
    return Loaded({"record": record}, record.client_id)


RECORD = Loader("record_id", _record)
