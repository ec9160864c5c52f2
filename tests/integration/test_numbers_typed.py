"""Numbers typed in other scripts (issue 9): only ASCII digits are read; anything else gets
the usual example, never a crash."""

from __future__ import annotations

import pytest

from tests.support import Person, in_group


@pytest.mark.parametrize("text", [
    "/daystart ²", "/daystart ٤", "/remind ²:³⁰", "/remind ٠٧:٣٠", "/goal ²", "/goal ١٥٠",
    "/pause ³", "/pause ٣", "/stats ²",
])
def test_numbers_in_other_scripts_get_the_usual_example_and_never_crash(
    ada: Person, text: str
) -> None:
    refusal = ada.fail(text)
    assert "Example" in refusal or "e.g." in refusal


@pytest.mark.parametrize("text", ["/challenge_goal ²", "/challenge_time ²:³⁰",
                                  "/challenge_time ٠٧:٣٠", "/challenge_goal ١٠"])
def test_group_numbers_in_other_scripts_get_the_usual_example(ada: Person, text: str) -> None:
    admin = in_group(ada, admin=True)
    refusal = admin.fail(text)
    assert "Example" in refusal or "e.g." in refusal
