"""The digest as files: CSV (one row per group, the same figures as the chat version),
Markdown and HTML (for the CLI and for forwarding to people without chat)."""

from __future__ import annotations

import csv
import html
import io

from bot.digests.model import Figure, GroupDigest, NetworkDigest

SUPPRESSED = "suppressed"


def _cell(figure: Figure) -> str:
    return SUPPRESSED if figure.value is None else str(figure.value)


def columns(digest: NetworkDigest) -> list[tuple[str, str]]:
    """(key, label) of every figure any group reports, in a stable order."""
    seen: dict[str, str] = {}
    for group in digest.groups:
        for figure in group.all_figures():
            seen.setdefault(figure.key, figure.label)
    return list(seen.items())


def to_csv(digest: NetworkDigest) -> str:
    keys = columns(digest)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["week", "group", "health", "members", *(key for key, _ in keys), "evidence"])
    for group in digest.groups:
        by_key = {figure.key: figure for figure in group.all_figures()}
        writer.writerow(
            [
                digest.week.label,
                group.name,
                group.health.value,
                group.members,
                *(_cell(by_key[key]) if key in by_key else "" for key, _ in keys),
                group.evidence,
            ]
        )
    return out.getvalue()


def _network_lines(digest: NetworkDigest) -> list[str]:
    k = digest.k
    return [
        f"Active members: {digest.active_members.shown(k)} ({digest.change(digest.active_members, digest.active_members_before) or 'no comparison'})",
        f"Active schools: {digest.schools_shown()} ({digest.change(digest.active_schools, digest.active_schools_before) or 'no comparison'})",
        f"Messages in group channels: {digest.messages.shown(k)}",
    ]


def _group_lines(group: GroupDigest, k: int) -> list[str]:
    lines = [f"Health: {group.health.value} — {group.evidence}"]
    lines += [f"{figure.label}: {figure.shown(k)}" for figure in group.all_figures()]
    if group.quieter:
        lines.append("Quieter members to invite in: " + ", ".join(group.quieter))
    return lines


def to_markdown(digest: NetworkDigest) -> str:
    parts = [
        f"# {digest.network} — weekly digest, {digest.week.describe()} ({digest.week.label})",
        "",
    ]
    parts += [f"- {line}" for line in _network_lines(digest)]
    if digest.disengaging:
        parts += ["", "## Schools with no activity for three weeks", ""]
        parts += [
            f"- {flag.name}"
            + (f" (last active {flag.last_active:%d %b})" if flag.last_active else "")
            for flag in digest.disengaging
        ]
    if digest.highlights:
        parts += ["", "## Highlights", ""] + [f"- {h}" for h in digest.highlights]
    for group in digest.groups:
        parts += ["", f"## {group.name}", ""] + [
            f"- {line}" for line in _group_lines(group, digest.k)
        ]
    return "\n".join(parts) + "\n"


def to_html(digest: NetworkDigest) -> str:
    e = html.escape
    body = [f"<h1>{e(digest.network)} — weekly digest, {e(digest.week.describe())}</h1>", "<ul>"]
    body += [f"<li>{e(line)}</li>" for line in _network_lines(digest)] + ["</ul>"]
    if digest.disengaging:
        body += ["<h2>Schools with no activity for three weeks</h2><ul>"]
        body += [f"<li>{e(flag.name)}</li>" for flag in digest.disengaging] + ["</ul>"]
    if digest.highlights:
        body += (
            ["<h2>Highlights</h2><ul>"]
            + [f"<li>{e(h)}</li>" for h in digest.highlights]
            + ["</ul>"]
        )
    keys = columns(digest)
    body += [
        "<h2>Groups</h2><table>",
        "<tr><th>Group</th><th>Health</th>"
        + "".join(f"<th>{e(label)}</th>" for _, label in keys)
        + "</tr>",
    ]
    for group in digest.groups:
        by_key = {figure.key: figure for figure in group.all_figures()}
        cells = "".join(
            f"<td>{e(by_key[key].shown(digest.k)) if key in by_key else ''}</td>" for key, _ in keys
        )
        body.append(
            f'<tr><td>{e(group.name)}</td><td title="{e(group.evidence)}">{e(group.health.value)}</td>{cells}</tr>'
        )
    body.append("</table>")
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Digest</title></head><body>'
        + "\n".join(body)
        + "</body></html>\n"
    )
