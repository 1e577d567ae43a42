"""`staffroom run`: start every adapter whose credentials are set; with none, say which
variables to set and open the console on the demo network instead."""

from __future__ import annotations

from bot.cli.startup import load_platforms, load_settings, operator_errors
from bot.cli.terminal import LazyConsole

out = LazyConsole(stderr=True, soft_wrap=True)

NO_PLATFORM = """No chat platform credentials are set, so Staffroom is starting in the console
with the demo network (the same as `staffroom console --demo`).

To connect a platform, set these (environment or a .env file) and run `staffroom run` again:
  Slack (Socket Mode):    SLACK_BOT_TOKEN and SLACK_APP_TOKEN
  Slack (HTTP mode):      SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET
  Slack (OAuth install):  SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET and
                          SLACK_SIGNING_SECRET (HTTP mode, any number of workspaces)
  Discord:                DISCORD_TOKEN
"""


def run() -> None:
    """Run the bot: Slack and/or Discord when configured, otherwise the console demo."""
    settings = load_settings()
    platforms = load_platforms()
    if not any(platform.configured() for platform in platforms):
        out.print(NO_PLATFORM)
        from bot.cli.console import start_console

        start_console(demo=True, script=None, database=None, start=None)
        return
    from bot.runtime import event_loop
    from bot.runtime.serve import serve

    with operator_errors():
        event_loop.run(serve(settings, platforms))
