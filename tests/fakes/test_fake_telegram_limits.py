"""The fake's strict flood limits follow Telegram's rules, checked on the throttle itself with
explicit times: 30 sends in any rolling second overall, about one a second to a private chat
after a short burst, 20 in any rolling minute to a group; other methods are not counted."""

from __future__ import annotations

from tests.fakes.telegram import Chat, Limits
from tests.fakes.telegram.limits import Throttle


def private(n: int) -> Chat:
    return Chat(100 + n, "private")


GROUP = Chat(-4_000_000_001, "group")


def test_thirty_a_second_overall_over_a_rolling_window() -> None:
    throttle = Throttle(Limits())
    assert [throttle.check("sendMessage", private(n), n * 0.01) for n in range(30)] == [None] * 30
    assert throttle.check("sendMessage", private(31), 0.5) == 1  # the 31st in that second
    assert throttle.check("sendMessage", private(31), 0.999) == 1
    assert throttle.check("sendMessage", private(31), 1.0) is None  # the first has left it
    assert throttle.check("sendMessage", private(32), 1.005) == 1  # the second not yet
    assert throttle.check("getChatMember", private(33), 1.005) is None  # only sends count


def test_an_even_thirty_a_second_is_never_refused() -> None:
    throttle = Throttle(Limits())
    checks = [throttle.check("sendMessage", private(n), n / 29) for n in range(300)]
    assert checks == [None] * 300


def test_one_a_second_to_a_private_chat_after_a_short_burst() -> None:
    throttle, chat = Throttle(Limits()), private(1)
    assert [throttle.check("sendMessage", chat, 0.0) for _ in range(4)] == [None] * 4
    assert throttle.check("sendMessage", chat, 0.1) == 1
    assert throttle.check("sendMessage", chat, 1.0) is None
    assert throttle.check("sendMessage", chat, 1.5) == 1
    assert throttle.check("sendMessage", chat, 2.0) is None


def test_twenty_in_any_rolling_minute_to_a_group() -> None:
    throttle = Throttle(Limits())
    assert [throttle.check("sendMessage", GROUP, n * 3.0) for n in range(20)] == [None] * 20
    assert throttle.check("sendMessage", GROUP, 59.9) == 1  # 20 since t=0: wait for it to leave
    assert throttle.check("sendMessage", GROUP, 60.0) is None
    assert throttle.check("sendMessage", GROUP, 61.0) == 2  # the one of t=3 leaves at 63
