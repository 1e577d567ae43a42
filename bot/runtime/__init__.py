"""Runtime wiring beneath the composition root: settings, logging set-up, the database threads,
serving on chat platforms, and observability (health, readiness, metrics).

May import anything of the bot's; `bot.runtime.serve` is the one place that starts adapters.
"""
