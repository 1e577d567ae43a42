"""Roster import: checked whole, errors by line number, nothing half-imported, idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import Staffroom
from bot.groups.admin import GROUPS_PER_NETWORK
from bot.network.roster import RosterError, import_roster, parse_roster
from storage import directory, groups, networks

TODAY = date(2026, 11, 23)
GOOD = """kind,name,school,group,description,platform,user_id
school,Ridgeway School,,,,,
school,Castle Hill College,,,,,
group,A-level Chemistry,,,Practicals and moderation,,
group,GCSE Drama,,,,,
facilitator,Fran Hughes,Ridgeway School,,,console,fran
leader,Tom Patel,Ridgeway School,A-level Chemistry,,console,tom
member,Aisha Khan,Castle Hill College,A-level Chemistry;GCSE Drama,,console,aisha
"""


def _network(app: Staffroom) -> networks.NetworkRecord:
    with app.core.transaction() as ctx:
        network = networks.create_network(
            ctx.connection, name="Net", timezone="Europe/London", now=ctx.now
        )
        networks.bind_workspace(
            ctx.connection,
            network_id=network.id,
            platform="console",
            external_id="console",
            now=ctx.now,
        )
    return network


def test_an_import_reports_each_row_as_it_is_applied(app: Staffroom) -> None:
    network = _network(app)
    reported: list[tuple[int, int]] = []
    with app.core.transaction() as ctx:
        rows = parse_roster(GOOD, today=ctx.now.date())
        report = import_roster(
            ctx.connection, network, rows, ctx.now, advance=lambda *row: reported.append(row)
        )
    assert report.people == 3
    assert reported == [(done, len(rows)) for done in range(1, len(rows) + 1)]


def test_a_good_roster_imports_everything_once(app: Staffroom) -> None:
    network = _network(app)
    for expected_people in (3, 0):  # importing again changes nothing
        with app.core.transaction() as ctx:
            report = import_roster(
                ctx.connection, network, parse_roster(GOOD, today=ctx.now.date()), ctx.now
            )
        assert report.people == expected_people
    with app.core.transaction() as ctx:
        listed = {
            g.group.name: (g.members, g.schools)
            for g in groups.list_groups(ctx.connection, network_id=network.id)
        }
        tom = directory.member_for_identity(
            ctx.connection, platform="console", workspace="console", user_id="tom"
        )
        fran = directory.member_for_identity(
            ctx.connection, platform="console", workspace="console", user_id="fran"
        )
        chemistry = groups.find_group(
            ctx.connection, network_id=network.id, name_key="a-level chemistry"
        )
        assert tom is not None and fran is not None and chemistry is not None
        assert (
            groups.role_in_group(ctx.connection, group_id=chemistry.id, member_id=tom.id)
            == groups.LEADER
        )
    assert listed == {"A-level Chemistry": (2, 2), "GCSE Drama": (1, 1)}
    assert fran.is_facilitator and tom.school_name == "Ridgeway School"


def test_every_problem_is_reported_with_its_line() -> None:
    bad = """kind,name,school,group,description,platform,user_id
school,Ridgeway School,,,,,
teacher,Someone,Ridgeway School,,,slack,U1
member,No Identity,Ridgeway School,,,,
leader,Tom,Ridgeway School,,,slack,U2
group,,,,,,
"""
    with pytest.raises(RosterError) as raised:
        parse_roster(bad, today=TODAY)
    errors = raised.value.errors
    assert [e.split(":")[0] for e in errors] == ["line 3", "line 4", "line 5", "line 6"]
    assert "kind must be one of" in errors[0]
    assert "platform" in errors[1]
    assert "leader needs the group" in errors[2]


def test_unknown_columns_are_named() -> None:
    with pytest.raises(RosterError, match="unknown column"):
        parse_roster("kind,name,email\nschool,X,x@example.org\n", today=TODAY)


def test_nothing_is_imported_when_a_reference_is_unknown(app: Staffroom) -> None:
    network = _network(app)
    roster = GOOD + "member,Ben,Nowhere Academy,A-level Chemistry,,console,ben\n"
    with (
        pytest.raises(RosterError, match="line 9: unknown school “Nowhere Academy”"),
        app.core.transaction() as ctx,
    ):
        import_roster(ctx.connection, network, parse_roster(roster, today=ctx.now.date()), ctx.now)
    with app.core.transaction() as ctx:
        assert directory.list_schools(ctx.connection, network_id=network.id) == []
        assert groups.list_groups(ctx.connection, network_id=network.id) == []


def test_an_import_keeps_to_the_networks_cap_on_groups(app: Staffroom) -> None:
    network = _network(app)
    header = "kind,name,school,group,description,platform,user_id\n"
    first = "".join(f"group,Group {n},,,,,\n" for n in range(GROUPS_PER_NETWORK - 1))
    with app.core.transaction() as ctx:
        import_roster(ctx.connection, network, parse_roster(header + first, today=TODAY), ctx.now)
    too_many = header + "group,Group 0,,,,,\ngroup,Last One,,,,,\ngroup,One Too Many,,,,,\n"
    with (
        pytest.raises(RosterError) as refused,
        app.core.transaction() as ctx,
    ):
        import_roster(ctx.connection, network, parse_roster(too_many, today=TODAY), ctx.now)
    [problem] = refused.value.errors
    assert problem.startswith("line 4: this would be one group more than the 200 active groups")
    assert "group archive" in problem
    with app.core.transaction() as ctx:  # nothing of the refused file was kept
        listed = groups.list_groups(ctx.connection, network_id=network.id)
    names = {summary.group.name for summary in listed}
    assert len(names) == GROUPS_PER_NETWORK - 1 and "Last One" not in names


def test_people_on_a_platform_the_network_lacks_are_refused(app: Staffroom) -> None:
    network = _network(app)
    roster = GOOD.replace("console,aisha", "slack,U99")
    with pytest.raises(RosterError, match="no slack workspace"), app.core.transaction() as ctx:
        import_roster(ctx.connection, network, parse_roster(roster, today=ctx.now.date()), ctx.now)
