"""Three workers and two schedulers on one PostgreSQL send a fan-out through the fake Telegram
with its strict flood limits; the active sender is killed with SIGKILL mid-run.

Every process is `retrowalk run --role worker|scheduler` in its own process group. The reminders
and daily challenge posts are due when the cluster starts; the schedulers' periodic `plan` job
(procrastinate, deferred once per tick whichever scheduler defers it) queues them, and the one
worker holding the sender lock drains them. Once a third has arrived that worker's process group
gets SIGKILL: a standby takes the lock and carries on. Its claimed deliveries come back when
their 2-minute lease runs out; the test moves `lease_until` of those rows into the past instead
of waiting (as tests/e2e/test_fanout_kill.py does), nothing else.

REMINDERS is smaller than the issue's 10,000: at Telegram's 30 messages a second those take
5.5 minutes, too long inside `make test`; bench/scale.py runs the full count.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.e2e.cluster_support import (
    Role,
    busiest_second,
    leased,
    let_leases_run_out,
    role_env,
    sent_to,
    set_up_due,
    statuses,
    until,
)
from tests.fakes.telegram import FakeTelegram

REMINDERS = 900
GROUPS = 12
KILL_AFTER = REMINDERS // 3
LIMIT = 30  # Telegram's messages a second, which the fake enforces

pytestmark = pytest.mark.timeout(420)


def running_drains(engine: Engine) -> set[int]:
    """The ids of the drain jobs procrastinate has as running."""
    with engine.connect() as connection:
        return {int(r[0]) for r in connection.execute(text(
            "SELECT id FROM procrastinate.procrastinate_jobs "
            "WHERE task_name = 'drain' AND status = 'doing'"))}


def jobs_by_status(engine: Engine) -> dict[str, int]:
    """Procrastinate's jobs per task and status."""
    with engine.connect() as connection:
        return {f"{t}/{s}": int(n) for t, s, n in connection.execute(text(
            "SELECT task_name, status, count(*) FROM procrastinate.procrastinate_jobs "
            "GROUP BY task_name, status"))}


async def test_a_sigkilled_sender_loses_nothing_and_a_standby_sends_the_rest_under_the_limit(
    tmp_path: Path, cluster_db: tuple[str, Engine]
) -> None:
    url, engine = cluster_db
    async with FakeTelegram(strict_limits=True) as telegram:
        walkers = [telegram.user(f"Walker{n}") for n in range(REMINDERS)]
        chats = {telegram.private_chat(w).id for w in walkers}
        admins = [telegram.user(f"Admin{n}") for n in range(GROUPS)]
        groups = [(telegram.group_chat(f"Walkers {n}", admins=[a]), a)
                  for n, a in enumerate(admins)]
        group_ids = {g.id for g, _ in groups}
        set_up_due(engine, walkers, groups)
        env = role_env(url, telegram)
        cwd = tmp_path
        roles = [await Role.start("scheduler", cwd, env) for _ in range(2)]
        workers = [await Role.start("worker", cwd, env) for _ in range(3)]
        roles += workers
        try:
            await until(lambda: sum(sent_to(telegram, chats).values()) >= KILL_AFTER
                        and bool(leased(engine)), 120, "a third sent, some in flight")
            [sender] = [w for w in workers if w.sending]
            await sender.stop(signal.SIGKILL)
            at_kill = sum(sent_to(telegram, chats).values())
            held = leased(engine)
            stalled = running_drains(engine)
            assert at_kill < REMINDERS, "the fan-out finished before the kill"
            assert let_leases_run_out(engine) == len(held)
            await until(lambda: any(w.sending for w in workers if w is not sender), 30,
                        "a standby took over")
            try:
                await until(lambda: set(sent_to(telegram, chats | group_ids))
                            == chats | group_ids, 180, "every reminder and post arrived")
            except AssertionError as missing:
                # What the queue and the standbys say, for whoever reads a red CI.
                tails = "\n---\n".join(w.log[-3000:] for w in workers if w is not sender)
                raise AssertionError(f"{missing}; deliveries {statuses(engine)}; jobs "
                                     f"{jobs_by_status(engine)}\n{tails}") from None
            await until(lambda: set(statuses(engine)) == {"sent"}, 60, "all recorded as sent")
            # The killed sender's drain job stopped beating: a scheduler's `recover` job finds
            # it (after STALLED_SECONDS, within 15 s more) and queues it again or closes it.
            await until(lambda: not stalled & running_drains(engine), 90,
                        "the stalled drain job recovered")
        finally:
            logs = {id(r): await r.stop() for r in roles}
        floods = list(telegram.floods)
        busiest = busiest_second(telegram)
        violations = telegram.spec_violations()

    for role in roles:
        if role is not sender:
            assert role.process.returncode == 0, logs[id(role)][-3000:]
            assert "Traceback" not in logs[id(role)], logs[id(role)][-5000:]
        assert telegram.token not in logs[id(role)]
    received = sent_to(telegram, chats)
    posts = sent_to(telegram, group_ids)
    repeated = {chat for chat, n in received.items() if n > 1}
    duplicates = sum(n - 1 for n in received.values())
    with engine.connect() as connection:
        planned_posts = dict(connection.execute(text(
            "SELECT chat_id, count(*) FROM deliveries WHERE kind = 'challenge' "
            "GROUP BY chat_id")).all())
    print(f"\ncluster fan-out: {REMINDERS} reminders + {GROUPS} posts, 2 schedulers, 3 workers; "
          f"SIGKILL to the sender after {at_kill}; {len(held)} leased to it; lost "
          f"{len(chats - set(received))}; duplicates {duplicates}; 429s {len(floods)}; "
          f"busiest second {busiest} (limit {LIMIT})")
    assert chats - set(received) == set()
    assert statuses(engine) == {"sent": REMINDERS + GROUPS}
    assert repeated <= held, "a duplicate that was not in flight at the kill"
    assert duplicates <= len(held)
    assert floods == [] and busiest <= LIMIT
    assert len(planned_posts) == GROUPS and set(planned_posts.values()) == {1}
    assert set(posts.values()) == {1}
    assert violations == []
    assert stalled, "no drain job was running at the kill"
    assert any("stalled: its worker died" in logs[id(r)] for r in roles if r.role == "scheduler")
