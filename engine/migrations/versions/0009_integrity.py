"""assessment integrity: per-attempt token salts, cooling-off between attempts, practice
assessments

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_salt", sa.String(length=32), nullable=True))
    # Every attempt gets a salt of its own; an open attempt's page simply shows new tokens.
    attempts = sa.table("attempts", sa.column("id", sa.Integer),
                        sa.column("token_salt", sa.String))
    conn = op.get_bind()
    for (attempt_id,) in conn.execute(sa.select(attempts.c.id)).all():
        conn.execute(attempts.update().where(attempts.c.id == attempt_id)
                     .values(token_salt=secrets.token_hex(16)))
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.alter_column("token_salt", existing_type=sa.String(length=32), nullable=False)
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cooling_off_hours", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("practice", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("practice")
        batch_op.drop_column("cooling_off_hours")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("token_salt")
