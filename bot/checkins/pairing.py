"""Regrouping after a check-in round, as the traffic-light teacher does: each red with a green
who has got it, ambers pooled in threes — across schools, without repeating last round's pairs.

Pure: participants in, groups out; no I/O. The red–green phase is an exact minimum-cost
assignment (Hungarian method) under the priorities, in order: match as many reds to a green as
possible (a green takes a second red only when reds outnumber greens); never repeat a pair from
last round where another assignment avoids it; prefer a green from another school; spread reds
over greens. Ambers, and reds left over when greens run out, are dealt round-robin by school
into groups of three (two where the count demands), which puts no two colleagues of one school
together whenever no school has more people than there are groups; swaps between groups then
remove repeated pairs (first) and same-school pairs (second) until no swap improves. Someone
left alone joins a spare green or the smallest group; only a lone participant stays unpaired.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

GREEN, AMBER, RED = "green", "amber", "red"
HELP, POOL = "help", "pool"


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone who answered by name: their member id, school (None if unknown) and colour."""

    member_id: int
    school_id: int | None
    colour: str


@dataclass(frozen=True, slots=True)
class Group:
    """Members to introduce to each other. `kind` is HELP (a green with reds) or POOL."""

    members: tuple[int, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class Regrouping:
    """The suggested groups, and reds or ambers nobody could be found for."""

    groups: tuple[Group, ...]
    unpaired: tuple[int, ...]


Pair = frozenset[int]


def pairs_of(members: Iterable[int]) -> set[Pair]:
    """Every two-person pair within a group."""
    return {frozenset(pair) for pair in combinations(sorted(members), 2)}


def suggest_groups(
    participants: Sequence[Participant],
    *,
    previous_pairs: frozenset[Pair] = frozenset(),
    opted_out: frozenset[int] = frozenset(),
) -> Regrouping:
    """Suggest groups for the named participants of a round (see the module docstring)."""
    people = sorted(
        (p for p in participants if p.member_id not in opted_out), key=lambda p: p.member_id
    )
    scorer = _Scorer({p.member_id: p.school_id for p in people}, previous_pairs)
    greens = [p.member_id for p in people if p.colour == GREEN]
    reds = [p.member_id for p in people if p.colour == RED]
    ambers = [p.member_id for p in people if p.colour == AMBER]
    helped, leftover_reds, spare_greens = _match_reds_with_greens(reds, greens, scorer)
    pooled = _pool(ambers + leftover_reds, scorer)
    groups = [Group(members, HELP) for members in helped] + [
        Group(members, POOL) for members in pooled
    ]
    pooled_ids = [m for g in pooled for m in g]
    alone = [m for m in ambers + leftover_reds if m not in pooled_ids]
    unpaired: list[int] = []
    for member in alone:
        if not _place_alone(member, groups, spare_greens, scorer):
            unpaired.append(member)
    return Regrouping(tuple(groups), tuple(unpaired))


class _Scorer:
    """Costs of putting people together: repeats of last round, colleagues of one school."""

    def __init__(self, schools: dict[int, int | None], previous: frozenset[Pair]) -> None:
        self.schools = schools
        self.previous = previous

    def same_school(self, a: int, b: int) -> bool:
        school = self.schools.get(a)
        return school is not None and school == self.schools.get(b)

    def repeated(self, a: int, b: int) -> bool:
        return frozenset((a, b)) in self.previous

    def group_cost(self, members: Sequence[int]) -> tuple[int, int]:
        """(repeated pairs, same-school pairs) within a group."""
        repeats = sum(self.repeated(a, b) for a, b in combinations(members, 2))
        colleagues = sum(self.same_school(a, b) for a, b in combinations(members, 2))
        return repeats, colleagues

    def joining_cost(self, member: int, members: Sequence[int]) -> tuple[int, int]:
        """What `member` joining `members` adds: (repeated pairs, same-school pairs)."""
        repeats = sum(self.repeated(member, other) for other in members)
        colleagues = sum(self.same_school(member, other) for other in members)
        return repeats, colleagues


def _match_reds_with_greens(
    reds: list[int], greens: list[int], scorer: _Scorer
) -> tuple[list[tuple[int, ...]], list[int], list[int]]:
    """Green-led groups, the reds no green could take, and the greens not needed."""
    if not reds or not greens:
        return [], list(reds), list(greens)
    # A slot is a place beside a green; the second slot exists only when reds outnumber greens.
    slots = [(green, 0) for green in greens]
    if len(reds) > len(greens):
        slots += [(green, 1) for green in greens]
    spread, school = 1, len(reds) + 1  # weights that make the priorities lexicographic
    repeat = school * (len(reds) + 1)

    def cost(red: int, slot: tuple[int, int]) -> int:
        green, second = slot
        return (
            repeat * scorer.repeated(red, green)
            + school * scorer.same_school(red, green)
            + spread * second
        )

    matrix = [[cost(red, slot) for slot in slots] for red in reds]
    taken: dict[int, list[int]] = {}
    if len(reds) <= len(slots):
        for red, column in zip(reds, minimum_cost_assignment(matrix), strict=True):
            taken.setdefault(slots[column][0], []).append(red)
    else:
        transposed = [list(column) for column in zip(*matrix, strict=True)]
        for slot, row in zip(slots, minimum_cost_assignment(transposed), strict=True):
            taken.setdefault(slot[0], []).append(reds[row])
    matched = {red for group in taken.values() for red in group}
    helped = [(green, *sorted(taken[green])) for green in greens if green in taken]
    return helped, [r for r in reds if r not in matched], [g for g in greens if g not in taken]


def minimum_cost_assignment(cost: Sequence[Sequence[int]]) -> list[int]:
    """The column for each row that minimises the total cost (rows ≤ columns).

    The Hungarian method with potentials, O(rows² · columns).
    """
    rows, columns = len(cost), len(cost[0]) if cost else 0
    if rows > columns:
        raise ValueError("need at least as many columns as rows")
    infinity = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (columns + 1)
    owner = [0] * (columns + 1)  # owner[j]: the row (1-based) assigned to column j
    way = [0] * (columns + 1)
    for row in range(1, rows + 1):
        owner[0] = row
        column = 0
        least = [infinity] * (columns + 1)
        used = [False] * (columns + 1)
        while True:
            used[column] = True
            current, delta, following = owner[column], infinity, 0
            for j in range(1, columns + 1):
                if used[j]:
                    continue
                reduced = cost[current - 1][j - 1] - u[current] - v[j]
                if reduced < least[j]:
                    least[j], way[j] = reduced, column
                if least[j] < delta:
                    delta, following = least[j], j
            for j in range(columns + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            column = following
            if owner[column] == 0:
                break
        while column:
            previous = way[column]
            owner[column] = owner[previous]
            column = previous
    assignment = [0] * rows
    for j in range(1, columns + 1):
        if owner[j]:
            assignment[owner[j] - 1] = j - 1
    return assignment


def group_sizes(count: int) -> list[int]:
    """Threes, with twos where the count demands: 7 → [3, 2, 2]; 1 → [] (nobody to pair)."""
    if count < 2:
        return []
    threes, remainder = divmod(count, 3)
    if remainder == 1:
        return [3] * (threes - 1) + [2, 2]
    return [3] * threes + ([2] if remainder == 2 else [])


def _pool(members: list[int], scorer: _Scorer) -> list[tuple[int, ...]]:
    sizes = group_sizes(len(members))
    if not sizes:
        return []
    by_school = Counter(_school_key(m, scorer) for m in members)
    dealt = sorted(
        members,
        key=lambda m: (-by_school[_school_key(m, scorer)], _school_key(m, scorer), m),
    )
    groups: list[list[int]] = [[] for _ in sizes]
    position = 0
    for member in dealt:
        while len(groups[position % len(groups)]) >= sizes[position % len(groups)]:
            position += 1
        groups[position % len(groups)].append(member)
        position += 1
    _improve_by_swaps(groups, scorer)
    return [tuple(sorted(group)) for group in groups]


def _school_key(member: int, scorer: _Scorer) -> tuple[int, int]:
    """Members with no school each count as a school of their own."""
    school = scorer.schools.get(member)
    return (0, school) if school is not None else (1, member)


def _improve_by_swaps(groups: list[list[int]], scorer: _Scorer) -> None:
    """Swap people between groups while a swap lowers (repeats, same-school pairs)."""
    improved = True
    while improved:
        improved = False
        for first, second in combinations(range(len(groups)), 2):
            for i in range(len(groups[first])):
                for j in range(len(groups[second])):
                    a, b = groups[first], groups[second]
                    before = _add(scorer.group_cost(a), scorer.group_cost(b))
                    a[i], b[j] = b[j], a[i]
                    if _add(scorer.group_cost(a), scorer.group_cost(b)) < before:
                        improved = True
                    else:
                        a[i], b[j] = b[j], a[i]


def _add(x: tuple[int, int], y: tuple[int, int]) -> tuple[int, int]:
    return x[0] + y[0], x[1] + y[1]


def _place_alone(
    member: int, groups: list[Group], spare_greens: list[int], scorer: _Scorer
) -> bool:
    """Give someone left alone a spare green, else a place in the smallest group."""
    if spare_greens:
        green = min(spare_greens, key=lambda g: (scorer.joining_cost(member, (g,)), g))
        spare_greens.remove(green)
        groups.append(Group((green, member), HELP))
        return True
    if not groups:
        return False
    smallest = min(len(g.members) for g in groups)
    index = min(
        (i for i, g in enumerate(groups) if len(g.members) == smallest),
        key=lambda i: (scorer.joining_cost(member, groups[i].members), i),
    )
    groups[index] = Group((*groups[index].members, member), groups[index].kind)
    return True
