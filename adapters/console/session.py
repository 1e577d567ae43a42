"""A console session: the current person and place, the messages shown so far (for `:click`),
the open form (for `:fill` / `:submit`), and the clock (for `:tick`).

`ConsoleSession.send(line)` is the whole adapter: chat text and directives in, the transcript
of what the bot said out. Tests drive it directly, like errbot's test bot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text as RichText

from adapters.console.render import header, markup, reply_lines
from adapters.console.sender import ConsoleSender
from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import next_due, run_due_timers
from bot.kernel.events import Actor, ButtonPress, ChannelActivity, Command, FormSubmit, Place
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Button, Choice, FieldKind, Form, Reply
from bot.network.roster import introduce
from bot.parsing.durations import parse_duration

PLATFORM = "console"
WORKSPACE = "console"
_TRUTHY = {"yes", "y", "true", "1", "on", "x", "✓"}
MAX_TICK_STEPS = 10_000


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "someone"


class ScriptFailure(Exception):
    """An `:expect` did not hold; the message shows what was seen."""


@dataclass
class Shown:
    """A message on screen that has buttons, and where it was shown."""

    reply: Reply
    place: Place
    ref: str | None


@dataclass
class OpenForm:
    form: Form
    place: Place
    values: dict[str, str] = field(default_factory=dict)


class ConsoleSession:
    """One person at a keyboard playing many people."""

    def __init__(
        self, app: Staffroom, clock: ManualClock, console: Console, files_dir: Path
    ) -> None:
        self.core = app.core
        self.worker = app.worker
        self.clock = clock
        self.console = console
        self.files_dir = files_dir
        self.worker.add_sender(ConsoleSender(self))
        self.names: dict[str, str] = {}
        self.workspace = WORKSPACE
        self.actor = self._actor("You", admin=True)
        self.place = Place(PLATFORM, self.workspace, channel="general", channel_name="general")
        self.pending_school: dict[str, str] = {}
        self.shown: list[Shown] = []
        self.open_form: OpenForm | None = None
        self._output: list[str] = []
        self._previous_output = ""

    # --- output ---------------------------------------------------------------------------

    def emit(self, line: RichText) -> None:
        self.console.print(line, soft_wrap=True)
        self._output.append(line.plain)

    def show(self, reply: Reply, where: str, place: Place, ref: str | None = None) -> None:
        """Print a reply under a header; remember its buttons and form."""
        self.emit(header(where, reply.tone))
        if reply.buttons():
            self.shown.append(Shown(reply, place, ref))
        for line in reply_lines(reply, self.files_dir):
            self.emit(RichText("  ").append_text(line))
        if reply.form is not None:
            self.open_form = OpenForm(
                reply.form, place, {f.name: f.initial for f in reply.form.fields if f.initial}
            )

    def where(self, place: Place) -> str:
        if place.is_direct:
            return "→ you (direct message)"
        return f"in #{place.channel_name or place.channel}"

    @property
    def output(self) -> str:
        """What the bot said in answer to the previous input line."""
        return self._previous_output

    # --- input ----------------------------------------------------------------------------

    async def send(self, line: str) -> str:
        """Take one input line (chat text or a `:directive`); returns what it produced."""
        stripped = line.strip()
        if stripped.startswith(":expect"):
            self._expect(stripped)
            return ""
        self._output = []
        try:
            await self._take(stripped)
        except Refusal as refusal:
            self.emit(markup(refusal.message, "yellow"))
        await self.run_due()
        self._previous_output = "\n".join(self._output)
        return self._previous_output

    async def _take(self, line: str) -> None:
        if not line or line.startswith("#!"):
            return
        if line.startswith(":"):
            await self._directive(line)
        elif line.startswith("/"):
            if not line.lower().startswith("/staffroom"):
                raise Refusal("The bot answers to `/staffroom …` — try `/staffroom help`.")
            await self._introduce_pending()
            reply = await self.core.handle(
                Command(self.actor, self.place, line[len("/staffroom") :].strip())
            )
            self._answer(reply, self.place)
        else:
            await self._introduce_pending()
            if not self.place.is_direct:
                await self.core.handle(ChannelActivity(self.actor, self.place, self.clock.now()))

    def _answer(self, reply: Reply | None, place: Place) -> None:
        if reply is None:
            return
        where = "→ only you" if not reply.public else self.where(place)
        self.show(reply, where, place)

    async def _directive(self, line: str) -> None:
        name, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        handlers = {
            "as": self._as,
            "in": self._in,
            "dm": self._dm,
            "click": self._click,
            "fill": self._fill,
            "submit": self._submit,
            "cancel": self._cancel,
            "tick": self._tick,
            "now": self._now,
            "workspace": self._workspace,
            "help": self._help,
        }
        handler = handlers.get(name.lower())
        if handler is None:
            raise Refusal(f"Unknown directive :{name}. Type :help for the list.")
        await handler(rest)

    async def _as(self, rest: str) -> None:
        words = rest.split()
        admin = bool(words) and words[-1].lower() == "admin"
        if admin:
            words = words[:-1]
        who = " ".join(words)
        if not who:
            raise Refusal(
                "Use :as NAME@SCHOOL [admin], for example `:as Tom Patel@Ridgeway School`."
            )
        name, _, school = who.partition("@")
        self.actor = self._actor(name.strip(), admin=admin)
        if school.strip():
            self.pending_school[self.actor.user_id] = school.strip()
            await self._introduce_pending()
        at = f" of {school.strip()}" if school.strip() else ""
        self.emit(
            RichText(
                f"(you are now {self.actor.display_name}{at}{' — workspace admin' if admin else ''})",
                style="dim",
            )
        )

    def _actor(self, name: str, *, admin: bool) -> Actor:
        actor = Actor(PLATFORM, self.workspace, slug(name), name, is_workspace_admin=admin)
        self.names[actor.user_id] = name
        return actor

    async def _introduce_pending(self) -> None:
        school = self.pending_school.get(self.actor.user_id)
        if school is None:
            return
        if await self.core.run_in_db(introduce, self.core, self.actor, school):
            del self.pending_school[self.actor.user_id]

    async def _in(self, rest: str) -> None:
        channel = rest.strip().lstrip("#")
        if not channel:
            raise Refusal("Use :in #channel, for example `:in #a-level-chemistry`.")
        self.place = Place(
            PLATFORM, self.workspace, channel=slug(channel), channel_name=slug(channel)
        )
        self.emit(RichText(f"(you are in #{self.place.channel})", style="dim"))

    async def _dm(self, rest: str) -> None:
        self.place = self.dm_place(self.actor.user_id)
        self.emit(RichText("(you are in a direct message with Staffroom)", style="dim"))

    def dm_place(self, user_id: str) -> Place:
        return Place(PLATFORM, self.workspace, channel=f"dm-{user_id}", is_direct=True)

    async def _click(self, rest: str) -> None:
        target = rest.strip().strip("[]")
        if not target:
            raise Refusal("Use :click LABEL (or the button's number).")
        for shown in reversed(self.shown):
            button = _find_button(shown.reply.buttons(), target)
            if button is not None:
                press = ButtonPress(self.actor, shown.place, button.action, button.value, shown.ref)
                await self._introduce_pending()
                self._answer(await self.core.handle(press), shown.place)
                return
        raise Refusal(f"There's no button “{target}” on the messages shown so far.")

    async def _fill(self, rest: str) -> None:
        if self.open_form is None:
            raise Refusal(
                "There's no form open. Forms open from commands such as `/staffroom ask`."
            )
        form = self.open_form.form
        for assignment in filter(None, (part.strip() for part in rest.split(";"))):
            name, equals, value = assignment.partition("=")
            field = next((f for f in form.fields if f.name == name.strip()), None)
            if not equals or field is None:
                names = ", ".join(f.name for f in form.fields)
                raise Refusal(f"Use :fill name=value; the fields are: {names}.")
            self.open_form.values[field.name] = _field_value(
                field.kind, field.options, value.strip()
            )
        self.emit(
            RichText(
                "(form: " + "; ".join(f"{k}={v}" for k, v in self.open_form.values.items()) + ")",
                style="dim",
            )
        )

    async def _submit(self, rest: str) -> None:
        opened = self.open_form
        if opened is None:
            raise Refusal("There's no form open to submit.")
        submit = FormSubmit(
            self.actor, opened.place, opened.form.form_id, dict(opened.values), opened.form.context
        )
        reply = await self.core.handle(submit)
        if reply is None or not reply.field_errors:
            self.open_form = None
        self._answer(reply, opened.place)

    async def _cancel(self, rest: str) -> None:
        self.open_form = None
        self.emit(RichText("(form closed)", style="dim"))

    async def _tick(self, rest: str) -> None:
        target = self.clock.now() + parse_duration(rest or "1m")
        for _ in range(MAX_TICK_STEPS):
            due = await self.core.run_in_db(next_due, self.core, [PLATFORM])
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.run_due()
        self.clock.set(target)
        await self._now("")

    async def _now(self, rest: str) -> None:
        self.emit(RichText(f"(it is now {self.clock.now():%a %d %b %Y %H:%M} UTC)", style="dim"))

    async def _workspace(self, rest: str) -> None:
        """Move to another console workspace, which may belong to another network."""
        self.workspace = slug(rest) if rest.strip() else WORKSPACE
        self.actor = self._actor(self.actor.display_name, admin=self.actor.is_workspace_admin)
        self.place = Place(PLATFORM, self.workspace, channel="general", channel_name="general")
        self.emit(RichText(f"(you are in workspace {self.workspace}, #general)", style="dim"))

    async def _help(self, rest: str) -> None:
        for line in DIRECTIVES.splitlines():
            self.emit(RichText(line, style="dim"))

    async def run_due(self) -> None:
        """Run due timers and deliver everything due, as the scheduler would."""
        for _ in range(MAX_TICK_STEPS):
            ran = await self.core.run_in_db(run_due_timers, self.core)
            delivered = await self.worker.deliver_due()
            if not ran and not delivered:
                return

    def _expect(self, line: str) -> None:
        negate = line.startswith(":expect-not")
        wanted = line.removeprefix(":expect-not" if negate else ":expect").strip()
        seen = " ".join(self._previous_output.split())
        found = " ".join(wanted.split()) in seen
        if found == negate:
            verb = "not to see" if negate else "to see"
            raise ScriptFailure(
                f"expected {verb} “{wanted}” in:\n{self._previous_output or '(nothing)'}"
            )


def _find_button(buttons: tuple[Button, ...], target: str) -> Button | None:
    """A button by its number (as shown) or its label, exact before partial."""
    if target.isdigit():
        index = int(target) - 1
        return buttons[index] if 0 <= index < len(buttons) else None
    lowered = target.casefold()
    exact = [b for b in buttons if b.label.casefold() == lowered]
    if exact:
        return exact[0]
    partial = [b for b in buttons if lowered in b.label.casefold()]
    return partial[0] if partial else None


def _field_value(kind: FieldKind, options: tuple[Choice, ...], value: str) -> str:
    if kind is FieldKind.CHECKBOX:
        return "yes" if value.casefold() in _TRUTHY else ""
    if kind is FieldKind.SELECT:
        for choice in options:
            if value.casefold() in (choice.value.casefold(), choice.label.casefold()):
                return str(choice.value)
    return value


DIRECTIVES = """Directives (everything else is chat text; commands start with /staffroom):
  :as NAME@SCHOOL [admin]   become that person (created if new); admin = workspace admin
  :in #channel              move to a channel        :dm   talk to the bot privately
  :click LABEL|N            press a button of a message shown
  :fill FIELD=VALUE; …      fill the open form       :submit / :cancel
  :tick 90m|2h|3d           move the clock forward; due reminders and prompts run
  :now                      show the time            :expect TEXT / :expect-not TEXT (scripts)
  :workspace NAME           switch to another workspace (another network's, say)"""
