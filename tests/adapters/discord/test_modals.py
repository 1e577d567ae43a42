"""Forms on Discord, end to end: a command or button opens a modal (callback type 9), answers
come back as a modal submit, the core's validation errors can be fixed in place, long forms
are filled in parts, and a one-part form still submits after a restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import TEACHER, DiscordBot, last_response, shown_text
from tests.adapters.discord.fake_discord import Recorded
from tests.adapters.discord.rest_objects import EPHEMERAL, message_payload
from tests.adapters.discord.sample_feature import SampleFeature


def modal_of(requests: list[Recorded]) -> dict[str, Any]:
    (callback,) = [r.json for r in requests if r.path.endswith("/callback")]
    assert callback["type"] == 9, callback
    return dict(callback["data"])


def button_of(message: dict[str, Any]) -> dict[str, Any]:
    return dict(message["components"][0]["components"][0])


def as_message(response: dict[str, Any]) -> dict[str, Any]:
    """The response as Discord sends it back inside a later component interaction."""
    return message_payload("1500000000000009999", payloads.CHANNEL, response)


async def submit(
    bot: DiscordBot,
    custom_id: str,
    answers: dict[str, Any],
    who: dict[str, Any] = TEACHER,
    guild: str | None = payloads.GUILD,
) -> list[Recorded]:
    data = payloads.modal_answers(custom_id, answers)
    return await bot.interact(payloads.interaction(5, data, who=who, guild=guild))


async def press(
    bot: DiscordBot,
    message: dict[str, Any],
    who: dict[str, Any] = TEACHER,
    guild: str | None = payloads.GUILD,
) -> list[Recorded]:
    custom_id = button_of(message)["custom_id"]
    return await bot.interact(
        payloads.interaction(3, payloads.button(custom_id), who=who, guild=guild, message=message)
    )


async def test_errors_in_a_form_are_fixed_in_a_reopened_modal(
    discord_bot: DiscordBot, network_ready: Any, sample: SampleFeature
) -> None:
    await network_ready()
    modal = modal_of(await discord_bot.command(("ponder",), ("short", "short")))
    assert modal["title"] == "Quick reflection"
    assert modal["custom_id"].endswith(":0:sample.reflection:meeting:8")
    answers = {"achieved": "Agreed a moderation plan", "next_date": "next Tuesday"}

    refused = last_response(await submit(discord_bot, modal["custom_id"], answers))
    assert refused["flags"] & EPHEMERAL
    assert "Please give a date like 2026-12-01." in shown_text(refused)
    assert "Next session" in shown_text(refused)  # the field's label, not its name
    fix = button_of(refused)
    assert fix["label"] == "Fix my answers" and fix["custom_id"].startswith("sx:")

    reopened = modal_of(await press(discord_bot, as_message(refused)))
    values = {
        label["component"]["custom_id"]: label["component"].get("value")
        for label in reopened["components"]
    }
    assert values == {"achieved": "Agreed a moderation plan", "next_date": "next Tuesday"}
    answers["next_date"] = "2026-12-01"
    saved = last_response(await submit(discord_bot, reopened["custom_id"], answers))
    assert "reflection for meeting:8 saved" in shown_text(saved)
    assert [dict(s.values) for s in sample.submitted] == [
        {"achieved": "Agreed a moderation plan", "next_date": "next Tuesday"},
        {"achieved": "Agreed a moderation plan", "next_date": "2026-12-01"},
    ]


async def test_a_long_form_is_filled_in_two_parts(
    discord_bot: DiscordBot, network_ready: Any, sample: SampleFeature
) -> None:
    await network_ready()
    first = modal_of(await discord_bot.command(("ponder",)))
    assert first["title"].endswith("(1/2)") and len(first["components"]) == 5
    part_one = {
        "achieved": "Shared mark schemes",
        "confidence": ["amber"],
        "next_date": "2026-12-08",
        "next_time": "16:30",
        "share": True,
    }
    saved = last_response(await submit(discord_bot, first["custom_id"], part_one))
    assert "part 1 of 2 saved" in shown_text(saved)
    assert button_of(saved)["label"] == "Continue (2/2)"
    assert not sample.submitted

    second = modal_of(await press(discord_bot, as_message(saved)))
    assert second["title"].endswith("(2/2)")
    done = last_response(
        await submit(
            discord_bot, second["custom_id"], {"students": "Fewer errors", "title": "Moderation"}
        )
    )
    assert "reflection for meeting:7 saved" in shown_text(done)
    (submitted,) = sample.submitted
    assert dict(submitted.values) == {
        "achieved": "Shared mark schemes",
        "confidence": "amber",
        "next_date": "2026-12-08",
        "next_time": "16:30",
        "share": "yes",
        "students": "Fewer errors",
        "title": "Moderation",
    }


async def test_a_one_part_form_open_across_a_restart_still_submits(
    discord_bot: DiscordBot, network_ready: Any, sample: SampleFeature
) -> None:
    await network_ready()
    modal = modal_of(await discord_bot.command(("ponder",), ("short", "short")))
    await discord_bot.restart()
    answers = {"achieved": "Planned the trip", "next_date": "2026-12-01"}
    saved = last_response(await submit(discord_bot, modal["custom_id"], answers))
    assert "reflection for meeting:8 saved" in shown_text(saved)
    assert sample.submitted[0].context == "meeting:8"


async def test_a_part_of_a_long_form_lost_in_a_restart_is_explained(
    discord_bot: DiscordBot, network_ready: Any, sample: SampleFeature
) -> None:
    await network_ready()
    first = modal_of(await discord_bot.command(("ponder",)))
    await discord_bot.restart()
    lost = last_response(await submit(discord_bot, first["custom_id"], {"achieved": "x"}))
    assert "please start again" in shown_text(lost).lower()
    assert not sample.submitted


async def test_a_button_in_a_direct_message_opens_a_form_for_its_server(
    discord_bot: DiscordBot, network_ready: Any, sample: SampleFeature
) -> None:
    await network_ready()
    await discord_bot.command(("remind",))
    assert await discord_bot.deliver() == 1
    (opened,) = discord_bot.fake.find("POST", r"/users/@me/channels")
    assert opened.json == {"recipient_id": int(TEACHER["user"]["id"])}
    (dm,) = discord_bot.fake.posts()
    dm_channel = dm.path.split("/")[2]
    (message,) = [m for m in discord_bot.fake.messages.values() if m["channel_id"] == dm_channel]
    assert button_of(message)["custom_id"] == f"sr@{payloads.GUILD}:sample.reflect:8"

    user = TEACHER["user"]
    in_dm = {"guild": None, "who": user}
    custom_id = button_of(message)["custom_id"]
    modal = modal_of(
        await discord_bot.interact(
            payloads.interaction(
                3, payloads.button(custom_id), channel=dm_channel, message=message, **in_dm
            )
        )
    )
    answers = {"achieved": "Read the examiner's report", "next_date": "2026-12-01"}
    data = payloads.modal_answers(modal["custom_id"], answers)
    saved = last_response(
        await discord_bot.interact(payloads.interaction(5, data, channel=dm_channel, **in_dm))
    )
    assert "reflection for meeting:8 saved" in shown_text(saved)
    (submitted,) = sample.submitted
    assert submitted.actor.workspace == payloads.GUILD and submitted.place.is_direct


async def test_staffroom_ask_opens_the_question_form_and_its_text_reaches_follow_ups(
    discord_bot: DiscordBot, network_ready: Callable[[], Any]
) -> None:
    await network_ready()
    modal = modal_of(await discord_bot.command(("ask",)))
    assert modal["title"].startswith("Ask anonymously")
    followup = await discord_bot.command(("ask",), ("details", "followup #7 more detail"))
    # `ask followup` itself answered: it looked for question #7 (there is none yet).
    assert "There is no question #7" in shown_text(last_response(followup))
