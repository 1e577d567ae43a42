"""The network's term calendar, kept by facilitators: `term add`, `holiday add`, `term list`,
`term remove`. Recurring work skips holidays (`storage.calendar.holiday_on`; once terms are
set, days between terms count as holidays too). A change here is applied at once to meeting
sessions still to come: those now in a holiday are skipped, with the people coming told."""

from __future__ import annotations

from datetime import date, timedelta

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.registry import Audience, Registry
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Heading, Reply, Text, Tone
from bot.meetings.holidays import CalendarEffect, apply_calendar
from bot.parsing.arguments import split_words
from bot.parsing.dates import take_date
from bot.parsing.names import clean_name, name_key
from bot.parsing.times import show_date
from storage import calendar
from storage.calendar import HOLIDAY, TERM

PERIOD_NAME_LIMIT = 60
LONGEST = timedelta(days=366)
_SEPARATORS = {"to", "until", "-", "–", "—"}


def read_period(arguments: str, *, kind: str, today: date) -> tuple[str, date, date]:
    """`Autumn term 2026-09-02 2026-12-18` → (name, first day, last day)."""
    words = split_words(arguments)
    example = (
        "term add Autumn term 2026-09-02 2026-12-18"
        if kind == TERM
        else "holiday add Half term 2026-10-26 2026-10-30"
    )
    for index in range(1, len(words)):
        found = take_date(words, index, today=today)
        if found is None:
            continue
        starts, after = found
        if after < len(words) and words[after].lower() in _SEPARATORS:
            after += 1
        ends_found = take_date(words, after, today=today)
        ends, after = ends_found if ends_found else (starts, after)
        if after != len(words) or (kind == TERM and ends_found is None):
            continue
        name = clean_name(
            " ".join(words[:index]),
            what=f"{kind} name",
            limit=PERIOD_NAME_LIMIT,
            example="Half term",
        )
        if ends < starts:
            raise Refusal(
                f"The {kind} ends ({show_date(ends)}) before it starts ({show_date(starts)})."
            )
        if ends - starts > LONGEST:
            raise Refusal(f"A {kind} can be at most a year long.")
        return name, starts, ends
    raise Refusal(f"Please give a name, then the first and last days, like `/staffroom {example}`.")


def _add(ctx: Context, arguments: str, kind: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="set the term calendar")
    today = ctx.now.astimezone(ctx.zone).date()
    name, starts, ends = read_period(arguments, kind=kind, today=today)
    existing = calendar.periods(ctx.connection, network_id=network.id)
    if any(p.kind == kind and name_key(p.name) == name_key(name) for p in existing):
        raise Refusal(
            f"There is already a {kind} called **{name}**; remove it first with `/staffroom term remove {name}`."
        )
    calendar.add_period(
        ctx.connection,
        network_id=network.id,
        kind=kind,
        name=name,
        starts_on=starts,
        ends_on=ends,
        now=ctx.now,
    )
    return Reply(
        (
            Text(f"Added the {kind} **{name}**: {show_date(starts)} to {show_date(ends)}."),
            *_effect_blocks(apply_calendar(ctx)),
        ),
        tone=Tone.SUCCESS,
    )


def term_add(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return _add(ctx, arguments, TERM)


def holiday_add(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return _add(ctx, arguments, HOLIDAY)


def term_remove(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="change the term calendar")
    existing = calendar.periods(ctx.connection, network_id=network.id)
    matching = [p for p in existing if name_key(p.name) == name_key(arguments.strip().strip('"'))]
    if not matching:
        names = ", ".join(p.name for p in existing) or "none yet"
        raise Refusal(
            f"There's no term or holiday called “{arguments.strip()[:60]}”. The calendar has: {names}."
        )
    for period in matching:
        calendar.remove_period(ctx.connection, network_id=network.id, period_id=period.id)
    removed = ", ".join(f"the {p.kind} **{p.name}**" for p in matching)
    return Reply(
        (Text(f"Removed {removed}."), *_effect_blocks(apply_calendar(ctx))), tone=Tone.SUCCESS
    )


def term_list(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    periods = calendar.periods(ctx.connection, network_id=network.id)
    if not periods:
        return Reply.say(
            "No term dates yet, so every day counts as a working day. A facilitator adds them "
            "with `/staffroom term add Autumn term 2026-09-02 2026-12-18` and "
            "`/staffroom holiday add Half term 2026-10-26 2026-10-30`."
        )
    blocks: list[Text | Heading | ContextLine] = [Heading(f"Term calendar — {network.name}")]
    for kind, title in ((TERM, "Terms"), (HOLIDAY, "Holidays")):
        lines = [
            f"• **{p.name}**: {show_date(p.starts_on)} to {show_date(p.ends_on)}"
            for p in periods
            if p.kind == kind
        ]
        if lines:
            blocks.append(Text(f"**{title}**\n" + "\n".join(lines)))
    if any(p.kind == TERM for p in periods):
        blocks.append(ContextLine("Days outside every term count as holidays (“between terms”)."))
    return Reply(tuple(blocks))


def _effect_blocks(effect: CalendarEffect) -> tuple[Text, ...]:
    blocks = []
    if effect.skipped:
        blocks.append(
            Text(
                f"{len(effect.skipped)} meeting session(s) now fall in a holiday and are "
                "skipped (I've told the people coming):\n"
                + "\n".join(f"• {line}" for line in effect.skipped)
            )
        )
    if effect.restored:
        blocks.append(
            Text(
                f"{len(effect.restored)} skipped session(s) are back on:\n"
                + "\n".join(f"• {line}" for line in effect.restored)
            )
        )
    return tuple(blocks)


def register(registry: Registry) -> None:
    add_network = registry.commands_in("Network (facilitators)")
    add_meetings = registry.commands_in("Meetings")
    add_network(
        "term add",
        term_add,
        "Add a term (days between terms count as holidays)",
        usage="<name> <first day> <last day>",
        audience=Audience.FACILITATOR,
        examples=("term add Autumn term 2026-09-02 2026-12-18",),
    )
    add_network(
        "holiday add",
        holiday_add,
        "Add a holiday; recurring meetings skip it",
        usage="<name> <first day> [<last day>]",
        audience=Audience.FACILITATOR,
        examples=(
            "holiday add Half term 2026-10-26 2026-10-30",
            "holiday add INSET day 2027-01-04",
        ),
    )
    add_network(
        "term remove",
        term_remove,
        "Remove a term or holiday",
        usage="<name>",
        audience=Audience.FACILITATOR,
        examples=("term remove Half term",),
    )
    add_meetings("term list", term_list, "The network's terms and holidays")
