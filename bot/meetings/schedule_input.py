"""The two ways to ask for a meeting: `meeting schedule <one line>`, or `meeting schedule` alone,
which opens a form with date and time pickers. The form's fields are read by the same field
readers as the one-line grammar, and each problem is reported against its own field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.events import Command, FormSubmit
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Choice, FieldKind, Form, FormField, Reply
from bot.meetings.grammar import parse_schedule
from bot.meetings.recurrence import Rule, nth_of
from bot.meetings.request import (
    DEFAULT_REMINDERS,
    MAX_SESSIONS,
    MeetingRequest,
    check_request,
    clean_place,
    clean_title,
    offsets_text,
    parse_length,
    parse_link,
    parse_reminders,
)
from bot.meetings.scheduling import commit, group_for, prepare
from bot.parsing.dates import parse_date
from bot.parsing.numbers import whole_number
from bot.parsing.times import parse_time_of_day
from storage import groups
from storage.groups import GroupRecord
from storage.meetings import MONTHLY, ONCE, WEEKLY

FORM_ID = "meeting.schedule"
T = TypeVar("T")
_REPEATS = {
    ONCE: Rule(),
    WEEKLY: Rule(WEEKLY),
    "fortnightly": Rule(WEEKLY, interval=2),
    MONTHLY: Rule(MONTHLY),
}


def schedule_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    if not arguments.strip():
        return Reply.open_form(schedule_form(ctx))
    today = ctx.now.astimezone(ZoneInfo(network.timezone)).date()
    request = parse_schedule(arguments, today=today)
    group = group_for(ctx, request.group)
    return commit(ctx, group, request, prepare(ctx, group, request))


def _groups_to_choose(ctx: Context) -> list[GroupRecord]:
    member = ctx.require_member()
    if member.is_facilitator:
        summaries = groups.list_groups(ctx.connection, network_id=member.network_id)
        return [summary.group for summary in summaries]
    return [
        group
        for group, role in groups.groups_of_member(ctx.connection, member_id=member.id)
        if role == groups.LEADER
    ]


def schedule_form(ctx: Context) -> Form:
    choices = _groups_to_choose(ctx)
    if not choices:
        raise Refusal(
            "Only group leaders (and facilitators) schedule meetings, and you don't lead a group. "
            "`/staffroom groups` shows who leads each one."
        )
    try:
        initial = str(group_for(ctx, "").id)
    except Refusal:
        initial = ""
    field = FormField
    return Form(
        FORM_ID,
        "Schedule a meeting",
        (
            field(
                "group",
                "Group",
                FieldKind.SELECT,
                options=tuple(Choice(str(g.id), g.name) for g in choices),
                initial=initial,
            ),
            field("title", "Title", max_length=100, placeholder="Moderation twilight"),
            field("date", "Date (first session)", FieldKind.DATE),
            field("time", "Start time", FieldKind.TIME),
            field("length", "How long", initial="60m", hint="e.g. 90m or 1h30m"),
            field(
                "repeat",
                "Repeats",
                FieldKind.SELECT,
                options=tuple(
                    Choice(key, key.title() if key != ONCE else "Just once") for key in _REPEATS
                ),
                initial=ONCE,
            ),
            field("until", "Until (last date)", FieldKind.DATE, required=False),
            field("sessions", "…or how many sessions", required=False, placeholder="10"),
            field("place", "Place", required=False, max_length=200),
            field("link", "Online link", required=False, placeholder="https://…"),
            field(
                "remind",
                "Reminders before",
                initial=offsets_text(DEFAULT_REMINDERS),
                hint="e.g. 1d,1h — or none",
            ),
        ),
        submit_label="Schedule",
    )


def submit_schedule(submit: FormSubmit, ctx: Context) -> Reply:
    network = ctx.require_network()
    today = ctx.now.astimezone(ZoneInfo(network.timezone)).date()
    errors: dict[str, str] = {}

    def read(name: str, parse: Callable[[str], T]) -> T | None:
        try:
            return parse(submit.values.get(name, "").strip())
        except Refusal as problem:
            errors[name] = problem.message
            return None

    group = read("group", lambda v: _chosen_group(ctx, v))
    title = read("title", clean_title)
    day = read("date", lambda v: parse_date(v, today=today))
    at = read("time", parse_time_of_day)
    length = read("length", lambda v: parse_length(v or "60m"))
    rule = read("repeat", _repeat)
    until = read("until", lambda v: parse_date(v, today=today) if v else None)
    count = read("sessions", _count)
    place = read("place", clean_place)
    link = read("link", parse_link)
    offsets = read("remind", lambda v: parse_reminders(v or "none"))
    if errors:
        return Reply.errors(errors)
    # Each required field was either read or reported above.
    assert group is not None and title is not None and day is not None and at is not None
    assert length is not None and rule is not None and offsets is not None
    if rule.freq == MONTHLY:
        rule = Rule(MONTHLY, nth=nth_of(day))
    request = MeetingRequest(
        title=title,
        day=day,
        at=at,
        length=length,
        rule=Rule(rule.freq, rule.interval, rule.nth, until=until, count=count),
        place=place or "",
        link=link or "",
        reminders=offsets,
    )
    try:
        check_request(request)
    except Refusal as problem:
        return Reply.errors({"until": problem.message})
    try:
        plan = prepare(ctx, group, request)
    except Refusal as problem:
        return Reply.errors({"date": problem.message})
    return commit(ctx, group, request, plan, from_form=True)


def _chosen_group(ctx: Context, value: str) -> GroupRecord:
    chosen = {str(g.id): g for g in _groups_to_choose(ctx)}.get(value)
    if chosen is None:
        raise Refusal("Please choose one of the groups you lead.")
    return chosen


def _repeat(value: str) -> Rule:
    rule = _REPEATS.get(value or ONCE)
    if rule is None:
        raise Refusal("Choose just once, weekly, fortnightly or monthly.")
    return rule


def _count(value: str) -> int | None:
    if not value:
        return None
    count = whole_number(value)
    if count is None or not 1 <= count <= MAX_SESSIONS:
        raise Refusal(f"A whole number of sessions from 1 to {MAX_SESSIONS}, please.")
    return count
