"""Finding the question a command or a button is about: "#12" (also "12", "no. 12") at the
start of what was typed, or the question id a button carries — always within the network; and
the acting member's salted key, which their keyed hashes are made from."""

from __future__ import annotations

import re

from bot.kernel.context import Context
from bot.kernel.refusals import Refusal
from bot.parsing.numbers import id_in
from storage import member_keys
from storage import questions as store
from storage.questions import QuestionRecord

_NUMBERED = re.compile(r"^\s*(?:#|no\.?|number)?\s*(\d{1,9})(?![\w])[\s:,.;—–-]*(.*)$", re.S | re.I)


def split_number(typed: str) -> tuple[int, str] | None:
    """(number, the rest) from "#12 the rest"; None when it does not start with a number."""
    match = _NUMBERED.match(typed)
    if match is None:
        return None
    return int(match.group(1)), match.group(2).strip()


def find_numbered(ctx: Context, typed: str, *, usage: str) -> tuple[QuestionRecord, str]:
    """The network's question numbered at the start of `typed`, and what follows the number."""
    network = ctx.require_network()
    parsed = split_number(typed)
    if parsed is None:
        raise Refusal(
            f"Which question? Start with its number, for example `/staffroom {usage}`. "
            "`/staffroom questions` lists them."
        )
    number, rest = parsed
    question = store.find_question(ctx.connection, network_id=network.id, number=number)
    if question is None:
        raise Refusal(
            f"There is no question #{number} in this network. `/staffroom questions` lists them."
        )
    return question, rest


def question_pressed(ctx: Context, value: str) -> QuestionRecord:
    """The question a button's value names, if it is in the presser's network."""
    network = ctx.require_network()
    question = store.get_question(ctx.connection, question_id=id_in(value))
    if question is None or question.network_id != network.id:
        raise Refusal("That question no longer exists. `/staffroom questions` lists the newest.")
    return question


def keyed_self(ctx: Context) -> str:
    """The acting member as their keyed hashes see them (see `bot.privacy.anonymity`)."""
    return member_keys.hashed_person(ctx.connection, member_id=ctx.require_member().id)
