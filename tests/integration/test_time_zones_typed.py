"""Time zones typed (issue 9): only real region zones and UTC, with a suggestion when a name is
close."""

from __future__ import annotations

import pytest

from tests.support import Person, in_group


@pytest.mark.parametrize("zone", ["localtime", "Factory", "posixrules", "EST5EDT", "GMT+0",
                                  "Etc/GMT-14", "right/UTC", "posix/Europe/Berlin", "US/Eastern"])
def test_only_real_region_zones_are_accepted(ada: Person, zone: str) -> None:
    refusal = ada.fail(f"/timezone {zone}")
    assert "isn't a time zone I know" in refusal
    assert "/timezone " in refusal


@pytest.mark.parametrize("zone", ["UTC", "utc", "Europe/Berlin", "america/argentina/buenos_aires"])
def test_utc_and_area_city_zones_are_accepted(ada: Person, zone: str) -> None:
    assert ada.say(f"/timezone {zone}").text.startswith("Time zone set to")


def test_a_city_alone_suggests_its_zone(ada: Person) -> None:
    refusal = ada.fail("/timezone Berlin")
    assert "Did you mean Europe/Berlin?" in refusal
    assert "/timezone Europe/Berlin" in refusal


def test_a_misspelt_zone_suggests_the_close_one(ada: Person) -> None:
    assert "Europe/Berlin" in ada.fail("/timezone Europe/Berln")


def test_a_group_zone_is_suggested_too(ada: Person) -> None:
    admin = in_group(ada, admin=True)
    assert "Europe/Berlin" in admin.fail("/challenge_timezone Berlin")


@pytest.mark.parametrize("name", ["GMT", "Etc/UTC", "Zulu"])
def test_other_names_for_utc_suggest_utc(ada: Person, name: str) -> None:
    assert "Did you mean UTC? Example: /timezone UTC" in ada.fail(f"/timezone {name}")
