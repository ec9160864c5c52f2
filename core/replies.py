"""What the coach answers, platform-neutral: text, buttons, an optional image, optional files."""

from __future__ import annotations

from dataclasses import dataclass

# Buttons that act once (undo a walk, answer a question): after a press platforms take them away.
ONE_SHOT = frozenset({"undo", "forget", "screen", "link"})


def spent_when_pressed(action: str) -> bool:
    """True for a button that should disappear once pressed (a quick log stays; the Yes and
    No under a guessed walk go)."""
    kind = action.partition(":")[0]
    return kind in ONE_SHOT or (kind == "log" and (action == "log:no" or action.count(":") == 2))


# Buttons of an admin's settings panel (/setup): every press needs the presser's admin rights,
# which adapters ask the platform for and the core checks, and the answer replaces the panel.
PANELS = frozenset({"setup"})


def on_panel(action: str) -> bool:
    """True for a button of an admins' settings panel."""
    return action.partition(":")[0] in PANELS


def refusal(text: str) -> Reply:
    """The answer to a request the coach refused (a CoachError's text): for the sender, but
    holding nothing personal."""
    return Reply(text, personal=False)


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
    """One answer, and who may see it:

    - `public`: for everyone in the room (challenge posts, joins, the board);
    - `personal` (the default): the sender's own data (walks, streak, pain, notes), which never
      shows in a group: only the sender sees it (Discord: ephemeral; Telegram: a direct message
      with a short line in the group);
    - neither: meant for the sender but harmless to show (an error, the help, a tip).
    """

    text: str
    title: str = ""
    buttons: tuple[Button, ...] = ()
    image: Attachment | None = None
    files: tuple[Attachment, ...] = ()
    public: bool = False
    personal: bool = True
    # Sent without a notification sound (Telegram disable_notification, Discord silent).
    quiet: bool = False

    def __post_init__(self) -> None:
        if self.public and self.personal:
            object.__setattr__(self, "personal", False)

    @property
    def button_rows(self) -> list[list[Button]]:
        """Buttons grouped by row, in order."""
        rows: dict[int, list[Button]] = {}
        for button in self.buttons:
            rows.setdefault(button.row, []).append(button)
        return [rows[key] for key in sorted(rows)]
