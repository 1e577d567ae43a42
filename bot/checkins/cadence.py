"""Weekly check-ins: `checkin every <weekday> <time> <prompt>` stores a cadence, and each
occurrence is a timer that opens the round and schedules the next one.

Times are local wall-clock times in the network's zone, kept across daylight-saving changes
(`bot.parsing.times.next_weekly`). An occurrence on a holiday of the network's calendar is skipped and
the leaders are told why; one that fell due while the bot was down for hours is not opened
late. If the group still has a round open, the new one replaces it (the old one closes first).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins import closing, parsing, render
from bot.checkins.rounds import (
    LONGEST_ROUND,
    SHORTEST_ROUND,
    group_and_rest,
    leaders_or_facilitators,
    start_round,
)
from bot.groups.lookup import find_group
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Button, Buttons, Heading, Reply, Text, Tone
from bot.kernel.replies import Context as ContextLine
from bot.parsing.durations import describe
from bot.parsing.numbers import whole_number
from bot.parsing.times import WEEKDAYS, next_weekly, show_time
from storage import calendar, checkin_cadences, checkins, directory, groups, timers
from storage.checkin_cadences import CadenceRecord
from storage.groups import GroupRecord
from storage.timers import TimerRecord

CADENCE_TIMER = "checkin.cadence"
DEFAULT_OPEN = timedelta(days=2)
LONGEST_WEEKLY = timedelta(days=6)
LATE_GRACE = timedelta(hours=6)  # later than this after its time, an occurrence is not opened
LOOKAHEAD_WEEKS = 26


def _zone(cadence: CadenceRecord) -> ZoneInfo:
    return ZoneInfo(cadence.timezone)


def _schedule_after(ctx: Context, cadence: CadenceRecord, after: datetime) -> datetime:
    due = next_weekly(after, cadence.weekday, cadence.at_time, _zone(cadence))
    timers.add_timer(
        ctx.connection,
        key=f"checkin-cadence:{cadence.id}:{due.isoformat()}",
        kind=CADENCE_TIMER,
        due_at=due,
        network_id=cadence.network_id,
        ref=str(cadence.id),
    )
    return due


def _describe(cadence: CadenceRecord) -> str:
    return (
        f"every {WEEKDAYS[cadence.weekday].title()} at {cadence.at_time:%H:%M} "
        f"({cadence.timezone}), open for {describe(timedelta(minutes=cadence.open_minutes))}"
    )


def _holiday(ctx: Context, cadence: CadenceRecord, instant: datetime) -> str | None:
    day = instant.astimezone(_zone(cadence)).date()
    return calendar.holiday_on(ctx.connection, network_id=cadence.network_id, day=day)


def _next_working(ctx: Context, cadence: CadenceRecord, due: datetime) -> datetime | None:
    """The first occurrence from `due` on that isn't in a holiday."""
    for _ in range(LOOKAHEAD_WEEKS):
        if _holiday(ctx, cadence, due) is None:
            return due
        due = next_weekly(due, cadence.weekday, cadence.at_time, _zone(cadence))
    return None


def next_opening(ctx: Context, group: GroupRecord) -> datetime | None:
    """When the group's next scheduled round opens (holidays skipped), if any is scheduled."""
    found: list[datetime] = []
    for cadence in checkin_cadences.active_cadences_of_group(ctx.connection, group_id=group.id):
        for timer in timers.pending_timers(ctx.connection, kind=CADENCE_TIMER, ref=str(cadence.id)):
            working = _next_working(ctx, cadence, timer.due_at)
            if working is not None:
                found.append(working)
    return min(found, default=None)


