"""at most one open attempt per learner and assessment; answer sequence numbers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_attempts_open", "attempts", ["user_id", "assessment_id"], unique=True,
                    sqlite_where=sa.text("status = 'in_progress'"),
                    postgresql_where=sa.text("status = 'in_progress'"))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False,
                                      server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_column("sequence")
    op.drop_index("uq_attempts_open", table_name="attempts")
