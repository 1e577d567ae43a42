"""The digest in chat: a page worth reading in two minutes — the network at a glance, groups
ranked by engagement, what needs attention and why, highlights — with the chart and the CSV
attached. Leaders get their own groups in detail, with quieter members to invite in."""

from __future__ import annotations

from bot.digests.files import to_csv
from bot.digests.health import RULE, Health
from bot.digests.model import GroupDigest, NetworkDigest
from bot.kernel.replies import Attachment, Block, Context, Fields, Heading, Image, Reply, paragraphs

TOP_GROUPS = 15
BADGE = {
    Health.NEW: "🌱 new",
    Health.GROWING: "📈 growing",
    Health.STEADY: "✅ steady",
    Health.DRIFTING: "📉 drifting",
    Health.STALE: "💤 stale",
}


def _group_line(group: GroupDigest, k: int) -> str:
    """The group's ranked line, then its features' figures that are not zero, on one line."""
    line = _activity_line(group, k)
    extra = [
        f"{figure.label.lower()} {figure.shown(k)}" for figure in group.figures if figure.value != 0
    ]
    return line + ("\n    " + " · ".join(extra) if extra else "")


def _activity_line(group: GroupDigest, k: int) -> str:
    if group.active_members.value is None:
        return f"• **{group.name}** — {BADGE[group.health]} · fewer than {k} active this week, details hidden"
    return (
        f"• **{group.name}** — {BADGE[group.health]} · {group.active_members.shown(k)} active · "
        f"{group.schools.shown(k)} schools · {group.messages.shown(k)} messages"
    )


def digest_reply(digest: NetworkDigest, *, chart: bytes | None, leader_view: bool) -> Reply:
    k = digest.k
    title = "Your groups' weekly digest" if leader_view else "Weekly digest"
    blocks: list[Block] = [Heading(f"{title} — {digest.network}, {digest.week.describe()}")]
    fields = [
        (
            "Active members",
            _with_change(
                digest.active_members.shown(k),
                digest.change(digest.active_members, digest.active_members_before),
            ),
        ),
        (
            "Active schools",
            _with_change(
                digest.schools_shown(),
                digest.change(digest.active_schools, digest.active_schools_before),
            ),
        ),
        ("Messages", digest.messages.shown(k)),
    ]
    blocks.append(Fields(tuple(fields)))
    if leader_view:
        for group in digest.groups:
            blocks.extend(_group_detail(group, k))
    else:
        ranked = [_group_line(group, k) for group in digest.groups[:TOP_GROUPS]]
        if len(digest.groups) > TOP_GROUPS:
            ranked.append(f"…and {len(digest.groups) - TOP_GROUPS} more in the attached CSV.")
        blocks.extend(paragraphs(["**Groups by engagement this week**", *ranked]))
        attention = [
            f"• **{g.name}** is {g.health.value}: {g.evidence}"
            for g in digest.groups
            if g.health in (Health.STALE, Health.DRIFTING)
        ]
        if attention:
            blocks.extend(paragraphs(["**Needs attention**", *attention]))
        if digest.disengaging:
            schools = [
                f"• {flag.name}"
                + (
                    f" (last active {flag.last_active:%a %d %b})"
                    if flag.last_active
                    else " (no activity in 8 weeks)"
                )
                for flag in digest.disengaging
            ]
            blocks.extend(paragraphs(["**Schools with no activity for three weeks**", *schools]))
    if digest.highlights:
        blocks.extend(
            paragraphs(["**Highlights to share**", *(f"• {h}" for h in digest.highlights)])
        )
    blocks.append(Context(RULE + f" Figures about fewer than {k} people are hidden."))
    if chart is not None:
        blocks.append(
            Image(
                chart,
                f"Engagement by group, {digest.weeks[0].label} to {digest.week.label}",
                f"digest-{digest.week.label}-{'groups' if leader_view else 'network'}.png",
            )
        )
    blocks.append(
        Attachment(
            f"digest-{digest.week.label}-{'groups' if leader_view else 'network'}.csv",
            to_csv(digest).encode(),
            "text/csv",
            "The figures as CSV",
        )
    )
    return Reply(tuple(blocks))


def _with_change(value: str, change: str) -> str:
    return f"{value} ({change})" if change else value


def _group_detail(group: GroupDigest, k: int) -> list[Block]:
    lines = [f"**{group.name}** — {BADGE[group.health]}: {group.evidence}"]
    lines += [f"{figure.label}: {figure.shown(k)}" for figure in group.all_figures()]
    if group.quieter:
        lines.append("Quieter members you might invite in: " + ", ".join(group.quieter))
    return list(paragraphs(lines))