def every_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group, rest = group_and_rest(
        ctx,
        arguments,
        example="checkin every A-level Chemistry: Monday 08:30 How is this week's topic going?",
    )
    member = require_leader(ctx, group, doing="schedule check-ins")
    weekday, at, text = parsing.parse_schedule(rest)
    prompt_text, open_for = parsing.split_closing(text)
    prompt = parsing.clean_prompt(prompt_text)
    open_for = open_for or DEFAULT_OPEN
    if not SHORTEST_ROUND <= open_for <= min(LONGEST_ROUND, LONGEST_WEEKLY):
        raise Refusal(
            "A weekly check-in must close before the next week's opens: give it "
            f"{describe(SHORTEST_ROUND)} to {describe(LONGEST_WEEKLY)}, for example `closing in 2d`."
        )
    for existing in checkin_cadences.active_cadences_of_group(ctx.connection, group_id=group.id):
        if (existing.weekday, existing.at_time) == (weekday, at):
            raise Refusal(
                f"**{group.name}** already has a check-in {_describe(existing)} (#{existing.id}). "
                f"Stop it first with `/staffroom checkin stop {existing.id}`."
            )
    network = ctx.require_network()
    cadence = checkin_cadences.add_cadence(
        ctx.connection,
        network_id=network.id,
        group_id=group.id,
        weekday=weekday,
        at_time=at,
        timezone=network.timezone,
        prompt=prompt,
        open_minutes=int(open_for.total_seconds() // 60),
        created_by=member.id,
        now=ctx.now,
    )
    first = _schedule_after(ctx, cadence, ctx.now)
    working = _next_working(ctx, cadence, first)
    skipped = _holiday(ctx, cadence, first)
    first_text = show_time(first, ctx.zone)
    if skipped and working:
        first_text = (
            f"{show_time(working, ctx.zone)} ({show_time(first, ctx.zone)} is skipped: {skipped})"
        )
    return Reply.say(
        f"**{group.name}** will get the check-in {render.quoted(prompt, 120)} {_describe(cadence)}. "
        f"The first opens {first_text}.",
        f"Holidays in the network's calendar are skipped. `/staffroom checkin schedules {group.name}` "
        f"lists the group's weekly check-ins; `/staffroom checkin stop {cadence.id}` stops this one.",
        tone=Tone.SUCCESS,
    )


def schedules_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(ctx, arguments, usage="checkin schedules A-level Chemistry")
    require_leader(ctx, group, doing="see its weekly check-ins")
    cadences = checkin_cadences.active_cadences_of_group(ctx.connection, group_id=group.id)
    if not cadences:
        return Reply.say(
            f"**{group.name}** has no weekly check-ins. Add one with "
            f"`/staffroom checkin every {group.name}: Monday 08:30 How is this week's topic going?`"
        )
    lines, buttons = [], []
    for cadence in cadences:
        pending = timers.pending_timers(ctx.connection, kind=CADENCE_TIMER, ref=str(cadence.id))
        upcoming = _next_working(ctx, cadence, pending[0].due_at) if pending else None
        nxt = f" · next {show_time(upcoming, ctx.zone)}" if upcoming else ""
        lines.append(
            f"**#{cadence.id}** {render.quoted(cadence.prompt, 100)} — {_describe(cadence)}{nxt}"
        )
        buttons.append(Button(f"Stop #{cadence.id}", "checkin.stop", str(cadence.id)))
    return Reply(
        (
            Heading(f"Weekly check-ins · {group.name}"),
            Text("\n".join(lines)),
            Buttons(tuple(buttons)),
            ContextLine("Occurrences in the network's holidays are skipped."),
        )
    )


def _stop(ctx: Context, typed: str) -> Reply:
    cadence_id = whole_number(typed)
    if cadence_id is None:
        raise Refusal(
            "Which weekly check-in? Give its number from `/staffroom checkin schedules`, for "
            "example `/staffroom checkin stop 3`."
        )
    cadence = checkin_cadences.get_cadence(ctx.connection, cadence_id=cadence_id)
    group = groups.get_group(ctx.connection, group_id=cadence.group_id) if cadence else None
    if cadence is None or group is None or cadence.network_id != ctx.require_network().id:
        raise Refusal(
            f"There is no weekly check-in #{cadence_id}. `/staffroom checkin schedules` lists them."
        )
    require_leader(ctx, group, doing="stop its weekly check-ins")
    if not checkin_cadences.stop_cadence(ctx.connection, cadence_id=cadence.id, now=ctx.now):
        return Reply.say(f"Weekly check-in #{cadence.id} was already stopped.")
    timers.cancel_timers(ctx.connection, kind=CADENCE_TIMER, ref=str(cadence.id))
    return Reply.say(
        f"Stopped the weekly check-in #{cadence.id} for **{group.name}**. A round already open "
        "stays open until it closes.",
        tone=Tone.SUCCESS,
    )


def stop_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return _stop(ctx, arguments)


def press_stop(press: ButtonPress, ctx: Context) -> Reply:
    return _stop(ctx, press.value)


def cadence_timer(timer: TimerRecord, ctx: Context) -> None:
    """One occurrence: open the round (or say why not) and schedule the next occurrence."""
    cadence = checkin_cadences.get_cadence(ctx.connection, cadence_id=int(timer.ref))
    if cadence is None or cadence.stopped_at is not None:
        return
    group = groups.get_group(ctx.connection, group_id=cadence.group_id)
    if group is None:
        return
    late = ctx.now - timer.due_at > LATE_GRACE
    following = _schedule_after(ctx, cadence, ctx.now if late else timer.due_at)
    if group.archived:
        return
    holiday = _holiday(ctx, cadence, timer.due_at)
    if holiday or late:
        reason = f"skipped: {holiday}" if holiday else "missed: the bot was offline at the time"
        _tell_leaders(ctx, cadence, group, timer.due_at, reason, following)
        return
    existing = checkins.open_round_of_group(ctx.connection, group_id=group.id)
    if existing is not None:
        closing.close_round(ctx, existing, group, closed_by=None)
    opener = (
        directory.get_member(ctx.connection, member_id=cadence.created_by)
        if cadence.created_by
        else None
    )
    start_round(
        ctx,
        group,
        prompt=cadence.prompt,
        opened_by=opener,
        open_for=timedelta(minutes=cadence.open_minutes),
        cadence_id=cadence.id,
    )


def _tell_leaders(
    ctx: Context,
    cadence: CadenceRecord,
    group: GroupRecord,
    due: datetime,
    reason: str,
    following: datetime,
) -> None:
    zone = _zone(cadence)
    upcoming = _next_working(ctx, cadence, following)
    nxt = f" The next one opens {show_time(upcoming, zone)}." if upcoming else ""
    notice = Reply.say(
        f"This week's **{group.name}** check-in ({show_time(due, zone)}) was {reason}.{nxt}"
    )
    for leader in leaders_or_facilitators(ctx, group):
        ctx.outbox.to_member(
            leader.id,
            key=f"checkin-skipped:{cadence.id}:{due.isoformat()}:{leader.id}",
            reply=notice,
            purpose="checkin.skipped",
        )
