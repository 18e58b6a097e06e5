"""The tables of the store (SQLAlchemy 2 declarative models).

Every datetime is naive UTC (:func:`store.clock.utcnow`). JSON columns hold small documents:
the bailleurs of an account, the weights and method of a profile, the before/after of an audit
entry, the files and row counts of a dataset version. The schema is created and changed only by
the Alembic migrations of ``store/migrations`` (a test checks they match these models).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Integer primary keys that autoincrement on both backends (BIGINT on PostgreSQL).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""

    type_annotation_map: ClassVar[dict] = {dt.datetime: DateTime(), dict: JSON(), list: JSON()}


class User(Base):
    """An account: login, role, bailleurs, password hash and lockout state."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    role_code: Mapped[str] = mapped_column(String(32))
    bailleurs: Mapped[list] = mapped_column(default=list)
    password_hash: Mapped[str | None] = mapped_column(String(400))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class AuditEntry(Base):
    """One line of the audit trail: who, when, what (before and after) and why."""

    __tablename__ = "audit_trail"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str | None] = mapped_column(String(200), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(200), index=True)
    before: Mapped[dict | None]
    after: Mapped[dict | None]
    reason: Mapped[str | None] = mapped_column(Text)


class WeightProfile(Base):
    """A weight profile saved by a working group, with its status and version number."""

    __tablename__ = "weight_profiles"
    __table_args__ = (
        # At most one reference profile.
        Index(
            "uq_weight_profiles_one_reference",
            "status",
            unique=True,
            sqlite_where=text("status = 'reference'"),
            postgresql_where=text("status = 'reference'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    pillar_weights: Mapped[dict]
    indicator_weights: Mapped[dict]
    method: Mapped[dict]
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int]
    author: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]


class FicheText(Base):
    """One version of a section (orientations, actions) of a territory's fiche."""

    __tablename__ = "fiche_texts"
    __table_args__ = (UniqueConstraint("territory", "section", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    territory: Mapped[str] = mapped_column(String(32))
    section: Mapped[str] = mapped_column(String(32))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]


class DatasetVersion(Base):
    """A version of the imported data: who, when, which files, how many rows, its status, and
    the directory of the data folder holding its tables."""

    __tablename__ = "dataset_versions"
    __table_args__ = (UniqueConstraint("directory", name="uq_dataset_versions_directory"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    author: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime]
    files: Mapped[dict]
    row_counts: Mapped[dict]
    status: Mapped[str] = mapped_column(String(16), index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    switched_at: Mapped[dt.datetime | None]
    directory: Mapped[str | None] = mapped_column(String(64))


class DataState(Base):
    """The single row saying which data is in force: its version number and dataset version."""

    __tablename__ = "data_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    data_version: Mapped[int]
    current_dataset_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("dataset_versions.id"))
    updated_at: Mapped[dt.datetime]
