"""human grading of responses

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("grades", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("graded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("graded_at", engine.models.base.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f("ix_responses_pending"), ["pending"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_responses_graded_by_id_users"), "users",
                                    ["graded_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_responses_graded_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_responses_pending"))
        batch_op.drop_column("graded_at")
        batch_op.drop_column("graded_by_id")
        batch_op.drop_column("grades")
        batch_op.drop_column("pending")
