"""Outcome frameworks (the ESQF) and their cells, the learning outcomes items are tagged to."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base


class Framework(Base):
    __tablename__ = "frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    structure: Mapped[dict] = mapped_column(default=dict)  # groups and areas, in printed order
    content_hash: Mapped[str] = mapped_column(String(64))

    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="Outcome.position"
    )


class Outcome(Base):
    """One cell of a framework matrix, e.g. ESQF-E-18e."""

    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40), index=True)
    matrix: Mapped[str] = mapped_column(String(20))  # professional | educational
    group: Mapped[str] = mapped_column(String(300))
    area: Mapped[str] = mapped_column(String(300))
    row: Mapped[int] = mapped_column(Integer)
    cell: Mapped[str] = mapped_column(String(1))
    complexity: Mapped[str] = mapped_column(String(1))
    eqf_level: Mapped[str] = mapped_column(String(4))  # "4-5", "6" or "7"
    dimension: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)

    framework: Mapped[Framework] = relationship(back_populates="outcomes")
