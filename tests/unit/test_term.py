"""The term calendar: facilitators add terms and holidays (in chat or from the roster), anyone
can list them, bad input is refused, and `holiday_on` then sees them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.console.session import ConsoleSession
from bot.kernel.refusals import Refusal
from bot.network.roster import RosterError, import_roster, parse_roster
from bot.network.term import read_period
from storage import calendar, networks
from storage.uow import unit_of_work


@pytest.fixture
async def network(bot: ConsoleSession) -> ConsoleSession:
    await bot.send(":as Fran Hughes@Harbour College admin")
    await bot.send("/staffroom setup Solent Network")
    return bot


async def test_terms_and_holidays(network: ConsoleSession) -> None:
    assert "No term dates yet" in await network.send("/staffroom term list")
    out = await network.send("/staffroom term add Autumn term 2026-09-02 to 2026-12-18")
    assert "Added the term Autumn term: Wed 2 Sep 2026 to Fri 18 Dec 2026." in out
    out = await network.send("/staffroom holiday add Half term 26 Oct 2026 30 Oct 2026")
    assert "Added the holiday Half term: Mon 26 Oct 2026 to Fri 30 Oct 2026." in out
    assert "Sat 5 Dec 2026 to Sat 5 Dec 2026" in await network.send(
        "/staffroom holiday add INSET day 2026-12-05"
    )
    await network.send(":as Tom Patel@Ridgeway School")
    out = await network.send("/staffroom term list")
    assert "Autumn term: Wed 2 Sep 2026 to Fri 18 Dec 2026" in out
    assert "Half term: Mon 26 Oct 2026 to Fri 30 Oct 2026" in out
    assert "between terms" in out
    assert "Only a network facilitator" in await network.send(
        "/staffroom holiday add Snow day 2026-12-01"
    )
    await network.send(":as Fran Hughes")
    assert "Removed the holiday INSET day" in await network.send("/staffroom term remove inset day")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("term add Autumn term 2026-12-18 2026-09-02", "ends (Wed 2 Sep 2026) before it starts"),
        ("term add Autumn term 2026-09-02", "Please give a name, then the first and last days"),
        ("holiday add 2026-10-26", "Please give a name"),
        ("holiday add Half term 2026-02-30", "February 2026 has 28 days"),
        ("holiday add Half term 03/04/2027", "could be 3 April 2027"),
        ("term add Forever 2026-01-01 2028-01-01", "at most a year long"),
        ("term remove Summer", "There's no term or holiday called “Summer”"),
    ],
)
async def test_bad_calendar_input(network: ConsoleSession, line: str, says: str) -> None:
    assert says in await network.send(f"/staffroom {line}")
    with unit_of_work(network.core.engine) as connection:
        assert calendar.periods(connection, network_id=1) == []


def test_the_roster_imports_terms_and_holidays(network: ConsoleSession) -> None:
    roster = (
        "kind,name,starts_on,ends_on\n"
        "term,Spring term,2027-01-05,2027-03-26\n"
        "holiday,Half term,2027-02-15,2027-02-19\n"
        "holiday,INSET day,2027-01-04,\n"
    )
    today = network.clock.now().date()
    with unit_of_work(network.core.engine) as connection:
        solent = networks.find_network_by_name(connection, name="Solent Network")
        assert solent is not None
        report = import_roster(
            connection, solent, parse_roster(roster, today=today), network.clock.now()
        )
        assert report.periods == 3
        again = import_roster(
            connection, solent, parse_roster(roster, today=today), network.clock.now()
        )
        assert again.periods == 0
        assert (
            calendar.holiday_on(connection, network_id=solent.id, day=date(2027, 2, 17))
            == "Half term"
        )
        assert (
            calendar.holiday_on(connection, network_id=solent.id, day=date(2027, 1, 4))
            == "INSET day"
        )
        assert calendar.holiday_on(connection, network_id=solent.id, day=date(2027, 3, 1)) is None
    with pytest.raises(RosterError) as bad:
        parse_roster(
            "kind,name,starts_on,ends_on\nterm,Summer term,2027-04-12,\nholiday,X,2027-02-30,\n"
            "holiday,Y,0001-01-01,\n",
            today=today,
        )
    assert bad.value.errors[0].startswith("line 2: a term needs starts_on and ends_on")
    assert "February 2027 has 28 days" in bad.value.errors[1]
    assert bad.value.errors[2].startswith("line 4: “0001-01-01” is too far from now")


_WORDS = ["Half", "term", "2026-10-26", "26", "Oct", "2026", "to", "-", "2026-02-30", "03/04/2027"]
_WORDS += ["31/12/2026", "Dec", "1st", "٣", "2027-01-05", "until"]


@given(
    st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_WORDS), max_size=8).map(" ".join)),
    st.sampled_from([calendar.TERM, calendar.HOLIDAY]),
)
def test_any_text_is_read_as_a_period_or_refused_kindly(text: str, kind: str) -> None:
    try:
        name, starts, ends = read_period(text, kind=kind, today=date(2026, 11, 23))
    except Refusal as refusal:
        assert refusal.message
    else:
        assert name and starts <= ends
