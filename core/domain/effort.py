"""Honest effort numbers from the Compendium of Physical Activities (Ainsworth et al. 2011)."""

from __future__ import annotations

MET_BACKWARD_LEVEL = 6.0  # code 17320: walking backwards, 3.5 mph, level
MET_BACKWARD_UPHILL = 8.0  # code 17325: walking backwards, 3.5 mph, uphill, 5% grade
MET_FORWARD_BRISK = 4.3  # code 17200: walking, 3.5 mph, level, brisk


def met_minutes(minutes: int) -> int:
    """MET-minutes at 3.5 mph; beginners walk slower, so this is an upper bound ('up to')."""
    return round(MET_BACKWARD_LEVEL * minutes)

