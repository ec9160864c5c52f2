"""The /progress chart: minutes per week as bars against the week's target, and beside them a
calendar of the days walked (one column a week, Monday on top). PNG bytes out."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from core import texts
from core.services.reports import WeeklyMinutes
from core.texts import summaries as summary_texts

BAR = "#2a9d8f"
BAR_OPEN = "#a8dadc"
GOAL = "#e76f51"
INK = "#264653"
GRID = "#e9ecef"
EMPTY_DAY = "#f1f3f5"
FUTURE_DAY = "white"
DAY_SHADES = ("#a8dadc", "#52b69a", "#2a9d8f", "#1d6f65")  # more minutes, darker


def progress_png(weeks: WeeklyMinutes) -> bytes:
    """Render the weeks' minutes with the target line (the current week lighter) and the
    calendar of days walked; both span only the weeks since the first walk (at most 12)."""
    # Imported here: matplotlib takes a moment to load and only this command needs it.
    from matplotlib.figure import Figure

    count = len(weeks.minutes)
    width = 4.6 + 0.45 * count
    fig = Figure(figsize=(width, 4.5), dpi=150, facecolor="white")
    grid = fig.add_gridspec(1, 2, width_ratios=(max(3, count), max(2.2, count * 0.55)))
    _bars(fig.add_subplot(grid[0]), weeks)
    _calendar(fig.add_subplot(grid[1]), weeks)
    fig.suptitle(texts.CHART_TITLE, x=0.02, ha="left", fontsize=13, color=INK, fontweight="bold")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def _target(weeks: WeeklyMinutes) -> tuple[int, str]:
    plan = weeks.target.plan
    if plan is not None:
        label = summary_texts.CHART_LAST_PLAN if weeks.finished else texts.CHART_PLAN
        return weeks.target.goal_minutes, label.format(days=plan.days, minutes=plan.minutes)
    return weeks.target.goal, texts.CHART_GOAL.format(goal=weeks.target.goal)


def _bars(ax: Any, weeks: WeeklyMinutes) -> None:
    xs = list(range(len(weeks.minutes)))
    colors = [BAR] * (len(xs) - 1) + [BAR if weeks.finished else BAR_OPEN]
    bars = ax.bar(xs, weeks.minutes, color=colors, width=0.7, zorder=2)
    for bar, value in zip(bars, weeks.minutes, strict=True):
        if value:
            ax.annotate(str(value), (bar.get_x() + bar.get_width() / 2, value),
                        xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                        fontsize=8, color=INK)
    target, label = _target(weeks)
    ax.axhline(target, color=GOAL, linestyle="--", linewidth=1.6, zorder=3, label=label)
    labels = _week_labels(weeks)
    crowded = len(xs) > 6
    ax.set_xticks(xs, labels, rotation=35 if crowded else 0, ha="right" if crowded else "center",
                  fontsize=8, color=INK)
    ax.set_xlim(-0.6, max(len(xs), 3) - 0.4)  # a lone bar stays a bar, not a wall
    ax.set_ylim(0, max([target, *weeks.minutes]) * 1.25)
    ax.set_ylabel(texts.CHART_Y, color=INK)
    ax.grid(axis="y", color=GRID, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", colors=INK, length=0)
    ax.legend(loc="upper left", frameon=False, fontsize=9)


def _week_labels(weeks: WeeklyMinutes) -> list[str]:
    labels = [f"{texts.MONTH_NAMES[s.month - 1]} {s.day}" for s in weeks.week_starts]
    labels[-1] = summary_texts.CHART_LAST_WEEK if weeks.finished else texts.CHART_THIS_WEEK
    return labels


def _shade(minutes: int, target: int) -> str:
    if minutes <= 0:
        return EMPTY_DAY
    share = minutes / max(1, target)
    level = 0 if share < 0.5 else 1 if share < 1 else 2 if share < 2 else 3
    return DAY_SHADES[level]


def _calendar(ax: Any, weeks: WeeklyMinutes) -> None:
    from matplotlib.patches import Rectangle

    plan = weeks.target.plan
    daily = plan.minutes if plan is not None else max(1, round(weeks.target.goal / 5))
    for column, start in enumerate(weeks.week_starts):
        for row in range(7):
            day = start + timedelta(days=row)
            color = FUTURE_DAY if day > weeks.today else _shade(weeks.by_day.get(day, 0), daily)
            edge = INK if day == weeks.today else GRID if day > weeks.today else "none"
            ax.add_patch(Rectangle((column + 0.06, row + 0.06), 0.88, 0.88, facecolor=color,
                                   edgecolor=edge, linewidth=1.2))
    ax.set_xlim(0, max(len(weeks.week_starts), 3))
    ax.set_ylim(7, 0)
    ax.set_aspect("equal")
    ax.set_yticks([r + 0.5 for r in range(7)], list(texts.WEEKDAY_NAMES), fontsize=7, color=INK)
    labels = _week_labels(weeks)
    ends = sorted({0, len(labels) - 1})
    ax.set_xticks([c + 0.5 for c in ends], [labels[c] for c in ends], fontsize=7, color=INK)
    ax.set_title(texts.CHART_DAYS_TITLE, fontsize=10, color=INK, loc="left")
    ax.set_xlabel(texts.CHART_DAYS_LEGEND, fontsize=7, color=INK)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
