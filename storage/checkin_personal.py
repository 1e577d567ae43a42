"""What check-ins hold about one member, for export and erasure: their answers (with notes),
the pairings suggested for them, their pairing preference, and the rounds and cadences they
set up. Erasure keeps the colours of answers to closed rounds — already published in
aggregates — without the member or their note."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from storage.checkin_cadences import CADENCE
from storage.checkin_pairings import PAIRING, PREFERENCE
from storage.checkins import ANSWER, ROUND
from storage.groups import GROUP


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_member(connection: Connection, member_id: int) -> dict[str, object]:
    answers = connection.execute(
        select(
            GROUP.c.name,
            ROUND.c.prompt,
            ROUND.c.opened_at,
            ANSWER.c.colour,
            ANSWER.c.note,
            ANSWER.c.anonymous,
            ANSWER.c.changed_at,
            ANSWER.c.leaders_told_at,
        )
        .select_from(
            ANSWER.join(ROUND, ROUND.c.id == ANSWER.c.round_id).join(
                GROUP, GROUP.c.id == ROUND.c.group_id
            )
        )
        .where(ANSWER.c.member_id == member_id)
        .order_by(ROUND.c.opened_at)
    )
    pairings = connection.execute(
        select(PAIRING.c.round_id, PAIRING.c.group_no).where(PAIRING.c.member_id == member_id)
    )
    preference = connection.execute(
        select(PREFERENCE.c.no_pairing).where(PREFERENCE.c.member_id == member_id)
    ).scalar()
    opened = connection.execute(
        select(ROUND.c.id, ROUND.c.prompt, ROUND.c.opened_at).where(ROUND.c.opened_by == member_id)
    )
    scheduled = connection.execute(
        select(CADENCE.c.id, CADENCE.c.prompt, CADENCE.c.weekday, CADENCE.c.at_time).where(
            CADENCE.c.created_by == member_id
        )
    )
    return {
        "answers": [
            {
                "group": row.name,
                "prompt": row.prompt,
                "round_opened_at": _when(row.opened_at),
                "colour": row.colour,
                "note": row.note,
                "anonymous": bool(row.anonymous),
                "answered_at": _when(row.changed_at),
                "leaders_told_at": _when(row.leaders_told_at),  # of an answer asking for help
            }
            for row in answers
        ],
        "suggested_groups": [{"round": row.round_id, "group": row.group_no} for row in pairings],
        "do_not_pair_me": bool(preference),
        "rounds_opened": [
            {"round": row.id, "prompt": row.prompt, "opened_at": _when(row.opened_at)}
            for row in opened
        ],
        "weekly_check_ins_set_up": [
            {
                "cadence": row.id,
                "prompt": row.prompt,
                "weekday": row.weekday,
                "time": row.at_time.strftime("%H:%M"),
            }
            for row in scheduled
        ],
    }


def erase_member(connection: Connection, member_id: int) -> None:
    open_rounds = select(ROUND.c.id).where(ROUND.c.closed_at.is_(None))
    connection.execute(
        delete(ANSWER).where(ANSWER.c.member_id == member_id, ANSWER.c.round_id.in_(open_rounds))
    )
    connection.execute(
        update(ANSWER)
        .where(ANSWER.c.member_id == member_id)
        .values(member_id=None, note=None, leaders_told_at=None)
    )
    connection.execute(delete(PAIRING).where(PAIRING.c.member_id == member_id))
    connection.execute(delete(PREFERENCE).where(PREFERENCE.c.member_id == member_id))
    connection.execute(update(ROUND).where(ROUND.c.opened_by == member_id).values(opened_by=None))
    connection.execute(
        update(CADENCE).where(CADENCE.c.created_by == member_id).values(created_by=None)
    )
