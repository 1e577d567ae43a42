"""A small network for meeting tests, driven through the real core: a facilitator, a chemistry
group linked to #chem, its leader and members from three schools, and helpers to press
buttons, read replies, and let time pass (timers, then delivery) while recording when each
message went out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import next_due, run_due_timers
from bot.delivery.worker import DeliveryWorker
from bot.kernel.events import Actor, ButtonPress, Command, Place
from bot.kernel.replies import Attachment, Fields, Heading, Reply, Text
from bot.kernel.replies import Context as ContextLine
from storage import meeting_sessions
from storage.meeting_sessions import SessionRecord
from storage.uow import unit_of_work
from tests.fakes import FakeChat

WORKSPACE = "w"
CHEM = Place("console", WORKSPACE, channel="chem", channel_name="chem")
MEMBERS = (
    ("Tom Patel", "Ridgeway School"),
    ("Aisha Khan", "Castle Hill College"),
    ("Ben Carter", "Harbour College"),
    ("Chloe Evans", "Ridgeway School"),
)


def person(name: str, *, admin: bool = False) -> Actor:
    return Actor(
        "console", WORKSPACE, name.lower().replace(" ", "-"), name, is_workspace_admin=admin
    )


FRAN = person("Fran Hughes", admin=True)
TOM, AISHA, BEN, CHLOE = (person(name) for name, _ in MEMBERS)


def text_of(reply: Reply | None) -> str:
    """Everything a reply says, as one string (headings, text, fields, context lines)."""
    if reply is None:
        return ""
    parts: list[str] = []
    for block in reply.blocks:
        if isinstance(block, Heading | Text | ContextLine):
            parts.append(block.text)
        elif isinstance(block, Fields):
            parts += [f"{label}: {value}" for label, value in block.items]
    for problem in (reply.field_errors or {}).values():
        parts.append(problem)
    return "\n".join(parts)


def attachment_of(reply: Reply) -> Attachment:
    return next(block for block in reply.blocks if isinstance(block, Attachment))


def say(app: Staffroom, actor: Actor, line: str, place: Place = CHEM) -> Reply:
    reply = app.core.handle_now(Command(actor, place, line))
    assert reply is not None
    return reply


def press(app: Staffroom, actor: Actor, action: str, value: str, place: Place = CHEM) -> Reply:
    reply = app.core.handle_now(ButtonPress(actor, place, action, value))
    assert reply is not None
    return reply


def set_up_chemistry(app: Staffroom) -> None:
    for line in (
        "setup Solent Network",
        *(f"school add {school}" for school in sorted({s for _, s in MEMBERS})),
        "group create A-level Chemistry",
        "group link A-level Chemistry",
    ):
        say(app, FRAN, line)
    for name, school in MEMBERS:
        say(app, person(name), f"school {school}")
        say(app, person(name), "join A-level Chemistry")
    say(app, FRAN, "group leader A-level Chemistry @Tom Patel")


def sessions(app: Staffroom, meeting_id: int) -> list[SessionRecord]:
    with unit_of_work(app.core.engine) as connection:
        return meeting_sessions.sessions_of(connection, meeting_id=meeting_id)


@dataclass
class Delivered:
    at: datetime
    to: str
    text: str


@dataclass
class TimeMachine:
    """Moves the clock from one due timer or message to the next, recording every delivery."""

    app: Staffroom
    clock: ManualClock
    chat: FakeChat = field(default_factory=FakeChat)
    log: list[Delivered] = field(default_factory=list)
    worker: DeliveryWorker | None = None

    def __post_init__(self) -> None:
        self.worker = self.worker or DeliveryWorker(
            engine=self.app.core.engine,
            senders={"console": self.chat},
            clock=self.clock,
            run_in_db=self.app.core.run_in_db,
            channel_interval=0,
        )

    async def run_now(self) -> None:
        assert self.worker is not None
        while True:
            ran = run_due_timers(self.app.core)
            before = len(self.chat.sent)
            delivered = await self.worker.deliver_due()
            for sent in self.chat.sent[before:]:
                where = sent.destination.channel or f"@{sent.destination.user_id}"
                self.log.append(Delivered(self.clock.now(), where, text_of(sent.reply)))
            if not ran and not delivered:
                return

    async def until(self, instant: datetime) -> None:
        await self.run_now()
        while True:
            due = next_due(self.app.core, ["console"])
            if due is None or due > instant:
                break
            self.clock.set(max(due, self.clock.now()))
            await self.run_now()
        self.clock.set(instant)
        await self.run_now()
