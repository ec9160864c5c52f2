"""PatientLimiter on its own: a fake request in place of HTTP, the real event loop's clock, and
rates raised so that each test takes a fraction of a second."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.telegram.limits import PatientLimiter, broadcasting

RATE = 100.0  # a second; an interval of 10 ms


class Api:
    """Records when each request reached 'Telegram'; answers RetryAfter or NetworkError on
    demand."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, Any, str]] = []
        self.refuse: dict[tuple[Any, str], BaseException] = {}

    async def call(self, chat: Any, text: str) -> dict[str, Any]:
        error = self.refuse.pop((chat, text), None)
        if error is not None:
            raise error
        self.sent.append((asyncio.get_running_loop().time(), chat, text))
        return {"ok": True}


async def send(limiter: PatientLimiter, api: Api, chat: int | str | None, text: str,
               broadcast: bool = False) -> float:
    """Send through the limiter; the loop time it finished."""
    data = {} if chat is None else {"chat_id": chat}

    async def go() -> None:
        await limiter.process_request(api.call, (chat, text), {}, "sendMessage", data, None)

    if broadcast:
        with broadcasting():
            await go()
    else:
        await go()
    return asyncio.get_running_loop().time()


def paced(**options: Any) -> PatientLimiter:
    """A limiter whose overall cap (Telegram's 30 in any second) stays out of the way."""
    return PatientLimiter(**{"overall_max": 10_000, **options})


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def most_within(times: list[float], seconds: float) -> int:
    """The most sends in any window of `seconds`."""
    return max(sum(1 for t in times[n:] if t - start < seconds) for n, start in enumerate(times))


async def test_a_fan_out_is_spaced_evenly_and_never_bunched() -> None:
    limiter, api = paced(overall_rate=RATE), Api()
    for n in range(40):
        await send(limiter, api, 1000 + n, "reminder", broadcast=True)
    times = [t for t, _, _ in api.sent]
    assert most_within(times, 0.1) <= 11  # a late wake-up is made up, never more
    assert 39 * 0.0099 <= times[-1] - times[0] < 39 * 0.0101 + 0.05  # and kept to the pace


async def test_requests_without_a_chat_are_not_paced() -> None:
    limiter, api = paced(overall_rate=1.0), Api()
    start = asyncio.get_running_loop().time()
    for _ in range(5):
        await send(limiter, api, None, "getMe")
    assert asyncio.get_running_loop().time() - start < 0.1


async def test_a_reply_goes_ahead_of_a_queue_of_broadcasts() -> None:
    limiter, api = paced(overall_rate=20.0), Api()  # 50 ms a slot

    async def fan_out() -> None:
        for n in range(20):
            await send(limiter, api, 1000 + n, "reminder", broadcast=True)

    loop = asyncio.get_running_loop()
    broadcasts = asyncio.create_task(fan_out())
    await asyncio.sleep(0.2)
    asked = loop.time()
    answered = await send(limiter, api, 7, "reply")
    assert answered - asked < 0.04  # at once: no broadcast slot to wait for
    await broadcasts
    times = [t for t, chat, _ in api.sent if chat != 7]
    assert len(times) == 20 and times[-1] - times[0] >= 19 * 0.05 - 0.01  # their own pace
    assert most_within(times, 0.5) <= 11


async def test_while_people_chat_broadcasts_leave_room_in_the_window_for_a_reply() -> None:
    """Someone was answered, then a fan-out fills the window: a broadcast never takes the last
    place, so the next reply still goes at once, and the window as Telegram counts it never
    holds more than its limit."""
    limiter, api = PatientLimiter(overall_rate=1000.0, overall_max=5, reply_reserve=1), Api()
    await send(limiter, api, 7, "an earlier reply")
    await asyncio.sleep(1.05)  # out of the window, still recent

    async def fan_out() -> None:
        for n in range(8):
            await send(limiter, api, 1000 + n, "reminder", broadcast=True)

    loop = asyncio.get_running_loop()
    broadcasts = asyncio.create_task(fan_out())
    await asyncio.sleep(0.2)  # four broadcasts went; the fifth waits for the window
    asked = loop.time()
    await send(limiter, api, 7, "reply")
    assert loop.time() - asked < 0.05
    await broadcasts
    order = [chat for _, chat, _ in api.sent]
    assert order[:6] == [7, 1000, 1001, 1002, 1003, 7]
    assert most_within([t for t, _, _ in api.sent], 1.0) <= 5


async def test_with_nobody_chatting_a_fan_out_has_the_whole_window() -> None:
    limiter, api = PatientLimiter(overall_rate=1000.0, overall_max=5, reply_reserve=1), Api()
    for n in range(5):
        await send(limiter, api, 1000 + n, "reminder", broadcast=True)
    times = [t for t, _, _ in api.sent]
    assert times[-1] - times[0] < 0.5  # the fifth did not wait for the window


