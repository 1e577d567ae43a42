"""The small fixed data set the digest tests share: a network of four schools and two groups,
with messages placed by hand so every figure can be computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.app import Staffroom
from bot.digests.build import build_digest
from bot.digests.weeks import Week
from bot.kernel.events import Actor
from bot.kernel.first_contact import first_contact
from storage import activity, directory, groups, networks
from storage.uow import unit_of_work

WEEK = Week(2026, 46)  # Mon 9 Nov - Sun 15 Nov 2026
CREATED = datetime(2026, 9, 1, tzinfo=UTC)


class Fixture:
    """Two groups, four schools; hand-placed messages."""

    def __init__(self, app: Staffroom) -> None:
        self.app = app
        with app.core.transaction() as ctx:
            c = ctx.connection
            self.network = networks.create_network(
                c, name="Solent", timezone="Europe/London", now=CREATED
            )
            networks.bind_workspace(
                c, network_id=self.network.id, platform="console", external_id="w", now=CREATED
            )
            self.schools = [
                directory.add_school(
                    c, network_id=self.network.id, name=n, name_key=n.lower(), now=CREATED
                ).id
                for n in ("Ridgeway", "Harbour", "Castle", "Oakwood")
            ]
            self.chem = groups.create_group(
                c,
                network_id=self.network.id,
                name="Chemistry",
                name_key="chemistry",
                description="",
                now=CREATED,
            ).id
            self.drama = groups.create_group(
                c,
                network_id=self.network.id,
                name="Drama",
                name_key="drama",
                description="",
                now=CREATED,
            ).id
            self.people: dict[str, int] = {}
            for name, school in (
                ("Ann", 0),
                ("Bob", 1),
                ("Cat", 2),
                ("Dan", 0),
                ("Eve", 3),
                ("Fay", 1),
            ):
                member = first_contact(
                    c,
                    self.network,
                    Actor("console", "w", name.lower(), name),
                    CREATED,
                    school_id=self.schools[school],
                )
                self.people[name] = member.id
            fran = first_contact(
                c, self.network, Actor("console", "w", "fran", "Fran"), CREATED, is_facilitator=True
            )
            self.people["Fran"] = fran.id
            for name in ("Ann", "Bob", "Cat", "Dan"):
                groups.add_membership(
                    c,
                    group_id=self.chem,
                    member_id=self.people[name],
                    role=groups.LEADER if name == "Ann" else groups.MEMBER_ROLE,
                    now=CREATED,
                )
            for name in ("Eve", "Fay"):
                groups.add_membership(
                    c,
                    group_id=self.drama,
                    member_id=self.people[name],
                    role=groups.MEMBER_ROLE,
                    now=CREATED,
                )

    def messages(self, name: str, group: int, day: date, count: int = 1) -> None:
        with self.app.core.transaction() as ctx:
            member = directory.get_member(ctx.connection, member_id=self.people[name])
            assert member is not None
            activity.count_message(
                ctx.connection,
                network_id=self.network.id,
                group_id=group,
                member_id=member.id,
                school_id=member.school_id,
                day=day,
                messages=count,
            )

    def digest(self, **options: object):  # type: ignore[no-untyped-def]
        with unit_of_work(self.app.core.engine) as connection:
            network = networks.get_network(connection, network_id=self.network.id)
            assert network is not None
            return build_digest(connection, network, WEEK, **options)  # type: ignore[arg-type]


def filled_fixture(app: Staffroom) -> Fixture:
    """The fixture with this week's, last week's and earlier weeks' messages placed."""
    fixture = Fixture(app)
    monday = WEEK.first
    # This week: Ann 3 + 2, Bob 4, Cat 1 in Chemistry; Eve 5 in Drama (alone: suppressed).
    fixture.messages("Ann", fixture.chem, monday, 3)
    fixture.messages("Ann", fixture.chem, monday + timedelta(days=2), 2)
    fixture.messages("Bob", fixture.chem, monday + timedelta(days=1), 4)
    fixture.messages("Cat", fixture.chem, monday + timedelta(days=6), 1)
    fixture.messages("Eve", fixture.drama, monday + timedelta(days=3), 5)
    # The week before: Ann and Dan in Chemistry.
    fixture.messages("Ann", fixture.chem, monday - timedelta(days=3), 2)
    fixture.messages("Dan", fixture.chem, monday - timedelta(days=5), 1)
    # Five weeks before: busier Chemistry (so this month reads as drifting), Fay in Drama.
    for n in range(8):
        fixture.messages("Bob", fixture.chem, monday - timedelta(weeks=5, days=n % 5), 5)
    fixture.messages("Fay", fixture.drama, monday - timedelta(weeks=6), 2)
    return fixture
