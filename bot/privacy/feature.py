"""The privacy feature as the registry sees it: the data-rights commands (`privacy`, `my data`,
`forget me`), the daily upkeep that applies retention, and the foundation's personal-data
declarations. Kept apart from the package's `__init__` so the kernel can use the anonymity and
suppression primitives without loading the feature."""

from __future__ import annotations

from bot.kernel.registry import ButtonSpec, Registry, TimerSpec
from bot.privacy import rights, upkeep
from bot.privacy.foundation import DECLARED


def register(registry: Registry) -> None:
    add = registry.commands_in("Your data")
    add("privacy", rights.privacy, "What Staffroom holds about you, and why")
    add("my data", rights.my_data, "Get a file with everything Staffroom holds about you")
    add("forget me", rights.forget_me, "Erase everything Staffroom holds about you (asks first)")
    registry.button(ButtonSpec(rights.FORGET_ACTION, rights.press_forget))
    registry.button(ButtonSpec(rights.KEEP_ACTION, rights.press_keep))
    registry.timer(TimerSpec(upkeep.DAILY_UPKEEP, upkeep.daily_upkeep))
    registry.schedule_keeper(upkeep.keep_upkeep_scheduled)
    for spec in DECLARED:
        registry.personal(spec)
