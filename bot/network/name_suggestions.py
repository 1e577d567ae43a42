"""Names to offer while someone types a command: the network's live groups and its schools.

Platforms that complete as you type (Discord's autocomplete) ask for these; the adapter never
reads storage itself. The answer is ranked names, never an error: a workspace without a network
simply gets no suggestions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from bot.parsing.names import name_key
from storage import directory, groups
from storage.uow import unit_of_work

if TYPE_CHECKING:
    from bot.kernel.dispatcher import Core


class NameKind(StrEnum):
    GROUP = "group"
    SCHOOL = "school"


def rank_names(names: list[str], typed: str, *, limit: int) -> list[str]:
    """Names starting with what was typed, then names containing it, each in their order."""
    key = name_key(typed)
    if not key:
        return names[:limit]
    starting = [name for name in names if name_key(name).startswith(key)]
    containing = [name for name in names if key in name_key(name) and name not in starting]
    return (starting + containing)[:limit]


def suggest_names(
    core: Core, *, platform: str, workspace: str, kind: NameKind, typed: str, limit: int = 25
) -> list[str]:
    """Up to `limit` names of `kind` in the workspace's network that match `typed`.

    Blocking database work: call it through `core.run_in_db`.
    """
    with unit_of_work(core.engine) as connection:
        network = core.network_for(connection, platform, workspace)
        if network is None:
            return []
        if kind is NameKind.GROUP:
            names = groups.group_names(connection, network_id=network.id)
        else:
            names = [s.name for s in directory.list_schools(connection, network_id=network.id)]
    return rank_names(names, typed, limit=limit)
