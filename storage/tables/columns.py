"""Small column helpers so every table spells timestamps and foreign keys the same way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field

from storage.types import UTCDateTime


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    """A `Field` for an aware-UTC timestamp column."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def foreign_key(
    target: str, *, nullable: bool = False, cascade: bool = True, index: bool = True
) -> Any:
    """A `Field` for an integer foreign key; deleting the parent deletes (or nulls) the child."""
    ondelete = "CASCADE" if cascade else "SET NULL"
    return Field(
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        )
    )
