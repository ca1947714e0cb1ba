"""assessment blueprints and delivery settings; attempt deadlines

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blueprint", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("outcome_pass_mark", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("time_limit_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("attempts_allowed", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shuffle", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("feedback_policy", sa.String(length=20), nullable=False,
                                      server_default="after_submission"))
        batch_op.add_column(sa.Column("opens_at", engine.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("closes_at", engine.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", engine.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("submitted_by", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("item_points", sa.JSON(), nullable=True))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", engine.models.base.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("checked_at")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("item_points")
        batch_op.drop_column("submitted_by")
        batch_op.drop_column("deadline")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        for column in ("closes_at", "opens_at", "feedback_policy", "shuffle",
                       "attempts_allowed", "time_limit_minutes", "outcome_pass_mark",
                       "blueprint"):
            batch_op.drop_column(column)
