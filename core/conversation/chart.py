"""The /progress chart: minutes per week as bars, the weekly goal as a line. PNG bytes out."""

from __future__ import annotations

import io

from core import texts
from core.services.reports import WeeklyMinutes

BAR = "#2a9d8f"
BAR_OPEN = "#a8dadc"
GOAL = "#e76f51"
INK = "#264653"
GRID = "#e9ecef"


def progress_png(weeks: WeeklyMinutes) -> bytes:
    """Render the last weeks' minutes with the goal line; the current week is drawn lighter."""
    # Imported here: matplotlib takes a moment to load and only this command needs it.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5), dpi=150, facecolor="white")
    ax = fig.add_subplot()
    xs = list(range(len(weeks.minutes)))
    colors = [BAR] * (len(xs) - 1) + [BAR_OPEN]
    bars = ax.bar(xs, weeks.minutes, color=colors, width=0.7, zorder=2)
    for bar, value in zip(bars, weeks.minutes, strict=True):
        if value:
            ax.annotate(str(value), (bar.get_x() + bar.get_width() / 2, value),
                        xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                        fontsize=8, color=INK)
    ax.axhline(weeks.goal, color=GOAL, linestyle="--", linewidth=1.6, zorder=3,
               label=texts.CHART_GOAL.format(goal=weeks.goal))
    labels = [f"{s.strftime('%b')} {s.day}" for s in weeks.week_starts]
    labels[-1] = texts.CHART_THIS_WEEK
    ax.set_xticks(xs, labels, rotation=0, fontsize=8, color=INK)
    ax.set_ylim(0, max([weeks.goal, *weeks.minutes]) * 1.18)
    ax.set_ylabel(texts.CHART_Y, color=INK)
    ax.set_title(texts.CHART_TITLE, loc="left", fontsize=13, color=INK, fontweight="bold")
    ax.grid(axis="y", color=GRID, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", colors=INK, length=0)
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
