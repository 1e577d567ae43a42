"""The regrouping algorithm, as properties: nobody twice, reds with greens whenever greens
exist, cross-school and repeat-free whenever that is possible, odd counts handled, opt-outs
respected — checked against brute force on small rounds."""

from __future__ import annotations

from itertools import combinations, product

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checkins.pairing import (
    AMBER,
    GREEN,
    POOL,
    RED,
    Pair,
    Participant,
    Regrouping,
    group_sizes,
    minimum_cost_assignment,
    pairs_of,
    suggest_groups,
)


@st.composite
def rounds(
    draw: st.DrawFn, colours: tuple[str, ...] = (GREEN, AMBER, RED), most: int = 14
) -> tuple[list[Participant], frozenset[Pair], frozenset[int]]:
    answers = draw(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(colours)), max_size=most))
    people = [Participant(i + 1, school, colour) for i, (school, colour) in enumerate(answers)]
    ids = [p.member_id for p in people]
    all_pairs = [frozenset(pair) for pair in combinations(ids, 2)]
    previous = (
        frozenset(draw(st.lists(st.sampled_from(all_pairs), max_size=8)))
        if all_pairs
        else frozenset()
    )
    opted_out = frozenset(draw(st.lists(st.sampled_from(ids), max_size=2))) if ids else frozenset()
    return people, previous, opted_out


def _colours(people: list[Participant]) -> dict[int, str]:
    return {p.member_id: p.colour for p in people}


@given(rounds())
def test_nobody_appears_twice_and_opt_outs_are_left_out(case: tuple) -> None:
    people, previous, opted_out = case
    result = suggest_groups(people, previous_pairs=previous, opted_out=opted_out)
    placed = [m for g in result.groups for m in g.members] + list(result.unpaired)
    assert len(placed) == len(set(placed))
    assert not set(placed) & opted_out
    assert set(placed) <= {p.member_id for p in people}
    assert all(2 <= len(g.members) <= 4 for g in result.groups)


@given(rounds())
def test_every_red_and_amber_is_placed_unless_they_are_alone(case: tuple) -> None:
    people, previous, opted_out = case
    eligible = [p for p in people if p.member_id not in opted_out]
    result = suggest_groups(people, previous_pairs=previous, opted_out=opted_out)
    grouped = {m for g in result.groups for m in g.members}
    needing = {p.member_id for p in eligible if p.colour != GREEN}
    if len(eligible) >= 2:
        assert result.unpaired == ()
        assert needing <= grouped
    else:
        assert set(result.unpaired) == needing


@given(rounds())
def test_reds_get_a_green_whenever_greens_exist(case: tuple) -> None:
    people, previous, opted_out = case
    eligible = [p for p in people if p.member_id not in opted_out]
    colour = _colours(eligible)
    greens = sum(c == GREEN for c in colour.values())
    reds = sum(c == RED for c in colour.values())
    result = suggest_groups(people, previous_pairs=previous, opted_out=opted_out)
    with_green = {
        m
        for g in result.groups
        if any(colour[x] == GREEN for x in g.members)
        for m in g.members
        if colour[m] == RED
    }
    if greens:
        # Each green takes one red, or two when reds outnumber greens.
        assert len(with_green) >= min(reds, 2 * greens)
    if 0 < reds <= greens:
        assert len(with_green) == reds


def _cost(groups: list[tuple[int, ...]], schools: dict[int, int], previous: frozenset) -> tuple:
    pairs = [pair for g in groups for pair in pairs_of(g)]
    repeats = sum(pair in previous for pair in pairs)
    colleagues = sum(len({schools[m] for m in pair}) == 1 for pair in pairs)
    return repeats, colleagues


