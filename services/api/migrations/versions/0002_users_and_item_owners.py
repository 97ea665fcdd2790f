"""Add users, give every item an owner and a version, index the list queries.

Items created before this revision have no owner, and no user could be allowed to see them,
so they are deleted (the number is logged). Back them up first if they matter.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)

    deleted = op.get_bind().execute(sa.text("DELETE FROM items")).rowcount
    if deleted:
        log.warning("deleted %d items that had no owner", deleted)
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=False))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False))
        batch.create_foreign_key(
            op.f("fk_items_owner_id_users"), "users", ["owner_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_items_owner_id_name", ["owner_id", "name", "id"])
        batch.create_index("ix_items_owner_id_created_at", ["owner_id", "created_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_index("ix_items_owner_id_created_at")
        batch.drop_index("ix_items_owner_id_name")
        batch.drop_constraint(op.f("fk_items_owner_id_users"), type_="foreignkey")
        batch.drop_column("version")
        batch.drop_column("owner_id")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_table("users")