async def test_never_more_than_the_rate_in_any_rolling_second() -> None:
    limiter, api = PatientLimiter(overall_rate=1000.0, overall_max=20), Api()
    for n in range(25):
        await send(limiter, api, 1000 + n, "reply")
    times = [t for t, _, _ in api.sent]
    assert most_within(times, 1.0) <= 20 and times[20] - times[0] >= 1.0


async def test_a_send_counts_until_a_second_after_its_answer() -> None:
    limiter, api = PatientLimiter(overall_rate=1000.0, overall_max=2), Api()

    async def slow(chat: Any, text: str) -> dict[str, Any]:
        await asyncio.sleep(0.3)  # Telegram may have counted it at any time till its answer
        return await api.call(chat, text)

    loop = asyncio.get_running_loop()
    started = loop.time()
    for n in range(3):
        await limiter.process_request(slow, (n, "slow"), {}, "sendMessage", {"chat_id": n}, None)
    assert loop.time() - started >= 0.3 + 1.0 + 0.3 - 0.01  # the third: a second after the first


async def test_a_retry_after_on_a_broadcast_pauses_broadcasts_but_not_replies() -> None:
    limiter, api = paced(overall_rate=RATE), Api()
    api.refuse[(1000, "reminder")] = RetryAfter(1)
    loop = asyncio.get_running_loop()
    fan_out = asyncio.create_task(send(limiter, api, 1000, "reminder", broadcast=True))
    await asyncio.sleep(0.05)
    asked = loop.time()
    await send(limiter, api, 7, "reply")
    assert loop.time() - asked < 0.1
    other = await send(limiter, api, 1001, "reminder", broadcast=True)
    assert other - asked >= 0.9  # the other broadcast waited out the pause too
    await fan_out
    assert [(c, t) for _, c, t in api.sent] == [(7, "reply"), (1000, "reminder"),
                                                (1001, "reminder")]


async def test_a_retry_after_on_a_reply_pauses_only_that_chat() -> None:
    limiter, api = paced(overall_rate=RATE), Api()
    api.refuse[(7, "reply")] = RetryAfter(1)
    loop = asyncio.get_running_loop()
    start = loop.time()
    flooded = asyncio.create_task(send(limiter, api, 7, "reply"))
    await asyncio.sleep(0.05)
    assert await send(limiter, api, 8, "reply") - start < 0.2
    assert await send(limiter, api, 1000, "reminder", broadcast=True) - start < 0.2
    assert await flooded - start >= 1.1


async def test_retry_after_is_raised_once_the_retries_are_spent() -> None:
    limiter, api = paced(overall_rate=RATE, max_retries=0), Api()
    api.refuse[(7, "reply")] = RetryAfter(1)
    with pytest.raises(RetryAfter):
        await send(limiter, api, 7, "reply")


async def test_a_group_gets_its_limit_in_any_period_and_no_more() -> None:
    limiter, api = paced(overall_rate=RATE, group_max=3, group_period=0.5), Api()
    for n in range(4):
        await send(limiter, api, -42, f"post {n}")
    first, *_, fourth = [t for t, _, _ in api.sent]
    assert fourth - first >= 0.5


async def test_broadcasts_to_one_private_chat_go_a_second_apart_after_a_burst() -> None:
    limiter = paced(overall_rate=RATE, private_interval=0.2, private_burst=2)
    api = Api()
    for n in range(6):
        await send(limiter, api, 7, f"reminder {n}", broadcast=True)
    times = [t for t, _, _ in api.sent]
    assert times[1] - times[0] < 0.1  # the burst
    assert times[-1] - times[0] >= (6 - 2) * 0.2


async def test_replies_to_a_private_chat_are_not_held_back_per_chat_but_count() -> None:
    limiter = paced(overall_rate=RATE, private_interval=0.2, private_burst=2)
    api = Api()
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(4):
        await send(limiter, api, 7, f"reply {n}")
    assert loop.time() - start < 0.15
    assert await send(limiter, api, 7, "reminder", broadcast=True) - start >= 0.4


async def test_a_network_failure_is_tried_again_after_a_pause() -> None:
    limiter, api = paced(overall_rate=RATE, first_backoff=0.1), Api()
    api.refuse[(7, "reply")] = NetworkError("Bad Gateway")
    loop = asyncio.get_running_loop()
    start = loop.time()
    await send(limiter, api, 7, "reply")
    assert loop.time() - start >= 0.1 and [c for _, c, _ in api.sent] == [7]
