"""Delivery and timing: the outbox messages are queued on, the delivery worker that sends them
under a lease with retries and pacing, the port adapters implement to send, the scheduler
that drives timers, and the injected clock.

May import: `bot.kernel`, `bot.parsing`, and `storage`. Never a feature package, an adapter or
a platform SDK.
"""
