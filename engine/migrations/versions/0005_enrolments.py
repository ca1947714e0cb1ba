"""enrolments, organisation modules, lesson views

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("enrolled_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"],
                                name=op.f("fk_enrolments_module_id_modules"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_enrolments_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint("user_id", "module_id", name=op.f("uq_enrolments_user_id")),
    )
    op.create_index(op.f("ix_enrolments_user_id"), "enrolments", ["user_id"])
    op.create_table(
        "organisation_modules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"],
                                name=op.f("fk_organisation_modules_module_id_modules"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_modules")),
        sa.UniqueConstraint("organisation", "module_id",
                            name=op.f("uq_organisation_modules_organisation")),
    )
    op.create_index(op.f("ix_organisation_modules_organisation"), "organisation_modules",
                    ["organisation"])
    op.create_table(
        "lesson_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.Integer(), nullable=False),
        sa.Column("lesson_uid", sa.String(length=120), nullable=False),
        sa.Column("seen_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["module_id"], ["modules.id"],
                                name=op.f("fk_lesson_views_module_id_modules"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_lesson_views_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_views")),
        sa.UniqueConstraint("user_id", "lesson_uid", "module_id",
                            name=op.f("uq_lesson_views_user_id")),
    )
    op.create_index(op.f("ix_lesson_views_user_id"), "lesson_views", ["user_id"])


def downgrade() -> None:
    op.drop_table("lesson_views")
    op.drop_table("organisation_modules")
    op.drop_table("enrolments")
