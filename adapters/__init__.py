"""Adapters: each turns one platform's events into core events and renders the core's replies.

Adapters never touch storage; they talk to the core (`bot.kernel.dispatcher.Core`) and implement the
outbound port (`bot.delivery.ports.ChatSender`).
"""
