"""Names offered while someone types (Discord autocomplete) come from their own network's
live groups and its schools, best matches first (both databases)."""

from __future__ import annotations

from collections.abc import Callable

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.network.name_suggestions import NameKind, suggest_names
from bot.parsing.names import name_key
from storage import directory, groups, networks
from storage.uow import unit_of_work


def test_suggestions_are_the_workspace_network_s_live_names(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    core = app_factory(database_url).core
    now = clock.now()
    with unit_of_work(core.engine) as connection:
        ours = networks.create_network(connection, name="Solent", timezone="UTC", now=now)
        theirs = networks.create_network(connection, name="Northern", timezone="UTC", now=now)
        networks.bind_workspace(
            connection, network_id=ours.id, platform="discord", external_id="g1", now=now
        )
        for network, name in [
            (ours, "GCSE Chemistry"),
            (ours, "A-level Chemistry"),
            (ours, "Chemistry Technicians"),
            (ours, "GCSE Drama"),
            (ours, "Old Chemistry"),
            (theirs, "Chemistry North"),
        ]:
            groups.create_group(
                connection,
                network_id=network.id,
                name=name,
                name_key=name_key(name),
                description="",
                now=now,
            )
        old = groups.find_group(connection, network_id=ours.id, name_key="old chemistry")
        assert old is not None
        groups.archive_group(connection, group_id=old.id, now=now)
        directory.add_school(
            connection,
            network_id=ours.id,
            name="Ridgeway School",
            name_key="ridgeway school",
            now=now,
        )

    def suggest(kind: NameKind, typed: str, workspace: str = "g1") -> list[str]:
        return suggest_names(core, platform="discord", workspace=workspace, kind=kind, typed=typed)

    assert suggest(NameKind.GROUP, "chem") == [
        "Chemistry Technicians",
        "A-level Chemistry",
        "GCSE Chemistry",
    ]
    assert suggest(NameKind.GROUP, "") == [
        "A-level Chemistry",
        "Chemistry Technicians",
        "GCSE Chemistry",
        "GCSE Drama",
    ]
    assert suggest(NameKind.SCHOOL, "RIDGE") == ["Ridgeway School"]
    assert suggest(NameKind.GROUP, "chem", workspace="nowhere") == []
