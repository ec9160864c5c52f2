"""/link and /unlink: one walker on two platforms. A code asked for on one platform and entered on
the other joins the two accounts; the streak is folded again from the joined history."""

from __future__ import annotations

import re

from sqlalchemy import Engine

from core.coach import Coach
from core.identity import Platform
from tests.support import ManualClock, Person, in_group, person, table_rows, walk_minutes

CODE = re.compile(r"Your link code: ([A-Z2-9]{4}-[A-Z2-9]{4})")


def on_telegram(coach: Coach, name: str = "ada") -> Person:
    return person(coach, name, Platform.TELEGRAM)


def on_discord(coach: Coach, name: str = "ada") -> Person:
    return person(coach, name, Platform.DISCORD)


def code_of(someone: Person) -> str:
    match = CODE.search(someone.say("/link").text)
    assert match, "no code in the reply to /link"
    return match.group(1)


def current_streak(someone: Person) -> int:
    match = re.search(r"Current streak: (\d+)", someone.say("/streak").text)
    assert match
    return int(match.group(1))


def stats_walks(someone: Person) -> int:
    match = re.search(r"Walks: (\d+)", someone.say("/stats all").text)
    return int(match.group(1)) if match else 0


def person_ids(engine: Engine) -> dict[str, int]:
    return {f"{a['platform']}:{a['external_id']}": int(str(a["person_id"]))
            for a in table_rows(engine)["accounts"]}


