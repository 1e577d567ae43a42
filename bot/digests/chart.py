"""The digest's picture: engagement by group over eight weeks as a heat map (readable for 40
groups, unlike 40 lines), drawn with matplotlib's Agg backend so no display is needed. Weeks
hidden for privacy (too few people) are drawn grey, never as zero."""

from __future__ import annotations

import io
import math

from bot.digests.model import NetworkDigest

MAX_ROWS = 40


def engagement_chart(digest: NetworkDigest) -> bytes:
    """A PNG: groups (most engaged first) by week, shaded by engagement."""
    # Imported here: matplotlib takes a second to import, and only a digest with its chart
    # needs it — not the bot's start, nor the command line's.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    groups = digest.groups[:MAX_ROWS]
    rows = [[math.nan if v is None else v for v in group.weekly_engagement] for group in groups]
    rows = rows or [[0.0] * len(digest.weeks)]
    colours = matplotlib.colormaps["Greens"].with_extremes(bad="#e6e6e6")
    figure, axes = pyplot.subplots(figsize=(8, 1.2 + 0.28 * max(len(groups), 1)), dpi=100)
    try:
        image = axes.imshow(rows, aspect="auto", cmap=colours, vmin=0)
        axes.set_xticks(
            range(len(digest.weeks)), [f"W{w.number:02d}" for w in digest.weeks], fontsize=8
        )
        axes.set_yticks(range(len(groups)), [g.name for g in groups], fontsize=8)
        axes.set_title(
            f"{digest.network}: engagement by group, last {len(digest.weeks)} weeks "
            "(grey: too few people to show)",
            fontsize=9,
        )
        figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02, label="engagements")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
