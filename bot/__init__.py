"""Staffroom's core: platform-neutral events in, platform-neutral replies out.

`kernel` is what every feature uses (events, replies, registry, router, dispatcher), `delivery`
sends and times (outbox, worker, scheduler, clock), `parsing` reads what members type, `privacy`
holds the anonymity and suppression primitives and the data-rights feature, `runtime` is the
wiring beneath the composition root, `demo` the demo networks; the features (`network`, `groups`,
`checkins`, `questions`, `meetings`, `reflections`, `digests`) sit beside them. `app` is the
composition root and `features` the list of features it registers.

Nothing in this package imports a chat platform's SDK or an adapter, except the composition root
and the command line, which start them; `tests/unit/test_import_layers.py` checks it.
"""
