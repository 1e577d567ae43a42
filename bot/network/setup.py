"""Creating a network and bringing workspaces into it: `setup` (a workspace admin creates a
network), `setup join <code>`, and `network invite` (the code another workspace joins with)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.first_contact import first_contact
from bot.kernel.permissions import require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Heading, Reply, Text, Tone
from bot.parsing.arguments import split_words
from bot.parsing.names import NETWORK_NAME_LIMIT, clean_name
from storage import directory, networks
from storage.networks import NetworkRecord

INVITE_LIFETIME = timedelta(hours=48)


def _invite_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def setup(cmd: Command, ctx: Context, arguments: str) -> Reply:
    words = split_words(arguments)
    if words and words[0].lower() == "join":
        return _setup_join(cmd, ctx, " ".join(words[1:]))
    if ctx.network is not None:
        names = ", ".join(
            f.display_name
            for f in directory.facilitators(ctx.connection, network_id=ctx.network.id)
        )
        raise Refusal(
            f"This workspace already belongs to the network **{ctx.network.name}**"
            + (f" (facilitators: {names})." if names else ".")
            + " `/staffroom help` shows what you can do."
        )
    if not cmd.actor.is_workspace_admin:
        raise Refusal(
            "Only a workspace admin can set Staffroom up here. Please ask one of your admins to "
            "type `/staffroom setup <network name>`."
        )
    name = clean_name(
        arguments, what="network name", limit=NETWORK_NAME_LIMIT, example="Hampshire Colleges"
    )
    if networks.find_network_by_name(ctx.connection, name=name) is not None:
        raise Refusal(
            f"A network called **{name}** already exists. To add this workspace to it, ask its "
            "facilitator for an invitation code (`/staffroom network invite`), then type "
            "`/staffroom setup join <code>`. Or choose another name."
        )
    network = networks.create_network(
        ctx.connection, name=name, timezone=ctx.config.default_timezone, now=ctx.now
    )
    _bring_in_workspace(cmd, ctx, network, facilitator=True)
    ctx.network_changed = True
    return Reply(
        (
            Heading(f"Welcome to {name}"),
            Text(
                "The network is ready and you are its facilitator. Next steps:\n"
                "1. Add the schools: `/staffroom school add Ridgeway School`\n"
                "2. Create subject groups: `/staffroom group create A-level Chemistry — moderation and practicals`\n"
                "3. In each group's channel: `/staffroom group link A-level Chemistry`\n"
                "4. Appoint leaders: `/staffroom group leader A-level Chemistry @name`\n"
                "Or import everything at once with `staffroom import roster.csv` on the server."
            ),
            ContextLine(
                f"Times are shown in {network.timezone}; change it with `/staffroom network timezone <zone>`."
            ),
        ),
        tone=Tone.SUCCESS,
    )


def _setup_join(cmd: Command, ctx: Context, code: str) -> Reply:
    if ctx.network is not None:
        raise Refusal(f"This workspace already belongs to **{ctx.network.name}**.")
    if not cmd.actor.is_workspace_admin:
        raise Refusal("Only a workspace admin can add this workspace to a network.")
    if not code.strip():
        raise Refusal(
            "Please give the invitation code, for example `/staffroom setup join K7Q-2MX-9TB`."
        )
    network_id = networks.use_invite(ctx.connection, code_hash=_invite_hash(code), now=ctx.now)
    if network_id is None:
        raise Refusal(
            "That invitation code isn't valid — it may be mistyped, used already, or older than "
            "48 hours. Ask the network's facilitator for a new one (`/staffroom network invite`)."
        )
    network = networks.get_network(ctx.connection, network_id=network_id)
    assert network is not None
    _bring_in_workspace(cmd, ctx, network)
    ctx.network_changed = True
    return Reply.say(
        f"This workspace is now part of **{network.name}**. Its groups can be linked to channels "
        "here with `/staffroom group link <group>`, and answers from every workspace count together.",
        tone=Tone.SUCCESS,
    )


def network_invite(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="invite another workspace")
    raw = secrets.token_hex(5).upper()[:9]
    code = f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"
    networks.add_invite(
        ctx.connection,
        network_id=network.id,
        code_hash=_invite_hash(code),
        expires_at=ctx.now + INVITE_LIFETIME,
    )
    return Reply.say(
        f"Invitation code: **{code}** (valid for 48 hours, once).",
        "In the other Slack workspace or Discord server, an admin types "
        f"`/staffroom setup join {code}`. Its channels can then be linked to this network's groups.",
    )


def _bring_in_workspace(
    cmd: Command, ctx: Context, network: NetworkRecord, *, facilitator: bool = False
) -> None:
    """Bind the command's workspace to `network` and meet the person who typed the command."""
    networks.bind_workspace(
        ctx.connection,
        network_id=network.id,
        platform=cmd.actor.platform,
        external_id=cmd.actor.workspace,
        now=ctx.now,
    )
    first_contact(ctx.connection, network, cmd.actor, ctx.now, is_facilitator=facilitator)
