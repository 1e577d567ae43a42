"""Finding the person and the school a command names: platform mentions (`<@U123>`),
`@Display Name` or a plain name; schools by name with "did you mean" suggestions."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.refusals import Refusal
from bot.parsing.arguments import mention_id
from bot.parsing.names import name_key
from bot.parsing.suggest import did_you_mean
from storage import directory
from storage.directory import MemberRecord, SchoolRecord


def find_person(ctx: Context, typed: str) -> MemberRecord:
    """The member `typed` refers to, in the acting member's network."""
    network = ctx.require_network()
    typed = typed.strip()
    user_id = mention_id(typed)
    if user_id is not None and ctx.actor is not None:
        member = directory.member_for_identity(
            ctx.connection,
            platform=ctx.actor.platform,
            workspace=ctx.actor.workspace,
            user_id=user_id,
        )
        if member is None or member.network_id != network.id:
            raise Refusal(
                "I haven't met that person yet. Ask them to type `/staffroom whoami` once, "
                "then try again."
            )
        return member
    name = typed.removeprefix("@").strip()
    if not name:
        raise Refusal("Please name a person, for example `@Sam Jones`.")
    found = directory.members_named(ctx.connection, network_id=network.id, display_name=name)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise Refusal(
            f"More than one person here is called {name}. Please @-mention the one you mean."
        )
    raise Refusal(
        f"I can't find anyone called “{name[:60]}” in this network. Please @-mention them, "
        "or ask them to type `/staffroom whoami` once so I know them."
    )


def find_school(ctx: Context, typed: str) -> SchoolRecord:
    """The school `typed` names, or a refusal listing the closest names."""
    network = ctx.require_network()
    school = directory.find_school(ctx.connection, network_id=network.id, name_key=name_key(typed))
    if school is not None:
        return school
    names = [s.name for s in directory.list_schools(ctx.connection, network_id=network.id)]
    hint = did_you_mean(typed, names)
    if not names:
        raise Refusal(
            "This network has no schools yet. A facilitator can add one with "
            "`/staffroom school add <name>`."
        )
    raise Refusal(
        f"There is no school called “{typed.strip()[:80]}” in this network. {hint} "
        "`/staffroom schools` lists them all; a facilitator can add a missing one with "
        "`/staffroom school add <name>`.".replace("  ", " ")
    )
