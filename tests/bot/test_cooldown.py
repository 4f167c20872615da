"""The cooldown on public answers: once per key while the last is up, keys kept only that long."""

from __future__ import annotations

from bot.cooldown import Cooldown


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_key_passes_once_per_period_and_keys_are_separate() -> None:
    clock = Clock()
    cooldown = Cooldown(60, clock=clock)
    assert cooldown.ready((1, 10))
    clock.now += 59
    assert not cooldown.ready((1, 10))
    assert cooldown.ready((2, 10)) and cooldown.ready((1, 11))
    clock.now += 1
    assert cooldown.ready((1, 10))


def test_keys_past_their_period_are_forgotten() -> None:
    clock = Clock()
    cooldown = Cooldown(60, clock=clock)
    for user in range(100):
        cooldown.ready(user)
    clock.now += 60
    cooldown.ready("someone")
    assert len(cooldown) == 1
