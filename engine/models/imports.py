"""Item imports: a file read and validated as a whole, waiting for the trainer to confirm the
valid part, then written by a background job that records its progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, utcnow


class ImportJob(Base):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(40))
    # validated (waiting for confirmation) -> queued -> writing -> done | cancelled | failed
    status: Mapped[str] = mapped_column(String(20), default="validated")
    defaults: Mapped[dict] = mapped_column(default=dict)
    # The valid items, each {"item": {...}, "plan": "new" | "changed" | "unchanged"}
    items: Mapped[list] = mapped_column(default=list)
    problems: Mapped[list] = mapped_column(default=list)  # Problem fields as dicts
    skipped: Mapped[list] = mapped_column(default=list)  # Skipped fields as dicts
    media: Mapped[list] = mapped_column(default=list)  # media ids carried by the file
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    results: Mapped[dict] = mapped_column(default=dict)  # created, revised, unchanged
    error: Mapped[str] = mapped_column(Text, default="")
    # While a worker writes, it holds the job until this time and renews it as it goes:
    # a second worker (a double click on Resume, two consumers) finds it taken.
    lease_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()

    created_by = relationship("User")
