"""The features of the running bot, registered into one registry at start-up."""

from __future__ import annotations

from bot import groups, help, home, network, questions
from bot.registry import Registry

FEATURES = (help, network, groups, home, questions)


def build_registry() -> Registry:
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
