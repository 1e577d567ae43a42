"""Each member's salt for keyed hashes: a random value of their own, deleted with their member
row (the foreign key cascades). Salts are made for every member of the network at once, the
first time any of them needs one, so which members have a salt says nothing about who asked or
said "me too".

Their asker, "me too" and daily-count hashes are computed over their member id *and* this
salt, so erasing the member row is enough to untie every hash of theirs for good: nothing else
changes at that moment, so two backups around an erasure show no question, "me too" or count
that belonged to them. Members who existed before salts were introduced have an empty salt,
and their hashes are the earlier ones (`retention` unties those one by one at erasure).
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, bindparam, select

from storage.tables import table
from storage.upsert import insert_ignore

MEMBER = table("member")
MEMBER_KEY = table("member_key")
LEGACY_SALT = ""

_salt = select(MEMBER_KEY.c.salt).where(MEMBER_KEY.c.member_id == bindparam("member_id"))


def salt_of(connection: Connection, *, member_id: int) -> str:
    """The member's salt, made now if they have none yet."""
    salt = connection.execute(_salt, {"member_id": member_id}).scalar()
    if salt is None:
        _salt_the_network_of(connection, member_id)
        salt = connection.execute(_salt, {"member_id": member_id}).scalar_one()
    return str(salt)


def _salt_the_network_of(connection: Connection, member_id: int) -> None:
    network = select(MEMBER.c.network_id).where(MEMBER.c.id == member_id).scalar_subquery()
    unsalted = connection.execute(
        select(MEMBER.c.id).where(
            MEMBER.c.network_id == network,
            MEMBER.c.id.not_in(select(MEMBER_KEY.c.member_id)),
        )
    )
    for (unsalted_id,) in unsalted.all():
        insert_ignore(
            connection,
            MEMBER_KEY,
            {"member_id": unsalted_id, "salt": secrets.token_hex(16)},
            conflict=("member_id",),
        )


def hashed_person(connection: Connection, *, member_id: int) -> str:
    """What a keyed hash is computed over for this member: their id, salted."""
    salt = salt_of(connection, member_id=member_id)
    return str(member_id) if salt == LEGACY_SALT else f"{member_id}.{salt}"
