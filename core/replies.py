"""What the coach answers, platform-neutral: text, buttons, an optional image, optional files."""

from __future__ import annotations

from dataclasses import dataclass

# Buttons that act once (undo a walk, answer a question): after a press platforms take them away.
ONE_SHOT = frozenset({"undo", "forget", "screen"})


def spent_when_pressed(action: str) -> bool:
    """True for a button that should disappear once pressed."""
    return action.partition(":")[0] in ONE_SHOT


@dataclass(frozen=True)
class Button:
    """A button under a reply. `action` travels back in a press (at most 64 bytes)."""

    label: str
    action: str
    row: int = 0


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply: a chart or an export."""

    filename: str
    data: bytes
    mime_type: str


@dataclass(frozen=True)
class Reply:
    """One answer. Answers are personal (ephemeral on Discord) unless `public`: group-facing posts
    such as challenges and leaderboards that everyone in the room should see."""

    text: str
    title: str = ""
    buttons: tuple[Button, ...] = ()
    image: Attachment | None = None
    files: tuple[Attachment, ...] = ()
    public: bool = False

    @property
    def button_rows(self) -> list[list[Button]]:
        """Buttons grouped by row, in order."""
        rows: dict[int, list[Button]] = {}
        for button in self.buttons:
            rows.setdefault(button.row, []).append(button)
        return [rows[key] for key in sorted(rows)]
