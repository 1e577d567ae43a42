"""The kernel every feature uses: inbound events and outbound replies (and their JSON codec),
the handler registry and command router, the dispatcher that runs one event in one
transaction, the handler's context, roles and permissions, refusals, and `help`.

May import: `bot.parsing`, `bot.delivery`, `bot.privacy`'s pure pieces, `bot.runtime.db_threads`
and `storage`. Never a feature package, an adapter or a platform SDK.
"""
