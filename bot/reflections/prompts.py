"""Asking for reflections: shortly after a session ends, everyone who said Going gets a
direct message with a button that opens the reflection form; `reflect` opens it any time for
my latest meeting (or one named). The form asks what we achieved, how students might benefit,
what I'll try next, whether to share it as a highlight, and whether I attended."""

from __future__ import annotations

from datetime import timedelta

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command, FormSubmit
from bot.kernel.permissions import require_membership
from bot.kernel.refusals import Refusal
from bot.kernel.replies import (
    Button,
    Buttons,
    ButtonStyle,
    FieldKind,
    Form,
    FormField,
    Heading,
    Reply,
    Text,
    Tone,
)
from bot.meetings.lookup import find_target, group_of
from bot.meetings.reminders import for_session
from bot.parsing.numbers import id_in
from bot.parsing.times import show_time
from storage import meeting_sessions, reflections, rsvps
from storage.meeting_sessions import SessionRecord
from storage.meetings import SCHEDULED, MeetingRecord
from storage.timers import TimerRecord

FORM_ID = "reflection.write"
OPEN_BUTTON = "reflection.open"
PROMPT = "reflection.prompt"
TEXT_LIMIT = 1000
PROMPT_LIFETIME = timedelta(days=7)
LOOK_BACK = timedelta(days=180)


@for_session
def send_prompt(
    ctx: Context, timer: TimerRecord, meeting: MeetingRecord, session: SessionRecord
) -> None:
    reply = Reply(
        (
            Heading(f"How did {meeting.title} go?"),
            Text(
                "A few lines on what was achieved and how students might benefit help the whole "
                "network learn what works. It takes two minutes."
            ),
            Buttons(
                (Button("Write my reflection", OPEN_BUTTON, str(session.id), ButtonStyle.PRIMARY),)
            ),
        )
    )
    going = rsvps.recipients(ctx.connection, session_ids=[session.id], answers=[rsvps.GOING])
    for person in going:
        ctx.outbox.to_member(
            person.member_id,
            key=f"{timer.key}:{person.member_id}",
            reply=reply,
            purpose=PROMPT,
            expires_at=session.ends_at + PROMPT_LIFETIME,
        )


def _checked_session(ctx: Context, session_id: str) -> tuple[MeetingRecord, SessionRecord]:
    network = ctx.require_network()
    found = meeting_sessions.get_session(ctx.connection, session_id=id_in(session_id))
    if found is None or found[0].network_id != network.id:
        raise Refusal(
            "That meeting no longer exists. `/staffroom meetings` lists the ones coming up."
        )
    meeting, session = found
    if session.status != SCHEDULED:
        raise Refusal(
            f"Session {session.label} of **{meeting.title}** didn't take place ({session.status})."
        )
    if session.starts_at > ctx.now:
        raise Refusal(
            f"**{meeting.title}** hasn't happened yet ({show_time(session.starts_at, ctx.zone)}); "
            "reflect once it has."
        )
    require_membership(ctx, group_of(ctx, meeting), doing="reflect on its meetings")
    return meeting, session


def reflect_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    if arguments.strip():
        meeting, chosen = find_target(ctx, arguments, usage="reflect 12.3")
        held = [
            s
            for s in meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
            if s.status == SCHEDULED and s.starts_at <= ctx.now
        ]
        session = chosen or (held[-1] if held else None)
    else:
        latest = meeting_sessions.sessions_between(
            ctx.connection,
            after=ctx.now - LOOK_BACK,
            before=ctx.now,
            member_id=member.id,
            newest_first=True,
            limit=1,
        )
        session = latest[0][1] if latest else None
    if session is None:
        raise Refusal(
            "There's no meeting to reflect on yet: once a meeting of one of your groups has "
            "started, `/staffroom reflect` opens the form."
        )
    meeting, session = _checked_session(ctx, str(session.id))
    return Reply.open_form(reflection_form(ctx, meeting, session))


def press_open(press: ButtonPress, ctx: Context) -> Reply:
    meeting, session = _checked_session(ctx, press.value)
    return Reply.open_form(reflection_form(ctx, meeting, session))


def reflection_form(ctx: Context, meeting: MeetingRecord, session: SessionRecord) -> Form:
    member = ctx.require_member()
    before = reflections.reflection_of(ctx.connection, session_id=session.id, member_id=member.id)
    said = rsvps.answer_of(ctx.connection, session_id=session.id, member_id=member.id)
    attended = before.attended if before else said == rsvps.GOING
    long = FieldKind.MULTILINE
    return Form(
        FORM_ID,
        "Your reflection",
        (
            FormField(
                "achieved",
                "What did we achieve?",
                long,
                max_length=TEXT_LIMIT,
                initial=before.achieved if before else "",
            ),
            FormField(
                "benefit",
                "How might students benefit?",
                long,
                required=False,
                max_length=TEXT_LIMIT,
                initial=before.benefit if before else "",
            ),
            FormField(
                "next",
                "What will you try next?",
                long,
                required=False,
                max_length=TEXT_LIMIT,
                initial=before.next_step if before else "",
            ),
            FormField(
                "share",
                "Share as a highlight with the network (without your name)",
                FieldKind.CHECKBOX,
                required=False,
                initial="yes" if before and before.shared else "",
            ),
            FormField(
                "attended",
                "I attended",
                FieldKind.CHECKBOX,
                required=False,
                initial="yes" if attended else "",
            ),
        ),
        submit_label="Save",
        context=str(session.id),
    )


def submit_reflection(submit: FormSubmit, ctx: Context) -> Reply:
    meeting, session = _checked_session(ctx, submit.context)
    member = ctx.require_member()
    texts = {name: submit.values.get(name, "").strip() for name in ("achieved", "benefit", "next")}
    errors = {
        name: f"At most {TEXT_LIMIT} characters, please (that's {len(text)})."
        for name, text in texts.items()
        if len(text) > TEXT_LIMIT
    }
    if not texts["achieved"]:
        errors["achieved"] = "Please write a line or two on what the meeting achieved."
    if errors:
        return Reply.errors(errors)
    shared = submit.values.get("share", "") == "yes"
    reflections.save(
        ctx.connection,
        session_id=session.id,
        member_id=member.id,
        achieved=texts["achieved"],
        benefit=texts["benefit"],
        next_step=texts["next"],
        shared=shared,
        attended=submit.values.get("attended", "") == "yes",
        now=ctx.now,
    )
    sharing = (
        " You chose to share it: it may appear, without your name, in the group's summary "
        "and the network's digest."
        if shared
        else ""
    )
    return Reply.say(
        f"Thanks — your reflection on **{meeting.title}** is saved.{sharing} You can change it "
        f"with `/staffroom reflect {session.label}`.",
        tone=Tone.SUCCESS,
    )
