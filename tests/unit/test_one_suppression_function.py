"""Every k-anonymity decision goes through `bot.privacy.suppression`: no other module of the core
compares a count with the privacy threshold by hand, where one forgotten `>=` would show a
figure about one person. A comparison with `k`, `threshold` or `k_threshold` anywhere else fails."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.privacy.suppression import enough_people, named_and_pooled

BOT = Path(__file__).resolve().parents[2] / "bot"
THE_ONE_PLACE = BOT / "privacy" / "suppression.py"
THRESHOLD_NAMES = {"k", "k_threshold", "threshold"}
ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _names_a_threshold(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in THRESHOLD_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr in THRESHOLD_NAMES
    return False


def _threshold_comparisons(source: str) -> list[str]:
    """Every ordering comparison in `source` with a threshold on one side, as `line: code`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare) or not any(isinstance(o, ORDERING) for o in node.ops):
            continue
        if any(_names_a_threshold(side) for side in (node.left, *node.comparators)):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_but_suppression_compares_a_count_with_the_threshold() -> None:
    offenders = [
        f"{path.relative_to(BOT.parent)}:{line}"
        for path in sorted(BOT.rglob("*.py"))
        if path != THE_ONE_PLACE
        for line in _threshold_comparisons(path.read_text())
    ]
    assert offenders == [], "use bot.privacy.suppression instead:\n" + "\n".join(offenders)


def test_the_check_finds_a_hand_made_comparison() -> None:
    sneaky = "def show(n, network):\n    return n if n >= network.k_threshold else None\n"
    assert _threshold_comparisons(sneaky) == ["2: n >= network.k_threshold"]


@pytest.mark.parametrize(("population", "shown"), [(0, False), (2, False), (3, True), (40, True)])
def test_enough_people_is_k_or_more(population: int, shown: bool) -> None:
    assert enough_people(population, k=3) is shown


def test_small_schools_are_pooled_and_large_ones_named_largest_first() -> None:
    named, pooled = named_and_pooled({"Ridgeway": 3, "Harbour": 1, "Castle": 5, "Oak": 2}, k=3)
    assert named == [("Castle", 5), ("Ridgeway", 3)]
    assert pooled == 3
