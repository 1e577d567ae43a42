"""The features of the running bot, registered into one registry at start-up."""

from __future__ import annotations

from bot import (
    checkins,
    digests,
    groups,
    home,
    meetings,
    network,
    questions,
    reflections,
    term,
)
from bot.kernel import help
from bot.kernel.registry import Registry

FEATURES = (
    help,
    network,
    groups,
    home,
    term,
    checkins,
    questions,
    meetings,
    reflections,
    digests,
)


def build_registry() -> Registry:
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
