"""The features of the running bot, registered into one registry at start-up."""

from __future__ import annotations

from bot import checkins, digests, groups, help, home, network, privacy, questions
from bot.registry import Registry

FEATURES = (help, network, groups, home, checkins, questions, digests, privacy)


def build_registry() -> Registry:
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
