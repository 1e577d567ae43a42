"""Subject groups through the whole bot (console adapter, real core, real SQLite): roles,
permissions, archived groups, bad input, channel activity, and multi-platform groups."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.groups.membership import join
from bot.kernel.context import Context
from bot.kernel.events import Actor, ChannelActivity, Command, Place
from bot.kernel.registry import CommandSpec
from bot.kernel.replies import Reply
from storage.activity import ACTIVITY_DAY
from storage.outbox import OUTBOX
from storage.uow import unit_of_work


@pytest.fixture
async def network(bot: ConsoleSession) -> ConsoleSession:
    for line in (
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        "/staffroom school add Ridgeway School",
        "/staffroom group create A-level Chemistry — practicals",
        ":in #chem",
        "/staffroom group link A-level Chemistry",
        ":as Tom Patel@Ridgeway School",
        "/staffroom join A-level Chemistry",
    ):
        await bot.send(line)
    return bot


async def test_only_facilitators_create_groups(network: ConsoleSession) -> None:
    out = await network.send("/staffroom group create GCSE Maths")
    assert "Only a network facilitator can create subject groups" in out


async def test_a_leader_links_a_channel_but_a_plain_member_cannot(network: ConsoleSession) -> None:
    await network.send(":in #chem-2")
    assert "Only a leader of A-level Chemistry" in await network.send(
        "/staffroom group link A-level Chemistry"
    )
    await network.send(":as Fran Hughes")
    await network.send("/staffroom group leader A-level Chemistry @Tom Patel")
    await network.send(":as Tom Patel")
    assert "now linked" in await network.send("/staffroom group link A-level Chemistry")
    info = await network.send("/staffroom group info A-level Chemistry")
    assert "#chem (Console)" in info and "#chem-2 (Console)" in info


async def test_linking_from_a_direct_message_says_where_to_type_it(network: ConsoleSession) -> None:
    await network.send(":as Fran Hughes")
    await network.send(":dm")
    assert "type this in the channel you want to link" in await network.send(
        "/staffroom group link A-level Chemistry"
    )


async def test_a_channel_serves_one_group(network: ConsoleSession) -> None:
    await network.send(":as Fran Hughes")
    await network.send("/staffroom group create A-level Biology")
    out = await network.send("/staffroom group link A-level Biology")
    assert "already belongs to A-level Chemistry" in out


async def test_archived_groups_refuse_joins_and_can_be_restored(network: ConsoleSession) -> None:
    await network.send(":as Fran Hughes")
    assert "is archived" in await network.send("/staffroom group archive A-level Chemistry")
    await network.send(":as Newbie@Ridgeway School")
    assert "has been archived" in await network.send("/staffroom join A-level Chemistry")
    assert "A-level Chemistry" not in await network.send("/staffroom groups")
    await network.send(":as Fran Hughes")
    await network.send("/staffroom group restore A-level Chemistry")
    await network.send(":as Newbie")
    assert "Welcome to A-level Chemistry" in await network.send("/staffroom join A-level Chemistry")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/staffroom group create " + "x" * 61, "at most 60 characters; that one has 61"),
        ("/staffroom group create Chеmistry", "mixes Cyrillic and Latin letters"),
        ("/staffroom group create    ", "Please give a group name"),
        ("/staffroom school add ", "Please give a school name"),
        ("/staffroom group leader A-level Chemistry", "@-mention the person"),
        (
            "/staffroom group leader A-level Chemistry @Nobody Here",
            "can't find anyone called “Nobody Here”",
        ),
        ("/staffroom network timezone Mars/Olympus", "isn't a time zone I know"),
        ("/staffroom network privacy 1", "whole number from 2 to 20"),
        ("/staffroom frobnicate", "I don't know the command “frobnicate”"),
        ("/help", "try /staffroom help"),
    ],
)
async def test_bad_input_gets_a_kind_message_saying_what_to_type(
    network: ConsoleSession, line: str, expected: str
) -> None:
    await network.send(":as Fran Hughes")
    assert expected in await network.send(line)


async def test_leaving_as_the_last_leader_tells_the_facilitator(network: ConsoleSession) -> None:
    await network.send(":as Fran Hughes")
    await network.send("/staffroom group leader A-level Chemistry @Tom Patel")
    await network.send(":as Tom Patel")
    out = await network.send("/staffroom leave A-level Chemistry")
    assert "→ Fran Hughes (direct message)" in out and "now has no leader" in out


async def test_channel_activity_is_counted_without_storing_text(
    network: ConsoleSession, app: Staffroom
) -> None:
    await network.send(":as Tom Patel")
    await network.send(":in #chem")
    await network.send("Has anyone else seen the grade boundaries move?")
    await network.send("And the mark scheme?")
    await network.send(":in #random")
    await network.send("not a group channel")
    with unit_of_work(app.core.engine) as connection:
        rows = connection.execute(select(ACTIVITY_DAY.c.messages)).all()
        everything = " ".join(
            str(v)
            for table in ("outbox", "member", "activity_day")
            for v in connection.exec_driver_sql(f"SELECT * FROM {table}").all()
        )
    assert [r.messages for r in rows] == [2]
    assert "grade boundaries" not in everything


def _join_then_fail(cmd: Command, ctx: Context, arguments: str) -> Reply:
    """Joins the group just as `join` does, then fails, as a bug after the insert would."""
    join(cmd, ctx, arguments)
    raise RuntimeError("disk on fire")


async def test_a_failure_inside_a_handler_apologises_with_an_id_and_changes_nothing(
    network: ConsoleSession, caplog: pytest.LogCaptureFixture
) -> None:
    network.core.registry.command(CommandSpec(("broken", "join"), _join_then_fail, "fails"))
    await network.send(":as Ben Carter@Ridgeway School")
    with caplog.at_level(logging.ERROR, logger="staffroom.core"):
        out = await network.send("/staffroom broken join A-level Chemistry")
    assert "something went wrong on my side, and nothing was changed" in out
    error_id = out.split("quote error ")[1][:6]
    # The operator can find the failure from the id the member quotes, and see where it was.
    (failure,) = [r.getMessage() for r in caplog.records if "event failed" in r.getMessage()]
    assert failure == f"event failed: kind=Command handler=broken join error_id={error_id}"
    assert "Ben Carter" not in await _as_fran_members(network)


async def _as_fran_members(bot: ConsoleSession) -> str:
    await bot.send(":as Fran Hughes")
    return await bot.send("/staffroom group members A-level Chemistry")


async def test_a_group_linked_on_two_platforms_posts_to_both_and_counts_both(
    network: ConsoleSession, app: Staffroom
) -> None:
    """A Slack workspace joins by invitation; the group gets a Slack channel too."""
    await network.send(":as Fran Hughes")
    code = (await network.send("/staffroom network invite")).split("**")[0]
    code = next(word for word in code.split() if word.count("-") == 2)
    slack_admin = Actor("slack", "T1", "U1", "Sally Admin", is_workspace_admin=True)
    core = app.core
    slack_channel = Place("slack", "T1", channel="C1", channel_name="chemistry")
    reply = core.handle_now(Command(slack_admin, slack_channel, f"setup join {code}"))
    assert reply is not None and "now part of **Solent Network**" in reply.fallback_text()
    core.handle_now(Command(slack_admin, slack_channel, "school Ridgeway School"))
    await network.send(":as Fran Hughes")
    await network.send("/staffroom facilitator add @Sally Admin")
    reply = core.handle_now(Command(slack_admin, slack_channel, "group link A-level Chemistry"))
    assert reply is not None and "#chem (Console)" in reply.fallback_text()
    core.handle_now(Command(slack_admin, slack_channel, "join A-level Chemistry"))
    core.handle_now(ChannelActivity(slack_admin, slack_channel, core.clock.now()))
    await network.send(":as Tom Patel")
    await network.send(":in #chem")
    await network.send("hello from the console")
    with core.transaction() as ctx:
        from storage import groups as group_store

        group = group_store.list_groups(ctx.connection, network_id=1)[0]
        ctx.outbox.to_group(group.group.id, key="announce", reply=Reply.say("hi"), purpose="test")
    with unit_of_work(core.engine) as connection:
        platforms = sorted(
            r.platform
            for r in connection.execute(select(OUTBOX.c.platform).where(OUTBOX.c.purpose == "test"))
        )
        messages = connection.execute(select(ACTIVITY_DAY.c.messages)).scalars().all()
    assert platforms == ["console", "slack"]
    assert sorted(messages) == [1, 1]
    assert group.members == 2 and group.schools == 1


async def test_invitation_codes_work_once(network: ConsoleSession, app: Staffroom) -> None:
    await network.send(":as Fran Hughes")
    text = await network.send("/staffroom network invite")
    code = next(word for word in text.replace(".", " ").split() if word.count("-") == 2)
    admin = Actor("discord", "G1", "1", "Dee", is_workspace_admin=True)
    place = Place("discord", "G1", channel="9")
    first = app.core.handle_now(Command(admin, place, f"setup join {code}"))
    other = Actor("discord", "G2", "2", "Eve", is_workspace_admin=True)
    second = app.core.handle_now(
        Command(other, Place("discord", "G2", channel="8"), f"setup join {code}")
    )
    assert first is not None and "now part of" in first.fallback_text()
    assert second is not None and "isn't valid" in second.fallback_text()


async def test_time_moves_with_tick(network: ConsoleSession) -> None:
    before = network.clock.now()
    await network.send(":tick 90m")
    assert network.clock.now() - before == timedelta(minutes=90)


async def test_home_lists_my_groups_and_offers_buttons(network: ConsoleSession) -> None:
    await network.send(":as Tom Patel")
    out = await network.send("/staffroom home")
    assert "Your groups" in out and "A-level Chemistry" in out
    assert "Browse groups" in out
    assert "A-level Chemistry — 1 member from 1 school" in await network.send(
        ":click Browse groups"
    )
