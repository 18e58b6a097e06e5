"""Dataset versions name the directory holding their files.

An import writes its tables as a directory of the data folder (:mod:`geodata.versions`); the
store records which directory each dataset version is, so that the store alone says which files
are in force. Versions recorded before this revision have none.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("directory", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_dataset_versions_directory", ["directory"])


def downgrade() -> None:
    with op.batch_alter_table("dataset_versions", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dataset_versions_directory", type_="unique")
        batch_op.drop_column("directory")
