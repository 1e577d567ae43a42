"""Keyed hashes and sealed addresses: how the bot recognises an anonymous asker (or a "me too")
without storing who they are.

Every hash is HMAC-SHA256 under the server secret, over a purpose label and the ids involved,
so one purpose's hash never equals another's and none can be recomputed (or tested against a
guess) without the secret — which never lives in the database. A person enters a hash as their
member id with a random salt of their own (`storage.member_keys`), deleted with their member
row: once they are erased, nobody — not even with the secret and their old member id — can
test a hash against them, and no question row has to change at that moment. The one thing the bot must be
able to read back, the address of an asker who asked to be told about replies, is encrypted
(Fernet, with a key derived from the secret by HKDF) and sealed together with the message for
the outbox, so the outbox row names no person either.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import date

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.delivery.ports import Destination
from bot.kernel.replies import Reply
from bot.kernel.reply_codec import decode_reply, encode_reply

SEALED = "sealed"
"""What an outbox row holds instead of a workspace and user id when its address is sealed."""

_SEPARATOR = "\x1f"  # cannot occur in the ids and dates hashed
_SEAL_INFO = b"staffroom sealed address v1"


def keyed_hash(secret: bytes, purpose: str, *parts: int | str | date) -> str:
    """HMAC-SHA256(secret, purpose ‖ parts…) as hex."""
    message = _SEPARATOR.join([purpose, *(str(part) for part in parts)])
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def asker_hash(secret: bytes, *, question_id: int, person: str) -> str:
    """Stored with a question; lets its asker (`person`: their salted member key) follow up
    and resolve it."""
    return keyed_hash(secret, "asker", question_id, person)


def is_asker(secret: bytes, stored: str | None, *, question_id: int, person: str) -> bool:
    if stored is None:
        return False
    expected = asker_hash(secret, question_id=question_id, person=person)
    return hmac.compare_digest(stored, expected)


def metoo_person_hash(secret: bytes, *, question_id: int, person: str) -> str:
    """Counts one person's "me too" on one question once."""
    return keyed_hash(secret, "metoo-person", question_id, person)


def metoo_school_hash(secret: bytes, *, question_id: int, school_id: int) -> str:
    """Counts schools: two people of one school give the same hash (per question only)."""
    return keyed_hash(secret, "metoo-school", question_id, school_id)


def quota_hash(secret: bytes, *, network_id: int, person: str, day: date) -> str:
    """Counts one person's anonymous questions on one day; a new day gives unrelated hashes."""
    return keyed_hash(secret, "ask-quota", network_id, person, day)


def token_hash(token: str) -> str:
    """What is stored of a one-time token handed to a person (a draft's confirmation)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _fernet(secret: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(secret: bytes, data: bytes) -> str:
    # A Fernet token carries its creation time in clear; zero it, the rows say enough.
    return _fernet(secret).encrypt_at_time(data, 0).decode("ascii")


def _open(secret: bytes, sealed: str) -> bytes:
    return _fernet(secret).decrypt(sealed.encode("ascii"))


def seal_address(secret: bytes, *, platform: str, workspace: str, user_id: str) -> str:
    """A person's chat address, encrypted (for "tell me about replies")."""
    return _seal(secret, json.dumps([platform, workspace, user_id]).encode())


def open_address(secret: bytes, sealed: str) -> tuple[str, str, str]:
    """(platform, workspace, user id) from `seal_address`; raises `InvalidToken` if tampered."""
    platform, workspace, user_id = json.loads(_open(secret, sealed))
    return str(platform), str(workspace), str(user_id)


def seal_message(secret: bytes, sealed_address: str, reply: Reply) -> str:
    """An outbox payload that hides both whom it goes to and what it says."""
    body = json.dumps({"to": sealed_address, "reply": encode_reply(reply)})
    return _seal(secret, body.encode())


def open_message(secret: bytes, payload: str) -> tuple[Destination, Reply]:
    """The destination and reply of a `seal_message` payload (the delivery worker's side)."""
    body = json.loads(_open(secret, payload))
    platform, workspace, user_id = open_address(secret, body["to"])
    return Destination(platform, workspace, user_id=user_id), decode_reply(body["reply"])


__all__ = [
    "SEALED",
    "InvalidToken",
    "asker_hash",
    "is_asker",
    "keyed_hash",
    "metoo_person_hash",
    "metoo_school_hash",
    "open_address",
    "open_message",
    "quota_hash",
    "seal_address",
    "seal_message",
    "token_hash",
]
