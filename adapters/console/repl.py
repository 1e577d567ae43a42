"""The console's two ways of running: an interactive chat REPL, and a script of lines run
without a person (the end-to-end tests), stopping at the first failed `:expect`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console
from rich.text import Text as RichText

from adapters.console.session import ConsoleSession, ScriptFailure
from bot.kernel.replies import FieldKind


async def run_script(session: ConsoleSession, script: Path) -> int:
    """Run every line of `script`; 0 when all `:expect`s held, 1 at the first that did not."""
    for number, line in enumerate(script.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        session.console.print(RichText(f"> {line}", style="bold"), soft_wrap=True)
        try:
            await session.send(line)
        except ScriptFailure as failure:
            session.console.print(
                RichText(f"{script.name}:{number}: {failure}", style="bold red"), soft_wrap=True
            )
            return 1
    return 0


async def run_interactive(session: ConsoleSession) -> int:
    """Read lines until end of input; forms are asked for field by field."""
    loop = asyncio.get_running_loop()
    while True:
        prompt = (
            f"{session.actor.display_name} {session.where(session.place).removeprefix('in ')}> "
        )
        try:
            line = await loop.run_in_executor(None, input, prompt)
        except (EOFError, KeyboardInterrupt):
            session.console.print()
            return 0
        if line.strip() in (":quit", ":exit", ":q"):
            return 0
        try:
            await session.send(line)
        except ScriptFailure as failure:
            session.console.print(RichText(str(failure), style="red"))
        if session.open_form is not None:
            await _ask_form(session, loop)


async def _ask_form(session: ConsoleSession, loop: asyncio.AbstractEventLoop) -> None:
    opened = session.open_form
    assert opened is not None
    console: Console = session.console
    console.print(
        RichText("Answer each field (Enter skips an optional one; :cancel stops).", style="dim")
    )
    for field in opened.form.fields:
        if field.name in opened.values and field.kind is not FieldKind.CHECKBOX:
            continue
        hint = " (yes/no)" if field.kind is FieldKind.CHECKBOX else ""
        try:
            answer = await loop.run_in_executor(None, input, f"  {field.label}{hint}: ")
        except (EOFError, KeyboardInterrupt):
            answer = ":cancel"
        if answer.strip() == ":cancel":
            await session.send(":cancel")
            return
        if answer.strip():
            await session.send(f":fill {field.name}={answer.replace(';', ',')}")
    await session.send(":submit")
    if session.open_form is not None:
        await _ask_form(session, loop)
