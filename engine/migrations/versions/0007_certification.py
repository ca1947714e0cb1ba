"""certification: scheme versions and renewal, certificate evidence and status index, bulk
issue batches, the hash-chained audit log

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issue_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("finished_at", engine.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_issue_batches_created_by_id_users")),
        sa.ForeignKeyConstraint(["scheme_id"], ["schemes.id"],
                                name=op.f("fk_issue_batches_scheme_id_schemes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_batches")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.add_column(sa.Column("renewal", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("active", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme_version", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("status_index", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("renewed_from_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("issued_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_certificates_status_index"),
                                          ["status_index"])
        batch_op.create_unique_constraint(batch_op.f("uq_certificates_batch_id"),
                                          ["batch_id", "user_id"])
        batch_op.create_foreign_key(batch_op.f("fk_certificates_renewed_from_id_certificates"),
                                    "certificates", ["renewed_from_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_certificates_issued_by_id_users"), "users",
                                    ["issued_by_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_certificates_batch_id_issue_batches"),
                                    "issue_batches", ["batch_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_certificates_batch_id_issue_batches"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_certificates_issued_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_certificates_renewed_from_id_certificates"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_certificates_batch_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_certificates_status_index"), type_="unique")
        for column in ("batch_id", "issued_by_id", "renewed_from_id", "status_index",
                       "evidence", "scheme_version"):
            batch_op.drop_column(column)
    with op.batch_alter_table("schemes", schema=None) as batch_op:
        for column in ("active", "renewal", "version"):
            batch_op.drop_column(column)
    op.drop_table("audit_log")
    op.drop_table("issue_batches")
