"""Queries for weekly activity aggregates (`activity_week`): rolling per-day detail up into
weeks per group and school, folding an erased member's detail into them, and deleting detail
past the retention period.

A week's totals are always "what the remaining detail says, plus what was carried from detail
since erased", so a week can be recomputed at any time without losing anyone. Retention deletes
whole weeks only, after they were rolled up, and a week with no detail left is never touched.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from storage.tables import table

ACTIVITY_DAY = table("activity_day")
ACTIVITY_WEEK = table("activity_week")

WeekKey = tuple[int, int | None, date]  # group, school, Monday


def week_of(day: date) -> date:
    """The Monday of the ISO week `day` falls in."""
    return day - timedelta(days=day.weekday())


def _detail_by_week(
    connection: Connection, *, network_id: int, since: date | None, weeks: set[date] | None
) -> dict[WeekKey, tuple[int, set[int]]]:
    query = select(
        ACTIVITY_DAY.c.group_id,
        ACTIVITY_DAY.c.school_id,
        ACTIVITY_DAY.c.member_id,
        ACTIVITY_DAY.c.day,
        ACTIVITY_DAY.c.messages,
    ).where(ACTIVITY_DAY.c.network_id == network_id)
    if since is not None:
        query = query.where(ACTIVITY_DAY.c.day >= since)
    if weeks is not None:
        query = query.where(
            ACTIVITY_DAY.c.day >= min(weeks), ACTIVITY_DAY.c.day < max(weeks) + timedelta(days=7)
        )
    totals: dict[WeekKey, tuple[int, set[int]]] = {}
    for row in connection.execute(query):
        key = (row.group_id, row.school_id, week_of(row.day))
        if weeks is not None and key[2] not in weeks:
            continue
        messages, members = totals.get(key, (0, set()))
        members.add(row.member_id)
        totals[key] = (messages + row.messages, members)
    return totals


_update_week = (
    update(ACTIVITY_WEEK)
    .where(ACTIVITY_WEEK.c.id == bindparam("row_id"))
    .values(messages=bindparam("messages"), active_members=bindparam("active_members"))
)


def _roll_up(
    connection: Connection, network_id: int, totals: dict[WeekKey, tuple[int, set[int]]]
) -> None:
    if not totals:
        return
    weeks = {key[2] for key in totals}
    existing = {
        (row.group_id, row.school_id, row.week): row
        for row in connection.execute(
            select(ACTIVITY_WEEK).where(
                ACTIVITY_WEEK.c.network_id == network_id, ACTIVITY_WEEK.c.week.in_(weeks)
            )
        )
    }
    updates: list[dict[str, object]] = []
    inserts: list[dict[str, object]] = []
    for key, (messages, members) in totals.items():
        row = existing.get(key)
        if row is not None:
            updates.append(
                {
                    "row_id": row.id,
                    "messages": messages + row.carried_messages,
                    "active_members": len(members) + row.carried_members,
                }
            )
        else:
            group_id, school_id, week = key
            inserts.append(
                {
                    "network_id": network_id,
                    "group_id": group_id,
                    "school_id": school_id,
                    "week": week,
                    "messages": messages,
                    "active_members": len(members),
                    "carried_messages": 0,
                    "carried_members": 0,
                }
            )
    if updates:
        connection.execute(_update_week, updates)
    if inserts:
        connection.execute(insert(ACTIVITY_WEEK), inserts)


def roll_up_recent(connection: Connection, *, network_id: int) -> None:
    """Bring the network's weekly aggregates up to date with its detail.

    Recomputes from the week before the newest week already rolled up (so a week that was
    still going on last time is completed), or from the first detail if none was.
    """
    latest = connection.execute(
        select(func.max(ACTIVITY_WEEK.c.week)).where(ACTIVITY_WEEK.c.network_id == network_id)
    ).scalar()
    since = latest - timedelta(days=7) if latest is not None else None
    _roll_up(
        connection,
        network_id,
        _detail_by_week(connection, network_id=network_id, since=since, weeks=None),
    )


def fold_member_detail(connection: Connection, *, member_id: int) -> None:
    """Delete a member's per-day detail, keeping what it added to the weekly aggregates.

    The weeks they were active in are rolled up first (with them), then their part is moved
    into the carried columns, then their detail is deleted.
    """
    rows = connection.execute(
        select(
            ACTIVITY_DAY.c.network_id,
            ACTIVITY_DAY.c.group_id,
            ACTIVITY_DAY.c.school_id,
            ACTIVITY_DAY.c.day,
            ACTIVITY_DAY.c.messages,
        ).where(ACTIVITY_DAY.c.member_id == member_id)
    ).all()
    mine: dict[int, dict[WeekKey, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        mine[row.network_id][(row.group_id, row.school_id, week_of(row.day))] += row.messages
    for network_id, contributions in mine.items():
        weeks = {key[2] for key in contributions}
        _roll_up(
            connection,
            network_id,
            _detail_by_week(connection, network_id=network_id, since=None, weeks=weeks),
        )
        _carry(connection, network_id, contributions)
    connection.execute(delete(ACTIVITY_DAY).where(ACTIVITY_DAY.c.member_id == member_id))


def _carry(connection: Connection, network_id: int, contributions: dict[WeekKey, int]) -> None:
    for (group_id, school_id, week), messages in contributions.items():
        school = (
            ACTIVITY_WEEK.c.school_id.is_(None)
            if school_id is None
            else ACTIVITY_WEEK.c.school_id == school_id
        )
        connection.execute(
            update(ACTIVITY_WEEK)
            .where(
                ACTIVITY_WEEK.c.network_id == network_id,
                ACTIVITY_WEEK.c.group_id == group_id,
                ACTIVITY_WEEK.c.week == week,
                school,
            )
            .values(
                carried_messages=ACTIVITY_WEEK.c.carried_messages + messages,
                carried_members=ACTIVITY_WEEK.c.carried_members + 1,
            )
        )


def delete_detail_before(connection: Connection, *, network_id: int, before: date) -> int:
    """Delete the network's per-day detail of the weeks that ended before `before`'s week
    began (whole weeks only, already rolled up); returns how many rows went."""
    result = connection.execute(
        delete(ACTIVITY_DAY).where(
            ACTIVITY_DAY.c.network_id == network_id, ACTIVITY_DAY.c.day < week_of(before)
        )
    )
    return int(result.rowcount)
