"""Two webhook replicas (`retrowalk run --role web`) on one PostgreSQL behind one webhook URL:
an update taken by one replica and handed again to the other (Telegram retrying after a lost
answer, or a load balancer's second try) is acted on once, and each chat's messages are handled
in the order they were written.

Each person writes their next /log after the answer to the previous one (as people do), the
updates of one person alternating between the replicas, the people side by side. After each
answer the same update (same update_id) is posted to the other replica as well.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.e2e.cluster_support import Role, role_env, until
from tests.fakes.telegram import Chat, FakeTelegram, User

PEOPLE = 3
LOGS = 6
SECRET = "replicas-share-this-secret"

pytestmark = pytest.mark.timeout(240)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def walk_minutes(engine: Engine) -> dict[str, list[int]]:
    """Each account's walks, in the order they were stored."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT a.external_id, w.minutes FROM walks w "
            "JOIN accounts a ON a.person_id = w.person_id ORDER BY w.id")).all()
    out: dict[str, list[int]] = {}
    for account, minutes in rows:
        out.setdefault(str(account), []).append(int(minutes))
    return out


async def test_a_replayed_update_on_the_other_replica_is_handled_once_and_in_order(
    tmp_path: Path, cluster_db: tuple[str, Engine]
) -> None:
    url, engine = cluster_db
    async with FakeTelegram() as telegram:
        ports = [free_port(), free_port()]
        hooks = [f"http://127.0.0.1:{port}/telegram" for port in ports]
        replicas = []
        for port in ports:
            env = {**role_env(url, telegram), "RETROWALK_TELEGRAM_WEBHOOK_URL": hooks[0],
                   "RETROWALK_TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
                   "RETROWALK_TELEGRAM_WEBHOOK_PORT": str(port),
                   "RETROWALK_TELEGRAM_WEBHOOK_SECRET": SECRET}
            replicas.append(await Role.start("web", tmp_path, env))
        try:
            await until(lambda: all("telegram webhook listening" in r.log for r in replicas),
                        60, "both replicas listening")
            people = [telegram.user(f"Walker{n}") for n in range(PEOPLE)]
            chats = [telegram.private_chat(p) for p in people]

            async def post(replica: int, update: dict[str, object]) -> int:
                return await telegram.pusher.post(hooks[replica], update, SECRET)

            async def walks_of(person: User, chat: Chat, first: int) -> None:
                for n in range(1, LOGS + 1):
                    update = telegram.make_text_update(person, chat, f"/log {n} min")
                    taken, other = (first + n) % 2, (first + n + 1) % 2
                    assert await post(taken, update) == 200
                    reply = await telegram.next_reply(chat, timeout=20)
                    assert reply.text is not None and reply.text.startswith(
                        f"Recorded: {n} min"), reply.text
                    assert await post(other, update) == 200  # the same update_id again

            await asyncio.gather(*(walks_of(p, c, n) for n, (p, c) in
                                   enumerate(zip(people, chats, strict=True))))
            wrong = telegram.make_text_update(people[0], chats[0], "/log 9 min")
            assert await telegram.pusher.post(hooks[1], wrong, "not-the-secret") == 403
            await asyncio.sleep(1.0)  # a replayed update that were acted on would answer by now
        finally:
            logs = [await r.stop() for r in replicas]
        answers = {c.id: [m.get("text") for m in telegram.sent_to(c)] for c in chats}
        violations = telegram.spec_violations()

    for replica, log in zip(replicas, logs, strict=True):
        assert replica.process.returncode == 0, log[-3000:]
        assert "Traceback" not in log, log[-5000:]
        assert telegram.token not in log and SECRET not in log
    ignored = [log.count("ignored repeated update") for log in logs]
    print(f"\nwebhook replicas: {PEOPLE} people x {LOGS} /log, each update posted to both; "
          f"repeats ignored per replica {ignored}")
    assert sum(ignored) == PEOPLE * LOGS and all(ignored)
    assert walk_minutes(engine) == {str(p.id): list(range(1, LOGS + 1)) for p in people}
    for chat in chats:
        assert len(answers[chat.id]) == LOGS
        assert [str(a).split(" ")[1] for a in answers[chat.id]] == [
            str(n) for n in range(1, LOGS + 1)]
    assert violations == []
