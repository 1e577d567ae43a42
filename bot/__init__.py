"""Staffroom's core: platform-neutral events in, platform-neutral replies out.

Nothing in this package imports a chat platform's SDK or an adapter; the composition root
(`bot.app`) is the one place that wires adapters to the core.
"""