@settings(max_examples=200)
@given(rounds(colours=(GREEN, RED), most=7))
def test_red_green_matches_are_as_repeat_free_and_cross_school_as_possible(case: tuple) -> None:
    people, previous, _ = case
    greens = [p.member_id for p in people if p.colour == GREEN]
    reds = [p.member_id for p in people if p.colour == RED]
    if not greens or not reds or len(reds) > 2 * len(greens):
        return
    schools = {p.member_id: p.school_id for p in people}
    capacity = 1 if len(reds) <= len(greens) else 2
    best = min(
        _cost([(green, red) for red, green in zip(reds, choice, strict=True)], schools, previous)
        for choice in product(greens, repeat=len(reds))
        if max(choice.count(g) for g in greens) <= capacity
    )
    result = suggest_groups(people, previous_pairs=previous)
    red_green_pairs: list[tuple[int, ...]] = [
        (g.members[0], red) for g in result.groups for red in g.members[1:]
    ]
    assert _cost(red_green_pairs, schools, previous) == best


@given(rounds(colours=(AMBER,)))
def test_ambers_meet_across_schools_when_no_school_outnumbers_the_groups(case: tuple) -> None:
    people, _, _ = case
    groups_needed = len(group_sizes(len(people)))
    per_school = max((sum(p.school_id == s for p in people) for s in range(4)), default=0)
    result = suggest_groups(people)
    assert [len(g.members) for g in result.groups] == group_sizes(len(people)) or len(people) < 2
    if groups_needed and per_school <= groups_needed:
        schools = {p.member_id: p.school_id for p in people}
        for group in result.groups:
            assert len({schools[m] for m in group.members}) == len(group.members)


@given(rounds(colours=(AMBER,)))
def test_no_swap_between_amber_groups_would_avoid_more_repeats_or_colleagues(
    case: tuple,
) -> None:
    people, previous, _ = case
    schools = {p.member_id: p.school_id for p in people}
    groups = [
        list(g.members)
        for g in suggest_groups(people, previous_pairs=previous).groups
        if g.kind == POOL
    ]
    for a, b in combinations(range(len(groups)), 2):
        for i, j in product(range(len(groups[a])), range(len(groups[b]))):
            first, second = list(groups[a]), list(groups[b])
            before = _cost([tuple(first), tuple(second)], schools, previous)
            first[i], second[j] = second[j], first[i]
            assert _cost([tuple(first), tuple(second)], schools, previous) >= before


def test_a_red_is_paired_with_a_green_from_another_school() -> None:
    result = suggest_groups(
        [Participant(1, 10, RED), Participant(2, 10, GREEN), Participant(3, 20, GREEN)]
    )
    assert [g.members for g in result.groups] == [(3, 1)]


def test_last_rounds_pair_is_not_repeated_when_another_green_is_free() -> None:
    people = [Participant(1, 10, RED), Participant(2, 20, GREEN), Participant(3, 30, GREEN)]
    result = suggest_groups(people, previous_pairs=frozenset({frozenset((1, 2))}))
    assert [g.members for g in result.groups] == [(3, 1)]


def test_a_lone_amber_joins_a_spare_green_and_one_person_alone_stays_unpaired() -> None:
    result = suggest_groups([Participant(1, 10, AMBER), Participant(2, 20, GREEN)])
    assert [g.members for g in result.groups] == [(2, 1)]
    assert suggest_groups([Participant(1, 10, RED)]) == Regrouping((), (1,))


def test_group_sizes_prefer_threes() -> None:
    assert [group_sizes(n) for n in range(8)] == [
        [],
        [],
        [2],
        [3],
        [2, 2],
        [3, 2],
        [3, 3],
        [3, 2, 2],
    ]


@given(st.lists(st.lists(st.integers(0, 50), min_size=4, max_size=4), min_size=1, max_size=4))
def test_the_assignment_is_optimal(cost: list[list[int]]) -> None:
    from itertools import permutations

    chosen = minimum_cost_assignment(cost)
    total = sum(cost[row][column] for row, column in enumerate(chosen))
    assert len(set(chosen)) == len(chosen)
    assert total == min(
        sum(cost[row][column] for row, column in enumerate(p))
        for p in permutations(range(4), len(cost))
    )
