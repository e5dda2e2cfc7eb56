from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db

KEPT_FOR = timedelta(hours=2)


class ImportUpload(TenantScoped, db.Model):
    """An uploaded spreadsheet between its preview and its confirmation: kept on the server (not
    in the cookie), for the administrator who uploaded it, for a few hours at most."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    @property
    def expired(self) -> bool:
        return now_utc() - self.created_at > KEPT_FOR
