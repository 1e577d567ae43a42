"""Adapters: each turns one platform's events into core events and renders the core's replies.

Adapters never touch storage; they talk to the core (`bot.kernel.dispatcher.Core`) and implement the
outbound port (`bot.delivery.ports.ChatSender`).

Adapters may import the core's neutral types (`bot.kernel`, `bot.delivery.ports`) and their
platform's SDK; never `storage`.
"""
