"""Instants on SQLite are text: what the bot writes must be exactly what SQLAlchemy's DATETIME
wrote before (files made by earlier versions sort and compare with new rows), and read back
as the same aware UTC instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import DATETIME

from storage.types import UTCDateTime

INSTANTS = [
    datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    datetime(2026, 11, 23, 9, 0, 5, 123456, tzinfo=UTC),
    datetime(2027, 3, 28, 1, 30, 0, 1, tzinfo=timezone(timedelta(hours=1))),
    datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
]


@pytest.mark.parametrize("instant", INSTANTS, ids=str)
def test_an_instant_is_written_as_sqlalchemy_wrote_it_and_read_back_the_same(
    instant: datetime,
) -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect)
    write, read = ours.bind_processor(dialect), ours.result_processor(dialect, None)
    before = DATETIME().bind_processor(dialect)
    assert write is not None and read is not None and before is not None
    text = write(instant)
    assert text == before(instant.astimezone(UTC).replace(tzinfo=None))
    back = read(text)
    assert back == instant and back.tzinfo is UTC


def test_a_naive_instant_is_refused_and_none_passes_through() -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect)
    write, read = ours.bind_processor(dialect), ours.result_processor(dialect, None)
    assert write is not None and read is not None
    with pytest.raises(ValueError, match="naive"):
        write(datetime(2026, 11, 23, 9, 0))
    assert write(None) is None and read(None) is None
    assert read("2026-11-23 09:00:00") == datetime(2026, 11, 23, 9, tzinfo=UTC)  # CURRENT_TIMESTAMP
    # Text some other program wrote with an offset is still read as the instant it names.
    assert read("2026-11-23 09:00:00.000000+01:00") == datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_instants_written_one_after_another_each_get_their_own_text() -> None:
    dialect = sqlite.dialect()
    first = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    second = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)  # another column
    assert first is not None and second is not None
    nine = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    ten_in_paris = datetime(2026, 11, 23, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    written = [first(nine), second(nine), first(ten_in_paris), second(nine)]
    assert written == [
        "2026-11-23 09:00:00.000000",
        "2026-11-23 09:00:00.000000",
        "2026-11-23 10:00:00.000000",
        "2026-11-23 09:00:00.000000",
    ]
    with pytest.raises(ValueError, match="naive"):
        second(nine.replace(tzinfo=None))  # even straight after the same instant, aware
