"""The console adapter: the whole bot in a terminal, playing several people from several
schools. It doubles as the end-to-end test bot (push a line in, read the output).

May import the core and `bot.app`; never `storage`, slack_sdk or discord.
"""
