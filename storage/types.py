"""Column types shared by the tables: instants stored as naive UTC, read back as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_TEXT_LENGTH = len("2026-11-23 09:00:00.000000")
# The instant last written as text, in any column: a unit of work binds its `now` again and
# again (an answer's time given and time changed, every row of a fan-out). One tuple,
# replaced whole, so threads sharing it read a pair that belongs together.
_last_bound: tuple[datetime | None, str] = (None, "")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that refuses naive datetimes and always comes back aware and in UTC.

    SQLite keeps no time zone, so everything is normalised to UTC on the way in.
    """

    impl = DateTime
    cache_ok = True

    # On SQLite the instant is text. SQLAlchemy's DATETIME formats it through a dict and a
    # %-template and parses it back with a regular expression, a few microseconds each way on
    # every instant of every statement; `isoformat` and `fromisoformat` write and read the
    # very same text ("2026-11-23 09:00:00.000000", which sorts as the instants do) in C.
    # Read with the offset appended, it comes back aware at once: `replace(tzinfo=UTC)` costs
    # eight times the parse, and a check-in answer reads a dozen instants.

    def bind_processor(self, dialect: Dialect) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def as_text(value: datetime | None) -> str | None:
            global _last_bound
            if value is None:
                return None
            seen, text = _last_bound
            if value == seen:  # aware instants: equal means the same UTC text
                return text
            utc = value if value.tzinfo is UTC else self.process_bind_param(value, dialect)
            assert utc is not None
            text = utc.isoformat(" ", "microseconds")[:_TEXT_LENGTH]
            _last_bound = (value, text)
            return text

        return as_text

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def from_text(value: str | None) -> datetime | None:
            if value is None:
                return None
            try:
                return datetime.fromisoformat(value + "+00:00")
            except (TypeError, ValueError):  # not text, or written with an offset of its own
                return self.process_result_value(value, dialect)

        return from_text

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
