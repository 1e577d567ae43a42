"""The features of the running bot, registered into one registry at start-up."""

from __future__ import annotations

from bot import checkins, digests, groups, meetings, network, questions, reflections
from bot.groups import home
from bot.kernel import help
from bot.kernel.registry import Registry
from bot.network import term
from bot.privacy import feature as privacy

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
    privacy,
)


def build_registry() -> Registry:
    registry = Registry()
    for feature in FEATURES:
        feature.register(registry)
    return registry
