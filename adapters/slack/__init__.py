"""The Slack adapter: slack-bolt's `AsyncApp` in Socket Mode or HTTP mode, translating Slack
payloads into the core's events and rendering its replies as Block Kit.

May import slack-bolt, slack_sdk, aiohttp and the core's neutral types; never `storage` or
discord.
"""
