"""The Discord adapter: `/staffroom` as a slash command, replies as embeds with persistent
buttons, forms as modals, channel activity without reading messages, and outbound delivery
for the core's outbox — all through discord.py.

May import discord.py, aiohttp and the core's neutral types; never `storage` or slack_sdk.
"""
