"""Members' data rights and data protection: `privacy`, `my data`, `forget me`, the
foundation's own personal-data declarations, and the daily upkeep that applies retention."""

from __future__ import annotations

from bot.privacy import rights, upkeep
from bot.privacy.foundation import DECLARED
from bot.kernel.registry import ButtonSpec, Registry, TimerSpec


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
