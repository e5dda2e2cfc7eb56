"""The referrals that routes load from their URL, with the file they belong to."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.referrals.models import Referral


def _referral(user: User, ident: int) -> Loaded:
    referral = get_or_404(Referral, ident)
    return Loaded({"referral": referral}, referral.client_id)


REFERRAL = Loader("referral_id", _referral)