def test_a_code_entered_on_the_other_platform_joins_the_accounts_into_one_walker(
        coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/log 20 min park")
    dc.say("/start")  # the Discord side holds no walks: no question, joined at once
    reply = dc.say(f"/link {code_of(tg)}")
    assert reply.text.startswith("Linked: Telegram (Ada) and Discord (Ada) are now one walker")
    ids = person_ids(engine)
    assert ids["telegram:ada"] == ids["discord:ada"]
    assert len(table_rows(engine)["people"]) == 1
    assert stats_walks(dc) == 1 and "Recorded: 5 min" in dc.say("/log 5 min").text
    assert stats_walks(tg) == 2


def test_the_code_is_accepted_however_it_is_typed(coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    code = code_of(tg)
    assert dc.say(f"/link  {code.lower().replace('-', ' ')} ").text.startswith("Linked")


def test_walks_on_different_days_on_each_side_make_one_longer_streak(
        coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    for day in ("2026-11-20", "2026-11-21"):
        tg.say(f"/log 10 min {day}")
    for day in ("2026-11-22", "2026-11-23", "today"):
        dc.say(f"/log 15 min {day}")
    assert current_streak(tg) == 0 and current_streak(dc) == 3
    question = dc.say(f"/link {code_of(tg)}")
    assert "- Telegram (Ada): 2 walks, 20 min" in question.text
    assert "- Discord (Ada): 3 walks, 45 min" in question.text
    assert "Together: 5 walks, 65 min, a streak of 5 days." in question.text
    assert [b.action for b in question.buttons] == ["link:yes", "link:no"]
    assert person_ids(engine)["telegram:ada"] != person_ids(engine)["discord:ada"]
    done = dc.press("link:yes")
    assert "Streak: 5 days." in done.text
    assert current_streak(tg) == current_streak(dc) == 5
    assert stats_walks(tg) == 5
    assert sorted(walk_minutes(engine)) == [10, 10, 15, 15, 15]


def test_a_day_walked_on_both_sides_counts_once(coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    for day in ("yesterday", "today"):
        tg.say(f"/log 10 min {day}")
        dc.say(f"/log 10 min {day}")
    question = dc.say(f"/link {code_of(tg)}")
    assert "Together: 4 walks, 40 min, a streak of 2 days." in question.text
    assert "Streak: 2 days." in dc.say("yes").text  # typed yes works like the button
    assert current_streak(tg) == 2 and stats_walks(tg) == 4


def test_no_keeps_both_walkers_apart_and_the_code_still_works(
        coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/log 10 min")
    dc.say("/log 12 min")
    code = code_of(tg)
    dc.say(f"/link {code}")
    assert "nothing was joined" in dc.press("link:no").text
    assert person_ids(engine)["telegram:ada"] != person_ids(engine)["discord:ada"]
    assert "expired or was already answered" in dc.fail_press("link:yes")
    dc.say(f"/link {code}")
    assert dc.say("yes").text.startswith("Linked")


def test_a_code_expires_after_ten_minutes(coach: Coach, clock: ManualClock) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    code = code_of(tg)
    clock.advance(minutes=10, seconds=1)
    assert "expired" in dc.fail(f"/link {code}")
    fresh = code_of(tg)
    clock.advance(minutes=9)
    assert dc.say(f"/link {fresh}").text.startswith("Linked")


def test_a_new_code_ends_the_one_before_even_while_its_question_is_open(
        coach: Coach, clock: ManualClock) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/log 10 min")
    dc.say("/log 10 min")
    old = code_of(tg)
    assert "Join them?" in dc.say(f"/link {old}").text
    clock.advance(seconds=1)
    code_of(tg)
    assert "expired" in dc.fail("yes")
    assert "expired" in dc.fail(f"/link {old}")


def test_a_code_cannot_be_used_twice(coach: Coach) -> None:
    tg, dc, carl = on_telegram(coach), on_discord(coach), on_discord(coach, "carl")
    code = code_of(tg)
    dc.say(f"/link {code}")
    assert "already been used" in carl.fail(f"/link {code}")
    assert "already been used" in dc.fail(f"/link {code}")


def test_a_code_cannot_be_used_by_anyone_else(coach: Coach, engine: Engine) -> None:
    ada_tg, ada_dc = on_telegram(coach), on_discord(coach)
    bob_tg = on_telegram(coach, "bob")
    bob_tg.say("/start")
    carl_tg, carl_dc = on_telegram(coach, "carl"), on_discord(coach, "carl")
    carl_dc.say(f"/link {code_of(carl_tg)}")  # Carl is one walker on both platforms
    code = code_of(ada_tg)
    # Bob on Telegram: the code was made on Telegram.
    assert "made on Telegram, and this is Telegram too" in bob_tg.fail(f"/link {code}")
    # Carl's Discord account already belongs to a walker with a Telegram account.
    assert "already linked with Telegram (Carl)" in carl_dc.fail(f"/link {code}")
    assert "code you asked for here" in ada_tg.fail(f"/link {code}")
    ids = person_ids(engine)
    assert len({ids["telegram:ada"], ids["telegram:bob"], ids["telegram:carl"]}) == 3
    assert ids["telegram:carl"] == ids["discord:carl"]
    assert ada_dc.say(f"/link {code}").text.startswith("Linked")  # still unused, still Ada's


def test_an_account_already_linked_to_the_same_walker_is_told_so(coach: Coach) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    dc.say(f"/link {code_of(tg)}")
    listed = tg.say("/link")
    assert listed.text.startswith("You're one walker on Telegram (Ada) and Discord (Ada).")
    assert not CODE.search(listed.text)


def test_wrong_codes_are_refused_for_a_while_after_five(
        coach: Coach, engine: Engine, clock: ManualClock) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    answers = [dc.say(f"/link AAAA-AAA{n + 2}").text for n in range(5)]
    assert all("isn't right" in a for a in answers)
    assert "After one more wrong code" in answers[3]
    code = code_of(tg)
    assert "Too many wrong codes. Please wait 10 min" in dc.fail(f"/link {code}")
    clock.advance(minutes=5)
    assert "Please wait 5 min" in dc.fail(f"/link {code}")
    clock.advance(minutes=5)
    assert dc.say(f"/link {code_of(tg)}").text.startswith("Linked")
    assert table_rows(engine)["link_failures"] == []  # the joined walker starts afresh


def test_a_malformed_code_is_answered_with_an_example_and_not_counted(
        coach: Coach, engine: Engine) -> None:
    dc = on_discord(coach)
    assert "like /link K7QM-R3XP" in dc.fail("/link 12345")
    assert "like /link K7QM-R3XP" in dc.fail("/link OOOO-IIII")  # letters no code holds
    assert table_rows(engine)["link_failures"] == []


def test_link_and_unlink_belong_in_a_private_chat(coach: Coach) -> None:
    group = in_group(on_telegram(coach))
    assert "private chat" in group.fail("/link")
    assert "private chat" in group.fail("/unlink")


def test_the_asker_keeps_their_settings_and_gaps_are_filled_from_the_other_side(
        coach: Coach, engine: Engine, clock: ManualClock) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/timezone Europe/Berlin")
    tg.say("/goal 90")
    dc.say("/timezone America/New_York")
    dc.say("/goal 200")
    dc.say("/remind 18:00")
    dc.say(f"/link {code_of(tg)}")
    (walker,) = table_rows(engine)["people"]
    assert (walker["timezone"], walker["weekly_goal"], walker["remind_at"]) == (
        "Europe/Berlin", 90, "18:00")
    # 18:00 in Berlin on Tuesday 24 November is 17:00 UTC.
    assert str(walker["remind_next"]).startswith("2026-11-24 17:00")


def test_reminders_queued_for_the_other_side_s_time_are_cancelled(
        coach: Coach, engine: Engine, clock: ManualClock) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/remind 18:00")
    dc.say("/remind 12:30")
    clock.advance(minutes=31)  # 12:31 UTC: Discord's reminder is due
    assert coach.plan_deliveries() == 1
    dc.say(f"/link {code_of(tg)}")
    rows = {r["kind"]: r for r in table_rows(engine)["deliveries"]}
    assert rows["reminder"]["status"] == "skipped"
    assert rows["notice"]["status"] == "pending"  # "your Telegram account is now linked"
    tg_account = next(a for a in table_rows(engine)["accounts"] if a["platform"] == "telegram")
    assert rows["notice"]["account_id"] == tg_account["id"]


def test_challenge_memberships_and_export_follow_the_walker(
        coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    in_group(tg, "tg-group").say("/join")
    in_group(dc, "dc-server").say("/join")
    dc.say(f"/link {code_of(tg)}")
    members = table_rows(engine)["challenge_members"]
    assert len(members) == 2 and len({m["person_id"] for m in members}) == 1
    export = tg.say("/export")
    everything = export.files[1].data.decode()
    assert '"platform": "telegram"' in everything and '"platform": "discord"' in everything


def test_unlinking_keeps_the_history_with_the_account_that_asks(
        coach: Coach, engine: Engine) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/log 10 min yesterday")
    tg.say("/timezone Europe/Berlin")
    in_group(tg, "tg-group").say("/join")
    in_group(dc, "dc-server").say("/join")
    dc.say(f"/link {code_of(tg)}")
    dc.say("/log 20 min")
    reply = dc.say("/unlink")
    assert reply.text.startswith("Unlinked: Telegram (Ada) is now a new walker, starting empty")
    assert stats_walks(dc) == 2 and current_streak(dc) == 2
    assert stats_walks(tg) == 0 and current_streak(tg) == 0
    ids = person_ids(engine)
    assert ids["telegram:ada"] != ids["discord:ada"]
    walker = {p["id"]: p for p in table_rows(engine)["people"]}[ids["telegram:ada"]]
    assert walker["timezone"] == "Europe/Berlin"  # so its days still count right
    members = {m["chat_id"]: m["person_id"] for m in table_rows(engine)["challenge_members"]}
    chats = {c["external_id"]: c["id"] for c in table_rows(engine)["chats"]}
    assert members[chats["tg-group"]] == ids["telegram:ada"]
    assert members[chats["dc-server"]] == ids["discord:ada"]
    notices = [d for d in table_rows(engine)["deliveries"] if d["kind"] == "notice"]
    assert notices[-1]["platform"] == "telegram"
    assert "nothing to unlink" in dc.fail("/unlink")


def test_unlink_without_a_link_says_there_is_nothing_to_unlink(coach: Coach) -> None:
    assert "nothing to unlink" in on_telegram(coach).fail("/unlink")


def test_forget_after_linking_deletes_the_walker_everywhere(
        coach: Coach, engine: Engine) -> None:
    tg, dc, bob = on_telegram(coach), on_discord(coach), on_discord(coach, "bob")
    tg.say("/log 10 min yesterday")
    dc.say("/log 20 min")
    in_group(dc, "dc-server").say("/join")
    bob.say("/log 7 min")
    dc.say(f"/link {code_of(tg)}")
    dc.say("yes")
    tg.say("/forget")
    assert "deleted" in tg.say("yes").text
    rows = table_rows(engine)
    assert [a["external_id"] for a in rows["accounts"]] == ["bob"]
    assert walk_minutes(engine) == [7]
    assert rows["link_codes"] == [] and rows["challenge_members"] == []
    assert len(rows["people"]) == 1


def test_a_joined_walker_keeps_the_challenges_of_both_sides_with_both_sides_walks_counted(
        coach: Coach, clock: ManualClock, engine: Engine) -> None:
    clock.set_local("UTC", 2026, 11, 30, 8)  # a Monday
    tg, dc = on_telegram(coach), on_discord(coach)
    dc_group = in_group(dc, "server1", "Walkers", admin=True)
    dc_group.say('/newchallenge team "Together" 500 min 7 days')
    clock.advance(minutes=1)
    dc_group.say("/join")
    dc.say("/log 20 min")
    tg.say("/log 30 min")  # logged on the other platform after joining: counts once joined
    before = dc_group.say("/leaderboard").text
    assert "20 min" in before and "50 min" not in before
    dc.say(f"/link {code_of(tg)}")
    assert dc.say("yes").text.startswith("Linked")
    board = dc_group.say("/leaderboard").text
    assert "50 min" in board, board
    tg.say("/unlink")  # the Telegram account keeps the history; Discord starts afresh
    after = in_group(on_discord(coach), "server1", "Walkers").say("/leaderboard").text
    assert "50 min" not in after and "0 min" in after, after


def test_a_linked_walker_is_reminded_once_on_their_first_account_and_on_the_other_if_blocked(
        coach: Coach, engine: Engine, clock: ManualClock) -> None:
    tg, dc = on_telegram(coach), on_discord(coach)
    tg.say("/remind 18:00")
    dc.say(f"/link {code_of(tg)}")
    clock.advance(hours=7)  # past 18:00 UTC
    coach.plan_deliveries()
    reminders = [r for r in table_rows(engine)["deliveries"] if r["kind"] == "reminder"]
    accounts = {a["id"]: a["platform"] for a in table_rows(engine)["accounts"]}
    assert [accounts[int(str(r["account_id"]))] for r in reminders] == ["telegram"]
    coach.mark_unreachable(tg.user)  # blocked the bot on Telegram: Discord takes over
    clock.advance(days=1)
    coach.plan_deliveries()
    reminders = [r for r in table_rows(engine)["deliveries"] if r["kind"] == "reminder"]
    assert sorted(accounts[int(str(r["account_id"]))] for r in reminders) == [
        "discord", "telegram"]
