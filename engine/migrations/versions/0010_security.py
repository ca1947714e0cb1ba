"""security and privacy: server-side sessions, login throttling, shared rate counters, public
revocation reasons, certificate identity hashes, erasure, an audit chain that cannot fork

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""
import hashlib
import secrets
import unicodedata

import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DT = engine.models.base.UTCDateTime(timezone=True)


def _identity_hash(kind: str, value: str, salt: str) -> str:
    # As engine.services.credentials.identity_hash on the day of this migration.
    value = value.strip().lower() if kind == "emailAddress" else unicodedata.normalize(
        "NFC", value.strip())
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", DT, nullable=False),
        sa.Column("last_seen_at", DT, nullable=False),
        sa.Column("expires_at", DT, nullable=False),
        sa.Column("revoked_at", DT, nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", DT, nullable=True),
        sa.Column("last_failure_at", DT, nullable=True),
        sa.Column("locked_until", DT, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_table(
        "rate_counters",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counters")),
    )
    op.create_table(
        "pending_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", DT, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_pending_forms_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_forms")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_forms_token_hash")),
    )
    op.create_index(op.f("ix_pending_forms_user_id"), "pending_forms", ["user_id"])
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoke_public_reason", sa.String(length=40),
                                      nullable=True))
        batch_op.add_column(sa.Column("identity_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("holder_email_hash", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("holder_name_hash", sa.String(length=80), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", DT, nullable=True))
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_unique_constraint(op.f("uq_audit_log_prev_hash"), ["prev_hash"])

    # Existing certificates: a salt of their own and the holder's hashes; revoked ones get
    # the neutral public reason (their officer's note stays internal from now on).
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT c.id, c.holder_name, u.email, c.revoked_at FROM certificates c "
        "JOIN users u ON u.id = c.user_id")).all()
    for cert_id, name, email, revoked in rows:
        salt = secrets.token_hex(8)
        conn.execute(sa.text(
            "UPDATE certificates SET identity_salt = :salt, holder_email_hash = :e, "
            "holder_name_hash = :n, revoke_public_reason = :r WHERE id = :id"),
            {"salt": salt, "e": _identity_hash("emailAddress", email, salt),
             "n": _identity_hash("ext:holderName", name, salt),
             "r": "withdrawn" if revoked is not None else None, "id": cert_id})


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_audit_log_prev_hash"), type_="unique")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        for column in ("holder_name_hash", "holder_email_hash", "identity_salt",
                       "revoke_public_reason"):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_pending_forms_user_id"), table_name="pending_forms")
    op.drop_table("pending_forms")
    op.drop_table("rate_counters")
    op.drop_table("login_throttles")
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
